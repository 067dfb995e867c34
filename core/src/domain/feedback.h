/* Citizens' feedback and recommendations (phản ánh, kiến nghị: PAKN): the
 * words, the limits of each step and the on-time verdicts, as data and pure
 * functions (docs/feedback.md). The store fixes each step's due instant on
 * the office calendar when its clock starts; everything here works on those
 * instants (epoch seconds), never on the calendar itself, so the list, the
 * detail and the indicators judge a feedback the same way.
 *
 * The limits follow the national PAKN system as scored by Decision 766 and
 * Decree 20/2008 [cần kiểm chứng]: a rejection within 2 working days, a
 * forward to the competent agency within 5, the first request for more
 * information within 5, the answer within 15 (the days the sender takes to
 * answer a request not counted), its publication within 2 after it. */
#ifndef MOTCUA_DOMAIN_FEEDBACK_H
#define MOTCUA_DOMAIN_FEEDBACK_H

#include <stdbool.h>
#include <stdint.h>

/* Working days allowed for each step. */
struct feedback_limits {
	int reject;  /* received → rejected (not accepted) */
	int forward; /* received → forwarded to the competent agency */
	int info;    /* received → the first request for more information */
	int answer;  /* received → answered, pauses for the sender excluded */
	int publish; /* answered → published */
};

/* The defaults: 2, 5, 5, 15, 2. The setting feedback_limits overrides them
 * (store/feedback.h). */
void feedback_limits_default(struct feedback_limits *l);

/* Words: each returns NULL for an unknown value. *_text is the Vietnamese
 * shown to people, *_en the English. */
bool feedback_class_valid(const char *c);   /* procedure conduct dossier other */
bool feedback_channel_valid(const char *c); /* web kiosk hotline letter box counter */
bool feedback_staff_channel(const char *c); /* hotline letter box counter */
const char *feedback_class_text(const char *c);
const char *feedback_class_en(const char *c);
const char *feedback_channel_text(const char *c);
const char *feedback_status_text(const char *s);
const char *feedback_status_en(const char *s);

/* One feedback's times (0 = not happened / not set). */
struct feedback_times {
	int64_t received_at;
	int64_t classified_at;
	const char *decision;      /* "accept", "reject", "forward" or NULL */
	int64_t info_requested_at; /* the first request for information */
	/* The request for information open at the instant judged (made, not
	 * yet replied to): when it was made; 0 when none is open. For a past
	 * instant, the request that was open then. */
	int64_t info_asked_at;
	int64_t answered_at;
	int64_t published_at;
	int64_t closed_at;
	/* The due instants the store fixed (answer_due_at moved by the
	 * sender's replies until the instant judged: for a past instant, the
	 * due as it stood then; publish_due_at set once answered). */
	int64_t reject_due_at, forward_due_at, info_due_at, answer_due_at, publish_due_at;
};

/* Each step's verdict. */
enum feedback_step_result {
	FEEDBACK_STEP_NONE,    /* not due: the step does not apply, or not yet */
	FEEDBACK_STEP_ON_TIME, /* done within its limit */
	FEEDBACK_STEP_LATE,    /* done after its limit */
	FEEDBACK_STEP_OVERDUE, /* not done and its limit has passed at `now` */
	FEEDBACK_STEP_PENDING, /* not done, still within its limit */
};

enum feedback_step {
	FEEDBACK_STEP_REJECT,
	FEEDBACK_STEP_FORWARD,
	FEEDBACK_STEP_INFO,
	FEEDBACK_STEP_ANSWER,
	FEEDBACK_STEP_PUBLISH,
	FEEDBACK_STEPS
};

/* "reject", "forward", "info", "answer", "publish". */
const char *feedback_step_name(enum feedback_step s);

struct feedback_timing {
	enum feedback_step_result step[FEEDBACK_STEPS];
	bool ended; /* handling ended: rejected, forwarded, published, or answered and closed */
	int64_t ended_at;    /* when (0 if not ended) */
	bool late;           /* some step LATE or OVERDUE */
	int64_t next_due_at; /* the earliest due of a PENDING or OVERDUE step, 0 none */
};

/* The verdicts of t at instant now. The rules (docs/feedback.md):
 * - reject: applies when decision is "reject" (done at classified_at,
 *   limit reject_due_at);
 * - forward: when decision is "forward" (classified_at, forward_due_at);
 * - info: when a request was made (info_requested_at, info_due_at);
 * - answer: unless rejected or forwarded (answered_at, answer_due_at);
 *   while not classified, the reject/forward/answer clocks all run: an
 *   unclassified feedback is OVERDUE on answer once answer_due_at passes;
 *   while a request for information is open at now (info_asked_at > 0 and
 *   ≤ now, not answered) the answer clock stands still: the step is
 *   PENDING, OVERDUE only if answer_due_at had passed when the request was
 *   made (answer_due_at < info_asked_at), and next_due_at leaves it out;
 * - publish: once answered (published_at, publish_due_at); an answered
 *   feedback closed without publication has the step NONE.
 * A due of 0 never makes a step late. */
void feedback_timing(const struct feedback_times *t, int64_t now, struct feedback_timing *out);

#endif
