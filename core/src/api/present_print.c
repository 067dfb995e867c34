#include "api/present_print.h"

#include <stdlib.h>

json_t *present_print_view(const char *text)
{
	return json_loads(text, 0, NULL);
}

json_t *present_print_page(const struct print_page *p, int offset, int limit)
{
	json_t *items = json_array();
	for (size_t i = 0; i < p->n; i++) {
		json_t *v = present_print_view(p->items[i]);
		if (v)
			json_array_append_new(items, v);
	}
	return json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)p->total,
	                 "offset", offset, "limit", limit);
}

enum mc_err print_job_json(struct store *st, const struct principal *who, int64_t id, json_t **out,
                           struct mc_error *err)
{
	char *text = NULL;
	enum mc_err rc = store_print_job_view(st, who, id, &text, err);
	if (rc)
		return rc;
	json_t *j = present_print_view(text);
	free(text);
	if (j == NULL) /* as the store answered before: a view it cannot read is none */
		return mc_fail(err, MC_ERR_NOT_FOUND, "print_job_not_found", "Không có lệnh in này",
		               "No such print job");
	*out = j;
	return MC_OK;
}
