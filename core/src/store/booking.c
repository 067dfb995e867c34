/* Appointments as stored (store/booking.h, docs/appointments.md). */
#include "store/booking.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/fold.h"

/* The scalar members of the setting, with where each lives in the struct. */
static const struct {
	const char *key;
	size_t off;
} bk_members[] = {
    {"days_ahead", offsetof(struct booking_settings, days_ahead)},
    {"per_person_per_day", offsetof(struct booking_settings, per_person_per_day)},
    {"checkin_before_minutes", offsetof(struct booking_settings, checkin_before_minutes)},
    {"checkin_after_minutes", offsetof(struct booking_settings, checkin_after_minutes)},
    {"booked_in_a_row", offsetof(struct booking_settings, booked_in_a_row)},
    {"reminder_minutes", offsetof(struct booking_settings, reminder_minutes)},
};
#define BK_MEMBERS (sizeof bk_members / sizeof bk_members[0])

static int *bk_member(struct booking_settings *s, size_t i)
{
	return (int *)((char *)s + bk_members[i].off);
}

/* Fills s from the stored object text (members absent keep s's value);
 * false when it is malformed or out of range (s then untouched). */
static bool bk_settings_parse(const char *text, struct booking_settings *s)
{
	json_t *o = text ? json_loads(text, 0, NULL) : NULL;
	struct booking_settings t = *s;
	bool ok = json_is_object(o);
	for (size_t i = 0; ok && i < BK_MEMBERS; i++) {
		json_t *v = json_object_get(o, bk_members[i].key);
		if (v == NULL)
			continue;
		if (!json_is_integer(v) || json_integer_value(v) < -1000000 ||
		    json_integer_value(v) > 1000000)
			ok = false;
		else
			*bk_member(&t, i) = (int)json_integer_value(v);
	}
	json_decref(o);
	if (ok && booking_settings_check(&t) == NULL) {
		*s = t;
		return true;
	}
	return false;
}

void store_booking_settings(struct store *st, struct booking_settings *out)
{
	booking_settings_default(out);
	char *text = store_setting_get(st, "appointments");
	if (text)
		bk_settings_parse(text, out);
	free(text);
}
