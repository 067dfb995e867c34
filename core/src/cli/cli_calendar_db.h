/* The store side of `motcua-server calendar … --db FILE`: kept apart from
 * cli_calendar.c so that the calendar commands need no store without --db.
 * main.c installs it as cli_calendar_load_overrides. */
#ifndef MOTCUA_CLI_CALENDAR_DB_H
#define MOTCUA_CLI_CALENDAR_DB_H

#include <stddef.h>

#include "domain/workcal.h"

/* Rebuilds cal, keeping its years, as the office calendar stored in the
 * database at db_path: its weekly pattern, sessions and cutoff, then its
 * overrides (store_calendar_load). The file must exist (it is never created
 * here; an older schema is migrated as by the server). Returns 0, or 1 with a
 * one-line reason in err. */
int cli_calendar_db_load(const char *db_path, struct workcal *cal, char *err, size_t errlen);

#endif
