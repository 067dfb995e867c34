#include "store/stream.h"

#include <string.h>

#include "store/store_internal.h"
#include "util/clock.h"
#include "util/xmalloc.h"

int store_stream_since(struct store *st, int64_t after, int limit, store_stream_fn fn, void *ctx)
{
	struct store_conn *c = store_read_conn(st);
	int n = 0;
	sqlite3_stmt *s = store_stmt(c, "SELECT id, action, details FROM events"
	                                " WHERE id > ? AND stream = 1 ORDER BY id LIMIT ?");
	if (s == NULL)
		return 0;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int(s, 2, limit);
	while (sqlite3_step(s) == SQLITE_ROW) {
		fn(ctx, sqlite3_column_int64(s, 0), store_col_text(s, 1), store_col_text(s, 2));
		n++;
	}
	sqlite3_reset(s);
	return n;
}

bool store_idem_find(struct store *st, const char *principal, const char *key, const char *method,
                     const char *path, int *status, char **body, bool *same_request)
{
	struct store_conn *c = store_write_conn(st);
	bool found = false;
	sqlite3_stmt *s = store_stmt(c, "SELECT method, path, status, body FROM idempotency"
	                                " WHERE principal = ? AND key = ?");
	if (s == NULL)
		return false;
	sqlite3_bind_text(s, 1, principal, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		found = true;
		*same_request = strcmp(store_col_text(s, 0), method) == 0 &&
		                strcmp(store_col_text(s, 1), path) == 0;
		*status = sqlite3_column_int(s, 2);
		*body = xstrdup(store_col_text(s, 3));
	}
	sqlite3_reset(s);
	return found;
}

enum mc_err store_idem_save(struct store *st, const char *principal, const char *key,
                            const char *method, const char *path, int status, const char *body,
                            struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	int64_t now = clock_now();
	/* Keys are kept for a day: long enough for any client's retries. */
	sqlite3_stmt *s = store_stmt(c, "DELETE FROM idempotency WHERE created_at < ?");
	if (s) {
		sqlite3_bind_int64(s, 1, now - 86400);
		sqlite3_step(s);
		sqlite3_reset(s);
	}
	s = store_stmt(c, "INSERT INTO idempotency (principal, key, method, path, status, body,"
	                  " created_at) VALUES (?,?,?,?,?,?,?)");
	if (s == NULL)
		return store_sql_error(c, "idempotency", err);
	sqlite3_bind_text(s, 1, principal, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, method, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, path, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, status);
	sqlite3_bind_text(s, 6, body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, now);
	int step = sqlite3_step(s);
	sqlite3_reset(s);
	return step == SQLITE_DONE ? MC_OK : store_sql_error(c, "idempotency", err);
}

#define STREAM_IDEM_STALE_SECONDS 60

bool store_idem_reserve(struct store *st, const char *principal, const char *key,
                        const char *method, const char *path, int *status, char **body,
                        bool *same_request)
{
	struct mc_error err;
	if (store_begin(st, &err) != MC_OK) {
		/* The store is failing: let the handler run and report it. */
		return false;
	}
	struct store_conn *c = store_write_conn(st);
	sqlite3_stmt *s = store_stmt(c, "DELETE FROM idempotency WHERE principal = ? AND key = ?"
	                                " AND status = 0 AND created_at < ?");
	if (s) {
		sqlite3_bind_text(s, 1, principal, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, clock_now() - STREAM_IDEM_STALE_SECONDS);
		sqlite3_step(s);
		sqlite3_reset(s);
	}
	if (store_idem_find(st, principal, key, method, path, status, body, same_request)) {
		store_rollback(st);
		return true;
	}
	if (store_idem_save(st, principal, key, method, path, 0, "", &err) != MC_OK) {
		store_rollback(st);
		return false;
	}
	store_commit(st, &err);
	return false;
}

void store_idem_complete(struct store *st, const char *principal, const char *key, int status,
                         const char *body)
{
	struct mc_error err;
	if (store_begin(st, &err) != MC_OK)
		return;
	struct store_conn *c = store_write_conn(st);
	bool ok = status >= 200 && status <= 299;
	sqlite3_stmt *s =
	    ok ? store_stmt(c, "UPDATE idempotency SET status = ?3, body = ?4"
	                       " WHERE principal = ?1 AND key = ?2 AND status = 0")
	       : store_stmt(c, "DELETE FROM idempotency WHERE principal = ?1 AND key = ?2"
	                       " AND status = 0");
	if (s) {
		sqlite3_bind_text(s, 1, principal, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
		if (ok) {
			sqlite3_bind_int(s, 3, status);
			sqlite3_bind_text(s, 4, body, -1, SQLITE_STATIC);
		}
		sqlite3_step(s);
		sqlite3_reset(s);
	}
	store_commit(st, &err);
}
