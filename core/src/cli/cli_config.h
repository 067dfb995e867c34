/* The configuration file of motcua-server's commands, /etc/motcua/motcua.conf
 * when installed (docs/configuration.md).
 *
 * Lines "key = value"; a line whose first non-blank character is '#' is a
 * comment; blank lines are skipped; spaces and tabs around the key, the '='
 * and the value are trimmed; CRLF line ends and a UTF-8 byte order mark are
 * accepted; no quoting: the value is the rest of the line ('#' included).
 * A key is the long option name of the commands, without "--".
 *
 * Faults, each reported as "motcua-server CMD: FILE:LINE: reason" with exit
 * status 2 before anything is done: a line without '=', an empty key or
 * value, a key given twice, a key no command takes (a typo), test-clock
 * (tests only, never from a file), an unreadable file. A key that this
 * command does not take but another does is skipped, so one file serves
 * serve, backup, doctor and the database commands. */
#ifndef MOTCUA_CLI_CONFIG_H
#define MOTCUA_CLI_CONFIG_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

/* Every key a file may set, NULL-terminated: the long options of the
 * commands that describe an installation. docs/configuration.md's key table
 * lists the same names (tests/unit/test_config.c checks both ways). */
extern const char *const cli_config_keys[];

/* The long options of commands that take --config but are never read from a
 * file, NULL-terminated: one-off actions (--password, --days…), --help and
 * test-clock. Listed in docs/configuration.md too. */
extern const char *const cli_config_cmdline_only[];

/* Expands `--config FILE` (or --config=FILE) in argv for command cmd whose getopt table is opts:
 * returns an argv (allocated; kept until exit) holding argv[0], then each setting of the file
 * that opts names as "--key=value", then the rest of the command line without --config, so a
 * flag given on the command line wins (getopt: the last one wins). *argc is updated. No --config:
 * argv itself. Any fault: message on stderr, NULL, *status = CLI_EXIT_USAGE.
 *
 * --config is looked for as getopt_long with "+" would: up to the first
 * argument that is not an option, or "--". Every option of opts must be a
 * key or command-line only (the two lists above), whether or not --config is
 * given: else a message names the option, NULL, *status = CLI_EXIT_FAIL (a
 * programming error caught by any test running the command). */
char **cli_config_expand(const char *cmd, const struct option *opts, int *argc, char **argv,
                         int *status);

/* cli_config_expand for a getopt command, then getopt_long set to parse *argv
 * from its start, silently (optind = 0, opterr = 0: the command names a bad
 * option itself). *argc and *argv become the expanded command line. Returns
 * -1 to go on, else the exit status of cli_config_expand's fault. */
int cli_config_getopt(const char *cmd, const struct option *opts, int *argc, char ***argv);

/* For a command whose own parser is not getopt's (calendar): the value of
 * key in the configuration file path. *value is allocated (the caller
 * frees it), NULL when the file does not set key. Returns 0, or
 * CLI_EXIT_USAGE after printing a fault of the file as cli_config_expand
 * does (the whole file is checked, whatever key is asked). */
int cli_config_get(const char *cmd, const char *path, const char *key, char **value);

/* Parses the text of a configuration file named file for cmd (file only
 * names it in messages). For each setting in order, calls on(key, value,
 * line, ctx); key and value are NUL-terminated views into a private copy,
 * valid during the call. Returns 0, or CLI_EXIT_USAGE after printing the
 * first fault. The whole text is checked before the first call to on. */
int cli_config_parse(const char *cmd, const char *file, const char *text, size_t len,
                     void (*on)(const char *key, const char *value, int line, void *ctx),
                     void *ctx);

/* Where a value getopt gave (optarg) came from: true when it is the value of
 * a setting of a configuration file that cli_config_expand put in an argv,
 * with that file, the setting's line and its key; false for a value typed on
 * the command line. */
bool cli_config_origin(const char *value, const char **file, int *line, const char **key);

/* The one message for a value an option refuses; returns CLI_EXIT_USAGE.
 * why (may be NULL) says what the option takes, e.g. "(0 to 65535)". Typed
 * on the command line: "motcua-server CMD: bad value 'V' for --OPT WHY (see
 * motcua-server CMD --help)". From a configuration file, as the file's other
 * faults, naming the key the administrator wrote, not a flag: "motcua-server
 * CMD: FILE:LINE: bad value 'V' for OPT WHY", plus a word when V holds a '#'
 * (a comment is a line of its own, '#' after a value is part of it). */
int cli_bad_value(const char *cmd, const char *opt, const char *value, const char *why);

/* NULL when fd is a regular file; otherwise what it is instead ("a FIFO, not
 * a regular file", strerror(EISDIR)...). For files named by the
 * administrator (--config, --tls-cert, --tls-key), opened with O_NONBLOCK
 * so that a FIFO or a device is refused at once rather than waited on. */
const char *cli_regular_file(int fd);

#endif
