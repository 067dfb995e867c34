/* Unit tests of the JSON text writer (util/jsontext.h): what it writes must
 * parse back to the same values with a real JSON parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <jansson.h>

#include "util/jsontext.h"

static void test_nested_members_round_trip(void **state)
{
	(void)state;
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_str(&j, "to_office", "UB-LB");
	jt_str(&j, "note", "Thiếu \"bản sao\"\n\tCCCD \\ 1\x01");
	jt_int(&j, "due_at", INT64_C(1767225600));
	jt_int(&j, "neg", -3);
	jt_bool(&j, "late", true);
	jt_null(&j, "holder");
	jt_str(&j, "none", NULL);
	jt_object(&j, "step");
	jt_object(&j, "empty");
	jt_end(&j);
	jt_array(&j, "missing");
	jt_str(&j, NULL, "Tờ khai");
	jt_int(&j, NULL, 2);
	jt_end(&j);
	jt_end(&j);
	jt_raw(&j, "stored", "[1,{\"a\":null}]");
	jt_end(&j);
	char *text = jt_finish(&j);

	json_error_t e;
	json_t *v = json_loads(text, 0, &e);
	assert_non_null(v);
	assert_string_equal(json_string_value(json_object_get(v, "to_office")), "UB-LB");
	assert_string_equal(json_string_value(json_object_get(v, "note")),
	                    "Thiếu \"bản sao\"\n\tCCCD \\ 1\x01");
	assert_int_equal(json_integer_value(json_object_get(v, "due_at")), 1767225600);
	assert_int_equal(json_integer_value(json_object_get(v, "neg")), -3);
	assert_true(json_is_true(json_object_get(v, "late")));
	assert_true(json_is_null(json_object_get(v, "holder")));
	assert_true(json_is_null(json_object_get(v, "none")));
	json_t *step = json_object_get(v, "step");
	assert_int_equal(json_object_size(json_object_get(step, "empty")), 0);
	json_t *missing = json_object_get(step, "missing");
	assert_int_equal(json_array_size(missing), 2);
	assert_string_equal(json_string_value(json_array_get(missing, 0)), "Tờ khai");
	assert_int_equal(json_array_size(json_object_get(v, "stored")), 2);
	/* Compact, members in the order written. */
	assert_memory_equal(text, "{\"to_office\":\"UB-LB\",", 21);
	json_decref(v);
	free(text);
}

static void test_empty_object(void **state)
{
	(void)state;
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_end(&j);
	char *text = jt_finish(&j);
	assert_string_equal(text, "{}");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nested_members_round_trip),
	    cmocka_unit_test(test_empty_object),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
