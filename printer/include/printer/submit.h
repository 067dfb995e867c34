/* Submitting rendered bytes to a printer through the CUPS destination API and
 * following the job. Stateless: bytes + destination + format in, job id and state
 * out; the persistent spool (retries, back-off, reprint) lives in the store.
 *
 * A destination is either a CUPS queue name ("quay-1", asked of cupsd) or a printer
 * URI ("ipp://10.0.0.7/ipp/print", "ipps://...", spoken to directly). Every call
 * takes a timeout in milliseconds that bounds connecting and each exchange, so no
 * call blocks forever; none aborts. Safe to call from several threads at once
 * (each call opens its own connection). */
#ifndef MOTCUA_PRINTER_SUBMIT_H
#define MOTCUA_PRINTER_SUBMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "printer/status.h"

enum printer_format {
	PRINTER_FORMAT_PDF, /* application/pdf: tickets and forms for laser printers */
	PRINTER_FORMAT_RAW, /* application/vnd.cups-raw: ESC/POS for a raw thermal queue */
};

/* IPP job-state values (RFC 8011 5.3.7). */
enum printer_job_state {
	PRINTER_JOB_UNKNOWN = 0,
	PRINTER_JOB_PENDING = 3,
	PRINTER_JOB_HELD = 4,
	PRINTER_JOB_PROCESSING = 5,
	PRINTER_JOB_STOPPED = 6,
	PRINTER_JOB_CANCELED = 7,
	PRINTER_JOB_ABORTED = 8,
	PRINTER_JOB_COMPLETED = 9,
};

/* IPP printer-state values (RFC 8011 5.4.11). */
enum printer_device_state {
	PRINTER_DEVICE_UNKNOWN = 0,
	PRINTER_DEVICE_IDLE = 3,
	PRINTER_DEVICE_PROCESSING = 4,
	PRINTER_DEVICE_STOPPED = 5,
};

struct printer_job {
	int job_id;              /* 0 until the printer assigned one */
	int state;               /* enum printer_job_state */
	char state_reasons[256]; /* job-state-reasons, comma-separated */
};

/* What staff are shown about a printer. reasons holds the IPP printer-state-reasons
 * keywords, comma-separated ("none", "media-empty-error", "paused", ...). When the
 * printer cannot be reached, reachable is false, state is PRINTER_DEVICE_UNKNOWN and
 * reasons is "offline-report" (set by us: the printer cannot report itself). */
struct printer_state {
	bool reachable;
	int state;           /* enum printer_device_state */
	bool accepting_jobs; /* printer-is-accepting-jobs */
	char reasons[512];
	char message[256]; /* printer-state-message, may be empty */
};

/* The printer status (enum printer_status) for a failed IPP answer of status
 * ipp_status (ipp_status_t: the IPP status code, or what libcups set for a
 * connection or HTTP error). A printer busy with another job or momentarily
 * unable to take one — server-error-busy 0x0507 (ippeveprinter: "Currently
 * printing another job."), server-error-temporary-error 0x0505,
 * server-error-too-many-jobs 0x050B — is PRINTER_ERR_BUSY: the same job may
 * be sent again shortly. internal-error and service-unavailable (what libcups
 * sets for a refused or broken connection, and for an HTTP 503) and
 * device-error are PRINTER_ERR_UNREACHABLE, not-found PRINTER_ERR_NOT_FOUND,
 * anything else (including not-accepting-jobs: a paused queue)
 * PRINTER_ERR_REJECTED. */
int printer_ipp_status_class(int ipp_status);

/* The name of an IPP job state ("completed") or printer state ("idle"); static. */
const char *printer_job_state_name(int state);
const char *printer_device_state_name(int state);

/* Sends len bytes of data in format to dest as one job titled title and returns
 * once the printer has taken the document (it may still be printing: see
 * printer_job_wait). On PRINTER_OK job->job_id and job->state are set. Errors:
 * PRINTER_ERR_INVALID, _NOT_FOUND (no such queue), _UNREACHABLE (connection
 * refused, host down, cupsd not running), _REJECTED (the printer refused the job
 * or the format), _BUSY (the printer is busy with another job: nothing was
 * printed, send again shortly), _TIMEOUT (no answer within timeout_ms). err gets
 * the detail. */
int printer_submit(const char *dest, enum printer_format format, const uint8_t *data, size_t len,
                   const char *title, int timeout_ms, struct printer_job *job, char *err,
                   size_t err_size);

/* One Get-Job-Attributes for job_id on dest: fills job (job_id, state, reasons).
 * Errors as printer_submit; PRINTER_ERR_NOT_FOUND when the printer forgot the job. */
int printer_job_query(const char *dest, int job_id, int timeout_ms, struct printer_job *job,
                      char *err, size_t err_size);

/* Polls job_id on dest until it is completed, aborted or canceled, or until
 * timeout_ms passed. Returns PRINTER_OK (completed), PRINTER_ERR_ABORTED,
 * PRINTER_ERR_CANCELED, PRINTER_ERR_TIMEOUT (still pending or processing: the job
 * is left alone) or a connection error; job holds the last state seen. */
int printer_job_wait(const char *dest, int job_id, int timeout_ms, struct printer_job *job,
                     char *err, size_t err_size);

/* printer_submit then printer_job_wait, sharing one overall deadline of timeout_ms.
 * A printer that answers busy (PRINTER_ERR_BUSY: it took nothing) is sent the job
 * again after a pause of 50 ms doubling to 400 ms, while at least 1 s of the
 * deadline would remain; PRINTER_ERR_BUSY when it stayed busy. */
int printer_print(const char *dest, enum printer_format format, const uint8_t *data, size_t len,
                  const char *title, int timeout_ms, struct printer_job *job, char *err,
                  size_t err_size);

/* The printer's state without printing. PRINTER_OK with state filled, or an error
 * (_UNREACHABLE, _TIMEOUT, _NOT_FOUND...) with state->reachable false. state is
 * filled in every case. */
int printer_query_state(const char *dest, int timeout_ms, struct printer_state *state, char *err,
                        size_t err_size);

#endif
