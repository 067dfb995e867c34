/* Dossier requests: the JSON bodies of intake and of the actions read,
 * checked and turned into the typed commands of store/dossier.h, with the
 * error codes, messages and field names the API has always answered. The
 * store then sees no JSON. */
#ifndef MOTCUA_API_PARSE_DOSSIER_H
#define MOTCUA_API_PARSE_DOSSIER_H

#include <jansson.h>

#include "store/dossier.h"
#include "util/error.h"

/* An action's body ({"action":"handover", …}; docs/api.md) into *cmd, in
 * the order of checks the API answers with: action (missing_field,
 * invalid_field, unknown_action), note, reason, then the action's own input
 * (to_office/to_person; items, missing_items; partner; an apology's reason
 * and new_due, invalid_new_due; a reason for return_ineligible, withdraw,
 * cancel; collected_by and id_checked, identity_not_checked). The strings of
 * *cmd point into req, which must outlive it; cmd->items and cmd->echo are
 * owned: dossier_action_cmd_clear. MC_OK, or MC_ERR_INVALID with err filled
 * (and *cmd cleared). */
enum mc_err parse_dossier_action(json_t *req, struct dossier_action_cmd *cmd, struct mc_error *err);

/* An intake's body (store_dossier_intake's request) into *cmd, in the order
 * of the intake's checks (procedure, outcome, reason, applicant and its
 * members, ID number, phone, e-mail, confirm_duplicate, outcome, documents,
 * missing items, a refusal's reason, sets, ticket_id, notify, then office,
 * authority, return_at). The applicant's phone is normalized to 0xxxxxxxxx
 * and its "notify" taken out into cmd->consent, in req itself, as the
 * stored applicant and the audit record keep it. Errors that name a field
 * (applicant.name, to_person, …) carry it in err->field. The strings of
 * *cmd point into req; the rest is owned: dossier_intake_cmd_clear. */
enum mc_err parse_dossier_intake(json_t *req, struct dossier_intake_cmd *cmd, struct mc_error *err);

#endif
