/* Private helpers of the printer library: error messages and NFC text. The
 * allocation that never returns NULL (xmalloc) and the growable buffer
 * (strbuf) are the project's one copy, core/src/util (library motcua_util). */
#ifndef MOTCUA_PRINTER_UTIL_H
#define MOTCUA_PRINTER_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Writes the formatted message into err (when err and err_size are non-zero) and
 * returns status, so failures read `return printer__fail(err, n, PRINTER_ERR_X, ...)`. */
int printer__fail(char *err, size_t err_size, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* s normalized to NFC (Vietnamese typed on some keyboards arrives decomposed, NFD);
 * invalid UTF-8 bytes become U+FFFD. Returns a malloc'd string; NULL gives "". */
char *printer__nfc(const char *s);

#endif
