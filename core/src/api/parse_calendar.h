/* Calendar requests: a body's JSON into the typed changes of
 * store/calendar.h. The hours as written go through the domain's checks
 * (domain/workhours.h); the errors keep their codes and messages. */
#ifndef MOTCUA_API_PARSE_CALENDAR_H
#define MOTCUA_API_PARSE_CALENDAR_H

#include <jansson.h>

#include "domain/workhours.h"
#include "store/calendar.h"
#include "util/error.h"

/* A JSON value as written, for the domain's checks (v may be NULL). */
void calendar_raw_list(json_t *v, struct workhours_raw_list *out);
void calendar_raw_sessions(json_t *v, struct workhours_raw_sessions *out);

/* PUT /calendar/config: {"weekdays"?, "sessions"?, "cutoff"?} into *out.
 * MC_ERR_INVALID "invalid_config" (not an object, empty, a member
 * malformed) or "unknown_field". */
enum mc_err calendar_config_parse(json_t *body, struct workhours_config_change *out,
                                  struct mc_error *err);

/* PUT /calendar/config?office=: {"weekdays"?, "sessions"?} (null: back to
 * the province's) into *out. MC_ERR_INVALID "invalid_config" or
 * "unknown_field" (the cutoff is the province's). */
enum mc_err calendar_centre_config_parse(json_t *body, struct calendar_centre_change *out,
                                         struct mc_error *err);

/* Checks a centre's weekdays and sessions as given (NULL or null: not
 * given): the import of offices. MC_ERR_INVALID ("invalid_config") when
 * malformed or when two sessions of one weekday overlap. */
enum mc_err calendar_centre_check(json_t *weekdays, json_t *sessions, struct mc_error *err);

#endif
