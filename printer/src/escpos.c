#include "printer/escpos.h"

#include <string.h>

#include "printer/status.h"
#include "util.h"

int printer_escpos_encode(const uint8_t *bits, size_t width_bytes, size_t stride, int height,
                          int band_lines, uint8_t **out, size_t *out_len)
{
	struct strbuf b = {0};

	*out = NULL;
	*out_len = 0;
	if (bits == NULL || width_bytes == 0 || width_bytes > 0xffff || height <= 0 ||
	    stride < width_bytes)
		return PRINTER_ERR_INVALID;
	if (band_lines <= 0 || band_lines > 0xffff)
		band_lines = PRINTER_ESCPOS_BAND_LINES;

	/* ESC @: initialize (clears a half-received job from a previous attempt). */
	strbuf_append(&b, "\x1b\x40", 2);
	for (int y = 0; y < height; y += band_lines) {
		int rows = height - y < band_lines ? height - y : band_lines;
		/* GS v 0 m xL xH yL yH: raster bit image, normal density. */
		uint8_t head[8] = {0x1d,
		                   0x76,
		                   0x30,
		                   0x00,
		                   (uint8_t)(width_bytes & 0xff),
		                   (uint8_t)(width_bytes >> 8),
		                   (uint8_t)(rows & 0xff),
		                   (uint8_t)(rows >> 8)};
		strbuf_append(&b, head, sizeof(head));
		for (int r = 0; r < rows; r++)
			strbuf_append(&b, bits + (size_t)(y + r) * stride, width_bytes);
	}
	/* ESC d n: print and feed n lines; GS V 66 0: feed to the cutter, partial cut. */
	uint8_t tail[] = {0x1b, 0x64, PRINTER_ESCPOS_FEED_LINES, 0x1d, 0x56, 0x42, 0x00};
	strbuf_append(&b, tail, sizeof(tail));
	*out = (uint8_t *)strbuf_detach(&b, out_len);
	return PRINTER_OK;
}
