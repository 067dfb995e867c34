/* Vietnamese lunar calendar: see lunar.h for the rules. Everything is computed
 * on demand from the astronomy; a conversion costs a few dozen new moons. */
#include "domain/lunar.h"

#include <math.h>

#include "domain/civil_date.h"

#define LUNAR__PI 3.14159265358979323846
#define LUNAR__SYNODIC 29.530588861
#define LUNAR__K0_JDE 2451550.09766 /* mean new moon of lunation 0, 2000-01-06 */

static double lunar__sin_deg(double deg)
{
	return sin(fmod(deg, 360.0) * (LUNAR__PI / 180.0));
}

/* ΔT = TT − UT in seconds for a decimal year (Espenak & Meeus polynomials,
 * the pieces covering 1900..2150). */
static double lunar__delta_t(double year)
{
	double t;

	if (year < 1920) {
		t = year - 1900;
		return -2.79 + 1.494119 * t - 0.0598939 * t * t + 0.0061966 * t * t * t -
		       0.000197 * t * t * t * t;
	}
	if (year < 1941) {
		t = year - 1920;
		return 21.20 + 0.84493 * t - 0.076100 * t * t + 0.0020936 * t * t * t;
	}
	if (year < 1961) {
		t = year - 1950;
		return 29.07 + 0.407 * t - t * t / 233 + t * t * t / 2547;
	}
	if (year < 1986) {
		t = year - 1975;
		return 45.45 + 1.067 * t - t * t / 260 - t * t * t / 718;
	}
	if (year < 2005) {
		t = year - 2000;
		return 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * t * t * t +
		       0.000651814 * t * t * t * t + 0.00002373599 * t * t * t * t * t;
	}
	if (year < 2050) {
		t = year - 2000;
		return 62.92 + 0.32217 * t + 0.005589 * t * t;
	}
	t = (year - 1820) / 100;
	return -20 + 32 * t * t - 0.5628 * (2150 - year);
}

static double lunar__delta_t_days(double jd)
{
	return lunar__delta_t(2000.0 + (jd - 2451545.0) / 365.25) / 86400.0;
}

double lunar_new_moon_jd(int k)
{
	double kk = k;
	double t = kk / 1236.85;
	double t2 = t * t, t3 = t2 * t, t4 = t3 * t;
	double jde = LUNAR__K0_JDE + LUNAR__SYNODIC * kk + 0.00015437 * t2 - 0.000000150 * t3 +
	             0.00000000073 * t4;
	double e = 1 - 0.002516 * t - 0.0000074 * t2;
	double m = 2.5534 + 29.10535670 * kk - 0.0000014 * t2 - 0.00000011 * t3;
	double mp =
	    201.5643 + 385.81693528 * kk + 0.0107582 * t2 + 0.00001238 * t3 - 0.000000058 * t4;
	double f =
	    160.7108 + 390.67050284 * kk - 0.0016118 * t2 - 0.00000227 * t3 + 0.000000011 * t4;
	double om = 124.7746 - 1.56375588 * kk + 0.0020672 * t2 + 0.00000215 * t3;
	double c = 0;

	/* Periodic terms for the new moon (Meeus table 49.A, first column). */
	c += -0.40720 * lunar__sin_deg(mp);
	c += 0.17241 * e * lunar__sin_deg(m);
	c += 0.01608 * lunar__sin_deg(2 * mp);
	c += 0.01039 * lunar__sin_deg(2 * f);
	c += 0.00739 * e * lunar__sin_deg(mp - m);
	c += -0.00514 * e * lunar__sin_deg(mp + m);
	c += 0.00208 * e * e * lunar__sin_deg(2 * m);
	c += -0.00111 * lunar__sin_deg(mp - 2 * f);
	c += -0.00057 * lunar__sin_deg(mp + 2 * f);
	c += 0.00056 * e * lunar__sin_deg(2 * mp + m);
	c += -0.00042 * lunar__sin_deg(3 * mp);
	c += 0.00042 * e * lunar__sin_deg(m + 2 * f);
	c += 0.00038 * e * lunar__sin_deg(m - 2 * f);
	c += -0.00024 * e * lunar__sin_deg(2 * mp - m);
	c += -0.00017 * lunar__sin_deg(om);
	c += -0.00007 * lunar__sin_deg(mp + 2 * m);
	c += 0.00004 * lunar__sin_deg(2 * mp - 2 * f);
	c += 0.00004 * lunar__sin_deg(3 * m);
	c += 0.00003 * lunar__sin_deg(mp + m - 2 * f);
	c += 0.00003 * lunar__sin_deg(2 * mp + 2 * f);
	c += -0.00003 * lunar__sin_deg(mp + m + 2 * f);
	c += 0.00003 * lunar__sin_deg(mp - m + 2 * f);
	c += -0.00002 * lunar__sin_deg(mp - m - 2 * f);
	c += -0.00002 * lunar__sin_deg(3 * mp + m);
	c += 0.00002 * lunar__sin_deg(4 * mp);

	/* Additional corrections from the planetary arguments A1..A14. */
	c += 0.000325 * lunar__sin_deg(299.77 + 0.107408 * kk - 0.009173 * t2);
	c += 0.000165 * lunar__sin_deg(251.88 + 0.016321 * kk);
	c += 0.000164 * lunar__sin_deg(251.83 + 26.651886 * kk);
	c += 0.000126 * lunar__sin_deg(349.42 + 36.412478 * kk);
	c += 0.000110 * lunar__sin_deg(84.66 + 18.206239 * kk);
	c += 0.000062 * lunar__sin_deg(141.74 + 53.303771 * kk);
	c += 0.000060 * lunar__sin_deg(207.14 + 2.453732 * kk);
	c += 0.000056 * lunar__sin_deg(154.84 + 7.306860 * kk);
	c += 0.000047 * lunar__sin_deg(34.52 + 27.261239 * kk);
	c += 0.000042 * lunar__sin_deg(207.19 + 0.121824 * kk);
	c += 0.000040 * lunar__sin_deg(291.34 + 1.844379 * kk);
	c += 0.000037 * lunar__sin_deg(161.72 + 24.198154 * kk);
	c += 0.000035 * lunar__sin_deg(239.56 + 25.513099 * kk);
	c += 0.000023 * lunar__sin_deg(331.55 + 3.592518 * kk);

	jde += c;
	return jde - lunar__delta_t_days(jde);
}

double lunar_sun_longitude(double jd_ut)
{
	double jde = jd_ut + lunar__delta_t_days(jd_ut);
	double t = (jde - 2451545.0) / 36525.0;
	double l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t;
	double m = 357.52911 + 35999.05029 * t - 0.0001537 * t * t;
	double c = (1.914602 - 0.004817 * t - 0.000014 * t * t) * lunar__sin_deg(m) +
	           (0.019993 - 0.000101 * t) * lunar__sin_deg(2 * m) +
	           0.000289 * lunar__sin_deg(3 * m);
	double omega = 125.04 - 1934.136 * t;
	double lambda = l0 + c - 0.00569 - 0.00478 * lunar__sin_deg(omega);

	lambda = fmod(lambda, 360.0);
	if (lambda < 0)
		lambda += 360.0;
	return lambda;
}

/* Day number of the local civil day (UTC+tz) on which new moon k falls. */
static int lunar__new_moon_day(int k, double tz)
{
	double jd = lunar_new_moon_jd(k) + 0.5 + tz / 24.0;

	return (int)floor(jd) - CIVIL_JDN_OF_EPOCH;
}

/* Which 30° sector (0..11) the sun is in at local midnight starting `day`. */
static int lunar__sun_sector(int day, double tz)
{
	double jd_ut = day + CIVIL_JDN_OF_EPOCH - 0.5 - tz / 24.0;

	return (int)(lunar_sun_longitude(jd_ut) / 30.0);
}

/* The lunation whose month is month 11 of the lunar year ending around the
 * December solstice of Gregorian year `year`. */
static int lunar__month11_k(int year, double tz)
{
	double jd = civil_jdn_from_ymd(year, 12, 31);
	int k = (int)floor((jd - LUNAR__K0_JDE) / LUNAR__SYNODIC);

	/* Sector 9 or more at the month's first midnight: the solstice came before
	 * this month began, so month 11 is the one before. */
	if (lunar__sun_sector(lunar__new_moon_day(k, tz), tz) >= 9)
		k--;
	return k;
}

/* The months from month 11 of lunar year `year`-1 to month 11 of `year`. */
struct lunar__period {
	int start[14]; /* start[i]: first day of month i; start[n]: next month 11 */
	int n;         /* 12, or 13 when there is a leap month */
	int leap;      /* index (1..12) of the leap month, 0 if none */
};

static void lunar__period(int year, double tz, struct lunar__period *p)
{
	int ka = lunar__month11_k(year - 1, tz);
	int kb = lunar__month11_k(year, tz);

	p->n = kb - ka;
	if (p->n < 12 || p->n > 13) /* cannot happen with sane astronomy */
		p->n = p->n < 12 ? 12 : 13;
	for (int i = 0; i <= p->n; i++)
		p->start[i] = lunar__new_moon_day(ka + i, tz);
	p->leap = 0;
	if (p->n == 13) {
		int prev = lunar__sun_sector(p->start[1], tz);
		for (int i = 1; i <= 12; i++) {
			int next = lunar__sun_sector(p->start[i + 1], tz);
			if (next == prev) { /* no major term inside month i */
				p->leap = i;
				break;
			}
			prev = next;
		}
		if (p->leap == 0) /* no month without a term found: keep the count right */
			p->leap = 12;
	}
}

static int lunar__label(const struct lunar__period *p, int i, bool *leap)
{
	int shift = (p->leap && i >= p->leap) ? 1 : 0;

	*leap = p->leap && i == p->leap;
	return (10 + i - shift) % 12 + 1;
}

static int lunar__range_first(void)
{
	return civil_days_from_ymd(LUNAR_FIRST_YEAR, 1, 1);
}

static int lunar__range_last(void)
{
	return civil_days_from_ymd(LUNAR_LAST_YEAR, 12, 31);
}

bool lunar_from_solar_tz(int y, int m, int d, double tz, struct lunar_date *out)
{
	struct lunar__period p;
	int pyear = y, i;

	if (y < LUNAR_FIRST_YEAR || y > LUNAR_LAST_YEAR || !civil_date_valid(y, m, d))
		return false;
	int day = civil_days_from_ymd(y, m, d);
	lunar__period(y, tz, &p);
	if (day >= p.start[p.n]) {
		pyear = y + 1;
		lunar__period(pyear, tz, &p);
	}
	for (i = p.n - 1; i > 0 && p.start[i] > day; i--)
		;
	bool leap;
	int month = lunar__label(&p, i, &leap);
	out->day = day - p.start[i] + 1;
	out->month = month;
	out->leap = leap;
	out->year = (month >= 11 && i < 3) ? pyear - 1 : pyear;
	return true;
}

/* Index in its period of lunar month (year, month, leap), or -1. */
static int lunar__find_month(int year, int month, bool leap, double tz, struct lunar__period *p)
{
	if (month < 1 || month > 12 || year < LUNAR_FIRST_YEAR - 1 || year > LUNAR_LAST_YEAR + 1)
		return -1;
	lunar__period(month >= 11 ? year + 1 : year, tz, p);
	for (int i = 0; i < p->n; i++) {
		bool l;
		int lm = lunar__label(p, i, &l);
		/* Months 11 and 12 sit at the head of the period, 1..10 after. */
		if (lm == month && l == leap && (month >= 11 ? i < 3 : i >= 2))
			return i;
	}
	return -1;
}

bool lunar_to_solar_tz(struct lunar_date ld, double tz, int *y, int *m, int *d)
{
	struct lunar__period p;

	if (ld.day < 1 || ld.day > 30)
		return false;
	int i = lunar__find_month(ld.year, ld.month, ld.leap, tz, &p);
	if (i < 0 || ld.day > p.start[i + 1] - p.start[i])
		return false;
	int day = p.start[i] + ld.day - 1;
	if (day < lunar__range_first() || day > lunar__range_last())
		return false;
	civil_ymd_from_days(day, y, m, d);
	return true;
}

bool lunar_from_solar(int y, int m, int d, struct lunar_date *out)
{
	return lunar_from_solar_tz(y, m, d, LUNAR_TZ_VIETNAM, out);
}

bool lunar_to_solar(struct lunar_date ld, int *y, int *m, int *d)
{
	return lunar_to_solar_tz(ld, LUNAR_TZ_VIETNAM, y, m, d);
}

int lunar_leap_month(int year, double tz)
{
	struct lunar__period p;
	bool leap;

	if (year < LUNAR_FIRST_YEAR - 1 || year > LUNAR_LAST_YEAR)
		return -1;
	lunar__period(year, tz, &p);
	if (p.leap >= 3)
		return lunar__label(&p, p.leap, &leap);
	lunar__period(year + 1, tz, &p);
	if (p.leap >= 1 && p.leap <= 2)
		return lunar__label(&p, p.leap, &leap);
	return 0;
}

int lunar_month_length(int year, int month, bool leap, double tz)
{
	struct lunar__period p;
	int i = lunar__find_month(year, month, leap, tz, &p);

	return i < 0 ? 0 : p.start[i + 1] - p.start[i];
}

bool lunar_new_year_day(int year, double tz, int *days)
{
	struct lunar__period p;

	if (year < LUNAR_FIRST_YEAR - 1 || year > LUNAR_LAST_YEAR + 1)
		return false;
	lunar__period(year, tz, &p);
	*days = p.start[(p.leap == 1 || p.leap == 2) ? 3 : 2];
	return true;
}

bool lunar_year_last_day(int year, double tz, int *days)
{
	if (!lunar_new_year_day(year + 1, tz, days))
		return false;
	(*days)--;
	return true;
}
