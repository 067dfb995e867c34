/* Citizens' feedback (PAKN): the JSON views of the store's answers
 * (store/feedback.h), as docs/api.md "Feedback" shows them. Each returns a
 * new reference; the argument stays the caller's. */
#ifndef MOTCUA_API_PRESENT_FEEDBACK_H
#define MOTCUA_API_PRESENT_FEEDBACK_H

#include <jansson.h>

#include "store/feedback.h"

/* {"code","secret","kind","status","status_text","received_at",
 * "answer_due_at" (null for an anonymous report),"status_url"}. */
json_t *present_feedback_created(const struct feedback_created *c);
/* The sender's view: never a sender field. */
json_t *present_feedback_public(const struct feedback_public_view *v);
/* The staff detail, with "timing", "late", "late_steps", "next_due_at",
 * "ended", "actions", "notes", "events", "files". */
json_t *present_feedback_detail(const struct feedback_detail *d);
/* {"items","total","page","page_size","offset","limit"}. */
json_t *present_feedback_list(const struct feedback_list *l);
/* {"from","to","officials":[{"user_id","full_name","office","pakn",
 * "anonymous","total"}]}. */
json_t *present_feedback_conduct(const struct feedback_conduct *c);
/* The officials array alone (the indicators' "officials"). */
json_t *present_feedback_officials(const struct feedback_conduct *c);
/* {"items","total","page","page_size","offset","limit"}. */
json_t *present_feedback_answers(const struct feedback_answers *a);

#endif
