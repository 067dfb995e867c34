#include "api/setup_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/notify_config.h"
#include "api/parse_booking.h"
#include "api/parse_calendar.h"
#include "api/present_booking.h"
#include "domain/amount.h"
#include "domain/office.h"
#include "store/auth.h"
#include "store/booking.h"
#include "store/notify.h"
#include "store/office.h"
#include "store/print.h"
#include "store/setup.h"
#include "util/clock.h"
#include "util/xmalloc.h"

#define SETUP_MAX_ITEMS 1000

/* The counts of one import, for its report. */
struct import_counts {
	int groups, counters, users_created, users_updated, offices, procedures, printers;
	json_t *tokens; /* the devices created: [{name, kind, token}] */
};

/* A string member of obj: NULL (and MC_OK) when absent and optional; an
 * error when the wrong type, empty, or longer than max bytes. */
static enum mc_err import_str(json_t *obj, const char *key, bool required, size_t max,
                              const char *where, const char **out, struct mc_error *err)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return MC_OK;
		mc_failf(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		         "%s: '%s' is required", where, key);
		return mc_error_field(err, key);
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		         "%s: '%s' must be a string of 1-%zu bytes", where, key, max);
		return mc_error_field(err, key);
	}
	*out = json_string_value(v);
	return MC_OK;
}

/* As import_str for an optional member, with the office tree's wording. */
static enum mc_err import_office_str(json_t *o, const char *key, size_t max, const char *code,
                                     const char **out, struct mc_error *err)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return MC_OK;
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		         "office %.40s: '%s' must be a string of 1-%zu bytes", code ? code : "?",
		         key, max);
		return mc_error_field(err, key);
	}
	*out = json_string_value(v);
	return MC_OK;
}

static enum mc_err import_array(json_t *bundle, const char *key, json_t **out, struct mc_error *err)
{
	json_t *v = json_object_get(bundle, key);
	*out = NULL;
	if (v == NULL)
		return MC_OK;
	if (!json_is_array(v) || json_array_size(v) > SETUP_MAX_ITEMS)
		return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "'%s' must be an array of at most %d items", key, SETUP_MAX_ITEMS);
	*out = v;
	return MC_OK;
}

/* The audit details of item: the item as given, without its password (never
 * in the audit chain) nor the routes' "_must_exist". The caller frees it. */
static char *import_details(json_t *item)
{
	json_t *copy = json_deep_copy(item);
	json_object_del(copy, "password");
	json_object_del(copy, "_must_exist");
	char *details = json_dumps(copy, JSON_COMPACT);
	json_decref(copy);
	return details;
}

static enum setup_flag import_flag(json_t *v)
{
	if (v == NULL)
		return SETUP_UNSET;
	return json_is_boolean(v) ? (json_is_true(v) ? SETUP_TRUE : SETUP_FALSE) : SETUP_OTHER;
}

static struct setup_office_ref import_office_ref(json_t *item)
{
	json_t *v = json_object_get(item, "office");
	return (struct setup_office_ref){.given = v != NULL,
	                                 .bad = v && !json_is_null(v) && !json_is_string(v),
	                                 .code = json_string_value(v)};
}

static bool import_must_exist(json_t *item)
{
	return json_is_true(json_object_get(item, "_must_exist"));
}

/* Pass 1 of the "offices" list: one office, checked, then saved. */
static enum mc_err import_office_item(struct store *st, const struct principal *who, json_t *o,
                                      struct mc_error *err)
{
	struct office_item it = {0};
	enum mc_err rc = MC_OK;
	if (!json_is_object(o))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "offices items must be objects");
	if ((rc = import_office_str(o, "code", 32, NULL, &it.code, err)))
		return rc;
	if (it.code == NULL)
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		               "office: 'code' is required");
	const char *code = it.code;
	if ((rc = import_office_str(o, "name", 200, code, &it.name, err)) ||
	    (rc = import_office_str(o, "kind", 16, code, &it.kind, err)) ||
	    (rc = import_office_str(o, "level", 16, code, &it.level, err)) ||
	    (rc = import_office_str(o, "address", 300, code, &it.address, err)) ||
	    (rc = import_office_str(o, "phone", 40, code, &it.phone, err)) ||
	    (rc = import_office_str(o, "hours", 300, code, &it.hours, err)) ||
	    (rc = import_office_str(o, "locality", 100, code, &it.locality, err)))
		return rc;
	if (it.name == NULL)
		return mc_failf(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		                "office %.40s: 'name' is required", code);
	if (it.kind && office_kind_bit(it.kind) == 0)
		return mc_failf(err, MC_ERR_INVALID, "invalid_office_kind",
		                "Loại đơn vị không hợp lệ",
		                "office %.40s: kind must be province, centre, point, authority,"
		                " internal or partner",
		                code);
	if (it.level && strcmp(it.level, "province") != 0 && strcmp(it.level, "commune") != 0)
		return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "office %.40s: level must be province or commune", code);
	json_t *weekdays = json_object_get(o, "weekdays"),
	       *sessions = json_object_get(o, "sessions");
	json_t *sort = json_object_get(o, "sort"), *demo = json_object_get(o, "demo");
	json_t *active = json_object_get(o, "active");
	if ((weekdays && !json_is_array(weekdays) && !json_is_null(weekdays)) ||
	    (sessions && !json_is_array(sessions) && !json_is_null(sessions)) ||
	    (sort && !json_is_integer(sort)) || (demo && !json_is_boolean(demo)) ||
	    (active && !json_is_boolean(active)))
		return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "office %.40s: weekdays and sessions are arrays, sort an integer,"
		                " demo and active booleans",
		                code);
	struct mc_error inner;
	if (calendar_centre_check(weekdays, sessions, &inner) != MC_OK)
		return mc_failf(err, MC_ERR_INVALID, inner.code, inner.message_vi,
		                "office %.40s: %s", code, inner.message_en);
	char *wd = json_is_array(weekdays) ? json_dumps(weekdays, JSON_COMPACT) : NULL;
	char *se = json_is_array(sessions) ? json_dumps(sessions, JSON_COMPACT) : NULL;
	char *details = json_dumps(o, JSON_COMPACT);
	it.weekdays = wd;
	it.sessions = se;
	it.has_sort = sort != NULL;
	it.sort = json_integer_value(sort);
	it.demo = import_flag(demo);
	it.active = import_flag(active);
	it.details = details;
	rc = store_office_save(st, who, &it, err);
	free(wd);
	free(se);
	free(details);
	return rc;
}

/* The "office" shortcut: one centre under the root. */
static enum mc_err import_office_centre(struct store *st, json_t *office, int *count,
                                        struct mc_error *err)
{
	struct office_centre c = {0};
	enum mc_err rc = MC_OK;
	if (office == NULL)
		return MC_OK;
	if (!json_is_object(office))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "'office' must be an object");
	if ((rc = import_office_str(office, "code", 64, "(office)", &c.code, err)) ||
	    (rc = import_office_str(office, "name", 300, c.code, &c.name, err)) ||
	    (rc = import_office_str(office, "locality", 100, c.code, &c.locality, err)) ||
	    (rc = import_office_str(office, "address", 300, c.code, &c.address, err)) ||
	    (rc = import_office_str(office, "hours", 300, c.code, &c.hours, err)) ||
	    (rc = import_office_str(office, "phone", 40, c.code, &c.phone, err)))
		return rc;
	if (c.code == NULL || c.name == NULL)
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		               "office: 'code' and 'name' are required");
	if ((rc = store_office_centre_save(st, &c, err)))
		return rc;
	(*count)++;
	return MC_OK;
}

/* The bundle's "offices" list and "office" shortcut (docs/province.md). */
static enum mc_err import_offices(struct store *st, const struct principal *who, json_t *bundle,
                                  int *count, struct mc_error *err)
{
	json_t *arr = json_object_get(bundle, "offices"), *o;
	json_t *single = json_object_get(bundle, "office");
	size_t i;
	enum mc_err rc = MC_OK;
	if (arr == NULL && single == NULL)
		return MC_OK;
	if (arr && (!json_is_array(arr) || json_array_size(arr) > 5000))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "'offices' must be an array of at most 5000 items");
	json_array_foreach(arr, i, o)
	{
		if ((rc = import_office_item(st, who, o, err)))
			return rc;
		(*count)++;
	}
	json_array_foreach(arr, i, o)
	{
		const char *code = json_string_value(json_object_get(o, "code"));
		json_t *parent = json_object_get(o, "parent");
		if (parent == NULL)
			continue;
		if (!json_is_string(parent) && !json_is_null(parent))
			return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			                "office %.40s: 'parent' must be an office code", code);
		if ((rc = store_office_link(st, code, json_string_value(parent), err)))
			return rc;
	}
	if ((rc = import_office_centre(st, single, count, err)))
		return rc;
	return store_offices_done(st, err);
}

/* The province's public address (the links printed on tickets and
 * receipts, e.g. "https://dichvucong.quangtri.gov.vn"): setting
 * "public_url", an http(s) URL of at most 200 bytes without spaces. */
static enum mc_err import_public_url(struct store *st, json_t *v, struct mc_error *err)
{
	const char *url = json_string_value(v);
	if (url == NULL || strlen(url) > 200 || strlen(url) != json_string_length(v) ||
	    (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
	    strpbrk(url, " \t\r\n\"<>") != NULL)
		return mc_fail(err, MC_ERR_INVALID, "invalid_setting",
		               "Giá trị thiết lập không hợp lệ",
		               "setting 'public_url' must be an http(s) URL of at most 200 bytes");
	return store_setting_set(st, "public_url", url, err);
}

/* An audit event of the set-up with item's details. */
static enum mc_err import_audit(struct store *st, const struct principal *who, const char *entity,
                                const char *id, const char *action, json_t *item,
                                struct mc_error *err)
{
	char *details = import_details(item);
	enum mc_err rc = store_setup_audit(st, who, entity, id, action, details, err);
	free(details);
	return rc;
}

static enum mc_err import_office(struct store *st, const struct principal *who, json_t *bundle,
                                 struct mc_error *err)
{
	json_t *office = json_object_get(bundle, "office");
	const char *code, *name;
	if (office == NULL)
		return MC_OK;
	if (!json_is_object(office))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "'office' must be an object");
	const char *locality; /* địa danh: the place before ", ngày … tháng …" on forms */
	enum mc_err rc = import_str(office, "code", true, 64, "office", &code, err);
	if (rc == MC_OK)
		rc = import_str(office, "name", true, 300, "office", &name, err);
	if (rc == MC_OK)
		rc = import_str(office, "locality", false, 100, "office", &locality, err);
	if (rc)
		return rc;
	/* The centre itself is the tree's (import_offices); the single-office
	 * bundle's public_url is the province's setting. Nothing is kept in an
	 * "office" setting any more. */
	json_t *url = json_object_get(office, "public_url");
	if (url && !json_is_null(url) && (rc = import_public_url(st, url, err)))
		return rc;
	return import_audit(st, who, "office", code, "office.set", office, err);
}

/* One plain setting: a small integer, or the public address. */
static enum mc_err import_setting(struct store *st, const char *key, json_t *v,
                                  struct mc_error *err)
{
	static const struct {
		const char *key;
		int min, max;
	} ints[] = {
	    {"priority_cap", 0, 100},
	    {"no_show_rejoin_minutes", 0, 24 * 60},
	    {"default_service_minutes", 1, 240},
	    {"service_level_minutes", 1, 240},
	    {"session_ttl_hours", 1, 24 * 30},
	    {"session_idle_minutes", 0, 24 * 60},
	    {"queue_any_hour", 0, 1}, /* 1: the queue ignores working hours */
	};
	if (strcmp(key, "public_url") == 0)
		return import_public_url(st, v, err);
	size_t i;
	for (i = 0; i < sizeof ints / sizeof ints[0]; i++)
		if (strcmp(ints[i].key, key) == 0)
			break;
	if (i == sizeof ints / sizeof ints[0])
		return mc_failf(err, MC_ERR_INVALID, "unknown_setting",
		                "Thiết lập không được hỗ trợ", "unknown setting '%.60s'", key);
	if (!json_is_integer(v) || json_integer_value(v) < ints[i].min ||
	    json_integer_value(v) > ints[i].max)
		return mc_failf(
		    err, MC_ERR_INVALID, "invalid_setting", "Giá trị thiết lập không hợp lệ",
		    "setting '%s' must be an integer %d..%d", key, ints[i].min, ints[i].max);
	char num[32];
	snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
	return store_setting_set(st, key, num, err);
}

/* The priority class list, kept as JSON text. */
static enum mc_err import_priority_classes(struct store *st, const struct principal *who,
                                           json_t *classes, struct mc_error *err)
{
	enum mc_err rc = MC_OK;
	if (!json_is_array(classes) || json_array_size(classes) > 20)
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "'priority_classes' must be an array of at most 20");
	size_t i;
	json_t *v;
	json_array_foreach(classes, i, v)
	{
		const char *code, *name;
		if (!json_is_object(v) ||
		    (rc = import_str(v, "code", true, 32, "priority_classes", &code, err)) ||
		    (rc = import_str(v, "name", true, 100, "priority_classes", &name, err)))
			return rc ? rc
			          : mc_fail(err, MC_ERR_INVALID, "invalid_field",
			                    "Trường không hợp lệ",
			                    "priority_classes items must be objects");
	}
	char *text = json_dumps(classes, JSON_COMPACT);
	rc = store_setting_set(st, "priority_classes", text, err);
	free(text);
	return rc ? rc
	          : import_audit(st, who, "settings", "priority_classes", "settings.set", classes,
	                         err);
}

/* Plain settings, then the priority class list. */
static enum mc_err import_settings(struct store *st, const struct principal *who, json_t *bundle,
                                   struct mc_error *err)
{
	json_t *settings = json_object_get(bundle, "settings");
	json_t *classes = json_object_get(bundle, "priority_classes");
	enum mc_err rc = MC_OK;

	if (settings && !json_is_object(settings))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "'settings' must be an object");
	const char *key;
	json_t *v;
	json_object_foreach(settings, key, v)
	{
		if ((rc = import_setting(st, key, v, err)))
			return rc;
	}
	if (settings &&
	    (rc = import_audit(st, who, "settings", "office", "settings.set", settings, err)))
		return rc;
	return classes ? import_priority_classes(st, who, classes, err) : MC_OK;
}

static enum mc_err import_group(struct store *st, const struct principal *who, json_t *g,
                                struct mc_error *err)
{
	struct setup_group it = {0};
	enum mc_err rc = MC_OK;
	if (!json_is_object(g))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "service_groups items must be objects");
	bool patch = import_must_exist(g);
	if ((rc = import_str(g, "code", true, 16, "service_group", &it.code, err)) ||
	    (rc = import_str(g, "prefix", !patch, 3, "service_group", &it.prefix, err)) ||
	    (rc = import_str(g, "name", !patch, 200, "service_group", &it.name, err)) ||
	    (rc = import_str(g, "name_en", false, 200, "service_group", &it.name_en, err)))
		return rc;
	if (it.prefix && strspn(it.prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(it.prefix)) {
		mc_fail(err, MC_ERR_INVALID, "invalid_prefix",
		        "Tiền tố số thứ tự chỉ gồm chữ in hoa A–Z",
		        "prefix must be 1-3 capital letters A-Z");
		return mc_error_field(err, "prefix");
	}
	json_t *sort = json_object_get(g, "sort");
	it.has_sort = json_is_integer(sort);
	it.sort = json_integer_value(sort);
	it.active = import_flag(json_object_get(g, "active"));
	it.must_exist = patch;
	it.office = import_office_ref(g);
	char *details = import_details(g);
	it.details = details;
	rc = store_setup_group_save(st, who, &it, err);
	free(details);
	return rc;
}

static enum mc_err import_counter(struct store *st, const struct principal *who, json_t *co,
                                  struct mc_error *err)
{
	struct setup_counter it = {0};
	json_t *no = json_object_get(co, "no");
	json_t *groups = json_object_get(co, "groups");
	enum mc_err rc = MC_OK;
	if (!json_is_object(co) || !json_is_integer(no) || json_integer_value(no) < 1 ||
	    json_integer_value(no) > 999) {
		mc_fail(err, MC_ERR_INVALID, "invalid_counter_no",
		        "Số quầy phải là số nguyên 1–999", "counter 'no' must be an integer 1-999");
		return mc_error_field(err, "no");
	}
	if ((rc = import_str(co, "name", false, 100, "counter", &it.name, err)))
		return rc;
	if (groups && (!json_is_array(groups) || json_array_size(groups) > 50))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "counter 'groups' must be an array of group codes");
	const char *codes[50];
	size_t k;
	json_t *gc;
	json_array_foreach(groups, k, gc) codes[k] = json_string_value(gc);
	it.no = json_integer_value(no);
	it.has_groups = groups != NULL;
	it.groups = codes;
	it.ngroups = json_array_size(groups);
	it.must_exist = import_must_exist(co);
	it.office = import_office_ref(co);
	char *details = import_details(co);
	it.details = details;
	rc = store_setup_counter_save(st, who, &it, err);
	free(details);
	return rc;
}

static enum mc_err import_user(struct store *st, const struct principal *who, json_t *u,
                               struct import_counts *n, struct mc_error *err)
{
	struct setup_user it = {0};
	enum mc_err rc = MC_OK;
	if (!json_is_object(u))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "users items must be objects");
	if ((rc = import_str(u, "username", true, 64, "user", &it.username, err)) ||
	    (rc = import_str(u, "full_name", false, 200, "user", &it.full_name, err)) ||
	    (rc = import_str(u, "role", false, 16, "user", &it.role, err)) ||
	    (rc = import_str(u, "password", false, 128, "user", &it.password, err)) ||
	    (rc = import_str(u, "title", false, 200, "user", &it.title, err)))
		return rc;
	/* "head": the office head (trưởng đơn vị) of the user's office. */
	json_t *head = json_object_get(u, "head");
	if (head && !json_is_boolean(head))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "head is true or false");
	if (it.role && auth_role_parse(it.role) == ROLE_NONE) {
		mc_fail(err, MC_ERR_INVALID, "invalid_role", "Vai trò không hợp lệ",
		        "role must be admin, supervisor, counter or specialist");
		return mc_error_field(err, "role");
	}
	it.active = import_flag(json_object_get(u, "active"));
	it.head = import_flag(head);
	it.demo = import_flag(json_object_get(u, "demo"));
	it.must_exist = import_must_exist(u);
	it.office = import_office_ref(u);
	char *details = import_details(u);
	it.details = details;
	bool created = false;
	rc = store_setup_user_save(st, who, &it, &created, err);
	free(details);
	if (rc == MC_OK)
		(*(created ? &n->users_created : &n->users_updated))++;
	return rc;
}

static enum mc_err import_device(struct store *st, const struct principal *who, json_t *d,
                                 json_t *tokens, struct mc_error *err)
{
	struct setup_device it = {0};
	enum mc_err rc = MC_OK;
	if (!json_is_object(d))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "devices items must be objects");
	if ((rc = import_str(d, "name", true, 100, "device", &it.name, err)) ||
	    (rc = import_str(d, "kind", false, 16, "device", &it.kind, err)))
		return rc;
	it.prints = import_flag(json_object_get(d, "prints"));
	it.active = import_flag(json_object_get(d, "active"));
	it.must_exist = import_must_exist(d);
	it.office = import_office_ref(d);
	char *details = import_details(d);
	it.details = details;
	bool created = false;
	char token[AUTH_TOKEN_LEN];
	rc = store_setup_device_save(st, who, &it, &created, token, err);
	free(details);
	if (rc == MC_OK && created)
		json_array_append_new(tokens, json_pack("{s:s, s:s, s:s}", "name", it.name, "kind",
		                                        it.kind, "token", token));
	return rc;
}

static bool import_one_of(const char *v, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(v, *allowed) == 0)
			return true;
	return false;
}

/* A string member of a printer: NULL when absent or null. */
static enum mc_err import_printer_str(json_t *obj, const char *key, size_t max, const char **out,
                                      struct mc_error *err)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (v == NULL || json_is_null(v))
		return MC_OK;
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		         "printer: '%s' must be a string of 1-%zu bytes", key, max);
		return mc_error_field(err, key);
	}
	*out = json_string_value(v);
	return MC_OK;
}

static enum mc_err import_printer(struct store *st, const struct principal *who, json_t *p,
                                  struct mc_error *err)
{
	static const char *const formats[] = {"pdf", "escpos", NULL};
	static const char *const papers[] = {"80mm", "58mm", "a5", "a4", NULL};
	struct setup_printer it = {0};
	enum mc_err rc = MC_OK;
	if (!json_is_object(p))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "printers items must be objects");
	if ((rc = import_printer_str(p, "name", STORE_PRINTER_NAME_MAX, &it.name, err)) ||
	    (rc = import_printer_str(p, "target", STORE_PRINTER_TARGET_MAX, &it.target, err)) ||
	    (rc = import_printer_str(p, "format", 8, &it.format, err)) ||
	    (rc = import_printer_str(p, "paper", 8, &it.paper, err)))
		return rc;
	if (it.name == NULL)
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		               "printer: 'name' is required");
	if (it.format && !import_one_of(it.format, formats))
		return mc_fail(err, MC_ERR_INVALID, "invalid_printer_format",
		               "Định dạng máy in không hợp lệ",
		               "printer 'format' is pdf or escpos");
	if (it.paper && !import_one_of(it.paper, papers))
		return mc_fail(err, MC_ERR_INVALID, "invalid_printer_paper",
		               "Khổ giấy không hợp lệ", "printer 'paper' is 80mm, 58mm, a5 or a4");
	json_t *def = json_object_get(p, "default");
	json_t *active = json_object_get(p, "active");
	if ((def && !json_is_boolean(def)) || (active && !json_is_boolean(active)))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "printer 'default' and 'active' are booleans");
	it.is_default = import_flag(def);
	it.active = import_flag(active);
	it.must_exist = import_must_exist(p);
	it.office = import_office_ref(p);
	json_t *copy = json_deep_copy(p);
	json_object_del(copy, "_must_exist");
	char *details = json_dumps(copy, JSON_COMPACT);
	json_decref(copy);
	it.details = details;
	rc = store_setup_printer_save(st, who, &it, err);
	free(details);
	return rc;
}

/* The "printer" of each item of list (devices: by name; counters: by no):
 * a destination name, or null to use the office's default. */
static enum mc_err import_printer_links(struct store *st, json_t *bundle, const char *list,
                                        struct mc_error *err)
{
	json_t *arr = json_object_get(bundle, list), *item;
	size_t i;
	bool devices = strcmp(list, "devices") == 0;
	json_array_foreach(arr, i, item)
	{
		json_t *v = json_object_get(item, "printer");
		if (v == NULL)
			continue;
		if (!json_is_null(v) && !json_is_string(v))
			return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			                "%s: 'printer' is a printer name or null", list);
		struct setup_printer_link l = {
		    .list = list,
		    .device = devices ? json_string_value(json_object_get(item, "name")) : NULL,
		    .counter_no = json_integer_value(json_object_get(item, "no")),
		    .office = import_office_ref(item),
		    .printer = json_string_value(v)};
		enum mc_err rc = store_setup_printer_link(st, &l, err);
		if (rc)
			return rc;
	}
	return MC_OK;
}

/* The JSON number v (0-1000) as thousandths, through the one amount parser:
 * jansson keeps no number's text, so its shortest decimal form ("%.15g" gives
 * back what was written up to 15 significant digits) is parsed, and 2.5 is
 * 2500 while 1.0005 or 1e-05 (more than three decimals) is refused, not
 * rounded through a double. False for anything else. */
static bool import_milli(json_t *v, int64_t *milli)
{
	char text[40];
	if (json_is_integer(v))
		snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(text, sizeof text, "%.15g", json_real_value(v));
	else
		return false;
	return amount_parse_fixed(text, 1000, 3, milli) && *milli <= 1000 * 1000;
}

/* Checks the "processing", "fee_vnd", "documents" and "steps" of procedure
 * p (docs/api.md "Procedures"); fills the time unit and amount in
 * thousandths. */
static enum mc_err import_procedure_time(json_t *p, const char **unit, int64_t *milli,
                                         struct mc_error *err)
{
	const char *u;
	enum mc_err rc = MC_OK;
	json_t *proc = json_object_get(p, "processing");
	if (!json_is_object(proc) ||
	    (rc = import_str(proc, "unit", true, 16, "processing", &u, err)))
		return rc ? rc
		          : mc_fail(err, MC_ERR_INVALID, "invalid_processing",
		                    "Thời hạn giải quyết không hợp lệ",
		                    "'processing' {unit, amount} is required");
	json_t *amount = json_object_get(proc, "amount");
	if ((strcmp(u, "working_days") != 0 && strcmp(u, "working_hours") != 0 &&
	     strcmp(u, "same_day") != 0) ||
	    !import_milli(amount, milli))
		return mc_fail(err, MC_ERR_INVALID, "invalid_processing",
		               "Thời hạn giải quyết không hợp lệ",
		               "processing.unit must be working_days, working_hours or same_day,"
		               " amount 0-1000");
	json_t *fee = json_object_get(p, "fee_vnd");
	if (fee && (!json_is_integer(fee) || json_integer_value(fee) < 0))
		return mc_fail(err, MC_ERR_INVALID, "invalid_fee", "Lệ phí không hợp lệ",
		               "fee_vnd must be a whole number >= 0");
	json_t *docs = json_object_get(p, "documents");
	size_t i;
	json_t *d;
	if (docs && (!json_is_array(docs) || json_array_size(docs) > 50))
		return mc_fail(err, MC_ERR_INVALID, "invalid_documents",
		               "Thành phần hồ sơ không hợp lệ",
		               "documents must be an array of at most 50");
	json_array_foreach(docs, i, d)
	{
		const char *dn, *kind;
		if (!json_is_object(d) ||
		    (rc = import_str(d, "name", true, 500, "document", &dn, err)) ||
		    (rc = import_str(d, "kind", false, 16, "document", &kind, err)))
			return rc ? rc
			          : mc_fail(err, MC_ERR_INVALID, "invalid_documents",
			                    "Thành phần hồ sơ không hợp lệ",
			                    "documents items must be objects");
	}
	/* The offices' slices may not add up to more than the whole. */
	double total = 0;
	json_array_foreach(json_object_get(p, "steps"), i, d)
	{
		json_t *days = json_object_get(d, "days");
		if (!json_is_string(json_object_get(d, "office")) || !json_is_number(days) ||
		    json_number_value(days) < 0)
			return mc_fail(err, MC_ERR_INVALID, "invalid_steps",
			               "Các bước không hợp lệ", "steps items are {office, days}");
		total += json_number_value(days);
	}
	if (strcmp(u, "working_days") == 0 && total > json_number_value(amount) + 1e-9)
		return mc_fail(err, MC_ERR_INVALID, "steps_over_total",
		               "Tổng thời gian các bước vượt quá thời hạn giải quyết",
		               "The steps' budgets add up to more than the legal time");
	*unit = u;
	return MC_OK;
}

static enum mc_err import_procedure(struct store *st, const struct principal *who, json_t *p,
                                    int *count, struct mc_error *err)
{
	struct setup_procedure it = {0};
	enum mc_err rc = MC_OK;
	if (!json_is_object(p))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "procedures items must be objects");
	if ((rc = import_str(p, "code", true, 32, "procedure", &it.code, err)) ||
	    (rc = import_str(p, "name", true, 500, "procedure", &it.name, err)) ||
	    (rc = import_str(p, "field", true, 200, "procedure", &it.field, err)) ||
	    (rc = import_str(p, "level", true, 16, "procedure", &it.level, err)) ||
	    (rc = import_str(p, "office", false, 32, "procedure", &it.office, err)) ||
	    (rc = import_procedure_time(p, &it.unit, &it.milli, err)))
		return rc;
	it.fee_vnd = json_integer_value(json_object_get(p, "fee_vnd"));
	char *body = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	char *details = import_details(p);
	it.body = body;
	it.details = details;
	bool saved = false;
	rc = store_setup_procedure_save(st, who, &it, &saved, err);
	free(body);
	free(details);
	if (rc == MC_OK && saved)
		(*count)++;
	return rc;
}

/* The sections of the bundle with a list of items, in the order they are
 * applied (printers before counters and devices, which may name them). */
static enum mc_err import_lists(struct store *st, const struct principal *who, json_t *bundle,
                                struct import_counts *n, struct mc_error *err)
{
	json_t *arr, *v;
	size_t i;
	enum mc_err rc = MC_OK;
	if ((rc = import_array(bundle, "service_groups", &arr, err)))
		return rc;
	json_array_foreach(arr, i, v)
	{
		if ((rc = import_group(st, who, v, err)))
			return rc;
		n->groups++;
	}
	arr = json_object_get(bundle, "printers");
	if (arr && (!json_is_array(arr) || json_array_size(arr) > 200))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "'printers' must be an array of at most 200 items");
	json_array_foreach(arr, i, v)
	{
		if ((rc = import_printer(st, who, v, err)))
			return rc;
		n->printers++;
	}
	if ((rc = import_array(bundle, "counters", &arr, err)))
		return rc;
	json_array_foreach(arr, i, v)
	{
		if ((rc = import_counter(st, who, v, err)))
			return rc;
		n->counters++;
	}
	if ((rc = import_array(bundle, "users", &arr, err)))
		return rc;
	json_array_foreach(arr, i, v)
	{
		if ((rc = import_user(st, who, v, n, err)))
			return rc;
	}
	if (arr && (rc = store_setup_users_done(st, n->users_updated > 0, err)))
		return rc;
	if ((rc = import_array(bundle, "devices", &arr, err)))
		return rc;
	json_array_foreach(arr, i, v)
	{
		if ((rc = import_device(st, who, v, n->tokens, err)))
			return rc;
	}
	if ((rc = import_printer_links(st, bundle, "devices", err)) ||
	    (rc = import_printer_links(st, bundle, "counters", err)) ||
	    (rc = import_array(bundle, "procedures", &arr, err)))
		return rc;
	json_array_foreach(arr, i, v)
	{
		if ((rc = import_procedure(st, who, v, &n->procedures, err)))
			return rc;
	}
	return MC_OK;
}

/* The section "appointments": parsed (api/parse_booking.c), then applied. */
static enum mc_err import_appointments(struct store *st, const struct principal *who,
                                       json_t *section, struct mc_error *err)
{
	struct booking_config_cmd cmd;
	enum mc_err rc = booking_config_parse(section, &cmd, err);
	if (rc == MC_OK)
		rc = store_booking_config_set(st, who, &cmd, err);
	booking_config_cmd_clear(&cmd);
	return rc;
}

/* Every section, inside the import's transaction; *off_grid (when the
 * appointment slots changed) the bookings to come the new slots no longer
 * hold (kept; listed in the answer so the centre tells the citizens). */
static enum mc_err import_all(struct store *st, const struct principal *who, json_t *bundle,
                              struct import_counts *n, json_t **off_grid, struct mc_error *err)
{
	enum mc_err rc = MC_OK;
	if ((rc = import_offices(st, who, bundle, &n->offices, err)) ||
	    (rc = import_office(st, who, bundle, err)) ||
	    (rc = import_settings(st, who, bundle, err)) ||
	    (rc = import_lists(st, who, bundle, n, err)) ||
	    (rc = import_appointments(st, who, json_object_get(bundle, "appointments"), err)) ||
	    (rc = notify_config_setup(st, who, bundle, err)) ||
	    (rc = store_office_items_check(st, err)) || (rc = store_setup_users_fit(st, err)))
		return rc;
	if (json_object_get(json_object_get(bundle, "appointments"), "slots")) {
		struct booking_off_grid_list og;
		if ((rc = store_booking_off_grid(st, clock_now(), &og, err)))
			return rc;
		*off_grid = present_booking_off_grid(&og);
		booking_off_grid_clear(&og);
	}
	return MC_OK;
}

/* MC_OK when bundle is an object of known sections only. */
static enum mc_err import_check_keys(json_t *bundle, struct mc_error *err)
{
	static const char *const known[] = {
	    "office",   "settings",     "priority_classes", "service_groups", "counters",
	    "users",    "devices",      "offices",          "procedures",     "comment",
	    "printers", "appointments", "notifications"};
	if (!json_is_object(bundle))
		return mc_fail(err, MC_ERR_INVALID, "invalid_bundle",
		               "Gói thiết lập phải là một đối tượng JSON",
		               "the bundle must be a JSON object");
	const char *key;
	json_t *v;
	json_object_foreach(bundle, key, v)
	{
		size_t i;
		for (i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strcmp(known[i], key) == 0)
				break;
		if (i == sizeof known / sizeof known[0])
			return mc_failf(err, MC_ERR_INVALID, "unknown_field",
			                "Gói thiết lập có trường lạ",
			                "unknown bundle field '%.60s'", key);
	}
	return MC_OK;
}

/* The import's answer: counts, the new devices' tokens, the notification
 * channels configured now (after the section's merge) when the bundle had
 * the section, and the bookings off the new grid. Takes n->tokens and
 * off_grid. */
static json_t *import_report(struct store *st, json_t *bundle, struct import_counts *n,
                             json_t *off_grid)
{
	json_t *report = json_pack(
	    "{s:i, s:i, s:i, s:i, s:i, s:i, s:o}", "service_groups", n->groups, "counters",
	    n->counters, "users_created", n->users_created, "users_updated", n->users_updated,
	    "offices", n->offices, "procedures", n->procedures, "devices_created", n->tokens);
	n->tokens = NULL;
	if (json_object_get(bundle, "notifications") != NULL) {
		json_t *cfg = notify_config_load(st), *names = json_array();
		static const char *const channels[] = {"email", "sms", "zalo"};
		for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++)
			if (notify_channel_configured(cfg, channels[i]))
				json_array_append_new(names, json_string(channels[i]));
		json_decref(cfg);
		json_object_set_new(report, "notification_channels", names);
	}
	json_object_set_new(report, "printers", json_integer(n->printers));
	if (off_grid)
		json_object_set_new(report, "bookings_off_grid", off_grid);
	return report;
}

enum mc_err setup_import(struct store *st, const struct principal *who, json_t *bundle,
                         json_t **report, struct mc_error *err)
{
	struct import_counts n = {.tokens = json_array()};
	json_t *off_grid = NULL;
	enum mc_err rc = MC_OK;
	if ((rc = import_check_keys(bundle, err)) || (rc = store_begin(st, err)))
		goto out;
	if ((rc = import_all(st, who, bundle, &n, &off_grid, err))) {
		store_rollback(st);
		goto out;
	}
	if ((rc = store_commit(st, err)))
		goto out;
	if (report) {
		*report = import_report(st, bundle, &n, off_grid);
		off_grid = NULL;
	}
out:
	json_decref(off_grid);
	json_decref(n.tokens);
	return rc;
}
