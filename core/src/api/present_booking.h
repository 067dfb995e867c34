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

/* GET /api/v1/bookings: {"office","day","items","total","offset","limit"}
 * (office: the code asked for, or null). */
json_t *present_booking_list(const struct booking_list *l, const char *office, int offset,
                             int limit);

#endif
