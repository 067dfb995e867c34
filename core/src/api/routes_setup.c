/* Set-up: import a bundle, and list/create/update service groups, counters,
 * staff and devices. Every change goes through setup_import (api/setup_import.h). */
#include <string.h>

#include "api/api_internal.h"
#include "api/bus.h"
#include "api/present_setup.h"
#include "api/setup_import.h"
#include "store/setup.h"

static void setup_apply(struct api *api, struct http_request *r, json_t *bundle, int status)
{
	struct mc_error err;
	json_t *report = NULL;
	if (setup_import(api->st, &r->who, bundle, &report, &err) != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	/* A device or account may have been retired or changed role: its open
	 * event streams check their token again and end if it no longer holds. */
	if (json_object_get(bundle, "users") || json_object_get(bundle, "devices"))
		bus_recheck(api->bus);
	http_reply_json(r, status, report);
}

void route_import(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	setup_apply(api, r, body, 200);
	json_decref(body);
}

/* POST creates (201) and PATCH /{key} updates (200) one item: the body is one
 * item of the bundle's list `list`, keyed by `key` (taken from the path for
 * PATCH, where it must be absent from the body or agree). */
static void setup_put_one(struct api *api, struct http_request *r, const char *list,
                          const char *key, bool key_is_int)
{
	json_t *item = http_body_object(r);
	if (item == NULL)
		return;
	bool patch = strcmp(r->method, "PATCH") == 0;
	if (patch) {
		json_t *k;
		if (key_is_int) {
			int64_t n;
			if (!http_parse_int(r->params[0], 1, 999, &n)) {
				http_reply_fail(r, MC_ERR_INVALID, "invalid_key",
				                "Mã trong địa chỉ không hợp lệ",
				                "The key in the path is not valid");
				json_decref(item);
				return;
			}
			k = json_integer(n);
		} else {
			k = json_string(r->params[0]);
		}
		json_t *given = json_object_get(item, key);
		if (given && !json_equal(given, k)) {
			http_reply_fail(r, MC_ERR_INVALID, "key_mismatch",
			                "Mã trong nội dung khác mã trong địa chỉ",
			                "The key in the body differs from the path");
			json_decref(k);
			json_decref(item);
			return;
		}
		json_object_set_new(item, key, k);
		json_object_set_new(item, "_must_exist", json_true());
	}
	json_t *bundle = json_pack("{s:[O]}", list, item);
	json_decref(item);
	setup_apply(api, r, bundle, patch ? 200 : 201);
	json_decref(bundle);
}

/* One page of a set-up list as the caller sees it; ?office=<code> keeps
 * that office's subtree (404 office_not_found outside the caller's scope). */
static void setup_list(struct api *api, struct http_request *r, enum setup_list which)
{
	int offset, limit;
	const char *office = http_query(r, "office");
	if (!http_page(r, &offset, &limit))
		return;
	if (office && (office[0] == '\0' || strlen(office) > 64)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		                "office is an office code of 1-64 bytes");
		return;
	}
	struct mc_error err;
	json_t *page = NULL;
	/* A public list has no principal: it shows the same to everyone. */
	const struct principal *who = which == SETUP_PUBLIC_OFFICES ? NULL : &r->who;
	if (setup_list_json(api->st, which, who, office, offset, limit, &page, &err) != MC_OK)
		http_reply_error(r, &err);
	else
		http_reply_json(r, 200, page);
}

void route_groups_list(struct api *api, struct http_request *r)
{
	setup_list(api, r, SETUP_SERVICE_GROUPS);
}

void route_groups_put(struct api *api, struct http_request *r)
{
	setup_put_one(api, r, "service_groups", "code", false);
}

void route_counters_list(struct api *api, struct http_request *r)
{
	setup_list(api, r, SETUP_COUNTERS);
}

void route_counters_put(struct api *api, struct http_request *r)
{
	setup_put_one(api, r, "counters", "no", true);
}

void route_users_list(struct api *api, struct http_request *r)
{
	setup_list(api, r, SETUP_USERS);
}

void route_users_put(struct api *api, struct http_request *r)
{
	setup_put_one(api, r, "users", "username", false);
}

void route_devices_list(struct api *api, struct http_request *r)
{
	setup_list(api, r, SETUP_DEVICES);
}

void route_devices_put(struct api *api, struct http_request *r)
{
	setup_put_one(api, r, "devices", "name", false);
}

void route_procedures_list(struct api *api, struct http_request *r)
{
	int offset, limit;
	const char *q = http_query(r, "q"), *field = http_query(r, "field");
	if (!http_page(r, &offset, &limit))
		return;
	if ((q && strlen(q) > 200) || (field && strlen(field) > 200)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		                "q and field are at most 200 bytes");
		return;
	}
	struct mc_error err;
	json_t *page = NULL;
	/* ?code= (exact) with ?version=: that one version, current or not, as
	 * the dossiers received under it keep it (a counter's own forms). */
	const char *code = http_query(r, "code"), *sv = http_query(r, "version");
	int64_t version = 0;
	if ((code && strlen(code) > 200) || (sv && !http_parse_int(sv, 1, 1000000, &version))) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		                "code is at most 200 bytes, version a whole number from 1");
		return;
	}
	if (code) {
		json_t *one = NULL;
		enum mc_err rc = procedure_version_json(api->st, code, (int)version, &one, &err);
		if (rc && rc != MC_ERR_NOT_FOUND) {
			http_reply_error(r, &err);
			return;
		}
		json_t *items = json_array();
		if (one && offset == 0)
			json_array_append_new(items, one);
		else
			json_decref(one);
		http_reply_json(r, 200,
		                json_pack("{s:o, s:i, s:i, s:i}", "items", items, "total",
		                          rc ? 0 : 1, "offset", offset, "limit", limit));
		return;
	}
	if (procedures_list_json(api->st, q, field, offset, limit, &page, &err) != MC_OK)
		http_reply_error(r, &err);
	else
		http_reply_json(r, 200, page);
}

void route_offices_list(struct api *api, struct http_request *r)
{
	setup_list(api, r, SETUP_OFFICES);
}

void route_public_offices(struct api *api, struct http_request *r)
{
	setup_list(api, r, SETUP_PUBLIC_OFFICES);
}

void route_printers_put(struct api *api, struct http_request *r)
{
	setup_put_one(api, r, "printers", "name", false);
}

/* A procedure is replaced whole (a changed one becomes a new version), so
 * there is no PATCH: POST the whole item again. */
void route_procedures_put(struct api *api, struct http_request *r)
{
	setup_put_one(api, r, "procedures", "code", false);
}

void route_offices_put(struct api *api, struct http_request *r)
{
	setup_put_one(api, r, "offices", "code", false);
}
