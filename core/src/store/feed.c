#include "store/feed.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "store/scan.h"
#include "store/store_internal.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* Events handed to the hook in one call at most. */
#define FEED_CHUNK 256
/* The listener looks at the table at least this often (milliseconds). */
#define FEED_POLL_MS 2000

struct store_feed {
	struct store *st;
	/* Serialises deliveries and guards delivered: the hook sees events in
	 * order and each once, whichever thread delivers. */
	pthread_mutex_t lock;
	int64_t delivered; /* lock: the last event id handed to the hook */
	pthread_t thread;  /* the listener */
	atomic_bool stop;  /* set by store_feed_stop; read by the listener */
	struct db *listen; /* the listener thread's own connection */
};

/* The last event id committed, 0 when none or unreadable. */
static int64_t feed_last_id(struct store *st)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT coalesce(max(id), 0) FROM events");
	int step;
	int64_t id = s && store_next(s, &step) ? db_column_int64(s, 0) : 0;
	if (s)
		db_reset(s);
	return id;
}

/* Reads up to FEED_CHUNK events after f->delivered into evs (strings owned
 * by the statement: valid until its reset); their count, or -1 on a read
 * error. Under f->lock. */
static int feed_read(struct store_feed *f, db_stmt *s, struct store_event *evs)
{
	db_bind_int64(s, 1, f->delivered);
	db_bind_int64(s, 2, FEED_CHUNK);
	int n = 0, step;
	while (n < FEED_CHUNK && store_next(s, &step)) {
		evs[n] = (struct store_event){
		    .id = db_column_int64(s, 0),
		    .at = db_column_int64(s, 1),
		    .entity = xstrdup(store_col_text(s, 2)),
		    .action = xstrdup(store_col_text(s, 3)),
		    .details = xstrdup(store_col_text(s, 4)),
		    .stream = db_column_int(s, 5) != 0,
		    .office_id = db_column_int64(s, 6),
		};
		n++;
	}
	db_reset(s);
	return step == DB_ROW || step == DB_DONE ? n : -1;
}

static void feed_events_free(struct store_event *evs, int n)
{
	for (int i = 0; i < n; i++) {
		free((char *)evs[i].entity);
		free((char *)evs[i].action);
		free((char *)evs[i].details);
	}
}

void store_feed_deliver(struct store *st)
{
	struct store_feed *f = st->feed;
	if (f == NULL)
		return;
	struct store_event *evs = xcalloc(FEED_CHUNK, sizeof *evs);
	pthread_mutex_lock(&f->lock);
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT id, at, entity, action, details, stream,"
	                           " coalesce(office_id, 0) FROM events WHERE id > ?1"
	                           " ORDER BY id LIMIT ?2");
	int n;
	while (s && (n = feed_read(f, s, evs)) > 0) {
		st->hook(st->hook_ctx, st, evs, (size_t)n);
		f->delivered = evs[n - 1].id;
		feed_events_free(evs, n);
		if (n < FEED_CHUNK)
			break;
	}
	pthread_mutex_unlock(&f->lock);
	free(evs);
}

/* The listener: LISTEN on its own connection, deliver on each notification
 * and every FEED_POLL_MS; a lost connection is made again. */
static void *feed_listen(void *arg)
{
	struct store_feed *f = arg;
	bool listening = false;
	while (!atomic_load(&f->stop)) {
		if (!listening) {
			listening =
			    (db_connection_ok(f->listen) || db_reconnect(f->listen) == DB_OK) &&
			    db_exec(f->listen, "LISTEN " STORE_FEED_CHANNEL) == DB_OK;
			if (!listening) {
				db_wait_notify(f->listen, 0);
				struct timespec pause = {.tv_sec = 0, .tv_nsec = 500 * 1000 * 1000};
				nanosleep(&pause, NULL);
				continue;
			}
		}
		int got = db_wait_notify(f->listen, FEED_POLL_MS);
		if (got < 0)
			listening = false;
		store_feed_deliver(f->st);
	}
	return NULL;
}

void store_feed_start(struct store *st)
{
	struct store_feed *f = xcalloc(1, sizeof *f);
	f->st = st;
	pthread_mutex_init(&f->lock, NULL);
	f->delivered = feed_last_id(st);
	if (db_open(store_path(st), DB_OPEN_READONLY, &f->listen) != DB_OK)
		log_error("store: event feed: %s (retrying)", db_errmsg(f->listen));
	st->feed = f;
	pthread_create(&f->thread, NULL, feed_listen, f);
}

void store_feed_stop(struct store *st)
{
	struct store_feed *f = st->feed;
	if (f == NULL)
		return;
	atomic_store(&f->stop, true);
	pthread_join(f->thread, NULL);
	db_close(f->listen);
	pthread_mutex_destroy(&f->lock);
	st->feed = NULL;
	free(f);
}
