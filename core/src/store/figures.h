/* Maintained figures: the rows the indicators count, kept per office day in
 * three tables that the store's triggers update in the same transaction as
 * the change (docs/indicators.md "Maintained figures"):
 *
 *   fig_dossier_days (kind, day, office_id, chunk, items): per office day and
 *     receiving office (dossiers.intake_office_id, 0 none), one token per
 *     dossier received that day (kind 'r': <procedure,authority,online>),
 *     finished that day (kind 'f': <procedure,authority,status,timing,
 *     work_seconds,supplements,supplemented_at_intake>) or given a Mẫu 04
 *     that day (kind 'a': <procedure,authority>);
 *   fig_visit_days (day, office_id, chunk, items): per office day of the last call
 *     and the counter's office, one token per visit: <counter,half hour of
 *     the day,outcome,recalls,wait seconds,service seconds>;
 *   fig_ticket_days (day, office_id, chunk, items): per office day of issue and the
 *     numbering group's office, one token per ticket: <group,half hour,
 *     voided> (voided 1: a kiosk ticket whose print failed, outcome
 *     'voided', counted apart from the tickets issued; else 0);
 *   fig_span (one row): the longest a finished dossier took (FIG_SPAN).
 *
 * An office day's tokens are split over rows numbered by chunk (0, 1, ...),
 * each of at most about FIG_CHUNK_BYTES: a change rewrites one row of under
 * 1 kB, whatever the day already holds, so a busy day's writes cost the same
 * at its end as at its start. Readers take every chunk of the days they
 * count; the office day's tokens are those of all its chunks.
 *
 * Ownership: the rows are written only by the triggers, that is inside the
 * writer's transactions (store.c's writer lock), and read by any thread's
 * read connection (store/indicators.c) or by audit-verify.
 *
 * A token is '<' fields '>' of integers separated by ',' (an empty field is
 * NULL), so a token is found by instr() and removed exactly: the triggers
 * remove the token of the old row and add the token of the new one, on every
 * write path at once (API, import, simulation, direct inserts). The order of
 * tokens in a row means nothing. Codes: status 1 result_ready, 2 returned,
 * 3 returned_ineligible, 4 withdrawn, 5 cancelled, 6 rejected_at_intake, 0
 * other; timing 1 early, 2 on time, 3 late, 9 not kept (a row finished
 * before schema step 6: computed from the calendar); outcome 1 served, 2
 * no_show, 3 transferred, 4 removed, 0 open.
 *
 * Schema step 9 creates the tables and triggers with the SQL below and fills
 * the tables with FIGURES_FILL_SQL; a released step is never edited, so a
 * change to these macros needs a new step that drops and remakes them. */
#ifndef MOTCUA_STORE_FIGURES_H
#define MOTCUA_STORE_FIGURES_H

#include <sqlite3.h>

#include "store/db.h"
#include <stdint.h>

#include "store/store.h"
#include "util/error.h"

/* SQL text, laid out by hand. */
/* clang-format off */

/* The office day of an instant (UTC+7), as store/indicators.c counts it. */
#define FIG_DAY(r, col) "((" r "." col " + 25200) / 86400)"
#define FIG_HALF_HOUR(r, col) "(((" r "." col " + 25200) % 86400) / 1800)"

#define FIG_TOK_R(r)                                                                               \
	"('<' || " r ".procedure_id || ',' || coalesce(" r ".authority_id, 0) || ',' || (" r      \
	".channel = 'online') || '>')"
#define FIG_TOK_F(r)                                                                               \
	"('<' || " r ".procedure_id || ',' || coalesce(" r ".authority_id, 0) || ',' ||"           \
	" (CASE " r ".status WHEN 'result_ready' THEN 1 WHEN 'returned' THEN 2"                    \
	" WHEN 'returned_ineligible' THEN 3 WHEN 'withdrawn' THEN 4 WHEN 'cancelled' THEN 5"       \
	" WHEN 'rejected_at_intake' THEN 6 ELSE 0 END) || ',' ||"                                   \
	" (CASE " r ".timing WHEN 'early' THEN 1 WHEN 'on_time' THEN 2 WHEN 'late' THEN 3"         \
	" ELSE (CASE WHEN coalesce(" r ".received_at, 0) != 0 THEN 9 ELSE 2 END) END) || ',' ||"  \
	" coalesce(" r ".work_seconds, '') || ',' || " r ".supplements || ',' ||"                 \
	" (coalesce(" r ".received_at, 0) != 0 AND " r ".received_at != " r ".intake_at) || '>')"
#define FIG_TOK_A(r)                                                                               \
	"('<' || " r ".procedure_id || ',' || coalesce(" r ".authority_id, 0) || '>')"
#define FIG_TOK_V(r)                                                                               \
	"('<' || " r ".counter_id || ',' || " FIG_HALF_HOUR(r, "called_at") " || ',' ||"          \
	" (CASE " r ".outcome WHEN 'served' THEN 1 WHEN 'no_show' THEN 2 WHEN 'transferred'"       \
	" THEN 3 WHEN 'removed' THEN 4 ELSE 0 END) || ',' || " r ".recalls || ',' || (" r        \
	".called_at - " r ".queued_at) || ',' || (CASE WHEN " r ".outcome = 'served' AND"          \
	" coalesce(" r ".finished_at, 0) >= " r ".called_at THEN " r ".finished_at - " r          \
	".called_at ELSE '' END) || '>')"
#define FIG_TOK_T(r)                                                                               \
	"('<' || " r ".series_group_id || ',' || " FIG_HALF_HOUR(r, "issued_at") " || ',' ||"     \
	" (" r ".outcome IS 'voided') || '>')"
#define FIG_COUNTER_OFFICE(r)                                                                      \
	"coalesce((SELECT office_id FROM counters WHERE id = " r ".counter_id), 0)"
#define FIG_GROUP_OFFICE(r)                                                                        \
	"coalesce((SELECT office_id FROM service_groups WHERE id = " r ".series_group_id), 0)"

/* The bytes of tokens after which a row is full: the next token starts the
 * office day's next chunk. A row (key and at most FIG_CHUNK_BYTES - 1 + one
 * token of < 40 bytes) stays below 1,002 bytes, what a 4 kB page of a
 * WITHOUT ROWID table holds without an overflow page. */
#define FIG_CHUNK_BYTES "900"

/* Adds the token tok of row r to table's office day (key columns keys,
 * values vals; where selects the office day's rows), when cond holds: to
 * its last chunk (one seek on the primary key) while that holds fewer than
 * FIG_CHUNK_BYTES bytes, else to a new chunk after it. */
#define FIG_ADD(table, keys, vals, where, tok, cond)                                               \
	"INSERT INTO " table " (" keys ", chunk, items) SELECT " vals ", coalesce((SELECT chunk +"  \
	" (length(items) >= " FIG_CHUNK_BYTES ") FROM " table " WHERE " where " ORDER BY chunk"     \
	" DESC LIMIT 1), 0), " tok " WHERE " cond                                                  \
	" ON CONFLICT DO UPDATE SET items = items || excluded.items;"
/* Removes one token tok of row r from table's office day (where), when cond
 * holds: from the last chunk that holds it (tokens are not unique: exactly
 * one copy goes; a recent row's token is in the last chunks, so the search
 * stops early). A chunk left empty stays as an empty row. */
#define FIG_DEL(table, where, tok, cond)                                                           \
	"UPDATE " table " SET items = substr(items, 1, instr(items, " tok ") - 1) ||"                \
	" substr(items, instr(items, " tok ") + length(" tok ")) WHERE " cond " AND " where          \
	" AND chunk = (SELECT chunk FROM " table " WHERE " where " AND instr(items, " tok ") > 0"    \
	" ORDER BY chunk DESC LIMIT 1);"

#define FIG_D_KEYS "kind, day, office_id"
#define FIG_D_VALS(r, kind, col) "'" kind "', " FIG_DAY(r, col) ", coalesce(" r ".intake_office_id, 0)"
#define FIG_D_WHERE(r, kind, col)                                                                  \
	"kind = '" kind "' AND day = " FIG_DAY(r, col) " AND office_id = coalesce(" r                \
	".intake_office_id, 0)"
#define FIG_D_ADD1(r, kind, col, tok, also)                                                        \
	FIG_ADD("fig_dossier_days", FIG_D_KEYS, FIG_D_VALS(r, kind, col), FIG_D_WHERE(r, kind, col), \
	        tok, r "." col " IS NOT NULL" also)
#define FIG_D_DEL1(r, kind, col, tok, also)                                                        \
	FIG_DEL("fig_dossier_days", FIG_D_WHERE(r, kind, col), tok, r "." col " IS NOT NULL" also)
#define FIG_D_ADD(r)                                                                               \
	FIG_D_ADD1(r, "r", "received_at", FIG_TOK_R(r), "")                                        \
	FIG_D_ADD1(r, "f", "finished_at", FIG_TOK_F(r), "")                                        \
	FIG_D_ADD1(r, "a", "apology_at", FIG_TOK_A(r), "")
#define FIG_D_DEL(r)                                                                               \
	FIG_D_DEL1(r, "r", "received_at", FIG_TOK_R(r), "")                                        \
	FIG_D_DEL1(r, "f", "finished_at", FIG_TOK_F(r), "")                                        \
	FIG_D_DEL1(r, "a", "apology_at", FIG_TOK_A(r), "")
/* An update moves a token (removes OLD's, adds NEW's) only when its office
 * day or the token itself differs: a dossier's step that changes none of a
 * kind's inputs writes nothing of that kind. TOK is a FIG_TOK_ macro. */
#define FIG_D_CHANGED(col, TOK)                                                                    \
	" AND (" FIG_DAY("OLD", col) ", coalesce(OLD.intake_office_id, 0), " TOK("OLD") ") IS NOT ("  \
	FIG_DAY("NEW", col) ", coalesce(NEW.intake_office_id, 0), " TOK("NEW") ")"
#define FIG_D_MOVE1(kind, col, TOK)                                                                \
	FIG_D_DEL1("OLD", kind, col, TOK("OLD"), FIG_D_CHANGED(col, TOK))                          \
	FIG_D_ADD1("NEW", kind, col, TOK("NEW"), FIG_D_CHANGED(col, TOK))
#define FIG_D_MOVE                                                                                 \
	FIG_D_MOVE1("r", "received_at", FIG_TOK_R)                                                 \
	FIG_D_MOVE1("f", "finished_at", FIG_TOK_F)                                                 \
	FIG_D_MOVE1("a", "apology_at", FIG_TOK_A)
#define FIG_V_WHERE(r)                                                                             \
	"day = " FIG_DAY(r, "called_at") " AND office_id = " FIG_COUNTER_OFFICE(r)
#define FIG_V_ADD1(r, cond)                                                                        \
	FIG_ADD("fig_visit_days", "day, office_id",                                                \
	        FIG_DAY(r, "called_at") ", " FIG_COUNTER_OFFICE(r), FIG_V_WHERE(r), FIG_TOK_V(r), cond)
#define FIG_V_DEL1(r, cond) FIG_DEL("fig_visit_days", FIG_V_WHERE(r), FIG_TOK_V(r), cond)
#define FIG_V_ADD(r) FIG_V_ADD1(r, "1")
#define FIG_V_DEL(r) FIG_V_DEL1(r, "1")
#define FIG_V_CHANGED                                                                              \
	"(" FIG_DAY("OLD", "called_at") ", " FIG_COUNTER_OFFICE("OLD") ", " FIG_TOK_V("OLD")         \
	") IS NOT (" FIG_DAY("NEW", "called_at") ", " FIG_COUNTER_OFFICE("NEW") ", "                \
	FIG_TOK_V("NEW") ")"
#define FIG_V_MOVE FIG_V_DEL1("OLD", FIG_V_CHANGED) FIG_V_ADD1("NEW", FIG_V_CHANGED)
#define FIG_T_WHERE(r)                                                                             \
	"day = " FIG_DAY(r, "issued_at") " AND office_id = " FIG_GROUP_OFFICE(r)
#define FIG_T_ADD1(r, cond)                                                                        \
	FIG_ADD("fig_ticket_days", "day, office_id",                                               \
	        FIG_DAY(r, "issued_at") ", " FIG_GROUP_OFFICE(r), FIG_T_WHERE(r), FIG_TOK_T(r), cond)
#define FIG_T_DEL1(r, cond) FIG_DEL("fig_ticket_days", FIG_T_WHERE(r), FIG_TOK_T(r), cond)
#define FIG_T_ADD(r) FIG_T_ADD1(r, "1")
#define FIG_T_DEL(r) FIG_T_DEL1(r, "1")
/* A ticket's outcome changes at each end (served, no-show...): its token
 * moves only when it changed (voided), or its office day did. */
#define FIG_T_CHANGED                                                                              \
	"(" FIG_DAY("OLD", "issued_at") ", " FIG_GROUP_OFFICE("OLD") ", " FIG_TOK_T("OLD")           \
	") IS NOT (" FIG_DAY("NEW", "issued_at") ", " FIG_GROUP_OFFICE("NEW") ", "                  \
	FIG_TOK_T("NEW") ")"
#define FIG_T_MOVE FIG_T_DEL1("OLD", FIG_T_CHANGED) FIG_T_ADD1("NEW", FIG_T_CHANGED)

/* The longest a finished dossier took (finished_at − received_at, seconds):
 * an upper bound kept by the triggers (it never shrinks), so that "open at
 * the end of a past period" reads only the dossiers received within that
 * span before the end (index dossiers_ind_span) instead of every dossier
 * finished after it. */
#define FIG_SPAN(r)                                                                                \
	"INSERT INTO fig_span (id, seconds) SELECT 1, " r ".finished_at - " r ".received_at"       \
	" WHERE " r ".finished_at IS NOT NULL AND " r ".received_at IS NOT NULL"                     \
	" ON CONFLICT DO UPDATE SET seconds = max(seconds, excluded.seconds);"

#define FIGURES_TABLES_SQL                                                                         \
	"CREATE TABLE fig_dossier_days (kind TEXT NOT NULL, day INTEGER NOT NULL,"                 \
	"  office_id INTEGER NOT NULL, chunk INTEGER NOT NULL, items TEXT NOT NULL,"               \
	"  PRIMARY KEY (kind, day, office_id, chunk)) WITHOUT ROWID;"                              \
	"CREATE TABLE fig_visit_days (day INTEGER NOT NULL, office_id INTEGER NOT NULL,"           \
	"  chunk INTEGER NOT NULL, items TEXT NOT NULL,"                                           \
	"  PRIMARY KEY (day, office_id, chunk)) WITHOUT ROWID;"                                    \
	"CREATE TABLE fig_ticket_days (day INTEGER NOT NULL, office_id INTEGER NOT NULL,"          \
	"  chunk INTEGER NOT NULL, items TEXT NOT NULL,"                                           \
	"  PRIMARY KEY (day, office_id, chunk)) WITHOUT ROWID;"                                    \
	"CREATE TABLE fig_span (id INTEGER PRIMARY KEY CHECK (id = 1), seconds INTEGER NOT NULL);" \
	"CREATE INDEX dossiers_ind_span ON dossiers (received_at, finished_at, procedure_id,"      \
	"  due_at, paused_at, authority_id, intake_office_id) WHERE finished_at IS NOT NULL;"

/* The dossier columns a token reads: an UPDATE of any of them moves it. */
#define FIG_D_COLS                                                                                 \
	"received_at, finished_at, apology_at, status, timing, work_seconds, supplements,"         \
	" intake_at, procedure_id, authority_id, intake_office_id, channel"

#define FIGURES_TRIGGERS_SQL                                                                       \
	"CREATE TRIGGER fig_dossiers_ins AFTER INSERT ON dossiers BEGIN " FIG_D_ADD("NEW")         \
	FIG_SPAN("NEW") " END;"                                                                    \
	"CREATE TRIGGER fig_dossiers_upd AFTER UPDATE OF " FIG_D_COLS " ON dossiers BEGIN "         \
	FIG_D_MOVE FIG_SPAN("NEW") " END;"                                  \
	"CREATE TRIGGER fig_dossiers_del AFTER DELETE ON dossiers BEGIN " FIG_D_DEL("OLD") " END;"  \
	"CREATE TRIGGER fig_visits_ins AFTER INSERT ON visits BEGIN " FIG_V_ADD("NEW") " END;"      \
	"CREATE TRIGGER fig_visits_upd AFTER UPDATE OF counter_id, queued_at, called_at,"          \
	" recalls, finished_at, outcome ON visits BEGIN " FIG_V_MOVE " END;" \
	"CREATE TRIGGER fig_visits_del AFTER DELETE ON visits BEGIN " FIG_V_DEL("OLD") " END;"      \
	"CREATE TRIGGER fig_tickets_ins AFTER INSERT ON tickets BEGIN " FIG_T_ADD("NEW") " END;"    \
	"CREATE TRIGGER fig_tickets_upd AFTER UPDATE OF issued_at, series_group_id, outcome"       \
	" ON tickets BEGIN " FIG_T_MOVE " END;"                                        \
	"CREATE TRIGGER fig_tickets_del AFTER DELETE ON tickets BEGIN " FIG_T_DEL("OLD") " END;"

/* The tokens of each table from the base tables: (key..., o, tok), o the
 * row's id (an order for the fill's chunks). */
#define FIG_TOKS_D(kind, col, tok)                                                                 \
	"SELECT '" kind "' AS kind, " FIG_DAY("d", col) " AS k1, coalesce(d.intake_office_id, 0)"   \
	" AS k2, d.id AS o, " tok " AS tok FROM dossiers d WHERE d." col " IS NOT NULL"
#define FIG_TOKS_DOSSIERS                                                                          \
	FIG_TOKS_D("a", "apology_at", FIG_TOK_A("d"))                                              \
	" UNION ALL " FIG_TOKS_D("f", "finished_at", FIG_TOK_F("d"))                                \
	" UNION ALL " FIG_TOKS_D("r", "received_at", FIG_TOK_R("d"))
#define FIG_TOKS_VISITS                                                                            \
	"SELECT " FIG_DAY("v", "called_at") " AS k1, " FIG_COUNTER_OFFICE("v") " AS k2,"          \
	" v.id AS o, " FIG_TOK_V("v") " AS tok FROM visits v"
#define FIG_TOKS_TICKETS                                                                           \
	"SELECT " FIG_DAY("t", "issued_at") " AS k1, " FIG_GROUP_OFFICE("t") " AS k2,"            \
	" t.id AS o, " FIG_TOK_T("t") " AS tok FROM tickets t"

/* The expected tokens of each office day, (key..., items): what
 * figures_verify compares with the chunks' tokens. */
#define FIG_EXPECT_DOSSIERS                                                                        \
	"SELECT kind, k1, k2, group_concat(tok, '') AS items FROM (" FIG_TOKS_DOSSIERS ")"         \
	" GROUP BY kind, k1, k2"
#define FIG_EXPECT_VISITS                                                                          \
	"SELECT k1, k2, group_concat(tok, '') AS items FROM (" FIG_TOKS_VISITS ") GROUP BY k1, k2"
#define FIG_EXPECT_TICKETS                                                                         \
	"SELECT k1, k2, group_concat(tok, '') AS items FROM (" FIG_TOKS_TICKETS ") GROUP BY k1, k2"

/* The chunks of the tokens toks keyed by keys: a token goes to chunk
 * (bytes of the office day's tokens before it) / FIG_CHUNK_BYTES, so a
 * chunk holds what the insert triggers would have put in it. */
#define FIG_CHUNKS(keys, toks)                                                                     \
	"SELECT " keys ", c, group_concat(tok, '') FROM (SELECT " keys ", tok, (sum(length(tok))"  \
	" OVER (PARTITION BY " keys " ORDER BY o ROWS UNBOUNDED PRECEDING) - length(tok)) / "      \
	FIG_CHUNK_BYTES " AS c FROM (" toks ")) GROUP BY " keys ", c"

#define FIGURES_FILL_SQL                                                                           \
	"INSERT INTO fig_dossier_days (kind, day, office_id, chunk, items) "                       \
	FIG_CHUNKS("kind, k1, k2", FIG_TOKS_DOSSIERS) ";"                                          \
	"INSERT INTO fig_visit_days (day, office_id, chunk, items) "                               \
	FIG_CHUNKS("k1, k2", FIG_TOKS_VISITS) ";"                                                  \
	"INSERT INTO fig_ticket_days (day, office_id, chunk, items) "                              \
	FIG_CHUNKS("k1, k2", FIG_TOKS_TICKETS) ";"                                                 \
	"INSERT INTO fig_span (id, seconds) SELECT 1, coalesce(max(finished_at - received_at), 0)" \
	" FROM dossiers WHERE finished_at IS NOT NULL AND received_at IS NOT NULL;"

/* clang-format on */

/* Rebuilds the three tables from scratch on connection db, inside the
 * caller's transaction (the writer's, or a bulk loader's own): empties them
 * and fills them from dossiers, visits and tickets. SQLITE_OK or the
 * SQLite error code (the message is db's). */
int figures_rebuild_db(sqlite3 *db);

/* Rebuilds the three tables of st in one write transaction (store_begin /
 * store_commit): the repair after figures_verify reported a mismatch.
 * MC_OK or a database error (err filled; nothing changed). */
enum mc_err figures_rebuild(struct store *st, struct mc_error *err);

/* Compares the maintained tables with a recomputation from the base tables
 * (the tokens of each row as a multiset; an empty row is no row), on the
 * calling thread's read connection. MC_OK with *rows (may be NULL) the
 * number of rows compared; MC_ERR_CONFLICT ("figures_mismatch") naming the
 * first table, day and office that differ; or a database error. */
enum mc_err figures_verify(struct store *st, int64_t *rows, struct mc_error *err);

#endif
