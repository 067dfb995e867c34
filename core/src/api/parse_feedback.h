/* Citizens' feedback (PAKN): the requests read into typed commands
 * (store/feedback.h), with the error codes, messages and fields of
 * docs/api.md "Feedback". Pure: no database. */
#ifndef MOTCUA_API_PARSE_FEEDBACK_H
#define MOTCUA_API_PARSE_FEEDBACK_H

#include <jansson.h>

#include "domain/principal.h"
#include "store/feedback.h"
#include "util/error.h"

/* A filing's body for who (NULL: the public page; a kiosk; staff) into
 * *cmd (owned: feedback_create_cmd_clear, also after an error). Errors
 * MC_ERR_INVALID (invalid_body, missing_field, invalid_field, unknown_field,
 * invalid_class, invalid_channel, sender_identity_required, text_too_long,
 * too_many_files, file_too_large, files_too_large, file_type_not_allowed,
 * invalid_phone, invalid_email), MC_ERR_FORBIDDEN (channel_not_allowed),
 * each naming its field. */
enum mc_err feedback_parse_create(const struct principal *who, json_t *req,
                                  struct feedback_create_cmd *cmd, struct mc_error *err);

/* A sender's reply ({"secret","text"}): *secret borrowed from req, *text
 * owned (trimmed; the caller frees). Or a reaction ({"secret",
 * "reaction"}): both borrowed. MC_ERR_INVALID (invalid_body, unknown_field,
 * missing_field, invalid_field, text_too_long). */
enum mc_err feedback_parse_reply(json_t *req, const char **secret, char **text,
                                 struct mc_error *err);
enum mc_err feedback_parse_react(json_t *req, const char **secret, const char **reaction,
                                 struct mc_error *err);

/* A staff action's body into *cmd (strings borrowed from req). Only a
 * missing or non-text "action" is an error here; the rest of the reading's
 * refusal is kept in cmd->parse_rc / parse_err for the store to report in
 * the order of the rules. */
enum mc_err feedback_parse_action(json_t *req, struct feedback_action_cmd *cmd,
                                  struct mc_error *err);

#endif
