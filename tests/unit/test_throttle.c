/* Unit tests of the failure throttle (api/throttle.c): a full table makes
 * room instead of refusing a newcomer, yet a running penalty is forgotten
 * only when every slot around it holds one, whatever keys other clients
 * choose. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>

#include <cmocka.h>
#include <sodium.h>

#include "api/throttle.h"

#define NOW 1000000

/* Ten failures with five free tries: a 32 s wait, as a guessed account. */
static void penalise(struct throttle *t, const char *key)
{
	for (int i = 0; i < 10; i++)
		throttle_fail(t, key, NOW);
	assert_int_equal(throttle_wait(t, key, NOW), 32);
}

/* Many other keys failing in a small table: the victim keeps its wait. */
static void test_full_table_keeps_penalty(void **state)
{
	struct throttle *t = throttle_new(16, 5);
	penalise(t, "u:victim");
	char key[32];
	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof key, "u:other%d", i);
		throttle_fail(t, key, NOW);
	}
	assert_int_equal(throttle_wait(t, "u:victim", NOW), 32);
	assert_int_equal(throttle_wait(t, "u:victim", NOW + 10), 22);
	throttle_free(t);
}

/* The old unkeyed hash: FNV-1a. Keys an attacker could pick to land on the
 * victim's slot when the table was placed by it. */
static unsigned fnv1a(const char *key)
{
	unsigned h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static void test_colliding_usernames_keep_penalty(void **state)
{
	struct throttle *t = throttle_new(4096, 5);
	penalise(t, "u:admin");
	unsigned target = fnv1a("u:admin") % 4096;
	char key[32];
	int found = 0;
	for (int i = 0; found < 8 && i < 10000000; i++) {
		snprintf(key, sizeof key, "u:x%d", i);
		if (fnv1a(key) % 4096 != target)
			continue;
		found++;
		throttle_fail(t, key, NOW);
	}
	assert_int_equal(found, 8);
	assert_int_equal(throttle_wait(t, "u:admin", NOW), 32);
	throttle_free(t);
}

/* When every slot is held by a running penalty, a new key is not refused:
 * its first failure takes the slot of the penalty that ends soonest, and
 * the others keep theirs. */
static void test_full_table_makes_room(void **state)
{
	struct throttle *t = throttle_new(16, 5);
	char key[32];
	for (int i = 0; i < 16; i++) {
		snprintf(key, sizeof key, "ip:10.0.0.%d", i);
		/* 10.0.0.0 fails first: its wait ends soonest. */
		for (int j = 0; j < 10; j++)
			assert_true(throttle_fail(t, key, NOW + (i ? 5 : 0)));
	}
	bool full = true;
	assert_int_equal(throttle_check(t, "ip:192.0.2.1", NOW + 5, &full), 0);
	assert_false(full);
	assert_true(throttle_fail(t, "ip:192.0.2.1", NOW + 5));
	assert_int_equal(throttle_wait(t, "ip:10.0.0.0", NOW + 5), 0);
	for (int i = 1; i < 16; i++) {
		snprintf(key, sizeof key, "ip:10.0.0.%d", i);
		assert_int_equal(throttle_check(t, key, NOW + 5, &full), 32);
		assert_false(full);
	}
	throttle_free(t);
}

/* Thousands of addresses failing once each (a flood of junk look-ups) in a
 * table far too small: every fresh address still may try, and a guesser's
 * running penalty and a heavy count outlive the single failures. */
static void test_flood_of_single_failures(void **state)
{
	struct throttle *t = throttle_new(64, 5);
	penalise(t, "ip:guesser");
	for (int i = 0; i < 4; i++)
		throttle_fail(t, "ip:almost", NOW);
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "ip:10.%d.%d.1", i / 250, i % 250);
		bool full = true;
		assert_int_equal(throttle_check(t, key, NOW + 1, &full), 0);
		assert_false(full);
		assert_true(throttle_fail(t, key, NOW + 1));
	}
	assert_int_equal(throttle_wait(t, "ip:guesser", NOW + 1), 31);
	/* Four failures kept: the fifth is free, the sixth waits. */
	throttle_fail(t, "ip:almost", NOW + 2);
	assert_int_equal(throttle_wait(t, "ip:almost", NOW + 2), 1);
	throttle_free(t);
}

/* A success forgets the key's failures and takes no slot of its own. */
static void test_reset(void **state)
{
	struct throttle *t = throttle_new(4, 1);
	throttle_fail(t, "a", NOW);
	throttle_fail(t, "a", NOW);
	assert_int_equal(throttle_wait(t, "a", NOW), 2);
	throttle_reset(t, "a");
	assert_int_equal(throttle_wait(t, "a", NOW), 0);
	for (int i = 0; i < 10; i++)
		throttle_reset(t, i % 2 ? "b" : "c");
	char key[8];
	for (int i = 0; i < 4; i++) {
		snprintf(key, sizeof key, "k%d", i);
		assert_true(throttle_fail(t, key, NOW));
	}
	throttle_free(t);
}

/* Waits double after the free tries, up to five minutes. */
static void test_waits_double(void **state)
{
	struct throttle *t = throttle_new(64, 2);
	assert_int_equal(throttle_wait(t, "k", NOW), 0);
	throttle_fail(t, "k", NOW);
	assert_int_equal(throttle_wait(t, "k", NOW), 0);
	throttle_fail(t, "k", NOW);
	assert_int_equal(throttle_wait(t, "k", NOW), 1);
	throttle_fail(t, "k", NOW);
	assert_int_equal(throttle_wait(t, "k", NOW), 2);
	for (int i = 0; i < 20; i++)
		throttle_fail(t, "k", NOW);
	assert_int_equal(throttle_wait(t, "k", NOW), 300);
	throttle_free(t);
}

/* A clock stepped back (NTP, an operator) never lengthens a running wait. */
static void test_clock_stepped_back(void **state)
{
	struct throttle *t = throttle_new(64, 5);
	penalise(t, "u:lan");
	assert_int_equal(throttle_wait(t, "u:lan", NOW - 86400), 32);
	throttle_free(t);
}

struct hammer {
	struct throttle *t;
	int id;
};

static void *hammer_run(void *arg)
{
	struct hammer *h = arg;
	char key[32];
	for (int i = 0; i < 2000; i++) {
		snprintf(key, sizeof key, "ip:10.%d.%d.%d", h->id, i / 250, i % 250);
		bool full;
		if (throttle_check(h->t, key, NOW, &full) == 0)
			throttle_fail(h->t, key, NOW);
		if (i % 3 == 0)
			throttle_reset(h->t, key);
	}
	return NULL;
}

/* Four threads failing, checking and resetting at once (run under the
 * ThreadSanitizer build too): the victim's penalty survives them. */
static void test_threads_share_the_table(void **state)
{
	struct throttle *t = throttle_new(512, 5);
	penalise(t, "u:victim");
	pthread_t th[4];
	struct hammer hs[4];
	for (int i = 0; i < 4; i++) {
		hs[i] = (struct hammer){t, i};
		assert_int_equal(pthread_create(&th[i], NULL, hammer_run, &hs[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(throttle_wait(t, "u:victim", NOW), 32);
	throttle_free(t);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_table_keeps_penalty),
	    cmocka_unit_test(test_colliding_usernames_keep_penalty),
	    cmocka_unit_test(test_full_table_makes_room),
	    cmocka_unit_test(test_flood_of_single_failures),
	    cmocka_unit_test(test_reset),
	    cmocka_unit_test(test_waits_double),
	    cmocka_unit_test(test_clock_stepped_back),
	    cmocka_unit_test(test_threads_share_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
