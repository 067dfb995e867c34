/* A store on a fresh SQLite file in a temporary folder of its own, for the
 * unit tests that need a real database: store_fixture_open in a test's
 * setup, store_fixture_close in its teardown (store_fixture_setup and
 * store_fixture_teardown are that pair for a bare store). A fixture belongs
 * to the test that opened it: its thread, or the threads the test starts
 * and joins before closing it. */
#ifndef MOTCUA_TEST_STORE_FIXTURE_H
#define MOTCUA_TEST_STORE_FIXTURE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "store/store.h"

struct store_fixture {
	char dir[64];  /* the temporary folder, /tmp/motcua-<name>-XXXXXX */
	char path[96]; /* the database file in it */
	struct store *st;
};

/* nftw's step of store_fixture_close: removes one entry (the deepest first,
 * FTW_DEPTH), 0 or -1. */
static inline int store_fixture_remove(const char *p, const struct stat *sb, int type,
                                       struct FTW *at)
{
	(void)sb;
	(void)type;
	(void)at;
	return remove(p);
}

/* Closes f's store (when open) and removes its folder with everything the
 * test put in it. Returns 0, or -1 when something could not be removed. */
static inline int store_fixture_close(struct store_fixture *f)
{
	if (f->st)
		store_close(f->st);
	f->st = NULL;
	if (f->dir[0] == '\0')
		return 0;
	int rc = nftw(f->dir, store_fixture_remove, 16, FTW_DEPTH | FTW_PHYS);
	f->dir[0] = '\0';
	return rc == 0 ? 0 : -1;
}

/* Makes the folder /tmp/motcua-<name>-XXXXXX and opens a store (schema
 * created) on the file `file` in it. Returns 0 with f->dir, f->path and
 * f->st set, or -1 with nothing left behind (an error of the store's open
 * printed). */
static inline int store_fixture_open(struct store_fixture *f, const char *name, const char *file)
{
	*f = (struct store_fixture){0};
	if (snprintf(f->dir, sizeof f->dir, "/tmp/motcua-%s-XXXXXX", name) >= (int)sizeof f->dir ||
	    mkdtemp(f->dir) == NULL) {
		f->dir[0] = '\0';
		return -1;
	}
	struct mc_error err = {0};
	if (snprintf(f->path, sizeof f->path, "%s/%s", f->dir, file) >= (int)sizeof f->path) {
		store_fixture_close(f);
		return -1;
	}
	if (store_open(f->path, &f->st, &err) != MC_OK) {
		fprintf(stderr, "store fixture %s: %s\n", f->path, err.message_en);
		store_fixture_close(f);
		return -1;
	}
	return 0;
}

/* A cmocka setup: *state gets a new struct store_fixture with a store open
 * on t.db. 0 or -1. */
static inline int store_fixture_setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof *f);
	if (f == NULL || store_fixture_open(f, "unit", "t.db") != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/* The cmocka teardown of store_fixture_setup: closes, removes, frees. */
static inline int store_fixture_teardown(void **state)
{
	struct store_fixture *f = *state;
	int rc = store_fixture_close(f);
	free(f);
	return rc;
}

#endif
