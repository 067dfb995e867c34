/* The rating slip (phiếu đánh giá mức độ hài lòng): the words and layout of the
 * small slip handed to a citizen with a result or after a queue visit, so they
 * can rate on their phone (a QR code to /rate?t=TOKEN) or by typing the short
 * code at /rate. One place for its text, used by the server's spool (POST
 * /api/v1/dossiers/{code}/rating-slip) and by the counter program's own print,
 * so both hand out the same slip. Built on printer/slip.h. */
#ifndef MOTCUA_PRINTER_RATING_SLIP_H
#define MOTCUA_PRINTER_RATING_SLIP_H

#include <stddef.h>
#include <stdint.h>

#include "printer/render.h"
#include "printer/submit.h"

/* What one slip says; plain UTF-8 strings owned by the caller. */
struct printer_rating_slip {
	const char *office_name;  /* the centre that hands it out; NULL: left out */
	const char *dossier_code; /* a dossier's code; NULL for a queue visit */
	const char *ticket_label; /* a queue visit's number ("A003"); NULL for a dossier */
	const char *what;         /* the procedure's name (dossier) or service group's (visit) */
	const char *base_url;     /* the address citizens open: "https://dichvucong.example.vn"
	                             (a trailing '/' is dropped) */
	const char *token;        /* the link's token ("YB8NY56GJ8UFT244NAP3") */
	int64_t expires_at;       /* the link's end (epoch seconds) */
	int utc_offset_seconds;   /* the office's time zone, for the date printed */
};

/* "YB8N-Y56G-J8UF-T244-NAP3": token in groups of four, for reading aloud and
 * typing, into out (at most len bytes, NUL included). Returns out. */
char *printer_rating_code_grouped(const char *token, char *out, size_t len);

/* The slip for a destination's format (PRINTER_FORMAT_PDF: a PDF as wide as
 * the roll; PRINTER_FORMAT_RAW: ESC/POS raster) and paper (sheet paper gets
 * the 80 mm layout). Title PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG, the centre, the
 * dossier and procedure (or the number and service), the QR code of
 * base_url/rate?t=TOKEN, the short address "base_url/rate" to type, the
 * grouped code under "Mã đánh giá (dùng đến dd/mm/yyyy):", a footer, then a
 * small second QR code "Góp ý, phản ánh" to base_url/gop-y?d=DOSSIER (the
 * dossier's code, no secret; base_url/gop-y for a queue visit).
 * PRINTER_OK and a malloc'd buffer the caller frees, or an error status with
 * err filled (PRINTER_ERR_INVALID without a token or base_url). Not
 * thread-safe against other renders (the font machinery is shared): callers
 * serialize as for any render. */
int printer_rating_slip_render(const struct printer_rating_slip *r, enum printer_format format,
                               enum printer_paper paper, uint8_t **out, size_t *out_len, char *err,
                               size_t err_size);

#endif
