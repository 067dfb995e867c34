/* Indicators of a period: a few index range scans (dossiers finished,
 * received, open at the end, apologies; queue visits and tickets; ratings;
 * feedback; bookings), or the maintained figures, aggregated in C per group
 * into the structs of store/indicators.h; the formulas of
 * domain/indicators.h and api/present_indicators.c make the answer. Working
 * times come from the columns dossiers.work_seconds / timing kept when a
 * dossier finishes (store/dossier.c); only rows without them walk the
 * calendar. */
#include "store/indicators.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/civil_date.h"
#include "domain/dossier.h"
#include "domain/feedback.h"
#include "domain/indicators.h"
#include "store/booking.h"
#include "store/calendar.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/xmalloc.h"

#define IND_SLOT_SECONDS INDICATORS_SLOT_SECONDS
#define IND_MAX_GROUPS 1024 /* service group ids counted per query */
#define IND_MAX_DAYS (3 * 366 + 1)

/* ---- periods --------------------------------------------------------------- */

/* An office date YYYY-MM-DD of 2000-2100 that exists, through the one date
 * parser (domain/civil_date): *day gets its day number. */
static bool ind_date(const char *s, int *day)
{
	int64_t t;
	int y;
	if (s == NULL || strlen(s) != 10 ||
	    civil_parse_instant(s, CLOCK_OFFICE_UTC_OFFSET, &t, &y) != CIVIL_INSTANT_OK ||
	    y < 2000 || y > 2100)
		return false;
	*day = (int)civil_floor_div(t + CLOCK_OFFICE_UTC_OFFSET, 86400);
	return true;
}

static void ind_day_text(int day, char out[11])
{
	int y, m, d;
	civil_ymd_from_days(day, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)d % 100u);
}

/* The instant office day `day` begins. */
static int64_t ind_day_start(int day)
{
	return (int64_t)day * 86400 - CLOCK_OFFICE_UTC_OFFSET;
}

/* ---- groups ---------------------------------------------------------------- */

struct ind_vec {
	int64_t *v;
	size_t n, cap;
};

static void ind_push(struct ind_vec *a, int64_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = x;
}

struct ind_dgroup {
	char key[96];
	int64_t received, online, early, on_time, late, ineligible, withdrawn, cancelled, refused;
	int64_t open_on_time, open_late, apologies, no_supplement, supplements;
	struct ind_vec work; /* working seconds of each finished dossier */
};

/* A set of groups, found by key; appended to only (indexes stay valid until
 * the final sort). */
struct ind_gset {
	struct ind_dgroup *v;
	size_t n, cap;
	int last; /* the last key hit, -1 none */
};

struct ind_proc {
	int64_t id;
	char code[40], field[200], office[64];
	char unit[64]; /* by=office's key when a dossier names no authority */
};

/* An office of the tree (read once per query), with the nearest authority
 * and the nearest centre at or above it (indexes into the same array, -1
 * none), and the groups its rows went to (-1 not yet). */
struct ind_office {
	int64_t id, parent;
	int authority, centre;
	int dgroup, cgroup;
	char code[64];
	char kind[12];
};

/* Counters (or service groups) by id with their number (code) and office,
 * loaded once per query, sorted by id. */
struct ind_counter {
	int64_t id, office;
	int no;
	int qgroup;     /* by=office: its centre's queue group, -1 not yet */
	char code[200]; /* a service group's code, a counter's name */
};
struct ind_counters {
	struct ind_counter *v;
	size_t n;
	int *at; /* id -> index in v (-1 none) for ids 0..max, when small */
	int64_t max;
};

struct ind_ctx {
	struct store *st;
	struct store_conn *c;
	const struct principal *who; /* scope of every scan; NULL: the server */
	int64_t unit;                /* the unit's office id; 0: the whole province */
	bool by_intake;              /* the unit is a hall: the dossiers it received */
	enum indicators_by by;
	int64_t start, end, ref; /* [start, end); ref = min(end, now + 1 s): exclusive */
	int64_t day_seconds;
	struct ind_proc *procs;
	size_t n_procs;
	int *proc_group;            /* by procedure row index: the group, -1 unknown yet */
	struct ind_office *offices; /* sorted by id */
	size_t n_offices;
	int *office_at; /* office id -> index in offices (-1 none), ids 0..max_office */
	int64_t max_office;
	bool many_halls;         /* the unit holds more than one centre: counters name theirs */
	struct ind_counters cn;  /* by=counter: every counter */
	struct ind_gset g;       /* the groups of `by` */
	struct ind_gset centres; /* by=office: the receiving centres */
	struct ind_dgroup total;
	struct indicators_report *out;       /* what the query answers */
	int day_first, day_last;             /* the office day's first and last slot start */
	struct indicators_feedback *fgroups; /* by=office: feedback per centre and authority code */
	size_t n_fgroups;
	/* From the maintained figures (store/figures.h) instead of scans: */
	bool figures;
	int day_a, day_b; /* office days [day_a, day_b) */
	bool *allow;      /* office id -> in the unit and the caller's scope, ids 0..allow_max */
	int64_t allow_max;
	bool allow_none; /* a row of no office counts (the whole province, no scope) */
};

static int ind_gset_find(struct ind_gset *gs, const char *key)
{
	if (gs->last >= 0 && strcmp(gs->v[gs->last].key, key) == 0)
		return gs->last;
	for (size_t i = 0; i < gs->n; i++)
		if (strcmp(gs->v[i].key, key) == 0)
			return gs->last = (int)i;
	if (gs->n == gs->cap) {
		gs->cap = gs->cap ? 2 * gs->cap : 16;
		gs->v = xrealloc(gs->v, gs->cap * sizeof *gs->v);
	}
	struct ind_dgroup *g = &gs->v[gs->n];
	memset(g, 0, sizeof *g);
	snprintf(g->key, sizeof g->key, "%s", key);
	return gs->last = (int)gs->n++;
}

static int ind_group_find(struct ind_ctx *x, const char *key)
{
	return ind_gset_find(&x->g, key);
}

static void ind_gset_free(struct ind_gset *gs)
{
	for (size_t i = 0; i < gs->n; i++)
		free(gs->v[i].work.v);
	free(gs->v);
}

static int ind_proc_index(struct ind_ctx *x, int64_t id)
{
	size_t lo = 0, hi = x->n_procs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (x->procs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n_procs && x->procs[lo].id == id ? (int)lo : -1;
}

/* The index of office id in x->offices, -1 when unknown. */
static int ind_office_index(const struct ind_ctx *x, int64_t id)
{
	if (x->office_at)
		return id >= 0 && id <= x->max_office ? x->office_at[id] : -1;
	size_t lo = 0, hi = x->n_offices;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (x->offices[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n_offices && x->offices[lo].id == id ? (int)lo : -1;
}

/* by=office's key of an office code: the authority at or above it, else the
 * code itself (a tree without authorities: the small case). */
static const char *ind_unit_of_code(const struct ind_ctx *x, const char *code)
{
	for (size_t i = 0; i < x->n_offices; i++)
		if (strcmp(x->offices[i].code, code) == 0)
			return x->offices[i].authority >= 0
			           ? x->offices[x->offices[i].authority].code
			           : code;
	return code;
}

/* The office tree, once per query: every office with its nearest authority
 * and centre. MC_OK or a database error (err filled). */
static enum mc_err ind_load_offices(struct ind_ctx *x, struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    x->c, "SELECT id, coalesce(parent_id, 0), code, kind FROM offices ORDER BY id");
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	size_t cap = 0;
	int step;
	while (store_next(s, &step)) {
		if (x->n_offices == cap) {
			cap = cap ? cap * 2 : 64;
			x->offices = xrealloc(x->offices, cap * sizeof *x->offices);
		}
		struct ind_office *o = &x->offices[x->n_offices++];
		o->id = db_column_int64(s, 0);
		o->parent = db_column_int64(s, 1);
		o->dgroup = o->cgroup = -1;
		snprintf(o->code, sizeof o->code, "%s", store_col_text(s, 2));
		snprintf(o->kind, sizeof o->kind, "%s", store_col_text(s, 3));
	}
	enum mc_err rc = store_scan_end(x->c, s, step, "indicators", err);
	if (rc)
		return rc;
	/* Ids are dense in practice: a direct index when they are small. */
	x->max_office = x->n_offices ? x->offices[x->n_offices - 1].id : 0;
	if (x->n_offices && x->offices[0].id >= 0 && x->max_office < 1000000) {
		x->office_at = xmalloc(((size_t)x->max_office + 1) * sizeof *x->office_at);
		for (int64_t i = 0; i <= x->max_office; i++)
			x->office_at[i] = -1;
		for (size_t i = 0; i < x->n_offices; i++)
			x->office_at[x->offices[i].id] = (int)i;
	}
	for (size_t i = 0; i < x->n_offices; i++) {
		struct ind_office *o = &x->offices[i];
		o->authority = o->centre = -1;
		int k = (int)i;
		/* Up the tree; the depth bound guards against a cycle. */
		for (int depth = 0; k >= 0 && depth < 64; depth++) {
			const char *kind = x->offices[k].kind;
			if (o->authority < 0 && strcmp(kind, "authority") == 0)
				o->authority = k;
			if (o->centre < 0 && strcmp(kind, "centre") == 0)
				o->centre = k;
			k = x->offices[k].parent ? ind_office_index(x, x->offices[k].parent) : -1;
		}
	}
	return MC_OK;
}

/* by=office: the group of a dossier's competent unit (the authority at or
 * above its authority office auth, else its procedure proc's office's), and
 * the group of the centre at or above intake, its receiving office (into
 * *centre). Office ids 0 are none. */
static struct ind_dgroup *ind_office_vals(struct ind_ctx *x, int64_t proc, int64_t auth_id,
                                          int64_t intake, struct ind_dgroup **centre)
{
	int a = auth_id ? ind_office_index(x, auth_id) : -1;
	struct ind_office *auth =
	    a >= 0 && x->offices[a].authority >= 0 ? &x->offices[x->offices[a].authority] : NULL;
	int gi;
	if (auth) {
		if (auth->dgroup < 0)
			auth->dgroup = ind_group_find(x, auth->code);
		gi = auth->dgroup;
	} else {
		int p = ind_proc_index(x, proc);
		if (p >= 0 && x->proc_group[p] < 0)
			x->proc_group[p] = ind_group_find(x, x->procs[p].unit);
		gi = p >= 0 ? x->proc_group[p] : ind_group_find(x, "");
	}
	int i = intake ? ind_office_index(x, intake) : -1;
	struct ind_office *c =
	    i >= 0 && x->offices[i].centre >= 0 ? &x->offices[x->offices[i].centre] : NULL;
	if (c && c->cgroup < 0)
		c->cgroup = ind_gset_find(&x->centres, c->code);
	/* The index first: finding a new key may move x->centres.v. */
	int ci = c ? c->cgroup : ind_gset_find(&x->centres, "");
	*centre = &x->centres.v[ci];
	return &x->g.v[gi];
}

/* by=office: ind_office_vals of a dossier row whose last two columns are
 * the authority and the receiving office. */
static struct ind_dgroup *ind_office_groups(struct ind_ctx *x, db_stmt *s, int proc_col,
                                            struct ind_dgroup **centre)
{
	int n = db_column_count(s);
	return ind_office_vals(x, db_column_int64(s, proc_col), db_column_int64(s, n - 2),
	                       db_column_int64(s, n - 1), centre);
}

/* The group of a dossier of procedure proc by procedure or field (cached
 * per procedure). */
static struct ind_dgroup *ind_proc_group(struct ind_ctx *x, int64_t proc)
{
	int p = ind_proc_index(x, proc);
	if (p < 0) {
		int gi = ind_group_find(x, "");
		return &x->g.v[gi];
	}
	if (x->proc_group[p] < 0) {
		const struct ind_proc *pr = &x->procs[p];
		const char *k = x->by == IND_BY_PROCEDURE ? pr->code : pr->field;
		x->proc_group[p] = ind_group_find(x, k);
	}
	return &x->g.v[x->proc_group[p]];
}

static void ind_counter_key(const struct ind_ctx *x, const struct ind_counters *k, int64_t id,
                            char *key, size_t len);

/* The group of a dossier row: by procedure (cached per procedure), by the
 * clerk / counter in the row (cols: intake_by, counter no), or by unit
 * (ind_office_groups, which also gives the receiving centre's group in
 * *centre; NULL otherwise). */
static struct ind_dgroup *ind_group_of(struct ind_ctx *x, db_stmt *s, int proc_col, int extra_col,
                                       struct ind_dgroup **centre)
{
	char key[96];
	*centre = NULL;
	if (x->by == IND_BY_OFFICE)
		return ind_office_groups(x, s, proc_col, centre);
	if (x->by == IND_BY_COUNTER) {
		int col = extra_col + 1;
		ind_counter_key(x, &x->cn,
		                db_column_type(s, col) == DB_NULL ? 0 : db_column_int64(s, col),
		                key, sizeof key);
		int gi = ind_group_find(x, key); /* may move x->g.v */
		return &x->g.v[gi];
	}
	if (x->by == IND_BY_CLERK) {
		snprintf(key, sizeof key, "%s",
		         db_column_type(s, extra_col) == DB_NULL ? ""
		                                                 : store_col_text(s, extra_col));
		int gi = ind_group_find(x, key);
		return &x->g.v[gi];
	}
	return ind_proc_group(x, db_column_int64(s, proc_col));
}

static enum mc_err ind_load_procs(struct ind_ctx *x, struct mc_error *err)
{
	db_stmt *s = store_stmt(x->c, "SELECT id, code, field, coalesce(office, '')"
	                              " FROM procedures ORDER BY id");
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	size_t cap = 0;
	int step;
	while (store_next(s, &step)) {
		if (x->n_procs == cap) {
			cap = cap ? cap * 2 : 64;
			x->procs = xrealloc(x->procs, cap * sizeof *x->procs);
		}
		struct ind_proc *p = &x->procs[x->n_procs++];
		p->id = db_column_int64(s, 0);
		snprintf(p->code, sizeof p->code, "%s", store_col_text(s, 1));
		snprintf(p->field, sizeof p->field, "%s", store_col_text(s, 2));
		snprintf(p->office, sizeof p->office, "%s", store_col_text(s, 3));
		snprintf(p->unit, sizeof p->unit, "%s", ind_unit_of_code(x, p->office));
	}
	enum mc_err rc = store_scan_end(x->c, s, step, "indicators", err);
	if (rc)
		return rc;
	x->proc_group = xmalloc((x->n_procs + 1) * sizeof *x->proc_group);
	for (size_t i = 0; i < x->n_procs; i++)
		x->proc_group[i] = -1;
	return MC_OK;
}

/* ---- dossier scans ------------------------------------------------------------ */

/* A dossier scan's rows are the unit's (docs/indicators.md "By unit"): the
 * office that puts a dossier in a unit is the centre that received it for a
 * hall, else its competent authority; that office lies in the unit's subtree
 * (unit 0: the whole province) and in the caller's scope (SCOPE_SQL). Bound
 * by ind_bind_unit. Every scan ends its columns with the authority and the
 * receiving centre (ind_office_groups reads them as the last two). */
#define IND_D_OFFICE "(CASE WHEN :by_intake = 1 THEN d.intake_office_id ELSE d.authority_id END)"
#define IND_IN_UNIT(col)                                                                           \
	" AND (:unit = 0 OR " col                                                                  \
	" IN (SELECT office_id FROM office_paths WHERE ancestor_id = :unit))"                      \
	" AND " SCOPE_SQL(col)
#define IND_UNIT_COLS ", d.authority_id, d.intake_office_id"

/* Binds the unit's parameters of s (:unit, :by_intake when present) and
 * the caller's :scope. */
static void ind_bind_unit(const struct ind_ctx *x, db_stmt *s)
{
	store_bind_scope(s, x->who);
	int i = db_bind_parameter_index(s, ":unit");
	if (i > 0)
		db_bind_int64(s, i, x->unit);
	i = db_bind_parameter_index(s, ":by_intake");
	if (i > 0)
		db_bind_int(s, i, x->by_intake);
}

/* The clerk / counter columns, only read when grouping by them. */
#define IND_EXTRA " , d.intake_by, (SELECT t.counter_id FROM tickets t WHERE t.id = d.ticket_id)"

#define IND_FINISHED_COLS                                                                          \
	"SELECT d.procedure_id, d.status, d.timing, d.work_seconds, d.supplements,"                \
	" d.received_at, d.intake_at, d.due_at, d.finished_at, d.paused_seconds"
#define IND_FINISHED_WHERE                                                                         \
	IND_UNIT_COLS                                                                              \
	" FROM dossiers d INDEXED BY dossiers_ind_finished"                                        \
	" WHERE d.finished_at >= ?1 AND d.finished_at < ?2" IND_IN_UNIT(IND_D_OFFICE)

static const char ind_finished_sql[] = IND_FINISHED_COLS IND_FINISHED_WHERE;
static const char ind_finished_sql_x[] = IND_FINISHED_COLS IND_EXTRA IND_FINISHED_WHERE;

/* The office calendar for ind_timing_fallback, as lenient as the scan has
 * always been: instants the calendar cannot answer for measure 0 working
 * seconds instead of failing the indicators. Only measures (no add). */
static bool ind_cal_between(void *ctx, int64_t from, int64_t to, int64_t *secs)
{
	struct ind_ctx *x = ctx;
	*secs = 0;
	store_calendar_between(x->st, from, to, secs, NULL);
	return true;
}

/* Timing and working seconds of a finished row written before schema step 6
 * (or by an import): the domain's dossier_finish_timing at finished, as
 * store/dossier_act.c keeps them when processing ends. False when the row
 * has no due instant (the domain keeps nothing; the caller counts it late,
 * as dossier_lateness_of judges a finished dossier without a clock). */
static bool ind_timing_fallback(struct ind_ctx *x, int64_t received, int64_t due, int64_t finished,
                                int64_t paused, enum dossier_timing *t, int64_t *work)
{
	struct dossier_calendar cal = {
	    .ctx = x, .between = ind_cal_between, .add = NULL, .day_seconds = x->day_seconds};
	return dossier_finish_timing(&cal, received, due, paused, 0, finished, work, t);
}

static void ind_add_finished(struct ind_dgroup *g, enum dossier_status status, int timing,
                             int64_t work, bool has_work, int64_t supplements, bool intake_supp)
{
	switch (status) {
	case DS_WITHDRAWN: g->withdrawn++; return;
	case DS_CANCELLED: g->cancelled++; return;
	case DS_REJECTED_AT_INTAKE: g->refused++; return;
	case DS_RETURNED_INELIGIBLE: g->ineligible++; break;
	case DS_RESULT_READY:
	case DS_RETURNED: break;
	default: return;
	}
	if (timing == DT_EARLY)
		g->early++;
	else if (timing == DT_ON_TIME)
		g->on_time++;
	else
		g->late++;
	if (has_work)
		ind_push(&g->work, work);
	g->supplements += supplements + (intake_supp ? 1 : 0);
	if (supplements == 0 && !intake_supp)
		g->no_supplement++;
}

static enum mc_err ind_scan_finished(struct ind_ctx *x, struct mc_error *err)
{
	bool extra = x->by == IND_BY_CLERK || x->by == IND_BY_COUNTER;
	db_stmt *s = store_stmt(x->c, extra ? ind_finished_sql_x : ind_finished_sql);
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	db_bind_int64(s, 1, x->start);
	db_bind_int64(s, 2, x->end);
	ind_bind_unit(x, s);
	int step;
	while (store_next(s, &step)) {
		enum dossier_status status;
		if (!dossier_status_parse(store_col_text(s, 1), &status))
			continue;
		struct ind_dgroup *centre, *g = ind_group_of(x, s, 0, 10, &centre);
		bool decided = status == DS_RESULT_READY || status == DS_RETURNED ||
		               status == DS_RETURNED_INELIGIBLE;
		int timing = DT_ON_TIME;
		int64_t work = db_column_int64(s, 3);
		bool has_work = db_column_type(s, 3) != DB_NULL;
		int64_t received = db_column_int64(s, 5);
		if (decided) {
			/* The result kept at the end of processing; none kept (an
			 * older row): measured again here. */
			const char *t = store_col_text(s, 2);
			enum dossier_timing kept;
			if (dossier_timing_parse(t, &kept))
				timing = (int)kept;
			else if (*t == '\0' && received) {
				enum dossier_timing tt = DT_LATE;
				if (ind_timing_fallback(x, received, db_column_int64(s, 7),
				                        db_column_int64(s, 8),
				                        db_column_int64(s, 9), &tt, &work))
					has_work = true;
				timing = (int)tt;
			}
		}
		/* Supplemented at intake: the clock started later than intake. */
		bool intake_supp = received && received != db_column_int64(s, 6);
		ind_add_finished(g, status, timing, work, has_work, db_column_int64(s, 4),
		                 intake_supp);
		if (centre)
			ind_add_finished(centre, status, timing, work, has_work,
			                 db_column_int64(s, 4), intake_supp);
	}
	return store_scan_end(x->c, s, step, "indicators", err);
}

#define IND_RECEIVED_COLS "SELECT d.procedure_id, d.channel"
#define IND_RECEIVED_WHERE                                                                         \
	IND_UNIT_COLS                                                                              \
	" FROM dossiers d INDEXED BY dossiers_ind_received"                                        \
	" WHERE d.received_at >= ?1 AND d.received_at < ?2" IND_IN_UNIT(IND_D_OFFICE)
static const char ind_received_sql[] = IND_RECEIVED_COLS IND_RECEIVED_WHERE;
static const char ind_received_sql_x[] =
    IND_RECEIVED_COLS ", 0, 0, 0, 0, 0, 0, 0, 0" IND_EXTRA IND_RECEIVED_WHERE;

/* Open at the end of the period (received before ref, not finished by it):
 * still open now (partial index), or finished after ref. */
#define IND_OPEN_COLS "SELECT d.procedure_id, d.due_at, d.paused_at"
#define IND_OPEN_NOW                                                                               \
	IND_UNIT_COLS " FROM dossiers d INDEXED BY dossiers_ind_open"                              \
	              " WHERE d.finished_at IS NULL AND d.received_at < ?1 AND d.due_at IS NOT "   \
	              "NULL" IND_IN_UNIT(IND_D_OFFICE)
#define IND_OPEN_THEN                                                                              \
	IND_UNIT_COLS " FROM dossiers d INDEXED BY dossiers_ind_finished"                          \
	              " WHERE d.finished_at >= ?1 AND d.received_at < ?1 AND d.due_at IS NOT "     \
	              "NULL" IND_IN_UNIT(IND_D_OFFICE)
static const char ind_open_now_sql[] = IND_OPEN_COLS IND_OPEN_NOW;
static const char ind_open_now_sql_x[] =
    IND_OPEN_COLS ", 0, 0, 0, 0, 0, 0, 0" IND_EXTRA IND_OPEN_NOW;
static const char ind_open_then_sql[] = IND_OPEN_COLS ", NULL" IND_OPEN_THEN;
static const char ind_open_then_sql_x[] =
    IND_OPEN_COLS ", NULL, 0, 0, 0, 0, 0, 0" IND_EXTRA IND_OPEN_THEN;
/* The same rows found from the other side: received within the longest
 * processing span (store/figures.h fig_span) before the end. */
static const char ind_open_span_sql[] = IND_OPEN_COLS
    ", NULL" IND_UNIT_COLS " FROM dossiers d INDEXED BY dossiers_ind_span"
    " WHERE d.received_at >= ?1 - (SELECT coalesce(max(seconds), 0) FROM fig_span)"
    " AND d.received_at < ?1 AND d.finished_at >= ?1 AND d.due_at IS NOT NULL" IND_IN_UNIT(
        IND_D_OFFICE);

#define IND_APOLOGY_COLS "SELECT d.procedure_id"
#define IND_APOLOGY_WHERE                                                                          \
	IND_UNIT_COLS " FROM dossiers d INDEXED BY dossiers_ind_apology"                           \
	              " WHERE d.apology_at >= ?1 AND d.apology_at < ?2" IND_IN_UNIT(IND_D_OFFICE)
static const char ind_apology_sql[] = IND_APOLOGY_COLS IND_APOLOGY_WHERE;
static const char ind_apology_sql_x[] =
    IND_APOLOGY_COLS ", 0, 0, 0, 0, 0, 0, 0, 0, 0" IND_EXTRA IND_APOLOGY_WHERE;

static void ind_count_simple(const struct ind_ctx *x, db_stmt *s, int kind, struct ind_dgroup *g);

static enum mc_err ind_scan_simple(struct ind_ctx *x, const char *sql, int kind,
                                   struct mc_error *err)
{
	db_stmt *s = store_stmt(x->c, sql);
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	if (kind == 1) { /* open: one parameter, the period's end */
		db_bind_int64(s, 1, x->ref);
	} else {
		db_bind_int64(s, 1, x->start);
		db_bind_int64(s, 2, x->end);
	}
	ind_bind_unit(x, s);
	int step;
	while (store_next(s, &step)) {
		struct ind_dgroup *centre, *g = ind_group_of(x, s, 0, 10, &centre);
		if (centre)
			ind_count_simple(x, s, kind, centre);
		ind_count_simple(x, s, kind, g);
	}
	return store_scan_end(x->c, s, step, "indicators", err);
}

/* One row of a simple scan (kind 0 received, 1 open at the end, 2 apology)
 * counted in g. */
static void ind_count_simple(const struct ind_ctx *x, db_stmt *s, int kind, struct ind_dgroup *g)
{
	if (kind == 0) {
		g->received++;
		if (strcmp(store_col_text(s, 1), "online") == 0)
			g->online++;
	} else if (kind == 1) {
		/* A file paused before the end is judged at its pause. */
		if (indicators_open_late(db_column_int64(s, 1), db_column_int64(s, 2), x->ref))
			g->open_late++;
		else
			g->open_on_time++;
	} else {
		g->apologies++;
	}
}

/* ---- the maintained figures ------------------------------------------------------ */

/* The offices whose rows a unit counts (IND_IN_UNIT of each), into x->allow,
 * and whether a row of no office counts (a scan's "col IN (...)" is never
 * true for NULL; ":unit = 0 AND :scope = 0" lets the queue's through).
 * MC_OK or a database error. */
static enum mc_err ind_allow_load(struct ind_ctx *x, struct mc_error *err)
{
	db_stmt *s = store_stmt(x->c, "SELECT :unit = 0 AND :scope = 0");
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	ind_bind_unit(x, s);
	int step;
	x->allow_none = store_next(s, &step) && db_column_int(s, 0);
	enum mc_err rc = store_scan_end(x->c, s, step, "indicators", err);
	if (rc)
		return rc;
	s = store_stmt(x->c, "SELECT o.id FROM offices o WHERE 1 = 1" IND_IN_UNIT("o.id"));
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	ind_bind_unit(x, s);
	x->allow_max = x->max_office;
	x->allow = xcalloc((size_t)x->allow_max + 1, sizeof *x->allow);
	while (store_next(s, &step)) {
		int64_t id = db_column_int64(s, 0);
		if (id > 0 && id <= x->allow_max)
			x->allow[id] = true;
	}
	return store_scan_end(x->c, s, step, "indicators", err);
}

static bool ind_allowed(const struct ind_ctx *x, int64_t office)
{
	return office == 0 ? x->allow_none
	                   : office > 0 && office <= x->allow_max && x->allow[office];
}

/* The next token of a figures row at *p (store/figures.h): its fields into
 * f (at most n; an empty one is INT64_MIN), *p moved past it. The number of
 * fields, 0 at the end of the row. */
static int ind_token(const char **p, int64_t *f, int n)
{
	const char *q = *p;
	while (*q && *q != '<')
		q++;
	if (*q == '\0') {
		*p = q;
		return 0;
	}
	q++;
	int k = 0;
	for (;;) {
		bool neg = *q == '-', any = false;
		q += neg;
		int64_t v = 0;
		while (*q >= '0' && *q <= '9')
			v = v * 10 + (*q++ - '0'), any = true;
		if (k < n)
			f[k] = any ? (neg ? -v : v) : INT64_MIN;
		k++;
		if (*q == ',') {
			q++;
			continue;
		}
		break;
	}
	while (*q && *q != '>')
		q++;
	*p = *q ? q + 1 : q;
	return k;
}

/* The dossier figures of the period from fig_dossier_days: what the
 * finished, received and apology scans count. *fallback true (and nothing
 * counted that matters) when a finished row has no kept timing: the caller
 * then scans. MC_OK or a database error. */
static enum mc_err ind_fig_dossiers(struct ind_ctx *x, bool *fallback, struct mc_error *err)
{
	db_stmt *s = store_stmt(x->c, "SELECT office_id, items FROM fig_dossier_days"
	                              " WHERE kind = ?1 AND day >= ?2 AND day < ?3");
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	static const char kinds[] = "fra";
	static const enum dossier_status st_of[] = {
	    DS_STATUS_COUNT, DS_RESULT_READY, DS_RETURNED,          DS_RETURNED_INELIGIBLE,
	    DS_WITHDRAWN,    DS_CANCELLED,    DS_REJECTED_AT_INTAKE};
	*fallback = false;
	for (int kind = 0; kind < 3; kind++) {
		db_bind_text(s, 1, kinds + kind, 1, DB_STATIC);
		db_bind_int(s, 2, x->day_a);
		db_bind_int(s, 3, x->day_b);
		int step;
		while (store_next(s, &step)) {
			int64_t intake = db_column_int64(s, 0);
			if (x->by_intake && !ind_allowed(x, intake))
				continue;
			const char *p = store_col_text(s, 1);
			int64_t f[8];
			while (ind_token(&p, f, 8) > 0) {
				if (!x->by_intake && !ind_allowed(x, f[1]))
					continue;
				struct ind_dgroup *centre = NULL, *g;
				if (x->by == IND_BY_OFFICE)
					g = ind_office_vals(x, f[0], f[1], intake, &centre);
				else
					g = ind_proc_group(x, f[0]);
				struct ind_dgroup *gs[2] = {g, centre};
				for (int i = 0; i < 2 && gs[i]; i++) {
					if (kind == 1) {
						gs[i]->received++;
						gs[i]->online += f[2] == 1;
					} else if (kind == 2) {
						gs[i]->apologies++;
					} else if (f[2] >= 1 && f[2] <= 6) {
						enum dossier_status status = st_of[f[2]];
						if (f[2] <= 3 && f[3] == 9)
							*fallback = true;
						int timing = f[3] == 1   ? DT_EARLY
						             : f[3] == 3 ? DT_LATE
						                         : DT_ON_TIME;
						ind_add_finished(gs[i], status, timing,
						                 f[4] == INT64_MIN ? 0 : f[4],
						                 f[4] != INT64_MIN, f[5],
						                 f[6] != 0);
					}
				}
			}
		}
		enum mc_err rc = store_scan_end(x->c, s, step, "indicators", err);
		if (rc)
			return rc;
	}
	return MC_OK;
}

/* ---- dossier rows ------------------------------------------------------------- */

static void ind_merge(struct ind_dgroup *t, const struct ind_dgroup *g)
{
	t->received += g->received, t->online += g->online, t->early += g->early;
	t->on_time += g->on_time, t->late += g->late, t->ineligible += g->ineligible;
	t->withdrawn += g->withdrawn, t->cancelled += g->cancelled, t->refused += g->refused;
	t->open_on_time += g->open_on_time, t->open_late += g->open_late;
	t->apologies += g->apologies, t->no_supplement += g->no_supplement;
	t->supplements += g->supplements;
	for (size_t i = 0; i < g->work.n; i++)
		ind_push(&t->work, g->work.v[i]);
}

/* The counts of g with its processing time in working days (g->work
 * reordered) into *out, named name (owned by *out; may be NULL). */
static void ind_dossiers_of(const struct ind_ctx *x, struct ind_dgroup *g, char *name,
                            struct indicators_dossiers *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->key, sizeof out->key, "%s", g->key);
	out->name = name;
	out->received = g->received, out->online = g->online, out->early = g->early;
	out->on_time = g->on_time, out->late = g->late, out->ineligible = g->ineligible;
	out->withdrawn = g->withdrawn, out->cancelled = g->cancelled, out->refused = g->refused;
	out->open_on_time = g->open_on_time, out->open_late = g->open_late;
	out->apologies = g->apologies, out->no_supplement = g->no_supplement;
	out->supplements = g->supplements;
	out->processing_days =
	    indicators_summarize_unsorted(g->work.v, g->work.n, (double)x->day_seconds);
}

/* The display name of a group key (owned by the caller). */
static char *ind_group_name(struct ind_ctx *x, enum indicators_by by, const char *key)
{
	static const char office_sql[] = "SELECT name FROM offices WHERE code = ?";
	static const char proc_sql[] = "SELECT name FROM procedures WHERE code = ? AND current = 1";
	static const char user_sql[] = "SELECT full_name FROM users"
	                               " WHERE 'user:' || id = ?1 OR username = ?1";
	static const char counter_sql[] = "SELECT name FROM counters WHERE no = ?";
	const char *sql = by == IND_BY_OFFICE      ? office_sql
	                  : by == IND_BY_PROCEDURE ? proc_sql
	                  : by == IND_BY_CLERK     ? user_sql
	                  : by == IND_BY_COUNTER   ? counter_sql
	                                           : NULL;
	if (*key == '\0' || strcmp(key, "0") == 0)
		return xstrdup(by == IND_BY_COUNTER ? "(không qua quầy)" : "(không rõ)");
	if (sql == NULL)
		return xstrdup(key);
	db_stmt *s = store_stmt(x->c, sql);
	char *v = NULL;
	if (s) {
		db_bind_text(s, 1, key, -1, DB_TRANSIENT);
		if (db_step(s) == DB_ROW)
			v = xstrdup(store_col_text(s, 0));
		db_reset(s);
	}
	return v ? v : xstrdup(key);
}

static int ind_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ind_dgroup *)a)->key, ((const struct ind_dgroup *)b)->key);
}

/* ---- queue --------------------------------------------------------------------- */

struct ind_qgroup {
	char key[96];
	int64_t visits, served, no_show, transferred, removed, open, recalls, within;
	struct ind_vec wait, service;
};

/* Visit outcomes as the figures code them (store/figures.h). */
enum { IND_OPEN, IND_SERVED, IND_NO_SHOW, IND_TRANSFERRED, IND_REMOVED };

static int ind_outcome_code(const char *outcome)
{
	static const char *const names[] = {"", "served", "no_show", "transferred", "removed"};
	for (int i = 1; i < 5; i++)
		if (strcmp(outcome, names[i]) == 0)
			return i;
	return IND_OPEN;
}

/* One visit counted in g: wait = called − queued (seconds, may be
 * negative), service = finished − called of a served visit (< 0: none). */
static void ind_q_add(struct ind_qgroup *g, int64_t wait, int outcome, int64_t recalls,
                      int64_t service, int64_t t_seconds)
{
	g->visits++;
	g->recalls += recalls;
	ind_push(&g->wait, wait < 0 ? 0 : wait);
	if (wait <= t_seconds)
		g->within++;
	switch (outcome) {
	case IND_SERVED:
		g->served++;
		if (service >= 0)
			ind_push(&g->service, service);
		break;
	case IND_NO_SHOW: g->no_show++; break;
	case IND_TRANSFERRED: g->transferred++; break;
	case IND_REMOVED: g->removed++; break;
	default: g->open++; break;
	}
}

/* The counts of g with its waits and services in minutes (g's vectors
 * reordered) into *out. */
static void ind_visits_of(struct ind_qgroup *g, struct indicators_visits *out)
{
	out->visits = g->visits, out->served = g->served, out->no_show = g->no_show;
	out->transferred = g->transferred, out->removed = g->removed, out->open = g->open;
	out->recalls = g->recalls, out->within = g->within;
	out->wait = indicators_summarize_unsorted(g->wait.v, g->wait.n, 60);
	out->service = indicators_summarize_unsorted(g->service.v, g->service.n, 60);
}

static void ind_qgroup_free(struct ind_qgroup *g)
{
	free(g->wait.v);
	free(g->service.v);
}

static int ind_slot_of(int64_t t, int first, int n_slots)
{
	int64_t sod = (t + CLOCK_OFFICE_UTC_OFFSET) % 86400;
	int k = (int)((sod - first) / IND_SLOT_SECONDS);
	if (sod < first)
		k = 0;
	return k < 0 ? 0 : k >= n_slots ? n_slots - 1 : k;
}

/* ind_slot_of for an instant in half hour h of its office day (0..47):
 * first is a multiple of the half hour. */
static int ind_half_hour_slot(int h, int first, int n_slots)
{
	int k = h - first / IND_SLOT_SECONDS;
	return k < 0 ? 0 : k >= n_slots ? n_slots - 1 : k;
}

static void ind_slot_label(int first, int k, char out[6])
{
	int s = first + k * IND_SLOT_SECONDS;
	snprintf(out, 6, "%02u:%02u", (unsigned)(s / 3600) % 24u, (unsigned)(s / 60) % 60u);
}

static int ind_weekday(int64_t t)
{
	return civil_weekday((int)((t + CLOCK_OFFICE_UTC_OFFSET) / 86400));
}

/* The queue's rows are the unit's: visits at counters, tickets in service
 * groups, of halls in the unit's subtree and the caller's scope (the
 * counter and group ids are in the scan's covering index; the sets are
 * read once per scan). Bound by ind_bind_unit. */
#define IND_Q_UNIT(col, table)                                                                     \
	" AND ((:unit = 0 AND :scope = 0) OR " col " IN (SELECT u.id FROM " table                  \
	" u WHERE 1 = 1" IND_IN_UNIT("u.office_id") "))"
#define IND_VISITS_WHERE                                                                           \
	" FROM visits v INDEXED BY visits_ind_called WHERE v.called_at >= ?1 AND v.called_at < "   \
	"?2" IND_Q_UNIT("v.counter_id", "counters")
static const char ind_visits_sql[] =
    "SELECT v.queued_at, v.called_at, v.finished_at, coalesce(v.outcome, ''), v.recalls,"
    " v.counter_id, ''" IND_VISITS_WHERE;
/* By clerk: the actor too (a read of the row; the index covers the rest). */
static const char ind_visits_sql_x[] =
    "SELECT v.queued_at, v.called_at, v.finished_at, coalesce(v.outcome, ''), v.recalls,"
    " v.counter_id, v.actor" IND_VISITS_WHERE;
static const char ind_tickets_sql[] = "SELECT t.issued_at, t.series_group_id,"
                                      " CASE WHEN t.outcome = 'voided' THEN 1 ELSE 0 END"
                                      " FROM tickets t INDEXED BY tickets_ind_issued"
                                      " WHERE t.issued_at >= ?1 AND t.issued_at < ?2" IND_Q_UNIT(
                                          "t.series_group_id", "service_groups");

/* Loads every row of sql (id, no, office, code) into k (k->v: the caller
 * frees it): MC_OK, or a database error (err filled; k then holds what was
 * read). */
static enum mc_err ind_counters_load(struct store_conn *c, const char *sql, struct ind_counters *k,
                                     struct mc_error *err)
{
	k->v = NULL;
	k->at = NULL;
	k->n = 0;
	k->max = 0;
	db_stmt *s = store_stmt(c, sql);
	if (s == NULL)
		return store_sql_error(c, "counters", err);
	size_t cap = 0;
	int step = DB_DONE;
	while (store_next(s, &step)) {
		if (k->n == cap) {
			cap = cap ? 2 * cap : 64;
			k->v = xrealloc(k->v, cap * sizeof *k->v);
		}
		struct ind_counter *e = &k->v[k->n++];
		e->id = db_column_int64(s, 0);
		e->no = db_column_int(s, 1);
		e->qgroup = -1;
		e->office = db_column_int64(s, 2);
		snprintf(e->code, sizeof e->code, "%s", store_col_text(s, 3));
	}
	enum mc_err rc = store_scan_end(c, s, step, "counters", err);
	k->max = k->n ? k->v[k->n - 1].id : 0;
	if (rc == MC_OK && k->n && k->v[0].id >= 0 && k->max < 1000000) {
		k->at = xmalloc(((size_t)k->max + 1) * sizeof *k->at);
		for (int64_t i = 0; i <= k->max; i++)
			k->at[i] = -1;
		for (size_t i = 0; i < k->n; i++)
			k->at[k->v[i].id] = (int)i;
	}
	return rc;
}

static void ind_counters_free(struct ind_counters *k)
{
	free(k->v);
	free(k->at);
}
static const char ind_counters_sql[] =
    "SELECT id, no, coalesce(office_id, 0), name FROM counters ORDER BY id";
static const char ind_sgroups_sql[] =
    "SELECT id, 0, coalesce(office_id, 0), code FROM service_groups ORDER BY id";

static struct ind_counter *ind_counter_of(const struct ind_counters *k, int64_t id)
{
	if (k->at)
		return id >= 0 && id <= k->max && k->at[id] >= 0 ? &k->v[k->at[id]] : NULL;
	size_t lo = 0, hi = k->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (k->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->n && k->v[lo].id == id ? &k->v[lo] : NULL;
}

/* by=office's key of a hall's office: its centre's code ("" unknown). */
static const char *ind_centre_key(const struct ind_ctx *x, int64_t office)
{
	int i = ind_office_index(x, office);
	return i >= 0 && x->offices[i].centre >= 0 ? x->offices[x->offices[i].centre].code : "";
}

/* by=counter's key of counter id into key: its number, after its centre's
 * code when the unit holds more than one centre ("TT-KS 1": two centres
 * both have a counter 1); "" for none or an unknown one. */
static void ind_counter_key(const struct ind_ctx *x, const struct ind_counters *k, int64_t id,
                            char *key, size_t len)
{
	const struct ind_counter *co = id ? ind_counter_of(k, id) : NULL;
	if (co == NULL)
		snprintf(key, len, "%s", "");
	else if (x->many_halls)
		snprintf(key, len, "%s %d", ind_centre_key(x, co->office), co->no);
	else
		snprintf(key, len, "%d", co->no);
}

/* The display name of by=counter's key: the counter's name, with its
 * centre's when the unit holds several ("Quầy 1 · Trung tâm …"). */
static char *ind_counter_name(struct ind_ctx *x, const struct ind_counters *k, const char *key)
{
	char kk[96];
	for (size_t i = 0; *key && i < k->n; i++) {
		ind_counter_key(x, k, k->v[i].id, kk, sizeof kk);
		if (strcmp(kk, key) != 0)
			continue;
		if (!x->many_halls)
			return xstrdup(k->v[i].code);
		char *centre = ind_group_name(x, IND_BY_OFFICE, ind_centre_key(x, k->v[i].office));
		char *out = xasprintf("%s · %s", k->v[i].code, centre);
		free(centre);
		return out;
	}
	return ind_group_name(x, IND_BY_COUNTER, key);
}

/* Queue groups by key: counter numbers as numbers ("2" before "10"), the
 * rest as text, no key first. */
static int ind_qkey_cmp(const void *pa, const void *pb)
{
	const char *a = ((const struct ind_qgroup *)pa)->key;
	const char *b = ((const struct ind_qgroup *)pb)->key;
	size_t la = strspn(a, "0123456789"), lb = strspn(b, "0123456789");
	if (la && lb && a[la] == '\0' && b[lb] == '\0' && la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

static int ind_qgroup_find(struct ind_qgroup **gs, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*gs)[i].key, key) == 0)
			return (int)i;
	*gs = xrealloc(*gs, (*n + 1) * sizeof **gs);
	memset(&(*gs)[*n], 0, sizeof **gs);
	snprintf((*gs)[*n].key, sizeof(*gs)[*n].key, "%s", key);
	return (int)(*n)++;
}

/* What a queue count carries between its scans. */
struct ind_qscan {
	struct indicators_queue *q; /* x->out->queue: the heat map goes straight there */
	int64_t t_sec;
	int first, n_slots;
	struct ind_qgroup total, slots[IND_MAX_SLOTS];
	struct ind_qgroup *groups;
	size_t n_groups;
	int last_g;
	struct ind_counters cn, sg;
	int64_t *centre_tickets; /* by=office: tickets per centre (index n_offices: none) */
};

/* One visit counted in the total, its group (last_g) and its slot k. */
static void ind_qscan_add(struct ind_qscan *qs, int k, int wd, int64_t wait, int outcome,
                          int64_t recalls, int64_t service)
{
	ind_q_add(&qs->total, wait, outcome, recalls, service, qs->t_sec);
	ind_q_add(&qs->groups[qs->last_g], wait, outcome, recalls, service, qs->t_sec);
	ind_q_add(&qs->slots[k], wait, outcome, recalls, service, qs->t_sec);
	qs->q->heat_visits[wd][k]++;
	qs->q->heat_wait[wd][k] += wait;
}

/* The visits called in the period, scanned from the rows. */
static enum mc_err ind_queue_visits_scan(struct ind_ctx *x, struct ind_qscan *qs,
                                         struct mc_error *err)
{
	db_stmt *s = store_stmt(x->c, x->by == IND_BY_CLERK ? ind_visits_sql_x : ind_visits_sql);
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	db_bind_int64(s, 1, x->start);
	db_bind_int64(s, 2, x->end);
	ind_bind_unit(x, s);
	int step;
	while (store_next(s, &step)) {
		int64_t queued = db_column_int64(s, 0), called = db_column_int64(s, 1);
		int64_t fin = db_column_int64(s, 2), recalls = db_column_int64(s, 4);
		int outcome = ind_outcome_code(store_col_text(s, 3));
		int64_t wait = called - queued;
		int64_t service = outcome == IND_SERVED && fin >= called ? fin - called : -1;
		char key[96];
		struct ind_counter *co = NULL;
		if (x->by == IND_BY_CLERK) {
			snprintf(key, sizeof key, "%s", store_col_text(s, 6));
		} else if (x->by == IND_BY_OFFICE) {
			/* Each counter's centre group, found once. */
			co = ind_counter_of(&qs->cn, db_column_int64(s, 5));
			if (co && co->qgroup >= 0)
				qs->last_g = co->qgroup;
			snprintf(key, sizeof key, "%s",
			         co && co->qgroup >= 0 ? qs->groups[qs->last_g].key
			         : co                  ? ind_centre_key(x, co->office)
			                               : "");
		} else {
			ind_counter_key(x, &qs->cn, db_column_int64(s, 5), key, sizeof key);
		}
		if (qs->last_g < 0 || strcmp(qs->groups[qs->last_g].key, key) != 0)
			qs->last_g = ind_qgroup_find(&qs->groups, &qs->n_groups, key);
		if (co)
			co->qgroup = qs->last_g;
		ind_qscan_add(qs, ind_slot_of(called, qs->first, qs->n_slots), ind_weekday(called),
		              wait, outcome, recalls, service);
	}
	return store_scan_end(x->c, s, step, "indicators", err);
}

/* The same visits from fig_visit_days: <counter, half hour, outcome,
 * recalls, wait, service>, rows of the unit's offices. */
static enum mc_err ind_queue_visits_figures(struct ind_ctx *x, struct ind_qscan *qs,
                                            struct mc_error *err)
{
	db_stmt *s = store_stmt(x->c, "SELECT day, office_id, items FROM fig_visit_days"
	                              " WHERE day >= ?1 AND day < ?2");
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	db_bind_int(s, 1, x->day_a);
	db_bind_int(s, 2, x->day_b);
	int step;
	while (store_next(s, &step)) {
		if (!ind_allowed(x, db_column_int64(s, 1)))
			continue;
		int wd = civil_weekday(db_column_int(s, 0));
		const char *p = store_col_text(s, 2);
		int64_t f[6];
		while (ind_token(&p, f, 6) > 0) {
			char key[96];
			struct ind_counter *co = ind_counter_of(&qs->cn, f[0]);
			if (co && co->qgroup >= 0) /* the counter's group, found before */
				qs->last_g = co->qgroup;
			else if (x->by == IND_BY_OFFICE)
				snprintf(key, sizeof key, "%s",
				         co ? ind_centre_key(x, co->office) : "");
			else
				ind_counter_key(x, &qs->cn, f[0], key, sizeof key);
			if (co == NULL || co->qgroup < 0) {
				if (qs->last_g < 0 || strcmp(qs->groups[qs->last_g].key, key) != 0)
					qs->last_g =
					    ind_qgroup_find(&qs->groups, &qs->n_groups, key);
				if (co)
					co->qgroup = qs->last_g;
			}
			int64_t service = f[5] == INT64_MIN ? -1 : f[5];
			ind_qscan_add(qs, ind_half_hour_slot((int)f[1], qs->first, qs->n_slots), wd,
			              f[4], (int)f[2], f[3], service);
		}
	}
	return store_scan_end(x->c, s, step, "indicators", err);
}

/* One ticket issued in slot k on weekday wd, of service group gid. */
static void ind_queue_ticket(struct ind_ctx *x, struct ind_qscan *qs, int64_t *per_group, int k,
                             int wd, int64_t gid)
{
	qs->q->slots[k].arrivals++;
	qs->q->heat_arrivals[wd][k]++;
	qs->q->tickets++;
	if (gid >= 0 && gid < IND_MAX_GROUPS)
		per_group[gid]++;
	const struct ind_counter *sgr = ind_counter_of(&qs->sg, gid);
	int oi = sgr ? ind_office_index(x, sgr->office) : -1;
	int ci = oi >= 0 ? x->offices[oi].centre : -1;
	qs->centre_tickets[ci >= 0 ? (size_t)ci : x->n_offices]++;
}

/* The tickets issued in the period: arrivals per slot and weekday, per
 * service group code (q->by_group) and per centre. */
static enum mc_err ind_queue_tickets(struct ind_ctx *x, struct ind_qscan *qs, struct mc_error *err)
{
	static _Thread_local int64_t per_group[IND_MAX_GROUPS];
	memset(per_group, 0, sizeof per_group);
	enum mc_err rc;
	if ((rc = ind_counters_load(x->c, ind_sgroups_sql, &qs->sg, err)))
		return rc;
	db_stmt *s = x->figures ? store_stmt(x->c, "SELECT day, office_id, items FROM"
	                                           " fig_ticket_days WHERE day >= ?1 AND day < ?2")
	                        : store_stmt(x->c, ind_tickets_sql);
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	if (x->figures) {
		db_bind_int(s, 1, x->day_a);
		db_bind_int(s, 2, x->day_b);
	} else {
		db_bind_int64(s, 1, x->start);
		db_bind_int64(s, 2, x->end);
		ind_bind_unit(x, s);
	}
	int step;
	while (store_next(s, &step)) {
		/* A voided ticket (its print failed) was never handed out:
		 * counted apart, not as an arrival. */
		if (!x->figures) {
			int64_t at = db_column_int64(s, 0);
			if (db_column_int64(s, 2) == 1)
				qs->q->tickets_voided++;
			else
				ind_queue_ticket(x, qs, per_group,
				                 ind_slot_of(at, qs->first, qs->n_slots),
				                 ind_weekday(at), db_column_int64(s, 1));
			continue;
		}
		/* A figures row: <group, half hour, voided> tokens. */
		if (!ind_allowed(x, db_column_int64(s, 1)))
			continue;
		int wd = civil_weekday(db_column_int(s, 0));
		const char *p = store_col_text(s, 2);
		int64_t f[3] = {0, 0, 0};
		while (ind_token(&p, f, 3) > 0) {
			if (f[2] == 1)
				qs->q->tickets_voided++;
			else
				ind_queue_ticket(
				    x, qs, per_group,
				    ind_half_hour_slot((int)f[1], qs->first, qs->n_slots), wd,
				    f[0]);
		}
	}
	if ((rc = store_scan_end(x->c, s, step, "indicators", err)))
		return rc;
	/* Per group code: two centres' groups of one code add up. */
	struct indicators_queue *q = qs->q;
	for (size_t i = 0; i < qs->sg.n; i++) {
		int64_t gid = qs->sg.v[i].id;
		if (gid < 0 || gid >= IND_MAX_GROUPS || per_group[gid] == 0)
			continue;
		size_t j = 0;
		while (j < q->n_by_group && strcmp(q->by_group[j].code, qs->sg.v[i].code) != 0)
			j++;
		if (j == q->n_by_group) {
			q->by_group = xrealloc(q->by_group, (j + 1) * sizeof *q->by_group);
			q->by_group[j].code = xstrdup(qs->sg.v[i].code);
			q->by_group[j].tickets = 0;
			q->n_by_group++;
		}
		q->by_group[j].tickets += per_group[gid];
	}
	return MC_OK;
}

/* The queue groups of qs into q->groups, in the order of their keys, named;
 * by=office every centre with tickets has one, with its tickets. */
static void ind_queue_groups(struct ind_ctx *x, struct ind_qscan *qs)
{
	struct indicators_queue *q = qs->q;
	if (x->by == IND_BY_OFFICE)
		for (size_t i = 0; i <= x->n_offices; i++)
			if (qs->centre_tickets[i])
				ind_qgroup_find(&qs->groups, &qs->n_groups,
				                i < x->n_offices ? x->offices[i].code : "");
	/* In the order of their keys, whatever order the rows came in. */
	if (qs->n_groups > 1)
		qsort(qs->groups, qs->n_groups, sizeof *qs->groups, ind_qkey_cmp);
	q->groups = xcalloc(qs->n_groups + 1, sizeof *q->groups);
	q->n_groups = qs->n_groups;
	for (size_t i = 0; i < qs->n_groups; i++) {
		struct indicators_queue_group *g = &q->groups[i];
		snprintf(g->key, sizeof g->key, "%s", qs->groups[i].key);
		ind_visits_of(&qs->groups[i], &g->v);
		g->name = x->by == IND_BY_CLERK    ? ind_group_name(x, IND_BY_CLERK, g->key)
		          : x->by == IND_BY_OFFICE ? ind_group_name(x, IND_BY_OFFICE, g->key)
		                                   : ind_counter_name(x, &qs->cn, g->key);
		if (x->by == IND_BY_OFFICE) {
			g->has_tickets = true;
			for (size_t k = 0; k <= x->n_offices; k++)
				if (strcmp(g->key, k < x->n_offices ? x->offices[k].code : "") == 0)
					g->tickets += qs->centre_tickets[k];
		}
	}
}

/* The queue figures of the period into x->out->queue. */
static enum mc_err ind_queue(struct ind_ctx *x, struct mc_error *err)
{
	struct indicators_queue *q = &x->out->queue;
	q->service_level_minutes = store_setting_int(x->st, "service_level_minutes", 15);
	q->group_by = x->by == IND_BY_CLERK || x->by == IND_BY_OFFICE ? x->by : IND_BY_COUNTER;
	struct ind_qscan *qs = xcalloc(1, sizeof *qs);
	qs->q = q;
	qs->t_sec = q->service_level_minutes * 60;
	qs->first = x->day_first;
	qs->n_slots = (x->day_last - x->day_first) / IND_SLOT_SECONDS + 1;
	if (qs->n_slots > IND_MAX_SLOTS)
		qs->n_slots = IND_MAX_SLOTS;
	if (qs->n_slots < 1)
		qs->n_slots = 1;
	qs->last_g = -1;
	qs->centre_tickets = xcalloc(x->n_offices + 1, sizeof *qs->centre_tickets);
	enum mc_err rc;
	if ((rc = ind_counters_load(x->c, ind_counters_sql, &qs->cn, err)) ||
	    (rc = x->figures ? ind_queue_visits_figures(x, qs, err)
	                     : ind_queue_visits_scan(x, qs, err)) ||
	    (rc = ind_queue_tickets(x, qs, err)))
		goto out;
	ind_visits_of(&qs->total, &q->total);
	ind_queue_groups(x, qs);
	q->n_slots = qs->n_slots;
	for (int k = 0; k < qs->n_slots; k++) {
		ind_slot_label(qs->first, k, q->slots[k].start);
		ind_visits_of(&qs->slots[k], &q->slots[k].v);
	}
out:
	ind_qgroup_free(&qs->total);
	for (int k = 0; k < IND_MAX_SLOTS; k++)
		ind_qgroup_free(&qs->slots[k]);
	for (size_t i = 0; i < qs->n_groups; i++)
		ind_qgroup_free(&qs->groups[i]);
	free(qs->groups);
	free(qs->centre_tickets);
	ind_counters_free(&qs->cn);
	ind_counters_free(&qs->sg);
	free(qs);
	return rc;
}

/* ---- satisfaction ---------------------------------------------------------------- */

const char *const indicators_levels[4] = {"very_satisfied", "satisfied", "neutral",
                                          "not_satisfied"};

static void ind_r_add(struct indicators_ratings *g, db_stmt *s)
{
	const char *lv = store_col_text(s, 0);
	for (int i = 0; i < 4; i++)
		if (strcmp(lv, indicators_levels[i]) == 0)
			g->level[i]++;
	g->rated++;
	if (db_column_type(s, 1) != DB_NULL) {
		g->on_time_n++;
		g->on_time_yes += db_column_int(s, 1);
	}
	if (db_column_type(s, 2) != DB_NULL) {
		g->courteous_n++;
		g->courteous_yes += db_column_int(s, 2);
	}
	if (db_column_type(s, 3) != DB_NULL) {
		g->visits_n++;
		g->visits_sum += db_column_int(s, 3);
		g->one_visit += db_column_int(s, 3) == 1;
	}
	g->unofficial += db_column_int(s, 4) == 1;
}

/* The ratings given in the period into x->out->ratings, and by procedure,
 * field or unit into x->out->rating_groups (named). */
static enum mc_err ind_satisfaction(struct ind_ctx *x, struct mc_error *err)
{
	static const char sql[] =
	    "SELECT r.level, r.on_time, r.courteous, r.visits, r.unofficial_payment_asked,"
	    " coalesce(p.code, ''), coalesce(p.field, ''), coalesce(p.office, ''), r.kind,"
	    " d.authority_id"
	    " FROM ratings r LEFT JOIN procedures p ON p.code = r.procedure_code AND p.current = 1"
	    " LEFT JOIN dossiers d ON r.kind = 'dossier' AND d.code = substr(r.subject, 9)"
	    " WHERE r.rated_at >= ?1 AND r.rated_at < ?2"
	    /* A hall's ratings are those given there; an authority's, those of
	     * the dossiers it is competent for (and its halls' queue ratings). */
	    IND_IN_UNIT("(CASE WHEN :by_intake = 1 OR d.id IS NULL THEN r.office_id"
	                " ELSE d.authority_id END)");
	db_stmt *s = store_stmt(x->c, sql);
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	struct indicators_ratings *total = &x->out->ratings, *groups = NULL;
	size_t n = 0;
	bool per_proc =
	    x->by == IND_BY_OFFICE || x->by == IND_BY_PROCEDURE || x->by == IND_BY_FIELD;
	int col = x->by == IND_BY_OFFICE ? 7 : x->by == IND_BY_FIELD ? 6 : 5;
	db_bind_int64(s, 1, x->start);
	db_bind_int64(s, 2, x->end);
	ind_bind_unit(x, s);
	int step;
	while (store_next(s, &step)) {
		ind_r_add(total, s);
		if (!per_proc || strcmp(store_col_text(s, 8), "dossier") != 0)
			continue;
		const char *key = store_col_text(s, col);
		if (x->by == IND_BY_OFFICE) { /* the dossiers' own unit (ind_office_groups) */
			int o = db_column_type(s, 9) == DB_NULL
			            ? -1
			            : ind_office_index(x, db_column_int64(s, 9));
			key = o >= 0 && x->offices[o].authority >= 0
			          ? x->offices[x->offices[o].authority].code
			          : ind_unit_of_code(x, key);
		}
		size_t i;
		for (i = 0; i < n && strcmp(groups[i].key, key) != 0; i++)
			;
		if (i == n) {
			groups = xrealloc(groups, (n + 1) * sizeof *groups);
			memset(&groups[n], 0, sizeof *groups);
			snprintf(groups[n].key, sizeof groups[n].key, "%s", key);
			n++;
		}
		ind_r_add(&groups[i], s);
	}
	x->out->rating_groups = groups; /* freed by indicators_report_free */
	x->out->n_rating_groups = n;
	x->out->ratings_per_procedure = per_proc;
	enum mc_err rc = store_scan_end(x->c, s, step, "indicators", err);
	for (size_t i = 0; rc == MC_OK && i < n; i++)
		groups[i].name = ind_group_name(x, x->by, groups[i].key);
	return rc;
}

/* ---- feedback (PAKN) ------------------------------------------------------------- */

const char *const indicators_feedback_classes[4] = {"procedure", "conduct", "dossier", "other"};
const char *const indicators_feedback_channels[6] = {"web",    "kiosk", "hotline",
                                                     "letter", "box",   "counter"};

static int ind_fb_index(const char *const *names, int n, const char *v)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], v) == 0)
			return i;
	return -1;
}

/* t as it stood at instant ref (exclusive): a step done at or after ref is
 * not done yet (its due, publish_due_at, fixed only by the answer, neither).
 * The request for information open at ref and the answer's due as it stood
 * then are the caller's (ind_fb_due_at). */
static void ind_fb_at(struct feedback_times *t, int64_t ref)
{
	if (t->classified_at >= ref)
		t->classified_at = 0, t->decision = NULL;
	if (t->info_requested_at >= ref)
		t->info_requested_at = 0;
	if (t->answered_at >= ref)
		t->answered_at = 0, t->publish_due_at = 0;
	if (t->published_at >= ref)
		t->published_at = 0;
	if (t->closed_at >= ref)
		t->closed_at = 0;
}

/* The answer's due of feedback id as it stood at ref: *due, the row's
 * answer_due_at, less the moves of the sender's replies made at or after ref,
 * taken back latest first. A reply moved the due by the working time from
 * its request to it, only when the due had not passed at the request
 * (store/feedback.c store_feedback_reply): a moved due is never before its
 * request, an unmoved one stayed before it, so "due before the request"
 * tells a reply that moved nothing. The notes 'info_request' and
 * 'info_reply' keep those instants; received anchors the working-time
 * position. On a database error MC_ERR_*; a calendar that cannot say
 * leaves *due as it is. */
static enum mc_err ind_fb_due_at(struct ind_ctx *x, int64_t id, int64_t received, int64_t *due,
                                 struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    x->c,
	    "SELECT r.at, (SELECT max(q.at) FROM feedback_notes q"
	    " WHERE q.feedback_id = r.feedback_id AND q.step = 'info_request' AND q.at <= r.at)"
	    " FROM feedback_notes r WHERE r.feedback_id = ?1 AND r.step = 'info_reply'"
	    " AND r.at >= ?2 ORDER BY r.at DESC, r.id DESC");
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, x->ref);
	int step;
	while (store_next(s, &step)) {
		int64_t waited = 0, span = 0, at = 0, asked = db_column_int64(s, 1);
		if (asked <= 0 || *due == 0 || *due < asked)
			continue;
		if (store_calendar_between(x->st, asked, db_column_int64(s, 0), &waited, NULL) ==
		        MC_OK &&
		    waited > 0 &&
		    store_calendar_between(x->st, received, *due, &span, NULL) == MC_OK &&
		    span - waited >= 0 &&
		    store_calendar_add(x->st, received, span - waited, &at, NULL) == MC_OK)
			*due = at;
	}
	return store_scan_end(x->c, s, step, "indicators", err);
}

static struct indicators_feedback *ind_fgroup_of(struct ind_ctx *x, const char *key)
{
	for (size_t i = 0; i < x->n_fgroups; i++)
		if (strcmp(x->fgroups[i].key, key) == 0)
			return &x->fgroups[i];
	x->fgroups = xrealloc(x->fgroups, (x->n_fgroups + 1) * sizeof *x->fgroups);
	struct indicators_feedback *g = &x->fgroups[x->n_fgroups++];
	memset(g, 0, sizeof *g);
	snprintf(g->key, sizeof g->key, "%s", key);
	return g;
}

/* The feedback of the unit (feedback.office_id in the unit's subtree and
 * the caller's scope) into *total, and for by=office into x->fgroups by
 * the code of the centre and of the authority at or above its office.
 * Each row's steps are judged by domain/feedback.h feedback_timing() on its
 * times as they stood at x->ref, the instant the period's figures are
 * counted at; whether it counts, is late or satisfied, and what it adds to
 * a group, by indicators_feedback_judge() and indicators_feedback_add()
 * (domain/indicators.h). Rows that cannot count (an anonymous report received before the period,
 * a PAKN ended before it) are left out in SQL. MC_OK or a database error. */
static enum mc_err ind_scan_feedback(struct ind_ctx *x, struct indicators_feedback *total,
                                     struct mc_error *err)
{
	static const char sql[] =
	    "SELECT f.kind, f.class, f.channel, f.office_id, f.received_at,"
	    " coalesce(f.classified_at, 0), coalesce(f.decision, ''),"
	    " coalesce(f.info_requested_at, 0), coalesce(f.answered_at, 0),"
	    " coalesce(f.published_at, 0), coalesce(f.closed_at, 0), coalesce(f.reject_due_at, 0),"
	    " coalesce(f.forward_due_at, 0), coalesce(f.info_due_at, 0),"
	    " coalesce(f.answer_due_at, 0), coalesce(f.publish_due_at, 0),"
	    " f.reaction = 'not_satisfied' AND f.reacted_at < ?2,"
	    " EXISTS (SELECT 1 FROM feedback r WHERE r.repeat_of = f.id AND r.received_at < ?2),"
	    /* 18: the request for information open at ref (made before it, no
	     * reply before it); 19: a reply at or after ref moved the due. */
	    " coalesce((SELECT max(n.at) FROM feedback_notes n WHERE n.feedback_id = f.id"
	    "  AND n.step = 'info_request' AND n.at < ?2 AND NOT EXISTS (SELECT 1"
	    "  FROM feedback_notes m WHERE m.feedback_id = f.id AND m.step = 'info_reply'"
	    "  AND m.at >= n.at AND m.at < ?2)), 0),"
	    " EXISTS (SELECT 1 FROM feedback_notes m WHERE m.feedback_id = f.id"
	    "  AND m.step = 'info_reply' AND m.at >= ?2), f.id"
	    " FROM feedback f WHERE f.received_at < ?2"
	    " AND (f.received_at >= ?1 OR (f.kind = 'pakn' AND NOT ("
	    "  (coalesce(f.decision, '') IN ('reject', 'forward')"
	    "   AND coalesce(f.classified_at, ?2) < ?1)"
	    "  OR coalesce(f.published_at, ?2) < ?1"
	    "  OR (coalesce(f.answered_at, ?2) < ?1"
	    "   AND coalesce(f.closed_at, ?2) < ?2))))" IND_IN_UNIT("f.office_id");
	db_stmt *s = store_stmt(x->c, sql);
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	db_bind_int64(s, 1, x->start);
	db_bind_int64(s, 2, x->ref);
	ind_bind_unit(x, s);
	int step;
	while (store_next(s, &step)) {
		char decision[16];
		snprintf(decision, sizeof decision, "%s", store_col_text(s, 6));
		struct feedback_times t = {
		    .received_at = db_column_int64(s, 4),
		    .classified_at = db_column_int64(s, 5),
		    .decision = decision[0] ? decision : NULL,
		    .info_requested_at = db_column_int64(s, 7),
		    .answered_at = db_column_int64(s, 8),
		    .published_at = db_column_int64(s, 9),
		    .closed_at = db_column_int64(s, 10),
		    .reject_due_at = db_column_int64(s, 11),
		    .forward_due_at = db_column_int64(s, 12),
		    .info_due_at = db_column_int64(s, 13),
		    .answer_due_at = db_column_int64(s, 14),
		    .publish_due_at = db_column_int64(s, 15),
		};
		struct indicators_feedback_row r = {
		    .anonymous = feedback_kind_of(store_col_text(s, 0)) != FEEDBACK_KIND_PAKN,
		    .in_period = t.received_at >= x->start,
		    .cls = ind_fb_index(indicators_feedback_classes, 4, store_col_text(s, 1)),
		    .channel = ind_fb_index(indicators_feedback_channels, 6, store_col_text(s, 2)),
		};
		if (!r.anonymous) { /* an anonymous report has no clock */
			ind_fb_at(&t, x->ref);
			/* The pause as it stood at ref (docs/feedback.md "The
			 * pause"): a reply after ref does not reach back. */
			t.info_asked_at = db_column_int64(s, 18);
			enum mc_err rc;
			if (db_column_int(s, 19) == 1 &&
			    (rc = ind_fb_due_at(x, db_column_int64(s, 20), t.received_at,
			                        &t.answer_due_at, err))) {
				db_reset(s);
				return rc;
			}
			feedback_timing(&t, x->ref, &r.tm);
			r.decision = t.decision;
			r.published = t.published_at > 0;
			indicators_feedback_judge(&r, x->start, db_column_int(s, 16) == 1,
			                          db_column_int(s, 17) == 1);
		}
		indicators_feedback_add(total, &r);
		if (x->by != IND_BY_OFFICE)
			continue;
		int o = ind_office_index(x, db_column_int64(s, 3));
		if (o < 0)
			continue;
		int centre = x->offices[o].centre, auth = x->offices[o].authority;
		if (centre >= 0)
			indicators_feedback_add(ind_fgroup_of(x, x->offices[centre].code), &r);
		if (auth >= 0 && auth != centre)
			indicators_feedback_add(ind_fgroup_of(x, x->offices[auth].code), &r);
	}
	return store_scan_end(x->c, s, step, "indicators", err);
}

static const struct indicators_feedback *ind_fgroup_find(const struct ind_ctx *x, const char *key)
{
	for (size_t i = 0; i < x->n_fgroups; i++)
		if (strcmp(x->fgroups[i].key, key) == 0)
			return &x->fgroups[i];
	return NULL;
}

/* The procedures posted, and those with a fee (an error leaves 0). */
static void ind_posted(struct ind_ctx *x)
{
	db_stmt *s = store_stmt(x->c, "SELECT count(*), count(*) FILTER (WHERE fee_vnd > 0)"
	                              " FROM procedures WHERE current = 1");
	if (s && db_step(s) == DB_ROW) {
		x->out->procedures_posted = db_column_int64(s, 0);
		x->out->procedures_with_fee = db_column_int64(s, 1);
	}
	if (s)
		db_reset(s);
}

/* ---- the whole answer ------------------------------------------------------------------ */

/* Office days *a (from) and *b (to) of a period; MC_ERR_INVALID ("invalid_period")
 * when a date is malformed, to < from or the period is longer than IND_MAX_DAYS.
 * *a and *b are always set (0 on error): mc_fail's result is not visible to the
 * compiler, which at -O3 otherwise sees a path that reads them unset. */
static enum mc_err ind_period(const char *from, const char *to, int *a, int *b,
                              struct mc_error *err)
{
	*a = *b = 0;
	if (!ind_date(from, a) || !ind_date(to, b) || *b < *a || *b - *a >= IND_MAX_DAYS)
		return mc_fail(err, MC_ERR_INVALID, "invalid_period",
		               "Kỳ phải có from và to dạng YYYY-MM-DD, from ≤ to, tối đa 3 năm",
		               "from and to must be YYYY-MM-DD, from <= to, at most 3 years");
	return MC_OK;
}

/* Resolves the unit of a query into x->unit / x->by_intake: the office with
 * code (NULL: who's own office) found inside who's scope, in SQL. *named
 * gets the office the answer names: the unit, or for the whole province the
 * root (its one centre when there is exactly one: the small case); 0 when
 * the tree is empty. MC_ERR_NOT_FOUND ("office_not_found") when the office
 * does not exist or lies outside the scope. Needs x->offices. */
/* ---- appointments (docs/indicators.md, "Appointments") ----------------------- */

/* The bookings of the unit's centres whose slot starts in the period, by
 * what became of them, into x->out->appointments: booked (all, cancelled
 * ones too), cancelled, checked_in_on_time, late, no_show (still 'booked'
 * when its check-in window had ended by the reference instant), pending
 * (still 'booked', window not yet over); and the waits, queued → called,
 * of the visits called in the period of tickets issued at a booking's
 * check-in in time ([1]), and of the others ([0]). MC_OK or a database
 * error (err set). */
static enum mc_err ind_appointments(struct ind_ctx *x, struct mc_error *err)
{
	static const char bookings_sql[] =
	    "SELECT count(*), coalesce(sum(CASE WHEN b.state = 'cancelled' THEN 1 ELSE 0 END), 0),"
	    " coalesce(sum(CASE WHEN b.state = 'checked_in' THEN 1 ELSE 0 END), 0),"
	    " coalesce(sum(CASE WHEN b.state = 'late' THEN 1 ELSE 0 END), 0),"
	    " coalesce(sum(CASE WHEN b.state = 'booked' AND b.slot_start + ?3 < ?4"
	    " THEN 1 ELSE 0 END), 0),"
	    " coalesce(sum(CASE WHEN b.state = 'booked' AND b.slot_start + ?3 >= ?4"
	    " THEN 1 ELSE 0 END), 0)"
	    " FROM bookings b WHERE b.slot_start >= ?1 AND b.slot_start < ?2" IND_IN_UNIT(
	        "b.office_id");
	/* Each visit's ticket is read by its key (NULL: no such ticket, a
	 * visit a join would drop), as SQLite joins them; a join lets
	 * PostgreSQL hash every ticket ever issued for a period's visits.
	 * Without a booking there is no booked ticket (tickets.booking_id
	 * references bookings): no ticket is read. */
	static const char waits_sql[] =
	    "SELECT CASE WHEN EXISTS (SELECT 1 FROM bookings) THEN"
	    " (SELECT CASE WHEN t.booking_id IS NOT NULL THEN 1 ELSE 0 END FROM tickets t"
	    " WHERE t.id = v.ticket_id) ELSE 0 END,"
	    " count(*), coalesce(sum(v.called_at - v.queued_at), 0)"
	    " FROM visits v INDEXED BY visits_ind_called"
	    " WHERE v.called_at >= ?1 AND v.called_at < ?2" IND_Q_UNIT("v.counter_id",
	                                                               "counters") " GROUP BY 1";
	struct booking_settings bs;
	store_booking_settings(x->st, &bs);
	struct indicators_appointments *ap = &x->out->appointments;
	enum mc_err rc;
	int64_t n[6] = {0};
	db_stmt *s = store_stmt(x->c, bookings_sql);
	if (s == NULL)
		goto sql_fail;
	db_bind_int64(s, 1, x->start);
	db_bind_int64(s, 2, x->end);
	/* The window ends at start + checkin_after (booking_window_close). */
	db_bind_int64(s, 3, booking_window_close(&bs, 0));
	db_bind_int64(s, 4, x->ref);
	ind_bind_unit(x, s);
	int step;
	if (store_next(s, &step))
		for (int i = 0; i < 6; i++)
			n[i] = db_column_int64(s, i);
	if ((rc = store_scan_end(x->c, s, step, "indicators", err)))
		return rc;
	ap->booked = n[0], ap->cancelled = n[1], ap->checked_in_on_time = n[2];
	ap->late = n[3], ap->no_show = n[4], ap->pending = n[5];
	s = store_stmt(x->c, waits_sql);
	if (s == NULL)
		goto sql_fail;
	db_bind_int64(s, 1, x->start);
	db_bind_int64(s, 2, x->ref);
	ind_bind_unit(x, s);
	while (store_next(s, &step)) {
		if (db_column_type(s, 0) == DB_NULL)
			continue;
		int booked = db_column_int(s, 0) != 0;
		ap->visits[booked] = db_column_int64(s, 1);
		ap->wait_sum[booked] = db_column_int64(s, 2);
	}
	return store_scan_end(x->c, s, step, "indicators", err);
sql_fail:
	return store_sql_error(x->c, "indicators", err);
}

static enum mc_err ind_unit(struct ind_ctx *x, const char *code, int64_t *named,
                            struct mc_error *err)
{
	static const char sql[] =
	    "SELECT o.id FROM offices o WHERE o.code = ?1 AND " SCOPE_SQL("o.id");
	int64_t id = x->who ? x->who->office_id : 0;
	if (code) {
		db_stmt *s = store_stmt(x->c, sql);
		if (s == NULL)
			return store_sql_error(x->c, "indicators", err);
		db_bind_text(s, 1, code, -1, DB_TRANSIENT);
		store_bind_scope(s, x->who);
		int step;
		bool found = store_next(s, &step);
		if (found)
			id = db_column_int64(s, 0);
		db_reset(s);
		if (!found && step != DB_DONE)
			return store_sql_error(x->c, "indicators", err);
		if (!found)
			return mc_failf(err, MC_ERR_NOT_FOUND, "office_not_found",
			                "Không tìm thấy đơn vị", "no office %.64s", code);
	}
	int i = id ? ind_office_index(x, id) : -1;
	const char *kind = i >= 0 ? x->offices[i].kind : "province";
	x->by_intake = strcmp(kind, "centre") == 0 || strcmp(kind, "point") == 0;
	x->unit = strcmp(kind, "province") == 0 ? 0 : id;
	*named = x->unit;
	int halls = 0;
	for (size_t k = 0; k < x->n_offices; k++) {
		if (strcmp(x->offices[k].kind, "centre") != 0)
			continue;
		int a = (int)k;
		for (int depth = 0; a >= 0 && depth < 64 && x->unit; depth++)
			a = x->offices[a].id == x->unit ? -2
			    : x->offices[a].parent      ? ind_office_index(x, x->offices[a].parent)
			                                : -1;
		halls += x->unit == 0 || a == -2;
	}
	x->many_halls = halls > 1;
	if (x->unit == 0) {
		int64_t root = 0, centre = 0;
		int centres = 0;
		for (size_t k = 0; k < x->n_offices; k++) {
			if (strcmp(x->offices[k].kind, "province") == 0)
				root = x->offices[k].id;
			else if (strcmp(x->offices[k].kind, "centre") == 0)
				centres++, centre = x->offices[k].id;
		}
		*named = centres == 1 ? centre : root;
	}
	return MC_OK;
}

/* by=office: a row for every centre and authority of the unit inside the
 * caller's scope, even one without figures in the period. */
static enum mc_err ind_unit_rows(struct ind_ctx *x, struct mc_error *err)
{
	static const char sql[] = "SELECT o.code, o.kind FROM offices o"
	                          " WHERE o.kind IN ('centre', 'authority')" IND_IN_UNIT("o.id");
	db_stmt *s = store_stmt(x->c, sql);
	if (s == NULL)
		return store_sql_error(x->c, "indicators", err);
	ind_bind_unit(x, s);
	int step;
	while (store_next(s, &step))
		ind_gset_find(strcmp(store_col_text(s, 1), "centre") == 0 ? &x->centres : &x->g,
		              store_col_text(s, 0));
	return store_scan_end(x->c, s, step, "indicators", err);
}

/* The rows of a set of dossier groups, sorted by key, named; for
 * by=office each with its office's kind, and what the 766 parts of the
 * unit need when units (the competent units, not the receiving centres).
 * Merges each into total when not NULL. *n gets the count; the caller
 * owns the array (indicators_report_free). */
static struct indicators_dossier_row *ind_group_rows(struct ind_ctx *x, struct ind_gset *gs,
                                                     struct ind_dgroup *total, bool units,
                                                     size_t *n)
{
	if (gs->n > 0) /* qsort's array may not be NULL, even when empty */
		qsort(gs->v, gs->n, sizeof *gs->v, ind_key_cmp);
	gs->last = -1;
	struct indicators_dossier_row *rows = xcalloc(gs->n + 1, sizeof *rows);
	*n = gs->n;
	for (size_t i = 0; i < gs->n; i++) {
		struct ind_dgroup *d = &gs->v[i];
		struct indicators_dossier_row *row = &rows[i];
		if (total)
			ind_merge(total, d);
		ind_dossiers_of(x, d,
		                x->by == IND_BY_COUNTER ? ind_counter_name(x, &x->cn, d->key)
		                                        : ind_group_name(x, x->by, d->key),
		                &row->d);
		const char *kind = NULL;
		if (x->by == IND_BY_OFFICE) {
			for (size_t k = 0; k < x->n_offices && kind == NULL; k++)
				if (strcmp(x->offices[k].code, d->key) == 0)
					kind = x->offices[k].kind;
			snprintf(row->d.kind, sizeof row->d.kind, "%s", kind ? kind : "");
		}
		if (!units)
			continue;
		row->has_766 = true;
		const struct indicators_report *out = x->out;
		for (size_t k = 0; k < out->n_rating_groups; k++)
			if (strcmp(out->rating_groups[k].key, d->key) == 0) {
				row->r = out->rating_groups[k];
				row->r.name = NULL; /* the copy owns nothing */
				break;
			}
		/* Feedback belongs to centres and the authorities above them
		 * (ind_scan_feedback); none counted: an empty group. */
		if (kind && (strcmp(kind, "centre") == 0 || strcmp(kind, "authority") == 0)) {
			row->has_feedback = true;
			const struct indicators_feedback *f = ind_fgroup_find(x, d->key);
			if (f)
				row->f = *f;
		}
	}
	return rows;
}

/* The dossier figures of x: from the maintained figures or by scans, then
 * the dossiers open at the end. *fallback as for ind_run. */
static enum mc_err ind_dossier_figures(struct ind_ctx *x, bool *fallback, struct mc_error *err)
{
	bool extra = x->by == IND_BY_CLERK || x->by == IND_BY_COUNTER;
	enum mc_err rc;
	if (x->figures) {
		if ((rc = ind_allow_load(x, err)) || (rc = ind_fig_dossiers(x, fallback, err)) ||
		    *fallback)
			return rc;
	} else if ((rc = ind_scan_finished(x, err)) ||
	           (rc = ind_scan_simple(x, extra ? ind_received_sql_x : ind_received_sql, 0,
	                                 err)) ||
	           (rc = ind_scan_simple(x, extra ? ind_apology_sql_x : ind_apology_sql, 2, err))) {
		return rc;
	}
	/* Open at the end: a scan of the open dossiers (partial index) and of
	 * those finished after the end, in the figures' path too. */
	if ((rc = ind_scan_simple(x, extra ? ind_open_now_sql_x : ind_open_now_sql, 1, err)))
		return rc;
	return ind_scan_simple(x,
	                       x->figures ? ind_open_span_sql
	                       : extra    ? ind_open_then_sql_x
	                                  : ind_open_then_sql,
	                       1, err);
}

/* The dossier rows of the answer into x->out, once every scan is done. */
static void ind_dossier_rows(struct ind_ctx *x)
{
	struct indicators_report *out = x->out;
	bool by_office = x->by == IND_BY_OFFICE;
	out->groups = ind_group_rows(x, &x->g, &x->total, by_office, &out->n_groups);
	ind_dossiers_of(x, &x->total, NULL, &out->total);
	if (!by_office)
		return;
	/* The receiving centres, each with the 766 parts of the dossiers it
	 * received, and their sum (what the centre rows add up to). */
	struct ind_dgroup ctotal = {0};
	out->centres = ind_group_rows(x, &x->centres, &ctotal, true, &out->n_centres);
	ind_dossiers_of(x, &ctotal, NULL, &out->centres_total.d);
	out->centres_total.has_766 = true;
	out->centres_total.has_feedback = true;
	out->centres_total.f = out->feedback;
	free(ctotal.work.v);
}

/* store_indicators, counted from the maintained figures when figures (and
 * by allows it) or by scans, into *out (emptied first). *fallback true
 * (out holding nothing of use) when the figures hold a finished dossier
 * without kept timing: the caller scans. */
static enum mc_err ind_run(struct store *st, const struct indicators_query *q, bool figures,
                           bool *fallback, struct indicators_report *out, struct mc_error *err)
{
	int a, b;
	*fallback = false;
	memset(out, 0, sizeof *out);
	enum mc_err rc = ind_period(q->from, q->to, &a, &b, err);
	if (rc)
		return rc;
	enum indicators_by by = q->by;
	struct ind_ctx x = {
	    .st = st, .c = store_read_conn(st), .who = q->who, .by = by, .out = out};
	x.day_first = q->day_first;
	x.day_last = q->day_last;
	/* Clerks and the counters of dossiers' tickets are not in the figures. */
	x.figures = figures && by != IND_BY_CLERK && by != IND_BY_COUNTER;
	x.day_a = a;
	x.day_b = b + 1;
	x.g.last = x.centres.last = -1;
	x.start = ind_day_start(a);
	x.end = ind_day_start(b + 1);
	/* A running period ends just after now (exclusive, like end): a dossier
	 * received or finished in this very second is received or finished,
	 * never also open. */
	int64_t now = clock_now();
	x.ref = now + 1 < x.end ? now + 1 : x.end;
	x.day_seconds = store_calendar_day_seconds(st);
	ind_day_text(a, out->from);
	ind_day_text(b, out->to);
	out->start = x.start, out->end = x.end, out->ref = x.ref, out->now = now;
	out->working_day_seconds = x.day_seconds;
	out->by = by;

	if ((rc = ind_load_offices(&x, err)) || (rc = ind_unit(&x, q->office, &out->office, err)) ||
	    (by == IND_BY_OFFICE && (rc = ind_unit_rows(&x, err))) ||
	    (by == IND_BY_COUNTER && (rc = ind_counters_load(x.c, ind_counters_sql, &x.cn, err))) ||
	    (rc = ind_load_procs(&x, err)))
		goto out;
	if (x.max_office >= 1000000) /* ind_allow_load indexes offices by id */
		x.figures = false;
	if ((rc = ind_dossier_figures(&x, fallback, err)) || *fallback ||
	    (rc = ind_queue(&x, err)) || (rc = ind_satisfaction(&x, err)) ||
	    (rc = ind_scan_feedback(&x, &out->feedback, err)) || (rc = ind_appointments(&x, err)))
		goto out;
	ind_dossier_rows(&x);
	ind_posted(&x);
	out->score_766_setting = store_setting_get(st, "score_766");
	rc = MC_OK;
out:
	ind_gset_free(&x.g);
	ind_gset_free(&x.centres);
	free(x.total.work.v);
	free(x.procs);
	free(x.proc_group);
	free(x.offices);
	free(x.office_at);
	free(x.fgroups);
	free(x.allow);
	ind_counters_free(&x.cn);
	return rc;
}

enum mc_err store_indicators(struct store *st, const struct indicators_query *q,
                             struct indicators_report *out, struct mc_error *err)
{
	bool fallback;
	enum mc_err rc = ind_run(st, q, true, &fallback, out, err);
	if (rc == MC_OK && fallback) {
		indicators_report_free(out);
		rc = ind_run(st, q, false, &fallback, out, err);
	}
	return rc;
}

enum mc_err store_indicators_scan(struct store *st, const struct indicators_query *q,
                                  struct indicators_report *out, struct mc_error *err)
{
	bool fallback;
	return ind_run(st, q, false, &fallback, out, err);
}

static void ind_rows_free(struct indicators_dossier_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].d.name);
	free(rows);
}

void indicators_report_free(struct indicators_report *r)
{
	ind_rows_free(r->groups, r->n_groups);
	ind_rows_free(r->centres, r->n_centres);
	free(r->total.name);
	free(r->centres_total.d.name);
	for (size_t i = 0; i < r->queue.n_groups; i++)
		free(r->queue.groups[i].name);
	free(r->queue.groups);
	for (size_t i = 0; i < r->queue.n_by_group; i++)
		free(r->queue.by_group[i].code);
	free(r->queue.by_group);
	for (size_t i = 0; i < r->n_rating_groups; i++)
		free(r->rating_groups[i].name);
	free(r->rating_groups);
	free(r->score_766_setting);
	memset(r, 0, sizeof *r);
}

/* ---- staffing ---------------------------------------------------------------------- */

/* Per slot of the day [start, end), the arrivals (voided tickets are none). */
static enum mc_err ind_staffing_arrivals(struct ind_ctx *x, int64_t start, int64_t end,
                                         struct indicators_staffing *out, struct mc_error *err)
{
	db_stmt *s = store_stmt(x->c, ind_tickets_sql);
	if (s == NULL)
		return store_sql_error(x->c, "staffing", err);
	db_bind_int64(s, 1, start);
	db_bind_int64(s, 2, end);
	ind_bind_unit(x, s);
	int step;
	while (store_next(s, &step))
		if (db_column_int(s, 2) == 0) /* a voided ticket is no arrival */
			out->slots[ind_slot_of(db_column_int64(s, 0), x->day_first, out->n_slots)]
			    .arrivals++;
	return store_scan_end(x->c, s, step, "staffing", err);
}

/* Per slot of the day [start, end), the services and the counters that
 * called someone; the day's services. */
static enum mc_err ind_staffing_visits(struct ind_ctx *x, int64_t start, int64_t end,
                                       struct indicators_staffing *out, struct mc_error *err)
{
	struct ind_counters cn;
	enum mc_err rc = ind_counters_load(x->c, ind_counters_sql, &cn, err);
	if (rc) {
		ind_counters_free(&cn);
		return rc;
	}
	/* Per slot, a bitset of the counters (by their index in cn) that called. */
	size_t words = cn.n / 64 + 1;
	uint64_t *called = xcalloc((size_t)out->n_slots * words, sizeof *called);
	db_stmt *s = store_stmt(x->c, ind_visits_sql);
	if (s == NULL) {
		rc = store_sql_error(x->c, "staffing", err);
		goto out;
	}
	db_bind_int64(s, 1, start);
	db_bind_int64(s, 2, end);
	ind_bind_unit(x, s);
	int step;
	while (store_next(s, &step)) {
		int k = ind_slot_of(db_column_int64(s, 1), x->day_first, out->n_slots);
		const struct ind_counter *co = ind_counter_of(&cn, db_column_int64(s, 5));
		if (co) {
			size_t ci = (size_t)(co - cn.v);
			called[(size_t)k * words + ci / 64] |= 1ull << (ci % 64);
		}
		if (strcmp(store_col_text(s, 3), "served") == 0 &&
		    db_column_int64(s, 2) >= db_column_int64(s, 1)) {
			int64_t d = db_column_int64(s, 2) - db_column_int64(s, 1);
			out->slots[k].served++, out->slots[k].service_sum += d;
			out->day_served++, out->day_service_sum += d;
		}
	}
	if ((rc = store_scan_end(x->c, s, step, "staffing", err)))
		goto out;
	for (int k = 0; k < out->n_slots; k++)
		for (size_t w = 0; w < words; w++)
			out->slots[k].counters_open +=
			    __builtin_popcountll(called[(size_t)k * words + w]);
out:
	ind_counters_free(&cn);
	free(called);
	return rc;
}

enum mc_err store_indicators_staffing(struct store *st, const struct indicators_query *q,
                                      struct indicators_staffing *out, struct mc_error *err)
{
	int day;
	memset(out, 0, sizeof *out);
	if (!ind_date(q->from, &day))
		return mc_fail(err, MC_ERR_INVALID, "invalid_date", "Ngày phải có dạng YYYY-MM-DD",
		               "date must be YYYY-MM-DD");
	struct ind_ctx x = {.st = st, .c = store_read_conn(st), .who = q->who};
	x.day_first = q->day_first;
	x.day_last = q->day_last;
	enum mc_err rc = ind_load_offices(&x, err);
	if (rc == MC_OK)
		rc = ind_unit(&x, q->office, &out->office, err);
	free(x.offices); /* the unit is all the scans need */
	free(x.office_at);
	if (rc)
		return rc;
	int64_t start = ind_day_start(day), end = ind_day_start(day + 1);
	out->service_level_minutes = store_setting_int(st, "service_level_minutes", 15);
	out->target_percent = store_setting_int(st, "service_level_target_percent", 80);
	out->default_service_seconds = store_setting_int(st, "default_service_minutes", 6) * 60;
	out->n_slots = (x.day_last - x.day_first) / IND_SLOT_SECONDS + 1;
	if (out->n_slots > IND_MAX_SLOTS)
		out->n_slots = IND_MAX_SLOTS;
	if (out->n_slots < 1)
		out->n_slots = 1;
	for (int k = 0; k < out->n_slots; k++)
		ind_slot_label(x.day_first, k, out->slots[k].start);
	if ((rc = ind_staffing_arrivals(&x, start, end, out, err)))
		return rc;
	return ind_staffing_visits(&x, start, end, out, err);
}
