/* Unit tests of the per-key rate limit (api/ratelimit.c): every attempt
 * counts, a window ends on time, keys do not share counts, a full table
 * makes room for a newcomer, and a count given back leaves nothing. */
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

/* A table full of live counts makes room for a newcomer: it forgets the
 * count with the fewest attempts, and the keys at their limit stay held. */
static void test_full_table_makes_room(void **state)
{
	(void)state;
	struct ratelimit *rl = ratelimit_new(8, 2, 60);
	char key[32];
	for (int i = 0; i < 8; i++) {
		snprintf(key, sizeof key, "ip:10.0.1.%d", i);
		assert_int_equal(ratelimit_take(rl, key, NOW), 0);
		/* 10.0.1.5 took one attempt only: the count to forget. */
		if (i != 5)
			assert_int_equal(ratelimit_take(rl, key, NOW), 0);
	}
	assert_int_equal(ratelimit_take(rl, "ip:10.9.9.9", NOW + 5), 0);
	for (int i = 0; i < 8; i++) {
		snprintf(key, sizeof key, "ip:10.0.1.%d", i);
		if (i != 5)
			assert_int_equal(ratelimit_take(rl, key, NOW + 5), 55);
	}
	assert_int_equal(ratelimit_take(rl, "ip:10.9.9.9", NOW + 5), 0);
	/* The newcomer's window started when it came. */
	assert_int_equal(ratelimit_take(rl, "ip:10.9.9.9", NOW + 5), 60);
	ratelimit_free(rl);
}

/* An attempt given back leaves no entry behind: thousands of refused forms
 * from as many addresses take no room from the next citizen, whose count
 * (and the counts of those who filed) survive them. */
static void test_given_back_leaves_nothing(void **state)
{
	(void)state;
	struct ratelimit *rl = ratelimit_new(64, 5, 600);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take(rl, "ip:filer", NOW), 0);
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "ip:10.%d.%d.1", i / 250, i % 250);
		assert_int_equal(ratelimit_take(rl, key, NOW + 1), 0);
		ratelimit_give_back(rl, key);
	}
	assert_int_equal(ratelimit_take(rl, "ip:filer", NOW + 1), 599);
	/* A key given back entirely starts afresh; one given back in part
	 * keeps the rest of its count. */
	assert_int_equal(ratelimit_take(rl, "ip:part", NOW + 2), 0);
	assert_int_equal(ratelimit_take(rl, "ip:part", NOW + 2), 0);
	ratelimit_give_back(rl, "ip:part");
	for (int i = 0; i < 4; i++)
		assert_int_equal(ratelimit_take(rl, "ip:part", NOW + 3), 0);
	assert_int_equal(ratelimit_take(rl, "ip:part", NOW + 3), 599);
	ratelimit_free(rl);
}

/* A call's own limit: keys of different kinds share one table. */
static void test_own_limit(void **state)
{
	(void)state;
	struct ratelimit *rl = ratelimit_new(64, 2, 60);
	for (int i = 0; i < 6; i++)
		assert_int_equal(ratelimit_take_limit(rl, "kiosk:1", NOW, 6), 0);
	assert_int_equal(ratelimit_take_limit(rl, "kiosk:1", NOW, 6), 60);
	assert_int_equal(ratelimit_take(rl, "ip:1", NOW), 0);
	assert_int_equal(ratelimit_take(rl, "ip:1", NOW), 0);
	assert_int_equal(ratelimit_take(rl, "ip:1", NOW), 60);
	ratelimit_free(rl);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_limit_and_window),
	    cmocka_unit_test(test_full_table_makes_room),
	    cmocka_unit_test(test_given_back_leaves_nothing),
	    cmocka_unit_test(test_own_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
