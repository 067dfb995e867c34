/* Unit tests of the nightly backups' names and retention (domain/backup_plan)
 * and of the folder listing (util/backup_files): which names are backups,
 * which backups are kept across days, months and years in office time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/backup_plan.h"
#include "util/backup_files.h"

/* The instant of a backup name (which must be one). */
static int64_t at(const char *name)
{
	int64_t t = 0;
	assert_true(backup_plan_parse_name(name, &t));
	return t;
}

/* Runs the retention over names (NULL-terminated) with fresh the one just
 * made, and checks the kept ones are exactly `want` (NULL-terminated; any
 * order) and every other is dropped. */
static void check_kept(const char *const *names, const char *fresh, int daily, int monthly,
                       const char *const *want)
{
	size_t n = 0;
	while (names[n])
		n++;
	struct backup_plan_item items[64];
	assert_true(n <= 64);
	for (size_t i = 0; i < n; i++)
		items[i] = (struct backup_plan_item){.when = at(names[i]), .index = i};
	backup_plan_choose(items, n, fresh ? at(fresh) : INT64_MIN, INT64_MAX, daily, monthly);
	for (size_t i = 1; i < n; i++)
		assert_true(items[i - 1].when > items[i].when); /* newest first */
	for (size_t i = 0; i < n; i++) {
		const char *name = names[items[i].index];
		bool wanted = false;
		for (size_t k = 0; want[k]; k++)
			wanted |= strcmp(want[k], name) == 0;
		if (wanted != (items[i].keep != BACKUP_DROP))
			fail_msg("%s: %s, expected %s", name, items[i].keep ? "kept" : "dropped",
			         wanted ? "kept" : "dropped");
	}
}

static void test_name_office_time(void **state)
{
	char name[BACKUP_NAME_SIZE];
	/* 2026-12-01 02:30:00 UTC is 09:30 in Hà Nội. */
	backup_plan_name(1796092200, name);
	assert_string_equal(name, "motcua-20261201-093000.db.gz");
	assert_int_equal(at(name), 1796092200);
	/* 17:00 UTC on New Year's Eve is already the next year in the office. */
	backup_plan_name(1798736400, name);
	assert_string_equal(name, "motcua-20270101-000000.db.gz");
	backup_plan_name(1798736399, name);
	assert_string_equal(name, "motcua-20261231-235959.db.gz");
	/* Round trip over a few years, one odd second at a time. */
	for (int64_t t = 1700000000; t < 1900000000; t += 86400 * 13 + 3607) {
		backup_plan_name(t, name);
		assert_int_equal(at(name), t);
	}
}

static void test_name_refused(void **state)
{
	static const char *const not_backups[] = {
	    "motcua-20261201-093000.db.gz.bad",
	    "motcua-20261201-093000.db.gz.part-Ab12Cd",
	    "motcua-20261201-093000.db",
	    "motcua-20261201_093000.db.gz",
	    "Motcua-20261201-093000.db.gz",
	    "xmotcua-20261201-093000.db.gz",
	    "motcua-2026121-093000.db.gz",
	    "motcua-20260231-093000.db.gz", /* 31 February */
	    "motcua-20261301-093000.db.gz",
	    "motcua-20261201-243000.db.gz",
	    "motcua-20261201-096000.db.gz",
	    "motcua-20261201-093060.db.gz",
	    "motcua-2026120a-093000.db.gz",
	    "motcua-+0261201-093000.db.gz",
	    "notes.txt",
	    "",
	    ".motcua-check-Ab12Cd",
	};
	int64_t t = 42;
	for (size_t i = 0; i < sizeof not_backups / sizeof *not_backups; i++) {
		if (backup_plan_parse_name(not_backups[i], &t))
			fail_msg("'%s' taken for a backup", not_backups[i]);
		assert_int_equal(t, 42);
	}
	assert_true(backup_plan_parse_name("motcua-20240229-000000.db.gz", NULL));
	assert_false(backup_plan_parse_name("motcua-20250229-000000.db.gz", NULL));
}

static void test_several_a_day(void **state)
{
	static const char *const names[] = {
	    "motcua-20261130-010000.db.gz", "motcua-20261130-120000.db.gz",
	    "motcua-20261130-235959.db.gz", "motcua-20261129-000000.db.gz",
	    "motcua-20261129-080000.db.gz", "motcua-20261128-090000.db.gz",
	    "motcua-20261201-020000.db.gz", NULL};
	static const char *const want[] = {"motcua-20261201-020000.db.gz",
	                                   "motcua-20261130-235959.db.gz",
	                                   "motcua-20261129-080000.db.gz", NULL};
	check_kept(names, "motcua-20261201-020000.db.gz", 3, 0, want);
	/* The monthly one is the newest of the month, already kept daily. */
	check_kept(names, "motcua-20261201-020000.db.gz", 3, 2, want);
}

static void test_fewer_days_than_n(void **state)
{
	static const char *const names[] = {
	    "motcua-20261120-020000.db.gz", "motcua-20261120-030000.db.gz",
	    "motcua-20261125-020000.db.gz", "motcua-20261201-020000.db.gz", NULL};
	static const char *const want[] = {"motcua-20261201-020000.db.gz",
	                                   "motcua-20261125-020000.db.gz",
	                                   "motcua-20261120-030000.db.gz", NULL};
	check_kept(names, "motcua-20261201-020000.db.gz", 7, 0, want);
}

static void test_days_having_backups(void **state)
{
	/* Days without a backup (the server was off) do not use up the count:
	 * the last two days having backups are 20 and 10 November. */
	static const char *const names[] = {"motcua-20261101-020000.db.gz",
	                                    "motcua-20261110-020000.db.gz",
	                                    "motcua-20261120-020000.db.gz", NULL};
	static const char *const want[] = {"motcua-20261120-020000.db.gz",
	                                   "motcua-20261110-020000.db.gz", NULL};
	check_kept(names, NULL, 2, 0, want);
}

static void test_month_boundary(void **state)
{
	/* 23:30 on 31 January and 00:30 on 1 February, office time: the same
	 * UTC date (16:30Z and 17:30Z), two office days in two months. */
	static const char *const names[] = {
	    "motcua-20260131-233000.db.gz", "motcua-20260201-003000.db.gz",
	    "motcua-20260130-233000.db.gz", "motcua-20260101-120000.db.gz", NULL};
	assert_int_equal(at("motcua-20260201-003000.db.gz") - at("motcua-20260131-233000.db.gz"),
	                 3600);
	static const char *const one_day_two_months[] = {"motcua-20260201-003000.db.gz",
	                                                 "motcua-20260131-233000.db.gz", NULL};
	check_kept(names, NULL, 1, 2, one_day_two_months);
	static const char *const two_days[] = {"motcua-20260201-003000.db.gz",
	                                       "motcua-20260131-233000.db.gz", NULL};
	check_kept(names, NULL, 2, 0, two_days);
	static const char *const three_months[] = {"motcua-20260201-003000.db.gz",
	                                           "motcua-20260131-233000.db.gz", NULL};
	check_kept(names, NULL, 0, 3, three_months); /* only two months have backups */
}

static void test_year_boundary(void **state)
{
	/* December and the next January are two months; January of two years
	 * are two months, not one. */
	static const char *const names[] = {"motcua-20260101-000000.db.gz",
	                                    "motcua-20251231-235959.db.gz",
	                                    "motcua-20251215-020000.db.gz",
	                                    "motcua-20250115-020000.db.gz",
	                                    "motcua-20250110-020000.db.gz",
	                                    "motcua-20241231-020000.db.gz",
	                                    NULL};
	static const char *const want3[] = {"motcua-20260101-000000.db.gz",
	                                    "motcua-20251231-235959.db.gz",
	                                    "motcua-20250115-020000.db.gz", NULL};
	check_kept(names, NULL, 0, 3, want3);
	static const char *const want12[] = {
	    "motcua-20260101-000000.db.gz", "motcua-20251231-235959.db.gz",
	    "motcua-20250115-020000.db.gz", "motcua-20241231-020000.db.gz", NULL};
	check_kept(names, NULL, 0, 12, want12);
	/* Daily and monthly together: one day, then the months. */
	static const char *const want_both[] = {"motcua-20260101-000000.db.gz",
	                                        "motcua-20251231-235959.db.gz", NULL};
	check_kept(names, NULL, 1, 2, want_both);
}

static void test_fresh_always_kept(void **state)
{
	/* The clock went back: a backup named in the future is newer than the
	 * one just made, which is kept all the same, even with no retention. */
	static const char *const names[] = {"motcua-20270301-020000.db.gz",
	                                    "motcua-20261201-020000.db.gz",
	                                    "motcua-20261130-020000.db.gz", NULL};
	static const char *const only_fresh[] = {"motcua-20261201-020000.db.gz", NULL};
	check_kept(names, "motcua-20261201-020000.db.gz", 0, 0, only_fresh);
	static const char *const future_and_fresh[] = {"motcua-20270301-020000.db.gz",
	                                               "motcua-20261201-020000.db.gz", NULL};
	check_kept(names, "motcua-20261201-020000.db.gz", 1, 0, future_and_fresh);
	static const char *const negative[] = {"motcua-20261201-020000.db.gz", NULL};
	check_kept(names, "motcua-20261201-020000.db.gz", -5, -1, negative);
	backup_plan_choose(NULL, 0, 0, 0, 7, 12); /* nothing to do, no crash */
}

static void touch(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static void test_folder_listing(void **state)
{
	char dir[] = "/tmp/motcua-backup-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int64_t when = 7;
	assert_false(backup_newest(dir, INT64_MAX, &when, NULL)); /* empty */
	assert_int_equal(when, 7);
	touch(dir, "motcua-20261129-020000.db.gz");
	touch(dir, "motcua-20261130-020000.db.gz");
	/* Newer, but none of them a checked backup. */
	touch(dir, "motcua-20261201-020000.db.gz.bad");
	touch(dir, "motcua-20261201-030000.db.gz.part-Ab12Cd");
	touch(dir, "notes.txt");
	char path[512];
	snprintf(path, sizeof path, "%s/motcua-20261202-020000.db.gz", dir);
	assert_int_equal(mkdir(path, 0700), 0); /* a folder with a backup's name */
	char link[512];
	snprintf(link, sizeof link, "%s/motcua-20261203-020000.db.gz", dir);
	assert_int_equal(symlink("motcua-20261130-020000.db.gz", link), 0);

	struct backup_file *files;
	size_t n;
	assert_true(backup_files_list(dir, &files, &n));
	assert_int_equal(n, 2);
	int64_t sum = files[0].when + files[1].when;
	assert_int_equal(sum,
	                 at("motcua-20261129-020000.db.gz") + at("motcua-20261130-020000.db.gz"));
	free(files);
	assert_true(backup_newest(dir, INT64_MAX, &when, NULL));
	assert_int_equal(when, at("motcua-20261130-020000.db.gz"));
	assert_true(backup_files_sync_dir(dir));

	static const char *const names[] = {"motcua-20261129-020000.db.gz",
	                                    "motcua-20261130-020000.db.gz",
	                                    "motcua-20261201-020000.db.gz.bad",
	                                    "motcua-20261201-030000.db.gz.part-Ab12Cd",
	                                    "notes.txt",
	                                    "motcua-20261203-020000.db.gz"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		assert_int_equal(unlink(path), 0);
	}
	snprintf(path, sizeof path, "%s/motcua-20261202-020000.db.gz", dir);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_false(backup_newest(dir, INT64_MAX, &when, NULL)); /* gone: false, no crash */
	assert_false(backup_newest(NULL, INT64_MAX, &when, NULL));
	assert_false(backup_files_list(dir, &files, &n));
	assert_null(files);
	assert_int_equal(n, 0);
}

/* A name dated in the future (a clock once far ahead, a hand-made name)
 * takes no daily or monthly place, is never deleted, and the real backups
 * keep their places: the new one is the newest daily and monthly. */
static void test_future_dated(void **state)
{
	(void)state;
	static const char *const names[] = {
	    "motcua-20991231-235959.db.gz", "motcua-20261201-020000.db.gz",
	    "motcua-20261130-020000.db.gz", "motcua-20261129-020000.db.gz",
	    "motcua-20261001-020000.db.gz", NULL};
	struct backup_plan_item items[5];
	for (size_t i = 0; i < 5; i++)
		items[i] = (struct backup_plan_item){.when = at(names[i]), .index = i};
	int64_t fresh = at("motcua-20261201-020000.db.gz");
	backup_plan_choose(items, 5, fresh, fresh, 2, 1);
	unsigned keep[5];
	for (size_t i = 0; i < 5; i++)
		keep[items[i].index] = items[i].keep;
	assert_int_equal(keep[0], BACKUP_KEEP_FUTURE);
	assert_int_equal(keep[1], BACKUP_KEEP_NEW | BACKUP_KEEP_DAILY | BACKUP_KEEP_MONTHLY);
	assert_int_equal(keep[2], BACKUP_KEEP_DAILY);
	assert_int_equal(keep[3], BACKUP_DROP);
	assert_int_equal(keep[4], BACKUP_DROP);
	/* Within the tolerance (a clock a little behind) it counts as usual. */
	assert_false(backup_plan_in_future(fresh + BACKUP_FUTURE_TOLERANCE_S, fresh));
	assert_true(backup_plan_in_future(fresh + BACKUP_FUTURE_TOLERANCE_S + 1, fresh));
	assert_false(backup_plan_in_future(INT64_MAX, INT64_MAX));

	/* backup_newest leaves it out and counts it. */
	char dir[] = "/tmp/motcua-backup-future-XXXXXX";
	assert_non_null(mkdtemp(dir));
	touch(dir, names[0]);
	int64_t when = 7;
	size_t future = 9;
	assert_false(backup_newest(dir, fresh, &when, &future)); /* only a future one */
	assert_int_equal(when, 7);
	assert_int_equal(future, 1);
	touch(dir, names[2]);
	assert_true(backup_newest(dir, fresh, &when, &future));
	assert_int_equal(when, at(names[2]));
	assert_int_equal(future, 1);
	char path[512];
	for (size_t i = 0; i < 3; i += 2) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		assert_int_equal(unlink(path), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_name_office_time),    cmocka_unit_test(test_name_refused),
	    cmocka_unit_test(test_several_a_day),       cmocka_unit_test(test_fewer_days_than_n),
	    cmocka_unit_test(test_days_having_backups), cmocka_unit_test(test_month_boundary),
	    cmocka_unit_test(test_year_boundary),       cmocka_unit_test(test_fresh_always_kept),
	    cmocka_unit_test(test_folder_listing),      cmocka_unit_test(test_future_dated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
