/* Reading back the live stream's events and the idempotency records. */
#ifndef MOTCUA_STORE_STREAM_H
#define MOTCUA_STORE_STREAM_H

#include "store/store.h"

/* Calls fn for each stream event with id > after, in id order, at most limit
 * of them. Returns the number delivered. */
typedef void (*store_stream_fn)(void *ctx, int64_t id, const char *action, const char *details);
int store_stream_since(struct store *st, int64_t after, int limit, store_stream_fn fn, void *ctx);

/* Inside a write transaction: the answer first given to (principal, key).
 * Returns true and fills status/body (body newly allocated) when present;
 * *same_request tells whether method and path match the first request. */
bool store_idem_find(struct store *st, const char *principal, const char *key, const char *method,
                     const char *path, int *status, char **body, bool *same_request);
/* Inside a write transaction: records the answer to (principal, key). */
enum mc_err store_idem_save(struct store *st, const char *principal, const char *key,
                            const char *method, const char *path, int status, const char *body,
                            struct mc_error *err);

/* For routes that wait on a device outside the store (a kiosk's print): the
 * key is reserved in a short transaction of its own instead of being held in
 * one across the handler. Returns true when (principal, key) is known, as
 * store_idem_find (*status 0: the first request is still running); else
 * reserves it and returns false. A reservation older than a minute (its
 * server stopped mid-request) is taken over. */
bool store_idem_reserve(struct store *st, const char *principal, const char *key,
                        const char *method, const char *path, int *status, char **body,
                        bool *same_request);
/* Ends a reservation: records the answer when status is 2xx, else forgets the
 * key (a failed answer is not remembered). */
void store_idem_complete(struct store *st, const char *principal, const char *key, int status,
                         const char *body);

#endif
