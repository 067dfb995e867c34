/* Figures for operations: the /metrics series an office alerts on (print
 * jobs stuck, late dossiers, notification messages not sent) and the
 * read-only inspection of a database file that `motcua-server doctor` makes
 * (docs/monitoring.md). Every statement here is an indexed count, cheap
 * enough for a scrape every 15 s. */
#ifndef MOTCUA_STORE_OPS_FIGURES_H
#define MOTCUA_STORE_OPS_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct store;
struct strbuf;

/* Appends to *out the Prometheus text (HELP, TYPE, samples) of:
 * - motcua_print_jobs_pending{office}: print jobs not done (queued, sending
 *   or printing) of each centre (office code; "" for jobs of no office, only
 *   when there are some);
 * - motcua_print_jobs_oldest_pending_seconds{office}: now - created_at of the
 *   oldest of them, 0 when none;
 * - motcua_dossiers_open, motcua_dossiers_late: dossiers open at now (received
 *   by it, not finished, with a due instant) and those of them past due,
 *   by the indicators' rule (store/indicators.c: a paused dossier is judged at
 *   its pause);
 * - motcua_notifications{state}: messages queued, sending and dead (every
 *   state is printed, 0 when none).
 * now: epoch seconds (clock_now). Through this thread's reader. On a database
 * error returns it (err filled); *out may then hold a partial text. */
enum mc_err store_ops_metrics(struct store *st, int64_t now, struct strbuf *out,
                              struct mc_error *err);

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
