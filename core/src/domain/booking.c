/* Appointments: the pure rules (domain/booking.h). */
#include "domain/booking.h"

#include <stddef.h>
#include <string.h>

void booking_settings_default(struct booking_settings *s)
{
	*s = (struct booking_settings){.days_ahead = 6,
	                               .per_person_per_day = 2,
	                               .checkin_before_minutes = 15,
	                               .checkin_after_minutes = 10,
	                               .booked_in_a_row = 2,
	                               .reminder_minutes = 120};
}

const char *booking_settings_check(const struct booking_settings *s)
{
	if (s->days_ahead < 0 || s->days_ahead > 30)
		return "days_ahead";
	if (s->per_person_per_day < 1 || s->per_person_per_day > 10)
		return "per_person_per_day";
	if (s->checkin_before_minutes < 0 || s->checkin_before_minutes > 120)
		return "checkin_before_minutes";
	if (s->checkin_after_minutes < 0 || s->checkin_after_minutes > 120)
		return "checkin_after_minutes";
	if (s->booked_in_a_row < 1 || s->booked_in_a_row > 20)
		return "booked_in_a_row";
	if (s->reminder_minutes < 0 || s->reminder_minutes > 2880)
		return "reminder_minutes";
	return NULL;
}

static const struct {
	const char *key;
	size_t off;
} booking_members[BOOKING_SETTINGS_N] = {
    {"days_ahead", offsetof(struct booking_settings, days_ahead)},
    {"per_person_per_day", offsetof(struct booking_settings, per_person_per_day)},
    {"checkin_before_minutes", offsetof(struct booking_settings, checkin_before_minutes)},
    {"checkin_after_minutes", offsetof(struct booking_settings, checkin_after_minutes)},
    {"booked_in_a_row", offsetof(struct booking_settings, booked_in_a_row)},
    {"reminder_minutes", offsetof(struct booking_settings, reminder_minutes)},
};

const char *booking_setting_key(size_t i)
{
	return i < BOOKING_SETTINGS_N ? booking_members[i].key : NULL;
}

int *booking_setting_member(struct booking_settings *s, size_t i)
{
	return (int *)((char *)s + booking_members[i].off);
}

int booking_setting_find(const char *key)
{
	for (size_t i = 0; key && i < BOOKING_SETTINGS_N; i++)
		if (strcmp(booking_members[i].key, key) == 0)
			return (int)i;
	return -1;
}

enum booking_refusal booking_refusal_of(const struct booking_settings *s,
                                        const struct booking_counts *c)
{
	if (c->public_channel && c->phone_today >= c->phone_day_max)
		return BOOKING_TOO_MANY_TODAY;
	if (c->person_day >= s->per_person_per_day)
		return BOOKING_PERSON_LIMIT;
	if (c->slot_taken >= c->capacity)
		return BOOKING_SLOT_FULL;
	return BOOKING_OK;
}

static const char *const booking_state_names[] = {
    [BOOKING_BOOKED] = "booked",
    [BOOKING_CHECKED_IN] = "checked_in",
    [BOOKING_LATE] = "late",
    [BOOKING_CANCELLED] = "cancelled",
};

bool booking_state_parse(const char *s, enum booking_state *out)
{
	if (s == NULL)
		return false;
	for (size_t i = 0; i < sizeof booking_state_names / sizeof booking_state_names[0]; i++)
		if (strcmp(s, booking_state_names[i]) == 0) {
			*out = (enum booking_state)i;
			return true;
		}
	return false;
}

enum booking_checkin_refusal booking_checkin_refusal_of(enum booking_state s)
{
	if (s == BOOKING_CANCELLED)
		return BCR_CANCELLED;
	return s == BOOKING_BOOKED ? BCR_NONE : BCR_USED;
}

enum booking_cancel_refusal booking_cancel_refusal_of(enum booking_state s, int64_t slot_end,
                                                      int64_t now)
{
	if (s == BOOKING_CANCELLED)
		return BKC_CANCELLED;
	return s == BOOKING_BOOKED && now < slot_end ? BKC_NONE : BKC_TOO_LATE;
}

bool booking_cancellable(enum booking_state s, int64_t slot_end, int64_t now)
{
	return booking_cancel_refusal_of(s, slot_end, now) == BKC_NONE;
}

bool booking_minutes_ok(int minutes)
{
	return minutes == 15 || minutes == 20 || minutes == 30 || minutes == 60;
}

int booking_day_slots(int64_t day_start, const struct workcal_session *ses, int n, int minutes,
                      struct booking_slot *out, int max)
{
	int count = 0;
	if (minutes <= 0)
		return 0;
	int len = minutes * 60;
	for (int i = 0; i < n; i++)
		for (int a = ses[i].start; a + len <= ses[i].end; a += len) {
			if (count < max)
				out[count] =
				    (struct booking_slot){day_start + a, day_start + a + len};
			count++;
		}
	return count;
}

int booking_window_days(const bool *working, int n, int days_ahead)
{
	if (n <= 0)
		return 0;
	int seen = 0, k;
	for (k = 1; k < n; k++) {
		if (!working[k])
			continue;
		if (seen == days_ahead)
			break;
		seen++;
	}
	/* k is the first day after the window (a working day beyond the
	 * days_ahead-th), or n. Days off after the last working day in the
	 * window are outside too. */
	while (k > 1 && !working[k - 1])
		k--;
	return k;
}

int64_t booking_window_open(const struct booking_settings *s, int64_t start)
{
	return start - (int64_t)s->checkin_before_minutes * 60;
}

int64_t booking_window_close(const struct booking_settings *s, int64_t start)
{
	return start + (int64_t)s->checkin_after_minutes * 60;
}

enum booking_checkin booking_checkin_verdict(const struct booking_settings *s, int64_t start,
                                             int64_t now)
{
	if (now < booking_window_open(s, start))
		return BOOKING_CHECKIN_EARLY;
	if (now > booking_window_close(s, start))
		return BOOKING_CHECKIN_LATE;
	return BOOKING_CHECKIN_IN_TIME;
}

bool booking_holds_place(const struct booking_settings *s, int64_t start, int64_t now)
{
	return now <= booking_window_close(s, start);
}

int64_t booking_hold_from(const struct booking_settings *s, int64_t now)
{
	return now - (int64_t)s->checkin_after_minutes * 60;
}

void booking_code_make(const uint32_t idx[BOOKING_CODE_RANDOM], char out[BOOKING_CODE_LEN + 1])
{
	out[0] = 'D';
	out[1] = 'L';
	for (int i = 0; i < BOOKING_CODE_RANDOM; i++)
		out[2 + i] = BOOKING_CODE_ALPHABET[idx[i] % BOOKING_CODE_ALPHABET_LEN];
	out[BOOKING_CODE_LEN] = '\0';
}

bool booking_code_parse(const char *in, char out[BOOKING_CODE_LEN + 1])
{
	int n = 0;
	out[0] = '\0';
	if (in == NULL)
		return false;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n == BOOKING_CODE_LEN)
			goto bad;
		if (n < 2 ? c != "DL"[n] : strchr(BOOKING_CODE_ALPHABET, c) == NULL || c == '\0')
			goto bad;
		out[n++] = c;
	}
	if (n != BOOKING_CODE_LEN)
		goto bad;
	out[n] = '\0';
	return true;
bad:
	out[0] = '\0';
	return false;
}
