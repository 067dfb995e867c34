/* Unit tests of the applicant rules (domain/applicant.h): ID numbers, phone
 * numbers with their normal form, e-mail addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
	/* What the e-mail channel could never send is refused here too. */
	assert_false(applicant_email_valid("a>b@example.vn"));
	assert_false(applicant_email_valid("a>b,c\"d@b.vn"));
	assert_false(applicant_email_valid("ab@b\xc3\xa9.vn"));
	assert_false(applicant_email_valid("\xc3\xa9@b.vn"));
	assert_false(applicant_email_valid("a(b)@b.vn"));
	assert_false(applicant_email_valid("a;b@b.vn"));
	assert_true(applicant_email_valid("ab@xn--b-9fa.vn"));
}

static void test_texts(void **state)
{
	(void)state;
	char name[401];
	name[0] = '\0';
	for (int i = 0; i < 100; i++)
		strcat(name, "\xe1\xbb\x87"); /* ệ: 3 bytes, one character */
	assert_true(applicant_name_valid(name, strlen(name)));
	strcat(name, "\xe1\xbb\x87\xe1\xbb\x87");
	assert_true(applicant_name_valid(name, strlen(name))); /* 102 characters */
	char a200[202];
	memset(a200, 'a', 201);
	a200[201] = '\0';
	assert_true(applicant_name_valid(a200, 200));
	assert_false(applicant_name_valid(a200, 201));
	const char *thanh = "L\xc3\xaa V\xc4\x83n Th\xc3\xa0nh";
	assert_true(applicant_name_valid(thanh, strlen(thanh)));
	assert_false(applicant_name_valid("", 0));
	static const char *const bad[] = {
	    "A\nB",
	    "A\rB",
	    "A\tB",
	    "A\x7f"
	    "B",
	    "A\xc2\x85"
	    "B", /* NEL, C1 */
	    "A\xe2\x80\xae"
	    "B", /* U+202E */
	    "A\xe2\x80\xa8"
	    "B", /* U+2028 */
	    "A\xe2\x80\xa9"
	    "B", /* U+2029 */
	    "A\xe2\x80\x8e"
	    "B", /* U+200E */
	    "A\xe2\x81\xa6"
	    "B",         /* U+2066 */
	    "A\xc3\x28", /* not UTF-8 */
	    "A\xc0\xaf", /* overlong */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(applicant_name_valid(bad[i], strlen(bad[i])));
	assert_true(applicant_text_valid("d\xc3\xb2ng 1\nd\xc3\xb2ng 2", 15, 1000, true));
	assert_false(applicant_text_valid("d\xc3\xb2ng 1\nd\xc3\xb2ng 2", 15, 1000, false));
	assert_false(applicant_text_valid("A\r\nB", 4, 1000, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_id_numbers),
	    cmocka_unit_test(test_phones),
	    cmocka_unit_test(test_emails),
	    cmocka_unit_test(test_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
