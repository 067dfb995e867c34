#include "api/bus.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "store/queue.h"
#include "store/stream.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define BUS_RING 1024        /* live messages kept in memory */
#define BUS_REPLAY_MAX 10000 /* events replayed to one reconnecting client */

struct bus_msg {
	int64_t id;
	char *text;
	size_t len;
};

struct sse_sub {
	struct MHD_Connection *conn;
	int64_t last_id;       /* last event id written to pending */
	uint64_t hb_seen;      /* heartbeat generation last written */
	struct strbuf pending; /* bytes produced, not yet taken by MHD */
	size_t pending_off;
	bool suspended;
	LIST_ENTRY(sse_sub) entry;
};

struct bus {
	struct store *st;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct bus_msg ring[BUS_RING];
	size_t ring_next; /* slot the next message goes to */
	size_t ring_len;
	int64_t evicted_max; /* id of the newest message pushed out of the ring */
	char *snapshot;
	size_t snapshot_len;
	int64_t snapshot_event;
	bool snapshot_stale;     /* a commit happened since it was built */
	pthread_mutex_t rebuild; /* one rebuild at a time; others then reuse it */
	LIST_HEAD(, sse_sub) subs;
	int sub_count;
	uint64_t hb_gen;
	bool stopping;
	int heartbeat_ms;
	pthread_t heartbeat;
	bool heartbeat_started;
};

static void bus_format(struct strbuf *out, int64_t id, const char *event, const char *data)
{
	strbuf_printf(out, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)id, event, data);
}

/* Rebuilds the snapshot from the store. Commits only mark it stale, so a
 * burst of writes costs one rebuild at the next read, not one per commit. */
static void bus_refresh_snapshot(struct bus *bus)
{
	int64_t ev = 0;
	pthread_mutex_lock(&bus->rebuild);
	pthread_mutex_lock(&bus->lock);
	bus->snapshot_stale = false;
	pthread_mutex_unlock(&bus->lock);
	char *snap = store_queue_snapshot(bus->st, clock_now(), &ev);
	pthread_mutex_lock(&bus->lock);
	free(bus->snapshot);
	bus->snapshot = snap;
	bus->snapshot_len = strlen(snap);
	bus->snapshot_event = ev;
	pthread_mutex_unlock(&bus->lock);
	pthread_mutex_unlock(&bus->rebuild);
}

/* The current snapshot and its event id, rebuilt first when stale; bus->lock
 * not held. Returns a new copy. */
static char *bus_snapshot_fresh(struct bus *bus, size_t *len, int64_t *event)
{
	pthread_mutex_lock(&bus->lock);
	bool stale = bus->snapshot_stale;
	pthread_mutex_unlock(&bus->lock);
	if (stale)
		bus_refresh_snapshot(bus);
	pthread_mutex_lock(&bus->lock);
	char *copy = xmalloc(bus->snapshot_len + 1);
	memcpy(copy, bus->snapshot, bus->snapshot_len + 1);
	*len = bus->snapshot_len;
	if (event)
		*event = bus->snapshot_event;
	pthread_mutex_unlock(&bus->lock);
	return copy;
}

/* Resumes every suspended subscriber; bus->lock held. */
static void bus_wake_locked(struct bus *bus)
{
	struct sse_sub *s;
	LIST_FOREACH(s, &bus->subs, entry)
	{
		if (s->suspended) {
			s->suspended = false;
			MHD_resume_connection(s->conn);
		}
	}
}

static void bus_on_commit(void *ctx, struct store *st, const struct store_event *evs, size_t count)
{
	struct bus *bus = ctx;
	bool any = false;
	for (size_t i = 0; i < count; i++) {
		if (!evs[i].stream)
			continue;
		struct strbuf sb = STRBUF_INIT;
		bus_format(&sb, evs[i].id, evs[i].action, evs[i].details);
		pthread_mutex_lock(&bus->lock);
		struct bus_msg *m = &bus->ring[bus->ring_next];
		if (m->text)
			bus->evicted_max = m->id;
		free(m->text);
		m->id = evs[i].id;
		m->text = strbuf_detach(&sb, &m->len);
		bus->ring_next = (bus->ring_next + 1) % BUS_RING;
		if (bus->ring_len < BUS_RING)
			bus->ring_len++;
		pthread_mutex_unlock(&bus->lock);
		any = true;
	}
	if (!any)
		return;
	pthread_mutex_lock(&bus->lock);
	bus->snapshot_stale = true;
	bus_wake_locked(bus);
	pthread_mutex_unlock(&bus->lock);
}

static void *bus_heartbeat_main(void *arg)
{
	struct bus *bus = arg;
	pthread_mutex_lock(&bus->lock);
	while (!bus->stopping) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += bus->heartbeat_ms / 1000;
		ts.tv_nsec += (long)(bus->heartbeat_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&bus->cond, &bus->lock, &ts);
		if (bus->stopping)
			break;
		/* Wait ranges and the service day move with time, not only
		 * with events. */
		bus->snapshot_stale = true;
		bus->hb_gen++;
		bus_wake_locked(bus);
	}
	pthread_mutex_unlock(&bus->lock);
	return NULL;
}

struct bus *bus_new(struct store *st, int heartbeat_ms)
{
	struct bus *bus = xcalloc(1, sizeof *bus);
	bus->st = st;
	bus->heartbeat_ms = heartbeat_ms;
	pthread_mutex_init(&bus->lock, NULL);
	pthread_mutex_init(&bus->rebuild, NULL);
	pthread_cond_init(&bus->cond, NULL);
	LIST_INIT(&bus->subs);
	bus_refresh_snapshot(bus);
	store_set_commit_hook(st, bus_on_commit, bus);
	return bus;
}

void bus_attach(struct bus *bus, struct MHD_Daemon *daemon)
{
	(void)daemon;
	if (pthread_create(&bus->heartbeat, NULL, bus_heartbeat_main, bus) == 0)
		bus->heartbeat_started = true;
}

void bus_shutdown(struct bus *bus)
{
	pthread_mutex_lock(&bus->lock);
	bus->stopping = true;
	pthread_cond_broadcast(&bus->cond);
	bus_wake_locked(bus);
	pthread_mutex_unlock(&bus->lock);
	if (bus->heartbeat_started) {
		pthread_join(bus->heartbeat, NULL);
		bus->heartbeat_started = false;
	}
}

void bus_free(struct bus *bus)
{
	if (bus == NULL)
		return;
	store_set_commit_hook(bus->st, NULL, NULL);
	if (bus->heartbeat_started)
		bus_shutdown(bus);
	for (size_t i = 0; i < BUS_RING; i++)
		free(bus->ring[i].text);
	free(bus->snapshot);
	pthread_mutex_destroy(&bus->lock);
	pthread_mutex_destroy(&bus->rebuild);
	pthread_cond_destroy(&bus->cond);
	free(bus);
}

char *bus_snapshot(struct bus *bus, size_t *len)
{
	return bus_snapshot_fresh(bus, len, NULL);
}

static void bus_replay_one(void *ctx, int64_t id, const char *action, const char *details)
{
	struct sse_sub *s = ctx;
	bus_format(&s->pending, id, action, details);
	s->last_id = id;
}

/* Brings s up to date from the store (events after s->last_id). Called
 * without bus->lock: it reads the database. */
static void bus_replay(struct bus *bus, struct sse_sub *s, int64_t upto)
{
	int n;
	int total = 0;
	do {
		n = store_stream_since(bus->st, s->last_id, 500, bus_replay_one, s);
		total += n;
	} while (n == 500 && s->last_id < upto && total < BUS_REPLAY_MAX);
}

struct sse_sub *bus_subscribe(struct bus *bus, struct MHD_Connection *conn, int64_t last_event_id)
{
	struct sse_sub *s = xcalloc(1, sizeof *s);
	size_t len;
	s->conn = conn;
	strbuf_puts(&s->pending, "retry: 2000\n\n");

	int64_t snap_event;
	char *snap = bus_snapshot_fresh(bus, &len, &snap_event);
	if (last_event_id >= 0 && last_event_id < snap_event) {
		s->last_id = last_event_id;
		bus_replay(bus, s, snap_event);
	}
	/* The snapshot as of snap_event; anything later comes from the ring. */
	bus_format(&s->pending, snap_event, "snapshot", snap);
	free(snap);
	if (s->last_id < snap_event)
		s->last_id = snap_event;

	pthread_mutex_lock(&bus->lock);
	s->hb_seen = bus->hb_gen;
	LIST_INSERT_HEAD(&bus->subs, s, entry);
	bus->sub_count++;
	pthread_mutex_unlock(&bus->lock);
	return s;
}

/* Appends to s->pending the ring messages after s->last_id; bus->lock held.
 * Returns false when s fell behind the ring and must replay from the store. */
static bool bus_collect_locked(struct bus *bus, struct sse_sub *s)
{
	if (bus->evicted_max > s->last_id)
		return false;
	size_t oldest = (bus->ring_next + BUS_RING - bus->ring_len) % BUS_RING;
	for (size_t k = 0; k < bus->ring_len; k++) {
		struct bus_msg *m = &bus->ring[(oldest + k) % BUS_RING];
		if (m->id <= s->last_id)
			continue;
		strbuf_append(&s->pending, m->text, m->len);
		s->last_id = m->id;
	}
	return true;
}

/* The content reader is bound to a small context holding both pointers. */
struct bus_stream {
	struct bus *bus;
	struct sse_sub *sub;
};

static ssize_t bus_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct bus_stream *bs = cls;
	struct bus *bus = bs->bus;
	struct sse_sub *s = bs->sub;
	(void)pos;

	if (s->pending_off >= s->pending.len) {
		strbuf_reset(&s->pending);
		s->pending_off = 0;
		pthread_mutex_lock(&bus->lock);
		if (bus->stopping) {
			pthread_mutex_unlock(&bus->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		bool in_ring = bus_collect_locked(bus, s);
		if (s->pending.len == 0 && s->hb_seen != bus->hb_gen) {
			strbuf_puts(&s->pending, ": heartbeat\n\n");
		}
		s->hb_seen = bus->hb_gen;
		if (in_ring && s->pending.len == 0) {
			/* Nothing to say: sleep until bus_wake_locked. */
			s->suspended = true;
			MHD_suspend_connection(s->conn);
			pthread_mutex_unlock(&bus->lock);
			return 0;
		}
		pthread_mutex_unlock(&bus->lock);
		if (!in_ring)
			bus_replay(bus, s, INT64_MAX);
	}
	size_t n = s->pending.len - s->pending_off;
	if (n > max)
		n = max;
	memcpy(buf, s->pending.data + s->pending_off, n);
	s->pending_off += n;
	return (ssize_t)n;
}

static void bus_stream_free(void *cls)
{
	free(cls);
}

struct MHD_Response *bus_response(struct bus *bus, struct sse_sub *sub)
{
	struct bus_stream *bs = xcalloc(1, sizeof *bs);
	bs->bus = bus;
	bs->sub = sub;
	/* A small block: a thousand idle streams each hold one. */
	struct MHD_Response *resp = MHD_create_response_from_callback(
	    MHD_SIZE_UNKNOWN, 2048, bus_stream_read, bs, bus_stream_free);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return resp;
}

void bus_unsubscribe(struct bus *bus, struct sse_sub *sub)
{
	pthread_mutex_lock(&bus->lock);
	LIST_REMOVE(sub, entry);
	bus->sub_count--;
	pthread_mutex_unlock(&bus->lock);
	strbuf_free(&sub->pending);
	free(sub);
}

int bus_subscriber_count(struct bus *bus)
{
	pthread_mutex_lock(&bus->lock);
	int n = bus->sub_count;
	pthread_mutex_unlock(&bus->lock);
	return n;
}
