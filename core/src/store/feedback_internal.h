/* Shared between the feedback files of the store (store/feedback.c, the
 * intake and the sender's routes; store/feedback_flow.c, the handling).
 * Nothing outside core/src/store may include it. */
#ifndef MOTCUA_STORE_FEEDBACK_INTERNAL_H
#define MOTCUA_STORE_FEEDBACK_INTERNAL_H

#include "store/db.h"

#include "domain/feedback.h"
#include "store/feedback.h"
#include "store/store_internal.h"
#include "util/error.h"

/* The columns feedback_times_of_row reads, in its order, from the feedback
 * row aliased f: append them to a SELECT and pass their first index. */
#define FEEDBACK_TIMES_COLS                                                                        \
	"f.received_at, coalesce(f.classified_at, 0), coalesce(f.decision, ''),"                   \
	" coalesce(f.info_requested_at, 0), coalesce(f.answered_at, 0),"                           \
	" coalesce(f.published_at, 0), coalesce(f.closed_at, 0), coalesce(f.reject_due_at, 0),"    \
	" coalesce(f.forward_due_at, 0), coalesce(f.info_due_at, 0),"                              \
	" coalesce(f.answer_due_at, 0), coalesce(f.publish_due_at, 0)"
#define FEEDBACK_TIMES_NCOLS 12

/* Appends the event "feedback.<step>" of feedback code (entity "feedback",
 * entity id the code, actor who_actor, details {"step","status"}: never a
 * sender field nor a text; not on the live stream), recorded as office's.
 * Inside the caller's write transaction. MC_OK or the error (err set). */
enum mc_err feedback_event(struct store *st, const char *who_actor, const char *code,
                           int64_t office_id, const char *step, const char *status,
                           struct mc_error *err);

/* Fills *t from the FEEDBACK_TIMES_COLS of the current row of s, starting
 * at column col. decision points into buf (decision_len bytes), NULL when
 * the feedback is not classified. */
void feedback_times_of_row(db_stmt *s, int col, struct feedback_times *t, char *decision,
                           size_t decision_len);

/* Whether user_id is an active office head (users.head), read on c (the
 * caller's connection: the writer inside its transaction, or a reader).
 * store_user_is_head is this on the thread's reader. */
bool feedback_user_is_head(struct store_conn *c, int64_t user_id);

/* The limits of store_feedback_limits and store_feedback_public_limits
 * (the defaults, and the settings' valid members), for a caller inside its
 * write transaction: MC_OK, or the database error (err filled when not
 * NULL), which the transaction must not outlive. */
enum mc_err feedback_limits_read(struct store *st, struct feedback_limits *out,
                                 struct mc_error *err);
enum mc_err feedback_public_limits_read(struct store *st, struct feedback_public_limits *out,
                                        struct mc_error *err);

/* The due instant days working days after from on the office calendar (a
 * receipt after the cutoff or on a day off starts the next working day). */
enum mc_err feedback_due(struct store *st, int64_t from, int days, int64_t *due,
                         struct mc_error *err);

/* The due instants of the clocks ck (domain/feedback.h feedback_clocks_of)
 * started at from: due[s] by feedback_due for each started step s, 0 for
 * the others. MC_OK or the calendar's error. */
enum mc_err feedback_clocks_due(struct store *st, const struct feedback_clocks *ck, int64_t from,
                                int64_t due[FEEDBACK_STEPS], struct mc_error *err);

#endif
