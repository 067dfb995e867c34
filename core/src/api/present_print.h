/* Print destinations and jobs as the API shows them: the store's views
 * (store/print.h, JSON text made by SQL) parsed into JSON. */
#ifndef MOTCUA_API_PRESENT_PRINT_H
#define MOTCUA_API_PRESENT_PRINT_H

#include <jansson.h>

#include "store/print.h"

/* One view (a job, a destination) parsed: a new value, or NULL when the
 * text cannot be read. */
json_t *present_print_view(const char *text);

/* The page {"items":[…],"total":N,"offset","limit"} (a new object). */
json_t *present_print_page(const struct print_page *p, int offset, int limit);

/* store_print_job_view parsed (*out, the caller frees it); errors as it. */
enum mc_err print_job_json(struct store *st, const struct principal *who, int64_t id, json_t **out,
                           struct mc_error *err);

#endif
