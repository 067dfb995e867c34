/* The steps of a dossier (dossier_steps: the control sheet's rows, Mẫu 06):
 * a hand-over starts one and ends the one before, with its working time
 * judged against its budget by the domain (dossier_step_close); and the
 * boundary-free hand-over of a dossier received for another authority. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/calendar.h"
#include "store/dialect.h"
#include "store/dossier_internal.h"
#include "store/scan.h"
#include "util/xmalloc.h"

/* The budget in working seconds of office's step into *budget, from the
 * procedure's "steps" ([{"office","days"}], read by SQL: the last that names
 * office with a number of days); -1 when the procedure sets none. MC_OK or
 * the database error. */
static enum mc_err dossier_step_budget(struct store *st, struct store_conn *c, int64_t procedure_id,
                                       const char *office, int64_t *budget, struct mc_error *err)
{
	*budget = -1;
	db_stmt *s = store_stmt(c, "SELECT body FROM procedures WHERE id = ?");
	if (s == NULL)
		return store_sql_error(c, "procedure", err);
	db_bind_int64(s, 1, procedure_id);
	int step;
	char *body = store_next(s, &step) ? xstrdup(store_col_text(s, 0)) : NULL;
	enum mc_err rc = store_scan_end(c, s, step, "procedure", err);
	if (rc || body == NULL)
		goto done;
	if ((s = store_stmt(c, dialect_json_array_items_sql(c->db))) == NULL) {
		rc = store_sql_error(c, "step budget", err);
		goto done;
	}
	db_bind_text(s, 1, body, -1, DB_STATIC);
	db_bind_text(s, 2, "steps", -1, DB_STATIC);
	db_bind_text(s, 3, "office", -1, DB_STATIC);
	db_bind_text(s, 4, "days", -1, DB_STATIC);
	bool found = false;
	double days = 0;
	while (store_next(s, &step)) {
		if (db_column_type(s, 1) == DB_NULL || db_column_type(s, 0) == DB_NULL ||
		    strcmp(store_col_text(s, 0), office) != 0)
			continue;
		found = true;
		days = db_column_double(s, 1);
	}
	if ((rc = store_scan_end(c, s, step, "step budget", err)) == MC_OK && found)
		*budget = dossier_step_budget_of(days, store_calendar_day_seconds(st));
done:
	free(body);
	return rc;
}

/* Declared in dossier_internal.h: the working time spent, and early / on
 * time / late against the step's budget (dossier_step_close). */
enum mc_err dossier_end_step(struct store *st, struct store_conn *c, const struct dossier_row *d,
                             int64_t now, struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT id, given_at, budget_seconds FROM dossier_steps"
	                           " WHERE dossier_id = ? AND ended_at IS NULL");
	if (s == NULL)
		return store_sql_error(c, "step", err);
	db_bind_int64(s, 1, d->id);
	int64_t id = 0, given = 0, budget = -1;
	int step;
	if (store_next(s, &step)) {
		id = db_column_int64(s, 0);
		given = db_column_int64(s, 1);
		budget = db_column_type(s, 2) == DB_NULL ? -1 : db_column_int64(s, 2);
	}
	enum mc_err rc = store_scan_end(c, s, step, "step", err);
	if (rc || id == 0)
		return rc;
	struct dossier_cal dc;
	dossier_cal_init(&dc, st, err);
	int64_t spent = 0;
	bool has_result = false;
	enum dossier_timing result = DT_ON_TIME;
	if (!dossier_step_close(&dc.cal, given, budget, now, &spent, &has_result, &result))
		return dc.rc;
	s = store_stmt(c, "UPDATE dossier_steps SET ended_at = ?1, spent_seconds = ?2, result = ?3"
	                  " WHERE id = ?4");
	if (s == NULL)
		return store_sql_error(c, "step", err);
	db_bind_int64(s, 1, now);
	db_bind_int64(s, 2, spent);
	if (has_result)
		db_bind_text(s, 3, dossier_timing_name(result), -1, DB_STATIC);
	db_bind_int64(s, 4, id);
	return store_step(c, s, "step", err);
}

/* Starts the step of office (receiver: a person of it, else the office)
 * for dossier d at now and makes it the holder. The step's budget is the
 * procedure's for office, else fallback (working seconds; -1: none).
 * Writer connection, inside the caller's transaction. */
enum mc_err dossier_start_step(struct store *st, struct store_conn *c, const struct dossier_row *d,
                               const struct principal *who, const char *office,
                               const char *receiver, const char *note, int64_t fallback,
                               int64_t now, struct mc_error *err)
{
	int64_t budget;
	enum mc_err rc = dossier_step_budget(st, c, d->procedure_id, office, &budget, err);
	if (rc)
		return rc;
	if (budget < 0)
		budget = fallback;
	db_stmt *s = store_stmt(c, "INSERT INTO dossier_steps (dossier_id, office, giver,"
	                           " receiver, given_at, budget_seconds, note)"
	                           " VALUES (?,?,?,?,?,?,?)");
	if (s == NULL)
		return store_sql_error(c, "step", err);
	db_bind_int64(s, 1, d->id);
	db_bind_text(s, 2, office, -1, DB_STATIC);
	db_bind_text(s, 3, who->username, -1, DB_STATIC);
	db_bind_text(s, 4, receiver ? receiver : office, -1, DB_STATIC);
	db_bind_int64(s, 5, now);
	if (budget >= 0)
		db_bind_int64(s, 6, budget);
	if (note)
		db_bind_text(s, 7, note, -1, DB_STATIC);
	rc = store_step(c, s, "step", err);
	if (rc)
		return rc;
	s = store_stmt(c, "UPDATE dossiers SET holder_office = ?, holder = ? WHERE id = ?");
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	db_bind_text(s, 1, office, -1, DB_STATIC);
	db_bind_text(s, 2, receiver ? receiver : office, -1, DB_STATIC);
	db_bind_int64(s, 3, d->id);
	return store_step(c, s, "dossier", err);
}

/* Boundary-free intake (docs/province.md): a dossier received for an
 * authority that the receiving office does not belong to is handed over at
 * once to the authority's processing office (the procedure's own office when
 * it lies below the authority, else the authority's first processing office,
 * else the authority), a control-sheet step budgeted like any other (the
 * procedure's step, else the legal time left: dossier_handover_budget). The hand-over moves the
 * status as a handover action does: *status (the status the dossier is
 * written with) becomes in_process when it was received, and the row
 * follows. Nothing when the authority is the receiving centre's own or the
 * dossier has a step already. to gets the office code handed to ("" when
 * none). Writer connection, inside the caller's transaction. */
enum mc_err dossier_boundary_handover(struct store *st, struct store_conn *c,
                                      const struct principal *who, const char *code, int64_t now,
                                      enum dossier_status *status, char *to, size_t tolen,
                                      struct mc_error *err)
{
	struct dossier_row d;
	enum mc_err rc = dossier_load(c, NULL, code, &d, err);
	if (rc)
		return rc;
	to[0] = '\0';
	db_stmt *s =
	    store_stmt(c, "SELECT coalesce((SELECT po.code FROM procedures p JOIN offices po"
	                  "  ON po.code = p.office JOIN office_paths op ON op.office_id = po.id"
	                  "  WHERE p.id = ?3 AND op.ancestor_id = ?1),"
	                  " (SELECT code FROM offices WHERE parent_id = ?1 AND kind = 'internal'"
	                  "  AND active = 1 ORDER BY sort, id LIMIT 1), a.code)"
	                  " FROM offices a WHERE a.id = ?1 AND a.kind = 'authority'"
	                  " AND NOT EXISTS (SELECT 1 FROM office_paths WHERE ancestor_id = ?1"
	                  "  AND office_id = ?2)"
	                  " AND NOT EXISTS (SELECT 1 FROM dossier_steps WHERE dossier_id = ?4)");
	if (s == NULL)
		return store_sql_error(c, "step", err);
	db_bind_int64(s, 1, d.authority_id);
	db_bind_int64(s, 2, d.intake_office_id);
	db_bind_int64(s, 3, d.procedure_id);
	db_bind_int64(s, 4, d.id);
	int step;
	if (store_next(s, &step))
		snprintf(to, tolen, "%s", store_col_text(s, 0));
	if ((rc = store_scan_end(c, s, step, "step", err)) || to[0] == '\0')
		return rc;
	struct dossier_cal dc;
	dossier_cal_init(&dc, st, NULL);
	if ((rc = dossier_start_step(st, c, &d, who, to, NULL, NULL,
	                             dossier_handover_budget(&dc.cal, d.due_at, now), now, err)))
		return rc;
	if (*status != DS_RECEIVED)
		return MC_OK;
	*status = DS_IN_PROCESS;
	s = store_stmt(c, "UPDATE dossiers SET status = ? WHERE id = ?");
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	db_bind_text(s, 1, dossier_status_name(*status), -1, DB_STATIC);
	db_bind_int64(s, 2, d.id);
	return store_step(c, s, "dossier", err);
}
