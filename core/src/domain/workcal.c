/* Working-time calendar: a per-day table (working or not) over a range of
 * years, built once from the weekly pattern, the holiday rules and the
 * overrides; deadline arithmetic walks that table and the day's sessions. */
#include "domain/workcal.h"

#include <string.h>

#include "domain/civil_date.h"
#include "domain/lunar.h"

#define WORKCAL__DAY 86400

/* Labour Code 2019, art. 112 (Bộ luật Lao động 2019, Điều 112). */
const struct workcal_rule workcal_default_rules[] = {
    {"Tết Dương lịch", WORKCAL_RULE_SOLAR, 1, 1, 1, 0, 0},
    {"Tết Nguyên đán", WORKCAL_RULE_LUNAR_NEW_YEAR, 1, 1, 5, 0, 0},
    {"Giỗ Tổ Hùng Vương", WORKCAL_RULE_LUNAR, 3, 10, 1, 0, 0},
    {"Ngày Chiến thắng", WORKCAL_RULE_SOLAR, 4, 30, 1, 0, 0},
    {"Ngày Quốc tế Lao động", WORKCAL_RULE_SOLAR, 5, 1, 1, 0, 0},
    {"Quốc khánh", WORKCAL_RULE_SOLAR_ADJACENT, 9, 2, 1, 0, 0},
};
const size_t workcal_default_rule_count =
    sizeof(workcal_default_rules) / sizeof(workcal_default_rules[0]);

void workcal_config_default(struct workcal_config *cfg, int first_year, int last_year)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->weekday_mask = (1u << CIVIL_MONDAY) | (1u << CIVIL_TUESDAY) | (1u << CIVIL_WEDNESDAY) |
	                    (1u << CIVIL_THURSDAY) | (1u << CIVIL_FRIDAY);
	cfg->n_sessions = 2;
	cfg->sessions[0] = (struct workcal_session){7 * 3600 + 30 * 60, 11 * 3600 + 30 * 60};
	cfg->sessions[1] = (struct workcal_session){13 * 3600 + 30 * 60, 17 * 3600};
	cfg->cutoff = 15 * 3600;
	cfg->utc_offset = WORKCAL_UTC_OFFSET_VN;
	cfg->first_year = first_year;
	cfg->last_year = last_year;
	cfg->rules = workcal_default_rules;
	cfg->n_rules = workcal_default_rule_count;
	cfg->compensate = true;
}

static bool workcal__pattern(const struct workcal *cal, int idx)
{
	return (cal->cfg.weekday_mask >> civil_weekday(cal->first_day + idx)) & 1u;
}

/* Index in entries of the first entry at day >= day. */
static int workcal__lower_bound(const struct workcal *cal, int day)
{
	int lo = 0, hi = cal->n_entries;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (cal->entries[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct workcal__entry *workcal__find(struct workcal *cal, int day)
{
	int i = workcal__lower_bound(cal, day);

	return (i < cal->n_entries && cal->entries[i].day == day) ? &cal->entries[i] : NULL;
}

static void workcal__set_name(char *dst, const char *prefix, const char *name)
{
	size_t n = strlen(prefix);

	memcpy(dst, prefix, n);
	size_t room = WORKCAL_NAME_MAX - 1 - n;
	size_t len = strlen(name);
	if (len > room) {
		len = room;
		/* Do not cut a UTF-8 sequence in half. */
		while (len > 0 && ((unsigned char)name[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst + n, name, len);
	dst[n + len] = '\0';
}

static void workcal__refresh_day(struct workcal *cal, int day)
{
	int idx = day - cal->first_day;
	const struct workcal__entry *e = workcal__find(cal, day);

	if (e)
		cal->working[idx] = e->kind == WORKCAL_DAY_WORK;
	else
		cal->working[idx] = workcal__pattern(cal, idx);
}

static void workcal__refresh_prefix(struct workcal *cal)
{
	int count = 0;

	for (int i = 0; i < cal->n_days; i++) {
		cal->work_before[i] = (uint16_t)count;
		count += cal->working[i];
	}
}

/* Inserts or replaces the entry at `day`. */
static enum workcal_status workcal__put(struct workcal *cal, int day, enum workcal_day_kind kind,
                                        enum workcal_source source, const char *prefix,
                                        const char *name)
{
	int i = workcal__lower_bound(cal, day);

	if (i >= cal->n_entries || cal->entries[i].day != day) {
		if (cal->n_entries >= WORKCAL_MAX_ENTRIES)
			return WORKCAL_EFULL;
		memmove(&cal->entries[i + 1], &cal->entries[i],
		        (size_t)(cal->n_entries - i) * sizeof(cal->entries[0]));
		cal->n_entries++;
	}
	cal->entries[i].day = day;
	cal->entries[i].kind = (uint8_t)kind;
	cal->entries[i].source = (uint8_t)source;
	workcal__set_name(cal->entries[i].name, prefix, name);
	workcal__refresh_day(cal, day);
	return WORKCAL_OK;
}

static bool workcal__in_table(const struct workcal *cal, int day)
{
	return day >= cal->first_day && day < cal->first_day + cal->n_days;
}

/* The days [*first, *last] that rule r gives off in Gregorian year y; false if
 * none (not in force, or no such date that year). */
static bool workcal__rule_days(const struct workcal_rule *r, int y, int *first, int *last)
{
	int span = r->span > 1 ? r->span : 1;

	if ((r->first_year && y < r->first_year) || (r->last_year && y > r->last_year))
		return false;
	switch (r->kind) {
	case WORKCAL_RULE_SOLAR:
		if (!civil_date_valid(y, r->month, r->day))
			return false;
		*first = civil_days_from_ymd(y, r->month, r->day);
		break;
	case WORKCAL_RULE_LUNAR: {
		/* The lunar year whose date falls in Gregorian y: y or y-1. */
		for (int ly = y; ly >= y - 1; ly--) {
			struct lunar_date ld = {r->day, r->month, ly, false};
			int sy, sm, sd;
			if (lunar_to_solar(ld, &sy, &sm, &sd) && sy == y) {
				*first = civil_days_from_ymd(sy, sm, sd);
				*last = *first + span - 1;
				return true;
			}
		}
		return false;
	}
	case WORKCAL_RULE_LUNAR_NEW_YEAR:
		if (!lunar_year_last_day(y - 1, LUNAR_TZ_VIETNAM, first))
			return false;
		break;
	case WORKCAL_RULE_SOLAR_ADJACENT:
		if (!civil_date_valid(y, r->month, r->day))
			return false;
		*first = civil_days_from_ymd(y, r->month, r->day);
		if (civil_weekday(*first) == CIVIL_MONDAY) {
			*last = *first + span;
		} else {
			(*first)--;
			*last = *first + span;
		}
		return true;
	default: return false;
	}
	*last = *first + span - 1;
	return true;
}

struct workcal__group {
	int first, last;
	const char *name;
};

/* Nghỉ bù: each day of a holiday group that falls outside the weekly pattern
 * gives one day off on the next pattern working day after the group that is
 * not already named (so it never lands on another holiday). */
static enum workcal_status workcal__compensate(struct workcal *cal, const struct workcal__group *g)
{
	int owed = 0;
	int end = cal->first_day + cal->n_days;

	for (int day = g->first; day <= g->last; day++)
		if (!workcal__pattern(cal, day - cal->first_day))
			owed++;
	/* Days before the table hold no entries: they can only be a pattern day. */
	for (int day = g->last + 1; owed > 0 && day < end; day++) {
		if (!workcal__pattern(cal, day - cal->first_day) || workcal__find(cal, day))
			continue;
		owed--;
		if (!workcal__in_table(cal, day))
			continue;
		enum workcal_status st = workcal__put(cal, day, WORKCAL_DAY_OFF,
		                                      WORKCAL_SOURCE_RULE, "Nghỉ bù ", g->name);
		if (st != WORKCAL_OK)
			return st;
	}
	return WORKCAL_OK;
}

static bool workcal__config_valid(const struct workcal_config *cfg)
{
	if (cfg->n_sessions < 1 || cfg->n_sessions > WORKCAL_MAX_SESSIONS)
		return false;
	for (int i = 0; i < cfg->n_sessions; i++) {
		const struct workcal_session *s = &cfg->sessions[i];
		if (s->start < 0 || s->end > WORKCAL__DAY || s->start >= s->end)
			return false;
		if (i > 0 && s->start < cfg->sessions[i - 1].end)
			return false;
	}
	if ((cfg->weekday_mask & 0x7fu) == 0 || cfg->cutoff < 0 || cfg->cutoff > WORKCAL__DAY)
		return false;
	if (cfg->utc_offset < -14 * 3600 || cfg->utc_offset > 14 * 3600)
		return false;
	if (cfg->n_rules > 0 && cfg->rules == NULL)
		return false;
	return true;
}

enum workcal_status workcal_init(struct workcal *cal, const struct workcal_config *cfg)
{
	enum workcal_status st;

	memset(cal, 0, sizeof(*cal));
	if (cfg->first_year < WORKCAL_FIRST_YEAR || cfg->last_year > WORKCAL_LAST_YEAR ||
	    cfg->first_year > cfg->last_year ||
	    cfg->last_year - cfg->first_year + 1 > WORKCAL_MAX_YEARS)
		return WORKCAL_ERANGE;
	if (!workcal__config_valid(cfg))
		return WORKCAL_EINVAL;

	cal->cfg = *cfg;
	cal->first_day = civil_days_from_ymd(cfg->first_year, 1, 1);
	cal->n_days = civil_days_from_ymd(cfg->last_year + 1, 1, 1) - cal->first_day;
	for (int i = 0; i < cfg->n_sessions; i++)
		cal->cum[i + 1] = cal->cum[i] + cfg->sessions[i].end - cfg->sessions[i].start;
	cal->day_seconds = cal->cum[cfg->n_sessions];
	for (int i = 0; i < cal->n_days; i++)
		cal->working[i] = workcal__pattern(cal, i);

	/* Pass 1: every holiday of every year, so that pass 2 can see them all.
	 * The year before the range is included so that its days spilling into
	 * the range (a nghỉ bù in January) do not depend on the range chosen. */
	for (int y = cfg->first_year - 1; y <= cfg->last_year; y++) {
		for (size_t r = 0; r < cfg->n_rules; r++) {
			int first, last;
			if (!workcal__rule_days(&cfg->rules[r], y, &first, &last))
				continue;
			for (int day = first; day <= last; day++) {
				if (!workcal__in_table(cal, day) || workcal__find(cal, day))
					continue;
				st = workcal__put(cal, day, WORKCAL_DAY_OFF, WORKCAL_SOURCE_RULE,
				                  "", cfg->rules[r].name);
				if (st != WORKCAL_OK)
					goto fail;
			}
		}
	}

	/* Pass 2: compensatory days, groups in date order within each year. */
	if (cfg->compensate) {
		for (int y = cfg->first_year - 1; y <= cfg->last_year; y++) {
			struct workcal__group groups[32];
			int n = 0;
			for (size_t r = 0; r < cfg->n_rules; r++) {
				struct workcal__group g = {0, 0, cfg->rules[r].name};
				if (!workcal__rule_days(&cfg->rules[r], y, &g.first, &g.last))
					continue;
				if (n == (int)(sizeof(groups) / sizeof(groups[0]))) {
					st = WORKCAL_EFULL;
					goto fail;
				}
				int i = n++;
				for (; i > 0 && groups[i - 1].first > g.first; i--)
					groups[i] = groups[i - 1];
				groups[i] = g;
			}
			for (int i = 0; i < n; i++) {
				st = workcal__compensate(cal, &groups[i]);
				if (st != WORKCAL_OK)
					goto fail;
			}
		}
	}
	workcal__refresh_prefix(cal);
	if (cal->day_seconds <= 0) {
		st = WORKCAL_EINVAL;
		goto fail;
	}
	return WORKCAL_OK;
fail:
	memset(cal, 0, sizeof(*cal));
	return st;
}

enum workcal_status workcal_add_override(struct workcal *cal, const struct workcal_override *ov)
{
	enum workcal_status st;

	if (cal->n_days == 0 || !civil_date_valid(ov->year, ov->month, ov->day))
		return WORKCAL_EINVAL;
	int day = civil_days_from_ymd(ov->year, ov->month, ov->day);
	if (!workcal__in_table(cal, day))
		return WORKCAL_ERANGE;
	const char *name = ov->name;
	switch (ov->kind) {
	case WORKCAL_OVERRIDE_DAY_OFF:
		st = workcal__put(cal, day, WORKCAL_DAY_OFF, WORKCAL_SOURCE_OVERRIDE, "",
		                  name && *name ? name : "Nghỉ theo thông báo");
		break;
	case WORKCAL_OVERRIDE_WORKDAY:
		st = workcal__put(cal, day, WORKCAL_DAY_WORK, WORKCAL_SOURCE_OVERRIDE, "",
		                  name && *name ? name : "Làm bù");
		break;
	case WORKCAL_OVERRIDE_REMOVE: {
		int i = workcal__lower_bound(cal, day);
		if (i >= cal->n_entries || cal->entries[i].day != day)
			return WORKCAL_ENOENT;
		memmove(&cal->entries[i], &cal->entries[i + 1],
		        (size_t)(cal->n_entries - i - 1) * sizeof(cal->entries[0]));
		cal->n_entries--;
		workcal__refresh_day(cal, day);
		st = WORKCAL_OK;
		break;
	}
	case WORKCAL_OVERRIDE_RENAME: {
		if (!name || !*name)
			return WORKCAL_EINVAL;
		struct workcal__entry *e = workcal__find(cal, day);
		if (!e)
			return WORKCAL_ENOENT;
		workcal__set_name(e->name, "", name);
		e->source = WORKCAL_SOURCE_OVERRIDE;
		return WORKCAL_OK;
	}
	default: return WORKCAL_EINVAL;
	}
	if (st == WORKCAL_OK)
		workcal__refresh_prefix(cal);
	return st;
}

bool workcal_covers_year(const struct workcal *cal, int y)
{
	return cal->n_days > 0 && y >= cal->cfg.first_year && y <= cal->cfg.last_year;
}

bool workcal_is_working_day(const struct workcal *cal, int y, int m, int d)
{
	if (!civil_date_valid(y, m, d))
		return false;
	int day = civil_days_from_ymd(y, m, d);
	return workcal__in_table(cal, day) && cal->working[day - cal->first_day];
}

int workcal_entries(const struct workcal *cal, int y, struct workcal_entry *out, int max)
{
	if (!workcal_covers_year(cal, y))
		return -1;
	int end = civil_days_from_ymd(y + 1, 1, 1);
	int n = 0;
	for (int i = workcal__lower_bound(cal, civil_days_from_ymd(y, 1, 1));
	     i < cal->n_entries && cal->entries[i].day < end; i++, n++) {
		if (n >= max)
			continue;
		const struct workcal__entry *e = &cal->entries[i];
		civil_ymd_from_days(e->day, &out[n].year, &out[n].month, &out[n].day);
		out[n].kind = (enum workcal_day_kind)e->kind;
		out[n].source = (enum workcal_source)e->source;
		memcpy(out[n].name, e->name, sizeof(out[n].name));
	}
	return n;
}

bool workcal_named_day(const struct workcal *cal, int y, int m, int d, struct workcal_entry *out)
{
	if (!civil_date_valid(y, m, d))
		return false;
	int day = civil_days_from_ymd(y, m, d);
	if (!workcal__in_table(cal, day))
		return false;
	int i = workcal__lower_bound(cal, day);
	if (i >= cal->n_entries || cal->entries[i].day != day)
		return false;
	const struct workcal__entry *e = &cal->entries[i];
	out->year = y;
	out->month = m;
	out->day = d;
	out->kind = (enum workcal_day_kind)e->kind;
	out->source = (enum workcal_source)e->source;
	memcpy(out->name, e->name, sizeof(out->name));
	return true;
}

int workcal_day_seconds(const struct workcal *cal)
{
	return cal->day_seconds;
}

int64_t workcal_days(const struct workcal *cal, int64_t n)
{
	return n * cal->day_seconds;
}

int64_t workcal_hours(int64_t n)
{
	return n * 3600;
}

/* ---- the query path: no allocation, table look-ups only ---- */

/* Splits an instant into a table index and seconds after local midnight;
 * false if outside the table. */
static bool workcal__split(const struct workcal *cal, int64_t t, int *idx, int *sec)
{
	int64_t local = t + cal->cfg.utc_offset;
	int64_t day = civil_floor_div(local, WORKCAL__DAY);
	int64_t i = day - cal->first_day;

	if (i < 0 || i >= cal->n_days)
		return false;
	*idx = (int)i;
	*sec = (int)(local - day * WORKCAL__DAY);
	return true;
}

static int64_t workcal__instant(const struct workcal *cal, int idx, int sec)
{
	return ((int64_t)(cal->first_day + idx)) * WORKCAL__DAY + sec - cal->cfg.utc_offset;
}

/* Working seconds of a working day before clock time sec. */
static int workcal__offset_in_day(const struct workcal *cal, int sec)
{
	int w = 0;

	for (int i = 0; i < cal->cfg.n_sessions; i++) {
		const struct workcal_session *s = &cal->cfg.sessions[i];
		if (sec <= s->start)
			break;
		w += (sec < s->end ? sec : s->end) - s->start;
	}
	return w;
}

/* Next working day strictly after idx; -1 if none in the table. */
static int workcal__next_working(const struct workcal *cal, int idx)
{
	for (idx++; idx < cal->n_days; idx++)
		if (cal->working[idx])
			return idx;
	return -1;
}

/* The working position (working day, working seconds into it in [0, W)) of the
 * first working instant at or after t; with_cutoff moves a start at or after
 * the cutoff to the next working day. */
static bool workcal__start(const struct workcal *cal, int64_t t, bool with_cutoff, int *idx, int *w)
{
	int sec;

	if (!workcal__split(cal, t, idx, &sec))
		return false;
	if (cal->working[*idx]) {
		*w = workcal__offset_in_day(cal, sec);
		if (*w < cal->day_seconds && !(with_cutoff && sec >= cal->cfg.cutoff))
			return true;
	}
	*w = 0;
	*idx = workcal__next_working(cal, *idx);
	return *idx >= 0;
}

/* Clock time of working offset w in a day. at_end picks, for an offset on a
 * session boundary, the end of the earlier session rather than the start of
 * the later one. */
static int workcal__clock(const struct workcal *cal, int w, bool at_end)
{
	int i = 0;

	for (; i < cal->cfg.n_sessions - 1; i++)
		if (at_end ? w <= cal->cum[i + 1] : w < cal->cum[i + 1])
			break;
	return cal->cfg.sessions[i].start + (w - cal->cum[i]);
}

static bool workcal__advance(const struct workcal *cal, int idx, int w, int64_t r, int64_t *out)
{
	int W = cal->day_seconds;

	if (r < 0)
		return false;
	if (r == 0) {
		*out = workcal__instant(cal, idx, workcal__clock(cal, w, false));
		return true;
	}
	int64_t total = w + r;
	int64_t k = total / W;
	int rem = (int)(total % W);
	if (rem == 0) { /* exactly a session start: report the previous session's end */
		k--;
		rem = W;
	}
	if (k >= cal->n_days)
		return false;
	while (k > 0) {
		if (++idx >= cal->n_days)
			return false;
		k -= cal->working[idx];
	}
	*out = workcal__instant(cal, idx, workcal__clock(cal, rem, true));
	return true;
}

bool workcal_add(const struct workcal *cal, int64_t from, int64_t work_seconds, int64_t *out)
{
	int idx, w, sec;

	if (cal->n_days == 0 || work_seconds < 0 || !workcal__split(cal, from, &idx, &sec))
		return false;
	/* Adding nothing to a working instant, session ends included, leaves it
	 * alone: add(add(t, a), 0) == add(t, a) even when add(t, a) is 17:00. */
	if (work_seconds == 0 && cal->working[idx]) {
		for (int i = 0; i < cal->cfg.n_sessions; i++) {
			if (sec >= cal->cfg.sessions[i].start && sec <= cal->cfg.sessions[i].end) {
				*out = from;
				return true;
			}
		}
	}
	if (!workcal__start(cal, from, false, &idx, &w))
		return false;
	return workcal__advance(cal, idx, w, work_seconds, out);
}

bool workcal_due(const struct workcal *cal, int64_t received, int64_t work_seconds, int64_t *due)
{
	int idx, w;

	if (cal->n_days == 0 || work_seconds < 0 || !workcal__start(cal, received, true, &idx, &w))
		return false;
	return workcal__advance(cal, idx, w, work_seconds, due);
}

/* Working seconds from the table start to t. */
static bool workcal__position(const struct workcal *cal, int64_t t, int64_t *pos)
{
	int idx, sec;

	if (!workcal__split(cal, t, &idx, &sec))
		return false;
	*pos = (int64_t)cal->work_before[idx] * cal->day_seconds +
	       (cal->working[idx] ? workcal__offset_in_day(cal, sec) : 0);
	return true;
}

bool workcal_between(const struct workcal *cal, int64_t from, int64_t to, int64_t *out)
{
	int64_t a, b;

	if (cal->n_days == 0 || !workcal__position(cal, from, &a) ||
	    !workcal__position(cal, to, &b))
		return false;
	*out = b - a;
	return true;
}

bool workcal_due_paused(const struct workcal *cal, int64_t received, int64_t work_seconds,
                        const struct workcal_interval *pauses, size_t n_pauses, int64_t *due)
{
	int64_t extra = 0;

	for (size_t i = 0; i < n_pauses; i++) {
		int64_t paused;
		if (pauses[i].to <= pauses[i].from)
			continue;
		if (!workcal_between(cal, pauses[i].from, pauses[i].to, &paused))
			return false;
		extra += paused;
	}
	return workcal_due(cal, received, work_seconds + extra, due);
}

enum workcal_due_refusal workcal_due_check(int64_t received, bool counted, int64_t amount)
{
	if (counted && (amount < 0 || amount > WORKCAL_DUE_MAX_AMOUNT))
		return WDR_LIMIT;
	int64_t day = civil_floor_div(received + WORKCAL_UTC_OFFSET_VN, 86400);
	if (day < civil_days_from_ymd(WORKCAL_FIRST_YEAR, 1, 1) ||
	    day > civil_days_from_ymd(WORKCAL_LAST_YEAR, 12, 31))
		return WDR_FROM;
	return WDR_NONE;
}

bool workcal_due_same_day(const struct workcal *cal, int64_t received, int64_t *due)
{
	int idx, sec;

	if (cal->n_days == 0 || !workcal__split(cal, received, &idx, &sec))
		return false;
	if (!cal->working[idx] || sec >= cal->cfg.cutoff) {
		idx = workcal__next_working(cal, idx);
		if (idx < 0)
			return false;
	}
	*due = workcal__instant(cal, idx, cal->cfg.sessions[cal->cfg.n_sessions - 1].end);
	return true;
}
