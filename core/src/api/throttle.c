#include "api/throttle.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/enforce.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* After the free tries the first wait is 1 s, doubling up to the cap. An
 * entry is free for another key once its wait is over and its last failure
 * is older than THROTTLE_FORGET_S; before that it is taken only when every
 * slot the newcomer may use is held (throttle_rather_forget). */
#define THROTTLE_MAX_WAIT_S 300
#define THROTTLE_FORGET_S 3600
/* Slots a key may use, from its hash onwards (open addressing). */
#define THROTTLE_PROBE 16

struct throttle_entry {
	char key[72]; /* "" when free */
	int failures;
	int64_t last_fail;
};

struct throttle {
	/* Owner: `lock` guards e[] (every read and write of an entry). slots,
	 * probe, free_tries and hash_key are set in throttle_new and read-only
	 * after, so any thread may read them without the lock. */
	pthread_mutex_t lock;
	int slots;
	int probe;
	int free_tries;
	unsigned char hash_key[crypto_shorthash_KEYBYTES];
	struct throttle_entry *e;
};

struct throttle *throttle_new(int slots, int free_tries)
{
	struct throttle *t = xcalloc(1, sizeof *t);
	if (slots < 1)
		slots = 1;
	t->free_tries = free_tries;
	ENFORCE(pthread_mutex_init(&t->lock, NULL) == 0, "throttle mutex call");
	t->slots = slots;
	t->probe = slots < THROTTLE_PROBE ? slots : THROTTLE_PROBE;
	crypto_shorthash_keygen(t->hash_key);
	t->e = xcalloc((size_t)slots, sizeof *t->e);
	return t;
}

void throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->lock);
	sodium_memzero(t->hash_key, sizeof t->hash_key);
	free(t->e);
	free(t);
}

/* The first slot of key: SipHash-2-4 under the table's secret key. */
static unsigned throttle_home(const struct throttle *t, const char *key)
{
	unsigned char h[crypto_shorthash_BYTES];
	crypto_shorthash(h, (const unsigned char *)key, strlen(key), t->hash_key);
	uint64_t v = 0;
	for (size_t i = 0; i < sizeof h; i++)
		v = v << 8 | h[i];
	return (unsigned)(v % (uint64_t)t->slots);
}

static int64_t throttle_wait_of(int failures, int free_tries)
{
	if (failures < free_tries)
		return 0;
	int shift = failures - free_tries;
	if (shift > 9)
		return THROTTLE_MAX_WAIT_S;
	int64_t w = (int64_t)1 << shift;
	return w > THROTTLE_MAX_WAIT_S ? THROTTLE_MAX_WAIT_S : w;
}

/* e's last failure as seen at now: a failure "in the future" (the clock was
 * stepped back) counts from now, so a step back never lengthens a wait. */
static int64_t throttle_last(const struct throttle_entry *e, int64_t now)
{
	return e->last_fail > now ? now : e->last_fail;
}

/* When entry e stops mattering: its wait is over and its failures are old. */
static int64_t throttle_expiry(const struct throttle *t, const struct throttle_entry *e,
                               int64_t now)
{
	int64_t last = throttle_last(e, now);
	int64_t until = last + throttle_wait_of(e->failures, t->free_tries);
	int64_t forget = last + THROTTLE_FORGET_S + 1;
	return until > forget ? until : forget;
}

/* Whether entry a is a better one to forget than b when no slot is free:
 * an entry without a running wait before one with (a running penalty is
 * forgotten last); among those without, the fewest failures, then the
 * oldest last failure (a single typo goes before a guesser's count); among
 * running waits, the one that ends soonest. */
static bool throttle_rather_forget(const struct throttle *t, const struct throttle_entry *a,
                                   const struct throttle_entry *b, int64_t now)
{
	int64_t ua = throttle_last(a, now) + throttle_wait_of(a->failures, t->free_tries);
	int64_t ub = throttle_last(b, now) + throttle_wait_of(b->failures, t->free_tries);
	bool ra = ua > now, rb = ub > now;
	if (ra != rb)
		return !ra;
	if (ra)
		return ua < ub;
	if (a->failures != b->failures)
		return a->failures < b->failures;
	return throttle_last(a, now) < throttle_last(b, now);
}

/* Looks key up; t->lock held. Returns its entry, or NULL with *room set to
 * the slot it may take: a free or expired one, else (the table is full
 * around key) the entry throttle_rather_forget picks. */
static struct throttle_entry *throttle_find(struct throttle *t, const char *key, int64_t now,
                                            struct throttle_entry **room)
{
	unsigned h = throttle_home(t, key);
	struct throttle_entry *victim = NULL;
	*room = NULL;
	for (int i = 0; i < t->probe; i++) {
		struct throttle_entry *e = &t->e[(h + (unsigned)i) % (unsigned)t->slots];
		if (e->key[0] != '\0' && strncmp(e->key, key, sizeof e->key - 1) == 0)
			return e;
		int64_t expiry = e->key[0] == '\0' ? now : throttle_expiry(t, e, now);
		if (*room == NULL && expiry <= now)
			*room = e;
		bool held = e->key[0] != '\0';
		if (held && (victim == NULL || throttle_rather_forget(t, e, victim, now)))
			victim = e;
	}
	if (*room == NULL)
		*room = victim;
	return NULL;
}

int throttle_check(struct throttle *t, const char *key, int64_t now, bool *full)
{
	struct throttle_entry *room;
	int64_t wait = 0;
	ENFORCE(pthread_mutex_lock(&t->lock) == 0, "throttle mutex call");
	struct throttle_entry *e = throttle_find(t, key, now, &room);
	if (e) {
		int64_t until =
		    throttle_last(e, now) + throttle_wait_of(e->failures, t->free_tries);
		wait = until > now ? until - now : 0;
	}
	ENFORCE(pthread_mutex_unlock(&t->lock) == 0, "throttle mutex call");
	/* A key the table does not hold has no failures: it may try (its first
	 * failure makes room, see throttle_find). */
	if (full)
		*full = false;
	return (int)(wait > THROTTLE_FORGET_S + THROTTLE_MAX_WAIT_S
	                 ? THROTTLE_FORGET_S + THROTTLE_MAX_WAIT_S
	                 : wait);
}

int throttle_wait(struct throttle *t, const char *key, int64_t now)
{
	return throttle_check(t, key, now, NULL);
}

bool throttle_fail(struct throttle *t, const char *key, int64_t now)
{
	struct throttle_entry *room;
	ENFORCE(pthread_mutex_lock(&t->lock) == 0, "throttle mutex call");
	struct throttle_entry *e = throttle_find(t, key, now, &room);
	if (e == NULL) {
		e = room;
		memset(e, 0, sizeof *e);
		snprintf(e->key, sizeof e->key, "%s", key);
	}
	e->failures++;
	e->last_fail = now;
	ENFORCE(pthread_mutex_unlock(&t->lock) == 0, "throttle mutex call");
	return true;
}

void throttle_reset(struct throttle *t, const char *key)
{
	struct throttle_entry *room;
	ENFORCE(pthread_mutex_lock(&t->lock) == 0, "throttle mutex call");
	struct throttle_entry *e = throttle_find(t, key, 0, &room);
	if (e)
		memset(e, 0, sizeof *e);
	ENFORCE(pthread_mutex_unlock(&t->lock) == 0, "throttle mutex call");
}

enum mc_err throttle_full_error(struct mc_error *err, int wait)
{
	mc_failf(err, MC_ERR_RATE_LIMITED, "throttle_full",
	         "Máy chủ đang ghi nhận quá nhiều lần thử sai, hãy thử lại sau",
	         "Too many failing clients are being tracked; retry in %d s", wait);
	if (err)
		err->retry_after = wait;
	return MC_ERR_RATE_LIMITED;
}
