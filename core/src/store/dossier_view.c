/* The views of dossiers: the staff view (with its steps and history), the
 * control sheet, the list page, the citizen's lookup and the ledger. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/applicant.h"
#include "domain/civil_date.h"
#include "store/calendar.h"
#include "store/dossier_internal.h"
#include "store/scan.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* The instant an office date YYYY-MM-DD begins. */
static bool dossier_day_start(const char *date, int64_t *out)
{
	return date != NULL && strlen(date) == 10 &&
	       civil_parse_instant(date, CLOCK_OFFICE_UTC_OFFSET, out, NULL) == CIVIL_INSTANT_OK;
}

/* ---- views --------------------------------------------------------------- */

static json_t *opt_int(sqlite3_stmt *s, int col)
{
	return sqlite3_column_type(s, col) == SQLITE_NULL
	           ? json_null()
	           : json_integer(sqlite3_column_int64(s, col));
}

static json_t *opt_text(sqlite3_stmt *s, int col)
{
	return sqlite3_column_type(s, col) == SQLITE_NULL ? json_null()
	                                                  : json_string(store_col_text(s, col));
}

static json_t *opt_json(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return json_null();
	json_t *j = json_loads(store_col_text(s, col), 0, NULL);
	return j ? j : json_null();
}

/* The staff view's "timing" (domain/dossier.h, dossier_lateness_of), or
 * null when the clock never started. */
static json_t *dossier_timing(struct store *st, enum dossier_status status, int64_t received,
                              int64_t due, int64_t paused_at, int64_t finished, int64_t now)
{
	struct dossier_cal dc;
	dossier_cal_init(&dc, st, NULL);
	struct dossier_times times = {.status = status,
	                              .received_at = received,
	                              .due_at = due,
	                              .paused_at = paused_at,
	                              .finished_at = finished};
	struct dossier_lateness l;
	dossier_lateness_of(&dc.cal, &times, now,
	                    (int)store_setting_int(st, "at_risk_permille", 200), &l);
	if (!l.known)
		return json_null();
	json_t *t = json_pack("{s:b, s:I, s:f, s:f}", "late", l.late, "late_seconds",
	                      (json_int_t)l.late_seconds, "late_working_days",
	                      (double)l.late_seconds / (double)dc.cal.day_seconds,
	                      "late_working_hours", (double)l.late_seconds / 3600.0);
	if (l.has_remaining)
		json_object_set_new(t, "remaining_seconds", json_integer(l.remaining_seconds));
	json_object_set_new(t, "at_risk", json_boolean(l.at_risk));
	if (l.has_result)
		json_object_set_new(t, "result", json_string(dossier_timing_name(l.result)));
	return t;
}

// clang-format off
#define DOSSIER_COLUMNS                                                                            \
	"d.code, p.code, p.version, p.name, p.field, d.status, d.applicant, d.documents,"          \
	" d.sets, d.pending, d.reason, d.intake_at, d.received_at, d.due_at, d.first_due_at,"      \
	" d.paused_at, d.paused_seconds, d.supplements, d.apology_at, d.apology_due_at,"           \
	" d.apology_reason, d.finished_at, d.returned_at, d.returned_to, d.holder_office,"         \
	" d.holder, d.ticket_id, d.intake_by, d.id, d.channel, d.ledger_book, d.ledger_line,"      \
	" (SELECT json_object('username', u.username, 'full_name', u.full_name, 'title',"          \
	" u.title) FROM users u WHERE d.intake_by = 'user:' || u.id),"                             \
	" " DOSSIER_OFFICE_JSON("d.intake_office_id") ","                                          \
	" " DOSSIER_OFFICE_JSON("d.authority_id") ","                                              \
	" " DOSSIER_OFFICE_JSON("d.return_office_id") ","                                         \
	" (SELECT full_name FROM users WHERE username = d.holder)"
// clang-format on

/* The office of id column col as {code, name, address, hours}, or NULL. */
#define DOSSIER_OFFICE_JSON(col)                                                                   \
	"(SELECT json_object('code', o.code, 'name', o.name, 'address', o.address, 'hours',"       \
	" o.hours) FROM offices o WHERE o.id = " col ")"

/* One row of DOSSIER_COLUMNS as the staff view. */
static json_t *dossier_row_json(struct store *st, sqlite3_stmt *s, int64_t now)
{
	enum dossier_status status = DS_RECEIVED;
	dossier_status_parse(store_col_text(s, 5), &status);
	json_t *apology =
	    sqlite3_column_type(s, 18) == SQLITE_NULL
	        ? json_null()
	        : json_pack("{s:I, s:I, s:s}", "at", (json_int_t)sqlite3_column_int64(s, 18),
	                    "new_due_at", (json_int_t)sqlite3_column_int64(s, 19), "reason",
	                    store_col_text(s, 20));
	json_t *v = json_pack(
	    "{s:s, s:{s:s, s:i, s:s, s:s}, s:s, s:s, s:o, s:o, s:I, s:o, s:o, s:I, s:o,"
	    " s:o, s:o, s:b, s:I, s:I, s:o, s:o, s:o, s:o}",
	    "code", store_col_text(s, 0), "procedure", "code", store_col_text(s, 1), "version",
	    sqlite3_column_int(s, 2), "name", store_col_text(s, 3), "field", store_col_text(s, 4),
	    "status", store_col_text(s, 5), "status_text", dossier_status_text_vi(status),
	    "applicant", opt_json(s, 6), "documents", opt_json(s, 7), "sets",
	    (json_int_t)sqlite3_column_int64(s, 8), "pending", opt_json(s, 9), "reason",
	    opt_text(s, 10), "intake_at", (json_int_t)sqlite3_column_int64(s, 11), "received_at",
	    opt_int(s, 12), "due_at", opt_int(s, 13), "first_due_at", opt_int(s, 14), "paused",
	    sqlite3_column_type(s, 15) != SQLITE_NULL, "paused_seconds",
	    (json_int_t)sqlite3_column_int64(s, 16), "supplements",
	    (json_int_t)sqlite3_column_int64(s, 17), "apology", apology, "finished_at",
	    opt_int(s, 21), "returned_at", opt_int(s, 22), "holder",
	    json_pack("{s:o, s:o, s:o}", "office", opt_text(s, 24), "person", opt_text(s, 36),
	              "username",
	              sqlite3_column_type(s, 36) == SQLITE_NULL ? json_null() : opt_text(s, 25)));
	json_object_set_new(v, "returned_to", opt_text(s, 23));
	json_object_set_new(v, "ticket_id", opt_int(s, 26));
	json_object_set_new(v, "received_by", json_string(store_col_text(s, 27)));
	json_object_set_new(v, "channel", json_string(store_col_text(s, 29)));
	json_object_set_new(v, "ledger",
	                    sqlite3_column_type(s, 30) == SQLITE_NULL
	                        ? json_null()
	                        : json_pack("{s:I, s:I}", "book",
	                                    (json_int_t)sqlite3_column_int64(s, 30), "line",
	                                    (json_int_t)sqlite3_column_int64(s, 31)));
	json_object_set_new(v, "received_by_user", opt_json(s, 32));
	json_object_set_new(v, "intake_office", opt_json(s, 33));
	json_object_set_new(v, "authority", opt_json(s, 34));
	json_object_set_new(v, "return_office", opt_json(s, 35));
	json_object_set_new(v, "timing",
	                    dossier_timing(st, status, sqlite3_column_int64(s, 12),
	                                   sqlite3_column_int64(s, 13), sqlite3_column_int64(s, 15),
	                                   sqlite3_column_int64(s, 21), now));
	return v;
}

/* The dossier's events, oldest first: *out gets a new array, each event with
 * actor_name, the full name of the member of staff who acted (null for a
 * device, the public or a user since removed). On a database error returns
 * it (err filled) and leaves *out untouched. */
static enum mc_err dossier_history(struct store_conn *c, const char *code, json_t **out,
                                   struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT e.id, e.at, e.actor, e.action, e.details,"
	       " (SELECT u.full_name FROM users u WHERE e.actor GLOB 'user:[0-9]*'"
	       "  AND u.id = CAST(substr(e.actor, 6) AS INTEGER))"
	       " FROM events e WHERE e.entity = 'dossier' AND e.entity_id = ? ORDER BY e.id");
	if (s == NULL)
		return store_sql_error(c, "dossier history", err);
	json_t *h = json_array();
	int step;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	while (store_next(s, &step))
		json_array_append_new(h, json_pack("{s:I, s:I, s:s, s:o, s:s, s:o}", "event",
		                                   (json_int_t)sqlite3_column_int64(s, 0), "at",
		                                   (json_int_t)sqlite3_column_int64(s, 1), "actor",
		                                   store_col_text(s, 2), "actor_name",
		                                   opt_text(s, 5), "action", store_col_text(s, 3),
		                                   "details", opt_json(s, 4)));
	enum mc_err rc = store_scan_end(c, s, step, "dossier history", err);
	if (rc)
		json_decref(h);
	else
		*out = h;
	return rc;
}

/* The dossier's hand-overs (the control sheet's rows), in order: *out gets a
 * new array. On a database error returns it (err filled), *out untouched. */
static enum mc_err dossier_steps(struct store_conn *c, int64_t dossier_id, json_t **out,
                                 struct mc_error *err)
{
	/* The giving side of a row is the office of the row before it; of the
	 * first row, the centre that received the dossier. */
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT s.office, coalesce(o.name, s.office), s.giver,"
	       " s.receiver, s.given_at, s.budget_seconds, s.ended_at,"
	       " s.spent_seconds, s.result, s.note,"
	       " coalesce(lag(s.office) OVER w, io.code),"
	       " coalesce(lag(coalesce(o.name, s.office)) OVER w, io.name),"
	       " coalesce((SELECT full_name FROM users WHERE username = s.giver), s.giver),"
	       " coalesce((SELECT full_name FROM users WHERE username = s.receiver),"
	       "  (SELECT name FROM offices WHERE code = s.receiver), s.receiver)"
	       " FROM dossier_steps s JOIN dossiers d ON d.id = s.dossier_id"
	       " LEFT JOIN offices o ON o.code = s.office"
	       " LEFT JOIN offices io ON io.id = d.intake_office_id"
	       " WHERE s.dossier_id = ? WINDOW w AS (ORDER BY s.id) ORDER BY s.id");
	if (s == NULL)
		return store_sql_error(c, "dossier steps", err);
	json_t *rows = json_array();
	int step;
	sqlite3_bind_int64(s, 1, dossier_id);
	while (store_next(s, &step)) {
		json_t *row =
		    json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o}", "office",
		              store_col_text(s, 0), "office_name", store_col_text(s, 1), "giver",
		              store_col_text(s, 2), "receiver", store_col_text(s, 3), "given_at",
		              (json_int_t)sqlite3_column_int64(s, 4), "budget_seconds",
		              opt_int(s, 5), "ended_at", opt_int(s, 6), "spent_seconds",
		              opt_int(s, 7), "result", opt_text(s, 8), "note", opt_text(s, 9));
		json_object_set_new(row, "from_office", opt_text(s, 10));
		json_object_set_new(row, "from_office_name", opt_text(s, 11));
		json_object_set_new(row, "giver_name", opt_text(s, 12));
		json_object_set_new(row, "receiver_name", opt_text(s, 13));
		json_array_append_new(rows, row);
	}
	enum mc_err rc = store_scan_end(c, s, step, "dossier steps", err);
	if (rc)
		json_decref(rows);
	else
		*out = rows;
	return rc;
}

/* The staff view of dossier code (with its history when asked) as who may
 * see it (NULL who: the server, no scope): *out gets a new object.
 * MC_ERR_NOT_FOUND when there is no such dossier or it lies outside who's
 * scope, or a database error; err filled and *out untouched either way. */
static enum mc_err dossier_view(struct store *st, struct store_conn *c, const struct principal *who,
                                const char *code, bool history, json_t **out, struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(c, "SELECT " DOSSIER_COLUMNS " FROM dossiers d"
	                                " JOIN procedures p ON p.id = d.procedure_id"
	                                " WHERE d.code = :code AND " DOSSIER_SCOPE_SQL);
	json_t *v = NULL, *part = NULL;
	int64_t id = 0;
	int step;
	enum mc_err rc;
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":code"), code, -1, SQLITE_STATIC);
	store_dossier_bind_scope(s, who);
	if (store_next(s, &step)) {
		v = dossier_row_json(st, s, clock_now());
		id = sqlite3_column_int64(s, 28);
	}
	if ((rc = store_scan_end(c, s, step, "dossier", err)))
		goto out;
	if (v == NULL) {
		rc = mc_fail(err, MC_ERR_NOT_FOUND, "dossier_not_found", "Không có hồ sơ này",
		             "No such dossier");
		goto out;
	}
	if ((rc = dossier_steps(c, id, &part, err)))
		goto out;
	json_object_set_new(v, "steps", part);
	if (history) {
		if ((rc = dossier_history(c, code, &part, err)))
			goto out;
		json_object_set_new(v, "history", part);
	}
	*out = v;
	v = NULL;
out:
	json_decref(v);
	return rc;
}

enum mc_err store_dossier_get_as(struct store *st, const struct principal *who, const char *code,
                                 json_t **out, struct mc_error *err)
{
	return dossier_view(st, store_read_conn(st), who, code, true, out, err);
}

enum mc_err store_dossier_get(struct store *st, const char *code, json_t **out,
                              struct mc_error *err)
{
	return dossier_view(st, store_read_conn(st), NULL, code, true, out, err);
}

enum mc_err store_dossier_view(struct store *st, const char *code, json_t **out,
                               struct mc_error *err)
{
	return dossier_view(st, store_read_conn(st), NULL, code, false, out, err);
}

enum mc_err store_dossier_control_sheet(struct store *st, const struct principal *who,
                                        const char *code, json_t **out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct dossier_row d;
	enum mc_err rc = dossier_load(c, who, code, &d, err);
	if (rc)
		return rc;
	json_t *rows = NULL;
	if ((rc = dossier_steps(c, d.id, &rows, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:o}", "code", code, "form", "mau-06", "rows", rows);
	return MC_OK;
}

static double dossier_late_seconds(const json_t *v)
{
	return json_number_value(json_object_get(json_object_get(v, "timing"), "late_seconds"));
}

/* qsort order of staff views: most working time past due first; ties keep
 * the due order (soonest first), then the code. */
static int dossier_cmp_overdue(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	double lx = dossier_late_seconds(x), ly = dossier_late_seconds(y);
	if (lx != ly)
		return lx > ly ? -1 : 1;
	json_int_t dx = json_integer_value(json_object_get(x, "due_at"));
	json_int_t dy = json_integer_value(json_object_get(y, "due_at"));
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "code")),
	              json_string_value(json_object_get(y, "code")));
}

/* Sorts the staff views of all most overdue first, keeps only the at-risk
 * ones when at_risk, and appends the page [offset, offset+limit) to items
 * (new references). Returns how many were kept. all is not changed. */
static int64_t dossier_page_overdue(json_t *all, bool at_risk, int offset, int limit, json_t *items)
{
	size_t n = json_array_size(all), kept = 0;
	json_t **v = xmalloc((n ? n : 1) * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		json_t *d = json_array_get(all, i);
		if (!at_risk ||
		    json_is_true(json_object_get(json_object_get(d, "timing"), "at_risk")))
			v[kept++] = d;
	}
	qsort(v, kept, sizeof *v, dossier_cmp_overdue);
	for (size_t i = (size_t)offset; i < kept && json_array_size(items) < (size_t)limit; i++)
		json_array_append(items, v[i]);
	free(v);
	return (int64_t)kept;
}

/* A unit filter (the office :unit): the dossier's holder, receiving centre,
 * authority or return centre lies in :unit's subtree. */
// clang-format off
#define DOSSIER_IN_UNIT(col)                                                                       \
	col " IN (SELECT office_id FROM office_paths WHERE ancestor_id = :unit)"
#define DOSSIER_UNIT_SQL                                                                           \
	"(" DOSSIER_IN_UNIT("(SELECT ho.id FROM offices ho WHERE ho.code = d.holder_office)")      \
	" OR " DOSSIER_IN_UNIT("d.intake_office_id")                                               \
	" OR " DOSSIER_IN_UNIT("d.authority_id")                                                   \
	" OR " DOSSIER_IN_UNIT("d.return_office_id") ")"
// clang-format on

/* The id of office code when it lies in who's scope: *id, or
 * MC_ERR_NOT_FOUND office_not_found (unknown and outside alike). */
static enum mc_err dossier_unit(struct store_conn *c, const struct principal *who, const char *code,
                                int64_t *id, struct mc_error *err)
{
	char kind[16];
	enum mc_err rc = dossier_office_find(c, who, true, code, id, kind, sizeof kind, err);
	if (rc == MC_OK && *id == 0)
		rc = dossier_office_not_found(err, "office", code);
	return rc;
}

enum mc_err store_dossier_list(struct store *st, const struct dossier_filter *f, int offset,
                               int limit, json_t **out, struct mc_error *err)
{
	/* One statement with every filter optional: NULL parameters match all. */
	static const char page_sql[] =
	    "SELECT " DOSSIER_COLUMNS " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id"
	    " WHERE (?1 IS NULL OR d.status = ?1) AND (?2 IS NULL OR p.code = ?2)"
	    " AND (?3 IS NULL OR p.field = ?3) AND (?4 IS NULL OR d.holder_office = ?4)"
	    " AND (?5 IS NULL OR d.holder = ?5) AND (?6 IS NULL OR d.received_at >= ?6)"
	    " AND (?7 IS NULL OR d.received_at < ?7) AND (?8 IS NULL OR d.due_at < ?8)"
	    " AND (?9 IS NULL OR (d.due_at IS NOT NULL AND"
	    "  (coalesce(d.finished_at, d.paused_at, ?10) > d.due_at) = ?9))"
	    " AND (?11 IS NULL OR d.code = ?11 OR d.applicant_phone = coalesce(?13, ?11)"
	    "  OR d.applicant_id_number = ?11)"
	    " AND (?12 IS NULL OR d.status NOT IN ('result_ready', 'returned',"
	    "  'returned_ineligible', 'withdrawn', 'cancelled', 'rejected_at_intake'))"
	    " AND " DOSSIER_SCOPE_SQL " AND (:unit IS NULL OR " DOSSIER_UNIT_SQL ")"
	    " ORDER BY CASE WHEN :by_due IS NOT NULL THEN d.due_at END ASC NULLS LAST,"
	    " d.intake_at DESC, d.id DESC";
	int64_t from = 0, to = 0;
	const char *bad = NULL;
	if (f->received_from && !dossier_day_start(f->received_from, &from))
		bad = "received_from";
	else if (f->received_to && !dossier_day_start(f->received_to, &to))
		bad = "received_to";
	if (bad)
		return mc_failf(err, MC_ERR_INVALID, "invalid_date",
		                "Ngày lọc phải là ngày có thật, dạng YYYY-MM-DD",
		                "%s must be a real date YYYY-MM-DD", bad);
	struct store_conn *c = store_read_conn(st);
	int64_t now = clock_now();
	int64_t total = 0, unit = 0;
	int step;
	enum mc_err urc;
	if (f->office && (urc = dossier_unit(c, f->who, f->office, &unit, err)))
		return urc;
	sqlite3_stmt *s = store_stmt(c, page_sql);
	if (s == NULL)
		return store_sql_error(c, "dossier list", err);
	store_dossier_bind_scope(s, f->who);
	if (unit)
		sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":unit"), unit);
	json_t *items = json_array(), *all = NULL;
	const char *texts[] = {f->status, f->procedure, f->field, f->holder_office, f->holder};
	for (int i = 0; i < 5; i++)
		if (texts[i])
			sqlite3_bind_text(s, i + 1, texts[i], -1, SQLITE_STATIC);
	if (f->received_from)
		sqlite3_bind_int64(s, 6, from);
	if (f->received_to)
		sqlite3_bind_int64(s, 7, to + 86400);
	if (f->due_before)
		sqlite3_bind_int64(s, 8, f->due_before);
	if (f->late >= 0)
		sqlite3_bind_int(s, 9, f->late);
	sqlite3_bind_int64(s, 10, now);
	/* A q that reads as a Vietnamese phone ("+84 912 345 678",
	 * "0912.345.678") matches the phone in the form intake stored it in;
	 * the code and the ID number are matched as typed. */
	char q_phone[APPLICANT_PHONE_MAX];
	if (f->q)
		sqlite3_bind_text(s, 11, f->q, -1, SQLITE_STATIC);
	if (f->q && applicant_phone_normalize(f->q, q_phone))
		sqlite3_bind_text(s, 13, q_phone, -1, SQLITE_STATIC);
	if (f->open)
		sqlite3_bind_int(s, 12, 1);
	/* Named, as every parameter after the scope's: a ?N there would be
	 * the scope's own number (store_internal.h, SCOPE_SQL). */
	if (f->sort != DOSSIER_SORT_NEWEST)
		sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":by_due"), 1);
	/* Paging in C: at_risk needs the calendar, so it filters here; the
	 * overdue order needs each row's working time past due, so every match
	 * is kept, sorted, then cut to the page. */
	while (store_next(s, &step)) {
		if (f->sort == DOSSIER_SORT_OVERDUE) {
			if (all == NULL)
				all = json_array();
			json_array_append_new(all, dossier_row_json(st, s, now));
			continue;
		}
		if (f->at_risk) {
			json_t *v = dossier_row_json(st, s, now);
			if (!json_is_true(
			        json_object_get(json_object_get(v, "timing"), "at_risk"))) {
				json_decref(v);
				continue;
			}
			if (total >= offset && json_array_size(items) < (size_t)limit)
				json_array_append_new(items, v);
			else
				json_decref(v);
		} else if (total >= offset && json_array_size(items) < (size_t)limit) {
			json_array_append_new(items, dossier_row_json(st, s, now));
		}
		total++;
	}
	enum mc_err rc = store_scan_end(c, s, step, "dossier list", err);
	if (rc) {
		json_decref(all);
		json_decref(items);
		return rc;
	}
	if (all) {
		total = dossier_page_overdue(all, f->at_risk, offset, limit, items);
		json_decref(all);
	}
	*out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total,
	                 "offset", offset, "limit", limit);
	return MC_OK;
}

/* The one answer for an unknown code and a wrong secret alike. */
static enum mc_err dossier_public_not_found(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_NOT_FOUND, "dossier_not_found",
	               "Không tìm thấy hồ sơ với mã và mã tra cứu này",
	               "No dossier with this code and secret");
}

enum mc_err store_dossier_public(struct store *st, const char *code, const char *secret,
                                 json_t **out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char want[65] = "", got[65];
	json_t *v = NULL;
	int step;
	if (code == NULL || secret == NULL || strlen(code) > 64 || strlen(secret) > 64)
		return dossier_public_not_found(err);
	store_secret_hash(code, secret, got);
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT d.secret_hash, d.status, p.name, p.code,"
	                  " d.received_at, d.due_at, d.pending, d.apology_due_at,"
	                  " d.finished_at, d.paused_at, d.returned_at,"
	                  " (SELECT json_object('name', o.name, 'address', o.address,"
	                  " 'hours', o.hours) FROM offices o WHERE o.id = d.return_office_id)"
	                  " FROM dossiers d"
	                  " JOIN procedures p ON p.id = d.procedure_id WHERE d.code = ?");
	if (s == NULL)
		return store_sql_error(c, "public dossier", err);
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	bool found = store_next(s, &step);
	if (found)
		snprintf(want, sizeof want, "%s", store_col_text(s, 0));
	/* Compared in constant time, and hashed even when the code is unknown,
	 * so neither the answer nor its timing tells the two cases apart. */
	bool match = found && strlen(want) == 64 && sodium_memcmp(want, got, 64) == 0;
	if (match) {
		enum dossier_status status = DS_RECEIVED;
		dossier_status_parse(store_col_text(s, 1), &status);
		int64_t due = sqlite3_column_int64(s, 5);
		json_t *t = dossier_timing(st, status, sqlite3_column_int64(s, 4), due,
		                           sqlite3_column_int64(s, 9), sqlite3_column_int64(s, 8),
		                           clock_now());
		v = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:o, s:o, s:o, s:b, s:o, s:o}", "code",
		              code, "status", store_col_text(s, 1), "status_text",
		              dossier_status_text_vi(status), "procedure", "code",
		              store_col_text(s, 3), "name", store_col_text(s, 2), "received_at",
		              opt_int(s, 4), "appointment_at", opt_int(s, 5), "still_needed",
		              status == DS_SUPPLEMENT_REQUESTED ? opt_json(s, 6) : json_null(),
		              "late", json_is_true(json_object_get(t, "late")), "apology",
		              sqlite3_column_type(s, 7) == SQLITE_NULL
		                  ? json_null()
		                  : json_pack("{s:I}", "new_appointment_at",
		                              (json_int_t)sqlite3_column_int64(s, 7)),
		              "returned_at", opt_int(s, 10));
		json_object_set_new(v, "return_office", opt_json(s, 11));
		json_decref(t);
	}
	enum mc_err rc = store_scan_end(c, s, step, "public dossier", err);
	if (rc) {
		json_decref(v);
		return rc;
	}
	if (v == NULL)
		return dossier_public_not_found(err);
	*out = v;
	return MC_OK;
}

static void csv_time(struct strbuf *out, sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL) {
		strbuf_puts(out, "\"\"");
		return;
	}
	char iso[26];
	clock_office_iso(sqlite3_column_int64(s, col), iso);
	csv_cell(out, iso);
}

enum mc_err store_dossier_ledger_csv(struct store *st, const struct principal *who,
                                     const char *office, const char *from, const char *to,
                                     struct strbuf *out, struct mc_error *err)
{
	int64_t a = 0, b = 0;
	bool ok = dossier_day_start(from, &a) && dossier_day_start(to, &b) && a <= b;
	if (!ok)
		return mc_fail(err, MC_ERR_INVALID, "invalid_period",
		               "Kỳ phải có from và to dạng YYYY-MM-DD, from ≤ to",
		               "from and to must be YYYY-MM-DD with from <= to");
	struct store_conn *c = store_read_conn(st);
	int64_t unit = 0;
	enum mc_err urc;
	if (office && (urc = dossier_unit(c, who, office, &unit, err)))
		return urc;
	/* Each receiving centre's own book: its lines in order, centre by centre. */
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT d.code, p.name, d.sets, d.applicant_name,"
	       " json_extract(d.applicant, '$.address'), d.applicant_phone,"
	       " coalesce(p.office, (SELECT code FROM offices WHERE id = d.authority_id)),"
	       " d.received_at, d.due_at,"
	       " (SELECT min(given_at) FROM dossier_steps s WHERE s.dossier_id = d.id),"
	       " d.finished_at, d.returned_at, d.returned_to, d.status, d.apology_due_at,"
	       " d.ledger_book, d.ledger_line"
	       " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id"
	       " WHERE d.received_at >= ?1 AND d.received_at < ?2"
	       " AND " SCOPE_SQL(
	           "d.intake_office_id") " AND (:unit IS NULL OR"
	                                 " d.intake_office_id IN (SELECT office_id FROM "
	                                 "office_paths WHERE ancestor_id = :unit))"
	                                 " ORDER BY d.intake_office_id, d.received_at, d.id");
	if (s == NULL)
		return store_sql_error(c, "ledger", err);
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b + 86400);
	store_bind_scope(s, who);
	if (unit)
		sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":unit"), unit);
	strbuf_puts(out, "line,code,procedure,sets,applicant,address,phone,lead_office,received,"
	                 "appointment,sent_to_office,result_back,returned,returned_to,status,"
	                 "new_appointment,book\r\n");
	int line = 0, step;
	while (store_next(s, &step)) {
		/* The ledger's own line (Số thứ tự) given at receipt; rows received
		 * before ledger lines existed are numbered in order. */
		++line;
		if (sqlite3_column_type(s, 16) != SQLITE_NULL)
			strbuf_printf(out, "%lld,", (long long)sqlite3_column_int64(s, 16));
		else
			strbuf_printf(out, "%d,", line);
		csv_cell(out, store_col_text(s, 0));
		strbuf_puts(out, ",");
		csv_cell(out, store_col_text(s, 1));
		strbuf_printf(out, ",%d,", sqlite3_column_int(s, 2));
		for (int col = 3; col <= 6; col++) {
			csv_cell(out, store_col_text(s, col));
			strbuf_puts(out, ",");
		}
		for (int col = 7; col <= 11; col++) {
			csv_time(out, s, col);
			strbuf_puts(out, ",");
		}
		csv_cell(out, store_col_text(s, 12));
		strbuf_puts(out, ",");
		csv_cell(out, store_col_text(s, 13));
		strbuf_puts(out, ",");
		csv_time(out, s, 14);
		if (sqlite3_column_type(s, 15) != SQLITE_NULL)
			strbuf_printf(out, ",%lld\r\n", (long long)sqlite3_column_int64(s, 15));
		else
			strbuf_puts(out, ",\"\"\r\n");
	}
	return store_scan_end(c, s, step, "ledger", err);
}
