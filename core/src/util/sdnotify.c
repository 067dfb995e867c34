#include "util/sdnotify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int sdnotify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	if (path == NULL || *path == '\0')
		return 0;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	size_t len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof addr.sun_path) {
		errno = EINVAL;
		return -1;
	}
	memcpy(addr.sun_path, path, len);
	/* An abstract address starts with a NUL byte and is exactly len bytes
	 * long (no terminator); a path's length includes its terminator. */
	if (path[0] == '@')
		addr.sun_path[0] = '\0';
	socklen_t alen =
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/' ? 1 : 0));
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	ssize_t n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&addr, alen);
	int saved = errno;
	close(fd);
	errno = saved;
	return n < 0 ? -1 : 1;
}
