/* A set of named values to fill a form template: string key -> string value, plus
 * named lists of rows (each row an array of strings) for tables. Keys and values
 * are copied; lookups return pointers owned by the set, valid until it is freed
 * or the key is set again. Allocation failures abort (like xmalloc in core). */
#ifndef MOTCUA_PRINTER_FIELDS_H
#define MOTCUA_PRINTER_FIELDS_H

#include <stddef.h>

struct printer_fields;

/* A new empty set; never NULL. Free with printer_fields_free. */
struct printer_fields *printer_fields_new(void);
/* Frees the set and everything in it; NULL is fine. */
void printer_fields_free(struct printer_fields *f);

/* Sets key to a copy of value, replacing an earlier value; value NULL removes key. */
void printer_fields_set(struct printer_fields *f, const char *key, const char *value);
/* The value of key, or NULL when it is not set. */
const char *printer_fields_get(const struct printer_fields *f, const char *key);

/* Appends a row of ncells copied strings (NULL cells become "") to the list named
 * list, creating the list when needed. */
void printer_fields_add_row(struct printer_fields *f, const char *list, const char *const *cells,
                            size_t ncells);
/* The number of rows in list; 0 when there is no such list. */
size_t printer_fields_row_count(const struct printer_fields *f, const char *list);
/* Row i of list (its cell count in *ncells), or NULL when out of range. */
const char *const *printer_fields_row(const struct printer_fields *f, const char *list, size_t i,
                                      size_t *ncells);

#endif
