/* Database commands: init, import, audit-verify, backup, restore. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/cli_backup_dir.h"
#include "cli/cli_config.h"
#include "domain/backup_plan.h"
#include "store/auth.h"
#include "store/dossier.h"
#include "store/figures.h"
#include "api/setup_import.h"
#include "store/setup.h"
#include "store/store.h"
#include "util/xmalloc.h"

static const struct principal cli_actor = {.role = ROLE_ADMIN, .actor = "system:cli"};

/* Parses --db FILE (required), --config FILE and --help for commands that
 * take only these and positional arguments. *argc and *argv become the
 * command line with the file's settings (cli_config_getopt): the positional
 * arguments are (*argv)[optind..*argc-1]. Returns -1 to go on, else an exit
 * status. */
static int cli_db_opts(const char *cmd, const char *usage, int *argc, char ***argv, const char **db)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {0}};
	int c, status;
	*db = NULL;
	if ((status = cli_config_getopt(cmd, opts, argc, argv)) >= 0)
		return status;
	while ((c = getopt_long(*argc, *argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'd': *db = optarg; break;
		case 'h':
			printf("usage: motcua-server %s %s\n"
			       "--config FILE reads --db from a configuration file (flags win).\n",
			       cmd, usage);
			return 0;
		default:
			return cli_usage_error(cmd, "unknown or incomplete option '%s'",
			                       (*argv)[optind - 1]);
		}
	}
	if (*db == NULL)
		return cli_usage_error(cmd, "--db FILE is required");
	return -1;
}

/* Whether db may hold a database: a missing file is refused before
 * anything opens it. A PostgreSQL database is always left to the store to
 * answer: one without motcua's tables is not_a_motcua_database, as an empty
 * SQLite file is, and one that cannot be reached says why, never "does not
 * exist" with its URI (which may carry a password). */
static bool cli_file_exists(const char *db)
{
	return !store_target_is_file(db) || store_target_state(db) != STORE_TARGET_NONE;
}

int cli_init(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},       {"admin", required_argument, NULL, 'a'},
	    {"password", required_argument, NULL, 'p'}, {"password-stdin", no_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},           {0}};
	const char *db = NULL, *admin = "admin", *password = NULL;
	bool from_stdin = false;
	int c, status;
	if ((status = cli_config_getopt("init", opts, &argc, &argv)) >= 0)
		return status;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'a': admin = optarg; break;
		case 'p': password = optarg; break;
		case 's': from_stdin = true; break;
		case 'h':
			printf("usage: motcua-server init --db FILE [--admin NAME]"
			       " (--password P | --password-stdin)\n"
			       "         [--config FILE]\n"
			       "Creates a new database and its first administrator.\n"
			       "--config FILE reads --db from a configuration file (flags win).\n");
			return 0;
		default:
			return cli_usage_error("init", "unknown or incomplete option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (db == NULL)
		return cli_usage_error("init", "--db FILE is required");
	if (optind < argc)
		return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
	if ((password == NULL) == !from_stdin)
		return cli_usage_error("init",
		                       "give exactly one of --password or --password-stdin");
	if (store_target_state(db) == STORE_TARGET_PRESENT)
		return cli_usage_error("init", "%s already exists; init creates a new database",
		                       db);
	char *pw = from_stdin ? cli_read_line() : xstrdup(password);
	if (pw == NULL)
		return cli_usage_error("init", "no password on standard input");

	struct store *st = NULL;
	struct mc_error err;
	status = 0;
	/* A weak password is refused before anything is made: a PostgreSQL
	 * database, which init does not create, is left without a schema. */
	if (auth_password_check(admin, pw, &err) != MC_OK) {
		status = cli_fail("init", &err);
	} else if (store_open(db, &st, &err) != MC_OK ||
	           store_user_create(st, cli_actor.actor, admin, "Quản trị hệ thống", ROLE_ADMIN,
	                             pw, false, NULL, &err) != MC_OK) {
		status = cli_fail("init", &err);
		store_close(st);
		st = NULL;
		if (store_target_is_file(db))
			remove(db);
	} else {
		printf("created %s with administrator '%s'\n", db, admin);
	}
	store_close(st);
	sodium_memzero(pw, strlen(pw));
	free(pw);
	return status;
}

int cli_import(int argc, char **argv)
{
	const char *db;
	int rc = cli_db_opts("import", "--db FILE BUNDLE.json", &argc, &argv, &db);
	if (rc >= 0)
		return rc;
	if (optind + 1 != argc)
		return cli_usage_error("import", "give exactly one BUNDLE.json");
	if (!cli_file_exists(db))
		return cli_usage_error("import", "%s does not exist (run init first)", db);
	json_error_t jerr;
	json_t *bundle = json_load_file(argv[optind], JSON_REJECT_DUPLICATES, &jerr);
	if (bundle == NULL)
		return cli_usage_error("import", "%s: %s (line %d)", argv[optind], jerr.text,
		                       jerr.line);
	struct store *st = NULL;
	struct mc_error err;
	json_t *report = NULL;
	int status = 0;
	if (store_open_mode(db, STORE_OPEN_EXISTING, &st, &err) != MC_OK ||
	    setup_import(st, &cli_actor, bundle, &report, &err) != MC_OK) {
		status = cli_fail("import", &err);
	} else {
		json_dumpf(report, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(report);
	json_decref(bundle);
	store_close(st);
	return status;
}

int cli_audit_verify(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"rebuild-figures", no_argument, NULL, 'r'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {0}};
	const char *db = NULL;
	bool rebuild = false;
	int c, status;
	if ((status = cli_config_getopt("audit-verify", opts, &argc, &argv)) >= 0)
		return status;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'r': rebuild = true; break;
		case 'h':
			printf("usage: motcua-server audit-verify --db FILE [--rebuild-figures]"
			       " [--config FILE]\n"
			       "--rebuild-figures first rebuilds the maintained figures from the\n"
			       "rows (the repair after a figures_mismatch), then checks.\n");
			return 0;
		default:
			return cli_usage_error("audit-verify", "unknown or incomplete option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (db == NULL)
		return cli_usage_error("audit-verify", "--db FILE is required");
	if (optind != argc)
		return cli_usage_error("audit-verify", "unexpected argument '%s'", argv[optind]);
	if (!cli_file_exists(db))
		return cli_usage_error("audit-verify", "%s does not exist", db);
	struct store *st = NULL;
	struct mc_error err;
	int64_t n = 0, dossiers = 0, figures = 0;
	status = 0;
	if (store_open_mode(db, STORE_OPEN_AS_IS_REFUSE_OLD, &st, &err) != MC_OK ||
	    store_integrity_check(st, &err) != MC_OK ||
	    (rebuild && figures_rebuild(st, &err) != MC_OK) ||
	    store_audit_verify(st, &n, &err) != MC_OK ||
	    store_dossier_audit(st, &dossiers, &err) != MC_OK ||
	    figures_verify(st, &figures, &err) != MC_OK)
		status = cli_fail("audit-verify", &err);
	else
		printf("ok: %lld events, hash chain intact; %lld dossiers agree with it;"
		       " %lld rows of maintained figures equal a recomputation\n",
		       (long long)n, (long long)dossiers, (long long)figures);
	store_close(st);
	return status;
}

/* A --backup-keep-* count: a whole number 0..BACKUP_KEEP_MAX, else -1. */
#define BACKUP_KEEP_MAX 10000
#define BACKUP_KEEP_MAX_TEXT "10000"
static int cli_backup_count(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > BACKUP_KEEP_MAX ||
	    !isdigit((unsigned char)s[0]))
		return -1;
	return (int)v;
}

int cli_backup(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"backup-dir", required_argument, NULL, 'b'},
	                                     {"backup-keep-daily", required_argument, NULL, 'D'},
	                                     {"backup-keep-monthly", required_argument, NULL, 'M'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {0}};
	const char *db = NULL, *dir = NULL;
	int keep[2] = {BACKUP_KEEP_DAILY_DEFAULT, BACKUP_KEEP_MONTHLY_DEFAULT};
	int c, status;
	if ((status = cli_config_getopt("backup", opts, &argc, &argv)) >= 0)
		return status;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'b': dir = optarg; break;
		case 'D':
		case 'M':
			if ((keep[c == 'M'] = cli_backup_count(optarg)) < 0)
				return cli_bad_value(
				    "backup",
				    c == 'D' ? "backup-keep-daily" : "backup-keep-monthly", optarg,
				    "(a whole number 0 to " BACKUP_KEEP_MAX_TEXT ")");
			break;
		case 'h':
			printf("usage: motcua-server backup --db FILE OUT.gz\n"
			       "       motcua-server backup --db FILE --backup-dir DIR"
			       " [--backup-keep-daily N] [--backup-keep-monthly M]\n"
			       "--config FILE reads these from a configuration file (flags win).\n"
			       "Writes a compressed online backup; the server may be running.\n"
			       "With --backup-dir: DIR/motcua-YYYYMMDD-HHMMSS.db.gz (office time), "
			       "checked as\n"
			       "restore checks it (a failed one is left as ….db.gz.bad, exit 1), "
			       "then keeps\n"
			       "the newest backup of each of the last N days (default %d) and M "
			       "months\n"
			       "(default %d) having backups and deletes DIR's other motcua-*.db.gz "
			       "backups.\n"
			       "An OUT.gz argument writes that one file; DIR and the counts are "
			       "not used.\n",
			       BACKUP_KEEP_DAILY_DEFAULT, BACKUP_KEEP_MONTHLY_DEFAULT);
			return 0;
		default:
			return cli_usage_error("backup", "unknown or incomplete option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (db == NULL)
		return cli_usage_error("backup", "--db FILE is required");
	if (optind + 1 < argc)
		return cli_usage_error("backup", "unexpected argument '%s'", argv[optind + 1]);
	if (optind == argc && dir == NULL)
		return cli_usage_error("backup", "give OUT.gz or --backup-dir DIR");
	if (!cli_file_exists(db))
		return cli_usage_error("backup", "%s does not exist", db);
	if (optind == argc) {
		struct stat sb;
		if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
			return cli_usage_error("backup", "%s is not a folder", dir);
		return cli_backup_dir(db, dir, keep[0], keep[1]);
	}
	struct store *st = NULL;
	struct mc_error err;
	status = 0;
	if (store_open_mode(db, STORE_OPEN_AS_IS, &st, &err) != MC_OK ||
	    store_backup(st, argv[optind], &err) != MC_OK)
		status = cli_fail("backup", &err);
	else
		printf("backed up %s to %s\n", db, argv[optind]);
	store_close(st);
	return status;
}

int cli_restore(int argc, char **argv)
{
	const char *db;
	int rc = cli_db_opts("restore", "--db NEW_FILE BACKUP.gz", &argc, &argv, &db);
	if (rc >= 0)
		return rc;
	if (optind + 1 != argc)
		return cli_usage_error("restore", "give exactly one BACKUP.gz");
	struct mc_error err;
	if (store_restore(argv[optind], db, &err) != MC_OK)
		return cli_fail("restore", &err);
	printf("restored %s into %s (integrity and audit chain checked)\n", argv[optind], db);
	return 0;
}
