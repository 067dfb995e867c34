/* Indicators on a large history: 1 million dossiers and 3 million tickets
 * (one visit each) over 2023-2025, written by direct batched inserts into a
 * temporary database (schema by store_open; the maintained figures'
 * triggers off during the fill, the figures rebuilt after it), then a
 * quarter's indicators
 * grouped by office (store_indicators), median of 5 runs, against the 300 ms
 * goal. Also an older quarter (the "open at the end" scan then reads every
 * dossier finished after it) and the database size. Not a pass/fail test.
 * With PG_TARGET (a libpq URI of an empty database), the filled file is
 * copied there by the store's own migrate-to (store_migrate_to_pg, which
 * analyzes the copy as the fill analyzes the file), and the indicators are
 * timed on PostgreSQL instead.
 * Usage: bench_indicators [DOSSIERS [TICKETS [PG_TARGET]]] */
#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/present_indicators.h"
#include "bench_fill.h"
#include "store/figures.h"
#include "store/indicators.h"
#include "store/migrate_pg.h"
#include "store/store.h"

#define GOAL_MS 100.0 /* issue 14: a quarter by office */
#define N_OFFICES 8

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench_indicators: %s: %s\n", sql, msg);
		exit(1);
	}
}

static void fill(const char *path, long n_dossiers, long n_tickets)
{
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		exit(1);
	exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
	         " PRAGMA cache_size = -400000; BEGIN");
	/* Direct inserts: the figures are rebuilt once at the end. */
	exec(db, "DROP TRIGGER fig_dossiers_ins; DROP TRIGGER fig_dossiers_upd;"
	         " DROP TRIGGER fig_dossiers_del; DROP TRIGGER fig_visits_ins;"
	         " DROP TRIGGER fig_visits_upd; DROP TRIGGER fig_visits_del;"
	         " DROP TRIGGER fig_tickets_ins; DROP TRIGGER fig_tickets_upd;"
	         " DROP TRIGGER fig_tickets_del");
	char sql[600];
	for (int o = 0; o < N_OFFICES; o++) {
		snprintf(sql, sizeof sql,
		         "INSERT INTO offices (code, name) VALUES ('O%d', 'Phòng %d')", o, o);
		exec(db, sql);
	}
	for (int p = 1; p <= N_PROCS; p++) {
		snprintf(
		    sql, sizeof sql,
		    "INSERT INTO procedures (id, code, version, name, field, level, office,"
		    " time_unit, time_milli, body, created_at) VALUES (%d, 'P%d', 1,"
		    " 'Thủ tục %d', 'Lĩnh vực %d', 'district', 'O%d', 'working_days', %d, '{}', 0)",
		    p, p, p, p % 10, p % N_OFFICES, 1000 * (1 + p % 10));
		exec(db, sql);
	}
	exec(db,
	     "INSERT INTO service_groups (id, code, prefix, name) VALUES (1, 'A', 'A', 'A');"
	     "INSERT INTO counters (id, no, name) VALUES (1, 1, 'Q1'), (2, 2, 'Q2'), (3, 3, 'Q3')");

	/* Dossiers in time order, so the time indexes grow at their end. */
	int64_t *rec = malloc((size_t)n_dossiers * sizeof *rec);
	for (long i = 0; i < n_dossiers; i++)
		rec[i] = working_instant();
	qsort(rec, (size_t)n_dossiers, sizeof *rec, cmp_i64);
	sqlite3_stmt *s;
	sqlite3_prepare_v2(
	    db,
	    "INSERT INTO dossiers (code, procedure_id, status, channel, applicant,"
	    " applicant_name, documents, intake_at, intake_by, received_at, due_at,"
	    " first_due_at, supplements, apology_at, finished_at, work_seconds, timing,"
	    " holder_office) VALUES (?1, ?2, ?3, ?4, '{}', 'x', '[]', ?5, 'user:2', ?5,"
	    " ?6, ?6, ?7, ?8, ?9, ?10, ?11, 'one-stop')",
	    -1, &s, NULL);
	int64_t end = START + (int64_t)DAYS * 86400;
	for (long i = 0; i < n_dossiers; i++) {
		char code[40];
		snprintf(code, sizeof code, "B-%08ld", i);
		sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
		bench_dossier_bind(s, rec[i], end);
		if (sqlite3_step(s) != SQLITE_DONE) {
			fprintf(stderr, "dossier insert: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	free(rec);

	int64_t *iss = malloc((size_t)n_tickets * sizeof *iss);
	for (long i = 0; i < n_tickets; i++)
		iss[i] = working_instant();
	qsort(iss, (size_t)n_tickets, sizeof *iss, cmp_i64);
	sqlite3_stmt *t, *v;
	sqlite3_prepare_v2(
	    db,
	    "INSERT INTO tickets (id, service_day, series_group_id, group_id, number,"
	    " label, state, issued_at, issued_by, queue_key, queued_at, counter_id,"
	    " finished_at, outcome) VALUES (?1, ?2, 1, 1, ?3, 'A', ?4, ?5, 'device:1',"
	    " ?1, ?5, ?6, ?7, ?8)",
	    -1, &t, NULL);
	sqlite3_prepare_v2(
	    db,
	    "INSERT INTO visits (ticket_id, counter_id, actor, queued_at, called_at,"
	    " first_called_at, recalls, finished_at, outcome) VALUES (?1, ?2, 'user:2',"
	    " ?3, ?4, ?4, ?5, ?6, ?7)",
	    -1, &v, NULL);
	int number = 0;
	int64_t day_prev = -1;
	for (long i = 0; i < n_tickets; i++) {
		int64_t day = (iss[i] + 25200) / 86400;
		number = day == day_prev ? number + 1 : 1;
		day_prev = day;
		char sd[16];
		time_t tt = (time_t)(iss[i] + 25200);
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(sd, sizeof sd, "%Y-%m-%d", &tm);
		int64_t called = iss[i] + (int64_t)(rng() % 2400);
		int64_t fin = called + 120 + (int64_t)(rng() % 900);
		bool noshow = rng() % 20 == 0;
		int counter = 1 + (int)(rng() % 3);
		sqlite3_bind_int64(t, 1, i + 1);
		sqlite3_bind_text(t, 2, sd, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(t, 3, number);
		sqlite3_bind_text(t, 4, noshow ? "no_show" : "done", -1, SQLITE_STATIC);
		sqlite3_bind_int64(t, 5, iss[i]);
		sqlite3_bind_int(t, 6, counter);
		sqlite3_bind_int64(t, 7, fin);
		sqlite3_bind_text(t, 8, noshow ? "no_show" : "served", -1, SQLITE_STATIC);
		sqlite3_bind_int64(v, 1, i + 1);
		sqlite3_bind_int(v, 2, counter);
		sqlite3_bind_int64(v, 3, iss[i]);
		sqlite3_bind_int64(v, 4, called);
		sqlite3_bind_int(v, 5, noshow ? 1 : 0);
		sqlite3_bind_int64(v, 6, fin);
		sqlite3_bind_text(v, 7, noshow ? "no_show" : "served", -1, SQLITE_STATIC);
		if (sqlite3_step(t) != SQLITE_DONE || sqlite3_step(v) != SQLITE_DONE) {
			fprintf(stderr, "ticket insert: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
		sqlite3_reset(t);
		sqlite3_reset(v);
	}
	sqlite3_finalize(t);
	sqlite3_finalize(v);
	free(iss);
	if (figures_rebuild_db(db) != SQLITE_OK) {
		fprintf(stderr, "figures rebuild: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	exec(db, FIGURES_TRIGGERS_SQL "COMMIT; ANALYZE");
	sqlite3_close(db);
}

static double run(struct store *st, const char *from, const char *to, json_t **keep)
{
	double ms[5];
	for (int i = 0; i < 5; i++) {
		struct mc_error err;
		json_t *out = NULL;
		double t0 = now_ms();
		if (present_indicators_answer(st, NULL, NULL, from, to, IND_BY_OFFICE, false, &out,
		                              &err) != MC_OK) {
			fprintf(stderr, "store_indicators: %s\n", err.message_en);
			exit(1);
		}
		ms[i] = now_ms() - t0;
		if (i == 4 && keep)
			*keep = out;
		else
			json_decref(out);
	}
	for (int i = 0; i < 5; i++) /* sort for the median */
		for (int j = i + 1; j < 5; j++)
			if (ms[j] < ms[i]) {
				double x = ms[i];
				ms[i] = ms[j];
				ms[j] = x;
			}
	return ms[2];
}

/* Copies the filled file at path into the PostgreSQL database target with
 * migrate-to, which ends with VACUUM (ANALYZE) of the copy (the fill ends
 * with ANALYZE on SQLite): the copy as a user gets it. Exits on an error. */
static void copy_to_pg(const char *path, const char *target)
{
	struct migrate_report rep;
	struct mc_error err;
	double t0 = now_ms();
	/* The fill writes rows without their events: the check after the
	 * copy finds dossiers without a chain to agree with. The copy is in
	 * (rep.committed) and is what is timed. */
	char check[400] = "verified";
	if (store_migrate_to_pg(path, target, &rep, &err) != MC_OK) {
		if (!rep.committed) {
			fprintf(stderr, "bench_indicators: migrate-to: %s (%s)\n", err.message_en,
			        err.code);
			exit(1);
		}
		snprintf(check, sizeof check,
		         "committed; its check: %s, as expected of a fill without events",
		         err.code);
	}
	printf("copied to PostgreSQL by migrate-to (VACUUM (ANALYZE) included): %lld rows in %.1f"
	       " s (%s)\n",
	       (long long)rep.rows, (now_ms() - t0) / 1000, check);
	migrate_report_free(&rep);
}

int main(int argc, char **argv)
{
	long n_dossiers = argc > 1 ? atol(argv[1]) : 1000000;
	long n_tickets = argc > 2 ? atol(argv[2]) : 3000000;
	const char *pg_target = argc > 3 ? argv[3] : NULL;
	char dir[] = "/tmp/motcua-bench-ind-XXXXXX";
	if (mkdtemp(dir) == NULL)
		return 1;
	char path[256];
	snprintf(path, sizeof path, "%s/bench.db", dir);
	struct store *st;
	struct mc_error err;
	if (store_open(path, &st, &err) != MC_OK) {
		fprintf(stderr, "store_open: %s\n", err.message_en);
		return 1;
	}
	store_close(st);
	double t0 = now_ms();
	fill(path, n_dossiers, n_tickets);
	double fill_ms = now_ms() - t0;
	struct stat sb;
	stat(path, &sb);
	if (pg_target != NULL)
		copy_to_pg(path, pg_target);
	if (store_open(pg_target != NULL ? pg_target : path, &st, &err) != MC_OK) {
		fprintf(stderr, "store_open: %s\n", err.message_en);
		return 1;
	}
	json_t *q4 = NULL;
	double recent = run(st, "2025-10-01", "2025-12-31", &q4);
	double older = run(st, "2024-04-01", "2024-06-30", NULL);
	json_t *tot = json_object_get(json_object_get(q4, "dossiers"), "total");
	printf("history: %ld dossiers, %ld tickets (one visit each), 2023-2025; filled in %.1f s;"
	       " database %.1f MB\n",
	       n_dossiers, n_tickets, fill_ms / 1000, (double)sb.st_size / 1e6);
	printf(
	    "quarter 2025-Q4 by office: %lld received, %lld finished, %lld visits\n",
	    (long long)json_integer_value(json_object_get(tot, "received")),
	    (long long)json_integer_value(
	        json_object_get(json_object_get(tot, "finished"), "total")),
	    (long long)json_integer_value(json_object_get(json_object_get(q4, "queue"), "visits")));
	printf("indicators 2025-Q4 by office: %.1f ms (median of 5), %.2f × the %.0f ms goal\n",
	       recent, recent / GOAL_MS, GOAL_MS);
	printf("indicators 2024-Q2 by office: %.1f ms (median of 5), %.2f × the %.0f ms goal\n",
	       older, older / GOAL_MS, GOAL_MS);
	json_decref(q4);
	store_close(st);
	unlink(path);
	char wal[300];
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
	rmdir(dir);
	return 0;
}
