/* The indicators of a period, counted on the store (dossiers, queue visits,
 * ratings) and put through the formulas of domain/indicators.h. Read-only:
 * nothing here changes the database. docs/indicators.md describes every
 * figure; docs/api.md the JSON. */
#ifndef MOTCUA_STORE_INDICATORS_H
#define MOTCUA_STORE_INDICATORS_H

#include <jansson.h>
#include <stdint.h>

#include "domain/principal.h"
#include "store/store.h"

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

/* The indicators of office dates from..to (inclusive; the instants
 * [from 00:00, to+1 00:00) in office time) of one unit, grouped by `by`, as
 * the JSON of GET /api/v1/indicators: {"period","office","by","dossiers",
 * "queue","satisfaction","score_766","plan"}. The unit is the office with
 * code `office` (NULL: who's own office, the whole province for a
 * province-wide principal): a centre or point counts the dossiers it
 * received and its queue; any other office the dossiers it is competent for
 * (dossiers.authority_id in its subtree) and the queue of the halls below
 * it; the province everything. Every scan tests who's scope in SQL (who
 * NULL: the server, everything). MC_ERR_NOT_FOUND ("office_not_found") when
 * the office does not exist or lies outside who's scope; MC_ERR_INVALID
 * ("invalid_period") for a malformed or reversed period or one longer than
 * 3 years. The caller frees *out. */
enum mc_err store_indicators(struct store *st, const struct principal *who, const char *office,
                             const char *from, const char *to, enum indicators_by by, json_t **out,
                             struct mc_error *err);

/* store_indicators counted by scanning the rows themselves instead of the
 * maintained figures (store/figures.h): the reference the figures must
 * equal (GET /api/v1/indicators?source=scan, tests). Same errors. */
enum mc_err store_indicators_scan(struct store *st, const struct principal *who, const char *office,
                                  const char *from, const char *to, enum indicators_by by,
                                  json_t **out, struct mc_error *err);

/* Staffing of one office date for the same unit as store_indicators: per
 * 30-minute period of the office day, arrivals, mean service time, the
 * counters Erlang C says are needed to call service_level_target_percent of
 * arrivals within service_level_minutes, and the counters that served then.
 * MC_ERR_INVALID ("invalid_date"), MC_ERR_NOT_FOUND ("office_not_found"). */
enum mc_err store_indicators_staffing(struct store *st, const struct principal *who,
                                      const char *office, const char *date, json_t **out,
                                      struct mc_error *err);

#endif
