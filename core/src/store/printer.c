/* Print destinations on the store (store/print.h): which printer serves a
 * device or a counter, the default, the printers list, and the set-up's
 * printers. Every SQL statement of the printers table. */
#include "store/print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/print_internal.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/jsontext.h"
#include "util/xmalloc.h"

void print_row_printer(db_stmt *s, int col, struct store_printer *out)
{
	out->id = db_column_int64(s, col);
	snprintf(out->name, sizeof out->name, "%s", store_col_text(s, col + 1));
	snprintf(out->target, sizeof out->target, "%s", store_col_text(s, col + 2));
	snprintf(out->format, sizeof out->format, "%s", store_col_text(s, col + 3));
	snprintf(out->paper, sizeof out->paper, "%s", store_col_text(s, col + 4));
	out->is_default = db_column_int(s, col + 5) != 0;
	out->active = db_column_int(s, col + 6) != 0;
}

/* Runs a one-row printer query bound with one int64 or one text argument. */
static bool print_printer_query(struct store *st, const char *sql, int64_t n, const char *text,
                                struct store_printer *out)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, sql);
	bool found = false;
	if (s == NULL)
		return false;
	if (text)
		db_bind_text(s, 1, text, -1, DB_STATIC);
	else
		db_bind_int64(s, 1, n);
	if (db_step(s) == DB_ROW) {
		print_row_printer(s, 0, out);
		found = true;
	}
	db_reset(s);
	return found;
}

static enum mc_err print_not_configured(struct mc_error *err, const char *what)
{
	return mc_failf(err, MC_ERR_NOT_FOUND, "printer_not_configured",
	                "Chưa cấu hình máy in cho thiết bị hoặc quầy này",
	                "No printer is configured for this %s nor as the office default", what);
}

enum mc_err store_printer_for_device(struct store *st, int64_t device_id, struct store_printer *out,
                                     struct mc_error *err)
{
	/* Its own, else its centre's default, else a default of no centre
	 * (serve --printer's): never another centre's. */
	if (print_printer_query(st,
	                        "SELECT " PRINT_COLS " FROM printers p WHERE p.active = 1 AND"
	                        " (p.id = (SELECT printer_id FROM devices WHERE id = ?1)"
	                        " OR (p.is_default = 1 AND (p.office_id IS NULL OR p.office_id ="
	                        " (SELECT office_id FROM devices WHERE id = ?1))))"
	                        " ORDER BY p.is_default, p.office_id IS NULL LIMIT 1",
	                        device_id, NULL, out))
		return MC_OK;
	return print_not_configured(err, "device");
}

enum mc_err store_printer_for_counter(struct store *st, int64_t office, int counter_no,
                                      struct store_printer *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(
	    c, "SELECT " PRINT_COLS " FROM printers p WHERE p.active = 1 AND"
	       " (p.id = (SELECT printer_id FROM counters WHERE coalesce(office_id, 0) = ?2"
	       " AND no = ?1) OR (p.is_default = 1 AND (p.office_id IS NULL OR p.office_id = ?2)))"
	       " ORDER BY p.is_default, p.office_id IS NULL LIMIT 1");
	bool found = false;
	if (s == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_int(s, 1, counter_no);
	db_bind_int64(s, 2, office);
	if (db_step(s) == DB_ROW) {
		print_row_printer(s, 0, out);
		found = true;
	}
	db_reset(s);
	return found ? MC_OK : print_not_configured(err, "counter");
}

enum mc_err store_printer_by_name(struct store *st, const struct principal *who, const char *name,
                                  struct store_printer *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT " PRINT_COLS ", coalesce(p.office_id, 0)"
	                           " FROM printers p WHERE p.name = :name"
	                           " AND " SCOPE_SQL("p.office_id"));
	bool found = false;
	if (s == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_text(s, db_bind_parameter_index(s, ":name"), name, -1, DB_STATIC);
	store_bind_scope(s, who);
	if (db_step(s) == DB_ROW) {
		print_row_printer(s, 0, out);
		out->office_id = db_column_int64(s, 7);
		found = true;
	}
	db_reset(s);
	if (found)
		return MC_OK;
	return mc_failf(err, MC_ERR_NOT_FOUND, "printer_not_found", "Không có máy in này",
	                "No printer named '%.100s'", name);
}

enum mc_err store_printer_by_id(struct store *st, int64_t id, struct store_printer *out,
                                struct mc_error *err)
{
	if (print_printer_query(st, "SELECT " PRINT_COLS " FROM printers p WHERE p.id = ?", id,
	                        NULL, out))
		return MC_OK;
	return mc_failf(err, MC_ERR_NOT_FOUND, "printer_not_found", "Không có máy in này",
	                "No printer %lld", (long long)id);
}

enum mc_err print_audit(struct store *st, const char *actor, const char *entity, const char *id,
                        const char *action, struct jsontext *j, struct mc_error *err)
{
	jt_end(j);
	char *text = jt_finish(j);
	int64_t ev = store_event_append(st, actor, entity, id, action, text, false, err);
	free(text);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

struct jsontext print_details_str(const char *key, const char *v)
{
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	if (key)
		jt_str(&j, key, v);
	return j;
}

enum mc_err store_printer_set_default(struct store *st, const struct principal *who,
                                      const char *target, struct mc_error *err)
{
	if (target == NULL || *target == '\0' || strlen(target) > STORE_PRINTER_TARGET_MAX)
		return mc_fail(err, MC_ERR_INVALID, "invalid_printer_target",
		               "Địa chỉ máy in không hợp lệ",
		               "a printer is a CUPS queue name or an ipp:// URI of 1-512 bytes");
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	db_stmt *s =
	    store_stmt(c, "UPDATE printers SET target = ?1, active = 1 WHERE is_default = 1"
	                  " AND (target <> ?1 OR active = 0)");
	if (s == NULL) {
		rc = store_sql_error(c, "printer", err);
		goto fail;
	}
	db_bind_text(s, 1, target, -1, DB_STATIC);
	if ((rc = store_step(c, s, "printer", err)))
		goto fail;
	bool changed = db_changes(c->db) > 0;
	if (!changed) {
		s = store_stmt(c, "INSERT INTO printers (name, target, is_default, created_at)"
		                  " SELECT 'default', ?1, 1, ?2"
		                  " WHERE NOT EXISTS (SELECT 1 FROM printers WHERE is_default = 1)"
		                  " ON CONFLICT (name) DO UPDATE SET target = ?1, is_default = 1,"
		                  " active = 1");
		if (s == NULL) {
			rc = store_sql_error(c, "printer", err);
			goto fail;
		}
		db_bind_text(s, 1, target, -1, DB_STATIC);
		db_bind_int64(s, 2, clock_now());
		if ((rc = store_step(c, s, "printer", err)))
			goto fail;
		changed = db_changes(c->db) > 0;
	}
	if (changed) {
		struct jsontext d = print_details_str("target", target);
		if ((rc = print_audit(st, who->actor, "printer", "default", "printer.default_set",
		                      &d, err)))
			goto fail;
	}
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

enum mc_err store_printers_active(struct store *st, struct store_printer *out, size_t max,
                                  size_t *n, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT " PRINT_COLS " FROM printers p WHERE p.active = 1"
	                           " ORDER BY p.id");
	*n = 0;
	if (s == NULL)
		return store_sql_error(c, "printers", err);
	int step = DB_DONE;
	while (*n < max && store_next(s, &step))
		print_row_printer(s, 0, &out[(*n)++]);
	return store_scan_end(c, s, step, "printers", err);
}

void printer_page_free(struct printer_page *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct printer_view *v = &p->items[i];
		char *t[] = {v->name, v->target, v->format, v->paper, v->office};
		store_strings_free(t, sizeof t / sizeof t[0]);
		store_strings_free(v->devices, v->ndevices);
		free(v->devices);
		free(v->counters);
	}
	free(p->items);
	memset(p, 0, sizeof *p);
}

/* A row of the printers page into a new item of p (cap: its room). */
static void printer_page_add(struct printer_page *p, db_stmt *s, size_t *cap)
{
	if (p->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		p->items = xrealloc(p->items, *cap * sizeof *p->items);
	}
	p->items[p->n++] = (struct printer_view){.id = db_column_int64(s, 0),
	                                         .name = store_col_dup(s, 1),
	                                         .target = store_col_dup(s, 2),
	                                         .format = store_col_dup(s, 3),
	                                         .paper = store_col_dup(s, 4),
	                                         .is_default = db_column_int(s, 5) != 0,
	                                         .active = db_column_int(s, 6) != 0,
	                                         .office = store_col_dup(s, 7),
	                                         .jobs_queued = db_column_int64(s, 8),
	                                         .jobs_failed = db_column_int64(s, 9)};
}

/* The devices (names) and counters (numbers) that print on v, by id. */
static enum mc_err printer_devices_counters(struct store_conn *c, struct printer_view *v,
                                            struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT name FROM devices WHERE printer_id = ?1 ORDER BY id");
	size_t cap = 0;
	int step;
	if (s == NULL)
		return store_sql_error(c, "printers", err);
	db_bind_int64(s, 1, v->id);
	while (store_next(s, &step)) {
		if (v->ndevices == cap) {
			cap = cap ? cap * 2 : 4;
			v->devices = xrealloc(v->devices, cap * sizeof *v->devices);
		}
		v->devices[v->ndevices++] = xstrdup(store_col_text(s, 0));
	}
	enum mc_err rc = store_scan_end(c, s, step, "printers", err);
	if (rc)
		return rc;
	s = store_stmt(c, "SELECT no FROM counters WHERE printer_id = ?1 ORDER BY id");
	if (s == NULL)
		return store_sql_error(c, "printers", err);
	db_bind_int64(s, 1, v->id);
	cap = 0;
	while (store_next(s, &step)) {
		if (v->ncounters == cap) {
			cap = cap ? cap * 2 : 4;
			v->counters = xrealloc(v->counters, cap * sizeof *v->counters);
		}
		v->counters[v->ncounters++] = db_column_int64(s, 0);
	}
	return store_scan_end(c, s, step, "printers", err);
}

/* The page's rows of store_printers_list into *page. */
static enum mc_err printers_page(struct store_conn *c, const struct principal *who,
                                 int64_t office_id, int offset, int limit,
                                 struct printer_page *page, struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c, "SELECT " PRINT_COLS ", (SELECT o.code FROM offices o WHERE o.id = p.office_id),"
	       " (SELECT count(*) FROM print_jobs j WHERE j.printer_id = p.id"
	       "  AND j.state IN ('queued','sending','printing')),"
	       " (SELECT count(*) FROM print_jobs j WHERE j.printer_id = p.id"
	       "  AND j.state = 'failed')"
	       " FROM printers p WHERE " SCOPE_SQL("p.office_id") " AND " PRINT_OFFICE_SQL(
	           "p.office_id") " ORDER BY p.id LIMIT :limit OFFSET :offset");
	size_t cap = 0;
	int step;
	if (s == NULL)
		return store_sql_error(c, "printers", err);
	db_bind_int(s, db_bind_parameter_index(s, ":limit"), limit);
	db_bind_int(s, db_bind_parameter_index(s, ":offset"), offset);
	db_bind_int64(s, db_bind_parameter_index(s, ":office"), office_id);
	store_bind_scope(s, who);
	while (store_next(s, &step))
		printer_page_add(page, s, &cap);
	enum mc_err rc = store_scan_end(c, s, step, "printers", err);
	for (size_t i = 0; i < page->n && rc == MC_OK; i++)
		rc = printer_devices_counters(c, &page->items[i], err);
	return rc;
}

enum mc_err store_printers_list(struct store *st, const struct principal *who, const char *office,
                                int offset, int limit, struct printer_page *out,
                                struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct printer_page page = {0};
	int64_t office_id;
	enum mc_err rc;
	int step;
	if ((rc = store_office_in_scope(c, who, office, &office_id, err)) ||
	    (rc = printers_page(c, who, office_id, offset, limit, &page, err)))
		goto out;
	db_stmt *s = store_stmt(c, "SELECT count(*) FROM printers p WHERE " SCOPE_SQL(
	                               "p.office_id") " AND " PRINT_OFFICE_SQL("p.office_id"));
	if (s == NULL) {
		rc = store_sql_error(c, "printers", err);
		goto out;
	}
	db_bind_int64(s, db_bind_parameter_index(s, ":office"), office_id);
	store_bind_scope(s, who);
	if (store_next(s, &step))
		page.total = db_column_int64(s, 0);
	if ((rc = store_scan_end(c, s, step, "printers", err)))
		goto out;
	*out = page;
	memset(&page, 0, sizeof page);
out:
	printer_page_free(&page);
	return rc;
}

/* Set-up (called by the import, api/setup_import.c, inside its transaction). */

/* Refuses to move printer p, its centre's default, to office where another
 * default is (unless p says whether it stays the default). */
static enum mc_err print_default_move(struct store_conn *c, const struct setup_printer *p,
                                      int64_t office, struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c, "SELECT 1 FROM printers p WHERE p.name = ?1 AND p.is_default = 1"
	       " AND p.office_id IS DISTINCT FROM ?2 AND EXISTS (SELECT 1 FROM printers q"
	       " WHERE q.office_id = ?2 AND q.is_default = 1 AND q.name <> ?1)");
	if (s == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_text(s, 1, p->name, -1, DB_STATIC);
	db_bind_int64(s, 2, office);
	int step;
	bool taken = store_next(s, &step);
	enum mc_err rc = store_scan_end(c, s, step, "printer", err);
	if (rc || !taken)
		return rc;
	return mc_failf(err, MC_ERR_INVALID, "printer_default_taken",
	                "Trung tâm đã có máy in mặc định",
	                "printer %.100s is its centre's default and office"
	                " %.40s has its own: say \"default\": true to replace it,"
	                " or false",
	                p->name, p->office.code);
}

/* Writes printer p (in office, 0: keep) as it stands. */
static enum mc_err print_upsert(struct store_conn *c, const struct setup_printer *p, int64_t office,
                                struct mc_error *err)
{
	enum mc_err rc;
	db_stmt *s;
	if (p->is_default == SETUP_TRUE) {
		/* One default per centre. */
		s = store_stmt(c,
		               "UPDATE printers SET is_default = 0 WHERE name <> ?1"
		               " AND office_id IS NOT DISTINCT FROM coalesce(?2, (SELECT office_id"
		               " FROM printers WHERE name = ?1))");
		if (s == NULL)
			return store_sql_error(c, "printer", err);
		db_bind_text(s, 1, p->name, -1, DB_STATIC);
		if (office)
			db_bind_int64(s, 2, office);
		if ((rc = store_step(c, s, "printer", err)))
			return rc;
	}
	s = store_stmt(
	    c, "INSERT INTO printers (name, target, format, paper, is_default,"
	       " active, created_at, office_id) VALUES (?1, coalesce(?2,"
	       " (SELECT target FROM printers WHERE name = ?1)), coalesce(?3, 'pdf'),"
	       " coalesce(?4, '80mm'), coalesce(?5, 0), coalesce(?6, 1), ?7, ?8)"
	       " ON CONFLICT (name) DO UPDATE SET target = coalesce(?2, printers.target),"
	       " format = coalesce(?3, printers.format), paper = coalesce(?4, printers.paper),"
	       " is_default = coalesce(?5, printers.is_default),"
	       " active = coalesce(?6, printers.active),"
	       " office_id = coalesce(?8, printers.office_id)");
	if (s == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_text(s, 1, p->name, -1, DB_STATIC);
	if (p->target)
		db_bind_text(s, 2, p->target, -1, DB_STATIC);
	if (p->format)
		db_bind_text(s, 3, p->format, -1, DB_STATIC);
	if (p->paper)
		db_bind_text(s, 4, p->paper, -1, DB_STATIC);
	if (p->is_default != SETUP_UNSET)
		db_bind_int(s, 5, p->is_default == SETUP_TRUE);
	if (p->active != SETUP_UNSET)
		db_bind_int(s, 6, p->active == SETUP_TRUE);
	db_bind_int64(s, 7, clock_now());
	if (office)
		db_bind_int64(s, 8, office);
	return store_step(c, s, "printer", err);
}

enum mc_err store_setup_printer_save(struct store *st, const struct principal *who,
                                     const struct setup_printer *p, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "SELECT 1 FROM printers WHERE name = ?");
	if (s == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_text(s, 1, p->name, -1, DB_STATIC);
	int step;
	bool exists = store_next(s, &step);
	enum mc_err rc = store_scan_end(c, s, step, "printer", err);
	if (rc)
		return rc;
	if (!exists && p->must_exist)
		return mc_fail(err, MC_ERR_NOT_FOUND, "not_found", "Không tìm thấy",
		               "No such printer");
	if (!exists && p->target == NULL)
		return mc_failf(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		                "new printer '%.100s' needs a 'target' (queue name or URI)",
		                p->name);
	char what[STORE_PRINTER_NAME_MAX + 16];
	snprintf(what, sizeof what, "printer %s", p->name);
	int64_t office = 0;
	if ((!exists || p->office.given) &&
	    (rc = store_item_office(st, &p->office, OFFICE_HALL, 0, what, &office, err)))
		return rc;
	if (office && exists && p->is_default == SETUP_UNSET &&
	    (rc = print_default_move(c, p, office, err)))
		return rc;
	if ((rc = print_upsert(c, p, office, err)))
		return rc;
	int64_t ev = store_event_append(st, who->actor, "printer", p->name, "printer.set",
	                                p->details, false, err);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

/* The office of device name (set just before). */
static enum mc_err print_device_office(struct store_conn *c, const char *name, int64_t *office,
                                       struct mc_error *err)
{
	db_stmt *q = store_stmt(c, "SELECT coalesce(office_id, 0) FROM devices WHERE name = ?");
	if (q == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_text(q, 1, name, -1, DB_STATIC);
	int step;
	*office = store_next(q, &step) ? db_column_int64(q, 0) : 0;
	return store_scan_end(c, q, step, "printer", err);
}

/* The id of printer name of office (0: none), into *pid. */
static enum mc_err print_named(struct store_conn *c, const struct setup_printer_link *l,
                               int64_t office, int64_t *pid, struct mc_error *err)
{
	/* A printer of the item's own centre only. */
	db_stmt *q = store_stmt(c, "SELECT id FROM printers WHERE name = ?"
	                           " AND office_id IS NOT DISTINCT FROM ?");
	if (q == NULL)
		return store_sql_error(c, "printer", err);
	db_bind_text(q, 1, l->printer, -1, DB_STATIC);
	if (office)
		db_bind_int64(q, 2, office);
	int step;
	if (store_next(q, &step))
		*pid = db_column_int64(q, 0);
	enum mc_err rc = store_scan_end(c, q, step, "printer", err);
	if (rc == MC_OK && *pid == 0)
		rc = mc_failf(err, MC_ERR_INVALID, "printer_not_found", "Không có máy in này",
		              "%s: no printer named '%.100s' in its centre", l->list, l->printer);
	return rc;
}

enum mc_err store_setup_printer_link(struct store *st, const struct setup_printer_link *l,
                                     struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	bool devices = l->device != NULL;
	int64_t pid = 0, office = 0;
	char what[128];
	snprintf(what, sizeof what, "%s item", l->list);
	enum mc_err rc =
	    devices ? print_device_office(c, l->device, &office, err)
	            : store_item_office(st, &l->office, OFFICE_HALL, 0, what, &office, err);
	if (rc || (l->printer && (rc = print_named(c, l, office, &pid, err))))
		return rc;
	db_stmt *s = devices ? store_stmt(c, "UPDATE devices SET printer_id = ?1 WHERE name = ?2")
	                     : store_stmt(c, "UPDATE counters SET printer_id = ?1 WHERE no = ?2"
	                                     " AND office_id IS NOT DISTINCT FROM ?3");
	if (s == NULL)
		return store_sql_error(c, "printer", err);
	if (pid)
		db_bind_int64(s, 1, pid);
	if (devices)
		db_bind_text(s, 2, l->device, -1, DB_STATIC);
	else
		db_bind_int64(s, 2, l->counter_no);
	if (!devices && office)
		db_bind_int64(s, 3, office);
	return store_step(c, s, "printer", err);
}
