/* Printing: the spool's jobs (list, one, retry, reprint) and the destinations
 * with their live state. The bytes of a job never leave the server here. */
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/offload.h"
#include "api/present_print.h"
#include "api/printing.h"
#include "store/print.h"
#include "util/xmalloc.h"

static bool print_job_id(struct http_request *r, int64_t *id)
{
	if (http_parse_int(r->params[0], 1, INT64_MAX, id))
		return true;
	http_reply_fail(r, MC_ERR_INVALID, "invalid_job_id", "Mã lệnh in không hợp lệ",
	                "The print job id must be a positive integer");
	return false;
}

/* An optional filter: one of allowed (NULL-terminated; NULL: any string up to
 * max bytes). Replies 400 and returns false when bad. */
static bool print_filter(struct http_request *r, const char *key, const char *const *allowed,
                         size_t max, const char **out)
{
	const char *v = http_query(r, key);
	*out = NULL;
	if (v == NULL || *v == '\0')
		return true;
	bool ok = strlen(v) <= max;
	if (ok && allowed) {
		ok = false;
		for (const char *const *a = allowed; *a; a++)
			ok = ok || strcmp(*a, v) == 0;
	}
	if (!ok) {
		struct mc_error err;
		mc_failf(&err, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		         "bad value for '%s'", key);
		http_reply_error(r, &err);
		return false;
	}
	*out = v;
	return true;
}

void route_print_jobs_list(struct api *api, struct http_request *r)
{
	static const char *const states[] = {"queued", "sending", "printing",
	                                     "done",   "failed",  NULL};
	static const char *const kinds[] = {"ticket", "form", "test", "slip", NULL};
	const char *state, *printer, *kind, *ref, *office;
	int offset, limit;
	if (!http_page(r, &offset, &limit) || !print_filter(r, "state", states, 16, &state) ||
	    !print_filter(r, "printer", NULL, STORE_PRINTER_NAME_MAX, &printer) ||
	    !print_filter(r, "kind", kinds, 16, &kind) || !print_filter(r, "ref", NULL, 64, &ref) ||
	    !print_filter(r, "office", NULL, 64, &office))
		return;
	struct mc_error err;
	struct print_job_page page;
	if (store_print_jobs_list(api->st, &r->who, state, printer, kind, ref, office, offset,
	                          limit, &page, &err)) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, present_print_job_page(&page, offset, limit));
	print_job_page_free(&page);
}

void route_print_job_get(struct api *api, struct http_request *r)
{
	int64_t id;
	if (!print_job_id(r, &id))
		return;
	struct mc_error err;
	json_t *job = NULL;
	if (print_job_json(api->st, &r->who, id, &job, &err) != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:o}", "job", job));
}

static void print_job_action(struct api *api, struct http_request *r, bool reprint)
{
	int64_t id;
	struct mc_error err;
	struct print_job_view job;
	if (!print_job_id(r, &id))
		return;
	enum mc_err rc = reprint ? store_print_job_reprint(api->st, &r->who, id, &job, &err)
	                         : store_print_job_retry(api->st, &r->who, id, &job, &err);
	if (rc != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	printing_wake(api->printing);
	json_t *view = present_print_job(&job);
	print_job_view_clear(&job);
	http_reply_json(r, reprint ? 201 : 200,
	                json_pack("{s:o}", "job", view ? view : json_null()));
}

void route_print_job_retry(struct api *api, struct http_request *r)
{
	print_job_action(api, r, false);
}

void route_print_job_reprint(struct api *api, struct http_request *r)
{
	print_job_action(api, r, true);
}

void route_printers_list(struct api *api, struct http_request *r)
{
	int offset, limit;
	const char *office;
	if (!http_page(r, &offset, &limit) || !print_filter(r, "office", NULL, 64, &office))
		return;
	struct mc_error err;
	json_t *page = NULL;
	if (printing_printers(api->printing, &r->who, office, offset, limit, &page, &err) != MC_OK)
		http_reply_error(r, &err);
	else
		http_reply_json(r, 200, page);
}

/* On a pool thread (api->cpu_pool): the test ticket's render, then its
 * spool row; no HTTP worker waits for the render. arg: the printer's name. */
static void print_test_run(struct api *api, struct http_request *r, void *arg)
{
	struct mc_error err;
	json_t *job = NULL;
	if (printing_test_job(api->printing, &r->who, arg, &job, &err) != MC_OK)
		http_reply_error(r, &err);
	else
		http_reply_json(r, 202, json_pack("{s:o}", "job", job));
}

void route_printer_test(struct api *api, struct http_request *r)
{
	if (strlen(r->params[0]) > STORE_PRINTER_NAME_MAX) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_key", "Tên máy in không hợp lệ",
		                "The printer name is too long");
		return;
	}
	offload_request(api->cpu_pool, r, print_test_run, xstrdup(r->params[0]), free);
}
