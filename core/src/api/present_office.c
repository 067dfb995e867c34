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
