/* The channels a message to a citizen leaves by (docs/notifications.md):
 * e-mail over SMTP(S) to a relay, SMS through an HTTP JSON gateway, Zalo
 * ZNS template messages. Each is a small adapter over libcurl
 * (api/notify_email.c, notify_sms.c, notify_zalo.c) called by the notify
 * worker (api/notify_worker.c) on its own thread, never under the writer
 * lock (ENFORCE !store_in_transaction) and never on an HTTP worker.
 *
 * An adapter sends one message and says what happened; it does not touch
 * the outbox row (the worker records the outcome). It never blocks longer
 * than its configured timeout (a slow or silent provider is a retry). */
#ifndef MOTCUA_API_NOTIFY_ADAPTER_H
#define MOTCUA_API_NOTIFY_ADAPTER_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

/* One message as the outbox holds it (borrowed from the worker). */
struct notify_message {
	int64_t id;            /* the outbox row: the tracking id / request id / Message-ID */
	const char *channel;   /* "email", "sms", "zalo" */
	const char *trigger;   /* "received", … (a ZNS template is chosen by it) */
	const char *recipient; /* e-mail address, or the phone as 84xxxxxxxxx */
	const char *subject;   /* e-mail only; may be NULL */
	const char *body;      /* the rendered Vietnamese text (UTF-8) */
	json_t *data;          /* the template's fields (a ZNS template_data) */
};

enum notify_outcome {
	NOTIFY_SENT,      /* the provider accepted it */
	NOTIFY_RETRY,     /* down, slow, garbage, 429/5xx: try again later */
	NOTIFY_PERMANENT, /* refused for good (4xx, bad recipient): dead now */
};

/* What the provider said. answer: its raw answer (status line and body),
 * truncated, NUL-terminated; provider_id: its message id when it gave one;
 * error: our one-line reason in English for staff (also shown translated
 * on the supervisor page by its code), e.g. "timeout after 10 s". */
struct notify_result {
	char answer[4000];
	char provider_id[200];
	char error[500];
};

/* Sends m by its channel with cfg (the channel's object of the
 * "notifications" configuration, notify_config_load). st is used only for
 * the Zalo tokens (store_notify_token_get/_put: the refresh token changes at
 * every refresh and is stored before the new access token is used). Fills
 * *r and returns the outcome. Never aborts on anything a provider sends. */
enum notify_outcome notify_email_send(const json_t *cfg, const struct notify_message *m,
                                      struct notify_result *r);
enum notify_outcome notify_sms_send(const json_t *cfg, const struct notify_message *m,
                                    struct notify_result *r);
enum notify_outcome notify_zalo_send(struct store *st, const json_t *cfg,
                                     const struct notify_message *m, struct notify_result *r);

#endif
