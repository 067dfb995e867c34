/* Unit tests of the print spool's policy: the back-off schedule and which
 * failures are retried. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/print_policy.h"

static void test_backoff_schedule(void **state)
{
	static const int want[] = {0, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
	for (int i = 0; i < (int)(sizeof want / sizeof want[0]); i++)
		assert_int_equal(print_backoff_ms(i), want[i]);
	assert_int_equal(print_backoff_ms(-3), 0);
	/* No overflow however long the printer stays away. */
	assert_int_equal(print_backoff_ms(1000), PRINT_BACKOFF_MAX_MS);
	assert_int_equal(print_backoff_ms(2147483647), PRINT_BACKOFF_MAX_MS);
}

static void test_backoff_monotonic(void **state)
{
	for (int i = 1; i < 100; i++)
		assert_true(print_backoff_ms(i + 1) >= print_backoff_ms(i));
}

static void test_retry_rules(void **state)
{
	/* A busy printer never fails a job for good. */
	assert_true(print_should_retry(PRINT_FAIL_BUSY, 1));
	assert_true(print_should_retry(PRINT_FAIL_BUSY, PRINT_REJECTED_ATTEMPTS));
	assert_true(print_should_retry(PRINT_FAIL_BUSY, 100000));
	assert_true(print_should_retry(PRINT_FAIL_AWAY, 1));
	assert_true(print_should_retry(PRINT_FAIL_AWAY, 100000));
	assert_true(print_should_retry(PRINT_FAIL_REFUSED, 1));
	assert_true(print_should_retry(PRINT_FAIL_REFUSED, PRINT_REJECTED_ATTEMPTS - 1));
	assert_false(print_should_retry(PRINT_FAIL_REFUSED, PRINT_REJECTED_ATTEMPTS));
	assert_false(print_should_retry(PRINT_FAIL_ABORTED, 1));
	assert_false(print_should_retry(PRINT_FAIL_INVALID, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backoff_schedule),
	    cmocka_unit_test(test_backoff_monotonic),
	    cmocka_unit_test(test_retry_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
