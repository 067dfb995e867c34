/* Appointments, the staff's side (docs/api.md "Appointments"): a centre's
 * bookings of a day, a booking made for a caller on the phone, and a
 * booking's view and cancel by staff of its centre. Scoped: another
 * centre's booking is not found. */
#include <string.h>

#include "api/api_internal.h"
#include "api/parse_booking.h"
#include "api/present_booking.h"
#include "store/booking.h"
#include "util/clock.h"

void route_bookings_list(struct api *api, struct http_request *r)
{
	struct mc_error err;
	struct booking_list list;
	const char *office = http_query(r, "office"), *day = http_query(r, "day");
	if ((office && strlen(office) > 40) || (day && strlen(day) > 10)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_field", "Tham số không hợp lệ",
		                "office or day malformed");
		return;
	}
	int offset, limit;
	if (!http_page(r, &offset, &limit))
		return;
	if (store_booking_list(api->st, &r->who, office, day, offset, limit, clock_now(), &list,
	                       &err) != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, present_booking_list(&list, office, offset, limit));
	booking_list_clear(&list);
}

void route_bookings_create(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	struct mc_error err;
	struct booking_create_cmd cmd;
	struct booking_view v;
	struct booking_refused why;
	const char *field = NULL;
	enum mc_err rc = booking_create_parse(body, &cmd, &field, &err);
	json_decref(body);
	if (rc == MC_OK)
		rc = store_booking_create(api->st, &r->who, &cmd, clock_now(), &v, &why, &field,
		                          &err);
	if (rc == MC_OK && why.why != BOOKING_OK)
		rc = present_booking_refusal(&why, &err);
	booking_create_cmd_clear(&cmd);
	if (rc) {
		booking_reply_error(r, &err, field);
		return;
	}
	http_reply_json(r, 201, json_pack("{s:o}", "booking", present_booking(&v, true)));
	booking_view_clear(&v);
}

void route_booking_get(struct api *api, struct http_request *r)
{
	struct mc_error err;
	struct booking_view v;
	if (store_booking_get(api->st, &r->who, r->params[0], clock_now(), &v, &err) != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:o}", "booking", present_booking(&v, true)));
	booking_view_clear(&v);
}

void route_booking_cancel(struct api *api, struct http_request *r)
{
	struct mc_error err;
	struct booking_view v;
	if (store_booking_cancel(api->st, &r->who, r->params[0], clock_now(), &v, &err) != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:o}", "booking", present_booking(&v, true)));
	booking_view_clear(&v);
}
