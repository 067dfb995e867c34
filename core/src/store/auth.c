#include "store/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/password.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/jsontext.h"
#include "util/xmalloc.h"

/* Argon2id cost: 2 passes over 19 MiB, a common interactive setting that keeps
 * a burst of logins within the server's memory budget. */
#define AUTH_PW_OPS 2
#define AUTH_PW_MEM (19u * 1024 * 1024)
/* Live sessions one account may hold; opening one more closes the oldest. */
#define AUTH_SESSIONS_PER_USER 20

enum role auth_role_parse(const char *s)
{
	static const enum role staff[] = {ROLE_ADMIN, ROLE_SUPERVISOR, ROLE_COUNTER,
	                                  ROLE_SPECIALIST};
	for (size_t i = 0; s && i < sizeof staff / sizeof staff[0]; i++)
		if (strcmp(s, role_name(staff[i])) == 0)
			return staff[i];
	return ROLE_NONE;
}

enum mc_err auth_password_check(const char *username, const char *password, struct mc_error *err)
{
	switch (password_judge(username, password)) {
	case PASSWORD_OK: return MC_OK;
	case PASSWORD_TOO_SHORT:
	case PASSWORD_TOO_LONG:
		return mc_fail(err, MC_ERR_INVALID, "weak_password",
		               "Mật khẩu phải dài 12–128 ký tự", "password must be 12-128 bytes");
	case PASSWORD_USERNAME:
		return mc_fail(err, MC_ERR_INVALID, "weak_password",
		               "Mật khẩu không được dựa trên tên đăng nhập",
		               "password must not be the username with digits or signs");
	case PASSWORD_COMMON: break;
	}
	return mc_fail(err, MC_ERR_INVALID, "weak_password",
	               "Mật khẩu quá phổ biến, dễ đoán; hãy chọn một câu dài hơn",
	               "password is too common (a listed password or word, a sequence or one"
	               " character repeated); choose a longer phrase");
}

enum mc_err store_admin_remains(struct store *st, struct mc_error *err)
{
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "SELECT count(*) FROM users WHERE role = 'admin'"
	                           " AND active = 1");
	if (s == NULL)
		return store_sql_error(c, "users", err);
	int step = db_step(s);
	int64_t admins = step == DB_ROW ? db_column_int64(s, 0) : 0;
	db_reset(s);
	if (step != DB_ROW)
		return store_sql_error(c, "users", err);
	if (admins == 0)
		return mc_fail(err, MC_ERR_CONFLICT, "last_admin",
		               "Không thể bỏ quyền hoặc khóa quản trị viên cuối cùng",
		               "the last active administrator cannot be demoted or deactivated");
	return MC_OK;
}

static void auth_token_new(char out[AUTH_TOKEN_LEN])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, AUTH_TOKEN_LEN, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void auth_token_hash(const char *token, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, d, sizeof d);
}

enum mc_err store_user_create(struct store *st, const char *actor, const char *username,
                              const char *full_name, enum role role, const char *password,
                              bool demo, int64_t *id_out, struct mc_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	size_t pwlen = password ? strlen(password) : 0;
	enum mc_err rc;

	if (username == NULL || strlen(username) < 2 || strlen(username) > 64 ||
	    strspn(username, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(username))
		return mc_fail(err, MC_ERR_INVALID, "invalid_username",
		               "Tên đăng nhập 2–64 ký tự: chữ thường, số, dấu . _ -",
		               "username must be 2-64 of a-z 0-9 . _ -");
	if (full_name == NULL || *full_name == '\0' || strlen(full_name) > 200)
		return mc_fail(err, MC_ERR_INVALID, "invalid_full_name", "Họ tên không hợp lệ",
		               "full_name must be 1-200 bytes");
	if (role_name(role) == NULL || (role & ~ROLE_STAFF))
		return mc_fail(err, MC_ERR_INVALID, "invalid_role", "Vai trò không hợp lệ",
		               "role must be admin, supervisor, counter or specialist");
	if ((rc = auth_password_check(username, password, err)))
		return rc;
	if (crypto_pwhash_str_alg(hash, password, pwlen, AUTH_PW_OPS, AUTH_PW_MEM,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		return mc_fail(err, MC_ERR_INTERNAL, "hash_failed", "Lỗi băm mật khẩu",
		               "password hashing failed (memory)");

	rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "INSERT INTO users (username, full_name, role, pw_hash,"
	                           " demo, created_at) VALUES (?,?,?,?,?,?)");
	if (s == NULL) {
		rc = store_sql_error(c, "user", err);
		goto fail;
	}
	db_bind_text(s, 1, username, -1, DB_STATIC);
	db_bind_text(s, 2, full_name, -1, DB_STATIC);
	db_bind_text(s, 3, role_name(role), -1, DB_STATIC);
	db_bind_text(s, 4, hash, -1, DB_STATIC);
	db_bind_int(s, 5, demo);
	db_bind_int64(s, 6, clock_now());
	int step = db_step(s);
	db_reset(s);
	if (step != DB_DONE) {
		rc = store_sql_error(c, "user", err);
		if (rc == MC_ERR_CONFLICT)
			mc_fail(err, MC_ERR_CONFLICT, "username_taken", "Tên đăng nhập đã có",
			        "username already exists");
		goto fail;
	}
	int64_t id = db_last_insert_id(c->db);
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)id);
	struct jsontext d = JSONTEXT_INIT;
	jt_begin(&d);
	jt_str(&d, "username", username);
	jt_str(&d, "role", role_name(role));
	jt_end(&d);
	char *details = jt_finish(&d);
	int64_t ev =
	    store_event_append(st, actor, "user", eid, "user.created", details, false, err);
	free(details);
	if (ev == 0) {
		rc = err ? err->kind : MC_ERR_INTERNAL;
		goto fail;
	}
	rc = store_commit(st, err);
	if (rc == MC_OK && id_out)
		*id_out = id;
	return rc;
fail:
	store_rollback(st);
	return rc;
}

/* Idle sessions end: a use is written back (expires_at moved) only when it
 * moves the end by at least this much, so a busy clerk costs one short write
 * a minute, not one per request. */
#define AUTH_TOUCH_SECONDS 60

/* When a session opened at created with absolute life ttl ends if it is used
 * at now: the idle end, capped by the absolute one. */
static int64_t auth_session_end(struct store *st, int64_t created, int64_t now, int64_t ttl)
{
	int64_t idle = store_setting_int(st, "session_idle_minutes", 30) * 60;
	int64_t end = created + ttl;
	if (idle > 0 && now + idle < end)
		end = now + idle;
	return end;
}

/* Sets the end of the session token_hash to end: later after a use, or
 * sooner when the idle time was lowered (or the session opened before idle
 * ends existed). Two touches racing differ by the seconds between them. A
 * failed write is only logged: the session then ends at its older end. */
static void auth_session_touch(struct store *st, const char *token_hash, int64_t end)
{
	struct mc_error err;
	if (store_begin(st, &err) != MC_OK)
		return;
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "UPDATE sessions SET expires_at = ?1"
	                           " WHERE token_hash = ?2");
	if (s == NULL) {
		store_rollback(st);
		return;
	}
	db_bind_int64(s, 1, end);
	db_bind_text(s, 2, token_hash, -1, DB_STATIC);
	if (store_step(c, s, "session", &err) != MC_OK) {
		store_rollback(st);
		return;
	}
	store_commit(st, &err);
}

static enum mc_err auth_session_insert(struct store *st, const char *token_hash, int64_t user_id,
                                       int64_t ttl, struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	int64_t now = clock_now();
	/* Expired sessions are swept as new ones open, so the table stays small. */
	db_stmt *s = store_stmt(c, "DELETE FROM sessions WHERE expires_at < ?");
	if (s == NULL) {
		rc = store_sql_error(c, "session", err);
		goto fail;
	}
	db_bind_int64(s, 1, now);
	if ((rc = store_step(c, s, "session", err)))
		goto fail;
	s = store_stmt(c, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
	                  " VALUES (?,?,?,?)");
	if (s == NULL) {
		rc = store_sql_error(c, "session", err);
		goto fail;
	}
	db_bind_text(s, 1, token_hash, -1, DB_STATIC);
	db_bind_int64(s, 2, user_id);
	db_bind_int64(s, 3, now);
	db_bind_int64(s, 4, auth_session_end(st, now, now, ttl));
	int step = db_step(s);
	db_reset(s);
	if (step != DB_DONE) {
		rc = store_sql_error(c, "session", err);
		goto fail;
	}
	/* At most AUTH_SESSIONS_PER_USER live sessions per account: the oldest
	 * close as new ones open (a leaked or forgotten token does not live on
	 * beside a busy account's daily logins). */
	s = store_stmt(c, "DELETE FROM sessions WHERE user_id = ?1 AND token_hash NOT IN"
	                  " (SELECT token_hash FROM sessions WHERE user_id = ?1"
	                  " ORDER BY token_hash = ?2 DESC, created_at DESC LIMIT ?3)");
	if (s == NULL) {
		rc = store_sql_error(c, "session", err);
		goto fail;
	}
	db_bind_int64(s, 1, user_id);
	db_bind_text(s, 2, token_hash, -1, DB_STATIC);
	db_bind_int(s, 3, AUTH_SESSIONS_PER_USER);
	step = db_step(s);
	db_reset(s);
	if (step != DB_DONE) {
		rc = store_sql_error(c, "session", err);
		goto fail;
	}
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

/* The SQL of a user's scope office (u is the users row): 0 for none or the
 * province root, else the office. */
#define AUTH_SCOPE_SQL                                                                             \
	"coalesce((SELECT o.id FROM offices o WHERE o.id = u.office_id"                            \
	" AND o.kind <> 'province'), 0)"

static void auth_principal_staff(struct principal *who, int64_t id, const char *username,
                                 const char *role, int64_t office_id)
{
	memset(who, 0, sizeof *who);
	who->role = auth_role_parse(role);
	who->user_id = id;
	who->office_id = office_id;
	snprintf(who->actor, sizeof who->actor, "user:%lld", (long long)id);
	snprintf(who->username, sizeof who->username, "%s", username);
}

enum mc_err store_session_open(struct store *st, const char *username, const char *password,
                               int64_t ttl, char token_out[AUTH_TOKEN_LEN], struct principal *who,
                               struct mc_error *err)
{
	/* A dummy hash so an unknown user costs as much time as a known one. */
	static const char dummy[crypto_pwhash_STRBYTES] =
	    "$argon2id$v=19$m=19456,t=2,p=1$"
	    "c29tZXNhbHRzb21lc2FsdA$"
	    "9sJ1rTKyoJ6E2lPMbCXYtLe1yYxCwZx4PGMU+NDZr6Q";
	struct store_conn *c = store_read_conn(st);
	char pw_hash[crypto_pwhash_STRBYTES] = "";
	char role[16] = "", name[64] = "";
	int64_t id = 0, office_id = 0;

	db_stmt *s = store_stmt(c, "SELECT id, role, pw_hash, username, " AUTH_SCOPE_SQL
	                           " FROM users u WHERE username = ? AND active = 1");
	if (s == NULL)
		return store_sql_error(c, "login", err);
	db_bind_text(s, 1, username, -1, DB_STATIC);
	int step;
	if (store_next(s, &step)) {
		id = db_column_int64(s, 0);
		snprintf(role, sizeof role, "%s", store_col_text(s, 1));
		snprintf(pw_hash, sizeof pw_hash, "%s", store_col_text(s, 2));
		snprintf(name, sizeof name, "%s", store_col_text(s, 3));
		office_id = db_column_int64(s, 4);
	}
	/* A row that cannot be read (the user's, or its office's) is a store
	 * error, not a wrong password. */
	enum mc_err rc = store_scan_end(c, s, step, "login", err);
	if (rc)
		return rc;
	const char *check = id ? pw_hash : dummy;
	bool ok = crypto_pwhash_str_verify(check, password, strlen(password)) == 0;
	if (!ok || id == 0)
		return mc_fail(err, MC_ERR_UNAUTHORIZED, "bad_credentials",
		               "Sai tên đăng nhập hoặc mật khẩu", "Wrong username or password");

	char th[65];
	auth_token_new(token_out);
	auth_token_hash(token_out, th);
	if ((rc = auth_session_insert(st, th, id, ttl, err)))
		return rc;
	auth_principal_staff(who, id, name, role, office_id);
	return MC_OK;
}

/* store_token_authenticate, store_token_resolve and store_token_check: touch
 * says whether this use moves a session's idle end. *found says whether
 * token is a live session or device (who then filled). Returns MC_OK, or the
 * store error of a read that could not finish (err filled, *found false). */
static enum mc_err auth_token_lookup(struct store *st, const char *token, struct principal *who,
                                     bool touch, bool *found, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char th[65];
	int step;
	enum mc_err rc;

	*found = false;
	if (token == NULL || strlen(token) != AUTH_TOKEN_LEN - 1)
		return MC_OK;
	auth_token_hash(token, th);
	int64_t now = clock_now(), created = 0, expires = 0;
	db_stmt *s = store_stmt(c, "SELECT u.id, u.role, u.username, s.created_at,"
	                           " s.expires_at, " AUTH_SCOPE_SQL " FROM sessions s"
	                           " JOIN users u ON u.id = s.user_id"
	                           " WHERE s.token_hash = ? AND s.expires_at > ?"
	                           " AND u.active = 1");
	if (s == NULL)
		return store_sql_error(c, "session", err);
	db_bind_text(s, 1, th, -1, DB_STATIC);
	db_bind_int64(s, 2, now);
	if (store_next(s, &step)) {
		auth_principal_staff(who, db_column_int64(s, 0), store_col_text(s, 2),
		                     store_col_text(s, 1), db_column_int64(s, 5));
		created = db_column_int64(s, 3);
		expires = db_column_int64(s, 4);
		*found = true;
	}
	/* A session whose row (its user's, its office's) cannot be read is a
	 * store error, not "logged out". */
	if ((rc = store_scan_end(c, s, step, "session", err))) {
		*found = false;
		return rc;
	}
	if (*found && !touch)
		return MC_OK;
	if (*found) {
		/* Used now: the idle end moves, written back at most once a minute. */
		int64_t ttl = store_setting_int(st, "session_ttl_hours", 12) * 3600;
		int64_t end = auth_session_end(st, created, now, ttl);
		if (end - expires >= AUTH_TOUCH_SECONDS || expires - end >= AUTH_TOUCH_SECONDS)
			auth_session_touch(st, th, end);
		return MC_OK;
	}

	s = store_stmt(c, "SELECT id, kind, name, prints, coalesce(office_id, 0) FROM devices"
	                  " WHERE token_hash = ? AND active = 1");
	if (s == NULL)
		return store_sql_error(c, "session", err);
	db_bind_text(s, 1, th, -1, DB_STATIC);
	if (store_next(s, &step)) {
		memset(who, 0, sizeof *who);
		who->device_id = db_column_int64(s, 0);
		who->role = strcmp(store_col_text(s, 1), "kiosk") == 0 ? ROLE_KIOSK : ROLE_DISPLAY;
		who->device_prints = db_column_int(s, 3) != 0;
		who->office_id = db_column_int64(s, 4);
		snprintf(who->actor, sizeof who->actor, "device:%lld", (long long)who->device_id);
		snprintf(who->username, sizeof who->username, "%s", store_col_text(s, 2));
		*found = true;
	}
	if ((rc = store_scan_end(c, s, step, "session", err)))
		*found = false;
	return rc;
}

enum mc_err store_token_authenticate(struct store *st, const char *token, struct principal *who,
                                     bool *found, struct mc_error *err)
{
	return auth_token_lookup(st, token, who, true, found, err);
}

bool store_token_resolve(struct store *st, const char *token, struct principal *who)
{
	bool found;
	return auth_token_lookup(st, token, who, true, &found, NULL) == MC_OK && found;
}

bool store_token_check(struct store *st, const char *token, struct principal *who)
{
	bool found;
	return auth_token_lookup(st, token, who, false, &found, NULL) == MC_OK && found;
}

enum mc_err store_session_close(struct store *st, const char *token, struct mc_error *err)
{
	char th[65];
	auth_token_hash(token, th);
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "DELETE FROM sessions WHERE token_hash = ?");
	if (s == NULL) {
		rc = store_sql_error(c, "logout", err);
		store_rollback(st);
		return rc;
	}
	db_bind_text(s, 1, th, -1, DB_STATIC);
	db_step(s);
	db_reset(s);
	return store_commit(st, err);
}

enum mc_err store_device_create(struct store *st, const char *actor, const char *kind,
                                const char *name, bool prints, int64_t *id_out,
                                char token_out[AUTH_TOKEN_LEN], struct mc_error *err)
{
	char th[65];
	if (kind == NULL || (strcmp(kind, "kiosk") != 0 && strcmp(kind, "display") != 0))
		return mc_fail(err, MC_ERR_INVALID, "invalid_device_kind",
		               "Loại thiết bị phải là kiosk hoặc display",
		               "kind must be kiosk or display");
	if (name == NULL || *name == '\0' || strlen(name) > 100)
		return mc_fail(err, MC_ERR_INVALID, "invalid_name", "Tên không hợp lệ",
		               "name must be 1-100 bytes");
	auth_token_new(token_out);
	auth_token_hash(token_out, th);

	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	db_stmt *s = store_stmt(c, "INSERT INTO devices (kind, name, token_hash, prints,"
	                           " created_at) VALUES (?,?,?,?,?)");
	if (s == NULL) {
		rc = store_sql_error(c, "device", err);
		goto fail;
	}
	db_bind_text(s, 1, kind, -1, DB_STATIC);
	db_bind_text(s, 2, name, -1, DB_STATIC);
	db_bind_text(s, 3, th, -1, DB_STATIC);
	db_bind_int(s, 4, prints);
	db_bind_int64(s, 5, clock_now());
	int step = db_step(s);
	db_reset(s);
	if (step != DB_DONE) {
		rc = store_sql_error(c, "device", err);
		if (rc == MC_ERR_CONFLICT)
			mc_fail(err, MC_ERR_CONFLICT, "device_name_taken", "Tên thiết bị đã có",
			        "a device with that name exists");
		goto fail;
	}
	int64_t id = db_last_insert_id(c->db);
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)id);
	struct jsontext d = JSONTEXT_INIT;
	jt_begin(&d);
	jt_str(&d, "kind", kind);
	jt_str(&d, "name", name);
	jt_bool(&d, "prints", prints);
	jt_end(&d);
	char *details = jt_finish(&d);
	int64_t ev =
	    store_event_append(st, actor, "device", eid, "device.created", details, false, err);
	free(details);
	if (ev == 0) {
		rc = err ? err->kind : MC_ERR_INTERNAL;
		goto fail;
	}
	rc = store_commit(st, err);
	if (rc == MC_OK && id_out)
		*id_out = id;
	return rc;
fail:
	store_rollback(st);
	return rc;
}

char *store_user_full_name(struct store *st, int64_t user_id)
{
	struct store_conn *c = store_read_conn(st);
	db_stmt *s = store_stmt(c, "SELECT full_name FROM users WHERE id = ?");
	if (s == NULL)
		return NULL;
	db_bind_int64(s, 1, user_id);
	char *out = NULL;
	if (db_step(s) == DB_ROW && db_column_type(s, 0) != DB_NULL)
		out = xstrdup(store_col_text(s, 0));
	db_reset(s);
	return out;
}

bool store_user_principal(struct store *st, const char *username, struct principal *who)
{
	struct store_conn *c = store_read_conn(st);
	bool found = false;
	db_stmt *s = store_stmt(c, "SELECT id, role, username, " AUTH_SCOPE_SQL
	                           " FROM users u WHERE username = ? AND active = 1");
	if (s == NULL)
		return false;
	db_bind_text(s, 1, username, -1, DB_STATIC);
	if (db_step(s) == DB_ROW) {
		auth_principal_staff(who, db_column_int64(s, 0), store_col_text(s, 2),
		                     store_col_text(s, 1), db_column_int64(s, 3));
		found = true;
	}
	db_reset(s);
	return found;
}
