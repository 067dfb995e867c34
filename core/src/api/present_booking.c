/* Booking views. */
#include "api/present_booking.h"

#include <stdio.h>
#include <string.h>

/* What to bring: an ID, the code, and the procedure's documents (at most
 * 12 lines), from the procedure's stored JSON text. */
static json_t *bk_bring(const char *procedure_body)
{
	json_t *bring = json_array();
	json_array_append_new(bring, json_string("Căn cước (CCCD) hoặc giấy tờ tùy thân"));
	json_array_append_new(bring, json_string("Mã đặt lịch hoặc mã QR này"));
	json_t *body = procedure_body ? json_loads(procedure_body, 0, NULL) : NULL;
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(body, "documents"), i, d)
	{
		const char *dn = json_string_value(json_object_get(d, "name"));
		if (dn && json_array_size(bring) < 12)
			json_array_append_new(bring, json_string(dn));
	}
	json_decref(body);
	return bring;
}

enum mc_err present_booking_refusal(const struct booking_refused *why, struct mc_error *err)
{
	enum mc_err rc = MC_OK;
	switch (why->why) {
	case BOOKING_OK: break;
	case BOOKING_TOO_MANY_TODAY:
		rc = mc_failf(err, MC_ERR_RATE_LIMITED, "too_many_bookings",
		              "Số điện thoại này đã đặt quá nhiều lịch hẹn hôm nay, vui lòng"
		              " thử lại vào ngày mai",
		              "this phone made %d bookings today", why->phone_day_max);
		err->retry_after = (int)why->retry_after;
		break;
	case BOOKING_PERSON_LIMIT:
		rc = mc_failf(err, MC_ERR_CONFLICT, "booking_limit",
		              "Mỗi người chỉ được đặt tối đa số lịch hẹn cho phép trong một ngày",
		              "at most %d bookings a person a day (by phone or ID number)",
		              why->per_person_per_day);
		break;
	case BOOKING_SLOT_FULL:
		rc = mc_fail(err, MC_ERR_CONFLICT, "slot_full",
		             "Khung giờ này vừa hết chỗ, vui lòng chọn giờ khác",
		             "the slot is full");
		break;
	}
	return rc;
}

json_t *present_booking(const struct booking_view *v, bool staff)
{
	char from[32], until[32], phone[16];
	store_booking_when(v->checkin_from, from);
	store_booking_when(v->checkin_until, until);
	size_t pl = strlen(v->phone);
	snprintf(phone, sizeof phone, "%s", v->phone);
	if (!staff)
		for (size_t i = 0; pl > 3 && i < pl - 3; i++)
			phone[i] = '*';
	json_t *o = json_pack(
	    "{s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s,"
	    " s:b, s:o}",
	    "code", v->code, "state", v->state, "no_show", v->no_show, "office", v->office,
	    "office_name", v->office_name, "office_address", v->office_address, "group", v->group,
	    "group_name", v->group_name, "group_name_en", v->group_name_en, "day", v->day, "start",
	    (json_int_t)v->start, "end", (json_int_t)v->end, "name", v->name, "phone", phone,
	    "checkin_from", from, "checkin_until", until, "cancellable", v->cancellable, "bring",
	    bk_bring(v->procedure_body));
	json_object_set_new(o, "checkin_from_at", json_integer(v->checkin_from));
	json_object_set_new(o, "checkin_until_at", json_integer(v->checkin_until));
	if (v->has_procedure)
		json_object_set_new(
		    o, "procedure",
		    json_pack("{s:s, s:s}", "code", v->procedure, "name", v->procedure_name));
	if (staff) {
		json_object_set_new(o, "id_number",
		                    v->id_number[0] ? json_string(v->id_number) : json_null());
		json_object_set_new(o, "email", v->email[0] ? json_string(v->email) : json_null());
		json_object_set_new(
		    o, "channel",
		    json_string(strcmp(v->created_by, "public") == 0 ? "public" : "staff"));
		json_object_set_new(o, "created_by", json_string(v->created_by));
		json_object_set_new(o, "created_at", json_integer(v->created_at));
	}
	return o;
}

json_t *present_booking_list(const struct booking_list *l, const char *office, int offset,
                             int limit)
{
	json_t *items = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(items, present_booking(&l->items[i], true));
	return json_pack("{s:s?, s:s, s:o, s:I, s:i, s:i}", "office", office, "day", l->day,
	                 "items", items, "total", (json_int_t)l->total, "offset", offset, "limit",
	                 limit);
}

json_t *present_booking_options(const struct booking_options *o)
{
	json_t *centres = json_array(), *procs = json_array();
	for (size_t i = 0; i < o->n_centres; i++) {
		const struct booking_option_centre *ce = &o->centres[i];
		json_t *groups = json_array();
		for (size_t k = ce->first_group; k < ce->first_group + ce->n_groups; k++) {
			const struct booking_option_group *g = &o->groups[k];
			json_array_append_new(groups, json_pack("{s:s, s:s, s:s, s:i, s:i}", "code",
			                                        g->code, "name", g->name, "name_en",
			                                        g->name_en, "minutes", g->minutes,
			                                        "capacity", g->capacity));
		}
		json_array_append_new(centres, json_pack("{s:s, s:s, s:s, s:o}", "code", ce->code,
		                                         "name", ce->name, "address", ce->address,
		                                         "groups", groups));
	}
	for (size_t i = 0; i < o->n_procedures; i++) {
		const struct booking_option_procedure *p = &o->procedures[i];
		json_t *map = json_object();
		for (size_t k = p->first_pick; k < p->first_pick + p->n_picks; k++)
			json_object_set_new(map, o->centres[o->picks[k].centre].code,
			                    json_string(o->picks[k].group));
		json_array_append_new(procs, json_pack("{s:s, s:s, s:o}", "code", p->code, "name",
		                                       p->name, "groups", map));
	}
	const struct booking_settings *bs = &o->settings;
	return json_pack("{s:o, s:o, s:i, s:i, s:i, s:i}", "centres", centres, "procedures", procs,
	                 "days_ahead", bs->days_ahead, "per_person_per_day", bs->per_person_per_day,
	                 "checkin_before_minutes", bs->checkin_before_minutes,
	                 "checkin_after_minutes", bs->checkin_after_minutes);
}

json_t *present_booking_slots(const struct booking_slots *s)
{
	json_t *days = json_array();
	for (int k = 0; k < s->n_days; k++) {
		const struct booking_slots_day *d = &s->days[k];
		json_t *slots = json_array();
		for (int i = 0; i < d->n_slots; i++)
			json_array_append_new(slots, json_pack("{s:I, s:I, s:i}", "start",
			                                       (json_int_t)d->slots[i].start, "end",
			                                       (json_int_t)d->slots[i].end, "free",
			                                       d->slots[i].free));
		json_array_append_new(
		    days, json_pack("{s:s, s:i, s:b, s:o, s:o}", "date", d->date, "weekday",
		                    d->weekday, "working_day", d->working, "day_name",
		                    d->day_name[0] ? json_string(d->day_name) : json_null(),
		                    "slots", slots));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:o}", "office", s->office,
	                 "group", s->group, "group_name", s->group_name, "group_name_en",
	                 s->group_name_en, "minutes", s->minutes, "capacity", s->capacity, "today",
	                 s->today, "last_day", s->last_day, "days", days);
}

json_t *present_booking_off_grid(const struct booking_off_grid_list *l)
{
	json_t *out = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct booking_off_grid *b = &l->items[i];
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "code",
		                                     b->code, "office", b->office, "group",
		                                     b->group, "start", (json_int_t)b->start, "end",
		                                     (json_int_t)b->end, "why", b->why));
	}
	return out;
}
