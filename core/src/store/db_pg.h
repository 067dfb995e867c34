/* PostgreSQL behind store/db.h (db.c forwards to it); store files use db.h.
 * Same contracts as the db_* functions of the same name. */
#ifndef MOTCUA_STORE_DB_PG_H
#define MOTCUA_STORE_DB_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pgdb;
struct pgdb_stmt;
struct pg_conn;

bool pgdb_target_database(const char *conninfo, char *out, size_t len);
int pgdb_open(const char *conninfo, bool readonly, struct pgdb **out);
void pgdb_close(struct pgdb *db);
bool pgdb_connection_ok(struct pgdb *db);
int pgdb_reconnect(struct pgdb *db);
int pgdb_wait_notify(struct pgdb *db, int timeout_ms);
struct pg_conn *pgdb_conn(struct pgdb *db);
const char *pgdb_errmsg(struct pgdb *db);
int pgdb_errcode(struct pgdb *db);
bool pgdb_error_is_failover(struct pgdb *db);
int pgdb_exec(struct pgdb *db, const char *sql);
int pgdb_exec_row(struct pgdb *db, const char *sql, int n, char **vals, size_t cap, bool *has_row);
bool pgdb_in_transaction(struct pgdb *db);
bool pgdb_transaction_failed(struct pgdb *db);
int pgdb_changes(struct pgdb *db);
int64_t pgdb_last_insert_id(struct pgdb *db);

int pgdb_prepare(struct pgdb *db, const char *sql, struct pgdb_stmt **out);
int pgdb_check(struct pgdb *db, const char *sql);
void pgdb_finalize(struct pgdb_stmt *s);
bool pgdb_stmt_busy(struct pgdb_stmt *s);
int pgdb_reset(struct pgdb_stmt *s);
int pgdb_clear_bindings(struct pgdb_stmt *s);
int pgdb_bind_int64(struct pgdb_stmt *s, int i, int64_t v);
int pgdb_bind_double(struct pgdb_stmt *s, int i, double v);
/* copy: keep a copy (else v stays the caller's until the step). len < 0:
 * up to the NUL. */
int pgdb_bind_text(struct pgdb_stmt *s, int i, const char *v, int len, bool copy);
int pgdb_bind_blob(struct pgdb_stmt *s, int i, const void *v, size_t len, bool copy);
int pgdb_bind_null(struct pgdb_stmt *s, int i);
int pgdb_bind_parameter_index(struct pgdb_stmt *s, const char *name);
int pgdb_step(struct pgdb_stmt *s);
int pgdb_column_count(struct pgdb_stmt *s);
int pgdb_column_type(struct pgdb_stmt *s, int col);
int64_t pgdb_column_int64(struct pgdb_stmt *s, int col);
double pgdb_column_double(struct pgdb_stmt *s, int col);
const char *pgdb_column_text(struct pgdb_stmt *s, int col);
const void *pgdb_column_blob(struct pgdb_stmt *s, int col);
int pgdb_column_bytes(struct pgdb_stmt *s, int col);

/* Text PostgreSQL would refuse ("invalid byte sequence for encoding UTF8"
 * fails the statement and the transaction) where SQLite keeps the bytes:
 * a copy of v (n bytes) with each byte that starts no well-formed sequence
 * replaced by U+FFFD, so that a lookup of such a text (an office code of
 * bad bytes in a query string) finds nothing, as on SQLite. NULL when v is
 * well-formed. Text the API stores has passed its own checks first. */
char *pgdb_utf8_mended(const char *v, size_t n);

/* SQLite's parameters in sql (?NNN, ?, :name, @name, $name outside quotes
 * and comments) rewritten as $N, numbered as SQLite numbers them (a bare ?
 * or a new name takes one past the largest number so far; a name seen
 * before keeps its number). Returns the new text (caller frees), with the
 * count of parameters in *count and each name's number in names[number-1]
 * (NULL for a numbered one; an array of *count, caller frees each).
 * SQLite's index hints (INDEXED BY name) are dropped: the one rewrite of a
 * statement's words, since the hint names an index that exists on both. */
char *pgdb_params(const char *sql, int *count, char ***names);

#endif
