/* Decimal amounts typed by people ("1.5" days, "0.25" hours): the one parser
 * of them, for the API and the CLI. Pure: libc only. */
#ifndef MOTCUA_DOMAIN_AMOUNT_H
#define MOTCUA_DOMAIN_AMOUNT_H

#include <stdbool.h>
#include <stdint.h>

/* Parses a non-negative decimal written "N" or "N.D…" (ASCII digits only: no
 * sign, no spaces, no exponent, a '.' needs a digit on each side) with at
 * most `decimals` digits after the point (0-9) and a whole part of at most
 * max_whole, into *out as a fixed-point count of 10^-decimals units ("1.5"
 * with 3 decimals: 1500). Returns false (and *out untouched) for anything
 * else, NULL included. */
bool amount_parse_fixed(const char *s, int64_t max_whole, int decimals, int64_t *out);

/* value in 10^-decimals units times unit, rounded half up to a whole
 * number ("1.5" days of 27000 s: 40500). value and unit must be
 * non-negative, their product below 2^63. */
int64_t amount_scale(int64_t value, int decimals, int64_t unit);

#endif
