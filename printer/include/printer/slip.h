/* A small slip on the counter's ticket printer (80 or 58 mm roll, or the 80 mm
 * layout on sheet paper): a title, a few lines, a QR code and a short code
 * printed large. The rating slip (phiếu đánh giá) handed over with a result
 * is one. Same conventions as printer/render.h: PRINTER_OK and a malloc'd
 * buffer the caller frees, or an error status with *out NULL and err filled. */
#ifndef MOTCUA_PRINTER_SLIP_H
#define MOTCUA_PRINTER_SLIP_H

#include <stddef.h>
#include <stdint.h>

#include "printer/render.h"

/* All plain strings (UTF-8, NFC or not) owned by the caller; NULL or "" is
 * left out, except title. */
struct printer_slip {
	const char *office_name; /* "UBND huyện Hướng Hóa - Bộ phận Một cửa" */
	const char *title;       /* "PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG" */
	const char *text;        /* lines under the title, '\n' between them */
	const char *qr_url;      /* encoded as a QR code */
	const char *qr_caption;  /* under the QR code */
	const char *code_label;  /* "Mã đánh giá" */
	const char *code;        /* printed large, for typing when no phone scans */
	const char *footer;      /* a last line in italics */
	/* A second, small QR code under a rule at the end, its caption beside
	 * it (the rating slip's "Góp ý, phản ánh": the feedback page). */
	const char *qr2_url;
	const char *qr2_caption;
};

/* The slip as a one-page PDF as wide as the roll (80 or 58 mm; A5 and A4 get
 * the 80 mm layout) and as long as its content. PRINTER_ERR_INVALID without a
 * title; PRINTER_ERR_RENDER when the QR code cannot be encoded. */
int printer_slip_pdf(const struct printer_slip *s, enum printer_paper paper, uint8_t **out,
                     size_t *out_len, char *err, size_t err_size);
/* The same as ESC/POS raster for a thermal printer on a raw queue (80 or 58
 * mm; sheet paper is PRINTER_ERR_INVALID). */
int printer_slip_escpos(const struct printer_slip *s, enum printer_paper paper, uint8_t **out,
                        size_t *out_len, char *err, size_t err_size);

#endif
