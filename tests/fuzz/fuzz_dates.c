/* Fuzz target: the calendar and date parsers of core/src/domain: the ISO 8601
 * instant parser, Gregorian day arithmetic, the Vietnamese lunar conversions
 * and the working-time calendar (overrides and due dates). For any input: no
 * memory error or undefined behaviour; what parses round-trips; conversions
 * that succeed agree with their inverse; a due date never precedes receipt.
 *
 * Input: the first byte picks the part, the rest is its argument (text for
 * the parser, little-endian integers for the others). */
#include <stdint.h>
#include <string.h>

#include "domain/civil_date.h"
#include "domain/lunar.h"
#include "domain/workcal.h"
#include "fuzz_util.h"

/* Reads the next n bytes (fewer at the end) as a little-endian integer. */
static int64_t fuzz_int(const uint8_t **p, const uint8_t *end, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n && *p < end; i++, (*p)++)
		v |= (uint64_t) * *p << (8 * i);
	if (n < 8 && (v >> (8 * n - 1)) & 1) /* sign-extend */
		v |= ~(uint64_t)0 << (8 * n);
	return (int64_t)v;
}

static void fuzz_instant(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	int64_t t = INT64_MIN;
	int year = -1;
	enum civil_instant_status st = civil_parse_instant(s, 7 * 3600, &t, &year);
	if (st == CIVIL_INSTANT_OK) {
		/* The instant's date at any offset lies within a day of the year given. */
		int y, m, d;
		civil_ymd_from_days((int)civil_floor_div(t, 86400), &y, &m, &d);
		FUZZ_ASSERT(y >= year - 1 && y <= year + 1, "'%s': year %d but instant in %d", s,
		            year, y);
		/* Reparsing its UTC form gives the same instant. */
		char iso[64];
		int64_t sec = civil_floor_mod(t, 86400), t2 = 0;
		snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		         (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
		if (y >= 0 && y <= 9999)
			FUZZ_ASSERT(
			    civil_parse_instant(iso, 0, &t2, NULL) == CIVIL_INSTANT_OK && t2 == t,
			    "'%s' -> %lld, but '%s' -> %lld", s, (long long)t, iso, (long long)t2);
	} else {
		FUZZ_ASSERT(t == INT64_MIN, "'%s': failed but wrote the instant", s);
	}
	free(s);
}

static void fuzz_civil(const uint8_t *p, const uint8_t *end)
{
	int y = (int)fuzz_int(&p, end, 2), m = (int)fuzz_int(&p, end, 1),
	    d = (int)fuzz_int(&p, end, 1);
	if (y < -100000 || y > 100000)
		return; /* day numbers are int: stay far from their overflow */
	if (civil_date_valid(y, m, d)) {
		int y2, m2, d2;
		civil_ymd_from_days(civil_days_from_ymd(y, m, d), &y2, &m2, &d2);
		FUZZ_ASSERT(y == y2 && m == m2 && d == d2, "%d-%d-%d round-trips to %d-%d-%d", y, m,
		            d, y2, m2, d2);
		civil_ymd_from_jdn(civil_jdn_from_ymd(y, m, d), &y2, &m2, &d2);
		FUZZ_ASSERT(y == y2 && m == m2 && d == d2, "JDN of %d-%d-%d", y, m, d);
		int w = civil_weekday(civil_days_from_ymd(y, m, d));
		FUZZ_ASSERT(w >= 0 && w <= 6, "weekday %d", w);
	}
	(void)civil_days_in_month(y, m);
}

static void fuzz_lunar(const uint8_t *p, const uint8_t *end)
{
	int y = (int)fuzz_int(&p, end, 2), m = (int)fuzz_int(&p, end, 1),
	    d = (int)fuzz_int(&p, end, 1);
	int flags = (int)fuzz_int(&p, end, 1);
	double tz = (flags & 1) ? LUNAR_TZ_CHINA : LUNAR_TZ_VIETNAM;
	struct lunar_date ld;
	if (lunar_from_solar_tz(y, m, d, tz, &ld)) {
		FUZZ_ASSERT(civil_date_valid(y, m, d), "lunar of an invalid date %d-%d-%d", y, m,
		            d);
		int y2, m2, d2;
		FUZZ_ASSERT(lunar_to_solar_tz(ld, tz, &y2, &m2, &d2),
		            "%d-%d-%d: lunar %d/%d%s/%d has no solar day", y, m, d, ld.day,
		            ld.month, ld.leap ? "L" : "", ld.year);
		FUZZ_ASSERT(y == y2 && m == m2 && d == d2, "%d-%d-%d -> lunar -> %d-%d-%d", y, m, d,
		            y2, m2, d2);
	}
	struct lunar_date q = {.day = d, .month = m, .year = y, .leap = (flags & 2) != 0};
	int y3, m3, d3;
	if (lunar_to_solar_tz(q, tz, &y3, &m3, &d3)) {
		struct lunar_date back;
		FUZZ_ASSERT(lunar_from_solar_tz(y3, m3, d3, tz, &back),
		            "solar of a lunar date out of range");
		FUZZ_ASSERT(back.day == q.day && back.month == q.month && back.year == q.year &&
		                back.leap == q.leap,
		            "lunar %d/%d/%d%s -> %d-%d-%d -> %d/%d/%d%s", q.day, q.month, q.year,
		            q.leap ? "L" : "", y3, m3, d3, back.day, back.month, back.year,
		            back.leap ? "L" : "");
	}
	if (y >= 1800 && y <= 2300) {
		(void)lunar_leap_month(y, tz);
		(void)lunar_month_length(y, m, (flags & 2) != 0, tz);
	}
}

static struct workcal fuzz_cal; /* large: static, one thread */

static void fuzz_workcal(const uint8_t *p, const uint8_t *end)
{
	struct workcal_config cfg;
	int first = 2000 + (int)(fuzz_int(&p, end, 1) & 63), span = (int)(fuzz_int(&p, end, 1) & 7);
	workcal_config_default(&cfg, first, first + span);
	int mod = (int)fuzz_int(&p, end, 1);
	if (mod & 1) {
		cfg.weekday_mask = (unsigned)fuzz_int(&p, end, 1);
		cfg.n_sessions = (int)fuzz_int(&p, end, 1);
		for (int i = 0; i < WORKCAL_MAX_SESSIONS; i++) {
			cfg.sessions[i].start = (int)fuzz_int(&p, end, 3);
			cfg.sessions[i].end = (int)fuzz_int(&p, end, 3);
		}
		cfg.cutoff = (int)fuzz_int(&p, end, 3);
	}
	if (workcal_init(&fuzz_cal, &cfg) != WORKCAL_OK)
		return;
	int n_ov = (int)(fuzz_int(&p, end, 1) & 15);
	for (int i = 0; i < n_ov; i++) {
		char name[100];
		int nlen = (int)(fuzz_int(&p, end, 1) & 0x3f);
		for (int k = 0; k < nlen; k++)
			name[k] = (char)(fuzz_int(&p, end, 1) | 1);
		name[nlen] = '\0';
		struct workcal_override ov = {
		    .year = first + (int)(fuzz_int(&p, end, 1) % 10) - 1,
		    .month = (int)fuzz_int(&p, end, 1),
		    .day = (int)fuzz_int(&p, end, 1),
		    .kind = (enum workcal_override_kind)(fuzz_int(&p, end, 1) & 7),
		    .name = nlen ? name : NULL,
		};
		(void)workcal_add_override(&fuzz_cal, &ov);
	}
	int64_t base = (int64_t)civil_days_from_ymd(first, 1, 1) * 86400 - 7 * 3600;
	int64_t received = base + fuzz_int(&p, end, 4);
	int64_t work = fuzz_int(&p, end, 4);
	int64_t due = 0, add = 0, between = 0;
	if (workcal_due(&fuzz_cal, received, work, &due))
		FUZZ_ASSERT(due >= received || work == 0, "due %lld before receipt %lld",
		            (long long)due, (long long)received);
	if (workcal_add(&fuzz_cal, received, work, &add) && work >= 0 &&
	    workcal_between(&fuzz_cal, received, add, &between))
		FUZZ_ASSERT(between == work || work == 0,
		            "add(%lld, %lld) = %lld but between = %lld", (long long)received,
		            (long long)work, (long long)add, (long long)between);
	(void)workcal_due_same_day(&fuzz_cal, received, &due);
	struct workcal_interval pause = {received + fuzz_int(&p, end, 3),
	                                 received + fuzz_int(&p, end, 4)};
	(void)workcal_due_paused(&fuzz_cal, received, work, &pause, 1, &due);
	struct workcal_entry entries[8];
	(void)workcal_entries(&fuzz_cal, first + (int)(fuzz_int(&p, end, 1) % 10), entries, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const uint8_t *p = data + 1, *end = data + size;
	switch (data[0] % 4) {
	case 0: fuzz_instant(p, (size_t)(end - p)); break;
	case 1: fuzz_civil(p, end); break;
	case 2: fuzz_lunar(p, end); break;
	default: fuzz_workcal(p, end); break;
	}
	return 0;
}
