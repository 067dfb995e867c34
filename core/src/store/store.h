/* The store: every SQL statement of the server lives below core/src/store.
 *
 * One SQLite file in WAL mode with synchronous=FULL: a change is acknowledged
 * only after its commit is on disk. One writer connection, one transaction on
 * it at a time (nested begin/commit pairs join the outermost one); callers
 * that commit while others wait share one fsync (group commit, store.c), and
 * one read-only connection per thread with its prepared statements cached.
 * Threads: every function may be called from any thread; a connection is only
 * ever used by its owner (the writer by the thread inside a transaction, a
 * reader by its thread), which the store enforces by aborting the process
 * when the rule is broken. Every state change appends an event row to a hash
 * chain in the same transaction (store_event_append).
 *
 * The interface names no SQLite type, so another backend can stand behind it. */
#ifndef MOTCUA_STORE_H
#define MOTCUA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct store;

/* One appended event as handed to the commit hook. */
struct store_event {
	int64_t id;
	int64_t at;
	const char *entity;
	const char *action;
	const char *details; /* JSON object text */
	bool stream;         /* published on the live queue stream */
	int64_t office_id;   /* the hall the change belongs to (store_event_office), 0 none */
};

/* Called after every durable commit of a batch that appended events, before
 * any caller of the batch is answered and before another transaction starts
 * (so hooks see commits in order). */
typedef void (*store_commit_hook)(void *ctx, struct store *st, const struct store_event *events,
                                  size_t count);

/* Opens (creating if needed) the database at path and applies pending
 * migrations in one transaction. Returns MC_OK and sets *out, or an error with
 * err filled and *out untouched. */
enum mc_err store_open(const char *path, struct store **out, struct mc_error *err);
/* How store_open_mode treats the file's schema (PRAGMA user_version). */
enum store_open_mode {
	STORE_OPEN_CREATE,           /* any: 0 (new or empty) gets the whole schema (init) */
	STORE_OPEN_EXISTING,         /* refuse 0 (not_a_motcua_database); migrate an older one */
	STORE_OPEN_AS_IS,            /* refuse 0; open an older schema without migrating it */
	STORE_OPEN_AS_IS_REFUSE_OLD, /* refuse 0 and an older schema (schema_too_old) */
};
/* store_open with mode; every mode refuses a newer schema (schema_too_new),
 * and a refused file keeps every byte. */
enum mc_err store_open_mode(const char *path, enum store_open_mode mode, struct store **out,
                            struct mc_error *err);
/* What --db names: a file of SQLite's (any path) or a PostgreSQL database
 * (a postgresql:// URI or a libpq "key=value" string). */
bool store_target_is_file(const char *target);
/* Whether target holds a database yet. SQLite: something exists at the
 * path (what it holds is store_open_mode's to judge). PostgreSQL: the
 * server answers and the database has motcua's schema; a database without
 * it is new, like a missing file. UNREACHABLE: it cannot be told (a server
 * that does not answer, a folder that cannot be entered); opening reports
 * why. */
enum store_target_state { STORE_TARGET_NONE, STORE_TARGET_PRESENT, STORE_TARGET_UNREACHABLE };
enum store_target_state store_target_state(const char *target);
/* Closes every connection. NULL is a no-op. */
void store_close(struct store *st);
const char *store_path(const struct store *st);

/* ---- Claims of the background workers (print spool, outbox) --------------
 * Several servers may share one PostgreSQL database (docs/postgresql.md, "Two
 * servers on one database"), each running the print spool and the outbox
 * worker. A worker claims a row (a print job, a message) in one write
 * transaction and stamps it with its server's instance name and the instant
 * (columns claimed_by, claimed_at): the row is then that server's alone
 * until the worker records its outcome. A server that starts takes back only
 * the rows claimed by its own instance (cut off by its own restart) and any
 * row whose claim is older than STORE_CLAIM_LEASE_SECONDS, whoever made it (a
 * server that died and never came back); another server's fresh claim is left
 * to it, so nothing is printed or sent twice. */

/* How long a claim holds against another server's start: far longer than a
 * print (send and wait, PRINTING_SUBMIT_MS + PRINTING_WAIT_MS) or a send
 * (the provider's timeout), short enough that a dead server's work is not
 * stranded for long. */
#define STORE_CLAIM_LEASE_SECONDS 600
#define STORE_INSTANCE_MAX 120
/* Names this server in its claims (serve --instance, default host name and
 * port: stable across a restart of the same server). Cut to
 * STORE_INSTANCE_MAX bytes. Call before the workers start (api_start): the
 * name is read-only afterwards, so any thread may read it. The default, set
 * by store_open, is the host name. */
void store_instance_set(struct store *st, const char *name);
/* The instance name (the store's own string; any thread, see above). */
const char *store_instance(const struct store *st);
/* The schema version (PRAGMA user_version) read through this thread's
 * reader; 0 when it cannot be read. */
int store_schema_version(struct store *st);
/* Whether the store answers: the file at the path is still the one opened and
 * starts with a database header, and this thread's reader can read the
 * schema and a table. Returns MC_OK and sets *schema (when not NULL), or
 * MC_ERR_UNAVAILABLE with err filled (db_unreadable, db_replaced,
 * db_corrupt). Never touches the writer; safe from any thread. */
enum mc_err store_health(struct store *st, int *schema, struct mc_error *err);

void store_set_commit_hook(struct store *st, store_commit_hook hook, void *ctx);

/* Write transactions. begin waits for the writer (another thread may be
 * inside its transaction, or a batch committing); the outermost commit
 * returns MC_OK only once the change is durable, possibly in one fsync with
 * other callers' changes; a caller that fails fails alone. Every begin is
 * paired with exactly one commit or rollback on the same thread (a commit or
 * rollback without a begin on the calling thread aborts the process). A
 * rollback at any depth dooms the whole transaction: the outermost commit
 * then rolls back and returns MC_ERR_CONFLICT ("transaction_aborted"). */
enum mc_err store_begin(struct store *st, struct mc_error *err);
enum mc_err store_commit(struct store *st, struct mc_error *err);
void store_rollback(struct store *st);
/* Rolls back the caller's outermost transaction and waits until the work of
 * others it may have read in the open batch is durable: MC_OK, or the error
 * that undid that work (err filled). For an answer built from what the
 * transaction read (an Idempotency-Key's replay). */
enum mc_err store_rollback_settled(struct store *st, struct mc_error *err);
/* Whether the calling thread is inside its own write transaction (between
 * store_begin and its commit or rollback): slow work (a render, a printer)
 * checks it is not (ENFORCE). */
bool store_in_transaction(struct store *st);
/* Group commit figures since open: batches committed (one fsync each) and
 * the transactions they held. */
void store_commit_stats(struct store *st, uint64_t *batches, uint64_t *transactions);

/* Appends an event to the hash chain inside the current write transaction.
 * actor: "user:7", "device:2", "system"; details: a JSON object text (copied).
 * stream: whether the event goes to the live queue stream (no personal data
 * may be in such details). Returns the event id, or 0 on failure (err set). */
int64_t store_event_append(struct store *st, const char *actor, const char *entity,
                           const char *entity_id, const char *action, const char *details,
                           bool stream, struct mc_error *err);

/* Settings (office configuration), values as JSON text. get returns a newly
 * allocated copy or NULL when absent. set requires a write transaction. */
char *store_setting_get(struct store *st, const char *key);
int64_t store_setting_int(struct store *st, const char *key, int64_t fallback);
enum mc_err store_setting_set(struct store *st, const char *key, const char *value_text,
                              struct mc_error *err);

/* Verifies the whole hash chain. Returns MC_OK when every row's hash matches
 * its content and its predecessor (from the setting event_hash_v2_from on,
 * the content includes office_id and stream; before it, events keep the
 * version 1 hash they were written with); otherwise fills err with the first bad
 * event id in the message and returns MC_ERR_CONFLICT. *checked gets the count
 * of rows checked. */
enum mc_err store_audit_verify(struct store *st, int64_t *checked, struct mc_error *err);
/* Runs PRAGMA integrity_check; MC_OK when "ok". */
enum mc_err store_integrity_check(struct store *st, struct mc_error *err);

/* Online backup to a zlib-compressed (gzip format) file; restore writes a
 * database file from such a backup, refusing to overwrite an existing one. */
enum mc_err store_backup(struct store *st, const char *out_gz, struct mc_error *err);
enum mc_err store_restore(const char *in_gz, const char *db_path, struct mc_error *err);

/* Bulk loading (motcua-server simulate): with on, commits stop waiting for
 * the disk (synchronous=OFF) — a crash may lose the last commits, never
 * corrupt the file; off restores synchronous=FULL. Never used by the server. */
void store_bulk_mode(struct store *st, bool on);

#endif
