/* The password policy for staff accounts: long enough, and not one of the
 * passwords an attacker tries first. Pure: no I/O. */
#ifndef MOTCUA_DOMAIN_PASSWORD_H
#define MOTCUA_DOMAIN_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_MIN_BYTES 12
#define PASSWORD_MAX_BYTES 128

/* Why a password is refused. */
enum password_verdict {
	PASSWORD_OK,
	PASSWORD_TOO_SHORT, /* under PASSWORD_MIN_BYTES bytes */
	PASSWORD_TOO_LONG,  /* over PASSWORD_MAX_BYTES bytes */
	PASSWORD_COMMON,    /* a common password, an office word, or one character */
	PASSWORD_USERNAME,  /* the username with digits or signs around it */
};

/* Judges password for the account username (may be NULL). The password is
 * reduced to its letters and digits in lower case; it is refused when that,
 * or that without leading and trailing digits, is in the list of common
 * passwords and words (domain/password_list.c), is the username, or is one
 * character repeated, or has no letter and no digit at all. */
enum password_verdict password_judge(const char *username, const char *password);

/* The built-in list (domain/password_list.c): lower case, letters and digits
 * only, sorted by strcmp for a binary search. */
extern const char *const password_common[];
extern const size_t password_common_count;

#endif
