/* Rendering of queue tickets (phiếu số thứ tự) and of the legal forms of the
 * one-stop office with cairo + pango + libqrencode. Text is normalized to NFC and
 * shaped by pango (Noto Sans / Noto Serif, embedded in the PDF). Every renderer
 * returns PRINTER_OK and a malloc'd byte buffer the caller frees with free(), or an
 * error status with *out NULL and, when err is not NULL, a message in err. */
#ifndef MOTCUA_PRINTER_RENDER_H
#define MOTCUA_PRINTER_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "printer/fields.h"
#include "printer/status.h"

enum printer_paper {
	PRINTER_PAPER_ROLL_80, /* 80 mm roll, 72 mm printable, 576 dots at 203 dpi */
	PRINTER_PAPER_ROLL_58, /* 58 mm roll, 48 mm printable, 384 dots at 203 dpi */
	PRINTER_PAPER_A5,
	PRINTER_PAPER_A4,
};

/* Dots a thermal printhead has at 203 dpi for a roll, 0 for sheet paper. */
int printer_paper_dots(enum printer_paper paper);

/* A queue ticket, all plain strings (UTF-8, NFC or not) owned by the caller. */
struct printer_ticket {
	const char *office_name;  /* "UBND huyện Hướng Hóa - Bộ phận Một cửa" */
	const char *number;       /* "A012", printed very large */
	const char *service_name; /* service group: "Hộ tịch - Chứng thực" */
	int people_ahead;         /* persons waiting before this one; < 0: not printed */
	int wait_min_minutes;     /* estimated wait range; max 0: not printed */
	int wait_max_minutes;
	int64_t issued_at;      /* Unix seconds */
	int utc_offset_minutes; /* of the office: 420 for Vietnam */
	const char *priority;   /* priority class ("Người cao tuổi"), NULL/"": none */
	const char *qr_url;     /* followed on a phone; NULL/"": no QR code */
	const char *footer;     /* a last line ("Xin cảm ơn!"), NULL/"": none */
	const char *mark;       /* a framed mark under the service ("ĐẶT LỊCH": a
	                         * booked ticket), NULL/"": none */
};

/* The ticket as a one-page PDF as wide as the roll (80 or 58 mm) and as long as its
 * content. PRINTER_ERR_INVALID for sheet paper or a ticket without number. */
int printer_ticket_pdf(const struct printer_ticket *t, enum printer_paper paper, uint8_t **out,
                       size_t *out_len, char *err, size_t err_size);

/* The same layout as ESC/POS raster for a thermal printer (see printer/escpos.h):
 * 576 dots wide on 80 mm, 384 on 58 mm. */
int printer_ticket_escpos(const struct printer_ticket *t, enum printer_paper paper, uint8_t **out,
                          size_t *out_len, char *err, size_t err_size);

/* The ticket as a 1-bit raster (MSB leftmost, 1 = black), the input of the ESC/POS
 * encoder, for previews and tests: *bits is malloc'd, *width_bytes a row, *height
 * rows, no padding between rows. */
int printer_ticket_raster(const struct printer_ticket *t, enum printer_paper paper, uint8_t **bits,
                          size_t *width_bytes, int *height, char *err, size_t err_size);

/* A parsed form template (data/forms/mau-NN.json; the layout language is described
 * in data/forms/README.md). Immutable once loaded, may be shared between threads. */
struct printer_form;

/* Parses the JSON template in json[0..len). Returns PRINTER_OK and a template in
 * *out (free with printer_form_free) or PRINTER_ERR_TEMPLATE with *out NULL. */
int printer_form_parse(const char *json, size_t len, struct printer_form **out, char *err,
                       size_t err_size);
/* As printer_form_parse, reading the file at path (PRINTER_ERR_IO when unreadable). */
int printer_form_load(const char *path, struct printer_form **out, char *err, size_t err_size);
void printer_form_free(struct printer_form *form);

/* The template's identifier ("mau-01"), its circular ("03/2025/TT-VPCP") and its
 * paper; the strings belong to the template. */
const char *printer_form_id(const struct printer_form *form);
const char *printer_form_circular(const struct printer_form *form);
enum printer_paper printer_form_paper(const struct printer_form *form);

/* Fills the template with fields and renders it as PDF on the template's paper,
 * breaking pages where needed (table rows do not split; headers repeat). Fields the
 * template names but the set lacks print as a dotted blank line to fill by hand. */
int printer_form_pdf(const struct printer_form *form, const struct printer_fields *fields,
                     uint8_t **out, size_t *out_len, char *err, size_t err_size);

#endif
