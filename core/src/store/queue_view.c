/* Read-only views of the queue: the snapshot served to boards and clients,
 * and the metrics. Loads structs (store/queue.h); the API turns them into
 * JSON (api/present_queue.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/calendar.h"
#include "store/dialect.h"
#include "store/queue.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/xmalloc.h"

/* The waiting tickets of a group the snapshot orders by the call policy to
 * show its next ones: more than any hall's line at one time. */
#define VIEW_LINE_PER_GROUP 2000

/* What the snapshot reads of a group before the policy orders its line:
 * its id, the waiting line in line order (with labels), the largest runs
 * among its open counters, the head's elapsed wait and the last call's
 * wait (-1 unknown). */
struct view_line {
	int64_t id;
	struct queue_candidate *cand;
	char (*labels)[QUEUE_LABEL_LEN];
	size_t n, cap;
	struct queue_runs runs;
	int64_t head, last;
};

/* The index of group id in s (whose lines are in the same order), or -1. */
static long view_find(const struct view_line *lines, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (lines[i].id == id)
			return (long)i;
	return -1;
}

/* Binds :day of s (which must have it) to day (static text). */
static void view_bind_day(db_stmt *s, const char *day)
{
	int i = db_bind_parameter_index(s, ":day");
	ENFORCE(i > 0, "a hall view statement has :day");
	db_bind_text(s, i, day, -1, DB_STATIC);
}

static void view_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

void queue_snapshot_clear(struct queue_snapshot *s)
{
	for (size_t i = 0; i < s->n_groups; i++) {
		free(s->groups[i].code);
		free(s->groups[i].prefix);
		free(s->groups[i].name);
		free(s->groups[i].name_en);
	}
	free(s->groups);
	for (size_t i = 0; i < s->n_counters; i++) {
		free(s->counters[i].name);
		for (size_t k = 0; k < s->counters[i].n_groups; k++)
			free(s->counters[i].groups[k]);
		free(s->counters[i].groups);
	}
	free(s->counters);
	free(s->priority_classes);
	memset(s, 0, sizeof *s);
}

static void view_lines_free(struct view_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(lines[i].cand);
		free(lines[i].labels);
	}
	free(lines);
}

/* The active groups of hall office into snap->groups, and their ids into
 * *lines (same order, runs and waits unknown). */
static enum mc_err view_groups_list(struct store_conn *c, int64_t office,
                                    struct queue_snapshot *snap, struct view_line **lines,
                                    struct mc_error *err)
{
	int step;
	size_t cap = 0;
	db_stmt *s = store_stmt(
	    c, "SELECT id, code, prefix, name, name_en FROM service_groups"
	       " WHERE office_id IS NOT DISTINCT FROM :office AND active = 1 ORDER BY sort, id");
	if (s == NULL)
		return store_sql_error(c, "queue view", err);
	store_bind_hall_office(s, office);
	while (store_next(s, &step)) {
		if (snap->n_groups == cap) {
			cap = cap ? 2 * cap : 8;
			snap->groups = xrealloc(snap->groups, cap * sizeof *snap->groups);
			*lines = xrealloc(*lines, cap * sizeof **lines);
		}
		struct queue_group_view *g = &snap->groups[snap->n_groups];
		memset(g, 0, sizeof *g);
		g->code = xstrdup(store_col_text(s, 1));
		g->prefix = xstrdup(store_col_text(s, 2));
		g->name = xstrdup(store_col_text(s, 3));
		g->name_en = xstrdup(store_col_text(s, 4));
		(*lines)[snap->n_groups] =
		    (struct view_line){.id = db_column_int64(s, 0), .head = -1, .last = -1};
		snap->n_groups++;
	}
	return store_scan_end(c, s, step, "queue view", err);
}

/* The waiting counts of each group, its head's elapsed wait, its open
 * counters with their largest runs, and the wait of its last call today
 * (the row of the latest call, the later visit of two at once). */
static enum mc_err view_groups_counts(struct store_conn *c, int64_t office, const char *day,
                                      int64_t now, struct queue_snapshot *snap,
                                      struct view_line *lines, struct mc_error *err)
{
	static const char *const sql[3] = {
	    "SELECT group_id, count(*), sum(CASE WHEN priority IS NOT NULL THEN 1 ELSE 0 END),"
	    " min(queued_at), sum(CASE WHEN priority IS NULL AND booking_id IS NOT NULL"
	    " THEN 1 ELSE 0 END)"
	    " FROM tickets WHERE office_id IS NOT DISTINCT FROM :office AND state = 'waiting'"
	    " AND service_day = :day GROUP BY group_id",
	    "SELECT cg.group_id, count(*), max(co.priority_streak),"
	    " max(co.booked_streak) FROM counter_groups cg"
	    " JOIN counters co ON co.id = cg.counter_id WHERE co.state = 'open'"
	    " AND co.office_id IS NOT DISTINCT FROM :office GROUP BY cg.group_id",
	    "SELECT group_id, wait FROM (SELECT t.group_id, v.first_called_at - v.queued_at AS "
	    "wait,"
	    " row_number() OVER (PARTITION BY t.group_id"
	    " ORDER BY v.first_called_at DESC, v.id DESC) AS nth"
	    " FROM visits v JOIN tickets t ON t.id = v.ticket_id"
	    " WHERE t.office_id IS NOT DISTINCT FROM :office AND t.service_day = :day) AS calls"
	    " WHERE nth = 1"};
	for (int q = 0; q < 3; q++) {
		int step;
		enum mc_err rc;
		db_stmt *s = store_stmt(c, sql[q]);
		if (s == NULL)
			return store_sql_error(c, "queue view", err);
		if (q != 1)
			view_bind_day(s, day);
		store_bind_hall_office(s, office);
		while (store_next(s, &step)) {
			long k = view_find(lines, snap->n_groups, db_column_int64(s, 0));
			if (k < 0)
				continue;
			struct queue_group_view *g = &snap->groups[k];
			if (q == 0) {
				g->waiting = db_column_int(s, 1);
				g->priority_waiting = db_column_int(s, 2);
				lines[k].head = now - db_column_int64(s, 3);
				g->booked_waiting = db_column_int(s, 4);
			} else if (q == 1) {
				g->open_counters = db_column_int(s, 1);
				lines[k].runs =
				    (struct queue_runs){db_column_int(s, 2), db_column_int(s, 3)};
			} else {
				lines[k].last = db_column_int64(s, 1);
			}
		}
		if ((rc = store_scan_end(c, s, step, "queue view", err)))
			return rc;
	}
	return MC_OK;
}

/* The waiting line of each group in line order, and those a transfer
 * addressed to one counter (only that counter calls them: a clerk's panel
 * leaves them out of the other counters' lists). Public: a label and a
 * counter number, nobody's data. */
static enum mc_err view_groups_lines(struct store_conn *c, int64_t office, const char *day,
                                     struct queue_snapshot *snap, struct view_line *lines,
                                     struct mc_error *err)
{
	int step;
	db_stmt *s =
	    store_stmt(c, "SELECT t.group_id, t.label, tc.no, t.priority IS NOT NULL,"
	                  " t.booking_id IS NOT NULL, t.id, t.queue_key FROM tickets t"
	                  " LEFT JOIN counters tc ON tc.id = t.target_counter_id"
	                  " WHERE t.office_id IS NOT DISTINCT FROM :office AND t.state = 'waiting'"
	                  " AND t.service_day = :day"
	                  " ORDER BY t.group_id, t.queue_key, t.id");
	if (s == NULL)
		return store_sql_error(c, "queue view", err);
	view_bind_day(s, day);
	store_bind_hall_office(s, office);
	while (store_next(s, &step)) {
		long k = view_find(lines, snap->n_groups, db_column_int64(s, 0));
		if (k < 0)
			continue;
		struct view_line *l = &lines[k];
		struct queue_group_view *g = &snap->groups[k];
		if (l->n < VIEW_LINE_PER_GROUP) {
			if (l->n == l->cap) {
				l->cap = l->cap ? 2 * l->cap : 16;
				l->cand = xrealloc(l->cand, l->cap * sizeof *l->cand);
				l->labels = xrealloc(l->labels, l->cap * sizeof *l->labels);
			}
			l->cand[l->n] =
			    (struct queue_candidate){.ticket_id = db_column_int64(s, 5),
			                             .priority = db_column_int(s, 3) != 0,
			                             .queue_key = db_column_int64(s, 6),
			                             .booked = db_column_int(s, 4) != 0};
			view_copy(l->labels[l->n], QUEUE_LABEL_LEN, store_col_text(s, 1));
			l->n++;
		}
		if (db_column_type(s, 2) != DB_NULL && g->n_addressed < QUEUE_ADDRESSED_PER_GROUP) {
			struct queue_addressed *a = &g->addressed[g->n_addressed++];
			view_copy(a->label, sizeof a->label, store_col_text(s, 1));
			a->counter = db_column_int(s, 2);
			a->priority = db_column_int(s, 3) != 0;
			a->booked = db_column_int(s, 4) != 0;
		}
	}
	return store_scan_end(c, s, step, "queue view", err);
}

/* What the policy says of each group (domain/queue.h): its wait range, and
 * its next labels in the order the counters will call them
 * (queue_call_order from the largest runs among its open counters). */
static void view_groups_decide(struct queue_snapshot *snap, const struct view_line *lines,
                               int64_t now, int64_t service_seconds,
                               const struct queue_policy *policy)
{
	for (size_t k = 0; k < snap->n_groups; k++) {
		struct queue_group_view *g = &snap->groups[k];
		const struct view_line *l = &lines[k];
		struct queue_wait_input in = {
		    .people_ahead = g->waiting,
		    .open_counters = g->open_counters,
		    .last_called_wait = l->last,
		    .head_elapsed_wait = l->head,
		    .service_seconds = service_seconds,
		};
		g->wait = queue_wait_estimate(&in);
		/* Since when the longest-waiting ticket has been in line, so a
		 * screen shows the longest wait growing. */
		g->has_oldest = l->head >= 0;
		g->oldest_queued_at = l->head >= 0 ? now - l->head : 0;
		size_t order[QUEUE_NEXT_PER_GROUP];
		size_t n =
		    queue_call_order(l->cand, l->n, policy, l->runs, order, QUEUE_NEXT_PER_GROUP);
		for (size_t i = 0; i < n; i++) {
			const struct queue_candidate *t = &l->cand[order[i]];
			const char *label = l->labels[order[i]];
			view_copy(g->next[g->n_next++], QUEUE_LABEL_LEN, label);
			if (t->booked)
				view_copy(g->booked_next[g->n_booked_next++], QUEUE_LABEL_LEN,
				          label);
			if (t->priority)
				view_copy(g->priority_next[g->n_priority_next++], QUEUE_LABEL_LEN,
				          label);
		}
	}
}

/* The active groups of hall office with waiting counts, next labels, the
 * labels addressed to one counter and wait ranges into snap->groups; a
 * database error otherwise (err filled; the caller clears snap). */
static enum mc_err view_groups(struct store_conn *c, int64_t office, const char *day, int64_t now,
                               int64_t service_seconds, const struct queue_policy *policy,
                               struct queue_snapshot *snap, struct mc_error *err)
{
	struct view_line *lines = NULL;
	enum mc_err rc = view_groups_list(c, office, snap, &lines, err);
	if (rc == MC_OK)
		rc = view_groups_counts(c, office, day, now, snap, lines, err);
	if (rc == MC_OK)
		rc = view_groups_lines(c, office, day, snap, lines, err);
	if (rc == MC_OK)
		view_groups_decide(snap, lines, now, service_seconds, policy);
	view_lines_free(lines, snap->n_groups);
	return rc;
}

/* The counters of hall office with their groups and the ticket each serves
 * into snap->counters; a database error otherwise (err filled; the caller
 * clears snap). */
static enum mc_err view_counters(struct store_conn *c, int64_t office, struct queue_snapshot *snap,
                                 struct mc_error *err)
{
	static const char *const sql[3] = {
	    "SELECT id, no, name, state FROM counters WHERE office_id IS NOT DISTINCT FROM :office "
	    "ORDER BY no",
	    "SELECT cg.counter_id, g.code FROM counter_groups cg"
	    " JOIN service_groups g ON g.id = cg.group_id"
	    " WHERE g.office_id IS NOT DISTINCT FROM :office ORDER BY g.sort, g.id",
	    "SELECT t.counter_id, t.id, t.label, g.code, v.called_at, v.recalls,"
	    " t.priority IS NOT NULL, v.queued_at, t.booking_id IS NOT NULL"
	    " FROM tickets t JOIN service_groups g ON g.id = t.group_id"
	    " JOIN visits v ON v.ticket_id = t.id AND v.finished_at IS NULL"
	    " WHERE t.office_id IS NOT DISTINCT FROM :office AND t.state = 'called'"};
	int64_t *ids = NULL;
	size_t cap = 0;
	enum mc_err rc = MC_OK;
	for (int q = 0; q < 3 && rc == MC_OK; q++) {
		int step;
		db_stmt *s = store_stmt(c, sql[q]);
		if (s == NULL) {
			rc = store_sql_error(c, "queue view", err);
			break;
		}
		store_bind_hall_office(s, office);
		while (store_next(s, &step)) {
			int64_t id = db_column_int64(s, 0);
			if (q == 0) {
				if (snap->n_counters == cap) {
					cap = cap ? 2 * cap : 8;
					snap->counters =
					    xrealloc(snap->counters, cap * sizeof *snap->counters);
					ids = xrealloc(ids, cap * sizeof *ids);
				}
				struct queue_counter_view *co = &snap->counters[snap->n_counters];
				memset(co, 0, sizeof *co);
				ids[snap->n_counters++] = id;
				co->no = db_column_int(s, 1);
				co->name = xstrdup(store_col_text(s, 2));
				view_copy(co->state, sizeof co->state, store_col_text(s, 3));
				continue;
			}
			size_t k = 0;
			while (k < snap->n_counters && ids[k] != id)
				k++;
			if (k == snap->n_counters)
				continue;
			struct queue_counter_view *co = &snap->counters[k];
			if (q == 1) {
				co->groups =
				    xrealloc(co->groups, (co->n_groups + 1) * sizeof *co->groups);
				co->groups[co->n_groups++] = xstrdup(store_col_text(s, 1));
				continue;
			}
			struct queue_serving *sv = &co->serving;
			co->busy = true;
			sv->id = db_column_int64(s, 1);
			view_copy(sv->label, sizeof sv->label, store_col_text(s, 2));
			view_copy(sv->group, sizeof sv->group, store_col_text(s, 3));
			sv->called_at = db_column_int64(s, 4);
			sv->recalls = db_column_int(s, 5);
			sv->priority = db_column_int(s, 6) != 0;
			sv->queued_at = db_column_int64(s, 7);
			sv->booked = db_column_int(s, 8) != 0;
		}
		rc = store_scan_end(c, s, step, "queue view", err);
	}
	free(ids);
	return rc;
}

/* Today's last calls at hall office, newest first, into snap->calls; a
 * database error otherwise (err filled). */
static enum mc_err view_recent_calls(struct store_conn *c, int64_t office, const char *day,
                                     struct queue_snapshot *snap, struct mc_error *err)
{
	db_stmt *s =
	    store_stmt(c, "SELECT t.label, co.no, v.called_at, v.recalls,"
	                  " t.booking_id IS NOT NULL FROM visits v"
	                  " JOIN tickets t ON t.id = v.ticket_id"
	                  " JOIN counters co ON co.id = v.counter_id"
	                  " WHERE t.office_id IS NOT DISTINCT FROM :office AND t.service_day = :day"
	                  " ORDER BY v.called_at DESC, v.id DESC LIMIT 10");
	if (s == NULL)
		return store_sql_error(c, "queue view", err);
	int step;
	view_bind_day(s, day);
	store_bind_hall_office(s, office);
	while (snap->n_calls < QUEUE_RECENT_CALLS && store_next(s, &step)) {
		struct queue_call_view *k = &snap->calls[snap->n_calls++];
		view_copy(k->label, sizeof k->label, store_col_text(s, 0));
		k->counter = db_column_int(s, 1);
		k->at = db_column_int64(s, 2);
		k->recalls = db_column_int(s, 3);
		k->booked = db_column_int(s, 4) != 0;
	}
	return store_scan_end(c, s, step, "queue view", err);
}

bool queue_centre_open(struct store *st, int64_t office, int64_t now, int64_t *next_open)
{
	bool open = true;
	*next_open = 0;
	if (store_setting_int(st, "queue_any_hour", 0) == 0)
		store_calendar_centre_hours(st, office, now, &open, next_open);
	return open;
}

void queue_hours_of(struct store *st, int64_t office, int64_t now, struct queue_hours *out)
{
	int64_t next_open;
	bool open = queue_centre_open(st, office, now, &next_open);
	char today[11], then[11];
	clock_office_date(now, today);
	clock_office_date(next_open, then);
	*out = (struct queue_hours){.open_now = open,
	                            .next_open = next_open,
	                            .reopens_today = next_open && strcmp(today, then) == 0};
}

/* The hall's own last live event (events_by_office) into *out: another
 * centre's events neither change the snapshot nor its event_id, so a board
 * comparing it with its stream's last id sees nothing missed. Then whether
 * the hall takes bookings (a slot of some capacity) into *bookable. */
static enum mc_err view_event_and_bookable(struct store_conn *c, int64_t office, int64_t *out,
                                           bool *bookable, struct mc_error *err)
{
	int step;
	enum mc_err rc;
	db_stmt *s =
	    office ? store_stmt(c, "SELECT coalesce((SELECT id FROM events WHERE office_id = ?"
	                           " AND stream = 1 ORDER BY id DESC LIMIT 1), 0)")
	           : store_stmt(c, "SELECT coalesce(max(id), 0) FROM events WHERE stream = 1");
	if (s == NULL)
		return store_sql_error(c, "queue snapshot", err);
	if (office)
		db_bind_int64(s, 1, office);
	if (store_next(s, &step))
		*out = db_column_int64(s, 0);
	if ((rc = store_scan_end(c, s, step, "queue snapshot", err)))
		return rc;
	s = store_stmt(c, "SELECT EXISTS (SELECT 1 FROM booking_slots WHERE office_id = ?"
	                  " AND capacity > 0)");
	if (s == NULL)
		return store_sql_error(c, "queue snapshot", err);
	db_bind_int64(s, 1, office);
	if (store_next(s, &step))
		*bookable = db_column_int(s, 0) != 0;
	return store_scan_end(c, s, step, "queue snapshot", err);
}

enum mc_err store_queue_snapshot_load(struct store *st, int64_t office, int64_t now,
                                      struct queue_snapshot *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	memset(out, 0, sizeof *out);
	out->at = now;
	clock_office_date(now, out->service_day);
	/* One read transaction so every part is from the same moment. */
	store_exec(c, dialect_begin_read_sql(c->db), NULL);
	int64_t service_seconds = store_setting_int(st, "default_service_minutes", 6) * 60;
	struct queue_policy policy;
	queue_policy_of(st, &policy);
	enum mc_err rc = view_event_and_bookable(c, office, &out->event_id, &out->bookable, err);
	if (rc == MC_OK)
		rc = view_groups(c, office, out->service_day, now, service_seconds, &policy, out,
		                 err);
	if (rc == MC_OK)
		rc = view_counters(c, office, out, err);
	if (rc == MC_OK)
		rc = view_recent_calls(c, office, out->service_day, out, err);
	if (rc == MC_OK) {
		out->priority_classes = queue_priority_classes_text(st);
		queue_hours_of(st, office, now, &out->hours);
	}
	store_exec(c, "COMMIT", NULL);
	if (rc)
		queue_snapshot_clear(out);
	return rc;
}

void queue_figures_clear(struct queue_figures *f)
{
	for (size_t i = 0; i < f->ntickets; i++) {
		free(f->tickets[i].group);
		free(f->tickets[i].outcome);
		free(f->tickets[i].office);
	}
	for (size_t i = 0; i < f->nwaiting; i++) {
		free(f->waiting[i].group);
		free(f->waiting[i].office);
	}
	free(f->tickets);
	free(f->waiting);
	memset(f, 0, sizeof *f);
}

/* Today's tickets by group and outcome, and who waits in each group. */
static enum mc_err figures_tickets(struct store_conn *c, const char *day, struct queue_figures *f,
                                   struct mc_error *err)
{
	int step;
	db_stmt *s = store_stmt(
	    c, "SELECT g.code, coalesce(t.outcome, t.state), count(*),"
	       " coalesce(o.code, '') FROM tickets t JOIN service_groups g"
	       " ON g.id = t.series_group_id LEFT JOIN offices o ON o.id = g.office_id"
	       " WHERE t.service_day = ? GROUP BY g.office_id, 4, 1, 2 ORDER BY 4, 1, 2");
	if (s == NULL)
		return store_sql_error(c, "queue metrics", err);
	db_bind_text(s, 1, day, -1, DB_STATIC);
	while (store_next(s, &step)) {
		f->tickets = xreallocarray(f->tickets, f->ntickets + 1, sizeof *f->tickets);
		f->tickets[f->ntickets++] =
		    (struct queue_figures_tickets){.group = xstrdup(store_col_text(s, 0)),
		                                   .outcome = xstrdup(store_col_text(s, 1)),
		                                   .office = xstrdup(store_col_text(s, 3)),
		                                   .count = db_column_int(s, 2)};
	}
	enum mc_err rc = store_scan_end(c, s, step, "queue metrics", err);
	if (rc)
		return rc;
	s = store_stmt(c, "SELECT g.code, (SELECT count(*) FROM tickets t WHERE t.group_id = g.id"
	                  " AND t.state = 'waiting' AND t.service_day = ?),"
	                  " coalesce((SELECT o.code FROM offices o WHERE o.id = g.office_id), '')"
	                  " FROM service_groups g ORDER BY g.office_id, g.sort, g.id");
	if (s == NULL)
		return store_sql_error(c, "queue metrics", err);
	db_bind_text(s, 1, day, -1, DB_STATIC);
	while (store_next(s, &step)) {
		f->waiting = xreallocarray(f->waiting, f->nwaiting + 1, sizeof *f->waiting);
		f->waiting[f->nwaiting++] =
		    (struct queue_figures_waiting){.group = xstrdup(store_col_text(s, 0)),
		                                   .office = xstrdup(store_col_text(s, 2)),
		                                   .count = db_column_int(s, 1)};
	}
	return store_scan_end(c, s, step, "queue metrics", err);
}

enum mc_err store_queue_figures_load(struct store *st, int64_t now, struct queue_figures *out,
                                     struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char day[11];
	int step;
	memset(out, 0, sizeof *out);
	clock_office_date(now, day);
	db_stmt *s =
	    store_stmt(c, "SELECT count(DISTINCT coalesce(office_id, 0)) > 1 FROM service_groups");
	if (s == NULL)
		return store_sql_error(c, "queue metrics", err);
	out->several_centres = store_next(s, &step) && db_column_int(s, 0) != 0;
	enum mc_err rc = store_scan_end(c, s, step, "queue metrics", err);
	if (rc == MC_OK)
		rc = figures_tickets(c, day, out, err);
	if (rc)
		queue_figures_clear(out);
	return rc;
}
