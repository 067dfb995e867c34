/* The queue as a whole on the store: which hall a caller means, the call
 * policy and the priority classes, and what the ticket and counter
 * operations share (queue_internal.h: a ticket's row and its event on the
 * chain). The operations themselves: store/ticket.c, store/counter.c. */
#include "store/queue.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/booking.h"
#include "store/dialect.h"
#include "store/queue_internal.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/jsontext.h"
#include "util/xmalloc.h"

/* Default priority classes (đối tượng ưu tiên); an office replaces them with
 * the setting "priority_classes" (a JSON array of {code, name}). */
static const char queue_default_priority_classes[] =
    "[{\"code\":\"elderly\",\"name\":\"Người cao tuổi\",\"name_en\":\"Elderly person\"},"
    "{\"code\":\"disability\",\"name\":\"Người khuyết tật\",\"name_en\":\"Person with a "
    "disability\"},"
    "{\"code\":\"pregnant\",\"name\":\"Phụ nữ mang thai\",\"name_en\":\"Pregnant woman\"},"
    "{\"code\":\"meritorious\",\"name\":\"Người có công với cách mạng\",\"name_en\":\"Person "
    "with meritorious service\"},"
    "{\"code\":\"child_carer\",\"name\":\"Người đi cùng trẻ dưới 6 tuổi\",\"name_en\":\"Carer "
    "of a child under 6\"}]";

void queue_bind(db_stmt *s, const char *name, int64_t v)
{
	int i = db_bind_parameter_index(s, name);
	ENFORCE(i > 0, "a queue statement has its named parameter");
	db_bind_int64(s, i, v);
}

void store_bind_hall_office(db_stmt *s, int64_t office)
{
	int i = db_bind_parameter_index(s, ":office");
	ENFORCE(i > 0, "a hall statement has :office");
	if (office)
		db_bind_int64(s, i, office);
	else
		db_bind_null(s, i);
}

/* The kinds of office that have a hall (docs/province.md). */
#define QUEUE_HALL_KINDS "('centre','point')"

enum mc_err queue_hall_on(struct store_conn *c, const struct principal *scope,
                          const struct principal *who, const char *code, int64_t *office,
                          struct mc_error *err)
{
	int step;
	enum mc_err rc;
	db_stmt *s;
	if (code) {
		s = store_stmt(c, "SELECT o.id FROM offices o WHERE o.code = :code"
		                  " AND o.kind IN " QUEUE_HALL_KINDS " AND " SCOPE_SQL("o.id"));
		if (s == NULL)
			return store_sql_error(c, "hall", err);
		db_bind_text(s, db_bind_parameter_index(s, ":code"), code, -1, DB_STATIC);
		store_bind_scope(s, scope);
		int64_t id = store_next(s, &step) ? db_column_int64(s, 0) : 0;
		if ((rc = store_scan_end(c, s, step, "hall", err)))
			return rc;
		if (id == 0)
			return mc_failf(err, MC_ERR_NOT_FOUND, "office_not_found",
			                "Không có trung tâm hoặc điểm tiếp nhận này",
			                "No centre or reception point '%.40s'", code);
		*office = id;
		return MC_OK;
	}
	if (who && who->office_id) {
		/* The caller's own hall: its office, or the nearest hall above it
		 * (a processing office inside a centre). */
		s = store_stmt(
		    c, "SELECT o.id FROM office_paths p JOIN offices o ON o.id = p.ancestor_id"
		       " WHERE p.office_id = :id AND o.kind IN " QUEUE_HALL_KINDS
		       " ORDER BY p.depth LIMIT 1");
		if (s == NULL)
			return store_sql_error(c, "hall", err);
		queue_bind(s, ":id", who->office_id);
		int64_t id = store_next(s, &step) ? db_column_int64(s, 0) : 0;
		if ((rc = store_scan_end(c, s, step, "hall", err)))
			return rc;
		if (id) {
			*office = id;
			return MC_OK;
		}
	}
	/* The only hall below the caller's office (a commune supervisor's
	 * centre); where any hall may be named (the public queue) and none is
	 * below the caller (a specialist), the province's only one. */
	int64_t ids[2] = {0, 0};
	int n = 0;
	for (int pass = 0; pass < 2 && n == 0; pass++) {
		if (pass == 1 && (scope || who == NULL || who->office_id == 0))
			break;
		s = store_stmt(c, "SELECT o.id FROM offices o WHERE o.kind IN " QUEUE_HALL_KINDS
		                  " AND " SCOPE_SQL("o.id") " ORDER BY o.id LIMIT 2");
		if (s == NULL)
			return store_sql_error(c, "hall", err);
		store_bind_scope(s, pass == 0 ? who : NULL);
		while (n < 2 && store_next(s, &step))
			ids[n++] = db_column_int64(s, 0);
		if ((rc = store_scan_end(c, s, step, "hall", err)))
			return rc;
	}
	if (n > 1)
		return mc_fail(err, MC_ERR_INVALID, "office_required",
		               "Có nhiều trung tâm: hãy chọn một trung tâm (office=mã trung tâm)",
		               "Several centres: name one with office=<centre code>");
	/* A scope below the root with no hall in it (a specialist of an
	 * authority) has no hall to mean: never the whole province. */
	if (n == 0 && scope && scope->office_id)
		return mc_fail(err, MC_ERR_INVALID, "office_required",
		               "Không có trung tâm nào thuộc phạm vi của tài khoản này",
		               "No centre or reception point lies in this account's scope");
	*office = ids[0]; /* 0: no hall yet (nothing imported) */
	return MC_OK;
}

enum mc_err store_hall_resolve(struct store *st, const struct principal *who, const char *code,
                               bool scoped, int64_t *office, struct mc_error *err)
{
	return queue_hall_on(store_read_conn(st), scoped ? who : NULL, who, code, office, err);
}

void queue_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* Ticket id as the chain and the API show it (no personal data: a ticket
 * has none), read on c into *t. MC_OK, MC_ERR_NOT_FOUND (err not filled:
 * the caller just changed it, so a missing row is the database's fault), or
 * a database error. */
static enum mc_err queue_ticket_read(struct store_conn *c, int64_t id, struct queue_ticket *t,
                                     struct mc_error *err)
{
	db_stmt *s =
	    store_stmt(c, "SELECT t.id, t.label, t.number, g.code, sg.code, t.priority, t.state,"
	                  " t.issued_at, co.no, t.service_day, t.outcome, tc.no, t.queued_at,"
	                  " coalesce(t.office_id, 0), t.booking_id IS NOT NULL FROM tickets t"
	                  " JOIN service_groups g ON g.id = t.group_id"
	                  " JOIN service_groups sg ON sg.id = t.series_group_id"
	                  " LEFT JOIN counters co ON co.id = t.counter_id"
	                  " LEFT JOIN counters tc ON tc.id = t.target_counter_id WHERE t.id = ?");
	if (s == NULL)
		return store_sql_error(c, "ticket view", err);
	db_bind_int64(s, 1, id);
	int step;
	bool found = store_next(s, &step);
	if (found) {
		memset(t, 0, sizeof *t);
		t->id = db_column_int64(s, 0);
		queue_copy(t->label, sizeof t->label, store_col_text(s, 1));
		t->number = db_column_int(s, 2);
		queue_copy(t->group, sizeof t->group, store_col_text(s, 3));
		queue_copy(t->series, sizeof t->series, store_col_text(s, 4));
		if (db_column_type(s, 5) != DB_NULL)
			queue_copy(t->priority, sizeof t->priority, store_col_text(s, 5));
		queue_copy(t->state, sizeof t->state, store_col_text(s, 6));
		t->issued_at = db_column_int64(s, 7);
		t->counter = db_column_int(s, 8); /* NULL reads 0 */
		queue_copy(t->service_day, sizeof t->service_day, store_col_text(s, 9));
		if (db_column_type(s, 10) != DB_NULL)
			queue_copy(t->outcome, sizeof t->outcome, store_col_text(s, 10));
		t->target_counter = db_column_int(s, 11);
		t->queued_at = db_column_int64(s, 12);
		t->office = db_column_int64(s, 13);
		t->booked = db_column_int(s, 14) != 0;
	}
	enum mc_err rc = store_scan_end(c, s, step, "ticket view", err);
	if (rc == MC_OK && !found)
		rc = store_sql_error(c, "ticket view", err);
	return rc;
}

/* Writes t as member key of j, as the audit chain and the live stream keep
 * it: the members of the API's ticket view (api/present_queue.c) without
 * the figures. */
static void queue_ticket_jt(struct jsontext *j, const char *key, const struct queue_ticket *t)
{
	jt_object(j, key);
	jt_int(j, "id", t->id);
	jt_str(j, "label", t->label);
	jt_int(j, "number", t->number);
	jt_str(j, "group", t->group);
	jt_str(j, "series", t->series);
	jt_str(j, "priority", t->priority[0] ? t->priority : NULL);
	jt_str(j, "state", t->state);
	jt_int(j, "issued_at", t->issued_at);
	if (t->counter)
		jt_int(j, "counter", t->counter);
	else
		jt_null(j, "counter");
	jt_str(j, "service_day", t->service_day);
	jt_str(j, "outcome", t->outcome[0] ? t->outcome : NULL);
	if (t->target_counter)
		jt_int(j, "target_counter", t->target_counter);
	else
		jt_null(j, "target_counter");
	jt_int(j, "queued_at", t->queued_at);
	/* Issued at a check-in in time for a booking (đặt lịch). */
	jt_bool(j, "booked", t->booked);
	jt_end(j);
}

enum mc_err queue_event(struct store *st, const struct principal *who, int64_t ticket_id,
                        const char *action, int counter_no, const struct queue_extra *extra,
                        struct queue_ticket *view, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	struct queue_ticket t;
	enum mc_err rc = queue_ticket_read(c, ticket_id, &t, err);
	if (rc)
		return rc;
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_str(&j, "type", action);
	queue_ticket_jt(&j, "ticket", &t);
	if (counter_no > 0)
		jt_int(&j, "counter", counter_no);
	if (extra && extra->str)
		jt_str(&j, extra->key, extra->str);
	else if (extra)
		jt_int(&j, extra->key, extra->num);
	jt_end(&j);
	char *details = jt_finish(&j);
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)ticket_id);
	store_event_office(st, t.office);
	int64_t ev = store_event_append(st, who->actor, "ticket", eid, action, details, true, err);
	free(details);
	if (ev == 0)
		return err ? err->kind : MC_ERR_INTERNAL;
	if (view)
		*view = t;
	return MC_OK;
}

char *queue_priority_classes_text(struct store *st)
{
	char *cfg = store_setting_get(st, "priority_classes");
	return cfg ? cfg : xstrdup(queue_default_priority_classes);
}

bool queue_priority_class_name(struct store *st, const char *code, char *name, size_t len)
{
	char *classes = queue_priority_classes_text(st);
	struct store_conn *c = store_read_conn(st);
	/* A setting that is not a JSON array names no class. */
	db_stmt *s = store_stmt(c, dialect_json_name_of_code_sql(c->db));
	bool found = false;
	int step;
	if (s) {
		db_bind_text(s, 1, classes, -1, DB_STATIC);
		db_bind_text(s, 2, code, -1, DB_STATIC);
		found = store_next(s, &step);
		if (found && name)
			queue_copy(name, len, store_col_text(s, 0));
		store_scan_end(c, s, step, "priority classes", NULL);
	}
	free(classes);
	return found;
}

void queue_policy_of(struct store *st, struct queue_policy *out)
{
	struct booking_settings bs;
	store_booking_settings(st, &bs);
	out->priority_cap = (int)store_setting_int(st, "priority_cap", 3);
	out->booked_in_a_row = bs.booked_in_a_row;
}

enum mc_err queue_ticket_load(struct store_conn *c, const struct principal *who, int64_t id,
                              struct ticket_row *out, int64_t *no_show_at, struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT state, queued_at, counter_id, no_show_at"
	                           " FROM tickets WHERE id = :id AND " SCOPE_SQL("office_id"));
	if (s == NULL)
		return store_sql_error(c, "ticket", err);
	queue_bind(s, ":id", id);
	store_bind_scope(s, who);
	enum mc_err rc = MC_OK;
	int step;
	if (store_next(s, &step)) {
		out->id = id;
		ticket_state_parse(store_col_text(s, 0), &out->state);
		out->queued_at = db_column_int64(s, 1);
		out->counter_id = db_column_int64(s, 2);
		if (no_show_at)
			*no_show_at = db_column_int64(s, 3);
	} else if (step == DB_DONE) {
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "ticket_not_found", "Không có phiếu này",
		              "No ticket %lld", (long long)id);
	}
	enum mc_err src = store_scan_end(c, s, step, "ticket", err);
	return src ? src : rc;
}

enum mc_err queue_exec(struct store_conn *c, const char *sql, const int64_t *args, size_t n,
                       struct mc_error *err)
{
	db_stmt *s = store_stmt(c, sql);
	if (s == NULL)
		return store_sql_error(c, "queue", err);
	for (size_t i = 0; i < n; i++)
		db_bind_int64(s, (int)i + 1, args[i]);
	int step = db_step(s);
	db_reset(s);
	if (step != DB_DONE)
		return store_sql_error(c, "queue", err);
	if (db_changes(c->db) == 0)
		return mc_fail(err, MC_ERR_CONFLICT, "state_changed",
		               "Trạng thái đã thay đổi, hãy thử lại",
		               "The state changed meanwhile; try again");
	return MC_OK;
}
