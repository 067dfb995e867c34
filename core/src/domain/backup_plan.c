#include "domain/backup_plan.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/civil_date.h"

/* Office time, as util/clock's CLOCK_OFFICE_UTC_OFFSET (the domain does not
 * include util/). */
#define BACKUP_OFFICE_OFFSET (7 * 3600)
#define BACKUP_PREFIX "motcua-"
#define BACKUP_SUFFIX ".db.gz"

void backup_plan_name(int64_t when, char out[BACKUP_NAME_SIZE])
{
	long long local = (long long)when + BACKUP_OFFICE_OFFSET;
	int days = (int)civil_floor_div(local, 86400);
	int secs = (int)civil_floor_mod(local, 86400);
	int y, m, d;
	civil_ymd_from_days(days, &y, &m, &d);
	/* Years stay four digits for any instant the clock gives; the wide
	 * buffer only quiets the compiler. */
	char buf[96];
	snprintf(buf, sizeof buf, BACKUP_PREFIX "%04d%02d%02d-%02d%02d%02d" BACKUP_SUFFIX, y, m, d,
	         secs / 3600, secs / 60 % 60, secs % 60);
	memcpy(out, buf, BACKUP_NAME_SIZE - 1);
	out[BACKUP_NAME_SIZE - 1] = '\0';
}

/* The value of the n decimal digits at s, or -1 if one is not a digit. */
static int backup_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool backup_plan_parse_name(const char *name, int64_t *when)
{
	const size_t pre = sizeof BACKUP_PREFIX - 1;
	if (strlen(name) != BACKUP_NAME_SIZE - 1 || strncmp(name, BACKUP_PREFIX, pre) != 0 ||
	    name[pre + 8] != '-' || strcmp(name + pre + 15, BACKUP_SUFFIX) != 0)
		return false;
	const char *p = name + pre;
	int y = backup_digits(p, 4), m = backup_digits(p + 4, 2), d = backup_digits(p + 6, 2);
	int hh = backup_digits(p + 9, 2), mm = backup_digits(p + 11, 2),
	    ss = backup_digits(p + 13, 2);
	if (y < 0 || m < 0 || d < 0 || hh < 0 || mm < 0 || ss < 0 || !civil_date_valid(y, m, d) ||
	    hh > 23 || mm > 59 || ss > 59)
		return false;
	if (when)
		*when = (int64_t)civil_days_from_ymd(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss -
		        BACKUP_OFFICE_OFFSET;
	return true;
}

static int backup_newest_first(const void *a, const void *b)
{
	int64_t x = ((const struct backup_plan_item *)a)->when;
	int64_t y = ((const struct backup_plan_item *)b)->when;
	return (x < y) - (x > y);
}

bool backup_plan_in_future(int64_t when, int64_t now)
{
	return now < INT64_MAX - BACKUP_FUTURE_TOLERANCE_S &&
	       when > now + BACKUP_FUTURE_TOLERANCE_S;
}

void backup_plan_choose(struct backup_plan_item *items, size_t n, int64_t fresh, int64_t now,
                        int keep_daily, int keep_monthly)
{
	if (n == 0)
		return;
	qsort(items, n, sizeof *items, backup_newest_first);
	int days_seen = 0, months_seen = 0;
	long long last_day = 0, last_month = 0;
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		struct backup_plan_item *it = &items[i];
		if (backup_plan_in_future(it->when, now)) {
			it->keep = BACKUP_KEEP_FUTURE;
			continue;
		}
		long long day = civil_floor_div((long long)it->when + BACKUP_OFFICE_OFFSET, 86400);
		int y, m, d;
		civil_ymd_from_days((int)day, &y, &m, &d);
		long long month = (long long)y * 12 + (m - 1);
		it->keep = it->when == fresh ? BACKUP_KEEP_NEW : BACKUP_DROP;
		/* Newest first: the first item of a day (month) is its newest. */
		if (first || day != last_day) {
			days_seen++;
			last_day = day;
			if (days_seen <= keep_daily)
				it->keep |= BACKUP_KEEP_DAILY;
		}
		if (first || month != last_month) {
			months_seen++;
			last_month = month;
			if (months_seen <= keep_monthly)
				it->keep |= BACKUP_KEEP_MONTHLY;
		}
		first = false;
	}
}
