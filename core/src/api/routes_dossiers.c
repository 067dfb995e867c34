/* Dossiers: intake, actions, the staff views, the ledger, and the public
 * lookup for citizens. */
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/printing.h"
#include "api/throttle.h"
#include "store/dossier.h"
#include "util/clock.h"
#include "util/strbuf.h"

static void dossier_reply(struct http_request *r, enum mc_err rc, const struct mc_error *err,
                          int status, json_t *out)
{
	if (rc != MC_OK)
		http_reply_error(r, err);
	else
		http_reply_json(r, status, out);
}

void route_dossiers_create(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = store_dossier_intake(api->st, &r->who, body, &out, &err);
	json_decref(body);
	dossier_reply(r, rc, &err, 201, out);
}

void route_dossier_actions(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = store_dossier_act(api->st, &r->who, r->params[0], body, &out, &err);
	json_decref(body);
	dossier_reply(r, rc, &err, 200, out);
}

void route_dossier_get(struct api *api, struct http_request *r)
{
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = store_dossier_get(api->st, r->params[0], &out, &err);
	dossier_reply(r, rc, &err, 200, out);
}

void route_dossier_control_sheet(struct api *api, struct http_request *r)
{
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = store_dossier_control_sheet(api->st, r->params[0], &out, &err);
	dossier_reply(r, rc, &err, 200, out);
}

/* A query argument that must be short text; replies 400 when too long. */
static bool dossier_arg(struct http_request *r, const char *key, const char **out)
{
	*out = http_query(r, key);
	if (*out && (strlen(*out) == 0 || strlen(*out) > 64)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		                "A filter value must be 1-64 bytes");
		return false;
	}
	return true;
}

static bool dossier_date_arg(struct http_request *r, const char *key, const char **out)
{
	if (!dossier_arg(r, key, out))
		return false;
	int y, m, d;
	char tail;
	if (*out && (strlen(*out) != 10 || sscanf(*out, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	             m < 1 || m > 12 || d < 1 || d > 31)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_date", "Ngày phải có dạng YYYY-MM-DD",
		                "Dates are YYYY-MM-DD");
		return false;
	}
	return true;
}

void route_dossiers_list(struct api *api, struct http_request *r)
{
	struct dossier_filter f = {.late = -1};
	int offset, limit;
	const char *late, *risk, *due;
	if (!http_page(r, &offset, &limit) || !dossier_arg(r, "status", &f.status) ||
	    !dossier_arg(r, "procedure", &f.procedure) || !dossier_arg(r, "field", &f.field) ||
	    !dossier_arg(r, "office", &f.office) || !dossier_arg(r, "holder", &f.holder) ||
	    !dossier_arg(r, "q", &f.q) || !dossier_date_arg(r, "received_from", &f.received_from) ||
	    !dossier_date_arg(r, "received_to", &f.received_to) || !dossier_arg(r, "late", &late) ||
	    !dossier_arg(r, "at_risk", &risk) || !dossier_arg(r, "due_before", &due))
		return;
	enum dossier_status st;
	if (f.status && !dossier_status_parse(f.status, &st)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_status", "Trạng thái không hợp lệ",
		                "Unknown status");
		return;
	}
	if ((late && strcmp(late, "true") != 0 && strcmp(late, "false") != 0) ||
	    (risk && strcmp(risk, "true") != 0 && strcmp(risk, "false") != 0)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		                "late and at_risk take true or false");
		return;
	}
	if (late)
		f.late = strcmp(late, "true") == 0;
	f.at_risk = risk && strcmp(risk, "true") == 0;
	if (due && !http_parse_int(due, 1, INT64_MAX / 2, &f.due_before)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		                "due_before takes epoch seconds");
		return;
	}
	http_reply_json(r, 200, store_dossier_list(api->st, &f, offset, limit));
}

void route_ledger_csv(struct api *api, struct http_request *r)
{
	struct strbuf sb = STRBUF_INIT;
	struct mc_error err;
	if (store_dossier_ledger_csv(api->st, http_query(r, "from"), http_query(r, "to"), &sb,
	                             &err) != MC_OK) {
		strbuf_free(&sb);
		http_reply_error(r, &err);
		return;
	}
	size_t len;
	char *text = strbuf_detach(&sb, &len);
	http_reply_text(r, 200, "text/csv; charset=utf-8", text, len);
	free(text);
}

/* The citizen's lookup. A wrong secret answers exactly as an unknown code,
 * and failures from one address are slowed down. */
void route_public_dossier(struct api *api, struct http_request *r)
{
	char key[80];
	int64_t now = clock_now();
	snprintf(key, sizeof key, "lookup:%s", r->client_ip);
	bool full;
	int wait = throttle_check(api->ip_throttle, key, now, &full);
	if (wait > 0) {
		struct mc_error err;
		if (full)
			throttle_full_error(&err, wait);
		else
			mc_failf(&err, MC_ERR_RATE_LIMITED, "too_many_attempts",
			         "Tra cứu sai nhiều lần, hãy chờ rồi thử lại",
			         "Too many failed lookups; retry in %d s", wait);
		err.retry_after = wait;
		http_reply_error(r, &err);
		return;
	}
	json_t *v = store_dossier_public(api->st, r->params[0], http_query(r, "secret"));
	if (v == NULL) {
		throttle_fail(api->ip_throttle, key, now);
		http_reply_fail(r, MC_ERR_NOT_FOUND, "dossier_not_found",
		                "Không tìm thấy hồ sơ với mã và mã tra cứu này",
		                "No dossier with this code and secret");
		return;
	}
	http_reply_json(r, 200, v);
}

/* Prints a legal form of a dossier through the spool: answers 202 at once. */
void route_dossier_print(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	const char *form = json_string_value(json_object_get(body, "form"));
	json_t *copies = json_object_get(body, "copies");
	json_t *counter = json_object_get(body, "counter");
	if (form == NULL || (copies && !json_is_integer(copies)) ||
	    (counter && (!json_is_integer(counter) || json_integer_value(counter) < 0 ||
	                 json_integer_value(counter) > 999))) {
		json_decref(body);
		http_reply_fail(
		    r, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		    "form (mau-01..mau-06) is required; copies and counter are numbers");
		return;
	}
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc =
	    printing_dossier_form(api->printing, &r->who, r->params[0], form,
	                          copies ? (int)json_integer_value(copies) : 1,
	                          counter ? (int)json_integer_value(counter) : 0, &out, &err);
	json_decref(body);
	dossier_reply(r, rc, &err, 202, out);
}
