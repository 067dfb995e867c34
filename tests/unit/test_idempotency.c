/* Unit tests of the Idempotency-Key records (store/idempotency.c) on a real
 * SQLite file: replay, another request under the same key, sealing (no
 * answer in clear, a foreign key file refuses), the key file itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/idempotency.h"
#include "store/store.h"

#include "store_fixture.h"

struct fixture {
	struct store_fixture db;
	char key_a[112], key_b[112]; /* two seal key files in db.dir */
	struct idem_seal *a, *b;
};

static int teardown(void **state)
{
	struct fixture *f = *state;
	idem_seal_free(f->a);
	idem_seal_free(f->b);
	int rc = store_fixture_close(&f->db);
	free(f);
	return rc;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct mc_error err;
	if (f == NULL || store_fixture_open(&f->db, "idem", "t.db") != 0) {
		free(f);
		return -1;
	}
	*state = f;
	snprintf(f->key_a, sizeof f->key_a, "%s/a.key", f->db.dir);
	snprintf(f->key_b, sizeof f->key_b, "%s/b.key", f->db.dir);
	if (idem_seal_open(f->key_a, &f->a, &err) != MC_OK ||
	    idem_seal_open(f->key_b, &f->b, &err) != MC_OK) {
		teardown(state);
		return -1;
	}
	return 0;
}

#define ANSWER "{\"dossier\":{\"code\":\"H47-0001\"},\"secret\":\"K7QX2M9PTA\"}"

static struct idem_request req(const char *body)
{
	return (struct idem_request){.principal = "user:2",
	                             .key = "desk1-0001",
	                             .method = "POST",
	                             .path = "/api/v1/dossiers",
	                             .body = body,
	                             .body_len = strlen(body)};
}

static void save(struct fixture *f, const struct idem_seal *seal, struct idem_request q)
{
	struct mc_error err;
	assert_int_equal(store_begin(f->db.st, &err), MC_OK);
	assert_int_equal(store_idem_save(f->db.st, seal, &q, 201, ANSWER, &err), MC_OK);
	assert_int_equal(store_commit(f->db.st, &err), MC_OK);
}

static enum idem_found find(struct fixture *f, const struct idem_seal *seal, struct idem_request q,
                            int *status, char **body)
{
	struct mc_error err;
	assert_int_equal(store_begin(f->db.st, &err), MC_OK);
	enum idem_found found = store_idem_find(f->db.st, seal, &q, status, body);
	store_rollback(f->db.st);
	return found;
}

static void test_replay_and_other_request(void **state)
{
	struct fixture *f = *state;
	int status = 0;
	char *body = NULL;
	assert_int_equal(find(f, f->a, req("{\"n\":1}"), &status, &body), IDEM_NEW);
	save(f, f->a, req("{\"n\":1}"));
	assert_int_equal(find(f, f->a, req("{\"n\":1}"), &status, &body), IDEM_REPLAY);
	assert_int_equal(status, 201);
	assert_string_equal(body, ANSWER);
	free(body);
	body = NULL;
	assert_int_equal(find(f, f->a, req("{\"n\":2}"), &status, &body), IDEM_OTHER);
	assert_null(body);
	struct idem_request q = req("{\"n\":1}");
	q.path = "/api/v1/tickets";
	assert_int_equal(find(f, f->a, q, &status, &body), IDEM_OTHER);
	/* Another caller's key of the same name is its own. */
	q = req("{\"n\":2}");
	q.principal = "user:3";
	assert_int_equal(find(f, f->a, q, &status, &body), IDEM_NEW);
}

static void test_sealed(void **state)
{
	struct fixture *f = *state;
	int status = 0;
	char *body = NULL;
	save(f, f->a, req("{\"n\":1}"));
	/* The record holds neither the answer nor its secret in clear. */
	sqlite3 *raw;
	assert_int_equal(sqlite3_open_v2(f->db.path, &raw, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(raw, "SELECT body FROM idempotency", -1, &s, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	const char *stored = (const char *)sqlite3_column_text(s, 0);
	assert_null(strstr(stored, "K7QX2M9PTA"));
	assert_null(strstr(stored, "H47-0001"));
	sqlite3_finalize(s);
	sqlite3_close(raw);
	/* Another key file cannot open it: refused, never taken as new. */
	assert_int_equal(find(f, f->b, req("{\"n\":1}"), &status, &body), IDEM_UNAVAILABLE);
	assert_null(body);
	/* The same key file read again opens it. */
	struct idem_seal *again;
	struct mc_error err;
	assert_int_equal(idem_seal_open(f->key_a, &again, &err), MC_OK);
	assert_int_equal(find(f, again, req("{\"n\":1}"), &status, &body), IDEM_REPLAY);
	assert_string_equal(body, ANSWER);
	free(body);
	idem_seal_free(again);
}

static void test_reservation(void **state)
{
	struct fixture *f = *state;
	int status = -1;
	char *body = NULL;
	struct idem_request q = req("{\"group\":\"CT\"}");
	assert_int_equal(store_idem_reserve(f->db.st, f->a, &q, &status, &body), IDEM_NEW);
	assert_int_equal(store_idem_reserve(f->db.st, f->a, &q, &status, &body), IDEM_REPLAY);
	assert_int_equal(status, 0); /* still running */
	free(body);
	struct idem_request other = req("{\"group\":\"HT\"}");
	assert_int_equal(store_idem_reserve(f->db.st, f->a, &other, &status, &body), IDEM_OTHER);
	store_idem_complete(f->db.st, f->a, &q, 201, ANSWER);
	assert_int_equal(store_idem_reserve(f->db.st, f->a, &q, &status, &body), IDEM_REPLAY);
	assert_int_equal(status, 201);
	assert_string_equal(body, ANSWER);
	free(body);
}

static void test_key_file(void **state)
{
	struct fixture *f = *state;
	struct stat sb;
	assert_int_equal(stat(f->key_a, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	char bad[112];
	snprintf(bad, sizeof bad, "%s/bad.key", f->db.dir);
	FILE *out = fopen(bad, "w");
	fputs("not hex\n", out);
	fclose(out);
	struct idem_seal *seal = NULL;
	struct mc_error err;
	assert_int_equal(idem_seal_open(bad, &seal, &err), MC_ERR_INVALID);
	assert_string_equal(err.code, "idempotency_key_file");
	assert_null(seal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_replay_and_other_request, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sealed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reservation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
