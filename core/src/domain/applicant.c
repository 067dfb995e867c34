#include "domain/applicant.h"

#include <string.h>

static bool applicant_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool applicant_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

bool applicant_id_number_valid(const char *s)
{
	if (s == NULL)
		return false;
	size_t n = strlen(s), letters = 0;
	if (n == 12) {
		size_t i = 0;
		while (i < n && applicant_digit(s[i]))
			i++;
		if (i == n)
			return true;
	}
	while (letters < n && letters < 2 && applicant_upper(s[letters]))
		letters++;
	size_t digits = n - letters;
	if (letters == 0 || digits < 6 || digits > 8)
		return false;
	for (size_t i = letters; i < n; i++)
		if (!applicant_digit(s[i]))
			return false;
	return true;
}

bool applicant_phone_normalize(const char *s, char out[APPLICANT_PHONE_MAX])
{
	char d[24];
	size_t n = 0;
	out[0] = '\0';
	if (s == NULL)
		return false;
	const char *p = s;
	bool plus = *p == '+';
	if (plus)
		p++;
	for (; *p; p++) {
		if (applicant_digit(*p)) {
			if (n + 1 >= sizeof d)
				return false;
			d[n++] = *p;
		} else if (*p != ' ' && *p != '.' && *p != '-' && *p != '(' && *p != ')') {
			return false;
		}
	}
	d[n] = '\0';
	const char *rest = d;
	if (n >= 2 && d[0] == '8' && d[1] == '4' && (plus || n == 11 || n == 12))
		rest = d + 2; /* +84 912 345 678, 84912345678 */
	else if (plus || d[0] != '0')
		return false; /* another country, or no trunk 0 */
	else
		rest = d + 1;
	size_t m = strlen(rest);
	bool mobile = m == 9 && strchr("35789", rest[0]) != NULL;
	bool landline = m == 10 && rest[0] == '2';
	if (!mobile && !landline)
		return false;
	out[0] = '0';
	memcpy(out + 1, rest, m + 1);
	return true;
}

bool applicant_email_valid(const char *s)
{
	if (s == NULL)
		return false;
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n < 3 || n > 254 || at == NULL || strchr(at + 1, '@') != NULL || at == s || at - s > 64)
		return false;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f || strchr("<>,\"()[]\\;:", c) != NULL)
			return false;
	}
	int labels = 0;
	size_t len = 0;
	for (const char *p = at + 1;; p++) {
		if (*p == '.' || *p == '\0') {
			if (len == 0 || len > 63 || p[-1] == '-')
				return false;
			labels++;
			len = 0;
			if (*p == '\0')
				break;
			continue;
		}
		bool ok = applicant_digit(*p) || (*p >= 'a' && *p <= 'z') || applicant_upper(*p) ||
		          (*p == '-' && len > 0);
		if (!ok)
			return false;
		len++;
	}
	return labels >= 2;
}

/* The code point of the UTF-8 sequence at s (at most n bytes) into *cp;
 * its length, or 0 when it is not valid UTF-8 (overlong, surrogate, cut). */
static size_t applicant_utf8(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
		c &= 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool applicant_text_valid(const char *s, size_t n, size_t max_chars, bool lines)
{
	if (s == NULL)
		return false;
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = applicant_utf8(p + i, n - i, &cp);
		if (len == 0 || ++chars > max_chars)
			return false;
		bool control = (cp < 0x20 && !(lines && cp == '\n')) || (cp >= 0x7f && cp <= 0x9f);
		bool bidi = cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
		            (cp >= 0x2066 && cp <= 0x2069);
		if (control || bidi || cp == 0x2028 || cp == 0x2029)
			return false;
		i += len;
	}
	return true;
}

bool applicant_name_valid(const char *s, size_t n)
{
	return n > 0 && applicant_text_valid(s, n, APPLICANT_NAME_MAX, false);
}
