/* Office set-up: the office itself, settings, service groups, counters, staff
 * and devices, applied from a JSON bundle (see docs/api.md, "Import"). The
 * same function serves `motcua-server import`, POST /api/v1/import and the
 * single-item POST/PATCH routes, so there is one way to change set-up. */
#ifndef MOTCUA_STORE_SETUP_H
#define MOTCUA_STORE_SETUP_H

#include <jansson.h>

#include "domain/principal.h"
#include "store/store.h"

/* Applies bundle in one transaction: all of it or none of it. Items are
 * matched by their key (group code, counter no, username, device name):
 * existing ones are updated, new ones created. A user's password is needed
 * only to create the account. *report (when not NULL) gets counts and the
 * tokens of newly created devices (shown only this once). */
enum mc_err store_setup_apply(struct store *st, const struct principal *who, json_t *bundle,
                              json_t **report, struct mc_error *err);

/* The set-up lists, in the order of the tables in store_setup_list. */
enum setup_list {
	SETUP_SERVICE_GROUPS,
	SETUP_COUNTERS,
	SETUP_USERS,
	SETUP_DEVICES,
	SETUP_OFFICES,        /* the whole tree, a parent before its children */
	SETUP_PUBLIC_OFFICES, /* the centres and points, as citizens see them */
	SETUP_LIST_COUNT      /* not a list: the number of them */
};

/* One page of a set-up list: *out gets {"items":[...], "total":N,
 * "offset":o, "limit":l} (the caller frees it). On a database error returns
 * the error (err filled) and leaves *out untouched. */
enum mc_err store_setup_list(struct store *st, enum setup_list which, int offset, int limit,
                             json_t **out, struct mc_error *err);

/* The same page as who sees it (docs/province.md, "Scopes"): groups,
 * counters, users and devices of who's subtree only (who NULL: the whole
 * province), each with its "office" code; office (a code, optional) keeps
 * the rows of that office's subtree. The office lists are not scoped. An
 * office that does not exist or lies outside who's scope is
 * MC_ERR_NOT_FOUND ("office_not_found"). *out as store_setup_list. */
enum mc_err store_setup_list_scoped(struct store *st, enum setup_list which,
                                    const struct principal *who, const char *office, int offset,
                                    int limit, json_t **out, struct mc_error *err);

/* A page of the current procedures, each as imported plus its version:
 * *out gets {"items":[…],"total":N,…} (the caller frees it). q (optional)
 * matches the code, or the name and field with or without diacritics; field
 * (optional) matches exactly. On a database error returns the error (err
 * filled) and leaves *out untouched. */
enum mc_err store_procedures_list(struct store *st, const char *q, const char *field, int offset,
                                  int limit, json_t **out, struct mc_error *err);

/* Procedure code at version (a dossier's procedure: the version in force at
 * its intake, docs/api.md), current or not (version 0: the current one):
 * *out gets it as imported plus
 * its "version" (the caller frees it). One that does not exist is
 * MC_ERR_NOT_FOUND ("procedure_not_found"); on a database error returns the
 * error. Either way err is filled and *out left untouched. */
enum mc_err store_procedure_version(struct store *st, const char *code, int version, json_t **out,
                                    struct mc_error *err);

#endif
