#include "util/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static atomic_bool clock_test_mode;
static atomic_bool clock_frozen;
static _Atomic int64_t clock_frozen_at;

int64_t clock_now(void)
{
	if (atomic_load(&clock_frozen))
		return atomic_load(&clock_frozen_at);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t clock_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_enable_test_mode(void)
{
	atomic_store(&clock_test_mode, true);
}

bool clock_is_test_mode(void)
{
	return atomic_load(&clock_test_mode);
}

void clock_use_real(void)
{
	atomic_store(&clock_frozen, false);
	atomic_store(&clock_test_mode, false);
}

bool clock_set(int64_t now)
{
	if (!atomic_load(&clock_test_mode))
		return false;
	atomic_store(&clock_frozen_at, now);
	atomic_store(&clock_frozen, true);
	return true;
}

void clock_office_date(int64_t t, char out[11])
{
	time_t local = (time_t)(t + CLOCK_OFFICE_UTC_OFFSET);
	struct tm tm;
	gmtime_r(&local, &tm);
	/* Years stay four digits (the clock never leaves 0..9999), so the text
	 * always fits; the wide buffer only quiets the compiler. */
	char buf[64];
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

void clock_office_iso(int64_t t, char out[26])
{
	time_t local = (time_t)(t + CLOCK_OFFICE_UTC_OFFSET);
	struct tm tm;
	gmtime_r(&local, &tm);
	char buf[96];
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(out, buf, 25);
	out[25] = '\0';
}

void clock_office_text(int64_t t, char out[17])
{
	time_t local = (time_t)(t + CLOCK_OFFICE_UTC_OFFSET);
	struct tm tm;
	gmtime_r(&local, &tm);
	char buf[96];
	snprintf(buf, sizeof buf, "%02d/%02d/%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
	         tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
	memcpy(out, buf, 16);
	out[16] = '\0';
}
