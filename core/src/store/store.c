#include "store/store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/dialect.h"
#include "store/feed.h"
#include "store/scan.h"
#include "store/schema.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define STORE_BUSY_TIMEOUT_MS 10000
/* Retry-After of a 503 during a failover: a standby's promotion takes a
 * few seconds. */
#define STORE_FAILOVER_RETRY_S 2
#define STORE_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The answer to a lost connection or a server that became a standby
 * (PostgreSQL's failover): 503 with Retry-After; the caller's work was not
 * done or its outcome is unknown, and a client retries with its
 * Idempotency-Key, so nothing is done twice. */
static enum mc_err store_failover_error(struct mc_error *err)
{
	enum mc_err rc =
	    mc_fail(err, MC_ERR_UNAVAILABLE, "db_failover",
	            "Cơ sở dữ liệu đang chuyển sang máy dự phòng, xin thử lại sau giây lát",
	            "The database connection was lost (a failover?); try again");
	if (err)
		err->retry_after = STORE_FAILOVER_RETRY_S;
	return rc;
}

enum mc_err store_sql_error(struct store_conn *c, const char *what, struct mc_error *err)
{
	if (c->db == NULL) {
		/* A reader that could not open (store_read_conn): its statements
		 * are NULL, and there is no connection to ask why; the open said
		 * whether the database is away (logged there). */
		if (c->open_failover)
			return store_failover_error(err);
		log_error("store: %s: no database connection (the reader could not open)", what);
		return mc_fail(err, MC_ERR_UNAVAILABLE, "db_unreadable",
		               "Không đọc được cơ sở dữ liệu", "The database cannot be read");
	}
	if (db_error_is_failover(c->db)) {
		/* Every request fails so while the database is away: a line a second. */
		static struct log_limit failover_log;
		unsigned long dropped;
		if (log_limit_pass(&failover_log, 1000, &dropped))
			log_error(
			    "store: %s: %s (connection lost or standby; %lu more such since the "
			    "last line)",
			    what, db_errmsg(c->db), dropped);
		return store_failover_error(err);
	}
	int code = db_errcode(c->db);
	if (code == DB_CONSTRAINT)
		return mc_failf(err, MC_ERR_CONFLICT, "constraint_violation",
		                "Dữ liệu trùng hoặc không hợp lệ", "%s: %s", what,
		                db_errmsg(c->db));
	if (code == DB_FULL)
		return mc_fail(err, MC_ERR_UNAVAILABLE, "disk_full", "Ổ đĩa đầy",
		               "The disk is full");
	log_error("store: %s: %s (%d)", what, db_errmsg(c->db), code);
	return mc_fail(err, MC_ERR_INTERNAL, "store_error", "Lỗi cơ sở dữ liệu", "Database error");
}

enum mc_err store_step(struct store_conn *c, db_stmt *s, const char *what, struct mc_error *err)
{
	int step = db_step(s);
	db_reset(s);
	return step == DB_DONE || step == DB_ROW ? MC_OK : store_sql_error(c, what, err);
}

const char *store_col_text(db_stmt *s, int col)
{
	const unsigned char *t = db_column_text(s, col);
	return t ? (const char *)t : "";
}

char *store_col_dup(db_stmt *s, int col)
{
	return db_column_type(s, col) == DB_NULL ? NULL : xstrdup(store_col_text(s, col));
}

void store_strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

/* Frees the strings of n pending events (not the array). */
static void store_events_free(struct pending_event *evs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(evs[i].entity);
		free(evs[i].action);
		free(evs[i].details);
	}
}

/* This thread's identity for the writer's owner field: the address of a
 * thread-local object is unique among live threads. */
static _Thread_local char store_thread_marker;

/* True when the calling thread is inside its own write transaction. Only
 * the owner stores its own marker, so the answer "me" cannot be stale. */
static bool store_in_my_transaction(struct store *st)
{
	return atomic_load(&st->owner) == (uintptr_t)&store_thread_marker && st->depth > 0;
}

bool store_in_transaction(struct store *st)
{
	return store_in_my_transaction(st);
}

/* Enforces that the calling thread owns c: the writer inside its transaction,
 * a reader on the thread that opened it. */
static void store_conn_check_owner(struct store_conn *c)
{
	if (c == &c->st->writer)
		ENFORCE(store_in_my_transaction(c->st),
		        "writer connection used outside this thread's write transaction");
	else
		ENFORCE(pthread_equal(c->thread, pthread_self()),
		        "reader connection used by a thread that does not own it");
}

db_stmt *store_stmt(struct store_conn *c, const char *sql)
{
	store_conn_check_owner(c);
	c->tick++;
	size_t h = ((uintptr_t)sql >> 3) % STORE_STMT_SLOTS;
	/* Slots are never emptied while the connection lives (an eviction
	 * replaces in place), so an empty slot ends the search. */
	for (size_t i = 0; i < STORE_STMT_SLOTS; i++) {
		size_t k = (h + i) % STORE_STMT_SLOTS;
		if (c->slots[k].sql == sql) {
			db_reset(c->slots[k].stmt);
			db_clear_bindings(c->slots[k].stmt);
			c->slots[k].last = c->tick;
			return c->slots[k].stmt;
		}
		if (c->slots[k].sql == NULL)
			break;
	}
	db_stmt *s = NULL;
	if (c->db == NULL)
		return NULL; /* a reader that could not open (store_read_conn) */
	if (db_prepare(c->db, sql, &s) != DB_OK) {
		log_error("store: prepare failed: %s", db_errmsg(c->db));
		db_finalize(s);
		return NULL;
	}
	size_t k = STORE_STMT_SLOTS;
	if (c->used < STORE_STMT_SLOTS) {
		for (size_t i = 0; i < STORE_STMT_SLOTS; i++)
			if (c->slots[(h + i) % STORE_STMT_SLOTS].sql == NULL) {
				k = (h + i) % STORE_STMT_SLOTS;
				break;
			}
		c->used++;
	} else {
		/* Full: the least recently fetched statement that is not stepping,
		 * and not among the last half fetched (a caller may hold a
		 * statement it bound but has not stepped yet). */
		for (size_t i = 0; i < STORE_STMT_SLOTS; i++) {
			if (db_stmt_busy(c->slots[i].stmt) ||
			    c->tick - c->slots[i].last < STORE_STMT_SLOTS / 2)
				continue;
			if (k == STORE_STMT_SLOTS || c->slots[i].last < c->slots[k].last)
				k = i;
		}
		ENFORCE(k < STORE_STMT_SLOTS, "statement cache full of statements still in use");
		db_finalize(c->slots[k].stmt);
	}
	c->slots[k].sql = sql;
	c->slots[k].stmt = s;
	c->slots[k].last = c->tick;
	return s;
}

enum mc_err store_exec(struct store_conn *c, const char *sql, struct mc_error *err)
{
	if (db_exec(c->db, sql) != DB_OK)
		return store_sql_error(c, "exec", err);
	return MC_OK;
}

static void store_conn_close(struct store_conn *c)
{
	for (size_t i = 0; i < STORE_STMT_SLOTS; i++)
		if (c->slots[i].stmt)
			db_finalize(c->slots[i].stmt);
	memset(c->slots, 0, sizeof c->slots);
	c->used = 0;
	db_close(c->db);
	c->db = NULL;
}

/* Opens c's connection for st, owned by the calling thread (a reader) or by
 * the writer lock's holder (the writer); keeps c->next (its place in the
 * readers list). Returns 0, or -1 with c->db possibly set for the message. */
static int store_conn_open(struct store *st, struct store_conn *c, int flags)
{
	struct store_conn *next = c->next;
	memset(c, 0, sizeof *c);
	c->next = next;
	c->st = st;
	c->thread = pthread_self();
	if (db_open(st->path, flags, &c->db) != DB_OK)
		return -1;
	if (db_sqlite(c->db))
		sqlite3_busy_timeout(db_sqlite(c->db), STORE_BUSY_TIMEOUT_MS);
	return 0;
}

static void store_reader_destroy(void *p)
{
	struct store_conn *c = p;
	/* The store may be closing concurrently; it owns the list. Closing here
	 * only the connection keeps the list consistent: store_close skips
	 * connections whose db is NULL. */
	for (size_t i = 0; i < STORE_STMT_SLOTS; i++)
		if (c->slots[i].stmt)
			db_finalize(c->slots[i].stmt);
	memset(c->slots, 0, sizeof c->slots);
	c->used = 0;
	db_close(c->db);
	c->db = NULL;
}

struct store_conn *store_write_conn(struct store *st)
{
	ENFORCE(store_in_my_transaction(st),
	        "store_write_conn outside this thread's write transaction");
	return &st->writer;
}

struct store_conn *store_read_conn(struct store *st)
{
	/* Inside our own write transaction reads must see its changes. */
	if (store_in_my_transaction(st))
		return &st->writer;
	struct store_conn *c = pthread_getspecific(st->reader_key);
	if (c && c->db && !db_connection_ok(c->db))
		db_reconnect(c->db); /* failed: this read fails, the next tries again */
	if (c && c->db)
		return c;
	if (c == NULL) {
		c = xcalloc(1, sizeof *c);
		pthread_mutex_lock(&st->readers_lock);
		c->next = st->readers;
		st->readers = c;
		pthread_mutex_unlock(&st->readers_lock);
	}
	pthread_setspecific(st->reader_key, c);
	/* A reader's page cache: 512 KiB instead of SQLite's 2 MiB. Every
	 * thread that reads has one (32 threads with the write pool); the
	 * kernel caches the file for all of them. */
	if (store_conn_open(st, c, DB_OPEN_READONLY) == 0) {
		if (db_sqlite(c->db))
			db_exec(c->db, "PRAGMA cache_size=-512");
	} else {
		/* The file is gone or unreadable (or no descriptor is left): every
		 * read on c now fails with an error its caller reports, and the
		 * next call of this thread tries to open again. */
		static struct log_limit open_log; /* any thread: atomics */
		unsigned long dropped;
		if (log_limit_pass(&open_log, 1000, &dropped))
			log_error(
			    "store: cannot open reader: %s (%lu more such since the last line)",
			    c->db ? db_errmsg(c->db) : "?", dropped);
		c->open_failover = c->db && db_error_is_failover(c->db);
		db_close(c->db);
		c->db = NULL;
	}
	return c;
}

/* The schema version of c's database (store/dialect.h), -1 when it cannot
 * be read. */
static int store_user_version(struct store_conn *c)
{
	return dialect_schema_version(c->db);
}

/* MC_OK when no row of c breaks a foreign key; else a conflict naming the
 * first table that does (a migration step left a dangling reference). */
static enum mc_err store_migrate_fk_check(struct store_conn *c, struct mc_error *err)
{
	db_stmt *s = NULL;
	if (db_engine(c->db) == DB_POSTGRES)
		return MC_OK; /* PostgreSQL checks every reference at each statement */
	if (db_prepare(c->db, "PRAGMA foreign_key_check", &s) != DB_OK)
		return store_sql_error(c, "foreign_key_check", err);
	int step = db_step(s);
	enum mc_err rc = MC_OK;
	if (step == DB_ROW)
		rc =
		    mc_failf(err, MC_ERR_CONFLICT, "migration_broken", "Nâng cấp dữ liệu bị lỗi",
		             "Migration left a broken reference in table %s", store_col_text(s, 0));
	else if (step != DB_DONE)
		rc = store_sql_error(c, "foreign_key_check", err);
	db_finalize(s);
	return rc;
}

/* MC_OK when c's database is of this program's schema or older; else
 * schema_too_new (or the read's error). Runs before anything writes to the
 * file, so a refused database keeps every byte (not even the journal mode
 * of its header changes). */
static enum mc_err store_check_version(struct store_conn *c, struct mc_error *err)
{
	int version = store_user_version(c);
	int target = schema_step_count();
	if (version < 0)
		return store_sql_error(c, "user_version", err);
	if (version > target)
		return mc_failf(
		    err, MC_ERR_CONFLICT, "schema_too_new", "Cơ sở dữ liệu thuộc phiên bản mới hơn",
		    "Database schema %d is newer than this program (%d): install the newer "
		    "motcua-server again, or restore the backup made before the upgrade "
		    "(docs/upgrade.md)",
		    version, target);
	return MC_OK;
}

/* Tests only (tests/e2e/235-upgrade-transaction): whether MOTCUA_FAULT is
 * "<what>:<n>". migrate_step:N ends the process (_exit, no rollback, no
 * close) right after schema step N and its user_version ran inside the
 * migration's transaction, as a power cut there would; migrate_fail:N makes
 * step N fail as if its SQL had. */
static bool store_migrate_fault(const char *what, int n)
{
	const char *fault = getenv("MOTCUA_FAULT");
	size_t len = strlen(what);
	return fault && strncmp(fault, what, len) == 0 && fault[len] == ':' &&
	       strtol(fault + len + 1, NULL, 10) == n;
}

/* Brings the database from its schema (user_version) to this program's
 * (schema_step_count) in ONE transaction: every step and its user_version,
 * then a foreign key check, then COMMIT. Any failure rolls all of it back,
 * so the file stays at its old version with its old rows, and the error
 * (migration_failed) names the step, the versions and SQLite's reason; a
 * process that dies mid-way leaves the same (SQLite's journal undoes the
 * uncommitted steps at the next open). A newer database is refused with
 * schema_too_new. Runs in store_open, before any other thread can see st. */
static enum mc_err store_migrate(struct store *st, struct mc_error *err)
{
	struct store_conn *c = &st->writer;
	int version = store_user_version(c);
	int target = schema_step_count();

	enum mc_err rc = store_check_version(c, err);
	if (rc || version == target)
		return rc;
	/* Foreign keys are off while the steps run (a step may rebuild a table
	 * others refer to, as SQLite's documented procedure does) and checked
	 * as a whole before the commit. The pragma is a no-op inside a
	 * transaction, hence before BEGIN. */
	bool pg = db_engine(c->db) == DB_POSTGRES;
	rc = pg ? MC_OK : store_exec(c, "PRAGMA foreign_keys=OFF", err);
	if (rc == MC_OK)
		rc = store_exec(c, dialect_begin_sql(c->db), err);
	if (rc == MC_OK && pg)
		rc = schema_pg_lock(c, &version, err);
	if (rc)
		goto restore;
	for (int n = version + 1; n <= target; n++) {
		char setv[128];
		bool fail = store_migrate_fault("migrate_fail", n);
		/* PostgreSQL's new database gets the whole schema at once, as
		 * its last step (schema_pg.c). */
		if (pg && version == 0 && n < target)
			continue;
		const char *step = pg ? schema_pg_step(version, n) : schema_step(n);
		if (fail || step == NULL || db_exec(c->db, step) != DB_OK ||
		    db_exec(c->db, dialect_set_schema_version_sql(c->db, n, setv, sizeof setv)) !=
		        DB_OK) {
			const char *why = fail           ? "test fault"
			                  : step == NULL ? "no step for this engine"
			                                 : db_errmsg(c->db);
			rc = mc_failf(
			    err, MC_ERR_INTERNAL, "migration_failed",
			    "Nâng cấp cơ sở dữ liệu thất bại",
			    "Upgrading the database from schema %d to %d failed at step "
			    "%d (%s); nothing was changed, the database is still schema %d",
			    version, target, n, why, version);
			log_error("store: schema step %d: %s", n, why);
			goto fail;
		}
		if (store_migrate_fault("migrate_step", n)) {
			fprintf(stderr, "store: test fault: killed after schema step %d\n", n);
			_exit(86);
		}
	}
	rc = store_migrate_fk_check(c, err);
	if (rc)
		goto fail;
	rc = store_exec(c, "COMMIT", err);
	if (rc)
		goto fail;
	if (version > 0)
		log_info("store: migrated schema %d -> %d", version, target);
	return pg ? MC_OK : store_exec(c, "PRAGMA foreign_keys=ON", err);
fail:
	store_exec(c, "ROLLBACK", NULL);
restore:
	if (!pg)
		store_exec(c, "PRAGMA foreign_keys=ON", NULL);
	return rc;
}

enum mc_err store_open(const char *path, struct store **out, struct mc_error *err)
{
	return store_open_mode(path, STORE_OPEN_CREATE, out, err);
}

/* The English sentences of not_a_motcua_database; %s is what
 * store_shown_target gives. */
#define NOT_MOTCUA_FILE_EN                                                                         \
	"%s is not a motcua database (schema version 0: an empty file or another program's "       \
	"SQLite file); nothing was changed. Give the right --db, restore a backup "                \
	"(motcua-server restore), or create a new office with motcua-server init"
#define NOT_MOTCUA_PG_EN                                                                           \
	"The PostgreSQL database %s is not a motcua database (no motcua tables: an empty "         \
	"database or another program's); nothing was changed. Give the right --db, or "            \
	"create a new office with motcua-server init"

/* Fills out (len bytes) with how a message names target in room bytes at
 * most: a PostgreSQL database by its name, never by its URI (which may
 * carry a password); a file by its path. A longer name keeps its end
 * behind "…", cut before a whole UTF-8 sequence, so that the sentence
 * around it is never cut by the message's buffer. room >= 4. */
static void store_shown_target(const char *target, size_t room, char *out, size_t len)
{
	char name[128];
	const char *shown = target;
	if (!store_target_is_file(target))
		shown = db_target_database(target, name, sizeof name) ? name : "?";
	size_t n = strlen(shown);
	if (n <= room) {
		snprintf(out, len, "%s", shown);
		return;
	}
	const char *tail = shown + n - (room - strlen("…"));
	while (((unsigned char)*tail & 0xC0) == 0x80)
		tail++;
	snprintf(out, len, "…%s", tail);
}

/* not_a_motcua_database for target, in the words of its engine. */
static enum mc_err store_not_motcua(const char *target, struct mc_error *err)
{
	char shown[sizeof err->message_en];
	bool file = store_target_is_file(target);
	size_t fixed = (size_t)snprintf(NULL, 0, file ? NOT_MOTCUA_FILE_EN : NOT_MOTCUA_PG_EN, "");
	store_shown_target(target, sizeof err->message_en - 1 - fixed, shown, sizeof shown);
	if (file)
		return mc_failf(err, MC_ERR_CONFLICT, "not_a_motcua_database",
		                "Tệp không phải cơ sở dữ liệu motcua", NOT_MOTCUA_FILE_EN, shown);
	return mc_failf(err, MC_ERR_CONFLICT, "not_a_motcua_database",
	                "Cơ sở dữ liệu PostgreSQL không phải cơ sở dữ liệu motcua",
	                NOT_MOTCUA_PG_EN, shown);
}

/* MC_OK when mode accepts c's database as it is: not_a_motcua_database for
 * a database without a schema (user_version 0: an empty file, another
 * program's SQLite file, a PostgreSQL database without motcua's tables)
 * unless mode creates, schema_too_old for an older schema when mode does
 * not migrate. Runs before anything writes. */
static enum mc_err store_check_mode(struct store_conn *c, const char *path,
                                    enum store_open_mode mode, struct mc_error *err)
{
	int version = store_user_version(c);
	if (version < 0)
		return store_sql_error(c, "user_version", err);
	if (version == 0 && mode != STORE_OPEN_CREATE)
		return store_not_motcua(path, err);
	if (version > 0 && version < schema_step_count() && mode == STORE_OPEN_AS_IS_REFUSE_OLD)
		return mc_failf(err, MC_ERR_CONFLICT, "schema_too_old",
		                "Cơ sở dữ liệu thuộc phiên bản cũ hơn",
		                "Database schema %d is older than this program (%d); nothing was "
		                "changed. Start the new server (it upgrades the database at "
		                "start: systemctl restart motcua-server), then run this again "
		                "(docs/upgrade.md)",
		                version, schema_step_count());
	return MC_OK;
}

enum mc_err store_open_mode(const char *path, enum store_open_mode mode, struct store **out,
                            struct mc_error *err)
{
	if (sodium_init() < 0)
		return mc_fail(err, MC_ERR_INTERNAL, "crypto_init", "Lỗi khởi tạo mã hóa",
		               "libsodium failed to initialise");
	struct store *st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	if (gethostname(st->instance, sizeof st->instance) != 0 || st->instance[0] == '\0')
		snprintf(st->instance, sizeof st->instance, "motcua");
	st->instance[sizeof st->instance - 1] = '\0';
	pthread_mutex_init(&st->write_lock, NULL);
	pthread_cond_init(&st->turn_cv, NULL);
	pthread_cond_init(&st->durable_cv, NULL);
	st->members_tail = &st->members;
	/* Tests only: MOTCUA_FAULT=after_batch_commit:N (before_batch_commit:N)
	 * kills the process right after (before) the COMMIT of the first batch
	 * of two or more transactions once N batches are durable; nobody of
	 * that batch has been answered either way. */
	const char *fault = getenv("MOTCUA_FAULT");
	st->fault_after = st->fault_before = -1;
	if (fault && strncmp(fault, "after_batch_commit:", 19) == 0)
		st->fault_after = strtoll(fault + 19, NULL, 10);
	if (fault && strncmp(fault, "before_batch_commit:", 20) == 0)
		st->fault_before = strtoll(fault + 20, NULL, 10);
	pthread_mutex_init(&st->readers_lock, NULL);
	pthread_key_create(&st->reader_key, store_reader_destroy);

	if (store_conn_open(st, &st->writer, DB_OPEN_READWRITE | DB_OPEN_CREATE) != 0) {
		/* A URI is named by its database, not repeated whole: libpq's
		 * reason (server, port, what failed) must fit in the message. */
		char name[128];
		const char *shown = db_target_database(path, name, sizeof name) ? name : path;
		mc_failf(err, MC_ERR_UNAVAILABLE, "db_open_failed", "Không mở được cơ sở dữ liệu",
		         "Cannot open database %s: %s", shown,
		         st->writer.db ? db_errmsg(st->writer.db) : "?");
		store_close(st);
		return MC_ERR_UNAVAILABLE;
	}
	/* A newer database is refused before anything writes to it. WAL so
	 * readers never block the writer; FULL so that a commit that returned
	 * is on disk even after a power cut. */
	enum mc_err rc = store_check_version(&st->writer, err);
	if (rc == MC_OK)
		rc = store_check_mode(&st->writer, path, mode, err);
	if (rc == MC_OK && db_sqlite(st->writer.db))
		rc = store_exec(&st->writer,
		                "PRAGMA journal_mode=WAL;"
		                "PRAGMA synchronous=FULL;"
		                "PRAGMA foreign_keys=ON;",
		                err);
	if (rc == MC_OK && mode != STORE_OPEN_AS_IS && mode != STORE_OPEN_AS_IS_REFUSE_OLD)
		rc = store_migrate(st, err);
	if (rc) {
		if (err && strcmp(err->code, "store_error") == 0)
			mc_failf(err, MC_ERR_UNAVAILABLE, "db_open_failed",
			         "Không mở được cơ sở dữ liệu", "Cannot use %s as a database",
			         path);
		store_close(st);
		return err ? err->kind : rc;
	}
	struct stat sb;
	if (stat(path, &sb) == 0) {
		st->dev = sb.st_dev;
		st->ino = sb.st_ino;
	}
	*out = st;
	return MC_OK;
}

bool store_target_is_file(const char *target)
{
	return !db_target_is_postgres(target);
}

enum store_target_state store_target_state(const char *target)
{
	if (store_target_is_file(target)) {
		struct stat sb;
		if (stat(target, &sb) == 0)
			return STORE_TARGET_PRESENT;
		return errno == ENOENT ? STORE_TARGET_NONE : STORE_TARGET_UNREACHABLE;
	}
	struct db *db = NULL;
	int v = db_open(target, DB_OPEN_READONLY, &db) == DB_OK ? dialect_schema_version(db) : -1;
	db_close(db);
	return v < 0 ? STORE_TARGET_UNREACHABLE : v == 0 ? STORE_TARGET_NONE : STORE_TARGET_PRESENT;
}

void store_close(struct store *st)
{
	if (st == NULL)
		return;
	store_feed_stop(st);
	pthread_key_delete(st->reader_key);
	for (struct store_conn *c = st->readers, *next; c; c = next) {
		next = c->next;
		store_conn_close(c);
		free(c);
	}
	store_conn_close(&st->writer);
	store_events_free(st->pending, st->pending_len);
	free(st->pending);
	store_events_free(st->batch_events, st->batch_len);
	free(st->batch_events);
	pthread_mutex_destroy(&st->write_lock);
	pthread_cond_destroy(&st->turn_cv);
	pthread_cond_destroy(&st->durable_cv);
	pthread_mutex_destroy(&st->readers_lock);
	free(st->path);
	free(st);
}

const char *store_path(const struct store *st)
{
	return st->path;
}

void store_instance_set(struct store *st, const char *name)
{
	snprintf(st->instance, sizeof st->instance, "%s", name);
}

const char *store_instance(const struct store *st)
{
	return st->instance;
}

int store_schema_version(struct store *st)
{
	int v = store_user_version(store_read_conn(st));
	return v < 0 ? 0 : v;
}

/* Whether st's path is still the file the store opened, and its first bytes
 * still a database header, read through c's own file handle. Never open()
 * the database file here: closing any descriptor of it drops every POSIX
 * lock this process holds on it (SQLite's "how to corrupt", 2.2), and the
 * next process to close the database then deletes the live WAL, losing
 * acknowledged commits. */
static enum mc_err store_file_check(struct store *st, struct store_conn *c, struct mc_error *err)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	struct stat sb;
	sqlite3_file *f = NULL;
	if (c->db && db_engine(c->db) == DB_POSTGRES)
		return MC_OK; /* no file: the server keeps its own */
	if (stat(st->path, &sb) != 0)
		return mc_failf(err, MC_ERR_UNAVAILABLE, "db_unreadable",
		                "Không đọc được cơ sở dữ liệu", "cannot read %s: %s", st->path,
		                strerror(errno));
	if (sb.st_dev != st->dev || sb.st_ino != st->ino)
		return mc_failf(err, MC_ERR_UNAVAILABLE, "db_replaced",
		                "Tệp cơ sở dữ liệu đã bị thay thế",
		                "%s is no longer the file the server opened", st->path);
	if (c->db == NULL ||
	    sqlite3_file_control(db_sqlite(c->db), "main", SQLITE_FCNTL_FILE_POINTER, &f) !=
	        SQLITE_OK ||
	    f == NULL || f->pMethods == NULL)
		return mc_failf(err, MC_ERR_UNAVAILABLE, "db_unreadable",
		                "Không đọc được cơ sở dữ liệu", "cannot read %s", st->path);
	if (f->pMethods->xRead(f, head, sizeof head, 0) != SQLITE_OK ||
	    memcmp(head, magic, sizeof magic) != 0)
		return mc_failf(err, MC_ERR_UNAVAILABLE, "db_corrupt", "Tệp cơ sở dữ liệu bị hỏng",
		                "%s does not start with a database header", st->path);
	return MC_OK;
}

enum mc_err store_health(struct store *st, int *schema, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	enum mc_err rc = store_file_check(st, c, err);
	if (rc)
		return rc;
	db_stmt *s = NULL;
	int v = -1;
	/* Not cached: a statement that failed on a broken file should not stay. */
	if (db_prepare(c->db, dialect_health_sql(c->db), &s) == DB_OK && db_step(s) == DB_ROW &&
	    db_column_int(s, 1) > 0)
		v = db_column_int(s, 0);
	if (v < 0) {
		log_error("store: health check: %s", db_errmsg(c->db));
		rc = mc_fail(err, MC_ERR_UNAVAILABLE, "db_unreadable",
		             "Không đọc được cơ sở dữ liệu", "The database cannot be read");
	} else if (schema)
		*schema = v;
	db_finalize(s);
	return rc;
}

void store_set_commit_hook(struct store *st, store_commit_hook hook, void *ctx)
{
	if (hook == NULL)
		store_feed_stop(st);
	st->hook = hook;
	st->hook_ctx = ctx;
	if (hook && db_engine(st->writer.db) == DB_POSTGRES)
		store_feed_start(st);
}

static void store_pending_clear(struct store *st)
{
	store_events_free(st->pending, st->pending_len);
	st->pending_len = 0;
	st->event_office = 0;
}

/* Group commit.
 *
 * Durable commits cost one fsync each; callers that arrive while one runs
 * share the next. The writer holds one SQLite transaction open across
 * several callers (a batch): each caller's work is a SAVEPOINT inside it,
 * released when the caller commits and rolled back alone when it fails, so
 * one bad request in a batch fails alone. A caller that commits while
 * others wait for their turn hands the writer on with the batch open and
 * waits; the last one (nobody waiting, or STORE_BATCH_MAX members) commits
 * the batch with one COMMIT, hands the batch's events to the commit hook in
 * order, and only then answers every member. Nobody is answered before the
 * COMMIT that holds its change returned, and a failed COMMIT fails every
 * member (none was answered: nothing acknowledged is lost). Numbering stays
 * gap-free: numbers are taken on the writer, in order, and a batch commits
 * or rolls back as a whole. While the COMMIT runs no transaction starts
 * (committing), so events reach the hook in commit order.
 *
 * The caller's work runs without write_lock; write_lock guards the hand-over
 * fields (struct store) and is held only briefly. */
#define STORE_BATCH_MAX 64

/* Ends the batch under write_lock: every member gets rc (and err, copied
 * from e when not NULL) and is woken. */
static void store_batch_settle(struct store *st, enum mc_err rc, const struct mc_error *e)
{
	for (struct store_batch_member *m = st->members; m; m = m->next) {
		m->rc = rc;
		if (rc != MC_OK && m->err && e)
			*m->err = *e;
		m->done = true;
	}
	st->members = NULL;
	st->members_tail = &st->members;
	pthread_cond_broadcast(&st->durable_cv);
}

/* Commits the open batch: called with write_lock held by the thread that
 * ended the last transaction of it; returns with write_lock held, the batch
 * settled and the writer free. */
static void store_batch_commit(struct store *st)
{
	struct pending_event *evs = st->batch_events;
	size_t n = st->batch_len, members = 0;
	for (struct store_batch_member *m = st->members; m; m = m->next)
		members += !m->watcher;
	st->batch_events = NULL;
	st->batch_len = st->batch_cap = 0;
	st->committing = true;
	pthread_mutex_unlock(&st->write_lock);

	struct mc_error e = {0};
	if (st->fault_before >= 0 && members >= 2 && st->batches >= (uint64_t)st->fault_before)
		raise(SIGKILL); /* tests (store_open) */
	/* A shared database: the other servers' feeds hear of the commit (in
	 * the COMMIT's round trip: a failed NOTIFY skips the COMMIT). */
	bool notify = st->feed && n > 0, owed = st->release_owed;
	const char *commit = notify
	                         ? (owed ? "RELEASE caller; NOTIFY " STORE_FEED_CHANNEL "; COMMIT"
	                                 : "NOTIFY " STORE_FEED_CHANNEL "; COMMIT")
	                         : (owed ? "RELEASE caller; COMMIT" : "COMMIT");
	st->release_owed = false;
	enum mc_err rc = store_exec(&st->writer, commit, &e);
	if (rc)
		store_exec(&st->writer, "ROLLBACK", NULL);
	else if (st->fault_after >= 0 && members >= 2 && st->batches >= (uint64_t)st->fault_after)
		raise(SIGKILL); /* tests: on disk, nobody answered (store_open) */
	if (rc == MC_OK && st->feed) {
		store_feed_deliver(st); /* from the table: the others' events too */
	} else if (rc == MC_OK && st->hook && n > 0) {
		struct store_event *out = xcalloc(n, sizeof *out);
		for (size_t i = 0; i < n; i++)
			out[i] = evs[i].ev;
		st->hook(st->hook_ctx, st, out, n);
		free(out);
	}
	store_events_free(evs, n);
	free(evs);

	pthread_mutex_lock(&st->write_lock);
	st->committing = false;
	st->batch_open = false;
	if (rc == MC_OK) {
		st->batches++;
		st->batched += members;
	}
	store_batch_settle(st, rc, &e);
	pthread_cond_broadcast(&st->turn_cv);
}

/* Opens the batch's transaction on the writer in one round trip: BEGIN,
 * where several servers may share the database (PostgreSQL) the event lock
 * at once, before any row is touched, the first caller's SAVEPOINT, and,
 * where a statement is a round trip, the chain's tip, which the lock keeps
 * until the batch ends (so the first store_event_append needs not read it:
 * st->tip_known; dialect_begin_tip_sql). A batch that took the lock only at
 * its first event could wait for it while holding a row another server's
 * batch, holding the lock, waits for (two servers numbering the same group:
 * "deadlock detected", a 500). Taken first, the lock orders the servers'
 * write transactions, as SQLite's one writer does, and store_event_append
 * needs not take it again. DB_OK, or the error (no transaction left open,
 * the tip not known). Under write_lock, no batch open: the tip fields are
 * nobody else's yet. */
static int store_begin_sql(struct store *st)
{
	struct db *db = st->writer.db;
	const char *lock = dialect_event_lock_sql(db), *tip = dialect_begin_tip_sql(db);
	char sql[192];
	int len = snprintf(sql, sizeof sql, "%s; %s%sSAVEPOINT caller%s%s", dialect_begin_sql(db),
	                   lock ? lock : "", lock ? "; " : "", tip ? "; " : "", tip ? tip : "");
	ENFORCE(len > 0 && (size_t)len < sizeof sql, "store_begin_sql: the BEGIN text is too long");
	char id[24], *vals[2] = {id, st->tip_hash};
	bool has_row = false;
	st->tip_known = false;
	int rc =
	    tip ? db_exec_row(db, sql, 2, vals, sizeof st->tip_hash, &has_row) : db_exec(db, sql);
	if (rc != DB_OK && db_connection_ok(db) && db_in_transaction(db))
		db_exec(db, "ROLLBACK");
	if (rc != DB_OK || !tip)
		return rc;
	/* No event yet: the first is 1, after the genesis hash. */
	st->tip_id = has_row ? strtoll(id, NULL, 10) : 0;
	if (!has_row)
		snprintf(st->tip_hash, sizeof st->tip_hash, "%s", STORE_GENESIS_HASH);
	st->tip_known = true;
	return DB_OK;
}

/* Opens the batch's transaction on the writer (under write_lock, no batch
 * open). A connection found lost first, or lost on the way of this BEGIN,
 * is connected again and the BEGIN sent once more: nothing of the caller's
 * reached the server yet, so the retry cannot do anything twice. */
static enum mc_err store_begin_batch(struct store *st, struct mc_error *err)
{
	struct db *db = st->writer.db;
	ENFORCE(!st->release_owed, "a batch opens with a member's RELEASE not sent");
	if (!db_connection_ok(db))
		db_reconnect(db);
	if (store_begin_sql(st) == DB_OK)
		return MC_OK;
	if (db_error_is_failover(db) && db_reconnect(db) == DB_OK && store_begin_sql(st) == DB_OK)
		return MC_OK;
	return store_sql_error(&st->writer, "begin", err);
}

enum mc_err store_begin(struct store *st, struct mc_error *err)
{
	if (store_in_my_transaction(st)) {
		st->depth++;
		return MC_OK;
	}
	pthread_mutex_lock(&st->write_lock);
	st->waiting++;
	while (atomic_load(&st->owner) != 0 || st->committing)
		pthread_cond_wait(&st->turn_cv, &st->write_lock);
	st->waiting--;
	enum mc_err rc = MC_OK;
	bool opened = false; /* the batch's BEGIN made this caller's SAVEPOINT */
	if (!st->batch_open) {
		rc = store_begin_batch(st, err);
		st->batch_open = opened = rc == MC_OK;
	}
	if (rc == MC_OK) {
		atomic_store(&st->owner, (uintptr_t)&store_thread_marker);
		st->depth = 1;
		st->doomed = false;
	} else {
		pthread_cond_signal(&st->turn_cv);
	}
	pthread_mutex_unlock(&st->write_lock);
	if (rc == MC_OK && !opened) {
		/* The member before may owe its RELEASE (store_end). */
		bool owed = st->release_owed;
		st->release_owed = false;
		rc =
		    store_exec(&st->writer,
		               owed ? "RELEASE caller; SAVEPOINT caller" : "SAVEPOINT caller", err);
		if (rc != MC_OK) {
			/* That RELEASE may not have run: a ROLLBACK TO would undo
			 * the member's kept work. The whole batch fails instead
			 * (store_end sees it lost; nobody was answered yet). */
			if (owed && db_in_transaction(st->writer.db))
				db_exec(st->writer.db, "ROLLBACK");
			st->doomed = true;
			store_rollback(st);
		}
	}
	return rc;
}

/* Ends the owner's outermost transaction: keeps its work in the batch
 * (keep) or rolls it back alone, gives up the writer and, when it is the
 * last of the batch, commits the batch. Returns MC_OK once the work is
 * durable, or the error that undid it (err filled). */
static enum mc_err store_end(struct store *st, bool keep, struct mc_error *err)
{
	enum mc_err rc = MC_OK;
	struct mc_error e = {0};
	/* PostgreSQL: the RELEASE of a healthy transaction cannot fail but
	 * with the connection, which fails the batch's COMMIT too: it is owed,
	 * and sent with the writer's next statement (release_owed). A failed
	 * transaction (a statement's error) gets it now, fails and rolls back
	 * alone. SQLite: a RELEASE costs no round trip. */
	if (keep && db_engine(st->writer.db) == DB_POSTGRES &&
	    !db_transaction_failed(st->writer.db)) {
		st->release_owed = true;
	} else if (keep && store_exec(&st->writer, "RELEASE caller", &e) != MC_OK) {
		rc = e.kind;
		keep = false;
	}
	if (!keep) {
		store_exec(&st->writer, "ROLLBACK TO caller; RELEASE caller", NULL);
		store_pending_clear(st);
		st->tip_known = false; /* its events went with it */
	}
	/* An I/O error or a full disk may make SQLite roll back the whole
	 * transaction, the other members' work with it. */
	bool lost = !db_in_transaction(st->writer.db);
	st->depth = 0;

	pthread_mutex_lock(&st->write_lock);
	atomic_store(&st->owner, 0);
	struct store_batch_member me = {.err = err};
	if (lost) {
		store_events_free(st->batch_events, st->batch_len);
		st->batch_len = 0;
		st->batch_open = false;
		st->release_owed = false; /* gone with the transaction */
		if (!db_connection_ok(st->writer.db))
			store_failover_error(&e);
		else
			mc_fail(&e, MC_ERR_INTERNAL, "store_error",
			        "Lỗi ghi dữ liệu, không có gì thay đổi",
			        "The write failed and was rolled back");
		store_batch_settle(st, e.kind, &e);
		/* This caller's events went with the rest: none may reach the
		 * next caller's batch (and the streams) under reused ids. */
		store_pending_clear(st);
		if (keep)
			rc = e.kind;
		keep = false;
	}
	/* A caller that rolls back while the batch holds others' work may have
	 * read that work (an Idempotency-Key's first answer, a row it then
	 * refused to change): it is answered only once that work is durable, as
	 * a watcher of the batch (not counted, its rc is the batch's). */
	bool watch = !keep && st->members != NULL;
	if (watch) {
		me.watcher = true;
		*st->members_tail = &me;
		st->members_tail = &me.next;
	}
	if (keep) {
		/* Join the batch: its events after those of earlier members. */
		if (st->batch_len + st->pending_len > st->batch_cap) {
			st->batch_cap = (st->batch_len + st->pending_len) * 2;
			st->batch_events = xreallocarray(st->batch_events, st->batch_cap,
			                                 sizeof *st->batch_events);
		}
		/* A change without events (a session touch) has no pending array. */
		if (st->pending_len > 0)
			memcpy(st->batch_events + st->batch_len, st->pending,
			       st->pending_len * sizeof *st->pending);
		st->batch_len += st->pending_len;
		st->pending_len = 0;
		st->event_office = 0;
		*st->members_tail = &me;
		st->members_tail = &me.next;
	}
	size_t members = 0;
	for (struct store_batch_member *m = st->members; m; m = m->next)
		members += !m->watcher;
	if (st->batch_open && (st->waiting == 0 || members >= STORE_BATCH_MAX)) {
		if (members > 0) {
			store_batch_commit(st);
		} else {
			/* Nothing kept: end the empty transaction. */
			ENFORCE(!st->release_owed, "a RELEASE owed in a batch without members");
			store_exec(&st->writer, "ROLLBACK", NULL);
			st->batch_open = false;
		}
	}
	pthread_cond_signal(&st->turn_cv);
	while ((keep || watch) && !me.done)
		pthread_cond_wait(&st->durable_cv, &st->write_lock);
	pthread_mutex_unlock(&st->write_lock);
	if (keep || (watch && rc == MC_OK))
		rc = me.rc;
	else if (rc != MC_OK && err)
		*err = e;
	return rc;
}

void store_rollback(struct store *st)
{
	ENFORCE(store_in_my_transaction(st), "store_rollback without store_begin");
	if (--st->depth > 0) {
		st->doomed = true;
		return;
	}
	store_end(st, false, NULL);
}

enum mc_err store_rollback_settled(struct store *st, struct mc_error *err)
{
	ENFORCE(store_in_my_transaction(st) && st->depth == 1,
	        "store_rollback_settled outside an outermost transaction");
	return store_end(st, false, err);
}

enum mc_err store_commit(struct store *st, struct mc_error *err)
{
	ENFORCE(store_in_my_transaction(st), "store_commit without store_begin");
	if (st->depth > 1) {
		st->depth--;
		return MC_OK;
	}
	if (st->doomed) {
		store_end(st, false, NULL);
		return mc_fail(err, MC_ERR_CONFLICT, "transaction_aborted",
		               "Thao tác bị hủy, không có gì thay đổi",
		               "The operation was aborted; nothing changed");
	}
	return store_end(st, true, err);
}

void store_commit_stats(struct store *st, uint64_t *batches, uint64_t *transactions)
{
	pthread_mutex_lock(&st->write_lock);
	*batches = st->batches;
	*transactions = st->batched;
	pthread_mutex_unlock(&st->write_lock);
}

/* The first event id hashed with version 2 (settings row written by schema
 * step 9: the next id at that migration, 1 for a database created since). */
#define STORE_HASH_V2_KEY "event_hash_v2_from"

/* The chain hash of one event row: SHA-256 over its fields joined by the
 * ASCII unit separator, hex encoded into out[65]. Version 1 (events written
 * before schema step 9) covers prev_hash, id, at, actor, entity, entity_id,
 * action and details. Version 2 starts with "v2" (so no version 2 input is a
 * version 1 input) and also covers where the event belongs: office_id (""
 * when NULL) and stream as stored. */
static void store_event_hash(int version, const char *prev_hash, int64_t id, int64_t at,
                             const char *actor, const char *entity, const char *entity_id,
                             const char *action, const char *details, bool has_office,
                             int64_t office_id, int64_t stream, char out[65])
{
	crypto_hash_sha256_state h;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char num[48];

	crypto_hash_sha256_init(&h);
	if (version >= 2)
		crypto_hash_sha256_update(&h, (const unsigned char *)"v2\x1f", 3);
	snprintf(num, sizeof num, "\x1f%lld\x1f%lld\x1f", (long long)id, (long long)at);
	crypto_hash_sha256_update(&h, (const unsigned char *)prev_hash, strlen(prev_hash));
	crypto_hash_sha256_update(&h, (const unsigned char *)num, strlen(num));
	const char *parts[] = {actor, entity, entity_id, action, details};
	for (size_t i = 0; i < 5; i++) {
		crypto_hash_sha256_update(&h, (const unsigned char *)parts[i], strlen(parts[i]));
		crypto_hash_sha256_update(&h, (const unsigned char *)"\x1f", 1);
	}
	if (version >= 2) {
		if (has_office)
			snprintf(num, sizeof num, "%lld\x1f%lld\x1f", (long long)office_id,
			         (long long)stream);
		else
			snprintf(num, sizeof num, "\x1f%lld\x1f", (long long)stream);
		crypto_hash_sha256_update(&h, (const unsigned char *)num, strlen(num));
	}
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(out, 65, digest, sizeof digest);
}

int64_t store_event_append(struct store *st, const char *actor, const char *entity,
                           const char *entity_id, const char *action, const char *details,
                           bool stream, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	char prev[65] = STORE_GENESIS_HASH;
	char hash[65];
	int64_t id = 1;
	int64_t at = clock_now();
	int64_t office = st->event_office;
	st->event_office = 0;

	/* Servers sharing a database take event ids one transaction at a time,
	 * to its commit: the chain stays one line and ids follow commit order
	 * (store/feed.h). The event lock that orders them was taken with the
	 * batch's BEGIN (store_begin_sql), the only way into this transaction. */
	db_stmt *s;
	if (st->tip_known) {
		id = st->tip_id + 1;
		memcpy(prev, st->tip_hash, sizeof prev);
	} else {
		s = store_stmt(c, "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1");
		if (s == NULL)
			return store_sql_error(c, "last event", err), 0;
		if (db_step(s) == DB_ROW) {
			id = db_column_int64(s, 0) + 1;
			snprintf(prev, sizeof prev, "%s", store_col_text(s, 1));
		}
		db_reset(s);
	}
	st->tip_known = false; /* until this append is in */
	/* Every event written by this code is version 2 (see STORE_HASH_V2_KEY):
	 * the office bound below (NULL when 0) and the stream flag are hashed. */
	store_event_hash(2, prev, id, at, actor, entity, entity_id, action, details, office != 0,
	                 office, stream ? 1 : 0, hash);

	s = store_stmt(c, "INSERT INTO events (id, at, actor, entity, entity_id, action, details,"
	                  " stream, prev_hash, hash, office_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
	if (s == NULL)
		return store_sql_error(c, "append event", err), 0;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, at);
	db_bind_text(s, 3, actor, -1, DB_STATIC);
	db_bind_text(s, 4, entity, -1, DB_STATIC);
	db_bind_text(s, 5, entity_id, -1, DB_STATIC);
	db_bind_text(s, 6, action, -1, DB_STATIC);
	db_bind_text(s, 7, details, -1, DB_STATIC);
	db_bind_int(s, 8, stream);
	db_bind_text(s, 9, prev, -1, DB_STATIC);
	db_bind_text(s, 10, hash, -1, DB_STATIC);
	if (office)
		db_bind_int64(s, 11, office);
	int rc = db_step(s);
	db_reset(s);
	if (rc != DB_DONE)
		return store_sql_error(c, "append event", err), 0;
	st->tip_id = id;
	memcpy(st->tip_hash, hash, sizeof st->tip_hash);
	st->tip_known = true;

	if (st->pending_len == st->pending_cap) {
		st->pending_cap = st->pending_cap ? st->pending_cap * 2 : 8;
		st->pending = xreallocarray(st->pending, st->pending_cap, sizeof *st->pending);
	}
	struct pending_event *p = &st->pending[st->pending_len++];
	p->entity = xstrdup(entity);
	p->action = xstrdup(action);
	p->details = xstrdup(details);
	p->ev = (struct store_event){.id = id,
	                             .at = at,
	                             .entity = p->entity,
	                             .action = p->action,
	                             .details = p->details,
	                             .stream = stream,
	                             .office_id = office};
	return id;
}

void store_event_office(struct store *st, int64_t office_id)
{
	ENFORCE(store_in_my_transaction(st),
	        "store_event_office outside the caller's write transaction");
	st->event_office = office_id;
}

char *store_setting_get(struct store *st, const char *key)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT value FROM settings WHERE key = ?");
	char *v = NULL;
	if (s == NULL)
		return NULL;
	db_bind_text(s, 1, key, -1, DB_STATIC);
	if (db_step(s) == DB_ROW)
		v = xstrdup(store_col_text(s, 0));
	db_reset(s);
	return v;
}

int64_t store_setting_int(struct store *st, const char *key, int64_t fallback)
{
	char *v = store_setting_get(st, key);
	int64_t n = fallback;
	if (v) {
		char *end;
		long long x = strtoll(v, &end, 10);
		if (end != v && *end == '\0')
			n = x;
		free(v);
	}
	return n;
}

enum mc_err store_setting_set(struct store *st, const char *key, const char *value_text,
                              struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "INSERT INTO settings (key, value) VALUES (?, ?)"
	                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	if (s == NULL)
		return store_sql_error(c, "setting", err);
	db_bind_text(s, 1, key, -1, DB_STATIC);
	db_bind_text(s, 2, value_text, -1, DB_STATIC);
	int rc = db_step(s);
	db_reset(s);
	return rc == DB_DONE ? MC_OK : store_sql_error(c, "setting", err);
}

enum mc_err store_audit_verify(struct store *st, int64_t *checked, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = NULL;
	char expect_prev[65] = STORE_GENESIS_HASH;
	char hash[65];
	int64_t n = 0, last_id = 0;
	enum mc_err rc = MC_OK;
	/* Missing (never after migration): every event is checked as version 2,
	 * so deleting or changing the row makes events fail rather than pass. */
	int64_t v2_from = store_setting_int(st, STORE_HASH_V2_KEY, 1);

	/* Not cached: a full scan runs once per command. */
	if (db_prepare(c->db,
	               "SELECT id, at, actor, entity, entity_id, action, details, prev_hash,"
	               " hash, office_id, stream FROM events ORDER BY id",
	               &s) != DB_OK)
		return store_sql_error(c, "audit", err);
	int step;
	while (store_next(s, &step)) {
		int64_t id = db_column_int64(s, 0);
		const char *prev = store_col_text(s, 7);
		if (id != last_id + 1) {
			rc =
			    mc_failf(err, MC_ERR_CONFLICT, "audit_gap", "Chuỗi nhật ký bị mất dòng",
			             "event %lld is missing (found %lld next)",
			             (long long)(last_id + 1), (long long)id);
			break;
		}
		store_event_hash(id >= v2_from ? 2 : 1, prev, id, db_column_int64(s, 1),
		                 store_col_text(s, 2), store_col_text(s, 3), store_col_text(s, 4),
		                 store_col_text(s, 5), store_col_text(s, 6),
		                 db_column_type(s, 9) != DB_NULL, db_column_int64(s, 9),
		                 db_column_int64(s, 10), hash);
		if (strcmp(prev, expect_prev) != 0 || strcmp(hash, store_col_text(s, 8)) != 0) {
			rc =
			    mc_failf(err, MC_ERR_CONFLICT, "audit_mismatch", "Chuỗi nhật ký bị sửa",
			             "event %lld does not match its hash", (long long)id);
			break;
		}
		snprintf(expect_prev, sizeof expect_prev, "%s", hash);
		last_id = id;
		n++;
	}
	if (rc == MC_OK)
		rc = store_scan_end(c, s, step, "audit", err);
	db_finalize(s);
	if (checked)
		*checked = n;
	return rc;
}

enum mc_err store_integrity_check(struct store *st, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = NULL;
	enum mc_err rc = MC_OK;
	if (db_prepare(c->db, dialect_integrity_check_sql(c->db), &s) != DB_OK)
		return store_sql_error(c, "integrity_check", err);
	if (db_step(s) != DB_ROW || strcmp(store_col_text(s, 0), "ok") != 0)
		rc = mc_failf(err, MC_ERR_CONFLICT, "integrity_failed", "Tệp dữ liệu bị hỏng",
		              "integrity_check: %s", store_col_text(s, 0));
	db_finalize(s);
	return rc;
}

void store_bulk_mode(struct store *st, bool on)
{
	/* A pragma that cannot run inside a transaction: under the writer lock,
	 * outside any transaction. */
	ENFORCE(!store_in_my_transaction(st), "store_bulk_mode inside a transaction");
	pthread_mutex_lock(&st->write_lock);
	while (atomic_load(&st->owner) != 0 || st->committing || st->batch_open) {
		pthread_cond_signal(&st->turn_cv); /* not ours: pass the wake-up on */
		pthread_cond_wait(&st->turn_cv, &st->write_lock);
	}
	const char *sync =
	    db_sqlite(st->writer.db)
	        ? (on ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=FULL")
	        : (on ? "SET synchronous_commit = off" : "SET synchronous_commit = on");
	store_exec(&st->writer, sync, NULL);
	pthread_cond_signal(&st->turn_cv);
	pthread_mutex_unlock(&st->write_lock);
}

void store_bind_scope(db_stmt *s, const struct principal *who)
{
	int i = db_bind_parameter_index(s, ":scope");
	ENFORCE(i > 0, "a scoped statement has a :scope parameter");
	db_bind_int64(s, i, who ? who->office_id : 0);
}

enum mc_err store_office_paths_rebuild(struct store_conn *c, struct mc_error *err)
{
	return store_exec(c,
	                  "DELETE FROM office_paths;"
	                  "INSERT INTO office_paths WITH RECURSIVE p (a, o, d) AS ("
	                  "  SELECT id, id, 0 FROM offices UNION ALL"
	                  "  SELECT p.a, c.id, p.d + 1 FROM p JOIN offices c ON c.parent_id = p.o"
	                  "  WHERE p.d < 64)"
	                  "  SELECT a, o, d FROM p;",
	                  err);
}
