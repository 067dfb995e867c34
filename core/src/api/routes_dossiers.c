/* Dossiers: intake, actions, the staff views, the ledger, and the public
 * lookup for citizens. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/offload.h"
#include "api/parse_dossier.h"
#include "api/present_dossier.h"
#include "api/printing.h"
#include "api/throttle.h"
#include "domain/civil_date.h"
#include "store/dossier.h"
#include "api/present_notify.h"
#include "store/notify.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Replies out with status, or the error; an error's out (the bad field,
 * when the store names one) is merged into the error object. Takes out. */
static void dossier_reply(struct http_request *r, enum mc_err rc, const struct mc_error *err,
                          int status, json_t *out)
{
	if (rc != MC_OK && out != NULL) {
		json_t *e = json_pack("{s:s, s:s, s:s}", "code", err->code, "message",
		                      err->message_vi, "message_en", err->message_en);
		json_object_update(e, out);
		json_decref(out);
		http_reply_json(r, http_status_of(err->kind), json_pack("{s:o}", "error", e));
	} else if (rc != MC_OK) {
		http_reply_error(r, err);
	} else {
		http_reply_json(r, status, out);
	}
}

/* The error answer of a probable duplicate: the code and messages with the
 * earlier dossier beside them. */
static void dossier_reply_duplicate(struct http_request *r, const struct mc_error *err,
                                    const struct dossier_duplicate *dup)
{
	json_t *e = json_pack("{s:s, s:s, s:s, s:o}", "code", err->code, "message", err->message_vi,
	                      "message_en", err->message_en, "duplicate_of",
	                      present_dossier_duplicate(dup));
	http_reply_json(r, http_status_of(err->kind), json_pack("{s:o}", "error", e));
}

void route_dossiers_create(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	struct mc_error err;
	struct dossier_intake_cmd cmd;
	enum mc_err rc = parse_dossier_intake(body, &cmd, &err);
	if (rc != MC_OK) {
		json_decref(body);
		http_reply_error(r, &err);
		return;
	}
	char code[96] = "", secret[16] = "";
	struct dossier_duplicate dup = {0};
	struct dossier_record view;
	struct notify_planned_list planned;
	rc =
	    store_dossier_intake(api->st, &r->who, &cmd, code, secret, &dup, &view, &planned, &err);
	enum dossier_outcome outcome = cmd.outcome;
	dossier_intake_cmd_clear(&cmd);
	json_decref(body);
	if (rc != MC_OK && dup.code[0]) {
		dossier_reply_duplicate(r, &err, &dup);
		return;
	}
	if (rc != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	json_t *out = present_dossier_intake(present_dossier(&view, true), outcome, secret);
	/* The messages the intake planned, so the clerk can tell the applicant. */
	json_object_set_new(out, "notifications", present_notify_planned(&planned));
	dossier_record_clear(&view);
	notify_planned_free(&planned);
	http_reply_json(r, 201, out);
}

void route_dossier_actions(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	struct mc_error err;
	struct dossier_action_cmd cmd;
	struct dossier_act_result res = {0};
	enum mc_err rc = parse_dossier_action(body, &cmd, &err);
	if (rc == MC_OK)
		rc = store_dossier_act(api->st, &r->who, r->params[0], &cmd, &res, &err);
	if (rc == MC_OK && res.refusal != DR_NONE)
		rc = present_dossier_refusal(cmd.action, &res, &err);
	dossier_action_cmd_clear(&cmd);
	json_decref(body);
	json_t *out =
	    rc == MC_OK ? json_pack("{s:o}", "dossier", present_dossier(&res.view, true)) : NULL;
	dossier_act_result_clear(&res);
	dossier_reply(r, rc, &err, 200, out);
}

void route_dossier_get(struct api *api, struct http_request *r)
{
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = present_dossier_get(api->st, &r->who, r->params[0], true, &out, &err);
	dossier_reply(r, rc, &err, 200, out);
}

void route_dossier_control_sheet(struct api *api, struct http_request *r)
{
	struct mc_error err;
	struct dossier_step *steps = NULL;
	size_t n = 0;
	enum mc_err rc =
	    store_dossier_control_sheet(api->st, &r->who, r->params[0], &steps, &n, &err);
	json_t *out = rc ? NULL : present_dossier_control_sheet(r->params[0], steps, n);
	dossier_steps_free(steps, n);
	dossier_reply(r, rc, &err, 200, out);
}

/* A query argument that must be short text; replies 400 when too long. */
static bool dossier_arg(struct http_request *r, const char *key, const char **out)
{
	*out = http_query(r, key);
	if (*out && (strlen(*out) == 0 || strlen(*out) > 64)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		                "A filter value must be 1-64 bytes");
		return false;
	}
	return true;
}

/* Replies 400 invalid_date naming the filter key. */
static void dossier_bad_date(struct http_request *r, const char *key)
{
	struct mc_error err;
	mc_failf(&err, MC_ERR_INVALID, "invalid_date",
	         "Ngày lọc phải là ngày có thật, dạng YYYY-MM-DD",
	         "%s must be a real date YYYY-MM-DD (or an instant, for due_before)", key);
	http_reply_error(r, &err);
}

/* An office date filter YYYY-MM-DD (a real day: 2026-02-30 is refused);
 * replies 400 and returns false otherwise. */
static bool dossier_date_arg(struct http_request *r, const char *key, const char **out)
{
	if (!dossier_arg(r, key, out))
		return false;
	int64_t t;
	if (*out && (strlen(*out) != 10 || civil_parse_instant(*out, CLOCK_OFFICE_UTC_OFFSET, &t,
	                                                       NULL) != CIVIL_INSTANT_OK)) {
		dossier_bad_date(r, key);
		return false;
	}
	return true;
}

/* due_before: epoch seconds, or an ISO 8601 date or instant (a bare date is
 * its midnight in the office's time zone). Replies 400 and returns false
 * when it is neither or names no real day. */
static bool dossier_due_arg(struct http_request *r, const char *v, int64_t *out)
{
	if (v == NULL)
		return true;
	if (http_parse_int(v, 1, INT64_MAX / 2, out))
		return true;
	enum civil_instant_status cs = civil_parse_instant(v, CLOCK_OFFICE_UTC_OFFSET, out, NULL);
	if (cs == CIVIL_INSTANT_OK && *out > 0)
		return true;
	if (cs == CIVIL_INSTANT_NO_SUCH_DATE || strchr(v, '-')) {
		dossier_bad_date(r, "due_before");
		return false;
	}
	http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
	                "due_before takes epoch seconds or an ISO 8601 date");
	return false;
}

void route_dossiers_list(struct api *api, struct http_request *r)
{
	struct dossier_filter f = {.late = -1, .who = &r->who};
	int offset, limit;
	const char *late, *risk, *due, *open, *sort;
	if (!http_page(r, &offset, &limit) || !dossier_arg(r, "status", &f.status) ||
	    !dossier_arg(r, "procedure", &f.procedure) || !dossier_arg(r, "field", &f.field) ||
	    !dossier_arg(r, "office", &f.office) ||
	    !dossier_arg(r, "holder_office", &f.holder_office) ||
	    !dossier_arg(r, "holder", &f.holder) || !dossier_arg(r, "q", &f.q) ||
	    !dossier_date_arg(r, "received_from", &f.received_from) ||
	    !dossier_date_arg(r, "received_to", &f.received_to) || !dossier_arg(r, "late", &late) ||
	    !dossier_arg(r, "at_risk", &risk) || !dossier_arg(r, "due_before", &due) ||
	    !dossier_arg(r, "open", &open) || !dossier_arg(r, "sort", &sort))
		return;
	enum dossier_status st;
	if (f.status && !dossier_status_parse(f.status, &st)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_status", "Trạng thái không hợp lệ",
		                "Unknown status");
		return;
	}
	if ((late && strcmp(late, "true") != 0 && strcmp(late, "false") != 0) ||
	    (risk && strcmp(risk, "true") != 0 && strcmp(risk, "false") != 0) ||
	    (open && strcmp(open, "true") != 0 && strcmp(open, "false") != 0)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_filter", "Bộ lọc không hợp lệ",
		                "late, at_risk and open take true or false");
		return;
	}
	if (sort && strcmp(sort, "newest") == 0)
		f.sort = DOSSIER_SORT_NEWEST;
	else if (sort && strcmp(sort, "due") == 0)
		f.sort = DOSSIER_SORT_DUE;
	else if (sort && strcmp(sort, "overdue") == 0)
		f.sort = DOSSIER_SORT_OVERDUE;
	else if (sort) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_sort", "Cách sắp xếp không hợp lệ",
		                "sort takes newest, due or overdue");
		return;
	}
	f.open = open && strcmp(open, "true") == 0;
	if (late)
		f.late = strcmp(late, "true") == 0;
	f.at_risk = risk && strcmp(risk, "true") == 0;
	if (!dossier_due_arg(r, due, &f.due_before))
		return;
	struct mc_error err;
	struct dossier_page page;
	enum mc_err rc = store_dossier_list(api->st, &f, offset, limit, &page, &err);
	json_t *out = rc ? NULL : present_dossier_page(&page, offset, limit);
	dossier_page_clear(&page);
	dossier_reply(r, rc, &err, 200, out);
}

/* An instant's cell in office time; an empty cell when absent. */
static void csv_time(struct strbuf *out, int64_t t)
{
	if (t == 0) {
		strbuf_puts(out, "\"\"");
		return;
	}
	char iso[26];
	clock_office_iso(t, iso);
	csv_cell(out, iso);
}

/* One line of the ledger (Mẫu 07), every cell through util/csv.h (text
 * that a spreadsheet would run as a formula is neutralised). */
static void ledger_line(void *ctx, const struct dossier_ledger_row *row)
{
	struct strbuf *out = ctx;
	strbuf_printf(out, "%lld,", (long long)row->line);
	csv_cell(out, row->code);
	strbuf_puts(out, ",");
	csv_cell(out, row->procedure);
	strbuf_printf(out, ",%d,", (int)row->sets);
	/* The address as the applicant object keeps it ("" when none). */
	json_t *applicant = row->applicant_json ? json_loads(row->applicant_json, 0, NULL) : NULL;
	const char *address = json_string_value(json_object_get(applicant, "address"));
	const char *texts[] = {row->applicant, address ? address : "", row->phone,
	                       row->lead_office};
	for (size_t i = 0; i < 4; i++) {
		csv_cell(out, texts[i]);
		strbuf_puts(out, ",");
	}
	json_decref(applicant);
	const int64_t times[] = {row->received_at, row->due_at, row->sent_at, row->finished_at,
	                         row->returned_at};
	for (size_t i = 0; i < 5; i++) {
		csv_time(out, times[i]);
		strbuf_puts(out, ",");
	}
	csv_cell(out, row->returned_to);
	strbuf_puts(out, ",");
	csv_cell(out, row->status);
	strbuf_puts(out, ",");
	csv_time(out, row->new_appointment_at);
	if (row->book)
		strbuf_printf(out, ",%lld\r\n", (long long)row->book);
	else
		strbuf_puts(out, ",\"\"\r\n");
}

/* The ledger as a file to open in a spreadsheet: UTF-8 with a byte order
 * mark, saved as so-theo-doi-<from>-<to>.csv: the books of the receiving
 * centres in the caller's scope (office=<code>: of that unit only). */
void route_ledger_csv(struct api *api, struct http_request *r)
{
	struct strbuf sb = STRBUF_INIT;
	struct mc_error err;
	const char *from = http_query(r, "from"), *to = http_query(r, "to");
	const char *office;
	if (!dossier_arg(r, "office", &office))
		return;
	strbuf_puts(&sb, CSV_UTF8_BOM);
	strbuf_puts(&sb, "line,code,procedure,sets,applicant,address,phone,lead_office,received,"
	                 "appointment,sent_to_office,result_back,returned,returned_to,status,"
	                 "new_appointment,book\r\n");
	if (store_dossier_ledger(api->st, &r->who, office, from, to, ledger_line, &sb, &err) !=
	    MC_OK) {
		strbuf_free(&sb);
		http_reply_error(r, &err);
		return;
	}
	size_t len;
	char *text = strbuf_detach(&sb, &len);
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		http_reply_fail(r, MC_ERR_INTERNAL, "internal", "Lỗi máy chủ", "Server error");
		return;
	}
	/* from and to were checked as YYYY-MM-DD by the store: safe in a header. */
	char disposition[96];
	snprintf(disposition, sizeof disposition, "attachment; filename=\"so-theo-doi-%s-%s.csv\"",
	         from, to);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/csv; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
	r->status = MHD_HTTP_OK;
	r->prepared = resp;
}

/* The citizen's lookup. A wrong secret answers exactly as an unknown code,
 * and failures from one address are slowed down. */
void route_public_dossier(struct api *api, struct http_request *r)
{
	char key[80];
	int64_t now = clock_now();
	if (!api_address_throttle_ok(api, r, "lookup", key, sizeof key,
	                             "Tra cứu sai nhiều lần, hãy chờ rồi thử lại",
	                             "Too many failed lookups"))
		return;
	struct mc_error err;
	json_t *v = NULL;
	enum mc_err rc =
	    present_dossier_lookup(api->st, r->params[0], http_query(r, "secret"), &v, &err);
	if (rc == MC_ERR_NOT_FOUND)
		throttle_fail(api->ip_throttle, key, now);
	dossier_reply(r, rc, &err, 200, v);
}

/* Prints a legal form of a dossier through the spool: answers 202 at once. */
/* A form print's request, copied off the connection for the pool. */
struct dossier_print_job {
	char *code; /* the dossier's code (owned) */
	char form[16];
	int copies, counter;
	char *secret; /* NULL: none given (owned) */
};

static void dossier_print_job_free(void *arg)
{
	struct dossier_print_job *j = arg;
	free(j->code);
	free(j->secret);
	free(j);
}

/* On a pool thread (api->cpu_pool, below the HTTP workers' priority): the
 * render of the form (tens of ms of CPU, serialized with every other render)
 * then its spool rows, each its own short transaction. No HTTP worker, and no
 * writer, waits for the render. */
static void dossier_print_run(struct api *api, struct http_request *r, void *arg)
{
	struct dossier_print_job *j = arg;
	struct mc_error err;
	json_t *out = NULL;
	enum mc_err rc = printing_dossier_form(api->printing, &r->who, j->code, j->form, j->copies,
	                                       j->counter, j->secret, &out, &err);
	dossier_reply(r, rc, &err, 202, out);
}

void route_dossier_print(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	const char *form = json_string_value(json_object_get(body, "form"));
	json_t *copies = json_object_get(body, "copies");
	json_t *counter = json_object_get(body, "counter");
	json_t *secret = json_object_get(body, "secret");
	if (form == NULL || (copies && !json_is_integer(copies)) ||
	    (secret && (!json_is_string(secret) || json_string_length(secret) > 64)) ||
	    (counter && (!json_is_integer(counter) || json_integer_value(counter) < 0 ||
	                 json_integer_value(counter) > 999))) {
		json_decref(body);
		http_reply_fail(
		    r, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		    "form (mau-01..mau-06) is required; copies and counter are numbers; secret "
		    "is text");
		return;
	}
	struct mc_error err;
	struct dossier_record rec;
	/* Another office's dossier is not found, exactly as an unknown code. */
	enum mc_err rc = store_dossier_get(api->st, &r->who, r->params[0], false, &rec, &err);
	if (rc == MC_OK)
		dossier_record_clear(&rec);
	if (rc != MC_OK) {
		json_decref(body);
		http_reply_error(r, &err);
		return;
	}
	struct dossier_print_job *j = xcalloc(1, sizeof *j);
	j->code = xstrdup(r->params[0]);
	snprintf(j->form, sizeof j->form, "%s", form);
	j->copies = copies ? (int)json_integer_value(copies) : 1;
	j->counter = counter ? (int)json_integer_value(counter) : 0;
	j->secret = secret ? xstrdup(json_string_value(secret)) : NULL;
	json_decref(body);
	offload_request(api->cpu_pool, r, dossier_print_run, j, dossier_print_job_free);
}

/* The intake's checks without the intake (store_dossier_intake_check): the
 * counter page asks before saving. Changes nothing. */
void route_dossiers_check(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	struct mc_error err;
	struct dossier_intake_cmd cmd;
	struct dossier_intake_check check;
	enum mc_err rc = parse_dossier_intake(body, &cmd, &err);
	if (rc == MC_OK)
		rc = store_dossier_intake_check(api->st, &r->who, &cmd, &check, &err);
	if (rc != MC_OK) {
		dossier_intake_cmd_clear(&cmd);
		json_decref(body);
		http_reply_error(r, &err);
		return;
	}
	json_t *out = present_dossier_intake_check(&check, cmd.procedure, cmd.outcome);
	dossier_intake_check_clear(&check);
	dossier_intake_cmd_clear(&cmd);
	json_decref(body);
	http_reply_json(r, 200, out);
}

/* A form's preview request, copied off the connection for the pool. */
struct dossier_form_job {
	char *code; /* the dossier's code (owned) */
	char form[8];
};

static void dossier_form_job_free(void *arg)
{
	struct dossier_form_job *j = arg;
	free(j->code);
	free(j);
}

/* On a pool thread (api->cpu_pool, as the print's render): the form as the
 * printer would get it, answered inline; the one answer the server's own
 * pages may frame (r->frame_self). */
static void dossier_form_run(struct api *api, struct http_request *r, void *arg)
{
	struct dossier_form_job *j = arg;
	struct mc_error err;
	uint8_t *pdf = NULL;
	size_t len = 0;
	if (printing_dossier_form_pdf(api->printing, &r->who, j->code, j->form, &pdf, &len, &err) !=
	    MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, pdf, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(pdf);
		http_reply_fail(r, MC_ERR_INTERNAL, "internal", "Lỗi máy chủ", "Server error");
		return;
	}
	/* The code was found in the store, the form is mau-0N: both safe in a
	 * header (a code is letters, digits, dots and dashes). */
	char disposition[160];
	snprintf(disposition, sizeof disposition, "inline; filename=\"%s-%s.pdf\"", j->code,
	         j->form);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/pdf");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
	r->frame_self = true;
	r->status = MHD_HTTP_OK;
	r->prepared = resp;
}

void route_dossier_form_pdf(struct api *api, struct http_request *r)
{
	/* "mau-01.pdf" .. "mau-06.pdf"; the render checks the form's name. */
	const char *file = r->params[1];
	size_t n = strlen(file);
	if (n < 5 || n > 11 || strcmp(file + n - 4, ".pdf") != 0) {
		http_reply_fail(r, MC_ERR_INVALID, "unknown_form", "Mẫu phải là mau-01 đến mau-06",
		                "The form is mau-01.pdf .. mau-06.pdf");
		return;
	}
	if (strlen(r->params[0]) > 64) {
		http_reply_fail(r, MC_ERR_NOT_FOUND, "dossier_not_found", "Không có hồ sơ này",
		                "No such dossier");
		return;
	}
	struct dossier_form_job *j = xcalloc(1, sizeof *j);
	j->code = xstrdup(r->params[0]);
	snprintf(j->form, sizeof j->form, "%.*s", (int)(n - 4), file);
	offload_request(api->cpu_pool, r, dossier_form_run, j, dossier_form_job_free);
}
