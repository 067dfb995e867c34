#include "store/stream.h"

#include <string.h>

#include "domain/principal.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/xmalloc.h"

int store_stream_since(struct store *st, int64_t scope, int64_t office, int64_t after, int64_t upto,
                       int limit, store_stream_fn fn, void *ctx)
{
	struct store_conn *c = store_read_conn(st);
	int n = 0;
	/* The hall's own events, inside the reader's scope: neither a hall 0
	 * nor a wide scope reads another centre's. */
	db_stmt *s = store_stmt(
	    c, "SELECT id, at, action, details FROM events"
	       " WHERE id > ?1 AND id <= ?2 AND stream = 1"
	       " AND office_id = ?4 AND " SCOPE_SQL("office_id") " ORDER BY id LIMIT ?3");
	if (s == NULL)
		return -1;
	struct principal reader = {.office_id = scope};
	store_bind_scope(s, &reader);
	db_bind_int64(s, 4, office);
	db_bind_int64(s, 1, after);
	db_bind_int64(s, 2, upto);
	db_bind_int(s, 3, limit);
	int step;
	while ((step = db_step(s)) == DB_ROW) {
		fn(ctx, db_column_int64(s, 0), db_column_int64(s, 1), store_col_text(s, 2),
		   store_col_text(s, 3));
		n++;
	}
	if (step != DB_DONE) {
		store_sql_error(c, "event replay", NULL);
		n = -1;
	}
	db_reset(s);
	return n;
}
