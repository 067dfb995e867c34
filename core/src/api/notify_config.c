/* The configuration of messages to citizens as the API takes it (the
 * bundle's "notifications" section) and as the worker and its adapters read
 * it (api/notify_config.h): validation, merge, the public form without
 * secrets. The store keeps the text (store/notify_config.c). */
#include "api/notify_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/notify.h"
#include "store/office.h"
#include "util/xmalloc.h"

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
			if (json_object_get(v, "refresh_token") == NULL &&
			    !store_notify_zalo_refresh_stored(st))
				return cfg_invalid(err, "zalo.refresh_token",
				                   "is required (no refresh token is stored yet)");
		} else {
			return cfg_unknown(err, "", key);
		}
	}
	return MC_OK;
}

enum mc_err notify_config_set(struct store *st, json_t *cfg, struct mc_error *err)
{
	enum mc_err rc;
	if (cfg == NULL || json_is_null(cfg))
		return store_notify_config_save(st, NULL, NULL, err);
	if ((rc = cfg_validate(st, cfg, err)))
		return rc;
	const char *refresh =
	    json_string_value(json_object_get(json_object_get(cfg, "zalo"), "refresh_token"));
	char *text = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
	rc = store_notify_config_save(st, text, refresh, err);
	free(text);
	return rc;
}

enum mc_err notify_config_setup(struct store *st, const struct principal *who, json_t *bundle,
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
		cfg = notify_config_load(st);
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
	enum mc_err rc = notify_config_set(st, cfg, err);
	json_decref(cfg);
	if (rc)
		return rc;
	json_t *pub = notify_config_public(st);
	char *details = json_dumps(pub, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(pub);
	rc = store_notify_config_event(st, who ? who->actor : "system", details, err);
	free(details);
	return rc;
}

json_t *notify_config_load(struct store *st)
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
	char *m = xmalloc(n);
	snprintf(m, n, "%.*s***%s", (int)(auth - u), u, at);
	json_string_set(v, m);
	free(m);
}

json_t *notify_config_public(struct store *st)
{
	json_t *cfg = notify_config_load(st);
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

bool notify_channel_configured(const json_t *cfg, const char *channel)
{
	json_t *ch = json_object_get(cfg, channel);
	return json_is_object(ch) && json_is_string(json_object_get(ch, "url"));
}
