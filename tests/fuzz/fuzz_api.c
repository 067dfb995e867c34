/* Fuzz target: the HTTP dispatcher and every handler, end to end and in
 * process. Once, it creates a database in a temporary folder (an admin, the
 * test office with offices, procedures, staff of each role and two devices),
 * starts the real api (api_start) on a free 127.0.0.1 port and logs the staff
 * in. Each input is then one request sent over a socket:
 *
 *   byte 0   the caller: anonymous, admin, supervisor, counter, specialist,
 *            kiosk, display
 *   byte 1   the method: GET POST PUT PATCH DELETE HEAD
 *   then     PATH[?QUERY], a newline, headers "Name: value" one a line, an
 *            empty line, the body (without the empty line: all body)
 *
 * A path not starting with '/' is taken under /api/v1/. Bytes a request line
 * cannot carry are percent-encoded, so the handlers see them decoded.
 * Findings: a crash or sanitizer report anywhere in the server, no answer in
 * 10 s, a 5xx other than 503 (something outside away), a 4xx without the
 * error shape {"error":{"code","message"}}. Logging out is left out (it would
 * end the fuzzer's own session). */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "api/api.h"
#include "fuzz_util.h"
#include "store/auth.h"
#include "api/setup_import.h"
#include "store/setup.h"
#include "store/store.h"

static const char bundle_json[] =
    "{\"office\":{\"code\":\"000.00.19.H47\",\"name\":\"Bộ phận Một cửa thử nghiệm\"},"
    "\"service_groups\":[{\"code\":\"CT\",\"prefix\":\"A\",\"name\":\"Chứng thực\",\"sort\":1},"
    "{\"code\":\"HT\",\"prefix\":\"B\",\"name\":\"Hộ tịch\",\"sort\":2}],"
    "\"counters\":[{\"no\":1,\"name\":\"Quầy 1\",\"groups\":[\"CT\"]},"
    "{\"no\":2,\"name\":\"Quầy 2\",\"groups\":[\"CT\",\"HT\"]}],"
    "\"offices\":[{\"code\":\"TP\",\"name\":\"Phòng Tư pháp\"},"
    "{\"code\":\"CA\",\"name\":\"Công an xã\",\"kind\":\"partner\"}],"
    "\"procedures\":[{\"code\":\"P3\",\"name\":\"Đăng ký kết hôn\",\"field\":\"Hộ tịch\","
    "\"level\":\"commune\",\"office\":\"TP\",\"processing\":{\"unit\":\"working_days\","
    "\"amount\":3},\"fee_vnd\":0,\"steps\":[{\"office\":\"TP\",\"days\":2}]}],"
    "\"users\":[{\"username\":\"sup\",\"full_name\":\"Giám sát\",\"role\":\"supervisor\","
    "\"password\":\"sup-pass-0001\"},{\"username\":\"clerk1\",\"full_name\":\"Cán bộ\","
    "\"role\":\"counter\",\"password\":\"clerk-pass-1\"},{\"username\":\"spec\","
    "\"full_name\":\"Chuyên viên\",\"role\":\"specialist\",\"password\":\"spec-pass-0001\"}],"
    "\"devices\":[{\"kind\":\"kiosk\",\"name\":\"kiosk-1\",\"prints\":false},"
    "{\"kind\":\"display\",\"name\":\"board-1\"}]}";

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};

/* Owned by the fuzzing thread (set once in LLVMFuzzerInitialize). */
static struct store *fuzz_store;
static struct api *fuzz_api;
static int fuzz_port;
static char fuzz_dir[64];
static char *tokens[7]; /* by caller byte; [0] anonymous: NULL */

/* A growing byte buffer. */
struct buf {
	char *p;
	size_t n, cap;
};

static void buf_add(struct buf *b, const void *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		FUZZ_ASSERT(b->p != NULL, "out of memory");
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* connect(2) that a signal cannot break: libFuzzer's own timer (SIGALRM,
 * installed without SA_RESTART) may interrupt it, and the connection then
 * goes on being made; wait for it and take its result. Returns 0 or -1 with
 * errno set. */
static int fuzz_connect(int fd, const struct sockaddr_in *sa)
{
	if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0)
		return 0;
	if (errno != EINTR)
		return -1;
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int r;
	while ((r = poll(&pfd, 1, 10000)) < 0 && errno == EINTR)
		;
	if (r == 0)
		errno = ETIMEDOUT;
	if (r <= 0)
		return -1;
	int soerr = 0;
	socklen_t len = sizeof soerr;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
		return -1;
	errno = soerr;
	return soerr == 0 ? 0 : -1;
}

/* Sends req[0..n) on a new connection and reads the answer into *resp (the
 * caller frees resp->p). An event stream is read only to its head. Returns
 * the status, or aborts when the server gives no answer within 10 s. */
static int fuzz_roundtrip(const char *req, size_t n, struct buf *resp)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	FUZZ_ASSERT(fd >= 0, "socket: %s", strerror(errno));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)fuzz_port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = {.tv_sec = 10};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	FUZZ_ASSERT(fuzz_connect(fd, &sa) == 0, "connect: %s", strerror(errno));
	size_t off = 0;
	while (off < n) {
		ssize_t w = send(fd, req + off, n - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* the server may answer (413, 431) before reading it all */
		off += (size_t)w;
	}
	/* No shutdown(SHUT_WR) after the request: libmicrohttpd 0.9.75 may
	 * close a connection that was suspended for the write pool without
	 * its answer when the client half-closed meanwhile. HTTP clients do
	 * not half-close; Connection: close ends the exchange instead. */
	*resp = (struct buf){0};
	char chunk[16384];
	for (;;) {
		ssize_t r = recv(fd, chunk, sizeof chunk, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			FUZZ_ASSERT(0, "no answer in 10 s to: %.300s", req);
		if (r <= 0)
			break;
		buf_add(resp, chunk, (size_t)r);
		if (strstr(resp->p, "\r\n\r\n") && strstr(resp->p, "text/event-stream"))
			break;
		if (resp->n > (64u << 20))
			break;
	}
	close(fd);
	int status = 0;
	if (resp->p == NULL || sscanf(resp->p, "HTTP/1.%*d %d", &status) != 1)
		return 0; /* closed without an answer */
	return status;
}

/* Logs username in; returns the bearer token (the caller frees it). */
static char *fuzz_login(const char *username, const char *password)
{
	char body[256], req[1024];
	int bn = snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", username,
	                  password);
	int n = snprintf(req, sizeof req,
	                 "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
	                 "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
	                 bn, body);
	struct buf resp;
	int status = fuzz_roundtrip(req, (size_t)n, &resp);
	FUZZ_ASSERT(status == 201, "login %s: %d", username, status);
	json_t *j = json_loads(strstr(resp.p, "\r\n\r\n") + 4, 0, NULL);
	FUZZ_ASSERT(j && json_is_string(json_object_get(j, "token")), "login %s: no token",
	            username);
	char *t = strdup(json_string_value(json_object_get(j, "token")));
	json_decref(j);
	free(resp.p);
	return t;
}

static void fuzz_teardown(void)
{
	if (fuzz_api)
		api_stop(fuzz_api);
	fuzz_api = NULL;
	store_close(fuzz_store);
	fuzz_store = NULL;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_api: could not remove %s\n", fuzz_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct mc_error err;
	snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/motcua-fuzz-api-XXXXXX");
	FUZZ_ASSERT(mkdtemp(fuzz_dir) != NULL, "mkdtemp: %s", strerror(errno));
	char db[128];
	snprintf(db, sizeof db, "%s/office.db", fuzz_dir);
	FUZZ_ASSERT(store_open(db, &fuzz_store, &err) == MC_OK, "store_open: %s", err.message_en);
	FUZZ_ASSERT(store_user_create(fuzz_store, "system:fuzz", "admin", "Quản trị", ROLE_ADMIN,
	                              "admin-pass-1", false, NULL, &err) == MC_OK,
	            "admin: %s", err.message_en);
	json_t *bundle = json_loads(bundle_json, JSON_REJECT_DUPLICATES, NULL), *report = NULL;
	FUZZ_ASSERT(bundle != NULL, "the bundle is not JSON");
	struct principal who = {.role = ROLE_ADMIN, .actor = "system:fuzz"};
	FUZZ_ASSERT(setup_import(fuzz_store, &who, bundle, &report, &err) == MC_OK, "import: %s",
	            err.message_en);
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(report, "devices_created"), i, d)
	{
		const char *kind = json_string_value(json_object_get(d, "kind"));
		char *t = strdup(json_string_value(json_object_get(d, "token")));
		tokens[strcmp(kind, "kiosk") == 0 ? 5 : 6] = t;
	}
	json_decref(report);
	json_decref(bundle);

	struct api_config cfg = {.listen = "127.0.0.1", .port = 0, .threads = 2};
	FUZZ_ASSERT(api_start(fuzz_store, &cfg, &fuzz_api, &err) == MC_OK, "api_start: %s",
	            err.message_en);
	fuzz_port = api_port(fuzz_api);
	atexit(fuzz_teardown);
	tokens[1] = fuzz_login("admin", "admin-pass-1");
	tokens[2] = fuzz_login("sup", "sup-pass-0001");
	tokens[3] = fuzz_login("clerk1", "clerk-pass-1");
	tokens[4] = fuzz_login("spec", "spec-pass-0001");
	return 0;
}

/* Appends path with the bytes a request target cannot carry percent-encoded. */
static void fuzz_add_target(struct buf *b, const uint8_t *s, size_t n)
{
	if (n == 0 || s[0] != '/')
		buf_str(b, "/api/v1/");
	for (size_t i = 0; i < n && i < 8192; i++) {
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '#') {
			char esc[4];
			snprintf(esc, sizeof esc, "%%%02X", s[i]);
			buf_str(b, esc);
		} else {
			buf_add(b, &s[i], 1);
		}
	}
}

/* Whether the header line (ln bytes, not terminated) starts with name,
 * case aside. */
static bool header_is(const uint8_t *line, size_t ln, const char *name)
{
	size_t n = strlen(name);
	return ln >= n && strncasecmp((const char *)line, name, n) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	int who = data[0] % 7;
	const char *method = methods[data[1] % 6];
	const uint8_t *p = data + 2, *end = data + size;
	const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
	const uint8_t *path_end = nl ? nl : end;

	/* Not the fuzzer's own logout. */
	static const char logout[] = "/api/v1/session";
	size_t plen = (size_t)(path_end - p);
	if (strcmp(method, "DELETE") == 0 &&
	    ((plen >= 14 && memcmp(p, logout, 15 < plen ? 15 : plen) == 0) ||
	     (plen >= 7 && memcmp(p, "session", 7) == 0)))
		return 0;

	struct buf req = {0};
	buf_str(&req, method);
	buf_str(&req, " ");
	fuzz_add_target(&req, p, plen);
	buf_str(&req, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
	if (tokens[who]) {
		buf_str(&req, "Authorization: Bearer ");
		buf_str(&req, tokens[who]);
		buf_str(&req, "\r\n");
	}
	const uint8_t *body = nl ? nl + 1 : end;
	/* Headers: lines "Name: value" up to an empty line; else all of it is body. */
	const uint8_t *blank = NULL;
	for (const uint8_t *q = body; q + 1 < end; q++)
		if (q[0] == '\n' && q[1] == '\n') {
			blank = q;
			break;
		}
	bool has_ct = false;
	if (blank) {
		const uint8_t *line = body;
		while (line < blank + 1) {
			const uint8_t *eol = memchr(line, '\n', (size_t)(blank + 1 - line));
			size_t ln = (size_t)(eol - line);
			const uint8_t *colon = memchr(line, ':', ln);
			bool printable = colon && colon > line;
			for (size_t k = 0; k < ln && printable; k++)
				printable = line[k] >= 0x20 && line[k] < 0x7f;
			/* Not framing: the fuzzer sets the length itself. */
			if (printable && !header_is(line, ln, "content-length") &&
			    !header_is(line, ln, "transfer-encoding") &&
			    !header_is(line, ln, "host") && !header_is(line, ln, "connection")) {
				if (header_is(line, ln, "content-type"))
					has_ct = true;
				buf_add(&req, line, ln);
				buf_str(&req, "\r\n");
			}
			line = eol + 1;
		}
		body = blank + 2;
	}
	size_t body_len = body < end ? (size_t)(end - body) : 0;
	char cl[64];
	if (!has_ct && body_len)
		buf_str(&req, "Content-Type: application/json\r\n");
	snprintf(cl, sizeof cl, "Content-Length: %zu\r\n\r\n", body_len);
	buf_str(&req, cl);
	if (body_len)
		buf_add(&req, body, body_len);

	struct buf resp;
	int status = fuzz_roundtrip(req.p, req.n, &resp);
	/* A connection closed unanswered: at thousands of connections a second
	 * from one address the server may shed one (its per-address limit counts
	 * connections it has not reaped yet). The same request again, a little
	 * later, must be answered. */
	for (int retry = 0; status == 0 && retry < 3; retry++) {
		static int shed;
		if (shed++ < 5)
			fprintf(stderr, "fuzz_api: a connection closed unanswered; trying again\n");
		free(resp.p);
		usleep(100000u << retry);
		status = fuzz_roundtrip(req.p, req.n, &resp);
	}
	FUZZ_ASSERT(status != 0, "no status line, 4 times, for: %.300s", req.p);
	FUZZ_ASSERT(status < 500 || status == 503, "%d for: %.500s\n--- answer:\n%.500s", status,
	            req.p, resp.p);
	if (status >= 400 && status < 500 && strcmp(method, "HEAD") != 0) {
		const char *b = strstr(resp.p, "\r\n\r\n");
		json_t *j = b ? json_loads(b + 4, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
		json_t *e = json_object_get(j, "error");
		FUZZ_ASSERT(json_is_string(json_object_get(e, "code")) &&
		                json_is_string(json_object_get(e, "message")),
		            "%d without the error shape for: %.300s\n--- answer:\n%.500s", status,
		            req.p, resp.p);
		json_decref(j);
	}
	free(resp.p);
	free(req.p);
	return 0;
}
