#include "api/bus.h"
#include "api/present_queue.h"

#include <errno.h>
#include <jansson.h>
#include <malloc.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "store/auth.h"
#include "store/queue.h"
#include "store/stream.h"
#include "util/enforce.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define BUS_RING 1024 /* live messages kept in memory */
/* A reconnect at most this many events behind gets them replayed; further
 * behind (or behind by events of an earlier day) it gets the snapshot only. */
#define BUS_REPLAY_MAX 200
/* Bytes of live messages a stream may leave unread before it is dropped (it
 * reconnects with Last-Event-ID and gets a replay or a snapshot). */
#define BUS_BACKLOG_MAX (128 * 1024)
/* Kernel send buffer of a stream's socket: a client that stops reading holds
 * this much there, not the few megabytes Linux would grow it to. */
#define BUS_SNDBUF (32 * 1024)
/* A pending buffer larger than this is freed, not kept, once sent. */
#define BUS_PENDING_KEEP (16 * 1024)
/* Streams: one principal (a board's token, a clerk), one client address, in
 * all, unless bus_set_limits says otherwise. Beyond them a new stream gets 429
 * and must retry later. */
#define BUS_MAX_PER_PRINCIPAL 8
#define BUS_MAX_PER_ADDRESS 64
#define BUS_MAX_STREAMS 1024
#define BUS_RETRY_AFTER_S 10
/* Bytes freed by streams after which the heartbeat thread hands free memory
 * back to the system (glibc keeps it otherwise). */
#define BUS_TRIM_BYTES (1024 * 1024)
/* What a closed stream gives back besides its buffers (MHD's pool for the
 * connection, roughly): counted toward BUS_TRIM_BYTES. */
#define BUS_CONN_OVERHEAD (32 * 1024)
/* Streams are resumed at most this often (milliseconds): a burst of commits
 * reaches each stream in one write. */
#define BUS_WAKE_MS 20
/* The bus thread looks this often (milliseconds) for streams whose client
 * has gone: a suspended stream is not polled by MHD, so without the look its
 * place would stay taken until the next heartbeat writes to it. */
#define BUS_REAP_MS 1000
/* A staff stream's session (it may idle out or reach its last hour) is
 * checked as the stream wakes, at most this often (milliseconds). */
#define BUS_SESSION_CHECK_MS 1000

/* Halls whose snapshots are kept (least recently read goes first). */
#define BUS_SNAPS 128

struct bus_msg {
	int64_t id;     /* rises with the ring's order (the audit chain's ids) */
	int64_t office; /* the hall it belongs to: only that hall's streams get it */
	char *text;
	size_t len;
};

/* Office codes whose halls are remembered (direct-mapped by a hash of the
 * code: a collision replaces the older one). */
#define BUS_HALL_CODES 256

/* A public office code and the hall it names (bus_hall_lookup). */
struct bus_hall_code {
	char code[72]; /* "" and office 0: a free slot */
	int64_t office;
};

/* One hall's snapshot (see struct bus: gen). All fields are guarded by
 * bus->lock; a slot is filled or emptied only by the holder of bus->rebuild
 * (with bus->lock held too). */
struct bus_snap {
	int64_t office; /* 0: a free slot */
	char *text;
	size_t len;
	int64_t event;
	uint64_t gen;  /* bus->gen when the read it was built from began */
	uint64_t want; /* bus->gen of the last commit of its own hall's events */
	uint64_t used; /* bus->snap_tick at its last read */
};

/* The streams of one hall, so that an event wakes only them: a call at one
 * centre does no work for the streams of another. Created at the first
 * subscribe of its hall and kept (one per hall that ever had a stream);
 * every field is guarded by bus->lock. */
struct bus_centre {
	int64_t office;
	LIST_HEAD(, sse_sub) subs; /* its streams (sse_sub.centre_entry) */
	int64_t evicted_max;       /* id of its newest message pushed out of the ring */
	bool wake;                 /* in bus->wake_list: its streams are resumed next */
};

/* Live streams of one key (a principal, or a client address), so that the
 * limits need no walk over every stream: chained in a table of
 * BUS_COUNT_BUCKETS by a hash of the key, removed when n falls to 0. Guarded
 * by bus->lock. */
#define BUS_COUNT_BUCKETS 4096
struct bus_count {
	struct bus_count *next;
	int n;
	char key[64];
};

/* One stream. Fields marked [lock] are guarded by bus->lock; [reader] ones
 * belong to the thread of the connection's content reader (the MHD worker
 * that owns the connection), and to bus_subscribe until the sub is ready;
 * [const] ones are set before the sub enters bus->subs and never change.
 *
 * The socket fd: MHD owns it (reads, writes, closes it). The bus only looks
 * at it, with bus->lock held, while s is in bus->subs: poll() with no wait
 * (has the client gone?) and shutdown() (end a stream MHD is writing to).
 * Both are safe because MHD closes the socket only after its completion
 * callback has taken s out of bus->subs under that same lock. The bus never
 * reads, writes or closes it. */
struct sse_sub {
	struct MHD_Connection *conn;
	int fd;                     /* [const] the connection's socket, -1 when unknown */
	char principal[32];         /* [const] the token's actor */
	int64_t office;             /* [const] the hall whose events it gets */
	struct bus_centre *centre;  /* [const] that hall's streams, which it is among */
	int64_t scope;              /* [const] the principal's office (0: the province) */
	enum role role;             /* [const] the token's role when the stream opened */
	char token[AUTH_TOKEN_LEN]; /* [const] the bearer token, checked again on bus_recheck */
	char address[64];           /* [const] the client's address */
	bool recheck;               /* [lock] its token is checked again at its next read */
	bool ready;                 /* [lock] its snapshot is written: live messages count */
	int64_t last_id;            /* [lock] last event id written to pending */
	uint64_t hb_seen;           /* [lock] heartbeat generation last written */
	size_t backlog;             /* [lock] bytes of ring messages after last_id */
	bool dropped;               /* [lock] too far behind: its next read ends it */
	bool counted;               /* [lock] counted toward the limits (live, not dropped) */
	bool suspended;             /* [lock] waiting in MHD for bus_wake_locked */
	struct strbuf pending;      /* [reader] bytes produced, not yet taken by MHD */
	size_t pending_off;         /* [reader] */
	int64_t checked_ms;         /* [reader] monotonic time its token was last checked */
	pthread_t reader;           /* [reader] set at the first read */
	bool reader_known;          /* [reader] */
	LIST_ENTRY(sse_sub) entry;  /* [lock] in bus->subs */
	LIST_ENTRY(sse_sub) centre_entry; /* [lock] in centre->subs */
};

/* Shared by the commit hook (writer lock held), the HTTP workers and the
 * heartbeat thread: every field below `lock` is guarded by it, except what
 * `rebuild` guards. Lock order: rebuild, then lock; the writer lock (held
 * by the commit hook) comes before both. */
struct bus {
	struct store *st;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct bus_msg ring[BUS_RING];
	size_t ring_next; /* slot the next message goes to */
	size_t ring_len;
	/* bus->gen counts commits and heartbeats as they happen (after the
	 * commit is visible to readers). A hall's snapshot reflects everything
	 * counted up to its gen. It is fresh while no commit of its own hall's
	 * events (its want), no heartbeat and no commit of the whole province
	 * (all_gen) came later: a write at one centre makes no other centre's
	 * snapshot stale. A commit of a hall that has no kept snapshot raises
	 * missed_gen, the want a new slot starts from (it may have been counted
	 * after its rebuild began). */
	uint64_t gen;
	uint64_t all_gen;    /* last heartbeat or commit of an event of no hall */
	uint64_t missed_gen; /* last commit of a hall without a kept snapshot */
	struct bus_snap snaps[BUS_SNAPS];
	uint64_t snap_tick;
	pthread_mutex_t rebuild; /* one rebuild at a time; others then reuse it */
	/* The halls public codes name, so that GET /api/v1/queue needs no
	 * database read when its snapshot is fresh. Emptied (and hall_epoch
	 * raised) when an office commits and at each heartbeat (a change made
	 * by another process); hall_epoch keeps an answer read before the
	 * emptying from coming back. */
	struct bus_hall_code halls[BUS_HALL_CODES];
	uint64_t hall_epoch;
	LIST_HEAD(, sse_sub) subs;
	int sub_count;
	int live; /* streams counted toward the limits (sse_sub.counted) */
	struct bus_count *by_principal[BUS_COUNT_BUCKETS], *by_address[BUS_COUNT_BUCKETS];
	/* The halls' streams: an open-addressed table by office (never
	 * shrinks; a slot is NULL or a centre), and the halls whose streams
	 * the bus thread resumes next. */
	struct bus_centre **centres;
	size_t centre_cap, centre_count;
	struct bus_centre **wake_list;
	size_t wake_count, wake_cap;
	int max_per_principal, max_per_address, max_streams; /* bus_set_limits */
	long page;         /* the memory page size; set by bus_new, then only read */
	size_t freed;      /* bytes of stream buffers freed since the last trim */
	uint64_t hb_gen;   /* heartbeats so far */
	bool wake_pending; /* commits since the bus thread last resumed streams */
	bool stopping;
	int heartbeat_ms;
	pthread_t heartbeat;
	bool heartbeat_started;
};

static void bus_format(struct strbuf *out, int64_t id, const char *event, const char *data)
{
	strbuf_printf(out, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)id, event, data);
}

char *bus_public_details(const char *details)
{
	json_t *d = json_loads(details, 0, NULL);
	if (!json_is_object(d)) {
		json_decref(d);
		return xstrdup(details);
	}
	json_t *t = json_object_get(d, "ticket");
	json_t *p = json_is_object(t) ? json_object_get(t, "priority") : NULL;
	if (p && !json_is_boolean(p))
		json_object_set_new(t, "priority", json_boolean(!json_is_null(p)));
	char *text = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	return text ? text : xstrdup(details);
}

/* The kept snapshot of hall office, or NULL; bus->lock held. */
static struct bus_snap *bus_snap_find_locked(struct bus *bus, int64_t office)
{
	for (size_t i = 0; i < BUS_SNAPS; i++)
		if (bus->snaps[i].text && bus->snaps[i].office == office)
			return &bus->snaps[i];
	return NULL;
}

/* The slot for a new snapshot of office: its own, a free one, else the least
 * recently read (emptied); bus->lock held. */
static struct bus_snap *bus_snap_slot_locked(struct bus *bus, int64_t office)
{
	/* Slots are filled only by the one rebuild at a time (struct
	 * bus_snap): the lock is held here, by this thread. */
	ENFORCE(pthread_mutex_trylock(&bus->rebuild) == EBUSY,
	        "a snapshot stored outside a rebuild");
	struct bus_snap *sn = bus_snap_find_locked(bus, office), *old = NULL;
	if (sn)
		return sn;
	for (size_t i = 0; i < BUS_SNAPS; i++) {
		sn = &bus->snaps[i];
		if (sn->text == NULL)
			return sn;
		if (old == NULL || sn->used < old->used)
			old = sn;
	}
	free(old->text);
	*old = (struct bus_snap){0};
	return old;
}

/* The slot of code in bus->halls. */
static struct bus_hall_code *bus_hall_slot(struct bus *bus, const char *code)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)code; *p; p++)
		h = (h ^ *p) * 16777619u;
	return &bus->halls[h % BUS_HALL_CODES];
}

/* Forgets every remembered hall; bus->lock held. */
static void bus_halls_forget_locked(struct bus *bus)
{
	memset(bus->halls, 0, sizeof bus->halls);
	bus->hall_epoch++;
}

bool bus_hall_lookup(struct bus *bus, const char *code, int64_t *office, uint64_t *epoch)
{
	bool found = false;
	pthread_mutex_lock(&bus->lock);
	struct bus_hall_code *h = bus_hall_slot(bus, code);
	if (h->office && strcmp(h->code, code) == 0) {
		*office = h->office;
		found = true;
	}
	*epoch = bus->hall_epoch;
	pthread_mutex_unlock(&bus->lock);
	return found;
}

void bus_hall_remember(struct bus *bus, const char *code, int64_t office, uint64_t epoch)
{
	if (office <= 0 || strlen(code) >= sizeof bus->halls[0].code)
		return;
	pthread_mutex_lock(&bus->lock);
	if (epoch == bus->hall_epoch) {
		struct bus_hall_code *h = bus_hall_slot(bus, code);
		snprintf(h->code, sizeof h->code, "%s", code);
		h->office = office;
	}
	pthread_mutex_unlock(&bus->lock);
}

/* Whether snapshot sn reflects every commit of its hall counted in bus->gen
 * so far; bus->lock held. */
static bool bus_snap_fresh_locked(const struct bus *bus, const struct bus_snap *sn)
{
	return sn && sn->gen >= sn->want && sn->gen >= bus->all_gen;
}

/* Copies snapshot sn (and marks it read); bus->lock held. */
static char *bus_snapshot_copy_locked(struct bus *bus, struct bus_snap *sn, size_t *len,
                                      int64_t *event)
{
	char *copy = xmalloc(sn->len + 1);
	memcpy(copy, sn->text, sn->len + 1);
	*len = sn->len;
	if (event)
		*event = sn->event;
	sn->used = ++bus->snap_tick;
	return copy;
}

/* A copy of hall office's snapshot at least as fresh as the moment of the
 * call, and its event id; bus->lock not held. Commits only count (gen), so
 * a burst of writes costs one rebuild at the next read, not one per commit;
 * concurrent readers wait for one rebuild and share it. */
static char *bus_snapshot_fresh(struct bus *bus, int64_t office, size_t *len, int64_t *event)
{
	char *copy = NULL;
	pthread_mutex_lock(&bus->lock);
	struct bus_snap *sn = bus_snap_find_locked(bus, office);
	if (bus_snap_fresh_locked(bus, sn))
		copy = bus_snapshot_copy_locked(bus, sn, len, event);
	pthread_mutex_unlock(&bus->lock);
	if (copy)
		return copy;

	pthread_mutex_lock(&bus->rebuild);
	pthread_mutex_lock(&bus->lock);
	sn = bus_snap_find_locked(bus, office);
	if (bus_snap_fresh_locked(bus, sn)) {
		/* Someone rebuilt it while we waited (or the commits counted
		 * since were of other halls). */
		copy = bus_snapshot_copy_locked(bus, sn, len, event);
		pthread_mutex_unlock(&bus->lock);
		pthread_mutex_unlock(&bus->rebuild);
		return copy;
	}
	/* Every commit counted in gen is visible to a read that starts now. */
	uint64_t built = bus->gen;
	pthread_mutex_unlock(&bus->lock);
	int64_t ev = 0;
	char *snap = NULL;
	if (present_queue_snapshot_text(bus->st, office, clock_now(), &snap, &ev, NULL) != MC_OK) {
		/* The store cannot be read (logged there). Screens keep the last good
		 * snapshot; the next read tries again, as this one counts for no
		 * commit. Before any, an empty queue stands in. */
		pthread_mutex_lock(&bus->lock);
		sn = bus_snap_find_locked(bus, office);
		if (sn)
			copy = bus_snapshot_copy_locked(bus, sn, len, event);
		pthread_mutex_unlock(&bus->lock);
		if (copy) {
			pthread_mutex_unlock(&bus->rebuild);
			return copy;
		}
		snap = xstrdup("{\"event_id\":0,\"groups\":[],\"counters\":[],"
		               "\"recent_calls\":[]}");
		built = 0;
	}
	pthread_mutex_lock(&bus->lock);
	sn = bus_snap_slot_locked(bus, office);
	ENFORCE(sn->text == NULL || built >= sn->gen, "snapshot rebuilt out of order");
	if (sn->text == NULL)
		/* A new slot: a commit of this hall counted after `built` was
		 * read had no slot to mark, only missed_gen. */
		sn->want = bus->missed_gen;
	free(sn->text);
	sn->office = office;
	sn->text = snap;
	sn->len = strlen(snap);
	sn->event = ev;
	sn->gen = built;
	copy = bus_snapshot_copy_locked(bus, sn, len, event);
	pthread_mutex_unlock(&bus->lock);
	pthread_mutex_unlock(&bus->rebuild);
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

/* The table slot of hall office: the one holding it, or the empty one where
 * it would go; bus->lock held, bus->centre_cap > 0. */
static struct bus_centre **bus_centre_slot(struct bus *bus, int64_t office)
{
	size_t i = ((uint64_t)office * 0x9E3779B97F4A7C15u) >> 32;
	for (;; i++) {
		struct bus_centre **c = &bus->centres[i & (bus->centre_cap - 1)];
		if (*c == NULL || (*c)->office == office)
			return c;
	}
}

/* The streams of hall office, or NULL when it never had one; bus->lock
 * held. */
static struct bus_centre *bus_centre_find_locked(struct bus *bus, int64_t office)
{
	return bus->centre_cap ? *bus_centre_slot(bus, office) : NULL;
}

/* The streams of hall office, made (empty) when new; bus->lock held. Never
 * NULL; owned by the bus (freed in bus_free). */
static struct bus_centre *bus_centre_get_locked(struct bus *bus, int64_t office)
{
	ENFORCE(pthread_mutex_trylock(&bus->lock) == EBUSY, "the halls' streams changed unlocked");
	struct bus_centre *c = bus_centre_find_locked(bus, office);
	if (c)
		return c;
	if (2 * (bus->centre_count + 1) > bus->centre_cap) {
		/* Grow (at most half full), placing every hall again. */
		struct bus_centre **old = bus->centres;
		size_t old_cap = bus->centre_cap;
		bus->centre_cap = old_cap ? 2 * old_cap : 64;
		bus->centres = xcalloc(bus->centre_cap, sizeof *bus->centres);
		for (size_t i = 0; i < old_cap; i++)
			if (old[i])
				*bus_centre_slot(bus, old[i]->office) = old[i];
		free(old);
	}
	c = xcalloc(1, sizeof *c);
	c->office = office;
	LIST_INIT(&c->subs);
	*bus_centre_slot(bus, office) = c;
	bus->centre_count++;
	return c;
}

/* Resumes the suspended streams of the halls on the wake list and empties
 * it; bus->lock held. */
static void bus_wake_centres_locked(struct bus *bus)
{
	for (size_t i = 0; i < bus->wake_count; i++) {
		struct bus_centre *c = bus->wake_list[i];
		c->wake = false;
		struct sse_sub *s;
		LIST_FOREACH(s, &c->subs, centre_entry)
		{
			if (s->suspended) {
				s->suspended = false;
				MHD_resume_connection(s->conn);
			}
		}
	}
	bus->wake_count = 0;
}

/* Puts hall c on the wake list (once); bus->lock held. */
static void bus_wake_later_locked(struct bus *bus, struct bus_centre *c)
{
	ENFORCE(pthread_mutex_trylock(&bus->lock) == EBUSY, "the wake list changed unlocked");
	if (c->wake)
		return;
	if (bus->wake_count == bus->wake_cap) {
		bus->wake_cap = bus->wake_cap ? 2 * bus->wake_cap : 16;
		bus->wake_list = xrealloc(bus->wake_list, bus->wake_cap * sizeof *bus->wake_list);
	}
	c->wake = true;
	bus->wake_list[bus->wake_count++] = c;
}

/* The link in table that holds key's count, or the NULL link where it would
 * go; bus->lock held. */
static struct bus_count **bus_count_link(struct bus_count **table, const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	struct bus_count **pp = &table[h % BUS_COUNT_BUCKETS];
	while (*pp && strcmp((*pp)->key, key) != 0)
		pp = &(*pp)->next;
	return pp;
}

/* Adds delta (+1 or -1) to key's count in table; bus->lock held. */
static void bus_count_add_locked(struct bus_count **table, const char *key, int delta)
{
	struct bus_count **pp = bus_count_link(table, key);
	if (*pp == NULL) {
		ENFORCE(delta > 0, "a stream uncounted that was never counted");
		*pp = xcalloc(1, sizeof **pp);
		snprintf((*pp)->key, sizeof(*pp)->key, "%s", key);
	}
	(*pp)->n += delta;
	if ((*pp)->n <= 0) {
		struct bus_count *gone = *pp;
		*pp = gone->next;
		free(gone);
	}
}

/* Counts stream s toward the limits; bus->lock held. */
static void bus_count_in_locked(struct bus *bus, struct sse_sub *s)
{
	ENFORCE(pthread_mutex_trylock(&bus->lock) == EBUSY, "stream counts changed unlocked");
	s->counted = true;
	bus->live++;
	bus_count_add_locked(bus->by_principal, s->principal, 1);
	bus_count_add_locked(bus->by_address, s->address, 1);
}

/* Stops counting stream s (it is ending); bus->lock held. */
static void bus_uncount_locked(struct bus *bus, struct sse_sub *s)
{
	if (!s->counted)
		return;
	s->counted = false;
	bus->live--;
	bus_count_add_locked(bus->by_principal, s->principal, -1);
	bus_count_add_locked(bus->by_address, s->address, -1);
}

/* Ends stream s (why: for the log); bus->lock held. A suspended one is
 * resumed and its next read ends it; one stuck on a full socket is shut
 * down, which MHD sees as the client leaving (the socket stays open, and fd
 * valid, until its completion callback has taken s out of bus->subs). A
 * dropped stream no longer counts toward the stream limits. */
static void bus_drop_locked(struct bus *bus, struct sse_sub *s, const char *why)
{
	if (s->dropped)
		return;
	s->dropped = true;
	bus_uncount_locked(bus, s);
	log_info("bus: dropping a stream of %s from %s: %s", s->principal, s->address, why);
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	} else if (s->fd >= 0) {
		shutdown(s->fd, SHUT_RDWR);
	}
}

/* Drops every stream whose client has hung up (its socket reports the peer
 * closed, or an error); bus->lock held (which keeps each fd open, see struct
 * sse_sub). One poll() over all of them, without waiting. Returns how many
 * it dropped. */
static int bus_reap_locked(struct bus *bus)
{
	int n = 0, dropped = 0;
	struct sse_sub *s;
	LIST_FOREACH(s, &bus->subs, entry)
	n += (s->ready && !s->dropped && s->fd >= 0) ? 1 : 0;
	if (n == 0)
		return 0;
	struct pollfd *fds = xcalloc((size_t)n, sizeof *fds);
	struct sse_sub **of = xcalloc((size_t)n, sizeof *of);
	int k = 0;
	LIST_FOREACH(s, &bus->subs, entry)
	{
		if (!(s->ready && !s->dropped && s->fd >= 0))
			continue;
		fds[k].fd = s->fd;
		fds[k].events = POLLRDHUP;
		of[k++] = s;
	}
	if (poll(fds, (nfds_t)n, 0) > 0) {
		for (k = 0; k < n; k++) {
			if (fds[k].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) {
				bus_drop_locked(bus, of[k], "the client has gone");
				dropped++;
			}
		}
	}
	free(fds);
	free(of);
	return dropped;
}

static void bus_on_commit(void *ctx, struct store *st, const struct store_event *evs, size_t count)
{
	struct bus *bus = ctx;
	(void)st;
	size_t n = 0;
	bool offices = false;
	for (size_t i = 0; i < count; i++) {
		n += evs[i].stream ? 1 : 0;
		/* store/office.c and store/setup.c audit an office's change so. */
		offices = offices || (evs[i].entity && (strcmp(evs[i].entity, "office_unit") == 0 ||
		                                        strcmp(evs[i].entity, "office") == 0));
	}
	if (offices) {
		pthread_mutex_lock(&bus->lock);
		bus_halls_forget_locked(bus);
		pthread_mutex_unlock(&bus->lock);
	}
	if (n == 0)
		return;
	/* Formatted before taking the lock: readers wait less. */
	struct bus_msg *msgs = xcalloc(n, sizeof *msgs);
	size_t k = 0;
	for (size_t i = 0; i < count; i++) {
		if (!evs[i].stream)
			continue;
		struct strbuf sb = STRBUF_INIT;
		char *pub = bus_public_details(evs[i].details);
		bus_format(&sb, evs[i].id, evs[i].action, pub);
		free(pub);
		msgs[k].id = evs[i].id;
		msgs[k].office = evs[i].office_id;
		msgs[k].text = strbuf_detach(&sb, &msgs[k].len);
		k++;
	}
	pthread_mutex_lock(&bus->lock);
	for (k = 0; k < n; k++) {
		struct bus_msg *m = &bus->ring[bus->ring_next];
		if (m->text) {
			struct bus_centre *c = bus_centre_find_locked(bus, m->office);
			if (c)
				c->evicted_max = m->id;
		}
		free(m->text);
		*m = msgs[k];
		bus->ring_next = (bus->ring_next + 1) % BUS_RING;
		if (bus->ring_len < BUS_RING)
			bus->ring_len++;
	}
	/* Only the snapshots of the halls of these events go stale. */
	bus->gen++;
	for (k = 0; k < n; k++) {
		struct bus_snap *sn =
		    msgs[k].office ? bus_snap_find_locked(bus, msgs[k].office) : NULL;
		if (msgs[k].office == 0)
			bus->all_gen = bus->gen;
		else if (sn)
			sn->want = bus->gen;
		else
			bus->missed_gen = bus->gen;
	}
	/* Only the streams of these events' halls are touched: the others'
	 * cost nothing. */
	for (k = 0; k < n; k++) {
		struct bus_centre *c = bus_centre_find_locked(bus, msgs[k].office);
		if (c == NULL)
			continue;
		struct sse_sub *s;
		LIST_FOREACH(s, &c->subs, centre_entry)
		{
			if (!s->ready)
				continue;
			s->backlog += msgs[k].len;
			if (s->backlog > BUS_BACKLOG_MAX)
				bus_drop_locked(bus, s, "too far behind");
		}
		bus_wake_later_locked(bus, c);
	}
	if (bus->heartbeat_started) {
		/* The bus thread resumes the streams, at most every
		 * BUS_WAKE_MS: a burst of commits costs each stream one
		 * write, and the writer lock is not held for it. */
		bus->wake_pending = true;
		pthread_cond_signal(&bus->cond);
	} else {
		bus_wake_centres_locked(bus);
	}
	pthread_mutex_unlock(&bus->lock);
	free(msgs);
}

/* A monotonic clock in milliseconds. */
static int64_t bus_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ts advanced by ms milliseconds. */
static struct timespec bus_ts_add(struct timespec ts, int ms)
{
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* The bus thread: resumes the streams after commits (coalesced, see
 * bus_on_commit), ends streams whose clients have gone (every BUS_REAP_MS),
 * sends heartbeats, hands freed memory back. */
static void *bus_heartbeat_main(void *arg)
{
	struct bus *bus = arg;
	struct timespec now, next_beat, next_reap;
	clock_gettime(CLOCK_REALTIME, &now);
	next_beat = bus_ts_add(now, bus->heartbeat_ms);
	next_reap = bus_ts_add(now, BUS_REAP_MS);
	pthread_mutex_lock(&bus->lock);
	while (!bus->stopping) {
		bool reap_first =
		    next_reap.tv_sec < next_beat.tv_sec ||
		    (next_reap.tv_sec == next_beat.tv_sec && next_reap.tv_nsec < next_beat.tv_nsec);
		if (!bus->wake_pending)
			pthread_cond_timedwait(&bus->cond, &bus->lock,
			                       reap_first ? &next_reap : &next_beat);
		if (bus->stopping)
			break;
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec > next_reap.tv_sec ||
		    (now.tv_sec == next_reap.tv_sec && now.tv_nsec >= next_reap.tv_nsec)) {
			next_reap = bus_ts_add(now, BUS_REAP_MS);
			bus_reap_locked(bus);
		}
		if (bus->wake_pending) {
			bus->wake_pending = false;
			bus_wake_centres_locked(bus);
			/* Let the next commits gather before waking again. */
			pthread_mutex_unlock(&bus->lock);
			struct timespec pause = {0, BUS_WAKE_MS * 1000000L};
			nanosleep(&pause, NULL);
			pthread_mutex_lock(&bus->lock);
		}
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec < next_beat.tv_sec ||
		    (now.tv_sec == next_beat.tv_sec && now.tv_nsec < next_beat.tv_nsec))
			continue;
		next_beat = bus_ts_add(now, bus->heartbeat_ms);
		/* Wait ranges and the service day move with time, not only
		 * with events. */
		bus->gen++;
		bus->all_gen = bus->gen;
		bus->hb_gen++;
		bus_halls_forget_locked(bus);
		bus_wake_locked(bus);
		if (bus->freed >= BUS_TRIM_BYTES) {
			/* Streams came and went: give their buffers back. */
			bus->freed = 0;
			pthread_mutex_unlock(&bus->lock);
			malloc_trim(0);
			pthread_mutex_lock(&bus->lock);
		}
	}
	pthread_mutex_unlock(&bus->lock);
	return NULL;
}

struct bus *bus_new(struct store *st, int heartbeat_ms)
{
	struct bus *bus = xcalloc(1, sizeof *bus);
	bus->st = st;
	bus->heartbeat_ms = heartbeat_ms;
	bus->max_per_principal = BUS_MAX_PER_PRINCIPAL;
	bus->max_per_address = BUS_MAX_PER_ADDRESS;
	bus->max_streams = BUS_MAX_STREAMS;
	bus->page = sysconf(_SC_PAGESIZE);
	pthread_mutex_init(&bus->lock, NULL);
	pthread_mutex_init(&bus->rebuild, NULL);
	pthread_cond_init(&bus->cond, NULL);
	LIST_INIT(&bus->subs);
	store_set_commit_hook(st, bus_on_commit, bus);
	return bus;
}

void bus_set_limits(struct bus *bus, int per_principal, int per_address, int all)
{
	pthread_mutex_lock(&bus->lock);
	if (per_principal > 0)
		bus->max_per_principal = per_principal;
	if (per_address > 0)
		bus->max_per_address = per_address;
	if (all > 0)
		bus->max_streams = all;
	pthread_mutex_unlock(&bus->lock);
}

void bus_attach(struct bus *bus, struct MHD_Daemon *daemon)
{
	(void)daemon;
	bool started = pthread_create(&bus->heartbeat, NULL, bus_heartbeat_main, bus) == 0;
	pthread_mutex_lock(&bus->lock);
	bus->heartbeat_started = started;
	pthread_mutex_unlock(&bus->lock);
}

void bus_shutdown(struct bus *bus)
{
	pthread_mutex_lock(&bus->lock);
	bus->stopping = true;
	pthread_cond_broadcast(&bus->cond);
	bus_wake_locked(bus);
	pthread_mutex_unlock(&bus->lock);
	pthread_mutex_lock(&bus->lock);
	bool started = bus->heartbeat_started;
	bus->heartbeat_started = false;
	pthread_mutex_unlock(&bus->lock);
	if (started)
		pthread_join(bus->heartbeat, NULL);
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
	for (size_t i = 0; i < BUS_SNAPS; i++)
		free(bus->snaps[i].text);
	for (size_t i = 0; i < bus->centre_cap; i++)
		free(bus->centres[i]);
	for (size_t i = 0; i < BUS_COUNT_BUCKETS; i++) {
		for (struct bus_count *c = bus->by_principal[i], *next; c; c = next) {
			next = c->next;
			free(c);
		}
		for (struct bus_count *c = bus->by_address[i], *next; c; c = next) {
			next = c->next;
			free(c);
		}
	}
	free(bus->centres);
	free(bus->wake_list);
	pthread_mutex_destroy(&bus->lock);
	pthread_mutex_destroy(&bus->rebuild);
	pthread_cond_destroy(&bus->cond);
	free(bus);
}

char *bus_snapshot(struct bus *bus, int64_t office, size_t *len)
{
	return bus_snapshot_fresh(bus, office, len, NULL);
}

/* The replay of one reconnect, built aside: kept only when short and all of
 * today. */
struct bus_replay {
	struct strbuf out;
	int64_t day_start; /* epoch seconds of the office day's midnight */
	int64_t last_id;
	bool old; /* an event of an earlier day */
};

static void bus_replay_one(void *ctx, int64_t id, int64_t at, const char *action,
                           const char *details)
{
	struct bus_replay *rp = ctx;
	if (at < rp->day_start)
		rp->old = true;
	char *pub = bus_public_details(details);
	bus_format(&rp->out, id, action, pub);
	free(pub);
	rp->last_id = id;
}

/* Appends to s->pending the events after last_event_id up to snap_event when
 * there are at most BUS_REPLAY_MAX of them, all of today; otherwise nothing
 * (the snapshot that follows is the whole truth). Reads the database;
 * bus->lock not held. */
static void bus_replay(struct bus *bus, struct sse_sub *s, int64_t last_event_id,
                       int64_t snap_event)
{
	int64_t now = clock_now();
	int64_t local = now + CLOCK_OFFICE_UTC_OFFSET;
	int64_t day_secs = ((local % 86400) + 86400) % 86400;
	struct bus_replay rp = {.out = STRBUF_INIT, .day_start = now - day_secs};
	int n = store_stream_since(bus->st, s->scope, s->office, last_event_id, snap_event,
	                           BUS_REPLAY_MAX + 1, bus_replay_one, &rp);
	if (n >= 0 && n <= BUS_REPLAY_MAX && !rp.old && rp.out.len > 0)
		strbuf_append(&s->pending, rp.out.data, rp.out.len);
	strbuf_free(&rp.out);
}

/* Counts the live streams of principal, of address and in all (dropped
 * ones are ending and count for nothing); bus->lock held. */
static void bus_count_locked(struct bus *bus, const char *principal, const char *address,
                             int *of_principal, int *of_address, int *of_all)
{
	struct bus_count *p = *bus_count_link(bus->by_principal, principal);
	struct bus_count *a = *bus_count_link(bus->by_address, address);
	*of_principal = p ? p->n : 0;
	*of_address = a ? a->n : 0;
	*of_all = bus->live;
}

struct sse_sub *bus_subscribe(struct bus *bus, struct MHD_Connection *conn,
                              const struct principal *who, int64_t office, const char *token,
                              const char *address, int64_t last_event_id, struct mc_error *err)
{
	struct sse_sub *s = xcalloc(1, sizeof *s);
	s->conn = conn;
	s->office = office;
	s->scope = who ? who->office_id : 0;
	s->fd = -1;
	snprintf(s->principal, sizeof s->principal, "%s", who ? who->actor : "");
	s->role = who ? who->role : ROLE_NONE;
	snprintf(s->token, sizeof s->token, "%s", token ? token : "");
	snprintf(s->address, sizeof s->address, "%s", address ? address : "");
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci) {
		int sndbuf = BUS_SNDBUF;
		s->fd = ci->connect_fd;
		setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	}

	/* Counted from here on, so concurrent subscribes see each other. */
	pthread_mutex_lock(&bus->lock);
	int of_principal, of_address, of_all;
	bus_count_locked(bus, s->principal, s->address, &of_principal, &of_address, &of_all);
	const int max_principal = bus->max_per_principal, max_address = bus->max_per_address,
	          max_all = bus->max_streams;
	if (of_principal >= max_principal || of_address >= max_address || of_all >= max_all) {
		/* Full: streams whose clients have gone (a reloaded page) may
		 * still hold places; let them go before saying no. */
		if (bus_reap_locked(bus) > 0)
			bus_count_locked(bus, s->principal, s->address, &of_principal, &of_address,
			                 &of_all);
	}
	enum mc_err rc = MC_OK;
	if (bus->stopping)
		rc = mc_fail(err, MC_ERR_UNAVAILABLE, "shutting_down", "Máy chủ đang dừng",
		             "The server is stopping");
	else if (of_principal >= max_principal)
		rc = mc_failf(err, MC_ERR_RATE_LIMITED, "too_many_streams",
		              "Thiết bị hoặc tài khoản này đã mở quá nhiều luồng sự kiện",
		              "This token already has %d event streams open", max_principal);
	else if (of_address >= max_address)
		rc = mc_failf(err, MC_ERR_RATE_LIMITED, "too_many_streams",
		              "Địa chỉ này đã mở quá nhiều luồng sự kiện",
		              "This address already has %d event streams open", max_address);
	else if (of_all >= max_all)
		rc = mc_failf(err, MC_ERR_RATE_LIMITED, "too_many_streams",
		              "Máy chủ đã có quá nhiều luồng sự kiện",
		              "The server already has %d event streams open", max_all);
	if (rc != MC_OK) {
		pthread_mutex_unlock(&bus->lock);
		if (rc == MC_ERR_RATE_LIMITED && err)
			err->retry_after = BUS_RETRY_AFTER_S;
		explicit_bzero(s->token, sizeof s->token);
		free(s);
		return NULL;
	}
	LIST_INSERT_HEAD(&bus->subs, s, entry);
	bus_count_in_locked(bus, s);
	s->centre = bus_centre_get_locked(bus, office);
	LIST_INSERT_HEAD(&s->centre->subs, s, centre_entry);
	bus->sub_count++;
	pthread_mutex_unlock(&bus->lock);

	strbuf_puts(&s->pending, "retry: 2000\n\n");
	size_t len;
	int64_t snap_event;
	char *snap = bus_snapshot_fresh(bus, office, &len, &snap_event);
	if (last_event_id >= 0 && last_event_id < snap_event)
		bus_replay(bus, s, last_event_id, snap_event);
	/* The snapshot as of snap_event; anything later comes from the ring. */
	bus_format(&s->pending, snap_event, "snapshot", snap);
	free(snap);
	s->checked_ms = bus_mono_ms(); /* the request's token was just resolved */

	pthread_mutex_lock(&bus->lock);
	s->last_id = snap_event;
	s->hb_seen = bus->hb_gen;
	s->ready = true;
	pthread_mutex_unlock(&bus->lock);
	return s;
}

/* Appends to s->pending the ring messages of its hall after s->last_id (the
 * others are passed over: last_id moves past them too); bus->lock held.
 * Returns false when s fell behind the ring (it must reconnect). */
static bool bus_collect_locked(struct bus *bus, struct sse_sub *s)
{
	/* Only its own hall's messages matter: others may have left the ring
	 * (its streams are not woken for them, so last_id lags behind them). */
	if (s->centre->evicted_max > s->last_id)
		return false;
	size_t oldest = (bus->ring_next + BUS_RING - bus->ring_len) % BUS_RING;
	/* The first message after last_id: ids rise along the ring. */
	size_t lo = 0, hi = bus->ring_len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (bus->ring[(oldest + mid) % BUS_RING].id <= s->last_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < bus->ring_len; k++) {
		struct bus_msg *m = &bus->ring[(oldest + k) % BUS_RING];
		if (m->id <= s->last_id)
			continue;
		if (m->office == s->office)
			strbuf_append(&s->pending, m->text, m->len);
		s->last_id = m->id;
	}
	s->backlog = 0;
	return true;
}

/* Whether s's token still resolves to the principal and role it opened the
 * stream with (not when the device or account was retired, the role changed
 * or the session ended). Reads the database; bus->lock not held. */
static bool bus_token_still_valid(struct bus *bus, struct sse_sub *s)
{
	struct principal who;
	if (!store_token_check(bus->st, s->token, &who))
		return false;
	return strcmp(who.actor, s->principal) == 0 && who.role == s->role;
}

/* Gives back to the kernel the whole pages of [buf, buf + max), the window an
 * idle stream's content reader was offered and left unwritten. With chunked
 * encoding (every HTTP/1.1 client) that window is the free part of the
 * connection's libmicrohttpd memory pool: MHD 0.9.75 zeroes half the pool
 * (16 KiB) as the request turns into the answer and lends the rest to the
 * writer, so each stream would keep about 24 KiB resident for its life. The
 * window holds nothing MHD reads again (it writes there before it sends);
 * MADV_DONTNEED turns its pages back into untouched zero pages, private
 * anonymous memory either way (a malloc'ed pool or an mmap'ed one). Pages
 * partly outside the window are left alone. */
static void bus_release_window(const struct bus *bus, char *buf, size_t max)
{
	const long page = bus->page;
	if (page <= 0)
		return;
	uintptr_t from = ((uintptr_t)buf + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	uintptr_t to = ((uintptr_t)buf + max) & ~((uintptr_t)page - 1);
	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
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

	if (!s->reader_known) {
		s->reader = pthread_self();
		s->reader_known = true;
	}
	ENFORCE(pthread_equal(s->reader, pthread_self()), "a stream read from two threads");
	if (s->pending_off >= s->pending.len) {
		size_t freed = 0;
		if (s->pending.cap > BUS_PENDING_KEEP) {
			/* A replay or a burst: do not keep its size. */
			freed = s->pending.cap;
			strbuf_free(&s->pending);
		} else {
			strbuf_reset(&s->pending);
		}
		s->pending_off = 0;
		pthread_mutex_lock(&bus->lock);
		bool check = s->recheck;
		s->recheck = false;
		pthread_mutex_unlock(&bus->lock);
		/* A staff session also ends by itself (idle, or its last hour):
		 * checked as the stream wakes, at most every BUS_SESSION_CHECK_MS. */
		int64_t now_ms = bus_mono_ms();
		if ((s->role & ROLE_STAFF) && now_ms - s->checked_ms >= BUS_SESSION_CHECK_MS)
			check = true;
		if (check)
			s->checked_ms = now_ms;
		/* Outside bus->lock: the check reads the database, and the writer
		 * lock comes before bus->lock. */
		if (check && !bus_token_still_valid(bus, s)) {
			pthread_mutex_lock(&bus->lock);
			bus->freed += freed;
			/* Not bus_drop_locked: this reader ends it now, no
			 * shutdown of the socket MHD is about to finish on. */
			s->dropped = true;
			bus_uncount_locked(bus, s);
			log_info(
			    "bus: ending a stream of %s from %s: its token no longer allows it",
			    s->principal, s->address);
			pthread_mutex_unlock(&bus->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		pthread_mutex_lock(&bus->lock);
		bus->freed += freed;
		if (bus->stopping || s->dropped) {
			pthread_mutex_unlock(&bus->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (!bus_collect_locked(bus, s)) {
			/* Behind the ring: the reconnect brings a snapshot. */
			s->dropped = true;
			bus_uncount_locked(bus, s);
			pthread_mutex_unlock(&bus->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (s->pending.len == 0 && s->hb_seen != bus->hb_gen)
			strbuf_puts(&s->pending, ": heartbeat\n\n");
		s->hb_seen = bus->hb_gen;
		if (s->pending.len == 0) {
			/* Nothing to say: sleep until bus_wake_locked, holding no
			 * buffer (ten thousand idle screens would each keep one). */
			bus->freed += s->pending.cap;
			strbuf_free(&s->pending);
			s->suspended = true;
			MHD_suspend_connection(s->conn);
			pthread_mutex_unlock(&bus->lock);
			bus_release_window(bus, buf, max);
			return 0;
		}
		pthread_mutex_unlock(&bus->lock);
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
	/* A small block: ten thousand idle streams each hold one (it is used
	 * only for an HTTP/1.0 client; chunked answers are written into the
	 * connection's own buffer). */
	struct MHD_Response *resp = MHD_create_response_from_callback(
	    MHD_SIZE_UNKNOWN, 512, bus_stream_read, bs, bus_stream_free);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        "text/event-stream; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return resp;
}

void bus_unsubscribe(struct bus *bus, struct sse_sub *sub)
{
	pthread_mutex_lock(&bus->lock);
	ENFORCE(bus->sub_count > 0, "a stream unsubscribed twice");
	LIST_REMOVE(sub, entry);
	LIST_REMOVE(sub, centre_entry);
	bus_uncount_locked(bus, sub);
	bus->sub_count--;
	bus->freed += sub->pending.cap + BUS_CONN_OVERHEAD;
	pthread_mutex_unlock(&bus->lock);
	explicit_bzero(sub->token, sizeof sub->token);
	strbuf_free(&sub->pending);
	free(sub);
}

void bus_recheck(struct bus *bus)
{
	pthread_mutex_lock(&bus->lock);
	struct sse_sub *s;
	LIST_FOREACH(s, &bus->subs, entry)
	{
		s->recheck = true;
		if (s->suspended) {
			s->suspended = false;
			MHD_resume_connection(s->conn);
		}
	}
	pthread_mutex_unlock(&bus->lock);
}

int bus_subscriber_count(struct bus *bus)
{
	pthread_mutex_lock(&bus->lock);
	int n = bus->sub_count;
	pthread_mutex_unlock(&bus->lock);
	return n;
}
