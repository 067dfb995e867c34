#include "store/hall_plan.h"

#include <stdlib.h>
#include <string.h>

#include "store/scan.h"
#include "store/store_internal.h"
#include "util/xmalloc.h"

/* Each list's row reader: one row of its query into the row at p, strings
 * copied. This one: a row of the offices' list. */
static void hall_plan_read_office(db_stmt *s, void *p)
{
	*(struct hall_plan_office *)p = (struct hall_plan_office){.id = db_column_int64(s, 0),
	                                                          .code = store_col_dup(s, 1),
	                                                          .name = store_col_dup(s, 2),
	                                                          .kind = store_col_dup(s, 3),
	                                                          .level = store_col_dup(s, 4),
	                                                          .parent = store_col_dup(s, 5)};
}

/* A row of the groups' list. */
static void hall_plan_read_group(db_stmt *s, void *p)
{
	*(struct hall_plan_group *)p = (struct hall_plan_group){.office = store_col_dup(s, 0),
	                                                        .code = store_col_dup(s, 1),
	                                                        .name = store_col_dup(s, 2)};
}

/* A row of the counters' list (their groups come after the scan). */
static void hall_plan_read_counter(db_stmt *s, void *p)
{
	*(struct hall_plan_counter *)p = (struct hall_plan_counter){.id = db_column_int64(s, 0),
	                                                            .office = store_col_dup(s, 1),
	                                                            .no = db_column_int64(s, 2)};
}

/* A row of the users' list. */
static void hall_plan_read_user(db_stmt *s, void *p)
{
	*(struct hall_plan_user *)p = (struct hall_plan_user){.username = store_col_dup(s, 0),
	                                                      .role = store_col_dup(s, 1),
	                                                      .office = store_col_dup(s, 2)};
}

/* A row of the devices' list. */
static void hall_plan_read_device(db_stmt *s, void *p)
{
	*(struct hall_plan_device *)p = (struct hall_plan_device){.id = db_column_int64(s, 0),
	                                                          .name = store_col_dup(s, 1),
	                                                          .kind = store_col_dup(s, 2),
	                                                          .office = store_col_dup(s, 3)};
}

/* The lists in the order of struct hall_plan: each query, the size of its
 * row and its reader. */
enum { HP_OFFICES, HP_GROUPS, HP_COUNTERS, HP_USERS, HP_DEVICES, HP_LISTS };
static const struct {
	const char *sql;
	size_t size;
	void (*read)(db_stmt *s, void *p);
} hall_plan_lists[HP_LISTS] = {
    [HP_OFFICES] = {"SELECT o.id, o.code, o.name, o.kind, o.level, p.code"
                    " FROM offices o LEFT JOIN offices p ON p.id = o.parent_id"
                    " WHERE o.active = 1 ORDER BY o.id",
                    sizeof(struct hall_plan_office), hall_plan_read_office},
    [HP_GROUPS] = {"SELECT o.code, g.code, g.name"
                   " FROM service_groups g LEFT JOIN offices o ON o.id = g.office_id"
                   " WHERE g.active = 1 ORDER BY g.office_id, g.sort, g.id",
                   sizeof(struct hall_plan_group), hall_plan_read_group},
    [HP_COUNTERS] = {"SELECT c.id, o.code, c.no"
                     " FROM counters c LEFT JOIN offices o ON o.id = c.office_id"
                     " ORDER BY c.office_id, c.no",
                     sizeof(struct hall_plan_counter), hall_plan_read_counter},
    [HP_USERS] = {"SELECT u.username, u.role, o.code"
                  " FROM users u LEFT JOIN offices o ON o.id = u.office_id"
                  " WHERE u.active = 1 ORDER BY u.id",
                  sizeof(struct hall_plan_user), hall_plan_read_user},
    [HP_DEVICES] = {"SELECT d.id, d.name, d.kind, o.code"
                    " FROM devices d LEFT JOIN offices o ON o.id = d.office_id"
                    " WHERE d.active = 1 ORDER BY d.id",
                    sizeof(struct hall_plan_device), hall_plan_read_device},
};

/* Reads list k into *items (an array of *n rows, grown here; the caller
 * frees it, also after an error). */
static enum mc_err hall_plan_scan(struct store_conn *c, int k, void **items, size_t *n,
                                  struct mc_error *err)
{
	db_stmt *s = store_stmt(c, hall_plan_lists[k].sql);
	size_t cap = 0, size = hall_plan_lists[k].size;
	int step;
	if (s == NULL)
		return store_sql_error(c, "hall plan", err);
	while (store_next(s, &step)) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*items = xrealloc(*items, cap * size);
		}
		hall_plan_lists[k].read(s, (char *)*items + (*n)++ * size);
	}
	return store_scan_end(c, s, step, "hall plan", err);
}

void hall_plan_clear(struct hall_plan *p)
{
	for (size_t i = 0; i < p->noffices; i++) {
		struct hall_plan_office *o = &p->offices[i];
		char *v[] = {o->code, o->name, o->kind, o->level, o->parent};
		store_strings_free(v, sizeof v / sizeof v[0]);
	}
	for (size_t i = 0; i < p->ngroups; i++) {
		char *v[] = {p->groups[i].office, p->groups[i].code, p->groups[i].name};
		store_strings_free(v, sizeof v / sizeof v[0]);
	}
	for (size_t i = 0; i < p->ncounters; i++) {
		free(p->counters[i].office);
		store_strings_free(p->counters[i].groups, p->counters[i].ngroups);
		free(p->counters[i].groups);
	}
	for (size_t i = 0; i < p->nusers; i++) {
		char *v[] = {p->users[i].username, p->users[i].role, p->users[i].office};
		store_strings_free(v, sizeof v / sizeof v[0]);
	}
	for (size_t i = 0; i < p->ndevices; i++) {
		char *v[] = {p->devices[i].name, p->devices[i].kind, p->devices[i].office};
		store_strings_free(v, sizeof v / sizeof v[0]);
	}
	free(p->offices);
	free(p->groups);
	free(p->counters);
	free(p->users);
	free(p->devices);
	memset(p, 0, sizeof *p);
}

enum mc_err store_hall_plan(struct store *st, struct hall_plan *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	void *items[HP_LISTS] = {0};
	size_t n[HP_LISTS] = {0};
	enum mc_err rc = MC_OK;
	for (int k = 0; k < HP_LISTS && rc == MC_OK; k++)
		rc = hall_plan_scan(c, k, &items[k], &n[k], err);
	struct hall_plan p = {.offices = items[HP_OFFICES],
	                      .noffices = n[HP_OFFICES],
	                      .groups = items[HP_GROUPS],
	                      .ngroups = n[HP_GROUPS],
	                      .counters = items[HP_COUNTERS],
	                      .ncounters = n[HP_COUNTERS],
	                      .users = items[HP_USERS],
	                      .nusers = n[HP_USERS],
	                      .devices = items[HP_DEVICES],
	                      .ndevices = n[HP_DEVICES]};
	for (size_t i = 0; i < p.ncounters && rc == MC_OK; i++)
		rc = store_counter_groups(c, p.counters[i].id, &p.counters[i].groups,
		                          &p.counters[i].ngroups, err);
	if (rc == MC_OK)
		*out = p;
	else
		hall_plan_clear(&p);
	return rc;
}
