#include "util/fold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* Each base letter and its Vietnamese variants, both cases. */
static const struct {
	char base;
	const char *variants;
} fold_table[] = {
    {'a', "àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"},
    {'e', "èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ"},
    {'i', "ìíỉĩịÌÍỈĨỊ"},
    {'o', "òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"},
    {'u', "ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ"},
    {'y', "ỳýỷỹỵỲÝỶỸỴ"},
    {'d', "đĐ"},
};

/* Decodes one UTF-8 sequence at s; returns its length (1 for invalid bytes,
 * which then stand for themselves). */
static size_t fold_decode(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) |
		      (s[2] & 0x3f);
		return 3;
	}
	if ((s[0] & 0xf8) == 0xf0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
	    (s[3] & 0xc0) == 0x80) { /* beyond the BMP (emoji): kept whole, never cut */
		*cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
		      ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
		return 4;
	}
	*cp = s[0];
	return 1;
}

static char fold_base(uint32_t cp)
{
	for (size_t i = 0; i < sizeof fold_table / sizeof fold_table[0]; i++) {
		const unsigned char *v = (const unsigned char *)fold_table[i].variants;
		while (*v) {
			uint32_t x;
			v += fold_decode(v, &x);
			if (x == cp)
				return fold_table[i].base;
		}
	}
	return 0;
}

void fold_vi(const char *utf8, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t o = 0;
	if (outlen == 0)
		return;
	while (*s && o + 1 < outlen) {
		uint32_t cp;
		size_t n = fold_decode(s, &cp);
		if (cp >= 0x300 && cp <= 0x36f) { /* a combining mark (NFD text) */
			s += n;
			continue;
		}
		char b =
		    cp < 0x80 ? (char)((cp >= 'A' && cp <= 'Z') ? cp + 32 : cp) : fold_base(cp);
		if (b) {
			out[o++] = b;
		} else {
			if (o + n >= outlen)
				break;
			memcpy(out + o, s, n);
			o += n;
		}
		s += n;
	}
	out[o] = '\0';
}

bool fold_vi_contains(const char *haystack, const char *needle)
{
	size_t hn = strlen(haystack) + 1, nn = strlen(needle) + 1;
	char *h = xmalloc(hn), *n = xmalloc(nn);
	fold_vi(haystack, h, hn);
	fold_vi(needle, n, nn);
	bool found = strstr(h, n) != NULL;
	free(h);
	free(n);
	return found;
}
