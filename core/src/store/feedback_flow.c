/* The handling of citizens' feedback (PAKN) and anonymous reports: the staff
 * actions of the workflow, the detail, the staff list, the conduct counts per
 * official and the public list of published answers (store/feedback.h,
 * docs/feedback.md). The intake and the sender's routes live in
 * store/feedback.c.
 *
 * Who reads what (every function here, one rule: fb_visible and
 * fb_sender_visible):
 * - a feedback outside the caller's scope (SCOPE_SQL on its office) is not
 *   found;
 * - an anonymous report exists only for an office head (users.head) whose
 *   scope covers it;
 * - admins and supervisors read every PAKN of their scope; counter and
 *   specialist users only those assigned to them or that they typed in;
 * - the sender's name, address, phone, e-mail and the attachments reach
 *   admins, supervisors, heads and the assigned user (for a conduct report
 *   not a counter or specialist user even assigned), never the official the
 *   feedback is about (subject_user_id): for them "sender_hidden": true. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/feedback.h"
#include "store/feedback_internal.h"
#include "store/notify_scan.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/fold.h"
#include "util/xmalloc.h"

#define FB_PAGE_SIZE 50
#define FB_ANSWERS_PAGE_SIZE 20
#define FB_TEXT_MAX 4000
#define FB_ANSWER_MAX 8000
#define FB_TARGET_MAX 300

/* The columns fb_from_row reads, in its order (f is the feedback row): the
 * step times from column FB_TIMES_COL (feedback_times_of_row), then the open
 * request for information (feedback_times.info_asked_at: the answer's pause). */
#define FB_COLS                                                                                    \
	"f.id, f.code, f.kind, f.status, f.office_id, coalesce(f.subject_user_id, 0),"             \
	" coalesce(f.assigned_user_id, 0), coalesce(f.entered_by, ''),"                            \
	" f.answer_draft IS NOT NULL, f.class = 'conduct', " FEEDBACK_TIMES_COLS                   \
	", coalesce(f.info_asked_at, 0)"
#define FB_TIMES_COL 10
#define FB_ASKED_COL (FB_TIMES_COL + FEEDBACK_TIMES_NCOLS)
#define FB_NCOLS (FB_ASKED_COL + 1)

/* One feedback as the rules need it (a stack copy of its row). */
struct fb {
	int64_t id, office_id, subject_user_id, assigned_user_id;
	char code[32], kind[16], status[20], entered_by[32], decision[16];
	bool has_draft, conduct; /* conduct: class 'conduct' */
	struct feedback_times t; /* t.decision points into decision (or NULL) */
};

static void fb_copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void fb_from_row(sqlite3_stmt *s, struct fb *f)
{
	memset(f, 0, sizeof *f);
	f->id = sqlite3_column_int64(s, 0);
	fb_copy(f->code, sizeof f->code, store_col_text(s, 1));
	fb_copy(f->kind, sizeof f->kind, store_col_text(s, 2));
	fb_copy(f->status, sizeof f->status, store_col_text(s, 3));
	f->office_id = sqlite3_column_int64(s, 4);
	f->subject_user_id = sqlite3_column_int64(s, 5);
	f->assigned_user_id = sqlite3_column_int64(s, 6);
	fb_copy(f->entered_by, sizeof f->entered_by, store_col_text(s, 7));
	f->has_draft = sqlite3_column_int(s, 8) != 0;
	f->conduct = sqlite3_column_int(s, 9) != 0;
	feedback_times_of_row(s, FB_TIMES_COL, &f->t, f->decision, sizeof f->decision);
	f->t.info_asked_at = sqlite3_column_int64(s, FB_ASKED_COL);
}

static enum mc_err fb_not_found(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_NOT_FOUND, "feedback_not_found",
	               "Không tìm thấy phản ánh, kiến nghị", "No such feedback");
}

static enum mc_err fb_wrong_state(struct mc_error *err, const char *status)
{
	return mc_failf(err, MC_ERR_CONFLICT, "feedback_wrong_state",
	                "Phản ánh, kiến nghị đang ở bước không cho phép thao tác này",
	                "Not allowed while the feedback is %s", status);
}

static bool fb_supervising(const struct principal *who)
{
	return who->role == ROLE_ADMIN || who->role == ROLE_SUPERVISOR;
}

/* Whether who may read f at all (the scope is tested by the query that
 * found f). head: who is an office head. */
static bool fb_visible(const struct principal *who, const struct fb *f, bool head)
{
	if (who->user_id == 0)
		return false;
	if (strcmp(f->kind, "anonymous") == 0)
		return head;
	if (fb_supervising(who))
		return true;
	return f->assigned_user_id == who->user_id || strcmp(f->entered_by, who->actor) == 0;
}

/* Whether who may read f's sender fields and attachments (head: who is an
 * office head; the scope is tested by the query that found f). A conduct
 * report's sender reaches only admins, supervisors and heads: its subject
 * may be unknown or wrong, so never a counter or specialist user, even
 * assigned. */
static bool fb_sender_visible(const struct principal *who, const struct fb *f, bool head)
{
	if (who->user_id == 0 || f->subject_user_id == who->user_id)
		return false;
	if (fb_supervising(who) || head)
		return true;
	return !f->conduct && f->assigned_user_id == who->user_id;
}

/* Finds feedback code in who's scope on c into *f, and whether who is an
 * office head. MC_ERR_NOT_FOUND when absent, outside the scope or not
 * readable by who. */
static enum mc_err fb_load(struct store_conn *c, const struct principal *who, const char *code,
                           struct fb *f, bool *head, struct mc_error *err)
{
	if (code == NULL || strlen(code) == 0 || strlen(code) >= sizeof f->code)
		return fb_not_found(err);
	sqlite3_stmt *s = store_stmt(c, "SELECT " FB_COLS " FROM feedback f WHERE f.code = :code"
	                                " AND " SCOPE_SQL("f.office_id"));
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":code"), code, -1, SQLITE_STATIC);
	store_bind_scope(s, who);
	int step;
	bool found = store_next(s, &step);
	if (found)
		fb_from_row(s, f);
	enum mc_err rc = store_scan_end(c, s, step, "feedback", err);
	if (rc)
		return rc;
	*head = feedback_user_is_head(c, who->user_id);
	if (!found || !fb_visible(who, f, *head))
		return fb_not_found(err);
	return MC_OK;
}

/* The user's full name into out (empty when none). */
static void fb_user_name(struct store_conn *c, int64_t id, char *out, size_t n)
{
	out[0] = '\0';
	if (id <= 0)
		return;
	sqlite3_stmt *s = store_stmt(c, "SELECT full_name FROM users WHERE id = ?");
	if (s == NULL)
		return;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		fb_copy(out, n, store_col_text(s, 0));
	sqlite3_reset(s);
}

/* {"user_id","full_name"} or null. */
static json_t *fb_user_json(struct store_conn *c, int64_t id)
{
	if (id <= 0)
		return json_null();
	char name[201];
	fb_user_name(c, id, name, sizeof name);
	return json_pack("{s:I, s:s}", "user_id", (json_int_t)id, "full_name", name);
}

static json_t *fb_time(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

static json_t *fb_col_str(sqlite3_stmt *s, int col)
{
	return sqlite3_column_type(s, col) == SQLITE_NULL
	           ? json_null()
	           : json_string((const char *)sqlite3_column_text(s, col));
}

static json_t *fb_col_int(sqlite3_stmt *s, int col)
{
	return sqlite3_column_type(s, col) == SQLITE_NULL
	           ? json_null()
	           : json_integer(sqlite3_column_int64(s, col));
}

static const char *fb_result_name(enum feedback_step_result r)
{
	switch (r) {
	case FEEDBACK_STEP_ON_TIME: return "on_time";
	case FEEDBACK_STEP_LATE: return "late";
	case FEEDBACK_STEP_OVERDUE: return "overdue";
	case FEEDBACK_STEP_PENDING: return "pending";
	default: return NULL;
	}
}

/* The verdicts of f at now: sets "timing", "late", "late_steps" and
 * "next_due_at" of o. An anonymous report has no clock. */
static void fb_timing_json(const struct fb *f, int64_t now, json_t *o, struct feedback_timing *tm)
{
	memset(tm, 0, sizeof *tm);
	json_t *steps = json_array(), *late = json_array();
	if (strcmp(f->kind, "pakn") == 0) {
		feedback_timing(&f->t, now, tm);
		for (int i = 0; i < FEEDBACK_STEPS; i++) {
			const char *res = fb_result_name(tm->step[i]);
			if (res == NULL)
				continue;
			int64_t due = 0, done = 0;
			switch ((enum feedback_step)i) {
			case FEEDBACK_STEP_REJECT:
				due = f->t.reject_due_at, done = f->t.classified_at;
				break;
			case FEEDBACK_STEP_FORWARD:
				due = f->t.forward_due_at, done = f->t.classified_at;
				break;
			case FEEDBACK_STEP_INFO:
				due = f->t.info_due_at, done = f->t.info_requested_at;
				break;
			case FEEDBACK_STEP_ANSWER:
				due = f->t.answer_due_at, done = f->t.answered_at;
				break;
			default: due = f->t.publish_due_at, done = f->t.published_at;
			}
			if (tm->step[i] == FEEDBACK_STEP_PENDING ||
			    tm->step[i] == FEEDBACK_STEP_OVERDUE)
				done = 0;
			const char *name = feedback_step_name((enum feedback_step)i);
			json_array_append_new(steps, json_pack("{s:s, s:o, s:o, s:s}", "step", name,
			                                       "due_at", fb_time(due), "done_at",
			                                       fb_time(done), "result", res));
			if (tm->step[i] == FEEDBACK_STEP_LATE ||
			    tm->step[i] == FEEDBACK_STEP_OVERDUE)
				json_array_append_new(late, json_string(name));
		}
	}
	json_object_set_new(o, "timing", steps);
	json_object_set_new(o, "late", json_boolean(tm->late));
	json_object_set_new(o, "late_steps", late);
	json_object_set_new(o, "next_due_at", fb_time(tm->next_due_at));
}

/* The sender's fields of the row at columns col.. (name, address, phone,
 * e-mail) into o, or "sender_hidden": true. */
static void fb_sender_json(json_t *o, sqlite3_stmt *s, int col, bool visible, const struct fb *f)
{
	if (strcmp(f->kind, "anonymous") == 0) {
		json_object_set_new(o, "sender", json_null());
		return;
	}
	if (!visible) {
		json_object_set_new(o, "sender_hidden", json_true());
		return;
	}
	json_object_set_new(o, "sender",
	                    json_pack("{s:o, s:o, s:o, s:o}", "name", fb_col_str(s, col), "address",
	                              fb_col_str(s, col + 1), "phone", fb_col_str(s, col + 2),
	                              "email", fb_col_str(s, col + 3)));
	json_object_set_new(o, "sender_hidden", json_false());
}

static json_t *fb_actions(const struct principal *who, const struct fb *f, bool head);

/* The detail of f for who (fb_load found it) into *out; "actions" names
 * the actions who may take on it now. */
static enum mc_err fb_detail(struct store *st, struct store_conn *c, const struct principal *who,
                             const struct fb *f, bool head, int64_t now, json_t **out,
                             struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(
	    c,
	    "SELECT f.class, f.channel, f.text, o.code, o.name,"
	    " (SELECT code FROM dossiers WHERE id = f.dossier_id), f.subject_counter_no,"
	    " f.subject_name, f.sender_name, f.sender_address, f.sender_phone, f.sender_email,"
	    " f.forwarded_to, f.assigned_at, f.info_asked_at, f.info_received_at,"
	    " f.answer_draft, f.answer, f.public_question,"
	    " (SELECT r.code FROM feedback r WHERE r.id = f.repeat_of), f.reaction, f.reacted_at,"
	    " coalesce(f.answered_by, 0),"
	    " (SELECT count(*) FROM feedback r WHERE r.repeat_of = f.id), f.public_answer"
	    " FROM feedback f JOIN offices o ON o.id = f.office_id WHERE f.id = ?");
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	sqlite3_bind_int64(s, 1, f->id);
	int step;
	if (!store_next(s, &step)) {
		enum mc_err rc = store_scan_end(c, s, step, "feedback", err);
		return rc ? rc : fb_not_found(err);
	}
	const char *cls = store_col_text(s, 0), *channel = store_col_text(s, 1);
	json_t *o = json_object();
	json_object_set_new(o, "code", json_string(f->code));
	json_object_set_new(o, "kind", json_string(f->kind));
	json_object_set_new(o, "class", json_string(cls));
	json_object_set_new(o, "class_text",
	                    json_string(feedback_class_text(cls) ? feedback_class_text(cls) : cls));
	json_object_set_new(o, "class_en",
	                    json_string(feedback_class_en(cls) ? feedback_class_en(cls) : cls));
	json_object_set_new(o, "channel", json_string(channel));
	json_object_set_new(
	    o, "channel_text",
	    json_string(feedback_channel_text(channel) ? feedback_channel_text(channel) : channel));
	json_object_set_new(o, "status", json_string(f->status));
	json_object_set_new(o, "status_text",
	                    json_string(feedback_status_text(f->status)
	                                    ? feedback_status_text(f->status)
	                                    : f->status));
	json_object_set_new(
	    o, "status_en",
	    json_string(feedback_status_en(f->status) ? feedback_status_en(f->status) : f->status));
	json_object_set_new(o, "text", fb_col_str(s, 2));
	json_object_set_new(
	    o, "office",
	    json_pack("{s:o, s:o}", "code", fb_col_str(s, 3), "name", fb_col_str(s, 4)));
	json_object_set_new(o, "dossier", fb_col_str(s, 5));
	json_object_set_new(o, "subject",
	                    json_pack("{s:o, s:o, s:o}", "counter_no", fb_col_int(s, 6), "name",
	                              fb_col_str(s, 7), "user",
	                              fb_user_json(c, f->subject_user_id)));
	bool sender = fb_sender_visible(who, f, head);
	fb_sender_json(o, s, 8, sender, f);
	json_object_set_new(o, "forwarded_to", fb_col_str(s, 12));
	json_object_set_new(o, "assigned", fb_user_json(c, f->assigned_user_id));
	json_object_set_new(o, "assigned_at", fb_col_int(s, 13));
	json_object_set_new(o, "entered_by",
	                    f->entered_by[0] ? json_string(f->entered_by) : json_null());
	json_object_set_new(o, "received_at", fb_time(f->t.received_at));
	json_object_set_new(o, "classified_at", fb_time(f->t.classified_at));
	json_object_set_new(o, "decision",
	                    f->t.decision ? json_string(f->t.decision) : json_null());
	json_object_set_new(o, "info_requested_at", fb_time(f->t.info_requested_at));
	json_object_set_new(o, "info_asked_at", fb_col_int(s, 14));
	json_object_set_new(o, "info_received_at", fb_col_int(s, 15));
	json_object_set_new(o, "answer_draft", fb_col_str(s, 16));
	json_object_set_new(o, "answer", fb_col_str(s, 17));
	json_object_set_new(o, "answered_at", fb_time(f->t.answered_at));
	json_object_set_new(o, "answered_by", fb_user_json(c, sqlite3_column_int64(s, 22)));
	json_object_set_new(o, "public_question", fb_col_str(s, 18));
	json_object_set_new(o, "public_answer", fb_col_str(s, 24));
	json_object_set_new(o, "published_at", fb_time(f->t.published_at));
	json_object_set_new(o, "closed_at", fb_time(f->t.closed_at));
	json_object_set_new(o, "repeat_of", fb_col_str(s, 19));
	json_object_set_new(o, "repeated", json_integer(sqlite3_column_int64(s, 23)));
	json_object_set_new(o, "reaction", fb_col_str(s, 20));
	json_object_set_new(o, "reacted_at", fb_col_int(s, 21));
	json_object_set_new(
	    o, "dues",
	    json_pack("{s:o, s:o, s:o, s:o, s:o}", "reject", fb_time(f->t.reject_due_at), "forward",
	              fb_time(f->t.forward_due_at), "info", fb_time(f->t.info_due_at), "answer",
	              fb_time(f->t.answer_due_at), "publish", fb_time(f->t.publish_due_at)));
	enum mc_err rc = store_scan_end(c, s, SQLITE_ROW, "feedback", err);
	struct feedback_timing tm;
	fb_timing_json(f, now, o, &tm);
	json_object_set_new(o, "ended", json_boolean(tm.ended));
	json_object_set_new(o, "head", json_boolean(head));
	json_object_set_new(o, "actions", fb_actions(who, f, head));

	/* The notes: texts of the steps, the public ones shown to the sender. */
	json_t *notes = json_array();
	s = rc ? NULL
	       : store_stmt(c, "SELECT n.at, n.actor, n.step, n.text, n.public, u.full_name"
	                       " FROM feedback_notes n LEFT JOIN users u"
	                       " ON n.actor = 'user:' || u.id"
	                       " WHERE n.feedback_id = ? ORDER BY n.id");
	if (rc == MC_OK && s == NULL)
		rc = store_sql_error(c, "feedback notes", err);
	if (rc == MC_OK) {
		sqlite3_bind_int64(s, 1, f->id);
		while (store_next(s, &step))
			json_array_append_new(
			    notes,
			    json_pack("{s:I, s:s, s:o, s:s, s:s, s:b}", "at",
			              (json_int_t)sqlite3_column_int64(s, 0), "actor",
			              store_col_text(s, 1), "actor_name", fb_col_str(s, 5), "step",
			              store_col_text(s, 2), "text", store_col_text(s, 3), "public",
			              sqlite3_column_int(s, 4)));
		rc = store_scan_end(c, s, step, "feedback notes", err);
	}
	json_object_set_new(o, "notes", notes);

	/* The events of the audit chain about it. */
	json_t *events = json_array();
	s = rc ? NULL
	       : store_stmt(c, "SELECT e.id, e.at, e.actor, e.action, e.details, u.full_name"
	                       " FROM events e LEFT JOIN users u ON e.actor = 'user:' || u.id"
	                       " WHERE e.entity = 'feedback' AND e.entity_id = ? ORDER BY e.id");
	if (rc == MC_OK && s == NULL)
		rc = store_sql_error(c, "feedback events", err);
	if (rc == MC_OK) {
		sqlite3_bind_text(s, 1, f->code, -1, SQLITE_STATIC);
		while (store_next(s, &step)) {
			json_t *details = json_loads(store_col_text(s, 4), 0, NULL);
			json_array_append_new(
			    events, json_pack("{s:I, s:I, s:s, s:o, s:s, s:o}", "id",
			                      (json_int_t)sqlite3_column_int64(s, 0), "at",
			                      (json_int_t)sqlite3_column_int64(s, 1), "actor",
			                      store_col_text(s, 2), "actor_name", fb_col_str(s, 5),
			                      "action", store_col_text(s, 3), "details",
			                      details ? details : json_object()));
		}
		rc = store_scan_end(c, s, step, "feedback events", err);
	}
	json_object_set_new(o, "events", events);

	/* The attachments, for those who may read the sender. */
	json_t *files = json_array();
	if (rc == MC_OK && sender) {
		s = store_stmt(c, "SELECT n, name, mime, size, sha256 FROM feedback_files"
		                  " WHERE feedback_id = ? ORDER BY n");
		if (s == NULL)
			rc = store_sql_error(c, "feedback files", err);
		else {
			sqlite3_bind_int64(s, 1, f->id);
			while (store_next(s, &step))
				json_array_append_new(
				    files,
				    json_pack("{s:i, s:s, s:s, s:I, s:s}", "n",
				              sqlite3_column_int(s, 0), "name",
				              store_col_text(s, 1), "mime", store_col_text(s, 2),
				              "size", (json_int_t)sqlite3_column_int64(s, 3),
				              "sha256", store_col_text(s, 4)));
			rc = store_scan_end(c, s, step, "feedback files", err);
		}
	}
	json_object_set_new(o, "files", files);
	if (rc) {
		json_decref(o);
		return rc;
	}
	(void)st;
	*out = o;
	return MC_OK;
}

enum mc_err store_feedback_get(struct store *st, const struct principal *who, const char *code,
                               int64_t now, json_t **out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct fb f;
	bool head;
	enum mc_err rc = fb_load(c, who, code, &f, &head, err);
	if (rc)
		return rc;
	return fb_detail(st, c, who, &f, head, now, out, err);
}

/* ------------------------------------------------------------------------
 * The actions. */

/* A text member of req: required (1..max bytes), or optional (NULL when
 * absent or null). Texts are kept as typed: every screen shows them as text. */
static enum mc_err fb_text(json_t *req, const char *key, bool required, size_t max,
                           const char **out, struct mc_error *err)
{
	json_t *v = json_object_get(req, key);
	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return mc_failf(err, MC_ERR_INVALID, "missing_field",
			                "Thiếu trường bắt buộc", "%s is required", key);
		return MC_OK;
	}
	if (!json_is_string(v))
		return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "%s must be text", key);
	const char *t = json_string_value(v);
	size_t n = strlen(t);
	/* Only blanks is no text. */
	size_t blank = strspn(t, " \t\r\n");
	if (n == 0 || blank == n) {
		if (required)
			return mc_failf(err, MC_ERR_INVALID, "missing_field",
			                "Thiếu trường bắt buộc", "%s is required", key);
		return MC_OK;
	}
	if (n > max)
		return mc_failf(err, MC_ERR_INVALID, "text_too_long", "Nội dung quá dài",
		                "%s is at most %zu bytes", key, max);
	*out = t;
	return MC_OK;
}

/* Refuses members of req other than the action's (allowed names "action"
 * and the action's own members). */
static enum mc_err fb_members(json_t *req, const char *const *allowed, struct mc_error *err)
{
	const char *key = feedback_unknown_member(req, allowed);
	if (key)
		return mc_failf(err, MC_ERR_INVALID, "unknown_field", "Trường không được hỗ trợ",
		                "unknown field '%.40s'", key);
	return MC_OK;
}

static enum mc_err fb_not_allowed(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_FORBIDDEN, "action_not_allowed",
	               "Tài khoản này không được thực hiện thao tác này với phản ánh, kiến nghị",
	               "This account may not take this action on the feedback");
}

static enum mc_err fb_subject(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_CONFLICT, "subject_cannot_handle",
	               "Cán bộ bị phản ánh không được xử lý phản ánh về mình",
	               "The official the feedback is about cannot handle it");
}

static bool fb_status_in(const struct fb *f, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(f->status, list[i]) == 0)
			return true;
	return false;
}

/* Whether who may take any step of f's handling: an anonymous report has
 * only close and set_subject; the official it is about takes none. */
static enum mc_err fb_permit_who(const struct principal *who, const struct fb *f,
                                 const char *action, struct mc_error *err)
{
	if (strcmp(f->kind, "anonymous") == 0 && strcmp(action, "close") != 0 &&
	    strcmp(action, "set_subject") != 0)
		return fb_wrong_state(err, "an anonymous report");
	if (f->subject_user_id == who->user_id)
		return fb_subject(err);
	return MC_OK;
}

/* The role and state rules of the actions, in one place: whether who (head:
 * an office head; fb_load found f in who's scope) may take action on f as it
 * is now. fb_act asks it once the request is read; the detail lists the
 * actions it allows. MC_OK, or the refusal in err. */
static enum mc_err fb_permit(const struct principal *who, const struct fb *f, bool head,
                             const char *action, struct mc_error *err)
{
	bool sup = fb_supervising(who);
	bool assigned = f->assigned_user_id != 0 && f->assigned_user_id == who->user_id;
	static const char *const open[] = {"accepted", "info_requested", "info_received", NULL};
	static const char *const answerable[] = {"accepted", "info_received", NULL};
	static const char *const closable[] = {"published", "answered", "rejected", "forwarded",
	                                       NULL};
	enum mc_err rc = fb_permit_who(who, f, action, err);
	if (rc)
		return rc;
	if (strcmp(action, "classify") == 0) {
		if (!sup)
			return fb_not_allowed(err);
		return strcmp(f->status, "received") == 0 ? MC_OK : fb_wrong_state(err, f->status);
	}
	if (strcmp(action, "assign") == 0) {
		if (!sup)
			return fb_not_allowed(err);
		return fb_status_in(f, open) ? MC_OK : fb_wrong_state(err, f->status);
	}
	if (strcmp(action, "request_info") == 0 || strcmp(action, "answer") == 0) {
		if (!sup && !assigned)
			return fb_not_allowed(err);
		return fb_status_in(f, answerable) ? MC_OK : fb_wrong_state(err, f->status);
	}
	if (strcmp(action, "approve") == 0) {
		if (!head)
			return mc_fail(err, MC_ERR_FORBIDDEN, "not_office_head",
			               "Chỉ trưởng đơn vị được duyệt câu trả lời",
			               "Only the office head approves an answer");
		return fb_status_in(f, answerable) ? MC_OK : fb_wrong_state(err, f->status);
	}
	if (strcmp(action, "publish") == 0) {
		if (!sup && !head)
			return fb_not_allowed(err);
		return strcmp(f->status, "answered") == 0 ? MC_OK : fb_wrong_state(err, f->status);
	}
	if (strcmp(action, "close") == 0) {
		/* An anonymous report: fb_load found it, so who is a head in scope. */
		if (strcmp(f->kind, "anonymous") == 0)
			return strcmp(f->status, "received") == 0 ? MC_OK
			                                          : fb_wrong_state(err, f->status);
		if (!sup)
			return fb_not_allowed(err);
		return fb_status_in(f, closable) ? MC_OK : fb_wrong_state(err, f->status);
	}
	if (strcmp(action, "set_subject") == 0)
		return sup || head ? MC_OK : fb_not_allowed(err);
	if (strcmp(action, "link_repeat") == 0)
		return sup ? MC_OK : fb_not_allowed(err);
	return mc_fail(err, MC_ERR_INVALID, "invalid_action", "Thao tác không hợp lệ",
	               "action is classify, assign, request_info, answer, approve, publish, close,"
	               " link_repeat or set_subject");
}

/* The names of the actions who may take on f now (fb_permit's answer for
 * each), for the detail's "actions". */
static json_t *fb_actions(const struct principal *who, const struct fb *f, bool head)
{
	static const char *const all[] = {"classify",    "assign",  "request_info", "answer",
	                                  "approve",     "publish", "close",        "set_subject",
	                                  "link_repeat", NULL};
	json_t *a = json_array();
	for (size_t i = 0; all[i]; i++) {
		struct mc_error e = {0};
		if (fb_permit(who, f, head, all[i], &e) == MC_OK)
			json_array_append_new(a, json_string(all[i]));
	}
	return a;
}

/* Adds a note (the text of a step) to f. */
static enum mc_err fb_note(struct store_conn *c, const struct fb *f, int64_t now, const char *actor,
                           const char *step, const char *text, bool public, struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(c, "INSERT INTO feedback_notes (feedback_id, at, actor, step,"
	                                " text, public) VALUES (?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return store_sql_error(c, "feedback note", err);
	sqlite3_bind_int64(s, 1, f->id);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, step, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, text, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 6, public);
	return store_step(c, s, "feedback note", err);
}

/* The national digits of a phone number (no leading 0 or 84) into out:
 * empty when fewer than 8 digits. Pure. */
static void fb_phone_core(const char *phone, char *out, size_t n)
{
	size_t k = 0;
	for (const char *p = phone ? phone : ""; *p && k + 1 < n; p++)
		if (*p >= '0' && *p <= '9')
			out[k++] = *p;
	out[k] = '\0';
	size_t skip = (k >= 11 && strncmp(out, "84", 2) == 0) ? 2 : (out[0] == '0') ? 1 : 0;
	memmove(out, out + skip, k - skip + 1);
	if (strlen(out) < 8)
		out[0] = '\0';
}

/* Whether text holds the phone number whose national digits are core: the
 * text's digits in order (ASCII or full-width), whatever stands between
 * them, hold core. Nine digits in a row by chance are not a worry next to
 * a number written "0977 - 123 / 456". Pure. */
static bool fb_has_phone(const char *text, const char *core)
{
	if (core[0] == '\0')
		return false;
	size_t n = strlen(text);
	char *digits = xmalloc(n + 1);
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits[k++] = (char)*p;
		else if (p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {
			digits[k++] = (char)('0' + (p[2] - 0x90)); /* U+FF10..FF19 */
			p += 2;
		}
	}
	digits[k] = '\0';
	bool found = strstr(digits, core) != NULL;
	free(digits);
	return found;
}

/* text folded (util/fold.h) into words: every run of characters that are
 * not ASCII letters or digits (blanks, punctuation, no-break and zero-width
 * spaces, hyphens) becomes one blank, with one blank before and after, so a
 * name is found as whole words however it is spaced. The caller frees. */
static char *fb_words(const char *text)
{
	size_t n = strlen(text) + 1;
	char *folded = xmalloc(n), *out = xmalloc(n + 2);
	fold_vi(text, folded, n);
	size_t k = 0;
	out[k++] = ' ';
	for (const char *p = folded; *p; p++) {
		bool word = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
		if (word)
			out[k++] = *p;
		else if (out[k - 1] != ' ')
			out[k++] = ' ';
	}
	if (out[k - 1] != ' ')
		out[k++] = ' ';
	out[k] = '\0';
	free(folded);
	return out;
}

/* Whether the words of needle (fb_words) stand in haystack's as whole
 * words; a needle with no word never does. */
static bool fb_has_words(const char *haystack_words, const char *needle)
{
	char *w = fb_words(needle);
	bool found = strlen(w) > 2 && strstr(haystack_words, w) != NULL;
	free(w);
	return found;
}

/* Whether text holds the sender's name (whole words, however spaced or
 * accented), phone (fb_has_phone) or e-mail (the whole address, or its
 * part before @ when 4 characters or more, as words: "an.nguyen [at] …"). */
static bool fb_holds_sender(const char *text, const char *name, const char *phone,
                            const char *email)
{
	char core[32];
	fb_phone_core(phone, core, sizeof core);
	if (fb_has_phone(text, core))
		return true;
	char *words = fb_words(text);
	bool hit =
	    (name[0] && fb_has_words(words, name)) || (email[0] && fb_has_words(words, email));
	const char *at = strchr(email, '@');
	if (!hit && at && at - email >= 4) {
		char local[256];
		snprintf(local, sizeof local, "%.*s", (int)(at - email), email);
		hit = fb_has_words(words, local);
	}
	free(words);
	return hit;
}

/* Refuses a text to publish (member field) that holds f's sender's full
 * name, phone or e-mail, compared folded (util/fold.h): 400
 * personal_data_in_public naming field. */
static enum mc_err fb_no_personal_data(struct store_conn *c, const struct fb *f, const char *field,
                                       const char *text, struct mc_error *err)
{
	if (text == NULL)
		return MC_OK;
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT coalesce(sender_name, ''), coalesce(sender_phone,"
	                  " ''), coalesce(sender_email, '') FROM feedback WHERE id = ?");
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	sqlite3_bind_int64(s, 1, f->id);
	int step;
	bool found = store_next(s, &step), hit = false;
	if (found) {
		hit = fb_holds_sender(text, store_col_text(s, 0), store_col_text(s, 1),
		                      store_col_text(s, 2));
	}
	enum mc_err rc = store_scan_end(c, s, step, "feedback", err);
	if (rc || !hit)
		return rc;
	bool q = strcmp(field, "question") == 0;
	return mc_failf(err, MC_ERR_INVALID, "personal_data_in_public",
	                q ? "Câu hỏi công khai còn họ tên, số điện thoại hoặc thư điện tử của người"
	                    " gửi: hãy bỏ thông tin cá nhân"
	                  : "Câu trả lời công khai còn họ tên, số điện thoại hoặc thư điện tử của"
	                    " người gửi: hãy bỏ thông tin cá nhân",
	                "%s (to publish) holds the sender's name, phone or e-mail: remove the"
	                " personal data",
	                field);
}

/* The action's work on the writer, inside the transaction. *status gets
 * the status after it; *step the event's step. */
static enum mc_err fb_act(struct store *st, struct store_conn *c, const struct principal *who,
                          struct fb *f, bool head, json_t *req, int64_t now, const char **status,
                          const char **step, struct mc_error *err)
{
	const char *action = json_string_value(json_object_get(req, "action"));
	bool anonymous = strcmp(f->kind, "anonymous") == 0;
	enum mc_err rc;
	sqlite3_stmt *s;
	*status = f->status;
	*step = action;

	/* The official it is about takes no step of its handling. */
	if ((rc = fb_permit_who(who, f, action, err)))
		return rc;

	if (strcmp(action, "classify") == 0) {
		static const char *const members[] = {"action", "decision", "reason", "to", NULL};
		const char *decision, *reason, *to;
		if ((rc = fb_members(req, members, err)) ||
		    (rc = fb_text(req, "decision", true, 16, &decision, err)))
			return rc;
		if (strcmp(decision, "accept") != 0 && strcmp(decision, "reject") != 0 &&
		    strcmp(decision, "forward") != 0)
			return mc_fail(err, MC_ERR_INVALID, "invalid_decision",
			               "Quyết định không hợp lệ",
			               "decision is accept, reject or forward");
		bool reject = strcmp(decision, "reject") == 0,
		     fwd = strcmp(decision, "forward") == 0;
		if ((rc = fb_text(req, "reason", reject, FB_TEXT_MAX, &reason, err)) ||
		    (rc = fb_text(req, "to", fwd, FB_TARGET_MAX, &to, err)))
			return rc;
		if ((rc = fb_permit(who, f, head, action, err)))
			return rc;
		*status = reject ? "rejected" : fwd ? "forwarded" : "accepted";
		s = store_stmt(c,
		               "UPDATE feedback SET status = ?1, decision = ?2, classified_at = ?3,"
		               " forwarded_to = ?4 WHERE id = ?5");
		if (s == NULL)
			return store_sql_error(c, "feedback", err);
		sqlite3_bind_text(s, 1, *status, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, decision, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, now);
		if (fwd)
			sqlite3_bind_text(s, 4, to, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, f->id);
		if ((rc = store_step(c, s, "feedback", err)))
			return rc;
		if (reject)
			return fb_note(c, f, now, who->actor, "reject", reason, true, err);
		if (fwd) {
			char text[FB_TARGET_MAX + FB_TEXT_MAX + 8];
			snprintf(text, sizeof text, "%s%s%s", to, reason ? ": " : "",
			         reason ? reason : "");
			return fb_note(c, f, now, who->actor, "forward", text, true, err);
		}
		if (reason)
			return fb_note(c, f, now, who->actor, "accept", reason, false, err);
		return MC_OK;
	}

	if (strcmp(action, "assign") == 0) {
		static const char *const members[] = {"action", "user_id", NULL};
		if ((rc = fb_members(req, members, err)))
			return rc;
		json_t *v = json_object_get(req, "user_id");
		if (v == NULL)
			return mc_fail(err, MC_ERR_INVALID, "missing_field",
			               "Thiếu trường bắt buộc", "user_id is required");
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			               "user_id is a user's id");
		if ((rc = fb_permit(who, f, head, action, err)))
			return rc;
		int64_t uid = json_integer_value(v);
		/* A staff account in the caller's scope and the feedback's office
		 * tree (the centre, or the office above it that handles it). */
		s = store_stmt(c,
		               "SELECT u.full_name FROM users u WHERE u.id = :id AND u.active = 1"
		               " AND u.role IN ('supervisor','counter','specialist')"
		               " AND " SCOPE_SQL("u.office_id"));
		if (s == NULL)
			return store_sql_error(c, "user", err);
		sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":id"), uid);
		store_bind_scope(s, who);
		int st2;
		char name[201] = "";
		bool found = store_next(s, &st2);
		if (found)
			fb_copy(name, sizeof name, store_col_text(s, 0));
		if ((rc = store_scan_end(c, s, st2, "user", err)))
			return rc;
		if (!found)
			return mc_fail(err, MC_ERR_NOT_FOUND, "user_not_found",
			               "Không có cán bộ này",
			               "No such active staff account in scope");
		if (uid == f->subject_user_id)
			return fb_subject(err);
		/* The assignee must read it: their office is the feedback's
		 * office or one above it. */
		s = store_stmt(c, "SELECT 1 FROM users u JOIN office_paths p"
		                  " ON p.ancestor_id = u.office_id AND p.office_id = ?2"
		                  " WHERE u.id = ?1");
		if (s == NULL)
			return store_sql_error(c, "user", err);
		sqlite3_bind_int64(s, 1, uid);
		sqlite3_bind_int64(s, 2, f->office_id);
		found = store_next(s, &st2);
		if ((rc = store_scan_end(c, s, st2, "user", err)))
			return rc;
		if (!found)
			return mc_fail(
			    err, MC_ERR_CONFLICT, "assignee_out_of_scope",
			    "Cán bộ này không thuộc đơn vị xử lý phản ánh, kiến nghị này",
			    "This official's office does not cover the feedback's centre");
		s = store_stmt(c, "UPDATE feedback SET assigned_user_id = ?1, assigned_at = ?2"
		                  " WHERE id = ?3");
		if (s == NULL)
			return store_sql_error(c, "feedback", err);
		sqlite3_bind_int64(s, 1, uid);
		sqlite3_bind_int64(s, 2, now);
		sqlite3_bind_int64(s, 3, f->id);
		if ((rc = store_step(c, s, "feedback", err)))
			return rc;
		/* Whom it was given to, for the history. */
		return fb_note(c, f, now, who->actor, "assign", name, false, err);
	}

	if (strcmp(action, "request_info") == 0 || strcmp(action, "answer") == 0) {
		bool info = strcmp(action, "request_info") == 0;
		static const char *const members[] = {"action", "text", NULL};
		const char *text;
		if ((rc = fb_members(req, members, err)) ||
		    (rc = fb_text(req, "text", true, info ? FB_TEXT_MAX : FB_ANSWER_MAX, &text,
		                  err)))
			return rc;
		if ((rc = fb_permit(who, f, head, action, err)))
			return rc;
		if (info) {
			*status = "info_requested";
			s = store_stmt(c, "UPDATE feedback SET status = 'info_requested',"
			                  " info_requested_at = coalesce(info_requested_at, ?1),"
			                  " info_asked_at = ?1 WHERE id = ?2");
		} else {
			s = store_stmt(
			    c, "UPDATE feedback SET answer_draft = ?3 WHERE id = ?2 AND ?1 > 0");
		}
		if (s == NULL)
			return store_sql_error(c, "feedback", err);
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_int64(s, 2, f->id);
		if (!info)
			sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
		if ((rc = store_step(c, s, "feedback", err)))
			return rc;
		return fb_note(c, f, now, who->actor, info ? "info_request" : "answer_draft", text,
		               info, err);
	}

	if (strcmp(action, "approve") == 0) {
		static const char *const members[] = {"action", "text", NULL};
		const char *text;
		if ((rc = fb_members(req, members, err)) ||
		    (rc = fb_text(req, "text", false, FB_ANSWER_MAX, &text, err)))
			return rc;
		if ((rc = fb_permit(who, f, head, action, err)))
			return rc;
		if (!f->has_draft && text == NULL)
			return mc_fail(err, MC_ERR_CONFLICT, "no_draft",
			               "Chưa có dự thảo câu trả lời",
			               "There is no draft answer to approve");
		struct feedback_limits lim;
		store_feedback_limits(st, &lim);
		int64_t due = 0;
		if ((rc = feedback_due(st, now, lim.publish, &due, err)))
			return rc;
		*status = "answered";
		s = store_stmt(c, "UPDATE feedback SET status = 'answered',"
		                  " answer = coalesce(?1, answer_draft), answered_at = ?2,"
		                  " answered_by = ?3, publish_due_at = ?4 WHERE id = ?5");
		if (s == NULL)
			return store_sql_error(c, "feedback", err);
		if (text)
			sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, now);
		sqlite3_bind_int64(s, 3, who->user_id);
		sqlite3_bind_int64(s, 4, due);
		sqlite3_bind_int64(s, 5, f->id);
		if ((rc = store_step(c, s, "feedback", err)))
			return rc;
		/* The answer as approved, shown to the sender. */
		s = store_stmt(c, "INSERT INTO feedback_notes (feedback_id, at, actor, step, text,"
		                  " public) SELECT id, ?2, ?3, 'answer', answer, 1 FROM feedback"
		                  " WHERE id = ?1");
		if (s == NULL)
			return store_sql_error(c, "feedback note", err);
		sqlite3_bind_int64(s, 1, f->id);
		sqlite3_bind_int64(s, 2, now);
		sqlite3_bind_text(s, 3, who->actor, -1, SQLITE_STATIC);
		if ((rc = store_step(c, s, "feedback note", err)))
			return rc;
		/* The approved answer reaches the sender who consented
		 * (feedback_answered; publishing later sends nothing more). */
		return store_notify_feedback(st, f->id, who->actor, err);
	}

	if (strcmp(action, "publish") == 0) {
		static const char *const members[] = {"action", "question", "answer", NULL};
		const char *question, *public_answer;
		if ((rc = fb_members(req, members, err)) ||
		    (rc = fb_text(req, "question", false, FB_TEXT_MAX, &question, err)) ||
		    (rc = fb_text(req, "answer", false, FB_ANSWER_MAX, &public_answer, err)))
			return rc;
		if ((rc = fb_permit(who, f, head, action, err)))
			return rc;
		/* The question as published is written by staff: never the
		 * citizen's text as it came. */
		if (question == NULL)
			return mc_fail(err, MC_ERR_INVALID, "missing_field",
			               "Thiếu câu hỏi công khai",
			               "question is required: the question as published, without"
			               " personal data");
		/* Nothing of the sender reaches /public: the question as staff
		 * wrote it, and the answer (the approved one, or the version of it
		 * to publish, e.g. without the salutation that names the
		 * sender), without their name, phone or e-mail. */
		if ((rc = fb_no_personal_data(c, f, "question", question, err)) ||
		    (rc = fb_no_personal_data(c, f, "answer", public_answer, err)))
			return rc;
		s = store_stmt(c, "SELECT answer FROM feedback WHERE id = ? AND ?2 IS NULL");
		if (s == NULL)
			return store_sql_error(c, "feedback", err);
		sqlite3_bind_int64(s, 1, f->id);
		if (public_answer)
			sqlite3_bind_text(s, 2, public_answer, -1, SQLITE_STATIC);
		char *answer = sqlite3_step(s) == SQLITE_ROW
		                   ? strdup(store_col_text(s, 0) ? store_col_text(s, 0) : "")
		                   : NULL;
		sqlite3_reset(s);
		rc = fb_no_personal_data(c, f, "answer", answer, err);
		free(answer);
		if (rc)
			return rc;
		*status = "published";
		s = store_stmt(
		    c,
		    "UPDATE feedback SET status = 'published',"
		    " public_question = ?1, published_at = ?2, public_answer = ?4 WHERE id = ?3");
		if (s == NULL)
			return store_sql_error(c, "feedback", err);
		if (question)
			sqlite3_bind_text(s, 1, question, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, now);
		sqlite3_bind_int64(s, 3, f->id);
		if (public_answer)
			sqlite3_bind_text(s, 4, public_answer, -1, SQLITE_STATIC);
		return store_step(c, s, "feedback", err);
	}

	if (strcmp(action, "close") == 0) {
		static const char *const members[] = {"action", "note", NULL};
		const char *note;
		if ((rc = fb_members(req, members, err)) ||
		    (rc = fb_text(req, "note", anonymous, FB_TEXT_MAX, &note, err)))
			return rc;
		if ((rc = fb_permit(who, f, head, action, err)))
			return rc;
		*status = "closed";
		s = store_stmt(
		    c, "UPDATE feedback SET status = 'closed', closed_at = ?1 WHERE id = ?2");
		if (s == NULL)
			return store_sql_error(c, "feedback", err);
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_int64(s, 2, f->id);
		if ((rc = store_step(c, s, "feedback", err)))
			return rc;
		return note ? fb_note(c, f, now, who->actor, "close", note, false, err) : MC_OK;
	}

	if (strcmp(action, "set_subject") == 0) {
		static const char *const members[] = {"action", "user_id", NULL};
		if ((rc = fb_members(req, members, err)))
			return rc;
		json_t *v = json_object_get(req, "user_id");
		if (v == NULL)
			return mc_fail(err, MC_ERR_INVALID, "missing_field",
			               "Thiếu trường bắt buộc", "user_id is required (null: none)");
		if (!json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) <= 0))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			               "user_id is a user's id or null");
		if ((rc = fb_permit(who, f, head, action, err)))
			return rc;
		int64_t uid = json_is_null(v) ? 0 : json_integer_value(v);
		char name[201] = "";
		if (uid) {
			/* A staff account of the feedback's centre, of an office
			 * above it (a supervisor of the commune, who then may
			 * neither read the sender nor take a step), or of any
			 * office in the caller's scope (a processing office that
			 * handles the centre's dossiers). */
			s = store_stmt(c, "SELECT u.full_name FROM users u WHERE u.id = ?1"
			                  " AND u.role IN ('supervisor','counter','specialist')"
			                  " AND (u.office_id IN (SELECT office_id FROM office_paths"
			                  " WHERE ancestor_id = ?2) OR u.office_id IN (SELECT"
			                  " ancestor_id FROM office_paths WHERE office_id = ?2)"
			                  " OR " SCOPE_SQL("u.office_id") ")");
			if (s == NULL)
				return store_sql_error(c, "user", err);
			sqlite3_bind_int64(s, 1, uid);
			sqlite3_bind_int64(s, 2, f->office_id);
			store_bind_scope(s, who);
			int st2;
			bool found = store_next(s, &st2);
			if (found)
				fb_copy(name, sizeof name, store_col_text(s, 0));
			if ((rc = store_scan_end(c, s, st2, "user", err)))
				return rc;
			if (!found)
				return mc_fail(err, MC_ERR_NOT_FOUND, "user_not_found",
				               "Không có cán bộ này ở trung tâm của phản ánh",
				               "No such staff account in the feedback's centre");
		}
		/* The official it is about does not handle it: an assignee who
		 * becomes the subject is unassigned. */
		s = store_stmt(c, "UPDATE feedback SET subject_user_id = nullif(?1, 0),"
		                  " assigned_user_id = CASE WHEN assigned_user_id = ?1 THEN NULL"
		                  " ELSE assigned_user_id END,"
		                  " assigned_at = CASE WHEN assigned_user_id = ?1 THEN NULL"
		                  " ELSE assigned_at END WHERE id = ?2");
		if (s == NULL)
			return store_sql_error(c, "feedback", err);
		sqlite3_bind_int64(s, 1, uid);
		sqlite3_bind_int64(s, 2, f->id);
		if ((rc = store_step(c, s, "feedback", err)))
			return rc;
		return fb_note(c, f, now, who->actor, "set_subject", uid ? name : "Không xác định",
		               false, err);
	}

	if (strcmp(action, "link_repeat") == 0) {
		static const char *const members[] = {"action", "of", NULL};
		const char *of;
		if ((rc = fb_members(req, members, err)) ||
		    (rc = fb_text(req, "of", true, 31, &of, err)))
			return rc;
		if ((rc = fb_permit(who, f, head, action, err)))
			return rc;
		if (strcmp(of, f->code) == 0)
			return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			               "a feedback is not a repeat of itself");
		struct fb earlier;
		bool h2;
		if ((rc = fb_load(c, who, of, &earlier, &h2, err)))
			return rc;
		if (strcmp(earlier.kind, "pakn") != 0 || earlier.t.received_at > f->t.received_at ||
		    (earlier.t.received_at == f->t.received_at && earlier.id > f->id))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			               "of names an earlier feedback");
		s = store_stmt(c, "UPDATE feedback SET repeat_of = ?1 WHERE id = ?2");
		if (s == NULL)
			return store_sql_error(c, "feedback", err);
		sqlite3_bind_int64(s, 1, earlier.id);
		sqlite3_bind_int64(s, 2, f->id);
		if ((rc = store_step(c, s, "feedback", err)))
			return rc;
		return fb_note(c, f, now, who->actor, "link_repeat", earlier.code, false, err);
	}
	return mc_fail(err, MC_ERR_INVALID, "invalid_action", "Thao tác không hợp lệ",
	               "action is classify, assign, request_info, answer, approve, publish, close,"
	               " link_repeat or set_subject");
}

enum mc_err store_feedback_action(struct store *st, const struct principal *who, const char *code,
                                  json_t *req, int64_t now, json_t **out, struct mc_error *err)
{
	json_t *a = json_object_get(req, "action");
	if (a == NULL)
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		               "action is required");
	if (!json_is_string(a))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "action is text");
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	struct fb f;
	bool head;
	const char *status = NULL, *step = NULL;
	if ((rc = fb_load(c, who, code, &f, &head, err)) ||
	    (rc = fb_act(st, c, who, &f, head, req, now, &status, &step, err)) ||
	    (rc = feedback_event(st, who->actor, f.code, f.office_id, step, status, err))) {
		store_rollback(st);
		/* The text to publish at fault, named as the intake names its
		 * fields (fb_no_personal_data's message starts with it). */
		if (strcmp(err->code, "personal_data_in_public") == 0)
			*out = json_pack("{s:s}", "field",
			                 strncmp(err->message_en, "answer", 6) == 0 ? "answer"
			                                                            : "question");
		return rc;
	}
	if ((rc = store_commit(st, err)))
		return rc;
	return store_feedback_get(st, who, code, now, out, err);
}

/* ------------------------------------------------------------------------
 * The list. */

/* A text filter of q (NULL when absent). */
static const char *fb_q(json_t *q, const char *key)
{
	return json_string_value(json_object_get(q, key));
}

enum mc_err store_feedback_list(struct store *st, const struct principal *who, json_t *q,
                                int64_t now, json_t **out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	const char *status = fb_q(q, "status"), *cls = fb_q(q, "class"),
	           *channel = fb_q(q, "channel"), *office = fb_q(q, "office"),
	           *box = fb_q(q, "box");
	json_t *official = json_object_get(q, "official"), *page_v = json_object_get(q, "page");
	bool late_only = json_is_true(json_object_get(q, "late"));
	int page = json_is_integer(page_v) ? (int)json_integer_value(page_v) : 1;
	if (page < 1 || page > 100000)
		return mc_fail(err, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		               "page is a whole number from 1");
	if (status && feedback_status_text(status) == NULL)
		return mc_fail(err, MC_ERR_INVALID, "invalid_status", "Trạng thái không hợp lệ",
		               "Unknown status");
	if (cls && !feedback_class_valid(cls))
		return mc_fail(err, MC_ERR_INVALID, "invalid_class", "Loại phản ánh không hợp lệ",
		               "class is procedure, conduct, dossier or other");
	if (channel && !feedback_channel_valid(channel))
		return mc_fail(err, MC_ERR_INVALID, "invalid_channel",
		               "Kênh tiếp nhận không hợp lệ",
		               "channel is web, kiosk, hotline, letter, box or counter");
	bool anonymous = false;
	if (box) {
		if (strcmp(box, "anonymous") != 0)
			return mc_fail(err, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
			               "box is anonymous");
		if (!feedback_user_is_head(c, who->user_id))
			return mc_fail(err, MC_ERR_FORBIDDEN, "not_office_head",
			               "Chỉ trưởng đơn vị xem hộp tin báo không rõ danh tính",
			               "Only the office head reads the anonymous reports");
		anonymous = true;
	}
	int64_t office_id = 0;
	enum mc_err rc = store_office_in_scope(c, who, office, &office_id, err);
	if (rc)
		return rc;
	bool mine = !fb_supervising(who) && !anonymous;
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT " FB_COLS ", o.code, o.name, f.class, f.channel, f.sender_name,"
	                  " f.sender_address, f.sender_phone, f.sender_email, f.subject_name"
	                  " FROM feedback f JOIN offices o ON o.id = f.office_id"
	                  " WHERE f.kind = :kind AND " SCOPE_SQL(
	                      "f.office_id") " AND (:office = 0 OR f.office_id IN (SELECT "
	                                     "office_id FROM office_paths"
	                                     "  WHERE ancestor_id = :office))"
	                                     " AND (:status IS NULL OR f.status = :status)"
	                                     " AND (:class IS NULL OR f.class = :class)"
	                                     " AND (:channel IS NULL OR f.channel = :channel)"
	                                     " AND (:official = 0 OR f.subject_user_id = :official)"
	                                     " AND (:mine = 0 OR f.assigned_user_id = :me OR "
	                                     "f.entered_by = :actor)"
	                                     " ORDER BY f.received_at DESC, f.id DESC");
	if (s == NULL)
		return store_sql_error(c, "feedback list", err);
#define BIND_TEXT(name, v)                                                                         \
	do {                                                                                       \
		if (v)                                                                             \
			sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, name), v, -1,         \
			                  SQLITE_STATIC);                                          \
	} while (0)
	BIND_TEXT(":kind", anonymous ? "anonymous" : "pakn");
	BIND_TEXT(":status", status);
	BIND_TEXT(":class", cls);
	BIND_TEXT(":channel", channel);
	BIND_TEXT(":actor", who->actor);
#undef BIND_TEXT
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":office"), office_id);
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":official"),
	                   json_is_integer(official) ? json_integer_value(official) : 0);
	sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":mine"), mine);
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":me"), who->user_id);
	store_bind_scope(s, who);
	bool head = feedback_user_is_head(c, who->user_id);
	json_t *items = json_array();
	int64_t total = 0, first = (int64_t)(page - 1) * FB_PAGE_SIZE;
	int step;
	while (store_next(s, &step)) {
		struct fb f;
		fb_from_row(s, &f);
		if (!fb_visible(who, &f, head))
			continue;
		json_t *o = json_object();
		struct feedback_timing tm;
		fb_timing_json(&f, now, o, &tm);
		if (late_only && !tm.late) {
			json_decref(o);
			continue;
		}
		total++;
		if (total <= first || total > first + FB_PAGE_SIZE) {
			json_decref(o);
			continue;
		}
		json_object_del(o, "timing");
		const char *fc = store_col_text(s, FB_NCOLS + 2),
		           *ch = store_col_text(s, FB_NCOLS + 3);
		json_object_set_new(o, "code", json_string(f.code));
		json_object_set_new(o, "kind", json_string(f.kind));
		json_object_set_new(o, "class", json_string(fc));
		json_object_set_new(
		    o, "class_text",
		    json_string(feedback_class_text(fc) ? feedback_class_text(fc) : fc));
		json_object_set_new(o, "channel", json_string(ch));
		json_object_set_new(o, "status", json_string(f.status));
		json_object_set_new(o, "status_text",
		                    json_string(feedback_status_text(f.status)
		                                    ? feedback_status_text(f.status)
		                                    : f.status));
		json_object_set_new(o, "received_at", json_integer(f.t.received_at));
		json_object_set_new(o, "office",
		                    json_pack("{s:s, s:s}", "code", store_col_text(s, FB_NCOLS),
		                              "name", store_col_text(s, FB_NCOLS + 1)));
		json_object_set_new(o, "assigned", fb_user_json(c, f.assigned_user_id));
		json_object_set_new(o, "subject",
		                    json_pack("{s:o, s:o}", "name", fb_col_str(s, FB_NCOLS + 8),
		                              "user", fb_user_json(c, f.subject_user_id)));
		fb_sender_json(o, s, FB_NCOLS + 4, fb_sender_visible(who, &f, head), &f);
		json_array_append_new(items, o);
	}
	if ((rc = store_scan_end(c, s, step, "feedback list", err))) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:I, s:i, s:i, s:I, s:i}", "items", items, "total",
	                 (json_int_t)total, "page", page, "page_size", FB_PAGE_SIZE, "offset",
	                 (json_int_t)first, "limit", FB_PAGE_SIZE);
	return MC_OK;
}

/* ------------------------------------------------------------------------
 * Conduct reports per official, for the office head. */

enum mc_err store_feedback_conduct(struct store *st, const struct principal *who,
                                   const char *office, int64_t from, int64_t to, json_t **out,
                                   struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	if (!feedback_user_is_head(c, who->user_id))
		return mc_fail(err, MC_ERR_FORBIDDEN, "not_office_head",
		               "Chỉ trưởng đơn vị xem số phản ánh về cán bộ",
		               "Only the office head reads the conduct reports per official");
	int64_t office_id = 0;
	enum mc_err rc = store_office_in_scope(c, who, office, &office_id, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = store_stmt(
	    c,
	    "SELECT f.subject_user_id, u.full_name, o.code, o.name,"
	    " sum(f.kind = 'pakn'), sum(f.kind = 'anonymous'), count(*)"
	    " FROM feedback f JOIN users u ON u.id = f.subject_user_id"
	    " LEFT JOIN offices o ON o.id = u.office_id"
	    " WHERE f.subject_user_id IS NOT NULL"
	    " AND (f.class = 'conduct' OR f.kind = 'anonymous')"
	    " AND f.received_at >= :from AND f.received_at < :to"
	    " AND (:office = 0 OR f.office_id IN (SELECT office_id FROM office_paths"
	    "  WHERE ancestor_id = :office))"
	    " AND " SCOPE_SQL(
	        "f.office_id") " GROUP BY f.subject_user_id ORDER BY count(*) DESC, u.full_name");
	if (s == NULL)
		return store_sql_error(c, "feedback conduct", err);
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":from"), from);
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":to"), to);
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":office"), office_id);
	store_bind_scope(s, who);
	json_t *list = json_array();
	int step;
	while (store_next(s, &step))
		json_array_append_new(list,
		                      json_pack("{s:I, s:s, s:{s:o, s:o}, s:I, s:I, s:I}",
		                                "user_id", (json_int_t)sqlite3_column_int64(s, 0),
		                                "full_name", store_col_text(s, 1), "office", "code",
		                                fb_col_str(s, 2), "name", fb_col_str(s, 3), "pakn",
		                                (json_int_t)sqlite3_column_int64(s, 4), "anonymous",
		                                (json_int_t)sqlite3_column_int64(s, 5), "total",
		                                (json_int_t)sqlite3_column_int64(s, 6)));
	rc = store_scan_end(c, s, step, "feedback conduct", err);
	if (rc) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
	                 "officials", list);
	return MC_OK;
}

/* ------------------------------------------------------------------------
 * The published answers (public). */

enum mc_err store_feedback_answers(struct store *st, const char *q, const char *office, int page,
                                   json_t **out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	if (page < 1 || page > 100000)
		return mc_fail(err, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		               "page is a whole number from 1");
	int64_t office_id = 0;
	enum mc_err rc = store_office_in_scope(c, NULL, office, &office_id, err);
	if (rc)
		return rc;
	/* Only what was published, and only these columns: never a sender
	 * field, nor the original text unless published as the question. */
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT f.code, f.class, o.code, o.name, f.received_at, f.answered_at,"
	                  " f.published_at, f.public_question, coalesce(f.public_answer, f.answer)"
	                  " FROM feedback f JOIN offices o ON o.id = f.office_id"
	                  " WHERE f.kind = 'pakn' AND f.published_at IS NOT NULL"
	                  " AND (?1 = 0 OR f.office_id IN (SELECT office_id FROM office_paths"
	                  "  WHERE ancestor_id = ?1))"
	                  " ORDER BY f.published_at DESC, f.id DESC");
	if (s == NULL)
		return store_sql_error(c, "feedback answers", err);
	sqlite3_bind_int64(s, 1, office_id);
	json_t *items = json_array();
	int64_t total = 0, first = (int64_t)(page - 1) * FB_ANSWERS_PAGE_SIZE;
	bool search = q && q[0];
	int step;
	while (store_next(s, &step)) {
		const char *code = store_col_text(s, 0), *question = store_col_text(s, 7),
		           *answer = store_col_text(s, 8);
		if (search && !fold_vi_contains(question, q) && !fold_vi_contains(answer, q) &&
		    !fold_vi_contains(code, q))
			continue;
		total++;
		if (total <= first || total > first + FB_ANSWERS_PAGE_SIZE)
			continue;
		const char *cls = store_col_text(s, 1);
		json_array_append_new(
		    items,
		    json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:I, s:o, s:I, s:s, s:s}", "code",
		              code, "class", cls, "class_text",
		              feedback_class_text(cls) ? feedback_class_text(cls) : cls, "class_en",
		              feedback_class_en(cls) ? feedback_class_en(cls) : cls, "office",
		              "code", store_col_text(s, 2), "name", store_col_text(s, 3),
		              "received_at", (json_int_t)sqlite3_column_int64(s, 4), "answered_at",
		              fb_col_int(s, 5), "published_at",
		              (json_int_t)sqlite3_column_int64(s, 6), "question", question,
		              "answer", answer));
	}
	if ((rc = store_scan_end(c, s, step, "feedback answers", err))) {
		json_decref(items);
		return rc;
	}
	(void)st;
	*out = json_pack("{s:o, s:I, s:i, s:i, s:I, s:i}", "items", items, "total",
	                 (json_int_t)total, "page", page, "page_size", FB_ANSWERS_PAGE_SIZE,
	                 "offset", (json_int_t)first, "limit", FB_ANSWERS_PAGE_SIZE);
	return MC_OK;
}
