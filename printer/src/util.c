#include "util.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int printer__fail(char *err, size_t err_size, int status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err_size == 0)
		return status;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return status;
}

char *printer__nfc(const char *s)
{
	gchar *valid, *norm;
	char *out;

	if (s == NULL)
		return xstrdup("");
	valid = g_utf8_make_valid(s, -1);
	norm = g_utf8_normalize(valid, -1, G_NORMALIZE_NFC);
	out = xstrdup(norm ? norm : valid);
	g_free(norm);
	g_free(valid);
	return out;
}
