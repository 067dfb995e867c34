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

/* Intake at the counter (tiếp nhận). req:
 *   {"procedure":"2.000815", "applicant":{"name","id_number","address","phone","email"},
 *    "documents":[{"name","kind":"original"|"copy","count"}], "sets":1,
 *    "outcome":"received"|"supplement"|"refused",
 *    "missing":[{"item","reason"}]   (supplement: every missing item at once),
 *    "reason":"…"                     (refused), "ticket_id":N (optional),
 *    "office":"TT-KS"   (the receiving centre or point: the caller's own by
 *                        default; needed when the caller's scope holds several),
 *    "authority":"UB-LB" (the competent authority: by default the procedure's
 *                        office's authority, else the one above the receiving
 *                        centre), "return_at":"TT-LB" (the centre that returns
 *                        the result; default the receiving one)}
 * *out gets {"dossier":{…}, "secret":"…" (received, supplement), "form":"mau-01"|…}.
 * The code <agency>-<YYMMDD>-<NNNN> is gap-free per agency per day; the
 * agency is the receiving centre's code (a point's: its centre's). A
 * dossier received for an authority the receiving centre does not belong
 * to (boundary-free intake) gets a hand-over step to the authority's
 * processing office at once. 400 office_required (several centres in the
 * caller's scope, none named), not_an_authority, not_a_centre; 404
 * office_not_found (unknown, or outside the caller's scope for "office").
 * The applicant's id_number, phone and email follow domain/applicant.h (400
 * invalid_id_number / invalid_phone / invalid_email); the phone is kept as
 * 0xxxxxxxxx. The same id_number and procedure taken in within 30 days is 409
 * probable_duplicate unless req has "confirm_duplicate": true. On those
 * errors *out may get the error's extra members ({"field"} or
 * {"duplicate_of":{"code","intake_at","status"}}; the caller frees it). */
enum mc_err store_dossier_intake(struct store *st, const struct principal *who, json_t *req,
                                 json_t **out, struct mc_error *err);

/* The intake's check without the intake (the counter page asks it before
 * saving): req as store_dossier_intake takes it, run through the same code
 * (the same errors in the same order, *out the same {"field"} on those that
 * name one, the same scope rules) on this thread's reader, writing nothing.
 * MC_OK: *out gets {"procedure":{…as imported, "code", "version"},
 * "form":"mau-01"|"mau-02"|"mau-03", "due_at":EPOCH|null,
 * "due_text":"dd/mm/yyyy HH:MM"|null, "warnings":[…]}: due_at the
 * appointment an intake at this instant would give (null unless outcome is
 * received: no clock runs yet), due_text the same in office time; a probable
 * duplicate is not an error here but a warning {"code":"probable_duplicate",
 * "message","message_en","duplicate_of":{…}} (whatever confirm_duplicate
 * says). The caller frees *out. */
enum mc_err store_dossier_intake_check(struct store *st, const struct principal *who, json_t *req,
                                       json_t **out, struct mc_error *err);

/* One action ({"action":"handover", …}; see docs/api.md) on the dossier
 * `code`. *out gets the dossier's staff view after it. A dossier outside
 * who's scope is MC_ERR_NOT_FOUND (dossier_not_found) and nothing changes;
 * one inside it that who may not act on (docs/province.md, "Who acts on a
 * dossier": processing by the holder's scope, dossier_action_place) is
 * MC_ERR_CONFLICT (not_holder); return_result by a principal whose scope
 * does not hold the dossier's return centre is MC_ERR_CONFLICT
 * (return_elsewhere). A hand-over's to_person who is not staff of to_office
 * is MC_ERR_INVALID (invalid_field) with *out = {"field":"to_person"} (the
 * caller frees it); on other errors *out is untouched. */
enum mc_err store_dossier_act(struct store *st, const struct principal *who, const char *code,
                              json_t *req, json_t **out, struct mc_error *err);

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
