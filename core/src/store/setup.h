/* Office set-up: settings, service groups, counters, staff, devices and
 * procedures, as the set-up bundle gives them (docs/api.md, "Import"; the
 * API checks the bundle, api/setup_import.c, and the store saves each item
 * here), and the set-up lists. */
#ifndef MOTCUA_STORE_SETUP_H
#define MOTCUA_STORE_SETUP_H

#include "domain/principal.h"
#include "store/auth.h"
#include "store/office.h"
#include "store/store.h"

/* Saving the set-up bundle (docs/api.md, "Import"). The API parses and
 * checks the bundle (api/setup_import.c) and calls these, in the bundle's
 * order, inside one write transaction it begins and commits; each saves one
 * item, with what needs the database: its office (store_item_office), whether
 * it exists, and its audit event. Strings are borrowed for the call. Every
 * item carries `details`: the audit event's JSON text (never a password),
 * and `must_exist` (PATCH routes: updating something that is not there is
 * MC_ERR_NOT_FOUND "not_found", not a creation). */

struct setup_group {
	const char *code, *prefix, *name,
	    *name_en; /* NULL keeps (prefix, name: a new one needs them) */
	bool has_sort;
	int64_t sort;
	enum setup_flag active;
	bool must_exist;
	struct setup_office_ref office;
	const char *details;
};
enum mc_err store_setup_group_save(struct store *st, const struct principal *who,
                                   const struct setup_group *g, struct mc_error *err);

struct setup_counter {
	int64_t no; /* 1..999 */
	const char *name;
	bool has_groups;           /* "groups" given: the counter serves exactly these */
	const char *const *groups; /* group codes; a NULL item is one that is not a string */
	size_t ngroups;
	bool must_exist;
	struct setup_office_ref office;
	const char *details;
};
enum mc_err store_setup_counter_save(struct store *st, const struct principal *who,
                                     const struct setup_counter *co, struct mc_error *err);

struct setup_user {
	const char *username;                            /* the key */
	const char *full_name, *role, *password, *title; /* NULL keeps */
	enum setup_flag active, head, demo;
	bool must_exist;
	struct setup_office_ref office;
	const char *details;
};
/* Creates or updates one account; *created tells which. A new one needs
 * full_name, role and password; a new password or a deactivation ends the
 * account's sessions. */
enum mc_err store_setup_user_save(struct store *st, const struct principal *who,
                                  const struct setup_user *u, bool *created, struct mc_error *err);
/* After the bundle's users: the last administrator remains (when any was
 * updated) and every clerk and specialist is placed in an office. */
enum mc_err store_setup_users_done(struct store *st, bool updated, struct mc_error *err);

struct setup_device {
	const char *name, *kind;
	enum setup_flag prints, active;
	bool must_exist;
	struct setup_office_ref office;
	const char *details;
};
/* Creates (*created true, token filled: shown only this once) or updates one
 * device. */
enum mc_err store_setup_device_save(struct store *st, const struct principal *who,
                                    const struct setup_device *d, bool *created,
                                    char token[AUTH_TOKEN_LEN], struct mc_error *err);

struct setup_procedure {
	const char *code, *name, *field, *level, *office, *unit;
	int64_t milli;    /* the time limit in thousandths of unit */
	int64_t fee_vnd;  /* 0 when absent */
	const char *body; /* the item as imported, compact JSON text with sorted keys */
	const char *details;
};
/* Saves a changed procedure as its next version (a dossier pins the version
 * in force at intake); an unchanged one is left (*saved false). */
enum mc_err store_setup_procedure_save(struct store *st, const struct principal *who,
                                       const struct setup_procedure *p, bool *saved,
                                       struct mc_error *err);

/* An audit event of the set-up (settings, the single-office shortcut). */
enum mc_err store_setup_audit(struct store *st, const struct principal *who, const char *entity,
                              const char *id, const char *action, const char *details,
                              struct mc_error *err);

/* After the whole bundle: every active account's office is of a kind its
 * role may have. */
enum mc_err store_setup_users_fit(struct store *st, struct mc_error *err);

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

/* The rows of the set-up lists, as the API presents them
 * (api/present_setup.c). Strings are the store's copies, NULL where the
 * column is SQL null; "office", "parent" and "printer" are codes and names. */
struct setup_group_row {
	char *code, *office, *prefix, *name, *name_en;
	int64_t sort;
	bool active;
};
struct setup_counter_row {
	int64_t id; /* internal: not shown */
	int64_t no;
	char *office, *name, *state;
	char **groups; /* the codes of the groups it serves, in the groups' id order */
	size_t ngroups;
	char *printer;
};
struct setup_user_row {
	int64_t id;
	char *username, *office, *full_name, *title, *role;
	bool active, demo, head;
};
struct setup_device_row {
	char *name, *office, *kind;
	bool prints, active;
	char *printer;
};
struct setup_office_row {
	char *code, *name, *kind, *level, *parent;
	int64_t depth; /* 0 for the root */
	char *address, *phone, *hours, *locality;
	char *weekdays, *sessions; /* the stored JSON text (checked at import) */
	int64_t sort;
	bool active, demo;
};
struct setup_public_office_row {
	int64_t id; /* internal: for the API to add today's hours */
	char *code, *name, *kind, *address, *hours, *phone, *parent, *parent_name;
};

/* One page of set-up list `which`: items[i] holds the member of the union
 * that `which` names; total counts every row of the filter. The store's
 * copies: setup_page_free frees them. */
struct setup_row {
	union {
		struct setup_group_row group;
		struct setup_counter_row counter;
		struct setup_user_row user;
		struct setup_device_row device;
		struct setup_office_row office;
		struct setup_public_office_row public_office;
	};
};
struct setup_page {
	enum setup_list which;
	struct setup_row *items;
	size_t n;
	int64_t total;
};
void setup_page_free(struct setup_page *p);

/* The page as who sees it (docs/province.md, "Scopes"): groups,
 * counters, users and devices of who's subtree only (who NULL: the whole
 * province), each with its "office" code; office (a code, optional) keeps
 * the rows of that office's subtree. The office lists are not scoped. An
 * office that does not exist or lies outside who's scope is
 * MC_ERR_NOT_FOUND ("office_not_found"). On a database error returns the
 * error (err filled) and leaves *out untouched. */
enum mc_err store_setup_list_scoped(struct store *st, enum setup_list which,
                                    const struct principal *who, const char *office, int offset,
                                    int limit, struct setup_page *out, struct mc_error *err);

/* A procedure as imported: body its JSON text (the store's copy), version
 * its version. procedure_row_clear frees it. */
struct procedure_row {
	char *body;
	int version;
};
void procedure_row_clear(struct procedure_row *r);
struct procedure_page {
	struct procedure_row *items;
	size_t n;
	int64_t total;
};
void procedure_page_free(struct procedure_page *p);

/* A page of the current procedures (*out; procedure_page_free). q
 * (optional) matches the code, or the name and field with or without
 * diacritics, best matches first; field (optional) matches exactly. On a
 * database error returns the error (err filled) and leaves *out untouched. */
enum mc_err store_procedures_list(struct store *st, const char *q, const char *field, int offset,
                                  int limit, struct procedure_page *out, struct mc_error *err);

/* Procedure code at version (a dossier's procedure: the version in force at
 * its intake, docs/api.md), current or not (version 0: the current one)
 * into *out (procedure_row_clear). One that does not exist is
 * MC_ERR_NOT_FOUND ("procedure_not_found"); on a database error returns the
 * error. Either way err is filled and *out left untouched. */
enum mc_err store_procedure_version(struct store *st, const char *code, int version,
                                    struct procedure_row *out, struct mc_error *err);

#endif
