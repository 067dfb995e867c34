/* The HTTP server of motcua-server: libmicrohttpd with an internal epoll
 * thread pool, routes in one table (routes.c), JSON in and out. */
#ifndef MOTCUA_API_H
#define MOTCUA_API_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

struct api_config {
	const char *listen;             /* address to bind, default 127.0.0.1 */
	int port;                       /* 0: any free port (see api_port) */
	const char *tls_cert, *tls_key; /* PEM files; both or neither */
	int threads;                    /* 0: one per core */
	size_t body_limit;              /* bytes; 0: 64 KiB */
	int heartbeat_ms;               /* SSE heartbeat; 0: 15 s */
	/* The key file sealing stored Idempotency-Key answers; NULL: next to the
	 * database ("<db>.idem-key"; idem_seal_default_path for PostgreSQL),
	 * created at first start. */
	const char *idem_key_file;
	/* Against clients that hold connections (docs/api.md, "Limits"). */
	/* all connections; 0: the open-file limit less 128, at most 16384 */
	int max_connections;
	int per_address_limit;   /* connections from one address; 0: 256 */
	int head_timeout_ms;     /* the whole request head; 0: 10 s */
	int body_timeout_ms;     /* the whole body, after the head; 0: 30 s */
	int max_streams;         /* event streams; 0: 3/4 of max_connections, at most 12000 */
	int streams_per_token;   /* event streams of one token or session; 0: 8 */
	int streams_per_address; /* event streams from one client address; 0: 64 */
	int logins_per_minute;   /* login attempts from one address; 0: 30 */
	/* The folder of the nightly backups (`backup --backup-dir`), read for
	 * /metrics' backup age; NULL: not reported. */
	const char *backup_dir;
	/* This server's name in its claims of print jobs and messages (several
	 * servers on one PostgreSQL database: store_instance_set); NULL: the
	 * host name and the port, "host:8080", the same after a restart. */
	const char *instance;
};

struct api;

/* Starts serving st. On success *out is set and requests are being served
 * from other threads; on failure err says why (port taken, bad TLS files). */
enum mc_err api_start(struct store *st, const struct api_config *cfg, struct api **out,
                      struct mc_error *err);
int api_port(const struct api *api);
/* Ends every live stream, stops the daemon, frees everything. */
void api_stop(struct api *api);

#endif
