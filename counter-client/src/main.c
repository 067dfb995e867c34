/* motcua-counter: global options, then one command from the table. */
#include <curl/curl.h>
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

/* The value of a global option at argv[*i] ("--opt VALUE" or "--opt=VALUE"),
 * advancing *i; NULL when argv[*i] is not that option. */
static const char *main_opt(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

int main(int argc, char **argv)
{
	struct cc c = {.lang = main_locale_lang()};
	const char *config_dir = NULL, *lang = NULL;
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	int nrest = 0, rc;
	bool missing = false, after_dashes = false;

	setlocale(LC_CTYPE, "");
	/* Global options may come anywhere before "--". */
	for (int i = 1; i < argc; i++) {
		const char *v;
		if (after_dashes) {
			rest[nrest++] = argv[i];
		} else if (strcmp(argv[i], "--") == 0) {
			after_dashes = true;
			rest[nrest++] = argv[i];
		} else if (strcmp(argv[i], "--json") == 0) {
			c.json = true;
		} else if (strcmp(argv[i], "--verbose") == 0) {
			c.verbose = true;
		} else if ((v = main_opt(argc, argv, &i, "--server", &missing))) {
			c.server_opt = v;
		} else if ((v = main_opt(argc, argv, &i, "--lang", &missing))) {
			lang = v;
		} else if ((v = main_opt(argc, argv, &i, "--config-dir", &missing))) {
			config_dir = v;
		} else if (missing) {
			break;
		} else {
			rest[nrest++] = argv[i];
		}
	}
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
