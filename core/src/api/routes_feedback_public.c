/* Citizens' feedback (PAKN): filing one (the public page, a kiosk, staff
 * typing in a call, a letter, the box or a visit), the sender's own view
 * with the code and secret, the sender's reply to a request for information
 * and reaction to the answer, and an attachment for the staff who may see it
 * (docs/api.md "Feedback"). The store applies the privacy rule
 * (store/feedback.h); nothing here adds a field, and nothing here logs a
 * body or a secret.
 *
 * Spam (staff entries are never limited): one client address may file
 * API_FEEDBACK_PER_WINDOW feedbacks per API_FEEDBACK_WINDOW_S through the
 * page, one kiosk device API_FEEDBACK_KIOSK_PER_WINDOW whatever its address
 * (api->feedback_rate, its own lock), and the page and the kiosks together
 * the setting's per_minute across the province (api->feedback_public_rate;
 * store_feedback_public_limits); a refused filing counts against none of
 * them. A look-up or a sender's change with a wrong code or secret, and a
 * filing whose dossier code or secret is wrong, count as a failed look-up
 * of the address (api->ip_throttle, the key of the dossier look-up), and a
 * throttled address is refused before any secret is tested. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "api/api_internal.h"
#include "api/ratelimit.h"
#include "api/throttle.h"
#include "api/parse_feedback.h"
#include "api/present_feedback.h"
#include "store/feedback.h"
#include "util/clock.h"

/* Replies status with out (taken), or the error (with its field and
 * Retry-After). */
static void fb_reply(struct http_request *r, enum mc_err rc, const struct mc_error *err, int status,
                     json_t *out)
{
	if (rc != MC_OK)
		http_reply_error(r, err);
	else
		http_reply_json(r, status, out);
}

/* Answers r 429 code with Retry-After wait. */
static void fb_too_many(struct http_request *r, const char *code, const char *vi, const char *en,
                        int wait)
{
	struct mc_error err;
	mc_failf(&err, MC_ERR_RATE_LIMITED, code, vi, "%s; retry in %d s", en, wait);
	err.retry_after = wait;
	http_reply_error(r, &err);
}

static bool fb_lookup_ok(struct api *api, struct http_request *r, char *key, size_t keylen);

/* Files a feedback for who (NULL: the public page; a kiosk device; staff)
 * from r's body. */
static void fb_file(struct api *api, struct http_request *r, const struct principal *who)
{
	bool limited = who == NULL || who->user_id == 0;
	bool kiosk = who != NULL && who->user_id == 0;
	char key[96];
	if (kiosk)
		snprintf(key, sizeof key, "feedback-kiosk:%s", who->actor);
	else
		snprintf(key, sizeof key, "feedback:%s", r->client_ip);
	if (limited) {
		int64_t mono = clock_mono_ms() / 1000;
		int wait = ratelimit_take_limit(api->feedback_rate, key, mono,
		                                kiosk ? API_FEEDBACK_KIOSK_PER_WINDOW
		                                      : API_FEEDBACK_PER_WINDOW);
		if (wait > 0) {
			fb_too_many(
			    r, "too_many_feedback",
			    "Đã gửi nhiều phản ánh, kiến nghị trong thời gian ngắn, vui lòng "
			    "thử lại sau",
			    "Too many feedbacks from here", wait);
			return;
		}
		struct feedback_public_limits pl;
		store_feedback_public_limits(api->st, &pl);
		wait = ratelimit_take_limit(api->feedback_public_rate, "province", mono,
		                            pl.per_minute);
		if (wait > 0) {
			ratelimit_give_back(api->feedback_rate, key);
			fb_too_many(
			    r, "feedback_busy",
			    "Hệ thống đang nhận rất nhiều phản ánh, kiến nghị, vui lòng thử "
			    "lại sau ít phút",
			    "The province is taking too many feedbacks", wait);
			return;
		}
	}
	json_t *body = http_body_object(r);
	/* A filing naming a dossier tests its secret: only from an address
	 * the look-up throttle lets try. */
	char lookup[80];
	bool linked = limited && body && json_is_string(json_object_get(body, "dossier_code"));
	struct mc_error err;
	enum mc_err rc = MC_ERR_INVALID;
	if (body && (!linked || fb_lookup_ok(api, r, lookup, sizeof lookup))) {
		struct feedback_create_cmd cmd;
		struct feedback_created made;
		rc = feedback_parse_create(who, body, &cmd, &err);
		if (rc == MC_OK)
			rc = store_feedback_create(api->st, who, &cmd, clock_now(), &made, &err);
		feedback_create_cmd_clear(&cmd);
		if (linked && rc == MC_ERR_NOT_FOUND && strcmp(err.code, "dossier_not_found") == 0)
			throttle_fail(api->ip_throttle, lookup, clock_now());
		fb_reply(r, rc, &err, 201, rc ? NULL : present_feedback_created(&made));
	}
	json_decref(body);
	/* Only a feedback filed counts: a form sent back for a missing field
	 * does not use up the sender's filings, nor the province's. */
	if (rc != MC_OK && limited) {
		ratelimit_give_back(api->feedback_rate, key);
		ratelimit_give_back(api->feedback_public_rate, "province");
	}
}

void route_public_feedback_create(struct api *api, struct http_request *r)
{
	/* A kiosk files as itself (channel kiosk); anyone else, even a
	 * logged-in official's browser, files as the public page. */
	fb_file(api, r, r->authed && r->who.role == ROLE_KIOSK ? &r->who : NULL);
}

void route_feedback_create(struct api *api, struct http_request *r)
{
	fb_file(api, r, &r->who);
}

/* The look-up throttle of r's address: false (answered 429) while it waits. */
static bool fb_lookup_ok(struct api *api, struct http_request *r, char *key, size_t keylen)
{
	return api_address_throttle_ok(api, r, "lookup", key, keylen,
	                               "Tra cứu sai nhiều lần, hãy chờ rồi thử lại",
	                               "Too many failed lookups");
}

/* Counts a wrong code or secret against the address. */
static void fb_lookup_done(struct api *api, const char *key, enum mc_err rc,
                           const struct mc_error *err)
{
	if (rc == MC_ERR_NOT_FOUND && strcmp(err->code, "feedback_not_found") == 0)
		throttle_fail(api->ip_throttle, key, clock_now());
}

void route_public_feedback_get(struct api *api, struct http_request *r)
{
	char key[80];
	if (!fb_lookup_ok(api, r, key, sizeof key))
		return;
	struct mc_error err;
	struct feedback_public_view v;
	enum mc_err rc =
	    store_feedback_public(api->st, r->params[0], http_query(r, "secret"), &v, &err);
	fb_lookup_done(api, key, rc, &err);
	fb_reply(r, rc, &err, 200, rc ? NULL : present_feedback_public(&v));
	feedback_public_view_clear(&v);
}

/* The sender's change (reply or reaction) with the body's secret. */
static void fb_sender_change(struct api *api, struct http_request *r, bool reply)
{
	char key[80];
	if (!fb_lookup_ok(api, r, key, sizeof key))
		return;
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	struct mc_error err;
	struct feedback_public_view v = {0};
	const char *secret = NULL, *reaction = NULL;
	char *text = NULL;
	enum mc_err rc = reply ? feedback_parse_reply(body, &secret, &text, &err)
	                       : feedback_parse_react(body, &secret, &reaction, &err);
	if (rc == MC_OK && reply)
		rc = store_feedback_reply(api->st, r->params[0], secret, text, clock_now(), &v,
		                          &err);
	else if (rc == MC_OK)
		rc = store_feedback_react(api->st, r->params[0], secret, reaction, clock_now(), &v,
		                          &err);
	free(text);
	json_decref(body);
	fb_lookup_done(api, key, rc, &err);
	fb_reply(r, rc, &err, 200, rc ? NULL : present_feedback_public(&v));
	feedback_public_view_clear(&v);
}

void route_public_feedback_reply(struct api *api, struct http_request *r)
{
	fb_sender_change(api, r, true);
}

void route_public_feedback_reaction(struct api *api, struct http_request *r)
{
	fb_sender_change(api, r, false);
}

void route_feedback_file(struct api *api, struct http_request *r)
{
	int64_t n;
	struct mc_error err;
	if (!http_parse_int(r->params[1], 1, FEEDBACK_MAX_FILES, &n)) {
		http_reply_fail(r, MC_ERR_NOT_FOUND, "file_not_found", "Không có tệp đính kèm này",
		                "No such attachment");
		return;
	}
	void *data = NULL;
	size_t size = 0;
	char mime[32], name[201];
	if (store_feedback_file(api->st, &r->who, r->params[0], (int)n, &data, &size, mime, name,
	                        &err) != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(size, data, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(data);
		http_reply_fail(r, MC_ERR_INTERNAL, "internal", "Lỗi máy chủ", "Server error");
		return;
	}
	/* The name the sender gave is theirs: only its safe ASCII goes into
	 * the header (the type was checked by the file's first bytes). */
	const char *ext = strcmp(mime, "application/pdf") == 0 ? "pdf"
	                  : strcmp(mime, "image/png") == 0     ? "png"
	                                                       : "jpg";
	char disposition[128];
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%d.%s\"", r->params[0],
	         (int)n, ext);
	for (char *p = disposition + 22; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '"'))
			*p = '_';
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, mime);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
	r->status = MHD_HTTP_OK;
	r->prepared = resp;
}
