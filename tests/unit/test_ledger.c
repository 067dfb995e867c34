/* The ledger entry (Sổ theo dõi hồ sơ: book and line) of dossiers received
 * before the schema step that introduced it: a database at step 6 with
 * dossiers received over a New Year (office time, UTC+7) is opened by the
 * store, which migrates it; every received dossier then has its book (the
 * office year of receipt) and its line 1, 2, 3… in order of receipt, without
 * gaps, and one not yet received has none. */
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

#include "store/schema.h"
#include "store/store.h"

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

static void test_backfill(void **state)
{
	(void)state;
	char dir[] = "/tmp/motcua-ledger-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/old.db", dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (int n = 1; n <= 6; n++)
		exec(db, schema_step(n));
	exec(db, "PRAGMA user_version = 6");
	exec(db, "INSERT INTO procedures (id, code, version, name, field, level, time_unit,"
	         " time_milli, body, created_at) VALUES (1, 'P3', 1, 'Đăng ký kết hôn', 'Hộ tịch',"
	         " 'commune', 'working_days', 3000, '{}', 0)");
	/* received_at in UTC; office time is 7 h later. 1767198600 is
	 * 2025-12-31 16:30 UTC = 23:30 office time; 1767202200 is 17:30 UTC =
	 * 00:30 on 2026-01-01 office time. */
	static const struct {
		const char *code;
		long long received; /* 0: not received */
	} rows[] = {
	    {"D-A", 1767198600}, {"D-B", 1767000000}, {"D-C", 1767202200},
	    {"D-D", 0},          {"D-E", 1767300000}, {"D-F", 1767100000},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char sql[512], received[32] = "NULL";
		if (rows[i].received)
			snprintf(received, sizeof received, "%lld", rows[i].received);
		snprintf(
		    sql, sizeof sql,
		    "INSERT INTO dossiers (code, procedure_id, status, applicant, applicant_name,"
		    " documents, intake_at, intake_by, received_at) VALUES ('%s', 1, '%s', '{}',"
		    " 'X', '[]', 1767000000, 'user:1', %s)",
		    rows[i].code, rows[i].received ? "received" : "supplement_requested", received);
		exec(db, sql);
	}
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	struct store *st;
	struct mc_error err;
	assert_int_equal(store_open(path, &st, &err), MC_OK);
	store_close(st);

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(
	    sqlite3_prepare_v2(db,
	                       "SELECT group_concat(code || ':' || coalesce(ledger_book,"
	                       " '-') || '/' || coalesce(ledger_line, '-'), ' ') FROM"
	                       " (SELECT * FROM dossiers ORDER BY code)",
	                       -1, &s, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	/* 2025: B (Dec 29), F (Dec 30), A (Dec 31, 23:30); 2026: C (Jan 1,
	 * 00:30), E (Jan 2); D not received. */
	assert_string_equal((const char *)sqlite3_column_text(s, 0),
	                    "D-A:2025/3 D-B:2025/1 D-C:2026/1 D-D:-/- D-E:2026/2 D-F:2025/2");
	sqlite3_finalize(s);
	sqlite3_close(db);
	char cmd[96];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backfill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
