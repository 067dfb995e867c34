/* Dossiers on the store, the pieces every dossier file shares: the typed
 * commands' clean-up, the scope, loading a dossier for an action, its events
 * (details written with util/jsontext.h, no JSON library), the office
 * calendar for the domain's rules, the ledger line, and the audit of rows
 * against the chain. The steps are dossier_step.c's. */
#include "store/dossier.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/calendar.h"
#include "store/dialect.h"
#include "store/dossier_internal.h"
#include "store/scan.h"
#include "util/clock.h"
#include "util/enforce.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

const char *dossier_outcome_form(enum dossier_outcome o)
{
	return o == DOSSIER_OUTCOME_RECEIVED     ? "mau-01"
	       : o == DOSSIER_OUTCOME_SUPPLEMENT ? "mau-02"
	                                         : "mau-03";
}

void dossier_intake_cmd_clear(struct dossier_intake_cmd *cmd)
{
	free(cmd->applicant);
	free(cmd->documents);
	free(cmd->missing);
	free(cmd->consent);
	free(cmd->echo);
	memset(cmd, 0, sizeof *cmd);
}

void dossier_action_cmd_clear(struct dossier_action_cmd *cmd)
{
	free(cmd->items);
	free(cmd->echo);
	memset(cmd, 0, sizeof *cmd);
}

void dossier_intake_check_clear(struct dossier_intake_check *c)
{
	free(c->procedure_body);
	memset(c, 0, sizeof *c);
}

void store_dossier_bind_scope(db_stmt *s, const struct principal *who)
{
	store_bind_scope(s, who);
	int i = db_bind_parameter_index(s, ":spec");
	ENFORCE(i > 0, "a dossier scope has a :spec parameter");
	db_bind_int(s, i, who != NULL && who->role == ROLE_SPECIALIST);
}

/* The dossier `code` as the actions see it, when it lies in who's scope (NULL
 * who: any). MC_ERR_NOT_FOUND (dossier_not_found) when there is none or it is
 * outside the scope; a database error otherwise. */
enum mc_err dossier_load(struct store_conn *c, const struct principal *who, const char *code,
                         struct dossier_row *d, struct mc_error *err)
{
	// clang-format off
	db_stmt *s = store_stmt(
	    c, "SELECT d.id, d.code, d.procedure_id, d.status, d.received_at, d.due_at,"
	       " d.paused_at, d.apology_at, d.finished_at, d.paused_seconds,"
	       " d.intake_office_id, d.authority_id,"
	       " d.return_office_id IS NULL OR " SCOPE_SQL("d.return_office_id") ","
	       " (SELECT name FROM offices WHERE id = d.return_office_id),"
	       " " SCOPE_SQL(DOSSIER_HOLDER_SQL) ", " SCOPE_SQL("d.intake_office_id") ","
	       " d.holder_office"
	       " FROM dossiers d WHERE d.code = :code AND " DOSSIER_SCOPE_SQL);
	// clang-format on
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	db_bind_text(s, db_bind_parameter_index(s, ":code"), code, -1, DB_STATIC);
	store_dossier_bind_scope(s, who);
	enum mc_err rc = MC_OK;
	int step;
	if (store_next(s, &step)) {
		memset(d, 0, sizeof *d);
		d->id = db_column_int64(s, 0);
		snprintf(d->code, sizeof d->code, "%s", store_col_text(s, 1));
		d->procedure_id = db_column_int64(s, 2);
		dossier_status_parse(store_col_text(s, 3), &d->status);
		d->received_at = db_column_int64(s, 4);
		d->due_at = db_column_int64(s, 5);
		d->paused_at = db_column_int64(s, 6);
		d->apology_at = db_column_int64(s, 7);
		d->finished_at = db_column_int64(s, 8);
		d->paused_seconds = db_column_int64(s, 9);
		d->intake_office_id = db_column_int64(s, 10);
		d->authority_id = db_column_int64(s, 11);
		d->return_here = db_column_int(s, 12) != 0;
		snprintf(d->return_name, sizeof d->return_name, "%s", store_col_text(s, 13));
		d->holder_here = db_column_int(s, 14) != 0;
		d->intake_here = db_column_int(s, 15) != 0;
		snprintf(d->holder_office, sizeof d->holder_office, "%s", store_col_text(s, 16));
	} else if (step == DB_DONE) {
		rc = mc_fail(err, MC_ERR_NOT_FOUND, "dossier_not_found", "Không có hồ sơ này",
		             "No such dossier");
	}
	enum mc_err src = store_scan_end(c, s, step, "dossier", err);
	return src ? src : rc;
}

/* Declared in dossier_internal.h. The details are echo's members, then
 * extra's: the echo never holds a member extra writes (the API leaves them
 * out), so the text stays one JSON object. */
enum mc_err dossier_event(struct store *st, const struct principal *who, const char *code,
                          int64_t office_id, const char *action, const char *echo,
                          const char *extra, struct mc_error *err)
{
	char name[64];
	snprintf(name, sizeof name, "dossier.%s", action);
	struct strbuf sb = STRBUF_INIT;
	size_t elen = echo ? strlen(echo) : 0;
	ENFORCE(extra != NULL && extra[0] == '{', "event details are an object");
	if (elen >= 2 && echo[0] == '{' && echo[elen - 1] == '}' && strcmp(echo, "{}") != 0) {
		strbuf_append(&sb, echo, elen - 1);
		strbuf_puts(&sb, strcmp(extra, "{}") == 0 ? "}" : ",");
		if (strcmp(extra, "{}") != 0)
			strbuf_puts(&sb, extra + 1);
	} else {
		strbuf_puts(&sb, extra);
	}
	char *text = strbuf_detach(&sb, NULL);
	store_event_office(st, office_id);
	int64_t ev = store_event_append(st, who->actor, "dossier", code, name, text, false, err);
	free(text);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

static bool dossier_cal_between(void *ctx, int64_t from, int64_t to, int64_t *secs)
{
	struct dossier_cal *dc = ctx;
	enum mc_err rc = store_calendar_between(dc->st, from, to, secs, dc->rc ? NULL : dc->err);
	if (rc && dc->rc == MC_OK && dc->err)
		dc->rc = rc;
	return rc == MC_OK;
}

static bool dossier_cal_add(void *ctx, int64_t from, int64_t secs, int64_t *out)
{
	struct dossier_cal *dc = ctx;
	enum mc_err rc = store_calendar_add(dc->st, from, secs, out, dc->rc ? NULL : dc->err);
	if (rc && dc->rc == MC_OK && dc->err)
		dc->rc = rc;
	return rc == MC_OK;
}

void dossier_cal_init(struct dossier_cal *dc, struct store *st, struct mc_error *err)
{
	dc->st = st;
	dc->err = err;
	dc->rc = MC_OK;
	dc->cal.ctx = dc;
	dc->cal.between = dossier_cal_between;
	dc->cal.add = dossier_cal_add;
	dc->cal.day_seconds = store_calendar_day_seconds(st);
}

/* Declared in store_internal.h: the one secret hash of dossiers and feedback. */
void store_secret_hash(const char *code, const char *secret, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)code, strlen(code));
	crypto_hash_sha256_update(&h, (const unsigned char *)"\x1f", 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)secret, strlen(secret));
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof d);
}

/* The due instant of a procedure received at `from`. */
enum mc_err dossier_due(struct store *st, const char *unit, int64_t milli, int64_t from,
                        int64_t *due, struct mc_error *err)
{
	enum store_calendar_limit u = strcmp(unit, "working_hours") == 0 ? STORE_CALENDAR_HOURS
	                              : strcmp(unit, "same_day") == 0    ? STORE_CALENDAR_SAME_DAY
	                                                                 : STORE_CALENDAR_DAYS;
	return store_calendar_due(st, from, u, milli, due, err);
}

/* Looks up office code on c: *id and *kind (kind up to klen bytes), *id = 0
 * when there is none; within who's scope only when scoped. Returns MC_OK or
 * the database error. */
enum mc_err dossier_office_find(struct store_conn *c, const struct principal *who, bool scoped,
                                const char *code, int64_t *id, char *kind, size_t klen,
                                struct mc_error *err)
{
	db_stmt *s = scoped
	                 ? store_stmt(c, "SELECT o.id, o.kind FROM offices o WHERE o.code = :code"
	                                 " AND " SCOPE_SQL("o.id"))
	                 : store_stmt(c, "SELECT o.id, o.kind FROM offices o WHERE o.code = :code");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	db_bind_text(s, db_bind_parameter_index(s, ":code"), code, -1, DB_STATIC);
	if (scoped)
		store_bind_scope(s, who);
	int step;
	*id = 0;
	if (store_next(s, &step)) {
		*id = db_column_int64(s, 0);
		snprintf(kind, klen, "%s", store_col_text(s, 1));
	}
	return store_scan_end(c, s, step, "office", err);
}

enum mc_err dossier_office_not_found(struct mc_error *err, const char *what, const char *code)
{
	return mc_failf(err, MC_ERR_NOT_FOUND, "office_not_found", "Không có đơn vị này",
	                "%s: no office '%.40s'", what, code);
}

/* Gives the dossier `code` its entry in the ledger (Sổ theo dõi hồ sơ) of
 * the centre that received it (a reception point writes in its centre's
 * book): book = the office year of now, line = one past the last line of
 * that centre's book. It runs on the writer inside the transaction that
 * receives the dossier, so lines are gap-free (a rollback takes the line
 * back with the receipt). A dossier that already has its entry keeps it.
 * Returns MC_OK or the database error (err filled). */
enum mc_err dossier_ledger_assign(struct store_conn *c, const char *code, int64_t now,
                                  struct mc_error *err)
{
	char day[11];
	clock_office_date(now, day);
	db_stmt *s = store_stmt(
	    c,
	    "WITH centre (id) AS (SELECT coalesce((SELECT a.id FROM dossiers x"
	    "  JOIN office_paths q ON q.office_id = x.intake_office_id"
	    "  JOIN offices a ON a.id = q.ancestor_id WHERE x.code = ?2 AND a.kind = 'centre'"
	    "  ORDER BY q.depth LIMIT 1), (SELECT intake_office_id FROM dossiers WHERE code = ?2)))"
	    " UPDATE dossiers SET ledger_book = ?1, ledger_line = (SELECT"
	    " coalesce(max(b.ledger_line), 0) + 1 FROM dossiers b WHERE b.ledger_book = ?1"
	    " AND b.intake_office_id IN (SELECT p.office_id FROM office_paths p, centre"
	    "  WHERE p.ancestor_id = centre.id))"
	    " WHERE code = ?2 AND ledger_book IS NULL");
	if (s == NULL)
		return store_sql_error(c, "ledger", err);
	db_bind_int(s, 1, atoi(day));
	db_bind_text(s, 2, code, -1, DB_STATIC);
	return store_step(c, s, "ledger", err);
}

/* The member name of the event's details (JSON text, or NULL) read on c by
 * store/dialect.h's JSON query: *out an owned copy of its text, NULL when
 * there is none. MC_OK or the database error. */
static enum mc_err dossier_details_member(struct store_conn *c, const char *details,
                                          const char *name, char **out, struct mc_error *err)
{
	*out = NULL;
	db_stmt *q = store_stmt(c, dialect_json_member_sql(c->db));
	if (q == NULL)
		return store_sql_error(c, "dossier audit", err);
	if (details)
		db_bind_text(q, 1, details, -1, DB_STATIC);
	db_bind_text(q, 2, name, -1, DB_STATIC);
	int step;
	if (store_next(q, &step) && db_column_type(q, 0) != DB_NULL)
		*out = xstrdup(store_col_text(q, 0));
	return store_scan_end(c, q, step, "dossier audit", err);
}

/* Whether the dossier row of s (code, status, due_at, the newest event's
 * details) states what its newest event does; *what the first that differs. */
static enum mc_err dossier_audit_row(struct store_conn *c, db_stmt *s, bool *same,
                                     const char **what, struct mc_error *err)
{
	const char *details = db_column_type(s, 3) == DB_NULL ? NULL : store_col_text(s, 3);
	char *status = NULL, *due = NULL;
	enum mc_err rc;
	if ((rc = dossier_details_member(c, details, "status", &status, err)) ||
	    (rc = dossier_details_member(c, details, "due_at", &due, err)))
		goto done;
	bool same_status = status && strcmp(store_col_text(s, 1), status) == 0;
	bool same_due = (db_column_type(s, 2) == DB_NULL) == (due == NULL) &&
	                db_column_int64(s, 2) == (due ? strtoll(due, NULL, 10) : 0);
	*same = same_status && same_due;
	*what = same_status ? "due_at" : "status";
done:
	free(status);
	free(due);
	return rc;
}

enum mc_err store_dossier_audit(struct store *st, int64_t *checked, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = NULL;
	enum mc_err rc = MC_OK;
	int64_t n = 0;
	/* Not cached: runs once per audit. The newest event of each dossier
	 * states its status and due instant after that event. */
	if (db_prepare(c->db,
	               "SELECT d.code, d.status, d.due_at, e.details FROM dossiers d"
	               " LEFT JOIN events e ON e.id = (SELECT max(id) FROM events"
	               "  WHERE entity = 'dossier' AND entity_id = d.code)",
	               &s) != DB_OK)
		return store_sql_error(c, "dossier audit", err);
	int step;
	while (store_next(s, &step)) {
		bool same = false;
		const char *what = "status";
		if ((rc = dossier_audit_row(c, s, &same, &what, err)))
			break;
		if (!same) {
			rc = mc_failf(err, MC_ERR_CONFLICT, "audit_state_mismatch",
			              "Hồ sơ bị sửa ngoài nhật ký",
			              "dossier %s differs from its last event (%s)",
			              store_col_text(s, 0), what);
			break;
		}
		n++;
	}
	if (rc == MC_OK)
		rc = store_scan_end(c, s, step, "dossier audit", err);
	db_finalize(s);
	if (checked)
		*checked = n;
	return rc;
}
