/* Calendar requests: JSON bodies into typed changes. */
#include "api/parse_calendar.h"

#include <stdio.h>
#include <string.h>

static enum mc_err cal_bad_config(struct mc_error *err, const char *what)
{
	return mc_failf(err, MC_ERR_INVALID, "invalid_config",
	                "Cấu hình lịch làm việc không hợp lệ", "Invalid calendar configuration: %s",
	                what);
}

static enum mc_err cal_fault(struct mc_error *err, enum workhours_fault f)
{
	return f == WORKHOURS_OK ? MC_OK : cal_bad_config(err, workhours_fault_text(f));
}

void calendar_raw_list(json_t *v, struct workhours_raw_list *out)
{
	size_t i;
	json_t *item;
	*out = (struct workhours_raw_list){.is_array = json_is_array(v)};
	if (!out->is_array)
		return;
	out->n = (int)(json_array_size(v) > 1000 ? 1000 : json_array_size(v));
	json_array_foreach(v, i, item)
	{
		if (i >= WORKHOURS_RAW_MAX)
			break;
		json_int_t n = json_integer_value(item);
		out->is_int[i] = json_is_integer(item) && n >= -1000000 && n <= 1000000;
		out->item[i] = out->is_int[i] ? (int)n : -1;
	}
}

/* A string member as written ("" when absent, not a string or too long). */
static void cal_raw_hhmm(json_t *v, char out[8])
{
	const char *s = json_string_value(v);
	out[0] = '\0';
	if (s && strlen(s) < 8 && strlen(s) == json_string_length(v))
		snprintf(out, 8, "%s", s);
}

void calendar_raw_sessions(json_t *v, struct workhours_raw_sessions *out)
{
	size_t i;
	json_t *item;
	*out = (struct workhours_raw_sessions){.is_array = json_is_array(v)};
	if (!out->is_array)
		return;
	out->n = (int)(json_array_size(v) > 1000 ? 1000 : json_array_size(v));
	json_array_foreach(v, i, item)
	{
		if (i >= WORKHOURS_RAW_MAX)
			break;
		struct workhours_raw_session *s = &out->item[i];
		s->is_object = json_is_object(item);
		s->n_members = (int)json_object_size(item);
		cal_raw_hhmm(json_object_get(item, "start"), s->start);
		cal_raw_hhmm(json_object_get(item, "end"), s->end);
		json_t *days = json_object_get(item, "days");
		s->has_days = days != NULL;
		calendar_raw_list(days, &s->days);
	}
}

/* The first member of body not in keys (n of them), or NULL. */
static const char *cal_unknown_key(json_t *body, const char *const *keys, size_t n)
{
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		size_t i = 0;
		while (i < n && strcmp(keys[i], key) != 0)
			i++;
		if (i == n)
			return key;
	}
	return NULL;
}

enum mc_err calendar_config_parse(json_t *body, struct workhours_config_change *out,
                                  struct mc_error *err)
{
	static const char *const keys[] = {"weekdays", "sessions", "cutoff"};
	json_t *w = json_object_get(body, "weekdays"), *s = json_object_get(body, "sessions");
	json_t *c = json_object_get(body, "cutoff");
	struct workcal_config cfg = {0};
	enum mc_err rc;

	*out = (struct workhours_config_change){0};
	if (!json_is_object(body) || json_object_size(body) == 0)
		return cal_bad_config(err, "expected an object with weekdays, sessions or cutoff");
	const char *unknown = cal_unknown_key(body, keys, 3);
	if (unknown)
		return mc_failf(err, MC_ERR_INVALID, "unknown_field", "Trường lạ",
		                "unknown calendar setting '%.40s'", unknown);
	if (w) {
		struct workhours_raw_list raw;
		struct workhours_weekdays wd;
		calendar_raw_list(w, &raw);
		if ((rc = cal_fault(err, workhours_weekdays_check(&raw, &wd))))
			return rc;
		out->has_weekdays = true;
		out->weekday_mask = wd.mask;
	}
	if (s) {
		struct workhours_raw_sessions raw;
		calendar_raw_sessions(s, &raw);
		if ((rc = cal_fault(err, workhours_sessions_check(&raw, &cfg))))
			return rc;
		out->has_sessions = true;
		out->n_sessions = cfg.n_sessions;
		memcpy(out->sessions, cfg.sessions, sizeof out->sessions);
	}
	if (c) {
		if ((rc = cal_fault(err,
		                    workhours_cutoff_check(json_string_value(c), &out->cutoff))))
			return rc;
		out->has_cutoff = true;
	}
	return MC_OK;
}

/* Checks weekdays and sessions (NULL or null: not given) into *out. */
static enum mc_err cal_centre_members(json_t *weekdays, json_t *sessions,
                                      struct calendar_centre_change *out, struct mc_error *err)
{
	enum mc_err rc;
	*out =
	    (struct calendar_centre_change){.weekdays_do = weekdays == NULL         ? CALENDAR_KEEP
	                                                   : json_is_null(weekdays) ? CALENDAR_CLEAR
	                                                                            : CALENDAR_SET,
	                                    .sessions_do = sessions == NULL         ? CALENDAR_KEEP
	                                                   : json_is_null(sessions) ? CALENDAR_CLEAR
	                                                                            : CALENDAR_SET};
	if (out->weekdays_do == CALENDAR_SET) {
		struct workhours_raw_list raw;
		calendar_raw_list(weekdays, &raw);
		if ((rc = cal_fault(err, workhours_weekdays_check(&raw, &out->weekdays))))
			return rc;
	}
	if (out->sessions_do == CALENDAR_SET) {
		struct workhours_raw_sessions raw;
		calendar_raw_sessions(sessions, &raw);
		if ((rc = cal_fault(err, workhours_centre_sessions_check(&raw, out->sessions,
		                                                         &out->n_sessions))))
			return rc;
	}
	return MC_OK;
}

enum mc_err calendar_centre_check(json_t *weekdays, json_t *sessions, struct mc_error *err)
{
	struct calendar_centre_change ch;
	return cal_centre_members(weekdays, sessions, &ch, err);
}

enum mc_err calendar_centre_config_parse(json_t *body, struct calendar_centre_change *out,
                                         struct mc_error *err)
{
	static const char *const keys[] = {"weekdays", "sessions"};

	*out = (struct calendar_centre_change){0};
	if (!json_is_object(body) || json_object_size(body) == 0)
		return cal_bad_config(err, "expected an object with weekdays or sessions");
	const char *unknown = cal_unknown_key(body, keys, 2);
	if (unknown)
		return mc_failf(err, MC_ERR_INVALID, "unknown_field", "Trường lạ",
		                "a centre keeps its own weekdays and sessions only ('%.40s'"
		                " is the province's)",
		                unknown);
	return cal_centre_members(json_object_get(body, "weekdays"),
	                          json_object_get(body, "sessions"), out, err);
}
