/* The applicant's identity and contact details as a one-stop office takes
 * them: ID numbers (căn cước / CCCD, or a passport), Vietnamese telephone
 * numbers and e-mail addresses. The rules live here once, used by the server's
 * intake and by motcua-counter before it asks. Pure logic: no I/O, no clock. */
#ifndef MOTCUA_APPLICANT_H
#define MOTCUA_APPLICANT_H

#include <stdbool.h>
#include <stddef.h>

/* Room for a normalised phone number: "0" and up to 10 digits, and the NUL. */
#define APPLICANT_PHONE_MAX 12

/* Days within which the same ID number asking for the same procedure is a
 * probable duplicate that intake asks to confirm. */
#define APPLICANT_DUPLICATE_DAYS 30

/* Whether s is an ID number the office accepts: a căn cước / CCCD of 12
 * digits, or a passport number: one or two Latin capital letters followed by
 * 6 to 8 digits (Vietnamese passports are one letter and 7 digits). NULL: no. */
bool applicant_id_number_valid(const char *s);

/* Normalises a Vietnamese telephone number into out (APPLICANT_PHONE_MAX
 * bytes): spaces, dots, dashes and brackets dropped, "+84" or "84" taken as
 * the leading 0. Accepts mobiles (0 and 9 digits, the second 3, 5, 7, 8 or 9)
 * and landlines (02 and 9 digits). Returns false, out set to "", otherwise. */
bool applicant_phone_normalize(const char *s, char out[APPLICANT_PHONE_MAX]);

/* Whether s looks like an e-mail address: at most 254 bytes, no spaces or
 * control characters, one '@' with 1-64 bytes before it and a domain after it
 * of dot-separated labels (letters, digits, '-'), at least two. */
bool applicant_email_valid(const char *s);

#endif
