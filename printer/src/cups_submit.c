/* Printing through the CUPS destination API (cupsCopyDestInfo, cupsCreateDestJob,
 * cupsStartDestDocument, cupsWriteRequestData, cupsFinishDestDocument) and
 * following jobs and printers with IPP Get-Job-Attributes / Get-Printer-Attributes.
 *
 * Deadlines: every public call computes one monotonic deadline from timeout_ms.
 * Connecting gets the time left (cupsConnectDest / httpConnect2 msec), and every
 * exchange afterwards is bounded by httpSetTimeout with a callback that gives up
 * once the deadline passed, so a printer that accepts the TCP connection and then
 * says nothing cannot hold a caller. */
#include "printer/submit.h"

#include <cups/cups.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* printer_print's pauses before sending again to a printer that answered busy
 * (seconds): the first, the longest, and the time it keeps for the print. */
#define SUBMIT_BUSY_PAUSE_FIRST 0.05
#define SUBMIT_BUSY_PAUSE_MAX 0.4
#define SUBMIT_BUSY_RESERVE 1.0
/* Silence after which Get-Printer-Attributes is sent once more (seconds; the
 * timeout callback runs every second at most, so in effect about a second). */
#define SUBMIT_RESEND_AFTER 0.5

/* One open connection to a destination. */
struct submit__conn {
	cups_dest_t *dest;
	http_t *http;
	cups_dinfo_t *info;
	char resource[1024];
	const char *uri; /* printer-uri of IPP requests, inside dest */
	double deadline; /* monotonic seconds */
	bool timed_out;
	/* When not 0: the time (monotonic seconds) after which a silent exchange
	 * is given up once so that libcups sends it again (SUBMIT_RESEND_AFTER). */
	double resend_at;
};

static double submit__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int submit__left_ms(const struct submit__conn *c)
{
	double left = (c->deadline - submit__now()) * 1000;

	return left < 1 ? 1 : (int)left;
}

static bool submit__is_uri(const char *dest)
{
	return strncmp(dest, "ipp://", 6) == 0 || strncmp(dest, "ipps://", 7) == 0 ||
	       strncmp(dest, "http://", 7) == 0 || strncmp(dest, "https://", 8) == 0;
}

/* libcups calls this when a read or write waited the httpSetTimeout interval:
 * go on waiting (1) until the deadline, then give up (0). */
static int submit__timeout_cb(http_t *http, void *user_data)
{
	struct submit__conn *c = user_data;

	(void)http;
	if (c->resend_at > 0 && submit__now() >= c->resend_at && submit__now() < c->deadline) {
		c->resend_at = 0;
		return 0;
	}
	if (submit__now() < c->deadline)
		return 1;
	c->timed_out = true;
	return 0;
}

static void submit__arm(struct submit__conn *c, http_t *http)
{
	/* Short intervals so the callback notices the deadline promptly. */
	double left = c->deadline - submit__now();

	httpSetTimeout(http, left < 0.25 ? 0.25 : (left > 1 ? 1 : left), submit__timeout_cb, c);
}

/* The status for the last failed libcups call on c. */
static int submit__cups_error(struct submit__conn *c, const char *what, char *err, size_t err_size)
{
	ipp_status_t st = cupsLastError();
	const char *msg = cupsLastErrorString();

	if (c->timed_out || submit__now() >= c->deadline)
		return printer__fail(err, err_size, PRINTER_ERR_TIMEOUT, "%s: no answer in time",
		                     what);
	if (msg == NULL)
		msg = ippErrorString(st);
	int rc = printer_ipp_status_class((int)st);
	if (rc == PRINTER_ERR_REJECTED)
		return printer__fail(err, err_size, rc, "%s: %s (%s)", what, msg,
		                     ippErrorString(st));
	return printer__fail(err, err_size, rc, "%s: %s", what, msg);
}

int printer_ipp_status_class(int ipp_status)
{
	switch ((ipp_status_t)ipp_status) {
	case IPP_STATUS_ERROR_NOT_FOUND: return PRINTER_ERR_NOT_FOUND;
	case IPP_STATUS_ERROR_BUSY:
	case IPP_STATUS_ERROR_TEMPORARY:
	case IPP_STATUS_ERROR_TOO_MANY_JOBS: return PRINTER_ERR_BUSY;
	case IPP_STATUS_ERROR_INTERNAL:
	case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE:
	case IPP_STATUS_ERROR_DEVICE:
		/* libcups reports a refused or broken connection as internal-error
		 * or service-unavailable (the same code as an HTTP 503: a printer
		 * that cannot be told from one switched off). */
		return PRINTER_ERR_UNREACHABLE;
	default: return PRINTER_ERR_REJECTED;
	}
}

static void submit__close(struct submit__conn *c)
{
	if (c->info)
		cupsFreeDestInfo(c->info);
	if (c->http)
		httpClose(c->http);
	if (c->dest)
		cupsFreeDests(1, c->dest);
	memset(c, 0, sizeof(*c));
}

/* Finds dest (queue name or printer URI) and connects to it before c->deadline. */
static int submit__open(struct submit__conn *c, const char *dest, int timeout_ms, char *err,
                        size_t err_size)
{
	unsigned flags = CUPS_DEST_FLAGS_NONE;
	int cancel = 0;

	memset(c, 0, sizeof(*c));
	c->deadline = submit__now() + (timeout_ms > 0 ? timeout_ms : 1) / 1000.0;
	if (dest == NULL || *dest == '\0')
		return printer__fail(err, err_size, PRINTER_ERR_INVALID, "no destination");
	if (submit__is_uri(dest)) {
		/* A printer by URI is not a cupsd queue: talk to the device itself. */
		c->dest = cupsGetDestWithURI(NULL, dest);
		if (c->dest == NULL)
			return printer__fail(err, err_size, PRINTER_ERR_INVALID,
			                     "bad printer URI %s", dest);
		if (cupsGetOption("device-uri", c->dest->num_options, c->dest->options) == NULL)
			c->dest->num_options = cupsAddOption(
			    "device-uri", dest, c->dest->num_options, &c->dest->options);
		flags = CUPS_DEST_FLAGS_DEVICE;
		c->uri = cupsGetOption("device-uri", c->dest->num_options, c->dest->options);
	} else {
		/* Ask cupsd, over a connection whose connect and reads are bounded. */
		http_t *server = httpConnect2(cupsServer(), ippPort(), NULL, AF_UNSPEC,
		                              cupsEncryption(), 1, submit__left_ms(c), NULL);
		if (server == NULL)
			return printer__fail(err, err_size, PRINTER_ERR_UNREACHABLE,
			                     "CUPS server %s: %s", cupsServer(),
			                     cupsLastErrorString());
		submit__arm(c, server);
		c->dest = cupsGetNamedDest(server, dest, NULL);
		httpClose(server);
		if (c->dest == NULL) {
			if (c->timed_out)
				return printer__fail(err, err_size, PRINTER_ERR_TIMEOUT,
				                     "CUPS server %s: no answer in time",
				                     cupsServer());
			return printer__fail(err, err_size, PRINTER_ERR_NOT_FOUND,
			                     "no CUPS queue named %s", dest);
		}
		c->uri =
		    cupsGetOption("printer-uri-supported", c->dest->num_options, c->dest->options);
	}
	c->http = cupsConnectDest(c->dest, flags, submit__left_ms(c), &cancel, c->resource,
	                          sizeof(c->resource), NULL, NULL);
	if (c->http == NULL) {
		if (submit__now() >= c->deadline)
			return printer__fail(err, err_size, PRINTER_ERR_TIMEOUT,
			                     "%s: no connection in time", dest);
		return printer__fail(err, err_size, PRINTER_ERR_UNREACHABLE, "%s: %s", dest,
		                     cupsLastErrorString());
	}
	submit__arm(c, c->http);
	if (c->uri == NULL)
		c->uri = dest;
	return PRINTER_OK;
}

static void submit__keywords(ipp_attribute_t *a, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; a != NULL && i < ippGetCount(a); i++) {
		const char *s = ippGetString(a, i, NULL);
		int n;
		if (s == NULL)
			continue;
		n = snprintf(out + used, size - used, "%s%s", used ? "," : "", s);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

static int submit__job_query(struct submit__conn *c, int job_id, struct printer_job *job, char *err,
                             size_t err_size)
{
	static const char *const attrs[] = {"job-state", "job-state-reasons"};
	ipp_t *req = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES), *resp;
	int rc = PRINTER_OK;

	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, c->uri);
	ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
	             cupsUser());
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 2, NULL,
	              attrs);
	submit__arm(c, c->http);
	resp = cupsDoRequest(c->http, req, c->resource);
	if (resp == NULL || cupsLastError() > IPP_STATUS_OK_EVENTS_COMPLETE) {
		rc = submit__cups_error(c, "Get-Job-Attributes", err, err_size);
		goto out;
	}
	job->job_id = job_id;
	job->state = ippGetInteger(ippFindAttribute(resp, "job-state", IPP_TAG_ENUM), 0);
	submit__keywords(ippFindAttribute(resp, "job-state-reasons", IPP_TAG_KEYWORD),
	                 job->state_reasons, sizeof(job->state_reasons));
out:
	ippDelete(resp);
	return rc;
}

static int submit__send(struct submit__conn *c, enum printer_format format, const uint8_t *data,
                        size_t len, const char *title, struct printer_job *job, char *err,
                        size_t err_size)
{
	const char *mime = format == PRINTER_FORMAT_RAW ? CUPS_FORMAT_RAW : CUPS_FORMAT_PDF;
	int job_id = 0, rc;
	ipp_status_t st;

	/* The first request on a fresh connection is sometimes never read (seen
	 * with ippeveprinter while another client prints): this one is harmless to
	 * repeat, so after SUBMIT_RESEND_AFTER of silence it is sent once more
	 * rather than waited for until the deadline. */
	submit__arm(c, c->http);
	c->resend_at = submit__now() + SUBMIT_RESEND_AFTER;
	c->info = cupsCopyDestInfo(c->http, c->dest);
	if (c->info == NULL && c->resend_at == 0 && !c->timed_out) {
		/* Given up on the silent request, libcups did not repeat it: ask
		 * again ourselves, now waiting until the deadline. */
		submit__arm(c, c->http);
		c->info = cupsCopyDestInfo(c->http, c->dest);
	}
	c->resend_at = 0;
	if (c->info == NULL)
		return submit__cups_error(c, "Get-Printer-Attributes", err, err_size);
	st = cupsCreateDestJob(c->http, c->dest, c->info, &job_id, title, 0, NULL);
	if (st > IPP_STATUS_OK_EVENTS_COMPLETE || job_id <= 0)
		return submit__cups_error(c, "Create-Job", err, err_size);
	if (cupsStartDestDocument(c->http, c->dest, c->info, job_id, title, mime, 0, NULL, 1) !=
	    HTTP_STATUS_CONTINUE) {
		rc = submit__cups_error(c, "Send-Document", err, err_size);
		goto cancel;
	}
	for (size_t off = 0; off < len;) {
		size_t n = len - off > 65536 ? 65536 : len - off;
		if (cupsWriteRequestData(c->http, (const char *)data + off, n) !=
		    HTTP_STATUS_CONTINUE) {
			rc = submit__cups_error(c, "Send-Document data", err, err_size);
			cupsFinishDestDocument(c->http, c->dest, c->info);
			goto cancel;
		}
		off += n;
	}
	st = cupsFinishDestDocument(c->http, c->dest, c->info);
	if (st > IPP_STATUS_OK_EVENTS_COMPLETE) {
		rc = submit__cups_error(c, "Send-Document", err, err_size);
		goto cancel;
	}
	job->job_id = job_id;
	job->state = PRINTER_JOB_PENDING;
	/* The state now, if the printer tells; the job is in either way. */
	submit__job_query(c, job_id, job, NULL, 0);
	return PRINTER_OK;
cancel:
	/* Best effort, so a half-sent job does not sit held at the printer. */
	if (!c->timed_out)
		cupsCancelDestJob(c->http, c->dest, job_id);
	return rc;
}

static int submit__wait(struct submit__conn *c, int job_id, struct printer_job *job, char *err,
                        size_t err_size)
{
	double pause = 0.05;

	for (;;) {
		int rc = submit__job_query(c, job_id, job, err, err_size);
		if (rc != PRINTER_OK)
			return rc;
		switch (job->state) {
		case PRINTER_JOB_COMPLETED: return PRINTER_OK;
		case PRINTER_JOB_ABORTED:
			return printer__fail(err, err_size, PRINTER_ERR_ABORTED,
			                     "job %d aborted (%s)", job_id, job->state_reasons);
		case PRINTER_JOB_CANCELED:
			return printer__fail(err, err_size, PRINTER_ERR_CANCELED,
			                     "job %d canceled (%s)", job_id, job->state_reasons);
		default: break;
		}
		double left = c->deadline - submit__now();
		if (left <= 0)
			return printer__fail(
			    err, err_size, PRINTER_ERR_TIMEOUT, "job %d still %s (%s)", job_id,
			    printer_job_state_name(job->state), job->state_reasons);
		pause = fmin(fmin(pause * 2, 1.0), left);
		struct timespec ts = {(time_t)pause, (long)((pause - floor(pause)) * 1e9)};
		nanosleep(&ts, NULL);
	}
}

static bool submit__args_ok(const uint8_t *data, size_t len, int format)
{
	return data != NULL && len > 0 &&
	       (format == PRINTER_FORMAT_PDF || format == PRINTER_FORMAT_RAW);
}

int printer_submit(const char *dest, enum printer_format format, const uint8_t *data, size_t len,
                   const char *title, int timeout_ms, struct printer_job *job, char *err,
                   size_t err_size)
{
	struct submit__conn c;
	int rc;

	memset(job, 0, sizeof(*job));
	if (!submit__args_ok(data, len, format))
		return printer__fail(err, err_size, PRINTER_ERR_INVALID, "nothing to print");
	rc = submit__open(&c, dest, timeout_ms, err, err_size);
	if (rc == PRINTER_OK)
		rc = submit__send(&c, format, data, len, title ? title : "motcua", job, err,
		                  err_size);
	submit__close(&c);
	return rc;
}

int printer_job_query(const char *dest, int job_id, int timeout_ms, struct printer_job *job,
                      char *err, size_t err_size)
{
	struct submit__conn c;
	int rc;

	memset(job, 0, sizeof(*job));
	if (job_id <= 0)
		return printer__fail(err, err_size, PRINTER_ERR_INVALID, "bad job id %d", job_id);
	rc = submit__open(&c, dest, timeout_ms, err, err_size);
	if (rc == PRINTER_OK)
		rc = submit__job_query(&c, job_id, job, err, err_size);
	submit__close(&c);
	return rc;
}

int printer_job_wait(const char *dest, int job_id, int timeout_ms, struct printer_job *job,
                     char *err, size_t err_size)
{
	struct submit__conn c;
	int rc;

	memset(job, 0, sizeof(*job));
	if (job_id <= 0)
		return printer__fail(err, err_size, PRINTER_ERR_INVALID, "bad job id %d", job_id);
	rc = submit__open(&c, dest, timeout_ms, err, err_size);
	if (rc == PRINTER_OK)
		rc = submit__wait(&c, job_id, job, err, err_size);
	submit__close(&c);
	return rc;
}

int printer_print(const char *dest, enum printer_format format, const uint8_t *data, size_t len,
                  const char *title, int timeout_ms, struct printer_job *job, char *err,
                  size_t err_size)
{
	struct submit__conn c;
	int rc;

	memset(job, 0, sizeof(*job));
	if (!submit__args_ok(data, len, format))
		return printer__fail(err, err_size, PRINTER_ERR_INVALID, "nothing to print");
	rc = submit__open(&c, dest, timeout_ms, err, err_size);
	for (double pause = SUBMIT_BUSY_PAUSE_FIRST; rc == PRINTER_OK; pause *= 2) {
		rc = submit__send(&c, format, data, len, title ? title : "motcua", job, err,
		                  err_size);
		/* Busy with another job: it took nothing; send again shortly while
		 * time remains for the print itself. */
		pause = fmin(pause, SUBMIT_BUSY_PAUSE_MAX);
		if (rc != PRINTER_ERR_BUSY ||
		    c.deadline - submit__now() < pause + SUBMIT_BUSY_RESERVE)
			break;
		cupsFreeDestInfo(c.info);
		c.info = NULL;
		struct timespec ts = {0, (long)(pause * 1e9)};
		nanosleep(&ts, NULL);
		rc = PRINTER_OK;
	}
	if (rc == PRINTER_OK)
		rc = submit__wait(&c, job->job_id, job, err, err_size);
	submit__close(&c);
	return rc;
}

int printer_query_state(const char *dest, int timeout_ms, struct printer_state *state, char *err,
                        size_t err_size)
{
	static const char *const attrs[] = {"printer-state", "printer-state-reasons",
	                                    "printer-state-message", "printer-is-accepting-jobs"};
	struct submit__conn c;
	ipp_t *req, *resp = NULL;
	ipp_attribute_t *a;
	int rc;

	memset(state, 0, sizeof(*state));
	snprintf(state->reasons, sizeof(state->reasons), "offline-report");
	rc = submit__open(&c, dest, timeout_ms, err, err_size);
	if (rc != PRINTER_OK)
		goto out;
	req = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, c.uri);
	ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
	             cupsUser());
	ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 4, NULL,
	              attrs);
	resp = cupsDoRequest(c.http, req, c.resource);
	if (resp == NULL || cupsLastError() > IPP_STATUS_OK_EVENTS_COMPLETE) {
		rc = submit__cups_error(&c, "Get-Printer-Attributes", err, err_size);
		goto out;
	}
	state->reachable = true;
	state->state = ippGetInteger(ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM), 0);
	submit__keywords(ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_KEYWORD),
	                 state->reasons, sizeof(state->reasons));
	a = ippFindAttribute(resp, "printer-state-message", IPP_TAG_TEXT);
	snprintf(state->message, sizeof(state->message), "%s", a ? ippGetString(a, 0, NULL) : "");
	a = ippFindAttribute(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
	state->accepting_jobs = a ? ippGetBoolean(a, 0) : true;
out:
	ippDelete(resp);
	submit__close(&c);
	return rc;
}

const char *printer_job_state_name(int state)
{
	switch (state) {
	case PRINTER_JOB_PENDING: return "pending";
	case PRINTER_JOB_HELD: return "held";
	case PRINTER_JOB_PROCESSING: return "processing";
	case PRINTER_JOB_STOPPED: return "stopped";
	case PRINTER_JOB_CANCELED: return "canceled";
	case PRINTER_JOB_ABORTED: return "aborted";
	case PRINTER_JOB_COMPLETED: return "completed";
	}
	return "unknown";
}

const char *printer_device_state_name(int state)
{
	switch (state) {
	case PRINTER_DEVICE_IDLE: return "idle";
	case PRINTER_DEVICE_PROCESSING: return "processing";
	case PRINTER_DEVICE_STOPPED: return "stopped";
	}
	return "unknown";
}
