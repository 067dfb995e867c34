#include "store/transparency.h"

#include <time.h>

#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"

#define TRANSPARENCY_LATE_MAX 500

/* {"finished","on_time","rate"} for dossiers finished in [from, to) into
 * *out; a database error otherwise (err filled, *out untouched). */
static enum mc_err transparency_period(struct store_conn *c, int64_t from, int64_t to, json_t **out,
                                       struct mc_error *err)
{
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT count(*), coalesce(sum(finished_at <= due_at), 0) FROM dossiers"
	                  " WHERE status IN ('result_ready','returned','returned_ineligible')"
	                  " AND due_at IS NOT NULL AND finished_at >= ?1 AND finished_at < ?2");
	if (s == NULL)
		return store_sql_error(c, "transparency", err);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	int64_t finished = 0, on_time = 0;
	int step;
	if (store_next(s, &step)) {
		finished = sqlite3_column_int64(s, 0);
		on_time = sqlite3_column_int64(s, 1);
	}
	enum mc_err rc = store_scan_end(c, s, step, "transparency", err);
	if (rc)
		return rc;
	/* The rate to four decimals: 0.8333, so 83.33 %. */
	json_t *rate =
	    finished ? json_real((double)(on_time * 10000 / finished) / 10000.0) : json_null();
	*out = json_pack("{s:I, s:I, s:o}", "finished", (json_int_t)finished, "on_time",
	                 (json_int_t)on_time, "rate", rate);
	return MC_OK;
}

enum mc_err store_transparency(struct store *st, int64_t now, json_t **out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	/* The office day and month of now (UTC+7, no daylight saving). */
	int64_t local = now + CLOCK_OFFICE_UTC_OFFSET;
	int64_t day_start = local - ((local % 86400) + 86400) % 86400;
	time_t lt = (time_t)day_start;
	struct tm tm;
	gmtime_r(&lt, &tm);
	int64_t month_start = day_start - (int64_t)(tm.tm_mday - 1) * 86400;
	day_start -= CLOCK_OFFICE_UTC_OFFSET;
	month_start -= CLOCK_OFFICE_UTC_OFFSET;

	json_t *today = NULL, *month = NULL, *late = json_array();
	int64_t total = 0, posted = 0;
	int step;
	enum mc_err rc;
	if ((rc = transparency_period(c, day_start, day_start + 86400, &today, err)) ||
	    (rc = transparency_period(c, month_start, day_start + 86400, &month, err)))
		goto out;

	sqlite3_stmt *s = store_stmt(
	    c, "SELECT d.code, p.name, p.code, d.due_at, d.apology_at IS NOT NULL,"
	       " d.apology_due_at FROM dossiers d JOIN procedures p ON p.id = d.procedure_id"
	       " WHERE (d.status IN ('received','in_process','interagency','awaiting_payment')"
	       "   AND d.due_at < ?1)"
	       " OR (d.status = 'supplement_requested' AND d.paused_at IS NOT NULL"
	       "   AND d.due_at IS NOT NULL AND d.paused_at > d.due_at)"
	       " ORDER BY d.due_at, d.code");
	if (s == NULL) {
		rc = store_sql_error(c, "transparency", err);
		goto out;
	}
	sqlite3_bind_int64(s, 1, now);
	while (store_next(s, &step)) {
		if (total++ >= TRANSPARENCY_LATE_MAX)
			continue;
		json_array_append_new(
		    late, json_pack("{s:s, s:s, s:s, s:I, s:b, s:o}", "code", store_col_text(s, 0),
		                    "procedure", store_col_text(s, 1), "procedure_code",
		                    store_col_text(s, 2), "due_at",
		                    (json_int_t)sqlite3_column_int64(s, 3), "apology",
		                    sqlite3_column_int(s, 4), "new_appointment_at",
		                    sqlite3_column_type(s, 5) == SQLITE_NULL
		                        ? json_null()
		                        : json_integer(sqlite3_column_int64(s, 5))));
	}
	if ((rc = store_scan_end(c, s, step, "transparency", err)))
		goto out;

	s = store_stmt(c, "SELECT count(*) FROM procedures WHERE current = 1");
	if (s == NULL) {
		rc = store_sql_error(c, "transparency", err);
		goto out;
	}
	if (store_next(s, &step))
		posted = sqlite3_column_int64(s, 0);
	if ((rc = store_scan_end(c, s, step, "transparency", err)))
		goto out;

	*out = json_pack("{s:I, s:{s:O, s:O}, s:O, s:I, s:I}", "at", (json_int_t)now, "on_time",
	                 "today", today, "month", month, "late_now", late, "late_total",
	                 (json_int_t)total, "procedures_posted", (json_int_t)posted);
out:
	json_decref(today);
	json_decref(month);
	json_decref(late);
	return rc;
}
