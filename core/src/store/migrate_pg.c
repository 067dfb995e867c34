/* motcua-server migrate-to: an SQLite database copied into PostgreSQL
 * (store/migrate_pg.h).
 *
 * What is copied comes from the two schemas themselves, not from a list
 * kept here: every table of the source (sqlite_schema) must have its table
 * in the target with the same columns, and every table of the target but
 * motcua_schema (the version, written by the target's own open) must have
 * one in the source; a table added to one engine's schema and not to the
 * other's is refused loudly (migrate_schema), never skipped. The order is
 * that of the target's foreign keys (pg_constraint): a table after the
 * tables it refers to. A reference that closes a cycle (a table that refers
 * to itself, tickets.booking_id and bookings.ticket_id) is inserted as NULL
 * and set once every row is in, by id.
 *
 * The copy is a copy: the user triggers of the target (the maintained
 * figures' PL/pgSQL triggers) are disabled for its transaction, and the
 * figures tables are copied as they are, so that the target holds the
 * source's rows and nothing else, row for row (the counts compared after
 * it include them); the figures check then compares them with a
 * recomputation from the copied dossiers, visits and tickets. Disabling a
 * trigger needs the tables' owner: the role that created the schema, which
 * migrate-to itself does on an empty database. */
#include "store/migrate_pg.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/dialect.h"
#include "store/dossier.h"
#include "store/figures.h"
#include "store/schema.h"
#include "store/store.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Parameters per INSERT (PostgreSQL allows 65535), rows per INSERT, and
 * rows per INSERT of a table with a bytea column (a print job's PDF, an
 * attachment of up to a few megabytes: a batch's binds stay in memory). */
#define MIGRATE_MAX_PARAMS 20000
#define MIGRATE_MAX_ROWS 500
#define MIGRATE_BYTEA_ROWS 8

struct mcol {
	char *name;
	bool bytea;   /* the target's column is bytea */
	bool integer; /* bigint, integer or smallint */
	bool notnull;
	bool deferred;       /* a reference closing a cycle: set after the rows */
	int64_t *ids, *vals; /* deferred: (row id, value) pairs */
	size_t nvals, capvals;
};

struct mtable {
	char *name;
	struct mcol *cols;
	int ncols;
	bool in_source;
	bool identity; /* has an identity column "id" */
	bool triggers; /* has user triggers */
	bool placed;
	int64_t source_rows;
	int id_col; /* the column "id", -1 none */
};

struct mfk {
	char *child, *col, *parent;
	int nkeys;
};

struct migrate {
	const char *source, *target;
	struct db *src, *dst;
	struct mtable *t;
	size_t nt;
	struct mfk *fk;
	size_t nfk;
	size_t *order;
	size_t norder;
	struct migrate_report *rep;
	struct mc_error *err;
};

static char *quote_ident(const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_putc(&sb, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			strbuf_putc(&sb, '"');
		strbuf_putc(&sb, *p);
	}
	strbuf_putc(&sb, '"');
	return strbuf_detach(&sb, NULL);
}

static const char *col_text(db_stmt *s, int col)
{
	const unsigned char *v = db_column_text(s, col);
	return v ? (const char *)v : "";
}

static enum mc_err src_error(struct migrate *m, const char *what)
{
	return mc_failf(
	    m->err, MC_ERR_INTERNAL, "migrate_failed", "Không đọc được cơ sở dữ liệu nguồn",
	    "Reading %s (%s) failed: %s; nothing was changed", m->source, what, db_errmsg(m->src));
}

static enum mc_err dst_error(struct migrate *m, const char *what)
{
	if (db_error_is_failover(m->dst))
		return mc_failf(m->err, MC_ERR_UNAVAILABLE, "target_unreachable",
		                "Mất kết nối tới PostgreSQL",
		                "The PostgreSQL connection was lost (%s): %s; the copy's "
		                "transaction did not commit, run migrate-to again",
		                what, db_errmsg(m->dst));
	return mc_failf(m->err, MC_ERR_INTERNAL, "migrate_failed",
	                "Sao chép sang PostgreSQL thất bại",
	                "Copying into PostgreSQL failed (%s): %s; the transaction was rolled "
	                "back, the target is as it was",
	                what, db_errmsg(m->dst));
}

static struct mtable *table_named(struct migrate *m, const char *name)
{
	for (size_t i = 0; i < m->nt; i++)
		if (strcmp(m->t[i].name, name) == 0)
			return &m->t[i];
	return NULL;
}

static int col_index(const struct mtable *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return i;
	return -1;
}

/* Opens the source read-only and starts its one read transaction; checks it
 * is a motcua database of this program's schema. */
static enum mc_err open_source(struct migrate *m)
{
	if (db_open(m->source, DB_OPEN_READONLY, &m->src) != DB_OK)
		return mc_failf(m->err, MC_ERR_UNAVAILABLE, "db_open_failed",
		                "Không mở được cơ sở dữ liệu", "Cannot open %s: %s", m->source,
		                m->src ? db_errmsg(m->src) : "out of memory");
	/* The snapshot starts at the first read after BEGIN and lasts until
	 * the end: every count and row comes from it. */
	if (db_exec(m->src, "BEGIN") != DB_OK)
		return src_error(m, "BEGIN");
	int version = dialect_schema_version(m->src);
	int want = schema_step_count();
	m->rep->schema = version;
	if (version <= 0)
		return mc_failf(m->err, MC_ERR_CONFLICT, "not_a_motcua_database",
		                "Tệp không phải cơ sở dữ liệu motcua",
		                "%s is not a motcua database (%s); nothing was changed", m->source,
		                version == 0 ? "schema version 0: an empty file or another "
		                               "program's SQLite file"
		                             : db_errmsg(m->src));
	if (version < want)
		return mc_failf(m->err, MC_ERR_CONFLICT, "schema_too_old",
		                "Cơ sở dữ liệu thuộc phiên bản cũ hơn",
		                "%s is at schema %d, older than this program's %d: start the "
		                "server on it once (motcua-server serve --db %s; it upgrades the "
		                "database at start), stop it, then run migrate-to again",
		                m->source, version, want, m->source);
	if (version > want)
		return mc_failf(m->err, MC_ERR_CONFLICT, "schema_too_new",
		                "Cơ sở dữ liệu thuộc phiên bản mới hơn",
		                "%s is at schema %d, newer than this program (%d): run the "
		                "migrate-to of the newer motcua-server",
		                m->source, version, want);
	return MC_OK;
}

/* Whether why, libpq's reason for a failed connection, is the server
 * refusing the login (SQLSTATE 28P01 or 28000: a wrong password, a role it
 * does not know, no pg_hba.conf line for it). libpq keeps no SQLSTATE for a
 * connection that never opened: its text is all there is. */
static bool login_refused(const char *why)
{
	static const char *const said[] = {"password authentication failed", "no password supplied",
	                                   "authentication failed", "no pg_hba.conf entry",
	                                   "pg_hba.conf rejects connection"};
	for (size_t i = 0; i < sizeof said / sizeof *said; i++)
		if (strstr(why, said[i]))
			return true;
	const char *role = strstr(why, "role \"");
	return role && strstr(role, "\" does not exist");
}

/* Connects to the target: target_auth_failed when the server refused the
 * login, else target_unreachable. */
static enum mc_err open_target(struct migrate *m)
{
	if (db_open(m->target, DB_OPEN_READWRITE, &m->dst) == DB_OK)
		return MC_OK;
	const char *why = m->dst ? db_errmsg(m->dst) : "out of memory";
	if (login_refused(why))
		return mc_failf(m->err, MC_ERR_UNAUTHORIZED, "target_auth_failed",
		                "PostgreSQL từ chối đăng nhập",
		                "PostgreSQL refused the login: %s; nothing was changed", why);
	return mc_failf(m->err, MC_ERR_UNAVAILABLE, "target_unreachable",
	                "Không kết nối được PostgreSQL",
	                "Cannot connect to the PostgreSQL database: %s; nothing was changed", why);
}

/* The target's tables and columns (pg_catalog), its identity columns and
 * user triggers, and its foreign keys. */
static enum mc_err read_target_schema(struct migrate *m)
{
	db_stmt *s = NULL;
	if (db_prepare(m->dst,
	               "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),"
	               " a.attnotnull, a.attidentity <> '',"
	               " EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid"
	               "         AND NOT g.tgisinternal)"
	               " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	               " JOIN pg_attribute a ON a.attrelid = c.oid"
	               " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
	               " AND a.attnum > 0 AND NOT a.attisdropped"
	               " AND c.relname <> 'motcua_schema'"
	               " ORDER BY c.relname, a.attnum",
	               &s) != DB_OK)
		return dst_error(m, "tables");
	int step;
	while ((step = db_step(s)) == DB_ROW) {
		const char *tname = col_text(s, 0);
		struct mtable *t = m->nt ? &m->t[m->nt - 1] : NULL;
		if (t == NULL || strcmp(t->name, tname) != 0) {
			m->t = xreallocarray(m->t, m->nt + 1, sizeof *m->t);
			t = &m->t[m->nt++];
			memset(t, 0, sizeof *t);
			t->name = xstrdup(tname);
			t->id_col = -1;
			t->triggers = db_column_int(s, 5) != 0;
		}
		t->cols = xreallocarray(t->cols, (size_t)t->ncols + 1, sizeof *t->cols);
		struct mcol *c = &t->cols[t->ncols];
		memset(c, 0, sizeof *c);
		c->name = xstrdup(col_text(s, 1));
		const char *type = col_text(s, 2);
		c->bytea = strcmp(type, "bytea") == 0;
		c->integer = strcmp(type, "bigint") == 0 || strcmp(type, "integer") == 0 ||
		             strcmp(type, "smallint") == 0;
		c->notnull = db_column_int(s, 3) != 0;
		if (strcmp(c->name, "id") == 0) {
			t->id_col = t->ncols;
			t->identity = db_column_int(s, 4) != 0;
		}
		t->ncols++;
	}
	db_finalize(s);
	if (step != DB_DONE)
		return dst_error(m, "tables");
	if (db_prepare(m->dst,
	               "SELECT cl.relname, a.attname, pl.relname, array_length(k.conkey, 1)"
	               " FROM pg_constraint k"
	               " JOIN pg_class cl ON cl.oid = k.conrelid"
	               " JOIN pg_class pl ON pl.oid = k.confrelid"
	               " JOIN pg_namespace n ON n.oid = cl.relnamespace"
	               " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]"
	               " WHERE k.contype = 'f' AND n.nspname = current_schema()"
	               " ORDER BY 1, 2",
	               &s) != DB_OK)
		return dst_error(m, "foreign keys");
	while ((step = db_step(s)) == DB_ROW) {
		m->fk = xreallocarray(m->fk, m->nfk + 1, sizeof *m->fk);
		struct mfk *f = &m->fk[m->nfk++];
		f->child = xstrdup(col_text(s, 0));
		f->col = xstrdup(col_text(s, 1));
		f->parent = xstrdup(col_text(s, 2));
		f->nkeys = db_column_int(s, 3);
	}
	db_finalize(s);
	if (step != DB_DONE)
		return dst_error(m, "foreign keys");
	return MC_OK;
}

__attribute__((format(printf, 2, 3))) static enum mc_err schema_differs(struct migrate *m,
                                                                        const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return mc_failf(m->err, MC_ERR_CONFLICT, "migrate_schema",
	                "Lược đồ SQLite và PostgreSQL khác nhau",
	                "%s: this program's PostgreSQL schema (store/schema_pg_sql.c) and its "
	                "SQLite schema (store/schema.c) differ; nothing was copied",
	                what);
}

/* Every source table and column has its target's, and the other way
 * round; counts the source's rows (the snapshot's). */
static enum mc_err match_source(struct migrate *m)
{
	db_stmt *s = NULL, *c = NULL;
	if (db_prepare(m->src,
	               "SELECT name FROM sqlite_schema WHERE type = 'table'"
	               " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
	               &s) != DB_OK)
		return src_error(m, "tables");
	enum mc_err rc = MC_OK;
	int step;
	while (rc == MC_OK && (step = db_step(s)) == DB_ROW) {
		const char *name = col_text(s, 0);
		struct mtable *t = table_named(m, name);
		if (t == NULL) {
			rc = schema_differs(
			    m, "table %s of the SQLite database has no PostgreSQL table", name);
			break;
		}
		t->in_source = true;
		int ncols = 0;
		if (db_prepare(m->src, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", &c) !=
		    DB_OK) {
			rc = src_error(m, "columns");
			break;
		}
		db_bind_text(c, 1, name, -1, DB_STATIC);
		while (rc == MC_OK && db_step(c) == DB_ROW) {
			ncols++;
			if (col_index(t, col_text(c, 0)) < 0)
				rc = schema_differs(m,
				                    "column %s.%s of the SQLite database has no "
				                    "PostgreSQL column",
				                    name, col_text(c, 0));
		}
		db_finalize(c);
		c = NULL;
		if (rc == MC_OK && ncols != t->ncols)
			rc = schema_differs(
			    m, "table %s has more columns in PostgreSQL than in SQLite", name);
		if (rc)
			break;
		char *q = quote_ident(name);
		char sql[300];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", q);
		free(q);
		if (db_prepare(m->src, sql, &c) != DB_OK || db_step(c) != DB_ROW)
			rc = src_error(m, "count");
		else
			t->source_rows = db_column_int64(c, 0);
		db_finalize(c);
		c = NULL;
	}
	db_finalize(s);
	for (size_t i = 0; rc == MC_OK && i < m->nt; i++)
		if (!m->t[i].in_source)
			rc = schema_differs(m, "table %s of PostgreSQL has no SQLite table",
			                    m->t[i].name);
	return rc;
}

/* The copy's order: a table after those it refers to. A reference that
 * closes a cycle is deferred: it must be nullable and its table have an id
 * to set it by, else the copy is refused. */
static enum mc_err plan_order(struct migrate *m)
{
	m->order = xcalloc(m->nt ? m->nt : 1, sizeof *m->order);
	for (size_t i = 0; i < m->nfk; i++) {
		struct mfk *f = &m->fk[i];
		struct mtable *t = table_named(m, f->child);
		if (t == NULL || table_named(m, f->parent) == NULL || f->nkeys != 1)
			return schema_differs(m,
			                      "foreign key %s.%s is not one column between two "
			                      "tables the copy knows",
			                      f->child, f->col);
		/* A table that refers to itself: always set afterwards. */
		if (strcmp(f->child, f->parent) == 0)
			t->cols[col_index(t, f->col)].deferred = true;
	}
	while (m->norder < m->nt) {
		size_t pick = m->nt;
		/* The first table (by name) whose references are all placed. */
		for (size_t i = 0; i < m->nt && pick == m->nt; i++) {
			struct mtable *t = &m->t[i];
			if (t->placed)
				continue;
			bool ready = true;
			for (size_t k = 0; k < m->nfk && ready; k++) {
				struct mfk *f = &m->fk[k];
				if (strcmp(f->child, t->name) != 0 ||
				    strcmp(f->parent, t->name) == 0)
					continue;
				if (!table_named(m, f->parent)->placed)
					ready = false;
			}
			if (ready)
				pick = i;
		}
		/* A cycle: the first table whose references to unplaced tables
		 * are all nullable goes now, those references deferred. */
		for (size_t i = 0; i < m->nt && pick == m->nt; i++) {
			struct mtable *t = &m->t[i];
			if (t->placed || t->id_col < 0)
				continue;
			bool ok = true;
			for (size_t k = 0; k < m->nfk && ok; k++) {
				struct mfk *f = &m->fk[k];
				if (strcmp(f->child, t->name) == 0 &&
				    !table_named(m, f->parent)->placed &&
				    t->cols[col_index(t, f->col)].notnull)
					ok = false;
			}
			if (!ok)
				continue;
			for (size_t k = 0; k < m->nfk; k++) {
				struct mfk *f = &m->fk[k];
				if (strcmp(f->child, t->name) == 0 &&
				    !table_named(m, f->parent)->placed)
					t->cols[col_index(t, f->col)].deferred = true;
			}
			pick = i;
		}
		if (pick == m->nt)
			return mc_fail(
			    m->err, MC_ERR_CONFLICT, "migrate_schema",
			    "Không xếp được thứ tự sao chép",
			    "The tables' foreign keys form a cycle through NOT NULL columns "
			    "or tables without an id: no order copies them; nothing was "
			    "copied");
		m->t[pick].placed = true;
		m->order[m->norder++] = pick;
	}
	for (size_t i = 0; i < m->nt; i++) {
		struct mtable *t = &m->t[i];
		for (int c = 0; c < t->ncols; c++)
			if (t->cols[c].deferred && t->cols[c].notnull)
				return schema_differs(
				    m,
				    "column %s.%s refers to its own table and is NOT "
				    "NULL: its rows cannot be copied in any order",
				    t->name, t->cols[c].name);
	}
	return MC_OK;
}

static enum mc_err not_empty(struct migrate *m, const char *what)
{
	return mc_failf(m->err, MC_ERR_CONFLICT, "target_not_empty",
	                "Cơ sở dữ liệu PostgreSQL đích đã có dữ liệu",
	                "The PostgreSQL database is not empty (%s); nothing was changed. Give "
	                "a new database (CREATE DATABASE …) or one with motcua's schema and no "
	                "rows",
	                what);
}

/* MC_OK when no table of the target holds rows other than those its schema
 * writes (a new schema's fig_span row at 0 seconds and its settings row
 * event_hash_v2_from), else target_not_empty naming the first that does. */
static enum mc_err target_rows_refused(struct migrate *m)
{
	for (size_t i = 0; i < m->nt; i++) {
		const char *name = m->t[i].name;
		char *q = quote_ident(name);
		char sql[400];
		const char *seed = strcmp(name, "settings") == 0
		                       ? " WHERE key <> 'event_hash_v2_from'"
		                   : strcmp(name, "fig_span") == 0 ? " WHERE seconds <> 0"
		                                                   : "";
		snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM %s%s)", q, seed);
		free(q);
		db_stmt *s = NULL;
		if (db_prepare(m->dst, sql, &s) != DB_OK || db_step(s) != DB_ROW) {
			db_finalize(s);
			return dst_error(m, "emptiness check");
		}
		bool has = db_column_int(s, 0) != 0;
		db_finalize(s);
		if (has) {
			char what[200];
			snprintf(what, sizeof what, "table %s has rows", name);
			return not_empty(m, what);
		}
	}
	return MC_OK;
}

/* Before anything is written: the target is a database without tables, or
 * one with motcua's schema and no rows. */
static enum mc_err check_target_empty(struct migrate *m)
{
	int version = dialect_schema_version(m->dst);
	if (version < 0)
		return dst_error(m, "schema version");
	db_stmt *s = NULL;
	if (version == 0) {
		if (db_prepare(m->dst,
		               "SELECT count(*), min(tablename) FROM pg_tables"
		               " WHERE schemaname = current_schema()",
		               &s) != DB_OK ||
		    db_step(s) != DB_ROW) {
			db_finalize(s);
			return dst_error(m, "tables");
		}
		int64_t n = db_column_int64(s, 0);
		char what[200];
		snprintf(what, sizeof what, "%" PRId64 " tables of another program, %s first", n,
		         col_text(s, 1));
		db_finalize(s);
		return n ? not_empty(m, what) : MC_OK;
	}
	enum mc_err rc = read_target_schema(m);
	return rc ? rc : target_rows_refused(m);
}

/* Binds the source's column sc of s as parameter p for target column c. */
static void bind_value(db_stmt *ins, int p, db_stmt *s, int sc, const struct mcol *c)
{
	int type = db_column_type(s, sc);
	if (type == DB_NULL || c->deferred) {
		db_bind_null(ins, p);
		return;
	}
	if (c->bytea) {
		const void *v = db_column_blob(s, sc);
		size_t n = (size_t)db_column_bytes(s, sc);
		db_bind_blob(ins, p, v ? v : "", n, DB_TRANSIENT);
		return;
	}
	if (type == DB_INTEGER && c->integer) {
		db_bind_int64(ins, p, db_column_int64(s, sc));
		return;
	}
	/* Text, and anything else as its text: the server converts it to the
	 * column's type or refuses it (never a silent change). */
	const unsigned char *v = db_column_text(s, sc);
	int n = db_column_bytes(s, sc);
	db_bind_text(ins, p, v ? (const char *)v : "", n, DB_TRANSIENT);
}

static char *insert_sql(const struct mtable *t, int rows)
{
	struct strbuf sb = STRBUF_INIT;
	char *q = quote_ident(t->name);
	strbuf_printf(&sb, "INSERT INTO %s (", q);
	free(q);
	for (int c = 0; c < t->ncols; c++) {
		q = quote_ident(t->cols[c].name);
		strbuf_printf(&sb, "%s%s", c ? ", " : "", q);
		free(q);
	}
	strbuf_puts(&sb, ") VALUES ");
	int p = 1;
	for (int r = 0; r < rows; r++) {
		strbuf_puts(&sb, r ? ", (" : "(");
		for (int c = 0; c < t->ncols; c++)
			strbuf_printf(&sb, "%s?%d", c ? ", " : "", p++);
		strbuf_putc(&sb, ')');
	}
	return strbuf_detach(&sb, NULL);
}

static void defer_value(struct mcol *c, int64_t id, int64_t v)
{
	if (c->nvals == c->capvals) {
		c->capvals = c->capvals ? 2 * c->capvals : 64;
		c->ids = xreallocarray(c->ids, c->capvals, sizeof *c->ids);
		c->vals = xreallocarray(c->vals, c->capvals, sizeof *c->vals);
	}
	c->ids[c->nvals] = id;
	c->vals[c->nvals++] = v;
}

/* Copies table t's rows from the source's snapshot, in batches of rows
 * per INSERT (fewer for a table with bytes: a print job's PDF, an
 * attachment). */
static enum mc_err copy_table(struct migrate *m, struct mtable *t)
{
	int batch = MIGRATE_MAX_PARAMS / (t->ncols ? t->ncols : 1);
	if (batch > MIGRATE_MAX_ROWS)
		batch = MIGRATE_MAX_ROWS;
	for (int c = 0; c < t->ncols; c++)
		if (t->cols[c].bytea && batch > MIGRATE_BYTEA_ROWS)
			batch = MIGRATE_BYTEA_ROWS;
	if (batch < 1)
		batch = 1;
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "SELECT ");
	for (int c = 0; c < t->ncols; c++) {
		char *q = quote_ident(t->cols[c].name);
		strbuf_printf(&sb, "%s%s", c ? ", " : "", q);
		free(q);
	}
	char *q = quote_ident(t->name);
	strbuf_printf(&sb, " FROM %s", q);
	free(q);
	db_stmt *s = NULL;
	int prc = db_prepare(m->src, sb.data, &s);
	strbuf_free(&sb);
	if (prc != DB_OK)
		return src_error(m, t->name);
	/* The snapshot's count says how many rows come: full batches, then
	 * one statement for the rest. */
	int64_t left = t->source_rows;
	enum mc_err rc = MC_OK;
	db_stmt *ins = NULL;
	int ins_rows = 0;
	while (rc == MC_OK && left > 0) {
		int n = left < batch ? (int)left : batch;
		if (ins == NULL || ins_rows != n) {
			db_finalize(ins);
			ins = NULL;
			char *sql = insert_sql(t, n);
			int r = db_prepare(m->dst, sql, &ins);
			free(sql);
			if (r != DB_OK) {
				rc = dst_error(m, t->name);
				break;
			}
			ins_rows = n;
		}
		for (int got = 0; rc == MC_OK && got < n; got++) {
			int step = db_step(s);
			if (step != DB_ROW) {
				rc = step == DB_DONE
				         ? mc_failf(m->err, MC_ERR_INTERNAL, "migrate_failed",
				                    "Nguồn thay đổi trong khi đọc",
				                    "Table %s ended before its count", t->name)
				         : src_error(m, t->name);
				break;
			}
			for (int c = 0; c < t->ncols; c++) {
				struct mcol *col = &t->cols[c];
				if (col->deferred && db_column_type(s, c) != DB_NULL)
					defer_value(col, db_column_int64(s, t->id_col),
					            db_column_int64(s, c));
				bind_value(ins, got * t->ncols + c + 1, s, c, col);
			}
		}
		if (rc)
			break;
		int step = db_step(ins);
		db_reset(ins);
		db_clear_bindings(ins);
		if (step != DB_DONE) {
			rc = dst_error(m, t->name);
			break;
		}
		m->rep->rows += n;
		left -= n;
	}
	db_finalize(ins);
	db_finalize(s);
	return rc;
}

/* "{1,2,3}": n integers as a PostgreSQL array's text. */
static char *int_array(const int64_t *v, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_putc(&sb, '{');
	for (size_t i = 0; i < n; i++)
		strbuf_printf(&sb, "%s%" PRId64, i ? "," : "", v[i]);
	strbuf_putc(&sb, '}');
	return strbuf_detach(&sb, NULL);
}

/* Sets the deferred references, by id, once every row is in. */
static enum mc_err set_deferred(struct migrate *m)
{
	for (size_t i = 0; i < m->nt; i++) {
		struct mtable *t = &m->t[i];
		for (int c = 0; c < t->ncols; c++) {
			struct mcol *col = &t->cols[c];
			if (!col->deferred || col->nvals == 0)
				continue;
			char *qt = quote_ident(t->name), *qc = quote_ident(col->name);
			char sql[600];
			snprintf(sql, sizeof sql,
			         "UPDATE %s SET %s = v.x FROM unnest(?1::bigint[], ?2::bigint[])"
			         " AS v(id, x) WHERE %s.id = v.id",
			         qt, qc, qt);
			free(qt);
			free(qc);
			for (size_t from = 0; from < col->nvals; from += 5000) {
				size_t n = col->nvals - from < 5000 ? col->nvals - from : 5000;
				db_stmt *s = NULL;
				if (db_prepare(m->dst, sql, &s) != DB_OK)
					return dst_error(m, t->name);
				char *ids = int_array(col->ids + from, n);
				char *vals = int_array(col->vals + from, n);
				db_bind_text(s, 1, ids, -1, DB_TRANSIENT);
				db_bind_text(s, 2, vals, -1, DB_TRANSIENT);
				free(ids);
				free(vals);
				int step = db_step(s);
				int changed = db_changes(m->dst);
				db_finalize(s);
				if (step != DB_DONE)
					return dst_error(m, t->name);
				if ((size_t)changed != n)
					return mc_failf(m->err, MC_ERR_INTERNAL, "migrate_failed",
					                "Sao chép sang PostgreSQL thất bại",
					                "Setting %s.%s changed %d rows of %zu; the "
					                "transaction was rolled back",
					                t->name, col->name, changed, n);
				m->rep->deferred += (int64_t)n;
			}
		}
	}
	return MC_OK;
}

/* Moves each identity sequence past the largest id copied: the next row
 * the server inserts takes max(id) + 1 (1 in an empty table). */
static enum mc_err move_sequences(struct migrate *m)
{
	for (size_t i = 0; i < m->nt; i++) {
		struct mtable *t = &m->t[i];
		if (!t->identity)
			continue;
		char *q = quote_ident(t->name);
		char sql[600];
		snprintf(sql, sizeof sql,
		         "SELECT setval(pg_get_serial_sequence(?1, 'id'), coalesce(max(id), 0) + 1,"
		         " false) FROM %s",
		         q);
		db_stmt *s = NULL;
		int step = DB_ERROR;
		if (db_prepare(m->dst, sql, &s) == DB_OK) {
			db_bind_text(s, 1, q, -1, DB_STATIC);
			step = db_step(s);
		}
		db_finalize(s);
		free(q);
		if (step != DB_ROW)
			return dst_error(m, "sequence");
	}
	return MC_OK;
}

/* Disables (on false) or enables again the user triggers of every table
 * that has some, inside the copy's transaction. */
static enum mc_err set_triggers(struct migrate *m, bool on)
{
	for (size_t i = 0; i < m->nt; i++) {
		if (!m->t[i].triggers)
			continue;
		char *q = quote_ident(m->t[i].name);
		char sql[300];
		snprintf(sql, sizeof sql, "ALTER TABLE %s %s TRIGGER USER", q,
		         on ? "ENABLE" : "DISABLE");
		free(q);
		if (db_exec(m->dst, sql) != DB_OK)
			return dst_error(m, on ? "enable triggers" : "disable triggers");
	}
	return MC_OK;
}

/* The copy's one transaction: the emptiness checked again under the event
 * lock, the schema's own rows removed, every table in order, the deferred
 * references, the sequences, COMMIT. */
static enum mc_err copy_all(struct migrate *m)
{
	if (db_exec(m->dst, "BEGIN") != DB_OK)
		return dst_error(m, "BEGIN");
	enum mc_err rc = MC_OK;
	const char *lock = dialect_event_lock_sql(m->dst);
	if (lock && db_exec(m->dst, lock) != DB_OK)
		rc = dst_error(m, "event lock");
	if (rc == MC_OK) /* again under the lock: another copy may have begun */
		rc = target_rows_refused(m);
	if (rc == MC_OK)
		rc = set_triggers(m, false);
	for (size_t i = m->norder; rc == MC_OK && i-- > 0;) {
		char *q = quote_ident(m->t[m->order[i]].name);
		char sql[300];
		snprintf(sql, sizeof sql, "DELETE FROM %s", q);
		free(q);
		if (db_exec(m->dst, sql) != DB_OK)
			rc = dst_error(m, "the schema's rows");
	}
	for (size_t i = 0; rc == MC_OK && i < m->norder; i++)
		rc = copy_table(m, &m->t[m->order[i]]);
	if (rc == MC_OK)
		rc = set_deferred(m);
	if (rc == MC_OK)
		rc = move_sequences(m);
	if (rc == MC_OK)
		rc = set_triggers(m, true);
	if (rc == MC_OK && db_exec(m->dst, "COMMIT") != DB_OK)
		rc = dst_error(m, "COMMIT");
	if (rc) {
		if (db_in_transaction(m->dst))
			db_exec(m->dst, "ROLLBACK");
		m->rep->rows = 0;
		m->rep->deferred = 0;
		return rc;
	}
	m->rep->committed = true;
	return MC_OK;
}

/* After the commit: VACUUM (ANALYZE) of the copy. A table filled in one
 * transaction has no statistics until autovacuum comes by, and the
 * planner's defaults then pick plans for empty tables (the indicators'
 * scans among them); nor are its pages marked all-visible, which the
 * covering indexes' index-only scans need. Its failure leaves the copy as
 * good as autovacuum would leave it: logged, not an error. */
static void analyze_target(struct migrate *m)
{
	if (db_exec(m->dst, "VACUUM (ANALYZE)") != DB_OK)
		log_warn("migrate-to: VACUUM (ANALYZE) of the copy failed: %s", db_errmsg(m->dst));
}

/* A check that failed after the commit: its message says so. */
static enum mc_err verify_failed(struct migrate *m, enum mc_err rc)
{
	if (m->err) {
		char msg[sizeof m->err->message_en];
		snprintf(msg, sizeof msg, "%s", m->err->message_en);
		snprintf(m->err->message_en, sizeof m->err->message_en,
		         "the copy is committed but does not verify: %.200s", msg);
	}
	return rc;
}

/* Whether err is a check's verdict rather than its SQL failing on this
 * engine (a check not yet ported to PostgreSQL). */
static bool is_verdict(const struct mc_error *e)
{
	return strcmp(e->code, "store_error") != 0 && strcmp(e->code, "db_failover") != 0;
}

/* After the commit: rows per table against the snapshot, then the target
 * opened as a store: the hash chain, the dossiers against it, the figures. */
static enum mc_err verify(struct migrate *m)
{
	struct migrate_report *rep = m->rep;
	rep->tables = xcalloc(m->norder ? m->norder : 1, sizeof *rep->tables);
	const char *first_bad = NULL;
	for (size_t i = 0; i < m->norder; i++) {
		struct mtable *t = &m->t[m->order[i]];
		struct migrate_table *r = &rep->tables[rep->ntables++];
		r->name = xstrdup(t->name);
		r->source_rows = t->source_rows;
		r->target_rows = -1;
		char *q = quote_ident(t->name);
		char sql[300];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", q);
		free(q);
		db_stmt *s = NULL;
		if (db_prepare(m->dst, sql, &s) != DB_OK || db_step(s) != DB_ROW) {
			db_finalize(s);
			return verify_failed(m, dst_error(m, "count"));
		}
		r->target_rows = db_column_int64(s, 0);
		db_finalize(s);
		if (r->target_rows != r->source_rows && first_bad == NULL)
			first_bad = r->name;
	}
	if (first_bad)
		return verify_failed(m,
		                     mc_failf(m->err, MC_ERR_CONFLICT, "migrate_count_mismatch",
		                              "Số dòng sau khi sao chép không khớp",
		                              "table %s has another number of rows in PostgreSQL "
		                              "than in the source",
		                              first_bad));
	struct store *st = NULL;
	enum mc_err rc = store_open_mode(m->target, STORE_OPEN_AS_IS_REFUSE_OLD, &st, m->err);
	if (rc == MC_OK)
		rc = store_audit_verify(st, &rep->events, m->err);
	struct mtable *events = table_named(m, "events");
	if (rc == MC_OK && events && rep->events != events->source_rows)
		rc = mc_failf(m->err, MC_ERR_CONFLICT, "migrate_count_mismatch",
		              "Số sự kiện không khớp",
		              "%" PRId64 " events verified, the source has %" PRId64, rep->events,
		              events->source_rows);
	struct mc_error e;
	if (rc == MC_OK) {
		if (store_dossier_audit(st, &rep->dossiers, &e) != MC_OK) {
			rep->dossiers = -1;
			if (is_verdict(&e)) {
				*m->err = e;
				rc = e.kind;
			} else {
				snprintf(rep->not_run, sizeof rep->not_run,
				         "dossiers against the chain (%.200s)", e.message_en);
			}
		}
	}
	if (rc == MC_OK) {
		if (figures_verify(st, &rep->figures, &e) != MC_OK) {
			rep->figures = -1;
			if (is_verdict(&e)) {
				*m->err = e;
				rc = e.kind;
			} else {
				size_t n = strlen(rep->not_run);
				snprintf(rep->not_run + n, sizeof rep->not_run - n,
				         "%smaintained figures (%.200s)", n ? "; " : "",
				         e.message_en);
			}
		}
	}
	store_close(st);
	return rc ? verify_failed(m, rc) : MC_OK;
}

/* Frees what read_target_schema read. */
static void forget_schema(struct migrate *m)
{
	for (size_t i = 0; i < m->nt; i++) {
		for (int c = 0; c < m->t[i].ncols; c++) {
			free(m->t[i].cols[c].name);
			free(m->t[i].cols[c].ids);
			free(m->t[i].cols[c].vals);
		}
		free(m->t[i].cols);
		free(m->t[i].name);
	}
	free(m->t);
	m->t = NULL;
	m->nt = 0;
	for (size_t i = 0; i < m->nfk; i++) {
		free(m->fk[i].child);
		free(m->fk[i].col);
		free(m->fk[i].parent);
	}
	free(m->fk);
	m->fk = NULL;
	m->nfk = 0;
}

enum mc_err store_migrate_to_pg(const char *source, const char *target, struct migrate_report *rep,
                                struct mc_error *err)
{
	struct mc_error local;
	if (err == NULL)
		err = &local;
	memset(rep, 0, sizeof *rep);
	rep->dossiers = rep->figures = -1;
	struct migrate m = {.source = source, .target = target, .rep = rep, .err = err};
	enum mc_err rc = open_source(&m);
	if (rc == MC_OK)
		rc = open_target(&m);
	if (rc == MC_OK)
		rc = check_target_empty(&m);
	db_close(m.dst);
	m.dst = NULL;
	/* The schema by the store's own open (a new database gets it; one
	 * that has it is left as it is, a newer one refused). */
	if (rc == MC_OK) {
		struct store *st = NULL;
		rc = store_open_mode(target, STORE_OPEN_CREATE, &st, err);
		store_close(st);
	}
	if (rc == MC_OK)
		rc = open_target(&m);
	forget_schema(&m); /* read again once the schema surely is there */
	if (rc == MC_OK)
		rc = read_target_schema(&m);
	if (rc == MC_OK)
		rc = match_source(&m);
	if (rc == MC_OK)
		rc = plan_order(&m);
	if (rc == MC_OK)
		rc = copy_all(&m);
	if (rc == MC_OK)
		analyze_target(&m);
	if (rc == MC_OK)
		rc = verify(&m);
	if (m.src && db_in_transaction(m.src))
		db_exec(m.src, "ROLLBACK");
	db_close(m.src);
	db_close(m.dst);
	forget_schema(&m);
	free(m.order);
	return rc;
}

void migrate_report_free(struct migrate_report *rep)
{
	for (size_t i = 0; i < rep->ntables; i++)
		free(rep->tables[i].name);
	free(rep->tables);
	rep->tables = NULL;
	rep->ntables = 0;
}
