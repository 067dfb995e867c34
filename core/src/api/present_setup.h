/* The set-up lists and procedures as the API shows them: the store's rows
 * (store/setup.h: typed rows, a procedure as the JSON text it was imported
 * as) presented as pages {"items":[…],"total":N,"offset":o,"limit":l}. */
#ifndef MOTCUA_API_PRESENT_SETUP_H
#define MOTCUA_API_PRESENT_SETUP_H

#include <jansson.h>

#include "store/setup.h"

/* A procedure as imported plus its "version" (a new object), or NULL when
 * its text cannot be read. */
json_t *present_procedure(const struct procedure_row *row);

/* store_setup_list_scoped as a page; the public offices get whether each is
 * open now and its sessions today ("open_now", "today") in place of their
 * id. *out (the caller frees it) untouched on error. */
enum mc_err setup_list_json(struct store *st, enum setup_list which, const struct principal *who,
                            const char *office, int offset, int limit, json_t **out,
                            struct mc_error *err);

/* store_procedures_list as a page (*out, the caller frees it). */
enum mc_err procedures_list_json(struct store *st, const char *q, const char *field, int offset,
                                 int limit, json_t **out, struct mc_error *err);

/* store_procedure_version as present_procedure shows it (*out, the caller
 * frees it); errors as store_procedure_version. */
enum mc_err procedure_version_json(struct store *st, const char *code, int version, json_t **out,
                                   struct mc_error *err);

#endif
