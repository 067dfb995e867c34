/* Citizens' ratings and the public transparency figures: the counter hands
 * out a one-time rating link (for a dossier or a queue visit), the citizen
 * rates anonymously through it, and anyone may read the on-time figures and
 * the late dossiers (codes only). */
#include <stdio.h>

#include "api/api_internal.h"
#include "api/throttle.h"
#include "store/rating.h"
#include "store/transparency.h"
#include "util/clock.h"

static void rating_reply(struct http_request *r, enum mc_err rc, const struct mc_error *err,
                         int status, json_t *out)
{
	if (rc != MC_OK)
		http_reply_error(r, err);
	else
		http_reply_json(r, status, out);
}

void route_dossier_rating_link(struct api *api, struct http_request *r)
{
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = store_rating_link(api->st, &r->who, "dossier", r->params[0], &out, &err);
	rating_reply(r, rc, &err, 201, out);
}

void route_ticket_rating_link(struct api *api, struct http_request *r)
{
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = store_rating_link(api->st, &r->who, "ticket", r->params[0], &out, &err);
	rating_reply(r, rc, &err, 201, out);
}

/* Wrong tokens from one address are slowed down like failed dossier
 * lookups; the address is only a key of the in-memory throttle, never
 * stored. Returns false (and replies 429) while it must wait. */
static bool rating_throttle_ok(struct api *api, struct http_request *r, char *key, size_t len)
{
	snprintf(key, len, "rate:%s", r->client_ip);
	bool full;
	int wait = throttle_check(api->ip_throttle, key, clock_now(), &full);
	if (wait <= 0)
		return true;
	struct mc_error err;
	if (full)
		throttle_full_error(&err, wait);
	else
		mc_failf(&err, MC_ERR_RATE_LIMITED, "too_many_attempts",
		         "Nhập sai nhiều lần, hãy chờ rồi thử lại",
		         "Too many wrong links; retry in %d s", wait);
	err.retry_after = wait;
	http_reply_error(r, &err);
	return false;
}

static void rating_note_failure(struct api *api, const char *key, const struct mc_error *err)
{
	if (err->kind == MC_ERR_NOT_FOUND)
		throttle_fail(api->ip_throttle, key, clock_now());
}

void route_public_rating_get(struct api *api, struct http_request *r)
{
	char key[96];
	if (!rating_throttle_ok(api, r, key, sizeof key))
		return;
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = store_rating_link_info(api->st, r->params[0], &out, &err);
	if (rc)
		rating_note_failure(api, key, &err);
	rating_reply(r, rc, &err, 200, out);
}

void route_public_rating_create(struct api *api, struct http_request *r)
{
	char key[96];
	if (!rating_throttle_ok(api, r, key, sizeof key))
		return;
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = store_rating_submit(api->st, body, &out, &err);
	json_decref(body);
	if (rc)
		rating_note_failure(api, key, &err);
	rating_reply(r, rc, &err, 201, out);
}

void route_public_transparency(struct api *api, struct http_request *r)
{
	struct mc_error err;
	json_t *out = NULL;
	/* office=<centre code>: that centre's page (store/transparency.h). */
	if (store_transparency(api->st, clock_now(), http_query(r, "office"), &out, &err) !=
	    MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, out);
}
