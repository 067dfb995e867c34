/* PAKN words, limits and on-time verdicts (see feedback.h). */
#include "domain/feedback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void feedback_limits_default(struct feedback_limits *l)
{
	*l = (struct feedback_limits){
	    .reject = 2, .forward = 5, .info = 5, .answer = 15, .publish = 2};
}

void feedback_clocks_of(const struct feedback_limits *l, enum feedback_clock_event ev,
                        bool anonymous, struct feedback_clocks *out)
{
	*out = (struct feedback_clocks){0};
	if (anonymous)
		return;
	if (ev == FEEDBACK_CLOCKS_RECEIVED) {
		int days[] = {[FEEDBACK_STEP_REJECT] = l->reject,
		              [FEEDBACK_STEP_FORWARD] = l->forward,
		              [FEEDBACK_STEP_INFO] = l->info,
		              [FEEDBACK_STEP_ANSWER] = l->answer};
		for (int s = FEEDBACK_STEP_REJECT; s <= FEEDBACK_STEP_ANSWER; s++) {
			out->starts[s] = true;
			out->days[s] = days[s];
		}
	} else if (ev == FEEDBACK_CLOCKS_APPROVED) {
		out->starts[FEEDBACK_STEP_PUBLISH] = true;
		out->days[FEEDBACK_STEP_PUBLISH] = l->publish;
	}
}

struct feedback_word {
	const char *key, *vi, *en;
};

static const struct feedback_word feedback_classes[] = {
    {"procedure", "Quy định, thủ tục hành chính", "Regulations and procedures"},
    {"conduct", "Hành vi, thái độ của cán bộ, công chức", "Conduct of officials"},
    {"dossier", "Việc giải quyết một hồ sơ", "The handling of a dossier"},
    {"other", "Nội dung khác", "Other"},
};

static const struct feedback_word feedback_channels[] = {
    {"web", "Trang góp ý trực tuyến", "Online form"},
    {"kiosk", "Máy lấy số tại Trung tâm", "Hall kiosk"},
    {"hotline", "Đường dây nóng", "Hotline"},
    {"letter", "Thư, văn bản", "Letter"},
    {"box", "Hòm thư góp ý", "Feedback box"},
    {"counter", "Trực tiếp tại quầy", "In person at a counter"},
};

static const struct feedback_word feedback_statuses[] = {
    {"received", "Đã tiếp nhận", "Received"},
    {"accepted", "Đang xử lý", "Being handled"},
    {"rejected", "Không tiếp nhận", "Not accepted"},
    {"forwarded", "Đã chuyển cơ quan có thẩm quyền", "Forwarded to the competent agency"},
    {"info_requested", "Chờ người gửi bổ sung thông tin", "Waiting for more information"},
    {"info_received", "Đã nhận thông tin bổ sung", "More information received"},
    {"answered", "Đã trả lời", "Answered"},
    {"published", "Đã trả lời và công khai", "Answered and published"},
    {"closed", "Đã kết thúc", "Closed"},
};

#define FEEDBACK_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The enums name the words of these tables by position. */
_Static_assert(FEEDBACK_COUNT(feedback_classes) == FEEDBACK_CLASSES, "one word per class");
_Static_assert(FEEDBACK_COUNT(feedback_statuses) == FEEDBACK_STATUSES, "one word per status");

static const struct feedback_word *feedback_find(const struct feedback_word *w, size_t n,
                                                 const char *key)
{
	if (key == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(w[i].key, key) == 0)
			return &w[i];
	return NULL;
}

bool feedback_class_valid(const char *c)
{
	return feedback_find(feedback_classes, FEEDBACK_COUNT(feedback_classes), c) != NULL;
}

bool feedback_channel_valid(const char *c)
{
	return feedback_find(feedback_channels, FEEDBACK_COUNT(feedback_channels), c) != NULL;
}

bool feedback_staff_channel(const char *c)
{
	return feedback_channel_valid(c) && strcmp(c, "web") != 0 && strcmp(c, "kiosk") != 0;
}

const char *feedback_class_text(const char *c)
{
	const struct feedback_word *w =
	    feedback_find(feedback_classes, FEEDBACK_COUNT(feedback_classes), c);
	return w ? w->vi : NULL;
}

const char *feedback_class_en(const char *c)
{
	const struct feedback_word *w =
	    feedback_find(feedback_classes, FEEDBACK_COUNT(feedback_classes), c);
	return w ? w->en : NULL;
}

const char *feedback_channel_text(const char *c)
{
	const struct feedback_word *w =
	    feedback_find(feedback_channels, FEEDBACK_COUNT(feedback_channels), c);
	return w ? w->vi : NULL;
}

const char *feedback_status_text(const char *s)
{
	const struct feedback_word *w =
	    feedback_find(feedback_statuses, FEEDBACK_COUNT(feedback_statuses), s);
	return w ? w->vi : NULL;
}

const char *feedback_status_en(const char *s)
{
	const struct feedback_word *w =
	    feedback_find(feedback_statuses, FEEDBACK_COUNT(feedback_statuses), s);
	return w ? w->en : NULL;
}

enum feedback_class feedback_class_of(const char *c)
{
	const struct feedback_word *w =
	    feedback_find(feedback_classes, FEEDBACK_COUNT(feedback_classes), c);
	return w ? (enum feedback_class)(w - feedback_classes) : FEEDBACK_CLASSES;
}

enum feedback_status feedback_status_of(const char *s)
{
	const struct feedback_word *w =
	    feedback_find(feedback_statuses, FEEDBACK_COUNT(feedback_statuses), s);
	return w ? (enum feedback_status)(w - feedback_statuses) : FEEDBACK_STATUSES;
}

const char *feedback_status_name(enum feedback_status s)
{
	return (size_t)s < FEEDBACK_COUNT(feedback_statuses) ? feedback_statuses[s].key : NULL;
}

const char *feedback_step_name(enum feedback_step s)
{
	static const char *const names[FEEDBACK_STEPS] = {"reject", "forward", "info", "answer",
	                                                  "publish"};
	return s < FEEDBACK_STEPS ? names[s] : NULL;
}

/* One step done at `done` (0: not done) against `due` (0: no limit). */
static enum feedback_step_result feedback_judge(int64_t done, int64_t due, int64_t now)
{
	if (done > 0)
		return due > 0 && done > due ? FEEDBACK_STEP_LATE : FEEDBACK_STEP_ON_TIME;
	if (due > 0 && now > due)
		return FEEDBACK_STEP_OVERDUE;
	return FEEDBACK_STEP_PENDING;
}

void feedback_timing(const struct feedback_times *t, int64_t now, struct feedback_timing *out)
{
	*out = (struct feedback_timing){0};
	const char *d = t->decision;
	bool rejected = d && strcmp(d, "reject") == 0;
	bool forwarded = d && strcmp(d, "forward") == 0;
	bool closed = t->closed_at > 0;
	/* The sender is being asked at now: the answer clock stands still. */
	bool paused =
	    t->info_asked_at > 0 && t->info_asked_at <= now && t->answered_at == 0 && !closed;

	if (rejected)
		out->step[FEEDBACK_STEP_REJECT] =
		    feedback_judge(t->classified_at, t->reject_due_at, now);
	if (forwarded)
		out->step[FEEDBACK_STEP_FORWARD] =
		    feedback_judge(t->classified_at, t->forward_due_at, now);
	if (t->info_requested_at > 0)
		out->step[FEEDBACK_STEP_INFO] =
		    feedback_judge(t->info_requested_at, t->info_due_at, now);
	if (!rejected && !forwarded) {
		/* A feedback closed unanswered (only anonymous reports may be)
		 * has no answer step left to judge. */
		if (paused)
			out->step[FEEDBACK_STEP_ANSWER] =
			    t->answer_due_at > 0 && t->answer_due_at < t->info_asked_at
			        ? FEEDBACK_STEP_OVERDUE
			        : FEEDBACK_STEP_PENDING;
		else if (t->answered_at > 0 || !closed)
			out->step[FEEDBACK_STEP_ANSWER] =
			    feedback_judge(t->answered_at, t->answer_due_at, now);
		/* An answer closed unpublished: on time if closed within the
		 * publication's limit (the head chose not to publish it), late
		 * if closed after it. */
		if (t->answered_at > 0 && (t->published_at > 0 || !closed))
			out->step[FEEDBACK_STEP_PUBLISH] =
			    feedback_judge(t->published_at, t->publish_due_at, now);
		else if (t->answered_at > 0 && t->publish_due_at > 0 &&
		         t->closed_at > t->publish_due_at)
			out->step[FEEDBACK_STEP_PUBLISH] = FEEDBACK_STEP_LATE;
	}

	if (rejected || forwarded) {
		out->ended = t->classified_at > 0;
		out->ended_at = t->classified_at;
	} else if (t->published_at > 0) {
		out->ended = true;
		out->ended_at = t->published_at;
	} else if (t->answered_at > 0 && closed) {
		out->ended = true;
		out->ended_at = t->answered_at;
	}

	static const int64_t none = 0;
	for (int s = 0; s < FEEDBACK_STEPS; s++) {
		enum feedback_step_result r = out->step[s];
		if (r == FEEDBACK_STEP_LATE || r == FEEDBACK_STEP_OVERDUE)
			out->late = true;
		if (s == FEEDBACK_STEP_ANSWER && paused)
			continue; /* no due runs while the sender is asked */
		if (r == FEEDBACK_STEP_PENDING || r == FEEDBACK_STEP_OVERDUE) {
			const int64_t *due = s == FEEDBACK_STEP_REJECT    ? &t->reject_due_at
			                     : s == FEEDBACK_STEP_FORWARD ? &t->forward_due_at
			                     : s == FEEDBACK_STEP_INFO    ? &t->info_due_at
			                     : s == FEEDBACK_STEP_ANSWER  ? &t->answer_due_at
			                     : s == FEEDBACK_STEP_PUBLISH ? &t->publish_due_at
			                                                  : &none;
			if (*due > 0 && (out->next_due_at == 0 || *due < out->next_due_at))
				out->next_due_at = *due;
		}
	}
}

void feedback_step_times(const struct feedback_times *t, enum feedback_step s, int64_t *due,
                         int64_t *done)
{
	switch (s) {
	case FEEDBACK_STEP_REJECT: *due = t->reject_due_at, *done = t->classified_at; break;
	case FEEDBACK_STEP_FORWARD: *due = t->forward_due_at, *done = t->classified_at; break;
	case FEEDBACK_STEP_INFO: *due = t->info_due_at, *done = t->info_requested_at; break;
	case FEEDBACK_STEP_ANSWER: *due = t->answer_due_at, *done = t->answered_at; break;
	default: *due = t->publish_due_at, *done = t->published_at;
	}
}

const char *feedback_result_name(enum feedback_step_result r)
{
	switch (r) {
	case FEEDBACK_STEP_ON_TIME: return "on_time";
	case FEEDBACK_STEP_LATE: return "late";
	case FEEDBACK_STEP_OVERDUE: return "overdue";
	case FEEDBACK_STEP_PENDING: return "pending";
	default: return NULL;
	}
}

bool feedback_reply_moves_due(int64_t asked_at, int64_t answer_due_at)
{
	return asked_at > 0 && answer_due_at > 0 && answer_due_at >= asked_at;
}

/* ---- kinds and note steps --------------------------------------------------- */

static const char *const feedback_kind_names[FEEDBACK_KINDS] = {
    [FEEDBACK_KIND_PAKN] = "pakn",
    [FEEDBACK_KIND_ANONYMOUS] = "anonymous",
};

enum feedback_kind feedback_kind_of(const char *s)
{
	for (int k = 0; s && k < FEEDBACK_KINDS; k++)
		if (strcmp(feedback_kind_names[k], s) == 0)
			return (enum feedback_kind)k;
	return FEEDBACK_KINDS;
}

const char *feedback_kind_name(enum feedback_kind k)
{
	return (unsigned)k < FEEDBACK_KINDS ? feedback_kind_names[k] : NULL;
}

static const char *const feedback_note_step_names[FEEDBACK_NOTE_STEPS] = {
    [FEEDBACK_NOTE_ACCEPT] = "accept",
    [FEEDBACK_NOTE_REJECT] = "reject",
    [FEEDBACK_NOTE_FORWARD] = "forward",
    [FEEDBACK_NOTE_ASSIGN] = "assign",
    [FEEDBACK_NOTE_INFO_REQUEST] = "info_request",
    [FEEDBACK_NOTE_INFO_REPLY] = "info_reply",
    [FEEDBACK_NOTE_ANSWER_DRAFT] = "answer_draft",
    [FEEDBACK_NOTE_ANSWER] = "answer",
    [FEEDBACK_NOTE_CLOSE] = "close",
    [FEEDBACK_NOTE_SET_SUBJECT] = "set_subject",
    [FEEDBACK_NOTE_LINK_REPEAT] = "link_repeat",
};

enum feedback_note_step feedback_note_step_of(const char *s)
{
	for (int i = 0; s && i < FEEDBACK_NOTE_STEPS; i++)
		if (strcmp(feedback_note_step_names[i], s) == 0)
			return (enum feedback_note_step)i;
	return FEEDBACK_NOTE_STEPS;
}

const char *feedback_note_step_name(enum feedback_note_step s)
{
	return (unsigned)s < FEEDBACK_NOTE_STEPS ? feedback_note_step_names[s] : NULL;
}

/* ---- actions -------------------------------------------------------------- */

static const char *const feedback_action_names[FEEDBACK_ACTIONS] = {
    "classify", "assign", "request_info", "answer",     "approve",
    "publish",  "close",  "set_subject",  "link_repeat"};

const char *feedback_action_name(enum feedback_action a)
{
	return a < FEEDBACK_ACTIONS ? feedback_action_names[a] : NULL;
}

enum feedback_action feedback_action_of(const char *name)
{
	for (int a = 0; name && a < FEEDBACK_ACTIONS; a++)
		if (strcmp(feedback_action_names[a], name) == 0)
			return (enum feedback_action)a;
	return FEEDBACK_ACTIONS;
}

static const char *const feedback_decision_names[] = {NULL, "accept", "reject", "forward"};

const char *feedback_decision_name(enum feedback_decision d)
{
	return d <= FEEDBACK_FORWARD ? feedback_decision_names[d] : NULL;
}

enum feedback_decision feedback_decision_of(const char *name)
{
	for (int d = FEEDBACK_ACCEPT; name && d <= FEEDBACK_FORWARD; d++)
		if (strcmp(feedback_decision_names[d], name) == 0)
			return (enum feedback_decision)d;
	return FEEDBACK_DECISION_NONE;
}

static const struct feedback_refusal_text feedback_refusals[FEEDBACK_REFUSALS] = {
    [FEEDBACK_OK] = {FEEDBACK_REFUSED_INVALID, "", "", ""},
    [FEEDBACK_WRONG_STATE] = {FEEDBACK_REFUSED_CONFLICT, "feedback_wrong_state",
                              "Phản ánh, kiến nghị đang ở bước không cho phép thao tác này",
                              "Not allowed while the feedback is %s"},
    [FEEDBACK_ANONYMOUS_STEP] = {FEEDBACK_REFUSED_CONFLICT, "feedback_wrong_state",
                                 "Phản ánh, kiến nghị đang ở bước không cho phép thao tác này",
                                 "Not allowed while the feedback is an anonymous report"},
    [FEEDBACK_SUBJECT_HANDLES] = {FEEDBACK_REFUSED_CONFLICT, "subject_cannot_handle",
                                  "Cán bộ bị phản ánh không được xử lý phản ánh về mình",
                                  "The official the feedback is about cannot handle it"},
    [FEEDBACK_NOT_ALLOWED] =
        {FEEDBACK_REFUSED_FORBIDDEN, "action_not_allowed",
         "Tài khoản này không được thực hiện thao tác này với phản ánh, kiến nghị",
         "This account may not take this action on the feedback"},
    [FEEDBACK_APPROVE_NOT_HEAD] = {FEEDBACK_REFUSED_FORBIDDEN, "not_office_head",
                                   "Chỉ trưởng đơn vị được duyệt câu trả lời",
                                   "Only the office head approves an answer"},
    [FEEDBACK_INVALID_ACTION] = {FEEDBACK_REFUSED_INVALID, "invalid_action",
                                 "Thao tác không hợp lệ",
                                 "action is classify, assign, request_info, answer, approve, "
                                 "publish, close, link_repeat or set_subject"},
    [FEEDBACK_NO_DRAFT] = {FEEDBACK_REFUSED_CONFLICT, "no_draft", "Chưa có dự thảo câu trả lời",
                           "There is no draft answer to approve"},
    [FEEDBACK_NOTE_REQUIRED] = {FEEDBACK_REFUSED_INVALID, "missing_field", "Thiếu trường bắt buộc",
                                "note is required"},
    [FEEDBACK_QUESTION_REQUIRED] = {FEEDBACK_REFUSED_INVALID, "missing_field",
                                    "Thiếu câu hỏi công khai",
                                    "question is required: the question as published, "
                                    "without personal data"},
    [FEEDBACK_REPEAT_OF_ITSELF] = {FEEDBACK_REFUSED_INVALID, "invalid_field", "Trường không hợp lệ",
                                   "a feedback is not a repeat of itself"},
    [FEEDBACK_REPEAT_NOT_EARLIER] = {FEEDBACK_REFUSED_INVALID, "invalid_field",
                                     "Trường không hợp lệ", "of names an earlier feedback"},
};

const struct feedback_refusal_text *feedback_refusal_text(enum feedback_refusal r)
{
	return &feedback_refusals[r < FEEDBACK_REFUSALS ? r : FEEDBACK_OK];
}

bool feedback_visible(const struct feedback_actor *who, const struct feedback_state *f)
{
	if (who->user_id == 0)
		return false;
	if (f->anonymous)
		return who->head;
	if (who->supervising)
		return true;
	return f->assigned_user_id == who->user_id ||
	       (f->entered_by && who->actor && strcmp(f->entered_by, who->actor) == 0);
}

bool feedback_sender_visible(const struct feedback_actor *who, const struct feedback_state *f)
{
	if (who->user_id == 0 || f->subject_user_id == who->user_id)
		return false;
	if (who->supervising || who->head)
		return true;
	return !f->conduct && f->assigned_user_id == who->user_id;
}

enum feedback_refusal feedback_permit_who(const struct feedback_actor *who,
                                          const struct feedback_state *f, enum feedback_action a)
{
	if (f->anonymous && a != FEEDBACK_CLOSE && a != FEEDBACK_SET_SUBJECT)
		return FEEDBACK_ANONYMOUS_STEP;
	if (f->subject_user_id == who->user_id)
		return FEEDBACK_SUBJECT_HANDLES;
	return FEEDBACK_OK;
}

/* A set of statuses, as bits. */
#define FEEDBACK_IN(s) (1u << (s))

static enum feedback_refusal feedback_in(const struct feedback_state *f, unsigned set)
{
	return f->status < FEEDBACK_STATUSES && (set & FEEDBACK_IN(f->status))
	           ? FEEDBACK_OK
	           : FEEDBACK_WRONG_STATE;
}

enum feedback_refusal feedback_permit(const struct feedback_actor *who,
                                      const struct feedback_state *f, enum feedback_action a)
{
	const unsigned received = FEEDBACK_IN(FEEDBACK_STATUS_RECEIVED);
	const unsigned open = FEEDBACK_IN(FEEDBACK_STATUS_ACCEPTED) |
	                      FEEDBACK_IN(FEEDBACK_STATUS_INFO_REQUESTED) |
	                      FEEDBACK_IN(FEEDBACK_STATUS_INFO_RECEIVED);
	const unsigned answerable =
	    FEEDBACK_IN(FEEDBACK_STATUS_ACCEPTED) | FEEDBACK_IN(FEEDBACK_STATUS_INFO_RECEIVED);
	const unsigned answered = FEEDBACK_IN(FEEDBACK_STATUS_ANSWERED);
	const unsigned closable =
	    FEEDBACK_IN(FEEDBACK_STATUS_PUBLISHED) | FEEDBACK_IN(FEEDBACK_STATUS_ANSWERED) |
	    FEEDBACK_IN(FEEDBACK_STATUS_REJECTED) | FEEDBACK_IN(FEEDBACK_STATUS_FORWARDED);
	bool sup = who->supervising;
	bool assigned = f->assigned_user_id != 0 && f->assigned_user_id == who->user_id;
	enum feedback_refusal r = feedback_permit_who(who, f, a);
	if (r != FEEDBACK_OK)
		return r;
	switch (a) {
	case FEEDBACK_CLASSIFY: return !sup ? FEEDBACK_NOT_ALLOWED : feedback_in(f, received);
	case FEEDBACK_ASSIGN: return !sup ? FEEDBACK_NOT_ALLOWED : feedback_in(f, open);
	case FEEDBACK_REQUEST_INFO:
	case FEEDBACK_ANSWER:
		return !sup && !assigned ? FEEDBACK_NOT_ALLOWED : feedback_in(f, answerable);
	case FEEDBACK_APPROVE:
		return !who->head ? FEEDBACK_APPROVE_NOT_HEAD : feedback_in(f, answerable);
	case FEEDBACK_PUBLISH:
		return !sup && !who->head ? FEEDBACK_NOT_ALLOWED : feedback_in(f, answered);
	case FEEDBACK_CLOSE:
		/* An anonymous report: whoever reads it is a head in scope. */
		if (f->anonymous)
			return feedback_in(f, received);
		return !sup ? FEEDBACK_NOT_ALLOWED : feedback_in(f, closable);
	case FEEDBACK_SET_SUBJECT: return sup || who->head ? FEEDBACK_OK : FEEDBACK_NOT_ALLOWED;
	case FEEDBACK_LINK_REPEAT: return sup ? FEEDBACK_OK : FEEDBACK_NOT_ALLOWED;
	default: return FEEDBACK_INVALID_ACTION;
	}
}

enum feedback_status feedback_status_after(const struct feedback_state *f, enum feedback_action a,
                                           enum feedback_decision d)
{
	switch (a) {
	case FEEDBACK_CLASSIFY:
		return d == FEEDBACK_REJECT    ? FEEDBACK_STATUS_REJECTED
		       : d == FEEDBACK_FORWARD ? FEEDBACK_STATUS_FORWARDED
		                               : FEEDBACK_STATUS_ACCEPTED;
	case FEEDBACK_REQUEST_INFO: return FEEDBACK_STATUS_INFO_REQUESTED;
	case FEEDBACK_APPROVE: return FEEDBACK_STATUS_ANSWERED;
	case FEEDBACK_PUBLISH: return FEEDBACK_STATUS_PUBLISHED;
	case FEEDBACK_CLOSE: return FEEDBACK_STATUS_CLOSED;
	default: return f->status;
	}
}

bool feedback_repeat_ok(const struct feedback_state *f, const struct feedback_state *earlier)
{
	if (earlier->anonymous || earlier->received_at > f->received_at)
		return false;
	return !(earlier->received_at == f->received_at && earlier->id > f->id);
}

enum feedback_refusal feedback_check_content(const struct feedback_state *f, enum feedback_action a,
                                             bool has_text, bool has_question)
{
	if (a == FEEDBACK_APPROVE && !f->has_draft && !has_text)
		return FEEDBACK_NO_DRAFT;
	if (a == FEEDBACK_PUBLISH && !has_question)
		return FEEDBACK_QUESTION_REQUIRED;
	return FEEDBACK_OK;
}

bool feedback_can_react(bool anonymous, enum feedback_status status, int64_t answered_at,
                        bool reacted)
{
	return !anonymous && !reacted && answered_at != 0 &&
	       (status == FEEDBACK_STATUS_ANSWERED || status == FEEDBACK_STATUS_PUBLISHED ||
	        status == FEEDBACK_STATUS_CLOSED);
}

bool feedback_can_reply(enum feedback_status status)
{
	return status == FEEDBACK_STATUS_INFO_REQUESTED;
}

int64_t feedback_subject_of(enum feedback_class class, bool anonymous, bool by_counter,
                            int64_t counter_user, int64_t dossier_clerk)
{
	if (by_counter)
		return counter_user;
	return class == FEEDBACK_CLASS_CONDUCT && !anonymous ? dossier_clerk : 0;
}

/* ---- personal data in a text to publish ------------------------------------ */

/* The national digits of a phone number (no leading 0 or 84) into out:
 * empty when fewer than 8 digits. */
static void feedback_phone_core(const char *phone, char *out, size_t n)
{
	size_t k = 0;
	for (const char *p = phone ? phone : ""; *p && k + 1 < n; p++)
		if (*p >= '0' && *p <= '9')
			out[k++] = *p;
	out[k] = '\0';
	size_t skip = (k >= 11 && strncmp(out, "84", 2) == 0) ? 2 : (out[0] == '0') ? 1 : 0;
	memmove(out, out + skip, k - skip + 1);
	if (strlen(out) < 8)
		out[0] = '\0';
}

/* Whether text holds the phone number whose national digits are core: the
 * text's digits in order (ASCII or full-width), whatever stands between
 * them, hold core. Nine digits in a row by chance are not a worry next to
 * a number written "0977 - 123 / 456". */
static bool feedback_has_phone(const char *text, const char *core)
{
	if (core[0] == '\0')
		return false;
	char *digits = malloc(strlen(text) + 1);
	if (digits == NULL)
		abort();
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits[k++] = (char)*p;
		else if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {
			digits[k++] = (char)('0' + (p[2] - 0x90)); /* U+FF10..FF19 */
			p += 2;
		}
	}
	digits[k] = '\0';
	bool found = strstr(digits, core) != NULL;
	free(digits);
	return found;
}

/* The first len bytes of folded text into words: every run of characters
 * that are not ASCII letters or digits (blanks, punctuation, no-break and
 * zero-width spaces, hyphens) becomes one blank, with one blank before and
 * after, so a name is found as whole words however it is spaced. The
 * caller frees. */
static char *feedback_words(const char *folded, size_t len)
{
	char *out = malloc(len + 3);
	if (out == NULL)
		abort();
	size_t k = 0;
	out[k++] = ' ';
	for (size_t i = 0; i < len && folded[i]; i++) {
		char c = folded[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[k++] = c;
		else if (out[k - 1] != ' ')
			out[k++] = ' ';
	}
	if (out[k - 1] != ' ')
		out[k++] = ' ';
	out[k] = '\0';
	return out;
}

/* Whether the words of the first len bytes of folded needle stand in
 * haystack's words as whole words; a needle with no word never does. */
static bool feedback_has_words(const char *haystack_words, const char *needle, size_t len)
{
	char *w = feedback_words(needle, len);
	bool found = strlen(w) > 2 && strstr(haystack_words, w) != NULL;
	free(w);
	return found;
}

bool feedback_text_holds_sender(const char *text, const char *text_folded,
                                const struct feedback_sender_id *id)
{
	char core[32];
	feedback_phone_core(id->phone, core, sizeof core);
	if (feedback_has_phone(text, core))
		return true;
	char *words = feedback_words(text_folded, strlen(text_folded));
	const char *name = id->name_folded, *email = id->email_folded;
	bool hit = (name[0] && feedback_has_words(words, name, strlen(name))) ||
	           (email[0] && feedback_has_words(words, email, strlen(email)));
	/* The part before @, at least 4 characters as stored. */
	const char *at = strchr(id->email, '@'), *fat = strchr(email, '@');
	if (!hit && at && at - id->email >= 4 && fat)
		hit = feedback_has_words(words, email, (size_t)(fat - email));
	free(words);
	return hit;
}
