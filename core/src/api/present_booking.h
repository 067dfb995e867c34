/* Booking views: the JSON of the booking routes from store/booking.h's
 * structs. Each returns a new reference. */
#ifndef MOTCUA_API_PRESENT_BOOKING_H
#define MOTCUA_API_PRESENT_BOOKING_H

#include <jansson.h>
#include <stdbool.h>

#include "store/booking.h"

/* {"code","state","no_show","office","office_name","office_address","group",
 * "group_name","group_name_en","procedure"?,"day","start","end","name",
 * "phone","checkin_from","checkin_until","checkin_from_at",
 * "checkin_until_at","cancellable","bring":[…]}; the phone masked but its
 * last 3 digits unless staff, who also get "id_number","email","channel",
 * "created_by","created_at". */
json_t *present_booking(const struct booking_view *v, bool staff);

/* The store's refusal of a booking (why->why not BOOKING_OK) as the error
 * answered: BOOKING_TOO_MANY_TODAY 429 too_many_bookings (Retry-After until
 * the office's next day), BOOKING_PERSON_LIMIT 409 booking_limit,
 * BOOKING_SLOT_FULL 409 slot_full. Fills err and returns its kind. */
enum mc_err present_booking_refusal(const struct booking_refused *why, struct mc_error *err);

/* GET /api/v1/bookings: {"office","day","items","total","offset","limit"}
 * (office: the code asked for, or null). */
json_t *present_booking_list(const struct booking_list *l, const char *office, int offset,
                             int limit);

/* GET /public/booking/options: {"centres":[{"code","name","address",
 * "groups":[{"code","name","name_en","minutes","capacity"}]}],
 * "procedures":[{"code","name","groups":{"<centre>":"<group>"}}],
 * "days_ahead","per_person_per_day","checkin_before_minutes",
 * "checkin_after_minutes"}. */
json_t *present_booking_options(const struct booking_options *o);

/* GET /public/booking/slots: {"office","group","group_name","group_name_en",
 * "minutes","capacity","today","last_day","days":[{"date","weekday",
 * "working_day","day_name","slots":[{"start","end","free"}]}]}. */
json_t *present_booking_slots(const struct booking_slots *s);

/* The import's "bookings_off_grid": [{"code","office","group","start",
 * "end","why"}]. */
json_t *present_booking_off_grid(const struct booking_off_grid_list *l);

#endif
