#include "cli/cli_backup_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/backup_plan.h"
#include "store/store.h"
#include "util/backup_files.h"
#include "util/clock.h"
#include "util/xmalloc.h"

#define CMD "backup"

/* Removes the scratch folder of a check and what the restore left in it
 * (the database, its -wal and -shm). */
static void backup_remove_scratch(const char *scratch)
{
	const char *leftovers[] = {"check.db", "check.db-wal", "check.db-shm", "check.db-journal"};
	for (size_t i = 0; i < sizeof leftovers / sizeof *leftovers; i++) {
		char *p = xasprintf("%s/%s", scratch, leftovers[i]);
		unlink(p);
		free(p);
	}
	if (rmdir(scratch) != 0)
		fprintf(stderr, "motcua-server " CMD ": cannot remove the check's folder %s: %s\n",
		        scratch, strerror(errno));
}

/* Checks the backup at gz as `restore` does, into a scratch folder of dir.
 * Returns MC_OK or the check's error in err. */
static enum mc_err backup_check(const char *dir, const char *gz, struct mc_error *err)
{
	char *scratch = xasprintf("%s/.motcua-check-XXXXXX", dir);
	if (mkdtemp(scratch) == NULL) {
		enum mc_err rc = mc_failf(err, MC_ERR_UNAVAILABLE, "backup_check_failed",
		                          "Không kiểm tra được bản sao lưu",
		                          "cannot create a folder to check the backup in %s: %s",
		                          dir, strerror(errno));
		free(scratch);
		return rc;
	}
	char *db = xasprintf("%s/check.db", scratch);
	enum mc_err rc = store_restore(gz, db, err);
	backup_remove_scratch(scratch);
	free(db);
	free(scratch);
	return rc;
}

/* Tests only: MOTCUA_FAULT=backup_truncate cuts the written backup to half
 * its size before its check, as a disk that lost its end would. */
static void backup_fault(const char *path)
{
	const char *fault = getenv("MOTCUA_FAULT");
	struct stat sb;
	if (fault && strcmp(fault, "backup_truncate") == 0 && stat(path, &sb) == 0 &&
	    truncate(path, sb.st_size / 2) != 0)
		fprintf(stderr, "motcua-server " CMD ": fault: cannot truncate %s\n", path);
}

/* Renames from to to unless to exists; true on success (errno otherwise). */
static bool backup_rename_new(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return true;
	if (errno != EINVAL && errno != ENOSYS)
		return false;
	/* A file system without RENAME_NOREPLACE: the check and the rename are
	 * two steps, which only a second run in the same second could race. */
	struct stat sb;
	if (lstat(to, &sb) == 0) {
		errno = EEXIST;
		return false;
	}
	return rename(from, to) == 0;
}

/* Why a kept backup is kept, as printed. */
static const char *backup_keep_words(unsigned keep)
{
	static const char *words[] = {
	    "",        "new",          "daily",          "new, daily",
	    "monthly", "new, monthly", "daily, monthly", "new, daily, monthly"};
	return words[keep & 7];
}

/* Applies the retention to dir after fresh was made. Returns 0 or
 * CLI_EXIT_FAIL (a file that could not be removed, an unreadable folder). */
static int backup_retain(const char *dir, int64_t fresh, int keep_daily, int keep_monthly,
                         size_t *kept, size_t *removed)
{
	struct backup_file *files;
	size_t n;
	*kept = *removed = 0;
	if (!backup_files_list(dir, &files, &n)) {
		fprintf(stderr, "motcua-server " CMD ": cannot list %s: %s\n", dir,
		        strerror(errno));
		return CLI_EXIT_FAIL;
	}
	struct backup_plan_item *items = xcalloc(n ? n : 1, sizeof *items);
	for (size_t i = 0; i < n; i++)
		items[i] = (struct backup_plan_item){.when = files[i].when, .index = i};
	backup_plan_choose(items, n, fresh, fresh, keep_daily, keep_monthly);
	int status = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = files[items[i].index].name;
		if (items[i].keep == BACKUP_KEEP_FUTURE) {
			printf("kept %s (dated in the future: not counted, not removed; check the "
			       "clock, then move it away)\n",
			       name);
			fprintf(stderr,
			        "motcua-server " CMD ": warning: %s/%s is dated in the future; it "
			        "takes no daily or monthly place and is never removed\n",
			        dir, name);
			(*kept)++;
			continue;
		}
		if (items[i].keep != BACKUP_DROP) {
			printf("kept %s (%s)\n", name, backup_keep_words(items[i].keep));
			(*kept)++;
			continue;
		}
		char *path = xasprintf("%s/%s", dir, name);
		/* Gone already: another run (by hand, at the same time) removed it. */
		if (unlink(path) == 0 || errno == ENOENT) {
			printf("removed %s\n", name);
			(*removed)++;
		} else {
			fprintf(stderr, "motcua-server " CMD ": cannot remove %s: %s\n", path,
			        strerror(errno));
			status = CLI_EXIT_FAIL;
		}
		free(path);
	}
	if (*removed > 0 && !backup_files_sync_dir(dir))
		fprintf(stderr, "motcua-server " CMD ": cannot sync %s: %s\n", dir,
		        strerror(errno));
	free(items);
	free(files);
	return status;
}

int cli_backup_dir(const char *db, const char *dir, int keep_daily, int keep_monthly)
{
	int64_t now = clock_now();
	char name[BACKUP_NAME_SIZE];
	backup_plan_name(now, name);
	char *final = xasprintf("%s/%s", dir, name);
	char *part = xasprintf("%s/%s.part-XXXXXX", dir, name);
	char *bad = NULL;
	struct store *st = NULL;
	struct mc_error err;
	int status = CLI_EXIT_FAIL;

	struct stat sb;
	if (lstat(final, &sb) == 0) {
		fprintf(stderr, "motcua-server " CMD ": %s already exists (one backup a second)\n",
		        final);
		goto out;
	}
	int fd = mkstemp(part);
	if (fd < 0) {
		fprintf(stderr, "motcua-server " CMD ": cannot create %s: %s\n", part,
		        strerror(errno));
		goto out;
	}
	close(fd);
	/* store_backup syncs the file before it returns, and removes it on
	 * failure. */
	if (store_open_mode(db, STORE_OPEN_AS_IS, &st, &err) != MC_OK ||
	    store_backup(st, part, &err) != MC_OK) {
		cli_fail(CMD, &err);
		unlink(part);
		goto out;
	}
	store_close(st);
	st = NULL;
	backup_fault(part);

	if (backup_check(dir, part, &err) != MC_OK) {
		bad = xasprintf("%s" BACKUP_BAD_SUFFIX, final);
		bool kept_bad = rename(part, bad) == 0;
		if (!kept_bad) {
			fprintf(stderr, "motcua-server " CMD ": cannot rename %s to %s: %s\n", part,
			        bad, strerror(errno));
			unlink(part);
		}
		backup_files_sync_dir(dir);
		fprintf(stderr,
		        "motcua-server " CMD
		        ": the new backup failed its check: %s [%s]; %s %s, no backup removed\n",
		        err.message_en, err.code, kept_bad ? "left as" : "deleted",
		        kept_bad ? bad : part);
		goto out;
	}
	if (!backup_rename_new(part, final)) {
		fprintf(stderr, "motcua-server " CMD ": cannot rename %s to %s: %s\n", part, final,
		        strerror(errno));
		unlink(part);
		goto out;
	}
	if (!backup_files_sync_dir(dir)) {
		fprintf(stderr, "motcua-server " CMD ": cannot sync %s: %s\n", dir,
		        strerror(errno));
		goto out;
	}

	size_t kept, removed;
	status = backup_retain(dir, now, keep_daily, keep_monthly, &kept, &removed);
	printf("backed up %s to %s (checked: integrity and audit chain); %zu backup%s kept, %zu "
	       "removed (keeping %d daily, %d monthly)\n",
	       db, final, kept, kept == 1 ? "" : "s", removed, keep_daily, keep_monthly);
out:
	store_close(st);
	free(bad);
	free(part);
	free(final);
	return status;
}
