/* The queue's JSON views (present_queue.h): the members and their order are
 * the API's contract with the board, the kiosk, the counter desk and the
 * citizen's page. */
#include "api/present_queue.h"

#include <stdlib.h>
#include <string.h>

#include "api/present_office.h"

/* A text member that is null when empty. */
static json_t *present_str_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

/* An integer member that is null when 0 (a counter number). */
static json_t *present_int_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

void present_queue_wait(json_t *obj, const struct queue_wait_range *r)
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

json_t *present_queue_ticket(const struct queue_ticket *t)
{
	json_t *j = json_pack(
	    "{s:I, s:s, s:i, s:s, s:s, s:o, s:s, s:I, s:o, s:s, s:o, s:o, s:I, s:b}", "id",
	    (json_int_t)t->id, "label", t->label, "number", t->number, "group", t->group, "series",
	    t->series, "priority", present_str_or_null(t->priority), "state", t->state, "issued_at",
	    (json_int_t)t->issued_at, "counter", present_int_or_null(t->counter), "service_day",
	    t->service_day, "outcome", present_str_or_null(t->outcome), "target_counter",
	    present_int_or_null(t->target_counter), "queued_at", (json_int_t)t->queued_at, "booked",
	    t->booked);
	if (t->has_figures) {
		json_object_set_new(j, "people_ahead", json_integer(t->people_ahead));
		present_queue_wait(j, &t->wait);
	}
	if (t->checkin) {
		json_object_set_new(j, "late", json_boolean(t->late));
		json_object_set_new(j, "booking",
		                    json_pack("{s:s, s:I, s:I}", "code", t->booking_code, "start",
		                              (json_int_t)t->booking_start, "end",
		                              (json_int_t)t->booking_end));
	}
	return j;
}

json_t *present_queue_hours(const struct queue_hours *h)
{
	return json_pack("{s:b, s:o, s:b}", "open_now", h->open_now, "next_open",
	                 present_int_or_null(h->next_open), "reopens_today", h->reopens_today);
}

json_t *present_queue_counter_change(const struct queue_counter_change *c)
{
	json_t *j = json_pack("{s:i, s:s}", "no", c->no, "state", counter_state_name(c->state));
	if (c->n_closed) {
		json_t *closed = json_array();
		for (size_t i = 0; i < c->n_closed; i++)
			json_array_append_new(closed, json_integer(c->closed[i]));
		json_object_set_new(j, "closed", closed);
	}
	return j;
}

/* {code, name, address, hours} of office, or null (none, or a read error). */
static json_t *present_office_brief(struct store *st, int64_t office)
{
	json_t *o = office ? present_office_id(st, office) : NULL;
	if (o == NULL)
		return json_null();
	json_t *b = json_pack("{s:O, s:O, s:O, s:O}", "code", json_object_get(o, "code"), "name",
	                      json_object_get(o, "name"), "address", json_object_get(o, "address"),
	                      "hours", json_object_get(o, "hours"));
	json_decref(o);
	return b ? b : json_null();
}

json_t *present_queue_public_ticket(struct store *st, const struct queue_public_ticket *t)
{
	json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:b}", "label", t->label,
	                      "group", t->group, "group_name", t->group_name, "group_name_en",
	                      t->group_name_en, "state", t->state, "priority", t->priority,
	                      "counter", present_int_or_null(t->counter), "outcome",
	                      present_str_or_null(t->outcome), "booked", t->booked);
	/* The ticket's own centre: its name on the citizen's page. */
	json_object_set_new(v, "office", present_office_brief(st, t->office));
	if (!t->waiting)
		return v;
	json_object_set_new(v, "hours", present_queue_hours(&t->hours));
	json_object_set_new(v, "people_ahead", json_integer(t->people_ahead));
	present_queue_wait(v, &t->wait);
	return v;
}

/* An array of the n labels of list. */
static json_t *present_labels(const char (*list)[QUEUE_LABEL_LEN], size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(list[i]));
	return a;
}

static json_t *present_group(const struct queue_group_view *g)
{
	json_t *addressed = json_array();
	for (size_t i = 0; i < g->n_addressed; i++) {
		const struct queue_addressed *a = &g->addressed[i];
		json_array_append_new(
		    addressed, json_pack("{s:s, s:i, s:b, s:b}", "label", a->label, "counter",
		                         a->counter, "priority", a->priority, "booked", a->booked));
	}
	json_t *j =
	    json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:o, s:o, s:o}", "code", g->code,
	              "prefix", g->prefix, "name", g->name, "name_en", g->name_en, "waiting",
	              g->waiting, "priority_waiting", g->priority_waiting, "booked_waiting",
	              g->booked_waiting, "open_counters", g->open_counters, "next",
	              present_labels(g->next, g->n_next), "addressed", addressed, "booked_next",
	              present_labels(g->booked_next, g->n_booked_next));
	present_queue_wait(j, &g->wait);
	json_object_set_new(j, "oldest_queued_at",
	                    g->has_oldest ? json_integer(g->oldest_queued_at) : json_null());
	json_object_set_new(j, "priority_next",
	                    present_labels(g->priority_next, g->n_priority_next));
	return j;
}

static json_t *present_counter(const struct queue_counter_view *co)
{
	json_t *groups = json_array();
	for (size_t i = 0; i < co->n_groups; i++)
		json_array_append_new(groups, json_string(co->groups[i]));
	json_t *serving = json_null();
	if (co->busy) {
		const struct queue_serving *s = &co->serving;
		/* queued_at: when this visit entered the line, so a page reloaded
		 * while serving still says how long the citizen waited. */
		serving = json_pack("{s:I, s:s, s:s, s:I, s:i, s:b, s:I, s:b}", "id",
		                    (json_int_t)s->id, "label", s->label, "group", s->group,
		                    "called_at", (json_int_t)s->called_at, "recalls", s->recalls,
		                    "priority", s->priority, "queued_at", (json_int_t)s->queued_at,
		                    "booked", s->booked);
	}
	return json_pack("{s:i, s:s, s:s, s:o, s:o}", "no", co->no, "name", co->name, "state",
	                 co->state, "groups", groups, "serving", serving);
}

/* Hall office as the snapshot heads it (present_office_id), with "parent"
 * the name of the body it belongs to in the tree ("UBND xã Khe Sanh"), and
 * "parent_code" its code; {} when there is none. */
static json_t *present_snapshot_office(struct store *st, int64_t office)
{
	json_t *o = office ? present_office_id(st, office) : NULL;
	if (o == NULL)
		return json_object();
	json_object_set(o, "parent_code", json_object_get(o, "parent"));
	json_t *parent = json_object_get(o, "parent_name");
	json_object_set(o, "parent", parent ? parent : json_null());
	return o;
}

static json_t *present_snapshot(struct store *st, int64_t office, const struct queue_snapshot *s)
{
	json_t *groups = json_array(), *counters = json_array(), *calls = json_array();
	for (size_t i = 0; i < s->n_groups; i++)
		json_array_append_new(groups, present_group(&s->groups[i]));
	for (size_t i = 0; i < s->n_counters; i++)
		json_array_append_new(counters, present_counter(&s->counters[i]));
	for (size_t i = 0; i < s->n_calls; i++) {
		const struct queue_call_view *k = &s->calls[i];
		json_array_append_new(calls,
		                      json_pack("{s:s, s:i, s:I, s:i, s:b}", "label", k->label,
		                                "counter", k->counter, "at", (json_int_t)k->at,
		                                "recalls", k->recalls, "booked", k->booked));
	}
	json_t *classes = s->priority_classes ? json_loads(s->priority_classes, 0, NULL) : NULL;
	json_t *snap = json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b}", "event_id",
	                         (json_int_t)s->event_id, "at", (json_int_t)s->at, "service_day",
	                         s->service_day, "office", present_snapshot_office(st, office),
	                         "priority_classes", classes ? classes : json_array(), "groups",
	                         groups, "counters", counters, "recent_calls", calls, "hours",
	                         present_queue_hours(&s->hours), "bookable", s->bookable);
	return snap;
}

enum mc_err present_queue_snapshot_text(struct store *st, int64_t office, int64_t now, char **out,
                                        int64_t *event_id, struct mc_error *err)
{
	struct queue_snapshot s;
	enum mc_err rc = store_queue_snapshot_load(st, office, now, &s, err);
	if (rc)
		return rc;
	json_t *snap = present_snapshot(st, office, &s);
	*out = json_dumps(snap, JSON_COMPACT);
	json_decref(snap);
	if (event_id)
		*event_id = s.event_id;
	queue_snapshot_clear(&s);
	return MC_OK;
}
