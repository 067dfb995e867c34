/* The Vietnamese lunisolar calendar (âm lịch), computed astronomically for the
 * meridian of UTC+7, valid for Gregorian 1900-01-01 .. 2100-12-31.
 *
 * A lunar month starts on the local civil day of a new moon. Month 11 is the
 * month that contains the December solstice. When 13 months separate two
 * month 11s, the first of them (after the first month 11) that contains no
 * major solar term (trung khí: sun longitude a multiple of 30°) is the leap
 * month and takes the number of the month before it. New moons follow Meeus,
 * Astronomical Algorithms ch. 49, the sun's longitude ch. 25 (low accuracy),
 * with ΔT from the Espenak–Meeus polynomials.
 *
 * The same rules at UTC+8 give the Chinese calendar, which differs in some
 * years (Tết 1985: 21 Jan in Vietnam, 20 Feb in China); the _tz functions take
 * the time zone in hours so that both can be computed. */
#ifndef MOTCUA_DOMAIN_LUNAR_H
#define MOTCUA_DOMAIN_LUNAR_H

#include <stdbool.h>

#define LUNAR_TZ_VIETNAM 7.0
#define LUNAR_TZ_CHINA 8.0
#define LUNAR_FIRST_YEAR 1900 /* Gregorian range supported, inclusive */
#define LUNAR_LAST_YEAR 2100

struct lunar_date {
	int day;   /* 1..30 */
	int month; /* 1..12 */
	int year;  /* the Gregorian year in which that lunar year's Tết falls */
	bool leap; /* tháng nhuận: the repeated month */
};

/* Converts Gregorian y-m-d to the Vietnamese lunar date in *out. Returns false
 * (out untouched) if y-m-d is not a valid date or lies outside 1900..2100. */
bool lunar_from_solar(int y, int m, int d, struct lunar_date *out);

/* Converts a Vietnamese lunar date to Gregorian. Returns false (outputs
 * untouched) if no such lunar date exists: day 30 of a 29-day month, a leap flag
 * on a month that is not leap that year, month or day out of range, or a
 * result outside Gregorian 1900..2100. */
bool lunar_to_solar(struct lunar_date ld, int *y, int *m, int *d);

/* As above for a calendar computed at the meridian of UTC+time_zone hours. */
bool lunar_from_solar_tz(int y, int m, int d, double time_zone, struct lunar_date *out);
bool lunar_to_solar_tz(struct lunar_date ld, double time_zone, int *y, int *m, int *d);

/* The leap month of lunar year `year` (1..12, e.g. 6 for 2025), 0 if that year
 * has none; -1 if the year is outside the supported range. */
int lunar_leap_month(int year, double time_zone);

/* Days (29 or 30) in lunar month `month` (leap or not) of `year`; 0 if there is
 * no such month or it is out of range. */
int lunar_month_length(int year, int month, bool leap, double time_zone);

/* Day number (days since 1970-01-01, see civil_date.h) of Tết, 1/1 of lunar
 * year `year`, and of the last day of lunar year `year`. Return false if out of
 * range. */
bool lunar_new_year_day(int year, double time_zone, int *days);
bool lunar_year_last_day(int year, double time_zone, int *days);

/* Julian Day (UT, fractional) of the new moon of lunation k, k = 0 being the
 * new moon of 6 January 2000. Exposed for tests. */
double lunar_new_moon_jd(int k);

/* Apparent geocentric longitude of the sun in degrees [0, 360) at Julian Day
 * jd_ut (UT). Exposed for tests. */
double lunar_sun_longitude(double jd_ut);

#endif
