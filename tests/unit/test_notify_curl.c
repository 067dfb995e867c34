/* Unit tests of what the channel adapters share (api/notify_curl.h): a
 * provider's answer kept as valid UTF-8 whatever bytes came, cut at a
 * character boundary; the error line; the configured timeout and urls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "api/notify_curl.h"

static void test_clean_keeps_vietnamese_and_lines(void **state)
{
	char out[128];
	const char *s = "Hồ sơ đã có kết quả\r\n\tOK";
	notify_clean_text(out, sizeof out, s, strlen(s), false);
	assert_string_equal(out, "Hồ sơ đã có kết quả\n\tOK");
	notify_clean_text(out, sizeof out, s, strlen(s), true);
	assert_string_equal(out, "Hồ sơ đã có kết quả  OK");
}

static void test_clean_replaces_bad_bytes(void **state)
{
	char out[64];
	/* NUL, a lone continuation byte, an overlong '/', a surrogate, 0xFF, ESC. */
	const char s[] = "a\0b\x80"
	                 "c\xc0\xaf"
	                 "d\xed\xa0\x80"
	                 "e\xff\x1b"
	                 "f";
	notify_clean_text(out, sizeof out, s, sizeof s - 1, false);
	assert_string_equal(out, "a?b?c??d???e??f");
	/* A sequence cut by the end of the answer. */
	notify_clean_text(out, sizeof out, "x\xe1\xbb", 3, false);
	assert_string_equal(out, "x??");
}

static void test_clean_cuts_at_a_character(void **state)
{
	char out[6];
	/* "ab" + "ồ" (3 bytes) fits in 5 bytes + NUL; the next "ồ" does not. */
	notify_clean_text(out, sizeof out, "abồồ", strlen("abồồ"), false);
	assert_string_equal(out, "abồ");
	char one[1];
	notify_clean_text(one, sizeof one, "abc", 3, false);
	assert_string_equal(one, "");
}

static void test_keep_answer_and_error(void **state)
{
	struct notify_result r;
	memset(&r, 0, sizeof r);
	char big[10000];
	memset(big, 'x', sizeof big);
	struct notify_answer a = {big, sizeof big, false};
	notify_keep_answer(&r, "HTTP 500", &a);
	assert_int_equal(strlen(r.answer), sizeof r.answer - 1);
	assert_memory_equal(r.answer, "HTTP 500\nxxx", 12);
	struct notify_answer none = {NULL, 0, false};
	notify_keep_answer(&r, "HTTP 204", &none);
	assert_string_equal(r.answer, "HTTP 204");
	notify_set_error(&r, "refused: %s", "code=\"05\"\nsecond line");
	assert_string_equal(r.error, "refused: code=\"05\" second line");
}

static void test_config_readers(void **state)
{
	json_t *cfg =
	    json_pack("{s:i, s:s, s:s, s:s}", "timeout_s", 7, "url", "https://sms.example.vn/send",
	              "smtp", "smtps://relay.example.vn:465", "bad", "file:///etc/passwd");
	assert_int_equal(notify_timeout_s(cfg, 10), 7);
	json_object_set_new(cfg, "timeout_s", json_integer(0));
	assert_int_equal(notify_timeout_s(cfg, 10), 10);
	json_object_set_new(cfg, "timeout_s", json_string("5"));
	assert_int_equal(notify_timeout_s(cfg, 15), 15);
	assert_string_equal(notify_cfg_url(cfg, "url", true), "https://sms.example.vn/send");
	assert_null(notify_cfg_url(cfg, "url", false));
	assert_string_equal(notify_cfg_url(cfg, "smtp", false), "smtps://relay.example.vn:465");
	assert_null(notify_cfg_url(cfg, "smtp", true));
	assert_null(notify_cfg_url(cfg, "bad", true));
	assert_null(notify_cfg_url(cfg, "bad", false));
	assert_null(notify_cfg_url(cfg, "missing", true));
	assert_null(notify_cfg_url(NULL, "url", true));
	json_decref(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean_keeps_vietnamese_and_lines),
	    cmocka_unit_test(test_clean_replaces_bad_bytes),
	    cmocka_unit_test(test_clean_cuts_at_a_character),
	    cmocka_unit_test(test_keep_answer_and_error),
	    cmocka_unit_test(test_config_readers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
