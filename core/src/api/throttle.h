/* Slowing down repeated failures (logins, public lookups) per key: after a
 * few failures a key must wait, doubling each time, before it may try again. */
#ifndef MOTCUA_THROTTLE_H
#define MOTCUA_THROTTLE_H

#include <stdint.h>

struct throttle;

/* A table of `slots` keys; each key may fail free_tries times before waits
 * begin. */
struct throttle *throttle_new(int slots, int free_tries);
void throttle_free(struct throttle *t);
/* Seconds key must still wait before trying (0: may try now). */
int throttle_wait(struct throttle *t, const char *key, int64_t now);
/* Records a failure of key at now. */
void throttle_fail(struct throttle *t, const char *key, int64_t now);
/* Forgets key's failures (after a success). */
void throttle_reset(struct throttle *t, const char *key);

#endif
