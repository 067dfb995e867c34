/* motcua-server migrate-to: an office's SQLite database copied into a
 * PostgreSQL database and verified there (store/migrate_pg.h). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/cli_config.h"
#include "store/migrate_pg.h"
#include "store/store.h"

static void migrate_usage(void)
{
	printf("usage: motcua-server migrate-to --db FILE TARGET [--config FILE]\n"
	       "Copies the SQLite database FILE into the PostgreSQL database TARGET\n"
	       "(postgresql://user@host1,host2/db?target_session_attrs=read-write, or a\n"
	       "libpq \"key=value\" string): TARGET must be empty, or hold motcua's schema\n"
	       "and no rows; migrate-to creates the schema, copies every table with its\n"
	       "ids in one transaction (a failure leaves TARGET as it was), then checks\n"
	       "the rows of each table against FILE, the events' hash chain and the\n"
	       "maintained figures on TARGET. FILE is only read (one snapshot): a server\n"
	       "may still serve it, but what it writes after the snapshot is not copied,\n"
	       "so stop it first for the real move. FILE must be at this program's\n"
	       "schema (start the server on an older one once). Exit 0 when the copy\n"
	       "verifies, 1 on any failure or mismatch, 2 on bad arguments.\n"
	       "See docs/postgresql.md.\n");
}

int cli_migrate_to(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {0}};
	const char *db = NULL;
	int c, status;
	if ((status = cli_config_getopt("migrate-to", opts, &argc, &argv)) >= 0)
		return status;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': migrate_usage(); return 0;
		default:
			return cli_usage_error("migrate-to", "unknown or incomplete option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (db == NULL)
		return cli_usage_error("migrate-to", "--db FILE (the SQLite database) is required");
	if (optind == argc)
		return cli_usage_error("migrate-to", "give the PostgreSQL database to copy into "
		                                     "(postgresql://…)");
	if (optind + 1 < argc)
		return cli_usage_error("migrate-to", "unexpected argument '%s'", argv[optind + 1]);
	const char *target = argv[optind];
	if (!store_target_is_file(db))
		return cli_usage_error("migrate-to",
		                       "--db must name the SQLite file to copy from, not a "
		                       "PostgreSQL database");
	if (store_target_is_file(target))
		return cli_usage_error("migrate-to",
		                       "'%s' is not a PostgreSQL database: give a postgresql:// "
		                       "URI or a libpq \"key=value\" string",
		                       target);
	struct stat sb;
	if (stat(db, &sb) != 0 || !S_ISREG(sb.st_mode))
		return cli_usage_error("migrate-to", "%s does not exist or is not a file", db);

	struct migrate_report rep;
	struct mc_error err;
	enum mc_err rc = store_migrate_to_pg(db, target, &rep, &err);
	if (rep.committed) {
		printf("%-22s %12s %12s   (in the order copied)\n", "table", "SQLite",
		       "PostgreSQL");
		for (size_t i = 0; i < rep.ntables; i++) {
			const struct migrate_table *t = &rep.tables[i];
			printf("%-22s %12" PRId64 " %12" PRId64 "%s\n", t->name, t->source_rows,
			       t->target_rows,
			       t->target_rows == t->source_rows ? "" : "  MISMATCH");
		}
	}
	if (rc != MC_OK) {
		status = cli_fail("migrate-to", &err);
		migrate_report_free(&rep);
		return status;
	}
	printf("ok: %zu tables, %" PRId64 " rows copied into PostgreSQL (schema %d, ids kept,"
	       " sequences moved past them, %" PRId64 " references set after their rows);"
	       " rows per table equal the source's\n",
	       rep.ntables, rep.rows, rep.schema, rep.deferred);
	printf("ok: %" PRId64 " events, hash chain intact on PostgreSQL\n", rep.events);
	if (rep.dossiers >= 0)
		printf("ok: %" PRId64 " dossiers agree with the chain\n", rep.dossiers);
	if (rep.figures >= 0)
		printf("ok: %" PRId64 " rows of maintained figures equal a recomputation\n",
		       rep.figures);
	if (rep.not_run[0])
		printf("not checked: %s: their SQL does not run on PostgreSQL yet (the log "
		       "above says why); run motcua-server audit-verify --db TARGET once it "
		       "does\n",
		       rep.not_run);
	migrate_report_free(&rep);
	return 0;
}
