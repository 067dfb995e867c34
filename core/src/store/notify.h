/* The outbox of messages to citizens (docs/notifications.md; schema step 12).
 *
 * A message is a row of `notifications` written in the transaction of the
 * change that causes it (store_notify_enqueue), so a crash never loses or
 * invents one; its text is rendered then. The notify worker
 * (api/notify_worker.c, one thread per channel) claims the oldest due row
 * of its channel whose recipient has no earlier row still queued or
 * sending, sends it outside any transaction, and records the outcome.
 * States: queued → sending → sent | queued (back-off) | dead; a row left
 * sending by a crash is queued again at start (at-least-once; the row id is
 * the provider's request id so it can drop a duplicate). Staff see the rows
 * of their scope (the office the message speaks for) and may resend.
 *
 * Privacy: events name the row, its trigger and channel, never the
 * recipient nor the text; secrets of the configuration (password, token,
 * secret_key, refresh_token) never leave through a route. */
#ifndef MOTCUA_STORE_NOTIFY_H
#define MOTCUA_STORE_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/notify.h"
#include "domain/principal.h"
#include "store/store.h"

/* ---- Configuration: the bundle's "notifications" section, kept in the
 * setting "notify_config" (spec: quiet_hours, max_attempts, reminder_days,
 * triggers_off, templates, email, sms, zalo). */

/* Defaults when the configuration says nothing. */
#define NOTIFY_DEFAULT_QUIET_FROM (21 * 60)
#define NOTIFY_DEFAULT_QUIET_TO (7 * 60)
#define NOTIFY_DEFAULT_MAX_ATTEMPTS 8
#define NOTIFY_DEFAULT_REMINDER_DAYS 3

/* Validates cfg (the whole section; NULL or JSON null clears it) and writes
 * the setting, inside the caller's write transaction (the bundle's).
 * Errors, nothing written then: MC_ERR_INVALID "unknown_setting" (a key
 * not in the spec, named in the English message as notifications.<path>),
 * "invalid_setting" (wrong type or range: urls http(s):// or smtp(s)://,
 * brand ≤ 11 characters, ascii auto|always|never, times HH:MM,
 * max_attempts 1..50, reminder_days 1..60, timeout_s 1..120, a template
 * with an unknown {placeholder} or over 1000 characters, a trigger or an
 * office code unknown in triggers_off). zalo.refresh_token, when given and
 * different from the one the bundle gave last, seeds notify_tokens('zalo');
 * otherwise the stored one (refreshed by the adapter) wins. */
enum mc_err store_notify_config_set(struct store *st, json_t *cfg, struct mc_error *err);

/* The bundle's "notifications" section (store_setup_apply, inside its
 * transaction): absent, nothing changes; null clears the configuration;
 * an object is merged at the top level into the stored one (a key or
 * channel absent keeps its value, one set to null is removed, one given
 * replaces it whole), then store_notify_config_set and an event
 * ("settings", "notifications", "settings.set") whose details
 * are the configuration with every secret replaced by true. */
enum mc_err store_notify_setup(struct store *st, const struct principal *who, json_t *bundle,
                               struct mc_error *err);

/* The configuration in force, secrets included: for the worker and the
 * adapters only. Never NULL ({} when none or unreadable). Caller decrefs. */
json_t *store_notify_config(struct store *st);

/* The configuration as staff may see it: every secret member replaced by
 * true (set) — never its value. Caller decrefs. */
json_t *store_notify_config_public(struct store *st);

/* Whether channel ("email", "sms", "zalo") is configured in cfg (its
 * object with a url). */
bool store_notify_channel_configured(const json_t *cfg, const char *channel);

/* The earliest instant ≥ t outside cfg's quiet hours (default 21:00–07:00
 * office time). */
int64_t store_notify_quiet_next(json_t *cfg, int64_t t);

/* ---- Writing messages (called by the triggers: store/dossier.c,
 * store/feedback_flow.c, store/booking.c, store/notify_scan.c). */

/* One trigger's messages for one citizen, inside the caller's write
 * transaction (store_in_transaction must hold: ENFORCE). For each channel
 * the consent names ("channels") that is configured and whose trigger is
 * not switched off for the office (or an office above it): one row, text
 * rendered now from the template (setting overrides, else the built-in
 * Vietnamese one), recipient normalised (phone → 84…, from 0… as
 * domain/applicant.h keeps it; e-mail as given), not_before = now, or the
 * end of quiet hours unless consent "any_hour" is true. Zalo: only for a
 * trigger the zalo configuration names a template for. SMS: the
 * diacritics-free text when ascii is "always", or "auto" and the Unicode
 * text needs more than 2 parts.
 * consent NULL / no channels / no matching contact: nothing, MC_OK.
 * Each row appends one event ("notification", id, "notification.queued",
 * details {"trigger","channel","ref_kind"}, stream false).
 * fields: strings; "office" is filled from office_id; when "link" is absent
 * and "code" present, link = public_url + "/status?code=CODE", with
 * "&secret=S" when fields has "secret" (received: the only moment it is
 * known); "secret" itself is not kept in the row's data.
 * Errors: a database error (the caller rolls back). */
struct notify_request {
	const char *trigger;  /* "received" | "supplement" | "apology" | "result_ready" |
	                         "reminder" | "booking_confirmed" | "booking_reminder" |
	                         "booking_cancelled" | "feedback_answered" */
	int64_t office_id;    /* the centre the message speaks for (its name in the text) */
	const char *ref_kind; /* "dossier" | "booking" | "feedback" */
	int64_t ref_id;
	const char *consent; /* the row's notify JSON text, or NULL */
	const char *phone;   /* 0xxxxxxxxx or NULL */
	const char *email;   /* or NULL */
	json_t *fields;      /* borrowed: {"code","name","procedure","appointment",
	                        "items","reason","link","slot","group","answer"…} strings */
	const char *actor;   /* "user:7", "public", "system" */
};
enum mc_err store_notify_enqueue(struct store *st, const struct notify_request *rq,
                                 struct mc_error *err);

/* Validates consent as a client sent it (intake, feedback, booking):
 * {"channels":[…],"any_hour":bool} or null; unknown channel / bad shape →
 * 400 invalid_field with field "notify"; a channel named without its
 * contact (sms/zalo without phone, email without e-mail) → 400
 * invalid_field "notify". phone / email: the contact the same request
 * gives (NULL or "" = none). *out: the canonical JSON text to store
 * (channels deduplicated in the order email, sms, zalo; any_hour always
 * present), NULL when no channel; caller frees. Pure (no database). */
enum mc_err store_notify_consent(json_t *notify, const char *phone, const char *email, char **out,
                                 struct mc_error *err);

/* ---- Provider tokens (Zalo): the refresh token changes at every refresh
 * and is stored before the new access token is used. Any thread outside a
 * transaction (put opens its own). */
struct store_notify_token {
	char access_token[2048];
	char refresh_token[2048];
	int64_t expires_at; /* epoch seconds, 0 unknown */
};
/* MC_OK and *out, or MC_ERR_NOT_FOUND "token_not_found", or a database
 * error. */
enum mc_err store_notify_token_get(struct store *st, const char *provider,
                                   struct store_notify_token *out, struct mc_error *err);
/* Replaces the provider's tokens (a NULL member keeps the stored one). */
enum mc_err store_notify_token_put(struct store *st, const char *provider, const char *access,
                                   const char *refresh, int64_t expires_at, struct mc_error *err);

/* ---- The worker's side (api/notify_worker.c). None of these may be
 * called inside a transaction of the caller's (each is its own short one). */

/* A claimed row. body/subject/data owned by the claim: free with
 * store_notify_claim_free. */
struct store_notify_claim {
	int64_t id;
	int64_t office_id;
	int attempts; /* including this one */
	char channel[8];
	char trigger[24];
	char recipient[256];
	char *subject; /* NULL when none */
	char *body;
	json_t *data; /* the template's fields (an object) */
};
void store_notify_claim_free(struct store_notify_claim *c);

/* Claims the oldest due row of channel (state queued, not_before ≤ now)
 * whose (channel, recipient) has no earlier row queued or sending, marks it
 * sending with attempts + 1: MC_OK with *found true and *out filled, or
 * *found false when nothing is due. */
enum mc_err store_notify_claim(struct store *st, const char *channel, int64_t now,
                               struct store_notify_claim *out, bool *found, struct mc_error *err);

/* The outcome of a send, as the worker records it. */
enum store_notify_result {
	STORE_NOTIFY_SENT,      /* sent_at = now */
	STORE_NOTIFY_RETRY,     /* queued again after notify_backoff_seconds (quiet hours
	                           respected unless the consent said any_hour), or dead
	                           when attempts ≥ max_attempts */
	STORE_NOTIFY_PERMANENT, /* dead now */
};
/* Records the outcome of row id (state sending) with the provider's raw
 * answer, its message id and our one-line error (each may be NULL; cut to
 * the column's bound). *state (when not NULL) gets the new state
 * ("sent", "queued", "dead"). MC_ERR_CONFLICT when the row is not sending. */
enum mc_err store_notify_finish(struct store *st, int64_t id, enum store_notify_result result,
                                const char *answer, const char *provider_id, const char *error,
                                int64_t now, char state[8], struct mc_error *err);

/* Puts back every row left 'sending' (a crash between claim and finish) as
 * 'queued', due as it was (it was due when claimed). *count gets how
 * many. At start, before the threads. now: the instant of the recovery. */
enum mc_err store_notify_recover(struct store *st, int64_t now, int *count, struct mc_error *err);

/* The periodic scans (N3, store/notify_scan.c): reminders of uncollected
 * results and of bookings, called by the worker about once a minute
 * outside any transaction. */
enum mc_err store_notify_scan(struct store *st, int64_t now, struct mc_error *err);

/* ---- Staff (api/routes_notify.c; the supervisor page's "Tin nhắn" tab).
 * Scoped by the message's office as feedback is: a row outside who's scope
 * is not found. api/present_notify.c turns a row into the message view
 * {"id","office":{"code","name"},"trigger","channel","recipient",
 * "ref":{"kind","code"}|null,"subject","body","state","attempts",
 * "not_before","created_at","created_by","sent_at","last_error",
 * "provider_answer","provider_id","resend_of"}. */

/* One message as staff see it. Every string is owned by the row (NULL
 * where the column is NULL); notify_row_clear frees them and zeroes r. */
struct notify_row {
	int64_t id;
	char *office_code, *office_name;
	char *trigger, *channel, *recipient;
	char *ref_kind; /* "dossier" | "booking" | "feedback" | "none" (no reference) */
	char *ref_code; /* the referenced row's code, NULL when none */
	char *subject;  /* NULL when none (only e-mail has one) */
	char *body, *state;
	int64_t attempts, not_before, created_at;
	char *created_by;
	bool has_sent_at;
	int64_t sent_at;
	char *last_error, *provider_answer, *provider_id; /* NULL when none */
	int64_t resend_of;                                /* 0: not a resend */
};
void notify_row_clear(struct notify_row *r);

/* One message the intake planned, recipient masked ("0912***678",
 * "q***@example.vn"). */
struct notify_planned {
	char channel[8];
	char trigger[24];
	char recipient[400];
};
/* items owned by the list: notify_planned_free. */
struct notify_planned_list {
	struct notify_planned *items;
	size_t n;
};
void notify_planned_free(struct notify_planned_list *p);

/* The messages planned for the dossier of code (the intake's answer), in
 * order, into *out (caller frees with notify_planned_free). Empty on a
 * read error (logged): the answer of a change already committed never
 * fails on it. */
void store_notify_planned(struct store *st, const char *dossier_code,
                          struct notify_planned_list *out);

/* The list's filters as the API checked them (api/parse_notify.c): NULL
 * members absent; state, trigger and channel are known values, office a
 * code (checked against who's scope here), ref a dossier, booking or
 * feedback code; 0 ≤ offset, 1 ≤ limit ≤ 200. */
struct notify_list_query {
	const char *state, *trigger, *channel, *ref, *office;
	int64_t offset, limit;
};
/* A page of rows, newest first, and the total of rows matching. items
 * owned by the list: notify_list_free. */
struct notify_list {
	struct notify_row *items;
	size_t n;
	int64_t total, offset, limit;
};
void notify_list_free(struct notify_list *l);

/* *out a page of q's messages in who's scope. MC_ERR_NOT_FOUND
 * office_not_found (office unknown or outside the scope). */
enum mc_err store_notify_list(struct store *st, const struct principal *who,
                              const struct notify_list_query *q, struct notify_list *out,
                              struct mc_error *err);
/* One message into *out (caller clears): MC_ERR_NOT_FOUND
 * notification_not_found. */
enum mc_err store_notify_get(struct store *st, const struct principal *who, int64_t id,
                             struct notify_row *out, struct mc_error *err);
/* A sent or dead row → a new queued row (same text, recipient and data,
 * resend_of = id, due now or at the end of quiet hours unless the consent
 * said any_hour), with its event "notification.resent" on the old row's
 * office. *out: the new row (caller clears). MC_ERR_NOT_FOUND
 * notification_not_found, MC_ERR_CONFLICT notification_pending (queued or
 * sending: it will go anyway), MC_ERR_CONFLICT resend_pending (a resend of
 * id is still queued or sending). */
enum mc_err store_notify_resend(struct store *st, const struct principal *who, int64_t id,
                                int64_t now, struct notify_row *out, struct mc_error *err);
/* Each trigger's template (the setting's or the built-in one: "text",
 * "subject", "custom" true when the setting's) and a rendered example with
 * who's office (or the province's first centre): {"triggers":[{"trigger",
 * "text","subject","custom","example","off":[office codes]}],"channels":
 * ["email","sms",…],"quiet_hours":{"from","to"},"max_attempts"}. */
enum mc_err store_notify_templates(struct store *st, const struct principal *who, json_t **out,
                                   struct mc_error *err);
/* The office's check of its configuration: one row, trigger "test",
 * ref_kind "none", on channel to `to` (a phone for sms/zalo, an e-mail for
 * email), due now (quiet hours do not apply), office: who's (or the
 * province root). *out: the row (caller clears). MC_ERR_INVALID invalid_field
 * (channel, to), MC_ERR_CONFLICT channel_not_configured. */
enum mc_err store_notify_test(struct store *st, const struct principal *who, const char *channel,
                              const char *to, int64_t now, struct notify_row *out,
                              struct mc_error *err);

#endif
