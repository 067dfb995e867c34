/* Private drawing layer shared by tickets and forms: a cairo context with a pango
 * context tied to it, a column (x0, width) and a cursor y that moves down the
 * page, page breaks for sheet paper, and QR codes. Units are PDF points (1/72 in);
 * raster targets scale the cairo matrix, so one layout serves both. */
#ifndef MOTCUA_PRINTER_DRAW_H
#define MOTCUA_PRINTER_DRAW_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdint.h>

#include "printer/render.h"
#include "util.h"

#define PRINTER__MM (72.0 / 25.4)
/* Resolution of the ticket printers' printheads. */
#define PRINTER__ROLL_DPI 203.0
/* Air left on each side of the printhead. */
#define PRINTER__ROLL_PAD (1.5 * PRINTER__MM)

enum printer__align {
	PRINTER__ALIGN_LEFT,
	PRINTER__ALIGN_CENTER,
	PRINTER__ALIGN_RIGHT,
	PRINTER__ALIGN_JUSTIFY,
};

struct printer__canvas;
/* Called before each page is shown (page footers); page counts from 1. */
typedef void (*printer__page_fn)(struct printer__canvas *c, int page, void *arg);

struct printer__canvas {
	cairo_t *cr;
	PangoContext *pango;
	double x0, width;   /* the text column */
	double top, bottom; /* usable band of a page; bottom is HUGE_VAL on rolls */
	double y;           /* the cursor */
	bool measure;       /* lay out only, paint nothing (to size a roll) */
	bool snap;          /* align QR modules to device pixels (raster) */
	int page;
	printer__page_fn on_page;
	void *on_page_arg;
	printer__page_fn on_new_page; /* after a page break, cursor at the top; or NULL */
};

/* Ties c to cr (not owned); pango uses unhinted metrics so the PDF and the raster
 * lay out alike. Release with printer__canvas_finish. */
void printer__canvas_init(struct printer__canvas *c, cairo_t *cr);
void printer__canvas_finish(struct printer__canvas *c);

/* A layout of text (pango markup when markup is true; text is taken as NFC
 * already) in font family at size points, wrapped to width (<= 0: no wrapping).
 * Returns NULL with invalid markup. The caller unrefs it. */
PangoLayout *printer__layout(struct printer__canvas *c, const char *text, bool markup,
                             const char *family, double size, enum printer__align align,
                             double width);
/* Height and width of the layout's ink extents in points. */
double printer__layout_height(PangoLayout *l);
double printer__layout_width(PangoLayout *l);
/* Paints l with its top left corner at (x, y), unless measuring. */
void printer__paint_layout(struct printer__canvas *c, PangoLayout *l, double x, double y);

/* When h more points do not fit below the cursor on a paged canvas and the cursor
 * is not at the top, finishes the page (calling on_page) and starts the next one
 * (calling on_new_page, which may draw a running header and move the cursor).
 * Returns true when it broke the page. */
bool printer__ensure(struct printer__canvas *c, double h);
/* Ends the last page (calling on_page). */
void printer__last_page(struct printer__canvas *c);

/* A horizontal rule from x to x + w at y. */
void printer__hline(struct printer__canvas *c, double x, double y, double w, double thickness);

/* Draws text as a QR code (level M, quiet zone not included) in a size x size
 * square at (x, y); returns false when libqrencode cannot encode it. With snap the
 * module is a whole number of device pixels and the square may be smaller. */
bool printer__qr(struct printer__canvas *c, const char *text, double x, double y, double size);

/* A PDF surface of w x h points writing into b (which must outlive it). Check
 * cairo_surface_status. */
cairo_surface_t *printer__pdf_surface(struct strbuf *b, double w, double h, const char *title);
/* Finishes the PDF surface s written into b and hands its bytes over:
 * PRINTER_OK with *out (the caller frees it) and *out_len, or
 * PRINTER_ERR_RENDER (err filled) when cairo failed. The caller still
 * destroys s and frees b. */
int printer__pdf_take(cairo_surface_t *s, struct strbuf *b, uint8_t **out, size_t *out_len,
                      char *err, size_t err_size);

/* Converts an RGB24/ARGB32 image to a 1-bit raster (MSB leftmost, 1 = black: a
 * pixel darker than mid-grey), rows packed without padding. Returns malloc'd bits. */
uint8_t *printer__threshold(cairo_surface_t *img, size_t *width_bytes, int *height);

/* Lays a roll document (queue ticket, slip) out from the cursor down; returns
 * false when a QR code cannot be encoded. */
typedef bool (*printer__roll_draw_fn)(struct printer__canvas *c, const void *arg);

/* Page width and printable column (the printhead's width less a little air on
 * each side) of a roll in points; returns false, leaving both untouched, for
 * sheet paper. */
bool printer__roll_width(enum printer_paper paper, double *page_w, double *col_w);
/* The length in points of what draw lays out in a column col_w wide, cursor
 * from 0, painting nothing. */
double printer__measure(double col_w, printer__roll_draw_fn draw, const void *arg);
/* Draws once on a PDF page as wide as the roll and as long as the layout plus
 * margins. Returns PRINTER_OK with *out malloc'd, or PRINTER_ERR_RENDER with
 * *out NULL and err filled. */
int printer__roll_pdf(enum printer_paper paper, const char *title, printer__roll_draw_fn draw,
                      const void *arg, uint8_t **out, size_t *out_len, char *err, size_t err_size);
/* Draws once on a 203 dpi image as wide as the printhead and thresholds it
 * (printer__threshold). Returns PRINTER_OK with *bits malloc'd, or
 * PRINTER_ERR_RENDER with *bits NULL and err filled. paper must be a roll. */
int printer__roll_raster(enum printer_paper paper, printer__roll_draw_fn draw, const void *arg,
                         uint8_t **bits, size_t *width_bytes, int *height, char *err,
                         size_t err_size);
/* Encodes a raster (printer__threshold's layout) as ESC/POS bands and frees
 * bits. Returns PRINTER_OK with *out malloc'd, or the encoder's error with err
 * filled. */
int printer__raster_escpos(uint8_t *bits, size_t width_bytes, int height, uint8_t **out,
                           size_t *out_len, char *err, size_t err_size);

#endif
