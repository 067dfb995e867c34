#include "store/hall_plan.h"

#include "store/scan.h"
#include "store/store_internal.h"

/* Each list: one JSON object per row, built by SQLite. */
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

enum mc_err store_hall_plan(struct store *st, json_t **out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	json_t *plan = json_object();
	enum mc_err rc = MC_OK;
	for (size_t i = 0; i < sizeof hall_plan_lists / sizeof hall_plan_lists[0]; i++) {
		sqlite3_stmt *s = store_stmt(c, hall_plan_lists[i].sql);
		if (s == NULL) {
			rc = store_sql_error(c, "hall plan", err);
			goto out;
		}
		json_t *list = json_array();
		json_object_set_new(plan, hall_plan_lists[i].key, list);
		int step;
		while (store_next(s, &step)) {
			json_t *item = json_loads(store_col_text(s, 0), 0, NULL);
			if (item)
				json_array_append_new(list, item);
		}
		if ((rc = store_scan_end(c, s, step, "hall plan", err)))
			goto out;
	}
	*out = json_incref(plan);
out:
	json_decref(plan);
	return rc;
}
