/* Unit tests of the store on a real SQLite file: transactions, the event
 * chain, the commit hook, gap-free numbering under threads, set-up bundles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/queue.h"
#include "store/setup.h"
#include "store/store.h"

static const struct principal admin = {.role = ROLE_ADMIN, .actor = "test:admin"};

struct fixture {
	char dir[64];
	char path[96];
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/motcua-store-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	struct mc_error err;
	if (store_open(f->path, &f->st, &err) != MC_OK)
		return -1;
	json_t *bundle = json_loads("{\"service_groups\":[{\"code\":\"CT\",\"prefix\":\"A\","
	                            "\"name\":\"Chứng thực\"}],\"counters\":[{\"no\":1,"
	                            "\"groups\":[\"CT\"]}]}",
	                            0, NULL);
	enum mc_err rc = store_setup_apply(f->st, &admin, bundle, NULL, &err);
	json_decref(bundle);
	*state = f;
	return rc == MC_OK ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];
	store_close(f->st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int64_t count(struct fixture *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t n = -1;
	sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static void test_schema_is_current(void **state)
{
	struct fixture *f = *state;
	assert_true(store_schema_version(f->st) >= 1);
	/* Opening again does not migrate twice. */
	struct store *again;
	struct mc_error err;
	assert_int_equal(store_open(f->path, &again, &err), MC_OK);
	assert_int_equal(store_schema_version(again), store_schema_version(f->st));
	store_close(again);
}

static void test_inner_rollback_dooms_outer(void **state)
{
	struct fixture *f = *state;
	struct mc_error err;
	int64_t before = count(f, "SELECT count(*) FROM events");
	assert_int_equal(store_begin(f->st, &err), MC_OK);
	assert_true(store_event_append(f->st, "t", "x", "1", "x.one", "{}", false, &err) > 0);
	assert_int_equal(store_begin(f->st, &err), MC_OK);
	store_rollback(f->st);
	assert_int_equal(store_commit(f->st, &err), MC_ERR_CONFLICT);
	assert_string_equal(err.code, "transaction_aborted");
	assert_int_equal(count(f, "SELECT count(*) FROM events"), before);
}

static void test_chain_verifies_and_detects_edits(void **state)
{
	struct fixture *f = *state;
	struct mc_error err;
	int64_t n;
	assert_int_equal(store_begin(f->st, &err), MC_OK);
	for (int i = 0; i < 5; i++)
		assert_true(store_event_append(f->st, "t", "x", "1", "x.step", "{\"i\":1}", false,
		                               &err) > 0);
	assert_int_equal(store_commit(f->st, &err), MC_OK);
	assert_int_equal(store_audit_verify(f->st, &n, &err), MC_OK);
	assert_int_equal(n, count(f, "SELECT count(*) FROM events"));

	sqlite3 *db;
	sqlite3_open(f->path, &db);
	assert_int_equal(
	    sqlite3_exec(db, "UPDATE events SET actor = 'mallory' WHERE id = 3", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_audit_verify(f->st, &n, &err), MC_ERR_CONFLICT);
	assert_string_equal(err.code, "audit_mismatch");
	assert_non_null(strstr(err.message_en, "event 3"));
}

struct hook_seen {
	int calls;
	int64_t ids[16];
	int n;
};

static void hook(void *ctx, struct store *st, const struct store_event *evs, size_t count_)
{
	struct hook_seen *h = ctx;
	h->calls++;
	for (size_t i = 0; i < count_ && h->n < 16; i++)
		h->ids[h->n++] = evs[i].id;
}

static void test_commit_hook_sees_events_in_order_once(void **state)
{
	struct fixture *f = *state;
	struct mc_error err;
	struct hook_seen h = {0};
	store_set_commit_hook(f->st, hook, &h);
	assert_int_equal(store_begin(f->st, &err), MC_OK);
	int64_t a = store_event_append(f->st, "t", "x", "1", "x.a", "{}", true, &err);
	int64_t b = store_event_append(f->st, "t", "x", "1", "x.b", "{}", true, &err);
	assert_int_equal(store_commit(f->st, &err), MC_OK);
	/* A rolled back transaction reaches no hook. */
	assert_int_equal(store_begin(f->st, &err), MC_OK);
	store_event_append(f->st, "t", "x", "1", "x.c", "{}", true, &err);
	store_rollback(f->st);
	store_set_commit_hook(f->st, NULL, NULL);
	assert_int_equal(h.calls, 1);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.ids[0], a);
	assert_int_equal(h.ids[1], b);
	assert_true(b == a + 1);
}

struct issuer {
	struct store *st;
	int ok;
};

static void *issue_many(void *arg)
{
	struct issuer *is = arg;
	struct mc_error err;
	for (int i = 0; i < 50; i++) {
		json_t *t = NULL;
		if (store_ticket_issue(is->st, &admin, "CT", NULL, &t, &err) == MC_OK)
			is->ok++;
		json_decref(t);
	}
	return NULL;
}

static void test_numbering_gap_free_under_threads(void **state)
{
	struct fixture *f = *state;
	pthread_t th[4];
	struct issuer is[4];
	for (int i = 0; i < 4; i++) {
		is[i] = (struct issuer){f->st, 0};
		pthread_create(&th[i], NULL, issue_many, &is[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(is[i].ok, 50);
	}
	assert_int_equal(count(f, "SELECT count(DISTINCT number) FROM tickets"), 200);
	assert_int_equal(count(f, "SELECT min(number) FROM tickets"), 1);
	assert_int_equal(count(f, "SELECT max(number) FROM tickets"), 200);
}

static void test_setup_is_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	struct mc_error err;
	json_t *bad = json_loads("{\"service_groups\":[{\"code\":\"HT\",\"prefix\":\"B\","
	                         "\"name\":\"Hộ tịch\"}],\"counters\":[{\"no\":2,"
	                         "\"groups\":[\"NOPE\"]}]}",
	                         0, NULL);
	int64_t events = count(f, "SELECT count(*) FROM events");
	assert_int_equal(store_setup_apply(f->st, &admin, bad, NULL, &err), MC_ERR_INVALID);
	assert_string_equal(err.code, "group_not_found");
	json_decref(bad);
	assert_int_equal(count(f, "SELECT count(*) FROM service_groups WHERE code = 'HT'"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), events);
}

static void test_snapshot_shape(void **state)
{
	struct fixture *f = *state;
	int64_t ev = -1;
	char *text = store_queue_snapshot(f->st, 1795708050, &ev);
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(j);
	assert_true(ev >= 0);
	assert_int_equal(json_array_size(json_object_get(j, "groups")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "counters")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "service_day")), "2026-11-26");
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_schema_is_current, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inner_rollback_dooms_outer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chain_verifies_and_detects_edits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_commit_hook_sees_events_in_order_once, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_numbering_gap_free_under_threads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_setup_is_all_or_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot_shape, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
