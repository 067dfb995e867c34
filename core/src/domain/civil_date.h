/* Proleptic Gregorian calendar arithmetic on day numbers. Pure: no I/O, no clock.
 *
 * A day number is the count of days since 1970-01-01 (day 0, a Thursday); the
 * Julian day number (JDN) of the same day is day + CIVIL_JDN_OF_EPOCH. */
#ifndef MOTCUA_DOMAIN_CIVIL_DATE_H
#define MOTCUA_DOMAIN_CIVIL_DATE_H

#include <stdbool.h>
#include <stdint.h>

#define CIVIL_JDN_OF_EPOCH 2440588 /* JDN of 1970-01-01 */

enum civil_weekday {
	CIVIL_SUNDAY = 0,
	CIVIL_MONDAY,
	CIVIL_TUESDAY,
	CIVIL_WEDNESDAY,
	CIVIL_THURSDAY,
	CIVIL_FRIDAY,
	CIVIL_SATURDAY,
};

/* True if y is a Gregorian leap year. */
bool civil_is_leap_year(int y);

/* Days in month m (1..12) of year y; 0 if m is out of range. */
int civil_days_in_month(int y, int m);

/* True if y-m-d names a real Gregorian date (31/02 is refused), any year. */
bool civil_date_valid(int y, int m, int d);

/* Day number of y-m-d. Inputs are not checked: an invalid date gives the day
 * number of its arithmetic continuation (2025-02-31 = 2025-03-03). */
int civil_days_from_ymd(int y, int m, int d);

/* Inverse of civil_days_from_ymd: writes year, month (1..12), day (1..31). */
void civil_ymd_from_days(int days, int *y, int *m, int *d);

/* Weekday of a day number, 0 = Sunday .. 6 = Saturday (enum civil_weekday). */
int civil_weekday(int days);

/* Julian day number of y-m-d (noon-based integer JDN), and back. */
int civil_jdn_from_ymd(int y, int m, int d);
void civil_ymd_from_jdn(int jdn, int *y, int *m, int *d);

/* Floor division and non-negative modulo, for instants before the epoch. */
long long civil_floor_div(long long a, long long b);
long long civil_floor_mod(long long a, long long b);

enum civil_instant_status {
	CIVIL_INSTANT_OK,
	CIVIL_INSTANT_MALFORMED,   /* not of the form below */
	CIVIL_INSTANT_NO_SUCH_DATE /* well formed, but e.g. 31/02 */
};

/* Parses an ISO 8601 instant YYYY-MM-DD[(T| )HH:MM[:SS]][Z|(+|-)HH[[:]MM]] into
 * epoch seconds. Without an offset the time is at default_offset (seconds
 * east of UTC; a bare date is its midnight). A space before the offset's
 * digits stands for '+', since an unencoded '+' in a query string arrives as
 * a space. *year (when not NULL) gets the year written. On failure *t is
 * untouched. The one parser of instants: the API, the CLI and the store use it. */
enum civil_instant_status civil_parse_instant(const char *s, int default_offset, int64_t *t,
                                              int *year);

/* Parses exactly YYYY-MM-DD (ten characters, nothing around) into y, m, d,
 * any year; CIVIL_INSTANT_NO_SUCH_DATE for e.g. 2026-02-30. On failure the
 * outputs are untouched. The one date parser: the API, the CLI and the store
 * use it (and check the years they support themselves). */
enum civil_instant_status civil_parse_date(const char *s, int *y, int *m, int *d);

/* Parses exactly "HH:MM" (five characters, two digits each side) into
 * minutes after midnight: 00:00..23:59, and 24:00 (1440) too when
 * end_of_day is true (the end of an opening period; a quiet hour or a cutoff
 * is a time within the day). -1 for anything else, NULL included. The one
 * time-of-day parser: workhours_hhmm_parse and notify_hhmm are its names. */
int civil_parse_hhmm(const char *s, bool end_of_day);

#endif
