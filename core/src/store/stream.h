/* Reading back the live stream's events (the idempotency records are in
 * store/idempotency.h). */
#ifndef MOTCUA_STORE_STREAM_H
#define MOTCUA_STORE_STREAM_H

#include "store/store.h"

/* Calls fn for each stream event with id > after, in id order, at most limit
 * of them. Returns the number delivered. */
typedef void (*store_stream_fn)(void *ctx, int64_t id, const char *action, const char *details);
int store_stream_since(struct store *st, int64_t after, int limit, store_stream_fn fn, void *ctx);

#endif
