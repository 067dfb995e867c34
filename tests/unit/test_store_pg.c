/* The store on PostgreSQL beside SQLite:
 *  - a new PostgreSQL database has SQLite's schema (schema_pg_sql.c): the
 *    same tables, columns in the same order with their types, NOT NULLs,
 *    defaults and identity ids, keys, references, checks, named indexes,
 *    triggers, and seed rows;
 *  - the maintained figures' triggers (store/figures.h) write the same
 *    fig_* rows, chunk for chunk, for the same inserts, updates and deletes;
 *  - every statement of the store (tests/unit/sql_collect.h) is prepared on
 *    the server; any that does not prepare fails the test, listed grouped by
 *    PostgreSQL's error (SQL only SQLite takes belongs in store/dialect.c).
 *
 * The server: $MOTCUA_PG_URI (a libpq URI of a database whose user may
 * CREATE DATABASE), else a throwaway cluster of tests/pg/cluster started for
 * this binary and stopped at its end. Without PostgreSQL installed (the
 * cluster's exit status 2) every test is skipped. Each test makes its own
 * databases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sql_collect.h"

#include "store/db.h"
#include "store/dialect.h"
#include "store/store.h"

/* The PostgreSQL server of this run, set by group_setup. */
static struct {
	bool ok;          /* a server answers: the tests run */
	char cluster[64]; /* the throwaway cluster's folder, "" for $MOTCUA_PG_URI */
	char tmp[64];     /* this run's folder for SQLite files */
	char uri[512];    /* libpq URI of the server's postgres database */
	int databases;    /* databases made so far (their names' numbers) */
} pg;

/* tests/pg/cluster of the source tree this file was built from, into out. */
static void cluster_script(char *out, size_t len)
{
	snprintf(out, len, "%s", __FILE__);
	char *cut = strstr(out, "tests/unit/test_store_pg.c");
	assert_non_null(cut);
	snprintf(cut, len - (size_t)(cut - out), "tests/pg/cluster");
}

/* Starts a throwaway cluster in pg.cluster and reads its URI into pg.uri.
 * 0 when it runs, 2 when PostgreSQL is not installed, -1 otherwise. */
static int cluster_start(void)
{
	char script[512], cmd[700];
	cluster_script(script, sizeof script);
	snprintf(pg.cluster, sizeof pg.cluster, "/tmp/motcua-pg-XXXXXX");
	if (mkdtemp(pg.cluster) == NULL)
		return -1;
	snprintf(cmd, sizeof cmd, "%s start %s", script, pg.cluster);
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	bool got = fgets(pg.uri, sizeof pg.uri, p) != NULL;
	int status = pclose(p);
	pg.uri[strcspn(pg.uri, "\n")] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
		rmdir(pg.cluster);
		pg.cluster[0] = '\0';
		return 2;
	}
	return got && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(pg.tmp, sizeof pg.tmp, "/tmp/motcua-pgt-XXXXXX");
	if (mkdtemp(pg.tmp) == NULL)
		return -1;
	const char *uri = getenv("MOTCUA_PG_URI");
	if (uri && *uri) {
		snprintf(pg.uri, sizeof pg.uri, "%s", uri);
		pg.ok = true;
		return 0;
	}
	int rc = cluster_start();
	if (rc == 2)
		print_message("PostgreSQL is not installed: the tests are skipped\n");
	pg.ok = rc == 0;
	return rc == -1 ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	char script[512], cmd[800];
	int rc = 0;
	if (pg.cluster[0]) {
		cluster_script(script, sizeof script);
		snprintf(cmd, sizeof cmd, "%s stop %s", script, pg.cluster);
		rc = system(cmd);
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", pg.tmp);
	return system(cmd) != 0 || rc != 0 ? -1 : 0;
}

/* A new database on the server: its URI into out (len bytes). Fails the
 * test when it cannot be made. */
static void pg_database(char *out, size_t len)
{
	struct db *db = NULL;
	char sql[96], name[64];
	snprintf(name, sizeof name, "motcua_t%ld_%d", (long)getpid(), ++pg.databases);
	assert_int_equal(db_open(pg.uri, DB_OPEN_READWRITE, &db), DB_OK);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	if (db_exec(db, sql) != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(db));
	db_close(db);
	/* The server's URI names the postgres database: the new one instead. */
	const char *at = strstr(pg.uri, "/postgres");
	assert_non_null(at);
	snprintf(out, len, "%.*s/%s%s", (int)(at - pg.uri), pg.uri, name, at + strlen("/postgres"));
}

/* A new SQLite file's path in this run's folder, into out. */
static void lite_database(char *out, size_t len)
{
	static int n;
	snprintf(out, len, "%s/t%d.db", pg.tmp, ++n);
}

/* Opens target with the store (which makes its schema), closes it, and
 * opens a plain connection to it. */
static struct db *made_database(const char *target)
{
	struct store *st = NULL;
	struct mc_error err;
	if (store_open(target, &st, &err) != MC_OK)
		fail_msg("store_open %s: %s", target, err.message_en);
	store_close(st);
	struct db *db = NULL;
	if (db_open(target, DB_OPEN_READWRITE, &db) != DB_OK)
		fail_msg("db_open %s: %s", target, db ? db_errmsg(db) : "?");
	return db;
}

/* Lines of text, each a row's first column. */
struct lines {
	char **v;
	size_t n, cap;
};

static void lines_add(struct lines *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		assert_non_null(l->v);
	}
	l->v[l->n++] = strdup(s ? s : "NULL");
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static int lines_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first column of every row of sql on db, added to l, sorted. */
static void lines_query(struct db *db, const char *sql, struct lines *l)
{
	db_stmt *s = NULL;
	if (db_prepare(db, sql, &s) != DB_OK)
		fail_msg("%s\n  does not prepare: %s", sql, db_errmsg(db));
	int rc;
	while ((rc = db_step(s)) == DB_ROW)
		lines_add(l, (const char *)db_column_text(s, 0));
	if (rc != DB_DONE)
		fail_msg("%s\n  fails: %s", sql, db_errmsg(db));
	db_finalize(s);
	qsort(l->v, l->n, sizeof *l->v, lines_cmp);
}

/* The number of lines that differ between the rows of lite_sql on lite and
 * of pg_sql on pgdb (as sorted lists), each printed under what. */
static int lines_differ(const char *what, struct db *lite, const char *lite_sql, struct db *pgdb,
                        const char *pg_sql)
{
	struct lines a = {0}, b = {0};
	lines_query(lite, lite_sql, &a);
	lines_query(pgdb, pg_sql, &b);
	int differ = 0;
	size_t i = 0, j = 0;
	while (i < a.n || j < b.n) {
		int c = i == a.n ? 1 : j == b.n ? -1 : strcmp(a.v[i], b.v[j]);
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		differ++;
		if (c < 0)
			print_message("%s: SQLite only:     %s\n", what, a.v[i++]);
		else
			print_message("%s: PostgreSQL only: %s\n", what, b.v[j++]);
	}
	if (a.n == 0) {
		print_message("%s: no rows on SQLite\n", what);
		differ++;
	}
	lines_free(&a);
	lines_free(&b);
	return differ;
}

/* What the schemas are compared by: a query per engine whose rows are the
 * same lines when the schemas agree. SQLite's declared types are written
 * as the PostgreSQL types schema_pg_sql.c gives them; PostgreSQL's
 * defaults without their casts ('pdf'::text is 'pdf'). */
static const struct {
	const char *what, *lite, *pg;
} schema_views[] = {
    {"tables", "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
     "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
     " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'motcua_schema'"},
    /* A rowid table's single INTEGER PRIMARY KEY is an identity, but
     * fig_span's (always 1: no identity). */
    {"columns",
     "SELECT m.name || ' ' || (p.cid + 1) || ' ' || p.name || ' ' || CASE upper(p.type)"
     "  WHEN 'INTEGER' THEN 'bigint' WHEN 'TEXT' THEN 'text' WHEN 'BLOB' THEN 'bytea'"
     "  WHEN 'REAL' THEN 'double precision' ELSE p.type END"
     " || CASE WHEN p.\"notnull\" OR p.pk > 0 THEN ' not null' ELSE '' END"
     " || coalesce(' default ' || p.dflt_value, '')"
     " || CASE WHEN p.pk = 1 AND upper(p.type) = 'INTEGER' AND m.name <> 'fig_span'"
     "  AND m.sql NOT LIKE '%WITHOUT ROWID%'"
     "  AND NOT EXISTS (SELECT 1 FROM pragma_table_info(m.name) q WHERE q.pk > 1)"
     "  THEN ' identity' ELSE '' END"
     " FROM sqlite_schema m, pragma_table_info(m.name) p"
     " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
     "SELECT c.relname || ' ' || row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum)"
     " || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
     " || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END"
     " || coalesce(' default '"
     "  || regexp_replace(pg_get_expr(d.adbin, d.adrelid), '::[a-z ]+$', ''), '')"
     " || CASE WHEN a.attidentity = 'd' THEN ' identity' ELSE '' END"
     " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
     " JOIN pg_namespace n ON n.oid = c.relnamespace"
     " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
     " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'motcua_schema'"
     " AND a.attnum > 0 AND NOT a.attisdropped"},
    {"primary keys",
     "SELECT m.name || ' (' || (SELECT group_concat(name, ',') FROM (SELECT name"
     "  FROM pragma_table_info(m.name) WHERE pk > 0 ORDER BY pk)) || ')'"
     " FROM sqlite_schema m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
     " AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE pk > 0)",
     "SELECT t.relname || ' (' || (SELECT string_agg(a.attname, ',' ORDER BY k.ord)"
     "  FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a"
     "  ON a.attrelid = c.conrelid AND a.attnum = k.attnum) || ')'"
     " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
     " JOIN pg_namespace n ON n.oid = t.relnamespace"
     " WHERE n.nspname = current_schema() AND c.contype = 'p' AND t.relname <> 'motcua_schema'"},
    {"unique constraints",
     "SELECT m.name || ' unique (' || (SELECT group_concat(name, ',') FROM (SELECT name"
     "  FROM pragma_index_info(l.name) ORDER BY seqno)) || ')'"
     " FROM sqlite_schema m, pragma_index_list(m.name) l"
     " WHERE m.type = 'table' AND l.origin = 'u'",
     "SELECT t.relname || ' unique (' || (SELECT string_agg(a.attname, ',' ORDER BY k.ord)"
     "  FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a"
     "  ON a.attrelid = c.conrelid AND a.attnum = k.attnum) || ')'"
     " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
     " JOIN pg_namespace n ON n.oid = t.relnamespace"
     " WHERE n.nspname = current_schema() AND c.contype = 'u'"},
    /* Each "CHECK (" of SQLite's table text is one check constraint. */
    {"checks",
     "SELECT name || ' ' || ((length(sql) - length(replace(upper(sql), 'CHECK (', ''))) / 7)"
     " || ' checks' FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
     "SELECT c.relname || ' ' || (SELECT count(*) FROM pg_constraint k"
     "  WHERE k.conrelid = c.oid AND k.contype = 'c') || ' checks'"
     " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
     " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'motcua_schema'"},
    {"references",
     "SELECT m.name || '.' || f.\"from\" || ' -> ' || f.\"table\" || '.' || coalesce(f.\"to\","
     "  '?') FROM sqlite_schema m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
     "SELECT t.relname || '.' || a.attname || ' -> ' || r.relname || '.' || ra.attname"
     " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
     " JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_class r ON r.oid = c.confrelid"
     " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
     " JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]"
     " WHERE n.nspname = current_schema() AND c.contype = 'f'"},
    /* Named indexes (not those of a key or UNIQUE): table, columns (an
     * expression as "(expr)"), unique, partial. */
    {"indexes",
     "SELECT m.name || ' on ' || m.tbl_name || ' (' || (SELECT group_concat(coalesce(name,"
     "  '(expr)'), ',') FROM (SELECT name FROM pragma_index_info(m.name) ORDER BY seqno))"
     " || ')' || CASE WHEN l.\"unique\" THEN ' unique' ELSE '' END"
     " || CASE WHEN l.partial THEN ' partial' ELSE '' END"
     " FROM sqlite_schema m JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name"
     " WHERE m.type = 'index' AND m.sql IS NOT NULL",
     "SELECT i.relname || ' on ' || t.relname || ' (' || (SELECT string_agg(coalesce(a.attname,"
     "  '(expr)'), ',' ORDER BY k.ord) FROM unnest(x.indkey::int2[]) WITH ORDINALITY"
     "  k(attnum, ord) LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid"
     "  AND a.attnum = k.attnum) || ')'"
     " || CASE WHEN x.indisunique THEN ' unique' ELSE '' END"
     " || CASE WHEN x.indpred IS NOT NULL THEN ' partial' ELSE '' END"
     " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
     " JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
     " WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
     "  WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u'))"},
    {"triggers", "SELECT name || ' on ' || tbl_name FROM sqlite_schema WHERE type = 'trigger'",
     "SELECT g.tgname || ' on ' || t.relname FROM pg_trigger g"
     " JOIN pg_class t ON t.oid = g.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
     " WHERE n.nspname = current_schema() AND NOT g.tgisinternal"},
    /* The rows the steps write into a new database. */
    {"settings", "SELECT key || '=' || value FROM settings",
     "SELECT key || '=' || value FROM settings"},
    {"fig_span", "SELECT id || ' ' || seconds FROM fig_span",
     "SELECT id || ' ' || seconds FROM fig_span"},
};

/* A query whose rows are "table n", the number of rows n of every table of
 * lite (a UNION ALL of counts, the same text on both engines). The caller
 * frees it. */
static char *rows_sql(struct db *lite)
{
	struct lines t = {0};
	lines_query(
	    lite,
	    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", &t);
	size_t len = 1;
	for (size_t i = 0; i < t.n; i++)
		len += 2 * strlen(t.v[i]) + 64;
	char *sql = calloc(1, len);
	assert_non_null(sql);
	for (size_t i = 0; i < t.n; i++)
		snprintf(sql + strlen(sql), len - strlen(sql), "%sSELECT '%s ' || count(*) FROM %s",
		         i ? " UNION ALL " : "", t.v[i], t.v[i]);
	lines_free(&t);
	return sql;
}

static void test_new_database_has_sqlites_schema(void **state)
{
	(void)state;
	if (!pg.ok)
		skip();
	char lite_path[128], uri[600];
	lite_database(lite_path, sizeof lite_path);
	pg_database(uri, sizeof uri);
	struct db *lite = made_database(lite_path), *pgdb = made_database(uri);
	int differ = 0;
	for (size_t i = 0; i < sizeof schema_views / sizeof *schema_views; i++)
		differ += lines_differ(schema_views[i].what, lite, schema_views[i].lite, pgdb,
		                       schema_views[i].pg);
	char *rows = rows_sql(lite);
	differ += lines_differ("rows", lite, rows, pgdb, rows);
	free(rows);
	db_close(lite);
	db_close(pgdb);
	assert_int_equal(differ, 0);
}

/* The figures' history, written with the same statements on both engines:
 * statements are sent in batches (one round trip to the server each), in
 * the order written. */
struct history {
	struct db *lite, *pgdb;
	char *sql; /* the batch not yet sent */
	size_t len, cap;
};

/* Sends h's batch to both engines; fails the test when either refuses it. */
static void history_flush(struct history *h)
{
	if (h->len == 0)
		return;
	if (db_exec(h->lite, h->sql) != DB_OK)
		fail_msg("SQLite: %.300s...\n  %s", h->sql, db_errmsg(h->lite));
	if (db_exec(h->pgdb, h->sql) != DB_OK)
		fail_msg("PostgreSQL: %.300s...\n  %s", h->sql, db_errmsg(h->pgdb));
	h->len = 0;
	h->sql[0] = '\0';
}

/* Adds the statement printed by fmt to h's batch. */
static void both(struct history *h, const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof sql - 1);
	if (h->len + (size_t)n + 2 > h->cap) {
		h->cap = (h->len + (size_t)n + 2) * 2;
		h->sql = realloc(h->sql, h->cap);
		assert_non_null(h->sql);
	}
	memcpy(h->sql + h->len, sql, (size_t)n);
	h->len += (size_t)n;
	h->sql[h->len++] = ';';
	h->sql[h->len] = '\0';
	if (h->len > 32768)
		history_flush(h);
}

/* An instant of office day 0 of the figures' history (2026-09-21 00:00 at
 * UTC+7), and the history's sizes. */
enum { FIG_T0 = 1789923600, FIG_DOSSIERS = 360, FIG_TICKETS = 600 };

/* The places, groups, counters and procedures the history's rows name; a
 * group without an office counts for office 0. */
static void figures_places(struct history *h)
{
	both(h, "INSERT INTO offices (id, code, name, kind, parent_id) VALUES"
	        " (1, 'TINH', 'Tỉnh', 'province', NULL), (2, 'C1', 'Centre 1', 'centre', 1),"
	        " (3, 'C2', 'Centre 2', 'centre', 1), (4, 'SO', 'Sở', 'authority', 1)");
	both(h, "INSERT INTO service_groups (id, office_id, code, prefix, name) VALUES"
	        " (1, 2, 'CT', 'A', 'g1'), (2, 3, 'CT', 'A', 'g2'), (3, NULL, 'X', 'X', 'g3')");
	both(h, "INSERT INTO counters (id, office_id, no, name) VALUES"
	        " (1, 2, 1, 'q1'), (2, 3, 1, 'q2'), (3, 2, 2, 'q3')");
	both(h, "INSERT INTO procedures (id, code, version, name, field, level, time_unit,"
	        " time_milli, body, created_at) VALUES"
	        " (1, 'P1', 1, 'p1', 'f', 'l', 'working_days', 3000, '{}', 0),"
	        " (2, 'P2', 1, 'p2', 'f', 'l', 'working_hours', 4000, '{}', 0)");
}

/* Tickets, each with a visit: issued, voided, served, moved to another
 * group's numbering, recalled, moved to another counter, deleted. */
static void figures_queue(struct history *h)
{
	for (int j = 1; j <= FIG_TICKETS; j++) {
		long long at = FIG_T0 + (long long)j * 200; /* over two office days */
		both(h,
		     "INSERT INTO tickets (id, service_day, series_group_id, group_id, number,"
		     " label, state, issued_at, issued_by, queue_key, queued_at) VALUES"
		     " (%d, '2026-09-21', %d, %d, %d, 'A%d', 'waiting', %lld, 'k', %d, %lld)",
		     j, 1 + j % 3, 1 + j % 3, j, j, at, j, at);
		both(h,
		     "INSERT INTO visits (id, ticket_id, counter_id, actor, queued_at, called_at,"
		     " first_called_at) VALUES (%d, %d, %d, 'u', %lld, %lld, %lld)",
		     j, j, 1 + j % 3, at, at + 60 + j % 50 * 10, at + 60 + j % 50 * 10);
	}
	for (int j = 1; j <= FIG_TICKETS; j++) {
		if (j % 4 == 0)
			both(h, "UPDATE tickets SET outcome = 'voided' WHERE id = %d", j);
		if (j % 4 == 1)
			both(h,
			     "UPDATE tickets SET state = 'done', outcome = 'served',"
			     " finished_at = issued_at + 900 WHERE id = %d",
			     j);
		if (j % 10 == 0)
			both(h, "UPDATE tickets SET series_group_id = 2 WHERE id = %d", j);
		if (j % 17 == 0) /* to the next office day */
			both(h, "UPDATE tickets SET issued_at = issued_at + 86400 WHERE id = %d",
			     j);
		if (j % 3 == 0)
			both(h,
			     "UPDATE visits SET finished_at = called_at + 300 + %d, outcome = "
			     "'served'"
			     " WHERE id = %d",
			     j, j);
		if (j % 3 == 1)
			both(h,
			     "UPDATE visits SET finished_at = called_at + 120, outcome = 'no_show'"
			     " WHERE id = %d",
			     j);
		if (j % 5 == 0)
			both(h,
			     "UPDATE visits SET recalls = recalls + 1, called_at = called_at + 30"
			     " WHERE id = %d",
			     j);
		if (j % 7 == 0)
			both(h, "UPDATE visits SET counter_id = 2 WHERE id = %d", j);
		if (j % 11 == 0) /* served before its call: no service time */
			both(h,
			     "UPDATE visits SET outcome = 'served', finished_at = called_at - 5"
			     " WHERE id = %d",
			     j);
		if (j % 13 == 0) /* an update of the columns that changes nothing */
			both(h, "UPDATE visits SET outcome = outcome WHERE id = %d", j);
		if (j % 29 == 0) {
			both(h, "DELETE FROM visits WHERE id = %d", j);
			both(h, "DELETE FROM tickets WHERE id = %d", j);
		}
	}
}

/* A dossier's column value as SQL: NULL when absent. */
static const char *sql_int(char *buf, size_t len, bool present, long long v)
{
	if (!present)
		return "NULL";
	snprintf(buf, len, "%lld", v);
	return buf;
}

/* Dossiers received (or not yet), finished in each status and timing,
 * apologised for, moved to another centre, received later, deleted. */
static void figures_dossiers(struct history *h)
{
	static const char *status[] = {"result_ready", "returned",  "returned_ineligible",
	                               "withdrawn",    "cancelled", "rejected_at_intake",
	                               "received"};
	static const char *timing[] = {"'early'", "'on_time'", "'late'", "NULL"};
	for (int i = 1; i <= FIG_DOSSIERS; i++) {
		long long at = FIG_T0 + (long long)i * 240;
		char rb[24], ob[24], ab[24];
		both(h,
		     "INSERT INTO dossiers (id, code, procedure_id, status, channel, applicant,"
		     " applicant_name, documents, intake_at, intake_by, received_at,"
		     " intake_office_id, authority_id) VALUES (%d, 'D%d', %d, 'received', '%s',"
		     " '{}', 'x', '[]', %lld, 'u', %s, %s, %s)",
		     i, i, 1 + i % 2, i % 3 == 0 ? "online" : "counter", at,
		     sql_int(rb, sizeof rb, i % 11 != 0, at + (i % 4 == 0 ? 3600 : 0)),
		     sql_int(ob, sizeof ob, i % 5 != 0, 2 + i % 2),
		     sql_int(ab, sizeof ab, i % 7 != 0, 4));
	}
	for (int i = 1; i <= FIG_DOSSIERS; i++) {
		char wb[24];
		if (i % 22 == 0)
			both(h, "UPDATE dossiers SET received_at = intake_at + 7200 WHERE id = %d",
			     i);
		if (i % 2 == 0)
			both(h,
			     "UPDATE dossiers SET status = '%s', finished_at = intake_at + %d,"
			     " timing = %s, work_seconds = %s, supplements = %d WHERE id = %d",
			     status[i % 7], 3600 * (i % 40), timing[i % 4],
			     sql_int(wb, sizeof wb, i % 6 != 0, 600L * i), i % 3, i);
		if (i % 9 == 0)
			both(h, "UPDATE dossiers SET apology_at = intake_at + 86400 WHERE id = %d",
			     i);
		if (i % 13 == 0)
			both(h, "UPDATE dossiers SET intake_office_id = 3 WHERE id = %d", i);
		if (i % 17 == 0)
			both(h, "UPDATE dossiers SET channel = 'online' WHERE id = %d", i);
		if (i % 19 == 0)
			both(h, "UPDATE dossiers SET status = status WHERE id = %d", i);
		if (i % 26 == 0) /* finished again, later */
			both(h,
			     "UPDATE dossiers SET finished_at = finished_at + 172800, timing = "
			     "'late'"
			     " WHERE id = %d",
			     i);
		if (i % 23 == 0)
			both(h, "DELETE FROM dossiers WHERE id = %d", i);
	}
}

/* The maintained rows of both, compared line by line. */
static const struct {
	const char *what, *sql;
} figure_views[] = {
    {"fig_dossier_days", "SELECT kind || ' ' || day || ' ' || office_id || ' ' || chunk || ' '"
                         " || items FROM fig_dossier_days"},
    {"fig_visit_days",
     "SELECT day || ' ' || office_id || ' ' || chunk || ' ' || items FROM fig_visit_days"},
    {"fig_ticket_days",
     "SELECT day || ' ' || office_id || ' ' || chunk || ' ' || items FROM fig_ticket_days"},
    {"fig_span", "SELECT id || ' ' || seconds FROM fig_span"},
};

/* The largest chunk number of table on db. */
static int64_t max_chunk(struct db *db, const char *table)
{
	char sql[96];
	db_stmt *s = NULL;
	snprintf(sql, sizeof sql, "SELECT max(chunk) FROM %s", table);
	assert_int_equal(db_prepare(db, sql, &s), DB_OK);
	assert_int_equal(db_step(s), DB_ROW);
	int64_t n = db_column_int64(s, 0);
	db_finalize(s);
	return n;
}

static void test_figures_triggers_write_sqlites_rows(void **state)
{
	(void)state;
	if (!pg.ok)
		skip();
	char lite_path[128], uri[600];
	lite_database(lite_path, sizeof lite_path);
	pg_database(uri, sizeof uri);
	struct db *lite = made_database(lite_path), *pgdb = made_database(uri);
	assert_int_equal(db_exec(lite, "PRAGMA foreign_keys=ON"), DB_OK);
	struct history h = {.lite = lite, .pgdb = pgdb};
	both(&h, "BEGIN");
	figures_places(&h);
	figures_queue(&h);
	figures_dossiers(&h);
	both(&h, "COMMIT");
	history_flush(&h);
	free(h.sql);
	/* The history fills more than one chunk of an office day. */
	assert_true(max_chunk(lite, "fig_dossier_days") > 0);
	assert_true(max_chunk(lite, "fig_visit_days") > 0);
	assert_true(max_chunk(lite, "fig_ticket_days") > 0);
	int differ = 0;
	for (size_t i = 0; i < sizeof figure_views / sizeof *figure_views; i++)
		differ += lines_differ(figure_views[i].what, lite, figure_views[i].sql, pgdb,
		                       figure_views[i].sql);
	db_close(lite);
	db_close(pgdb);
	assert_int_equal(differ, 0);
}

/* One statement that does not prepare on PostgreSQL. */
struct refusal {
	char *why;     /* the error's first line */
	char *where;   /* file.c:line */
	char *context; /* PostgreSQL's "LINE n: ..." line, or the statement's start */
};

static int refusal_cmp(const void *a, const void *b)
{
	const struct refusal *x = a, *y = b;
	int c = strcmp(x->why, y->why);
	return c ? c : strcmp(x->where, y->where);
}

/* The statements of sql (split at the semicolons outside literals, quoted
 * names and comments), each passed to fn with ctx. */
static void each_statement(const char *sql, void (*fn)(const char *, void *), void *ctx)
{
	size_t len = strlen(sql);
	char *buf = malloc(len + 1);
	assert_non_null(buf);
	size_t o = 0;
	for (const char *p = sql;; p++) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			buf[o++] = *p++;
			while (*p && *p != q)
				buf[o++] = *p++;
			if (*p == '\0')
				p--;
			else
				buf[o++] = *p;
			continue;
		}
		if (*p == ';' || *p == '\0') {
			buf[o] = '\0';
			if (strspn(buf, " \t\n") < o)
				fn(buf, ctx);
			o = 0;
			if (*p == '\0')
				break;
			continue;
		}
		buf[o++] = *p;
	}
	free(buf);
}

struct check_run {
	struct db *db;
	const char *where;
	int statements;
	struct refusal *r;
	size_t n, cap;
};

/* The line of msg that starts with prefix, up to its end, or NULL. */
static char *msg_line(const char *msg, const char *prefix)
{
	for (const char *p = msg; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			return strndup(p, strcspn(p, "\n"));
	return NULL;
}

static void check_one(const char *sql, void *ctx)
{
	struct check_run *run = ctx;
	run->statements++;
	if (db_check(run->db, sql) == DB_OK)
		return;
	const char *msg = db_errmsg(run->db);
	if (strncmp(msg, "ERROR:  ", 8) == 0)
		msg += 8;
	if (run->n == run->cap) {
		run->cap = run->cap ? run->cap * 2 : 64;
		run->r = realloc(run->r, run->cap * sizeof *run->r);
		assert_non_null(run->r);
	}
	struct refusal *r = &run->r[run->n++];
	r->why = strndup(msg, strcspn(msg, "\n"));
	r->where = strdup(run->where);
	r->context = msg_line(msg, "LINE ");
	if (r->context == NULL)
		r->context = strndup(sql + strspn(sql, " \n"), 90);
}

/* Prints the refusals grouped by their error, the largest group first,
 * with up to three places each. */
static void refusals_print(struct refusal *r, size_t n)
{
	if (n == 0)
		return; /* r is NULL then, which qsort may not be given */
	qsort(r, n, sizeof *r, refusal_cmp);
	size_t groups = 0;
	for (size_t i = 0; i < n; i++)
		groups += i == 0 || strcmp(r[i].why, r[i - 1].why) != 0;
	struct {
		size_t start, count;
	} *g = calloc(groups + 1, sizeof *g);
	assert_non_null(g);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(r[i].why, r[i - 1].why) != 0)
			k++;
		if (g[k].count++ == 0)
			g[k].start = i;
	}
	/* Largest first (a selection: there are few groups). */
	for (size_t done = 0; done < groups; done++) {
		size_t best = done;
		for (size_t j = done + 1; j < groups; j++)
			if (g[j].count > g[best].count)
				best = j;
		size_t start = g[best].start, count = g[best].count;
		g[best] = g[done];
		g[done].start = start;
		g[done].count = count;
		print_message("%4zu  %s\n", count, r[start].why);
		for (size_t e = 0; e < count && e < 3; e++)
			print_message("        %s: %.110s\n", r[start + e].where,
			              r[start + e].context);
	}
	free(g);
}

static void test_every_statement_prepares_on_postgresql(void **state)
{
	(void)state;
	if (!pg.ok)
		skip();
	char uri[600];
	pg_database(uri, sizeof uri);
	struct check_run run = {.db = made_database(uri)};
	struct sql_list l = {0};
	sql_collect(&l);
	for (size_t i = 0; i < l.n; i++) {
		run.where = l.where[i];
		each_statement(l.sql[i], check_one, &run);
	}
	print_message("%d statements of the store (%zu strings) prepared on PostgreSQL: %zu do "
	              "not prepare yet\n",
	              run.statements, l.n, run.n);
	refusals_print(run.r, run.n);
	size_t refused = run.n;
	for (size_t i = 0; i < run.n; i++) {
		free(run.r[i].why);
		free(run.r[i].where);
		free(run.r[i].context);
	}
	free(run.r);
	sql_list_free(&l);
	db_close(run.db);
	/* Every statement of the store prepares on both engines. */
	assert_int_equal(refused, 0);
}

/* The rows of the dialect statement sql on db with text (NULL: unbound) as
 * ?1 and arg (NULL: unbound) as ?2, each row's columns joined by '|'
 * (NULL as "NULL") and the rows by ';', into out. An error fails the test
 * on PostgreSQL, whose JSON reads never fail whatever the text; on SQLite
 * (whose json_type fails on a string item's bare text) it returns false. */
static bool json_rows(struct db *db, const char *sql, const char *text, const char *arg, char *out,
                      size_t len)
{
	db_stmt *s = NULL;
	if (db_prepare(db, sql, &s) != DB_OK)
		fail_msg("%s\n  does not prepare: %s", sql, db_errmsg(db));
	if (text)
		db_bind_text(s, 1, text, -1, DB_STATIC);
	if (arg)
		db_bind_text(s, 2, arg, -1, DB_STATIC);
	size_t o = 0;
	int rc;
	out[0] = '\0';
	while ((rc = db_step(s)) == DB_ROW)
		for (int i = 0; i < db_column_count(s); i++) {
			const char *v = (const char *)db_column_text(s, i);
			o += (size_t)snprintf(out + o, len - o, "%s%s", v ? v : "NULL",
			                      i + 1 < db_column_count(s) ? "|" : ";");
			assert_true(o < len);
		}
	if (rc != DB_DONE && db_engine(db) == DB_POSTGRES)
		fail_msg("%s\n  with %s, %s fails: %s", sql, text ? text : "NULL",
		         arg ? arg : "NULL", db_errmsg(db));
	db_finalize(s);
	return rc == DB_DONE;
}

/* Cuts the value of each row "array|…;" or "object|…;" of rows (a
 * json_rows text of type and value), leaving "array|;". */
static void json_types_only(char *rows)
{
	for (char *row = rows; *row;) {
		char *end = strchr(row, ';');
		assert_non_null(end);
		if (strncmp(row, "array|", 6) == 0 || strncmp(row, "object|", 7) == 0) {
			char *bar = strchr(row, '|');
			memmove(bar + 1, end, strlen(end) + 1);
			end = bar + 1;
		}
		row = end + 1;
	}
}

/* The stored JSON the store reads (settings, a centre's hours) reads the
 * same through PostgreSQL's statements of store/dialect.h as through
 * SQLite's: types, scalar values, items, sessions, a class by its code, and
 * text that is not JSON read as such without an error. (Not compared: an
 * array's or object's value as text, whose spacing differs, and the value
 * of a number written with an exponent, which SQLite writes out.) */
static void test_dialect_json_reads_alike(void **state)
{
	(void)state;
	if (!pg.ok)
		skip();
	char uri[600], file[128];
	pg_database(uri, sizeof uri);
	lite_database(file, sizeof file);
	struct db *pgdb = made_database(uri), *lite = made_database(file);
	static const char *const texts[] = {
	    "{}", "[]", " {\"a\": 1} ",
	    "[1, 2, \"x\", true, false, null, 1.5, -3, {\"b\": 2}, [3]]", "\"text\"", "123", "null",
	    "true", "{\"days\":[1,2,3],\"start\":\"07:30\",\"end\":\"11:30\",\"a\":{\"b\":false}}",
	    "[{\"start\":\"07:30\",\"end\":\"11:30\",\"days\":[1,2]},{\"start\":5},3,"
	    "{\"end\":\"x\",\"extra\":null,\"days\":null},\"s\",[1]]",
	    "[{\"code\":\"elderly\",\"name\":\"Người cao tuổi\"},{\"code\":\"x\"},7,"
	    "{\"code\":\"x\",\"name\":\"second\"},{\"code\":\"n\",\"name\":null}]",
	    "{\"code\":\"x\",\"name\":\"not in an array\"}",
	    /* Not JSON. */
	    "{", "[1,]", "abc", "", "{\"a\":}", "'x'", "[1] 2", "{\"a\":1,}"};
	static const char *const paths[] = {
	    "$",    "$.a",  "$.a.b", "$.days", "$.start",   "$[0]",     "$[1]",      "$[2]",
	    "$[4]", "$[5]", "$[6]",  "$[7]",   "$[0].days", "$[3].end", "$.missing", "$[9][0]"};
	static const char *const codes[] = {"elderly", "x", "n", "y", "7"};
	char a[4096], b[4096];
	int differ = 0;
#define JSON_SAME(what, sql_of, text, arg)                                                         \
	do {                                                                                       \
		bool lite_ok = json_rows(lite, sql_of(lite), text, arg, a, sizeof a);              \
		json_rows(pgdb, sql_of(pgdb), text, arg, b, sizeof b);                             \
		if (lite_ok && strcmp(a, b) != 0) {                                                \
			print_message("%s of %s at %s:\n  SQLite:     %s\n  PostgreSQL: %s\n",     \
			              what, text, arg ? arg : "-", a, b);                          \
			differ++;                                                                  \
		}                                                                                  \
	} while (0)
	for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
		const char *text = texts[t];
		JSON_SAME("valid", dialect_json_valid_sql, text, NULL);
		JSON_SAME("object", dialect_json_is_object_sql, text, NULL);
		for (size_t k = 0; k < sizeof codes / sizeof *codes; k++)
			JSON_SAME("name of code", dialect_json_name_of_code_sql, text, codes[k]);
		json_rows(lite, dialect_json_valid_sql(lite), text, NULL, a, sizeof a);
		if (strcmp(a, "1;") != 0)
			continue; /* SQLite's json_type and json_each refuse what is not JSON */
		for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
			/* A container's value is its JSON text: compare its type only. */
			json_rows(lite, dialect_json_at_sql(lite), text, paths[p], a, sizeof a);
			json_rows(pgdb, dialect_json_at_sql(pgdb), text, paths[p], b, sizeof b);
			bool container =
			    strncmp(a, "array|", 6) == 0 || strncmp(a, "object|", 7) == 0;
			if (container ? strncmp(a, b, strcspn(a, "|") + 1) != 0
			              : strcmp(a, b) != 0) {
				print_message(
				    "at of %s at %s:\n  SQLite:     %s\n  PostgreSQL: %s\n", text,
				    paths[p], a, b);
				differ++;
			}
			if (strncmp(a, "array|", 6) != 0)
				continue;
			if (strcmp(paths[p], "$") == 0)
				JSON_SAME("sessions", dialect_json_sessions_sql, text, NULL);
			json_rows(lite, dialect_json_items_sql(lite), text, paths[p], a, sizeof a);
			json_rows(pgdb, dialect_json_items_sql(pgdb), text, paths[p], b, sizeof b);
			/* Items that are containers: their type only. */
			json_types_only(a);
			json_types_only(b);
			if (strcmp(a, b) != 0) {
				print_message(
				    "items of %s at %s:\n  SQLite:     %s\n  PostgreSQL: %s\n",
				    text, paths[p], a, b);
				differ++;
			}
		}
	}
	/* A setting read as text: a JSON string's text, else as stored. */
	static const char *const settings[] = {"\"https://dvc.example.vn\"",
	                                       "https://bare.example.vn", "{\"url\":\"x\"}", "12",
	                                       "\"\""};
	for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
		struct db *both[] = {lite, pgdb};
		for (int e = 0; e < 2; e++) {
			db_stmt *s = NULL;
			assert_int_equal(
			    db_prepare(both[e],
			               "INSERT INTO settings (key, value) VALUES ('t', ?1)"
			               " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			               &s),
			    DB_OK);
			db_bind_text(s, 1, settings[i], -1, DB_STATIC);
			assert_int_equal(db_step(s), DB_DONE);
			db_finalize(s);
		}
		JSON_SAME("setting text", dialect_setting_text_sql, "t", NULL);
	}
#undef JSON_SAME
	db_close(lite);
	db_close(pgdb);
	assert_int_equal(differ, 0);
}

/* The number in the first column of sql's first row on db. */
static int64_t one_int(struct db *db, const char *sql)
{
	db_stmt *q = NULL;
	assert_int_equal(db_prepare(db, sql, &q), DB_OK);
	assert_int_equal(db_step(q), DB_ROW);
	int64_t v = db_column_int64(q, 0);
	db_finalize(q);
	return v;
}

/* A statement sent again is prepared on the server (store/db_pg.c): its
 * answers are those of the first send, a NULL where a number was is still
 * answered, a reconnection prepares it again, and finalizing it deallocates
 * it (at the connection's next command outside a transaction). */
static void test_statements_sent_again_are_prepared(void **state)
{
	(void)state;
	char uri[600];
	pg_database(uri, sizeof uri);
	struct db *db = NULL;
	assert_int_equal(db_open(uri, DB_OPEN_READWRITE, &db), DB_OK);
	const char *count = "SELECT count(*) FROM pg_prepared_statements";
	db_stmt *s = NULL;
	assert_int_equal(db_prepare(db, "SELECT ?1 + 1, coalesce(?2, 'none')", &s), DB_OK);
	for (int i = 0; i < 4; i++) {
		db_bind_int64(s, 1, 40 + i);
		if (i == 2)
			db_bind_null(s, 2);
		else
			db_bind_text(s, 2, "x", -1, DB_TRANSIENT);
		assert_int_equal(db_step(s), DB_ROW);
		assert_int_equal(db_column_int64(s, 0), 41 + i);
		assert_string_equal(db_column_text(s, 1), i == 2 ? "none" : "x");
		assert_int_equal(db_step(s), DB_DONE);
		db_reset(s);
		/* Once sent twice it is prepared: one statement on the server. */
		assert_int_equal(one_int(db, count), i == 0 ? 0 : 1);
	}
	/* A new connection has none: the next send prepares it there. */
	assert_int_equal(db_reconnect(db), DB_OK);
	assert_int_equal(one_int(db, count), 0);
	db_bind_int64(s, 1, 1);
	db_bind_text(s, 2, "y", -1, DB_TRANSIENT);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_int64(s, 0), 2);
	db_reset(s);
	assert_int_equal(one_int(db, count), 1);
	/* Finalized inside a transaction: deallocated after it. */
	assert_int_equal(db_exec(db, "BEGIN"), DB_OK);
	db_finalize(s);
	assert_int_equal(one_int(db, count), 1);
	assert_int_equal(db_exec(db, "COMMIT"), DB_OK);
	assert_int_equal(one_int(db, count), 0);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_database_has_sqlites_schema),
	    cmocka_unit_test(test_figures_triggers_write_sqlites_rows),
	    cmocka_unit_test(test_every_statement_prepares_on_postgresql),
	    cmocka_unit_test(test_dialect_json_reads_alike),
	    cmocka_unit_test(test_statements_sent_again_are_prepared),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
