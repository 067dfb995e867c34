/* Unit tests of the appointment rules (domain/booking.h): the settings'
 * defaults and ranges, the slots of a day, the bookable window, the
 * check-in window and the booking code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/booking.h"

static void test_settings(void **state)
{
	(void)state;
	struct booking_settings s;
	booking_settings_default(&s);
	assert_int_equal(s.days_ahead, 6);
	assert_int_equal(s.per_person_per_day, 2);
	assert_int_equal(s.checkin_before_minutes, 15);
	assert_int_equal(s.checkin_after_minutes, 10);
	assert_int_equal(s.booked_in_a_row, 2);
	assert_int_equal(s.reminder_minutes, 120);
	assert_null(booking_settings_check(&s));
	s.days_ahead = 31;
	assert_string_equal(booking_settings_check(&s), "days_ahead");
	booking_settings_default(&s);
	s.per_person_per_day = 0;
	assert_string_equal(booking_settings_check(&s), "per_person_per_day");
	booking_settings_default(&s);
	s.checkin_after_minutes = -1;
	assert_string_equal(booking_settings_check(&s), "checkin_after_minutes");
	assert_true(booking_minutes_ok(15) && booking_minutes_ok(20) && booking_minutes_ok(30) &&
	            booking_minutes_ok(60));
	assert_false(booking_minutes_ok(25));
	assert_false(booking_minutes_ok(0));
}

static void test_setting_members(void **state)
{
	(void)state;
	struct booking_settings s;
	booking_settings_default(&s);
	assert_int_equal(booking_setting_find("days_ahead"), 0);
	assert_int_equal(booking_setting_find("reminder_minutes"), BOOKING_SETTINGS_N - 1);
	assert_int_equal(booking_setting_find("slots"), -1);
	assert_int_equal(booking_setting_find(NULL), -1);
	int i = booking_setting_find("per_person_per_day");
	assert_string_equal(booking_setting_key((size_t)i), "per_person_per_day");
	*booking_setting_member(&s, (size_t)i) = 7;
	assert_int_equal(s.per_person_per_day, 7);
	assert_null(booking_setting_key(BOOKING_SETTINGS_N));
}

static void test_refusal(void **state)
{
	(void)state;
	struct booking_settings s;
	booking_settings_default(&s); /* two a person a day */
	struct booking_counts c = {.public_channel = true,
	                           .phone_today = 4,
	                           .person_day = 1,
	                           .slot_taken = 2,
	                           .capacity = 3,
	                           .phone_day_max = 5};
	assert_int_equal(booking_refusal_of(&s, &c), BOOKING_OK);
	c.slot_taken = 3;
	assert_int_equal(booking_refusal_of(&s, &c), BOOKING_SLOT_FULL);
	c.person_day = 2; /* the person's limit is told before the full slot */
	assert_int_equal(booking_refusal_of(&s, &c), BOOKING_PERSON_LIMIT);
	c.phone_today = 5; /* and the phone's day before both */
	assert_int_equal(booking_refusal_of(&s, &c), BOOKING_TOO_MANY_TODAY);
	c.public_channel = false; /* staff booking for a caller: no phone limit */
	assert_int_equal(booking_refusal_of(&s, &c), BOOKING_PERSON_LIMIT);
	c.capacity = 0;
	c.person_day = 0;
	assert_int_equal(booking_refusal_of(&s, &c), BOOKING_SLOT_FULL);
}

/* The four states of bookings.state, and nothing else. */
static void test_state_parse(void **state)
{
	(void)state;
	enum booking_state s = BOOKING_LATE;
	assert_true(booking_state_parse("booked", &s));
	assert_int_equal(s, BOOKING_BOOKED);
	assert_true(booking_state_parse("checked_in", &s));
	assert_int_equal(s, BOOKING_CHECKED_IN);
	assert_true(booking_state_parse("late", &s));
	assert_int_equal(s, BOOKING_LATE);
	assert_true(booking_state_parse("cancelled", &s));
	assert_int_equal(s, BOOKING_CANCELLED);
	assert_false(booking_state_parse("Booked", &s));
	assert_false(booking_state_parse("", &s));
	assert_false(booking_state_parse(NULL, &s));
	assert_int_equal(s, BOOKING_CANCELLED); /* untouched by a refusal */
}

static void test_cancellable(void **state)
{
	(void)state;
	assert_true(booking_cancellable(BOOKING_BOOKED, 1000, 999));
	assert_false(booking_cancellable(BOOKING_BOOKED, 1000, 1000)); /* the slot has ended */
	assert_false(booking_cancellable(BOOKING_CHECKED_IN, 1000, 10));
	assert_false(booking_cancellable(BOOKING_CANCELLED, 1000, 10));
	assert_false(booking_cancellable(BOOKING_LATE, 1000, 10));
	/* Why not: "cancelled already" only for a cancelled one (its own message). */
	assert_int_equal(booking_cancel_refusal_of(BOOKING_BOOKED, 1000, 999), BKC_NONE);
	assert_int_equal(booking_cancel_refusal_of(BOOKING_BOOKED, 1000, 1000), BKC_TOO_LATE);
	assert_int_equal(booking_cancel_refusal_of(BOOKING_CANCELLED, 1000, 10), BKC_CANCELLED);
	assert_int_equal(booking_cancel_refusal_of(BOOKING_CANCELLED, 1000, 2000), BKC_CANCELLED);
	assert_int_equal(booking_cancel_refusal_of(BOOKING_CHECKED_IN, 1000, 10), BKC_TOO_LATE);
	assert_int_equal(booking_cancel_refusal_of(BOOKING_LATE, 1000, 10), BKC_TOO_LATE);
}

/* A check-in takes only a booking still booked; a cancelled one is told
 * apart from one used already. */
static void test_checkin_refusal(void **state)
{
	(void)state;
	assert_int_equal(booking_checkin_refusal_of(BOOKING_BOOKED), BCR_NONE);
	assert_int_equal(booking_checkin_refusal_of(BOOKING_CANCELLED), BCR_CANCELLED);
	assert_int_equal(booking_checkin_refusal_of(BOOKING_CHECKED_IN), BCR_USED);
	assert_int_equal(booking_checkin_refusal_of(BOOKING_LATE), BCR_USED);
}

/* The query's bound (bk_taken's SQL: slot_start >= booking_hold_from) says
 * what booking_holds_place says, around the window's end, for several
 * settings. */
static void test_hold_bound(void **state)
{
	(void)state;
	struct booking_settings s;
	booking_settings_default(&s);
	const int afters[] = {0, 1, 10, 120};
	for (size_t k = 0; k < sizeof afters / sizeof afters[0]; k++) {
		s.checkin_after_minutes = afters[k];
		int64_t start = 1800000000;
		for (int64_t now = start - 3600; now <= start + 3 * 3600; now += 7)
			assert_int_equal(booking_holds_place(&s, start, now),
			                 start >= booking_hold_from(&s, now));
	}
}

static void test_day_slots(void **state)
{
	(void)state;
	/* 07:30–11:30 and 13:30–17:00 in 30 minutes: 8 + 7 slots. */
	struct workcal_session ses[2] = {{7 * 3600 + 1800, 11 * 3600 + 1800},
	                                 {13 * 3600 + 1800, 17 * 3600}};
	struct booking_slot out[64];
	int64_t day = 1000000;
	int n = booking_day_slots(day, ses, 2, 30, out, 64);
	assert_int_equal(n, 15);
	assert_int_equal(out[0].start, day + 7 * 3600 + 1800);
	assert_int_equal(out[0].end, day + 8 * 3600);
	assert_int_equal(out[7].start, day + 11 * 3600);
	assert_int_equal(out[8].start, day + 13 * 3600 + 1800);
	assert_int_equal(out[14].end, day + 17 * 3600);
	/* 60 minutes: the 13:30–17:00 session's last half hour is no slot. */
	n = booking_day_slots(day, ses, 2, 60, out, 64);
	assert_int_equal(n, 4 + 3);
	assert_int_equal(out[6].start, day + 15 * 3600 + 1800);
	assert_int_equal(out[6].end, day + 16 * 3600 + 1800);
	/* A day off has no session: no slot; the count says more than max. */
	assert_int_equal(booking_day_slots(day, ses, 0, 30, out, 64), 0);
	assert_int_equal(booking_day_slots(day, ses, 2, 15, out, 4), 30);
	assert_int_equal(booking_day_slots(day, ses, 2, 0, out, 64), 0);
}

static void test_window(void **state)
{
	(void)state;
	/* Today Monday: Mon..Fri, Sat, Sun, Mon, Tue, Wed. Six working days
	 * after today end on next Tuesday (index 8). */
	bool week[] = {true, true, true, true, true, false, false, true, true, true, true};
	assert_int_equal(booking_window_days(week, 11, 6), 9);
	assert_int_equal(booking_window_days(week, 11, 0), 1);
	assert_int_equal(booking_window_days(week, 11, 4), 5);
	/* Today Friday: the weekend is inside the window only up to Monday. */
	bool fri[] = {true, false, false, true, true, true};
	assert_int_equal(booking_window_days(fri, 6, 1), 4);
	/* A make-up Saturday counts as a working day. */
	bool makeup[] = {true, true, false, true};
	assert_int_equal(booking_window_days(makeup, 4, 1), 2);
	/* Today a holiday: still day 0 (with no slots); the window counts on. */
	bool holiday[] = {false, false, true, true};
	assert_int_equal(booking_window_days(holiday, 4, 1), 3);
	/* Not enough days to look at: all of them, without trailing days off. */
	bool short_[] = {true, true, false};
	assert_int_equal(booking_window_days(short_, 3, 6), 2);
	assert_int_equal(booking_window_days(short_, 0, 6), 0);
}

static void test_checkin(void **state)
{
	(void)state;
	struct booking_settings s;
	booking_settings_default(&s);
	int64_t start = 1800000000;
	assert_int_equal(booking_checkin_verdict(&s, start, start - 15 * 60 - 1),
	                 BOOKING_CHECKIN_EARLY);
	assert_int_equal(booking_checkin_verdict(&s, start, start - 15 * 60),
	                 BOOKING_CHECKIN_IN_TIME);
	assert_int_equal(booking_checkin_verdict(&s, start, start), BOOKING_CHECKIN_IN_TIME);
	assert_int_equal(booking_checkin_verdict(&s, start, start + 10 * 60),
	                 BOOKING_CHECKIN_IN_TIME);
	assert_int_equal(booking_checkin_verdict(&s, start, start + 10 * 60 + 1),
	                 BOOKING_CHECKIN_LATE);
	assert_int_equal(booking_window_open(&s, start), start - 900);
	assert_int_equal(booking_window_close(&s, start), start + 600);
	assert_true(booking_holds_place(&s, start, start + 600));
	assert_false(booking_holds_place(&s, start, start + 601));
}

static void test_code(void **state)
{
	(void)state;
	char out[BOOKING_CODE_LEN + 1];
	uint32_t idx[BOOKING_CODE_RANDOM] = {0, 30, 8, 31, 9, 10};
	booking_code_make(idx, out);
	assert_string_equal(out, "DL2ZA2BC");
	assert_int_equal(strlen(BOOKING_CODE_ALPHABET), BOOKING_CODE_ALPHABET_LEN);
	/* No look-alikes in the alphabet. */
	assert_null(strpbrk(BOOKING_CODE_ALPHABET, "01OIL"));

	assert_true(booking_code_parse("DL7K3M9Q", out));
	assert_string_equal(out, "DL7K3M9Q");
	assert_true(booking_code_parse("dl 7k3-m9q", out));
	assert_string_equal(out, "DL7K3M9Q");
	assert_true(booking_code_parse("  d-L7K3 M9Q ", out));
	assert_string_equal(out, "DL7K3M9Q");
	assert_false(booking_code_parse("DL7K3M9", out)); /* short */
	assert_string_equal(out, "");
	assert_false(booking_code_parse("DL7K3M9QX", out)); /* long */
	assert_false(booking_code_parse("DL7K3M0Q", out));  /* 0 not in the alphabet */
	assert_false(booking_code_parse("DL7K3MOQ", out));  /* nor O */
	assert_false(booking_code_parse("XL7K3M9Q", out));
	assert_false(booking_code_parse("DL7K3M9Q/", out));
	assert_false(booking_code_parse("", out));
	assert_false(booking_code_parse(NULL, out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_settings),    cmocka_unit_test(test_setting_members),
	    cmocka_unit_test(test_refusal),     cmocka_unit_test(test_state_parse),
	    cmocka_unit_test(test_cancellable), cmocka_unit_test(test_checkin_refusal),
	    cmocka_unit_test(test_hold_bound),  cmocka_unit_test(test_day_slots),
	    cmocka_unit_test(test_window),      cmocka_unit_test(test_checkin),
	    cmocka_unit_test(test_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
