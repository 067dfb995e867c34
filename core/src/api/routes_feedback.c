/* Citizens' feedback (PAKN): the staff list, the detail, the workflow's
 * actions, the conduct counts per official for the office head, and the
 * public list of published answers (docs/api.md "Feedback"). The store
 * applies the privacy rule (store/feedback.h); nothing here adds a field. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"
#include "domain/civil_date.h"
#include "store/feedback.h"
#include "util/clock.h"

/* Replies out with status, or the error. Takes out. */
static void feedback_reply(struct http_request *r, enum mc_err rc, const struct mc_error *err,
                           json_t *out)
{
	if (rc != MC_OK && out != NULL) {
		/* The member at fault ({"field"}) beside the error. */
		json_t *e = json_pack("{s:s, s:s, s:s}", "code", err->code, "message",
		                      err->message_vi, "message_en", err->message_en);
		json_object_update(e, out);
		json_decref(out);
		http_reply_json(r, http_status_of_error(err), json_pack("{s:o}", "error", e));
		return;
	}
	if (rc != MC_OK) {
		http_reply_error(r, err);
		return;
	}
	http_reply_json(r, 200, out);
}

/* A query argument of 1..max bytes (NULL when absent); replies 400 when
 * empty or too long. */
static bool feedback_arg(struct http_request *r, const char *key, size_t max, const char **out)
{
	*out = http_query(r, key);
	if (*out && (strlen(*out) == 0 || strlen(*out) > max)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		                "A filter value must be 1-64 bytes (q: 1-200)");
		return false;
	}
	return true;
}

/* ?page= (a whole number from 1; 1 when absent); replies 400 otherwise. */
static bool feedback_page(struct http_request *r, int *page)
{
	const char *p = http_query(r, "page");
	int64_t v = 1;
	if (p && !http_parse_int(p, 1, 100000, &v)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		                "page is a whole number from 1");
		return false;
	}
	*page = (int)v;
	return true;
}

void route_feedback_list(struct api *api, struct http_request *r)
{
	static const char *const keys[] = {"status", "class", "office", "channel", "box"};
	json_t *q = json_object();
	const char *v, *official, *late;
	int page;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (!feedback_arg(r, keys[i], 64, &v)) {
			json_decref(q);
			return;
		}
		if (v)
			json_object_set_new(q, keys[i], json_string(v));
	}
	if (!feedback_arg(r, "official", 64, &official) || !feedback_arg(r, "late", 8, &late) ||
	    !feedback_page(r, &page)) {
		json_decref(q);
		return;
	}
	int64_t uid = 0;
	if ((official && !http_parse_int(official, 1, INT64_MAX, &uid)) ||
	    (late && strcmp(late, "1") != 0 && strcmp(late, "0") != 0 &&
	     strcmp(late, "true") != 0 && strcmp(late, "false") != 0)) {
		json_decref(q);
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		                "official is a user id; late is 1 or 0");
		return;
	}
	if (official)
		json_object_set_new(q, "official", json_integer(uid));
	if (late)
		json_object_set_new(
		    q, "late", json_boolean(strcmp(late, "1") == 0 || strcmp(late, "true") == 0));
	json_object_set_new(q, "page", json_integer(page));
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = store_feedback_list(api->st, &r->who, q, clock_now(), &out, &err);
	json_decref(q);
	feedback_reply(r, rc, &err, out);
}

/* An office date YYYY-MM-DD into its midnight; replies 400 otherwise. */
static bool feedback_date(struct http_request *r, const char *key, int64_t *t)
{
	const char *s = http_query(r, key);
	if (s == NULL)
		return true;
	if (strlen(s) != 10 ||
	    civil_parse_instant(s, CLOCK_OFFICE_UTC_OFFSET, t, NULL) != CIVIL_INSTANT_OK) {
		struct mc_error err;
		mc_failf(&err, MC_ERR_INVALID, "invalid_date",
		         "Ngày lọc phải là ngày có thật, dạng YYYY-MM-DD",
		         "%s must be a real date YYYY-MM-DD", key);
		http_reply_error(r, &err);
		return false;
	}
	return true;
}

void route_feedback_conduct(struct api *api, struct http_request *r)
{
	/* Default: the last 365 days up to the end of today. */
	int64_t now = clock_now();
	int64_t day = (now + CLOCK_OFFICE_UTC_OFFSET) / 86400;
	int64_t to = (day + 1) * 86400 - CLOCK_OFFICE_UTC_OFFSET, from = to - 365 * 86400;
	bool to_given = http_query(r, "to") != NULL;
	const char *office;
	if (!feedback_date(r, "from", &from) || !feedback_date(r, "to", &to) ||
	    !feedback_arg(r, "office", 64, &office))
		return;
	if (to_given)
		to += 86400; /* to is the last day counted */
	if (to <= from) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_period",
		                "Khoảng thời gian không hợp lệ", "to is on or after from");
		return;
	}
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = store_feedback_conduct(api->st, &r->who, office, from, to, &out, &err);
	feedback_reply(r, rc, &err, out);
}

void route_feedback_get(struct api *api, struct http_request *r)
{
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc =
	    store_feedback_get(api->st, &r->who, r->params[0], clock_now(), &out, &err);
	feedback_reply(r, rc, &err, out);
}

void route_feedback_actions(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc =
	    store_feedback_action(api->st, &r->who, r->params[0], body, clock_now(), &out, &err);
	json_decref(body);
	feedback_reply(r, rc, &err, out);
}

void route_public_feedback_answers(struct api *api, struct http_request *r)
{
	const char *q, *office;
	int page;
	if (!feedback_arg(r, "q", 200, &q) || !feedback_arg(r, "office", 64, &office) ||
	    !feedback_page(r, &page))
		return;
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = store_feedback_answers(api->st, q, office, page, &out, &err);
	feedback_reply(r, rc, &err, out);
}
