/* POST/GET/DELETE /api/v1/session: staff log in and out. */
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/present_office.h"
#include "api/api_internal.h"
#include "api/bus.h"
#include "api/offload.h"
#include "api/ratelimit.h"
#include "api/throttle.h"
#include "store/auth.h"
#include "store/feedback.h"
#include "store/office.h"
#include "util/clock.h"
#include "util/xmalloc.h"

/* Who the token is, with a person's full name (null for a device) and the
 * office it belongs to ({code, name, kind, …}, null for the whole
 * province): the screens show them and choose their centre by it; "head"
 * whether the person is the office head (users.head: approves feedback
 * answers, reads the anonymous box). The
 * caller frees the object. */
static json_t *session_who(struct api *api, const struct principal *who)
{
	json_t *office = who->office_id ? present_office_id(api->st, who->office_id) : NULL;
	char *name = who->user_id ? store_user_full_name(api->st, who->user_id) : NULL;
	json_t *out =
	    json_pack("{s:s, s:o, s:s, s:s, s:o, s:b}", "username", who->username, "full_name",
	              name ? json_string(name) : json_null(), "role", role_name(who->role), "actor",
	              who->actor, "office", office ? office : json_null(), "head",
	              store_user_is_head(api->st, who->user_id));
	free(name);
	return out;
}

/* What a login job needs, copied off the connection on the HTTP worker
 * (the pool never reads the request's headers). The password is wiped when
 * the job is freed. */
struct session_login {
	char username[72];
	char password[136];
	char key_user[80], key_ip[80];
};

static void session_login_free(void *arg)
{
	struct session_login *l = arg;
	sodium_memzero(l, sizeof *l);
	free(l);
}

/* On a pool thread (api->login_pool, its own): Argon2id, then the session. */
static void session_login_run(struct api *api, struct http_request *r, void *arg)
{
	struct session_login *l = arg;
	int64_t now = clock_now();
	int64_t ttl = store_setting_int(api->st, "session_ttl_hours", 12) * 3600;
	char token[AUTH_TOKEN_LEN];
	struct principal who;
	struct mc_error err;
	if (store_session_open(api->st, l->username, l->password, ttl, token, &who, &err) !=
	    MC_OK) {
		if (err.kind == MC_ERR_UNAUTHORIZED) {
			throttle_fail(api->login_throttle, l->key_user, now);
			throttle_fail(api->ip_throttle, l->key_ip, now);
		}
		http_reply_error(r, &err);
		return;
	}
	throttle_reset(api->login_throttle, l->key_user);
	r->set_cookie = xasprintf("motcua_session=%s; Path=/; HttpOnly; SameSite=Strict;"
	                          " Max-Age=%lld%s",
	                          token, (long long)ttl, api->tls ? "; Secure" : "");
	json_t *out = session_who(api, &who);
	json_object_set_new(out, "token", json_string(token));
	json_object_set_new(out, "expires_at", json_integer(now + ttl));
	sodium_memzero(token, sizeof token);
	http_reply_json(r, 201, out);
}

void route_session_create(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	const char *username = json_string_value(json_object_get(body, "username"));
	const char *password = json_string_value(json_object_get(body, "password"));
	if (username == NULL || password == NULL || strlen(username) > 64 ||
	    strlen(password) > 128) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_credentials_format",
		                "Cần username và password dạng chuỗi",
		                "username and password must be strings");
		json_decref(body);
		return;
	}
	/* Every attempt counts against the address, successful or not: each
	 * costs an Argon2id run. */
	char key_ip[80];
	snprintf(key_ip, sizeof key_ip, "ip:%s", r->client_ip);
	/* Real elapsed time, not the settable test clock: a test that moves
	 * the office's clock by months must not open or close the window. */
	int wait = ratelimit_take(api->login_rate, key_ip, clock_mono_ms() / 1000);
	int64_t now = clock_now();
	if (wait > 0) {
		struct mc_error err;
		mc_failf(&err, MC_ERR_RATE_LIMITED, "too_many_logins",
		         "Quá nhiều lần đăng nhập từ máy này, hãy chờ rồi thử lại",
		         "Too many logins from this address (%d a minute); retry in %d s",
		         api->cfg.logins_per_minute, wait);
		err.retry_after = wait;
		http_reply_error(r, &err);
		json_decref(body);
		return;
	}
	/* Failures are counted per account and per address, so neither one
	 * account nor one machine can guess quickly. */
	struct session_login *l = xcalloc(1, sizeof *l);
	snprintf(l->username, sizeof l->username, "%s", username);
	snprintf(l->password, sizeof l->password, "%s", password);
	snprintf(l->key_user, sizeof l->key_user, "u:%s", username);
	snprintf(l->key_ip, sizeof l->key_ip, "%s", key_ip);
	json_decref(body);
	bool full_user, full_ip;
	wait = throttle_check(api->login_throttle, l->key_user, now, &full_user);
	int wait_ip = throttle_check(api->ip_throttle, l->key_ip, now, &full_ip);
	if (wait_ip > wait)
		wait = wait_ip;
	if (wait > 0) {
		struct mc_error err;
		if (full_user || full_ip)
			throttle_full_error(&err, wait);
		else
			mc_failf(&err, MC_ERR_RATE_LIMITED, "too_many_attempts",
			         "Đăng nhập sai nhiều lần, hãy chờ rồi thử lại",
			         "Too many failed logins; retry in %d s", wait);
		err.retry_after = wait;
		http_reply_error(r, &err);
		session_login_free(l);
		return;
	}
	/* The password check runs on the pool; the connection waits suspended
	 * (or the pool is full: 503 server_busy). A login to an account that
	 * exists waits ahead of logins to accounts that do not: a flood of
	 * guesses at made-up names cannot keep the staff out (guesses at a real
	 * name are few: its own throttle above). */
	struct principal known;
	bool exists = store_user_principal(api->st, l->username, &known);
	if (offload_request(api->login_pool, r, session_login_run, l, session_login_free) && exists)
		offload_ahead(r);
}

void route_session_get(struct api *api, struct http_request *r)
{
	http_reply_json(r, 200, session_who(api, &r->who));
}

void route_session_delete(struct api *api, struct http_request *r)
{
	const char *auth = http_header(r, "Authorization");
	const char *token = NULL;
	struct mc_error err;
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		token = auth + 7;
	else
		token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "motcua_session");
	if (token && store_session_close(api->st, token, &err) != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	/* The session's event streams end (they check their token again). */
	bus_recheck(api->bus);
	r->set_cookie = xstrdup("motcua_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	http_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
