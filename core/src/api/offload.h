/* Slow work off the HTTP workers: a bounded pool of threads that finishes a
 * request while its connection is suspended.
 *
 * libmicrohttpd serves every connection on one of a few worker threads (one
 * per core); a handler that waits (a kiosk's printer, up to 4 s) or burns CPU
 * (Argon2id, ~19 MiB and tens of ms) stalls every other connection of that
 * worker. Such a handler instead hands the rest of its request to a pool:
 *
 *   1. On the HTTP worker, the handler parses and checks its input, then
 *      calls offload_request(pool, r, run, arg, free_arg) and returns without
 *      a response (offload_request copies r's headers and query arguments
 *      first: http_header and http_query work on the pool thread). When
 *      the pool is full (all threads busy and its queue of
 *      waiting jobs full) or stopping, offload_request answers 503
 *      "server_busy" with Retry-After instead: nothing queues without bound.
 *   2. The server (api_access) sees offload_pending(r): it suspends the
 *      connection (MHD_suspend_connection), then offload_post(r) queues the
 *      job. From this call on the pool owns r: the HTTP workers do not touch
 *      r or its connection (MHD does not call back a suspended connection).
 *   3. A pool thread runs run(api, r, arg): it sets r's response with the
 *      http_reply_* functions and must not call MHD on r->conn. Then the pool
 *      marks the job done and, as its last touch of r, resumes the
 *      connection (MHD_resume_connection, thread-safe; MHD_ALLOW_SUSPEND_RESUME
 *      includes MHD_USE_ITC, which wakes the connection's worker).
 *   4. MHD calls the access handler again on that worker, which owns r once
 *      more: offload_take_done(r) is true exactly once, and the server sends
 *      the response. The job (arg included) is freed with r
 *      (offload_job_free from the request's cleanup).
 *
 * A pool is stopped (offload_stop) before the daemon: every job already
 * taken runs to its end and resumes its connection, since MHD refuses to stop
 * with suspended connections; it is freed (offload_free) after the daemon. */
#ifndef MOTCUA_OFFLOAD_H
#define MOTCUA_OFFLOAD_H

#include <stdbool.h>

struct api;
struct http_request;
struct offload;
struct offload_job;

/* Runs on a pool thread; sets r's response (http_reply_*). */
typedef void (*offload_fn)(struct api *api, struct http_request *r, void *arg);

/* Starts a pool named name (for the log) of `threads` threads that accepts
 * at most `queue_max` jobs waiting beside the running ones. nice > 0: the
 * threads run that much below the HTTP workers' CPU priority, for CPU-bound
 * work (0: as the workers). Returns NULL when a thread cannot be made
 * (nothing left running). */
struct offload *offload_start(const char *name, struct api *api, int threads, int queue_max,
                              int nice);
/* Bounds the jobs one principal (r->who.actor, hashed; anonymous callers
 * share one) may hold in the pool at once, reserved, waiting or running:
 * beyond max, offload_request answers 429 "too_many_requests" with
 * Retry-After, so one caller cannot take a pool others share. 0 (the
 * default): no bound. Call before the pool takes its first job. */
void offload_set_per_principal(struct offload *o, int max);
/* Bounds how long a job may wait for a thread, counted from its request's
 * arrival (r->started_ms): one that gets a thread later is answered 503
 * server_busy (Retry-After) without running. 0 (the default): no bound. */
void offload_set_max_wait(struct offload *o, int ms);
/* Refuses new jobs (503 server_busy from then on), runs every job already
 * taken to its end (resuming its connection) and joins the threads. The pool
 * stays valid for offload_request until offload_free. NULL is a no-op. */
void offload_stop(struct offload *o);
/* Frees a stopped pool, once no HTTP worker can call it (after the daemon
 * stopped). NULL is a no-op. */
void offload_free(struct offload *o);

/* Called by a handler on an HTTP worker: reserves a place in pool o for the
 * rest of request r. true: r->offload holds the job (arg with it) and the
 * handler returns without a response. false: the pool is full or stopping
 * (r has its 503 "server_busy" answer), or r's principal holds its share
 * (offload_set_per_principal; 429 "too_many_requests"), both with
 * Retry-After; arg was released with free_arg (when not NULL). */
bool offload_request(struct offload *o, struct http_request *r, offload_fn run, void *arg,
                     void (*free_arg)(void *arg));
/* Marks r's reserved job (offload_request returned true) to wait ahead of
 * the queued jobs not so marked, behind those that are: a staff member's
 * login passes a flood of logins to unknown accounts. */
void offload_ahead(struct http_request *r);
/* Whether r holds a job not yet posted (the handler just offloaded it). */
bool offload_pending(const struct http_request *r);
/* Queues r's reserved job; r's connection must already be suspended. The
 * caller gives r to the pool: it must not touch r after this call. */
void offload_post(struct http_request *r);
/* On the HTTP worker after the resume: true once when r's job has run (its
 * response is set); false when r has no job, or (then also aborting, since
 * it is a bug) a job not yet run. */
bool offload_take_done(struct http_request *r);
/* Frees a job and its arg; NULL is a no-op. Only for a job not queued or
 * running (never taken, or done). */
void offload_job_free(struct offload_job *job);

/* Jobs in the pool now (waiting + running), for /metrics and tests. */
int offload_load(struct offload *o);

#endif
