/* Print destinations and jobs as the API shows them: the store's views
 * (store/print.h) presented as JSON. */
#ifndef MOTCUA_API_PRESENT_PRINT_H
#define MOTCUA_API_PRESENT_PRINT_H

#include <jansson.h>

#include "store/print.h"

/* A job as {id, printer, format, kind, ref, title, state, attempts,
 * last_error, printer_reasons, cups_job_id, size, sha256, sync, reprint_of,
 * created_by, created_at, updated_at, done_at, next_try_at, office} (null
 * where the view has none): a new object. */
json_t *present_print_job(const struct print_job_view *v);

/* A destination as {name, target, format, paper, default, active, office,
 * jobs {queued, failed}, devices, counters}: a new object (the caller adds
 * its "status"). */
json_t *present_printer(const struct printer_view *v);

/* The page {"items":[…],"total":N,"offset","limit"} of jobs (a new object). */
json_t *present_print_job_page(const struct print_job_page *p, int offset, int limit);

/* store_print_job_view presented (*out, the caller frees it); errors as it. */
enum mc_err print_job_json(struct store *st, const struct principal *who, int64_t id, json_t **out,
                           struct mc_error *err);

#endif
