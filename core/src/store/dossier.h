/* Dossiers on the store: intake at the counter, the actions of processing and
 * return, and the views (staff, control sheet, public lookup, ledger). Each
 * change is one write transaction with its event in the audit chain (entity
 * "dossier", never on the public live stream: dossiers carry personal data).
 * The state machine is domain/dossier.h; deadlines come from the office
 * calendar (store/calendar.h). Every failure leaves the database unchanged. */
#ifndef MOTCUA_STORE_DOSSIER_H
#define MOTCUA_STORE_DOSSIER_H

#include <jansson.h>

#include "domain/dossier.h"
#include "domain/principal.h"
#include "store/store.h"

struct strbuf;
struct sqlite3_stmt;

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
void store_dossier_bind_scope(struct sqlite3_stmt *s, const struct principal *who);

/* ---- commands (api/parse_dossier.c builds them from the request) ---- */

enum dossier_outcome {
	DOSSIER_OUTCOME_RECEIVED,   /* complete: tiếp nhận, the clock starts (Mẫu 01) */
	DOSSIER_OUTCOME_SUPPLEMENT, /* incomplete: every missing item at once (Mẫu 02) */
	DOSSIER_OUTCOME_REFUSED,    /* refused at intake, with a reason (Mẫu 03) */
};
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
	char *consent; /* dossiers.notify (store_notify_consent's), or NULL */
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

/* Intake at the counter: one write transaction. The code
 * <agency>-<YYMMDD>-<NNNN> is gap-free per agency per day; the agency is the
 * receiving centre's code (a point's: its centre's). A dossier received for
 * an authority the receiving centre does not belong to (boundary-free
 * intake) gets a hand-over step to the authority's processing office at
 * once. MC_OK: code gets the new dossier's code, secret its lookup secret
 * ("" when refused). 404 procedure_not_found, ticket_not_found,
 * office_not_found (unknown, or outside the caller's scope for "office");
 * 400 office_required (several centres in the caller's scope, none named),
 * not_an_authority, not_a_centre; 409 office_not_configured, daily_limit;
 * 409 probable_duplicate (the same id_number and procedure taken in within
 * 30 days and no confirm_duplicate) with *dup filled. */
enum mc_err store_dossier_intake(struct store *st, const struct principal *who,
                                 const struct dossier_intake_cmd *cmd, char code[96],
                                 char secret[16], struct dossier_duplicate *dup,
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

/* One action on the dossier `code`: the domain decides (domain/dossier.h,
 * dossier_decide), this applies it and records its event. A dossier outside
 * who's scope is MC_ERR_NOT_FOUND (dossier_not_found) and nothing changes;
 * the domain's refusals come as their errors (dossier_refusal_text:
 * forbidden, action_not_allowed, apology_once, apology_after_due,
 * not_holder, return_elsewhere, invalid_new_due). A hand-over's to_person
 * who is not staff of to_office is MC_ERR_INVALID (invalid_field, field
 * "to_person"); an unknown office 404 office_not_found; a partner that is
 * none 400 not_a_partner. The caller reads the view after it. */
enum mc_err store_dossier_act(struct store *st, const struct principal *who, const char *code,
                              const struct dossier_action_cmd *cmd, struct mc_error *err);

/* The staff view of `code` without history and without scope (the answer
 * to an intake or an action). The caller frees *out. */
enum mc_err store_dossier_view(struct store *st, const char *code, json_t **out,
                               struct mc_error *err);

/* The staff view with the full history as who may see it: MC_ERR_NOT_FOUND
 * (dossier_not_found) when absent or outside who's scope (NULL who: the
 * server, no scope). The caller frees *out. */
enum mc_err store_dossier_get_as(struct store *st, const struct principal *who, const char *code,
                                 json_t **out, struct mc_error *err);
/* The same for the server itself (no scope), e.g. to print a form once the
 * route has checked the caller's scope with store_dossier_get_as. */
enum mc_err store_dossier_get(struct store *st, const char *code, json_t **out,
                              struct mc_error *err);
/* The control sheet (Mẫu 06): one row per hand-over; MC_ERR_NOT_FOUND as
 * store_dossier_get. */
enum mc_err store_dossier_control_sheet(struct store *st, const struct principal *who,
                                        const char *code, json_t **out, struct mc_error *err);

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

/* A page of dossiers (staff views without history) in f->sort order: *out
 * gets {"items":[…],"total":N,"offset":o,"limit":l} (the caller frees it);
 * total counts every match, not only the page.
 * MC_ERR_INVALID ("invalid_date", the filter named) when received_from or
 * received_to is not a real date; MC_ERR_NOT_FOUND (office_not_found) when
 * f->office is unknown or outside f->who's scope; a database error
 * otherwise; err filled and *out untouched on any error. */
enum mc_err store_dossier_list(struct store *st, const struct dossier_filter *f, int offset,
                               int limit, json_t **out, struct mc_error *err);

/* The citizen's view: status, appointment, what is still needed, lateness,
 * apology and where to collect the result ("return_office": {name, address,
 * hours}); no personal field. Any code of the province. *out gets it (the caller frees it).
 * MC_ERR_NOT_FOUND ("dossier_not_found") alike when the code is unknown or
 * the secret wrong (the caller cannot tell which); a database error
 * otherwise. On any error *out is untouched. */
enum mc_err store_dossier_public(struct store *st, const char *code, const char *secret,
                                 json_t **out, struct mc_error *err);

/* The ledger (sổ theo dõi, Mẫu 07) of dossiers received between two office
 * dates, inclusive, as CSV appended to out: a header line, then one line per
 * dossier, every cell through util/csv.h (text that a spreadsheet would run
 * as a formula is neutralised). Each receiving centre keeps its own book:
 * the dossiers received by a centre inside who's scope, and inside office
 * (a code, or NULL) when given, ordered by centre then line.
 * MC_ERR_INVALID ("invalid_period") for a bad period; MC_ERR_NOT_FOUND
 * (office_not_found) for an office unknown or outside the scope; on a
 * database error, even mid-way, returns it and out holds a partial text the
 * caller must discard. */
enum mc_err store_dossier_ledger_csv(struct store *st, const struct principal *who,
                                     const char *office, const char *from, const char *to,
                                     struct strbuf *out, struct mc_error *err);

/* Checks every dossier row against its newest event in the chain (status
 * and due instant): MC_ERR_CONFLICT ("audit_state_mismatch") naming the first
 * dossier edited behind the chain's back. */
enum mc_err store_dossier_audit(struct store *st, int64_t *checked, struct mc_error *err);

#endif
