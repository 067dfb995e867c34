/* Operations figures: the counts behind the /metrics series for alerts and
 * doctor's inspection of a database file (store/ops_figures.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "store/ops_figures.h"
#include "store/dialect.h"
#include "store/scan.h"
#include "store/schema.h"
#include "store/store_internal.h"
#include "util/xmalloc.h"

/* Per centre, its print jobs not done and when the oldest was made (index
 * print_jobs_due: the states first); then jobs of no office, if any. */
static const char ops_print_sql[] =
    "SELECT o.code, count(j.id), coalesce(min(j.created_at), 0) FROM offices o"
    " LEFT JOIN print_jobs j ON j.office_id = o.id"
    " AND j.state IN ('queued', 'sending', 'printing')"
    " WHERE o.kind = 'centre' GROUP BY o.id"
    " UNION ALL SELECT '', count(*), coalesce(min(created_at), 0) FROM print_jobs"
    " WHERE state IN ('queued', 'sending', 'printing') AND office_id IS NULL"
    " HAVING count(*) > 0";

/* The indicators' "open at the end, late" (store/indicators.c IND_OPEN_NOW and
 * ind_count_simple) at the instant ?1: received by ?1 (a period's end is
 * exclusive, now is not: a dossier received this second is open), not
 * finished, with a due instant; late when the instant it is judged at (its
 * pause if paused before ?1, else ?1) is past the due. The partial index
 * dossiers_ind_open covers it. */
static const char ops_dossiers_sql[] =
    "SELECT count(*), coalesce(sum(CASE WHEN (CASE WHEN d.paused_at <> 0 AND d.paused_at < ?1"
    " THEN d.paused_at ELSE ?1 END) > d.due_at THEN 1 ELSE 0 END), 0)"
    " FROM dossiers d INDEXED BY dossiers_ind_open"
    " WHERE d.finished_at IS NULL AND d.received_at <= ?1 AND d.due_at IS NOT NULL";

/* Index notifications_due (state, not_before) counts each state's range. */
static const char ops_notify_sql[] =
    "SELECT (SELECT count(*) FROM notifications WHERE state = 'queued'),"
    " (SELECT count(*) FROM notifications WHERE state = 'sending'),"
    " (SELECT count(*) FROM notifications WHERE state = 'dead')";

void store_ops_figures_clear(struct store_ops_figures *f)
{
	for (size_t i = 0; i < f->nprint; i++)
		free(f->print[i].office);
	free(f->print);
	memset(f, 0, sizeof *f);
}

/* Each centre's pending print jobs into f->print. */
static enum mc_err ops_print_jobs(struct store_conn *c, struct store_ops_figures *f,
                                  struct mc_error *err)
{
	int step;
	db_stmt *s = store_stmt(c, ops_print_sql);
	if (s == NULL)
		return store_sql_error(c, "ops metrics", err);
	while (store_next(s, &step)) {
		f->print = xreallocarray(f->print, f->nprint + 1, sizeof *f->print);
		f->print[f->nprint++] =
		    (struct store_ops_print){.office = xstrdup(store_col_text(s, 0)),
		                             .pending = db_column_int64(s, 1),
		                             .oldest_at = db_column_int64(s, 2)};
	}
	return store_scan_end(c, s, step, "ops metrics", err);
}

/* The one row of sql (?1 bound to now when asked) into the n columns of v
 * (left 0 when it gives no row). */
static enum mc_err ops_counts(struct store_conn *c, const char *sql, bool bind_now, int64_t now,
                              int64_t *const *v, int n, struct mc_error *err)
{
	int step;
	db_stmt *s = store_stmt(c, sql);
	if (s == NULL)
		return store_sql_error(c, "ops metrics", err);
	if (bind_now)
		db_bind_int64(s, 1, now);
	if (store_next(s, &step))
		for (int i = 0; i < n; i++)
			*v[i] = db_column_int64(s, i);
	return store_scan_end(c, s, step, "ops metrics", err);
}

enum mc_err store_ops_figures_load(struct store *st, int64_t now, struct store_ops_figures *out,
                                   struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	memset(out, 0, sizeof *out);
	out->at = now;
	int64_t *const dossiers[] = {&out->dossiers_open, &out->dossiers_late};
	int64_t *const notify[] = {&out->notify_queued, &out->notify_sending, &out->notify_dead};
	enum mc_err rc = ops_print_jobs(c, out, err);
	if (rc == MC_OK)
		rc = ops_counts(c, ops_dossiers_sql, true, now, dossiers, 2, err);
	if (rc == MC_OK)
		rc = ops_counts(c, ops_notify_sql, false, now, notify, 3, err);
	if (rc)
		store_ops_figures_clear(out);
	return rc;
}

/* ---- doctor's inspection ------------------------------------------------------------ */

static enum mc_err inspect_fail(struct db *db, const char *path, const char *what,
                                struct mc_error *err)
{
	return mc_failf(err, MC_ERR_UNAVAILABLE, "db_unreadable", "Không đọc được cơ sở dữ liệu",
	                "%s: %s: %s", path, what, db ? db_errmsg(db) : "out of memory");
}

enum mc_err store_inspect(const char *path, struct store_inspection *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	out->schema_current = schema_step_count();
	struct stat sb;
	bool pg = db_target_is_postgres(path);
	if (!pg && (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)))
		return mc_failf(err, MC_ERR_UNAVAILABLE, "db_unreadable",
		                "Không đọc được cơ sở dữ liệu", "%s: not a database file", path);
	struct db *db = NULL;
	enum mc_err rc = MC_OK;
	db_stmt *s = NULL;
	int step;
	if (db_open(path, DB_OPEN_READONLY, &db) != DB_OK) {
		rc = inspect_fail(db, path, "open", err);
		goto out;
	}
	/* The server may be writing: wait for its commit rather than fail. */
	if (db_sqlite(db))
		sqlite3_busy_timeout(db_sqlite(db), 5000);
	out->schema = dialect_schema_version(db);
	if (out->schema < 0) {
		rc = inspect_fail(db, path, "schema version", err);
		goto out;
	}
	/* quick_check: every page and index entry well formed, without the
	 * O(N log N) index content comparison of integrity_check. */
	if (db_prepare(db, dialect_quick_check_sql(db), &s) != DB_OK) {
		rc = inspect_fail(db, path, "quick_check", err);
		goto out;
	}
	if (store_next(s, &step))
		snprintf(out->check, sizeof out->check, "%s", store_col_text(s, 0));
	else if (step != DB_DONE)
		snprintf(out->check, sizeof out->check, "%s", db_errmsg(db));
	else
		snprintf(out->check, sizeof out->check, "no answer");
	db_finalize(s);
	s = NULL;
	/* One line for doctor's report: the first problem spans several. */
	for (char *p = out->check; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (out->schema > out->schema_current || out->schema < 3 || strcmp(out->check, "ok") != 0)
		goto out; /* no printers table this program knows */
	/* The last event by id (the primary key: one step), whose instant a
	 * sound clock has passed. */
	if (db_prepare(db, "SELECT at FROM events ORDER BY id DESC LIMIT 1", &s) != DB_OK) {
		rc = inspect_fail(db, path, "events", err);
		goto out;
	}
	if (store_next(s, &step))
		out->last_event = db_column_int64(s, 0);
	else if (step != DB_DONE) {
		rc = inspect_fail(db, path, "events", err);
		goto out;
	}
	db_finalize(s);
	s = NULL;
	if (db_prepare(db, "SELECT name, target FROM printers WHERE active = 1 ORDER BY id", &s) !=
	    DB_OK) {
		rc = inspect_fail(db, path, "printers", err);
		goto out;
	}
	size_t cap = 0;
	while (store_next(s, &step)) {
		if (out->printer_count == cap) {
			cap = cap ? cap * 2 : 4;
			out->printers = xrealloc(out->printers, cap * sizeof *out->printers);
		}
		out->printers[out->printer_count].name = xstrdup(store_col_text(s, 0));
		out->printers[out->printer_count].target = xstrdup(store_col_text(s, 1));
		out->printer_count++;
	}
	if (step != DB_DONE)
		rc = inspect_fail(db, path, "printers", err);
out:
	db_finalize(s);
	db_close(db);
	if (rc)
		store_inspection_free(out);
	return rc;
}

void store_inspection_free(struct store_inspection *in)
{
	for (size_t i = 0; i < in->printer_count; i++) {
		free(in->printers[i].name);
		free(in->printers[i].target);
	}
	free(in->printers);
	in->printers = NULL;
	in->printer_count = 0;
}
