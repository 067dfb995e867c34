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

/* Every status word parses to its enum and back; an unknown word (or none)
 * to FEEDBACK_STATUSES, which no rule admits. The same for the classes. */
static void test_status_words(void)
{
	static const char *const names[] = {"received",  "accepted",       "rejected",
	                                    "forwarded", "info_requested", "info_received",
	                                    "answered",  "published",      "closed"};
	assert(sizeof names / sizeof names[0] == FEEDBACK_STATUSES);
	for (int i = 0; i < FEEDBACK_STATUSES; i++) {
		assert((int)feedback_status_of(names[i]) == i);
		assert(strcmp(feedback_status_name((enum feedback_status)i), names[i]) == 0);
	}
	assert(feedback_status_of("Received") == FEEDBACK_STATUSES);
	assert(feedback_status_of("") == FEEDBACK_STATUSES);
	assert(feedback_status_of(NULL) == FEEDBACK_STATUSES);
	assert(feedback_status_name(FEEDBACK_STATUSES) == NULL);
	assert(feedback_class_of("conduct") == FEEDBACK_CLASS_CONDUCT);
	assert(feedback_class_of("other") == FEEDBACK_CLASS_OTHER);
	assert(feedback_class_of("x") == FEEDBACK_CLASSES &&
	       feedback_class_of(NULL) == FEEDBACK_CLASSES);
	/* A feedback of an unknown status takes no action. */
	struct feedback_actor sup = {.user_id = 1, .actor = "user:1", .supervising = true};
	struct feedback_state f = {.status = FEEDBACK_STATUSES, .entered_by = ""};
	assert(feedback_permit(&sup, &f, FEEDBACK_CLASSIFY) == FEEDBACK_WRONG_STATE);
	assert(feedback_permit(&sup, &f, FEEDBACK_CLOSE) == FEEDBACK_WRONG_STATE);
}

/* Every kind and note step parses to its enum and back; an unknown word
 * (another case, or none) to the count, which no rule takes for a kind. */
static void test_kind_and_note_words(void)
{
	static const char *const kinds[] = {"pakn", "anonymous"};
	assert(sizeof kinds / sizeof kinds[0] == FEEDBACK_KINDS);
	for (int i = 0; i < FEEDBACK_KINDS; i++) {
		assert((int)feedback_kind_of(kinds[i]) == i);
		assert(strcmp(feedback_kind_name((enum feedback_kind)i), kinds[i]) == 0);
	}
	assert(feedback_kind_of("anonymous") == FEEDBACK_KIND_ANONYMOUS);
	assert(feedback_kind_of("pakn") == FEEDBACK_KIND_PAKN);
	assert(feedback_kind_of("PAKN") == FEEDBACK_KINDS);
	assert(feedback_kind_of("") == FEEDBACK_KINDS);
	assert(feedback_kind_of(NULL) == FEEDBACK_KINDS);
	assert(feedback_kind_name(FEEDBACK_KINDS) == NULL);

	static const char *const steps[] = {"accept",       "reject",      "forward",      "assign",
	                                    "info_request", "info_reply",  "answer_draft", "answer",
	                                    "close",        "set_subject", "link_repeat"};
	assert(sizeof steps / sizeof steps[0] == FEEDBACK_NOTE_STEPS);
	for (int i = 0; i < FEEDBACK_NOTE_STEPS; i++) {
		assert((int)feedback_note_step_of(steps[i]) == i);
		assert(strcmp(feedback_note_step_name((enum feedback_note_step)i), steps[i]) == 0);
	}
	assert(feedback_note_step_of("info_request") == FEEDBACK_NOTE_INFO_REQUEST);
	assert(feedback_note_step_of("info_requested") == FEEDBACK_NOTE_STEPS);
	assert(feedback_note_step_of("request_info") == FEEDBACK_NOTE_STEPS);
	assert(feedback_note_step_of(NULL) == FEEDBACK_NOTE_STEPS);
	assert(feedback_note_step_name(FEEDBACK_NOTE_STEPS) == NULL);
}

/* The sender replies only while the feedback waits for information. */
static void test_can_reply(void)
{
	for (int i = 0; i <= FEEDBACK_STATUSES; i++)
		assert(feedback_can_reply((enum feedback_status)i) ==
		       (i == FEEDBACK_STATUS_INFO_REQUESTED));
}

/* A filing's subject: the official at the counter named; else a conduct
 * report's dossier clerk, unless the report is anonymous. */
static void test_subject_of(void)
{
	/* A counter named: whoever sat there, even nobody, whatever the class. */
	assert(feedback_subject_of(FEEDBACK_CLASS_CONDUCT, false, true, 7, 9) == 7);
	assert(feedback_subject_of(FEEDBACK_CLASS_CONDUCT, false, true, 0, 9) == 0);
	assert(feedback_subject_of(FEEDBACK_CLASS_OTHER, true, true, 7, 9) == 7);
	/* No counter: the dossier's clerk for a conduct report with a name. */
	assert(feedback_subject_of(FEEDBACK_CLASS_CONDUCT, false, false, 0, 9) == 9);
	assert(feedback_subject_of(FEEDBACK_CLASS_CONDUCT, true, false, 0, 9) == 0);
	assert(feedback_subject_of(FEEDBACK_CLASS_DOSSIER, false, false, 0, 9) == 0);
	assert(feedback_subject_of(FEEDBACK_CLASS_CONDUCT, false, false, 0, 0) == 0);
}

/* The reply to a request moves the answer's due only when the due had not
 * passed when the request was made. */
static void test_reply_moves_due(void)
{
	assert(feedback_reply_moves_due(4000, 15000));
	assert(feedback_reply_moves_due(15000, 15000));
	assert(!feedback_reply_moves_due(15001, 15000));
	assert(!feedback_reply_moves_due(0, 15000) && !feedback_reply_moves_due(4000, 0));
}

static struct feedback_state pakn(const char *status)
{
	return (struct feedback_state){
	    .status = feedback_status_of(status), .entered_by = "", .id = 5, .received_at = 1000};
}

/* The role and state rules of the actions, and the one table of refusals. */
static void test_permit(void)
{
	struct feedback_actor sup = {.user_id = 1, .actor = "user:1", .supervising = true};
	struct feedback_actor clerk = {.user_id = 2, .actor = "user:2"};
	struct feedback_actor head = {.user_id = 3, .actor = "user:3", .head = true};
	struct feedback_state f = pakn("received");
	assert(feedback_permit(&sup, &f, FEEDBACK_CLASSIFY) == FEEDBACK_OK);
	assert(feedback_permit(&clerk, &f, FEEDBACK_CLASSIFY) == FEEDBACK_NOT_ALLOWED);
	assert(feedback_permit(&sup, &f, FEEDBACK_ASSIGN) == FEEDBACK_WRONG_STATE);
	assert(feedback_permit(&sup, &f, FEEDBACK_ACTIONS) == FEEDBACK_INVALID_ACTION);
	f = pakn("accepted");
	assert(feedback_permit(&clerk, &f, FEEDBACK_ANSWER) == FEEDBACK_NOT_ALLOWED);
	f.assigned_user_id = 2;
	assert(feedback_permit(&clerk, &f, FEEDBACK_ANSWER) == FEEDBACK_OK);
	assert(feedback_permit(&clerk, &f, FEEDBACK_REQUEST_INFO) == FEEDBACK_OK);
	assert(feedback_permit(&sup, &f, FEEDBACK_APPROVE) == FEEDBACK_APPROVE_NOT_HEAD);
	assert(feedback_permit(&head, &f, FEEDBACK_APPROVE) == FEEDBACK_OK);
	assert(feedback_permit(&head, &f, FEEDBACK_PUBLISH) == FEEDBACK_WRONG_STATE);
	/* The official it is about takes no step, whatever the role. */
	f.subject_user_id = 1;
	assert(feedback_permit(&sup, &f, FEEDBACK_ASSIGN) == FEEDBACK_SUBJECT_HANDLES);
	/* An anonymous report: only close (received) and set_subject. */
	struct feedback_state a = pakn("received");
	a.anonymous = true;
	assert(feedback_permit_who(&head, &a, FEEDBACK_CLASSIFY) == FEEDBACK_ANONYMOUS_STEP);
	assert(feedback_permit_who(&head, &a, FEEDBACK_ACTIONS) == FEEDBACK_ANONYMOUS_STEP);
	assert(feedback_permit(&head, &a, FEEDBACK_CLOSE) == FEEDBACK_OK);
	assert(feedback_permit(&head, &a, FEEDBACK_SET_SUBJECT) == FEEDBACK_OK);
	a.status = FEEDBACK_STATUS_CLOSED;
	assert(feedback_permit(&head, &a, FEEDBACK_CLOSE) == FEEDBACK_WRONG_STATE);
	/* Content: approve needs a draft or a text; publish the question. */
	f = pakn("accepted");
	assert(feedback_check_content(&f, FEEDBACK_APPROVE, false, false) == FEEDBACK_NO_DRAFT);
	assert(feedback_check_content(&f, FEEDBACK_APPROVE, true, false) == FEEDBACK_OK);
	f.has_draft = true;
	assert(feedback_check_content(&f, FEEDBACK_APPROVE, false, false) == FEEDBACK_OK);
	assert(feedback_check_content(&f, FEEDBACK_PUBLISH, false, false) ==
	       FEEDBACK_QUESTION_REQUIRED);
	const struct feedback_refusal_text *t = feedback_refusal_text(FEEDBACK_WRONG_STATE);
	assert(t->kind == FEEDBACK_REFUSED_CONFLICT &&
	       strcmp(t->code, "feedback_wrong_state") == 0);
	assert(strstr(t->en, "%s") != NULL);
	t = feedback_refusal_text(FEEDBACK_APPROVE_NOT_HEAD);
	assert(t->kind == FEEDBACK_REFUSED_FORBIDDEN && strcmp(t->code, "not_office_head") == 0);
	for (int r = FEEDBACK_OK + 1; r < FEEDBACK_REFUSALS; r++)
		assert(feedback_refusal_text((enum feedback_refusal)r)->code[0] != '\0');
}

/* Who reads what: the sender only for those who handle it, never the
 * official it is about; an anonymous report only for a head. */
static void test_visibility(void)
{
	struct feedback_actor sup = {.user_id = 1, .actor = "user:1", .supervising = true};
	struct feedback_actor clerk = {.user_id = 2, .actor = "user:2"};
	struct feedback_actor head = {.user_id = 3, .actor = "user:3", .head = true};
	struct feedback_state f = pakn("accepted");
	assert(feedback_visible(&sup, &f) && !feedback_visible(&clerk, &f));
	f.entered_by = "user:2";
	assert(feedback_visible(&clerk, &f) && !feedback_sender_visible(&clerk, &f));
	f.assigned_user_id = 2;
	assert(feedback_sender_visible(&clerk, &f));
	f.conduct = true;
	assert(!feedback_sender_visible(&clerk, &f) && feedback_sender_visible(&head, &f));
	f.subject_user_id = 1;
	assert(!feedback_sender_visible(&sup, &f));
	f.anonymous = true;
	assert(!feedback_visible(&sup, &f) && feedback_visible(&head, &f));
	struct feedback_actor nobody = {0};
	assert(!feedback_visible(&nobody, &f));
}

static void test_words_of_actions(void)
{
	for (int a = 0; a < FEEDBACK_ACTIONS; a++)
		assert((int)feedback_action_of(feedback_action_name((enum feedback_action)a)) == a);
	assert(feedback_action_of("nope") == FEEDBACK_ACTIONS &&
	       feedback_action_of(NULL) == FEEDBACK_ACTIONS);
	assert(feedback_decision_of("forward") == FEEDBACK_FORWARD);
	assert(feedback_decision_of("x") == FEEDBACK_DECISION_NONE);
	struct feedback_state f = pakn("accepted");
	assert(feedback_status_after(&f, FEEDBACK_CLASSIFY, FEEDBACK_REJECT) ==
	       FEEDBACK_STATUS_REJECTED);
	assert(feedback_status_after(&f, FEEDBACK_CLASSIFY, FEEDBACK_ACCEPT) ==
	       FEEDBACK_STATUS_ACCEPTED);
	assert(feedback_status_after(&f, FEEDBACK_ASSIGN, FEEDBACK_DECISION_NONE) ==
	       FEEDBACK_STATUS_ACCEPTED);
	assert(feedback_status_after(&f, FEEDBACK_APPROVE, FEEDBACK_DECISION_NONE) ==
	       FEEDBACK_STATUS_ANSWERED);
	/* A repeat names an earlier PAKN (by the same instant, filed first). */
	struct feedback_state e = pakn("accepted");
	e.id = 4;
	assert(feedback_repeat_ok(&f, &e));
	e.id = 6;
	assert(!feedback_repeat_ok(&f, &e));
	e.received_at = 999;
	assert(feedback_repeat_ok(&f, &e));
	e.anonymous = true;
	assert(!feedback_repeat_ok(&f, &e));
	/* The sender reacts once, after the answer. */
	assert(feedback_can_react(false, FEEDBACK_STATUS_PUBLISHED, 5, false));
	assert(feedback_can_react(false, FEEDBACK_STATUS_ANSWERED, 5, false));
	assert(feedback_can_react(false, FEEDBACK_STATUS_CLOSED, 5, false));
	assert(!feedback_can_react(false, FEEDBACK_STATUS_PUBLISHED, 5, true));
	assert(!feedback_can_react(false, FEEDBACK_STATUS_ACCEPTED, 5, false));
	assert(!feedback_can_react(true, FEEDBACK_STATUS_CLOSED, 5, false));
	assert(!feedback_can_react(false, FEEDBACK_STATUS_CLOSED, 0, false));
	assert(!feedback_can_react(false, FEEDBACK_STATUSES, 5, false));
	int64_t due, done;
	struct feedback_times t = base();
	t.info_requested_at = 4000;
	feedback_step_times(&t, FEEDBACK_STEP_INFO, &due, &done);
	assert(due == 5000 && done == 4000);
	assert(strcmp(feedback_result_name(FEEDBACK_STEP_OVERDUE), "overdue") == 0);
	assert(feedback_result_name(FEEDBACK_STEP_NONE) == NULL);
}

/* A text to publish may not hold the sender's phone (however written), name
 * (as whole words) or e-mail (or its part before @). The texts come folded
 * as util/fold.h folds them (here already plain lower case). */
static void test_personal_data(void)
{
	struct feedback_sender_id id = {"nguyen van an", "0977123456", "an.nguyen@example.vn",
	                                "an.nguyen@example.vn"};
	const char *t = "Goi 0977 - 123 / 456 nhe";
	assert(feedback_text_holds_sender(t, "goi 0977 - 123 / 456 nhe", &id));
	t = "Gọi +84 977123456";
	assert(feedback_text_holds_sender(t, "goi +84 977123456", &id));
	/* Full-width digits count as digits. */
	t = "\xef\xbc\x90\xef\xbc\x99\xef\xbc\x97\xef\xbc\x97"
	    "123456";
	assert(feedback_text_holds_sender(t, "", &id));
	assert(feedback_text_holds_sender("x", "kinh gui ong nguyen-van  an.", &id));
	assert(!feedback_text_holds_sender("x", "kinh gui ong nguyen van anh", &id));
	assert(feedback_text_holds_sender("x", "lien he an.nguyen [at] example", &id));
	assert(!feedback_text_holds_sender("x", "tra loi cong dan ve thu tuc", &id));
	/* Too few digits make no phone; a short local part is not looked for. */
	struct feedback_sender_id few = {"", "12345", "ab@x.vn", "ab@x.vn"};
	assert(!feedback_text_holds_sender("12345", "12345", &few));
	assert(!feedback_text_holds_sender("x", "ab", &few));
}

/* The clocks each event starts, with the limits' days; none for an
 * anonymous report. */
static void test_clocks(void)
{
	struct feedback_limits l = {
	    .reject = 2, .forward = 5, .info = 4, .answer = 15, .publish = 3};
	struct feedback_clocks ck;
	feedback_clocks_of(&l, FEEDBACK_CLOCKS_RECEIVED, false, &ck);
	assert(ck.starts[FEEDBACK_STEP_REJECT] && ck.days[FEEDBACK_STEP_REJECT] == 2);
	assert(ck.starts[FEEDBACK_STEP_FORWARD] && ck.days[FEEDBACK_STEP_FORWARD] == 5);
	assert(ck.starts[FEEDBACK_STEP_INFO] && ck.days[FEEDBACK_STEP_INFO] == 4);
	assert(ck.starts[FEEDBACK_STEP_ANSWER] && ck.days[FEEDBACK_STEP_ANSWER] == 15);
	assert(!ck.starts[FEEDBACK_STEP_PUBLISH] && ck.days[FEEDBACK_STEP_PUBLISH] == 0);

	feedback_clocks_of(&l, FEEDBACK_CLOCKS_RECEIVED, true, &ck);
	for (int s = 0; s < FEEDBACK_STEPS; s++)
		assert(!ck.starts[s] && ck.days[s] == 0);

	feedback_clocks_of(&l, FEEDBACK_CLOCKS_APPROVED, false, &ck);
	for (int s = 0; s < FEEDBACK_STEPS; s++)
		assert(ck.starts[s] == (s == FEEDBACK_STEP_PUBLISH));
	assert(ck.days[FEEDBACK_STEP_PUBLISH] == 3);
	feedback_clocks_of(&l, FEEDBACK_CLOCKS_APPROVED, true, &ck);
	assert(!ck.starts[FEEDBACK_STEP_PUBLISH]);

	/* The defaults: 2, 5, 5, 15 on receipt; 2 to publish. */
	feedback_limits_default(&l);
	feedback_clocks_of(&l, FEEDBACK_CLOCKS_RECEIVED, false, &ck);
	assert(ck.days[FEEDBACK_STEP_REJECT] == 2 && ck.days[FEEDBACK_STEP_FORWARD] == 5 &&
	       ck.days[FEEDBACK_STEP_INFO] == 5 && ck.days[FEEDBACK_STEP_ANSWER] == 15);
	feedback_clocks_of(&l, FEEDBACK_CLOCKS_APPROVED, false, &ck);
	assert(ck.days[FEEDBACK_STEP_PUBLISH] == 2);
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
	test_reply_moves_due();
	test_status_words();
	test_kind_and_note_words();
	test_can_reply();
	test_subject_of();
	test_permit();
	test_visibility();
	test_words_of_actions();
	test_personal_data();
	test_clocks();
	puts("feedback: ok");
	return 0;
}
