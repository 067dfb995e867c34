/* Calendar views: the JSON of the calendar routes (and of the set-up's
 * centre list), from store/calendar.h's structs. Each returns a new
 * reference. */
#ifndef MOTCUA_API_PRESENT_CALENDAR_H
#define MOTCUA_API_PRESENT_CALENDAR_H

#include <jansson.h>

#include "domain/workhours.h"
#include "store/calendar.h"

/* {"weekdays":[1,…] (0 = Sunday), "sessions":[{"start","end"}], "cutoff",
 * "utc_offset":"+07:00"}. */
json_t *present_calendar_config(const struct workcal_config *cfg);
/* {"date","kind","name" (string or null),"set_by","set_at" (ISO 8601)}. */
json_t *present_calendar_override(const struct calendar_override *o);
json_t *present_calendar_overrides(const struct calendar_overrides *list);
/* GET /calendar/{year}: the config's members, "year", "days" [{"date",
 * "kind": "off"|"work", "name", "source": "rule"|"override"}] and
 * "overrides". */
json_t *present_calendar_year(const struct calendar_year *y);
/* A centre's day: {"office","date","weekday","working_day","day_name"
 * (or null),"sessions":[{"start","end"}],"open_now"}. */
json_t *present_calendar_centre_day(const char *office, const struct workhours_day *d);
/* GET /calendar/config?office=: the config's members as they hold at the
 * centre, "office", "own" {"weekdays","sessions"} and "today". */
json_t *present_calendar_centre_config(const struct calendar_centre_config *c);

#endif
