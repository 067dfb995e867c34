/* A realistic history for a demo or a benchmark: days of queue and dossier
 * activity played through the store's own operations on a moved clock, so
 * every event is in the hash chain and every deadline is the calendar's. */
#ifndef MOTCUA_SIMULATE_H
#define MOTCUA_SIMULATE_H

#include <stdint.h>

#include "store/store.h"

struct simulate_report {
	int days; /* working days simulated */
	int tickets;
	int dossiers;
	int actions;       /* dossier actions taken */
	int ratings;       /* citizens' ratings given (returned dossiers, served tickets) */
	int refused_steps; /* operations the store refused (kept going) */
};

/* Plays `days` calendar days before now on st (which must hold an office
 * with service groups, counters, counter clerks, specialists, a supervisor
 * and procedures). Deterministic for a seed. Returns MC_OK, or an error when
 * the office lacks what a simulation needs. */
enum mc_err simulate_office(struct store *st, int days, uint64_t seed,
                            struct simulate_report *report, struct mc_error *err);

#endif
