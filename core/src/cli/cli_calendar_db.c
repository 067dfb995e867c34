#include "cli/cli_calendar_db.h"

#include <stdio.h>
#include <sys/stat.h>

#include "store/calendar.h"
#include "store/store.h"

int cli_calendar_db_load(const char *db_path, struct workcal *cal, char *err, size_t errlen)
{
	struct store *st = NULL;
	struct mc_error e;
	struct stat sb;
	int first = cal->cfg.first_year, last = cal->cfg.last_year;

	if (store_target_is_file(db_path) && (stat(db_path, &sb) != 0 || !S_ISREG(sb.st_mode))) {
		snprintf(err, errlen, "no such database file");
		return 1;
	}
	if (store_open_mode(db_path, STORE_OPEN_EXISTING, &st, &e) != MC_OK) {
		snprintf(err, errlen, "%s", e.message_en);
		return 1;
	}
	int rc = store_calendar_load(st, first, last, cal, &e) == MC_OK ? 0 : 1;
	if (rc)
		snprintf(err, errlen, "%s", e.message_en);
	store_close(st);
	return rc;
}
