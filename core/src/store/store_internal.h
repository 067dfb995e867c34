/* Shared between the store's own files; nothing outside core/src/store may
 * include it. */
#ifndef MOTCUA_STORE_INTERNAL_H
#define MOTCUA_STORE_INTERNAL_H

#include <pthread.h>
#include <jansson.h>
#include <sqlite3.h>

#include "domain/principal.h"
#include "store/store.h"

#define STORE_STMT_SLOTS 128

/* A connection and its prepared statements, keyed by the address of the SQL
 * text (every statement is a string literal, so the address is its identity). */
struct store_conn {
	sqlite3 *db;
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} slots[STORE_STMT_SLOTS];
	struct store_conn *next; /* in store->readers */
};

struct pending_event {
	struct store_event ev;
	char *entity, *action, *details;
};

struct store {
	char *path;
	struct store_conn writer;
	pthread_mutex_t write_lock; /* recursive */
	int depth;                  /* nesting of store_begin on the owning thread */
	bool doomed;                /* a rollback happened inside the transaction */
	struct pending_event *pending;
	size_t pending_len, pending_cap;
	store_commit_hook hook;
	void *hook_ctx;

	pthread_key_t reader_key;
	pthread_mutex_t readers_lock;
	struct store_conn *readers;
};

/* The prepared statement for sql on conn, reset and unbound; NULL on a
 * prepare error (logged). Do not finalize it. */
sqlite3_stmt *store_stmt(struct store_conn *c, const char *sql);
/* The connection to read with: the writer when this thread is inside a write
 * transaction (to see its own changes), else this thread's reader. */
struct store_conn *store_read_conn(struct store *st);
/* The writer connection; only valid between store_begin and commit/rollback. */
struct store_conn *store_write_conn(struct store *st);
/* Maps an SQLite failure to MC_ERR_INTERNAL (logged with the SQL text), or
 * MC_ERR_CONFLICT for a constraint violation. */
enum mc_err store_sql_error(struct store_conn *c, const char *what, struct mc_error *err);
/* Runs sql once on the writer (no result rows); MC_OK or an error. */
enum mc_err store_exec(struct store_conn *c, const char *sql, struct mc_error *err);
/* Steps s once and resets it: MC_OK when it ran (DONE or a row), else the
 * mapped SQLite error (store_sql_error with what). */
enum mc_err store_step(struct store_conn *c, sqlite3_stmt *s, const char *what,
                       struct mc_error *err);
/* Column text that is never NULL (empty string instead). */
const char *store_col_text(sqlite3_stmt *s, int col);

/* The office's priority classes (the setting, or the default list). */
json_t *queue_priority_classes(struct store *st);
/* The queue's wait estimate for one group now, as JSON (null when unknown). */
struct queue_wait_range;
json_t *queue_wait_json(const struct queue_wait_range *r);
json_t *queue_group_wait(struct store_conn *c, int64_t gid, const char *day, int64_t now,
                         int64_t service_seconds, int people_ahead);

/* Printing's part of the set-up bundle (store/print.c), inside the bundle's
 * transaction: the "printers" list (before counters and devices), then the
 * "printer" field of devices and counters (after them). */
enum mc_err setup_printers(struct store *st, const struct principal *who, json_t *bundle,
                           int *count, struct mc_error *err);
enum mc_err setup_printer_links(struct store *st, json_t *bundle, struct mc_error *err);

#endif
