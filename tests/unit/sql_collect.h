/* The SQL statements of the store's sources, for the tests that prepare
 * every one of them on an engine (tests/unit/test_store.c on SQLite,
 * tests/unit/test_store_pg.c on PostgreSQL). */
#ifndef MOTCUA_TEST_SQL_COLLECT_H
#define MOTCUA_TEST_SQL_COLLECT_H

#include <stddef.h>

/* Every SQL string literal of the store's sources (adjacent literals joined),
 * found by reading the .c files of core/src/store: a statement added tomorrow is tested
 * without anyone listing it. Only literals that start with an SQL verb count
 * (SELECT, INSERT, UPDATE, DELETE, WITH, REPLACE). */
struct sql_list {
	char **sql;   /* the statement's text */
	char **where; /* "file.c:line" of its first literal */
	size_t n, cap;
};

/* Fills l (zeroed by the caller) with the statements of the .c files of
 * core/src/store in the source tree this file was built from, or $MOTCUA_SOURCE's. Not the
 * engines' own SQL (schema steps, db*.c, dialect.c, schema_pg*, migrate_pg*). Fails the
 * calling cmocka test when the sources cannot be read. */
void sql_collect(struct sql_list *l);
void sql_list_free(struct sql_list *l);

#endif
