/* Unit tests of the log's rate limit (util/log.c, log_limit_pass): one
 * record let through per interval, and the next one let through says how
 * many were dropped meanwhile, also when threads race for it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <time.h>

#include <cmocka.h>

#include "util/log.h"

static void sleep_ms(long ms)
{
	struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	while (nanosleep(&t, &t) != 0)
		;
}

/* The first passes, the next ones within the interval do not; after it,
 * one passes with their count, and the count starts again. */
static void test_one_per_interval_with_count(void **state)
{
	(void)state;
	struct log_limit l = {0};
	unsigned long dropped = 99;
	assert_true(log_limit_pass(&l, 200, &dropped));
	assert_int_equal(dropped, 0);
	for (int i = 0; i < 5; i++)
		assert_false(log_limit_pass(&l, 200, &dropped));
	sleep_ms(250);
	assert_true(log_limit_pass(&l, 200, &dropped));
	assert_int_equal(dropped, 5);
	assert_false(log_limit_pass(&l, 200, &dropped));
	sleep_ms(250);
	assert_true(log_limit_pass(&l, 200, &dropped));
	assert_int_equal(dropped, 1);
}

static struct log_limit shared;
static _Atomic int passed;

static void *racer(void *arg)
{
	(void)arg;
	unsigned long dropped;
	for (int i = 0; i < 1000; i++)
		if (log_limit_pass(&shared, 60000, &dropped))
			passed++;
	return NULL;
}

/* Four threads at once within one interval: exactly one record passes. */
static void test_one_passes_among_threads(void **state)
{
	(void)state;
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, racer, NULL), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(passed, 1);
	assert_int_equal(shared.dropped, 3999);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_per_interval_with_count),
	    cmocka_unit_test(test_one_passes_among_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
