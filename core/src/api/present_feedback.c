/* Citizens' feedback (PAKN): the JSON views (api/present_feedback.h). The
 * store already applied the privacy rule: nothing here adds a field the
 * struct does not hold. */
#include "api/present_feedback.h"

#include <stdio.h>
#include <string.h>

#include "domain/feedback.h"

static json_t *pf_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *pf_time(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

/* A word's text, or the word itself when unknown. */
static json_t *pf_word(const char *text, const char *word)
{
	return json_string(text ? text : word);
}

json_t *present_feedback_created(const struct feedback_created *c)
{
	char url[96];
	snprintf(url, sizeof url, "/status?code=%s&secret=%s", c->code, c->secret);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s}", "code", c->code, "secret",
	                 c->secret, "kind", c->anonymous ? "anonymous" : "pakn", "status",
	                 "received", "status_text", feedback_status_text("received"), "received_at",
	                 (json_int_t)c->received_at, "answer_due_at",
	                 c->anonymous ? json_null() : json_integer(c->answer_due_at), "status_url",
	                 url);
}

json_t *present_feedback_public(const struct feedback_public_view *v)
{
	json_t *o = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:{s:s, s:s}}", "code", v->code, "kind",
	    v->kind, "class", v->class, "class_text", feedback_class_text(v->class), "status",
	    v->status, "status_text", feedback_status_text(v->status), "received_at",
	    (json_int_t)v->received_at, "answer_due_at", pf_time(v->answer_due_at), "office",
	    "code", v->office_code, "name", v->office_name);
	if (v->answer) {
		json_object_set_new(o, "answer", json_string(v->answer));
		json_object_set_new(o, "answered_at", json_integer(v->answered_at));
	}
	if (v->published_at)
		json_object_set_new(o, "published_at", json_integer(v->published_at));
	json_t *steps = json_array();
	for (size_t i = 0; i < v->nsteps; i++) {
		json_t *s = json_pack("{s:I, s:s}", "at", (json_int_t)v->steps[i].at, "step",
		                      v->steps[i].step);
		if (v->steps[i].text)
			json_object_set_new(s, "text", json_string(v->steps[i].text));
		json_array_append_new(steps, s);
	}
	json_object_set_new(o, "steps", steps);
	json_object_set_new(o, "reaction", pf_str(v->reaction));
	if (v->reaction)
		json_object_set_new(o, "reacted_at", json_integer(v->reacted_at));
	if (v->info_request)
		json_object_set_new(o, "info_request", json_string(v->info_request));
	json_object_set_new(o, "can_reply", json_boolean(v->can_reply));
	json_object_set_new(o, "can_react", json_boolean(v->can_react));
	return o;
}

static json_t *pf_user(const struct feedback_user *u)
{
	if (u->id <= 0)
		return json_null();
	return json_pack("{s:I, s:s}", "user_id", (json_int_t)u->id, "full_name",
	                 u->full_name ? u->full_name : "");
}

/* "sender" (null for an anonymous report) or "sender_hidden": true. */
static void pf_sender(json_t *o, const struct feedback_sender *s)
{
	if (s->anonymous) {
		json_object_set_new(o, "sender", json_null());
		return;
	}
	if (!s->visible) {
		json_object_set_new(o, "sender_hidden", json_true());
		return;
	}
	json_object_set_new(o, "sender",
	                    json_pack("{s:o, s:o, s:o, s:o}", "name", pf_str(s->name), "address",
	                              pf_str(s->address), "phone", pf_str(s->phone), "email",
	                              pf_str(s->email)));
	json_object_set_new(o, "sender_hidden", json_false());
}

/* "late", "late_steps", "next_due_at" of tm, and "timing" (each step's
 * due, done and verdict from t) when t is given. */
static void pf_timing(json_t *o, const struct feedback_timing *tm, const struct feedback_times *t)
{
	json_t *steps = json_array(), *late = json_array();
	for (int i = 0; i < FEEDBACK_STEPS; i++) {
		const char *res = feedback_result_name(tm->step[i]);
		if (res == NULL)
			continue;
		const char *name = feedback_step_name((enum feedback_step)i);
		if (tm->step[i] == FEEDBACK_STEP_LATE || tm->step[i] == FEEDBACK_STEP_OVERDUE)
			json_array_append_new(late, json_string(name));
		if (t == NULL)
			continue;
		int64_t due, done;
		feedback_step_times(t, (enum feedback_step)i, &due, &done);
		if (tm->step[i] == FEEDBACK_STEP_PENDING || tm->step[i] == FEEDBACK_STEP_OVERDUE)
			done = 0;
		json_array_append_new(steps, json_pack("{s:s, s:o, s:o, s:s}", "step", name,
		                                       "due_at", pf_time(due), "done_at",
		                                       pf_time(done), "result", res));
	}
	if (t)
		json_object_set_new(o, "timing", steps);
	else
		json_decref(steps);
	json_object_set_new(o, "late", json_boolean(tm->late));
	json_object_set_new(o, "late_steps", late);
	json_object_set_new(o, "next_due_at", pf_time(tm->next_due_at));
}

static json_t *pf_notes(const struct feedback_detail *d)
{
	json_t *a = json_array();
	for (size_t i = 0; i < d->nnotes; i++) {
		const struct feedback_note_row *n = &d->notes[i];
		json_array_append_new(a, json_pack("{s:I, s:s, s:o, s:s, s:s, s:b}", "at",
		                                   (json_int_t)n->at, "actor", n->actor,
		                                   "actor_name", pf_str(n->actor_name), "step",
		                                   n->step, "text", n->text, "public", n->public));
	}
	return a;
}

static json_t *pf_events(const struct feedback_detail *d)
{
	json_t *a = json_array();
	for (size_t i = 0; i < d->nevents; i++) {
		const struct feedback_event_row *e = &d->events[i];
		json_t *details = e->details ? json_loads(e->details, 0, NULL) : NULL;
		json_array_append_new(a, json_pack("{s:I, s:I, s:s, s:o, s:s, s:o}", "id",
		                                   (json_int_t)e->id, "at", (json_int_t)e->at,
		                                   "actor", e->actor, "actor_name",
		                                   pf_str(e->actor_name), "action", e->action,
		                                   "details", details ? details : json_object()));
	}
	return a;
}

static json_t *pf_files(const struct feedback_detail *d)
{
	json_t *a = json_array();
	for (size_t i = 0; i < d->nfiles; i++) {
		const struct feedback_file_row *f = &d->files[i];
		json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:I, s:s}", "n", f->n, "name",
		                                   f->name, "mime", f->mime, "size",
		                                   (json_int_t)f->size, "sha256", f->sha256));
	}
	return a;
}

/* The detail's instants and dues. */
static void pf_detail_times(json_t *o, const struct feedback_detail *d)
{
	const struct feedback_times *t = &d->t;
	json_object_set_new(o, "assigned_at", pf_time(d->assigned_at));
	json_object_set_new(o, "received_at", pf_time(t->received_at));
	json_object_set_new(o, "classified_at", pf_time(t->classified_at));
	json_object_set_new(o, "info_requested_at", pf_time(t->info_requested_at));
	json_object_set_new(o, "info_asked_at", pf_time(d->info_asked_at));
	json_object_set_new(o, "info_received_at", pf_time(d->info_received_at));
	json_object_set_new(o, "answered_at", pf_time(t->answered_at));
	json_object_set_new(o, "published_at", pf_time(t->published_at));
	json_object_set_new(o, "closed_at", pf_time(t->closed_at));
	json_object_set_new(o, "reacted_at", pf_time(d->reacted_at));
	json_object_set_new(
	    o, "dues",
	    json_pack("{s:o, s:o, s:o, s:o, s:o}", "reject", pf_time(t->reject_due_at), "forward",
	              pf_time(t->forward_due_at), "info", pf_time(t->info_due_at), "answer",
	              pf_time(t->answer_due_at), "publish", pf_time(t->publish_due_at)));
}

json_t *present_feedback_detail(const struct feedback_detail *d)
{
	json_t *o = json_pack(
	    "{s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:{s:o, s:o}, s:o}",
	    "code", d->code, "kind", d->kind, "class", d->class, "class_text",
	    pf_word(feedback_class_text(d->class), d->class), "class_en",
	    pf_word(feedback_class_en(d->class), d->class), "channel", d->channel, "channel_text",
	    pf_word(feedback_channel_text(d->channel), d->channel), "status", d->status,
	    "status_text", pf_word(feedback_status_text(d->status), d->status), "status_en",
	    pf_word(feedback_status_en(d->status), d->status), "text", pf_str(d->text), "dossier",
	    pf_str(d->dossier), "office", "code", pf_str(d->office_code), "name",
	    pf_str(d->office_name), "subject",
	    json_pack("{s:o, s:o, s:o}", "counter_no", pf_time(d->subject_counter_no), "name",
	              pf_str(d->subject_name), "user", pf_user(&d->subject)));
	pf_sender(o, &d->sender);
	json_object_set_new(o, "forwarded_to", pf_str(d->forwarded_to));
	json_object_set_new(o, "assigned", pf_user(&d->assigned));
	json_object_set_new(o, "entered_by", pf_str(d->entered_by));
	json_object_set_new(o, "decision", pf_str(d->t.decision));
	json_object_set_new(o, "answer_draft", pf_str(d->answer_draft));
	json_object_set_new(o, "answer", pf_str(d->answer));
	json_object_set_new(o, "answered_by", pf_user(&d->answered_by));
	json_object_set_new(o, "public_question", pf_str(d->public_question));
	json_object_set_new(o, "public_answer", pf_str(d->public_answer));
	json_object_set_new(o, "repeat_of", pf_str(d->repeat_of));
	json_object_set_new(o, "repeated", json_integer(d->repeated));
	json_object_set_new(o, "reaction", pf_str(d->reaction));
	pf_detail_times(o, d);
	pf_timing(o, &d->timing, &d->t);
	json_object_set_new(o, "ended", json_boolean(d->timing.ended));
	json_object_set_new(o, "head", json_boolean(d->head));
	json_t *actions = json_array();
	for (int i = 0; i < FEEDBACK_ACTIONS; i++)
		if (d->actions[i])
			json_array_append_new(
			    actions, json_string(feedback_action_name((enum feedback_action)i)));
	json_object_set_new(o, "actions", actions);
	json_object_set_new(o, "notes", pf_notes(d));
	json_object_set_new(o, "events", pf_events(d));
	json_object_set_new(o, "files", pf_files(d));
	return o;
}

static json_t *pf_list_item(const struct feedback_list_item *it)
{
	json_t *o = json_pack(
	    "{s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:I, s:{s:s, s:s}, s:o, s:{s:o, s:o}}", "code",
	    it->code, "kind", it->kind, "class", it->class, "class_text",
	    pf_word(feedback_class_text(it->class), it->class), "channel", it->channel, "status",
	    it->status, "status_text", pf_word(feedback_status_text(it->status), it->status),
	    "received_at", (json_int_t)it->received_at, "office", "code", it->office_code, "name",
	    it->office_name, "assigned", pf_user(&it->assigned), "subject", "name",
	    pf_str(it->subject_name), "user", pf_user(&it->subject));
	pf_timing(o, &it->timing, NULL);
	pf_sender(o, &it->sender);
	return o;
}

json_t *present_feedback_list(const struct feedback_list *l)
{
	json_t *items = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(items, pf_list_item(&l->items[i]));
	return json_pack("{s:o, s:I, s:i, s:i, s:I, s:i}", "items", items, "total",
	                 (json_int_t)l->total, "page", l->page, "page_size", l->page_size, "offset",
	                 (json_int_t)l->offset, "limit", l->page_size);
}

json_t *present_feedback_officials(const struct feedback_conduct *c)
{
	json_t *list = json_array();
	for (size_t i = 0; i < c->n; i++) {
		const struct feedback_conduct_row *r = &c->officials[i];
		json_array_append_new(
		    list, json_pack("{s:I, s:s, s:{s:o, s:o}, s:I, s:I, s:I}", "user_id",
		                    (json_int_t)r->user_id, "full_name", r->full_name, "office",
		                    "code", pf_str(r->office_code), "name", pf_str(r->office_name),
		                    "pakn", (json_int_t)r->pakn, "anonymous",
		                    (json_int_t)r->anonymous, "total", (json_int_t)r->total));
	}
	return list;
}

json_t *present_feedback_conduct(const struct feedback_conduct *c)
{
	return json_pack("{s:I, s:I, s:o}", "from", (json_int_t)c->from, "to", (json_int_t)c->to,
	                 "officials", present_feedback_officials(c));
}

json_t *present_feedback_answers(const struct feedback_answers *a)
{
	json_t *items = json_array();
	for (size_t i = 0; i < a->n; i++) {
		const struct feedback_answer_row *r = &a->items[i];
		json_array_append_new(
		    items,
		    json_pack("{s:s, s:s, s:o, s:o, s:{s:s, s:s}, s:I, s:o, s:I, s:s, s:s}", "code",
		              r->code, "class", r->class, "class_text",
		              pf_word(feedback_class_text(r->class), r->class), "class_en",
		              pf_word(feedback_class_en(r->class), r->class), "office", "code",
		              r->office_code, "name", r->office_name, "received_at",
		              (json_int_t)r->received_at, "answered_at", pf_time(r->answered_at),
		              "published_at", (json_int_t)r->published_at, "question", r->question,
		              "answer", r->answer));
	}
	return json_pack("{s:o, s:I, s:i, s:i, s:I, s:i}", "items", items, "total",
	                 (json_int_t)a->total, "page", a->page, "page_size", a->page_size, "offset",
	                 (json_int_t)a->offset, "limit", a->page_size);
}
