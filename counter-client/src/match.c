/* Names typed by the clerk: an office or a group by its name, accents and case
 * optional, matched word by word in order ("van phong lao bao" names "Văn phòng
 * HĐND và UBND xã Lao Bảo"; "Văn phòng" never names "Phòng Người có công"). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "util/fold.h"
#include "util/xmalloc.h"

/* Whether byte b of folded text separates words: ASCII that is neither a
 * letter nor a digit (letters left outside ASCII by folding are letters). */
static bool match_sep(unsigned char b)
{
	return b < 0x80 && !isalnum(b);
}

/* The next word of *p (advanced past it) into *word and *len; false at the
 * end of the text. */
static bool match_word(const char **p, const char **word, size_t *len)
{
	const char *s = *p;
	while (*s && match_sep((unsigned char)*s))
		s++;
	if (*s == '\0')
		return false;
	*word = s;
	while (*s && !match_sep((unsigned char)*s))
		s++;
	*len = (size_t)(s - *word);
	*p = s;
	return true;
}

/* The folded copy of s (malloc'd; caller frees). */
static char *match_fold(const char *s)
{
	size_t n = strlen(s) + 1;
	char *out = xmalloc(n);
	fold_vi(s, out, n);
	return out;
}

/* Walks query's words over name's words: true when each query word is found
 * in name after the previous one's place (whole: also no name word left over
 * and none skipped). */
static bool match_words(const char *name, const char *query, bool whole)
{
	char *n = match_fold(name), *q = match_fold(query);
	const char *np = n, *qp = q, *qw, *nw;
	size_t ql, nl;
	bool any = false, ok = true;
	while (ok && match_word(&qp, &qw, &ql)) {
		any = true;
		ok = false;
		while (match_word(&np, &nw, &nl)) {
			if (nl == ql && memcmp(nw, qw, ql) == 0) {
				ok = true;
				break;
			}
			if (whole)
				break;
		}
	}
	if (ok && whole && match_word(&np, &nw, &nl))
		ok = false;
	free(n);
	free(q);
	return any && ok;
}

bool cc_name_matches(const char *name, const char *query)
{
	return name && query && match_words(name, query, false);
}

bool cc_name_is(const char *name, const char *query)
{
	return name && query && match_words(name, query, true);
}
