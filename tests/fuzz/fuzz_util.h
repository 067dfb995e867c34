/* Helpers shared by the fuzz targets (tests/fuzz/fuzz_*.c). */
#ifndef MOTCUA_FUZZ_UTIL_H
#define MOTCUA_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* A finding: prints why on stderr and aborts, so libFuzzer saves the input. */
#define FUZZ_ASSERT(cond, ...)                                                                     \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz assertion failed: %s (%s:%d): ", #cond, __FILE__,    \
			        __LINE__);                                                         \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* True if s[0..n) is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF). */
static inline bool fuzz_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned min;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			len = 2, min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3, min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4, min = 0x10000;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		unsigned cp = c & (0xff >> (len + 1));
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* A NUL-terminated copy of data[0..size) (the caller frees it). */
static inline char *fuzz_cstr(const unsigned char *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s == NULL)
		abort();
	for (size_t i = 0; i < size; i++)
		s[i] = (char)data[i];
	s[size] = '\0';
	return s;
}

#endif
