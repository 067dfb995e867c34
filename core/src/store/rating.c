#include "store/rating.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/dossier.h"
#include "store/office.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"

#define RATING_COMMENT_MAX 500 /* characters */
/* Letters and digits that cannot be misread (no 0/O, 1/I/L), as the dossier
 * secret: the token may be typed from a printed slip. */
static const char rating_token_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

static const struct {
	const char *level, *vi, *en;
} rating_levels[] = {
    {"very_satisfied", "Rất hài lòng", "Very satisfied"},
    {"satisfied", "Hài lòng", "Satisfied"},
    {"neutral", "Bình thường", "Neutral"},
    {"not_satisfied", "Không hài lòng", "Not satisfied"},
};
#define RATING_LEVEL_COUNT (sizeof rating_levels / sizeof rating_levels[0])

bool rating_level_valid(const char *s)
{
	for (size_t i = 0; s && i < RATING_LEVEL_COUNT; i++)
		if (strcmp(s, rating_levels[i].level) == 0)
			return true;
	return false;
}

static json_t *rating_levels_json(void)
{
	json_t *a = json_array();
	for (size_t i = 0; i < RATING_LEVEL_COUNT; i++)
		json_array_append_new(
		    a, json_pack("{s:s, s:s, s:s}", "level", rating_levels[i].level, "label",
		                 rating_levels[i].vi, "label_en", rating_levels[i].en));
	return a;
}

static void rating_token_hash(const char *token, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, d, sizeof d);
}

/* Appends an event (never on the live stream) recorded as office_id's (the
 * ticket's centre or the dossier's return centre; 0: none). */
static enum mc_err rating_event(struct store *st, const char *actor, int64_t office_id,
                                const char *entity, const char *entity_id, const char *action,
                                json_t *details, struct mc_error *err)
{
	char *text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
	store_event_office(st, office_id);
	int64_t ev = store_event_append(st, actor, entity, entity_id, action, text, false, err);
	free(text);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

/* Whether subject has a rating already. */
static bool rating_exists(struct store_conn *c, const char *subject)
{
	sqlite3_stmt *s = store_stmt(c, "SELECT 1 FROM ratings WHERE subject = ?");
	if (s == NULL)
		return false;
	sqlite3_bind_text(s, 1, subject, -1, SQLITE_STATIC);
	bool found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	return found;
}

static enum mc_err rating_already(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_CONFLICT, "already_rated",
	               "Lượt phục vụ này đã được đánh giá. Xin chân thành cảm ơn ông/bà đã góp ý!",
	               "This visit has been rated already. Thank you for your feedback!");
}

static enum mc_err rating_link_missing(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_NOT_FOUND, "rating_link_not_found",
	               "Đường dẫn đánh giá không đúng hoặc đã hết hạn",
	               "This rating link is wrong or has expired");
}

/* What subject names: its kind, and the procedure or service group code and
 * name (code/name may stay empty when the row is gone). */
struct rating_subject {
	char kind[8];
	char ref[72]; /* the dossier code or the ticket id */
	char code[40];
	char name[300];
	int64_t office_id; /* the ticket's centre, the dossier's return centre; 0 when gone */
};

static enum mc_err rating_subject_load(struct store_conn *c, const char *subject,
                                       struct rating_subject *out, struct mc_error *err)
{
	const char *colon = strchr(subject, ':');
	memset(out, 0, sizeof *out);
	if (colon == NULL || (size_t)(colon - subject) >= sizeof out->kind)
		return rating_link_missing(err);
	memcpy(out->kind, subject, (size_t)(colon - subject));
	snprintf(out->ref, sizeof out->ref, "%s", colon + 1);
	bool dossier = strcmp(out->kind, "dossier") == 0;
	sqlite3_stmt *s =
	    dossier ? store_stmt(c, "SELECT p.code, p.name, d.return_office_id FROM dossiers d"
	                            " JOIN procedures p ON p.id = d.procedure_id WHERE d.code = ?")
	            : store_stmt(c, "SELECT g.code, g.name, t.office_id FROM tickets t"
	                            " JOIN service_groups g ON g.id = t.group_id WHERE t.id = ?");
	if (s == NULL)
		return store_sql_error(c, "rating subject", err);
	if (dossier)
		sqlite3_bind_text(s, 1, out->ref, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 1, strtoll(out->ref, NULL, 10));
	int step;
	if (store_next(s, &step)) {
		snprintf(out->code, sizeof out->code, "%s", store_col_text(s, 0));
		snprintf(out->name, sizeof out->name, "%s", store_col_text(s, 1));
		out->office_id = sqlite3_column_int64(s, 2);
	}
	return store_scan_end(c, s, step, "rating subject", err);
}

/* ---- links --------------------------------------------------------------- */

/* Checks that the dossier or ticket exists inside who's scope (another
 * centre's is not found) and a ticket was served, and writes its subject
 * text. */
static enum mc_err rating_subject_of(struct store_conn *c, const struct principal *who,
                                     const char *kind, const char *ref, char *subject, size_t len,
                                     struct mc_error *err)
{
	if (strcmp(kind, "dossier") == 0) {
		if (strlen(ref) > 64)
			return mc_fail(err, MC_ERR_NOT_FOUND, "dossier_not_found",
			               "Không có hồ sơ này", "No such dossier");
		sqlite3_stmt *s = store_stmt(c, "SELECT 1 FROM dossiers d WHERE d.code = :code"
		                                " AND " DOSSIER_SCOPE_SQL);
		if (s == NULL)
			return store_sql_error(c, "dossier", err);
		sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":code"), ref, -1,
		                  SQLITE_STATIC);
		store_dossier_bind_scope(s, who);
		int step;
		bool found = store_next(s, &step);
		enum mc_err rc = store_scan_end(c, s, step, "dossier", err);
		if (rc)
			return rc;
		if (!found)
			return mc_fail(err, MC_ERR_NOT_FOUND, "dossier_not_found",
			               "Không có hồ sơ này", "No such dossier");
		snprintf(subject, len, "dossier:%s", ref);
		return MC_OK;
	}
	char *end = NULL;
	long long id = strtoll(ref, &end, 10);
	if (end == ref || *end != '\0' || id < 1)
		return mc_fail(err, MC_ERR_NOT_FOUND, "ticket_not_found", "Không có phiếu này",
		               "No such ticket");
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT t.state = 'called' OR EXISTS (SELECT 1 FROM visits v"
	                  " WHERE v.ticket_id = t.id AND v.outcome = 'served')"
	                  " FROM tickets t WHERE t.id = :id AND " SCOPE_SQL("t.office_id"));
	if (s == NULL)
		return store_sql_error(c, "ticket", err);
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":id"), id);
	store_bind_scope(s, who);
	int found = -1, step;
	if (store_next(s, &step))
		found = sqlite3_column_int(s, 0);
	enum mc_err rc = store_scan_end(c, s, step, "ticket", err);
	if (rc)
		return rc;
	if (found < 0)
		return mc_fail(err, MC_ERR_NOT_FOUND, "ticket_not_found", "Không có phiếu này",
		               "No such ticket");
	if (found == 0)
		return mc_fail(err, MC_ERR_CONFLICT, "ticket_not_served",
		               "Phiếu này chưa được phục vụ tại quầy",
		               "This ticket has not been served at a counter");
	snprintf(subject, len, "ticket:%lld", id);
	return MC_OK;
}

void store_rating_token_new(char token[STORE_RATING_TOKEN_LEN + 1])
{
	for (int i = 0; i < STORE_RATING_TOKEN_LEN; i++)
		token[i] =
		    rating_token_alphabet[randombytes_uniform(sizeof rating_token_alphabet - 1)];
	token[STORE_RATING_TOKEN_LEN] = '\0';
}

enum mc_err store_rating_link(struct store *st, const struct principal *who, const char *kind,
                              const char *ref, json_t **out, struct mc_error *err)
{
	char token[STORE_RATING_TOKEN_LEN + 1];
	store_rating_token_new(token);
	return store_rating_link_issue(st, who, kind, ref, token, clock_now(), out, err);
}

enum mc_err store_rating_link_issue(struct store *st, const struct principal *who, const char *kind,
                                    const char *ref, const char *token, int64_t now, json_t **out,
                                    struct mc_error *err)
{
	if (strcmp(kind, "dossier") != 0 && strcmp(kind, "ticket") != 0)
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "kind is dossier or ticket");
	if (token == NULL || strlen(token) != STORE_RATING_TOKEN_LEN)
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "a rating token is made by store_rating_token_new");
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	char subject[96], hash[65];
	if ((rc = rating_subject_of(c, who, kind, ref, subject, sizeof subject, err)))
		goto fail;
	if (rating_exists(c, subject)) {
		rc = rating_already(err);
		goto fail;
	}
	rating_token_hash(token, hash);
	sqlite3_stmt *s = store_stmt(c, "INSERT INTO rating_links (token_hash, subject, created_by,"
	                                " created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
	if (s == NULL) {
		rc = store_sql_error(c, "rating link", err);
		goto fail;
	}
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, who->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, now + RATING_LINK_SECONDS);
	int step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step != SQLITE_DONE) {
		rc = store_sql_error(c, "rating link", err);
		goto fail;
	}
	/* The token itself never enters the chain. */
	json_t *details = json_pack("{s:s, s:I}", "subject", subject, "expires_at",
	                            (json_int_t)(now + RATING_LINK_SECONDS));
	struct rating_subject sub;
	rc = rating_subject_load(c, subject, &sub, err);
	if (rc == MC_OK)
		rc = rating_event(st, who->actor, sub.office_id, "rating_link", subject,
		                  "rating_link.created", details, err);
	json_decref(details);
	if (rc)
		goto fail;
	if ((rc = store_commit(st, err)))
		return rc;
	char url[64];
	snprintf(url, sizeof url, "/rate?t=%s", token);
	*out = json_pack("{s:s, s:s, s:I}", "token", token, "url", url, "expires_at",
	                 (json_int_t)(now + RATING_LINK_SECONDS));
	return MC_OK;
fail:
	store_rollback(st);
	return rc;
}

/* The subject of a live link, or rating_link_not_found. The token may come
 * typed from a slip: dashes and spaces are dropped and letters upper-cased
 * before it is looked up. */
static enum mc_err rating_link_find(struct store_conn *c, const char *token, int64_t now,
                                    char *subject, size_t len, struct mc_error *err)
{
	char hash[65], norm[65];
	size_t n = 0;
	if (token == NULL || strlen(token) > 128)
		return rating_link_missing(err);
	for (const char *p = token; *p && n < sizeof norm - 1; p++)
		if (*p != '-' && *p != ' ')
			norm[n++] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
	norm[n] = '\0';
	if (n == 0)
		return rating_link_missing(err);
	rating_token_hash(norm, hash);
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT subject, expires_at FROM rating_links WHERE token_hash = ?");
	if (s == NULL)
		return store_sql_error(c, "rating link", err);
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	bool live = false;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int64(s, 1) > now) {
		snprintf(subject, len, "%s", store_col_text(s, 0));
		live = true;
	}
	sqlite3_reset(s);
	return live ? MC_OK : rating_link_missing(err);
}

enum mc_err store_rating_link_info(struct store *st, const char *token, json_t **out,
                                   struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char subject[96];
	struct rating_subject sub;
	enum mc_err rc;
	if ((rc = rating_link_find(c, token, clock_now(), subject, sizeof subject, err)) ||
	    (rc = rating_subject_load(c, subject, &sub, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:b, s:o}", "kind", sub.kind, "what", sub.name, "rated",
	                 rating_exists(c, subject), "levels", rating_levels_json());
	/* The centre the rating belongs to (the page's heading): its code and
	 * name only. */
	json_t *o = sub.office_id ? store_office_json(st, sub.office_id) : NULL;
	json_object_set_new(*out, "office",
	                    o ? json_pack("{s:O, s:O}", "code", json_object_get(o, "code"), "name",
	                                  json_object_get(o, "name"))
	                      : json_null());
	json_decref(o);
	return MC_OK;
}

/* ---- ratings ------------------------------------------------------------- */

/* An optional boolean member: -1 when absent or null. */
static enum mc_err rating_bool(json_t *req, const char *key, int *out, struct mc_error *err)
{
	json_t *v = json_object_get(req, key);
	*out = -1;
	if (v == NULL || json_is_null(v))
		return MC_OK;
	if (!json_is_boolean(v))
		return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "'%s' must be true, false or null", key);
	*out = json_is_true(v);
	return MC_OK;
}

/* Counts the UTF-8 characters of s; -1 when s is not valid text for a
 * comment (control characters other than newline and tab). */
static long rating_comment_chars(const char *s)
{
	long n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 && *p != '\n' && *p != '\t')
			return -1;
		if ((*p & 0xC0) != 0x80)
			n++;
	}
	return n;
}

enum mc_err store_rating_submit(struct store *st, json_t *req, json_t **out, struct mc_error *err)
{
	static const char *const known[] = {"token",     "level",  "on_time",
	                                    "courteous", "visits", "unofficial_payment_asked",
	                                    "comment"};
	const char *key;
	json_t *v;
	json_object_foreach(req, key, v)
	{
		size_t i;
		for (i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i == sizeof known / sizeof known[0])
			return mc_failf(err, MC_ERR_INVALID, "unknown_field",
			                "Phiếu đánh giá có trường lạ", "unknown field '%.40s'",
			                key);
	}
	const char *token = json_string_value(json_object_get(req, "token"));
	const char *level = json_string_value(json_object_get(req, "level"));
	if (token == NULL)
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Thiếu mã đánh giá",
		               "'token' (a string) is required");
	if (level == NULL)
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Xin chọn một mức đánh giá",
		               "'level' (a string) is required");
	if (!rating_level_valid(level))
		return mc_fail(err, MC_ERR_INVALID, "invalid_level", "Mức đánh giá không hợp lệ",
		               "level is very_satisfied, satisfied, neutral or not_satisfied");
	int on_time, courteous, payment;
	enum mc_err rc;
	if ((rc = rating_bool(req, "on_time", &on_time, err)) ||
	    (rc = rating_bool(req, "courteous", &courteous, err)) ||
	    (rc = rating_bool(req, "unofficial_payment_asked", &payment, err)))
		return rc;
	json_t *visits = json_object_get(req, "visits");
	if (visits && !json_is_null(visits) &&
	    (!json_is_integer(visits) || json_integer_value(visits) < 1 ||
	     json_integer_value(visits) > 10))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field",
		               "Số lần đi lại phải từ 1 đến 10",
		               "'visits' must be an integer 1-10");
	json_t *cv = json_object_get(req, "comment");
	const char *comment = NULL;
	if (cv && !json_is_null(cv)) {
		comment = json_string_value(cv);
		long chars = comment ? rating_comment_chars(comment) : -1;
		if (comment == NULL || chars < 0 || chars > RATING_COMMENT_MAX ||
		    strlen(comment) != json_string_length(cv))
			return mc_fail(err, MC_ERR_INVALID, "invalid_field",
			               "Góp ý tối đa 500 ký tự",
			               "'comment' must be text of at most 500 characters");
		if (*comment == '\0')
			comment = NULL;
	}

	if ((rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	int64_t now = clock_now();
	char subject[96];
	struct rating_subject sub;
	if ((rc = rating_link_find(c, token, now, subject, sizeof subject, err)) ||
	    (rc = rating_subject_load(c, subject, &sub, err)))
		goto fail;
	if (rating_exists(c, subject)) {
		rc = rating_already(err);
		goto fail;
	}
	bool dossier = strcmp(sub.kind, "dossier") == 0;
	sqlite3_stmt *s = store_stmt(
	    c, "INSERT INTO ratings (subject, kind, procedure_code, group_code, level, on_time,"
	       " courteous, visits, unofficial_payment_asked, comment, rated_at, office_id)"
	       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
	if (s == NULL) {
		rc = store_sql_error(c, "rating", err);
		goto fail;
	}
	sqlite3_bind_text(s, 1, subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, sub.kind, -1, SQLITE_STATIC);
	if (*sub.code)
		sqlite3_bind_text(s, dossier ? 3 : 4, sub.code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, level, -1, SQLITE_STATIC);
	if (on_time >= 0)
		sqlite3_bind_int(s, 6, on_time);
	if (courteous >= 0)
		sqlite3_bind_int(s, 7, courteous);
	if (visits && json_is_integer(visits))
		sqlite3_bind_int64(s, 8, json_integer_value(visits));
	if (payment >= 0)
		sqlite3_bind_int(s, 9, payment);
	if (comment)
		sqlite3_bind_text(s, 10, comment, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 11, now);
	if (sub.office_id)
		sqlite3_bind_int64(s, 12, sub.office_id);
	int step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step != SQLITE_DONE) {
		rc = store_sql_error(c, "rating", err);
		goto fail;
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)sqlite3_last_insert_rowid(c->db));
	/* The chain gets the answers, not the comment's words (a citizen may
	 * write a name there), and no actor: "public". */
	json_t *details = json_pack("{s:s, s:s}", "kind", sub.kind, "level", level);
	if (dossier)
		json_object_set_new(details, "code", json_string(sub.ref));
	else
		json_object_set_new(details, "ticket_id", json_integer(strtoll(sub.ref, NULL, 10)));
	json_object_set_new(details, "on_time", on_time < 0 ? json_null() : json_boolean(on_time));
	json_object_set_new(details, "courteous",
	                    courteous < 0 ? json_null() : json_boolean(courteous));
	json_object_set_new(details, "visits",
	                    visits && json_is_integer(visits)
	                        ? json_integer(json_integer_value(visits))
	                        : json_null());
	json_object_set_new(details, "unofficial_payment_asked",
	                    payment < 0 ? json_null() : json_boolean(payment));
	json_object_set_new(details, "comment", json_boolean(comment != NULL));
	rc =
	    rating_event(st, "public", sub.office_id, "rating", id, "rating.created", details, err);
	json_decref(details);
	if (rc)
		goto fail;
	if ((rc = store_commit(st, err)))
		return rc;
	*out = json_pack("{s:b, s:s}", "rated", 1, "level", level);
	return MC_OK;
fail:
	store_rollback(st);
	return rc;
}
