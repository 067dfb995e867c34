/* Appointments as stored (store/booking.h, docs/appointments.md). */
#include "store/booking.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/fold.h"
#include "util/jsontext.h"
#include "util/xmalloc.h"
#include "domain/civil_date.h"
#include "domain/applicant.h"
#include "store/calendar.h"
#include "store/dialect.h"
#include "store/notify.h"
#include "store/print.h"

/* Fills s from the stored object text (members absent keep s's value),
 * read through the engine's JSON functions (store/dialect.h); false when it
 * is malformed or out of range (s then untouched). */
static bool bk_settings_parse(struct store_conn *c, const char *text, struct booking_settings *s)
{
	struct booking_settings t = *s;
	bool ok = false;
	db_stmt *q = store_stmt(c, dialect_json_is_object_sql(c->db));
	if (q == NULL)
		return false;
	db_bind_text(q, 1, text, -1, DB_TRANSIENT);
	ok = db_step(q) == DB_ROW && db_column_int(q, 0) == 1;
	db_reset(q);
	q = ok ? store_stmt(c, dialect_json_at_sql(c->db)) : NULL;
	for (size_t i = 0; q && ok && i < BOOKING_SETTINGS_N; i++) {
		char path[64];
		snprintf(path, sizeof path, "$.%s", booking_setting_key(i));
		db_bind_text(q, 1, text, -1, DB_TRANSIENT);
		db_bind_text(q, 2, path, -1, DB_TRANSIENT);
		if (db_step(q) == DB_ROW && db_column_type(q, 0) != DB_NULL) {
			int64_t v = db_column_int64(q, 1);
			if (strcmp(store_col_text(q, 0), "integer") != 0 || v < -1000000 ||
			    v > 1000000)
				ok = false;
			else
				*booking_setting_member(&t, i) = (int)v;
		}
		db_reset(q);
	}
	if (q && ok && booking_settings_check(&t) == NULL) {
		*s = t;
		return true;
	}
	return false;
}

void store_booking_settings(struct store *st, struct booking_settings *out)
{
	booking_settings_default(out);
	char *text = store_setting_get(st, "appointments");
	if (text)
		bk_settings_parse(store_read_conn(st), text, out);
	free(text);
}

/* Appends one item to a growing array (*items, *n of them, *cap room). */
static void *bk_grow(void *items, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return items;
	*cap = *cap ? *cap * 2 : 16;
	return xreallocarray(items, *cap, size);
}

/* ---- Set-up: the bundle section "appointments". */

static enum mc_err bk_bad_setting(struct mc_error *err, const char *key, const char *what)
{
	return mc_failf(err, MC_ERR_INVALID, "invalid_setting", "Giá trị thiết lập không hợp lệ",
	                "appointments.%s: %s", key, what);
}

/* The id of centre (or reception point) code on c into *id: MC_OK, or
 * MC_ERR_NOT_FOUND "office_not_found". name/address (when not NULL, 201
 * bytes) get its name and address. */
static enum mc_err bk_centre(struct store_conn *c, const char *code, int64_t *id, char *name,
                             char *address, struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT id, name, coalesce(address, '') FROM offices"
	                           " WHERE code = ? AND kind IN ('centre', 'point')");
	int step;
	if (s == NULL)
		return store_sql_error(c, "office", err);
	db_bind_text(s, 1, code ? code : "", -1, DB_TRANSIENT);
	*id = 0;
	if (store_next(s, &step)) {
		*id = db_column_int64(s, 0);
		if (name)
			snprintf(name, 201, "%s", store_col_text(s, 1));
		if (address)
			snprintf(address, 201, "%s", store_col_text(s, 2));
	}
	enum mc_err rc = store_scan_end(c, s, step, "office", err);
	if (rc == MC_OK && *id == 0)
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "office_not_found", "Không có trung tâm này",
		              "No centre '%.40s'", code ? code : "");
	return rc;
}

/* The active group code of centre office_id on c into *gid, or
 * MC_ERR_NOT_FOUND "group_not_found". */
static enum mc_err bk_group_id(struct store_conn *c, int64_t office_id, const char *code,
                               int64_t *gid, struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c, "SELECT id FROM service_groups WHERE office_id = ? AND code = ? AND active = 1");
	int step;
	if (s == NULL)
		return store_sql_error(c, "group", err);
	db_bind_int64(s, 1, office_id);
	db_bind_text(s, 2, code ? code : "", -1, DB_TRANSIENT);
	*gid = store_next(s, &step) ? db_column_int64(s, 0) : 0;
	enum mc_err rc = store_scan_end(c, s, step, "group", err);
	if (rc == MC_OK && *gid == 0)
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "group_not_found",
		              "Trung tâm không nhận đặt lịch cho nhóm dịch vụ này",
		              "No bookable service group '%.40s' there", code ? code : "");
	return rc;
}

/* The ids of slot row r's centre and group, or MC_ERR_INVALID
 * "invalid_setting" when there is no such centre with that active group. */
static enum mc_err bk_slot_ids(struct store_conn *c, const struct booking_slot_row *r, int64_t *oid,
                               int64_t *gid, struct mc_error *err)
{
	enum mc_err rc;
	if ((rc = bk_centre(c, r->office, oid, NULL, NULL, err)) ||
	    (rc = bk_group_id(c, *oid, r->group, gid, err)))
		return rc != MC_ERR_NOT_FOUND
		           ? rc
		           : mc_failf(err, MC_ERR_INVALID, "invalid_setting",
		                      "Giá trị thiết lập không hợp lệ",
		                      "appointments.slots: %.40s is no centre with an"
		                      " active group %.40s",
		                      r->office, r->group);
	return MC_OK;
}

/* Whether centre oid's group gid has a slot row on c (*twice). */
static enum mc_err bk_slot_exists(struct store_conn *c, int64_t oid, int64_t gid, bool *twice,
                                  struct mc_error *err)
{
	db_stmt *d =
	    store_stmt(c, "SELECT 1 FROM booking_slots WHERE office_id = ? AND group_id = ?");
	int step;
	if (d == NULL)
		return store_sql_error(c, "booking_slots", err);
	db_bind_int64(d, 1, oid);
	db_bind_int64(d, 2, gid);
	*twice = store_next(d, &step);
	return store_scan_end(c, d, step, "booking_slots", err);
}

/* Applies the slot rows (n of them) on the writer c. */
static enum mc_err bk_slots_apply(struct store_conn *c, const struct booking_slot_row *rows,
                                  size_t n, struct mc_error *err)
{
	enum mc_err rc;
	/* First every centre named loses its slots, then the list is written:
	 * a bundle says the whole of a centre's slots. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			const struct booking_slot_row *r = &rows[i];
			int64_t oid, gid;
			bool twice = false;
			if ((rc = bk_slot_ids(c, r, &oid, &gid, err)))
				return rc;
			/* The named centres were emptied in pass 0: a row here came
			 * from this list, the same centre and group twice. */
			if (pass == 1 && (rc = bk_slot_exists(c, oid, gid, &twice, err)))
				return rc;
			if (twice)
				return mc_failf(err, MC_ERR_INVALID, "invalid_setting",
				                "Giá trị thiết lập không hợp lệ",
				                "appointments.slots: %.40s %.40s is given twice",
				                r->office, r->group);
			db_stmt *s =
			    pass == 0
			        ? store_stmt(c, "DELETE FROM booking_slots WHERE office_id = ?")
			        : store_stmt(c, "INSERT INTO booking_slots (office_id,"
			                        " group_id, minutes, capacity) VALUES (?,?,?,?)");
			if (s == NULL)
				return store_sql_error(c, "booking_slots", err);
			db_bind_int64(s, 1, oid);
			if (pass == 1) {
				db_bind_int64(s, 2, gid);
				db_bind_int64(s, 3, r->minutes);
				db_bind_int64(s, 4, r->capacity);
			}
			if ((rc = store_step(c, s, "booking_slots", err)))
				return rc;
		}
	return MC_OK;
}

void booking_config_cmd_clear(struct booking_config_cmd *cmd)
{
	free(cmd->slots);
	free(cmd->details);
	cmd->slots = NULL;
	cmd->details = NULL;
}

/* The setting's text: every member, in the order of booking_setting_key. */
static char *bk_settings_text(struct booking_settings *s)
{
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	for (size_t i = 0; i < BOOKING_SETTINGS_N; i++)
		jt_int(&j, booking_setting_key(i), *booking_setting_member(s, i));
	jt_end(&j);
	return jt_finish(&j);
}

enum mc_err store_booking_config_set(struct store *st, const struct principal *who,
                                     const struct booking_config_cmd *cmd, struct mc_error *err)
{
	enum mc_err rc = MC_OK;
	struct booking_settings s;
	if (!cmd->given)
		return MC_OK;
	store_booking_settings(st, &s);
	for (size_t i = 0; i < BOOKING_SETTINGS_N; i++)
		if (cmd->scalars & (1u << i))
			*booking_setting_member(&s, i) = cmd->value[i];
	const char *bad = booking_settings_check(&s);
	if (bad)
		return bk_bad_setting(err, bad, "out of range (docs/appointments.md)");
	if ((rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	if (cmd->scalars) {
		char *text = bk_settings_text(&s);
		rc = store_setting_set(st, "appointments", text, err);
		free(text);
	}
	if (rc == MC_OK && cmd->has_slots)
		rc = bk_slots_apply(c, cmd->slots, cmd->n_slots, err);
	if (rc == MC_OK &&
	    store_event_append(st, who ? who->actor : "system", "settings", "appointments",
	                       "appointments.set", cmd->details, false, err) == 0)
		rc = err ? err->kind : MC_ERR_INTERNAL;
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

void booking_off_grid_clear(struct booking_off_grid_list *l)
{
	free(l->items);
	*l = (struct booking_off_grid_list){0};
}

enum mc_err store_booking_off_grid(struct store *st, int64_t now, struct booking_off_grid_list *out,
                                   struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	size_t cap = 0;
	*out = (struct booking_off_grid_list){0};
	db_stmt *s =
	    store_stmt(c, "SELECT b.code, o.code, g.code, b.slot_start, b.slot_end,"
	                  " CASE WHEN sl.capacity IS NULL OR sl.capacity = 0 THEN 'closed'"
	                  "  WHEN b.slot_end - b.slot_start != sl.minutes * 60 THEN 'minutes'"
	                  "  ELSE 'over_capacity' END"
	                  " FROM bookings b JOIN offices o ON o.id = b.office_id"
	                  " JOIN service_groups g ON g.id = b.group_id"
	                  " LEFT JOIN booking_slots sl ON sl.office_id = b.office_id"
	                  "  AND sl.group_id = b.group_id"
	                  " WHERE b.state = 'booked' AND b.slot_end > ?1"
	                  "  AND (sl.capacity IS NULL OR sl.capacity = 0"
	                  "   OR b.slot_end - b.slot_start != sl.minutes * 60"
	                  "   OR (SELECT count(*) FROM bookings x WHERE x.office_id = b.office_id"
	                  "    AND x.group_id = b.group_id AND x.slot_start = b.slot_start"
	                  "    AND x.state IN ('booked', 'checked_in')) > sl.capacity)"
	                  " ORDER BY b.slot_start, b.code");
	int step;
	if (s == NULL)
		return store_sql_error(c, "bookings", err);
	db_bind_int64(s, 1, now);
	while (store_next(s, &step)) {
		out->items = bk_grow(out->items, out->n, &cap, sizeof *out->items);
		struct booking_off_grid *b = &out->items[out->n++];
		*b = (struct booking_off_grid){.start = db_column_int64(s, 3),
		                               .end = db_column_int64(s, 4)};
		snprintf(b->code, sizeof b->code, "%s", store_col_text(s, 0));
		snprintf(b->office, sizeof b->office, "%s", store_col_text(s, 1));
		snprintf(b->group, sizeof b->group, "%s", store_col_text(s, 2));
		snprintf(b->why, sizeof b->why, "%s", store_col_text(s, 5));
	}
	enum mc_err rc = store_scan_end(c, s, step, "bookings", err);
	if (rc)
		booking_off_grid_clear(out);
	return rc;
}

/* ---- The window of bookable days. */

/* Days looked at from today to find the window's end: days_ahead (≤ 30)
 * working days fit in far fewer, even across Tết. */
#define BK_SCAN_DAYS 64
#define BK_MAX_SLOTS BOOKING_MAX_DAY_SLOTS

/* One day of a centre, as store_calendar_centre_day says it. */
struct bk_day {
	int64_t start; /* its local midnight as an instant */
	char date[11];
	int weekday;
	bool working;
	char day_name[WORKCAL_NAME_MAX];
	int n_sessions;
	struct workcal_session ses[WORKCAL_MAX_SESSIONS * 2];
};

/* Reads day number `day` (civil days) of centre office_id into *out. */
static enum mc_err bk_day_read(struct store *st, int64_t office_id, int day, struct bk_day *out,
                               struct mc_error *err)
{
	struct workhours_day d;
	int64_t start = (int64_t)day * 86400 - CLOCK_OFFICE_UTC_OFFSET;
	enum mc_err rc = store_calendar_centre_day(st, office_id, start + 43200, &d, err);
	if (rc)
		return rc;
	*out = (struct bk_day){.start = start, .weekday = d.weekday, .working = d.working};
	char date[32];
	snprintf(date, sizeof date, "%04d-%02d-%02d", d.year, d.month, d.day);
	snprintf(out->date, sizeof out->date, "%.10s", date);
	if (d.named)
		snprintf(out->day_name, sizeof out->day_name, "%s", d.day_name);
	for (int i = 0; i < d.n_sessions && i < WORKCAL_MAX_SESSIONS * 2; i++)
		out->ses[out->n_sessions++] = d.sessions[i];
	return MC_OK;
}

/* The bookable days of centre office_id at now into days (BK_SCAN_DAYS):
 * *n gets how many (today first). */
static enum mc_err bk_window(struct store *st, int64_t office_id, const struct booking_settings *bs,
                             int64_t now, struct bk_day *days, int *n, struct mc_error *err)
{
	int today = (int)civil_floor_div(now + CLOCK_OFFICE_UTC_OFFSET, 86400);
	bool working[BK_SCAN_DAYS];
	int seen = 0, k;
	enum mc_err rc;
	for (k = 0; k < BK_SCAN_DAYS; k++) {
		if ((rc = bk_day_read(st, office_id, today + k, &days[k], err)))
			return rc;
		working[k] = days[k].working;
		if (k > 0 && working[k] && ++seen > bs->days_ahead)
			break;
	}
	*n = booking_window_days(working, k < BK_SCAN_DAYS ? k + 1 : BK_SCAN_DAYS, bs->days_ahead);
	return MC_OK;
}

/* The places taken in each slot of group gid at centre office_id that
 * start in [from, to): counts[i] for the slot starting at slots[i].start. */
static enum mc_err bk_taken(struct store_conn *c, const struct booking_settings *bs,
                            int64_t office_id, int64_t gid, const struct booking_slot *slots, int n,
                            int64_t now, int *counts, struct mc_error *err)
{
	for (int i = 0; i < n; i++)
		counts[i] = 0;
	if (n == 0)
		return MC_OK;
	db_stmt *s = store_stmt(
	    c, "SELECT slot_start, count(*) FROM bookings WHERE office_id = ?1 AND group_id = ?2"
	       " AND slot_start >= ?3 AND slot_start <= ?4 AND (state = 'checked_in'"
	       " OR (state = 'booked' AND slot_start >= ?5)) GROUP BY slot_start");
	int step;
	if (s == NULL)
		return store_sql_error(c, "bookings", err);
	db_bind_int64(s, 1, office_id);
	db_bind_int64(s, 2, gid);
	db_bind_int64(s, 3, slots[0].start);
	db_bind_int64(s, 4, slots[n - 1].start);
	/* booking_holds_place, as a bound the SQL compares with. */
	db_bind_int64(s, 5, booking_hold_from(bs, now));
	while (store_next(s, &step)) {
		int64_t at = db_column_int64(s, 0);
		for (int i = 0; i < n; i++)
			if (slots[i].start == at)
				counts[i] = db_column_int(s, 1);
	}
	return store_scan_end(c, s, step, "bookings", err);
}

/* A centre's bookable group: its ids, slot length and capacity. */
struct bk_target {
	int64_t office_id, group_id;
	int minutes, capacity;
	char office_code[41], group_code[41];
	char office_name[201], office_address[201];
	char group_name[201], group_name_en[201];
};

/* Resolves centre `office` and its group `group` with a slot row of
 * capacity > 0 into *t. */
static enum mc_err bk_target(struct store_conn *c, const char *office, const char *group,
                             struct bk_target *t, struct mc_error *err)
{
	enum mc_err rc;
	*t = (struct bk_target){0};
	if ((rc = bk_centre(c, office, &t->office_id, t->office_name, t->office_address, err)))
		return rc;
	db_stmt *s = store_stmt(
	    c, "SELECT g.id, g.name, g.name_en, b.minutes, b.capacity FROM service_groups g"
	       " JOIN booking_slots b ON b.group_id = g.id AND b.office_id = ?1"
	       " WHERE g.office_id = ?1 AND g.code = ?2 AND g.active = 1 AND b.capacity > 0");
	int step;
	if (s == NULL)
		return store_sql_error(c, "group", err);
	db_bind_int64(s, 1, t->office_id);
	db_bind_text(s, 2, group ? group : "", -1, DB_TRANSIENT);
	if (store_next(s, &step)) {
		t->group_id = db_column_int64(s, 0);
		snprintf(t->group_name, sizeof t->group_name, "%s", store_col_text(s, 1));
		snprintf(t->group_name_en, sizeof t->group_name_en, "%s", store_col_text(s, 2));
		t->minutes = db_column_int(s, 3);
		t->capacity = db_column_int(s, 4);
	}
	rc = store_scan_end(c, s, step, "group", err);
	if (rc == MC_OK && t->group_id == 0)
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "group_not_found",
		              "Trung tâm không nhận đặt lịch cho nhóm dịch vụ này",
		              "No bookable service group '%.40s' there", group ? group : "");
	snprintf(t->office_code, sizeof t->office_code, "%s", office ? office : "");
	snprintf(t->group_code, sizeof t->group_code, "%s", group ? group : "");
	return rc;
}

static bool bk_date_parse(const char *s, int *day)
{
	int y, m, d;
	if (civil_parse_date(s, &y, &m, &d) != CIVIL_INSTANT_OK)
		return false;
	*day = civil_days_from_ymd(y, m, d);
	return true;
}

void booking_slots_clear(struct booking_slots *s)
{
	free(s->days);
	s->days = NULL;
	s->n_days = 0;
}

/* The free places of day d's slots of target t into *out. */
static enum mc_err bk_slots_day(struct store_conn *c, const struct booking_settings *bs,
                                const struct bk_target *t, const struct bk_day *d, int64_t now,
                                struct booking_slots_day *out, struct mc_error *err)
{
	struct booking_slot sl[BK_MAX_SLOTS];
	int counts[BK_MAX_SLOTS];
	enum mc_err rc;
	int ns = booking_day_slots(d->start, d->ses, d->n_sessions, t->minutes, sl, BK_MAX_SLOTS);
	if (ns > BK_MAX_SLOTS)
		ns = BK_MAX_SLOTS;
	if (!d->working)
		ns = 0;
	if ((rc = bk_taken(c, bs, t->office_id, t->group_id, sl, ns, now, counts, err)))
		return rc;
	*out = (struct booking_slots_day){.weekday = d->weekday, .working = d->working};
	snprintf(out->date, sizeof out->date, "%s", d->date);
	snprintf(out->day_name, sizeof out->day_name, "%s", d->day_name);
	for (int i = 0; i < ns; i++) {
		if (sl[i].start <= now)
			continue;
		int free_ = t->capacity - counts[i];
		out->slots[out->n_slots++] =
		    (struct booking_free_slot){sl[i].start, sl[i].end, free_ < 0 ? 0 : free_};
	}
	return MC_OK;
}

enum mc_err store_booking_slots(struct store *st, const char *office, const char *group,
                                const char *from, int64_t now, struct booking_slots *out,
                                struct mc_error *err)
{
	struct booking_settings bs;
	struct bk_target t;
	struct store_conn *c = store_read_conn(st);
	enum mc_err rc;
	int n = 0, first = 0;
	*out = (struct booking_slots){0};
	store_booking_settings(st, &bs);
	if ((rc = bk_target(c, office, group, &t, err)))
		return rc;
	struct bk_day *days = xcalloc(BK_SCAN_DAYS, sizeof *days);
	if ((rc = bk_window(st, t.office_id, &bs, now, days, &n, err)))
		goto out;
	int today = (int)civil_floor_div(now + CLOCK_OFFICE_UTC_OFFSET, 86400), fd;
	if (from && *from) {
		if (!bk_date_parse(from, &fd) || fd - today >= n) {
			rc = mc_fail(err, MC_ERR_INVALID, "invalid_date",
			             "Ngày không hợp lệ hoặc ngoài thời gian nhận đặt lịch",
			             "from must be a date YYYY-MM-DD within the booking window");
			goto out;
		}
		first = fd < today ? 0 : fd - today;
	}
	out->days = xcalloc(n > first ? (size_t)(n - first) : 1, sizeof *out->days);
	for (int k = first; k < n; k++)
		if ((rc = bk_slots_day(c, &bs, &t, &days[k], now, &out->days[out->n_days++], err)))
			goto out;
	snprintf(out->office, sizeof out->office, "%s", t.office_code);
	snprintf(out->group, sizeof out->group, "%s", t.group_code);
	snprintf(out->group_name, sizeof out->group_name, "%s", t.group_name);
	snprintf(out->group_name_en, sizeof out->group_name_en, "%s", t.group_name_en);
	out->minutes = t.minutes;
	out->capacity = t.capacity;
	snprintf(out->today, sizeof out->today, "%s", days[0].date);
	snprintf(out->last_day, sizeof out->last_day, "%s", days[n > 0 ? n - 1 : 0].date);
out:
	if (rc)
		booking_slots_clear(out);
	free(days);
	return rc;
}

/* ---- Options: what the page offers. */

/* The group among groups[0..n) a procedure of field `field` books: the
 * first (by sort) whose folded name starts the folded field ("Đăng ký kinh
 * doanh (hộ kinh doanh)" → "Đăng ký kinh doanh"); NULL when none. */
static const char *bk_group_for_field(const struct booking_option_group *groups, size_t n,
                                      const char *field)
{
	char ff[512], gf[512];
	fold_vi(field ? field : "", ff, sizeof ff);
	for (size_t i = 0; i < n; i++) {
		fold_vi(groups[i].name, gf, sizeof gf);
		if (gf[0] && strncmp(ff, gf, strlen(gf)) == 0)
			return groups[i].code;
	}
	return NULL;
}

void booking_options_clear(struct booking_options *o)
{
	for (size_t i = 0; i < o->n_procedures; i++)
		free(o->procedures[i].name);
	free(o->centres);
	free(o->groups);
	free(o->procedures);
	free(o->picks);
	*o = (struct booking_options){0};
}

/* The bookable centres and their groups into o. */
static enum mc_err bk_options_centres(struct store_conn *c, struct booking_options *o,
                                      struct mc_error *err)
{
	size_t cap_c = 0, cap_g = 0;
	int step;
	db_stmt *s = store_stmt(
	    c, "SELECT o.code, o.name, coalesce(o.address, ''), g.code, g.name, g.name_en,"
	       " b.minutes, b.capacity FROM booking_slots b JOIN offices o ON o.id = b.office_id"
	       " JOIN service_groups g ON g.id = b.group_id WHERE b.capacity > 0 AND g.active = 1"
	       " AND o.kind IN ('centre', 'point') ORDER BY o.sort, o.code, g.sort, g.code");
	if (s == NULL)
		return store_sql_error(c, "booking_slots", err);
	while (store_next(s, &step)) {
		const char *code = store_col_text(s, 0);
		struct booking_option_centre *ce =
		    o->n_centres ? &o->centres[o->n_centres - 1] : NULL;
		if (ce == NULL || strcmp(ce->code, code) != 0) {
			o->centres = bk_grow(o->centres, o->n_centres, &cap_c, sizeof *o->centres);
			ce = &o->centres[o->n_centres++];
			*ce = (struct booking_option_centre){.first_group = o->n_groups};
			snprintf(ce->code, sizeof ce->code, "%s", code);
			snprintf(ce->name, sizeof ce->name, "%s", store_col_text(s, 1));
			snprintf(ce->address, sizeof ce->address, "%s", store_col_text(s, 2));
		}
		o->groups = bk_grow(o->groups, o->n_groups, &cap_g, sizeof *o->groups);
		struct booking_option_group *g = &o->groups[o->n_groups++];
		*g = (struct booking_option_group){.minutes = db_column_int(s, 6),
		                                   .capacity = db_column_int(s, 7)};
		snprintf(g->code, sizeof g->code, "%s", store_col_text(s, 3));
		snprintf(g->name, sizeof g->name, "%s", store_col_text(s, 4));
		snprintf(g->name_en, sizeof g->name_en, "%s", store_col_text(s, 5));
		ce->n_groups++;
	}
	return store_scan_end(c, s, step, "booking_slots", err);
}

enum mc_err store_booking_options(struct store *st, struct booking_options *out,
                                  struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	enum mc_err rc;
	int step;
	size_t cap_p = 0, cap_k = 0;
	*out = (struct booking_options){0};
	store_booking_settings(st, &out->settings);
	if ((rc = bk_options_centres(c, out, err)))
		goto out;
	db_stmt *s = store_stmt(c, "SELECT code, name, field FROM procedures WHERE current = 1"
	                           " ORDER BY code LIMIT 2000");
	if (s == NULL) {
		rc = store_sql_error(c, "procedures", err);
		goto out;
	}
	while (store_next(s, &step)) {
		size_t first = out->n_picks;
		for (size_t i = 0; i < out->n_centres; i++) {
			const struct booking_option_centre *ce = &out->centres[i];
			const char *g = bk_group_for_field(&out->groups[ce->first_group],
			                                   ce->n_groups, store_col_text(s, 2));
			if (g == NULL)
				continue;
			out->picks = bk_grow(out->picks, out->n_picks, &cap_k, sizeof *out->picks);
			struct booking_option_pick *pk = &out->picks[out->n_picks++];
			pk->centre = i;
			snprintf(pk->group, sizeof pk->group, "%s", g);
		}
		if (out->n_picks == first)
			continue;
		out->procedures =
		    bk_grow(out->procedures, out->n_procedures, &cap_p, sizeof *out->procedures);
		struct booking_option_procedure *p = &out->procedures[out->n_procedures++];
		*p = (struct booking_option_procedure){.name = xstrdup(store_col_text(s, 1)),
		                                       .first_pick = first,
		                                       .n_picks = out->n_picks - first};
		snprintf(p->code, sizeof p->code, "%s", store_col_text(s, 0));
	}
	rc = store_scan_end(c, s, step, "procedures", err);
out:
	if (rc)
		booking_options_clear(out);
	return rc;
}

/* ---- One booking's view. */

void store_booking_when(int64_t t, char out[32])
{
	char text[17];
	clock_office_text(t, text); /* "dd/mm/yyyy HH:MM" */
	snprintf(out, 32, "%s %.10s", text + 11, text);
}

#define BK_VIEW_SQL                                                                                \
	"SELECT b.id, b.code, b.state, o.code, o.name, coalesce(o.address, ''), g.code, g.name,"   \
	" g.name_en, b.day, b.slot_start, b.slot_end, b.name, b.phone, coalesce(b.id_number, '')," \
	" coalesce(b.email, ''), b.created_by, b.created_at, p.code, p.name, p.body, b.office_id"  \
	" FROM bookings b JOIN offices o ON o.id = b.office_id JOIN service_groups g"              \
	" ON g.id = b.group_id LEFT JOIN procedures p ON p.id = b.procedure_id"

void booking_view_clear(struct booking_view *v)
{
	free(v->procedure_body);
	v->procedure_body = NULL;
}

/* The booking of the row s is on (BK_VIEW_SQL's columns) into *v. */
static void bk_view(db_stmt *s, const struct booking_settings *bs, int64_t now,
                    struct booking_view *v)
{
	*v = (struct booking_view){.id = db_column_int64(s, 0),
	                           .start = db_column_int64(s, 10),
	                           .end = db_column_int64(s, 11),
	                           .created_at = db_column_int64(s, 17),
	                           .office_id = db_column_int64(s, 21)};
	snprintf(v->code, sizeof v->code, "%s", store_col_text(s, 1));
	snprintf(v->state, sizeof v->state, "%s", store_col_text(s, 2));
	snprintf(v->office, sizeof v->office, "%s", store_col_text(s, 3));
	snprintf(v->office_name, sizeof v->office_name, "%s", store_col_text(s, 4));
	snprintf(v->office_address, sizeof v->office_address, "%s", store_col_text(s, 5));
	snprintf(v->group, sizeof v->group, "%s", store_col_text(s, 6));
	snprintf(v->group_name, sizeof v->group_name, "%s", store_col_text(s, 7));
	snprintf(v->group_name_en, sizeof v->group_name_en, "%s", store_col_text(s, 8));
	snprintf(v->day, sizeof v->day, "%s", store_col_text(s, 9));
	snprintf(v->name, sizeof v->name, "%s", store_col_text(s, 12));
	snprintf(v->phone, sizeof v->phone, "%s", store_col_text(s, 13));
	snprintf(v->id_number, sizeof v->id_number, "%s", store_col_text(s, 14));
	snprintf(v->email, sizeof v->email, "%s", store_col_text(s, 15));
	snprintf(v->created_by, sizeof v->created_by, "%s", store_col_text(s, 16));
	v->has_procedure = db_column_type(s, 18) != DB_NULL;
	if (v->has_procedure) {
		snprintf(v->procedure, sizeof v->procedure, "%s", store_col_text(s, 18));
		snprintf(v->procedure_name, sizeof v->procedure_name, "%s", store_col_text(s, 19));
	}
	if (db_column_type(s, 20) != DB_NULL)
		v->procedure_body = xstrdup(store_col_text(s, 20));
	enum booking_state state;
	bool known = booking_state_parse(v->state, &state);
	bool booked = known && state == BOOKING_BOOKED;
	v->checkin_from = booking_window_open(bs, v->start);
	v->checkin_until = booking_window_close(bs, v->start);
	v->no_show = booked && !booking_holds_place(bs, v->start, now);
	v->cancellable = known && booking_cancellable(state, v->end, now);
}

static enum mc_err bk_not_found(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_NOT_FOUND, "booking_not_found",
	               "Không tìm thấy lịch hẹn với mã này", "No booking with this code");
}

/* Booking code on the caller's read connection into *out. who: staff
 * scope (NULL: public). */
static enum mc_err bk_get(struct store *st, const struct principal *who, const char *code,
                          int64_t now, struct booking_view *out, struct mc_error *err)
{
	char canon[BOOKING_CODE_LEN + 1];
	struct booking_settings bs;
	*out = (struct booking_view){0};
	if (!booking_code_parse(code, canon))
		return bk_not_found(err);
	store_booking_settings(st, &bs);
	struct store_conn *c = store_read_conn(st);
	db_stmt *s =
	    store_stmt(c, BK_VIEW_SQL " WHERE b.code = :code AND " SCOPE_SQL("b.office_id"));
	int step;
	if (s == NULL)
		return store_sql_error(c, "bookings", err);
	db_bind_text(s, db_bind_parameter_index(s, ":code"), canon, -1, DB_TRANSIENT);
	store_bind_scope(s, who);
	bool found = store_next(s, &step);
	if (found)
		bk_view(s, &bs, now, out);
	enum mc_err rc = store_scan_end(c, s, step, "bookings", err);
	if (rc == MC_OK && !found)
		rc = bk_not_found(err);
	if (rc)
		booking_view_clear(out);
	return rc;
}

enum mc_err store_booking_get(struct store *st, const struct principal *who, const char *code,
                              int64_t now, struct booking_view *out, struct mc_error *err)
{
	return bk_get(st, who, code, now, out, err);
}

enum mc_err store_booking_find(struct store *st, const char *code, struct store_booking_row *out,
                               struct mc_error *err)
{
	char canon[BOOKING_CODE_LEN + 1];
	if (!booking_code_parse(code, canon))
		return bk_not_found(err);
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT id, office_id, group_id, slot_start, slot_end,"
	                           " state FROM bookings WHERE code = ?");
	int step;
	if (s == NULL)
		return store_sql_error(c, "bookings", err);
	db_bind_text(s, 1, canon, -1, DB_TRANSIENT);
	bool found = store_next(s, &step);
	if (found) {
		*out = (struct store_booking_row){.id = db_column_int64(s, 0),
		                                  .office_id = db_column_int64(s, 1),
		                                  .group_id = db_column_int64(s, 2),
		                                  .slot_start = db_column_int64(s, 3),
		                                  .slot_end = db_column_int64(s, 4)};
		snprintf(out->code, sizeof out->code, "%s", canon);
		/* The schema allows only the four states: any other text would
		 * read as one used already (neither checked in again nor
		 * cancelled), as it always did. */
		if (!booking_state_parse(store_col_text(s, 5), &out->state))
			out->state = BOOKING_CHECKED_IN;
	}
	enum mc_err rc = store_scan_end(c, s, step, "bookings", err);
	return rc == MC_OK && !found ? bk_not_found(err) : rc;
}

/* ---- Booking and cancelling. */

/* The group of centre t->office_id that procedure code books into t (with
 * *proc_id): MC_ERR_NOT_FOUND procedure_not_found / group_not_found. */
static enum mc_err bk_procedure_group(struct store_conn *c, const char *office, const char *code,
                                      struct bk_target *t, int64_t *proc_id, struct mc_error *err)
{
	enum mc_err rc;
	int64_t oid;
	char field[512] = "";
	int step;
	if ((rc = bk_centre(c, office, &oid, NULL, NULL, err)))
		return rc;
	db_stmt *s =
	    store_stmt(c, "SELECT id, field FROM procedures WHERE code = ? AND current = 1");
	if (s == NULL)
		return store_sql_error(c, "procedures", err);
	db_bind_text(s, 1, code, -1, DB_TRANSIENT);
	*proc_id = 0;
	if (store_next(s, &step)) {
		*proc_id = db_column_int64(s, 0);
		snprintf(field, sizeof field, "%s", store_col_text(s, 1));
	}
	if ((rc = store_scan_end(c, s, step, "procedures", err)))
		return rc;
	if (*proc_id == 0)
		return mc_failf(err, MC_ERR_NOT_FOUND, "procedure_not_found",
		                "Không có thủ tục này", "No procedure '%.40s'", code);
	s = store_stmt(c, "SELECT g.code, g.name FROM booking_slots b JOIN service_groups g"
	                  " ON g.id = b.group_id WHERE b.office_id = ? AND b.capacity > 0"
	                  " AND g.active = 1 ORDER BY g.sort, g.code");
	if (s == NULL)
		return store_sql_error(c, "booking_slots", err);
	db_bind_int64(s, 1, oid);
	struct booking_option_group *groups = NULL;
	size_t n = 0, cap = 0;
	while (store_next(s, &step)) {
		groups = bk_grow(groups, n, &cap, sizeof *groups);
		struct booking_option_group *g = &groups[n++];
		*g = (struct booking_option_group){0};
		snprintf(g->code, sizeof g->code, "%s", store_col_text(s, 0));
		snprintf(g->name, sizeof g->name, "%s", store_col_text(s, 1));
	}
	if ((rc = store_scan_end(c, s, step, "booking_slots", err))) {
		free(groups);
		return rc;
	}
	const char *g = bk_group_for_field(groups, n, field);
	char gc[sizeof groups->code];
	snprintf(gc, sizeof gc, "%s", g ? g : "");
	free(groups);
	if (g == NULL)
		return mc_failf(err, MC_ERR_NOT_FOUND, "group_not_found",
		                "Trung tâm không nhận đặt lịch cho thủ tục này",
		                "No bookable group for procedure '%.40s' there", code);
	return bk_target(c, office, gc, t, err);
}

/* The booking's message (booking_confirmed / booking_cancelled) in the
 * caller's transaction. */
static enum mc_err bk_notify(struct store *st, const char *trigger, int64_t office_id, int64_t id,
                             const char *code, const char *name, const char *group, int64_t start,
                             const char *consent, const char *phone, const char *email,
                             const char *actor, struct mc_error *err)
{
	if (consent == NULL)
		return MC_OK;
	char slot[32];
	store_booking_when(start, slot);
	char link[400] = "";
	char *url = store_public_url(st);
	if (url)
		snprintf(link, sizeof link, "%s/dat-lich?ma=%s", url, code);
	free(url);
	const struct notify_field fields[] = {
	    {"code", code}, {"name", name}, {"group", group}, {"slot", slot}, {"link", link}};
	struct notify_request rq = {.trigger = trigger,
	                            .office_id = office_id,
	                            .ref_kind = "booking",
	                            .ref_id = id,
	                            .consent = consent,
	                            .phone = phone,
	                            .email = email && *email ? email : NULL,
	                            .fields = fields,
	                            .n_fields = sizeof fields / sizeof fields[0],
	                            .actor = actor};
	return store_notify_enqueue(st, &rq, err);
}

/* Appends the booking's event (not on the live stream: it is about a
 * citizen) with details, JSON text (the caller frees it). */
static enum mc_err bk_event(struct store *st, const char *actor, int64_t office_id,
                            const char *code, const char *action, const char *details,
                            struct mc_error *err)
{
	store_event_office(st, office_id);
	int64_t ev = store_event_append(st, actor, "booking", code, action, details, false, err);
	return ev == 0 ? (err ? err->kind : MC_ERR_INTERNAL) : MC_OK;
}

/* Whether the booking a (slot `slot` of day `day`, target t) is refused on
 * connection c into *why: the counts read here, the rule booking_refusal_of's,
 * the figures its words name beside it (the API words it). Run on the reader
 * first, so an obviously refused booking never takes the writer, then again
 * inside the write transaction, the check that decides a race. The error
 * returned is the store's own (a failed read), never the refusal. */
static enum mc_err bk_refused(struct store_conn *c, const struct principal *who,
                              const struct booking_create_cmd *a, const struct bk_day *day,
                              const struct booking_settings *bs, const struct bk_target *t,
                              const struct booking_slot *slot, int64_t now,
                              struct booking_refused *why, struct mc_error *err)
{
	enum mc_err rc = MC_OK;
	struct booking_counts n = {.public_channel = who == NULL,
	                           .capacity = t->capacity,
	                           .phone_day_max = STORE_BOOKING_PER_PHONE_DAY};
	int64_t today_start =
	    civil_floor_div(now + CLOCK_OFFICE_UTC_OFFSET, 86400) * 86400 - CLOCK_OFFICE_UTC_OFFSET;
	db_stmt *s;
	if (who == NULL) {
		s = store_stmt(c, "SELECT count(*) FROM bookings WHERE phone = ? AND"
		                  " created_by = 'public' AND created_at >= ?");
		if (s == NULL)
			return store_sql_error(c, "bookings", err);
		db_bind_text(s, 1, a->phone, -1, DB_TRANSIENT);
		db_bind_int64(s, 2, today_start);
		if ((rc = store_one_int64(c, s, 0, &n.phone_today, "bookings", err)))
			return rc;
	}
	s = store_stmt(c, "SELECT count(*) FROM bookings WHERE day = ?1 AND state <> 'cancelled'"
	                  " AND (phone = ?2 OR (CAST(?3 AS TEXT) IS NOT NULL AND id_number = ?3))");
	if (s == NULL)
		return store_sql_error(c, "bookings", err);
	db_bind_text(s, 1, day->date, -1, DB_TRANSIENT);
	db_bind_text(s, 2, a->phone, -1, DB_TRANSIENT);
	if (a->id_number[0])
		db_bind_text(s, 3, a->id_number, -1, DB_TRANSIENT);
	if ((rc = store_one_int64(c, s, 0, &n.person_day, "bookings", err)))
		return rc;
	int used;
	if ((rc = bk_taken(c, bs, t->office_id, t->group_id, slot, 1, now, &used, err)))
		return rc;
	n.slot_taken = used;
	*why = (struct booking_refused){.why = booking_refusal_of(bs, &n),
	                                .phone_day_max = n.phone_day_max,
	                                .per_person_per_day = bs->per_person_per_day,
	                                .retry_after = today_start + 86400 - now};
	return MC_OK;
}

void booking_create_cmd_clear(struct booking_create_cmd *cmd)
{
	free(cmd->consent);
	cmd->consent = NULL;
}

/* The centre's group a asks for into *t, and the procedure it names
 * (*proc_id, 0 when none). */
static enum mc_err bk_resolve(struct store_conn *c, const struct booking_create_cmd *a,
                              struct bk_target *t, int64_t *proc_id, struct mc_error *err)
{
	enum mc_err rc;
	*proc_id = 0;
	rc = a->has_group ? bk_target(c, a->office, a->group, t, err)
	                  : bk_procedure_group(c, a->office, a->procedure, t, proc_id, err);
	if (rc || !a->has_group || !a->has_procedure)
		return rc;
	/* Both: the procedure is named on the booking, the group books. */
	db_stmt *s = store_stmt(c, "SELECT id FROM procedures WHERE code = ? AND current = 1");
	if (s == NULL)
		return store_sql_error(c, "procedures", err);
	db_bind_text(s, 1, a->procedure, -1, DB_TRANSIENT);
	rc = store_one_int64(c, s, 0, proc_id, "procedures", err);
	if (rc == MC_OK && *proc_id == 0)
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "procedure_not_found", "Không có thủ tục này",
		              "No procedure '%.40s'", a->procedure);
	return rc;
}

/* The slot starting at start: one of a window day's (days[0..n)), still
 * ahead of now. *k gets its day; MC_ERR_INVALID "slot_invalid" else. */
static enum mc_err bk_slot_find(const struct bk_day *days, int n, const struct bk_target *t,
                                int64_t start, int64_t now, int *k, struct booking_slot *slot,
                                const char **field, struct mc_error *err)
{
	struct booking_slot sl[BK_MAX_SLOTS];
	int i = 0, ns = 0;
	for (*k = 0; *k < n; (*k)++) {
		const struct bk_day *d = &days[*k];
		if (!d->working || start < d->start || start >= d->start + 86400)
			continue;
		ns = booking_day_slots(d->start, d->ses, d->n_sessions, t->minutes, sl,
		                       BK_MAX_SLOTS);
		for (i = 0; i < ns && i < BK_MAX_SLOTS && sl[i].start != start; i++)
			;
		break;
	}
	if (*k == n || i >= ns || i >= BK_MAX_SLOTS || start <= now) {
		if (field)
			*field = "start";
		return mc_fail(err, MC_ERR_INVALID, "slot_invalid",
		               "Giờ hẹn không hợp lệ: đã qua, ngoài thời gian nhận đặt lịch, hoặc"
		               " là ngày nghỉ",
		               "start is not a bookable slot (in the past, beyond the window, a day"
		               " off, or not a slot's start)");
	}
	*slot = sl[i];
	return MC_OK;
}

/* A booking code not yet used into code, inside the write transaction. */
static enum mc_err bk_code_new(struct store_conn *c, char code[BOOKING_CODE_LEN + 1],
                               struct mc_error *err)
{
	enum mc_err rc;
	for (int tries = 0;; tries++) {
		uint32_t idx[BOOKING_CODE_RANDOM];
		for (int j = 0; j < BOOKING_CODE_RANDOM; j++)
			idx[j] = randombytes_uniform(BOOKING_CODE_ALPHABET_LEN);
		booking_code_make(idx, code);
		db_stmt *s = store_stmt(c, "SELECT count(*) FROM bookings WHERE code = ?");
		if (s == NULL)
			return store_sql_error(c, "bookings", err);
		db_bind_text(s, 1, code, -1, DB_TRANSIENT);
		int64_t taken;
		rc = store_one_int64(c, s, 0, &taken, "bookings", err);
		if (rc || taken == 0)
			return rc;
		if (tries == 20)
			return mc_fail(err, MC_ERR_INTERNAL, "code_exhausted", "Lỗi máy chủ",
			               "no free booking code");
	}
}

/* Inserts booking code (a, t, proc_id, day, slot) by actor at now: *id. */
static enum mc_err bk_insert(struct store_conn *c, const char *code,
                             const struct booking_create_cmd *a, const struct bk_target *t,
                             int64_t proc_id, const struct bk_day *day,
                             const struct booking_slot *slot, const char *actor, int64_t now,
                             int64_t *id, struct mc_error *err)
{
	db_stmt *s =
	    store_stmt(c, "INSERT INTO bookings (code, office_id, group_id, procedure_id, day,"
	                  " slot_start, slot_end, name, phone, id_number, email, notify,"
	                  " created_at, created_by)"
	                  " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14) RETURNING id");
	if (s == NULL)
		return store_sql_error(c, "bookings", err);
	db_bind_text(s, 1, code, -1, DB_TRANSIENT);
	db_bind_int64(s, 2, t->office_id);
	db_bind_int64(s, 3, t->group_id);
	if (proc_id)
		db_bind_int64(s, 4, proc_id);
	db_bind_text(s, 5, day->date, -1, DB_TRANSIENT);
	db_bind_int64(s, 6, slot->start);
	db_bind_int64(s, 7, slot->end);
	db_bind_text(s, 8, a->name, -1, DB_TRANSIENT);
	db_bind_text(s, 9, a->phone, -1, DB_TRANSIENT);
	if (a->id_number[0])
		db_bind_text(s, 10, a->id_number, -1, DB_TRANSIENT);
	if (a->email[0])
		db_bind_text(s, 11, a->email, -1, DB_TRANSIENT);
	if (a->consent)
		db_bind_text(s, 12, a->consent, -1, DB_TRANSIENT);
	db_bind_int64(s, 13, now);
	db_bind_text(s, 14, actor, -1, DB_TRANSIENT);
	return store_one_int64(c, s, 0, id, "bookings", err);
}

/* Takes the place inside one write transaction: the refusals checked
 * again (the check that decides a race; refused: *why set, rolled back,
 * MC_OK), the booking stored with its event and message. *code gets the
 * new booking's code. */
static enum mc_err bk_take(struct store *st, const struct principal *who,
                           const struct booking_create_cmd *a, const struct bk_target *t,
                           int64_t proc_id, const struct booking_settings *bs,
                           const struct bk_day *day, const struct booking_slot *slot, int64_t now,
                           char code[BOOKING_CODE_LEN + 1], struct booking_refused *why,
                           struct mc_error *err)
{
	enum mc_err rc;
	int64_t id = 0;
	const char *actor = who ? who->actor : "public";
	if ((rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	if ((rc = bk_refused(c, who, a, day, bs, t, slot, now, why, err)) ||
	    why->why != BOOKING_OK || (rc = bk_code_new(c, code, err)) ||
	    (rc = bk_insert(c, code, a, t, proc_id, day, slot, actor, now, &id, err)))
		goto fail;
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_str(&j, "channel", who ? "staff" : "public");
	jt_str(&j, "group", t->group_code);
	jt_str(&j, "office", t->office_code);
	jt_int(&j, "start", slot->start);
	jt_end(&j);
	char *details = jt_finish(&j);
	rc = bk_event(st, actor, t->office_id, code, "booking.made", details, err);
	free(details);
	if (rc ||
	    (rc = bk_notify(st, "booking_confirmed", t->office_id, id, code, a->name, t->group_name,
	                    slot->start, a->consent, a->phone, a->email, actor, err)))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

enum mc_err store_booking_create(struct store *st, const struct principal *who,
                                 const struct booking_create_cmd *a, int64_t now,
                                 struct booking_view *out, struct booking_refused *why,
                                 const char **field, struct mc_error *err)
{
	struct bk_target t;
	struct booking_settings bs;
	struct booking_slot slot;
	enum mc_err rc;
	int64_t proc_id = 0, scoped;
	int n = 0, k;
	char code[BOOKING_CODE_LEN + 1];

	*out = (struct booking_view){0};
	*why = (struct booking_refused){.why = BOOKING_OK};
	if (field)
		*field = NULL;
	struct store_conn *c = store_read_conn(st);
	if ((who && (rc = store_office_in_scope(c, who, a->office, &scoped, err))) ||
	    (rc = bk_resolve(c, a, &t, &proc_id, err)))
		return rc;
	store_booking_settings(st, &bs);
	struct bk_day *days = xcalloc(BK_SCAN_DAYS, sizeof *days);
	/* On the reader first: a full slot or a reached limit never takes the
	 * writer. */
	if ((rc = bk_window(st, t.office_id, &bs, now, days, &n, err)) ||
	    (rc = bk_slot_find(days, n, &t, a->start, now, &k, &slot, field, err)) ||
	    (rc = bk_refused(c, who, a, &days[k], &bs, &t, &slot, now, why, err)) ||
	    why->why != BOOKING_OK ||
	    (rc = bk_take(st, who, a, &t, proc_id, &bs, &days[k], &slot, now, code, why, err)) ||
	    why->why != BOOKING_OK)
		goto out;
	rc = bk_get(st, who, code, now, out, err);
out:
	free(days);
	return rc;
}

enum mc_err store_booking_cancel(struct store *st, const struct principal *who, const char *code,
                                 int64_t now, struct booking_view *out, struct mc_error *err)
{
	char canon[BOOKING_CODE_LEN + 1];
	enum mc_err rc;
	int step;
	int64_t id = 0, start = 0, end = 0, office = 0;
	char state[16] = "", name[APPLICANT_NAME_MAX * 4 + 1] = "", phone[16] = "", email[255] = "",
	     group[201] = "";
	char *consent = NULL;
	*out = (struct booking_view){0};
	if (!booking_code_parse(code, canon))
		return bk_not_found(err);
	if ((rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(
	    c, "SELECT b.id, b.state, b.slot_start, b.slot_end, b.office_id, b.name, b.phone,"
	       " coalesce(b.email, ''), b.notify, g.name FROM bookings b JOIN service_groups g"
	       " ON g.id = b.group_id WHERE b.code = :code AND " SCOPE_SQL("b.office_id"));
	if (s == NULL) {
		rc = store_sql_error(c, "bookings", err);
		goto fail;
	}
	db_bind_text(s, db_bind_parameter_index(s, ":code"), canon, -1, DB_TRANSIENT);
	store_bind_scope(s, who);
	if (store_next(s, &step)) {
		id = db_column_int64(s, 0);
		snprintf(state, sizeof state, "%s", store_col_text(s, 1));
		start = db_column_int64(s, 2);
		end = db_column_int64(s, 3);
		office = db_column_int64(s, 4);
		snprintf(name, sizeof name, "%s", store_col_text(s, 5));
		snprintf(phone, sizeof phone, "%s", store_col_text(s, 6));
		snprintf(email, sizeof email, "%s", store_col_text(s, 7));
		if (db_column_type(s, 8) != DB_NULL)
			consent = strdup(store_col_text(s, 8));
		snprintf(group, sizeof group, "%s", store_col_text(s, 9));
	}
	if ((rc = store_scan_end(c, s, step, "bookings", err)))
		goto fail;
	if (id == 0) {
		rc = bk_not_found(err);
		goto fail;
	}
	enum booking_state bst;
	enum booking_cancel_refusal why = booking_state_parse(state, &bst)
	                                      ? booking_cancel_refusal_of(bst, end, now)
	                                      : BKC_TOO_LATE;
	if (why != BKC_NONE) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "booking_not_cancellable",
		             why == BKC_CANCELLED ? "Lịch hẹn này đã được hủy"
		                                  : "Lịch hẹn này không thể hủy nữa",
		             "only a booking not yet used can be cancelled, before its slot ends");
		goto fail;
	}
	const char *actor = who ? who->actor : "public";
	s = store_stmt(c, "UPDATE bookings SET state = 'cancelled', cancelled_at = ? WHERE id = ?");
	if (s == NULL) {
		rc = store_sql_error(c, "bookings", err);
		goto fail;
	}
	db_bind_int64(s, 1, now);
	db_bind_int64(s, 2, id);
	char details[48];
	snprintf(details, sizeof details, "{\"start\":%lld}", (long long)start);
	if ((rc = store_step(c, s, "bookings", err)) ||
	    (rc = bk_event(st, actor, office, canon, "booking.cancelled", details, err)) ||
	    (rc = bk_notify(st, "booking_cancelled", office, id, canon, name, group, start, consent,
	                    phone, email, actor, err)))
		goto fail;
	free(consent);
	consent = NULL;
	if ((rc = store_commit(st, err)))
		return rc;
	return bk_get(st, who, canon, now, out, err);
fail:
	free(consent);
	store_rollback(st);
	return rc;
}

void booking_list_clear(struct booking_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		booking_view_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

enum mc_err store_booking_list(struct store *st, const struct principal *who, const char *office,
                               const char *day, int offset, int limit, int64_t now,
                               struct booking_list *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct booking_settings bs;
	enum mc_err rc;
	int64_t oid = 0;
	int y, m, d, step;
	size_t cap = 0;
	*out = (struct booking_list){0};
	store_booking_settings(st, &bs);
	if ((rc = store_office_in_scope(c, who, office, &oid, err)))
		return rc;
	if (day && *day) {
		if (civil_parse_date(day, &y, &m, &d) != CIVIL_INSTANT_OK)
			return mc_fail(err, MC_ERR_INVALID, "invalid_date", "Ngày không hợp lệ",
			               "day must be YYYY-MM-DD");
		snprintf(out->day, sizeof out->day, "%s", day);
	} else {
		clock_office_date(now, out->day);
	}
	db_stmt *s =
	    store_stmt(c, BK_VIEW_SQL
	               " WHERE b.day = :day AND (:office = 0 OR b.office_id IN (SELECT office_id"
	               " FROM office_paths WHERE ancestor_id = :office)) AND " SCOPE_SQL(
	                   "b.office_id") " ORDER BY b.slot_start, b.id LIMIT 2000");
	if (s == NULL)
		return store_sql_error(c, "bookings", err);
	db_bind_text(s, db_bind_parameter_index(s, ":day"), out->day, -1, DB_TRANSIENT);
	db_bind_int64(s, db_bind_parameter_index(s, ":office"), oid);
	store_bind_scope(s, who);
	while (store_next(s, &step)) {
		if (out->total++ < offset || (int64_t)out->n >= limit)
			continue;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->items = xreallocarray(out->items, cap, sizeof *out->items);
		}
		bk_view(s, &bs, now, &out->items[out->n++]);
	}
	if ((rc = store_scan_end(c, s, step, "bookings", err)))
		booking_list_clear(out);
	return rc;
}
