/* motcua-server routes: the HTTP route table (core/src/api/routes.c) as data,
 * so tests and docs checks derive their lists from the one source of truth. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "api/api_internal.h"
#include "cli/cli.h"
#include "domain/principal.h"

static const struct {
	unsigned bit;
	const char *name;
} cli_routes_roles[] = {
    {ROLE_ADMIN, "admin"},           {ROLE_SUPERVISOR, "supervisor"}, {ROLE_COUNTER, "counter"},
    {ROLE_SPECIALIST, "specialist"}, {ROLE_KIOSK, "kiosk"},           {ROLE_DISPLAY, "display"},
};

static const struct {
	unsigned bit;
	const char *name;
} cli_routes_flags[] = {
    {ROUTE_MUTATES, "mutates"},
    {ROUTE_SLOW, "slow"},
};

/* Returns a new JSON array (the caller owns it) of the names of the role
 * (roles true) or flag bits set in mask; a public route's roles give []. */
static json_t *cli_routes_names(unsigned mask, bool roles)
{
	json_t *a = json_array();
	size_t n = roles ? sizeof cli_routes_roles / sizeof cli_routes_roles[0]
	                 : sizeof cli_routes_flags / sizeof cli_routes_flags[0];
	for (size_t i = 0; i < n; i++) {
		unsigned bit = roles ? cli_routes_roles[i].bit : cli_routes_flags[i].bit;
		const char *name = roles ? cli_routes_roles[i].name : cli_routes_flags[i].name;
		if (mask & bit)
			json_array_append_new(a, json_string(name));
	}
	return a;
}

/* Prints a JSON array's strings joined by commas, or "-" when it is empty. */
static void cli_routes_print_list(const json_t *a)
{
	size_t i;
	json_t *v;
	if (json_array_size(a) == 0) {
		fputs("-", stdout);
		return;
	}
	json_array_foreach(a, i, v)
	{
		if (i)
			fputc(',', stdout);
		fputs(json_string_value(v), stdout);
	}
}

/* motcua-server routes [--json]: one line per route, tab-separated: method,
 * pattern ({} is one path segment), roles ("-" public), flags ("-" none).
 * With --json, an array of {method, pattern, roles, flags}. Returns 0, or
 * CLI_EXIT_USAGE on a bad argument. */
int cli_routes(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {0}};
	bool as_json = false;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'j': as_json = true; break;
		case 'h':
			printf("usage: motcua-server routes [--json]\n"
			       "Prints the HTTP route table: method, path pattern ({} is one "
			       "segment),\n"
			       "the roles allowed (- for public) and the flags (mutates, slow),\n"
			       "tab-separated, or as a JSON array with --json.\n");
			return 0;
		default: return cli_usage_error("routes", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error("routes", "unexpected argument '%s'", argv[optind]);

	json_t *all = json_array();
	for (size_t i = 0; i < api_routes_count; i++) {
		const struct route *rt = &api_routes[i];
		json_t *roles = cli_routes_names(rt->roles, true);
		json_t *flags = cli_routes_names(rt->flags, false);
		if (as_json) {
			json_array_append_new(all, json_pack("{s:s, s:s, s:o, s:o}", "method",
			                                     rt->method, "pattern", rt->pattern,
			                                     "roles", roles, "flags", flags));
			continue;
		}
		printf("%s\t%s\t", rt->method, rt->pattern);
		cli_routes_print_list(roles);
		fputc('\t', stdout);
		cli_routes_print_list(flags);
		fputc('\n', stdout);
		json_decref(roles);
		json_decref(flags);
	}
	if (as_json) {
		json_dumpf(all, stdout, JSON_INDENT(1));
		fputc('\n', stdout);
	}
	json_decref(all);
	return 0;
}
