/* Fuzz target: Vietnamese search folding (core/src/util/fold.c). For any
 * input: no memory error; the output is always NUL-terminated within the
 * buffer; for well-formed UTF-8 input the output is well-formed UTF-8, even
 * when cut short by a small buffer; folding is idempotent,
 * fold(fold(x)) == fold(x); and a text always contains itself. */
#include <stdint.h>
#include <string.h>

#include "fuzz_util.h"
#include "util/fold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstr(data, size);
	size_t len = strlen(in), cap = len + 1;
	bool valid = fuzz_utf8_valid((const unsigned char *)in, len);
	char *once = malloc(cap), *twice = malloc(cap);

	fold_vi(in, once, cap);
	FUZZ_ASSERT(strlen(once) <= len, "folding grew the text");
	if (valid)
		FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)once, strlen(once)),
		            "folded well-formed UTF-8 into ill-formed UTF-8");
	fold_vi(once, twice, cap);
	if (valid)
		FUZZ_ASSERT(strcmp(once, twice) == 0, "not idempotent: '%s' then '%s'", once,
		            twice);
	FUZZ_ASSERT(fold_vi_contains(in, in), "a text does not contain itself");

	/* A small buffer: cut, still NUL-terminated and well-formed. */
	for (size_t small = 1; small <= 8 && small < cap; small++) {
		char buf[9];
		memset(buf, 'Z', sizeof buf);
		fold_vi(in, buf, small);
		FUZZ_ASSERT(memchr(buf, '\0', small) != NULL, "no NUL within %zu bytes", small);
		FUZZ_ASSERT(buf[small] == 'Z', "wrote past %zu bytes", small);
		if (valid)
			FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)buf, strlen(buf)),
			            "cut inside a character at %zu bytes", small);
	}
	free(once);
	free(twice);
	free(in);
	return 0;
}
