/* Gregorian day numbers via the 400-year era decomposition: a year is taken to
 * start on 1 March so that the leap day is the last day of the year, which makes
 * the day-of-year a linear function of the month. */
#include "domain/civil_date.h"

#include <ctype.h>
#include <string.h>

bool civil_is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int civil_days_in_month(int y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && civil_is_leap_year(y))
		return 29;
	return len[m - 1];
}

bool civil_date_valid(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= civil_days_in_month(y, m);
}

long long civil_floor_div(long long a, long long b)
{
	long long q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

long long civil_floor_mod(long long a, long long b)
{
	return a - civil_floor_div(a, b) * b;
}

int civil_days_from_ymd(int y, int m, int d)
{
	/* Normalise the month first so that day overflow is the only continuation. */
	long long yy = y + civil_floor_div(m - 1, 12);
	long long mm = civil_floor_mod(m - 1, 12) + 1;

	if (mm <= 2)
		yy--;
	long long era = civil_floor_div(yy, 400);
	long long yoe = yy - era * 400;                        /* 0..399 */
	long long mp = (mm + 9) % 12;                          /* March = 0 */
	long long doy = (153 * mp + 2) / 5 + d - 1;            /* day of March-year */
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* day of era */
	return (int)(era * 146097 + doe - 719468);
}

void civil_ymd_from_days(int days, int *y, int *m, int *d)
{
	long long z = (long long)days + 719468;
	long long era = civil_floor_div(z, 146097);
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	long long dd = doy - (153 * mp + 2) / 5 + 1;
	long long mm = mp < 10 ? mp + 3 : mp - 9;

	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

int civil_weekday(int days)
{
	/* 1970-01-01 was a Thursday. */
	return (int)civil_floor_mod((long long)days + CIVIL_THURSDAY, 7);
}

int civil_jdn_from_ymd(int y, int m, int d)
{
	return civil_days_from_ymd(y, m, d) + CIVIL_JDN_OF_EPOCH;
}

void civil_ymd_from_jdn(int jdn, int *y, int *m, int *d)
{
	civil_ymd_from_days(jdn - CIVIL_JDN_OF_EPOCH, y, m, d);
}

/* Reads exactly n digits at *p and advances it. */
static bool civil_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

enum civil_instant_status civil_parse_instant(const char *s, int default_offset, int64_t *t,
                                              int *year)
{
	int y, m, d, hh = 0, mm = 0, ss = 0, offset = default_offset;

	if (s == NULL || strlen(s) > 40 || !civil_digits(&s, 4, &y) || *s++ != '-' ||
	    !civil_digits(&s, 2, &m) || *s++ != '-' || !civil_digits(&s, 2, &d))
		return CIVIL_INSTANT_MALFORMED;
	if ((*s == 'T' || *s == ' ') && isdigit((unsigned char)s[1])) {
		s++;
		if (!civil_digits(&s, 2, &hh) || *s++ != ':' || !civil_digits(&s, 2, &mm))
			return CIVIL_INSTANT_MALFORMED;
		if (*s == ':' && (s++, !civil_digits(&s, 2, &ss)))
			return CIVIL_INSTANT_MALFORMED;
		if (hh > 23 || mm > 59 || ss > 59)
			return CIVIL_INSTANT_MALFORMED;
	}
	if (*s == 'Z') {
		offset = 0;
		s++;
	} else if (*s == '+' || *s == '-' || *s == ' ') {
		int sign = *s++ == '-' ? -1 : 1, oh, om = 0;
		if (!civil_digits(&s, 2, &oh))
			return CIVIL_INSTANT_MALFORMED;
		if (*s == ':')
			s++;
		if (*s && !civil_digits(&s, 2, &om))
			return CIVIL_INSTANT_MALFORMED;
		if (oh > 14 || om > 59)
			return CIVIL_INSTANT_MALFORMED;
		offset = sign * (oh * 3600 + om * 60);
	}
	if (*s != '\0')
		return CIVIL_INSTANT_MALFORMED;
	if (!civil_date_valid(y, m, d))
		return CIVIL_INSTANT_NO_SUCH_DATE;
	*t = (int64_t)civil_days_from_ymd(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss - offset;
	if (year)
		*year = y;
	return CIVIL_INSTANT_OK;
}

int civil_parse_hhmm(const char *s, bool end_of_day)
{
	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !end_of_day)))
		return -1;
	return h * 60 + m;
}

enum civil_instant_status civil_parse_date(const char *s, int *y, int *m, int *d)
{
	int yy, mm, dd;

	if (s == NULL || strlen(s) != 10 || !civil_digits(&s, 4, &yy) || *s++ != '-' ||
	    !civil_digits(&s, 2, &mm) || *s++ != '-' || !civil_digits(&s, 2, &dd))
		return CIVIL_INSTANT_MALFORMED;
	if (!civil_date_valid(yy, mm, dd))
		return CIVIL_INSTANT_NO_SUCH_DATE;
	*y = yy;
	*m = mm;
	*d = dd;
	return CIVIL_INSTANT_OK;
}
