#include "domain/password.h"

#include <stdlib.h>
#include <string.h>

/* Lower-case letters and digits of s into out (ASCII only; other bytes,
 * such as Vietnamese letters, are kept as they are so they still count). */
static void password_reduce(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n + 1 < cap; p++) {
		unsigned char ch = *p;
		if (ch >= 'A' && ch <= 'Z')
			out[n++] = (char)(ch - 'A' + 'a');
		else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80)
			out[n++] = (char)ch;
	}
	out[n] = '\0';
}

static int password_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static bool password_listed(const char *s)
{
	return bsearch(s, password_common, password_common_count, sizeof password_common[0],
	               password_cmp) != NULL;
}

static bool password_one_char(const char *s)
{
	return s[0] != '\0' && strspn(s, (char[]){s[0], '\0'}) == strlen(s);
}

/* True when every character is the one before plus one, or every one minus
 * one ("123456789012", "abcdefghijkl", "9876543210"), digits wrapping. */
static bool password_sequence(const char *s)
{
	size_t n = strlen(s);
	if (n < 3)
		return false;
	for (int dir = -1; dir <= 1; dir += 2) {
		size_t i = 1;
		for (; i < n; i++) {
			int want = s[i - 1] + dir;
			if (s[i - 1] == '9' && dir == 1)
				want = '0';
			if (s[i - 1] == '0' && dir == -1)
				want = '9';
			if (s[i] != want)
				break;
		}
		if (i == n)
			return true;
	}
	return false;
}

enum password_verdict password_judge(const char *username, const char *password)
{
	char all[PASSWORD_MAX_BYTES + 1], user[PASSWORD_MAX_BYTES + 1];
	size_t len = password ? strlen(password) : 0;
	if (len < PASSWORD_MIN_BYTES)
		return PASSWORD_TOO_SHORT;
	if (len > PASSWORD_MAX_BYTES)
		return PASSWORD_TOO_LONG;
	password_reduce(password, all, sizeof all);
	/* The core: without the digits people put before and after a word. */
	char *core = all + strspn(all, "0123456789");
	size_t clen = strlen(core);
	while (clen > 0 && core[clen - 1] >= '0' && core[clen - 1] <= '9')
		clen--;
	char core_buf[PASSWORD_MAX_BYTES + 1];
	memcpy(core_buf, core, clen);
	core_buf[clen] = '\0';
	if (all[0] == '\0' || password_one_char(all) || password_listed(all) ||
	    password_sequence(all) || password_one_char(core_buf) || password_listed(core_buf) ||
	    password_sequence(core_buf))
		return PASSWORD_COMMON;
	if (username) {
		password_reduce(username, user, sizeof user);
		if (user[0] && (strcmp(core_buf, user) == 0 || strcmp(all, user) == 0))
			return PASSWORD_USERNAME;
	}
	return PASSWORD_OK;
}
