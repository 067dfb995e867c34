/* Unit tests of the one parser of typed decimal amounts (domain/amount.h),
 * with the bounds its two users give it: a calendar limit in the API (0-1000,
 * 3 decimals) and the CLI's due-date amounts (0-1e6, 6 decimals, scaled to
 * seconds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/amount.h"

static void test_fixed(void **state)
{
	int64_t v = -7;
	assert_true(amount_parse_fixed("0", 1000, 3, &v));
	assert_int_equal(v, 0);
	assert_true(amount_parse_fixed("1.5", 1000, 3, &v));
	assert_int_equal(v, 1500);
	assert_true(amount_parse_fixed("1000", 1000, 3, &v));
	assert_int_equal(v, 1000000);
	assert_true(amount_parse_fixed("1000.999", 1000, 3, &v)); /* the caller bounds the total */
	assert_int_equal(v, 1000999);
	assert_true(amount_parse_fixed("0.125", 1000, 3, &v));
	assert_int_equal(v, 125);
	assert_true(amount_parse_fixed("007", 1000, 3, &v));
	assert_int_equal(v, 7000);
	assert_true(amount_parse_fixed("3", 10, 0, &v));
	assert_int_equal(v, 3);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
	    "",       "-1",   "+1",  " 1",  "1 ",   "1.",   ".5",
	    "1.2345", "1001", "1e3", "1,5", "0x10", "1..2", "١",
	};
	int64_t v = 42;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(amount_parse_fixed(bad[i], 1000, 3, &v));
	assert_false(amount_parse_fixed(NULL, 1000, 3, &v));
	assert_false(amount_parse_fixed("1.5", 10, 0, &v));
	assert_false(amount_parse_fixed("99999999999999999999", 1000000, 6, &v)); /* no overflow */
	assert_int_equal(v, 42);                                                  /* untouched */
}

static void test_scale(void **state)
{
	int64_t micro;
	/* Days of 27000 s and hours of 3600 s, rounded half up to the second. */
	assert_true(amount_parse_fixed("1.5", 1000000, 6, &micro));
	assert_int_equal(amount_scale(micro, 6, 27000), 40500);
	assert_true(amount_parse_fixed("0.0001", 1000000, 6, &micro));
	assert_int_equal(amount_scale(micro, 6, 3600), 0); /* 0.36 s */
	assert_true(amount_parse_fixed("0.000139", 1000000, 6, &micro));
	assert_int_equal(amount_scale(micro, 6, 3600), 1); /* 0.5004 s */
	assert_true(amount_parse_fixed("1000000", 1000000, 6, &micro));
	assert_int_equal(amount_scale(micro, 6, 27000), 27000000000LL);
	assert_true(amount_parse_fixed("2", 1000000, 6, &micro));
	assert_int_equal(amount_scale(micro, 6, 3600), 7200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixed),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_scale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
