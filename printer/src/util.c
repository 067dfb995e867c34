#include "util.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void util__die(size_t size)
{
	fprintf(stderr, "motcua printer: out of memory (%zu bytes)\n", size);
	abort();
}

void *printer__xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (p == NULL)
		util__die(size);
	return p;
}

void *printer__xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (p == NULL)
		util__die(count * size);
	return p;
}

void *printer__xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (p == NULL)
		util__die(size);
	return p;
}

char *printer__xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = printer__xmalloc(n);
	memcpy(p, s, n);
	return p;
}

char *printer__xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		util__die(strlen(fmt));
	va_end(ap);
	return p;
}

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

static void buf__reserve(struct printer__buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;

	if (b->len + more <= b->cap)
		return;
	while (cap < b->len + more)
		cap *= 2;
	b->data = printer__xrealloc(b->data, cap);
	b->cap = cap;
}

void printer__buf_append(struct printer__buf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	buf__reserve(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

void printer__buf_byte(struct printer__buf *b, uint8_t byte)
{
	buf__reserve(b, 1);
	b->data[b->len++] = byte;
}

uint8_t *printer__buf_take(struct printer__buf *b, size_t *len)
{
	uint8_t *p = b->data ? b->data : printer__xmalloc(1);

	*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void printer__buf_free(struct printer__buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *printer__nfc(const char *s)
{
	gchar *valid, *norm;
	char *out;

	if (s == NULL)
		return printer__xstrdup("");
	valid = g_utf8_make_valid(s, -1);
	norm = g_utf8_normalize(valid, -1, G_NORMALIZE_NFC);
	out = printer__xstrdup(norm ? norm : valid);
	g_free(norm);
	g_free(valid);
	return out;
}
