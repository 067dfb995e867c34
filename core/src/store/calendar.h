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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/principal.h"
#include "domain/workcal.h"
#include "domain/workhours.h"
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

/* One stored override (table calendar_overrides). */
struct calendar_override {
	char date[11]; /* YYYY-MM-DD */
	char kind[12]; /* day_off | workday | remove | rename */
	bool has_name; /* false: the name is null */
	char name[WORKCAL_NAME_MAX];
	char set_by[64]; /* the actor */
	int64_t set_at;  /* epoch seconds */
};

/* A year's overrides in date order: items (n of them) owned by the list;
 * calendar_overrides_free releases them (a zeroed list is empty). */
struct calendar_overrides {
	struct calendar_override *items;
	size_t n;
};
void calendar_overrides_free(struct calendar_overrides *list);

/* Sets (inserts or replaces) the override of date "YYYY-MM-DD". kind is
 * "day_off", "workday", "remove" or "rename"; name (UTF-8, 1-79 bytes, no
 * control characters) is required for rename, optional for day_off/workday
 * (the calendar then says "Nghỉ theo thông báo" / "Làm bù") and ignored for
 * remove. remove and rename need a day the rules name at that date. Audited
 * as "calendar.day_set". On success *row (when not NULL) gets the stored
 * override as store_calendar_overrides lists it.
 * Errors, with nothing changed: MC_ERR_INVALID with "invalid_date",
 * "invalid_kind", "invalid_name", "missing_name" or "no_named_day". */
enum mc_err store_calendar_set_day(struct store *st, const struct principal *who, const char *date,
                                   const char *kind, const char *name,
                                   struct calendar_override *row, struct mc_error *err);

/* Deletes the override of date (audited "calendar.day_deleted"); the date
 * follows the rules again. MC_ERR_INVALID ("invalid_date") or
 * MC_ERR_NOT_FOUND ("calendar_day_not_found"), nothing changed. */
enum mc_err store_calendar_delete_day(struct store *st, const struct principal *who,
                                      const char *date, struct mc_error *err);

/* The overrides of year (1900-2100) in date order into *out (the caller
 * frees it with calendar_overrides_free). MC_ERR_INVALID ("invalid_year")
 * for a year out of range, or a database error; *out empty on error. */
enum mc_err store_calendar_overrides(struct store *st, int year, struct calendar_overrides *out,
                                     struct mc_error *err);

/* The calendar configuration in force (stored or default) into *out (the
 * years it names are unspecified). MC_ERR_CONFLICT
 * ("calendar_config_invalid") when the stored configuration is malformed, or
 * a database error; *out untouched on error. */
enum mc_err store_calendar_config(struct store *st, struct workcal_config *out,
                                  struct mc_error *err);

/* Applies the members of ch (checked by the caller: workhours_*_check) to
 * the configuration in force (the defaults when the stored one is
 * malformed) and stores the result. Audited "calendar.config_set".
 * MC_ERR_INVALID ("invalid_config") when the result has no working time;
 * nothing changed then. */
enum mc_err store_calendar_set_config(struct store *st, const struct principal *who,
                                      const struct workhours_config_change *ch,
                                      struct mc_error *err);

/* The view of one year for GET /calendar/{year}: the configuration in
 * force, every named day of the year and the year's overrides. Owned by
 * the struct: calendar_year_free releases it. */
struct calendar_year {
	int year;
	struct workcal_config cfg;
	struct workcal_entry *days; /* n_days named days in date order */
	int n_days;
	struct calendar_overrides overrides;
};
void calendar_year_free(struct calendar_year *y);

/* Fills *out for year. MC_ERR_INVALID ("invalid_year") outside 1900-2100,
 * or a load error; *out empty then. */
enum mc_err store_calendar_year(struct store *st, int year, struct calendar_year *out,
                                struct mc_error *err);

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

/* Centre office_id's day at instant t (office time) into *out
 * (workhours_day_at: a holiday closes every centre; a make-up working day
 * opens it with its everyday sessions). Errors: MC_ERR_NOT_FOUND
 * ("office_not_found"), MC_ERR_INVALID ("office_wrong_kind": not a centre
 * or point; "invalid_from"). Any thread. */
enum mc_err store_calendar_centre_day(struct store *st, int64_t office_id, int64_t t,
                                      struct workhours_day *out, struct mc_error *err);

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

/* A centre's calendar as GET /api/v1/calendar/config?office=<code> shows
 * it: the province's configuration, the centre's own hours and its day
 * now. */
struct calendar_centre_config {
	char office[41];
	struct workcal_config cfg;
	struct workhours_centre centre;
	struct workhours_day today;
};

/* Fills *out for centre office. An office outside who's scope is
 * MC_ERR_NOT_FOUND ("office_not_found"), like one that does not exist;
 * MC_ERR_INVALID ("office_wrong_kind") for one that is not a centre or
 * point. */
enum mc_err store_calendar_config_office(struct store *st, const struct principal *who,
                                         const char *office, struct calendar_centre_config *out,
                                         struct mc_error *err);

/* A change of a centre's own hours: each member kept, cleared (back to the
 * province's) or set (checked by the caller: workhours_*_check). */
enum calendar_member { CALENDAR_KEEP, CALENDAR_CLEAR, CALENDAR_SET };
struct calendar_centre_change {
	enum calendar_member weekdays_do, sessions_do;
	struct workhours_weekdays weekdays;
	int n_sessions;
	struct workhours_session sessions[WORKHOURS_MAX_SESSIONS];
};

/* Applies ch to centre office. Audited "calendar.centre_config_set".
 * Errors as store_calendar_config_office; nothing changed then. */
enum mc_err store_calendar_set_config_office(struct store *st, const struct principal *who,
                                             const char *office,
                                             const struct calendar_centre_change *ch,
                                             struct mc_error *err);

#endif
