/* A QR code as an SVG image, for the screens that show one (the kiosk's
 * "Góp ý, phản ánh" entry): the same encoder and error correction (M) as
 * the printed codes (printer/src/draw.c), so a phone reads both alike. */
#ifndef MOTCUA_PRINTER_QR_SVG_H
#define MOTCUA_PRINTER_QR_SVG_H

#include <stddef.h>

/* text (UTF-8, at most 1000 bytes) as an SVG document: black modules on a
 * white square with a four-module quiet zone, one path, viewBox in module
 * units (the page sizes it). Returns a malloc'd NUL-terminated string (its
 * length in *len when len is not NULL) the caller frees, or NULL when text
 * is NULL, empty, too long or cannot be encoded. Thread-safe (libqrencode
 * keeps no shared state). */
char *printer_qr_svg(const char *text, size_t *len);

#endif
