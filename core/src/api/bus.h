/* The event bus: live queue events for Server-Sent Events subscribers, and the
 * in-memory queue snapshot that GET /api/v1/queue serves.
 *
 * The store's commit hook feeds it (in commit order, under the writer lock):
 * each stream event becomes an SSE message with the event's chain id, the
 * snapshot is marked stale (rebuilt at its next read), and every waiting
 * subscriber is resumed. A subscriber
 * first gets the events after its Last-Event-ID (from the store), then a
 * snapshot, then live events; a heartbeat comment keeps idle streams open and
 * lets closed ones be noticed. */
#ifndef MOTCUA_BUS_H
#define MOTCUA_BUS_H

#include <stdint.h>

#include "store/store.h"

struct bus;
struct sse_sub;
struct MHD_Daemon;
struct MHD_Connection;
struct MHD_Response;

struct bus *bus_new(struct store *st, int heartbeat_ms);
/* Starts the heartbeat thread once the daemon runs. */
void bus_attach(struct bus *bus, struct MHD_Daemon *daemon);
/* Ends all streams (their next read ends them) and resumes them. */
void bus_shutdown(struct bus *bus);
void bus_free(struct bus *bus);

/* The current snapshot (rebuilt first if a commit made it stale): newly
 * allocated JSON text and its length. */
char *bus_snapshot(struct bus *bus, size_t *len);

/* A subscriber for conn, resuming after last_event_id (-1: none given). */
struct sse_sub *bus_subscribe(struct bus *bus, struct MHD_Connection *conn, int64_t last_event_id);
/* The streaming response of sub (the caller queues and destroys it). */
struct MHD_Response *bus_response(struct bus *bus, struct sse_sub *sub);
/* Called when the connection is done; frees sub. */
void bus_unsubscribe(struct bus *bus, struct sse_sub *sub);
/* Subscribers connected now. */
int bus_subscriber_count(struct bus *bus);

#endif
