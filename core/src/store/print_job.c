/* The print spool on the store (store/print.h): add, claim, update,
 * retry and reprint a job, the jobs list, the recovery at start, and what a
 * ticket's print shows. Every SQL statement of the print_jobs table. */
#include "store/print.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/dialect.h"
#include "store/office.h"
#include "store/print_internal.h"
#include "store/queue.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/jsontext.h"
#include "util/xmalloc.h"

void print_job_view_clear(struct print_job_view *v)
{
	char *t[] = {v->printer, v->format,     v->kind,       v->ref,
	             v->title,   v->state,      v->last_error, v->printer_reasons,
	             v->sha256,  v->created_by, v->office};
	store_strings_free(t, sizeof t / sizeof t[0]);
	memset(v, 0, sizeof *v);
}

/* Column col as an integer, *has set when it is not SQL null. */
static int64_t print_col_int(db_stmt *s, int col, bool *has)
{
	*has = db_column_type(s, col) != DB_NULL;
	return db_column_int64(s, col);
}

/* A row of print_job_view's statement into *v. */
static void print_job_view_read(db_stmt *s, struct print_job_view *v)
{
	*v = (struct print_job_view){.id = db_column_int64(s, 0),
	                             .printer = store_col_dup(s, 1),
	                             .format = store_col_dup(s, 2),
	                             .kind = store_col_dup(s, 3),
	                             .ref = store_col_dup(s, 4),
	                             .title = store_col_dup(s, 5),
	                             .state = store_col_dup(s, 6),
	                             .attempts = db_column_int64(s, 7),
	                             .last_error = store_col_dup(s, 8),
	                             .printer_reasons = store_col_dup(s, 9),
	                             .size = db_column_int64(s, 11),
	                             .sha256 = store_col_dup(s, 12),
	                             .sync = db_column_int(s, 13) != 0,
	                             .created_by = store_col_dup(s, 15),
	                             .created_at = db_column_int64(s, 16),
	                             .updated_at = db_column_int64(s, 17),
	                             .office = store_col_dup(s, 20)};
	v->cups_job_id = print_col_int(s, 10, &v->has_cups_job_id);
	v->reprint_of = print_col_int(s, 14, &v->has_reprint_of);
	v->done_at = print_col_int(s, 18, &v->has_done_at);
	v->next_try_at = print_col_int(s, 19, &v->has_next_try_at);
}

/* The job's view as who may see it (another centre's job is not found), on
 * connection c (the writer inside a transaction), into *out (untouched on
 * error). */
static enum mc_err print_job_view(struct store_conn *c, const struct principal *who, int64_t id,
                                  struct print_job_view *out, struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c, "SELECT j.id, p.name, j.format, j.kind, j.ref, j.title, j.state, j.attempts,"
	       " j.last_error, j.printer_reasons, j.cups_job_id, j.size, j.sha256, j.sync,"
	       " j.reprint_of, j.created_by, j.created_at, j.updated_at, j.done_at,"
	       " CASE WHEN j.state IN ('queued','printing') THEN j.next_try_ms / 1000 END,"
	       " (SELECT o.code FROM offices o WHERE o.id = j.office_id)"
	       " FROM print_jobs j JOIN printers p ON p.id = j.printer_id WHERE j.id = :id"
	       " AND " SCOPE_SQL("j.office_id"));
	struct print_job_view v = {0};
	bool found = false;
	int step;
	if (s == NULL)
		return store_sql_error(c, "print job", err);
	db_bind_int64(s, db_bind_parameter_index(s, ":id"), id);
	store_bind_scope(s, who);
	if (store_next(s, &step)) {
		print_job_view_read(s, &v);
		found = true;
	}
	enum mc_err rc = store_scan_end(c, s, step, "print job", err);
	if (rc == MC_OK && !found)
		rc = mc_fail(err, MC_ERR_NOT_FOUND, "print_job_not_found", "Không có lệnh in này",
		             "No such print job");
	if (rc == MC_OK)
		*out = v;
	else if (found)
		print_job_view_clear(&v);
	return rc;
}

enum mc_err store_print_job_view(struct store *st, const struct principal *who, int64_t id,
                                 struct print_job_view *out, struct mc_error *err)
{
	return print_job_view(store_read_conn(st), who, id, out, err);
}

void print_job_page_free(struct print_job_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		print_job_view_clear(&p->items[i]);
	free(p->items);
	memset(p, 0, sizeof *p);
}

enum mc_err store_print_jobs_list(struct store *st, const struct principal *who, const char *state,
                                  const char *printer, const char *kind, const char *ref,
                                  const char *office, int offset, int limit,
                                  struct print_job_page *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct print_job_page page = {0};
	int64_t office_id;
	int step;
	enum mc_err rc = store_office_in_scope(c, who, office, &office_id, err);
	if (rc)
		return rc;
	// clang-format off
	db_stmt *s = store_stmt(
	    c, "SELECT j.id FROM print_jobs j"
	       " JOIN printers p ON p.id = j.printer_id"
	       " WHERE (CAST(?1 AS TEXT) IS NULL OR j.state = ?1)"
	       " AND (CAST(?2 AS TEXT) IS NULL OR p.name = ?2)"
	       " AND (CAST(?3 AS TEXT) IS NULL OR j.kind = ?3)"
	       " AND (CAST(?4 AS TEXT) IS NULL OR j.ref = ?4) AND " PRINT_OFFICE_SQL("j.office_id")
	       " AND " SCOPE_SQL("j.office_id") " ORDER BY j.id DESC LIMIT :limit OFFSET :offset");
	// clang-format on
	const char *args[] = {state, printer, kind, ref};
	int64_t *ids = xcalloc((size_t)limit + 1, sizeof *ids);
	size_t n = 0;
	if (s == NULL) {
		rc = store_sql_error(c, "print jobs", err);
		goto out;
	}
	for (int i = 0; i < 4; i++)
		if (args[i])
			db_bind_text(s, i + 1, args[i], -1, DB_STATIC);
	db_bind_int(s, db_bind_parameter_index(s, ":limit"), limit);
	db_bind_int(s, db_bind_parameter_index(s, ":offset"), offset);
	db_bind_int64(s, db_bind_parameter_index(s, ":office"), office_id);
	store_bind_scope(s, who);
	step = DB_DONE;
	while (n < (size_t)limit && store_next(s, &step))
		ids[n++] = db_column_int64(s, 0);
	if ((rc = store_scan_end(c, s, step, "print jobs", err)))
		goto out;
	page.items = xcalloc(n ? n : 1, sizeof *page.items);
	for (size_t i = 0; i < n; i++) {
		rc = print_job_view(c, who, ids[i], &page.items[page.n], err);
		if (rc == MC_ERR_NOT_FOUND) /* removed since the page was read */
			continue;
		if (rc)
			goto out;
		page.n++;
	}
	rc = MC_OK;
	// clang-format off
	s = store_stmt(c, "SELECT count(*) FROM print_jobs j"
	                  " JOIN printers p ON p.id = j.printer_id"
	                  " WHERE (CAST(?1 AS TEXT) IS NULL OR j.state = ?1)"
	                  " AND (CAST(?2 AS TEXT) IS NULL OR p.name = ?2)"
	                  " AND (CAST(?3 AS TEXT) IS NULL OR j.kind = ?3)"
	                  " AND (CAST(?4 AS TEXT) IS NULL OR j.ref = ?4) AND " PRINT_OFFICE_SQL("j.office_id")
	                  " AND " SCOPE_SQL("j.office_id"));
	// clang-format on
	if (s == NULL) {
		rc = store_sql_error(c, "print jobs", err);
		goto out;
	}
	for (int i = 0; i < 4; i++)
		if (args[i])
			db_bind_text(s, i + 1, args[i], -1, DB_STATIC);
	db_bind_int64(s, db_bind_parameter_index(s, ":office"), office_id);
	store_bind_scope(s, who);
	if (store_next(s, &step))
		page.total = db_column_int64(s, 0);
	if ((rc = store_scan_end(c, s, step, "print jobs", err)))
		goto out;
	*out = page;
	memset(&page, 0, sizeof page);
out:
	free(ids);
	print_job_page_free(&page);
	return rc;
}

static void print_sha256_hex(const uint8_t *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static int64_t print_now_ms(void)
{
	return clock_now() * 1000;
}

enum mc_err store_print_job_add(struct store *st, const struct principal *who,
                                const struct store_print_job_new *job, int64_t *id,
                                struct mc_error *err)
{
	if (job->data == NULL || job->len == 0)
		return mc_fail(err, MC_ERR_INVALID, "empty_print_job", "Lệnh in rỗng",
		               "a print job needs its bytes");
	char sha[65];
	print_sha256_hex(job->data, job->len, sha);
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	int64_t now = clock_now();
	db_stmt *s = store_stmt(
	    c, "INSERT INTO print_jobs (printer_id, format, kind, ref, title, data, size, sha256,"
	       " sync, state, next_try_ms, created_by, created_at, updated_at, office_id,"
	       " claimed_by, claimed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (s == NULL) {
		rc = store_sql_error(c, "print job", err);
		goto fail;
	}
	db_bind_int64(s, 1, job->printer_id);
	db_bind_text(s, 2, job->format, -1, DB_STATIC);
	db_bind_text(s, 3, job->kind, -1, DB_STATIC);
	if (job->ref)
		db_bind_text(s, 4, job->ref, -1, DB_STATIC);
	db_bind_text(s, 5, job->title ? job->title : job->kind, -1, DB_STATIC);
	db_bind_blob(s, 6, job->data, job->len, DB_STATIC);
	db_bind_int64(s, 7, (int64_t)job->len);
	db_bind_text(s, 8, sha, -1, DB_STATIC);
	db_bind_int(s, 9, job->sync);
	db_bind_text(s, 10, job->sync ? "sending" : "queued", -1, DB_STATIC);
	db_bind_int64(s, 11, now * 1000);
	db_bind_text(s, 12, who->actor, -1, DB_STATIC);
	db_bind_int64(s, 13, now);
	db_bind_int64(s, 14, now);
	if (job->office_id)
		db_bind_int64(s, 15, job->office_id);
	if (job->sync) { /* the kiosk's: this server's from the start */
		db_bind_text(s, 16, store_instance(st), -1, DB_STATIC);
		db_bind_int64(s, 17, now);
	}
	if ((rc = store_step(c, s, "print job", err)))
		goto fail;
	*id = db_last_insert_id(c->db);
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)*id);
	struct jsontext d = print_details_str("kind", job->kind);
	jt_str(&d, "ref", job->ref);
	jt_int(&d, "printer", job->printer_id);
	jt_str(&d, "sha256", sha);
	if ((rc = print_audit(st, who->actor, "print_job", eid, "print_job.created", &d, err)))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

void store_print_job_release(struct store_print_job *job)
{
	free(job->data);
	job->data = NULL;
	job->len = 0;
}

/* Inside the claim's transaction: job id's row and printer into *job (data
 * malloc'd), as it was before the claim marks it. */
static enum mc_err print_job_load(struct store_conn *c, int64_t id, struct store_print_job *job,
                                  struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT j.id, " PRINT_COLS
	                           ", j.format, j.kind, j.title, j.state, j.attempts,"
	                           " coalesce(j.cups_job_id, 0), j.data"
	                           " FROM print_jobs j JOIN printers p ON p.id = j.printer_id"
	                           " WHERE j.id = ?");
	if (s == NULL)
		return store_sql_error(c, "print job claim", err);
	db_bind_int64(s, 1, id);
	int step;
	memset(job, 0, sizeof *job);
	if (store_next(s, &step)) {
		job->id = db_column_int64(s, 0);
		print_row_printer(s, 1, &job->printer);
		snprintf(job->format, sizeof job->format, "%s", store_col_text(s, 8));
		snprintf(job->kind, sizeof job->kind, "%s", store_col_text(s, 9));
		snprintf(job->title, sizeof job->title, "%s", store_col_text(s, 10));
		snprintf(job->state, sizeof job->state, "%s", store_col_text(s, 11));
		job->attempts = db_column_int(s, 12);
		job->cups_job_id = db_column_int(s, 13);
		job->len = (size_t)db_column_bytes(s, 14);
		job->data = xmalloc(job->len ? job->len : 1);
		if (job->len)
			memcpy(job->data, db_column_blob(s, 14), job->len);
	}
	enum mc_err rc = store_scan_end(c, s, step, "print job claim", err);
	if (rc == MC_OK && job->id == 0)
		rc = store_sql_error(c, "print job claim (the row went away)", err);
	return rc;
}

/* Inside the claim's transaction: marks job id this server's (a queued
 * one becomes sending, one attempt more). */
static enum mc_err print_job_mark(struct store *st, struct store_conn *c, int64_t id, int64_t now,
                                  struct mc_error *err)
{
	db_stmt *s =
	    store_stmt(c, "UPDATE print_jobs SET claimed_by = ?1, claimed_at = ?2,"
	                  " attempts = attempts + CASE WHEN state = 'queued' THEN 1 ELSE 0 END,"
	                  " updated_at = CASE WHEN state = 'queued' THEN ?2 ELSE updated_at END,"
	                  " state = CASE WHEN state = 'queued' THEN 'sending' ELSE state END"
	                  " WHERE id = ?3 AND state IN ('queued','printing')");
	if (s == NULL)
		return store_sql_error(c, "print job claim", err);
	db_bind_text(s, 1, store_instance(st), -1, DB_STATIC);
	db_bind_int64(s, 2, now);
	db_bind_int64(s, 3, id);
	enum mc_err rc = store_step(c, s, "print job claim", err);
	if (rc == MC_OK && db_changes(c->db) != 1)
		rc = store_sql_error(c, "print job claim (the row changed)", err);
	return rc;
}

enum mc_err store_print_job_claim(struct store *st, int64_t now_ms, struct store_print_job *job,
                                  bool *found, int64_t *next_due_ms, struct mc_error *err)
{
	*found = false;
	*next_due_ms = 0;
	memset(job, 0, sizeof *job);
	/* A cheap look first, on the reader: most polls find nothing due, and
	 * need no write transaction (on PostgreSQL, no event lock). */
	struct store_conn *r = store_read_conn(st);
	db_stmt *s = store_stmt(r, "SELECT min(next_try_ms) FROM print_jobs"
	                           " WHERE state IN ('queued','printing') AND sync = 0");
	if (s == NULL)
		return store_sql_error(r, "print job claim", err);
	int step = db_step(s);
	bool waits = step == DB_ROW && db_column_type(s, 0) != DB_NULL;
	int64_t first = waits ? db_column_int64(s, 0) : 0;
	db_reset(s);
	if (step != DB_ROW)
		return store_sql_error(r, "print job claim", err);
	if (!waits || first > now_ms) {
		*next_due_ms = first;
		return MC_OK;
	}
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	s = store_stmt(c, dialect_print_claim_sql(c->db));
	if (s == NULL) {
		rc = store_sql_error(c, "print job claim", err);
		goto fail;
	}
	db_bind_int64(s, 1, now_ms / 1000 - STORE_CLAIM_LEASE_SECONDS);
	int64_t id = 0, due = 0;
	if (store_next(s, &step)) {
		id = db_column_int64(s, 0);
		due = db_column_int64(s, 1);
	}
	if ((rc = store_scan_end(c, s, step, "print job claim", err)))
		goto fail;
	if (id == 0 || due > now_ms) {
		*next_due_ms = due;
		store_rollback(st);
		return MC_OK;
	}
	if ((rc = print_job_load(c, id, job, err)) ||
	    (rc = print_job_mark(st, c, id, now_ms / 1000, err)))
		goto fail;
	if ((rc = store_commit(st, err))) {
		store_print_job_release(job);
		return rc;
	}
	*found = true;
	return MC_OK;
fail:
	store_print_job_release(job);
	store_rollback(st);
	return rc;
}

enum mc_err store_print_job_update(struct store *st, int64_t id, const struct store_print_update *u,
                                   struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	int64_t now = clock_now();
	db_stmt *s = store_stmt(
	    c, "UPDATE print_jobs SET state = ?1, attempts = attempts + ?2,"
	       " cups_job_id = CASE WHEN ?3 > 0 THEN ?3 WHEN ?3 < 0 THEN NULL"
	       "  ELSE cups_job_id END,"
	       " next_try_ms = ?4, last_error = CASE WHEN CAST(?5 AS TEXT) IS NULL THEN last_error"
	       "  WHEN ?5 = '' THEN NULL ELSE ?5 END,"
	       " printer_reasons = coalesce(?6, printer_reasons), updated_at = ?7,"
	       " done_at = CASE WHEN ?1 = 'done' THEN ?7 ELSE done_at END,"
	       " claimed_by = CASE WHEN ?9 = 1 THEN claimed_by END,"
	       " claimed_at = CASE WHEN ?9 = 1 THEN claimed_at END WHERE id = ?8");
	if (s == NULL) {
		rc = store_sql_error(c, "print job", err);
		goto fail;
	}
	db_bind_text(s, 1, u->state, -1, DB_STATIC);
	db_bind_int(s, 2, u->count_attempt ? 1 : 0);
	db_bind_int(s, 3, u->cups_job_id);
	db_bind_int64(s, 4, u->next_try_ms);
	if (u->last_error)
		db_bind_text(s, 5, u->last_error, -1, DB_STATIC);
	if (u->reasons)
		db_bind_text(s, 6, u->reasons, -1, DB_STATIC);
	db_bind_int64(s, 7, now);
	db_bind_int64(s, 8, id);
	db_bind_int(s, 9, u->keep_claim ? 1 : 0);
	if ((rc = store_step(c, s, "print job", err)))
		goto fail;
	if (u->whole_printer) {
		s = store_stmt(
		    c, "UPDATE print_jobs SET next_try_ms = CASE WHEN next_try_ms > ?1"
		       " THEN next_try_ms ELSE ?1 END,"
		       " last_error = coalesce(?2, last_error),"
		       " printer_reasons = coalesce(?3, printer_reasons), updated_at = ?4"
		       " WHERE state = 'queued' AND sync = 0 AND id <> ?5"
		       " AND printer_id = (SELECT printer_id FROM print_jobs WHERE id = ?5)");
		if (s == NULL) {
			rc = store_sql_error(c, "print job", err);
			goto fail;
		}
		db_bind_int64(s, 1, u->next_try_ms);
		if (u->last_error && *u->last_error)
			db_bind_text(s, 2, u->last_error, -1, DB_STATIC);
		if (u->reasons)
			db_bind_text(s, 3, u->reasons, -1, DB_STATIC);
		db_bind_int64(s, 4, now);
		db_bind_int64(s, 5, id);
		if ((rc = store_step(c, s, "print job", err)))
			goto fail;
	}
	if (strcmp(u->state, "done") == 0 || strcmp(u->state, "failed") == 0) {
		char eid[24];
		snprintf(eid, sizeof eid, "%lld", (long long)id);
		struct jsontext d = print_details_str("error", u->last_error);
		rc = print_audit(
		    st, "system:printer", "print_job", eid,
		    strcmp(u->state, "done") == 0 ? "print_job.done" : "print_job.failed", &d, err);
		if (rc)
			goto fail;
	}
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

/* The rows a start takes back: claimed by no one (an older program's), by
 * this server, or longer ago than the lease (store/store.h). ?1 the
 * instance, ?2 now less the lease. */
#define PRINT_RECOVERABLE "(claimed_by IS NULL OR claimed_by = ?1 OR claimed_at < ?2)"

/* The kiosk's next job this start takes back, cut off mid-print: *id (0:
 * none) and *ticket (its ticket's id, 0 for another kind). */
static bool print_recover_next_sync(struct store *st, int64_t *id, int64_t *ticket)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT id, kind, coalesce(ref, '') FROM print_jobs"
	                           " WHERE sync = 1 AND state = 'sending'"
	                           " AND " PRINT_RECOVERABLE " ORDER BY id LIMIT 1");
	*id = *ticket = 0;
	if (s == NULL)
		return false;
	db_bind_text(s, 1, store_instance(st), -1, DB_STATIC);
	db_bind_int64(s, 2, clock_now() - STORE_CLAIM_LEASE_SECONDS);
	if (db_step(s) == DB_ROW) {
		*id = db_column_int64(s, 0);
		if (strcmp(store_col_text(s, 1), "ticket") == 0)
			*ticket = strtoll(store_col_text(s, 2), NULL, 10);
	}
	db_reset(s);
	return *id != 0;
}

/* Runs one of the recovery's updates (?1, ?2 as PRINT_RECOVERABLE); adds
 * the rows it changed to *n. */
static void print_recover_update(struct store *st, struct store_conn *c, const char *sql, int *n,
                                 struct mc_error *err)
{
	db_stmt *s = store_stmt(c, sql);
	if (s == NULL)
		return;
	db_bind_text(s, 1, store_instance(st), -1, DB_STATIC);
	db_bind_int64(s, 2, clock_now() - STORE_CLAIM_LEASE_SECONDS);
	if (store_step(c, s, "print job", err) == MC_OK)
		*n += db_changes(c->db);
}

int store_print_recover(struct store *st, struct mc_error *err)
{
	static const struct principal system = {.role = ROLE_ADMIN, .actor = "system:printer"};
	int n = 0;
	int64_t id, ticket;
	/* The kiosk's jobs cut off mid-print: fail them, void their tickets. */
	while (print_recover_next_sync(st, &id, &ticket)) {
		struct mc_error ignored;
		if (ticket > 0)
			store_ticket_void(st, &system, ticket, "print interrupted by a restart",
			                  &ignored);
		struct store_print_update u = {.state = "failed",
		                               .last_error = "interrupted by a server restart"};
		if (store_print_job_update(st, id, &u, err) != MC_OK)
			return n;
		n++;
	}
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return n;
	struct store_conn *c = store_write_conn(st);
	print_recover_update(st, c,
	                     "UPDATE print_jobs SET state = 'queued', next_try_ms = 0,"
	                     " claimed_by = NULL, claimed_at = NULL"
	                     " WHERE sync = 0 AND state = 'sending' AND " PRINT_RECOVERABLE,
	                     &n, err);
	print_recover_update(st, c,
	                     "UPDATE print_jobs SET next_try_ms = 0, claimed_by = NULL,"
	                     " claimed_at = NULL WHERE state = 'printing' AND " PRINT_RECOVERABLE,
	                     &n, err);
	store_commit(st, err);
	return n;
}

/* Loads what a staff action needs of job id; refuses the ticket of a kiosk
 * print that failed (its number was voided). */
static enum mc_err print_job_check(struct store_conn *c, const struct principal *who, int64_t id,
                                   char state[12], struct mc_error *err)
{
	db_stmt *s =
	    store_stmt(c, "SELECT j.state, j.kind = 'ticket' AND EXISTS (SELECT 1 FROM tickets t"
	                  " WHERE t.id = CAST(j.ref AS INTEGER) AND t.outcome = 'voided')"
	                  " FROM print_jobs j WHERE j.id = :id AND " SCOPE_SQL("j.office_id"));
	if (s == NULL)
		return store_sql_error(c, "print job", err);
	db_bind_int64(s, db_bind_parameter_index(s, ":id"), id);
	store_bind_scope(s, who);
	enum mc_err rc = MC_OK;
	int step;
	if (store_next(s, &step)) {
		snprintf(state, 12, "%s", store_col_text(s, 0));
		if (db_column_int(s, 1))
			rc = mc_fail(
			    err, MC_ERR_CONFLICT, "ticket_voided",
			    "Số này đã hủy vì không in được; hãy lấy số mới",
			    "This ticket was voided when its print failed; issue a new one");
	} else if (step == DB_DONE) {
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "print_job_not_found", "Không có lệnh in này",
		              "No print job %lld", (long long)id);
	}
	enum mc_err src = store_scan_end(c, s, step, "print job", err);
	if (src)
		rc = src;
	return rc;
}

enum mc_err store_print_job_retry(struct store *st, const struct principal *who, int64_t id,
                                  struct print_job_view *job, struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	char state[12];
	if ((rc = print_job_check(c, who, id, state, err)))
		goto fail;
	if (strcmp(state, "failed") != 0) {
		rc = mc_failf(err, MC_ERR_CONFLICT, "job_not_failed",
		              "Chỉ lệnh in bị lỗi mới được in lại",
		              "Only a failed job can be retried (this one is %s)", state);
		goto fail;
	}
	db_stmt *s = store_stmt(c, "UPDATE print_jobs SET state = 'queued', attempts = 0,"
	                           " sync = 0, next_try_ms = ?, updated_at = ?, cups_job_id = NULL"
	                           " WHERE id = ?");
	if (s == NULL) {
		rc = store_sql_error(c, "print job", err);
		goto fail;
	}
	db_bind_int64(s, 1, print_now_ms());
	db_bind_int64(s, 2, clock_now());
	db_bind_int64(s, 3, id);
	if ((rc = store_step(c, s, "print job", err)))
		goto fail;
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)id);
	struct jsontext d = print_details_str(NULL, NULL);
	if ((rc = print_audit(st, who->actor, "print_job", eid, "print_job.retried", &d, err)))
		goto fail;
	if ((rc = print_job_view(c, who, id, job, err)))
		goto fail;
	if ((rc = store_commit(st, err)))
		print_job_view_clear(job);
	return rc;
fail:
	store_rollback(st);
	return rc;
}

enum mc_err store_print_job_reprint(struct store *st, const struct principal *who, int64_t id,
                                    struct print_job_view *job, struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	char state[12];
	int64_t now = clock_now();
	if ((rc = print_job_check(c, who, id, state, err)))
		goto fail;
	/* The bytes are copied inside SQLite: the reprint is byte-identical. */
	db_stmt *s = store_stmt(
	    c, "INSERT INTO print_jobs (printer_id, format, kind, ref, title, data, size, sha256,"
	       " sync, state, next_try_ms, reprint_of, created_by, created_at, updated_at,"
	       " office_id)"
	       " SELECT printer_id, format, kind, ref, title, data, size, sha256, 0, 'queued',"
	       " ?1, id, ?2, ?3, ?3, office_id FROM print_jobs WHERE id = ?4");
	if (s == NULL) {
		rc = store_sql_error(c, "print job", err);
		goto fail;
	}
	db_bind_int64(s, 1, now * 1000);
	db_bind_text(s, 2, who->actor, -1, DB_STATIC);
	db_bind_int64(s, 3, now);
	db_bind_int64(s, 4, id);
	if ((rc = store_step(c, s, "print job", err)))
		goto fail;
	int64_t nid = db_last_insert_id(c->db);
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)nid);
	struct jsontext d = print_details_str(NULL, NULL);
	jt_int(&d, "reprint_of", id);
	if ((rc = print_audit(st, who->actor, "print_job", eid, "print_job.reprinted", &d, err)))
		goto fail;
	if ((rc = print_job_view(c, who, nid, job, err)))
		goto fail;
	if ((rc = store_commit(st, err)))
		print_job_view_clear(job);
	return rc;
fail:
	store_rollback(st);
	return rc;
}

char *store_public_url(struct store *st)
{
	struct store_conn *c = store_read_conn(st);
	/* Kept as a JSON string, or as the bare URL (store/dialect.h). */
	db_stmt *s = store_stmt(c, dialect_setting_text_sql(c->db));
	char *url = NULL;
	if (s == NULL)
		return NULL;
	db_bind_text(s, 1, "public_url", -1, DB_STATIC);
	if (db_step(s) == DB_ROW && db_column_type(s, 0) != DB_NULL)
		url = xstrdup(store_col_text(s, 0));
	db_reset(s);
	if (url && strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		free(url);
		url = NULL;
	}
	return url;
}

void print_ticket_context_clear(struct print_ticket_context *ctx)
{
	free(ctx->office);
	free(ctx->group);
	free(ctx->priority);
	free(ctx->public_url);
	memset(ctx, 0, sizeof *ctx);
}

/* The name of priority class code, or NULL (the classes as the queue keeps
 * them, store/queue.c). */
static char *print_priority_name(struct store *st, const char *code)
{
	char name[256];
	if (queue_priority_class_name(st, code, name, sizeof name) && name[0])
		return xstrdup(name);
	return NULL;
}

enum mc_err store_print_ticket_context(struct store *st, int64_t office, const char *group_code,
                                       const char *priority, struct print_ticket_context *out,
                                       struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct office centre;
	/* The centre's own name heads the ticket; the public address is the
	 * province's (one server for all its centres). */
	bool found = office && store_office_get(st, office, &centre);
	db_stmt *s = store_stmt(c, "SELECT name FROM service_groups"
	                           " WHERE coalesce(office_id, 0) = ?2 AND code = ?1");
	if (s == NULL) {
		if (found)
			office_clear(&centre);
		return store_sql_error(c, "ticket context", err);
	}
	struct print_ticket_context ctx = {.office =
	                                       xstrdup(found && centre.name ? centre.name : ""),
	                                   .public_url = store_public_url(st)};
	if (found)
		office_clear(&centre);
	int step;
	db_bind_text(s, 1, group_code, -1, DB_STATIC);
	db_bind_int64(s, 2, office);
	ctx.group = xstrdup(store_next(s, &step) ? store_col_text(s, 0) : group_code);
	enum mc_err rc = store_scan_end(c, s, step, "ticket context", err);
	if (rc) {
		print_ticket_context_clear(&ctx);
		return rc;
	}
	if (priority)
		ctx.priority = print_priority_name(st, priority);
	*out = ctx;
	return MC_OK;
}
