/* Unit tests of Vietnamese search folding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/fold.h"

static void test_fold(void **state)
{
	char out[128];
	fold_vi("Đăng ký khai sinh", out, sizeof out);
	assert_string_equal(out, "dang ky khai sinh");
	fold_vi("ỦY BAN NHÂN DÂN HUYỆN HƯỚNG HÓA", out, sizeof out);
	assert_string_equal(out, "uy ban nhan dan huyen huong hoa");
	/* NFD input: base letters followed by combining marks. */
	fold_vi("Hu\xcc\x9b\xcc\x81o\xcc\x9b\xcc\x80ng", out, sizeof out);
	assert_string_equal(out, "huong");
	fold_vi("Chứng thực 2.000815", out, sizeof out);
	assert_string_equal(out, "chung thuc 2.000815");
}

static void test_truncation_keeps_utf8_whole(void **state)
{
	char out[6];
	fold_vi("ab€€", out, sizeof out); /* € is kept as 3 bytes, never cut */
	assert_string_equal(out, "ab\xe2\x82\xac");
}

static void test_truncation_keeps_4_byte_characters_whole(void **state)
{
	char out[6];
	fold_vi("ab\xf0\x9f\x98\x80"
	        "c",
	        out, sizeof out); /* an emoji is 4 bytes */
	assert_string_equal(out, "ab");
	char big[8];
	fold_vi("Ab\xf0\x9f\x98\x80", big, sizeof big);
	assert_string_equal(big, "ab\xf0\x9f\x98\x80");
}

static void test_contains(void **state)
{
	assert_true(fold_vi_contains("Đăng ký khai sinh", "khai sinh"));
	assert_true(fold_vi_contains("Đăng ký khai sinh", "KHAI SINH"));
	assert_true(fold_vi_contains("Đăng ký kết hôn", "ket hon"));
	assert_true(fold_vi_contains("Đăng ký kết hôn", "kết hôn"));
	assert_false(fold_vi_contains("Đăng ký kết hôn", "khai tử"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test(test_truncation_keeps_utf8_whole),
	    cmocka_unit_test(test_truncation_keeps_4_byte_characters_whole),
	    cmocka_unit_test(test_contains),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
