/* Slowing down repeated failures (logins, public lookups) per key: after a
 * few failures a key must wait, doubling each time, before it may try again.
 *
 * Keys are placed by a hash keyed with a random secret drawn per table, so a
 * client cannot choose keys that land on another's slots. A running penalty
 * is never forgotten to make room: when the slots a key may use are all held
 * by penalties still running (or failures still remembered), that key is
 * refused until one expires. */
#ifndef MOTCUA_THROTTLE_H
#define MOTCUA_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

struct throttle;

/* A table of `slots` keys (at least 1); each key may fail free_tries times
 * before waits begin. Never returns NULL. Call after sodium_init(). */
struct throttle *throttle_new(int slots, int free_tries);
/* NULL is a no-op. */
void throttle_free(struct throttle *t);
/* Seconds key must still wait before trying (0: may try now). When the table
 * has no room to remember key's failures, *full (when not NULL) is set and
 * the result is the wait until a slot frees (at least 1): the caller refuses
 * the attempt, as with any wait. */
int throttle_check(struct throttle *t, const char *key, int64_t now, bool *full);
/* throttle_check without telling why. */
int throttle_wait(struct throttle *t, const char *key, int64_t now);
/* Records a failure of key at now. Returns false when the table had no room
 * for it (the next throttle_check of key then reports the table full). */
bool throttle_fail(struct throttle *t, const char *key, int64_t now);
/* Forgets key's failures (after a success). Takes no slot. */
void throttle_reset(struct throttle *t, const char *key);

/* Fills err for a refusal because the table is full: MC_ERR_RATE_LIMITED,
 * code "throttle_full", retry_after wait. Returns MC_ERR_RATE_LIMITED. */
enum mc_err throttle_full_error(struct mc_error *err, int wait);

#endif
