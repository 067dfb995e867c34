/* Unit tests of the configuration file (cli/cli_config.c): what a line may
 * hold and each fault with its line number; --config expanded before the
 * command line so flags win; the key registry equal to docs/configuration.md's
 * tables and to packaging/motcua.conf; every command's options in the
 * registry or the command-line-only list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "cli/cli_config.h"

/* The source tree: this file is <src>/tests/unit/test_config.c. */
static char *source_path(const char *rel)
{
	static char path[4096];
	const char *me = __FILE__;
	const char *cut = strstr(me, "tests/unit/test_config.c");
	assert_non_null(cut);
	snprintf(path, sizeof path, "%.*s%s", (int)(cut - me), me, rel);
	return path;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot read %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* What a parse gave: the settings as "line:key=value;" and the message. */
struct parsed {
	char settings[2048];
	char message[1024];
	int rc;
};

static void collect(const char *key, const char *value, int line, void *ctx)
{
	struct parsed *p = ctx;
	size_t n = strlen(p->settings);
	snprintf(p->settings + n, sizeof p->settings - n, "%d:%s=%s;", line, key, value);
}

/* Runs fn with stderr captured into msg. */
#define CAPTURE_STDERR(msg, stmt)                                                                  \
	do {                                                                                       \
		fflush(stderr);                                                                    \
		FILE *tmp_ = tmpfile();                                                            \
		int saved_ = dup(2);                                                               \
		dup2(fileno(tmp_), 2);                                                             \
		stmt;                                                                              \
		fflush(stderr);                                                                    \
		dup2(saved_, 2);                                                                   \
		close(saved_);                                                                     \
		rewind(tmp_);                                                                      \
		size_t n_ = fread((msg), 1, sizeof(msg) - 1, tmp_);                                \
		(msg)[n_] = '\0';                                                                  \
		fclose(tmp_);                                                                      \
	} while (0)

static struct parsed parse(const char *text, size_t len)
{
	struct parsed p = {0};
	CAPTURE_STDERR(p.message, p.rc = cli_config_parse("serve", "/etc/motcua/motcua.conf", text,
	                                                  len, collect, &p));
	return p;
}

static struct parsed parse_str(const char *text)
{
	return parse(text, strlen(text));
}

static void test_good_file(void **state)
{
	/* A byte order mark, CRLF lines, a Vietnamese comment, blanks, tabs, an
	 * indented comment, a '#' and spaces inside a value. */
	struct parsed p = parse_str("\xef\xbb\xbf# Cấu hình máy chủ — ghi chú\r\n"
	                            "\r\n"
	                            "db = /var/lib/motcua/motcua.db\r\n"
	                            "\t port=8080 \t\r\n"
	                            "   # listen = 0.0.0.0\n"
	                            "printer = Máy in quầy #2\n"
	                            "tls-cert = /etc/motcua/tls/a b.pem");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.message, "");
	assert_string_equal(p.settings,
	                    "3:db=/var/lib/motcua/motcua.db;4:port=8080;"
	                    "6:printer=Máy in quầy #2;7:tls-cert=/etc/motcua/tls/a b.pem;");
	/* An empty file, or comments only: no settings, no fault. */
	p = parse_str("");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.settings, "");
	p = parse_str("# only\n\n#\n");
	assert_int_equal(p.rc, 0);
	assert_string_equal(p.settings, "");
}

/* Each fault: exit status 2, one line "motcua-server CMD: FILE:LINE: reason",
 * and no setting given to the command (the whole file is checked first). */
static void test_faults(void **state)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
	    {"db = a\n# x\nport 8080\n",
	     "motcua-server serve: /etc/motcua/motcua.conf:3: 'port 8080' has no '=': a setting is "
	     "\"key = value\"\n"},
	    {"db = a\r\nport = 1\r\n\r\nport = 2\r\n",
	     "motcua-server serve: /etc/motcua/motcua.conf:4: 'port' given twice (first on line "
	     "2)\n"},
	    {"db = a\nprot = 8080\n",
	     "motcua-server serve: /etc/motcua/motcua.conf:2: unknown key 'prot' (did you mean "
	     "'port'?)\n"},
	    {"frobnicate = yes\n", "motcua-server serve: /etc/motcua/motcua.conf:1: unknown key "
	                           "'frobnicate' (the keys are listed in docs/configuration.md)\n"},
	    {"# tests\ntest-clock = 1\n",
	     "motcua-server serve: /etc/motcua/motcua.conf:2: test-clock cannot be set in a "
	     "configuration file: it lets an administrator move the clock (tests only)\n"},
	    {"password = secret-secret\n",
	     "motcua-server serve: /etc/motcua/motcua.conf:1: 'password' is given on the command "
	     "line only, never in a configuration file\n"},
	    {"db = a\nprinter =   \t\n",
	     "motcua-server serve: /etc/motcua/motcua.conf:2: 'printer' has an empty value "
	     "(comment the line out with '#' to use the default)\n"},
	    {"db = a\nport =\r\n", "motcua-server serve: /etc/motcua/motcua.conf:2: 'port' has an "
	                           "empty value (comment the line out with '#' to use the "
	                           "default)\n"},
	    {"  = 8080\n", "motcua-server serve: /etc/motcua/motcua.conf:1: no key before '='\n"},
	    /* A key is whole: "Port", "--port", "port:" are no keys. */
	    {"Port = 1\n", "motcua-server serve: /etc/motcua/motcua.conf:1: unknown key 'Port' "
	                   "(did you mean 'port'?)\n"},
	    {"--port = 1\n", "motcua-server serve: /etc/motcua/motcua.conf:1: unknown key '--port' "
	                     "(did you mean 'port'?)\n"},
	    /* A comment after a key on the same line is not a comment. */
	    {"db = a # the database\nlisten # = x\n",
	     "motcua-server serve: /etc/motcua/motcua.conf:2: unknown key 'listen #' (did you "
	     "mean 'listen'?)\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct parsed p = parse_str(cases[i].text);
		assert_int_equal(p.rc, CLI_EXIT_USAGE);
		assert_string_equal(p.message, cases[i].message);
		assert_string_equal(p.settings, "");
	}
	/* A NUL byte: not a text file; the line is still named. */
	struct parsed p = parse("db = a\nport = 8\0080\n", 16);
	assert_int_equal(p.rc, CLI_EXIT_USAGE);
	assert_string_equal(p.message,
	                    "motcua-server serve: /etc/motcua/motcua.conf:2: a NUL byte: "
	                    "not a text file\n");
}

static const struct option serve_like[] = {
    {"db", required_argument, NULL, 'd'},      {"port", required_argument, NULL, 'p'},
    {"printer", required_argument, NULL, 'P'}, {"test-clock", no_argument, NULL, 'T'},
    {"help", no_argument, NULL, 'h'},          {0}};

static char *write_temp(const char *text)
{
	static char path[64];
	strcpy(path, "/tmp/motcua-test-config-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static char *joined(int argc, char **argv)
{
	static char out[2048];
	out[0] = '\0';
	for (int i = 0; i < argc; i++) {
		strcat(out, argv[i]);
		strcat(out, i + 1 < argc ? " " : "");
	}
	assert_null(argv[argc]);
	return out;
}

static void test_expand(void **state)
{
	char *file = write_temp("# the file\ndb = /srv/office.db\nport = 8080\n"
	                        "backup-keep-daily = 3\nprinter = Quầy 1\n");
	char cfg_eq[128];
	snprintf(cfg_eq, sizeof cfg_eq, "--config=%s", file);
	int status = -1;

	/* No --config: argv itself. */
	char *plain[] = {"serve", "--port", "1", NULL};
	int argc = 3;
	assert_ptr_equal(cli_config_expand("serve", serve_like, &argc, plain, &status), plain);
	assert_int_equal(argc, 3);
	assert_int_equal(status, 0);

	/* The file's settings that serve takes first, backup-keep-daily
	 * skipped, then the command line without --config FILE. */
	char *a[] = {"serve", "--port", "9090", "--config", file, "--test-clock", NULL};
	argc = 6;
	char **out = cli_config_expand("serve", serve_like, &argc, a, &status);
	assert_non_null(out);
	assert_int_equal(status, 0);
	assert_string_equal(joined(argc, out), "serve --db=/srv/office.db --port=8080 "
	                                       "--printer=Quầy 1 --port 9090 --test-clock");
	/* getopt: the command line's --port comes last and wins. */
	const char *port = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, out, "+", serve_like, NULL)) != -1)
		if (c == 'p')
			port = optarg;
	assert_string_equal(port, "9090");

	/* --config=FILE; positional arguments stay last; an option's separate
	 * value that looks like --config is that option's value. */
	char *b[] = {"import", "--printer", "--config", cfg_eq, "bundle.json", NULL};
	argc = 5;
	out = cli_config_expand("import", serve_like, &argc, b, &status);
	assert_non_null(out);
	assert_string_equal(joined(argc, out), "import --db=/srv/office.db --port=8080 "
	                                       "--printer=Quầy 1 --printer --config bundle.json");

	/* After the first argument that is not an option (getopt's "+"), or
	 * after "--", --config is an argument like any other. */
	char *d[] = {"import", "bundle.json", "--config", file, NULL};
	argc = 4;
	assert_ptr_equal(cli_config_expand("import", serve_like, &argc, d, &status), d);
	char *e[] = {"import", "--", "--config", file, NULL};
	argc = 4;
	assert_ptr_equal(cli_config_expand("import", serve_like, &argc, e, &status), e);

	/* A fault in the file: NULL, status 2, the line named. */
	char *bad = write_temp("db = x\nport = 1\nport = 2\n");
	char *f[] = {"serve", "--config", bad, NULL};
	char msg[1024];
	argc = 3;
	CAPTURE_STDERR(msg, out = cli_config_expand("serve", serve_like, &argc, f, &status));
	assert_null(out);
	assert_int_equal(status, CLI_EXIT_USAGE);
	assert_non_null(strstr(msg, ":3: 'port' given twice (first on line 2)"));
	unlink(bad);

	/* --config twice, without a file, or a file that cannot be read. */
	char *g[] = {"serve", "--config", file, cfg_eq, NULL};
	argc = 4;
	CAPTURE_STDERR(msg, out = cli_config_expand("serve", serve_like, &argc, g, &status));
	assert_null(out);
	assert_int_equal(status, CLI_EXIT_USAGE);
	assert_string_equal(msg, "motcua-server serve: --config given twice (see motcua-server "
	                         "serve --help)\n");
	char *h[] = {"serve", "--config", NULL};
	argc = 2;
	CAPTURE_STDERR(msg, out = cli_config_expand("serve", serve_like, &argc, h, &status));
	assert_null(out);
	assert_int_equal(status, CLI_EXIT_USAGE);
	assert_string_equal(msg, "motcua-server serve: --config needs a FILE (see motcua-server "
	                         "serve --help)\n");
	char *i[] = {"serve", "--config=/nonexistent/motcua.conf", NULL};
	argc = 2;
	CAPTURE_STDERR(msg, out = cli_config_expand("serve", serve_like, &argc, i, &status));
	assert_null(out);
	assert_int_equal(status, CLI_EXIT_USAGE);
	assert_string_equal(msg, "motcua-server serve: /nonexistent/motcua.conf: cannot read: No "
	                         "such file or directory\n");
	unlink(file);
}

/* An option that is neither a key nor command-line only fails the command,
 * with or without --config: a new option cannot be forgotten. */
static void test_unlisted_option_fails(void **state)
{
	static const struct option unlisted[] = {{"db", required_argument, NULL, 'd'},
	                                         {"frobnicate", required_argument, NULL, 'f'},
	                                         {0}};
	static const struct option flag_key[] = {{"port", no_argument, NULL, 'p'}, {0}};
	char *a[] = {"serve", NULL};
	int argc = 1, status = 0;
	char msg[1024];
	char **out;
	CAPTURE_STDERR(msg, out = cli_config_expand("serve", unlisted, &argc, a, &status));
	assert_null(out);
	assert_int_equal(status, CLI_EXIT_FAIL);
	assert_non_null(strstr(msg, "option --frobnicate is neither a configuration key"));
	CAPTURE_STDERR(msg, out = cli_config_expand("serve", flag_key, &argc, a, &status));
	assert_null(out);
	assert_int_equal(status, CLI_EXIT_FAIL);
	assert_non_null(strstr(msg, "option --port is neither a configuration key taking a value"));
}

/* Every command that takes --db checks its option table at start:
 * `CMD --help` succeeds only when each option is listed. */
static void test_every_command_listed(void **state)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} cmds[] = {
	    {"init", cli_init},
	    {"serve", cli_serve},
	    {"demo", cli_demo},
	    {"import", cli_import},
	    {"audit-verify", cli_audit_verify},
	    {"backup", cli_backup},
	    {"restore", cli_restore},
	    {"simulate", cli_simulate},
	    {"doctor", cli_doctor},
	};
	char msg[4096];
	for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
		char *argv[] = {(char *)cmds[k].name, "--help", NULL};
		int rc;
		/* The usage goes to /dev/null, not amid cmocka's report. */
		fflush(stdout);
		int out = dup(1), null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		CAPTURE_STDERR(msg, rc = cmds[k].run(2, argv));
		fflush(stdout);
		dup2(out, 1);
		close(out);
		close(null);
		if (rc != 0)
			fail_msg("%s --help: exit %d: %s", cmds[k].name, rc, msg);
	}
}

/* The names in the first column of the table under heading, in order. */
static int table_keys(const char *doc, const char *heading, char keys[][64], int max)
{
	const char *p = strstr(doc, heading);
	if (p == NULL)
		fail_msg("docs/configuration.md has no heading '%s'", heading);
	p = strchr(p, '\n');
	int n = 0;
	bool in_table = false;
	while (p && *++p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (strncmp(p, "| `", 3) == 0) {
			const char *q = strchr(p + 3, '`');
			assert_true(n < max);
			snprintf(keys[n++], 64, "%.*s", (int)(q - p - 3), p + 3);
			in_table = true;
		} else if (in_table && (len == 0 || p[0] != '|')) {
			break;
		}
		p = end;
	}
	return n;
}

static void assert_same_names(const char *what, char names[][64], int n, const char *const *list)
{
	int m = 0;
	for (; list[m]; m++) {
		bool found = false;
		for (int i = 0; i < n; i++)
			found |= strcmp(names[i], list[m]) == 0;
		if (!found)
			fail_msg("'%s' (cli_config.c) is missing from %s", list[m], what);
	}
	for (int i = 0; i < n; i++) {
		bool found = false;
		for (int k = 0; list[k]; k++)
			found |= strcmp(names[i], list[k]) == 0;
		if (!found)
			fail_msg("'%s' in %s is not in cli_config.c's list", names[i], what);
	}
	assert_int_equal(n, m);
}

static void test_docs_list_every_key(void **state)
{
	char *doc = slurp(source_path("docs/configuration.md"));
	char names[64][64];
	int n = table_keys(doc, "\n## The keys\n", names, 64);
	assert_same_names("docs/configuration.md's key table", names, n, cli_config_keys);
	n = table_keys(doc, "\n### Options never read from the file\n", names, 64);
	assert_same_names("docs/configuration.md's command-line-only table", names, n,
	                  cli_config_cmdline_only);
	free(doc);
}

static void drop(const char *key, const char *value, int line, void *ctx)
{
	(void)key, (void)value, (void)line, (void)ctx;
}

/* The installed file names every key once (set or commented out), parses,
 * and still parses with every commented key set. */
static void test_packaged_file(void **state)
{
	char *conf = slurp(source_path("packaging/motcua.conf"));
	char msg[1024];
	int rc;
	CAPTURE_STDERR(
	    msg, rc = cli_config_parse("serve", "motcua.conf", conf, strlen(conf), drop, NULL));
	assert_string_equal(msg, "");
	assert_int_equal(rc, 0);
	/* Uncomment "#key = value" lines. */
	char *all = calloc(1, strlen(conf) + 1);
	for (char *p = conf, *o = all; *p;) {
		char *end = strchrnul(p, '\n');
		if (p[0] == '#' && p[1] != ' ' && p[1] != '#' && p[1] != '\n' && strchr(p, '=') &&
		    strchr(p, '=') < end)
			p++;
		memcpy(o, p, (size_t)(end - p) + (*end != '\0'));
		o += (end - p) + (*end != '\0');
		p = end + (*end != '\0');
	}
	CAPTURE_STDERR(msg, rc = cli_config_parse("serve", "motcua.conf (all set)", all,
	                                          strlen(all), drop, NULL));
	assert_string_equal(msg, "");
	assert_int_equal(rc, 0);
	for (const char *const *k = cli_config_keys; *k; k++) {
		char pat[80];
		snprintf(pat, sizeof pat, "\n%s = ", *k);
		const char *hit = strstr(all, pat);
		if (hit == NULL)
			fail_msg("packaging/motcua.conf lacks '%s = …' (set or as '#%s = …')", *k,
			         *k);
	}
	free(all);
	free(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_file),
	    cmocka_unit_test(test_faults),
	    cmocka_unit_test(test_expand),
	    cmocka_unit_test(test_unlisted_option_fails),
	    cmocka_unit_test(test_every_command_listed),
	    cmocka_unit_test(test_docs_list_every_key),
	    cmocka_unit_test(test_packaged_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
