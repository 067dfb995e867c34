/* Periodic reports: blocks kept in memory, laid out on A4 with the drawing
 * layer of draw.h (the same pango set-up as the forms). */
#include "printer/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
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

struct printer_report {
	char *title, *subtitle, *footer;
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
	struct printer_report *r = printer__xcalloc(1, sizeof *r);
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
		r->blocks = printer__xrealloc(r->blocks, r->cap * sizeof *r->blocks);
	}
	struct report__block *b = &r->blocks[r->n++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	return b;
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
	b->cells = printer__xcalloc((size_t)(n_rows + 1) * (size_t)n_cols, sizeof *b->cells);
	b->widths = printer__xcalloc((size_t)n_cols, sizeof *b->widths);
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
	b->cells = printer__xcalloc((size_t)n, sizeof *b->cells);
	b->values = printer__xcalloc((size_t)n, sizeof *b->values);
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
};

static void report__footer(struct printer__canvas *c, int page, void *arg)
{
	const struct report__ctx *x = arg;
	char *text = printer__xasprintf("%s — Trang %d", x->r->footer ? x->r->footer : "", page);
	PangoLayout *l =
	    printer__layout(c, text, false, REPORT_FONT, 7.5, PRINTER__ALIGN_CENTER, c->width);
	if (l) {
		printer__paint_layout(c, l, c->x0, REPORT_H - REPORT_MARGIN + 6);
		g_object_unref(l);
	}
	free(text);
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
		char *v = printer__xasprintf("%.1f%s", b->values[i], b->unit ? b->unit : "");
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

int printer_report_pdf(const struct printer_report *r, uint8_t **out, size_t *out_len, char *err,
                       size_t err_size)
{
	struct printer__buf buf = {0};
	struct report__ctx x = {.r = r};
	struct printer__canvas c;
	int rc = PRINTER_OK;

	*out = NULL;
	*out_len = 0;
	if (r == NULL)
		return printer__fail(err, err_size, PRINTER_ERR_INVALID, "no report");
	cairo_surface_t *s = printer__pdf_surface(&buf, REPORT_W, REPORT_H, r->title);
	cairo_t *cr = cairo_create(s);
	printer__canvas_init(&c, cr);
	c.x0 = REPORT_MARGIN;
	c.width = REPORT_W - 2 * REPORT_MARGIN;
	c.top = c.y = REPORT_MARGIN;
	c.bottom = REPORT_H - REPORT_MARGIN;
	c.on_page = report__footer;
	c.on_page_arg = &x;
	report__para(&c, r->title, 14, true, PRINTER__ALIGN_CENTER, 0, 4);
	if (r->subtitle)
		report__para(&c, r->subtitle, 10, false, PRINTER__ALIGN_CENTER, 0, 8);
	for (size_t i = 0; i < r->n; i++) {
		const struct report__block *b = &r->blocks[i];
		switch (b->kind) {
		case REPORT_HEADING:
			report__para(&c, b->text, 11, true, PRINTER__ALIGN_LEFT, 8, 4);
			break;
		case REPORT_TEXT:
			report__para(&c, b->text, 9, false, PRINTER__ALIGN_JUSTIFY, 0, 4);
			break;
		case REPORT_TABLE: report__table(&c, b); break;
		case REPORT_BARS: report__bars(&c, b); break;
		}
	}
	printer__last_page(&c);
	printer__canvas_finish(&c);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		rc = printer__fail(err, err_size, PRINTER_ERR_RENDER, "cairo: %s",
		                   cairo_status_to_string(cairo_surface_status(s)));
		goto out;
	}
	*out = printer__buf_take(&buf, out_len);
out:
	cairo_surface_destroy(s);
	printer__buf_free(&buf);
	return rc;
}
