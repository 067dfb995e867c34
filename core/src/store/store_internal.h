/* Shared between the store's own files; nothing outside core/src/store may
 * include it. */
#ifndef MOTCUA_STORE_INTERNAL_H
#define MOTCUA_STORE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "store/db.h"

#include "domain/principal.h"
#include "store/store.h"
#include "util/enforce.h"

#define STORE_STMT_SLOTS 128

/* A connection and its prepared statements, keyed by the address of the SQL
 * text (every statement is a string literal, so the address is its identity).
 * Owner: a reader belongs to the thread that opened it (`thread`) for its
 * whole life; the writer belongs to the thread inside its write transaction
 * (store->owner) or to the batch's committer. No connection is ever used by two threads at once
 * (they are opened without the engine's own locking): store_stmt enforces it.
 * The statement cache has the owner of its connection. When it is full the
 * least recently used statement that is not stepping is finalised to make
 * room: a statement from store_stmt stays valid while it steps, and until
 * STORE_STMT_SLOTS / 2 other statements were fetched on the same connection. */
struct store_conn {
	struct db *db;
	struct store *st; /* the store this connection belongs to */
	pthread_t thread; /* a reader's owning thread (unused for the writer) */
	/* A reader whose last open failed (db NULL) because its database is
	 * away (a failover): its reads answer 503 db_failover, not
	 * db_unreadable. The owning thread's. */
	bool open_failover;
	uint64_t tick; /* counts store_stmt calls: the clock of the LRU */
	size_t used;   /* slots filled */
	struct {
		const char *sql;
		db_stmt *stmt;
		uint64_t last; /* tick of its last fetch */
	} slots[STORE_STMT_SLOTS];
	struct store_conn *next; /* in store->readers; guarded by readers_lock */
};

/* An event appended in the current write transaction, handed to the commit
 * hook at the outermost commit. */
struct pending_event {
	struct store_event ev;
	char *entity, *action, *details;
};

/* One caller whose transaction is in the open batch and who waits for its
 * commit (a stack object of that caller, store.c). */
struct store_batch_member {
	bool done;            /* the batch ended: rc and err are set */
	bool watcher;         /* rolled back its own work, waits for others' */
	enum mc_err rc;       /* MC_OK: durable */
	struct mc_error *err; /* the caller's, may be NULL */
	struct store_batch_member *next;
};

struct store {
	char *path; /* immutable after store_open */
	/* This server in its claims (store_instance_set): written before the
	 * workers start, read-only afterwards, any thread. */
	char instance[STORE_INSTANCE_MAX + 1];
	dev_t dev; /* the database file's identity at open (healthz compares) */
	ino_t ino;
	/* The writer connection, and the group commit (store.c, "Group commit").
	 * Owner: the one thread inside its write transaction (`owner`, between
	 * store_begin and its commit/rollback), or the committer while it runs
	 * the batch's COMMIT (`committing`). Reach it only through
	 * store_write_conn(), which enforces that; store.c touches it directly
	 * only in open, close, migrate, begin/commit/rollback and the batch's
	 * COMMIT. */
	struct store_conn writer;
	/* PostgreSQL: the last member kept its work and its "RELEASE caller"
	 * is not sent yet; it rides with the next statement on the writer
	 * (the next member's SAVEPOINT or the batch's COMMIT), saving a round
	 * trip while the event lock is held. Owned as the writer is (the owner
	 * or the committer); store_begin_batch asserts no batch opens with it
	 * set. */
	bool release_owed;
	/* Guards every field of the group commit below; held only for short
	 * steps, never across a caller's work or an fsync. */
	pthread_mutex_t write_lock;
	pthread_cond_t turn_cv;    /* owner became 0 or committing false */
	pthread_cond_t durable_cv; /* a batch ended: its members' done is set */
	/* The thread inside its transaction: the address of that thread's
	 * store_thread_marker, 0 for none. Written under write_lock; read
	 * without it only to ask "is it me?", which only the owner can make
	 * true. */
	_Atomic uintptr_t owner;
	int waiting;     /* write_lock: callers in store_begin waiting for their turn */
	bool committing; /* write_lock: a batch's COMMIT (and hook) is running */
	bool batch_open; /* write_lock: BEGIN done on the writer, COMMIT not yet */
	struct store_batch_member *members, **members_tail; /* write_lock: the open batch */
	struct pending_event *batch_events; /* write_lock: events of the open batch, in order */
	size_t batch_len, batch_cap;
	uint64_t batches, batched; /* write_lock: batches committed, transactions in them */
	/* Immutable: MOTCUA_FAULT (tests, store_open); -1 none. */
	int64_t fault_after, fault_before;
	/* The owner's alone (read or written only by the thread `owner` names). */
	int depth;                     /* nesting of store_begin on the owning thread */
	bool doomed;                   /* a rollback happened inside the transaction */
	struct pending_event *pending; /* events of the owner's transaction */
	size_t pending_len, pending_cap;
	int64_t event_office; /* office of the next event appended (store_event_office) */
	/* The chain's tip as the open batch left it (the last event appended
	 * and kept), so that the next append needs not read it back: known
	 * from the batch's BEGIN (store_begin_sql reads it under the event
	 * lock, in the same round trip) and from each append, until the end
	 * of the batch or a caller's rollback, which forget it; never carried
	 * into another batch (on PostgreSQL another server may append between
	 * two). Written at the BEGIN under write_lock with no batch open, then
	 * the owner's alone. */
	bool tip_known;
	int64_t tip_id;
	char tip_hash[65];
	/* Set once by store_set_commit_hook before any thread writes; called by
	 * the committer after the batch's COMMIT, before any other transaction
	 * starts (so hooks see commits in order; the hook may read, through a
	 * reader, but never write). */
	store_commit_hook hook;
	void *hook_ctx;
	/* PostgreSQL with a hook: the event feed (store/feed.h), set with the
	 * hook before any thread writes, stopped with it; its own lock guards
	 * what it holds. NULL on SQLite: the batch hands its events itself. */
	struct store_feed *feed;

	/* Each thread's reader (its thread-specific value), opened on first use
	 * and closed when the thread exits (store_reader_destroy). */
	pthread_key_t reader_key;
	/* Guards the list linkage only (readers, ->next); each reader's content
	 * belongs to its thread. store_close frees the list once no other thread
	 * uses the store. */
	pthread_mutex_t readers_lock;
	struct store_conn *readers;
};

/* The prepared statement for sql on conn, reset and unbound; NULL on a
 * prepare error (logged). Do not finalize it. Aborts (ENFORCE) when the
 * calling thread does not own c. When the cache is full, evicts the least
 * recently used statement that is not stepping (see struct store_conn). */
db_stmt *store_stmt(struct store_conn *c, const char *sql);
/* The connection to read with: the writer when this thread is inside a write
 * transaction (to see its own changes), else this thread's reader. Never
 * NULL: a reader whose file cannot be opened has no db, and every statement
 * asked of it is NULL (a read error for the caller to report). */
struct store_conn *store_read_conn(struct store *st);
/* The writer connection. The only way to it: aborts the process, in every
 * build type, unless the calling thread is inside its own write transaction
 * (between store_begin and the matching commit/rollback). */
struct store_conn *store_write_conn(struct store *st);
/* Maps an SQLite failure to MC_ERR_INTERNAL (logged with the SQL text), or
 * MC_ERR_CONFLICT for a constraint violation; a reader with no connection
 * (store_read_conn could not open it) to MC_ERR_UNAVAILABLE db_unreadable. */
enum mc_err store_sql_error(struct store_conn *c, const char *what, struct mc_error *err);
/* Runs sql once on the writer (no result rows); MC_OK or an error. */
enum mc_err store_exec(struct store_conn *c, const char *sql, struct mc_error *err);
/* Steps s once and resets it: MC_OK when it ran (DONE or a row), else the
 * mapped SQLite error (store_sql_error with what). */
enum mc_err store_step(struct store_conn *c, db_stmt *s, const char *what, struct mc_error *err);
/* Column text that is never NULL (empty string instead). */
const char *store_col_text(db_stmt *s, int col);
/* Column text as a copy the caller frees, NULL when the column is SQL null. */
char *store_col_dup(db_stmt *s, int col);
/* Frees the n strings of v (NULL ones skipped), not v itself. */
void store_strings_free(char **v, size_t n);

/* The office (a centre's hall) the next event appended in the caller's write
 * transaction belongs to: store_event_append records it in events.office_id
 * (not part of the hash) and in the store_event the commit hook gets, then
 * forgets it (so one call covers one event). The live stream delivers an
 * event only to the streams of its office. Call under the writer lock. */
void store_event_office(struct store *st, int64_t office_id);

/* Scopes (docs/province.md, "Scopes"). A query that reads or changes rows
 * that belong to a place tests the caller's scope in its own WHERE clause,
 * never by filtering afterwards: SCOPE_SQL(col) is true when the office id in
 * column col lies in the subtree of the named parameter :scope (0: the whole
 * province). Bind it with store_bind_scope. A row outside the scope is
 * simply not found. SQLite numbers :scope one past the largest ?N seen
 * before it in the text: a ?N written after SCOPE_SQL with that number
 * (e.g. "… AND " SCOPE_SQL(…) " LIMIT ?5" after ?1..?4) is the same
 * parameter, and store_bind_scope overwrites it. Number those past it, or
 * name them. */
#define SCOPE_SQL(col)                                                                             \
	"(:scope = 0 OR " col " IN (SELECT office_id FROM office_paths"                            \
	" WHERE ancestor_id = :scope))"
/* Binds :scope of s to who's office (0 = the whole province; a NULL who is
 * the server itself, which sees everything). Aborts (ENFORCE) when s has no
 * :scope parameter: a scoped query that forgot its test is a bug. */
void store_bind_scope(db_stmt *s, const struct principal *who);
/* Binds :office of s to hall office, NULL for 0 (the rows of a hall set up
 * before any office tree). Aborts (ENFORCE) when s has no :office. */
void store_bind_hall_office(db_stmt *s, int64_t office);
/* Rebuilds office_paths (the closure of the office tree) on the writer,
 * inside the caller's transaction: after any change to offices.parent_id. */
enum mc_err store_office_paths_rebuild(struct store_conn *c, struct mc_error *err);
/* The id of the office named code inside who's scope (a NULL who: anywhere)
 * into *out, for a list's office filter; *out = 0 and MC_OK when code is
 * NULL (no filter). MC_ERR_NOT_FOUND ("office_not_found") when there is none
 * or it lies outside the scope (the same answer: another centre's office is
 * not found). On the caller's connection, read or write. */
enum mc_err store_office_in_scope(struct store_conn *c, const struct principal *who,
                                  const char *code, int64_t *out, struct mc_error *err);

/* The codes of the service groups counter counter_id serves, in the groups'
 * id order: *codes gets an array of *n copies (the caller frees them with
 * store_strings_free and free, also after an error, which returns what was
 * read). On the caller's connection, read or write. Defined in setup.c. */
enum mc_err store_counter_groups(struct store_conn *c, int64_t counter_id, char ***codes, size_t *n,
                                 struct mc_error *err);

/* The office's priority classes as JSON text: the setting
 * "priority_classes", or the default list ([{code, name, name_en}]). The
 * caller frees it. Any thread. */
char *queue_priority_classes_text(struct store *st);
/* Whether code is one of the priority classes; when it is and name is not
 * NULL, its name (Vietnamese) into name (at most len bytes with the NUL).
 * Read by SQL over the stored text. Any thread. */
bool queue_priority_class_name(struct store *st, const char *code, char *name, size_t len);
/* The call policy's caps (domain/queue.h) into *out: setting "priority_cap"
 * and the appointments' booked_in_a_row. Any thread. */
struct queue_policy;
void queue_policy_of(struct store *st, struct queue_policy *out);

/* A citizen's secret hash, for dossiers and feedback alike: the lowercase
 * hex sha256 of code, the byte 0x1f and secret (the stored form existing
 * databases verify against: do not change). Pure; defined in dossier.c. */
void store_secret_hash(const char *code, const char *secret, char out[65]);

#endif
