/* The one clock of the server. All instants are UTC epoch seconds. A test run
 * may shift the clock (an explicit `serve --test-clock`, reported by /healthz);
 * by default it is the system's real time. */
#ifndef MOTCUA_CLOCK_H
#define MOTCUA_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* The current instant, epoch seconds. */
int64_t clock_now(void);
/* Monotonic milliseconds, for durations and timeouts only. */
int64_t clock_mono_ms(void);
/* Enables the settable clock; afterwards clock_set() may move time. */
void clock_enable_test_mode(void);
bool clock_is_test_mode(void);
/* Leaves test mode: the real clock again (after motcua-server simulate). */
void clock_use_real(void);
/* Stops the clock at `now`: clock_now() returns exactly that until the next
 * clock_set, so tests get the same answer however slowly they run. Returns
 * false unless test mode is enabled. */
bool clock_set(int64_t now);

/* Office time is Asia/Ho_Chi_Minh, UTC+7 without daylight saving. */
#define CLOCK_OFFICE_UTC_OFFSET (7 * 3600)
/* Writes the office-local date of instant t as YYYY-MM-DD into out[11]. */
void clock_office_date(int64_t t, char out[11]);
/* Writes t as ISO 8601 with +07:00 into out[26]. */
void clock_office_iso(int64_t t, char out[26]);
/* Writes the office-local time of instant t as the text a citizen reads,
 * "dd/mm/yyyy HH:MM" (24 h), into out[17]. */
void clock_office_text(int64_t t, char out[17]);

#endif
