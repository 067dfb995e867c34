/* The HTTP layer: one libcurl easy handle per call, JSON in and out, the
 * session's bearer token, Idempotency-Key on every mutating call, bounded
 * retries, and the one-line explanation of every kind of failure. */
#include <curl/curl.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "counter.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define HTTP_TRIES 3
#define HTTP_RETRY_DELAY_MS 1000
#define HTTP_MAX_BODY (4u << 20)

void cc_new_action(struct cc *c)
{
	unsigned char raw[12];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, raw, sizeof raw) : -1;
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)sizeof raw) {
		/* No /dev/urandom: time and pid still make a key unique enough. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(c->key_base, sizeof c->key_base, "mc-%lx-%lx-%x", (long)ts.tv_sec,
		         ts.tv_nsec, (unsigned)getpid());
	} else {
		strcpy(c->key_base, "mc-");
		for (size_t i = 0; i < sizeof raw; i++)
			snprintf(c->key_base + 3 + 2 * i, 3, "%02x", raw[i]);
	}
	c->key_seq = 0;
}

static size_t http_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct strbuf *sb = userdata;
	size_t n = size * nmemb;
	if (sb->len + n > HTTP_MAX_BODY)
		return 0;
	strbuf_append(sb, ptr, n);
	return n;
}

struct http_headers {
	long retry_after;
};

static size_t http_header(char *buf, size_t size, size_t nitems, void *userdata)
{
	struct http_headers *h = userdata;
	size_t n = size * nitems;
	if (n > 12 && strncasecmp(buf, "Retry-After:", 12) == 0)
		h->retry_after = strtol(buf + 12, NULL, 10);
	return n;
}

static long http_timeout_ms(void)
{
	const char *s = getenv("MOTCUA_COUNTER_TIMEOUT_MS");
	long v = s ? strtol(s, NULL, 10) : 0;
	return v > 0 ? v : 15000;
}

/* Transport failures after which the request may or may not have been done:
 * retried with the same key, which makes a second try harmless. */
static bool http_retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_COULDNT_RESOLVE_HOST: return true;
	default: return false;
	}
}

static void http_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

bool cc_request(struct cc *c, const char *method, const char *path, json_t *body,
                struct cc_response *resp)
{
	bool mutating = strcmp(method, "GET") != 0;
	char *url = xasprintf("%s%s", cc_server(c), path);
	char *payload = body ? json_dumps(body, JSON_COMPACT) : NULL;
	char key[64];
	struct curl_slist *hdrs = NULL;

	memset(resp, 0, sizeof *resp);
	if (mutating)
		snprintf(key, sizeof key, "%s-%d", c->key_base, ++c->key_seq);
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (payload)
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	if (c->cfg.token) {
		char *h = xasprintf("Authorization: Bearer %s", c->cfg.token);
		hdrs = curl_slist_append(hdrs, h);
		free(h);
	}
	if (mutating) {
		char *h = xasprintf("Idempotency-Key: %s", key);
		hdrs = curl_slist_append(hdrs, h);
		free(h);
	}

	for (int attempt = 1;; attempt++) {
		struct strbuf sb = STRBUF_INIT;
		struct http_headers h = {0};
		CURL *e = curl_easy_init();
		if (e == NULL) {
			snprintf(resp->errbuf, sizeof resp->errbuf, "curl_easy_init failed");
			resp->transport = CURLE_FAILED_INIT;
			break;
		}
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, http_timeout_ms());
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, &sb);
		curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header);
		curl_easy_setopt(e, CURLOPT_HEADERDATA, &h);
		curl_easy_setopt(e, CURLOPT_ERRORBUFFER, resp->errbuf);
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
		if (payload) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, payload);
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(payload));
		} else if (mutating) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
		}
		resp->errbuf[0] = '\0';
		CURLcode rc = curl_easy_perform(e);
		long status = 0;
		if (rc == CURLE_OK)
			curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(e);
		if (rc == CURLE_OK) {
			json_decref(resp->json);
			free(resp->body);
			resp->status = status;
			resp->transport = 0;
			resp->body = strbuf_detach(&sb, NULL);
			resp->json = json_loads(resp->body, 0, NULL);
			/* The first try still runs on the server: wait, then ask again. */
			if (status == 409 &&
			    strcmp(cc_error_code(resp), "request_in_progress") == 0 &&
			    attempt < HTTP_TRIES * 3) {
				http_sleep_ms(h.retry_after > 0 && h.retry_after < 10
				                  ? h.retry_after * 1000
				                  : HTTP_RETRY_DELAY_MS);
				continue;
			}
			break;
		}
		strbuf_free(&sb);
		resp->transport = (int)rc;
		if (resp->errbuf[0] == '\0')
			snprintf(resp->errbuf, sizeof resp->errbuf, "%s", curl_easy_strerror(rc));
		if (!http_retryable(rc) || attempt >= HTTP_TRIES)
			break;
		http_sleep_ms(HTTP_RETRY_DELAY_MS);
	}
	curl_slist_free_all(hdrs);
	free(payload);
	free(url);
	return resp->status != 0;
}

void cc_response_free(struct cc_response *resp)
{
	json_decref(resp->json);
	free(resp->body);
	resp->json = NULL;
	resp->body = NULL;
}

const char *cc_error_code(const struct cc_response *resp)
{
	json_t *e = json_object_get(resp->json, "error");
	return cc_str(e, "code", "");
}

/* A clerk reads sentences: the machine detail (an error code, libcurl's
 * English reason) is added only in English or with --verbose. Returns a
 * static string: " (detail)" or "". Not reentrant (one message at a time). */
static const char *http_detail(struct cc *c, const char *detail)
{
	static char buf[300];
	if (detail == NULL || *detail == '\0' || (c->lang != CC_EN && !c->verbose))
		return "";
	snprintf(buf, sizeof buf, " (%s)", detail);
	return buf;
}

int cc_report(struct cc *c, const struct cc_response *resp)
{
	if (resp->status == 0)
		return cc_fail(
		    c, CC_UNREACHABLE,
		    T(c,
		      "Không kết nối được máy chủ %s%s. Kiểm tra mạng hoặc báo quản trị; "
		      "xem lại kết quả bằng: motcua-counter status",
		      "Cannot reach the server %s%s. Check the network or call the "
		      "administrator; check the outcome with: motcua-counter status"),
		    cc_server(c), http_detail(c, resp->errbuf));
	json_t *e = json_object_get(resp->json, "error");
	const char *code = cc_str(e, "code", "");
	const char *msg = cc_str(e, c->lang == CC_EN ? "message_en" : "message", NULL);
	if (msg == NULL || *msg == '\0')
		msg = cc_str(e, "message", "");
	if (resp->status == 401)
		return cc_fail(c, CC_AUTH,
		               T(c,
		                 "Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Hãy đăng nhập lại: "
		                 "motcua-counter login",
		                 "The session has expired or is not valid. Log in again: "
		                 "motcua-counter login"));
	if (resp->status == 403)
		return cc_fail(c, CC_FORBIDDEN,
		               T(c, "Không được phép: %s%s. Việc này cần người có quyền khác.",
		                 "Forbidden: %s%s. This needs someone with other rights."),
		               *msg ? msg : T(c, "không đủ quyền", "forbidden"),
		               http_detail(c, *code ? code : "forbidden"));
	if (resp->status >= 400 && resp->status < 500)
		return cc_fail(c, CC_REFUSED,
		               T(c, "Máy chủ từ chối: %s%s. Không có gì thay đổi.",
		                 "Refused by the server: %s%s. Nothing was changed."),
		               *msg ? msg : "?", http_detail(c, *code ? code : "http"));
	return cc_fail(c, CC_ERR,
	               T(c, "Máy chủ gặp lỗi (HTTP %ld): %s. Thử lại sau hoặc báo quản trị.",
	                 "The server failed (HTTP %ld): %s. Try again later or call the "
	                 "administrator."),
	               resp->status, *msg ? msg : "?");
}

int cc_api(struct cc *c, const char *method, const char *path, json_t *body, json_t **out)
{
	struct cc_response resp;
	*out = NULL;
	cc_request(c, method, path, body, &resp);
	if (resp.status >= 200 && resp.status < 300) {
		*out = resp.json ? resp.json : json_object();
		resp.json = NULL;
		cc_response_free(&resp);
		return CC_OK;
	}
	int rc = cc_report(c, &resp);
	cc_response_free(&resp);
	return rc;
}

int cc_api_quiet(struct cc *c, const char *method, const char *path, json_t **out)
{
	struct cc_response resp;
	*out = NULL;
	cc_request(c, method, path, NULL, &resp);
	int rc = resp.status >= 200 && resp.status < 300 ? CC_OK
	         : resp.status == 0                      ? CC_UNREACHABLE
	                                                 : CC_REFUSED;
	if (rc == CC_OK) {
		*out = resp.json ? resp.json : json_object();
		resp.json = NULL;
	}
	cc_response_free(&resp);
	return rc;
}

char *cc_urlencode(const char *s)
{
	/* libcurl's escaper: all but the unreserved characters (RFC 3986). */
	char *esc = curl_easy_escape(NULL, s, 0);
	if (esc == NULL) {
		fprintf(stderr, "motcua-counter: out of memory\n");
		abort();
	}
	char *out = xstrdup(esc);
	curl_free(esc);
	return out;
}
