/* Copying an office's SQLite database into a PostgreSQL database
 * (motcua-server migrate-to): the source read in one read transaction (one
 * snapshot; a server may be serving the file meanwhile, nothing is written
 * to it), the target given motcua's schema by the store's own open, then
 * every table's rows copied in one PostgreSQL transaction with their ids,
 * the identity sequences moved past them, and the copy verified: rows per
 * table against the source's snapshot, the events' hash chain and the
 * maintained figures on the target. */
#ifndef MOTCUA_STORE_MIGRATE_PG_H
#define MOTCUA_STORE_MIGRATE_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct migrate_table {
	char *name;
	int64_t source_rows; /* in the source's snapshot */
	int64_t target_rows; /* counted on the target after the commit, -1 not counted */
};

struct migrate_report {
	struct migrate_table *tables; /* in the order they were copied */
	size_t ntables;
	int schema;        /* the schema version of both */
	int64_t rows;      /* rows copied, every table */
	int64_t deferred;  /* references set after their rows (cycles) */
	bool committed;    /* the copy is in the target */
	int64_t events;    /* events whose hash chain verified on the target */
	int64_t dossiers;  /* dossiers checked against the chain, -1 not run */
	int64_t figures;   /* rows of maintained figures checked, -1 not run */
	char not_run[512]; /* why a check did not run on PostgreSQL, "" none */
};

/* Copies the motcua SQLite database at source into the PostgreSQL database
 * target (a libpq URI or keyword string), then verifies it. MC_OK with rep
 * filled; else an error with a stable code: not_a_motcua_database,
 * schema_too_old, schema_too_new (the source), target_unreachable,
 * target_auth_failed, target_not_empty (nothing changed), migrate_schema
 * (the engines' schemas differ: a table or column of one lacks in the
 * other), migrate_failed (the copy's transaction rolled back: the target
 * as it was), and after the commit (rep->committed) audit_mismatch,
 * audit_gap, figures_mismatch, dossier_mismatch or migrate_count_mismatch.
 * rep is filled as far as the work went; free it with migrate_report_free. */
enum mc_err store_migrate_to_pg(const char *source, const char *target, struct migrate_report *rep,
                                struct mc_error *err);
void migrate_report_free(struct migrate_report *rep);

#endif
