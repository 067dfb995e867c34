/* Ratings as the API shows them (JSON views of store/rating.h's results).
 * Each returns a new reference the caller owns; the argument is borrowed. */
#ifndef MOTCUA_API_PRESENT_RATING_H
#define MOTCUA_API_PRESENT_RATING_H

#include <jansson.h>

#include "store/rating.h"

/* {"token","url":"/rate?t=…","expires_at"} */
json_t *present_rating_link(const struct rating_link *link);
/* {"kind","what","rated":bool,"levels":[{"level","label","label_en"}…],
 * "office":{"code","name"} or null} */
json_t *present_rating_link_info(const struct rating_link_info *info);
/* {"rated":true,"level":…}: the answer to a rating recorded. */
json_t *present_rating_recorded(enum rating_level level);

#endif
