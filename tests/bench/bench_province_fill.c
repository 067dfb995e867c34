/* Fills a province's history for the province indicators benchmark
 * (tests/bench/province.mjs): DOSSIERS dossiers and TICKETS tickets (one
 * visit each) over 2023-2025, spread over every centre of a database that
 * already holds the province's tree, halls and staff (motcua-server init,
 * then import of tests/bench/province-bundle.mjs). Each centre is the child
 * of a commune authority that has a processing office (kind internal). A
 * dossier is received at a centre (its intake office), is for its own
 * commune's authority or, one in ten, another's (boundary-free intake), is
 * held by the authority's processing office while open, and is returned at
 * the receiving centre or, one in five, at the authority's. Rows go in by
 * direct inserts in one transaction without journal, the tables' indexes
 * and the maintained figures' triggers dropped before and made again after,
 * the figures rebuilt from the rows (store/figures.h, as schema step 9 and
 * audit-verify compute them), then ANALYZE. Prints what it wrote
 * and how long it took; exits 1 with a message on any error.
 * Usage: bench_province_fill DB [DOSSIERS=1000000 [TICKETS=2000000]] */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_fill.h"
#include "store/figures.h"

#define MAX_CENTRES 1000
#define MAX_COUNTERS 32

/* One centre as read from the tree; the authority competent for its
 * commune's procedures and that authority's processing office. */
struct centre {
	int64_t id;
	char code[64];
	int64_t authority;
	char office[64]; /* processing office code (holder while open) */
	int64_t group;   /* the centre's first service group (tickets are numbered in it) */
	int64_t counters[MAX_COUNTERS];
	int n_counters;
	int number;       /* last ticket number of the current day */
	int64_t day_prev; /* that day */
};

static struct centre centres[MAX_CENTRES];
static int n_centres;

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_province_fill: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench_province_fill: %s: %s\n", sql, msg);
		exit(1);
	}
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die(db, sql);
	return s;
}

static void step_done(sqlite3 *db, sqlite3_stmt *s, const char *what)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		die(db, what);
	sqlite3_reset(s);
}

/* Reads the centres, their authorities, processing offices, first group
 * and counters into centres[]. */
static void read_tree(sqlite3 *db)
{
	sqlite3_stmt *s = prepare(
	    db, "SELECT c.id, c.code, a.id, (SELECT p.code FROM offices p WHERE p.parent_id = a.id"
	        " AND p.kind = 'internal' ORDER BY p.code LIMIT 1),"
	        " (SELECT g.id FROM service_groups g WHERE g.office_id = c.id ORDER BY g.sort, g.id"
	        " LIMIT 1)"
	        " FROM offices c JOIN offices a ON a.id = c.parent_id AND a.kind = 'authority'"
	        " WHERE c.kind = 'centre' ORDER BY c.code");
	while (sqlite3_step(s) == SQLITE_ROW && n_centres < MAX_CENTRES) {
		struct centre *c = &centres[n_centres];
		if (sqlite3_column_type(s, 3) == SQLITE_NULL ||
		    sqlite3_column_type(s, 4) == SQLITE_NULL)
			continue;
		c->id = sqlite3_column_int64(s, 0);
		snprintf(c->code, sizeof c->code, "%s", (const char *)sqlite3_column_text(s, 1));
		c->authority = sqlite3_column_int64(s, 2);
		snprintf(c->office, sizeof c->office, "%s",
		         (const char *)sqlite3_column_text(s, 3));
		c->group = sqlite3_column_int64(s, 4);
		c->day_prev = -1;
		n_centres++;
	}
	sqlite3_finalize(s);
	s = prepare(db, "SELECT id FROM counters WHERE office_id = ?1 ORDER BY no");
	for (int i = 0; i < n_centres; i++) {
		sqlite3_bind_int64(s, 1, centres[i].id);
		while (sqlite3_step(s) == SQLITE_ROW && centres[i].n_counters < MAX_COUNTERS)
			centres[i].counters[centres[i].n_counters++] = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (centres[i].n_counters == 0) {
			fprintf(stderr, "bench_province_fill: centre %s has no counter\n",
			        centres[i].code);
			exit(1);
		}
	}
	sqlite3_finalize(s);
	if (n_centres == 0) {
		fprintf(stderr, "bench_province_fill: no centre below a commune authority with a"
		                " processing office and a service group: import"
		                " tests/bench/province-bundle.mjs first\n");
		exit(1);
	}
}

static void fill_dossiers(sqlite3 *db, long n)
{
	char sql[600];
	for (int p = 1; p <= N_PROCS; p++) {
		snprintf(sql, sizeof sql,
		         "INSERT INTO procedures (id, code, version, name, field, level, time_unit,"
		         " time_milli, body, created_at) VALUES (%d, 'BENCH-P%d', 1, 'Thủ tục %d',"
		         " 'Lĩnh vực %d', 'commune', 'working_days', %d, '{}', 0)",
		         p, p, p, p % 10, 1000 * (1 + p % 10));
		exec(db, sql);
	}
	/* In time order, so the time indexes grow at their end. */
	int64_t *rec = malloc((size_t)n * sizeof *rec);
	if (rec == NULL)
		exit(1);
	for (long i = 0; i < n; i++)
		rec[i] = working_instant();
	qsort(rec, (size_t)n, sizeof *rec, cmp_i64);
	sqlite3_stmt *s = prepare(
	    db,
	    "INSERT INTO dossiers (code, procedure_id, status, channel, applicant,"
	    " applicant_name, documents, intake_at, intake_by, received_at, due_at,"
	    " first_due_at, supplements, apology_at, finished_at, work_seconds, timing,"
	    " holder_office, intake_office_id, authority_id, return_office_id) VALUES (?1, ?2,"
	    " ?3, ?4, '{}', 'x', '[]', ?5, 'user:2', ?5, ?6, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14, ?15)");
	int64_t end = START + (int64_t)DAYS * 86400;
	for (long i = 0; i < n; i++) {
		const struct centre *in = &centres[rng() % (uint64_t)n_centres];
		const struct centre *home =
		    rng() % 10 == 0 ? &centres[rng() % (uint64_t)n_centres] : in;
		const struct centre *ret = rng() % 5 == 0 ? home : in;
		char code[96];
		snprintf(code, sizeof code, "%s-%08ld", in->code, i);
		sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
		bool open = bench_dossier_bind(s, rec[i], end);
		sqlite3_bind_text(s, 12, open ? home->office : ret->code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 13, in->id);
		sqlite3_bind_int64(s, 14, home->authority);
		sqlite3_bind_int64(s, 15, ret->id);
		step_done(db, s, "dossier insert");
	}
	sqlite3_finalize(s);
	free(rec);
}

static void fill_tickets(sqlite3 *db, long n)
{
	int64_t *iss = malloc((size_t)n * sizeof *iss);
	if (iss == NULL)
		exit(1);
	for (long i = 0; i < n; i++)
		iss[i] = working_instant();
	qsort(iss, (size_t)n, sizeof *iss, cmp_i64);
	sqlite3_stmt *t = prepare(
	    db, "INSERT INTO tickets (id, service_day, series_group_id, group_id, number, label,"
	        " state, issued_at, issued_by, queue_key, queued_at, counter_id, finished_at,"
	        " outcome, office_id) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, 'device:1', ?1, ?7,"
	        " ?8, ?9, ?10, ?11)");
	sqlite3_stmt *v = prepare(
	    db, "INSERT INTO visits (ticket_id, counter_id, actor, queued_at, called_at,"
	        " first_called_at, recalls, finished_at, outcome) VALUES (?1, ?2, 'user:2', ?3, ?4,"
	        " ?4, ?5, ?6, ?7)");
	for (long i = 0; i < n; i++) {
		struct centre *c = &centres[rng() % (uint64_t)n_centres];
		int64_t day = (iss[i] + 25200) / 86400;
		c->number = day == c->day_prev ? c->number + 1 : 1;
		c->day_prev = day;
		char sd[16], label[16];
		time_t tt = (time_t)(iss[i] + 25200);
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(sd, sizeof sd, "%Y-%m-%d", &tm);
		snprintf(label, sizeof label, "A%03d", c->number);
		int64_t called = iss[i] + (int64_t)(rng() % 2400);
		int64_t fin = called + 120 + (int64_t)(rng() % 900);
		bool noshow = rng() % 20 == 0;
		int64_t counter = c->counters[rng() % (uint64_t)c->n_counters];
		sqlite3_bind_int64(t, 1, i + 1);
		sqlite3_bind_text(t, 2, sd, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(t, 3, c->group);
		sqlite3_bind_int(t, 4, c->number);
		sqlite3_bind_text(t, 5, label, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(t, 6, noshow ? "no_show" : "done", -1, SQLITE_STATIC);
		sqlite3_bind_int64(t, 7, iss[i]);
		sqlite3_bind_int64(t, 8, counter);
		sqlite3_bind_int64(t, 9, fin);
		sqlite3_bind_text(t, 10, noshow ? "no_show" : "served", -1, SQLITE_STATIC);
		sqlite3_bind_int64(t, 11, c->id);
		sqlite3_bind_int64(v, 1, i + 1);
		sqlite3_bind_int64(v, 2, counter);
		sqlite3_bind_int64(v, 3, iss[i]);
		sqlite3_bind_int64(v, 4, called);
		sqlite3_bind_int(v, 5, noshow ? 1 : 0);
		sqlite3_bind_int64(v, 6, fin);
		sqlite3_bind_text(v, 7, noshow ? "no_show" : "served", -1, SQLITE_STATIC);
		step_done(db, t, "ticket insert");
		step_done(db, v, "visit insert");
	}
	sqlite3_finalize(t);
	sqlite3_finalize(v);
	free(iss);
}

/* The indexes and triggers of the filled tables: dropped before the fill
 * and made again after it (sorting once is faster than growing them row by
 * row; the figures are rebuilt once instead of token by token). */
#define MAX_INDEXES 64
static char *index_sql[MAX_INDEXES];
static int n_indexes;

static void drop_indexes(sqlite3 *db)
{
	sqlite3_stmt *s = prepare(db, "SELECT name, sql, upper(type) FROM sqlite_master"
	                              " WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
	                              " AND tbl_name IN ('dossiers', 'tickets', 'visits')");
	char *names[MAX_INDEXES];
	while (sqlite3_step(s) == SQLITE_ROW && n_indexes < MAX_INDEXES) {
		names[n_indexes] = sqlite3_mprintf("DROP %s \"%w\"", sqlite3_column_text(s, 2),
		                                   sqlite3_column_text(s, 0));
		index_sql[n_indexes++] = sqlite3_mprintf("%s", sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	for (int i = 0; i < n_indexes; i++) {
		exec(db, names[i]);
		sqlite3_free(names[i]);
	}
}

static void make_indexes(sqlite3 *db)
{
	for (int i = 0; i < n_indexes; i++) {
		exec(db, index_sql[i]);
		sqlite3_free(index_sql[i]);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_province_fill DB [DOSSIERS [TICKETS]]\n");
		return 2;
	}
	long n_dossiers = argc > 2 ? atol(argv[2]) : 1000000;
	long n_tickets = argc > 3 ? atol(argv[3]) : 2000000;
	sqlite3 *db;
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die(db, argv[1]);
	double t0 = now_ms();
	/* The file goes back to WAL when the server opens it. */
	exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
	         " PRAGMA cache_size = -400000; BEGIN");
	read_tree(db);
	drop_indexes(db);
	fill_dossiers(db, n_dossiers);
	fill_tickets(db, n_tickets);
	double t1 = now_ms();
	if (figures_rebuild_db(db) != SQLITE_OK)
		die(db, "figures rebuild");
	printf("rebuilt the maintained figures in %.1f s\n", (now_ms() - t1) / 1000);
	make_indexes(db);
	exec(db, "COMMIT; ANALYZE; PRAGMA journal_mode = WAL");
	sqlite3_close(db);
	printf("filled %ld dossiers and %ld tickets (one visit each) over %d centres, 2023-2025,"
	       " in %.1f s\n",
	       n_dossiers, n_tickets, n_centres, (now_ms() - t0) / 1000);
	return 0;
}
