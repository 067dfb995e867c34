#include "api/present_print.h"

#include <stdlib.h>

/* A string or null. */
static json_t *print_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* An integer, or null when there is none. */
static json_t *print_int_if(bool has, int64_t v)
{
	return has ? json_integer(v) : json_null();
}

json_t *present_print_job(const struct print_job_view *v)
{
	json_t *j = json_pack(
	    "{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:o}", "id", (json_int_t)v->id,
	    "printer", print_str(v->printer), "format", print_str(v->format), "kind",
	    print_str(v->kind), "ref", print_str(v->ref), "title", print_str(v->title), "state",
	    print_str(v->state), "attempts", (json_int_t)v->attempts, "last_error",
	    print_str(v->last_error), "printer_reasons", print_str(v->printer_reasons),
	    "cups_job_id", print_int_if(v->has_cups_job_id, v->cups_job_id));
	if (j == NULL)
		return NULL;
	json_object_set_new(j, "size", json_integer(v->size));
	json_object_set_new(j, "sha256", print_str(v->sha256));
	json_object_set_new(j, "sync", json_boolean(v->sync));
	json_object_set_new(j, "reprint_of", print_int_if(v->has_reprint_of, v->reprint_of));
	json_object_set_new(j, "created_by", print_str(v->created_by));
	json_object_set_new(j, "created_at", json_integer(v->created_at));
	json_object_set_new(j, "updated_at", json_integer(v->updated_at));
	json_object_set_new(j, "done_at", print_int_if(v->has_done_at, v->done_at));
	json_object_set_new(j, "next_try_at", print_int_if(v->has_next_try_at, v->next_try_at));
	json_object_set_new(j, "office", print_str(v->office));
	return j;
}

json_t *present_printer(const struct printer_view *v)
{
	json_t *devices = json_array(), *counters = json_array();
	for (size_t i = 0; i < v->ndevices; i++)
		json_array_append_new(devices, print_str(v->devices[i]));
	for (size_t i = 0; i < v->ncounters; i++)
		json_array_append_new(counters, json_integer(v->counters[i]));
	return json_pack("{s:o, s:o, s:o, s:o, s:b, s:b, s:o, s:{s:I, s:I}, s:o, s:o}", "name",
	                 print_str(v->name), "target", print_str(v->target), "format",
	                 print_str(v->format), "paper", print_str(v->paper), "default",
	                 v->is_default, "active", v->active, "office", print_str(v->office), "jobs",
	                 "queued", (json_int_t)v->jobs_queued, "failed", (json_int_t)v->jobs_failed,
	                 "devices", devices, "counters", counters);
}

json_t *present_print_job_page(const struct print_job_page *p, int offset, int limit)
{
	json_t *items = json_array();
	for (size_t i = 0; i < p->n; i++) {
		json_t *v = present_print_job(&p->items[i]);
		if (v)
			json_array_append_new(items, v);
	}
	return json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)p->total,
	                 "offset", offset, "limit", limit);
}

enum mc_err print_job_json(struct store *st, const struct principal *who, int64_t id, json_t **out,
                           struct mc_error *err)
{
	struct print_job_view v;
	enum mc_err rc = store_print_job_view(st, who, id, &v, err);
	if (rc)
		return rc;
	json_t *j = present_print_job(&v);
	print_job_view_clear(&v);
	if (j == NULL) /* as before: a view that cannot be shown is none */
		return mc_fail(err, MC_ERR_NOT_FOUND, "print_job_not_found", "Không có lệnh in này",
		               "No such print job");
	*out = j;
	return MC_OK;
}
