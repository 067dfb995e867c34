/* The rules the store writes in SQL compared with the domain's functions
 * on a simulated history, dossier by dossier summed: motcua_dossiers_late
 * (store/ops_figures.c) against indicators_open_late (domain/indicators.h),
 * and the public page's "late now" (store/transparency.c) against
 * dossier_is_late (domain/dossier.h) of the open dossiers. */
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

#include "domain/dossier.h"
#include "domain/indicators.h"
#include "store/ops_figures.h"
#include "store/store.h"
#include "store/transparency.h"

#include "store_fixture.h"

/* Open dossiers with random due instants, some paused before or after
 * their due, some received after the instant asked: the store's count of
 * the late ones equals the domain's, at several instants. */
static void test_open_late_sql_matches_domain(void **state)
{
	struct store_fixture *f = *state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(
	    sqlite3_exec(db,
	                 "INSERT INTO procedures (id, code, version, name, field, level,"
	                 " time_unit, time_milli, body, created_at) VALUES (1, 'P1', 1, 'Thủ tục',"
	                 " 'Lĩnh vực', 'province', 'working_days', 5000, '{}', 0)",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	enum { N = 400 };
	static int64_t received[N], due[N], paused[N];
	uint64_t seed = 7;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "INSERT INTO dossiers (code, procedure_id, status,"
	                                    " applicant, applicant_name, documents, intake_at,"
	                                    " intake_by, received_at, due_at, paused_at)"
	                                    " VALUES (?1, 1, ?2, '{}', 'A', '[]', ?3, 'x', ?3, ?4,"
	                                    " ?5)",
	                                    -1, &s, NULL),
	                 SQLITE_OK);
	for (int i = 0; i < N; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		received[i] = 1000000 + (int64_t)((seed >> 33) % 100000);
		due[i] = received[i] + (int64_t)((seed >> 20) % 50000);
		paused[i] =
		    (seed >> 10) % 3 == 0 ? received[i] + (int64_t)((seed >> 40) % 80000) : 0;
		char code[16];
		snprintf(code, sizeof code, "D%04d", i);
		sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, paused[i] ? "supplement_requested" : "in_process", -1,
		                  SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, received[i]);
		sqlite3_bind_int64(s, 4, due[i]);
		if (paused[i])
			sqlite3_bind_int64(s, 5, paused[i]);
		else
			sqlite3_bind_null(s, 5);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	const int64_t at[] = {1000000, 1040000, 1080000, 1120000, 1200000};
	for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
		long long open = 0, late = 0;
		for (int i = 0; i < N; i++) {
			if (received[i] > at[k]) /* the SQL: received_at <= now */
				continue;
			open++;
			late += indicators_open_late(due[i], paused[i], at[k]);
		}
		struct store_ops_figures fig;
		struct mc_error err;
		assert_int_equal(store_ops_figures_load(f->st, at[k], &fig, &err), MC_OK);
		assert_int_equal(fig.dossiers_open, open);
		assert_int_equal(fig.dossiers_late, late);
		store_ops_figures_clear(&fig);
	}
}

/* The public page's late dossiers: open ones whose clock runs past their
 * due instant, and those paused for a supplement after it had passed; the
 * store's count equals the open dossiers dossier_is_late says are late. */
static void test_late_now_sql_matches_domain(void **state)
{
	static const enum dossier_status statuses[] = {DS_RECEIVED,
	                                               DS_IN_PROCESS,
	                                               DS_INTERAGENCY,
	                                               DS_AWAITING_PAYMENT,
	                                               DS_SUPPLEMENT_REQUESTED,
	                                               DS_RESULT_READY,
	                                               DS_RETURNED_INELIGIBLE,
	                                               DS_WITHDRAWN};
	struct store_fixture *f = *state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(
	    sqlite3_exec(db,
	                 "INSERT INTO procedures (id, code, version, name, field, level,"
	                 " time_unit, time_milli, body, created_at) VALUES (1, 'P1', 1, 'Thủ tục',"
	                 " 'Lĩnh vực', 'province', 'working_days', 5000, '{}', 0)",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	enum { N = 400 };
	static struct dossier_times t[N];
	uint64_t seed = 11;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "INSERT INTO dossiers (code, procedure_id, status,"
	                                    " applicant, applicant_name, documents, intake_at,"
	                                    " intake_by, received_at, due_at, paused_at,"
	                                    " finished_at) VALUES (?1, 1, ?2, '{}', 'A', '[]', ?3,"
	                                    " 'x', ?3, ?4, ?5, ?6)",
	                                    -1, &s, NULL),
	                 SQLITE_OK);
	for (int i = 0; i < N; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		struct dossier_times *d = &t[i];
		d->status = statuses[(seed >> 50) % 8];
		d->received_at = 1000000 + (int64_t)((seed >> 33) % 100000);
		d->due_at = d->received_at + (int64_t)((seed >> 20) % 50000);
		if (d->status == DS_SUPPLEMENT_REQUESTED)
			d->paused_at = d->received_at + (int64_t)((seed >> 40) % 80000);
		if (d->status >= DS_RESULT_READY)
			d->finished_at = d->received_at + (int64_t)((seed >> 10) % 80000);
		char code[16];
		snprintf(code, sizeof code, "D%04d", i);
		sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, dossier_status_name(d->status), -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, d->received_at);
		sqlite3_bind_int64(s, 4, d->due_at);
		int64_t opt[] = {d->paused_at, d->finished_at};
		for (int k = 0; k < 2; k++)
			if (opt[k])
				sqlite3_bind_int64(s, 5 + k, opt[k]);
			else
				sqlite3_bind_null(s, 5 + k);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	/* Every dossier was received by the last instant: all are open or
	 * finished then, as the page sees them now. */
	const int64_t at[] = {1150000, 1200000, 1300000};
	for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
		int64_t late = 0;
		for (int i = 0; i < N; i++)
			late += t[i].finished_at == 0 && dossier_is_late(&t[i], at[k]);
		struct transparency tr;
		struct mc_error err;
		assert_int_equal(store_transparency(f->st, at[k], NULL, &tr, &err), MC_OK);
		assert_int_equal(tr.late_total, late);
		transparency_free(&tr);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_late_sql_matches_domain, store_fixture_setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_late_now_sql_matches_domain, store_fixture_setup,
	                                    store_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
