#include "draw.h"

#include <math.h>
#include <cairo-pdf.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "printer/escpos.h"

void printer__canvas_init(struct printer__canvas *c, cairo_t *cr)
{
	cairo_font_options_t *fo = cairo_font_options_create();

	*c = (struct printer__canvas){.cr = cr, .bottom = HUGE_VAL, .page = 1};
	c->pango = pango_cairo_create_context(cr);
	/* Unhinted metrics: the same text breaks the same way at 72 and 203 dpi. */
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(c->pango, fo);
	cairo_font_options_destroy(fo);
}

void printer__canvas_finish(struct printer__canvas *c)
{
	if (c->pango)
		g_object_unref(c->pango);
	c->pango = NULL;
}

PangoLayout *printer__layout(struct printer__canvas *c, const char *text, bool markup,
                             const char *family, double size, enum printer__align align,
                             double width)
{
	PangoLayout *l = pango_layout_new(c->pango);
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family(fd, family);
	/* Absolute size: user units are points whatever pango's resolution is. */
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	if (width > 0)
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	switch (align) {
	case PRINTER__ALIGN_LEFT: pango_layout_set_alignment(l, PANGO_ALIGN_LEFT); break;
	case PRINTER__ALIGN_CENTER: pango_layout_set_alignment(l, PANGO_ALIGN_CENTER); break;
	case PRINTER__ALIGN_RIGHT: pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT); break;
	case PRINTER__ALIGN_JUSTIFY: pango_layout_set_justify(l, TRUE); break;
	}
	if (markup) {
		PangoAttrList *attrs = NULL;
		char *plain = NULL;
		if (!pango_parse_markup(text, -1, 0, &attrs, &plain, NULL, NULL)) {
			g_object_unref(l);
			return NULL;
		}
		pango_layout_set_text(l, plain, -1);
		pango_layout_set_attributes(l, attrs);
		pango_attr_list_unref(attrs);
		g_free(plain);
	} else {
		pango_layout_set_text(l, text, -1);
	}
	return l;
}

double printer__layout_height(PangoLayout *l)
{
	PangoRectangle logical;

	pango_layout_get_extents(l, NULL, &logical);
	return (double)logical.height / PANGO_SCALE;
}

double printer__layout_width(PangoLayout *l)
{
	PangoRectangle logical;

	pango_layout_get_extents(l, NULL, &logical);
	return (double)logical.width / PANGO_SCALE;
}

void printer__paint_layout(struct printer__canvas *c, PangoLayout *l, double x, double y)
{
	if (c->measure)
		return;
	cairo_move_to(c->cr, x, y);
	pango_cairo_show_layout(c->cr, l);
}

bool printer__ensure(struct printer__canvas *c, double h)
{
	if (c->y + h <= c->bottom || c->y <= c->top + 0.5)
		return false;
	if (c->on_page)
		c->on_page(c, c->page, c->on_page_arg);
	if (!c->measure)
		cairo_show_page(c->cr);
	c->page++;
	c->y = c->top;
	if (c->on_new_page)
		c->on_new_page(c, c->page, c->on_page_arg);
	return true;
}

void printer__last_page(struct printer__canvas *c)
{
	if (c->on_page)
		c->on_page(c, c->page, c->on_page_arg);
}

void printer__hline(struct printer__canvas *c, double x, double y, double w, double thickness)
{
	if (c->measure)
		return;
	cairo_save(c->cr);
	cairo_set_line_width(c->cr, thickness);
	cairo_move_to(c->cr, x, y);
	cairo_line_to(c->cr, x + w, y);
	cairo_stroke(c->cr);
	cairo_restore(c->cr);
}

bool printer__qr(struct printer__canvas *c, const char *text, double x, double y, double size)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	double m = 0;

	if (qr == NULL)
		return false;
	if (c->measure)
		goto out;
	cairo_save(c->cr);
	m = size / qr->width;
	if (c->snap) {
		/* Whole device pixels a module, so thresholding keeps every edge. */
		double dsize = size, dzero = 0;
		cairo_user_to_device_distance(c->cr, &dsize, &dzero);
		cairo_user_to_device(c->cr, &x, &y);
		m = floor(dsize / qr->width) < 1 ? 1 : floor(dsize / qr->width);
		x = round(x + (dsize - m * qr->width) / 2);
		y = round(y);
		cairo_identity_matrix(c->cr);
	}
	cairo_set_antialias(c->cr, CAIRO_ANTIALIAS_NONE);
	cairo_set_source_rgb(c->cr, 0, 0, 0);
	for (int r = 0; r < qr->width; r++) {
		const unsigned char *row = qr->data + r * qr->width;
		for (int col = 0; col < qr->width;) {
			int run = col;
			if (!(row[col] & 1)) {
				col++;
				continue;
			}
			while (run < qr->width && (row[run] & 1))
				run++;
			cairo_rectangle(c->cr, x + col * m, y + r * m, (run - col) * m, m);
			col = run;
		}
	}
	cairo_fill(c->cr);
	cairo_restore(c->cr);
out:
	QRcode_free(qr);
	return true;
}

static cairo_status_t draw__write(void *closure, const unsigned char *data, unsigned int length)
{
	strbuf_append(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

cairo_surface_t *printer__pdf_surface(struct strbuf *b, double w, double h, const char *title)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(draw__write, b, w, h);

	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		return s;
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "motcua");
	if (title != NULL)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	return s;
}

uint8_t *printer__threshold(cairo_surface_t *img, size_t *width_bytes, int *height)
{
	int w = cairo_image_surface_get_width(img);
	int h = cairo_image_surface_get_height(img);
	int stride = cairo_image_surface_get_stride(img);
	const unsigned char *px;
	size_t wb = ((size_t)w + 7) / 8;
	uint8_t *bits = xcalloc((size_t)h * wb, 1);

	cairo_surface_flush(img);
	px = cairo_image_surface_get_data(img);
	for (int y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(px + (size_t)y * stride);
		uint8_t *out = bits + (size_t)y * wb;
		for (int x = 0; x < w; x++) {
			uint32_t p = row[x];
			/* Rec. 601 luma of the (opaque, white-backed) pixel. */
			unsigned lum = (299 * ((p >> 16) & 0xff) + 587 * ((p >> 8) & 0xff) +
			                114 * (p & 0xff)) /
			               1000;
			if (lum < 128)
				out[x >> 3] |= (uint8_t)(0x80 >> (x & 7));
		}
	}
	*width_bytes = wb;
	*height = h;
	return bits;
}

bool printer__roll_width(enum printer_paper paper, double *page_w, double *col_w)
{
	int dots = printer_paper_dots(paper);

	if (dots == 0)
		return false;
	*page_w = (paper == PRINTER_PAPER_ROLL_80 ? 80 : 58) * PRINTER__MM;
	*col_w = dots / PRINTER__ROLL_DPI * 72 - 2 * PRINTER__ROLL_PAD;
	return true;
}

double printer__measure(double col_w, printer__roll_draw_fn draw, const void *arg)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
	cairo_t *cr = cairo_create(s);
	struct printer__canvas c;
	double h;

	printer__canvas_init(&c, cr);
	c.measure = true;
	c.width = col_w;
	draw(&c, arg);
	h = c.y;
	printer__canvas_finish(&c);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return h;
}

int printer__pdf_take(cairo_surface_t *s, struct strbuf *b, uint8_t **out, size_t *out_len,
                      char *err, size_t err_size)
{
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		return printer__fail(err, err_size, PRINTER_ERR_RENDER, "cairo: %s",
		                     cairo_status_to_string(cairo_surface_status(s)));
	*out = (uint8_t *)strbuf_detach(b, out_len);
	return PRINTER_OK;
}

int printer__roll_pdf(enum printer_paper paper, const char *title, printer__roll_draw_fn draw,
                      const void *arg, uint8_t **out, size_t *out_len, char *err, size_t err_size)
{
	struct strbuf b = {0};
	struct printer__canvas c = {0};
	cairo_surface_t *s = NULL;
	cairo_t *cr = NULL;
	double page_w = 0, col_w = 0, margin = 4 * PRINTER__MM, h;
	int rc = PRINTER_OK;

	*out = NULL;
	*out_len = 0;
	printer__roll_width(paper, &page_w, &col_w);
	h = printer__measure(col_w, draw, arg);
	s = printer__pdf_surface(&b, page_w, ceil(h + 2 * margin), title);
	cr = cairo_create(s);
	printer__canvas_init(&c, cr);
	c.x0 = (page_w - col_w) / 2;
	c.width = col_w;
	c.y = c.top = margin;
	if (!draw(&c, arg)) {
		rc = printer__fail(err, err_size, PRINTER_ERR_RENDER, "cannot encode the QR code");
		goto out;
	}
	printer__canvas_finish(&c);
	cairo_show_page(cr);
	rc = printer__pdf_take(s, &b, out, out_len, err, err_size);
out:
	printer__canvas_finish(&c);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	strbuf_free(&b);
	return rc;
}

int printer__roll_raster(enum printer_paper paper, printer__roll_draw_fn draw, const void *arg,
                         uint8_t **bits, size_t *width_bytes, int *height, char *err,
                         size_t err_size)
{
	struct printer__canvas c = {0};
	cairo_surface_t *s = NULL;
	cairo_t *cr = NULL;
	double page_w = 0, col_w = 0, scale = PRINTER__ROLL_DPI / 72, margin = 3 * PRINTER__MM;
	int rc = PRINTER_OK, rows;

	*bits = NULL;
	*width_bytes = 0;
	*height = 0;
	printer__roll_width(paper, &page_w, &col_w);
	rows = (int)ceil((printer__measure(col_w, draw, arg) + 2 * margin) * scale);
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, printer_paper_dots(paper), rows);
	cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_scale(cr, scale, scale);
	printer__canvas_init(&c, cr);
	c.snap = true;
	c.x0 = PRINTER__ROLL_PAD;
	c.width = col_w;
	c.y = c.top = margin;
	if (!draw(&c, arg)) {
		rc = printer__fail(err, err_size, PRINTER_ERR_RENDER, "cannot encode the QR code");
		goto out;
	}
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		rc = printer__fail(err, err_size, PRINTER_ERR_RENDER, "cairo: %s",
		                   cairo_status_to_string(cairo_status(cr)));
		goto out;
	}
	*bits = printer__threshold(s, width_bytes, height);
out:
	printer__canvas_finish(&c);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return rc;
}

int printer__raster_escpos(uint8_t *bits, size_t width_bytes, int height, uint8_t **out,
                           size_t *out_len, char *err, size_t err_size)
{
	int rc = printer_escpos_encode(bits, width_bytes, width_bytes, height,
	                               PRINTER_ESCPOS_BAND_LINES, out, out_len);

	if (rc != PRINTER_OK)
		printer__fail(err, err_size, rc, "cannot encode %zu x %d raster", width_bytes,
		              height);
	free(bits);
	return rc;
}
