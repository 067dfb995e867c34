/* The public transparency figures (công khai): how many dossiers were
 * finished on time today and this month, which dossiers are late right now
 * (codes and procedures only: no personal field), how many procedures are
 * posted, and for each centre of the province its address, hours, today's
 * queue and on-time rate. Read-only; no personal data leaves this module. */
#ifndef MOTCUA_STORE_TRANSPARENCY_H
#define MOTCUA_STORE_TRANSPARENCY_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

/* At instant now, for the whole province (office NULL) or for the dossiers
 * received at one centre or reception point (office its code, with the
 * points below it):
 *   {"at":now,
 *    "province":the province's name|null,
 *    "office":{"code","name","address","hours","phone","parent"}|null,
 *    "on_time":{"today":{"finished":N,"on_time":N,"rate":0..1|null},
 *               "month":{…}},
 *    "late_now":[{"code","procedure","procedure_code","due_at","apology":bool,
 *                 "new_appointment_at":t|null,"office":centre code|null}],
 *                 (oldest due first, at most 500)
 *    "late_total":N,
 *    "procedures_posted":N,
 *    "centres":[{"code","name","address","hours","phone","parent" (the
 *                authority's or province's name),
 *                "queue":{"waiting":N,"serving":N,"counters_open":N},
 *                "on_time":{"today":{…},"month":{…}},"late_total":N}]}
 * "centres" lists every active centre and point of the province (by sort,
 * name) whatever office says: the province's directory. "Finished" counts
 * dossiers whose result was ready (result_ready, returned,
 * returned_ineligible) with finished_at in the office day / month of now;
 * "on time" those of them with finished_at <= due_at. "Late now": open
 * dossiers whose clock runs (received, in_process, interagency,
 * awaiting_payment) with due_at < now, and dossiers paused for a supplement
 * after their due instant had passed. A centre's figures count the
 * dossiers it received; its queue is today's tickets waiting and being
 * served and its open counters. *out gets it (the caller frees it). An
 * office that is not an active centre or point is MC_ERR_NOT_FOUND
 * office_not_found; on a database failure returns it (err filled); *out is
 * untouched on error. */
enum mc_err store_transparency(struct store *st, int64_t now, const char *office, json_t **out,
                               struct mc_error *err);

#endif
