/* motcua-server: the one-stop office's queue and dossier server. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/cli_calendar.h"
#include "cli/cli_calendar_db.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
    {"init", cli_init, "create a database and its first administrator"},
    {"serve", cli_serve, "serve an office's database over HTTP"},
    {"import", cli_import, "apply a set-up bundle (office, groups, counters, staff)"},
    {"demo", cli_demo, "create (once) and serve the Hướng Hóa demo office"},
    {"audit-verify", cli_audit_verify, "check the database and its event hash chain"},
    {"backup", cli_backup, "write a compressed online backup"},
    {"restore", cli_restore, "restore a backup into a new database file"},
    {"migrate-to", cli_migrate_to, "copy an SQLite database into PostgreSQL and verify it"},
    {"simulate", cli_simulate, "fill a database with realistic history (demo data)"},
    {"calendar", cli_calendar, "lunar dates, holidays and working-time deadlines"},
    {"print-test", cli_print_test, "print a test ticket to a CUPS queue or printer URI"},
    {"doctor", cli_doctor, "check an installation: database, disk, backups, printers, TLS"},
    {"routes", cli_routes, "print the HTTP route table (method, path, roles, flags)"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: motcua-server COMMAND [OPTIONS]   (COMMAND --help for more)\n\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
	/* The database, its WAL, backups and key files hold citizens' personal
	 * data and password hashes: nothing this program creates is for other
	 * local users. */
	umask(077);
	/* `calendar … --db FILE` reads the office calendar from the store. */
	cli_calendar_load_overrides = cli_calendar_db_load;
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("motcua-server " MOTCUA_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "motcua-server: unknown command '%s' (see motcua-server --help)\n",
	        argv[1]);
	return CLI_EXIT_USAGE;
}
