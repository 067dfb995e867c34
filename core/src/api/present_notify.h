/* The JSON views of messages to citizens (docs/api.md "Notifications"),
 * built from the store's typed rows (store/notify.h). Each returns a new
 * reference the caller owns; the argument is only read. */
#ifndef MOTCUA_API_PRESENT_NOTIFY_H
#define MOTCUA_API_PRESENT_NOTIFY_H

#include <jansson.h>

#include "store/notify.h"

/* {"id","office":{"code","name"},"trigger","channel","recipient",
 * "ref":{"kind","code"}|null,"subject","body","state","attempts",
 * "not_before","created_at","created_by","sent_at","last_error",
 * "provider_answer","provider_id","resend_of"}: NULL strings and absent
 * instants as null. */
json_t *present_notification(const struct notify_row *r);

/* {"items":[view…],"total","offset","limit"}. */
json_t *present_notification_list(const struct notify_list *l);

/* [{"channel","trigger","recipient"}] in order. */
json_t *present_notify_planned(const struct notify_planned_list *p);

/* {"triggers":[{"trigger","text","subject","custom","example",
 * "example_subject","sms_parts","off":[office codes]}],"channels":
 * ["email","sms",…],"quiet_hours":{"from","to"},"max_attempts"}. */
json_t *present_notify_templates(const struct notify_templates *t);

#endif
