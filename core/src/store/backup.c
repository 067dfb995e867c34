/* Online backup (SQLite backup API into a temporary file, then gzip) and
 * restore (gunzip into a new file, then integrity and audit checks). */
#include "store/store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include <zlib.h>

#include "util/xmalloc.h"

/* While the source cannot be read (a WAL recovery by another process): wait
 * this long between tries, at most this many times (10 s in all). */
#define BACKUP_BUSY_SLEEP_MS 20
#define BACKUP_BUSY_TRIES 500

/* Tests only (tests/e2e/238-backup-keeps-old): MOTCUA_FAULT=backup_write_fail
 * makes the gzip write fail as a full disk would. */
static bool backup_write_fault(void)
{
	const char *fault = getenv("MOTCUA_FAULT");
	return fault && strcmp(fault, "backup_write_fail") == 0;
}

/* Syncs the folder holding path (so a rename in it is durable). */
static void backup_sync_parent(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
}

/* Copies the database, as one consistent snapshot read through this
 * thread's reader, into the SQLite file tmp (which exists, empty). */
static enum mc_err backup_copy(struct store *st, const char *tmp, struct mc_error *err)
{
	sqlite3 *dst = NULL;
	enum mc_err rc = MC_OK;
	if (sqlite3_open(tmp, &dst) != SQLITE_OK) {
		rc = mc_fail(err, MC_ERR_UNAVAILABLE, "backup_write_failed",
		             "Không ghi được tệp sao lưu", "cannot open the backup file");
		goto out;
	}
	/* A scratch copy, gzipped afterwards: no journal, no waiting for the
	 * disk (the finished .gz is synced instead). */
	sqlite3_exec(dst, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", NULL, NULL, NULL);
	/* The backup reads through this thread's reader so writers go on. All
	 * pages are copied in one step, inside one read transaction: a
	 * consistent snapshot of one instant that commits by other connections
	 * (the running server) cannot restart. Copied in small steps, the copy
	 * started over at every commit and under steady writes never ended. */
	struct store_conn *src = store_read_conn(st);
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", db_sqlite(src->db), "main");
	if (b == NULL) {
		rc = mc_fail(err, MC_ERR_INTERNAL, "backup_failed", "Sao lưu thất bại",
		             sqlite3_errmsg(dst));
		goto out;
	}
	int step, tries = 0;
	while ((step = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || step == SQLITE_LOCKED) {
		if (++tries > BACKUP_BUSY_TRIES)
			break;
		sqlite3_sleep(BACKUP_BUSY_SLEEP_MS);
	}
	sqlite3_backup_finish(b);
	if (step == SQLITE_BUSY || step == SQLITE_LOCKED)
		rc = mc_fail(err, MC_ERR_UNAVAILABLE, "backup_busy",
		             "Cơ sở dữ liệu đang bận, hãy thử lại",
		             "The database stayed busy; try again");
	else if (step != DB_DONE)
		rc = mc_fail(err, MC_ERR_INTERNAL, "backup_failed", "Sao lưu thất bại",
		             sqlite3_errstr(step));
out:
	if (dst)
		sqlite3_close(dst);
	return rc;
}

/* Gzips the file tmp into a temporary name beside out_gz, syncs it, and
 * renames it over out_gz only once whole: a failure (a full disk) leaves an
 * existing out_gz as it was, and no part behind. */
static enum mc_err backup_gzip(const char *tmp, const char *out_gz, struct mc_error *err)
{
	char *part = xasprintf("%s.part-XXXXXX", out_gz);
	FILE *in = fopen(tmp, "rb");
	gzFile gz = NULL;
	int out_fd = mkstemp(part); /* 0600, as the database */
	bool part_made = out_fd >= 0;
	enum mc_err rc = MC_OK;

	if (out_fd >= 0) {
		int gz_fd = dup(out_fd);
		gz = gz_fd >= 0 ? gzdopen(gz_fd, "wb9") : NULL;
		if (gz == NULL && gz_fd >= 0)
			close(gz_fd);
	}
	if (in == NULL || gz == NULL) {
		rc = mc_failf(err, MC_ERR_UNAVAILABLE, "backup_write_failed",
		              "Không ghi được tệp sao lưu", "cannot write %s", out_gz);
		goto out;
	}
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (backup_write_fault() || gzwrite(gz, buf, (unsigned)n) != (int)n) {
			rc = mc_failf(err, MC_ERR_UNAVAILABLE, "backup_write_failed",
			              "Không ghi được tệp sao lưu", "short write to %s", out_gz);
			goto out;
		}
	int zrc = gzclose(gz);
	gz = NULL;
	if (zrc != Z_OK)
		rc = mc_failf(err, MC_ERR_UNAVAILABLE, "backup_write_failed",
		              "Không ghi được tệp sao lưu", "cannot finish %s", out_gz);
	/* The backup is on disk when the command says it is done. */
	else if (fsync(out_fd) != 0)
		rc = mc_failf(err, MC_ERR_UNAVAILABLE, "backup_write_failed",
		              "Không ghi được tệp sao lưu", "cannot sync %s: %s", out_gz,
		              strerror(errno));
	else if (rename(part, out_gz) != 0)
		rc = mc_failf(err, MC_ERR_UNAVAILABLE, "backup_write_failed",
		              "Không ghi được tệp sao lưu", "cannot rename %s to %s: %s", part,
		              out_gz, strerror(errno));
	else {
		part_made = false;
		backup_sync_parent(out_gz);
	}
out:
	if (out_fd >= 0)
		close(out_fd);
	if (part_made)
		unlink(part); /* no half backup left; an older out_gz stays */
	free(part);
	if (in)
		fclose(in);
	if (gz)
		gzclose(gz);
	return rc;
}

/* The backup is copied to a temporary SQLite file beside out_gz, then
 * gzipped over out_gz (backup_gzip: only once whole). */
static enum mc_err backup_sqlite(struct store *st, const char *out_gz, struct mc_error *err)
{
	char *tmp = xasprintf("%s.tmp-XXXXXX", out_gz);
	int fd = mkstemp(tmp);
	enum mc_err rc;

	if (fd < 0) {
		rc = mc_failf(err, MC_ERR_UNAVAILABLE, "backup_write_failed",
		              "Không ghi được tệp sao lưu", "cannot create %s: %s", tmp,
		              strerror(errno));
		free(tmp);
		return rc;
	}
	close(fd);
	if ((rc = backup_copy(st, tmp, err)) == MC_OK)
		rc = backup_gzip(tmp, out_gz, err);
	unlink(tmp);
	free(tmp);
	return rc;
}

enum mc_err store_backup(struct store *st, const char *out_gz, struct mc_error *err)
{
	if (db_engine(store_read_conn(st)->db) == DB_POSTGRES)
		return mc_fail(err, MC_ERR_CONFLICT, "backup_engine",
		               "Sao lưu bằng công cụ của PostgreSQL",
		               "a PostgreSQL database is backed up with pg_dump or a base backup "
		               "(docs/postgresql.md), not motcua-server backup");
	return backup_sqlite(st, out_gz, err);
}

/* True if the gzip file at path ends with the length (ISIZE, 32 bits little
 * endian) of total bytes of data, as a whole one-member gzip file does. */
static bool backup_gz_length_matches(const char *path, uint64_t total)
{
	unsigned char tail[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	off_t end = lseek(fd, 0, SEEK_END);
	bool ok = end >= 18 && pread(fd, tail, 4, end - 4) == 4; /* header 10, trailer 8 */
	close(fd);
	uint32_t isize = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 |
	                 (uint32_t)tail[3] << 24;
	return ok && isize == (uint32_t)total;
}

enum mc_err store_restore(const char *in_gz, const char *db_path, struct mc_error *err)
{
	gzFile gz = NULL;
	int fd = -1;
	enum mc_err rc = MC_OK;
	struct store *st = NULL;

	/* A leftover -wal (-shm, -journal) beside the target would be replayed
	 * into the restored file (and then deleted) by SQLite at its first
	 * open: rows that are not in the backup. */
	static const char *const sides[] = {"-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
		char *side = xasprintf("%s%s", db_path, sides[i]);
		struct stat sb;
		bool there = lstat(side, &sb) == 0;
		if (there)
			rc = mc_failf(err, MC_ERR_CONFLICT, "restore_leftover_journal",
			              "Còn tệp nhật ký cũ cạnh tệp đích",
			              "will not restore to %s: %s exists (left by an earlier "
			              "database of that name; SQLite would replay it into the "
			              "restored file). Nothing was changed: move it away with "
			              "the old database, or restore to another name",
			              db_path, side);
		free(side);
		if (there)
			return rc;
	}
	gz = gzopen(in_gz, "rb");
	if (gz == NULL)
		return mc_failf(err, MC_ERR_NOT_FOUND, "backup_not_found",
		                "Không đọc được tệp sao lưu", "cannot read %s", in_gz);
	fd = open(db_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		rc = mc_failf(err, MC_ERR_CONFLICT, "restore_target_exists",
		              "Tệp đích đã tồn tại hoặc không ghi được",
		              "will not overwrite %s: %s", db_path, strerror(errno));
		gzclose(gz);
		return rc;
	}
	char buf[65536];
	int n;
	uint64_t total = 0;
	while ((n = gzread(gz, buf, sizeof buf)) > 0) {
		total += (uint64_t)n;
		if (write(fd, buf, (size_t)n) != n) {
			rc = mc_failf(err, MC_ERR_UNAVAILABLE, "restore_write_failed",
			              "Không ghi được tệp", "write %s: %s", db_path,
			              strerror(errno));
			goto out;
		}
	}
	/* gzread takes a file cut short for one still being written (0, end of
	 * file); its error state says the stream ended early, except when the
	 * cut is in the trailer and the data filled the buffers exactly. The
	 * trailer's last 4 bytes are the data's length (mod 2^32): a file cut
	 * anywhere ends with other bytes. */
	int zerr = Z_OK;
	if (n == 0)
		gzerror(gz, &zerr);
	if (n < 0 || zerr == Z_BUF_ERROR || !backup_gz_length_matches(in_gz, total)) {
		rc = mc_failf(err, MC_ERR_INVALID, "backup_corrupt", "Tệp sao lưu bị hỏng",
		              "%s is not a valid backup (%s)", in_gz,
		              n < 0 ? "damaged" : "cut short");
		goto out;
	}
	if (fsync(fd) != 0) {
		rc = mc_fail(err, MC_ERR_UNAVAILABLE, "restore_write_failed", "Không ghi được tệp",
		             strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	rc = store_open_mode(db_path, STORE_OPEN_EXISTING, &st, err);
	if (rc == MC_OK)
		rc = store_integrity_check(st, err);
	if (rc == MC_OK)
		rc = store_audit_verify(st, NULL, err);
	store_close(st);
out:
	if (fd >= 0)
		close(fd);
	gzclose(gz);
	if (rc != MC_OK)
		unlink(db_path);
	return rc;
}
