/* The SMS channel: one JSON POST to a brandname gateway
 * (docs/notifications.md "SMS"). The body's member names are the
 * configuration's (fields.phone, .text, .brand, .request_id), so most
 * Vietnamese brandname gateways take it as they are; the request id is the
 * outbox row's id (a gateway drops a duplicate of a message resent after a
 * crash). Success: a 2xx answer and, when ok_field is set, that member of
 * the answer equal to ok_value. A 4xx other than 408 and 429 is a refusal
 * for good; a 5xx, 408, 429, a 2xx whose ok_field differs, a timeout or an
 * answer that cannot be read is tried again later. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/notify_adapter.h"
#include "api/notify_curl.h"
#include "domain/notify.h"
#include "util/xmalloc.h"

/* The member name for field key ("phone", "text", "brand", "request_id"):
 * cfg.fields.<key> when a string (an empty one: not sent), else key. */
static const char *field_name(const json_t *cfg, const char *key)
{
	json_t *f = json_object_get(json_object_get(cfg, "fields"), key);
	if (json_is_string(f))
		return json_string_value(f);
	return key;
}

/* The member at a dotted path ("code", "data.status") of the answer. */
static json_t *answer_member(json_t *ans, const char *path)
{
	char part[128];
	const char *p = path;
	json_t *cur = ans;
	while (cur != NULL && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || n >= sizeof part)
			return NULL;
		memcpy(part, p, n);
		part[n] = '\0';
		cur = json_is_object(cur) ? json_object_get(cur, part) : NULL;
		p = dot ? dot + 1 : p + n;
	}
	return cur;
}

/* A scalar member as text (string as is, integer, real, true/false). */
static void scalar_text(const json_t *v, char *out, size_t outlen)
{
	out[0] = '\0';
	if (json_is_string(v))
		snprintf(out, outlen, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, outlen, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(out, outlen, "%g", json_real_value(v));
	else if (json_is_true(v))
		snprintf(out, outlen, "true");
	else if (json_is_false(v))
		snprintf(out, outlen, "false");
}

/* The gateway's message id when its answer names one (top level or under
 * "data"): the first of message_id, msg_id, sms_id, SMSID, id. */
static void find_provider_id(json_t *ans, char *out, size_t outlen)
{
	static const char *const keys[] = {"message_id", "msg_id", "sms_id",
	                                   "SMSID",      "smsid",  "id"};
	json_t *where[2] = {ans, json_object_get(ans, "data")};
	for (int w = 0; w < 2; w++) {
		if (!json_is_object(where[w]))
			continue;
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			char buf[200];
			scalar_text(json_object_get(where[w], keys[i]), buf, sizeof buf);
			if (buf[0]) {
				notify_clean_text(out, outlen, buf, strlen(buf), true);
				return;
			}
		}
	}
}

/* Whether the text goes without diacritics (the spec's ascii rule):
 * "always", or "auto" (the default) and the Unicode text needs more than 2
 * parts; never when it has no character outside ASCII. */
static bool send_ascii(const json_t *cfg, const char *text)
{
	if (!notify_has_non_ascii(text))
		return false;
	const char *mode = notify_cfg_str(cfg, "ascii");
	if (mode != NULL && strcmp(mode, "never") == 0)
		return false;
	if (mode != NULL && strcmp(mode, "always") == 0)
		return true;
	bool gsm = false;
	int parts = notify_sms_parts(text, &gsm, NULL);
	return !gsm && parts > 2;
}

/* Whether recipient is the 84… form: 84 and 9 or 10 more digits. */
static bool phone_ok(const char *p)
{
	size_t n = strlen(p);
	if (n < 11 || n > 12 || strncmp(p, "84", 2) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

/* The gateway's JSON body for m (the field names of cfg), as a string the
 * caller frees; NULL when the message is not valid UTF-8. */
static char *sms_payload(const json_t *cfg, const struct notify_message *m)
{
	const char *body = m->body ? m->body : "";
	char *ascii = NULL;
	if (send_ascii(cfg, body)) {
		size_t cap = strlen(body) + 1;
		ascii = xmalloc(cap);
		notify_ascii(body, ascii, cap);
	}
	json_t *req = json_object();
	char rid[32];
	snprintf(rid, sizeof rid, "%lld", (long long)m->id);
	const char *name;
	if (*(name = field_name(cfg, "phone")))
		json_object_set_new(req, name, json_string(m->recipient));
	if (*(name = field_name(cfg, "text")))
		json_object_set_new(req, name, json_string(ascii ? ascii : body));
	const char *brand = notify_cfg_str(cfg, "brand");
	if (brand != NULL && *brand && *(name = field_name(cfg, "brand")))
		json_object_set_new(req, name, json_string(brand));
	if (*(name = field_name(cfg, "request_id")))
		json_object_set_new(req, name, json_string(rid));
	char *payload = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	free(ascii);
	return payload;
}

/* The outcome of a gateway's 2xx answer a: sent (with the provider's id in
 * r) unless cfg's ok_field says otherwise, which waits for another try. */
static enum notify_outcome sms_answer(const json_t *cfg, const struct notify_answer *a,
                                      struct notify_result *r)
{
	json_error_t jerr;
	json_t *ans = a->len ? json_loadb(a->data, a->len, JSON_DECODE_ANY, &jerr) : NULL;
	const char *ok_field = notify_cfg_str(cfg, "ok_field");
	enum notify_outcome out = NOTIFY_SENT;
	if (ok_field != NULL && *ok_field) {
		if (!json_is_object(ans)) {
			notify_set_error(r,
			                 "bad_answer: the gateway's answer is not a JSON object");
			json_decref(ans);
			return NOTIFY_RETRY;
		}
		/* ok_value: a string or an integer (the answer's "00" and 0 differ). */
		char ok_value[200];
		scalar_text(json_object_get(cfg, "ok_value"), ok_value, sizeof ok_value);
		char got[200];
		scalar_text(answer_member(ans, ok_field), got, sizeof got);
		if (strcmp(got, ok_value) != 0) {
			char shown[200];
			notify_clean_text(shown, sizeof shown, got, strlen(got), true);
			notify_set_error(r, "refused: the gateway answered %s=\"%s\", not \"%s\"",
			                 ok_field, shown, ok_value);
			out = NOTIFY_RETRY;
		}
	}
	if (out == NOTIFY_SENT && json_is_object(ans))
		find_provider_id(ans, r->provider_id, sizeof r->provider_id);
	json_decref(ans);
	return out;
}

enum notify_outcome notify_sms_send(const json_t *cfg, const struct notify_message *m,
                                    struct notify_result *r)
{
	memset(r, 0, sizeof *r);
	const char *url = notify_cfg_url(cfg, "url", true);
	if (url == NULL) {
		notify_set_error(r, "not_configured: no sms url (http:// or https://) in the "
		                    "notifications configuration");
		return NOTIFY_RETRY;
	}
	if (m->recipient == NULL || !phone_ok(m->recipient)) {
		notify_set_error(r, "bad_recipient: not a phone number in the 84... form");
		return NOTIFY_PERMANENT;
	}
	char *payload = sms_payload(cfg, m);
	if (payload == NULL) {
		notify_set_error(r, "bad_answer: the message is not valid UTF-8");
		return NOTIFY_PERMANENT;
	}

	int timeout_s = notify_timeout_s(cfg, 10);
	struct notify_answer a = {0};
	char errbuf[CURL_ERROR_SIZE];
	CURL *h = notify_curl_new(timeout_s, &a, errbuf);
	if (h == NULL) {
		free(payload);
		notify_set_error(r, "unreachable: libcurl could not start a transfer");
		return NOTIFY_RETRY;
	}
	struct curl_slist *hdr = NULL;
	hdr = curl_slist_append(hdr, "Content-Type: application/json; charset=utf-8");
	hdr = curl_slist_append(hdr, "Accept: application/json");
	hdr = curl_slist_append(hdr, "Expect:");
	const char *token = notify_cfg_str(cfg, "token");
	char *auth = NULL;
	if (token != NULL && *token && strpbrk(token, "\r\n") == NULL) {
		auth = xasprintf("Authorization: Bearer %s", token);
		hdr = curl_slist_append(hdr, auth);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, payload);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(payload));

	CURLcode code = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	/* 401/403: the token is refused, not the message (it waits). */
	enum notify_outcome out =
	    notify_http_outcome(r, code, errbuf, timeout_s, status, &a, "the gateway", true);
	if (out == NOTIFY_SENT)
		out = sms_answer(cfg, &a, r);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	free(auth);
	free(payload);
	notify_answer_free(&a);
	return out;
}
