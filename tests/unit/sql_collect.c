/* The collector of tests/unit/sql_collect.h: reads the store's C sources
 * the way the preprocessor would join their string literals and macros. */
#include "sql_collect.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sql_list_add(struct sql_list *l, char *sql, const char *file, int line)
{
	static const char *verbs[] = {"SELECT ", "INSERT ", "UPDATE ",
	                              "DELETE ", "WITH ",   "REPLACE "};
	const char *p = sql;
	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	bool is_sql = false;
	for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
		if (strncmp(p, verbs[i], strlen(verbs[i])) == 0)
			is_sql = true;
	if (!is_sql) {
		free(sql);
		return;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->sql = realloc(l->sql, l->cap * sizeof *l->sql);
		l->where = realloc(l->where, l->cap * sizeof *l->where);
	}
	char where[300];
	snprintf(where, sizeof where, "%s:%d", file, line);
	l->sql[l->n] = sql;
	l->where[l->n] = strdup(where);
	l->n++;
}

/* The macros of the store's sources, as the C preprocessor sees them: the
 * name, the parameters of a function-like one (nparams -1: object-like) and
 * the body's raw text. A body is evaluated at a use, not at its #define (it
 * may name a macro defined after it): "SELECT " PRINT_COLS " FROM …" and
 * SCOPE_SQL(DOSSIER_HOLDER_SQL) are statements like any other. */
enum { SQL_MACRO_PARAMS = 8, SQL_MACRO_MAX = 512, SQL_MACRO_DEPTH = 32 };
struct sql_macro {
	char *name;
	int nparams;
	char *params[SQL_MACRO_PARAMS];
	char *body;
};
struct sql_macros {
	struct sql_macro d[SQL_MACRO_MAX];
	size_t n;
};

/* The latest macro named [name, name + len) in m, or NULL. */
static const struct sql_macro *sql_macro(const struct sql_macros *m, const char *name, size_t len)
{
	for (size_t i = m->n; i-- > 0;)
		if (strlen(m->d[i].name) == len && memcmp(m->d[i].name, name, len) == 0)
			return &m->d[i];
	return NULL;
}

/* Forgets the macros of m past the first keep. */
static void sql_macros_trim(struct sql_macros *m, size_t keep)
{
	while (m->n > keep) {
		struct sql_macro *d = &m->d[--m->n];
		free(d->name);
		for (int i = 0; i < d->nparams; i++)
			free(d->params[i]);
		free(d->body);
	}
}

struct sql_buf {
	char *s;
	size_t len, cap;
};

static void sql_buf_add(struct sql_buf *b, const char *p, size_t n)
{
	if (b->s == NULL || b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Reads the string literal at *pp (on its opening quote) into b. */
static void sql_literal(const char **pp, struct sql_buf *b)
{
	const char *p = *pp + 1;
	for (; *p && *p != '"'; p++) {
		char ch = *p;
		if (ch == '\\' && p[1]) {
			p++;
			ch = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
		}
		sql_buf_add(b, &ch, 1);
	}
	*pp = *p ? p + 1 : p;
}

static bool sql_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Past the blanks, line continuations and comments at p (not past end). */
static const char *sql_skip(const char *p, const char *end)
{
	while (p < end && *p) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		else if (p[0] == '\\' && p[1] == '\n')
			p += 2;
		else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e && e + 2 <= end ? e + 2 : end;
		} else if (p[0] == '/' && p[1] == '/') {
			while (p < end && *p && *p != '\n')
				p++;
		} else
			break;
	}
	return p;
}

/* Past the string or character literal at p (on its quote). */
static const char *sql_skip_quoted(const char *p, const char *end)
{
	char q = *p++;
	while (p < end && *p && *p != q)
		p += (*p == '\\' && p[1]) ? 2 : 1;
	return p < end && *p ? p + 1 : p;
}

/* The parameter values of a function-like macro being evaluated. */
struct sql_args {
	const struct sql_macro *of;
	char *value[SQL_MACRO_PARAMS];
};

static char *sql_use(const struct sql_macros *m, const char *name, const char *end,
                     const char **after, const struct sql_args *a, int depth);

/* Evaluates the C text [p, end) as a string expression: adjacent string
 * literals, macros that are such expressions, and (inside the body of a
 * function-like macro) its parameters, whose values a holds. Returns the
 * joined text (caller frees), or NULL when the text is anything else or
 * empty. */
static char *sql_eval(const struct sql_macros *m, const char *p, const char *end,
                      const struct sql_args *a, int depth)
{
	struct sql_buf b = {0};
	bool any = false;
	if (depth > SQL_MACRO_DEPTH)
		return NULL;
	for (p = sql_skip(p, end); p < end && *p; p = sql_skip(p, end)) {
		any = true;
		if (*p == '"') {
			sql_literal(&p, &b);
			continue;
		}
		if (!sql_ident_char(*p) || (*p >= '0' && *p <= '9'))
			goto fail;
		const char *e = p;
		while (sql_ident_char(*e))
			e++;
		const char *value = NULL;
		for (int i = 0; a && i < a->of->nparams; i++)
			if (strlen(a->of->params[i]) == (size_t)(e - p) &&
			    memcmp(a->of->params[i], p, (size_t)(e - p)) == 0)
				value = a->value[i];
		if (value) {
			sql_buf_add(&b, value, strlen(value));
			p = e;
			continue;
		}
		char *x = sql_use(m, p, end, &p, a, depth + 1);
		if (x == NULL)
			goto fail;
		sql_buf_add(&b, x, strlen(x));
		free(x);
	}
	if (!any)
		goto fail;
	return b.s ? b.s : strdup("");
fail:
	free(b.s);
	return NULL;
}

/* The use of a macro at name (an identifier; before end), evaluated as a
 * string expression; the arguments of a function-like one are evaluated
 * where the use stands (with a, the parameters around it). Returns the
 * text (caller frees) and sets *after past the use, or NULL when name is
 * no macro, no use of one (a function-like name without its parentheses,
 * the wrong number of arguments) or not a string expression (*after is then
 * just past name). */
static char *sql_use(const struct sql_macros *m, const char *name, const char *end,
                     const char **after, const struct sql_args *a, int depth)
{
	const char *e = name;
	while (sql_ident_char(*e))
		e++;
	*after = e;
	const struct sql_macro *d = sql_macro(m, name, (size_t)(e - name));
	if (d == NULL)
		return NULL;
	if (d->nparams < 0)
		return sql_eval(m, d->body, d->body + strlen(d->body), NULL, depth);
	const char *p = sql_skip(e, end);
	if (p >= end || *p != '(')
		return NULL;
	/* The arguments: split at the commas outside parentheses and literals. */
	struct sql_args args = {.of = d};
	const char *arg[SQL_MACRO_PARAMS + 1], *arg_end[SQL_MACRO_PARAMS + 1];
	int n = 0, nest = 0;
	arg[0] = ++p;
	for (; p < end && *p; p++) {
		if (*p == '"' || *p == '\'') {
			p = sql_skip_quoted(p, end) - 1;
		} else if (*p == '(') {
			nest++;
		} else if (*p == ')' && nest > 0) {
			nest--;
		} else if ((*p == ',' && nest == 0) || *p == ')') {
			if (n == SQL_MACRO_PARAMS)
				return NULL;
			arg_end[n++] = p;
			if (*p == ')')
				break;
			arg[n] = p + 1;
		}
	}
	if (p >= end || *p != ')')
		return NULL;
	/* NAME() of a macro without parameters has one empty argument. */
	if (d->nparams == 0 && n == 1 && sql_skip(arg[0], arg_end[0]) == arg_end[0])
		n = 0;
	if (n != d->nparams)
		return NULL;
	char *text = NULL;
	for (int i = 0; i < n; i++) {
		args.value[i] = sql_eval(m, arg[i], arg_end[i], a, depth);
		if (args.value[i] == NULL)
			goto done;
	}
	text = sql_eval(m, d->body, d->body + strlen(d->body), &args, depth);
	if (text)
		*after = p + 1;
done:
	for (int i = 0; i < n; i++)
		free(args.value[i]);
	return text;
}

/* Records the #define at d (just past "define"; the directive ends at end)
 * in m: object-like or function-like, whatever its body. A variadic one,
 * or one past the table's room, is left out (its uses are not SQL). */
static void sql_define(struct sql_macros *m, const char *d, const char *end)
{
	d = sql_skip(d, end);
	const char *n = d;
	while (d < end && sql_ident_char(*d))
		d++;
	const char *n_end = d;
	if (d == n || m->n == SQL_MACRO_MAX)
		return;
	struct sql_macro mac = {.nparams = -1};
	if (*d == '(') { /* function-like: "(" directly after the name */
		mac.nparams = 0;
		for (d++;;) {
			d = sql_skip(d, end);
			const char *p = d;
			while (d < end && sql_ident_char(*d))
				d++;
			if (d > p) {
				if (mac.nparams == SQL_MACRO_PARAMS)
					goto bad;
				mac.params[mac.nparams++] = strndup(p, (size_t)(d - p));
				d = sql_skip(d, end);
			}
			if (d < end && *d == ',' && d > p) {
				d++;
				continue;
			}
			if (d < end && *d == ')' && (d > p || mac.nparams == 0)) {
				d++;
				break;
			}
			goto bad; /* "...", or not a parameter list */
		}
	}
	mac.name = strndup(n, (size_t)(n_end - n));
	mac.body = strndup(d, (size_t)(end - d));
	m->d[m->n++] = mac;
	return;
bad:
	for (int i = 0; i < mac.nparams; i++)
		free(mac.params[i]);
}

/* Scans C text [p, end): runs of adjacent string literals and uses of
 * string macros are joined; each finished run goes to l. #define lines are
 * not scanned for statements; each is recorded in m (which holds the
 * headers' macros already). */
static void sql_scan(struct sql_list *l, struct sql_macros *m, const char *p, const char *end,
                     const char *file)
{
	int line = 1, run_line = 0;
	struct sql_buf run = {0};
	bool in_run = false;

#define SQL_END_RUN()                                                                              \
	do {                                                                                       \
		if (in_run) {                                                                      \
			sql_list_add(l, strdup(run.s ? run.s : ""), file, run_line);               \
			run.len = 0;                                                               \
			if (run.s)                                                                 \
				run.s[0] = '\0';                                                   \
			in_run = false;                                                            \
		}                                                                                  \
	} while (0)
#define SQL_START_RUN()                                                                            \
	do {                                                                                       \
		if (!in_run) {                                                                     \
			in_run = true;                                                             \
			run_line = line;                                                           \
		}                                                                                  \
	} while (0)

	bool line_start = true;
	while (p < end && *p) {
		if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			const char *stop = e ? e + 2 : end;
			for (const char *q = p; q < stop; q++)
				line += *q == '\n';
			p = stop;
			continue;
		}
		if (p[0] == '/' && p[1] == '/') {
			while (p < end && *p && *p != '\n')
				p++;
			continue;
		}
		if (*p == '\n') {
			line++;
			line_start = true;
			p++;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\r' || (*p == '\\' && p[1] == '\n')) {
			if (*p == '\\') {
				p++;
				line++;
			}
			p++;
			continue;
		}
		if (line_start && *p == '#') {
			/* A directive, to the end of its (continued) line. */
			SQL_END_RUN();
			const char *q = p;
			while (q < end && *q && !(*q == '\n' && q[-1] != '\\'))
				q++;
			const char *d = p + 1;
			while (*d == ' ' || *d == '\t')
				d++;
			if (strncmp(d, "define", 6) == 0 && (d[6] == ' ' || d[6] == '\t'))
				sql_define(m, d + 6, q);
			for (const char *c = p; c < q; c++)
				line += *c == '\n';
			p = q;
			continue;
		}
		line_start = false;
		if (*p == '\'') { /* a character literal, e.g. '"' */
			SQL_END_RUN();
			p = sql_skip_quoted(p, end);
			continue;
		}
		if (*p == '"') {
			SQL_START_RUN();
			sql_literal(&p, &run);
			continue;
		}
		if (sql_ident_char(*p)) {
			const char *e;
			char *text = sql_use(m, p, end, &e, NULL, 0);
			if (text) {
				SQL_START_RUN();
				sql_buf_add(&run, text, strlen(text));
				free(text);
			} else {
				/* Anything else, e.g. a macro that is no string: the
				 * literals of its arguments are scanned on their own. */
				SQL_END_RUN();
			}
			for (const char *c = p; c < e; c++)
				line += *c == '\n';
			p = e;
			continue;
		}
		SQL_END_RUN();
		p++;
	}
	SQL_END_RUN();
#undef SQL_END_RUN
#undef SQL_START_RUN
	free(run.s);
}

static char *sql_read_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	rewind(fp);
	char *text = malloc((size_t)size + 1);
	assert_int_equal(fread(text, 1, (size_t)size, fp), (size_t)size);
	text[size] = '\0';
	fclose(fp);
	return text;
}

void sql_list_free(struct sql_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->sql[i]);
		free(l->where[i]);
	}
	free(l->sql);
	free(l->where);
}

void sql_collect(struct sql_list *l)
{
	struct sql_macros *m = calloc(1, sizeof *m);
	assert_non_null(m);
	/* This file is tests/unit/sql_collect.c of the source tree, unless
	 * MOTCUA_SOURCE names another (a copy with a statement broken on purpose
	 * shows the test fails). */
	char dir[512];
	const char *src = getenv("MOTCUA_SOURCE");
	if (src && *src)
		snprintf(dir, sizeof dir, "%s/core/src/store", src);
	else {
		snprintf(dir, sizeof dir, "%s", __FILE__);
		char *cut = strstr(dir, "tests/unit/sql_collect.c");
		assert_non_null(cut);
		snprintf(cut, sizeof dir - (size_t)(cut - dir), "core/src/store");
	}
	/* Pass 0: the macros of the headers; pass 1: the statements of each .c
	 * file, with the headers' macros and its own (those of one .c file are
	 * not seen by another). */
	size_t headers = 0;
	for (int pass = 0; pass < 2; pass++) {
		DIR *d = opendir(dir);
		assert_non_null(d);
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			size_t n = strlen(e->d_name);
			bool is_c = n > 2 && strcmp(e->d_name + n - 2, ".c") == 0;
			bool is_h = n > 2 && strcmp(e->d_name + n - 2, ".h") == 0;
			/* Not the schema's steps, nor the engines' own SQL (the
			 * door to the engines, the dialect's two sides, PostgreSQL's
			 * schema, the copy to PostgreSQL's catalogue queries and
			 * statement templates): the statements the store shares. */
			if ((pass == 0 && !is_h) || (pass == 1 && !is_c) ||
			    strcmp(e->d_name, "schema.c") == 0 ||
			    strncmp(e->d_name, "db", 2) == 0 ||
			    strncmp(e->d_name, "schema_pg", 9) == 0 ||
			    strncmp(e->d_name, "migrate_pg", 10) == 0 ||
			    strcmp(e->d_name, "dialect.c") == 0)
				continue;
			char path[800];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			char *text = sql_read_file(path);
			struct sql_list none = {0};
			sql_scan(pass == 1 ? l : &none, m, text, text + strlen(text), e->d_name);
			sql_list_free(&none);
			free(text);
			if (pass == 1)
				sql_macros_trim(m, headers);
		}
		closedir(d);
		headers = m->n;
	}
	sql_macros_trim(m, 0);
	free(m);
}
