/* The office tree (docs/province.md): one province root, its centres with
 * their reception points, the authorities competent for procedures with
 * their processing offices, and partner agencies. This module keeps the
 * tree (applied from the set-up bundle's "offices" and "office"), its
 * closure office_paths, and answers which office a set-up item belongs to. */
#ifndef MOTCUA_STORE_OFFICE_H
#define MOTCUA_STORE_OFFICE_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/office.h"
#include "domain/principal.h"
#include "store/store.h"

/* A boolean of a set-up item: absent (or not a boolean) keeps what is stored. */
enum setup_flag {
	SETUP_UNSET = -1,
	SETUP_FALSE = 0,
	SETUP_TRUE = 1,
	SETUP_OTHER = 2, /* present but not a boolean: read as false where it counts */
};

/* A set-up item's "office" member as the request gave it. */
struct setup_office_ref {
	bool given;       /* present, even null */
	bool bad;         /* present, neither null nor a string: refused when resolved */
	const char *code; /* the office code; NULL when absent or null */
};

/* The bundle's "offices" list and its single-centre shortcut "office" are
 * checked by the API (api/setup_import.c) and saved with these, inside the
 * caller's write transaction, in this order: every item of the list
 * (store_office_save), then the parent of each (store_office_link), then the
 * shortcut (store_office_centre_save: one centre under a root made on first
 * use), then store_offices_done. Strings are borrowed for the call. */
struct office_item {
	const char *code, *name;                            /* required */
	const char *kind, *level, *address, *phone, *hours; /* NULL keeps */
	const char *locality;
	const char *weekdays, *sessions; /* the arrays' JSON text (checked); NULL keeps */
	bool has_sort;
	int64_t sort;
	enum setup_flag demo, active;
	const char *details; /* the audit event's JSON text */
};
enum mc_err store_office_save(struct store *st, const struct principal *who,
                              const struct office_item *o, struct mc_error *err);
/* Hangs office code below parent (a code; NULL: none, the root). An unknown
 * parent is MC_ERR_INVALID "office_parent_not_found", naming both. */
enum mc_err store_office_link(struct store *st, const char *code, const char *parent,
                              struct mc_error *err);
struct office_centre {
	const char *code, *name;                        /* required */
	const char *locality, *address, *hours, *phone; /* NULL keeps */
};
enum mc_err store_office_centre_save(struct store *st, const struct office_centre *o,
                                     struct mc_error *err);
/* Makes a root when offices have none, checks the whole tree (one root,
 * every parent known, no cycle, each kind under a parent it may have) and
 * rebuilds office_paths. Errors name the office at fault. */
enum mc_err store_offices_done(struct store *st, struct mc_error *err);

/* The office of a set-up item (a group, counter, user, device, printer)
 * inside the caller's write transaction: the office ref names (which must
 * be of one of kinds), else fallback when not 0, else the only centre when
 * there is exactly one (the small case). *out gets the id; an error names
 * what (e.g. "counter 3") when the office is not a code, unknown, of the
 * wrong kind, or cannot be told. */
enum mc_err store_item_office(struct store *st, const struct setup_office_ref *ref, unsigned kinds,
                              int64_t fallback, const char *what, int64_t *out,
                              struct mc_error *err);

/* After a whole import, inside its write transaction: every active hall
 * item (service group, counter, device, printer) and clerk belongs to a
 * centre or point (else MC_ERR_INVALID office_wrong_kind), and no active
 * item or account to an inactive office (office_in_use); the error names
 * the office and the item. */
enum mc_err store_office_items_check(struct store *st, struct mc_error *err);

/* The id of the province root, 0 when the tree is empty. Any thread. */
int64_t store_office_root(struct store *st);

/* The id of the office with code, 0 when there is none. Any thread. */
int64_t store_office_id(struct store *st, const char *code);

/* One office as staff and forms see it. The strings are the store's copies
 * (NULL where the column is empty, i.e. SQL null); office_clear frees them. */
struct office {
	int64_t id;
	char *code, *name, *kind, *level;
	char *parent;      /* the parent's code, NULL for the root */
	char *parent_name; /* the parent's name, as the forms' heading prints it */
	char *address, *phone, *hours, *locality;
};
void office_clear(struct office *o);

/* Office id into *out (the caller office_clear's it). false, *out zeroed,
 * when there is none or on a database error. Any thread. */
bool store_office_get(struct store *st, int64_t id, struct office *out);

#endif
