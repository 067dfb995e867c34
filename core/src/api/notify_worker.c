/* The notify worker (api/notify_worker.h). */
#include "api/notify_worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/notify_adapter.h"
#include "api/notify_config.h"
#include "api/notify_curl.h"
#include "store/notify.h"
#include "util/clock.h"
#include "util/enforce.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define NOTIFY_CHANNELS 3
#define NOTIFY_POLL_MS 1000
#define NOTIFY_SCAN_S 60

struct notify_thread {
	struct notify_worker *w;
	const char *channel; /* "email", "sms", "zalo"; NULL: the scans */
	pthread_t thread;
	bool started;
};

/* Shared by the threads: `lock` guards stopping and wakes; st and the
 * threads' slots are immutable once started. */
struct notify_worker {
	struct store *st;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	bool stopping;
	unsigned wakes; /* counts notify_worker_wake calls */
	struct notify_thread threads[NOTIFY_CHANNELS + 1];
};

/* Waits up to ms, or until woken or stopping. Returns false when stopping. */
static bool notify_wait(struct notify_worker *w, unsigned *seen, int ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->lock);
	while (!w->stopping && *seen == w->wakes)
		if (pthread_cond_timedwait(&w->cv, &w->lock, &until) == ETIMEDOUT)
			break;
	*seen = w->wakes;
	bool go = !w->stopping;
	pthread_mutex_unlock(&w->lock);
	return go;
}

static bool notify_stopping(struct notify_worker *w)
{
	pthread_mutex_lock(&w->lock);
	bool s = w->stopping;
	pthread_mutex_unlock(&w->lock);
	return s;
}

/* Sends one claimed message through its channel's adapter and records the
 * outcome. Outside any transaction. */
static void notify_send_one(struct notify_worker *w, json_t *cfg, struct store_notify_claim *c)
{
	struct notify_message m = {
	    .id = c->id,
	    .channel = c->channel,
	    .trigger = c->trigger,
	    .recipient = c->recipient,
	    .subject = c->subject,
	    .body = c->body,
	    .data = json_loads(c->data ? c->data : "{}", 0, NULL),
	};
	if (!json_is_object(m.data)) {
		json_decref(m.data);
		m.data = json_object();
	}
	/* A provider's exchange takes seconds: never under the writer lock. */
	ENFORCE(!store_in_transaction(w->st), "a message is sent outside any transaction");
	struct notify_result *r = xcalloc(1, sizeof *r);
	json_t *chcfg = json_object_get(cfg, c->channel);
	enum notify_outcome o;
	if (strcmp(c->channel, "email") == 0)
		o = notify_email_send(chcfg, &m, r);
	else if (strcmp(c->channel, "sms") == 0)
		o = notify_sms_send(chcfg, &m, r);
	else
		o = notify_zalo_send(w->st, chcfg, &m, r);
	r->answer[sizeof r->answer - 1] = '\0';
	r->provider_id[sizeof r->provider_id - 1] = '\0';
	r->error[sizeof r->error - 1] = '\0';
	enum store_notify_result res = o == NOTIFY_SENT        ? STORE_NOTIFY_SENT
	                               : o == NOTIFY_PERMANENT ? STORE_NOTIFY_PERMANENT
	                                                       : STORE_NOTIFY_RETRY;
	struct mc_error err;
	char state[8] = "";
	/* The outcome must be recorded: a failure here (the disk) is retried,
	 * else the row stays sending until the next start recovers it. */
	for (int i = 0; i < 5; i++) {
		if (store_notify_finish(w->st, c->id, res, r->answer[0] ? r->answer : NULL,
		                        r->provider_id[0] ? r->provider_id : NULL,
		                        r->error[0] ? r->error : NULL, clock_now(), state,
		                        &err) == MC_OK)
			break;
		log_warn("notify: recording message %lld: %s", (long long)c->id, err.message_en);
		if (err.kind == MC_ERR_CONFLICT)
			break;
		pthread_mutex_lock(&w->lock);
		unsigned seen = w->wakes; /* only a later wake cuts the pause short */
		pthread_mutex_unlock(&w->lock);
		if (!notify_wait(w, &seen, 200 << i))
			break;
	}
	if (state[0] && strcmp(state, "sent") != 0)
		log_info("notify: message %lld by %s %s (attempt %d): %s", (long long)c->id,
		         c->channel, state, c->attempts, r->error[0] ? r->error : "refused");
	json_decref(m.data);
	free(r);
}

static void *notify_channel_main(void *arg)
{
	struct notify_thread *t = arg;
	struct notify_worker *w = t->w;
	unsigned seen = 0;
	do {
		json_t *cfg = notify_config_load(w->st);
		bool configured = notify_channel_configured(cfg, t->channel);
		/* Send what is due, one message at a time, until nothing is. */
		while (configured && !notify_stopping(w)) {
			struct store_notify_claim c;
			bool found = false;
			struct mc_error err;
			if (store_notify_claim(w->st, t->channel, clock_now(), &c, &found, &err)) {
				log_warn("notify: claiming a %s message: %s", t->channel,
				         err.message_en);
				break;
			}
			if (!found)
				break;
			notify_send_one(w, cfg, &c);
			store_notify_claim_free(&c);
		}
		json_decref(cfg);
	} while (notify_wait(w, &seen, NOTIFY_POLL_MS));
	return NULL;
}

static void *notify_scan_main(void *arg)
{
	struct notify_thread *t = arg;
	struct notify_worker *w = t->w;
	unsigned seen = 0;
	int64_t last = 0;
	do {
		/* The test clock may jump: scan when a minute of it has passed
		 * (or it went back), and at least every minute of real time. */
		int64_t now = clock_now();
		if (last == 0 || now - last >= NOTIFY_SCAN_S || now < last) {
			struct mc_error err;
			if (store_notify_scan(w->st, now, &err))
				log_warn("notify: the periodic scan: %s", err.message_en);
			else
				notify_worker_wake(w); /* it may have planned messages */
			last = now;
		}
	} while (notify_wait(w, &seen, NOTIFY_POLL_MS));
	return NULL;
}

struct notify_worker *notify_worker_start(struct store *st)
{
	static const char *const channels[NOTIFY_CHANNELS] = {"email", "sms", "zalo"};
	struct notify_worker *w = xcalloc(1, sizeof *w);
	struct mc_error err;
	int recovered = 0;
	w->st = st;
	notify_curl_resume();
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (store_notify_recover(st, clock_now(), &recovered, &err))
		log_warn("notify: recovering messages left sending: %s", err.message_en);
	else if (recovered)
		log_info("notify: %d message(s) left sending by the last run queued again",
		         recovered);
	for (int i = 0; i <= NOTIFY_CHANNELS; i++) {
		struct notify_thread *t = &w->threads[i];
		t->w = w;
		t->channel = i < NOTIFY_CHANNELS ? channels[i] : NULL;
		if (pthread_create(&t->thread, NULL,
		                   t->channel ? notify_channel_main : notify_scan_main, t) != 0) {
			log_error("notify: cannot start a worker thread: %s", strerror(errno));
			notify_worker_stop(w);
			return NULL;
		}
		t->started = true;
	}
	return w;
}

void notify_worker_wake(struct notify_worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->wakes++;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->lock);
}

void notify_worker_stop(struct notify_worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->lock);
	notify_curl_stop(); /* a provider's exchange in progress is cut, not waited for */
	for (int i = 0; i <= NOTIFY_CHANNELS; i++)
		if (w->threads[i].started)
			pthread_join(w->threads[i].thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
