/* PostgreSQL's schema: the tables, indexes and maintained figures of the
 * SQLite schema's last step (schema.c), written in PostgreSQL's words
 * (identity ids, bigint instants, PL/pgSQL triggers). A database made here is
 * at schema_step_count(); later steps are added to both. */
#include "store/schema.h"

#include "store/dialect.h"
#include "store/store_internal.h"

/* The advisory lock's key: "motcua" read as digits, any constant would do
 * as long as it never changes. */
#define SCHEMA_PG_LOCK "SELECT pg_advisory_xact_lock(6866827685)"

extern const char schema_pg_sql[];

/* The steps after the first PostgreSQL schema (13), each as schema.c's
 * step of the same number, in PostgreSQL's types; schema_pg_sql.c has them
 * all already for a new database. */
static const char *const schema_pg_steps[] = {
    /* 14: who claimed a print job or a message, and when (store/store.h). */
    "ALTER TABLE print_jobs ADD COLUMN claimed_by text;"
    "ALTER TABLE print_jobs ADD COLUMN claimed_at bigint;"
    "ALTER TABLE notifications ADD COLUMN claimed_by text;"
    "ALTER TABLE notifications ADD COLUMN claimed_at bigint;",
};
#define SCHEMA_PG_FIRST 13

const char *schema_pg_step(int from, int n)
{
	if (from == 0 && n == schema_step_count())
		return schema_pg_sql;
	int i = n - SCHEMA_PG_FIRST - 1;
	if (from >= SCHEMA_PG_FIRST && i >= 0 &&
	    i < (int)(sizeof schema_pg_steps / sizeof *schema_pg_steps))
		return schema_pg_steps[i];
	return NULL;
}

enum mc_err schema_pg_lock(struct store_conn *c, int *version, struct mc_error *err)
{
	enum mc_err rc = store_exec(c, SCHEMA_PG_LOCK, err);
	if (rc)
		return rc;
	int v = dialect_schema_version(c->db);
	if (v < 0)
		return store_sql_error(c, "schema version", err);
	*version = v;
	return MC_OK;
}
