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

#define SLIP__SANS "Noto Sans"

static bool slip__set(const char *s)
{
	return s != NULL && *s != '\0';
}

/* text (NFC, escaped) between the markup open and close; malloc'd. */
static char *slip__markup(const char *text, const char *open, const char *close)
{
	char *nfc = printer__nfc(text);
	gchar *esc = g_markup_escape_text(nfc, -1);
	char *markup = xasprintf("%s%s%s", open, esc, close);

	g_free(esc);
	free(nfc);
	return markup;
}

/* A centered paragraph of text (escaped, NFC) wrapped in open/close markup;
 * moves the cursor below it. */
static void slip__line(struct printer__canvas *c, const char *text, const char *open,
                       const char *close, double size, double gap)
{
	char *markup = slip__markup(text, open, close);
	PangoLayout *l =
	    printer__layout(c, markup, true, SLIP__SANS, size, PRINTER__ALIGN_CENTER, c->width);

	if (l != NULL) {
		printer__paint_layout(c, l, c->x0, c->y);
		c->y += printer__layout_height(l) + gap;
		g_object_unref(l);
	}
	free(markup);
}

/* A centered line of text (escaped, NFC) in open/close markup, kept on one
 * line: scaled down from size until it fits 96 % of the column, since a title
 * broken mid-phrase ("HÀI / LÒNG") or a wrapped code is misread. Moves the
 * cursor below it. */
static void slip__fit_line(struct printer__canvas *c, const char *text, const char *open,
                           const char *close, double size, double gap)
{
	char *markup = slip__markup(text, open, close);
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
	if (slip__set(s->qr2_url)) {
		/* Small, left, its caption beside it: never mistaken for the
		 * slip's own code above. */
		double qs = c->width * 0.3, gap = 3 * k;
		c->y += 3 * k;
		printer__hline(c, c->x0, c->y, c->width, 0.5 * k);
		c->y += 3 * k;
		ok = printer__qr(c, s->qr2_url, c->x0, c->y, qs) && ok;
		double th = 0;
		if (slip__set(s->qr2_caption)) {
			char *markup = slip__markup(s->qr2_caption, "", "");
			PangoLayout *l = printer__layout(c, markup, true, SLIP__SANS, 8.5 * k,
			                                 PRINTER__ALIGN_LEFT, c->width - qs - gap);
			if (l != NULL) {
				th = printer__layout_height(l);
				printer__paint_layout(c, l, c->x0 + qs + gap,
				                      c->y + fmax(0, (qs - th) / 2));
				g_object_unref(l);
			}
			free(markup);
		}
		c->y += fmax(qs, th) + 2 * k;
	}
	return ok;
}

static bool slip__draw_fn(struct printer__canvas *c, const void *arg)
{
	return slip__draw(c, arg);
}

/* The roll a slip prints on: sheet paper falls back to the 80 mm roll when
 * sheet_ok (a PDF preview), otherwise is refused. */
static int slip__check(const struct printer_slip *s, enum printer_paper *paper, bool sheet_ok,
                       char *err, size_t err_size)
{
	double page_w, col_w;

	if (s == NULL || !slip__set(s->title))
		return printer__fail(err, err_size, PRINTER_ERR_INVALID, "a slip needs a title");
	if ((*paper == PRINTER_PAPER_A5 || *paper == PRINTER_PAPER_A4) && sheet_ok)
		*paper = PRINTER_PAPER_ROLL_80;
	if (!printer__roll_width(*paper, &page_w, &col_w))
		return printer__fail(err, err_size, PRINTER_ERR_INVALID,
		                     "raster slips print on 80 or 58 mm rolls only");
	return PRINTER_OK;
}

int printer_slip_pdf(const struct printer_slip *s, enum printer_paper paper, uint8_t **out,
                     size_t *out_len, char *err, size_t err_size)
{
	int rc;

	*out = NULL;
	*out_len = 0;
	if ((rc = slip__check(s, &paper, true, err, err_size)) != PRINTER_OK)
		return rc;
	return printer__roll_pdf(paper, s->title, slip__draw_fn, s, out, out_len, err, err_size);
}

int printer_slip_escpos(const struct printer_slip *s, enum printer_paper paper, uint8_t **out,
                        size_t *out_len, char *err, size_t err_size)
{
	uint8_t *bits = NULL;
	size_t wb = 0;
	int rc, h = 0;

	*out = NULL;
	*out_len = 0;
	if ((rc = slip__check(s, &paper, false, err, err_size)) != PRINTER_OK)
		return rc;
	rc = printer__roll_raster(paper, slip__draw_fn, s, &bits, &wb, &h, err, err_size);
	if (rc != PRINTER_OK)
		return rc;
	return printer__raster_escpos(bits, wb, h, out, out_len, err, err_size);
}
