/* The event feed of a shared database (PostgreSQL), store-internal.
 *
 * Several servers may share one PostgreSQL database. Each must hand every
 * committed event, its own and the others', to its commit hook (the live
 * streams, the boards' caches), in commit order, once. Event ids are taken
 * under one advisory lock held to the commit (taken at each write
 * transaction's BEGIN, store_begin_batch, so that no server waits for it
 * while holding rows), so their order is the commit order across servers,
 * without gaps. The feed reads
 * from the events table what its hook has not had yet (id > delivered):
 *  - the committer, right after its batch's COMMIT (before anyone of the
 *    batch is answered, as with SQLite);
 *  - a listener thread, when another server's commit NOTIFYs the channel
 *    (and every few seconds, in case a notification was lost with a
 *    connection).
 * SQLite has no feed: one server owns the file and its hook gets the
 * batch's events from memory. */
#ifndef MOTCUA_STORE_FEED_H
#define MOTCUA_STORE_FEED_H

#include <stdbool.h>

struct store;

/* The channel every commit with events notifies. */
#define STORE_FEED_CHANNEL "motcua_events"

/* Starts the feed of st (PostgreSQL, a hook set): what is already committed
 * counts as delivered. */
void store_feed_start(struct store *st);
/* Stops the listener and frees the feed; NULL feed: nothing. */
void store_feed_stop(struct store *st);
/* Hands the hook every committed event not yet handed, in id order. Any
 * thread; deliveries are serialised by the feed's lock. */
void store_feed_deliver(struct store *st);

#endif
