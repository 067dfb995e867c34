/* Periodic reports: blocks kept in memory, laid out on A4 with the drawing
 * layer of draw.h (the same pango set-up as the forms). */
#include "printer/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "printer/format_vi.h"
#include "util.h"

#define REPORT_W (210 * PRINTER__MM)
#define REPORT_H (297 * PRINTER__MM)
#define REPORT_MARGIN (18 * PRINTER__MM)
#define REPORT_FONT "Noto Sans"

enum report__kind { REPORT_HEADING, REPORT_TEXT, REPORT_TABLE, REPORT_BARS };

struct report__block {
	enum report__kind kind;
	char *text; /* heading, paragraph, chart title, bar unit */
	char *unit;
	int cols, rows;
	char **cells; /* table: (rows + 1) × cols, the header first; bars: labels */
	double *widths, *values, max;
};

/* The administrative frame (thể thức, Nghị định 30/2020/NĐ-CP), copies of
 * struct printer_report_frame's strings; all NULL when not set. */
struct report__frame {
	bool set;
	char *agency_parent, *agency, *number, *place_date, *recipient, *signer_title, *signer_name,
	    *copies_to;
};

struct printer_report {
	char *title, *subtitle, *footer;
	struct report__frame frame;
	struct report__block *blocks;
	size_t n, cap;
};

static char *report__dup(const char *s)
{
	return printer__nfc(s ? s : "");
}

struct printer_report *printer_report_new(const char *title, const char *subtitle,
                                          const char *footer)
{
	struct printer_report *r = xcalloc(1, sizeof *r);
	r->title = report__dup(title);
	r->subtitle = subtitle ? report__dup(subtitle) : NULL;
	r->footer = footer ? report__dup(footer) : NULL;
	return r;
}

void printer_report_free(struct printer_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct report__block *b = &r->blocks[i];
		int cells = b->kind == REPORT_TABLE ? (b->rows + 1) * b->cols : b->rows;
		for (int k = 0; b->cells && k < cells; k++)
			free(b->cells[k]);
		free(b->cells);
		free(b->widths);
		free(b->values);
		free(b->text);
		free(b->unit);
	}
	struct report__frame *f = &r->frame;
	free(f->agency_parent);
	free(f->agency);
	free(f->number);
	free(f->place_date);
	free(f->recipient);
	free(f->signer_title);
	free(f->signer_name);
	free(f->copies_to);
	free(r->blocks);
	free(r->title);
	free(r->subtitle);
	free(r->footer);
	free(r);
}

static struct report__block *report__add(struct printer_report *r, enum report__kind kind)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->blocks = xrealloc(r->blocks, r->cap * sizeof *r->blocks);
	}
	struct report__block *b = &r->blocks[r->n++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	return b;
}

static char *report__opt(const char *s)
{
	return s && *s ? printer__nfc(s) : NULL;
}

void printer_report_set_frame(struct printer_report *r, const struct printer_report_frame *f)
{
	struct report__frame *x = &r->frame;
	x->set = true;
	x->agency_parent = report__opt(f->agency_parent);
	x->agency = report__opt(f->agency);
	x->number = report__opt(f->number);
	x->place_date = report__opt(f->place_date);
	x->recipient = report__opt(f->recipient);
	x->signer_title = report__opt(f->signer_title);
	x->signer_name = report__opt(f->signer_name);
	x->copies_to = report__opt(f->copies_to);
}

void printer_report_heading(struct printer_report *r, const char *text)
{
	report__add(r, REPORT_HEADING)->text = report__dup(text);
}

void printer_report_text(struct printer_report *r, const char *text)
{
	report__add(r, REPORT_TEXT)->text = report__dup(text);
}

void printer_report_table(struct printer_report *r, int n_cols, const char *const *headers,
                          const double *widths, int n_rows, const char *const *cells)
{
	if (n_cols <= 0 || n_rows < 0)
		return;
	struct report__block *b = report__add(r, REPORT_TABLE);
	b->cols = n_cols;
	b->rows = n_rows;
	b->cells = xcalloc((size_t)(n_rows + 1) * (size_t)n_cols, sizeof *b->cells);
	b->widths = xcalloc((size_t)n_cols, sizeof *b->widths);
	double sum = 0;
	for (int c = 0; c < n_cols; c++) {
		b->cells[c] = report__dup(headers ? headers[c] : "");
		b->widths[c] = widths && widths[c] > 0 ? widths[c] : 1;
		sum += b->widths[c];
	}
	for (int c = 0; c < n_cols; c++)
		b->widths[c] /= sum;
	for (int k = 0; k < n_rows * n_cols; k++)
		b->cells[n_cols + k] = report__dup(cells[k]);
}

void printer_report_bars(struct printer_report *r, const char *title, int n,
                         const char *const *labels, const double *values, double max,
                         const char *unit)
{
	if (n <= 0)
		return;
	struct report__block *b = report__add(r, REPORT_BARS);
	b->text = report__dup(title);
	b->unit = report__dup(unit);
	b->rows = n;
	b->cells = xcalloc((size_t)n, sizeof *b->cells);
	b->values = xcalloc((size_t)n, sizeof *b->values);
	double top = 0;
	for (int i = 0; i < n; i++) {
		b->cells[i] = report__dup(labels[i]);
		b->values[i] = isfinite(values[i]) ? values[i] : 0;
		if (b->values[i] > top)
			top = b->values[i];
	}
	b->max = max > 0 ? max : top > 0 ? top : 1;
}

/* ---- layout ------------------------------------------------------------------ */

struct report__ctx {
	const struct printer_report *r;
	int pages; /* the page count of the measuring pass; 0 during it */
};

static void report__footer(struct printer__canvas *c, int page, void *arg)
{
	const struct report__ctx *x = arg;
	if (c->measure)
		return;
	char *text =
	    x->pages > 0
	        ? xasprintf("%s — Trang %d/%d", x->r->footer ? x->r->footer : "", page, x->pages)
	        : xasprintf("%s — Trang %d", x->r->footer ? x->r->footer : "", page);
	PangoLayout *l =
	    printer__layout(c, text, false, REPORT_FONT, 7.5, PRINTER__ALIGN_CENTER, c->width);
	if (l) {
		printer__paint_layout(c, l, c->x0, REPORT_H - REPORT_MARGIN + 6);
		g_object_unref(l);
	}
	free(text);
}

/* The height text (plain) takes across the canvas's width. */
static double report__para_height(struct printer__canvas *c, const char *text, double size,
                                  bool bold)
{
	char *markup = g_markup_printf_escaped(bold ? "<b>%s</b>" : "%s", text);
	PangoLayout *l =
	    printer__layout(c, markup, true, REPORT_FONT, size, PRINTER__ALIGN_LEFT, c->width);
	g_free(markup);
	if (l == NULL)
		return 0;
	double h = printer__layout_height(l);
	g_object_unref(l);
	return h;
}

/* Paints text (plain) at the cursor and moves it down. */
static void report__para(struct printer__canvas *c, const char *text, double size, bool bold,
                         enum printer__align align, double before, double after)
{
	char *markup = g_markup_printf_escaped(bold ? "<b>%s</b>" : "%s", text);
	PangoLayout *l = printer__layout(c, markup, true, REPORT_FONT, size, align, c->width);
	g_free(markup);
	if (l == NULL)
		return;
	double h = printer__layout_height(l);
	c->y += before;
	printer__ensure(c, h + after);
	printer__paint_layout(c, l, c->x0, c->y);
	c->y += h + after;
	g_object_unref(l);
}

static bool report__numeric(const char *s)
{
	return s && (*s == '-' || *s == '.' || (*s >= '0' && *s <= '9') ||
	             strncmp(s, "\xe2\x80\x94", 3) == 0); /* — : no data */
}

/* One table row at the cursor (cells[0..cols)); returns its height. */
static double report__row(struct printer__canvas *c, const struct report__block *b,
                          char *const *cells, bool header, bool paint)
{
	const double pad = 2.5, size = header ? 7.5 : 8;
	double h = 0, x = c->x0;
	PangoLayout *ls[64];
	int cols = b->cols < 64 ? b->cols : 64;
	for (int k = 0; k < cols; k++) {
		double w = b->widths[k] * c->width - 2 * pad;
		char *m = g_markup_printf_escaped(header ? "<b>%s</b>" : "%s", cells[k]);
		enum printer__align al = header                      ? PRINTER__ALIGN_CENTER
		                         : report__numeric(cells[k]) ? PRINTER__ALIGN_RIGHT
		                                                     : PRINTER__ALIGN_LEFT;
		ls[k] = printer__layout(c, m, true, REPORT_FONT, size, al, w);
		g_free(m);
		if (ls[k] && printer__layout_height(ls[k]) > h)
			h = printer__layout_height(ls[k]);
	}
	h += 2 * pad;
	for (int k = 0; k < cols; k++) {
		double w = b->widths[k] * c->width;
		if (paint && ls[k] && !c->measure) {
			if (header) {
				cairo_save(c->cr);
				cairo_set_source_rgb(c->cr, 0.9, 0.92, 0.95);
				cairo_rectangle(c->cr, x, c->y, w, h);
				cairo_fill(c->cr);
				cairo_restore(c->cr);
			}
			cairo_save(c->cr);
			cairo_set_line_width(c->cr, 0.5);
			cairo_rectangle(c->cr, x, c->y, w, h);
			cairo_stroke(c->cr);
			cairo_restore(c->cr);
			printer__paint_layout(c, ls[k], x + pad, c->y + pad);
		}
		if (ls[k])
			g_object_unref(ls[k]);
		x += w;
	}
	return h;
}

static void report__table(struct printer__canvas *c, const struct report__block *b)
{
	c->y += 3;
	double hh = report__row(c, b, b->cells, true, false);
	printer__ensure(c, hh + 14);
	c->y += report__row(c, b, b->cells, true, true);
	for (int i = 0; i < b->rows; i++) {
		char *const *row = b->cells + (size_t)(i + 1) * (size_t)b->cols;
		double h = report__row(c, b, row, false, false);
		if (printer__ensure(c, h))
			c->y += report__row(c, b, b->cells, true, true);
		c->y += report__row(c, b, row, false, true);
	}
	c->y += 6;
}

static void report__bars(struct printer__canvas *c, const struct report__block *b)
{
	const double bar_h = 9, gap = 3, label_w = c->width * 0.34, value_w = c->width * 0.14;
	/* The chart stays on one page when it fits one (its title with it). */
	double whole = report__para_height(c, b->text, 9, true) + 7 + b->rows * (bar_h + gap);
	if (whole <= c->bottom - c->top)
		printer__ensure(c, whole);
	/* One rule for the chart's figures: whole numbers when all are, else
	 * one decimal for every bar ("100,0 %" next to "93,3 %"). */
	int decimals = 0;
	for (int i = 0; i < b->rows; i++)
		if (b->values[i] != floor(b->values[i]))
			decimals = 1;
	report__para(c, b->text, 9, true, PRINTER__ALIGN_LEFT, 4, 3);
	for (int i = 0; i < b->rows; i++) {
		printer__ensure(c, bar_h + gap);
		PangoLayout *l = printer__layout(c, b->cells[i], false, REPORT_FONT, 7.5,
		                                 PRINTER__ALIGN_RIGHT, label_w - 4);
		if (l) {
			printer__paint_layout(c, l, c->x0, c->y);
			g_object_unref(l);
		}
		double span = c->width - label_w - value_w;
		double w = span * (b->values[i] / b->max);
		if (w < 0)
			w = 0;
		if (w > span)
			w = span;
		if (!c->measure) {
			cairo_save(c->cr);
			cairo_set_source_rgb(c->cr, 0.16, 0.38, 0.62);
			cairo_rectangle(c->cr, c->x0 + label_w, c->y + 1, w, bar_h - 2);
			cairo_fill(c->cr);
			cairo_restore(c->cr);
		}
		/* The decimal comma; a unit after a space ("93,3 %"). */
		char num[64];
		printer_fmt_number_vi(b->values[i], decimals, num, sizeof num);
		char *v = xasprintf("%s%s%s", num, b->unit && *b->unit ? " " : "",
		                    b->unit ? b->unit : "");
		l = printer__layout(c, v, false, REPORT_FONT, 7.5, PRINTER__ALIGN_LEFT, value_w);
		if (l) {
			printer__paint_layout(c, l, c->x0 + label_w + w + 3, c->y);
			g_object_unref(l);
		}
		free(v);
		c->y += bar_h + gap;
	}
	c->y += 4;
}

/* Paints markup in a column [x, x + w) from y down; returns its height. */
static double report__cell(struct printer__canvas *c, const char *markup, double size,
                           enum printer__align align, double x, double y, double w)
{
	PangoLayout *l = printer__layout(c, markup, true, REPORT_FONT, size, align, w);
	if (l == NULL)
		return 0;
	double h = printer__layout_height(l);
	printer__paint_layout(c, l, x, y);
	g_object_unref(l);
	return h;
}

/* A short rule centred in [x, x + w) at y. */
static void report__rule(struct printer__canvas *c, double x, double w, double y, double len)
{
	if (c->measure)
		return;
	cairo_save(c->cr);
	cairo_set_line_width(c->cr, 0.6);
	cairo_move_to(c->cr, x + (w - len) / 2, y);
	cairo_line_to(c->cr, x + (w + len) / 2, y);
	cairo_stroke(c->cr);
	cairo_restore(c->cr);
}

/* The document's head: the agency (its parent above, in capitals) and the
 * number on the left; the national name and motto, then place and date, on
 * the right. */
static void report__frame_head(struct printer__canvas *c, const struct report__frame *f)
{
	const double lw = c->width * 0.42, rw = c->width - lw, x = c->x0, y = c->y;
	double hl = 0, hr = 0;
	char *up, *m;
	if (f->agency_parent) {
		up = g_utf8_strup(f->agency_parent, -1);
		m = g_markup_printf_escaped("%s", up);
		hl += report__cell(c, m, 9.5, PRINTER__ALIGN_CENTER, x, y + hl, lw);
		g_free(m);
		g_free(up);
	}
	if (f->agency) {
		up = g_utf8_strup(f->agency, -1);
		m = g_markup_printf_escaped("<b>%s</b>", up);
		hl += report__cell(c, m, 9.5, PRINTER__ALIGN_CENTER, x, y + hl, lw);
		g_free(m);
		g_free(up);
	}
	report__rule(c, x, lw, y + hl + 2, lw * 0.35);
	hl += 6;
	if (f->number) {
		m = g_markup_printf_escaped("%s", f->number);
		hl += report__cell(c, m, 9.5, PRINTER__ALIGN_CENTER, x, y + hl, lw);
		g_free(m);
	}
	hr += report__cell(c, "<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", 9.5,
	                   PRINTER__ALIGN_CENTER, x + lw, y, rw);
	hr += report__cell(c, "<b>Độc lập - Tự do - Hạnh phúc</b>", 10, PRINTER__ALIGN_CENTER,
	                   x + lw, y + hr, rw);
	report__rule(c, x + lw, rw, y + hr + 2, rw * 0.45);
	hr += 6;
	if (f->place_date) {
		m = g_markup_printf_escaped("<i>%s</i>", f->place_date);
		hr += report__cell(c, m, 9.5, PRINTER__ALIGN_CENTER, x + lw, y + hr, rw);
		g_free(m);
	}
	c->y += (hl > hr ? hl : hr) + 14;
}

/* The end of the document: where it goes (Nơi nhận) on the left, the
 * signer's title, the hint to sign and the name on the right. */
static void report__frame_sign(struct printer__canvas *c, const struct report__frame *f)
{
	const double lw = c->width * 0.45, rw = c->width - lw, x = c->x0;
	const double space = 20 * PRINTER__MM;
	printer__ensure(c, 48 + space);
	double y = c->y + 10, hl = 0, hr = 0;
	char *m;
	if (f->copies_to) {
		m = g_markup_printf_escaped("<b><i>Nơi nhận:</i></b>\n%s", f->copies_to);
		hl = report__cell(c, m, 8, PRINTER__ALIGN_LEFT, x, y, lw);
		g_free(m);
	}
	char *up = g_utf8_strup(f->signer_title ? f->signer_title : "Người lập báo cáo", -1);
	m = g_markup_printf_escaped("<b>%s</b>", up);
	hr += report__cell(c, m, 10, PRINTER__ALIGN_CENTER, x + lw, y, rw);
	g_free(m);
	g_free(up);
	hr += report__cell(c, "<i>(Ký, ghi rõ họ tên)</i>", 9, PRINTER__ALIGN_CENTER, x + lw,
	                   y + hr, rw);
	hr += space;
	m = g_markup_printf_escaped("<b>%s</b>", f->signer_name ? f->signer_name : "");
	hr += report__cell(c, m, 10, PRINTER__ALIGN_CENTER, x + lw, y + hr, rw);
	g_free(m);
	c->y = y + (hl > hr ? hl : hr) + 6;
}

/* How much of block b (may be NULL) must stay with the heading before it:
 * a table's header and first row, a whole chart, a paragraph. */
static double report__keep_next(struct printer__canvas *c, const struct report__block *b)
{
	if (b == NULL)
		return 0;
	switch (b->kind) {
	case REPORT_TABLE:
		return 3 + report__row(c, b, b->cells, true, false) +
		       (b->rows > 0 ? report__row(c, b, b->cells + b->cols, false, false) : 0);
	case REPORT_BARS: return report__para_height(c, b->text, 9, true) + 7 + b->rows * 12.0;
	case REPORT_TEXT: return report__para_height(c, b->text, 9, false) + 4;
	case REPORT_HEADING: return 0;
	}
	return 0;
}

/* Lays the whole report out on c from its first page (headings kept with
 * the start of what follows them). */
static void report__layout(struct printer__canvas *c, const struct printer_report *r)
{
	if (r->frame.set)
		report__frame_head(c, &r->frame);
	report__para(c, r->title, 14, true, PRINTER__ALIGN_CENTER, 0, 4);
	if (r->subtitle)
		report__para(c, r->subtitle, 10, false, PRINTER__ALIGN_CENTER, 0, 8);
	if (r->frame.recipient)
		report__para(c, r->frame.recipient, 10, false, PRINTER__ALIGN_CENTER, 0, 8);
	for (size_t i = 0; i < r->n; i++) {
		const struct report__block *b = &r->blocks[i];
		switch (b->kind) {
		case REPORT_HEADING: {
			/* A heading never sits alone at a page's bottom. */
			double need = 8 + report__para_height(c, b->text, 11, true) + 4 +
			              report__keep_next(c, i + 1 < r->n ? &r->blocks[i + 1] : NULL);
			if (need <= c->bottom - c->top)
				printer__ensure(c, need);
			report__para(c, b->text, 11, true, PRINTER__ALIGN_LEFT, 8, 4);
			break;
		}
		case REPORT_TEXT:
			report__para(c, b->text, 9, false, PRINTER__ALIGN_JUSTIFY, 0, 4);
			break;
		case REPORT_TABLE: report__table(c, b); break;
		case REPORT_BARS: report__bars(c, b); break;
		}
	}
	if (r->frame.set)
		report__frame_sign(c, &r->frame);
}

int printer_report_pdf(const struct printer_report *r, uint8_t **out, size_t *out_len, char *err,
                       size_t err_size)
{
	struct strbuf buf = {0};
	struct report__ctx x = {.r = r};
	struct printer__canvas c;
	int rc = PRINTER_OK;

	*out = NULL;
	*out_len = 0;
	if (r == NULL)
		return printer__fail(err, err_size, PRINTER_ERR_INVALID, "no report");
	cairo_surface_t *s = printer__pdf_surface(&buf, REPORT_W, REPORT_H, r->title);
	cairo_t *cr = cairo_create(s);
	/* Twice: a measuring pass counts the pages ("Trang 1/3"), then the
	 * painting pass lays out exactly the same. */
	for (int pass = 0; pass < 2; pass++) {
		printer__canvas_init(&c, cr);
		c.measure = pass == 0;
		c.x0 = REPORT_MARGIN;
		c.width = REPORT_W - 2 * REPORT_MARGIN;
		c.top = c.y = REPORT_MARGIN;
		c.bottom = REPORT_H - REPORT_MARGIN;
		c.on_page = report__footer;
		c.on_page_arg = &x;
		if (pass == 1)
			break;
		report__layout(&c, r);
		x.pages = c.page;
		printer__canvas_finish(&c);
	}
	report__layout(&c, r);
	printer__last_page(&c);
	printer__canvas_finish(&c);
	cairo_show_page(cr);
	cairo_destroy(cr);
	rc = printer__pdf_take(s, &buf, out, out_len, err, err_size);
	cairo_surface_destroy(s);
	strbuf_free(&buf);
	return rc;
}
