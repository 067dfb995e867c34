/* Figures for operations: the counts an office alerts on (print jobs stuck,
 * late dossiers, notification messages not sent), which api/present_ops.c
 * writes as /metrics series, and the read-only inspection of a database file
 * that `motcua-server doctor` makes (docs/monitoring.md). */
#ifndef MOTCUA_STORE_OPS_FIGURES_H
#define MOTCUA_STORE_OPS_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct store;

/* One centre's print jobs not done yet (queued, sending or printing). */
struct store_ops_print {
	char *office;      /* the centre's office code; "" for jobs of no office */
	int64_t pending;   /* how many */
	int64_t oldest_at; /* created_at of the oldest of them, 0 when none */
};

/* The figures an office alerts on, as they stand at `at`. The text of the
 * /metrics series is the API's (api/present_ops.h). */
struct store_ops_figures {
	int64_t at; /* the instant they were read for (epoch seconds) */
	/* Each centre (kind 'centre', by id), then the jobs of no office, only
	 * when there are some. */
	size_t nprint;
	struct store_ops_print *print;
	/* Dossiers open at `at` (received by it, not finished, with a due
	 * instant) and those of them past due by the indicators' rule
	 * (store/indicators.c: a paused dossier is judged at its pause). */
	int64_t dossiers_open, dossiers_late;
	/* Notification messages queued (waiting or retrying), sending, dead. */
	int64_t notify_queued, notify_sending, notify_dead;
};

/* Reads the figures at now (epoch seconds, clock_now) into *out (zeroed
 * first; store_ops_figures_clear frees it), through this thread's reader.
 * Every statement is an indexed count, cheap enough for a scrape every 15 s.
 * On a database error returns it (err filled) and *out holds nothing. */
enum mc_err store_ops_figures_load(struct store *st, int64_t now, struct store_ops_figures *out,
                                   struct mc_error *err);
void store_ops_figures_clear(struct store_ops_figures *f);

/* What a database file holds, read without migrating anything. */
struct store_inspection {
	int schema;         /* PRAGMA user_version */
	int schema_current; /* the version this program writes */
	char check[256];    /* "ok", or the first line PRAGMA quick_check reported */
	int64_t last_event; /* the instant of the newest event (epoch seconds), 0 none */
	size_t printer_count;
	struct store_inspected_printer {
		char *name, *target;
	} * printers; /* the active printers (name, CUPS queue or URI) */
};

/* Opens path read-only (never creating it, never migrating: the file and its
 * schema are left as found), reads the schema version, runs PRAGMA
 * quick_check and, when the file is sound and the schema not newer than this
 * program's, reads the newest event's instant and lists the active printers. MC_OK with *out filled
 * (free with store_inspection_free), or MC_ERR_UNAVAILABLE: "db_unreadable" (cannot be opened, not
 * a database, locked) with the reason in err. */
enum mc_err store_inspect(const char *path, struct store_inspection *out, struct mc_error *err);
void store_inspection_free(struct store_inspection *in);

#endif
