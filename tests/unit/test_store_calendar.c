/* Tests of the stored office calendar (store/calendar): overrides entered,
 * replaced and deleted, the calendar built from them, the calendar settings,
 * the shared calendar of the server's queries, and bad input refused with
 * nothing stored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/parse_calendar.h"
#include "api/present_calendar.h"
#include "domain/civil_date.h"
#include "store/calendar.h"
#include "store/store.h"

#include "store_fixture.h"

static const struct principal admin = {.role = ROLE_ADMIN, .user_id = 1, .actor = "user:1"};

struct fixture {
	struct store_fixture db;
	struct workcal *cal;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (f == NULL || store_fixture_open(&f->db, "cal", "office.db") != 0) {
		free(f);
		return -1;
	}
	f->cal = malloc(sizeof *f->cal);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc = store_fixture_close(&f->db);
	free(f->cal);
	free(f);
	return rc;
}

/* Office local time (UTC+7) to an instant. */
static int64_t lt(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days_from_ymd(y, m, d) * 86400 + hh * 3600 + mm * 60 - 7 * 3600;
}

static int64_t events(struct store *st)
{
	int64_t n = -1;
	struct mc_error err;
	assert_int_equal(store_audit_verify(st, &n, &err), MC_OK);
	return n;
}

/* The calendar routes' steps: the body parsed, then stored. */
static enum mc_err set_config(struct store *st, const struct principal *who, json_t *body,
                              struct mc_error *err)
{
	struct workhours_config_change ch;
	enum mc_err rc = calendar_config_parse(body, &ch, err);
	return rc ? rc : store_calendar_set_config(st, who, &ch, err);
}

static enum mc_err config_json(struct store *st, json_t **out, struct mc_error *err)
{
	struct workcal_config cfg;
	enum mc_err rc = store_calendar_config(st, &cfg, err);
	if (rc == MC_OK)
		*out = present_calendar_config(&cfg);
	return rc;
}

static size_t overrides(struct store *st, int year)
{
	struct calendar_overrides list;
	struct mc_error err;
	assert_int_equal(store_calendar_overrides(st, year, &list, &err), MC_OK);
	json_t *a = present_calendar_overrides(&list);
	calendar_overrides_free(&list);
	assert_non_null(a);
	size_t n = json_array_size(a);
	json_decref(a);
	return n;
}

static void load(struct fixture *f)
{
	struct mc_error err;
	assert_int_equal(store_calendar_load(f->db.st, 2025, 2027, f->cal, &err), MC_OK);
}

static int64_t due_days(const struct workcal *cal, int64_t from, int days)
{
	int64_t out = 0;
	assert_true(workcal_due(cal, from, workcal_days(cal, days), &out));
	return out;
}

static void test_schema_has_step_2(void **state)
{
	struct fixture *f = *state;
	assert_true(store_schema_version(f->db.st) >= 2);
	assert_int_equal(overrides(f->db.st, 2026), 0);
}

static void test_defaults_without_overrides(void **state)
{
	struct fixture *f = *state;
	load(f);
	/* Fri 13 Feb 2026 10:00 + 1 day: over Tết (16-20 Feb) to Mon 23 Feb. */
	assert_int_equal(due_days(f->cal, lt(2026, 2, 13, 10, 0), 1), lt(2026, 2, 23, 10, 0));
	assert_false(workcal_is_working_day(f->cal, 2026, 4, 27)); /* nghỉ bù Giỗ Tổ */
	json_t *cfg = NULL;
	struct mc_error err;
	assert_int_equal(config_json(f->db.st, &cfg, &err), MC_OK);
	assert_non_null(cfg);
	assert_string_equal(json_string_value(json_object_get(cfg, "cutoff")), "15:00");
	assert_int_equal(json_array_size(json_object_get(cfg, "weekdays")), 5);
	json_decref(cfg);
}

static void test_makeup_saturday_changes_due(void **state)
{
	struct fixture *f = *state;
	struct mc_error err;
	struct calendar_override stored;
	int64_t before = events(f->db.st);

	assert_int_equal(store_calendar_set_day(f->db.st, &admin, "2026-02-21", "workday",
	                                        "Làm bù cho ngày 13/02", &stored, &err),
	                 MC_OK);
	json_t *row = present_calendar_override(&stored);
	assert_non_null(row);
	assert_string_equal(json_string_value(json_object_get(row, "kind")), "workday");
	assert_string_equal(json_string_value(json_object_get(row, "set_by")), "user:1");
	json_decref(row);
	assert_int_equal(events(f->db.st), before + 1);

	load(f);
	assert_true(workcal_is_working_day(f->cal, 2026, 2, 21));
	assert_int_equal(due_days(f->cal, lt(2026, 2, 13, 10, 0), 1), lt(2026, 2, 21, 10, 0));

	/* The same through the server's shared calendar. */
	int64_t due = 0;
	assert_int_equal(store_calendar_due(f->db.st, lt(2026, 2, 13, 10, 0), STORE_CALENDAR_DAYS,
	                                    1000, &due, &err),
	                 MC_OK);
	assert_int_equal(due, lt(2026, 2, 21, 10, 0));

	/* Deleting it restores the rules, and the shared calendar notices. */
	assert_int_equal(store_calendar_delete_day(f->db.st, &admin, "2026-02-21", &err), MC_OK);
	assert_int_equal(events(f->db.st), before + 2);
	assert_int_equal(overrides(f->db.st, 2026), 0);
	assert_int_equal(store_calendar_due(f->db.st, lt(2026, 2, 13, 10, 0), STORE_CALENDAR_DAYS,
	                                    1000, &due, &err),
	                 MC_OK);
	assert_int_equal(due, lt(2026, 2, 23, 10, 0));
	load(f);
	assert_false(workcal_is_working_day(f->cal, 2026, 2, 21));

	assert_int_equal(store_calendar_delete_day(f->db.st, &admin, "2026-02-21", &err),
	                 MC_ERR_NOT_FOUND);
	assert_string_equal(err.code, "calendar_day_not_found");
	assert_int_equal(events(f->db.st), before + 2);
}

static void test_removed_holiday_becomes_working(void **state)
{
	struct fixture *f = *state;
	struct mc_error err;

	assert_int_equal(
	    store_calendar_set_day(f->db.st, &admin, "2026-04-27", "remove", NULL, NULL, &err),
	    MC_OK);
	load(f);
	assert_true(workcal_is_working_day(f->cal, 2026, 4, 27));
	/* Fri 24 Apr 10:00 + 1 day: Mon 27 Apr is worked now. */
	assert_int_equal(due_days(f->cal, lt(2026, 4, 24, 10, 0), 1), lt(2026, 4, 27, 10, 0));

	/* A day off replaces the remove (one override per date). */
	assert_int_equal(
	    store_calendar_set_day(f->db.st, &admin, "2026-04-27", "day_off", NULL, NULL, &err),
	    MC_OK);
	assert_int_equal(overrides(f->db.st, 2026), 1);
	load(f);
	assert_false(workcal_is_working_day(f->cal, 2026, 4, 27));
	struct workcal_entry e[64];
	int n = workcal_entries(f->cal, 2026, e, 64);
	bool seen = false;
	for (int i = 0; i < n; i++)
		if (e[i].month == 4 && e[i].day == 27) {
			seen = true;
			assert_int_equal(e[i].source, WORKCAL_SOURCE_OVERRIDE);
			assert_string_equal(e[i].name, "Nghỉ theo thông báo");
		}
	assert_true(seen);

	/* Rename keeps the day, changes its name. */
	assert_int_equal(store_calendar_set_day(f->db.st, &admin, "2026-04-30", "rename",
	                                        "Ngày Giải phóng miền Nam", NULL, &err),
	                 MC_OK);
	struct calendar_year y;
	assert_int_equal(store_calendar_year(f->db.st, 2026, &y, &err), MC_OK);
	json_t *year = present_calendar_year(&y);
	calendar_year_free(&y);
	json_t *days = json_object_get(year, "days"), *d;
	size_t i;
	seen = false;
	json_array_foreach(days, i, d)
	{
		if (strcmp(json_string_value(json_object_get(d, "date")), "2026-04-30") == 0) {
			seen = true;
			assert_string_equal(json_string_value(json_object_get(d, "name")),
			                    "Ngày Giải phóng miền Nam");
			assert_string_equal(json_string_value(json_object_get(d, "kind")), "off");
			assert_string_equal(json_string_value(json_object_get(d, "source")),
			                    "override");
		}
	}
	assert_true(seen);
	assert_int_equal(json_array_size(json_object_get(year, "overrides")), 2);
	json_decref(year);
}

static void test_bad_input_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct mc_error err;
	int64_t before = events(f->db.st);
	static const struct {
		const char *date, *kind, *name, *code;
	} bad[] = {
	    {"2026-02-30", "day_off", NULL, "invalid_date"},
	    {"abc", "day_off", NULL, "invalid_date"},
	    {"2026-2-3", "day_off", NULL, "invalid_date"},
	    {"2026-02-03 ", "day_off", NULL, "invalid_date"},
	    {"1899-12-31", "day_off", NULL, "invalid_date"},
	    {"2101-01-01", "day_off", NULL, "invalid_date"},
	    {NULL, "day_off", NULL, "invalid_date"},
	    {"2026-02-03", "holiday", NULL, "invalid_kind"},
	    {"2026-02-03", NULL, NULL, "invalid_kind"},
	    {"2026-04-30", "rename", NULL, "missing_name"},
	    {"2026-02-03", "day_off", "", "invalid_name"},
	    {"2026-02-03", "day_off", "tab\there", "invalid_name"},
	    {"2026-02-03", "day_off", "\xff\xfe", "invalid_name"},
	    {"2026-02-03", "day_off",
	     "01234567890123456789012345678901234567890123456789012345678901234567890123456789",
	     "invalid_name"},
	    {"2026-03-03", "remove", NULL, "no_named_day"}, /* an ordinary Tuesday */
	    {"2026-03-03", "rename", "Tên", "no_named_day"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&err, 0, sizeof err);
		struct calendar_override row = {.date = "x"};
		assert_int_equal(store_calendar_set_day(f->db.st, &admin, bad[i].date, bad[i].kind,
		                                        bad[i].name, &row, &err),
		                 MC_ERR_INVALID);
		assert_string_equal(err.code, bad[i].code);
		assert_string_equal(row.date, ""); /* nothing stored to show */
	}
	assert_int_equal(store_calendar_delete_day(f->db.st, &admin, "2026-13-01", &err),
	                 MC_ERR_INVALID);
	assert_string_equal(err.code, "invalid_date");
	assert_int_equal(overrides(f->db.st, 2026), 0);
	assert_int_equal(events(f->db.st), before);

	assert_int_equal(store_calendar_load(f->db.st, 1899, 1900, f->cal, &err), MC_ERR_INVALID);
	assert_int_equal(store_calendar_load(f->db.st, 2000, 2040, f->cal, &err), MC_ERR_INVALID);
	assert_int_equal(store_calendar_load(f->db.st, 2027, 2026, f->cal, &err), MC_ERR_INVALID);
	struct calendar_overrides none;
	assert_int_equal(store_calendar_overrides(f->db.st, 2101, &none, &err), MC_ERR_INVALID);
	assert_null(none.items);
	struct calendar_year year;
	assert_int_equal(store_calendar_year(f->db.st, 1899, &year, &err), MC_ERR_INVALID);
	assert_null(year.days);
	int64_t due;
	assert_int_equal(store_calendar_due(f->db.st, lt(2026, 1, 5, 8, 0), STORE_CALENDAR_DAYS,
	                                    1000001, &due, &err),
	                 MC_ERR_INVALID);
	assert_string_equal(err.code, "invalid_limit");
	assert_int_equal(store_calendar_due(f->db.st, lt(2101, 1, 5, 8, 0), STORE_CALENDAR_DAYS,
	                                    1000, &due, &err),
	                 MC_ERR_INVALID);
	assert_string_equal(err.code, "invalid_from");
	assert_int_equal(store_calendar_due(f->db.st, lt(2100, 12, 20, 8, 0), STORE_CALENDAR_DAYS,
	                                    100000, &due, &err),
	                 MC_ERR_INVALID);
	assert_string_equal(err.code, "due_out_of_range");
}

static void test_config(void **state)
{
	struct fixture *f = *state;
	struct mc_error err;
	int64_t before = events(f->db.st);

	json_t *bad[] = {
	    json_pack("{s:[i,i]}", "weekdays", 1, 7),
	    json_pack("{s:[i,i]}", "weekdays", 1, 1),
	    json_pack("{s:[]}", "weekdays"),
	    json_pack("{s:s}", "cutoff", "25:00"),
	    json_pack("{s:[{s:s, s:s}]}", "sessions", "start", "12:00", "end", "08:00"),
	    json_pack("{s:[{s:s, s:s}, {s:s, s:s}]}", "sessions", "start", "08:00", "end", "12:00",
	              "start", "11:00", "end", "13:00"),
	    json_pack("{s:i}", "holidays", 1),
	    json_pack("{}"),
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(set_config(f->db.st, &admin, bad[i], &err), MC_ERR_INVALID);
		json_decref(bad[i]);
	}
	assert_int_equal(events(f->db.st), before);

	/* Saturday mornings worked: Monday-Saturday, one session 07:00-11:00. */
	json_t *cfg = json_pack("{s:[i,i,i,i,i,i], s:[{s:s, s:s}], s:s}", "weekdays", 1, 2, 3, 4, 5,
	                        6, "sessions", "start", "07:00", "end", "11:00", "cutoff", "10:00");
	assert_int_equal(set_config(f->db.st, &admin, cfg, &err), MC_OK);
	json_decref(cfg);
	assert_int_equal(events(f->db.st), before + 1);
	json_t *now = NULL;
	assert_int_equal(config_json(f->db.st, &now, &err), MC_OK);
	assert_int_equal(json_array_size(json_object_get(now, "weekdays")), 6);
	assert_string_equal(json_string_value(json_object_get(now, "cutoff")), "10:00");
	json_decref(now);

	load(f);
	assert_int_equal(workcal_day_seconds(f->cal), 4 * 3600);
	assert_true(workcal_is_working_day(f->cal, 2026, 3, 7)); /* a Saturday */
	/* Fri 6 Mar 2026 08:00 + 1 day (4 h) → Sat 7 Mar 08:00. */
	assert_int_equal(due_days(f->cal, lt(2026, 3, 6, 8, 0), 1), lt(2026, 3, 7, 8, 0));
	int64_t due;
	assert_int_equal(store_calendar_due(f->db.st, lt(2026, 3, 6, 8, 0), STORE_CALENDAR_DAYS,
	                                    1000, &due, &err),
	                 MC_OK);
	assert_int_equal(due, lt(2026, 3, 7, 8, 0));

	/* Only the cutoff: the rest is kept. */
	cfg = json_pack("{s:s}", "cutoff", "09:30");
	assert_int_equal(set_config(f->db.st, &admin, cfg, &err), MC_OK);
	json_decref(cfg);
	now = NULL;
	assert_int_equal(config_json(f->db.st, &now, &err), MC_OK);
	assert_int_equal(json_array_size(json_object_get(now, "weekdays")), 6);
	assert_string_equal(json_string_value(json_object_get(now, "cutoff")), "09:30");
	json_decref(now);
}

static void test_reopen_keeps_overrides(void **state)
{
	struct fixture *f = *state;
	struct mc_error err;

	assert_int_equal(store_calendar_set_day(f->db.st, &admin, "2026-01-02", "day_off",
	                                        "Nghỉ bù cầu Tết Dương lịch", NULL, &err),
	                 MC_OK);
	assert_int_equal(store_calendar_set_day(f->db.st, &admin, "2026-01-10", "workday",
	                                        "Làm bù cho ngày 02/01", NULL, &err),
	                 MC_OK);
	store_close(f->db.st);
	f->db.st = NULL;
	assert_int_equal(store_open(f->db.path, &f->db.st, &err), MC_OK);
	assert_int_equal(overrides(f->db.st, 2026), 2);
	assert_int_equal(overrides(f->db.st, 2025), 0);
	load(f);
	assert_false(workcal_is_working_day(f->cal, 2026, 1, 2));
	assert_true(workcal_is_working_day(f->cal, 2026, 1, 10));
	/* Wed 31 Dec 2025 10:00 + 1 day: Fri 2 Jan is off now → Mon 5 Jan. */
	assert_int_equal(due_days(f->cal, lt(2025, 12, 31, 10, 0), 1), lt(2026, 1, 5, 10, 0));
	int64_t n = 0;
	assert_int_equal(store_audit_verify(f->db.st, &n, &err), MC_OK);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_schema_has_step_2, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_defaults_without_overrides, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_makeup_saturday_changes_due, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_removed_holiday_becomes_working, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_input_changes_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reopen_keeps_overrides, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
