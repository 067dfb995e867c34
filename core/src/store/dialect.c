#include "store/dialect.h"

#include <stdio.h>
#include <string.h>

int dialect_schema_version(struct db *db)
{
	bool pg = db_engine(db) == DB_POSTGRES;
	db_stmt *s = NULL;
	int v = -1;
	/* PostgreSQL: a database motcua never touched has no motcua_schema
	 * table (to_regclass is NULL): version 0, as SQLite's new file. */
	const char *sql = pg ? "SELECT CASE WHEN to_regclass('motcua_schema') IS NULL THEN 0"
	                       " ELSE -2 END"
	                     : "PRAGMA user_version";
	if (db_prepare(db, sql, &s) == DB_OK && db_step(s) == DB_ROW)
		v = db_column_int(s, 0);
	db_finalize(s);
	if (v == -2) {
		v = -1;
		if (db_prepare(db, "SELECT coalesce(max(version), 0) FROM motcua_schema", &s) ==
		        DB_OK &&
		    db_step(s) == DB_ROW)
			v = db_column_int(s, 0);
		db_finalize(s);
	}
	return v;
}

const char *dialect_set_schema_version_sql(struct db *db, int n, char *buf, size_t len)
{
	if (db_engine(db) == DB_POSTGRES)
		snprintf(buf, len,
		         "DELETE FROM motcua_schema; INSERT INTO motcua_schema VALUES (%d)", n);
	else
		snprintf(buf, len, "PRAGMA user_version = %d", n);
	return buf;
}

const char *dialect_quick_check_sql(struct db *db)
{
	return db_engine(db) == DB_POSTGRES ? "SELECT 'ok'" : "PRAGMA quick_check(1)";
}

const char *dialect_integrity_check_sql(struct db *db)
{
	return db_engine(db) == DB_POSTGRES ? "SELECT 'ok'" : "PRAGMA integrity_check";
}

const char *dialect_health_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT (SELECT max(version) FROM motcua_schema),"
		       " (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()),"
		       " (SELECT count(*) FROM (SELECT 1 FROM events LIMIT 1) e)";
	return "SELECT (SELECT user_version FROM pragma_user_version),"
	       " (SELECT count(*) FROM sqlite_schema),"
	       " (SELECT count(*) FROM (SELECT 1 FROM events LIMIT 1))";
}

const char *dialect_begin_sql(struct db *db)
{
	return db_engine(db) == DB_POSTGRES ? "BEGIN" : "BEGIN IMMEDIATE";
}

const char *dialect_event_lock_sql(struct db *db)
{
	/* The key: any constant that never changes, other than the schema's. */
	return db_engine(db) == DB_POSTGRES ? "SELECT pg_advisory_xact_lock(6866827601)" : NULL;
}

const char *dialect_begin_read_sql(struct db *db)
{
	return db_engine(db) == DB_POSTGRES ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN";
}
