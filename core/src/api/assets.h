/* The screens of display/ (HTML, CSS, JS, voice clips), embedded in the
 * server at build time by motcua-asset-pack (core/tools/asset_pack.c) into
 * the generated assets_data.c. Each asset is stored gzip'ed when that saves
 * space, else as is, with a strong ETag of its uncompressed bytes. */
#ifndef MOTCUA_ASSETS_H
#define MOTCUA_ASSETS_H

#include <stdbool.h>
#include <stddef.h>

struct asset {
	const char *name;          /* path under display/: "board.html", "voice/mot.wav" */
	const char *content_type;  /* with charset for text */
	const unsigned char *data; /* a gzip member when gzipped, else the bytes */
	size_t len;                /* bytes in data */
	size_t raw_len;            /* bytes once inflated */
	bool gzipped;
	const char *etag; /* quoted: "\"0123456789abcdef\"" */
};

/* The generated table (assets_data.c). */
extern const struct asset assets_table[];
extern const size_t assets_count;

/* The asset named name, or NULL. The table lives as long as the program. */
const struct asset *assets_find(const char *name);

/* The uncompressed bytes of a, raw_len of them, in a buffer the caller frees;
 * NULL when inflating fails (a corrupt table: a build bug). For an asset not
 * gzipped, a copy. */
unsigned char *assets_inflate(const struct asset *a);

#endif
