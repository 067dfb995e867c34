#include "store/dialect.h"

#include <stdio.h>
#include <string.h>

#include "store/figures.h"

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

const char *dialect_begin_tip_sql(struct db *db)
{
	return db_engine(db) == DB_POSTGRES ? "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1"
	                                    : NULL;
}

/* The candidates of dialect_print_claim_sql, without the row lock. */
#define DIALECT_PRINT_CLAIM                                                                        \
	"SELECT j.id, j.next_try_ms FROM print_jobs j"                                             \
	" WHERE j.state IN ('queued','printing') AND j.sync = 0"                                   \
	" AND (j.claimed_by IS NULL OR j.claimed_at < ?1)"                                         \
	" AND NOT EXISTS (SELECT 1 FROM print_jobs o WHERE o.printer_id = j.printer_id"            \
	"  AND o.id <> j.id AND o.sync = 0 AND o.state IN ('sending','printing')"                  \
	"  AND o.claimed_by IS NOT NULL AND o.claimed_at >= ?1)"                                   \
	" ORDER BY j.next_try_ms, j.id LIMIT 1"

const char *dialect_print_claim_sql(struct db *db)
{
	return db_engine(db) == DB_POSTGRES ? DIALECT_PRINT_CLAIM " FOR UPDATE OF j SKIP LOCKED"
	                                    : DIALECT_PRINT_CLAIM;
}

/* The candidates of dialect_notify_claim_sql, without the row lock: a
 * recipient's messages leave in the order they were written, even when an
 * earlier one waits for its back-off. */
#define DIALECT_NOTIFY_CLAIM                                                                       \
	"SELECT n.id, n.office_id, n.attempts, n.trigger, n.recipient, n.subject,"                 \
	" n.body, n.data FROM notifications n"                                                     \
	" WHERE n.state = 'queued' AND n.not_before <= ?1 AND n.channel = ?2"                      \
	" AND NOT EXISTS (SELECT 1 FROM notifications e"                                           \
	"  WHERE e.channel = n.channel AND e.recipient = n.recipient"                              \
	"  AND e.id < n.id AND e.state IN ('queued', 'sending'))"                                  \
	" ORDER BY n.id LIMIT 1"

const char *dialect_notify_claim_sql(struct db *db)
{
	return db_engine(db) == DB_POSTGRES ? DIALECT_NOTIFY_CLAIM " FOR UPDATE OF n SKIP LOCKED"
	                                    : DIALECT_NOTIFY_CLAIM;
}

const char *dialect_begin_read_sql(struct db *db)
{
	return db_engine(db) == DB_POSTGRES ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN";
}

/* ---- JSON text read by SQL ---------------------------------------------- */

/* SQL text, laid out by hand. */
/* clang-format off */

/* The setting notify_config as json, a row only when it is one. */
#define PG_NOTIFY_CONFIG "(SELECT motcua_json(value) AS j FROM settings WHERE key = 'notify_config') s"

const char *dialect_notify_consent_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT t.value #>> '{}', CASE WHEN json_typeof(c.j -> 'any_hour') = 'boolean'"
		       " AND c.j ->> 'any_hour' = 'true' THEN 1 ELSE 0 END"
		       " FROM (SELECT motcua_json(?1) AS j) c, json_array_elements(CASE WHEN"
		       " json_typeof(c.j -> 'channels') = 'array' THEN c.j -> 'channels' ELSE '[]' END)"
		       " WITH ORDINALITY t (value, n) WHERE json_typeof(t.value) = 'string' ORDER BY t.n";
	return "SELECT j.value, CASE WHEN json_valid(?1) THEN json_type(?1, '$.any_hour') = 'true'"
	       " END FROM json_each(CASE WHEN json_valid(?1) AND json_type(?1, '$.channels') ="
	       " 'array' THEN json_extract(?1, '$.channels') ELSE '[]' END) j"
	       " WHERE j.type = 'text' ORDER BY j.id";
}

/* PostgreSQL: whether member m of json j is an integer (SQLite's json_type
 * 'integer': a number without fraction or exponent), and its value when it
 * is one that bigint holds. */
#define PG_IS_INTEGER(j, m)                                                                        \
	"(json_typeof(" j " -> '" m "') = 'number' AND " j " ->> '" m "' ~ '^-?[0-9]+$')"
#define PG_INTEGER(j, m)                                                                           \
	"CASE WHEN json_typeof(" j " -> '" m "') = 'number' AND " j " ->> '" m "' ~ '^-?[0-9]{1,18}$'" \
	" THEN CAST(" j " ->> '" m "' AS BIGINT) END"
/* PostgreSQL: member m of json j when it is a string, else NULL. */
#define PG_STRING(j, m) "CASE WHEN json_typeof(" j " -> '" m "') = 'string' THEN " j " ->> '" m "' END"
/* PostgreSQL: 1 when channel c of json j is an object with a text url. */
#define PG_CHANNEL(j, c)                                                                           \
	"CASE WHEN json_typeof(" j " -> '" c "') = 'object'"                                        \
	" AND json_typeof(" j " -> '" c "' -> 'url') = 'string' THEN 1 ELSE 0 END"

const char *dialect_notify_config_scalars_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT " PG_STRING("(s.j -> 'quiet_hours')", "from") ","
		       " " PG_STRING("(s.j -> 'quiet_hours')", "to") ","
		       " CASE WHEN " PG_IS_INTEGER("s.j", "max_attempts") " THEN 1 ELSE 0 END,"
		       " " PG_INTEGER("s.j", "max_attempts") ","
		       " CASE WHEN " PG_IS_INTEGER("s.j", "reminder_days") " THEN 1 ELSE 0 END,"
		       " " PG_INTEGER("s.j", "reminder_days") ","
		       " " PG_CHANNEL("s.j", "email") ", " PG_CHANNEL("s.j", "sms") ","
		       " " PG_CHANNEL("s.j", "zalo") ","
		       " " PG_STRING("(s.j -> 'sms')", "ascii")
		       " FROM " PG_NOTIFY_CONFIG " WHERE json_typeof(s.j) = 'object'";
	return "SELECT CASE WHEN json_type(s.value, '$.quiet_hours.from') = 'text'"
	       "  THEN json_extract(s.value, '$.quiet_hours.from') END,"
	       " CASE WHEN json_type(s.value, '$.quiet_hours.to') = 'text'"
	       "  THEN json_extract(s.value, '$.quiet_hours.to') END,"
	       " json_type(s.value, '$.max_attempts') = 'integer',"
	       " json_extract(s.value, '$.max_attempts'),"
	       " json_type(s.value, '$.reminder_days') = 'integer',"
	       " json_extract(s.value, '$.reminder_days'),"
	       " json_type(s.value, '$.email') = 'object' AND json_type(s.value, '$.email.url') = "
	       "'text',"
	       " json_type(s.value, '$.sms') = 'object' AND json_type(s.value, '$.sms.url') = 'text',"
	       " json_type(s.value, '$.zalo') = 'object' AND json_type(s.value, '$.zalo.url') = "
	       "'text',"
	       " CASE WHEN json_type(s.value, '$.sms.ascii') = 'text'"
	       "  THEN json_extract(s.value, '$.sms.ascii') END"
	       " FROM settings s WHERE s.key = 'notify_config' AND json_valid(s.value)"
	       " AND json_type(s.value) = 'object'";
}

/* PostgreSQL: the members of json j when it is an object (none else). */
#define PG_MEMBERS(j) "json_each(CASE WHEN json_typeof(" j ") = 'object' THEN " j " ELSE '{}' END)"

const char *dialect_notify_config_templates_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT t.key, CASE WHEN json_typeof(t.value) = 'object' THEN "
		       PG_STRING("t.value", "text") " END,"
		       " CASE WHEN json_typeof(t.value) = 'object' THEN "
		       PG_STRING("t.value", "subject") " END, 0, 0 AS part, t.n"
		       " FROM " PG_NOTIFY_CONFIG ", " PG_MEMBERS("(s.j -> 'templates')")
		       " WITH ORDINALITY t (key, value, n)"
		       " UNION ALL SELECT z.key, NULL, NULL, 1, 1, z.n"
		       " FROM " PG_NOTIFY_CONFIG ", " PG_MEMBERS("(s.j -> 'zalo' -> 'templates')")
		       " WITH ORDINALITY z (key, value, n) WHERE json_typeof(z.value) = 'string'"
		       " ORDER BY 5, 6";
	return "SELECT t.key, CASE WHEN t.type = 'object' AND json_type(t.value, '$.text') = 'text'"
	       "  THEN json_extract(t.value, '$.text') END,"
	       " CASE WHEN t.type = 'object' AND json_type(t.value, '$.subject') = 'text'"
	       "  THEN json_extract(t.value, '$.subject') END, 0"
	       " FROM settings s, json_each(s.value, '$.templates') t"
	       " WHERE s.key = 'notify_config' AND json_valid(s.value)"
	       " AND json_type(s.value) = 'object'"
	       " UNION ALL SELECT z.key, NULL, NULL, 1"
	       " FROM settings s, json_each(s.value, '$.zalo.templates') z"
	       " WHERE s.key = 'notify_config' AND json_valid(s.value)"
	       " AND json_type(s.value) = 'object' AND json_type(s.value, '$.zalo') = 'object'"
	       " AND z.type = 'text'";
}

const char *dialect_notify_config_off_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT o.key, t.value #>> '{}' FROM " PG_NOTIFY_CONFIG ", "
		       PG_MEMBERS("(s.j -> 'triggers_off')") " WITH ORDINALITY o (key, value, n),"
		       " json_array_elements(CASE WHEN json_typeof(o.value) = 'array' THEN o.value"
		       " ELSE '[]' END) WITH ORDINALITY t (value, n)"
		       " WHERE json_typeof(t.value) = 'string' ORDER BY o.n, t.n";
	return "SELECT o.key, t.value FROM settings s, json_each(s.value, '$.triggers_off') o,"
	       " json_each(CASE WHEN o.type = 'array' THEN o.value ELSE '[]' END) t"
	       " WHERE s.key = 'notify_config' AND json_valid(s.value)"
	       " AND json_type(s.value) = 'object' AND json_type(s.value, '$.triggers_off') = 'object'"
	       " AND t.type = 'text' ORDER BY o.id, t.id";
}

/* PostgreSQL: 1 when the consent of row ?1 of table says any_hour true
 * (SQLite's json_extract gives 1 for true, and for the number 1). */
#define PG_ANY_HOUR(table)                                                                         \
	"SELECT CASE WHEN json_typeof(c.j -> 'any_hour') IN ('boolean', 'number')"                 \
	" AND c.j ->> 'any_hour' IN ('true', '1') THEN 1 ELSE 0 END"                               \
	" FROM (SELECT motcua_json(notify) AS j FROM " table " WHERE id = ?1) c"

const char *dialect_notify_any_hour_sql(struct db *db, const char *ref_kind)
{
	bool pg = db_engine(db) == DB_POSTGRES;
	if (strcmp(ref_kind, "dossier") == 0)
		return pg ? PG_ANY_HOUR("dossiers")
		          : "SELECT json_extract(notify, '$.any_hour') FROM dossiers WHERE id = ?";
	if (strcmp(ref_kind, "feedback") == 0)
		return pg ? PG_ANY_HOUR("feedback")
		          : "SELECT json_extract(notify, '$.any_hour') FROM feedback WHERE id = ?";
	if (strcmp(ref_kind, "booking") == 0)
		return pg ? PG_ANY_HOUR("bookings")
		          : "SELECT json_extract(notify, '$.any_hour') FROM bookings WHERE id = ?";
	return NULL;
}

const char *dialect_notify_dossier_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT d.code, d.applicant_name, p.name, d.due_at, d.apology_due_at,"
		       " d.apology_reason,"
		       " (SELECT string_agg(e.value ->> 'item', '; ' ORDER BY e.n)"
		       "  FROM (SELECT motcua_json(coalesce(d.pending, '[]')) AS j) l,"
		       "  json_array_elements(CASE WHEN json_typeof(l.j) = 'array' THEN l.j ELSE '[]'"
		       "  END) WITH ORDINALITY e (value, n)),"
		       " d.notify, d.applicant_phone, (SELECT " PG_STRING("a.j", "email")
		       "  FROM (SELECT motcua_json(d.applicant) AS j) a),"
		       " d.intake_office_id, coalesce(d.return_office_id, d.intake_office_id), d.id"
		       " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id WHERE d.code = ?1";
	return "SELECT d.code, d.applicant_name, p.name, d.due_at, d.apology_due_at,"
	       " d.apology_reason,"
	       " (SELECT group_concat(item, '; ') FROM (SELECT json_extract(j.value, '$.item')"
	       "  AS item FROM json_each(coalesce(d.pending, '[]')) j ORDER BY j.key)),"
	       " d.notify, d.applicant_phone, json_extract(d.applicant, '$.email'),"
	       " d.intake_office_id, coalesce(d.return_office_id, d.intake_office_id), d.id"
	       " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id WHERE d.code = ?1";
}


/* The store's own stored JSON (store/dialect.h). PostgreSQL: the text ?1 as
 * json (motcua_json), the value at SQLite's path ?2 of json j ("$[2].days"
 * read as the path {2,days}: a member is not looked for in an array, an item
 * not in an object), and SQLite's type name and json_extract value of json
 * x. */
#define PG_JSON_TEXT "motcua_json(CAST(?1 AS TEXT))"
#define PG_JSON_PATH(j)                                                                            \
	"(" j " #> string_to_array(ltrim(regexp_replace(substr(CAST(?2 AS TEXT), 2),"               \
	" '\\[([0-9]+)\\]', '.\\1', 'g'), '.'), '.'))"
#define PG_JSON_TYPE(x)                                                                            \
	"CASE json_typeof(" x ") WHEN 'string' THEN 'text' WHEN 'boolean' THEN CAST(" x " AS TEXT)"  \
	" WHEN 'number' THEN CASE WHEN CAST(" x " AS TEXT) ~ '[.eE]' THEN 'real' ELSE 'integer' END"   \
	" ELSE json_typeof(" x ") END"
#define PG_JSON_VALUE(x)                                                                           \
	"CASE json_typeof(" x ") WHEN 'boolean' THEN CASE WHEN CAST(" x " AS TEXT) = 'true'"          \
	" THEN '1' ELSE '0' END WHEN 'null' THEN NULL ELSE " x " #>> '{}' END"
/* The items of json j when it is an array, as e(v, n) in order. */
#define PG_JSON_ARRAY(j)                                                                           \
	"json_array_elements(CASE WHEN json_typeof(" j ") = 'array' THEN " j " ELSE '[]' END)"       \
	" WITH ORDINALITY AS e(v, n)"

const char *dialect_json_valid_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT CASE WHEN " PG_JSON_TEXT " IS NULL THEN 0 ELSE 1 END";
	return "SELECT json_valid(?1)";
}

const char *dialect_json_is_object_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT CASE WHEN json_typeof(" PG_JSON_TEXT ") = 'object' THEN 1 ELSE 0 END";
	return "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) = 'object' ELSE 0 END";
}

const char *dialect_json_at_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT " PG_JSON_TYPE("x.j") ", " PG_JSON_VALUE("x.j")
		       " FROM (SELECT " PG_JSON_PATH(PG_JSON_TEXT) " AS j) AS x";
	return "SELECT json_type(?1, ?2), json_extract(?1, ?2)";
}

const char *dialect_json_items_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT " PG_JSON_TYPE("e.v") ", " PG_JSON_VALUE("e.v")
		       " FROM (SELECT " PG_JSON_PATH(PG_JSON_TEXT) " AS j) AS x, " PG_JSON_ARRAY("x.j")
		       " ORDER BY e.n";
	return "SELECT type, value FROM json_each(?1, ?2)";
}

const char *dialect_json_sessions_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT CASE WHEN json_typeof(e.v) = 'object' THEN 1 ELSE 0 END,"
		       " CASE WHEN json_typeof(e.v) = 'object'"
		       "  THEN (SELECT count(*) FROM json_object_keys(e.v)) END,"
		       " CASE WHEN json_typeof(e.v -> 'start') = 'string' THEN e.v ->> 'start' END,"
		       " CASE WHEN json_typeof(e.v -> 'end') = 'string' THEN e.v ->> 'end' END,"
		       " CASE WHEN json_typeof(e.v) = 'object' AND e.v -> 'days' IS NOT NULL"
		       "  THEN 1 ELSE 0 END"
		       " FROM (SELECT " PG_JSON_TEXT " AS j) AS x, " PG_JSON_ARRAY("x.j") " ORDER BY e.n";
	return "SELECT e.type = 'object',"
	       " CASE WHEN e.type = 'object' THEN (SELECT count(*) FROM json_each(e.value)) END,"
	       " CASE WHEN e.type = 'object' THEN CASE WHEN json_type(e.value, '$.start') = 'text'"
	       "  THEN json_extract(e.value, '$.start') END END,"
	       " CASE WHEN e.type = 'object' THEN CASE WHEN json_type(e.value, '$.end') = 'text'"
	       "  THEN json_extract(e.value, '$.end') END END,"
	       " CASE WHEN e.type = 'object' THEN json_type(e.value, '$.days') IS NOT NULL"
	       "  ELSE 0 END"
	       " FROM json_each(?1) AS e";
}

const char *dialect_json_name_of_code_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT coalesce(" PG_JSON_VALUE("(e.v -> 'name')") ", '')"
		       " FROM (SELECT " PG_JSON_TEXT " AS j) AS x, " PG_JSON_ARRAY("x.j")
		       " WHERE json_typeof(e.v) = 'object'"
		       " AND " PG_JSON_VALUE("(e.v -> 'code')") " = CAST(?2 AS TEXT)"
		       " ORDER BY e.n LIMIT 1";
	return "SELECT coalesce(json_extract(value, '$.name'), '')"
	       " FROM json_each(CASE WHEN json_valid(?1) AND json_type(?1) = 'array' THEN ?1"
	       " ELSE '[]' END) WHERE json_type(value) = 'object'"
	       " AND json_extract(value, '$.code') = ?2 LIMIT 1";
}

const char *dialect_setting_text_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT CASE WHEN json_typeof(u.j) = 'string' THEN u.j #>> '{}' ELSE u.value END"
		       " FROM (SELECT value, motcua_json(value) AS j FROM settings"
		       " WHERE key = CAST(?1 AS TEXT)) u";
	return "SELECT CASE WHEN json_valid(value) AND json_type(value) = 'text'"
	       " THEN json_extract(value, '$') ELSE value END"
	       " FROM settings WHERE key = ?1";
}

const char *dialect_json_member_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT CASE WHEN json_typeof(o.j) = 'object'"
		       " AND json_typeof(o.j -> CAST(?2 AS TEXT)) IN ('string', 'number')"
		       " THEN o.j ->> CAST(?2 AS TEXT) END"
		       " FROM (SELECT motcua_json(CAST(?1 AS TEXT)) AS j) o";
	return "SELECT CASE WHEN json_valid(?1) AND json_type(?1) = 'object'"
	       " AND json_type(?1, '$.' || ?2) IN ('text', 'integer', 'real')"
	       " THEN json_extract(?1, '$.' || ?2) END";
}

const char *dialect_json_object_ints_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT m.key, CASE WHEN m.i THEN 1 ELSE 0 END,"
		       " CASE WHEN m.i AND m.t ~ '^-?[0-9]{1,18}$' THEN CAST(m.t AS BIGINT) END"
		       " FROM (SELECT e.key, e.n, e.value #>> '{}' AS t,"
		       "  json_typeof(e.value) = 'number' AND e.value #>> '{}' ~ '^-?[0-9]+$' AS i"
		       "  FROM (SELECT motcua_json(CAST(?1 AS TEXT)) AS j) o,"
		       "  json_each(CASE WHEN json_typeof(o.j) = 'object' THEN o.j ELSE '{}' END)"
		       "  WITH ORDINALITY e (key, value, n)) m ORDER BY m.n";
	return "SELECT m.key, CASE WHEN m.type = 'integer' THEN 1 ELSE 0 END,"
	       " CASE m.type WHEN 'integer' THEN m.atom END"
	       " FROM json_each(CASE WHEN json_valid(?1) AND json_type(?1) = 'object'"
	       "  THEN ?1 ELSE '{}' END) m";
}

const char *dialect_json_array_items_sql(struct db *db)
{
	if (db_engine(db) == DB_POSTGRES)
		return "SELECT CASE WHEN json_typeof(i.v -> CAST(?3 AS TEXT)) = 'string'"
		       "  THEN i.v ->> CAST(?3 AS TEXT) END,"
		       " CASE WHEN json_typeof(i.v -> CAST(?4 AS TEXT)) = 'number'"
		       "  THEN i.v ->> CAST(?4 AS TEXT) END"
		       " FROM (SELECT CASE WHEN json_typeof(o.j) = 'object'"
		       "  THEN o.j -> CAST(?2 AS TEXT) END AS a"
		       "  FROM (SELECT motcua_json(CAST(?1 AS TEXT)) AS j) o) x,"
		       " LATERAL (SELECT e.value AS v, e.n, '' AS name"
		       "  FROM json_array_elements(CASE WHEN json_typeof(x.a) = 'array' THEN x.a"
		       "  ELSE '[]' END) WITH ORDINALITY e (value, n)"
		       "  UNION ALL SELECT m.value, 0, m.key FROM json_each(CASE WHEN"
		       "  json_typeof(x.a) = 'object' THEN x.a ELSE '{}' END) m) i"
		       " ORDER BY i.n, i.name COLLATE \"C\"";
	return "SELECT CASE WHEN json_type(j.value, '$.' || ?3) = 'text'"
	       "  THEN json_extract(j.value, '$.' || ?3) END,"
	       " CASE WHEN json_type(j.value, '$.' || ?4) IN ('integer', 'real')"
	       "  THEN json_extract(j.value, '$.' || ?4) END"
	       " FROM json_each(CASE WHEN json_valid(?1) AND json_type(?1) = 'object'"
	       "  THEN ?1 ELSE '{}' END, '$.' || ?2) j ORDER BY j.key";
}

/* ---- Maintained figures ------------------------------------------------- */

/* PostgreSQL: the tokens of each table from the base tables, (key..., o,
 * tok) as FIG_TOKS_DOSSIERS, _VISITS and _TICKETS, with the triggers'
 * functions. */
#define PG_TOKS_D(kind, col, fn)                                                                   \
	"SELECT '" kind "' AS kind, fig_day(d." col ") AS k1, coalesce(d.intake_office_id, 0) AS k2," \
	" d.id AS o, " fn "(d) AS tok FROM dossiers d WHERE d." col " IS NOT NULL"
#define PG_TOKS_DOSSIERS                                                                           \
	PG_TOKS_D("a", "apology_at", "fig_tok_a") " UNION ALL "                                     \
	PG_TOKS_D("f", "finished_at", "fig_tok_f") " UNION ALL "                                    \
	PG_TOKS_D("r", "received_at", "fig_tok_r")
#define PG_TOKS_VISITS                                                                             \
	"SELECT fig_day(v.called_at) AS k1, fig_counter_office(v.counter_id) AS k2, v.id AS o,"    \
	" fig_tok_v(v) AS tok FROM visits v"
#define PG_TOKS_TICKETS                                                                            \
	"SELECT fig_day(t.issued_at) AS k1, fig_group_office(t.series_group_id) AS k2, t.id AS o," \
	" fig_tok_t(t) AS tok FROM tickets t"
/* PostgreSQL's FIG_CHUNKS: a token goes to chunk (bytes of its office day's
 * tokens before it) / FIG_CHUNK_BYTES. */
#define PG_CHUNKS(keys, toks)                                                                      \
	"SELECT " keys ", c, string_agg(tok, '' ORDER BY o) FROM (SELECT " keys ", o, tok,"         \
	" (sum(length(tok)) OVER (PARTITION BY " keys " ORDER BY o ROWS UNBOUNDED PRECEDING)"      \
	" - length(tok)) / " FIG_CHUNK_BYTES " AS c FROM (" toks ") x) y GROUP BY " keys ", c"

const char *dialect_figures_rebuild_sql(enum db_engine engine)
{
	if (engine == DB_POSTGRES)
		return "DELETE FROM fig_dossier_days; DELETE FROM fig_visit_days;"
		       " DELETE FROM fig_ticket_days; DELETE FROM fig_span;"
		       "INSERT INTO fig_dossier_days (kind, day, office_id, chunk, items) "
		       PG_CHUNKS("kind, k1, k2", PG_TOKS_DOSSIERS) ";"
		       "INSERT INTO fig_visit_days (day, office_id, chunk, items) "
		       PG_CHUNKS("k1, k2", PG_TOKS_VISITS) ";"
		       "INSERT INTO fig_ticket_days (day, office_id, chunk, items) "
		       PG_CHUNKS("k1, k2", PG_TOKS_TICKETS) ";"
		       "INSERT INTO fig_span (id, seconds) SELECT 1,"
		       " coalesce(max(finished_at - received_at), 0) FROM dossiers"
		       " WHERE finished_at IS NOT NULL AND received_at IS NOT NULL;";
	return "DELETE FROM fig_dossier_days; DELETE FROM fig_visit_days;"
	       " DELETE FROM fig_ticket_days; DELETE FROM fig_span;" FIGURES_FILL_SQL;
}

/* Keys compared as text, in the order of their text: both sides sort by
 * the same 12-digit key (ids and days are not negative). */
#define FIG_KEYTXT(k) "printf('%012d', " k ")"
#define PG_KEYTXT(k) "lpad(CAST(" k " AS TEXT), 12, '0')"

const char *dialect_figures_verify_sql(struct db *db, enum dialect_fig table, bool expected)
{
	static const char *const lite[3][2] = {
	    [DIALECT_FIG_DOSSIERS] = {
	        "SELECT kind, " FIG_KEYTXT("day") ", " FIG_KEYTXT("office_id") ","
	        " group_concat(items, '')"
	        " FROM fig_dossier_days GROUP BY kind, day, office_id ORDER BY 1, 2, 3",
	        "SELECT kind, " FIG_KEYTXT("k1") ", " FIG_KEYTXT("k2") ", items"
	        " FROM (" FIG_EXPECT_DOSSIERS ") ORDER BY 1, 2, 3"},
	    [DIALECT_FIG_VISITS] = {
	        "SELECT " FIG_KEYTXT("day") ", " FIG_KEYTXT("office_id") ", group_concat(items, '')"
	        " FROM fig_visit_days GROUP BY day, office_id ORDER BY 1, 2",
	        "SELECT " FIG_KEYTXT("k1") ", " FIG_KEYTXT("k2") ", items"
	        " FROM (" FIG_EXPECT_VISITS ") ORDER BY 1, 2"},
	    [DIALECT_FIG_TICKETS] = {
	        "SELECT " FIG_KEYTXT("day") ", " FIG_KEYTXT("office_id") ", group_concat(items, '')"
	        " FROM fig_ticket_days GROUP BY day, office_id ORDER BY 1, 2",
	        "SELECT " FIG_KEYTXT("k1") ", " FIG_KEYTXT("k2") ", items"
	        " FROM (" FIG_EXPECT_TICKETS ") ORDER BY 1, 2"},
	};
	/* PostgreSQL sorts by the numbers themselves: their text's order
	 * (12 digits), whatever the database's collation. */
	static const char *const pg[3][2] = {
	    [DIALECT_FIG_DOSSIERS] = {
	        "SELECT kind, " PG_KEYTXT("day") ", " PG_KEYTXT("office_id") ","
	        " string_agg(items, '')"
	        " FROM fig_dossier_days GROUP BY kind, day, office_id ORDER BY kind, day, office_id",
	        "SELECT kind, " PG_KEYTXT("k1") ", " PG_KEYTXT("k2") ", string_agg(tok, '')"
	        " FROM (" PG_TOKS_DOSSIERS ") x GROUP BY kind, k1, k2 ORDER BY kind, k1, k2"},
	    [DIALECT_FIG_VISITS] = {
	        "SELECT " PG_KEYTXT("day") ", " PG_KEYTXT("office_id") ", string_agg(items, '')"
	        " FROM fig_visit_days GROUP BY day, office_id ORDER BY day, office_id",
	        "SELECT " PG_KEYTXT("k1") ", " PG_KEYTXT("k2") ", string_agg(tok, '')"
	        " FROM (" PG_TOKS_VISITS ") x GROUP BY k1, k2 ORDER BY k1, k2"},
	    [DIALECT_FIG_TICKETS] = {
	        "SELECT " PG_KEYTXT("day") ", " PG_KEYTXT("office_id") ", string_agg(items, '')"
	        " FROM fig_ticket_days GROUP BY day, office_id ORDER BY day, office_id",
	        "SELECT " PG_KEYTXT("k1") ", " PG_KEYTXT("k2") ", string_agg(tok, '')"
	        " FROM (" PG_TOKS_TICKETS ") x GROUP BY k1, k2 ORDER BY k1, k2"},
	};
	return (db_engine(db) == DB_POSTGRES ? pg : lite)[table][expected ? 1 : 0];
}
/* clang-format on */
