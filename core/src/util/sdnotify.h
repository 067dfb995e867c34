/* systemd's readiness protocol (sd_notify(3)) without libsystemd: one
 * datagram of "KEY=VALUE" lines to the unix socket named by $NOTIFY_SOCKET,
 * which systemd sets for a Type=notify service. A path starting with '@' is
 * in the abstract namespace. Without $NOTIFY_SOCKET nothing is sent: the
 * same binary runs from a terminal or a test. */
#ifndef MOTCUA_SDNOTIFY_H
#define MOTCUA_SDNOTIFY_H

/* Sends state (e.g. "READY=1\nSTATUS=listening on …") to $NOTIFY_SOCKET.
 * Returns 1 when sent, 0 when $NOTIFY_SOCKET is unset or empty, -1 when it
 * could not be sent (errno says why: EINVAL for an address that is neither
 * an absolute path nor '@name', or too long; else the socket's error).
 * Thread-safe; it opens and closes its own socket each time. */
int sdnotify_send(const char *state);

#endif
