#include "api/present_office.h"

/* A string or null. */
static json_t *office_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *present_office(const struct office *o)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", json_integer(o->id));
	json_object_set_new(j, "code", office_str(o->code));
	json_object_set_new(j, "name", office_str(o->name));
	json_object_set_new(j, "kind", office_str(o->kind));
	json_object_set_new(j, "level", office_str(o->level));
	json_object_set_new(j, "parent", office_str(o->parent));
	json_object_set_new(j, "address", office_str(o->address));
	json_object_set_new(j, "phone", office_str(o->phone));
	json_object_set_new(j, "hours", office_str(o->hours));
	json_object_set_new(j, "locality", office_str(o->locality));
	json_object_set_new(j, "parent_name", office_str(o->parent_name));
	return j;
}

json_t *present_office_id(struct store *st, int64_t id)
{
	struct office o;
	if (!store_office_get(st, id, &o))
		return NULL;
	json_t *j = present_office(&o);
	office_clear(&o);
	return j;
}

/* The list of n rows of rows, each as row_json shows it. */
static json_t *hall_plan_list(const void *rows, size_t n, size_t size,
                              json_t *(*row_json)(const void *row))
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, row_json((const char *)rows + i * size));
	return a;
}

/* An office of the plan: {id, code, name, kind, level, parent}. */
static json_t *hall_plan_office_json(const void *row)
{
	const struct hall_plan_office *o = row;
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)o->id, "code",
	                 office_str(o->code), "name", office_str(o->name), "kind",
	                 office_str(o->kind), "level", office_str(o->level), "parent",
	                 office_str(o->parent));
}

/* A group of the plan: {office, code, name}. */
static json_t *hall_plan_group_json(const void *row)
{
	const struct hall_plan_group *g = row;
	return json_pack("{s:o, s:o, s:o}", "office", office_str(g->office), "code",
	                 office_str(g->code), "name", office_str(g->name));
}

/* A counter of the plan: {office, no, groups [codes]}. */
static json_t *hall_plan_counter_json(const void *row)
{
	const struct hall_plan_counter *c = row;
	json_t *groups = json_array();
	for (size_t i = 0; i < c->ngroups; i++)
		json_array_append_new(groups, office_str(c->groups[i]));
	return json_pack("{s:o, s:I, s:o}", "office", office_str(c->office), "no",
	                 (json_int_t)c->no, "groups", groups);
}

/* A user of the plan: {username, role, office}. */
static json_t *hall_plan_user_json(const void *row)
{
	const struct hall_plan_user *u = row;
	return json_pack("{s:o, s:o, s:o}", "username", office_str(u->username), "role",
	                 office_str(u->role), "office", office_str(u->office));
}

/* A device of the plan: {id, name, kind, office}. */
static json_t *hall_plan_device_json(const void *row)
{
	const struct hall_plan_device *d = row;
	return json_pack("{s:I, s:o, s:o, s:o}", "id", (json_int_t)d->id, "name",
	                 office_str(d->name), "kind", office_str(d->kind), "office",
	                 office_str(d->office));
}

json_t *present_hall_plan(const struct hall_plan *p)
{
	return json_pack(
	    "{s:o, s:o, s:o, s:o, s:o}", "offices",
	    hall_plan_list(p->offices, p->noffices, sizeof *p->offices, hall_plan_office_json),
	    "groups",
	    hall_plan_list(p->groups, p->ngroups, sizeof *p->groups, hall_plan_group_json),
	    "counters",
	    hall_plan_list(p->counters, p->ncounters, sizeof *p->counters, hall_plan_counter_json),
	    "users", hall_plan_list(p->users, p->nusers, sizeof *p->users, hall_plan_user_json),
	    "devices",
	    hall_plan_list(p->devices, p->ndevices, sizeof *p->devices, hall_plan_device_json));
}
