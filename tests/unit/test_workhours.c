/* Tests of working hours as written (domain/workhours): the checks of a
 * weekly pattern, the province's and a centre's sessions and the cutoff,
 * and a centre's day (holidays, make-up days, sessions kept on some
 * weekdays, the next opening). No database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "domain/civil_date.h"
#include "domain/notify.h"
#include "domain/workhours.h"

#define VN (7 * 3600)

static int64_t lt(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days_from_ymd(y, m, d) * 86400 + hh * 3600 + mm * 60 - VN;
}

static struct workhours_raw_list list(int n, const int *v)
{
	struct workhours_raw_list l = {.is_array = true, .n = n};
	for (int i = 0; i < n && i < WORKHOURS_RAW_MAX; i++) {
		l.item[i] = v[i];
		l.is_int[i] = true;
	}
	return l;
}

static struct workhours_raw_session session(const char *a, const char *b)
{
	struct workhours_raw_session s = {.is_object = true, .n_members = 2};
	strcpy(s.start, a);
	strcpy(s.end, b);
	return s;
}

static void test_hhmm(void **state)
{
	(void)state;
	char out[8];
	assert_int_equal(workhours_hhmm_parse("07:30"), 7 * 3600 + 1800);
	assert_int_equal(workhours_hhmm_parse("24:00"), 24 * 3600);
	assert_int_equal(workhours_hhmm_parse("24:01"), -1);
	assert_int_equal(workhours_hhmm_parse("7:30"), -1);
	assert_int_equal(workhours_hhmm_parse("07:60"), -1);
	assert_int_equal(workhours_hhmm_parse(NULL), -1);
	workhours_hhmm_format(13 * 3600 + 5 * 60, out);
	assert_string_equal(out, "13:05");
}

static void test_weekdays(void **state)
{
	(void)state;
	struct workhours_weekdays w;
	int week[] = {5, 1, 2}, dup[] = {1, 1}, bad[] = {7};
	struct workhours_raw_list l = list(3, week);
	assert_int_equal(workhours_weekdays_check(&l, &w), WORKHOURS_OK);
	assert_int_equal(w.mask, (1u << 1) | (1u << 2) | (1u << 5));
	assert_int_equal(w.n, 3);
	assert_int_equal(w.day[0], 5); /* the order written is kept */
	l = list(2, dup);
	assert_int_equal(workhours_weekdays_check(&l, &w), WORKHOURS_WEEKDAYS_ITEM);
	l = list(1, bad);
	assert_int_equal(workhours_weekdays_check(&l, &w), WORKHOURS_WEEKDAYS_ITEM);
	l = list(0, NULL);
	assert_int_equal(workhours_weekdays_check(&l, &w), WORKHOURS_WEEKDAYS_NONE);
	l.is_array = false;
	assert_int_equal(workhours_weekdays_check(&l, &w), WORKHOURS_WEEKDAYS_SHAPE);
	l = list(8, (int[]){0, 1, 2, 3, 4, 5, 6, 0});
	assert_int_equal(workhours_weekdays_check(&l, &w), WORKHOURS_WEEKDAYS_SHAPE);
	l = list(1, week);
	l.is_int[0] = false;
	assert_int_equal(workhours_weekdays_check(&l, &w), WORKHOURS_WEEKDAYS_ITEM);
	assert_string_equal(workhours_fault_text(WORKHOURS_WEEKDAYS_NONE),
	                    "at least one working weekday is needed");
}

static void test_sessions(void **state)
{
	(void)state;
	struct workcal_config cfg = {0};
	struct workhours_raw_sessions in = {.is_array = true, .n = 2};
	in.item[0] = session("07:30", "11:30");
	in.item[1] = session("13:30", "17:00");
	assert_int_equal(workhours_sessions_check(&in, &cfg), WORKHOURS_OK);
	assert_int_equal(cfg.n_sessions, 2);
	assert_int_equal(cfg.sessions[1].end, 17 * 3600);
	in.item[1] = session("17:00", "13:30");
	assert_int_equal(workhours_sessions_check(&in, &cfg), WORKHOURS_SESSION);
	in.item[1] = session("13:30", "17:00");
	in.item[1].n_members = 3; /* the province's sessions take no days */
	assert_int_equal(workhours_sessions_check(&in, &cfg), WORKHOURS_SESSION);
	in.n = 5;
	assert_int_equal(workhours_sessions_check(&in, &cfg), WORKHOURS_SESSIONS_SHAPE);
	int c = 0;
	assert_int_equal(workhours_cutoff_check("15:00", &c), WORKHOURS_OK);
	assert_int_equal(c, 15 * 3600);
	assert_int_equal(workhours_cutoff_check(NULL, &c), WORKHOURS_CUTOFF);
}

static void test_centre_sessions(void **state)
{
	(void)state;
	struct workhours_session out[WORKHOURS_MAX_SESSIONS];
	int n = 0;
	struct workhours_raw_sessions in = {.is_array = true, .n = 2};
	in.item[0] = session("07:30", "11:30");
	in.item[1] = session("08:00", "11:00"); /* a Saturday morning */
	in.item[1].n_members = 3;
	in.item[1].has_days = true;
	in.item[1].days = list(1, (int[]){6});
	/* Every day's morning and Saturday's overlap. */
	assert_int_equal(workhours_centre_sessions_check(&in, out, &n), WORKHOURS_OVERLAP);
	in.item[0].n_members = 3;
	in.item[0].has_days = true;
	in.item[0].days = list(5, (int[]){1, 2, 3, 4, 5});
	assert_int_equal(workhours_centre_sessions_check(&in, out, &n), WORKHOURS_OK);
	assert_int_equal(n, 2);
	assert_false(out[1].all_days);
	assert_int_equal(out[1].days, 1u << 6);
	in.item[1].days = list(0, NULL);
	assert_int_equal(workhours_centre_sessions_check(&in, out, &n), WORKHOURS_DAYS_SHAPE);
	in.item[1].days = list(2, (int[]){6, 6});
	assert_int_equal(workhours_centre_sessions_check(&in, out, &n), WORKHOURS_DAYS_ITEM);
	in.item[1].n_members = 2; /* days given but not counted as a member */
	assert_int_equal(workhours_centre_sessions_check(&in, out, &n), WORKHOURS_CENTRE_SESSION);
	in.n = 9;
	assert_int_equal(workhours_centre_sessions_check(&in, out, &n),
	                 WORKHOURS_CENTRE_SESSIONS_SHAPE);
}

static void test_centre_day(void **state)
{
	(void)state;
	struct workcal_config cfg;
	struct workcal *cal = malloc(sizeof *cal);
	workcal_config_default(&cfg, 2025, 2027);
	assert_int_equal(workcal_init(cal, &cfg), WORKCAL_OK);
	/* A centre open Monday-Saturday, Saturday mornings only. */
	struct workhours_centre ce = {.own_weekdays = true,
	                              .valid_weekdays = true,
	                              .weekdays = {.mask = 0x7e, .n = 6, .day = {1, 2, 3, 4, 5, 6}},
	                              .own_sessions = true,
	                              .valid_sessions = true,
	                              .n_sessions = 2};
	ce.sessions[0] = (struct workhours_session){.start = 13 * 3600,
	                                            .end = 17 * 3600,
	                                            .days = 0x3e,
	                                            .n_days = 5,
	                                            .day = {1, 2, 3, 4, 5}};
	ce.sessions[1] = (struct workhours_session){
	    .start = 7 * 3600 + 1800, .end = 11 * 3600 + 1800, .days = 0x7f, .all_days = true};
	struct workhours_day d;
	/* Saturday 7 March 2026, 09:00: the morning only, open. */
	assert_true(workhours_day_at(cal, &ce, lt(2026, 3, 7, 9, 0), VN, &d));
	assert_int_equal(d.weekday, 6);
	assert_true(d.working);
	assert_int_equal(d.n_sessions, 1);
	assert_true(d.open_now);
	/* Monday 9 March, 12:00: both sessions in time order, closed at noon. */
	assert_true(workhours_day_at(cal, &ce, lt(2026, 3, 9, 12, 0), VN, &d));
	assert_int_equal(d.n_sessions, 2);
	assert_int_equal(d.sessions[0].start, 7 * 3600 + 1800);
	assert_false(d.open_now);
	/* Giỗ Tổ (Sunday 26 April 2026) gives Monday 27 April off: closed. */
	assert_true(workhours_day_at(cal, &ce, lt(2026, 4, 27, 9, 0), VN, &d));
	assert_false(d.working);
	assert_true(d.named);
	assert_int_equal(d.n_sessions, 0);
	/* Saturday noon: the next opening is Monday 07:30. */
	bool open;
	int64_t next;
	workhours_next_open(cal, &ce, lt(2026, 3, 7, 12, 0), VN, &open, &next);
	assert_false(open);
	assert_int_equal(next, lt(2026, 3, 9, 7, 30));
	workhours_next_open(cal, &ce, lt(2026, 3, 9, 8, 0), VN, &open, &next);
	assert_true(open);
	assert_int_equal(next, 0);
	/* Outside the years a centre's day is given for. */
	assert_false(workhours_day_in_range(lt(1900, 6, 1, 9, 0), VN));
	free(cal);
}

static void test_parse_date(void **state)
{
	(void)state;
	int y = 0, m = 0, d = 0;
	assert_int_equal(civil_parse_date("2026-02-28", &y, &m, &d), CIVIL_INSTANT_OK);
	assert_true(y == 2026 && m == 2 && d == 28);
	assert_int_equal(civil_parse_date("2026-02-30", &y, &m, &d), CIVIL_INSTANT_NO_SUCH_DATE);
	assert_int_equal(civil_parse_date("2026-2-3", &y, &m, &d), CIVIL_INSTANT_MALFORMED);
	assert_int_equal(civil_parse_date("2026-02-03 ", &y, &m, &d), CIVIL_INSTANT_MALFORMED);
	assert_int_equal(civil_parse_date(NULL, &y, &m, &d), CIVIL_INSTANT_MALFORMED);
	assert_true(y == 2026 && m == 2 && d == 28); /* untouched on failure */
}

/* The one HH:MM parser, both ways: 24:00 ends a day's opening period
 * (workhours) but is no time within the day (notify's quiet hours). */
static void test_parse_hhmm(void **state)
{
	(void)state;
	assert_int_equal(civil_parse_hhmm("00:00", false), 0);
	assert_int_equal(civil_parse_hhmm("23:59", false), 1439);
	assert_int_equal(civil_parse_hhmm("24:00", false), -1);
	assert_int_equal(civil_parse_hhmm("24:00", true), 1440);
	assert_int_equal(civil_parse_hhmm("24:01", true), -1);
	assert_int_equal(civil_parse_hhmm("25:00", true), -1);
	assert_int_equal(civil_parse_hhmm("07:60", true), -1);
	assert_int_equal(civil_parse_hhmm("7:30", true), -1);
	assert_int_equal(civil_parse_hhmm("07:30 ", true), -1);
	assert_int_equal(civil_parse_hhmm("07-30", true), -1);
	assert_int_equal(civil_parse_hhmm(NULL, true), -1);
	/* the two names over it keep their units and their 24:00 */
	assert_int_equal(workhours_hhmm_parse("24:00"), 86400);
	assert_int_equal(workhours_hhmm_parse("17:30"), 17 * 3600 + 1800);
	assert_int_equal(notify_hhmm("24:00"), -1);
	assert_int_equal(notify_hhmm("21:00"), 1260);
}

static void test_override_kinds(void **state)
{
	(void)state;
	enum workcal_override_kind k;
	assert_true(workhours_override_kind_parse("rename", &k));
	assert_int_equal(k, WORKCAL_OVERRIDE_RENAME);
	assert_string_equal(workhours_override_kind_name(WORKCAL_OVERRIDE_DAY_OFF), "day_off");
	assert_false(workhours_override_kind_parse("holiday", &k));
	assert_true(workhours_day_name_ok("Nghỉ bù"));
	assert_false(workhours_day_name_ok(""));
	assert_false(workhours_day_name_ok("tab\there"));
	assert_false(workhours_day_name_ok("\xff\xfe"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hhmm),       cmocka_unit_test(test_weekdays),
	    cmocka_unit_test(test_sessions),   cmocka_unit_test(test_centre_sessions),
	    cmocka_unit_test(test_centre_day), cmocka_unit_test(test_override_kinds),
	    cmocka_unit_test(test_parse_date), cmocka_unit_test(test_parse_hhmm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
