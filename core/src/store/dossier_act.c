/* The actions on a dossier (docs/api.md): the domain decides
 * (dossier_decide, and the working-time rules of domain/dossier.h), a table
 * of per-action apply functions writes what each action changes besides the
 * status, and every action ends the same way: the status, the event with the
 * state left behind, the applicant's message. One write transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/office.h"
#include "store/dossier_internal.h"
#include "store/notify_scan.h"
#include "store/scan.h"
#include "util/clock.h"

/* One action in progress. */
struct act {
	struct store *st;
	struct store_conn *c;
	const struct principal *who;
	const struct dossier_action_cmd *cmd;
	struct dossier_row d; /* as loaded, before the action */
	int64_t now;
	enum dossier_status next; /* the status after it (the domain's) */
	/* The office a supplement completing an intake hands the dossier to at
	 * once (another authority's dossier), named in its event; "" when none. */
	char handover[64];
	struct mc_error *err;
};

/* Office code exists and may serve use (the domain's dossier_office_permit):
 * MC_OK; 404 office_not_found; 400 not_a_partner; a database error. */
static enum mc_err dossier_office_known(struct store_conn *c, const char *code,
                                        enum dossier_office_use use, struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT kind FROM offices WHERE code = ?");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	db_bind_text(s, 1, code, -1, DB_STATIC);
	bool found = false;
	unsigned kind = 0;
	int step;
	if (store_next(s, &step)) {
		found = true;
		kind = office_kind_bit(store_col_text(s, 0));
	}
	enum mc_err rc = store_scan_end(c, s, step, "office", err);
	if (rc)
		return rc;
	if (!found)
		return mc_failf(err, MC_ERR_NOT_FOUND, "office_not_found", "Không có cơ quan này",
		                "No office '%.40s'", code);
	if (dossier_office_permit(use, kind) != DOR_NONE)
		return mc_failf(err, MC_ERR_INVALID, "not_a_partner",
		                "Đây không phải cơ quan phối hợp liên thông",
		                "'%.40s' is not a partner agency", code);
	return MC_OK;
}

/* Whether person may be named as the receiver of a hand-over to office: an
 * active user (not an administrator) of office, of an office below it, or
 * of an office above it short of the province (e.g. the specialists of a
 * single centre, whose processing offices hang below it; a commune's
 * supervisor). MC_OK when so; MC_ERR_INVALID invalid_field naming the
 * field "to_person" when not (an unknown username and another office's
 * user alike: nothing tells which); a database error. */
static enum mc_err dossier_person_of(struct store_conn *c, const char *office, const char *person,
                                     struct mc_error *err)
{
	db_stmt *s =
	    store_stmt(c, "SELECT 1 FROM users u JOIN offices uo ON uo.id = u.office_id"
	                  " JOIN offices o ON o.code = ?2"
	                  " WHERE u.username = ?1 AND u.active = 1 AND u.role <> 'admin'"
	                  " AND uo.kind <> 'province'"
	                  " AND (EXISTS (SELECT 1 FROM office_paths WHERE office_id = uo.id AND "
	                  "ancestor_id = o.id)"
	                  " OR EXISTS (SELECT 1 FROM office_paths WHERE office_id = o.id AND "
	                  "ancestor_id = uo.id))");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	db_bind_text(s, 1, person, -1, DB_STATIC);
	db_bind_text(s, 2, office, -1, DB_STATIC);
	int step;
	bool found = store_next(s, &step);
	enum mc_err rc = store_scan_end(c, s, step, "user", err);
	if (rc || found)
		return rc;
	mc_fail(err, MC_ERR_INVALID, "invalid_field",
	        "Người nhận không phải cán bộ của đơn vị nhận hồ sơ",
	        "to_person must be an active user of to_office");
	return mc_error_field(err, "to_person");
}

/* Runs sql, an UPDATE of the dossier's row whose ?1 is now, ?2 text (NULL
 * binds nothing) and ?3 the row's id. */
static enum mc_err act_update(struct act *a, const char *sql, const char *text)
{
	db_stmt *s = store_stmt(a->c, sql);
	if (s == NULL)
		return store_sql_error(a->c, "dossier", a->err);
	db_bind_int64(s, 1, a->now);
	if (text)
		db_bind_text(s, 2, text, -1, DB_STATIC);
	db_bind_int64(s, 3, a->d.id);
	return store_step(a->c, s, "dossier", a->err);
}

static enum mc_err apply_handover(struct act *a)
{
	enum mc_err rc;
	const char *office = a->cmd->to_office, *person = a->cmd->to_person;
	if ((rc = dossier_office_known(a->c, office, DOU_HANDOVER, a->err)) ||
	    (person && (rc = dossier_person_of(a->c, office, person, a->err))) ||
	    (rc = dossier_end_step(a->st, a->c, &a->d, a->now, a->err)))
		return rc;
	return dossier_start_step(a->st, a->c, &a->d, a->who, office, person, a->cmd->note, -1,
	                          a->now, a->err);
}

static enum mc_err apply_send_interagency(struct act *a)
{
	enum mc_err rc;
	if ((rc = dossier_office_known(a->c, a->cmd->partner, DOU_PARTNER, a->err)) ||
	    (rc = dossier_end_step(a->st, a->c, &a->d, a->now, a->err)))
		return rc;
	return dossier_start_step(a->st, a->c, &a->d, a->who, a->cmd->partner, NULL, a->cmd->note,
	                          -1, a->now, a->err);
}

static enum mc_err apply_end_step(struct act *a)
{
	return dossier_end_step(a->st, a->c, &a->d, a->now, a->err);
}

/* The office asks for more: every item kept as pending, the clock pauses. */
static enum mc_err apply_request_supplement(struct act *a)
{
	return act_update(a,
	                  "UPDATE dossiers SET pending = ?2, paused_at = ?1,"
	                  " supplements = supplements + 1 WHERE id = ?3",
	                  a->cmd->items);
}

/* The clock of a dossier complete at intake at last starts now: *due the
 * procedure's appointment from now. */
static enum mc_err act_first_due(struct act *a, int64_t *due)
{
	char unit[16] = "";
	int64_t milli = 0;
	db_stmt *q = store_stmt(a->c, "SELECT time_unit, time_milli FROM procedures"
	                              " WHERE id = ?");
	if (q == NULL)
		return store_sql_error(a->c, "procedure", a->err);
	db_bind_int64(q, 1, a->d.procedure_id);
	int step;
	if (store_next(q, &step)) {
		snprintf(unit, sizeof unit, "%s", store_col_text(q, 0));
		milli = db_column_int64(q, 1);
	}
	enum mc_err rc = store_scan_end(a->c, q, step, "procedure", a->err);
	return rc ? rc : dossier_due(a->st, unit, milli, a->now, due, a->err);
}

/* The citizen brought what was asked: at intake the clock starts (and a
 * boundary-free dossier is handed over); in processing the due instant
 * moves by the working time paused (dossier_resume). */
static enum mc_err apply_supplement_received(struct act *a)
{
	int64_t due = a->d.due_at, paused = 0, received = a->d.received_at;
	enum mc_err rc;
	if (a->d.received_at == 0) {
		received = a->now;
		if ((rc = act_first_due(a, &due)))
			return rc;
	} else {
		struct dossier_cal dc;
		dossier_cal_init(&dc, a->st, a->err);
		if (!dossier_resume(&dc.cal, a->d.due_at, a->d.paused_at, a->now, &paused, &due))
			return dc.rc ? dc.rc : MC_ERR_INTERNAL;
	}
	db_stmt *s =
	    store_stmt(a->c, "UPDATE dossiers SET pending = NULL, paused_at = NULL,"
	                     " paused_seconds = paused_seconds + ?1, due_at = ?2, received_at = ?3,"
	                     " first_due_at = coalesce(first_due_at, ?2) WHERE id = ?4");
	if (s == NULL)
		return store_sql_error(a->c, "dossier", a->err);
	db_bind_int64(s, 1, paused);
	db_bind_int64(s, 2, due);
	db_bind_int64(s, 3, received);
	db_bind_int64(s, 4, a->d.id);
	if ((rc = store_step(a->c, s, "dossier", a->err)) ||
	    (rc = dossier_ledger_assign(a->c, a->d.code, received, a->err)))
		return rc;
	if (a->d.received_at != 0)
		return MC_OK;
	return dossier_boundary_handover(a->st, a->c, a->who, a->d.code, a->now, &a->next,
	                                 a->handover, sizeof a->handover, a->err);
}

/* Mẫu 04: the apology and its new appointment, an attribute of the dossier. */
static enum mc_err apply_apologize(struct act *a)
{
	db_stmt *s = store_stmt(a->c, "UPDATE dossiers SET apology_at = ?1,"
	                              " apology_due_at = ?2, apology_reason = ?3 WHERE id = ?4");
	if (s == NULL)
		return store_sql_error(a->c, "dossier", a->err);
	db_bind_int64(s, 1, a->now);
	db_bind_int64(s, 2, a->cmd->new_due);
	db_bind_text(s, 3, a->cmd->reason, -1, DB_STATIC);
	db_bind_int64(s, 4, a->d.id);
	return store_step(a->c, s, "dossier", a->err);
}

/* When processing ends, keeps what the indicators read (store/indicators.c):
 * the working seconds of processing, pauses excluded, and the timing
 * (dossier_finish_timing). Nothing for a dossier whose clock never started. */
static enum mc_err act_keep_timing(struct act *a)
{
	struct dossier_cal dc;
	dossier_cal_init(&dc, a->st, a->err);
	int64_t work = 0;
	enum dossier_timing t = DT_ON_TIME;
	if (!dossier_finish_timing(&dc.cal, a->d.received_at, a->d.due_at, a->d.paused_seconds,
	                           a->d.paused_at, a->now, &work, &t))
		return dc.rc;
	db_stmt *s = store_stmt(a->c, "UPDATE dossiers SET work_seconds = ?1, timing = ?2"
	                              " WHERE id = ?3");
	if (s == NULL)
		return store_sql_error(a->c, "dossier", a->err);
	db_bind_int64(s, 1, work);
	db_bind_text(s, 2, dossier_timing_name(t), -1, DB_STATIC);
	db_bind_int64(s, 3, a->d.id);
	return store_step(a->c, s, "dossier", a->err);
}

/* Processing ends (result ready, returned ineligible, withdrawn,
 * cancelled): the step, the timing, and the dossier waits at its return
 * centre. */
static enum mc_err apply_finish(struct act *a)
{
	enum mc_err rc;
	if ((rc = dossier_end_step(a->st, a->c, &a->d, a->now, a->err)) ||
	    (rc = act_keep_timing(a)))
		return rc;
	return act_update(a,
	                  "UPDATE dossiers SET finished_at = ?1, reason = coalesce(?2, reason),"
	                  " paused_at = NULL, holder = NULL, holder_office = coalesce((SELECT"
	                  " code FROM offices WHERE id = return_office_id), holder_office)"
	                  " WHERE id = ?3",
	                  a->cmd->reason);
}

static enum mc_err apply_return_result(struct act *a)
{
	return act_update(a, "UPDATE dossiers SET returned_at = ?1, returned_to = ?2 WHERE id = ?3",
	                  a->cmd->collected_by);
}

/* What each action changes besides the status (NULL: nothing). */
static enum mc_err (*const act_apply[DA_ACTION_COUNT])(struct act *) = {
    [DA_HANDOVER] = apply_handover,
    [DA_REQUEST_SUPPLEMENT] = apply_request_supplement,
    [DA_SUPPLEMENT_RECEIVED] = apply_supplement_received,
    [DA_SEND_INTERAGENCY] = apply_send_interagency,
    [DA_PARTNER_RETURNED] = apply_end_step,
    [DA_RESULT_READY] = apply_finish,
    [DA_RETURN_INELIGIBLE] = apply_finish,
    [DA_APOLOGIZE] = apply_apologize,
    [DA_WITHDRAW] = apply_finish,
    [DA_CANCEL] = apply_finish,
    [DA_RETURN_RESULT] = apply_return_result,
};

/* The status after the action, and its event carrying the state it leaves
 * behind, so audit-verify can tell a row edited behind the chain's back. */
static enum mc_err act_record(struct act *a)
{
	db_stmt *s = store_stmt(a->c, "UPDATE dossiers SET status = ? WHERE id = ?");
	if (s == NULL)
		return store_sql_error(a->c, "dossier", a->err);
	db_bind_text(s, 1, dossier_status_name(a->next), -1, DB_STATIC);
	db_bind_int64(s, 2, a->d.id);
	enum mc_err rc = store_step(a->c, s, "dossier", a->err);
	if (rc)
		return rc;
	int64_t due_after = 0;
	db_stmt *q = store_stmt(a->c, "SELECT due_at FROM dossiers WHERE id = ?");
	if (q == NULL)
		return store_sql_error(a->c, "dossier", a->err);
	int step;
	db_bind_int64(q, 1, a->d.id);
	if (store_next(q, &step))
		due_after = db_column_int64(q, 0);
	if ((rc = store_scan_end(a->c, q, step, "dossier", a->err)))
		return rc;
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_str(&j, "from", dossier_status_name(a->d.status));
	jt_str(&j, "status", dossier_status_name(a->next));
	if (due_after)
		jt_int(&j, "due_at", due_after);
	else
		jt_null(&j, "due_at");
	if (a->handover[0])
		jt_str(&j, "handover_to", a->handover);
	jt_end(&j);
	char *extra = jt_finish(&j);
	rc = dossier_event(a->st, a->who, a->d.code, a->d.intake_office_id,
	                   dossier_action_name(a->cmd->action), a->cmd->echo, extra, a->err);
	free(extra);
	return rc;
}

/* Telling the applicant who consented (store/notify_scan.h) what the
 * domain says this action tells (dossier_notify_trigger). */
static enum mc_err act_notify(struct act *a)
{
	const char *trigger =
	    dossier_notify_name(dossier_notify_trigger(a->cmd->action, a->d.received_at != 0));
	if (trigger == NULL)
		return MC_OK;
	return store_notify_dossier(a->st, a->d.code, trigger, NULL, a->who->actor, a->err);
}

void dossier_act_result_clear(struct dossier_act_result *r)
{
	dossier_record_clear(&r->view);
}

/* The domain's refusal r of a's action, kept in out with what its words
 * name; the API words it (nothing here decides how a refusal answers). */
static void act_refused(const struct act *a, enum dossier_refusal r, struct dossier_act_result *out)
{
	out->refusal = r;
	out->status = a->d.status;
	snprintf(out->place, sizeof out->place, "%s",
	         r == DR_RETURN_ELSEWHERE ? a->d.return_name : a->d.holder_office);
}

enum mc_err store_dossier_act(struct store *st, const struct principal *who, const char *code,
                              const struct dossier_action_cmd *cmd, struct dossier_act_result *out,
                              struct mc_error *err)
{
	struct act a = {.st = st, .who = who, .cmd = cmd, .err = err};
	memset(out, 0, sizeof *out);
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	a.c = store_write_conn(st);
	a.now = clock_now();
	if ((rc = dossier_load(a.c, who, code, &a.d, err)))
		goto fail;
	struct dossier_facts facts = {.status = a.d.status,
	                              .received_at = a.d.received_at,
	                              .due_at = a.d.due_at,
	                              .apology_at = a.d.apology_at,
	                              .holder_here = a.d.holder_here,
	                              .intake_here = a.d.intake_here,
	                              .return_here = a.d.return_here};
	enum dossier_refusal r =
	    dossier_decide(&facts, cmd->action, who->role, cmd->new_due, a.now, &a.next);
	if (r != DR_NONE) {
		act_refused(&a, r, out);
		store_rollback(st);
		return MC_OK;
	}
	if ((act_apply[cmd->action] && (rc = act_apply[cmd->action](&a))) ||
	    (rc = act_record(&a)) || (rc = act_notify(&a)) ||
	    (rc = dossier_view_after(st, a.c, a.d.code, a.now, &out->view, err)))
		goto fail;
	if ((rc = store_commit(st, err)))
		dossier_act_result_clear(out);
	return rc;
fail:
	store_rollback(st);
	return rc;
}
