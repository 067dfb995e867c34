#include "store/transparency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/xmalloc.h"

#define TRANSPARENCY_LATE_MAX 500

/* The dossiers a figure counts: received in the subtree of :scope (a centre
 * and its points; 0, the whole province). */
#define TRANSPARENCY_SCOPE SCOPE_SQL("d.intake_office_id")

/* The late-now condition on dossiers d at ?1 = now. */
#define TRANSPARENCY_LATE                                                                          \
	"((d.status IN ('received','in_process','interagency','awaiting_payment')"                 \
	"   AND d.due_at < ?1)"                                                                    \
	" OR (d.status = 'supplement_requested' AND d.paused_at IS NOT NULL"                       \
	"   AND d.due_at IS NOT NULL AND d.paused_at > d.due_at))"

/* Column i as an owned string, NULL for NULL. */
static char *transparency_col(db_stmt *s, int i)
{
	return db_column_type(s, i) == DB_NULL ? NULL : xstrdup(store_col_text(s, i));
}

/* The centre of t with office id id, NULL none. */
static struct transparency_centre *transparency_centre_of(struct transparency *t, int64_t id)
{
	for (size_t i = 0; i < t->n_centres; i++)
		if (t->centres[i].id == id)
			return &t->centres[i];
	return NULL;
}

/* Adds to each centre of t (when per_centre) its figure for dossiers
 * finished in [from, to) (the member at offset `which` of the centre:
 * today or month), and returns in *out the figure over who's scope. A
 * database error otherwise (err filled, *out untouched). */
static enum mc_err transparency_period(struct store_conn *c, const struct principal *who,
                                       struct transparency *t, bool per_centre, bool month,
                                       int64_t from, int64_t to, struct transparency_count *out,
                                       struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c,
	    "SELECT d.intake_office_id, count(*), coalesce(sum(CASE WHEN d.finished_at <= d.due_at"
	    " THEN 1 ELSE 0 END), 0)"
	    " FROM dossiers d"
	    " WHERE d.status IN ('result_ready','returned','returned_ineligible')"
	    " AND d.due_at IS NOT NULL AND d.finished_at >= ?1 AND d.finished_at < ?2"
	    " AND " TRANSPARENCY_SCOPE " GROUP BY d.intake_office_id");
	if (s == NULL)
		return store_sql_error(c, "transparency", err);
	db_bind_int64(s, 1, from);
	db_bind_int64(s, 2, to);
	store_bind_scope(s, who);
	struct transparency_count sum = {0, 0};
	int step;
	while (store_next(s, &step)) {
		struct transparency_count n = {db_column_int64(s, 1), db_column_int64(s, 2)};
		sum.finished += n.finished;
		sum.on_time += n.on_time;
		struct transparency_centre *centre =
		    per_centre && db_column_type(s, 0) != DB_NULL
		        ? transparency_centre_of(t, db_column_int64(s, 0))
		        : NULL;
		if (centre)
			*(month ? &centre->month : &centre->today) = n;
	}
	enum mc_err rc = store_scan_end(c, s, step, "transparency", err);
	if (rc)
		return rc;
	*out = sum;
	return MC_OK;
}

/* Every active centre and point, with today's queue, into t->centres in
 * directory order. Period figures start empty (none finished), late_total
 * 0. */
static enum mc_err transparency_centres(struct store_conn *c, int64_t now, struct transparency *t,
                                        struct mc_error *err)
{
	char day[11];
	clock_office_date(now, day);
	db_stmt *s = store_stmt(
	    c,
	    "SELECT o.id, o.code, o.name, o.address, o.hours, o.phone, p.name,"
	    " (SELECT count(*) FROM tickets t WHERE t.office_id = o.id AND t.service_day = ?1"
	    "  AND t.state = 'waiting'),"
	    " (SELECT count(*) FROM tickets t WHERE t.office_id = o.id AND t.service_day = ?1"
	    "  AND t.state = 'called'),"
	    " (SELECT count(*) FROM counters k WHERE k.office_id = o.id AND k.state = 'open')"
	    " FROM offices o LEFT JOIN offices p ON p.id = o.parent_id"
	    " WHERE o.kind IN ('centre','point') AND o.active = 1 ORDER BY o.sort, o.name, o.id");
	if (s == NULL)
		return store_sql_error(c, "transparency", err);
	db_bind_text(s, 1, day, -1, DB_TRANSIENT);
	size_t cap = 0;
	int step;
	while (store_next(s, &step)) {
		if (t->n_centres == cap) {
			cap = cap ? 2 * cap : 16;
			t->centres = xrealloc(t->centres, cap * sizeof *t->centres);
		}
		struct transparency_centre *ce = &t->centres[t->n_centres++];
		memset(ce, 0, sizeof *ce);
		ce->id = db_column_int64(s, 0);
		ce->code = xstrdup(store_col_text(s, 1));
		ce->name = xstrdup(store_col_text(s, 2));
		ce->address = transparency_col(s, 3);
		ce->hours = transparency_col(s, 4);
		ce->phone = transparency_col(s, 5);
		ce->parent = transparency_col(s, 6);
		ce->waiting = db_column_int64(s, 7);
		ce->serving = db_column_int64(s, 8);
		ce->counters_open = db_column_int64(s, 9);
	}
	return store_scan_end(c, s, step, "transparency", err);
}

/* The office id of the active centre or point with code office into
 * *id (0: none). */
static enum mc_err transparency_office(struct store_conn *c, const char *office, int64_t *id,
                                       struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT id FROM offices WHERE code = ?"
	                           " AND kind IN ('centre','point') AND active = 1");
	if (s == NULL)
		return store_sql_error(c, "transparency", err);
	db_bind_text(s, 1, office, -1, DB_TRANSIENT);
	int step;
	*id = 0;
	if (store_next(s, &step))
		*id = db_column_int64(s, 0);
	return store_scan_end(c, s, step, "transparency", err);
}

/* How many are late at each centre (the province's directory). */
static enum mc_err transparency_late_per_centre(struct store_conn *c, int64_t now,
                                                struct transparency *t, struct mc_error *err)
{
	/* "+": grouping must not lead SQLite to walk every dossier in office
	 * order; the status index finds the few late ones (1.25M dossiers: 4 s
	 * against 16 ms). Selected as grouped, as PostgreSQL requires. */
	db_stmt *s = store_stmt(c, "SELECT +d.intake_office_id, count(*) FROM dossiers d"
	                           " WHERE " TRANSPARENCY_LATE " GROUP BY +d.intake_office_id");
	if (s == NULL)
		return store_sql_error(c, "transparency", err);
	db_bind_int64(s, 1, now);
	int step;
	while (store_next(s, &step)) {
		struct transparency_centre *centre =
		    db_column_type(s, 0) == DB_NULL
		        ? NULL
		        : transparency_centre_of(t, db_column_int64(s, 0));
		if (centre)
			centre->late_total = db_column_int64(s, 1);
	}
	return store_scan_end(c, s, step, "transparency", err);
}

/* The dossiers late now in who's scope: the first TRANSPARENCY_LATE_MAX
 * into t->late, how many in all into t->late_total. */
static enum mc_err transparency_late_now(struct store_conn *c, int64_t now,
                                         const struct principal *who, struct transparency *t,
                                         struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c, "SELECT d.code, p.name, p.code, d.due_at, d.apology_at IS NOT NULL,"
	       " d.apology_due_at, o.code FROM dossiers d"
	       " JOIN procedures p ON p.id = d.procedure_id"
	       " LEFT JOIN offices o ON o.id = d.intake_office_id"
	       " WHERE " TRANSPARENCY_LATE " AND " TRANSPARENCY_SCOPE " ORDER BY d.due_at, d.code");
	if (s == NULL)
		return store_sql_error(c, "transparency", err);
	db_bind_int64(s, 1, now);
	store_bind_scope(s, who);
	size_t cap = 0;
	int step;
	while (store_next(s, &step)) {
		if (t->late_total++ >= TRANSPARENCY_LATE_MAX)
			continue;
		if (t->n_late == cap) {
			cap = cap ? 2 * cap : 16;
			t->late = xrealloc(t->late, cap * sizeof *t->late);
		}
		struct transparency_late *l = &t->late[t->n_late++];
		l->code = xstrdup(store_col_text(s, 0));
		l->procedure = xstrdup(store_col_text(s, 1));
		l->procedure_code = xstrdup(store_col_text(s, 2));
		l->due_at = db_column_int64(s, 3);
		l->apology = db_column_int(s, 4) != 0;
		l->has_new_appointment = db_column_type(s, 5) != DB_NULL;
		l->new_appointment_at = db_column_int64(s, 5);
		l->office = transparency_col(s, 6);
	}
	return store_scan_end(c, s, step, "transparency", err);
}

/* The procedures posted and the province's name. */
static enum mc_err transparency_posted(struct store_conn *c, struct transparency *t,
                                       struct mc_error *err)
{
	db_stmt *s =
	    store_stmt(c, "SELECT count(*), (SELECT name FROM offices WHERE kind = 'province')"
	                  " FROM procedures WHERE current = 1");
	if (s == NULL)
		return store_sql_error(c, "transparency", err);
	int step;
	if (store_next(s, &step)) {
		t->procedures_posted = db_column_int64(s, 0);
		if (db_column_type(s, 1) != DB_NULL && *store_col_text(s, 1))
			t->province = xstrdup(store_col_text(s, 1));
	}
	return store_scan_end(c, s, step, "transparency", err);
}

enum mc_err store_transparency(struct store *st, int64_t now, const char *office,
                               struct transparency *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	memset(out, 0, sizeof *out);
	out->at = now;
	out->office = -1;
	/* The office day and month of now (UTC+7, no daylight saving). */
	int64_t local = now + CLOCK_OFFICE_UTC_OFFSET;
	int64_t day_start = local - ((local % 86400) + 86400) % 86400;
	time_t lt = (time_t)day_start;
	struct tm tm;
	gmtime_r(&lt, &tm);
	int64_t month_start = day_start - (int64_t)(tm.tm_mday - 1) * 86400;
	day_start -= CLOCK_OFFICE_UTC_OFFSET;
	month_start -= CLOCK_OFFICE_UTC_OFFSET;
	int64_t day_end = day_start + 86400;

	enum mc_err rc;
	/* The figures' scope: the whole province, or the centre named. */
	struct principal who = {.role = ROLE_NONE};
	if ((rc = transparency_centres(c, now, out, err)))
		return rc;
	if (office) {
		if ((rc = transparency_office(c, office, &who.office_id, err)))
			return rc;
		const struct transparency_centre *centre =
		    who.office_id ? transparency_centre_of(out, who.office_id) : NULL;
		if (centre == NULL)
			return mc_fail(err, MC_ERR_NOT_FOUND, "office_not_found",
			               "Không có trung tâm này", "No such centre");
		out->office = (int)(centre - out->centres);
	}
	/* Every centre's figures (the directory), then the page's own. */
	const struct principal everyone = {.role = ROLE_NONE};
	if ((rc = transparency_period(c, &everyone, out, true, false, day_start, day_end,
	                              &out->today, err)) ||
	    (rc = transparency_period(c, &everyone, out, true, true, month_start, day_end,
	                              &out->month, err)))
		return rc;
	if (who.office_id && ((rc = transparency_period(c, &who, out, false, false, day_start,
	                                                day_end, &out->today, err)) ||
	                      (rc = transparency_period(c, &who, out, false, true, month_start,
	                                                day_end, &out->month, err))))
		return rc;
	if ((rc = transparency_late_per_centre(c, now, out, err)) ||
	    (rc = transparency_late_now(c, now, &who, out, err)) ||
	    (rc = transparency_posted(c, out, err)))
		return rc;
	return MC_OK;
}

void transparency_free(struct transparency *t)
{
	for (size_t i = 0; i < t->n_centres; i++) {
		struct transparency_centre *ce = &t->centres[i];
		free(ce->code), free(ce->name), free(ce->address), free(ce->hours);
		free(ce->phone), free(ce->parent);
	}
	free(t->centres);
	for (size_t i = 0; i < t->n_late; i++) {
		struct transparency_late *l = &t->late[i];
		free(l->code), free(l->procedure), free(l->procedure_code), free(l->office);
	}
	free(t->late);
	free(t->province);
	memset(t, 0, sizeof *t);
	t->office = -1;
}
