/* Staff accounts, sessions and device tokens. Passwords are hashed with
 * Argon2id; session and device tokens are random and stored only as SHA-256. */
#ifndef MOTCUA_STORE_AUTH_H
#define MOTCUA_STORE_AUTH_H

#include "domain/principal.h"
#include "store/store.h"

/* A token as handed to clients: 32 random bytes, base64url, 43 characters. */
#define AUTH_TOKEN_LEN 44

/* Parses "admin", "supervisor", "counter", "specialist" (staff roles only). */
enum role auth_role_parse(const char *s);

/* Checks a new password of username against the policy (domain/password.h):
 * MC_OK, or MC_ERR_INVALID "weak_password" with the reason in err. */
enum mc_err auth_password_check(const char *username, const char *password, struct mc_error *err);

/* Inside a write transaction, after accounts changed: MC_OK while at least one
 * active administrator remains, else MC_ERR_CONFLICT "last_admin" (the caller
 * rolls back: nobody could administer the office any more). */
enum mc_err store_admin_remains(struct store *st, struct mc_error *err);

/* Creates a staff account inside a write transaction (begun here). The
 * password must pass auth_password_check. On success *id_out (when not NULL)
 * is set. */
enum mc_err store_user_create(struct store *st, const char *actor, const char *username,
                              const char *full_name, enum role role, const char *password,
                              bool demo, int64_t *id_out, struct mc_error *err);

/* Checks a username and password (slow by design: Argon2id) and on success
 * opens a session of ttl seconds: token_out receives the bearer token and who
 * the principal. A wrong user and a wrong password fail alike
 * (MC_ERR_UNAUTHORIZED, "bad_credentials"). An account keeps at most 20 live
 * sessions: opening one more closes its oldest. Slow: never call it on an
 * HTTP worker (api/offload.h). */
enum mc_err store_session_open(struct store *st, const char *username, const char *password,
                               int64_t ttl, char token_out[AUTH_TOKEN_LEN], struct principal *who,
                               struct mc_error *err);
/* Resolves a bearer token (staff session or device) to its principal.
 * Returns false when unknown, expired or inactive. A staff session also ends
 * after session_idle_minutes (setting, default 30; 0: never) without use, and
 * at the latest session_ttl_hours after login. Each use moves the idle end
 * forward, written at most once a minute per session (a short write
 * transaction then; every other call only reads). Device tokens never idle. */
bool store_token_resolve(struct store *st, const char *token, struct principal *who);
/* As store_token_resolve, telling a store error apart: *found says whether
 * the token is known (who filled); a session, user, office or device row
 * that cannot be read is that store error (err filled, *found false), never
 * "unknown" (a damaged row would otherwise log its staff out). */
enum mc_err store_token_authenticate(struct store *st, const char *token, struct principal *who,
                                     bool *found, struct mc_error *err);
/* As store_token_resolve, but a read only: a staff session's idle end does
 * not move (an open event stream checking its token is not a use). */
bool store_token_check(struct store *st, const char *token, struct principal *who);
/* Ends the session of token; MC_OK also when it was already gone. */
enum mc_err store_session_close(struct store *st, const char *token, struct mc_error *err);

/* Registers a kiosk or display device and returns its token (shown once). */
enum mc_err store_device_create(struct store *st, const char *actor, const char *kind,
                                const char *name, bool prints, int64_t *id_out,
                                char token_out[AUTH_TOKEN_LEN], struct mc_error *err);

/* The principal of an active staff account, as if it had logged in (for the
 * command line's own tools: simulate). false when there is no such account. */
bool store_user_principal(struct store *st, const char *username, struct principal *who);

/* The full name of staff account user_id (newly allocated, the caller's to
 * free), or NULL when there is no such account, it has none, or it cannot be
 * read. */
char *store_user_full_name(struct store *st, int64_t user_id);

#endif
