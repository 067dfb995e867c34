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

/* A string or null. */
static json_t *setup_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* A list of strings as an array of them. */
static json_t *setup_strings(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, setup_str(v[i]));
	return a;
}

/* Stored JSON text as a value: null when absent or unreadable. */
static json_t *setup_json_text(const char *text)
{
	json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	return j ? j : json_null();
}

/* A service group: {code, office, prefix, name, name_en, sort, active}. */
static json_t *setup_group_json(const struct setup_group_row *g)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:I, s:b}", "code", setup_str(g->code),
	                 "office", setup_str(g->office), "prefix", setup_str(g->prefix), "name",
	                 setup_str(g->name), "name_en", setup_str(g->name_en), "sort",
	                 (json_int_t)g->sort, "active", g->active);
}

/* A counter: {no, office, name, state, groups [codes], printer}. */
static json_t *setup_counter_json(const struct setup_counter_row *c)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "no", (json_int_t)c->no, "office",
	                 setup_str(c->office), "name", setup_str(c->name), "state",
	                 setup_str(c->state), "groups", setup_strings(c->groups, c->ngroups),
	                 "printer", setup_str(c->printer));
}

/* An account: {id, username, office, full_name, title, role, active, demo,
 * head}. */
static json_t *setup_user_json(const struct setup_user_row *u)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b}", "id", (json_int_t)u->id,
	                 "username", setup_str(u->username), "office", setup_str(u->office),
	                 "full_name", setup_str(u->full_name), "title", setup_str(u->title), "role",
	                 setup_str(u->role), "active", u->active, "demo", u->demo, "head", u->head);
}

/* A device: {name, office, kind, prints, active, printer}. */
static json_t *setup_device_json(const struct setup_device_row *d)
{
	return json_pack("{s:o, s:o, s:o, s:b, s:b, s:o}", "name", setup_str(d->name), "office",
	                 setup_str(d->office), "kind", setup_str(d->kind), "prints", d->prints,
	                 "active", d->active, "printer", setup_str(d->printer));
}

/* An office of the tree: {code, name, kind, level, parent, depth, address,
 * phone, hours, locality, weekdays, sessions, sort, active, demo}. */
static json_t *setup_office_json(const struct setup_office_row *o)
{
	json_t *j = json_pack("{s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:o, s:o}", "code",
	                      setup_str(o->code), "name", setup_str(o->name), "kind",
	                      setup_str(o->kind), "level", setup_str(o->level), "parent",
	                      setup_str(o->parent), "depth", (json_int_t)o->depth, "address",
	                      setup_str(o->address), "phone", setup_str(o->phone), "hours",
	                      setup_str(o->hours), "locality", setup_str(o->locality));
	json_object_set_new(j, "weekdays", setup_json_text(o->weekdays));
	json_object_set_new(j, "sessions", setup_json_text(o->sessions));
	json_object_set_new(j, "sort", json_integer(o->sort));
	json_object_set_new(j, "active", json_boolean(o->active));
	json_object_set_new(j, "demo", json_boolean(o->demo));
	return j;
}

/* A centre or point of the public list, with whether it is open now and
 * its sessions today ("open_now", "today" {"date","working_day","day_name",
 * "sessions"}; both null when its day cannot be read). */
static json_t *setup_public_office_json(struct store *st, const struct setup_public_office_row *o,
                                        int64_t now)
{
	json_t *j = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "code",
	                      setup_str(o->code), "name", setup_str(o->name), "kind",
	                      setup_str(o->kind), "address", setup_str(o->address), "hours",
	                      setup_str(o->hours), "phone", setup_str(o->phone), "parent",
	                      setup_str(o->parent), "parent_name", setup_str(o->parent_name));
	struct workhours_day wd;
	if (store_calendar_centre_day(st, o->id, now, &wd, NULL) != MC_OK) {
		json_object_set_new(j, "open_now", json_null());
		json_object_set_new(j, "today", json_null());
		return j;
	}
	json_t *day = present_calendar_centre_day("", &wd);
	json_object_set(j, "open_now", json_object_get(day, "open_now"));
	json_object_set_new(j, "today",
	                    json_pack("{s:O, s:O, s:O, s:O}", "date", json_object_get(day, "date"),
	                              "working_day", json_object_get(day, "working_day"),
	                              "day_name", json_object_get(day, "day_name"), "sessions",
	                              json_object_get(day, "sessions")));
	json_decref(day);
	return j;
}

/* Row r of list which as the list shows it (now: for the public offices'
 * hours). */
static json_t *setup_row_json(struct store *st, enum setup_list which, const struct setup_row *r,
                              int64_t now)
{
	switch (which) {
	case SETUP_SERVICE_GROUPS: return setup_group_json(&r->group);
	case SETUP_COUNTERS: return setup_counter_json(&r->counter);
	case SETUP_USERS: return setup_user_json(&r->user);
	case SETUP_DEVICES: return setup_device_json(&r->device);
	case SETUP_OFFICES: return setup_office_json(&r->office);
	case SETUP_PUBLIC_OFFICES: return setup_public_office_json(st, &r->public_office, now);
	case SETUP_LIST_COUNT: break;
	}
	return NULL;
}

/* The page object around items (taken). */
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
		json_t *item = setup_row_json(st, which, &page.items[i], now);
		if (item)
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
