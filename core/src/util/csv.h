/* CSV for spreadsheets (RFC 4180 with CRLF line ends), the one escaper of the
 * server: the ledger (sổ theo dõi) and the periodic report use it.
 *
 * Every cell is quoted. A cell whose text begins with '=', '+', '-', '@', a
 * tab or a carriage return gets a single quote in front, inside the quotes:
 * Excel and LibreOffice then show it as text instead of running it as a
 * formula (OWASP "CSV injection"); the quote is visible, the text is kept. */
#ifndef MOTCUA_CSV_H
#define MOTCUA_CSV_H

#include "util/strbuf.h"

/* The UTF-8 byte order mark: put first, it makes Excel read the file as
 * UTF-8 (Vietnamese text) rather than the machine's code page. */
#define CSV_UTF8_BOM "\xEF\xBB\xBF"

/* Appends s (NULL as empty) to out as one quoted, neutralised cell. */
void csv_cell(struct strbuf *out, const char *s);

#endif
