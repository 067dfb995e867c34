/* The stored office calendar: overrides, calendar settings and the shared,
 * lazily rebuilt calendar of the server's queries. */
#include "store/calendar.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/civil_date.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define CAL_KEY_WEEKDAYS "calendar_weekdays"
#define CAL_KEY_SESSIONS "calendar_sessions"
#define CAL_KEY_CUTOFF "calendar_cutoff"
#define CAL_CACHE_YEARS 10 /* years the shared calendar spans at least */
#define CAL_MAX_AMOUNT 1000000
#define CAL_NEXT_OPEN_DAYS 60 /* how far ahead the next opening is looked for */

static const char *const cal_kinds[] = {
    [WORKCAL_OVERRIDE_DAY_OFF] = "day_off",
    [WORKCAL_OVERRIDE_WORKDAY] = "workday",
    [WORKCAL_OVERRIDE_REMOVE] = "remove",
    [WORKCAL_OVERRIDE_RENAME] = "rename",
};

/* The kind named s, or -1. */
static int cal_kind_parse(const char *s)
{
	for (size_t i = 0; s && i < sizeof cal_kinds / sizeof cal_kinds[0]; i++)
		if (strcmp(s, cal_kinds[i]) == 0)
			return (int)i;
	return -1;
}

/* Exactly YYYY-MM-DD, a real date, in 1900-2100. */
static bool cal_parse_date(const char *s, int *y, int *m, int *d)
{
	static const char shape[] = "dddd-dd-dd";

	if (s == NULL || strlen(s) != sizeof shape - 1)
		return false;
	for (size_t i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return false;
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	return civil_date_valid(*y, *m, *d) && *y >= WORKCAL_FIRST_YEAR && *y <= WORKCAL_LAST_YEAR;
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

/* Well-formed UTF-8 without control characters. */
static bool cal_text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80             ? 0
		        : (*p & 0xe0) == 0xc0 ? 1
		        : (*p & 0xf0) == 0xe0 ? 2
		        : (*p & 0xf8) == 0xf0 ? 3
		                              : -1;
		if (n < 0 || (n == 0 && (*p < 0x20 || *p == 0x7f)) || (n == 1 && *p < 0xc2))
			return false;
		for (int i = 1; i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += n + 1;
	}
	return true;
}

/* "HH:MM" (00:00-24:00) as seconds after midnight, or -1. */
static int cal_hhmm_parse(const char *s)
{
	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 3600 + m * 60;
}

static json_t *cal_hhmm_json(int secs)
{
	char buf[16];
	snprintf(buf, sizeof buf, "%02d:%02d", secs / 3600, secs / 60 % 60);
	return json_string(buf);
}

static enum mc_err cal_bad_config(struct mc_error *err, const char *what)
{
	return mc_failf(err, MC_ERR_INVALID, "invalid_config",
	                "Cấu hình lịch làm việc không hợp lệ", "Invalid calendar configuration: %s",
	                what);
}

/* Applies the JSON members given (NULL: keep cfg's) to cfg. MC_ERR_INVALID
 * ("invalid_config") when one is malformed. */
static enum mc_err cal_config_members(json_t *weekdays, json_t *sessions, json_t *cutoff,
                                      struct workcal_config *cfg, struct mc_error *err)
{
	size_t i;
	json_t *v;

	if (weekdays) {
		unsigned mask = 0;
		if (!json_is_array(weekdays) || json_array_size(weekdays) > 7)
			return cal_bad_config(err, "weekdays must be an array of 0-6 (0 = Sunday)");
		json_array_foreach(weekdays, i, v)
		{
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > 6 || (mask & (1u << json_integer_value(v))))
				return cal_bad_config(
				    err, "weekdays must be distinct integers 0-6 (0 = Sunday)");
			mask |= 1u << json_integer_value(v);
		}
		if (mask == 0)
			return cal_bad_config(err, "at least one working weekday is needed");
		cfg->weekday_mask = mask;
	}
	if (sessions) {
		if (!json_is_array(sessions) || json_array_size(sessions) < 1 ||
		    json_array_size(sessions) > WORKCAL_MAX_SESSIONS)
			return cal_bad_config(err, "sessions must be an array of 1-4 sessions");
		json_array_foreach(sessions, i, v)
		{
			int a = cal_hhmm_parse(json_string_value(json_object_get(v, "start")));
			int b = cal_hhmm_parse(json_string_value(json_object_get(v, "end")));
			if (!json_is_object(v) || json_object_size(v) != 2 || a < 0 || b <= a)
				return cal_bad_config(
				    err, "a session is {\"start\":\"HH:MM\",\"end\":\"HH:MM\"}"
				         " with end after start");
			cfg->sessions[i].start = a;
			cfg->sessions[i].end = b;
		}
		cfg->n_sessions = (int)json_array_size(sessions);
	}
	if (cutoff) {
		int c = cal_hhmm_parse(json_string_value(cutoff));
		if (c < 0)
			return cal_bad_config(err, "cutoff must be \"HH:MM\"");
		cfg->cutoff = c;
	}
	return MC_OK;
}

/* The stored setting key parsed as JSON; NULL when absent. *bad is set when
 * present but not JSON. */
static json_t *cal_setting_json(struct store *st, const char *key, bool *bad)
{
	char *text = store_setting_get(st, key);
	json_t *j = NULL;
	if (text) {
		j = json_loads(text, JSON_DECODE_ANY, NULL);
		if (j == NULL)
			*bad = true;
	}
	free(text);
	return j;
}

/* Fills cfg with the stored configuration over the defaults, for the years
 * first..last. MC_ERR_CONFLICT ("calendar_config_invalid") when a stored
 * setting is malformed. */
static enum mc_err cal_config_read(struct store *st, int first, int last,
                                   struct workcal_config *cfg, struct mc_error *err)
{
	bool bad = false;
	struct mc_error inner;
	enum mc_err rc = MC_OK;

	workcal_config_default(cfg, first, last);
	json_t *w = cal_setting_json(st, CAL_KEY_WEEKDAYS, &bad);
	json_t *s = cal_setting_json(st, CAL_KEY_SESSIONS, &bad);
	json_t *c = cal_setting_json(st, CAL_KEY_CUTOFF, &bad);
	if (bad || cal_config_members(w, s, c, cfg, &inner) != MC_OK)
		rc = mc_failf(err, MC_ERR_CONFLICT, "calendar_config_invalid",
		              "Cấu hình lịch làm việc đã lưu bị hỏng",
		              "The stored calendar settings are malformed: %s",
		              bad ? "not JSON" : inner.message_en);
	json_decref(w);
	json_decref(s);
	json_decref(c);
	return rc;
}

/* Applies the stored overrides of first..last to cal, in date order. */
static enum mc_err cal_apply_overrides(struct store *st, struct workcal *cal, int first, int last,
                                       struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char lo[16], hi[16];
	enum mc_err rc = MC_OK;

	sqlite3_stmt *s = store_stmt(c, "SELECT date, kind, name FROM calendar_overrides"
	                                " WHERE date BETWEEN ? AND ? ORDER BY date");
	if (s == NULL)
		return store_sql_error(c, "calendar overrides", err);
	snprintf(lo, sizeof lo, "%04d-01-01", first);
	snprintf(hi, sizeof hi, "%04d-12-31", last);
	sqlite3_bind_text(s, 1, lo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, hi, -1, SQLITE_TRANSIENT);
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *date = store_col_text(s, 0);
		struct workcal_override ov = {0};
		int kind = cal_kind_parse(store_col_text(s, 1));
		if (!cal_parse_date(date, &ov.year, &ov.month, &ov.day) || kind < 0) {
			log_warn("calendar: skipping malformed override %.20s", date);
			continue;
		}
		ov.kind = (enum workcal_override_kind)kind;
		ov.name = sqlite3_column_type(s, 2) == SQLITE_NULL ? NULL : store_col_text(s, 2);
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
			         cal_kinds[kind]);
		}
	}
	if (step != SQLITE_DONE)
		rc = store_sql_error(c, "calendar overrides", err);
out:
	sqlite3_reset(s);
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
	sqlite3_stmt *s = store_stmt(c, "SELECT hash FROM events WHERE entity = 'calendar'"
	                                " ORDER BY id DESC LIMIT 1");
	snprintf(out, 65, "-");
	if (s == NULL)
		return;
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(out, 65, "%s", store_col_text(s, 0));
	sqlite3_reset(s);
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

/* The override row of date as JSON, or NULL when there is none. */
static json_t *cal_override_get(struct store_conn *c, const char *date)
{
	json_t *row = NULL;
	sqlite3_stmt *s = store_stmt(c, "SELECT date, kind, name, set_by, set_at"
	                                " FROM calendar_overrides WHERE date = ?");
	if (s == NULL)
		return NULL;
	sqlite3_bind_text(s, 1, date, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW) {
		char at[26];
		clock_office_iso(sqlite3_column_int64(s, 4), at);
		row = json_pack("{s:s, s:s, s:o, s:s, s:s}", "date", store_col_text(s, 0), "kind",
		                store_col_text(s, 1), "name",
		                sqlite3_column_type(s, 2) == SQLITE_NULL
		                    ? json_null()
		                    : json_string(store_col_text(s, 2)),
		                "set_by", store_col_text(s, 3), "set_at", at);
	}
	sqlite3_reset(s);
	return row;
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

/* Appends a calendar event with details {"date", …, "previous"}. */
static enum mc_err cal_audit(struct store *st, const struct principal *who, const char *date,
                             const char *action, json_t *details, json_t *previous,
                             struct mc_error *err)
{
	json_object_set_new(details, "previous", previous ? json_incref(previous) : json_null());
	char *text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
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
		              ov->year, ov->month, ov->day, cal_kinds[ov->kind]);
		break;
	default:
		rc = mc_fail(err, MC_ERR_INVALID, "invalid_override", "Ngày đặc biệt không hợp lệ",
		             "The override cannot be applied");
	}
out:
	free(cal);
	return rc;
}

enum mc_err store_calendar_set_day(struct store *st, const struct principal *who, const char *date,
                                   const char *kind, const char *name, json_t **row,
                                   struct mc_error *err)
{
	struct workcal_override ov = {0};
	struct store_conn *c;
	json_t *previous = NULL, *details = NULL, *stored = NULL;
	enum mc_err rc;

	if (!cal_parse_date(date, &ov.year, &ov.month, &ov.day))
		return cal_bad_date(err, date);
	int k = cal_kind_parse(kind);
	if (k < 0)
		return mc_failf(err, MC_ERR_INVALID, "invalid_kind", "Loại ngày không hợp lệ",
		                "kind must be day_off, workday, remove or rename, not '%.20s'",
		                kind ? kind : "");
	ov.kind = (enum workcal_override_kind)k;
	if (ov.kind == WORKCAL_OVERRIDE_REMOVE)
		name = NULL;
	if (name && (name[0] == '\0' || strlen(name) > WORKCAL_NAME_MAX - 1 || !cal_text_ok(name)))
		return mc_failf(err, MC_ERR_INVALID, "invalid_name", "Tên ngày không hợp lệ",
		                "name must be 1-%d bytes of UTF-8 text without control characters",
		                WORKCAL_NAME_MAX - 1);
	if (name == NULL && ov.kind == WORKCAL_OVERRIDE_RENAME)
		return mc_fail(err, MC_ERR_INVALID, "missing_name", "Cần tên mới cho ngày",
		               "rename needs a name");
	ov.name = name;
	if ((rc = cal_check_applies(st, &ov, err)))
		return rc;

	if ((rc = store_begin(st, err)))
		return rc;
	c = store_write_conn(st);
	previous = cal_override_get(c, date);
	sqlite3_stmt *s =
	    store_stmt(c, "INSERT INTO calendar_overrides"
	                  " (date, kind, name, set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5)"
	                  " ON CONFLICT (date) DO UPDATE SET kind = ?2, name = ?3,"
	                  " set_by = ?4, set_at = ?5");
	if (s == NULL) {
		rc = store_sql_error(c, "calendar override", err);
		goto fail;
	}
	sqlite3_bind_text(s, 1, date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, cal_kinds[ov.kind], -1, SQLITE_STATIC);
	if (name)
		sqlite3_bind_text(s, 3, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, who->actor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, clock_now());
	int step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step != SQLITE_DONE) {
		rc = store_sql_error(c, "calendar override", err);
		goto fail;
	}
	details = json_pack("{s:s, s:s, s:o}", "date", date, "kind", cal_kinds[ov.kind], "name",
	                    name ? json_string(name) : json_null());
	if ((rc = cal_audit(st, who, date, "calendar.day_set", details, previous, err)))
		goto fail;
	stored = cal_override_get(c, date);
	if ((rc = store_commit(st, err)))
		goto out;
	if (row) {
		*row = stored;
		stored = NULL;
	}
	goto out;
fail:
	store_rollback(st);
out:
	json_decref(previous);
	json_decref(details);
	json_decref(stored);
	return rc;
}

enum mc_err store_calendar_delete_day(struct store *st, const struct principal *who,
                                      const char *date, struct mc_error *err)
{
	int y, m, d;
	json_t *previous = NULL, *details = NULL;
	enum mc_err rc;

	if (!cal_parse_date(date, &y, &m, &d))
		return cal_bad_date(err, date);
	if ((rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	previous = cal_override_get(c, date);
	if (previous == NULL) {
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "calendar_day_not_found",
		              "Không có ngày đặc biệt nào được nhập cho ngày này",
		              "No override is stored for %s", date);
		goto fail;
	}
	sqlite3_stmt *s = store_stmt(c, "DELETE FROM calendar_overrides WHERE date = ?");
	if (s == NULL) {
		rc = store_sql_error(c, "calendar override", err);
		goto fail;
	}
	sqlite3_bind_text(s, 1, date, -1, SQLITE_TRANSIENT);
	int step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step != SQLITE_DONE) {
		rc = store_sql_error(c, "calendar override", err);
		goto fail;
	}
	details = json_pack("{s:s}", "date", date);
	if ((rc = cal_audit(st, who, date, "calendar.day_deleted", details, previous, err)))
		goto fail;
	rc = store_commit(st, err);
	goto out;
fail:
	store_rollback(st);
out:
	json_decref(previous);
	json_decref(details);
	return rc;
}

enum mc_err store_calendar_overrides(struct store *st, int year, json_t **result,
                                     struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char lo[16], hi[16];

	if (!cal_year_ok(year))
		return mc_failf(err, MC_ERR_INVALID, "invalid_year", "Năm không hợp lệ (1900–2100)",
		                "year %d is outside 1900-2100", year);
	sqlite3_stmt *s = store_stmt(c, "SELECT date FROM calendar_overrides"
	                                " WHERE date BETWEEN ? AND ? ORDER BY date");
	if (s == NULL)
		return store_sql_error(c, "calendar overrides", err);
	snprintf(lo, sizeof lo, "%04d-01-01", year);
	snprintf(hi, sizeof hi, "%04d-12-31", year);
	sqlite3_bind_text(s, 1, lo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, hi, -1, SQLITE_TRANSIENT);
	/* Dates first, rows after: one statement is stepped at a time. */
	json_t *dates = json_array(), *out = json_array();
	int step;
	while (store_next(s, &step))
		json_array_append_new(dates, json_string(store_col_text(s, 0)));
	enum mc_err rc = store_scan_end(c, s, step, "calendar overrides", err);
	if (rc) {
		json_decref(dates);
		json_decref(out);
		return rc;
	}
	size_t i;
	json_t *v;
	json_array_foreach(dates, i, v)
	{
		json_t *row = cal_override_get(c, json_string_value(v));
		if (row)
			json_array_append_new(out, row);
	}
	json_decref(dates);
	*result = out;
	return MC_OK;
}

/* cfg's weekly pattern, sessions and cutoff as JSON. */
static json_t *cal_config_json(const struct workcal_config *cfg)
{
	json_t *weekdays = json_array(), *sessions = json_array();
	char off[16];

	for (int w = 0; w < 7; w++)
		if (cfg->weekday_mask & (1u << w))
			json_array_append_new(weekdays, json_integer(w));
	for (int i = 0; i < cfg->n_sessions; i++)
		json_array_append_new(sessions,
		                      json_pack("{s:o, s:o}", "start",
		                                cal_hhmm_json(cfg->sessions[i].start), "end",
		                                cal_hhmm_json(cfg->sessions[i].end)));
	snprintf(off, sizeof off, "%c%02d:%02d", cfg->utc_offset < 0 ? '-' : '+',
	         abs(cfg->utc_offset) / 3600, abs(cfg->utc_offset) / 60 % 60);
	return json_pack("{s:o, s:o, s:o, s:s}", "weekdays", weekdays, "sessions", sessions,
	                 "cutoff", cal_hhmm_json(cfg->cutoff), "utc_offset", off);
}

enum mc_err store_calendar_config(struct store *st, json_t **out, struct mc_error *err)
{
	struct workcal_config cfg;
	enum mc_err rc = cal_config_read(st, 2000, 2000, &cfg, err);
	if (rc == MC_OK)
		*out = cal_config_json(&cfg);
	return rc;
}

enum mc_err store_calendar_set_config(struct store *st, const struct principal *who, json_t *config,
                                      struct mc_error *err)
{
	static const char *const keys[] = {"weekdays", "sessions", "cutoff"};
	struct workcal_config cfg;
	struct workcal *cal = NULL;
	json_t *norm = NULL;
	enum mc_err rc;
	const char *key;
	json_t *v;

	if (!json_is_object(config) || json_object_size(config) == 0)
		return cal_bad_config(err, "expected an object with weekdays, sessions or cutoff");
	json_object_foreach(config, key, v)
	{
		size_t i = 0;
		while (i < 3 && strcmp(keys[i], key) != 0)
			i++;
		if (i == 3)
			return mc_failf(err, MC_ERR_INVALID, "unknown_field", "Trường lạ",
			                "unknown calendar setting '%.40s'", key);
	}
	/* A malformed stored configuration can be repaired: start from defaults. */
	if (cal_config_read(st, 2000, 2000, &cfg, NULL) != MC_OK)
		workcal_config_default(&cfg, 2000, 2000);
	if ((rc = cal_config_members(json_object_get(config, "weekdays"),
	                             json_object_get(config, "sessions"),
	                             json_object_get(config, "cutoff"), &cfg, err)))
		return rc;
	cal = xmalloc(sizeof *cal);
	if (workcal_init(cal, &cfg) != WORKCAL_OK) {
		rc = cal_bad_config(err, "sessions must be sorted, disjoint and within the day,"
		                         " and the cutoff within the day");
		goto out;
	}
	norm = cal_config_json(&cfg);
	if ((rc = store_begin(st, err)))
		goto out;
	static const char *const settings[] = {CAL_KEY_WEEKDAYS, CAL_KEY_SESSIONS, CAL_KEY_CUTOFF};
	for (size_t i = 0; i < 3; i++) {
		char *text =
		    json_dumps(json_object_get(norm, keys[i]), JSON_COMPACT | JSON_ENCODE_ANY);
		rc = store_setting_set(st, settings[i], text, err);
		free(text);
		if (rc)
			goto fail;
	}
	char *details = json_dumps(norm, JSON_COMPACT | JSON_SORT_KEYS);
	rc = cal_event(st, who, "config", "calendar.config_set", details, err);
	free(details);
	if (rc)
		goto fail;
	rc = store_commit(st, err);
	goto out;
fail:
	store_rollback(st);
out:
	json_decref(norm);
	free(cal);
	return rc;
}

enum mc_err store_calendar_year(struct store *st, int year, json_t **out, struct mc_error *err)
{
	if (!cal_year_ok(year))
		return mc_failf(err, MC_ERR_INVALID, "invalid_year", "Năm không hợp lệ (1900–2100)",
		                "Year %d is outside 1900-2100", year);
	int lo = year > WORKCAL_FIRST_YEAR ? year - 1 : year;
	int hi = year < WORKCAL_LAST_YEAR ? year + 1 : year;
	struct workcal_entry *e = xcalloc(WORKCAL_MAX_ENTRIES, sizeof *e);
	const struct workcal *cal = cal_cache_acquire(st, lo, hi, err);
	if (cal == NULL) {
		free(e);
		return err ? err->kind : MC_ERR_INTERNAL;
	}
	int n = workcal_entries(cal, year, e, WORKCAL_MAX_ENTRIES);
	json_t *config = cal_config_json(&cal->cfg);
	cal_cache_release();

	json_t *days = json_array();
	for (int i = 0; i < n && i < WORKCAL_MAX_ENTRIES; i++) {
		char date[16];
		snprintf(date, sizeof date, "%04d-%02d-%02d", e[i].year, e[i].month, e[i].day);
		json_array_append_new(
		    days, json_pack("{s:s, s:s, s:s, s:s}", "date", date, "kind",
		                    e[i].kind == WORKCAL_DAY_WORK ? "work" : "off", "name",
		                    e[i].name, "source",
		                    e[i].source == WORKCAL_SOURCE_OVERRIDE ? "override" : "rule"));
	}
	free(e);
	json_t *overrides = NULL;
	enum mc_err orc = store_calendar_overrides(st, year, &overrides, err);
	if (orc) {
		json_decref(config);
		json_decref(days);
		return orc;
	}
	json_t *view = json_pack("{s:i}", "year", year);
	json_object_update(view, config);
	json_decref(config);
	json_object_set_new(view, "days", days);
	json_object_set_new(view, "overrides", overrides);
	*out = view;
	return MC_OK;
}

enum mc_err store_calendar_due(struct store *st, int64_t from, enum store_calendar_limit unit,
                               int64_t amount, int64_t *due, struct mc_error *err)
{
	int y, m, d;
	bool ok;

	if (unit != STORE_CALENDAR_SAME_DAY && (amount < 0 || amount > CAL_MAX_AMOUNT))
		return mc_fail(err, MC_ERR_INVALID, "invalid_limit",
		               "Thời hạn phải từ 0 đến 1000 ngày (giờ) làm việc",
		               "The limit must be 0 to 1000 working days or hours");
	int64_t local_day = civil_floor_div(from + CLOCK_OFFICE_UTC_OFFSET, 86400);
	if (local_day < civil_days_from_ymd(WORKCAL_FIRST_YEAR, 1, 1) ||
	    local_day > civil_days_from_ymd(WORKCAL_LAST_YEAR, 12, 31))
		return mc_fail(err, MC_ERR_INVALID, "invalid_from",
		               "Thời điểm nhận phải trong các năm 1900–2100",
		               "The receipt instant must be within 1900-2100");
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

#define CAL_CENTRE_MAX_SESSIONS 8

/* One session of a centre: seconds after midnight, and its weekdays as
 * bits (all seven when the session names none). */
struct cal_centre_session {
	int start, end;
	unsigned days;
	bool all_days;
};

/* Parses a centre's sessions (already checked or stored) into out; the
 * count, or -1 (err filled) when malformed. Sessions kept on the same
 * weekday may not overlap. */
static int cal_centre_sessions_parse(json_t *sessions, struct cal_centre_session *out,
                                     struct mc_error *err)
{
	size_t i, k;
	json_t *v, *d;
	if (!json_is_array(sessions) || json_array_size(sessions) < 1 ||
	    json_array_size(sessions) > CAL_CENTRE_MAX_SESSIONS) {
		cal_bad_config(err, "a centre's sessions are an array of 1-8 sessions");
		return -1;
	}
	json_array_foreach(sessions, i, v)
	{
		json_t *days = json_object_get(v, "days");
		int a = cal_hhmm_parse(json_string_value(json_object_get(v, "start")));
		int b = cal_hhmm_parse(json_string_value(json_object_get(v, "end")));
		if (!json_is_object(v) || json_object_size(v) != 2u + (days != NULL) || a < 0 ||
		    b <= a) {
			cal_bad_config(err, "a session is {\"start\":\"HH:MM\",\"end\":\"HH:MM\"}"
			                    " with end after start, and optionally \"days\"");
			return -1;
		}
		unsigned mask = 0;
		if (days && (!json_is_array(days) || json_array_size(days) < 1 ||
		             json_array_size(days) > 7)) {
			cal_bad_config(err, "a session's days are 1-7 weekdays 0-6 (0 = Sunday)");
			return -1;
		}
		json_array_foreach(days, k, d)
		{
			if (!json_is_integer(d) || json_integer_value(d) < 0 ||
			    json_integer_value(d) > 6 || (mask & (1u << json_integer_value(d)))) {
				cal_bad_config(err, "a session's days are distinct weekdays 0-6"
				                    " (0 = Sunday)");
				return -1;
			}
			mask |= 1u << json_integer_value(d);
		}
		out[i] = (struct cal_centre_session){
		    .start = a, .end = b, .days = days ? mask : 0x7f, .all_days = days == NULL};
		for (size_t j = 0; j < i; j++)
			if ((out[j].days & out[i].days) && out[j].start < b && a < out[j].end) {
				cal_bad_config(err, "two sessions of the same weekday overlap");
				return -1;
			}
	}
	return (int)json_array_size(sessions);
}

/* A centre's weekly pattern as a bit mask, 0 (err filled) when malformed. */
static unsigned cal_centre_weekdays_parse(json_t *weekdays, struct mc_error *err)
{
	struct workcal_config cfg = {0};
	if (cal_config_members(weekdays, NULL, NULL, &cfg, err) != MC_OK)
		return 0;
	return cfg.weekday_mask;
}

enum mc_err store_calendar_centre_check(json_t *weekdays, json_t *sessions, struct mc_error *err)
{
	struct cal_centre_session ses[CAL_CENTRE_MAX_SESSIONS];
	if (weekdays && !json_is_null(weekdays) && cal_centre_weekdays_parse(weekdays, err) == 0)
		return MC_ERR_INVALID;
	if (sessions && !json_is_null(sessions) &&
	    cal_centre_sessions_parse(sessions, ses, err) < 0)
		return MC_ERR_INVALID;
	return MC_OK;
}

/* What a centre's calendar is made of, read from the store. */
struct cal_centre {
	int64_t id;
	char code[40];
	json_t *weekdays; /* its own (or its centre's, for a point), else NULL */
	json_t *sessions; /* likewise */
};

static void cal_centre_free(struct cal_centre *ce)
{
	json_decref(ce->weekdays);
	json_decref(ce->sessions);
}

/* Reads office id's own weekdays and sessions (a reception point without
 * its own takes its centre's). MC_ERR_NOT_FOUND ("office_not_found") when
 * there is no such office, MC_ERR_INVALID ("office_wrong_kind") when it is
 * not a centre or a point. */
static enum mc_err cal_centre_read(struct store *st, int64_t id, struct cal_centre *ce,
                                   struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT o.code, o.kind, coalesce(o.weekdays, p.weekdays),"
	                  " coalesce(o.sessions, p.sessions) FROM offices o LEFT JOIN offices p"
	                  " ON p.id = o.parent_id AND o.kind = 'point' WHERE o.id = ?");
	int step;
	*ce = (struct cal_centre){.id = id};
	if (s == NULL)
		return store_sql_error(c, "office", err);
	sqlite3_bind_int64(s, 1, id);
	char kind[16] = "";
	bool found = store_next(s, &step);
	if (found) {
		snprintf(ce->code, sizeof ce->code, "%s", store_col_text(s, 0));
		snprintf(kind, sizeof kind, "%s", store_col_text(s, 1));
		if (sqlite3_column_type(s, 2) != SQLITE_NULL)
			ce->weekdays = json_loads(store_col_text(s, 2), JSON_DECODE_ANY, NULL);
		if (sqlite3_column_type(s, 3) != SQLITE_NULL)
			ce->sessions = json_loads(store_col_text(s, 3), JSON_DECODE_ANY, NULL);
	}
	enum mc_err rc = store_scan_end(c, s, step, "office", err);
	if (rc == MC_OK && !found)
		rc = mc_fail(err, MC_ERR_NOT_FOUND, "office_not_found", "Không có đơn vị này",
		             "No such office");
	if (rc == MC_OK && strcmp(kind, "centre") != 0 && strcmp(kind, "point") != 0)
		rc = mc_failf(err, MC_ERR_INVALID, "office_wrong_kind", "Đơn vị không phù hợp",
		              "office %s is a %s: only a centre or a reception point keeps hours",
		              ce->code, kind);
	if (rc)
		cal_centre_free(ce);
	return rc;
}

/* The centre's day at t into *out (see store_calendar_centre_day). */
static enum mc_err cal_centre_day(struct store *st, const struct cal_centre *ce, int64_t t,
                                  json_t **out, struct mc_error *err)
{
	struct workcal_config cfg;
	struct cal_centre_session ses[CAL_CENTRE_MAX_SESSIONS];
	int n = 0, y, m, d;
	enum mc_err rc;

	int64_t local_day = civil_floor_div(t + CLOCK_OFFICE_UTC_OFFSET, 86400);
	int sod = (int)(t + CLOCK_OFFICE_UTC_OFFSET - local_day * 86400);
	if (local_day < civil_days_from_ymd(WORKCAL_FIRST_YEAR + 1, 1, 1) ||
	    local_day > civil_days_from_ymd(WORKCAL_LAST_YEAR - 1, 12, 31))
		return mc_fail(err, MC_ERR_INVALID, "invalid_from", "Thời điểm ngoài phạm vi lịch",
		               "The instant is outside the calendar's years");
	civil_ymd_from_days((int)local_day, &y, &m, &d);
	int w = civil_weekday((int)local_day);
	if ((rc = cal_config_read(st, y, y, &cfg, err)))
		return rc;
	unsigned mask = cfg.weekday_mask;
	if (ce->weekdays && (mask = cal_centre_weekdays_parse(ce->weekdays, NULL)) == 0)
		mask = cfg.weekday_mask; /* a malformed stored value: the province's */
	if (ce->sessions && (n = cal_centre_sessions_parse(ce->sessions, ses, NULL)) < 0)
		n = 0;
	if (n == 0) {
		for (int i = 0; i < cfg.n_sessions; i++)
			ses[i] = (struct cal_centre_session){.start = cfg.sessions[i].start,
			                                     .end = cfg.sessions[i].end,
			                                     .days = 0x7f,
			                                     .all_days = true};
		n = cfg.n_sessions;
	}

	/* Holidays and make-up days: the province's calendar. */
	struct workcal_entry named;
	const struct workcal *cal = cal_cache_acquire(st, y - 1, y + 1, err);
	if (cal == NULL)
		return err ? err->kind : MC_ERR_INTERNAL;
	bool is_named = workcal_named_day(cal, y, m, d, &named);
	cal_cache_release();
	bool working = is_named ? named.kind == WORKCAL_DAY_WORK : (mask & (1u << w)) != 0;
	/* A make-up day keeps the everyday sessions, not a weekday's own. */
	bool makeup = is_named && named.kind == WORKCAL_DAY_WORK;
	bool any_everyday = false;
	for (int i = 0; i < n; i++)
		any_everyday |= ses[i].all_days;

	/* Sessions in time order (they may be listed in any). */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && ses[j - 1].start > ses[j].start; j--) {
			struct cal_centre_session tmp = ses[j - 1];
			ses[j - 1] = ses[j];
			ses[j] = tmp;
		}
	json_t *today = json_array();
	bool open = false;
	for (int i = 0; working && i < n; i++) {
		bool applies = makeup && any_everyday ? ses[i].all_days
		               : makeup               ? true
		                                      : (ses[i].days & (1u << w)) != 0;
		if (!applies)
			continue;
		json_array_append_new(today,
		                      json_pack("{s:o, s:o}", "start", cal_hhmm_json(ses[i].start),
		                                "end", cal_hhmm_json(ses[i].end)));
		open |= ses[i].start <= sod && sod < ses[i].end;
	}
	char date[16];
	snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
	*out = json_pack("{s:s, s:s, s:i, s:b, s:o, s:o, s:b}", "office", ce->code, "date", date,
	                 "weekday", w, "working_day", working, "day_name",
	                 is_named ? json_string(named.name) : json_null(), "sessions", today,
	                 "open_now", open);
	return MC_OK;
}

enum mc_err store_calendar_centre_day(struct store *st, int64_t office_id, int64_t t, json_t **out,
                                      struct mc_error *err)
{
	struct cal_centre ce;
	enum mc_err rc = cal_centre_read(st, office_id, &ce, err);
	if (rc)
		return rc;
	rc = cal_centre_day(st, &ce, t, out, err);
	cal_centre_free(&ce);
	return rc;
}

bool store_calendar_centre_open(struct store *st, int64_t office_id, int64_t t)
{
	json_t *day = NULL;
	if (office_id == 0 || store_calendar_centre_day(st, office_id, t, &day, NULL) != MC_OK)
		return true; /* no centre to judge by: never refuse on it */
	bool open = json_is_true(json_object_get(day, "open_now"));
	json_decref(day);
	return open;
}

void store_calendar_centre_hours(struct store *st, int64_t office_id, int64_t t, bool *open,
                                 int64_t *next_open)
{
	struct cal_centre ce;
	*open = true;
	*next_open = 0;
	if (office_id == 0 || cal_centre_read(st, office_id, &ce, NULL) != MC_OK)
		return; /* no centre to judge by: never refuse on it */
	int64_t local_day = civil_floor_div(t + CLOCK_OFFICE_UTC_OFFSET, 86400);
	for (int k = 0; k <= CAL_NEXT_OPEN_DAYS; k++) {
		json_t *day = NULL;
		/* Day k's noon, or t itself today (open_now is at t). */
		int64_t at = k == 0 ? t : (local_day + k) * 86400 - CLOCK_OFFICE_UTC_OFFSET + 43200;
		if (cal_centre_day(st, &ce, at, &day, NULL) != MC_OK)
			break;
		if (k == 0 && !json_is_true(json_object_get(day, "open_now")))
			*open = false;
		if (k == 0 && *open) {
			json_decref(day);
			break;
		}
		size_t i;
		json_t *ses;
		json_array_foreach(json_object_get(day, "sessions"), i, ses)
		{
			int hh, mm;
			const char *hhmm = json_string_value(json_object_get(ses, "start"));
			if (hhmm == NULL || sscanf(hhmm, "%d:%d", &hh, &mm) != 2)
				continue;
			int64_t start =
			    (local_day + k) * 86400 - CLOCK_OFFICE_UTC_OFFSET + hh * 3600 + mm * 60;
			if (start > t) {
				*next_open = start;
				break;
			}
		}
		json_decref(day);
		if (*next_open)
			break;
	}
	cal_centre_free(&ce);
}

enum mc_err store_calendar_config_office(struct store *st, const struct principal *who,
                                         const char *office, json_t **out, struct mc_error *err)
{
	struct workcal_config cfg;
	struct cal_centre ce;
	int64_t id;
	enum mc_err rc;
	json_t *today = NULL;

	if ((rc = store_office_in_scope(store_read_conn(st), who, office, &id, err)) ||
	    (rc = cal_centre_read(st, id, &ce, err)))
		return rc;
	if ((rc = cal_config_read(st, 2000, 2000, &cfg, err)) ||
	    (rc = cal_centre_day(st, &ce, clock_now(), &today, err))) {
		cal_centre_free(&ce);
		return rc;
	}
	json_t *view = cal_config_json(&cfg);
	json_object_set_new(view, "office", json_string(ce.code));
	json_object_set_new(view, "own",
	                    json_pack("{s:b, s:b}", "weekdays", ce.weekdays != NULL, "sessions",
	                              ce.sessions != NULL));
	if (ce.weekdays)
		json_object_set(view, "weekdays", ce.weekdays);
	if (ce.sessions)
		json_object_set(view, "sessions", ce.sessions);
	json_object_set_new(view, "today", today);
	cal_centre_free(&ce);
	*out = view;
	return MC_OK;
}

enum mc_err store_calendar_set_config_office(struct store *st, const struct principal *who,
                                             const char *office, json_t *config,
                                             struct mc_error *err)
{
	struct cal_centre ce;
	int64_t id;
	enum mc_err rc;
	const char *key;
	json_t *v;

	if (!json_is_object(config) || json_object_size(config) == 0)
		return cal_bad_config(err, "expected an object with weekdays or sessions");
	json_object_foreach(config, key, v)
	{
		if (strcmp(key, "weekdays") != 0 && strcmp(key, "sessions") != 0)
			return mc_failf(err, MC_ERR_INVALID, "unknown_field", "Trường lạ",
			                "a centre keeps its own weekdays and sessions only ('%.40s'"
			                " is the province's)",
			                key);
	}
	json_t *weekdays = json_object_get(config, "weekdays");
	json_t *sessions = json_object_get(config, "sessions");
	if ((rc = store_calendar_centre_check(weekdays, sessions, err)) ||
	    (rc = store_office_in_scope(store_read_conn(st), who, office, &id, err)) ||
	    (rc = cal_centre_read(st, id, &ce, err)))
		return rc;
	cal_centre_free(&ce);
	char *wd = weekdays && !json_is_null(weekdays) ? json_dumps(weekdays, JSON_COMPACT) : NULL;
	char *se = sessions && !json_is_null(sessions) ? json_dumps(sessions, JSON_COMPACT) : NULL;
	if ((rc = store_begin(st, err)))
		goto out;
	struct store_conn *c = store_write_conn(st);
	/* A member given null goes back to the province's; one left out stays. */
	sqlite3_stmt *s =
	    store_stmt(c, "UPDATE offices SET weekdays = CASE WHEN ?1 THEN ?2 ELSE weekdays END,"
	                  " sessions = CASE WHEN ?3 THEN ?4 ELSE sessions END WHERE id = ?5");
	if (s == NULL) {
		rc = store_sql_error(c, "office calendar", err);
		goto fail;
	}
	sqlite3_bind_int(s, 1, weekdays != NULL);
	if (wd)
		sqlite3_bind_text(s, 2, wd, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, sessions != NULL);
	if (se)
		sqlite3_bind_text(s, 4, se, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, id);
	if ((rc = store_step(c, s, "office calendar", err)))
		goto fail;
	json_t *details = json_pack("{s:s}", "office", office);
	json_object_update(details, config);
	char *text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(details);
	char eid[64];
	snprintf(eid, sizeof eid, "config:%.40s", office);
	rc = cal_event(st, who, eid, "calendar.centre_config_set", text, err);
	free(text);
	if (rc)
		goto fail;
	rc = store_commit(st, err);
	goto out;
fail:
	store_rollback(st);
out:
	free(wd);
	free(se);
	return rc;
}
