/* The stored office calendar: overrides, calendar settings and the shared,
 * lazily rebuilt calendar of the server's queries. Settings and a centre's
 * hours are kept as JSON text; they are read through the engine's JSON
 * functions (store/dialect.h) into the domain's "as written" structs and checked there
 * (domain/workhours.h), and written with util/jsontext. */
#include "store/calendar.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/civil_date.h"
#include "domain/office.h"
#include "store/dialect.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/jsontext.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define CAL_KEY_WEEKDAYS "calendar_weekdays"
#define CAL_KEY_SESSIONS "calendar_sessions"
#define CAL_KEY_CUTOFF "calendar_cutoff"
#define CAL_CACHE_YEARS 10 /* years the shared calendar spans at least */

/* Exactly YYYY-MM-DD, a real date, in 1900-2100. */
static bool cal_parse_date(const char *s, int *y, int *m, int *d)
{
	return civil_parse_date(s, y, m, d) == CIVIL_INSTANT_OK && *y >= WORKCAL_FIRST_YEAR &&
	       *y <= WORKCAL_LAST_YEAR;
}

static enum mc_err cal_bad_date(struct mc_error *err, const char *s)
{
	return mc_failf(err, MC_ERR_INVALID, "invalid_date",
	                "Ngày không hợp lệ (YYYY-MM-DD, năm 1900–2100)",
	                "'%.20s' is not a date YYYY-MM-DD in 1900-2100", s ? s : "");
}

static bool cal_year_ok(int y)
{
	return y >= WORKCAL_FIRST_YEAR && y <= WORKCAL_LAST_YEAR;
}

static enum mc_err cal_bad_config(struct mc_error *err, const char *what)
{
	return mc_failf(err, MC_ERR_INVALID, "invalid_config",
	                "Cấu hình lịch làm việc không hợp lệ", "Invalid calendar configuration: %s",
	                what);
}

/* ---- Stored JSON text, read through the engine's JSON functions. */

/* Whether text is well-formed JSON (SQLite's json_valid). */
static bool cal_stored_valid(struct store_conn *c, const char *text)
{
	db_stmt *s = store_stmt(c, dialect_json_valid_sql(c->db));
	bool ok = false;
	if (s == NULL)
		return false;
	db_bind_text(s, 1, text, -1, DB_TRANSIENT);
	if (db_step(s) == DB_ROW)
		ok = db_column_int(s, 0) == 1;
	db_reset(s);
	return ok;
}

/* The JSON type of text at path ("array", "object", "text", …), into out;
 * "" when there is nothing there. text must be valid JSON. */
static void cal_stored_type(struct store_conn *c, const char *text, const char *path, char out[16])
{
	db_stmt *s = store_stmt(c, dialect_json_at_sql(c->db));
	out[0] = '\0';
	if (s == NULL)
		return;
	db_bind_text(s, 1, text, -1, DB_TRANSIENT);
	db_bind_text(s, 2, path, -1, DB_TRANSIENT);
	if (db_step(s) == DB_ROW && db_column_type(s, 0) != DB_NULL)
		snprintf(out, 16, "%s", store_col_text(s, 0));
	db_reset(s);
}

/* The list of integers at path of valid JSON text, as written. */
static void cal_raw_list(struct store_conn *c, const char *text, const char *path,
                         struct workhours_raw_list *out)
{
	char type[16];
	*out = (struct workhours_raw_list){0};
	cal_stored_type(c, text, path, type);
	if (strcmp(type, "array") != 0)
		return;
	out->is_array = true;
	db_stmt *s = store_stmt(c, dialect_json_items_sql(c->db));
	if (s == NULL)
		return;
	db_bind_text(s, 1, text, -1, DB_TRANSIENT);
	db_bind_text(s, 2, path, -1, DB_TRANSIENT);
	int step;
	while (store_next(s, &step)) {
		int i = out->n++;
		int64_t v = db_column_int64(s, 1);
		if (i < WORKHOURS_RAW_MAX) {
			out->is_int[i] = strcmp(store_col_text(s, 0), "integer") == 0 &&
			                 v >= -1000000 && v <= 1000000;
			out->item[i] = out->is_int[i] ? (int)v : -1;
		}
	}
	/* A scan cut short reads as malformed: the caller's fallback applies. */
	if (store_scan_end(c, s, step, "calendar list", NULL) != MC_OK)
		out->is_array = false;
}

/* A string member as written ("" when not a string or longer than HH:MM). */
static void cal_raw_hhmm(db_stmt *s, int col, char out[8])
{
	out[0] = '\0';
	if (db_column_type(s, col) == DB_TEXT && db_column_bytes(s, col) < 8)
		snprintf(out, 8, "%s", store_col_text(s, col));
}

/* The sessions of valid JSON text, as written. */
static void cal_raw_sessions(struct store_conn *c, const char *text,
                             struct workhours_raw_sessions *out)
{
	char type[16];
	*out = (struct workhours_raw_sessions){0};
	cal_stored_type(c, text, "$", type);
	if (strcmp(type, "array") != 0)
		return;
	out->is_array = true;
	db_stmt *s = store_stmt(c, dialect_json_sessions_sql(c->db));
	if (s == NULL)
		return;
	db_bind_text(s, 1, text, -1, DB_TRANSIENT);
	int step;
	while (store_next(s, &step)) {
		int i = out->n++;
		if (i >= WORKHOURS_RAW_MAX)
			continue;
		struct workhours_raw_session *v = &out->item[i];
		v->is_object = db_column_int(s, 0) == 1;
		v->n_members = db_column_int(s, 1);
		cal_raw_hhmm(s, 2, v->start);
		cal_raw_hhmm(s, 3, v->end);
		v->has_days = db_column_int(s, 4) == 1;
	}
	if (store_scan_end(c, s, step, "calendar sessions", NULL) != MC_OK)
		out->is_array = false;
	/* The days after the scan: one statement is stepped at a time. */
	for (int i = 0; i < out->n && i < WORKHOURS_RAW_MAX; i++) {
		char path[32];
		snprintf(path, sizeof path, "$[%d].days", i);
		if (out->item[i].has_days)
			cal_raw_list(c, text, path, &out->item[i].days);
	}
}

/* The stored province configuration over the defaults, for the years
 * first..last. MC_ERR_CONFLICT ("calendar_config_invalid") when a stored
 * setting is malformed. */
static enum mc_err cal_config_read(struct store *st, int first, int last,
                                   struct workcal_config *cfg, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char *w = store_setting_get(st, CAL_KEY_WEEKDAYS);
	char *s = store_setting_get(st, CAL_KEY_SESSIONS);
	char *cut = store_setting_get(st, CAL_KEY_CUTOFF);
	enum workhours_fault f = WORKHOURS_OK;
	bool bad = (w && !cal_stored_valid(c, w)) || (s && !cal_stored_valid(c, s)) ||
	           (cut && !cal_stored_valid(c, cut));

	workcal_config_default(cfg, first, last);
	if (!bad && w) {
		struct workhours_raw_list raw;
		struct workhours_weekdays wd;
		cal_raw_list(c, w, "$", &raw);
		if ((f = workhours_weekdays_check(&raw, &wd)) == WORKHOURS_OK)
			cfg->weekday_mask = wd.mask;
	}
	if (!bad && !f && s) {
		struct workhours_raw_sessions *raw = xmalloc(sizeof *raw);
		cal_raw_sessions(c, s, raw);
		f = workhours_sessions_check(raw, cfg);
		free(raw);
	}
	if (!bad && !f && cut) {
		char type[16];
		cal_stored_type(c, cut, "$", type);
		/* The text is "\"HH:MM\"": its inside, when a string. */
		char hhmm[8] = "";
		if (strcmp(type, "text") == 0 && strlen(cut) == 7)
			snprintf(hhmm, sizeof hhmm, "%.5s", cut + 1);
		f = workhours_cutoff_check(hhmm, &cfg->cutoff);
	}
	free(w);
	free(s);
	free(cut);
	if (bad || f)
		return mc_failf(err, MC_ERR_CONFLICT, "calendar_config_invalid",
		                "Cấu hình lịch làm việc đã lưu bị hỏng",
		                "The stored calendar settings are malformed: %s",
		                bad ? "not JSON" : workhours_fault_text(f));
	return MC_OK;
}

/* Applies the stored overrides of first..last to cal, in date order. */
static enum mc_err cal_apply_overrides(struct store *st, struct workcal *cal, int first, int last,
                                       struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char lo[16], hi[16];
	enum mc_err rc = MC_OK;

	db_stmt *s = store_stmt(c, "SELECT date, kind, name FROM calendar_overrides"
	                           " WHERE date BETWEEN ? AND ? ORDER BY date");
	if (s == NULL)
		return store_sql_error(c, "calendar overrides", err);
	snprintf(lo, sizeof lo, "%04d-01-01", first);
	snprintf(hi, sizeof hi, "%04d-12-31", last);
	db_bind_text(s, 1, lo, -1, DB_TRANSIENT);
	db_bind_text(s, 2, hi, -1, DB_TRANSIENT);
	int step;
	while ((step = db_step(s)) == DB_ROW) {
		const char *date = store_col_text(s, 0);
		struct workcal_override ov = {0};
		if (!cal_parse_date(date, &ov.year, &ov.month, &ov.day) ||
		    !workhours_override_kind_parse(store_col_text(s, 1), &ov.kind)) {
			log_warn("calendar: skipping malformed override %.20s", date);
			continue;
		}
		ov.name = db_column_type(s, 2) == DB_NULL ? NULL : store_col_text(s, 2);
		switch (workcal_add_override(cal, &ov)) {
		case WORKCAL_OK:
		case WORKCAL_ERANGE: break;
		case WORKCAL_EFULL:
			rc = mc_fail(err, MC_ERR_CONFLICT, "calendar_full",
			             "Lịch có quá nhiều ngày đặc biệt",
			             "Too many named days in the calendar");
			goto out;
		default:
			log_warn("calendar: override %s %s no longer applies, skipped", date,
			         workhours_override_kind_name(ov.kind));
		}
	}
	if (step != DB_DONE)
		rc = store_sql_error(c, "calendar overrides", err);
out:
	db_reset(s);
	return rc;
}
enum mc_err store_calendar_load(struct store *st, int first_year, int last_year,
                                struct workcal *cal, struct mc_error *err)
{
	struct workcal_config cfg;
	enum mc_err rc;

	if (!cal_year_ok(first_year) || !cal_year_ok(last_year) || last_year < first_year ||
	    last_year - first_year + 1 > WORKCAL_MAX_YEARS)
		return mc_failf(err, MC_ERR_INVALID, "invalid_year", "Năm không hợp lệ (1900–2100)",
		                "Years %d-%d: expected 1900-2100, at most %d of them", first_year,
		                last_year, WORKCAL_MAX_YEARS);
	if ((rc = cal_config_read(st, first_year, last_year, &cfg, err)))
		return rc;
	if (workcal_init(cal, &cfg) != WORKCAL_OK)
		return mc_fail(err, MC_ERR_CONFLICT, "calendar_config_invalid",
		               "Cấu hình lịch làm việc đã lưu bị hỏng",
		               "The stored calendar settings give no usable calendar");
	return cal_apply_overrides(st, cal, first_year, last_year, err);
}

/* The shared calendar of the server's queries: one slot, keyed by the store
 * and the hash of its latest calendar event, so any committed calendar change
 * (every one appends such an event) makes it stale. The version is read
 * before the data, so a change racing a rebuild at worst rebuilds again.
 * Owner: cal_cache_lock guards every field and the workcal it points to, from
 * cal_cache_acquire() to cal_cache_release() on the same thread (an
 * error-checking mutex: a release by another thread aborts). Lock order: it
 * may be taken while holding the writer lock (a due date computed inside a
 * write transaction), never the reverse: nothing under it waits for the
 * writer lock (the calendar is read through store_read_conn). */
static pthread_mutex_t cal_cache_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static struct {
	const struct store *st;
	char version[65];
	int first, last;
	struct workcal *cal;
} cal_cache;

static void cal_version(struct store *st, char out[65])
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT hash FROM events WHERE entity = 'calendar'"
	                           " ORDER BY id DESC LIMIT 1");
	snprintf(out, 65, "-");
	if (s == NULL)
		return;
	if (db_step(s) == DB_ROW)
		snprintf(out, 65, "%s", store_col_text(s, 0));
	db_reset(s);
}

/* Returns the shared calendar covering first..last (valid years) with the
 * cache lock held, to be released with cal_cache_release(); NULL (lock not
 * held) with err set when it cannot be built. */
static const struct workcal *cal_cache_acquire(struct store *st, int first, int last,
                                               struct mc_error *err)
{
	char version[65];

	cal_version(st, version);
	pthread_mutex_lock(&cal_cache_lock);
	if (cal_cache.cal && cal_cache.st == st && strcmp(cal_cache.version, version) == 0 &&
	    cal_cache.first <= first && last <= cal_cache.last)
		return cal_cache.cal;
	int hi = last > first + CAL_CACHE_YEARS - 1 ? last : first + CAL_CACHE_YEARS - 1;
	if (hi > WORKCAL_LAST_YEAR)
		hi = WORKCAL_LAST_YEAR;
	int lo = first < hi - CAL_CACHE_YEARS + 1 ? first : hi - CAL_CACHE_YEARS + 1;
	if (!cal_cache.cal)
		cal_cache.cal = xmalloc(sizeof *cal_cache.cal);
	cal_cache.st = NULL;
	if (store_calendar_load(st, lo, hi, cal_cache.cal, err) != MC_OK) {
		pthread_mutex_unlock(&cal_cache_lock);
		return NULL;
	}
	cal_cache.st = st;
	snprintf(cal_cache.version, sizeof cal_cache.version, "%s", version);
	cal_cache.first = lo;
	cal_cache.last = hi;
	return cal_cache.cal;
}

static void cal_cache_release(void)
{
	ENFORCE(pthread_mutex_unlock(&cal_cache_lock) == 0,
	        "calendar cache released by a thread that does not hold it");
}

void calendar_overrides_free(struct calendar_overrides *list)
{
	free(list->items);
	*list = (struct calendar_overrides){0};
}

/* The override row s is on (date, kind, name, set_by, set_at) into *o. */
static void cal_override_row(db_stmt *s, struct calendar_override *o)
{
	*o = (struct calendar_override){.set_at = db_column_int64(s, 4)};
	snprintf(o->date, sizeof o->date, "%s", store_col_text(s, 0));
	snprintf(o->kind, sizeof o->kind, "%s", store_col_text(s, 1));
	o->has_name = db_column_type(s, 2) != DB_NULL;
	if (o->has_name)
		snprintf(o->name, sizeof o->name, "%s", store_col_text(s, 2));
	snprintf(o->set_by, sizeof o->set_by, "%s", store_col_text(s, 3));
}

/* The override of date into *o: true when there is one. */
static bool cal_override_get(struct store_conn *c, const char *date, struct calendar_override *o)
{
	bool found = false;
	db_stmt *s = store_stmt(c, "SELECT date, kind, name, set_by, set_at"
	                           " FROM calendar_overrides WHERE date = ?");
	if (s == NULL)
		return false;
	db_bind_text(s, 1, date, -1, DB_TRANSIENT);
	if (db_step(s) == DB_ROW) {
		cal_override_row(s, o);
		found = true;
	}
	db_reset(s);
	return found;
}

/* Appends who's calendar event (entity id eid, action, details text) inside
 * the caller's write transaction. MC_OK, else the error (err filled). */
static enum mc_err cal_event(struct store *st, const struct principal *who, const char *eid,
                             const char *action, const char *details, struct mc_error *err)
{
	int64_t id =
	    store_event_append(st, who->actor, "calendar", eid, action, details, false, err);
	return id ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

/* Writes "previous": the override as it was (or null), keys sorted. */
static void cal_previous_text(struct jsontext *j, const struct calendar_override *prev)
{
	char at[26];
	if (prev == NULL) {
		jt_null(j, "previous");
		return;
	}
	clock_office_iso(prev->set_at, at);
	jt_object(j, "previous");
	jt_str(j, "date", prev->date);
	jt_str(j, "kind", prev->kind);
	jt_str(j, "name", prev->has_name ? prev->name : NULL);
	jt_str(j, "set_by", prev->set_by);
	jt_str(j, "set_at", at);
	jt_end(j);
}

/* Appends a calendar event with details {"date", "kind"?, "name"?,
 * "previous"} (keys sorted, as the chain has always kept them). */
static enum mc_err cal_audit(struct store *st, const struct principal *who, const char *date,
                             const char *action, const char *kind, const char *name,
                             const struct calendar_override *prev, struct mc_error *err)
{
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_str(&j, "date", date);
	if (kind) {
		jt_str(&j, "kind", kind);
		jt_str(&j, "name", name);
	}
	cal_previous_text(&j, prev);
	jt_end(&j);
	char *text = jt_finish(&j);
	enum mc_err rc = cal_event(st, who, date, action, text, err);
	free(text);
	return rc;
}

/* Checks that override ov applies to the calendar the rules give for its
 * year under the stored configuration (remove/rename need a named day). */
static enum mc_err cal_check_applies(struct store *st, const struct workcal_override *ov,
                                     struct mc_error *err)
{
	struct workcal_config cfg;
	struct workcal *cal = xmalloc(sizeof *cal);
	enum mc_err rc;
	int lo = ov->year > WORKCAL_FIRST_YEAR ? ov->year - 1 : ov->year;
	int hi = ov->year < WORKCAL_LAST_YEAR ? ov->year + 1 : ov->year;

	if ((rc = cal_config_read(st, lo, hi, &cfg, err)))
		goto out;
	if (workcal_init(cal, &cfg) != WORKCAL_OK) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "calendar_config_invalid",
		             "Cấu hình lịch làm việc đã lưu bị hỏng",
		             "The stored calendar settings give no usable calendar");
		goto out;
	}
	switch (workcal_add_override(cal, ov)) {
	case WORKCAL_OK: rc = MC_OK; break;
	case WORKCAL_ENOENT:
		rc = mc_failf(err, MC_ERR_INVALID, "no_named_day",
		              "Ngày này không phải ngày lễ hay ngày làm bù theo quy định",
		              "%04d-%02d-%02d is no holiday or make-up day of the rules:"
		              " nothing to %s",
		              ov->year, ov->month, ov->day, workhours_override_kind_name(ov->kind));
		break;
	default:
		rc = mc_fail(err, MC_ERR_INVALID, "invalid_override", "Ngày đặc biệt không hợp lệ",
		             "The override cannot be applied");
	}
out:
	free(cal);
	return rc;
}

/* The override of set_day as asked, checked: *ov filled (its name points
 * into name). */
static enum mc_err cal_day_ask(const char *date, const char *kind, const char *name,
                               struct workcal_override *ov, struct mc_error *err)
{
	*ov = (struct workcal_override){0};
	if (!cal_parse_date(date, &ov->year, &ov->month, &ov->day))
		return cal_bad_date(err, date);
	if (!workhours_override_kind_parse(kind, &ov->kind))
		return mc_failf(err, MC_ERR_INVALID, "invalid_kind", "Loại ngày không hợp lệ",
		                "kind must be day_off, workday, remove or rename, not '%.20s'",
		                kind ? kind : "");
	if (ov->kind == WORKCAL_OVERRIDE_REMOVE)
		name = NULL;
	if (name && !workhours_day_name_ok(name))
		return mc_failf(err, MC_ERR_INVALID, "invalid_name", "Tên ngày không hợp lệ",
		                "name must be 1-%d bytes of UTF-8 text without control characters",
		                WORKCAL_NAME_MAX - 1);
	if (name == NULL && ov->kind == WORKCAL_OVERRIDE_RENAME)
		return mc_fail(err, MC_ERR_INVALID, "missing_name", "Cần tên mới cho ngày",
		               "rename needs a name");
	ov->name = name;
	return MC_OK;
}

enum mc_err store_calendar_set_day(struct store *st, const struct principal *who, const char *date,
                                   const char *kind, const char *name,
                                   struct calendar_override *row, struct mc_error *err)
{
	struct workcal_override ov;
	struct calendar_override previous, stored;
	enum mc_err rc;

	if (row)
		*row = (struct calendar_override){0};
	if ((rc = cal_day_ask(date, kind, name, &ov, err)) ||
	    (rc = cal_check_applies(st, &ov, err)))
		return rc;
	const char *kind_name = workhours_override_kind_name(ov.kind);
	if ((rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	bool had = cal_override_get(c, date, &previous);
	db_stmt *s = store_stmt(c, "INSERT INTO calendar_overrides"
	                           " (date, kind, name, set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5)"
	                           " ON CONFLICT (date) DO UPDATE SET kind = ?2, name = ?3,"
	                           " set_by = ?4, set_at = ?5");
	if (s == NULL) {
		rc = store_sql_error(c, "calendar override", err);
		goto fail;
	}
	db_bind_text(s, 1, date, -1, DB_TRANSIENT);
	db_bind_text(s, 2, kind_name, -1, DB_STATIC);
	if (ov.name)
		db_bind_text(s, 3, ov.name, -1, DB_TRANSIENT);
	db_bind_text(s, 4, who->actor, -1, DB_TRANSIENT);
	db_bind_int64(s, 5, clock_now());
	int step = db_step(s);
	db_reset(s);
	if (step != DB_DONE) {
		rc = store_sql_error(c, "calendar override", err);
		goto fail;
	}
	if ((rc = cal_audit(st, who, date, "calendar.day_set", kind_name, ov.name,
	                    had ? &previous : NULL, err)))
		goto fail;
	bool got = cal_override_get(c, date, &stored);
	if ((rc = store_commit(st, err)))
		return rc;
	if (row && got)
		*row = stored;
	return MC_OK;
fail:
	store_rollback(st);
	return rc;
}

enum mc_err store_calendar_delete_day(struct store *st, const struct principal *who,
                                      const char *date, struct mc_error *err)
{
	int y, m, d;
	struct calendar_override previous;
	enum mc_err rc;

	if (!cal_parse_date(date, &y, &m, &d))
		return cal_bad_date(err, date);
	if ((rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	if (!cal_override_get(c, date, &previous)) {
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "calendar_day_not_found",
		              "Không có ngày đặc biệt nào được nhập cho ngày này",
		              "No override is stored for %s", date);
		goto fail;
	}
	db_stmt *s = store_stmt(c, "DELETE FROM calendar_overrides WHERE date = ?");
	if (s == NULL) {
		rc = store_sql_error(c, "calendar override", err);
		goto fail;
	}
	db_bind_text(s, 1, date, -1, DB_TRANSIENT);
	int step = db_step(s);
	db_reset(s);
	if (step != DB_DONE) {
		rc = store_sql_error(c, "calendar override", err);
		goto fail;
	}
	if ((rc = cal_audit(st, who, date, "calendar.day_deleted", NULL, NULL, &previous, err)))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

enum mc_err store_calendar_overrides(struct store *st, int year, struct calendar_overrides *out,
                                     struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char lo[16], hi[16];
	size_t cap = 0;

	*out = (struct calendar_overrides){0};
	if (!cal_year_ok(year))
		return mc_failf(err, MC_ERR_INVALID, "invalid_year", "Năm không hợp lệ (1900–2100)",
		                "year %d is outside 1900-2100", year);
	db_stmt *s = store_stmt(c, "SELECT date, kind, name, set_by, set_at"
	                           " FROM calendar_overrides"
	                           " WHERE date BETWEEN ? AND ? ORDER BY date");
	if (s == NULL)
		return store_sql_error(c, "calendar overrides", err);
	snprintf(lo, sizeof lo, "%04d-01-01", year);
	snprintf(hi, sizeof hi, "%04d-12-31", year);
	db_bind_text(s, 1, lo, -1, DB_TRANSIENT);
	db_bind_text(s, 2, hi, -1, DB_TRANSIENT);
	int step;
	while (store_next(s, &step)) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 8;
			out->items = xreallocarray(out->items, cap, sizeof *out->items);
		}
		cal_override_row(s, &out->items[out->n++]);
	}
	enum mc_err rc = store_scan_end(c, s, step, "calendar overrides", err);
	if (rc)
		calendar_overrides_free(out);
	return rc;
}

enum mc_err store_calendar_config(struct store *st, struct workcal_config *out,
                                  struct mc_error *err)
{
	struct workcal_config cfg;
	enum mc_err rc = cal_config_read(st, 2000, 2000, &cfg, err);
	if (rc == MC_OK)
		*out = cfg;
	return rc;
}

/* cfg's weekly pattern, sessions and cutoff as the settings keep them
 * (text[0..2]: weekdays, sessions, cutoff; the caller frees them) and as
 * the event's details (keys sorted), into *details. */
static void cal_config_texts(const struct workcal_config *cfg, char *text[3], char **details)
{
	struct strbuf w = STRBUF_INIT, s = STRBUF_INIT;
	struct jsontext j = JSONTEXT_INIT;
	char a[8], b[8], off[16];

	strbuf_puts(&w, "[");
	for (int d = 0; d < 7; d++)
		if (cfg->weekday_mask & (1u << d))
			strbuf_printf(&w, "%s%d", w.len > 1 ? "," : "", d);
	strbuf_puts(&w, "]");
	strbuf_puts(&s, "[");
	for (int i = 0; i < cfg->n_sessions; i++) {
		workhours_hhmm_format(cfg->sessions[i].start, a);
		workhours_hhmm_format(cfg->sessions[i].end, b);
		strbuf_printf(&s, "%s{\"start\":\"%s\",\"end\":\"%s\"}", i ? "," : "", a, b);
	}
	strbuf_puts(&s, "]");
	workhours_hhmm_format(cfg->cutoff, a);
	text[0] = strbuf_detach(&w, NULL);
	text[1] = strbuf_detach(&s, NULL);
	text[2] = xasprintf("\"%s\"", a);

	snprintf(off, sizeof off, "%c%02d:%02d", cfg->utc_offset < 0 ? '-' : '+',
	         abs(cfg->utc_offset) / 3600, abs(cfg->utc_offset) / 60 % 60);
	jt_begin(&j);
	jt_str(&j, "cutoff", a);
	jt_array(&j, "sessions");
	for (int i = 0; i < cfg->n_sessions; i++) {
		workhours_hhmm_format(cfg->sessions[i].start, a);
		workhours_hhmm_format(cfg->sessions[i].end, b);
		jt_object(&j, NULL);
		jt_str(&j, "end", b);
		jt_str(&j, "start", a);
		jt_end(&j);
	}
	jt_end(&j);
	jt_str(&j, "utc_offset", off);
	jt_array(&j, "weekdays");
	for (int d = 0; d < 7; d++)
		if (cfg->weekday_mask & (1u << d))
			jt_int(&j, NULL, d);
	jt_end(&j);
	jt_end(&j);
	*details = jt_finish(&j);
}

enum mc_err store_calendar_set_config(struct store *st, const struct principal *who,
                                      const struct workhours_config_change *ch,
                                      struct mc_error *err)
{
	static const char *const settings[] = {CAL_KEY_WEEKDAYS, CAL_KEY_SESSIONS, CAL_KEY_CUTOFF};
	struct workcal_config cfg;
	char *text[3] = {NULL, NULL, NULL}, *details = NULL;
	enum mc_err rc;

	/* A malformed stored configuration can be repaired: start from defaults. */
	if (cal_config_read(st, 2000, 2000, &cfg, NULL) != MC_OK)
		workcal_config_default(&cfg, 2000, 2000);
	workhours_config_apply(&cfg, ch);
	struct workcal *cal = xmalloc(sizeof *cal);
	bool usable = workcal_init(cal, &cfg) == WORKCAL_OK;
	free(cal);
	if (!usable)
		return cal_bad_config(err, workhours_fault_text(WORKHOURS_NO_CALENDAR));
	cal_config_texts(&cfg, text, &details);
	if ((rc = store_begin(st, err)))
		goto out;
	for (size_t i = 0; i < 3; i++)
		if ((rc = store_setting_set(st, settings[i], text[i], err)))
			goto fail;
	if ((rc = cal_event(st, who, "config", "calendar.config_set", details, err)))
		goto fail;
	rc = store_commit(st, err);
	goto out;
fail:
	store_rollback(st);
out:
	for (size_t i = 0; i < 3; i++)
		free(text[i]);
	free(details);
	return rc;
}

void calendar_year_free(struct calendar_year *y)
{
	free(y->days);
	calendar_overrides_free(&y->overrides);
	*y = (struct calendar_year){0};
}

enum mc_err store_calendar_year(struct store *st, int year, struct calendar_year *out,
                                struct mc_error *err)
{
	*out = (struct calendar_year){.year = year};
	if (!cal_year_ok(year))
		return mc_failf(err, MC_ERR_INVALID, "invalid_year", "Năm không hợp lệ (1900–2100)",
		                "Year %d is outside 1900-2100", year);
	int lo = year > WORKCAL_FIRST_YEAR ? year - 1 : year;
	int hi = year < WORKCAL_LAST_YEAR ? year + 1 : year;
	const struct workcal *cal = cal_cache_acquire(st, lo, hi, err);
	if (cal == NULL)
		return err ? err->kind : MC_ERR_INTERNAL;
	out->days = xcalloc(WORKCAL_MAX_ENTRIES, sizeof *out->days);
	int n = workcal_entries(cal, year, out->days, WORKCAL_MAX_ENTRIES);
	out->n_days = n < WORKCAL_MAX_ENTRIES ? n : WORKCAL_MAX_ENTRIES;
	out->cfg = cal->cfg;
	cal_cache_release();
	enum mc_err rc = store_calendar_overrides(st, year, &out->overrides, err);
	if (rc)
		calendar_year_free(out);
	return rc;
}
enum mc_err store_calendar_due(struct store *st, int64_t from, enum store_calendar_limit unit,
                               int64_t amount, int64_t *due, struct mc_error *err)
{
	int y, m, d;
	bool ok;

	switch (workcal_due_check(from, unit != STORE_CALENDAR_SAME_DAY, amount)) {
	case WDR_NONE: break;
	case WDR_LIMIT:
		return mc_fail(err, MC_ERR_INVALID, "invalid_limit",
		               "Thời hạn phải từ 0 đến 1000 ngày (giờ) làm việc",
		               "The limit must be 0 to 1000 working days or hours");
	case WDR_FROM:
		return mc_fail(err, MC_ERR_INVALID, "invalid_from",
		               "Thời điểm nhận phải trong các năm 1900–2100",
		               "The receipt instant must be within 1900-2100");
	}
	int64_t local_day = civil_floor_div(from + CLOCK_OFFICE_UTC_OFFSET, 86400);
	civil_ymd_from_days((int)local_day, &y, &m, &d);
	/* About 200 working days, 1500 working hours a year. */
	int64_t span = 2 + (unit == STORE_CALENDAR_DAYS    ? amount / 1000 / 200
	                    : unit == STORE_CALENDAR_HOURS ? amount / 1000 / 1500
	                                                   : 0);
	int lo = y > WORKCAL_FIRST_YEAR ? y - 1 : y;
	int hi = y + span > WORKCAL_LAST_YEAR ? WORKCAL_LAST_YEAR : (int)(y + span);

	const struct workcal *cal = cal_cache_acquire(st, lo, hi, err);
	if (cal == NULL)
		return err ? err->kind : MC_ERR_INTERNAL;
	if (unit == STORE_CALENDAR_SAME_DAY) {
		ok = workcal_due_same_day(cal, from, due);
	} else {
		int64_t per = unit == STORE_CALENDAR_DAYS ? workcal_day_seconds(cal) : 3600;
		int64_t work = (amount * per + 500) / 1000;
		ok = workcal_due(cal, from, work, due);
	}
	cal_cache_release();
	if (!ok)
		return mc_fail(err, MC_ERR_INVALID, "due_out_of_range",
		               "Hạn giải quyết vượt quá năm 2100", "The due date falls after 2100");
	return MC_OK;
}

/* The office-local year of instant t, clamped to the calendar's range. */
static int cal_year_of(int64_t t)
{
	int y, m, d;
	int64_t day = civil_floor_div(t + CLOCK_OFFICE_UTC_OFFSET, 86400);
	if (day < civil_days_from_ymd(WORKCAL_FIRST_YEAR, 1, 1))
		return WORKCAL_FIRST_YEAR;
	if (day > civil_days_from_ymd(WORKCAL_LAST_YEAR, 12, 31))
		return WORKCAL_LAST_YEAR;
	civil_ymd_from_days((int)day, &y, &m, &d);
	return y;
}

/* Runs one query on the shared calendar covering the years of a..b. */
static const struct workcal *cal_for_span(struct store *st, int64_t a, int64_t b,
                                          struct mc_error *err)
{
	int lo = cal_year_of(a < b ? a : b), hi = cal_year_of(a < b ? b : a);
	if (lo > WORKCAL_FIRST_YEAR)
		lo--;
	if (hi < WORKCAL_LAST_YEAR)
		hi++;
	if (hi - lo + 1 > WORKCAL_MAX_YEARS) {
		mc_fail(err, MC_ERR_INVALID, "span_too_long", "Khoảng thời gian quá dài",
		        "The span covers too many years");
		return NULL;
	}
	return cal_cache_acquire(st, lo, hi, err);
}

enum mc_err store_calendar_between(struct store *st, int64_t from, int64_t to, int64_t *secs,
                                   struct mc_error *err)
{
	const struct workcal *cal = cal_for_span(st, from, to, err);
	if (cal == NULL)
		return err ? err->kind : MC_ERR_INTERNAL;
	bool ok = workcal_between(cal, from, to, secs);
	cal_cache_release();
	return ok ? MC_OK
	          : mc_fail(err, MC_ERR_INVALID, "out_of_range", "Ngoài phạm vi lịch",
	                    "The instants are outside the calendar");
}

enum mc_err store_calendar_add(struct store *st, int64_t from, int64_t work_seconds, int64_t *out,
                               struct mc_error *err)
{
	/* About 200 working days a year: cover the years the sum can reach. */
	int64_t years = work_seconds / (200 * 7 * 3600) + 1;
	const struct workcal *cal = cal_for_span(st, from, from + years * 366 * 86400, err);
	if (cal == NULL)
		return err ? err->kind : MC_ERR_INTERNAL;
	bool ok = workcal_add(cal, from, work_seconds, out);
	cal_cache_release();
	return ok ? MC_OK
	          : mc_fail(err, MC_ERR_INVALID, "due_out_of_range", "Hạn vượt quá năm 2100",
	                    "The result falls after 2100");
}

int64_t store_calendar_day_seconds(struct store *st)
{
	struct mc_error err;
	int64_t now = clock_now();
	const struct workcal *cal = cal_for_span(st, now, now, &err);
	if (cal == NULL)
		return 8 * 3600;
	int64_t secs = workcal_day_seconds(cal);
	cal_cache_release();
	return secs;
}

/* A centre's calendar (docs/calendar.md, "A centre's own hours"). The
 * national rules, the yearly notice and the intake cutoff are the
 * province's; a centre (or a reception point) may keep its own weekly
 * pattern (offices.weekdays) and sessions (offices.sessions), a session
 * possibly kept on some weekdays only ({"start","end","days":[6]}: a
 * Saturday morning). */

/* Reads a centre's stored weekdays and sessions (JSON text, NULL when it
 * keeps the province's) into ce. */
static void cal_centre_hours_read(struct store_conn *c, const char *weekdays, const char *sessions,
                                  struct workhours_centre *ce)
{
	if (weekdays && cal_stored_valid(c, weekdays)) {
		struct workhours_raw_list raw;
		ce->own_weekdays = true;
		cal_raw_list(c, weekdays, "$", &raw);
		ce->valid_weekdays = workhours_weekdays_check(&raw, &ce->weekdays) == WORKHOURS_OK;
	}
	if (sessions && cal_stored_valid(c, sessions)) {
		struct workhours_raw_sessions *raw = xmalloc(sizeof *raw);
		ce->own_sessions = true;
		cal_raw_sessions(c, sessions, raw);
		ce->valid_sessions = workhours_centre_sessions_check(
		                         raw, ce->sessions, &ce->n_sessions) == WORKHOURS_OK;
		free(raw);
	}
}

/* Reads office id's code and own weekdays and sessions (a reception point
 * without its own takes its centre's). MC_ERR_NOT_FOUND
 * ("office_not_found") when there is no such office, MC_ERR_INVALID
 * ("office_wrong_kind") when it is not a centre or a point. */
static enum mc_err cal_centre_read(struct store *st, int64_t id, char code[41],
                                   struct workhours_centre *ce, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s =
	    store_stmt(c, "SELECT o.code, o.kind, coalesce(o.weekdays, p.weekdays),"
	                  " coalesce(o.sessions, p.sessions) FROM offices o LEFT JOIN offices p"
	                  " ON p.id = o.parent_id AND o.kind = 'point' WHERE o.id = ?");
	int step;
	char *weekdays = NULL, *sessions = NULL, kind[16] = "";
	*ce = (struct workhours_centre){0};
	code[0] = '\0';
	if (s == NULL)
		return store_sql_error(c, "office", err);
	db_bind_int64(s, 1, id);
	bool found = store_next(s, &step);
	if (found) {
		snprintf(code, 41, "%s", store_col_text(s, 0));
		snprintf(kind, sizeof kind, "%s", store_col_text(s, 1));
		if (db_column_type(s, 2) != DB_NULL)
			weekdays = xstrdup(store_col_text(s, 2));
		if (db_column_type(s, 3) != DB_NULL)
			sessions = xstrdup(store_col_text(s, 3));
	}
	enum mc_err rc = store_scan_end(c, s, step, "office", err);
	if (rc == MC_OK && !found)
		rc = mc_fail(err, MC_ERR_NOT_FOUND, "office_not_found", "Không có đơn vị này",
		             "No such office");
	/* Only a hall keeps hours (domain/office.h). */
	if (rc == MC_OK && (office_kind_bit(kind) & OFFICE_HALL) == 0)
		rc = mc_failf(err, MC_ERR_INVALID, "office_wrong_kind", "Đơn vị không phù hợp",
		              "office %s is a %s: only a centre or a reception point keeps hours",
		              code, kind);
	if (rc == MC_OK)
		cal_centre_hours_read(c, weekdays, sessions, ce);
	free(weekdays);
	free(sessions);
	return rc;
}

/* The office-local year of instant t (any year). */
static int cal_local_year(int64_t t)
{
	int y, m, d;
	civil_ymd_from_days((int)civil_floor_div(t + CLOCK_OFFICE_UTC_OFFSET, 86400), &y, &m, &d);
	return y;
}

/* Centre ce's day at t into *out (see store_calendar_centre_day). */
static enum mc_err cal_centre_day(struct store *st, const struct workhours_centre *ce, int64_t t,
                                  struct workhours_day *out, struct mc_error *err)
{
	if (!workhours_day_in_range(t, CLOCK_OFFICE_UTC_OFFSET))
		return mc_fail(err, MC_ERR_INVALID, "invalid_from", "Thời điểm ngoài phạm vi lịch",
		               "The instant is outside the calendar's years");
	int y = cal_local_year(t);
	const struct workcal *cal = cal_cache_acquire(st, y - 1, y + 1, err);
	if (cal == NULL)
		return err ? err->kind : MC_ERR_INTERNAL;
	bool ok = workhours_day_at(cal, ce, t, CLOCK_OFFICE_UTC_OFFSET, out);
	cal_cache_release();
	return ok ? MC_OK
	          : mc_fail(err, MC_ERR_INVALID, "invalid_from", "Thời điểm ngoài phạm vi lịch",
	                    "The instant is outside the calendar's years");
}

enum mc_err store_calendar_centre_day(struct store *st, int64_t office_id, int64_t t,
                                      struct workhours_day *out, struct mc_error *err)
{
	struct workhours_centre ce;
	char code[41];
	enum mc_err rc = cal_centre_read(st, office_id, code, &ce, err);
	return rc ? rc : cal_centre_day(st, &ce, t, out, err);
}

bool store_calendar_centre_open(struct store *st, int64_t office_id, int64_t t)
{
	struct workhours_day day;
	if (office_id == 0 || store_calendar_centre_day(st, office_id, t, &day, NULL) != MC_OK)
		return true; /* no centre to judge by: never refuse on it */
	return day.open_now;
}

void store_calendar_centre_hours(struct store *st, int64_t office_id, int64_t t, bool *open,
                                 int64_t *next_open)
{
	struct workhours_centre ce;
	char code[41];
	*open = true;
	*next_open = 0;
	if (office_id == 0 || cal_centre_read(st, office_id, code, &ce, NULL) != MC_OK ||
	    !workhours_day_in_range(t, CLOCK_OFFICE_UTC_OFFSET))
		return; /* no centre to judge by: never refuse on it */
	int y = cal_local_year(t);
	const struct workcal *cal = cal_cache_acquire(st, y - 1, y + 1, NULL);
	if (cal == NULL)
		return;
	workhours_next_open(cal, &ce, t, CLOCK_OFFICE_UTC_OFFSET, open, next_open);
	cal_cache_release();
}

enum mc_err store_calendar_config_office(struct store *st, const struct principal *who,
                                         const char *office, struct calendar_centre_config *out,
                                         struct mc_error *err)
{
	int64_t id;
	enum mc_err rc;

	*out = (struct calendar_centre_config){0};
	if ((rc = store_office_in_scope(store_read_conn(st), who, office, &id, err)) ||
	    (rc = cal_centre_read(st, id, out->office, &out->centre, err)) ||
	    (rc = cal_config_read(st, 2000, 2000, &out->cfg, err)) ||
	    (rc = cal_centre_day(st, &out->centre, clock_now(), &out->today, err)))
		return rc;
	return MC_OK;
}

/* Days as a JSON array, in the order written. */
static void cal_days_text(struct jsontext *j, const char *key, const int8_t *day, int n)
{
	jt_array(j, key);
	for (int i = 0; i < n; i++)
		jt_int(j, NULL, day[i]);
	jt_end(j);
}

/* A centre's sessions as the event's details keep them (keys sorted). */
static void cal_sessions_text(struct jsontext *j, const struct calendar_centre_change *ch)
{
	char a[8], b[8];
	jt_array(j, "sessions");
	for (int i = 0; i < ch->n_sessions; i++) {
		const struct workhours_session *s = &ch->sessions[i];
		workhours_hhmm_format(s->start, a);
		workhours_hhmm_format(s->end, b);
		jt_object(j, NULL);
		if (!s->all_days)
			cal_days_text(j, "days", s->day, s->n_days);
		jt_str(j, "end", b);
		jt_str(j, "start", a);
		jt_end(j);
	}
	jt_end(j);
}

/* Days as the JSON text of a column: "[1,2,3]". */
static void cal_days_column(struct strbuf *sb, const int8_t *day, int n)
{
	strbuf_puts(sb, "[");
	for (int i = 0; i < n; i++)
		strbuf_printf(sb, "%s%d", i ? "," : "", day[i]);
	strbuf_puts(sb, "]");
}

/* The JSON text of offices.weekdays (weekdays) or offices.sessions; the
 * caller frees it. */
static char *cal_centre_member_text(const struct calendar_centre_change *ch, bool weekdays)
{
	struct strbuf sb = STRBUF_INIT;
	char a[8], b[8];
	if (weekdays) {
		cal_days_column(&sb, ch->weekdays.day, ch->weekdays.n);
		return strbuf_detach(&sb, NULL);
	}
	strbuf_puts(&sb, "[");
	for (int i = 0; i < ch->n_sessions; i++) {
		const struct workhours_session *s = &ch->sessions[i];
		workhours_hhmm_format(s->start, a);
		workhours_hhmm_format(s->end, b);
		strbuf_printf(&sb, "%s{\"start\":\"%s\",\"end\":\"%s\"", i ? "," : "", a, b);
		if (!s->all_days) {
			strbuf_puts(&sb, ",\"days\":");
			cal_days_column(&sb, s->day, s->n_days);
		}
		strbuf_puts(&sb, "}");
	}
	strbuf_puts(&sb, "]");
	return strbuf_detach(&sb, NULL);
}

static char *cal_centre_details(const char *office, const struct calendar_centre_change *ch)
{
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_str(&j, "office", office);
	if (ch->sessions_do == CALENDAR_CLEAR)
		jt_null(&j, "sessions");
	else if (ch->sessions_do == CALENDAR_SET)
		cal_sessions_text(&j, ch);
	if (ch->weekdays_do == CALENDAR_CLEAR)
		jt_null(&j, "weekdays");
	else if (ch->weekdays_do == CALENDAR_SET)
		cal_days_text(&j, "weekdays", ch->weekdays.day, ch->weekdays.n);
	jt_end(&j);
	return jt_finish(&j);
}

enum mc_err store_calendar_set_config_office(struct store *st, const struct principal *who,
                                             const char *office,
                                             const struct calendar_centre_change *ch,
                                             struct mc_error *err)
{
	struct workhours_centre ce;
	char code[41], eid[64];
	int64_t id;
	enum mc_err rc;
	char *wd = NULL, *se = NULL, *details = NULL;

	if ((rc = store_office_in_scope(store_read_conn(st), who, office, &id, err)) ||
	    (rc = cal_centre_read(st, id, code, &ce, err)))
		return rc;
	if (ch->weekdays_do == CALENDAR_SET)
		wd = cal_centre_member_text(ch, true);
	if (ch->sessions_do == CALENDAR_SET)
		se = cal_centre_member_text(ch, false);
	details = cal_centre_details(office, ch);
	if ((rc = store_begin(st, err)))
		goto out;
	struct store_conn *c = store_write_conn(st);
	/* A member given null goes back to the province's; one left out stays. */
	db_stmt *s = store_stmt(
	    c, "UPDATE offices SET weekdays = CASE WHEN ?1 = 1 THEN ?2 ELSE weekdays END,"
	       " sessions = CASE WHEN ?3 = 1 THEN ?4 ELSE sessions END WHERE id = ?5");
	if (s == NULL) {
		rc = store_sql_error(c, "office calendar", err);
		goto fail;
	}
	db_bind_int(s, 1, ch->weekdays_do != CALENDAR_KEEP);
	if (wd)
		db_bind_text(s, 2, wd, -1, DB_TRANSIENT);
	db_bind_int(s, 3, ch->sessions_do != CALENDAR_KEEP);
	if (se)
		db_bind_text(s, 4, se, -1, DB_TRANSIENT);
	db_bind_int64(s, 5, id);
	if ((rc = store_step(c, s, "office calendar", err)))
		goto fail;
	snprintf(eid, sizeof eid, "config:%.40s", office);
	if ((rc = cal_event(st, who, eid, "calendar.centre_config_set", details, err)))
		goto fail;
	rc = store_commit(st, err);
	goto out;
fail:
	store_rollback(st);
out:
	free(wd);
	free(se);
	free(details);
	return rc;
}
