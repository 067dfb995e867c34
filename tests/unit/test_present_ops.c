/* Unit tests of the /metrics text of the store's operations figures
 * (api/present_ops.h): the exact lines a scrape and docs/monitoring.md
 * expect, from figures made by hand (no database). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "api/present_ops.h"
#include "util/strbuf.h"

static const char queue_help[] =
    "# HELP motcua_tickets_today Tickets issued today by group and state or outcome.\n"
    "# TYPE motcua_tickets_today gauge\n";
static const char waiting_help[] = "# HELP motcua_waiting Tickets waiting now by group.\n"
                                   "# TYPE motcua_waiting gauge\n";

/* One centre: the series name no office. */
static void test_queue_one_centre(void **state)
{
	(void)state;
	struct queue_figures_tickets t[] = {{"CT", "called", "TT", 1}, {"CT", "waiting", "TT", 2}};
	struct queue_figures_waiting w[] = {{"CT", "TT", 2}, {"HT", "TT", 0}};
	struct queue_figures f = {.ntickets = 2, .tickets = t, .nwaiting = 2, .waiting = w};
	struct strbuf sb = STRBUF_INIT;
	present_queue_metrics(&f, &sb);
	struct strbuf want = STRBUF_INIT;
	strbuf_puts(&want, queue_help);
	strbuf_puts(&want, "motcua_tickets_today{group=\"CT\",outcome=\"called\"} 1\n"
	                   "motcua_tickets_today{group=\"CT\",outcome=\"waiting\"} 2\n");
	strbuf_puts(&want, waiting_help);
	strbuf_puts(&want, "motcua_waiting{group=\"CT\"} 2\nmotcua_waiting{group=\"HT\"} 0\n");
	assert_string_equal(sb.data, want.data);
	strbuf_free(&sb);
	strbuf_free(&want);
}

/* Several centres: each series also names its centre, last. */
static void test_queue_several_centres(void **state)
{
	(void)state;
	struct queue_figures_tickets t[] = {{"CT", "called", "TT-A", 1}};
	struct queue_figures_waiting w[] = {{"CT", "TT-A", 2}, {"CT", "TT-B", 3}};
	struct queue_figures f = {
	    .several_centres = true, .ntickets = 1, .tickets = t, .nwaiting = 2, .waiting = w};
	struct strbuf sb = STRBUF_INIT;
	present_queue_metrics(&f, &sb);
	struct strbuf want = STRBUF_INIT;
	strbuf_puts(&want, queue_help);
	strbuf_puts(&want,
	            "motcua_tickets_today{group=\"CT\",outcome=\"called\",office=\"TT-A\"} 1\n");
	strbuf_puts(&want, waiting_help);
	strbuf_puts(&want, "motcua_waiting{group=\"CT\",office=\"TT-A\"} 2\n"
	                   "motcua_waiting{group=\"CT\",office=\"TT-B\"} 3\n");
	assert_string_equal(sb.data, want.data);
	strbuf_free(&sb);
	strbuf_free(&want);
}

/* Every centre's pending jobs, then their age at `at` (0 when none, or
 * made after `at`), the office escaped; the dossiers; each message state. */
static void test_ops(void **state)
{
	(void)state;
	struct store_ops_print p[] = {
	    {"TT-KS", 2, 1000}, {"TT-LB", 0, 0}, {"A\"B\\C", 1, 2000}, {"", 1, 400}};
	struct store_ops_figures f = {.at = 1660,
	                              .nprint = 4,
	                              .print = p,
	                              .dossiers_open = 7,
	                              .dossiers_late = 3,
	                              .notify_queued = 4,
	                              .notify_sending = 1,
	                              .notify_dead = 2};
	struct strbuf sb = STRBUF_INIT;
	present_ops_metrics(&f, &sb);
	static const char want[] =
	    "# HELP motcua_print_jobs_pending Print jobs not done yet (queued, sending or printing)"
	    " by centre.\n"
	    "# TYPE motcua_print_jobs_pending gauge\n"
	    "motcua_print_jobs_pending{office=\"TT-KS\"} 2\n"
	    "motcua_print_jobs_pending{office=\"TT-LB\"} 0\n"
	    "motcua_print_jobs_pending{office=\"A\\\"B\\\\C\"} 1\n"
	    "motcua_print_jobs_pending{office=\"\"} 1\n"
	    "# HELP motcua_print_jobs_oldest_pending_seconds Age of the oldest print job not done"
	    " yet by centre, 0 when none.\n"
	    "# TYPE motcua_print_jobs_oldest_pending_seconds gauge\n"
	    "motcua_print_jobs_oldest_pending_seconds{office=\"TT-KS\"} 660\n"
	    "motcua_print_jobs_oldest_pending_seconds{office=\"TT-LB\"} 0\n"
	    "motcua_print_jobs_oldest_pending_seconds{office=\"A\\\"B\\\\C\"} 0\n"
	    "motcua_print_jobs_oldest_pending_seconds{office=\"\"} 1260\n"
	    "# HELP motcua_dossiers_open Dossiers open now (received, not finished, with a due"
	    " instant).\n"
	    "# TYPE motcua_dossiers_open gauge\nmotcua_dossiers_open 7\n"
	    "# HELP motcua_dossiers_late Open dossiers past their due instant (as the indicators"
	    " count them).\n"
	    "# TYPE motcua_dossiers_late gauge\nmotcua_dossiers_late 3\n"
	    "# HELP motcua_notifications Notification messages to citizens by state: queued"
	    " (waiting or retrying), sending, dead (given up).\n"
	    "# TYPE motcua_notifications gauge\n"
	    "motcua_notifications{state=\"queued\"} 4\n"
	    "motcua_notifications{state=\"sending\"} 1\n"
	    "motcua_notifications{state=\"dead\"} 2\n";
	assert_string_equal(sb.data, want);
	strbuf_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_queue_one_centre),
	    cmocka_unit_test(test_queue_several_centres),
	    cmocka_unit_test(test_ops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
