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
/* The read of the event chain's tip sent with the batch's BEGIN where each
 * statement is a round trip (PostgreSQL); NULL where a statement is a call
 * in the process (SQLite: in the BEGIN's text it would be parsed again at
 * each batch, while the first append's read is a prepared statement kept
 * for the connection). */
const char *dialect_begin_tip_sql(struct db *db);

/* ---- The workers' claims (store/store.h, "Claims of the background
 * workers") --------------------------------------------------------------
 * The row a worker claims next, read inside the claim's write transaction.
 * On PostgreSQL the row is also locked (FOR UPDATE SKIP LOCKED): the event
 * lock taken at BEGIN already keeps two servers' claims apart, the row lock
 * keeps the row theirs even if that ever changes. SQLite has one writer. */

/* At most one row: the print job the spool handles next, (id,
 * next_try_ms): queued or printing, not the kiosk's (sync), not claimed by
 * a server since ?1 (epoch seconds: now less the lease), and of a printer
 * none of whose other jobs is claimed since ?1 (a printer's jobs leave in
 * order, one server at a time); due first, oldest first. */
const char *dialect_print_claim_sql(struct db *db);
/* At most one row: the message of channel ?2 due at ?1 the outbox sends
 * next (store_notify_claim's columns: id, office_id, attempts, trigger,
 * recipient, subject, body, data): queued, not_before ≤ ?1, whose
 * recipient has no earlier message queued or sending; oldest first. */
const char *dialect_notify_claim_sql(struct db *db);

/* ---- JSON text read by SQL ----------------------------------------------
 * SQLite reads stored JSON text with its JSON functions (json_valid,
 * json_type, json_extract, json_each); PostgreSQL with the json type, the
 * text made json by motcua_json() (schema_pg_sql.c: NULL for text that is
 * not JSON, where json_valid is false, never an error that would abort the
 * transaction). Each function returns the whole statement of one engine,
 * static text (the statement cache keys on its address). */

/* The consent ?1 (the notify text notify_consent_parse wrote): one row per
 * text member of its "channels" array, in order: (channel, any_hour), any_hour
 * 1 when the consent's "any_hour" is true. No row for a text that is not a
 * consent. */
const char *dialect_notify_consent_sql(struct db *db);
/* The setting notify_config's scalar members, one row when it is a JSON
 * object: quiet_hours.from and .to (text, else NULL), whether max_attempts
 * is an integer and its value, the same of reminder_days, whether email, sms
 * and zalo are each an object with a text url (three columns), sms.ascii
 * (text, else NULL). */
const char *dialect_notify_config_scalars_sql(struct db *db);
/* The setting notify_config's texts: (trigger, text, subject, 0) per member
 * of "templates" (text and subject when that member is an object holding
 * them as text, else NULL), then (trigger, NULL, NULL, 1) per text member of
 * "zalo"."templates". */
const char *dialect_notify_config_templates_sql(struct db *db);
/* The setting notify_config's triggers_off: (office code, trigger) per text
 * member of each office's array, offices and triggers in their order. */
const char *dialect_notify_config_off_sql(struct db *db);
/* The "any_hour" of the consent (column notify) of row ?1 of the table of
 * ref_kind ("dossier", "feedback" or "booking"): 1 when true. NULL for any
 * other ref_kind. */
const char *dialect_notify_any_hour_sql(struct db *db, const char *ref_kind);
/* A dossier's facts for its messages (store/notify_scan.c), by code ?1:
 * code, applicant's name, procedure's name, due_at, apology_due_at,
 * apology_reason, the "item" members of its pending array joined by "; "
 * in order, notify, applicant_phone, the applicant's e-mail (text, else
 * NULL), intake office, return office (else the intake office), id. */
const char *dialect_notify_dossier_sql(struct db *db);

/* The store's own stored JSON (settings, a centre's hours) through the same
 * few statements on both engines: the same parameters and columns; types
 * named as SQLite's json_type names them ('null', 'true', 'false',
 * 'integer', 'real', 'text', 'array', 'object'), values as json_extract
 * gives them (a string's text, a number, 1 or 0 for true or false, NULL for
 * null, an array or object as its JSON text, spaced as the engine keeps it).
 * A path is SQLite's: "$", "$.key", "$[2].key" (keys without quotes or
 * dots). */

/* One row: 1 when ?1 is well-formed JSON, else 0. */
const char *dialect_json_valid_sql(struct db *db);
/* One row: 1 when ?1 is a JSON object, else 0 (also when not JSON). */
const char *dialect_json_is_object_sql(struct db *db);
/* One row: the type and the value at path ?2 of the JSON text ?1 (NULLs
 * when nothing is there); ?1 must be well-formed. */
const char *dialect_json_at_sql(struct db *db);
/* A row per item of the array at path ?2 of the JSON text ?1, in order:
 * its type and value. The caller has checked that an array is there. */
const char *dialect_json_items_sql(struct db *db);
/* A row per item of the JSON array ?1 (the caller has checked it is one),
 * in order: whether it is an object (1/0); for an object, its number of
 * members, its members "start" and "end" when they are strings, and
 * whether it has a member "days" (1/0). A centre's or the province's
 * working sessions as written. */
const char *dialect_json_sessions_sql(struct db *db);
/* At most one row: the member "name" ('' when absent) of the first object
 * of the JSON array ?1 whose member "code" is ?2 (none when ?1 is not a
 * JSON array). A priority class by its code. */
const char *dialect_json_name_of_code_sql(struct db *db);
/* At most one row: the setting ?1 as text: a JSON string's text, else the
 * value as stored (a bare URL an old office's migration left). No row when
 * it is not set. */
const char *dialect_setting_text_sql(struct db *db);

/* Generic reads of a JSON text the caller passes as ?1, for the stored
 * JSON of dossiers and feedback: a text that is no JSON, or not of the
 * shape asked, reads as nothing (dialect_json_is_object_sql above says
 * whether it is an object). */
/* One row: the member named ?2 of the JSON object text ?1, a string's text
 * or a number's (NULL when ?1 is no object, has no such member, or it is
 * null). */
const char *dialect_json_member_sql(struct db *db);
/* The members of the JSON object text ?1, one row each in order: its name,
 * 1 when its value is an integer (SQLite's json_type 'integer': no fraction
 * nor exponent) else 0, and that integer when bigint holds it (else NULL).
 * No row when ?1 is no object. */
const char *dialect_json_object_ints_sql(struct db *db);
/* The items of the array that is member ?2 of the JSON object text ?1, in
 * order, one row each: the item's member named ?3 when it is a string, and
 * its member named ?4 when it is a number (each NULL otherwise, and for an
 * item that is no object). No row when there is no such member. (As SQLite's
 * json_each, an object there is walked too: its members, ordered by name.) */
const char *dialect_json_array_items_sql(struct db *db);

/* ---- Maintained figures (store/figures.h) ---------------------------------
 * SQLite computes a row's tokens with the FIG_TOK_ macros of its triggers,
 * PostgreSQL with its triggers' functions (fig_tok_r…, schema_pg_sql.c); the
 * tokens of an office day are joined by group_concat or string_agg. */
enum dialect_fig { DIALECT_FIG_DOSSIERS, DIALECT_FIG_VISITS, DIALECT_FIG_TICKETS };
/* Empties the figures' tables and fills them from dossiers, visits and
 * tickets, on engine (several statements, for db_exec). */
const char *dialect_figures_rebuild_sql(enum db_engine engine);
/* The rows figures_verify compares for table: the maintained office days
 * (expected false: every chunk of a day joined) or those recomputed from
 * the base tables (expected true). Columns: (kind for the dossiers' table,)
 * day and office id as text of 12 digits, the day's tokens; in that order. */
const char *dialect_figures_verify_sql(struct db *db, enum dialect_fig table, bool expected);

#endif
