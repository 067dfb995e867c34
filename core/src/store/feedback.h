/* Citizens' feedback and recommendations (phản ánh, kiến nghị: PAKN) and
 * anonymous reports on the store (docs/feedback.md; the step rules in
 * domain/feedback.h).
 *
 * Privacy (every function here): the sender's name, address, phone and
 * e-mail and the attachments reach only the staff who handle the feedback
 * (admin; a supervisor whose scope covers its office; the assigned user),
 * never the official it is about (subject_user_id), never a public answer,
 * an event, a log line or the live stream. An anonymous report exists, for
 * every staff function, only for an office head (users.head) whose scope
 * covers it: for anyone else it is not found.
 *
 * Each change is one write transaction with its event (entity "feedback",
 * the code as entity id, action "feedback.<step>", details {"step", and
 * the status}: never a sender field nor a text; not on the live stream).
 * Every failure leaves the database unchanged. */
#ifndef MOTCUA_STORE_FEEDBACK_H
#define MOTCUA_STORE_FEEDBACK_H

#include <stddef.h>

#include "domain/feedback.h"
#include "domain/principal.h"
#include "store/store.h"
#include "util/error.h"

/* Attachments: at most FEEDBACK_MAX_FILES, each at most
 * FEEDBACK_MAX_FILE_BYTES decoded, all together FEEDBACK_MAX_TOTAL_BYTES;
 * JPEG, PNG or PDF recognised by their first bytes. */
#define FEEDBACK_MAX_FILES 3
#define FEEDBACK_MAX_FILE_BYTES (1024 * 1024)
#define FEEDBACK_MAX_TOTAL_BYTES (3 * 1024 * 1024)
/* The sender's secret: letters and digits that cannot be misread. */
#define FEEDBACK_SECRET_LEN 10

/* The limits in force: the defaults, overridden by the setting
 * feedback_limits ({"reject","forward","info","answer","publish"}: working
 * days, 1-60 each; a malformed setting is ignored and logged). Any thread. */
void store_feedback_limits(struct store *st, struct feedback_limits *out);

/* The ceilings on public filings (the page and the kiosks, never staff
 * entries) across the province: per_minute filings (the API refuses beyond
 * it, 429 feedback_busy) and attachment_bytes_per_day of attachments stored
 * from them per office day (store_feedback_create refuses a filing with
 * attachments beyond it, 429 attachments_quota_full). Defaults below,
 * overridden by the setting feedback_public_limits ({"per_minute": 1-100000,
 * "attachment_bytes_per_day": 0-2^40}; a malformed value is ignored and
 * logged). Any thread. */
#define FEEDBACK_PUBLIC_PER_MINUTE 60
#define FEEDBACK_PUBLIC_ATTACHMENT_BYTES_PER_DAY (1024LL * 1024 * 1024)
struct feedback_public_limits {
	int per_minute;
	int64_t attachment_bytes_per_day;
};
void store_feedback_public_limits(struct store *st, struct feedback_public_limits *out);

/* ---- filing -------------------------------------------------------------- */

/* One attachment, decoded and checked (api/parse_feedback.c). */
struct feedback_file_in {
	char *name;          /* owned */
	const char *mime;    /* static */
	unsigned char *data; /* owned */
	size_t size;
	char sha256[65];
};

/* A filing, read and checked by the API (everything but the references to
 * offices, counters and dossiers). Strings owned (NULL when absent);
 * feedback_create_cmd_clear frees them. */
struct feedback_create_cmd {
	const char *class;   /* borrowed from the request: valid while it lives */
	const char *channel; /* a static word */
	char *text, *subject_name, *office, *dossier_code, *dossier_secret;
	char *name, *address, *email;
	char phone[32];
	char *consent; /* feedback.notify's text (notify_consent_parse), or NULL */
	bool anonymous;
	int64_t counter; /* 0: none */
	struct feedback_file_in files[FEEDBACK_MAX_FILES];
	int nfiles;
};
void feedback_create_cmd_clear(struct feedback_create_cmd *cmd);

/* What a filing answers. */
struct feedback_created {
	char code[32];
	char secret[FEEDBACK_SECRET_LEN + 1];
	bool anonymous;
	int64_t received_at;
	int64_t answer_due_at; /* 0 for an anonymous report */
};

/* Files cmd (docs/api.md "Feedback"). who is NULL for the public page
 * (channel "web"), a kiosk device (channel "kiosk"), or staff (entered_by =
 * the actor). Errors (with err->field where a member is at fault):
 * MC_ERR_INVALID (office_required, counter_not_found), MC_ERR_NOT_FOUND
 * (office_not_found, dossier_not_found: a dossier code with a wrong secret
 * is not found), MC_ERR_RATE_LIMITED (attachments_quota_full, field
 * "attachments", retry_after the seconds to the next office day: a public
 * filing with attachments past the day's ceiling). The day's number has no
 * upper bound: the code grows a digit past 9999. */
enum mc_err store_feedback_create(struct store *st, const struct principal *who,
                                  const struct feedback_create_cmd *cmd, int64_t now,
                                  struct feedback_created *out, struct mc_error *err);

/* ---- the sender's view ------------------------------------------------------ */

/* One step shown to the sender: the receipt (text NULL) and the public
 * notes (a rejection's reason, a forward's target, a request for
 * information, the sender's replies, the answer). */
struct feedback_public_step {
	int64_t at;
	char *step, *text;
};

/* The sender's view (never a sender field). Strings owned;
 * feedback_public_view_clear frees them. */
struct feedback_public_view {
	char code[32], kind[16], status[20];
	char *class, *office_code, *office_name;
	int64_t received_at;
	int64_t answer_due_at; /* 0: null (anonymous, or none) */
	char *answer;          /* NULL: not answered (absent with answered_at) */
	int64_t answered_at;
	int64_t published_at; /* 0: absent */
	char *reaction;       /* NULL: null */
	int64_t reacted_at;   /* with a reaction */
	char *info_request;   /* the open request's text, NULL absent */
	bool can_reply, can_react;
	struct feedback_public_step *steps;
	size_t nsteps;
};
void feedback_public_view_clear(struct feedback_public_view *v);

/* The sender's view of feedback code with its secret (docs/api.md).
 * MC_ERR_NOT_FOUND feedback_not_found for an unknown code and a wrong
 * secret alike. Reader connection. */
enum mc_err store_feedback_public(struct store *st, const char *code, const char *secret,
                                  struct feedback_public_view *out, struct mc_error *err);

/* The sender answers a request for information (text: checked by the API):
 * status info_requested → info_received, the answer's due moved by the
 * working time the request waited (feedback_reply_moves_due). Or reacts to
 * the answer ("satisfied"|"not_satisfied", once, after it is answered).
 * *out gets the sender's view as store_feedback_public. Errors: as
 * store_feedback_public, MC_ERR_CONFLICT (feedback_wrong_state,
 * already_reacted). */
enum mc_err store_feedback_reply(struct store *st, const char *code, const char *secret,
                                 const char *text, int64_t now, struct feedback_public_view *out,
                                 struct mc_error *err);
enum mc_err store_feedback_react(struct store *st, const char *code, const char *secret,
                                 const char *reaction, int64_t now,
                                 struct feedback_public_view *out, struct mc_error *err);

/* One attachment (n = 1..3) of feedback code for who (the privacy rule
 * above): *data (malloc'ed, caller frees), *size, mime and name into the
 * caller's buffers. MC_ERR_NOT_FOUND (feedback_not_found, file_not_found)
 * also when who may not see it. */
enum mc_err store_feedback_file(struct store *st, const struct principal *who, const char *code,
                                int n, void **data, size_t *size, char mime[32], char name[201],
                                struct mc_error *err);

/* ---- the staff side ------------------------------------------------------- */

/* A staff account named on a feedback: id 0 is none (null). */
struct feedback_user {
	int64_t id;
	char *full_name; /* owned, "" when the account has none */
};

/* The sender's fields as who may read them: anonymous (null sender), hidden
 * ("sender_hidden": true), or the four fields (NULL: null). */
struct feedback_sender {
	bool anonymous, visible;
	char *name, *address, *phone, *email;
};

/* The list's filters (NULL / 0 when absent). */
struct feedback_list_query {
	const char *status, *class, *office, *channel, *box;
	int64_t official;
	bool late;
	int page; /* from 1 */
};

struct feedback_list_item {
	char code[32], kind[16], status[20];
	char *class, *channel, *office_code, *office_name, *subject_name;
	int64_t received_at;
	struct feedback_user assigned, subject;
	struct feedback_sender sender;
	struct feedback_timing timing; /* zero for an anonymous report */
};

struct feedback_list {
	struct feedback_list_item *items;
	size_t n;
	int64_t total, offset;
	int page, page_size;
};
void feedback_list_clear(struct feedback_list *l);

/* The staff list (docs/api.md): filters in q. Supervisors and admins see
 * their scope; counter and specialist users only what is assigned to them
 * or what they entered. box=anonymous: the anonymous reports, for heads
 * only (MC_ERR_FORBIDDEN not_office_head otherwise). MC_ERR_INVALID
 * (invalid_filter, invalid_status, invalid_class, invalid_channel). */
enum mc_err store_feedback_list(struct store *st, const struct principal *who,
                                const struct feedback_list_query *q, int64_t now,
                                struct feedback_list *out, struct mc_error *err);

struct feedback_note_row {
	int64_t at;
	char *actor, *actor_name, *step, *text; /* actor_name NULL: null */
	bool public;
};
struct feedback_event_row {
	int64_t id, at;
	char *actor, *actor_name, *action;
	char *details; /* the event's stored JSON text */
};
struct feedback_file_row {
	int n;
	char *name, *mime, *sha256;
	int64_t size;
};

/* One feedback for who: every field the privacy rule allows (NULL strings
 * and 0 instants: null), the notes, the events, the attachments (only when
 * the sender is visible), each step's verdict at now, and the actions who
 * may take. Owned; feedback_detail_clear frees it. */
struct feedback_detail {
	char code[32], kind[16], status[20], decision[16];
	char *class, *channel, *text, *office_code, *office_name, *dossier;
	int64_t subject_counter_no; /* 0: null */
	char *subject_name, *forwarded_to, *entered_by;
	struct feedback_user subject, assigned, answered_by;
	struct feedback_sender sender;
	int64_t assigned_at, info_asked_at, info_received_at, reacted_at, repeated;
	char *answer_draft, *answer, *public_question, *public_answer, *repeat_of, *reaction;
	struct feedback_times t; /* t.decision points into decision */
	struct feedback_timing timing;
	bool head;
	bool actions[FEEDBACK_ACTIONS]; /* those who may take now */
	struct feedback_note_row *notes;
	size_t nnotes;
	struct feedback_event_row *events;
	size_t nevents;
	struct feedback_file_row *files;
	size_t nfiles;
};
void feedback_detail_clear(struct feedback_detail *d);

enum mc_err store_feedback_get(struct store *st, const struct principal *who, const char *code,
                               int64_t now, struct feedback_detail *out, struct mc_error *err);

/* A staff action, read by the API. Strings borrowed from the request (valid
 * while it lives), NULL when absent. The reading's own refusal (an unknown
 * member, a missing or malformed field) is kept in parse_rc/parse_err and
 * reported in the order of the rules: after the feedback is found and the
 * first rule (feedback_permit_who), before the role and state rules. */
struct feedback_action_cmd {
	enum feedback_action action; /* FEEDBACK_ACTIONS: unknown */
	enum feedback_decision decision;
	const char *text, *reason, *to, *question, *answer, *note, *of;
	int64_t user_id; /* assign, set_subject (0 with set_subject: none) */
	enum mc_err parse_rc;
	struct mc_error parse_err;
};

/* Takes cmd on feedback code (docs/feedback.md, "Workflow"), then *out gets
 * the feedback as store_feedback_get. Errors: MC_ERR_NOT_FOUND
 * (feedback_not_found, user_not_found), MC_ERR_INVALID (the reading's,
 * personal_data_in_public with field question|answer), MC_ERR_FORBIDDEN
 * (action_not_allowed, not_office_head), MC_ERR_CONFLICT
 * (feedback_wrong_state, subject_cannot_handle, assignee_out_of_scope,
 * no_draft). */
enum mc_err store_feedback_action(struct store *st, const struct principal *who, const char *code,
                                  const struct feedback_action_cmd *cmd, int64_t now,
                                  struct feedback_detail *out, struct mc_error *err);

struct feedback_conduct_row {
	int64_t user_id;
	char *full_name, *office_code, *office_name; /* office NULL: null */
	int64_t pakn, anonymous, total;
};
struct feedback_conduct {
	int64_t from, to;
	struct feedback_conduct_row *officials;
	size_t n;
};
void feedback_conduct_clear(struct feedback_conduct *c);

/* Conduct reports per official in [from, to) for an office head's scope
 * (office: a code in it, NULL for the whole scope; MC_ERR_NOT_FOUND
 * office_not_found otherwise). MC_ERR_FORBIDDEN not_office_head. */
enum mc_err store_feedback_conduct(struct store *st, const struct principal *who,
                                   const char *office, int64_t from, int64_t to,
                                   struct feedback_conduct *out, struct mc_error *err);

struct feedback_answer_row {
	char *code, *class, *office_code, *office_name, *question, *answer;
	int64_t received_at, answered_at, published_at; /* answered_at 0: null */
};
struct feedback_answers {
	struct feedback_answer_row *items;
	size_t n;
	int64_t total, offset;
	int page, page_size;
};
void feedback_answers_clear(struct feedback_answers *a);

/* The published answers (public): q folded search over the question, the
 * answer and the code, office a centre code, page from 1. */
enum mc_err store_feedback_answers(struct store *st, const char *q, const char *office, int page,
                                   struct feedback_answers *out, struct mc_error *err);

/* Whether user_id is an office head (users.head). On the caller's
 * connection (store_reader or the writer inside a transaction). */
bool store_user_is_head(struct store *st, int64_t user_id);

#endif
