#include "api/present_dossier.h"

#include "util/clock.h"

json_t *present_dossier_duplicate(const struct dossier_duplicate *dup)
{
	return json_pack("{s:s, s:I, s:s, s:s}", "code", dup->code, "intake_at",
	                 (json_int_t)dup->intake_at, "status", dossier_status_name(dup->status),
	                 "status_text", dossier_status_text_vi(dup->status));
}

json_t *present_dossier_intake(json_t *view, enum dossier_outcome outcome, const char *secret)
{
	json_t *out =
	    json_pack("{s:o, s:s}", "dossier", view, "form", dossier_outcome_form(outcome));
	if (outcome != DOSSIER_OUTCOME_REFUSED)
		json_object_set_new(out, "secret", json_string(secret));
	return out;
}

json_t *present_dossier_intake_check(const struct dossier_intake_check *c, const char *procedure,
                                     enum dossier_outcome outcome)
{
	json_t *proc = c->procedure_body ? json_loads(c->procedure_body, 0, NULL) : NULL;
	if (!json_is_object(proc)) {
		json_decref(proc);
		proc = json_object();
	}
	json_object_set_new(proc, "code", json_string(procedure));
	json_object_set_new(proc, "version", json_integer(c->procedure_version));
	json_t *warnings = json_array();
	if (c->has_duplicate) {
		struct mc_error w;
		store_dossier_duplicate_words(&c->dup, &w);
		json_array_append_new(warnings, json_pack("{s:s, s:s, s:s, s:o}", "code", w.code,
		                                          "message", w.message_vi, "message_en",
		                                          w.message_en, "duplicate_of",
		                                          present_dossier_duplicate(&c->dup)));
	}
	bool received = outcome == DOSSIER_OUTCOME_RECEIVED;
	char due_text[32];
	if (received)
		clock_office_text(c->due_at, due_text);
	return json_pack("{s:o, s:s, s:o, s:o, s:o}", "procedure", proc, "form",
	                 dossier_outcome_form(outcome), "due_at",
	                 received ? json_integer(c->due_at) : json_null(), "due_text",
	                 received ? json_string(due_text) : json_null(), "warnings", warnings);
}

/* Stored JSON text as a value: null when absent or not JSON. */
static json_t *opt_json(const char *text)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	return j ? j : json_null();
}

static json_t *opt_text(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* An instant or id: null when 0 (absent). */
static json_t *opt_int(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

static json_t *opt_int_if(bool has, int64_t v)
{
	return has ? json_integer(v) : json_null();
}

/* An office a dossier names as {code, name, address, hours} (code false:
 * without it, as the citizen sees it), or null when there is none. */
static json_t *present_dossier_office(const struct dossier_office *o, bool code)
{
	if (o->code == NULL)
		return json_null();
	json_t *j = code ? json_pack("{s:s}", "code", o->code) : json_object();
	json_object_set_new(j, "name", opt_text(o->name));
	json_object_set_new(j, "address", opt_text(o->address));
	json_object_set_new(j, "hours", opt_text(o->hours));
	return j;
}

/* The member of staff who received it as {username, full_name, title}, or
 * null. */
static json_t *present_dossier_user(const struct dossier_user *u)
{
	if (u->username == NULL)
		return json_null();
	return json_pack("{s:s, s:o, s:o}", "username", u->username, "full_name",
	                 opt_text(u->full_name), "title", opt_text(u->title));
}

static json_t *present_dossier_timing(const struct dossier_lateness *l, int64_t day_seconds)
{
	if (!l->known)
		return json_null();
	json_t *t = json_pack("{s:b, s:I, s:f, s:f}", "late", l->late, "late_seconds",
	                      (json_int_t)l->late_seconds, "late_working_days",
	                      (double)l->late_seconds / (double)day_seconds, "late_working_hours",
	                      (double)l->late_seconds / 3600.0);
	if (l->has_remaining)
		json_object_set_new(t, "remaining_seconds", json_integer(l->remaining_seconds));
	json_object_set_new(t, "at_risk", json_boolean(l->at_risk));
	if (l->has_result)
		json_object_set_new(t, "result", json_string(dossier_timing_name(l->result)));
	return t;
}

json_t *present_dossier_steps(const struct dossier_step *steps, size_t n)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct dossier_step *p = &steps[i];
		json_t *row =
		    json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o}", "office",
		              p->office, "office_name", p->office_name, "giver", p->giver,
		              "receiver", p->receiver, "given_at", (json_int_t)p->given_at,
		              "budget_seconds", opt_int_if(p->has_budget, p->budget_seconds),
		              "ended_at", opt_int_if(p->has_ended, p->ended_at), "spent_seconds",
		              opt_int_if(p->has_spent, p->spent_seconds), "result",
		              opt_text(p->result), "note", opt_text(p->note));
		json_object_set_new(row, "from_office", opt_text(p->from_office));
		json_object_set_new(row, "from_office_name", opt_text(p->from_office_name));
		json_object_set_new(row, "giver_name", opt_text(p->giver_name));
		json_object_set_new(row, "receiver_name", opt_text(p->receiver_name));
		json_array_append_new(rows, row);
	}
	return rows;
}

static json_t *present_dossier_history(const struct dossier_record *r)
{
	json_t *h = json_array();
	for (size_t i = 0; i < r->n_history; i++) {
		const struct dossier_history_row *e = &r->history[i];
		json_array_append_new(h, json_pack("{s:I, s:I, s:s, s:o, s:s, s:o}", "event",
		                                   (json_int_t)e->event, "at", (json_int_t)e->at,
		                                   "actor", e->actor, "actor_name",
		                                   opt_text(e->actor_name), "action", e->action,
		                                   "details", opt_json(e->details)));
	}
	return h;
}

json_t *present_dossier(const struct dossier_record *r, bool steps)
{
	json_t *apology = r->apology_at == 0
	                      ? json_null()
	                      : json_pack("{s:I, s:I, s:s}", "at", (json_int_t)r->apology_at,
	                                  "new_due_at", (json_int_t)r->apology_due_at, "reason",
	                                  r->apology_reason ? r->apology_reason : "");
	json_t *v =
	    json_pack("{s:s, s:{s:s, s:i, s:s, s:s}, s:s, s:s, s:o, s:o, s:I, s:o, s:o, s:I, s:o,"
	              " s:o, s:o, s:b, s:I, s:I, s:o, s:o, s:o, s:o}",
	              "code", r->code, "procedure", "code", r->procedure_code, "version",
	              (int)r->procedure_version, "name", r->procedure_name, "field",
	              r->procedure_field, "status", dossier_status_name(r->status), "status_text",
	              dossier_status_text_vi(r->status), "applicant", opt_json(r->applicant_json),
	              "documents", opt_json(r->documents_json), "sets", (json_int_t)r->sets,
	              "pending", opt_json(r->pending_json), "reason", opt_text(r->reason),
	              "intake_at", (json_int_t)r->intake_at, "received_at", opt_int(r->received_at),
	              "due_at", opt_int(r->due_at), "first_due_at", opt_int(r->first_due_at),
	              "paused", r->paused_at != 0, "paused_seconds", (json_int_t)r->paused_seconds,
	              "supplements", (json_int_t)r->supplements, "apology", apology, "finished_at",
	              opt_int(r->finished_at), "returned_at", opt_int(r->returned_at), "holder",
	              json_pack("{s:o, s:o, s:o}", "office", opt_text(r->holder_office), "person",
	                        opt_text(r->holder_name), "username",
	                        r->holder_name ? opt_text(r->holder) : json_null()));
	json_object_set_new(v, "returned_to", opt_text(r->returned_to));
	json_object_set_new(v, "ticket_id", opt_int(r->ticket_id));
	json_object_set_new(v, "received_by", json_string(r->intake_by));
	json_object_set_new(v, "channel", json_string(r->channel));
	json_object_set_new(v, "ledger",
	                    r->ledger_book == 0
	                        ? json_null()
	                        : json_pack("{s:I, s:I}", "book", (json_int_t)r->ledger_book,
	                                    "line", (json_int_t)r->ledger_line));
	json_object_set_new(v, "received_by_user", present_dossier_user(&r->received_by_user));
	json_object_set_new(v, "intake_office", present_dossier_office(&r->intake_office, true));
	json_object_set_new(v, "authority", present_dossier_office(&r->authority, true));
	json_object_set_new(v, "return_office", present_dossier_office(&r->return_office, true));
	json_object_set_new(v, "timing", present_dossier_timing(&r->timing, r->day_seconds));
	if (steps)
		json_object_set_new(v, "steps", present_dossier_steps(r->steps, r->n_steps));
	if (r->has_history)
		json_object_set_new(v, "history", present_dossier_history(r));
	return v;
}

json_t *present_dossier_control_sheet(const char *code, const struct dossier_step *steps, size_t n)
{
	return json_pack("{s:s, s:s, s:o}", "code", code, "form", "mau-06", "rows",
	                 present_dossier_steps(steps, n));
}

json_t *present_dossier_page(const struct dossier_page *p, int offset, int limit)
{
	json_t *items = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(items, present_dossier(&p->items[i], false));
	return json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)p->total,
	                 "offset", offset, "limit", limit);
}

json_t *present_dossier_public(const struct dossier_public *p)
{
	json_t *v = json_pack(
	    "{s:s, s:s, s:s, s:{s:s, s:s}, s:o, s:o, s:o, s:b, s:o, s:o}", "code", p->code,
	    "status", dossier_status_name(p->status), "status_text",
	    dossier_status_text_vi(p->status), "procedure", "code", p->procedure_code, "name",
	    p->procedure_name, "received_at", opt_int(p->received_at), "appointment_at",
	    opt_int(p->due_at), "still_needed",
	    p->status == DS_SUPPLEMENT_REQUESTED ? opt_json(p->still_needed_json) : json_null(),
	    "late", p->late, "apology",
	    p->apology_due_at == 0
	        ? json_null()
	        : json_pack("{s:I}", "new_appointment_at", (json_int_t)p->apology_due_at),
	    "returned_at", opt_int(p->returned_at));
	json_object_set_new(v, "return_office", present_dossier_office(&p->return_office, false));
	return v;
}

enum mc_err present_dossier_refusal(enum dossier_action action,
                                    const struct dossier_act_result *res, struct mc_error *err)
{
	const struct dossier_refusal_text *t = dossier_refusal_text(res->refusal);
	char vi[sizeof err->message_vi], en[sizeof err->message_en];
	dossier_refusal_words(res->refusal, dossier_action_name(action),
	                      dossier_status_name(res->status), res->place, vi, sizeof vi, en,
	                      sizeof en);
	enum mc_err kind = t->kind == DRK_FORBIDDEN  ? MC_ERR_FORBIDDEN
	                   : t->kind == DRK_CONFLICT ? MC_ERR_CONFLICT
	                                             : MC_ERR_INVALID;
	return mc_fail(err, kind, t->code, vi, en);
}

enum mc_err present_dossier_get(struct store *st, const struct principal *who, const char *code,
                                bool history, json_t **out, struct mc_error *err)
{
	struct dossier_record r;
	enum mc_err rc = store_dossier_get(st, who, code, history, &r, err);
	if (rc)
		return rc;
	*out = present_dossier(&r, true);
	dossier_record_clear(&r);
	return MC_OK;
}

enum mc_err present_dossier_lookup(struct store *st, const char *code, const char *secret,
                                   json_t **out, struct mc_error *err)
{
	struct dossier_public p;
	enum mc_err rc = store_dossier_public(st, code, secret, &p, err);
	if (rc)
		return rc;
	*out = present_dossier_public(&p);
	dossier_public_clear(&p);
	return MC_OK;
}
