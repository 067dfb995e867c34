/* A periodic report (báo cáo định kỳ) as an A4 PDF: a title, headings, text,
 * tables and simple horizontal bar charts, laid out top to bottom with page
 * breaks (table rows never split; a table's header repeats on a new page).
 * Vietnamese text is shaped by pango in Noto Sans and normalized to NFC.
 *
 * Build a report with printer_report_new and the add functions (every string
 * is copied), render it with printer_report_pdf, free it with
 * printer_report_free. Not thread-safe per object. */
#ifndef MOTCUA_PRINTER_REPORT_H
#define MOTCUA_PRINTER_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "printer/status.h"

struct printer_report;

/* A report whose first page starts with title and subtitle (may be NULL);
 * footer (may be NULL) is printed at the bottom of every page with the page
 * number. Never returns NULL. */
struct printer_report *printer_report_new(const char *title, const char *subtitle,
                                          const char *footer);
void printer_report_free(struct printer_report *r);

/* The administrative frame of a report sent to another agency (thể thức,
 * Nghị định 30/2020/NĐ-CP). Plain text; NULL or "" leaves a part out. */
struct printer_report_frame {
	const char *agency_parent; /* cơ quan chủ quản, printed in capitals */
	const char *agency;        /* the issuing agency, in bold capitals */
	const char *number;        /* "Số: …/BC-BPMC" under the agency */
	const char *place_date;    /* "Hướng Hóa, ngày 02 tháng 4 năm 2026" (italic) */
	const char *recipient;     /* "Kính gửi: Phòng Nội vụ", under the title */
	const char *signer_title;  /* above the signature ("Người lập báo cáo" if NULL) */
	const char *signer_name;   /* under the signature; NULL: left to write by hand */
	const char *copies_to;     /* Nơi nhận, one "- …;" per line */
};

/* Gives r the frame: the national name and motto (Quốc hiệu, Tiêu ngữ), the
 * agency and number, place and date above the title; the recipients and the
 * signer block after the last block. Every string is copied. Call once. */
void printer_report_set_frame(struct printer_report *r, const struct printer_report_frame *f);

/* A section heading; a paragraph of plain text (not markup). */
void printer_report_heading(struct printer_report *r, const char *text);
void printer_report_text(struct printer_report *r, const char *text);

/* A table of n_cols columns: headers[n_cols], relative widths[n_cols] (NULL:
 * equal), then cells row by row (n_rows × n_cols strings, NULL prints empty).
 * Numbers (cells starting with a digit, '-' or '.') are right-aligned. */
void printer_report_table(struct printer_report *r, int n_cols, const char *const *headers,
                          const double *widths, int n_rows, const char *const *cells);

/* A horizontal bar chart: one bar per label, lengths value / max (max <= 0:
 * the largest value), the value printed after the bar with unit. */
void printer_report_bars(struct printer_report *r, const char *title, int n,
                         const char *const *labels, const double *values, double max,
                         const char *unit);

/* Renders the report. PRINTER_OK with a malloc'd PDF in *out, or
 * PRINTER_ERR_RENDER with *out NULL and a message in err. */
int printer_report_pdf(const struct printer_report *r, uint8_t **out, size_t *out_len, char *err,
                       size_t err_size);

#endif
