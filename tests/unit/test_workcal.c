/* Tests of the working-time calendar (domain/workcal): the default holidays,
 * overrides and the deadline arithmetic the dossier code relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "domain/civil_date.h"
#include "domain/workcal.h"

#define H 3600
#define DAY (27000) /* default working day, 7.5 h */

static struct workcal *cal; /* 2024..2027, defaults only */

/* Office local time (UTC+7) to an instant. */
static int64_t lt(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days_from_ymd(y, m, d) * 86400 + hh * 3600 + mm * 60 - 7 * 3600;
}

static int setup(void **state)
{
	(void)state;
	struct workcal_config cfg;

	cal = malloc(sizeof(*cal));
	workcal_config_default(&cfg, 2024, 2027);
	return workcal_init(cal, &cfg) == WORKCAL_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(cal);
	return 0;
}

static int64_t add(const struct workcal *c, int64_t from, int64_t secs)
{
	int64_t out = 0;

	assert_true(workcal_add(c, from, secs, &out));
	return out;
}

static int64_t due(const struct workcal *c, int64_t from, int64_t secs)
{
	int64_t out = 0;

	assert_true(workcal_due(c, from, secs, &out));
	return out;
}

static int64_t between(const struct workcal *c, int64_t from, int64_t to)
{
	int64_t out = 0;

	assert_true(workcal_between(c, from, to, &out));
	return out;
}

static void assert_entry(const struct workcal_entry *e, int y, int m, int d,
                         enum workcal_day_kind kind, const char *name, enum workcal_source src)
{
	assert_int_equal(e->year * 10000 + e->month * 100 + e->day, y * 10000 + m * 100 + d);
	assert_int_equal(e->kind, kind);
	assert_string_equal(e->name, name);
	assert_int_equal(e->source, src);
}

static void test_default_holidays_2026(void **state)
{
	(void)state;
	struct workcal_entry e[32];
	static const struct {
		int m, d;
		const char *name;
	} want[] = {
	    {1, 1, "Tết Dương lịch"},
	    {2, 16, "Tết Nguyên đán"}, /* 30 tháng Chạp */
	    {2, 17, "Tết Nguyên đán"}, /* mùng 1 Tết */
	    {2, 18, "Tết Nguyên đán"},
	    {2, 19, "Tết Nguyên đán"},
	    {2, 20, "Tết Nguyên đán"},
	    {4, 26, "Giỗ Tổ Hùng Vương"}, /* 10/3 âm lịch, a Sunday */
	    {4, 27, "Nghỉ bù Giỗ Tổ Hùng Vương"},
	    {4, 30, "Ngày Chiến thắng"},
	    {5, 1, "Ngày Quốc tế Lao động"},
	    {9, 1, "Quốc khánh"},
	    {9, 2, "Quốc khánh"},
	};
	int n = workcal_entries(cal, 2026, e, 32);

	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (int i = 0; i < n; i++)
		assert_entry(&e[i], 2026, want[i].m, want[i].d, WORKCAL_DAY_OFF, want[i].name,
		             WORKCAL_SOURCE_RULE);
	assert_false(workcal_is_working_day(cal, 2026, 2, 17));
	assert_false(workcal_is_working_day(cal, 2026, 4, 27));
	assert_false(workcal_is_working_day(cal, 2026, 3, 7)); /* Saturday */
	assert_true(workcal_is_working_day(cal, 2026, 3, 6));
	assert_int_equal(workcal_entries(cal, 2030, e, 32), -1);
}

/* workcal_named_day: the named day at one date, or none (a centre's own
 * week is judged against it). */
static void test_named_day(void **state)
{
	(void)state;
	struct workcal_entry e;
	assert_true(workcal_named_day(cal, 2026, 4, 27, &e));
	assert_entry(&e, 2026, 4, 27, WORKCAL_DAY_OFF, "Nghỉ bù Giỗ Tổ Hùng Vương",
	             WORKCAL_SOURCE_RULE);
	assert_false(workcal_named_day(cal, 2026, 3, 7, &e));  /* a plain Saturday */
	assert_false(workcal_named_day(cal, 2026, 3, 6, &e));  /* a plain Friday */
	assert_false(workcal_named_day(cal, 2026, 2, 30, &e)); /* no such date */
	assert_false(workcal_named_day(cal, 2030, 1, 1, &e));  /* not covered */
}

/* Weekend holidays and the nghỉ bù that never lands on another holiday. */
static void test_compensatory_days(void **state)
{
	(void)state;
	struct workcal_entry e[32];
	struct workcal_config cfg;
	struct workcal *c = malloc(sizeof(*c));

	/* 2024: Tết 9..13 Feb takes in Sat 10 and Sun 11: two days after the span. */
	int n = workcal_entries(cal, 2024, e, 32);
	assert_true(n >= 8);
	assert_entry(&e[6], 2024, 2, 14, WORKCAL_DAY_OFF, "Nghỉ bù Tết Nguyên đán",
	             WORKCAL_SOURCE_RULE);
	assert_entry(&e[7], 2024, 2, 15, WORKCAL_DAY_OFF, "Nghỉ bù Tết Nguyên đán",
	             WORKCAL_SOURCE_RULE);
	/* 2027: 1 May is a Saturday → Monday 3 May. */
	assert_false(workcal_is_working_day(cal, 2027, 5, 3));
	assert_true(workcal_is_working_day(cal, 2027, 5, 4));

	/* 2023: Hùng Kings Sat 29/4, Victory Sun 30/4, Labour Mon 1/5: the two
	 * compensatory days skip 1/5 and land on Tue 2/5 and Wed 3/5. */
	workcal_config_default(&cfg, 2023, 2023);
	assert_int_equal(workcal_init(c, &cfg), WORKCAL_OK);
	n = workcal_entries(c, 2023, e, 32);
	int found = 0;
	for (int i = 0; i < n; i++) {
		if (e[i].month == 5 && e[i].day == 2) {
			assert_string_equal(e[i].name, "Nghỉ bù Giỗ Tổ Hùng Vương");
			found++;
		}
		if (e[i].month == 5 && e[i].day == 3) {
			assert_string_equal(e[i].name, "Nghỉ bù Ngày Chiến thắng");
			found++;
		}
	}
	assert_int_equal(found, 2);
	assert_true(workcal_is_working_day(c, 2023, 5, 4));
	/* 2 Sep 2023 a Saturday: 1/9 and 2/9 off, nghỉ bù Monday 4/9. */
	assert_false(workcal_is_working_day(c, 2023, 9, 1));
	assert_false(workcal_is_working_day(c, 2023, 9, 4));
	assert_true(workcal_is_working_day(c, 2023, 9, 5));
	/* 2 Sep 2024 a Monday: the adjacent day is Tuesday 3/9. */
	assert_false(workcal_is_working_day(cal, 2024, 9, 3));
	assert_false(workcal_is_working_day(cal, 2024, 9, 2));

	/* Without compensation there is no nghỉ bù. */
	cfg.compensate = false;
	assert_int_equal(workcal_init(c, &cfg), WORKCAL_OK);
	assert_true(workcal_is_working_day(c, 2023, 5, 2));
	free(c);
}

/* Rules are data: a new holiday is a table row with its years in force. */
static void test_custom_rule(void **state)
{
	(void)state;
	static const struct workcal_rule rules[] = {
	    {"Tết Dương lịch", WORKCAL_RULE_SOLAR, 1, 1, 1, 0, 0},
	    {"Ngày Văn hóa Việt Nam", WORKCAL_RULE_SOLAR, 11, 24, 1, 2026, 0},
	    {"Rằm tháng Giêng", WORKCAL_RULE_LUNAR, 1, 15, 1, 0, 2025},
	};
	struct workcal_config cfg;
	struct workcal *c = malloc(sizeof(*c));

	workcal_config_default(&cfg, 2025, 2027);
	cfg.rules = rules;
	cfg.n_rules = 3;
	assert_int_equal(workcal_init(c, &cfg), WORKCAL_OK);
	assert_true(workcal_is_working_day(c, 2025, 11, 24));
	assert_false(workcal_is_working_day(c, 2026, 11, 24));
	/* 24/11/2029 would be a Saturday; 2027: Wednesday. */
	assert_false(workcal_is_working_day(c, 2027, 11, 24));
	assert_false(workcal_is_working_day(c, 2025, 2, 12)); /* 15/1 Ất Tỵ */
	assert_true(workcal_is_working_day(c, 2026, 3, 3));   /* 15/1 Bính Ngọ: out of force */
	assert_true(workcal_is_working_day(c, 2026, 2, 17));  /* no Tết rule in this table */
	free(c);
}

static void test_config_errors(void **state)
{
	(void)state;
	struct workcal_config cfg;
	struct workcal *c = malloc(sizeof(*c));
	int64_t out;

	workcal_config_default(&cfg, 2025, 2025 + WORKCAL_MAX_YEARS);
	assert_int_equal(workcal_init(c, &cfg), WORKCAL_ERANGE);
	assert_false(workcal_add(c, lt(2025, 3, 3, 10, 0), H, &out)); /* failed init */
	workcal_config_default(&cfg, 1899, 1900);
	assert_int_equal(workcal_init(c, &cfg), WORKCAL_ERANGE);
	workcal_config_default(&cfg, 2100, 2101);
	assert_int_equal(workcal_init(c, &cfg), WORKCAL_ERANGE);
	workcal_config_default(&cfg, 2025, 2025);
	cfg.sessions[1].start = 11 * H; /* overlaps the morning */
	assert_int_equal(workcal_init(c, &cfg), WORKCAL_EINVAL);
	workcal_config_default(&cfg, 2025, 2025);
	cfg.weekday_mask = 0;
	assert_int_equal(workcal_init(c, &cfg), WORKCAL_EINVAL);
	workcal_config_default(&cfg, 2025, 2025);
	cfg.n_sessions = 5;
	assert_int_equal(workcal_init(c, &cfg), WORKCAL_EINVAL);
	workcal_config_default(&cfg, 1900, 1901);
	assert_int_equal(workcal_init(c, &cfg), WORKCAL_OK);
	workcal_config_default(&cfg, 2100 - WORKCAL_MAX_YEARS + 1, 2100);
	assert_int_equal(workcal_init(c, &cfg), WORKCAL_OK);
	free(c);
}

static void test_basic_and_sessions(void **state)
{
	(void)state;
	assert_int_equal(workcal_day_seconds(cal), DAY);
	assert_int_equal(workcal_days(cal, 3), 3 * DAY);
	/* Monday 10:00 + 3 working days = Thursday 10:00. */
	assert_int_equal(due(cal, lt(2026, 3, 2, 10, 0), 3 * DAY), lt(2026, 3, 5, 10, 0));
	/* Friday 10:00 + 1 day = Monday 10:00. */
	assert_int_equal(due(cal, lt(2026, 3, 6, 10, 0), DAY), lt(2026, 3, 9, 10, 0));
	/* Hours: 10:00 + 1.5 h = 11:30, the end of the morning, not 13:30. */
	assert_int_equal(due(cal, lt(2026, 3, 2, 10, 0), 90 * 60), lt(2026, 3, 2, 11, 30));
	assert_int_equal(due(cal, lt(2026, 3, 2, 10, 0), 2 * H), lt(2026, 3, 2, 14, 0));
	/* Start at a session start: 07:30 + 4 h = 11:30; + 1 day = 17:00 that day. */
	assert_int_equal(due(cal, lt(2026, 3, 2, 7, 30), 4 * H), lt(2026, 3, 2, 11, 30));
	assert_int_equal(due(cal, lt(2026, 3, 2, 7, 30), DAY), lt(2026, 3, 2, 17, 0));
	assert_int_equal(due(cal, lt(2026, 3, 2, 13, 30), 3 * H + 1800), lt(2026, 3, 2, 17, 0));
	/* A due time on Tuesday 07:30 is reported as Monday 17:00. */
	assert_int_equal(due(cal, lt(2026, 3, 2, 13, 30), 3 * H + 1800 + 60),
	                 lt(2026, 3, 3, 7, 31));
	assert_int_equal(add(cal, lt(2026, 3, 2, 14, 0), 3 * H), lt(2026, 3, 2, 17, 0));
	/* Before opening: starts at 07:30. */
	assert_int_equal(due(cal, lt(2026, 3, 2, 6, 0), H), lt(2026, 3, 2, 8, 30));
	/* Zero duration: the first working instant. */
	assert_int_equal(add(cal, lt(2026, 3, 2, 12, 0), 0), lt(2026, 3, 2, 13, 30));
	assert_int_equal(add(cal, lt(2026, 3, 7, 12, 0), 0), lt(2026, 3, 9, 7, 30));
	assert_int_equal(add(cal, lt(2026, 3, 6, 17, 0), 0), lt(2026, 3, 6, 17, 0));
	assert_int_equal(add(cal, lt(2026, 3, 6, 17, 1), 0), lt(2026, 3, 9, 7, 30));
	assert_int_equal(due(cal, lt(2026, 3, 6, 16, 0), 0), lt(2026, 3, 9, 7, 30));
	int64_t out;
	assert_false(workcal_add(cal, lt(2026, 3, 2, 10, 0), -1, &out));
}

static void test_lunch(void **state)
{
	(void)state;
	/* Received at 12:00: the clock starts at 13:30. */
	assert_int_equal(due(cal, lt(2026, 3, 2, 12, 0), H), lt(2026, 3, 2, 14, 30));
	assert_int_equal(due(cal, lt(2026, 3, 2, 12, 0), 4 * H), lt(2026, 3, 3, 8, 0));
	assert_int_equal(due(cal, lt(2026, 3, 2, 11, 30), DAY), lt(2026, 3, 3, 11, 30));
	/* Across lunch: 11:00 + 1 h = 13:30 + 30 min. */
	assert_int_equal(due(cal, lt(2026, 3, 2, 11, 0), H), lt(2026, 3, 2, 14, 0));
}

static void test_cutoff(void **state)
{
	(void)state;
	/* At or after 15:00 the clock starts the next working day at 07:30. */
	assert_int_equal(due(cal, lt(2026, 3, 2, 15, 30), DAY), lt(2026, 3, 3, 17, 0));
	assert_int_equal(due(cal, lt(2026, 3, 2, 15, 0), 2 * H), lt(2026, 3, 3, 9, 30));
	assert_int_equal(due(cal, lt(2026, 3, 2, 14, 59), 2 * H), lt(2026, 3, 2, 16, 59));
	/* Friday after the cutoff: Monday. */
	assert_int_equal(due(cal, lt(2026, 3, 6, 16, 0), 2 * DAY), lt(2026, 3, 10, 17, 0));
	/* workcal_add has no cutoff. */
	assert_int_equal(add(cal, lt(2026, 3, 2, 15, 30), H), lt(2026, 3, 2, 16, 30));
	/* Received on a Sunday: Monday 07:30. */
	assert_int_equal(due(cal, lt(2026, 3, 8, 10, 0), H), lt(2026, 3, 9, 8, 30));
}

static void test_tet_2026(void **state)
{
	(void)state;
	/* Tết Bính Ngọ: 17 Feb 2026; 16..20 Feb off, back on Monday 23 Feb. */
	assert_int_equal(due(cal, lt(2026, 2, 13, 10, 0), DAY), lt(2026, 2, 23, 10, 0));
	assert_int_equal(due(cal, lt(2026, 2, 12, 14, 0), 2 * DAY), lt(2026, 2, 23, 14, 0));
	assert_int_equal(due(cal, lt(2026, 2, 17, 9, 0), H), lt(2026, 2, 23, 8, 30));
	/* 10 working days from 9 Feb: 10..13 Feb (4), 23 Feb..2 Mar (6). */
	assert_int_equal(due(cal, lt(2026, 2, 9, 9, 0), 10 * DAY), lt(2026, 3, 2, 9, 0));
	assert_int_equal(between(cal, lt(2026, 2, 13, 10, 0), lt(2026, 2, 23, 10, 0)), DAY);
}

static void test_new_year(void **state)
{
	(void)state;
	/* Wednesday 31 Dec 2025 + 1 day: 1 Jan off → Friday 2 Jan 2026. */
	assert_int_equal(due(cal, lt(2025, 12, 31, 10, 0), DAY), lt(2026, 1, 2, 10, 0));
	assert_int_equal(due(cal, lt(2025, 12, 31, 16, 0), 2 * H), lt(2026, 1, 2, 9, 30));
	/* 2027: 1 Jan is a Friday; 31 Dec 2026 Thursday + 2 days → Tue 5 Jan. */
	assert_int_equal(due(cal, lt(2026, 12, 31, 10, 0), 2 * DAY), lt(2027, 1, 5, 10, 0));
}

static void test_overrides(void **state)
{
	(void)state;
	struct workcal_config cfg;
	struct workcal *c = malloc(sizeof(*c));
	struct workcal_entry e[32];

	workcal_config_default(&cfg, 2025, 2026);
	assert_int_equal(workcal_init(c, &cfg), WORKCAL_OK);
	/* A bridge day off Friday 2 Jan 2026, paid back by Saturday 10 Jan. */
	struct workcal_override off = {2026, 1, 2, WORKCAL_OVERRIDE_DAY_OFF, "Nghỉ bù cầu Tết"};
	struct workcal_override work = {2026, 1, 10, WORKCAL_OVERRIDE_WORKDAY,
	                                "Làm bù cho ngày 02/01"};
	assert_int_equal(workcal_add_override(c, &off), WORKCAL_OK);
	assert_int_equal(workcal_add_override(c, &work), WORKCAL_OK);
	assert_false(workcal_is_working_day(c, 2026, 1, 2));
	assert_true(workcal_is_working_day(c, 2026, 1, 10));
	/* Wed 31 Dec + 1 day → Mon 5 Jan; Mon 5 Jan + 5 days → Sat 10 Jan is day 5. */
	assert_int_equal(due(c, lt(2025, 12, 31, 10, 0), DAY), lt(2026, 1, 5, 10, 0));
	assert_int_equal(due(c, lt(2026, 1, 5, 10, 0), 5 * DAY), lt(2026, 1, 10, 10, 0));
	assert_int_equal(due(c, lt(2026, 1, 5, 10, 0), 6 * DAY), lt(2026, 1, 12, 10, 0));
	assert_int_equal(due(cal, lt(2026, 1, 5, 10, 0), 6 * DAY), lt(2026, 1, 13, 10, 0));
	int64_t sd;
	assert_true(workcal_due_same_day(c, lt(2026, 1, 9, 16, 0), &sd));
	assert_int_equal(sd, lt(2026, 1, 10, 17, 0));

	int n = workcal_entries(c, 2026, e, 32);
	assert_entry(&e[0], 2026, 1, 1, WORKCAL_DAY_OFF, "Tết Dương lịch", WORKCAL_SOURCE_RULE);
	assert_entry(&e[1], 2026, 1, 2, WORKCAL_DAY_OFF, "Nghỉ bù cầu Tết",
	             WORKCAL_SOURCE_OVERRIDE);
	assert_entry(&e[2], 2026, 1, 10, WORKCAL_DAY_WORK, "Làm bù cho ngày 02/01",
	             WORKCAL_SOURCE_OVERRIDE);

	/* Remove a computed holiday; rename another; errors change nothing. */
	struct workcal_override rm = {2026, 4, 27, WORKCAL_OVERRIDE_REMOVE, NULL};
	assert_int_equal(workcal_add_override(c, &rm), WORKCAL_OK);
	assert_true(workcal_is_working_day(c, 2026, 4, 27));
	assert_int_equal(workcal_add_override(c, &rm), WORKCAL_ENOENT);
	struct workcal_override ren = {2026, 9, 1, WORKCAL_OVERRIDE_RENAME, "Quốc khánh (liền kề)"};
	assert_int_equal(workcal_add_override(c, &ren), WORKCAL_OK);
	ren.name = NULL;
	assert_int_equal(workcal_add_override(c, &ren), WORKCAL_EINVAL);
	struct workcal_override bad = {2026, 2, 30, WORKCAL_OVERRIDE_DAY_OFF, "x"};
	assert_int_equal(workcal_add_override(c, &bad), WORKCAL_EINVAL);
	struct workcal_override far = {2030, 1, 2, WORKCAL_OVERRIDE_DAY_OFF, "x"};
	assert_int_equal(workcal_add_override(c, &far), WORKCAL_ERANGE);
	/* A day off without a name gets a default one; an override replaces a
	 * computed holiday in place (Tết's first day becomes a working day). */
	struct workcal_override anon = {2026, 3, 3, WORKCAL_OVERRIDE_DAY_OFF, NULL};
	assert_int_equal(workcal_add_override(c, &anon), WORKCAL_OK);
	struct workcal_override tet = {2026, 2, 16, WORKCAL_OVERRIDE_WORKDAY, NULL};
	assert_int_equal(workcal_add_override(c, &tet), WORKCAL_OK);
	assert_true(workcal_is_working_day(c, 2026, 2, 16));
	int n2 = workcal_entries(c, 2026, e, 32);
	assert_int_equal(n2, n); /* -27/4 +3/3; 16/2 replaced */
	bool seen_anon = false, seen_ren = false, seen_tet = false;
	for (int i = 0; i < n2; i++) {
		if (e[i].month == 3 && e[i].day == 3) {
			assert_string_equal(e[i].name, "Nghỉ theo thông báo");
			seen_anon = true;
		}
		if (e[i].month == 9 && e[i].day == 1) {
			assert_string_equal(e[i].name, "Quốc khánh (liền kề)");
			assert_int_equal(e[i].source, WORKCAL_SOURCE_OVERRIDE);
			seen_ren = true;
		}
		if (e[i].month == 2 && e[i].day == 16) {
			assert_int_equal(e[i].kind, WORKCAL_DAY_WORK);
			assert_string_equal(e[i].name, "Làm bù");
			seen_tet = true;
		}
	}
	assert_true(seen_anon && seen_ren && seen_tet);
	/* between() sees the overrides too (prefix counts refreshed). */
	assert_int_equal(between(c, lt(2026, 1, 9, 7, 30), lt(2026, 1, 12, 7, 30)), 2 * DAY);
	free(c);
}

static void test_pause_across_holiday(void **state)
{
	(void)state;
	/* Received Wed 22 Apr 2026 10:00, 5 working days: 23, 24, 28, 29 Apr and
	 * (30/4 and 1/5 off) Mon 4 May 10:00. */
	int64_t received = lt(2026, 4, 22, 10, 0), out;
	assert_int_equal(due(cal, received, 5 * DAY), lt(2026, 5, 4, 10, 0));
	/* Paused Fri 24 Apr 10:00 .. Tue 28 Apr 10:00 over Sunday 26/4 (Hùng Kings)
	 * and its nghỉ bù Monday 27/4: 5 h + 2.5 h = one working day. */
	struct workcal_interval pauses[] = {
	    {lt(2026, 4, 24, 10, 0), lt(2026, 4, 28, 10, 0)},
	    {lt(2026, 4, 29, 12, 0), lt(2026, 4, 29, 13, 0)}, /* lunch: nothing */
	    {lt(2026, 4, 29, 9, 0), lt(2026, 4, 29, 9, 0)},   /* empty */
	};
	assert_int_equal(between(cal, pauses[0].from, pauses[0].to), DAY);
	assert_true(workcal_due_paused(cal, received, 5 * DAY, pauses, 3, &out));
	assert_int_equal(out, lt(2026, 5, 5, 10, 0));
	assert_true(workcal_due_paused(cal, received, 5 * DAY, NULL, 0, &out));
	assert_int_equal(out, lt(2026, 5, 4, 10, 0));
	struct workcal_interval outside = {lt(2020, 1, 1, 0, 0), lt(2020, 1, 2, 0, 0)};
	assert_false(workcal_due_paused(cal, received, DAY, &outside, 1, &out));
}

static void test_same_day(void **state)
{
	(void)state;
	int64_t out;

	assert_true(workcal_due_same_day(cal, lt(2026, 3, 2, 14, 0), &out));
	assert_int_equal(out, lt(2026, 3, 2, 17, 0));
	assert_true(workcal_due_same_day(cal, lt(2026, 3, 2, 6, 0), &out));
	assert_int_equal(out, lt(2026, 3, 2, 17, 0));
	assert_true(workcal_due_same_day(cal, lt(2026, 3, 2, 15, 0), &out));
	assert_int_equal(out, lt(2026, 3, 3, 17, 0));
	assert_true(workcal_due_same_day(cal, lt(2026, 2, 13, 16, 0), &out));
	assert_int_equal(out, lt(2026, 2, 23, 17, 0));
	assert_true(workcal_due_same_day(cal, lt(2026, 3, 7, 10, 0), &out));
	assert_int_equal(out, lt(2026, 3, 9, 17, 0));
	assert_false(workcal_due_same_day(cal, lt(2027, 12, 31, 16, 0), &out));
}

static void test_between(void **state)
{
	(void)state;
	int64_t out;

	assert_int_equal(between(cal, lt(2026, 3, 2, 10, 0), lt(2026, 3, 5, 10, 0)), 3 * DAY);
	assert_int_equal(between(cal, lt(2026, 3, 5, 10, 0), lt(2026, 3, 2, 10, 0)), -3 * DAY);
	assert_int_equal(between(cal, lt(2026, 3, 2, 11, 0), lt(2026, 3, 2, 14, 0)), H);
	assert_int_equal(between(cal, lt(2026, 3, 2, 12, 0), lt(2026, 3, 2, 13, 0)), 0);
	assert_int_equal(between(cal, lt(2026, 3, 6, 16, 0), lt(2026, 3, 9, 8, 0)), H + 1800);
	assert_int_equal(between(cal, lt(2026, 3, 7, 8, 0), lt(2026, 3, 8, 20, 0)), 0);
	/* Monday 17:00 and Tuesday 07:30 are the same point of working time. */
	assert_int_equal(between(cal, lt(2026, 3, 2, 17, 0), lt(2026, 3, 3, 7, 30)), 0);
	assert_false(workcal_between(cal, lt(2023, 12, 31, 10, 0), lt(2024, 1, 2, 0, 0), &out));
	assert_false(workcal_between(cal, lt(2026, 1, 1, 0, 0), lt(2028, 1, 1, 0, 0), &out));
}

static void test_out_of_range(void **state)
{
	(void)state;
	int64_t out;

	assert_false(workcal_due(cal, lt(2027, 12, 20, 10, 0), 20 * DAY, &out));
	assert_false(workcal_add(cal, lt(2023, 12, 20, 10, 0), DAY, &out));
	assert_true(workcal_due(cal, lt(2027, 12, 20, 10, 0), 5 * DAY, &out));
}

/* Before counting: a limit of 0 to 1000 working days or hours (in
 * thousandths; a same-day limit has none), received on an office day in
 * 1900-2100; the limit is judged first. */
static void test_due_check(void **state)
{
	(void)state;
	int64_t ok = lt(2026, 3, 2, 9, 0);
	assert_int_equal(workcal_due_check(ok, true, 0), WDR_NONE);
	assert_int_equal(workcal_due_check(ok, true, 1000000), WDR_NONE);
	assert_int_equal(workcal_due_check(ok, true, 1000001), WDR_LIMIT);
	assert_int_equal(workcal_due_check(ok, true, -1), WDR_LIMIT);
	assert_int_equal(workcal_due_check(ok, false, -1), WDR_NONE); /* same day */
	assert_int_equal(workcal_due_check(ok, false, 5000000), WDR_NONE);
	/* The office day, not the UTC one: 00:00 on 1 Jan 1900 in Hà Nội is
	 * 17:00 UTC the day before. */
	assert_int_equal(workcal_due_check(lt(1900, 1, 1, 0, 0), true, 1000), WDR_NONE);
	assert_int_equal(workcal_due_check(lt(1900, 1, 1, 0, 0) - 1, true, 1000), WDR_FROM);
	assert_int_equal(workcal_due_check(lt(2100, 12, 31, 23, 59) + 59, true, 1000), WDR_NONE);
	assert_int_equal(workcal_due_check(lt(2100, 12, 31, 23, 59) + 60, false, 0), WDR_FROM);
	assert_int_equal(workcal_due_check(lt(1899, 6, 1, 9, 0), true, -1), WDR_LIMIT);
}

/* A small deterministic generator, so that failures reproduce. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static int64_t random_instant(void)
{
	int64_t a = lt(2025, 1, 1, 0, 0), b = lt(2027, 1, 1, 0, 0);
	return a + (int64_t)(((uint64_t)rng() << 16 ^ rng()) % (uint64_t)(b - a));
}

/* Is the local clock time of t inside (session start, session end] of a
 * working day? Due instants always are. */
static bool in_working_time(const struct workcal *c, int64_t t)
{
	int64_t local = t + 7 * 3600;
	int day = (int)civil_floor_div(local, 86400), sec = (int)civil_floor_mod(local, 86400);
	int y, m, d;

	civil_ymd_from_days(day, &y, &m, &d);
	if (!workcal_is_working_day(c, y, m, d))
		return false;
	return (sec > 7 * H + 1800 && sec <= 11 * H + 1800) ||
	       (sec > 13 * H + 1800 && sec <= 17 * H);
}

static void test_properties(void **state)
{
	(void)state;
	for (int i = 0; i < 20000; i++) {
		int64_t t = random_instant();
		int64_t a = (int64_t)(rng() % (60 * DAY));
		int64_t b = (int64_t)(rng() % (60 * DAY));
		int64_t lo = a < b ? a : b, hi = a < b ? b : a;
		int64_t d_lo = due(cal, t, lo), d_hi = due(cal, t, hi);

		/* Monotonic: more working time never gives an earlier due instant. */
		assert_true(d_lo <= d_hi);
		assert_true(d_lo >= t);
		if (lo > 0) {
			assert_true(in_working_time(cal, d_lo));
			/* between() measures back exactly what add() added. */
			int64_t start = add(cal, t, 0);
			assert_int_equal(between(cal, start, add(cal, start, lo)), lo);
		}

		/* Additive over whole days from a working instant. */
		int64_t w = add(cal, t, 0);
		int64_t da = (rng() % 30) * DAY, db = (rng() % 30) * DAY;
		assert_int_equal(add(cal, add(cal, w, da), db), add(cal, w, da + db));
		/* And over any split in working seconds from a working instant. */
		assert_int_equal(add(cal, add(cal, w, lo), hi - lo), add(cal, w, hi));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_holidays_2026),
	    cmocka_unit_test(test_named_day),
	    cmocka_unit_test(test_compensatory_days),
	    cmocka_unit_test(test_custom_rule),
	    cmocka_unit_test(test_config_errors),
	    cmocka_unit_test(test_basic_and_sessions),
	    cmocka_unit_test(test_lunch),
	    cmocka_unit_test(test_cutoff),
	    cmocka_unit_test(test_tet_2026),
	    cmocka_unit_test(test_new_year),
	    cmocka_unit_test(test_overrides),
	    cmocka_unit_test(test_pause_across_holiday),
	    cmocka_unit_test(test_same_day),
	    cmocka_unit_test(test_between),
	    cmocka_unit_test(test_out_of_range),
	    cmocka_unit_test(test_due_check),
	    cmocka_unit_test(test_properties),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
