/* The periodic report's layout read back with pdftotext page by page: a
 * heading never ends a page alone, a bar chart is never cut across two pages,
 * and every page says "Trang n/N". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "printer/status.h"
#include "printer/report.h"

/* The text of page `page` of the PDF file path (malloc'd, "" when none). */
static char *page_text(const char *path, int page)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 -f %d -l %d '%s' - 2>/dev/null", page, page,
	         path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 16, n = 0;
	char *out = malloc(cap);
	assert_non_null(out);
	size_t got;
	while ((got = fread(out + n, 1, cap - n - 1, p)) > 0)
		n += got;
	out[n] = '\0';
	pclose(p);
	return out;
}

/* A report with `filler` lines of text, then a heading and an 8-bar chart. */
static void render(int filler, const char *path)
{
	struct printer_report *r = printer_report_new("BÁO CÁO THỬ", NULL, "Văn phòng thử");
	char line[64];
	for (int i = 0; i < filler; i++) {
		snprintf(line, sizeof line, "Dòng lấp chỗ số %d.", i);
		printer_report_text(r, line);
	}
	printer_report_heading(r, "2. Theo cơ quan giải quyết");
	const char *labels[] = {"Nhóm một", "Nhóm hai", "Nhóm ba",  "Nhóm bốn",
	                        "Nhóm năm", "Nhóm sáu", "Nhóm bảy", "Nhóm tám"};
	const double values[] = {100, 93.3, 80, 75.5, 60, 50, 40, 30};
	printer_report_bars(r, "Tỷ lệ đúng hạn (%)", 8, labels, values, 100, "%");
	uint8_t *pdf = NULL;
	size_t len = 0;
	char err[200];
	assert_int_equal(printer_report_pdf(r, &pdf, &len, err, sizeof err), PRINTER_OK);
	printer_report_free(r);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pdf, 1, len, f), len);
	fclose(f);
	free(pdf);
}

static void test_blocks_kept_together(void **state)
{
	(void)state;
	char path[] = "/tmp/motcua-report-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	int cuts = 0;
	/* Every filler length from a short page to two pages: wherever the
	 * heading falls, it shares a page with the whole chart. */
	for (int filler = 40; filler <= 75; filler++) {
		render(filler, path);
		bool seen = false;
		for (int page = 1; page <= 3; page++) {
			char *t = page_text(path, page);
			if (strstr(t, "2. Theo cơ quan giải quyết")) {
				seen = true;
				if (!strstr(t, "Tỷ lệ đúng hạn") || !strstr(t, "Nhóm một") ||
				    !strstr(t, "Nhóm tám")) {
					fprintf(stderr,
					        "filler %d: heading and chart split at page %d\n",
					        filler, page);
					cuts++;
				}
			}
			if (*t) {
				char want[32];
				snprintf(want, sizeof want, "Trang %d/", page);
				if (!strstr(t, want)) {
					fprintf(stderr, "filler %d: page %d lacks \"%s\"\n", filler,
					        page, want);
					cuts++;
				}
			}
			free(t);
		}
		assert_true(seen);
	}
	unlink(path);
	assert_int_equal(cuts, 0);
}

/* Figures of one chart follow one rule: "100,0 %" next to "93,3 %". */
static void test_bar_figures_alike(void **state)
{
	(void)state;
	char path[] = "/tmp/motcua-report-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	render(0, path);
	char *t = page_text(path, 1);
	assert_non_null(strstr(t, "100,0 %"));
	assert_non_null(strstr(t, "93,3 %"));
	assert_null(strstr(t, "100 %"));
	free(t);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blocks_kept_together),
	    cmocka_unit_test(test_bar_figures_alike),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
