/* The limit for durable ticket issuing: raw SQLite single-row commits with
 * WAL and synchronous=FULL, on the disk of the folder given. Prints
 * "sqlite_commit: N commits/s". */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	int n = argc > 2 ? atoi(argv[2]) : 2000;
	char path[512];
	snprintf(path, sizeof path, "%s/raw-commit.db", dir);
	remove(path);
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 1;
	sqlite3_exec(db,
	             "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	             "CREATE TABLE t (id INTEGER PRIMARY KEY, day TEXT, n INTEGER, at INTEGER)",
	             NULL, NULL, NULL);
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "INSERT INTO t (day, n, at) VALUES ('2026-11-26', ?, ?)", -1, &s,
	                   NULL);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_bind_int(s, 1, i);
		sqlite3_bind_int(s, 2, i);
		sqlite3_step(s);
		sqlite3_reset(s);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("sqlite_commit: %.0f commits/s (%d commits, synchronous=FULL, WAL)\n", n / secs, n);
	sqlite3_finalize(s);
	sqlite3_close(db);
	remove(path);
	return 0;
}
