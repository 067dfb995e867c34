/* Print destinations and the print spool: every SQL statement of printing. */
#include "store/print.h"
#include "store/office.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/dialect.h"
#include "store/queue.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/jsontext.h"
#include "util/clock.h"
#include "util/xmalloc.h"

#define PRINT_COLS "p.id, p.name, p.target, p.format, p.paper, p.is_default, p.active"

static void print_row_printer(db_stmt *s, int col, struct store_printer *out)
{
	out->id = db_column_int64(s, col);
	snprintf(out->name, sizeof out->name, "%s", store_col_text(s, col + 1));
	snprintf(out->target, sizeof out->target, "%s", store_col_text(s, col + 2));
	snprintf(out->format, sizeof out->format, "%s", store_col_text(s, col + 3));
	snprintf(out->paper, sizeof out->paper, "%s", store_col_text(s, col + 4));
	out->is_default = db_column_int(s, col + 5) != 0;
	out->active = db_column_int(s, col + 6) != 0;
}

/* Runs a one-row printer query bound with one int64 or one text argument. */
static bool print_printer_query(struct store *st, const char *sql, int64_t n, const char *text,
                                struct store_printer *out)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, sql);
	bool found = false;
	if (s == NULL)
		return false;
	if (text)
		db_bind_text(s, 1, text, -1, DB_STATIC);
	else
		db_bind_int64(s, 1, n);
	if (db_step(s) == DB_ROW) {
		print_row_printer(s, 0, out);
		found = true;
	}
	db_reset(s);
	return found;
}

static enum mc_err print_not_configured(struct mc_error *err, const char *what)
{
	return mc_failf(err, MC_ERR_NOT_FOUND, "printer_not_configured",
	                "Chưa cấu hình máy in cho thiết bị hoặc quầy này",
	                "No printer is configured for this %s nor as the office default", what);
}

enum mc_err store_printer_for_device(struct store *st, int64_t device_id, struct store_printer *out,
                                     struct mc_error *err)
{
	/* Its own, else its centre's default, else a default of no centre
	 * (serve --printer's): never another centre's. */
	if (print_printer_query(st,
	                        "SELECT " PRINT_COLS " FROM printers p WHERE p.active = 1 AND"
	                        " (p.id = (SELECT printer_id FROM devices WHERE id = ?1)"
	                        " OR (p.is_default = 1 AND (p.office_id IS NULL OR p.office_id ="
	                        " (SELECT office_id FROM devices WHERE id = ?1))))"
	                        " ORDER BY p.is_default, p.office_id IS NULL LIMIT 1",
	                        device_id, NULL, out))
		return MC_OK;
	return print_not_configured(err, "device");
}

enum mc_err store_printer_for_counter(struct store *st, int64_t office, int counter_no,
                                      struct store_printer *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(
	    c, "SELECT " PRINT_COLS " FROM printers p WHERE p.active = 1 AND"
	       " (p.id = (SELECT printer_id FROM counters WHERE coalesce(office_id, 0) = ?2"
	       " AND no = ?1) OR (p.is_default = 1 AND (p.office_id IS NULL OR p.office_id = ?2)))"
	       " ORDER BY p.is_default, p.office_id IS NULL LIMIT 1");
	bool found = false;
	if (s == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_int(s, 1, counter_no);
	db_bind_int64(s, 2, office);
	if (db_step(s) == DB_ROW) {
		print_row_printer(s, 0, out);
		found = true;
	}
	db_reset(s);
	return found ? MC_OK : print_not_configured(err, "counter");
}

enum mc_err store_printer_by_name(struct store *st, const struct principal *who, const char *name,
                                  struct store_printer *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT " PRINT_COLS ", coalesce(p.office_id, 0)"
	                           " FROM printers p WHERE p.name = :name"
	                           " AND " SCOPE_SQL("p.office_id"));
	bool found = false;
	if (s == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_text(s, db_bind_parameter_index(s, ":name"), name, -1, DB_STATIC);
	store_bind_scope(s, who);
	if (db_step(s) == DB_ROW) {
		print_row_printer(s, 0, out);
		out->office_id = db_column_int64(s, 7);
		found = true;
	}
	db_reset(s);
	if (found)
		return MC_OK;
	return mc_failf(err, MC_ERR_NOT_FOUND, "printer_not_found", "Không có máy in này",
	                "No printer named '%.100s'", name);
}

enum mc_err store_printer_by_id(struct store *st, int64_t id, struct store_printer *out,
                                struct mc_error *err)
{
	if (print_printer_query(st, "SELECT " PRINT_COLS " FROM printers p WHERE p.id = ?", id,
	                        NULL, out))
		return MC_OK;
	return mc_failf(err, MC_ERR_NOT_FOUND, "printer_not_found", "Không có máy in này",
	                "No printer %lld", (long long)id);
}

/* Appends an audit event whose details are j's object (finished and freed
 * here). */
static enum mc_err print_audit(struct store *st, const char *actor, const char *entity,
                               const char *id, const char *action, struct jsontext *j,
                               struct mc_error *err)
{
	jt_end(j);
	char *text = jt_finish(j);
	int64_t ev = store_event_append(st, actor, entity, id, action, text, false, err);
	free(text);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

/* An audit details object, open: its first member the string v as key
 * (none when key is NULL); the caller adds more and print_audit closes it. */
static struct jsontext print_details_str(const char *key, const char *v)
{
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	if (key)
		jt_str(&j, key, v);
	return j;
}

enum mc_err store_printer_set_default(struct store *st, const struct principal *who,
                                      const char *target, struct mc_error *err)
{
	if (target == NULL || *target == '\0' || strlen(target) > STORE_PRINTER_TARGET_MAX)
		return mc_fail(err, MC_ERR_INVALID, "invalid_printer_target",
		               "Địa chỉ máy in không hợp lệ",
		               "a printer is a CUPS queue name or an ipp:// URI of 1-512 bytes");
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	db_stmt *s =
	    store_stmt(c, "UPDATE printers SET target = ?1, active = 1 WHERE is_default = 1"
	                  " AND (target <> ?1 OR active = 0)");
	if (s == NULL) {
		rc = store_sql_error(c, "printer", err);
		goto fail;
	}
	db_bind_text(s, 1, target, -1, DB_STATIC);
	if ((rc = store_step(c, s, "printer", err)))
		goto fail;
	bool changed = db_changes(c->db) > 0;
	if (!changed) {
		s = store_stmt(c, "INSERT INTO printers (name, target, is_default, created_at)"
		                  " SELECT 'default', ?1, 1, ?2"
		                  " WHERE NOT EXISTS (SELECT 1 FROM printers WHERE is_default = 1)"
		                  " ON CONFLICT (name) DO UPDATE SET target = ?1, is_default = 1,"
		                  " active = 1");
		if (s == NULL) {
			rc = store_sql_error(c, "printer", err);
			goto fail;
		}
		db_bind_text(s, 1, target, -1, DB_STATIC);
		db_bind_int64(s, 2, clock_now());
		if ((rc = store_step(c, s, "printer", err)))
			goto fail;
		changed = db_changes(c->db) > 0;
	}
	if (changed) {
		struct jsontext d = print_details_str("target", target);
		if ((rc = print_audit(st, who->actor, "printer", "default", "printer.default_set",
		                      &d, err)))
			goto fail;
	}
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

enum mc_err store_printers_active(struct store *st, struct store_printer *out, size_t max,
                                  size_t *n, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT " PRINT_COLS " FROM printers p WHERE p.active = 1"
	                           " ORDER BY p.id");
	*n = 0;
	if (s == NULL)
		return store_sql_error(c, "printers", err);
	int step = DB_DONE;
	while (*n < max && store_next(s, &step))
		print_row_printer(s, 0, &out[(*n)++]);
	return store_scan_end(c, s, step, "printers", err);
}

/* The office filter of the printing lists: rows of :office's subtree (0:
 * all). */
#define PRINT_OFFICE_SQL(col)                                                                      \
	"(:office = 0 OR " col                                                                     \
	" IN (SELECT office_id FROM office_paths WHERE ancestor_id = :office))"

void printer_page_free(struct printer_page *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct printer_view *v = &p->items[i];
		char *t[] = {v->name, v->target, v->format, v->paper, v->office};
		store_strings_free(t, sizeof t / sizeof t[0]);
		store_strings_free(v->devices, v->ndevices);
		free(v->devices);
		free(v->counters);
	}
	free(p->items);
	memset(p, 0, sizeof *p);
}

/* A row of the printers page into a new item of p (cap: its room). */
static void printer_page_add(struct printer_page *p, db_stmt *s, size_t *cap)
{
	if (p->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		p->items = xrealloc(p->items, *cap * sizeof *p->items);
	}
	p->items[p->n++] = (struct printer_view){.id = db_column_int64(s, 0),
	                                         .name = store_col_dup(s, 1),
	                                         .target = store_col_dup(s, 2),
	                                         .format = store_col_dup(s, 3),
	                                         .paper = store_col_dup(s, 4),
	                                         .is_default = db_column_int(s, 5) != 0,
	                                         .active = db_column_int(s, 6) != 0,
	                                         .office = store_col_dup(s, 7),
	                                         .jobs_queued = db_column_int64(s, 8),
	                                         .jobs_failed = db_column_int64(s, 9)};
}

/* The devices (names) and counters (numbers) that print on v, by id. */
static enum mc_err printer_devices_counters(struct store_conn *c, struct printer_view *v,
                                            struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT name FROM devices WHERE printer_id = ?1 ORDER BY id");
	size_t cap = 0;
	int step;
	if (s == NULL)
		return store_sql_error(c, "printers", err);
	db_bind_int64(s, 1, v->id);
	while (store_next(s, &step)) {
		if (v->ndevices == cap) {
			cap = cap ? cap * 2 : 4;
			v->devices = xrealloc(v->devices, cap * sizeof *v->devices);
		}
		v->devices[v->ndevices++] = xstrdup(store_col_text(s, 0));
	}
	enum mc_err rc = store_scan_end(c, s, step, "printers", err);
	if (rc)
		return rc;
	s = store_stmt(c, "SELECT no FROM counters WHERE printer_id = ?1 ORDER BY id");
	if (s == NULL)
		return store_sql_error(c, "printers", err);
	db_bind_int64(s, 1, v->id);
	cap = 0;
	while (store_next(s, &step)) {
		if (v->ncounters == cap) {
			cap = cap ? cap * 2 : 4;
			v->counters = xrealloc(v->counters, cap * sizeof *v->counters);
		}
		v->counters[v->ncounters++] = db_column_int64(s, 0);
	}
	return store_scan_end(c, s, step, "printers", err);
}

/* The page's rows of store_printers_list into *page. */
static enum mc_err printers_page(struct store_conn *c, const struct principal *who,
                                 int64_t office_id, int offset, int limit,
                                 struct printer_page *page, struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c, "SELECT " PRINT_COLS ", (SELECT o.code FROM offices o WHERE o.id = p.office_id),"
	       " (SELECT count(*) FROM print_jobs j WHERE j.printer_id = p.id"
	       "  AND j.state IN ('queued','sending','printing')),"
	       " (SELECT count(*) FROM print_jobs j WHERE j.printer_id = p.id"
	       "  AND j.state = 'failed')"
	       " FROM printers p WHERE " SCOPE_SQL("p.office_id") " AND " PRINT_OFFICE_SQL(
	           "p.office_id") " ORDER BY p.id LIMIT :limit OFFSET :offset");
	size_t cap = 0;
	int step;
	if (s == NULL)
		return store_sql_error(c, "printers", err);
	db_bind_int(s, db_bind_parameter_index(s, ":limit"), limit);
	db_bind_int(s, db_bind_parameter_index(s, ":offset"), offset);
	db_bind_int64(s, db_bind_parameter_index(s, ":office"), office_id);
	store_bind_scope(s, who);
	while (store_next(s, &step))
		printer_page_add(page, s, &cap);
	enum mc_err rc = store_scan_end(c, s, step, "printers", err);
	for (size_t i = 0; i < page->n && rc == MC_OK; i++)
		rc = printer_devices_counters(c, &page->items[i], err);
	return rc;
}

enum mc_err store_printers_list(struct store *st, const struct principal *who, const char *office,
                                int offset, int limit, struct printer_page *out,
                                struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct printer_page page = {0};
	int64_t office_id;
	enum mc_err rc;
	int step;
	if ((rc = store_office_in_scope(c, who, office, &office_id, err)) ||
	    (rc = printers_page(c, who, office_id, offset, limit, &page, err)))
		goto out;
	db_stmt *s = store_stmt(c, "SELECT count(*) FROM printers p WHERE " SCOPE_SQL(
	                               "p.office_id") " AND " PRINT_OFFICE_SQL("p.office_id"));
	if (s == NULL) {
		rc = store_sql_error(c, "printers", err);
		goto out;
	}
	db_bind_int64(s, db_bind_parameter_index(s, ":office"), office_id);
	store_bind_scope(s, who);
	if (store_next(s, &step))
		page.total = db_column_int64(s, 0);
	if ((rc = store_scan_end(c, s, step, "printers", err)))
		goto out;
	*out = page;
	memset(&page, 0, sizeof page);
out:
	printer_page_free(&page);
	return rc;
}

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

/* Set-up (called by the import, api/setup_import.c, inside its transaction). */

/* Refuses to move printer p, its centre's default, to office where another
 * default is (unless p says whether it stays the default). */
static enum mc_err print_default_move(struct store_conn *c, const struct setup_printer *p,
                                      int64_t office, struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c, "SELECT 1 FROM printers p WHERE p.name = ?1 AND p.is_default = 1"
	       " AND p.office_id IS DISTINCT FROM ?2 AND EXISTS (SELECT 1 FROM printers q"
	       " WHERE q.office_id = ?2 AND q.is_default = 1 AND q.name <> ?1)");
	if (s == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_text(s, 1, p->name, -1, DB_STATIC);
	db_bind_int64(s, 2, office);
	int step;
	bool taken = store_next(s, &step);
	enum mc_err rc = store_scan_end(c, s, step, "printer", err);
	if (rc || !taken)
		return rc;
	return mc_failf(err, MC_ERR_INVALID, "printer_default_taken",
	                "Trung tâm đã có máy in mặc định",
	                "printer %.100s is its centre's default and office"
	                " %.40s has its own: say \"default\": true to replace it,"
	                " or false",
	                p->name, p->office.code);
}

/* Writes printer p (in office, 0: keep) as it stands. */
static enum mc_err print_upsert(struct store_conn *c, const struct setup_printer *p, int64_t office,
                                struct mc_error *err)
{
	enum mc_err rc;
	db_stmt *s;
	if (p->is_default == SETUP_TRUE) {
		/* One default per centre. */
		s = store_stmt(c,
		               "UPDATE printers SET is_default = 0 WHERE name <> ?1"
		               " AND office_id IS NOT DISTINCT FROM coalesce(?2, (SELECT office_id"
		               " FROM printers WHERE name = ?1))");
		if (s == NULL)
			return store_sql_error(c, "printer", err);
		db_bind_text(s, 1, p->name, -1, DB_STATIC);
		if (office)
			db_bind_int64(s, 2, office);
		if ((rc = store_step(c, s, "printer", err)))
			return rc;
	}
	s = store_stmt(
	    c, "INSERT INTO printers (name, target, format, paper, is_default,"
	       " active, created_at, office_id) VALUES (?1, coalesce(?2,"
	       " (SELECT target FROM printers WHERE name = ?1)), coalesce(?3, 'pdf'),"
	       " coalesce(?4, '80mm'), coalesce(?5, 0), coalesce(?6, 1), ?7, ?8)"
	       " ON CONFLICT (name) DO UPDATE SET target = coalesce(?2, printers.target),"
	       " format = coalesce(?3, printers.format), paper = coalesce(?4, printers.paper),"
	       " is_default = coalesce(?5, printers.is_default),"
	       " active = coalesce(?6, printers.active),"
	       " office_id = coalesce(?8, printers.office_id)");
	if (s == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_text(s, 1, p->name, -1, DB_STATIC);
	if (p->target)
		db_bind_text(s, 2, p->target, -1, DB_STATIC);
	if (p->format)
		db_bind_text(s, 3, p->format, -1, DB_STATIC);
	if (p->paper)
		db_bind_text(s, 4, p->paper, -1, DB_STATIC);
	if (p->is_default != SETUP_UNSET)
		db_bind_int(s, 5, p->is_default == SETUP_TRUE);
	if (p->active != SETUP_UNSET)
		db_bind_int(s, 6, p->active == SETUP_TRUE);
	db_bind_int64(s, 7, clock_now());
	if (office)
		db_bind_int64(s, 8, office);
	return store_step(c, s, "printer", err);
}

enum mc_err store_setup_printer_save(struct store *st, const struct principal *who,
                                     const struct setup_printer *p, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "SELECT 1 FROM printers WHERE name = ?");
	if (s == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_text(s, 1, p->name, -1, DB_STATIC);
	int step;
	bool exists = store_next(s, &step);
	enum mc_err rc = store_scan_end(c, s, step, "printer", err);
	if (rc)
		return rc;
	if (!exists && p->must_exist)
		return mc_fail(err, MC_ERR_NOT_FOUND, "not_found", "Không tìm thấy",
		               "No such printer");
	if (!exists && p->target == NULL)
		return mc_failf(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		                "new printer '%.100s' needs a 'target' (queue name or URI)",
		                p->name);
	char what[STORE_PRINTER_NAME_MAX + 16];
	snprintf(what, sizeof what, "printer %s", p->name);
	int64_t office = 0;
	if ((!exists || p->office.given) &&
	    (rc = store_item_office(st, &p->office, OFFICE_HALL, 0, what, &office, err)))
		return rc;
	if (office && exists && p->is_default == SETUP_UNSET &&
	    (rc = print_default_move(c, p, office, err)))
		return rc;
	if ((rc = print_upsert(c, p, office, err)))
		return rc;
	int64_t ev = store_event_append(st, who->actor, "printer", p->name, "printer.set",
	                                p->details, false, err);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

/* The office of device name (set just before). */
static enum mc_err print_device_office(struct store_conn *c, const char *name, int64_t *office,
                                       struct mc_error *err)
{
	db_stmt *q = store_stmt(c, "SELECT coalesce(office_id, 0) FROM devices WHERE name = ?");
	if (q == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_text(q, 1, name, -1, DB_STATIC);
	int step;
	*office = store_next(q, &step) ? db_column_int64(q, 0) : 0;
	return store_scan_end(c, q, step, "printer", err);
}

/* The id of printer name of office (0: none), into *pid. */
static enum mc_err print_named(struct store_conn *c, const struct setup_printer_link *l,
                               int64_t office, int64_t *pid, struct mc_error *err)
{
	/* A printer of the item's own centre only. */
	db_stmt *q = store_stmt(c, "SELECT id FROM printers WHERE name = ?"
	                           " AND office_id IS NOT DISTINCT FROM ?");
	if (q == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_text(q, 1, l->printer, -1, DB_STATIC);
	if (office)
		db_bind_int64(q, 2, office);
	int step;
	if (store_next(q, &step))
		*pid = db_column_int64(q, 0);
	enum mc_err rc = store_scan_end(c, q, step, "printer", err);
	if (rc == MC_OK && *pid == 0)
		rc = mc_failf(err, MC_ERR_INVALID, "printer_not_found", "Không có máy in này",
		              "%s: no printer named '%.100s' in its centre", l->list, l->printer);
	return rc;
}

enum mc_err store_setup_printer_link(struct store *st, const struct setup_printer_link *l,
                                     struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	bool devices = l->device != NULL;
	int64_t pid = 0, office = 0;
	char what[128];
	snprintf(what, sizeof what, "%s item", l->list);
	enum mc_err rc =
	    devices ? print_device_office(c, l->device, &office, err)
	            : store_item_office(st, &l->office, OFFICE_HALL, 0, what, &office, err);
	if (rc || (l->printer && (rc = print_named(c, l, office, &pid, err))))
		return rc;
	db_stmt *s = devices ? store_stmt(c, "UPDATE devices SET printer_id = ?1 WHERE name = ?2")
	                     : store_stmt(c, "UPDATE counters SET printer_id = ?1 WHERE no = ?2"
	                                     " AND office_id IS NOT DISTINCT FROM ?3");
	if (s == NULL)
		return store_sql_error(c, "printer", err);
	if (pid)
		db_bind_int64(s, 1, pid);
	if (devices)
		db_bind_text(s, 2, l->device, -1, DB_STATIC);
	else
		db_bind_int64(s, 2, l->counter_no);
	if (!devices && office)
		db_bind_int64(s, 3, office);
	return store_step(c, s, "printer", err);
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
