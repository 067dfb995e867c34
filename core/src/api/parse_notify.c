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
