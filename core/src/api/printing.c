#include "api/printing.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "api/present_dossier.h"
#include "api/present_office.h"
#include "api/present_print.h"
#include "api/present_queue.h"
#include "api/present_setup.h"
#include "api/present_rating.h"
#include "domain/print_policy.h"
#include "printer/dossier_forms.h"
#include "printer/rating_slip.h"
#include "printer/render.h"
#include "printer/submit.h"
#include "store/dossier.h"
#include "store/office.h"
#include "store/print.h"
#include "store/rating.h"
#include "store/setup.h"
#include "store/queue.h"
#include "util/clock.h"
#include "util/enforce.h"
#include "util/log.h"
#include "util/paths.h"
#include "util/xmalloc.h"

#define PRINTING_MAX_PRINTERS 64
/* How soon a job the printer has taken but not finished is looked at again. */
#define PRINTING_FOLLOW_UP_MS 2000
/* The longest the idle worker sleeps before looking at the spool again. */
#define PRINTING_IDLE_MS 1000
/* The spool worker's nice value (the render pool's, api/offload.c). */
#define PRINTING_WORKER_NICE 5

struct printing_status {
	int64_t printer_id;
	struct printer_state state;
	int64_t checked_at;
};

/* Shared by the spool worker (thread), the offload pool's kiosk jobs and
 * the HTTP workers (printer states, test and form jobs). st and thread are
 * set at start and never change; everything else is guarded by lock. None
 * of these threads holds the store's writer lock while rendering or talking
 * to a printer: each store call is its own short transaction. */
struct printing {
	struct store *st;
	char base_url[256];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop, woken;
	struct printing_status status[PRINTING_MAX_PRINTERS];
	size_t nstatus;
};

/* Serializes every render (tickets and legal forms), whatever the thread:
 * the font machinery (fontconfig, pango's font map) is process-wide. Held
 * only around the render call itself, never with another lock. */
static pthread_mutex_t printing_render_lock = PTHREAD_MUTEX_INITIALIZER;

/* Rendering and talking to a printer take milliseconds to seconds: never
 * inside a write transaction, where every other writer (and, with group
 * commit, every caller of the batch) would wait for them. Render first, then
 * commit. Checked before every render and printer call below. */
static void printing_check_outside_writes(struct printing *p)
{
	ENFORCE(p == NULL || !store_in_transaction(p->st),
	        "render or printer call inside a write transaction");
}

static enum printer_paper printing_paper(const char *paper)
{
	return paper && strcmp(paper, "58mm") == 0 ? PRINTER_PAPER_ROLL_58 : PRINTER_PAPER_ROLL_80;
}

static enum printer_format printing_format(const char *format)
{
	return format && strcmp(format, "escpos") == 0 ? PRINTER_FORMAT_RAW : PRINTER_FORMAT_PDF;
}

int printing_render_ticket(const struct printer_ticket *t, const char *format, const char *paper,
                           uint8_t **out, size_t *len, char *err, size_t err_size)
{
	pthread_mutex_lock(&printing_render_lock);
	int rc = printing_format(format) == PRINTER_FORMAT_RAW
	             ? printer_ticket_escpos(t, printing_paper(paper), out, len, err, err_size)
	             : printer_ticket_pdf(t, printing_paper(paper), out, len, err, err_size);
	pthread_mutex_unlock(&printing_render_lock);
	return rc;
}

/* The last known state of printer id (a copy); false when never checked. */
static bool printing_status_get(struct printing *p, int64_t id, struct printing_status *out)
{
	bool found = false;
	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < p->nstatus; i++)
		if (p->status[i].printer_id == id) {
			*out = p->status[i];
			found = true;
		}
	pthread_mutex_unlock(&p->lock);
	return found;
}

static void printing_status_set(struct printing *p, int64_t id, const struct printer_state *state)
{
	pthread_mutex_lock(&p->lock);
	size_t i;
	for (i = 0; i < p->nstatus; i++)
		if (p->status[i].printer_id == id)
			break;
	if (i == p->nstatus && p->nstatus < PRINTING_MAX_PRINTERS)
		p->nstatus++;
	if (i < p->nstatus) {
		p->status[i].printer_id = id;
		p->status[i].state = *state;
		p->status[i].checked_at = clock_now();
	}
	pthread_mutex_unlock(&p->lock);
}

/* The printer's reasons after a failed exchange: an unreachable printer
 * cannot report itself ("offline-report", as printer_query_state says); a
 * busy one is processing; otherwise it is asked, within timeout_ms. */
static void printing_reasons_after(struct printing *p, const struct store_printer *pr, int rc,
                                   int timeout_ms, char *reasons, size_t size)
{
	struct printer_state ps;
	memset(&ps, 0, sizeof ps);
	if (rc == PRINTER_ERR_BUSY && timeout_ms < 200) {
		/* It answered, busy with another job: no time left to ask more. */
		ps.reachable = true;
		ps.state = PRINTER_DEVICE_PROCESSING;
		ps.accepting_jobs = true;
	} else if (rc == PRINTER_ERR_UNREACHABLE || timeout_ms < 200) {
		snprintf(ps.reasons, sizeof ps.reasons, "offline-report");
	} else {
		char err[256];
		printing_check_outside_writes(p);
		printer_query_state(pr->target, timeout_ms, &ps, err, sizeof err);
	}
	if (p)
		printing_status_set(p, pr->id, &ps);
	snprintf(reasons, size, "%s", ps.reasons[0] ? ps.reasons : "none");
}

static void printing_ticket_fields(struct printer_ticket *t, json_t *ticket,
                                   const struct print_ticket_context *ctx, char *qr, size_t qr_size,
                                   const char *base_url)
{
	json_t *wait = json_object_get(ticket, "wait");
	const char *pub = ctx->public_url;
	const char *base = pub && *pub ? pub : base_url;
	size_t blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	snprintf(qr, qr_size, "%.*s/queue?t=%lld", (int)blen, base,
	         (long long)json_integer_value(json_object_get(ticket, "id")));
	memset(t, 0, sizeof *t);
	t->office_name = ctx->office;
	t->number = json_string_value(json_object_get(ticket, "label"));
	t->service_name = ctx->group;
	t->people_ahead = json_is_integer(json_object_get(ticket, "people_ahead"))
	                      ? (int)json_integer_value(json_object_get(ticket, "people_ahead"))
	                      : -1;
	if (json_is_object(wait)) {
		t->wait_min_minutes = (int)json_integer_value(json_object_get(wait, "low_min"));
		t->wait_max_minutes = (int)json_integer_value(json_object_get(wait, "high_min"));
	}
	t->issued_at = json_integer_value(json_object_get(ticket, "issued_at"));
	t->utc_offset_minutes = CLOCK_OFFICE_UTC_OFFSET / 60;
	t->priority = ctx->priority;
	t->qr_url = qr;
	t->footer = "Xin cảm ơn ông/bà!";
}

/* Renders the issued ticket t (of group, in office) for printer pr into
 * *data, *len (the caller frees *data). Without the group's context the
 * ticket prints without its full name rather than not at all. Returns a
 * PRINTER_ code, with the reason in perr. */
static int printing_kiosk_render(struct printing *p, const struct store_printer *pr, json_t *t,
                                 int64_t office, const char *group, const char *priority,
                                 uint8_t **data, size_t *len, char *perr, size_t perrlen)
{
	struct print_ticket_context ctx;
	if (store_print_ticket_context(p->st, office, group, priority, &ctx, NULL) != MC_OK)
		ctx = (struct print_ticket_context){.office = xstrdup(""),
		                                    .group = group ? xstrdup(group) : NULL};
	struct printer_ticket pt;
	char qr[640], base[256];
	pthread_mutex_lock(&p->lock);
	snprintf(base, sizeof base, "%s", p->base_url);
	pthread_mutex_unlock(&p->lock);
	printing_ticket_fields(&pt, t, &ctx, qr, sizeof qr, base);
	if (json_is_true(json_object_get(t, "booked")))
		pt.mark = "ĐẶT LỊCH";
	printing_check_outside_writes(p);
	int prc = printing_render_ticket(&pt, pr->format, pr->paper, data, len, perr, perrlen);
	print_ticket_context_clear(&ctx);
	return prc;
}

/* Spools the rendered ticket tid (its job id into *job_id) and prints it
 * while the deadline allows, into *pj. Returns a PRINTER_ code, with the
 * reason in perr. */
static int printing_kiosk_send(struct printing *p, const struct principal *who,
                               const struct store_printer *pr, int64_t office, int64_t tid,
                               const char *title, const uint8_t *data, size_t len,
                               int64_t deadline_ms, int64_t *job_id, struct printer_job *pj,
                               char *perr, size_t perrlen)
{
	char ref[24];
	snprintf(ref, sizeof ref, "%lld", (long long)tid);
	struct store_print_job_new nj = {.printer_id = pr->id,
	                                 .format = pr->format,
	                                 .kind = "ticket",
	                                 .ref = ref,
	                                 .title = title,
	                                 .data = data,
	                                 .len = len,
	                                 .sync = true,
	                                 .office_id = office};
	struct mc_error jerr;
	if (store_print_job_add(p->st, who, &nj, job_id, &jerr) != MC_OK) {
		snprintf(perr, perrlen, "spool: %.200s", jerr.message_en);
		return PRINTER_ERR_IO;
	}
	/* A printer busy with another kiosk's ticket is sent this one again
	 * shortly, while a second remains (printer_print). */
	int left = (int)(deadline_ms - clock_mono_ms());
	printing_check_outside_writes(p);
	return printer_print(pr->target, printing_format(pr->format), data, len, title,
	                     left > 200 ? left : 200, pj, perr, perrlen);
}

/* The print of ticket t failed (prc, perr): the number stays used and
 * nobody waits for it (the ticket is voided, the job marked failed). Frees
 * t; says so in *print (when not NULL) and returns the error. */
static enum mc_err printing_kiosk_failed(struct printing *p, const struct principal *who,
                                         const struct store_printer *pr, json_t *t, int64_t tid,
                                         int64_t job_id, int prc, const char *perr,
                                         int64_t deadline_ms, json_t **print, struct mc_error *err)
{
	char reasons[512] = "";
	int left = (int)(deadline_ms - clock_mono_ms());
	printing_reasons_after(p, pr, prc, left > 1000 ? 1000 : left, reasons, sizeof reasons);
	struct mc_error verr;
	if (store_ticket_void(p->st, who, tid, "print failed", &verr) != MC_OK)
		log_warn("ticket %lld: print failed and void refused: %s", (long long)tid,
		         verr.message_en);
	if (job_id) {
		struct store_print_update u = {.state = "failed",
		                               .count_attempt = true,
		                               .last_error = perr,
		                               .reasons = reasons};
		store_print_job_update(p->st, job_id, &u, &verr);
	}
	log_warn("kiosk %s: ticket %s voided, print failed (%s): %s", who->actor,
	         json_string_value(json_object_get(t, "label")), reasons, perr);
	json_decref(t);
	if (print)
		*print = json_pack("{s:s, s:I, s:s, s:s, s:s}", "state", "failed", "job",
		                   (json_int_t)job_id, "printer", pr->name, "reasons", reasons,
		                   "error", perr);
	if (prc == PRINTER_ERR_BUSY)
		return mc_failf(err, MC_ERR_UNAVAILABLE, "printer_unavailable",
		                "Máy in đang bận, chưa cấp được số. Vui lòng thử lại",
		                "The kiosk's printer stayed busy (%s): %.150s", reasons, perr);
	return mc_failf(err, MC_ERR_UNAVAILABLE, "printer_unavailable",
	                "Máy in không sẵn sàng, chưa cấp được số. Vui lòng báo cán bộ",
	                "The kiosk's printer is unavailable (%s): %.150s", reasons, perr);
}

/* printing_kiosk_ticket for a group, or printing_kiosk_checkin for a
 * booking (booking not NULL: group is then NULL). */
static enum mc_err printing_kiosk_issue(struct printing *p, const struct principal *who,
                                        int64_t office, const char *group, const char *booking,
                                        const char *priority, int64_t deadline_ms, json_t **ticket,
                                        json_t **print, struct mc_error *err)
{
	struct store_printer pr;
	if (print)
		*print = NULL;
	if (deadline_ms - clock_mono_ms() < PRINTING_KIOSK_MIN_MS)
		return mc_fail(err, MC_ERR_UNAVAILABLE, "printer_unavailable",
		               "Máy in đang bận, chưa cấp số. Vui lòng thử lại",
		               "The kiosk's printer is busy: no number was issued; retry");
	if (store_printer_for_device(p->st, who->device_id, &pr, err) != MC_OK)
		return mc_fail(err, MC_ERR_UNAVAILABLE, "printer_not_configured",
		               "Ki-ốt này chưa có máy in, vui lòng báo cán bộ",
		               "No printer is configured for this kiosk (nor an office default)");
	struct queue_ticket qt;
	enum mc_err rc = booking
	                     ? store_ticket_checkin(p->st, who, office, booking, priority, &qt, err)
	                     : store_ticket_issue(p->st, who, office, group, priority, &qt, err);
	if (rc)
		return rc;
	json_t *t = present_queue_ticket(&qt);
	if (group == NULL)
		group = json_string_value(json_object_get(t, "group"));
	int64_t tid = json_integer_value(json_object_get(t, "id"));
	uint8_t *data = NULL;
	size_t len = 0;
	char perr[256] = "";
	int prc = printing_kiosk_render(p, &pr, t, office, group, priority, &data, &len, perr,
	                                sizeof perr);
	int64_t job_id = 0;
	char title[64];
	snprintf(title, sizeof title, "Phieu %s", json_string_value(json_object_get(t, "label")));
	struct printer_job pj;
	memset(&pj, 0, sizeof pj);
	if (prc == PRINTER_OK)
		prc = printing_kiosk_send(p, who, &pr, office, tid, title, data, len, deadline_ms,
		                          &job_id, &pj, perr, sizeof perr);
	free(data);
	if (prc != PRINTER_OK)
		return printing_kiosk_failed(p, who, &pr, t, tid, job_id, prc, perr, deadline_ms,
		                             print, err);
	struct store_print_update u = {.state = "done",
	                               .count_attempt = true,
	                               .cups_job_id = pj.job_id,
	                               .last_error = "",
	                               .reasons = "none"};
	struct mc_error ignored;
	if (store_print_job_update(p->st, job_id, &u, &ignored) != MC_OK)
		log_warn("print job %lld printed but not recorded: %s", (long long)job_id,
		         ignored.message_en);
	*ticket = t;
	if (print)
		*print = json_pack("{s:s, s:I, s:s}", "state", "done", "job", (json_int_t)job_id,
		                   "printer", pr.name);
	return MC_OK;
}

enum mc_err printing_kiosk_ticket(struct printing *p, const struct principal *who, int64_t office,
                                  const char *group, const char *priority, int64_t deadline_ms,
                                  json_t **ticket, json_t **print, struct mc_error *err)
{
	return printing_kiosk_issue(p, who, office, group, NULL, priority, deadline_ms, ticket,
	                            print, err);
}

enum mc_err printing_kiosk_checkin(struct printing *p, const struct principal *who, int64_t office,
                                   const char *booking, const char *priority, int64_t deadline_ms,
                                   json_t **ticket, json_t **print, struct mc_error *err)
{
	return printing_kiosk_issue(p, who, office, NULL, booking, priority, deadline_ms, ticket,
	                            print, err);
}

enum mc_err printing_test_job(struct printing *p, const struct principal *who, const char *printer,
                              json_t **job, struct mc_error *err)
{
	struct store_printer pr;
	enum mc_err rc = store_printer_by_name(p->st, who, printer, &pr, err);
	if (rc)
		return rc;
	/* The printer's own centre heads the test ticket. */
	json_t *oj = pr.office_id ? present_office_id(p->st, pr.office_id) : NULL;
	struct printer_ticket t = {
	    .office_name = json_string_value(json_object_get(oj, "name")),
	    .number = "TEST",
	    .service_name = "In thử - Máy in hoạt động tốt",
	    .people_ahead = -1,
	    .issued_at = clock_now(),
	    .utc_offset_minutes = CLOCK_OFFICE_UTC_OFFSET / 60,
	    .footer = pr.name,
	};
	if (t.office_name == NULL)
		t.office_name = "motcua";
	uint8_t *data = NULL;
	size_t len = 0;
	char perr[256] = "";
	printing_check_outside_writes(p);
	int prc = printing_render_ticket(&t, pr.format, pr.paper, &data, &len, perr, sizeof perr);
	json_decref(oj);
	if (prc != PRINTER_OK)
		return mc_failf(err, MC_ERR_INTERNAL, "render_failed", "Không tạo được bản in",
		                "%s", perr);
	int64_t id = 0;
	struct store_print_job_new nj = {.printer_id = pr.id,
	                                 .format = pr.format,
	                                 .kind = "test",
	                                 .ref = pr.name,
	                                 .title = "In thu",
	                                 .data = data,
	                                 .len = len,
	                                 .office_id = pr.office_id};
	rc = store_print_job_add(p->st, who, &nj, &id, err);
	free(data);
	if (rc)
		return rc;
	/* The answer shows the job as queued: read it before the worker, once
	 * woken, can take it ("sending"). */
	rc = print_job_json(p->st, who, id, job, err);
	printing_wake(p);
	return rc;
}

enum mc_err printing_printers(struct printing *p, const struct principal *who, const char *office,
                              int offset, int limit, json_t **out, struct mc_error *err)
{
	struct printer_page page;
	enum mc_err rc = store_printers_list(p->st, who, office, offset, limit, &page, err);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; i < page.n; i++) {
		struct printing_status s;
		json_t *it = present_printer(&page.items[i]);
		if (it == NULL)
			continue;
		json_array_append_new(items, it);
		if (!printing_status_get(p, page.items[i].id, &s)) {
			json_object_set_new(it, "status", json_null());
			continue;
		}
		json_object_set_new(
		    it, "status",
		    json_pack("{s:b, s:s, s:b, s:s, s:s, s:I}", "reachable", s.state.reachable,
		              "state", printer_device_state_name(s.state.state), "accepting_jobs",
		              s.state.accepting_jobs, "reasons",
		              s.state.reasons[0] ? s.state.reasons : "none", "message",
		              s.state.message, "checked_at", (json_int_t)s.checked_at));
	}
	*out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)page.total,
	                 "offset", offset, "limit", limit);
	printer_page_free(&page);
	return MC_OK;
}

/* The worker. */

static int64_t printing_now_ms(void)
{
	return clock_now() * 1000;
}

static void printing_update(struct printing *p, int64_t id, const struct store_print_update *u)
{
	struct mc_error err;
	if (store_print_job_update(p->st, id, u, &err) != MC_OK)
		log_error("print job %lld: cannot record %s: %s", (long long)id, u->state,
		          err.message_en);
}

/* Follows a job the printer has taken (state printing) by its CUPS job id. */
static void printing_follow_up(struct printing *p, const struct store_print_job *j)
{
	struct printer_job pj;
	char err[256] = "";
	memset(&pj, 0, sizeof pj);
	printing_check_outside_writes(p);
	int rc = printer_job_query(j->printer.target, j->cups_job_id, PRINTING_QUERY_MS, &pj, err,
	                           sizeof err);
	struct store_print_update u = {.state = "printing"};
	if (rc == PRINTER_OK && pj.state == PRINTER_JOB_COMPLETED) {
		u.state = "done";
		u.last_error = "";
	} else if (rc == PRINTER_OK &&
	           (pj.state == PRINTER_JOB_ABORTED || pj.state == PRINTER_JOB_CANCELED)) {
		u.state = "failed";
		snprintf(err, sizeof err, "job %d %s at the printer (%.180s)", j->cups_job_id,
		         printer_job_state_name(pj.state), pj.state_reasons);
		u.last_error = err;
	} else if (rc == PRINTER_OK) {
		u.next_try_ms = printing_now_ms() + PRINTING_FOLLOW_UP_MS;
		u.reasons = pj.state_reasons[0] ? pj.state_reasons : NULL;
	} else if (rc == PRINTER_ERR_NOT_FOUND) {
		/* The printer forgot the job (it restarted): send it again. The
		 * spool is at-least-once here; see docs/api.md. */
		u.state = "queued";
		u.cups_job_id = -1;
		snprintf(err, sizeof err, "the printer forgot job %d; sending again",
		         j->cups_job_id);
		u.last_error = err;
		u.next_try_ms = printing_now_ms();
	} else {
		/* Away (or busy): keep following the job when it is back. */
		int wait =
		    rc == PRINTER_ERR_BUSY ? PRINTING_FOLLOW_UP_MS : print_backoff_ms(j->attempts);
		u.next_try_ms = printing_now_ms() + wait;
		u.last_error = err;
		u.reasons = rc == PRINTER_ERR_UNREACHABLE ? "offline-report" : NULL;
	}
	printing_update(p, j->id, &u);
}

static enum print_failure printing_failure(int rc)
{
	switch (rc) {
	case PRINTER_ERR_UNREACHABLE:
	case PRINTER_ERR_TIMEOUT:
	case PRINTER_ERR_NOT_FOUND:
	case PRINTER_ERR_IO: return PRINT_FAIL_AWAY;
	case PRINTER_ERR_BUSY: return PRINT_FAIL_BUSY;
	case PRINTER_ERR_REJECTED: return PRINT_FAIL_REFUSED;
	case PRINTER_ERR_ABORTED:
	case PRINTER_ERR_CANCELED: return PRINT_FAIL_ABORTED;
	default: return PRINT_FAIL_INVALID;
	}
}

/* Sends a queued job and follows it until completed (or the wait ends). */
static void printing_send(struct printing *p, const struct store_print_job *j)
{
	struct printer_job pj;
	char err[256] = "", reasons[512] = "";
	enum printer_format fmt = printing_format(j->format);
	memset(&pj, 0, sizeof pj);
	struct store_print_update u;
	/* The claim made it sending and counted this attempt. */
	int attempts = j->attempts + 1;
	printing_check_outside_writes(p);
	int rc = printer_submit(j->printer.target, fmt, j->data, j->len, j->title,
	                        PRINTING_SUBMIT_MS, &pj, err, sizeof err);
	if (rc == PRINTER_OK) {
		/* Recorded before waiting: after a restart the job is followed by
		 * this id, not sent twice. Still this server's while it waits. */
		u = (struct store_print_update){.state = "printing",
		                                .cups_job_id = pj.job_id,
		                                .last_error = "",
		                                .reasons = "none",
		                                .next_try_ms = printing_now_ms(),
		                                .keep_claim = true};
		printing_update(p, j->id, &u);
		rc = printer_job_wait(j->printer.target, pj.job_id, PRINTING_WAIT_MS, &pj, err,
		                      sizeof err);
		if (rc == PRINTER_OK) {
			u = (struct store_print_update){.state = "done", .last_error = ""};
		} else if (rc == PRINTER_ERR_ABORTED || rc == PRINTER_ERR_CANCELED) {
			u = (struct store_print_update){
			    .state = "failed", .last_error = err, .reasons = pj.state_reasons};
		} else {
			u = (struct store_print_update){.state = "printing",
			                                .last_error = err,
			                                .next_try_ms = printing_now_ms() +
			                                               PRINTING_FOLLOW_UP_MS};
		}
		printing_update(p, j->id, &u);
		return;
	}
	enum print_failure why = printing_failure(rc);
	printing_reasons_after(p, &j->printer, rc, PRINTING_QUERY_MS, reasons, sizeof reasons);
	if (print_should_retry(why, attempts)) {
		/* Busy with another job: free again in a moment, not away. */
		int wait =
		    why == PRINT_FAIL_BUSY ? PRINT_BUSY_RETRY_MS : print_backoff_ms(attempts);
		u = (struct store_print_update){.state = "queued",
		                                .next_try_ms = printing_now_ms() + wait,
		                                .last_error = err,
		                                .reasons = reasons,
		                                .whole_printer = true};
	} else {
		u = (struct store_print_update){
		    .state = "failed", .last_error = err, .reasons = reasons};
	}
	log_info("print job %lld to %s: %s (%s), %s", (long long)j->id, j->printer.name, err,
	         reasons, u.state);
	printing_update(p, j->id, &u);
}

static void printing_refresh(struct printing *p)
{
	struct store_printer *list = xcalloc(PRINTING_MAX_PRINTERS, sizeof *list);
	size_t n = 0;
	/* On a database error (logged) refresh those read; the next round retries. */
	store_printers_active(p->st, list, PRINTING_MAX_PRINTERS, &n, NULL);
	for (size_t i = 0; i < n; i++) {
		pthread_mutex_lock(&p->lock);
		bool stop = p->stop;
		pthread_mutex_unlock(&p->lock);
		if (stop)
			break;
		struct printer_state ps;
		char err[256];
		memset(&ps, 0, sizeof ps);
		printing_check_outside_writes(p);
		printer_query_state(list[i].target, PRINTING_QUERY_MS, &ps, err, sizeof err);
		printing_status_set(p, list[i].id, &ps);
	}
	free(list);
}

static void *printing_worker(void *arg)
{
	struct printing *p = arg;
	struct mc_error err;
	/* Sending queued forms is background work: below the HTTP workers, as
	 * the render pool is (Linux: nice applies to the calling thread). */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), PRINTING_WORKER_NICE) != 0)
		log_debug("print spool: cannot lower the worker's priority");
	int n = store_print_recover(p->st, &err);
	if (n > 0)
		log_info("print spool: %d unfinished job(s) taken up again", n);
	int64_t last_refresh = -PRINTING_REFRESH_MS;
	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		pthread_mutex_unlock(&p->lock);
		if (clock_mono_ms() - last_refresh >= PRINTING_REFRESH_MS) {
			printing_refresh(p);
			last_refresh = clock_mono_ms();
		}
		struct store_print_job job;
		int64_t next_due = 0;
		bool found = false;
		/* On a database error (logged) nothing is claimed: idle, then again. */
		store_print_job_claim(p->st, printing_now_ms(), &job, &found, &next_due, &err);
		if (found) {
			if (strcmp(job.state, "printing") == 0 && job.cups_job_id > 0)
				printing_follow_up(p, &job);
			else
				printing_send(p, &job);
			store_print_job_release(&job);
		}
		pthread_mutex_lock(&p->lock);
		if (found || p->stop)
			continue;
		if (p->woken) {
			p->woken = false;
			continue;
		}
		int64_t wait = PRINTING_REFRESH_MS - (clock_mono_ms() - last_refresh);
		if (next_due > 0 && next_due - printing_now_ms() < wait)
			wait = next_due - printing_now_ms();
		/* At most a second idle: a job committed just after a wake-up (a
		 * route under an Idempotency-Key commits after its handler) is
		 * not left waiting for the next refresh. */
		if (wait > PRINTING_IDLE_MS)
			wait = PRINTING_IDLE_MS;
		if (wait < 100)
			wait = 100;
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += wait / 1000;
		ts.tv_nsec += (wait % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		while (!p->stop && !p->woken)
			if (pthread_cond_timedwait(&p->cond, &p->lock, &ts) != 0)
				break;
		p->woken = false;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void printing_set_base_url(struct printing *p, const char *base_url)
{
	pthread_mutex_lock(&p->lock);
	snprintf(p->base_url, sizeof p->base_url, "%s", base_url);
	pthread_mutex_unlock(&p->lock);
}

struct printing *printing_start(struct store *st)
{
	struct printing *p = xcalloc(1, sizeof *p);
	p->st = st;
	snprintf(p->base_url, sizeof p->base_url, "http://127.0.0.1:8080");
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&p->thread, NULL, printing_worker, p) != 0) {
		log_error("print spool: cannot start the worker thread");
		pthread_cond_destroy(&p->cond);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return NULL;
	}
	return p;
}

void printing_wake(struct printing *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->woken = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void printing_stop(struct printing *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* The head of a dossier form for centre (present_office_id of the receiving
 * centre, may be NULL): into agency its name, into parent the body it
 * belongs to — the part after " - " when its own name says it ("Bộ phận
 * Tiếp nhận và Trả kết quả - UBND huyện Hướng Hóa"), else its parent
 * office's name, except the bare "Tỉnh" a migrated or one-centre database
 * starts with (rename the root to print it) —, into place its locality,
 * else its parent's. Each buffer gets "" when there is nothing to say. */
static void printing_form_head(struct store *st, json_t *centre, char *agency, size_t agency_len,
                               char *parent, size_t parent_len, char *place, size_t place_len)
{
	const char *name = json_string_value(json_object_get(centre, "name"));
	const char *pname = json_string_value(json_object_get(centre, "parent_name"));
	const char *loc = json_string_value(json_object_get(centre, "locality"));
	snprintf(agency, agency_len, "%s", name ? name : "");
	snprintf(parent, parent_len, "%s", pname && strcmp(pname, "Tỉnh") != 0 ? pname : "");
	const char *dash = name ? strstr(name, " - ") : NULL;
	if (dash && dash[3])
		snprintf(parent, parent_len, "%s", dash + 3);
	snprintf(place, place_len, "%s", loc ? loc : "");
	const char *pcode = json_string_value(json_object_get(centre, "parent"));
	if (place[0] == '\0' && pcode) {
		int64_t pid = store_office_id(st, pcode);
		json_t *up = pid ? present_office_id(st, pid) : NULL;
		loc = json_string_value(json_object_get(up, "locality"));
		snprintf(place, place_len, "%s", loc ? loc : "");
		json_decref(up);
	}
}

/* Renders form of dossier `code` (its staff view, present_dossier_get's) as
 * printed by who: the PDF into *pdf, *len (malloc'd). secret (NULL: none),
 * already checked against the dossier, puts the status QR code and "Mã tra
 * cứu" on Mẫu 01. The one render of a dossier's form, for the spool
 * (printing_dossier_form) and the preview (printing_dossier_form_pdf).
 * Outside every write transaction; serialized with every other render. */
static enum mc_err printing_form_render(struct printing *p, const struct principal *who,
                                        json_t *dossier, const char *code, const char *form,
                                        const char *secret, uint8_t **pdf, size_t *len,
                                        struct mc_error *err)
{
	/* The procedure as imported in the version the dossier keeps (the one
	 * in force at its intake, docs/api.md): its legal time, fees and
	 * partners, never a later version's beside this dossier's appointment.
	 * A version gone (never, a dossier pins its row) leaves them out. */
	json_t *pv = json_object_get(dossier, "procedure");
	const char *pcode = json_string_value(json_object_get(pv, "code"));
	json_t *proc = NULL;
	enum mc_err rc = procedure_version_json(
	    p->st, pcode, (int)json_integer_value(json_object_get(pv, "version")), &proc, err);
	if (rc && rc != MC_ERR_NOT_FOUND)
		return rc;
	/* The receiving centre heads the form, under the body it belongs to,
	 * with its place: never another centre's, whoever prints. */
	json_t *io = json_object_get(dossier, "intake_office");
	const char *icode = json_is_string(io) ? json_string_value(io)
	                                       : json_string_value(json_object_get(io, "code"));
	int64_t iid = icode ? store_office_id(p->st, icode) : 0;
	json_t *oj = iid ? present_office_id(p->st, iid) : NULL;
	char agency[320], parent[320], place[120];
	printing_form_head(p->st, oj, agency, sizeof agency, parent, sizeof parent, place,
	                   sizeof place);
	/* The secret is kept only as a hash: a reprint of Mẫu 01 carries the
	 * code, not the QR link (the citizen keeps the first receipt's), unless
	 * the caller gives the secret back. */
	char base[256], *status_url = NULL;
	pthread_mutex_lock(&p->lock);
	snprintf(base, sizeof base, "%s", p->base_url);
	pthread_mutex_unlock(&p->lock);
	char *pub_url = store_public_url(p->st);
	if (secret && strcmp(form, "mau-01") == 0) {
		const char *b = pub_url && *pub_url ? pub_url : base;
		size_t blen = strlen(b);
		while (blen > 0 && b[blen - 1] == '/')
			blen--;
		status_url = xasprintf("%.*s/status?code=%s&secret=%s", (int)blen, b, code, secret);
	}
	free(pub_url);
	struct printer_dossier_context ctx = {
	    .status_url = status_url,
	    .secret = status_url ? secret : NULL,
	    /* NULL: the dossier's receiving centre by its name, the unit itself
	     * (printer/dossier_forms.c); the same centre as oj's. */
	    .agency = json_string_value(json_object_get(io, "name")) ? NULL
	              : agency[0]                                    ? agency
	                                                             : NULL,
	    .agency_parent = parent[0] ? parent : NULL,
	    .locality = place[0] ? place : NULL,
	    .officer = who->username,
	    .procedure = proc,
	    .utc_offset_minutes = CLOCK_OFFICE_UTC_OFFSET / 60,
	};
	struct printer_fields *fields = printer_dossier_fields(dossier, form, &ctx);
	char *path = xasprintf("%s/forms/%s.json", paths_data_dir(), form);
	struct printer_form *tpl = NULL;
	char perr[256] = "";
	*pdf = NULL;
	*len = 0;
	int prc = printer_form_load(path, &tpl, perr, sizeof perr);
	if (prc == PRINTER_OK) {
		printing_check_outside_writes(p);
		pthread_mutex_lock(&printing_render_lock);
		prc = printer_form_pdf(tpl, fields, pdf, len, perr, sizeof perr);
		pthread_mutex_unlock(&printing_render_lock);
	}
	printer_form_free(tpl);
	printer_fields_free(fields);
	free(path);
	free(status_url);
	json_decref(oj);
	json_decref(proc);
	if (prc != PRINTER_OK) {
		free(*pdf);
		*pdf = NULL;
		return mc_failf(err, MC_ERR_INTERNAL, "render_failed", "Không tạo được bản in",
		                "%s", perr);
	}
	return MC_OK;
}

static enum mc_err printing_unknown_form(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_INVALID, "unknown_form", "Mẫu phải là mau-01 đến mau-06",
	               "form must be one of mau-01 .. mau-06");
}

enum mc_err printing_dossier_form_pdf(struct printing *p, const struct principal *who,
                                      const char *code, const char *form, uint8_t **pdf,
                                      size_t *len, struct mc_error *err)
{
	if (!printer_dossier_form_known(form))
		return printing_unknown_form(err);
	/* Another office's dossier is not found, exactly as an unknown code;
	 * then the view the spool's render takes. */
	json_t *dossier = NULL;
	enum mc_err rc = present_dossier_get(p->st, who, code, true, &dossier, err);
	json_decref(dossier);
	dossier = NULL;
	if (rc || (rc = present_dossier_get(p->st, NULL, code, true, &dossier, err)))
		return rc;
	rc = printing_form_render(p, who, dossier, code, form, NULL, pdf, len, err);
	json_decref(dossier);
	return rc;
}

enum mc_err printing_dossier_form(struct printing *p, const struct principal *who, const char *code,
                                  const char *form, int copies, int counter_no, const char *secret,
                                  json_t **out, struct mc_error *err)
{
	if (!printer_dossier_form_known(form))
		return printing_unknown_form(err);
	if (copies < 1 || copies > 5)
		return mc_fail(err, MC_ERR_INVALID, "invalid_copies", "Số bản in từ 1 đến 5",
		               "copies must be 1-5");
	json_t *dossier = NULL;
	enum mc_err rc;
	if (secret) {
		/* The secret is checked as the citizen's lookup checks it. */
		json_t *pub = NULL;
		rc = present_dossier_lookup(p->st, code, secret, &pub, err);
		json_decref(pub);
		if (rc == MC_ERR_NOT_FOUND &&
		    present_dossier_get(p->st, NULL, code, true, &dossier, NULL) == MC_OK)
			rc = mc_fail(err, MC_ERR_INVALID, "wrong_secret",
			             "Mã tra cứu không đúng với hồ sơ này",
			             "secret is not this dossier's lookup secret");
		json_decref(dossier);
		dossier = NULL;
		if (rc)
			return rc;
	}
	rc = present_dossier_get(p->st, NULL, code, true, &dossier, err);
	if (rc)
		return rc;
	/* The counter is one of the clerk's own hall; for a principal of
	 * several centres, of the dossier's receiving centre. */
	struct store_printer pr;
	int64_t hall = 0;
	rc = store_hall_resolve(p->st, who, NULL, true, &hall, err);
	if (rc == MC_ERR_INVALID) {
		json_t *io = json_object_get(dossier, "intake_office");
		const char *ic = json_is_string(io)
		                     ? json_string_value(io)
		                     : json_string_value(json_object_get(io, "code"));
		if (ic)
			rc = store_hall_resolve(p->st, who, ic, true, &hall, err);
	}
	if (rc || (rc = store_printer_for_counter(p->st, hall, counter_no, &pr, err))) {
		json_decref(dossier);
		return rc;
	}
	uint8_t *pdf = NULL;
	size_t len = 0;
	rc = printing_form_render(p, who, dossier, code, form, secret, &pdf, &len, err);
	json_decref(dossier);
	if (rc)
		return rc;
	/* Forms are PDF whatever the destination's usual format. */
	json_t *jobs = json_array();
	char *title = xasprintf("%s %s", code, form);
	for (int k = 0; k < copies && rc == MC_OK; k++) {
		int64_t id = 0;
		struct store_print_job_new nj = {.printer_id = pr.id,
		                                 .format = "pdf",
		                                 .kind = "form",
		                                 .ref = code,
		                                 .title = title,
		                                 .data = pdf,
		                                 .len = len,
		                                 .office_id = hall};
		rc = store_print_job_add(p->st, who, &nj, &id, err);
		if (rc == MC_OK)
			json_array_append_new(jobs, json_integer(id));
	}
	free(title);
	free(pdf);
	if (json_array_size(jobs) > 0)
		printing_wake(p);
	if (rc) {
		json_decref(jobs);
		return rc;
	}
	*out = json_pack("{s:s, s:s, s:s, s:o}", "dossier", code, "form", form, "printer", pr.name,
	                 "jobs", jobs);
	return MC_OK;
}

/* The hall that prints a rating slip for who, into *hall: who's own hall;
 * for a principal of several, the subject's centre (office code `centre`). */
static enum mc_err printing_slip_hall(struct printing *p, const struct principal *who,
                                      const char *centre, int64_t *hall, struct mc_error *err)
{
	enum mc_err rc = store_hall_resolve(p->st, who, NULL, true, hall, err);
	if (rc == MC_ERR_INVALID && centre)
		rc = store_hall_resolve(p->st, who, centre, true, hall, err);
	return rc;
}

/* What a rating slip names, as who may see it (another centre's is not
 * found), into *subject (the caller's reference), and the hall whose printer
 * takes it into *hall; a ticket's id into *ticket_id. */
static enum mc_err printing_slip_subject(struct printing *p, const struct principal *who,
                                         bool dossier, const char *ref, json_t **subject,
                                         int64_t *hall, int64_t *ticket_id, struct mc_error *err)
{
	enum mc_err rc;
	*subject = NULL;
	if (dossier) {
		if ((rc = present_dossier_get(p->st, who, ref, true, subject, err)))
			return rc;
		json_t *ro = json_object_get(*subject, "return_office");
		if (json_is_null(ro) || ro == NULL)
			ro = json_object_get(*subject, "intake_office");
		const char *rc_code = json_is_string(ro)
		                          ? json_string_value(ro)
		                          : json_string_value(json_object_get(ro, "code"));
		return printing_slip_hall(p, who, rc_code, hall, err);
	}
	char *end = NULL;
	*ticket_id = strtoll(ref, &end, 10);
	struct queue_public_ticket pt;
	if (end == ref || *end != '\0' || *ticket_id < 1 ||
	    store_ticket_public(p->st, *ticket_id, clock_now(), &pt, NULL) != MC_OK)
		return mc_fail(err, MC_ERR_NOT_FOUND, "ticket_not_found", "Không có phiếu này",
		               "No such ticket");
	*subject = present_queue_public_ticket(p->st, &pt);
	queue_public_ticket_clear(&pt);
	const char *tc =
	    json_string_value(json_object_get(json_object_get(*subject, "office"), "code"));
	rc = store_hall_resolve(p->st, who, tc, true, hall, err);
	if (rc == MC_ERR_NOT_FOUND || (rc == MC_OK && tc == NULL))
		rc = mc_fail(err, MC_ERR_NOT_FOUND, "ticket_not_found", "Không có phiếu này",
		             "No such ticket");
	return rc;
}

/* The address citizens open from a slip, into base: the province's public
 * one, else ours. */
static void printing_slip_base(struct printing *p, char *base, size_t size)
{
	pthread_mutex_lock(&p->lock);
	snprintf(base, size, "%s", p->base_url);
	pthread_mutex_unlock(&p->lock);
	char *pub_url = store_public_url(p->st);
	if (pub_url && *pub_url)
		snprintf(base, size, "%s", pub_url);
	free(pub_url);
}

/* The rating link (token, issued at now) and the print job nj of its slip,
 * in one transaction: both or neither. */
static enum mc_err printing_slip_save(struct printing *p, const struct principal *who,
                                      const char *kind, const char *ref, const char *token,
                                      int64_t now, const struct store_print_job_new *nj,
                                      struct rating_link *link, int64_t *job, struct mc_error *err)
{
	enum mc_err rc = store_begin(p->st, err);
	if (rc)
		return rc;
	rc = store_rating_link_issue(p->st, who, kind, ref, token, now, link, err);
	if (rc == MC_OK)
		rc = store_print_job_add(p->st, who, nj, job, err);
	if (rc == MC_OK)
		return store_commit(p->st, err);
	store_rollback(p->st);
	return rc;
}

enum mc_err printing_rating_slip(struct printing *p, const struct principal *who, const char *kind,
                                 const char *ref, int counter_no, json_t **out,
                                 struct mc_error *err)
{
	bool dossier = strcmp(kind, "dossier") == 0;
	json_t *subject = NULL;
	int64_t hall = 0, ticket_id = 0;
	enum mc_err rc =
	    printing_slip_subject(p, who, dossier, ref, &subject, &hall, &ticket_id, err);
	struct store_printer pr;
	if (rc == MC_OK && store_printer_for_counter(p->st, hall, counter_no, &pr, err) != MC_OK)
		rc =
		    mc_fail(err, MC_ERR_UNAVAILABLE, "printer_not_configured",
		            "Quầy này và trung tâm chưa có máy in nên chưa in được phiếu đánh giá. "
		            "Hãy báo quản trị viên cài máy in",
		            "Neither this counter nor the centre has a printer: no rating slip was "
		            "made");
	if (rc) {
		json_decref(subject);
		return rc;
	}
	char base[256];
	printing_slip_base(p, base, sizeof base);
	json_t *oj = present_office_id(p->st, hall);
	char token[STORE_RATING_TOKEN_LEN + 1], tref[24];
	store_rating_token_new(token);
	int64_t now = clock_now();
	snprintf(tref, sizeof tref, "%lld", (long long)ticket_id);
	struct printer_rating_slip slip = {
	    .office_name = json_string_value(json_object_get(oj, "name")),
	    .dossier_code = dossier ? ref : NULL,
	    .ticket_label = dossier ? NULL : json_string_value(json_object_get(subject, "label")),
	    .what = dossier ? json_string_value(
	                          json_object_get(json_object_get(subject, "procedure"), "name"))
	                    : json_string_value(json_object_get(subject, "group_name")),
	    .base_url = base,
	    .token = token,
	    .expires_at = now + RATING_LINK_SECONDS,
	    .utc_offset_seconds = CLOCK_OFFICE_UTC_OFFSET,
	};
	uint8_t *data = NULL;
	size_t len = 0;
	char perr[256] = "";
	printing_check_outside_writes(p);
	pthread_mutex_lock(&printing_render_lock);
	int prc =
	    printer_rating_slip_render(&slip, printing_format(pr.format), printing_paper(pr.paper),
	                               &data, &len, perr, sizeof perr);
	pthread_mutex_unlock(&printing_render_lock);
	char *title = dossier ? xasprintf("%s phieu-danh-gia", ref)
	                      : xasprintf("So %s phieu-danh-gia", slip.ticket_label);
	json_decref(oj);
	json_decref(subject);
	if (prc != PRINTER_OK) {
		free(title);
		return mc_failf(err, MC_ERR_INTERNAL, "render_failed", "Không tạo được bản in",
		                "%s", perr);
	}
	struct rating_link link;
	int64_t job = 0;
	struct store_print_job_new nj = {.printer_id = pr.id,
	                                 .format = pr.format,
	                                 .kind = "slip",
	                                 .ref = dossier ? ref : tref,
	                                 .title = title,
	                                 .data = data,
	                                 .len = len,
	                                 .office_id = hall};
	rc = printing_slip_save(p, who, kind, ref, token, now, &nj, &link, &job, err);
	free(title);
	free(data);
	if (rc)
		return rc;
	printing_wake(p);
	*out = json_pack("{s:o, s:{s:s, s:[I]}}", "link", present_rating_link(&link), "print",
	                 "printer", pr.name, "jobs", (json_int_t)job);
	return MC_OK;
}
