/* print-test: renders a test ticket and prints it to a CUPS queue or a
 * printer URI, waiting for the printer to report the job completed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/printing.h"
#include "cli/cli.h"
#include "printer/render.h"
#include "printer/submit.h"
#include "util/clock.h"

static const char print_test_usage[] =
    "usage: motcua-server print-test DEST [--format pdf|escpos] [--paper 80mm|58mm]\n"
    "         [--timeout-ms N]\n"
    "Prints a test ticket to DEST, a CUPS queue name or a printer URI (ipp://…),\n"
    "and waits until the printer reports the job completed (default 15000 ms).\n"
    "Exit 0 with the job's state, or 1 with the reason and printer-state-reasons.\n";

int cli_print_test(int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
	                                     {"paper", required_argument, NULL, 'p'},
	                                     {"timeout-ms", required_argument, NULL, 't'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {0}};
	const char *format = "pdf", *paper = "80mm";
	long timeout = 15000;
	char *end;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'p': paper = optarg; break;
		case 't':
			timeout = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || timeout < 100 || timeout > 600000)
				return cli_usage_error("print-test", "--timeout-ms is 100-600000");
			break;
		case 'h': fputs(print_test_usage, stdout); return 0;
		default:
			return cli_usage_error("print-test", "unknown or incomplete option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("print-test",
		                       "one destination (queue name or URI) expected");
	const char *dest = argv[optind];
	if (strcmp(format, "pdf") != 0 && strcmp(format, "escpos") != 0)
		return cli_usage_error("print-test", "--format is pdf or escpos");
	if (strcmp(paper, "80mm") != 0 && strcmp(paper, "58mm") != 0)
		return cli_usage_error("print-test", "--paper is 80mm or 58mm");

	struct printer_ticket t = {
	    .office_name = "motcua - In thử / Test print",
	    .number = "TEST",
	    .service_name = "Máy in hoạt động tốt / Printer works",
	    .people_ahead = -1,
	    .issued_at = clock_now(),
	    .utc_offset_minutes = CLOCK_OFFICE_UTC_OFFSET / 60,
	    .footer = dest,
	};
	uint8_t *data = NULL;
	size_t len = 0;
	char err[256] = "";
	int rc = printing_render_ticket(&t, format, paper, &data, &len, err, sizeof err);
	if (rc != PRINTER_OK) {
		fprintf(stderr, "motcua-server print-test: render failed: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	struct printer_job job;
	memset(&job, 0, sizeof job);
	rc = printer_print(dest,
	                   strcmp(format, "escpos") == 0 ? PRINTER_FORMAT_RAW : PRINTER_FORMAT_PDF,
	                   data, len, "motcua print-test", (int)timeout, &job, err, sizeof err);
	free(data);
	if (rc == PRINTER_OK) {
		printf("job %d %s on %s\n", job.job_id, printer_job_state_name(job.state), dest);
		return 0;
	}
	struct printer_state st;
	char serr[256];
	memset(&st, 0, sizeof st);
	printer_query_state(dest, 2000, &st, serr, sizeof serr);
	fprintf(stderr, "motcua-server print-test: %s: %s (printer-state-reasons: %s)\n",
	        printer_status_name(rc), err, st.reasons[0] ? st.reasons : "none");
	if (job.job_id)
		fprintf(stderr, "  job %d last seen %s (%s)\n", job.job_id,
		        printer_job_state_name(job.state), job.state_reasons);
	return CLI_EXIT_FAIL;
}
