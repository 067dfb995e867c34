/* motcua-counter: global options, then one command from the table. */
#include <curl/curl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "util/xmalloc.h"

static const struct cc_command *const commands[] = {
    &cmd_login_entry,       &cmd_logout_entry, &cmd_counter_entry,  &cmd_status_entry,
    &cmd_next_entry,        &cmd_recall_entry, &cmd_no_show_entry,  &cmd_rejoin_entry,
    &cmd_transfer_entry,    &cmd_finish_entry, &cmd_intake_entry,   &cmd_return_entry,
    &cmd_rating_slip_entry, &cmd_lookup_entry, &cmd_print_entry,    &cmd_reprint_entry,
    &cmd_printers_entry,    &cmd_shell_entry,  &cmd_handover_entry, &cmd_result_ready_entry,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void main_usage(struct cc *c, FILE *f)
{
	fprintf(f, "%s",
	        T(c,
	          "Cách dùng: motcua-counter [--server URL] [--json] [--verbose] [--lang vi|en] "
	          "[--config-dir DIR] "
	          "LỆNH …\n\nCác lệnh:\n",
	          "Usage: motcua-counter [--server URL] [--json] [--verbose] [--lang vi|en] "
	          "[--config-dir DIR] "
	          "COMMAND …\n\nCommands:\n"));
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name,
		        T(c, commands[i]->summary_vi, commands[i]->summary_en));
	fprintf(
	    f, "%s",
	    T(c,
	      "\n`motcua-counter LỆNH --help` cho từng lệnh.\n\n"
	      "Mã thoát: 0 xong; 2 sai cách dùng; 3 không kết nối được máy chủ; 4 chưa đăng nhập / "
	      "phiên hết hạn / sai mật khẩu;\n5 không được phép; 6 máy chủ từ chối (kèm lý do); "
	      "7 đã lưu nhưng chưa in được; 1 lỗi khác.\n",
	      "\n`motcua-counter COMMAND --help` for each command.\n\n"
	      "Exit codes: 0 ok; 2 usage; 3 server unreachable; 4 not logged in / session expired "
	      "/ "
	      "wrong password;\n5 forbidden; 6 refused by the server (with its reason); "
	      "7 saved but not printed; 1 other.\n"));
}

/* vi unless the locale (LC_ALL, else LANG) starts with "en". */
static enum cc_lang main_locale_lang(void)
{
	const char *l = getenv("LC_ALL");
	if (l == NULL || *l == '\0')
		l = getenv("LANG");
	return l && strncmp(l, "en", 2) == 0 ? CC_EN : CC_VI;
}

/* The global options. They may come anywhere before "--" (`motcua-counter
 * next --json` as well as `motcua-counter --json next`), so they are read in
 * argv's order ("-": a non-option comes back as 1) rather than stopping at the
 * command ("+"); everything else is the command's and passes through as it is. */
static const struct option main_options[] = {
    {"json", no_argument, NULL, 'j'},
    {"verbose", no_argument, NULL, 'v'},
    {"server", required_argument, NULL, 's'},
    {"lang", required_argument, NULL, 'l'},
    {"config-dir", required_argument, NULL, 'd'},
    {NULL, 0, NULL, 0},
};

/* Whether arg spells the global option val in full ("--name" or "--name=…"):
 * getopt_long also takes a prefix ("--co"), which is a command's option to
 * abbreviate (`print … --co 2` for --copies), never a global one. */
static bool main_spelled_out(const char *arg, int val)
{
	for (const struct option *o = main_options; o->name; o++) {
		size_t n = strlen(o->name);
		if (o->val == val)
			return strncmp(arg, "--", 2) == 0 && strncmp(arg + 2, o->name, n) == 0 &&
			       (arg[2 + n] == '\0' || arg[2 + n] == '=');
	}
	return false;
}

/* Reads the global options into c, *lang and *config_dir, and the rest of
 * argv, in order and with the "--" and all after it, into rest. False when a
 * global option lacks its value. */
static bool main_options_read(struct cc *c, int argc, char **argv, const char **lang,
                              const char **config_dir, char **rest, int *nrest)
{
	int saved_opterr = opterr, at, o;
	opterr = 0; /* the command's options are the command's to refuse */
	for (;;) {
		at = optind;
		o = getopt_long(argc, argv, "-:", main_options, NULL);
		if (o == -1)
			break;
		if (o == 1) {
			rest[(*nrest)++] = optarg;
		} else if (o == '?' || !main_spelled_out(argv[at], o == ':' ? optopt : o)) {
			/* The command's option, or a short one ("-u…"): once getopt_long
			 * is past the whole word, it goes to the command as it is. */
			if (optind > at) {
				optind = at + 1;
				rest[(*nrest)++] = argv[at];
			}
		} else if (o == ':') {
			break;
		} else if (o == 'j') {
			c->json = true;
		} else if (o == 'v') {
			c->verbose = true;
		} else if (o == 's') {
			c->server_opt = optarg;
		} else if (o == 'l') {
			*lang = optarg;
		} else {
			*config_dir = optarg;
		}
	}
	opterr = saved_opterr;
	if (o == ':')
		return false;
	if (optind == at + 1) /* getopt_long stepped over "--": the command's too */
		rest[(*nrest)++] = argv[at];
	while (optind < argc)
		rest[(*nrest)++] = argv[optind++];
	return true;
}

int main(int argc, char **argv)
{
	struct cc c = {.lang = main_locale_lang()};
	const char *config_dir = NULL, *lang = NULL;
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	int nrest = 0, rc;

	setlocale(LC_CTYPE, "");
	bool missing = !main_options_read(&c, argc, argv, &lang, &config_dir, rest, &nrest);
	if (lang) {
		if (strcmp(lang, "vi") == 0)
			c.lang = CC_VI;
		else if (strcmp(lang, "en") == 0)
			c.lang = CC_EN;
		else
			missing = true;
	}
	if (missing) {
		main_usage(&c, stderr);
		free(rest);
		return CC_USAGE;
	}
	if (nrest == 0 || strcmp(rest[0], "--help") == 0 || strcmp(rest[0], "-h") == 0 ||
	    strcmp(rest[0], "help") == 0) {
		main_usage(&c, nrest == 0 ? stderr : stdout);
		free(rest);
		return nrest == 0 ? CC_USAGE : CC_OK;
	}
	if (strcmp(rest[0], "--version") == 0) {
		printf("motcua-counter %s\n", MOTCUA_VERSION);
		free(rest);
		return CC_OK;
	}
	const struct cc_command *cmd = NULL;
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, rest[0]) == 0)
			cmd = commands[i];
	if (cmd == NULL) {
		fprintf(stderr,
		        T(&c, "motcua-counter: không có lệnh '%s'\n",
		          "motcua-counter: no command '%s'\n"),
		        rest[0]);
		main_usage(&c, stderr);
		free(rest);
		return CC_USAGE;
	}
	if (cc_wants_help(nrest, rest)) {
		rc = cc_help(&c, cmd);
		free(rest);
		return rc;
	}

	if (config_dir) {
		c.config_dir = xstrdup(config_dir);
	} else {
		const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
		if (xdg && *xdg)
			c.config_dir = xasprintf("%s/motcua", xdg);
		else
			c.config_dir = xasprintf("%s/.config/motcua", home ? home : ".");
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cc_config_load(&c);
	if (rc == CC_OK) {
		cc_new_action(&c);
		rc = cmd->exec(&c, nrest, rest);
	}
	fflush(stdout);
	cc_config_free(&c.cfg);
	free(c.config_dir);
	free(rest);
	curl_global_cleanup();
	return rc;
}
