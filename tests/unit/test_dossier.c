/* Unit tests of the dossier state machine: every action from every status,
 * allowed and forbidden, the role table, apologies, timing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "domain/civil_date.h"
#include "domain/dossier.h"
#include "domain/office.h"
#include "domain/workcal.h"

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
	/* The names kept in dossiers.timing parse back; anything else is none. */
	for (int t = DT_EARLY; t <= DT_LATE; t++) {
		enum dossier_timing back = DT_ON_TIME;
		assert_true(
		    dossier_timing_parse(dossier_timing_name((enum dossier_timing)t), &back));
		assert_int_equal(back, t);
	}
	enum dossier_timing kept = DT_EARLY;
	assert_true(dossier_timing_parse("late", &kept));
	assert_int_equal(kept, DT_LATE);
	assert_false(dossier_timing_parse("", &kept));
	assert_false(dossier_timing_parse("Late", &kept));
	assert_false(dossier_timing_parse(NULL, &kept));
	assert_int_equal(kept, DT_LATE);
	assert_true(dossier_at_risk(100, 1000, 200));
	assert_false(dossier_at_risk(200, 1000, 200));
	assert_false(dossier_at_risk(500, 1000, 200));
}

/* Office time (UTC+7) as an instant. */
static int64_t at(int y, int m, int d, int hh, int mm)
{
	return (int64_t)civil_days_from_ymd(y, m, d) * 86400 + hh * 3600 + mm * 60 - 7 * 3600;
}

static struct workcal cal_store;

/* The default calendar (Mon-Fri 07:30-11:30, 13:30-17:00, Labour Code
 * holidays) for 2026-2027 as the rules take it. */
static const struct dossier_calendar *calendar(void)
{
	static struct dossier_calendar c;
	static bool built;
	if (!built) {
		struct workcal_config cfg;
		workcal_config_default(&cfg, 2026, 2027);
		assert_int_equal(workcal_init(&cal_store, &cfg), WORKCAL_OK);
		dossier_calendar_workcal(&c, &cal_store);
		built = true;
	}
	return &c;
}

static void test_refusals(void **state)
{
	struct dossier_facts d = {.status = DS_IN_PROCESS,
	                          .received_at = 100,
	                          .due_at = 1000,
	                          .holder_here = true,
	                          .intake_here = true,
	                          .return_here = true};
	enum dossier_status next;
	assert_int_equal(dossier_decide(&d, DA_HANDOVER, ROLE_SPECIALIST, 0, 500, &next), DR_NONE);
	assert_int_equal(next, DS_IN_PROCESS);
	assert_int_equal(dossier_decide(&d, DA_APOLOGIZE, ROLE_COUNTER, 2000, 500, &next),
	                 DR_FORBIDDEN_ROLE);
	/* Another office holds it: processing is the holder's, but the
	 * receiving centre may still take a supplement or a withdrawal. */
	d.holder_here = false;
	assert_int_equal(dossier_decide(&d, DA_HANDOVER, ROLE_SUPERVISOR, 0, 500, &next),
	                 DR_NOT_HOLDER);
	assert_int_equal(dossier_decide(&d, DA_WITHDRAW, ROLE_SUPERVISOR, 0, 500, &next), DR_NONE);
	d.intake_here = false;
	assert_int_equal(dossier_decide(&d, DA_WITHDRAW, ROLE_SUPERVISOR, 0, 500, &next),
	                 DR_NOT_HOLDER);
	/* The status is judged before the place. */
	d.status = DS_RETURNED;
	assert_int_equal(dossier_decide(&d, DA_HANDOVER, ROLE_SUPERVISOR, 0, 500, &next),
	                 DR_NOT_ALLOWED);
	/* The result is handed over where it waits. */
	d.status = DS_RESULT_READY;
	d.return_here = false;
	assert_int_equal(dossier_decide(&d, DA_RETURN_RESULT, ROLE_COUNTER, 0, 500, &next),
	                 DR_RETURN_ELSEWHERE);
	d.return_here = true;
	assert_int_equal(dossier_decide(&d, DA_RETURN_RESULT, ROLE_COUNTER, 0, 500, &next),
	                 DR_NONE);
	assert_int_equal(next, DS_RETURNED);
}

static void test_apology_new_due_after_old(void **state)
{
	struct dossier_facts d = {.status = DS_IN_PROCESS,
	                          .received_at = 100,
	                          .due_at = 1000,
	                          .holder_here = true,
	                          .intake_here = true,
	                          .return_here = true};
	enum dossier_status next;
	assert_int_equal(dossier_decide(&d, DA_APOLOGIZE, ROLE_SUPERVISOR, 1000, 500, &next),
	                 DR_NEW_DUE_NOT_LATER);
	assert_int_equal(dossier_decide(&d, DA_APOLOGIZE, ROLE_SUPERVISOR, 999, 500, &next),
	                 DR_NEW_DUE_NOT_LATER);
	assert_int_equal(dossier_decide(&d, DA_APOLOGIZE, ROLE_SUPERVISOR, 1001, 500, &next),
	                 DR_NONE);
	/* Too late to apologise comes first, then once only. */
	assert_int_equal(dossier_decide(&d, DA_APOLOGIZE, ROLE_SUPERVISOR, 2000, 1001, &next),
	                 DR_APOLOGY_AFTER_DUE);
	d.apology_at = 400;
	assert_int_equal(dossier_decide(&d, DA_APOLOGIZE, ROLE_SUPERVISOR, 2000, 500, &next),
	                 DR_APOLOGY_ONCE);
}

static void test_refusal_words(void **state)
{
	char vi[256], en[256];
	const struct dossier_refusal_text *t = dossier_refusal_text(DR_NOT_ALLOWED);
	assert_int_equal(t->kind, DRK_CONFLICT);
	assert_string_equal(t->code, "action_not_allowed");
	dossier_refusal_words(DR_NOT_ALLOWED, "handover", "returned", NULL, vi, sizeof vi, en,
	                      sizeof en);
	assert_string_equal(en, "'handover' is not allowed while the dossier is returned");
	dossier_refusal_words(DR_RETURN_ELSEWHERE, "return_result", NULL, "TT Lạc Biên", vi,
	                      sizeof vi, en, sizeof en);
	assert_string_equal(vi, "Kết quả được trả tại TT Lạc Biên");
	assert_string_equal(en, "The result is returned at another centre (TT Lạc Biên)");
	assert_string_equal(dossier_refusal_text(DR_FORBIDDEN_ROLE)->code, "forbidden");
	assert_int_equal(dossier_refusal_text(DR_FORBIDDEN_ROLE)->kind, DRK_FORBIDDEN);
	assert_string_equal(dossier_refusal_text(DR_NEW_DUE_NOT_LATER)->code, "invalid_new_due");
	assert_int_equal(dossier_refusal_text(DR_NEW_DUE_NOT_LATER)->kind, DRK_INVALID);
	/* Every reason has its words. */
	for (int r = 1; r < DR_COUNT; r++)
		assert_true(strlen(dossier_refusal_text(r)->vi) > 0);
}

static void test_lateness(void **state)
{
	const struct dossier_calendar *c = calendar();
	const int64_t day = 27000;
	struct dossier_times t = {.status = DS_IN_PROCESS,
	                          .received_at = at(2026, 11, 30, 8, 0),
	                          .due_at = at(2026, 12, 2, 8, 0)};
	struct dossier_lateness l;
	/* A day past the due instant, in working time. */
	dossier_lateness_of(c, &t, at(2026, 12, 3, 8, 0), 200, &l);
	assert_true(l.known && l.late);
	assert_int_equal(l.late_seconds, day);
	assert_false(l.has_remaining);
	assert_false(l.at_risk);
	assert_false(l.has_result);
	/* Paused since Tuesday: the clock stopped there, on time. */
	t.status = DS_SUPPLEMENT_REQUESTED;
	t.paused_at = at(2026, 12, 1, 8, 0);
	dossier_lateness_of(c, &t, at(2026, 12, 3, 8, 0), 200, &l);
	assert_false(l.late);
	assert_false(l.has_remaining); /* the clock does not run while paused */
	/* Half an hour left of two days: at risk. */
	t.status = DS_IN_PROCESS;
	t.paused_at = 0;
	dossier_lateness_of(c, &t, at(2026, 12, 1, 17, 0), 200, &l);
	assert_false(l.late);
	assert_true(l.has_remaining);
	assert_int_equal(l.remaining_seconds, 1800);
	assert_true(l.at_risk);
	dossier_lateness_of(c, &t, at(2026, 11, 30, 9, 0), 200, &l);
	assert_false(l.at_risk);
	/* Finished a day into four: early; past due: late. */
	t.due_at = at(2026, 12, 4, 8, 0);
	t.finished_at = at(2026, 12, 1, 8, 0);
	t.status = DS_RESULT_READY;
	dossier_lateness_of(c, &t, at(2026, 12, 10, 8, 0), 200, &l);
	assert_true(l.has_result);
	assert_int_equal(l.result, DT_EARLY);
	t.finished_at = at(2026, 12, 4, 9, 0);
	dossier_lateness_of(c, &t, at(2026, 12, 10, 8, 0), 200, &l);
	assert_true(l.late);
	assert_int_equal(l.late_seconds, 3600);
	assert_int_equal(l.result, DT_LATE);
	/* No clock: nothing known. */
	t.received_at = 0;
	dossier_lateness_of(c, &t, at(2026, 12, 10, 8, 0), 200, &l);
	assert_false(l.known);
}

static void test_lateness_over_a_holiday(void **state)
{
	const struct dossier_calendar *c = calendar();
	/* New Year's Day 2027 is a Friday: Thursday 08:00 to Monday 08:00 is
	 * one working day. */
	struct dossier_times t = {.status = DS_RESULT_READY,
	                          .received_at = at(2026, 12, 31, 8, 0),
	                          .due_at = at(2027, 1, 4, 8, 0),
	                          .finished_at = at(2027, 1, 4, 8, 0)};
	struct dossier_lateness l;
	dossier_lateness_of(c, &t, at(2027, 1, 5, 8, 0), 200, &l);
	assert_false(l.late);
	assert_int_equal(l.result, DT_ON_TIME);
	t.finished_at = at(2027, 1, 4, 8, 30);
	dossier_lateness_of(c, &t, at(2027, 1, 5, 8, 0), 200, &l);
	assert_true(l.late);
	assert_int_equal(l.late_seconds, 1800);
}

/* The late=true filter (SQL: a due instant and coalesce(finished, paused,
 * now) past it) agrees with the lateness rule on every combination. */
static void test_late_filter_agrees(void **state)
{
	const struct dossier_calendar *c = calendar();
	const int64_t recv = at(2026, 11, 30, 8, 0), now = at(2026, 12, 3, 10, 0);
	const int64_t dues[] = {0, at(2026, 12, 2, 8, 0), at(2026, 12, 4, 8, 0)};
	const int64_t stops[] = {0, at(2026, 12, 1, 8, 0), at(2026, 12, 3, 9, 0)};
	for (size_t i = 0; i < 3; i++)
		for (size_t p = 0; p < 3; p++)
			for (size_t f = 0; f < 3; f++)
				for (int s = 0; s < DS_STATUS_COUNT; s++) {
					struct dossier_times t = {.status = s,
					                          .received_at = recv,
					                          .due_at = dues[i],
					                          .paused_at = stops[p],
					                          .finished_at = stops[f]};
					struct dossier_lateness l;
					dossier_lateness_of(c, &t, now, 200, &l);
					assert_int_equal(l.known && l.late,
					                 dossier_is_late(&t, now));
				}
}

static void test_pause_arithmetic(void **state)
{
	const struct dossier_calendar *c = calendar();
	int64_t paused = 0, due = 0;
	/* A working day paused moves the due instant by a working day. */
	assert_true(dossier_resume(c, at(2026, 12, 2, 8, 0), at(2026, 11, 30, 8, 0),
	                           at(2026, 12, 1, 8, 0), &paused, &due));
	assert_int_equal(paused, 27000);
	assert_int_equal(due, at(2026, 12, 3, 8, 0));
	/* Paused over a weekend: Friday 16:00 to Monday 08:00 is 1.5 hours. */
	assert_true(dossier_resume(c, at(2026, 12, 9, 8, 0), at(2026, 12, 4, 16, 0),
	                           at(2026, 12, 7, 8, 0), &paused, &due));
	assert_int_equal(paused, 5400);
	assert_int_equal(due, at(2026, 12, 9, 9, 30));
	/* At the end: the working time without the pauses, judged. */
	int64_t work = 0;
	enum dossier_timing timing;
	assert_true(dossier_finish_timing(c, at(2026, 11, 30, 8, 0), at(2026, 12, 4, 8, 0), 27000,
	                                  0, at(2026, 12, 2, 8, 0), &work, &timing));
	assert_int_equal(work, 27000);
	assert_int_equal(timing, DT_EARLY);
	/* An open pause counts too; past due is late whatever was spent. */
	assert_true(dossier_finish_timing(c, at(2026, 11, 30, 8, 0), at(2026, 12, 1, 8, 0), 0,
	                                  at(2026, 11, 30, 9, 0), at(2026, 12, 2, 8, 0), &work,
	                                  &timing));
	assert_int_equal(work, 3600);
	assert_int_equal(timing, DT_LATE);
	assert_false(dossier_finish_timing(c, 0, 0, 0, 0, at(2026, 12, 2, 8, 0), &work, &timing));
}

static void test_steps(void **state)
{
	const struct dossier_calendar *c = calendar();
	int64_t spent = 0;
	bool has = true;
	enum dossier_timing r;
	assert_true(dossier_step_close(c, at(2026, 11, 30, 8, 0), -1, at(2026, 12, 1, 8, 0), &spent,
	                               &has, &r));
	assert_int_equal(spent, 27000);
	assert_false(has);
	assert_true(dossier_step_close(c, at(2026, 11, 30, 8, 0), 27000 * 3, at(2026, 12, 1, 8, 0),
	                               &spent, &has, &r));
	assert_true(has);
	assert_int_equal(r, DT_EARLY);
	assert_int_equal(dossier_step_budget_of(1.5, 27000), 40500);
	assert_int_equal(dossier_handover_budget(c, 0, at(2026, 12, 1, 8, 0)), -1);
	assert_int_equal(dossier_handover_budget(c, at(2026, 12, 2, 8, 0), at(2026, 12, 1, 8, 0)),
	                 27000);
	assert_int_equal(dossier_handover_budget(c, at(2026, 12, 1, 8, 0), at(2026, 12, 2, 8, 0)),
	                 0);
}

/* The status an intake starts in, and what it tells the applicant. */
static void test_intake_outcome(void **state)
{
	(void)state;
	assert_int_equal(dossier_intake_status(DOSSIER_OUTCOME_RECEIVED), DS_RECEIVED);
	assert_int_equal(dossier_intake_status(DOSSIER_OUTCOME_SUPPLEMENT),
	                 DS_SUPPLEMENT_REQUESTED);
	assert_int_equal(dossier_intake_status(DOSSIER_OUTCOME_REFUSED), DS_REJECTED_AT_INTAKE);
	assert_int_equal(dossier_intake_notify(DOSSIER_OUTCOME_RECEIVED), DN_RECEIVED);
	assert_int_equal(dossier_intake_notify(DOSSIER_OUTCOME_SUPPLEMENT), DN_SUPPLEMENT);
	assert_int_equal(dossier_intake_notify(DOSSIER_OUTCOME_REFUSED), DN_NONE);
}

/* Which action tells the applicant what: a supplement received tells
 * "received" only when it starts the clock. */
static void test_notify_trigger(void **state)
{
	(void)state;
	for (int a = 0; a < DA_ACTION_COUNT; a++) {
		enum dossier_notify want = a == DA_REQUEST_SUPPLEMENT ? DN_SUPPLEMENT
		                           : a == DA_APOLOGIZE        ? DN_APOLOGY
		                           : a == DA_RESULT_READY     ? DN_RESULT_READY
		                                                      : DN_NONE;
		assert_int_equal(dossier_notify_trigger(a, true), want);
		if (a != DA_SUPPLEMENT_RECEIVED)
			assert_int_equal(dossier_notify_trigger(a, false), want);
	}
	assert_int_equal(dossier_notify_trigger(DA_SUPPLEMENT_RECEIVED, false), DN_RECEIVED);
	assert_string_equal(dossier_notify_name(DN_RECEIVED), "received");
	assert_string_equal(dossier_notify_name(DN_SUPPLEMENT), "supplement");
	assert_string_equal(dossier_notify_name(DN_APOLOGY), "apology");
	assert_string_equal(dossier_notify_name(DN_RESULT_READY), "result_ready");
	assert_null(dossier_notify_name(DN_NONE));
}

/* Which kind of office may serve where. */
static void test_office_permit(void **state)
{
	(void)state;
	static const char *const kinds[] = {"province", "centre",  "point",   "authority",
	                                    "internal", "partner", "nonsense"};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		unsigned k = office_kind_bit(kinds[i]);
		bool hall = i == 1 || i == 2;
		assert_int_equal(dossier_office_permit(DOU_INTAKE, k),
		                 hall ? DOR_NONE : DOR_NOT_A_CENTRE);
		assert_int_equal(dossier_office_permit(DOU_RETURN, k),
		                 hall ? DOR_NONE : DOR_NOT_A_CENTRE);
		assert_int_equal(dossier_office_permit(DOU_AUTHORITY, k),
		                 i == 3 ? DOR_NONE : DOR_NOT_AN_AUTHORITY);
		assert_int_equal(dossier_office_permit(DOU_PARTNER, k),
		                 i == 5 ? DOR_NONE : DOR_NOT_A_PARTNER);
		assert_int_equal(dossier_office_permit(DOU_HANDOVER, k), DOR_NONE);
	}
}

/* A probable duplicate: taken in within 30 days of 24 hours before the
 * intake (the bound included), not refused at intake; refused at intake
 * unless the clerk confirms. */
static void test_duplicate(void **state)
{
	(void)state;
	int64_t now = at(2026, 12, 1, 9, 0);
	int64_t since = now - 30 * 86400;
	assert_int_equal(DOSSIER_DUPLICATE_DAYS, 30);
	assert_int_equal(dossier_duplicate_since(now), since);
	assert_true(dossier_is_duplicate_of(now, DS_RECEIVED, now));
	assert_true(dossier_is_duplicate_of(since, DS_RECEIVED, now)); /* the bound */
	assert_false(dossier_is_duplicate_of(since - 1, DS_RECEIVED, now));
	assert_false(dossier_is_duplicate_of(now, DS_REJECTED_AT_INTAKE, now));
	/* Every other status, even final ones, is a dossier taken in. */
	for (int st = 0; st < DS_STATUS_COUNT; st++)
		assert_int_equal(dossier_is_duplicate_of(now - 86400, (enum dossier_status)st, now),
		                 st != DS_REJECTED_AT_INTAKE);
	assert_true(dossier_intake_refuses_duplicate(true, false));
	assert_false(dossier_intake_refuses_duplicate(true, true));
	assert_false(dossier_intake_refuses_duplicate(false, false));
	assert_false(dossier_intake_refuses_duplicate(false, true));
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
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_apology_new_due_after_old),
	    cmocka_unit_test(test_refusal_words),
	    cmocka_unit_test(test_lateness),
	    cmocka_unit_test(test_lateness_over_a_holiday),
	    cmocka_unit_test(test_late_filter_agrees),
	    cmocka_unit_test(test_pause_arithmetic),
	    cmocka_unit_test(test_steps),
	    cmocka_unit_test(test_intake_outcome),
	    cmocka_unit_test(test_notify_trigger),
	    cmocka_unit_test(test_office_permit),
	    cmocka_unit_test(test_duplicate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
