/* Appointments (đặt lịch hẹn): the pure rules of booking a place in a slot
 * of a centre's service group (docs/appointments.md). No I/O, no clock
 * reads: the store reads the settings, the calendar and the clock and
 * passes them in.
 *
 * Instants are UTC epoch seconds; a "day" is an office-local date whose
 * local midnight is given as an instant (day_start). */
#ifndef MOTCUA_DOMAIN_BOOKING_H
#define MOTCUA_DOMAIN_BOOKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/workcal.h"

/* The setting "appointments" (bundle section "appointments"); defaults from
 * booking_settings_default. Ranges checked by booking_settings_check. */
struct booking_settings {
	int days_ahead;             /* working days bookable after today (6) 0..30 */
	int per_person_per_day;     /* bookings one phone or ID number holds a day (2) 1..10 */
	int checkin_before_minutes; /* the kiosk takes a booking from start − this (15) 0..120 */
	int checkin_after_minutes;  /* … until start + this (10) 0..120 */
	int booked_in_a_row;        /* B2's call policy: booked calls while a walk-in
	                             * waits (2) 1..20 */
	int reminder_minutes;       /* booking_reminder this long before the slot (120)
	                             * 0..2880; 0: no reminder */
};

/* Fills s with the defaults above. */
void booking_settings_default(struct booking_settings *s);

/* The name of the first member of s out of its range, or NULL when all
 * are in range. */
const char *booking_settings_check(const struct booking_settings *s);

/* The members of the setting by name, in the order the setting is written:
 * BOOKING_SETTINGS_N of them; booking_setting_key(i) is member i's name,
 * booking_setting_member(s, i) where it lives in s; booking_setting_find
 * the index of key, or -1. */
#define BOOKING_SETTINGS_N 6
const char *booking_setting_key(size_t i);
int *booking_setting_member(struct booking_settings *s, size_t i);
int booking_setting_find(const char *key);

/* Why a booking is refused once its slot is found (store_booking_create
 * counts, the rule decides here): the phone's public bookings today, the
 * person's bookings that day (by phone or ID number), the slot's places. */
enum booking_refusal {
	BOOKING_OK,
	BOOKING_TOO_MANY_TODAY, /* 429 too_many_bookings (the public page only) */
	BOOKING_PERSON_LIMIT,   /* 409 booking_limit */
	BOOKING_SLOT_FULL,      /* 409 slot_full */
};
struct booking_counts {
	bool public_channel;
	int64_t phone_today; /* public bookings of the phone made today (cancelled count) */
	int64_t person_day;  /* bookings not cancelled that day by phone or ID number */
	int64_t slot_taken;  /* places of the slot taken (booking_holds_place) */
	int capacity;        /* the slot's places */
	int phone_day_max;   /* STORE_BOOKING_PER_PHONE_DAY */
};
/* The first refusal that applies, in the order above, or BOOKING_OK. */
enum booking_refusal booking_refusal_of(const struct booking_settings *s,
                                        const struct booking_counts *c);

/* The slot lengths the schema allows (booking_slots.minutes). */
bool booking_minutes_ok(int minutes);

/* One slot: [start, end). */
struct booking_slot {
	int64_t start, end;
};

/* The slots of one working day: each session of ses (seconds after local
 * midnight, sorted, disjoint) cut into `minutes` from its start; a tail
 * shorter than `minutes` is no slot. day_start is the day's local midnight
 * as an instant. Writes at most max slots into out and returns how many
 * there are (may exceed max); 0 for a day off (n == 0) or minutes <= 0. */
int booking_day_slots(int64_t day_start, const struct workcal_session *ses, int n, int minutes,
                      struct booking_slot *out, int max);

/* How many days, from today (index 0), are bookable: today and the
 * following days up to and including the days_ahead-th working day after
 * today. working[k] says whether day today+k is a working day (n entries).
 * Returns the count of days (today included) that lie in the window, at
 * most n; a day in the window that is not working has no slots. */
int booking_window_days(const bool *working, int n, int days_ahead);

/* The check-in verdict at `now` for a booking of slot start (B2's kiosk):
 * the window is [start − before, start + after] (both inclusive). */
enum booking_checkin {
	BOOKING_CHECKIN_EARLY,   /* before the window: come back from window_open */
	BOOKING_CHECKIN_IN_TIME, /* inside: a booked ticket */
	BOOKING_CHECKIN_LATE,    /* after: an ordinary ticket; the place was freed */
};
enum booking_checkin booking_checkin_verdict(const struct booking_settings *s, int64_t start,
                                             int64_t now);
/* The window's first and last instants. */
int64_t booking_window_open(const struct booking_settings *s, int64_t start);
int64_t booking_window_close(const struct booking_settings *s, int64_t start);

/* Whether a booking 'booked' for slot start still holds its place at now
 * (its check-in window has not ended). A 'checked_in' one always holds it. */
bool booking_holds_place(const struct booking_settings *s, int64_t start, int64_t now);
/* The same rule as a bound for a query: a 'booked' booking holds its place
 * at now exactly when its slot starts at or after booking_hold_from(s,
 * now) (tested against booking_holds_place). */
int64_t booking_hold_from(const struct booking_settings *s, int64_t now);

/* A booking's state (bookings.state). */
enum booking_state {
	BOOKING_BOOKED,     /* holds its place until checked in or cancelled */
	BOOKING_CHECKED_IN, /* checked in within its window: a booked ticket */
	BOOKING_LATE,       /* checked in after its window: an ordinary ticket */
	BOOKING_CANCELLED,
};
/* The state named s ("booked", "checked_in", "late", "cancelled") into
 * *out: true; false (*out untouched) for any other text or NULL. */
bool booking_state_parse(const char *s, enum booking_state *out);

/* Why a booking of state s cannot be checked in (its window aside, which
 * booking_checkin_verdict judges): BCR_NONE when it can. */
enum booking_checkin_refusal {
	BCR_NONE = 0,
	BCR_CANCELLED, /* booking_cancelled: the citizen takes an ordinary number */
	BCR_USED,      /* booking_used: it was checked in already, in time or late */
};
enum booking_checkin_refusal booking_checkin_refusal_of(enum booking_state s);

/* Why a booking of state s whose slot ends at slot_end cannot be cancelled
 * at now: only one not yet used may be, before its slot ends. */
enum booking_cancel_refusal {
	BKC_NONE = 0,
	BKC_CANCELLED, /* cancelled already */
	BKC_TOO_LATE,  /* used (checked in, in time or late), or its slot has ended */
};
enum booking_cancel_refusal booking_cancel_refusal_of(enum booking_state s, int64_t slot_end,
                                                      int64_t now);
/* booking_cancel_refusal_of(s, slot_end, now) == BKC_NONE. */
bool booking_cancellable(enum booking_state s, int64_t slot_end, int64_t now);

/* The booking code: "DL" + BOOKING_CODE_RANDOM characters of
 * BOOKING_CODE_ALPHABET (no 0/O/1/I/L). */
#define BOOKING_CODE_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define BOOKING_CODE_ALPHABET_LEN 31
#define BOOKING_CODE_RANDOM 6
#define BOOKING_CODE_LEN 8 /* "DL" + 6 */

/* Writes "DL" + the characters of the alphabet at idx[0..5] (each taken
 * modulo the alphabet's length) into out[BOOKING_CODE_LEN + 1]. The store
 * draws idx with randombytes_uniform. */
void booking_code_make(const uint32_t idx[BOOKING_CODE_RANDOM], char out[BOOKING_CODE_LEN + 1]);

/* Parses a code as a citizen types it: case-insensitive, spaces and dashes
 * ignored ("dl 7k3-m9q" → "DL7K3M9Q"). true and out filled with the
 * canonical form when it is "DL" + 6 alphabet characters; false otherwise
 * (out then holds ""). in may be NULL (false). */
bool booking_code_parse(const char *in, char out[BOOKING_CODE_LEN + 1]);

#endif
