/* Maintained figures (store/figures.h): rebuild and comparison with a full
 * recomputation. The maintenance itself is the triggers of schema step 9. */
#include "store/figures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/civil_date.h"
#include "store/dialect.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/xmalloc.h"

int figures_rebuild_db(sqlite3 *db)
{
	return sqlite3_exec(db, dialect_figures_rebuild_sql(DB_SQLITE), NULL, NULL, NULL);
}

enum mc_err figures_rebuild(struct store *st, struct mc_error *err)
{
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	rc = store_exec(c, dialect_figures_rebuild_sql(db_engine(c->db)), err);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, err);
}

static int fig_str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The tokens of items as one canonical string (sorted, concatenated): the
 * caller frees it. NULL items is the empty multiset. */
static char *fig_canon(const char *items)
{
	size_t len = items ? strlen(items) : 0, n = 0;
	char *copy = xmalloc(len + 1);
	memcpy(copy, items ? items : "", len + 1);
	for (size_t i = 0; i < len; i++)
		n += copy[i] == '<';
	char **tok = xmalloc((n + 1) * sizeof *tok);
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		if (copy[i] == '<' && k < n)
			tok[k++] = copy + i;
		else if (copy[i] == '>')
			copy[i] = '\0';
	}
	qsort(tok, k, sizeof *tok, fig_str_cmp);
	char *out = xmalloc(len + 1);
	size_t o = 0;
	for (size_t i = 0; i < k; i++) {
		size_t l = strlen(tok[i]);
		memcpy(out + o, tok[i], l);
		o += l;
		out[o++] = '>';
	}
	out[o] = '\0';
	free(tok);
	free(copy);
	return out;
}

/* The office day (day number, office id) as a reader names it, into out
 * (len bytes): "02/11/2026, TTHCC-QTR"; an office the database does not
 * hold (0: a dossier without a receiving office) by "office <id>". */
static void fig_office_day(struct store_conn *c, int64_t day, int64_t office, char *out, size_t len)
{
	int y, m, d;
	civil_ymd_from_days((int)day, &y, &m, &d);
	db_stmt *s = store_stmt(c, "SELECT code FROM offices WHERE id = ?1");
	const char *code = NULL;
	if (s) {
		db_bind_int64(s, 1, office);
		if (db_step(s) == DB_ROW)
			code = store_col_text(s, 0);
	}
	if (code)
		snprintf(out, len, "%02d/%02d/%04d, %s", d, m, y, code);
	else
		snprintf(out, len, "%02d/%02d/%04d, office %lld", d, m, y, (long long)office);
	if (s)
		db_reset(s);
}

/* One table: the maintained rows (actual, ordered by key) against the
 * recomputed ones (expect, ordered by key), keys in the first n_keys
 * columns (integers except a dossier row's kind), items after them.
 * MC_OK, MC_ERR_CONFLICT at the first difference, or a database error. */
static enum mc_err fig_compare(struct store_conn *c, const char *table, const char *actual,
                               const char *expect, int n_keys, int64_t *rows, struct mc_error *err)
{
	db_stmt *a = store_stmt(c, actual), *e = a ? store_stmt(c, expect) : NULL;
	enum mc_err rc = MC_OK;
	if (a == NULL || e == NULL) {
		rc = store_sql_error(c, "figures", err);
		goto out;
	}
	int sa = db_step(a), se = db_step(e);
	for (;;) {
		/* Skip rows left empty by removals: an empty row is no row. */
		while (sa == DB_ROW && *store_col_text(a, n_keys) == '\0')
			sa = db_step(a);
		if ((sa != DB_ROW && sa != DB_DONE) || (se != DB_ROW && se != DB_DONE)) {
			rc = store_sql_error(c, "figures", err);
			goto out;
		}
		if (sa == DB_DONE && se == DB_DONE)
			break;
		int cmp = 0;
		if (sa == DB_DONE)
			cmp = 1;
		else if (se == DB_DONE)
			cmp = -1;
		else
			for (int k = 0; k < n_keys && cmp == 0; k++)
				cmp = strcmp(store_col_text(a, k), store_col_text(e, k));
		char *ca = cmp <= 0 ? fig_canon(store_col_text(a, n_keys)) : xstrdup("");
		char *ce = cmp >= 0 ? fig_canon(store_col_text(e, n_keys)) : xstrdup("");
		bool same = strcmp(ca, ce) == 0;
		free(ca);
		free(ce);
		if (!same) {
			db_stmt *w = cmp <= 0 ? a : e;
			char where[160];
			fig_office_day(c, strtoll(store_col_text(w, n_keys - 2), NULL, 10),
			               strtoll(store_col_text(w, n_keys - 1), NULL, 10), where,
			               sizeof where);
			rc = mc_failf(err, MC_ERR_CONFLICT, "figures_mismatch",
			              "Số liệu tổng hợp không khớp với dữ liệu gốc",
			              "%s%s%s: the row of %s differs from a recomputation of the"
			              " rows it counts",
			              table, n_keys == 3 ? " kind " : "",
			              n_keys == 3 ? store_col_text(w, 0) : "", where);
			goto out;
		}
		if (rows)
			(*rows)++;
		if (cmp <= 0)
			sa = db_step(a);
		if (cmp >= 0)
			se = db_step(e);
	}
out:
	if (a)
		db_reset(a);
	if (e)
		db_reset(e);
	return rc;
}

enum mc_err figures_verify(struct store *st, int64_t *rows, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	if (rows)
		*rows = 0;
	/* Keys compared as text, in the order of their text: both sides sort
	 * by the same key (store/dialect.h). */
	const char *actual_d = dialect_figures_verify_sql(c->db, DIALECT_FIG_DOSSIERS, false);
	const char *expect_d = dialect_figures_verify_sql(c->db, DIALECT_FIG_DOSSIERS, true);
	const char *actual_v = dialect_figures_verify_sql(c->db, DIALECT_FIG_VISITS, false);
	const char *expect_v = dialect_figures_verify_sql(c->db, DIALECT_FIG_VISITS, true);
	const char *actual_t = dialect_figures_verify_sql(c->db, DIALECT_FIG_TICKETS, false);
	const char *expect_t = dialect_figures_verify_sql(c->db, DIALECT_FIG_TICKETS, true);
	enum mc_err rc = fig_compare(c, "fig_dossier_days", actual_d, expect_d, 3, rows, err);
	if (rc == MC_OK)
		rc = fig_compare(c, "fig_visit_days", actual_v, expect_v, 2, rows, err);
	if (rc == MC_OK)
		rc = fig_compare(c, "fig_ticket_days", actual_t, expect_t, 2, rows, err);
	if (rc)
		return rc;
	/* The span is an upper bound: never below a finished dossier's. */
	db_stmt *s =
	    store_stmt(c, "SELECT coalesce((SELECT seconds FROM fig_span WHERE id = 1), -1) >="
	                  " coalesce((SELECT max(finished_at - received_at) FROM dossiers"
	                  " WHERE finished_at IS NOT NULL AND received_at IS NOT NULL), -1)");
	if (s == NULL)
		return store_sql_error(c, "figures", err);
	int step;
	bool ok = store_next(s, &step) && db_column_int(s, 0);
	if ((rc = store_scan_end(c, s, step, "figures", err)))
		return rc;
	if (!ok)
		return mc_fail(err, MC_ERR_CONFLICT, "figures_mismatch",
		               "Số liệu tổng hợp không khớp với dữ liệu gốc",
		               "fig_span is shorter than a finished dossier's processing");
	if (rows)
		(*rows)++;
	return MC_OK;
}
