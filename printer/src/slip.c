/* Slips on the ticket printer (printer/slip.h): one layout drawn once to
 * measure the roll length and once for real, to PDF or to a 203 dpi raster
 * turned into ESC/POS, as the queue ticket is. */
#include "printer/slip.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "printer/escpos.h"
#include "util.h"

#define SLIP__DPI 203.0
#define SLIP__SANS "Noto Sans"
#define SLIP__PAD (1.5 * PRINTER__MM)

static bool slip__set(const char *s)
{
	return s != NULL && *s != '\0';
}

/* A centered paragraph of text (escaped, NFC) wrapped in open/close markup;
 * moves the cursor below it. */
static void slip__line(struct printer__canvas *c, const char *text, const char *open,
                       const char *close, double size, double gap)
{
	char *nfc = printer__nfc(text);
	gchar *esc = g_markup_escape_text(nfc, -1);
	char *markup = printer__xasprintf("%s%s%s", open, esc, close);
	PangoLayout *l =
	    printer__layout(c, markup, true, SLIP__SANS, size, PRINTER__ALIGN_CENTER, c->width);

	if (l != NULL) {
		printer__paint_layout(c, l, c->x0, c->y);
		c->y += printer__layout_height(l) + gap;
		g_object_unref(l);
	}
	free(markup);
	g_free(esc);
	free(nfc);
}

/* A centered line of text (escaped, NFC) in open/close markup, kept on one
 * line: scaled down from size until it fits 96 % of the column, since a title
 * broken mid-phrase ("HÀI / LÒNG") or a wrapped code is misread. Moves the
 * cursor below it. */
static void slip__fit_line(struct printer__canvas *c, const char *text, const char *open,
                           const char *close, double size, double gap)
{
	char *nfc = printer__nfc(text);
	gchar *esc = g_markup_escape_text(nfc, -1);
	char *markup = printer__xasprintf("%s%s%s", open, esc, close);
	PangoLayout *l =
	    printer__layout(c, markup, true, SLIP__SANS, size, PRINTER__ALIGN_CENTER, -1);
	if (l != NULL && printer__layout_width(l) > c->width * 0.96) {
		size *= c->width * 0.96 / printer__layout_width(l);
		g_object_unref(l);
		l = printer__layout(c, markup, true, SLIP__SANS, size, PRINTER__ALIGN_CENTER, -1);
	}
	if (l != NULL) {
		double w = printer__layout_width(l);
		printer__paint_layout(c, l, c->x0 + (c->width - w) / 2, c->y);
		c->y += printer__layout_height(l) + gap;
		g_object_unref(l);
	}
	free(markup);
	g_free(esc);
	free(nfc);
}

/* Lays the slip out from the cursor down; false when the QR code could not be
 * encoded. */
static bool slip__draw(struct printer__canvas *c, const struct printer_slip *s)
{
	double k = fmax(c->width / (69 * PRINTER__MM), 0.82);
	bool ok = true;

	if (slip__set(s->office_name))
		slip__line(c, s->office_name, "<b>", "</b>", 10 * k, 3 * k);
	printer__hline(c, c->x0, c->y, c->width, 0.8 * k);
	c->y += 4 * k;
	slip__fit_line(c, s->title, "<b>", "</b>", 12 * k, 3 * k);
	if (slip__set(s->text))
		slip__line(c, s->text, "", "", 9.5 * k, 3 * k);
	if (slip__set(s->qr_url)) {
		double qs = c->width * 0.55;
		ok = printer__qr(c, s->qr_url, c->x0 + (c->width - qs) / 2, c->y, qs);
		c->y += qs + 2 * k;
		if (slip__set(s->qr_caption))
			slip__line(c, s->qr_caption, "", "", 8.5 * k, 2 * k);
	}
	if (slip__set(s->code)) {
		if (slip__set(s->code_label))
			slip__line(c, s->code_label, "", "", 9 * k, 0);
		/* Large, on one line: a wrapped code is misread. */
		slip__fit_line(c, s->code, "<b><tt>", "</tt></b>", 15 * k, 3 * k);
	}
	if (slip__set(s->footer))
		slip__line(c, s->footer, "<i>", "</i>", 8.5 * k, 0);
	return ok;
}

/* The roll a slip prints on: page and column widths in points. */
static int slip__roll(const struct printer_slip *s, enum printer_paper paper, bool sheet_ok,
                      double *page_w, double *col_w, char *err, size_t err_size)
{
	if (s == NULL || !slip__set(s->title))
		return printer__fail(err, err_size, PRINTER_ERR_INVALID, "a slip needs a title");
	if ((paper == PRINTER_PAPER_A5 || paper == PRINTER_PAPER_A4) && sheet_ok)
		paper = PRINTER_PAPER_ROLL_80;
	int dots = printer_paper_dots(paper);
	if (dots == 0)
		return printer__fail(err, err_size, PRINTER_ERR_INVALID,
		                     "raster slips print on 80 or 58 mm rolls only");
	*page_w = (paper == PRINTER_PAPER_ROLL_80 ? 80 : 58) * PRINTER__MM;
	*col_w = dots / SLIP__DPI * 72 - 2 * SLIP__PAD;
	return PRINTER_OK;
}

/* The length of the laid-out slip, cursor from 0, in points. */
static double slip__measure(const struct printer_slip *s, double col_w)
{
	cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
	cairo_t *cr = cairo_create(surf);
	struct printer__canvas c;
	double h;

	printer__canvas_init(&c, cr);
	c.measure = true;
	c.width = col_w;
	slip__draw(&c, s);
	h = c.y;
	printer__canvas_finish(&c);
	cairo_destroy(cr);
	cairo_surface_destroy(surf);
	return h;
}

int printer_slip_pdf(const struct printer_slip *s, enum printer_paper paper, uint8_t **out,
                     size_t *out_len, char *err, size_t err_size)
{
	struct printer__buf b = {0};
	struct printer__canvas c = {0};
	cairo_surface_t *surf = NULL;
	cairo_t *cr = NULL;
	double page_w = 0, col_w = 0, margin = 4 * PRINTER__MM;
	int rc;

	*out = NULL;
	*out_len = 0;
	if ((rc = slip__roll(s, paper, true, &page_w, &col_w, err, err_size)) != PRINTER_OK)
		return rc;
	double h = slip__measure(s, col_w);
	surf = printer__pdf_surface(&b, page_w, ceil(h + 2 * margin), s->title);
	cr = cairo_create(surf);
	printer__canvas_init(&c, cr);
	c.x0 = (page_w - col_w) / 2;
	c.width = col_w;
	c.y = c.top = margin;
	if (!slip__draw(&c, s)) {
		rc = printer__fail(err, err_size, PRINTER_ERR_RENDER, "cannot encode the QR code");
		goto out;
	}
	printer__canvas_finish(&c);
	cairo_show_page(cr);
	cairo_surface_finish(surf);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		rc = printer__fail(err, err_size, PRINTER_ERR_RENDER, "cairo: %s",
		                   cairo_status_to_string(cairo_surface_status(surf)));
		goto out;
	}
	*out = printer__buf_take(&b, out_len);
out:
	printer__canvas_finish(&c);
	cairo_destroy(cr);
	cairo_surface_destroy(surf);
	printer__buf_free(&b);
	return rc;
}

int printer_slip_escpos(const struct printer_slip *s, enum printer_paper paper, uint8_t **out,
                        size_t *out_len, char *err, size_t err_size)
{
	struct printer__canvas c = {0};
	cairo_surface_t *surf = NULL;
	cairo_t *cr = NULL;
	uint8_t *bits = NULL;
	size_t wb = 0;
	double page_w = 0, col_w = 0, scale = SLIP__DPI / 72, margin = 3 * PRINTER__MM;
	int rc, rows, h = 0;

	*out = NULL;
	*out_len = 0;
	if ((rc = slip__roll(s, paper, false, &page_w, &col_w, err, err_size)) != PRINTER_OK)
		return rc;
	rows = (int)ceil((slip__measure(s, col_w) + 2 * margin) * scale);
	surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, printer_paper_dots(paper), rows);
	cr = cairo_create(surf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_scale(cr, scale, scale);
	printer__canvas_init(&c, cr);
	c.snap = true;
	c.x0 = SLIP__PAD;
	c.width = col_w;
	c.y = c.top = margin;
	if (!slip__draw(&c, s)) {
		rc = printer__fail(err, err_size, PRINTER_ERR_RENDER, "cannot encode the QR code");
		goto out;
	}
	bits = printer__threshold(surf, &wb, &h);
	rc = printer_escpos_encode(bits, wb, wb, h, PRINTER_ESCPOS_BAND_LINES, out, out_len);
	if (rc != PRINTER_OK)
		printer__fail(err, err_size, rc, "cannot encode %zu x %d raster", wb, h);
out:
	printer__canvas_finish(&c);
	cairo_destroy(cr);
	cairo_surface_destroy(surf);
	free(bits);
	return rc;
}
