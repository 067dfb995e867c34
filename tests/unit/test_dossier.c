/* Unit tests of the dossier state machine: every action from every status,
 * allowed and forbidden, the role table, apologies, timing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "domain/dossier.h"

/* The expected next status of each (status, action) for a dossier whose
 * clock runs; -1 where the action is refused. A supervisor may take every
 * action, so this table isolates the status rules. */
#define NO -1
/* clang-format off */
static const int expect[DS_STATUS_COUNT][DA_ACTION_COUNT] = {
	/* Columns: handover, request_supplement, supplement_received,
	 * send_interagency, partner_returned, await_payment, payment_received,
	 * result_ready, return_ineligible, apologize, withdraw, cancel,
	 * return_result. */
	[DS_SUPPLEMENT_REQUESTED] = {NO, NO, DS_IN_PROCESS, NO, NO, NO, NO, NO, NO, DS_SUPPLEMENT_REQUESTED, DS_WITHDRAWN, DS_CANCELLED, NO},
	[DS_RECEIVED] = {DS_IN_PROCESS, DS_SUPPLEMENT_REQUESTED, NO, DS_INTERAGENCY, NO, NO, NO, DS_RESULT_READY, DS_RETURNED_INELIGIBLE, DS_RECEIVED, DS_WITHDRAWN, NO, NO},
	[DS_IN_PROCESS] = {DS_IN_PROCESS, DS_SUPPLEMENT_REQUESTED, NO, DS_INTERAGENCY, NO, DS_AWAITING_PAYMENT, NO, DS_RESULT_READY, DS_RETURNED_INELIGIBLE, DS_IN_PROCESS, DS_WITHDRAWN, NO, NO},
	[DS_INTERAGENCY] = {NO, NO, NO, NO, DS_IN_PROCESS, DS_AWAITING_PAYMENT, NO, NO, DS_RETURNED_INELIGIBLE, DS_INTERAGENCY, DS_WITHDRAWN, NO, NO},
	[DS_AWAITING_PAYMENT] = {NO, NO, NO, NO, NO, NO, DS_IN_PROCESS, NO, DS_RETURNED_INELIGIBLE, DS_AWAITING_PAYMENT, DS_WITHDRAWN, NO, NO},
	[DS_RESULT_READY] = {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, DS_RETURNED},
	[DS_RETURNED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
	[DS_REJECTED_AT_INTAKE] = {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
	[DS_RETURNED_INELIGIBLE] = {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
	[DS_WITHDRAWN] = {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
	[DS_CANCELLED] = {NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO},
};
/* clang-format on */

static void test_every_transition(void **state)
{
	for (int s = 0; s < DS_STATUS_COUNT; s++)
		for (int a = 0; a < DA_ACTION_COUNT; a++) {
			struct dossier_state st = {
			    .status = s, .clock_started = true, .due_at = 1000};
			enum dossier_status next = DS_STATUS_COUNT;
			const char *code = NULL;
			bool ok = dossier_transition(&st, a, ROLE_SUPERVISOR, 500, &next, &code);
			if (expect[s][a] == NO) {
				if (ok)
					fail_msg("%s allowed in %s", dossier_action_name(a),
					         dossier_status_name(s));
				assert_string_equal(code, "action_not_allowed");
			} else {
				if (!ok)
					fail_msg("%s refused in %s: %s", dossier_action_name(a),
					         dossier_status_name(s), code);
				assert_int_equal(next, expect[s][a]);
			}
		}
}

static void test_supplement_at_intake_starts_the_clock(void **state)
{
	struct dossier_state st = {.status = DS_SUPPLEMENT_REQUESTED, .clock_started = false};
	enum dossier_status next;
	const char *code;
	assert_true(dossier_transition(&st, DA_SUPPLEMENT_RECEIVED, ROLE_COUNTER, 0, &next, &code));
	assert_int_equal(next, DS_RECEIVED);
	/* Without a clock there is no appointment to apologise for. */
	assert_false(dossier_transition(&st, DA_APOLOGIZE, ROLE_SUPERVISOR, 0, &next, &code));
}

static void test_roles(void **state)
{
	struct dossier_state st = {.status = DS_IN_PROCESS, .clock_started = true, .due_at = 1000};
	enum dossier_status next;
	const char *code;
	assert_false(dossier_transition(&st, DA_APOLOGIZE, ROLE_COUNTER, 0, &next, &code));
	assert_string_equal(code, "forbidden_role");
	assert_false(dossier_transition(&st, DA_APOLOGIZE, ROLE_SPECIALIST, 0, &next, &code));
	assert_false(dossier_transition(&st, DA_RESULT_READY, ROLE_COUNTER, 0, &next, &code));
	assert_true(dossier_transition(&st, DA_RESULT_READY, ROLE_SPECIALIST, 0, &next, &code));
	assert_false(dossier_transition(&st, DA_HANDOVER, ROLE_KIOSK, 0, &next, &code));
	assert_false(dossier_transition(&st, DA_HANDOVER, ROLE_ADMIN, 0, &next, &code));
	st.status = DS_RESULT_READY;
	assert_false(dossier_transition(&st, DA_RETURN_RESULT, ROLE_SPECIALIST, 0, &next, &code));
	assert_string_equal(code, "forbidden_role");
	assert_true(dossier_transition(&st, DA_RETURN_RESULT, ROLE_COUNTER, 0, &next, &code));
	for (int a = 0; a < DA_ACTION_COUNT; a++)
		assert_true(dossier_action_roles(a) & ROLE_SUPERVISOR);
}

static void test_apology_rules(void **state)
{
	struct dossier_state st = {.status = DS_IN_PROCESS, .clock_started = true, .due_at = 1000};
	enum dossier_status next;
	const char *code;
	assert_true(dossier_transition(&st, DA_APOLOGIZE, ROLE_SUPERVISOR, 1000, &next, &code));
	assert_int_equal(next, DS_IN_PROCESS);
	assert_false(dossier_transition(&st, DA_APOLOGIZE, ROLE_SUPERVISOR, 1001, &next, &code));
	assert_string_equal(code, "apology_after_due");
	st.apologized = true;
	assert_false(dossier_transition(&st, DA_APOLOGIZE, ROLE_SUPERVISOR, 10, &next, &code));
	assert_string_equal(code, "apology_once");
}

static void test_names(void **state)
{
	for (int s = 0; s < DS_STATUS_COUNT; s++) {
		enum dossier_status back;
		assert_true(dossier_status_parse(dossier_status_name(s), &back));
		assert_int_equal(back, s);
		assert_true(strlen(dossier_status_text_vi(s)) > 0);
	}
	for (int a = 0; a < DA_ACTION_COUNT; a++) {
		enum dossier_action back;
		assert_true(dossier_action_parse(dossier_action_name(a), &back));
		assert_int_equal(back, a);
	}
	enum dossier_action a;
	assert_false(dossier_action_parse("approve_everything", &a));
}

static void test_timing_and_risk(void **state)
{
	const int64_t day = 27000; /* 7.5 h */
	assert_int_equal(dossier_timing_of(day, 3 * day, day), DT_EARLY);
	assert_int_equal(dossier_timing_of(3 * day, 3 * day, day), DT_ON_TIME);
	assert_int_equal(dossier_timing_of(3 * day - 100, 3 * day, day), DT_ON_TIME);
	assert_int_equal(dossier_timing_of(3 * day + 1, 3 * day, day), DT_LATE);
	assert_true(dossier_at_risk(100, 1000, 200));
	assert_false(dossier_at_risk(200, 1000, 200));
	assert_false(dossier_at_risk(500, 1000, 200));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_transition),
	    cmocka_unit_test(test_supplement_at_intake_starts_the_clock),
	    cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_apology_rules),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_timing_and_risk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
