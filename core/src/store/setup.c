#include "store/setup.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The centre's day as the calendar route shows it (until the set-up's
 * views move to the API). */
#include "api/present_calendar.h"
#include "store/auth.h"
#include "store/booking.h"
#include "store/calendar.h"
#include "store/notify.h"
#include "store/office.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/fold.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define SETUP_MAX_ITEMS 1000

/* A string member of obj: NULL (and MC_OK) when absent and optional; an
 * error when the wrong type, empty, or longer than max bytes. */
static enum mc_err setup_str(json_t *obj, const char *key, bool required, size_t max,
                             const char *where, const char **out, struct mc_error *err)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return MC_OK;
		return mc_failf(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		                "%s: '%s' is required", where, key);
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "%s: '%s' must be a string of 1-%zu bytes", where, key, max);
	*out = json_string_value(v);
	return MC_OK;
}

static enum mc_err setup_array(json_t *bundle, const char *key, json_t **out, struct mc_error *err)
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

/* PATCH routes mark their item "_must_exist": updating something that is not
 * there is a 404, not a creation. */
static enum mc_err setup_require_existing(json_t *item, bool exists, const char *what,
                                          struct mc_error *err)
{
	if (exists || !json_is_true(json_object_get(item, "_must_exist")))
		return MC_OK;
	return mc_failf(err, MC_ERR_NOT_FOUND, "not_found", "Không tìm thấy", "No such %s", what);
}

static enum mc_err setup_audit(struct store *st, const struct principal *who, const char *entity,
                               const char *id, const char *action, json_t *item,
                               struct mc_error *err)
{
	/* Passwords never reach the audit chain. */
	json_t *copy = json_deep_copy(item);
	json_object_del(copy, "password");
	json_object_del(copy, "_must_exist");
	char *details = json_dumps(copy, JSON_COMPACT);
	json_decref(copy);
	int64_t ev = store_event_append(st, who->actor, entity, id, action, details, false, err);
	free(details);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

/* The province's public address (the links printed on tickets and
 * receipts, e.g. "https://dichvucong.quangtri.gov.vn"): setting
 * "public_url", an http(s) URL of at most 200 bytes without spaces. */
static enum mc_err setup_public_url(struct store *st, json_t *v, struct mc_error *err)
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

static enum mc_err setup_office(struct store *st, const struct principal *who, json_t *bundle,
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
	enum mc_err rc = setup_str(office, "code", true, 64, "office", &code, err);
	if (rc == MC_OK)
		rc = setup_str(office, "name", true, 300, "office", &name, err);
	if (rc == MC_OK)
		rc = setup_str(office, "locality", false, 100, "office", &locality, err);
	if (rc)
		return rc;
	/* The centre itself is the tree's (store/office.c); the single-office
	 * bundle's public_url is the province's setting. Nothing is kept in an
	 * "office" setting any more. */
	json_t *url = json_object_get(office, "public_url");
	if (url && !json_is_null(url) && (rc = setup_public_url(st, url, err)))
		return rc;
	return setup_audit(st, who, "office", code, "office.set", office, err);
}

/* Plain settings: small integers, the public address and the priority
 * class list. */
static enum mc_err setup_settings(struct store *st, const struct principal *who, json_t *bundle,
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
	json_t *settings = json_object_get(bundle, "settings");
	json_t *classes = json_object_get(bundle, "priority_classes");
	enum mc_err rc;

	if (settings && !json_is_object(settings))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "'settings' must be an object");
	const char *key;
	json_t *v;
	json_object_foreach(settings, key, v)
	{
		if (strcmp(key, "public_url") == 0) {
			if ((rc = setup_public_url(st, v, err)))
				return rc;
			continue;
		}
		size_t i;
		for (i = 0; i < sizeof ints / sizeof ints[0]; i++)
			if (strcmp(ints[i].key, key) == 0)
				break;
		if (i == sizeof ints / sizeof ints[0])
			return mc_failf(err, MC_ERR_INVALID, "unknown_setting",
			                "Thiết lập không được hỗ trợ", "unknown setting '%.60s'",
			                key);
		if (!json_is_integer(v) || json_integer_value(v) < ints[i].min ||
		    json_integer_value(v) > ints[i].max)
			return mc_failf(err, MC_ERR_INVALID, "invalid_setting",
			                "Giá trị thiết lập không hợp lệ",
			                "setting '%s' must be an integer %d..%d", key, ints[i].min,
			                ints[i].max);
		char num[32];
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		if ((rc = store_setting_set(st, key, num, err)))
			return rc;
	}
	if (settings &&
	    (rc = setup_audit(st, who, "settings", "office", "settings.set", settings, err)))
		return rc;
	if (classes == NULL)
		return MC_OK;
	if (!json_is_array(classes) || json_array_size(classes) > 20)
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "'priority_classes' must be an array of at most 20");
	size_t i;
	json_array_foreach(classes, i, v)
	{
		const char *code, *name;
		if (!json_is_object(v) ||
		    (rc = setup_str(v, "code", true, 32, "priority_classes", &code, err)) ||
		    (rc = setup_str(v, "name", true, 100, "priority_classes", &name, err)))
			return rc ? rc
			          : mc_fail(err, MC_ERR_INVALID, "invalid_field",
			                    "Trường không hợp lệ",
			                    "priority_classes items must be objects");
	}
	char *text = json_dumps(classes, JSON_COMPACT);
	rc = store_setting_set(st, "priority_classes", text, err);
	free(text);
	return rc ? rc
	          : setup_audit(st, who, "settings", "priority_classes", "settings.set", classes,
	                        err);
}

static enum mc_err setup_groups(struct store *st, const struct principal *who, json_t *bundle,
                                int *count, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	json_t *arr, *g;
	size_t i;
	enum mc_err rc = setup_array(bundle, "service_groups", &arr, err);
	if (rc)
		return rc;
	json_array_foreach(arr, i, g)
	{
		const char *code, *prefix, *name, *name_en;
		if (!json_is_object(g))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			               "service_groups items must be objects");
		bool patch = json_is_true(json_object_get(g, "_must_exist"));
		if ((rc = setup_str(g, "code", true, 16, "service_group", &code, err)) ||
		    (rc = setup_str(g, "prefix", !patch, 3, "service_group", &prefix, err)) ||
		    (rc = setup_str(g, "name", !patch, 200, "service_group", &name, err)) ||
		    (rc = setup_str(g, "name_en", false, 200, "service_group", &name_en, err)))
			return rc;
		if (prefix && strspn(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(prefix))
			return mc_fail(err, MC_ERR_INVALID, "invalid_prefix",
			               "Tiền tố số thứ tự chỉ gồm chữ in hoa A–Z",
			               "prefix must be 1-3 capital letters A-Z");
		char what[48];
		snprintf(what, sizeof what, "service group %s", code);
		int64_t office;
		if ((rc = store_item_office(st, g, OFFICE_HALL, 0, what, &office, err)))
			return rc;
		sqlite3_stmt *q = store_stmt(c, "SELECT 1 FROM service_groups WHERE code = ?"
		                                " AND office_id IS ?");
		if (q == NULL)
			return store_sql_error(c, "service group", err);
		sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
		if (office)
			sqlite3_bind_int64(q, 2, office);
		bool exists = sqlite3_step(q) == SQLITE_ROW;
		sqlite3_reset(q);
		if ((rc = setup_require_existing(g, exists, "service group", err)))
			return rc;
		json_t *sort = json_object_get(g, "sort");
		json_t *active = json_object_get(g, "active");
		sqlite3_stmt *s = store_stmt(
		    c,
		    "INSERT INTO service_groups (code, prefix, name, name_en, sort, active,"
		    " office_id)"
		    " VALUES (?1, ?2, ?3, coalesce(?4, ''), coalesce(?5, 0), coalesce(?6, 1), ?7)"
		    " ON CONFLICT (office_id, code) DO UPDATE SET prefix = coalesce(?2, prefix),"
		    " name = coalesce(?3, name),"
		    " name_en = coalesce(?4, name_en), sort = coalesce(?5, sort),"
		    " active = coalesce(?6, active)");
		if (s == NULL)
			return store_sql_error(c, "service group", err);
		sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
		if (prefix)
			sqlite3_bind_text(s, 2, prefix, -1, SQLITE_STATIC);
		if (name)
			sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
		if (name_en)
			sqlite3_bind_text(s, 4, name_en, -1, SQLITE_STATIC);
		if (json_is_integer(sort))
			sqlite3_bind_int64(s, 5, json_integer_value(sort));
		if (json_is_boolean(active))
			sqlite3_bind_int(s, 6, json_is_true(active));
		if (office)
			sqlite3_bind_int64(s, 7, office);
		if ((rc = store_step(c, s, "service group", err))) {
			if (rc == MC_ERR_CONFLICT)
				mc_failf(err, MC_ERR_CONFLICT, "prefix_taken",
				         "Tiền tố đã dùng cho nhóm khác",
				         "prefix '%s' is used by another group",
				         prefix ? prefix : "");
			return rc;
		}
		if ((rc = setup_audit(st, who, "service_group", code, "service_group.set", g, err)))
			return rc;
		(*count)++;
	}
	return MC_OK;
}

static enum mc_err setup_counters(struct store *st, const struct principal *who, json_t *bundle,
                                  int *count, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	json_t *arr, *co;
	size_t i;
	enum mc_err rc = setup_array(bundle, "counters", &arr, err);
	if (rc)
		return rc;
	json_array_foreach(arr, i, co)
	{
		const char *name;
		json_t *no = json_object_get(co, "no");
		json_t *groups = json_object_get(co, "groups");
		if (!json_is_object(co) || !json_is_integer(no) || json_integer_value(no) < 1 ||
		    json_integer_value(no) > 999)
			return mc_fail(err, MC_ERR_INVALID, "invalid_counter_no",
			               "Số quầy phải là số nguyên 1–999",
			               "counter 'no' must be an integer 1-999");
		if ((rc = setup_str(co, "name", false, 100, "counter", &name, err)))
			return rc;
		if (groups && (!json_is_array(groups) || json_array_size(groups) > 50))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			               "counter 'groups' must be an array of group codes");
		char what[32];
		snprintf(what, sizeof what, "counter %lld", (long long)json_integer_value(no));
		int64_t office;
		if ((rc = store_item_office(st, co, OFFICE_HALL, 0, what, &office, err)))
			return rc;
		sqlite3_stmt *q =
		    store_stmt(c, "SELECT 1 FROM counters WHERE no = ? AND office_id IS ?");
		if (q == NULL)
			return store_sql_error(c, "counter", err);
		sqlite3_bind_int64(q, 1, json_integer_value(no));
		if (office)
			sqlite3_bind_int64(q, 2, office);
		bool exists = sqlite3_step(q) == SQLITE_ROW;
		sqlite3_reset(q);
		if ((rc = setup_require_existing(co, exists, "counter", err)))
			return rc;
		char defname[32];
		snprintf(defname, sizeof defname, "Quầy %lld", (long long)json_integer_value(no));
		sqlite3_stmt *s =
		    store_stmt(c, "INSERT INTO counters (no, name, office_id) VALUES (?1, ?2, ?4)"
		                  " ON CONFLICT (office_id, no) DO UPDATE SET"
		                  " name = coalesce(?3, name) RETURNING id");
		if (s == NULL)
			return store_sql_error(c, "counter", err);
		sqlite3_bind_int64(s, 1, json_integer_value(no));
		sqlite3_bind_text(s, 2, name ? name : defname, -1, SQLITE_TRANSIENT);
		if (name)
			sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
		if (office)
			sqlite3_bind_int64(s, 4, office);
		int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
		sqlite3_reset(s);
		if (id == 0)
			return store_sql_error(c, "counter", err);
		if (groups) {
			s = store_stmt(c, "DELETE FROM counter_groups WHERE counter_id = ?");
			if (s == NULL)
				return store_sql_error(c, "counter", err);
			sqlite3_bind_int64(s, 1, id);
			if ((rc = store_step(c, s, "counter", err)))
				return rc;
			size_t k;
			json_t *gc;
			json_array_foreach(groups, k, gc)
			{
				/* Only the counter's own centre's groups: a counter
				 * is never in two centres. */
				s = store_stmt(c,
				               "INSERT OR IGNORE INTO counter_groups"
				               " (counter_id, group_id) SELECT ?1, id"
				               " FROM service_groups WHERE code = ?2"
				               " AND office_id IS (SELECT office_id FROM counters"
				               " WHERE id = ?1)");
				if (s == NULL)
					return store_sql_error(c, "counter", err);
				if (!json_is_string(gc))
					return mc_fail(err, MC_ERR_INVALID, "invalid_field",
					               "Trường không hợp lệ",
					               "counter 'groups' must be group codes");
				sqlite3_bind_int64(s, 1, id);
				sqlite3_bind_text(s, 2, json_string_value(gc), -1, SQLITE_STATIC);
				int step = sqlite3_step(s);
				sqlite3_reset(s);
				if (step != SQLITE_DONE)
					return store_sql_error(c, "counter", err);
				if (sqlite3_changes(c->db) == 0) {
					/* Either unknown or listed twice; tell which. */
					sqlite3_stmt *g = store_stmt(
					    c, "SELECT 1 FROM service_groups WHERE code = ?"
					       " AND office_id IS ?");
					if (g == NULL)
						return store_sql_error(c, "counter", err);
					sqlite3_bind_text(g, 1, json_string_value(gc), -1,
					                  SQLITE_STATIC);
					if (office)
						sqlite3_bind_int64(g, 2, office);
					bool known = sqlite3_step(g) == SQLITE_ROW;
					sqlite3_reset(g);
					if (!known)
						return mc_failf(
						    err, MC_ERR_INVALID, "group_not_found",
						    "Không có nhóm dịch vụ này",
						    "counter %lld: no service group '%.40s'"
						    " in its centre",
						    (long long)json_integer_value(no),
						    json_string_value(gc));
				}
			}
		}
		char eid[16];
		snprintf(eid, sizeof eid, "%lld", (long long)json_integer_value(no));
		if ((rc = setup_audit(st, who, "counter", eid, "counter.set", co, err)))
			return rc;
		(*count)++;
	}
	return MC_OK;
}

/* Sets username's title (chức vụ, printed under the name on the forms); ""
 * clears it. Writer connection, inside the import's transaction. */
static enum mc_err setup_user_title(struct store_conn *c, const char *username, const char *title,
                                    struct mc_error *err)
{
	sqlite3_stmt *s =
	    store_stmt(c, "UPDATE users SET title = nullif(?1, '') WHERE username = ?2");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	sqlite3_bind_text(s, 1, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, username, -1, SQLITE_STATIC);
	return store_step(c, s, "user", err);
}

/* Sets whether user id is the office head of its office (users.head). */
static enum mc_err setup_user_head(struct store_conn *c, int64_t id, bool head,
                                   struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(c, "UPDATE users SET head = ?1 WHERE id = ?2");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	sqlite3_bind_int(s, 1, head);
	sqlite3_bind_int64(s, 2, id);
	return store_step(c, s, "user", err);
}

/* The kinds of office a user of role may belong to. */
static unsigned setup_role_offices(enum role r)
{
	switch (r) {
	case ROLE_ADMIN: return OFFICE_PROVINCE;
	case ROLE_SUPERVISOR: return OFFICE_PROVINCE | OFFICE_HALL | OFFICE_AUTHORITY;
	case ROLE_COUNTER: return OFFICE_HALL;
	default: return OFFICE_AUTHORITY | OFFICE_INTERNAL | OFFICE_HALL; /* specialist */
	}
}

/* Sets the office of user id from item's "office" (or, for a new user, the
 * default for its role). Writer connection, inside the import. */
static enum mc_err setup_user_office(struct store *st, json_t *u, int64_t id, const char *role,
                                     bool created, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	if (!created && json_object_get(u, "office") == NULL)
		return MC_OK;
	enum role r = auth_role_parse(role);
	char what[96];
	snprintf(what, sizeof what, "user %.64s",
	         json_string_value(json_object_get(u, "username")));
	int64_t fallback = (r == ROLE_ADMIN || r == ROLE_SUPERVISOR) ? store_office_root(st) : 0;
	int64_t office;
	enum mc_err rc =
	    store_item_office(st, u, setup_role_offices(r), fallback, what, &office, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = store_stmt(c, "UPDATE users SET office_id = ?1 WHERE id = ?2");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	if (office)
		sqlite3_bind_int64(s, 1, office);
	sqlite3_bind_int64(s, 2, id);
	return store_step(c, s, "user", err);
}

/* After the users of a bundle: every active clerk and specialist belongs to
 * an office below the root once the tree has one (else they would see the
 * whole province), and administrators are the province's. Names the first
 * account at fault. */
static enum mc_err setup_users_placed(struct store *st, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT u.username, u.role FROM users u LEFT JOIN offices o ON o.id = u.office_id"
	       " WHERE u.active = 1 AND EXISTS (SELECT 1 FROM offices WHERE kind = 'province')"
	       " AND ((u.role IN ('counter','specialist')"
	       "      AND (o.id IS NULL OR o.kind = 'province'))"
	       "   OR (u.role = 'admin' AND o.id IS NOT NULL AND o.kind <> 'province'))"
	       " LIMIT 1");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	int step;
	enum mc_err rc = MC_OK;
	if (store_next(s, &step)) {
		bool admin = strcmp(store_col_text(s, 1), "admin") == 0;
		rc = mc_failf(err, MC_ERR_INVALID, admin ? "office_wrong_kind" : "office_required",
		              admin ? "Quản trị viên thuộc cấp tỉnh" : "Chưa chọn đơn vị",
		              admin ? "user %.64s: an administrator belongs to the province"
		                    : "user %.64s belongs to no office: name its 'office'",
		              store_col_text(s, 0));
		sqlite3_reset(s);
		return rc;
	}
	return store_scan_end(c, s, step, "user", err);
}

/* After the whole import: every active account's office is of a kind its
 * role may have (setup_role_offices), whatever changed (its role, its
 * office, the office's kind). Names the first account at fault. */
static enum mc_err setup_users_fit(struct store *st, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	sqlite3_stmt *s = store_stmt(c, "SELECT u.username, u.role, o.code, o.kind FROM users u"
	                                " JOIN offices o ON o.id = u.office_id"
	                                " WHERE u.active = 1 ORDER BY u.id");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	int step;
	while (store_next(s, &step)) {
		enum role r = auth_role_parse(store_col_text(s, 1));
		if (setup_role_offices(r) & store_office_kind_bit(store_col_text(s, 3)))
			continue;
		enum mc_err rc = mc_failf(
		    err, MC_ERR_INVALID, "office_wrong_kind", "Đơn vị không phù hợp với vai trò",
		    "user %.64s: a %.16s cannot belong to office %.40s (a %.16s)",
		    store_col_text(s, 0), store_col_text(s, 1), store_col_text(s, 2),
		    store_col_text(s, 3));
		sqlite3_reset(s);
		return rc;
	}
	return store_scan_end(c, s, step, "user", err);
}

static enum mc_err setup_users(struct store *st, const struct principal *who, json_t *bundle,
                               int *created, int *updated, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	json_t *arr, *u;
	size_t i;
	enum mc_err rc = setup_array(bundle, "users", &arr, err);
	if (rc)
		return rc;
	json_array_foreach(arr, i, u)
	{
		const char *username, *full_name, *role, *password, *title;
		if (!json_is_object(u))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			               "users items must be objects");
		if ((rc = setup_str(u, "username", true, 64, "user", &username, err)) ||
		    (rc = setup_str(u, "full_name", false, 200, "user", &full_name, err)) ||
		    (rc = setup_str(u, "role", false, 16, "user", &role, err)) ||
		    (rc = setup_str(u, "password", false, 128, "user", &password, err)) ||
		    (rc = setup_str(u, "title", false, 200, "user", &title, err)))
			return rc;
		json_t *active = json_object_get(u, "active");
		/* "head": the office head (trưởng đơn vị) of the user's office. */
		json_t *head = json_object_get(u, "head");
		if (head && !json_is_boolean(head))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			               "head is true or false");
		if (role && auth_role_parse(role) == ROLE_NONE)
			return mc_fail(err, MC_ERR_INVALID, "invalid_role", "Vai trò không hợp lệ",
			               "role must be admin, supervisor, counter or specialist");
		sqlite3_stmt *s = store_stmt(c, "SELECT id FROM users WHERE username = ?");
		if (s == NULL)
			return store_sql_error(c, "user", err);
		sqlite3_bind_text(s, 1, username, -1, SQLITE_STATIC);
		int step;
		int64_t id = store_next(s, &step) ? sqlite3_column_int64(s, 0) : 0;
		if ((rc = store_scan_end(c, s, step, "user", err)) ||
		    (rc = setup_require_existing(u, id != 0, "user", err)))
			return rc;
		if (id == 0) {
			if (full_name == NULL || role == NULL || password == NULL)
				return mc_failf(
				    err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
				    "new user '%.64s' needs full_name, role and password",
				    username);
			int64_t uid = 0;
			rc = store_user_create(st, who->actor, username, full_name,
			                       auth_role_parse(role), password,
			                       json_is_true(json_object_get(u, "demo")), &uid, err);
			if (rc == MC_OK)
				rc = setup_user_office(st, u, uid, role, true, err);
			if (rc == MC_OK && title)
				rc = setup_user_title(c, username, title, err);
			if (rc == MC_OK && head)
				rc = setup_user_head(c, uid, json_is_true(head), err);
			if (rc)
				return rc;
			(*created)++;
			continue;
		}
		char hash[crypto_pwhash_STRBYTES] = "";
		if (password) {
			if ((rc = auth_password_check(username, password, err)))
				return rc;
			if (crypto_pwhash_str_alg(hash, password, strlen(password), 2,
			                          19u * 1024 * 1024,
			                          crypto_pwhash_ALG_ARGON2ID13) != 0)
				return mc_fail(err, MC_ERR_INTERNAL, "hash_failed",
				               "Lỗi băm mật khẩu", "password hashing failed");
		}
		s = store_stmt(c, "UPDATE users SET full_name = coalesce(?1, full_name),"
		                  " role = coalesce(?2, role), active = coalesce(?3, active),"
		                  " pw_hash = coalesce(?4, pw_hash) WHERE id = ?5");
		if (s == NULL)
			return store_sql_error(c, "user", err);
		if (full_name)
			sqlite3_bind_text(s, 1, full_name, -1, SQLITE_STATIC);
		if (role)
			sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
		if (json_is_boolean(active))
			sqlite3_bind_int(s, 3, json_is_true(active));
		if (password)
			sqlite3_bind_text(s, 4, hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, id);
		if ((rc = store_step(c, s, "user", err)) ||
		    (title && (rc = setup_user_title(c, username, title, err))) ||
		    (head && (rc = setup_user_head(c, id, json_is_true(head), err))))
			return rc;
		if (json_object_get(u, "office")) {
			s = store_stmt(c, "SELECT role FROM users WHERE id = ?");
			if (s == NULL)
				return store_sql_error(c, "user", err);
			sqlite3_bind_int64(s, 1, id);
			char cur[16] = "";
			int st2;
			if (store_next(s, &st2))
				snprintf(cur, sizeof cur, "%s", store_col_text(s, 0));
			if ((rc = store_scan_end(c, s, st2, "user", err)) ||
			    (rc = setup_user_office(st, u, id, cur, false, err)))
				return rc;
		}
		/* A deactivated account or a new password ends its sessions. */
		if (password || json_is_false(active)) {
			s = store_stmt(c, "DELETE FROM sessions WHERE user_id = ?");
			if (s == NULL)
				return store_sql_error(c, "user", err);
			sqlite3_bind_int64(s, 1, id);
			if ((rc = store_step(c, s, "user", err)))
				return rc;
		}
		char eid[24];
		snprintf(eid, sizeof eid, "%lld", (long long)id);
		if ((rc = setup_audit(st, who, "user", eid, "user.updated", u, err)))
			return rc;
		(*updated)++;
	}
	/* Nobody may demote or deactivate the last administrator, not even
	 * themselves: the office could not be administered any more. */
	if (*updated && (rc = store_admin_remains(st, err)))
		return rc;
	return arr ? setup_users_placed(st, err) : MC_OK;
}

static enum mc_err setup_device_office(struct store_conn *c, int64_t id, int64_t office,
                                       struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(c, "UPDATE devices SET office_id = ? WHERE id = ?");
	if (s == NULL)
		return store_sql_error(c, "device", err);
	sqlite3_bind_int64(s, 1, office);
	sqlite3_bind_int64(s, 2, id);
	return store_step(c, s, "device", err);
}

static enum mc_err setup_devices(struct store *st, const struct principal *who, json_t *bundle,
                                 json_t *tokens, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	json_t *arr, *d;
	size_t i;
	enum mc_err rc = setup_array(bundle, "devices", &arr, err);
	if (rc)
		return rc;
	json_array_foreach(arr, i, d)
	{
		const char *kind, *name;
		if (!json_is_object(d))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			               "devices items must be objects");
		if ((rc = setup_str(d, "name", true, 100, "device", &name, err)) ||
		    (rc = setup_str(d, "kind", false, 16, "device", &kind, err)))
			return rc;
		json_t *prints = json_object_get(d, "prints");
		json_t *active = json_object_get(d, "active");
		sqlite3_stmt *s = store_stmt(c, "SELECT id FROM devices WHERE name = ?");
		if (s == NULL)
			return store_sql_error(c, "device", err);
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		int step;
		int64_t id = store_next(s, &step) ? sqlite3_column_int64(s, 0) : 0;
		if ((rc = store_scan_end(c, s, step, "device", err)) ||
		    (rc = setup_require_existing(d, id != 0, "device", err)))
			return rc;
		char what[128];
		snprintf(what, sizeof what, "device %s", name);
		int64_t office = 0;
		if ((id == 0 || json_object_get(d, "office")) &&
		    (rc = store_item_office(st, d, OFFICE_HALL, 0, what, &office, err)))
			return rc;
		if (id == 0) {
			char token[AUTH_TOKEN_LEN];
			rc = store_device_create(st, who->actor, kind, name,
			                         prints ? json_is_true(prints) : true, &id, token,
			                         err);
			if (rc == MC_OK && office)
				rc = setup_device_office(c, id, office, err);
			if (rc)
				return rc;
			json_array_append_new(tokens, json_pack("{s:s, s:s, s:s}", "name", name,
			                                        "kind", kind, "token", token));
			continue;
		}
		s = store_stmt(c, "UPDATE devices SET prints = coalesce(?1, prints),"
		                  " active = coalesce(?2, active) WHERE id = ?3");
		if (s == NULL)
			return store_sql_error(c, "device", err);
		if (json_is_boolean(prints))
			sqlite3_bind_int(s, 1, json_is_true(prints));
		if (json_is_boolean(active))
			sqlite3_bind_int(s, 2, json_is_true(active));
		sqlite3_bind_int64(s, 3, id);
		if ((rc = store_step(c, s, "device", err)) ||
		    (office && (rc = setup_device_office(c, id, office, err))))
			return rc;
		char eid[24];
		snprintf(eid, sizeof eid, "%lld", (long long)id);
		if ((rc = setup_audit(st, who, "device", eid, "device.updated", d, err)))
			return rc;
	}
	return MC_OK;
}

/* Checks one procedure item (see docs/api.md "Procedures"); fills the time
 * unit and amount in thousandths. */
static enum mc_err setup_procedure_check(json_t *p, const char **unit, int64_t *milli,
                                         struct mc_error *err)
{
	const char *code, *name, *field, *level, *office, *u;
	enum mc_err rc;
	json_t *proc = json_object_get(p, "processing");
	if ((rc = setup_str(p, "code", true, 32, "procedure", &code, err)) ||
	    (rc = setup_str(p, "name", true, 500, "procedure", &name, err)) ||
	    (rc = setup_str(p, "field", true, 200, "procedure", &field, err)) ||
	    (rc = setup_str(p, "level", true, 16, "procedure", &level, err)) ||
	    (rc = setup_str(p, "office", false, 32, "procedure", &office, err)))
		return rc;
	if (!json_is_object(proc) ||
	    (rc = setup_str(proc, "unit", true, 16, "processing", &u, err)))
		return rc ? rc
		          : mc_fail(err, MC_ERR_INVALID, "invalid_processing",
		                    "Thời hạn giải quyết không hợp lệ",
		                    "'processing' {unit, amount} is required");
	json_t *amount = json_object_get(proc, "amount");
	if ((strcmp(u, "working_days") != 0 && strcmp(u, "working_hours") != 0 &&
	     strcmp(u, "same_day") != 0) ||
	    !json_is_number(amount) || json_number_value(amount) < 0 ||
	    json_number_value(amount) > 1000)
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
		    (rc = setup_str(d, "name", true, 500, "document", &dn, err)) ||
		    (rc = setup_str(d, "kind", false, 16, "document", &kind, err)))
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
	*milli = (int64_t)(json_number_value(amount) * 1000.0 + 0.5);
	return MC_OK;
}

static enum mc_err setup_procedures(struct store *st, const struct principal *who, json_t *bundle,
                                    int *count, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	json_t *arr, *p;
	size_t i;
	enum mc_err rc = setup_array(bundle, "procedures", &arr, err);
	if (rc)
		return rc;
	json_array_foreach(arr, i, p)
	{
		const char *unit = NULL;
		int64_t milli = 0;
		if (!json_is_object(p))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			               "procedures items must be objects");
		if ((rc = setup_procedure_check(p, &unit, &milli, err)))
			return rc;
		const char *code = json_string_value(json_object_get(p, "code"));
		char *body = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
		/* A dossier pins the version in force at intake: a changed
		 * procedure becomes a new version; an unchanged one is left. */
		sqlite3_stmt *s = store_stmt(c, "SELECT version, body FROM procedures"
		                                " WHERE code = ? AND current = 1");
		if (s == NULL) {
			free(body);
			return store_sql_error(c, "procedure", err);
		}
		sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
		int version = 0, step;
		bool same = false;
		if (store_next(s, &step)) {
			version = sqlite3_column_int(s, 0);
			same = strcmp(store_col_text(s, 1), body) == 0;
		}
		if ((rc = store_scan_end(c, s, step, "procedure", err))) {
			free(body);
			return rc;
		}
		if (same) {
			free(body);
			continue;
		}
		s = store_stmt(c,
		               "UPDATE procedures SET current = 0 WHERE code = ? AND current = 1");
		if (s == NULL) {
			free(body);
			return store_sql_error(c, "procedure", err);
		}
		sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
		if ((rc = store_step(c, s, "procedure", err))) {
			free(body);
			return rc;
		}
		s = store_stmt(c,
		               "INSERT INTO procedures (code, version, name, field, level, office,"
		               " time_unit, time_milli, fee_vnd, body, created_at)"
		               " VALUES (?,?,?,?,?,?,?,?,?,?,strftime('%s','now'))");
		if (s == NULL) {
			free(body);
			return store_sql_error(c, "procedure", err);
		}
		sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, version + 1);
		sqlite3_bind_text(s, 3, json_string_value(json_object_get(p, "name")), -1,
		                  SQLITE_STATIC);
		sqlite3_bind_text(s, 4, json_string_value(json_object_get(p, "field")), -1,
		                  SQLITE_STATIC);
		sqlite3_bind_text(s, 5, json_string_value(json_object_get(p, "level")), -1,
		                  SQLITE_STATIC);
		const char *office = json_string_value(json_object_get(p, "office"));
		if (office)
			sqlite3_bind_text(s, 6, office, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 7, unit, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 8, milli);
		sqlite3_bind_int64(s, 9, json_integer_value(json_object_get(p, "fee_vnd")));
		sqlite3_bind_text(s, 10, body, -1, SQLITE_STATIC);
		rc = store_step(c, s, "procedure", err);
		free(body);
		if (rc || (rc = setup_audit(st, who, "procedure", code, "procedure.set", p, err)))
			return rc;
		(*count)++;
	}
	return MC_OK;
}

enum mc_err store_setup_apply(struct store *st, const struct principal *who, json_t *bundle,
                              json_t **report, struct mc_error *err)
{
	static const char *const known[] = {
	    "office",   "settings",     "priority_classes", "service_groups", "counters",
	    "users",    "devices",      "offices",          "procedures",     "comment",
	    "printers", "appointments", "notifications"};
	int groups = 0, counters = 0, users_created = 0, users_updated = 0;
	int offices = 0, procedures = 0;
	int printers = 0; /* store/print.c */
	json_t *tokens = json_array();
	enum mc_err rc;

	if (!json_is_object(bundle)) {
		json_decref(tokens);
		return mc_fail(err, MC_ERR_INVALID, "invalid_bundle",
		               "Gói thiết lập phải là một đối tượng JSON",
		               "the bundle must be a JSON object");
	}
	const char *key;
	json_t *v;
	json_object_foreach(bundle, key, v)
	{
		size_t i;
		for (i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strcmp(known[i], key) == 0)
				break;
		if (i == sizeof known / sizeof known[0]) {
			json_decref(tokens);
			return mc_failf(err, MC_ERR_INVALID, "unknown_field",
			                "Gói thiết lập có trường lạ",
			                "unknown bundle field '%.60s'", key);
		}
	}
	if ((rc = store_begin(st, err))) {
		json_decref(tokens);
		return rc;
	}
	if ((rc = store_offices_apply(st, who, bundle, &offices, err)) ||
	    (rc = setup_office(st, who, bundle, err)) ||
	    (rc = setup_settings(st, who, bundle, err)) ||
	    (rc = setup_groups(st, who, bundle, &groups, err)) ||
	    (rc = setup_printers(st, who, bundle, &printers, err)) ||
	    (rc = setup_counters(st, who, bundle, &counters, err)) ||
	    (rc = setup_users(st, who, bundle, &users_created, &users_updated, err)) ||
	    (rc = setup_devices(st, who, bundle, tokens, err)) ||
	    (rc = setup_printer_links(st, bundle, err)) ||
	    (rc = setup_procedures(st, who, bundle, &procedures, err)) ||
	    (rc =
	         store_booking_config_set(st, who, json_object_get(bundle, "appointments"), err)) ||
	    (rc = store_notify_setup(st, who, bundle, err)) ||
	    (rc = store_office_items_check(st, err)) || (rc = setup_users_fit(st, err))) {
		store_rollback(st);
		json_decref(tokens);
		return rc;
	}
	/* The bookings to come the new slots no longer hold (kept; listed in
	 * the answer so the centre tells the citizens). */
	json_t *off_grid = NULL;
	if (json_object_get(json_object_get(bundle, "appointments"), "slots") &&
	    (rc = store_booking_off_grid(st, clock_now(), &off_grid, err))) {
		json_decref(off_grid);
		store_rollback(st);
		json_decref(tokens);
		return rc;
	}
	if ((rc = store_commit(st, err))) {
		json_decref(off_grid);
		json_decref(tokens);
		return rc;
	}
	if (report)
		*report = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:o}", "service_groups", groups,
		                    "counters", counters, "users_created", users_created,
		                    "users_updated", users_updated, "offices", offices,
		                    "procedures", procedures, "devices_created", tokens);
	if (report && json_object_get(bundle, "notifications") != NULL) {
		/* The channels configured now, after the section's merge. */
		json_t *cfg = store_notify_config(st), *names = json_array();
		static const char *const channels[] = {"email", "sms", "zalo"};
		for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++)
			if (store_notify_channel_configured(cfg, channels[i]))
				json_array_append_new(names, json_string(channels[i]));
		json_decref(cfg);
		json_object_set_new(*report, "notification_channels", names);
	}
	if (report)
		json_object_set_new(*report, "printers", json_integer(printers));
	else
		json_decref(tokens);
	if (report && off_grid)
		json_object_set_new(*report, "bookings_off_grid", off_grid);
	else
		json_decref(off_grid);
	return MC_OK;
}

/* One page of rows of which: the page query and the count query, each with
 * :scope (the caller's subtree, SCOPE_SQL), :office (the filter: rows of
 * that office's subtree; NULL: all), and the page with :limit and :offset;
 * each row names its office by code. The office tree is not scoped: every staff
 * member may name any office (a hand-over goes anywhere in the province).
 * Indexed by enum setup_list; the static assert keeps the table complete. */
/* clang-format off */
static const struct {
	const char *page;
	const char *count;
	bool scoped;
} setup_list_sql[] = {
    [SETUP_SERVICE_GROUPS] = {
        "SELECT json_object('code', code, 'office',"
        " (SELECT code FROM offices WHERE id = g.office_id),"
        " 'prefix', prefix, 'name', name, 'name_en', name_en, 'sort', sort,"
        " 'active', json(iif(active, 'true', 'false')))"
        " FROM service_groups g"
        " WHERE " SCOPE_SQL("g.office_id")
        " AND (:office IS NULL OR g.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))"
        " ORDER BY g.office_id, sort, id LIMIT :limit OFFSET :offset",
        "SELECT count(*) FROM service_groups g"
        " WHERE " SCOPE_SQL("g.office_id")
        " AND (:office IS NULL OR g.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))",
        true},
    [SETUP_COUNTERS] = {
        "SELECT json_object('no', no, 'office',"
        " (SELECT code FROM offices WHERE id = c.office_id),"
        " 'name', name, 'state', state,"
        " 'groups', (SELECT json_group_array(g.code) FROM counter_groups cg"
        "  JOIN service_groups g ON g.id = cg.group_id WHERE cg.counter_id = c.id),"
        " 'printer', (SELECT name FROM printers WHERE id = c.printer_id))"
        " FROM counters c"
        " WHERE " SCOPE_SQL("c.office_id")
        " AND (:office IS NULL OR c.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))"
        " ORDER BY c.office_id, no LIMIT :limit OFFSET :offset",
        "SELECT count(*) FROM counters c"
        " WHERE " SCOPE_SQL("c.office_id")
        " AND (:office IS NULL OR c.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))",
        true},
    [SETUP_USERS] = {
        "SELECT json_object('id', id, 'username', username,"
        " 'office', (SELECT code FROM offices WHERE id = u.office_id), 'full_name', full_name,"
        " 'title', title, 'role', role, 'active', json(iif(active, 'true', 'false')),"
        " 'demo', json(iif(demo, 'true', 'false')), 'head', json(iif(head, 'true', 'false')))"
        " FROM users u"
        " WHERE " SCOPE_SQL("u.office_id")
        " AND (:office IS NULL OR u.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))"
        " ORDER BY id LIMIT :limit OFFSET :offset",
        "SELECT count(*) FROM users u"
        " WHERE " SCOPE_SQL("u.office_id")
        " AND (:office IS NULL OR u.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))",
        true},
    [SETUP_DEVICES] = {
        "SELECT json_object('name', name, 'office',"
        " (SELECT code FROM offices WHERE id = d.office_id),"
        " 'kind', kind, 'prints', json(iif(prints, 'true', 'false')),"
        " 'active', json(iif(active, 'true', 'false')),"
        " 'printer', (SELECT name FROM printers WHERE id = d.printer_id))"
        " FROM devices d"
        " WHERE " SCOPE_SQL("d.office_id")
        " AND (:office IS NULL OR d.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))"
        " ORDER BY id LIMIT :limit OFFSET :offset",
        "SELECT count(*) FROM devices d"
        " WHERE " SCOPE_SQL("d.office_id")
        " AND (:office IS NULL OR d.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))",
        true},
    /* The tree, a parent before its children, siblings by sort then name. */
    [SETUP_OFFICES] = {
        "WITH RECURSIVE r AS (SELECT id, parent_id, row_number() OVER"
        "  (PARTITION BY parent_id ORDER BY sort, name, id) AS k FROM offices),"
        " t (id, depth, path) AS (SELECT id, 0, printf('%06d', k) FROM r"
        "  WHERE parent_id IS NULL UNION ALL SELECT r.id, t.depth + 1,"
        "  t.path || printf('%06d', r.k) FROM r JOIN t ON r.parent_id = t.id"
        "  WHERE t.depth < 64)"
        " SELECT json_object('code', o.code, 'name', o.name, 'kind', o.kind,"
        " 'level', o.level, 'parent', p.code, 'depth', t.depth, 'address', o.address,"
        " 'phone', o.phone, 'hours', o.hours, 'locality', o.locality,"
        " 'weekdays', json(o.weekdays), 'sessions', json(o.sessions), 'sort', o.sort,"
        " 'active', json(iif(o.active, 'true', 'false')),"
        " 'demo', json(iif(o.demo, 'true', 'false')))"
        " FROM t JOIN offices o ON o.id = t.id LEFT JOIN offices p ON p.id = o.parent_id"
        " WHERE (:office IS NULL OR o.id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))"
        " ORDER BY t.path LIMIT :limit OFFSET :offset",
        "SELECT count(*) FROM offices o WHERE (:office IS NULL OR o.id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))",
        false},
    /* The province's centres and reception points, as citizens see them. */
    [SETUP_PUBLIC_OFFICES] = {
        "SELECT json_object('id', o.id, 'code', o.code, 'name', o.name, 'kind', o.kind,"
        " 'address', o.address, 'hours', o.hours, 'phone', o.phone,"
        " 'parent', p.code, 'parent_name', p.name)"
        " FROM offices o LEFT JOIN offices p ON p.id = o.parent_id"
        " WHERE o.kind IN ('centre', 'point') AND o.active = 1"
        " AND (:office IS NULL OR o.id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))"
        " ORDER BY o.kind = 'point', o.sort, o.name, o.id LIMIT :limit OFFSET :offset",
        "SELECT count(*) FROM offices o WHERE o.kind IN ('centre', 'point')"
        " AND o.active = 1 AND (:office IS NULL OR o.id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))",
        false},
};
/* clang-format on */
_Static_assert(sizeof setup_list_sql / sizeof setup_list_sql[0] == SETUP_LIST_COUNT,
               "setup_list_sql must have one entry per enum setup_list");

/* Binds :name of s to v when s has it. */
static void setup_bind(sqlite3_stmt *s, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(s, name);
	if (i > 0)
		sqlite3_bind_int64(s, i, v);
}

/* Adds to each centre of the public list whether it is open now and its
 * sessions today ("open_now", "today" {"working_day","sessions"}; null when
 * its day cannot be read), in place of its internal id. */
static void setup_public_today(struct store *st, json_t *items)
{
	size_t i;
	json_t *o;
	int64_t now = clock_now();
	json_array_foreach(items, i, o)
	{
		struct workhours_day wd;
		int64_t id = json_integer_value(json_object_get(o, "id"));
		json_object_del(o, "id");
		if (store_calendar_centre_day(st, id, now, &wd, NULL) != MC_OK) {
			json_object_set_new(o, "open_now", json_null());
			json_object_set_new(o, "today", json_null());
			continue;
		}
		json_t *day = present_calendar_centre_day("", &wd);
		json_object_set(o, "open_now", json_object_get(day, "open_now"));
		json_object_set_new(o, "today",
		                    json_pack("{s:O, s:O, s:O, s:O}", "date",
		                              json_object_get(day, "date"), "working_day",
		                              json_object_get(day, "working_day"), "day_name",
		                              json_object_get(day, "day_name"), "sessions",
		                              json_object_get(day, "sessions")));
		json_decref(day);
	}
}

enum mc_err store_setup_list(struct store *st, enum setup_list which, int offset, int limit,
                             json_t **out, struct mc_error *err)
{
	return store_setup_list_scoped(st, which, NULL, NULL, offset, limit, out, err);
}

enum mc_err store_setup_list_scoped(struct store *st, enum setup_list which,
                                    const struct principal *who, const char *office, int offset,
                                    int limit, json_t **out, struct mc_error *err)
{
	if ((unsigned)which >= SETUP_LIST_COUNT || setup_list_sql[which].page == NULL ||
	    setup_list_sql[which].count == NULL) {
		log_error("store: no such set-up list %d", (int)which);
		abort(); /* a programming error: every caller passes an enum value */
	}
	struct store_conn *c = store_read_conn(st);
	bool scoped = setup_list_sql[which].scoped;
	json_t *items = json_array();
	int64_t total = 0, office_id = 0;
	enum mc_err rc = MC_OK;
	int step;
	if (office && (rc = store_office_in_scope(c, scoped ? who : NULL, office, &office_id, err)))
		goto out;
	sqlite3_stmt *s = store_stmt(c, setup_list_sql[which].page);
	if (s == NULL) {
		rc = store_sql_error(c, "set-up list", err);
		goto out;
	}
	if (scoped)
		store_bind_scope(s, who);
	if (office_id)
		setup_bind(s, ":office", office_id);
	setup_bind(s, ":limit", limit);
	setup_bind(s, ":offset", offset);
	while (store_next(s, &step)) {
		json_t *item = json_loads(store_col_text(s, 0), 0, NULL);
		if (item)
			json_array_append_new(items, item);
	}
	if ((rc = store_scan_end(c, s, step, "set-up list", err)))
		goto out;
	if (which == SETUP_PUBLIC_OFFICES)
		setup_public_today(st, items);
	s = store_stmt(c, setup_list_sql[which].count);
	if (s == NULL) {
		rc = store_sql_error(c, "set-up count", err);
		goto out;
	}
	if (scoped)
		store_bind_scope(s, who);
	if (office_id)
		setup_bind(s, ":office", office_id);
	if (store_next(s, &step))
		total = sqlite3_column_int64(s, 0);
	if ((rc = store_scan_end(c, s, step, "set-up count", err)))
		goto out;
	*out = json_pack("{s:O, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total,
	                 "offset", offset, "limit", limit);
out:
	json_decref(items);
	return rc;
}

/* How well a procedure matches the search q (folded: no marks, lower case):
 * 0 its code or its whole name, 1 a name starting with q, 2 q starting a word
 * of the name, 3 q elsewhere in the name, 4 only in its field; -1 no match.
 * Lower ranks come first in the list, so "Đăng ký khai sinh" answers
 * "dang ky khai sinh" before the procedures that merely contain it. */
static int procedures_rank(const char *code, const char *name, const char *field, const char *q,
                           const char *folded_q)
{
	char *fn = NULL;
	int rank = -1;

	if (strcmp(code, q) == 0) {
		rank = 0;
		goto out;
	}
	size_t n = strlen(name) + 1;
	fn = xmalloc(n);
	fold_vi(name, fn, n);
	const char *hit = strstr(fn, folded_q);
	if (hit == NULL) {
		rank = fold_vi_contains(field, folded_q) ? 4 : -1;
		goto out;
	}
	if (strcmp(fn, folded_q) == 0)
		rank = 0;
	else if (hit == fn)
		rank = 1;
	else {
		rank = 3;
		for (; hit != NULL; hit = strstr(hit + 1, folded_q))
			if (hit[-1] == ' ' || hit[-1] == '(' || hit[-1] == '-') {
				rank = 2;
				break;
			}
	}
out:
	free(fn);
	return rank;
}

/* One match of a search, kept to sort by rank then catalogue order. */
struct procedures_hit {
	int rank;
	size_t seq;
	json_t *body;
};

static int procedures_hit_cmp(const void *a, const void *b)
{
	const struct procedures_hit *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

enum mc_err store_procedures_list(struct store *st, const char *q, const char *field, int offset,
                                  int limit, json_t **out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	json_t *items = json_array();
	int64_t total = 0;
	enum mc_err rc;
	int step;
	struct procedures_hit *hits = NULL;
	size_t nhits = 0, cap = 0;
	char *fq = NULL;

	if (q) {
		size_t n = strlen(q) + 1;
		fq = xmalloc(n);
		fold_vi(q, fq, n);
	}
	sqlite3_stmt *s = store_stmt(c, "SELECT code, version, name, field, body FROM procedures"
	                                " WHERE current = 1 AND (?1 IS NULL OR field = ?1)"
	                                " ORDER BY field, code");
	if (s == NULL) {
		rc = store_sql_error(c, "procedures list", err);
		goto out;
	}
	if (field)
		sqlite3_bind_text(s, 1, field, -1, SQLITE_STATIC);
	/* Without q the catalogue order pages straight from the rows; with q
	 * every match is ranked first (the catalogue is tens of rows). */
	while (store_next(s, &step)) {
		const char *code = store_col_text(s, 0);
		int rank = 0;
		if (q && (rank = procedures_rank(code, store_col_text(s, 2), store_col_text(s, 3),
		                                 q, fq)) < 0)
			continue;
		if (q == NULL && (total++ < offset || json_array_size(items) >= (size_t)limit))
			continue;
		json_t *p = json_loads(store_col_text(s, 4), 0, NULL);
		if (p == NULL)
			continue;
		json_object_set_new(p, "version", json_integer(sqlite3_column_int(s, 1)));
		if (q == NULL) {
			json_array_append_new(items, p);
			continue;
		}
		if (nhits == cap) {
			cap = cap ? cap * 2 : 32;
			hits = xrealloc(hits, cap * sizeof *hits);
		}
		hits[nhits] = (struct procedures_hit){.rank = rank, .seq = nhits, .body = p};
		nhits++;
	}
	if ((rc = store_scan_end(c, s, step, "procedures list", err)))
		goto out;
	if (q) {
		if (nhits > 1) /* qsort of a NULL array is undefined, even of none */
			qsort(hits, nhits, sizeof *hits, procedures_hit_cmp);
		total = (int64_t)nhits;
		for (size_t i = (size_t)offset; i < nhits && json_array_size(items) < (size_t)limit;
		     i++)
			json_array_append(items, hits[i].body);
	}
	*out = json_pack("{s:O, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total,
	                 "offset", offset, "limit", limit);
out:
	for (size_t i = 0; i < nhits; i++)
		json_decref(hits[i].body);
	free(hits);
	free(fq);
	json_decref(items);
	return rc;
}

enum mc_err store_procedure_version(struct store *st, const char *code, int version, json_t **out,
                                    struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	json_t *p = NULL;
	int step;
	sqlite3_stmt *s = store_stmt(c, "SELECT body, version FROM procedures WHERE code = ?1"
	                                " AND (version = ?2 OR (?2 = 0 AND current = 1))");
	if (s == NULL)
		return store_sql_error(c, "procedure", err);
	sqlite3_bind_text(s, 1, code ? code : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 2, version);
	if (store_next(s, &step)) {
		p = json_loads(store_col_text(s, 0), 0, NULL);
		version = sqlite3_column_int(s, 1);
	}
	enum mc_err rc = store_scan_end(c, s, step, "procedure", err);
	if (rc) {
		json_decref(p);
		return rc;
	}
	if (p == NULL)
		return mc_fail(err, MC_ERR_NOT_FOUND, "procedure_not_found", "Không có thủ tục này",
		               "no such procedure version");
	json_object_set_new(p, "version", json_integer(version));
	*out = p;
	return MC_OK;
}
