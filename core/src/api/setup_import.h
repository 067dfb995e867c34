/* The set-up bundle (docs/api.md, "Import"): offices, settings, service
 * groups, printers, counters, staff, devices, procedures, appointments and
 * notifications, as one JSON document. This module checks it item by item
 * and has the store save each (store/setup.h, office.h, print.h) in one
 * write transaction: all of it or none of it. The same function serves
 * `motcua-server import`, `demo`, POST /api/v1/import and the single-item
 * POST/PATCH routes, so there is one way to change set-up. */
#ifndef MOTCUA_API_SETUP_IMPORT_H
#define MOTCUA_API_SETUP_IMPORT_H

#include <jansson.h>

#include "domain/principal.h"
#include "store/store.h"

/* Applies bundle (borrowed) as who. Items are matched by their key (group
 * code, counter no, username, device name, printer name, office code):
 * existing ones are updated, new ones created. A user's password is needed
 * only to create the account; an item with "_must_exist": true is not
 * created (MC_ERR_NOT_FOUND). *report (when not NULL) gets counts and the
 * tokens of newly created devices (shown only this once); the caller frees
 * it. On error nothing changed, err says why and names the item. */
enum mc_err setup_import(struct store *st, const struct principal *who, json_t *bundle,
                         json_t **report, struct mc_error *err);

#endif
