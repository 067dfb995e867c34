/* Maintained figures: the rows the indicators count, kept per office day in
 * three tables that the store's triggers update in the same transaction as
 * the change (docs/indicators.md "Maintained figures"):
 *
 *   fig_dossier_days (kind, day, office_id, items): per office day and
 *     receiving office (dossiers.intake_office_id, 0 none), one token per
 *     dossier received that day (kind 'r': <procedure,authority,online>),
 *     finished that day (kind 'f': <procedure,authority,status,timing,
 *     work_seconds,supplements,supplemented_at_intake>) or given a Mẫu 04
 *     that day (kind 'a': <procedure,authority>);
 *   fig_visit_days (day, office_id, items): per office day of the last call
 *     and the counter's office, one token per visit: <counter,half hour of
 *     the day,outcome,recalls,wait seconds,service seconds>;
 *   fig_ticket_days (day, office_id, items): per office day of issue and the
 *     numbering group's office, one token per ticket: <group,half hour>;
 *   fig_span (one row): the longest a finished dossier took (FIG_SPAN).
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
	"('<' || " r ".series_group_id || ',' || " FIG_HALF_HOUR(r, "issued_at") " || '>')"
#define FIG_COUNTER_OFFICE(r)                                                                      \
	"coalesce((SELECT office_id FROM counters WHERE id = " r ".counter_id), 0)"
#define FIG_GROUP_OFFICE(r)                                                                        \
	"coalesce((SELECT office_id FROM service_groups WHERE id = " r ".series_group_id), 0)"

/* Adds (remove 0) or removes (1) the token tok of row r to / from table's
 * row (key columns and values given), when cond holds. */
#define FIG_ADD(table, keys, vals, tok, cond)                                                      \
	"INSERT INTO " table " (" keys ", items) SELECT " vals ", " tok " WHERE " cond               \
	" ON CONFLICT DO UPDATE SET items = items || excluded.items;"
#define FIG_DEL(table, where, tok, cond)                                                           \
	"UPDATE " table " SET items = substr(items, 1, instr(items, " tok ") - 1) ||"                \
	" substr(items, instr(items, " tok ") + length(" tok ")) WHERE " where " AND " cond         \
	" AND instr(items, " tok ") > 0;"

#define FIG_D_KEYS "kind, day, office_id"
#define FIG_D_VALS(r, kind, col) "'" kind "', " FIG_DAY(r, col) ", coalesce(" r ".intake_office_id, 0)"
#define FIG_D_WHERE(r, kind, col)                                                                  \
	"kind = '" kind "' AND day = " FIG_DAY(r, col) " AND office_id = coalesce(" r                \
	".intake_office_id, 0)"
#define FIG_D_ADD(r)                                                                               \
	FIG_ADD("fig_dossier_days", FIG_D_KEYS, FIG_D_VALS(r, "r", "received_at"), FIG_TOK_R(r),   \
	        r ".received_at IS NOT NULL")                                                      \
	FIG_ADD("fig_dossier_days", FIG_D_KEYS, FIG_D_VALS(r, "f", "finished_at"), FIG_TOK_F(r),   \
	        r ".finished_at IS NOT NULL")                                                      \
	FIG_ADD("fig_dossier_days", FIG_D_KEYS, FIG_D_VALS(r, "a", "apology_at"), FIG_TOK_A(r),    \
	        r ".apology_at IS NOT NULL")
#define FIG_D_DEL(r)                                                                               \
	FIG_DEL("fig_dossier_days", FIG_D_WHERE(r, "r", "received_at"), FIG_TOK_R(r),              \
	        r ".received_at IS NOT NULL")                                                      \
	FIG_DEL("fig_dossier_days", FIG_D_WHERE(r, "f", "finished_at"), FIG_TOK_F(r),              \
	        r ".finished_at IS NOT NULL")                                                      \
	FIG_DEL("fig_dossier_days", FIG_D_WHERE(r, "a", "apology_at"), FIG_TOK_A(r),               \
	        r ".apology_at IS NOT NULL")
#define FIG_V_ADD(r)                                                                               \
	FIG_ADD("fig_visit_days", "day, office_id",                                                \
	        FIG_DAY(r, "called_at") ", " FIG_COUNTER_OFFICE(r), FIG_TOK_V(r), "1")
#define FIG_V_DEL(r)                                                                               \
	FIG_DEL("fig_visit_days",                                                                  \
	        "day = " FIG_DAY(r, "called_at") " AND office_id = " FIG_COUNTER_OFFICE(r),          \
	        FIG_TOK_V(r), "1")
#define FIG_T_ADD(r)                                                                               \
	FIG_ADD("fig_ticket_days", "day, office_id",                                               \
	        FIG_DAY(r, "issued_at") ", " FIG_GROUP_OFFICE(r), FIG_TOK_T(r), "1")
#define FIG_T_DEL(r)                                                                               \
	FIG_DEL("fig_ticket_days",                                                                 \
	        "day = " FIG_DAY(r, "issued_at") " AND office_id = " FIG_GROUP_OFFICE(r),            \
	        FIG_TOK_T(r), "1")

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
	"  office_id INTEGER NOT NULL, items TEXT NOT NULL,"                                       \
	"  PRIMARY KEY (kind, day, office_id)) WITHOUT ROWID;"                                     \
	"CREATE TABLE fig_visit_days (day INTEGER NOT NULL, office_id INTEGER NOT NULL,"           \
	"  items TEXT NOT NULL, PRIMARY KEY (day, office_id)) WITHOUT ROWID;"                      \
	"CREATE TABLE fig_ticket_days (day INTEGER NOT NULL, office_id INTEGER NOT NULL,"          \
	"  items TEXT NOT NULL, PRIMARY KEY (day, office_id)) WITHOUT ROWID;"                      \
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
	FIG_D_DEL("OLD") FIG_D_ADD("NEW") FIG_SPAN("NEW") " END;"                                  \
	"CREATE TRIGGER fig_dossiers_del AFTER DELETE ON dossiers BEGIN " FIG_D_DEL("OLD") " END;"  \
	"CREATE TRIGGER fig_visits_ins AFTER INSERT ON visits BEGIN " FIG_V_ADD("NEW") " END;"      \
	"CREATE TRIGGER fig_visits_upd AFTER UPDATE OF counter_id, queued_at, called_at,"          \
	" recalls, finished_at, outcome ON visits BEGIN " FIG_V_DEL("OLD") FIG_V_ADD("NEW") " END;" \
	"CREATE TRIGGER fig_visits_del AFTER DELETE ON visits BEGIN " FIG_V_DEL("OLD") " END;"      \
	"CREATE TRIGGER fig_tickets_ins AFTER INSERT ON tickets BEGIN " FIG_T_ADD("NEW") " END;"    \
	"CREATE TRIGGER fig_tickets_upd AFTER UPDATE OF issued_at, series_group_id ON tickets"      \
	" BEGIN " FIG_T_DEL("OLD") FIG_T_ADD("NEW") " END;"                                        \
	"CREATE TRIGGER fig_tickets_del AFTER DELETE ON tickets BEGIN " FIG_T_DEL("OLD") " END;"

/* The expected rows of each table from the base tables, (key..., items)
 * ordered by key: what the fill inserts and what figures_verify compares. */
#define FIG_EXPECT_D(kind, col, tok)                                                               \
	"SELECT '" kind "' AS kind, " FIG_DAY("d", col) " AS k1,"                            \
	" coalesce(d.intake_office_id, 0) AS k2, group_concat(" tok ", '') AS items FROM dossiers d WHERE d." col " IS NOT NULL"                  \
	" GROUP BY k1, k2"
#define FIG_EXPECT_DOSSIERS                                                                        \
	FIG_EXPECT_D("a", "apology_at", FIG_TOK_A("d"))                                            \
	" UNION ALL " FIG_EXPECT_D("f", "finished_at", FIG_TOK_F("d"))                              \
	" UNION ALL " FIG_EXPECT_D("r", "received_at", FIG_TOK_R("d"))
#define FIG_EXPECT_VISITS                                                                          \
	"SELECT " FIG_DAY("v", "called_at") " AS k1, " FIG_COUNTER_OFFICE("v") " AS k2,"          \
	" group_concat(" FIG_TOK_V("v") ", '') AS items FROM visits v GROUP BY k1, k2"
#define FIG_EXPECT_TICKETS                                                                         \
	"SELECT " FIG_DAY("t", "issued_at") " AS k1, " FIG_GROUP_OFFICE("t") " AS k2,"            \
	" group_concat(" FIG_TOK_T("t") ", '') AS items FROM tickets t GROUP BY k1, k2"

#define FIGURES_FILL_SQL                                                                           \
	"INSERT INTO fig_dossier_days (kind, day, office_id, items) " FIG_EXPECT_DOSSIERS ";"      \
	"INSERT INTO fig_visit_days (day, office_id, items) " FIG_EXPECT_VISITS ";"                \
	"INSERT INTO fig_ticket_days (day, office_id, items) " FIG_EXPECT_TICKETS ";"               \
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
