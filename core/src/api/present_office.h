/* Offices as the API shows them (store/office.h's struct office). */
#ifndef MOTCUA_API_PRESENT_OFFICE_H
#define MOTCUA_API_PRESENT_OFFICE_H

#include <jansson.h>

#include "store/office.h"

/* {id, code, name, kind, level, parent (code or null), address, phone,
 * hours, locality, parent_name (or null)}: a new object, the caller frees it. */
json_t *present_office(const struct office *o);

/* Office id as present_office shows it, or NULL when there is none or it
 * cannot be read. The caller frees it. Any thread. */
json_t *present_office_id(struct store *st, int64_t id);

#endif
