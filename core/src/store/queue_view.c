/* Read-only views of the queue: the snapshot served to boards and clients,
 * and the metrics. */
#include <stdlib.h>
#include <string.h>

#include "store/calendar.h"
#include "store/office.h"
#include "store/queue.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define VIEW_NEXT_PER_GROUP 5
/* Bound on a group's "addressed" list: transfers to one counter are few. */
#define VIEW_ADDRESSED_PER_GROUP 20
#define VIEW_RECENT_CALLS 10
/* The waiting tickets of a group the snapshot orders by the call policy to
 * show its next ones: more than any hall's line at one time. */
#define VIEW_LINE_PER_GROUP 2000

static json_t *view_find_by_id(json_t *arr, int64_t id)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (json_integer_value(json_object_get(v, "_id")) == id)
			return v;
	}
	return NULL;
}

/* Binds :day of s (which must have it) to day (static text). */
static void view_bind_day(sqlite3_stmt *s, const char *day)
{
	int i = sqlite3_bind_parameter_index(s, ":day");
	ENFORCE(i > 0, "a hall view statement has :day");
	sqlite3_bind_text(s, i, day, -1, SQLITE_STATIC);
}

/* Fills group g's "next" with the first VIEW_NEXT_PER_GROUP labels of its
 * waiting line ("_line": [id, priority, queue_key, booked, label] in line
 * order) in the order the counters will call them (queue_pick_next from the
 * largest runs among its open counters, "_runs"), "booked_next" with those
 * of them issued at a booking's check-in and "priority_next" with the
 * priority ones; drops the hidden members. */
static void view_next(json_t *g, const struct queue_policy *policy)
{
	json_t *line = json_object_get(g, "_line");
	json_t *runs_j = json_object_get(g, "_runs");
	size_t n = json_array_size(line);
	struct queue_candidate *cand = xcalloc(n ? n : 1, sizeof *cand);
	size_t *map = xcalloc(n ? n : 1, sizeof *map);
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(line, i);
		cand[i] =
		    (struct queue_candidate){.ticket_id = json_integer_value(json_array_get(t, 0)),
		                             .priority = json_is_true(json_array_get(t, 1)),
		                             .queue_key = json_integer_value(json_array_get(t, 2)),
		                             .booked = json_is_true(json_array_get(t, 3))};
		map[i] = i;
	}
	struct queue_runs runs = {(int)json_integer_value(json_array_get(runs_j, 0)),
	                          (int)json_integer_value(json_array_get(runs_j, 1))};
	json_t *next = json_object_get(g, "next");
	json_t *booked = json_object_get(g, "booked_next");
	json_t *priority = json_array();
	for (size_t m = n; m > 0 && json_array_size(next) < VIEW_NEXT_PER_GROUP; m--) {
		int p = queue_pick_next(cand, m, policy, &runs);
		json_t *t = json_array_get(line, map[p]);
		json_array_append(next, json_array_get(t, 4));
		if (cand[p].booked)
			json_array_append(booked, json_array_get(t, 4));
		if (cand[p].priority)
			json_array_append(priority, json_array_get(t, 4));
		for (size_t j = (size_t)p; j + 1 < m; j++) {
			cand[j] = cand[j + 1];
			map[j] = map[j + 1];
		}
	}
	free(cand);
	free(map);
	json_object_set_new(g, "priority_next", priority);
	json_object_del(g, "_line");
	json_object_del(g, "_runs");
}

/* The active groups of hall office with waiting counts, next labels, the
 * labels addressed to one counter and wait ranges into *out (a new array);
 * a database error otherwise (err filled, *out untouched). */
static enum mc_err view_groups(struct store_conn *c, int64_t office, const char *day, int64_t now,
                               int64_t service_seconds, const struct queue_policy *policy,
                               json_t **out, struct mc_error *err)
{
	json_t *groups = json_array();
	enum mc_err rc;
	int step;
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT id, code, prefix, name, name_en FROM service_groups"
	                  " WHERE office_id IS :office AND active = 1 ORDER BY sort, id");
	if (s == NULL)
		goto sql_fail;
	store_bind_hall_office(s, office);
	while (store_next(s, &step))
		json_array_append_new(
		    groups,
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:I, s:I, s:[], s:[], "
		              "s:[], s:[], s:[i, i]}",
		              "_id", (json_int_t)sqlite3_column_int64(s, 0), "code",
		              store_col_text(s, 1), "prefix", store_col_text(s, 2), "name",
		              store_col_text(s, 3), "name_en", store_col_text(s, 4), "waiting", 0,
		              "priority_waiting", 0, "booked_waiting", 0, "open_counters", 0,
		              "_head", (json_int_t)-1, "_last", (json_int_t)-1, "next", "addressed",
		              "booked_next", "_line", "_runs", 0, 0));
	if ((rc = store_scan_end(c, s, step, "queue view", err)))
		goto fail;

	s = store_stmt(c, "SELECT group_id, count(*), sum(priority IS NOT NULL), min(queued_at),"
	                  " sum(priority IS NULL AND booking_id IS NOT NULL)"
	                  " FROM tickets WHERE office_id IS :office AND state = 'waiting'"
	                  " AND service_day = :day GROUP BY group_id");
	if (s == NULL)
		goto sql_fail;
	view_bind_day(s, day);
	store_bind_hall_office(s, office);
	while (store_next(s, &step)) {
		json_t *g = view_find_by_id(groups, sqlite3_column_int64(s, 0));
		if (g == NULL)
			continue;
		json_object_set_new(g, "waiting", json_integer(sqlite3_column_int(s, 1)));
		json_object_set_new(g, "priority_waiting", json_integer(sqlite3_column_int(s, 2)));
		json_object_set_new(g, "_head", json_integer(now - sqlite3_column_int64(s, 3)));
		json_object_set_new(g, "booked_waiting", json_integer(sqlite3_column_int(s, 4)));
	}
	if ((rc = store_scan_end(c, s, step, "queue view", err)))
		goto fail;
	s = store_stmt(c, "SELECT cg.group_id, count(*), max(co.priority_streak),"
	                  " max(co.booked_streak) FROM counter_groups cg"
	                  " JOIN counters co ON co.id = cg.counter_id WHERE co.state = 'open'"
	                  " AND co.office_id IS :office GROUP BY cg.group_id");
	if (s == NULL)
		goto sql_fail;
	store_bind_hall_office(s, office);
	while (store_next(s, &step)) {
		json_t *g = view_find_by_id(groups, sqlite3_column_int64(s, 0));
		if (g == NULL)
			continue;
		json_object_set_new(g, "open_counters", json_integer(sqlite3_column_int(s, 1)));
		json_object_set_new(
		    g, "_runs",
		    json_pack("[i, i]", sqlite3_column_int(s, 2), sqlite3_column_int(s, 3)));
	}
	if ((rc = store_scan_end(c, s, step, "queue view", err)))
		goto fail;
	/* The wait of the last ticket called today in each group (bare column
	 * with max(): the row holding the latest call). */
	s = store_stmt(
	    c, "SELECT t.group_id, v.first_called_at - v.queued_at,"
	       " max(v.first_called_at) FROM visits v JOIN tickets t ON t.id = v.ticket_id"
	       " WHERE t.office_id IS :office AND t.service_day = :day GROUP BY t.group_id");
	if (s == NULL)
		goto sql_fail;
	view_bind_day(s, day);
	store_bind_hall_office(s, office);
	while (store_next(s, &step)) {
		json_t *g = view_find_by_id(groups, sqlite3_column_int64(s, 0));
		if (g)
			json_object_set_new(g, "_last", json_integer(sqlite3_column_int64(s, 1)));
	}
	if ((rc = store_scan_end(c, s, step, "queue view", err)))
		goto fail;
	/* The waiting line in line order, and those a transfer addressed to one
	 * counter (only that counter calls them: a clerk's panel leaves them out
	 * of the other counters' lists). Public: a label and a counter number,
	 * nobody's data. */
	s = store_stmt(c, "SELECT t.group_id, t.label, tc.no, t.priority IS NOT NULL,"
	                  " t.booking_id IS NOT NULL, t.id, t.queue_key FROM tickets t"
	                  " LEFT JOIN counters tc ON tc.id = t.target_counter_id"
	                  " WHERE t.office_id IS :office AND t.state = 'waiting'"
	                  " AND t.service_day = :day ORDER BY t.group_id, t.queue_key, t.id");
	if (s == NULL)
		goto sql_fail;
	view_bind_day(s, day);
	store_bind_hall_office(s, office);
	while (store_next(s, &step)) {
		json_t *g = view_find_by_id(groups, sqlite3_column_int64(s, 0));
		if (g == NULL)
			continue;
		json_t *line = json_object_get(g, "_line");
		json_t *addressed = json_object_get(g, "addressed");
		if (json_array_size(line) < VIEW_LINE_PER_GROUP)
			json_array_append_new(
			    line,
			    json_pack("[I, b, I, b, s]", (json_int_t)sqlite3_column_int64(s, 5),
			              sqlite3_column_int(s, 3),
			              (json_int_t)sqlite3_column_int64(s, 6),
			              sqlite3_column_int(s, 4), store_col_text(s, 1)));
		if (sqlite3_column_type(s, 2) != SQLITE_NULL &&
		    json_array_size(addressed) < VIEW_ADDRESSED_PER_GROUP)
			json_array_append_new(addressed,
			                      json_pack("{s:s, s:I, s:b, s:b}", "label",
			                                store_col_text(s, 1), "counter",
			                                (json_int_t)sqlite3_column_int64(s, 2),
			                                "priority", sqlite3_column_int(s, 3),
			                                "booked", sqlite3_column_int(s, 4)));
	}
	if ((rc = store_scan_end(c, s, step, "queue view", err)))
		goto fail;

	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g)
	{
		struct queue_wait_input in = {
		    .people_ahead = (int)json_integer_value(json_object_get(g, "waiting")),
		    .open_counters = (int)json_integer_value(json_object_get(g, "open_counters")),
		    .last_called_wait = json_integer_value(json_object_get(g, "_last")),
		    .head_elapsed_wait = json_integer_value(json_object_get(g, "_head")),
		    .service_seconds = service_seconds,
		};
		struct queue_wait_range r = queue_wait_estimate(&in);
		queue_wait_set(g, &r);
		/* Since when the longest-waiting ticket has been in line (its
		 * queued_at), so a screen shows the longest wait growing. */
		json_object_set_new(g, "oldest_queued_at",
		                    in.head_elapsed_wait >= 0
		                        ? json_integer(now - in.head_elapsed_wait)
		                        : json_null());
		json_object_del(g, "_head");
		json_object_del(g, "_last");
		view_next(g, policy);
	}
	*out = groups;
	return MC_OK;
sql_fail:
	rc = store_sql_error(c, "queue view", err);
fail:
	json_decref(groups);
	return rc;
}

void queue_wait_set(json_t *obj, const struct queue_wait_range *r)
{
	json_t *wait = json_null();
	if (r->known)
		wait = json_pack("{s:i, s:i, s:b}", "low_min", r->low_min, "high_min", r->high_min,
		                 "from_history", r->from_history);
	json_object_set_new(obj, "wait", wait);
	if (r->no_counter)
		json_object_set_new(obj, "wait_reason", json_string("no_counter_open"));
	else
		json_object_del(obj, "wait_reason");
}

void queue_group_wait_set(json_t *obj, struct store_conn *c, int64_t gid, const char *day,
                          int64_t now, int64_t service_seconds, int people_ahead)
{
	queue_ticket_wait_set(obj, c, gid, day, now, service_seconds, people_ahead, true, false);
}

void queue_ticket_wait_set(json_t *obj, struct store_conn *c, int64_t gid, const char *day,
                           int64_t now, int64_t service_seconds, int people_ahead, bool priority,
                           bool booked)
{
	/* The lane whose history speaks for the ticket: -1 the whole group,
	 * 1 the booked tickets, 0 the others. */
	int lane = priority ? -1 : booked ? 1 : 0;
	struct queue_wait_input in = {.people_ahead = people_ahead,
	                              .last_called_wait = -1,
	                              .head_elapsed_wait = -1,
	                              .service_seconds = service_seconds};
	sqlite3_stmt *s = store_stmt(c, "SELECT count(*) FROM counter_groups cg"
	                                " JOIN counters co ON co.id = cg.counter_id"
	                                " WHERE co.state = 'open' AND cg.group_id = ?");
	if (s) {
		sqlite3_bind_int64(s, 1, gid);
		if (sqlite3_step(s) == SQLITE_ROW)
			in.open_counters = sqlite3_column_int(s, 0);
		sqlite3_reset(s);
	}
	/* Newest calls first, stopping at the group's latest: cost follows the
	 * calls since then, not the tickets of the day. */
	s = store_stmt(c, "SELECT v.first_called_at - v.queued_at FROM visits v"
	                  " CROSS JOIN tickets t ON t.id = v.ticket_id"
	                  " WHERE t.service_day = ? AND t.group_id = ?"
	                  " AND (?3 < 0 OR (t.booking_id IS NOT NULL AND t.priority IS NULL) = ?3)"
	                  " ORDER BY v.first_called_at DESC LIMIT 1");
	if (s) {
		sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, gid);
		sqlite3_bind_int(s, 3, lane);
		if (sqlite3_step(s) == SQLITE_ROW)
			in.last_called_wait = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	s = store_stmt(c, "SELECT queued_at FROM tickets WHERE state = 'waiting'"
	                  " AND service_day = ? AND group_id = ?"
	                  " AND (?3 < 0 OR (booking_id IS NOT NULL AND priority IS NULL) = ?3)"
	                  " ORDER BY queue_key LIMIT 1");
	if (s) {
		sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, gid);
		sqlite3_bind_int(s, 3, lane);
		if (sqlite3_step(s) == SQLITE_ROW)
			in.head_elapsed_wait = now - sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	struct queue_wait_range r = queue_wait_estimate(&in);
	queue_wait_set(obj, &r);
}

/* The counters of hall office with their groups and the ticket each serves
 * into *out (a new array); a database error otherwise (err filled, *out
 * untouched). */
static enum mc_err view_counters(struct store_conn *c, int64_t office, json_t **out,
                                 struct mc_error *err)
{
	json_t *counters = json_array();
	enum mc_err rc;
	int step;
	sqlite3_stmt *s = store_stmt(c, "SELECT id, no, name, state FROM counters"
	                                " WHERE office_id IS :office ORDER BY no");
	if (s == NULL)
		goto sql_fail;
	store_bind_hall_office(s, office);
	while (store_next(s, &step))
		json_array_append_new(
		    counters, json_pack("{s:I, s:i, s:s, s:s, s:[], s:n}", "_id",
		                        (json_int_t)sqlite3_column_int64(s, 0), "no",
		                        sqlite3_column_int(s, 1), "name", store_col_text(s, 2),
		                        "state", store_col_text(s, 3), "groups", "serving"));
	if ((rc = store_scan_end(c, s, step, "queue view", err)))
		goto fail;
	s = store_stmt(c, "SELECT cg.counter_id, g.code FROM counter_groups cg"
	                  " JOIN service_groups g ON g.id = cg.group_id"
	                  " WHERE g.office_id IS :office ORDER BY g.sort, g.id");
	if (s == NULL)
		goto sql_fail;
	store_bind_hall_office(s, office);
	while (store_next(s, &step)) {
		json_t *co = view_find_by_id(counters, sqlite3_column_int64(s, 0));
		if (co)
			json_array_append_new(json_object_get(co, "groups"),
			                      json_string(store_col_text(s, 1)));
	}
	if ((rc = store_scan_end(c, s, step, "queue view", err)))
		goto fail;
	s = store_stmt(c, "SELECT t.counter_id, t.id, t.label, g.code, v.called_at, v.recalls,"
	                  " t.priority IS NOT NULL, v.queued_at, t.booking_id IS NOT NULL"
	                  " FROM tickets t JOIN service_groups g ON g.id = t.group_id"
	                  " JOIN visits v ON v.ticket_id = t.id AND v.finished_at IS NULL"
	                  " WHERE t.office_id IS :office AND t.state = 'called'");
	if (s == NULL)
		goto sql_fail;
	store_bind_hall_office(s, office);
	while (store_next(s, &step)) {
		json_t *co = view_find_by_id(counters, sqlite3_column_int64(s, 0));
		if (co == NULL)
			continue;
		/* queued_at: when this visit entered the line, so a page reloaded
		 * while serving still says how long the citizen waited. */
		json_object_set_new(co, "serving",
		                    json_pack("{s:I, s:s, s:s, s:I, s:i, s:b, s:I}", "id",
		                              (json_int_t)sqlite3_column_int64(s, 1), "label",
		                              store_col_text(s, 2), "group", store_col_text(s, 3),
		                              "called_at", (json_int_t)sqlite3_column_int64(s, 4),
		                              "recalls", sqlite3_column_int(s, 5), "priority",
		                              /* Public: whether, never which class. */
		                              sqlite3_column_int(s, 6) != 0, "queued_at",
		                              (json_int_t)sqlite3_column_int64(s, 7)));
		/* Issued at a booking's check-in: the board and the bar mark it. */
		json_object_set_new(json_object_get(co, "serving"), "booked",
		                    json_boolean(sqlite3_column_int(s, 8) != 0));
	}
	if ((rc = store_scan_end(c, s, step, "queue view", err)))
		goto fail;
	size_t i;
	json_t *co;
	json_array_foreach(counters, i, co) json_object_del(co, "_id");
	*out = counters;
	return MC_OK;
sql_fail:
	rc = store_sql_error(c, "queue view", err);
fail:
	json_decref(counters);
	return rc;
}

/* Today's last calls at hall office, newest first, into *out (a new array);
 * a database error otherwise (err filled, *out untouched). */
static enum mc_err view_recent_calls(struct store_conn *c, int64_t office, const char *day,
                                     json_t **out, struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(c, "SELECT t.label, co.no, v.called_at, v.recalls,"
	                                " t.booking_id IS NOT NULL FROM visits v"
	                                " JOIN tickets t ON t.id = v.ticket_id"
	                                " JOIN counters co ON co.id = v.counter_id"
	                                " WHERE t.office_id IS :office AND t.service_day = :day"
	                                " ORDER BY v.called_at DESC, v.id DESC LIMIT 10");
	if (s == NULL)
		return store_sql_error(c, "queue view", err);
	json_t *calls = json_array();
	int step;
	view_bind_day(s, day);
	store_bind_hall_office(s, office);
	while (store_next(s, &step))
		json_array_append_new(
		    calls, json_pack("{s:s, s:i, s:I, s:i, s:b}", "label", store_col_text(s, 0),
		                     "counter", sqlite3_column_int(s, 1), "at",
		                     (json_int_t)sqlite3_column_int64(s, 2), "recalls",
		                     sqlite3_column_int(s, 3), "booked", sqlite3_column_int(s, 4)));
	enum mc_err rc = store_scan_end(c, s, step, "queue view", err);
	if (rc)
		json_decref(calls);
	else
		*out = calls;
	return rc;
}

/* Hall office as the snapshot shows it (store_office_json), with "parent"
 * the name of the body it belongs to in the tree ("UBND xã Khe Sanh"), and
 * "parent_code" its code. NULL when there is none. */
static json_t *view_office(struct store *st, int64_t office)
{
	json_t *o = store_office_json(st, office);
	if (o == NULL)
		return NULL;
	json_object_set(o, "parent_code", json_object_get(o, "parent"));
	json_t *parent = json_object_get(o, "parent_name");
	json_object_set(o, "parent", parent ? parent : json_null());
	return o;
}

bool queue_centre_open(struct store *st, int64_t office, int64_t now, int64_t *next_open)
{
	bool open = true;
	*next_open = 0;
	if (store_setting_int(st, "queue_any_hour", 0) == 0)
		store_calendar_centre_hours(st, office, now, &open, next_open);
	return open;
}

json_t *queue_hours_json(struct store *st, int64_t office, int64_t now)
{
	int64_t next_open;
	bool open = queue_centre_open(st, office, now, &next_open);
	char today[11], then[11];
	clock_office_date(now, today);
	clock_office_date(next_open, then);
	return json_pack("{s:b, s:o, s:b}", "open_now", open, "next_open",
	                 next_open ? json_integer(next_open) : json_null(), "reopens_today",
	                 next_open && strcmp(today, then) == 0);
}

enum mc_err store_queue_snapshot(struct store *st, int64_t office, int64_t now, char **out,
                                 int64_t *event_id, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char day[11];
	int64_t last_event = 0;
	json_t *groups = NULL, *counters = NULL, *calls = NULL;
	enum mc_err rc;
	int step;
	clock_office_date(now, day);

	/* One read transaction so every part is from the same moment. */
	store_exec(c, "BEGIN", NULL);
	/* The hall's own last live event (events_by_office): another centre's
	 * events neither change the snapshot nor its event_id, so a board
	 * comparing it with its stream's last id sees nothing missed. */
	sqlite3_stmt *s =
	    office ? store_stmt(c, "SELECT coalesce((SELECT id FROM events WHERE office_id = ?"
	                           " AND stream = 1 ORDER BY id DESC LIMIT 1), 0)")
	           : store_stmt(c, "SELECT coalesce(max(id), 0) FROM events WHERE stream = 1");
	if (s == NULL) {
		rc = store_sql_error(c, "queue snapshot", err);
		goto out;
	}
	if (office)
		sqlite3_bind_int64(s, 1, office);
	if (store_next(s, &step))
		last_event = sqlite3_column_int64(s, 0);
	if ((rc = store_scan_end(c, s, step, "queue snapshot", err)))
		goto out;
	int64_t service_seconds = store_setting_int(st, "default_service_minutes", 6) * 60;
	struct queue_policy policy;
	queue_policy_of(st, &policy);
	if ((rc = view_groups(c, office, day, now, service_seconds, &policy, &groups, err)) ||
	    (rc = view_counters(c, office, &counters, err)) ||
	    (rc = view_recent_calls(c, office, day, &calls, err)))
		goto out;
	/* The hall's own name and address head the board and the kiosk. */
	json_t *o = office ? view_office(st, office) : NULL;
	json_t *snap =
	    json_pack("{s:I, s:I, s:s, s:o, s:o, s:O, s:O, s:O}", "event_id",
	              (json_int_t)last_event, "at", (json_int_t)now, "service_day", day, "office",
	              o ? o : json_object(), "priority_classes", queue_priority_classes(st),
	              "groups", groups, "counters", counters, "recent_calls", calls);
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(snap, "groups"), i, g) json_object_del(g, "_id");
	json_object_set_new(snap, "hours", queue_hours_json(st, office, now));
	/* Whether the hall takes bookings (a slot of some capacity): the
	 * kiosk then offers the check-in. */
	s = store_stmt(c, "SELECT EXISTS (SELECT 1 FROM booking_slots WHERE office_id = ?"
	                  " AND capacity > 0)");
	bool bookable = false;
	if (s == NULL) {
		json_decref(snap);
		rc = store_sql_error(c, "queue snapshot", err);
		goto out;
	}
	sqlite3_bind_int64(s, 1, office);
	if (store_next(s, &step))
		bookable = sqlite3_column_int(s, 0) != 0;
	if ((rc = store_scan_end(c, s, step, "queue snapshot", err))) {
		json_decref(snap);
		goto out;
	}
	json_object_set_new(snap, "bookable", json_boolean(bookable));
	*out = json_dumps(snap, JSON_COMPACT);
	json_decref(snap);
	if (event_id)
		*event_id = last_event;
out:
	store_exec(c, "COMMIT", NULL);
	json_decref(groups);
	json_decref(counters);
	json_decref(calls);
	return rc;
}

enum mc_err store_queue_metrics(struct store *st, int64_t now, struct strbuf *out,
                                struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char day[11];
	int step;
	enum mc_err rc;
	clock_office_date(now, day);

	/* Two centres may both have group CT: with several halls each series
	 * also names its centre (office="TT-KS"), so no two series collide. */
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT count(DISTINCT coalesce(office_id, 0)) > 1 FROM service_groups");
	if (s == NULL)
		return store_sql_error(c, "queue metrics", err);
	bool several = store_next(s, &step) && sqlite3_column_int(s, 0) != 0;
	if ((rc = store_scan_end(c, s, step, "queue metrics", err)))
		return rc;

	strbuf_puts(out, "# HELP motcua_tickets_today Tickets issued today by group and state or "
	                 "outcome.\n# TYPE motcua_tickets_today gauge\n");
	s = store_stmt(c, "SELECT g.code, coalesce(t.outcome, t.state), count(*),"
	                  " coalesce(o.code, '') FROM tickets t JOIN service_groups g"
	                  " ON g.id = t.series_group_id LEFT JOIN offices o ON o.id = g.office_id"
	                  " WHERE t.service_day = ? GROUP BY g.office_id, 1, 2 ORDER BY 4, 1, 2");
	if (s == NULL)
		return store_sql_error(c, "queue metrics", err);
	sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
	while (store_next(s, &step))
		strbuf_printf(out, "motcua_tickets_today{group=\"%s\",outcome=\"%s\"%s%s%s} %d\n",
		              store_col_text(s, 0), store_col_text(s, 1),
		              several ? ",office=\"" : "", several ? store_col_text(s, 3) : "",
		              several ? "\"" : "", sqlite3_column_int(s, 2));
	if ((rc = store_scan_end(c, s, step, "queue metrics", err)))
		return rc;
	strbuf_puts(out, "# HELP motcua_waiting Tickets waiting now by group.\n"
	                 "# TYPE motcua_waiting gauge\n");
	s = store_stmt(c, "SELECT g.code, (SELECT count(*) FROM tickets t WHERE t.group_id = g.id"
	                  " AND t.state = 'waiting' AND t.service_day = ?),"
	                  " coalesce((SELECT o.code FROM offices o WHERE o.id = g.office_id), '')"
	                  " FROM service_groups g ORDER BY g.office_id, g.sort, g.id");
	if (s == NULL)
		return store_sql_error(c, "queue metrics", err);
	sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
	while (store_next(s, &step))
		strbuf_printf(out, "motcua_waiting{group=\"%s\"%s%s%s} %d\n", store_col_text(s, 0),
		              several ? ",office=\"" : "", several ? store_col_text(s, 2) : "",
		              several ? "\"" : "", sqlite3_column_int(s, 1));
	return store_scan_end(c, s, step, "queue metrics", err);
}
