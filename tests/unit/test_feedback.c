/* The PAKN step verdicts (domain/feedback.h): each step on time at its
 * limit, late one second after it, overdue while open, and the ended/late
 * summary the indicators count. */
/* The asserts are the test: kept in every build type (RelWithDebInfo and Release
 * define NDEBUG, which would compile them out and pass whatever the code did). */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "domain/feedback.h"

static struct feedback_times base(void)
{
	return (struct feedback_times){.received_at = 1000,
	                               .reject_due_at = 2000,
	                               .forward_due_at = 5000,
	                               .info_due_at = 5000,
	                               .answer_due_at = 15000};
}

static void test_reject_at_limit(void)
{
	struct feedback_times t = base();
	struct feedback_timing r;
	t.decision = "reject";
	t.classified_at = 2000;
	feedback_timing(&t, 99999, &r);
	assert(r.step[FEEDBACK_STEP_REJECT] == FEEDBACK_STEP_ON_TIME);
	assert(r.step[FEEDBACK_STEP_ANSWER] == FEEDBACK_STEP_NONE);
	assert(r.ended && r.ended_at == 2000 && !r.late);
	t.classified_at = 2001;
	feedback_timing(&t, 99999, &r);
	assert(r.step[FEEDBACK_STEP_REJECT] == FEEDBACK_STEP_LATE && r.late);
}

static void test_forward(void)
{
	struct feedback_times t = base();
	struct feedback_timing r;
	t.decision = "forward";
	t.classified_at = 5000;
	feedback_timing(&t, 99999, &r);
	assert(r.step[FEEDBACK_STEP_FORWARD] == FEEDBACK_STEP_ON_TIME && !r.late && r.ended);
	t.classified_at = 5001;
	feedback_timing(&t, 99999, &r);
	assert(r.step[FEEDBACK_STEP_FORWARD] == FEEDBACK_STEP_LATE && r.late);
}

static void test_answer_publish(void)
{
	struct feedback_times t = base();
	struct feedback_timing r;
	t.decision = "accept";
	t.classified_at = 1500;
	/* Open, within the answer's limit: pending, next due the answer's. */
	feedback_timing(&t, 14000, &r);
	assert(r.step[FEEDBACK_STEP_ANSWER] == FEEDBACK_STEP_PENDING);
	assert(!r.ended && !r.late && r.next_due_at == 15000);
	/* Past it: overdue, late, not ended. */
	feedback_timing(&t, 15001, &r);
	assert(r.step[FEEDBACK_STEP_ANSWER] == FEEDBACK_STEP_OVERDUE && r.late && !r.ended);
	/* Answered at the limit, publication pending then done at its limit. */
	t.answered_at = 15000;
	t.publish_due_at = 17000;
	feedback_timing(&t, 16000, &r);
	assert(r.step[FEEDBACK_STEP_ANSWER] == FEEDBACK_STEP_ON_TIME);
	assert(r.step[FEEDBACK_STEP_PUBLISH] == FEEDBACK_STEP_PENDING && !r.ended);
	t.published_at = 17000;
	feedback_timing(&t, 99999, &r);
	assert(r.ended && r.ended_at == 17000 && !r.late);
	t.published_at = 17001;
	feedback_timing(&t, 99999, &r);
	assert(r.step[FEEDBACK_STEP_PUBLISH] == FEEDBACK_STEP_LATE && r.late);
	/* Closed unpublished within the limit: ended on the answer, on time. */
	t.published_at = 0;
	t.closed_at = 16500;
	feedback_timing(&t, 99999, &r);
	assert(r.ended && r.ended_at == 15000 && !r.late);
	assert(r.step[FEEDBACK_STEP_PUBLISH] == FEEDBACK_STEP_NONE);
	t.closed_at = 17500;
	feedback_timing(&t, 99999, &r);
	assert(r.step[FEEDBACK_STEP_PUBLISH] == FEEDBACK_STEP_LATE && r.late);
}

static void test_info(void)
{
	struct feedback_times t = base();
	struct feedback_timing r;
	t.decision = "accept";
	t.classified_at = 1500;
	t.info_requested_at = 5000;
	feedback_timing(&t, 6000, &r);
	assert(r.step[FEEDBACK_STEP_INFO] == FEEDBACK_STEP_ON_TIME && !r.late);
	t.info_requested_at = 5001;
	feedback_timing(&t, 6000, &r);
	assert(r.step[FEEDBACK_STEP_INFO] == FEEDBACK_STEP_LATE && r.late);
}

/* While the sender is asked, the answer clock stands still: an open
 * request keeps the answer pending past its unmoved due (a sender who
 * never replies does not make the office late), unless the due had passed
 * before the request; once the sender replies, the store has moved the due
 * and the answer is judged normally against it. */
static void test_info_pause(void)
{
	struct feedback_times t = base();
	struct feedback_timing r;
	t.decision = "accept";
	t.classified_at = 1500;
	t.info_requested_at = 4000;
	t.info_asked_at = 4000;
	feedback_timing(&t, 99999, &r); /* long past the unmoved due 15000 */
	assert(r.step[FEEDBACK_STEP_ANSWER] == FEEDBACK_STEP_PENDING);
	assert(!r.late && r.next_due_at == 0 && !r.ended);
	/* Judged before the request was made: the clock still runs. */
	feedback_timing(&t, 3999, &r);
	assert(r.step[FEEDBACK_STEP_ANSWER] == FEEDBACK_STEP_PENDING && r.next_due_at == 15000);
	/* The due had passed when the request was made: still overdue. */
	t.info_asked_at = 15001;
	feedback_timing(&t, 99999, &r);
	assert(r.step[FEEDBACK_STEP_ANSWER] == FEEDBACK_STEP_OVERDUE && r.late);
	assert(r.next_due_at == 0);
	/* A request made exactly at the due: the due had not passed yet. */
	t.info_asked_at = 15000;
	feedback_timing(&t, 99999, &r);
	assert(r.step[FEEDBACK_STEP_ANSWER] == FEEDBACK_STEP_PENDING && !r.late);
	/* The sender replied: no request open, the due moved by the wait
	 * (15000 + 3000) and the answer judged against it. */
	t.info_asked_at = 0;
	t.answer_due_at = 18000;
	feedback_timing(&t, 17000, &r);
	assert(r.step[FEEDBACK_STEP_ANSWER] == FEEDBACK_STEP_PENDING && r.next_due_at == 18000);
	feedback_timing(&t, 18001, &r);
	assert(r.step[FEEDBACK_STEP_ANSWER] == FEEDBACK_STEP_OVERDUE && r.late);
	t.answered_at = 18000;
	feedback_timing(&t, 18001, &r);
	assert(r.step[FEEDBACK_STEP_ANSWER] == FEEDBACK_STEP_ON_TIME && !r.late);
}

static void test_unclassified(void)
{
	struct feedback_times t = base();
	struct feedback_timing r;
	/* Unclassified past the rejection's limit: not yet late (it may be
	 * accepted), late once the answer's limit passes. */
	feedback_timing(&t, 3000, &r);
	assert(!r.late && r.next_due_at == 15000);
	feedback_timing(&t, 15001, &r);
	assert(r.late && r.step[FEEDBACK_STEP_ANSWER] == FEEDBACK_STEP_OVERDUE);
}

static void test_words(void)
{
	assert(feedback_class_valid("conduct") && !feedback_class_valid("x"));
	assert(!feedback_class_valid(NULL));
	assert(feedback_staff_channel("hotline") && !feedback_staff_channel("web"));
	assert(strcmp(feedback_status_text("forwarded"), "Đã chuyển cơ quan có thẩm quyền") == 0);
	assert(feedback_status_text("nope") == NULL);
	assert(strcmp(feedback_step_name(FEEDBACK_STEP_PUBLISH), "publish") == 0);
	struct feedback_limits l;
	feedback_limits_default(&l);
	assert(l.reject == 2 && l.forward == 5 && l.info == 5 && l.answer == 15 && l.publish == 2);
}

int main(void)
{
	test_reject_at_limit();
	test_forward();
	test_answer_publish();
	test_info();
	test_info_pause();
	test_unclassified();
	test_words();
	puts("feedback: ok");
	return 0;
}
