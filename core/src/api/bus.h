/* The event bus: live queue events for Server-Sent Events subscribers, and the
 * in-memory queue snapshots that GET /api/v1/queue serves, one per centre.
 *
 * The store's commit hook feeds it (in commit order, under the writer lock):
 * each stream event becomes an SSE message with the event's chain id and its
 * centre (store_event.office_id), the snapshots are marked stale (each
 * rebuilt at its next read), and every waiting subscriber is resumed. A
 * stream belongs to one centre and is sent only that centre's events, replay
 * and snapshot (a board of one centre never hears another's call); it passes
 * over the others' messages in the ring. A subscriber first gets the events after its
 * Last-Event-ID (from the store, when at most BUS_REPLAY_MAX behind and all of
 * today), then a snapshot, then live events; a heartbeat comment keeps idle
 * streams open. Streams whose clients have gone are noticed within about a
 * second (and at once when a limit would refuse a new one); streams whose
 * token was retired end at bus_recheck.
 *
 * Memory is bounded: per stream (a short replay, a capped backlog: a reader
 * that falls further behind is dropped and reconnects to a snapshot, a small
 * kernel send buffer) and in total (streams per principal, per client
 * address and overall). Everything the bus shows is public: a ticket's
 * priority class is reduced to whether it is a priority ticket. */
#ifndef MOTCUA_BUS_H
#define MOTCUA_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/principal.h"
#include "store/store.h"
#include "util/error.h"

struct bus;
struct sse_sub;
struct MHD_Daemon;
struct MHD_Connection;
struct MHD_Response;

struct bus *bus_new(struct store *st, int heartbeat_ms);
/* Streams allowed per principal, per client address and in all (each > 0;
 * 0 keeps the default: 8, 64 and 1,024). Beyond them bus_subscribe refuses. */
void bus_set_limits(struct bus *bus, int per_principal, int per_address, int all);
/* Starts the heartbeat thread once the daemon runs. */
void bus_attach(struct bus *bus, struct MHD_Daemon *daemon);
/* Ends all streams (their next read ends them) and resumes them. */
void bus_shutdown(struct bus *bus);
void bus_free(struct bus *bus);

/* The current snapshot of hall office (store_queue_snapshot), reflecting at
 * least every commit that returned before the call (rebuilt first when a
 * commit or the clock made it stale): newly allocated JSON text (the caller
 * frees it) and its length. The snapshots of the BUS_SNAPS halls read most
 * recently are kept. */
char *bus_snapshot(struct bus *bus, int64_t office, size_t *len);

/* The hall that office code `code` names to anyone (the public queue's
 * office=; "" for the hall an anonymous caller means without one), as last
 * remembered with bus_hall_remember: true with *office, or false when not
 * known. Either way *epoch is what to pass to bus_hall_remember after
 * resolving it in the store. Forgotten when an office's change commits and at
 * each heartbeat (a change made by another process). */
bool bus_hall_lookup(struct bus *bus, const char *code, int64_t *office, uint64_t *epoch);
/* Remembers that code names hall office (> 0), unless the halls were
 * forgotten since the bus_hall_lookup that gave epoch. */
void bus_hall_remember(struct bus *bus, const char *code, int64_t office, uint64_t epoch);

/* A subscriber for conn to the events of hall office (events.office_id: a
 * board of one centre never gets another's), resuming after last_event_id
 * (-1: none given) with that hall's events and snapshot, on behalf of who
 * (authenticated with token, which the sub keeps a copy of for
 * bus_recheck) from address. Before refusing for a full limit it lets go of
 * the streams whose clients have gone. Returns NULL with err filled
 * (MC_ERR_RATE_LIMITED, retry_after set) when the principal, the address or
 * the server already has as many live streams as it may, or
 * MC_ERR_UNAVAILABLE when the bus is shutting down. */
struct sse_sub *bus_subscribe(struct bus *bus, struct MHD_Connection *conn,
                              const struct principal *who, int64_t office, const char *token,
                              const char *address, int64_t last_event_id, struct mc_error *err);
/* The streaming response of sub (the caller queues and destroys it). */
struct MHD_Response *bus_response(struct bus *bus, struct sse_sub *sub);
/* Called when the connection is done; frees sub. */
void bus_unsubscribe(struct bus *bus, struct sse_sub *sub);
/* Devices, accounts or sessions changed: every stream checks its token again
 * at its next read (resumed now) and ends when the token no longer resolves
 * to the same principal with the same role (retired, deactivated, role
 * changed, logged out). */
void bus_recheck(struct bus *bus);
/* Subscribers connected now. */
int bus_subscriber_count(struct bus *bus);

/* A copy of the details JSON of a stream event as the public may see it: a
 * ticket's "priority" (its class, or null) becomes true or false. Newly
 * allocated; the caller frees it. Text that is not a JSON object is copied. */
char *bus_public_details(const char *details);

#endif
