#include "api/throttle.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* After the free tries the first wait is 1 s, doubling up to the cap.
 * Entries older than THROTTLE_FORGET_S are reused. */
#define THROTTLE_MAX_WAIT_S 300
#define THROTTLE_FORGET_S 3600

struct throttle_entry {
	char key[72];
	int failures;
	int64_t last_fail;
};

struct throttle {
	pthread_mutex_t lock;
	int slots;
	int free_tries;
	struct throttle_entry *e;
};

struct throttle *throttle_new(int slots, int free_tries)
{
	struct throttle *t = xcalloc(1, sizeof *t);
	t->free_tries = free_tries;
	pthread_mutex_init(&t->lock, NULL);
	t->slots = slots;
	t->e = xcalloc((size_t)slots, sizeof *t->e);
	return t;
}

void throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t->e);
	free(t);
}

static unsigned throttle_hash(const char *key)
{
	unsigned h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

/* The entry of key, or a slot to reuse for it; t->lock held. A full table
 * degrades to sharing slots, which only makes waits stricter. */
static struct throttle_entry *throttle_slot(struct throttle *t, const char *key, int64_t now)
{
	unsigned h = throttle_hash(key) % (unsigned)t->slots;
	struct throttle_entry *reuse = NULL;
	for (int i = 0; i < 8; i++) {
		struct throttle_entry *e = &t->e[(h + (unsigned)i) % (unsigned)t->slots];
		if (strncmp(e->key, key, sizeof e->key - 1) == 0)
			return e;
		if (reuse == NULL && (e->key[0] == '\0' || now - e->last_fail > THROTTLE_FORGET_S))
			reuse = e;
	}
	if (reuse == NULL)
		reuse = &t->e[h];
	memset(reuse, 0, sizeof *reuse);
	snprintf(reuse->key, sizeof reuse->key, "%s", key);
	return reuse;
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

int throttle_wait(struct throttle *t, const char *key, int64_t now)
{
	pthread_mutex_lock(&t->lock);
	struct throttle_entry *e = throttle_slot(t, key, now);
	int64_t until = e->last_fail + throttle_wait_of(e->failures, t->free_tries);
	pthread_mutex_unlock(&t->lock);
	return until > now ? (int)(until - now) : 0;
}

void throttle_fail(struct throttle *t, const char *key, int64_t now)
{
	pthread_mutex_lock(&t->lock);
	struct throttle_entry *e = throttle_slot(t, key, now);
	e->failures++;
	e->last_fail = now;
	pthread_mutex_unlock(&t->lock);
}

void throttle_reset(struct throttle *t, const char *key)
{
	pthread_mutex_lock(&t->lock);
	struct throttle_entry *e = throttle_slot(t, key, 0);
	memset(e, 0, sizeof *e);
	pthread_mutex_unlock(&t->lock);
}
