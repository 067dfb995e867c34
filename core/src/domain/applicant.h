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

/* Whether s is an ID number the office accepts: a căn cước / CCCD of 12
 * digits, or a passport number: one or two Latin capital letters followed by
 * 6 to 8 digits (Vietnamese passports are one letter and 7 digits). NULL: no. */
bool applicant_id_number_valid(const char *s);

/* Normalises a Vietnamese telephone number into out (APPLICANT_PHONE_MAX
 * bytes): spaces, dots, dashes and brackets dropped, "+84" or "84" taken as
 * the leading 0. Accepts mobiles (0 and 9 digits, the second 3, 5, 7, 8 or 9)
 * and landlines (02 and 9 digits). Returns false, out set to "", otherwise. */
bool applicant_phone_normalize(const char *s, char out[APPLICANT_PHONE_MAX]);

/* The most characters (not bytes) of a person's name. */
#define APPLICANT_NAME_MAX 200

/* Whether the n bytes at s are text a message to a citizen may carry:
 * valid UTF-8 of at most max_chars characters, none of them a control
 * character (C0 but '\n' when lines, DEL, C1), a bidirectional control
 * (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) or a line or paragraph
 * separator (U+2028, U+2029). The rule for names and for the free text
 * that goes into messages (intake, booking, feedback). */
bool applicant_text_valid(const char *s, size_t n, size_t max_chars, bool lines);

/* Whether the n bytes at s are a person's full name: 1 to APPLICANT_NAME_MAX
 * characters by applicant_text_valid, on one line. */
bool applicant_name_valid(const char *s, size_t n);

/* Whether s is an e-mail address the e-mail channel sends to, the one rule
 * of intake, booking, feedback and of the SMTP adapter itself
 * (api/notify_email.c): 3 to 254 bytes of printable ASCII without space or
 * any of <>,"()[]\;: ; one '@' with 1-64 bytes before it and a domain after
 * it of dot-separated labels of 1-63 letters, digits or '-' (not first or
 * last), at least two. An internationalised domain is taken in its ASCII
 * (xn--) form only. NULL: no. */
bool applicant_email_valid(const char *s);

#endif
