/* Appointments, the citizen's side (docs/api.md "Appointments"): what can
 * be booked, the free slots, booking a place, a booking by its code and
 * cancelling it, and the QR of a code for the confirmation page.
 *
 * Limits (api->booking_rate, its own lock): one client address may make
 * API_BOOKING_PER_WINDOW bookings per API_BOOKING_WINDOW_S (only a booking
 * made counts: a refused form or a full slot gives its attempt back), be
 * refused API_BOOKING_REFUSED_PER_WINDOW times in that window (every
 * attempt not made counts: a full slot hammered is answered 429 with
 * Retry-After, before any work) and
 * read the options and slots API_BOOKING_READS_PER_WINDOW times; one phone
 * STORE_BOOKING_PER_PHONE_DAY bookings a day (the store). A look-up or a
 * cancel with a code that is no booking counts as a failed look-up of the
 * address (api->ip_throttle, the key of the dossier look-up). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/parse_booking.h"
#include "api/present_booking.h"
#include "api/ratelimit.h"
#include "api/throttle.h"
#include "printer/qr_svg.h"
#include "store/booking.h"
#include "util/clock.h"

/* Replies the error, with "field" beside it when the store named one. */
void booking_reply_error(struct http_request *r, const struct mc_error *err, const char *field)
{
	if (field == NULL) {
		http_reply_error(r, err);
		return;
	}
	json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "code", err->code, "message", err->message_vi,
	                      "message_en", err->message_en, "field", field);
	http_reply_json(r, http_status_of_error(err), json_pack("{s:o}", "error", e));
	r->retry_after = err->retry_after;
}

/* Takes one of key's attempts (limit per window): false when refused
 * (answered 429 with code). */
static bool booking_take(struct api *api, struct http_request *r, const char *key, int limit,
                         const char *code)
{
	int wait = ratelimit_take_limit(api->booking_rate, key, clock_mono_ms() / 1000, limit);
	if (wait <= 0)
		return true;
	struct mc_error err;
	mc_failf(&err, MC_ERR_RATE_LIMITED, code,
	         "Có quá nhiều yêu cầu đặt lịch từ địa chỉ này, vui lòng thử lại sau",
	         "too many booking requests from this address; retry in %d s", wait);
	err.retry_after = wait;
	http_reply_error(r, &err);
	return false;
}

static bool booking_read_ok(struct api *api, struct http_request *r)
{
	char key[96];
	snprintf(key, sizeof key, "booking-read:%s", r->client_ip);
	return booking_take(api, r, key, API_BOOKING_READS_PER_WINDOW, "too_many_requests");
}

void route_public_booking_options(struct api *api, struct http_request *r)
{
	if (!booking_read_ok(api, r))
		return;
	struct mc_error err;
	struct booking_options o;
	if (store_booking_options(api->st, &o, &err) != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, present_booking_options(&o));
	booking_options_clear(&o);
}

void route_public_booking_slots(struct api *api, struct http_request *r)
{
	if (!booking_read_ok(api, r))
		return;
	const char *office = http_query(r, "office"), *group = http_query(r, "group");
	if (office == NULL || group == NULL || strlen(office) > 40 || strlen(group) > 40) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_field",
		                "Hãy chọn trung tâm và lĩnh vực", "office and group are required");
		return;
	}
	struct mc_error err;
	struct booking_slots sl;
	if (store_booking_slots(api->st, office, group, http_query(r, "from"), clock_now(), &sl,
	                        &err) != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, present_booking_slots(&sl));
	booking_slots_clear(&sl);
}

void route_public_booking_create(struct api *api, struct http_request *r)
{
	char key[96], refused[96];
	snprintf(key, sizeof key, "booking:%s", r->client_ip);
	snprintf(refused, sizeof refused, "booking-refused:%s", r->client_ip);
	/* Every attempt takes one of the refusals' allowance first, given back
	 * only when the booking is made: an address that keeps being refused (a
	 * full slot hammered) is answered 429 before any work. */
	if (!booking_take(api, r, refused, API_BOOKING_REFUSED_PER_WINDOW,
	                  "too_many_bookings_address"))
		return;
	if (!booking_take(api, r, key, API_BOOKING_PER_WINDOW, "too_many_bookings_address"))
		return; /* the refusal stays counted */
	json_t *body = http_body_object(r);
	if (body == NULL) {
		ratelimit_give_back(api->booking_rate, key);
		return;
	}
	struct mc_error err;
	struct booking_create_cmd cmd;
	struct booking_view v;
	struct booking_refused why;
	const char *field = NULL;
	enum mc_err rc = booking_create_parse(body, &cmd, &field, &err);
	json_decref(body);
	if (rc == MC_OK)
		rc = store_booking_create(api->st, NULL, &cmd, clock_now(), &v, &why, &field, &err);
	if (rc == MC_OK && why.why != BOOKING_OK)
		rc = present_booking_refusal(&why, &err);
	booking_create_cmd_clear(&cmd);
	if (rc == MC_OK) {
		ratelimit_give_back(api->booking_rate, refused);
		http_reply_json(r, 201, json_pack("{s:o}", "booking", present_booking(&v, false)));
		booking_view_clear(&v);
		return;
	}
	ratelimit_give_back(api->booking_rate, key);
	booking_reply_error(r, &err, field);
}

/* The look-up throttle of r's address: false (answered 429) while it waits. */
static bool booking_lookup_ok(struct api *api, struct http_request *r, char *key, size_t keylen)
{
	return api_address_throttle_ok(api, r, "lookup", key, keylen,
	                               "Tra cứu sai nhiều lần, hãy chờ rồi thử lại",
	                               "Too many failed lookups");
}

static void booking_lookup_done(struct api *api, const char *key, enum mc_err rc,
                                const struct mc_error *err)
{
	if (rc == MC_ERR_NOT_FOUND && strcmp(err->code, "booking_not_found") == 0)
		throttle_fail(api->ip_throttle, key, clock_now());
}

void route_public_booking_get(struct api *api, struct http_request *r)
{
	char key[80];
	if (!booking_lookup_ok(api, r, key, sizeof key))
		return;
	struct mc_error err;
	struct booking_view v;
	enum mc_err rc = store_booking_get(api->st, NULL, r->params[0], clock_now(), &v, &err);
	booking_lookup_done(api, key, rc, &err);
	if (rc) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:o}", "booking", present_booking(&v, false)));
	booking_view_clear(&v);
}

void route_public_booking_cancel(struct api *api, struct http_request *r)
{
	char key[80];
	if (!booking_lookup_ok(api, r, key, sizeof key))
		return;
	struct mc_error err;
	struct booking_view v;
	enum mc_err rc = store_booking_cancel(api->st, NULL, r->params[0], clock_now(), &v, &err);
	booking_lookup_done(api, key, rc, &err);
	if (rc) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:o}", "booking", present_booking(&v, false)));
	booking_view_clear(&v);
}

/* GET /dat-lich/qr.svg?code=DL…: the QR of a booking code (the kiosk's
 * scanner types it). Public: the code is the caller's own; nothing is
 * looked up. A code that is not one is 400 invalid_code. */
void route_page_booking_qr(struct api *api, struct http_request *r)
{
	(void)api;
	char code[BOOKING_CODE_LEN + 1];
	if (!booking_code_parse(http_query(r, "code"), code)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_code", "Mã đặt lịch không hợp lệ",
		                "code must be a booking code DL + 6 characters");
		return;
	}
	size_t len = 0;
	char *svg = printer_qr_svg(code, &len);
	if (svg == NULL) {
		http_reply_fail(r, MC_ERR_INTERNAL, "internal", "Lỗi máy chủ", "Server error");
		return;
	}
	http_reply_text(r, 200, "image/svg+xml; charset=utf-8", svg, len);
	free(svg);
}
