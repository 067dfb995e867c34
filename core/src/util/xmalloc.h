/* Allocation that never returns NULL: on exhaustion the process prints the size
 * it wanted and aborts, so call sites carry no out-of-memory branches. */
#ifndef MOTCUA_XMALLOC_H
#define MOTCUA_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Growing an array of count elements of size bytes; aborts on overflow. */
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A freshly allocated printf result; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
