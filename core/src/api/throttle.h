/* Slowing down repeated failures (logins, public lookups) per key: after a
 * few failures a key must wait, doubling each time, before it may try again.
 *
 * Keys are placed by a hash keyed with a random secret drawn per table, so a
 * client cannot choose keys that land on another's slots. A key's failures
 * are remembered an hour after the last one.
 *
 * A full table never refuses a newcomer: when every slot a key may use is
 * held, its first failure takes the slot of the entry least worth keeping:
 * one without a running wait before one with, the fewest failures first
 * (a single mistyped secret goes before a guesser's count), the oldest
 * among equals; only when all of them are running waits, the wait that
 * ends soonest. The trade-off: a flood of failures from thousands of
 * addresses (or account names) can make the table forget some failures
 * early, so a guesser may get its free tries again; but nobody is refused
 * for what other clients did (a full table used to refuse every fresh
 * address, even a citizen's correct look-up), and a running penalty goes
 * only when every slot around it holds one too, which takes a sustained
 * flood of penalised keys. */
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
/* Seconds key must still wait before trying (0: may try now). *full (when
 * not NULL) is set false: a full table makes room rather than refuse (it
 * stays in the contract for the callers that tell it apart). */
int throttle_check(struct throttle *t, const char *key, int64_t now, bool *full);
/* throttle_check without telling why. */
int throttle_wait(struct throttle *t, const char *key, int64_t now);
/* Records a failure of key at now, making room as above. Returns true
 * (it always finds room). */
bool throttle_fail(struct throttle *t, const char *key, int64_t now);
/* Forgets key's failures (after a success). Takes no slot. */
void throttle_reset(struct throttle *t, const char *key);

/* Fills err for a refusal because the table is full: MC_ERR_RATE_LIMITED,
 * code "throttle_full", retry_after wait. Returns MC_ERR_RATE_LIMITED.
 * (No longer reached through throttle_check, which never reports full.) */
enum mc_err throttle_full_error(struct mc_error *err, int wait);

#endif
