/* The ordered migration steps of the database schema. */
#ifndef MOTCUA_SCHEMA_H
#define MOTCUA_SCHEMA_H

#include "util/error.h"

/* Step n (1-based) as SQL text, or NULL when there is no such step. */
const char *schema_step(int n);
int schema_step_count(void);

/* PostgreSQL (schema_pg.c). A new database gets the whole schema of this
 * program at once: schema_pg_step(0, schema_step_count()). An existing one
 * gets the steps after its version; NULL when this program has no such
 * step for PostgreSQL. */
const char *schema_pg_step(int from, int n);
struct store_conn;
/* Inside the migration's transaction: waits for the database's migration
 * lock (an advisory lock: two servers starting at once migrate one after
 * the other) and reads the schema version again into *version, since the
 * other may have migrated meanwhile. */
enum mc_err schema_pg_lock(struct store_conn *c, int *version, struct mc_error *err);

#endif
