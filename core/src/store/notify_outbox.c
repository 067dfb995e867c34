/* The outbox's worker side (store/notify.h): the notify worker claims the
 * oldest due row of its channel, records the outcome of the send, and puts
 * back at start what a crash left sending (its own server's, or past the
 * lease: store/store.h). Each its own short transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/dialect.h"
#include "store/notify_internal.h"
#include "store/scan.h"
#include "util/clock.h"
#include "util/enforce.h"
#include "util/jsontext.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* ---- The worker's side ---------------------------------------------------- */

void store_notify_claim_free(struct store_notify_claim *c)
{
	if (c == NULL)
		return;
	free(c->subject);
	free(c->body);
	free(c->data);
	c->subject = c->body = NULL;
	c->data = NULL;
}

enum mc_err store_notify_claim(struct store *st, const char *channel, int64_t now,
                               struct store_notify_claim *out, bool *found, struct mc_error *err)
{
	ENFORCE(!store_in_transaction(st), "the notify worker claims in its own transaction");
	*found = false;
	memset(out, 0, sizeof *out);
	/* A cheap look first, on the reader: most polls find nothing due. */
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT 1 FROM notifications WHERE state = 'queued'"
	                           " AND not_before <= ? AND channel = ? LIMIT 1");
	if (s == NULL)
		return store_sql_error(c, "notification claim", err);
	db_bind_int64(s, 1, now);
	db_bind_text(s, 2, channel, -1, DB_STATIC);
	int step = db_step(s);
	db_reset(s);
	if (step == DB_DONE)
		return MC_OK;
	if (step != DB_ROW)
		return store_sql_error(c, "notification claim", err);

	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	c = store_write_conn(st);
	/* The oldest due row whose recipient has no earlier row still queued
	 * or sending, read and marked in this one write transaction. */
	s = store_stmt(c, dialect_notify_claim_sql(c->db));
	if (s == NULL) {
		rc = store_sql_error(c, "notification claim", err);
		goto fail;
	}
	db_bind_int64(s, 1, now);
	db_bind_text(s, 2, channel, -1, DB_STATIC);
	if (store_next(s, &step)) {
		out->id = db_column_int64(s, 0);
		out->office_id = db_column_int64(s, 1);
		out->attempts = db_column_int(s, 2) + 1;
		snprintf(out->channel, sizeof out->channel, "%s", channel);
		snprintf(out->trigger, sizeof out->trigger, "%s", store_col_text(s, 3));
		snprintf(out->recipient, sizeof out->recipient, "%s", store_col_text(s, 4));
		out->subject =
		    db_column_type(s, 5) == DB_NULL ? NULL : xstrdup(store_col_text(s, 5));
		out->body = xstrdup(store_col_text(s, 6));
		out->data = xstrdup(store_col_text(s, 7));
		*found = true;
	}
	if ((rc = store_scan_end(c, s, step, "notification claim", err)))
		goto fail;
	if (!*found) {
		store_rollback(st);
		return MC_OK;
	}
	s = store_stmt(c, "UPDATE notifications SET state = 'sending', attempts = attempts + 1,"
	                  " claimed_by = ?2, claimed_at = ?3 WHERE id = ?1 AND state = 'queued'");
	if (s == NULL) {
		rc = store_sql_error(c, "notification claim", err);
		goto fail;
	}
	db_bind_int64(s, 1, out->id);
	db_bind_text(s, 2, store_instance(st), -1, DB_STATIC);
	db_bind_int64(s, 3, now);
	if ((rc = store_step(c, s, "notification claim", err)))
		goto fail;
	if (db_changes(c->db) != 1) {
		rc = store_sql_error(c, "notification claim (the row changed)", err);
		goto fail;
	}
	if ((rc = store_commit(st, err))) {
		*found = false;
		store_notify_claim_free(out);
	}
	return rc;
fail:
	*found = false;
	store_notify_claim_free(out);
	store_rollback(st);
	return rc;
}

bool notify_row_any_hour(struct store_conn *c, const char *ref_kind, int64_t ref_id)
{
	const char *sql = dialect_notify_any_hour_sql(c->db, ref_kind);
	if (sql == NULL)
		return true;
	db_stmt *s = store_stmt(c, sql);
	if (s == NULL)
		return false;
	db_bind_int64(s, 1, ref_id);
	bool any = db_step(s) == DB_ROW && db_column_int(s, 0) == 1;
	db_reset(s);
	return any;
}

/* Copies at most max characters of s (NULL: NULL) into a new string, cut at
 * a character boundary. */
static char *cut_chars(const char *s, size_t max)
{
	if (s == NULL)
		return NULL;
	size_t n = 0, i = 0;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == max)
			break;
	char *out = xmalloc(i + 1);
	memcpy(out, s, i);
	out[i] = '\0';
	return out;
}

enum mc_err store_notify_finish(struct store *st, int64_t id, enum store_notify_result result,
                                const char *answer, const char *provider_id, const char *error,
                                int64_t now, char state[8], struct mc_error *err)
{
	ENFORCE(!store_in_transaction(st), "the notify worker records in its own transaction");
	struct notify_config cfg;
	store_notify_config_get(st, &cfg);
	char *ans = cut_chars(answer, 4000), *pid = cut_chars(provider_id, 200),
	     *why = cut_chars(error, 1000);
	const char *next = "sent";
	int64_t not_before = now, office_id = 0;
	int attempts = 0;
	char ref_kind[16] = "", trigger[24] = "", channel[8] = "";
	int64_t ref_id = 0;
	enum mc_err rc = store_begin(st, err);
	if (rc)
		goto out;
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "SELECT state, attempts, ref_kind, ref_id, office_id,"
	                           " trigger, channel FROM notifications WHERE id = ?");
	if (s == NULL) {
		rc = store_sql_error(c, "notification finish", err);
		goto fail;
	}
	db_bind_int64(s, 1, id);
	int step;
	bool sending = false;
	if (store_next(s, &step)) {
		sending = strcmp(store_col_text(s, 0), "sending") == 0;
		attempts = db_column_int(s, 1);
		snprintf(ref_kind, sizeof ref_kind, "%s", store_col_text(s, 2));
		ref_id = db_column_int64(s, 3);
		office_id = db_column_int64(s, 4);
		snprintf(trigger, sizeof trigger, "%s", store_col_text(s, 5));
		snprintf(channel, sizeof channel, "%s", store_col_text(s, 6));
	}
	if ((rc = store_scan_end(c, s, step, "notification finish", err)))
		goto fail;
	if (!sending) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "notification_not_sending",
		             "Tin nhắn không ở trạng thái đang gửi",
		             "the message is not being sent");
		goto fail;
	}
	if (result != STORE_NOTIFY_SENT) {
		bool any_hour =
		    result == STORE_NOTIFY_RETRY && notify_row_any_hour(c, ref_kind, ref_id);
		next = notify_after_failure(&cfg, result == STORE_NOTIFY_PERMANENT, attempts,
		                            any_hour, now, CLOCK_OFFICE_UTC_OFFSET,
		                            &not_before) == NOTIFY_NEXT_DEAD
		           ? "dead"
		           : "queued";
	}
	s = store_stmt(c, "UPDATE notifications SET state = ?2, not_before = ?3,"
	                  " sent_at = CASE WHEN ?2 = 'sent' THEN ?4 ELSE sent_at END,"
	                  " provider_answer = ?5, provider_id = coalesce(?6, provider_id),"
	                  " last_error = CASE WHEN ?2 = 'sent' THEN NULL ELSE ?7 END,"
	                  " claimed_by = NULL, claimed_at = NULL WHERE id = ?1");
	if (s == NULL) {
		rc = store_sql_error(c, "notification finish", err);
		goto fail;
	}
	db_bind_int64(s, 1, id);
	db_bind_text(s, 2, next, -1, DB_STATIC);
	db_bind_int64(s, 3, not_before);
	db_bind_int64(s, 4, now);
	if (ans)
		db_bind_text(s, 5, ans, -1, DB_STATIC);
	if (pid && *pid)
		db_bind_text(s, 6, pid, -1, DB_STATIC);
	if (why)
		db_bind_text(s, 7, why, -1, DB_STATIC);
	if ((rc = store_step(c, s, "notification finish", err)))
		goto fail;
	char eid[24], action[32], *details;
	snprintf(eid, sizeof eid, "%lld", (long long)id);
	snprintf(action, sizeof action, "notification.%s",
	         strcmp(next, "queued") == 0 ? "retry" : next);
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_int(&j, "attempts", attempts);
	jt_str(&j, "channel", channel);
	jt_str(&j, "trigger", trigger);
	jt_end(&j);
	details = jt_finish(&j);
	store_event_office(st, office_id);
	int64_t ev = store_event_append(st, "system:notify", "notification", eid, action, details,
	                                false, err);
	free(details);
	if (ev == 0) {
		rc = err ? err->kind : MC_ERR_INTERNAL;
		goto fail;
	}
	if ((rc = store_commit(st, err)) == MC_OK && state)
		snprintf(state, 8, "%s", next);
	goto out;
fail:
	store_rollback(st);
out:
	free(ans);
	free(pid);
	free(why);
	notify_config_clear(&cfg);
	return rc;
}

enum mc_err store_notify_recover(struct store *st, int64_t now, int *count, struct mc_error *err)
{
	*count = 0;
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	/* Due as it was when claimed (a test clock may run behind the real
	 * one at start: "now" would postpone it). Only this server's rows, an
	 * older program's (no claim) and those whose lease ran out: another
	 * server's message in flight stays its own. */
	db_stmt *s =
	    store_stmt(c, "UPDATE notifications SET state = 'queued',"
	                  " claimed_by = NULL, claimed_at = NULL WHERE state = 'sending'"
	                  " AND (claimed_by IS NULL OR claimed_by = ?1 OR claimed_at < ?2)");
	if (s == NULL) {
		rc = store_sql_error(c, "notification recover", err);
		store_rollback(st);
		return rc;
	}
	db_bind_text(s, 1, store_instance(st), -1, DB_STATIC);
	db_bind_int64(s, 2, now - STORE_CLAIM_LEASE_SECONDS);
	if ((rc = store_step(c, s, "notification recover", err))) {
		store_rollback(st);
		return rc;
	}
	*count = db_changes(c->db);
	if (*count == 0) {
		store_rollback(st);
		return MC_OK;
	}
	char details[64];
	snprintf(details, sizeof details, "{\"count\":%d}", *count);
	if (store_event_append(st, "system:notify", "notification", "*", "notification.recovered",
	                       details, false, err) == 0) {
		store_rollback(st);
		return err ? err->kind : MC_ERR_INTERNAL;
	}
	return store_commit(st, err);
}
