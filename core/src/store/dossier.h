/* Dossiers on the store: intake at the counter, the actions of processing and
 * return, and the views (staff, control sheet, public lookup, ledger). The
 * API parses requests into the typed commands below (api/parse_dossier.c)
 * and presents the structs the views answer (api/present_dossier.c); the
 * domain decides (domain/dossier.h: the state machine, who acts from where,
 * lateness, pauses); the store keeps: each change is one write transaction
 * with its event in the audit chain (entity "dossier", never on the public
 * live stream: dossiers carry personal data), deadlines from the office
 * calendar (store/calendar.h). Every failure leaves the database unchanged.
 * No JSON library here: JSON columns travel as text. */
#ifndef MOTCUA_STORE_DOSSIER_H
#define MOTCUA_STORE_DOSSIER_H

#include "domain/dossier.h"
#include "domain/principal.h"
#include "store/store.h"

struct db_stmt;

/* Scope of a dossier (docs/province.md, "Scopes"), for a store query that
 * names the dossier row `d`: true when the office answering for it now
 * (DOSSIER_HOLDER_SQL) lies in the caller's subtree, or, unless :spec is 1
 * (a specialist, whose scope is the holder only), when the centre that
 * received it, the authority competent for it or the centre that returns it
 * does. Built of SCOPE_SQL (store/store_internal.h); bind with
 * store_dossier_bind_scope. */
// clang-format off
#define DOSSIER_SCOPE_SQL                                                                          \
	"(" SCOPE_SQL(DOSSIER_HOLDER_SQL)                                                          \
	" OR (:spec = 0 AND (" SCOPE_SQL("d.intake_office_id")                                     \
	" OR " SCOPE_SQL("d.authority_id")                                                         \
	" OR " SCOPE_SQL("d.return_office_id") ")))"
// clang-format on

/* The id of the office answering for the dossier `d` now: the holder; while
 * it is at a partner agency (liên thông), the office that sent it there (the
 * last step's office that is no partner, else the receiving centre). */
#define DOSSIER_HOLDER_SQL                                                                         \
	"(SELECT CASE ho.kind WHEN 'partner' THEN coalesce((SELECT so.id FROM dossier_steps ss"    \
	" JOIN offices so ON so.code = ss.office WHERE ss.dossier_id = d.id"                       \
	" AND so.kind <> 'partner' ORDER BY ss.id DESC LIMIT 1), d.intake_office_id)"              \
	" ELSE ho.id END FROM offices ho WHERE ho.code = d.holder_office)"

/* Binds :scope and :spec of a statement that holds DOSSIER_SCOPE_SQL to
 * who's scope (NULL: the server itself, which sees every dossier). */
void store_dossier_bind_scope(struct db_stmt *s, const struct principal *who);

/* ---- commands (api/parse_dossier.c builds them from the request) ---- */

/* The form an intake's outcome prints: "mau-01", "mau-02", "mau-03". */
const char *dossier_outcome_form(enum dossier_outcome o);

/* Intake at the counter (tiếp nhận), checked by parse_dossier_intake. The
 * const strings point into the request (which outlives the command); the
 * char * members are owned and freed by dossier_intake_cmd_clear.
 *   office:    the receiving centre or point (NULL: the caller's own, or the
 *              only centre of the caller's scope);
 *   authority: the competent authority (NULL: the procedure's office's, else
 *              the one above the receiving centre);
 *   return_at: the centre that returns the result (NULL: the receiving one). */
struct dossier_intake_cmd {
	const char *procedure;
	enum dossier_outcome outcome;
	const char *reason; /* a refusal's (required then), else optional */
	const char *name, *id_number, *address, *phone, *email; /* phone 0xxxxxxxxx */
	char *applicant;   /* the applicant object as JSON text (notify taken out) */
	char *documents;   /* [{"name","kind","count"}] as JSON text, "[]" when none */
	char *missing;     /* [{"item","reason"}] as JSON text, or NULL */
	int64_t sets;      /* 1..100 */
	int64_t ticket_id; /* 0: none */
	bool confirm_duplicate;
	char *consent; /* dossiers.notify (notify_consent_parse's), or NULL */
	const char *office, *authority, *return_at;
	char *echo; /* the request as a JSON object's text, for the audit record */
};
void dossier_intake_cmd_clear(struct dossier_intake_cmd *cmd);

/* One action on a dossier (docs/api.md), checked by parse_dossier_action.
 * Strings point into the request; items and echo are owned
 * (dossier_action_cmd_clear). */
struct dossier_action_cmd {
	enum dossier_action action;
	const char *note, *reason;
	const char *to_office, *to_person; /* handover (to_person optional) */
	const char *partner;               /* send_interagency */
	const char *collected_by;          /* return_result */
	int64_t new_due;                   /* apologize: the new appointment */
	char *items; /* request_supplement: [{"item","reason"}] as JSON text */
	char *echo;  /* the request as a JSON object's text, for the audit record */
};
void dossier_action_cmd_clear(struct dossier_action_cmd *cmd);

/* An earlier dossier an intake probably repeats. */
struct dossier_duplicate {
	char code[64];
	int64_t intake_at;
	enum dossier_status status;
};

struct dossier_record;      /* below */
struct notify_planned_list; /* store/notify.h */

/* Intake at the counter: one write transaction. The code
 * <agency>-<YYMMDD>-<NNNN> is gap-free per agency per day; the agency is the
 * receiving centre's code (a point's: its centre's). A dossier received for
 * an authority the receiving centre does not belong to (boundary-free
 * intake) gets a hand-over step to the authority's processing office at
 * once. MC_OK: code gets the new dossier's code, secret its lookup secret
 * ("" when refused), and the answer read inside the same transaction:
 * *view the staff view of the new dossier (steps, no history, unscoped) and
 * *planned the messages it planned (store_notify_planned); the caller
 * clears both (dossier_record_clear, notify_planned_free). On an error both
 * are empty. 404 procedure_not_found, ticket_not_found, office_not_found (unknown, or outside the
 * caller's scope for "office"); 400 office_required (several centres in the caller's scope, none
 * named), not_an_authority, not_a_centre; 409 office_not_configured, daily_limit; 409
 * probable_duplicate (the same id_number and procedure taken in within 30 days and no
 * confirm_duplicate) with *dup filled. */
enum mc_err store_dossier_intake(struct store *st, const struct principal *who,
                                 const struct dossier_intake_cmd *cmd, char code[96],
                                 char secret[16], struct dossier_duplicate *dup,
                                 struct dossier_record *view, struct notify_planned_list *planned,
                                 struct mc_error *err);

/* What the intake's check tells before saving (store_dossier_intake_check). */
struct dossier_intake_check {
	char *procedure_body; /* the procedure as imported (JSON text; owned) */
	int64_t procedure_version;
	int64_t due_at;     /* the appointment an intake now would give; 0 unless received */
	bool has_duplicate; /* a probable duplicate: dup (a warning here) */
	struct dossier_duplicate dup;
};
void dossier_intake_check_clear(struct dossier_intake_check *c);

/* The words of a probable duplicate of dup: err filled with
 * MC_ERR_CONFLICT probable_duplicate, which is returned (the intake's
 * refusal and the check's warning alike). */
enum mc_err store_dossier_duplicate_words(const struct dossier_duplicate *dup,
                                          struct mc_error *err);

/* The intake's check without the intake (the counter page asks it before
 * saving): the same checks as store_dossier_intake in the same order, on
 * this thread's reader, writing nothing; a probable duplicate is not an
 * error here but out->has_duplicate. The caller clears *out on MC_OK. */
enum mc_err store_dossier_intake_check(struct store *st, const struct principal *who,
                                       const struct dossier_intake_cmd *cmd,
                                       struct dossier_intake_check *out, struct mc_error *err);

/* ---- views: structs the API presents (api/present_dossier.c) ---- */

/* A step of a dossier: a row of the control sheet (Mẫu 06). Strings are
 * owned; NULL where the view says null. The giving side of a row is the
 * office of the row before it; of the first row, the receiving centre. */
struct dossier_step {
	char *office, *office_name, *giver, *receiver;
	int64_t given_at;
	bool has_budget, has_ended, has_spent;
	int64_t budget_seconds, ended_at, spent_seconds;
	char *result, *note;
	char *from_office, *from_office_name, *giver_name, *receiver_name;
};

/* An event of the dossier's history (oldest first). */
struct dossier_history_row {
	int64_t event, at;
	char *actor, *action;
	char *actor_name; /* the member of staff who acted; NULL for a device, the
	                   * public or a user since removed */
	char *details;    /* the event's details as JSON text, or NULL */
};

/* An office a dossier names (its receiving centre, authority, return
 * centre). Strings are owned; code NULL: there is none (null), else the
 * others are the columns (NULL where empty). */
struct dossier_office {
	char *code, *name, *address, *hours;
};
void dossier_office_clear(struct dossier_office *o);

/* The member of staff who received a dossier. Strings are owned; username
 * NULL: not a member of staff (null), else title NULL when none. */
struct dossier_user {
	char *username, *full_name, *title;
};

/* A dossier as the staff view shows it. Strings are owned (NULL: null);
 * instants and ids are 0 when absent (null). The *_json members are the
 * stored JSON text, or NULL. */
struct dossier_record {
	int64_t id;
	char *code, *procedure_code, *procedure_name, *procedure_field;
	int64_t procedure_version;
	enum dossier_status status;
	char *applicant_json, *documents_json, *pending_json;
	int64_t sets;
	char *reason;
	int64_t intake_at, received_at, due_at, first_due_at, paused_at, paused_seconds;
	int64_t supplements;
	int64_t apology_at, apology_due_at; /* apology_at 0: no apology */
	char *apology_reason;
	int64_t finished_at, returned_at;
	char *returned_to;
	char *holder_office, *holder, *holder_name; /* holder: the username */
	int64_t ticket_id;
	char *intake_by, *channel;        /* never NULL */
	int64_t ledger_book, ledger_line; /* ledger_book 0: no entry yet */
	struct dossier_user received_by_user;
	struct dossier_office intake_office, authority, return_office;
	struct dossier_lateness timing; /* timing.known false: null */
	int64_t day_seconds;            /* one working day (late_working_days) */
	struct dossier_step *steps;     /* the control sheet's rows */
	size_t n_steps;
	bool has_history;
	struct dossier_history_row *history;
	size_t n_history;
};
void dossier_record_clear(struct dossier_record *r);

/* What an action answers, filled inside its write transaction. */
struct dossier_act_result {
	/* The domain's refusal (dossier_decide), DR_NONE when the action was
	 * taken; when refused, what its words name (dossier_refusal_words): the
	 * dossier's status, and place, the holder office (DR_NOT_HOLDER) or the
	 * return centre's name (DR_RETURN_ELSEWHERE). */
	enum dossier_refusal refusal;
	enum dossier_status status;
	char place[300];
	/* Taken: the staff view after it (steps, no history), unscoped: a
	 * hand-over may just have taken the dossier out of the actor's scope. */
	struct dossier_record view;
};
void dossier_act_result_clear(struct dossier_act_result *r);

/* One action on the dossier `code`: the domain decides (domain/dossier.h,
 * dossier_decide), this applies it, records its event and reads the view
 * after it, all in one write transaction. MC_OK with out->refusal DR_NONE
 * and out->view filled when it was taken; MC_OK with out->refusal set when
 * the domain refused it (nothing changed; the API words the refusal). A
 * dossier outside who's scope is MC_ERR_NOT_FOUND (dossier_not_found) and
 * nothing changes. A hand-over's to_person who is not staff of to_office is
 * MC_ERR_INVALID (invalid_field, field "to_person"); an unknown office 404
 * office_not_found; a partner that is none 400 not_a_partner. The caller
 * clears *out (also after an error, when it is empty). */
enum mc_err store_dossier_act(struct store *st, const struct principal *who, const char *code,
                              const struct dossier_action_cmd *cmd, struct dossier_act_result *out,
                              struct mc_error *err);

/* The dossier `code` as who may see it (NULL who: the server, no scope),
 * with its steps, and with its history when history: MC_ERR_NOT_FOUND
 * (dossier_not_found) when absent or outside who's scope. The caller clears
 * *out on MC_OK (on an error it is left clear). */
enum mc_err store_dossier_get(struct store *st, const struct principal *who, const char *code,
                              bool history, struct dossier_record *out, struct mc_error *err);

/* The control sheet's rows of `code` (Mẫu 06): MC_ERR_NOT_FOUND as
 * store_dossier_get. *steps gets an array of *n rows (the caller frees it
 * with dossier_steps_free). */
enum mc_err store_dossier_control_sheet(struct store *st, const struct principal *who,
                                        const char *code, struct dossier_step **steps, size_t *n,
                                        struct mc_error *err);
void dossier_steps_free(struct dossier_step *steps, size_t n);

struct dossier_filter {
	const struct principal *who; /* whose scope (NULL: everything) */
	const char *office;          /* a unit: dossiers inside that office's scope */
	const char *holder_office, *status, *procedure, *field, *holder;
	const char *received_from, *received_to; /* office dates YYYY-MM-DD */
	int64_t due_before;                      /* 0: none */
	int late;                                /* -1 any, 0 not late, 1 late */
	bool at_risk;
	bool open;     /* only dossiers still in the office's hands (not result_ready nor final) */
	const char *q; /* a code, a phone number or an ID number */
	enum dossier_sort {
		DOSSIER_SORT_NEWEST,  /* intake, newest first (the default) */
		DOSSIER_SORT_DUE,     /* due instant, soonest first; no due instant last */
		DOSSIER_SORT_OVERDUE, /* working time past the due instant, most first */
	} sort;
};

/* A page of dossiers (records without steps nor history) in f->sort
 * order; total counts every match, not only the page. */
struct dossier_page {
	struct dossier_record *items;
	size_t n;
	int64_t total;
};
void dossier_page_clear(struct dossier_page *p);

/* MC_ERR_INVALID ("invalid_date", the filter named) when received_from or
 * received_to is not a real date; MC_ERR_NOT_FOUND (office_not_found) when
 * f->office is unknown or outside f->who's scope; a database error
 * otherwise; on any error *out is left clear. The caller clears *out. */
enum mc_err store_dossier_list(struct store *st, const struct dossier_filter *f, int offset,
                               int limit, struct dossier_page *out, struct mc_error *err);

/* The citizen's view: status, appointment, what is still needed, lateness,
 * apology and where to collect the result; no personal field. Strings
 * owned (NULL: null); instants 0 when absent. */
struct dossier_public {
	char *code;
	enum dossier_status status;
	char *procedure_code, *procedure_name;
	int64_t received_at, due_at;
	char *still_needed_json; /* the pending items (JSON text) while supplement_requested */
	bool late;
	int64_t apology_due_at; /* 0: no apology */
	int64_t returned_at;
	struct dossier_office return_office; /* the citizen sees name, address, hours */
};
void dossier_public_clear(struct dossier_public *p);

/* Any code of the province, with its secret. MC_ERR_NOT_FOUND
 * ("dossier_not_found") alike when the code is unknown or the secret wrong
 * (the caller cannot tell which); a database error otherwise. The caller
 * clears *out on MC_OK. */
enum mc_err store_dossier_public(struct store *st, const char *code, const char *secret,
                                 struct dossier_public *out, struct mc_error *err);

/* A line of the ledger (sổ theo dõi, Mẫu 07). Strings belong to the store
 * during the callback, never NULL ("" when empty); instants 0 when absent. */
struct dossier_ledger_row {
	int64_t line; /* the ledger's own line, or the row's order for old rows */
	const char *code, *procedure, *applicant, *phone, *lead_office;
	/* The applicant object as kept (JSON text, NULL when none): the API
	 * reads the address from it. */
	const char *applicant_json;
	int64_t sets;
	int64_t received_at, due_at, sent_at, finished_at, returned_at;
	const char *returned_to, *status;
	int64_t new_appointment_at;
	int64_t book; /* 0: none */
};

/* The ledger of dossiers received between two office dates, inclusive:
 * each receiving centre keeps its own book; the dossiers received by a
 * centre inside who's scope, and inside office (a code, or NULL) when given,
 * ordered by centre then line, each handed to each. MC_ERR_INVALID
 * ("invalid_period") for a bad period; MC_ERR_NOT_FOUND (office_not_found)
 * for an office unknown or outside the scope; a database error, even
 * mid-way (the rows handed so far must then be discarded). */
enum mc_err store_dossier_ledger(struct store *st, const struct principal *who, const char *office,
                                 const char *from, const char *to,
                                 void (*each)(void *ctx, const struct dossier_ledger_row *row),
                                 void *ctx, struct mc_error *err);

/* Checks every dossier row against its newest event in the chain (status
 * and due instant): MC_ERR_CONFLICT ("audit_state_mismatch") naming the first
 * dossier edited behind the chain's back. */
enum mc_err store_dossier_audit(struct store *st, int64_t *checked, struct mc_error *err);

#endif
