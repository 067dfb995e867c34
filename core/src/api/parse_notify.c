/* Requests about messages to citizens into typed commands (api/parse_notify.h). */
#include "api/parse_notify.h"

#include <stdlib.h>
#include <string.h>

#include "domain/notify.h"

static const char *const list_states[] = {"queued", "sending", "sent", "dead", "cancelled", NULL};
static const char *const list_channels[] = {"email", "sms", "zalo", NULL};

/* A list filter: NULL, or one of the allowed values (else invalid_field). */
static enum mc_err filter_str(json_t *q, const char *key, const char *const *allowed,
                              const char **out, struct mc_error *err)
{
	json_t *v = json_object_get(q, key);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return MC_OK;
	const char *s = json_string_value(v);
	bool ok = s && *s && strlen(s) <= 64;
	if (ok && allowed) {
		ok = false;
		for (size_t i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], s) == 0)
				ok = true;
	}
	if (!ok) {
		mc_failf(err, MC_ERR_INVALID, "invalid_field", "Bộ lọc không hợp lệ",
		         "'%s' is not a valid filter", key);
		return mc_error_field(err, key);
	}
	*out = s;
	return MC_OK;
}

static enum mc_err filter_int(json_t *q, const char *key, long min, long max, long dflt,
                              int64_t *out, struct mc_error *err)
{
	json_t *v = json_object_get(q, key);
	*out = dflt;
	if (v == NULL || json_is_null(v))
		return MC_OK;
	const char *s = json_string_value(v);
	char *end = NULL;
	long n =
	    s && *s ? strtol(s, &end, 10) : (json_is_integer(v) ? (long)json_integer_value(v) : -1);
	if ((s && (end == NULL || *end != '\0')) || n < min || n > max) {
		mc_failf(err, MC_ERR_INVALID, "invalid_field", "Bộ lọc không hợp lệ",
		         "'%s' must be an integer %ld..%ld", key, min, max);
		return mc_error_field(err, key);
	}
	*out = n;
	return MC_OK;
}

enum mc_err notify_list_query_parse(json_t *q, struct notify_list_query *out, struct mc_error *err)
{
	enum mc_err rc;
	memset(out, 0, sizeof *out);
	if ((rc = filter_str(q, "state", list_states, &out->state, err)) ||
	    (rc = filter_str(q, "trigger", notify_triggers, &out->trigger, err)) ||
	    (rc = filter_str(q, "channel", list_channels, &out->channel, err)) ||
	    (rc = filter_str(q, "ref", NULL, &out->ref, err)) ||
	    (rc = filter_str(q, "office", NULL, &out->office, err)) ||
	    (rc = filter_int(q, "offset", 0, 1000000, 0, &out->offset, err)) ||
	    (rc = filter_int(q, "limit", 1, 200, 50, &out->limit, err)))
		return rc;
	return MC_OK;
}

/* ---- Consent ---------------------------------------------------------- */

static enum mc_err consent_invalid(struct mc_error *err, const char *vi, const char *en)
{
	return mc_failf(err, MC_ERR_INVALID, "invalid_field", vi, "notify: %s", en);
}

enum mc_err notify_consent_parse(json_t *notify, const char *phone, const char *email, char **out,
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
		for (k = 0; notify_channel_names[k]; k++)
			if (name && strcmp(name, notify_channel_names[k]) == 0)
				break;
		if (notify_channel_names[k] == NULL)
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
			json_array_append_new(list, json_string(notify_channel_names[k]));
	json_t *canon = json_pack("{s:o, s:b}", "channels", list, "any_hour", json_is_true(any));
	*out = json_dumps(canon, JSON_COMPACT);
	json_decref(canon);
	return MC_OK;
}
