/* Booking requests: a body's JSON into struct booking_create_cmd
 * (store/booking.h), with the codes, messages and field names the API has
 * always answered. */
#ifndef MOTCUA_API_PARSE_BOOKING_H
#define MOTCUA_API_PARSE_BOOKING_H

#include <jansson.h>

#include "store/booking.h"
#include "store/store.h"

/* Parses body {"office","group"|"procedure","start","name","phone",
 * "id_number"?,"email"?,"notify"?} into *cmd (cleared first; the caller
 * calls booking_create_cmd_clear either way). Errors: MC_ERR_INVALID
 * "expected_object", "unknown_field", "invalid_field" (the field named in
 * the English message and in *field: office, group, procedure, start, name,
 * phone, id_number, email, notify — the last from store_notify_consent). */
enum mc_err booking_create_parse(json_t *body, struct booking_create_cmd *cmd, const char **field,
                                 struct mc_error *err);

#endif
