#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/log.h"
#include "util/xmalloc.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	/* Under systemd, the journal records it as an error. */
	fprintf(stderr, "%smotcua-server %s: ", log_journal_prefix(LOG_ERROR), cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see motcua-server %s --help)\n", cmd);
	return CLI_EXIT_USAGE;
}

int cli_fail(const char *cmd, const struct mc_error *err)
{
	fprintf(stderr, "%smotcua-server %s: %s [%s]\n", log_journal_prefix(LOG_ERROR), cmd,
	        err->message_en, err->code);
	return CLI_EXIT_FAIL;
}

char *cli_read_line(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}
