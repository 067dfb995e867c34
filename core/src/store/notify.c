/* The outbox of messages to citizens (store/notify.h): writing messages in
 * the transaction of their change, and the provider tokens. The worker's
 * side is store/notify_outbox.c, staff's store/notify_staff.c, the
 * configuration store/notify_config.c. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/applicant.h"
#include "store/dialect.h"
#include "store/office.h"
#include "store/print.h"
#include "store/scan.h"
#include "store/notify_internal.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/enforce.h"
#include "util/jsontext.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* ---- Writing messages --------------------------------------------------- */

/* Whether trigger is switched off in cfg for office_id or an office above
 * it, into *off. MC_OK, or the database error (err filled): a message is
 * never planned on a read that failed. */
static enum mc_err trigger_off(struct store_conn *c, const struct notify_config *cfg,
                               int64_t office_id, const char *trigger, bool *off,
                               struct mc_error *err)
{
	*off = false;
	if (cfg->n_off == 0)
		return MC_OK;
	db_stmt *s = store_stmt(c, "SELECT o.code FROM office_paths p JOIN offices o"
	                           " ON o.id = p.ancestor_id WHERE p.office_id = ?");
	if (s == NULL)
		return store_sql_error(c, "trigger_off", err);
	db_bind_int64(s, 1, office_id);
	int step;
	while (!*off && store_next(s, &step))
		*off = notify_config_trigger_off(cfg, store_col_text(s, 0), trigger);
	return store_scan_end(c, s, step, "trigger_off", err);
}

/* The office's name into out ("" when none). */
static void office_name(struct store_conn *c, int64_t id, char *out, size_t len)
{
	out[0] = '\0';
	db_stmt *s = store_stmt(c, "SELECT name FROM offices WHERE id = ?");
	if (s == NULL)
		return;
	db_bind_int64(s, 1, id);
	if (db_step(s) == DB_ROW)
		snprintf(out, len, "%s", store_col_text(s, 0));
	db_reset(s);
}

/* Appends s to b percent-encoded (RFC 3986: every byte but the unreserved
 * characters), with libcurl's encoder, the one every URL of ours uses. */
static void url_escape_append(char *b, size_t len, const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	if (e == NULL)
		return;
	size_t pos = strlen(b);
	snprintf(b + pos, len - pos, "%s", e);
	curl_free(e);
}

/* The value of the field called name in f[0..n), or NULL. */
static const char *field_get(const struct notify_field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return f[i].value;
	return NULL;
}

/* Sets name to value in d (replacing a field so named). */
static void data_set(struct notify_data *d, const char *name, const char *value)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->f[i].name, name) == 0) {
			d->f[i].value = value;
			return;
		}
	if (d->n < NOTIFY_DATA_MAX)
		d->f[d->n++] = (struct notify_field){name, value};
}

void notify_data_fill(struct store *st, struct store_conn *c, int64_t office_id,
                      const struct notify_field *fields, size_t n, struct notify_data *d)
{
	d->n = 0;
	for (size_t i = 0; i < n; i++)
		if (fields[i].value && strcmp(fields[i].name, "secret") != 0)
			data_set(d, fields[i].name, fields[i].value);
	office_name(c, office_id, d->office, sizeof d->office);
	data_set(d, "office", d->office);
	const char *code = field_get(fields, n, "code");
	char *pub = store_public_url(st);
	if (field_get(d->f, d->n, "link") == NULL && code && pub) {
		const char *secret = field_get(fields, n, "secret");
		size_t len = strlen(pub);
		while (len > 0 && pub[len - 1] == '/')
			len--;
		snprintf(d->link, sizeof d->link, "%.*s/status?code=", (int)(len > 300 ? 300 : len),
		         pub);
		url_escape_append(d->link, sizeof d->link, code);
		if (secret && *secret) {
			strncat(d->link, "&secret=", sizeof d->link - strlen(d->link) - 1);
			url_escape_append(d->link, sizeof d->link, secret);
		}
		data_set(d, "link", d->link);
	}
	free(pub);
}

static int field_cmp(const void *a, const void *b)
{
	return strcmp(((const struct notify_field *)a)->name,
	              ((const struct notify_field *)b)->name);
}

char *notify_data_text(const struct notify_data *d)
{
	struct notify_field sorted[NOTIFY_DATA_MAX];
	memcpy(sorted, d->f, d->n * sizeof d->f[0]);
	qsort(sorted, d->n, sizeof sorted[0], field_cmp);
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	for (size_t i = 0; i < d->n; i++)
		jt_str(&j, sorted[i].name, sorted[i].value);
	jt_end(&j);
	return jt_finish(&j);
}

/* Cuts the UTF-8 text s in place after max characters. */
static void cut_in_place(char *s, size_t max)
{
	size_t n = 0;
	for (char *p = s; *p; p++)
		if (((unsigned char)*p & 0xC0) != 0x80 && n++ == max) {
			*p = '\0';
			return;
		}
}

void notify_data_render(const struct notify_config *cfg, const char *trigger,
                        const struct notify_data *d, char *body, char *subject)
{
	notify_render(notify_config_text(cfg, trigger, NULL), d->f, d->n, body, NOTIFY_TEXT_BYTES);
	notify_render(notify_config_subject(cfg, trigger, NULL), d->f, d->n, subject,
	              NOTIFY_SUBJECT_MAX * 4 + 1);
	cut_in_place(subject, NOTIFY_SUBJECT_MAX); /* the column holds 300 */
}

enum mc_err notify_insert_row(struct store *st, const struct notify_new_row *r, int64_t *id,
                              struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	const char *actor = r->actor ? r->actor : "system";
	db_stmt *s = store_stmt(
	    c,
	    "INSERT INTO notifications (office_id, trigger, channel, recipient, ref_kind, ref_id,"
	    " subject, body, data, not_before, created_at, created_by, resend_of)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return store_sql_error(c, "notification", err);
	db_bind_int64(s, 1, r->office_id);
	db_bind_text(s, 2, r->trigger, -1, DB_STATIC);
	db_bind_text(s, 3, r->channel, -1, DB_STATIC);
	db_bind_text(s, 4, r->recipient, -1, DB_STATIC);
	db_bind_text(s, 5, r->ref_kind, -1, DB_STATIC);
	if (r->ref_id)
		db_bind_int64(s, 6, r->ref_id);
	if (r->subject)
		db_bind_text(s, 7, r->subject, -1, DB_STATIC);
	db_bind_text(s, 8, r->body, -1, DB_STATIC);
	db_bind_text(s, 9, r->data, -1, DB_STATIC);
	db_bind_int64(s, 10, r->not_before);
	db_bind_int64(s, 11, r->now);
	db_bind_text(s, 12, actor, -1, DB_STATIC);
	if (r->resend_of)
		db_bind_int64(s, 13, r->resend_of);
	enum mc_err rc = store_step(c, s, "notification", err);
	if (rc)
		return rc;
	*id = db_last_insert_id(c->db);
	char eid[24];
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_str(&j, "channel", r->channel);
	jt_str(&j, "ref_kind", r->ref_kind);
	if (r->resend_of)
		jt_int(&j, "resend_of", r->resend_of);
	jt_str(&j, "trigger", r->trigger);
	jt_end(&j);
	char *details = jt_finish(&j);
	snprintf(eid, sizeof eid, "%lld", (long long)*id);
	store_event_office(st, r->office_id);
	int64_t ev =
	    store_event_append(st, actor, "notification", eid, r->action, details, false, err);
	free(details);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

/* The citizen's consent (the row's notify text, as notify_consent_parse
 * wrote it) read with SQL (store/dialect.h): the channels named, in order
 * (at most 8), and any_hour. Nothing for a text that is not a consent. */
struct consent {
	char channel[8][8];
	size_t n;
	bool any_hour;
};
static enum mc_err consent_read(struct store_conn *c, const char *text, struct consent *out,
                                struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	db_stmt *s = store_stmt(c, dialect_notify_consent_sql(c->db));
	if (s == NULL)
		return store_sql_error(c, "consent", err);
	db_bind_text(s, 1, text, -1, DB_STATIC);
	int step;
	while (store_next(s, &step)) {
		out->any_hour = db_column_int(s, 1) == 1;
		if (out->n < sizeof out->channel / sizeof out->channel[0])
			snprintf(out->channel[out->n++], sizeof out->channel[0], "%s",
			         store_col_text(s, 0));
	}
	return store_scan_end(c, s, step, "consent", err);
}

/* rq's recipient on channel into out (256 bytes): the e-mail as given, a
 * phone in its 84… form. false when rq has none valid for the channel. */
static bool recipient_of(const struct notify_request *rq, const char *channel, char out[256])
{
	if (strcmp(channel, "email") == 0) {
		if (rq->email == NULL || !applicant_email_valid(rq->email))
			return false;
		snprintf(out, 256, "%s", rq->email);
		return true;
	}
	char local[APPLICANT_PHONE_MAX], intl[16];
	if (rq->phone == NULL || !applicant_phone_normalize(rq->phone, local) ||
	    !notify_phone_international(local, intl))
		return false;
	snprintf(out, 256, "%s", intl);
	return true;
}

/* Writes one row of rq on each channel of the consent that cfg allows. */
static enum mc_err enqueue_channels(struct store *st, const struct notify_request *rq,
                                    const struct notify_config *cfg, const struct consent *cs,
                                    const struct notify_data *d, struct mc_error *err)
{
	char *body = xmalloc(NOTIFY_TEXT_BYTES), *plain = xmalloc(NOTIFY_TEXT_BYTES);
	char *subject = xmalloc(NOTIFY_TEXT_BYTES), *text = notify_data_text(d);
	int t = notify_trigger_index(rq->trigger);
	int64_t now = clock_now();
	enum mc_err rc = MC_OK;
	notify_data_render(cfg, rq->trigger, d, body, subject);
	for (size_t i = 0; i < cs->n && rc == MC_OK; i++) {
		const char *channel = cs->channel[i];
		int ch = notify_channel_of(channel);
		char recipient[256];
		if (ch < 0 || !cfg->configured[ch] || !recipient_of(rq, channel, recipient))
			continue;
		if (ch == NOTIFY_ZALO && !cfg->zalo_template[t])
			continue;
		bool ascii = ch == NOTIFY_SMS && notify_sms_use_ascii(cfg->sms_ascii, body);
		if (ascii)
			notify_ascii(body, plain, NOTIFY_TEXT_BYTES);
		struct notify_new_row row = {
		    .office_id = rq->office_id,
		    .trigger = rq->trigger,
		    .channel = channel,
		    .recipient = recipient,
		    .ref_kind = rq->ref_kind,
		    .ref_id = rq->ref_id,
		    .subject = ch == NOTIFY_EMAIL ? subject : NULL,
		    .body = ascii ? plain : body,
		    .data = text,
		    .not_before = cs->any_hour
		                      ? now
		                      : notify_config_quiet_next(cfg, now, CLOCK_OFFICE_UTC_OFFSET),
		    .now = now,
		    .actor = rq->actor,
		    .action = "notification.queued",
		};
		int64_t id;
		rc = notify_insert_row(st, &row, &id, err);
	}
	free(body);
	free(plain);
	free(subject);
	free(text);
	return rc;
}

enum mc_err store_notify_enqueue(struct store *st, const struct notify_request *rq,
                                 struct mc_error *err)
{
	ENFORCE(store_in_transaction(st), "the outbox is written in the transaction of its change");
	if (rq->consent == NULL || !notify_trigger_valid(rq->trigger))
		return MC_OK;
	struct store_conn *c = store_write_conn(st);
	struct consent cs;
	enum mc_err rc = consent_read(c, rq->consent, &cs, err);
	if (rc || cs.n == 0)
		return rc;
	struct notify_config cfg;
	store_notify_config_get(st, &cfg);
	bool off;
	if ((rc = trigger_off(c, &cfg, rq->office_id, rq->trigger, &off, err)) == MC_OK && !off) {
		struct notify_data *d = xmalloc(sizeof *d);
		notify_data_fill(st, c, rq->office_id, rq->fields, rq->n_fields, d);
		rc = enqueue_channels(st, rq, &cfg, &cs, d, err);
		free(d);
	}
	notify_config_clear(&cfg);
	return rc;
}

/* ---- Provider tokens ---------------------------------------------------- */

enum mc_err store_notify_token_get(struct store *st, const char *provider,
                                   struct store_notify_token *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT access_token, refresh_token, expires_at"
	                           " FROM notify_tokens WHERE provider = ?");
	if (s == NULL)
		return store_sql_error(c, "notify token", err);
	db_bind_text(s, 1, provider, -1, DB_STATIC);
	int step = db_step(s);
	if (step == DB_ROW) {
		snprintf(out->access_token, sizeof out->access_token, "%s", store_col_text(s, 0));
		snprintf(out->refresh_token, sizeof out->refresh_token, "%s", store_col_text(s, 1));
		out->expires_at = db_column_int64(s, 2);
	}
	db_reset(s);
	if (step == DB_ROW)
		return MC_OK;
	if (step != DB_DONE)
		return store_sql_error(c, "notify token", err);
	return mc_fail(err, MC_ERR_NOT_FOUND, "token_not_found", "Chưa có mã truy cập",
	               "no token stored for this provider");
}

enum mc_err store_notify_token_put(struct store *st, const char *provider, const char *access,
                                   const char *refresh, int64_t expires_at, struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	if ((rc = store_notify_token_write(st, provider, access, refresh, expires_at, err))) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}
