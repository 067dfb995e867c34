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

/* The classes, in the order of their words. */
enum feedback_class {
	FEEDBACK_CLASS_PROCEDURE,
	FEEDBACK_CLASS_CONDUCT, /* the conduct of an official */
	FEEDBACK_CLASS_DOSSIER,
	FEEDBACK_CLASS_OTHER,
	FEEDBACK_CLASSES /* also: an unknown class */
};
/* The class named c (FEEDBACK_CLASSES for an unknown name or NULL). */
enum feedback_class feedback_class_of(const char *c);

/* The states of the workflow (docs/feedback.md "Workflow"), in the order of
 * their words. The rules below take this enum; the store keeps the name. */
enum feedback_status {
	FEEDBACK_STATUS_RECEIVED,
	FEEDBACK_STATUS_ACCEPTED,
	FEEDBACK_STATUS_REJECTED,
	FEEDBACK_STATUS_FORWARDED,
	FEEDBACK_STATUS_INFO_REQUESTED,
	FEEDBACK_STATUS_INFO_RECEIVED,
	FEEDBACK_STATUS_ANSWERED,
	FEEDBACK_STATUS_PUBLISHED,
	FEEDBACK_STATUS_CLOSED,
	FEEDBACK_STATUSES /* also: an unknown status */
};
/* The one parse of a status: the status named s (FEEDBACK_STATUSES for an
 * unknown name or NULL); and back: its name ("received", …), NULL for
 * FEEDBACK_STATUSES. */
enum feedback_status feedback_status_of(const char *s);
const char *feedback_status_name(enum feedback_status s);

/* The kinds of feedback (feedback.kind): a PAKN, with its sender and its
 * step clocks, or an anonymous report (tin báo không rõ danh tính), with
 * neither. */
enum feedback_kind {
	FEEDBACK_KIND_PAKN,
	FEEDBACK_KIND_ANONYMOUS,
	FEEDBACK_KINDS /* also: an unknown kind */
};
/* The one parse of a kind: the kind named s ("pakn", "anonymous";
 * FEEDBACK_KINDS for an unknown name or NULL); and back: its name, NULL for
 * FEEDBACK_KINDS. */
enum feedback_kind feedback_kind_of(const char *s);
const char *feedback_kind_name(enum feedback_kind k);

/* The steps a note of a feedback records (feedback_notes.step): the text
 * of a classification (accept, reject, forward), of an assignment, of a
 * request for information and the sender's reply to it, of an answer's
 * draft and the answer approved, of a close, of the official named, of the
 * earlier PAKN it repeats. */
enum feedback_note_step {
	FEEDBACK_NOTE_ACCEPT,
	FEEDBACK_NOTE_REJECT,
	FEEDBACK_NOTE_FORWARD,
	FEEDBACK_NOTE_ASSIGN,
	FEEDBACK_NOTE_INFO_REQUEST,
	FEEDBACK_NOTE_INFO_REPLY,
	FEEDBACK_NOTE_ANSWER_DRAFT,
	FEEDBACK_NOTE_ANSWER,
	FEEDBACK_NOTE_CLOSE,
	FEEDBACK_NOTE_SET_SUBJECT,
	FEEDBACK_NOTE_LINK_REPEAT,
	FEEDBACK_NOTE_STEPS /* also: an unknown step */
};
/* The step named s ("accept", "reject", "forward", "assign",
 * "info_request", "info_reply", "answer_draft", "answer", "close",
 * "set_subject", "link_repeat"; FEEDBACK_NOTE_STEPS for an unknown name or
 * NULL); and back: its name, NULL for FEEDBACK_NOTE_STEPS. */
enum feedback_note_step feedback_note_step_of(const char *s);
const char *feedback_note_step_name(enum feedback_note_step s);

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

/* ---- the step clocks (docs/feedback.md "The clocks") ------------------------ */

/* The events of the workflow that start step clocks. */
enum feedback_clock_event {
	FEEDBACK_CLOCKS_RECEIVED, /* filed: reject, forward, info, answer start */
	FEEDBACK_CLOCKS_APPROVED, /* the answer approved: publish starts */
};

/* The clocks an event starts: starts[s] for step s, running days[s]
 * working days from the event (the store fixes each due instant on the
 * office calendar; a step whose clock does not start keeps no due). */
struct feedback_clocks {
	bool starts[FEEDBACK_STEPS];
	int days[FEEDBACK_STEPS]; /* 0 when !starts */
};

/* The clocks ev starts under limits l: on receipt the four clocks of
 * reject, forward, info and answer; on the answer's approval the publish
 * clock. None for an anonymous report: it has no clock. */
void feedback_clocks_of(const struct feedback_limits *l, enum feedback_clock_event ev,
                        bool anonymous, struct feedback_clocks *out);

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

/* The due and done instants of step s in t (done 0 when not done). */
void feedback_step_times(const struct feedback_times *t, enum feedback_step s, int64_t *due,
                         int64_t *done);

/* "on_time", "late", "overdue", "pending"; NULL for FEEDBACK_STEP_NONE. */
const char *feedback_result_name(enum feedback_step_result r);

/* Whether the sender's reply to a request for information made at asked_at
 * moves the answer's due answer_due_at by the working time the request
 * waited: only when the answer was not already overdue when the request was
 * made (a late request buys no time; feedback_timing judges it so). */
bool feedback_reply_moves_due(int64_t asked_at, int64_t answer_due_at);

/* ---- the staff actions of the workflow (docs/feedback.md "Workflow") ---- */

enum feedback_action {
	FEEDBACK_CLASSIFY,
	FEEDBACK_ASSIGN,
	FEEDBACK_REQUEST_INFO,
	FEEDBACK_ANSWER,
	FEEDBACK_APPROVE,
	FEEDBACK_PUBLISH,
	FEEDBACK_CLOSE,
	FEEDBACK_SET_SUBJECT,
	FEEDBACK_LINK_REPEAT,
	FEEDBACK_ACTIONS /* also: an unknown action */
};

/* The action's name ("classify", …), NULL for FEEDBACK_ACTIONS; and back
 * (FEEDBACK_ACTIONS for an unknown name). The order of the enum is the
 * order of the detail's "actions". */
const char *feedback_action_name(enum feedback_action a);
enum feedback_action feedback_action_of(const char *name);

enum feedback_decision {
	FEEDBACK_DECISION_NONE,
	FEEDBACK_ACCEPT,
	FEEDBACK_REJECT,
	FEEDBACK_FORWARD
};
/* "accept" "reject" "forward" (NULL for NONE), and back (NONE if unknown). */
const char *feedback_decision_name(enum feedback_decision d);
enum feedback_decision feedback_decision_of(const char *name);

/* Who acts: the staff account (user_id 0: nobody logged in), its actor
 * ("user:7"), whether an admin or a supervisor, whether an office head. */
struct feedback_actor {
	int64_t user_id;
	const char *actor;
	bool supervising, head;
};

/* The state of one feedback the rules read. */
struct feedback_state {
	bool anonymous; /* an anonymous report (else a PAKN) */
	bool conduct;   /* class "conduct" */
	bool has_draft; /* an answer draft is kept */
	enum feedback_status status;
	int64_t subject_user_id, assigned_user_id; /* 0: none */
	const char *entered_by;                    /* the actor who typed it in, "" none */
	int64_t id, received_at;
};

/* Why an action is refused. feedback_refusal_text gives its code and
 * words; FEEDBACK_OK is no refusal. */
enum feedback_refusal {
	FEEDBACK_OK,
	FEEDBACK_WRONG_STATE,        /* 409 feedback_wrong_state (en: "… while %s") */
	FEEDBACK_ANONYMOUS_STEP,     /* 409 feedback_wrong_state: not on an anonymous report */
	FEEDBACK_SUBJECT_HANDLES,    /* 409 subject_cannot_handle */
	FEEDBACK_NOT_ALLOWED,        /* 403 action_not_allowed */
	FEEDBACK_APPROVE_NOT_HEAD,   /* 403 not_office_head */
	FEEDBACK_INVALID_ACTION,     /* 400 invalid_action */
	FEEDBACK_NO_DRAFT,           /* 409 no_draft */
	FEEDBACK_NOTE_REQUIRED,      /* 400 missing_field: closing an anonymous report */
	FEEDBACK_QUESTION_REQUIRED,  /* 400 missing_field: publishing without the question */
	FEEDBACK_REPEAT_OF_ITSELF,   /* 400 invalid_field */
	FEEDBACK_REPEAT_NOT_EARLIER, /* 400 invalid_field */
	FEEDBACK_REFUSALS
};

enum feedback_refusal_kind {
	FEEDBACK_REFUSED_INVALID,   /* 400 */
	FEEDBACK_REFUSED_FORBIDDEN, /* 403 */
	FEEDBACK_REFUSED_CONFLICT,  /* 409 */
};

/* The one table of refusals: kind, code, Vietnamese words, English words
 * (a printf format taking the status, a string, where it has %s). */
struct feedback_refusal_text {
	enum feedback_refusal_kind kind;
	const char *code, *vi, *en;
};
const struct feedback_refusal_text *feedback_refusal_text(enum feedback_refusal r);

/* Whether who may read f at all (the scope is the store's query), and its
 * sender's fields and attachments: a conduct report's sender only for
 * admins, supervisors and heads; never for the official it is about. */
bool feedback_visible(const struct feedback_actor *who, const struct feedback_state *f);
bool feedback_sender_visible(const struct feedback_actor *who, const struct feedback_state *f);

/* The first rule of every action: an anonymous report takes only close and
 * set_subject (an unknown action counts as another); the official it is
 * about takes no step. */
enum feedback_refusal feedback_permit_who(const struct feedback_actor *who,
                                          const struct feedback_state *f, enum feedback_action a);

/* The role and state rules of action a on f as it is now (permit_who
 * first). The detail lists the actions this allows. */
enum feedback_refusal feedback_permit(const struct feedback_actor *who,
                                      const struct feedback_state *f, enum feedback_action a);

/* The status after action a (d: classify's decision): the status for the
 * event; f's own status for the actions that keep it. */
enum feedback_status feedback_status_after(const struct feedback_state *f, enum feedback_action a,
                                           enum feedback_decision d);

/* Whether earlier may be named as what f repeats: a PAKN received before f
 * (by the same instant, filed first). */
bool feedback_repeat_ok(const struct feedback_state *f, const struct feedback_state *earlier);

/* The action's content checked against f once permitted (approve needs a
 * draft or a text; publish needs the question). FEEDBACK_OK or why not. */
enum feedback_refusal feedback_check_content(const struct feedback_state *f, enum feedback_action a,
                                             bool has_text, bool has_question);

/* Whether the sender may react now: a PAKN answered (status answered,
 * published or closed with answered_at set) not yet reacted to. */
bool feedback_can_react(bool anonymous, enum feedback_status status, int64_t answered_at,
                        bool reacted);

/* Whether the sender may reply with more information now: only while the
 * feedback waits for it (info_requested). */
bool feedback_can_reply(enum feedback_status status);

/* The official a new filing is about (its subject, 0 none): the one who sat
 * at the counter named (by_counter; counter_user, 0 when nobody did), else,
 * for a conduct report that is not anonymous, the clerk of the dossier it
 * names (dossier_clerk, 0 when it names none). */
int64_t feedback_subject_of(enum feedback_class class, bool anonymous, bool by_counter,
                            int64_t counter_user, int64_t dossier_clerk);

/* The sender's identity as stored, against which a text to publish is
 * checked: the name and the e-mail also folded (util/fold.h's fold_vi: the
 * caller folds, the domain has no folding table). "" when none. */
struct feedback_sender_id {
	const char *name_folded, *phone, *email, *email_folded;
};

/* Whether a text to publish (text, and text_folded its fold_vi) holds the
 * sender's phone (the text's digits in order, ASCII or full-width, hold its
 * national digits, 8 at least), name (whole words, however spaced or
 * accented) or e-mail (the whole address, or its part before @ when 4
 * characters or more, as words: "an.nguyen [at] …"). */
bool feedback_text_holds_sender(const char *text, const char *text_folded,
                                const struct feedback_sender_id *id);

#endif
