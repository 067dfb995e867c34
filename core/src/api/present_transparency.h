/* The JSON of GET /api/v1/public/transparency from the figures of
 * store/transparency.h. */
#ifndef MOTCUA_API_PRESENT_TRANSPARENCY_H
#define MOTCUA_API_PRESENT_TRANSPARENCY_H

#include <jansson.h>

#include "store/transparency.h"

/* {"at","province"|null,"office":{"code","name","address","hours","phone",
 * "parent"}|null,"on_time":{"today":{"finished","on_time","rate"|null},
 * "month":{…}},"late_now":[{"code","procedure","procedure_code","due_at",
 * "apology","new_appointment_at"|null,"office"|null}],"late_total",
 * "procedures_posted","centres":[{"code","name","address","hours","phone",
 * "parent","queue":{"waiting","serving","counters_open"},"on_time":{…},
 * "late_total"}]}. A new reference the caller owns. */
json_t *present_transparency(const struct transparency *t);

#endif
