/* The print spool's policy: how long to wait before trying a job again, and
 * what a failed attempt means for the job. Pure logic: no I/O, no clock. */
#ifndef MOTCUA_PRINT_POLICY_H
#define MOTCUA_PRINT_POLICY_H

#include <stdbool.h>

/* The first wait after a failed attempt, and the longest. */
#define PRINT_BACKOFF_FIRST_MS 2000
#define PRINT_BACKOFF_MAX_MS 60000
/* A printer that answered and refused the job is tried this many times in all. */
#define PRINT_REJECTED_ATTEMPTS 3
/* A printer busy with another job (it said so: PRINTER_ERR_BUSY) is free again
 * in a moment: the spool sends the job again after this long, whatever its
 * attempts. (A kiosk's print is sent again within its deadline by printer_print
 * itself.) */
#define PRINT_BUSY_RETRY_MS 1000

/* Milliseconds to wait after the attempts-th failed attempt (1, 2, …): 2 s,
 * then doubling up to 60 s, and 60 s from then on. attempts < 1 gives 0. */
int print_backoff_ms(int attempts);

/* What went wrong with an attempt, as the spool sees it. */
enum print_failure {
	PRINT_FAIL_AWAY,    /* printer or cupsd unreachable, timed out, queue unknown */
	PRINT_FAIL_BUSY,    /* the printer answered that it is busy: nothing printed */
	PRINT_FAIL_REFUSED, /* the printer answered and refused the job */
	PRINT_FAIL_ABORTED, /* taken, then aborted or canceled at the printer */
	PRINT_FAIL_INVALID, /* the job itself is bad (format, empty bytes) */
};

/* Whether a job whose attempts-th attempt failed that way goes back to the
 * queue (true) or is failed for staff to retry (false). A printer that is away
 * or busy is waited for indefinitely: the job keeps its place. */
bool print_should_retry(enum print_failure why, int attempts);

#endif
