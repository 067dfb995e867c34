/* The libmicrohttpd loop: per-request state, body accumulation with a hard
 * cap, authentication, the role check, Idempotency-Key, and dispatch to the
 * route table. A response is queued only on the second call of the access
 * handler (queuing on the first closes keep-alive connections). */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "api/api_internal.h"
#include "api/bus.h"
#include "api/offload.h"
#include "api/printing.h"
#include "api/ratelimit.h"
#include "api/throttle.h"
#include "store/auth.h"
#include "store/idempotency.h"
#include "store/stream.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define API_DEFAULT_BODY_LIMIT (64 * 1024)
#define API_HEADER_LIMIT (16 * 1024)
#define API_CONNECTION_MEMORY (32 * 1024)
#define API_MAX_CONNECTIONS 4000
#define API_IDEM_KEY_MAX 128

static const uint64_t api_latency_bounds_us[API_LATENCY_BUCKETS] = {
    500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000};

static void api_record(struct api *api, const struct http_request *r)
{
	if (r->status < 100 || r->status > 599)
		return; /* the client left before an answer was made */
	atomic_fetch_add(&api->metrics.requests[r->status], 1);
	if (r->stream)
		return; /* a stream's duration is not a latency */
	uint64_t us = (uint64_t)(clock_mono_ms() - r->started_ms) * 1000;
	atomic_fetch_add(&api->metrics.latency_count, 1);
	atomic_fetch_add(&api->metrics.latency_sum_us, us);
	for (int i = 0; i < API_LATENCY_BUCKETS; i++)
		if (us <= api_latency_bounds_us[i]) {
			atomic_fetch_add(&api->metrics.latency_le[i], 1);
			break;
		}
}

static void api_request_free(struct http_request *r)
{
	offload_job_free(r->offload);
	if (r->prepared)
		MHD_destroy_response(r->prepared);
	strbuf_free(&r->body);
	free(r->param_buf);
	free(r->resp);
	free(r->set_cookie);
	free(r);
}

static void api_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                          enum MHD_RequestTerminationCode toe)
{
	struct api *api = cls;
	struct http_request *r = *con_cls;
	if (r == NULL)
		return;
	api_record(api, r);
	if (r->stream_ctx)
		bus_unsubscribe(api->bus, r->stream_ctx);
	api_request_free(r);
	*con_cls = NULL;
}

static enum MHD_Result api_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
	size_t *total = cls;
	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* The bearer token: Authorization header, else the session cookie, else (for
 * GET, e.g. an EventSource of a board) an access_token query argument. */
static void api_authenticate(struct api *api, struct http_request *r)
{
	const char *token = NULL;
	const char *auth = http_header(r, "Authorization");
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		token = auth + 7;
	if (token == NULL) {
		token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "motcua_session");
		r->via_cookie = token != NULL;
	}
	if (token == NULL && strcmp(r->method, "GET") == 0)
		token = http_query(r, "access_token");
	if (token)
		r->authed = store_token_resolve(api->st, token, &r->who);
	if (!r->authed) {
		memset(&r->who, 0, sizeof r->who);
		snprintf(r->who.actor, sizeof r->who.actor, "anonymous");
	}
}

static bool api_idem_key_valid(const char *key)
{
	size_t n = strlen(key);
	if (n == 0 || n > API_IDEM_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (key[i] < 0x21 || key[i] > 0x7e)
			return false;
	return true;
}

/* The request as its Idempotency-Key record sees it: who, the key, and what
 * was asked (method, path, body), so the same key with another request is
 * told apart. */
static struct idem_request api_idem_request(const struct http_request *r, const char *key)
{
	return (struct idem_request){.principal = r->who.actor,
	                             .key = key,
	                             .method = r->method,
	                             .path = r->path,
	                             .body = r->body.data,
	                             .body_len = r->body.len};
}

/* Answers a request whose key is known and not replayable: 409
 * idempotency_key_reused (another request) or idempotency_key_unavailable
 * (the first answer is sealed with a key this server does not have). */
static void api_idem_refuse(struct http_request *r, enum idem_found found)
{
	if (found == IDEM_OTHER)
		http_reply_fail(r, MC_ERR_CONFLICT, "idempotency_key_reused",
		                "Idempotency-Key đã dùng cho yêu cầu khác",
		                "This Idempotency-Key was used for another request");
	else
		http_reply_fail(r, MC_ERR_CONFLICT, "idempotency_key_unavailable",
		                "Không thể trả lại kết quả lần trước của khóa này; hãy kiểm tra "
		                "yêu cầu trước đã có hiệu lực chưa rồi dùng khóa mới",
		                "The first answer to this Idempotency-Key cannot be shown again; "
		                "check whether the first request took effect, then use a new key");
}

/* Runs a mutating route under its Idempotency-Key: the lookup, the change and
 * the record of the answer are one transaction, so a retry with the same key
 * returns the first answer and changes nothing more. */
static void api_run_idempotent(struct api *api, struct http_request *r, const struct route *rt,
                               const char *key)
{
	struct mc_error err;
	int status;
	char *body = NULL;
	struct idem_request q = api_idem_request(r, key);

	if (store_begin(api->st, &err)) {
		http_reply_error(r, &err);
		return;
	}
	enum idem_found found = store_idem_find(api->st, api->idem_seal, &q, &status, &body);
	if (found != IDEM_NEW) {
		store_rollback(api->st);
		if (found == IDEM_REPLAY)
			http_reply_text(r, status, "application/json; charset=utf-8", body,
			                strlen(body));
		else
			api_idem_refuse(r, found);
		free(body);
		return;
	}
	rt->handler(api, r);
	if (offload_pending(r)) {
		/* A pool would answer after this transaction ends: a route that
		 * offloads must be ROUTE_SLOW. */
		log_error("route %s %s offloads inside a transaction", rt->method, rt->pattern);
		abort();
	}
	if (r->status < 200 || r->status > 299) {
		store_rollback(api->st);
		return;
	}
	if (store_idem_save(api->st, api->idem_seal, &q, r->status, r->resp ? r->resp : "",
	                    &err) != MC_OK) {
		store_rollback(api->st);
		http_reply_error(r, &err);
		return;
	}
	if (store_commit(api->st, &err) != MC_OK)
		http_reply_error(r, &err);
}

/* A mutating route that may wait on a device (ROUTE_SLOW): the key is
 * reserved first, the handler runs its own transactions, then the answer is
 * recorded (2xx) or the key forgotten. A retry while the first request still
 * runs gets 409 request_in_progress. */
static void api_run_reserved(struct api *api, struct http_request *r, const struct route *rt,
                             const char *key)
{
	int status;
	char *body = NULL;
	struct idem_request q = api_idem_request(r, key);

	enum idem_found found = store_idem_reserve(api->st, api->idem_seal, &q, &status, &body);
	if (found != IDEM_NEW) {
		if (found != IDEM_REPLAY)
			api_idem_refuse(r, found);
		else if (status == 0) {
			http_reply_fail(
			    r, MC_ERR_CONFLICT, "request_in_progress",
			    "Yêu cầu trước với cùng khóa đang được xử lý",
			    "The first request with this Idempotency-Key is still running");
			r->retry_after = 1;
		} else
			http_reply_text(r, status, "application/json; charset=utf-8", body,
			                strlen(body));
		free(body);
		return;
	}
	rt->handler(api, r);
	/* An offloaded handler has no answer yet: api_offload_finish records it. */
	if (!offload_pending(r))
		store_idem_complete(api->st, api->idem_seal, &q, r->status, r->resp ? r->resp : "");
}

/* Back on its HTTP worker after the pool ran r's job (api/offload.h): records
 * the answer under a reserved Idempotency-Key, as api_run_reserved does for
 * a handler that answers at once. */
static void api_offload_finish(struct api *api, struct http_request *r)
{
	const struct route *rt = &api_routes[r->route];
	const char *key = http_header(r, "Idempotency-Key");
	if ((rt->flags & ROUTE_MUTATES) && (rt->flags & ROUTE_SLOW) && key) {
		struct idem_request q = api_idem_request(r, key);
		store_idem_complete(api->st, api->idem_seal, &q, r->status, r->resp ? r->resp : "");
	}
}

static void api_dispatch(struct api *api, struct http_request *r)
{
	if (r->body_too_large) {
		struct mc_error err;
		mc_failf(&err, MC_ERR_TOO_LARGE, "body_too_large", "Nội dung yêu cầu quá lớn",
		         "The request body is over %zu bytes", api->cfg.body_limit);
		http_reply_error(r, &err);
		return;
	}
	r->param_buf = xmalloc(strlen(r->path) + 1);
	r->route = routes_match(r->method, r->path, r->param_buf, r->params);
	if (r->route == -1) {
		http_reply_fail(r, MC_ERR_NOT_FOUND, "not_found", "Không có địa chỉ này",
		                "No such resource");
		return;
	}
	if (r->route == -2) {
		http_reply_fail(r, MC_ERR_NOT_FOUND, "method_not_allowed",
		                "Phương thức không được hỗ trợ cho địa chỉ này",
		                "Method not allowed for this resource");
		r->status = 405;
		return;
	}
	const struct route *rt = &api_routes[r->route];
	api_authenticate(api, r);
	if (rt->roles) {
		if (!r->authed) {
			http_reply_fail(r, MC_ERR_UNAUTHORIZED, "unauthorized", "Cần đăng nhập",
			                "Authentication required");
			return;
		}
		if (!(r->who.role & rt->roles)) {
			http_reply_fail(r, MC_ERR_FORBIDDEN, "forbidden",
			                "Vai trò của bạn không được làm việc này",
			                "Your role may not do this");
			return;
		}
	}
	const char *key = http_header(r, "Idempotency-Key");
	if ((rt->flags & ROUTE_MUTATES) && key && !api_idem_key_valid(key)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_idempotency_key",
		                "Idempotency-Key không hợp lệ",
		                "Idempotency-Key must be 1-128 printable ASCII characters");
		return;
	}
	if ((rt->flags & ROUTE_MUTATES) && (rt->flags & ROUTE_SLOW) && key)
		api_run_reserved(api, r, rt, key);
	else if ((rt->flags & ROUTE_MUTATES) && key)
		api_run_idempotent(api, r, rt, key);
	else
		rt->handler(api, r);
	if (r->status == 0 && !r->stream && !r->prepared && !offload_pending(r)) {
		log_error("route %s %s set no response", rt->method, rt->pattern);
		http_reply_fail(r, MC_ERR_INTERNAL, "internal", "Lỗi máy chủ", "Server error");
	}
}

static enum MHD_Result api_send(struct api *api, struct http_request *r)
{
	struct MHD_Response *resp;
	if (r->stream) {
		resp = bus_response(api->bus, r->stream_ctx);
		r->status = 200;
	} else if (r->prepared) {
		resp = r->prepared;
		r->prepared = NULL;
	} else {
		resp = MHD_create_response_from_buffer(r->resp_len, r->resp, MHD_RESPMEM_MUST_FREE);
		r->resp = NULL;
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	}
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (r->set_cookie)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
	if (r->retry_after > 0) {
		char ra[16];
		snprintf(ra, sizeof ra, "%d", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static enum MHD_Result api_access(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct api *api = cls;
	struct http_request *r = *con_cls;

	if (r == NULL) {
		r = xcalloc(1, sizeof *r);
		r->conn = conn;
		r->method = method;
		r->path = url;
		r->route = -1;
		r->started_ms = clock_mono_ms();
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr,
			          r->client_ip, sizeof r->client_ip);
		*con_cls = r;

		size_t headers = 0;
		MHD_get_connection_values(conn, MHD_HEADER_KIND, api_header_size, &headers);
		if (headers > API_HEADER_LIMIT) {
			http_reply_fail(r, MC_ERR_TOO_LARGE, "headers_too_large",
			                "Phần đầu yêu cầu quá lớn",
			                "The request headers are too large");
			r->status = 431;
			return api_send(api, r);
		}
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t len;
		if (cl && http_parse_int(cl, 0, INT64_MAX, &len) &&
		    (uint64_t)len > api->cfg.body_limit) {
			/* Refuse at once rather than read megabytes to discard. */
			r->body_too_large = true;
			api_dispatch(api, r);
			return api_send(api, r);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (r->body.len + *upload_data_size > api->cfg.body_limit)
			r->body_too_large = true;
		else
			strbuf_append(&r->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (offload_take_done(r)) {
		/* Called again after the resume: the pool ran the job and set
		 * the answer; this worker owns r again. */
		api_offload_finish(api, r);
		return api_send(api, r);
	}
	if (r->status != 0)
		return MHD_YES; /* already answered on the first call */
	api_dispatch(api, r);
	if (offload_pending(r)) {
		/* The handler gave the rest to a pool: suspend first, so that the
		 * pool's resume always finds the connection suspended; from
		 * offload_post on the pool owns r, until it resumes conn. */
		MHD_suspend_connection(conn);
		offload_post(r);
		return MHD_YES;
	}
	return api_send(api, r);
}

static void api_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_warn("http: %s", line);
}

static char *api_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_append(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, NULL);
}

static void api_raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

enum mc_err api_start(struct store *st, const struct api_config *cfg, struct api **out,
                      struct mc_error *err)
{
	struct api *api = xcalloc(1, sizeof *api);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
	const char *listen = cfg->listen ? cfg->listen : "127.0.0.1";

	api->st = st;
	api->cfg = *cfg;
	if (api->cfg.body_limit == 0)
		api->cfg.body_limit = API_DEFAULT_BODY_LIMIT;
	if (api->cfg.threads <= 0)
		api->cfg.threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (api->cfg.threads <= 0)
		api->cfg.threads = 2;
	if (inet_pton(AF_INET, listen, &addr.sin_addr) != 1) {
		free(api);
		return mc_failf(err, MC_ERR_INVALID, "invalid_listen", "Địa chỉ nghe không hợp lệ",
		                "--listen must be an IPv4 address, not '%.60s'", listen);
	}
	if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL)) {
		free(api);
		return mc_fail(err, MC_ERR_INVALID, "tls_incomplete", "Thiếu chứng chỉ hoặc khóa",
		               "--tls-cert and --tls-key go together");
	}
	if (cfg->tls_cert) {
		api->tls_cert_pem = api_read_file(cfg->tls_cert);
		api->tls_key_pem = api_read_file(cfg->tls_key);
		if (api->tls_cert_pem == NULL || api->tls_key_pem == NULL) {
			free(api->tls_cert_pem);
			free(api->tls_key_pem);
			free(api);
			return mc_fail(err, MC_ERR_INVALID, "tls_unreadable",
			               "Không đọc được chứng chỉ hoặc khóa",
			               "cannot read the TLS certificate or key file");
		}
		api->tls = true;
	}
	/* The key that seals stored Idempotency-Key answers, kept outside the
	 * database (store/idempotency.h). */
	char *seal_path = cfg->idem_key_file ? xstrdup(cfg->idem_key_file)
	                                     : idem_seal_default_path(store_path(st));
	enum mc_err seal_rc = idem_seal_open(seal_path, &api->idem_seal, err);
	free(seal_path);
	if (seal_rc != MC_OK) {
		free(api->tls_cert_pem);
		free(api->tls_key_pem);
		free(api);
		return seal_rc;
	}
	store_idem_drop_unsealed(st);
	api_raise_fd_limit();
	api->login_throttle = throttle_new(4096, 5);
	/* Addresses share this table with public lookups and rating links; a
	 * slot is held an hour after a failure, so room for many. */
	api->ip_throttle = throttle_new(8192, 30);
	api->bus = bus_new(st, api->cfg.heartbeat_ms > 0 ? api->cfg.heartbeat_ms : 15000);
	api->printing = printing_start(st);
	if (api->printing == NULL) {
		bus_free(api->bus);
		throttle_free(api->login_throttle);
		throttle_free(api->ip_throttle);
		idem_seal_free(api->idem_seal);
		free(api->tls_cert_pem);
		free(api->tls_key_pem);
		free(api);
		return mc_fail(err, MC_ERR_INTERNAL, "printing_failed",
		               "Không khởi động được bộ in", "cannot start the print spool");
	}

	api->login_rate = ratelimit_new(4096, API_LOGINS_PER_MINUTE, 60);
	api->cpu_pool = offload_start("cpu", api, API_CPU_POOL_THREADS, API_CPU_POOL_QUEUE, true);
	api->io_pool = offload_start("io", api, API_IO_POOL_THREADS, API_IO_POOL_QUEUE, false);
	if (api->cpu_pool == NULL || api->io_pool == NULL) {
		log_error("cannot start the offload pools");
		abort();
	}

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (api->tls)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem tls_opts[] = {
	    {api->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, api->tls_cert_pem},
	    {api->tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, api->tls_key_pem},
	    {MHD_OPTION_END, 0, NULL},
	};
	api->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, api_access, api, MHD_OPTION_EXTERNAL_LOGGER, api_log, NULL,
	    MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)api->cfg.threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)API_MAX_CONNECTIONS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)API_CONNECTION_MEMORY, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	    MHD_OPTION_NOTIFY_COMPLETED, api_completed, api, MHD_OPTION_ARRAY, tls_opts,
	    MHD_OPTION_END);
	if (api->daemon == NULL) {
		offload_stop(api->io_pool);
		offload_stop(api->cpu_pool);
		offload_free(api->io_pool);
		offload_free(api->cpu_pool);
		ratelimit_free(api->login_rate);
		printing_stop(api->printing);
		bus_free(api->bus);
		throttle_free(api->login_throttle);
		throttle_free(api->ip_throttle);
		idem_seal_free(api->idem_seal);
		free(api->tls_cert_pem);
		free(api->tls_key_pem);
		free(api);
		return mc_failf(
		    err, MC_ERR_UNAVAILABLE, "listen_failed", "Không mở được cổng dịch vụ",
		    "cannot listen on %s:%d (in use, or not permitted)", listen, cfg->port);
	}
	const union MHD_DaemonInfo *di =
	    MHD_get_daemon_info(api->daemon, MHD_DAEMON_INFO_BIND_PORT);
	api->port = di ? di->port : cfg->port;
	char base[128];
	snprintf(base, sizeof base, "%s://%s:%d", api->tls ? "https" : "http", listen, api->port);
	printing_set_base_url(api->printing, base);
	bus_attach(api->bus, api->daemon);
	*out = api;
	return MC_OK;
}

int api_port(const struct api *api)
{
	return api->port;
}

void api_stop(struct api *api)
{
	if (api == NULL)
		return;
	/* Streams end first, then the offloaded requests finish (refusing new
	 * ones): suspended connections must be resumed before the daemon may
	 * stop. */
	bus_shutdown(api->bus);
	offload_stop(api->io_pool);
	offload_stop(api->cpu_pool);
	MHD_stop_daemon(api->daemon);
	offload_free(api->io_pool);
	offload_free(api->cpu_pool);
	ratelimit_free(api->login_rate);
	printing_stop(api->printing);
	bus_free(api->bus);
	throttle_free(api->login_throttle);
	throttle_free(api->ip_throttle);
	idem_seal_free(api->idem_seal);
	free(api->tls_cert_pem);
	free(api->tls_key_pem);
	free(api);
}
