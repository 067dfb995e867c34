/* Questions to the clerk on the terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "counter.h"
#include "util/xmalloc.h"

bool cc_interactive(void)
{
	return isatty(STDIN_FILENO) == 1;
}

/* One line of f without its newline; NULL at end of input. */
static char *prompt_line(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

char *cc_prompt(const char *question, const char *dflt)
{
	fflush(stdout);
	if (question == NULL)
		return prompt_line(stdin);
	if (dflt && *dflt)
		fprintf(stderr, "%s [%s]: ", question, dflt);
	else
		fprintf(stderr, "%s: ", question);
	fflush(stderr);
	char *line = prompt_line(stdin);
	if (line && *line == '\0' && dflt) {
		free(line);
		return xstrdup(dflt);
	}
	return line;
}

bool cc_confirm(struct cc *c, const char *question, bool dflt)
{
	char *q = xasprintf("%s (%s)", question, dflt ? T(c, "C/k", "Y/n") : T(c, "c/K", "y/N"));
	char *a = cc_prompt(q, "");
	free(q);
	bool yes = dflt;
	if (a && *a)
		yes = strchr("cCyY", a[0]) != NULL;
	free(a);
	return yes;
}

char *cc_read_password(const char *question)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (tty == NULL)
		return NULL;
	struct termios old, quiet;
	int fd = fileno(tty);
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	fprintf(tty, "%s: ", question);
	fflush(tty);
	char *line = prompt_line(tty);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	return line;
}
