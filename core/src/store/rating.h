/* Citizens' ratings (đánh giá mức độ hài lòng) on the store: one-time rating
 * links handed out by the counter, and the anonymous ratings they allow.
 *
 * Anonymous by design: a rating row and its event carry no actor (the chain
 * records "public"), no address and no personal field; the dossier code or
 * ticket id is kept only so each dossier or queue visit is rated once. Each
 * change is one write transaction with its event (entity "rating_link" or
 * "rating", never on the live stream). Every failure leaves the database
 * unchanged. */
#ifndef MOTCUA_STORE_RATING_H
#define MOTCUA_STORE_RATING_H

#include <jansson.h>

#include "domain/principal.h"
#include "store/store.h"

/* How long a rating link may be used, from its issue. */
#define RATING_LINK_SECONDS (30 * 86400)

/* The levels, best first: very_satisfied, satisfied, neutral, not_satisfied.
 * Returns true when s names one. */
bool rating_level_valid(const char *s);

/* Issues a one-time rating link for the dossier `code` (kind "dossier") or the
 * queue ticket `id` (kind "ticket", decimal text; it must have been called).
 * *out gets {"token","url":"/rate?t=…","expires_at"}. MC_ERR_NOT_FOUND
 * (dossier_not_found, ticket_not_found: also for one outside who's scope),
 * MC_ERR_CONFLICT (already_rated, ticket_not_served). */
enum mc_err store_rating_link(struct store *st, const struct principal *who, const char *kind,
                              const char *ref, json_t **out, struct mc_error *err);

/* The length of a link's token (letters and digits that cannot be misread). */
#define STORE_RATING_TOKEN_LEN 20
/* A fresh random token for store_rating_link_issue, into token. */
void store_rating_token_new(char token[STORE_RATING_TOKEN_LEN + 1]);
/* store_rating_link with the token (from store_rating_token_new) and the
 * issue time given: a slip can be rendered with its QR code before the link
 * and its print job are saved in one transaction (api/printing.c). Nests in
 * the caller's transaction (store_begin). Same answers and errors, and
 * MC_ERR_INVALID for a token not of STORE_RATING_TOKEN_LEN characters. */
enum mc_err store_rating_link_issue(struct store *st, const struct principal *who, const char *kind,
                                    const char *ref, const char *token, int64_t now, json_t **out,
                                    struct mc_error *err);

/* What the link `token` is for, for the rating page: {"kind","what" (the
 * procedure or service group name),"rated":bool,"expires_at","levels":[…],
 * "office":{"code","name"} (the return centre of a dossier, the ticket's
 * centre, or null)}. The caller frees *out.
 * MC_ERR_NOT_FOUND rating_link_not_found for an unknown or expired token. */
enum mc_err store_rating_link_info(struct store *st, const char *token, json_t **out,
                                   struct mc_error *err);

/* Records a rating. req: {"token","level", optional "on_time":bool,
 * "courteous":bool, "visits":1-10, "unofficial_payment_asked":bool,
 * "comment":"≤ 500 characters"}; any other member is refused. The rating
 * belongs to (ratings.office_id) the ticket's centre, or the centre that
 * returns the dossier. *out gets
 * {"rated":true,"level":…}. MC_ERR_INVALID (invalid_level, invalid_field,
 * unknown_field, missing_field), MC_ERR_NOT_FOUND (rating_link_not_found),
 * MC_ERR_CONFLICT (already_rated: this link or another for the same dossier
 * or visit was used). */
enum mc_err store_rating_submit(struct store *st, json_t *req, json_t **out, struct mc_error *err);

#endif
