/* Calendar views. */
#include "api/present_calendar.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/clock.h"

static json_t *cal_hhmm(int secs)
{
	char buf[8];
	workhours_hhmm_format(secs, buf);
	return json_string(buf);
}

static json_t *cal_session(int start, int end)
{
	return json_pack("{s:o, s:o}", "start", cal_hhmm(start), "end", cal_hhmm(end));
}

json_t *present_calendar_config(const struct workcal_config *cfg)
{
	json_t *weekdays = json_array(), *sessions = json_array();
	char off[16];

	for (int w = 0; w < 7; w++)
		if (cfg->weekday_mask & (1u << w))
			json_array_append_new(weekdays, json_integer(w));
	for (int i = 0; i < cfg->n_sessions; i++)
		json_array_append_new(sessions,
		                      cal_session(cfg->sessions[i].start, cfg->sessions[i].end));
	snprintf(off, sizeof off, "%c%02d:%02d", cfg->utc_offset < 0 ? '-' : '+',
	         abs(cfg->utc_offset) / 3600, abs(cfg->utc_offset) / 60 % 60);
	return json_pack("{s:o, s:o, s:o, s:s}", "weekdays", weekdays, "sessions", sessions,
	                 "cutoff", cal_hhmm(cfg->cutoff), "utc_offset", off);
}

json_t *present_calendar_override(const struct calendar_override *o)
{
	char at[26];
	clock_office_iso(o->set_at, at);
	return json_pack("{s:s, s:s, s:o, s:s, s:s}", "date", o->date, "kind", o->kind, "name",
	                 o->has_name ? json_string(o->name) : json_null(), "set_by", o->set_by,
	                 "set_at", at);
}

json_t *present_calendar_overrides(const struct calendar_overrides *list)
{
	json_t *out = json_array();
	for (size_t i = 0; i < list->n; i++)
		json_array_append_new(out, present_calendar_override(&list->items[i]));
	return out;
}

json_t *present_calendar_year(const struct calendar_year *y)
{
	json_t *days = json_array();
	for (int i = 0; i < y->n_days; i++) {
		const struct workcal_entry *e = &y->days[i];
		char date[16];
		snprintf(date, sizeof date, "%04d-%02d-%02d", e->year, e->month, e->day);
		json_array_append_new(
		    days, json_pack("{s:s, s:s, s:s, s:s}", "date", date, "kind",
		                    e->kind == WORKCAL_DAY_WORK ? "work" : "off", "name", e->name,
		                    "source",
		                    e->source == WORKCAL_SOURCE_OVERRIDE ? "override" : "rule"));
	}
	json_t *view = present_calendar_config(&y->cfg);
	json_object_set_new(view, "year", json_integer(y->year));
	json_object_set_new(view, "days", days);
	json_object_set_new(view, "overrides", present_calendar_overrides(&y->overrides));
	return view;
}

json_t *present_calendar_centre_day(const char *office, const struct workhours_day *d)
{
	json_t *sessions = json_array();
	char date[16];
	for (int i = 0; i < d->n_sessions; i++)
		json_array_append_new(sessions,
		                      cal_session(d->sessions[i].start, d->sessions[i].end));
	snprintf(date, sizeof date, "%04d-%02d-%02d", d->year, d->month, d->day);
	return json_pack("{s:s, s:s, s:i, s:b, s:o, s:o, s:b}", "office", office, "date", date,
	                 "weekday", d->weekday, "working_day", d->working, "day_name",
	                 d->named ? json_string(d->day_name) : json_null(), "sessions", sessions,
	                 "open_now", d->open_now);
}

static json_t *cal_days(const int8_t *day, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_integer(day[i]));
	return a;
}

json_t *present_calendar_centre_config(const struct calendar_centre_config *c)
{
	const struct workhours_centre *ce = &c->centre;
	json_t *view = present_calendar_config(&c->cfg);
	json_object_set_new(view, "office", json_string(c->office));
	json_object_set_new(
	    view, "own",
	    json_pack("{s:b, s:b}", "weekdays", ce->own_weekdays, "sessions", ce->own_sessions));
	if (ce->own_weekdays && ce->valid_weekdays)
		json_object_set_new(view, "weekdays", cal_days(ce->weekdays.day, ce->weekdays.n));
	if (ce->own_sessions && ce->valid_sessions) {
		json_t *sessions = json_array();
		for (int i = 0; i < ce->n_sessions; i++) {
			const struct workhours_session *s = &ce->sessions[i];
			json_t *o = cal_session(s->start, s->end);
			if (!s->all_days)
				json_object_set_new(o, "days", cal_days(s->day, s->n_days));
			json_array_append_new(sessions, o);
		}
		json_object_set_new(view, "sessions", sessions);
	}
	json_object_set_new(view, "today", present_calendar_centre_day(c->office, &c->today));
	return view;
}
