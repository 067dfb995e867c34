/* Citizens' ratings (đánh giá mức độ hài lòng), the rules: the levels, what a
 * rating may say, when a one-time link may be issued or used. Pure logic:
 * libc only, no I/O, no clock (the caller passes now).
 *
 * A dossier or a queue visit (ticket) is rated once: a link is refused for a
 * subject already rated, and a rating through any link of a rated subject is
 * refused too. A link lives RATING_LINK_SECONDS from its issue. */
#ifndef MOTCUA_DOMAIN_RATING_H
#define MOTCUA_DOMAIN_RATING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How long a rating link may be used, from its issue. */
#define RATING_LINK_SECONDS (30 * 86400)
/* The longest comment, in characters (UTF-8 code points). */
#define RATING_COMMENT_MAX 500
/* How many times the citizen came for it: 1-10. */
#define RATING_VISITS_MIN 1
#define RATING_VISITS_MAX 10
/* The longest token accepted as typed (dashes and spaces included). */
#define RATING_TOKEN_TYPED_MAX 128

/* The levels, best first. */
enum rating_level {
	RATING_VERY_SATISFIED,
	RATING_SATISFIED,
	RATING_NEUTRAL,
	RATING_NOT_SATISFIED,
};
#define RATING_LEVEL_COUNT 4

/* What a rating is about. */
enum rating_kind {
	RATING_KIND_DOSSIER, /* a dossier, by its code */
	RATING_KIND_TICKET,  /* a queue visit, by its ticket id */
};

/* A level's name ("very_satisfied") and labels (vi, en): static text.
 * level must be one of the enum. */
const char *rating_level_name(enum rating_level level);
const char *rating_level_label_vi(enum rating_level level);
const char *rating_level_label_en(enum rating_level level);
/* The level named s into *out; false (and *out untouched) when s names none
 * (or is NULL). */
bool rating_level_parse(const char *s, enum rating_level *out);
/* Whether s names a level. */
bool rating_level_valid(const char *s);

/* "dossier" or "ticket" (static text); and back: false for any other s. */
const char *rating_kind_name(enum rating_kind kind);
bool rating_kind_parse(const char *s, enum rating_kind *out);

/* The UTF-8 characters of s; -1 when s is not valid text for a comment
 * (a control character other than newline and tab). */
long rating_comment_chars(const char *s);
/* Whether s may be a rating's comment: valid text of at most
 * RATING_COMMENT_MAX characters. */
bool rating_comment_valid(const char *s);

/* The token as stored, from one typed off a slip: dashes and spaces dropped,
 * letters upper-cased, into out (len bytes, at least 2). Returns false for a
 * token that is NULL, longer than RATING_TOKEN_TYPED_MAX, or empty once
 * cleaned: no link has it. */
bool rating_token_normalise(const char *typed, char *out, size_t len);

/* Why a link may not be issued or used: one table of texts
 * (rating_refusal_text). */
enum rating_refusal {
	RATING_ALLOWED = 0,
	RATING_DOSSIER_NOT_FOUND, /* no such dossier in the caller's scope */
	RATING_TICKET_NOT_FOUND,  /* no such ticket in the caller's scope */
	RATING_TICKET_NOT_SERVED, /* the ticket never reached a counter */
	RATING_ALREADY_RATED,     /* the dossier or visit has its rating */
	RATING_LINK_NOT_FOUND,    /* unknown or expired link */
};

/* The error code ("already_rated") and messages of a refusal: static text;
 * NULLs for RATING_ALLOWED. The HTTP status follows the kind: not found for
 * the *_NOT_FOUND ones, conflict for the others (rating_refusal_is_conflict). */
void rating_refusal_text(enum rating_refusal why, const char **code, const char **vi,
                         const char **en);
bool rating_refusal_is_conflict(enum rating_refusal why);

/* What the store knows of a subject when a link is asked for it. */
struct rating_subject_state {
	enum rating_kind kind;
	bool found;  /* exists inside the caller's scope */
	bool served; /* a ticket: called now, or served at a counter once */
	bool rated;  /* a rating of it exists */
};

/* Whether a link may be issued for s: the subject must exist, a ticket must
 * have been served, and it must not be rated yet (checked in that order). */
enum rating_refusal rating_may_issue(const struct rating_subject_state *s);

/* Whether a rating may be recorded now through a link: the link must be known
 * (link_found) and not expired (expires_at > now), and its subject not rated
 * yet. */
enum rating_refusal rating_may_submit(bool link_found, int64_t expires_at, int64_t now, bool rated);

/* When a link issued at `now` stops working. */
int64_t rating_link_expiry(int64_t now);

#endif
