/* The Zalo channel: a ZNS template message (docs/notifications.md "Zalo").
 *
 *   POST url   header access_token: A
 *     {"phone":"84…","template_id":T,"template_data":{…},"tracking_id":"ROW"}
 *   → {"error":0,"message":"Success","data":{"msg_id":"…"}}
 *
 * The template is the zalo configuration's templates.<trigger> (none: the
 * message is refused for good). The access token lives about 25 hours; an
 * answer -124 or -216 (expired or invalid) refreshes it:
 *
 *   POST token_url   header secret_key: S   (form)
 *     app_id=…&grant_type=refresh_token&refresh_token=R
 *   → {"access_token","refresh_token","expires_in"}
 *
 * Zalo gives a NEW refresh token at every refresh and the old one stops
 * working, so both are stored (store_notify_token_put, its own
 * transaction) before the new access token is used; then the message is
 * sent once more. Without an access token stored, the refresh comes first. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/notify_adapter.h"
#include "api/notify_curl.h"
#include "store/notify.h"
#include "util/clock.h"
#include "util/enforce.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* Serialises the token's read, refresh and store: one refresh at a time
 * (the worker's one Zalo thread in practice; a second sender would
 * otherwise spend a refresh token the first just replaced). */
static pthread_mutex_t token_lock = PTHREAD_MUTEX_INITIALIZER;

/* ZNS answers that are refusals for good (the recipient or the template):
 * phone invalid, template id invalid, Zalo version unsupported, template
 * data empty or invalid, Zalo account not existing or not able to receive.
 * Every other non-zero error is tried again (unknown error, out of quota,
 * rate limits, the night-time block). */
static bool zns_permanent(long long e)
{
	static const long long codes[] = {-108, -109, -110, -111, -112, -118, -119};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (codes[i] == e)
			return true;
	return false;
}

static bool zns_token_error(long long e)
{
	return e == -124 || e == -216;
}

/* One POST of body to url with the headers every Zalo call sends: type
 * (the Content-Type line), Accept JSON, no Expect, and credential (the
 * "secret_key: …" or "access_token: …" line). The answer into *a, *status
 * the HTTP status. CURLE_OK or libcurl's failure (errbuf). */
static CURLcode post(const char *url, const char *type, const char *credential, const char *body,
                     int timeout_s, struct notify_answer *a, long *status, char *errbuf)
{
	*status = 0;
	CURL *h = notify_curl_new(timeout_s, a, errbuf);
	if (h == NULL)
		return CURLE_FAILED_INIT;
	struct curl_slist *hdr = NULL;
	hdr = curl_slist_append(hdr, type);
	hdr = curl_slist_append(hdr, "Accept: application/json");
	hdr = curl_slist_append(hdr, "Expect:");
	hdr = curl_slist_append(hdr, credential);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	CURLcode code = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	return code;
}

/* Whether s may go in a header value as it is (no CR, LF or NUL; some). */
static bool header_safe(const char *s)
{
	return s != NULL && *s && strpbrk(s, "\r\n") == NULL && strlen(s) < 2000;
}

/* Whether a token from Zalo may be stored and sent in a header: printable
 * ASCII without spaces, 1..2000 bytes. */
static bool token_well_formed(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n >= 2000)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7F)
			return false;
	return true;
}

/* r->answer = a redacted summary of the token endpoint's answer ans (len
 * bytes read; NULL when not JSON): the HTTP status, Zalo's error code and
 * message, and which token fields were present — never their values. */
static void token_summary(struct notify_result *r, long status, const json_t *ans, size_t len)
{
	static const char *const fields[] = {"access_token", "refresh_token", "expires_in"};
	char present[80] = "";
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		json_t *f = json_object_get(ans, fields[i]);
		if (f == NULL)
			continue;
		bool empty = json_is_string(f) && json_string_length(f) == 0;
		size_t at = strlen(present);
		snprintf(present + at, sizeof present - at, "%s%s%s", at ? ", " : "", fields[i],
		         empty ? " (empty)" : "");
	}
	json_t *e = json_object_get(ans, "error");
	char code[32] = "none";
	if (json_is_integer(e))
		snprintf(code, sizeof code, "%lld", (long long)json_integer_value(e));
	else if (e != NULL)
		snprintf(code, sizeof code, "not a number");
	const char *msg = notify_cfg_str(ans, "error_name");
	if (msg == NULL)
		msg = notify_cfg_str(ans, "message");
	char shown[200];
	notify_clean_text(shown, sizeof shown, msg ? msg : "", msg ? strlen(msg) : 0, true);
	snprintf(r->answer, sizeof r->answer,
	         "token: HTTP %ld\n(the token endpoint's answer is not kept: %zu bytes, %s; "
	         "Zalo error %s%s%s; fields present: %s)",
	         status, len, ans ? "JSON" : "not JSON", code, shown[0] ? ", " : "", shown,
	         present[0] ? present : "none");
}

/* Refreshes the tokens with refresh (the one stored): on success stores
 * both new tokens and copies the access token into access (2048 bytes).
 * Returns NOTIFY_SENT when refreshed, else NOTIFY_RETRY with r->error and
 * r->answer saying why. Caller holds token_lock. */
static enum notify_outcome refresh_tokens(struct store *st, const json_t *cfg, const char *refresh,
                                          char *access, int timeout_s, struct notify_result *r)
{
	const char *token_url = notify_cfg_url(cfg, "token_url", true);
	const char *app_id = notify_cfg_str(cfg, "app_id");
	const char *secret = notify_cfg_str(cfg, "secret_key");
	if (token_url == NULL || app_id == NULL || !header_safe(secret)) {
		notify_set_error(r, "not_configured: zalo needs token_url, app_id and secret_key "
		                    "to refresh its access token");
		return NOTIFY_RETRY;
	}
	if (refresh == NULL || !*refresh) {
		notify_set_error(r, "token_refresh: no refresh token stored nor configured");
		return NOTIFY_RETRY;
	}
	notify_curl_global();
	char *e_app = curl_easy_escape(NULL, app_id, 0);
	char *e_rt = curl_easy_escape(NULL, refresh, 0);
	char *form = NULL;
	if (e_app != NULL && e_rt != NULL) {
		size_t n = strlen(e_app) + strlen(e_rt) + 64;
		form = xmalloc(n);
		snprintf(form, n, "app_id=%s&grant_type=refresh_token&refresh_token=%s", e_app,
		         e_rt);
	}
	curl_free(e_app);
	curl_free(e_rt);
	if (form == NULL) {
		notify_set_error(r, "token_refresh: out of memory");
		return NOTIFY_RETRY;
	}
	char sk[2100];
	snprintf(sk, sizeof sk, "secret_key: %s", secret);
	struct notify_answer a = {0};
	char errbuf[CURL_ERROR_SIZE];
	long status = 0;
	CURLcode code = post(token_url, "Content-Type: application/x-www-form-urlencoded", sk, form,
	                     timeout_s, &a, &status, errbuf);
	free(form);
	enum notify_outcome out = NOTIFY_RETRY;
	if (code != CURLE_OK) {
		notify_transport_failed(r, code, errbuf, timeout_s);
		char why[sizeof r->error];
		snprintf(why, sizeof why, "%s", r->error);
		notify_set_error(r, "token_refresh: %s", why);
		goto done;
	}
	json_error_t jerr;
	json_t *ans = a.len ? json_loadb(a.data, a.len, 0, &jerr) : NULL;
	json_t *at = json_object_get(ans, "access_token");
	json_t *rt = json_object_get(ans, "refresh_token");
	/* The token endpoint's body is never kept: it carries the tokens,
	 * and the kept answer is shown to supervisors. */
	token_summary(r, status, ans, a.len);
	/* A new refresh token Zalo gave has spent the old one: it is stored
	 * whatever else the answer says (an unusable access token, a 5xx). */
	bool rt_ok = json_is_string(rt) && token_well_formed(json_string_value(rt));
	if (rt_ok && strcmp(json_string_value(rt), refresh) != 0) {
		struct mc_error e2 = {0};
		bool at_ok = json_is_string(at) && token_well_formed(json_string_value(at));
		if (!(status >= 200 && status <= 299 && at_ok) &&
		    store_notify_token_put(st, "zalo", "", json_string_value(rt), 0, &e2) != MC_OK)
			log_error("notify zalo: the new refresh token could not be stored: %s",
			          e2.code);
	}
	if (status < 200 || status > 299 || !json_is_string(at) || !rt_ok ||
	    !token_well_formed(json_string_value(at))) {
		const char *why = notify_cfg_str(ans, "error_reason");
		if (why == NULL)
			why = notify_cfg_str(ans, "error_name");
		if (why == NULL)
			why = notify_cfg_str(ans, "message");
		char shown[300];
		notify_clean_text(shown, sizeof shown, why ? why : "", why ? strlen(why) : 0, true);
		notify_set_error(r, "token_refresh: Zalo did not give new tokens (HTTP %ld%s%s)",
		                 status, shown[0] ? ": " : "", shown);
		json_decref(ans);
		goto done;
	}
	/* expires_in: seconds, a string in Zalo's answer (a number accepted). */
	long long expires_in = 0;
	json_t *ei = json_object_get(ans, "expires_in");
	if (json_is_integer(ei))
		expires_in = json_integer_value(ei);
	else if (json_is_string(ei))
		expires_in = strtoll(json_string_value(ei), NULL, 10);
	if (expires_in < 0 || expires_in > 365LL * 86400)
		expires_in = 0;
	int64_t expires_at = expires_in ? clock_now() + expires_in : 0;
	struct mc_error err = {0};
	/* Both stored before the access token is used: the old refresh token
	 * is spent already, a crash now must not lose the new one. */
	if (store_notify_token_put(st, "zalo", json_string_value(at), json_string_value(rt),
	                           expires_at, &err) != MC_OK) {
		notify_set_error(r, "token_refresh: the new tokens could not be stored (%s)",
		                 err.code);
		log_error("notify zalo: new tokens not stored: %s", err.code);
		json_decref(ans);
		goto done;
	}
	snprintf(access, 2048, "%s", json_string_value(at));
	json_decref(ans);
	log_info("notify zalo: access token refreshed");
	out = NOTIFY_SENT;
done:
	notify_answer_free(&a);
	return out;
}

/* One send with access token. Returns the outcome of the answer, with
 * *token_bad true when Zalo said the token is expired or invalid. */
static enum notify_outcome send_once(const char *url, const char *access, const char *payload,
                                     int timeout_s, struct notify_result *r, bool *token_bad)
{
	*token_bad = false;
	memset(r, 0, sizeof *r);
	char tok[2100];
	snprintf(tok, sizeof tok, "access_token: %s", access);
	struct notify_answer a = {0};
	char errbuf[CURL_ERROR_SIZE];
	long status = 0;
	CURLcode code = post(url, "Content-Type: application/json; charset=utf-8", tok, payload,
	                     timeout_s, &a, &status, errbuf);
	enum notify_outcome out =
	    notify_http_outcome(r, code, errbuf, timeout_s, status, &a, "Zalo", false);
	if (out != NOTIFY_SENT)
		goto done;
	out = NOTIFY_RETRY;
	json_error_t jerr;
	json_t *ans = a.len ? json_loadb(a.data, a.len, 0, &jerr) : NULL;
	json_t *e = json_object_get(ans, "error");
	if (!json_is_integer(e)) {
		notify_set_error(r, "bad_answer: Zalo's answer is not a ZNS answer");
		json_decref(ans);
		goto done;
	}
	long long ev = json_integer_value(e);
	if (ev == 0) {
		json_t *id = json_object_get(json_object_get(ans, "data"), "msg_id");
		if (json_is_string(id))
			notify_clean_text(r->provider_id, sizeof r->provider_id,
			                  json_string_value(id), strlen(json_string_value(id)),
			                  true);
		out = NOTIFY_SENT;
	} else {
		const char *msg = notify_cfg_str(ans, "message");
		char shown[300];
		notify_clean_text(shown, sizeof shown, msg ? msg : "", msg ? strlen(msg) : 0, true);
		if (zns_token_error(ev)) {
			*token_bad = true;
			notify_set_error(r, "token_refresh: Zalo error %lld (%s)", ev, shown);
		} else if (zns_permanent(ev)) {
			notify_set_error(r, "refused: Zalo error %lld (%s)", ev, shown);
			out = NOTIFY_PERMANENT;
		} else {
			notify_set_error(r, "refused: Zalo error %lld (%s)", ev, shown);
		}
	}
	json_decref(ans);
done:
	notify_answer_free(&a);
	return out;
}

/* Whether p is the 84… form (84 and 9 or 10 digits). */
static bool phone_ok(const char *p)
{
	size_t n = p ? strlen(p) : 0;
	if (n < 11 || n > 12 || strncmp(p, "84", 2) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

enum notify_outcome notify_zalo_send(struct store *st, const json_t *cfg,
                                     const struct notify_message *m, struct notify_result *r)
{
	ENFORCE(!store_in_transaction(st), "a Zalo send runs outside any transaction");
	memset(r, 0, sizeof *r);
	const char *url = notify_cfg_url(cfg, "url", true);
	if (url == NULL) {
		notify_set_error(r, "not_configured: no zalo url (http:// or https://) in the "
		                    "notifications configuration");
		return NOTIFY_RETRY;
	}
	const char *template_id =
	    notify_cfg_str(json_object_get(cfg, "templates"), m->trigger ? m->trigger : "");
	if (template_id == NULL || !*template_id) {
		notify_set_error(r, "no_template: no ZNS template configured for the trigger %s",
		                 m->trigger ? m->trigger : "(none)");
		return NOTIFY_PERMANENT;
	}
	if (!phone_ok(m->recipient)) {
		notify_set_error(r, "bad_recipient: not a phone number in the 84... form");
		return NOTIFY_PERMANENT;
	}
	/* template_data: the message's fields, strings only (ZNS parameters). */
	json_t *data = json_object();
	const char *k;
	json_t *v;
	if (json_is_object(m->data))
		json_object_foreach((json_t *)m->data, k, v)
		{
			if (json_is_string(v))
				json_object_set(data, k, v);
			else if (json_is_integer(v) || json_is_real(v)) {
				char *s = json_dumps(v, JSON_ENCODE_ANY);
				if (s != NULL)
					json_object_set_new(data, k, json_string(s));
				free(s);
			}
		}
	char tracking[32];
	snprintf(tracking, sizeof tracking, "%lld", (long long)m->id);
	json_t *req = json_pack("{s:s, s:s, s:o, s:s}", "phone", m->recipient, "template_id",
	                        template_id, "template_data", data, "tracking_id", tracking);
	char *payload = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (payload == NULL) {
		notify_set_error(r, "bad_answer: the message's data is not valid UTF-8");
		return NOTIFY_PERMANENT;
	}
	int timeout_s = notify_timeout_s(cfg, 10);

	pthread_mutex_lock(&token_lock);
	struct store_notify_token *tok = xcalloc(1, sizeof *tok);
	enum notify_outcome out = NOTIFY_RETRY;
	struct mc_error err = {0};
	if (store_notify_token_get(st, "zalo", tok, &err) != MC_OK) {
		const char *seed = notify_cfg_str(cfg, "refresh_token");
		snprintf(tok->refresh_token, sizeof tok->refresh_token, "%s", seed ? seed : "");
		tok->access_token[0] = '\0';
	}
	bool refreshed = false;
	/* No access token, or one Zalo said expires within the minute: refresh
	 * first (an expired one would cost a refused send). */
	if (!header_safe(tok->access_token) ||
	    (tok->expires_at > 0 && clock_now() >= tok->expires_at - 60)) {
		if (refresh_tokens(st, cfg, tok->refresh_token, tok->access_token, timeout_s, r) !=
		    NOTIFY_SENT)
			goto done;
		refreshed = true;
	}
	bool token_bad = false;
	out = send_once(url, tok->access_token, payload, timeout_s, r, &token_bad);
	if (token_bad && !refreshed) {
		/* Read again: the stored refresh token is the one good now. */
		if (store_notify_token_get(st, "zalo", tok, &err) != MC_OK) {
			const char *seed = notify_cfg_str(cfg, "refresh_token");
			snprintf(tok->refresh_token, sizeof tok->refresh_token, "%s",
			         seed ? seed : "");
		}
		struct notify_result first = *r;
		if (refresh_tokens(st, cfg, tok->refresh_token, tok->access_token, timeout_s, r) !=
		    NOTIFY_SENT) {
			char why[sizeof r->error];
			snprintf(why, sizeof why, "%s", r->error);
			char ans[sizeof r->answer];
			snprintf(ans, sizeof ans, "%s", r->answer);
			*r = first;
			notify_set_error(r, "%s", why);
			snprintf(r->answer, sizeof r->answer, "%s", ans);
			out = NOTIFY_RETRY;
			goto done;
		}
		out = send_once(url, tok->access_token, payload, timeout_s, r, &token_bad);
	}
	if (token_bad)
		out = NOTIFY_RETRY;
done:
	pthread_mutex_unlock(&token_lock);
	free(tok);
	free(payload);
	return out;
}
