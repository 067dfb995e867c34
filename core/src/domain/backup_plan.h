/* The nightly backups' names and which of them to keep. Pure: no I/O, no clock.
 *
 * A backup is the file motcua-YYYYMMDD-HHMMSS.db.gz, named for the instant it
 * was taken in office time (Asia/Ho_Chi_Minh, UTC+7). Only names of exactly
 * that form are backups: anything else in the folder (a .bad backup, a
 * temporary file, an operator's note) is never counted and never deleted. */
#ifndef MOTCUA_DOMAIN_BACKUP_PLAN_H
#define MOTCUA_DOMAIN_BACKUP_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of a backup name with its terminating NUL. */
#define BACKUP_NAME_SIZE 29
/* What a refused backup's name gets appended. */
#define BACKUP_BAD_SUFFIX ".bad"
/* The defaults of --backup-keep-daily and --backup-keep-monthly. */
#define BACKUP_KEEP_DAILY_DEFAULT 7
#define BACKUP_KEEP_MONTHLY_DEFAULT 12
/* A backup named more than this after now is dated in the future (a clock
 * once far ahead, a hand-made name): never taken as the newest, never given
 * a daily or monthly slot, never deleted; doctor warns about it. */
#define BACKUP_FUTURE_TOLERANCE_S 3600

/* True if a backup named for instant when is dated in the future at now. */
bool backup_plan_in_future(int64_t when, int64_t now);

/* Writes the name of a backup taken at instant `when` (epoch seconds) into
 * out, e.g. motcua-20261201-093000.db.gz for 02:30:00 UTC on 1 Dec 2026. */
void backup_plan_name(int64_t when, char out[BACKUP_NAME_SIZE]);

/* True if name is a backup name (the exact form above, a real date and time
 * of day); then *when (if not NULL) gets its instant. Otherwise false and
 * *when is untouched. */
bool backup_plan_parse_name(const char *name, int64_t *when);

/* Why a backup is kept (bits; 0: it is deleted). */
enum backup_keep {
	BACKUP_DROP = 0,
	BACKUP_KEEP_NEW = 1,     /* the one just made */
	BACKUP_KEEP_DAILY = 2,   /* newest of one of the last N days having backups */
	BACKUP_KEEP_MONTHLY = 4, /* newest of one of the last M months having backups */
	BACKUP_KEEP_FUTURE = 8,  /* dated in the future: kept, takes no slot, reported */
};

struct backup_plan_item {
	int64_t when;  /* the instant of its name (unique in a folder) */
	size_t index;  /* the caller's, carried along */
	unsigned keep; /* out: enum backup_keep bits */
};

/* Chooses which backups to keep: the newest of each of the keep_daily most
 * recent office days that have backups, the newest of each of the
 * keep_monthly most recent office months that have backups, and the one
 * whose instant is `fresh` (the one just made; any value matching no item
 * protects nothing). Days and months without a backup do not count, so a
 * server that stopped making backups keeps its last ones however long ago.
 * Sorts items newest first and sets each one's keep; negative counts are
 * taken as 0. */
/* Items dated in the future at now (backup_plan_in_future) get only
 * BACKUP_KEEP_FUTURE: they are neither deleted nor counted in the slots. */
void backup_plan_choose(struct backup_plan_item *items, size_t n, int64_t fresh, int64_t now,
                        int keep_daily, int keep_monthly);

#endif
