#include "domain/amount.h"

#include <stddef.h>

static bool amount_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int64_t amount_pow10(int n)
{
	int64_t p = 1;
	while (n-- > 0)
		p *= 10;
	return p;
}

bool amount_parse_fixed(const char *s, int64_t max_whole, int decimals, int64_t *out)
{
	int64_t whole = 0, frac = 0;
	int used = 0;

	if (s == NULL || !amount_digit(*s) || decimals < 0 || decimals > 9)
		return false;
	while (amount_digit(*s)) {
		whole = whole * 10 + (*s++ - '0');
		if (whole > max_whole)
			return false;
	}
	if (*s == '.') {
		s++;
		if (!amount_digit(*s))
			return false;
		while (amount_digit(*s)) {
			if (++used > decimals)
				return false;
			frac = frac * 10 + (*s++ - '0');
		}
	}
	if (*s != '\0')
		return false;
	*out = whole * amount_pow10(decimals) + frac * amount_pow10(decimals - used);
	return true;
}

int64_t amount_scale(int64_t value, int decimals, int64_t unit)
{
	int64_t den = amount_pow10(decimals);
	return (value * unit + den / 2) / den;
}
