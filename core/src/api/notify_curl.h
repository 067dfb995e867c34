/* What the three channel adapters (api/notify_email.c, notify_sms.c,
 * notify_zalo.c) share over libcurl: a handle set up the same way (no
 * signals, a hard timeout, no redirects, only http/https/smtp/smtps), an
 * answer read into a bounded buffer, and the answer and error kept in a
 * struct notify_result as the outbox stores them (valid UTF-8, one line for
 * the error, cut to the field).
 *
 * Errors written to notify_result.error start with a stable code and a
 * colon (docs/notifications.md "What the errors say"): "timeout:",
 * "unreachable:", "http_status:", "bad_answer:", "refused:",
 * "token_refresh:", "no_template:", "not_configured:", "bad_recipient:", "tls_required:",
 * "smtp:". The supervisor page may translate by that code. */
#ifndef MOTCUA_API_NOTIFY_CURL_H
#define MOTCUA_API_NOTIFY_CURL_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "api/notify_adapter.h"

/* The most of a provider's answer read (the rest is dropped, the transfer
 * goes on to its end so the status is known). */
#define NOTIFY_ANSWER_CAP (64 * 1024)

/* An answer as read: data NUL-terminated, at most NOTIFY_ANSWER_CAP bytes.
 * Owned by its caller's stack; free data with notify_answer_free. */
struct notify_answer {
	char *data;
	size_t len;
	bool cut; /* more came than was kept */
};
void notify_answer_free(struct notify_answer *a);

/* curl_global_init once for the process (pthread_once: the worker's
 * channel threads may start together). */
void notify_curl_global(void);

/* notify_curl_stop: every transfer in progress or started later is cut
 * within about a second (CURLE_ABORTED_BY_CALLBACK, a retry: the message
 * waits for the next start). Called by notify_worker_stop; the flag is
 * process-wide (an atomic), cleared again by notify_curl_resume
 * (notify_worker_start). */
void notify_curl_stop(void);
void notify_curl_resume(void);

/* The channel's timeout in seconds: cfg's "timeout_s" (1..120) or def. */
int notify_timeout_s(const json_t *cfg, int def);

/* A new easy handle (NULL when libcurl cannot make one) with: no signals,
 * CURLOPT_TIMEOUT_MS timeout_s, connect timeout the same, no redirects,
 * protocols http,https,smtp,smtps, the answer into *a (capped), errbuf
 * (CURL_ERROR_SIZE bytes) for libcurl's words. */
CURL *notify_curl_new(int timeout_s, struct notify_answer *a, char *errbuf);

/* Copies src (len bytes, any bytes) into dst (dstlen bytes, NUL-terminated)
 * as valid UTF-8: an invalid byte and a control character other than
 * newline and tab become '?', a carriage return is dropped; cut at a
 * character boundary. oneline: newline and tab become spaces too. */
void notify_clean_text(char *dst, size_t dstlen, const char *src, size_t len, bool oneline);

/* r->answer = prefix (e.g. "HTTP 500") + "\n" + the answer's text, cleaned
 * and cut. */
void notify_keep_answer(struct notify_result *r, const char *prefix, const struct notify_answer *a);

/* r->error = printf(fmt, …), cleaned to one line and cut. */
void notify_set_error(struct notify_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The outcome of a transfer that did not get an answer (code != CURLE_OK):
 * sets r->error ("timeout: no answer within N s", "unreachable: …") and
 * returns NOTIFY_RETRY (nothing was refused: the provider was not heard). */
enum notify_outcome notify_transport_failed(struct notify_result *r, CURLcode code,
                                            const char *errbuf, int timeout_s);

/* The outcome of an HTTP POST to a provider (who: "the gateway", "Zalo")
 * as far as its transfer and status tell: code != CURLE_OK →
 * notify_transport_failed; else r->answer kept ("HTTP status" + the
 * answer), then 401/403 with credentials → RETRY ("auth:": the office's
 * credentials refused, not the message), another 4xx but 408/429 →
 * PERMANENT, any other non-2xx → RETRY ("http_status:"). NOTIFY_SENT: a 2xx
 * whose body the caller reads next. */
enum notify_outcome notify_http_outcome(struct notify_result *r, CURLcode code, const char *errbuf,
                                        int timeout_s, long status, const struct notify_answer *a,
                                        const char *who, bool credentials);

/* A url the configuration gives (cfg member key) that starts with one of
 * the schemes "http://", "https://" (web true) or "smtp://", "smtps://"
 * (web false); NULL otherwise. Borrowed from cfg. */
const char *notify_cfg_url(const json_t *cfg, const char *key, bool web);

/* cfg's string member key, NULL when absent or not a string (borrowed). */
const char *notify_cfg_str(const json_t *cfg, const char *key);

#endif
