/* Unit tests of the applicant rules (domain/applicant.h): ID numbers, phone
 * numbers with their normal form, e-mail addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/applicant.h"

static void test_id_numbers(void **state)
{
	(void)state;
	assert_true(applicant_id_number_valid("045187001234")); /* CCCD */
	assert_true(applicant_id_number_valid("001099012345"));
	assert_true(applicant_id_number_valid("C1234567")); /* Vietnamese passport */
	assert_true(applicant_id_number_valid("B12345678"));
	assert_true(applicant_id_number_valid("AB123456"));
	assert_false(applicant_id_number_valid("abc"));
	assert_false(applicant_id_number_valid(""));
	assert_false(applicant_id_number_valid(NULL));
	assert_false(applicant_id_number_valid("04518700123"));   /* 11 digits */
	assert_false(applicant_id_number_valid("0451870012345")); /* 13 digits */
	assert_false(applicant_id_number_valid("045187 001234"));
	assert_false(applicant_id_number_valid("c1234567"));  /* lower case */
	assert_false(applicant_id_number_valid("C12345"));    /* too short */
	assert_false(applicant_id_number_valid("ABC123456")); /* three letters */
	assert_false(applicant_id_number_valid("C1234567X"));
}

static void test_phones(void **state)
{
	static const struct {
		const char *in, *want;
	} ok[] = {
	    {"0912345678", "0912345678"},      {"0912 345 678", "0912345678"},
	    {"0912.345.678", "0912345678"},    {"+84912345678", "0912345678"},
	    {"+84 912 345 678", "0912345678"}, {"84912345678", "0912345678"},
	    {"0353-111-222", "0353111222"},    {"0233 3880 000", "02333880000"},
	    {"(0233) 3880000", "02333880000"}, {"+84 233 3880 000", "02333880000"},
	};
	static const char *const bad[] = {
	    "xyz",
	    "",
	    "091234567",
	    "09123456789",
	    "0112345678",
	    "+1 202 555 0100",
	    "912345678",
	    "0912-345-67a",
	    "+84 112 345 678",
	    "0612345678",
	};
	char out[APPLICANT_PHONE_MAX];
	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_true(applicant_phone_normalize(ok[i].in, out));
		assert_string_equal(out, ok[i].want);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(applicant_phone_normalize(bad[i], out));
		assert_string_equal(out, "");
	}
	assert_false(applicant_phone_normalize(NULL, out));
}

static void test_emails(void **state)
{
	(void)state;
	assert_true(applicant_email_valid("huong.nt@example.vn"));
	assert_true(applicant_email_valid("a+b@mail.quangtri.gov.vn"));
	assert_false(applicant_email_valid("huong"));
	assert_false(applicant_email_valid("@example.vn"));
	assert_false(applicant_email_valid("huong@"));
	assert_false(applicant_email_valid("huong@localhost"));
	assert_false(applicant_email_valid("huong@@example.vn"));
	assert_false(applicant_email_valid("a b@example.vn"));
	assert_false(applicant_email_valid("huong@example..vn"));
	assert_false(applicant_email_valid("huong@-example.vn"));
	assert_false(applicant_email_valid(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_id_numbers),
	    cmocka_unit_test(test_phones),
	    cmocka_unit_test(test_emails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
