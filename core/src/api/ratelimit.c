#include "api/ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* Slots probed from a key's hash (open addressing). */
#define RATELIMIT_PROBES 16

struct ratelimit_entry {
	char key[72];
	int64_t window_start;
	int count;
};

struct ratelimit {
	pthread_mutex_t lock; /* guards e[] */
	int slots, limit, window_s;
	unsigned char hash_key[crypto_shorthash_KEYBYTES];
	struct ratelimit_entry *e;
};

struct ratelimit *ratelimit_new(int slots, int limit, int window_s)
{
	struct ratelimit *rl = xcalloc(1, sizeof *rl);
	pthread_mutex_init(&rl->lock, NULL);
	rl->slots = slots < 1 ? 1 : slots;
	rl->limit = limit;
	rl->window_s = window_s;
	crypto_shorthash_keygen(rl->hash_key);
	rl->e = xcalloc((size_t)rl->slots, sizeof *rl->e);
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->e);
	free(rl);
}

int ratelimit_take(struct ratelimit *rl, const char *key, int64_t now)
{
	return ratelimit_take_limit(rl, key, now, rl->limit);
}

/* The first slot of key: SipHash-2-4 under the table's secret key. */
static uint64_t ratelimit_home(const struct ratelimit *rl, const char *key)
{
	unsigned char h[crypto_shorthash_BYTES];
	crypto_shorthash(h, (const unsigned char *)key, strlen(key), rl->hash_key);
	uint64_t start = 0;
	memcpy(&start, h, sizeof start);
	return start;
}

int ratelimit_take_limit(struct ratelimit *rl, const char *key, int64_t now, int limit)
{
	uint64_t start = ratelimit_home(rl, key);
	int wait = 0;

	pthread_mutex_lock(&rl->lock);
	struct ratelimit_entry *found = NULL, *free_slot = NULL, *victim = NULL;
	for (int i = 0; i < RATELIMIT_PROBES && i < rl->slots; i++) {
		struct ratelimit_entry *e = &rl->e[(start + (uint64_t)i) % (uint64_t)rl->slots];
		bool live = e->key[0] != '\0' && now - e->window_start < rl->window_s;
		if (live && strncmp(e->key, key, sizeof e->key - 1) == 0) {
			found = e;
			break;
		}
		if (!live && free_slot == NULL)
			free_slot = e;
		/* The count to forget if the table is full: the fewest attempts,
		 * then the window that ends soonest. */
		if (live && (victim == NULL || e->count < victim->count ||
		             (e->count == victim->count && e->window_start < victim->window_start)))
			victim = e;
	}
	if (found == NULL) {
		found = free_slot ? free_slot : victim;
		memset(found, 0, sizeof *found);
		snprintf(found->key, sizeof found->key, "%s", key);
		found->window_start = now;
	}
	if (found->count >= limit) {
		wait = (int)(found->window_start + rl->window_s - now);
		if (wait < 1)
			wait = 1;
	} else {
		found->count++;
	}
	/* A newcomer refused at once (a limit below 1) leaves nothing. */
	if (found->count == 0)
		found->key[0] = '\0';
	pthread_mutex_unlock(&rl->lock);
	return wait;
}

void ratelimit_give_back(struct ratelimit *rl, const char *key)
{
	uint64_t start = ratelimit_home(rl, key);
	pthread_mutex_lock(&rl->lock);
	for (int i = 0; i < RATELIMIT_PROBES && i < rl->slots; i++) {
		struct ratelimit_entry *e = &rl->e[(start + (uint64_t)i) % (uint64_t)rl->slots];
		if (e->key[0] != '\0' && strncmp(e->key, key, sizeof e->key - 1) == 0) {
			if (e->count > 0)
				e->count--;
			/* Nothing counted: the key leaves no entry behind. */
			if (e->count == 0)
				e->key[0] = '\0';
			break;
		}
	}
	pthread_mutex_unlock(&rl->lock);
}
