#include "store/setup.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/auth.h"
#include "store/calendar.h"
#include "store/office.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/clock.h"
#include "util/fold.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* PATCH routes mark their item must_exist: updating something that is not
 * there is a 404, not a creation. */
static enum mc_err setup_require_existing(bool must_exist, bool exists, const char *what,
                                          struct mc_error *err)
{
	if (exists || !must_exist)
		return MC_OK;
	return mc_failf(err, MC_ERR_NOT_FOUND, "not_found", "Không tìm thấy", "No such %s", what);
}

enum mc_err store_setup_audit(struct store *st, const struct principal *who, const char *entity,
                              const char *id, const char *action, const char *details,
                              struct mc_error *err)
{
	int64_t ev = store_event_append(st, who->actor, entity, id, action, details, false, err);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

/* Binds a set flag (true or false) to parameter i; an unset one stays null. */
static void setup_bind_flag(db_stmt *s, int i, enum setup_flag f)
{
	if (f == SETUP_TRUE || f == SETUP_FALSE)
		db_bind_int(s, i, f == SETUP_TRUE);
}

/* Whether a row matches the query q, bound by the caller; q is reset. */
static bool setup_exists(db_stmt *q)
{
	bool exists = db_step(q) == DB_ROW;
	db_reset(q);
	return exists;
}

enum mc_err store_setup_group_save(struct store *st, const struct principal *who,
                                   const struct setup_group *g, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	char what[48];
	snprintf(what, sizeof what, "service group %s", g->code);
	int64_t office;
	enum mc_err rc = store_item_office(st, &g->office, OFFICE_HALL, 0, what, &office, err);
	if (rc)
		return rc;
	db_stmt *q = store_stmt(c, "SELECT 1 FROM service_groups WHERE code = ?"
	                           " AND office_id IS NOT DISTINCT FROM ?");
	if (q == NULL)
		return store_sql_error(c, "service group", err);
	db_bind_text(q, 1, g->code, -1, DB_STATIC);
	if (office)
		db_bind_int64(q, 2, office);
	if ((rc = setup_require_existing(g->must_exist, setup_exists(q), "service group", err)))
		return rc;
	/* A change names only what changes: the row proposed for insertion takes
	 * the existing group's prefix and name, as PostgreSQL checks NOT NULL
	 * before it finds the conflict (SQLite after). */
	db_stmt *s =
	    store_stmt(c, "INSERT INTO service_groups (code, prefix, name, name_en, sort, active,"
	                  " office_id)"
	                  " VALUES (?1, coalesce(?2, (SELECT prefix FROM service_groups"
	                  "  WHERE office_id = ?7 AND code = ?1)), coalesce(?3, (SELECT name"
	                  "  FROM service_groups WHERE office_id = ?7 AND code = ?1)),"
	                  " coalesce(?4, ''), coalesce(?5, 0), coalesce(?6, 1), ?7)"
	                  " ON CONFLICT (office_id, code) DO UPDATE SET prefix = coalesce(?2, "
	                  "service_groups.prefix),"
	                  " name = coalesce(?3, service_groups.name),"
	                  " name_en = coalesce(?4, service_groups.name_en), sort = coalesce(?5, "
	                  "service_groups.sort),"
	                  " active = coalesce(?6, service_groups.active)");
	if (s == NULL)
		return store_sql_error(c, "service group", err);
	db_bind_text(s, 1, g->code, -1, DB_STATIC);
	if (g->prefix)
		db_bind_text(s, 2, g->prefix, -1, DB_STATIC);
	if (g->name)
		db_bind_text(s, 3, g->name, -1, DB_STATIC);
	if (g->name_en)
		db_bind_text(s, 4, g->name_en, -1, DB_STATIC);
	if (g->has_sort)
		db_bind_int64(s, 5, g->sort);
	setup_bind_flag(s, 6, g->active);
	if (office)
		db_bind_int64(s, 7, office);
	if ((rc = store_step(c, s, "service group", err))) {
		if (rc == MC_ERR_CONFLICT)
			mc_failf(
			    err, MC_ERR_CONFLICT, "prefix_taken", "Tiền tố đã dùng cho nhóm khác",
			    "prefix '%s' is used by another group", g->prefix ? g->prefix : "");
		return rc;
	}
	return store_setup_audit(st, who, "service_group", g->code, "service_group.set", g->details,
	                         err);
}

/* Puts counter id (of co, in office) in group code of its own centre: a
 * counter is never in two centres. */
static enum mc_err setup_counter_group(struct store_conn *c, const struct setup_counter *co,
                                       int64_t id, int64_t office, const char *code,
                                       struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "INSERT INTO counter_groups"
	                           " (counter_id, group_id) SELECT ?1, id"
	                           " FROM service_groups WHERE code = ?2"
	                           " AND office_id IS NOT DISTINCT FROM (SELECT office_id"
	                           " FROM counters WHERE id = ?1) ON CONFLICT DO NOTHING");
	if (s == NULL)
		return store_sql_error(c, "counter", err);
	if (code == NULL)
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "counter 'groups' must be group codes");
	db_bind_int64(s, 1, id);
	db_bind_text(s, 2, code, -1, DB_STATIC);
	int step = db_step(s);
	db_reset(s);
	if (step != DB_DONE)
		return store_sql_error(c, "counter", err);
	if (db_changes(c->db) != 0)
		return MC_OK;
	/* Either unknown or listed twice; tell which. */
	db_stmt *g = store_stmt(c, "SELECT 1 FROM service_groups WHERE code = ?"
	                           " AND office_id IS NOT DISTINCT FROM ?");
	if (g == NULL)
		return store_sql_error(c, "counter", err);
	db_bind_text(g, 1, code, -1, DB_STATIC);
	if (office)
		db_bind_int64(g, 2, office);
	if (setup_exists(g))
		return MC_OK;
	return mc_failf(err, MC_ERR_INVALID, "group_not_found", "Không có nhóm dịch vụ này",
	                "counter %lld: no service group '%.40s' in its centre", (long long)co->no,
	                code);
}

enum mc_err store_setup_counter_save(struct store *st, const struct principal *who,
                                     const struct setup_counter *co, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	char what[32];
	snprintf(what, sizeof what, "counter %lld", (long long)co->no);
	int64_t office;
	enum mc_err rc = store_item_office(st, &co->office, OFFICE_HALL, 0, what, &office, err);
	if (rc)
		return rc;
	db_stmt *q = store_stmt(
	    c, "SELECT 1 FROM counters WHERE no = ? AND office_id IS NOT DISTINCT FROM ?");
	if (q == NULL)
		return store_sql_error(c, "counter", err);
	db_bind_int64(q, 1, co->no);
	if (office)
		db_bind_int64(q, 2, office);
	if ((rc = setup_require_existing(co->must_exist, setup_exists(q), "counter", err)))
		return rc;
	char defname[32];
	snprintf(defname, sizeof defname, "Quầy %lld", (long long)co->no);
	db_stmt *s = store_stmt(c, "INSERT INTO counters (no, name, office_id) VALUES (?1, ?2, ?4)"
	                           " ON CONFLICT (office_id, no) DO UPDATE SET"
	                           " name = coalesce(?3, counters.name) RETURNING id");
	if (s == NULL)
		return store_sql_error(c, "counter", err);
	db_bind_int64(s, 1, co->no);
	db_bind_text(s, 2, co->name ? co->name : defname, -1, DB_TRANSIENT);
	if (co->name)
		db_bind_text(s, 3, co->name, -1, DB_STATIC);
	if (office)
		db_bind_int64(s, 4, office);
	int64_t id = db_step(s) == DB_ROW ? db_column_int64(s, 0) : 0;
	db_reset(s);
	if (id == 0)
		return store_sql_error(c, "counter", err);
	if (co->has_groups) {
		s = store_stmt(c, "DELETE FROM counter_groups WHERE counter_id = ?");
		if (s == NULL)
			return store_sql_error(c, "counter", err);
		db_bind_int64(s, 1, id);
		if ((rc = store_step(c, s, "counter", err)))
			return rc;
		for (size_t k = 0; k < co->ngroups; k++)
			if ((rc = setup_counter_group(c, co, id, office, co->groups[k], err)))
				return rc;
	}
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)co->no);
	return store_setup_audit(st, who, "counter", eid, "counter.set", co->details, err);
}

/* Sets username's title (chức vụ, printed under the name on the forms); ""
 * clears it. Writer connection, inside the import's transaction. */
static enum mc_err setup_user_title(struct store_conn *c, const char *username, const char *title,
                                    struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "UPDATE users SET title = nullif(?1, '') WHERE username = ?2");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	db_bind_text(s, 1, title, -1, DB_STATIC);
	db_bind_text(s, 2, username, -1, DB_STATIC);
	return store_step(c, s, "user", err);
}

/* Sets whether user id is the office head of its office (users.head). */
static enum mc_err setup_user_head(struct store_conn *c, int64_t id, bool head,
                                   struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "UPDATE users SET head = ?1 WHERE id = ?2");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	db_bind_int(s, 1, head);
	db_bind_int64(s, 2, id);
	return store_step(c, s, "user", err);
}

/* Sets the office of user id from u's office (or, for a new user, the
 * default for its role). Writer connection, inside the import. */
static enum mc_err setup_user_office(struct store *st, const struct setup_user *u, int64_t id,
                                     const char *role, bool created, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	if (!created && !u->office.given)
		return MC_OK;
	enum role r = auth_role_parse(role);
	char what[96];
	snprintf(what, sizeof what, "user %.64s", u->username);
	int64_t fallback = (r == ROLE_ADMIN || r == ROLE_SUPERVISOR) ? store_office_root(st) : 0;
	int64_t office;
	enum mc_err rc =
	    store_item_office(st, &u->office, office_role_kinds(r), fallback, what, &office, err);
	if (rc)
		return rc;
	db_stmt *s = store_stmt(c, "UPDATE users SET office_id = ?1 WHERE id = ?2");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	if (office)
		db_bind_int64(s, 1, office);
	db_bind_int64(s, 2, id);
	return store_step(c, s, "user", err);
}

/* After the users of a bundle: every active clerk and specialist belongs to
 * an office below the root once the tree has one (else they would see the
 * whole province), and administrators are the province's. Names the first
 * account at fault. */
static enum mc_err setup_users_placed(struct store *st, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(
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
		db_reset(s);
		return rc;
	}
	return store_scan_end(c, s, step, "user", err);
}

enum mc_err store_setup_users_done(struct store *st, bool updated, struct mc_error *err)
{
	/* Nobody may demote or deactivate the last administrator, not even
	 * themselves: the office could not be administered any more. */
	enum mc_err rc;
	if (updated && (rc = store_admin_remains(st, err)))
		return rc;
	return setup_users_placed(st, err);
}

enum mc_err store_setup_users_fit(struct store *st, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "SELECT u.username, u.role, o.code, o.kind FROM users u"
	                           " JOIN offices o ON o.id = u.office_id"
	                           " WHERE u.active = 1 ORDER BY u.id");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	int step;
	while (store_next(s, &step)) {
		enum role r = auth_role_parse(store_col_text(s, 1));
		if (office_role_kinds(r) & office_kind_bit(store_col_text(s, 3)))
			continue;
		enum mc_err rc = mc_failf(
		    err, MC_ERR_INVALID, "office_wrong_kind", "Đơn vị không phù hợp với vai trò",
		    "user %.64s: a %.16s cannot belong to office %.40s (a %.16s)",
		    store_col_text(s, 0), store_col_text(s, 1), store_col_text(s, 2),
		    store_col_text(s, 3));
		db_reset(s);
		return rc;
	}
	return store_scan_end(c, s, step, "user", err);
}

/* A new account from u (the API checked full_name, role and password are
 * there). */
static enum mc_err setup_user_create(struct store *st, const struct principal *who,
                                     const struct setup_user *u, struct mc_error *err)
{
	if (u->full_name == NULL || u->role == NULL || u->password == NULL)
		return mc_failf(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		                "new user '%.64s' needs full_name, role and password", u->username);
	struct store_conn *c = store_write_conn(st);
	int64_t uid = 0;
	enum mc_err rc =
	    store_user_create(st, who->actor, u->username, u->full_name, auth_role_parse(u->role),
	                      u->password, u->demo == SETUP_TRUE, &uid, err);
	if (rc == MC_OK)
		rc = setup_user_office(st, u, uid, u->role, true, err);
	if (rc == MC_OK && u->title)
		rc = setup_user_title(c, u->username, u->title, err);
	if (rc == MC_OK && u->head != SETUP_UNSET)
		rc = setup_user_head(c, uid, u->head == SETUP_TRUE, err);
	return rc;
}

/* The office of account id when u names one, with its role as it stands. */
static enum mc_err setup_user_reoffice(struct store *st, const struct setup_user *u, int64_t id,
                                       struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	if (!u->office.given)
		return MC_OK;
	db_stmt *s = store_stmt(c, "SELECT role FROM users WHERE id = ?");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	db_bind_int64(s, 1, id);
	char cur[16] = "";
	int step;
	if (store_next(s, &step))
		snprintf(cur, sizeof cur, "%s", store_col_text(s, 0));
	enum mc_err rc = store_scan_end(c, s, step, "user", err);
	return rc ? rc : setup_user_office(st, u, id, cur, false, err);
}

/* Updates account id from u. */
static enum mc_err setup_user_update(struct store *st, const struct principal *who,
                                     const struct setup_user *u, int64_t id, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	enum mc_err rc;
	char hash[crypto_pwhash_STRBYTES] = "";
	if (u->password) {
		if ((rc = auth_password_check(u->username, u->password, err)))
			return rc;
		if (crypto_pwhash_str_alg(hash, u->password, strlen(u->password), 2,
		                          19u * 1024 * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
			return mc_fail(err, MC_ERR_INTERNAL, "hash_failed", "Lỗi băm mật khẩu",
			               "password hashing failed");
	}
	db_stmt *s = store_stmt(c, "UPDATE users SET full_name = coalesce(?1, full_name),"
	                           " role = coalesce(?2, role), active = coalesce(?3, active),"
	                           " pw_hash = coalesce(?4, pw_hash) WHERE id = ?5");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	if (u->full_name)
		db_bind_text(s, 1, u->full_name, -1, DB_STATIC);
	if (u->role)
		db_bind_text(s, 2, u->role, -1, DB_STATIC);
	setup_bind_flag(s, 3, u->active);
	if (u->password)
		db_bind_text(s, 4, hash, -1, DB_STATIC);
	db_bind_int64(s, 5, id);
	if ((rc = store_step(c, s, "user", err)) ||
	    (u->title && (rc = setup_user_title(c, u->username, u->title, err))) ||
	    (u->head != SETUP_UNSET && (rc = setup_user_head(c, id, u->head == SETUP_TRUE, err))) ||
	    (rc = setup_user_reoffice(st, u, id, err)))
		return rc;
	/* A deactivated account or a new password ends its sessions. */
	if (u->password || u->active == SETUP_FALSE) {
		s = store_stmt(c, "DELETE FROM sessions WHERE user_id = ?");
		if (s == NULL)
			return store_sql_error(c, "user", err);
		db_bind_int64(s, 1, id);
		if ((rc = store_step(c, s, "user", err)))
			return rc;
	}
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)id);
	return store_setup_audit(st, who, "user", eid, "user.updated", u->details, err);
}

enum mc_err store_setup_user_save(struct store *st, const struct principal *who,
                                  const struct setup_user *u, bool *created, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "SELECT id FROM users WHERE username = ?");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	db_bind_text(s, 1, u->username, -1, DB_STATIC);
	int step;
	int64_t id = store_next(s, &step) ? db_column_int64(s, 0) : 0;
	enum mc_err rc;
	if ((rc = store_scan_end(c, s, step, "user", err)) ||
	    (rc = setup_require_existing(u->must_exist, id != 0, "user", err)))
		return rc;
	*created = id == 0;
	return id == 0 ? setup_user_create(st, who, u, err)
	               : setup_user_update(st, who, u, id, err);
}

static enum mc_err setup_device_office(struct store_conn *c, int64_t id, int64_t office,
                                       struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "UPDATE devices SET office_id = ? WHERE id = ?");
	if (s == NULL)
		return store_sql_error(c, "device", err);
	db_bind_int64(s, 1, office);
	db_bind_int64(s, 2, id);
	return store_step(c, s, "device", err);
}

enum mc_err store_setup_device_save(struct store *st, const struct principal *who,
                                    const struct setup_device *d, bool *created,
                                    char token[AUTH_TOKEN_LEN], struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "SELECT id FROM devices WHERE name = ?");
	if (s == NULL)
		return store_sql_error(c, "device", err);
	db_bind_text(s, 1, d->name, -1, DB_STATIC);
	int step;
	int64_t id = store_next(s, &step) ? db_column_int64(s, 0) : 0;
	enum mc_err rc;
	if ((rc = store_scan_end(c, s, step, "device", err)) ||
	    (rc = setup_require_existing(d->must_exist, id != 0, "device", err)))
		return rc;
	char what[128];
	snprintf(what, sizeof what, "device %s", d->name);
	int64_t office = 0;
	if ((id == 0 || d->office.given) &&
	    (rc = store_item_office(st, &d->office, OFFICE_HALL, 0, what, &office, err)))
		return rc;
	*created = id == 0;
	if (id == 0) {
		bool prints = d->prints == SETUP_UNSET || d->prints == SETUP_TRUE;
		rc = store_device_create(st, who->actor, d->kind, d->name, prints, &id, token, err);
		if (rc == MC_OK && office)
			rc = setup_device_office(c, id, office, err);
		return rc;
	}
	s = store_stmt(c, "UPDATE devices SET prints = coalesce(?1, prints),"
	                  " active = coalesce(?2, active) WHERE id = ?3");
	if (s == NULL)
		return store_sql_error(c, "device", err);
	setup_bind_flag(s, 1, d->prints);
	setup_bind_flag(s, 2, d->active);
	db_bind_int64(s, 3, id);
	if ((rc = store_step(c, s, "device", err)) ||
	    (office && (rc = setup_device_office(c, id, office, err))))
		return rc;
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)id);
	return store_setup_audit(st, who, "device", eid, "device.updated", d->details, err);
}

/* Replaces the current version of p's code by a new one holding p. */
static enum mc_err setup_procedure_insert(struct store_conn *c, const struct setup_procedure *p,
                                          int version, struct mc_error *err)
{
	db_stmt *s =
	    store_stmt(c, "UPDATE procedures SET current = 0 WHERE code = ? AND current = 1");
	if (s == NULL)
		return store_sql_error(c, "procedure", err);
	db_bind_text(s, 1, p->code, -1, DB_STATIC);
	enum mc_err rc = store_step(c, s, "procedure", err);
	if (rc)
		return rc;
	s = store_stmt(c, "INSERT INTO procedures (code, version, name, field, level, office,"
	                  " time_unit, time_milli, fee_vnd, body, created_at)"
	                  " VALUES (?,?,?,?,?,?,?,?,?,?,?)");
	if (s == NULL)
		return store_sql_error(c, "procedure", err);
	db_bind_text(s, 1, p->code, -1, DB_STATIC);
	db_bind_int(s, 2, version + 1);
	db_bind_text(s, 3, p->name, -1, DB_STATIC);
	db_bind_text(s, 4, p->field, -1, DB_STATIC);
	db_bind_text(s, 5, p->level, -1, DB_STATIC);
	if (p->office)
		db_bind_text(s, 6, p->office, -1, DB_STATIC);
	db_bind_text(s, 7, p->unit, -1, DB_STATIC);
	db_bind_int64(s, 8, p->milli);
	db_bind_int64(s, 9, p->fee_vnd);
	db_bind_text(s, 10, p->body, -1, DB_STATIC);
	db_bind_int64(s, 11, clock_now()); /* the office's clock (a test's too) */
	return store_step(c, s, "procedure", err);
}

enum mc_err store_setup_procedure_save(struct store *st, const struct principal *who,
                                       const struct setup_procedure *p, bool *saved,
                                       struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	*saved = false;
	/* A dossier pins the version in force at intake: a changed procedure
	 * becomes a new version; an unchanged one is left. */
	db_stmt *s = store_stmt(c, "SELECT version, body FROM procedures"
	                           " WHERE code = ? AND current = 1");
	if (s == NULL)
		return store_sql_error(c, "procedure", err);
	db_bind_text(s, 1, p->code, -1, DB_STATIC);
	int version = 0, step;
	bool same = false;
	if (store_next(s, &step)) {
		version = db_column_int(s, 0);
		same = strcmp(store_col_text(s, 1), p->body) == 0;
	}
	enum mc_err rc = store_scan_end(c, s, step, "procedure", err);
	if (rc || same)
		return rc;
	if ((rc = setup_procedure_insert(c, p, version, err)) ||
	    (rc = store_setup_audit(st, who, "procedure", p->code, "procedure.set", p->details,
	                            err)))
		return rc;
	*saved = true;
	return MC_OK;
}

/* Each list's row reader: one row of its page query (the columns in the
 * order its SELECT names them) into *r, strings copied. This one: a row of
 * the service groups' page. */
static void setup_read_group(db_stmt *s, struct setup_row *r)
{
	r->group = (struct setup_group_row){.code = store_col_dup(s, 0),
	                                    .office = store_col_dup(s, 1),
	                                    .prefix = store_col_dup(s, 2),
	                                    .name = store_col_dup(s, 3),
	                                    .name_en = store_col_dup(s, 4),
	                                    .sort = db_column_int64(s, 5),
	                                    .active = db_column_int(s, 6) != 0};
}

/* A row of the counters' page (its groups come after the scan). */
static void setup_read_counter(db_stmt *s, struct setup_row *r)
{
	r->counter = (struct setup_counter_row){.id = db_column_int64(s, 0),
	                                        .no = db_column_int64(s, 1),
	                                        .office = store_col_dup(s, 2),
	                                        .name = store_col_dup(s, 3),
	                                        .state = store_col_dup(s, 4),
	                                        .printer = store_col_dup(s, 5)};
}

/* A row of the users' page. */
static void setup_read_user(db_stmt *s, struct setup_row *r)
{
	r->user = (struct setup_user_row){.id = db_column_int64(s, 0),
	                                  .username = store_col_dup(s, 1),
	                                  .office = store_col_dup(s, 2),
	                                  .full_name = store_col_dup(s, 3),
	                                  .title = store_col_dup(s, 4),
	                                  .role = store_col_dup(s, 5),
	                                  .active = db_column_int(s, 6) != 0,
	                                  .demo = db_column_int(s, 7) != 0,
	                                  .head = db_column_int(s, 8) != 0};
}

/* A row of the devices' page. */
static void setup_read_device(db_stmt *s, struct setup_row *r)
{
	r->device = (struct setup_device_row){.name = store_col_dup(s, 0),
	                                      .office = store_col_dup(s, 1),
	                                      .kind = store_col_dup(s, 2),
	                                      .prints = db_column_int(s, 3) != 0,
	                                      .active = db_column_int(s, 4) != 0,
	                                      .printer = store_col_dup(s, 5)};
}

/* A row of the office tree's page. */
static void setup_read_office(db_stmt *s, struct setup_row *r)
{
	r->office = (struct setup_office_row){.code = store_col_dup(s, 0),
	                                      .name = store_col_dup(s, 1),
	                                      .kind = store_col_dup(s, 2),
	                                      .level = store_col_dup(s, 3),
	                                      .parent = store_col_dup(s, 4),
	                                      .depth = db_column_int64(s, 5),
	                                      .address = store_col_dup(s, 6),
	                                      .phone = store_col_dup(s, 7),
	                                      .hours = store_col_dup(s, 8),
	                                      .locality = store_col_dup(s, 9),
	                                      .weekdays = store_col_dup(s, 10),
	                                      .sessions = store_col_dup(s, 11),
	                                      .sort = db_column_int64(s, 12),
	                                      .active = db_column_int(s, 13) != 0,
	                                      .demo = db_column_int(s, 14) != 0};
}

/* A row of the public offices' page. */
static void setup_read_public_office(db_stmt *s, struct setup_row *r)
{
	r->public_office = (struct setup_public_office_row){.id = db_column_int64(s, 0),
	                                                    .code = store_col_dup(s, 1),
	                                                    .name = store_col_dup(s, 2),
	                                                    .kind = store_col_dup(s, 3),
	                                                    .address = store_col_dup(s, 4),
	                                                    .hours = store_col_dup(s, 5),
	                                                    .phone = store_col_dup(s, 6),
	                                                    .parent = store_col_dup(s, 7),
	                                                    .parent_name = store_col_dup(s, 8)};
}

/* One page of rows of which: the page query and the count query, each with
 * :scope (the caller's subtree, SCOPE_SQL), :office (the filter: rows of
 * that office's subtree; NULL: all), and the page with :limit and :offset;
 * each row names its office by code; read turns a row of the page into a
 * struct setup_row. The office tree is not scoped: every staff
 * member may name any office (a hand-over goes anywhere in the province).
 * Indexed by enum setup_list; the static assert keeps the table complete. */
/* The six-digit text of a sibling's rank k, zero-padded, for the tree's
 * sort path: both engines' SQL (SQLite has no lpad, PostgreSQL no printf). */
#define SETUP_K6(k) "substr('00000' || CAST(" k " AS TEXT), length(CAST(" k " AS TEXT)))"
/* clang-format off */
static const struct {
	const char *page;
	const char *count;
	bool scoped;
	void (*read)(db_stmt *s, struct setup_row *r);
} setup_list_sql[] = {
    [SETUP_SERVICE_GROUPS] = {
        "SELECT code, (SELECT code FROM offices WHERE id = g.office_id),"
        " prefix, name, name_en, sort, active"
        " FROM service_groups g"
        " WHERE " SCOPE_SQL("g.office_id")
        " AND (CAST(:office AS BIGINT) IS NULL OR g.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))"
        " ORDER BY g.office_id, sort, id LIMIT :limit OFFSET :offset",
        "SELECT count(*) FROM service_groups g"
        " WHERE " SCOPE_SQL("g.office_id")
        " AND (CAST(:office AS BIGINT) IS NULL OR g.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))",
        true, setup_read_group},
    [SETUP_COUNTERS] = {
        "SELECT id, no, (SELECT code FROM offices WHERE id = c.office_id),"
        " name, state, (SELECT name FROM printers WHERE id = c.printer_id)"
        " FROM counters c"
        " WHERE " SCOPE_SQL("c.office_id")
        " AND (CAST(:office AS BIGINT) IS NULL OR c.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))"
        " ORDER BY c.office_id, no LIMIT :limit OFFSET :offset",
        "SELECT count(*) FROM counters c"
        " WHERE " SCOPE_SQL("c.office_id")
        " AND (CAST(:office AS BIGINT) IS NULL OR c.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))",
        true, setup_read_counter},
    [SETUP_USERS] = {
        "SELECT id, username, (SELECT code FROM offices WHERE id = u.office_id),"
        " full_name, title, role, active, demo, head"
        " FROM users u"
        " WHERE " SCOPE_SQL("u.office_id")
        " AND (CAST(:office AS BIGINT) IS NULL OR u.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))"
        " ORDER BY id LIMIT :limit OFFSET :offset",
        "SELECT count(*) FROM users u"
        " WHERE " SCOPE_SQL("u.office_id")
        " AND (CAST(:office AS BIGINT) IS NULL OR u.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))",
        true, setup_read_user},
    [SETUP_DEVICES] = {
        "SELECT name, (SELECT code FROM offices WHERE id = d.office_id),"
        " kind, prints, active, (SELECT name FROM printers WHERE id = d.printer_id)"
        " FROM devices d"
        " WHERE " SCOPE_SQL("d.office_id")
        " AND (CAST(:office AS BIGINT) IS NULL OR d.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))"
        " ORDER BY id LIMIT :limit OFFSET :offset",
        "SELECT count(*) FROM devices d"
        " WHERE " SCOPE_SQL("d.office_id")
        " AND (CAST(:office AS BIGINT) IS NULL OR d.office_id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))",
        true, setup_read_device},
    /* The tree, a parent before its children, siblings by sort then name. */
    [SETUP_OFFICES] = {
        "WITH RECURSIVE r AS (SELECT id, parent_id, row_number() OVER"
        "  (PARTITION BY parent_id ORDER BY sort, name, id) AS k FROM offices),"
        " t (id, depth, path) AS (SELECT id, 0, " SETUP_K6("k") " FROM r"
        "  WHERE parent_id IS NULL UNION ALL SELECT r.id, t.depth + 1,"
        "  t.path || " SETUP_K6("r.k") " FROM r JOIN t ON r.parent_id = t.id"
        "  WHERE t.depth < 64)"
        " SELECT o.code, o.name, o.kind, o.level, p.code, t.depth, o.address,"
        " o.phone, o.hours, o.locality, o.weekdays, o.sessions, o.sort,"
        " o.active, o.demo"
        " FROM t JOIN offices o ON o.id = t.id LEFT JOIN offices p ON p.id = o.parent_id"
        " WHERE (CAST(:office AS BIGINT) IS NULL OR o.id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))"
        " ORDER BY t.path LIMIT :limit OFFSET :offset",
        "SELECT count(*) FROM offices o WHERE (CAST(:office AS BIGINT) IS NULL OR o.id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))",
        false, setup_read_office},
    /* The province's centres and reception points, as citizens see them. */
    [SETUP_PUBLIC_OFFICES] = {
        "SELECT o.id, o.code, o.name, o.kind, o.address, o.hours, o.phone,"
        " p.code, p.name"
        " FROM offices o LEFT JOIN offices p ON p.id = o.parent_id"
        " WHERE o.kind IN ('centre', 'point') AND o.active = 1"
        " AND (CAST(:office AS BIGINT) IS NULL OR o.id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))"
        " ORDER BY o.kind = 'point', o.sort, o.name, o.id LIMIT :limit OFFSET :offset",
        "SELECT count(*) FROM offices o WHERE o.kind IN ('centre', 'point')"
        " AND o.active = 1 AND (CAST(:office AS BIGINT) IS NULL OR o.id IN (SELECT office_id"
        "  FROM office_paths WHERE ancestor_id = :office))",
        false, setup_read_public_office},
};
/* clang-format on */
_Static_assert(sizeof setup_list_sql / sizeof setup_list_sql[0] == SETUP_LIST_COUNT,
               "setup_list_sql must have one entry per enum setup_list");

/* Binds :name of s to v when s has it. */
static void setup_bind(db_stmt *s, const char *name, int64_t v)
{
	int i = db_bind_parameter_index(s, name);
	if (i > 0)
		db_bind_int64(s, i, v);
}

/* Frees the strings of row r of list which (not r itself). */
static void setup_row_clear(enum setup_list which, struct setup_row *r)
{
	switch (which) {
	case SETUP_SERVICE_GROUPS: {
		struct setup_group_row *g = &r->group;
		char *v[] = {g->code, g->office, g->prefix, g->name, g->name_en};
		store_strings_free(v, sizeof v / sizeof v[0]);
		break;
	}
	case SETUP_COUNTERS: {
		struct setup_counter_row *c = &r->counter;
		char *v[] = {c->office, c->name, c->state, c->printer};
		store_strings_free(v, sizeof v / sizeof v[0]);
		store_strings_free(c->groups, c->ngroups);
		free(c->groups);
		break;
	}
	case SETUP_USERS: {
		struct setup_user_row *u = &r->user;
		char *v[] = {u->username, u->office, u->full_name, u->title, u->role};
		store_strings_free(v, sizeof v / sizeof v[0]);
		break;
	}
	case SETUP_DEVICES: {
		struct setup_device_row *d = &r->device;
		char *v[] = {d->name, d->office, d->kind, d->printer};
		store_strings_free(v, sizeof v / sizeof v[0]);
		break;
	}
	case SETUP_OFFICES: {
		struct setup_office_row *o = &r->office;
		char *v[] = {o->code,  o->name,  o->kind,     o->level,    o->parent,  o->address,
		             o->phone, o->hours, o->locality, o->weekdays, o->sessions};
		store_strings_free(v, sizeof v / sizeof v[0]);
		break;
	}
	case SETUP_PUBLIC_OFFICES: {
		struct setup_public_office_row *o = &r->public_office;
		char *v[] = {o->code,  o->name,  o->kind,   o->address,
		             o->hours, o->phone, o->parent, o->parent_name};
		store_strings_free(v, sizeof v / sizeof v[0]);
		break;
	}
	case SETUP_LIST_COUNT: break;
	}
	memset(r, 0, sizeof *r);
}

void setup_page_free(struct setup_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		setup_row_clear(p->which, &p->items[i]);
	free(p->items);
	memset(p, 0, sizeof *p);
}

/* Appends a row of p's list read from s (cap: the room of p->items). */
static void setup_page_add(struct setup_page *p, db_stmt *s, size_t *cap)
{
	if (p->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		p->items = xrealloc(p->items, *cap * sizeof *p->items);
	}
	setup_list_sql[p->which].read(s, &p->items[p->n++]);
}

/* Runs query which (the page or its count) of s's list with its bindings. */
static db_stmt *setup_list_stmt(struct store_conn *c, enum setup_list which, bool count,
                                const struct principal *who, int64_t office_id, int offset,
                                int limit)
{
	db_stmt *s =
	    store_stmt(c, count ? setup_list_sql[which].count : setup_list_sql[which].page);
	if (s == NULL)
		return NULL;
	if (setup_list_sql[which].scoped)
		store_bind_scope(s, who);
	if (office_id)
		setup_bind(s, ":office", office_id);
	if (!count) {
		setup_bind(s, ":limit", limit);
		setup_bind(s, ":offset", offset);
	}
	return s;
}

/* The groups of every counter of page p (after its scan). */
static enum mc_err setup_counters_groups(struct store_conn *c, struct setup_page *p,
                                         struct mc_error *err)
{
	enum mc_err rc = MC_OK;
	for (size_t i = 0; i < p->n && rc == MC_OK; i++) {
		struct setup_counter_row *co = &p->items[i].counter;
		rc = store_counter_groups(c, co->id, &co->groups, &co->ngroups, err);
	}
	return rc;
}

enum mc_err store_setup_list_scoped(struct store *st, enum setup_list which,
                                    const struct principal *who, const char *office, int offset,
                                    int limit, struct setup_page *out, struct mc_error *err)
{
	if ((unsigned)which >= SETUP_LIST_COUNT || setup_list_sql[which].page == NULL ||
	    setup_list_sql[which].count == NULL) {
		log_error("store: no such set-up list %d", (int)which);
		abort(); /* a programming error: every caller passes an enum value */
	}
	struct store_conn *c = store_read_conn(st);
	bool scoped = setup_list_sql[which].scoped;
	struct setup_page page = {.which = which};
	size_t cap = 0;
	int64_t office_id = 0;
	enum mc_err rc = MC_OK;
	int step;
	if (office && (rc = store_office_in_scope(c, scoped ? who : NULL, office, &office_id, err)))
		goto out;
	db_stmt *s = setup_list_stmt(c, which, false, who, office_id, offset, limit);
	if (s == NULL) {
		rc = store_sql_error(c, "set-up list", err);
		goto out;
	}
	while (store_next(s, &step))
		setup_page_add(&page, s, &cap);
	if ((rc = store_scan_end(c, s, step, "set-up list", err)))
		goto out;
	if (which == SETUP_COUNTERS && (rc = setup_counters_groups(c, &page, err)))
		goto out;
	s = setup_list_stmt(c, which, true, who, office_id, offset, limit);
	if (s == NULL) {
		rc = store_sql_error(c, "set-up count", err);
		goto out;
	}
	if (store_next(s, &step))
		page.total = db_column_int64(s, 0);
	if ((rc = store_scan_end(c, s, step, "set-up count", err)))
		goto out;
	*out = page;
	memset(&page, 0, sizeof page);
out:
	setup_page_free(&page);
	return rc;
}

enum mc_err store_counter_groups(struct store_conn *c, int64_t counter_id, char ***codes, size_t *n,
                                 struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT g.code FROM counter_groups cg"
	                           " JOIN service_groups g ON g.id = cg.group_id"
	                           " WHERE cg.counter_id = ?1 ORDER BY cg.group_id");
	size_t cap = 0;
	int step;
	*codes = NULL;
	*n = 0;
	if (s == NULL)
		return store_sql_error(c, "counter groups", err);
	db_bind_int64(s, 1, counter_id);
	while (store_next(s, &step)) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*codes = xrealloc(*codes, cap * sizeof **codes);
		}
		(*codes)[(*n)++] = xstrdup(store_col_text(s, 0));
	}
	return store_scan_end(c, s, step, "counter groups", err);
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

void procedure_row_clear(struct procedure_row *r)
{
	free(r->body);
	memset(r, 0, sizeof *r);
}

void procedure_page_free(struct procedure_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		procedure_row_clear(&p->items[i]);
	free(p->items);
	memset(p, 0, sizeof *p);
}

/* One match of a search, kept to sort by rank then catalogue order. */
struct procedures_hit {
	int rank;
	size_t seq;
	struct procedure_row row;
};

static int procedures_hit_cmp(const void *a, const void *b)
{
	const struct procedures_hit *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Appends row (taken) to p. */
static void procedure_page_add(struct procedure_page *p, struct procedure_row row, size_t *cap)
{
	if (p->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		p->items = xrealloc(p->items, *cap * sizeof *p->items);
	}
	p->items[p->n++] = row;
}

/* The ranked matches hits (sorted here, taken) paged into *page. */
static void procedures_page_hits(struct procedures_hit *hits, size_t nhits, int offset, int limit,
                                 struct procedure_page *page)
{
	size_t cap = 0;
	if (nhits > 1) /* qsort of a NULL array is undefined, even of none */
		qsort(hits, nhits, sizeof *hits, procedures_hit_cmp);
	page->total = (int64_t)nhits;
	for (size_t i = 0; i < nhits; i++) {
		if (i >= (size_t)offset && page->n < (size_t)limit) {
			procedure_page_add(page, hits[i].row, &cap);
			hits[i].row.body = NULL;
		}
		procedure_row_clear(&hits[i].row);
	}
}

enum mc_err store_procedures_list(struct store *st, const char *q, const char *field, int offset,
                                  int limit, struct procedure_page *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct procedure_page page = {0};
	enum mc_err rc;
	int step;
	struct procedures_hit *hits = NULL;
	size_t nhits = 0, cap = 0, pcap = 0;
	char *fq = NULL;

	if (q) {
		size_t n = strlen(q) + 1;
		fq = xmalloc(n);
		fold_vi(q, fq, n);
	}
	db_stmt *s = store_stmt(c, "SELECT code, version, name, field, body FROM procedures"
	                           " WHERE current = 1 AND (CAST(?1 AS TEXT) IS NULL OR field = ?1)"
	                           " ORDER BY field, code");
	if (s == NULL) {
		rc = store_sql_error(c, "procedures list", err);
		goto out;
	}
	if (field)
		db_bind_text(s, 1, field, -1, DB_STATIC);
	/* Without q the catalogue order pages straight from the rows; with q
	 * every match is ranked first (the catalogue is tens of rows). */
	while (store_next(s, &step)) {
		const char *code = store_col_text(s, 0);
		int rank = 0;
		if (q && (rank = procedures_rank(code, store_col_text(s, 2), store_col_text(s, 3),
		                                 q, fq)) < 0)
			continue;
		if (q == NULL && (page.total++ < offset || page.n >= (size_t)limit))
			continue;
		struct procedure_row row = {.body = xstrdup(store_col_text(s, 4)),
		                            .version = db_column_int(s, 1)};
		if (q == NULL) {
			procedure_page_add(&page, row, &pcap);
			continue;
		}
		if (nhits == cap) {
			cap = cap ? cap * 2 : 32;
			hits = xrealloc(hits, cap * sizeof *hits);
		}
		hits[nhits] = (struct procedures_hit){.rank = rank, .seq = nhits, .row = row};
		nhits++;
	}
	if ((rc = store_scan_end(c, s, step, "procedures list", err)))
		goto out;
	if (q) {
		procedures_page_hits(hits, nhits, offset, limit, &page);
		nhits = 0;
	}
	*out = page;
	memset(&page, 0, sizeof page);
out:
	for (size_t i = 0; i < nhits; i++)
		procedure_row_clear(&hits[i].row);
	free(hits);
	free(fq);
	procedure_page_free(&page);
	return rc;
}

enum mc_err store_procedure_version(struct store *st, const char *code, int version,
                                    struct procedure_row *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct procedure_row row = {0};
	int step;
	db_stmt *s = store_stmt(c, "SELECT body, version FROM procedures WHERE code = ?1"
	                           " AND (version = ?2 OR (?2 = 0 AND current = 1))");
	if (s == NULL)
		return store_sql_error(c, "procedure", err);
	db_bind_text(s, 1, code ? code : "", -1, DB_TRANSIENT);
	db_bind_int(s, 2, version);
	if (store_next(s, &step)) {
		row.body = xstrdup(store_col_text(s, 0));
		row.version = db_column_int(s, 1);
	}
	enum mc_err rc = store_scan_end(c, s, step, "procedure", err);
	if (rc) {
		procedure_row_clear(&row);
		return rc;
	}
	if (row.body == NULL)
		return mc_fail(err, MC_ERR_NOT_FOUND, "procedure_not_found", "Không có thủ tục này",
		               "no such procedure version");
	*out = row;
	return MC_OK;
}
