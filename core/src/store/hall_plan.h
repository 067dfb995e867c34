/* The province as a simulation sees it: every office of the tree, each
 * centre's service groups and counters, the active staff and devices with
 * the office each belongs to. Read-only set-up, no personal data beyond
 * user names. Used by `motcua-server simulate` and the demo's first start
 * (core/src/cli/simulate.c), which play every centre's day. */
#ifndef MOTCUA_STORE_HALL_PLAN_H
#define MOTCUA_STORE_HALL_PLAN_H

#include "store/store.h"

/* *out gets the JSON text
 *   {"offices":[{"id","code","name","kind","level","parent"(code|null)}],
 *    "groups":[{"office","code","name"}],
 *    "counters":[{"office","no","groups":[code…]}],
 *    "users":[{"username","role","office"(code|null)}],
 *    "devices":[{"id","name","kind","office"(code|null)}]}
 * with offices by id, groups by sort, counters by number, users and devices
 * by id; only active groups, users and devices. Office members are codes.
 * The caller frees it (the CLI parses it). On a database error returns it
 * (err filled) and leaves *out untouched. Any thread (a read connection). */
enum mc_err store_hall_plan(struct store *st, char **out, struct mc_error *err);

#endif
