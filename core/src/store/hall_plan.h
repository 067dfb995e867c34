/* The province as a simulation sees it: every office of the tree, each
 * centre's service groups and counters, the active staff and devices with
 * the office each belongs to. Read-only set-up, no personal data beyond
 * user names. Used by `motcua-server simulate` and the demo's first start
 * (core/src/cli/simulate.c), which play every centre's day, through its
 * presentation as JSON (api/present_office.h, present_hall_plan). */
#ifndef MOTCUA_STORE_HALL_PLAN_H
#define MOTCUA_STORE_HALL_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The plan's rows. Strings are the store's copies; an office member is the
 * office's code, NULL when the row has none (or the parent of the root). */
struct hall_plan_office {
	int64_t id;
	char *code, *name, *kind, *level, *parent;
};
struct hall_plan_group {
	char *office, *code, *name;
};
struct hall_plan_counter {
	int64_t id; /* internal: not shown */
	char *office;
	int64_t no;
	char **groups; /* the codes of the groups it serves, in the groups' id order */
	size_t ngroups;
};
struct hall_plan_user {
	char *username, *role, *office;
};
struct hall_plan_device {
	int64_t id;
	char *name, *kind, *office;
};

/* The active offices by id, the active groups by office then sort, every
 * counter by office then number, the active users and devices by id.
 * hall_plan_clear frees it. */
struct hall_plan {
	struct hall_plan_office *offices;
	size_t noffices;
	struct hall_plan_group *groups;
	size_t ngroups;
	struct hall_plan_counter *counters;
	size_t ncounters;
	struct hall_plan_user *users;
	size_t nusers;
	struct hall_plan_device *devices;
	size_t ndevices;
};
void hall_plan_clear(struct hall_plan *p);

/* Reads the plan into *out (hall_plan_clear). On a database error returns
 * it (err filled) and leaves *out untouched. Any thread (a read
 * connection). */
enum mc_err store_hall_plan(struct store *st, struct hall_plan *out, struct mc_error *err);

#endif
