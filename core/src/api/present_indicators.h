/* The JSON of GET /api/v1/indicators and /indicators/staffing from the
 * figures of store/indicators.h, put through the formulas of
 * domain/indicators.h. docs/api.md describes the JSON. */
#ifndef MOTCUA_API_PRESENT_INDICATORS_H
#define MOTCUA_API_PRESENT_INDICATORS_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/indicators.h"
#include "store/indicators.h"

/* The 766 maxima: the defaults, overridden by the members of the setting
 * score_766 (JSON text, NULL unset) that are numbers. */
void present_766_params(const char *setting, struct indicators_766_params *out);

/* {"period","office","by","dossiers","queue","satisfaction","score_766",
 * "plan","feedback","appointments"} of r. office: the office the answer
 * names (present_office), or NULL (null); officials: the "officials" of the
 * feedback section (store_feedback_conduct's), NULL: absent. Neither is
 * taken over. A new reference the caller owns. */
json_t *present_indicators(const struct indicators_report *r, const struct indicators_766_params *p,
                           json_t *office, json_t *officials);

/* {"date","office","service_level_minutes","service_level_target","slots",
 * "counters_open_means"} of s; office as above. */
json_t *present_indicators_staffing(const struct indicators_staffing *s, const char *date,
                                    json_t *office);

/* The whole answer of GET /api/v1/indicators: store_indicators (or
 * store_indicators_scan when scan) of the office day's slots (the
 * calendar's sessions), with the named office, the office head's
 * officials and the 766 maxima of the settings, presented. MC_OK with
 * *out (the caller frees it) or the store's error (err filled). */
enum mc_err present_indicators_answer(struct store *st, const struct principal *who,
                                      const char *office, const char *from, const char *to,
                                      enum indicators_by by, bool scan, json_t **out,
                                      struct mc_error *err);

/* The same for GET /api/v1/indicators/staffing of one office date. */
enum mc_err present_indicators_staffing_answer(struct store *st, const struct principal *who,
                                               const char *office, const char *date, json_t **out,
                                               struct mc_error *err);

#endif
