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
	if (n > 254 || at == NULL || strchr(at + 1, '@') != NULL || at == s || at - s > 64)
		return false;
	for (const char *p = s; p < at; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
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
		          (*p == '-' && len > 0) || (unsigned char)*p >= 0x80;
		if (!ok)
			return false;
		len++;
	}
	return labels >= 2;
}
