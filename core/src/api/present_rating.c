#include "api/present_rating.h"

json_t *present_rating_link(const struct rating_link *link)
{
	return json_pack("{s:s, s:s, s:I}", "token", link->token, "url", link->url, "expires_at",
	                 (json_int_t)link->expires_at);
}

/* The levels, best first, with their labels. */
static json_t *present_rating_levels(void)
{
	json_t *a = json_array();
	for (int i = 0; i < RATING_LEVEL_COUNT; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "level",
		                                   rating_level_name((enum rating_level)i), "label",
		                                   rating_level_label_vi((enum rating_level)i),
		                                   "label_en",
		                                   rating_level_label_en((enum rating_level)i)));
	return a;
}

json_t *present_rating_link_info(const struct rating_link_info *info)
{
	json_t *office = info->office_code ? json_pack("{s:s, s:s}", "code", info->office_code,
	                                               "name", info->office_name)
	                                   : json_null();
	return json_pack("{s:s, s:s, s:b, s:o, s:o}", "kind", rating_kind_name(info->kind), "what",
	                 info->what, "rated", info->rated, "levels", present_rating_levels(),
	                 "office", office);
}

json_t *present_rating_recorded(enum rating_level level)
{
	return json_pack("{s:b, s:s}", "rated", 1, "level", rating_level_name(level));
}
