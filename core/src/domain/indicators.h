/* The indicators the office is judged by (DOMAIN.md "What the plan's
 * indicators need from the data", "Queue measures"): every formula written
 * once, here. Pure functions of counts and durations: no I/O, no clock. The
 * store counts (store/indicators.h); docs/indicators.md states each formula
 * in words and says why each denominator was chosen.
 *
 * A figure that has no data (a rate over zero items, a score over no rated
 * dossier) is reported as "absent" (false / NAN), never as 0: an office with
 * no ratings has not scored 0 on satisfaction. */
#ifndef MOTCUA_DOMAIN_INDICATORS_H
#define MOTCUA_DOMAIN_INDICATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/feedback.h"

/* ---- what a query asks ---------------------------------------------------- */

enum indicators_by {
	IND_BY_OFFICE,    /* units of the province (docs/indicators.md "By unit") */
	IND_BY_PROCEDURE, /* the procedure's code */
	IND_BY_FIELD,     /* the procedure's field (lĩnh vực) */
	IND_BY_CLERK,     /* who received the dossier; who served the visit */
	IND_BY_COUNTER,   /* the counter of the dossier's ticket; of the visit */
};
/* Parses "office", "procedure", "field", "clerk", "counter". */
bool indicators_by_parse(const char *s, enum indicators_by *out);
const char *indicators_by_name(enum indicators_by by);

/* Parses a report period: "2026" (year), "2026-H1"/"2026-H2", "2026-9M"
 * (January to September), "2026-Q1".."Q4", "2026-03" (month), into office
 * dates from and to (inclusive, YYYY-MM-DD) and a Vietnamese label
 * ("Quý I năm 2026"). false when malformed. */
bool indicators_period_parse(const char *period, char from[11], char to[11], char *label,
                             size_t label_len);

/* num / den into *out (0..1 for a share). Returns false (and *out = NAN)
 * when den <= 0: no data. */
bool indicators_rate(int64_t num, int64_t den, double *out);

/* The p-quantile (0 <= p <= 1) of n sorted values, by linear interpolation
 * between the closest ranks (h = (n-1)p; the "type 7" of R and numpy's
 * default): the median of {1,2,3,4} is 2.5, its p90 3.7. NAN when n == 0. */
double indicators_quantile(const int64_t *sorted, size_t n, double p);

/* Sorts v[0..n) ascending (in place). */
void indicators_sort(int64_t *v, size_t n);

/* Count, mean, median and 90th percentile of a set of durations. */
struct indicators_summary {
	int64_t n;
	double mean, median, p90; /* NAN when n == 0 */
};
/* Summarizes v[0..n), sorting it in place; scale divides every value (e.g.
 * working seconds per working day, or 60 for minutes). */
struct indicators_summary indicators_summarize(int64_t *v, size_t n, double scale);
/* indicators_summarize of v[0..n), the same numbers (the sum of integers
 * below 2^53 is exact in any order), by counting when the values span a
 * small range (durations in seconds: a quarter's waits span an hour or
 * two, not a million values) instead of sorting them. v may be reordered
 * (not sorted). */
struct indicators_summary indicators_summarize_unsorted(int64_t *v, size_t n, double scale);

/* ---- dossiers open at an instant ---------------------------------------- */

/* Whether a dossier open at instant at (with due instant due, paused at
 * paused, 0 if not paused) counts as late: it is judged at its pause when
 * it was paused before at, else at; late when that instant is past due
 * (domain/dossier.h dossier_is_late as the dossier stood at `at`). The
 * same rule as the SQL of store/ops_figures.c (motcua_dossiers_late). */
bool indicators_open_late(int64_t due, int64_t paused, int64_t at);

/* ---- Decision 766/QĐ-TTg (2022): the parts this system's data covers ----- */

/* Maxima and thresholds; the defaults (indicators_766_default) follow the
 * national portal as DOMAIN.md observed it [verify]: processing on time 20,
 * satisfaction 6 (full at 90 % satisfied), online share 4 (full at 50 %). */
struct indicators_766_params {
	double on_time_max;       /* 20 */
	double satisfaction_max;  /* 6 */
	double satisfaction_full; /* 0.90 */
	double online_max;        /* 4 [verify] */
	double online_full;       /* 0.50 */
	/* The PAKN parts of the satisfaction group (docs/feedback.md). */
	double feedback_on_time_max;      /* 6 */
	double feedback_satisfaction_max; /* 6 */
};
void indicators_766_default(struct indicators_766_params *p);

/* Processing on time: max × (early + on_time) / decided, where decided =
 * dossiers finished in the period (early + on time + late) + dossiers open
 * and already late at the period's end. False (no score) when decided == 0. */
bool indicators_766_on_time(const struct indicators_766_params *p, int64_t early, int64_t on_time,
                            int64_t late, int64_t open_late, double *points);

/* Satisfaction: share = satisfied / rated; full marks at share >=
 * satisfaction_full, else max × share / satisfaction_full (linear below the
 * threshold). False when rated == 0 (nobody rated: no score). */
bool indicators_766_satisfaction(const struct indicators_766_params *p, int64_t satisfied,
                                 int64_t rated, double *points);

/* Online share of submissions: max × min(1, share / online_full), share =
 * online / received. False when received == 0. */
bool indicators_766_online(const struct indicators_766_params *p, int64_t online, int64_t received,
                           double *points);

/* Feedback (PAKN) handled on time: max × on_time / counted, where counted
 * = PAKN whose handling ended in the period (ended) + PAKN open at its end
 * and already late on some step (open_late); on_time = the ended ones with
 * no step late. Anonymous reports are never counted. No counted PAKN: full
 * marks (max), and false is returned (the part had no data); true
 * otherwise. *points is always set. */
bool indicators_766_feedback_on_time(const struct indicators_766_params *p, int64_t on_time,
                                     int64_t ended, int64_t open_late, double *points);

/* Satisfaction with the handling of feedback: max × satisfied / counted
 * (counted as above; satisfied = ended, no step late, the sender did not
 * say not_satisfied, and no later feedback repeats it). No counted PAKN:
 * max, false returned; true otherwise. *points is always set. */
bool indicators_766_feedback_satisfaction(const struct indicators_766_params *p, int64_t satisfied,
                                          int64_t ended, int64_t open_late, double *points);

/* ---- the feedback figures (docs/feedback.md "Where each number comes
 * from") ----------------------------------------------------------------- */

/* Feedback figures of a group. received, by_class, by_channel: PAKN
 * received in the period; anonymous: anonymous reports received in it (a
 * count, nothing else). ended..late_step: the counted PAKN (ended in the
 * period + open_late). key: the group's key, set by the caller. */
struct indicators_feedback {
	char key[64];
	int64_t received, anonymous, by_class[4], by_channel[6];
	int64_t ended, on_time, late, open_late, satisfied, not_satisfied, repeated;
	int64_t rejected, forwarded, published, answered;
	int64_t late_step[FEEDBACK_STEPS];
};

/* One feedback as the period's figures see it at ref, the instant they are
 * counted at. The caller sets the first block; indicators_feedback_judge
 * the second. */
struct indicators_feedback_row {
	bool anonymous;            /* an anonymous report: no clock, never counted */
	bool in_period;            /* received in [start, ref) */
	int cls, channel;          /* index of its class, channel; -1 none */
	const char *decision;      /* "reject", "forward", or NULL */
	bool published;            /* published before ref */
	struct feedback_timing tm; /* feedback_timing at ref (PAKN only) */
	/* judged: */
	bool counted;       /* for the 766 parts: ended in the period, or open and late */
	bool ended;         /* handling ended in [start, ref) */
	bool late;          /* some step late */
	bool not_satisfied; /* ended, and the sender said not_satisfied before ref */
	bool repeated;      /* ended, and a feedback received before ref repeats it */
	bool satisfied;     /* ended, no step late, not not_satisfied, not repeated */
};

/* Judges r (a PAKN; nothing for an anonymous report, which stays not
 * counted) for a period starting at start, from r->tm and what the sender
 * did before ref: said not_satisfied (said_not_satisfied), or sent a
 * feedback linked as a repeat of it (repeat_received). */
void indicators_feedback_judge(struct indicators_feedback_row *r, int64_t start,
                               bool said_not_satisfied, bool repeat_received);

/* Adds the judged r to g: received, anonymous, by_class and by_channel when
 * received in the period; the counted figures (ended, on_time, late,
 * open_late, satisfied, not_satisfied, repeated, how it ended: rejected,
 * forwarded, published, else answered; late_step per step LATE or
 * OVERDUE) when counted. */
void indicators_feedback_add(struct indicators_feedback *g,
                             const struct indicators_feedback_row *r);

/* ---- the queue ---------------------------------------------------------- */

/* Service level: share of called tickets whose wait was at most T.
 * No-show rate: tickets whose last visit ended no_show / tickets called.
 * Both are indicators_rate of the counts; named here for the docs. */
bool indicators_service_level(int64_t within, int64_t called, double *out);
bool indicators_no_show_rate(int64_t no_shows, int64_t called, double *out);

/* Erlang C for one period: arrivals at rate lambda (per second), mean service
 * time service_s (seconds), c counters. The offered load is A = lambda ×
 * service_s (erlangs). */
double indicators_erlang_load(double lambda, double service_s);
/* P(wait > 0) with c counters and load A; 1 when c <= A (the line grows
 * without bound), 0 when A <= 0. A=2, c=3 gives 4/9. */
double indicators_erlang_c(double a, int c);
/* Share of arrivals called within t seconds: 1 − P(wait)·e^{−(c−A)·t/S};
 * 0 when c <= A; 1 when A <= 0. */
double indicators_erlang_within(double a, int c, double service_s, double t);
/* The fewest counters (1..max_c) whose share within t reaches target (0..1);
 * 0 when A <= 0 (no one comes); max_c + 1 when even max_c cannot. */
int indicators_erlang_counters(double a, double service_s, double t, double target, int max_c);

/* ---- rounding and the public page ------------------------------------- */

/* v rounded half away from zero to `decimals` decimals (0.123456, 4 gives
 * 0.1235). NAN when v is NaN or infinite: a figure without data. */
double indicators_round(double v, int decimals);

/* The share of dossiers finished on time for the public page: on_time /
 * finished truncated (not rounded) to four decimals, 5 of 6 gives 0.8333
 * (83.33 %). False (*out = NAN) when nothing was finished. */
bool indicators_on_time_share_truncated(int64_t on_time, int64_t finished, double *out);

/* ---- the office day in half hours -------------------------------------- */

#define INDICATORS_SLOT_SECONDS 1800

/* The office day's first and last half-hour slot start (seconds after
 * midnight) from its n sessions [start[i], end[i]) (seconds after
 * midnight): the slot holding the earliest start and the one holding the
 * last second of the latest end. With no session (or none of positive
 * length overall), 07:00 and 17:00. */
void indicators_day_span(const int *start, const int *end, int n, int *first, int *last);

/* Staffing of one half-hour slot (GET /api/v1/indicators/staffing). */
struct indicators_staffing_figures {
	double mean_service_s; /* the slot's mean service time, seconds */
	double load;           /* offered load, erlangs */
	int needed;            /* counters needed (indicators_erlang_counters, up to 60) */
	double p_wait, within; /* Erlang C at needed; NAN when needed == 0 */
};
/* A slot with arrivals and served services of total service_sum seconds:
 * the mean service time is the slot's own with 3 services or more, else
 * day_mean_s (the day's, or the configured default); the counters needed
 * to call target (0..1) of arrivals within t_seconds. */
void indicators_staffing_slot(int64_t arrivals, int64_t served, int64_t service_sum,
                              double day_mean_s, double t_seconds, double target,
                              struct indicators_staffing_figures *out);

#endif
