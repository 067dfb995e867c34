/* The tickets on the store (store/queue.h): issue, check-in for a booking,
 * void, rejoin, and a citizen's view of a ticket with the people ahead and
 * the wait. Each change runs in one write transaction. */
#include "store/queue.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/booking.h"
#include "store/queue_internal.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/jsontext.h"
#include "util/xmalloc.h"

#define QUEUE_AHEAD_MAX 999 /* "999 or more" on a ticket */

/* The partial indexes a waiting line is counted through. */
enum queue_count_kind {
	QUEUE_COUNT_ORDINARY, /* not priority: booked and walk-ins */
	QUEUE_COUNT_PRIORITY,
	QUEUE_COUNT_BOOKED, /* booked, not priority */
};

/* Waiting tickets of group gid on day of one kind, all of them or only
 * those ahead of (key, tid) in line order, counted up to QUEUE_AHEAD_MAX
 * through that kind's partial index (tickets_waiting_ordinary /
 * _priority / _booked, each covering): a long line is not read. Reads
 * through c; MC_OK with *count, or a database error. */
static enum mc_err queue_lane_count(struct store_conn *c, int64_t gid, const char *day,
                                    enum queue_count_kind kind, bool ahead_only, int64_t key,
                                    int64_t tid, int *count, struct mc_error *err)
{
#define QUEUE_LANE_SQL(index, lane, where)                                                         \
	"SELECT count(*) FROM (SELECT 1 FROM tickets INDEXED BY " index                            \
	" WHERE state = 'waiting' AND " lane " AND service_day = :day"                             \
	" AND group_id = :gid" where " LIMIT :max) AS lane"
#define QUEUE_LANE_AHEAD " AND (queue_key, id) < (:key, :tid)"
#define QUEUE_LANE_ORD(where) QUEUE_LANE_SQL("tickets_waiting_ordinary", "priority IS NULL", where)
#define QUEUE_LANE_PRI(where)                                                                      \
	QUEUE_LANE_SQL("tickets_waiting_priority", "priority IS NOT NULL", where)
#define QUEUE_LANE_BKD(where)                                                                      \
	QUEUE_LANE_SQL("tickets_waiting_booked", "priority IS NULL AND booking_id IS NOT NULL",    \
	               where)
	static const char *const sql[3][2] = {
	    {QUEUE_LANE_ORD(""), QUEUE_LANE_ORD(QUEUE_LANE_AHEAD)},
	    {QUEUE_LANE_PRI(""), QUEUE_LANE_PRI(QUEUE_LANE_AHEAD)},
	    {QUEUE_LANE_BKD(""), QUEUE_LANE_BKD(QUEUE_LANE_AHEAD)}};
#undef QUEUE_LANE_BKD
#undef QUEUE_LANE_PRI
#undef QUEUE_LANE_ORD
#undef QUEUE_LANE_AHEAD
#undef QUEUE_LANE_SQL
	db_stmt *s = store_stmt(c, sql[kind][ahead_only]);
	if (s == NULL)
		return store_sql_error(c, "people ahead", err);
	db_bind_text(s, db_bind_parameter_index(s, ":day"), day, -1, DB_STATIC);
	queue_bind(s, ":gid", gid);
	queue_bind(s, ":max", QUEUE_AHEAD_MAX);
	if (ahead_only) {
		queue_bind(s, ":key", key);
		queue_bind(s, ":tid", tid);
	}
	int step = DB_DONE;
	if (store_next(s, &step))
		*count = db_column_int(s, 0);
	return store_scan_end(c, s, step, "people ahead", err);
}

/* The people ahead of waiting ticket tid (group gid, service day `day`) in
 * the order the counters will call them (queue_people_ahead_counts: the
 * priority lane first with its cap, then booked tickets before walk-ins
 * with theirs), at most QUEUE_AHEAD_MAX, into *ahead (QUEUE_AHEAD_MAX when
 * tid is not waiting there). Each run is the largest among the group's open
 * counters (exact with one counter; with several it is the nearest to
 * letting the passed-over lane through). Counts through indexes, each up to
 * QUEUE_AHEAD_MAX: the cost does not grow with the line (walk-ins are the
 * ordinary count less the booked one, exact below the cap). Reads through
 * c; MC_OK, or a database error (err filled, *ahead left as it was). */
static enum mc_err queue_people_ahead_of(struct store *st, struct store_conn *c, int64_t gid,
                                         const char *day, int64_t tid, int *ahead,
                                         struct mc_error *err)
{
	struct queue_runs runs = {0, 0};
	int step = DB_DONE;
	enum mc_err rc;
	db_stmt *s = store_stmt(c, "SELECT coalesce(max(co.priority_streak), 0),"
	                           " coalesce(max(co.booked_streak), 0)"
	                           " FROM counters co JOIN counter_groups cg"
	                           " ON cg.counter_id = co.id"
	                           " WHERE cg.group_id = ? AND co.state = 'open'");
	if (s == NULL)
		return store_sql_error(c, "people ahead", err);
	db_bind_int64(s, 1, gid);
	if (store_next(s, &step)) {
		runs.priority = db_column_int(s, 0);
		runs.booked = db_column_int(s, 1);
	}
	if ((rc = store_scan_end(c, s, step, "people ahead", err)))
		return rc;
	s = store_stmt(c,
	               "SELECT priority IS NOT NULL, booking_id IS NOT NULL, queue_key FROM tickets"
	               " WHERE id = ? AND state = 'waiting' AND service_day = ? AND group_id = ?");
	if (s == NULL)
		return store_sql_error(c, "people ahead", err);
	db_bind_int64(s, 1, tid);
	db_bind_text(s, 2, day, -1, DB_STATIC);
	db_bind_int64(s, 3, gid);
	bool found = false;
	struct queue_candidate me = {.ticket_id = tid};
	step = DB_DONE;
	if (store_next(s, &step)) {
		found = true;
		me.priority = db_column_int(s, 0) != 0;
		me.booked = db_column_int(s, 1) != 0;
		me.queue_key = db_column_int64(s, 2);
	}
	if ((rc = store_scan_end(c, s, step, "people ahead", err)))
		return rc;
	if (!found) {
		*ahead = QUEUE_AHEAD_MAX;
		return MC_OK;
	}
	enum queue_lane lane = queue_lane_of(&me);
	int all[3] = {0, 0, 0}, before[3] = {0, 0, 0};
	for (int k = 0; k < 3; k++) {
		if ((rc = queue_lane_count(c, gid, day, (enum queue_count_kind)k, false, 0, 0,
		                           &all[k], err)))
			return rc;
	}
	/* Ahead of the target in its own lane (walk-ins: ordinary less booked). */
	if (lane == QUEUE_LANE_PRIORITY)
		rc = queue_lane_count(c, gid, day, QUEUE_COUNT_PRIORITY, true, me.queue_key, tid,
		                      &before[QUEUE_COUNT_PRIORITY], err);
	else
		rc = queue_lane_count(c, gid, day, QUEUE_COUNT_ORDINARY, true, me.queue_key, tid,
		                      &before[QUEUE_COUNT_ORDINARY], err);
	if (rc == MC_OK && lane != QUEUE_LANE_PRIORITY)
		rc = queue_lane_count(c, gid, day, QUEUE_COUNT_BOOKED, true, me.queue_key, tid,
		                      &before[QUEUE_COUNT_BOOKED], err);
	if (rc)
		return rc;
	int walk_in_all = all[QUEUE_COUNT_ORDINARY] - all[QUEUE_COUNT_BOOKED];
	int count[QUEUE_LANES];
	count[QUEUE_LANE_PRIORITY] = all[QUEUE_COUNT_PRIORITY];
	count[QUEUE_LANE_BOOKED] = all[QUEUE_COUNT_BOOKED];
	count[QUEUE_LANE_WALK_IN] = walk_in_all > 0 ? walk_in_all : 0;
	int mine;
	switch (lane) {
	case QUEUE_LANE_PRIORITY: mine = before[QUEUE_COUNT_PRIORITY]; break;
	case QUEUE_LANE_BOOKED: mine = before[QUEUE_COUNT_BOOKED]; break;
	case QUEUE_LANE_WALK_IN:
	default: mine = before[QUEUE_COUNT_ORDINARY] - before[QUEUE_COUNT_BOOKED]; break;
	}
	struct queue_policy policy;
	queue_policy_of(st, &policy);
	*ahead = queue_people_ahead_counts(lane, mine > 0 ? mine : 0, count, &policy, runs,
	                                   QUEUE_AHEAD_MAX);
	return MC_OK;
}

/* Writes err's messages as vi + " HH:MM ngày dd/mm/yyyy." and
 * en + " HH:MM on dd/mm/yyyy." for the office time t (with_date false:
 * vi/en + " HH:MM." only). */
static void queue_err_when(struct mc_error *err, int64_t t, bool with_date, const char *vi,
                           const char *en)
{
	char text[17];
	clock_office_text(t, text); /* "dd/mm/yyyy HH:MM" */
	if (with_date) {
		snprintf(err->message_vi, sizeof err->message_vi, "%s %s ngày %.10s.", vi,
		         text + 11, text);
		snprintf(err->message_en, sizeof err->message_en, "%s %s on %.10s.", en, text + 11,
		         text);
	} else {
		snprintf(err->message_vi, sizeof err->message_vi, "%s %s.", vi, text + 11);
		snprintf(err->message_en, sizeof err->message_en, "%s %s.", en, text + 11);
	}
}

/* The refusal of a kiosk's number outside the centre's hours: 409
 * "centre_closed", naming the next opening (next_open, 0 when unknown) in
 * office time, dd/mm/yyyy and 24-hour. Returns MC_ERR_CONFLICT. */
static enum mc_err queue_closed_error(struct mc_error *err, int64_t next_open)
{
	enum mc_err rc = mc_fail(err, MC_ERR_CONFLICT, "centre_closed",
	                         "Trung tâm đang ngoài giờ làm việc, không cấp số",
	                         "The centre is closed: no number is issued");
	if (err == NULL || next_open <= 0)
		return rc;
	queue_err_when(err, next_open, true,
	               "Trung tâm đang ngoài giờ làm việc, không cấp số. Mở cửa lại lúc",
	               "The centre is closed: no number is issued. It opens again at");
	return rc;
}

/* What every new number needs before its transaction: a kiosk hands out
 * numbers only while the centre is open (docs/calendar.md: a number lasts
 * the day, and nobody calls it after hours; staff may still issue one, a
 * clerk serving someone late), and a priority class must be configured. */
static enum mc_err queue_issue_check(struct store *st, const struct principal *who, int64_t office,
                                     const char *priority, struct mc_error *err)
{
	if (who->role == ROLE_KIOSK) {
		int64_t next_open;
		if (!queue_centre_open(st, office, clock_now(), &next_open))
			return queue_closed_error(err, next_open);
	}
	if (priority && !queue_priority_class_name(st, priority, NULL, 0))
		return mc_failf(err, MC_ERR_INVALID, "unknown_priority_class",
		                "Đối tượng ưu tiên không hợp lệ", "Unknown priority class '%.40s'",
		                priority);
	return MC_OK;
}

/* Inside the caller's write transaction: the next number of group gid
 * (label prefix `prefix`) for service day `day` at hall office, a waiting
 * ticket at the end of the line (booking_id: the booking it was checked in
 * for in time, 0 none) and its "ticket.issued" event. *tid gets its id and
 * *view (when not NULL) its view. Returns MC_OK or a store error (the
 * caller rolls back). */
static enum mc_err queue_insert_ticket(struct store *st, const struct principal *who,
                                       int64_t office, int64_t gid, const char *prefix,
                                       const char *priority, int64_t booking_id, int64_t now,
                                       const char *day, int64_t *tid, struct queue_ticket *view,
                                       struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(
	    c, "INSERT INTO ticket_numbers (service_day, group_id, last) VALUES (?,?,1)"
	       " ON CONFLICT (service_day, group_id) DO UPDATE SET last = ticket_numbers.last + 1"
	       " RETURNING last");
	if (s == NULL)
		return store_sql_error(c, "numbering", err);
	db_bind_text(s, 1, day, -1, DB_STATIC);
	db_bind_int64(s, 2, gid);
	int number = db_step(s) == DB_ROW ? db_column_int(s, 0) : 0;
	db_reset(s);
	if (number == 0)
		return store_sql_error(c, "numbering", err);
	char label[32];
	queue_label(prefix, number, label, sizeof label);

	s = store_stmt(
	    c, "INSERT INTO tickets (service_day, series_group_id, group_id, number,"
	       " label, priority, state, issued_at, issued_by, queue_key, queued_at,"
	       " office_id, booking_id) VALUES (?,?,?,?,?,?,'waiting',?,?,"
	       " (SELECT coalesce(max(queue_key), 0) + 1 FROM tickets),?,?,?) RETURNING id");
	if (s == NULL)
		return store_sql_error(c, "ticket", err);
	db_bind_text(s, 1, day, -1, DB_STATIC);
	db_bind_int64(s, 2, gid);
	db_bind_int64(s, 3, gid);
	db_bind_int(s, 4, number);
	db_bind_text(s, 5, label, -1, DB_STATIC);
	if (priority)
		db_bind_text(s, 6, priority, -1, DB_STATIC);
	db_bind_int64(s, 7, now);
	db_bind_text(s, 8, who->actor, -1, DB_STATIC);
	db_bind_int64(s, 9, now);
	if (office)
		db_bind_int64(s, 10, office);
	if (booking_id)
		db_bind_int64(s, 11, booking_id);
	int step = db_step(s);
	*tid = step == DB_ROW ? db_column_int64(s, 0) : 0;
	db_reset(s);
	if (*tid == 0)
		return store_sql_error(c, "ticket", err);
	return queue_event(st, who, *tid, "ticket.issued", 0, NULL, view, err);
}

/* Binds a wait-estimate query's day (1), group (2) and lane (3: -1 the
 * whole group, 1 booked, 0 the others) when s is not NULL. */
static void queue_bind_lane(db_stmt *s, const char *day, int64_t gid, int lane)
{
	if (s == NULL)
		return;
	db_bind_text(s, 1, day, -1, DB_STATIC);
	db_bind_int64(s, 2, gid);
	db_bind_int(s, 3, lane);
}

/* The wait estimate of a ticket of group gid on day with people_ahead
 * ahead, into *out (queue_wait_estimate from what is read on c): booked
 * (issued at a booking's check-in, not priority) takes its history from the
 * booked tickets alone, a walk-in from the others, as the call order serves
 * them apart (domain/queue.h); priority tickets from the whole group.
 * Returns MC_OK, or the first read error (logged, err filled) with *out
 * estimated from what was read before it (the rest unknown). */
static enum mc_err queue_ticket_wait(struct store_conn *c, int64_t gid, const char *day,
                                     int64_t now, int64_t service_seconds, int people_ahead,
                                     bool priority, bool booked, struct queue_wait_range *out,
                                     struct mc_error *err)
{
	/* The lane whose history speaks for the ticket: -1 the whole group,
	 * 1 the booked tickets, 0 the others. */
	int lane = priority ? -1 : booked ? 1 : 0;
	struct queue_wait_input in = {.people_ahead = people_ahead,
	                              .last_called_wait = -1,
	                              .head_elapsed_wait = -1,
	                              .service_seconds = service_seconds};
	int64_t open = 0, head_queued_at = -1;
	db_stmt *s = store_stmt(c, "SELECT count(*) FROM counter_groups cg"
	                           " JOIN counters co ON co.id = cg.counter_id"
	                           " WHERE co.state = 'open' AND cg.group_id = ?");
	if (s)
		db_bind_int64(s, 1, gid);
	enum mc_err rc = store_one_int64(c, s, 0, &open, "wait estimate", err);
	in.open_counters = (int)open;
	/* Newest calls first, stopping at the group's latest: cost follows the
	 * calls since then, not the tickets of the day. */
	if (rc == MC_OK) {
		s = store_stmt(
		    c, "SELECT v.first_called_at - v.queued_at FROM visits v"
		       " CROSS JOIN tickets t WHERE t.id = v.ticket_id"
		       " AND t.service_day = ? AND t.group_id = ? AND (?3 < 0 OR CASE"
		       " WHEN t.booking_id IS NOT NULL AND t.priority IS NULL THEN 1 ELSE 0 END"
		       " = ?3) ORDER BY v.first_called_at DESC LIMIT 1");
		queue_bind_lane(s, day, gid, lane);
		rc = store_one_int64(c, s, -1, &in.last_called_wait, "wait estimate", err);
	}
	if (rc == MC_OK) {
		s = store_stmt(
		    c, "SELECT queued_at FROM tickets WHERE state = 'waiting'"
		       " AND service_day = ? AND group_id = ?"
		       " AND (?3 < 0 OR CASE WHEN booking_id IS NOT NULL AND priority IS NULL"
		       " THEN 1 ELSE 0 END = ?3) ORDER BY queue_key LIMIT 1");
		queue_bind_lane(s, day, gid, lane);
		rc = store_one_int64(c, s, -1, &head_queued_at, "wait estimate", err);
		if (head_queued_at >= 0)
			in.head_elapsed_wait = now - head_queued_at;
	}
	*out = queue_wait_estimate(&in);
	return rc;
}

/* After the commit of a new ticket tid (group gid, service day `day`),
 * what the kiosk prints: people ahead (counted up to QUEUE_AHEAD_MAX, so
 * issuing stays cheap however long the line) and the wait range, set on
 * ticket. Read outside the writer lock, so other writers need not wait for
 * it; on a read error (logged) the ticket still prints, with 0 ahead or
 * the wait unknown from the failed read on. */
static void queue_issue_figures(struct store *st, int64_t gid, const char *day, int64_t tid,
                                int64_t now, struct queue_ticket *ticket)
{
	struct store_conn *c = store_read_conn(st);
	int ahead = 0;
	queue_people_ahead_of(st, c, gid, day, tid, &ahead, NULL);
	int64_t service = store_setting_int(st, "default_service_minutes", 6) * 60;
	ticket->has_figures = true;
	ticket->people_ahead = ahead;
	/* A booked ticket's wait from the booked ones' history (the call order
	 * serves them apart), a walk-in's from the others'. */
	queue_ticket_wait(c, gid, day, now, service, ahead, ticket->priority[0] != 0,
	                  ticket->booked, &ticket->wait, NULL);
}

enum mc_err store_ticket_issue(struct store *st, const struct principal *who, int64_t office,
                               const char *group_code, const char *priority,
                               struct queue_ticket *ticket, struct mc_error *err)
{
	enum mc_err rc = queue_issue_check(st, who, office, priority, err);
	if (rc || (rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	int64_t now = clock_now();
	char day[11];
	clock_office_date(now, day);

	/* A group of the issuing hall only: another centre's group of the
	 * same code is not found. */
	db_stmt *s = store_stmt(
	    c, "SELECT id, prefix FROM service_groups"
	       " WHERE office_id IS NOT DISTINCT FROM :office AND code = :code AND active = 1"
	       " AND " SCOPE_SQL("office_id"));
	if (s == NULL) {
		rc = store_sql_error(c, "group", err);
		goto fail;
	}
	store_bind_hall_office(s, office);
	db_bind_text(s, db_bind_parameter_index(s, ":code"), group_code, -1, DB_STATIC);
	store_bind_scope(s, who);
	int64_t gid = 0;
	char prefix[16] = "";
	int gstep;
	if (store_next(s, &gstep)) {
		gid = db_column_int64(s, 0);
		snprintf(prefix, sizeof prefix, "%s", store_col_text(s, 1));
	}
	if ((rc = store_scan_end(c, s, gstep, "group", err)))
		goto fail;
	if (gid == 0) {
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "group_not_found", "Không có nhóm dịch vụ này",
		              "No service group '%.40s'", group_code);
		goto fail;
	}
	int64_t tid = 0;
	struct queue_ticket view;
	rc = queue_insert_ticket(st, who, office, gid, prefix, priority, 0, now, day, &tid, &view,
	                         err);
	if (rc)
		goto fail;
	rc = store_commit(st, err);
	if (rc == MC_OK && ticket) {
		queue_issue_figures(st, gid, day, tid, now, &view);
		*ticket = view;
	}
	return rc;
fail:
	store_rollback(st);
	return rc;
}

/* The one answer for a code that names no booking of this centre (unknown,
 * malformed, another centre's: which centre is not said, nor whether the
 * code exists elsewhere). */
static enum mc_err queue_booking_not_found(struct mc_error *err)
{
	return mc_fail(
	    err, MC_ERR_NOT_FOUND, "booking_not_found",
	    "Không tìm thấy lịch hẹn với mã này tại trung tâm này (lịch hẹn ở trung tâm khác"
	    " chỉ lấy số được tại trung tâm đó). Vui lòng kiểm tra lại mã đặt lịch hoặc lấy"
	    " số thường",
	    "No booking with this code at this centre (a booking at another centre is"
	    " checked in there): check the code or take an ordinary number");
}

/* 409 booking_too_early: the window opens at `from` (HH:MM office time, and
 * the date when it is not today's). Returns MC_ERR_CONFLICT. */
static enum mc_err queue_booking_early(struct mc_error *err, int64_t from, int64_t now)
{
	enum mc_err rc =
	    mc_fail(err, MC_ERR_CONFLICT, "booking_too_early", "Chưa đến giờ nhận số theo lịch hẹn",
	            "Too early to check in for this booking");
	char day[11], today[11];
	if (err == NULL)
		return rc;
	clock_office_date(from, day);
	clock_office_date(now, today);
	queue_err_when(err, from, strcmp(day, today) != 0,
	               "Chưa đến giờ nhận số theo lịch hẹn. Mời ông/bà quay lại từ",
	               "Too early to check in for this booking: come back from");
	return rc;
}

/* The answer to a check-in the domain refuses (booking_checkin_refusal_of):
 * MC_OK for BCR_NONE; 409 booking_cancelled or booking_used. */
static enum mc_err queue_booking_refused(enum booking_checkin_refusal r, struct mc_error *err)
{
	switch (r) {
	case BCR_NONE: break;
	case BCR_CANCELLED:
		return mc_fail(err, MC_ERR_CONFLICT, "booking_cancelled",
		               "Lịch hẹn này đã bị hủy. Mời ông/bà lấy số thường",
		               "This booking was cancelled: please take an ordinary number");
	case BCR_USED:
		return mc_fail(err, MC_ERR_CONFLICT, "booking_used",
		               "Lịch hẹn này đã được dùng để lấy số",
		               "This booking was already used");
	}
	return MC_OK;
}

enum mc_err store_ticket_checkin(struct store *st, const struct principal *who, int64_t office,
                                 const char *code, const char *priority,
                                 struct queue_ticket *ticket, struct mc_error *err)
{
	char canon[BOOKING_CODE_LEN + 1];
	if (!booking_code_parse(code, canon))
		return queue_booking_not_found(err);
	enum mc_err rc = queue_issue_check(st, who, office, priority, err);
	if (rc || (rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	int64_t now = clock_now();
	char day[11];
	clock_office_date(now, day);
	struct queue_ticket view;

	struct store_booking_row b;
	rc = store_booking_find(st, canon, &b, err);
	if (rc == MC_ERR_NOT_FOUND || (rc == MC_OK && b.office_id != office))
		rc = queue_booking_not_found(err);
	else if (rc == MC_OK)
		rc = queue_booking_refused(booking_checkin_refusal_of(b.state), err);
	if (rc)
		goto fail;
	struct booking_settings bs;
	store_booking_settings(st, &bs);
	enum booking_checkin verdict = booking_checkin_verdict(&bs, b.slot_start, now);
	if (verdict == BOOKING_CHECKIN_EARLY) {
		rc = queue_booking_early(err, booking_window_open(&bs, b.slot_start), now);
		goto fail;
	}
	bool in_time = verdict == BOOKING_CHECKIN_IN_TIME;
	/* The booking's group of this hall (a late citizen joins it too, as a
	 * walk-in). */
	db_stmt *s =
	    store_stmt(c, "SELECT prefix FROM service_groups"
	                  " WHERE id = ? AND office_id IS NOT DISTINCT FROM ? AND active = 1");
	if (s == NULL) {
		rc = store_sql_error(c, "group", err);
		goto fail;
	}
	db_bind_int64(s, 1, b.group_id);
	db_bind_int64(s, 2, office);
	char prefix[16] = "";
	int step;
	bool found = store_next(s, &step);
	if (found)
		snprintf(prefix, sizeof prefix, "%s", store_col_text(s, 0));
	if ((rc = store_scan_end(c, s, step, "group", err)))
		goto fail;
	if (!found) {
		rc = mc_fail(err, MC_ERR_NOT_FOUND, "group_not_found",
		             "Nhóm dịch vụ của lịch hẹn không còn hoạt động, mời lấy số thường",
		             "The booking's service group is no longer active");
		goto fail;
	}
	int64_t tid = 0;
	rc = queue_insert_ticket(st, who, office, b.group_id, prefix, priority, in_time ? b.id : 0,
	                         now, day, &tid, &view, err);
	if (rc)
		goto fail;
	/* The booking points at the ticket either way: a late one too, so a
	 * voided print gives the booking back (store_ticket_void). */
	int64_t a[] = {now, tid, b.id};
	rc = queue_exec(c,
	                in_time ? "UPDATE bookings SET state = 'checked_in', checked_in_at = ?,"
	                          " ticket_id = ? WHERE id = ? AND state = 'booked'"
	                        : "UPDATE bookings SET state = 'late', checked_in_at = ?,"
	                          " ticket_id = ? WHERE id = ? AND state = 'booked'",
	                a, 3, err);
	if (rc)
		goto fail;
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_str(&j, "code", canon);
	jt_int(&j, "ticket", tid);
	jt_str(&j, "label", view.label);
	jt_bool(&j, "late", !in_time);
	jt_end(&j);
	char *details = jt_finish(&j);
	/* Not on the live stream: a booking is a citizen's. */
	store_event_office(st, office);
	int64_t ev = store_event_append(st, who->actor, "booking", canon,
	                                in_time ? "booking.checked_in" : "booking.late", details,
	                                false, err);
	free(details);
	if (ev == 0) {
		rc = err ? err->kind : MC_ERR_INTERNAL;
		goto fail;
	}
	if ((rc = store_commit(st, err)))
		return rc;
	queue_issue_figures(st, b.group_id, day, tid, now, &view);
	view.checkin = true;
	view.late = !in_time;
	queue_copy(view.booking_code, sizeof view.booking_code, canon);
	view.booking_start = b.slot_start;
	view.booking_end = b.slot_end;
	if (ticket)
		*ticket = view;
	return MC_OK;
fail:
	store_rollback(st);
	return rc;
}

enum mc_err store_ticket_void(struct store *st, const struct principal *who, int64_t ticket_id,
                              const char *reason, struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	struct ticket_row t;
	rc = queue_ticket_load(c, who, ticket_id, &t, NULL, err);
	if (rc == MC_OK && t.state != TICKET_WAITING)
		rc = mc_fail(err, MC_ERR_CONFLICT, "ticket_not_waiting", "Phiếu không còn chờ",
		             "The ticket is no longer waiting");
	if (rc == MC_OK) {
		int64_t a[] = {clock_now(), ticket_id};
		rc = queue_exec(c,
		                "UPDATE tickets SET state = 'done', outcome = 'voided',"
		                " finished_at = ? WHERE id = ? AND state = 'waiting'",
		                a, 2, err);
	}
	/* A check-in whose ticket never reached the citizen did not happen:
	 * the booking may be checked in again. */
	if (rc == MC_OK) {
		int64_t b[] = {ticket_id};
		db_stmt *s =
		    store_stmt(c, "UPDATE bookings SET state = 'booked',"
		                  " checked_in_at = NULL, ticket_id = NULL"
		                  " WHERE ticket_id = ? AND state IN ('checked_in', 'late')");
		if (s == NULL)
			rc = store_sql_error(c, "booking", err);
		else {
			db_bind_int64(s, 1, b[0]);
			int step = db_step(s);
			db_reset(s);
			if (step != DB_DONE)
				rc = store_sql_error(c, "booking", err);
		}
	}
	if (rc == MC_OK)
		rc = queue_event(st, who, ticket_id, "ticket.voided", 0,
		                 &(struct queue_extra){"reason", reason, 0}, NULL, err);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

enum mc_err store_ticket_today_by_label(struct store *st, const struct principal *who,
                                        int64_t office, const char *label, int64_t *id,
                                        struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char today[11];
	clock_office_date(clock_now(), today);
	db_stmt *s =
	    store_stmt(c, "SELECT id FROM tickets WHERE office_id IS NOT DISTINCT FROM :office"
	                  " AND service_day = :day AND label = :label"
	                  " AND " SCOPE_SQL("office_id") " ORDER BY id DESC LIMIT 1");
	if (s == NULL)
		return store_sql_error(c, "ticket", err);
	store_bind_hall_office(s, office);
	db_bind_text(s, db_bind_parameter_index(s, ":day"), today, -1, DB_STATIC);
	db_bind_text(s, db_bind_parameter_index(s, ":label"), label, -1, DB_STATIC);
	store_bind_scope(s, who);
	int step;
	bool found = store_next(s, &step);
	if (found)
		*id = db_column_int64(s, 0);
	enum mc_err rc = store_scan_end(c, s, step, "ticket", err);
	if (rc == MC_OK && !found)
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "ticket_not_found", "Không có số này hôm nay",
		              "No ticket %.16s today", label);
	return rc;
}

enum mc_err store_ticket_rejoin(struct store *st, const struct principal *who, int64_t ticket_id,
                                struct queue_ticket *ticket, struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	struct ticket_row t;
	int64_t no_show_at = 0, now = clock_now();
	int64_t window = store_setting_int(st, "no_show_rejoin_minutes", 30) * 60;
	char today[11], day[11];
	clock_office_date(now, today);

	rc = queue_ticket_load(c, who, ticket_id, &t, &no_show_at, err);
	if (rc)
		goto fail;
	clock_office_date(no_show_at, day);
	if (!queue_action_allowed(QA_REJOIN, t.state)) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "ticket_not_no_show",
		             "Chỉ phiếu vắng mặt mới được xếp lại",
		             "Only a no-show ticket can rejoin");
		goto fail;
	}
	if (now - no_show_at > window || strcmp(day, today) != 0) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "rejoin_window_passed",
		             "Đã quá thời gian được xếp lại, hãy lấy số mới",
		             "The rejoin window has passed; take a new number");
		goto fail;
	}
	/* A rejoining ticket goes to the end of its line: those who waited
	 * while it was away keep their place. */
	int64_t a[] = {now, ticket_id};
	rc = queue_exec(c,
	                "UPDATE tickets SET state = 'waiting', queued_at = ?,"
	                " queue_key = (SELECT max(queue_key) + 1 FROM tickets),"
	                " no_show_at = NULL, counter_id = NULL WHERE id = ? AND state = 'no_show'",
	                a, 2, err);
	if (rc == MC_OK)
		rc = queue_event(st, who, ticket_id, "ticket.rejoined", 0, NULL, ticket, err);
	if (rc)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

/* The one answer for a ticket that is not one of today's. */
static enum mc_err queue_ticket_not_found(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_NOT_FOUND, "ticket_not_found",
	               "Không có số thứ tự này trong ngày hôm nay", "No such ticket today");
}

void queue_public_ticket_clear(struct queue_public_ticket *t)
{
	free(t->group_name);
	free(t->group_name_en);
	memset(t, 0, sizeof *t);
}

enum mc_err store_ticket_public(struct store *st, int64_t id, int64_t now,
                                struct queue_public_ticket *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char today[11];
	clock_office_date(now, today);
	memset(out, 0, sizeof *out);
	db_stmt *s = store_stmt(
	    c, "SELECT t.label, g.code, g.name, g.name_en, t.state, t.priority IS NOT NULL,"
	       " co.no, t.queue_key, t.group_id, t.outcome, coalesce(t.office_id, 0),"
	       " t.booking_id IS NOT NULL, o.code FROM tickets t"
	       " JOIN service_groups g ON g.id = t.group_id"
	       " LEFT JOIN counters co ON co.id = t.counter_id"
	       " LEFT JOIN offices o ON o.id = t.office_id"
	       " WHERE t.id = ? AND t.service_day = ?");
	if (s == NULL)
		return store_sql_error(c, "public ticket", err);
	db_bind_int64(s, 1, id);
	db_bind_text(s, 2, today, -1, DB_STATIC);
	int64_t gid = 0;
	int step;
	bool found = store_next(s, &step);
	if (found) {
		queue_copy(out->label, sizeof out->label, store_col_text(s, 0));
		queue_copy(out->group, sizeof out->group, store_col_text(s, 1));
		out->group_name = xstrdup(store_col_text(s, 2));
		out->group_name_en = xstrdup(store_col_text(s, 3));
		queue_copy(out->state, sizeof out->state, store_col_text(s, 4));
		out->priority = db_column_int(s, 5) != 0;
		out->counter = db_column_int(s, 6); /* NULL reads 0 */
		gid = db_column_int64(s, 8);
		if (db_column_type(s, 9) != DB_NULL)
			queue_copy(out->outcome, sizeof out->outcome, store_col_text(s, 9));
		out->office = db_column_int64(s, 10);
		out->booked = db_column_int(s, 11) != 0;
		if (db_column_type(s, 12) != DB_NULL)
			queue_copy(out->office_code, sizeof out->office_code,
			           store_col_text(s, 12));
		out->waiting = strcmp(out->state, "waiting") == 0;
	}
	enum mc_err rc = store_scan_end(c, s, step, "public ticket", err);
	if (rc == MC_OK && !found)
		rc = queue_ticket_not_found(err);
	if (rc == MC_OK && out->waiting) {
		queue_hours_of(st, out->office, now, &out->hours);
		rc = queue_people_ahead_of(st, c, gid, today, id, &out->people_ahead, err);
	}
	if (rc == MC_OK && out->waiting) {
		int64_t service = store_setting_int(st, "default_service_minutes", 6) * 60;
		rc = queue_ticket_wait(c, gid, today, now, service, out->people_ahead,
		                       out->priority, out->booked, &out->wait, err);
	}
	if (rc)
		queue_public_ticket_clear(out);
	return rc;
}
