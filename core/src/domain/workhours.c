/* Working hours: the checks of hours as written, and a centre's day. */
#include "domain/workhours.h"

#include <stdio.h>
#include <string.h>

#include "domain/civil_date.h"

static const char *const workhours_faults[] = {
    [WORKHOURS_OK] = "",
    [WORKHOURS_WEEKDAYS_SHAPE] = "weekdays must be an array of 0-6 (0 = Sunday)",
    [WORKHOURS_WEEKDAYS_ITEM] = "weekdays must be distinct integers 0-6 (0 = Sunday)",
    [WORKHOURS_WEEKDAYS_NONE] = "at least one working weekday is needed",
    [WORKHOURS_SESSIONS_SHAPE] = "sessions must be an array of 1-4 sessions",
    [WORKHOURS_SESSION] = "a session is {\"start\":\"HH:MM\",\"end\":\"HH:MM\"}"
                          " with end after start",
    [WORKHOURS_CUTOFF] = "cutoff must be \"HH:MM\"",
    [WORKHOURS_CENTRE_SESSIONS_SHAPE] = "a centre's sessions are an array of 1-8 sessions",
    [WORKHOURS_CENTRE_SESSION] = "a session is {\"start\":\"HH:MM\",\"end\":\"HH:MM\"}"
                                 " with end after start, and optionally \"days\"",
    [WORKHOURS_DAYS_SHAPE] = "a session's days are 1-7 weekdays 0-6 (0 = Sunday)",
    [WORKHOURS_DAYS_ITEM] = "a session's days are distinct weekdays 0-6 (0 = Sunday)",
    [WORKHOURS_OVERLAP] = "two sessions of the same weekday overlap",
    [WORKHOURS_NO_CALENDAR] = "sessions must be sorted, disjoint and within the day,"
                              " and the cutoff within the day",
};

const char *workhours_fault_text(enum workhours_fault f)
{
	if ((size_t)f >= sizeof workhours_faults / sizeof workhours_faults[0])
		return "invalid";
	return workhours_faults[f];
}

int workhours_hhmm_parse(const char *s)
{
	int m = civil_parse_hhmm(s, true);
	return m < 0 ? -1 : m * 60;
}

void workhours_hhmm_format(int secs, char out[8])
{
	snprintf(out, 8, "%02d:%02d", (secs / 3600) % 100, secs / 60 % 60);
}

/* 1-7 (at least min) distinct weekdays 0-6 into mask and day[]; false when
 * an item is not. */
static bool workhours_days(const struct workhours_raw_list *in, unsigned *mask, int8_t day[7])
{
	*mask = 0;
	for (int i = 0; i < in->n && i < WORKHOURS_RAW_MAX; i++) {
		int v = in->item[i];
		if (!in->is_int[i] || v < 0 || v > 6 || (*mask & (1u << v)))
			return false;
		*mask |= 1u << v;
		day[i] = (int8_t)v;
	}
	return true;
}

enum workhours_fault workhours_weekdays_check(const struct workhours_raw_list *in,
                                              struct workhours_weekdays *out)
{
	struct workhours_weekdays w = {0};

	if (!in->is_array || in->n > 7)
		return WORKHOURS_WEEKDAYS_SHAPE;
	if (!workhours_days(in, &w.mask, w.day))
		return WORKHOURS_WEEKDAYS_ITEM;
	if (w.mask == 0)
		return WORKHOURS_WEEKDAYS_NONE;
	w.n = in->n;
	*out = w;
	return WORKHOURS_OK;
}

enum workhours_fault workhours_sessions_check(const struct workhours_raw_sessions *in,
                                              struct workcal_config *cfg)
{
	struct workcal_session ses[WORKCAL_MAX_SESSIONS];

	if (!in->is_array || in->n < 1 || in->n > WORKCAL_MAX_SESSIONS)
		return WORKHOURS_SESSIONS_SHAPE;
	for (int i = 0; i < in->n; i++) {
		const struct workhours_raw_session *v = &in->item[i];
		int a = workhours_hhmm_parse(v->start), b = workhours_hhmm_parse(v->end);
		if (!v->is_object || v->n_members != 2 || a < 0 || b <= a)
			return WORKHOURS_SESSION;
		ses[i] = (struct workcal_session){a, b};
	}
	memcpy(cfg->sessions, ses, sizeof ses[0] * (size_t)in->n);
	cfg->n_sessions = in->n;
	return WORKHOURS_OK;
}

enum workhours_fault workhours_cutoff_check(const char *s, int *cutoff)
{
	int c = workhours_hhmm_parse(s);
	if (c < 0)
		return WORKHOURS_CUTOFF;
	*cutoff = c;
	return WORKHOURS_OK;
}

enum workhours_fault workhours_centre_sessions_check(const struct workhours_raw_sessions *in,
                                                     struct workhours_session *out, int *n)
{
	if (!in->is_array || in->n < 1 || in->n > WORKHOURS_MAX_SESSIONS)
		return WORKHOURS_CENTRE_SESSIONS_SHAPE;
	for (int i = 0; i < in->n; i++) {
		const struct workhours_raw_session *v = &in->item[i];
		int a = workhours_hhmm_parse(v->start), b = workhours_hhmm_parse(v->end);
		if (!v->is_object || v->n_members != 2 + v->has_days || a < 0 || b <= a)
			return WORKHOURS_CENTRE_SESSION;
		struct workhours_session s = {.start = a, .end = b, .days = 0x7f, .all_days = true};
		if (v->has_days) {
			if (!v->days.is_array || v->days.n < 1 || v->days.n > 7)
				return WORKHOURS_DAYS_SHAPE;
			if (!workhours_days(&v->days, &s.days, s.day))
				return WORKHOURS_DAYS_ITEM;
			s.all_days = false;
			s.n_days = v->days.n;
		}
		for (int j = 0; j < i; j++)
			if ((out[j].days & s.days) && out[j].start < b && a < out[j].end)
				return WORKHOURS_OVERLAP;
		out[i] = s;
	}
	*n = in->n;
	return WORKHOURS_OK;
}

void workhours_config_apply(struct workcal_config *cfg, const struct workhours_config_change *ch)
{
	if (ch->has_weekdays)
		cfg->weekday_mask = ch->weekday_mask;
	if (ch->has_sessions) {
		memcpy(cfg->sessions, ch->sessions, sizeof ch->sessions);
		cfg->n_sessions = ch->n_sessions;
	}
	if (ch->has_cutoff)
		cfg->cutoff = ch->cutoff;
}

bool workhours_day_in_range(int64_t t, int utc_offset)
{
	int64_t local_day = civil_floor_div(t + utc_offset, 86400);
	return local_day >= civil_days_from_ymd(WORKCAL_FIRST_YEAR + 1, 1, 1) &&
	       local_day <= civil_days_from_ymd(WORKCAL_LAST_YEAR - 1, 12, 31);
}

/* The sessions ce keeps (its own when valid, else the province's), sorted
 * by start; the count. */
static int workhours_sessions_of(const struct workcal *cal, const struct workhours_centre *ce,
                                 struct workhours_session *ses)
{
	int n = 0;
	if (ce->own_sessions && ce->valid_sessions) {
		n = ce->n_sessions;
		memcpy(ses, ce->sessions, sizeof ses[0] * (size_t)n);
	}
	if (n == 0) {
		for (int i = 0; i < cal->cfg.n_sessions; i++)
			ses[i] = (struct workhours_session){.start = cal->cfg.sessions[i].start,
			                                    .end = cal->cfg.sessions[i].end,
			                                    .days = 0x7f,
			                                    .all_days = true};
		n = cal->cfg.n_sessions;
	}
	/* Sessions in time order (they may be written in any). */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && ses[j - 1].start > ses[j].start; j--) {
			struct workhours_session tmp = ses[j - 1];
			ses[j - 1] = ses[j];
			ses[j] = tmp;
		}
	return n;
}

bool workhours_day_at(const struct workcal *cal, const struct workhours_centre *ce, int64_t t,
                      int utc_offset, struct workhours_day *out)
{
	struct workhours_session ses[WORKHOURS_MAX_SESSIONS];
	struct workcal_entry named;

	if (!workhours_day_in_range(t, utc_offset))
		return false;
	int64_t local_day = civil_floor_div(t + utc_offset, 86400);
	int sod = (int)(t + utc_offset - local_day * 86400);
	*out = (struct workhours_day){.weekday = civil_weekday((int)local_day)};
	civil_ymd_from_days((int)local_day, &out->year, &out->month, &out->day);
	if (!workcal_covers_year(cal, out->year))
		return false;
	unsigned mask = cal->cfg.weekday_mask;
	if (ce->own_weekdays && ce->valid_weekdays)
		mask = ce->weekdays.mask;
	int n = workhours_sessions_of(cal, ce, ses);

	out->named = workcal_named_day(cal, out->year, out->month, out->day, &named);
	if (out->named)
		snprintf(out->day_name, sizeof out->day_name, "%s", named.name);
	int w = out->weekday;
	out->working = out->named ? named.kind == WORKCAL_DAY_WORK : (mask & (1u << w)) != 0;
	/* A make-up day keeps the everyday sessions, not a weekday's own. */
	bool makeup = out->named && named.kind == WORKCAL_DAY_WORK;
	bool any_everyday = false;
	for (int i = 0; i < n; i++)
		any_everyday |= ses[i].all_days;
	for (int i = 0; out->working && i < n; i++) {
		bool applies = makeup && any_everyday ? ses[i].all_days
		               : makeup               ? true
		                                      : (ses[i].days & (1u << w)) != 0;
		if (!applies)
			continue;
		out->sessions[out->n_sessions++] =
		    (struct workcal_session){ses[i].start, ses[i].end};
		out->open_now |= ses[i].start <= sod && sod < ses[i].end;
	}
	return true;
}

void workhours_next_open(const struct workcal *cal, const struct workhours_centre *ce, int64_t t,
                         int utc_offset, bool *open, int64_t *next_open)
{
	struct workhours_day day;
	int64_t local_day = civil_floor_div(t + utc_offset, 86400);

	*open = true;
	*next_open = 0;
	for (int k = 0; k <= WORKHOURS_NEXT_OPEN_DAYS; k++) {
		/* Day k's noon, or t itself today (open_now is at t). */
		int64_t midnight = (local_day + k) * 86400 - utc_offset;
		if (!workhours_day_at(cal, ce, k == 0 ? t : midnight + 43200, utc_offset, &day))
			return;
		if (k == 0 && !day.open_now)
			*open = false;
		if (k == 0 && *open)
			return;
		for (int i = 0; i < day.n_sessions; i++)
			if (midnight + day.sessions[i].start > t) {
				*next_open = midnight + day.sessions[i].start;
				return;
			}
	}
}

static const char *const workhours_kinds[] = {
    [WORKCAL_OVERRIDE_DAY_OFF] = "day_off",
    [WORKCAL_OVERRIDE_WORKDAY] = "workday",
    [WORKCAL_OVERRIDE_REMOVE] = "remove",
    [WORKCAL_OVERRIDE_RENAME] = "rename",
};

const char *workhours_override_kind_name(enum workcal_override_kind k)
{
	if ((size_t)k >= sizeof workhours_kinds / sizeof workhours_kinds[0])
		return "?";
	return workhours_kinds[k];
}

bool workhours_override_kind_parse(const char *s, enum workcal_override_kind *k)
{
	for (size_t i = 0; s && i < sizeof workhours_kinds / sizeof workhours_kinds[0]; i++)
		if (strcmp(s, workhours_kinds[i]) == 0) {
			*k = (enum workcal_override_kind)i;
			return true;
		}
	return false;
}

bool workhours_day_name_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL || s[0] == '\0' || strlen(s) > WORKCAL_NAME_MAX - 1)
		return false;
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
