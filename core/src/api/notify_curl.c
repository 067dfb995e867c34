/* The libcurl set-up the channel adapters share (api/notify_curl.h). */
#include "api/notify_curl.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

void notify_answer_free(struct notify_answer *a)
{
	free(a->data);
	a->data = NULL;
	a->len = 0;
}

/* Shared by every adapter: written once by pthread_once. */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_global_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void notify_curl_global(void)
{
	pthread_once(&curl_once, curl_global_once);
}

int notify_timeout_s(const json_t *cfg, int def)
{
	json_t *t = json_object_get(cfg, "timeout_s");
	if (json_is_integer(t) && json_integer_value(t) >= 1 && json_integer_value(t) <= 120)
		return (int)json_integer_value(t);
	return def;
}

/* CURLOPT_WRITEFUNCTION: keeps at most NOTIFY_ANSWER_CAP bytes, swallows
 * the rest (the transfer goes on: the status still counts). */
static size_t keep_answer(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct notify_answer *a = user;
	size_t n = size * nmemb;
	size_t room = NOTIFY_ANSWER_CAP - a->len;
	size_t take = n < room ? n : room;
	if (take < n)
		a->cut = true;
	if (take > 0) {
		a->data = xrealloc(a->data, a->len + take + 1);
		memcpy(a->data + a->len, ptr, take);
		a->len += take;
		a->data[a->len] = '\0';
	}
	return n;
}

/* Set by notify_curl_stop (the worker's stop), cleared by
 * notify_curl_resume; read by every transfer's progress callback. */
static atomic_bool curl_stopping;

void notify_curl_stop(void)
{
	atomic_store(&curl_stopping, true);
}

void notify_curl_resume(void)
{
	atomic_store(&curl_stopping, false);
}

/* CURLOPT_XFERINFOFUNCTION: libcurl calls it often during a transfer (at
 * least about once a second, even while nothing moves); non-zero aborts it
 * (CURLE_ABORTED_BY_CALLBACK) when the server is stopping. */
static int stop_check(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                      curl_off_t ulnow)
{
	(void)user, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return atomic_load(&curl_stopping) ? 1 : 0;
}

CURL *notify_curl_new(int timeout_s, struct notify_answer *a, char *errbuf)
{
	notify_curl_global();
	CURL *h = curl_easy_init();
	if (h == NULL)
		return NULL;
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_s * 1000L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_s * 1000L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_answer);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "motcua-notify/1");
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, stop_check);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	/* A provider speaking with no end in sight counts as slow, not as a
	 * hang: the overall timeout above bounds everything. */
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)(16 * 1024 * 1024));
	return h;
}

/* The length of the valid UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t len;
	unsigned min;
	unsigned cp;
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2;
		min = 0x80;
		cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3;
		min = 0x800;
		cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4;
		min = 0x10000;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

void notify_clean_text(char *dst, size_t dstlen, const char *src, size_t len, bool oneline)
{
	if (dstlen == 0)
		return;
	size_t o = 0;
	const unsigned char *s = (const unsigned char *)src;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_len(s + i, len - i);
		char one = 0;
		if (n == 0) {
			one = '?';
			n = 1;
		} else if (n == 1 && (s[i] < 0x20 || s[i] == 0x7F)) {
			if (s[i] == '\n' || s[i] == '\t')
				one = oneline ? ' ' : (char)s[i];
			else if (s[i] == '\r')
				one = '\0'; /* dropped: CRLF reads as LF */
			else
				one = '?';
			if (one == '\0') {
				i++;
				continue;
			}
		}
		size_t w = one ? 1 : n;
		if (o + w >= dstlen)
			break;
		if (one)
			dst[o++] = one;
		else {
			memcpy(dst + o, s + i, n);
			o += n;
		}
		i += n;
	}
	dst[o] = '\0';
}

void notify_keep_answer(struct notify_result *r, const char *prefix, const struct notify_answer *a)
{
	char head[128];
	int k = snprintf(head, sizeof head, "%s%s", prefix, a->len ? "\n" : "");
	if (k < 0)
		k = 0;
	notify_clean_text(r->answer, sizeof r->answer, head, strlen(head), false);
	size_t used = strlen(r->answer);
	if (a->len)
		notify_clean_text(r->answer + used, sizeof r->answer - used, a->data, a->len,
		                  false);
}

void notify_set_error(struct notify_result *r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		buf[0] = '\0';
	notify_clean_text(r->error, sizeof r->error, buf, strlen(buf), true);
}

enum notify_outcome notify_transport_failed(struct notify_result *r, CURLcode code,
                                            const char *errbuf, int timeout_s)
{
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(code);
	switch (code) {
	case CURLE_OPERATION_TIMEDOUT:
		notify_set_error(r, "timeout: no answer within %d s (%s)", timeout_s, why);
		break;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING: notify_set_error(r, "unreachable: %s", why); break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE: notify_set_error(r, "unreachable: TLS: %s", why); break;
	case CURLE_ABORTED_BY_CALLBACK:
		notify_set_error(r, "timeout: the server stopped during the exchange (tried again "
		                    "at the next start)");
		break;
	default: notify_set_error(r, "bad_answer: %s", why); break;
	}
	if (r->answer[0] == '\0')
		snprintf(r->answer, sizeof r->answer, "%s", r->error);
	return NOTIFY_RETRY;
}

enum notify_outcome notify_http_outcome(struct notify_result *r, CURLcode code, const char *errbuf,
                                        int timeout_s, long status, const struct notify_answer *a,
                                        const char *who, bool credentials)
{
	if (code != CURLE_OK)
		return notify_transport_failed(r, code, errbuf, timeout_s);
	char line[32];
	snprintf(line, sizeof line, "HTTP %ld", status);
	notify_keep_answer(r, line, a);
	/* 401/403 refuse the office's credentials, not the message: once they
	 * are fixed every waiting message goes, so they wait. */
	if (credentials && (status == 401 || status == 403)) {
		notify_set_error(r, "auth: %s refused the office's credentials (HTTP %ld)", who,
		                 status);
		return NOTIFY_RETRY;
	}
	if (status >= 400 && status < 500 && status != 408 && status != 429) {
		notify_set_error(r, "http_status: %s refused the message (HTTP %ld)", who, status);
		return NOTIFY_PERMANENT;
	}
	if (status < 200 || status > 299) {
		notify_set_error(r, "http_status: HTTP %ld from %s", status, who);
		return NOTIFY_RETRY;
	}
	return NOTIFY_SENT;
}

const char *notify_cfg_str(const json_t *cfg, const char *key)
{
	json_t *v = json_object_get(cfg, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *notify_cfg_url(const json_t *cfg, const char *key, bool web)
{
	const char *u = notify_cfg_str(cfg, key);
	if (u == NULL)
		return NULL;
	if (web && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0))
		return u;
	if (!web && (strncmp(u, "smtp://", 7) == 0 || strncmp(u, "smtps://", 8) == 0))
		return u;
	return NULL;
}
