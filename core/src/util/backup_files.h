/* The folder of the nightly backups as the file system has it: which of its
 * files are backups (domain/backup_plan's names) and the newest of them.
 * Read by `backup --backup-dir`, /metrics and `doctor`. */
#ifndef MOTCUA_BACKUP_FILES_H
#define MOTCUA_BACKUP_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/backup_plan.h"

struct backup_file {
	char name[BACKUP_NAME_SIZE]; /* motcua-YYYYMMDD-HHMMSS.db.gz */
	int64_t when;                /* the instant of the name */
};

/* Lists the backups of dir: its regular files (not symbolic links, not
 * folders) whose names are backup names, in no particular order. Returns
 * true with *files (allocated, the caller frees it; NULL when *n is 0) and
 * *n; false if dir cannot be read (errno says why), *files NULL, *n 0. */
bool backup_files_list(const char *dir, struct backup_file **files, size_t *n);

/* The instant named by the newest backup of dir. A backup only gets its name
 * once it was written, synced and checked (`backup --backup-dir`), so this is
 * the newest checked backup; a refused one (….db.gz.bad) or one being written
 * does not count. Returns false if dir has no backup or cannot be read
 * (*when untouched). Reads the folder at each call; any thread. */
/* Names dated in the future at now (backup_plan_in_future) are left out:
 * *future (when not NULL) gets how many there are, 0 if none. */
bool backup_newest(const char *dir, int64_t now, int64_t *when, size_t *future);

/* Makes the entries of dir durable (fsync of the folder, after a rename or
 * an unlink in it). Returns false with errno set on failure. */
bool backup_files_sync_dir(const char *dir);

#endif
