/* Citizens' ratings (đánh giá mức độ hài lòng) on the store: one-time rating
 * links handed out by the counter, and the anonymous ratings they allow. The
 * rules (levels, one rating per subject, a link's life) are in
 * domain/rating.h; the API parses requests (struct rating_submit_cmd) and
 * presents the results (api/present_rating.h).
 *
 * Anonymous by design: a rating row and its event carry no actor (the chain
 * records "public"), no address and no personal field; the dossier code or
 * ticket id is kept only so each dossier or queue visit is rated once. Each
 * change is one write transaction with its event (entity "rating_link" or
 * "rating", never on the live stream). Every failure leaves the database
 * unchanged. */
#ifndef MOTCUA_STORE_RATING_H
#define MOTCUA_STORE_RATING_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/principal.h"
#include "domain/rating.h"
#include "store/store.h"

/* The length of a link's token (letters and digits that cannot be misread). */
#define STORE_RATING_TOKEN_LEN 20

/* A link just issued: no heap, nothing to free. */
struct rating_link {
	char token[STORE_RATING_TOKEN_LEN + 1];
	char url[32]; /* "/rate?t=<token>" */
	int64_t expires_at;
};

/* Issues a one-time rating link for the dossier `code` (kind "dossier") or the
 * queue ticket `id` (kind "ticket", decimal text; it must have been called)
 * into *out. MC_ERR_INVALID (invalid_field: another kind), MC_ERR_NOT_FOUND
 * (dossier_not_found, ticket_not_found: also for one outside who's scope),
 * MC_ERR_CONFLICT (already_rated, ticket_not_served). */
enum mc_err store_rating_link(struct store *st, const struct principal *who, const char *kind,
                              const char *ref, struct rating_link *out, struct mc_error *err);

/* A fresh random token for store_rating_link_issue, into token. */
void store_rating_token_new(char token[STORE_RATING_TOKEN_LEN + 1]);
/* store_rating_link with the token (from store_rating_token_new) and the
 * issue time given: a slip can be rendered with its QR code before the link
 * and its print job are saved in one transaction (api/printing.c). Nests in
 * the caller's transaction (store_begin). Same answers and errors, and
 * MC_ERR_INVALID for a token not of STORE_RATING_TOKEN_LEN characters. */
enum mc_err store_rating_link_issue(struct store *st, const struct principal *who, const char *kind,
                                    const char *ref, const char *token, int64_t now,
                                    struct rating_link *out, struct mc_error *err);

/* What a link is for, for the rating page. The strings are owned
 * (rating_link_info_clear frees them). */
struct rating_link_info {
	enum rating_kind kind;
	char *what;        /* the procedure or service group name ("" when gone) */
	bool rated;        /* its subject has a rating already */
	char *office_code; /* the centre the rating belongs to (the return centre */
	char *office_name; /* of a dossier, the ticket's centre); NULLs: none */
};
void rating_link_info_clear(struct rating_link_info *info);

/* What the link `token` (as typed: see rating_token_normalise) is for, into
 * *out (the caller clears it after MC_OK; untouched on failure).
 * MC_ERR_NOT_FOUND rating_link_not_found for an unknown or expired token. */
enum mc_err store_rating_link_info(struct store *st, const char *token,
                                   struct rating_link_info *out, struct mc_error *err);

/* A rating as the citizen sent it, checked by the API (field by field: the
 * level is one, visits in range, the comment valid text). Optional answers:
 * -1 (booleans) or 0 (visits) when absent. token and comment are owned
 * (rating_submit_cmd_clear); comment is NULL when absent or empty. */
struct rating_submit_cmd {
	char *token;
	enum rating_level level;
	int on_time, courteous, unofficial_payment_asked; /* -1, 0 or 1 */
	int visits;                                       /* 0: absent; else 1-10 */
	char *comment;
};
void rating_submit_cmd_clear(struct rating_submit_cmd *cmd);

/* Records the rating cmd. It belongs to (ratings.office_id) the ticket's
 * centre, or the centre that returns the dossier. MC_ERR_NOT_FOUND
 * (rating_link_not_found), MC_ERR_CONFLICT (already_rated: this link or
 * another for the same dossier or visit was used). */
enum mc_err store_rating_submit(struct store *st, const struct rating_submit_cmd *cmd,
                                struct mc_error *err);

#endif
