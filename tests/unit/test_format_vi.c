/* Unit tests of the Vietnamese number and date formats (printer/format_vi.h):
 * what the periodic report prints. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "printer/format_vi.h"

#define OFFICE (7 * 3600)

static void test_numbers(void **state)
{
	char b[64];
	assert_string_equal(printer_fmt_number_vi(93.333, 1, b, sizeof b), "93,3");
	assert_string_equal(printer_fmt_number_vi(1234567.891, 2, b, sizeof b), "1.234.567,89");
	assert_string_equal(printer_fmt_number_vi(328, 0, b, sizeof b), "328");
	assert_string_equal(printer_fmt_number_vi(999.96, 1, b, sizeof b), "1.000,0");
	assert_string_equal(printer_fmt_number_vi(-1500.5, 1, b, sizeof b), "-1.500,5");
	assert_string_equal(printer_fmt_number_vi(-0.01, 1, b, sizeof b), "0,0");
	assert_string_equal(printer_fmt_number_vi(NAN, 1, b, sizeof b), "—");
	assert_string_equal(printer_fmt_count_vi(12000, b, sizeof b), "12.000");
	assert_string_equal(printer_fmt_count_vi(0, b, sizeof b), "0");
}

static void test_percent(void **state)
{
	char b[64];
	assert_string_equal(printer_fmt_percent_vi(0.9333, b, sizeof b), "93,3 %");
	assert_string_equal(printer_fmt_percent_vi(1, b, sizeof b), "100,0 %");
	assert_string_equal(printer_fmt_percent_vi(INFINITY, b, sizeof b), "—");
}

static void test_dates(void **state)
{
	char b[64];
	assert_string_equal(printer_fmt_isodate_vi("2026-03-31", b, sizeof b), "31/03/2026");
	assert_string_equal(printer_fmt_isodate_vi("2026-3-31", b, sizeof b), "2026-3-31");
	/* 2026-04-02 10:00 UTC is 17:00 office time. */
	int64_t t = 1775124000;
	assert_string_equal(printer_fmt_date_vi(t, OFFICE, false, b, sizeof b), "02/04/2026");
	assert_string_equal(printer_fmt_date_vi(t, OFFICE, true, b, sizeof b), "02/04/2026 17:00");
	/* 18:30 UTC on 31/12 is already 01:30 on 1 January office time. */
	assert_string_equal(printer_fmt_date_vi(1798741800, OFFICE, true, b, sizeof b),
	                    "01/01/2027 01:30");
	/* A document's date: a zero before days below 10 and months below 3. */
	assert_string_equal(printer_fmt_doc_date_vi(t, OFFICE, b, sizeof b),
	                    "ngày 02 tháng 4 năm 2026");
	assert_string_equal(printer_fmt_doc_date_vi(1770001200, OFFICE, b, sizeof b),
	                    "ngày 02 tháng 02 năm 2026");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_percent),
	    cmocka_unit_test(test_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
