#include "store/hall_plan.h"

#include <stdlib.h>

#include "store/scan.h"
#include "store/store_internal.h"
#include "util/jsontext.h"

/* Each list: one JSON object per row, built by SQLite as text. */
static const struct {
	const char *key;
	const char *sql;
} hall_plan_lists[] = {
    {"offices", "SELECT json_object('id', o.id, 'code', o.code, 'name', o.name, 'kind', o.kind,"
                " 'level', o.level, 'parent', p.code)"
                " FROM offices o LEFT JOIN offices p ON p.id = o.parent_id"
                " WHERE o.active = 1 ORDER BY o.id"},
    {"groups", "SELECT json_object('office', o.code, 'code', g.code, 'name', g.name)"
               " FROM service_groups g LEFT JOIN offices o ON o.id = g.office_id"
               " WHERE g.active = 1 ORDER BY g.office_id, g.sort, g.id"},
    {"counters", "SELECT json_object('office', o.code, 'no', c.no, 'groups',"
                 " (SELECT json_group_array(g.code) FROM counter_groups cg"
                 " JOIN service_groups g ON g.id = cg.group_id"
                 " WHERE cg.counter_id = c.id))"
                 " FROM counters c LEFT JOIN offices o ON o.id = c.office_id"
                 " ORDER BY c.office_id, c.no"},
    {"users", "SELECT json_object('username', u.username, 'role', u.role, 'office', o.code)"
              " FROM users u LEFT JOIN offices o ON o.id = u.office_id"
              " WHERE u.active = 1 ORDER BY u.id"},
    {"devices", "SELECT json_object('id', d.id, 'name', d.name, 'kind', d.kind, 'office',"
                " o.code) FROM devices d LEFT JOIN offices o ON o.id = d.office_id"
                " WHERE d.active = 1 ORDER BY d.id"},
};

enum mc_err store_hall_plan(struct store *st, char **out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct jsontext j = JSONTEXT_INIT;
	enum mc_err rc = MC_OK;
	jt_begin(&j);
	for (size_t i = 0; i < sizeof hall_plan_lists / sizeof hall_plan_lists[0]; i++) {
		db_stmt *s = store_stmt(c, hall_plan_lists[i].sql);
		if (s == NULL) {
			rc = store_sql_error(c, "hall plan", err);
			break;
		}
		jt_array(&j, hall_plan_lists[i].key);
		int step;
		while (store_next(s, &step))
			jt_raw(&j, NULL, store_col_text(s, 0));
		jt_end(&j);
		if ((rc = store_scan_end(c, s, step, "hall plan", err)))
			break;
	}
	jt_end(&j); /* every list is closed, even after an error */
	char *text = jt_finish(&j);
	if (rc == MC_OK)
		*out = text;
	else
		free(text);
	return rc;
}
