/* The outbox of messages to citizens (store/notify.h): the configuration,
 * consent, writing messages, the provider tokens, the worker's claim and
 * finish, and the staff's list, resend, templates and test. */
#include "store/notify.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/applicant.h"
#include "store/office.h"
#include "store/print.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/enforce.h"
#include "util/log.h"
#include "util/xmalloc.h"

static const char *const notify_channels[] = {"email", "sms", "zalo", NULL};

/* ---- Configuration ---------------------------------------------------- */

static enum mc_err cfg_unknown(struct mc_error *err, const char *path, const char *key)
{
	return mc_failf(err, MC_ERR_INVALID, "unknown_setting", "Thiết lập không được hỗ trợ",
	                "unknown setting 'notifications.%s%.60s'", path, key);
}

static enum mc_err cfg_invalid(struct mc_error *err, const char *path, const char *what)
{
	return mc_failf(err, MC_ERR_INVALID, "invalid_setting", "Giá trị thiết lập không hợp lệ",
	                "setting 'notifications.%s' %s", path, what);
}

/* Characters (code points) in s. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* A string member of at most max bytes without control characters. */
static bool cfg_str_ok(json_t *v, size_t max)
{
	const char *s = json_string_value(v);
	if (s == NULL || *s == '\0' || strlen(s) > max || strlen(s) != json_string_length(v))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20)
			return false;
	return true;
}

/* A URL starting with one of the two schemes, without spaces. */
static bool cfg_url_ok(json_t *v, const char *scheme1, const char *scheme2)
{
	const char *s = json_string_value(v);
	if (!cfg_str_ok(v, 500) || strpbrk(s, " \t\"<>") != NULL)
		return false;
	return strncmp(s, scheme1, strlen(scheme1)) == 0 ||
	       strncmp(s, scheme2, strlen(scheme2)) == 0;
}

/* Whether s is an e-mail address or "Name <address>": one '@' with
 * something on each side and no space in the address. */
static bool cfg_address_ok(const char *s)
{
	const char *lt = strrchr(s, '<');
	size_t n = strlen(s);
	if (lt != NULL) {
		if (n == 0 || s[n - 1] != '>')
			return false;
		s = lt + 1;
		n = strlen(s) - 1;
	}
	const char *at = memchr(s, '@', n);
	if (at == NULL || at == s || at == s + n - 1 || memchr(at + 1, '@', s + n - at - 1))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '<' || s[i] == '>')
			return false;
	return true;
}

static bool cfg_int_ok(json_t *v, json_int_t min, json_int_t max)
{
	return json_is_integer(v) && json_integer_value(v) >= min && json_integer_value(v) <= max;
}

/* One channel's object: each key of keys with its kind ('u' url of the
 * channel's schemes, 's' string ≤ 300, 'S' secret string ≤ 2000, 't'
 * timeout 1..120, 'b' brand, 'a' ascii, 'f' the sms field names, 'z' the
 * zalo templates, 'o' a string or a number). */
struct cfg_key {
	const char *key;
	char kind;
	bool required; /* the adapter cannot send without it */
};

static enum mc_err cfg_channel(json_t *obj, const char *name, const struct cfg_key *keys,
                               const char *s1, const char *s2, struct mc_error *err)
{
	char path[64];
	const char *key;
	json_t *v;
	if (!json_is_object(obj))
		return cfg_invalid(err, name, "must be an object");
	/* What the channel's adapter cannot send without (docs/notifications.md
	 * marks them): refused now rather than failing every message later. */
	for (size_t i = 0; keys[i].key; i++) {
		if (!keys[i].required || json_object_get(obj, keys[i].key) != NULL)
			continue;
		snprintf(path, sizeof path, "%s.%s", name, keys[i].key);
		return cfg_invalid(err, path, "is required");
	}
	json_object_foreach(obj, key, v)
	{
		size_t i;
		for (i = 0; keys[i].key; i++)
			if (strcmp(keys[i].key, key) == 0)
				break;
		snprintf(path, sizeof path, "%s.", name);
		if (keys[i].key == NULL)
			return cfg_unknown(err, path, key);
		snprintf(path, sizeof path, "%s.%.40s", name, key);
		switch (keys[i].kind) {
		case 'u':
			if (!cfg_url_ok(v, s1, s2))
				return cfg_invalid(err, path,
				                   s1[0] == 's' ? "must be an smtp(s):// URL"
				                                : "must be an http(s):// URL");
			break;
		case 's':
			if (!cfg_str_ok(v, 300))
				return cfg_invalid(err, path, "must be a string of 1-300 bytes");
			break;
		case 'm':
			if (!cfg_str_ok(v, 300) || !cfg_address_ok(json_string_value(v)))
				return cfg_invalid(
				    err, path,
				    "must hold an e-mail address "
				    "(\"name@example.vn\" or \"Name <name@example.vn>\")");
			break;
		case 'S':
			if (!cfg_str_ok(v, 2000))
				return cfg_invalid(err, path, "must be a string of 1-2000 bytes");
			break;
		case 't':
			if (!cfg_int_ok(v, 1, 120))
				return cfg_invalid(err, path,
				                   "must be an integer 1..120 (seconds)");
			break;
		case 'b':
			/* Decree 91/2020: a brandname is at most 11 characters. */
			if (!cfg_str_ok(v, 44) || utf8_len(json_string_value(v)) > 11)
				return cfg_invalid(err, path, "must be 1-11 characters");
			break;
		case 'a': {
			const char *a = json_string_value(v);
			if (a == NULL ||
			    (strcmp(a, "auto") && strcmp(a, "always") && strcmp(a, "never")))
				return cfg_invalid(err, path, "must be auto, always or never");
			break;
		}
		case 'o':
			if (!cfg_str_ok(v, 100) && !json_is_integer(v))
				return cfg_invalid(err, path, "must be a string or an integer");
			break;
		case 'f': {
			static const char *const f[] = {"phone", "text", "brand", "request_id",
			                                NULL};
			const char *fk;
			json_t *fv;
			if (!json_is_object(v))
				return cfg_invalid(err, path, "must be an object");
			json_object_foreach(v, fk, fv)
			{
				size_t j;
				for (j = 0; f[j]; j++)
					if (strcmp(f[j], fk) == 0)
						break;
				if (f[j] == NULL)
					return cfg_unknown(err, "sms.fields.", fk);
				if (!cfg_str_ok(fv, 64))
					return cfg_invalid(err, path,
					                   "members must be strings of 1-64 bytes");
			}
			break;
		}
		case 'z': {
			const char *tk;
			json_t *tv;
			if (!json_is_object(v))
				return cfg_invalid(err, path, "must be an object");
			json_object_foreach(v, tk, tv)
			{
				if (!notify_trigger_valid(tk))
					return cfg_unknown(err, "zalo.templates.", tk);
				if (!cfg_str_ok(tv, 64))
					return cfg_invalid(err, path,
					                   "members must be template ids");
			}
			break;
		}
		}
	}
	return MC_OK;
}

static const struct cfg_key email_keys[] = {
    {"url", 'u', true},       {"from", 'm', true},       {"username", 's', false},
    {"password", 'S', false}, {"timeout_s", 't', false}, {NULL, 0, false},
};
static const struct cfg_key sms_keys[] = {
    {"url", 'u', true},       {"token", 'S', false},     {"brand", 'b', false},
    {"ascii", 'a', false},    {"fields", 'f', false},    {"ok_field", 's', false},
    {"ok_value", 'o', false}, {"timeout_s", 't', false}, {NULL, 0, false},
};
/* zalo.refresh_token: required unless one is stored already (cfg_validate). */
static const struct cfg_key zalo_keys[] = {
    {"url", 'u', true},
    {"token_url", 'u', true},
    {"app_id", 's', true},
    {"secret_key", 'S', true},
    {"refresh_token", 'S', false},
    {"templates", 'z', false},
    {"timeout_s", 't', false},
    {NULL, 0, false},
};

/* The members of each channel that are secrets (never returned). */
static const char *const secret_keys[][2] = {
    {"email", "password"},
    {"sms", "token"},
    {"zalo", "secret_key"},
    {"zalo", "refresh_token"},
};

/* Whether a Zalo refresh token is stored (on the writer: called inside the
 * configuration's transaction). */
static bool zalo_refresh_stored(struct store *st)
{
	struct store_conn *c = store_write_conn(st);
	sqlite3_stmt *s = store_stmt(c, "SELECT 1 FROM notify_tokens WHERE provider = 'zalo'"
	                                " AND coalesce(refresh_token, '') <> ''");
	if (s == NULL)
		return false;
	bool found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	return found;
}

static enum mc_err cfg_validate(struct store *st, json_t *cfg, struct mc_error *err)
{
	const char *key;
	json_t *v;
	enum mc_err rc;
	if (!json_is_object(cfg))
		return cfg_invalid(err, "", "must be an object");
	json_object_foreach(cfg, key, v)
	{
		if (strcmp(key, "quiet_hours") == 0) {
			if (!json_is_object(v) || json_object_size(v) != 2 ||
			    notify_hhmm(json_string_value(json_object_get(v, "from"))) < 0 ||
			    notify_hhmm(json_string_value(json_object_get(v, "to"))) < 0)
				return cfg_invalid(err, "quiet_hours",
				                   "must be {\"from\":\"HH:MM\",\"to\":\"HH:MM\"}");
		} else if (strcmp(key, "max_attempts") == 0) {
			if (!cfg_int_ok(v, 1, 50))
				return cfg_invalid(err, key, "must be an integer 1..50");
		} else if (strcmp(key, "reminder_days") == 0) {
			if (!cfg_int_ok(v, 1, 60))
				return cfg_invalid(err, key,
				                   "must be an integer 1..60 (working days)");
		} else if (strcmp(key, "triggers_off") == 0) {
			const char *office;
			json_t *list;
			if (!json_is_object(v))
				return cfg_invalid(err, key, "must be an object of office codes");
			json_object_foreach(v, office, list)
			{
				size_t i;
				json_t *t;
				if (store_office_id(st, office) == 0)
					return mc_failf(
					    err, MC_ERR_INVALID, "invalid_setting",
					    "Giá trị thiết lập không hợp lệ",
					    "setting 'notifications.triggers_off': no office "
					    "'%.60s'",
					    office);
				if (!json_is_array(list))
					return cfg_invalid(
					    err, "triggers_off",
					    "must map office codes to lists of triggers");
				json_array_foreach(list, i, t)
				{
					if (!notify_trigger_valid(json_string_value(t)))
						return cfg_invalid(err, "triggers_off",
						                   "names an unknown trigger");
				}
			}
		} else if (strcmp(key, "templates") == 0) {
			const char *trig;
			json_t *tv;
			if (!json_is_object(v))
				return cfg_invalid(err, key, "must be an object of triggers");
			json_object_foreach(v, trig, tv)
			{
				char path[64];
				if (!notify_trigger_valid(trig))
					return cfg_unknown(err, "templates.", trig);
				snprintf(path, sizeof path, "templates.%s", trig);
				const char *k;
				json_t *x;
				if (!json_is_object(tv) || json_object_size(tv) == 0)
					return cfg_invalid(err, path,
					                   "must be {\"text\",\"subject\"}");
				json_object_foreach(tv, k, x)
				{
					const char *s = json_string_value(x);
					if (strcmp(k, "text") && strcmp(k, "subject"))
						return cfg_unknown(err, "templates.", k);
					if (s == NULL || strlen(s) != json_string_length(x) ||
					    !notify_template_check(s, NULL) ||
					    (strcmp(k, "subject") == 0 &&
					     utf8_len(s) > NOTIFY_SUBJECT_MAX))
						return cfg_invalid(
						    err, path,
						    "must be a text of at most 1000 characters "
						    "(200 for a "
						    "subject) whose {placeholders} are known");
				}
			}
		} else if (strcmp(key, "email") == 0) {
			if ((rc = cfg_channel(v, key, email_keys, "smtp://", "smtps://", err)))
				return rc;
		} else if (strcmp(key, "sms") == 0) {
			if ((rc = cfg_channel(v, key, sms_keys, "http://", "https://", err)))
				return rc;
		} else if (strcmp(key, "zalo") == 0) {
			if ((rc = cfg_channel(v, key, zalo_keys, "http://", "https://", err)))
				return rc;
			if (json_object_get(v, "refresh_token") == NULL && !zalo_refresh_stored(st))
				return cfg_invalid(err, "zalo.refresh_token",
				                   "is required (no refresh token is stored yet)");
		} else {
			return cfg_unknown(err, "", key);
		}
	}
	return MC_OK;
}

static void sha256_hex(const char *s, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, 65, d, sizeof d);
}

/* Writes the tokens row on the writer (inside a transaction). */
static enum mc_err token_write(struct store *st, const char *provider, const char *access,
                               const char *refresh, int64_t expires_at, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	sqlite3_stmt *s = store_stmt(
	    c, "INSERT INTO notify_tokens (provider, access_token, refresh_token, expires_at,"
	       " updated_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (provider) DO UPDATE SET"
	       " access_token = coalesce(?2, access_token),"
	       " refresh_token = coalesce(?3, refresh_token),"
	       " expires_at = CASE WHEN ?2 IS NULL THEN expires_at ELSE ?4 END,"
	       " updated_at = ?5");
	if (s == NULL)
		return store_sql_error(c, "notify token", err);
	sqlite3_bind_text(s, 1, provider, -1, SQLITE_STATIC);
	if (access)
		sqlite3_bind_text(s, 2, access, -1, SQLITE_STATIC);
	if (refresh)
		sqlite3_bind_text(s, 3, refresh, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, expires_at);
	sqlite3_bind_int64(s, 5, clock_now());
	return store_step(c, s, "notify token", err);
}

enum mc_err store_notify_config_set(struct store *st, json_t *cfg, struct mc_error *err)
{
	ENFORCE(store_in_transaction(st), "the outbox is written in the transaction of its change");
	enum mc_err rc;
	if (cfg == NULL || json_is_null(cfg))
		return store_setting_set(st, "notify_config", "{}", err);
	if ((rc = cfg_validate(st, cfg, err)))
		return rc;
	/* The bundle's Zalo refresh token seeds the stored one only when it
	 * differs from what the bundle seeded last: the adapter's refreshed
	 * token (which the provider changes at every refresh) wins otherwise. */
	const char *refresh =
	    json_string_value(json_object_get(json_object_get(cfg, "zalo"), "refresh_token"));
	if (refresh) {
		char hash[65], quoted[70];
		sha256_hex(refresh, hash);
		snprintf(quoted, sizeof quoted, "\"%s\"", hash);
		char *last = store_setting_get(st, "notify_zalo_seed");
		bool same = last && strcmp(last, quoted) == 0;
		free(last);
		if (!same && ((rc = token_write(st, "zalo", NULL, refresh, 0, err)) ||
		              (rc = store_setting_set(st, "notify_zalo_seed", quoted, err))))
			return rc;
		/* A new refresh token makes the old access token useless. */
		if (!same) {
			struct store_conn *c = store_write_conn(st);
			sqlite3_stmt *s =
			    store_stmt(c, "UPDATE notify_tokens SET access_token = NULL,"
			                  " expires_at = 0 WHERE provider = 'zalo'");
			if (s == NULL || (rc = store_step(c, s, "notify token", err)))
				return s ? rc : store_sql_error(c, "notify token", err);
		}
	}
	char *text = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
	rc = store_setting_set(st, "notify_config", text, err);
	free(text);
	return rc;
}

enum mc_err store_notify_setup(struct store *st, const struct principal *who, json_t *bundle,
                               struct mc_error *err)
{
	json_t *section = json_object_get(bundle, "notifications");
	if (section == NULL)
		return MC_OK;
	/* Merged at the top level into what is configured: a key or channel
	 * absent from the section keeps its value, one set to null is removed,
	 * one given replaces the stored one whole. A null section clears all. */
	json_t *cfg;
	if (json_is_object(section)) {
		const char *key;
		json_t *v;
		cfg = store_notify_config(st);
		json_object_foreach(section, key, v)
		{
			if (json_is_null(v))
				json_object_del(cfg, key);
			else
				json_object_set(cfg, key, v);
		}
	} else {
		cfg = json_incref(section);
	}
	enum mc_err rc = store_notify_config_set(st, cfg, err);
	json_decref(cfg);
	if (rc)
		return rc;
	json_t *pub = store_notify_config_public(st);
	char *details = json_dumps(pub, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(pub);
	int64_t ev = store_event_append(st, who ? who->actor : "system", "settings",
	                                "notifications", "settings.set", details, false, err);
	free(details);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

json_t *store_notify_config(struct store *st)
{
	char *text = store_setting_get(st, "notify_config");
	json_t *cfg = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	if (!json_is_object(cfg)) {
		json_decref(cfg);
		cfg = json_object();
	}
	return cfg;
}

/* A url string v with credentials in it (scheme://user:pass@host/…) gets
 * its userinfo replaced by "***" in place; any other value is left. */
static void mask_url_userinfo(json_t *v)
{
	const char *u = json_string_value(v);
	const char *sep = u ? strstr(u, "://") : NULL;
	if (sep == NULL)
		return;
	const char *auth = sep + 3;
	size_t alen = strcspn(auth, "/?#");
	const char *at = NULL;
	for (size_t i = 0; i < alen; i++)
		if (auth[i] == '@')
			at = auth + i; /* the last '@' ends the userinfo */
	if (at == NULL)
		return;
	size_t n = strlen(u) + 8;
	char *m = malloc(n);
	if (m == NULL) {
		json_string_set(v, "***");
		return;
	}
	snprintf(m, n, "%.*s***%s", (int)(auth - u), u, at);
	json_string_set(v, m);
	free(m);
}

json_t *store_notify_config_public(struct store *st)
{
	json_t *cfg = store_notify_config(st);
	for (size_t i = 0; i < sizeof secret_keys / sizeof secret_keys[0]; i++) {
		json_t *ch = json_object_get(cfg, secret_keys[i][0]);
		if (json_object_get(ch, secret_keys[i][1]))
			json_object_set_new(ch, secret_keys[i][1], json_true());
	}
	/* Credentials written into a url are secrets too. */
	static const char *const channels[] = {"email", "sms", "zalo"};
	for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++) {
		json_t *ch = json_object_get(cfg, channels[i]);
		const char *key;
		json_t *v;
		json_object_foreach(ch, key, v)
		{
			size_t kl = strlen(key);
			if (kl >= 3 && strcmp(key + kl - 3, "url") == 0)
				mask_url_userinfo(v);
		}
	}
	return cfg;
}

bool store_notify_channel_configured(const json_t *cfg, const char *channel)
{
	json_t *ch = json_object_get(cfg, channel);
	return json_is_object(ch) && json_is_string(json_object_get(ch, "url"));
}

/* ---- Consent ---------------------------------------------------------- */

static enum mc_err consent_invalid(struct mc_error *err, const char *vi, const char *en)
{
	return mc_failf(err, MC_ERR_INVALID, "invalid_field", vi, "notify: %s", en);
}

enum mc_err store_notify_consent(json_t *notify, const char *phone, const char *email, char **out,
                                 struct mc_error *err)
{
	bool want[3] = {false, false, false};
	const char *key;
	json_t *v;
	size_t i;
	*out = NULL;
	if (notify == NULL || json_is_null(notify))
		return MC_OK;
	if (!json_is_object(notify))
		return consent_invalid(err, "Lựa chọn nhận tin nhắn không hợp lệ",
		                       "must be {\"channels\":[…],\"any_hour\":false} or null");
	json_object_foreach(notify, key, v)
	{
		if (strcmp(key, "channels") && strcmp(key, "any_hour"))
			return consent_invalid(err, "Lựa chọn nhận tin nhắn không hợp lệ",
			                       "unknown member (channels, any_hour)");
	}
	json_t *channels = json_object_get(notify, "channels");
	json_t *any = json_object_get(notify, "any_hour");
	if (any && !json_is_boolean(any))
		return consent_invalid(err, "Lựa chọn nhận tin nhắn không hợp lệ",
		                       "any_hour must be true or false");
	if (channels && !json_is_array(channels))
		return consent_invalid(err, "Lựa chọn nhận tin nhắn không hợp lệ",
		                       "channels must be a list of email, sms, zalo");
	json_array_foreach(channels, i, v)
	{
		const char *name = json_string_value(v);
		size_t k;
		for (k = 0; notify_channels[k]; k++)
			if (name && strcmp(name, notify_channels[k]) == 0)
				break;
		if (notify_channels[k] == NULL)
			return consent_invalid(err, "Kênh nhận tin nhắn không hợp lệ",
			                       "channels must be a list of email, sms, zalo");
		want[k] = true;
	}
	bool has_phone = phone && *phone, has_email = email && *email;
	if ((want[1] || want[2]) && !has_phone)
		return consent_invalid(err, "Cần số điện thoại để nhận tin nhắn SMS hoặc Zalo",
		                       "sms and zalo need a phone number");
	if (want[0] && !has_email)
		return consent_invalid(err, "Cần địa chỉ thư điện tử để nhận thư",
		                       "email needs an e-mail address");
	if (!want[0] && !want[1] && !want[2])
		return MC_OK;
	json_t *list = json_array();
	for (size_t k = 0; k < 3; k++)
		if (want[k])
			json_array_append_new(list, json_string(notify_channels[k]));
	json_t *canon = json_pack("{s:o, s:b}", "channels", list, "any_hour", json_is_true(any));
	*out = json_dumps(canon, JSON_COMPACT);
	json_decref(canon);
	return MC_OK;
}

/* ---- Writing messages --------------------------------------------------- */

/* Whether trigger is switched off for office_id or an office above it, into
 * *off. MC_OK, or the database error (err filled): a message is never
 * planned on a read that failed. */
static enum mc_err trigger_off(struct store_conn *c, json_t *cfg, int64_t office_id,
                               const char *trigger, bool *off, struct mc_error *err)
{
	*off = false;
	json_t *list_by_office = json_object_get(cfg, "triggers_off");
	if (json_object_size(list_by_office) == 0)
		return MC_OK;
	sqlite3_stmt *s = store_stmt(c, "SELECT o.code FROM office_paths p JOIN offices o"
	                                " ON o.id = p.ancestor_id WHERE p.office_id = ?");
	if (s == NULL)
		return store_sql_error(c, "trigger_off", err);
	sqlite3_bind_int64(s, 1, office_id);
	int step;
	while (!*off && store_next(s, &step)) {
		json_t *list = json_object_get(list_by_office, store_col_text(s, 0));
		size_t i;
		json_t *t;
		json_array_foreach(list, i, t)
		{
			if (json_is_string(t) && strcmp(json_string_value(t), trigger) == 0)
				*off = true;
		}
	}
	return store_scan_end(c, s, step, "trigger_off", err);
}

/* The office's name into out ("" when none). */
static void office_name(struct store_conn *c, int64_t id, char *out, size_t len)
{
	out[0] = '\0';
	sqlite3_stmt *s = store_stmt(c, "SELECT name FROM offices WHERE id = ?");
	if (s == NULL)
		return;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(out, len, "%s", store_col_text(s, 0));
	sqlite3_reset(s);
}

/* Appends s to b percent-encoded (RFC 3986 unreserved characters kept). */
static void url_escape_append(char *b, size_t len, const char *s)
{
	size_t pos = strlen(b);
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p && pos + 4 < len; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			b[pos++] = (char)*p;
		} else {
			b[pos++] = '%';
			b[pos++] = hex[*p >> 4];
			b[pos++] = hex[*p & 15];
		}
	}
	b[pos] = '\0';
}

/* The template fields of a message: rq's strings (never "secret"), the
 * office's name, and the link (public_url + "/status?code=…", with the
 * secret when given). A new object. */
static json_t *message_data(struct store *st, struct store_conn *c, int64_t office_id,
                            json_t *fields)
{
	json_t *data = json_object();
	const char *key;
	json_t *v;
	char name[400];
	json_object_foreach(fields, key, v)
	{
		if (json_is_string(v) && strcmp(key, "secret") != 0)
			json_object_set(data, key, v);
	}
	office_name(c, office_id, name, sizeof name);
	json_object_set_new(data, "office", json_string(name));
	const char *code = json_string_value(json_object_get(fields, "code"));
	char *pub = store_public_url(st);
	if (json_object_get(data, "link") == NULL && code && pub) {
		char link[600];
		const char *secret = json_string_value(json_object_get(fields, "secret"));
		size_t n = strlen(pub);
		while (n > 0 && pub[n - 1] == '/')
			n--;
		snprintf(link, sizeof link, "%.*s/status?code=", (int)(n > 300 ? 300 : n), pub);
		url_escape_append(link, sizeof link, code);
		if (secret && *secret) {
			strncat(link, "&secret=", sizeof link - strlen(link) - 1);
			url_escape_append(link, sizeof link, secret);
		}
		json_object_set_new(data, "link", json_string(link));
	}
	free(pub);
	return data;
}

/* Renders tmpl with data's strings into out (NOTIFY_TEXT_BYTES). */
static void render_data(const char *tmpl, json_t *data, char *out, size_t len)
{
	struct notify_field f[32];
	size_t n = 0;
	const char *key;
	json_t *v;
	json_object_foreach(data, key, v)
	{
		if (n < sizeof f / sizeof f[0] && json_is_string(v))
			f[n++] = (struct notify_field){key, json_string_value(v)};
	}
	notify_render(tmpl, f, n, out, len);
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

/* The setting's text (or subject: what) of trigger, else NULL. */
static const char *custom_template(json_t *cfg, const char *trigger, const char *what)
{
	return json_string_value(
	    json_object_get(json_object_get(json_object_get(cfg, "templates"), trigger), what));
}

/* Quiet hours of cfg into *from, *to (minutes). */
static void quiet_hours(json_t *cfg, int *from, int *to)
{
	json_t *q = json_object_get(cfg, "quiet_hours");
	int f = notify_hhmm(json_string_value(json_object_get(q, "from")));
	int t = notify_hhmm(json_string_value(json_object_get(q, "to")));
	*from = f < 0 ? NOTIFY_DEFAULT_QUIET_FROM : f;
	*to = t < 0 ? NOTIFY_DEFAULT_QUIET_TO : t;
}

int64_t store_notify_quiet_next(json_t *cfg, int64_t t)
{
	int from, to;
	quiet_hours(cfg, &from, &to);
	return notify_quiet_next(t, from, to, CLOCK_OFFICE_UTC_OFFSET);
}

/* Inserts one row on the writer and appends its event. *id gets its id. */
static enum mc_err insert_row(struct store *st, int64_t office_id, const char *trigger,
                              const char *channel, const char *recipient, const char *ref_kind,
                              int64_t ref_id, const char *subject, const char *body,
                              const char *data, int64_t not_before, int64_t now, const char *actor,
                              int64_t resend_of, const char *action, int64_t *id,
                              struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	sqlite3_stmt *s = store_stmt(
	    c,
	    "INSERT INTO notifications (office_id, trigger, channel, recipient, ref_kind, ref_id,"
	    " subject, body, data, not_before, created_at, created_by, resend_of)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return store_sql_error(c, "notification", err);
	sqlite3_bind_int64(s, 1, office_id);
	sqlite3_bind_text(s, 2, trigger, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, ref_kind, -1, SQLITE_STATIC);
	if (ref_id)
		sqlite3_bind_int64(s, 6, ref_id);
	if (subject)
		sqlite3_bind_text(s, 7, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, data, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 10, not_before);
	sqlite3_bind_int64(s, 11, now);
	sqlite3_bind_text(s, 12, actor ? actor : "system", -1, SQLITE_STATIC);
	if (resend_of)
		sqlite3_bind_int64(s, 13, resend_of);
	enum mc_err rc = store_step(c, s, "notification", err);
	if (rc)
		return rc;
	*id = sqlite3_last_insert_rowid(c->db);
	char eid[24], *details;
	json_t *d = json_pack("{s:s, s:s, s:s}", "trigger", trigger, "channel", channel, "ref_kind",
	                      ref_kind);
	if (resend_of)
		json_object_set_new(d, "resend_of", json_integer(resend_of));
	details = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	snprintf(eid, sizeof eid, "%lld", (long long)*id);
	store_event_office(st, office_id);
	int64_t ev = store_event_append(st, actor ? actor : "system", "notification", eid, action,
	                                details, false, err);
	free(details);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

enum mc_err store_notify_enqueue(struct store *st, const struct notify_request *rq,
                                 struct mc_error *err)
{
	ENFORCE(store_in_transaction(st), "the outbox is written in the transaction of its change");
	if (rq->consent == NULL || !notify_trigger_valid(rq->trigger))
		return MC_OK;
	json_t *consent = json_loads(rq->consent, 0, NULL);
	json_t *channels = json_object_get(consent, "channels");
	if (json_array_size(channels) == 0) {
		json_decref(consent);
		return MC_OK;
	}
	bool any_hour = json_is_true(json_object_get(consent, "any_hour"));
	struct store_conn *c = store_write_conn(st);
	json_t *cfg = store_notify_config(st);
	json_t *data = NULL;
	char *data_text = NULL;
	char *body = malloc(NOTIFY_TEXT_BYTES), *plain = malloc(NOTIFY_TEXT_BYTES);
	char subject[NOTIFY_TEXT_BYTES];
	enum mc_err rc = MC_OK;
	int64_t now = clock_now();
	size_t i;
	json_t *ch;
	bool off;
	if ((rc = trigger_off(c, cfg, rq->office_id, rq->trigger, &off, err)) || off)
		goto out;
	data = message_data(st, c, rq->office_id, rq->fields);
	data_text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	const char *tmpl = custom_template(cfg, rq->trigger, "text");
	render_data(tmpl ? tmpl : notify_template_text(rq->trigger), data, body, NOTIFY_TEXT_BYTES);
	const char *stmpl = custom_template(cfg, rq->trigger, "subject");
	render_data(stmpl ? stmpl : notify_template_subject(rq->trigger), data, subject,
	            NOTIFY_SUBJECT_MAX * 4 + 1);
	cut_in_place(subject, NOTIFY_SUBJECT_MAX); /* the column holds 300 */
	int64_t not_before = any_hour ? now : store_notify_quiet_next(cfg, now);
	json_array_foreach(channels, i, ch)
	{
		const char *channel = json_string_value(ch);
		char recipient[256];
		const char *text = body;
		if (channel == NULL || !store_notify_channel_configured(cfg, channel))
			continue;
		if (strcmp(channel, "email") == 0) {
			if (rq->email == NULL || !applicant_email_valid(rq->email))
				continue;
			snprintf(recipient, sizeof recipient, "%s", rq->email);
		} else {
			char local[APPLICANT_PHONE_MAX], intl[16];
			if (rq->phone == NULL || !applicant_phone_normalize(rq->phone, local) ||
			    !notify_phone_international(local, intl))
				continue;
			snprintf(recipient, sizeof recipient, "%s", intl);
		}
		if (strcmp(channel, "zalo") == 0 &&
		    !json_is_string(json_object_get(
		        json_object_get(json_object_get(cfg, "zalo"), "templates"), rq->trigger)))
			continue;
		if (strcmp(channel, "sms") == 0 && notify_has_non_ascii(body)) {
			const char *ascii = json_string_value(
			    json_object_get(json_object_get(cfg, "sms"), "ascii"));
			bool gsm;
			int parts = notify_sms_parts(body, &gsm, NULL);
			if ((ascii && strcmp(ascii, "always") == 0) ||
			    ((ascii == NULL || strcmp(ascii, "auto") == 0) && !gsm && parts > 2)) {
				notify_ascii(body, plain, NOTIFY_TEXT_BYTES);
				text = plain;
			}
		}
		int64_t id;
		if ((rc = insert_row(st, rq->office_id, rq->trigger, channel, recipient,
		                     rq->ref_kind, rq->ref_id,
		                     strcmp(channel, "email") == 0 ? subject : NULL, text,
		                     data_text, not_before, now, rq->actor, 0,
		                     "notification.queued", &id, err)))
			goto out;
	}
out:
	free(body);
	free(plain);
	free(data_text);
	json_decref(data);
	json_decref(cfg);
	json_decref(consent);
	return rc;
}

/* ---- Provider tokens ---------------------------------------------------- */

enum mc_err store_notify_token_get(struct store *st, const char *provider,
                                   struct store_notify_token *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	sqlite3_stmt *s = store_stmt(c, "SELECT access_token, refresh_token, expires_at"
	                                " FROM notify_tokens WHERE provider = ?");
	if (s == NULL)
		return store_sql_error(c, "notify token", err);
	sqlite3_bind_text(s, 1, provider, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		snprintf(out->access_token, sizeof out->access_token, "%s", store_col_text(s, 0));
		snprintf(out->refresh_token, sizeof out->refresh_token, "%s", store_col_text(s, 1));
		out->expires_at = sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	if (step == SQLITE_ROW)
		return MC_OK;
	if (step != SQLITE_DONE)
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
	if ((rc = token_write(st, provider, access, refresh, expires_at, err))) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

/* ---- The worker's side ---------------------------------------------------- */

void store_notify_claim_free(struct store_notify_claim *c)
{
	if (c == NULL)
		return;
	free(c->subject);
	free(c->body);
	json_decref(c->data);
	c->subject = c->body = NULL;
	c->data = NULL;
}

enum mc_err store_notify_claim(struct store *st, const char *channel, int64_t now,
                               struct store_notify_claim *out, bool *found, struct mc_error *err)
{
	ENFORCE(!store_in_transaction(st), "the notify worker claims in its own transaction");
	*found = false;
	memset(out, 0, sizeof *out);
	/* A cheap look first, on the reader: most polls find nothing due. */
	struct store_conn *c = store_read_conn(st);
	sqlite3_stmt *s = store_stmt(c, "SELECT 1 FROM notifications WHERE state = 'queued'"
	                                " AND not_before <= ? AND channel = ? LIMIT 1");
	if (s == NULL)
		return store_sql_error(c, "notification claim", err);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, channel, -1, SQLITE_STATIC);
	int step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step == SQLITE_DONE)
		return MC_OK;
	if (step != SQLITE_ROW)
		return store_sql_error(c, "notification claim", err);

	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	c = store_write_conn(st);
	/* The oldest due row whose recipient has no earlier row still queued
	 * or sending: a recipient's messages leave in the order they were
	 * written, even when an earlier one waits for its back-off. */
	s = store_stmt(c, "SELECT n.id, n.office_id, n.attempts, n.trigger, n.recipient, n.subject,"
	                  " n.body, n.data FROM notifications n"
	                  " WHERE n.state = 'queued' AND n.not_before <= ?1 AND n.channel = ?2"
	                  " AND NOT EXISTS (SELECT 1 FROM notifications e"
	                  "  WHERE e.channel = n.channel AND e.recipient = n.recipient"
	                  "  AND e.id < n.id AND e.state IN ('queued', 'sending'))"
	                  " ORDER BY n.id LIMIT 1");
	if (s == NULL) {
		rc = store_sql_error(c, "notification claim", err);
		goto fail;
	}
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, channel, -1, SQLITE_STATIC);
	if (store_next(s, &step)) {
		out->id = sqlite3_column_int64(s, 0);
		out->office_id = sqlite3_column_int64(s, 1);
		out->attempts = sqlite3_column_int(s, 2) + 1;
		snprintf(out->channel, sizeof out->channel, "%s", channel);
		snprintf(out->trigger, sizeof out->trigger, "%s", store_col_text(s, 3));
		snprintf(out->recipient, sizeof out->recipient, "%s", store_col_text(s, 4));
		out->subject =
		    sqlite3_column_type(s, 5) == SQLITE_NULL ? NULL : strdup(store_col_text(s, 5));
		out->body = strdup(store_col_text(s, 6));
		out->data = json_loads(store_col_text(s, 7), 0, NULL);
		if (!json_is_object(out->data)) {
			json_decref(out->data);
			out->data = json_object();
		}
		*found = true;
	}
	if ((rc = store_scan_end(c, s, step, "notification claim", err)))
		goto fail;
	if (!*found) {
		store_rollback(st);
		return MC_OK;
	}
	s = store_stmt(c, "UPDATE notifications SET state = 'sending', attempts = attempts + 1"
	                  " WHERE id = ? AND state = 'queued'");
	if (s == NULL) {
		rc = store_sql_error(c, "notification claim", err);
		goto fail;
	}
	sqlite3_bind_int64(s, 1, out->id);
	if ((rc = store_step(c, s, "notification claim", err)))
		goto fail;
	if ((rc = store_commit(st, err))) {
		*found = false;
		store_notify_claim_free(out);
	}
	return rc;
fail:
	*found = false;
	store_notify_claim_free(out);
	store_rollback(st);
	return rc;
}

/* Whether the citizen behind row (ref_kind, ref_id) accepted messages at
 * any hour (a test message: yes). On the caller's connection. */
static bool row_any_hour(struct store_conn *c, const char *ref_kind, int64_t ref_id)
{
	sqlite3_stmt *s = NULL;
	if (strcmp(ref_kind, "dossier") == 0)
		s = store_stmt(
		    c, "SELECT json_extract(notify, '$.any_hour') FROM dossiers WHERE id = ?");
	else if (strcmp(ref_kind, "feedback") == 0)
		s = store_stmt(
		    c, "SELECT json_extract(notify, '$.any_hour') FROM feedback WHERE id = ?");
	else if (strcmp(ref_kind, "booking") == 0)
		s = store_stmt(
		    c, "SELECT json_extract(notify, '$.any_hour') FROM bookings WHERE id = ?");
	else
		return true;
	if (s == NULL)
		return false;
	sqlite3_bind_int64(s, 1, ref_id);
	bool any = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1;
	sqlite3_reset(s);
	return any;
}

/* Copies at most max characters of s (NULL: NULL) into a new string, cut at
 * a character boundary. */
static char *cut_chars(const char *s, size_t max)
{
	if (s == NULL)
		return NULL;
	size_t n = 0, i = 0;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == max)
			break;
	char *out = malloc(i + 1);
	memcpy(out, s, i);
	out[i] = '\0';
	return out;
}

enum mc_err store_notify_finish(struct store *st, int64_t id, enum store_notify_result result,
                                const char *answer, const char *provider_id, const char *error,
                                int64_t now, char state[8], struct mc_error *err)
{
	ENFORCE(!store_in_transaction(st), "the notify worker records in its own transaction");
	json_t *cfg = store_notify_config(st);
	json_t *max = json_object_get(cfg, "max_attempts");
	int max_attempts =
	    json_is_integer(max) ? (int)json_integer_value(max) : NOTIFY_DEFAULT_MAX_ATTEMPTS;
	char *ans = cut_chars(answer, 4000), *pid = cut_chars(provider_id, 200),
	     *why = cut_chars(error, 1000);
	const char *next = "sent";
	int64_t not_before = now, office_id = 0;
	int attempts = 0;
	char ref_kind[16] = "", trigger[24] = "", channel[8] = "";
	int64_t ref_id = 0;
	enum mc_err rc = store_begin(st, err);
	if (rc)
		goto out;
	struct store_conn *c = store_write_conn(st);
	sqlite3_stmt *s = store_stmt(c, "SELECT state, attempts, ref_kind, ref_id, office_id,"
	                                " trigger, channel FROM notifications WHERE id = ?");
	if (s == NULL) {
		rc = store_sql_error(c, "notification finish", err);
		goto fail;
	}
	sqlite3_bind_int64(s, 1, id);
	int step;
	bool sending = false;
	if (store_next(s, &step)) {
		sending = strcmp(store_col_text(s, 0), "sending") == 0;
		attempts = sqlite3_column_int(s, 1);
		snprintf(ref_kind, sizeof ref_kind, "%s", store_col_text(s, 2));
		ref_id = sqlite3_column_int64(s, 3);
		office_id = sqlite3_column_int64(s, 4);
		snprintf(trigger, sizeof trigger, "%s", store_col_text(s, 5));
		snprintf(channel, sizeof channel, "%s", store_col_text(s, 6));
	}
	if ((rc = store_scan_end(c, s, step, "notification finish", err)))
		goto fail;
	if (!sending) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "notification_not_sending",
		             "Tin nhắn không ở trạng thái đang gửi",
		             "the message is not being sent");
		goto fail;
	}
	if (result == STORE_NOTIFY_PERMANENT ||
	    (result == STORE_NOTIFY_RETRY && attempts >= max_attempts)) {
		next = "dead";
	} else if (result == STORE_NOTIFY_RETRY) {
		next = "queued";
		not_before = now + notify_backoff_seconds(attempts);
		if (!row_any_hour(c, ref_kind, ref_id))
			not_before = store_notify_quiet_next(cfg, not_before);
	}
	s = store_stmt(c, "UPDATE notifications SET state = ?2, not_before = ?3,"
	                  " sent_at = CASE WHEN ?2 = 'sent' THEN ?4 ELSE sent_at END,"
	                  " provider_answer = ?5, provider_id = coalesce(?6, provider_id),"
	                  " last_error = CASE WHEN ?2 = 'sent' THEN NULL ELSE ?7 END"
	                  " WHERE id = ?1");
	if (s == NULL) {
		rc = store_sql_error(c, "notification finish", err);
		goto fail;
	}
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, next, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, not_before);
	sqlite3_bind_int64(s, 4, now);
	if (ans)
		sqlite3_bind_text(s, 5, ans, -1, SQLITE_STATIC);
	if (pid && *pid)
		sqlite3_bind_text(s, 6, pid, -1, SQLITE_STATIC);
	if (why)
		sqlite3_bind_text(s, 7, why, -1, SQLITE_STATIC);
	if ((rc = store_step(c, s, "notification finish", err)))
		goto fail;
	char eid[24], action[32], *details;
	snprintf(eid, sizeof eid, "%lld", (long long)id);
	snprintf(action, sizeof action, "notification.%s",
	         strcmp(next, "queued") == 0 ? "retry" : next);
	json_t *d = json_pack("{s:s, s:s, s:i}", "trigger", trigger, "channel", channel, "attempts",
	                      attempts);
	details = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	store_event_office(st, office_id);
	int64_t ev = store_event_append(st, "system:notify", "notification", eid, action, details,
	                                false, err);
	free(details);
	if (ev == 0) {
		rc = err ? err->kind : MC_ERR_INTERNAL;
		goto fail;
	}
	if ((rc = store_commit(st, err)) == MC_OK && state)
		snprintf(state, 8, "%s", next);
	goto out;
fail:
	store_rollback(st);
out:
	free(ans);
	free(pid);
	free(why);
	json_decref(cfg);
	return rc;
}

enum mc_err store_notify_recover(struct store *st, int64_t now, int *count, struct mc_error *err)
{
	*count = 0;
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	/* Due as it was when claimed (a test clock may run behind the real
	 * one at start: "now" would postpone it). */
	sqlite3_stmt *s = store_stmt(c, "UPDATE notifications SET state = 'queued'"
	                                " WHERE state = 'sending'");
	if (s == NULL) {
		rc = store_sql_error(c, "notification recover", err);
		store_rollback(st);
		return rc;
	}
	(void)now;
	if ((rc = store_step(c, s, "notification recover", err))) {
		store_rollback(st);
		return rc;
	}
	*count = sqlite3_changes(c->db);
	if (*count == 0) {
		store_rollback(st);
		return MC_OK;
	}
	char details[64];
	snprintf(details, sizeof details, "{\"count\":%d}", *count);
	if (store_event_append(st, "system:notify", "notification", "*", "notification.recovered",
	                       details, false, err) == 0) {
		store_rollback(st);
		return err ? err->kind : MC_ERR_INTERNAL;
	}
	return store_commit(st, err);
}

/* ---- Staff ---------------------------------------------------------------- */

/* The columns of a message view, n the row, o its office. */
#define NOTIFY_VIEW_COLS                                                                           \
	"n.id, o.code, o.name, n.trigger, n.channel, n.recipient, n.ref_kind,"                     \
	" CASE n.ref_kind WHEN 'dossier' THEN (SELECT code FROM dossiers WHERE id = n.ref_id)"     \
	" WHEN 'booking' THEN (SELECT code FROM bookings WHERE id = n.ref_id)"                     \
	" WHEN 'feedback' THEN (SELECT code FROM feedback WHERE id = n.ref_id) END,"               \
	" n.subject, n.body, n.state, n.attempts, n.not_before, n.created_at, n.created_by,"       \
	" n.sent_at, n.last_error, n.provider_answer, n.provider_id, n.resend_of"

/* A copy of column i, NULL for SQL NULL. */
static char *col_dup(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NULL : xstrdup(store_col_text(s, i));
}

void notify_row_clear(struct notify_row *r)
{
	if (r == NULL)
		return;
	char **strs[] = {
	    &r->office_code, &r->office_name, &r->trigger,         &r->channel,    &r->recipient,
	    &r->ref_kind,    &r->ref_code,    &r->subject,         &r->body,       &r->state,
	    &r->created_by,  &r->last_error,  &r->provider_answer, &r->provider_id};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	memset(r, 0, sizeof *r);
}

/* The row at s's cursor (NOTIFY_VIEW_COLS) into *r. */
static void row_of_stmt(sqlite3_stmt *s, struct notify_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(s, 0);
	r->office_code = col_dup(s, 1);
	r->office_name = col_dup(s, 2);
	r->trigger = col_dup(s, 3);
	r->channel = col_dup(s, 4);
	r->recipient = col_dup(s, 5);
	r->ref_kind = col_dup(s, 6);
	r->ref_code = col_dup(s, 7);
	r->subject = col_dup(s, 8);
	r->body = col_dup(s, 9);
	r->state = col_dup(s, 10);
	r->attempts = sqlite3_column_int64(s, 11);
	r->not_before = sqlite3_column_int64(s, 12);
	r->created_at = sqlite3_column_int64(s, 13);
	r->created_by = col_dup(s, 14);
	r->has_sent_at = sqlite3_column_type(s, 15) != SQLITE_NULL;
	r->sent_at = sqlite3_column_int64(s, 15);
	r->last_error = col_dup(s, 16);
	r->provider_answer = col_dup(s, 17);
	r->provider_id = col_dup(s, 18);
	r->resend_of = sqlite3_column_int64(s, 19);
}

static enum mc_err notify_not_found(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_NOT_FOUND, "notification_not_found", "Không tìm thấy tin nhắn",
	               "no such message");
}

/* Reads message id as who may see it on c into *out (cleared on error). */
static enum mc_err view_get(struct store_conn *c, const struct principal *who, int64_t id,
                            struct notify_row *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = store_stmt(c, "SELECT " NOTIFY_VIEW_COLS " FROM notifications n"
	                                " JOIN offices o ON o.id = n.office_id"
	                                " WHERE n.id = :id AND " SCOPE_SQL("n.office_id"));
	if (s == NULL)
		return store_sql_error(c, "notification", err);
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":id"), id);
	store_bind_scope(s, who);
	int step;
	bool found = store_next(s, &step);
	if (found)
		row_of_stmt(s, out);
	enum mc_err rc = store_scan_end(c, s, step, "notification", err);
	if (rc) {
		notify_row_clear(out);
		return rc;
	}
	return found ? MC_OK : notify_not_found(err);
}

enum mc_err store_notify_get(struct store *st, const struct principal *who, int64_t id,
                             struct notify_row *out, struct mc_error *err)
{
	return view_get(store_read_conn(st), who, id, out, err);
}

void notify_list_free(struct notify_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		notify_row_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

enum mc_err store_notify_list(struct store *st, const struct principal *who,
                              const struct notify_list_query *q, struct notify_list *out,
                              struct mc_error *err)
{
	const char *state = q->state, *trigger = q->trigger, *channel = q->channel, *ref = q->ref;
	int64_t offset = q->offset, limit = q->limit;
	enum mc_err rc;
	memset(out, 0, sizeof *out);
	struct store_conn *c = store_read_conn(st);
	int64_t office_id = 0;
	if ((rc = store_office_in_scope(c, who, q->office, &office_id, err)))
		return rc;
#define NOTIFY_LIST_WHERE                                                                          \
	" FROM notifications n JOIN offices o ON o.id = n.office_id"                               \
	" WHERE " SCOPE_SQL("n.office_id") " AND (:office = 0 OR n.office_id IN (SELECT office_id" \
	                                   " FROM office_paths WHERE ancestor_id = :office))"      \
	                                   " AND (:state IS NULL OR n.state = :state)"             \
	                                   " AND (:trigger IS NULL OR n.trigger = :trigger)"       \
	                                   " AND (:channel IS NULL OR n.channel = :channel)"       \
	                                   " AND (:ref IS NULL OR (n.ref_kind = 'dossier' AND"     \
	                                   " n.ref_id = (SELECT id FROM dossiers WHERE code ="     \
	                                   " :ref)) OR (n.ref_kind = 'booking' AND n.ref_id ="     \
	                                   " (SELECT id FROM bookings WHERE code = upper(:ref)))"  \
	                                   " OR (n.ref_kind = 'feedback' AND n.ref_id = (SELECT"   \
	                                   " id FROM feedback WHERE code = :ref)))"
	sqlite3_stmt *list = store_stmt(c, "SELECT " NOTIFY_VIEW_COLS NOTIFY_LIST_WHERE
	                                   " ORDER BY n.id DESC LIMIT :limit OFFSET :offset");
	sqlite3_stmt *count = NULL;
	if (list == NULL)
		return store_sql_error(c, "notification list", err);
	size_t cap = 0;
	int64_t total = 0;
	int step;
	for (int pass = 0; pass < 2; pass++) {
		sqlite3_stmt *s = pass == 0 ? list : count;
		if (pass == 1) {
			s = count = store_stmt(c, "SELECT count(*)" NOTIFY_LIST_WHERE);
			if (s == NULL) {
				rc = store_sql_error(c, "notification list", err);
				break;
			}
		}
#define BIND_TEXT(name, v)                                                                         \
	do {                                                                                       \
		if (v)                                                                             \
			sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, name), v, -1,         \
			                  SQLITE_STATIC);                                          \
	} while (0)
		BIND_TEXT(":state", state);
		BIND_TEXT(":trigger", trigger);
		BIND_TEXT(":channel", channel);
		BIND_TEXT(":ref", ref);
#undef BIND_TEXT
		sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":office"), office_id);
		store_bind_scope(s, who);
		if (pass == 0) {
			sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":limit"), limit);
			sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":offset"), offset);
			while (store_next(s, &step)) {
				if (out->n == cap) {
					cap = cap ? 2 * cap : 16;
					out->items =
					    xreallocarray(out->items, cap, sizeof out->items[0]);
				}
				row_of_stmt(s, &out->items[out->n++]);
			}
		} else if (store_next(s, &step)) {
			total = sqlite3_column_int64(s, 0);
		}
		if ((rc = store_scan_end(c, s, step, "notification list", err)))
			break;
	}
#undef NOTIFY_LIST_WHERE
	if (rc) {
		notify_list_free(out);
		return rc;
	}
	out->total = total;
	out->offset = offset;
	out->limit = limit;
	return MC_OK;
}

enum mc_err store_notify_resend(struct store *st, const struct principal *who, int64_t id,
                                int64_t now, struct notify_row *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT n.state, n.office_id, n.trigger, n.channel, n.recipient, n.ref_kind,"
	       " n.ref_id, n.subject, n.body, n.data FROM notifications n"
	       " WHERE n.id = :id AND " SCOPE_SQL("n.office_id"));
	if (s == NULL) {
		rc = store_sql_error(c, "notification resend", err);
		goto fail;
	}
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":id"), id);
	store_bind_scope(s, who);
	int step;
	int64_t new_id = 0;
	if (!store_next(s, &step)) {
		rc = store_scan_end(c, s, step, "notification resend", err);
		if (rc == MC_OK)
			rc = notify_not_found(err);
		goto fail;
	}
	const char *state = store_col_text(s, 0);
	if (strcmp(state, "sent") != 0 && strcmp(state, "dead") != 0) {
		sqlite3_reset(s);
		rc = mc_fail(err, MC_ERR_CONFLICT, "notification_pending",
		             "Tin nhắn đang chờ gửi, không cần gửi lại",
		             "the message is still waiting to be sent");
		goto fail;
	}
	char *trigger = strdup(store_col_text(s, 2)), *channel = strdup(store_col_text(s, 3)),
	     *recipient = strdup(store_col_text(s, 4)), *ref_kind = strdup(store_col_text(s, 5)),
	     *subject =
	         sqlite3_column_type(s, 7) == SQLITE_NULL ? NULL : strdup(store_col_text(s, 7)),
	     *body = strdup(store_col_text(s, 8)), *data = strdup(store_col_text(s, 9));
	int64_t office_id = sqlite3_column_int64(s, 1), ref_id = sqlite3_column_int64(s, 6);
	sqlite3_reset(s);
	/* One resend at a time: while one of this message is still waiting or
	 * being sent, another (a double click, many clicks at once: they run
	 * one after another under the writer lock) is refused. */
	sqlite3_stmt *p = store_stmt(c, "SELECT 1 FROM notifications WHERE resend_of = ?"
	                                " AND state IN ('queued', 'sending') LIMIT 1");
	int pstep = SQLITE_ERROR;
	if (p == NULL) {
		rc = store_sql_error(c, "notification resend", err);
	} else {
		sqlite3_bind_int64(p, 1, id);
		if (store_next(p, &pstep)) {
			sqlite3_reset(p);
			rc = mc_fail(
			    err, MC_ERR_CONFLICT, "resend_pending",
			    "Tin nhắn này đã được gửi lại và đang chờ gửi, không cần gửi lại "
			    "lần nữa",
			    "a resend of this message is still waiting to be sent");
		} else {
			rc = store_scan_end(c, p, pstep, "notification resend", err);
		}
	}
	/* Quiet hours as for any message, unless the citizen said any hour. */
	int64_t not_before = now;
	if (rc == MC_OK && !row_any_hour(c, ref_kind, ref_id)) {
		json_t *cfg = store_notify_config(st);
		not_before = store_notify_quiet_next(cfg, now);
		json_decref(cfg);
	}
	if (rc == MC_OK)
		rc = insert_row(st, office_id, trigger, channel, recipient, ref_kind, ref_id,
		                subject, body, data, not_before, now, who->actor, id,
		                "notification.resent", &new_id, err);
	free(trigger);
	free(channel);
	free(recipient);
	free(ref_kind);
	free(subject);
	free(body);
	free(data);
	if (rc)
		goto fail;
	if ((rc = store_commit(st, err)))
		return rc;
	return store_notify_get(st, who, new_id, out, err);
fail:
	store_rollback(st);
	return rc;
}

/* The example values of the templates route; dossier: an example dossier
 * code in the office's real form (<centre code>-yymmdd-0001, today). No
 * link: message_data adds it exactly as for a real message (only when the
 * office has a public_url). */
static json_t *example_fields(const char *trigger, const char *dossier)
{
	const char *code = strncmp(trigger, "booking", 7) == 0         ? "DL7K3M9Q"
	                   : strcmp(trigger, "feedback_answered") == 0 ? "PA-261130-0001"
	                                                               : dossier;
	return json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code", code, "name", "Nguyễn Thị Lan",
	    "procedure", "Đăng ký khai sinh", "appointment", "02/12/2026 14:00", "items",
	    "Bản sao giấy chứng nhận kết hôn; Giấy xác nhận nơi cư trú", "reason",
	    "Cần xác minh thêm thông tin với cơ quan khác", "slot", "08:30 02/12/2026", "group",
	    "Chứng thực", "answer", "Hồ sơ của ông/bà đã được giải quyết theo quy định.");
}

enum mc_err store_notify_templates(struct store *st, const struct principal *who, json_t **out,
                                   struct mc_error *err)
{
	(void)err;
	struct store_conn *c = store_read_conn(st);
	json_t *cfg = store_notify_config(st);
	int64_t office_id = who && who->office_id ? who->office_id : 0;
	if (office_id == 0) {
		/* The province's first centre speaks in the example. */
		sqlite3_stmt *s = store_stmt(c, "SELECT id FROM offices WHERE kind = 'centre'"
		                                " ORDER BY id LIMIT 1");
		if (s && sqlite3_step(s) == SQLITE_ROW)
			office_id = sqlite3_column_int64(s, 0);
		if (s)
			sqlite3_reset(s);
	}
	/* The example dossier code: the nearest centre at or above the office. */
	char dossier[120], day[11];
	snprintf(dossier, sizeof dossier, "%s", "TT");
	sqlite3_stmt *cs =
	    store_stmt(c, "SELECT a.code FROM office_paths p JOIN offices a ON a.id = p.ancestor_id"
	                  " WHERE p.office_id = ? AND a.kind = 'centre' ORDER BY p.depth LIMIT 1");
	if (cs) {
		sqlite3_bind_int64(cs, 1, office_id);
		if (sqlite3_step(cs) == SQLITE_ROW)
			snprintf(dossier, sizeof dossier, "%.60s", store_col_text(cs, 0));
		sqlite3_reset(cs);
	}
	clock_office_date(clock_now(), day);
	size_t dl = strlen(dossier);
	snprintf(dossier + dl, sizeof dossier - dl, "-%.2s%.2s%.2s-0001", day + 2, day + 5,
	         day + 8);
	json_t *triggers = json_array();
	char *text = malloc(NOTIFY_TEXT_BYTES);
	for (size_t i = 0; notify_triggers[i]; i++) {
		const char *t = notify_triggers[i];
		const char *custom = custom_template(cfg, t, "text"),
		           *csubject = custom_template(cfg, t, "subject");
		const char *tmpl = custom ? custom : notify_template_text(t),
		           *subj = csubject ? csubject : notify_template_subject(t);
		json_t *fields = example_fields(t, dossier);
		json_t *data = message_data(st, c, office_id, fields);
		render_data(tmpl, data, text, NOTIFY_TEXT_BYTES);
		json_t *off = json_array();
		const char *code;
		json_t *list;
		json_object_foreach(json_object_get(cfg, "triggers_off"), code, list)
		{
			size_t k;
			json_t *x;
			json_array_foreach(list, k, x)
			{
				if (json_is_string(x) && strcmp(json_string_value(x), t) == 0)
					json_array_append_new(off, json_string(code));
			}
		}
		json_t *item = json_pack("{s:s, s:s, s:s, s:b, s:s, s:o}", "trigger", t, "text",
		                         tmpl, "subject", subj, "custom", custom || csubject,
		                         "example", text, "off", off);
		render_data(subj, data, text, NOTIFY_TEXT_BYTES);
		json_object_set_new(item, "example_subject", json_string(text));
		bool gsm;
		int parts = notify_sms_parts(json_string_value(json_object_get(item, "example")),
		                             &gsm, NULL);
		json_object_set_new(item, "sms_parts", json_integer(parts));
		json_array_append_new(triggers, item);
		json_decref(fields);
		json_decref(data);
	}
	free(text);
	json_t *channels = json_array();
	for (size_t i = 0; notify_channels[i]; i++)
		if (store_notify_channel_configured(cfg, notify_channels[i]))
			json_array_append_new(channels, json_string(notify_channels[i]));
	int from, to;
	quiet_hours(cfg, &from, &to);
	char f[16], t[16];
	snprintf(f, sizeof f, "%02d:%02d", from / 60, from % 60);
	snprintf(t, sizeof t, "%02d:%02d", to / 60, to % 60);
	json_t *max = json_object_get(cfg, "max_attempts");
	*out = json_pack("{s:o, s:o, s:{s:s, s:s}, s:I}", "triggers", triggers, "channels",
	                 channels, "quiet_hours", "from", f, "to", t, "max_attempts",
	                 (json_int_t)(json_is_integer(max) ? json_integer_value(max)
	                                                   : NOTIFY_DEFAULT_MAX_ATTEMPTS));
	json_decref(cfg);
	return MC_OK;
}

enum mc_err store_notify_test(struct store *st, const struct principal *who, const char *channel,
                              const char *to, int64_t now, struct notify_row *out,
                              struct mc_error *err)
{
	char recipient[256];
	memset(out, 0, sizeof *out);
	size_t k;
	for (k = 0; notify_channels[k]; k++)
		if (channel && strcmp(channel, notify_channels[k]) == 0)
			break;
	if (notify_channels[k] == NULL)
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Kênh gửi không hợp lệ",
		               "channel: email, sms or zalo");
	if (strcmp(channel, "email") == 0) {
		if (to == NULL || !applicant_email_valid(to))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field",
			               "Địa chỉ thư điện tử không hợp lệ", "to: an e-mail address");
		snprintf(recipient, sizeof recipient, "%s", to);
	} else {
		char local[APPLICANT_PHONE_MAX], intl[16];
		if (to == NULL || !applicant_phone_normalize(to, local) ||
		    !notify_phone_international(local, intl))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field",
			               "Số điện thoại không hợp lệ",
			               "to: a Vietnamese phone number");
		snprintf(recipient, sizeof recipient, "%s", intl);
	}
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	json_t *cfg = store_notify_config(st);
	json_t *data = NULL;
	char *data_text = NULL, *body = malloc(NOTIFY_TEXT_BYTES),
	     *subject = malloc(NOTIFY_TEXT_BYTES);
	int64_t id = 0;
	if (!store_notify_channel_configured(cfg, channel)) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "channel_not_configured",
		             "Kênh gửi này chưa được cấu hình", "this channel is not configured");
		goto fail;
	}
	struct store_conn *c = store_write_conn(st);
	int64_t office_id = who->office_id ? who->office_id : store_office_root(st);
	if (office_id == 0) {
		sqlite3_stmt *s = store_stmt(c, "SELECT min(id) FROM offices");
		if (s && sqlite3_step(s) == SQLITE_ROW)
			office_id = sqlite3_column_int64(s, 0);
		if (s)
			sqlite3_reset(s);
	}
	json_t *fields = json_object();
	data = message_data(st, c, office_id, fields);
	json_decref(fields);
	data_text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	const char *tmpl = custom_template(cfg, "test", "text");
	render_data(tmpl ? tmpl : notify_template_text("test"), data, body, NOTIFY_TEXT_BYTES);
	const char *stmpl = custom_template(cfg, "test", "subject");
	render_data(stmpl ? stmpl : notify_template_subject("test"), data, subject,
	            NOTIFY_SUBJECT_MAX * 4 + 1);
	cut_in_place(subject, NOTIFY_SUBJECT_MAX); /* the column holds 300 */
	if ((rc = insert_row(st, office_id, "test", channel, recipient, "none", 0,
	                     strcmp(channel, "email") == 0 ? subject : NULL, body, data_text, now,
	                     now, who->actor, 0, "notification.queued", &id, err)))
		goto fail;
	if ((rc = store_commit(st, err)))
		goto out;
	rc = store_notify_get(st, NULL, id, out, err);
	goto out;
fail:
	store_rollback(st);
out:
	free(body);
	free(subject);
	free(data_text);
	json_decref(data);
	json_decref(cfg);
	return rc;
}

/* A recipient as a clerk may read it aloud at the counter: a phone
 * 84912345678 → "0912***678", an e-mail "q***@example.vn". */
static void recipient_masked(const char *channel, const char *r, char *out, size_t len)
{
	size_t n = strlen(r);
	if (strcmp(channel, "email") == 0) {
		const char *at = strchr(r, '@');
		snprintf(out, len, "%.1s***%s", r, at ? at : "");
	} else if (n >= 10 && strncmp(r, "84", 2) == 0) {
		snprintf(out, len, "0%.3s***%s", r + 2, r + n - 3);
	} else if (n >= 7) {
		snprintf(out, len, "%.4s***%s", r, r + n - 3);
	} else {
		snprintf(out, len, "***");
	}
}

void notify_planned_free(struct notify_planned_list *p)
{
	if (p == NULL)
		return;
	free(p->items);
	p->items = NULL;
	p->n = 0;
}

void store_notify_planned(struct store *st, const char *dossier_code,
                          struct notify_planned_list *out)
{
	memset(out, 0, sizeof *out);
	struct store_conn *c = store_read_conn(st);
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT n.channel, n.trigger, n.recipient FROM notifications n"
	                  " JOIN dossiers d ON n.ref_kind = 'dossier' AND n.ref_id = d.id"
	                  " WHERE d.code = ? ORDER BY n.id");
	if (s == NULL)
		return;
	sqlite3_bind_text(s, 1, dossier_code, -1, SQLITE_STATIC);
	int step;
	size_t cap = 0;
	while (store_next(s, &step)) {
		if (out->n == cap) {
			cap = cap ? 2 * cap : 4;
			out->items = xreallocarray(out->items, cap, sizeof out->items[0]);
		}
		struct notify_planned *p = &out->items[out->n++];
		snprintf(p->channel, sizeof p->channel, "%s", store_col_text(s, 0));
		snprintf(p->trigger, sizeof p->trigger, "%s", store_col_text(s, 1));
		recipient_masked(p->channel, store_col_text(s, 2), p->recipient,
		                 sizeof p->recipient);
	}
	struct mc_error err;
	if (store_scan_end(c, s, step, "notifications", &err) != MC_OK)
		log_warn("intake's planned messages: %s", err.message_en);
}
