#include "util/backup_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xmalloc.h"

bool backup_files_list(const char *dir, struct backup_file **files, size_t *n)
{
	*files = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (d == NULL)
		return false;
	size_t cap = 0;
	struct dirent *e;
	int64_t when;
	while ((errno = 0, e = readdir(d)) != NULL) {
		if (!backup_plan_parse_name(e->d_name, &when))
			continue;
		struct stat sb;
		if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*files = xrealloc(*files, cap * sizeof **files);
		}
		struct backup_file *f = &(*files)[(*n)++];
		memcpy(f->name, e->d_name, BACKUP_NAME_SIZE);
		f->when = when;
	}
	int read_errno = errno;
	closedir(d);
	if (read_errno != 0) {
		free(*files);
		*files = NULL;
		*n = 0;
		errno = read_errno;
		return false;
	}
	return true;
}

bool backup_newest(const char *dir, int64_t now, int64_t *when, size_t *future)
{
	struct backup_file *files;
	size_t n, ahead = 0;
	bool found = false;
	int64_t newest = 0;
	if (future)
		*future = 0;
	if (dir == NULL || !backup_files_list(dir, &files, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (backup_plan_in_future(files[i].when, now))
			ahead++;
		else if (!found || files[i].when > newest) {
			newest = files[i].when;
			found = true;
		}
	}
	free(files);
	if (future)
		*future = ahead;
	if (found)
		*when = newest;
	return found;
}

bool backup_files_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc == 0;
}
