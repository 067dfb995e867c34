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

#include <jansson.h>

#include "domain/feedback.h"
#include "domain/principal.h"
#include "store/store.h"

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

/* Files a feedback (docs/api.md "Feedback"). who is NULL for the public
 * page (channel "web"), a kiosk device (channel "kiosk"), or staff (the
 * body's channel must be hotline, letter, box or counter; entered_by = the
 * actor). req as in docs/api.md. *out gets {"code","secret","kind",
 * "status","status_text","received_at","answer_due_at" (null for an
 * anonymous report),"status_url"}. Errors: MC_ERR_INVALID (missing_field,
 * invalid_field, unknown_field, invalid_class, invalid_channel,
 * sender_identity_required (with field), text_too_long, too_many_files,
 * file_too_large, files_too_large, file_type_not_allowed, office_required,
 * invalid_phone, invalid_email, counter_not_found), MC_ERR_NOT_FOUND
 * (office_not_found, dossier_not_found: a dossier code with a wrong secret
 * is not found), MC_ERR_FORBIDDEN (channel_not_allowed), MC_ERR_RATE_LIMITED
 * (attachments_quota_full, with field "attachments" and retry_after the
 * seconds to the next office day: a public filing with attachments past
 * the day's ceiling; the same filing without them is taken). The day's
 * number has no upper bound: the code grows a digit past 9999. On an error *out
 * may hold {"field"}: the member at fault (the caller frees it). */
enum mc_err store_feedback_create(struct store *st, const struct principal *who, json_t *req,
                                  int64_t now, json_t **out, struct mc_error *err);

/* The sender's view of feedback `code` with its secret (docs/api.md):
 * never a sender field. MC_ERR_NOT_FOUND feedback_not_found for an unknown
 * code and a wrong secret alike. Reader connection. */
enum mc_err store_feedback_public(struct store *st, const char *code, const char *secret,
                                  int64_t now, json_t **out, struct mc_error *err);

/* The sender answers a request for information ({"secret","text"}):
 * status info_requested → info_received, the answer's due moved by the
 * working time the request waited. Or reacts to the answer
 * ({"secret","reaction":"satisfied"|"not_satisfied"}, once, after it is
 * answered). *out gets the sender's view as store_feedback_public.
 * Errors: as store_feedback_public, MC_ERR_INVALID (invalid_field,
 * missing_field, unknown_field), MC_ERR_CONFLICT (feedback_wrong_state,
 * already_reacted). */
enum mc_err store_feedback_reply(struct store *st, const char *code, json_t *req, int64_t now,
                                 json_t **out, struct mc_error *err);
enum mc_err store_feedback_react(struct store *st, const char *code, json_t *req, int64_t now,
                                 json_t **out, struct mc_error *err);

/* One attachment (n = 1..3) of feedback code for who (the privacy rule
 * above): *data (malloc'ed, caller frees), *size, mime and name into the
 * caller's buffers. MC_ERR_NOT_FOUND (feedback_not_found, file_not_found)
 * also when who may not see it. */
enum mc_err store_feedback_file(struct store *st, const struct principal *who, const char *code,
                                int n, void **data, size_t *size, char mime[32], char name[201],
                                struct mc_error *err);

/* The staff list (docs/api.md): filters in q (status, class, office,
 * channel, official, late, box, page; NULL members absent). Supervisors
 * and admins see their scope; counter and specialist users only what is
 * assigned to them or what they entered. box=anonymous: the anonymous
 * reports, for heads only (MC_ERR_FORBIDDEN not_office_head otherwise).
 * *out {"items":[…],"total","page","page_size"}. */
enum mc_err store_feedback_list(struct store *st, const struct principal *who, json_t *q,
                                int64_t now, json_t **out, struct mc_error *err);

/* One feedback for who: every field the privacy rule allows, the notes,
 * the events, and each step's verdict and due ("timing"). */
enum mc_err store_feedback_get(struct store *st, const struct principal *who, const char *code,
                               int64_t now, json_t **out, struct mc_error *err);

/* A staff action on feedback code (docs/feedback.md, "Workflow"): req
 * {"action":"classify"|"assign"|"request_info"|"answer"|"approve"|
 * "publish"|"close"|"link_repeat"|"set_subject", …}. *out gets the feedback
 * as store_feedback_get; on personal_data_in_public it gets {"field"}
 * ("question"|"answer"; the caller frees it). Errors: MC_ERR_NOT_FOUND
 * (feedback_not_found, user_not_found), MC_ERR_INVALID (…,
 * personal_data_in_public), MC_ERR_FORBIDDEN (action_not_allowed,
 * not_office_head), MC_ERR_CONFLICT (feedback_wrong_state,
 * subject_cannot_handle, assignee_out_of_scope, no_draft). */
enum mc_err store_feedback_action(struct store *st, const struct principal *who, const char *code,
                                  json_t *req, int64_t now, json_t **out, struct mc_error *err);

/* Conduct reports per official in [from, to) for an office head's scope
 * (office: a code in it, NULL for the whole scope; MC_ERR_NOT_FOUND
 * office_not_found otherwise): {"from","to","officials":[{"user_id",
 * "full_name","office","pakn","anonymous","total"}]}. MC_ERR_FORBIDDEN
 * not_office_head. */
enum mc_err store_feedback_conduct(struct store *st, const struct principal *who,
                                   const char *office, int64_t from, int64_t to, json_t **out,
                                   struct mc_error *err);

/* The published answers (public): q folded search over the question and
 * the answer, office a centre code, page from 1. {"items":[{"code",
 * "class","class_text","office":{"code","name"},"received_at",
 * "answered_at","published_at","question","answer"}],"total","page"}. */
enum mc_err store_feedback_answers(struct store *st, const char *q, const char *office, int page,
                                   json_t **out, struct mc_error *err);

/* Whether user_id is an office head (users.head). On the caller's
 * connection (store_reader or the writer inside a transaction). */
bool store_user_is_head(struct store *st, int64_t user_id);

#endif
