/* `motcua-server calendar …`: lunar conversions, the holiday list and deadline
 * arithmetic of the working-time calendar, from the command line. */
#ifndef MOTCUA_CLI_CALENDAR_H
#define MOTCUA_CLI_CALENDAR_H

#include <stddef.h>

#include "domain/workcal.h"

/* Runs the calendar command; argv[0] is "calendar". Writes results to stdout
 * and returns the process exit status: 0 on success, 2 on invalid input (one
 * line on stderr, nothing on stdout), 1 when the --db overrides fail to load. */
int cli_calendar(int argc, char **argv);

/* Set by the store layer: applies the overrides stored in the database at
 * db_path to cal (built for the years the command needs; skip overrides whose
 * year workcal_add_override() answers WORKCAL_ERANGE). Returns 0, or non-zero
 * with a one-line reason in err. When NULL, --db is refused with exit 2. */
extern int (*cli_calendar_load_overrides)(const char *db_path, struct workcal *cal, char *err,
                                          size_t errlen);

#endif
