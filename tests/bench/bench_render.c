/* Render time of a queue ticket (PDF and ESC/POS) and of Mẫu 01 (PDF): the median
 * of 1,000 renders each, against the goal. A kiosk must print a ticket at once.
 * Usage: bench_render [source-dir] (default: found from this file's path). */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "printer/render.h"

#define RUNS 1000

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *name, double *ms, double goal)
{
	double median;

	qsort(ms, RUNS, sizeof(double), cmp_double);
	median = ms[RUNS / 2];
	printf("%s median %.2f ms, p99 %.2f ms, goal %.0f ms, ratio %.3f\n", name, median,
	       ms[RUNS * 99 / 100], goal, median / goal);
}

int main(int argc, char **argv)
{
	static double ms[RUNS];
	char src[PATH_MAX], path[PATH_MAX + 32], err[256] = "";
	struct printer_ticket t = {
	    .office_name = "Ủy ban nhân dân huyện Hướng Hóa – Bộ phận Một cửa",
	    .number = "A012",
	    .service_name = "Đăng ký khai sinh",
	    .people_ahead = 7,
	    .wait_min_minutes = 10,
	    .wait_max_minutes = 20,
	    .issued_at = 1767575700,
	    .utc_offset_minutes = 420,
	    .qr_url = "https://motcua.huonghoa.gov.vn/q/A012?k=7f3a",
	};
	const char *doc[] = {"Tờ khai đăng ký khai sinh", "Bản chính", "1"};
	struct printer_form *form = NULL;
	struct printer_fields *f;
	uint8_t *out;
	size_t len;

	if (argc > 1) {
		snprintf(src, sizeof(src), "%s", argv[1]);
	} else {
		snprintf(path, sizeof(path), "%s", __FILE__);
		snprintf(src, sizeof(src), "%s", dirname(dirname(dirname(path))));
	}
	snprintf(path, sizeof(path), "%s/data/forms/mau-01.json", src);
	if (printer_form_load(path, &form, err, sizeof(err)) != PRINTER_OK) {
		fprintf(stderr, "bench_render: %s\n", err);
		return 1;
	}
	f = printer_fields_new();
	printer_fields_set(f, "agency", "UBND HUYỆN HƯỚNG HÓA");
	printer_fields_set(f, "dossier_code", "000.00.19.H47-260105-0001");
	printer_fields_set(f, "applicant_name", "Nguyễn Thị Hường");
	printer_fields_set(f, "procedure", "Đăng ký khai sinh");
	printer_fields_set(f, "received_at", "08:15 05/01/2026");
	printer_fields_set(f, "appointment_at", "14:00 08/01/2026");
	printer_fields_set(f, "status_url", "https://motcua.huonghoa.gov.vn/tra-cuu/x");
	for (int i = 0; i < 3; i++)
		printer_fields_add_row(f, "documents", doc, 3);

	/* Warm the font caches once, as a running server would have. */
	printer_ticket_pdf(&t, PRINTER_PAPER_ROLL_80, &out, &len, NULL, 0);
	free(out);

	for (int i = 0; i < RUNS; i++) {
		double t0 = now_ms();
		if (printer_ticket_pdf(&t, PRINTER_PAPER_ROLL_80, &out, &len, err, sizeof(err)))
			return fprintf(stderr, "%s\n", err), 1;
		ms[i] = now_ms() - t0;
		free(out);
	}
	report("ticket_pdf", ms, 20);
	for (int i = 0; i < RUNS; i++) {
		double t0 = now_ms();
		if (printer_ticket_escpos(&t, PRINTER_PAPER_ROLL_80, &out, &len, err, sizeof(err)))
			return fprintf(stderr, "%s\n", err), 1;
		ms[i] = now_ms() - t0;
		free(out);
	}
	report("ticket_escpos", ms, 20);
	for (int i = 0; i < RUNS; i++) {
		double t0 = now_ms();
		if (printer_form_pdf(form, f, &out, &len, err, sizeof(err)))
			return fprintf(stderr, "%s\n", err), 1;
		ms[i] = now_ms() - t0;
		free(out);
	}
	report("mau01_pdf", ms, 100);
	printer_fields_free(f);
	printer_form_free(form);
	return 0;
}
