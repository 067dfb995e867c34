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

#include <stdbool.h>
#include <stdint.h>

#include "domain/notify.h"
#include "domain/principal.h"
#include "store/store.h"

/* ---- Configuration: the bundle's "notifications" section, kept as JSON
 * text in the setting "notify_config" (spec: quiet_hours, max_attempts,
 * reminder_days, triggers_off, templates, email, sms, zalo). The API
 * validates and merges it (api/notify_config.c); the store keeps the text
 * and reads what it decides with into struct notify_config
 * (domain/notify.h) with SQLite's JSON functions (store/notify_config.c). */

/* The configuration in force into *out (caller: notify_config_clear). On
 * the caller's connection (the writer inside a transaction: it sees the
 * transaction's own change). Nothing configured when the setting is absent
 * or unreadable (logged). */
void store_notify_config_get(struct store *st, struct notify_config *out);

/* Writes text (JSON text the API validated; NULL: "{}", nothing configured)
 * as the setting, inside the caller's write transaction. zalo_refresh (or
 * NULL): the bundle's Zalo refresh token, which seeds notify_tokens('zalo')
 * (and forgets the access token) only when it differs from the one the
 * bundle gave last: otherwise the stored one (refreshed by the adapter)
 * wins. A database error, the caller rolls back. */
enum mc_err store_notify_config_save(struct store *st, const char *text, const char *zalo_refresh,
                                     struct mc_error *err);

/* Appends the event of a configuration change ("settings",
 * "notifications", "settings.set") with details (JSON text, secrets
 * already masked by the caller), in the caller's transaction. */
enum mc_err store_notify_config_event(struct store *st, const char *actor, const char *details,
                                      struct mc_error *err);

/* Whether a Zalo refresh token is stored (the configuration may then omit
 * zalo.refresh_token). */
bool store_notify_zalo_refresh_stored(struct store *st);

/* Writes the tokens row inside the caller's transaction (a NULL member
 * keeps the stored one; expires_at changes with the access token). */
enum mc_err store_notify_token_write(struct store *st, const char *provider, const char *access,
                                     const char *refresh, int64_t expires_at, struct mc_error *err);

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
 * fields: "office" is filled from office_id; when "link" is absent
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
	const char *consent;               /* the row's notify JSON text, or NULL */
	const char *phone;                 /* 0xxxxxxxxx or NULL */
	const char *email;                 /* or NULL */
	const struct notify_field *fields; /* borrowed: "code","name","procedure",
	                                      "appointment","items","reason","link","slot",
	                                      "group","answer","secret"… (NULL values skipped) */
	size_t n_fields;
	const char *actor; /* "user:7", "public", "system" */
};
enum mc_err store_notify_enqueue(struct store *st, const struct notify_request *rq,
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
	char *data; /* the template's fields: a JSON object's text */
};
void store_notify_claim_free(struct store_notify_claim *c);

/* Claims the oldest due row of channel (state queued, not_before ≤ now)
 * whose (channel, recipient) has no earlier row queued or sending, marks it
 * sending with attempts + 1, claimed by this server (store_instance) at now:
 * MC_OK with *found true and *out filled, or *found false when nothing is
 * due. The select and the mark are one write transaction (on PostgreSQL
 * under the event lock, the row locked: store/dialect.h), so two servers
 * never claim one message. The claimed row is then this server's worker's
 * alone until store_notify_finish records its outcome (which ends the
 * claim); no other server sends it or takes it back within
 * STORE_CLAIM_LEASE_SECONDS (store/store.h). */
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

/* Puts back the rows left 'sending' (a crash between claim and finish) as
 * 'queued', due as it was (it was due when claimed), of this server only:
 * claimed by its own instance, by nobody (an older program's), or before
 * now − STORE_CLAIM_LEASE_SECONDS by any server (one that died). Another
 * server's message in flight is left to it (sent once). *count gets how
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
 * order, into *out (caller frees with notify_planned_free): read on the
 * writer inside the intake's transaction, after it planned them, so the
 * answer and the change come from one visit to the store. MC_OK, or the
 * error with *out empty (the caller rolls back). */
enum mc_err store_notify_planned(struct store *st, const char *dossier_code,
                                 struct notify_planned_list *out, struct mc_error *err);

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
/* One trigger's template as the templates route shows it. */
struct notify_template_view {
	const char *trigger;        /* static (notify_triggers) */
	const char *text, *subject; /* the setting's or the built-in one: borrowed from the
	                               notify_templates' cfg or static */
	bool custom;                /* the text or the subject is the setting's */
	char *example;              /* text rendered with example values; owned */
	char *example_subject;      /* owned */
	int sms_parts;              /* the SMS parts the example needs */
	const char **off;           /* the office codes it is switched off for (borrowed from
	                               cfg; the array owned) */
	size_t n_off;
};
/* Each trigger's template (the setting's or the built-in one) and a
 * rendered example with who's office (or the province's first centre);
 * cfg gives the channels configured, the quiet hours and max_attempts.
 * notify_templates_clear frees all. */
struct notify_templates {
	struct notify_config cfg;
	struct notify_template_view items[NOTIFY_TRIGGER_COUNT];
	size_t n;
};
void notify_templates_clear(struct notify_templates *t);
/* *out filled (caller clears); MC_OK always (a read error shows the
 * defaults). */
enum mc_err store_notify_templates(struct store *st, const struct principal *who,
                                   struct notify_templates *out, struct mc_error *err);
/* The office's check of its configuration: one row, trigger "test",
 * ref_kind "none", on channel to `to` (a phone for sms/zalo, an e-mail for
 * email), due now (quiet hours do not apply), office: who's (or the
 * province root). *out: the row (caller clears). MC_ERR_INVALID invalid_field
 * (channel, to), MC_ERR_CONFLICT channel_not_configured. */
enum mc_err store_notify_test(struct store *st, const struct principal *who, const char *channel,
                              const char *to, int64_t now, struct notify_row *out,
                              struct mc_error *err);

#endif
