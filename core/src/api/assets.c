/* Lookup and inflation of the embedded screens (assets.h). */
#include "api/assets.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/log.h"
#include "util/xmalloc.h"

const struct asset *assets_find(const char *name)
{
	for (size_t i = 0; i < assets_count; i++)
		if (strcmp(assets_table[i].name, name) == 0)
			return &assets_table[i];
	return NULL;
}

unsigned char *assets_inflate(const struct asset *a)
{
	unsigned char *out = xmalloc(a->raw_len + 1);
	if (!a->gzipped) {
		memcpy(out, a->data, a->raw_len);
		return out;
	}
	z_stream z = {0};
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (unsigned char *)a->data;
	z.avail_in = (uInt)a->len;
	z.next_out = out;
	z.avail_out = (uInt)a->raw_len + 1;
	int rc = inflate(&z, Z_FINISH);
	size_t got = z.total_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END || got != a->raw_len) {
		log_error("asset %s: inflate failed (%d)", a->name, rc);
		free(out);
		return NULL;
	}
	return out;
}
