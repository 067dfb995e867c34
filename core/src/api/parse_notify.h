/* Requests about messages to citizens, parsed into the store's typed
 * commands (store/notify.h) with the error codes and messages the API has
 * always given. */
#ifndef MOTCUA_API_PARSE_NOTIFY_H
#define MOTCUA_API_PARSE_NOTIFY_H

#include <jansson.h>

#include "store/notify.h"
#include "util/error.h"

/* The list's filters from q (an object of strings, as the query string
 * gives them; NULL or null members absent) into *out, whose strings are
 * borrowed from q (keep q alive while using *out). Checked in the order
 * state, trigger, channel, ref, office, offset, limit: MC_ERR_INVALID
 * invalid_field naming the filter (a value not allowed, an empty or over
 * 64 bytes string, offset outside 0..1000000, limit outside 1..200).
 * Defaults: offset 0, limit 50. */
enum mc_err notify_list_query_parse(json_t *q, struct notify_list_query *out, struct mc_error *err);

/* Validates consent as a client sent it (intake, feedback, booking):
 * {"channels":[…],"any_hour":bool} or null; unknown channel / bad shape →
 * 400 invalid_field with field "notify"; a channel named without its
 * contact (sms/zalo without phone, email without e-mail) → 400
 * invalid_field "notify". phone / email: the contact the same request
 * gives (NULL or "" = none). *out: the canonical JSON text to store
 * (channels deduplicated in the order email, sms, zalo; any_hour always
 * present), NULL when no channel; caller frees. No database. */
enum mc_err notify_consent_parse(json_t *notify, const char *phone, const char *email, char **out,
                                 struct mc_error *err);

#endif
