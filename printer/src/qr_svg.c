/* QR codes as SVG (printer/qr_svg.h). */
#include "printer/qr_svg.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define QR_SVG__QUIET 4
#define QR_SVG__MAX_TEXT 1000

char *printer_qr_svg(const char *text, size_t *len)
{
	if (text == NULL || *text == '\0' || strlen(text) > QR_SVG__MAX_TEXT)
		return NULL;
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL)
		return NULL;
	int w = qr->width, side = w + 2 * QR_SVG__QUIET;
	/* One "M x yhNv1h-Nz" per run of dark modules: at most w*w/2 runs of
	 * at most 40 bytes, plus the frame. */
	size_t cap = (size_t)w * (size_t)w * 20 + 512, n = 0;
	char *svg = xmalloc(cap);
	n += (size_t)snprintf(svg + n, cap - n,
	                      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	                      "shape-rendering=\"crispEdges\">"
	                      "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	                      "<path fill=\"#000\" d=\"",
	                      side, side, side, side);
	for (int r = 0; r < w; r++) {
		const unsigned char *row = qr->data + r * w;
		for (int col = 0; col < w;) {
			if (!(row[col] & 1)) {
				col++;
				continue;
			}
			int run = col;
			while (run < w && (row[run] & 1))
				run++;
			n += (size_t)snprintf(svg + n, cap - n, "M%d %dh%dv1h-%dz",
			                      col + QR_SVG__QUIET, r + QR_SVG__QUIET, run - col,
			                      run - col);
			col = run;
		}
	}
	n += (size_t)snprintf(svg + n, cap - n, "\"/></svg>\n");
	QRcode_free(qr);
	if (len)
		*len = n;
	return svg;
}
