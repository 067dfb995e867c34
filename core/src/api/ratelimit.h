/* A cap on how often one key (a client address) may do something per
 * window (e.g. 30 logins a minute), counting every attempt, successful or
 * not. Unlike api/throttle.h (waits that grow after failures), this bounds
 * the work any one client can ask for.
 *
 * Keys are placed by a keyed hash (libsodium's SipHash with a random key), so
 * nobody can choose keys that collide. A key's count lives until its window
 * ends, or until every attempt it counted was given back (then the key
 * leaves no entry behind: a refused form takes no room).
 *
 * A full table (every slot a key could use holds a live count) makes room
 * by forgetting one count rather than refusing the newcomer: the count with
 * the fewest attempts, the one whose window ends soonest among equals. The
 * trade-off: many clients at once (a flood from thousands of addresses)
 * can make the table forget a count, so that key starts a fresh window
 * early; but a newcomer is never refused for what other clients did, and
 * the keys nearest their limit are the last forgotten. Thread-safe: one
 * mutex per table. */
#ifndef MOTCUA_RATELIMIT_H
#define MOTCUA_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

/* A table of `slots` keys, each allowed `limit` attempts per window_s
 * seconds (a window starts at a key's first attempt). */
struct ratelimit *ratelimit_new(int slots, int limit, int window_s);
void ratelimit_free(struct ratelimit *rl);
/* Counts one attempt of key at now (seconds of a clock that never steps
 * back: clock_mono_ms() / 1000). Returns 0 when allowed, else the seconds
 * until key may try again (at least 1; nothing counted). */
int ratelimit_take(struct ratelimit *rl, const char *key, int64_t now);
/* ratelimit_take with this call's own limit instead of the table's (keys of
 * different kinds in one table, or a limit read from a setting). */
int ratelimit_take_limit(struct ratelimit *rl, const char *key, int64_t now, int limit);
/* Gives back one attempt ratelimit_take counted for key (an attempt that
 * turned out not to count, e.g. a form refused for a missing field). A key
 * left with nothing counted is removed. */
void ratelimit_give_back(struct ratelimit *rl, const char *key);

#endif
