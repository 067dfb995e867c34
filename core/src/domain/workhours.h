/* Working hours as written (docs/calendar.md): the province's weekly
 * pattern, sessions and intake cutoff, and a centre's own weekly pattern and
 * sessions ("A centre's own hours"), and the day they give a centre.
 *
 * Two layers hand hours over as written: the API (a request's JSON) and the
 * store (a stored setting, read through SQLite's json_each). Both fill the
 * workhours_raw_* structs below, which say only what was written; every check
 * of what is well formed lives here, once, with the one table of its
 * messages. Pure: libc only. */
#ifndef MOTCUA_DOMAIN_WORKHOURS_H
#define MOTCUA_DOMAIN_WORKHOURS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/workcal.h"

#define WORKHOURS_MAX_SESSIONS 8    /* a centre's; the province keeps WORKCAL_MAX_SESSIONS */
#define WORKHOURS_RAW_MAX 8         /* items kept of a list as written; more are only counted */
#define WORKHOURS_NEXT_OPEN_DAYS 60 /* how far ahead the next opening is looked for */

/* A list of integers as written (weekdays, a session's days). */
struct workhours_raw_list {
	bool is_array; /* false: something else was written */
	int n;         /* items written (may exceed WORKHOURS_RAW_MAX) */
	int item[WORKHOURS_RAW_MAX];
	bool is_int[WORKHOURS_RAW_MAX]; /* item i was an integer (within int) */
};

/* One session as written. start and end are "" when absent, not a string or
 * longer than "HH:MM". */
struct workhours_raw_session {
	bool is_object;
	int n_members;
	char start[8], end[8];
	bool has_days; /* a member "days" was written (whatever its value) */
	struct workhours_raw_list days;
};

struct workhours_raw_sessions {
	bool is_array;
	int n; /* items written (may exceed WORKHOURS_RAW_MAX) */
	struct workhours_raw_session item[WORKHOURS_RAW_MAX];
};

/* Why hours as written are refused; workhours_fault_text gives the English
 * detail (the API wraps it in "invalid_config"). */
enum workhours_fault {
	WORKHOURS_OK,
	WORKHOURS_WEEKDAYS_SHAPE,
	WORKHOURS_WEEKDAYS_ITEM,
	WORKHOURS_WEEKDAYS_NONE,
	WORKHOURS_SESSIONS_SHAPE,
	WORKHOURS_SESSION,
	WORKHOURS_CUTOFF,
	WORKHOURS_CENTRE_SESSIONS_SHAPE,
	WORKHOURS_CENTRE_SESSION,
	WORKHOURS_DAYS_SHAPE,
	WORKHOURS_DAYS_ITEM,
	WORKHOURS_OVERLAP,
	WORKHOURS_NO_CALENDAR, /* the whole gives no calendar (workcal_init refuses) */
};

/* The English detail of a fault (static). */
const char *workhours_fault_text(enum workhours_fault f);

/* "HH:MM" (00:00-24:00) as seconds after midnight, or -1: civil_parse_hhmm
 * with 24:00, the end of a day's last period. */
int workhours_hhmm_parse(const char *s);
/* secs after midnight as "HH:MM" into out. */
void workhours_hhmm_format(int secs, char out[8]);

/* A weekly pattern: the mask (bit w: weekday w, 0 = Sunday) and the days in
 * the order written. */
struct workhours_weekdays {
	unsigned mask;
	int n;
	int8_t day[7];
};

/* A centre's session: seconds after midnight and its weekdays (all seven,
 * all_days, when it names none; else the days in the order written). */
struct workhours_session {
	int start, end;
	unsigned days;
	bool all_days;
	int n_days;
	int8_t day[7];
};

/* Checks a weekly pattern as written (1-7 distinct weekdays 0-6) into *out. */
enum workhours_fault workhours_weekdays_check(const struct workhours_raw_list *in,
                                              struct workhours_weekdays *out);
/* Checks the province's sessions as written (1-4 {"start","end"}, end after
 * start) into cfg->sessions and cfg->n_sessions (untouched on a fault). */
enum workhours_fault workhours_sessions_check(const struct workhours_raw_sessions *in,
                                              struct workcal_config *cfg);
/* Checks the intake cutoff (s: the string written, NULL when not a string). */
enum workhours_fault workhours_cutoff_check(const char *s, int *cutoff);
/* Checks a centre's sessions as written (1-8 {"start","end","days"?}, days
 * 1-7 distinct weekdays, no two sessions of one weekday overlapping) into
 * out[]; *n gets their count. */
enum workhours_fault workhours_centre_sessions_check(const struct workhours_raw_sessions *in,
                                                     struct workhours_session *out, int *n);

/* A change of the province's configuration: the members given. */
struct workhours_config_change {
	bool has_weekdays, has_sessions, has_cutoff;
	unsigned weekday_mask;
	int n_sessions;
	struct workcal_session sessions[WORKCAL_MAX_SESSIONS];
	int cutoff;
};
/* Applies the members given to cfg. */
void workhours_config_apply(struct workcal_config *cfg, const struct workhours_config_change *ch);

/* A centre's own hours: own_* false when it keeps the province's. valid_*
 * false when a stored value is malformed (the province's apply then). */
struct workhours_centre {
	bool own_weekdays, valid_weekdays;
	struct workhours_weekdays weekdays;
	bool own_sessions, valid_sessions;
	int n_sessions;
	struct workhours_session sessions[WORKHOURS_MAX_SESSIONS];
};

/* A centre's day (store_calendar_centre_day). */
struct workhours_day {
	int year, month, day;
	int weekday; /* 0 = Sunday */
	bool working;
	bool named; /* a holiday or make-up day: day_name */
	char day_name[WORKCAL_NAME_MAX];
	int n_sessions; /* that day's, in time order; 0 on a day off */
	struct workcal_session sessions[WORKHOURS_MAX_SESSIONS];
	bool open_now; /* t inside one of them */
};

/* Whether local instant t (utc_offset seconds east) falls in the years a
 * centre's day can be given for (1901-2099). */
bool workhours_day_in_range(int64_t t, int utc_offset);

/* Centre ce's day at t on cal (the province's calendar, its config the
 * province's pattern and sessions; it must cover t's year). A holiday closes
 * every centre; a make-up working day opens it with its everyday sessions
 * (those naming no days; all when none is everyday). False when t is outside
 * workhours_day_in_range or cal does not cover it. */
bool workhours_day_at(const struct workcal *cal, const struct workhours_centre *ce, int64_t t,
                      int utc_offset, struct workhours_day *out);

/* Whether centre ce is within one of its sessions at t (*open) and, when it
 * is not, the start of its next session within WORKHOURS_NEXT_OPEN_DAYS
 * (*next_open, 0 when none). cal must cover t's year and the next. */
void workhours_next_open(const struct workcal *cal, const struct workhours_centre *ce, int64_t t,
                         int utc_offset, bool *open, int64_t *next_open);

/* The override kinds' names ("day_off", "workday", "remove", "rename"). */
const char *workhours_override_kind_name(enum workcal_override_kind k);
/* The kind named s; false when none. */
bool workhours_override_kind_parse(const char *s, enum workcal_override_kind *k);
/* A day's name: 1..WORKCAL_NAME_MAX-1 bytes of well-formed UTF-8 without
 * control characters. */
bool workhours_day_name_ok(const char *s);

#endif
