/* The one error vocabulary of the server. A failing function returns one of the
 * enum values and, when given a struct mc_error, fills in a stable machine code
 * ("ticket_not_found") and a message in Vietnamese and English. The mapping of
 * kinds to HTTP status lives in exactly one place: api/http.c. */
#ifndef MOTCUA_ERROR_H
#define MOTCUA_ERROR_H

enum mc_err {
	MC_OK = 0,
	MC_ERR_INVALID,      /* malformed or out-of-range input */
	MC_ERR_UNAUTHORIZED, /* no or bad credentials */
	MC_ERR_FORBIDDEN,    /* credentials fine, role not allowed */
	MC_ERR_NOT_FOUND,    /* the thing named does not exist */
	MC_ERR_CONFLICT,     /* the current state forbids the change */
	MC_ERR_TOO_LARGE,    /* input over its size bound */
	MC_ERR_RATE_LIMITED, /* slow down (failed logins, lookups) */
	MC_ERR_UNAVAILABLE,  /* a part outside us is away (printer, disk full) */
	MC_ERR_INTERNAL,     /* a bug or an I/O failure of ours */
};

struct mc_error {
	enum mc_err kind;
	char code[48];
	char message_vi[256];
	char message_en[256];
	int retry_after; /* seconds, for MC_ERR_RATE_LIMITED; 0 otherwise */
	/* The request field the error is about ("to_person"), or empty: the API
	 * adds it to the error object as "field" (http_reply_error). Set with
	 * mc_error_field after mc_fail. */
	char field[64];
};

/* Fills err (when not NULL) and returns kind, so callers can write
 * `return mc_fail(err, MC_ERR_NOT_FOUND, "ticket_not_found", "...", "...");`. */
enum mc_err mc_fail(struct mc_error *err, enum mc_err kind, const char *code, const char *vi,
                    const char *en);
/* As mc_fail, with printf-style English and Vietnamese sharing one argument list
 * would be ambiguous; details go into en only. */
enum mc_err mc_failf(struct mc_error *err, enum mc_err kind, const char *code, const char *vi,
                     const char *en_fmt, ...) __attribute__((format(printf, 5, 6)));

/* Names the field err is about (err may be NULL); returns err's kind, so a
 * caller can write `mc_fail(...); return mc_error_field(err, "phone");`. */
enum mc_err mc_error_field(struct mc_error *err, const char *field);

#endif
