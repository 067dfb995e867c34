/* The screens: GET /board, GET /kiosk and GET /static/… serve the embedded
 * files of display/ (assets.h). Public: the pages hold no data; they read it
 * from the API with the device token given in their address.
 *
 * Each answer carries a strong ETag ("…" for the plain bytes, "…-gz" for the
 * gzip form) and Cache-Control: no-cache, so a board revalidates with a cheap
 * 304 and picks up a new server's screens at once. A gzip'ed asset goes out
 * as is to clients that accept gzip (every browser), inflated otherwise. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api_internal.h"
#include "api/assets.h"
#include "printer/qr_svg.h"
#include "store/print.h"

#define PAGES_CACHE_CONTROL "no-cache"

/* True when an Accept-Encoding header admits gzip: a "gzip" (or "*") coding
 * not given q=0. */
static bool pages_accepts_gzip(const char *accept)
{
	if (accept == NULL)
		return false;
	const char *p = accept;
	while (*p) {
		p += strspn(p, " \t,");
		size_t len = strcspn(p, ",;");
		bool named =
		    (len == 4 && strncasecmp(p, "gzip", 4) == 0) || (len == 1 && p[0] == '*');
		const char *end = p + strcspn(p, ",");
		if (named) {
			const char *q = memchr(p, ';', (size_t)(end - p));
			if (q == NULL)
				return true;
			q = strstr(q, "q=");
			if (q == NULL || q >= end || strtod(q + 2, NULL) > 0)
				return true;
		}
		p = end;
	}
	return false;
}

/* True when If-None-Match names the asset: "*", or any tag equal to its
 * ETag in either form, weak or strong (the bytes are the same). */
static bool pages_not_modified(const char *inm, const struct asset *a)
{
	if (inm == NULL)
		return false;
	size_t base = strlen(a->etag) - 1; /* without the closing quote */
	const char *p = inm;
	while (*p) {
		p += strspn(p, " \t,");
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		size_t len = strcspn(p, " \t,");
		if (len >= base + 1 && strncmp(p, a->etag, base) == 0 &&
		    (len == base + 1 || (len == base + 4 && strncmp(p + base, "-gz\"", 4) == 0)))
			return true;
		p += len;
	}
	return false;
}

static void pages_serve(struct http_request *r, const char *name)
{
	const struct asset *a = assets_find(name);
	if (a == NULL) {
		http_reply_fail(r, MC_ERR_NOT_FOUND, "not_found", "Không có địa chỉ này",
		                "No such resource");
		return;
	}
	bool gzip = a->gzipped && pages_accepts_gzip(http_header(r, "Accept-Encoding"));
	char etag[48];
	snprintf(etag, sizeof etag, "%.*s%s\"", (int)strlen(a->etag) - 1, a->etag,
	         gzip ? "-gz" : "");

	struct MHD_Response *resp;
	if (pages_not_modified(http_header(r, "If-None-Match"), a)) {
		resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		r->status = MHD_HTTP_NOT_MODIFIED;
	} else if (gzip || !a->gzipped) {
		resp = MHD_create_response_from_buffer(a->len, (void *)a->data,
		                                       MHD_RESPMEM_PERSISTENT);
		r->status = MHD_HTTP_OK;
	} else {
		unsigned char *raw = assets_inflate(a);
		if (raw == NULL) {
			http_reply_fail(r, MC_ERR_INTERNAL, "internal", "Lỗi máy chủ",
			                "Server error");
			return;
		}
		resp = MHD_create_response_from_buffer(a->raw_len, raw, MHD_RESPMEM_MUST_FREE);
		r->status = MHD_HTTP_OK;
	}
	if (resp == NULL) {
		http_reply_fail(r, MC_ERR_INTERNAL, "internal", "Lỗi máy chủ", "Server error");
		return;
	}
	if (r->status == MHD_HTTP_OK) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, a->content_type);
		if (gzip)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, PAGES_CACHE_CONTROL);
	if (a->gzipped)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	/* The page's address holds the device token: keep it out of Referer. */
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	r->prepared = resp;
}

void route_page_board(struct api *api, struct http_request *r)
{
	pages_serve(r, "board.html");
}

void route_page_kiosk(struct api *api, struct http_request *r)
{
	pages_serve(r, "kiosk.html");
}

void route_static(struct api *api, struct http_request *r)
{
	/* The table is looked up by exact name: "..", "//" or a query cannot
	 * reach anything but an embedded asset. */
	pages_serve(r, r->path + strlen("/static/"));
}

/* The citizen pages: public, no token. */
void route_page_status(struct api *api, struct http_request *r)
{
	pages_serve(r, "status.html");
}

void route_page_rate(struct api *api, struct http_request *r)
{
	pages_serve(r, "rate.html");
}

void route_page_public(struct api *api, struct http_request *r)
{
	pages_serve(r, "public.html");
}

/* The citizens' feedback page (phản ánh, kiến nghị): /gop-y and /feedback,
 * ?d=<dossier code>&s=<secret> prefilled from a receipt's QR code. */
void route_page_feedback(struct api *api, struct http_request *r)
{
	(void)api;
	pages_serve(r, "feedback.html");
}

/* The booking page (/dat-lich, /booking): public, it reads the API. */
void route_page_booking(struct api *api, struct http_request *r)
{
	(void)api;
	pages_serve(r, "booking.html");
}

/* True when s is 1..max bytes of letters, digits, '-', '_' and (host) '.',
 * ':', '[', ']'. */
static bool pages_plain(const char *s, size_t max, bool host)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		          (host && (ch == '.' || ch == ':' || ch == '[' || ch == ']'));
		if (!ok)
			return false;
	}
	return true;
}

/* GET /gop-y/qr.svg?office=<centre code>: the QR code of the feedback
 * page's address, <public_url>/gop-y (?office=… when given), as an SVG the
 * kiosk shows. The address is the province's public_url setting, else the
 * one this request came by (scheme and Host), else the listening port on
 * loopback. Public: it holds no data. An office code that is not 1-32
 * letters, digits, '-' or '_' is 400 invalid_office (nothing is looked
 * up: an unknown centre's code only makes a link whose page says so). */
void route_page_feedback_qr(struct api *api, struct http_request *r)
{
	const char *office = http_query(r, "office");
	if (office && !pages_plain(office, 32, false)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_office", "Mã trung tâm không hợp lệ",
		                "office must be 1-32 letters, digits, '-' or '_'");
		return;
	}
	char *pub = store_public_url(api->st);
	const char *host = http_header(r, "Host");
	char base[320];
	if (pub && *pub)
		snprintf(base, sizeof base, "%s", pub);
	else if (pages_plain(host, 255, true))
		snprintf(base, sizeof base, "%s://%s", api->tls ? "https" : "http", host);
	else
		snprintf(base, sizeof base, "%s://127.0.0.1:%d", api->tls ? "https" : "http",
		         api->port);
	free(pub);
	size_t blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	char url[400];
	snprintf(url, sizeof url, "%.*s/gop-y%s%s", (int)blen, base, office ? "?office=" : "",
	         office ? office : "");
	size_t len = 0;
	char *svg = printer_qr_svg(url, &len);
	if (svg == NULL) {
		http_reply_fail(r, MC_ERR_INTERNAL, "internal", "Lỗi máy chủ", "Server error");
		return;
	}
	http_reply_text(r, 200, "image/svg+xml; charset=utf-8", svg, len);
	free(svg);
}

/* The supervisor's dashboard: the page logs in itself (the session cookie). */
void route_page_supervisor(struct api *api, struct http_request *r)
{
	(void)api;
	pages_serve(r, "supervisor.html");
}

/* The clerk's workstation: the page logs in itself (the session cookie). */
void route_page_counter(struct api *api, struct http_request *r)
{
	(void)api;
	pages_serve(r, "counter.html");
}

/* The icon every browser asks for at /favicon.ico (display/favicon.ico). */
void route_page_favicon(struct api *api, struct http_request *r)
{
	(void)api;
	pages_serve(r, "favicon.ico");
}

/* Where a ticket's QR code leads: /queue?t=ID, the number's place in line. */
void route_page_queue(struct api *api, struct http_request *r)
{
	(void)api;
	pages_serve(r, "queue.html");
}
