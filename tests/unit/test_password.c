/* Unit tests of the staff password policy (domain/password.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/password.h"

static void test_length(void **state)
{
	assert_int_equal(password_judge("lan", "Ngắn-quá"), PASSWORD_TOO_SHORT);
	assert_int_equal(password_judge("lan", "clerk-pass1"), PASSWORD_TOO_SHORT); /* 11 */
	assert_int_equal(password_judge("lan", "clerk-pass-1"), PASSWORD_OK);       /* 12 */
	char long_pw[130];
	memset(long_pw, 'x', 129);
	long_pw[0] = 'y';
	long_pw[129] = '\0';
	assert_int_equal(password_judge("lan", long_pw), PASSWORD_TOO_LONG);
}

static void test_common(void **state)
{
	static const char *const refused[] = {
	    "password1234", "Password@2026", "123456789012",     "000000000000",
	    "qwertyuiop12", "1qaz2wsx3edc",  "Motcua@123456",    "matkhau12345",
	    "MOTCUA2026!!", "anhyeuem1234",  "abcdefghijkl",     "987654321098",
	    "aaaaaaaaaaaa", "!!!!!!!!!!!!",  "2026-motcua-2026", "iloveyou2026",
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		assert_int_equal(password_judge("lan", refused[i]), PASSWORD_COMMON);
	assert_int_equal(password_judge("lan", "Sông Hương chảy qua 3 cầu"), PASSWORD_OK);
	assert_int_equal(password_judge("lan", "ngua-vang-chay-nhanh"), PASSWORD_OK);
}

static void test_username(void **state)
{
	assert_int_equal(password_judge("nguyenvana", "NguyenVanA2026"), PASSWORD_USERNAME);
	assert_int_equal(password_judge("nguyen.van.a", "nguyen.van.a!!"), PASSWORD_USERNAME);
	assert_int_equal(password_judge("giamsat", "giamsat-demo"), PASSWORD_OK);
}

static void test_list_is_sorted(void **state)
{
	assert_true(password_common_count > 200);
	for (size_t i = 1; i < password_common_count; i++)
		assert_true(strcmp(password_common[i - 1], password_common[i]) < 0);
	for (size_t i = 0; i < password_common_count; i++)
		for (const char *p = password_common[i]; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_length),
	    cmocka_unit_test(test_common),
	    cmocka_unit_test(test_username),
	    cmocka_unit_test(test_list_is_sorted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
