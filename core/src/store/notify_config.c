/* The configuration of messages to citizens as the store keeps it: the
 * setting "notify_config" (JSON text the API validated, api/notify_config.c)
 * read with the engine's JSON functions (store/dialect.h) into the typed
 * struct notify_config (domain/notify.h), its saving with the Zalo refresh
 * token it seeds, and the event of a change. An unreadable setting counts
 * as none, as it always has. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/dialect.h"
#include "store/notify.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/enforce.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* The scalar members: quiet hours, max_attempts, reminder_days, the
 * channels configured and sms.ascii. */
static bool load_scalars(struct store_conn *c, struct notify_config *cfg)
{
	db_stmt *s = store_stmt(c, dialect_notify_config_scalars_sql(c->db));
	if (s == NULL)
		return false;
	int step = db_step(s);
	if (step == DB_ROW) {
		int from = notify_hhmm((const char *)db_column_text(s, 0));
		int to = notify_hhmm((const char *)db_column_text(s, 1));
		cfg->quiet_from = from < 0 ? NOTIFY_DEFAULT_QUIET_FROM : from;
		cfg->quiet_to = to < 0 ? NOTIFY_DEFAULT_QUIET_TO : to;
		if (db_column_int(s, 2))
			cfg->max_attempts = (int)db_column_int64(s, 3);
		int64_t days = db_column_int64(s, 5);
		if (db_column_int(s, 4) && days >= 1 && days <= 60)
			cfg->reminder_days = (int)days;
		for (int i = 0; i < NOTIFY_CHANNELS; i++)
			cfg->configured[i] = db_column_int(s, 6 + i) == 1;
		const char *ascii = (const char *)db_column_text(s, 9);
		cfg->sms_ascii = ascii == NULL || strcmp(ascii, "auto") == 0 ? NOTIFY_ASCII_AUTO
		                 : strcmp(ascii, "always") == 0              ? NOTIFY_ASCII_ALWAYS
		                                                             : NOTIFY_ASCII_NEVER;
	}
	db_reset(s);
	return step == DB_ROW || step == DB_DONE;
}

/* The custom texts and subjects (templates.<trigger>.text|subject when
 * strings) and the triggers zalo.templates names (with a string). */
static bool load_templates(struct store_conn *c, struct notify_config *cfg)
{
	db_stmt *s = store_stmt(c, dialect_notify_config_templates_sql(c->db));
	if (s == NULL)
		return false;
	int step;
	while (store_next(s, &step)) {
		int i = notify_trigger_index((const char *)db_column_text(s, 0));
		if (i < 0)
			continue;
		if (db_column_int(s, 3)) {
			cfg->zalo_template[i] = true;
			continue;
		}
		if (db_column_type(s, 1) != DB_NULL && cfg->text[i] == NULL)
			cfg->text[i] = xstrdup((const char *)db_column_text(s, 1));
		if (db_column_type(s, 2) != DB_NULL && cfg->subject[i] == NULL)
			cfg->subject[i] = xstrdup((const char *)db_column_text(s, 2));
	}
	db_reset(s);
	return step == DB_DONE;
}

/* triggers_off: each office's list (strings naming triggers), in the
 * setting's order. */
static bool load_off(struct store_conn *c, struct notify_config *cfg)
{
	db_stmt *s = store_stmt(c, dialect_notify_config_off_sql(c->db));
	if (s == NULL)
		return false;
	int step;
	size_t cap = 0;
	while (store_next(s, &step)) {
		const char *office = (const char *)db_column_text(s, 0);
		int t = notify_trigger_index((const char *)db_column_text(s, 1));
		if (office == NULL || t < 0)
			continue;
		if (cfg->n_off == 0 || strcmp(cfg->off[cfg->n_off - 1].office, office) != 0) {
			if (cfg->n_off == cap) {
				cap = cap ? 2 * cap : 4;
				cfg->off = xreallocarray(cfg->off, cap, sizeof cfg->off[0]);
			}
			cfg->off[cfg->n_off++] = (struct notify_trigger_off){xstrdup(office), 0};
		}
		cfg->off[cfg->n_off - 1].triggers |= 1u << t;
	}
	db_reset(s);
	return step == DB_DONE;
}

void store_notify_config_get(struct store *st, struct notify_config *out)
{
	struct store_conn *c = store_read_conn(st);
	notify_config_init(out);
	if (!load_scalars(c, out) || !load_templates(c, out) || !load_off(c, out)) {
		log_warn("notify_config: unreadable, nothing configured");
		notify_config_clear(out);
	}
}

bool store_notify_zalo_refresh_stored(struct store *st)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT 1 FROM notify_tokens WHERE provider = 'zalo'"
	                           " AND coalesce(refresh_token, '') <> ''");
	if (s == NULL)
		return false;
	bool found = db_step(s) == DB_ROW;
	db_reset(s);
	return found;
}

static void sha256_hex(const char *s, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, 65, d, sizeof d);
}

enum mc_err store_notify_token_write(struct store *st, const char *provider, const char *access,
                                     const char *refresh, int64_t expires_at, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(
	    c, "INSERT INTO notify_tokens (provider, access_token, refresh_token, expires_at,"
	       " updated_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (provider) DO UPDATE SET"
	       " access_token = coalesce(?2, notify_tokens.access_token),"
	       " refresh_token = coalesce(?3, notify_tokens.refresh_token),"
	       " expires_at = CASE WHEN ?2 IS NULL THEN notify_tokens.expires_at ELSE ?4 END,"
	       " updated_at = ?5");
	if (s == NULL)
		return store_sql_error(c, "notify token", err);
	db_bind_text(s, 1, provider, -1, DB_STATIC);
	if (access)
		db_bind_text(s, 2, access, -1, DB_STATIC);
	if (refresh)
		db_bind_text(s, 3, refresh, -1, DB_STATIC);
	db_bind_int64(s, 4, expires_at);
	db_bind_int64(s, 5, clock_now());
	return store_step(c, s, "notify token", err);
}

/* The bundle's Zalo refresh token seeds the stored one only when it differs
 * from what the bundle seeded last: the adapter's refreshed token (which
 * the provider changes at every refresh) wins otherwise. */
static enum mc_err seed_zalo(struct store *st, const char *refresh, struct mc_error *err)
{
	char hash[65], quoted[70];
	enum mc_err rc;
	sha256_hex(refresh, hash);
	snprintf(quoted, sizeof quoted, "\"%s\"", hash);
	char *last = store_setting_get(st, "notify_zalo_seed");
	bool same = last && strcmp(last, quoted) == 0;
	free(last);
	if (same)
		return MC_OK;
	if ((rc = store_notify_token_write(st, "zalo", NULL, refresh, 0, err)) ||
	    (rc = store_setting_set(st, "notify_zalo_seed", quoted, err)))
		return rc;
	/* A new refresh token makes the old access token useless. */
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "UPDATE notify_tokens SET access_token = NULL,"
	                           " expires_at = 0 WHERE provider = 'zalo'");
	if (s == NULL)
		return store_sql_error(c, "notify token", err);
	return store_step(c, s, "notify token", err);
}

enum mc_err store_notify_config_save(struct store *st, const char *text, const char *zalo_refresh,
                                     struct mc_error *err)
{
	ENFORCE(store_in_transaction(st), "the outbox is written in the transaction of its change");
	enum mc_err rc;
	if (zalo_refresh && (rc = seed_zalo(st, zalo_refresh, err)))
		return rc;
	return store_setting_set(st, "notify_config", text ? text : "{}", err);
}

enum mc_err store_notify_config_event(struct store *st, const char *actor, const char *details,
                                      struct mc_error *err)
{
	int64_t ev = store_event_append(st, actor ? actor : "system", "settings", "notifications",
	                                "settings.set", details, false, err);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}
