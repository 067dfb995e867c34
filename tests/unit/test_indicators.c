/* Unit tests of the indicator formulas (domain/indicators.h), each answer
 * worked out by hand: the 766 parts at their bounds, quantiles, Erlang C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <math.h>

#include "domain/indicators.h"

#define EPS 1e-9

static void test_rate_and_quantiles(void **state)
{
	(void)state;
	double r;
	assert_false(indicators_rate(0, 0, &r));
	assert_true(isnan(r));
	assert_true(indicators_rate(1, 4, &r));
	assert_float_equal(r, 0.25, EPS);

	int64_t v[] = {4, 1, 3, 2};
	struct indicators_summary s = indicators_summarize(v, 4, 1);
	assert_int_equal(s.n, 4);
	assert_float_equal(s.mean, 2.5, EPS);
	assert_float_equal(s.median, 2.5, EPS); /* between 2 and 3 */
	assert_float_equal(s.p90, 3.7, EPS);    /* h = 3 × 0.9 = 2.7: 3 + 0.7 × 1 */

	int64_t one[] = {27000};
	s = indicators_summarize(one, 1, 27000); /* one working day */
	assert_float_equal(s.median, 1, EPS);
	assert_float_equal(s.p90, 1, EPS);

	s = indicators_summarize(NULL, 0, 1);
	assert_int_equal(s.n, 0);
	assert_true(isnan(s.mean) && isnan(s.median) && isnan(s.p90));

	/* 1..10: median 5.5, p90 at h = 8.1: 9 + 0.1 = 9.1. */
	int64_t ten[10];
	for (int i = 0; i < 10; i++)
		ten[i] = 10 - i;
	s = indicators_summarize(ten, 10, 1);
	assert_float_equal(s.median, 5.5, EPS);
	assert_float_equal(s.p90, 9.1, EPS);
}

/* A large set sorts as qsort would, negatives, duplicates and values
 * past 32 bits included (the radix path), and a small one too. */
static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void test_sort(void **state)
{
	(void)state;
	enum { N = 50000 };
	static int64_t a[N], b[N];
	uint64_t r = 88172645463325252u;
	for (size_t i = 0; i < N; i++) {
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		int64_t x = (int64_t)(r % 100000) - 1000; /* mostly durations, some negative */
		if (i % 97 == 0)
			x = (int64_t)r; /* any 64-bit value */
		if (i % 5 == 0)
			x = 42;
		a[i] = b[i] = x;
	}
	indicators_sort(a, N);
	qsort(b, N, sizeof *b, cmp64);
	assert_memory_equal(a, b, sizeof a);
	int64_t small[] = {5, -1, 3, 3, 0};
	indicators_sort(small, 5);
	assert_int_equal(small[0], -1);
	assert_int_equal(small[4], 5);
	int64_t same[3000];
	for (size_t i = 0; i < 3000; i++)
		same[i] = 7;
	indicators_sort(same, 3000);
	assert_int_equal(same[2999], 7);
	struct indicators_summary s = indicators_summarize(a, N, 1);
	assert_true(s.median == (double)b[N / 2 - 1] + 0.5 * (double)(b[N / 2] - b[N / 2 - 1]));
}

static void test_766_on_time(void **state)
{
	(void)state;
	struct indicators_766_params p;
	indicators_766_default(&p);
	double pts;
	/* Nothing decided: no score, not zero. */
	assert_false(indicators_766_on_time(&p, 0, 0, 0, 0, &pts));
	assert_true(isnan(pts));
	/* All on time: 20. */
	assert_true(indicators_766_on_time(&p, 3, 7, 0, 0, &pts));
	assert_float_equal(pts, 20, EPS);
	/* 1 early + 2 on time, 1 late finished, 1 open late: 20 × 3/5 = 12. */
	assert_true(indicators_766_on_time(&p, 1, 2, 1, 1, &pts));
	assert_float_equal(pts, 12, EPS);
	/* Only late files: 0. */
	assert_true(indicators_766_on_time(&p, 0, 0, 2, 3, &pts));
	assert_float_equal(pts, 0, EPS);
}

static void test_766_satisfaction(void **state)
{
	(void)state;
	struct indicators_766_params p;
	indicators_766_default(&p);
	double pts;
	/* No ratings at all: no score. */
	assert_false(indicators_766_satisfaction(&p, 0, 0, &pts));
	assert_true(isnan(pts));
	/* Exactly 90 %: full 6 points. */
	assert_true(indicators_766_satisfaction(&p, 9, 10, &pts));
	assert_float_equal(pts, 6, EPS);
	/* 100 %: still 6 (capped). */
	assert_true(indicators_766_satisfaction(&p, 5, 5, &pts));
	assert_float_equal(pts, 6, EPS);
	/* 45 %: half the threshold, half the points: 3. */
	assert_true(indicators_766_satisfaction(&p, 9, 20, &pts));
	assert_float_equal(pts, 3, EPS);
	/* 89 of 100: 6 × 0.89 / 0.9 = 5.9333… */
	assert_true(indicators_766_satisfaction(&p, 89, 100, &pts));
	assert_float_equal(pts, 6 * 0.89 / 0.9, EPS);
	/* Nobody satisfied: 0. */
	assert_true(indicators_766_satisfaction(&p, 0, 4, &pts));
	assert_float_equal(pts, 0, EPS);
}

static void test_766_online(void **state)
{
	(void)state;
	struct indicators_766_params p;
	indicators_766_default(&p);
	double pts;
	assert_false(indicators_766_online(&p, 0, 0, &pts));
	assert_true(indicators_766_online(&p, 0, 10, &pts));
	assert_float_equal(pts, 0, EPS);
	assert_true(indicators_766_online(&p, 5, 10, &pts)); /* exactly 50 %: full */
	assert_float_equal(pts, p.online_max, EPS);
	assert_true(indicators_766_online(&p, 1, 4, &pts)); /* 25 %: half */
	assert_float_equal(pts, p.online_max / 2, EPS);
	assert_true(indicators_766_online(&p, 9, 10, &pts));
	assert_float_equal(pts, p.online_max, EPS);
}

static void test_queue_rates(void **state)
{
	(void)state;
	double r;
	assert_false(indicators_service_level(0, 0, &r));
	assert_true(indicators_service_level(3, 4, &r));
	assert_float_equal(r, 0.75, EPS);
	assert_true(indicators_no_show_rate(1, 5, &r));
	assert_float_equal(r, 0.2, EPS);
}

static void test_erlang(void **state)
{
	(void)state;
	/* 12 arrivals an hour, 10 minutes each: A = 12/3600 × 600 = 2 erlangs. */
	double a = indicators_erlang_load(12.0 / 3600, 600);
	assert_float_equal(a, 2, EPS);
	/* A=2, c=3: B(3) = 4/19, C = 3B / (3 − 2(1 − B)) = 4/9. */
	assert_float_equal(indicators_erlang_c(2, 3), 4.0 / 9, 1e-12);
	/* A=1, c=2: C = 1/3 (textbook). */
	assert_float_equal(indicators_erlang_c(1, 2), 1.0 / 3, 1e-12);
	/* A=1, c=1 or fewer: the line never empties. */
	assert_float_equal(indicators_erlang_c(1, 1), 1, EPS);
	assert_float_equal(indicators_erlang_c(0, 3), 0, EPS);
	/* Within T: 1 − 4/9 × e^{−(3−2)×600/600} = 1 − 0.4444 × 0.36788 = 0.836497. */
	assert_float_equal(indicators_erlang_within(2, 3, 600, 600), 1 - 4.0 / 9 * exp(-1), 1e-12);
	assert_float_equal(indicators_erlang_within(2, 2, 600, 600), 0, EPS);
	assert_float_equal(indicators_erlang_within(0, 1, 600, 600), 1, EPS);
	/* Target 80 % within 10 minutes at A=2, S=600: c=3 gives 0.8365. */
	assert_int_equal(indicators_erlang_counters(2, 600, 600, 0.8, 50), 3);
	/* Target 90 %: c=3 is short (0.8365); c=4: C(2,4) = 4/23, 1 − 4/23 e^{−2} = 0.97646. */
	assert_float_equal(indicators_erlang_c(2, 4), 4.0 / 23, 1e-12);
	assert_int_equal(indicators_erlang_counters(2, 600, 600, 0.9, 50), 4);
	assert_int_equal(indicators_erlang_counters(0, 600, 600, 0.9, 50), 0);
	assert_int_equal(indicators_erlang_counters(100, 600, 600, 0.9, 10), 11);
}

static void test_766_feedback(void **state)
{
	(void)state;
	struct indicators_766_params p;
	indicators_766_default(&p);
	assert_float_equal(p.feedback_on_time_max, 6, EPS);
	assert_float_equal(p.feedback_satisfaction_max, 6, EPS);
	double pts = -1;
	/* No counted PAKN: full marks, and no data said. */
	assert_false(indicators_766_feedback_on_time(&p, 0, 0, 0, &pts));
	assert_float_equal(pts, 6, EPS);
	pts = -1;
	assert_false(indicators_766_feedback_satisfaction(&p, 0, 0, 0, &pts));
	assert_float_equal(pts, 6, EPS);
	/* 10 ended, 6 of them on time, 2 open and late: 6 × 6/12 = 3. */
	assert_true(indicators_766_feedback_on_time(&p, 6, 10, 2, &pts));
	assert_float_equal(pts, 3, EPS);
	/* 4 satisfied of 12 counted: 6 × 4/12 = 2 (linear, no threshold). */
	assert_true(indicators_766_feedback_satisfaction(&p, 4, 10, 2, &pts));
	assert_float_equal(pts, 2, EPS);
	/* Only open late ones: 0 points. */
	assert_true(indicators_766_feedback_on_time(&p, 0, 0, 3, &pts));
	assert_float_equal(pts, 0, EPS);
	assert_true(indicators_766_feedback_satisfaction(&p, 0, 0, 3, &pts));
	assert_float_equal(pts, 0, EPS);
	/* All on time and satisfied: the maximum. */
	assert_true(indicators_766_feedback_on_time(&p, 5, 5, 0, &pts));
	assert_float_equal(pts, 6, EPS);
	/* A count beyond the counted is clamped, never above the maximum. */
	assert_true(indicators_766_feedback_satisfaction(&p, 9, 5, 0, &pts));
	assert_float_equal(pts, 6, EPS);
	/* The maxima are parameters (setting score_766). */
	p.feedback_on_time_max = 10;
	p.feedback_satisfaction_max = 3;
	assert_true(indicators_766_feedback_on_time(&p, 1, 3, 1, &pts));
	assert_float_equal(pts, 2.5, EPS);
	assert_false(indicators_766_feedback_satisfaction(&p, 0, 0, 0, &pts));
	assert_float_equal(pts, 3, EPS);
}

/* Rounding for the JSON, and the public page's truncated share. */
static void test_round_and_public_share(void **state)
{
	(void)state;
	assert_float_equal(indicators_round(0.123456, 4), 0.1235, EPS);
	assert_float_equal(indicators_round(2.345, 1), 2.3, EPS);
	assert_float_equal(indicators_round(-1.25, 1), -1.3, EPS); /* half away from zero */
	assert_true(isnan(indicators_round(NAN, 2)));
	assert_true(isnan(indicators_round(INFINITY, 2)));
	double r;
	assert_false(indicators_on_time_share_truncated(0, 0, &r));
	assert_true(isnan(r));
	assert_true(indicators_on_time_share_truncated(5, 6, &r));
	assert_float_equal(r, 0.8333, EPS); /* truncated, not 0.8334 */
	assert_true(indicators_on_time_share_truncated(2, 3, &r));
	assert_float_equal(r, 0.6666, EPS);
	assert_true(indicators_on_time_share_truncated(3, 3, &r));
	assert_float_equal(r, 1, EPS);
}

/* The counting summary gives the sorting one's numbers, on a spread that
 * counts (narrow range) and on one that falls back (wide range). */
static void test_summarize_unsorted(void **state)
{
	(void)state;
	enum { N = 5000 };
	static int64_t a[N], b[N];
	uint64_t seed = 12345;
	for (int wide = 0; wide < 2; wide++) {
		for (int i = 0; i < N; i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			a[i] = b[i] = (int64_t)((seed >> 33) % (wide ? 100000000u : 3600u)) - 60;
		}
		struct indicators_summary s1 = indicators_summarize(a, N, 60);
		struct indicators_summary s2 = indicators_summarize_unsorted(b, N, 60);
		assert_int_equal(s1.n, s2.n);
		assert_float_equal(s1.mean, s2.mean, 1e-9);
		assert_float_equal(s1.median, s2.median, 1e-12);
		assert_float_equal(s1.p90, s2.p90, 1e-12);
	}
	/* Few values: the plain way; none: no data. */
	int64_t few[] = {3, 1, 2};
	struct indicators_summary s = indicators_summarize_unsorted(few, 3, 1);
	assert_float_equal(s.median, 2, EPS);
	s = indicators_summarize_unsorted(NULL, 0, 1);
	assert_true(isnan(s.mean));
}

/* The office day's half-hour span from its sessions. */
static void test_day_span(void **state)
{
	(void)state;
	int first, last;
	indicators_day_span(NULL, NULL, 0, &first, &last);
	assert_int_equal(first, 7 * 3600);
	assert_int_equal(last, 17 * 3600);
	/* 07:30-11:30 and 13:30-17:00: slots 07:30 .. 16:30. */
	int start[] = {7 * 3600 + 1800, 13 * 3600 + 1800}, end[] = {11 * 3600 + 1800, 17 * 3600};
	indicators_day_span(start, end, 2, &first, &last);
	assert_int_equal(first, 7 * 3600 + 1800);
	assert_int_equal(last, 16 * 3600 + 1800);
	/* 07:10-17:05: from the 07:00 slot to the 17:00 one. */
	int s2[] = {7 * 3600 + 600}, e2[] = {17 * 3600 + 300};
	indicators_day_span(s2, e2, 1, &first, &last);
	assert_int_equal(first, 7 * 3600);
	assert_int_equal(last, 17 * 3600);
}

/* A staffing slot: its own mean service time from 3 services, else the
 * day's; the counters Erlang C asks for. */
static void test_staffing_slot(void **state)
{
	(void)state;
	struct indicators_staffing_figures f;
	/* 2 services: the day's mean (600 s); 6 arrivals in 30 min at 600 s
	 * each: A = 6 / 1800 × 600 = 2 erlangs. */
	indicators_staffing_slot(6, 2, 100, 600, 900, 0.8, &f);
	assert_float_equal(f.mean_service_s, 600, EPS);
	assert_float_equal(f.load, 2, EPS);
	assert_true(f.needed >= 3);
	assert_float_equal(f.p_wait, indicators_erlang_c(2, f.needed), EPS);
	assert_true(f.within >= 0.8);
	/* 3 services of 300 s on average: the slot's own. */
	indicators_staffing_slot(6, 3, 900, 600, 900, 0.8, &f);
	assert_float_equal(f.mean_service_s, 300, EPS);
	assert_float_equal(f.load, 1, EPS);
	/* No one comes: no counter needed, no Erlang figures. */
	indicators_staffing_slot(0, 0, 0, 600, 900, 0.8, &f);
	assert_int_equal(f.needed, 0);
	assert_true(isnan(f.p_wait) && isnan(f.within));
}

/* Report periods and the grouping names. */
static void test_period_and_by(void **state)
{
	(void)state;
	char from[11], to[11], label[80];
	assert_true(indicators_period_parse("2026-Q1", from, to, label, sizeof label));
	assert_string_equal(from, "2026-01-01");
	assert_string_equal(to, "2026-03-31");
	assert_string_equal(label, "Quý I năm 2026");
	assert_true(indicators_period_parse("2024-02", from, to, label, sizeof label));
	assert_string_equal(to, "2024-02-29"); /* a leap year */
	assert_string_equal(label, "Tháng 2 năm 2024");
	assert_true(indicators_period_parse("2026-H2", from, to, label, sizeof label));
	assert_string_equal(from, "2026-07-01");
	assert_string_equal(to, "2026-12-31");
	assert_true(indicators_period_parse("2026-9M", from, to, label, sizeof label));
	assert_string_equal(to, "2026-09-30");
	assert_true(indicators_period_parse("2026", from, to, label, sizeof label));
	assert_string_equal(label, "Năm 2026");
	assert_false(indicators_period_parse("2026-Q5", from, to, label, sizeof label));
	assert_false(indicators_period_parse("2026-13", from, to, label, sizeof label));
	assert_false(indicators_period_parse("1999", from, to, label, sizeof label));
	assert_false(indicators_period_parse(NULL, from, to, label, sizeof label));
	enum indicators_by by;
	assert_true(indicators_by_parse("counter", &by));
	assert_int_equal(by, IND_BY_COUNTER);
	assert_string_equal(indicators_by_name(by), "counter");
	assert_false(indicators_by_parse("desk", &by));
	assert_false(indicators_by_parse(NULL, &by));
}

/* Open at an instant: judged at the pause when paused before it. */
static void test_open_late(void **state)
{
	(void)state;
	assert_false(indicators_open_late(100, 0, 100)); /* at the due: not yet late */
	assert_true(indicators_open_late(100, 0, 101));
	assert_false(indicators_open_late(100, 90, 200));  /* paused before the due */
	assert_true(indicators_open_late(100, 150, 200));  /* paused after it */
	assert_false(indicators_open_late(100, 300, 100)); /* a later pause does not reach back */
	assert_true(indicators_open_late(100, 300, 200));
}

/* A PAKN as the period's figures see it: ended at ended_at (0: open), late
 * or not, with its answer step's verdict. */
static struct indicators_feedback_row fb_row(int64_t ended_at, bool late)
{
	struct indicators_feedback_row r = {.in_period = true, .cls = 1, .channel = 2};
	r.tm.ended = ended_at != 0;
	r.tm.ended_at = ended_at;
	r.tm.late = late;
	r.tm.step[FEEDBACK_STEP_ANSWER] = late ? FEEDBACK_STEP_LATE : FEEDBACK_STEP_ON_TIME;
	return r;
}

/* counted = ended in the period, or open and late; satisfied = ended, on
 * time, no not_satisfied, no repeat. */
static void test_feedback_judge(void **state)
{
	(void)state;
	struct indicators_feedback_row r = fb_row(150, false);
	indicators_feedback_judge(&r, 100, false, false);
	assert_true(r.counted && r.ended && r.satisfied);
	assert_false(r.late || r.not_satisfied || r.repeated);

	r = fb_row(150, false); /* said not satisfied */
	indicators_feedback_judge(&r, 100, true, false);
	assert_true(r.counted && r.not_satisfied);
	assert_false(r.satisfied);

	r = fb_row(150, false); /* repeated by a later feedback */
	indicators_feedback_judge(&r, 100, false, true);
	assert_true(r.counted && r.repeated);
	assert_false(r.satisfied);

	r = fb_row(150, true); /* ended late: counted, not satisfied */
	indicators_feedback_judge(&r, 100, false, false);
	assert_true(r.counted && r.ended && r.late);
	assert_false(r.satisfied);

	r = fb_row(99, false); /* ended before the period: not counted */
	indicators_feedback_judge(&r, 100, true, true);
	assert_false(r.counted || r.ended || r.satisfied || r.not_satisfied || r.repeated);

	r = fb_row(100, false); /* ended at the period's start: in it */
	indicators_feedback_judge(&r, 100, false, false);
	assert_true(r.counted && r.ended);

	r = fb_row(0, false); /* open, on time: not counted yet */
	indicators_feedback_judge(&r, 100, false, false);
	assert_false(r.counted || r.ended);

	r = fb_row(0, true); /* open and late: counted, not ended */
	indicators_feedback_judge(&r, 100, true, true);
	assert_true(r.counted && r.late);
	assert_false(r.ended || r.satisfied || r.not_satisfied || r.repeated);

	r = fb_row(150, false); /* an anonymous report has no clock */
	r.anonymous = true;
	indicators_feedback_judge(&r, 100, false, false);
	assert_false(r.counted || r.ended || r.satisfied);
}

/* The counts of a group, and the 766 parts computed from them. */
static void test_feedback_add(void **state)
{
	(void)state;
	struct indicators_feedback g = {0};
	struct indicators_feedback_row r;

	r = fb_row(150, false); /* answered, satisfied */
	indicators_feedback_judge(&r, 100, false, false);
	indicators_feedback_add(&g, &r);
	r = fb_row(150, true); /* rejected, late */
	r.decision = "reject";
	indicators_feedback_judge(&r, 100, false, false);
	indicators_feedback_add(&g, &r);
	r = fb_row(150, false); /* forwarded */
	r.decision = "forward";
	indicators_feedback_judge(&r, 100, false, false);
	indicators_feedback_add(&g, &r);
	r = fb_row(150, false); /* published, not satisfied */
	r.published = true;
	indicators_feedback_judge(&r, 100, true, false);
	indicators_feedback_add(&g, &r);
	r = fb_row(0, true); /* open and late, received before the period */
	r.in_period = false;
	r.cls = r.channel = -1;
	indicators_feedback_judge(&r, 100, false, false);
	indicators_feedback_add(&g, &r);
	r = fb_row(0, false); /* open, on time: received, not counted */
	r.cls = r.channel = -1;
	indicators_feedback_judge(&r, 100, false, false);
	indicators_feedback_add(&g, &r);
	r = fb_row(0, false); /* an anonymous report in the period */
	r.anonymous = true;
	indicators_feedback_judge(&r, 100, false, false);
	indicators_feedback_add(&g, &r);

	assert_int_equal(g.received, 5);
	assert_int_equal(g.anonymous, 1);
	assert_int_equal(g.by_class[1], 4);
	assert_int_equal(g.by_channel[2], 4);
	assert_int_equal(g.ended, 4);
	assert_int_equal(g.on_time, 3);
	assert_int_equal(g.late, 1);
	assert_int_equal(g.open_late, 1);
	assert_int_equal(g.satisfied, 2);
	assert_int_equal(g.not_satisfied, 1);
	assert_int_equal(g.repeated, 0);
	assert_int_equal(g.rejected, 1);
	assert_int_equal(g.forwarded, 1);
	assert_int_equal(g.published, 1);
	assert_int_equal(g.answered, 1);
	assert_int_equal(g.late_step[FEEDBACK_STEP_ANSWER], 2); /* the late ended + open late */

	struct indicators_766_params p;
	indicators_766_default(&p);
	double pts;
	/* counted = 4 ended + 1 open late; 3 on time of 5 */
	assert_true(indicators_766_feedback_on_time(&p, g.on_time, g.ended, g.open_late, &pts));
	assert_float_equal(pts, 6.0 * 3 / 5, EPS);
	assert_true(
	    indicators_766_feedback_satisfaction(&p, g.satisfied, g.ended, g.open_late, &pts));
	assert_float_equal(pts, 6.0 * 2 / 5, EPS);

	/* No counted PAKN: full marks, no data. */
	struct indicators_feedback none = {0};
	r = fb_row(0, false);
	indicators_feedback_judge(&r, 100, false, false);
	indicators_feedback_add(&none, &r);
	assert_int_equal(none.received, 1);
	assert_int_equal(none.ended + none.open_late, 0);
	assert_false(
	    indicators_766_feedback_on_time(&p, none.on_time, none.ended, none.open_late, &pts));
	assert_float_equal(pts, 6, EPS);
	assert_false(indicators_766_feedback_satisfaction(&p, none.satisfied, none.ended,
	                                                  none.open_late, &pts));
	assert_float_equal(pts, 6, EPS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rate_and_quantiles),
	    cmocka_unit_test(test_766_on_time),
	    cmocka_unit_test(test_766_satisfaction),
	    cmocka_unit_test(test_766_online),
	    cmocka_unit_test(test_766_feedback),
	    cmocka_unit_test(test_queue_rates),
	    cmocka_unit_test(test_erlang),
	    cmocka_unit_test(test_sort),
	    cmocka_unit_test(test_round_and_public_share),
	    cmocka_unit_test(test_summarize_unsorted),
	    cmocka_unit_test(test_day_span),
	    cmocka_unit_test(test_staffing_slot),
	    cmocka_unit_test(test_period_and_by),
	    cmocka_unit_test(test_open_late),
	    cmocka_unit_test(test_feedback_judge),
	    cmocka_unit_test(test_feedback_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
