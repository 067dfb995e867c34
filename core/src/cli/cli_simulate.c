/* simulate: fill a database with realistic history (demo, benchmarks). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/cli_config.h"
#include "cli/simulate.h"

int cli_simulate(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
	                                     {"days", required_argument, NULL, 'n'},
	                                     {"seed", required_argument, NULL, 's'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {0}};
	const char *db = NULL;
	long days = 30;
	unsigned long long seed = 1;
	char *end;
	int c, status;
	if ((status = cli_config_getopt("simulate", opts, &argc, &argv)) >= 0)
		return status;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n':
			days = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || days < 1 || days > 730)
				return cli_bad_value("simulate", "days", optarg, "(1 to 730)");
			break;
		case 's':
			seed = strtoull(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0')
				return cli_bad_value("simulate", "seed", optarg,
				                     "(a whole number)");
			break;
		case 'h':
			printf(
			    "usage: motcua-server simulate --db FILE [--days N] [--seed S]"
			    " [--config FILE]\n"
			    "Plays N days (default 30) before now of queue and dossier activity\n"
			    "at every centre of a province that was init'ed and imported: tickets\n"
			    "with peaks after opening and after lunch, services, no-shows, "
			    "intakes\n"
			    "(some for another commune or a department), hand-overs, supplements,\n"
			    "inter-agency, apologies, late and early results, returns. Every\n"
			    "change goes through the server's own operations and into the audit\n"
			    "chain. The same seed gives the same history. Demo data only.\n");
			return 0;
		default:
			return cli_usage_error("simulate", "unknown or incomplete option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (db == NULL)
		return cli_usage_error("simulate", "--db FILE is required");
	if (optind < argc)
		return cli_usage_error("simulate", "unexpected argument '%s'", argv[optind]);
	if (store_target_state(db) == STORE_TARGET_NONE)
		return cli_usage_error("simulate", "%s does not exist (run init and import first)",
		                       db);
	struct store *st = NULL;
	struct mc_error err;
	struct simulate_report rep;
	status = 0;
	if (store_open_mode(db, STORE_OPEN_EXISTING, &st, &err) != MC_OK ||
	    simulate_province(st, (int)days, seed, &rep, &err) != MC_OK)
		status = cli_fail("simulate", &err);
	else
		printf("simulated %d working days: %d tickets, %d dossiers, %d dossier actions,"
		       " %d ratings at %d centre%s, %d dossiers received for another unit"
		       " (%d steps refused by the rules, as in real life)\n",
		       rep.days, rep.tickets, rep.dossiers, rep.actions, rep.ratings, rep.centres,
		       rep.centres == 1 ? "" : "s", rep.boundary_free, rep.refused_steps);
	store_close(st);
	return status;
}
