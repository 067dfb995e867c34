/* Telling the citizen: the triggers' messages and the periodic scans
 * (store/notify_scan.h, docs/notifications.md). */
#include "store/notify_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/booking.h"
#include "store/booking.h"
#include "store/calendar.h"
#include "store/dialect.h"
#include "store/notify.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/enforce.h"
#include "util/jsontext.h"
#include "util/xmalloc.h"

/* At most this many dossiers and bookings a scan handles (the rest wait for
 * the next pass, a minute later). */
#define NOTIFY_SCAN_BATCH 200
/* An answer quoted in a message: at most this many characters. */
#define NOTIFY_ANSWER_CHARS 300

/* t as dd/mm/yyyy HH:MM in office time into out[32]; "" for 0. */
static void ns_office_text(int64_t t, char out[32])
{
	if (t <= 0) {
		out[0] = '\0';
		return;
	}
	clock_office_text(t, out);
}

/* A message's fields, their values copied (a row's text dies with its
 * statement's reset). */
struct ns_fields {
	struct notify_field f[12];
	size_t n;
};

/* Adds key = a copy of value when value is not NULL or empty. */
static void ns_set(struct ns_fields *fs, const char *key, const char *value)
{
	if (value && value[0] && fs->n < sizeof fs->f / sizeof fs->f[0])
		fs->f[fs->n++] = (struct notify_field){key, xstrdup(value)};
}

static void ns_fields_clear(struct ns_fields *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free((char *)fs->f[i].value);
	fs->n = 0;
}

/* Copies at most max characters of utf8 into a new string, "…" added when
 * cut. Caller frees. */
static char *ns_cut(const char *utf8, size_t max)
{
	size_t chars = 0, i = 0;
	while (utf8[i] && chars < max) {
		i++;
		while ((utf8[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	bool cut = utf8[i] != '\0';
	char *out = xmalloc(i + 4);
	memcpy(out, utf8, i);
	if (cut)
		memcpy(out + i, "\xE2\x80\xA6", 3), i += 3;
	out[i] = '\0';
	return out;
}

/* The citizen's consent and contact a row holds at columns col (notify),
 * col + 1 (phone) and col + 2 (e-mail), copied (NULL where the column is
 * not text); ns_enqueue_row frees them. */
struct ns_contact {
	char *consent, *phone, *email;
};

static struct ns_contact ns_contact_read(db_stmt *s, int col)
{
	struct ns_contact ct = {NULL, NULL, NULL};
	char **to[3] = {&ct.consent, &ct.phone, &ct.email};
	for (int i = 0; i < 3; i++)
		if (db_column_type(s, col + i) == DB_TEXT)
			*to[i] = xstrdup(store_col_text(s, col + i));
	return ct;
}

/* Ends the read of s (its one row read: what names it in an error), then
 * queues rq's messages to ct's contact with fields. Frees ct's copies and
 * fields whatever happens. */
static enum mc_err ns_enqueue_row(struct store *st, struct store_conn *c, db_stmt *s,
                                  const char *what, struct notify_request *rq,
                                  struct ns_contact *ct, struct ns_fields *fields,
                                  struct mc_error *err)
{
	enum mc_err rc = store_scan_end(c, s, DB_DONE, what, err);
	if (rc == MC_OK) {
		rq->consent = ct->consent;
		rq->phone = ct->phone;
		rq->email = ct->email;
		rq->fields = fields->f;
		rq->n_fields = fields->n;
		rc = store_notify_enqueue(st, rq, err);
	}
	ns_fields_clear(fields);
	free(ct->consent);
	free(ct->phone);
	free(ct->email);
	return rc;
}

enum mc_err store_notify_dossier(struct store *st, const char *dossier_code, const char *trigger,
                                 const char *secret, const char *actor, struct mc_error *err)
{
	ENFORCE(store_in_transaction(st), "a trigger runs inside its change's transaction");
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, dialect_notify_dossier_sql(c->db));
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	db_bind_text(s, 1, dossier_code, -1, DB_STATIC);
	int step;
	if (!store_next(s, &step))
		return store_scan_end(c, s, step, "dossier", err);
	if (db_column_type(s, 7) == DB_NULL) {
		/* No consent: no message, nothing to read further. */
		db_reset(s);
		return MC_OK;
	}
	struct ns_contact ct = ns_contact_read(s, 7);
	const struct notify_dossier_facts facts = {
	    .code = store_col_text(s, 0),
	    .name = store_col_text(s, 1),
	    .procedure = store_col_text(s, 2),
	    .due_at = db_column_int64(s, 3),
	    .apology_due_at = db_column_int64(s, 4),
	    .apology_reason = store_col_text(s, 5),
	    .pending_items = store_col_text(s, 6),
	    .intake_office_id = db_column_int64(s, 10),
	    .return_office_id = db_column_int64(s, 11),
	};
	int64_t dossier_id = db_column_int64(s, 12);
	char appointment[32];
	ns_office_text(notify_dossier_appointment(trigger, &facts), appointment);
	struct notify_field said[6];
	size_t n = notify_dossier_fields(trigger, &facts, appointment, said);
	struct ns_fields fields = {.n = 0};
	for (size_t i = 0; i < n; i++)
		ns_set(&fields, said[i].name, said[i].value);
	/* The status link is store_notify_enqueue's (public_url + code, with
	 * the secret the intake alone knows). */
	ns_set(&fields, "secret", secret);
	struct notify_request rq = {.trigger = trigger,
	                            .office_id = notify_dossier_office(trigger, &facts),
	                            .ref_kind = "dossier",
	                            .ref_id = dossier_id,
	                            .actor = actor};
	return ns_enqueue_row(st, c, s, "dossier", &rq, &ct, &fields, err);
}

enum mc_err store_notify_feedback(struct store *st, int64_t feedback_id, const char *actor,
                                  struct mc_error *err)
{
	ENFORCE(store_in_transaction(st), "a trigger runs inside its change's transaction");
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "SELECT code, sender_name, answer, notify, sender_phone,"
	                           " sender_email, office_id FROM feedback WHERE id = ?1"
	                           " AND notify IS NOT NULL");
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	db_bind_int64(s, 1, feedback_id);
	int step;
	if (!store_next(s, &step))
		return store_scan_end(c, s, step, "feedback", err);
	struct ns_contact ct = ns_contact_read(s, 3);
	int64_t office = db_column_int64(s, 6);
	struct ns_fields fields = {.n = 0};
	ns_set(&fields, "code", store_col_text(s, 0));
	ns_set(&fields, "name", store_col_text(s, 1));
	char *answer = ns_cut(store_col_text(s, 2), NOTIFY_ANSWER_CHARS);
	ns_set(&fields, "answer", answer);
	free(answer);
	struct notify_request rq = {.trigger = "feedback_answered",
	                            .office_id = office,
	                            .ref_kind = "feedback",
	                            .ref_id = feedback_id,
	                            .actor = actor};
	return ns_enqueue_row(st, c, s, "feedback", &rq, &ct, &fields, err);
}

/* The reminder_days of the configuration in force
 * (NOTIFY_DEFAULT_REMINDER_DAYS when absent or not 1..60). */
static int ns_reminder_days(struct store *st)
{
	struct notify_config cfg;
	store_notify_config_get(st, &cfg);
	int days = cfg.reminder_days;
	notify_config_clear(&cfg);
	return days;
}

/* The uncollected results' reminders at now, inside the scan's
 * transaction: each dossier result_ready (not returned) with consent,
 * whose result has waited reminder_days working days and that has no
 * "dossier_reminder" event yet. */
static enum mc_err ns_reminders(struct store *st, int64_t now, int *done, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	int days = ns_reminder_days(st);
	int64_t need = (int64_t)days * store_calendar_day_seconds(st);
	/* Working time never runs faster than the clock: a result ready less
	 * than `need` seconds ago cannot be due. */
	db_stmt *s = store_stmt(
	    c, "SELECT d.id, d.code, d.finished_at FROM dossiers d"
	       " WHERE d.status = 'result_ready' AND d.returned_at IS NULL"
	       " AND d.notify IS NOT NULL AND d.finished_at IS NOT NULL AND d.finished_at <= ?1"
	       " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.entity = 'dossier_reminder'"
	       "  AND e.entity_id = d.code)"
	       " ORDER BY d.finished_at, d.id LIMIT ?2");
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	db_bind_int64(s, 1, now - need);
	db_bind_int(s, 2, NOTIFY_SCAN_BATCH);
	struct {
		int64_t id, finished;
		char code[64];
	} *rows = xcalloc(NOTIFY_SCAN_BATCH, sizeof *rows);
	int n = 0, step;
	while (n < NOTIFY_SCAN_BATCH && store_next(s, &step)) {
		rows[n].id = db_column_int64(s, 0);
		snprintf(rows[n].code, sizeof rows[n].code, "%s", store_col_text(s, 1));
		rows[n].finished = db_column_int64(s, 2);
		n++;
	}
	enum mc_err rc = store_scan_end(c, s, step, "dossier", err);
	for (int i = 0; rc == MC_OK && i < n; i++) {
		int64_t worked = 0;
		if ((rc = store_calendar_between(st, rows[i].finished, now, &worked, err)))
			break;
		if (worked < need)
			continue;
		if ((rc = store_notify_dossier(st, rows[i].code, "reminder", NULL, "system", err)))
			break;
		/* Done once, whether a message was planned or not (no channel,
		 * the trigger off): the moment to remind has passed. */
		char details[96];
		snprintf(details, sizeof details, "{\"reminder_days\":%d}", days);
		if (store_event_append(st, "system", "dossier_reminder", rows[i].code,
		                       "dossier_reminder.planned", details, false, err) == 0) {
			rc = err->kind;
			break;
		}
		(*done)++;
	}
	free(rows);
	return rc;
}

/* A booking due for its reminder, copied out of the scan's statement. */
struct ns_booking {
	int64_t id, office_id;
	char slot[32];
	char *code, *name, *group;
	struct ns_contact ct;
};

/* The bookings due for their reminder at now into *out (n of them, at most
 * NOTIFY_SCAN_BATCH; the caller frees with ns_bookings_free). */
static enum mc_err ns_bookings_due(struct store_conn *c, int64_t now, int64_t ahead,
                                   struct ns_booking **out, size_t *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	db_stmt *s =
	    store_stmt(c, "SELECT b.id, b.code, b.name, b.slot_start, b.notify, b.phone, b.email,"
	                  " b.office_id, g.name"
	                  " FROM bookings b JOIN service_groups g ON g.id = b.group_id"
	                  " WHERE b.state = 'booked' AND b.reminded_at IS NULL"
	                  " AND b.slot_start > ?1 AND b.slot_start <= ?1 + ?2"
	                  " AND b.created_at < b.slot_start - ?2"
	                  " ORDER BY b.slot_start, b.id LIMIT ?3");
	if (s == NULL)
		return store_sql_error(c, "booking", err);
	db_bind_int64(s, 1, now);
	db_bind_int64(s, 2, ahead);
	db_bind_int(s, 3, NOTIFY_SCAN_BATCH);
	*out = xcalloc(NOTIFY_SCAN_BATCH, sizeof **out);
	int step;
	while (*n < NOTIFY_SCAN_BATCH && store_next(s, &step)) {
		struct ns_booking *b = &(*out)[(*n)++];
		b->id = db_column_int64(s, 0);
		b->code = xstrdup(store_col_text(s, 1));
		b->name = xstrdup(store_col_text(s, 2));
		ns_office_text(db_column_int64(s, 3), b->slot);
		b->ct = ns_contact_read(s, 4);
		b->office_id = db_column_int64(s, 7);
		b->group = xstrdup(store_col_text(s, 8));
	}
	return store_scan_end(c, s, step, "booking", err);
}

static void ns_bookings_free(struct ns_booking *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].code);
		free(rows[i].name);
		free(rows[i].group);
		free(rows[i].ct.consent);
		free(rows[i].ct.phone);
		free(rows[i].ct.email);
	}
	free(rows);
}

/* Marks booking b reminded at now and queues its message. */
static enum mc_err ns_booking_remind(struct store *st, struct store_conn *c,
                                     const struct ns_booking *b, int64_t now, struct mc_error *err)
{
	db_stmt *u = store_stmt(c, "UPDATE bookings SET reminded_at = ?1 WHERE id = ?2"
	                           " AND reminded_at IS NULL");
	if (u == NULL)
		return store_sql_error(c, "booking", err);
	db_bind_int64(u, 1, now);
	db_bind_int64(u, 2, b->id);
	enum mc_err rc = store_step(c, u, "booking", err);
	if (rc)
		return rc;
	struct ns_fields fields = {.n = 0};
	ns_set(&fields, "code", b->code);
	ns_set(&fields, "name", b->name);
	ns_set(&fields, "slot", b->slot);
	ns_set(&fields, "group", b->group);
	struct notify_request rq = {.trigger = "booking_reminder",
	                            .office_id = b->office_id,
	                            .ref_kind = "booking",
	                            .ref_id = b->id,
	                            .consent = b->ct.consent,
	                            .phone = b->ct.phone,
	                            .email = b->ct.email,
	                            .fields = fields.f,
	                            .n_fields = fields.n,
	                            .actor = "system"};
	rc = store_notify_enqueue(st, &rq, err);
	ns_fields_clear(&fields);
	return rc;
}

/* The bookings' reminders at now, inside the scan's transaction. */
static enum mc_err ns_booking_reminders(struct store *st, int64_t now, int *done,
                                        struct mc_error *err)
{
	struct booking_settings bs;
	store_booking_settings(st, &bs);
	if (bs.reminder_minutes <= 0)
		return MC_OK;
	struct store_conn *c = store_write_conn(st);
	struct ns_booking *rows;
	size_t n;
	enum mc_err rc = ns_bookings_due(c, now, (int64_t)bs.reminder_minutes * 60, &rows, &n, err);
	for (size_t i = 0; rc == MC_OK && i < n; i++)
		if ((rc = ns_booking_remind(st, c, &rows[i], now, err)) == MC_OK)
			(*done)++;
	ns_bookings_free(rows, n);
	return rc;
}

enum mc_err store_notify_scan(struct store *st, int64_t now, struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	int done = 0;
	if ((rc = ns_reminders(st, now, &done, err)) ||
	    (rc = ns_booking_reminders(st, now, &done, err))) {
		store_rollback(st);
		return rc;
	}
	if (done == 0) {
		/* Nothing planned: no empty commit (no fsync) every minute. */
		store_rollback(st);
		return MC_OK;
	}
	return store_commit(st, err);
}
