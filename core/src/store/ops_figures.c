/* Operations figures: /metrics series for alerts and doctor's inspection of a
 * database file (store/ops_figures.h). */
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
#include "util/strbuf.h"
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

/* A label value as the exposition format wants it: \ " and newline escaped. */
static void ops_label(struct strbuf *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			strbuf_printf(out, "\\%c", *v);
		else if (*v == '\n')
			strbuf_puts(out, "\\n");
		else
			strbuf_printf(out, "%c", *v);
	}
}

enum mc_err store_ops_metrics(struct store *st, int64_t now, struct strbuf *out,
                              struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	enum mc_err rc;
	int step;

	db_stmt *s = store_stmt(c, ops_print_sql);
	if (s == NULL)
		return store_sql_error(c, "ops metrics", err);
	struct strbuf age = STRBUF_INIT;
	strbuf_puts(out, "# HELP motcua_print_jobs_pending Print jobs not done yet (queued, "
	                 "sending or printing) by centre.\n"
	                 "# TYPE motcua_print_jobs_pending gauge\n");
	strbuf_puts(&age, "# HELP motcua_print_jobs_oldest_pending_seconds Age of the oldest "
	                  "print job not done yet by centre, 0 when none.\n"
	                  "# TYPE motcua_print_jobs_oldest_pending_seconds gauge\n");
	while (store_next(s, &step)) {
		int64_t n = db_column_int64(s, 1), oldest = db_column_int64(s, 2);
		strbuf_puts(out, "motcua_print_jobs_pending{office=\"");
		ops_label(out, store_col_text(s, 0));
		strbuf_printf(out, "\"} %lld\n", (long long)n);
		strbuf_puts(&age, "motcua_print_jobs_oldest_pending_seconds{office=\"");
		ops_label(&age, store_col_text(s, 0));
		strbuf_printf(&age, "\"} %lld\n",
		              (long long)(n > 0 && now > oldest ? now - oldest : 0));
	}
	rc = store_scan_end(c, s, step, "ops metrics", err);
	size_t len;
	char *text = strbuf_detach(&age, &len);
	strbuf_puts(out, text);
	free(text);
	if (rc)
		return rc;

	s = store_stmt(c, ops_dossiers_sql);
	if (s == NULL)
		return store_sql_error(c, "ops metrics", err);
	db_bind_int64(s, 1, now);
	int64_t open = 0, late = 0;
	if (store_next(s, &step)) {
		open = db_column_int64(s, 0);
		late = db_column_int64(s, 1);
	}
	if ((rc = store_scan_end(c, s, step, "ops metrics", err)))
		return rc;
	strbuf_printf(out,
	              "# HELP motcua_dossiers_open Dossiers open now (received, not finished, "
	              "with a due instant).\n"
	              "# TYPE motcua_dossiers_open gauge\nmotcua_dossiers_open %lld\n"
	              "# HELP motcua_dossiers_late Open dossiers past their due instant (as the "
	              "indicators count them).\n"
	              "# TYPE motcua_dossiers_late gauge\nmotcua_dossiers_late %lld\n",
	              (long long)open, (long long)late);

	s = store_stmt(c, ops_notify_sql);
	if (s == NULL)
		return store_sql_error(c, "ops metrics", err);
	int64_t queued = 0, sending = 0, dead = 0;
	if (store_next(s, &step)) {
		queued = db_column_int64(s, 0);
		sending = db_column_int64(s, 1);
		dead = db_column_int64(s, 2);
	}
	if ((rc = store_scan_end(c, s, step, "ops metrics", err)))
		return rc;
	strbuf_printf(out,
	              "# HELP motcua_notifications Notification messages to citizens by state: "
	              "queued (waiting or retrying), sending, dead (given up).\n"
	              "# TYPE motcua_notifications gauge\n"
	              "motcua_notifications{state=\"queued\"} %lld\n"
	              "motcua_notifications{state=\"sending\"} %lld\n"
	              "motcua_notifications{state=\"dead\"} %lld\n",
	              (long long)queued, (long long)sending, (long long)dead);
	return MC_OK;
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
