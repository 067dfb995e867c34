/* Printing to a real IPP printer: ippeveprinter started by tests/fixtures/ipp-printer
 * on a loopback port, keeping each job as a file. Checks that jobs complete and
 * land in the spool with the right content, that a printer switched off is
 * reported unreachable quickly, that one that hangs times out, and that printing
 * works again once it is back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "printer/render.h"
#include "printer/submit.h"

#define DOSSIER_CODE "000.00.19.H47-260105-0001"

static char source_dir[PATH_MAX];
static char fixture_dir[PATH_MAX];
static char uri[512];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs the fixture with cmd; its first output line (the URI) goes to out. */
static int fixture(const char *cmd, char *out, size_t out_size)
{
	char line[PATH_MAX * 3];
	FILE *p;

	snprintf(line, sizeof(line), "'%s/tests/fixtures/ipp-printer' %s '%s'", source_dir, cmd,
	         fixture_dir);
	p = popen(line, "r");
	if (p == NULL)
		return -1;
	if (out != NULL) {
		out[0] = '\0';
		if (fgets(out, (int)out_size, p) != NULL)
			out[strcspn(out, "\n")] = '\0';
	}
	while (fgets(line, sizeof(line), p) != NULL)
		;
	return pclose(p);
}

static int group_setup(void **state)
{
	char exe[PATH_MAX], file[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *env = getenv("MOTCUA_SOURCE");

	(void)state;
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	if (env != NULL) {
		snprintf(source_dir, sizeof(source_dir), "%s", env);
	} else {
		/* This file is <source>/tests/unit/test_printer_cups.c. */
		snprintf(file, sizeof(file), "%s", __FILE__);
		snprintf(source_dir, sizeof(source_dir), "%s", dirname(dirname(dirname(file))));
	}
	snprintf(fixture_dir, sizeof(fixture_dir), "%s/artifacts", dirname(exe));
	mkdir(fixture_dir, 0755);
	/* One directory, emptied at each run: the last run's logs stay for a look. */
	snprintf(fixture_dir + strlen(fixture_dir), sizeof(fixture_dir) - strlen(fixture_dir),
	         "/ipp-printer");
	fixture("stop", NULL, 0);
	if (snprintf(file, sizeof(file), "rm -rf '%s'", fixture_dir) >= (int)sizeof(file) ||
	    system(file) != 0)
		return -1;
	if (fixture("start", uri, sizeof(uri)) != 0 || strncmp(uri, "ipp://", 6) != 0) {
		fprintf(stderr, "cannot start the IPP test printer in %s\n", fixture_dir);
		fixture("stop", NULL, 0);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fixture("stop", NULL, 0);
	return 0;
}

/* Empties the spool: job ids start at 1 again when the printer restarts. */
static void spool_clear(void)
{
	char dir[PATH_MAX + 16], path[PATH_MAX + 300];
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/spool", fixture_dir);
	d = opendir(dir);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
}

/* The path of the document of job_id (not the .prn output of the print command),
 * waiting a little for it to appear. */
static bool spool_file(int job_id, char *path, size_t size)
{
	char dir[PATH_MAX + 16], prefix[32];

	snprintf(dir, sizeof(dir), "%s/spool", fixture_dir);
	snprintf(prefix, sizeof(prefix), "%d-", job_id);
	for (int tries = 0; tries < 50; tries++) {
		DIR *d = opendir(dir);
		struct dirent *e;
		bool found = false;
		while (d != NULL && (e = readdir(d)) != NULL) {
			const char *dot = strrchr(e->d_name, '.');
			if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
			    (dot == NULL || strcmp(dot, ".prn") != 0)) {
				found = snprintf(path, size, "%s/%s", dir, e->d_name) < (int)size;
			}
		}
		if (d != NULL)
			closedir(d);
		if (found)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

static char *pdftotext(const char *path)
{
	char cmd[2 * PATH_MAX];
	size_t cap = 1 << 16, len = 0, n;
	char *text = malloc(cap);
	FILE *p;

	assert_true(snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s' -", path) <
	            (int)sizeof(cmd));
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(text + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (len + 1 == cap)
			text = realloc(text, cap *= 2);
	}
	text[len] = '\0';
	pclose(p);
	return text;
}

static void ticket(struct printer_ticket *t)
{
	*t = (struct printer_ticket){
	    .office_name = "Ủy ban nhân dân huyện Hướng Hóa",
	    .number = "B047",
	    .service_name = "Đăng ký khai sinh",
	    .people_ahead = 3,
	    .wait_min_minutes = 5,
	    .wait_max_minutes = 15,
	    .issued_at = 1767575700,
	    .utc_offset_minutes = 420,
	    .qr_url = "https://motcua.example.vn/q/B047",
	};
}

static void print_and_check(enum printer_format format, const uint8_t *data, size_t len,
                            const char *expect_text)
{
	struct printer_job job;
	char err[256] = "", path[PATH_MAX + 64];
	int rc;

	spool_clear();
	rc = printer_print(uri, format, data, len, "motcua test", 15000, &job, err, sizeof(err));

	if (rc != PRINTER_OK)
		fail_msg("printer_print: %s: %s", printer_status_name(rc), err);
	assert_true(job.job_id > 0);
	assert_int_equal(job.state, PRINTER_JOB_COMPLETED);
	if (!spool_file(job.job_id, path, sizeof(path)))
		fail_msg("no spool file for job %d in %s/spool", job.job_id, fixture_dir);
	if (expect_text != NULL) {
		char *text = pdftotext(path);
		if (strstr(text, expect_text) == NULL)
			fail_msg("\"%s\" not in the spooled job:\n%s", expect_text, text);
		free(text);
	} else {
		FILE *f = fopen(path, "rb");
		uint8_t *back = malloc(len + 1);
		assert_non_null(f);
		assert_int_equal(fread(back, 1, len + 1, f), len);
		assert_memory_equal(back, data, len);
		fclose(f);
		free(back);
	}
}

static void test_print_ticket_pdf(void **state)
{
	struct printer_ticket t;
	uint8_t *pdf;
	size_t len;

	(void)state;
	ticket(&t);
	assert_int_equal(printer_ticket_pdf(&t, PRINTER_PAPER_ROLL_80, &pdf, &len, NULL, 0),
	                 PRINTER_OK);
	print_and_check(PRINTER_FORMAT_PDF, pdf, len, "B047");
	free(pdf);
}

static void test_print_ticket_escpos(void **state)
{
	struct printer_ticket t;
	uint8_t *raw;
	size_t len;

	(void)state;
	ticket(&t);
	assert_int_equal(printer_ticket_escpos(&t, PRINTER_PAPER_ROLL_58, &raw, &len, NULL, 0),
	                 PRINTER_OK);
	print_and_check(PRINTER_FORMAT_RAW, raw, len, NULL);
	free(raw);
}

static void test_print_mau_01(void **state)
{
	char path[PATH_MAX + 64], err[256] = "";
	struct printer_form *form = NULL;
	struct printer_fields *f = printer_fields_new();
	const char *row[] = {"Tờ khai đăng ký khai sinh", "Bản chính", "1"};
	uint8_t *pdf;
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/data/forms/mau-01.json", source_dir);
	assert_int_equal(printer_form_load(path, &form, err, sizeof(err)), PRINTER_OK);
	printer_fields_set(f, "dossier_code", DOSSIER_CODE);
	printer_fields_set(f, "applicant_name", "Nguyễn Thị Hường");
	printer_fields_set(f, "procedure", "Đăng ký khai sinh");
	printer_fields_add_row(f, "documents", row, 3);
	printer_fields_set(f, "status_url", "https://motcua.example.vn/tra-cuu/" DOSSIER_CODE);
	assert_int_equal(printer_form_pdf(form, f, &pdf, &len, err, sizeof(err)), PRINTER_OK);
	print_and_check(PRINTER_FORMAT_PDF, pdf, len, DOSSIER_CODE);
	free(pdf);
	printer_fields_free(f);
	printer_form_free(form);
}

static void test_state_idle(void **state)
{
	struct printer_state st;
	char err[256] = "";

	(void)state;
	assert_int_equal(printer_query_state(uri, 5000, &st, err, sizeof(err)), PRINTER_OK);
	assert_true(st.reachable);
	assert_true(st.state == PRINTER_DEVICE_IDLE || st.state == PRINTER_DEVICE_PROCESSING);
	assert_true(st.accepting_jobs);
	assert_true(strlen(st.reasons) > 0);
	assert_null(strstr(st.reasons, "offline"));
}

static void test_printer_off(void **state)
{
	struct printer_ticket t;
	struct printer_job job;
	struct printer_state st;
	char err[256] = "";
	uint8_t *pdf;
	size_t len;
	double t0;
	int rc;

	(void)state;
	ticket(&t);
	assert_int_equal(printer_ticket_pdf(&t, PRINTER_PAPER_ROLL_80, &pdf, &len, NULL, 0),
	                 PRINTER_OK);
	assert_int_equal(fixture("stop-printer", NULL, 0), 0);

	t0 = now();
	rc = printer_print(uri, PRINTER_FORMAT_PDF, pdf, len, "off", 10000, &job, err, sizeof(err));
	assert_int_equal(rc, PRINTER_ERR_UNREACHABLE);
	assert_true(now() - t0 < 5.0);
	assert_true(strlen(err) > 0);

	t0 = now();
	rc = printer_query_state(uri, 10000, &st, err, sizeof(err));
	assert_int_equal(rc, PRINTER_ERR_UNREACHABLE);
	assert_true(now() - t0 < 5.0);
	assert_false(st.reachable);
	assert_string_equal(st.reasons, "offline-report");

	assert_int_equal(fixture("start-printer", NULL, 0), 0);
	print_and_check(PRINTER_FORMAT_PDF, pdf, len, "B047");
	free(pdf);
}

/* A printer that takes the connection and then never answers (SIGSTOP). */
static void test_printer_hangs(void **state)
{
	struct printer_ticket t;
	struct printer_job job;
	struct printer_state st;
	char err[256] = "";
	uint8_t *pdf;
	size_t len;
	double t0;
	int rc;

	(void)state;
	ticket(&t);
	assert_int_equal(printer_ticket_pdf(&t, PRINTER_PAPER_ROLL_80, &pdf, &len, NULL, 0),
	                 PRINTER_OK);
	assert_int_equal(fixture("pause", NULL, 0), 0);
	t0 = now();
	rc =
	    printer_submit(uri, PRINTER_FORMAT_PDF, pdf, len, "hang", 1500, &job, err, sizeof(err));
	assert_int_equal(rc, PRINTER_ERR_TIMEOUT);
	assert_true(now() - t0 < 4.0);
	t0 = now();
	rc = printer_query_state(uri, 1000, &st, err, sizeof(err));
	assert_int_equal(rc, PRINTER_ERR_TIMEOUT);
	assert_true(now() - t0 < 3.0);
	assert_false(st.reachable);
	assert_int_equal(fixture("resume", NULL, 0), 0);
	print_and_check(PRINTER_FORMAT_PDF, pdf, len, "B047");
	free(pdf);
}

static void test_bad_destinations(void **state)
{
	struct printer_job job;
	char err[256] = "";
	double t0 = now();
	int rc;

	(void)state;
	/* No cupsd on a test machine: unreachable; with one: no such queue. */
	rc = printer_submit("motcua-no-such-queue", PRINTER_FORMAT_PDF, (const uint8_t *)"%PDF", 4,
	                    "x", 3000, &job, err, sizeof(err));
	assert_true(rc == PRINTER_ERR_UNREACHABLE || rc == PRINTER_ERR_NOT_FOUND);
	assert_true(now() - t0 < 5.0);
	assert_int_equal(printer_submit("", PRINTER_FORMAT_PDF, (const uint8_t *)"%PDF", 4, "x",
	                                1000, &job, err, sizeof(err)),
	                 PRINTER_ERR_INVALID);
	assert_int_equal(
	    printer_submit(uri, PRINTER_FORMAT_PDF, NULL, 0, "x", 1000, &job, err, sizeof(err)),
	    PRINTER_ERR_INVALID);
	assert_int_equal(printer_job_query(uri, 987654, 3000, &job, err, sizeof(err)),
	                 PRINTER_ERR_NOT_FOUND);
}

/* The IPP answers a printer gives while it prints another job, or cannot take
 * one just now, mean "send it again shortly"; a refused connection or a broken
 * device means the printer is away (printer_off checks a real one); anything
 * else is a refusal. */
static void test_ipp_status_classes(void **state)
{
	(void)state;
	/* server-error-busy: ippeveprinter's "Currently printing another job." */
	assert_int_equal(printer_ipp_status_class(0x0507), PRINTER_ERR_BUSY);
	/* server-error-temporary-error, server-error-too-many-jobs */
	assert_int_equal(printer_ipp_status_class(0x0505), PRINTER_ERR_BUSY);
	assert_int_equal(printer_ipp_status_class(0x050B), PRINTER_ERR_BUSY);
	/* server-error-internal-error, server-error-service-unavailable (libcups:
	 * connection refused or broken; an HTTP 503), server-error-device-error */
	assert_int_equal(printer_ipp_status_class(0x0500), PRINTER_ERR_UNREACHABLE);
	assert_int_equal(printer_ipp_status_class(0x0502), PRINTER_ERR_UNREACHABLE);
	assert_int_equal(printer_ipp_status_class(0x0504), PRINTER_ERR_UNREACHABLE);
	/* client-error-not-found */
	assert_int_equal(printer_ipp_status_class(0x0406), PRINTER_ERR_NOT_FOUND);
	/* server-error-not-accepting-jobs (a paused queue), client-error-
	 * document-format-not-supported, client-error-not-possible */
	assert_int_equal(printer_ipp_status_class(0x0506), PRINTER_ERR_REJECTED);
	assert_int_equal(printer_ipp_status_class(0x040A), PRINTER_ERR_REJECTED);
	assert_int_equal(printer_ipp_status_class(0x0404), PRINTER_ERR_REJECTED);
	assert_string_equal(printer_status_name(PRINTER_ERR_BUSY), "busy");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_state_idle),          cmocka_unit_test(test_print_ticket_pdf),
	    cmocka_unit_test(test_print_ticket_escpos), cmocka_unit_test(test_print_mau_01),
	    cmocka_unit_test(test_printer_off),         cmocka_unit_test(test_printer_hangs),
	    cmocka_unit_test(test_bad_destinations),    cmocka_unit_test(test_ipp_status_classes),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
