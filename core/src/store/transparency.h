/* The public transparency figures (công khai): how many dossiers were
 * finished on time today and this month, which dossiers are late right now
 * (codes and procedures only: no personal field), and how many procedures are
 * posted. Read-only; no personal data leaves this module. */
#ifndef MOTCUA_STORE_TRANSPARENCY_H
#define MOTCUA_STORE_TRANSPARENCY_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

/* At instant now:
 *   {"at":now,
 *    "on_time":{"today":{"finished":N,"on_time":N,"rate":0..1|null},
 *               "month":{…}},
 *    "late_now":[{"code","procedure","procedure_code","due_at","apology":bool,
 *                 "new_appointment_at":t|null}],   (oldest due first, at most 500)
 *    "late_total":N,
 *    "procedures_posted":N}
 * "Finished" counts dossiers whose result was ready (result_ready, returned,
 * returned_ineligible) with finished_at in the office day / month of now;
 * "on time" those of them with finished_at <= due_at. "Late now": open
 * dossiers whose clock runs (received, in_process, interagency,
 * awaiting_payment) with due_at < now, and dossiers paused for a supplement
 * after their due instant had passed. *out gets it (the caller frees it);
 * on a database failure returns it (err filled) and leaves *out untouched. */
enum mc_err store_transparency(struct store *st, int64_t now, json_t **out, struct mc_error *err);

#endif
