/* The two engines behind store/db.h. SQLite's half forwards each call; the
 * PostgreSQL half (db_pg.c) keeps binds and rows itself. */
#include "store/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_pg.h"
#include "util/xmalloc.h"

struct db {
	enum db_engine engine;
	sqlite3 *lite;   /* DB_SQLITE */
	struct pgdb *pg; /* DB_POSTGRES */
};

struct db_stmt {
	struct db *db;
	sqlite3_stmt *lite;   /* DB_SQLITE */
	struct pgdb_stmt *pg; /* DB_POSTGRES */
};

bool db_target_is_postgres(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 ||
	       strncmp(target, "postgres://", 11) == 0 ||
	       (strchr(target, '=') != NULL && strchr(target, '/') == NULL);
}

bool db_target_database(const char *target, char *out, size_t len)
{
	return db_target_is_postgres(target) && pgdb_target_database(target, out, len);
}

int db_open(const char *target, int flags, struct db **out)
{
	struct db *db = xcalloc(1, sizeof *db);
	*out = db;
	if (db_target_is_postgres(target)) {
		db->engine = DB_POSTGRES;
		return pgdb_open(target, (flags & DB_OPEN_READONLY) != 0, &db->pg);
	}
	db->engine = DB_SQLITE;
	int lf = SQLITE_OPEN_NOMUTEX;
	lf |= flags & DB_OPEN_READONLY ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & DB_OPEN_CREATE)
		lf |= SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(target, &db->lite, lf, NULL);
	if (db->lite)
		sqlite3_extended_result_codes(db->lite, 1);
	return rc == SQLITE_OK ? DB_OK : DB_ERROR;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->engine == DB_SQLITE)
		sqlite3_close(db->lite);
	else
		pgdb_close(db->pg);
	free(db);
}

enum db_engine db_engine(const struct db *db)
{
	return db->engine;
}

const char *db_errmsg(struct db *db)
{
	if (db->engine == DB_POSTGRES)
		return pgdb_errmsg(db->pg);
	return db->lite ? sqlite3_errmsg(db->lite) : "out of memory";
}

int db_errcode(struct db *db)
{
	if (db->engine == DB_POSTGRES)
		return pgdb_errcode(db->pg);
	int code = sqlite3_extended_errcode(db->lite) & 0xff;
	return code == SQLITE_CONSTRAINT                      ? DB_CONSTRAINT
	       : code == SQLITE_FULL                          ? DB_FULL
	       : code == SQLITE_BUSY || code == SQLITE_LOCKED ? DB_BUSY
	                                                      : DB_ERROR;
}

bool db_error_is_failover(struct db *db)
{
	return db->engine == DB_POSTGRES && pgdb_error_is_failover(db->pg);
}

bool db_connection_ok(struct db *db)
{
	return db->engine == DB_SQLITE || pgdb_connection_ok(db->pg);
}

int db_reconnect(struct db *db)
{
	return db->engine == DB_SQLITE ? DB_OK : pgdb_reconnect(db->pg);
}

int db_wait_notify(struct db *db, int timeout_ms)
{
	return db->engine == DB_SQLITE ? -1 : pgdb_wait_notify(db->pg, timeout_ms);
}

int db_exec(struct db *db, const char *sql)
{
	if (db->engine == DB_POSTGRES)
		return pgdb_exec(db->pg, sql);
	return sqlite3_exec(db->lite, sql, NULL, NULL, NULL) == SQLITE_OK ? DB_OK : DB_ERROR;
}

/* db_exec_row's state on SQLite: the first row that any statement gave. */
struct db_exec_row_ctx {
	int n;
	char **vals;
	size_t cap;
	bool *has_row;
};

static int db_exec_row_cb(void *arg, int ncols, char **vals, char **names)
{
	(void)names;
	struct db_exec_row_ctx *x = arg;
	if (*x->has_row || ncols < x->n)
		return 0;
	for (int i = 0; i < x->n; i++)
		snprintf(x->vals[i], x->cap, "%s", vals[i] ? vals[i] : "");
	*x->has_row = true;
	return 0;
}

int db_exec_row(struct db *db, const char *sql, int n, char **vals, size_t cap, bool *has_row)
{
	*has_row = false;
	if (db->engine == DB_POSTGRES)
		return pgdb_exec_row(db->pg, sql, n, vals, cap, has_row);
	struct db_exec_row_ctx x = {n, vals, cap, has_row};
	if (sqlite3_exec(db->lite, sql, db_exec_row_cb, &x, NULL) == SQLITE_OK)
		return DB_OK;
	*has_row = false;
	return DB_ERROR;
}

bool db_in_transaction(struct db *db)
{
	if (db->engine == DB_POSTGRES)
		return pgdb_in_transaction(db->pg);
	return sqlite3_get_autocommit(db->lite) == 0;
}

bool db_transaction_failed(struct db *db)
{
	return db->engine == DB_POSTGRES && pgdb_transaction_failed(db->pg);
}

int db_changes(struct db *db)
{
	return db->engine == DB_POSTGRES ? pgdb_changes(db->pg) : sqlite3_changes(db->lite);
}

int64_t db_last_insert_id(struct db *db)
{
	return db->engine == DB_POSTGRES ? pgdb_last_insert_id(db->pg)
	                                 : sqlite3_last_insert_rowid(db->lite);
}

int db_prepare(struct db *db, const char *sql, db_stmt **out)
{
	*out = NULL;
	struct db_stmt *s = xcalloc(1, sizeof *s);
	s->db = db;
	int rc;
	if (db->engine == DB_POSTGRES)
		rc = pgdb_prepare(db->pg, sql, &s->pg);
	else
		rc = sqlite3_prepare_v3(db->lite, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->lite,
		                        NULL) == SQLITE_OK
		         ? DB_OK
		         : DB_ERROR;
	if (rc != DB_OK) {
		db_finalize(s);
		return rc;
	}
	*out = s;
	return DB_OK;
}

int db_check(struct db *db, const char *sql)
{
	if (db->engine == DB_POSTGRES)
		return pgdb_check(db->pg, sql);
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(db->lite, sql, -1, &s, NULL);
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? DB_OK : DB_ERROR;
}

void db_finalize(db_stmt *s)
{
	if (s == NULL)
		return;
	if (s->lite)
		sqlite3_finalize(s->lite);
	if (s->pg)
		pgdb_finalize(s->pg);
	free(s);
}

bool db_stmt_busy(db_stmt *s)
{
	return s->pg ? pgdb_stmt_busy(s->pg) : sqlite3_stmt_busy(s->lite) != 0;
}

int db_reset(db_stmt *s)
{
	return s->pg ? pgdb_reset(s->pg) : sqlite3_reset(s->lite);
}

int db_clear_bindings(db_stmt *s)
{
	return s->pg ? pgdb_clear_bindings(s->pg) : sqlite3_clear_bindings(s->lite);
}

int db_bind_int64(db_stmt *s, int i, int64_t v)
{
	return s->pg ? pgdb_bind_int64(s->pg, i, v) : sqlite3_bind_int64(s->lite, i, v);
}

int db_bind_int(db_stmt *s, int i, int v)
{
	return db_bind_int64(s, i, v);
}

int db_bind_double(db_stmt *s, int i, double v)
{
	return s->pg ? pgdb_bind_double(s->pg, i, v) : sqlite3_bind_double(s->lite, i, v);
}

int db_bind_text(db_stmt *s, int i, const char *v, int len, db_destructor d)
{
	if (s->pg)
		return pgdb_bind_text(s->pg, i, v, len, d != DB_STATIC);
	return sqlite3_bind_text(s->lite, i, v, len,
	                         d == DB_STATIC ? SQLITE_STATIC : SQLITE_TRANSIENT);
}

int db_bind_blob(db_stmt *s, int i, const void *v, size_t len, db_destructor d)
{
	if (s->pg)
		return pgdb_bind_blob(s->pg, i, v, len, d != DB_STATIC);
	return sqlite3_bind_blob64(s->lite, i, v, len,
	                           d == DB_STATIC ? SQLITE_STATIC : SQLITE_TRANSIENT);
}

int db_bind_null(db_stmt *s, int i)
{
	return s->pg ? pgdb_bind_null(s->pg, i) : sqlite3_bind_null(s->lite, i);
}

int db_bind_parameter_index(db_stmt *s, const char *name)
{
	return s->pg ? pgdb_bind_parameter_index(s->pg, name)
	             : sqlite3_bind_parameter_index(s->lite, name);
}

int db_step(db_stmt *s)
{
	return s->pg ? pgdb_step(s->pg) : sqlite3_step(s->lite);
}

int db_column_count(db_stmt *s)
{
	return s->pg ? pgdb_column_count(s->pg) : sqlite3_column_count(s->lite);
}

int db_column_type(db_stmt *s, int col)
{
	return s->pg ? pgdb_column_type(s->pg, col) : sqlite3_column_type(s->lite, col);
}

int64_t db_column_int64(db_stmt *s, int col)
{
	return s->pg ? pgdb_column_int64(s->pg, col) : sqlite3_column_int64(s->lite, col);
}

int db_column_int(db_stmt *s, int col)
{
	return s->pg ? (int)pgdb_column_int64(s->pg, col) : sqlite3_column_int(s->lite, col);
}

double db_column_double(db_stmt *s, int col)
{
	return s->pg ? pgdb_column_double(s->pg, col) : sqlite3_column_double(s->lite, col);
}

const unsigned char *db_column_text(db_stmt *s, int col)
{
	return s->pg ? (const unsigned char *)pgdb_column_text(s->pg, col)
	             : sqlite3_column_text(s->lite, col);
}

const void *db_column_blob(db_stmt *s, int col)
{
	return s->pg ? pgdb_column_blob(s->pg, col) : sqlite3_column_blob(s->lite, col);
}

int db_column_bytes(db_stmt *s, int col)
{
	return s->pg ? pgdb_column_bytes(s->pg, col) : sqlite3_column_bytes(s->lite, col);
}

struct sqlite3 *db_sqlite(struct db *db)
{
	return db->engine == DB_SQLITE ? db->lite : NULL;
}

struct pg_conn *db_pg(struct db *db)
{
	return db->engine == DB_POSTGRES ? pgdb_conn(db->pg) : NULL;
}
