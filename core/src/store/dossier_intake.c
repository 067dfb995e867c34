/* Intake at the counter (tiếp nhận) and its check before saving: the
 * typed command of api/parse_dossier.c resolved against the database (the
 * procedure in force, the offices, the ticket, the appointment, a probable
 * duplicate), then one write transaction. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/applicant.h"
#include "domain/office.h"
#include "store/dossier_internal.h"
#include "store/notify.h"
#include "store/notify_scan.h"
#include "store/scan.h"
#include "util/clock.h"
#include "util/xmalloc.h"

#define DOSSIER_SECRET_LEN 10
/* Letters and digits that cannot be misread on paper (no 0/O, 1/I/L). */
static const char dossier_secret_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

struct procedure_row {
	int64_t id;
	int64_t version;
	char unit[16];
	int64_t milli;
	char *body;      /* the procedure as imported, JSON text (owned) */
	char office[64]; /* the procedure's own office code, "" when none */
};

static enum mc_err dossier_procedure(struct store_conn *c, const char *code,
                                     struct procedure_row *p, struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT id, time_unit, time_milli, body, office, version"
	                           " FROM procedures WHERE code = ? AND current = 1");
	if (s == NULL)
		return store_sql_error(c, "procedure", err);
	db_bind_text(s, 1, code, -1, DB_STATIC);
	enum mc_err rc = MC_OK;
	int step;
	if (store_next(s, &step)) {
		p->id = db_column_int64(s, 0);
		snprintf(p->unit, sizeof p->unit, "%s", store_col_text(s, 1));
		p->milli = db_column_int64(s, 2);
		p->body = xstrdup(store_col_text(s, 3));
		snprintf(p->office, sizeof p->office, "%s", store_col_text(s, 4));
		p->version = db_column_int64(s, 5);
	} else if (step == DB_DONE) {
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "procedure_not_found", "Không có thủ tục này",
		              "No procedure '%.40s'", code);
	}
	enum mc_err src = store_scan_end(c, s, step, "procedure", err);
	return src ? src : rc;
}

/* The next code of agency for the office date of now: gap-free because the
 * counter row and the dossier are written in one commit. */
static enum mc_err dossier_next_code(struct store_conn *c, const char *agency, int64_t now,
                                     char *out, size_t outlen, struct mc_error *err)
{
	char day[11];
	clock_office_date(now, day);
	db_stmt *s = store_stmt(c, "INSERT INTO dossier_numbers (agency, day, last)"
	                           " VALUES (?, ?, 1) ON CONFLICT (agency, day)"
	                           " DO UPDATE SET last = dossier_numbers.last + 1 RETURNING last");
	if (s == NULL)
		return store_sql_error(c, "dossier number", err);
	db_bind_text(s, 1, agency, -1, DB_STATIC);
	db_bind_text(s, 2, day, -1, DB_STATIC);
	int n = db_step(s) == DB_ROW ? db_column_int(s, 0) : 0;
	db_reset(s);
	if (n == 0)
		return store_sql_error(c, "dossier number", err);
	if (n > 9999)
		return mc_fail(err, MC_ERR_CONFLICT, "daily_limit", "Quá 9999 hồ sơ trong ngày",
		               "More than 9999 dossiers in one day");
	/* YYMMDD from YYYY-MM-DD. */
	snprintf(out, outlen, "%s-%.2s%.2s%.2s-%04d", agency, day + 2, day + 5, day + 8, n);
	return MC_OK;
}

/* The offices of a new dossier (docs/province.md, "Boundary-free intake"). */
struct dossier_offices {
	int64_t intake_id, authority_id, return_id;
	char agency[64]; /* the receiving centre's code: the dossier code's */
};

/* The receiving office of an intake by who: req's "office" (a centre or
 * point inside who's scope), else who's own office when it is one, else the
 * only centre of who's scope. */
static enum mc_err dossier_intake_office(struct store_conn *c, const struct principal *who,
                                         const char *office, int64_t *id, struct mc_error *err)
{
	char kind[16] = "";
	enum mc_err rc;
	if (office) {
		if ((rc = dossier_office_find(c, who, true, office, id, kind, sizeof kind, err)))
			return rc;
		if (*id == 0)
			return dossier_office_not_found(err, "office", office);
		if (dossier_office_permit(DOU_INTAKE, office_kind_bit(kind)) != DOR_NONE)
			return mc_failf(
			    err, MC_ERR_INVALID, "not_a_centre",
			    "Đơn vị tiếp nhận phải là một trung tâm hoặc điểm tiếp nhận",
			    "office '%.40s' is not a centre or reception point", office);
		return MC_OK;
	}
	db_stmt *s = store_stmt(
	    c, "SELECT CASE WHEN (SELECT kind FROM offices WHERE id = :scope) IN ('centre','point')"
	       " THEN :scope END, count(*), min(o.id) FROM offices o"
	       " WHERE o.kind = 'centre' AND o.active = 1 AND " SCOPE_SQL("o.id"));
	if (s == NULL)
		return store_sql_error(c, "office", err);
	store_bind_scope(s, who);
	int step;
	int64_t own = 0, n = 0, only = 0;
	if (store_next(s, &step)) {
		own = db_column_int64(s, 0);
		n = db_column_int64(s, 1);
		only = db_column_int64(s, 2);
	}
	if ((rc = store_scan_end(c, s, step, "office", err)))
		return rc;
	*id = own ? own : n == 1 ? only : 0;
	if (*id == 0 && n == 0 && who->office_id == 0)
		return mc_fail(err, MC_ERR_CONFLICT, "office_not_configured",
		               "Chưa khai báo mã cơ quan tiếp nhận",
		               "No centre is set up (import an office first)");
	if (*id == 0)
		return mc_fail(err, MC_ERR_INVALID, "office_required",
		               "Hãy chọn trung tâm tiếp nhận hồ sơ",
		               "Name the receiving centre: 'office'");
	return MC_OK;
}

/* Fills o for an intake by who of a procedure whose own office is
 * proc_office (a code, or NULL): the receiving office and its centre's code,
 * the competent authority and the return centre (see store_dossier_intake).
 * Reads only, on c: the intake's writer inside its transaction, or a check's
 * reader. */
static enum mc_err dossier_intake_offices(struct store_conn *c, const struct principal *who,
                                          const struct dossier_intake_cmd *in,
                                          const char *proc_office, struct dossier_offices *o,
                                          struct mc_error *err)
{
	const char *authority = in->authority, *return_at = in->return_at;
	char kind[16] = "";
	enum mc_err rc;
	memset(o, 0, sizeof *o);
	if ((rc = dossier_intake_office(c, who, in->office, &o->intake_id, err)))
		return rc;
	if (authority) {
		if ((rc = dossier_office_find(c, who, false, authority, &o->authority_id, kind,
		                              sizeof kind, err)))
			return rc;
		if (o->authority_id == 0)
			return dossier_office_not_found(err, "authority", authority);
		if (dossier_office_permit(DOU_AUTHORITY, office_kind_bit(kind)) != DOR_NONE)
			return mc_failf(err, MC_ERR_INVALID, "not_an_authority",
			                "Cơ quan có thẩm quyền không hợp lệ",
			                "'%.40s' is not an authority", authority);
	}
	if (return_at) {
		if ((rc = dossier_office_find(c, who, false, return_at, &o->return_id, kind,
		                              sizeof kind, err)))
			return rc;
		if (o->return_id == 0)
			return dossier_office_not_found(err, "return_at", return_at);
		if (dossier_office_permit(DOU_RETURN, office_kind_bit(kind)) != DOR_NONE)
			return mc_failf(err, MC_ERR_INVALID, "not_a_centre",
			                "Nơi trả kết quả phải là một trung tâm hoặc điểm tiếp nhận",
			                "return_at '%.40s' is not a centre or reception point",
			                return_at);
	} else {
		o->return_id = o->intake_id;
	}
	/* The agency code: the nearest centre at or above the receiving office;
	 * the authority by default: the procedure's office's, else the one above
	 * the receiving centre, else (a single office with no authority in its
	 * tree) the procedure's office, else the receiving centre. */
	db_stmt *s = store_stmt(
	    c, "SELECT (SELECT a.code FROM office_paths p JOIN offices a ON a.id = p.ancestor_id"
	       "  WHERE p.office_id = ?2 AND a.kind = 'centre' ORDER BY p.depth LIMIT 1),"
	       " coalesce((SELECT a.id FROM offices po JOIN office_paths p ON p.office_id = po.id"
	       "  JOIN offices a ON a.id = p.ancestor_id WHERE po.code = ?1"
	       "  AND a.kind = 'authority' ORDER BY p.depth LIMIT 1),"
	       " (SELECT a.id FROM office_paths p JOIN offices a ON a.id = p.ancestor_id"
	       "  WHERE p.office_id = ?2 AND a.kind = 'authority' ORDER BY p.depth LIMIT 1),"
	       " (SELECT id FROM offices WHERE code = ?1), ?2)");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	if (proc_office)
		db_bind_text(s, 1, proc_office, -1, DB_STATIC);
	db_bind_int64(s, 2, o->intake_id);
	int step;
	int64_t by_default = 0;
	if (store_next(s, &step)) {
		snprintf(o->agency, sizeof o->agency, "%s", store_col_text(s, 0));
		by_default = db_column_int64(s, 1);
	}
	if ((rc = store_scan_end(c, s, step, "office", err)))
		return rc;
	if (o->authority_id == 0)
		o->authority_id = by_default;
	if (o->agency[0] == '\0')
		return mc_fail(err, MC_ERR_CONFLICT, "office_not_configured",
		               "Chưa khai báo mã cơ quan tiếp nhận",
		               "The receiving centre is not set up (import an office first)");
	return MC_OK;
}

/* A probable duplicate: the latest dossier inside who's scope of the same ID
 * number and procedure that the domain's dossier_is_duplicate_of names one
 * (the SQL only narrows the rows to the same ID number and procedure, the
 * newest first; the window and the refusals are the domain's). A person's
 * history of one procedure is a few rows. MC_OK with *dup
 * (code, intake_at, status) and *found set when there is one; or the
 * database error. On c, the intake's writer or a check's reader. */
static enum mc_err dossier_duplicate_find(struct store_conn *c, const struct principal *who,
                                          const char *id_number, const char *procedure, int64_t now,
                                          struct dossier_duplicate *dup, bool *found,
                                          struct mc_error *err)
{
	/* Only the dossiers the clerk may see: another centre's is not named. */
	db_stmt *s =
	    store_stmt(c, "SELECT d.code, d.intake_at, d.status FROM dossiers d"
	                  " JOIN procedures p ON p.id = d.procedure_id"
	                  " WHERE d.applicant_id_number = ?1 AND p.code = ?2 AND " DOSSIER_SCOPE_SQL
	                  " ORDER BY d.intake_at DESC, d.id DESC");
	*found = false;
	if (s == NULL)
		return store_sql_error(c, "duplicate", err);
	store_dossier_bind_scope(s, who);
	db_bind_text(s, 1, id_number, -1, DB_STATIC);
	db_bind_text(s, 2, procedure, -1, DB_STATIC);
	int step;
	while (store_next(s, &step)) {
		int64_t intake_at = db_column_int64(s, 1);
		enum dossier_status status = DS_RECEIVED; /* an unknown word is no refusal */
		dossier_status_parse(store_col_text(s, 2), &status);
		if (!dossier_is_duplicate_of(intake_at, status, now))
			continue;
		*found = true;
		snprintf(dup->code, sizeof dup->code, "%s", store_col_text(s, 0));
		dup->intake_at = intake_at;
		dup->status = status;
		break;
	}
	return store_scan_end(c, s, step, "duplicate", err);
}

/* The words of a probable duplicate of dup (dossier_duplicate_find's): err
 * filled with MC_ERR_CONFLICT probable_duplicate, which is returned. The
 * intake's refusal and the check's warning alike. */
static enum mc_err dossier_duplicate_error(const struct dossier_duplicate *dup,
                                           struct mc_error *err)
{
	const char *code = dup->code;
	char vi[256];
	snprintf(vi, sizeof vi,
	         "Có thể trùng hồ sơ %s (cùng số định danh và thủ tục trong %d ngày); "
	         "xác nhận để tiếp nhận",
	         code ? code : "", DOSSIER_DUPLICATE_DAYS);
	return mc_failf(err, MC_ERR_CONFLICT, "probable_duplicate", vi,
	                "Probably the same as dossier %s (same ID number and procedure within %d "
	                "days); send confirm_duplicate: true to take it in",
	                code ? code : "", DOSSIER_DUPLICATE_DAYS);
}

/* An intake's request as dossier_intake_read checked it, then as
 * dossier_intake_resolve found it in the database: every rule of intake
 * lives in those two, shared by the intake and its check. The strings and
 * members point into the request, which must outlive it; the rest is freed
 * with dossier_intake_free. */
/* An intake as dossier_intake_resolve found it in the database: every rule
 * of intake that needs the database lives there, shared by the intake and
 * its check. Freed with dossier_intake_free. */
struct dossier_intake {
	int64_t now;                    /* the instant of intake */
	struct procedure_row p;         /* p.body owned */
	struct dossier_offices offices; /* receiving centre, authority, return centre */
	int64_t due;                    /* the appointment (received only; else 0) */
	bool has_duplicate;             /* a probable duplicate: duplicate */
	struct dossier_duplicate duplicate;
};

static void dossier_intake_free(struct dossier_intake *in)
{
	free(in->p.body);
	in->p.body = NULL;
}

/* The checks of cmd against the database on c (the intake's writer inside
 * its transaction, or a check's reader), reading only: the procedure in
 * force, the offices (dossier_intake_offices), the ticket (a visit of who's
 * own hall: another centre's is not found), the appointment of a received
 * dossier at this instant, and a probable duplicate (in->duplicate, not an
 * error here). MC_OK or the error. */
static enum mc_err dossier_intake_resolve(struct store *st, struct store_conn *c,
                                          const struct principal *who,
                                          const struct dossier_intake_cmd *cmd,
                                          struct dossier_intake *in, struct mc_error *err)
{
	enum mc_err rc;
	in->now = clock_now();
	if ((rc = dossier_procedure(c, cmd->procedure, &in->p, err)) ||
	    (rc = dossier_intake_offices(c, who, cmd, in->p.office[0] ? in->p.office : NULL,
	                                 &in->offices, err)))
		return rc;
	if (cmd->ticket_id) {
		db_stmt *s = store_stmt(c, "SELECT 1 FROM tickets t WHERE t.id = :id"
		                           " AND " SCOPE_SQL("t.office_id"));
		if (s == NULL)
			return store_sql_error(c, "ticket", err);
		db_bind_int64(s, db_bind_parameter_index(s, ":id"), cmd->ticket_id);
		store_bind_scope(s, who);
		int step;
		bool found = store_next(s, &step);
		if ((rc = store_scan_end(c, s, step, "ticket", err)))
			return rc;
		if (!found)
			return mc_fail(err, MC_ERR_NOT_FOUND, "ticket_not_found",
			               "Không có phiếu này", "No such ticket");
	}
	if (cmd->outcome == DOSSIER_OUTCOME_RECEIVED &&
	    (rc = dossier_due(st, in->p.unit, in->p.milli, in->now, &in->due, err)))
		return rc;
	if (cmd->id_number)
		return dossier_duplicate_find(c, who, cmd->id_number, cmd->procedure, in->now,
		                              &in->duplicate, &in->has_duplicate, err);
	return MC_OK;
}

enum mc_err store_dossier_intake_check(struct store *st, const struct principal *who,
                                       const struct dossier_intake_cmd *cmd,
                                       struct dossier_intake_check *out, struct mc_error *err)
{
	struct dossier_intake in = {0};
	enum mc_err rc = dossier_intake_resolve(st, store_read_conn(st), who, cmd, &in, err);
	if (rc) {
		dossier_intake_free(&in);
		return rc;
	}
	memset(out, 0, sizeof *out);
	out->procedure_body = in.p.body;
	in.p.body = NULL;
	out->procedure_version = in.p.version;
	out->due_at = cmd->outcome == DOSSIER_OUTCOME_RECEIVED ? in.due : 0;
	out->has_duplicate = in.has_duplicate;
	out->dup = in.duplicate;
	return MC_OK;
}

enum mc_err store_dossier_duplicate_words(const struct dossier_duplicate *dup, struct mc_error *err)
{
	return dossier_duplicate_error(dup, err);
}

/* Writes the new dossier's row (code, secret_hash "" when refused) from cmd
 * and in. */
static enum mc_err dossier_insert(struct store_conn *c, const struct principal *who,
                                  const struct dossier_intake_cmd *cmd,
                                  const struct dossier_intake *in, const char *code,
                                  enum dossier_status status, const char *secret_hash,
                                  struct mc_error *err)
{
	bool received = cmd->outcome == DOSSIER_OUTCOME_RECEIVED;
	bool refused = cmd->outcome == DOSSIER_OUTCOME_REFUSED;
	db_stmt *s = store_stmt(
	    c, "INSERT INTO dossiers (code, procedure_id, status, applicant, applicant_name,"
	       " applicant_phone, applicant_id_number, documents, sets, pending, reason,"
	       " intake_at, intake_by, received_at, due_at, first_due_at, finished_at,"
	       " secret_hash, ticket_id, holder_office, holder, intake_office_id, authority_id,"
	       " return_office_id, notify)"
	       " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?15,?16,?17,?18,"
	       " (SELECT code FROM offices WHERE id = ?20), ?19, ?20, ?21, ?22, ?23)");
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	const char *texts[] = {[1] = code,
	                       [3] = dossier_status_name(status),
	                       [4] = cmd->applicant,
	                       [5] = cmd->name,
	                       [6] = cmd->phone,
	                       [7] = cmd->id_number,
	                       [8] = cmd->documents,
	                       [10] = cmd->missing,
	                       [11] = cmd->reason,
	                       [13] = who->actor,
	                       [17] = refused ? NULL : secret_hash,
	                       [19] = who->username,
	                       [23] = cmd->consent};
	for (int i = 1; i < (int)(sizeof texts / sizeof texts[0]); i++)
		if (texts[i])
			db_bind_text(s, i, texts[i], -1, DB_STATIC);
	db_bind_int64(s, 2, in->p.id);
	db_bind_int64(s, 9, cmd->sets);
	db_bind_int64(s, 12, in->now);
	if (received) {
		db_bind_int64(s, 14, in->now);
		db_bind_int64(s, 15, in->due);
	}
	if (refused)
		db_bind_int64(s, 16, in->now);
	if (cmd->ticket_id)
		db_bind_int64(s, 18, cmd->ticket_id);
	db_bind_int64(s, 20, in->offices.intake_id);
	db_bind_int64(s, 21, in->offices.authority_id);
	db_bind_int64(s, 22, in->offices.return_id);
	return store_step(c, s, "dossier", err);
}

/* The new dossier's number and lookup secret (none when refused). */
static enum mc_err dossier_number(struct store_conn *c, const struct dossier_intake_cmd *cmd,
                                  const struct dossier_intake *in, char code[96], char secret[16],
                                  char secret_hash[65], struct mc_error *err)
{
	enum mc_err rc = dossier_next_code(c, in->offices.agency, in->now, code, 96, err);
	secret[0] = '\0';
	if (rc || cmd->outcome == DOSSIER_OUTCOME_REFUSED)
		return rc;
	for (int i = 0; i < DOSSIER_SECRET_LEN; i++)
		secret[i] = dossier_secret_alphabet[randombytes_uniform(
		    sizeof dossier_secret_alphabet - 1)];
	secret[DOSSIER_SECRET_LEN] = '\0';
	store_secret_hash(code, secret, secret_hash);
	return MC_OK;
}

/* The intake's event: the request, the code, the hand-over of a
 * boundary-free intake, the procedure's row and the state left behind. */
static enum mc_err dossier_intake_event(struct store *st, const struct principal *who,
                                        const struct dossier_intake_cmd *cmd,
                                        const struct dossier_intake *in, const char *code,
                                        const char *handover, enum dossier_status status,
                                        struct mc_error *err)
{
	bool received = cmd->outcome == DOSSIER_OUTCOME_RECEIVED;
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_str(&j, "code", code);
	if (handover[0])
		jt_str(&j, "handover_to", handover);
	jt_int(&j, "procedure_version", in->p.id);
	jt_str(&j, "status", dossier_status_name(status));
	if (received)
		jt_int(&j, "due_at", in->due);
	else
		jt_null(&j, "due_at");
	jt_end(&j);
	char *extra = jt_finish(&j);
	enum mc_err rc =
	    dossier_event(st, who, code, in->offices.intake_id,
	                  cmd->outcome == DOSSIER_OUTCOME_REFUSED      ? "refused"
	                  : cmd->outcome == DOSSIER_OUTCOME_SUPPLEMENT ? "intake_supplement"
	                                                               : "received",
	                  cmd->echo, extra, err);
	free(extra);
	return rc;
}

enum mc_err store_dossier_intake(struct store *st, const struct principal *who,
                                 const struct dossier_intake_cmd *cmd, char code[96],
                                 char secret[16], struct dossier_duplicate *dup,
                                 struct dossier_record *view, struct notify_planned_list *planned,
                                 struct mc_error *err)
{
	struct dossier_intake in = {0};
	memset(view, 0, sizeof *view);
	memset(planned, 0, sizeof *planned);
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	char secret_hash[65] = "", handover[64] = "";
	bool received = cmd->outcome == DOSSIER_OUTCOME_RECEIVED;
	enum dossier_status status = dossier_intake_status(cmd->outcome);
	if ((rc = dossier_intake_resolve(st, c, who, cmd, &in, err)))
		goto fail;
	if (dossier_intake_refuses_duplicate(in.has_duplicate, cmd->confirm_duplicate)) {
		*dup = in.duplicate;
		rc = dossier_duplicate_error(&in.duplicate, err);
		goto fail;
	}
	if ((rc = dossier_number(c, cmd, &in, code, secret, secret_hash, err)) ||
	    (rc = dossier_insert(c, who, cmd, &in, code, status, secret_hash, err)) ||
	    (received && (rc = dossier_ledger_assign(c, code, in.now, err))) ||
	    (received && (rc = dossier_boundary_handover(st, c, who, code, in.now, &status,
	                                                 handover, sizeof handover, err))) ||
	    (rc = dossier_intake_event(st, who, cmd, &in, code, handover, status, err)))
		goto fail;
	/* Telling the applicant who consented what the domain says the intake
	 * tells (with the secret, known only now). */
	const char *trigger = dossier_notify_name(dossier_intake_notify(cmd->outcome));
	if (trigger && (rc = store_notify_dossier(st, code, trigger, secret, who->actor, err)))
		goto fail;
	/* The answer, read in the same transaction as the change. */
	if ((rc = dossier_view_after(st, c, code, in.now, view, err)) ||
	    (rc = store_notify_planned(st, code, planned, err)))
		goto fail;
	dossier_intake_free(&in);
	if ((rc = store_commit(st, err)) == MC_OK)
		return MC_OK;
	dossier_record_clear(view);
	notify_planned_free(planned);
	return rc;
fail:
	dossier_record_clear(view);
	dossier_intake_free(&in);
	store_rollback(st);
	return rc;
}
