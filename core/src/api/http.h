/* The HTTP layer's request and response, shared by the server loop and the
 * route handlers. A handler parses its input, calls one store or domain
 * operation, and sets exactly one response with the http_reply_* functions. */
#ifndef MOTCUA_HTTP_H
#define MOTCUA_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/principal.h"
#include "util/error.h"
#include "util/strbuf.h"

struct MHD_Connection;
struct MHD_Response;
struct api;
struct offload_job;

#define HTTP_MAX_PARAMS 4

struct http_request {
	struct MHD_Connection *conn;
	const char *method;
	const char *path;                    /* without the query */
	const char *params[HTTP_MAX_PARAMS]; /* the {…} parts of the route pattern */
	char *param_buf;
	int route;          /* index in the route table, -1 when none */
	struct strbuf body; /* request body as received */
	bool body_too_large;
	/* api (server.c): the route takes a large body (ROUTE_LARGE_BODY); this
	 * request holds one of the server's large-body slots; or found none
	 * free (answered 503); or its address already holds its share of them
	 * (large_addr_busy, answered 429). large_addr: 1 + the entry of
	 * api.large.by_address whose count this request holds, 0 none. */
	bool large_ok, large_slot, large_busy, large_addr_busy;
	int large_addr;
	bool head;          /* a HEAD request, routed as GET; MHD sends no body */
	bool begun;         /* the access handler has seen the head */
	bool query_refused; /* too many query arguments: cut, answered 414 */
	bool query_nul;     /* a %00 in the query: answered 400 invalid_query */
	bool stream_slot;   /* holds one of the server's event-stream slots */
	bool authed;
	bool via_cookie;
	struct principal who;
	/* The bearer token who was resolved from (MHD's memory, valid for the
	 * request); NULL when not authenticated. */
	const char *token;
	char client_ip[64];
	int64_t started_ms;

	/* The response. */
	int status;
	char *resp;
	size_t resp_len;
	const char *content_type;
	char *set_cookie;
	int retry_after;
	/* Close the connection after this answer: the request's framing was
	 * refused, so nothing after it on the socket can be trusted. */
	bool close;
	/* This answer alone may be framed by the server's own pages (a form's
	 * preview in /counter): frame-ancestors 'self' and X-Frame-Options
	 * SAMEORIGIN instead of 'none' and DENY. */
	bool frame_self;
	char allow[48]; /* a 405's Allow header: the methods the path has */
	bool stream;    /* SSE: resp unused, the handler set up a subscriber */
	void *stream_ctx;
	/* A response the handler built itself (the embedded screens: their own
	 * headers, static bytes), queued as is with status; resp unused. */
	struct MHD_Response *prepared;
	/* Slow work handed to a pool (api/offload.h): while it is queued or
	 * running, the pool owns this request and the connection is suspended. */
	struct offload_job *offload;
	/* The headers and query arguments, copied by http_snapshot before the
	 * request goes to a pool thread (which may not call MHD on conn);
	 * http_header and http_query read them once copied. The strings are
	 * MHD's, valid for the request. */
	struct http_value *values;
	size_t values_len;
	bool values_copied;
	bool idem_completed; /* api: the answer is recorded under its key */
	bool slow;           /* api: runs as a ROUTE_SLOW route (api_dispatch) */
	int write_share;     /* api: 1 + the write_share bucket it holds, 0 none */
};

/* One header (header true) or query argument of http_request.values. */
struct http_value {
	bool header;
	const char *key, *value;
};

/* Maps an error kind to its HTTP status: the one place that does. */
int http_status_of(enum mc_err kind);
/* The status of an error: the few protocol-level codes with a status of their
 * own (method_not_allowed 405, uri_too_long 414, unsupported_media_type 415,
 * headers_too_large 431, unsupported_transfer_encoding 501), else
 * http_status_of(err->kind). */
int http_status_of_error(const struct mc_error *err);

/* Responses. json replies take ownership of body. */
void http_reply_json(struct http_request *r, int status, json_t *body);
void http_reply_text(struct http_request *r, int status, const char *content_type, const char *text,
                     size_t len);
/* {"error":{"code":…,"message":…,"message_en":…}} with the mapped status;
 * "field" too when err names one (mc_error_field). */
void http_reply_error(struct http_request *r, const struct mc_error *err);
void http_reply_fail(struct http_request *r, enum mc_err kind, const char *code, const char *vi,
                     const char *en);

/* The body as a JSON object. On failure replies 400 (invalid_json, or
 * expected_object) and returns NULL. The caller json_decref's the result. */
json_t *http_body_object(struct http_request *r);
/* A query argument, or NULL. */
const char *http_query(struct http_request *r, const char *key);
/* A request header, or NULL. */
const char *http_header(struct http_request *r, const char *name);
/* Copies the headers and query arguments of r into r->values (once), so a
 * pool thread can read them without MHD. On the HTTP worker only. */
void http_snapshot(struct http_request *r);
/* Parses a decimal integer path/query value in [min, max]; false otherwise. */
bool http_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);
/* Reads ?offset= and ?limit= (defaults 0 and 50, limit at most 500); replies
 * 400 and returns false when malformed. */
bool http_page(struct http_request *r, int *offset, int *limit);

#endif
