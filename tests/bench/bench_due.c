/* Due-date throughput of the working-time calendar: one million workcal_due()
 * calls, random receipts over 2025..2027 and random limits up to 60 working
 * days. Prints ns per call against the 1 µs goal; not a pass/fail test. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "domain/civil_date.h"
#include "domain/workcal.h"
#include "util/xmalloc.h"

#define N_OPS 1000000
#define N_INPUTS 65536 /* power of two, inputs cycle through it */
#define GOAL_NS 1000.0

static uint64_t rng_state = 0x2545F4914F6CDD1Du;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(void)
{
	struct workcal_config cfg;
	struct workcal *cal = xmalloc(sizeof(*cal));
	int64_t *from = xcalloc(N_INPUTS, sizeof(*from));
	int64_t *limit = xcalloc(N_INPUTS, sizeof(*limit));

	/* 2028 too: a 60-day limit from late 2027 ends there. */
	workcal_config_default(&cfg, 2025, 2028);
	if (workcal_init(cal, &cfg) != WORKCAL_OK) {
		fprintf(stderr, "bench_due: workcal_init failed\n");
		return 1;
	}
	int64_t lo = (int64_t)civil_days_from_ymd(2025, 1, 1) * 86400 - 7 * 3600;
	int64_t hi = (int64_t)civil_days_from_ymd(2028, 1, 1) * 86400 - 7 * 3600;
	for (int i = 0; i < N_INPUTS; i++) {
		from[i] = lo + (int64_t)(rng() % (uint64_t)(hi - lo));
		limit[i] = (int64_t)(rng() % (uint64_t)workcal_days(cal, 60) + 1);
	}

	int64_t sum = 0, due;
	int failed = 0;
	double t0 = now_ns();
	for (int i = 0; i < N_OPS; i++) {
		int k = i & (N_INPUTS - 1);
		if (workcal_due(cal, from[k], limit[k], &due))
			sum += due;
		else
			failed++;
	}
	double ns = (now_ns() - t0) / N_OPS;

	printf("due: %.0f ns/op, goal %.0f ns/op, ratio %.3f (%d ops, %d out of range, "
	       "checksum %lld)\n",
	       ns, GOAL_NS, ns / GOAL_NS, N_OPS, failed, (long long)(sum & 0xffff));
	free(from);
	free(limit);
	free(cal);
	return 0;
}
