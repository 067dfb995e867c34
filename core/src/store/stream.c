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
