#include "api/present_setup.h"

#include "api/present_calendar.h"
#include "store/calendar.h"
#include "util/clock.h"

json_t *present_procedure(const struct procedure_row *row)
{
	json_t *p = json_loads(row->body, 0, NULL);
	if (p)
		json_object_set_new(p, "version", json_integer(row->version));
	return p;
}

/* Adds to a centre o of the public list whether it is open now and its
 * sessions today ("open_now", "today" {"working_day","sessions"}; null when
 * its day cannot be read), in place of its internal id. */
static void setup_public_today(struct store *st, json_t *o, int64_t now)
{
	struct workhours_day wd;
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_object_del(o, "id");
	if (store_calendar_centre_day(st, id, now, &wd, NULL) != MC_OK) {
		json_object_set_new(o, "open_now", json_null());
		json_object_set_new(o, "today", json_null());
		return;
	}
	json_t *day = present_calendar_centre_day("", &wd);
	json_object_set(o, "open_now", json_object_get(day, "open_now"));
	json_object_set_new(o, "today",
	                    json_pack("{s:O, s:O, s:O, s:O}", "date", json_object_get(day, "date"),
	                              "working_day", json_object_get(day, "working_day"),
	                              "day_name", json_object_get(day, "day_name"), "sessions",
	                              json_object_get(day, "sessions")));
	json_decref(day);
}

static json_t *setup_page_json(json_t *items, int64_t total, int offset, int limit)
{
	return json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total,
	                 "offset", offset, "limit", limit);
}

enum mc_err setup_list_json(struct store *st, enum setup_list which, const struct principal *who,
                            const char *office, int offset, int limit, json_t **out,
                            struct mc_error *err)
{
	struct setup_page page;
	enum mc_err rc = store_setup_list_scoped(st, which, who, office, offset, limit, &page, err);
	if (rc)
		return rc;
	json_t *items = json_array();
	int64_t now = clock_now();
	for (size_t i = 0; i < page.n; i++) {
		json_t *item = json_loads(page.items[i], 0, NULL);
		if (item == NULL)
			continue;
		if (which == SETUP_PUBLIC_OFFICES)
			setup_public_today(st, item, now);
		json_array_append_new(items, item);
	}
	*out = setup_page_json(items, page.total, offset, limit);
	setup_page_free(&page);
	return MC_OK;
}

enum mc_err procedures_list_json(struct store *st, const char *q, const char *field, int offset,
                                 int limit, json_t **out, struct mc_error *err)
{
	struct procedure_page page;
	enum mc_err rc = store_procedures_list(st, q, field, offset, limit, &page, err);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < page.n; i++) {
		json_t *p = present_procedure(&page.items[i]);
		if (p)
			json_array_append_new(items, p);
	}
	*out = setup_page_json(items, page.total, offset, limit);
	procedure_page_free(&page);
	return MC_OK;
}

enum mc_err procedure_version_json(struct store *st, const char *code, int version, json_t **out,
                                   struct mc_error *err)
{
	struct procedure_row row;
	enum mc_err rc = store_procedure_version(st, code, version, &row, err);
	if (rc)
		return rc;
	json_t *p = present_procedure(&row);
	procedure_row_clear(&row);
	if (p == NULL)
		return mc_fail(err, MC_ERR_NOT_FOUND, "procedure_not_found", "Không có thủ tục này",
		               "no such procedure version");
	*out = p;
	return MC_OK;
}
