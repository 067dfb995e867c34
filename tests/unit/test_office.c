/* Unit tests of the office tree's rules (domain/office.h): kinds, which
 * kind hangs below which, and where each staff role may belong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/office.h"

static void test_kind_names(void **state)
{
	static const char *const names[] = {"province",  "centre",   "point",
	                                    "authority", "internal", "partner"};
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(office_kind_bit(names[i]), 1u << i);
		assert_string_equal(office_kind_name(1u << i), names[i]);
	}
	assert_int_equal(office_kind_bit(NULL), 0);
	assert_int_equal(office_kind_bit(""), 0);
	assert_int_equal(office_kind_bit("Centre"), 0);
	assert_int_equal(office_kind_bit("district"), 0);
	assert_string_equal(office_kind_name(0), "?");
	assert_string_equal(office_kind_name(OFFICE_HALL), "?"); /* two bits: no one kind */
	/* A hall (and its hours): a centre or a reception point, nothing else. */
	assert_true(office_kind_bit("centre") & OFFICE_HALL);
	assert_true(office_kind_bit("point") & OFFICE_HALL);
	assert_false(office_kind_bit("authority") & OFFICE_HALL);
	assert_false(office_kind_bit("province") & OFFICE_HALL);
	assert_false(office_kind_bit("") & OFFICE_HALL);
}

static void test_parents(void **state)
{
	assert_int_equal(office_parent_kinds(OFFICE_PROVINCE), 0);
	assert_int_equal(office_parent_kinds(0), 0);
	/* A reception point hangs below a centre only. */
	assert_int_equal(office_parent_kinds(OFFICE_POINT), OFFICE_CENTRE);
	assert_true(office_parent_kinds(OFFICE_CENTRE) & OFFICE_PROVINCE);
	assert_true(office_parent_kinds(OFFICE_CENTRE) & OFFICE_AUTHORITY);
	assert_false(office_parent_kinds(OFFICE_CENTRE) & OFFICE_CENTRE);
	assert_true(office_parent_kinds(OFFICE_INTERNAL) & OFFICE_INTERNAL);
	assert_false(office_parent_kinds(OFFICE_PARTNER) & OFFICE_POINT);
	/* Nothing hangs below a point or a partner. */
	for (unsigned b = 1; b <= OFFICE_PARTNER; b <<= 1) {
		assert_false(office_parent_kinds(b) & OFFICE_POINT);
		assert_false(office_parent_kinds(b) & OFFICE_PARTNER);
	}
}

static void test_roles(void **state)
{
	assert_int_equal(office_role_kinds(ROLE_ADMIN), OFFICE_PROVINCE);
	assert_int_equal(office_role_kinds(ROLE_COUNTER), OFFICE_HALL);
	assert_true(office_role_kinds(ROLE_SUPERVISOR) & OFFICE_PROVINCE);
	assert_true(office_role_kinds(ROLE_SUPERVISOR) & OFFICE_POINT);
	assert_false(office_role_kinds(ROLE_SUPERVISOR) & OFFICE_INTERNAL);
	assert_false(office_role_kinds(ROLE_SPECIALIST) & OFFICE_PROVINCE);
	assert_true(office_role_kinds(ROLE_SPECIALIST) & OFFICE_INTERNAL);
	assert_false(office_role_kinds(ROLE_COUNTER) & OFFICE_AUTHORITY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kind_names),
	    cmocka_unit_test(test_parents),
	    cmocka_unit_test(test_roles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
