/* The working-time calendar: the year's days off and make-up days, the
 * administrator's overrides (the yearly notice), the office's working hours,
 * and due dates. Every calendar rule lives in domain/workcal and
 * store/calendar; these handlers only parse and render. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/parse_calendar.h"
#include "api/present_calendar.h"
#include "domain/amount.h"
#include "domain/civil_date.h"
#include "store/calendar.h"
#include "util/clock.h"
#include "util/xmalloc.h"

/* An instant of the query: ISO 8601, office time when no offset is given. */
static bool cal_parse_instant(const char *s, int64_t *t)
{
	return civil_parse_instant(s, CLOCK_OFFICE_UTC_OFFSET, t, NULL) == CIVIL_INSTANT_OK;
}

/* A non-negative decimal with at most 3 decimals and at most 1000, in
 * thousandths. */
static bool cal_parse_amount(const char *s, int64_t *out)
{
	int64_t v;
	if (!amount_parse_fixed(s, 1000, 3, &v) || v > 1000000)
		return false;
	*out = v;
	return true;
}

static json_t *cal_amount_json(int64_t thousandths)
{
	if (thousandths % 1000 == 0)
		return json_integer(thousandths / 1000);
	return json_real((double)thousandths / 1000.0);
}

/* ?office=<code> of the config and year routes: NULL when absent; false
 * (answered 400) when malformed. */
static bool cal_office_arg(struct http_request *r, const char **office)
{
	*office = http_query(r, "office");
	if (*office && ((*office)[0] == '\0' || strlen(*office) > 64)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Mã đơn vị không hợp lệ",
		                "office is an office code of 1-64 bytes");
		return false;
	}
	return true;
}

void route_calendar_year(struct api *api, struct http_request *r)
{
	int64_t year;
	struct calendar_year y;
	struct calendar_centre_config *centre = NULL;
	struct mc_error err;
	const char *office;

	if (!http_parse_int(r->params[0], WORKCAL_FIRST_YEAR, WORKCAL_LAST_YEAR, &year)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_year", "Năm không hợp lệ (1900–2100)",
		                "The year must be 1900-2100");
		return;
	}
	if (!cal_office_arg(r, &office))
		return;
	/* A centre's year: the province's days with the centre's week. */
	if (office) {
		centre = xmalloc(sizeof *centre);
		if (store_calendar_config_office(api->st, &r->who, office, centre, &err) != MC_OK)
			goto fail;
	}
	if (store_calendar_year(api->st, (int)year, &y, &err) != MC_OK)
		goto fail;
	json_t *out = present_calendar_year(&y);
	calendar_year_free(&y);
	if (centre) {
		static const char *const keys[] = {"office", "own", "weekdays", "sessions"};
		json_t *view = present_calendar_centre_config(centre);
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			json_object_set(out, keys[i], json_object_get(view, keys[i]));
		json_decref(view);
	}
	free(centre);
	http_reply_json(r, 200, out);
	return;
fail:
	free(centre);
	http_reply_error(r, &err);
}

void route_calendar_day_put(struct api *api, struct http_request *r)
{
	struct mc_error err;
	struct calendar_override row;
	json_t *body = http_body_object(r);
	const char *key;
	json_t *v;

	if (body == NULL)
		return;
	json_object_foreach(body, key, v)
	{
		if (strcmp(key, "kind") != 0 && strcmp(key, "name") != 0 &&
		    strcmp(key, "date") != 0) {
			mc_failf(&err, MC_ERR_INVALID, "unknown_field", "Nội dung có trường lạ",
			         "Unknown field '%.40s' (expected kind, name)", key);
			goto fail;
		}
	}
	json_t *kind = json_object_get(body, "kind"), *name = json_object_get(body, "name");
	json_t *date = json_object_get(body, "date");
	if (!json_is_string(kind)) {
		mc_fail(&err, MC_ERR_INVALID, "invalid_kind", "Loại ngày không hợp lệ",
		        "kind must be day_off, workday, remove or rename");
		goto fail;
	}
	if (name && !json_is_null(name) &&
	    (!json_is_string(name) ||
	     strlen(json_string_value(name)) != json_string_length(name))) {
		mc_fail(&err, MC_ERR_INVALID, "invalid_name", "Tên ngày không hợp lệ",
		        "name must be a string or null");
		goto fail;
	}
	if (date && (!json_is_string(date) || strcmp(json_string_value(date), r->params[0]) != 0)) {
		mc_fail(&err, MC_ERR_INVALID, "key_mismatch",
		        "Ngày trong nội dung khác ngày trong địa chỉ",
		        "The date in the body differs from the path");
		goto fail;
	}
	if (store_calendar_set_day(api->st, &r->who, r->params[0], json_string_value(kind),
	                           json_string_value(name), &row, &err) != MC_OK)
		goto fail;
	http_reply_json(r, 200, present_calendar_override(&row));
	json_decref(body);
	return;
fail:
	http_reply_error(r, &err);
	json_decref(body);
}

void route_calendar_day_delete(struct api *api, struct http_request *r)
{
	struct mc_error err;

	if (store_calendar_delete_day(api->st, &r->who, r->params[0], &err) != MC_OK)
		http_reply_error(r, &err);
	else
		http_reply_json(r, 200,
		                json_pack("{s:s, s:b}", "date", r->params[0], "deleted", 1));
}

void route_calendar_config_get(struct api *api, struct http_request *r)
{
	struct mc_error err;
	const char *office;

	if (!cal_office_arg(r, &office))
		return;
	if (office) {
		struct calendar_centre_config *centre = xmalloc(sizeof *centre);
		if (store_calendar_config_office(api->st, &r->who, office, centre, &err) != MC_OK)
			http_reply_error(r, &err);
		else
			http_reply_json(r, 200, present_calendar_centre_config(centre));
		free(centre);
		return;
	}
	struct workcal_config cfg;
	if (store_calendar_config(api->st, &cfg, &err) != MC_OK)
		http_reply_error(r, &err);
	else
		http_reply_json(r, 200, present_calendar_config(&cfg));
}

void route_calendar_config_put(struct api *api, struct http_request *r)
{
	struct mc_error err;
	const char *office;
	enum mc_err rc;

	if (!cal_office_arg(r, &office))
		return;
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	if (office) {
		struct calendar_centre_change ch;
		if ((rc = calendar_centre_config_parse(body, &ch, &err)) == MC_OK)
			rc = store_calendar_set_config_office(api->st, &r->who, office, &ch, &err);
	} else {
		struct workhours_config_change ch;
		if ((rc = calendar_config_parse(body, &ch, &err)) == MC_OK)
			rc = store_calendar_set_config(api->st, &r->who, &ch, &err);
	}
	if (rc != MC_OK)
		http_reply_error(r, &err);
	else
		route_calendar_config_get(api, r);
	json_decref(body);
}

void route_calendar_due(struct api *api, struct http_request *r)
{
	const char *from_s = http_query(r, "from"), *days = http_query(r, "days");
	const char *hours = http_query(r, "hours"), *same = http_query(r, "same_day");
	enum store_calendar_limit unit;
	int64_t from = clock_now(), amount = 0, due;
	bool same_day = false;
	struct mc_error err;
	char from_iso[26], due_iso[26];

	if (from_s && !cal_parse_instant(from_s, &from)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_from", "Thời điểm nhận không hợp lệ",
		                "from must be ISO 8601: YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM]"
		                " (write + as %2B in a query)");
		return;
	}
	if (same) {
		if (strcmp(same, "1") == 0 || strcmp(same, "true") == 0) {
			same_day = true;
		} else if (strcmp(same, "0") != 0 && strcmp(same, "false") != 0) {
			http_reply_fail(r, MC_ERR_INVALID, "invalid_same_day",
			                "same_day phải là 1 hoặc 0", "same_day must be 1 or 0");
			return;
		}
	}
	if ((days != NULL) + (hours != NULL) + same_day != 1) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_limit",
		                "Cần đúng một trong days, hours, same_day=1",
		                "Give exactly one of days, hours or same_day=1");
		return;
	}
	if ((days || hours) && !cal_parse_amount(days ? days : hours, &amount)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_limit",
		                "Thời hạn phải là số từ 0 đến 1000 (tối đa 3 chữ số thập phân)",
		                "days/hours must be a number 0-1000 with at most 3 decimals");
		return;
	}
	unit = same_day ? STORE_CALENDAR_SAME_DAY
	       : days   ? STORE_CALENDAR_DAYS
	                : STORE_CALENDAR_HOURS;
	if (store_calendar_due(api->st, from, unit, amount, &due, &err) != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	clock_office_iso(from, from_iso);
	clock_office_iso(due, due_iso);
	json_t *out = json_pack("{s:s, s:I, s:s, s:I}", "from", from_iso, "from_epoch",
	                        (json_int_t)from, "due", due_iso, "due_epoch", (json_int_t)due);
	if (same_day)
		json_object_set_new(out, "same_day", json_true());
	else
		json_object_set_new(out, days ? "days" : "hours", cal_amount_json(amount));
	http_reply_json(r, 200, out);
}
