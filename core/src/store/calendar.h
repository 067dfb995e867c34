/* The office's working-time calendar as stored: the overrides an administrator
 * enters from the yearly notice (table calendar_overrides, one per date) and
 * the calendar settings (calendar_weekdays, calendar_sessions,
 * calendar_cutoff; the defaults of workcal_config_default when absent).
 *
 * Every change is one write transaction with its audit event (entity
 * "calendar"). The server's queries (store_calendar_year, store_calendar_due)
 * share one built calendar per store, rebuilt when a calendar change has been
 * committed since; store_calendar_load always builds a fresh one. */
#ifndef MOTCUA_STORE_CALENDAR_H
#define MOTCUA_STORE_CALENDAR_H

#include <jansson.h>
#include <stdint.h>

#include "domain/principal.h"
#include "domain/workcal.h"
#include "store/store.h"

/* Builds the office calendar for first_year..last_year into *cal (caller
 * allocated, ~90 KB: heap, not an HTTP thread's stack): the stored config,
 * then the overrides of those years in date order. A stored override that no
 * longer applies (a remove/rename of a date the rules no longer name) is
 * skipped with a warning. Returns MC_OK; MC_ERR_INVALID ("invalid_year") for
 * years outside 1900-2100, reversed, or more than WORKCAL_MAX_YEARS of them;
 * MC_ERR_CONFLICT ("calendar_config_invalid", "calendar_full") for a stored
 * configuration that cannot be built. On error *cal is unusable. */
enum mc_err store_calendar_load(struct store *st, int first_year, int last_year,
                                struct workcal *cal, struct mc_error *err);

/* Sets (inserts or replaces) the override of date "YYYY-MM-DD". kind is
 * "day_off", "workday", "remove" or "rename"; name (UTF-8, 1-79 bytes, no
 * control characters) is required for rename, optional for day_off/workday
 * (the calendar then says "Nghỉ theo thông báo" / "Làm bù") and ignored for
 * remove. remove and rename need a day the rules name at that date. Audited
 * as "calendar.day_set". On success *row (when not NULL) gets the stored
 * override as store_calendar_overrides lists it (caller json_decref's it).
 * Errors, with nothing changed: MC_ERR_INVALID with "invalid_date",
 * "invalid_kind", "invalid_name", "missing_name" or "no_named_day". */
enum mc_err store_calendar_set_day(struct store *st, const struct principal *who, const char *date,
                                   const char *kind, const char *name, json_t **row,
                                   struct mc_error *err);

/* Deletes the override of date (audited "calendar.day_deleted"); the date
 * follows the rules again. MC_ERR_INVALID ("invalid_date") or
 * MC_ERR_NOT_FOUND ("calendar_day_not_found"), nothing changed. */
enum mc_err store_calendar_delete_day(struct store *st, const struct principal *who,
                                      const char *date, struct mc_error *err);

/* The overrides of year (1900-2100) in date order, as a JSON array of
 * {"date", "kind", "name" (string or null), "set_by", "set_at" (ISO 8601,
 * +07:00)} into *result (the caller json_decref's it). MC_ERR_INVALID
 * ("invalid_year") for a year out of range, or a database error; *result
 * untouched on error. */
enum mc_err store_calendar_overrides(struct store *st, int year, json_t **result,
                                     struct mc_error *err);

/* The calendar configuration in force (stored or default) as
 * {"weekdays":[1,2,3,4,5], "sessions":[{"start":"07:30","end":"11:30"},…],
 * "cutoff":"15:00", "utc_offset":"+07:00"} into *out (the caller
 * json_decref's it); weekdays count 0 = Sunday. MC_ERR_CONFLICT
 * ("calendar_config_invalid") when the stored configuration is malformed, or
 * a database error; *out untouched on error. */
enum mc_err store_calendar_config(struct store *st, json_t **out, struct mc_error *err);

/* Replaces the members of config present ("weekdays", "sessions", "cutoff",
 * formats as store_calendar_config gives them); absent members keep their
 * value. Audited "calendar.config_set". MC_ERR_INVALID ("invalid_config",
 * "unknown_field") when malformed or when the result has no working time;
 * nothing changed then. */
enum mc_err store_calendar_set_config(struct store *st, const struct principal *who, json_t *config,
                                      struct mc_error *err);

/* The view of one year for GET /calendar/{year}: the configuration members of
 * store_calendar_config, plus "year", "days" (every named day: {"date",
 * "kind": "off"|"work", "name", "source": "rule"|"override"}) and
 * "overrides" (store_calendar_overrides). MC_ERR_INVALID ("invalid_year")
 * outside 1900-2100, or a load error. */
enum mc_err store_calendar_year(struct store *st, int year, json_t **out, struct mc_error *err);

/* How the limit of store_calendar_due is given. */
enum store_calendar_limit {
	STORE_CALENDAR_DAYS,     /* amount: thousandths of a working day */
	STORE_CALENDAR_HOURS,    /* amount: thousandths of a working hour */
	STORE_CALENDAR_SAME_DAY, /* amount unused: giải quyết trong ngày */
};

/* The due instant (workcal_due / workcal_due_same_day on the office
 * calendar) of a file received at `from`. amount must be 0..1,000,000 (up to
 * 1000 days or hours). MC_ERR_INVALID: "invalid_from" (outside 1900-2100),
 * "invalid_limit", "due_out_of_range" (the due date passes 2100). */
enum mc_err store_calendar_due(struct store *st, int64_t from, enum store_calendar_limit unit,
                               int64_t amount, int64_t *due, struct mc_error *err);

/* Working seconds from `from` to `to` on the office calendar (negative when
 * to is earlier): lateness, step budgets, pauses. */
enum mc_err store_calendar_between(struct store *st, int64_t from, int64_t to, int64_t *secs,
                                   struct mc_error *err);
/* The instant work_seconds of working time after from (workcal_add: no
 * intake cutoff). Moves a due instant by a pause. */
enum mc_err store_calendar_add(struct store *st, int64_t from, int64_t work_seconds, int64_t *out,
                               struct mc_error *err);
/* The length of one working day in seconds (7.5 h by default). */
int64_t store_calendar_day_seconds(struct store *st);

/* A centre's own hours (docs/calendar.md, "A centre's own hours"): the
 * national rules, the yearly notice and the intake cutoff stay the
 * province's; a centre or reception point may keep its own weekly pattern
 * (offices.weekdays) and sessions (offices.sessions, each
 * {"start","end"} with optional "days":[0-6], 0 = Sunday: a session kept on
 * some weekdays only, e.g. a Saturday morning). A point without its own
 * takes its centre's; without either, the province's. */

/* Checks a centre's weekdays and sessions as given (NULL or null: not
 * given). MC_ERR_INVALID ("invalid_config") when malformed or when two
 * sessions of one weekday overlap. */
enum mc_err store_calendar_centre_check(json_t *weekdays, json_t *sessions, struct mc_error *err);

/* Centre office_id's day at instant t (office time) into *out (the caller
 * json_decref's it): {"office", "date", "weekday" (0 = Sunday),
 * "working_day", "day_name" (the holiday or make-up day, or null),
 * "sessions" [{"start","end"}] (that day's, in time order; [] on a day
 * off), "open_now" (t inside one of them)}. A holiday closes every centre;
 * a make-up working day opens it with its everyday sessions. Errors:
 * MC_ERR_NOT_FOUND ("office_not_found"), MC_ERR_INVALID
 * ("office_wrong_kind": not a centre or point; "invalid_from"). Any
 * thread. */
enum mc_err store_calendar_centre_day(struct store *st, int64_t office_id, int64_t t, json_t **out,
                                      struct mc_error *err);

/* True when centre office_id is within one of its sessions at t (the
 * queue's "is the centre open now"). True as well when office_id is 0 or
 * the centre's day cannot be read: this never refuses on a doubt. */
bool store_calendar_centre_open(struct store *st, int64_t office_id, int64_t t);

/* Whether centre office_id is within one of its sessions at t (*open) and,
 * when it is not, the start of its next session (*next_open, epoch
 * seconds; 0 when none within 60 days). When office_id is 0 or its day
 * cannot be read: *open true, *next_open 0 (never refuse on a doubt). The
 * kiosk's "closed, opens at ..." and the refusal of a kiosk's ticket
 * outside hours (store_ticket_issue). Any thread. */
void store_calendar_centre_hours(struct store *st, int64_t office_id, int64_t t, bool *open,
                                 int64_t *next_open);

/* GET /api/v1/calendar/config?office=<code>: the members of
 * store_calendar_config as they hold at that centre, plus "office",
 * "own" {"weekdays","sessions"} (whether the centre keeps its own) and
 * "today" (store_calendar_centre_day now). An office outside who's scope
 * is MC_ERR_NOT_FOUND ("office_not_found"), like one that does not exist;
 * MC_ERR_INVALID ("office_wrong_kind") for one that is not a centre or
 * point. */
enum mc_err store_calendar_config_office(struct store *st, const struct principal *who,
                                         const char *office, json_t **out, struct mc_error *err);

/* Sets centre office's own "weekdays" and/or "sessions" (null: back to the
 * province's; a member left out keeps its value). Audited
 * "calendar.centre_config_set". Errors as store_calendar_config_office,
 * and MC_ERR_INVALID ("invalid_config", "unknown_field": the cutoff is the
 * province's); nothing changed then. */
enum mc_err store_calendar_set_config_office(struct store *st, const struct principal *who,
                                             const char *office, json_t *config,
                                             struct mc_error *err);

#endif
