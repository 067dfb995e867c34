#include "cli/cli_config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/log.h"
#include "util/xmalloc.h"

const char *const cli_config_keys[] = {
    "db",
    "listen",
    "port",
    "tls-cert",
    "tls-key",
    "threads",
    "heartbeat-ms",
    "max-connections",
    "per-address-connections",
    "head-timeout-ms",
    "body-timeout-ms",
    "max-streams",
    "streams-per-token",
    "streams-per-address",
    "logins-per-minute",
    "printer",
    "idempotency-key-file",
    "log-level",
    "backup-dir",
    "instance",
    "backup-keep-daily",
    "backup-keep-monthly",
    NULL,
};

const char *const cli_config_cmdline_only[] = {
    "help",            /* every command */
    "config",          /* the file itself */
    "test-clock",      /* serve, demo: tests only, refused in a file */
    "admin",           /* init */
    "password",        /* init */
    "password-stdin",  /* init */
    "rebuild-figures", /* audit-verify */
    "days",            /* simulate */
    "seed",            /* simulate */
    "bundle",          /* demo */
    "simulate-days",   /* demo */
    NULL,
};

/* Longest file read: a configuration file is a few hundred bytes. */
#define CLI_CONFIG_MAX_BYTES (1 << 20)

static bool cli_config_listed(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

/* "motcua-server CMD: FILE:LINE: reason" (LINE 0: "FILE: reason"); returns
 * CLI_EXIT_USAGE. */
__attribute__((format(printf, 4, 5))) static int cli_config_fault(const char *cmd, const char *file,
                                                                  int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%smotcua-server %s: %s:", log_journal_prefix(LOG_ERROR), cmd, file);
	if (line > 0)
		fprintf(stderr, "%d:", line);
	fputc(' ', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_EXIT_USAGE;
}

/* Edit distance of a and b, capped: enough to suggest a key for a typo. */
static size_t cli_config_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 40 || lb > 40)
		return 99;
	size_t row[41];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The key closest to a mistyped one, or NULL when none is close. */
static const char *cli_config_suggest(const char *key)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (const char *const *k = cli_config_keys; *k; k++) {
		size_t d = cli_config_distance(key, *k);
		if (d < best_d) {
			best_d = d;
			best = *k;
		}
	}
	return best;
}

static char *cli_config_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

struct cli_config_setting {
	const char *key, *value;
	int line;
};

int cli_config_parse(const char *cmd, const char *file, const char *text, size_t len,
                     void (*on)(const char *key, const char *value, int line, void *ctx), void *ctx)
{
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		int line = 1;
		for (const char *p = text; p < nul; p++)
			line += *p == '\n';
		return cli_config_fault(cmd, file, line, "a NUL byte: not a text file");
	}
	char *buf = xmalloc(len + 1);
	memcpy(buf, text, len);
	buf[len] = '\0';
	struct cli_config_setting *set = NULL;
	size_t nset = 0;
	int rc = 0, line = 0;
	char *p = buf;
	/* A byte order mark, as some Windows editors write. */
	if (strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (*p && rc == 0) {
		char *nl = strchr(p, '\n');
		char *next = nl ? nl + 1 : p + strlen(p);
		if (nl)
			*nl = '\0';
		line++;
		size_t n = strlen(p);
		if (n > 0 && p[n - 1] == '\r')
			p[n - 1] = '\0';
		char *s = cli_config_trim(p);
		p = next;
		if (*s == '\0' || *s == '#')
			continue;
		/* A setting is one line of text: a control character (an escape
		 * sequence, a stray CR) would reach the logs and doctor's output as
		 * it is, so it is refused, and not printed. Tabs may space the key,
		 * '=' and the value, but not be inside the value (below). */
		const char *ctl = s;
		while (*ctl && !((unsigned char)*ctl < 0x20 && *ctl != '\t') && *ctl != 0x7f)
			ctl++;
		if (*ctl) {
			rc =
			    cli_config_fault(cmd, file, line,
			                     "a control character (0x%02X) in column %d: a setting "
			                     "is one line of printable text",
			                     (unsigned char)*ctl, (int)(ctl - s) + 1);
			break;
		}
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			rc = cli_config_fault(cmd, file, line,
			                      "'%s' has no '=': a setting is \"key = value\"", s);
			break;
		}
		*eq = '\0';
		char *key = cli_config_trim(s), *value = cli_config_trim(eq + 1);
		if (*key == '\0') {
			rc = cli_config_fault(cmd, file, line, "no key before '='");
		} else if (strcmp(key, "test-clock") == 0) {
			rc =
			    cli_config_fault(cmd, file, line,
			                     "test-clock cannot be set in a configuration file: it "
			                     "lets an administrator move the clock (tests only)");
		} else if (!cli_config_listed(cli_config_keys, key)) {
			const char *near = cli_config_suggest(key);
			if (near)
				rc = cli_config_fault(cmd, file, line,
				                      "unknown key '%s' (did you mean '%s'?)", key,
				                      near);
			else if (cli_config_listed(cli_config_cmdline_only, key))
				rc = cli_config_fault(
				    cmd, file, line,
				    "'%s' is given on the command line only, never "
				    "in a configuration file",
				    key);
			else
				rc = cli_config_fault(cmd, file, line,
				                      "unknown key '%s' (the keys are listed in "
				                      "docs/configuration.md)",
				                      key);
		} else if (*value == '\0') {
			rc = cli_config_fault(cmd, file, line,
			                      "'%s' has an empty value (comment the line out with "
			                      "'#' to use the default)",
			                      key);
		} else if (strchr(value, '\t')) {
			rc =
			    cli_config_fault(cmd, file, line,
			                     "'%s' has a tab inside its value: a control character "
			                     "(0x09), not part of any value",
			                     key);
		} else {
			for (size_t i = 0; i < nset && rc == 0; i++)
				if (strcmp(set[i].key, key) == 0)
					rc = cli_config_fault(cmd, file, line,
					                      "'%s' given twice (first on line %d)",
					                      key, set[i].line);
			if (rc == 0) {
				set = xreallocarray(set, nset + 1, sizeof *set);
				set[nset++] = (struct cli_config_setting){key, value, line};
			}
		}
	}
	for (size_t i = 0; i < nset && rc == 0; i++)
		on(set[i].key, set[i].value, set[i].line, ctx);
	free(set);
	free(buf);
	return rc;
}

const char *cli_regular_file(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return strerror(errno);
	if (S_ISREG(st.st_mode))
		return NULL;
	if (S_ISDIR(st.st_mode))
		return strerror(EISDIR);
	if (S_ISFIFO(st.st_mode))
		return "a FIFO, not a regular file";
	if (S_ISSOCK(st.st_mode))
		return "a socket, not a regular file";
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return "a device, not a regular file";
	return "not a regular file";
}

/* Reads path whole into *text (NUL-terminated, *len bytes). Returns 0, or
 * CLI_EXIT_USAGE after printing why. */
static int cli_config_read(const char *cmd, const char *path, char **text, size_t *len)
{
	/* Non-blocking open, so a FIFO or a device is refused at once rather than
	 * waited on (before signals are handled: SIGTERM could not stop it). */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return cli_config_fault(cmd, path, 0, "cannot read: %s", strerror(errno));
	const char *what = cli_regular_file(fd);
	if (what) {
		close(fd);
		return cli_config_fault(cmd, path, 0, "cannot read: %s", what);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	FILE *f = fdopen(fd, "rb");
	if (f == NULL) {
		int e = errno;
		close(fd);
		return cli_config_fault(cmd, path, 0, "cannot read: %s", strerror(e));
	}
	char *buf = xmalloc(CLI_CONFIG_MAX_BYTES + 1);
	size_t n = fread(buf, 1, CLI_CONFIG_MAX_BYTES + 1, f);
	int err = ferror(f) ? errno : 0;
	fclose(f);
	if (err || n > CLI_CONFIG_MAX_BYTES) {
		free(buf);
		if (err)
			return cli_config_fault(cmd, path, 0, "cannot read: %s", strerror(err));
		return cli_config_fault(cmd, path, 0,
		                        "larger than %d bytes: not a configuration file",
		                        CLI_CONFIG_MAX_BYTES);
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

struct cli_config_out {
	const struct option *opts;
	const char *file;
	char **argv;
	int argc;
};

/* The origin of each "--key=value" cli_config_expand made, so a refused
 * value names the file's line and key rather than a flag nobody typed.
 * Kept until exit, as the argvs are. Main thread only. */
struct cli_config_made {
	const char *arg; /* "--key=value" in a kept argv */
	char *file, *key;
	int line;
};
static struct cli_config_made *cli_config_made;
static size_t cli_config_nmade;

static void cli_config_take(const char *key, const char *value, int line, void *ctx)
{
	struct cli_config_out *out = ctx;
	for (const struct option *o = out->opts; o->name; o++)
		if (strcmp(o->name, key) == 0) {
			char *arg = xasprintf("--%s=%s", key, value);
			out->argv[out->argc++] = arg;
			cli_config_made = xreallocarray(cli_config_made, cli_config_nmade + 1,
			                                sizeof *cli_config_made);
			cli_config_made[cli_config_nmade++] =
			    (struct cli_config_made){arg, xstrdup(out->file), xstrdup(key), line};
			return;
		}
}

bool cli_config_origin(const char *value, const char **file, int *line, const char **key)
{
	/* getopt_long's optarg for "--key=value" points just past the '='. */
	for (size_t i = 0; value && i < cli_config_nmade; i++) {
		const struct cli_config_made *m = &cli_config_made[i];
		if (value == m->arg + 2 + strlen(m->key) + 1) {
			*file = m->file;
			*line = m->line;
			*key = m->key;
			return true;
		}
	}
	return false;
}

int cli_bad_value(const char *cmd, const char *opt, const char *value, const char *why)
{
	const char *file, *key;
	int line;
	const char *sp = why && *why ? " " : "";
	if (why == NULL)
		why = "";
	if (!cli_config_origin(value, &file, &line, &key))
		return cli_usage_error(cmd, "bad value '%s' for --%s%s%s", value, opt, sp, why);
	return cli_config_fault(cmd, file, line, "bad value '%s' for %s%s%s%s", value, key, sp, why,
	                        strchr(value, '#') ? " ('#' starts a comment only at the start of "
	                                             "a line: after a value it is part of it)"
	                                           : "");
}

/* The argvs cli_config_expand made, kept reachable until exit (getopt's
 * optarg and the commands' settings point into them). Main thread only. */
static char ***cli_config_kept;
static size_t cli_config_nkept;

char **cli_config_expand(const char *cmd, const struct option *opts, int *argc, char **argv,
                         int *status)
{
	*status = 0;
	for (const struct option *o = opts; o->name; o++) {
		bool key = cli_config_listed(cli_config_keys, o->name);
		if ((key && o->has_arg != required_argument) ||
		    (!key && !cli_config_listed(cli_config_cmdline_only, o->name))) {
			fprintf(stderr,
			        "%smotcua-server %s: internal error: option --%s is neither a "
			        "configuration key taking a value nor command-line only "
			        "(core/src/cli/cli_config.c, docs/configuration.md)\n",
			        log_journal_prefix(LOG_ERROR), cmd, o->name);
			*status = CLI_EXIT_FAIL;
			return NULL;
		}
	}
	const char *file = NULL;
	int at = -1, width = 0;
	/* A first, silent pass of getopt_long over the command's own options, as
	 * its "+" pass reads them: up to the first operand, a short option or
	 * "--". The command does not know --config (it is taken out of argv
	 * here), so getopt_long refuses it and its separate value is taken by
	 * hand; any other option's value is skipped as the command would. */
	opterr = 0;
	optind = 0;
	for (int i = 1; i < *argc && strncmp(argv[i], "--", 2) == 0; i = optind) {
		if (getopt_long(*argc, argv, "+", opts, NULL) == -1)
			break; /* "--" */
		const char *a = argv[i];
		if (strcmp(a, "--config") != 0 && strncmp(a, "--config=", 9) != 0)
			continue;
		if (file) {
			fprintf(stderr,
			        "%smotcua-server %s: --config given twice (see motcua-server "
			        "%s --help)\n",
			        log_journal_prefix(LOG_ERROR), cmd, cmd);
			*status = CLI_EXIT_USAGE;
			return NULL;
		}
		at = i;
		if (a[8] == '=') {
			file = a + 9;
			width = 1;
		} else if (i + 1 < *argc) {
			file = argv[i + 1];
			width = 2;
			optind = i + 2;
		} else {
			file = "";
		}
		if (*file == '\0') {
			fprintf(stderr,
			        "%smotcua-server %s: --config needs a FILE (see motcua-server "
			        "%s --help)\n",
			        log_journal_prefix(LOG_ERROR), cmd, cmd);
			*status = CLI_EXIT_USAGE;
			return NULL;
		}
	}
	if (file == NULL)
		return argv;
	char *text = NULL;
	size_t len = 0;
	if ((*status = cli_config_read(cmd, file, &text, &len)) != 0)
		return NULL;
	/* At most one setting per line, plus the command line. */
	size_t lines = 1;
	for (size_t k = 0; k < len; k++)
		lines += text[k] == '\n';
	struct cli_config_out out = {.opts = opts,
	                             .file = file,
	                             .argv = xcalloc(lines + (size_t)*argc + 1, sizeof(char *)),
	                             .argc = 0};
	out.argv[out.argc++] = argv[0];
	*status = cli_config_parse(cmd, file, text, len, cli_config_take, &out);
	free(text);
	if (*status != 0) {
		/* Only the settings of this file were made since: forget them. */
		for (int k = 1; k < out.argc; k++) {
			cli_config_nmade--;
			free(cli_config_made[cli_config_nmade].file);
			free(cli_config_made[cli_config_nmade].key);
			free(out.argv[k]);
		}
		free(out.argv);
		return NULL;
	}
	for (int i = 1; i < *argc; i++)
		if (i < at || i >= at + width)
			out.argv[out.argc++] = argv[i];
	out.argv[out.argc] = NULL;
	*argc = out.argc;
	cli_config_kept = xreallocarray(cli_config_kept, cli_config_nkept + 1, sizeof(char **));
	cli_config_kept[cli_config_nkept++] = out.argv;
	return out.argv;
}

int cli_config_getopt(const char *cmd, const struct option *opts, int *argc, char ***argv)
{
	int status;
	if ((*argv = cli_config_expand(cmd, opts, argc, *argv, &status)) == NULL)
		return status;
	optind = 0; /* glibc's full reset: cli_config_expand's pass ran on the old argv */
	opterr = 0;
	return -1;
}

struct cli_config_want {
	const char *key;
	char *value;
};

static void cli_config_pick(const char *key, const char *value, int line, void *ctx)
{
	struct cli_config_want *w = ctx;
	if (strcmp(key, w->key) == 0)
		w->value = xstrdup(value);
}

int cli_config_get(const char *cmd, const char *path, const char *key, char **value)
{
	char *text = NULL;
	size_t len = 0;
	struct cli_config_want w = {.key = key, .value = NULL};
	*value = NULL;
	int rc = cli_config_read(cmd, path, &text, &len);
	if (rc == 0)
		rc = cli_config_parse(cmd, path, text, len, cli_config_pick, &w);
	free(text);
	if (rc != 0) {
		free(w.value);
		return rc;
	}
	*value = w.value;
	return 0;
}
