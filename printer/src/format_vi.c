/* Vietnamese number and date formats: see printer/format_vi.h. */
#include "printer/format_vi.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/civil_date.h"

char *printer_fmt_number_vi(double v, int decimals, char *out, size_t len)
{
	if (len == 0)
		return out;
	if (!isfinite(v)) {
		snprintf(out, len, "—");
		return out;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	char plain[64];
	snprintf(plain, sizeof plain, "%.*f", decimals, fabs(v));
	/* "-0" after rounding is 0. */
	bool negative = v < 0 && strspn(plain, "0.") != strlen(plain);
	char *dot = strchr(plain, '.');
	size_t int_len = dot ? (size_t)(dot - plain) : strlen(plain);
	char buf[96];
	size_t k = 0;
	if (negative)
		buf[k++] = '-';
	for (size_t i = 0; i < int_len; i++) {
		if (i > 0 && (int_len - i) % 3 == 0)
			buf[k++] = '.';
		buf[k++] = plain[i];
	}
	if (dot) {
		buf[k++] = ',';
		for (const char *p = dot + 1; *p && k < sizeof buf - 1; p++)
			buf[k++] = *p;
	}
	buf[k] = '\0';
	snprintf(out, len, "%s", buf);
	return out;
}

char *printer_fmt_count_vi(long long v, char *out, size_t len)
{
	return printer_fmt_number_vi((double)v, 0, out, len);
}

char *printer_fmt_percent_vi(double share, char *out, size_t len)
{
	if (!isfinite(share)) {
		snprintf(out, len, "—");
		return out;
	}
	char n[64];
	printer_fmt_number_vi(share * 100, 1, n, sizeof n);
	snprintf(out, len, "%s %%", n);
	return out;
}

char *printer_fmt_isodate_vi(const char *ymd, char *out, size_t len)
{
	int y, m, d;
	if (civil_parse_date(ymd, &y, &m, &d) == CIVIL_INSTANT_OK)
		snprintf(out, len, "%02d/%02d/%04d", d, m, y);
	else
		snprintf(out, len, "%s", ymd ? ymd : "");
	return out;
}

/* The civil fields of t shifted by the office's offset (gmtime_r: no zone
 * database, no global state). */
static bool format__civil(int64_t t, int utc_offset_seconds, struct tm *tm)
{
	time_t local = (time_t)(t + utc_offset_seconds);
	return gmtime_r(&local, tm) != NULL;
}

char *printer_fmt_date_vi(int64_t t, int utc_offset_seconds, bool with_time, char *out, size_t len)
{
	struct tm tm;
	if (!format__civil(t, utc_offset_seconds, &tm)) {
		snprintf(out, len, "—");
		return out;
	}
	if (with_time)
		snprintf(out, len, "%02d/%02d/%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
		         tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
	else
		snprintf(out, len, "%02d/%02d/%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
	return out;
}

char *printer_fmt_doc_date_vi(int64_t t, int utc_offset_seconds, char *out, size_t len)
{
	struct tm tm;
	if (!format__civil(t, utc_offset_seconds, &tm)) {
		snprintf(out, len, "ngày … tháng … năm …");
		return out;
	}
	int m = tm.tm_mon + 1;
	snprintf(out, len, m < 3 ? "ngày %02d tháng %02d năm %d" : "ngày %02d tháng %d năm %d",
	         tm.tm_mday, m, tm.tm_year + 1900);
	return out;
}
