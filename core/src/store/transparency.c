#include "store/transparency.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"

#define TRANSPARENCY_LATE_MAX 500

/* The dossiers a figure counts: received in the subtree of :scope (a centre
 * and its points; 0, the whole province). */
#define TRANSPARENCY_SCOPE SCOPE_SQL("d.intake_office_id")

/* The late-now condition on dossiers d at ?1 = now. */
#define TRANSPARENCY_LATE                                                                          \
	"((d.status IN ('received','in_process','interagency','awaiting_payment')"                 \
	"   AND d.due_at < ?1)"                                                                    \
	" OR (d.status = 'supplement_requested' AND d.paused_at IS NOT NULL"                       \
	"   AND d.due_at IS NOT NULL AND d.paused_at > d.due_at))"

/* {"finished","on_time","rate"} of counts. */
static json_t *transparency_rate(int64_t finished, int64_t on_time)
{
	/* The rate to four decimals: 0.8333, so 83.33 %. */
	json_t *rate =
	    finished ? json_real((double)(on_time * 10000 / finished) / 10000.0) : json_null();
	return json_pack("{s:I, s:I, s:o}", "finished", (json_int_t)finished, "on_time",
	                 (json_int_t)on_time, "rate", rate);
}

/* Adds to each centre of centres (an object by office id, as text) the
 * period figure key ("today", "month") for dossiers finished in [from, to)
 * (when centres is not NULL),
 * and returns in *out the figure over who's scope. A database error
 * otherwise (err filled, *out untouched). */
static enum mc_err transparency_period(struct store_conn *c, const struct principal *who,
                                       json_t *centres, const char *key, int64_t from, int64_t to,
                                       json_t **out, struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT d.intake_office_id, count(*), coalesce(sum(d.finished_at <= d.due_at), 0)"
	       " FROM dossiers d"
	       " WHERE d.status IN ('result_ready','returned','returned_ineligible')"
	       " AND d.due_at IS NOT NULL AND d.finished_at >= ?1 AND d.finished_at < ?2"
	       " AND " TRANSPARENCY_SCOPE " GROUP BY d.intake_office_id");
	if (s == NULL)
		return store_sql_error(c, "transparency", err);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	store_bind_scope(s, who);
	int64_t finished = 0, on_time = 0;
	int step;
	while (store_next(s, &step)) {
		int64_t f = sqlite3_column_int64(s, 1), o = sqlite3_column_int64(s, 2);
		finished += f;
		on_time += o;
		json_t *centre = json_object_get(centres, store_col_text(s, 0));
		if (centre)
			json_object_set_new(json_object_get(centre, "on_time"), key,
			                    transparency_rate(f, o));
	}
	enum mc_err rc = store_scan_end(c, s, step, "transparency", err);
	if (rc)
		return rc;
	*out = transparency_rate(finished, on_time);
	return MC_OK;
}

/* Every active centre and point, with today's queue, into *out (an object
 * by office id as text) and *list (the same objects in directory order).
 * Period figures start empty (none finished), late_total 0. */
static enum mc_err transparency_centres(struct store_conn *c, int64_t now, json_t **out,
                                        json_t **list, struct mc_error *err)
{
	char day[11];
	clock_office_date(now, day);
	sqlite3_stmt *s = store_stmt(
	    c,
	    "SELECT o.id, o.code, o.name, o.address, o.hours, o.phone, p.name,"
	    " (SELECT count(*) FROM tickets t WHERE t.office_id = o.id AND t.service_day = ?1"
	    "  AND t.state = 'waiting'),"
	    " (SELECT count(*) FROM tickets t WHERE t.office_id = o.id AND t.service_day = ?1"
	    "  AND t.state = 'called'),"
	    " (SELECT count(*) FROM counters k WHERE k.office_id = o.id AND k.state = 'open')"
	    " FROM offices o LEFT JOIN offices p ON p.id = o.parent_id"
	    " WHERE o.kind IN ('centre','point') AND o.active = 1 ORDER BY o.sort, o.name, o.id");
	if (s == NULL)
		return store_sql_error(c, "transparency", err);
	sqlite3_bind_text(s, 1, day, -1, SQLITE_TRANSIENT);
	json_t *by = json_object(), *all = json_array();
	int step;
	while (store_next(s, &step)) {
		const char *opt[4];
		for (int i = 0; i < 4; i++)
			opt[i] = sqlite3_column_type(s, 3 + i) == SQLITE_NULL
			             ? NULL
			             : store_col_text(s, 3 + i);
		json_t *centre = json_pack(
		    "{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:{s:I, s:I, s:I}, s:{s:o, s:o}, s:i}",
		    "code", store_col_text(s, 1), "name", store_col_text(s, 2), "address", opt[0],
		    "hours", opt[1], "phone", opt[2], "parent", opt[3], "queue", "waiting",
		    (json_int_t)sqlite3_column_int64(s, 7), "serving",
		    (json_int_t)sqlite3_column_int64(s, 8), "counters_open",
		    (json_int_t)sqlite3_column_int64(s, 9), "on_time", "today",
		    transparency_rate(0, 0), "month", transparency_rate(0, 0), "late_total", 0);
		json_array_append(all, centre);
		json_object_set_new(by, store_col_text(s, 0), centre);
	}
	enum mc_err rc = store_scan_end(c, s, step, "transparency", err);
	if (rc) {
		json_decref(by);
		json_decref(all);
		return rc;
	}
	*out = by;
	*list = all;
	return MC_OK;
}

enum mc_err store_transparency(struct store *st, int64_t now, const char *office, json_t **out,
                               struct mc_error *err)
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

	json_t *today = NULL, *month = NULL, *late = json_array(), *centres = NULL, *list = NULL;
	json_t *place = NULL;
	int64_t total = 0, posted = 0;
	int step;
	enum mc_err rc;
	/* The figures' scope: the whole province, or the centre named. */
	struct principal who = {.role = ROLE_NONE};
	if ((rc = transparency_centres(c, now, &centres, &list, err)))
		goto out;
	if (office) {
		sqlite3_stmt *s = store_stmt(c, "SELECT id FROM offices WHERE code = ?"
		                                " AND kind IN ('centre','point') AND active = 1");
		if (s == NULL) {
			rc = store_sql_error(c, "transparency", err);
			goto out;
		}
		sqlite3_bind_text(s, 1, office, -1, SQLITE_TRANSIENT);
		if (store_next(s, &step))
			who.office_id = sqlite3_column_int64(s, 0);
		if ((rc = store_scan_end(c, s, step, "transparency", err)))
			goto out;
		if (who.office_id == 0) {
			rc = mc_fail(err, MC_ERR_NOT_FOUND, "office_not_found",
			             "Không có trung tâm này", "No such centre");
			goto out;
		}
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)who.office_id);
		json_t *centre = json_object_get(centres, id);
		place = json_pack(
		    "{s:O, s:O, s:O?, s:O?, s:O?, s:O?}", "code", json_object_get(centre, "code"),
		    "name", json_object_get(centre, "name"), "address",
		    json_object_get(centre, "address"), "hours", json_object_get(centre, "hours"),
		    "phone", json_object_get(centre, "phone"), "parent",
		    json_object_get(centre, "parent"));
	}
	/* Every centre's figures (the directory), then the page's own. */
	const struct principal everyone = {.role = ROLE_NONE};
	if ((rc = transparency_period(c, &everyone, centres, "today", day_start, day_start + 86400,
	                              &today, err)) ||
	    (rc = transparency_period(c, &everyone, centres, "month", month_start,
	                              day_start + 86400, &month, err)))
		goto out;
	if (who.office_id) {
		json_decref(today);
		json_decref(month);
		today = month = NULL;
		if ((rc = transparency_period(c, &who, NULL, "today", day_start, day_start + 86400,
		                              &today, err)) ||
		    (rc = transparency_period(c, &who, NULL, "month", month_start,
		                              day_start + 86400, &month, err)))
			goto out;
	}

	/* How many are late at each centre (the province's directory). */
	/* "+": grouping must not lead SQLite to walk every dossier in office
	 * order; the status index finds the few late ones (1.25M dossiers: 4 s
	 * against 16 ms). */
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT d.intake_office_id, count(*) FROM dossiers d"
	                  " WHERE " TRANSPARENCY_LATE " GROUP BY +d.intake_office_id");
	if (s == NULL) {
		rc = store_sql_error(c, "transparency", err);
		goto out;
	}
	sqlite3_bind_int64(s, 1, now);
	while (store_next(s, &step)) {
		json_t *centre = json_object_get(centres, store_col_text(s, 0));
		if (centre)
			json_object_set_new(centre, "late_total",
			                    json_integer(sqlite3_column_int64(s, 1)));
	}
	if ((rc = store_scan_end(c, s, step, "transparency", err)))
		goto out;

	s = store_stmt(c, "SELECT d.code, p.name, p.code, d.due_at, d.apology_at IS NOT NULL,"
	                  " d.apology_due_at, o.code FROM dossiers d"
	                  " JOIN procedures p ON p.id = d.procedure_id"
	                  " LEFT JOIN offices o ON o.id = d.intake_office_id"
	                  " WHERE " TRANSPARENCY_LATE " AND " TRANSPARENCY_SCOPE
	                  " ORDER BY d.due_at, d.code");
	if (s == NULL) {
		rc = store_sql_error(c, "transparency", err);
		goto out;
	}
	sqlite3_bind_int64(s, 1, now);
	store_bind_scope(s, &who);
	while (store_next(s, &step)) {
		if (total++ >= TRANSPARENCY_LATE_MAX)
			continue;
		json_array_append_new(
		    late,
		    json_pack(
		        "{s:s, s:s, s:s, s:I, s:b, s:o, s:s?}", "code", store_col_text(s, 0),
		        "procedure", store_col_text(s, 1), "procedure_code", store_col_text(s, 2),
		        "due_at", (json_int_t)sqlite3_column_int64(s, 3), "apology",
		        sqlite3_column_int(s, 4), "new_appointment_at",
		        sqlite3_column_type(s, 5) == SQLITE_NULL
		            ? json_null()
		            : json_integer(sqlite3_column_int64(s, 5)),
		        "office",
		        sqlite3_column_type(s, 6) == SQLITE_NULL ? NULL : store_col_text(s, 6)));
	}
	if ((rc = store_scan_end(c, s, step, "transparency", err)))
		goto out;

	s = store_stmt(c, "SELECT count(*), (SELECT name FROM offices WHERE kind = 'province')"
	                  " FROM procedures WHERE current = 1");
	if (s == NULL) {
		rc = store_sql_error(c, "transparency", err);
		goto out;
	}
	char province[256] = "";
	if (store_next(s, &step)) {
		posted = sqlite3_column_int64(s, 0);
		if (sqlite3_column_type(s, 1) != SQLITE_NULL)
			snprintf(province, sizeof province, "%s", store_col_text(s, 1));
	}
	if ((rc = store_scan_end(c, s, step, "transparency", err)))
		goto out;

	*out =
	    json_pack("{s:I, s:s?, s:O?, s:{s:O, s:O}, s:O, s:I, s:I, s:O}", "at", (json_int_t)now,
	              "province", province[0] ? province : NULL, "office", place, "on_time",
	              "today", today, "month", month, "late_now", late, "late_total",
	              (json_int_t)total, "procedures_posted", (json_int_t)posted, "centres", list);
	if (place == NULL)
		json_object_set_new(*out, "office", json_null());
out:
	json_decref(place);
	json_decref(today);
	json_decref(month);
	json_decref(late);
	json_decref(centres);
	json_decref(list);
	return rc;
}
