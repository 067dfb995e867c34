/* The queue ticket (phiếu số thứ tự): one layout, drawn once to measure the roll
 * length and once for real, to PDF (a page as wide as the roll) or to a 203 dpi
 * image turned into ESC/POS raster. */
#include "printer/render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "printer/escpos.h"
#include "util.h"

#define TICKET__SANS "Noto Sans"

/* The ticket's strings, NFC-normalized and formatted once. */
struct ticket__text {
	char *office, *number, *service, *priority, *qr_url, *footer, *mark;
	char ahead[96], wait[128], issued[96];
};

int printer_paper_dots(enum printer_paper paper)
{
	switch (paper) {
	case PRINTER_PAPER_ROLL_80: return 576;
	case PRINTER_PAPER_ROLL_58: return 384;
	case PRINTER_PAPER_A5:
	case PRINTER_PAPER_A4: return 0;
	}
	return 0;
}

static bool ticket__empty(const char *s)
{
	return s == NULL || *s == '\0';
}

static void ticket__text_init(struct ticket__text *tx, const struct printer_ticket *t)
{
	time_t when = (time_t)(t->issued_at + (int64_t)t->utc_offset_minutes * 60);
	struct tm tm;

	memset(tx, 0, sizeof(*tx));
	tx->office = ticket__empty(t->office_name) ? NULL : printer__nfc(t->office_name);
	tx->number = printer__nfc(t->number);
	tx->service = ticket__empty(t->service_name) ? NULL : printer__nfc(t->service_name);
	tx->priority = ticket__empty(t->priority) ? NULL : printer__nfc(t->priority);
	tx->qr_url = ticket__empty(t->qr_url) ? NULL : xstrdup(t->qr_url);
	tx->footer = ticket__empty(t->footer) ? NULL : printer__nfc(t->footer);
	tx->mark = ticket__empty(t->mark) ? NULL : printer__nfc(t->mark);
	if (t->people_ahead >= 0)
		snprintf(tx->ahead, sizeof(tx->ahead), "Số người đang chờ trước ông/bà: %d",
		         t->people_ahead);
	if (t->wait_max_minutes > 0) {
		if (t->wait_min_minutes >= t->wait_max_minutes)
			snprintf(tx->wait, sizeof(tx->wait), "Thời gian chờ dự kiến: %d phút",
			         t->wait_max_minutes);
		else
			snprintf(tx->wait, sizeof(tx->wait),
			         "Thời gian chờ dự kiến: %d\u2013%d phút", t->wait_min_minutes,
			         t->wait_max_minutes);
	}
	gmtime_r(&when, &tm);
	snprintf(tx->issued, sizeof(tx->issued), "Giờ lấy số: %02d/%02d/%04d %02d:%02d", tm.tm_mday,
	         tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

static void ticket__text_free(struct ticket__text *tx)
{
	free(tx->office);
	free(tx->number);
	free(tx->service);
	free(tx->priority);
	free(tx->qr_url);
	free(tx->footer);
	free(tx->mark);
}

/* A centered paragraph at the cursor; moves the cursor below it. */
static void ticket__line(struct printer__canvas *c, const char *markup, double size, double gap)
{
	PangoLayout *l =
	    printer__layout(c, markup, true, TICKET__SANS, size, PRINTER__ALIGN_CENTER, c->width);

	if (l == NULL)
		return;
	printer__paint_layout(c, l, c->x0, c->y);
	c->y += printer__layout_height(l) + gap;
	g_object_unref(l);
}

static char *ticket__escape(const char *s)
{
	gchar *e = g_markup_escape_text(s, -1);
	char *out = xstrdup(e);

	g_free(e);
	return out;
}

/* Lays the ticket out from the cursor down; returns false when the QR code could
 * not be encoded (URL too long). k scales the type to the roll width. */
static bool ticket__draw(struct printer__canvas *c, const struct ticket__text *tx)
{
	/* Type scales with the roll, but not below what a thermal head prints legibly. */
	double k = fmax(c->width / (69 * PRINTER__MM), 0.82);
	char *esc, *markup;
	PangoLayout *l;
	double size;
	bool ok = true;

	if (tx->office) {
		esc = ticket__escape(tx->office);
		markup = xasprintf("<b>%s</b>", esc);
		ticket__line(c, markup, 10.5 * k, 3 * k);
		free(markup);
		free(esc);
	}
	printer__hline(c, c->x0, c->y, c->width, 0.8 * k);
	c->y += 5 * k;
	ticket__line(c, "SỐ THỨ TỰ CỦA ÔNG/BÀ", 9 * k, 0);

	/* The number as large as the roll allows, up to 64 pt on 80 mm. */
	size = 64 * c->width / (69 * PRINTER__MM);
	esc = ticket__escape(tx->number);
	markup = xasprintf("<b>%s</b>", esc);
	free(esc);
	l = printer__layout(c, markup, true, TICKET__SANS, size, PRINTER__ALIGN_CENTER, -1);
	if (l != NULL && printer__layout_width(l) > c->width * 0.96) {
		size *= c->width * 0.96 / printer__layout_width(l);
		g_object_unref(l);
		l = printer__layout(c, markup, true, TICKET__SANS, size, PRINTER__ALIGN_CENTER, -1);
	}
	free(markup);
	if (l != NULL) {
		double w = printer__layout_width(l);
		printer__paint_layout(c, l, c->x0 + (c->width - w) / 2, c->y);
		c->y += printer__layout_height(l);
		g_object_unref(l);
	}

	if (tx->service) {
		esc = ticket__escape(tx->service);
		markup = xasprintf("<b>%s</b>", esc);
		ticket__line(c, markup, 12 * k, 4 * k);
		free(markup);
		free(esc);
	}
	if (tx->priority) {
		/* White on a black band: staff spot priority tickets at a glance. */
		esc = ticket__escape(tx->priority);
		markup = xasprintf("<b>ƯU TIÊN: %s</b>", esc);
		free(esc);
		l = printer__layout(c, markup, true, TICKET__SANS, 10.5 * k, PRINTER__ALIGN_CENTER,
		                    c->width - 8 * k);
		free(markup);
		if (l != NULL) {
			double h = printer__layout_height(l) + 4 * k;
			if (!c->measure) {
				cairo_save(c->cr);
				cairo_rectangle(c->cr, c->x0, c->y, c->width, h);
				cairo_fill(c->cr);
				cairo_set_source_rgb(c->cr, 1, 1, 1);
				printer__paint_layout(c, l, c->x0 + 4 * k, c->y + 2 * k);
				cairo_restore(c->cr);
			}
			c->y += h + 4 * k;
			g_object_unref(l);
		}
	}
	if (tx->mark) {
		/* Framed, in words: a booked ticket is told apart without colour. */
		esc = ticket__escape(tx->mark);
		markup = xasprintf("<b>%s</b>", esc);
		free(esc);
		l = printer__layout(c, markup, true, TICKET__SANS, 11 * k, PRINTER__ALIGN_CENTER,
		                    c->width - 8 * k);
		free(markup);
		if (l != NULL) {
			double h = printer__layout_height(l) + 4 * k;
			if (!c->measure) {
				cairo_save(c->cr);
				cairo_set_line_width(c->cr, 1.2 * k);
				cairo_rectangle(c->cr, c->x0 + 0.6 * k, c->y, c->width - 1.2 * k,
				                h);
				cairo_stroke(c->cr);
				cairo_restore(c->cr);
				printer__paint_layout(c, l, c->x0 + 4 * k, c->y + 2 * k);
			}
			c->y += h + 4 * k;
			g_object_unref(l);
		}
	}
	if (tx->ahead[0])
		ticket__line(c, tx->ahead, 9.5 * k, 1 * k);
	if (tx->wait[0])
		ticket__line(c, tx->wait, 9.5 * k, 1 * k);
	ticket__line(c, tx->issued, 9.5 * k, 3 * k);

	if (tx->qr_url) {
		double qs = c->width * 0.46;
		printer__hline(c, c->x0, c->y, c->width, 0.5 * k);
		c->y += 5 * k;
		ok = printer__qr(c, tx->qr_url, c->x0 + (c->width - qs) / 2, c->y, qs);
		c->y += qs + 3 * k;
		ticket__line(c, "Quét mã QR để theo dõi lượt gọi trên điện thoại", 8 * k, 2 * k);
	}
	if (tx->footer) {
		esc = ticket__escape(tx->footer);
		markup = xasprintf("<i>%s</i>", esc);
		ticket__line(c, markup, 8.5 * k, 0);
		free(markup);
		free(esc);
	}
	return ok;
}

static bool ticket__draw_fn(struct printer__canvas *c, const void *arg)
{
	return ticket__draw(c, arg);
}

static int ticket__check(const struct printer_ticket *t, enum printer_paper paper, char *err,
                         size_t err_size)
{
	double page_w, col_w;

	if (t == NULL || ticket__empty(t->number))
		return printer__fail(err, err_size, PRINTER_ERR_INVALID, "ticket without number");
	if (!printer__roll_width(paper, &page_w, &col_w))
		return printer__fail(err, err_size, PRINTER_ERR_INVALID,
		                     "tickets print on 80 or 58 mm rolls only");
	return PRINTER_OK;
}

int printer_ticket_pdf(const struct printer_ticket *t, enum printer_paper paper, uint8_t **out,
                       size_t *out_len, char *err, size_t err_size)
{
	struct ticket__text tx;
	int rc;

	*out = NULL;
	*out_len = 0;
	rc = ticket__check(t, paper, err, err_size);
	if (rc != PRINTER_OK)
		return rc;
	ticket__text_init(&tx, t);
	rc = printer__roll_pdf(paper, tx.number, ticket__draw_fn, &tx, out, out_len, err, err_size);
	ticket__text_free(&tx);
	return rc;
}

int printer_ticket_raster(const struct printer_ticket *t, enum printer_paper paper, uint8_t **bits,
                          size_t *width_bytes, int *height, char *err, size_t err_size)
{
	struct ticket__text tx;
	int rc;

	*bits = NULL;
	*width_bytes = 0;
	*height = 0;
	rc = ticket__check(t, paper, err, err_size);
	if (rc != PRINTER_OK)
		return rc;
	ticket__text_init(&tx, t);
	rc = printer__roll_raster(paper, ticket__draw_fn, &tx, bits, width_bytes, height, err,
	                          err_size);
	ticket__text_free(&tx);
	return rc;
}

int printer_ticket_escpos(const struct printer_ticket *t, enum printer_paper paper, uint8_t **out,
                          size_t *out_len, char *err, size_t err_size)
{
	uint8_t *bits = NULL;
	size_t wb;
	int h, rc;

	*out = NULL;
	*out_len = 0;
	rc = printer_ticket_raster(t, paper, &bits, &wb, &h, err, err_size);
	if (rc != PRINTER_OK)
		return rc;
	return printer__raster_escpos(bits, wb, h, out, out_len, err, err_size);
}
