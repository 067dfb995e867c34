/* The notify worker: sends the outbox's messages (store/notify.h) through
 * the channel adapters (api/notify_adapter.h). One thread per channel, so a
 * slow SMS gateway never holds e-mail; each claims its oldest due row (a
 * recipient's messages in order), sends it outside any transaction, and
 * records sent / retry with back-off / dead. A fourth thread runs the
 * periodic scans (store_notify_scan) about once a minute.
 *
 * Each thread looks at the outbox at least once a second (and at once
 * after notify_worker_wake), so a message queued by a commit leaves within
 * about a second when its provider answers. Rows left 'sending' by a crash
 * are queued again at start, before the threads run.
 *
 * Several servers on one PostgreSQL database each run this worker: a claimed
 * row belongs to the thread of the server that claimed it (its instance name
 * on the row, store/store.h "Claims of the background workers") until that
 * thread records the outcome; the others never send it, and a server's start
 * takes back only its own rows left sending (and those past the claim's
 * lease), so each message leaves once. */
#ifndef MOTCUA_API_NOTIFY_WORKER_H
#define MOTCUA_API_NOTIFY_WORKER_H

#include "store/store.h"

struct notify_worker;

/* Recovers the rows left sending (this server's: store_notify_recover),
 * then starts the threads on st. Call after store_instance_set. NULL when
 * a thread cannot be made (nothing left running then). */
struct notify_worker *notify_worker_start(struct store *st);
/* Asks the threads to look at the outbox now (a row was queued). Any
 * thread; NULL is a no-op. */
void notify_worker_wake(struct notify_worker *w);
/* Stops the threads (a send in progress ends within its provider's
 * timeout) and frees everything. NULL is a no-op. */
void notify_worker_stop(struct notify_worker *w);

#endif
