/* Reading back the live stream's events (the idempotency records are in
 * store/idempotency.h). */
#ifndef MOTCUA_STORE_STREAM_H
#define MOTCUA_STORE_STREAM_H

#include "store/store.h"

/* Calls fn for each stream event of hall office (events.office_id; 0 is
 * no hall: none) that lies in the subtree of office scope (the reader's
 * office, SCOPE_SQL; 0: the province) with after < id <= upto, in id order,
 * at most
 * limit of them (at: the event's time, epoch seconds). Returns the number
 * delivered, or -1 when the read failed (logged; fn may have been called for
 * the rows before the failure). */
typedef void (*store_stream_fn)(void *ctx, int64_t id, int64_t at, const char *action,
                                const char *details);
int store_stream_since(struct store *st, int64_t scope, int64_t office, int64_t after, int64_t upto,
                       int limit, store_stream_fn fn, void *ctx);

#endif
