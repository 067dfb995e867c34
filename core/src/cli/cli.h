/* motcua-server's subcommands, one table in main.c. Each returns the process
 * exit status: 0 success, 1 the operation failed, 2 bad arguments. */
#ifndef MOTCUA_CLI_H
#define MOTCUA_CLI_H

#include <stdbool.h>

#include "util/error.h"

#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

int cli_init(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_audit_verify(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_restore(int argc, char **argv);
int cli_simulate(int argc, char **argv);
int cli_print_test(int argc, char **argv);
int cli_routes(int argc, char **argv);
int cli_doctor(int argc, char **argv);
int cli_migrate_to(int argc, char **argv);

/* Prints "motcua-server CMD: reason" on stderr and returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints an operation's error on stderr and returns CLI_EXIT_FAIL. */
int cli_fail(const char *cmd, const struct mc_error *err);
/* Reads one line (the password) from stdin without its newline; NULL at EOF. */
char *cli_read_line(void);

#endif
