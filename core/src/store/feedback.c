/* Citizens' feedback (PAKN) and anonymous reports: the intake (the public
 * page, a kiosk, staff typing in a call, a letter or the box), the sender's
 * own view with the code and secret, the sender's reply to a request for
 * information and reaction to the answer, and the attachments
 * (store/feedback.h, docs/api.md "Feedback"). The staff handling lives in
 * store/feedback_flow.c; the helpers both use in store/feedback_internal.h.
 *
 * Nothing here writes a sender field or a text into an event or a log
 * line; the sender's view never carries a sender field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/calendar.h"
#include "store/dialect.h"
#include "store/feedback.h"
#include "store/feedback_internal.h"
#include "store/notify.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/jsontext.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* ---- shared helpers (feedback_internal.h) -------------------------------- */

enum mc_err feedback_event(struct store *st, const char *who_actor, const char *code,
                           int64_t office_id, const char *step, const char *status,
                           struct mc_error *err)
{
	char action[48];
	snprintf(action, sizeof action, "feedback.%s", step);
	/* The members in the order of their names, as the chain has them. */
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_str(&j, "code", code);
	jt_str(&j, "status", status);
	jt_str(&j, "step", step);
	jt_end(&j);
	char *text = jt_finish(&j);
	store_event_office(st, office_id);
	int64_t ev = store_event_append(st, who_actor, "feedback", code, action, text, false, err);
	free(text);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

void feedback_times_of_row(db_stmt *s, int col, struct feedback_times *t, char *decision,
                           size_t decision_len)
{
	memset(t, 0, sizeof *t);
	t->received_at = db_column_int64(s, col + 0);
	t->classified_at = db_column_int64(s, col + 1);
	snprintf(decision, decision_len, "%s", store_col_text(s, col + 2));
	t->decision = decision[0] ? decision : NULL;
	t->info_requested_at = db_column_int64(s, col + 3);
	t->answered_at = db_column_int64(s, col + 4);
	t->published_at = db_column_int64(s, col + 5);
	t->closed_at = db_column_int64(s, col + 6);
	t->reject_due_at = db_column_int64(s, col + 7);
	t->forward_due_at = db_column_int64(s, col + 8);
	t->info_due_at = db_column_int64(s, col + 9);
	t->answer_due_at = db_column_int64(s, col + 10);
	t->publish_due_at = db_column_int64(s, col + 11);
}

enum mc_err feedback_due(struct store *st, int64_t from, int days, int64_t *due,
                         struct mc_error *err)
{
	return store_calendar_due(st, from, STORE_CALENDAR_DAYS, (int64_t)days * 1000, due, err);
}

enum mc_err feedback_clocks_due(struct store *st, const struct feedback_clocks *ck, int64_t from,
                                int64_t due[FEEDBACK_STEPS], struct mc_error *err)
{
	for (int s = 0; s < FEEDBACK_STEPS; s++) {
		due[s] = 0;
		enum mc_err rc;
		if (ck->starts[s] && (rc = feedback_due(st, from, ck->days[s], &due[s], err)))
			return rc;
	}
	return MC_OK;
}

/* ---- limits and heads ------------------------------------------------------ */

/* The integer members of the setting key as SQL reads them (store/dialect.h's
 * JSON queries): each calls take(ctx, member, is_integer, value). *found
 * false when the setting is absent; *object false when it is not a JSON
 * object. MC_OK, or the database error (err filled when not NULL). */
static enum mc_err fb_setting_members(struct store *st, const char *key, bool *found, bool *object,
                                      void (*take)(void *ctx, const char *member, bool integer,
                                                   int64_t value),
                                      void *ctx, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	*found = *object = false;
	db_stmt *s = store_stmt(c, "SELECT value FROM settings WHERE key = ?");
	if (s == NULL)
		return store_sql_error(c, "feedback limits", err);
	db_bind_text(s, 1, key, -1, DB_STATIC);
	int step;
	char *value = NULL;
	if (store_next(s, &step))
		value = xstrdup(store_col_text(s, 0));
	enum mc_err rc = store_scan_end(c, s, step, "feedback limits", err);
	*found = value != NULL;
	if (rc || value == NULL)
		goto done;
	if ((s = store_stmt(c, dialect_json_is_object_sql(c->db))) == NULL) {
		rc = store_sql_error(c, "feedback limits", err);
		goto done;
	}
	db_bind_text(s, 1, value, -1, DB_STATIC);
	if (store_next(s, &step))
		*object = db_column_int(s, 0) == 1;
	if ((rc = store_scan_end(c, s, step, "feedback limits", err)) || !*object)
		goto done;
	if ((s = store_stmt(c, dialect_json_object_ints_sql(c->db))) == NULL) {
		rc = store_sql_error(c, "feedback limits", err);
		goto done;
	}
	db_bind_text(s, 1, value, -1, DB_STATIC);
	while (store_next(s, &step))
		take(ctx, store_col_text(s, 0), db_column_int(s, 1) == 1, db_column_int64(s, 2));
	rc = store_scan_end(c, s, step, "feedback limits", err);
done:
	free(value);
	return rc;
}

static void fb_limits_take(void *ctx, const char *member, bool integer, int64_t v)
{
	struct feedback_limits *out = ctx;
	struct {
		const char *key;
		int *slot;
	} keys[] = {{"reject", &out->reject},
	            {"forward", &out->forward},
	            {"info", &out->info},
	            {"answer", &out->answer},
	            {"publish", &out->publish}};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(member, keys[i].key) != 0)
			continue;
		if (integer && v >= 1 && v <= 60)
			*keys[i].slot = (int)v;
		else
			log_warn("setting feedback_limits.%s is not 1-60 working days: ignored",
			         keys[i].key);
	}
}

enum mc_err feedback_limits_read(struct store *st, struct feedback_limits *out,
                                 struct mc_error *err)
{
	feedback_limits_default(out);
	bool found, object;
	enum mc_err rc =
	    fb_setting_members(st, "feedback_limits", &found, &object, fb_limits_take, out, err);
	if (rc == MC_OK && found && !object)
		log_warn("setting feedback_limits is not a JSON object: the defaults apply");
	return rc;
}

void store_feedback_limits(struct store *st, struct feedback_limits *out)
{
	/* A read error leaves the defaults for the members not read yet. */
	(void)feedback_limits_read(st, out, NULL);
}

static void fb_public_limits_take(void *ctx, const char *member, bool integer, int64_t v)
{
	struct feedback_public_limits *out = ctx;
	if (strcmp(member, "per_minute") == 0) {
		if (integer && v >= 1 && v <= 100000)
			out->per_minute = (int)v;
		else
			log_warn("setting feedback_public_limits.per_minute is not 1-100000: "
			         "ignored");
	} else if (strcmp(member, "attachment_bytes_per_day") == 0) {
		if (integer && v >= 0 && v <= (1LL << 40))
			out->attachment_bytes_per_day = v;
		else
			log_warn("setting feedback_public_limits.attachment_bytes_per_day is not "
			         "0-2^40: ignored");
	}
}

enum mc_err feedback_public_limits_read(struct store *st, struct feedback_public_limits *out,
                                        struct mc_error *err)
{
	out->per_minute = FEEDBACK_PUBLIC_PER_MINUTE;
	out->attachment_bytes_per_day = FEEDBACK_PUBLIC_ATTACHMENT_BYTES_PER_DAY;
	bool found, object;
	enum mc_err rc = fb_setting_members(st, "feedback_public_limits", &found, &object,
	                                    fb_public_limits_take, out, err);
	if (rc == MC_OK && found && !object)
		log_warn("setting feedback_public_limits is not a JSON object: the defaults apply");
	return rc;
}

void store_feedback_public_limits(struct store *st, struct feedback_public_limits *out)
{
	(void)feedback_public_limits_read(st, out, NULL);
}

bool feedback_user_is_head(struct store_conn *c, int64_t user_id)
{
	if (user_id <= 0)
		return false;
	db_stmt *s = store_stmt(c, "SELECT head FROM users WHERE id = ? AND active = 1");
	if (s == NULL)
		return false;
	db_bind_int64(s, 1, user_id);
	bool head = db_step(s) == DB_ROW && db_column_int(s, 0) == 1;
	db_reset(s);
	return head;
}

bool store_user_is_head(struct store *st, int64_t user_id)
{
	return feedback_user_is_head(store_read_conn(st), user_id);
}

/* ---- intake ---------------------------------------------------------------- */

static const char fb_secret_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/* err for a member of the filing. */
static enum mc_err fb_field_error(struct mc_error *err, enum mc_err kind, const char *field,
                                  const char *code, const char *vi, const char *en)
{
	mc_fail(err, kind, code, vi, en);
	return mc_error_field(err, field);
}

/* The dossier the feedback is about, resolved in the transaction. */
struct fb_dossier {
	int64_t id, return_office_id, clerk_id;
};

static enum mc_err fb_dossier_not_found(struct mc_error *err)
{
	return fb_field_error(err, MC_ERR_NOT_FOUND, "dossier_code", "dossier_not_found",
	                      "Không tìm thấy hồ sơ với mã và mã tra cứu này",
	                      "No dossier with this code and secret");
}

/* Finds the dossier of in (code, and its secret unless who is staff whose
 * scope covers it). */
static enum mc_err fb_find_dossier(struct store_conn *c, const struct principal *who,
                                   const struct feedback_create_cmd *in, struct fb_dossier *d,
                                   struct mc_error *err)
{
	bool staff = who != NULL && who->user_id > 0;
	db_stmt *s = store_stmt(
	    c,
	    "SELECT d.id, d.secret_hash, coalesce(d.return_office_id, d.intake_office_id, 0),"
	    " coalesce((SELECT u.id FROM users u WHERE 'user:' || u.id = d.intake_by), 0),"
	    " (:staff = 1 AND (" SCOPE_SQL("d.intake_office_id") " OR " SCOPE_SQL(
	        "d.authority_id") " OR " SCOPE_SQL("d.return_office_id") "))"
	                                                                 " FROM dossiers d WHERE "
	                                                                 "d.code = :code");
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	db_bind_text(s, db_bind_parameter_index(s, ":code"), in->dossier_code, -1, DB_STATIC);
	db_bind_int(s, db_bind_parameter_index(s, ":staff"), staff);
	store_bind_scope(s, staff ? who : NULL);
	int step;
	bool found = store_next(s, &step), match = false;
	if (found) {
		d->id = db_column_int64(s, 0);
		d->return_office_id = db_column_int64(s, 2);
		d->clerk_id = db_column_int64(s, 3);
		char got[65];
		const char *want = store_col_text(s, 1);
		if (db_column_int(s, 4)) {
			match = true;
		} else if (in->dossier_secret && strlen(want) == 64) {
			store_secret_hash(in->dossier_code, in->dossier_secret, got);
			match = sodium_memcmp(want, got, 64) == 0;
		}
	}
	enum mc_err rc = store_scan_end(c, s, step, "dossier", err);
	if (rc)
		return rc;
	return match ? MC_OK : fb_dossier_not_found(err);
}

/* The office the feedback belongs to. */
static enum mc_err fb_find_office(struct store_conn *c, const struct principal *who,
                                  const struct feedback_create_cmd *in, const struct fb_dossier *d,
                                  int64_t *office, struct mc_error *err)
{
	db_stmt *s;
	int step;
	*office = 0;
	if (in->office) {
		s = store_stmt(c, "SELECT id FROM offices WHERE code = ? AND active = 1"
		                  " AND kind IN ('centre','point')");
		if (s == NULL)
			return store_sql_error(c, "office", err);
		db_bind_text(s, 1, in->office, -1, DB_STATIC);
		if (store_next(s, &step))
			*office = db_column_int64(s, 0);
		enum mc_err rc = store_scan_end(c, s, step, "office", err);
		if (rc)
			return rc;
		if (*office == 0)
			return fb_field_error(err, MC_ERR_NOT_FOUND, "office", "office_not_found",
			                      "Không có trung tâm này", "No such centre");
		return MC_OK;
	}
	if (d->id && d->return_office_id) {
		*office = d->return_office_id;
		return MC_OK;
	}
	/* A kiosk or a clerk files for the centre it stands in. */
	if (who && who->office_id > 0) {
		s = store_stmt(
		    c, "SELECT id FROM offices WHERE id = ? AND kind IN ('centre','point')");
		if (s == NULL)
			return store_sql_error(c, "office", err);
		db_bind_int64(s, 1, who->office_id);
		if (store_next(s, &step))
			*office = db_column_int64(s, 0);
		enum mc_err rc = store_scan_end(c, s, step, "office", err);
		if (rc || *office)
			return rc;
	}
	/* Else the only centre there is: for staff, the only one in their
	 * scope (a commune's supervisor files for the commune's centre). */
	s = store_stmt(c, "SELECT id FROM offices WHERE kind = 'centre' AND active = 1"
	                  " AND " SCOPE_SQL("id") " LIMIT 2");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	store_bind_scope(s, who);
	int n = 0;
	while (store_next(s, &step)) {
		*office = db_column_int64(s, 0);
		n++;
	}
	enum mc_err rc = store_scan_end(c, s, step, "office", err);
	if (rc)
		return rc;
	if (n != 1) {
		*office = 0;
		return fb_field_error(err, MC_ERR_INVALID, "office", "office_required",
		                      "Chọn trung tâm mà phản ánh, kiến nghị nói đến",
		                      "Choose the centre the feedback is about");
	}
	return MC_OK;
}

/* The official who last served at counter no of office before now (the
 * visits history: the user who called the latest ticket there that was
 * served or is being served), 0 when nobody did: not whoever holds the
 * counter now, who may not be the one the sender met. */
static enum mc_err fb_counter_user(struct store_conn *c, int64_t office, int64_t no, int64_t now,
                                   int64_t *user, struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c,
	    "SELECT coalesce((SELECT u.id FROM visits v JOIN users u ON v.actor = 'user:' || u.id"
	    " WHERE v.counter_id = c.id AND v.called_at <= ?3"
	    " AND (v.outcome IS NULL OR v.outcome = 'served')"
	    " ORDER BY v.called_at DESC, v.id DESC LIMIT 1), 0)"
	    " FROM counters c WHERE c.office_id = ?1 AND c.no = ?2");
	if (s == NULL)
		return store_sql_error(c, "counter", err);
	db_bind_int64(s, 1, office);
	db_bind_int64(s, 2, no);
	db_bind_int64(s, 3, now);
	int step;
	bool found = store_next(s, &step);
	if (found)
		*user = db_column_int64(s, 0);
	enum mc_err rc = store_scan_end(c, s, step, "counter", err);
	if (rc)
		return rc;
	if (!found)
		return fb_field_error(err, MC_ERR_INVALID, "counter", "counter_not_found",
		                      "Trung tâm không có quầy số này",
		                      "The centre has no counter with this number");
	return MC_OK;
}

/* The next tracking code of the office date of now: PA-yymmdd-NNNN,
 * gap-free because the number and the feedback are written in one commit.
 * No daily cap: past 9999 the number simply has more digits
 * (PA-yymmdd-10000), so a flood of filings cannot close the intake. */
static enum mc_err fb_next_code(struct store_conn *c, int64_t now, char out[32],
                                struct mc_error *err)
{
	char day[11];
	clock_office_date(now, day);
	db_stmt *s =
	    store_stmt(c, "INSERT INTO feedback_numbers (day, last) VALUES (?, 1)"
	                  " ON CONFLICT (day) DO UPDATE SET last = feedback_numbers.last + 1"
	                  " RETURNING last");
	if (s == NULL)
		return store_sql_error(c, "feedback number", err);
	db_bind_text(s, 1, day, -1, DB_STATIC);
	int n = db_step(s) == DB_ROW ? db_column_int(s, 0) : 0;
	db_reset(s);
	if (n == 0)
		return store_sql_error(c, "feedback number", err);
	snprintf(out, 32, "PA-%.2s%.2s%.2s-%04d", day + 2, day + 5, day + 8, n);
	return MC_OK;
}

/* Refuses a public filing whose attachments (bytes in all) would take the
 * attachments stored from public filings this office day past lim's
 * ceiling: 429 attachments_quota_full until the next office day. On c,
 * inside the insert's transaction (the day's codes share the prefix
 * PA-yymmdd-, read through the code's index). */
static enum mc_err fb_public_quota(struct store_conn *c, const struct feedback_public_limits *lim,
                                   int64_t now, int64_t bytes, struct mc_error *err)
{
	char day[11], from[16], to[16];
	clock_office_date(now, day);
	snprintf(from, sizeof from, "PA-%.2s%.2s%.2s-", day + 2, day + 5, day + 8);
	snprintf(to, sizeof to, "PA-%.2s%.2s%.2s.", day + 2, day + 5, day + 8);
	db_stmt *s = store_stmt(c, "SELECT coalesce(sum(ff.size), 0) FROM feedback f"
	                           " JOIN feedback_files ff ON ff.feedback_id = f.id"
	                           " WHERE f.code >= ? AND f.code < ?"
	                           " AND f.channel IN ('web', 'kiosk')");
	if (s == NULL)
		return store_sql_error(c, "feedback quota", err);
	db_bind_text(s, 1, from, -1, DB_STATIC);
	db_bind_text(s, 2, to, -1, DB_STATIC);
	int step;
	int64_t used = store_next(s, &step) ? db_column_int64(s, 0) : 0;
	enum mc_err rc = store_scan_end(c, s, step, "feedback quota", err);
	if (rc)
		return rc;
	if (used + bytes <= lim->attachment_bytes_per_day)
		return MC_OK;
	int64_t local = now + CLOCK_OFFICE_UTC_OFFSET;
	int64_t next_day = (local / 86400 + 1) * 86400 - CLOCK_OFFICE_UTC_OFFSET;
	fb_field_error(err, MC_ERR_RATE_LIMITED, "attachments", "attachments_quota_full",
	               "Hôm nay hệ thống đã nhận đủ tệp đính kèm; vui lòng gửi phản ánh, "
	               "kiến nghị không kèm tệp hoặc gửi tệp vào ngày mai",
	               "Today's room for attachments is full: file the feedback without "
	               "attachments, or send them tomorrow");
	err->retry_after = (int)(next_day - now);
	return MC_ERR_RATE_LIMITED;
}

static void fb_bind_opt(db_stmt *s, int i, const char *v)
{
	if (v && v[0])
		db_bind_text(s, i, v, -1, DB_STATIC);
}

static void fb_bind_opt_int(db_stmt *s, int i, int64_t v)
{
	if (v)
		db_bind_int64(s, i, v);
}

/* Inserts the feedback row of in (secret's hash, the office, the dossier,
 * the subject, the dues) and its attachments on c; *id its row. */
static enum mc_err fb_insert(struct store_conn *c, const struct principal *who,
                             const struct feedback_create_cmd *in, const char *code,
                             const char *hash, int64_t office, int64_t dossier, int64_t subject,
                             const int64_t due[4], int64_t now, struct mc_error *err)
{
	bool anonymous = in->anonymous, staff = who != NULL && who->user_id > 0;
	int64_t id = 0;
	db_stmt *s = store_stmt(
	    c, "INSERT INTO feedback (code, secret_hash, kind, class, channel, text, office_id,"
	       " dossier_id, subject_counter_no, subject_name, subject_user_id, sender_name,"
	       " sender_address, sender_phone, sender_email, entered_by, status, received_at,"
	       " reject_due_at, forward_due_at, info_due_at, answer_due_at, notify)"
	       " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,'received',?17,"
	       " ?18,?19,?20,?21,?22) RETURNING id");
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	db_bind_text(s, 1, code, -1, DB_STATIC);
	db_bind_text(s, 2, hash, -1, DB_STATIC);
	db_bind_text(s, 3,
	             feedback_kind_name(anonymous ? FEEDBACK_KIND_ANONYMOUS : FEEDBACK_KIND_PAKN),
	             -1, DB_STATIC);
	db_bind_text(s, 4, in->class, -1, DB_STATIC);
	db_bind_text(s, 5, in->channel, -1, DB_STATIC);
	db_bind_text(s, 6, in->text, -1, DB_STATIC);
	db_bind_int64(s, 7, office);
	fb_bind_opt_int(s, 8, dossier);
	fb_bind_opt_int(s, 9, in->counter);
	fb_bind_opt(s, 10, in->subject_name);
	fb_bind_opt_int(s, 11, subject);
	if (!anonymous) {
		fb_bind_opt(s, 12, in->name);
		fb_bind_opt(s, 13, in->address);
		fb_bind_opt(s, 14, in->phone);
		fb_bind_opt(s, 15, in->email);
		fb_bind_opt(s, 22, in->consent);
	}
	if (staff)
		db_bind_text(s, 16, who->actor, -1, DB_STATIC);
	db_bind_int64(s, 17, now);
	for (int i = 0; i < 4; i++)
		fb_bind_opt_int(s, 18 + i, due[i]);
	if (db_step(s) == DB_ROW)
		id = db_column_int64(s, 0);
	db_reset(s);
	if (id == 0)
		return store_sql_error(c, "feedback", err);
	for (int i = 0; i < in->nfiles; i++) {
		const struct feedback_file_in *f = &in->files[i];
		s = store_stmt(c, "INSERT INTO feedback_files (feedback_id, n, name, mime, size,"
		                  " sha256, data) VALUES (?, ?, ?, ?, ?, ?, ?)");
		if (s == NULL)
			return store_sql_error(c, "feedback file", err);
		db_bind_int64(s, 1, id);
		db_bind_int(s, 2, i + 1);
		db_bind_text(s, 3, f->name, -1, DB_STATIC);
		db_bind_text(s, 4, f->mime, -1, DB_STATIC);
		db_bind_int64(s, 5, (int64_t)f->size);
		db_bind_text(s, 6, f->sha256, -1, DB_STATIC);
		db_bind_blob(s, 7, f->data, (int)f->size, DB_STATIC);
		enum mc_err rc = store_step(c, s, "feedback file", err);
		if (rc)
			return rc;
	}
	return MC_OK;
}

/* Refuses staff filing for an office outside their scope. */
static enum mc_err fb_staff_scope(struct store_conn *c, const struct principal *who, int64_t office,
                                  struct mc_error *err)
{
	int64_t in_scope = 0;
	char ocode[64] = "";
	db_stmt *s = store_stmt(c, "SELECT code FROM offices WHERE id = ?");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	db_bind_int64(s, 1, office);
	if (db_step(s) == DB_ROW)
		snprintf(ocode, sizeof ocode, "%s", store_col_text(s, 0));
	db_reset(s);
	enum mc_err rc = store_office_in_scope(c, who, ocode, &in_scope, err);
	return rc ? mc_error_field(err, "office") : MC_OK;
}

/* The references of in resolved on c, the quota checked, the row written:
 * inside the caller's transaction. */
static enum mc_err fb_create_tx(struct store *st, const struct principal *who,
                                const struct feedback_create_cmd *in, const int64_t due[4],
                                int64_t now, struct feedback_created *out, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	struct fb_dossier d = {0};
	int64_t office = 0, subject = 0, at_counter = 0;
	char hash[65];
	bool staff = who != NULL && who->user_id > 0;
	enum mc_err rc;
	if (in->dossier_code && (rc = fb_find_dossier(c, who, in, &d, err)))
		return rc;
	if ((rc = fb_find_office(c, who, in, &d, &office, err)))
		return rc;
	if (staff && (rc = fb_staff_scope(c, who, office, err)))
		return rc;
	if (in->counter && (rc = fb_counter_user(c, office, in->counter, now, &at_counter, err)))
		return rc;
	subject = feedback_subject_of(feedback_class_of(in->class), in->anonymous, in->counter != 0,
	                              at_counter, d.id ? d.clerk_id : 0);
	/* An anonymous report keeps no dossier link: the dossier names the
	 * applicant. The dossier only chose the centre above. */
	if (in->anonymous)
		d.id = 0;
	if (!staff && in->nfiles > 0) {
		struct feedback_public_limits plim;
		if ((rc = feedback_public_limits_read(st, &plim, err)))
			return rc;
		int64_t bytes = 0;
		for (int i = 0; i < in->nfiles; i++)
			bytes += (int64_t)in->files[i].size;
		if ((rc = fb_public_quota(c, &plim, now, bytes, err)))
			return rc;
	}
	if ((rc = fb_next_code(c, now, out->code, err)))
		return rc;
	for (int i = 0; i < FEEDBACK_SECRET_LEN; i++)
		out->secret[i] =
		    fb_secret_alphabet[randombytes_uniform(sizeof fb_secret_alphabet - 1)];
	out->secret[FEEDBACK_SECRET_LEN] = '\0';
	store_secret_hash(out->code, out->secret, hash);
	if ((rc = fb_insert(c, who, in, out->code, hash, office, d.id, subject, due, now, err)))
		return rc;
	return feedback_event(st, who ? who->actor : "public", out->code, office, "received",
	                      "received", err);
}

enum mc_err store_feedback_create(struct store *st, const struct principal *who,
                                  const struct feedback_create_cmd *in, int64_t now,
                                  struct feedback_created *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	struct feedback_limits lim;
	struct feedback_clocks ck;
	int64_t due[FEEDBACK_STEPS]; /* reject, forward, info, answer: fb_insert's order */
	enum mc_err rc = feedback_limits_read(st, &lim, err);
	if (rc)
		return rc;
	feedback_clocks_of(&lim, FEEDBACK_CLOCKS_RECEIVED, in->anonymous, &ck);
	if ((rc = feedback_clocks_due(st, &ck, now, due, err)))
		return rc;
	if ((rc = store_begin(st, err)))
		return rc;
	if ((rc = fb_create_tx(st, who, in, due, now, out, err))) {
		store_rollback(st);
		return rc;
	}
	if ((rc = store_commit(st, err)))
		return rc;
	out->anonymous = in->anonymous;
	out->received_at = now;
	out->answer_due_at = due[FEEDBACK_STEP_ANSWER];
	return MC_OK;
}

void feedback_create_cmd_clear(struct feedback_create_cmd *in)
{
	free(in->text);
	free(in->subject_name);
	free(in->office);
	free(in->dossier_code);
	free(in->dossier_secret);
	free(in->name);
	free(in->address);
	free(in->email);
	free(in->consent);
	for (int i = 0; i < in->nfiles; i++) {
		free(in->files[i].name);
		free(in->files[i].data);
	}
	memset(in, 0, sizeof *in);
}

/* ---- the sender's routes ---------------------------------------------------- */

static enum mc_err fb_public_not_found(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_NOT_FOUND, "feedback_not_found",
	               "Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu này",
	               "No feedback with this code and secret");
}

/* The row of code when secret is its own, on c: id, status, kind,
 * office_id, info_asked_at, answer_due_at, reaction, answered_at. */
struct fb_row {
	int64_t id, office_id, info_asked_at, answer_due_at, answered_at;
	char status[20], reaction[16];
	enum feedback_kind kind;
};

static enum mc_err fb_load_secret(struct store_conn *c, const char *code, const char *secret,
                                  struct fb_row *f, struct mc_error *err)
{
	char got[65], want[65] = "";
	if (code == NULL || secret == NULL || strlen(code) > 31 || strlen(secret) > 64)
		return fb_public_not_found(err);
	/* Hashed even when the code is unknown, compared in constant time. */
	store_secret_hash(code, secret, got);
	db_stmt *s = store_stmt(c, "SELECT id, secret_hash, status, kind, office_id,"
	                           " coalesce(info_asked_at, info_requested_at, 0),"
	                           " coalesce(answer_due_at, 0), coalesce(reaction, ''),"
	                           " coalesce(answered_at, 0) FROM feedback WHERE code = ?");
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	db_bind_text(s, 1, code, -1, DB_STATIC);
	int step;
	bool found = store_next(s, &step);
	if (found) {
		memset(f, 0, sizeof *f);
		snprintf(want, sizeof want, "%s", store_col_text(s, 1));
		f->id = db_column_int64(s, 0);
		snprintf(f->status, sizeof f->status, "%s", store_col_text(s, 2));
		f->kind = feedback_kind_of(store_col_text(s, 3));
		f->office_id = db_column_int64(s, 4);
		f->info_asked_at = db_column_int64(s, 5);
		f->answer_due_at = db_column_int64(s, 6);
		snprintf(f->reaction, sizeof f->reaction, "%s", store_col_text(s, 7));
		f->answered_at = db_column_int64(s, 8);
	}
	enum mc_err rc = store_scan_end(c, s, step, "feedback", err);
	if (rc)
		return rc;
	bool match = found && strlen(want) == 64 && sodium_memcmp(want, got, 64) == 0;
	return match ? MC_OK : fb_public_not_found(err);
}

static bool fb_can_react(const struct fb_row *f)
{
	return feedback_can_react(f->kind == FEEDBACK_KIND_ANONYMOUS, feedback_status_of(f->status),
	                          f->answered_at, f->reaction[0] != '\0');
}

static char *fb_dup(db_stmt *s, int col)
{
	return db_column_type(s, col) == DB_NULL ? NULL : xstrdup(store_col_text(s, col));
}

void feedback_public_view_clear(struct feedback_public_view *v)
{
	free(v->class);
	free(v->office_code);
	free(v->office_name);
	free(v->answer);
	free(v->reaction);
	free(v->info_request);
	for (size_t i = 0; i < v->nsteps; i++) {
		free(v->steps[i].step);
		free(v->steps[i].text);
	}
	free(v->steps);
	memset(v, 0, sizeof *v);
}

/* Appends a step to v. */
static void fb_public_step(struct feedback_public_view *v, int64_t at, const char *step, char *text)
{
	v->steps = xreallocarray(v->steps, v->nsteps + 1, sizeof *v->steps);
	v->steps[v->nsteps++] = (struct feedback_public_step){at, xstrdup(step), text};
}

/* The public notes of f into v: a rejection's reason, a forward's target,
 * a request for information and the sender's replies. */
static enum mc_err fb_public_notes(struct store_conn *c, const struct fb_row *f,
                                   struct feedback_public_view *v, struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT at, step, text FROM feedback_notes"
	                           " WHERE feedback_id = ? AND public = 1 ORDER BY id");
	if (s == NULL)
		return store_sql_error(c, "feedback notes", err);
	db_bind_int64(s, 1, f->id);
	const char *last_request = NULL;
	int step;
	while (store_next(s, &step)) {
		const char *st = store_col_text(s, 1);
		fb_public_step(v, db_column_int64(s, 0), st, xstrdup(store_col_text(s, 2)));
		if (feedback_note_step_of(st) == FEEDBACK_NOTE_INFO_REQUEST)
			last_request = v->steps[v->nsteps - 1].text;
	}
	enum mc_err rc = store_scan_end(c, s, step, "feedback notes", err);
	if (rc)
		return rc;
	v->can_reply = feedback_can_reply(feedback_status_of(f->status));
	if (v->can_reply && last_request)
		v->info_request = xstrdup(last_request);
	v->can_react = fb_can_react(f);
	return MC_OK;
}

/* The sender's view of f on c (never a sender field). */
static enum mc_err fb_public_view(struct store_conn *c, const char *code, const struct fb_row *f,
                                  struct feedback_public_view *v, struct mc_error *err)
{
	memset(v, 0, sizeof *v);
	db_stmt *s = store_stmt(
	    c, "SELECT f.class, f.received_at, coalesce(f.answer_due_at, 0),"
	       " CASE WHEN f.status IN ('answered','published','closed') THEN f.answer END,"
	       " coalesce(f.answered_at, 0), coalesce(f.published_at, 0), o.code, o.name,"
	       " coalesce(f.reacted_at, 0)"
	       " FROM feedback f JOIN offices o ON o.id = f.office_id WHERE f.id = ?");
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	db_bind_int64(s, 1, f->id);
	int step;
	bool found = store_next(s, &step);
	if (found) {
		snprintf(v->code, sizeof v->code, "%s", code);
		snprintf(v->kind, sizeof v->kind, "%s",
		         f->kind < FEEDBACK_KINDS ? feedback_kind_name(f->kind) : "");
		snprintf(v->status, sizeof v->status, "%s", f->status);
		v->class = xstrdup(store_col_text(s, 0));
		v->received_at = db_column_int64(s, 1);
		if (f->kind == FEEDBACK_KIND_PAKN)
			v->answer_due_at = db_column_int64(s, 2);
		v->answer = fb_dup(s, 3);
		v->answered_at = db_column_int64(s, 4);
		v->published_at = db_column_int64(s, 5);
		v->office_code = xstrdup(store_col_text(s, 6));
		v->office_name = xstrdup(store_col_text(s, 7));
		if (f->reaction[0]) {
			v->reaction = xstrdup(f->reaction);
			v->reacted_at = db_column_int64(s, 8);
		}
		fb_public_step(v, v->received_at, "received", NULL);
	}
	enum mc_err rc = store_scan_end(c, s, step, "feedback", err);
	if (!rc && !found)
		rc = fb_public_not_found(err);
	if (!rc)
		rc = fb_public_notes(c, f, v, err);
	if (rc)
		feedback_public_view_clear(v);
	return rc;
}

enum mc_err store_feedback_public(struct store *st, const char *code, const char *secret,
                                  struct feedback_public_view *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	struct store_conn *c = store_read_conn(st);
	struct fb_row f;
	enum mc_err rc = fb_load_secret(c, code, secret, &f, err);
	if (rc)
		return rc;
	return fb_public_view(c, code, &f, out, err);
}

/* Ends a sender's change: commits, then answers the sender's view. */
static enum mc_err fb_sender_done(struct store *st, const char *code, const char *secret,
                                  struct feedback_public_view *out, struct mc_error *err)
{
	enum mc_err rc = store_commit(st, err);
	if (rc)
		return rc;
	return store_feedback_public(st, code, secret, out, err);
}

/* The reply's work inside the transaction. */
static enum mc_err fb_reply_tx(struct store *st, const char *code, const char *secret,
                               const char *text, int64_t now, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	struct fb_row f;
	int64_t waited = 0, moved = 0;
	enum mc_err rc;
	if ((rc = fb_load_secret(c, code, secret, &f, err)))
		return rc;
	if (!feedback_can_reply(feedback_status_of(f.status)))
		return mc_failf(err, MC_ERR_CONFLICT, "feedback_wrong_state",
		                "Phản ánh, kiến nghị không đang chờ bổ sung thông tin",
		                "The feedback is %s, not waiting for information", f.status);
	/* The answer's clock paused while the request waited, unless the
	 * answer was already overdue when the request was made (a late request
	 * does not buy time; domain/feedback.h; store/indicators.c
	 * ind_fb_due_at takes such moves back by the same test). */
	moved = f.answer_due_at;
	if (feedback_reply_moves_due(f.info_asked_at, f.answer_due_at)) {
		if ((rc = store_calendar_between(st, f.info_asked_at, now, &waited, err)))
			return rc;
		if (waited > 0 &&
		    (rc = store_calendar_add(st, f.answer_due_at, waited, &moved, err)))
			return rc;
	}
	db_stmt *s = store_stmt(c, "UPDATE feedback SET status = 'info_received',"
	                           " info_received_at = ?1, info_asked_at = NULL,"
	                           " answer_due_at = ?2 WHERE id = ?3");
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	db_bind_int64(s, 1, now);
	fb_bind_opt_int(s, 2, moved);
	db_bind_int64(s, 3, f.id);
	if ((rc = store_step(c, s, "feedback", err)))
		return rc;
	s = store_stmt(c, "INSERT INTO feedback_notes (feedback_id, at, actor, step, text, public)"
	                  " VALUES (?, ?, 'public', 'info_reply', ?, 1)");
	if (s == NULL)
		return store_sql_error(c, "feedback note", err);
	db_bind_int64(s, 1, f.id);
	db_bind_int64(s, 2, now);
	db_bind_text(s, 3, text, -1, DB_STATIC);
	if ((rc = store_step(c, s, "feedback note", err)))
		return rc;
	return feedback_event(st, "public", code, f.office_id, "info_reply", "info_received", err);
}

enum mc_err store_feedback_reply(struct store *st, const char *code, const char *secret,
                                 const char *text, int64_t now, struct feedback_public_view *out,
                                 struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	if ((rc = fb_reply_tx(st, code, secret, text, now, err))) {
		store_rollback(st);
		return rc;
	}
	return fb_sender_done(st, code, secret, out, err);
}

/* The reaction's work inside the transaction. */
static enum mc_err fb_react_tx(struct store *st, const char *code, const char *secret,
                               const char *reaction, int64_t now, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	struct fb_row f;
	enum mc_err rc;
	if ((rc = fb_load_secret(c, code, secret, &f, err)))
		return rc;
	if (f.reaction[0])
		return mc_fail(err, MC_ERR_CONFLICT, "already_reacted",
		               "Ông/bà đã cho biết mức hài lòng với câu trả lời này",
		               "The answer was already rated");
	if (!fb_can_react(&f))
		return mc_failf(err, MC_ERR_CONFLICT, "feedback_wrong_state",
		                "Phản ánh, kiến nghị chưa được trả lời",
		                "The feedback is %s: not answered yet", f.status);
	db_stmt *s = store_stmt(c, "UPDATE feedback SET reaction = ?1, reacted_at = ?2"
	                           " WHERE id = ?3 AND reaction IS NULL");
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	db_bind_text(s, 1, reaction, -1, DB_STATIC);
	db_bind_int64(s, 2, now);
	db_bind_int64(s, 3, f.id);
	if ((rc = store_step(c, s, "feedback", err)))
		return rc;
	return feedback_event(st, "public", code, f.office_id, "reaction", f.status, err);
}

enum mc_err store_feedback_react(struct store *st, const char *code, const char *secret,
                                 const char *reaction, int64_t now,
                                 struct feedback_public_view *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	if ((rc = fb_react_tx(st, code, secret, reaction, now, err))) {
		store_rollback(st);
		return rc;
	}
	return fb_sender_done(st, code, secret, out, err);
}

/* ---- attachments ------------------------------------------------------------- */

enum mc_err store_feedback_file(struct store *st, const struct principal *who, const char *code,
                                int n, void **data, size_t *size, char mime[32], char name[201],
                                struct mc_error *err)
{
	*data = NULL;
	*size = 0;
	if (who == NULL || who->user_id <= 0 || code == NULL || strlen(code) > 31)
		return fb_public_not_found(err);
	struct store_conn *c = store_read_conn(st);
	/* The privacy rule (store/feedback.h): an anonymous report's files
	 * reach a head in scope; a PAKN's those who may read its sender, never
	 * the official it is about; a conduct report's only admins, supervisors
	 * and heads (its subject may be unknown or wrong). */
	bool head = store_user_is_head(st, who->user_id);
	bool sup = who->role == ROLE_ADMIN || who->role == ROLE_SUPERVISOR || head;
	db_stmt *s = store_stmt(c, "SELECT ff.name, ff.mime, ff.data FROM feedback f"
	                           " JOIN feedback_files ff ON ff.feedback_id = f.id AND ff.n = :n"
	                           " WHERE f.code = :code AND " SCOPE_SQL(
	                               "f.office_id") " AND CASE f.kind"
	                                              " WHEN 'anonymous' THEN :head = 1"
	                                              " ELSE coalesce(f.subject_user_id, "
	                                              "0) != :user"
	                                              " AND (:sup = 1 OR (f.class != 'conduct'"
	                                              " AND f.assigned_user_id = :user)) END");
	if (s == NULL)
		return store_sql_error(c, "feedback file", err);
	db_bind_int(s, db_bind_parameter_index(s, ":n"), n);
	db_bind_text(s, db_bind_parameter_index(s, ":code"), code, -1, DB_STATIC);
	db_bind_int(s, db_bind_parameter_index(s, ":head"), head);
	db_bind_int(s, db_bind_parameter_index(s, ":sup"), sup);
	db_bind_int64(s, db_bind_parameter_index(s, ":user"), who->user_id);
	store_bind_scope(s, who);
	int step;
	if (store_next(s, &step)) {
		snprintf(name, 201, "%s", store_col_text(s, 0));
		snprintf(mime, 32, "%s", store_col_text(s, 1));
		*size = (size_t)db_column_bytes(s, 2);
		*data = xmalloc(*size ? *size : 1);
		if (*size)
			memcpy(*data, db_column_blob(s, 2), *size);
	}
	enum mc_err rc = store_scan_end(c, s, step, "feedback file", err);
	if (rc || *data == NULL) {
		free(*data);
		*data = NULL;
		return rc ? rc
		          : mc_fail(err, MC_ERR_NOT_FOUND, "file_not_found",
		                    "Không có tệp đính kèm này", "No such attachment");
	}
	return MC_OK;
}
