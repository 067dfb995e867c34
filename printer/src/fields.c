/* Field sets are small (tens of keys, a few lists): linear arrays are enough. */
#include "printer/fields.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct fields__pair {
	char *key;
	char *value;
};

struct fields__row {
	char **cells;
	size_t ncells;
};

struct fields__list {
	char *name;
	struct fields__row *rows;
	size_t nrows;
};

struct printer_fields {
	struct fields__pair *pairs;
	size_t npairs;
	struct fields__list *lists;
	size_t nlists;
};

struct printer_fields *printer_fields_new(void)
{
	return xcalloc(1, sizeof(struct printer_fields));
}

void printer_fields_free(struct printer_fields *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->npairs; i++) {
		free(f->pairs[i].key);
		free(f->pairs[i].value);
	}
	for (size_t i = 0; i < f->nlists; i++) {
		struct fields__list *l = &f->lists[i];
		for (size_t r = 0; r < l->nrows; r++) {
			for (size_t c = 0; c < l->rows[r].ncells; c++)
				free(l->rows[r].cells[c]);
			free(l->rows[r].cells);
		}
		free(l->rows);
		free(l->name);
	}
	free(f->pairs);
	free(f->lists);
	free(f);
}

static struct fields__pair *fields__find(const struct printer_fields *f, const char *key)
{
	for (size_t i = 0; i < f->npairs; i++)
		if (strcmp(f->pairs[i].key, key) == 0)
			return &f->pairs[i];
	return NULL;
}

static struct fields__list *fields__find_list(const struct printer_fields *f, const char *name)
{
	for (size_t i = 0; i < f->nlists; i++)
		if (strcmp(f->lists[i].name, name) == 0)
			return &f->lists[i];
	return NULL;
}

void printer_fields_set(struct printer_fields *f, const char *key, const char *value)
{
	struct fields__pair *p = fields__find(f, key);

	if (value == NULL) {
		if (p != NULL) {
			free(p->key);
			free(p->value);
			*p = f->pairs[--f->npairs];
		}
		return;
	}
	if (p != NULL) {
		free(p->value);
		p->value = xstrdup(value);
		return;
	}
	f->pairs = xrealloc(f->pairs, (f->npairs + 1) * sizeof(*f->pairs));
	f->pairs[f->npairs].key = xstrdup(key);
	f->pairs[f->npairs].value = xstrdup(value);
	f->npairs++;
}

const char *printer_fields_get(const struct printer_fields *f, const char *key)
{
	const struct fields__pair *p = fields__find(f, key);

	return p ? p->value : NULL;
}

void printer_fields_add_row(struct printer_fields *f, const char *list, const char *const *cells,
                            size_t ncells)
{
	struct fields__list *l = fields__find_list(f, list);
	struct fields__row *row;

	if (l == NULL) {
		f->lists = xrealloc(f->lists, (f->nlists + 1) * sizeof(*f->lists));
		l = &f->lists[f->nlists++];
		l->name = xstrdup(list);
		l->rows = NULL;
		l->nrows = 0;
	}
	l->rows = xrealloc(l->rows, (l->nrows + 1) * sizeof(*l->rows));
	row = &l->rows[l->nrows++];
	row->ncells = ncells;
	row->cells = xcalloc(ncells ? ncells : 1, sizeof(char *));
	for (size_t c = 0; c < ncells; c++)
		row->cells[c] = xstrdup(cells[c] ? cells[c] : "");
}

size_t printer_fields_row_count(const struct printer_fields *f, const char *list)
{
	const struct fields__list *l = fields__find_list(f, list);

	return l ? l->nrows : 0;
}

const char *const *printer_fields_row(const struct printer_fields *f, const char *list, size_t i,
                                      size_t *ncells)
{
	const struct fields__list *l = fields__find_list(f, list);

	if (l == NULL || i >= l->nrows) {
		if (ncells)
			*ncells = 0;
		return NULL;
	}
	if (ncells)
		*ncells = l->rows[i].ncells;
	return (const char *const *)l->rows[i].cells;
}
