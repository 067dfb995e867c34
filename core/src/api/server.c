/* The libmicrohttpd loop: per-request state, body accumulation with a hard
 * cap, authentication, the role check, Idempotency-Key, and dispatch to the
 * route table. A response is queued only on the second call of the access
 * handler (queuing on the first closes keep-alive connections). */
#include <arpa/inet.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/api_internal.h"
#include "api/bus.h"
#include "api/notify_worker.h"
#include "api/offload.h"
#include "api/printing.h"
#include "api/ratelimit.h"
#include "api/throttle.h"
#include "store/auth.h"
#include "store/idempotency.h"
#include "store/stream.h"
#include "util/enforce.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define API_DEFAULT_BODY_LIMIT (64 * 1024)
#define API_HEADER_LIMIT (16 * 1024)
#define API_CONNECTION_MEMORY (32 * 1024)
/* Default connections: the file limit less API_FD_RESERVE (the database,
 * logs, the spool, CUPS), at most API_MAX_CONNECTIONS; event streams: three
 * quarters of them, at most API_MAX_STREAMS (10,000 screens of a province). */
#define API_MAX_CONNECTIONS 16384
#define API_MAX_STREAMS 12000
#define API_FD_RESERVE 128
#define API_IDEM_KEY_MAX 128
/* An office behind one NAT: boards, kiosks and counter PCs, each browser with
 * a few connections and an event stream, stay far below this. */
#define API_PER_ADDRESS_LIMIT 256
/* Buckets of the guard's table of peer addresses (a power of two). */
#define API_ADDR_BUCKETS 256
#define API_HEAD_TIMEOUT_MS 10000
#define API_BODY_TIMEOUT_MS 30000
/* No route takes more than a dozen query arguments; MHD 0.9.75 stores each
 * one in the connection's 32 KiB pool and hangs when that fills. */
#define API_MAX_QUERY_ARGS 64
#define API_CSP_COMMON                                                                             \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
	"connect-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'none'; "         \
	"form-action 'self'; "
#define API_CSP API_CSP_COMMON "frame-ancestors 'none'"
/* An answer marked frame_self (http.h): framed by the server's own pages. */
#define API_CSP_FRAME_SELF API_CSP_COMMON "frame-ancestors 'self'"

/* A peer address with connections open: how many of them wait for a head,
 * so that the cull under pressure takes from the address holding most. In
 * guard->addrs from its first connection's STARTED to its last one's CLOSED;
 * the table and conns belong to guard->lock. */
struct api_addr {
	LIST_ENTRY(api_addr) link;
	unsigned char key[17]; /* family byte, then 4 or 16 address bytes */
	int conns;             /* its connections on guard->conns */
	/* Its connections with head_since_ms != 0, kept in step with
	 * guard->heads (api_conn_head, api_guard_cull). */
	_Atomic int heads;
};

/* One TCP connection, from MHD's NOTIFY_CONNECTION STARTED to CLOSED. */
struct api_conn {
	LIST_ENTRY(api_conn) link; /* in guard->conns; guarded by guard->lock */
	int fd;                    /* MHD's socket: only shutdown(), only under guard->lock */
	/* clock_mono_ms by which the current head or body must be in; 0 while
	 * the request is being answered (a long answer or a stream is not late).
	 * Written by the connection's MHD worker, read by the sweeper. */
	_Atomic int64_t deadline_ms;
	/* clock_mono_ms since when it waits for a request head, 0 when not
	 * (a body being read, an answer being made or sent). Written by the
	 * connection's MHD worker (api_conn_phase, counted in guard->heads),
	 * read by the sweeper to close the oldest under pressure. */
	_Atomic int64_t head_since_ms;
	/* A request head has come in on it (api_conn_phase past the head).
	 * Written by its MHD worker, read by the sweeper (api_conn_silent). */
	atomic_bool had_request;
	/* Its peer's record; set at STARTED, fixed until CLOSED. */
	struct api_addr *addr;
};

/* What a connection is doing, for its deadline (api_conn_phase). */
enum api_conn_wait { API_WAIT_HEAD, API_WAIT_BODY, API_ANSWERING };

/* Deadlines for a request's head and body. MHD has only an inactivity
 * timeout, which each trickled byte resets, so every connection is tracked
 * and a sweeper thread shuts down the socket of one past its deadline; MHD's
 * own worker then sees the socket fail and closes the connection cleanly.
 *
 * Race rules (MHD 0.9.75, daemon.c new_connection_process_ and
 * MHD_cleanup_connections): NOTIFY_CONNECTION STARTED runs before the
 * connection is first polled and CLOSED runs before MHD closes the socket,
 * both on the connection's worker. A record is on the list only between the
 * two and the sweeper calls shutdown() under the list lock, so it never
 * touches a descriptor MHD has closed (and the kernel may have reused).
 * shutdown() frees nothing; it is the only call made on MHD's socket from
 * another thread. Suspended connections are never late: their request is
 * being answered (deadline 0). */
struct api_guard {
	pthread_mutex_t lock; /* guards conns and stop */
	pthread_cond_t wake;  /* the sweeper's sleep; signalled on stop */
	LIST_HEAD(, api_conn) conns;
	LIST_HEAD(, api_addr) addrs[API_ADDR_BUCKETS]; /* guarded by lock */
	bool stop;
	bool started; /* the sweeper thread runs */
	pthread_t sweeper;
	int head_ms, body_ms, tick_ms;
	int max_streams;
	/* Connections waiting for their head beyond this many: the oldest is
	 * closed at once (api_guard_cull), so however many trickle, the rest of
	 * --max-connections stays for requests whose head comes in time. */
	int max_heads;
	_Atomic int heads;            /* connections with head_since_ms != 0 */
	_Atomic uint64_t head_culled; /* closed as the oldest head, since start */
	uint64_t head_culled_logged;  /* the sweeper's own: head_culled at its last log line */
	_Atomic int streams;          /* live event streams (and reservations) */
	_Atomic uint64_t late_closed; /* closed stalled mid-request past a deadline */
	_Atomic uint64_t idle_closed; /* closed at the head deadline having sent nothing */
};

static const uint64_t api_latency_bounds_us[API_LATENCY_BUCKETS] = {
    500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000};

static void api_record(struct api *api, const struct http_request *r)
{
	if (r->status < 100 || r->status > 599)
		return; /* the client left before an answer was made */
	atomic_fetch_add(&api->metrics.requests[r->status], 1);
	if (r->stream)
		return; /* a stream's duration is not a latency */
	uint64_t us = (uint64_t)(clock_mono_ms() - r->started_ms) * 1000;
	atomic_fetch_add(&api->metrics.latency_count, 1);
	atomic_fetch_add(&api->metrics.latency_sum_us, us);
	for (int i = 0; i < API_LATENCY_BUCKETS; i++)
		if (us <= api_latency_bounds_us[i]) {
			atomic_fetch_add(&api->metrics.latency_le[i], 1);
			break;
		}
}

/* The record of conn, or NULL when MHD gives none (never in 0.9.75 once
 * STARTED ran). */
static struct api_conn *api_conn_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* Under g->lock: shuts down the socket of a connection waiting for its
 * head (other than self), claiming its head_since_ms so it counts no more in
 * g->heads: the oldest head of the address that holds the most heads. So a
 * few addresses trickling heads lose their own connections, and a client
 * from any other address, which sends its head within milliseconds, is not
 * culled behind them however slowly the workers run. Returns false when
 * there is none. */
static bool api_guard_cull(struct api_guard *g, const struct api_conn *self)
{
	for (;;) {
		struct api_conn *c, *victim = NULL;
		int64_t since = INT64_MAX;
		int most = 0;
		LIST_FOREACH(c, &g->conns, link)
		{
			int64_t t = atomic_load(&c->head_since_ms);
			if (c == self || c->fd < 0 || t == 0)
				continue;
			int held = atomic_load(&c->addr->heads);
			if (held > most || (held == most && t < since)) {
				most = held;
				since = t;
				victim = c;
			}
		}
		if (victim == NULL)
			return false;
		/* Its head may have come in meanwhile: then look again. */
		if (atomic_compare_exchange_strong(&victim->head_since_ms, &since, 0)) {
			atomic_fetch_sub(&g->heads, 1);
			atomic_fetch_sub(&victim->addr->heads, 1);
			atomic_store(&victim->deadline_ms, 0);
			shutdown(victim->fd, SHUT_RDWR);
			atomic_fetch_add(&g->head_culled, 1);
			return true;
		}
	}
}

/* Marks whether c waits for a head from now, keeping g->heads in step; on
 * the connection's worker only. When the heads pass g->max_heads, the
 * oldest of them is closed at once: one in, one out. */
static void api_conn_head(struct api_guard *g, struct api_conn *c, bool waiting)
{
	int64_t was = atomic_exchange(&c->head_since_ms, waiting ? clock_mono_ms() : 0);
	if (waiting && was == 0) {
		atomic_fetch_add(&c->addr->heads, 1);
		if (atomic_fetch_add(&g->heads, 1) + 1 > g->max_heads) {
			pthread_mutex_lock(&g->lock);
			while (atomic_load(&g->heads) > g->max_heads && api_guard_cull(g, c))
				;
			pthread_mutex_unlock(&g->lock);
		}
	} else if (!waiting && was != 0) {
		atomic_fetch_sub(&c->addr->heads, 1);
		atomic_fetch_sub(&g->heads, 1);
	}
}

/* Sets conn's deadline for what it now waits for (g's head or body
 * deadline from now; none while answering). */
static void api_conn_phase(struct api_guard *g, struct MHD_Connection *conn, enum api_conn_wait w)
{
	struct api_conn *c = api_conn_of(conn);
	if (c == NULL)
		return;
	int ms = w == API_WAIT_HEAD ? g->head_ms : w == API_WAIT_BODY ? g->body_ms : 0;
	atomic_store(&c->deadline_ms, ms > 0 ? clock_mono_ms() + ms : 0);
	if (w != API_WAIT_HEAD)
		atomic_store(&c->had_request, true);
	api_conn_head(g, c, w == API_WAIT_HEAD);
}

/* The table key of conn's peer: its family, then its address bytes (zeros
 * when MHD gives none). */
static void api_addr_key(struct MHD_Connection *conn, unsigned char key[17])
{
	memset(key, 0, 17);
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	if (sa && sa->sa_family == AF_INET) {
		key[0] = AF_INET;
		memcpy(key + 1, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		key[0] = AF_INET6;
		memcpy(key + 1, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
	}
}

/* Under g->lock: the record of key's address, made on its first
 * connection, with one more connection counted. */
static struct api_addr *api_addr_hold(struct api_guard *g, const unsigned char key[17])
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (int i = 0; i < 17; i++)
		h = (h ^ key[i]) * 16777619u;
	struct api_addr *a;
	LIST_FOREACH(a, &g->addrs[h & (API_ADDR_BUCKETS - 1)], link)
	if (memcmp(a->key, key, sizeof a->key) == 0)
		break;
	if (a == NULL) {
		a = xcalloc(1, sizeof *a);
		memcpy(a->key, key, sizeof a->key);
		LIST_INSERT_HEAD(&g->addrs[h & (API_ADDR_BUCKETS - 1)], a, link);
	}
	a->conns++;
	return a;
}

/* Under g->lock: one connection of a's address fewer; the last frees a. */
static void api_addr_release(struct api_addr *a)
{
	ENFORCE(a->conns > 0, "an address released more often than held");
	if (--a->conns > 0)
		return;
	ENFORCE(atomic_load(&a->heads) == 0, "an address freed with heads counted");
	LIST_REMOVE(a, link);
	free(a);
}

/* MHD_OPTION_NOTIFY_CONNECTION: tracks each connection on the guard's list,
 * with the head deadline running from the start. Runs on the worker. */
static void api_notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                                  enum MHD_ConnectionNotificationCode toe)
{
	struct api_guard *g = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct api_conn *c = xcalloc(1, sizeof *c);
		c->fd = ci ? ci->connect_fd : -1;
		atomic_store(&c->deadline_ms, clock_mono_ms() + g->head_ms);
		unsigned char key[17];
		api_addr_key(conn, key);
		pthread_mutex_lock(&g->lock);
		c->addr = api_addr_hold(g, key);
		LIST_INSERT_HEAD(&g->conns, c, link);
		pthread_mutex_unlock(&g->lock);
		*socket_context = c;
		api_conn_head(g, c, true);
		return;
	}
	struct api_conn *c = *socket_context;
	if (c == NULL)
		return;
	api_conn_head(g, c, false);
	pthread_mutex_lock(&g->lock);
	ENFORCE(c->fd != -2, "a connection record closed twice");
	LIST_REMOVE(c, link);
	c->fd = -2;
	api_addr_release(c->addr);
	pthread_mutex_unlock(&g->lock);
	free(c);
	*socket_context = NULL;
}

/* Under g->lock, on the sweeper, for c past its deadline at now: true when c
 * waits for a request head and has sent no byte of it (a browser's spare
 * connection, or a kept-alive one left idle): routine, not a stalled client.
 * Read from the kernel (TCP_INFO: read-only, like shutdown() safe on MHD's
 * socket under the lock): a connection that never had a request has
 * received no byte at all; a kept-alive one has received none since its
 * head wait began (its last data is older than the wait; 20 ms of slack
 * for the kernel's jiffies). Under TLS the handshake counts as data: a
 * spare TLS connection is not silent. False when not waiting for a head or
 * TCP_INFO fails. */
static bool api_conn_silent(const struct api_conn *c, int64_t now)
{
	int64_t since = atomic_load(&c->head_since_ms);
	if (since == 0)
		return false;
	struct tcp_info ti;
	socklen_t len = sizeof ti;
	memset(&ti, 0, sizeof ti);
	if (getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return false;
	if (!atomic_load(&c->had_request))
		return len >= offsetof(struct tcp_info, tcpi_bytes_received) +
		                  sizeof ti.tcpi_bytes_received &&
		       ti.tcpi_bytes_received == 0;
	return (int64_t)ti.tcpi_last_data_recv + 20 >= now - since;
}

/* The kernel's TCP_CLOSE_WAIT (<netinet/tcp.h>, which clashes with the
 * <linux/tcp.h> that gives struct tcp_info its newer fields). */
enum { API_TCP_CLOSE_WAIT = 8 };

/* A peer that closed its side quietly is let go after this long: a request
 * complete and already read is being answered well before. */
#define API_DEPARTED_QUIET_MS 2000

/* Under g->lock, on the sweeper, for c waiting for a head or a body: true
 * when its client has left. The peer closed its side (CLOSE_WAIT), nothing
 * it sent is left unread and it sent nothing for API_DEPARTED_QUIET_MS: the
 * rest of that request never comes. MHD 0.9.75 under epoll does not always
 * see that FIN (edge-triggered): a client that left mid-upload was seen in
 * CLOSE-WAIT until its body deadline, holding a large-body slot 30 s. Read
 * from the kernel only (TCP_INFO, FIONREAD), like api_conn_silent. */
static bool api_conn_departed(const struct api_conn *c)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;
	memset(&ti, 0, sizeof ti);
	if (getsockopt(c->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
	    ti.tcpi_state != API_TCP_CLOSE_WAIT || ti.tcpi_last_data_recv < API_DEPARTED_QUIET_MS)
		return false;
	int unread = 0;
	return ioctl(c->fd, FIONREAD, &unread) == 0 && unread == 0;
}

/* The sweeper: every tick, shuts down the sockets of connections past their
 * deadline or whose client left (api_conn_departed), and logs the heads
 * culled since its last line. Owns nothing but
 * its loop; the list belongs to guard->lock. */
static void *api_sweeper(void *arg)
{
	struct api_guard *g = arg;
	pthread_mutex_lock(&g->lock);
	while (!g->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += g->tick_ms / 1000;
		ts.tv_nsec += (long)(g->tick_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->wake, &g->lock, &ts);
		if (g->stop)
			break;
		uint64_t culled = atomic_load(&g->head_culled);
		if (culled > g->head_culled_logged) {
			/* One line a tick at most, like the deadline's. */
			uint64_t n = culled - g->head_culled_logged;
			g->head_culled_logged = culled;
			pthread_mutex_unlock(&g->lock);
			log_warn("http: over %d connections waiting for their request head: closed "
			         "the %llu oldest (%llu since start)",
			         g->max_heads, (unsigned long long)n, (unsigned long long)culled);
			pthread_mutex_lock(&g->lock);
		}
		int64_t now = clock_mono_ms();
		int late = 0, idle = 0;
		struct api_conn *c;
		LIST_FOREACH(c, &g->conns, link)
		{
			int64_t d = atomic_load(&c->deadline_ms);
			if (d == 0 || c->fd < 0)
				continue;
			if (d > now) {
				/* Its client gone: the worker closes it on its next
				 * turn, giving back what the request held. */
				if (api_conn_departed(c) &&
				    atomic_compare_exchange_strong(&c->deadline_ms, &d, 0))
					shutdown(c->fd, SHUT_RDWR);
				continue;
			}
			/* Once: the worker closes it on its next turn. */
			atomic_store(&c->deadline_ms, 0);
			bool silent = api_conn_silent(c, now);
			if (shutdown(c->fd, SHUT_RDWR) == 0 || errno == ENOTCONN) {
				if (silent)
					idle++;
				else
					late++;
			}
		}
		if (idle > 0) {
			/* Browsers open spare connections and keep idle ones
			 * alive: closing them at the head deadline is routine. */
			uint64_t total = atomic_fetch_add(&g->idle_closed, (uint64_t)idle) + idle;
			pthread_mutex_unlock(&g->lock);
			log_debug("http: closed %d idle connection(s) at the head deadline "
			          "(%llu since start)",
			          idle, (unsigned long long)total);
			pthread_mutex_lock(&g->lock);
		}
		if (late > 0) {
			/* One line a tick at most, however many: an operator sees
			 * a slow-client flood without the log becoming one. */
			uint64_t total = atomic_fetch_add(&g->late_closed, (uint64_t)late) + late;
			pthread_mutex_unlock(&g->lock);
			log_warn(
			    "http: closed %d connection(s) that stalled in their request head or "
			    "body past its deadline (%llu since start)",
			    late, (unsigned long long)total);
			pthread_mutex_lock(&g->lock);
		}
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

/* A guard with cfg's deadlines (defaults filled in), its sweeper not started. */
static struct api_guard *api_guard_new(const struct api_config *cfg)
{
	struct api_guard *g = xcalloc(1, sizeof *g);
	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g->wake, &ca);
	pthread_condattr_destroy(&ca);
	LIST_INIT(&g->conns);
	for (int i = 0; i < API_ADDR_BUCKETS; i++)
		LIST_INIT(&g->addrs[i]);
	g->head_ms = cfg->head_timeout_ms > 0 ? cfg->head_timeout_ms : API_HEAD_TIMEOUT_MS;
	g->body_ms = cfg->body_timeout_ms > 0 ? cfg->body_timeout_ms : API_BODY_TIMEOUT_MS;
	int max_conns = cfg->max_connections > 0 ? cfg->max_connections : API_MAX_CONNECTIONS;
	g->max_heads = max_conns / 2 > 0 ? max_conns / 2 : 1;
	int shortest = g->head_ms < g->body_ms ? g->head_ms : g->body_ms;
	g->tick_ms = shortest / 4 < 100 ? 100 : shortest / 4 > 1000 ? 1000 : shortest / 4;
	return g;
}

/* Takes one of the API_LARGE_BODIES slots for r, whose body passes
 * cfg.body_limit, and one of its address's API_LARGE_PER_ADDRESS: false
 * when its address holds its share already (r->large_addr_busy set) or all
 * slots are held (r->large_busy set). api_large_slot_give (from
 * api_completed) gives both back. */
static bool api_large_slot_take(struct api *api, struct http_request *r)
{
	if (r->large_slot)
		return true;
	pthread_mutex_lock(&api->large.lock);
	int mine = -1, free_entry = -1;
	for (int i = 0; i < API_LARGE_BODIES; i++) {
		if (api->large.by_address[i].held == 0) {
			if (free_entry < 0)
				free_entry = i;
		} else if (strcmp(api->large.by_address[i].ip, r->client_ip) == 0) {
			mine = i;
		}
	}
	if (mine >= 0 && api->large.by_address[mine].held >= API_LARGE_PER_ADDRESS) {
		r->large_busy = r->large_addr_busy = true;
	} else if (api->large.held >= API_LARGE_BODIES) {
		r->large_busy = true;
	} else {
		if (mine < 0) {
			/* Fewer than API_LARGE_BODIES held: an entry is free. */
			ENFORCE(free_entry >= 0, "no free large-body entry below the limit");
			mine = free_entry;
			snprintf(api->large.by_address[mine].ip,
			         sizeof api->large.by_address[mine].ip, "%s", r->client_ip);
		}
		api->large.by_address[mine].held++;
		api->large.held++;
		r->large_addr = mine + 1;
		r->large_slot = true;
	}
	pthread_mutex_unlock(&api->large.lock);
	return r->large_slot;
}

static void api_large_slot_give(struct api *api, struct http_request *r)
{
	pthread_mutex_lock(&api->large.lock);
	ENFORCE(api->large.held > 0, "large body count below zero");
	ENFORCE(api->large.by_address[r->large_addr - 1].held > 0,
	        "large body count of an address below zero");
	api->large.held--;
	api->large.by_address[r->large_addr - 1].held--;
	pthread_mutex_unlock(&api->large.lock);
	r->large_slot = false;
	r->large_addr = 0;
}

int api_large_bodies_held(struct api *api)
{
	pthread_mutex_lock(&api->large.lock);
	int held = api->large.held;
	pthread_mutex_unlock(&api->large.lock);
	return held;
}

/* Stops the sweeper (if started) and frees g. Call after MHD_stop_daemon:
 * every connection is closed by then, so the list is empty. */
static void api_guard_free(struct api_guard *g)
{
	if (g == NULL)
		return;
	if (g->started) {
		pthread_mutex_lock(&g->lock);
		g->stop = true;
		pthread_cond_signal(&g->wake);
		pthread_mutex_unlock(&g->lock);
		pthread_join(g->sweeper, NULL);
	}
	ENFORCE(LIST_EMPTY(&g->conns), "connections outlived the daemon");
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

static void api_request_free(struct http_request *r)
{
	offload_job_free(r->offload);
	if (r->prepared)
		MHD_destroy_response(r->prepared);
	strbuf_free(&r->body);
	free(r->param_buf);
	free(r->values);
	free(r->resp);
	free(r->set_cookie);
	free(r);
}

static void api_offload_finish(struct api *api, struct http_request *r);

static void api_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                          enum MHD_RequestTerminationCode toe)
{
	struct api *api = cls;
	struct http_request *r = *con_cls;
	if (r == NULL)
		return;
	/* An offloaded request whose client left before its answer could be
	 * queued: the answer is still recorded under its reserved key. */
	if (offload_take_done(r))
		api_offload_finish(api, r);
	api_record(api, r);
	if (r->stream_ctx)
		bus_unsubscribe(api->bus, r->stream_ctx);
	if (r->stream_slot)
		atomic_fetch_sub(&api->guard->streams, 1);
	if (r->write_share) {
		int held = atomic_fetch_sub(&api->write_share[r->write_share - 1], 1);
		ENFORCE(held > 0, "write share count below zero");
	}
	if (r->large_slot)
		api_large_slot_give(api, r);
	api_request_free(r);
	*con_cls = NULL;
	/* A kept-alive connection has the head deadline for its next request. */
	api_conn_phase(api->guard, conn, API_WAIT_HEAD);
}

/* MHD_OPTION_URI_LOG_CALLBACK: runs on the raw request line, before MHD
 * splits the query into arguments. Returns the request's state (MHD hands it
 * to api_access and api_completed as *con_cls). A query of more than
 * API_MAX_QUERY_ARGS arguments is cut here and the request answered 414:
 * MHD 0.9.75 (connection.c parse_initial_message_line) stores every argument
 * in the connection's pool and, when that fills, queues a 431 it then never
 * sends. The URI is MHD's own writable line buffer (const only in the
 * prototype); ending it at the '?' leaves MHD an empty query to parse. */
static void *api_uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	struct http_request *r = xcalloc(1, sizeof *r);
	r->conn = conn;
	r->route = -1;
	r->started_ms = clock_mono_ms();
	char *q = strchr(uri, '?');
	if (q) {
		size_t args = 1;
		for (const char *p = q + 1; *p; p++)
			args += *p == '&';
		if (args > API_MAX_QUERY_ARGS) {
			q[1] = '\0';
			r->query_refused = true;
		}
		/* A NUL decoded into a value would cut it where C reads it. */
		r->query_nul = strstr(q, "%00") != NULL;
	}
	return r;
}

static enum MHD_Result api_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
	size_t *total = cls;
	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* The bearer token: Authorization header, else the session cookie, else (for
 * GET, e.g. an EventSource of a board) an access_token query argument.
 * Returns MC_OK (r->authed says whether the token is known), or the store
 * error of a token that could not be looked up (err filled, r not authed). */
static enum mc_err api_authenticate(struct api *api, struct http_request *r, struct mc_error *err)
{
	enum mc_err rc = MC_OK;
	const char *token = NULL;
	const char *auth = http_header(r, "Authorization");
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		token = auth + 7;
	if (token == NULL) {
		token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "motcua_session");
		r->via_cookie = token != NULL;
	}
	bool via_query = false;
	if (token == NULL && strcmp(r->method, "GET") == 0) {
		token = http_query(r, "access_token");
		via_query = token != NULL;
	}
	if (token)
		rc = store_token_authenticate(api->st, token, &r->who, &r->authed, err);
	/* A query string ends up in logs, history and Referer headers: only a
	 * device (a board's EventSource cannot send headers) may use it. */
	if (r->authed && via_query && !(r->who.role & (ROLE_KIOSK | ROLE_DISPLAY)))
		r->authed = false;
	if (r->authed)
		r->token = token;
	if (!r->authed) {
		memset(&r->who, 0, sizeof r->who);
		snprintf(r->who.actor, sizeof r->who.actor, "anonymous");
	}
	return rc;
}

static bool api_idem_key_valid(const char *key)
{
	size_t n = strlen(key);
	if (n == 0 || n > API_IDEM_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (key[i] < 0x21 || key[i] > 0x7e)
			return false;
	return true;
}

/* The request as its Idempotency-Key record sees it: who, the key, and what
 * was asked (method, path, body), so the same key with another request is
 * told apart. */
static struct idem_request api_idem_request(const struct http_request *r, const char *key)
{
	return (struct idem_request){.principal = r->who.actor,
	                             .key = key,
	                             .method = r->method,
	                             .path = r->path,
	                             .body = r->body.data,
	                             .body_len = r->body.len};
}

/* Answers a request whose key is known and not replayable: 409
 * idempotency_key_reused (another request) or idempotency_key_unavailable
 * (the first answer is sealed with a key this server does not have). */
static void api_idem_refuse(struct http_request *r, enum idem_found found)
{
	if (found == IDEM_OTHER)
		http_reply_fail(r, MC_ERR_CONFLICT, "idempotency_key_reused",
		                "Idempotency-Key đã dùng cho yêu cầu khác",
		                "This Idempotency-Key was used for another request");
	else
		http_reply_fail(r, MC_ERR_CONFLICT, "idempotency_key_unavailable",
		                "Không thể trả lại kết quả lần trước của khóa này; hãy kiểm tra "
		                "yêu cầu trước đã có hiệu lực chưa rồi dùng khóa mới",
		                "The first answer to this Idempotency-Key cannot be shown again; "
		                "check whether the first request took effect, then use a new key");
}

/* Runs a mutating route under its Idempotency-Key: the lookup, the change and
 * the record of the answer are one transaction, so a retry with the same key
 * returns the first answer and changes nothing more. */
static void api_run_idempotent(struct api *api, struct http_request *r, const struct route *rt,
                               const char *key)
{
	struct mc_error err;
	int status;
	char *body = NULL;
	struct idem_request q = api_idem_request(r, key);

	if (store_begin(api->st, &err)) {
		http_reply_error(r, &err);
		return;
	}
	enum idem_found found = store_idem_find(api->st, api->idem_seal, &q, &status, &body);
	if (found != IDEM_NEW) {
		/* The first answer may be in the open batch, not yet durable: it
		 * is shown again only once it is (or the batch's error). */
		if (store_rollback_settled(api->st, &err) != MC_OK) {
			free(body);
			http_reply_error(r, &err);
			return;
		}
		if (found == IDEM_REPLAY)
			http_reply_text(r, status, "application/json; charset=utf-8", body,
			                strlen(body));
		else
			api_idem_refuse(r, found);
		free(body);
		return;
	}
	rt->handler(api, r);
	if (offload_pending(r)) {
		/* A pool would answer after this transaction ends: a route that
		 * offloads must be ROUTE_SLOW. */
		log_error("route %s %s offloads inside a transaction", rt->method, rt->pattern);
		abort();
	}
	if (r->status < 200 || r->status > 299) {
		store_rollback(api->st);
		return;
	}
	if (store_idem_save(api->st, api->idem_seal, &q, r->status, r->resp ? r->resp : "", &err) !=
	    MC_OK) {
		store_rollback(api->st);
		http_reply_error(r, &err);
		return;
	}
	if (store_commit(api->st, &err) != MC_OK)
		http_reply_error(r, &err);
}

/* A mutating route that may wait on a device (ROUTE_SLOW): the key is
 * reserved first, the handler runs its own transactions, then the answer is
 * recorded (2xx) or the key forgotten. A retry while the first request still
 * runs gets 409 request_in_progress. */
static void api_run_reserved(struct api *api, struct http_request *r, const struct route *rt,
                             const char *key)
{
	int status;
	char *body = NULL;
	struct idem_request q = api_idem_request(r, key);

	enum idem_found found = store_idem_reserve(api->st, api->idem_seal, &q, &status, &body);
	if (found != IDEM_NEW) {
		if (found != IDEM_REPLAY)
			api_idem_refuse(r, found);
		else if (status == 0) {
			http_reply_fail(
			    r, MC_ERR_CONFLICT, "request_in_progress",
			    "Yêu cầu trước với cùng khóa đang được xử lý",
			    "The first request with this Idempotency-Key is still running");
			r->retry_after = 1;
		} else
			http_reply_text(r, status, "application/json; charset=utf-8", body,
			                strlen(body));
		free(body);
		return;
	}
	rt->handler(api, r);
	/* An offloaded handler has no answer yet: api_offload_finish records it. */
	if (!offload_pending(r)) {
		store_idem_complete(api->st, api->idem_seal, &q, r->status, r->resp ? r->resp : "");
		r->idem_completed = true;
	}
}

/* Back on its HTTP worker after the pool ran r's job (api/offload.h): records
 * the answer under a reserved Idempotency-Key, as api_run_reserved does for
 * a handler that answers at once. */
static void api_offload_finish(struct api *api, struct http_request *r)
{
	const struct route *rt = &api_routes[r->route];
	const char *key = http_header(r, "Idempotency-Key");
	if ((rt->flags & ROUTE_MUTATES) && r->slow && key && !r->idem_completed) {
		struct idem_request q = api_idem_request(r, key);
		store_idem_complete(api->st, api->idem_seal, &q, r->status, r->resp ? r->resp : "");
	}
}

/* True when s is this server's own origin, scheme://host[:port] as the
 * request's Host header names it; for a Referer, a URL on that origin. */
static bool api_same_origin(const struct api *api, struct http_request *r, const char *s,
                            bool is_referer)
{
	const char *host = http_header(r, MHD_HTTP_HEADER_HOST);
	if (host == NULL || *host == '\0')
		return false;
	char own[300];
	int n = snprintf(own, sizeof own, "%s://%s", api->tls ? "https" : "http", host);
	if (n < 0 || (size_t)n >= sizeof own || strncasecmp(s, own, (size_t)n) != 0)
		return false;
	return s[n] == '\0' || (is_referer && s[n] == '/');
}

/* For a change made with the session cookie (a browser page), the checks a
 * browser lets a page of another origin fail: the request must come from our
 * own origin (Origin, else Referer) and a body must be JSON, which no plain
 * HTML form can send. Bearer clients (the counter program, devices) are not
 * browsers and skip this. Returns false after replying 403 or 415. */
static bool api_cookie_guard(const struct api *api, struct http_request *r)
{
	if (!r->authed || !r->via_cookie || strcmp(r->method, "GET") == 0 ||
	    strcmp(r->method, "OPTIONS") == 0)
		return true;
	const char *origin = http_header(r, "Origin");
	const char *referer = http_header(r, "Referer");
	bool same = origin    ? api_same_origin(api, r, origin, false)
	            : referer ? api_same_origin(api, r, referer, true)
	                      : false;
	if (!same) {
		http_reply_fail(r, MC_ERR_FORBIDDEN, "cross_origin",
		                "Yêu cầu thay đổi phải đến từ chính trang của hệ thống",
		                "A change made with the session cookie must come from this "
		                "server's own pages (Origin)");
		return false;
	}
	const char *ct = http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t jl = strlen("application/json");
	if (r->body.len > 0 && (ct == NULL || strncasecmp(ct, "application/json", jl) != 0 ||
	                        (ct[jl] != '\0' && ct[jl] != ';' && ct[jl] != ' '))) {
		http_reply_fail(r, MC_ERR_INVALID, "unsupported_media_type",
		                "Nội dung phải là JSON (Content-Type: application/json)",
		                "The body must be sent as Content-Type: application/json");
		return false;
	}
	return true;
}

/* Fills r->allow with the methods r->path has (RFC 9110 section 15.5.6: a
 * 405 lists them), HEAD wherever GET is. */
static void api_allow(struct http_request *r)
{
	static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
	const char *params[HTTP_MAX_PARAMS];
	size_t n = 0;
	r->allow[0] = '\0';
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		if (routes_match(methods[i], r->path, r->param_buf, params) < 0)
			continue;
		int w = snprintf(r->allow + n, sizeof r->allow - n, "%s%s%s", n ? ", " : "",
		                 methods[i], i == 0 ? ", HEAD" : "");
		if (w < 0 || (size_t)w >= sizeof r->allow - n)
			break;
		n += (size_t)w;
	}
}

/* On a write pool thread: a mutating route that does not run as ROUTE_SLOW
 * (r->slow), under its Idempotency-Key when it has one. */
static void api_write_run(struct api *api, struct http_request *r, void *arg)
{
	(void)arg;
	const struct route *rt = &api_routes[r->route];
	const char *key = http_header(r, "Idempotency-Key");
	if (key)
		api_run_idempotent(api, r, rt, key);
	else
		rt->handler(api, r);
	if (r->status == 0 && !r->prepared) {
		log_error("route %s %s set no response", rt->method, rt->pattern);
		http_reply_fail(r, MC_ERR_INTERNAL, "internal", "Lỗi máy chủ", "Server error");
	}
}

void api_reply_too_many_changes(struct http_request *r)
{
	http_reply_fail(r, MC_ERR_RATE_LIMITED, "too_many_changes",
	                "Quá nhiều yêu cầu thay đổi cùng lúc từ tài khoản này",
	                "This token has too many changes waiting; retry in a moment");
	r->retry_after = 1;
}

bool api_address_throttle_ok(struct api *api, struct http_request *r, const char *prefix, char *key,
                             size_t keylen, const char *vi, const char *en)
{
	snprintf(key, keylen, "%s:%s", prefix, r->client_ip);
	bool full;
	int wait = throttle_check(api->ip_throttle, key, clock_now(), &full);
	if (wait <= 0)
		return true;
	struct mc_error err;
	if (full)
		throttle_full_error(&err, wait);
	else
		mc_failf(&err, MC_ERR_RATE_LIMITED, "too_many_attempts", vi, "%s; retry in %d s",
		         en, wait);
	err.retry_after = wait;
	http_reply_error(r, &err);
	return false;
}

/* Takes one of r's principal's places among the changes running or waiting
 * (api->write_share, given back by api_completed): false (429 answered) when
 * it holds API_WRITE_PER_PRINCIPAL already. Every ROUTE_MUTATES request takes
 * one, whichever pool runs it and whether or not it carries a key. */
static bool api_write_share_take(struct api *api, struct http_request *r)
{
	uint32_t h = 2166136261u;
	for (const char *p = r->who.actor; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	/* Anonymous callers share one bucket, as they share everything. */
	int b = (int)(h % API_WRITE_SHARE_BUCKETS);
	ENFORCE(r->write_share == 0, "a request takes one write share at most");
	if (atomic_fetch_add(&api->write_share[b], 1) >= API_WRITE_PER_PRINCIPAL) {
		atomic_fetch_sub(&api->write_share[b], 1);
		api_reply_too_many_changes(r);
		return false;
	}
	r->write_share = b + 1;
	return true;
}

/* The body bound of r: cfg.body_limit, or API_LARGE_BODY_LIMIT for a
 * ROUTE_LARGE_BODY route. */
static size_t api_body_limit(const struct api *api, const struct http_request *r)
{
	size_t limit = api->cfg.body_limit;
	return r->large_ok && API_LARGE_BODY_LIMIT > limit ? API_LARGE_BODY_LIMIT : limit;
}

/* Whether method and url name a ROUTE_LARGE_BODY route. */
static bool api_route_large(const char *method, const char *url)
{
	char *buf = xmalloc(strlen(url) + 1);
	const char *params[HTTP_MAX_PARAMS];
	int i = routes_match(method, url, buf, params);
	free(buf);
	return i >= 0 && (api_routes[i].flags & ROUTE_LARGE_BODY);
}

/* False, with r answered 400 invalid_query, when its query holds a %00
 * (api_uri_seen): decoded, the NUL would cut the value where C reads it.
 * Called after the role checks, as the routes refuse a bad query value. */
static bool api_query_clean(struct http_request *r)
{
	if (r->query_nul)
		http_reply_fail(r, MC_ERR_INVALID, "invalid_query",
		                "Tham số truy vấn có ký tự không hợp lệ",
		                "A query argument holds a NUL byte (%00)");
	return !r->query_nul;
}

static void api_dispatch(struct api *api, struct http_request *r)
{
	if (r->query_refused) {
		struct mc_error err;
		mc_failf(&err, MC_ERR_INVALID, "uri_too_long", "Địa chỉ có quá nhiều tham số",
		         "The query has more than %d arguments", API_MAX_QUERY_ARGS);
		http_reply_error(r, &err);
		r->close = true;
		return;
	}
	if (r->body_too_large) {
		struct mc_error err;
		mc_failf(&err, MC_ERR_TOO_LARGE, "body_too_large", "Nội dung yêu cầu quá lớn",
		         "The request body is over %zu bytes", api_body_limit(api, r));
		http_reply_error(r, &err);
		return;
	}
	if (r->large_addr_busy) {
		http_reply_fail(r, MC_ERR_RATE_LIMITED, "too_many_requests",
		                "Đang gửi nhiều tệp lớn cùng lúc từ địa chỉ này, vui lòng chờ gửi "
		                "xong rồi thử lại",
		                "This address is already sending its share of large requests; "
		                "retry when they are done");
		r->retry_after = 2;
		return;
	}
	if (r->large_busy) {
		http_reply_fail(r, MC_ERR_UNAVAILABLE, "server_busy",
		                "Máy chủ đang bận, vui lòng thử lại sau giây lát",
		                "The server is busy; retry in a moment");
		r->retry_after = 2;
		return;
	}
	r->param_buf = xmalloc(strlen(r->path) + 1);
	r->route = routes_match(r->method, r->path, r->param_buf, r->params);
	if (r->route == -1) {
		http_reply_fail(r, MC_ERR_NOT_FOUND, "not_found", "Không có địa chỉ này",
		                "No such resource");
		return;
	}
	if (r->route == -2) {
		http_reply_fail(r, MC_ERR_NOT_FOUND, "method_not_allowed",
		                "Phương thức không được hỗ trợ cho địa chỉ này",
		                "Method not allowed for this resource");
		api_allow(r);
		return;
	}
	const struct route *rt = &api_routes[r->route];
	/* A token the store cannot read is its error, not "logged out". */
	struct mc_error auth_err;
	if (api_authenticate(api, r, &auth_err)) {
		http_reply_error(r, &auth_err);
		return;
	}
	if (rt->roles) {
		if (!r->authed) {
			http_reply_fail(r, MC_ERR_UNAUTHORIZED, "unauthorized", "Cần đăng nhập",
			                "Authentication required");
			return;
		}
		if (!(r->who.role & rt->roles)) {
			http_reply_fail(r, MC_ERR_FORBIDDEN, "forbidden",
			                "Vai trò của bạn không được làm việc này",
			                "Your role may not do this");
			return;
		}
	}
	if (!api_cookie_guard(api, r) || !api_query_clean(r))
		return;
	/* Event streams may hold at most max_streams connections: the rest
	 * stay for ordinary requests. The slot is reserved before the handler
	 * and given back at completion (or now, when no stream was made). */
	if (rt->handler == route_events_get) {
		if (atomic_fetch_add(&api->guard->streams, 1) >= api->guard->max_streams) {
			atomic_fetch_sub(&api->guard->streams, 1);
			http_reply_fail(r, MC_ERR_RATE_LIMITED, "too_many_streams",
			                "Máy chủ đang phục vụ quá nhiều màn hình theo dõi",
			                "The server holds its maximum of event streams");
			r->retry_after = 5;
			return;
		}
		r->stream_slot = true;
	}
	const char *key = http_header(r, "Idempotency-Key");
	if ((rt->flags & ROUTE_MUTATES) && key && !api_idem_key_valid(key)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_idempotency_key",
		                "Idempotency-Key không hợp lệ",
		                "Idempotency-Key must be 1-128 printable ASCII characters");
		return;
	}
	bool printing_kiosk = r->who.role == ROLE_KIOSK && r->who.device_prints;
	r->slow =
	    (rt->flags & ROUTE_SLOW) || ((rt->flags & ROUTE_SLOW_IF_PRINTS) && printing_kiosk);
	/* Every change counts against its principal's share, a slow one (a
	 * print, a rating slip) as much as one on the write pool. */
	if ((rt->flags & ROUTE_MUTATES) && !api_write_share_take(api, r)) {
		/* 429 too_many_changes answered: nothing runs. */
	} else if ((rt->flags & ROUTE_MUTATES) && r->slow && key)
		api_run_reserved(api, r, rt, key);
	else if ((rt->flags & ROUTE_MUTATES) && !r->slow) {
		/* Off the HTTP workers: a change waits for its commit to be
		 * durable (shared with others', store.h), and reads must not
		 * wait behind it. */
		offload_request(api->write_pool, r, api_write_run, NULL, NULL);
	} else
		rt->handler(api, r);
	if (r->stream_slot && !r->stream) {
		atomic_fetch_sub(&api->guard->streams, 1);
		r->stream_slot = false;
	}
	if (r->status == 0 && !r->stream && !r->prepared && !offload_pending(r)) {
		log_error("route %s %s set no response", rt->method, rt->pattern);
		http_reply_fail(r, MC_ERR_INTERNAL, "internal", "Lỗi máy chủ", "Server error");
	}
}

static enum MHD_Result api_send(struct api *api, struct http_request *r)
{
	struct MHD_Response *resp;
	if (r->stream) {
		resp = bus_response(api->bus, r->stream_ctx);
		r->status = 200;
	} else if (r->prepared) {
		resp = r->prepared;
		r->prepared = NULL;
	} else {
		resp = MHD_create_response_from_buffer(r->resp_len, r->resp, MHD_RESPMEM_MUST_FREE);
		r->resp = NULL;
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	}
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	/* Pages load only their own scripts, styles and data (display/ has no
	 * inline script or style attribute) and are never framed: a kiosk or
	 * the supervisor's page inside another site's frame is a click trap.
	 * Only an answer marked frame_self (a form's preview) may be framed,
	 * and then only by the server's own pages. */
	MHD_add_response_header(resp, "Content-Security-Policy",
	                        r->frame_self ? API_CSP_FRAME_SELF : API_CSP);
	MHD_add_response_header(resp, "X-Frame-Options", r->frame_self ? "SAMEORIGIN" : "DENY");
	if (MHD_get_response_header(resp, "Referrer-Policy") == NULL)
		MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (api->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (r->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	if (r->allow[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->set_cookie)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
	if (r->retry_after > 0) {
		char ra[16];
		snprintf(ra, sizeof ra, "%d", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

struct api_cl_scan {
	const char *first; /* the first Content-Length */
	bool differ;       /* another Content-Length says something else */
	int hosts;         /* Host headers seen */
	int codings;       /* Transfer-Encoding headers seen */
	bool te_chunked;   /* a TE header names chunked (RFC 9110 10.1.4: never sent) */
};

/* True when the comma-separated list v names chunked (any case). */
static bool api_names_chunked(const char *v)
{
	for (const char *p = v; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t n = strcspn(p, ",; \t");
		if (n == 7 && strncasecmp(p, "chunked", 7) == 0)
			return true;
		p += n;
		p += strcspn(p, ",");
	}
	return false;
}

static enum MHD_Result api_cl_each(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	(void)kind;
	struct api_cl_scan *scan = cls;
	if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
		scan->hosts++;
	if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		scan->codings++;
	if (strcasecmp(key, MHD_HTTP_HEADER_TE) == 0 && api_names_chunked(value))
		scan->te_chunked = true;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0)
		return MHD_YES;
	if (scan->first == NULL)
		scan->first = value ? value : "";
	else if (value == NULL || strcmp(scan->first, value) != 0)
		scan->differ = true;
	return MHD_YES;
}

/* The framing rules of RFC 9112 that MHD 0.9.75 does not enforce, checked
 * when the head is in. Returns true after setting a reply (the caller sends
 * it and closes the connection: bytes after a refused head cannot be
 * trusted to start a request). HTTP/1.1 needs one Host (section 3.2); a
 * transfer-coding other than chunked is not implemented (501, section 6.1:
 * MHD would read such a body until the client closes); Transfer-Encoding
 * with Content-Length, or Content-Lengths that disagree, are the shapes of
 * request smuggling (sections 6.1, 6.3): refused. So are a second
 * Transfer-Encoding header (MHD reads only the first: "chunked" then
 * "identity" would be chunked to us, not to a proxy that joins them) and a
 * TE header naming chunked (RFC 9110 10.1.4 forbids it; a lax proxy may take
 * it for Transfer-Encoding and frame a body we would read as a request). */
static bool api_framing_refused(struct http_request *r, const char *version)
{
	if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
	    http_header(r, MHD_HTTP_HEADER_HOST) == NULL) {
		http_reply_fail(r, MC_ERR_INVALID, "missing_host", "Yêu cầu thiếu tiêu đề Host",
		                "An HTTP/1.1 request needs a Host header");
		return true;
	}
	struct api_cl_scan scan = {0};
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, api_cl_each, &scan);
	if (scan.hosts > 1) {
		http_reply_fail(r, MC_ERR_INVALID, "duplicate_host",
		                "Yêu cầu có nhiều tiêu đề Host",
		                "The request has more than one Host header");
		return true;
	}
	if (scan.te_chunked) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_te", "Tiêu đề TE không hợp lệ",
		                "A TE header must not name chunked");
		return true;
	}
	const char *te = http_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	if (te) {
		if (scan.codings > 1 || strcasecmp(te, "chunked") != 0) {
			http_reply_fail(r, MC_ERR_INVALID, "unsupported_transfer_encoding",
			                "Kiểu mã hóa truyền không được hỗ trợ",
			                "Only Transfer-Encoding: chunked is supported");
			return true;
		}
		if (scan.first) {
			http_reply_fail(
			    r, MC_ERR_INVALID, "ambiguous_length",
			    "Yêu cầu có cả Content-Length và Transfer-Encoding",
			    "Content-Length and Transfer-Encoding together are refused");
			return true;
		}
	}
	if (scan.differ) {
		http_reply_fail(r, MC_ERR_INVALID, "conflicting_content_length",
		                "Yêu cầu có nhiều Content-Length khác nhau",
		                "The request has Content-Length headers that disagree");
		return true;
	}
	return false;
}

static enum MHD_Result api_access(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct api *api = cls;
	struct http_request *r = *con_cls;

	if (r == NULL) {
		/* api_uri_seen makes it; only a request it never saw lands here. */
		r = api_uri_seen(NULL, "", conn);
		*con_cls = r;
	}
	if (!r->begun) {
		r->begun = true;
		r->conn = conn;
		r->method = method;
		r->path = url;
		/* HEAD is GET without the body: MHD sends the head of the GET
		 * answer only. */
		if (strcmp(method, MHD_HTTP_METHOD_HEAD) == 0) {
			r->head = true;
			r->method = MHD_HTTP_METHOD_GET;
		}
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr,
			          r->client_ip, sizeof r->client_ip);
		/* The head is in; the body has its own deadline. */
		api_conn_phase(api->guard, conn, API_WAIT_BODY);

		if (r->query_refused || api_framing_refused(r, version)) {
			if (!r->query_refused)
				r->close = true;
			else
				api_dispatch(api, r);
			return api_send(api, r);
		}
		size_t headers = 0;
		MHD_get_connection_values(conn, MHD_HEADER_KIND, api_header_size, &headers);
		if (headers > API_HEADER_LIMIT) {
			http_reply_fail(r, MC_ERR_TOO_LARGE, "headers_too_large",
			                "Phần đầu yêu cầu quá lớn",
			                "The request headers are too large");
			return api_send(api, r);
		}
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t len;
		r->large_ok = api_route_large(r->method, url);
		if (cl && http_parse_int(cl, 0, INT64_MAX, &len) &&
		    (uint64_t)len > api_body_limit(api, r)) {
			/* Refuse at once rather than read megabytes to discard. */
			r->body_too_large = true;
			api_dispatch(api, r);
			return api_send(api, r);
		}
		/* A large body announced: its slot first, or 503 (429 when its
		 * address holds its share) at once. */
		if (cl && http_parse_int(cl, 0, INT64_MAX, &len) &&
		    (uint64_t)len > api->cfg.body_limit && !api_large_slot_take(api, r)) {
			api_dispatch(api, r);
			return api_send(api, r);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		size_t want = r->body.len + *upload_data_size;
		if (r->body_too_large || r->large_busy)
			; /* already refused: the rest is read and dropped */
		else if (want > api_body_limit(api, r))
			r->body_too_large = true;
		else if (want > api->cfg.body_limit && !api_large_slot_take(api, r))
			; /* large_busy: answered 503 (429) once the body is in */
		else
			strbuf_append(&r->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (offload_take_done(r)) {
		/* Called again after the resume: the pool ran the job and set
		 * the answer; this worker owns r again. */
		api_offload_finish(api, r);
		return api_send(api, r);
	}
	if (r->status != 0)
		return MHD_YES; /* already answered on the first call */
	/* Answering: a long answer or a stream has no deadline. */
	api_conn_phase(api->guard, conn, API_ANSWERING);
	api_dispatch(api, r);
	if (offload_pending(r)) {
		/* The handler gave the rest to a pool: suspend first, so that the
		 * pool's resume always finds the connection suspended; from
		 * offload_post on the pool owns r, until it resumes conn. */
		MHD_suspend_connection(conn);
		offload_post(r);
		return MHD_YES;
	}
	return api_send(api, r);
}

__attribute__((format(printf, 2, 0))) static void api_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	/* A peer that went away mid-answer (a board or phone closing its event
	 * stream) is a normal event, not a warning. */
	if (strncmp(line, "Failed to send", 14) == 0 &&
	    (strstr(line, "no longer available") || strstr(line, "by peer") ||
	     strstr(line, "by remote peer") || strstr(line, "Broken pipe")))
		log_debug("http: %s", line);
	/* A connection the guard shut down (a head or body past its deadline,
	 * a head culled under pressure): the sweeper already logs one line a
	 * tick for all of them. */
	else if (strstr(line, "closed when reading request") && strstr(line, "connection closure"))
		log_debug("http: %s", line);
	else
		log_warn("http: %s", line);
}

/* The most a TLS certificate or key file may hold (doctor reads as much). */
#define API_TLS_FILE_MAX (16 * 1024 * 1024)

/* Reads a TLS file whole (NUL-terminated), or says why not in why. Opened
 * non-blocking and refused unless a regular file, so a FIFO or a device
 * fails at once rather than holding serve before it handles SIGTERM. */
static char *api_read_file(const char *path, char *why, size_t why_len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) != 0)
		sb.st_mode = 0;
	if (!S_ISREG(sb.st_mode) || sb.st_size > API_TLS_FILE_MAX) {
		snprintf(why, why_len, "%s: %s", path,
		         S_ISDIR(sb.st_mode)    ? strerror(EISDIR)
		         : !S_ISREG(sb.st_mode) ? "not a regular file"
		                                : "larger than 16 MiB: not a PEM file");
		close(fd);
		return NULL;
	}
	struct strbuf sb_out = STRBUF_INIT;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0 && sb_out.len <= API_TLS_FILE_MAX)
		strbuf_append(&sb_out, buf, (size_t)n);
	int e = n < 0 ? errno : 0;
	close(fd);
	if (e || sb_out.len > API_TLS_FILE_MAX) {
		snprintf(why, why_len, "%s: %s", path,
		         e ? strerror(e) : "larger than 16 MiB: not a PEM file");
		free(strbuf_detach(&sb_out, NULL));
		return NULL;
	}
	return strbuf_detach(&sb_out, NULL);
}

/* Whether cert and key (PEM) load together as the TLS layer will load them:
 * a key that is not the certificate's, or either not PEM, is said in why
 * (otherwise the listening socket would fail later, looking like a port in
 * use). */
static bool api_tls_pair_ok(const char *cert, const char *key, char *why, size_t why_len)
{
	gnutls_certificate_credentials_t cred;
	gnutls_datum_t c = {(unsigned char *)cert, (unsigned)strlen(cert)};
	gnutls_datum_t k = {(unsigned char *)key, (unsigned)strlen(key)};
	int rc = gnutls_certificate_allocate_credentials(&cred);
	if (rc >= 0) {
		rc = gnutls_certificate_set_x509_key_mem2(cred, &c, &k, GNUTLS_X509_FMT_PEM, NULL,
		                                          0);
		gnutls_certificate_free_credentials(cred);
	}
	if (rc >= 0)
		return true;
	snprintf(why, why_len, "%s",
	         rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH ? "the key is not the certificate's key"
	                                                 : gnutls_strerror(rc));
	return false;
}

/* Raises the soft limit of open files to the hard one (systemd: LimitNOFILE).
 * Returns the soft limit now in force, or -1 when unknown. */
static long api_raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return -1;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit want = {.rlim_cur = rl.rlim_max, .rlim_max = rl.rlim_max};
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl = want;
	}
	return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1L << 30 ? 1L << 30
	                                                              : (long)rl.rlim_cur;
}

/* Frees what api holds and api itself: every part may be missing (a start
 * that failed half-way). The pools must be stopped (api_pools_stop) and the
 * daemon gone. */
static void api_release(struct api *api)
{
	offload_free(api->write_pool);
	offload_free(api->io_pool);
	offload_free(api->cpu_pool);
	offload_free(api->login_pool);
	ratelimit_free(api->login_rate);
	ratelimit_free(api->feedback_rate);
	ratelimit_free(api->feedback_public_rate);
	ratelimit_free(api->booking_rate);
	api_guard_free(api->guard);
	printing_stop(api->printing);
	notify_worker_stop(api->notify);
	bus_free(api->bus);
	throttle_free(api->login_throttle);
	throttle_free(api->ip_throttle);
	idem_seal_free(api->idem_seal);
	free(api->tls_cert_pem);
	free(api->tls_key_pem);
	pthread_mutex_destroy(&api->large.lock);
	free(api);
}

/* Stops the offload pools (those started), refusing new requests. */
static void api_pools_stop(struct api *api)
{
	offload_stop(api->write_pool);
	offload_stop(api->io_pool);
	offload_stop(api->cpu_pool);
	offload_stop(api->login_pool);
}

/* The defaults of the settings left at 0 in api->cfg. */
static void api_config_defaults(struct api *api)
{
	if (api->cfg.body_limit == 0)
		api->cfg.body_limit = API_DEFAULT_BODY_LIMIT;
	if (api->cfg.logins_per_minute <= 0)
		api->cfg.logins_per_minute = API_LOGINS_PER_MINUTE;
	if (api->cfg.threads <= 0)
		api->cfg.threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (api->cfg.threads <= 0)
		api->cfg.threads = 2;
	if (api->cfg.per_address_limit <= 0)
		api->cfg.per_address_limit = API_PER_ADDRESS_LIMIT;
}

/* Reads and checks the TLS pair of cfg (none: plain HTTP) into api.
 * MC_ERR_INVALID tls_incomplete, tls_unreadable, tls_invalid; what was read
 * stays in api for api_release. */
static enum mc_err api_tls_load(struct api *api, const struct api_config *cfg, struct mc_error *err)
{
	if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL))
		return mc_fail(err, MC_ERR_INVALID, "tls_incomplete", "Thiếu chứng chỉ hoặc khóa",
		               "--tls-cert and --tls-key go together");
	if (cfg->tls_cert == NULL)
		return MC_OK;
	char why[512] = "";
	api->tls_cert_pem = api_read_file(cfg->tls_cert, why, sizeof why);
	if (api->tls_cert_pem)
		api->tls_key_pem = api_read_file(cfg->tls_key, why, sizeof why);
	if (api->tls_cert_pem == NULL || api->tls_key_pem == NULL)
		return mc_failf(err, MC_ERR_INVALID, "tls_unreadable",
		                "Không đọc được chứng chỉ hoặc khóa",
		                "cannot read the TLS certificate or key: %s", why);
	if (!api_tls_pair_ok(api->tls_cert_pem, api->tls_key_pem, why, sizeof why))
		return mc_failf(err, MC_ERR_INVALID, "tls_invalid",
		                "Chứng chỉ hoặc khóa TLS không dùng được",
		                "TLS: %s with %s: %s (doctor --tls-cert --tls-key says more)",
		                cfg->tls_cert, cfg->tls_key, why);
	api->tls = true;
	return MC_OK;
}

/* Opens the key that seals stored Idempotency-Key answers, kept outside the
 * database (store/idempotency.h), and drops the answers it cannot open. */
static enum mc_err api_seal_open(struct api *api, struct store *st, const struct api_config *cfg,
                                 struct mc_error *err)
{
	char *seal_path = cfg->idem_key_file ? xstrdup(cfg->idem_key_file)
	                                     : idem_seal_default_path(store_path(st));
	enum mc_err rc = idem_seal_open(seal_path, &api->idem_seal, err);
	free(seal_path);
	if (rc == MC_OK)
		store_idem_drop_unsealed(st);
	return rc;
}

/* The connection and stream limits, against the open-file limit (raised to
 * the hard one first). */
static void api_connection_limits(struct api *api)
{
	long files = api_raise_fd_limit();
	if (api->cfg.max_connections <= 0) {
		api->cfg.max_connections = API_MAX_CONNECTIONS;
		if (files > 0 && files - API_FD_RESERVE < API_MAX_CONNECTIONS)
			api->cfg.max_connections =
			    files - API_FD_RESERVE > 64 ? (int)(files - API_FD_RESERVE) : 64;
	} else if (files > 0 && api->cfg.max_connections > files - API_FD_RESERVE) {
		log_warn("--max-connections %d is over the open-file limit %ld (less %d for the "
		         "server's own files): raise LimitNOFILE",
		         api->cfg.max_connections, files, API_FD_RESERVE);
	}
	/* Streams may take three quarters of the connections: the rest stay
	 * for ordinary requests (docs/api.md "Limits"), so a larger
	 * --max-streams is lowered, not only warned about. */
	int streams_room = api->cfg.max_connections / 4 * 3;
	if (api->cfg.max_streams <= 0) {
		api->cfg.max_streams = streams_room;
		if (api->cfg.max_streams > API_MAX_STREAMS)
			api->cfg.max_streams = API_MAX_STREAMS;
	} else if (api->cfg.max_streams > streams_room) {
		log_warn(
		    "--max-streams %d is over three quarters of the %d connections "
		    "(--max-connections): lowered to %d so ordinary requests always find a slot",
		    api->cfg.max_streams, api->cfg.max_connections, streams_room);
		api->cfg.max_streams = streams_room;
	}
}

/* The rate limits and the offload pools. A pool that cannot start is fatal. */
static void api_pools_start(struct api *api)
{
	api->login_rate = ratelimit_new(4096, api->cfg.logins_per_minute, 60);
	api->feedback_rate = ratelimit_new(4096, API_FEEDBACK_PER_WINDOW, API_FEEDBACK_WINDOW_S);
	api->feedback_public_rate = ratelimit_new(1, 1, 60); /* its limit: a setting */
	api->booking_rate = ratelimit_new(4096, API_BOOKING_PER_WINDOW, API_BOOKING_WINDOW_S);
	/* Logins below the HTTP workers' CPU priority, renders below logins:
	 * a flood of renders leaves the cores to a login's password check. */
	api->login_pool =
	    offload_start("login", api, API_LOGIN_POOL_THREADS, API_LOGIN_POOL_QUEUE, 5);
	api->cpu_pool = offload_start("cpu", api, API_CPU_POOL_THREADS, API_CPU_POOL_QUEUE, 10);
	api->io_pool = offload_start("io", api, API_IO_POOL_THREADS, API_IO_POOL_QUEUE, 0);
	api->write_pool =
	    offload_start("write", api, API_WRITE_POOL_THREADS, API_WRITE_POOL_QUEUE, 0);
	if (api->login_pool == NULL || api->cpu_pool == NULL || api->io_pool == NULL ||
	    api->write_pool == NULL) {
		log_error("cannot start the offload pools");
		abort();
	}
	offload_set_max_wait(api->login_pool, API_LOGIN_POOL_MAX_WAIT_MS);
	offload_set_max_wait(api->cpu_pool, API_CPU_POOL_MAX_WAIT_MS);
	offload_set_per_principal(api->cpu_pool, API_CPU_PER_PRINCIPAL);
	offload_set_per_principal(api->io_pool, API_IO_PER_PRINCIPAL);
}

/* The parts behind the HTTP workers: the connection guard, throttles, the
 * live bus, the print spool, the notify worker and the pools.
 * MC_ERR_INTERNAL printing_failed. */
static enum mc_err api_parts_start(struct api *api, struct store *st, struct mc_error *err)
{
	api->guard = api_guard_new(&api->cfg);
	api->guard->max_streams = api->cfg.max_streams;
	api->login_throttle = throttle_new(4096, 5);
	/* Addresses share this table with public lookups and rating links; a
	 * slot is held an hour after a failure, so room for many. */
	api->ip_throttle = throttle_new(8192, 30);
	api->bus = bus_new(st, api->cfg.heartbeat_ms > 0 ? api->cfg.heartbeat_ms : 15000);
	bus_set_limits(api->bus, api->cfg.streams_per_token, api->cfg.streams_per_address,
	               api->cfg.max_streams);
	api->printing = printing_start(st);
	if (api->printing == NULL)
		return mc_fail(err, MC_ERR_INTERNAL, "printing_failed",
		               "Không khởi động được bộ in", "cannot start the print spool");
	/* The messages to citizens leave by their own threads (never an HTTP
	 * worker); like the print spool, it starts and stops with the server. */
	api->notify = notify_worker_start(st);
	if (api->notify == NULL) {
		log_error("cannot start the notify worker");
		abort();
	}
	api_pools_start(api);
	return MC_OK;
}

/* A free port for addr when it asks for any (port 0): the port is part of
 * the server's default instance name, which the workers need before the
 * daemon binds. The probe's socket is closed before the daemon binds the
 * port (a bound socket that never listened leaves nothing behind). 0 when
 * none can be had (the daemon then picks one itself). */
static uint16_t api_free_port(const struct sockaddr_in *addr)
{
	struct sockaddr_in a = *addr;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	uint16_t port = 0;
	a.sin_port = 0;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Names this server in the store's claims (store_instance_set): cfg's
 * --instance, else "host:port" (port 0 is first made a free port, in addr
 * and api->cfg). Before the print spool and the notify worker start. */
static void api_instance_set(struct api *api, struct store *st, struct sockaddr_in *addr)
{
	if (api->cfg.instance && api->cfg.instance[0]) {
		store_instance_set(st, api->cfg.instance);
		return;
	}
	if (api->cfg.port == 0 && (api->cfg.port = api_free_port(addr)) != 0)
		addr->sin_port = htons((uint16_t)api->cfg.port);
	char host[STORE_INSTANCE_MAX - 8] = "";
	if (gethostname(host, sizeof host) != 0 || host[0] == '\0')
		snprintf(host, sizeof host, "motcua");
	host[sizeof host - 1] = '\0';
	char name[STORE_INSTANCE_MAX + 1];
	snprintf(name, sizeof name, "%s:%d", host, api->cfg.port);
	store_instance_set(st, name);
}

/* Starts the HTTP daemon on addr (TLS when api->tls). MC_ERR_UNAVAILABLE
 * listen_failed. */
static enum mc_err api_daemon_start(struct api *api, const struct sockaddr_in *addr,
                                    const char *listen, struct mc_error *err)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (api->tls)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem tls_opts[] = {
	    {api->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, api->tls_cert_pem},
	    {api->tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, api->tls_key_pem},
	    {MHD_OPTION_END, 0, NULL},
	};
	api->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, api_access, api, MHD_OPTION_EXTERNAL_LOGGER, api_log, NULL,
	    MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)api->cfg.threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)api->cfg.max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)api->cfg.per_address_limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)API_CONNECTION_MEMORY, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	    MHD_OPTION_URI_LOG_CALLBACK, api_uri_seen, api, MHD_OPTION_NOTIFY_CONNECTION,
	    api_notify_connection, api->guard, MHD_OPTION_NOTIFY_COMPLETED, api_completed, api,
	    MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
	if (api->daemon == NULL)
		return mc_failf(
		    err, MC_ERR_UNAVAILABLE, "listen_failed", "Không mở được cổng dịch vụ",
		    "cannot listen on %s:%d (in use, or not permitted)", listen, api->cfg.port);
	const union MHD_DaemonInfo *di =
	    MHD_get_daemon_info(api->daemon, MHD_DAEMON_INFO_BIND_PORT);
	api->port = di ? di->port : api->cfg.port;
	return MC_OK;
}

enum mc_err api_start(struct store *st, const struct api_config *cfg, struct api **out,
                      struct mc_error *err)
{
	struct api *api = xcalloc(1, sizeof *api);
	pthread_mutex_init(&api->large.lock, NULL);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
	const char *listen = cfg->listen ? cfg->listen : "127.0.0.1";
	enum mc_err rc;

	api->st = st;
	api->cfg = *cfg;
	api_config_defaults(api);
	if (inet_pton(AF_INET, listen, &addr.sin_addr) != 1) {
		rc = mc_failf(err, MC_ERR_INVALID, "invalid_listen", "Địa chỉ nghe không hợp lệ",
		              "--listen must be an IPv4 address, not '%.60s'", listen);
		goto fail;
	}
	if ((rc = api_tls_load(api, cfg, err)) || (rc = api_seal_open(api, st, cfg, err)))
		goto fail;
	api_connection_limits(api);
	api_instance_set(api, st, &addr);
	log_info("this server's name in its claims of print jobs and messages: %s",
	         store_instance(st));
	if ((rc = api_parts_start(api, st, err)) ||
	    (rc = api_daemon_start(api, &addr, listen, err)))
		goto fail;
	char base[128];
	snprintf(base, sizeof base, "%s://%s:%d", api->tls ? "https" : "http", listen, api->port);
	printing_set_base_url(api->printing, base);
	bus_attach(api->bus, api->daemon);
	if (pthread_create(&api->guard->sweeper, NULL, api_sweeper, api->guard) != 0) {
		log_error("cannot start the connection sweeper: %s", strerror(errno));
		abort();
	}
	api->guard->started = true;
	*out = api;
	return MC_OK;
fail:
	api_pools_stop(api);
	api_release(api);
	return rc;
}

int api_port(const struct api *api)
{
	return api->port;
}

void api_stop(struct api *api)
{
	if (api == NULL)
		return;
	/* Streams end first, then the offloaded requests finish (refusing new
	 * ones): suspended connections must be resumed before the daemon may
	 * stop. */
	bus_shutdown(api->bus);
	api_pools_stop(api);
	MHD_stop_daemon(api->daemon);
	api_release(api);
}
