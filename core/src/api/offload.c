/* The offload pools: see offload.h for the life of a job and who owns the
 * request at each step. */
#include "api/offload.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "api/api_internal.h"
#include "util/clock.h"
#include "util/enforce.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* A resume from a pool thread wakes the connection's worker through MHD's
 * inter-thread channel; MHD 0.9.75 turns it on with suspend/resume. */
_Static_assert((MHD_ALLOW_SUSPEND_RESUME & MHD_USE_ITC) == MHD_USE_ITC,
               "suspend/resume across threads needs MHD_USE_ITC");

/* Seconds a client refused by a full pool is told to wait. */
#define OFFLOAD_RETRY_AFTER_S 1
/* At stop, how long the answers of finished jobs may take to go out before
 * the daemon closes their connections. */
#define OFFLOAD_DRAIN_MS 5000
/* Buckets of the per-principal count (offload_set_per_principal): a hash of
 * the actor picks one; a collision only shares a bucket's allowance. */
#define OFFLOAD_SHARE_BUCKETS 1024

enum offload_state {
	OFFLOAD_RESERVED, /* taken by offload_request; owner: the HTTP worker */
	OFFLOAD_QUEUED,   /* posted; owner of r: the pool */
	OFFLOAD_RUNNING,  /* on a pool thread; owner of r: that thread */
	OFFLOAD_DONE,     /* run, connection resumed; owner of r: the HTTP worker */
	OFFLOAD_TAKEN,    /* its response handed to MHD */
};

struct offload_job {
	struct offload *pool;
	struct http_request *r;
	offload_fn run;
	void *arg;
	void (*free_arg)(void *arg);
	/* 1 + the bucket of pool->share this job holds, 0 none; under
	 * pool->lock (taken by offload_request, given back where load falls). */
	int share_bucket;
	/* Queued ahead of the jobs without it (offload_ahead); set by the HTTP
	 * worker before offload_post, read under pool->lock. */
	bool ahead;
	/* Written under pool->lock by the pool, read by the HTTP worker only
	 * after the resume (MHD's own lock orders the two). */
	enum offload_state state;
	TAILQ_ENTRY(offload_job) entry;
};

/* A pool. Everything below `lock` is guarded by it; name, api and the
 * sizes are set before the threads start and never change. */
struct offload {
	char name[24];
	struct api *api;
	int nthreads;
	int capacity; /* threads + queue_max: jobs reserved, queued or running */
	int nice;     /* the threads' CPU priority offset (0: as the HTTP workers) */
	pthread_t *threads;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	TAILQ_HEAD(, offload_job) queue; /* posted, not yet running */
	int load;                        /* reserved + queued + running */
	int max_wait_ms;                 /* offload_set_max_wait; 0: none */
	int reserved;                    /* taken, not yet posted */
	int live;                        /* jobs not yet freed: their request not yet completed */
	pthread_cond_t drained;          /* signalled as live falls; waited on by offload_stop */
	/* Jobs (reserved + queued + running) per bucket of the principal's
	 * hash, so one caller cannot fill the pool; guarded by lock. Bounded by
	 * per_principal (0: no bound, share unused). Sum of share == load of
	 * the jobs taken while a bound was set. */
	int per_principal;
	int share[OFFLOAD_SHARE_BUCKETS];
	bool stopping;
};

/* Sets r's answer: 503 server_busy with Retry-After. */
static void offload_refuse(struct http_request *r)
{
	http_reply_fail(r, MC_ERR_UNAVAILABLE, "server_busy",
	                "Máy chủ đang bận, vui lòng thử lại sau giây lát",
	                "The server is busy; retry in a moment");
	r->retry_after = OFFLOAD_RETRY_AFTER_S;
}

/* Sets r's answer: 429 with Retry-After (its principal holds its share of
 * the pool): too_many_changes for a change (it holds a write share, see
 * api_dispatch), as the other bound on a principal's changes says;
 * too_many_requests for anything else. */
static void offload_refuse_principal(struct http_request *r)
{
	if (r->write_share) {
		api_reply_too_many_changes(r);
		return;
	}
	http_reply_fail(r, MC_ERR_RATE_LIMITED, "too_many_requests",
	                "Tài khoản này đang có quá nhiều yêu cầu chờ xử lý, vui lòng thử lại "
	                "sau giây lát",
	                "This token has too many requests waiting; retry in a moment");
	r->retry_after = OFFLOAD_RETRY_AFTER_S;
}

/* The bucket of o->share for r's principal (anonymous callers share one). */
static int offload_bucket(const struct http_request *r)
{
	uint32_t h = 2166136261u;
	for (const char *p = r->who.actor; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return (int)(h % OFFLOAD_SHARE_BUCKETS);
}

/* Gives back job's place in its principal's share; o->lock held. */
static void offload_share_give(struct offload *o, struct offload_job *job)
{
	if (job->share_bucket == 0)
		return;
	int b = job->share_bucket - 1;
	ENFORCE(o->share[b] > 0, "offload share count below zero");
	o->share[b]--;
	job->share_bucket = 0;
}

static void *offload_thread(void *arg)
{
	struct offload *o = arg;
	if (o->nice > 0) {
		/* Linux: nice applies to the calling thread alone. */
		if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), o->nice) != 0)
			log_debug("offload %s: cannot lower the thread priority", o->name);
	}
	pthread_mutex_lock(&o->lock);
	for (;;) {
		while (TAILQ_EMPTY(&o->queue) && !(o->stopping && o->reserved == 0))
			pthread_cond_wait(&o->cond, &o->lock);
		struct offload_job *job = TAILQ_FIRST(&o->queue);
		if (job == NULL)
			break; /* stopping, nothing taken is left */
		TAILQ_REMOVE(&o->queue, job, entry);
		ENFORCE(job->state == OFFLOAD_QUEUED, "offload ownership rule");
		job->state = OFFLOAD_RUNNING;
		int max_wait = o->max_wait_ms;
		pthread_mutex_unlock(&o->lock);

		struct http_request *r = job->r;
		struct MHD_Connection *conn = r->conn;
		if (max_wait > 0 && clock_mono_ms() - r->started_ms > max_wait)
			offload_refuse(r);
		else
			job->run(o->api, r, job->arg);
		if (r->status == 0 && r->prepared == NULL) {
			log_error("offload %s: a job set no response", o->name);
			http_reply_fail(r, MC_ERR_INTERNAL, "internal", "Lỗi máy chủ",
			                "Server error");
		}

		pthread_mutex_lock(&o->lock);
		job->state = OFFLOAD_DONE;
		o->load--;
		offload_share_give(o, job);
		pthread_mutex_unlock(&o->lock);
		/* The last touch of the request on this thread: from here the
		 * connection's worker owns r (and may free it at once). */
		MHD_resume_connection(conn);
		pthread_mutex_lock(&o->lock);
	}
	pthread_mutex_unlock(&o->lock);
	return NULL;
}

struct offload *offload_start(const char *name, struct api *api, int threads, int queue_max,
                              int nice)
{
	ENFORCE(threads > 0 && queue_max >= 0 && nice >= 0, "offload ownership rule");
	struct offload *o = xcalloc(1, sizeof *o);
	snprintf(o->name, sizeof o->name, "%s", name);
	o->api = api;
	o->capacity = threads + queue_max;
	o->nice = nice;
	o->threads = xcalloc((size_t)threads, sizeof *o->threads);
	pthread_mutex_init(&o->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&o->cond, NULL);
	pthread_cond_init(&o->drained, &ca);
	pthread_condattr_destroy(&ca);
	TAILQ_INIT(&o->queue);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&o->threads[i], NULL, offload_thread, o) != 0) {
			log_error("offload %s: cannot start thread %d of %d", name, i + 1, threads);
			offload_stop(o);
			offload_free(o);
			return NULL;
		}
		o->nthreads++;
	}
	return o;
}

void offload_set_max_wait(struct offload *o, int ms)
{
	pthread_mutex_lock(&o->lock);
	o->max_wait_ms = ms > 0 ? ms : 0;
	pthread_mutex_unlock(&o->lock);
}

void offload_set_per_principal(struct offload *o, int max)
{
	pthread_mutex_lock(&o->lock);
	/* Set before the pool takes a job: the shares then count every job. */
	ENFORCE(o->load == 0, "offload share set on a busy pool");
	o->per_principal = max > 0 ? max : 0;
	pthread_mutex_unlock(&o->lock);
}

void offload_stop(struct offload *o)
{
	if (o == NULL)
		return;
	pthread_mutex_lock(&o->lock);
	o->stopping = true;
	pthread_cond_broadcast(&o->cond);
	pthread_mutex_unlock(&o->lock);
	for (int i = 0; i < o->nthreads; i++)
		pthread_join(o->threads[i], NULL);
	o->nthreads = 0;
	/* The resumed requests are answered by their HTTP workers; the daemon
	 * still runs: give their answers a bounded time to go out. */
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += OFFLOAD_DRAIN_MS / 1000;
	pthread_mutex_lock(&o->lock);
	ENFORCE(TAILQ_EMPTY(&o->queue) && o->load == 0, "offload ownership rule");
	for (int b = 0; b < OFFLOAD_SHARE_BUCKETS; b++)
		ENFORCE(o->share[b] == 0, "offload share outlived its jobs");
	while (o->live > 0)
		if (pthread_cond_timedwait(&o->drained, &o->lock, &until) != 0)
			break;
	if (o->live > 0)
		log_warn("offload %s: %d answer(s) not sent before the stop", o->name, o->live);
	pthread_mutex_unlock(&o->lock);
}

void offload_free(struct offload *o)
{
	if (o == NULL)
		return;
	pthread_mutex_lock(&o->lock);
	ENFORCE(o->stopping && o->nthreads == 0, "offload ownership rule");
	pthread_mutex_unlock(&o->lock);
	pthread_cond_destroy(&o->cond);
	pthread_cond_destroy(&o->drained);
	pthread_mutex_destroy(&o->lock);
	free(o->threads);
	free(o);
}

bool offload_request(struct offload *o, struct http_request *r, offload_fn run, void *arg,
                     void (*free_arg)(void *arg))
{
	ENFORCE(r->offload == NULL, "offload ownership rule");
	/* The pool thread reads headers and arguments from this copy. */
	http_snapshot(r);
	struct offload_job *job = xcalloc(1, sizeof *job);
	int b = offload_bucket(r);
	pthread_mutex_lock(&o->lock);
	bool ok = !o->stopping && o->load < o->capacity;
	bool mine = o->per_principal == 0 || o->share[b] < o->per_principal;
	if (ok && mine) {
		o->load++;
		o->reserved++;
		o->live++;
		if (o->per_principal > 0) {
			o->share[b]++;
			job->share_bucket = b + 1;
		}
	}
	pthread_mutex_unlock(&o->lock);
	if (!ok || !mine) {
		free(job);
		if (free_arg)
			free_arg(arg);
		if (ok)
			offload_refuse_principal(r);
		else
			offload_refuse(r);
		return false;
	}
	job->pool = o;
	job->r = r;
	job->run = run;
	job->arg = arg;
	job->free_arg = free_arg;
	job->state = OFFLOAD_RESERVED;
	r->offload = job;
	return true;
}

void offload_ahead(struct http_request *r)
{
	ENFORCE(offload_pending(r), "offload ownership rule");
	r->offload->ahead = true;
}

bool offload_pending(const struct http_request *r)
{
	return r->offload && r->offload->state == OFFLOAD_RESERVED;
}

void offload_post(struct http_request *r)
{
	struct offload_job *job = r->offload;
	ENFORCE(job && job->state == OFFLOAD_RESERVED, "offload ownership rule");
	struct offload *o = job->pool;
	pthread_mutex_lock(&o->lock);
	job->state = OFFLOAD_QUEUED;
	o->reserved--;
	struct offload_job *after = NULL, *q;
	if (job->ahead) {
		/* Behind the jobs queued ahead before it, before the others. */
		TAILQ_FOREACH(q, &o->queue, entry)
		{
			if (!q->ahead)
				break;
			after = q;
		}
		if (after)
			TAILQ_INSERT_AFTER(&o->queue, after, job, entry);
		else
			TAILQ_INSERT_HEAD(&o->queue, job, entry);
	} else {
		TAILQ_INSERT_TAIL(&o->queue, job, entry);
	}
	pthread_cond_signal(&o->cond);
	pthread_mutex_unlock(&o->lock);
}

bool offload_take_done(struct http_request *r)
{
	struct offload_job *job = r->offload;
	if (job == NULL || job->state == OFFLOAD_TAKEN)
		return false;
	struct offload *o = job->pool;
	pthread_mutex_lock(&o->lock);
	enum offload_state st = job->state;
	pthread_mutex_unlock(&o->lock);
	/* MHD calls a suspended connection back only after its resume. */
	ENFORCE(st == OFFLOAD_DONE, "offload ownership rule");
	job->state = OFFLOAD_TAKEN;
	return true;
}

void offload_job_free(struct offload_job *job)
{
	if (job == NULL)
		return;
	struct offload *o = job->pool;
	pthread_mutex_lock(&o->lock);
	if (job->state == OFFLOAD_RESERVED) {
		/* Taken but never posted (the request ended first): give the
		 * place back. */
		o->load--;
		o->reserved--;
		offload_share_give(o, job);
	} else {
		ENFORCE(job->state == OFFLOAD_DONE || job->state == OFFLOAD_TAKEN,
		        "offload ownership rule");
	}
	o->live--;
	pthread_cond_broadcast(&o->drained);
	pthread_mutex_unlock(&o->lock);
	if (job->free_arg)
		job->free_arg(job->arg);
	free(job);
}

int offload_load(struct offload *o)
{
	pthread_mutex_lock(&o->lock);
	int n = o->load;
	pthread_mutex_unlock(&o->lock);
	return n;
}
