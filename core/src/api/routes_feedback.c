/* Citizens' feedback (PAKN): the staff list, the detail, the workflow's
 * actions, the conduct counts per official for the office head, and the
 * public list of published answers (docs/api.md "Feedback"). The store
 * applies the privacy rule (store/feedback.h); the views
 * (api/present_feedback.c) add no field. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"
#include "domain/civil_date.h"
#include "api/parse_feedback.h"
#include "api/present_feedback.h"
#include "store/feedback.h"
#include "util/clock.h"

/* Replies 200 with out (taken), or the error (with its field). */
static void feedback_reply(struct http_request *r, enum mc_err rc, const struct mc_error *err,
                           json_t *out)
{
	if (rc != MC_OK)
		http_reply_error(r, err);
	else
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
	struct feedback_list_query q = {0};
	const char **slots[] = {&q.status, &q.class, &q.office, &q.channel, &q.box};
	static const char *const keys[] = {"status", "class", "office", "channel", "box"};
	const char *official, *late;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!feedback_arg(r, keys[i], 64, slots[i]))
			return;
	if (!feedback_arg(r, "official", 64, &official) || !feedback_arg(r, "late", 8, &late) ||
	    !feedback_page(r, &q.page))
		return;
	if ((official && !http_parse_int(official, 1, INT64_MAX, &q.official)) ||
	    (late && strcmp(late, "1") != 0 && strcmp(late, "0") != 0 &&
	     strcmp(late, "true") != 0 && strcmp(late, "false") != 0)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		                "official is a user id; late is 1 or 0");
		return;
	}
	q.late = late && (strcmp(late, "1") == 0 || strcmp(late, "true") == 0);
	struct mc_error err;
	struct feedback_list l;
	enum mc_err rc = store_feedback_list(api->st, &r->who, &q, clock_now(), &l, &err);
	feedback_reply(r, rc, &err, rc ? NULL : present_feedback_list(&l));
	feedback_list_clear(&l);
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
	struct feedback_conduct c;
	enum mc_err rc = store_feedback_conduct(api->st, &r->who, office, from, to, &c, &err);
	feedback_reply(r, rc, &err, rc ? NULL : present_feedback_conduct(&c));
	feedback_conduct_clear(&c);
}

void route_feedback_get(struct api *api, struct http_request *r)
{
	struct mc_error err;
	struct feedback_detail d;
	enum mc_err rc = store_feedback_get(api->st, &r->who, r->params[0], clock_now(), &d, &err);
	feedback_reply(r, rc, &err, rc ? NULL : present_feedback_detail(&d));
	feedback_detail_clear(&d);
}

void route_feedback_actions(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	struct mc_error err;
	struct feedback_action_cmd cmd;
	struct feedback_detail d = {0};
	enum mc_err rc = feedback_parse_action(body, &cmd, &err);
	if (rc == MC_OK)
		rc = store_feedback_action(api->st, &r->who, r->params[0], &cmd, clock_now(), &d,
		                           &err);
	json_decref(body);
	feedback_reply(r, rc, &err, rc ? NULL : present_feedback_detail(&d));
	feedback_detail_clear(&d);
}

void route_public_feedback_answers(struct api *api, struct http_request *r)
{
	const char *q, *office;
	int page;
	if (!feedback_arg(r, "q", 200, &q) || !feedback_arg(r, "office", 64, &office) ||
	    !feedback_page(r, &page))
		return;
	struct mc_error err;
	struct feedback_answers a;
	enum mc_err rc = store_feedback_answers(api->st, q, office, page, &a, &err);
	feedback_reply(r, rc, &err, rc ? NULL : present_feedback_answers(&a));
	feedback_answers_clear(&a);
}
