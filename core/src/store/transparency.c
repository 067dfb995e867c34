#include "store/transparency.h"

#include <time.h>

#include "store/store_internal.h"
#include "util/clock.h"

#define TRANSPARENCY_LATE_MAX 500

/* {"finished","on_time","rate"} for dossiers finished in [from, to). */
static json_t *transparency_period(struct store_conn *c, int64_t from, int64_t to)
{
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT count(*), coalesce(sum(finished_at <= due_at), 0) FROM dossiers"
	                  " WHERE status IN ('result_ready','returned','returned_ineligible')"
	                  " AND due_at IS NOT NULL AND finished_at >= ?1 AND finished_at < ?2");
	if (s == NULL)
		return NULL;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	int64_t finished = 0, on_time = 0;
	if (sqlite3_step(s) == SQLITE_ROW) {
		finished = sqlite3_column_int64(s, 0);
		on_time = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	/* The rate to four decimals: 0.8333, so 83.33 %. */
	json_t *rate =
	    finished ? json_real((double)(on_time * 10000 / finished) / 10000.0) : json_null();
	return json_pack("{s:I, s:I, s:o}", "finished", (json_int_t)finished, "on_time",
	                 (json_int_t)on_time, "rate", rate);
}

json_t *store_transparency(struct store *st, int64_t now)
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

	json_t *today = transparency_period(c, day_start, day_start + 86400);
	json_t *month = transparency_period(c, month_start, day_start + 86400);
	if (today == NULL || month == NULL) {
		json_decref(today);
		json_decref(month);
		return NULL;
	}

	json_t *late = json_array();
	int64_t total = 0;
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT d.code, p.name, p.code, d.due_at, d.apology_at IS NOT NULL,"
	       " d.apology_due_at FROM dossiers d JOIN procedures p ON p.id = d.procedure_id"
	       " WHERE (d.status IN ('received','in_process','interagency','awaiting_payment')"
	       "   AND d.due_at < ?1)"
	       " OR (d.status = 'supplement_requested' AND d.paused_at IS NOT NULL"
	       "   AND d.due_at IS NOT NULL AND d.paused_at > d.due_at)"
	       " ORDER BY d.due_at, d.code");
	if (s == NULL) {
		json_decref(today);
		json_decref(month);
		json_decref(late);
		return NULL;
	}
	sqlite3_bind_int64(s, 1, now);
	while (sqlite3_step(s) == SQLITE_ROW) {
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
	sqlite3_reset(s);

	int64_t posted = 0;
	s = store_stmt(c, "SELECT count(*) FROM procedures WHERE current = 1");
	if (s && sqlite3_step(s) == SQLITE_ROW)
		posted = sqlite3_column_int64(s, 0);
	if (s)
		sqlite3_reset(s);

	return json_pack("{s:I, s:{s:o, s:o}, s:o, s:I, s:I}", "at", (json_int_t)now, "on_time",
	                 "today", today, "month", month, "late_now", late, "late_total",
	                 (json_int_t)total, "procedures_posted", (json_int_t)posted);
}
