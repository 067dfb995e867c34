/* The indicators' JSON: every rate, share, score and rounding goes through
 * domain/indicators.h; the figures come from store/indicators.h. */
#include "api/present_indicators.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/present_feedback.h"
#include "api/present_office.h"
#include "store/calendar.h"
#include "store/feedback.h"
#include "util/clock.h"

/* A figure rounded to decimals, null without data (NaN). */
static json_t *ind_num(double v, int decimals)
{
	double r = indicators_round(v, decimals);
	return isnan(r) ? json_null() : json_real(r);
}

/* num / den to four decimals, null when den is 0. */
static json_t *ind_share(int64_t num, int64_t den)
{
	double r;
	return indicators_rate(num, den, &r) ? ind_num(r, 4) : json_null();
}

/* sum / n / scale to decimals, null when n is 0. */
static json_t *ind_mean(int64_t sum, int64_t n, double scale, int decimals)
{
	double r;
	return indicators_rate(sum, n, &r) ? ind_num(r / scale, decimals) : json_null();
}

static json_t *ind_summary_json(struct indicators_summary s, int decimals)
{
	return json_pack("{s:I, s:o, s:o, s:o}", "n", (json_int_t)s.n, "mean",
	                 ind_num(s.mean, decimals), "median", ind_num(s.median, decimals), "p90",
	                 ind_num(s.p90, decimals));
}

/* ---- dossiers ------------------------------------------------------------------ */

static json_t *ind_dossiers_json(const struct indicators_dossiers *g)
{
	int64_t finished = g->early + g->on_time + g->late;
	double rate;
	return json_pack(
	    "{s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I}, s:o, s:o, s:o, s:o, s:I,"
	    " s:I, s:I, s:I}",
	    "received", (json_int_t)g->received, "online", (json_int_t)g->online, "finished",
	    "total", (json_int_t)finished, "early", (json_int_t)g->early, "on_time",
	    (json_int_t)g->on_time, "late", (json_int_t)g->late, "ineligible",
	    (json_int_t)g->ineligible, "open", "on_time", (json_int_t)g->open_on_time, "late",
	    (json_int_t)g->open_late, "on_time_rate",
	    indicators_rate(g->early + g->on_time, finished, &rate) ? ind_num(rate, 4)
	                                                            : json_null(),
	    "processing_days", ind_summary_json(g->processing_days, 2), "no_supplement_share",
	    ind_share(g->no_supplement, finished), "supplements_per_dossier",
	    finished ? ind_num((double)g->supplements / (double)finished, 3) : json_null(),
	    "apologies", (json_int_t)g->apologies, "refusals", (json_int_t)g->refused,
	    "withdrawals", (json_int_t)g->withdrawn, "cancellations", (json_int_t)g->cancelled);
}

/* One unit's 766 parts in short, for a row of by=office: {"points",
 * "maximum", "parts": {"processing_on_time", "satisfaction",
 * "feedback_on_time", "feedback_satisfaction", "online_share"},
 * "satisfaction_group": points of the group (out of its maximum)}, a part
 * null when it has no data (docs/indicators.md); the feedback parts are
 * full marks when no PAKN counted (docs/feedback.md). f NULL: feedback does
 * not apply to the unit (a processing office of a tree without
 * authorities: feedback belongs to centres and authorities), its parts
 * null and left out of the points and the maxima. */
static json_t *ind_766_unit(const struct indicators_766_params *p,
                            const struct indicators_dossiers *t, const struct indicators_ratings *r,
                            const struct indicators_feedback *f)
{
	double a, b, c, d = 0, e = 0;
	bool ha = indicators_766_on_time(p, t->early, t->on_time, t->late, t->open_late, &a);
	bool hb = indicators_766_satisfaction(p, r->level[0] + r->level[1], r->rated, &b);
	bool hc = indicators_766_online(p, t->online, t->received, &c);
	if (f) {
		indicators_766_feedback_on_time(p, f->on_time, f->ended, f->open_late, &d);
		indicators_766_feedback_satisfaction(p, f->satisfied, f->ended, f->open_late, &e);
	}
	double fb_max = f ? p->feedback_on_time_max + p->feedback_satisfaction_max : 0;
	double group = (hb ? b : 0) + d + e;
	return json_pack("{s:o, s:f, s:{s:o, s:o, s:o, s:o, s:o}, s:{s:o, s:f}}", "points",
	                 ind_num((ha ? a : 0) + group + (hc ? c : 0), 2), "maximum",
	                 p->on_time_max + p->satisfaction_max + fb_max + p->online_max, "parts",
	                 "processing_on_time", ha ? ind_num(a, 2) : json_null(), "satisfaction",
	                 hb ? ind_num(b, 2) : json_null(), "feedback_on_time",
	                 f ? ind_num(d, 2) : json_null(), "feedback_satisfaction",
	                 f ? ind_num(e, 2) : json_null(), "online_share",
	                 hc ? ind_num(c, 2) : json_null(), "satisfaction_group", "points",
	                 ind_num(group, 2), "maximum", p->satisfaction_max + fb_max);
}

/* A dossier row: its figures, "key", "name", for by=office "kind", and
 * its 766 parts when it has them. */
static json_t *ind_row_json(const struct indicators_dossier_row *row, enum indicators_by by,
                            const struct indicators_766_params *p)
{
	json_t *g = ind_dossiers_json(&row->d);
	json_object_set_new(g, "key", json_string(row->d.key));
	json_object_set_new(g, "name", json_string(row->d.name ? row->d.name : row->d.key));
	if (by == IND_BY_OFFICE)
		json_object_set_new(g, "kind",
		                    row->d.kind[0] ? json_string(row->d.kind) : json_null());
	if (row->has_766)
		json_object_set_new(
		    g, "score_766",
		    ind_766_unit(p, &row->d, &row->r, row->has_feedback ? &row->f : NULL));
	return g;
}

static json_t *ind_rows_json(const struct indicators_dossier_row *rows, size_t n,
                             enum indicators_by by, const struct indicators_766_params *p)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, ind_row_json(&rows[i], by, p));
	return arr;
}

static json_t *ind_dossiers_section(const struct indicators_report *r,
                                    const struct indicators_766_params *p)
{
	json_t *o =
	    json_pack("{s:o, s:o}", "groups", ind_rows_json(r->groups, r->n_groups, r->by, p),
	              "total", ind_dossiers_json(&r->total));
	if (r->by == IND_BY_OFFICE) {
		json_object_set_new(o, "centres",
		                    ind_rows_json(r->centres, r->n_centres, r->by, p));
		const struct indicators_dossier_row *ct = &r->centres_total;
		json_t *j = ind_dossiers_json(&ct->d);
		json_object_set_new(j, "score_766", ind_766_unit(p, &ct->d, &ct->r, &ct->f));
		json_object_set_new(o, "centres_total", j);
	}
	return o;
}

/* ---- queue --------------------------------------------------------------------- */

static json_t *ind_visits_json(const struct indicators_visits *g, int64_t t_minutes)
{
	double sl, ns;
	bool has_sl = indicators_service_level(g->within, g->visits, &sl);
	bool has_ns = indicators_no_show_rate(
	    g->no_show, g->served + g->no_show + g->transferred + g->removed, &ns);
	return json_pack(
	    "{s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:o, s:o, s:o, s:o, s:I}", "visits",
	    (json_int_t)g->visits, "outcomes", "served", (json_int_t)g->served, "no_show",
	    (json_int_t)g->no_show, "transferred", (json_int_t)g->transferred, "removed",
	    (json_int_t)g->removed, "open", (json_int_t)g->open, "recalls", (json_int_t)g->recalls,
	    "wait_minutes", ind_summary_json(g->wait, 2), "service_minutes",
	    ind_summary_json(g->service, 2), "no_show_rate", has_ns ? ind_num(ns, 4) : json_null(),
	    "service_level", has_sl ? ind_num(sl, 4) : json_null(), "service_level_minutes",
	    (json_int_t)t_minutes);
}

/* The heat map: weekday (1 = Monday .. 6 = Saturday) × slot. */
static json_t *ind_heat_json(const struct indicators_queue *q)
{
	json_t *weekdays = json_array(), *slots = json_array(), *arrivals = json_array(),
	       *waits = json_array();
	for (int k = 0; k < q->n_slots; k++)
		json_array_append_new(slots, json_string(q->slots[k].start));
	for (int wd = 1; wd <= 6; wd++) {
		json_array_append_new(weekdays, json_integer(wd));
		json_t *ar = json_array(), *mw = json_array();
		for (int k = 0; k < q->n_slots; k++) {
			json_array_append_new(ar, json_integer(q->heat_arrivals[wd][k]));
			json_array_append_new(
			    mw, ind_mean(q->heat_wait[wd][k], q->heat_visits[wd][k], 60.0, 1));
		}
		json_array_append_new(arrivals, ar);
		json_array_append_new(waits, mw);
	}
	return json_pack("{s:o, s:o, s:o, s:o}", "weekdays", weekdays, "slots", slots, "arrivals",
	                 arrivals, "mean_wait_minutes", waits);
}

static json_t *ind_queue_json(const struct indicators_queue *q)
{
	int64_t t_min = q->service_level_minutes;
	json_t *o = ind_visits_json(&q->total, t_min);
	json_t *by_group = json_object();
	for (size_t i = 0; i < q->n_by_group; i++)
		json_object_set_new(by_group, q->by_group[i].code,
		                    json_integer(q->by_group[i].tickets));
	json_object_set_new(o, "tickets", json_integer(q->tickets));
	json_object_set_new(o, "tickets_voided", json_integer(q->tickets_voided));
	json_object_set_new(o, "tickets_by_group", by_group);
	json_t *groups = json_array();
	for (size_t i = 0; i < q->n_groups; i++) {
		const struct indicators_queue_group *g = &q->groups[i];
		json_t *gj = ind_visits_json(&g->v, t_min);
		json_object_set_new(gj, "key", json_string(g->key));
		json_object_set_new(gj, "name", json_string(g->name ? g->name : g->key));
		if (g->has_tickets)
			json_object_set_new(gj, "tickets", json_integer(g->tickets));
		json_array_append_new(groups, gj);
	}
	json_object_set_new(o, "group_by", json_string(indicators_by_name(q->group_by)));
	json_object_set_new(o, "groups", groups);
	json_t *slots = json_array();
	for (int k = 0; k < q->n_slots; k++) {
		json_t *sj = ind_visits_json(&q->slots[k].v, t_min);
		json_object_set_new(sj, "start", json_string(q->slots[k].start));
		json_object_set_new(sj, "arrivals", json_integer(q->slots[k].arrivals));
		json_array_append_new(slots, sj);
	}
	json_object_set_new(o, "by_half_hour", slots);
	json_object_set_new(o, "heat", ind_heat_json(q));
	return o;
}

/* ---- satisfaction, feedback, appointments ----------------------------------------- */

static json_t *ind_ratings_json(const struct indicators_ratings *g)
{
	json_t *levels = json_object();
	json_t *shares = json_object();
	for (int i = 0; i < 4; i++) {
		json_object_set_new(levels, indicators_levels[i], json_integer(g->level[i]));
		json_object_set_new(shares, indicators_levels[i], ind_share(g->level[i], g->rated));
	}
	return json_pack("{s:I, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:o, s:I}}", "rated",
	                 (json_int_t)g->rated, "levels", levels, "shares", shares,
	                 "satisfied_share", ind_share(g->level[0] + g->level[1], g->rated),
	                 "criteria", "on_time", ind_share(g->on_time_yes, g->on_time_n),
	                 "courteous", ind_share(g->courteous_yes, g->courteous_n), "one_visit",
	                 ind_share(g->one_visit, g->visits_n), "mean_visits",
	                 ind_mean(g->visits_sum, g->visits_n, 1.0, 2), "unofficial_payment_reports",
	                 (json_int_t)g->unofficial);
}

static json_t *ind_satisfaction_json(const struct indicators_report *r)
{
	json_t *out = ind_ratings_json(&r->ratings);
	json_t *arr = json_array();
	for (size_t i = 0; i < r->n_rating_groups; i++) {
		const struct indicators_ratings *g = &r->rating_groups[i];
		json_t *gj = ind_ratings_json(g);
		json_object_set_new(gj, "key", json_string(g->key));
		json_object_set_new(gj, "name", json_string(g->name ? g->name : g->key));
		json_array_append_new(arr, gj);
	}
	json_object_set_new(out, "groups", arr);
	json_object_set_new(
	    out, "scale",
	    json_pack("[s,s,s,s]", "very_satisfied", "satisfied", "neutral", "not_satisfied"));
	json_object_set_new(out, "satisfied_levels",
	                    json_pack("[s,s]", "very_satisfied", "satisfied"));
	if (!r->ratings_per_procedure)
		json_object_set_new(out, "note",
		                    json_string("Đánh giá là ẩn danh: không gắn với cán bộ hay quầy"
		                                " (ratings are anonymous: no clerk or counter)"));
	return out;
}

/* The "feedback" section of the answer (docs/feedback.md): the counts of
 * g, and "officials" when given (an office head's). Never a sender field
 * nor a text. */
static json_t *ind_feedback_json(const struct indicators_feedback *g, json_t *officials)
{
	json_t *cls = json_object(), *ch = json_object(), *steps = json_object();
	for (int i = 0; i < 4; i++)
		json_object_set_new(cls, indicators_feedback_classes[i],
		                    json_integer(g->by_class[i]));
	for (int i = 0; i < 6; i++)
		json_object_set_new(ch, indicators_feedback_channels[i],
		                    json_integer(g->by_channel[i]));
	for (int i = 0; i < FEEDBACK_STEPS; i++)
		json_object_set_new(steps, feedback_step_name((enum feedback_step)i),
		                    json_integer(g->late_step[i]));
	int64_t counted = g->ended + g->open_late;
	json_t *o = json_pack(
	    "{s:I, s:I, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
	    " s:o, s:o, s:o}",
	    "received", (json_int_t)g->received, "anonymous", (json_int_t)g->anonymous, "by_class",
	    cls, "by_channel", ch, "ended", (json_int_t)g->ended, "rejected",
	    (json_int_t)g->rejected, "forwarded", (json_int_t)g->forwarded, "published",
	    (json_int_t)g->published, "answered", (json_int_t)g->answered, "on_time",
	    (json_int_t)g->on_time, "late", (json_int_t)g->late, "open_late",
	    (json_int_t)g->open_late, "counted", (json_int_t)counted, "satisfied",
	    (json_int_t)g->satisfied, "not_satisfied", (json_int_t)g->not_satisfied, "repeated",
	    (json_int_t)g->repeated, "on_time_share", ind_share(g->on_time, counted),
	    "satisfied_share", ind_share(g->satisfied, counted), "late_by_step", steps);
	if (officials)
		json_object_set(o, "officials", officials);
	return o;
}

static json_t *ind_appointments_json(const struct indicators_appointments *a)
{
	json_t *w[2];
	for (int k = 0; k < 2; k++)
		w[k] = json_pack("{s:I, s:o}", "visits", (json_int_t)a->visits[k], "mean_minutes",
		                 ind_mean(a->wait_sum[k], a->visits[k], 60.0, 2));
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o}", "booked",
	                 (json_int_t)a->booked, "cancelled", (json_int_t)a->cancelled,
	                 "checked_in_on_time", (json_int_t)a->checked_in_on_time, "late",
	                 (json_int_t)a->late, "no_show", (json_int_t)a->no_show, "pending",
	                 (json_int_t)a->pending, "punctuality",
	                 ind_share(a->checked_in_on_time, a->booked - a->cancelled), "wait_booked",
	                 w[1], "wait_walk_in", w[0]);
}

/* ---- scorecards -------------------------------------------------------------------- */

static json_t *ind_part(const char *part, const char *name, bool has, double points, double max,
                        const char *formula, json_t *inputs)
{
	return json_pack("{s:s, s:s, s:o, s:f, s:s, s:o}", "part", part, "name", name, "points",
	                 has ? ind_num(points, 2) : json_null(), "maximum", max, "formula", formula,
	                 "inputs", inputs);
}

void present_766_params(const char *setting, struct indicators_766_params *out)
{
	static const struct {
		const char *key;
		size_t at;
	} keys[] = {
	    {"online_max", offsetof(struct indicators_766_params, online_max)},
	    {"satisfaction_max", offsetof(struct indicators_766_params, satisfaction_max)},
	    {"on_time_max", offsetof(struct indicators_766_params, on_time_max)},
	    {"feedback_on_time_max", offsetof(struct indicators_766_params, feedback_on_time_max)},
	    {"feedback_satisfaction_max",
	     offsetof(struct indicators_766_params, feedback_satisfaction_max)},
	};
	indicators_766_default(out);
	json_t *j = setting ? json_loads(setting, 0, NULL) : NULL;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		json_t *v = json_object_get(j, keys[i].key);
		if (json_is_number(v))
			*(double *)((char *)out + keys[i].at) = json_number_value(v);
	}
	json_decref(j);
}

/* The two processing parts (on time, satisfaction) into parts; *ha, *hb
 * and *a, *b: whether each has data and its points. */
static void ind_766_processing(const struct indicators_766_params *p,
                               const struct indicators_dossiers *t,
                               const struct indicators_ratings *r, json_t *parts, bool *hb,
                               double *b)
{
	char f[400];
	double a;
	bool ha = indicators_766_on_time(p, t->early, t->on_time, t->late, t->open_late, &a);
	*hb = indicators_766_satisfaction(p, r->level[0] + r->level[1], r->rated, b);
	snprintf(f, sizeof f,
	         "%g × (trước hạn + đúng hạn) / (đã giải quyết + đang giải quyết quá hạn)",
	         p->on_time_max);
	json_array_append_new(
	    parts, ind_part("processing_on_time", "Tiến độ giải quyết", ha, a, p->on_time_max, f,
	                    json_pack("{s:I, s:I, s:I, s:I}", "early", (json_int_t)t->early,
	                              "on_time", (json_int_t)t->on_time, "late",
	                              (json_int_t)t->late, "open_late", (json_int_t)t->open_late)));
	snprintf(f, sizeof f,
	         "%g nếu hài lòng ≥ %g %%, dưới đó %g × tỷ lệ hài lòng / %g %% (tỷ lệ = hài lòng /"
	         " số đánh giá)",
	         p->satisfaction_max, p->satisfaction_full * 100, p->satisfaction_max,
	         p->satisfaction_full * 100);
	json_array_append_new(
	    parts,
	    ind_part("satisfaction", "Mức độ hài lòng", *hb, *b, p->satisfaction_max, f,
	             json_pack("{s:I, s:I}", "satisfied", (json_int_t)(r->level[0] + r->level[1]),
	                       "rated", (json_int_t)r->rated)));
}

/* The PAKN parts (docs/feedback.md): counted = ended in the period + open
 * at its end and late. *hd: the on-time part had data; *d, *e: points. */
static void ind_766_feedback(const struct indicators_766_params *p,
                             const struct indicators_feedback *fb, json_t *parts, bool *hd,
                             double *d, double *e)
{
	char f[400];
	int64_t counted = fb->ended + fb->open_late;
	*hd = indicators_766_feedback_on_time(p, fb->on_time, fb->ended, fb->open_late, d);
	indicators_766_feedback_satisfaction(p, fb->satisfied, fb->ended, fb->open_late, e);
	snprintf(f, sizeof f,
	         "%g × xong đúng hạn / (đã xử lý xong + đang xử lý quá hạn); không có phản ánh,"
	         " kiến nghị nào được tính: %g",
	         p->feedback_on_time_max, p->feedback_on_time_max);
	json_array_append_new(
	    parts, ind_part("feedback_on_time", "Xử lý phản ánh, kiến nghị đúng hạn", true, *d,
	                    p->feedback_on_time_max, f,
	                    json_pack("{s:I, s:I, s:I, s:I, s:I}", "on_time",
	                              (json_int_t)fb->on_time, "late", (json_int_t)fb->late,
	                              "ended", (json_int_t)fb->ended, "open_late",
	                              (json_int_t)fb->open_late, "counted", (json_int_t)counted)));
	snprintf(f, sizeof f,
	         "%g × (xong đúng hạn, không bị đánh giá không hài lòng, không bị phản ánh lặp lại)"
	         " / (đã xử lý xong + đang xử lý quá hạn); không có phản ánh, kiến nghị nào được"
	         " tính: %g",
	         p->feedback_satisfaction_max, p->feedback_satisfaction_max);
	json_array_append_new(
	    parts, ind_part("feedback_satisfaction", "Hài lòng với việc xử lý phản ánh, kiến nghị",
	                    true, *e, p->feedback_satisfaction_max, f,
	                    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "satisfied",
	                              (json_int_t)fb->satisfied, "not_satisfied",
	                              (json_int_t)fb->not_satisfied, "repeated",
	                              (json_int_t)fb->repeated, "late", (json_int_t)fb->late,
	                              "ended", (json_int_t)fb->ended, "open_late",
	                              (json_int_t)fb->open_late, "counted", (json_int_t)counted)));
}

/* The parts of Decision 766 the data covers, whole period and unit. */
static json_t *ind_766(const struct indicators_766_params *p, const struct indicators_dossiers *t,
                       const struct indicators_ratings *r, const struct indicators_feedback *fb)
{
	json_t *parts = json_array();
	bool hb, hd;
	double a, b, c, d, e;
	bool ha = indicators_766_on_time(p, t->early, t->on_time, t->late, t->open_late, &a);
	bool hc = indicators_766_online(p, t->online, t->received, &c);
	ind_766_processing(p, t, r, parts, &hb, &b);
	ind_766_feedback(p, fb, parts, &hd, &d, &e);
	char f[400];
	snprintf(f, sizeof f, "%g × min(1, tỷ lệ nộp trực tuyến / %g %%)", p->online_max,
	         p->online_full * 100);
	json_array_append_new(
	    parts, ind_part("online_share", "Tỷ lệ hồ sơ trực tuyến", hc, c, p->online_max, f,
	                    json_pack("{s:I, s:I}", "online", (json_int_t)t->online, "received",
	                              (json_int_t)t->received)));
	double group = (hb ? b : 0) + d + e;
	double group_max =
	    p->satisfaction_max + p->feedback_on_time_max + p->feedback_satisfaction_max;
	double pts = (ha ? a : 0) + group + (hc ? c : 0);
	double max = p->on_time_max + group_max + p->online_max;
	json_t *missing = json_pack(
	    "[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}]", "part", "public_disclosure",
	    "missing",
	    "công khai trên Cổng dịch vụ công quốc gia: không có trong dữ liệu của hệ thống",
	    "part", "digitised_dossiers", "missing",
	    "số hóa hồ sơ, kết quả: hệ thống chưa lưu thành phần hồ sơ đã số hóa", "part",
	    "electronic_results", "missing", "kết quả điện tử: chưa có dữ liệu", "part",
	    "online_payment", "missing", "thanh toán trực tuyến: chưa có dữ liệu");
	if (!hb)
		json_array_append_new(missing,
		                      json_pack("{s:s, s:s}", "part", "satisfaction", "missing",
		                                "chưa có đánh giá nào trong kỳ"));
	/* The satisfaction group as one number (a part without data adds 0). */
	json_t *groups =
	    json_pack("[{s:s, s:s, s:[s,s,s], s:o, s:f, s:b}]", "group", "satisfaction", "name",
	              "Nhóm mức độ hài lòng", "parts", "satisfaction", "feedback_on_time",
	              "feedback_satisfaction", "points", ind_num(group, 2), "maximum", group_max,
	              "complete", hb && hd);
	return json_pack("{s:o, s:o, s:o, s:f, s:o, s:s}", "parts", parts, "groups", groups,
	                 "points", ind_num(pts, 2), "maximum", max, "missing", missing, "note",
	                 "Chỉ các phần hệ thống có dữ liệu; công thức theo Cổng DVC quốc gia"
	                 " [cần kiểm chứng]");
}

static json_t *ind_plan(const struct indicators_report *rep)
{
	const struct indicators_dossiers *t = &rep->total;
	const struct indicators_ratings *r = &rep->ratings;
	const struct indicators_feedback *fb = &rep->feedback;
	int64_t finished = t->early + t->on_time + t->late;
	json_t *papi = json_pack(
	    "[{s:s, s:s, s:I, s:I}, {s:s, s:s, s:o, s:o}, {s:s, s:s, s:o, s:o},"
	    " {s:s, s:s, s:o}, {s:s, s:s, s:I}, {s:s, s:s, s:I, s:I, s:I, s:I, s:o}]",
	    "item", "posted_procedures_fees", "name", "Công khai thủ tục, phí, lệ phí",
	    "procedures_posted", (json_int_t)rep->procedures_posted, "with_fee",
	    (json_int_t)rep->procedures_with_fee, "item", "on_time_return", "name",
	    "Trả kết quả đúng hẹn", "dossier_on_time_rate",
	    ind_share(t->early + t->on_time, finished), "citizens_say_on_time",
	    ind_share(r->on_time_yes, r->on_time_n), "item", "one_visit", "name",
	    "Chỉ phải đi lại một lần", "no_supplement_share", ind_share(t->no_supplement, finished),
	    "citizens_say_one_visit", ind_share(r->one_visit, r->visits_n), "item", "courtesy",
	    "name", "Công chức lịch sự, tận tình", "courteous_share",
	    ind_share(r->courteous_yes, r->courteous_n), "item", "unofficial_payment", "name",
	    "Báo cáo bị đòi chi phí không chính thức", "reports", (json_int_t)r->unofficial, "item",
	    "complaints", "name", "Khiếu nại, phản ánh", "count", (json_int_t)fb->received,
	    "conduct", (json_int_t)fb->by_class[1], "anonymous", (json_int_t)fb->anonymous, "ended",
	    (json_int_t)fb->ended, "on_time_share",
	    ind_share(fb->on_time, fb->ended + fb->open_late));
	json_t *sipas = json_pack(
	    "[{s:s, s:o}, {s:s, s:o}, {s:s, s:o}, {s:s, s:o}, {s:s, s:o}]", "element",
	    "procedure (thủ tục: một lần đi lại)", "share", ind_share(r->one_visit, r->visits_n),
	    "element", "officer (công chức: lịch sự)", "share",
	    ind_share(r->courteous_yes, r->courteous_n), "element", "result (kết quả: đúng hẹn)",
	    "share", ind_share(r->on_time_yes, r->on_time_n), "element", "overall (hài lòng chung)",
	    "share", ind_share(r->level[0] + r->level[1], r->rated), "element",
	    "access, feedback handling (tiếp cận, phản ánh: đúng hạn, không bị chê,"
	    " không lặp lại)",
	    "share", ind_share(fb->satisfied, fb->ended + fb->open_late));
	return json_pack("{s:o, s:o}", "papi_dim5", papi, "sipas", sipas);
}

/* ---- the whole answer ------------------------------------------------------------------ */

json_t *present_indicators(const struct indicators_report *r, const struct indicators_766_params *p,
                           json_t *office, json_t *officials)
{
	char iso_a[26], iso_b[26], iso_ref[26], today[11];
	clock_office_iso(r->start, iso_a);
	clock_office_iso(r->end, iso_b);
	/* as_of: the instant the open figures are counted at (now in a running
	 * period, else its end); today: the office date now. */
	clock_office_iso(r->ref, iso_ref);
	clock_office_date(r->now, today);
	json_t *out = json_pack(
	    "{s:{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:I}, s:O, s:s, s:o, s:o, s:o,"
	    " s:o, s:o, s:o, s:o}",
	    "period", "from", r->from, "to", r->to, "start_at", iso_a, "end_at", iso_b, "as_of",
	    iso_ref, "running", r->ref < r->end, "today", today, "working_day_seconds",
	    (json_int_t)r->working_day_seconds, "office", office ? office : json_null(), "by",
	    indicators_by_name(r->by), "dossiers", ind_dossiers_section(r, p), "queue",
	    ind_queue_json(&r->queue), "satisfaction", ind_satisfaction_json(r), "score_766",
	    ind_766(p, &r->total, &r->ratings, &r->feedback), "plan", ind_plan(r), "feedback",
	    ind_feedback_json(&r->feedback, officials), "appointments",
	    ind_appointments_json(&r->appointments));
	return out;
}

json_t *present_indicators_staffing(const struct indicators_staffing *s, const char *date,
                                    json_t *office)
{
	double day_mean = s->day_served ? (double)s->day_service_sum / (double)s->day_served
	                                : (double)s->default_service_seconds;
	double t = (double)s->service_level_minutes * 60;
	json_t *slots = json_array();
	for (int k = 0; k < s->n_slots; k++) {
		const struct indicators_staffing_slot *sl = &s->slots[k];
		struct indicators_staffing_figures f;
		indicators_staffing_slot(sl->arrivals, sl->served, sl->service_sum, day_mean, t,
		                         (double)s->target_percent / 100.0, &f);
		json_array_append_new(
		    slots, json_pack("{s:s, s:I, s:o, s:o, s:i, s:i, s:o, s:o}", "start", sl->start,
		                     "arrivals", (json_int_t)sl->arrivals, "mean_service_minutes",
		                     ind_num(f.mean_service_s / 60.0, 2), "offered_load",
		                     ind_num(f.load, 3), "counters_needed", f.needed,
		                     "counters_open", sl->counters_open, "p_wait",
		                     ind_num(f.p_wait, 4), "within_target", ind_num(f.within, 4)));
	}
	return json_pack("{s:s, s:O, s:I, s:f, s:o, s:s}", "date", date, "office",
	                 office ? office : json_null(), "service_level_minutes",
	                 (json_int_t)s->service_level_minutes, "service_level_target",
	                 (double)s->target_percent / 100.0, "slots", slots, "counters_open_means",
	                 "quầy có gọi khách trong khung giờ (counters that called someone)");
}

/* ---- the answers: the store's figures, presented ----------------------------------- */

/* The office day's first and last half-hour slot start from the calendar's
 * sessions (on an error, logged by the store, the default span). */
static void ind_day_span(struct store *st, int *first, int *last)
{
	struct workcal_config cfg = {0};
	int start[WORKCAL_MAX_SESSIONS], end[WORKCAL_MAX_SESSIONS], n = 0;
	if (store_calendar_config(st, &cfg, NULL) == MC_OK)
		for (int i = 0; i < cfg.n_sessions && i < WORKCAL_MAX_SESSIONS; i++) {
			start[n] = cfg.sessions[i].start;
			end[n++] = cfg.sessions[i].end;
		}
	indicators_day_span(start, end, n, first, last);
}

enum mc_err present_indicators_answer(struct store *st, const struct principal *who,
                                      const char *office, const char *from, const char *to,
                                      enum indicators_by by, bool scan, json_t **out,
                                      struct mc_error *err)
{
	struct indicators_query q = {
	    .who = who, .office = office, .from = from, .to = to, .by = by};
	ind_day_span(st, &q.day_first, &q.day_last);
	struct indicators_report r;
	enum mc_err rc = (scan ? store_indicators_scan : store_indicators)(st, &q, &r, err);
	if (rc) {
		indicators_report_free(&r);
		return rc;
	}
	struct indicators_766_params p;
	present_766_params(r.score_766_setting, &p);
	json_t *unit = r.office ? present_office_id(st, r.office) : NULL;
	/* store_feedback_conduct answers an office head alone (not_office_head
	 * for anyone else: the member is then absent). */
	json_t *officials = NULL;
	if (who && who->user_id > 0) {
		struct feedback_conduct conduct;
		struct mc_error e = {0};
		if (store_feedback_conduct(st, who, office, r.start, r.end, &conduct, &e) ==
		    MC_OK) {
			officials = present_feedback_officials(&conduct);
			feedback_conduct_clear(&conduct);
		}
	}
	*out = present_indicators(&r, &p, unit, officials);
	json_decref(unit);
	json_decref(officials);
	indicators_report_free(&r);
	return MC_OK;
}

enum mc_err present_indicators_staffing_answer(struct store *st, const struct principal *who,
                                               const char *office, const char *date, json_t **out,
                                               struct mc_error *err)
{
	struct indicators_query q = {.who = who, .office = office, .from = date, .to = date};
	ind_day_span(st, &q.day_first, &q.day_last);
	struct indicators_staffing s;
	enum mc_err rc = store_indicators_staffing(st, &q, &s, err);
	if (rc)
		return rc;
	json_t *unit = s.office ? present_office_id(st, s.office) : NULL;
	*out = present_indicators_staffing(&s, date, unit);
	json_decref(unit);
	return MC_OK;
}
