/* The counters on the store (store/queue.h): call, recall, no-show, finish,
 * transfer, and a counter's state (open, paused, closed). Each runs in one
 * write transaction. */
#include "store/queue.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/queue_internal.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/jsontext.h"
#include "util/xmalloc.h"

#define QUEUE_MAX_CANDIDATES 4096

/* Counter no of hall office as who may see it (another centre's is not
 * found). */
static enum mc_err queue_counter_load(struct store_conn *c, const struct principal *who,
                                      int64_t office, int no, struct counter_row *out,
                                      struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c,
	    "SELECT id, no, state, user_id, priority_streak, office_id,"
	    " booked_streak FROM counters WHERE office_id IS NOT DISTINCT FROM :office AND no = :no"
	    " AND " SCOPE_SQL("office_id"));
	if (s == NULL)
		return store_sql_error(c, "counter", err);
	store_bind_hall_office(s, office);
	queue_bind(s, ":no", no);
	store_bind_scope(s, who);
	enum mc_err rc = MC_OK;
	int step;
	if (store_next(s, &step)) {
		out->id = db_column_int64(s, 0);
		out->no = db_column_int(s, 1);
		counter_state_parse(store_col_text(s, 2), &out->state);
		out->user_id = db_column_int64(s, 3);
		out->priority_streak = db_column_int(s, 4);
		out->office_id = db_column_int64(s, 5);
		out->booked_streak = db_column_int(s, 6);
	} else if (step == DB_DONE) {
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "counter_not_found", "Không có quầy này",
		              "No counter %d", no);
	}
	enum mc_err src = store_scan_end(c, s, step, "counter", err);
	return src ? src : rc;
}

/* A clerk works only at the counter they opened; supervisors and admins may
 * act at any counter. A closed counter is nobody's: the clerk is told to open
 * it (409 counter_not_open), not that someone else owns it. */
static enum mc_err queue_counter_check_actor(const struct principal *who,
                                             const struct counter_row *co, struct mc_error *err)
{
	if (who->role != ROLE_COUNTER)
		return MC_OK;
	if (co->state == COUNTER_CLOSED)
		return mc_failf(err, MC_ERR_CONFLICT, "counter_not_open", "Quầy chưa mở",
		                "Counter %d is closed", co->no);
	if (co->user_id != who->user_id)
		return mc_failf(err, MC_ERR_FORBIDDEN, "counter_not_yours",
		                "Quầy này đang do cán bộ khác phụ trách",
		                "Counter %d is not opened by you", co->no);
	return MC_OK;
}

/* The ticket being served at a counter, if any (*found tells). */
static enum mc_err queue_serving(struct store_conn *c, int64_t counter_id, struct ticket_row *out,
                                 bool *found, struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT t.id, t.queued_at, v.id FROM tickets t"
	                           " JOIN visits v ON v.ticket_id = t.id AND v.finished_at IS NULL"
	                           " WHERE t.state = 'called' AND t.counter_id = ?");
	if (s == NULL)
		return store_sql_error(c, "serving", err);
	db_bind_int64(s, 1, counter_id);
	*found = false;
	int step;
	if (store_next(s, &step)) {
		out->id = db_column_int64(s, 0);
		out->state = TICKET_CALLED;
		out->queued_at = db_column_int64(s, 1);
		out->counter_id = counter_id;
		out->visit_id = db_column_int64(s, 2);
		*found = true;
	}
	return store_scan_end(c, s, step, "serving", err);
}

/* Counter no of the hall hall means, both read on c inside the action's
 * transaction: the hall's errors first (store_hall_resolve's), then
 * counter_not_found. */
static enum mc_err queue_counter_at(struct store_conn *c, const struct principal *who,
                                    const struct queue_hall_req *hall, int no,
                                    struct counter_row *out, struct mc_error *err)
{
	int64_t office = 0;
	enum mc_err rc = queue_hall_on(c, hall->scoped ? who : NULL, who, hall->code, &office, err);
	return rc ? rc : queue_counter_load(c, who, office, no, out, err);
}

/* Loads the counter for an action and checks the actor may use it. */
static enum mc_err queue_counter_for_action(struct store_conn *c, const struct principal *who,
                                            const struct queue_hall_req *hall, int no,
                                            struct counter_row *co, struct mc_error *err)
{
	enum mc_err rc = queue_counter_at(c, who, hall, no, co, err);
	if (rc == MC_OK)
		rc = queue_counter_check_actor(who, co, err);
	return rc;
}

static enum mc_err queue_require_serving(struct store_conn *c, const struct counter_row *co,
                                         struct ticket_row *t, struct mc_error *err)
{
	bool found;
	enum mc_err rc = queue_serving(c, co->id, t, &found, err);
	if (rc == MC_OK && !found)
		rc = mc_failf(err, MC_ERR_CONFLICT, "no_ticket_at_counter", "Quầy chưa gọi số nào",
		              "Counter %d is serving no ticket", co->no);
	return rc;
}

/* Ends the open visit of ticket t at counter co with outcome, setting the
 * ticket's new state. */
static enum mc_err queue_end_visit(struct store *st, const struct principal *who,
                                   const struct counter_row *co, const struct ticket_row *t,
                                   enum visit_outcome outcome, struct queue_ticket *view,
                                   struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	int64_t now = clock_now();
	static const char set_visit[] = "UPDATE visits SET finished_at = ?1, outcome = ?2"
	                                " WHERE id = ?3 AND finished_at IS NULL";
	db_stmt *s = store_stmt(c, set_visit);
	if (s == NULL)
		return store_sql_error(c, "visit", err);
	db_bind_int64(s, 1, now);
	db_bind_text(s, 2, visit_outcome_name(outcome), -1, DB_STATIC);
	db_bind_int64(s, 3, t->visit_id);
	int step = db_step(s);
	db_reset(s);
	if (step != DB_DONE)
		return store_sql_error(c, "visit", err);

	enum mc_err rc;
	const char *action;
	int64_t a[] = {now, t->id};
	switch (outcome) {
	case VISIT_SERVED:
	case VISIT_REMOVED:
		s = store_stmt(c, "UPDATE tickets SET state = 'done', finished_at = ?,"
		                  " outcome = ? WHERE id = ? AND state = 'called'");
		if (s == NULL)
			return store_sql_error(c, "finish", err);
		db_bind_int64(s, 1, now);
		db_bind_text(s, 2, visit_outcome_name(outcome), -1, DB_STATIC);
		db_bind_int64(s, 3, t->id);
		step = db_step(s);
		db_reset(s);
		if (step != DB_DONE)
			return store_sql_error(c, "finish", err);
		action = "ticket.finished";
		break;
	case VISIT_NO_SHOW:
		rc = queue_exec(c,
		                "UPDATE tickets SET state = 'no_show', no_show_at = ?,"
		                " counter_id = NULL WHERE id = ? AND state = 'called'",
		                a, 2, err);
		if (rc)
			return rc;
		action = "ticket.no_show";
		break;
	case VISIT_TRANSFERRED:
	default:
		/* The caller moves the ticket; only the visit ends here. */
		return MC_OK;
	}
	return queue_event(st, who, t->id, action, co->no,
	                   &(struct queue_extra){"outcome", visit_outcome_name(outcome), 0}, view,
	                   err);
}

/* The waiting tickets counter co may call today (day), in line order:
 * those addressed to it and those of its groups addressed to no counter, at
 * most QUEUE_MAX_CANDIDATES, into *cand (newly allocated, the caller frees
 * it) and *n. Read on the writer, inside the call's transaction. */
static enum mc_err queue_call_candidates(struct store_conn *c, const struct counter_row *co,
                                         const char *day, struct queue_candidate **cand, size_t *n,
                                         struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c, "SELECT t.id, t.priority IS NOT NULL, t.queue_key, t.booking_id IS NOT NULL"
	       " FROM tickets t"
	       " WHERE t.state = 'waiting' AND t.service_day = ?1 AND ("
	       "  t.target_counter_id = ?2 OR (t.target_counter_id IS NULL AND t.group_id IN"
	       "  (SELECT group_id FROM counter_groups WHERE counter_id = ?2)))"
	       " ORDER BY t.queue_key, t.id LIMIT 4096");
	if (s == NULL)
		return store_sql_error(c, "candidates", err);
	db_bind_text(s, 1, day, -1, DB_STATIC);
	db_bind_int64(s, 2, co->id);
	*n = 0;
	*cand = xcalloc(QUEUE_MAX_CANDIDATES, sizeof **cand);
	int scan = DB_DONE;
	while (*n < QUEUE_MAX_CANDIDATES && store_next(s, &scan)) {
		struct queue_candidate *k = &(*cand)[(*n)++];
		k->ticket_id = db_column_int64(s, 0);
		k->priority = db_column_int(s, 1) != 0;
		k->queue_key = db_column_int64(s, 2);
		k->booked = db_column_int(s, 3) != 0;
	}
	return store_scan_end(c, s, scan, "candidates", err);
}

/* Saves the call of ticket t (queued since t->queued_at) at counter co at
 * now: the ticket called, its visit opened, the counter's runs after the
 * call stored, and the "ticket.called" event (view: the ticket). Inside
 * the caller's write transaction. */
static enum mc_err queue_call_save(struct store *st, const struct principal *who,
                                   const struct counter_row *co, const struct ticket_row *t,
                                   const struct queue_runs *runs, int64_t now,
                                   struct queue_ticket *view, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	int64_t a1[] = {co->id, t->id};
	enum mc_err rc = queue_exec(c,
	                            "UPDATE tickets SET state = 'called', counter_id = ?,"
	                            " target_counter_id = NULL WHERE id = ? AND state = 'waiting'",
	                            a1, 2, err);
	if (rc)
		return rc;
	int64_t a2[] = {t->id, co->id, now, now, t->queued_at};
	db_stmt *s =
	    store_stmt(c, "INSERT INTO visits (ticket_id, counter_id, called_at, first_called_at,"
	                  " queued_at, actor) VALUES (?,?,?,?,?,?)");
	if (s == NULL)
		return store_sql_error(c, "visit", err);
	for (int i = 0; i < 5; i++)
		db_bind_int64(s, i + 1, a2[i]);
	db_bind_text(s, 6, who->actor, -1, DB_STATIC);
	int step = db_step(s);
	db_reset(s);
	if (step != DB_DONE)
		return store_sql_error(c, "visit", err);
	int64_t a3[] = {runs->priority, runs->booked, co->id};
	rc =
	    queue_exec(c, "UPDATE counters SET priority_streak = ?, booked_streak = ? WHERE id = ?",
	               a3, 3, err);
	if (rc)
		return rc;
	return queue_event(st, who, t->id, "ticket.called", co->no,
	                   &(struct queue_extra){"wait_seconds", NULL, now - t->queued_at}, view,
	                   err);
}

enum mc_err store_counter_call(struct store *st, const struct principal *who,
                               const struct queue_hall_req *hall, int counter_no,
                               const struct queue_call_cmd *cmd, struct queue_ticket *ticket,
                               struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	struct counter_row co;
	struct ticket_row cur;
	bool busy;
	struct queue_candidate *cand = NULL;
	size_t n = 0;
	int64_t now = clock_now();
	char day[11];
	clock_office_date(now, day);

	rc = queue_counter_for_action(c, who, hall, counter_no, &co, err);
	if (rc)
		goto fail;
	if (co.state != COUNTER_OPEN) {
		rc = mc_failf(err, MC_ERR_CONFLICT, "counter_not_open", "Quầy chưa mở",
		              "Counter %d is %s", counter_no, counter_state_name(co.state));
		goto fail;
	}
	rc = queue_serving(c, co.id, &cur, &busy, err);
	if (rc)
		goto fail;
	if (busy && !cmd->finish_current) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "counter_busy",
		             "Quầy đang phục vụ một số, hãy kết thúc trước",
		             "The counter is serving a ticket; finish it first");
		goto fail;
	}
	if (busy && (rc = queue_end_visit(st, who, &co, &cur, cmd->finish, NULL, err)))
		goto fail;
	if ((rc = queue_call_candidates(c, &co, day, &cand, &n, err)))
		goto fail;
	/* The policy chooses (domain/queue.h); the counter's runs follow. */
	struct queue_policy policy;
	queue_policy_of(st, &policy);
	struct queue_runs runs = {.priority = co.priority_streak, .booked = co.booked_streak};
	int pick = queue_pick_next(cand, n, &policy, &runs);
	if (pick < 0) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "queue_empty", "Không còn ai chờ",
		             "Nobody is waiting for this counter");
		goto fail;
	}
	struct ticket_row t;
	rc = queue_ticket_load(c, who, cand[pick].ticket_id, &t, NULL, err);
	if (rc == MC_OK)
		rc = queue_call_save(st, who, &co, &t, &runs, now, ticket, err);
	if (rc)
		goto fail;
	free(cand);
	return store_commit(st, err);
fail:
	free(cand);
	store_rollback(st);
	return rc;
}

enum mc_err store_counter_recall(struct store *st, const struct principal *who,
                                 const struct queue_hall_req *hall, int counter_no,
                                 struct queue_ticket *ticket, struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	struct counter_row co;
	struct ticket_row t;
	rc = queue_counter_for_action(c, who, hall, counter_no, &co, err);
	if (rc == MC_OK)
		rc = queue_require_serving(c, &co, &t, err);
	if (rc == MC_OK) {
		int64_t a[] = {clock_now(), t.visit_id};
		rc = queue_exec(c,
		                "UPDATE visits SET called_at = ?, recalls = recalls + 1"
		                " WHERE id = ? AND finished_at IS NULL",
		                a, 2, err);
	}
	if (rc == MC_OK)
		rc = queue_event(st, who, t.id, "ticket.recalled", co.no, NULL, ticket, err);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

enum mc_err store_counter_no_show(struct store *st, const struct principal *who,
                                  const struct queue_hall_req *hall, int counter_no,
                                  struct queue_ticket *ticket, struct mc_error *err)
{
	return store_counter_finish(st, who, hall, counter_no, VISIT_NO_SHOW, ticket, err);
}

enum mc_err store_counter_finish(struct store *st, const struct principal *who,
                                 const struct queue_hall_req *hall, int counter_no,
                                 enum visit_outcome outcome, struct queue_ticket *ticket,
                                 struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	struct counter_row co;
	struct ticket_row t;
	rc = queue_counter_for_action(c, who, hall, counter_no, &co, err);
	if (rc == MC_OK)
		rc = queue_require_serving(c, &co, &t, err);
	if (rc == MC_OK)
		rc = queue_end_visit(st, who, &co, &t, outcome, ticket, err);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

enum mc_err store_counter_transfer(struct store *st, const struct principal *who,
                                   const struct queue_hall_req *hall, int counter_no,
                                   const struct queue_transfer_cmd *cmd,
                                   struct queue_ticket *ticket, struct mc_error *err)
{
	const char *to_group = cmd->to_group;
	int to_counter = cmd->to_counter;
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	struct counter_row co, target = {0};
	struct ticket_row t;
	int64_t gid = 0;
	rc = queue_counter_for_action(c, who, hall, counter_no, &co, err);
	if (rc == MC_OK)
		rc = queue_require_serving(c, &co, &t, err);
	if (rc)
		goto fail;
	if (to_counter > 0) {
		rc = queue_counter_load(c, who, co.office_id, to_counter, &target, err);
		if (rc)
			goto fail;
		if (target.id == co.id) {
			rc = mc_fail(err, MC_ERR_INVALID, "transfer_to_self",
			             "Không thể chuyển về chính quầy này",
			             "Cannot transfer to the same counter");
			goto fail;
		}
	} else {
		db_stmt *s =
		    store_stmt(c, "SELECT id FROM service_groups"
		                  " WHERE office_id IS NOT DISTINCT FROM :office AND code = :code"
		                  " AND active = 1 AND " SCOPE_SQL("office_id"));
		if (s == NULL) {
			rc = store_sql_error(c, "group", err);
			goto fail;
		}
		store_bind_hall_office(s, co.office_id);
		db_bind_text(s, db_bind_parameter_index(s, ":code"), to_group, -1, DB_STATIC);
		store_bind_scope(s, who);
		int step;
		if (store_next(s, &step))
			gid = db_column_int64(s, 0);
		if ((rc = store_scan_end(c, s, step, "group", err)))
			goto fail;
		if (gid == 0) {
			rc = mc_failf(err, MC_ERR_NOT_FOUND, "group_not_found",
			              "Không có nhóm dịch vụ này", "No service group '%.40s'",
			              to_group);
			goto fail;
		}
	}
	rc = queue_end_visit(st, who, &co, &t, VISIT_TRANSFERRED, NULL, err);
	if (rc)
		goto fail;
	/* The ticket keeps its number and its place (queue_key): it goes ahead
	 * of everyone who arrived after it. */
	if (to_counter > 0) {
		int64_t a[] = {clock_now(), target.id, t.id};
		rc = queue_exec(
		    c,
		    "UPDATE tickets SET state = 'waiting', counter_id = NULL,"
		    " queued_at = ?, target_counter_id = ? WHERE id = ? AND state = 'called'",
		    a, 3, err);
	} else {
		int64_t a[] = {clock_now(), gid, t.id};
		rc = queue_exec(c,
		                "UPDATE tickets SET state = 'waiting', counter_id = NULL,"
		                " queued_at = ?, group_id = ?, target_counter_id = NULL"
		                " WHERE id = ? AND state = 'called'",
		                a, 3, err);
	}
	if (rc)
		goto fail;
	struct queue_extra extra = to_counter > 0
	                               ? (struct queue_extra){"to_counter", NULL, to_counter}
	                               : (struct queue_extra){"to_group", to_group, 0};
	rc = queue_event(st, who, t.id, "ticket.transferred", co.no, &extra, ticket, err);
	if (rc)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

/* Appends the event "counter.state" of counter no of hall office, now in
 * state, inside the caller's write transaction. */
static enum mc_err queue_counter_event(struct store *st, const struct principal *who,
                                       int64_t office, int no, enum counter_state state,
                                       struct mc_error *err)
{
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_str(&j, "type", "counter.state");
	jt_object(&j, "counter");
	jt_int(&j, "no", no);
	jt_str(&j, "state", counter_state_name(state));
	jt_end(&j);
	jt_end(&j);
	char *details = jt_finish(&j);
	char eid[16];
	snprintf(eid, sizeof eid, "%d", no);
	store_event_office(st, office);
	int64_t ev =
	    store_event_append(st, who->actor, "counter", eid, "counter.state", details, true, err);
	free(details);
	return ev == 0 ? (err ? err->kind : MC_ERR_INTERNAL) : MC_OK;
}

/* A counter of who's to close (queue_counter_leave_others). */
struct queue_other_counter {
	int64_t id;
	int no;
	int64_t office;
};

/* A clerk works at one counter at a time: when who (a clerk) opens or pauses
 * counter keep, every other counter open or paused under who is closed (one
 * counter.state event each, in its hall). Inside the caller's write
 * transaction. The numbers closed are appended to ch->closed. Returns MC_OK;
 * 409 serving_elsewhere (nothing closed) when one of them is serving a
 * ticket; else a store error. */
static enum mc_err queue_counter_leave_others(struct store *st, const struct principal *who,
                                              const struct counter_row *keep,
                                              struct queue_counter_change *ch, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(
	    c, "SELECT co.id, co.no, co.office_id, (SELECT t.label FROM tickets t"
	       " JOIN visits v ON v.ticket_id = t.id AND v.finished_at IS NULL"
	       " WHERE t.state = 'called' AND t.counter_id = co.id LIMIT 1)"
	       " FROM counters co WHERE co.user_id = :user AND co.id <> :keep"
	       " AND co.state <> 'closed' AND " SCOPE_SQL("co.office_id") " ORDER BY co.no");
	if (s == NULL)
		return store_sql_error(c, "counter", err);
	queue_bind(s, ":user", who->user_id);
	queue_bind(s, ":keep", keep->id);
	store_bind_scope(s, who);
	struct queue_other_counter *rows = NULL;
	size_t n = 0;
	enum mc_err rc = MC_OK;
	int step;
	while (store_next(s, &step)) {
		if (db_column_type(s, 3) != DB_NULL) {
			char vi[200];
			snprintf(vi, sizeof vi,
			         "Quầy %d của bạn đang phục vụ số %s: kết thúc số đó trước khi sang"
			         " quầy khác",
			         db_column_int(s, 1), store_col_text(s, 3));
			rc = mc_failf(
			    err, MC_ERR_CONFLICT, "serving_elsewhere", vi,
			    "Your counter %d is serving %s: finish it before moving to another"
			    " counter",
			    db_column_int(s, 1), store_col_text(s, 3));
			break;
		}
		rows = xrealloc(rows, (n + 1) * sizeof *rows);
		rows[n++] = (struct queue_other_counter){db_column_int64(s, 0), db_column_int(s, 1),
		                                         db_column_int64(s, 2)};
	}
	enum mc_err src = store_scan_end(c, s, step, "counter", err);
	if (rc == MC_OK)
		rc = src;
	for (size_t i = 0; i < n && rc == MC_OK; i++) {
		int64_t a[] = {rows[i].id};
		rc = queue_exec(c,
		                "UPDATE counters SET state = 'closed', user_id = NULL,"
		                " priority_streak = 0, booked_streak = 0 WHERE id = ?",
		                a, 1, err);
		if (rc == MC_OK)
			rc = queue_counter_event(st, who, rows[i].office, rows[i].no,
			                         COUNTER_CLOSED, err);
		if (rc == MC_OK) {
			ch->closed = xrealloc(ch->closed, (ch->n_closed + 1) * sizeof *ch->closed);
			ch->closed[ch->n_closed++] = rows[i].no;
		}
	}
	free(rows);
	return rc;
}

void queue_counter_change_clear(struct queue_counter_change *c)
{
	free(c->closed);
	memset(c, 0, sizeof *c);
}

/* Whether who may set counter co (no counter_no) to want; MC_OK or the
 * refusal (read on c). */
static enum mc_err queue_counter_state_check(struct store_conn *c, const struct principal *who,
                                             const struct counter_row *co, enum counter_state want,
                                             struct mc_error *err)
{
	/* Opening a counter makes it the clerk's own; another clerk cannot take
	 * over a counter that is open or paused under someone else. */
	if (who->role == ROLE_COUNTER && co->state != COUNTER_CLOSED && co->user_id != who->user_id)
		return mc_failf(err, MC_ERR_FORBIDDEN, "counter_not_yours",
		                "Quầy này đang do cán bộ khác phụ trách",
		                "Counter %d is opened by someone else", co->no);
	if (want != COUNTER_CLOSED)
		return MC_OK;
	struct ticket_row t;
	bool busy = false;
	enum mc_err rc = queue_serving(c, co->id, &t, &busy, err);
	if (rc == MC_OK && busy)
		rc = mc_fail(err, MC_ERR_CONFLICT, "counter_busy",
		             "Quầy đang phục vụ một số, hãy kết thúc trước",
		             "The counter is serving a ticket; finish it first");
	return rc;
}

enum mc_err store_counter_set_state(struct store *st, const struct principal *who,
                                    const struct queue_hall_req *hall, int counter_no,
                                    enum counter_state want, struct queue_counter_change *counter,
                                    struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	struct counter_row co;
	struct queue_counter_change ch = {.no = counter_no, .state = want};
	rc = queue_counter_at(c, who, hall, counter_no, &co, err);
	if (rc == MC_OK)
		rc = queue_counter_state_check(c, who, &co, want, err);
	/* A clerk works at one counter at a time: the one they had is closed. */
	if (rc == MC_OK && who->role == ROLE_COUNTER && who->user_id && want != COUNTER_CLOSED)
		rc = queue_counter_leave_others(st, who, &co, &ch, err);
	if (rc)
		goto fail;
	db_stmt *s = store_stmt(c, "UPDATE counters SET state = ?, user_id = ?,"
	                           " priority_streak = 0, booked_streak = 0 WHERE id = ?");
	if (s == NULL) {
		rc = store_sql_error(c, "counter", err);
		goto fail;
	}
	db_bind_text(s, 1, counter_state_name(want), -1, DB_STATIC);
	if (want == COUNTER_CLOSED)
		db_bind_null(s, 2);
	else if (who->user_id && (co.state == COUNTER_CLOSED || co.user_id == 0))
		db_bind_int64(s, 2, who->user_id);
	else if (co.user_id)
		db_bind_int64(s, 2, co.user_id);
	else
		db_bind_null(s, 2);
	db_bind_int64(s, 3, co.id);
	int step = db_step(s);
	db_reset(s);
	if (step != DB_DONE) {
		rc = store_sql_error(c, "counter", err);
		goto fail;
	}
	if ((rc = queue_counter_event(st, who, co.office_id, counter_no, want, err)))
		goto fail;
	rc = store_commit(st, err);
	if (rc == MC_OK && counter)
		*counter = ch;
	else
		queue_counter_change_clear(&ch);
	return rc;
fail:
	queue_counter_change_clear(&ch);
	store_rollback(st);
	return rc;
}
