/* Messages to citizens for staff (store/notify.h): the rows of the outbox
 * in the reader's scope, resend, the templates with examples, the
 * office's test message, and the messages an intake planned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/notify_internal.h"
#include "store/scan.h"
#include "util/clock.h"
#include "util/enforce.h"
#include "domain/applicant.h"
#include "store/office.h"
#include "util/xmalloc.h"

/* ---- Staff ---------------------------------------------------------------- */

/* The columns of a message view, n the row, o its office. */
#define NOTIFY_VIEW_COLS                                                                           \
	"n.id, o.code, o.name, n.trigger, n.channel, n.recipient, n.ref_kind,"                     \
	" CASE n.ref_kind WHEN 'dossier' THEN (SELECT code FROM dossiers WHERE id = n.ref_id)"     \
	" WHEN 'booking' THEN (SELECT code FROM bookings WHERE id = n.ref_id)"                     \
	" WHEN 'feedback' THEN (SELECT code FROM feedback WHERE id = n.ref_id) END,"               \
	" n.subject, n.body, n.state, n.attempts, n.not_before, n.created_at, n.created_by,"       \
	" n.sent_at, n.last_error, n.provider_answer, n.provider_id, n.resend_of"

/* A copy of column i, NULL for SQL NULL. */
static char *col_dup(db_stmt *s, int i)
{
	return db_column_type(s, i) == DB_NULL ? NULL : xstrdup(store_col_text(s, i));
}

void notify_row_clear(struct notify_row *r)
{
	if (r == NULL)
		return;
	char **strs[] = {
	    &r->office_code, &r->office_name, &r->trigger,         &r->channel,    &r->recipient,
	    &r->ref_kind,    &r->ref_code,    &r->subject,         &r->body,       &r->state,
	    &r->created_by,  &r->last_error,  &r->provider_answer, &r->provider_id};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	memset(r, 0, sizeof *r);
}

/* The row at s's cursor (NOTIFY_VIEW_COLS) into *r. */
static void row_of_stmt(db_stmt *s, struct notify_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = db_column_int64(s, 0);
	r->office_code = col_dup(s, 1);
	r->office_name = col_dup(s, 2);
	r->trigger = col_dup(s, 3);
	r->channel = col_dup(s, 4);
	r->recipient = col_dup(s, 5);
	r->ref_kind = col_dup(s, 6);
	r->ref_code = col_dup(s, 7);
	r->subject = col_dup(s, 8);
	r->body = col_dup(s, 9);
	r->state = col_dup(s, 10);
	r->attempts = db_column_int64(s, 11);
	r->not_before = db_column_int64(s, 12);
	r->created_at = db_column_int64(s, 13);
	r->created_by = col_dup(s, 14);
	r->has_sent_at = db_column_type(s, 15) != DB_NULL;
	r->sent_at = db_column_int64(s, 15);
	r->last_error = col_dup(s, 16);
	r->provider_answer = col_dup(s, 17);
	r->provider_id = col_dup(s, 18);
	r->resend_of = db_column_int64(s, 19);
}

static enum mc_err notify_not_found(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_NOT_FOUND, "notification_not_found", "Không tìm thấy tin nhắn",
	               "no such message");
}

/* Reads message id as who may see it on c into *out (cleared on error). */
static enum mc_err view_get(struct store_conn *c, const struct principal *who, int64_t id,
                            struct notify_row *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	db_stmt *s = store_stmt(c, "SELECT " NOTIFY_VIEW_COLS " FROM notifications n"
	                           " JOIN offices o ON o.id = n.office_id"
	                           " WHERE n.id = :id AND " SCOPE_SQL("n.office_id"));
	if (s == NULL)
		return store_sql_error(c, "notification", err);
	db_bind_int64(s, db_bind_parameter_index(s, ":id"), id);
	store_bind_scope(s, who);
	int step;
	bool found = store_next(s, &step);
	if (found)
		row_of_stmt(s, out);
	enum mc_err rc = store_scan_end(c, s, step, "notification", err);
	if (rc) {
		notify_row_clear(out);
		return rc;
	}
	return found ? MC_OK : notify_not_found(err);
}

enum mc_err store_notify_get(struct store *st, const struct principal *who, int64_t id,
                             struct notify_row *out, struct mc_error *err)
{
	return view_get(store_read_conn(st), who, id, out, err);
}

void notify_list_free(struct notify_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		notify_row_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

enum mc_err store_notify_list(struct store *st, const struct principal *who,
                              const struct notify_list_query *q, struct notify_list *out,
                              struct mc_error *err)
{
	const char *state = q->state, *trigger = q->trigger, *channel = q->channel, *ref = q->ref;
	int64_t offset = q->offset, limit = q->limit;
	enum mc_err rc;
	memset(out, 0, sizeof *out);
	struct store_conn *c = store_read_conn(st);
	int64_t office_id = 0;
	if ((rc = store_office_in_scope(c, who, q->office, &office_id, err)))
		return rc;
/* A filter not given is NULL: CAST names its type, which PostgreSQL cannot
 * infer from IS NULL. */
/* clang-format off */
#define NOTIFY_LIST_WHERE                                                                          \
	" FROM notifications n JOIN offices o ON o.id = n.office_id"                               \
	" WHERE " SCOPE_SQL("n.office_id")                                                         \
	" AND (:office = 0 OR n.office_id IN (SELECT office_id"                                    \
	" FROM office_paths WHERE ancestor_id = :office))"                                         \
	" AND (CAST(:state AS TEXT) IS NULL OR n.state = :state)"                                  \
	" AND (CAST(:trigger AS TEXT) IS NULL OR n.trigger = :trigger)"                            \
	" AND (CAST(:channel AS TEXT) IS NULL OR n.channel = :channel)"                            \
	" AND (CAST(:ref AS TEXT) IS NULL OR (n.ref_kind = 'dossier' AND"                          \
	" n.ref_id = (SELECT id FROM dossiers WHERE code = :ref))"                                 \
	" OR (n.ref_kind = 'booking' AND n.ref_id ="                                               \
	" (SELECT id FROM bookings WHERE code = upper(:ref)))"                                     \
	" OR (n.ref_kind = 'feedback' AND n.ref_id = (SELECT"                                      \
	" id FROM feedback WHERE code = :ref)))"
	/* clang-format on */
	db_stmt *list = store_stmt(c, "SELECT " NOTIFY_VIEW_COLS NOTIFY_LIST_WHERE
	                              " ORDER BY n.id DESC LIMIT :limit OFFSET :offset");
	db_stmt *count = NULL;
	if (list == NULL)
		return store_sql_error(c, "notification list", err);
	size_t cap = 0;
	int64_t total = 0;
	int step;
	for (int pass = 0; pass < 2; pass++) {
		db_stmt *s = pass == 0 ? list : count;
		if (pass == 1) {
			s = count = store_stmt(c, "SELECT count(*)" NOTIFY_LIST_WHERE);
			if (s == NULL) {
				rc = store_sql_error(c, "notification list", err);
				break;
			}
		}
#define BIND_TEXT(name, v)                                                                         \
	do {                                                                                       \
		if (v)                                                                             \
			db_bind_text(s, db_bind_parameter_index(s, name), v, -1, DB_STATIC);       \
	} while (0)
		BIND_TEXT(":state", state);
		BIND_TEXT(":trigger", trigger);
		BIND_TEXT(":channel", channel);
		BIND_TEXT(":ref", ref);
#undef BIND_TEXT
		db_bind_int64(s, db_bind_parameter_index(s, ":office"), office_id);
		store_bind_scope(s, who);
		if (pass == 0) {
			db_bind_int64(s, db_bind_parameter_index(s, ":limit"), limit);
			db_bind_int64(s, db_bind_parameter_index(s, ":offset"), offset);
			while (store_next(s, &step)) {
				if (out->n == cap) {
					cap = cap ? 2 * cap : 16;
					out->items =
					    xreallocarray(out->items, cap, sizeof out->items[0]);
				}
				row_of_stmt(s, &out->items[out->n++]);
			}
		} else if (store_next(s, &step)) {
			total = db_column_int64(s, 0);
		}
		if ((rc = store_scan_end(c, s, step, "notification list", err)))
			break;
	}
#undef NOTIFY_LIST_WHERE
	if (rc) {
		notify_list_free(out);
		return rc;
	}
	out->total = total;
	out->offset = offset;
	out->limit = limit;
	return MC_OK;
}

/* Refuses a resend of id while an earlier one is still queued or sending
 * (a double click, many clicks at once: they run one after another under
 * the writer lock). */
static enum mc_err resend_pending(struct store_conn *c, int64_t id, struct mc_error *err)
{
	db_stmt *p = store_stmt(c, "SELECT 1 FROM notifications WHERE resend_of = ?"
	                           " AND state IN ('queued', 'sending') LIMIT 1");
	int step;
	if (p == NULL)
		return store_sql_error(c, "notification resend", err);
	db_bind_int64(p, 1, id);
	if (store_next(p, &step)) {
		db_reset(p);
		return mc_fail(err, MC_ERR_CONFLICT, "resend_pending",
		               "Tin nhắn này đã được gửi lại và đang chờ gửi, không cần gửi lại "
		               "lần nữa",
		               "a resend of this message is still waiting to be sent");
	}
	return store_scan_end(c, p, step, "notification resend", err);
}

/* Inserts the copy of the row at s's cursor (the resend's SELECT) as a
 * resend of id, inside the caller's transaction; *new_id its id. */
static enum mc_err resend_copy(struct store *st, struct store_conn *c, db_stmt *s,
                               const struct principal *who, int64_t id, int64_t now,
                               int64_t *new_id, struct mc_error *err)
{
	char *trigger = xstrdup(store_col_text(s, 2)), *channel = xstrdup(store_col_text(s, 3)),
	     *recipient = xstrdup(store_col_text(s, 4)), *ref_kind = xstrdup(store_col_text(s, 5)),
	     *subject = db_column_type(s, 7) == DB_NULL ? NULL : xstrdup(store_col_text(s, 7)),
	     *body = xstrdup(store_col_text(s, 8)), *data = xstrdup(store_col_text(s, 9));
	int64_t office_id = db_column_int64(s, 1), ref_id = db_column_int64(s, 6);
	db_reset(s);
	enum mc_err rc = resend_pending(c, id, err);
	/* Quiet hours as for any message, unless the citizen said any hour. */
	int64_t not_before = now;
	if (rc == MC_OK && !notify_row_any_hour(c, ref_kind, ref_id)) {
		struct notify_config cfg;
		store_notify_config_get(st, &cfg);
		not_before = notify_config_quiet_next(&cfg, now, CLOCK_OFFICE_UTC_OFFSET);
		notify_config_clear(&cfg);
	}
	struct notify_new_row row = {
	    .office_id = office_id,
	    .trigger = trigger,
	    .channel = channel,
	    .recipient = recipient,
	    .ref_kind = ref_kind,
	    .ref_id = ref_id,
	    .subject = subject,
	    .body = body,
	    .data = data,
	    .not_before = not_before,
	    .now = now,
	    .actor = who->actor,
	    .resend_of = id,
	    .action = "notification.resent",
	};
	if (rc == MC_OK)
		rc = notify_insert_row(st, &row, new_id, err);
	free(trigger);
	free(channel);
	free(recipient);
	free(ref_kind);
	free(subject);
	free(body);
	free(data);
	return rc;
}

enum mc_err store_notify_resend(struct store *st, const struct principal *who, int64_t id,
                                int64_t now, struct notify_row *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(
	    c, "SELECT n.state, n.office_id, n.trigger, n.channel, n.recipient, n.ref_kind,"
	       " n.ref_id, n.subject, n.body, n.data FROM notifications n"
	       " WHERE n.id = :id AND " SCOPE_SQL("n.office_id"));
	if (s == NULL) {
		rc = store_sql_error(c, "notification resend", err);
		goto fail;
	}
	db_bind_int64(s, db_bind_parameter_index(s, ":id"), id);
	store_bind_scope(s, who);
	int step;
	int64_t new_id = 0;
	if (!store_next(s, &step)) {
		rc = store_scan_end(c, s, step, "notification resend", err);
		if (rc == MC_OK)
			rc = notify_not_found(err);
		goto fail;
	}
	const char *state = store_col_text(s, 0);
	if (strcmp(state, "sent") != 0 && strcmp(state, "dead") != 0) {
		db_reset(s);
		rc = mc_fail(err, MC_ERR_CONFLICT, "notification_pending",
		             "Tin nhắn đang chờ gửi, không cần gửi lại",
		             "the message is still waiting to be sent");
		goto fail;
	}
	if ((rc = resend_copy(st, c, s, who, id, now, &new_id, err)))
		goto fail;
	if ((rc = store_commit(st, err)))
		return rc;
	return store_notify_get(st, who, new_id, out, err);
fail:
	store_rollback(st);
	return rc;
}

/* The example values of the templates route, in *f (n of them); dossier:
 * an example dossier code in the office's real form (<centre
 * code>-yymmdd-0001, today). No link: notify_data_fill adds it exactly as
 * for a real message (only when the office has a public_url). */
static size_t example_fields(const char *trigger, const char *dossier, struct notify_field *f)
{
	const char *code = strncmp(trigger, "booking", 7) == 0         ? "DL7K3M9Q"
	                   : strcmp(trigger, "feedback_answered") == 0 ? "PA-261130-0001"
	                                                               : dossier;
	const struct notify_field ex[] = {
	    {"code", code},
	    {"name", "Nguyễn Thị Lan"},
	    {"procedure", "Đăng ký khai sinh"},
	    {"appointment", "02/12/2026 14:00"},
	    {"items", "Bản sao giấy chứng nhận kết hôn; Giấy xác nhận nơi cư trú"},
	    {"reason", "Cần xác minh thêm thông tin với cơ quan khác"},
	    {"slot", "08:30 02/12/2026"},
	    {"group", "Chứng thực"},
	    {"answer", "Hồ sơ của ông/bà đã được giải quyết theo quy định."},
	};
	memcpy(f, ex, sizeof ex);
	return sizeof ex / sizeof ex[0];
}

/* The office whose name the examples speak with: who's, else the
 * province's first centre. */
static int64_t example_office(struct store_conn *c, const struct principal *who)
{
	int64_t office_id = who && who->office_id ? who->office_id : 0;
	if (office_id != 0)
		return office_id;
	db_stmt *s = store_stmt(c, "SELECT id FROM offices WHERE kind = 'centre'"
	                           " ORDER BY id LIMIT 1");
	if (s && db_step(s) == DB_ROW)
		office_id = db_column_int64(s, 0);
	if (s)
		db_reset(s);
	return office_id;
}

/* The example dossier code into dossier (120 bytes): the nearest centre at
 * or above the office, today's date, number 0001. */
static void example_dossier(struct store_conn *c, int64_t office_id, char dossier[120])
{
	char day[11];
	snprintf(dossier, 120, "%s", "TT");
	db_stmt *cs =
	    store_stmt(c, "SELECT a.code FROM office_paths p JOIN offices a ON a.id = p.ancestor_id"
	                  " WHERE p.office_id = ? AND a.kind = 'centre' ORDER BY p.depth LIMIT 1");
	if (cs) {
		db_bind_int64(cs, 1, office_id);
		if (db_step(cs) == DB_ROW)
			snprintf(dossier, 120, "%.60s", store_col_text(cs, 0));
		db_reset(cs);
	}
	clock_office_date(clock_now(), day);
	size_t dl = strlen(dossier);
	snprintf(dossier + dl, 120 - dl, "-%.2s%.2s%.2s-0001", day + 2, day + 5, day + 8);
}

void notify_templates_clear(struct notify_templates *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->items[i].example);
		free(t->items[i].example_subject);
		free(t->items[i].off);
	}
	notify_config_clear(&t->cfg);
	memset(t, 0, sizeof *t);
}

/* Trigger t's item of the templates view, its examples rendered with d. */
static void template_item(const struct notify_config *cfg, const char *t,
                          const struct notify_data *d, struct notify_template_view *it)
{
	bool custom, csubject;
	it->trigger = t;
	it->text = notify_config_text(cfg, t, &custom);
	it->subject = notify_config_subject(cfg, t, &csubject);
	it->custom = custom || csubject;
	it->example = xmalloc(NOTIFY_TEXT_BYTES);
	it->example_subject = xmalloc(NOTIFY_TEXT_BYTES);
	notify_render(it->text, d->f, d->n, it->example, NOTIFY_TEXT_BYTES);
	notify_render(it->subject, d->f, d->n, it->example_subject, NOTIFY_TEXT_BYTES);
	bool gsm;
	it->sms_parts = notify_sms_parts(it->example, &gsm, NULL);
	it->off = xcalloc(cfg->n_off + 1, sizeof it->off[0]);
	int ti = notify_trigger_index(t);
	for (size_t k = 0; k < cfg->n_off; k++)
		if (cfg->off[k].triggers >> ti & 1u)
			it->off[it->n_off++] = cfg->off[k].office;
}

enum mc_err store_notify_templates(struct store *st, const struct principal *who,
                                   struct notify_templates *out, struct mc_error *err)
{
	(void)err;
	memset(out, 0, sizeof *out);
	struct store_conn *c = store_read_conn(st);
	store_notify_config_get(st, &out->cfg);
	int64_t office_id = example_office(c, who);
	char dossier[120];
	example_dossier(c, office_id, dossier);
	struct notify_data *d = xmalloc(sizeof *d);
	for (size_t i = 0; notify_triggers[i] && i < NOTIFY_TRIGGER_COUNT; i++) {
		struct notify_field f[16];
		size_t n = example_fields(notify_triggers[i], dossier, f);
		notify_data_fill(st, c, office_id, f, n, d);
		template_item(&out->cfg, notify_triggers[i], d, &out->items[out->n++]);
	}
	free(d);
	return MC_OK;
}

enum mc_err store_notify_test(struct store *st, const struct principal *who, const char *channel,
                              const char *to, int64_t now, struct notify_row *out,
                              struct mc_error *err)
{
	char recipient[256];
	memset(out, 0, sizeof *out);
	int ch = notify_channel_of(channel);
	if (ch < 0)
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Kênh gửi không hợp lệ",
		               "channel: email, sms or zalo");
	if (ch == NOTIFY_EMAIL) {
		if (to == NULL || !applicant_email_valid(to))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field",
			               "Địa chỉ thư điện tử không hợp lệ", "to: an e-mail address");
		snprintf(recipient, sizeof recipient, "%s", to);
	} else {
		char local[APPLICANT_PHONE_MAX], intl[16];
		if (to == NULL || !applicant_phone_normalize(to, local) ||
		    !notify_phone_international(local, intl))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field",
			               "Số điện thoại không hợp lệ",
			               "to: a Vietnamese phone number");
		snprintf(recipient, sizeof recipient, "%s", intl);
	}
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct notify_config cfg;
	store_notify_config_get(st, &cfg);
	struct notify_data *d = xmalloc(sizeof *d);
	char *text = NULL, *body = xmalloc(NOTIFY_TEXT_BYTES),
	     *subject = xmalloc(NOTIFY_TEXT_BYTES);
	int64_t id = 0;
	if (!cfg.configured[ch]) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "channel_not_configured",
		             "Kênh gửi này chưa được cấu hình", "this channel is not configured");
		goto fail;
	}
	struct store_conn *c = store_write_conn(st);
	int64_t office_id = who->office_id ? who->office_id : store_office_root(st);
	if (office_id == 0 && (rc = store_one_int64(c, store_stmt(c, "SELECT min(id) FROM offices"),
	                                            0, &office_id, "offices", err)))
		goto fail;
	notify_data_fill(st, c, office_id, NULL, 0, d);
	text = notify_data_text(d);
	notify_data_render(&cfg, "test", d, body, subject);
	struct notify_new_row row = {
	    .office_id = office_id,
	    .trigger = "test",
	    .channel = channel,
	    .recipient = recipient,
	    .ref_kind = "none",
	    .subject = ch == NOTIFY_EMAIL ? subject : NULL,
	    .body = body,
	    .data = text,
	    .not_before = now,
	    .now = now,
	    .actor = who->actor,
	    .action = "notification.queued",
	};
	if ((rc = notify_insert_row(st, &row, &id, err)))
		goto fail;
	if ((rc = store_commit(st, err)))
		goto out;
	rc = store_notify_get(st, NULL, id, out, err);
	goto out;
fail:
	store_rollback(st);
out:
	free(body);
	free(subject);
	free(text);
	free(d);
	notify_config_clear(&cfg);
	return rc;
}

/* A recipient as a clerk may read it aloud at the counter: a phone
 * 84912345678 → "0912***678", an e-mail "q***@example.vn". */
static void recipient_masked(const char *channel, const char *r, char *out, size_t len)
{
	size_t n = strlen(r);
	if (strcmp(channel, "email") == 0) {
		const char *at = strchr(r, '@');
		snprintf(out, len, "%.1s***%s", r, at ? at : "");
	} else if (n >= 10 && strncmp(r, "84", 2) == 0) {
		snprintf(out, len, "0%.3s***%s", r + 2, r + n - 3);
	} else if (n >= 7) {
		snprintf(out, len, "%.4s***%s", r, r + n - 3);
	} else {
		snprintf(out, len, "***");
	}
}

void notify_planned_free(struct notify_planned_list *p)
{
	if (p == NULL)
		return;
	free(p->items);
	p->items = NULL;
	p->n = 0;
}

enum mc_err store_notify_planned(struct store *st, const char *dossier_code,
                                 struct notify_planned_list *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "SELECT n.channel, n.trigger, n.recipient FROM notifications n"
	                           " JOIN dossiers d ON n.ref_kind = 'dossier' AND n.ref_id = d.id"
	                           " WHERE d.code = ? ORDER BY n.id");
	if (s == NULL)
		return store_sql_error(c, "notifications", err);
	db_bind_text(s, 1, dossier_code, -1, DB_STATIC);
	int step;
	size_t cap = 0;
	while (store_next(s, &step)) {
		if (out->n == cap) {
			cap = cap ? 2 * cap : 4;
			out->items = xreallocarray(out->items, cap, sizeof out->items[0]);
		}
		struct notify_planned *p = &out->items[out->n++];
		snprintf(p->channel, sizeof p->channel, "%s", store_col_text(s, 0));
		snprintf(p->trigger, sizeof p->trigger, "%s", store_col_text(s, 1));
		recipient_masked(p->channel, store_col_text(s, 2), p->recipient,
		                 sizeof p->recipient);
	}
	enum mc_err rc = store_scan_end(c, s, step, "notifications", err);
	if (rc)
		notify_planned_free(out);
	return rc;
}
