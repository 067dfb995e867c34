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

#include "domain/applicant.h"
#include "store/calendar.h"
#include "store/feedback.h"
#include "store/feedback_internal.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/log.h"

#define FB_TEXT_MAX_CHARS 4000

/* ---- shared helpers (feedback_internal.h) -------------------------------- */

void feedback_secret_hash(const char *code, const char *secret, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)code, strlen(code));
	crypto_hash_sha256_update(&h, (const unsigned char *)"\x1f", 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)secret, strlen(secret));
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof d);
}

enum mc_err feedback_event(struct store *st, const char *who_actor, const char *code,
                           int64_t office_id, const char *step, const char *status,
                           struct mc_error *err)
{
	char action[48];
	snprintf(action, sizeof action, "feedback.%s", step);
	json_t *d = json_pack("{s:s, s:s, s:s}", "code", code, "step", step, "status", status);
	char *text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	store_event_office(st, office_id);
	int64_t ev = store_event_append(st, who_actor, "feedback", code, action, text, false, err);
	free(text);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

void feedback_times_of_row(sqlite3_stmt *s, int col, struct feedback_times *t, char *decision,
                           size_t decision_len)
{
	memset(t, 0, sizeof *t);
	t->received_at = sqlite3_column_int64(s, col + 0);
	t->classified_at = sqlite3_column_int64(s, col + 1);
	snprintf(decision, decision_len, "%s", store_col_text(s, col + 2));
	t->decision = decision[0] ? decision : NULL;
	t->info_requested_at = sqlite3_column_int64(s, col + 3);
	t->answered_at = sqlite3_column_int64(s, col + 4);
	t->published_at = sqlite3_column_int64(s, col + 5);
	t->closed_at = sqlite3_column_int64(s, col + 6);
	t->reject_due_at = sqlite3_column_int64(s, col + 7);
	t->forward_due_at = sqlite3_column_int64(s, col + 8);
	t->info_due_at = sqlite3_column_int64(s, col + 9);
	t->answer_due_at = sqlite3_column_int64(s, col + 10);
	t->publish_due_at = sqlite3_column_int64(s, col + 11);
}

enum mc_err feedback_due(struct store *st, int64_t from, int days, int64_t *due,
                         struct mc_error *err)
{
	return store_calendar_due(st, from, STORE_CALENDAR_DAYS, (int64_t)days * 1000, due, err);
}

/* ---- limits and heads ------------------------------------------------------ */

void store_feedback_limits(struct store *st, struct feedback_limits *out)
{
	feedback_limits_default(out);
	char *text = store_setting_get(st, "feedback_limits");
	if (text == NULL)
		return;
	json_t *v = json_loads(text, 0, NULL);
	free(text);
	if (!json_is_object(v)) {
		log_warn("setting feedback_limits is not a JSON object: the defaults apply");
		json_decref(v);
		return;
	}
	struct {
		const char *key;
		int *slot;
	} keys[] = {{"reject", &out->reject},
	            {"forward", &out->forward},
	            {"info", &out->info},
	            {"answer", &out->answer},
	            {"publish", &out->publish}};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		json_t *n = json_object_get(v, keys[i].key);
		if (n == NULL)
			continue;
		if (json_is_integer(n) && json_integer_value(n) >= 1 && json_integer_value(n) <= 60)
			*keys[i].slot = (int)json_integer_value(n);
		else
			log_warn("setting feedback_limits.%s is not 1-60 working days: ignored",
			         keys[i].key);
	}
	json_decref(v);
}

bool store_user_is_head(struct store *st, int64_t user_id)
{
	if (user_id <= 0)
		return false;
	struct store_conn *c = store_read_conn(st);
	sqlite3_stmt *s = store_stmt(c, "SELECT head FROM users WHERE id = ? AND active = 1");
	if (s == NULL)
		return false;
	sqlite3_bind_int64(s, 1, user_id);
	bool head = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1;
	sqlite3_reset(s);
	return head;
}
