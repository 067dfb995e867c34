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
 * phone, id_number, email, notify — the last from notify_consent_parse). */
enum mc_err booking_create_parse(json_t *body, struct booking_create_cmd *cmd, const char **field,
                                 struct mc_error *err);

/* Parses the bundle section "appointments" (spec: days_ahead,
 * per_person_per_day, checkin_before_minutes, checkin_after_minutes,
 * booked_in_a_row, reminder_minutes, slots [{office, group, minutes,
 * capacity}]) into *cmd (section NULL: not given). The caller calls
 * booking_config_cmd_clear either way. Errors: MC_ERR_INVALID
 * "unknown_setting" (a key not listed), "invalid_setting" (a wrong type or
 * range, the key named in the English message). The ranges of the members
 * together are the store's check (they apply over the stored setting). */
enum mc_err booking_config_parse(json_t *section, struct booking_config_cmd *cmd,
                                 struct mc_error *err);

#endif
