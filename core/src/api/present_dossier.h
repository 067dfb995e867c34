/* Dossiers as the API answers them: the JSON views of store/dossier.h's
 * results. Each function returns a new object (the caller owns it). */
#ifndef MOTCUA_API_PRESENT_DOSSIER_H
#define MOTCUA_API_PRESENT_DOSSIER_H

#include <jansson.h>

#include "store/dossier.h"

/* {"code","intake_at","status","status_text"}: the earlier dossier an
 * intake probably repeats. */
json_t *present_dossier_duplicate(const struct dossier_duplicate *dup);

/* The intake's answer: {"dossier": view, "form": "mau-0N", "secret"} (no
 * secret when refused: secret ""). Takes view. */
json_t *present_dossier_intake(json_t *view, enum dossier_outcome outcome, const char *secret);

/* The intake check's answer: {"procedure":{…as imported, "code",
 * "version"}, "form", "due_at":EPOCH|null, "due_text":"dd/mm/yyyy
 * HH:MM"|null, "warnings":[…]} (a probable duplicate is a warning
 * {"code":"probable_duplicate","message","message_en","duplicate_of"}). */
json_t *present_dossier_intake_check(const struct dossier_intake_check *c, const char *procedure,
                                     enum dossier_outcome outcome);

/* The staff view of r: code, procedure, status, applicant, times,
 * apology, holder, offices, "timing" (null without a clock, else {late,
 * late_seconds, late_working_days, late_working_hours, at_risk,
 * remaining_seconds?, result?}); "steps" when steps, "history" when r has
 * it. */
json_t *present_dossier(const struct dossier_record *r, bool steps);

/* The control sheet's rows as an array. */
json_t *present_dossier_steps(const struct dossier_step *steps, size_t n);

/* {"code", "form":"mau-06", "rows":[…]}. */
json_t *present_dossier_control_sheet(const char *code, const struct dossier_step *steps, size_t n);

/* {"items":[…],"total":N,"offset":o,"limit":l}. */
json_t *present_dossier_page(const struct dossier_page *p, int offset, int limit);

/* The citizen's view (no personal field). */
json_t *present_dossier_public(const struct dossier_public *p);

/* The domain's refusal of action (res->refusal, not DR_NONE) as the error
 * answered: dossier_refusal_text's kind as MC_ERR_INVALID 400,
 * MC_ERR_FORBIDDEN 403 or MC_ERR_CONFLICT 409, its code, and its words
 * (dossier_refusal_words, naming res's status and place). Fills err and
 * returns its kind. */
enum mc_err present_dossier_refusal(enum dossier_action action,
                                    const struct dossier_act_result *res, struct mc_error *err);

/* store_dossier_get presented (steps always): *out a new object on MC_OK. */
enum mc_err present_dossier_get(struct store *st, const struct principal *who, const char *code,
                                bool history, json_t **out, struct mc_error *err);

/* store_dossier_public presented: *out a new object on MC_OK. */
enum mc_err present_dossier_lookup(struct store *st, const char *code, const char *secret,
                                   json_t **out, struct mc_error *err);

#endif
