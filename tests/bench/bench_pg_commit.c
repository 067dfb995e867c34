/* The limit for durable ticket issuing on PostgreSQL: raw single-row INSERT
 * commits (BEGIN, INSERT, COMMIT on a prepared statement, as
 * bench_sqlite_commit does on SQLite) from CONNECTIONS connections at once,
 * as wrk -c8 issues tickets, for SECONDS seconds. Each commit is durable:
 * the session sets synchronous_commit = on and the server's fsync must be on
 * (both are printed as the server reports them). The table is made in the
 * database given and dropped at the end. Prints
 * "pg_commit: N commits/s (...)".
 * Usage: bench_pg_commit CONNINFO [SECONDS [CONNECTIONS]] */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CONNECTIONS 64

static const char *conninfo;
static atomic_bool stop;
static atomic_long failed;

struct worker {
	pthread_t thread;
	int id;
	long commits;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs sql on c; false (and a message) unless it answered ok. */
static bool exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(r);
	bool ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "bench_pg_commit: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	return ok;
}

static PGconn *connect_durable(void)
{
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "bench_pg_commit: connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	if (!exec_ok(c, "SET synchronous_commit = on")) {
		PQfinish(c);
		return NULL;
	}
	return c;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	PGconn *c = connect_durable();
	if (c == NULL) {
		atomic_fetch_add(&failed, 1);
		return NULL;
	}
	PGresult *p = PQprepare(
	    c, "ins", "INSERT INTO bench_commit (day, n, at) VALUES ('2026-11-26', $1, $2)", 2,
	    NULL);
	bool ok = PQresultStatus(p) == PGRES_COMMAND_OK;
	PQclear(p);
	char n[24];
	const char *values[2] = {n, n};
	while (ok && !atomic_load(&stop)) {
		snprintf(n, sizeof n, "%ld", w->commits + (long)w->id * 100000000L);
		ok = exec_ok(c, "BEGIN");
		PGresult *r = PQexecPrepared(c, "ins", 2, values, NULL, NULL, 0);
		ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		ok = ok && exec_ok(c, "COMMIT");
		if (ok)
			w->commits++;
	}
	if (!ok)
		atomic_fetch_add(&failed, 1);
	PQfinish(c);
	return NULL;
}

/* The value of a server setting, into out. */
static void show(PGconn *c, const char *name, char *out, size_t size)
{
	char sql[80];
	snprintf(sql, sizeof sql, "SHOW %s", name);
	PGresult *r = PQexec(c, sql);
	snprintf(out, size, "%s", PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "?");
	PQclear(r);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_pg_commit CONNINFO [SECONDS [CONNECTIONS]]\n");
		return 2;
	}
	conninfo = argv[1];
	double seconds = argc > 2 ? atof(argv[2]) : 5;
	int nconn = argc > 3 ? atoi(argv[3]) : 8;
	if (seconds <= 0 || nconn < 1 || nconn > MAX_CONNECTIONS) {
		fprintf(stderr, "bench_pg_commit: SECONDS > 0, CONNECTIONS 1..%d\n",
		        MAX_CONNECTIONS);
		return 2;
	}
	PGconn *c = connect_durable();
	if (c == NULL)
		return 1;
	char fsync_on[16], sync_commit[16], sync_method[32];
	show(c, "fsync", fsync_on, sizeof fsync_on);
	show(c, "synchronous_commit", sync_commit, sizeof sync_commit);
	show(c, "wal_sync_method", sync_method, sizeof sync_method);
	if (!exec_ok(c, "SET client_min_messages = warning") ||
	    !exec_ok(c, "DROP TABLE IF EXISTS bench_commit") ||
	    !exec_ok(
	        c, "CREATE TABLE bench_commit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	           " day text, n bigint, at bigint)")) {
		PQfinish(c);
		return 1;
	}
	struct worker w[MAX_CONNECTIONS];
	memset(w, 0, sizeof w);
	double t0 = now_s();
	for (int i = 0; i < nconn; i++) {
		w[i].id = i;
		pthread_create(&w[i].thread, NULL, work, &w[i]);
	}
	struct timespec d = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
	nanosleep(&d, NULL);
	atomic_store(&stop, true);
	long total = 0;
	for (int i = 0; i < nconn; i++) {
		pthread_join(w[i].thread, NULL);
		total += w[i].commits;
	}
	double secs = now_s() - t0;
	exec_ok(c, "DROP TABLE bench_commit");
	PQfinish(c);
	printf("pg_commit: %.0f commits/s (%ld commits in %.1f s, %d connections, "
	       "synchronous_commit=%s,"
	       " fsync=%s, wal_sync_method=%s)\n",
	       (double)total / secs, total, secs, nconn, sync_commit, fsync_on, sync_method);
	if (atomic_load(&failed) > 0) {
		fprintf(stderr, "bench_pg_commit: %ld connection(s) stopped on an error\n",
		        (long)atomic_load(&failed));
		return 1;
	}
	return 0;
}
