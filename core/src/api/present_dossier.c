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
