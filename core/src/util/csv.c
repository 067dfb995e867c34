#include "util/csv.h"

#include <string.h>

void csv_cell(struct strbuf *out, const char *s)
{
	strbuf_puts(out, "\"");
	if (s && *s && strchr("=+-@\t\r", *s))
		strbuf_puts(out, "'");
	for (; s && *s; s++) {
		if (*s == '"')
			strbuf_puts(out, "\"\"");
		else
			strbuf_append(out, s, 1);
	}
	strbuf_puts(out, "\"");
}
