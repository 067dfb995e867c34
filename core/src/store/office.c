#include "store/office.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/calendar.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/xmalloc.h"

#define OFFICE_CODE_MAX 32

int64_t store_office_root(struct store *st)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT id FROM offices WHERE kind = 'province'");
	int step;
	int64_t id = s && store_next(s, &step) ? db_column_int64(s, 0) : 0;
	if (s)
		db_reset(s);
	return id;
}

int64_t store_office_id(struct store *st, const char *code)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT id FROM offices WHERE code = ?");
	int step;
	if (s == NULL || code == NULL)
		return 0;
	db_bind_text(s, 1, code, -1, DB_STATIC);
	int64_t id = store_next(s, &step) ? db_column_int64(s, 0) : 0;
	db_reset(s);
	return id;
}

static char *office_col(db_stmt *s, int i)
{
	return db_column_type(s, i) == DB_NULL ? NULL : xstrdup(store_col_text(s, i));
}

void office_clear(struct office *o)
{
	char **f[] = {&o->code,        &o->name,    &o->kind,  &o->level, &o->parent,
	              &o->parent_name, &o->address, &o->phone, &o->hours, &o->locality};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		free(*f[i]);
	memset(o, 0, sizeof *o);
}

bool store_office_get(struct store *st, int64_t id, struct office *out)
{
	struct store_conn *c = store_read_conn(st);
	memset(out, 0, sizeof *out);
	db_stmt *s = store_stmt(
	    c, "SELECT o.id, o.code, o.name, o.kind, o.level, p.code, p.name, o.address,"
	       " o.phone, o.hours, o.locality"
	       " FROM offices o LEFT JOIN offices p ON p.id = o.parent_id WHERE o.id = ?");
	int step;
	if (s == NULL)
		return false;
	db_bind_int64(s, 1, id);
	bool found = store_next(s, &step);
	if (found) {
		out->id = db_column_int64(s, 0);
		out->code = office_col(s, 1);
		out->name = office_col(s, 2);
		out->kind = office_col(s, 3);
		out->level = office_col(s, 4);
		out->parent = office_col(s, 5);
		out->parent_name = office_col(s, 6);
		out->address = office_col(s, 7);
		out->phone = office_col(s, 8);
		out->hours = office_col(s, 9);
		out->locality = office_col(s, 10);
	}
	db_reset(s);
	return found;
}

enum mc_err store_office_in_scope(struct store_conn *c, const struct principal *who,
                                  const char *code, int64_t *out, struct mc_error *err)
{
	*out = 0;
	if (code == NULL)
		return MC_OK;
	db_stmt *s =
	    store_stmt(c, "SELECT id FROM offices WHERE code = :code AND " SCOPE_SQL("id"));
	int step;
	if (s == NULL)
		return store_sql_error(c, "office", err);
	db_bind_text(s, db_bind_parameter_index(s, ":code"), code, -1, DB_STATIC);
	store_bind_scope(s, who);
	*out = store_next(s, &step) ? db_column_int64(s, 0) : 0;
	enum mc_err rc = store_scan_end(c, s, step, "office", err);
	if (rc == MC_OK && *out == 0)
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "office_not_found", "Không có đơn vị này",
		              "No office '%.40s'", code);
	return rc;
}

/* Makes the province root when there is none (the small case: a bundle
 * that names only its centre). */
static enum mc_err office_root_ensure(struct store_conn *c, struct mc_error *err)
{
	return store_exec(c,
	                  "INSERT INTO offices (code, name, kind, level)"
	                  " SELECT 'TINH', 'Tỉnh', 'province', 'province'"
	                  " WHERE NOT EXISTS (SELECT 1 FROM offices WHERE kind = 'province')",
	                  err);
}

enum mc_err store_office_centre_save(struct store *st, const struct office_centre *o,
                                     struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	enum mc_err rc = office_root_ensure(c, err);
	if (rc)
		return rc;
	db_stmt *s = store_stmt(
	    c,
	    "INSERT INTO offices (code, name, kind, parent_id, locality, address, hours, phone)"
	    " VALUES (?1, ?2, 'centre', (SELECT id FROM offices WHERE kind = 'province'),"
	    " ?3, ?4, ?5, ?6) ON CONFLICT (code) DO UPDATE SET name = ?2,"
	    " locality = coalesce(?3, offices.locality), address = coalesce(?4, offices.address),"
	    " hours = coalesce(?5, offices.hours), phone = coalesce(?6, offices.phone)");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	db_bind_text(s, 1, o->code, -1, DB_STATIC);
	db_bind_text(s, 2, o->name, -1, DB_STATIC);
	const char *opt[] = {o->locality, o->address, o->hours, o->phone};
	for (int i = 0; i < 4; i++)
		if (opt[i])
			db_bind_text(s, 3 + i, opt[i], -1, DB_STATIC);
	return store_step(c, s, "office", err);
}

/* Pass 1 of the "offices" list: one office set, without its parent. */
static enum mc_err office_upsert(struct store_conn *c, const struct office_item *o,
                                 struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c,
	    "INSERT INTO offices (code, name, kind, level, address, phone, hours, locality,"
	    " weekdays, sessions, sort, demo, active)"
	    " VALUES (?1, ?2, coalesce(?3, 'internal'), ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	    " coalesce(?11, 0), coalesce(?12, 0), coalesce(?13, 1))"
	    " ON CONFLICT (code) DO UPDATE SET name = ?2, kind = coalesce(?3, offices.kind),"
	    " level = coalesce(?4, offices.level), address = coalesce(?5, offices.address),"
	    " phone = coalesce(?6, offices.phone), hours = coalesce(?7, offices.hours),"
	    " locality = coalesce(?8, offices.locality), weekdays = coalesce(?9, offices.weekdays),"
	    " sessions = coalesce(?10, offices.sessions), sort = coalesce(?11, offices.sort),"
	    " demo = coalesce(?12, offices.demo), active = coalesce(?13, offices.active)");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	db_bind_text(s, 1, o->code, -1, DB_STATIC);
	db_bind_text(s, 2, o->name, -1, DB_STATIC);
	const char *opt[] = {o->kind,  o->level,    o->address,  o->phone,
	                     o->hours, o->locality, o->weekdays, o->sessions};
	for (int i = 0; i < 8; i++)
		if (opt[i])
			db_bind_text(s, 3 + i, opt[i], -1, DB_STATIC);
	if (o->has_sort)
		db_bind_int64(s, 11, o->sort);
	if (o->demo != SETUP_UNSET)
		db_bind_int(s, 12, o->demo == SETUP_TRUE);
	if (o->active != SETUP_UNSET)
		db_bind_int(s, 13, o->active == SETUP_TRUE);
	enum mc_err rc = store_step(c, s, "office", err);
	if (rc == MC_ERR_CONFLICT)
		return mc_failf(err, MC_ERR_INVALID, "office_second_root",
		                "Chỉ có một đơn vị cấp tỉnh",
		                "office %.40s: the tree already has a province root", o->code);
	return rc;
}

enum mc_err store_office_link(struct store *st, const char *code, const char *parent,
                              struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(
	    c, "UPDATE offices SET parent_id = CASE WHEN CAST(?2 AS TEXT) IS NULL THEN NULL"
	       " ELSE (SELECT id FROM offices WHERE code = ?2) END WHERE code = ?1"
	       " RETURNING (CAST(?2 AS TEXT) IS NULL OR parent_id IS NOT NULL)");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	db_bind_text(s, 1, code, -1, DB_STATIC);
	if (parent)
		db_bind_text(s, 2, parent, -1, DB_STATIC);
	int step;
	bool known = store_next(s, &step) && db_column_int(s, 0);
	enum mc_err rc = store_scan_end(c, s, step, "office", err);
	if (rc == MC_OK && !known)
		rc = mc_failf(err, MC_ERR_INVALID, "office_parent_not_found",
		              "Không có đơn vị cấp trên này",
		              "office %.40s: no parent office '%.40s'", code, parent);
	return rc;
}

/* The whole tree, after a change: every office but the root hangs below a
 * parent of a kind it may have, and no chain of parents comes back to
 * where it started. */
static enum mc_err office_tree_check(struct store_conn *c, struct mc_error *err)
{
	/* Offices named without a parent hang below the root; a processing
	 * office below the centre when there is only one (the small case). */
	enum mc_err rc = store_exec(c,
	                            "UPDATE offices SET parent_id = CASE WHEN kind = 'internal' AND"
	                            " (SELECT count(*) FROM offices WHERE kind = 'centre') = 1"
	                            " THEN (SELECT id FROM offices WHERE kind = 'centre')"
	                            " ELSE (SELECT id FROM offices WHERE kind = 'province') END"
	                            " WHERE parent_id IS NULL AND kind <> 'province'",
	                            err);
	if (rc)
		return rc;
	db_stmt *s =
	    store_stmt(c, "WITH RECURSIVE up (start, cur, d) AS ("
	                  "  SELECT id, parent_id, 1 FROM offices WHERE parent_id IS NOT NULL"
	                  "  UNION ALL SELECT up.start, o.parent_id, up.d + 1 FROM up"
	                  "  JOIN offices o ON o.id = up.cur"
	                  "  WHERE up.cur <> up.start AND o.parent_id IS NOT NULL AND up.d < 80)"
	                  " SELECT o.code FROM up JOIN offices o ON o.id = up.start"
	                  " WHERE up.cur = up.start OR up.d >= 80 LIMIT 1");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	int step;
	if (store_next(s, &step)) {
		char code[OFFICE_CODE_MAX + 1];
		snprintf(code, sizeof code, "%s", store_col_text(s, 0));
		db_reset(s);
		return mc_failf(err, MC_ERR_INVALID, "office_cycle", "Cây đơn vị có vòng lặp",
		                "office %s is its own ancestor (a cycle in the tree)", code);
	}
	if ((rc = store_scan_end(c, s, step, "office", err)))
		return rc;

	s = store_stmt(c, "SELECT o.code, o.kind, p.kind, p.code FROM offices o"
	                  " LEFT JOIN offices p ON p.id = o.parent_id"
	                  " WHERE o.kind <> 'province' OR o.parent_id IS NOT NULL");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	while (store_next(s, &step)) {
		unsigned bit = office_kind_bit(store_col_text(s, 1));
		unsigned pbit = office_kind_bit(store_col_text(s, 2));
		if (pbit == 0 && bit == OFFICE_PARTNER)
			continue; /* a partner of a tree that has no root yet */
		if ((office_parent_kinds(bit) & pbit) == 0) {
			rc = mc_failf(
			    err, MC_ERR_INVALID, "office_parent_kind",
			    "Đơn vị cấp trên không phù hợp",
			    "office %.40s (%s) cannot be placed below %.40s (%s)",
			    store_col_text(s, 0), store_col_text(s, 1),
			    db_column_type(s, 3) == DB_NULL ? "nothing" : store_col_text(s, 3),
			    db_column_type(s, 2) == DB_NULL ? "no parent" : store_col_text(s, 2));
			db_reset(s);
			return rc;
		}
	}
	return store_scan_end(c, s, step, "office", err);
}

enum mc_err store_office_save(struct store *st, const struct principal *who,
                              const struct office_item *o, struct mc_error *err)
{
	enum mc_err rc = office_upsert(store_write_conn(st), o, err);
	if (rc)
		return rc;
	int64_t ev = store_event_append(st, who->actor, "office_unit", o->code, "office_unit.set",
	                                o->details, false, err);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

enum mc_err store_offices_done(struct store *st, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	enum mc_err rc;
	/* A tree with offices but no root gets one: the small case. */
	if ((rc = store_exec(c,
	                     "INSERT INTO offices (code, name, kind, level)"
	                     " SELECT 'TINH', 'Tỉnh', 'province', 'province'"
	                     " WHERE NOT EXISTS (SELECT 1 FROM offices WHERE kind = 'province')"
	                     " AND EXISTS (SELECT 1 FROM offices WHERE kind <> 'partner')",
	                     err)) ||
	    (rc = office_tree_check(c, err)))
		return rc;
	return store_office_paths_rebuild(c, err);
}

enum mc_err store_office_items_check(struct store *st, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(
	    c, "SELECT o.code, o.kind, o.active, x.what FROM ("
	       "  SELECT office_id, 'service group ' || code AS what, 1 AS hall"
	       "   FROM service_groups WHERE active = 1"
	       "  UNION ALL SELECT office_id, 'counter ' || no, 1 FROM counters"
	       "  UNION ALL SELECT office_id, 'device ' || name, 1 FROM devices WHERE active = 1"
	       "  UNION ALL SELECT office_id, 'printer ' || name, 1 FROM printers WHERE active = 1"
	       "  UNION ALL SELECT office_id, 'user ' || username,"
	       "   CASE WHEN role = 'counter' THEN 1 ELSE 0 END FROM users"
	       "   WHERE active = 1) x JOIN offices o ON o.id = x.office_id"
	       " WHERE o.active = 0 OR (x.hall = 1 AND o.kind NOT IN ('centre','point')) LIMIT 1");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	int step;
	enum mc_err rc = MC_OK;
	if (store_next(s, &step)) {
		if (db_column_int(s, 2) == 0)
			rc = mc_failf(
			    err, MC_ERR_INVALID, "office_in_use",
			    "Đơn vị còn quầy, thiết bị hoặc cán bộ: không thể ngừng hoạt động",
			    "office %.40s cannot be inactive: %.120s still belongs to it",
			    store_col_text(s, 0), store_col_text(s, 3));
		else
			rc = mc_failf(
			    err, MC_ERR_INVALID, "office_wrong_kind", "Đơn vị không phù hợp",
			    "office %.40s cannot be a %.16s: %.120s belongs to it (a hall's"
			    " items and clerks belong to a centre or reception point)",
			    store_col_text(s, 0), store_col_text(s, 1), store_col_text(s, 3));
		db_reset(s);
		return rc;
	}
	return store_scan_end(c, s, step, "office", err);
}

enum mc_err store_item_office(struct store *st, const struct setup_office_ref *ref, unsigned kinds,
                              int64_t fallback, const char *what, int64_t *out,
                              struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	int step;
	*out = 0;
	if (ref->bad)
		return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "%s: 'office' must be an office code", what);
	if (ref->code) {
		db_stmt *s = store_stmt(c, "SELECT id, kind FROM offices WHERE code = ?");
		if (s == NULL)
			return store_sql_error(c, "office", err);
		db_bind_text(s, 1, ref->code, -1, DB_STATIC);
		unsigned bit = 0;
		if (store_next(s, &step)) {
			*out = db_column_int64(s, 0);
			bit = office_kind_bit(store_col_text(s, 1));
		}
		enum mc_err rc = store_scan_end(c, s, step, "office", err);
		if (rc)
			return rc;
		if (*out == 0)
			return mc_failf(err, MC_ERR_INVALID, "office_not_found",
			                "Không có đơn vị này", "%s: no office '%.40s'", what,
			                ref->code);
		if ((bit & kinds) == 0)
			return mc_failf(err, MC_ERR_INVALID, "office_wrong_kind",
			                "Đơn vị không phù hợp",
			                "%s cannot belong to office '%.40s' (a %s)", what,
			                ref->code, office_kind_name(bit));
		return MC_OK;
	}
	if (fallback) {
		*out = fallback;
		return MC_OK;
	}
	db_stmt *s = store_stmt(c, "SELECT count(*), min(id) FROM offices"
	                           " WHERE kind = 'centre' AND active = 1");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	int64_t centres = 0, only = 0;
	if (store_next(s, &step)) {
		centres = db_column_int64(s, 0);
		only = db_column_int64(s, 1);
	}
	enum mc_err rc = store_scan_end(c, s, step, "office", err);
	if (rc)
		return rc;
	if (centres > 1)
		return mc_failf(err, MC_ERR_INVALID, "office_required", "Chưa chọn đơn vị",
		                "%s belongs to no office: name its 'office'", what);
	*out = (kinds & OFFICE_CENTRE) ? only : 0; /* no tree yet: 0, the province */
	return MC_OK;
}
