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

/* Intake at the counter (tiếp nhận). req:
 *   {"procedure":"2.000815", "applicant":{"name","id_number","address","phone","email"},
 *    "documents":[{"name","kind":"original"|"copy","count"}], "sets":1,
 *    "outcome":"received"|"supplement"|"refused",
 *    "missing":[{"item","reason"}]   (supplement: every missing item at once),
 *    "reason":"…"                     (refused), "ticket_id":N (optional)}
 * *out gets {"dossier":{…}, "secret":"…" (received, supplement), "form":"mau-01"|…}.
 * The code <agency>-<YYMMDD>-<NNNN> is gap-free per agency per day.
 * The applicant's id_number, phone and email follow domain/applicant.h (400
 * invalid_id_number / invalid_phone / invalid_email); the phone is kept as
 * 0xxxxxxxxx. The same id_number and procedure taken in within 30 days is 409
 * probable_duplicate unless req has "confirm_duplicate": true. On those
 * errors *out may get the error's extra members ({"field"} or
 * {"duplicate_of":{"code","intake_at","status"}}; the caller frees it). */
enum mc_err store_dossier_intake(struct store *st, const struct principal *who, json_t *req,
                                 json_t **out, struct mc_error *err);

/* One action ({"action":"handover", …}; see docs/api.md) on the dossier
 * `code`. *out gets the dossier's staff view after it. */
enum mc_err store_dossier_act(struct store *st, const struct principal *who, const char *code,
                              json_t *req, json_t **out, struct mc_error *err);

/* The staff view with the full history; MC_ERR_NOT_FOUND when absent. */
enum mc_err store_dossier_get(struct store *st, const char *code, json_t **out,
                              struct mc_error *err);
/* The control sheet (Mẫu 06): one row per hand-over. */
enum mc_err store_dossier_control_sheet(struct store *st, const char *code, json_t **out,
                                        struct mc_error *err);

struct dossier_filter {
	const char *status, *procedure, *field, *office, *holder;
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
 * received_to is not a real date; a database error otherwise; err filled and
 * *out untouched on any error. */
enum mc_err store_dossier_list(struct store *st, const struct dossier_filter *f, int offset,
                               int limit, json_t **out, struct mc_error *err);

/* The citizen's view: status, appointment, what is still needed, lateness
 * and apology; no personal field. *out gets it (the caller frees it).
 * MC_ERR_NOT_FOUND ("dossier_not_found") alike when the code is unknown or
 * the secret wrong (the caller cannot tell which); a database error
 * otherwise. On any error *out is untouched. */
enum mc_err store_dossier_public(struct store *st, const char *code, const char *secret,
                                 json_t **out, struct mc_error *err);

/* The ledger (sổ theo dõi, Mẫu 07) of dossiers received between two office
 * dates, inclusive, as CSV appended to out: a header line, then one line per
 * dossier, every cell through util/csv.h (text that a spreadsheet would run
 * as a formula is neutralised). MC_ERR_INVALID ("invalid_period") for a bad
 * period; on a database error, even mid-way, returns it and out holds a
 * partial text the caller must discard. */
enum mc_err store_dossier_ledger_csv(struct store *st, const char *from, const char *to,
                                     struct strbuf *out, struct mc_error *err);

/* Checks every dossier row against its newest event in the chain (status
 * and due instant): MC_ERR_CONFLICT ("audit_state_mismatch") naming the first
 * dossier edited behind the chain's back. */
enum mc_err store_dossier_audit(struct store *st, int64_t *checked, struct mc_error *err);

#endif
