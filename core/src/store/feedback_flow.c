/* The handling of citizens' feedback (PAKN) and anonymous reports: the staff
 * actions of the workflow, the detail, the staff list, the conduct counts per
 * official and the public list of published answers (store/feedback.h,
 * docs/feedback.md). The intake and the sender's routes live in
 * store/feedback.c; the rules (who reads what, who may take which action
 * when) in domain/feedback.c:
 * - a feedback outside the caller's scope (SCOPE_SQL on its office) is not
 *   found;
 * - an anonymous report exists only for an office head (users.head) whose
 *   scope covers it;
 * - admins and supervisors read every PAKN of their scope; counter and
 *   specialist users only those assigned to them or that they typed in;
 * - the sender's name, address, phone, e-mail and the attachments reach
 *   admins, supervisors, heads and the assigned user (for a conduct report
 *   not a counter or specialist user even assigned), never the official the
 *   feedback is about (subject_user_id). */
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
#define FB_TARGET_MAX 300
#define FB_TEXT_MAX 4000

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
	char code[32], status[20], entered_by[32], decision[16];
	enum feedback_kind kind; /* parsed once from the row */
	bool has_draft, conduct; /* conduct: class 'conduct' */
	struct feedback_times t; /* t.decision points into decision (or NULL) */
};

static void fb_copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void fb_from_row(db_stmt *s, struct fb *f)
{
	memset(f, 0, sizeof *f);
	f->id = db_column_int64(s, 0);
	fb_copy(f->code, sizeof f->code, store_col_text(s, 1));
	f->kind = feedback_kind_of(store_col_text(s, 2));
	fb_copy(f->status, sizeof f->status, store_col_text(s, 3));
	f->office_id = db_column_int64(s, 4);
	f->subject_user_id = db_column_int64(s, 5);
	f->assigned_user_id = db_column_int64(s, 6);
	fb_copy(f->entered_by, sizeof f->entered_by, store_col_text(s, 7));
	f->has_draft = db_column_int(s, 8) != 0;
	f->conduct = db_column_int(s, 9) != 0;
	feedback_times_of_row(s, FB_TIMES_COL, &f->t, f->decision, sizeof f->decision);
	f->t.info_asked_at = db_column_int64(s, FB_ASKED_COL);
}

/* f as the rules read it (pointing into f). */
static struct feedback_state fb_state(const struct fb *f)
{
	return (struct feedback_state){.anonymous = f->kind == FEEDBACK_KIND_ANONYMOUS,
	                               .conduct = f->conduct,
	                               .has_draft = f->has_draft,
	                               .status = feedback_status_of(f->status),
	                               .subject_user_id = f->subject_user_id,
	                               .assigned_user_id = f->assigned_user_id,
	                               .entered_by = f->entered_by,
	                               .id = f->id,
	                               .received_at = f->t.received_at};
}

static struct feedback_actor fb_actor(const struct principal *who, bool head)
{
	return (struct feedback_actor){.user_id = who->user_id,
	                               .actor = who->actor,
	                               .supervising =
	                                   who->role == ROLE_ADMIN || who->role == ROLE_SUPERVISOR,
	                               .head = head};
}

static bool fb_visible(const struct principal *who, const struct fb *f, bool head)
{
	struct feedback_actor a = fb_actor(who, head);
	struct feedback_state s = fb_state(f);
	return feedback_visible(&a, &s);
}

static bool fb_sender_visible(const struct principal *who, const struct fb *f, bool head)
{
	struct feedback_actor a = fb_actor(who, head);
	struct feedback_state s = fb_state(f);
	return feedback_sender_visible(&a, &s);
}

/* err for refusal r (domain/feedback.h's table) of f. */
static enum mc_err fb_refuse(struct mc_error *err, enum feedback_refusal r, const struct fb *f)
{
	static const enum mc_err kinds[] = {[FEEDBACK_REFUSED_INVALID] = MC_ERR_INVALID,
	                                    [FEEDBACK_REFUSED_FORBIDDEN] = MC_ERR_FORBIDDEN,
	                                    [FEEDBACK_REFUSED_CONFLICT] = MC_ERR_CONFLICT};
	const struct feedback_refusal_text *t = feedback_refusal_text(r);
	if (r == FEEDBACK_WRONG_STATE) {
		/* The table's words with the status in place of its %s. */
		char en[256];
		const char *mark = strstr(t->en, "%s");
		snprintf(en, sizeof en, "%.*s%s%s", (int)(mark - t->en), t->en, f->status,
		         mark + 2);
		return mc_fail(err, kinds[t->kind], t->code, t->vi, en);
	}
	return mc_fail(err, kinds[t->kind], t->code, t->vi, t->en);
}

static enum mc_err fb_not_found(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_NOT_FOUND, "feedback_not_found",
	               "Không tìm thấy phản ánh, kiến nghị", "No such feedback");
}

/* Finds feedback code in who's scope on c into *f, and whether who is an
 * office head. MC_ERR_NOT_FOUND when absent, outside the scope or not
 * readable by who. */
static enum mc_err fb_load(struct store_conn *c, const struct principal *who, const char *code,
                           struct fb *f, bool *head, struct mc_error *err)
{
	if (code == NULL || strlen(code) == 0 || strlen(code) >= sizeof f->code)
		return fb_not_found(err);
	db_stmt *s = store_stmt(c, "SELECT " FB_COLS " FROM feedback f WHERE f.code = :code"
	                           " AND " SCOPE_SQL("f.office_id"));
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	db_bind_text(s, db_bind_parameter_index(s, ":code"), code, -1, DB_STATIC);
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

/* A text column: NULL for SQL NULL, else an owned copy. */
static char *fb_dup(db_stmt *s, int col)
{
	return db_column_type(s, col) == DB_NULL ? NULL : xstrdup(store_col_text(s, col));
}

static int64_t fb_int(db_stmt *s, int col)
{
	return db_column_int64(s, col);
}

/* The staff account id with its full name ("" when none); id 0: none. */
static struct feedback_user fb_user(struct store_conn *c, int64_t id)
{
	struct feedback_user u = {0};
	if (id <= 0)
		return u;
	u.id = id;
	db_stmt *s = store_stmt(c, "SELECT full_name FROM users WHERE id = ?");
	if (s != NULL) {
		db_bind_int64(s, 1, id);
		if (db_step(s) == DB_ROW)
			u.full_name = xstrdup(store_col_text(s, 0));
		db_reset(s);
	}
	if (u.full_name == NULL)
		u.full_name = xstrdup("");
	return u;
}

/* The sender's fields of the row at columns col.. (name, address, phone,
 * e-mail) as who may read them. */
static void fb_sender(struct feedback_sender *o, db_stmt *s, int col, bool visible,
                      const struct fb *f)
{
	memset(o, 0, sizeof *o);
	o->anonymous = f->kind == FEEDBACK_KIND_ANONYMOUS;
	o->visible = visible && !o->anonymous;
	if (!o->visible)
		return;
	o->name = fb_dup(s, col);
	o->address = fb_dup(s, col + 1);
	o->phone = fb_dup(s, col + 2);
	o->email = fb_dup(s, col + 3);
}

static void fb_sender_clear(struct feedback_sender *o)
{
	free(o->name);
	free(o->address);
	free(o->phone);
	free(o->email);
}

/* The verdicts of f at now; none for an anonymous report (no clock). */
static void fb_timing(const struct fb *f, int64_t now, struct feedback_timing *tm)
{
	memset(tm, 0, sizeof *tm);
	if (f->kind == FEEDBACK_KIND_PAKN)
		feedback_timing(&f->t, now, tm);
}

/* ---- the detail ---------------------------------------------------------- */

void feedback_detail_clear(struct feedback_detail *d)
{
	char **strs[] = {&d->class,
	                 &d->channel,
	                 &d->text,
	                 &d->office_code,
	                 &d->office_name,
	                 &d->dossier,
	                 &d->subject_name,
	                 &d->forwarded_to,
	                 &d->entered_by,
	                 &d->answer_draft,
	                 &d->answer,
	                 &d->public_question,
	                 &d->public_answer,
	                 &d->repeat_of,
	                 &d->reaction,
	                 &d->subject.full_name,
	                 &d->assigned.full_name,
	                 &d->answered_by.full_name};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	fb_sender_clear(&d->sender);
	for (size_t i = 0; i < d->nnotes; i++) {
		free(d->notes[i].actor);
		free(d->notes[i].actor_name);
		free(d->notes[i].step);
		free(d->notes[i].text);
	}
	free(d->notes);
	for (size_t i = 0; i < d->nevents; i++) {
		free(d->events[i].actor);
		free(d->events[i].actor_name);
		free(d->events[i].action);
		free(d->events[i].details);
	}
	free(d->events);
	for (size_t i = 0; i < d->nfiles; i++) {
		free(d->files[i].name);
		free(d->files[i].mime);
		free(d->files[i].sha256);
	}
	free(d->files);
	memset(d, 0, sizeof *d);
}

/* The feedback row's own columns into d. */
static enum mc_err fb_detail_row(struct store_conn *c, const struct principal *who,
                                 const struct fb *f, bool head, struct feedback_detail *d,
                                 struct mc_error *err)
{
	db_stmt *s = store_stmt(
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
	db_bind_int64(s, 1, f->id);
	int step;
	if (!store_next(s, &step)) {
		enum mc_err rc = store_scan_end(c, s, step, "feedback", err);
		return rc ? rc : fb_not_found(err);
	}
	d->class = fb_dup(s, 0);
	d->channel = fb_dup(s, 1);
	d->text = fb_dup(s, 2);
	d->office_code = fb_dup(s, 3);
	d->office_name = fb_dup(s, 4);
	d->dossier = fb_dup(s, 5);
	d->subject_counter_no = fb_int(s, 6);
	d->subject_name = fb_dup(s, 7);
	fb_sender(&d->sender, s, 8, fb_sender_visible(who, f, head), f);
	d->forwarded_to = fb_dup(s, 12);
	d->assigned_at = fb_int(s, 13);
	d->info_asked_at = fb_int(s, 14);
	d->info_received_at = fb_int(s, 15);
	d->answer_draft = fb_dup(s, 16);
	d->answer = fb_dup(s, 17);
	d->public_question = fb_dup(s, 18);
	d->repeat_of = fb_dup(s, 19);
	d->reaction = fb_dup(s, 20);
	d->reacted_at = fb_int(s, 21);
	int64_t answered_by = fb_int(s, 22);
	d->repeated = fb_int(s, 23);
	d->public_answer = fb_dup(s, 24);
	enum mc_err rc = store_scan_end(c, s, DB_ROW, "feedback", err);
	d->subject = fb_user(c, f->subject_user_id);
	d->assigned = fb_user(c, f->assigned_user_id);
	d->answered_by = fb_user(c, answered_by);
	return rc;
}

/* The notes: texts of the steps, the public ones shown to the sender. */
static enum mc_err fb_detail_notes(struct store_conn *c, const struct fb *f,
                                   struct feedback_detail *d, struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT n.at, n.actor, n.step, n.text, n.public,"
	                           " u.full_name FROM feedback_notes n LEFT JOIN users u"
	                           " ON n.actor = 'user:' || u.id"
	                           " WHERE n.feedback_id = ? ORDER BY n.id");
	if (s == NULL)
		return store_sql_error(c, "feedback notes", err);
	db_bind_int64(s, 1, f->id);
	int step;
	while (store_next(s, &step)) {
		d->notes = xreallocarray(d->notes, d->nnotes + 1, sizeof *d->notes);
		d->notes[d->nnotes++] =
		    (struct feedback_note_row){.at = fb_int(s, 0),
		                               .actor = xstrdup(store_col_text(s, 1)),
		                               .actor_name = fb_dup(s, 5),
		                               .step = xstrdup(store_col_text(s, 2)),
		                               .text = xstrdup(store_col_text(s, 3)),
		                               .public = db_column_int(s, 4) != 0};
	}
	return store_scan_end(c, s, step, "feedback notes", err);
}

/* The events of the audit chain about f (details as stored). */
static enum mc_err fb_detail_events(struct store_conn *c, const struct fb *f,
                                    struct feedback_detail *d, struct mc_error *err)
{
	db_stmt *s =
	    store_stmt(c, "SELECT e.id, e.at, e.actor, e.action, e.details, u.full_name"
	                  " FROM events e LEFT JOIN users u ON e.actor = 'user:' || u.id"
	                  " WHERE e.entity = 'feedback' AND e.entity_id = ? ORDER BY e.id");
	if (s == NULL)
		return store_sql_error(c, "feedback events", err);
	db_bind_text(s, 1, f->code, -1, DB_STATIC);
	int step;
	while (store_next(s, &step)) {
		d->events = xreallocarray(d->events, d->nevents + 1, sizeof *d->events);
		d->events[d->nevents++] =
		    (struct feedback_event_row){.id = fb_int(s, 0),
		                                .at = fb_int(s, 1),
		                                .actor = xstrdup(store_col_text(s, 2)),
		                                .actor_name = fb_dup(s, 5),
		                                .action = xstrdup(store_col_text(s, 3)),
		                                .details = fb_dup(s, 4)};
	}
	return store_scan_end(c, s, step, "feedback events", err);
}

/* The attachments, for those who may read the sender. */
static enum mc_err fb_detail_files(struct store_conn *c, const struct fb *f,
                                   struct feedback_detail *d, struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT n, name, mime, size, sha256 FROM feedback_files"
	                           " WHERE feedback_id = ? ORDER BY n");
	if (s == NULL)
		return store_sql_error(c, "feedback files", err);
	db_bind_int64(s, 1, f->id);
	int step;
	while (store_next(s, &step)) {
		d->files = xreallocarray(d->files, d->nfiles + 1, sizeof *d->files);
		d->files[d->nfiles++] =
		    (struct feedback_file_row){.n = db_column_int(s, 0),
		                               .name = xstrdup(store_col_text(s, 1)),
		                               .mime = xstrdup(store_col_text(s, 2)),
		                               .size = fb_int(s, 3),
		                               .sha256 = xstrdup(store_col_text(s, 4))};
	}
	return store_scan_end(c, s, step, "feedback files", err);
}

/* The detail of f for who (fb_load found it) into *d; the actions who may
 * take on it now (feedback_permit). */
static enum mc_err fb_detail(struct store_conn *c, const struct principal *who, const struct fb *f,
                             bool head, int64_t now, struct feedback_detail *d,
                             struct mc_error *err)
{
	memset(d, 0, sizeof *d);
	fb_copy(d->code, sizeof d->code, f->code);
	fb_copy(d->kind, sizeof d->kind, feedback_kind_name(f->kind));
	fb_copy(d->status, sizeof d->status, f->status);
	fb_copy(d->decision, sizeof d->decision, f->decision);
	d->entered_by = f->entered_by[0] ? xstrdup(f->entered_by) : NULL;
	d->t = f->t;
	d->t.decision = f->t.decision ? d->decision : NULL;
	d->head = head;
	fb_timing(f, now, &d->timing);
	struct feedback_actor a = fb_actor(who, head);
	struct feedback_state st = fb_state(f);
	for (int i = 0; i < FEEDBACK_ACTIONS; i++)
		d->actions[i] = feedback_permit(&a, &st, (enum feedback_action)i) == FEEDBACK_OK;
	enum mc_err rc = fb_detail_row(c, who, f, head, d, err);
	if (rc == MC_OK)
		rc = fb_detail_notes(c, f, d, err);
	if (rc == MC_OK)
		rc = fb_detail_events(c, f, d, err);
	if (rc == MC_OK && fb_sender_visible(who, f, head))
		rc = fb_detail_files(c, f, d, err);
	if (rc)
		feedback_detail_clear(d);
	return rc;
}

enum mc_err store_feedback_get(struct store *st, const struct principal *who, const char *code,
                               int64_t now, struct feedback_detail *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	struct store_conn *c = store_read_conn(st);
	struct fb f;
	bool head;
	enum mc_err rc = fb_load(c, who, code, &f, &head, err);
	if (rc)
		return rc;
	return fb_detail(c, who, &f, head, now, out, err);
}

/* ---- the actions ----------------------------------------------------------- */

/* Adds a note (the text of a step) to f. */
static enum mc_err fb_note(struct store_conn *c, const struct fb *f, int64_t now, const char *actor,
                           enum feedback_note_step step, const char *text, bool public,
                           struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "INSERT INTO feedback_notes (feedback_id, at, actor, step,"
	                           " text, public) VALUES (?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return store_sql_error(c, "feedback note", err);
	db_bind_int64(s, 1, f->id);
	db_bind_int64(s, 2, now);
	db_bind_text(s, 3, actor, -1, DB_STATIC);
	db_bind_text(s, 4, feedback_note_step_name(step), -1, DB_STATIC);
	db_bind_text(s, 5, text, -1, DB_STATIC);
	db_bind_int(s, 6, public);
	return store_step(c, s, "feedback note", err);
}

/* A new copy of text folded (util/fold.h). */
static char *fb_fold(const char *text)
{
	size_t n = strlen(text) + 1;
	char *out = xmalloc(n);
	fold_vi(text, out, n);
	return out;
}

/* Whether text holds the sender's name, phone or e-mail
 * (feedback_text_holds_sender, on the texts folded here). */
static bool fb_holds_sender(const char *text, const char *name, const char *phone,
                            const char *email)
{
	char *ft = fb_fold(text), *fn = fb_fold(name), *fe = fb_fold(email);
	struct feedback_sender_id id = {fn, phone, email, fe};
	bool hit = feedback_text_holds_sender(text, ft, &id);
	free(ft);
	free(fn);
	free(fe);
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
	db_stmt *s = store_stmt(c, "SELECT coalesce(sender_name, ''), coalesce(sender_phone,"
	                           " ''), coalesce(sender_email, '') FROM feedback WHERE id = ?");
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	db_bind_int64(s, 1, f->id);
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
	mc_failf(err, MC_ERR_INVALID, "personal_data_in_public",
	         q ? "Câu hỏi công khai còn họ tên, số điện thoại hoặc thư điện tử của người"
	             " gửi: hãy bỏ thông tin cá nhân"
	           : "Câu trả lời công khai còn họ tên, số điện thoại hoặc thư điện tử của"
	             " người gửi: hãy bỏ thông tin cá nhân",
	         "%s (to publish) holds the sender's name, phone or e-mail: remove the"
	         " personal data",
	         field);
	/* The text at fault, named as the intake names its fields. */
	return mc_error_field(err, field);
}

/* What an apply function works on: the action permitted on f. */
struct fb_act {
	struct store *st;
	struct store_conn *c;
	const struct principal *who;
	struct fb *f;
	const struct feedback_action_cmd *cmd;
	int64_t now;
};

/* Binds text at i, or leaves NULL. */
static void fb_bind_text(db_stmt *s, int i, const char *text)
{
	if (text)
		db_bind_text(s, i, text, -1, DB_STATIC);
}

static enum mc_err fb_apply_classify(const struct fb_act *x, struct mc_error *err)
{
	const struct feedback_action_cmd *cmd = x->cmd;
	bool reject = cmd->decision == FEEDBACK_REJECT, fwd = cmd->decision == FEEDBACK_FORWARD;
	struct feedback_state st = fb_state(x->f);
	db_stmt *s =
	    store_stmt(x->c, "UPDATE feedback SET status = ?1, decision = ?2, classified_at = ?3,"
	                     " forwarded_to = ?4 WHERE id = ?5");
	if (s == NULL)
		return store_sql_error(x->c, "feedback", err);
	enum feedback_status next = feedback_status_after(&st, FEEDBACK_CLASSIFY, cmd->decision);
	db_bind_text(s, 1, feedback_status_name(next), -1, DB_STATIC);
	db_bind_text(s, 2, feedback_decision_name(cmd->decision), -1, DB_STATIC);
	db_bind_int64(s, 3, x->now);
	if (fwd)
		fb_bind_text(s, 4, cmd->to);
	db_bind_int64(s, 5, x->f->id);
	enum mc_err rc = store_step(x->c, s, "feedback", err);
	if (rc)
		return rc;
	const char *actor = x->who->actor;
	if (reject)
		return fb_note(x->c, x->f, x->now, actor, FEEDBACK_NOTE_REJECT, cmd->reason, true,
		               err);
	if (fwd) {
		char text[FB_TARGET_MAX + FB_TEXT_MAX + 8];
		snprintf(text, sizeof text, "%s%s%s", cmd->to, cmd->reason ? ": " : "",
		         cmd->reason ? cmd->reason : "");
		return fb_note(x->c, x->f, x->now, actor, FEEDBACK_NOTE_FORWARD, text, true, err);
	}
	if (cmd->reason)
		return fb_note(x->c, x->f, x->now, actor, FEEDBACK_NOTE_ACCEPT, cmd->reason, false,
		               err);
	return MC_OK;
}

/* The full name of active staff account uid in who's scope (user_not_found
 * otherwise). */
static enum mc_err fb_assignee(struct store_conn *c, const struct principal *who, int64_t uid,
                               char name[201], struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT u.full_name FROM users u WHERE u.id = :id"
	                           " AND u.active = 1"
	                           " AND u.role IN ('supervisor','counter','specialist')"
	                           " AND " SCOPE_SQL("u.office_id"));
	if (s == NULL)
		return store_sql_error(c, "user", err);
	db_bind_int64(s, db_bind_parameter_index(s, ":id"), uid);
	store_bind_scope(s, who);
	int step;
	bool found = store_next(s, &step);
	if (found)
		fb_copy(name, 201, store_col_text(s, 0));
	enum mc_err rc = store_scan_end(c, s, step, "user", err);
	if (rc)
		return rc;
	return found ? MC_OK
	             : mc_fail(err, MC_ERR_NOT_FOUND, "user_not_found", "Không có cán bộ này",
	                       "No such active staff account in scope");
}

static enum mc_err fb_apply_assign(const struct fb_act *x, struct mc_error *err)
{
	int64_t uid = x->cmd->user_id;
	char name[201] = "";
	enum mc_err rc = fb_assignee(x->c, x->who, uid, name, err);
	if (rc)
		return rc;
	if (uid == x->f->subject_user_id)
		return fb_refuse(err, FEEDBACK_SUBJECT_HANDLES, x->f);
	/* The assignee must read it: their office is the feedback's office or
	 * one above it. */
	db_stmt *s = store_stmt(x->c, "SELECT 1 FROM users u JOIN office_paths p"
	                              " ON p.ancestor_id = u.office_id AND p.office_id = ?2"
	                              " WHERE u.id = ?1");
	if (s == NULL)
		return store_sql_error(x->c, "user", err);
	db_bind_int64(s, 1, uid);
	db_bind_int64(s, 2, x->f->office_id);
	int step;
	bool found = store_next(s, &step);
	if ((rc = store_scan_end(x->c, s, step, "user", err)))
		return rc;
	if (!found)
		return mc_fail(err, MC_ERR_CONFLICT, "assignee_out_of_scope",
		               "Cán bộ này không thuộc đơn vị xử lý phản ánh, kiến nghị này",
		               "This official's office does not cover the feedback's centre");
	s = store_stmt(x->c, "UPDATE feedback SET assigned_user_id = ?1, assigned_at = ?2"
	                     " WHERE id = ?3");
	if (s == NULL)
		return store_sql_error(x->c, "feedback", err);
	db_bind_int64(s, 1, uid);
	db_bind_int64(s, 2, x->now);
	db_bind_int64(s, 3, x->f->id);
	if ((rc = store_step(x->c, s, "feedback", err)))
		return rc;
	/* Whom it was given to, for the history. */
	return fb_note(x->c, x->f, x->now, x->who->actor, FEEDBACK_NOTE_ASSIGN, name, false, err);
}

/* request_info (asks the sender: the answer's clock pauses) and answer
 * (keeps a draft). */
static enum mc_err fb_apply_text(const struct fb_act *x, struct mc_error *err)
{
	bool info = x->cmd->action == FEEDBACK_REQUEST_INFO;
	db_stmt *s =
	    info ? store_stmt(x->c, "UPDATE feedback SET status = 'info_requested',"
	                            " info_requested_at = coalesce(info_requested_at, ?1),"
	                            " info_asked_at = ?1 WHERE id = ?2")
	         : store_stmt(x->c,
	                      "UPDATE feedback SET answer_draft = ?3 WHERE id = ?2 AND ?1 > 0");
	if (s == NULL)
		return store_sql_error(x->c, "feedback", err);
	db_bind_int64(s, 1, x->now);
	db_bind_int64(s, 2, x->f->id);
	if (!info)
		fb_bind_text(s, 3, x->cmd->text);
	enum mc_err rc = store_step(x->c, s, "feedback", err);
	if (rc)
		return rc;
	return fb_note(x->c, x->f, x->now, x->who->actor,
	               info ? FEEDBACK_NOTE_INFO_REQUEST : FEEDBACK_NOTE_ANSWER_DRAFT, x->cmd->text,
	               info, err);
}

static enum mc_err fb_apply_approve(const struct fb_act *x, struct mc_error *err)
{
	struct feedback_limits lim;
	struct feedback_clocks ck;
	int64_t due[FEEDBACK_STEPS];
	enum mc_err rc;
	if ((rc = feedback_limits_read(x->st, &lim, err)))
		return rc;
	/* Never anonymous here: feedback_permit refuses the approval of a report. */
	feedback_clocks_of(&lim, FEEDBACK_CLOCKS_APPROVED, false, &ck);
	if ((rc = feedback_clocks_due(x->st, &ck, x->now, due, err)))
		return rc;
	db_stmt *s = store_stmt(x->c, "UPDATE feedback SET status = 'answered',"
	                              " answer = coalesce(?1, answer_draft), answered_at = ?2,"
	                              " answered_by = ?3, publish_due_at = ?4 WHERE id = ?5");
	if (s == NULL)
		return store_sql_error(x->c, "feedback", err);
	fb_bind_text(s, 1, x->cmd->text);
	db_bind_int64(s, 2, x->now);
	db_bind_int64(s, 3, x->who->user_id);
	db_bind_int64(s, 4, due[FEEDBACK_STEP_PUBLISH]);
	db_bind_int64(s, 5, x->f->id);
	if ((rc = store_step(x->c, s, "feedback", err)))
		return rc;
	/* The answer as approved, shown to the sender. */
	s = store_stmt(x->c, "INSERT INTO feedback_notes (feedback_id, at, actor, step, text,"
	                     " public) SELECT id, ?2, ?3, 'answer', answer, 1 FROM feedback"
	                     " WHERE id = ?1");
	if (s == NULL)
		return store_sql_error(x->c, "feedback note", err);
	db_bind_int64(s, 1, x->f->id);
	db_bind_int64(s, 2, x->now);
	db_bind_text(s, 3, x->who->actor, -1, DB_STATIC);
	if ((rc = store_step(x->c, s, "feedback note", err)))
		return rc;
	/* The approved answer reaches the sender who consented
	 * (feedback_answered; publishing later sends nothing more). */
	return store_notify_feedback(x->st, x->f->id, x->who->actor, err);
}

static enum mc_err fb_apply_publish(const struct fb_act *x, struct mc_error *err)
{
	const char *question = x->cmd->question, *public_answer = x->cmd->answer;
	/* Nothing of the sender reaches /public: the question as staff wrote
	 * it, and the answer (the approved one, or the version of it to
	 * publish, e.g. without the salutation that names the sender), without
	 * their name, phone or e-mail. */
	enum mc_err rc;
	if ((rc = fb_no_personal_data(x->c, x->f, "question", question, err)) ||
	    (rc = fb_no_personal_data(x->c, x->f, "answer", public_answer, err)))
		return rc;
	db_stmt *s = store_stmt(x->c, "SELECT answer FROM feedback WHERE id = ?1"
	                              " AND CAST(?2 AS TEXT) IS NULL");
	if (s == NULL)
		return store_sql_error(x->c, "feedback", err);
	db_bind_int64(s, 1, x->f->id);
	fb_bind_text(s, 2, public_answer);
	char *answer = db_step(s) == DB_ROW ? xstrdup(store_col_text(s, 0)) : NULL;
	db_reset(s);
	rc = fb_no_personal_data(x->c, x->f, "answer", answer, err);
	free(answer);
	if (rc)
		return rc;
	s = store_stmt(x->c, "UPDATE feedback SET status = 'published', public_question = ?1,"
	                     " published_at = ?2, public_answer = ?4 WHERE id = ?3");
	if (s == NULL)
		return store_sql_error(x->c, "feedback", err);
	fb_bind_text(s, 1, question);
	db_bind_int64(s, 2, x->now);
	db_bind_int64(s, 3, x->f->id);
	fb_bind_text(s, 4, public_answer);
	return store_step(x->c, s, "feedback", err);
}

static enum mc_err fb_apply_close(const struct fb_act *x, struct mc_error *err)
{
	db_stmt *s =
	    store_stmt(x->c, "UPDATE feedback SET status = 'closed', closed_at = ?1 WHERE id = ?2");
	if (s == NULL)
		return store_sql_error(x->c, "feedback", err);
	db_bind_int64(s, 1, x->now);
	db_bind_int64(s, 2, x->f->id);
	enum mc_err rc = store_step(x->c, s, "feedback", err);
	if (rc || x->cmd->note == NULL)
		return rc;
	return fb_note(x->c, x->f, x->now, x->who->actor, FEEDBACK_NOTE_CLOSE, x->cmd->note, false,
	               err);
}

static enum mc_err fb_apply_set_subject(const struct fb_act *x, struct mc_error *err)
{
	int64_t uid = x->cmd->user_id;
	char name[201] = "";
	enum mc_err rc;
	db_stmt *s;
	if (uid) {
		/* A staff account of the feedback's centre, of an office above it
		 * (a supervisor of the commune, who then may neither read the
		 * sender nor take a step), or of any office in the caller's
		 * scope (a processing office that handles the centre's dossiers). */
		s = store_stmt(x->c, "SELECT u.full_name FROM users u WHERE u.id = ?1"
		                     " AND u.role IN ('supervisor','counter','specialist')"
		                     " AND (u.office_id IN (SELECT office_id FROM office_paths"
		                     " WHERE ancestor_id = ?2) OR u.office_id IN (SELECT"
		                     " ancestor_id FROM office_paths WHERE office_id = ?2)"
		                     " OR " SCOPE_SQL("u.office_id") ")");
		if (s == NULL)
			return store_sql_error(x->c, "user", err);
		db_bind_int64(s, 1, uid);
		db_bind_int64(s, 2, x->f->office_id);
		store_bind_scope(s, x->who);
		int step;
		bool found = store_next(s, &step);
		if (found)
			fb_copy(name, sizeof name, store_col_text(s, 0));
		if ((rc = store_scan_end(x->c, s, step, "user", err)))
			return rc;
		if (!found)
			return mc_fail(err, MC_ERR_NOT_FOUND, "user_not_found",
			               "Không có cán bộ này ở trung tâm của phản ánh",
			               "No such staff account in the feedback's centre");
	}
	/* The official it is about does not handle it: an assignee who becomes
	 * the subject is unassigned. */
	s = store_stmt(x->c, "UPDATE feedback SET subject_user_id = nullif(?1, 0),"
	                     " assigned_user_id = CASE WHEN assigned_user_id = ?1 THEN NULL"
	                     " ELSE assigned_user_id END,"
	                     " assigned_at = CASE WHEN assigned_user_id = ?1 THEN NULL"
	                     " ELSE assigned_at END WHERE id = ?2");
	if (s == NULL)
		return store_sql_error(x->c, "feedback", err);
	db_bind_int64(s, 1, uid);
	db_bind_int64(s, 2, x->f->id);
	if ((rc = store_step(x->c, s, "feedback", err)))
		return rc;
	return fb_note(x->c, x->f, x->now, x->who->actor, FEEDBACK_NOTE_SET_SUBJECT,
	               uid ? name : "Không xác định", false, err);
}

static enum mc_err fb_apply_link_repeat(const struct fb_act *x, struct mc_error *err)
{
	const char *of = x->cmd->of;
	if (strcmp(of, x->f->code) == 0)
		return fb_refuse(err, FEEDBACK_REPEAT_OF_ITSELF, x->f);
	struct fb earlier;
	bool h2;
	enum mc_err rc = fb_load(x->c, x->who, of, &earlier, &h2, err);
	if (rc)
		return rc;
	struct feedback_state fs = fb_state(x->f), es = fb_state(&earlier);
	if (!feedback_repeat_ok(&fs, &es))
		return fb_refuse(err, FEEDBACK_REPEAT_NOT_EARLIER, x->f);
	db_stmt *s = store_stmt(x->c, "UPDATE feedback SET repeat_of = ?1 WHERE id = ?2");
	if (s == NULL)
		return store_sql_error(x->c, "feedback", err);
	db_bind_int64(s, 1, earlier.id);
	db_bind_int64(s, 2, x->f->id);
	if ((rc = store_step(x->c, s, "feedback", err)))
		return rc;
	return fb_note(x->c, x->f, x->now, x->who->actor, FEEDBACK_NOTE_LINK_REPEAT, earlier.code,
	               false, err);
}

/* The writes of each action, once the rules allowed it. */
static enum mc_err (*const fb_apply[FEEDBACK_ACTIONS])(const struct fb_act *, struct mc_error *) = {
    [FEEDBACK_CLASSIFY] = fb_apply_classify,
    [FEEDBACK_ASSIGN] = fb_apply_assign,
    [FEEDBACK_REQUEST_INFO] = fb_apply_text,
    [FEEDBACK_ANSWER] = fb_apply_text,
    [FEEDBACK_APPROVE] = fb_apply_approve,
    [FEEDBACK_PUBLISH] = fb_apply_publish,
    [FEEDBACK_CLOSE] = fb_apply_close,
    [FEEDBACK_SET_SUBJECT] = fb_apply_set_subject,
    [FEEDBACK_LINK_REPEAT] = fb_apply_link_repeat,
};

/* The rules in their order, then the action's writes and its event, on the
 * writer inside the transaction. */
static enum mc_err fb_act(struct store *st, const struct principal *who, const char *code,
                          const struct feedback_action_cmd *cmd, int64_t now, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	struct fb f;
	bool head;
	enum mc_err rc = fb_load(c, who, code, &f, &head, err);
	if (rc)
		return rc;
	struct feedback_actor a = fb_actor(who, head);
	struct feedback_state fs = fb_state(&f);
	/* The official it is about takes no step of its handling. */
	enum feedback_refusal r = feedback_permit_who(&a, &fs, cmd->action);
	if (r != FEEDBACK_OK)
		return fb_refuse(err, r, &f);
	if (cmd->parse_rc) {
		*err = cmd->parse_err;
		return cmd->parse_rc;
	}
	/* An anonymous report is closed with a note. */
	if (cmd->action == FEEDBACK_CLOSE && fs.anonymous && cmd->note == NULL)
		return fb_refuse(err, FEEDBACK_NOTE_REQUIRED, &f);
	if ((r = feedback_permit(&a, &fs, cmd->action)) != FEEDBACK_OK ||
	    (r = feedback_check_content(&fs, cmd->action, cmd->text != NULL,
	                                cmd->question != NULL)) != FEEDBACK_OK)
		return fb_refuse(err, r, &f);
	struct fb_act x = {st, c, who, &f, cmd, now};
	if ((rc = fb_apply[cmd->action](&x, err)))
		return rc;
	return feedback_event(
	    st, who->actor, f.code, f.office_id, feedback_action_name(cmd->action),
	    feedback_status_name(feedback_status_after(&fs, cmd->action, cmd->decision)), err);
}

enum mc_err store_feedback_action(struct store *st, const struct principal *who, const char *code,
                                  const struct feedback_action_cmd *cmd, int64_t now,
                                  struct feedback_detail *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	if ((rc = fb_act(st, who, code, cmd, now, err))) {
		store_rollback(st);
		return rc;
	}
	if ((rc = store_commit(st, err)))
		return rc;
	return store_feedback_get(st, who, code, now, out, err);
}

/* ---- the list ------------------------------------------------------------------ */

void feedback_list_clear(struct feedback_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct feedback_list_item *it = &l->items[i];
		free(it->class);
		free(it->channel);
		free(it->office_code);
		free(it->office_name);
		free(it->subject_name);
		free(it->assigned.full_name);
		free(it->subject.full_name);
		fb_sender_clear(&it->sender);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* Checks the filters of q that name words; *anonymous for box=anonymous
 * (heads only). */
static enum mc_err fb_list_check(struct store_conn *c, const struct principal *who,
                                 const struct feedback_list_query *q, bool *anonymous,
                                 struct mc_error *err)
{
	*anonymous = false;
	if (q->page < 1 || q->page > 100000)
		return mc_fail(err, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		               "page is a whole number from 1");
	if (q->status && feedback_status_text(q->status) == NULL)
		return mc_fail(err, MC_ERR_INVALID, "invalid_status", "Trạng thái không hợp lệ",
		               "Unknown status");
	if (q->class && !feedback_class_valid(q->class))
		return mc_fail(err, MC_ERR_INVALID, "invalid_class", "Loại phản ánh không hợp lệ",
		               "class is procedure, conduct, dossier or other");
	if (q->channel && !feedback_channel_valid(q->channel))
		return mc_fail(err, MC_ERR_INVALID, "invalid_channel",
		               "Kênh tiếp nhận không hợp lệ",
		               "channel is web, kiosk, hotline, letter, box or counter");
	if (q->box == NULL)
		return MC_OK;
	if (feedback_kind_of(q->box) != FEEDBACK_KIND_ANONYMOUS)
		return mc_fail(err, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		               "box is anonymous");
	if (!feedback_user_is_head(c, who->user_id))
		return mc_fail(err, MC_ERR_FORBIDDEN, "not_office_head",
		               "Chỉ trưởng đơn vị xem hộp tin báo không rõ danh tính",
		               "Only the office head reads the anonymous reports");
	*anonymous = true;
	return MC_OK;
}

/* The list's query with q's filters bound. */
static db_stmt *fb_list_stmt(struct store_conn *c, const struct principal *who,
                             const struct feedback_list_query *q, bool anonymous, int64_t office_id)
{
	db_stmt *s = store_stmt(
	    c, "SELECT " FB_COLS ", o.code, o.name, f.class, f.channel, f.sender_name,"
	       " f.sender_address, f.sender_phone, f.sender_email, f.subject_name"
	       " FROM feedback f JOIN offices o ON o.id = f.office_id"
	       " WHERE f.kind = :kind AND " SCOPE_SQL(
	           "f.office_id") " AND (:office = 0 OR f.office_id IN (SELECT "
	                          "office_id FROM office_paths"
	                          "  WHERE ancestor_id = :office))"
	                          " AND (CAST(:status AS TEXT) IS NULL OR f.status = :status)"
	                          " AND (CAST(:class AS TEXT) IS NULL OR f.class = :class)"
	                          " AND (CAST(:channel AS TEXT) IS NULL OR f.channel = :channel)"
	                          " AND (:official = 0 OR f.subject_user_id = :official)"
	                          " AND (:mine = 0 OR f.assigned_user_id = :me OR "
	                          "f.entered_by = :actor)"
	                          " ORDER BY f.received_at DESC, f.id DESC");
	if (s == NULL)
		return NULL;
	const struct {
		const char *name, *v;
	} texts[] = {
	    {":kind", feedback_kind_name(anonymous ? FEEDBACK_KIND_ANONYMOUS : FEEDBACK_KIND_PAKN)},
	    {":status", q->status},
	    {":class", q->class},
	    {":channel", q->channel},
	    {":actor", who->actor}};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (texts[i].v)
			db_bind_text(s, db_bind_parameter_index(s, texts[i].name), texts[i].v, -1,
			             DB_STATIC);
	bool supervising = who->role == ROLE_ADMIN || who->role == ROLE_SUPERVISOR;
	db_bind_int64(s, db_bind_parameter_index(s, ":office"), office_id);
	db_bind_int64(s, db_bind_parameter_index(s, ":official"), q->official);
	db_bind_int(s, db_bind_parameter_index(s, ":mine"), !supervising && !anonymous);
	db_bind_int64(s, db_bind_parameter_index(s, ":me"), who->user_id);
	store_bind_scope(s, who);
	return s;
}

/* The current row of the list's query as an item. */
static void fb_list_item(struct store_conn *c, db_stmt *s, const struct fb *f,
                         const struct feedback_timing *tm, bool sender_visible,
                         struct feedback_list_item *it)
{
	memset(it, 0, sizeof *it);
	fb_copy(it->code, sizeof it->code, f->code);
	fb_copy(it->kind, sizeof it->kind, feedback_kind_name(f->kind));
	fb_copy(it->status, sizeof it->status, f->status);
	it->class = xstrdup(store_col_text(s, FB_NCOLS + 2));
	it->channel = xstrdup(store_col_text(s, FB_NCOLS + 3));
	it->office_code = xstrdup(store_col_text(s, FB_NCOLS));
	it->office_name = xstrdup(store_col_text(s, FB_NCOLS + 1));
	it->subject_name = fb_dup(s, FB_NCOLS + 8);
	it->received_at = f->t.received_at;
	it->assigned = fb_user(c, f->assigned_user_id);
	it->subject = fb_user(c, f->subject_user_id);
	fb_sender(&it->sender, s, FB_NCOLS + 4, sender_visible, f);
	it->timing = *tm;
}

enum mc_err store_feedback_list(struct store *st, const struct principal *who,
                                const struct feedback_list_query *q, int64_t now,
                                struct feedback_list *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	struct store_conn *c = store_read_conn(st);
	bool anonymous;
	int64_t office_id = 0;
	enum mc_err rc = fb_list_check(c, who, q, &anonymous, err);
	if (rc || (rc = store_office_in_scope(c, who, q->office, &office_id, err)))
		return rc;
	db_stmt *s = fb_list_stmt(c, who, q, anonymous, office_id);
	if (s == NULL)
		return store_sql_error(c, "feedback list", err);
	bool head = feedback_user_is_head(c, who->user_id);
	out->page = q->page;
	out->page_size = FB_PAGE_SIZE;
	out->offset = (int64_t)(q->page - 1) * FB_PAGE_SIZE;
	int step;
	while (store_next(s, &step)) {
		struct fb f;
		fb_from_row(s, &f);
		if (!fb_visible(who, &f, head))
			continue;
		struct feedback_timing tm;
		fb_timing(&f, now, &tm);
		if (q->late && !tm.late)
			continue;
		out->total++;
		if (out->total <= out->offset || out->total > out->offset + FB_PAGE_SIZE)
			continue;
		out->items = xreallocarray(out->items, out->n + 1, sizeof *out->items);
		fb_list_item(c, s, &f, &tm, fb_sender_visible(who, &f, head),
		             &out->items[out->n++]);
	}
	if ((rc = store_scan_end(c, s, step, "feedback list", err)))
		feedback_list_clear(out);
	return rc;
}

/* ---- conduct reports per official, for the office head ---------------------- */

void feedback_conduct_clear(struct feedback_conduct *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->officials[i].full_name);
		free(c->officials[i].office_code);
		free(c->officials[i].office_name);
	}
	free(c->officials);
	memset(c, 0, sizeof *c);
}

enum mc_err store_feedback_conduct(struct store *st, const struct principal *who,
                                   const char *office, int64_t from, int64_t to,
                                   struct feedback_conduct *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	struct store_conn *c = store_read_conn(st);
	if (!feedback_user_is_head(c, who->user_id))
		return mc_fail(err, MC_ERR_FORBIDDEN, "not_office_head",
		               "Chỉ trưởng đơn vị xem số phản ánh về cán bộ",
		               "Only the office head reads the conduct reports per official");
	int64_t office_id = 0;
	enum mc_err rc = store_office_in_scope(c, who, office, &office_id, err);
	if (rc)
		return rc;
	db_stmt *s = store_stmt(
	    c, "SELECT f.subject_user_id, u.full_name, o.code, o.name,"
	       " sum(CASE WHEN f.kind = 'pakn' THEN 1 ELSE 0 END),"
	       " sum(CASE WHEN f.kind = 'anonymous' THEN 1 ELSE 0 END), count(*)"
	       " FROM feedback f JOIN users u ON u.id = f.subject_user_id"
	       " LEFT JOIN offices o ON o.id = u.office_id"
	       " WHERE f.subject_user_id IS NOT NULL"
	       " AND (f.class = 'conduct' OR f.kind = 'anonymous')"
	       " AND f.received_at >= :from AND f.received_at < :to"
	       " AND (:office = 0 OR f.office_id IN (SELECT office_id FROM office_paths"
	       "  WHERE ancestor_id = :office))"
	       " AND " SCOPE_SQL(
	           "f.office_id") " GROUP BY f.subject_user_id, u.full_name, o.code, o.name"
	                          " ORDER BY count(*) DESC, u.full_name");
	if (s == NULL)
		return store_sql_error(c, "feedback conduct", err);
	db_bind_int64(s, db_bind_parameter_index(s, ":from"), from);
	db_bind_int64(s, db_bind_parameter_index(s, ":to"), to);
	db_bind_int64(s, db_bind_parameter_index(s, ":office"), office_id);
	store_bind_scope(s, who);
	out->from = from;
	out->to = to;
	int step;
	while (store_next(s, &step)) {
		out->officials = xreallocarray(out->officials, out->n + 1, sizeof *out->officials);
		out->officials[out->n++] =
		    (struct feedback_conduct_row){.user_id = fb_int(s, 0),
		                                  .full_name = xstrdup(store_col_text(s, 1)),
		                                  .office_code = fb_dup(s, 2),
		                                  .office_name = fb_dup(s, 3),
		                                  .pakn = fb_int(s, 4),
		                                  .anonymous = fb_int(s, 5),
		                                  .total = fb_int(s, 6)};
	}
	if ((rc = store_scan_end(c, s, step, "feedback conduct", err)))
		feedback_conduct_clear(out);
	return rc;
}

/* ---- the published answers (public) ---------------------------------------------- */

void feedback_answers_clear(struct feedback_answers *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct feedback_answer_row *r = &a->items[i];
		free(r->code);
		free(r->class);
		free(r->office_code);
		free(r->office_name);
		free(r->question);
		free(r->answer);
	}
	free(a->items);
	memset(a, 0, sizeof *a);
}

enum mc_err store_feedback_answers(struct store *st, const char *q, const char *office, int page,
                                   struct feedback_answers *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
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
	db_stmt *s =
	    store_stmt(c, "SELECT f.code, f.class, o.code, o.name, f.received_at, f.answered_at,"
	                  " f.published_at, f.public_question, coalesce(f.public_answer, f.answer)"
	                  " FROM feedback f JOIN offices o ON o.id = f.office_id"
	                  " WHERE f.kind = 'pakn' AND f.published_at IS NOT NULL"
	                  " AND (?1 = 0 OR f.office_id IN (SELECT office_id FROM office_paths"
	                  "  WHERE ancestor_id = ?1))"
	                  " ORDER BY f.published_at DESC, f.id DESC");
	if (s == NULL)
		return store_sql_error(c, "feedback answers", err);
	db_bind_int64(s, 1, office_id);
	out->page = page;
	out->page_size = FB_ANSWERS_PAGE_SIZE;
	out->offset = (int64_t)(page - 1) * FB_ANSWERS_PAGE_SIZE;
	bool search = q && q[0];
	int step;
	while (store_next(s, &step)) {
		const char *code = store_col_text(s, 0), *question = store_col_text(s, 7),
		           *answer = store_col_text(s, 8);
		if (search && !fold_vi_contains(question, q) && !fold_vi_contains(answer, q) &&
		    !fold_vi_contains(code, q))
			continue;
		out->total++;
		if (out->total <= out->offset || out->total > out->offset + FB_ANSWERS_PAGE_SIZE)
			continue;
		out->items = xreallocarray(out->items, out->n + 1, sizeof *out->items);
		out->items[out->n++] =
		    (struct feedback_answer_row){.code = xstrdup(code),
		                                 .class = xstrdup(store_col_text(s, 1)),
		                                 .office_code = xstrdup(store_col_text(s, 2)),
		                                 .office_name = xstrdup(store_col_text(s, 3)),
		                                 .question = xstrdup(question),
		                                 .answer = xstrdup(answer),
		                                 .received_at = fb_int(s, 4),
		                                 .answered_at = fb_int(s, 5),
		                                 .published_at = fb_int(s, 6)};
	}
	if ((rc = store_scan_end(c, s, step, "feedback answers", err)))
		feedback_answers_clear(out);
	(void)st;
	return rc;
}
