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

#endif
