/* PAKN words, limits and on-time verdicts (see feedback.h). */
#include "domain/feedback.h"

#include <string.h>

void feedback_limits_default(struct feedback_limits *l)
{
	*l = (struct feedback_limits){
	    .reject = 2, .forward = 5, .info = 5, .answer = 15, .publish = 2};
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
