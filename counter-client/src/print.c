/* Printing at the counter: the legal forms are filled from the dossier the
 * server returned, rendered with the printer library and sent through CUPS to
 * this counter's own destination. The dossier is always saved before this
 * runs: a failed print is said plainly, with the command that reprints it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "printer/dossier_forms.h"
#include "printer/fields.h"
#include "printer/rating_slip.h"
#include "printer/render.h"
#include "printer/submit.h"
#include "util/paths.h"
#include "util/xmalloc.h"

#define PRINT_TIMEOUT_MS 15000

const char *cc_form_name(const char *s)
{
	static const char *const names[] = {"mau-01", "mau-02", "mau-03"};
	if (strncmp(s, "mau", 3) == 0)
		s += s[3] == '-' ? 4 : 3;
	char *end;
	long n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || n < 1 || n > 3)
		return NULL;
	return names[n - 1];
}

char *cc_printer_dest(struct cc *c, enum cc_printer_source *source, char *why, size_t why_size)
{
	*source = CC_PRINTER_CONFIG;
	if (c->cfg.printer)
		return xstrdup(c->cfg.printer);
	json_t *list;
	if (c->cfg.token == NULL ||
	    cc_api(c, "GET", "/api/v1/printers?limit=500", NULL, &list) != CC_OK) {
		snprintf(
		    why, why_size, "%s",
		    T(c, "quầy chưa có máy in (đặt bằng: motcua-counter printers --set URI)",
		      "the counter has no printer (set one with: motcua-counter printers --set "
		      "URI)"));
		return NULL;
	}
	size_t i, j;
	json_t *p, *no;
	char *dest = NULL;
	json_array_foreach(json_object_get(list, "items"), i,
	                   p){json_array_foreach(json_object_get(p, "counters"), j, no){
	    if (dest == NULL && json_integer_value(no) == c->cfg.counter &&
	        json_is_true(json_object_get(p, "active")) &&
	        strcmp(cc_str(p, "format", "pdf"), "pdf") == 0) dest =
	        xstrdup(cc_str(p, "target", ""));
}
}
/* A counter without a PDF printer of its own (none, or a thermal ticket
 * printer) prints forms on the office's default (docs/api.md,
 * "Destinations"). */
*source = CC_PRINTER_COUNTER;
json_array_foreach(json_object_get(list, "items"), i, p)
{
	if (dest == NULL && json_is_true(json_object_get(p, "default")) &&
	    json_is_true(json_object_get(p, "active")) &&
	    strcmp(cc_str(p, "format", "pdf"), "pdf") == 0) {
		dest = xstrdup(cc_str(p, "target", ""));
		*source = CC_PRINTER_DEFAULT;
	}
}
json_decref(list);
if (dest == NULL || *dest == '\0') {
	free(dest);
	snprintf(why, why_size,
	         T(c,
	           "quầy %d chưa có máy in PDF và văn phòng chưa có máy in mặc định (đặt bằng: "
	           "motcua-counter printers --set URI)",
	           "counter %d has no PDF printer and the office no default one (set one with: "
	           "motcua-counter printers --set URI)"),
	         c->cfg.counter);
	return NULL;
}
return dest;
}

/* The procedure as imported (processing, fees) in the version the dossier
 * keeps (the one in force at its intake, docs/api.md), or NULL: never a
 * later version's legal time and fee beside this dossier's appointment. */
static json_t *print_procedure(struct cc *c, json_t *dossier)
{
	json_t *pv = json_object_get(dossier, "procedure");
	const char *code = cc_str(pv, "code", "");
	json_int_t version = json_integer_value(json_object_get(pv, "version"));
	char *q = cc_urlencode(code),
	     *path = xasprintf("/api/v1/procedures?code=%s&version=%lld", q, (long long)version);
	json_t *list, *found = NULL, *p;
	size_t i;
	if (cc_api(c, "GET", path, NULL, &list) == CC_OK) {
		json_array_foreach(json_object_get(list, "items"), i, p)
		{
			if (found == NULL && strcmp(cc_str(p, "code", ""), code) == 0 &&
			    json_integer_value(json_object_get(p, "version")) == version)
				found = json_incref(p);
		}
		json_decref(list);
	}
	free(path);
	free(q);
	return found;
}

/* The head of a form for the receiving centre code (GET /offices), as the
 * server heads it (api/printing.c): into ctx its name; the body it belongs
 * to (the part after " - " when its own name says it, else its parent's
 * name, except the bare "Tỉnh" a one-centre database starts with); its
 * locality, else its parent's. The strings live in *tree (caller decrefs),
 * parent_buf and the tree. Without the tree, the hall's office of the
 * queue (*tree then holds the queue). */
static void print_head(struct cc *c, const char *code, json_t **tree, char *parent_buf,
                       size_t parent_len, struct printer_dossier_context *ctx)
{
	json_t *items, *o, *up;
	*tree = NULL;
	parent_buf[0] = '\0';
	if (code && cc_api_quiet(c, "GET", "/api/v1/offices?limit=500", tree) == CC_OK) {
		items = json_object_get(*tree, "items");
		o = cc_office_in(items, code);
		up = o ? cc_office_in(items, cc_str(o, "parent", NULL)) : NULL;
	} else {
		json_decref(*tree);
		*tree = NULL;
		if (cc_queue(c, tree) != CC_OK)
			return;
		o = json_object_get(*tree, "office");
		up = NULL;
		snprintf(parent_buf, parent_len, "%s", cc_str(o, "parent", ""));
	}
	if (o == NULL)
		return;
	const char *name = cc_str(o, "name", "");
	const char *pname = up ? cc_str(up, "name", "") : parent_buf;
	if (pname != parent_buf)
		snprintf(parent_buf, parent_len, "%s", pname);
	if (strcmp(parent_buf, "Tỉnh") == 0)
		parent_buf[0] = '\0';
	const char *dash = strstr(name, " - ");
	if (dash && dash[3])
		snprintf(parent_buf, parent_len, "%s", dash + 3);
	ctx->agency = name;
	ctx->agency_parent = parent_buf[0] ? parent_buf : NULL;
	ctx->locality = cc_str(o, "locality", NULL);
	if ((ctx->locality == NULL || *ctx->locality == '\0') && up)
		ctx->locality = cc_str(up, "locality", NULL);
}

/* The fields of form for dossier (the one mapping, printer/dossier_forms.h),
 * with what only the counter knows: the receiving centre's head, who
 * prints, and the receipt's status link with its secret. */
static struct printer_fields *print_fields(struct cc *c, json_t *dossier, const char *form,
                                           const char *secret)
{
	json_t *tree = NULL, *proc = NULL;
	const char *code = cc_str(dossier, "code", "");
	char *url = NULL, parent[320];
	struct printer_dossier_context ctx = {.officer = c->cfg.username ? c->cfg.username : "",
	                                      .utc_offset_minutes = 7 * 60};
	json_t *io = json_object_get(dossier, "intake_office");
	print_head(c, cc_str(io, "code", NULL), &tree, parent, sizeof parent, &ctx);
	/* The receiving centre is named from the dossier, as the unit itself
	 * (printer/dossier_forms.c). */
	if (cc_str(io, "name", NULL))
		ctx.agency = NULL;
	if (strcmp(form, "mau-01") == 0 || strcmp(form, "mau-06") == 0)
		proc = print_procedure(c, dossier);
	ctx.procedure = proc;
	if (strcmp(form, "mau-01") == 0 && secret && *secret) {
		url = xasprintf("%s/status?code=%s&secret=%s", cc_server(c), code, secret);
		ctx.status_url = url;
		ctx.secret = secret;
	}
	struct printer_fields *f = printer_dossier_fields(dossier, form, &ctx);
	free(url);
	json_decref(proc);
	json_decref(tree);
	return f;
}

/* Renders form into *pdf; CC_OK or CC_ERR with why filled. */
static int print_render(struct cc *c, json_t *dossier, const char *form, const char *secret,
                        uint8_t **pdf, size_t *len, char *why, size_t why_size)
{
	char *path = xasprintf("%s/forms/%s.json", paths_data_dir(), form);
	struct printer_form *tpl = NULL;
	int st = printer_form_load(path, &tpl, why, why_size);
	free(path);
	if (st != PRINTER_OK)
		return CC_ERR;
	struct printer_fields *f = print_fields(c, dossier, form, secret);
	st = printer_form_pdf(tpl, f, pdf, len, why, why_size);
	printer_fields_free(f);
	printer_form_free(tpl);
	return st == PRINTER_OK ? CC_OK : CC_ERR;
}

char *cc_printer_name(struct cc *c, const char *dest)
{
	json_t *list = NULL, *p;
	size_t i;
	char *name = NULL;
	if (c->cfg.token && cc_api_quiet(c, "GET", "/api/v1/printers?limit=500", &list) == CC_OK) {
		json_array_foreach(json_object_get(list, "items"), i, p)
		{
			if (strcmp(cc_str(p, "target", ""), dest) == 0 && *cc_str(p, "name", "")) {
				name = xasprintf("%s \"%s\"", T(c, "máy in", "printer"),
				                 cc_str(p, "name", ""));
				break;
			}
		}
	}
	json_decref(list);
	return name ? name : xstrdup(dest);
}

int cc_print_form(struct cc *c, json_t *dossier, const char *form, const char *secret, int copies)
{
	const char *code = cc_str(dossier, "code", "?");
	char why[512] = "";
	uint8_t *pdf = NULL;
	size_t len = 0;
	enum cc_printer_source source;
	int printed = 0;
	char *dest = cc_printer_dest(c, &source, why, sizeof why);
	if (dest && print_render(c, dossier, form, secret, &pdf, &len, why, sizeof why) == CC_OK) {
		char *title = xasprintf("%s %s", code, form);
		for (int i = 0; i < copies; i++) {
			struct printer_job job;
			int st = printer_print(dest, PRINTER_FORMAT_PDF, pdf, len, title,
			                       PRINT_TIMEOUT_MS, &job, why, sizeof why);
			if (st != PRINTER_OK) {
				if (st == PRINTER_ERR_UNREACHABLE || st == PRINTER_ERR_TIMEOUT)
					snprintf(why + strlen(why), sizeof why - strlen(why),
					         " (%s)",
					         T(c, "máy in tắt hoặc không kết nối được",
					           "the printer is off or unreachable"));
				break;
			}
			printed++;
		}
		free(title);
	}
	free(pdf);
	if (dest && printed == copies) {
		if (!c->json) {
			char *name = cc_printer_name(c, dest);
			printf(T(c, "Đã in %s của hồ sơ %s (%d bản) trên %s.\n",
			         "Printed %s of dossier %s (%d copies) on %s.\n"),
			       cc_form_text(form), code, copies, name);
			free(name);
		}
		free(dest);
		return CC_OK;
	}
	free(dest);
	cc_fail(c, CC_NOT_PRINTED,
	        T(c,
	          "Hồ sơ %s ĐÃ LƯU trên máy chủ nhưng CHƯA IN được %s (%d/%d bản): %s. "
	          "Kiểm tra máy in rồi in lại: motcua-counter print %s %s",
	          "Dossier %s IS SAVED on the server but %s was NOT PRINTED (%d of %d copies): %s. "
	          "Check the printer, then reprint: motcua-counter print %s %s"),
	        code, cc_form_text(form), printed, copies, why, code, form);
	return CC_NOT_PRINTED;
}

/* The counter's ticket printer, for slips: the one set on this computer (PDF),
 * else the one the server assigns to the counter (PDF or ESC/POS), else the
 * office's default. Returns a malloc'd target with *raw (ESC/POS) and *paper
 * set, or NULL with why filled. */
static char *print_slip_dest(struct cc *c, bool *raw, enum printer_paper *paper, char *why,
                             size_t why_size)
{
	*raw = false;
	*paper = PRINTER_PAPER_ROLL_80;
	if (c->cfg.printer)
		return xstrdup(c->cfg.printer);
	json_t *list, *p, *no, *mine = NULL, *dflt = NULL;
	size_t i, j;
	if (c->cfg.token == NULL ||
	    cc_api(c, "GET", "/api/v1/printers?limit=500", NULL, &list) != CC_OK) {
		snprintf(why, why_size, "%s",
		         T(c, "không đọc được danh sách máy in", "cannot read the printers"));
		return NULL;
	}
	json_array_foreach(json_object_get(list, "items"), i, p)
	{
		if (!json_is_true(json_object_get(p, "active")))
			continue;
		if (dflt == NULL && json_is_true(json_object_get(p, "default")))
			dflt = p;
		json_array_foreach(json_object_get(p, "counters"), j, no)
		{
			if (mine == NULL && json_integer_value(no) == c->cfg.counter)
				mine = p;
		}
	}
	p = mine ? mine : dflt;
	char *dest = p ? xstrdup(cc_str(p, "target", "")) : NULL;
	if (p) {
		const char *pp = cc_str(p, "paper", "80mm");
		*raw = strcmp(cc_str(p, "format", "pdf"), "escpos") == 0;
		*paper = strcmp(pp, "58mm") == 0 ? PRINTER_PAPER_ROLL_58
		         : strcmp(pp, "a5") == 0 ? PRINTER_PAPER_A5
		         : strcmp(pp, "a4") == 0 ? PRINTER_PAPER_A4
		                                 : PRINTER_PAPER_ROLL_80;
		if (*raw && (*paper == PRINTER_PAPER_A5 || *paper == PRINTER_PAPER_A4))
			*paper = PRINTER_PAPER_ROLL_80;
	}
	json_decref(list);
	if (dest == NULL || *dest == '\0') {
		free(dest);
		snprintf(why, why_size,
		         T(c, "quầy %d chưa có máy in và văn phòng chưa có máy in mặc định",
		           "counter %d has no printer and the office no default one"),
		         c->cfg.counter);
		return NULL;
	}
	return dest;
}

int cc_print_rating_slip(struct cc *c, json_t *dossier, json_t *link)
{
	const char *code = cc_str(dossier, "code", "?");
	char why[512] = "", grouped[96] = "", *dest = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	bool raw;
	enum printer_paper paper;
	json_t *queue = NULL;
	int st = PRINTER_OK;

	dest = print_slip_dest(c, &raw, &paper, why, sizeof why);
	if (dest) {
		if (cc_queue(c, &queue) != CC_OK)
			queue = NULL;
		/* The words are the server's slip's (printer/rating_slip.h). */
		struct printer_rating_slip slip = {
		    .office_name = cc_str(json_object_get(queue, "office"), "name", NULL),
		    .dossier_code = code,
		    .what = cc_str(json_object_get(dossier, "procedure"), "name", ""),
		    .base_url = cc_server(c),
		    .token = cc_str(link, "token", ""),
		    .expires_at = json_integer_value(json_object_get(link, "expires_at")),
		    .utc_offset_seconds = 7 * 3600,
		};
		printer_rating_code_grouped(slip.token, grouped, sizeof grouped);
		st =
		    printer_rating_slip_render(&slip, raw ? PRINTER_FORMAT_RAW : PRINTER_FORMAT_PDF,
		                               paper, &data, &len, why, sizeof why);
		if (st == PRINTER_OK) {
			struct printer_job job;
			char *title = xasprintf("%s phieu-danh-gia", code);
			st =
			    printer_print(dest, raw ? PRINTER_FORMAT_RAW : PRINTER_FORMAT_PDF, data,
			                  len, title, PRINT_TIMEOUT_MS, &job, why, sizeof why);
			free(title);
			if (st == PRINTER_ERR_UNREACHABLE || st == PRINTER_ERR_TIMEOUT)
				snprintf(why + strlen(why), sizeof why - strlen(why), " (%s)",
				         T(c, "máy in tắt hoặc không kết nối được",
				           "the printer is off or unreachable"));
		}
	}
	int rc = CC_OK;
	if (dest && st == PRINTER_OK) {
		if (!c->json) {
			char *name = cc_printer_name(c, dest);
			printf(T(c, "Đã in phiếu đánh giá của hồ sơ %s trên %s (mã %s).\n",
			         "Printed the rating slip of dossier %s on %s (code %s).\n"),
			       code, name, grouped);
			free(name);
		}
	} else {
		rc = cc_fail(
		    c, CC_NOT_PRINTED,
		    T(c,
		      "CHƯA IN được phiếu đánh giá của hồ sơ %s: %s. Kiểm tra máy in rồi in "
		      "lại: motcua-counter rating-slip %s",
		      "The rating slip of dossier %s was NOT PRINTED: %s. Check the printer, "
		      "then print it again: motcua-counter rating-slip %s"),
		    code, why, code);
	}
	free(data);
	free(dest);
	json_decref(queue);
	return rc;
}
