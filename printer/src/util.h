/* Private helpers of the printer library: allocation that never returns NULL (the
 * library cannot use core's xmalloc), error messages, a growable byte buffer. */
#ifndef MOTCUA_PRINTER_UTIL_H
#define MOTCUA_PRINTER_UTIL_H

#include <stddef.h>
#include <stdint.h>

void *printer__xmalloc(size_t size);
void *printer__xcalloc(size_t count, size_t size);
void *printer__xrealloc(void *ptr, size_t size);
char *printer__xstrdup(const char *s);
char *printer__xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes the formatted message into err (when err and err_size are non-zero) and
 * returns status, so failures read `return printer__fail(err, n, PRINTER_ERR_X, ...)`. */
int printer__fail(char *err, size_t err_size, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Bytes appended at the end; data is malloc'd, ownership passes with printer__buf_take. */
struct printer__buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

void printer__buf_append(struct printer__buf *b, const void *data, size_t len);
void printer__buf_byte(struct printer__buf *b, uint8_t byte);
/* Hands the bytes to the caller (never NULL, even when empty) and resets b. */
uint8_t *printer__buf_take(struct printer__buf *b, size_t *len);
void printer__buf_free(struct printer__buf *b);

/* s normalized to NFC (Vietnamese typed on some keyboards arrives decomposed, NFD);
 * invalid UTF-8 bytes become U+FFFD. Returns a malloc'd string; NULL gives "". */
char *printer__nfc(const char *s);

#endif
