/* Shared by the dossier files of the store only (dossier.c: loading,
 * events, the calendar; dossier_step.c: the control sheet's steps;
 * dossier_intake.c; dossier_act.c; dossier_view.c). */
#ifndef MOTCUA_STORE_DOSSIER_INTERNAL_H
#define MOTCUA_STORE_DOSSIER_INTERNAL_H

#include "domain/dossier.h"
#include "store/dossier.h"
#include "store/store_internal.h"
#include "util/jsontext.h"

/* A dossier row as the actions see it (dossier_load). */
struct dossier_row {
	int64_t id;
	char code[64];
	int64_t procedure_id;
	enum dossier_status status;
	int64_t received_at, due_at, paused_at, apology_at, finished_at;
	int64_t paused_seconds;
	int64_t intake_office_id, authority_id;
	bool return_here; /* the return centre lies in the caller's scope */
	bool holder_here; /* the office answering for it now lies in the caller's scope */
	bool intake_here; /* the receiving centre lies in the caller's scope */
	char return_name[300];
	char holder_office[64];
};

/* The dossier `code` as the actions see it, when it lies in who's scope (NULL
 * who: any). MC_ERR_NOT_FOUND (dossier_not_found) when there is none or it is
 * outside the scope; a database error otherwise. */
enum mc_err dossier_load(struct store_conn *c, const struct principal *who, const char *code,
                         struct dossier_row *d, struct mc_error *err);

/* The staff view of `code` after a change, read on c (the writer, inside
 * the change's transaction, so that it shows the rows just written) with its
 * lateness at now, the change's instant: steps, no history, unscoped (a
 * hand-over may just have taken the dossier out of the actor's scope). The
 * caller clears *out on MC_OK (on an error it is left clear). */
enum mc_err dossier_view_after(struct store *st, struct store_conn *c, const char *code,
                               int64_t now, struct dossier_record *out, struct mc_error *err);

/* The office calendar (store/calendar.h) as the domain's rules take it. A
 * failure of the calendar is kept in rc (with err filled, when err is not
 * NULL) and the rule answers false; err NULL: failures are only answered. */
struct dossier_cal {
	struct dossier_calendar cal;
	struct store *st;
	struct mc_error *err;
	enum mc_err rc;
};
void dossier_cal_init(struct dossier_cal *dc, struct store *st, struct mc_error *err);

/* The due instant of a procedure whose limit is unit ("working_days",
 * "working_hours", "same_day") and milli thousandths, received at from. */
enum mc_err dossier_due(struct store *st, const char *unit, int64_t milli, int64_t from,
                        int64_t *due, struct mc_error *err);

/* Appends the dossier's event "dossier.<action>" to the chain, recorded as
 * the receiving centre's (office_id; never on the live stream). details is
 * the request's echo (a JSON object's text, or NULL) with the members of
 * extra (a JSON object's text the store wrote, jt_finish's) added. Inside
 * the caller's write transaction; MC_OK or the error (err filled). */
enum mc_err dossier_event(struct store *st, const struct principal *who, const char *code,
                          int64_t office_id, const char *action, const char *echo,
                          const char *extra, struct mc_error *err);

/* Gives the dossier `code` its entry in the ledger of the centre that
 * received it (dossier.c has the rule). */
enum mc_err dossier_ledger_assign(struct store_conn *c, const char *code, int64_t now,
                                  struct mc_error *err);

/* Ends the open step of dossier d at now (working time spent, early / on
 * time / late against the step's budget). */
enum mc_err dossier_end_step(struct store *st, struct store_conn *c, const struct dossier_row *d,
                             int64_t now, struct mc_error *err);

/* Starts the step of office (receiver: a person of it, else the office) for
 * dossier d at now and makes it the holder. The step's budget is the
 * procedure's for office, else fallback (working seconds; -1: none). */
enum mc_err dossier_start_step(struct store *st, struct store_conn *c, const struct dossier_row *d,
                               const struct principal *who, const char *office,
                               const char *receiver, const char *note, int64_t fallback,
                               int64_t now, struct mc_error *err);

/* Boundary-free intake: the hand-over at once of a dossier received for
 * another authority (dossier_step.c has the rule). */
enum mc_err dossier_boundary_handover(struct store *st, struct store_conn *c,
                                      const struct principal *who, const char *code, int64_t now,
                                      enum dossier_status *status, char *to, size_t tolen,
                                      struct mc_error *err);

/* Looks up office code on c: *id and *kind (kind up to klen bytes), *id = 0
 * when there is none; within who's scope only when scoped. */
enum mc_err dossier_office_find(struct store_conn *c, const struct principal *who, bool scoped,
                                const char *code, int64_t *id, char *kind, size_t klen,
                                struct mc_error *err);
enum mc_err dossier_office_not_found(struct mc_error *err, const char *what, const char *code);

#endif
