/* The office working-time calendar (lịch làm việc) and deadline arithmetic.
 *
 * Instants are int64 UTC epoch seconds; the office clock is UTC+7 without DST
 * (configurable offset). A calendar is built once for a range of years:
 * workcal_config_default() → adjust → workcal_init() → workcal_add_override()
 * for each row of the administrator's table → queries. The object owns no heap
 * memory (it is large, ~90 KB: allocate it or make it static, not on a small
 * stack); queries never allocate and only read it, so one calendar can be
 * shared by threads once built.
 *
 * Working time is the union of the sessions of the working days. A working day
 * is a weekday of the weekly pattern that is not a day off, or a make-up
 * working day (ngày làm bù). Days off come from the holiday rules (Labour Code
 * 2019 art. 112 by default) with compensatory days (nghỉ bù), then from the
 * overrides, which win. */
#ifndef MOTCUA_DOMAIN_WORKCAL_H
#define MOTCUA_DOMAIN_WORKCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WORKCAL_MAX_SESSIONS 4
#define WORKCAL_MAX_YEARS 32    /* years one calendar object can hold */
#define WORKCAL_MAX_ENTRIES 640 /* named days (holidays, make-up days) */
#define WORKCAL_NAME_MAX 80     /* bytes of a day's name, with the NUL */
#define WORKCAL_FIRST_YEAR 1900 /* supported range (the lunar calendar's) */
#define WORKCAL_LAST_YEAR 2100
#define WORKCAL_UTC_OFFSET_VN (7 * 3600)

enum workcal_status {
	WORKCAL_OK = 0,
	WORKCAL_EINVAL, /* malformed argument: bad date, bad session, empty name */
	WORKCAL_ERANGE, /* date or instant outside the calendar's years */
	WORKCAL_ENOENT, /* remove/rename of a date that has no named day */
	WORKCAL_EFULL,  /* WORKCAL_MAX_ENTRIES reached */
};

/* How a holiday rule places its days. */
enum workcal_rule_kind {
	WORKCAL_RULE_SOLAR,          /* day/month of the Gregorian calendar */
	WORKCAL_RULE_LUNAR,          /* day/month of the Vietnamese lunar calendar */
	WORKCAL_RULE_LUNAR_NEW_YEAR, /* Tết: last day of the lunar year + span-1 days */
	WORKCAL_RULE_SOLAR_ADJACENT, /* a solar day plus the day before it, or the
	                              * day after it when the day is a Monday
	                              * (Quốc khánh 2/9 by the default table) */
};

/* One holiday rule; the default table is the Labour Code 2019 set. A new
 * holiday is one more row (e.g. 24/11 Ngày Văn hóa Việt Nam once in force). */
struct workcal_rule {
	const char *name; /* Vietnamese, UTF-8, e.g. "Giỗ Tổ Hùng Vương" */
	enum workcal_rule_kind kind;
	int month, day; /* unused for WORKCAL_RULE_LUNAR_NEW_YEAR */
	int span;       /* consecutive days off (0 or 1: one day); Tết: 5 */
	int first_year; /* in force from this Gregorian year (0: always) */
	int last_year;  /* to this year inclusive (0: no end) */
};

/* The Labour Code 2019 art. 112 rules: Tết Dương lịch, Tết Nguyên đán (5 days),
 * Giỗ Tổ Hùng Vương, Ngày Chiến thắng, Ngày Quốc tế Lao động, Quốc khánh. */
extern const struct workcal_rule workcal_default_rules[];
extern const size_t workcal_default_rule_count;

struct workcal_session {
	int start; /* seconds after local midnight, e.g. 7*3600+30*60 */
	int end;   /* exclusive, > start; sessions sorted and disjoint */
};

struct workcal_config {
	unsigned weekday_mask; /* bit w set: weekday w (0 = Sunday) is a working day */
	int n_sessions;        /* 1..WORKCAL_MAX_SESSIONS */
	struct workcal_session sessions[WORKCAL_MAX_SESSIONS];
	int cutoff;                       /* intake cutoff, seconds after local midnight */
	int utc_offset;                   /* seconds east of UTC; WORKCAL_UTC_OFFSET_VN */
	int first_year;                   /* the years the day table covers, inclusive; */
	int last_year;                    /* at most WORKCAL_MAX_YEARS of them */
	const struct workcal_rule *rules; /* not copied: must outlive the calendar */
	size_t n_rules;
	bool compensate; /* weekend holiday → nghỉ bù on the next working day */
};

/* Fills cfg with the defaults: Monday–Friday, 07:30–11:30 and 13:30–17:00,
 * cutoff 15:00, UTC+7, the default rules with compensation, and the years
 * first_year..last_year. */
void workcal_config_default(struct workcal_config *cfg, int first_year, int last_year);

enum workcal_day_kind {
	WORKCAL_DAY_OFF,  /* a named day off (holiday, nghỉ bù), any weekday */
	WORKCAL_DAY_WORK, /* a make-up working day */
};

enum workcal_source {
	WORKCAL_SOURCE_RULE,     /* computed from the rules (incl. nghỉ bù) */
	WORKCAL_SOURCE_OVERRIDE, /* entered by the administrator */
};

/* A named day of the calendar, as listed by workcal_entries(). */
struct workcal_entry {
	int year, month, day;
	enum workcal_day_kind kind;
	enum workcal_source source;
	char name[WORKCAL_NAME_MAX];
};

enum workcal_override_kind {
	WORKCAL_OVERRIDE_DAY_OFF, /* the date becomes a day off named `name` */
	WORKCAL_OVERRIDE_WORKDAY, /* the date becomes a make-up working day */
	WORKCAL_OVERRIDE_REMOVE,  /* drop the named day there (back to the pattern) */
	WORKCAL_OVERRIDE_RENAME,  /* keep the day, change its name */
};

struct workcal_override {
	int year, month, day;
	enum workcal_override_kind kind;
	const char *name; /* copied (truncated to WORKCAL_NAME_MAX-1 bytes); unused
	                   * for REMOVE; required for RENAME; NULL for DAY_OFF/WORKDAY
	                   * gives "Nghỉ theo thông báo" / "Làm bù" */
};

/* Treat the fields as private: use the functions below. */
struct workcal {
	struct workcal_config cfg;
	int first_day; /* day number (civil_date.h) of 1 Jan of first_year */
	int n_days;
	int day_seconds;                   /* working seconds in a full working day */
	int cum[WORKCAL_MAX_SESSIONS + 1]; /* working seconds before session i */
	int n_entries;
	uint8_t working[WORKCAL_MAX_YEARS * 366];      /* 1: working day */
	uint16_t work_before[WORKCAL_MAX_YEARS * 366]; /* working days before it */
	struct workcal__entry {
		int day; /* day number */
		uint8_t kind, source;
		char name[WORKCAL_NAME_MAX];
	} entries[WORKCAL_MAX_ENTRIES]; /* sorted by day, one per day */
};

/* Builds the calendar for cfg's years. Returns WORKCAL_OK, or WORKCAL_EINVAL
 * (bad sessions, cutoff, pattern, or no working time) / WORKCAL_ERANGE (years
 * outside 1900..2100 or more than WORKCAL_MAX_YEARS); on error *cal is left
 * zeroed and every query on it fails. cfg->rules is kept by pointer. */
enum workcal_status workcal_init(struct workcal *cal, const struct workcal_config *cfg);

/* Applies one override; overrides apply in call order, each replacing what is
 * at its date, and compensatory days are not recomputed (enter the notice's
 * days as overrides). Returns WORKCAL_OK; WORKCAL_ERANGE if the date is outside
 * the calendar's years (a loader may skip those); WORKCAL_EINVAL for an invalid
 * date or kind or a RENAME without a name; WORKCAL_ENOENT for REMOVE/RENAME of
 * a date with no named day; WORKCAL_EFULL. On error nothing changes. */
enum workcal_status workcal_add_override(struct workcal *cal, const struct workcal_override *ov);

/* True if the calendar holds the Gregorian year y. */
bool workcal_covers_year(const struct workcal *cal, int y);

/* True if the local date y-m-d is a working day; false if not or out of range. */
bool workcal_is_working_day(const struct workcal *cal, int y, int m, int d);

/* Copies the named days of Gregorian year y, in date order, into out (at most
 * max of them) and returns how many there are (may exceed max); -1 if y is not
 * covered. */
int workcal_entries(const struct workcal *cal, int y, struct workcal_entry *out, int max);

/* The named day (holiday, nghỉ bù, make-up working day, an override) at the
 * local date y-m-d into *out: true when there is one, false when the date
 * is an ordinary day of the weekly pattern, invalid or out of range. */
bool workcal_named_day(const struct workcal *cal, int y, int m, int d, struct workcal_entry *out);

/* Working seconds in one full working day (27000 = 7.5 h by default). */
int workcal_day_seconds(const struct workcal *cal);

/* Adds work_seconds (>= 0) of working time to `from`, with no cutoff: a start
 * outside working time starts at the next session start. A result that falls
 * exactly on a session start is reported as the end of the previous session
 * (07:30 → previous working day 17:00; 13:30 → 11:30). work_seconds == 0
 * gives from itself if it lies in a session (its end included) of a working
 * day, else the next session start. Returns false (*out
 * untouched) if work_seconds < 0 or the walk leaves the calendar's years. */
bool workcal_add(const struct workcal *cal, int64_t from, int64_t work_seconds, int64_t *out);

/* The due instant for a file received at `received` with a time limit of
 * work_seconds: as workcal_add, except that a receipt at or after the cutoff
 * of a working day (or on a day off) starts at the first session of the next
 * working day. Returns false as workcal_add. */
bool workcal_due(const struct workcal *cal, int64_t received, int64_t work_seconds, int64_t *due);

/* A paused interval [from, to) (citizen supplementing the file). */
struct workcal_interval {
	int64_t from, to;
};

/* As workcal_due, the limit extended by the working time inside each pause:
 * due = due(received, work_seconds + Σ workcal_between(pause)). Pauses must not
 * overlap; an empty or reversed pause adds nothing. Returns false as
 * workcal_add, or if a pause lies outside the calendar's years. */
bool workcal_due_paused(const struct workcal *cal, int64_t received, int64_t work_seconds,
                        const struct workcal_interval *pauses, size_t n_pauses, int64_t *due);

/* Same-day procedures (giải quyết trong ngày): received on a working day before
 * the cutoff → the end of that day's last session; otherwise the end of the
 * next working day's last session. Returns false if out of range. */
bool workcal_due_same_day(const struct workcal *cal, int64_t received, int64_t *due);

/* The longest time limit a due instant is counted for: 1000 working days
 * or hours, in thousandths (a procedure's limit may be 0.5 day). */
#define WORKCAL_DUE_MAX_AMOUNT 1000000

/* Why a due instant is not counted at all. */
enum workcal_due_refusal {
	WDR_NONE = 0,
	WDR_LIMIT, /* invalid_limit: a limit outside 0..WORKCAL_DUE_MAX_AMOUNT */
	WDR_FROM,  /* invalid_from: the receipt's office day outside the years */
};
/* Whether a due instant may be counted for a file received at instant
 * received (its day in office time, WORKCAL_UTC_OFFSET_VN) with a limit of
 * amount thousandths of a working day or hour (counted true), or a same-day
 * limit (counted false: amount is not used). WDR_NONE, or the first reason
 * in the order of the enum. A due date that passes the last year is
 * workcal_due's to find. */
enum workcal_due_refusal workcal_due_check(int64_t received, bool counted, int64_t amount);

/* Working seconds in [from, to) into *out (negative if to < from). Returns
 * false if either instant is outside the calendar's years. Divide by
 * workcal_day_seconds() for working days. */
bool workcal_between(const struct workcal *cal, int64_t from, int64_t to, int64_t *out);

/* Durations: n working days / n working hours in working seconds. */
int64_t workcal_days(const struct workcal *cal, int64_t n);
int64_t workcal_hours(int64_t n);

#endif
