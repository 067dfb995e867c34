#include "util/paths.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MOTCUA_INSTALL_DATA_DIR
#define MOTCUA_INSTALL_DATA_DIR "/usr/share/motcua"
#endif

/* Written once under paths_once, read-only after. */
static char paths_dir[PATH_MAX];
static pthread_once_t paths_once = PTHREAD_ONCE_INIT;

static void paths_resolve(void)
{
	const char *env = getenv("MOTCUA_DATA_DIR");
	if (env && *env && strlen(env) < sizeof paths_dir) {
		strcpy(paths_dir, env);
	} else {
		/* /proc/self/exe is <prefix>/bin/motcua-…: the data is <prefix>/share/motcua. */
		char exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		char *slash = NULL;
		if (n > 0) {
			exe[n] = '\0';
			slash = strrchr(exe, '/');
		}
		if (slash)
			*slash = '\0';
		slash = slash ? strrchr(exe, '/') : NULL;
		if (slash && (size_t)(slash - exe) + sizeof "/share/motcua" <= sizeof paths_dir) {
			*slash = '\0';
			strcpy(paths_dir, exe);
			strcat(paths_dir, "/share/motcua");
		} else {
			strcpy(paths_dir, MOTCUA_INSTALL_DATA_DIR);
		}
	}
	size_t len = strlen(paths_dir);
	while (len > 1 && paths_dir[len - 1] == '/')
		paths_dir[--len] = '\0';
}

const char *paths_data_dir(void)
{
	pthread_once(&paths_once, paths_resolve);
	return paths_dir;
}
