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

/* Creates a staff account inside a write transaction (begun here). The
 * password must be 8..128 bytes. On success *id_out (when not NULL) is set. */
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
 * Returns false when unknown, expired or inactive. Read-only and fast. */
bool store_token_resolve(struct store *st, const char *token, struct principal *who);
/* Ends the session of token; MC_OK also when it was already gone. */
enum mc_err store_session_close(struct store *st, const char *token, struct mc_error *err);

/* Registers a kiosk or display device and returns its token (shown once). */
enum mc_err store_device_create(struct store *st, const char *actor, const char *kind,
                                const char *name, bool prints, int64_t *id_out,
                                char token_out[AUTH_TOKEN_LEN], struct mc_error *err);

/* The principal of an active staff account, as if it had logged in (for the
 * command line's own tools: simulate). false when there is no such account. */
bool store_user_principal(struct store *st, const char *username, struct principal *who);

#endif
