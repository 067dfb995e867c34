#include "domain/indicators.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/civil_date.h"
#include "domain/dossier.h"

bool indicators_rate(int64_t num, int64_t den, double *out)
{
	if (den <= 0) {
		*out = NAN;
		return false;
	}
	*out = (double)num / (double)den;
	return true;
}

double indicators_quantile(const int64_t *sorted, size_t n, double p)
{
	if (n == 0)
		return NAN;
	if (p <= 0)
		return (double)sorted[0];
	if (p >= 1)
		return (double)sorted[n - 1];
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return (double)sorted[n - 1];
	return (double)sorted[lo] + (h - (double)lo) * (double)(sorted[lo + 1] - sorted[lo]);
}

static int indicators_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Least significant digit radix sort, a byte at a time, of v[0..n) through
 * tmp[0..n): the values with the sign bit flipped sort as unsigned. A pass
 * whose byte is the same in every value (the high bytes of durations) is
 * skipped: about four passes over the data instead of n log n comparisons
 * through a callback (a province's quarter sorts a few hundred thousand
 * durations). The counts are small enough for any thread's stack. */
static void indicators_radix(int64_t *v, int64_t *tmp, size_t n)
{
	static const uint64_t flip = UINT64_C(1) << 63;
	int64_t *src = v, *dst = tmp;
	for (int shift = 0; shift < 64; shift += 8) {
		size_t count[257] = {0};
		for (size_t i = 0; i < n; i++)
			count[((((uint64_t)src[i] ^ flip) >> shift) & 0xFF) + 1]++;
		if (count[((((uint64_t)src[0] ^ flip) >> shift) & 0xFF) + 1] == n)
			continue; /* every value has this byte: nothing moves */
		for (size_t d = 1; d <= 256; d++)
			count[d] += count[d - 1];
		for (size_t i = 0; i < n; i++)
			dst[count[(((uint64_t)src[i] ^ flip) >> shift) & 0xFF]++] = src[i];
		int64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
}

void indicators_sort(int64_t *v, size_t n)
{
	if (n < 256) {
		if (n > 1)
			qsort(v, n, sizeof *v, indicators_cmp);
		return;
	}
	int64_t *tmp = malloc(n * sizeof *tmp);
	if (tmp == NULL) { /* no room for the fast way: the slow one needs none */
		qsort(v, n, sizeof *v, indicators_cmp);
		return;
	}
	indicators_radix(v, tmp, n);
	free(tmp);
}

struct indicators_summary indicators_summarize(int64_t *v, size_t n, double scale)
{
	struct indicators_summary s = {.n = (int64_t)n, .mean = NAN, .median = NAN, .p90 = NAN};
	if (n == 0)
		return s;
	if (scale <= 0)
		scale = 1;
	indicators_sort(v, n);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += (double)v[i];
	s.mean = sum / (double)n / scale;
	s.median = indicators_quantile(v, n, 0.5) / scale;
	s.p90 = indicators_quantile(v, n, 0.9) / scale;
	return s;
}

/* The quantile p of the n values counted in cnt (cnt[i] values equal to
 * base + i), as domain/indicators.h's indicators_quantile computes it on the
 * sorted values (type 7). */
static double indicators_count_quantile(const uint32_t *cnt, size_t range, int64_t base, size_t n,
                                        double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h), seen = 0, i = 0;
	while (i < range && seen + cnt[i] <= lo) /* to the value of rank lo */
		seen += cnt[i++];
	int64_t a = base + (int64_t)i;
	if (lo + 1 >= n)
		return (double)a;
	if (seen + cnt[i] <= lo + 1) /* rank lo + 1 is a larger value */
		for (i++; i < range && cnt[i] == 0; i++)
			;
	int64_t b = base + (int64_t)i;
	return (double)a + (h - (double)lo) * (double)(b - a);
}

struct indicators_summary indicators_summarize_unsorted(int64_t *v, size_t n, double scale)
{
	if (n < 256)
		return indicators_summarize(v, n, scale);
	int64_t lo = v[0], hi = v[0];
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
		sum += (double)v[i];
	}
	if (hi - lo < 0 || (uint64_t)(hi - lo) >= 4 * (uint64_t)n + 4096 ||
	    (uint64_t)(hi - lo) >= (UINT64_C(1) << 22))
		return indicators_summarize(v, n, scale);
	size_t range = (size_t)(hi - lo) + 1;
	uint32_t *cnt = calloc(range, sizeof *cnt);
	if (cnt == NULL) /* no room for the fast way */
		return indicators_summarize(v, n, scale);
	for (size_t i = 0; i < n; i++)
		cnt[v[i] - lo]++;
	if (scale <= 0)
		scale = 1;
	struct indicators_summary s = {
	    .n = (int64_t)n,
	    .mean = sum / (double)n / scale,
	    .median = indicators_count_quantile(cnt, range, lo, n, 0.5) / scale,
	    .p90 = indicators_count_quantile(cnt, range, lo, n, 0.9) / scale,
	};
	free(cnt);
	return s;
}

void indicators_766_default(struct indicators_766_params *p)
{
	p->on_time_max = 20;
	p->satisfaction_max = 6;
	p->satisfaction_full = 0.90;
	p->online_max = 4;
	p->online_full = 0.50;
	p->feedback_on_time_max = 6;
	p->feedback_satisfaction_max = 6;
}

/* max × min(1, share / full); full <= 0 means full marks for any share. */
static double indicators_scaled(double max, double share, double full)
{
	if (full <= 0 || share >= full)
		return max;
	return max * share / full;
}

bool indicators_766_on_time(const struct indicators_766_params *p, int64_t early, int64_t on_time,
                            int64_t late, int64_t open_late, double *points)
{
	double share;
	if (!indicators_rate(early + on_time, early + on_time + late + open_late, &share)) {
		*points = NAN;
		return false;
	}
	*points = p->on_time_max * share;
	return true;
}

bool indicators_766_satisfaction(const struct indicators_766_params *p, int64_t satisfied,
                                 int64_t rated, double *points)
{
	double share;
	if (!indicators_rate(satisfied, rated, &share)) {
		*points = NAN;
		return false;
	}
	*points = indicators_scaled(p->satisfaction_max, share, p->satisfaction_full);
	return true;
}

bool indicators_766_online(const struct indicators_766_params *p, int64_t online, int64_t received,
                           double *points)
{
	double share;
	if (!indicators_rate(online, received, &share)) {
		*points = NAN;
		return false;
	}
	*points = indicators_scaled(p->online_max, share, p->online_full);
	return true;
}

/* max × num / den, max when den <= 0 (returns whether den > 0); num is
 * clamped into [0, den] so a count cannot score beyond the maximum. */
static bool indicators_share_points(double max, int64_t num, int64_t den, double *points)
{
	double share;
	if (!indicators_rate(num < 0 ? 0 : num > den ? den : num, den, &share)) {
		*points = max;
		return false;
	}
	*points = max * share;
	return true;
}

bool indicators_766_feedback_on_time(const struct indicators_766_params *p, int64_t on_time,
                                     int64_t ended, int64_t open_late, double *points)
{
	return indicators_share_points(p->feedback_on_time_max, on_time, ended + open_late, points);
}

bool indicators_766_feedback_satisfaction(const struct indicators_766_params *p, int64_t satisfied,
                                          int64_t ended, int64_t open_late, double *points)
{
	return indicators_share_points(p->feedback_satisfaction_max, satisfied, ended + open_late,
	                               points);
}

bool indicators_service_level(int64_t within, int64_t called, double *out)
{
	return indicators_rate(within, called, out);
}

bool indicators_no_show_rate(int64_t no_shows, int64_t called, double *out)
{
	return indicators_rate(no_shows, called, out);
}

double indicators_erlang_load(double lambda, double service_s)
{
	if (lambda <= 0 || service_s <= 0)
		return 0;
	return lambda * service_s;
}

double indicators_erlang_c(double a, int c)
{
	if (a <= 0)
		return 0;
	if (c <= 0 || (double)c <= a)
		return 1;
	/* Erlang B by its stable recurrence, then C from B. */
	double b = 1;
	for (int k = 1; k <= c; k++)
		b = a * b / ((double)k + a * b);
	return (double)c * b / ((double)c - a * (1 - b));
}

double indicators_erlang_within(double a, int c, double service_s, double t)
{
	if (a <= 0)
		return 1;
	if (c <= 0 || (double)c <= a || service_s <= 0)
		return 0;
	double pw = indicators_erlang_c(a, c);
	return 1 - pw * exp(-((double)c - a) * t / service_s);
}

int indicators_erlang_counters(double a, double service_s, double t, double target, int max_c)
{
	if (a <= 0)
		return 0;
	for (int c = (int)floor(a) + 1; c <= max_c; c++)
		if (indicators_erlang_within(a, c, service_s, t) >= target)
			return c < 1 ? 1 : c;
	return max_c + 1;
}

double indicators_round(double v, int decimals)
{
	if (isnan(v) || isinf(v))
		return NAN;
	double f = pow(10, decimals);
	return round(v * f) / f;
}

bool indicators_on_time_share_truncated(int64_t on_time, int64_t finished, double *out)
{
	if (finished <= 0) {
		*out = NAN;
		return false;
	}
	*out = (double)(on_time * 10000 / finished) / 10000.0;
	return true;
}

void indicators_day_span(const int *start, const int *end, int n, int *first, int *last)
{
	*first = 7 * 3600, *last = 17 * 3600;
	int lo = 24 * 3600, hi = 0;
	for (int i = 0; i < n; i++) {
		if (start[i] < lo)
			lo = start[i];
		if (end[i] > hi)
			hi = end[i];
	}
	if (hi > lo) {
		*first = lo / INDICATORS_SLOT_SECONDS * INDICATORS_SLOT_SECONDS;
		*last = (hi - 1) / INDICATORS_SLOT_SECONDS * INDICATORS_SLOT_SECONDS;
	}
}

void indicators_staffing_slot(int64_t arrivals, int64_t served, int64_t service_sum,
                              double day_mean_s, double t_seconds, double target,
                              struct indicators_staffing_figures *out)
{
	/* A slot with few services borrows the day's mean service time. */
	double mean = served >= 3 ? (double)service_sum / (double)served : day_mean_s;
	double lambda = (double)arrivals / INDICATORS_SLOT_SECONDS;
	out->mean_service_s = mean;
	out->load = indicators_erlang_load(lambda, mean);
	out->needed = indicators_erlang_counters(out->load, mean, t_seconds, target, 60);
	out->p_wait = out->needed > 0 ? indicators_erlang_c(out->load, out->needed) : NAN;
	out->within = out->needed > 0
	                  ? indicators_erlang_within(out->load, out->needed, mean, t_seconds)
	                  : NAN;
}

static const char *const ind_by_names[] = {"office", "procedure", "field", "clerk", "counter"};

bool indicators_by_parse(const char *s, enum indicators_by *out)
{
	for (int i = 0; s && i < 5; i++)
		if (strcmp(s, ind_by_names[i]) == 0) {
			*out = (enum indicators_by)i;
			return true;
		}
	return false;
}

const char *indicators_by_name(enum indicators_by by)
{
	return ind_by_names[by];
}

bool indicators_period_parse(const char *period, char from[11], char to[11], char *label,
                             size_t label_len)
{
	static const char *const roman[] = {"I", "II", "III", "IV"};
	int y, n = 0, m1, m2;
	char kind = 0, tail;
	if (period == NULL || strlen(period) > 10)
		return false;
	if (sscanf(period, "%4d%c", &y, &tail) == 1 && strlen(period) == 4) {
		m1 = 1, m2 = 12;
		snprintf(label, label_len, "Năm %d", y);
	} else if (sscanf(period, "%4d-Q%1d%c", &y, &n, &tail) == 2 && strlen(period) == 7 &&
	           n >= 1 && n <= 4) {
		m1 = 3 * n - 2, m2 = 3 * n;
		snprintf(label, label_len, "Quý %s năm %d", roman[n - 1], y);
	} else if (sscanf(period, "%4d-H%1d%c", &y, &n, &tail) == 2 && strlen(period) == 7 &&
	           n >= 1 && n <= 2) {
		m1 = n == 1 ? 1 : 7, m2 = n == 1 ? 6 : 12;
		snprintf(label, label_len, "%s năm %d", n == 1 ? "6 tháng đầu" : "6 tháng cuối", y);
	} else if (sscanf(period, "%4d-9%c%c", &y, &kind, &tail) == 2 && kind == 'M' &&
	           strlen(period) == 7) {
		m1 = 1, m2 = 9;
		snprintf(label, label_len, "9 tháng năm %d", y);
	} else if (sscanf(period, "%4d-%2d%c", &y, &n, &tail) == 2 && strlen(period) == 7 &&
	           n >= 1 && n <= 12) {
		m1 = m2 = n;
		snprintf(label, label_len, "Tháng %d năm %d", n, y);
	} else {
		return false;
	}
	if (y < 2000 || y > 2100)
		return false;
	snprintf(from, 11, "%04d-%02d-01", y, m1);
	snprintf(to, 11, "%04d-%02d-%02d", y, m2, civil_days_in_month(y, m2));
	return true;
}

bool indicators_open_late(int64_t due, int64_t paused, int64_t at)
{
	/* dossier_is_late as the dossier stood at `at`: a pause after it had
	 * not happened yet. */
	struct dossier_times t = {.status = DS_IN_PROCESS,
	                          .due_at = due,
	                          .paused_at = paused && paused < at ? paused : 0};
	return dossier_is_late(&t, at);
}

void indicators_feedback_judge(struct indicators_feedback_row *r, int64_t start,
                               bool said_not_satisfied, bool repeat_received)
{
	if (r->anonymous)
		return;
	r->ended = r->tm.ended && r->tm.ended_at >= start;
	r->late = r->tm.late;
	r->counted = r->ended || (!r->tm.ended && r->tm.late);
	r->not_satisfied = r->ended && said_not_satisfied;
	r->repeated = r->ended && repeat_received;
	r->satisfied = r->ended && !r->late && !r->not_satisfied && !r->repeated;
}

void indicators_feedback_add(struct indicators_feedback *g, const struct indicators_feedback_row *r)
{
	if (r->in_period && r->anonymous)
		g->anonymous++;
	if (r->in_period && !r->anonymous) {
		g->received++;
		if (r->cls >= 0)
			g->by_class[r->cls]++;
		if (r->channel >= 0)
			g->by_channel[r->channel]++;
	}
	if (!r->counted)
		return;
	if (r->ended) {
		g->ended++;
		g->on_time += !r->late;
		g->satisfied += r->satisfied;
		g->not_satisfied += r->not_satisfied;
		g->repeated += r->repeated;
		if (r->decision && strcmp(r->decision, "reject") == 0)
			g->rejected++;
		else if (r->decision && strcmp(r->decision, "forward") == 0)
			g->forwarded++;
		else if (r->published)
			g->published++;
		else
			g->answered++;
	} else {
		g->open_late++;
	}
	g->late += r->ended && r->late;
	for (int i = 0; i < FEEDBACK_STEPS; i++)
		g->late_step[i] +=
		    r->tm.step[i] == FEEDBACK_STEP_LATE || r->tm.step[i] == FEEDBACK_STEP_OVERDUE;
}
