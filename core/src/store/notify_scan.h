/* Telling the citizen (docs/notifications.md), the triggers: which message a
 * change of a dossier or a feedback plans, and the periodic scans (the
 * uncollected result's reminder, the booking's reminder). Each function
 * reads what the message says from the rows themselves and calls
 * store_notify_enqueue (store/notify.h), which honours the citizen's consent,
 * the configured channels and the triggers switched off per office.
 *
 * The trigger functions run inside the caller's write transaction (ENFORCE);
 * store_notify_scan opens its own. Any thread; no lock held across a
 * return. */
#ifndef MOTCUA_STORE_NOTIFY_SCAN_H
#define MOTCUA_STORE_NOTIFY_SCAN_H

#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

/* The messages of trigger ("received", "supplement", "apology",
 * "result_ready", "reminder") for the dossier of dossier_code, read on the writer inside the
 * caller's transaction after the change: the centre that speaks (received,
 * supplement, apology: the receiving centre; result_ready, reminder: the
 * centre that returns the result), the code, the applicant's name, the
 * procedure's name, the appointment (dd/mm/yyyy HH:MM office time: the due
 * instant, or the apology's new one), the missing items ("; "-joined), the
 * apology's reason; the status link is store_notify_enqueue's (with
 * secret when not NULL: only the intake knows it). actor: "user:7", "system". Nothing without
 * consent. MC_OK or the error (err filled; the caller rolls back). */
enum mc_err store_notify_dossier(struct store *st, const char *dossier_code, const char *trigger,
                                 const char *secret, const char *actor, struct mc_error *err);

/* The message feedback_answered for feedback id (its answer as approved
 * reaching the sender who consented), inside the caller's transaction. */
enum mc_err store_notify_feedback(struct store *st, int64_t feedback_id, const char *actor,
                                  struct mc_error *err);

/* store_notify_scan (declared in store/notify.h) is defined in
 * store/notify_scan.c. One pass of the periodic scans at now, its own write
 * transaction (rolled back when it planned nothing):
 * - reminder: each dossier whose result is ready and not collected since
 *   reminder_days working days (notify_config, 3 by default) plans its
 *   reminder once (an event "dossier_reminder" marks it done, with
 *   messages or none: a trigger switched off then is not sent later);
 * - booking_reminder: each booking still 'booked' whose slot starts within
 *   reminder_minutes (the setting appointments; 0: none) and that was made
 *   earlier than that before its slot, not reminded yet: reminded_at = now
 *   and its message.
 * At most 200 of each a pass (the rest at the next). */

#endif
