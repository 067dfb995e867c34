/* The late=true (and late=false) list filter is SQL: this builds a history
 * of dossiers on a real store (received, paused for a supplement, finished
 * early or late, across the New Year holiday, never received) and checks,
 * at several instants, that the SQL filter keeps exactly the dossiers the
 * domain's lateness rule (dossier_lateness_of) calls late, and that each
 * listed dossier's timing is that rule's answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/civil_date.h"
#include "domain/dossier.h"
#include "domain/workcal.h"
#include "store/dossier.h"
#include "store/store.h"
#include "util/clock.h"

#include "store_fixture.h"

/* Office time (UTC+7) as an instant. */
static int64_t at(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days_from_ymd(y, m, d) * 86400 + hh * 3600 + mm * 60 - 7 * 3600;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

struct row {
	const char *code;
	enum dossier_status status;
	int64_t received, due, paused, finished;
};

static struct workcal cal;

/* Whether code is among the page's items. */
static const struct dossier_record *find(const struct dossier_page *p, const char *code)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i].code, code) == 0)
			return &p->items[i];
	return NULL;
}

static void test_sql_late_filter_is_the_domain_rule(void **state)
{
	(void)state;
	const struct row rows[] = {
	    /* On time, still running. */
	    {"D-RUN", DS_IN_PROCESS, at(2026, 12, 28, 8, 0), at(2027, 1, 8, 17, 0), 0, 0},
	    /* Due before the New Year, still open: late after it. */
	    {"D-OVER", DS_IN_PROCESS, at(2026, 12, 21, 8, 0), at(2026, 12, 30, 17, 0), 0, 0},
	    /* Paused (supplement awaited) before its due instant: the clock stopped. */
	    {"D-PAUSE", DS_SUPPLEMENT_REQUESTED, at(2026, 12, 21, 8, 0), at(2026, 12, 30, 17, 0),
	     at(2026, 12, 29, 9, 0), 0},
	    /* Paused after its due instant: late. */
	    {"D-PLATE", DS_SUPPLEMENT_REQUESTED, at(2026, 12, 14, 8, 0), at(2026, 12, 18, 17, 0),
	     at(2026, 12, 22, 9, 0), 0},
	    /* Finished early, and finished an hour late. */
	    {"D-EARLY", DS_RESULT_READY, at(2026, 12, 14, 8, 0), at(2026, 12, 24, 17, 0), 0,
	     at(2026, 12, 16, 10, 0)},
	    {"D-LATE", DS_RETURNED, at(2026, 12, 14, 8, 0), at(2026, 12, 31, 16, 0), 0,
	     at(2027, 1, 4, 8, 30)},
	    /* Over the holiday: due on Monday 4 January, finished on time. */
	    {"D-HOLI", DS_RESULT_READY, at(2026, 12, 31, 8, 0), at(2027, 1, 4, 8, 0), 0,
	     at(2027, 1, 4, 7, 45)},
	    /* Never received (incomplete at intake): no clock, never late. */
	    {"D-NONE", DS_SUPPLEMENT_REQUESTED, 0, 0, at(2026, 12, 22, 9, 0), 0},
	};
	const size_t n = sizeof rows / sizeof rows[0];
	struct store_fixture fx;
	assert_int_equal(store_fixture_open(&fx, "late", "t.db"), 0);
	struct store *st = fx.st;
	struct mc_error err;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(fx.path, &db), SQLITE_OK);
	exec(db, "INSERT INTO procedures (id, code, version, name, field, level, time_unit,"
	         " time_milli, body, created_at) VALUES (1, 'P3', 1, 'Đăng ký kết hôn', 'Hộ tịch',"
	         " 'commune', 'working_days', 3000, '{}', 0)");
	for (size_t i = 0; i < n; i++) {
		char sql[768];
		snprintf(
		    sql, sizeof sql,
		    "INSERT INTO dossiers (code, procedure_id, status, applicant, applicant_name,"
		    " documents, intake_at, intake_by, received_at, due_at, paused_at,"
		    " finished_at) VALUES ('%s', 1, '%s', '{}', 'X', '[]', %lld, 'user:1',"
		    " nullif(%lld, 0), nullif(%lld, 0), nullif(%lld, 0), nullif(%lld, 0))",
		    rows[i].code, dossier_status_name(rows[i].status),
		    (long long)(rows[i].received ? rows[i].received : at(2026, 12, 21, 8, 0)),
		    (long long)rows[i].received, (long long)rows[i].due, (long long)rows[i].paused,
		    (long long)rows[i].finished);
		exec(db, sql);
	}
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	struct workcal_config cfg;
	workcal_config_default(&cfg, 2026, 2027);
	assert_int_equal(workcal_init(&cal, &cfg), WORKCAL_OK);
	struct dossier_calendar dcal;
	dossier_calendar_workcal(&dcal, &cal);

	clock_enable_test_mode();
	const int64_t instants[] = {at(2026, 12, 29, 10, 0), at(2027, 1, 4, 9, 0),
	                            at(2027, 1, 11, 9, 0)};
	int late_seen = 0, on_time_seen = 0;
	for (size_t k = 0; k < sizeof instants / sizeof instants[0]; k++) {
		clock_set(instants[k]);
		struct dossier_page late, not_late;
		struct dossier_filter f = {.late = 1};
		assert_int_equal(store_dossier_list(st, &f, 0, 100, &late, &err), MC_OK);
		f.late = 0;
		assert_int_equal(store_dossier_list(st, &f, 0, 100, &not_late, &err), MC_OK);
		for (size_t i = 0; i < n; i++) {
			struct dossier_times t = {.status = rows[i].status,
			                          .received_at = rows[i].received,
			                          .due_at = rows[i].due,
			                          .paused_at = rows[i].paused,
			                          .finished_at = rows[i].finished};
			struct dossier_lateness l;
			dossier_lateness_of(&dcal, &t, instants[k], 200, &l);
			const struct dossier_record *in_late = find(&late, rows[i].code);
			const struct dossier_record *in_not = find(&not_late, rows[i].code);
			if (l.known && l.late) {
				if (in_late == NULL || in_not != NULL)
					fail_msg("%s at %zu: late by the rule, not by SQL",
					         rows[i].code, k);
				assert_true(in_late->timing.late);
				assert_int_equal(in_late->timing.late_seconds, l.late_seconds);
				late_seen++;
			} else if (l.known) {
				if (in_late != NULL || in_not == NULL)
					fail_msg("%s at %zu: on time by the rule, not by SQL",
					         rows[i].code, k);
				assert_false(in_not->timing.late);
				assert_int_equal(in_not->timing.has_result, l.has_result);
				on_time_seen++;
			} else {
				/* No clock: neither filter lists it. */
				assert_null(in_late);
				assert_null(in_not);
			}
		}
		dossier_page_clear(&late);
		dossier_page_clear(&not_late);
	}
	/* The history has both answers at every instant. */
	assert_true(late_seen >= 3);
	assert_true(on_time_seen >= 3);
	clock_use_real();
	assert_int_equal(store_fixture_close(&fx), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sql_late_filter_is_the_domain_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
