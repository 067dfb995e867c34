/* Unit tests of the per-key rate limit (api/ratelimit.c): every attempt
 * counts, a window ends on time, keys do not share counts, and a full table
 * refuses newcomers rather than forget a live count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <sodium.h>

#include "api/ratelimit.h"

#define NOW 1000000

/* 30 a minute: the 31st waits until the minute from the first is over. */
static void test_limit_and_window(void **state)
{
	(void)state;
	struct ratelimit *rl = ratelimit_new(64, 30, 60);
	for (int i = 0; i < 30; i++)
		assert_int_equal(ratelimit_take(rl, "ip:10.0.0.1", NOW + i), 0);
	assert_int_equal(ratelimit_take(rl, "ip:10.0.0.1", NOW + 30), 30);
	assert_int_equal(ratelimit_take(rl, "ip:10.0.0.1", NOW + 59), 1);
	/* A refused attempt is not counted: the next window starts afresh. */
	assert_int_equal(ratelimit_take(rl, "ip:10.0.0.1", NOW + 60), 0);
	/* Another key has its own count. */
	assert_int_equal(ratelimit_take(rl, "ip:10.0.0.2", NOW + 30), 0);
	ratelimit_free(rl);
}

/* A table full of live counts refuses a newcomer and keeps every count. */
static void test_full_table_refuses(void **state)
{
	(void)state;
	struct ratelimit *rl = ratelimit_new(8, 2, 60);
	char key[32];
	for (int i = 0; i < 8; i++) {
		snprintf(key, sizeof key, "ip:10.0.1.%d", i);
		assert_int_equal(ratelimit_take(rl, key, NOW), 0);
		assert_int_equal(ratelimit_take(rl, key, NOW), 0);
	}
	assert_true(ratelimit_take(rl, "ip:10.9.9.9", NOW + 5) > 0);
	for (int i = 0; i < 8; i++) {
		snprintf(key, sizeof key, "ip:10.0.1.%d", i);
		assert_int_equal(ratelimit_take(rl, key, NOW + 5), 55);
	}
	/* Once the windows end, room is back. */
	assert_int_equal(ratelimit_take(rl, "ip:10.9.9.9", NOW + 60), 0);
	ratelimit_free(rl);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_limit_and_window),
	    cmocka_unit_test(test_full_table_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
