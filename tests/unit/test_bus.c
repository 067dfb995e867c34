/* Unit tests of the event bus's public view of an event (api/bus.c): a
 * ticket's priority class never leaves the server on a stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/bus.h"

static void expect_public(const char *details, const char *want)
{
	char *got = bus_public_details(details);
	assert_string_equal(got, want);
	free(got);
}

static void test_class_becomes_true(void **state)
{
	(void)state;
	expect_public(
	    "{\"type\":\"ticket.called\",\"ticket\":{\"id\":3,\"priority\":\"disability\"},"
	    "\"counter\":1}",
	    "{\"type\":\"ticket.called\",\"ticket\":{\"id\":3,\"priority\":true},"
	    "\"counter\":1}");
}

static void test_null_becomes_false(void **state)
{
	(void)state;
	expect_public("{\"ticket\":{\"priority\":null,\"label\":\"A001\"}}",
	              "{\"ticket\":{\"priority\":false,\"label\":\"A001\"}}");
}

/* Events without a ticket, and text that is not an object, pass unchanged. */
static void test_other_events_unchanged(void **state)
{
	(void)state;
	expect_public("{\"type\":\"counter.state\",\"counter\":{\"no\":2,\"state\":\"open\"}}",
	              "{\"type\":\"counter.state\",\"counter\":{\"no\":2,\"state\":\"open\"}}");
	expect_public("not json", "not json");
	expect_public("[1,2]", "[1,2]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_class_becomes_true),
	    cmocka_unit_test(test_null_becomes_false),
	    cmocka_unit_test(test_other_events_unchanged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
