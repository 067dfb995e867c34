/* Messages to citizens for staff (docs/api.md "Notifications"): the outbox
 * list and one message, resend, the templates with examples, and a test
 * message an office sends to check its configuration. The store scopes
 * every row by the message's centre (store/notify.h). */
#include <stdint.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/notify_worker.h"
#include "api/parse_notify.h"
#include "api/present_notify.h"
#include "store/notify.h"
#include "util/clock.h"

static bool notify_id(struct http_request *r, int64_t *id)
{
	if (http_parse_int(r->params[0], 1, INT64_MAX, id))
		return true;
	http_reply_fail(r, MC_ERR_INVALID, "invalid_id", "Mã tin nhắn không hợp lệ",
	                "The message id must be a positive integer");
	return false;
}

void route_notifications_list(struct api *api, struct http_request *r)
{
	static const char *const keys[] = {"state",  "trigger", "channel", "ref",
	                                   "office", "offset",  "limit"};
	json_t *q = json_object();
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = http_query(r, keys[i]);
		if (v)
			json_object_set_new(q, keys[i], json_string(v));
	}
	struct mc_error err;
	struct notify_list_query lq;
	struct notify_list list;
	enum mc_err rc = notify_list_query_parse(q, &lq, &err);
	if (rc == MC_OK)
		rc = store_notify_list(api->st, &r->who, &lq, &list, &err);
	json_decref(q);
	if (rc) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, present_notification_list(&list));
	notify_list_free(&list);
}

void route_notification_get(struct api *api, struct http_request *r)
{
	int64_t id;
	if (!notify_id(r, &id))
		return;
	struct mc_error err;
	struct notify_row row;
	if (store_notify_get(api->st, &r->who, id, &row, &err)) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:o}", "notification", present_notification(&row)));
	notify_row_clear(&row);
}

void route_notification_resend(struct api *api, struct http_request *r)
{
	int64_t id;
	if (!notify_id(r, &id))
		return;
	struct mc_error err;
	struct notify_row row;
	if (store_notify_resend(api->st, &r->who, id, clock_now(), &row, &err)) {
		http_reply_error(r, &err);
		return;
	}
	notify_worker_wake(api->notify);
	http_reply_json(r, 201, json_pack("{s:o}", "notification", present_notification(&row)));
	notify_row_clear(&row);
}

void route_notification_templates(struct api *api, struct http_request *r)
{
	struct mc_error err;
	struct notify_templates t;
	if (store_notify_templates(api->st, &r->who, &t, &err)) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, present_notify_templates(&t));
	notify_templates_clear(&t);
}

void route_notification_test(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		if (strcmp(key, "channel") != 0 && strcmp(key, "to") != 0) {
			json_decref(body);
			http_reply_fail(r, MC_ERR_INVALID, "unknown_field",
			                "Trường không được hỗ trợ",
			                "The body has only channel and to");
			return;
		}
	}
	const char *channel = json_string_value(json_object_get(body, "channel"));
	const char *to = json_string_value(json_object_get(body, "to"));
	struct mc_error err;
	struct notify_row row;
	if (channel == NULL || to == NULL || strlen(to) > 254) {
		json_decref(body);
		http_reply_fail(r, MC_ERR_INVALID, "invalid_field", "Cần kênh gửi và người nhận",
		                "channel and to are required strings");
		return;
	}
	enum mc_err rc = store_notify_test(api->st, &r->who, channel, to, clock_now(), &row, &err);
	json_decref(body);
	if (rc) {
		http_reply_error(r, &err);
		return;
	}
	notify_worker_wake(api->notify);
	http_reply_json(r, 201, json_pack("{s:o}", "notification", present_notification(&row)));
	notify_row_clear(&row);
}
