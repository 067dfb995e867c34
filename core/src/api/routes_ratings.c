/* Citizens' ratings and the public transparency figures: the counter hands
 * out a one-time rating link (for a dossier or a queue visit), the citizen
 * rates anonymously through it, and anyone may read the on-time figures and
 * the late dossiers (codes only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/offload.h"
#include "api/parse_rating.h"
#include "api/present_rating.h"
#include "api/present_transparency.h"
#include "api/printing.h"
#include "api/throttle.h"
#include "store/rating.h"
#include "store/transparency.h"
#include "util/clock.h"
#include "util/xmalloc.h"

static void rating_reply(struct http_request *r, enum mc_err rc, const struct mc_error *err,
                         int status, json_t *out)
{
	if (rc != MC_OK)
		http_reply_error(r, err);
	else
		http_reply_json(r, status, out);
}

/* POST …/rating-link: a one-time link for kind's subject r->params[0]. */
static void rating_link_route(struct api *api, struct http_request *r, const char *kind)
{
	struct mc_error err;
	struct rating_link link;
	if (store_rating_link(api->st, &r->who, kind, r->params[0], &link, &err) != MC_OK)
		http_reply_error(r, &err);
	else
		http_reply_json(r, 201, present_rating_link(&link));
}

void route_dossier_rating_link(struct api *api, struct http_request *r)
{
	rating_link_route(api, r, "dossier");
}

void route_ticket_rating_link(struct api *api, struct http_request *r)
{
	rating_link_route(api, r, "ticket");
}

/* A rating slip's request, copied off the connection for the pool. */
struct rating_slip_job {
	const char *kind; /* "dossier" or "ticket" (static) */
	char *ref;        /* the dossier's code or the ticket's id (owned) */
	int counter;      /* 0: the centre's default printer */
};

static void rating_slip_job_free(void *arg)
{
	struct rating_slip_job *j = arg;
	free(j->ref);
	free(j);
}

/* On a pool thread (api->cpu_pool): the slip's render, then the link and
 * its print job in one transaction (printing_rating_slip). */
static void rating_slip_run(struct api *api, struct http_request *r, void *arg)
{
	struct rating_slip_job *j = arg;
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc =
	    printing_rating_slip(api->printing, &r->who, j->kind, j->ref, j->counter, &out, &err);
	rating_reply(r, rc, &err, 201, out);
}

/* POST …/rating-slip: body {"counter":N} (optional, 1-999; none or an empty
 * body: the centre's default printer). Checks the input on the HTTP worker,
 * then hands the render and the saving to the pool. */
static void rating_slip_route(struct api *api, struct http_request *r, const char *kind)
{
	int counter = 0;
	if (r->body.len > 0) {
		json_t *body = http_body_object(r);
		if (body == NULL)
			return;
		json_t *c = json_object_get(body, "counter");
		bool ok = c == NULL || json_is_null(c) ||
		          (json_is_integer(c) && json_integer_value(c) >= 0 &&
		           json_integer_value(c) <= 999);
		const char *key;
		json_t *v;
		json_object_foreach(body, key, v) ok = ok && strcmp(key, "counter") == 0;
		if (ok && json_is_integer(c))
			counter = (int)json_integer_value(c);
		json_decref(body);
		if (!ok) {
			http_reply_fail(r, MC_ERR_INVALID, "invalid_field", "Số quầy không hợp lệ",
			                "The body is {\"counter\": N} with N a counter number "
			                "(0-999), or empty");
			return;
		}
	}
	struct rating_slip_job *j = xcalloc(1, sizeof *j);
	j->kind = kind;
	j->ref = xstrdup(r->params[0]);
	j->counter = counter;
	offload_request(api->cpu_pool, r, rating_slip_run, j, rating_slip_job_free);
}

void route_dossier_rating_slip(struct api *api, struct http_request *r)
{
	rating_slip_route(api, r, "dossier");
}

void route_ticket_rating_slip(struct api *api, struct http_request *r)
{
	rating_slip_route(api, r, "ticket");
}

/* Wrong tokens from one address are slowed down like failed dossier
 * lookups; the address is only a key of the in-memory throttle, never
 * stored. Returns false (and replies 429) while it must wait. */
static bool rating_throttle_ok(struct api *api, struct http_request *r, char *key, size_t len)
{
	return api_address_throttle_ok(api, r, "rate", key, len,
	                               "Nhập sai nhiều lần, hãy chờ rồi thử lại",
	                               "Too many wrong links");
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
	struct rating_link_info info;
	if (store_rating_link_info(api->st, r->params[0], &info, &err) != MC_OK) {
		rating_note_failure(api, key, &err);
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, present_rating_link_info(&info));
	rating_link_info_clear(&info);
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
	struct rating_submit_cmd cmd;
	enum rating_level level = RATING_SATISFIED;
	enum mc_err rc = rating_submit_parse(body, &cmd, &err);
	json_decref(body);
	if (rc == MC_OK) {
		rc = store_rating_submit(api->st, &cmd, &err);
		level = cmd.level;
		rating_submit_cmd_clear(&cmd);
	}
	if (rc) {
		rating_note_failure(api, key, &err);
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 201, present_rating_recorded(level));
}

void route_public_transparency(struct api *api, struct http_request *r)
{
	struct mc_error err;
	struct transparency t;
	/* office=<centre code>: that centre's page (store/transparency.h). */
	if (store_transparency(api->st, clock_now(), http_query(r, "office"), &t, &err) != MC_OK) {
		transparency_free(&t);
		http_reply_error(r, &err);
		return;
	}
	json_t *out = present_transparency(&t);
	transparency_free(&t);
	http_reply_json(r, 200, out);
}
