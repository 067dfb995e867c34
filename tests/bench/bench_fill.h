/* What the benchmarks that fill a history share (bench_indicators.c,
 * bench_province_fill.c): the same random stream, the same span of three
 * years from 2023-01-01, working instants in it and the same draw of a
 * dossier's procedure, deadline and outcome, so that both databases have the
 * same shape. Header only: each benchmark is one source file. Not thread-safe
 * (one random state per benchmark, used by its only thread). */
#ifndef MOTCUA_BENCH_FILL_H
#define MOTCUA_BENCH_FILL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define N_PROCS 40
#define START 1672506000LL /* 2023-01-01 00:00 +07:00 */
#define DAYS (3 * 365)

/* The random stream (xorshift64), the same seed in every benchmark; owned by
 * the benchmark's only thread. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static inline uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Milliseconds on the monotonic clock. */
static inline double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A working instant: a random weekday of the span, 07:30-16:30 office time. */
static inline int64_t working_instant(void)
{
	for (;;) {
		int64_t day = (int64_t)(rng() % DAYS);
		int wd = (int)(day % 7); /* 2023-01-01 was a Sunday */
		if (wd == 0 || wd == 6)
			continue;
		return START + day * 86400 + 27000 + (int64_t)(rng() % 32400);
	}
}

/* qsort order of int64_t values, ascending. */
static inline int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Draws a dossier received at rec and binds its ?2..?11 in s (procedure_id,
 * status, channel, received_at, due_at, supplements, apology_at,
 * finished_at, work_seconds, timing): a procedure of 1..10 working days, due
 * 7/5 of that in calendar days, finished within 8/5 of it (late, early or on
 * time), still open (in_process) when it would finish in the span's last five
 * days, one in ten online, some with a supplement or an apology. Returns
 * whether it is open. */
static inline bool bench_dossier_bind(sqlite3_stmt *s, int64_t rec, int64_t end)
{
	int p = 1 + (int)(rng() % N_PROCS);
	int days = 1 + p % 10;
	int64_t due = rec + (int64_t)days * 86400 * 7 / 5;
	uint64_t r = rng() % 100;
	int64_t fin = rec + (int64_t)(rng() % (uint64_t)(days * 86400 * 8 / 5 + 1));
	const char *timing = fin > due ? "late" : r < 40 ? "early" : "on_time";
	bool open = fin >= end - 86400 * 5 && r < 50;
	sqlite3_bind_int(s, 2, p);
	sqlite3_bind_text(s, 3,
	                  open     ? "in_process"
	                  : r < 97 ? "returned"
	                           : "withdrawn",
	                  -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, r % 10 == 0 ? "online" : "counter", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, rec);
	sqlite3_bind_int64(s, 6, due);
	sqlite3_bind_int(s, 7, r < 12 ? 1 : 0);
	if (fin > due && r < 30)
		sqlite3_bind_int64(s, 8, due - 86400);
	else
		sqlite3_bind_null(s, 8);
	if (open) {
		sqlite3_bind_null(s, 9);
		sqlite3_bind_null(s, 10);
		sqlite3_bind_null(s, 11);
	} else {
		sqlite3_bind_int64(s, 9, fin);
		sqlite3_bind_int64(s, 10, (fin - rec) * 27000 / 86400);
		sqlite3_bind_text(s, 11, timing, -1, SQLITE_STATIC);
	}
	return open;
}

#endif
