/* Row scans of the store. Every loop over result rows is written
 *
 *     int step;
 *     while (store_next(s, &step)) { ... }
 *     if ((rc = store_scan_end(c, s, step, "what", err)))
 *             goto out;
 *
 * so that a scan cut short by an error (I/O, corruption, a busy timeout, a
 * function failing on one row) is never taken for the end of the rows: a
 * short ledger or a short audit count would otherwise pass as success.
 * Internal to core/src/store, like store_internal.h. */
#ifndef MOTCUA_STORE_SCAN_H
#define MOTCUA_STORE_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store_internal.h"

/* Steps s once: true on a row; *step gets SQLite's result either way. */
static inline bool store_next(db_stmt *s, int *step)
{
	return (*step = db_step(s)) == DB_ROW;
}

/* Ends a scan of s on c whose last step gave step: resets s and returns
 * MC_OK when the scan reached DB_DONE (or the loop chose to stop on a
 * row), else the mapped SQLite error (store_sql_error with what: logged, err
 * filled). */
static inline enum mc_err store_scan_end(struct store_conn *c, db_stmt *s, int step,
                                         const char *what, struct mc_error *err)
{
	enum mc_err rc = MC_OK;
	if (step != DB_DONE && step != DB_ROW)
		rc = store_sql_error(c, what, err);
	db_reset(s);
	return rc;
}

/* Reads one integer: steps s (from store_stmt, bound by the caller; NULL
 * when its prepare failed) once and resets it. *out gets the first column
 * of its first row, or dflt when there is no row or that column is NULL.
 * Returns MC_OK, or the mapped error of the prepare or the step
 * (store_sql_error with what: logged, err filled) with *out = dflt. */
static inline enum mc_err store_one_int64(struct store_conn *c, db_stmt *s, int64_t dflt,
                                          int64_t *out, const char *what, struct mc_error *err)
{
	*out = dflt;
	if (s == NULL)
		return store_sql_error(c, what, err);
	int step;
	if (store_next(s, &step) && db_column_type(s, 0) != DB_NULL)
		*out = db_column_int64(s, 0);
	enum mc_err rc = store_scan_end(c, s, step, what, err);
	if (rc)
		*out = dflt;
	return rc;
}

#endif
