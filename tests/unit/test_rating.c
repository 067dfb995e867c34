/* Unit tests of the rating rules (domain/rating.h): levels, comments, typed
 * tokens, and when a link may be issued or used. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/rating.h"

static void test_levels(void **state)
{
	enum rating_level l = RATING_NEUTRAL;
	assert_true(rating_level_parse("very_satisfied", &l));
	assert_int_equal(l, RATING_VERY_SATISFIED);
	assert_true(rating_level_parse("not_satisfied", &l));
	assert_int_equal(l, RATING_NOT_SATISFIED);
	assert_false(rating_level_parse("Satisfied", &l));
	assert_false(rating_level_parse("", &l));
	assert_false(rating_level_parse(NULL, &l));
	assert_int_equal(l, RATING_NOT_SATISFIED); /* untouched */
	for (int i = 0; i < RATING_LEVEL_COUNT; i++) {
		assert_true(rating_level_parse(rating_level_name((enum rating_level)i), &l));
		assert_int_equal(l, i);
	}
	assert_string_equal(rating_level_label_vi(RATING_SATISFIED), "Hài lòng");
	assert_string_equal(rating_level_label_en(RATING_NEUTRAL), "Neutral");
}

static void test_comment(void **state)
{
	char text[2 * RATING_COMMENT_MAX + 3];
	assert_true(rating_comment_valid(""));
	assert_true(rating_comment_valid("Cán bộ nhiệt tình\nrất tốt\t!"));
	assert_false(rating_comment_valid("a\rb"));
	assert_false(rating_comment_valid(NULL));
	/* 500 two-byte characters are fine, 501 are not. */
	for (int i = 0; i < RATING_COMMENT_MAX; i++)
		memcpy(text + 2 * i, "\xC3\xA0", 2);
	text[2 * RATING_COMMENT_MAX] = '\0';
	assert_int_equal(rating_comment_chars(text), RATING_COMMENT_MAX);
	assert_true(rating_comment_valid(text));
	strcat(text, "a");
	assert_false(rating_comment_valid(text));
}

static void test_token_normalise(void **state)
{
	char out[65], big[RATING_TOKEN_TYPED_MAX + 2];
	assert_true(rating_token_normalise("abcd-efgh jk23", out, sizeof out));
	assert_string_equal(out, "ABCDEFGHJK23");
	assert_false(rating_token_normalise("- -", out, sizeof out));
	assert_false(rating_token_normalise("", out, sizeof out));
	assert_false(rating_token_normalise(NULL, out, sizeof out));
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_false(rating_token_normalise(big, out, sizeof out));
	big[RATING_TOKEN_TYPED_MAX] = '\0';
	assert_true(rating_token_normalise(big, out, sizeof out));
	assert_int_equal(strlen(out), sizeof out - 1); /* cut to the buffer */
}

static void test_may_issue(void **state)
{
	struct rating_subject_state s = {.kind = RATING_KIND_DOSSIER};
	assert_int_equal(rating_may_issue(&s), RATING_DOSSIER_NOT_FOUND);
	s.found = true;
	assert_int_equal(rating_may_issue(&s), RATING_ALLOWED); /* a dossier needs no service */
	s.rated = true;
	assert_int_equal(rating_may_issue(&s), RATING_ALREADY_RATED);
	s = (struct rating_subject_state){.kind = RATING_KIND_TICKET};
	assert_int_equal(rating_may_issue(&s), RATING_TICKET_NOT_FOUND);
	s.found = true;
	s.rated = true;
	assert_int_equal(rating_may_issue(&s), RATING_TICKET_NOT_SERVED);
	s.served = true;
	assert_int_equal(rating_may_issue(&s), RATING_ALREADY_RATED);
	s.rated = false;
	assert_int_equal(rating_may_issue(&s), RATING_ALLOWED);
}

static void test_may_submit(void **state)
{
	int64_t issued = 1767225600, expires = rating_link_expiry(issued);
	assert_int_equal(expires - issued, 30 * 86400);
	assert_int_equal(rating_may_submit(true, expires, issued, false), RATING_ALLOWED);
	assert_int_equal(rating_may_submit(true, expires, expires - 1, false), RATING_ALLOWED);
	assert_int_equal(rating_may_submit(true, expires, expires, false), RATING_LINK_NOT_FOUND);
	assert_int_equal(rating_may_submit(false, expires, issued, false), RATING_LINK_NOT_FOUND);
	/* An expired link says so even for a rated subject. */
	assert_int_equal(rating_may_submit(true, expires, expires + 5, true),
	                 RATING_LINK_NOT_FOUND);
	assert_int_equal(rating_may_submit(true, expires, issued, true), RATING_ALREADY_RATED);
}

static void test_refusal_text(void **state)
{
	const char *code, *vi, *en;
	rating_refusal_text(RATING_ALREADY_RATED, &code, &vi, &en);
	assert_string_equal(code, "already_rated");
	assert_true(rating_refusal_is_conflict(RATING_ALREADY_RATED));
	assert_true(rating_refusal_is_conflict(RATING_TICKET_NOT_SERVED));
	assert_false(rating_refusal_is_conflict(RATING_LINK_NOT_FOUND));
	rating_refusal_text(RATING_LINK_NOT_FOUND, &code, &vi, &en);
	assert_string_equal(code, "rating_link_not_found");
	rating_refusal_text(RATING_ALLOWED, &code, &vi, &en);
	assert_null(code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_levels),          cmocka_unit_test(test_comment),
	    cmocka_unit_test(test_token_normalise), cmocka_unit_test(test_may_issue),
	    cmocka_unit_test(test_may_submit),      cmocka_unit_test(test_refusal_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
