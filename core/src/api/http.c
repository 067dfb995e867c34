#include "api/http.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xmalloc.h"

int http_status_of(enum mc_err kind)
{
	switch (kind) {
	case MC_OK: return 200;
	case MC_ERR_INVALID: return 400;
	case MC_ERR_UNAUTHORIZED: return 401;
	case MC_ERR_FORBIDDEN: return 403;
	case MC_ERR_NOT_FOUND: return 404;
	case MC_ERR_CONFLICT: return 409;
	case MC_ERR_TOO_LARGE: return 413;
	case MC_ERR_RATE_LIMITED: return 429;
	case MC_ERR_UNAVAILABLE: return 503;
	case MC_ERR_INTERNAL: return 500;
	}
	return 500;
}

/* Protocol errors whose status is more precise than their kind's. */
static const struct {
	const char *code;
	int status;
} http_code_status[] = {
    {"method_not_allowed", 405},
    {"uri_too_long", 414},
    {"unsupported_media_type", 415},
    {"headers_too_large", 431},
    {"unsupported_transfer_encoding", 501},
};

int http_status_of_error(const struct mc_error *err)
{
	for (size_t i = 0; i < sizeof http_code_status / sizeof http_code_status[0]; i++)
		if (strcmp(err->code, http_code_status[i].code) == 0)
			return http_code_status[i].status;
	return http_status_of(err->kind);
}

static void http_set_body(struct http_request *r, int status, char *body, size_t len,
                          const char *type)
{
	free(r->resp);
	r->status = status;
	r->resp = body;
	r->resp_len = len;
	r->content_type = type;
}

void http_reply_json(struct http_request *r, int status, json_t *body)
{
	/* Rates and shares read better as 0.8584 than 0.85840000000000005. */
	char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(body);
	if (text == NULL)
		text = xstrdup("null");
	http_set_body(r, status, text, strlen(text), "application/json; charset=utf-8");
}

void http_reply_text(struct http_request *r, int status, const char *content_type, const char *text,
                     size_t len)
{
	char *copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	http_set_body(r, status, copy, len, content_type);
}

/* Copies s into out (outlen bytes, always NUL-terminated), every byte that
 * does not start a well-formed UTF-8 sequence replaced by '?', and never a
 * character cut in two: a message quoting what a client sent (a path segment
 * with %FF, a long value cut at the message's size) stays a JSON string. */
static void http_utf8_clean(const char *s, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	while (*p && o + 1 < outlen) {
		size_t n = 0;
		uint32_t cp = 0, min = 0;
		if (p[0] < 0x80)
			n = 1;
		else if (p[0] >= 0xc2 && p[0] <= 0xdf)
			n = 2, cp = p[0] & 0x1f, min = 0x80;
		else if (p[0] >= 0xe0 && p[0] <= 0xef)
			n = 3, cp = p[0] & 0x0f, min = 0x800;
		else if (p[0] >= 0xf0 && p[0] <= 0xf4)
			n = 4, cp = p[0] & 0x07, min = 0x10000;
		for (size_t k = 1; k < n; k++) { /* stops at the NUL: it is no continuation */
			if ((p[k] & 0xc0) != 0x80) {
				n = 0;
				break;
			}
			cp = (cp << 6) | (p[k] & 0x3f);
		}
		if (n > 1 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)))
			n = 0;
		if (n == 0) {
			out[o++] = '?';
			p++;
			continue;
		}
		if (o + n >= outlen)
			break;
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
}

void http_reply_error(struct http_request *r, const struct mc_error *err)
{
	char code[sizeof err->code], vi[sizeof err->message_vi], en[sizeof err->message_en];
	http_utf8_clean(err->code, code, sizeof code);
	http_utf8_clean(err->message_vi, vi, sizeof vi);
	http_utf8_clean(err->message_en, en, sizeof en);
	json_t *body = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", code, "message", vi,
	                         "message_en", en);
	if (err->field[0] != '\0') {
		char field[sizeof err->field];
		http_utf8_clean(err->field, field, sizeof field);
		json_object_set_new(json_object_get(body, "error"), "field", json_string(field));
	}
	r->retry_after = err->retry_after;
	http_reply_json(r, http_status_of_error(err), body);
}

void http_reply_fail(struct http_request *r, enum mc_err kind, const char *code, const char *vi,
                     const char *en)
{
	struct mc_error err;
	mc_fail(&err, kind, code, vi, en);
	http_reply_error(r, &err);
}

json_t *http_body_object(struct http_request *r)
{
	json_error_t jerr;
	if (r->body.len == 0) {
		http_reply_fail(r, MC_ERR_INVALID, "empty_body", "Thiếu nội dung yêu cầu",
		                "The request body is empty; a JSON object is expected");
		return NULL;
	}
	json_t *j = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		struct mc_error err;
		mc_failf(&err, MC_ERR_INVALID, "invalid_json", "Nội dung không phải JSON hợp lệ",
		         "Malformed JSON at line %d column %d: %.80s", jerr.line, jerr.column,
		         jerr.text);
		http_reply_error(r, &err);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		http_reply_fail(r, MC_ERR_INVALID, "expected_object",
		                "Nội dung phải là một đối tượng JSON",
		                "The body must be a JSON object");
		return NULL;
	}
	return j;
}

static enum MHD_Result http_snapshot_one(void *cls, enum MHD_ValueKind kind, const char *key,
                                         const char *value)
{
	struct http_request *r = cls;
	r->values = xreallocarray(r->values, r->values_len + 1, sizeof *r->values);
	r->values[r->values_len++] =
	    (struct http_value){.header = kind == MHD_HEADER_KIND, .key = key, .value = value};
	return MHD_YES;
}

void http_snapshot(struct http_request *r)
{
	if (r->values_copied || r->conn == NULL)
		return;
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND | MHD_GET_ARGUMENT_KIND,
	                          http_snapshot_one, r);
	r->values_copied = true;
}

/* The first value of key in the snapshot: headers by name, case aside. */
static const char *http_snapshot_get(const struct http_request *r, bool header, const char *key)
{
	for (size_t i = 0; i < r->values_len; i++) {
		const struct http_value *v = &r->values[i];
		if (v->header == header &&
		    (header ? strcasecmp(v->key, key) == 0 : strcmp(v->key, key) == 0))
			return v->value;
	}
	return NULL;
}

const char *http_query(struct http_request *r, const char *key)
{
	if (r->values_copied)
		return http_snapshot_get(r, false, key);
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *http_header(struct http_request *r, const char *name)
{
	if (r->values_copied)
		return http_snapshot_get(r, true, name);
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

bool http_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	if (s == NULL || *s == '\0' || strlen(s) > 20)
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool http_page(struct http_request *r, int *offset, int *limit)
{
	int64_t o = 0, l = 50;
	const char *so = http_query(r, "offset"), *sl = http_query(r, "limit");
	if ((so && !http_parse_int(so, 0, 1000000000, &o)) ||
	    (sl && !http_parse_int(sl, 1, 500, &l))) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_page",
		                "offset phải ≥ 0 và limit trong khoảng 1–500",
		                "offset must be >= 0 and limit 1-500");
		return false;
	}
	*offset = (int)o;
	*limit = (int)l;
	return true;
}
