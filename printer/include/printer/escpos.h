/* ESC/POS for thermal receipt printers: a 1-bit raster becomes `ESC @`, a run of
 * `GS v 0` bands, a feed and a `GS V` cut. Sent to a raw CUPS queue as
 * application/vnd.cups-raw. */
#ifndef MOTCUA_PRINTER_ESCPOS_H
#define MOTCUA_PRINTER_ESCPOS_H

#include <stddef.h>
#include <stdint.h>

/* Lines per `GS v 0` band: small enough for the receive buffer of common printers. */
#define PRINTER_ESCPOS_BAND_LINES 256
/* Lines fed after the image so the cut falls below it. */
#define PRINTER_ESCPOS_FEED_LINES 4

/* Encodes a 1-bit raster of height rows, width_bytes bytes a row (most significant
 * bit leftmost, 1 = black dot, rows stride bytes apart) as ESC/POS: init, bands of
 * at most band_lines rows (0 means PRINTER_ESCPOS_BAND_LINES), feed, partial cut.
 * Returns PRINTER_OK and a malloc'd buffer in *out (*out_len bytes, the caller
 * frees it), or PRINTER_ERR_INVALID (width_bytes 0 or > 0xffff, height <= 0,
 * stride < width_bytes) with *out NULL. */
int printer_escpos_encode(const uint8_t *bits, size_t width_bytes, size_t stride, int height,
                          int band_lines, uint8_t **out, size_t *out_len);

#endif
