#include "printer/dossier_forms.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

static const char *const forms[] = {"mau-01", "mau-02", "mau-03", "mau-04", "mau-05", "mau-06"};

int printer_dossier_form_known(const char *form)
{
	for (size_t i = 0; form && i < sizeof forms / sizeof forms[0]; i++)
		if (strcmp(forms[i], form) == 0)
			return 1;
	return 0;
}

static const char *str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

/* "hh:mm dd/mm/yyyy" in office time. */
static void when(json_t *t, int offset_min, char *out, size_t len)
{
	out[0] = '\0';
	if (!json_is_integer(t))
		return;
	time_t local = (time_t)(json_integer_value(t) + (json_int_t)offset_min * 60);
	struct tm tm;
	gmtime_r(&local, &tm);
	strftime(out, len, "%H:%M %d/%m/%Y", &tm);
}

static void set_time(struct printer_fields *f, const char *key, json_t *t, int offset)
{
	char buf[32];
	when(t, offset, buf, sizeof buf);
	if (buf[0])
		printer_fields_set(f, key, buf);
}

static const char *kind_vi(const char *kind)
{
	if (strcmp(kind, "original") == 0)
		return "Bản chính";
	if (strcmp(kind, "copy") == 0)
		return "Bản sao";
	if (strcmp(kind, "certified_copy") == 0)
		return "Bản sao chứng thực";
	if (strcmp(kind, "either") == 0)
		return "Bản chính hoặc bản sao";
	return kind;
}

/* Writes text into out (len bytes) for use after a comma in a sentence: a
 * leading administrative unit word written as a heading would ("Xã Lao Bảo,
 * tỉnh Quảng Trị", "Phường …", "Thị trấn …", "Tỉnh …", "Thành phố …", "Đặc
 * khu …") loses its capital ("…, xã Lao Bảo, tỉnh Quảng Trị"); anything else
 * is copied as it is. Truncates to fit; out is always terminated. */
static void mid_sentence(const char *text, char *out, size_t len)
{
	static const char *const units[] = {"Xã ",    "Phường ",    "Thị trấn ",
	                                    "Tỉnh ",  "Thành phố ", "Đặc khu ",
	                                    "Huyện ", "Quận ",      "Thị xã "};
	snprintf(out, len, "%s", text);
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strncmp(text, units[i], strlen(units[i])) != 0)
			continue;
		if (out[0] >= 'A' && out[0] <= 'Z')
			out[0] = (char)(out[0] - 'A' + 'a');
		else if (len > 2 && (unsigned char)out[0] == 0xC4 && (unsigned char)out[1] == 0x90)
			out[1] = (char)0x91; /* Đ, U+0110 → đ, U+0111 */
		return;
	}
}

/* "3 ngày làm việc", "Trong ngày làm việc" from a procedure's processing. */
static void legal_time(json_t *proc, char *out, size_t len)
{
	json_t *p = json_object_get(proc, "processing");
	const char *unit = str(p, "unit");
	double amount = json_number_value(json_object_get(p, "amount"));
	out[0] = '\0';
	if (strcmp(unit, "same_day") == 0)
		snprintf(out, len, "Trong ngày làm việc");
	else if (strcmp(unit, "working_hours") == 0)
		snprintf(out, len, "%g giờ làm việc", amount);
	else if (strcmp(unit, "working_days") == 0)
		snprintf(out, len, "%g ngày làm việc", amount);
}

/* "50.000 đồng (note)" or the note, or "Không thu phí, lệ phí". */
static void fees(json_t *proc, char *out, size_t len)
{
	const char *note = json_string_value(json_object_get(proc, "fee_note"));
	json_t *fee = json_object_get(proc, "fee_vnd");
	if (json_is_integer(fee) && json_integer_value(fee) > 0) {
		char digits[32], grouped[48];
		int n = snprintf(digits, sizeof digits, "%lld", (long long)json_integer_value(fee));
		size_t k = 0;
		for (int i = 0; i < n; i++) {
			if (i > 0 && (n - i) % 3 == 0)
				grouped[k++] = '.';
			grouped[k++] = digits[i];
		}
		grouped[k] = '\0';
		if (note)
			snprintf(out, len, "%s đồng (%s)", grouped, note);
		else
			snprintf(out, len, "%s đồng", grouped);
		return;
	}
	snprintf(out, len, "%s", note ? note : "Không thu phí, lệ phí");
}

static const char *timing_vi(const char *r)
{
	if (strcmp(r, "early") == 0)
		return "Trước hạn";
	if (strcmp(r, "on_time") == 0)
		return "Đúng hạn";
	if (strcmp(r, "late") == 0)
		return "Quá hạn";
	return "";
}

/* The unit line of the headers: "Bộ phận Tiếp nhận và Trả kết quả", unless
 * the office's own name already says it (it then prints once). */
#define DOSSIER_FORMS_UNIT "Bộ phận Tiếp nhận và Trả kết quả"

/* The office's name for the header's second line, into out: its name without
 * a trailing " - <parent>" (the parent is the line above). */
static void agency_line(const char *agency, const char *parent, char *out, size_t len)
{
	snprintf(out, len, "%s", agency ? agency : "");
	size_t n = strlen(out), pn = parent ? strlen(parent) : 0;
	static const char *const seps[] = {" - ", " – ", ", "};
	for (size_t i = 0; pn > 0 && i < sizeof seps / sizeof seps[0]; i++) {
		size_t sn = strlen(seps[i]);
		if (n > pn + sn && strcmp(out + n - pn, parent) == 0 &&
		    strncmp(out + n - pn - sn, seps[i], sn) == 0) {
			out[n - pn - sn] = '\0';
			return;
		}
	}
}

/* The signer of the receipt: the receiving clerk's full name (and title, when
 * set) from the dossier's received_by_user; else the officer of ctx. */
static void signer(json_t *dossier, const struct printer_dossier_context *ctx, char *name,
                   size_t nlen, char *title, size_t tlen)
{
	json_t *u = json_object_get(dossier, "received_by_user");
	const char *full = json_string_value(json_object_get(u, "full_name"));
	const char *t = json_string_value(json_object_get(u, "title"));
	snprintf(name, nlen, "%s", full && *full ? full : ctx->officer ? ctx->officer : "");
	snprintf(title, tlen, "%s", full && t ? t : "");
}

struct printer_fields *printer_dossier_fields(json_t *dossier, const char *form,
                                              const struct printer_dossier_context *ctx)
{
	struct printer_fields *f = printer_fields_new();
	json_t *proc_view = json_object_get(dossier, "procedure");
	json_t *app = json_object_get(dossier, "applicant");
	const char *code = str(dossier, "code");
	int off = ctx->utc_offset_minutes;
	char buf[512];

	char name[256], title[256];
	/* The receiving centre when the caller names no agency (a province
	 * has no single office to name). */
	const char *intake_name = str(json_object_get(dossier, "intake_office"), "name");
	const char *agency = ctx->agency && *ctx->agency ? ctx->agency
	                     : intake_name[0]            ? intake_name
	                                                 : NULL;
	agency_line(agency, ctx->agency_parent, buf, sizeof buf);
	printer_fields_set(f, "agency", buf);
	/* A centre (Trung tâm Phục vụ hành chính công) is the unit itself. */
	bool is_centre = agency == intake_name;
	printer_fields_set(f, "unit",
	                   is_centre || strstr(buf, DOSSIER_FORMS_UNIT) ? "" : DOSSIER_FORMS_UNIT);
	printer_fields_set(f, "agency_name", agency ? agency : "");
	printer_fields_set(f, "agency_parent", ctx->agency_parent ? ctx->agency_parent : "");
	if (ctx->locality && *ctx->locality)
		printer_fields_set(f, "place", ctx->locality);
	json_t *ledger = json_object_get(dossier, "ledger");
	if (json_is_object(ledger)) {
		snprintf(buf, sizeof buf, "%lld",
		         (long long)json_integer_value(json_object_get(ledger, "book")));
		printer_fields_set(f, "ledger_book", buf);
		snprintf(buf, sizeof buf, "%lld",
		         (long long)json_integer_value(json_object_get(ledger, "line")));
		printer_fields_set(f, "ledger_line", buf);
	}
	signer(dossier, ctx, name, sizeof name, title, sizeof title);
	printer_fields_set(f, "dossier_code", code);
	printer_fields_set(f, "doc_number", code);
	when(json_object_get(dossier, "intake_at"), off, buf, sizeof buf);
	if (buf[0]) { /* "hh:mm dd/mm/yyyy" */
		buf[8] = buf[11] = '\0';
		printer_fields_set(f, "day", buf + 6);
		printer_fields_set(f, "month", buf + 9);
		printer_fields_set(f, "year", buf + 12);
	}
	printer_fields_set(f, "applicant_name", str(app, "name"));
	printer_fields_set(f, "procedure", str(proc_view, "name"));
	printer_fields_set(f, "officer_name", name);
	printer_fields_set(f, "officer_title", title);
	printer_fields_set(f, "contact_person", name);
	set_time(f, "received_at", json_object_get(dossier, "received_at"), off);
	set_time(f, "appointment_at", json_object_get(dossier, "due_at"), off);

	if (strcmp(form, "mau-01") == 0) {
		printer_fields_set(f, "applicant_address", str(app, "address"));
		printer_fields_set(f, "applicant_phone", str(app, "phone"));
		printer_fields_set(f, "applicant_email", str(app, "email"));
		size_t i;
		json_t *d;
		json_array_foreach(json_object_get(dossier, "documents"), i, d)
		{
			char count[16];
			snprintf(count, sizeof count, "%lld",
			         (long long)json_integer_value(json_object_get(d, "count")));
			const char *cells[] = {str(d, "name"), kind_vi(str(d, "kind")), count};
			printer_fields_add_row(f, "documents", cells, 3);
		}
		snprintf(buf, sizeof buf, "%02lld",
		         (long long)json_integer_value(json_object_get(dossier, "sets")));
		printer_fields_set(f, "sets", buf);
		if (ctx->procedure) {
			legal_time(ctx->procedure, buf, sizeof buf);
			if (buf[0])
				printer_fields_set(f, "legal_time", buf);
			fees(ctx->procedure, buf, sizeof buf);
			printer_fields_set(f, "fees", buf);
		}
		/* Where the citizen chose to collect the result: the return
		 * centre's name and address (a province's dossier may be returned
		 * at another centre than the one that received it). */
		json_t *ret = json_object_get(dossier, "return_office");
		const char *ret_name = str(ret, "name"), *ret_addr = str(ret, "address");
		char addr[256];
		mid_sentence(ret_addr, addr, sizeof addr);
		if (ret_name[0])
			snprintf(buf, sizeof buf, "%s%s%s", ret_name, addr[0] ? ", " : "", addr);
		printer_fields_set(f, "collect_at",
		                   ret_name[0] ? buf : "Bộ phận Tiếp nhận và Trả kết quả");
		printer_fields_set(f, "receiver_name", name);
		printer_fields_set(f, "receiver_title", title);
		if (ctx->status_url) {
			printer_fields_set(f, "status_url", ctx->status_url);
			/* The second, small QR code: the feedback page (góp ý, phản
			 * ánh) for this dossier, <server>/gop-y?d=CODE&s=SECRET, on
			 * the same server and with the same secret the status code
			 * already carries (never a secret it does not). */
			const char *q = strstr(ctx->status_url, "/status?code=");
			const char *sec = q ? strstr(q, "&secret=") : NULL;
			if (q && sec) {
				char *fb = xasprintf(
				    "%.*s/gop-y?d=%.*s&s=%s", (int)(q - ctx->status_url),
				    ctx->status_url, (int)(sec - q - strlen("/status?code=")),
				    q + strlen("/status?code="), sec + strlen("&secret="));
				printer_fields_set(f, "feedback_url", fb);
				free(fb);
			}
		}
		if (ctx->secret && *ctx->secret)
			printer_fields_set(f, "lookup_secret", ctx->secret);
	} else if (strcmp(form, "mau-02") == 0) {
		if (!json_is_integer(json_object_get(dossier, "received_at")))
			set_time(f, "received_at", json_object_get(dossier, "intake_at"), off);
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(dossier, "pending"), i, it)
		{
			const char *cells[] = {str(it, "item"), str(it, "reason")};
			printer_fields_add_row(f, "items", cells, 2);
		}
	} else if (strcmp(form, "mau-03") == 0) {
		const char *cells[] = {str(dossier, "reason")};
		printer_fields_add_row(f, "reasons", cells, 1);
	} else if (strcmp(form, "mau-04") == 0) {
		json_t *apology = json_object_get(dossier, "apology");
		printer_fields_set(f, "reason", str(apology, "reason"));
		set_time(f, "new_appointment_at", json_object_get(apology, "new_due_at"), off);
	} else if (strcmp(form, "mau-05") == 0) {
		printer_fields_set(f, "reason", str(dossier, "reason"));
		set_time(f, "stopped_at", json_object_get(dossier, "finished_at"), off);
	} else if (strcmp(form, "mau-06") == 0) {
		/* The body that decides: the dossier's competent authority (in a
		 * province not always the receiving centre's own). */
		const char *lead = str(json_object_get(dossier, "authority"), "name");
		printer_fields_set(f, "lead_agency", lead[0] ? lead : agency ? agency : "");
		json_t *partners = json_object_get(ctx->procedure, "partners");
		buf[0] = '\0';
		size_t i;
		json_t *p;
		json_array_foreach(partners, i, p)
		{
			size_t used = strlen(buf);
			snprintf(buf + used, sizeof buf - used, "%s%s", used ? ", " : "",
			         json_string_value(p) ? json_string_value(p) : "");
		}
		printer_fields_set(f, "partner_agencies", buf);
		json_t *s;
		json_array_foreach(json_object_get(dossier, "steps"), i, s)
		{
			char given[32];
			when(json_object_get(s, "given_at"), off, given, sizeof given);
			const char *office = str(s, "office_name");
			if (!office[0])
				office = str(s, "office");
			/* People by their full names, an office handed the dossier
			 * with nobody named by its name: never a login or a code. */
			const char *giver = str(s, "giver_name");
			const char *receiver = str(s, "receiver_name");
			if (!receiver[0] || strcmp(str(s, "receiver"), str(s, "office")) == 0)
				receiver = office;
			const char *cells[] = {office,
			                       given,
			                       giver[0] ? giver : str(s, "giver"),
			                       receiver,
			                       timing_vi(str(s, "result")),
			                       str(s, "note")};
			printer_fields_add_row(f, "handovers", cells, 6);
		}
	}
	return f;
}
