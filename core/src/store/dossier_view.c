/* The views of dossiers as structs (store/dossier.h; the API presents
 * them): the staff record with its steps and history, the control sheet, the
 * list page, the citizen's lookup and the ledger's rows. Lateness is the
 * domain's (dossier_lateness_of) on the office calendar. */
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
#include "util/xmalloc.h"

/* The instant an office date YYYY-MM-DD begins. */
static bool dossier_day_start(const char *date, int64_t *out)
{
	return date != NULL && strlen(date) == 10 &&
	       civil_parse_instant(date, CLOCK_OFFICE_UTC_OFFSET, out, NULL) == CIVIL_INSTANT_OK;
}

/* Column col as an owned string, NULL when SQL NULL. */
static char *col_dup(db_stmt *s, int col)
{
	return db_column_type(s, col) == DB_NULL ? NULL : xstrdup(store_col_text(s, col));
}

/* Column col as an integer, has set when not SQL NULL. */
static int64_t col_int(db_stmt *s, int col, bool *has)
{
	*has = db_column_type(s, col) != DB_NULL;
	return db_column_int64(s, col);
}

/* What lateness needs that no row holds: the calendar, the at-risk share
 * and the instant of the answer. */
struct dossier_clock {
	struct dossier_cal dc;
	int at_risk_permille;
	int64_t now;
};

static void dossier_clock_init(struct dossier_clock *k, struct store *st)
{
	dossier_cal_init(&k->dc, st, NULL);
	k->at_risk_permille = (int)store_setting_int(st, "at_risk_permille", 200);
	k->now = clock_now();
}

static void dossier_step_clear(struct dossier_step *p)
{
	char **strs[] = {&p->office,     &p->office_name,  &p->giver,       &p->receiver,
	                 &p->result,     &p->note,         &p->from_office, &p->from_office_name,
	                 &p->giver_name, &p->receiver_name};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
}

void dossier_steps_free(struct dossier_step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dossier_step_clear(&steps[i]);
	free(steps);
}

void dossier_office_clear(struct dossier_office *o)
{
	free(o->code);
	free(o->name);
	free(o->address);
	free(o->hours);
	memset(o, 0, sizeof *o);
}

void dossier_record_clear(struct dossier_record *r)
{
	char **strs[] = {&r->code,
	                 &r->procedure_code,
	                 &r->procedure_name,
	                 &r->procedure_field,
	                 &r->applicant_json,
	                 &r->documents_json,
	                 &r->pending_json,
	                 &r->reason,
	                 &r->apology_reason,
	                 &r->returned_to,
	                 &r->holder_office,
	                 &r->holder,
	                 &r->holder_name,
	                 &r->intake_by,
	                 &r->channel,
	                 &r->received_by_user.username,
	                 &r->received_by_user.full_name,
	                 &r->received_by_user.title};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	dossier_office_clear(&r->intake_office);
	dossier_office_clear(&r->authority);
	dossier_office_clear(&r->return_office);
	dossier_steps_free(r->steps, r->n_steps);
	for (size_t i = 0; i < r->n_history; i++) {
		free(r->history[i].actor);
		free(r->history[i].action);
		free(r->history[i].actor_name);
		free(r->history[i].details);
	}
	free(r->history);
	memset(r, 0, sizeof *r);
}

void dossier_page_clear(struct dossier_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		dossier_record_clear(&p->items[i]);
	free(p->items);
	memset(p, 0, sizeof *p);
}

void dossier_public_clear(struct dossier_public *p)
{
	free(p->code);
	free(p->procedure_code);
	free(p->procedure_name);
	free(p->still_needed_json);
	dossier_office_clear(&p->return_office);
	memset(p, 0, sizeof *p);
}

/* The columns of an office joined as alias a (DOSSIER_OFFICE_READ reads them). */
#define DOSSIER_OFFICE_COLS(a) a ".code, " a ".name, " a ".address, " a ".hours"

// clang-format off
/* A dossier's columns, read by dossier_row_read; with DOSSIER_FROM. */
#define DOSSIER_COLUMNS                                                                            \
	"d.code, p.code, p.version, p.name, p.field, d.status, d.applicant, d.documents,"          \
	" d.sets, d.pending, d.reason, d.intake_at, d.received_at, d.due_at, d.first_due_at,"      \
	" d.paused_at, d.paused_seconds, d.supplements, d.apology_at, d.apology_due_at,"           \
	" d.apology_reason, d.finished_at, d.returned_at, d.returned_to, d.holder_office,"         \
	" d.holder, d.ticket_id, d.intake_by, d.id, d.channel, d.ledger_book, d.ledger_line,"      \
	" ru.username, ru.full_name, ru.title,"                                                    \
	" " DOSSIER_OFFICE_COLS("io") ", " DOSSIER_OFFICE_COLS("ao") ","                           \
	" " DOSSIER_OFFICE_COLS("ro") ","                                                          \
	" (SELECT full_name FROM users WHERE username = d.holder)"
/* The dossier d with its procedure p, the member of staff who received it
 * (ru: intake_by "user:<id>", found by its id so that a long list does not
 * scan the users for each row) and its receiving centre (io), authority (ao)
 * and return centre (ro). */
#define DOSSIER_FROM                                                                               \
	"dossiers d JOIN procedures p ON p.id = d.procedure_id"                                    \
	" LEFT JOIN users ru ON ru.id = CASE WHEN d.intake_by LIKE 'user:%'"                       \
	"  THEN CAST(substr(d.intake_by, 6) AS INTEGER) END"                                       \
	"  AND d.intake_by = 'user:' || ru.id"                                                     \
	" LEFT JOIN offices io ON io.id = d.intake_office_id"                                      \
	" LEFT JOIN offices ao ON ao.id = d.authority_id"                                          \
	" LEFT JOIN offices ro ON ro.id = d.return_office_id"
// clang-format on

/* The office of DOSSIER_OFFICE_COLS at column col into *o. */
static void dossier_office_read(db_stmt *s, int col, struct dossier_office *o)
{
	*o = (struct dossier_office){.code = col_dup(s, col),
	                             .name = col_dup(s, col + 1),
	                             .address = col_dup(s, col + 2),
	                             .hours = col_dup(s, col + 3)};
}

/* One row of DOSSIER_COLUMNS into *r, its lateness at k->now. */
static void dossier_row_read(const struct dossier_clock *k, db_stmt *s, struct dossier_record *r)
{
	bool has;
	memset(r, 0, sizeof *r);
	r->code = xstrdup(store_col_text(s, 0));
	r->procedure_code = xstrdup(store_col_text(s, 1));
	r->procedure_version = db_column_int(s, 2);
	r->procedure_name = xstrdup(store_col_text(s, 3));
	r->procedure_field = xstrdup(store_col_text(s, 4));
	r->status = DS_RECEIVED;
	dossier_status_parse(store_col_text(s, 5), &r->status);
	r->applicant_json = col_dup(s, 6);
	r->documents_json = col_dup(s, 7);
	r->sets = db_column_int64(s, 8);
	r->pending_json = col_dup(s, 9);
	r->reason = col_dup(s, 10);
	r->intake_at = db_column_int64(s, 11);
	r->received_at = db_column_int64(s, 12);
	r->due_at = db_column_int64(s, 13);
	r->first_due_at = db_column_int64(s, 14);
	r->paused_at = db_column_int64(s, 15);
	r->paused_seconds = db_column_int64(s, 16);
	r->supplements = db_column_int64(s, 17);
	r->apology_at = col_int(s, 18, &has);
	r->apology_due_at = db_column_int64(s, 19);
	r->apology_reason = has ? xstrdup(store_col_text(s, 20)) : NULL;
	r->finished_at = db_column_int64(s, 21);
	r->returned_at = db_column_int64(s, 22);
	r->returned_to = col_dup(s, 23);
	r->holder_office = col_dup(s, 24);
	r->holder = col_dup(s, 25);
	r->ticket_id = db_column_int64(s, 26);
	r->intake_by = xstrdup(store_col_text(s, 27));
	r->id = db_column_int64(s, 28);
	r->channel = xstrdup(store_col_text(s, 29));
	r->ledger_book = db_column_int64(s, 30);
	r->ledger_line = db_column_int64(s, 31);
	r->received_by_user = (struct dossier_user){
	    .username = col_dup(s, 32), .full_name = col_dup(s, 33), .title = col_dup(s, 34)};
	dossier_office_read(s, 35, &r->intake_office);
	dossier_office_read(s, 39, &r->authority);
	dossier_office_read(s, 43, &r->return_office);
	r->holder_name = col_dup(s, 47);
	struct dossier_times t = {.status = r->status,
	                          .received_at = r->received_at,
	                          .due_at = r->due_at,
	                          .paused_at = r->paused_at,
	                          .finished_at = r->finished_at};
	dossier_lateness_of(&k->dc.cal, &t, k->now, k->at_risk_permille, &r->timing);
	r->day_seconds = k->dc.cal.day_seconds;
}

/* The dossier's events, oldest first, into r->history. */
static enum mc_err dossier_history(struct store_conn *c, struct dossier_record *r,
                                   struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c, "SELECT e.id, e.at, e.actor, e.action, e.details,"
	       " (SELECT u.full_name FROM users u WHERE u.id = CASE"
	       "  WHEN substr(e.actor, 1, 5) = 'user:' AND substr(e.actor, 6) <> ''"
	       "  AND ltrim(substr(e.actor, 6), '0123456789') = ''"
	       "  THEN CAST(substr(e.actor, 6) AS BIGINT) END)"
	       " FROM events e WHERE e.entity = 'dossier' AND e.entity_id = ? ORDER BY e.id");
	if (s == NULL)
		return store_sql_error(c, "dossier history", err);
	size_t cap = 0;
	int step;
	r->has_history = true;
	db_bind_text(s, 1, r->code, -1, DB_STATIC);
	while (store_next(s, &step)) {
		if (r->n_history == cap) {
			cap = cap ? 2 * cap : 8;
			r->history = xrealloc(r->history, cap * sizeof *r->history);
		}
		struct dossier_history_row *h = &r->history[r->n_history++];
		h->event = db_column_int64(s, 0);
		h->at = db_column_int64(s, 1);
		h->actor = xstrdup(store_col_text(s, 2));
		h->action = xstrdup(store_col_text(s, 3));
		h->details = col_dup(s, 4);
		h->actor_name = col_dup(s, 5);
	}
	return store_scan_end(c, s, step, "dossier history", err);
}

/* The dossier's hand-overs (the control sheet's rows), in order: *out an
 * array of *n (the caller frees it, also on an error). */
static enum mc_err dossier_steps(struct store_conn *c, int64_t dossier_id,
                                 struct dossier_step **out, size_t *n, struct mc_error *err)
{
	/* The giving side of a row is the office of the row before it; of the
	 * first row, the centre that received the dossier. */
	db_stmt *s = store_stmt(
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
	*out = NULL;
	*n = 0;
	if (s == NULL)
		return store_sql_error(c, "dossier steps", err);
	size_t cap = 0;
	int step;
	db_bind_int64(s, 1, dossier_id);
	while (store_next(s, &step)) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 4;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		struct dossier_step *p = &(*out)[(*n)++];
		p->office = xstrdup(store_col_text(s, 0));
		p->office_name = xstrdup(store_col_text(s, 1));
		p->giver = xstrdup(store_col_text(s, 2));
		p->receiver = xstrdup(store_col_text(s, 3));
		p->given_at = db_column_int64(s, 4);
		p->budget_seconds = col_int(s, 5, &p->has_budget);
		p->ended_at = col_int(s, 6, &p->has_ended);
		p->spent_seconds = col_int(s, 7, &p->has_spent);
		p->result = col_dup(s, 8);
		p->note = col_dup(s, 9);
		p->from_office = col_dup(s, 10);
		p->from_office_name = col_dup(s, 11);
		p->giver_name = col_dup(s, 12);
		p->receiver_name = col_dup(s, 13);
	}
	return store_scan_end(c, s, step, "dossier steps", err);
}

/* The staff record of `code` on c (the thread's reader, or the writer inside
 * a change's transaction), its lateness at now. */
static enum mc_err dossier_get_on(struct store *st, struct store_conn *c,
                                  const struct principal *who, const char *code, bool history,
                                  int64_t now, struct dossier_record *out, struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT " DOSSIER_COLUMNS " FROM " DOSSIER_FROM
	                           " WHERE d.code = :code AND " DOSSIER_SCOPE_SQL);
	struct dossier_clock k;
	bool found = false;
	int step;
	enum mc_err rc;
	memset(out, 0, sizeof *out);
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	dossier_clock_init(&k, st);
	k.now = now;
	db_bind_text(s, db_bind_parameter_index(s, ":code"), code, -1, DB_STATIC);
	store_dossier_bind_scope(s, who);
	if (store_next(s, &step)) {
		dossier_row_read(&k, s, out);
		found = true;
	}
	if ((rc = store_scan_end(c, s, step, "dossier", err)))
		goto fail;
	if (!found)
		return mc_fail(err, MC_ERR_NOT_FOUND, "dossier_not_found", "Không có hồ sơ này",
		               "No such dossier");
	if ((rc = dossier_steps(c, out->id, &out->steps, &out->n_steps, err)) ||
	    (history && (rc = dossier_history(c, out, err))))
		goto fail;
	return MC_OK;
fail:
	dossier_record_clear(out);
	return rc;
}

enum mc_err store_dossier_get(struct store *st, const struct principal *who, const char *code,
                              bool history, struct dossier_record *out, struct mc_error *err)
{
	return dossier_get_on(st, store_read_conn(st), who, code, history, clock_now(), out, err);
}

/* Declared in dossier_internal.h. */
enum mc_err dossier_view_after(struct store *st, struct store_conn *c, const char *code,
                               int64_t now, struct dossier_record *out, struct mc_error *err)
{
	return dossier_get_on(st, c, NULL, code, false, now, out, err);
}

enum mc_err store_dossier_control_sheet(struct store *st, const struct principal *who,
                                        const char *code, struct dossier_step **steps, size_t *n,
                                        struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct dossier_row d;
	*steps = NULL;
	*n = 0;
	enum mc_err rc = dossier_load(c, who, code, &d, err);
	if (rc == MC_OK)
		rc = dossier_steps(c, d.id, steps, n, err);
	if (rc) {
		dossier_steps_free(*steps, *n);
		*steps = NULL;
		*n = 0;
	}
	return rc;
}

/* qsort order of records: most working time past due first; ties keep the
 * due order (soonest first), then the code. */
static int dossier_cmp_overdue(const void *a, const void *b)
{
	const struct dossier_record *x = a, *y = b;
	int64_t lx = x->timing.late_seconds, ly = y->timing.late_seconds;
	if (lx != ly)
		return lx > ly ? -1 : 1;
	if (x->due_at != y->due_at)
		return x->due_at < y->due_at ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* Sorts the n records of all most overdue first and keeps the page
 * [offset, offset+limit) in out (the rest are cleared; all is freed). */
static void dossier_page_overdue(struct dossier_record *all, size_t n, int offset, int limit,
                                 struct dossier_page *out)
{
	if (n > 0) /* all is NULL when nothing matched */
		qsort(all, n, sizeof *all, dossier_cmp_overdue);
	out->items = xcalloc(limit > 0 ? (size_t)limit : 1, sizeof *out->items);
	for (size_t i = 0; i < n; i++) {
		if (i >= (size_t)offset && out->n < (size_t)limit)
			out->items[out->n++] = all[i];
		else
			dossier_record_clear(&all[i]);
	}
	out->total = (int64_t)n;
	free(all);
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

/* The page statement of a list: every filter optional, NULL parameters
 * match all. */
static const char dossier_page_sql[] =
    "SELECT " DOSSIER_COLUMNS " FROM " DOSSIER_FROM
    " WHERE (CAST(?1 AS TEXT) IS NULL OR d.status = ?1)"
    " AND (CAST(?2 AS TEXT) IS NULL OR p.code = ?2)"
    " AND (CAST(?3 AS TEXT) IS NULL OR p.field = ?3)"
    " AND (CAST(?4 AS TEXT) IS NULL OR d.holder_office = ?4)"
    " AND (CAST(?5 AS TEXT) IS NULL OR d.holder = ?5)"
    " AND (CAST(?6 AS BIGINT) IS NULL OR d.received_at >= ?6)"
    " AND (CAST(?7 AS BIGINT) IS NULL OR d.received_at < ?7)"
    " AND (CAST(?8 AS BIGINT) IS NULL OR d.due_at < ?8)"
    " AND (CAST(?9 AS BIGINT) IS NULL OR (d.due_at IS NOT NULL AND CASE"
    "  WHEN coalesce(d.finished_at, d.paused_at, ?10) > d.due_at THEN 1 ELSE 0 END = ?9))"
    " AND (CAST(?11 AS TEXT) IS NULL OR d.code = ?11"
    "  OR d.applicant_phone = coalesce(?13, ?11) OR d.applicant_id_number = ?11)"
    " AND (CAST(?12 AS BIGINT) IS NULL OR d.status NOT IN ('result_ready', 'returned',"
    "  'returned_ineligible', 'withdrawn', 'cancelled', 'rejected_at_intake'))"
    " AND " DOSSIER_SCOPE_SQL " AND (CAST(:unit AS BIGINT) IS NULL OR " DOSSIER_UNIT_SQL ")"
    " ORDER BY CASE WHEN CAST(:by_due AS BIGINT) IS NOT NULL THEN d.due_at END ASC NULLS LAST,"
    " d.intake_at DESC, d.id DESC";

/* Binds f's filters (from and to: the received dates' instants) to s. */
static void dossier_list_bind(db_stmt *s, const struct dossier_filter *f, int64_t unit,
                              int64_t from, int64_t to, int64_t now, char *q_phone)
{
	store_dossier_bind_scope(s, f->who);
	if (unit)
		db_bind_int64(s, db_bind_parameter_index(s, ":unit"), unit);
	const char *texts[] = {f->status, f->procedure, f->field, f->holder_office, f->holder};
	for (int i = 0; i < 5; i++)
		if (texts[i])
			db_bind_text(s, i + 1, texts[i], -1, DB_STATIC);
	if (f->received_from)
		db_bind_int64(s, 6, from);
	if (f->received_to)
		db_bind_int64(s, 7, to + 86400);
	if (f->due_before)
		db_bind_int64(s, 8, f->due_before);
	if (f->late >= 0)
		db_bind_int(s, 9, f->late);
	db_bind_int64(s, 10, now);
	/* A q that reads as a Vietnamese phone ("+84 912 345 678",
	 * "0912.345.678") matches the phone in the form intake stored it in;
	 * the code and the ID number are matched as typed. */
	if (f->q)
		db_bind_text(s, 11, f->q, -1, DB_STATIC);
	if (f->q && applicant_phone_normalize(f->q, q_phone))
		db_bind_text(s, 13, q_phone, -1, DB_STATIC);
	if (f->open)
		db_bind_int(s, 12, 1);
	/* Named, as every parameter after the scope's: a ?N there would be
	 * the scope's own number (store_internal.h, SCOPE_SQL). */
	if (f->sort != DOSSIER_SORT_NEWEST)
		db_bind_int(s, db_bind_parameter_index(s, ":by_due"), 1);
}

/* The filters that are no SQL: the received dates, the unit. */
static enum mc_err dossier_list_args(struct store_conn *c, const struct dossier_filter *f,
                                     int64_t *from, int64_t *to, int64_t *unit,
                                     struct mc_error *err)
{
	const char *bad = NULL;
	if (f->received_from && !dossier_day_start(f->received_from, from))
		bad = "received_from";
	else if (f->received_to && !dossier_day_start(f->received_to, to))
		bad = "received_to";
	if (bad)
		return mc_failf(err, MC_ERR_INVALID, "invalid_date",
		                "Ngày lọc phải là ngày có thật, dạng YYYY-MM-DD",
		                "%s must be a real date YYYY-MM-DD", bad);
	if (f->office)
		return dossier_unit(c, f->who, f->office, unit, err);
	return MC_OK;
}

enum mc_err store_dossier_list(struct store *st, const struct dossier_filter *f, int offset,
                               int limit, struct dossier_page *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct dossier_clock k;
	int64_t from = 0, to = 0, unit = 0;
	char q_phone[APPLICANT_PHONE_MAX];
	int step;
	memset(out, 0, sizeof *out);
	enum mc_err rc = dossier_list_args(c, f, &from, &to, &unit, err);
	if (rc)
		return rc;
	db_stmt *s = store_stmt(c, dossier_page_sql);
	if (s == NULL)
		return store_sql_error(c, "dossier list", err);
	dossier_clock_init(&k, st);
	dossier_list_bind(s, f, unit, from, to, k.now, q_phone);
	/* Paging in C: at_risk needs the calendar, so it filters here; the
	 * overdue order needs each row's working time past due, so every match
	 * is kept, sorted, then cut to the page. Otherwise a row off the page is
	 * only counted: reading it (its columns, its lateness over the calendar)
	 * would cost as much as a row shown. */
	bool keep_all = f->sort == DOSSIER_SORT_OVERDUE;
	bool judge_all = keep_all || f->at_risk;
	struct dossier_record *all = NULL, r;
	size_t n_all = 0, cap = 0;
	out->items = xcalloc(limit > 0 ? (size_t)limit : 1, sizeof *out->items);
	while (store_next(s, &step)) {
		if (!judge_all && !(out->total >= offset && out->n < (size_t)limit)) {
			out->total++;
			continue;
		}
		dossier_row_read(&k, s, &r);
		if (f->at_risk && !r.timing.at_risk) {
			dossier_record_clear(&r);
			continue;
		}
		if (keep_all) {
			if (n_all == cap) {
				cap = cap ? 2 * cap : 64;
				all = xrealloc(all, cap * sizeof *all);
			}
			all[n_all++] = r;
		} else if (out->total >= offset && out->n < (size_t)limit) {
			out->items[out->n++] = r;
		} else {
			dossier_record_clear(&r);
		}
		out->total++;
	}
	rc = store_scan_end(c, s, step, "dossier list", err);
	if (keep_all) {
		free(out->items);
		out->items = NULL;
		dossier_page_overdue(all, n_all, offset, limit, out);
	}
	if (rc)
		dossier_page_clear(out);
	return rc;
}

/* The one answer for an unknown code and a wrong secret alike. */
static enum mc_err dossier_public_not_found(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_NOT_FOUND, "dossier_not_found",
	               "Không tìm thấy hồ sơ với mã và mã tra cứu này",
	               "No dossier with this code and secret");
}

enum mc_err store_dossier_public(struct store *st, const char *code, const char *secret,
                                 struct dossier_public *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char want[65] = "", got[65];
	int step;
	memset(out, 0, sizeof *out);
	if (code == NULL || secret == NULL || strlen(code) > 64 || strlen(secret) > 64)
		return dossier_public_not_found(err);
	store_secret_hash(code, secret, got);
	db_stmt *s = store_stmt(
	    c, "SELECT d.secret_hash, d.status, p.name, p.code,"
	       " d.received_at, d.due_at, d.pending, d.apology_due_at,"
	       " d.finished_at, d.paused_at, d.returned_at, " DOSSIER_OFFICE_COLS(
	           "ro") " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id"
	                 " LEFT JOIN offices ro ON ro.id = d.return_office_id WHERE d.code = ?");
	if (s == NULL)
		return store_sql_error(c, "public dossier", err);
	db_bind_text(s, 1, code, -1, DB_STATIC);
	bool found = store_next(s, &step);
	if (found)
		snprintf(want, sizeof want, "%s", store_col_text(s, 0));
	/* Compared in constant time, and hashed even when the code is unknown,
	 * so neither the answer nor its timing tells the two cases apart. */
	bool match = found && strlen(want) == 64 && sodium_memcmp(want, got, 64) == 0;
	if (match) {
		out->code = xstrdup(code);
		out->status = DS_RECEIVED;
		dossier_status_parse(store_col_text(s, 1), &out->status);
		out->procedure_name = xstrdup(store_col_text(s, 2));
		out->procedure_code = xstrdup(store_col_text(s, 3));
		out->received_at = db_column_int64(s, 4);
		out->due_at = db_column_int64(s, 5);
		if (out->status == DS_SUPPLEMENT_REQUESTED)
			out->still_needed_json = col_dup(s, 6);
		out->apology_due_at = db_column_int64(s, 7);
		struct dossier_times t = {.status = out->status,
		                          .received_at = out->received_at,
		                          .due_at = out->due_at,
		                          .paused_at = db_column_int64(s, 9),
		                          .finished_at = db_column_int64(s, 8)};
		out->late = dossier_is_late(&t, clock_now()) && t.received_at != 0;
		out->returned_at = db_column_int64(s, 10);
		dossier_office_read(s, 11, &out->return_office);
	}
	enum mc_err rc = store_scan_end(c, s, step, "public dossier", err);
	if (rc || !match) {
		dossier_public_clear(out);
		return rc ? rc : dossier_public_not_found(err);
	}
	return MC_OK;
}

enum mc_err store_dossier_ledger(struct store *st, const struct principal *who, const char *office,
                                 const char *from, const char *to,
                                 void (*each)(void *ctx, const struct dossier_ledger_row *row),
                                 void *ctx, struct mc_error *err)
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
	db_stmt *s = store_stmt(
	    c, "SELECT d.code, p.name, d.sets, d.applicant_name, d.applicant, d.applicant_phone,"
	       " coalesce(p.office, (SELECT code FROM offices WHERE id = d.authority_id)),"
	       " d.received_at, d.due_at,"
	       " (SELECT min(given_at) FROM dossier_steps s WHERE s.dossier_id = d.id),"
	       " d.finished_at, d.returned_at, d.returned_to, d.status, d.apology_due_at,"
	       " d.ledger_book, d.ledger_line"
	       " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id"
	       " WHERE d.received_at >= ?1 AND d.received_at < ?2"
	       " AND " SCOPE_SQL(
	           "d.intake_office_id") " AND (CAST(:unit AS BIGINT) IS NULL OR"
	                                 " d.intake_office_id IN (SELECT office_id FROM "
	                                 "office_paths WHERE ancestor_id = :unit))"
	                                 " ORDER BY d.intake_office_id, d.received_at, d.id");
	if (s == NULL)
		return store_sql_error(c, "ledger", err);
	db_bind_int64(s, 1, a);
	db_bind_int64(s, 2, b + 86400);
	store_bind_scope(s, who);
	if (unit)
		db_bind_int64(s, db_bind_parameter_index(s, ":unit"), unit);
	int64_t line = 0;
	int step;
	while (store_next(s, &step)) {
		/* The ledger's own line (Số thứ tự) given at receipt; rows received
		 * before ledger lines existed are numbered in order. */
		++line;
		bool has_line;
		struct dossier_ledger_row r = {
		    .code = store_col_text(s, 0),
		    .procedure = store_col_text(s, 1),
		    .sets = db_column_int(s, 2),
		    .applicant = store_col_text(s, 3),
		    .applicant_json = db_column_type(s, 4) == DB_NULL ? NULL : store_col_text(s, 4),
		    .phone = store_col_text(s, 5),
		    .lead_office = store_col_text(s, 6),
		    .received_at = db_column_int64(s, 7),
		    .due_at = db_column_int64(s, 8),
		    .sent_at = db_column_int64(s, 9),
		    .finished_at = db_column_int64(s, 10),
		    .returned_at = db_column_int64(s, 11),
		    .returned_to = store_col_text(s, 12),
		    .status = store_col_text(s, 13),
		    .new_appointment_at = db_column_int64(s, 14),
		    .book = db_column_int64(s, 15),
		};
		int64_t own = col_int(s, 16, &has_line);
		r.line = has_line ? own : line;
		each(ctx, &r);
	}
	return store_scan_end(c, s, step, "ledger", err);
}
