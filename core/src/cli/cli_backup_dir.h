/* `motcua-server backup --backup-dir DIR`: the nightly backup into a folder,
 * checked, then the folder's retention. */
#ifndef MOTCUA_CLI_BACKUP_DIR_H
#define MOTCUA_CLI_BACKUP_DIR_H

/* Writes DIR/motcua-YYYYMMDD-HHMMSS.db.gz (office time of now) from the
 * database db (which must exist; the server may be running): the backup goes
 * to a temporary name in DIR, is synced, then checked as `restore` checks
 * (restored into a scratch folder in DIR: integrity and audit chain; the
 * scratch copy is removed). A checked backup is renamed to its final name and
 * DIR synced; a refused one is renamed to that name + ".bad" and nothing else
 * happens. Then keeps the newest backup of each of the last keep_daily days
 * and keep_monthly months having backups (domain/backup_plan) and deletes the
 * folder's other backups; other files are never touched. Prints one line per
 * backup kept or removed and a summary on stdout, errors on stderr.
 * Returns 0, or CLI_EXIT_FAIL when the backup could not be written, failed
 * its check, or an old backup could not be removed. */
int cli_backup_dir(const char *db, const char *dir, int keep_daily, int keep_monthly);

#endif
