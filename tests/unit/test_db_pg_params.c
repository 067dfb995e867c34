/* Unit tests of the rewrite of a statement for PostgreSQL (store/db_pg.h,
 * pgdb_params): SQLite's parameters become $N with SQLite's own numbering,
 * text inside quotes and comments is left alone, and SQLite's index hints are
 * dropped; text PostgreSQL would refuse as UTF-8 is mended. No server: both
 * are pure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/db_pg.h"

/* Rewrites sql and checks the text, the count and (names, count entries:
 * NULL for a numbered parameter) each parameter's name. */
static void check(const char *sql, const char *want, int want_count, const char *const *want_names)
{
	int count = -1;
	char **names = NULL;
	char *got = pgdb_params(sql, &count, &names);
	assert_string_equal(got, want);
	assert_int_equal(count, want_count);
	for (int i = 0; i < count; i++) {
		if (want_names && want_names[i])
			assert_string_equal(names[i], want_names[i]);
		else
			assert_null(names[i]);
		free(names[i]);
	}
	free(names);
	free(got);
}

static void test_numbered_and_bare(void **state)
{
	(void)state;
	check("SELECT 1", "SELECT 1", 0, NULL);
	check("SELECT ?1, ?2, ?1", "SELECT $1, $2, $1", 2, NULL);
	/* A bare ? takes one past the largest so far, as in SQLite. */
	check("VALUES (?, ?, ?5, ?)", "VALUES ($1, $2, $5, $6)", 6, NULL);
}

static void test_names_follow_sqlite_numbering(void **state)
{
	(void)state;
	/* :scope after ?1..?4 is 5; a later ?5 is the same parameter. */
	const char *const names[] = {NULL, NULL, NULL, NULL, ":scope"};
	check("WHERE a = ?1 AND b = ?4 AND (:scope = 0 OR c = :scope) LIMIT ?5",
	      "WHERE a = $1 AND b = $4 AND ($5 = 0 OR c = $5) LIMIT $5", 5, names);
	const char *const two[] = {":office", ":day"};
	check("office_id = :office AND day = :day AND o = :office",
	      "office_id = $1 AND day = $2 AND o = $1", 2, two);
}

static void test_quotes_and_comments_untouched(void **state)
{
	(void)state;
	check("SELECT '?1 :x', \"a?b\", 'it''s ?' FROM t WHERE x = ?",
	      "SELECT '?1 :x', \"a?b\", 'it''s ?' FROM t WHERE x = $1", 1, NULL);
	check("SELECT 1 -- ?2 :no\nWHERE y = ?1 /* :z ? */", "SELECT 1 \nWHERE y = $1 ", 1, NULL);
	/* A PostgreSQL cast is not a name. */
	check("SELECT ?1::bigint", "SELECT $1::bigint", 1, NULL);
}

static void test_index_hint_dropped(void **state)
{
	(void)state;
	check("SELECT 1 FROM dossiers d INDEXED BY dossiers_open WHERE d.x = ?",
	      "SELECT 1 FROM dossiers d  WHERE d.x = $1", 1, NULL);
	/* Not a hint: part of a word, or inside a literal. */
	check("SELECT REINDEXED BY_x, 'INDEXED BY q'", "SELECT REINDEXED BY_x, 'INDEXED BY q'", 0,
	      NULL);
}

/* Mends v (n bytes) and checks the result: want NULL when well-formed. */
static void mended(const char *v, size_t n, const char *want)
{
	char *got = pgdb_utf8_mended(v, n);
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

static void test_bad_utf8_mended(void **state)
{
	(void)state;
	mended("TT-001", 6, NULL);
	mended("Hà Tĩnh 𝔸", strlen("Hà Tĩnh 𝔸"), NULL);
	mended("", 0, NULL);
	/* Bad bytes, an overlong '/', a truncated sequence, a surrogate, past
	 * U+10FFFF and a NUL inside the length: one U+FFFD a byte. */
	mended("\xFF\xFE", 2, "\uFFFD\uFFFD");
	mended("a\xC0\xAF\x62", 4, "a\uFFFD\uFFFDb"); /* \x62: 'b' */
	mended("x\xE1\xBA", 3, "x\uFFFD\uFFFD");
	mended("\xED\xA0\x80", 3, "\uFFFD\uFFFD\uFFFD");
	mended("\xF4\x90\x80\x80", 4, "\uFFFD\uFFFD\uFFFD\uFFFD");
	mended("a\0b", 3, "a\uFFFDb");
	/* Only the bad bytes: the well-formed text around them is kept. */
	mended("Hà\xFFNội", strlen("Hà\xFFNội"), "Hà\uFFFDNội");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_numbered_and_bare),
	    cmocka_unit_test(test_names_follow_sqlite_numbering),
	    cmocka_unit_test(test_quotes_and_comments_untouched),
	    cmocka_unit_test(test_index_hint_dropped),
	    cmocka_unit_test(test_bad_utf8_mended),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
