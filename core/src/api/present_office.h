/* Offices as the API shows them (store/office.h's struct office), and the
 * province's hall plan (store/hall_plan.h) as the simulation reads it. */
#ifndef MOTCUA_API_PRESENT_OFFICE_H
#define MOTCUA_API_PRESENT_OFFICE_H

#include <jansson.h>

#include "store/hall_plan.h"
#include "store/office.h"

/* {id, code, name, kind, level, parent (code or null), address, phone,
 * hours, locality, parent_name (or null)}: a new object, the caller frees it. */
json_t *present_office(const struct office *o);

/* Office id as present_office shows it, or NULL when there is none or it
 * cannot be read. The caller frees it. Any thread. */
json_t *present_office_id(struct store *st, int64_t id);

/* The plan as
 *   {"offices":[{"id","code","name","kind","level","parent"(code|null)}],
 *    "groups":[{"office","code","name"}],
 *    "counters":[{"office","no","groups":[code…]}],
 *    "users":[{"username","role","office"(code|null)}],
 *    "devices":[{"id","name","kind","office"(code|null)}]}
 * in the plan's order: a new object, the caller frees it. */
json_t *present_hall_plan(const struct hall_plan *p);

#endif
