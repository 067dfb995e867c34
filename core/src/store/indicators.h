/* The indicators of a period, counted on the store (dossiers, queue visits,
 * ratings, feedback, bookings) into the structs below; the formulas of
 * domain/indicators.h turn the counts into rates and scores, and
 * api/present_indicators.h into the JSON of GET /api/v1/indicators.
 * Read-only: nothing here changes the database. docs/indicators.md
 * describes every figure; docs/api.md the JSON.
 *
 * Ownership: every struct below is filled by one store call and freed with
 * the matching _free (names are owned char *; fixed arrays are inline). */
#ifndef MOTCUA_STORE_INDICATORS_H
#define MOTCUA_STORE_INDICATORS_H

#include <stdint.h>

#include "domain/feedback.h"
#include "domain/indicators.h"
#include "domain/principal.h"
#include "store/store.h"

#define IND_MAX_SLOTS 48 /* half hours of an office day */

/* The dossier figures of a group (or of a total). */
struct indicators_dossiers {
	char key[96];
	char *name;    /* display name; NULL in a total */
	char kind[12]; /* by=office: the office's kind, "" unknown */
	int64_t received, online, early, on_time, late, ineligible, withdrawn, cancelled, refused;
	int64_t open_on_time, open_late, apologies, no_supplement, supplements;
	struct indicators_summary processing_days; /* in working days */
};

/* The ratings of a group (satisfaction): level[i] counts
 * indicators_levels[i]. */
struct indicators_ratings {
	char key[96];
	char *name; /* display name; NULL in the total */
	int64_t level[4], rated;
	int64_t on_time_yes, on_time_n, courteous_yes, courteous_n, one_visit, visits_n, visits_sum,
	    unofficial;
};
extern const char *const indicators_levels[4]; /* very_satisfied .. not_satisfied */

/* struct indicators_feedback: domain/indicators.h. Its classes and
 * channels, by index: */
extern const char *const indicators_feedback_classes[4];
extern const char *const indicators_feedback_channels[6];

/* A dossier row of the answer, with what its 766 parts need when
 * has_766 (by=office): its ratings (none: all zero) and its feedback
 * (has_feedback false: feedback does not apply to the unit). */
struct indicators_dossier_row {
	struct indicators_dossiers d;
	bool has_766, has_feedback;
	struct indicators_ratings r;
	struct indicators_feedback f;
};

/* Queue visits of a group (counts and summaries in minutes). */
struct indicators_visits {
	int64_t visits, served, no_show, transferred, removed, open, recalls, within;
	struct indicators_summary wait, service;
};
struct indicators_queue_group {
	char key[96];
	char *name;
	bool has_tickets; /* by=office: tickets issued in the centre's halls */
	int64_t tickets;
	struct indicators_visits v;
};
struct indicators_queue_slot {
	char start[6]; /* "07:00" */
	int64_t arrivals;
	struct indicators_visits v;
};
struct indicators_ticket_group {
	char *code; /* a service group's code */
	int64_t tickets;
};
struct indicators_queue {
	int64_t service_level_minutes;
	struct indicators_visits total;
	int64_t tickets, tickets_voided;
	struct indicators_ticket_group *by_group; /* by code, in service group id order */
	size_t n_by_group;
	enum indicators_by group_by; /* clerk, office or counter */
	struct indicators_queue_group *groups;
	size_t n_groups;
	int n_slots;
	struct indicators_queue_slot slots[IND_MAX_SLOTS];
	/* The heat map: weekday (1 = Monday .. 6 = Saturday) × slot. */
	int64_t heat_arrivals[7][IND_MAX_SLOTS], heat_visits[7][IND_MAX_SLOTS],
	    heat_wait[7][IND_MAX_SLOTS]; /* wait: sum of seconds */
};

/* Bookings of the unit's centres whose slot starts in the period, and the
 * waits of the visits called in the period, [0] walk-ins, [1] booked. */
struct indicators_appointments {
	int64_t booked, cancelled, checked_in_on_time, late, no_show, pending;
	int64_t visits[2], wait_sum[2];
};

/* The whole answer's figures. */
struct indicators_report {
	char from[11], to[11]; /* office dates, inclusive */
	int64_t start, end;    /* the instants [start, end) */
	int64_t ref;           /* as_of: min(end, now + 1 s) */
	int64_t now;
	int64_t working_day_seconds;
	int64_t office; /* the office the answer names, 0 none */
	enum indicators_by by;
	struct indicators_dossier_row *groups; /* by key */
	size_t n_groups;
	struct indicators_dossiers total;
	/* by=office: the receiving centres and their sum (with 766 parts). */
	struct indicators_dossier_row *centres;
	size_t n_centres;
	struct indicators_dossier_row centres_total;
	struct indicators_queue queue;
	struct indicators_ratings ratings; /* the total */
	struct indicators_ratings *rating_groups;
	size_t n_rating_groups;
	bool ratings_per_procedure; /* by office, procedure or field (else anonymous) */
	struct indicators_feedback feedback;
	struct indicators_appointments appointments;
	int64_t procedures_posted, procedures_with_fee;
	char *score_766_setting; /* the setting score_766 (JSON text), NULL unset */
};
void indicators_report_free(struct indicators_report *r);

/* The query: office dates from..to (inclusive; the instants [from 00:00,
 * to+1 00:00) in office time) of one unit, grouped by `by`. The unit is
 * the office with code `office` (NULL: who's own office, the whole
 * province for a province-wide principal): a centre or point counts the
 * dossiers it received and its queue; any other office the dossiers it is
 * competent for (dossiers.authority_id in its subtree) and the queue of
 * the halls below it; the province everything. Every scan tests who's
 * scope in SQL (who NULL: the server, everything). day_first, day_last:
 * the office day's first and last half-hour slot start (seconds after
 * midnight; from the calendar's sessions). */
struct indicators_query {
	const struct principal *who;
	const char *office, *from, *to;
	enum indicators_by by;
	int day_first, day_last;
};

/* Fills *out (the caller frees it with indicators_report_free, also after
 * an error). MC_ERR_NOT_FOUND ("office_not_found") when the office does
 * not exist or lies outside who's scope; MC_ERR_INVALID
 * ("invalid_period") for a malformed or reversed period or one longer than
 * 3 years; a database error. */
enum mc_err store_indicators(struct store *st, const struct indicators_query *q,
                             struct indicators_report *out, struct mc_error *err);

/* store_indicators counted by scanning the rows themselves instead of the
 * maintained figures (store/figures.h): the reference the figures must
 * equal (GET /api/v1/indicators?source=scan, tests). Same errors. */
enum mc_err store_indicators_scan(struct store *st, const struct indicators_query *q,
                                  struct indicators_report *out, struct mc_error *err);

/* Staffing counts of one office date for the unit of q (q->from is the
 * date; to and by unused): per 30-minute slot of the office day, arrivals,
 * services and their durations, and the counters that called someone. */
struct indicators_staffing {
	int64_t office; /* the office the answer names, 0 none */
	int64_t service_level_minutes, target_percent, default_service_seconds;
	int64_t day_served, day_service_sum;
	int n_slots;
	struct indicators_staffing_slot {
		char start[6];
		int64_t arrivals, served, service_sum;
		int counters_open;
	} slots[IND_MAX_SLOTS];
};
/* MC_ERR_INVALID ("invalid_date"), MC_ERR_NOT_FOUND ("office_not_found"),
 * or a database error. */
enum mc_err store_indicators_staffing(struct store *st, const struct indicators_query *q,
                                      struct indicators_staffing *out, struct mc_error *err);

#endif
