/* motcua-test-notify ADDR: systemd's side of sd_notify(3) for the e2e tests
 * (node has no unix datagram sockets). Binds a unix datagram socket at ADDR
 * (a path, or '@name' in the abstract namespace), prints "bound", then one
 * line per datagram received: the sender's pid, a tab, and the datagram
 * with its newlines as tabs. Stops on SIGTERM, or after 120 s of silence so
 * that a failed test leaves nothing running. Exit 0, or 2 with a reason. */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: motcua-test-notify PATH|@NAME\n");
		return 2;
	}
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	size_t len = strlen(argv[1]);
	if (len == 0 || len >= sizeof addr.sun_path) {
		fprintf(stderr, "motcua-test-notify: bad address\n");
		return 2;
	}
	memcpy(addr.sun_path, argv[1], len);
	int abstract = argv[1][0] == '@';
	if (abstract)
		addr.sun_path[0] = '\0';
	socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + !abstract);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&addr, alen) != 0) {
		fprintf(stderr, "motcua-test-notify: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	printf("bound\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, 120000);
		if (r == 0)
			return 0;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return 2;
		}
		char buf[4096];
		union {
			struct cmsghdr h;
			char space[CMSG_SPACE(sizeof(struct ucred))];
		} ctl;
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf - 1};
		struct msghdr msg = {.msg_iov = &iov,
		                     .msg_iovlen = 1,
		                     .msg_control = &ctl,
		                     .msg_controllen = sizeof ctl};
		ssize_t n = recvmsg(fd, &msg, 0);
		if (n < 0)
			continue;
		buf[n] = '\0';
		long pid = -1;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
				struct ucred cred;
				memcpy(&cred, CMSG_DATA(c), sizeof cred);
				pid = cred.pid;
			}
		for (char *q = buf; *q; q++)
			if (*q == '\n')
				*q = '\t';
		printf("%ld\t%s\n", pid, buf);
		fflush(stdout);
	}
}
