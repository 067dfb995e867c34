#include "domain/indicators.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
