/* Form templates: JSON documents (data/forms/mau-NN.json) read with jansson and
 * validated once, then interpreted block by block for each rendering. The layout
 * language is described in data/forms/README.md. */
#include "printer/render.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "util.h"

/* What a field the caller did not give prints as: a line to fill in by hand. */
#define FORM__BLANK "…………………"
#define FORM__CELL_PAD 2.5

struct printer_form {
	json_t *root;
	const char *id;
	const char *circular;
	enum printer_paper paper;
	double page_w, page_h;
	double margin[4]; /* top, right, bottom, left, in points */
	const char *font;
	double font_size;
	const char *footer;
	const char *continued; /* running header of pages 2.. ("tiếp theo"), or NULL */
	json_t *blocks;
};

/* What one rendering needs besides the canvas. */
struct form__ctx {
	const struct printer_form *form;
	const struct printer_fields *fields;
	bool qr_failed;
	double scale; /* type sizes and spacing: 1, less to fit one page */
	double space; /* the blank space between blocks, times scale: 1, less to fit */
	int pages;    /* the page count, known after a measuring pass ({{pages}}) */
};

/* The scales tried, in order, to fit a form on one page before it is allowed
 * to run onto a second (with a running header and "page N/M"): type a little
 * smaller first, then, at the smallest type, the blank space between blocks
 * (never the room left to sign) tighter. */
static const struct {
	double scale, space;
} form__fits[] = {{1.0, 1.0}, {0.95, 1.0}, {0.9, 1.0}, {0.86, 1.0}, {0.86, 0.5}, {0.86, 0.0}};

/* ---- template loading -------------------------------------------------------- */

static const char *form__str(json_t *o, const char *key, const char *def)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : def;
}

static double form__num(json_t *o, const char *key, double def)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : def;
}

static bool form__need_str(json_t *o, const char *key, size_t i, char *err, size_t err_size)
{
	if (json_is_string(json_object_get(o, key)))
		return true;
	printer__fail(err, err_size, 0, "block %zu (%s): \"%s\" must be a string", i,
	              form__str(o, "type", "?"), key);
	return false;
}

static bool form__need_array(json_t *o, const char *key, size_t i, char *err, size_t err_size)
{
	json_t *v = json_object_get(o, key);

	if (json_is_array(v) && json_array_size(v) > 0)
		return true;
	printer__fail(err, err_size, 0, "block %zu (%s): \"%s\" must be a non-empty array", i,
	              form__str(o, "type", "?"), key);
	return false;
}

static bool form__check_block(json_t *b, size_t i, char *err, size_t err_size)
{
	const char *type = form__str(b, "type", NULL);

	if (!json_is_object(b) || type == NULL) {
		printer__fail(err, err_size, 0, "block %zu: an object with a \"type\"", i);
		return false;
	}
	if (strcmp(type, "text") == 0)
		return form__need_str(b, "text", i, err, err_size);
	if (strcmp(type, "header") == 0)
		return form__need_array(b, "left", i, err, err_size) &&
		       form__need_array(b, "right", i, err, err_size);
	if (strcmp(type, "table") == 0) {
		json_t *col;
		size_t j;
		if (!form__need_str(b, "rows", i, err, err_size) ||
		    !form__need_array(b, "columns", i, err, err_size))
			return false;
		json_array_foreach(json_object_get(b, "columns"), j, col)
		{
			if (!json_is_object(col) || !form__need_str(col, "cell", i, err, err_size))
				return false;
		}
		return true;
	}
	if (strcmp(type, "list") == 0)
		return form__need_str(b, "rows", i, err, err_size) &&
		       form__need_str(b, "item", i, err, err_size);
	if (strcmp(type, "signatures") == 0)
		return form__need_array(b, "columns", i, err, err_size);
	if (strcmp(type, "qr") == 0)
		return form__need_str(b, "field", i, err, err_size);
	if (strcmp(type, "space") == 0 || strcmp(type, "rule") == 0)
		return true;
	printer__fail(err, err_size, 0, "block %zu: unknown type \"%s\"", i, type);
	return false;
}

int printer_form_parse(const char *json, size_t len, struct printer_form **out, char *err,
                       size_t err_size)
{
	struct printer_form *f = NULL;
	json_error_t jerr;
	json_t *root, *b, *m;
	const char *paper, *orient;
	size_t i;

	*out = NULL;
	root = json_loadb(json, len, 0, &jerr);
	if (root == NULL)
		return printer__fail(err, err_size, PRINTER_ERR_TEMPLATE, "line %d: %s", jerr.line,
		                     jerr.text);
	f = xcalloc(1, sizeof(*f));
	f->root = root;
	if (!json_is_object(root) || !json_is_array(json_object_get(root, "blocks"))) {
		printer__fail(err, err_size, 0, "a template is an object with \"blocks\"");
		goto bad;
	}
	f->id = form__str(root, "id", "form");
	f->circular = form__str(root, "circular", "");
	f->font = form__str(root, "font", "Noto Serif");
	f->font_size = form__num(root, "font_size", 10);
	f->footer = form__str(root, "footer", NULL);
	f->continued = form__str(root, "continued", NULL);
	f->blocks = json_object_get(root, "blocks");
	paper = form__str(root, "paper", "A5");
	if (strcmp(paper, "A5") == 0) {
		f->paper = PRINTER_PAPER_A5;
		f->page_w = 148 * PRINTER__MM;
		f->page_h = 210 * PRINTER__MM;
	} else if (strcmp(paper, "A4") == 0) {
		f->paper = PRINTER_PAPER_A4;
		f->page_w = 210 * PRINTER__MM;
		f->page_h = 297 * PRINTER__MM;
	} else {
		printer__fail(err, err_size, 0, "paper \"%s\": A5 or A4", paper);
		goto bad;
	}
	orient = form__str(root, "orientation", "portrait");
	if (strcmp(orient, "landscape") == 0) {
		double t = f->page_w;
		f->page_w = f->page_h;
		f->page_h = t;
	}
	m = json_object_get(root, "margins_mm");
	for (int k = 0; k < 4; k++) {
		json_t *v = json_array_get(m, (size_t)k);
		f->margin[k] = (json_is_number(v) ? json_number_value(v) : 12) * PRINTER__MM;
	}
	if (f->font_size <= 0 || f->font_size > 72) {
		printer__fail(err, err_size, 0, "font_size out of range");
		goto bad;
	}
	json_array_foreach(f->blocks, i, b)
	{
		if (!form__check_block(b, i, err, err_size))
			goto bad;
	}
	*out = f;
	return PRINTER_OK;
bad:
	printer_form_free(f);
	return PRINTER_ERR_TEMPLATE;
}

int printer_form_load(const char *path, struct printer_form **out, char *err, size_t err_size)
{
	FILE *fp = fopen(path, "rb");
	struct strbuf b = {0};
	char chunk[8192];
	size_t n;
	int rc;

	*out = NULL;
	if (fp == NULL)
		return printer__fail(err, err_size, PRINTER_ERR_IO, "%s: %s", path,
		                     strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		strbuf_append(&b, chunk, n);
	if (ferror(fp)) {
		rc = printer__fail(err, err_size, PRINTER_ERR_IO, "%s: read error", path);
		goto out;
	}
	rc = printer_form_parse((const char *)b.data, b.len, out, err, err_size);
	if (rc != PRINTER_OK && err != NULL && err_size > 0) {
		char *msg = xstrdup(err);
		printer__fail(err, err_size, rc, "%s: %s", path, msg);
		free(msg);
	}
out:
	fclose(fp);
	strbuf_free(&b);
	return rc;
}

void printer_form_free(struct printer_form *form)
{
	if (form == NULL)
		return;
	json_decref(form->root);
	free(form);
}

const char *printer_form_id(const struct printer_form *form)
{
	return form->id;
}

const char *printer_form_circular(const struct printer_form *form)
{
	return form->circular;
}

enum printer_paper printer_form_paper(const struct printer_form *form)
{
	return form->paper;
}

/* ---- substitution ------------------------------------------------------------ */

/* One row of a list while a table or list is being filled, else NULL. */
struct form__row {
	const char *const *cells;
	size_t ncells;
	size_t number; /* 1-based */
};

static void form__append_escaped(struct strbuf *b, const char *value)
{
	char *nfc = printer__nfc(value);
	gchar *esc = g_markup_escape_text(nfc, -1);

	strbuf_append(b, esc, strlen(esc));
	g_free(esc);
	free(nfc);
}

/* The template markup tmpl with each {{name}} replaced by the escaped, NFC value:
 * "#" the row number, "0", "1"... a cell of the row, "page" the page number, any
 * other name a field (FORM__BLANK when unset). Returns a malloc'd NFC string. */
static char *form__subst(const struct form__ctx *x, const char *tmpl, const struct form__row *row,
                         int page)
{
	struct strbuf b = {0};
	const char *p = tmpl;
	size_t len;
	uint8_t *raw;
	char *out;

	while (*p) {
		const char *open = strstr(p, "{{"), *close;
		char name[128], num[32];
		if (open == NULL || (close = strstr(open + 2, "}}")) == NULL ||
		    (size_t)(close - open - 2) >= sizeof(name)) {
			strbuf_append(&b, p, strlen(p));
			break;
		}
		strbuf_append(&b, p, (size_t)(open - p));
		memcpy(name, open + 2, (size_t)(close - open - 2));
		name[close - open - 2] = '\0';
		p = close + 2;
		if (strcmp(name, "page") == 0) {
			snprintf(num, sizeof(num), "%d", page);
			strbuf_append(&b, num, strlen(num));
		} else if (strcmp(name, "pages") == 0) {
			snprintf(num, sizeof(num), "%d", x->pages > page ? x->pages : page);
			strbuf_append(&b, num, strlen(num));
		} else if (row != NULL && strcmp(name, "#") == 0) {
			snprintf(num, sizeof(num), "%zu", row->number);
			strbuf_append(&b, num, strlen(num));
		} else if (row != NULL && name[0] >= '0' && name[0] <= '9') {
			size_t i = strtoul(name, NULL, 10);
			if (row->cells != NULL && i < row->ncells)
				form__append_escaped(&b, row->cells[i]);
		} else {
			const char *v = printer_fields_get(x->fields, name);
			if (v != NULL)
				form__append_escaped(&b, v);
			else if (row == NULL || row->cells != NULL)
				strbuf_append(&b, FORM__BLANK, strlen(FORM__BLANK));
		}
	}
	strbuf_putc(&b, '\0');
	raw = (uint8_t *)strbuf_detach(&b, &len);
	out = printer__nfc((const char *)raw);
	free(raw);
	return out;
}

/* True when field or list `name` is present and not empty. */
static bool form__has(const struct form__ctx *x, const char *name)
{
	const char *v = printer_fields_get(x->fields, name);
	return (v != NULL && *v != '\0') || printer_fields_row_count(x->fields, name) > 0;
}

/* True when the block's "if" names nothing or a field or list that is
 * present, and its "unless" nothing or one that is absent or empty. */
static bool form__wanted(const struct form__ctx *x, json_t *block)
{
	const char *cond = form__str(block, "if", NULL);
	const char *unless = form__str(block, "unless", NULL);

	return (cond == NULL || form__has(x, cond)) && (unless == NULL || !form__has(x, unless));
}

static enum printer__align form__align(json_t *o, enum printer__align def)
{
	const char *a = form__str(o, "align", NULL);

	if (a == NULL)
		return def;
	if (strcmp(a, "center") == 0)
		return PRINTER__ALIGN_CENTER;
	if (strcmp(a, "right") == 0)
		return PRINTER__ALIGN_RIGHT;
	if (strcmp(a, "justify") == 0)
		return PRINTER__ALIGN_JUSTIFY;
	return PRINTER__ALIGN_LEFT;
}

/* A layout of filled-in markup; invalid markup (a template bug) falls back to the
 * text shown literally so that a form still prints. */
static PangoLayout *form__layout(struct printer__canvas *c, const char *markup, const char *font,
                                 double size, enum printer__align align, double width)
{
	PangoLayout *l = printer__layout(c, markup, true, font, size, align, width);

	if (l == NULL)
		l = printer__layout(c, markup, false, font, size, align, width);
	return l;
}

static const char *form__font(const struct form__ctx *x, json_t *b)
{
	return form__str(b, "font", x->form->font);
}

static double form__size(const struct form__ctx *x, json_t *b)
{
	return form__num(b, "size", x->form->font_size) * x->scale;
}

/* A length key of block b in millimetres (def when absent), in points at the
 * rendering's scale. */
static double form__mm(const struct form__ctx *x, json_t *b, const char *key, double def)
{
	return form__num(b, key, def) * PRINTER__MM * x->scale;
}

/* A blank space key of block b (space_before_mm, …) like form__mm, tightened
 * by the rendering's space factor. */
static double form__space(const struct form__ctx *x, json_t *b, const char *key, double def)
{
	return form__mm(x, b, key, def) * x->space;
}

/* ---- blocks ------------------------------------------------------------------ */

static void form__text(struct printer__canvas *c, struct form__ctx *x, json_t *b)
{
	double indent = form__num(b, "indent_mm", 0) * PRINTER__MM;
	char *markup = form__subst(x, form__str(b, "text", ""), NULL, c->page);
	PangoLayout *l = form__layout(c, markup, form__font(x, b), form__size(x, b),
	                              form__align(b, PRINTER__ALIGN_LEFT), c->width - indent);
	double h;

	pango_layout_set_indent(
	    l, (int)(form__num(b, "first_indent_mm", 0) * PRINTER__MM * PANGO_SCALE));
	h = printer__layout_height(l);
	printer__ensure(c, h);
	printer__paint_layout(c, l, c->x0 + indent, c->y);
	c->y += h;
	g_object_unref(l);
	free(markup);
}

/* True when markup shows nothing: only tags and white space. */
static bool form__blank_markup(const char *m)
{
	bool in_tag = false;
	for (; *m; m++) {
		if (*m == '<')
			in_tag = true;
		else if (*m == '>')
			in_tag = false;
		else if (!in_tag && *m != ' ' && *m != '\n' && *m != '\t')
			return false;
	}
	return true;
}

/* The lines of one header column, joined, centered, with a short rule below. */
static PangoLayout *form__header_column(struct printer__canvas *c, struct form__ctx *x, json_t *b,
                                        json_t *lines, double width)
{
	struct strbuf buf = {0};
	json_t *line;
	size_t i, len;
	uint8_t *joined;
	PangoLayout *l;

	json_array_foreach(lines, i, line)
	{
		char *m = form__subst(x, json_is_string(line) ? json_string_value(line) : "", NULL,
		                      c->page);
		if (form__blank_markup(m)) { /* a line whose field is empty: no gap */
			free(m);
			continue;
		}
		if (buf.len > 0)
			strbuf_putc(&buf, '\n');
		strbuf_append(&buf, m, strlen(m));
		free(m);
	}
	strbuf_putc(&buf, '\0');
	joined = (uint8_t *)strbuf_detach(&buf, &len);
	l = form__layout(c, (const char *)joined, form__font(x, b), form__size(x, b),
	                 PRINTER__ALIGN_CENTER, width);
	free(joined);
	return l;
}

static void form__header(struct printer__canvas *c, struct form__ctx *x, json_t *b)
{
	double lw = c->width * form__num(b, "left_width", 0.42);
	double rw = c->width - lw;
	PangoLayout *left = form__header_column(c, x, b, json_object_get(b, "left"), lw);
	PangoLayout *right = form__header_column(c, x, b, json_object_get(b, "right"), rw);
	double lh = printer__layout_height(left), rh = printer__layout_height(right);
	double h = (lh > rh ? lh : rh) + 4;

	printer__ensure(c, h);
	printer__paint_layout(c, left, c->x0, c->y);
	printer__paint_layout(c, right, c->x0 + lw, c->y);
	if (json_is_true(json_object_get(b, "rule"))) {
		/* The short rules under the agency name and under the motto. */
		printer__hline(c, c->x0 + lw * 0.3, c->y + lh + 2.5, lw * 0.4, 0.6);
		printer__hline(c, c->x0 + lw + rw * 0.2, c->y + rh + 2.5, rw * 0.6, 0.6);
	}
	c->y += h;
	g_object_unref(left);
	g_object_unref(right);
}

struct form__table_col {
	const char *cell;
	const char *header;
	enum printer__align align;
	double x, w;
};

/* Lays out one table row (header when row is NULL); returns its height and the
 * layouts in ls (the caller unrefs them). */
static double form__table_row(struct printer__canvas *c, struct form__ctx *x, json_t *b,
                              const struct form__table_col *cols, size_t ncols,
                              const struct form__row *row, PangoLayout **ls)
{
	double size = form__num(b, "size", x->form->font_size * 0.95) * x->scale, h = 0;

	for (size_t i = 0; i < ncols; i++) {
		char *m;
		if (row == NULL) {
			char *inner = form__subst(x, cols[i].header, NULL, c->page);
			m = xasprintf("<b>%s</b>", inner);
			free(inner);
		} else {
			m = form__subst(x, cols[i].cell, row, c->page);
		}
		ls[i] = form__layout(c, m, form__font(x, b), size,
		                     row == NULL ? PRINTER__ALIGN_CENTER : cols[i].align,
		                     cols[i].w - 2 * FORM__CELL_PAD);
		free(m);
		double lh = printer__layout_height(ls[i]);
		if (lh > h)
			h = lh;
	}
	return h + 2 * FORM__CELL_PAD;
}

static void form__table_paint(struct printer__canvas *c, const struct form__table_col *cols,
                              size_t ncols, PangoLayout **ls, double h)
{
	for (size_t i = 0; i < ncols; i++) {
		printer__paint_layout(c, ls[i], c->x0 + cols[i].x + FORM__CELL_PAD,
		                      c->y + FORM__CELL_PAD);
		g_object_unref(ls[i]);
	}
	if (!c->measure) {
		cairo_save(c->cr);
		cairo_set_line_width(c->cr, 0.5);
		for (size_t i = 0; i < ncols; i++)
			cairo_rectangle(c->cr, c->x0 + cols[i].x, c->y, cols[i].w, h);
		cairo_stroke(c->cr);
		cairo_restore(c->cr);
	}
	c->y += h;
}

static void form__table(struct printer__canvas *c, struct form__ctx *x, json_t *b)
{
	json_t *jcols = json_object_get(b, "columns"), *col;
	const char *list = form__str(b, "rows", "");
	size_t ncols = json_array_size(jcols), nrows = printer_fields_row_count(x->fields, list);
	size_t blank = (size_t)form__num(b, "empty_rows", 2), i;
	struct form__table_col *cols = xcalloc(ncols, sizeof(*cols));
	PangoLayout **ls = xcalloc(ncols, sizeof(*ls));
	double total = 0, at = 0, h;

	json_array_foreach(jcols, i, col)
	{
		total += form__num(col, "width", 1);
	}
	json_array_foreach(jcols, i, col)
	{
		cols[i].cell = form__str(col, "cell", "");
		cols[i].header = form__str(col, "header", "");
		cols[i].align = form__align(col, PRINTER__ALIGN_LEFT);
		cols[i].x = at;
		cols[i].w = c->width * form__num(col, "width", 1) / total;
		at += cols[i].w;
	}
	h = form__table_row(c, x, b, cols, ncols, NULL, ls);
	printer__ensure(c, h * 2);
	form__table_paint(c, cols, ncols, ls, h);
	for (size_t r = 0; r < (nrows ? nrows : blank); r++) {
		struct form__row row = {.number = r + 1};
		row.cells = printer_fields_row(x->fields, list, r, &row.ncells);
		h = form__table_row(c, x, b, cols, ncols, &row, ls);
		if (nrows == 0) /* room to write by hand */
			h = fmax(h, form__mm(x, b, "blank_row_mm", 7));
		if (printer__ensure(c, h)) {
			/* New page: repeat the header row above the rest of the table. */
			PangoLayout **hl = xcalloc(ncols, sizeof(*hl));
			double hh = form__table_row(c, x, b, cols, ncols, NULL, hl);
			form__table_paint(c, cols, ncols, hl, hh);
			free(hl);
		}
		form__table_paint(c, cols, ncols, ls, h);
	}
	free(ls);
	free(cols);
}

static void form__list(struct printer__canvas *c, struct form__ctx *x, json_t *b)
{
	const char *list = form__str(b, "rows", "");
	size_t n = printer_fields_row_count(x->fields, list);
	double indent = form__num(b, "indent_mm", 4) * PRINTER__MM;

	for (size_t r = 0; r < (n ? n : 1); r++) {
		struct form__row row = {.number = r + 1};
		const char *tmpl = form__str(b, "item", "");
		char *m;
		row.cells = printer_fields_row(x->fields, list, r, &row.ncells);
		if (n == 0)
			tmpl = form__str(b, "empty", FORM__BLANK FORM__BLANK FORM__BLANK);
		m = form__subst(x, tmpl, &row, c->page);
		PangoLayout *l =
		    form__layout(c, m, form__font(x, b), form__size(x, b),
		                 form__align(b, PRINTER__ALIGN_LEFT), c->width - indent);
		double h = printer__layout_height(l);
		printer__ensure(c, h);
		printer__paint_layout(c, l, c->x0 + indent, c->y);
		c->y += h + 1;
		g_object_unref(l);
		free(m);
	}
}

static void form__signatures(struct printer__canvas *c, struct form__ctx *x, json_t *b)
{
	json_t *cols = json_object_get(b, "columns"), *col;
	size_t n = json_array_size(cols), i;
	double w = c->width / (double)n, gap = form__mm(x, b, "gap_mm", 18);
	PangoLayout **top = xcalloc(n, sizeof(*top));
	PangoLayout **name = xcalloc(n, sizeof(*name));
	double th = 0, nh = 0;

	json_array_foreach(cols, i, col)
	{
		char *t =
		    xasprintf("%s\n%s", form__str(col, "title", ""), form__str(col, "note", ""));
		char *m = form__subst(x, t, NULL, c->page);
		top[i] = form__layout(c, m, form__font(x, b), form__size(x, b),
		                      PRINTER__ALIGN_CENTER, w - 4);
		free(m);
		free(t);
		m = form__subst(x, form__str(col, "name", ""), NULL, c->page);
		name[i] = form__layout(c, m, form__font(x, b), form__size(x, b),
		                       PRINTER__ALIGN_CENTER, w - 4);
		free(m);
		if (printer__layout_height(top[i]) > th)
			th = printer__layout_height(top[i]);
		if (printer__layout_height(name[i]) > nh)
			nh = printer__layout_height(name[i]);
	}
	printer__ensure(c, th + gap + nh);
	for (i = 0; i < n; i++) {
		printer__paint_layout(c, top[i], c->x0 + i * w + 2, c->y);
		printer__paint_layout(c, name[i], c->x0 + i * w + 2, c->y + th + gap);
		g_object_unref(top[i]);
		g_object_unref(name[i]);
	}
	c->y += th + gap + nh;
	free(top);
	free(name);
}

static void form__qr(struct printer__canvas *c, struct form__ctx *x, json_t *b)
{
	const char *value = printer_fields_get(x->fields, form__str(b, "field", ""));
	double size = form__num(b, "size_mm", 22) * PRINTER__MM, th = 0, ch = 0;
	const char *text = form__str(b, "text", NULL), *caption = form__str(b, "caption", NULL);
	PangoLayout *tl = NULL, *cl = NULL;
	double qx = c->x0 + c->width - size;

	/* Without a value there is no code to draw, but the text beside it
	 * (Mẫu 01's applicant lines) still prints, full width. */
	bool have_qr = value != NULL && *value != '\0';
	if (!have_qr && text == NULL)
		return;
	if (text != NULL) {
		char *m = form__subst(x, text, NULL, c->page);
		tl = form__layout(c, m, form__font(x, b), form__size(x, b), PRINTER__ALIGN_LEFT,
		                  have_qr ? c->width - size - 4 * PRINTER__MM : c->width);
		th = printer__layout_height(tl);
		free(m);
	}
	if (!have_qr) {
		printer__ensure(c, th);
		printer__paint_layout(c, tl, c->x0, c->y);
		c->y += th;
		g_object_unref(tl);
		return;
	}
	if (caption != NULL) {
		char *m = form__subst(x, caption, NULL, c->page);
		cl = form__layout(c, m, form__font(x, b), form__size(x, b) * 0.8,
		                  PRINTER__ALIGN_CENTER, size + 6 * PRINTER__MM);
		ch = printer__layout_height(cl);
		free(m);
	}
	if (text == NULL && strcmp(form__str(b, "align", "right"), "center") == 0)
		qx = c->x0 + (c->width - size) / 2;
	printer__ensure(c, fmax(th, size + ch));
	if (tl != NULL)
		printer__paint_layout(c, tl, c->x0, c->y + fmax(0, (size - th) / 2));
	if (!printer__qr(c, value, qx, c->y, size))
		x->qr_failed = true;
	if (cl != NULL)
		printer__paint_layout(c, cl, qx - 3 * PRINTER__MM, c->y + size + 1);
	c->y += fmax(th, size + ch);
	if (tl)
		g_object_unref(tl);
	if (cl)
		g_object_unref(cl);
}

static void form__footer(struct printer__canvas *c, int page, void *arg)
{
	struct form__ctx *x = arg;
	const struct printer_form *f = x->form;
	char *m;
	PangoLayout *l;

	if (f->footer == NULL)
		return;
	m = form__subst(x, f->footer, NULL, page);
	l = form__layout(c, m, f->font, f->font_size * 0.7, PRINTER__ALIGN_CENTER, c->width);
	printer__paint_layout(c, l, c->x0, f->page_h - f->margin[2] + 4);
	g_object_unref(l);
	free(m);
}

static void form__block(struct printer__canvas *c, struct form__ctx *x, json_t *b)
{
	const char *type = form__str(b, "type", "");

	if (!form__wanted(x, b))
		return;
	c->y += form__space(x, b, "space_before_mm", 0);
	if (strcmp(type, "text") == 0)
		form__text(c, x, b);
	else if (strcmp(type, "header") == 0)
		form__header(c, x, b);
	else if (strcmp(type, "table") == 0)
		form__table(c, x, b);
	else if (strcmp(type, "list") == 0)
		form__list(c, x, b);
	else if (strcmp(type, "signatures") == 0)
		form__signatures(c, x, b);
	else if (strcmp(type, "qr") == 0)
		form__qr(c, x, b);
	else if (strcmp(type, "space") == 0)
		c->y += form__space(x, b, "mm", 3);
	else if (strcmp(type, "rule") == 0) {
		printer__hline(c, c->x0, c->y + 2, c->width, 0.5);
		c->y += 4;
	}
	c->y += form__space(x, b, "space_after_mm", 0);
}

/* The running header at the top of pages 2.. (the template's "continued"). */
static void form__continued(struct printer__canvas *c, int page, void *arg)
{
	struct form__ctx *x = arg;
	const struct printer_form *f = x->form;

	if (f->continued == NULL)
		return;
	char *m = form__subst(x, f->continued, NULL, page);
	PangoLayout *l =
	    form__layout(c, m, f->font, f->font_size * 0.8, PRINTER__ALIGN_LEFT, c->width);
	double h = printer__layout_height(l);
	printer__paint_layout(c, l, c->x0, c->y);
	printer__hline(c, c->x0, c->y + h + 1.5, c->width, 0.4);
	c->y += h + 3 * PRINTER__MM;
	g_object_unref(l);
	free(m);
}

/* Lays the form out once on cr at x->scale, painting unless measure; returns
 * the number of pages. A painting pass shows each page but the last (the
 * caller shows it). */
static int form__pass(const struct printer_form *form, struct form__ctx *x, cairo_t *cr,
                      bool measure)
{
	struct printer__canvas c;
	json_t *b;
	size_t i;

	printer__canvas_init(&c, cr);
	c.measure = measure;
	c.x0 = form->margin[3];
	c.width = form->page_w - form->margin[1] - form->margin[3];
	c.top = c.y = form->margin[0];
	c.bottom = form->page_h - form->margin[2];
	c.on_page = form__footer;
	c.on_new_page = form__continued;
	c.on_page_arg = x;
	json_array_foreach(form->blocks, i, b)
	{
		form__block(&c, x, b);
	}
	printer__last_page(&c);
	printer__canvas_finish(&c);
	return c.page;
}

int printer_form_pdf(const struct printer_form *form, const struct printer_fields *fields,
                     uint8_t **out, size_t *out_len, char *err, size_t err_size)
{
	struct strbuf buf = {0};
	struct form__ctx x = {.form = form, .fields = fields, .scale = 1.0, .space = 1.0};
	cairo_surface_t *s;
	cairo_t *cr;
	int rc = PRINTER_OK;

	*out = NULL;
	*out_len = 0;
	if (form == NULL || fields == NULL)
		return printer__fail(err, err_size, PRINTER_ERR_INVALID, "no form or no fields");
	s = printer__pdf_surface(&buf, form->page_w, form->page_h, form->id);
	cr = cairo_create(s);
	/* One page when the content allows, a little smaller if need be (a
	 * receipt printed in two copies must not take four sheets for a note
	 * run over); else full size over several pages, each after the first
	 * with its running header, all numbered N/M. */
	x.pages = 0;
	for (size_t k = 0; k < sizeof form__fits / sizeof form__fits[0]; k++) {
		x.scale = form__fits[k].scale;
		x.space = form__fits[k].space;
		x.pages = form__pass(form, &x, cr, true);
		if (x.pages == 1)
			break;
	}
	if (x.pages > 1) {
		x.scale = 1.0;
		x.space = 1.0;
		x.pages = form__pass(form, &x, cr, true);
	}
	x.qr_failed = false;
	form__pass(form, &x, cr, false);
	cairo_show_page(cr);
	cairo_destroy(cr);
	if (x.qr_failed) {
		cairo_surface_finish(s);
		rc = printer__fail(err, err_size, PRINTER_ERR_RENDER, "cannot encode the QR code");
		goto out;
	}
	rc = printer__pdf_take(s, &buf, out, out_len, err, err_size);
out:
	cairo_surface_destroy(s);
	strbuf_free(&buf);
	return rc;
}
