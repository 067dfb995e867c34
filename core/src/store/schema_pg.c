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

const char *schema_pg_step(int from, int n)
{
	if (from == 0 && n == schema_step_count())
		return schema_pg_sql;
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
