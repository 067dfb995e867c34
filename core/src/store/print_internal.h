/* Shared between the printing files of the store (store/printer.c, the
 * destinations; store/print_job.c, the spool). Nothing outside
 * core/src/store may include it. */
#ifndef MOTCUA_STORE_PRINT_INTERNAL_H
#define MOTCUA_STORE_PRINT_INTERNAL_H

#include "store/db.h"
#include "store/print.h"
#include "store/store_internal.h"
#include "util/error.h"
#include "util/jsontext.h"

/* The columns print_row_printer reads, in its order, from the printer row
 * aliased p. */
#define PRINT_COLS "p.id, p.name, p.target, p.format, p.paper, p.is_default, p.active"

/* The office filter of the printing lists: rows of :office's subtree (0:
 * all). */
#define PRINT_OFFICE_SQL(col)                                                                      \
	"(:office = 0 OR " col                                                                     \
	" IN (SELECT office_id FROM office_paths WHERE ancestor_id = :office))"

/* Fills *out from the PRINT_COLS of the current row of s, starting at
 * column col. */
void print_row_printer(db_stmt *s, int col, struct store_printer *out);

/* Appends an audit event whose details are j's object (finished and freed
 * here). */
enum mc_err print_audit(struct store *st, const char *actor, const char *entity, const char *id,
                        const char *action, struct jsontext *j, struct mc_error *err);

/* An audit details object, open: its first member the string v as key
 * (none when key is NULL); the caller adds more and print_audit closes it. */
struct jsontext print_details_str(const char *key, const char *v);

#endif
