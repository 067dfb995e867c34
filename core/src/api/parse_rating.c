#include "api/parse_rating.h"

#include <string.h>

#include "util/xmalloc.h"

/* An optional boolean member: -1 when absent or null. */
static enum mc_err rating_bool(json_t *req, const char *key, int *out, struct mc_error *err)
{
	json_t *v = json_object_get(req, key);
	*out = -1;
	if (v == NULL || json_is_null(v))
		return MC_OK;
	if (!json_is_boolean(v)) {
		mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		         "'%s' must be true, false or null", key);
		return mc_error_field(err, key);
	}
	*out = json_is_true(v);
	return MC_OK;
}

/* The first member of req that a rating does not have, or NULL. */
static const char *rating_unknown_member(json_t *req)
{
	static const char *const known[] = {"token",     "level",  "on_time",
	                                    "courteous", "visits", "unofficial_payment_asked",
	                                    "comment"};
	const char *key;
	json_t *v;
	json_object_foreach(req, key, v)
	{
		size_t i;
		for (i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i == sizeof known / sizeof known[0])
			return key;
	}
	return NULL;
}

/* visits and comment, the two answers with bounds. */
static enum mc_err rating_bounded(json_t *req, struct rating_submit_cmd *cmd, struct mc_error *err)
{
	json_t *visits = json_object_get(req, "visits");
	if (visits && !json_is_null(visits)) {
		if (!json_is_integer(visits) || json_integer_value(visits) < RATING_VISITS_MIN ||
		    json_integer_value(visits) > RATING_VISITS_MAX) {
			mc_fail(err, MC_ERR_INVALID, "invalid_field",
			        "Số lần đi lại phải từ 1 đến 10",
			        "'visits' must be an integer 1-10");
			return mc_error_field(err, "visits");
		}
		cmd->visits = (int)json_integer_value(visits);
	}
	json_t *cv = json_object_get(req, "comment");
	if (cv && !json_is_null(cv)) {
		const char *comment = json_string_value(cv);
		if (!rating_comment_valid(comment) || strlen(comment) != json_string_length(cv)) {
			mc_fail(err, MC_ERR_INVALID, "invalid_field", "Góp ý tối đa 500 ký tự",
			        "'comment' must be text of at most 500 characters");
			return mc_error_field(err, "comment");
		}
		if (*comment)
			cmd->comment = xstrdup(comment);
	}
	return MC_OK;
}

enum mc_err rating_submit_parse(json_t *req, struct rating_submit_cmd *cmd, struct mc_error *err)
{
	memset(cmd, 0, sizeof *cmd);
	const char *unknown = rating_unknown_member(req);
	if (unknown) {
		mc_failf(err, MC_ERR_INVALID, "unknown_field", "Phiếu đánh giá có trường lạ",
		         "unknown field '%.40s'", unknown);
		return mc_error_field(err, unknown);
	}
	const char *token = json_string_value(json_object_get(req, "token"));
	const char *level = json_string_value(json_object_get(req, "level"));
	if (token == NULL) {
		mc_fail(err, MC_ERR_INVALID, "missing_field", "Thiếu mã đánh giá",
		        "'token' (a string) is required");
		return mc_error_field(err, "token");
	}
	if (level == NULL) {
		mc_fail(err, MC_ERR_INVALID, "missing_field", "Xin chọn một mức đánh giá",
		        "'level' (a string) is required");
		return mc_error_field(err, "level");
	}
	if (!rating_level_parse(level, &cmd->level)) {
		mc_fail(err, MC_ERR_INVALID, "invalid_level", "Mức đánh giá không hợp lệ",
		        "level is very_satisfied, satisfied, neutral or not_satisfied");
		return mc_error_field(err, "level");
	}
	enum mc_err rc;
	if ((rc = rating_bool(req, "on_time", &cmd->on_time, err)) ||
	    (rc = rating_bool(req, "courteous", &cmd->courteous, err)) ||
	    (rc = rating_bool(req, "unofficial_payment_asked", &cmd->unofficial_payment_asked,
	                      err)) ||
	    (rc = rating_bounded(req, cmd, err)))
		return rc;
	cmd->token = xstrdup(token);
	return MC_OK;
}
