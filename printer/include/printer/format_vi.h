/* Numbers and dates the Vietnamese way, the one helper for every printed or
 * exported figure (the periodic report's PDF and CSV): a decimal comma and a
 * dot between thousands ("1.234,5"), percentages as "93,3 %", counts without
 * decimals, dates dd/mm/yyyy and 24-hour times. The screens have the same
 * rules in display/common.js (fmt). Pure functions, thread-safe. */
#ifndef PRINTER_FORMAT_VI_H
#define PRINTER_FORMAT_VI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* v rounded to `decimals` (0-6) digits after a decimal comma, thousands
 * grouped with '.'; "—" when v is not finite. Writes at most len bytes
 * (NUL included) to out and returns out. */
char *printer_fmt_number_vi(double v, int decimals, char *out, size_t len);

/* A count (a whole number: no decimals) as printer_fmt_number_vi(v, 0). */
char *printer_fmt_count_vi(long long v, char *out, size_t len);

/* A share 0..1 as a percentage with one decimal and a space: "93,3 %";
 * "—" when not finite. Returns out. */
char *printer_fmt_percent_vi(double share, char *out, size_t len);

/* An ISO date "YYYY-MM-DD" (a real one: civil_parse_date) as "dd/mm/yyyy";
 * anything else is copied as is.
 * Returns out. */
char *printer_fmt_isodate_vi(const char *ymd, char *out, size_t len);

/* The instant t (epoch seconds) in the office's time zone (UTC offset
 * utc_offset_seconds) as "dd/mm/yyyy" (with_time false) or "dd/mm/yyyy HH:MM".
 * Returns out. */
char *printer_fmt_date_vi(int64_t t, int utc_offset_seconds, bool with_time, char *out, size_t len);

/* The date of an administrative document after its place (Nghị định
 * 30/2020/NĐ-CP): "ngày 05 tháng 02 năm 2026" (a zero before days below 10
 * and months below 3) of the instant t in the office's time zone. Returns out. */
char *printer_fmt_doc_date_vi(int64_t t, int utc_offset_seconds, char *out, size_t len);

#endif
