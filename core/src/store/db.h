/* The store's one door to a database engine: an SQLite file (the default) or
 * a PostgreSQL cluster (a libpq connection string, postgresql://… or
 * "host=… dbname=…"). Nothing outside core/src/store includes it.
 *
 * The interface is SQLite's statement model, which the store's files were
 * written against: prepare a statement, bind its parameters by number, step
 * through its rows, read columns. Both engines serve it:
 *  - SQLite: each call is the sqlite3_* function of the same name.
 *  - PostgreSQL: db_prepare rewrites the statement's parameters (?NNN, ?,
 *    :name) as $N with SQLite's numbering (the one place parameters differ,
 *    db_pg_params), binds are kept as text, and the first db_step sends the
 *    statement with them (libpq's extended protocol, one round trip) and
 *    keeps its rows; later steps walk them. A boolean column reads as 1/0.
 *
 * The SQL a statement carries must mean the same on both engines; where the
 * dialects differ the store names the difference once (store/dialect.h).
 *
 * Threads: a struct db and its statements belong to one thread at a time,
 * as the store's connections do (store_internal.h). */
#ifndef MOTCUA_STORE_DB_H
#define MOTCUA_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Result codes: SQLite's values, so that one name reads the same in both. */
enum {
	DB_OK = 0,
	DB_ERROR = 1,
	DB_BUSY = 5,
	DB_CONSTRAINT = 19,
	DB_FULL = 13,
	DB_ROW = 100,
	DB_DONE = 101,
};
/* A column's type (SQLite's values). */
enum { DB_INTEGER = 1, DB_FLOAT = 2, DB_TEXT = 3, DB_BLOB = 4, DB_NULL = 5 };

enum db_engine { DB_SQLITE, DB_POSTGRES };

/* How a bound text or blob is kept: DB_STATIC, the caller keeps it valid
 * until the statement is stepped or reset; DB_TRANSIENT, copied now. */
typedef void (*db_destructor)(void *);
#define DB_STATIC ((db_destructor)0)
#define DB_TRANSIENT ((db_destructor)-1)

struct db;
typedef struct db_stmt db_stmt;

/* Open flags (SQLite's meaning; PostgreSQL: READONLY makes every
 * transaction of the connection read-only). */
enum { DB_OPEN_READONLY = 1, DB_OPEN_READWRITE = 2, DB_OPEN_CREATE = 4 };

/* Whether target names a PostgreSQL database (a postgresql:// or
 * postgres:// URI, or a libpq keyword string) rather than an SQLite file. */
bool db_target_is_postgres(const char *target);
/* The name of the PostgreSQL database target names (libpq's dbname; its
 * default, the user's name, when the target gives none) into out (len
 * bytes). False when target is not a PostgreSQL one or cannot be parsed. */
bool db_target_database(const char *target, char *out, size_t len);
/* Opens a connection to target with flags. Returns DB_OK and sets *out, or
 * an error code with *out set to a connection whose db_errmsg says why (or
 * NULL when out of memory); close it either way. */
int db_open(const char *target, int flags, struct db **out);
void db_close(struct db *db);
enum db_engine db_engine(const struct db *db);
/* The engine's last error message on db, never NULL. */
const char *db_errmsg(struct db *db);
/* The last error as a DB_* code (constraint, busy, full, error). */
int db_errcode(struct db *db);
/* Whether the last error was the connection's loss, or the server refusing
 * a write because it is (now) a standby: the cases a failover causes. */
bool db_error_is_failover(struct db *db);
/* Whether db's connection is up (SQLite: always). */
bool db_connection_ok(struct db *db);
/* Connects db again with its target (PostgreSQL after a lost connection or
 * a failover: libpq tries the hosts again and, with
 * target_session_attrs=read-write, keeps the primary). DB_OK or an error.
 * SQLite: DB_OK, nothing to do. Statements of db stay usable. */
int db_reconnect(struct db *db);
/* PostgreSQL: waits up to timeout_ms for a notification (after a LISTEN run
 * with db_exec) and consumes every one that arrived: 1 when any did, 0 when
 * none, -1 when the connection failed (db_reconnect, then LISTEN again).
 * SQLite: -1. */
int db_wait_notify(struct db *db, int timeout_ms);
/* Runs one or more statements without parameters or rows. DB_OK or an
 * error (db_errmsg). */
int db_exec(struct db *db, const char *sql);
/* db_exec for statements of which only the last returns rows: the first n
 * columns of its first row as text into vals[0..n-1] (cap bytes each, ""
 * for NULL), *has_row whether it had a row (and n columns). One round trip
 * on PostgreSQL, as db_exec. DB_OK or an error (then *has_row is false). */
int db_exec_row(struct db *db, const char *sql, int n, char **vals, size_t cap, bool *has_row);
/* Whether db is inside a transaction (SQLite: not in autocommit;
 * PostgreSQL: a transaction is open, failed or not). */
bool db_in_transaction(struct db *db);
/* PostgreSQL: whether the open transaction failed (a statement's error left
 * it aborted until a ROLLBACK [TO]), known without a round trip. SQLite:
 * false. */
bool db_transaction_failed(struct db *db);
/* Rows changed by the last INSERT, UPDATE or DELETE stepped on db. */
int db_changes(struct db *db);
/* SQLite: the rowid of the last INSERT on db. PostgreSQL: lastval(), the
 * last value of a sequence taken on this connection (an identity id). */
int64_t db_last_insert_id(struct db *db);

int db_prepare(struct db *db, const char *sql, db_stmt **out);
/* Whether sql (one statement) compiles on db's engine against its schema,
 * run nowhere: DB_OK, or an error code with db_errmsg saying why. SQLite:
 * prepared and finalised. PostgreSQL: db_prepare's parameter rewrite, then
 * a real prepare on the server (PQprepare, parameter types left to the
 * server), whereas db_prepare itself sends nothing until the first step.
 * For tests that list what the store's SQL needs on an engine. */
int db_check(struct db *db, const char *sql);
void db_finalize(db_stmt *s);
/* Whether s has been stepped and not yet reset. */
bool db_stmt_busy(db_stmt *s);
int db_reset(db_stmt *s);
int db_clear_bindings(db_stmt *s);
int db_bind_int64(db_stmt *s, int i, int64_t v);
int db_bind_int(db_stmt *s, int i, int v);
int db_bind_double(db_stmt *s, int i, double v);
int db_bind_text(db_stmt *s, int i, const char *v, int len, db_destructor d);
int db_bind_blob(db_stmt *s, int i, const void *v, size_t len, db_destructor d);
int db_bind_null(db_stmt *s, int i);
/* The number of the parameter named name (":office"), 0 when none. */
int db_bind_parameter_index(db_stmt *s, const char *name);
/* DB_ROW, DB_DONE or an error code (db_errmsg on its connection). */
int db_step(db_stmt *s);
int db_column_count(db_stmt *s);
int db_column_type(db_stmt *s, int col);
int64_t db_column_int64(db_stmt *s, int col);
int db_column_int(db_stmt *s, int col);
double db_column_double(db_stmt *s, int col);
/* NULL for a NULL column; valid until the next step or reset. */
const unsigned char *db_column_text(db_stmt *s, int col);
const void *db_column_blob(db_stmt *s, int col);
int db_column_bytes(db_stmt *s, int col);

/* The engine's own handle, for the few places that are the engine's alone
 * (SQLite's online backup, PRAGMAs): NULL when db is of the other engine. */
struct sqlite3 *db_sqlite(struct db *db);
struct pg_conn *db_pg(struct db *db);

#endif
