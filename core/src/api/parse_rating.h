/* A citizen's rating request (POST /api/v1/public/ratings) into the typed
 * command of store/rating.h. Shared by the route and the simulator
 * (cli/simulate.c), which sends the same JSON. */
#ifndef MOTCUA_API_PARSE_RATING_H
#define MOTCUA_API_PARSE_RATING_H

#include <jansson.h>

#include "store/rating.h"
#include "util/error.h"

/* Parses req: {"token","level", optional "on_time":bool, "courteous":bool,
 * "visits":1-10, "unofficial_payment_asked":bool, "comment":"≤ 500
 * characters"} (null as absent); any other member is refused. On MC_OK the
 * caller clears *cmd (rating_submit_cmd_clear); on failure *cmd holds
 * nothing. MC_ERR_INVALID unknown_field, missing_field, invalid_level,
 * invalid_field, with err->field naming the member. req is borrowed. */
enum mc_err rating_submit_parse(json_t *req, struct rating_submit_cmd *cmd, struct mc_error *err);

#endif
