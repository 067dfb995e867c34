/* Where SQLite and PostgreSQL differ outside the store's common SQL, each
 * difference named once. The store's queries are written in the SQL both
 * engines share; these are the engine's own parts: the schema's version,
 * its checks, how a write transaction begins. */
#ifndef MOTCUA_STORE_DIALECT_H
#define MOTCUA_STORE_DIALECT_H

#include "store/db.h"

/* The schema version of db (SQLite: PRAGMA user_version; PostgreSQL: the
 * row of motcua_schema), 0 for a database without one, -1 when it cannot
 * be read. */
int dialect_schema_version(struct db *db);
/* SQL that records version n as db's schema version, inside the
 * migration's transaction. Returns a static buffer's text (one thread: the
 * migration's). */
const char *dialect_set_schema_version_sql(struct db *db, int n, char *buf, size_t len);
/* A query whose first row's first column is "ok" when db's storage is
 * sound (SQLite: PRAGMA quick_check(1); PostgreSQL: the server answers). */
const char *dialect_quick_check_sql(struct db *db);
/* The same, the full check (SQLite: PRAGMA integrity_check). */
const char *dialect_integrity_check_sql(struct db *db);
/* A query of one row: schema version, tables in the schema, events (0 or 1):
 * the health check's reads. */
const char *dialect_health_sql(struct db *db);
/* The statement that opens the writer's transaction: SQLite takes the
 * write lock at once (BEGIN IMMEDIATE); PostgreSQL's BEGIN. */
const char *dialect_begin_sql(struct db *db);
/* The statement that opens a reader's transaction whose statements all see
 * the same moment: SQLite's BEGIN (a read transaction keeps its snapshot);
 * PostgreSQL's REPEATABLE READ (its default gives each statement its own). */
const char *dialect_begin_read_sql(struct db *db);

/* A statement that makes the caller's transaction the only one appending
 * events until it ends (PostgreSQL: an advisory transaction lock, as several
 * servers may write; SQLite: NULL, its writer is alone already). */
const char *dialect_event_lock_sql(struct db *db);

#endif
