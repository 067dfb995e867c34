/* A realistic history for a demo or a benchmark: days of queue and dossier
 * activity played through the store's own operations on a moved clock, so
 * every event is in the hash chain and every deadline is the calendar's. */
#ifndef MOTCUA_SIMULATE_H
#define MOTCUA_SIMULATE_H

#include <stdint.h>

#include "store/store.h"

/* A dossier of the history to try the citizen's lookup with: the latest
 * dossier a centre received (code and lookup secret; the store keeps only
 * the secret's hash, so this is the one time it is known). */
struct simulate_example {
	char centre[33]; /* the receiving centre's code */
	char code[96];
	char secret[16];
};

#define SIMULATE_MAX_EXAMPLES 16

struct simulate_report {
	int days;    /* working days simulated */
	int centres; /* centres that took part (those with a hall and clerks) */
	int tickets;
	int dossiers;
	int boundary_free; /* dossiers received for another unit's authority */
	int actions;       /* dossier actions taken */
	int ratings;       /* citizens' ratings given (returned dossiers, served tickets) */
	int refused_steps; /* operations the store refused (kept going) */
	struct simulate_example examples[SIMULATE_MAX_EXAMPLES]; /* one per centre */
	int nexamples;
};

/* Plays `days` calendar days before now on st at every centre of the
 * province that has service groups, counters and counter clerks: tickets
 * at its kiosk, calls at its counters, dossiers received there (some for
 * another commune's or a department's authority: boundary-free intake),
 * handed over to the processing office, processed by its specialists and
 * returned at the centre the citizen chose. Deterministic for a seed.
 * Returns MC_OK, or office_incomplete when no centre can work. */
enum mc_err simulate_province(struct store *st, int days, uint64_t seed,
                              struct simulate_report *report, struct mc_error *err);

#endif
