/* Idempotency-Key records: the first answer to a mutating request, kept a day
 * so a retry with the same key gets it again and changes nothing more.
 *
 * Answers may hold secrets (a dossier's lookup secret, a device token), so
 * they are never stored in clear: each is sealed (XChaCha20-Poly1305) with a
 * key kept in a file outside the database. A copy of the database alone (a
 * backup) reveals nothing; a server started without the key file that sealed
 * a record refuses to replay it (IDEM_UNAVAILABLE) instead of guessing.
 * With the answer the record keeps a keyed hash (BLAKE2b) of the request's
 * method, path and body, so the same key sent with another request is told
 * apart (IDEM_OTHER) and never answered with the first request's answer. */
#ifndef MOTCUA_STORE_IDEMPOTENCY_H
#define MOTCUA_STORE_IDEMPOTENCY_H

#include <stddef.h>

#include "store/store.h"

/* The sealing key. Read-only once opened: any thread may use it. */
struct idem_seal;

/* Reads the key file at path, creating it (mode 0600, 32 random bytes as hex)
 * when absent. Returns MC_OK and sets *out (free with idem_seal_free), or an
 * error (unreadable, malformed, cannot create) with *out untouched. */
enum mc_err idem_seal_open(const char *path, struct idem_seal **out, struct mc_error *err);
/* Wipes and frees the key. NULL is a no-op. */
void idem_seal_free(struct idem_seal *seal);
/* The default key file of the database at db_path: "<db_path>.idem-key";
 * for a PostgreSQL database, "<database name>.idem-key" in $STATE_DIRECTORY
 * (systemd's StateDirectory), else in the current folder. Newly allocated;
 * the caller frees it. */
char *idem_seal_default_path(const char *db_path);

/* One request as the idempotency records see it. body may be NULL (empty). */
struct idem_request {
	const char *principal; /* the actor, "user:7" */
	const char *key;       /* the Idempotency-Key header */
	const char *method;
	const char *path;
	const char *body;
	size_t body_len;
};

enum idem_found {
	IDEM_NEW,         /* no record: run the request */
	IDEM_REPLAY,      /* the same request: *status and *body are its first answer
	                   * (status 0 from store_idem_reserve: still running) */
	IDEM_OTHER,       /* the key was used for a different request */
	IDEM_UNAVAILABLE, /* a record this server cannot open (sealed with another
	                   * key file, or stored in clear by an older version) */
};

/* Inside a write transaction: looks (principal, key) up. For IDEM_REPLAY,
 * *status and *body (newly allocated, the caller frees) are filled; for the
 * other results they are untouched. A database error reads as IDEM_NEW (the
 * handler then runs and meets the same error). */
enum idem_found store_idem_find(struct store *st, const struct idem_seal *seal,
                                const struct idem_request *q, int *status, char **body);
/* Inside a write transaction: records the answer to q, sealed. Records older
 * than a day are dropped on the way. MC_OK or a database error. */
enum mc_err store_idem_save(struct store *st, const struct idem_seal *seal,
                            const struct idem_request *q, int status, const char *body,
                            struct mc_error *err);

/* For routes that wait on a device outside the store (a kiosk's print): the
 * key is reserved in a short transaction of its own instead of being held in
 * one across the handler. Returns as store_idem_find when (principal, key) is
 * known (IDEM_REPLAY with *status 0: the first request is still running);
 * otherwise reserves it and returns IDEM_NEW. A reservation older than a
 * minute (its server stopped mid-request) is taken over. */
enum idem_found store_idem_reserve(struct store *st, const struct idem_seal *seal,
                                   const struct idem_request *q, int *status, char **body);
/* Ends a reservation: records the answer (sealed) when status is 2xx, else
 * forgets the key (a failed answer is not remembered). */
void store_idem_complete(struct store *st, const struct idem_seal *seal,
                         const struct idem_request *q, int status, const char *body);

/* Drops records stored in clear by versions before sealing (run once at
 * start). Returns the number dropped, or -1 on a database error (logged). */
int store_idem_drop_unsealed(struct store *st);

#endif
