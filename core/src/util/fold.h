/* Folding Vietnamese text for search: lower case, diacritics removed, so
 * "khai sinh" finds "Đăng ký khai sinh". */
#ifndef MOTCUA_FOLD_H
#define MOTCUA_FOLD_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the folded form of utf8 into out (at most outlen bytes, always
 * NUL-terminated): ASCII lower case; Vietnamese letters to their base letter
 * (đ to d); combining marks dropped; other characters kept as they are. */
void fold_vi(const char *utf8, char *out, size_t outlen);
/* Whether the folded needle occurs in the folded haystack. */
bool fold_vi_contains(const char *haystack, const char *needle);

#endif
