/* Unit tests of the store on a real SQLite file: transactions, the event
 * chain, the commit hook, gap-free numbering under threads, set-up bundles,
 * the ownership rules of its connections, the statement cache. */
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
#include <dirent.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sql_collect.h"
#include "store_fixture.h"

#include "api/present_queue.h"
#include "store/queue.h"
#include "api/setup_import.h"
#include "store/setup.h"
#include "store/store.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"

static const struct principal admin = {.role = ROLE_ADMIN, .actor = "test:admin"};
/* The hall of a store without offices: none (counters and tickets without one). */
static const struct queue_hall_req any_hall = {.code = NULL, .scoped = true};

/* A store with one service group and one counter. */
static int setup(void **state)
{
	if (store_fixture_setup(state) != 0)
		return -1;
	struct store_fixture *f = *state;
	json_t *bundle = json_loads("{\"service_groups\":[{\"code\":\"CT\",\"prefix\":\"A\","
	                            "\"name\":\"Chứng thực\"}],\"counters\":[{\"no\":1,"
	                            "\"groups\":[\"CT\"]}]}",
	                            0, NULL);
	struct mc_error err;
	enum mc_err rc = setup_import(f->st, &admin, bundle, NULL, &err);
	json_decref(bundle);
	if (rc != MC_OK) {
		store_fixture_teardown(state);
		return -1;
	}
	return 0;
}

static int64_t count(struct store_fixture *f, const char *sql)
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
	struct store_fixture *f = *state;
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
	struct store_fixture *f = *state;
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
	struct store_fixture *f = *state;
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
	struct store_fixture *f = *state;
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
		struct queue_ticket t;
		if (store_ticket_issue(is->st, &admin, 0, "CT", NULL, &t, &err) == MC_OK)
			is->ok++;
	}
	return NULL;
}

static void test_numbering_gap_free_under_threads(void **state)
{
	struct store_fixture *f = *state;
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
	struct store_fixture *f = *state;
	struct mc_error err;
	json_t *bad = json_loads("{\"service_groups\":[{\"code\":\"HT\",\"prefix\":\"B\","
	                         "\"name\":\"Hộ tịch\"}],\"counters\":[{\"no\":2,"
	                         "\"groups\":[\"NOPE\"]}]}",
	                         0, NULL);
	int64_t events = count(f, "SELECT count(*) FROM events");
	assert_int_equal(setup_import(f->st, &admin, bad, NULL, &err), MC_ERR_INVALID);
	assert_string_equal(err.code, "group_not_found");
	json_decref(bad);
	assert_int_equal(count(f, "SELECT count(*) FROM service_groups WHERE code = 'HT'"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM events"), events);
}

static void test_snapshot_shape(void **state)
{
	struct store_fixture *f = *state;
	int64_t ev = -1;
	char *text = NULL;
	struct mc_error err;
	assert_int_equal(present_queue_snapshot_text(f->st, 0, 1795708050, &text, &ev, &err),
	                 MC_OK);
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(j);
	assert_true(ev >= 0);
	assert_int_equal(json_array_size(json_object_get(j, "groups")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "counters")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "service_day")), "2026-11-26");
	json_decref(j);
}

/* Runs fn(f) in a child process; returns the signal that ended it, or 0 when
 * it exited by itself. */
static int run_in_child(struct store_fixture *f, void (*fn)(struct store_fixture *))
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The child's stderr carries the expected abort message. */
		fn(f);
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void child_write_conn_outside(struct store_fixture *f)
{
	store_write_conn(f->st);
}

static void child_commit_without_begin(struct store_fixture *f)
{
	struct mc_error err;
	store_commit(f->st, &err);
}

static void child_setting_set_outside(struct store_fixture *f)
{
	struct mc_error err;
	store_setting_set(f->st, "x", "1", &err);
}

static void *thread_write_conn(void *arg)
{
	store_write_conn(arg);
	return NULL;
}

/* The writer is held by this thread; another thread reaches for it. */
static void child_write_conn_other_thread(struct store_fixture *f)
{
	struct mc_error err;
	pthread_t t;
	if (store_begin(f->st, &err) != MC_OK)
		_exit(3);
	pthread_create(&t, NULL, thread_write_conn, f->st);
	pthread_join(t, NULL);
	store_rollback(f->st);
}

static void *thread_read_with(void *arg)
{
	store_stmt(arg, "SELECT 1");
	return NULL;
}

/* A reader used by a thread that did not open it. */
static void child_reader_other_thread(struct store_fixture *f)
{
	pthread_t t;
	pthread_create(&t, NULL, thread_read_with, store_read_conn(f->st));
	pthread_join(t, NULL);
}

static void child_write_conn_inside(struct store_fixture *f)
{
	struct mc_error err;
	if (store_begin(f->st, &err) != MC_OK)
		_exit(3);
	db_stmt *s = store_stmt(store_write_conn(f->st), "SELECT 1");
	if (s == NULL || db_step(s) != DB_ROW)
		_exit(4);
	db_reset(s);
	store_rollback(f->st);
}

static void test_writer_only_inside_own_transaction(void **state)
{
	struct store_fixture *f = *state;
	assert_int_equal(run_in_child(f, child_write_conn_outside), SIGABRT);
	assert_int_equal(run_in_child(f, child_commit_without_begin), SIGABRT);
	assert_int_equal(run_in_child(f, child_setting_set_outside), SIGABRT);
	assert_int_equal(run_in_child(f, child_write_conn_other_thread), SIGABRT);
	assert_int_equal(run_in_child(f, child_reader_other_thread), SIGABRT);
	/* The rule does not get in the way of the right use. */
	assert_int_equal(run_in_child(f, child_write_conn_inside), 0);
}

struct waiter {
	struct store *st;
	atomic_int tid;
	atomic_int entered;   /* 1 once its store_begin returned */
	atomic_int *released; /* set by the first thread just before its commit */
	int saw_released;
};

static void *begin_waiter(void *arg)
{
	struct waiter *w = arg;
	struct mc_error err;
	atomic_store(&w->tid, (int)syscall(SYS_gettid));
	if (store_begin(w->st, &err) != MC_OK)
		return NULL;
	atomic_store(&w->entered, 1);
	w->saw_released = atomic_load(w->released);
	store_commit(w->st, &err);
	return NULL;
}

/* Whether thread tid of this process is asleep (state S: blocked). */
static bool thread_sleeping(int tid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return false;
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

static void test_begin_on_other_thread_waits(void **state)
{
	struct store_fixture *f = *state;
	struct mc_error err;
	atomic_int released = 0;
	struct waiter w = {.st = f->st, .released = &released};
	pthread_t t;

	assert_int_equal(store_begin(f->st, &err), MC_OK);
	/* Nested on this thread: no wait. */
	assert_int_equal(store_begin(f->st, &err), MC_OK);
	assert_int_equal(store_commit(f->st, &err), MC_OK);
	pthread_create(&t, NULL, begin_waiter, &w);
	/* Wait (bounded) until the other thread is blocked in its begin. */
	struct timespec tick = {0, 2000000};
	bool asleep = false;
	for (int i = 0; i < 5000 && !asleep; i++) {
		int tid = atomic_load(&w.tid);
		asleep = tid != 0 && thread_sleeping(tid);
		if (!asleep)
			nanosleep(&tick, NULL);
	}
	assert_true(asleep);
	assert_int_equal(atomic_load(&w.entered), 0);
	assert_int_equal(store_setting_set(f->st, "probe", "1", &err), MC_OK);
	atomic_store(&released, 1);
	assert_int_equal(store_commit(f->st, &err), MC_OK);
	pthread_join(t, NULL);
	assert_int_equal(atomic_load(&w.entered), 1);
	assert_int_equal(w.saw_released, 1);
}

/* One caller of the group commit test: sets its key, appends one event,
 * then commits (or, bad, rolls back as a failing request does). The first
 * caller waits for `go` inside its transaction. */
struct batch_caller {
	struct store *st;
	const char *key;
	bool bad;
	atomic_int *go;      /* NULL: commit at once */
	atomic_int *started; /* set once inside the transaction */
	int64_t event;
	enum mc_err rc;
};

static void *batch_call(void *arg)
{
	struct batch_caller *c = arg;
	struct mc_error err;
	assert_int_equal(store_begin(c->st, &err), MC_OK);
	assert_int_equal(store_setting_set(c->st, c->key, "1", &err), MC_OK);
	c->event = store_event_append(c->st, "t", "x", c->key, c->key, "{}", true, &err);
	if (c->started)
		atomic_store(c->started, 1);
	struct timespec tick = {0, 1000000};
	while (c->go && !atomic_load(c->go))
		nanosleep(&tick, NULL);
	if (c->bad) {
		store_rollback(c->st);
		c->rc = MC_ERR_INVALID;
	} else {
		c->rc = store_commit(c->st, &err);
	}
	return NULL;
}

/* Waits (bounded) until n callers wait for their turn at the writer. */
static bool batch_wait_for_waiters(struct store *st, int n)
{
	struct timespec tick = {0, 1000000};
	for (int i = 0; i < 10000; i++) {
		pthread_mutex_lock(&st->write_lock);
		int w = st->waiting;
		pthread_mutex_unlock(&st->write_lock);
		if (w == n)
			return true;
		nanosleep(&tick, NULL);
	}
	return false;
}

/* Three callers in one batch: one fsync (one batch) holds the two good ones,
 * the bad one fails alone and leaves nothing, the hook gets the two events
 * once, in commit order, and nobody's commit returned before the batch's. */
static void test_group_commit_shares_one_commit_and_fails_alone(void **state)
{
	struct store_fixture *f = *state;
	struct hook_seen h = {0};
	store_set_commit_hook(f->st, hook, &h);
	atomic_int go = 0, started = 0;
	struct batch_caller a = {.st = f->st, .key = "gc.a", .go = &go, .started = &started};
	struct batch_caller b = {.st = f->st, .key = "gc.b", .bad = true};
	struct batch_caller c = {.st = f->st, .key = "gc.c"};
	pthread_t ta, tb, tc;
	uint64_t batches0, txs0, batches1, txs1;
	store_commit_stats(f->st, &batches0, &txs0);

	pthread_create(&ta, NULL, batch_call, &a);
	struct timespec tick = {0, 1000000};
	for (int i = 0; i < 10000 && !atomic_load(&started); i++)
		nanosleep(&tick, NULL);
	assert_true(atomic_load(&started));
	pthread_create(&tb, NULL, batch_call, &b);
	pthread_create(&tc, NULL, batch_call, &c);
	assert_true(batch_wait_for_waiters(f->st, 2));
	atomic_store(&go, 1);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_join(tc, NULL);
	store_set_commit_hook(f->st, NULL, NULL);

	assert_int_equal(a.rc, MC_OK);
	assert_int_equal(b.rc, MC_ERR_INVALID);
	assert_int_equal(c.rc, MC_OK);
	store_commit_stats(f->st, &batches1, &txs1);
	assert_int_equal(batches1 - batches0, 1);
	assert_int_equal(txs1 - txs0, 2);
	char *va = store_setting_get(f->st, "gc.a"), *vb = store_setting_get(f->st, "gc.b"),
	     *vc = store_setting_get(f->st, "gc.c");
	assert_non_null(va);
	assert_null(vb);
	assert_non_null(vc);
	free(va);
	free(vc);
	/* Event ids follow commit order without the failed caller's. */
	assert_int_equal(h.calls, 1);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.ids[0], a.event);
	assert_int_equal(h.ids[1], c.event);
	assert_int_equal(c.event, a.event + 1);
	assert_int_equal(count(f, "SELECT count(*) FROM events WHERE action = 'gc.b'"), 0);
	struct mc_error err;
	int64_t checked = 0;
	assert_int_equal(store_audit_verify(f->st, &checked, &err), MC_OK);
}

/* Waits (bounded) until *flag is set. */
static bool batch_wait_flag(atomic_int *flag)
{
	struct timespec tick = {0, 1000000};
	for (int i = 0; i < 10000 && !atomic_load(flag); i++)
		nanosleep(&tick, NULL);
	return atomic_load(flag);
}

/* A caller that rolls back inside a batch takes its event with it, and the
 * writer forgets the chain's tip it made: the next caller's event follows
 * the last kept one, by id and by hash. The order is forced: a appends and
 * commits, b appends and rolls back, c appends, all in one batch. */
static void test_rolled_back_event_is_not_the_tip(void **state)
{
	struct store_fixture *f = *state;
	atomic_int go_a = 0, started_a = 0, go_b = 0, started_b = 0;
	struct batch_caller a = {.st = f->st, .key = "tip.a", .go = &go_a, .started = &started_a};
	struct batch_caller b = {
	    .st = f->st, .key = "tip.b", .bad = true, .go = &go_b, .started = &started_b};
	struct batch_caller c = {.st = f->st, .key = "tip.c"};
	pthread_t ta, tb, tc;
	uint64_t batches0, txs0, batches1, txs1;
	store_commit_stats(f->st, &batches0, &txs0);

	pthread_create(&ta, NULL, batch_call, &a);
	assert_true(batch_wait_flag(&started_a));
	pthread_create(&tb, NULL, batch_call, &b);
	assert_true(batch_wait_for_waiters(f->st, 1));
	atomic_store(&go_a, 1); /* a keeps its work in the batch; b's turn */
	assert_true(batch_wait_flag(&started_b));
	pthread_create(&tc, NULL, batch_call, &c);
	assert_true(batch_wait_for_waiters(f->st, 1));
	atomic_store(&go_b, 1); /* b rolls back; c's turn, then the COMMIT */
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_join(tc, NULL);

	assert_int_equal(a.rc, MC_OK);
	assert_int_equal(b.rc, MC_ERR_INVALID);
	assert_int_equal(c.rc, MC_OK);
	store_commit_stats(f->st, &batches1, &txs1);
	assert_int_equal(batches1 - batches0, 1);
	assert_int_equal(txs1 - txs0, 2);
	assert_int_equal(b.event, a.event + 1); /* b did append, then went */
	assert_int_equal(c.event, a.event + 1);
	struct mc_error err;
	int64_t checked = 0;
	assert_int_equal(store_audit_verify(f->st, &checked, &err), MC_OK);
	/* The next batch reads the tip again and follows c. */
	assert_int_equal(store_begin(f->st, &err), MC_OK);
	int64_t d = store_event_append(f->st, "t", "x", "tip.d", "tip.d", "{}", true, &err);
	assert_int_equal(store_commit(f->st, &err), MC_OK);
	assert_int_equal(d, c.event + 1);
	assert_int_equal(store_audit_verify(f->st, &checked, &err), MC_OK);
}

static void test_every_statement_prepares_on_one_connection(void **state)
{
	struct store_fixture *f = *state;
	struct sql_list l = {0};
	struct mc_error err;
	sql_collect(&l);
	/* The store has well over the cache's slots of statements; a scan that
	 * finds few has lost its way in the sources. */
	assert_true(l.n > STORE_STMT_SLOTS);
	int failed = 0;
	/* Twice over on the writer, inside one transaction, then on this
	 * thread's reader: the second pass meets statements evicted by the first. */
	assert_int_equal(store_begin(f->st, &err), MC_OK);
	struct store_conn *w = store_write_conn(f->st);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < l.n; i++)
			if (store_stmt(w, l.sql[i]) == NULL) {
				fprintf(stderr, "does not prepare (%s): %s\n", l.where[i],
				        l.sql[i]);
				failed++;
			}
	store_rollback(f->st);
	struct store_conn *r = store_read_conn(f->st);
	for (size_t i = 0; i < l.n; i++)
		if (store_stmt(r, l.sql[i]) == NULL)
			failed++;
	print_message("%zu statements of the store prepared on one connection\n", l.n);
	sql_list_free(&l);
	assert_int_equal(failed, 0);
}

static void test_more_statements_than_slots(void **state)
{
	struct store_fixture *f = *state;
	enum { N = STORE_STMT_SLOTS * 3 };
	static char sql[N][48];
	struct store_conn *c = store_read_conn(f->st);

	/* A statement left stepping stays valid however many others come. */
	static const char two_rows[] = "SELECT 1 UNION ALL SELECT 2";
	db_stmt *held = store_stmt(c, two_rows);
	assert_non_null(held);
	assert_int_equal(db_step(held), DB_ROW);
	assert_int_equal(db_column_int(held, 0), 1);

	for (int round = 0; round < 2; round++)
		for (int i = 0; i < N; i++) {
			snprintf(sql[i], sizeof sql[i], "SELECT %d + 1", i);
			db_stmt *s = store_stmt(c, sql[i]);
			assert_non_null(s);
			assert_int_equal(db_step(s), DB_ROW);
			assert_int_equal(db_column_int(s, 0), i + 1);
			db_reset(s);
		}
	assert_int_equal(db_step(held), DB_ROW);
	assert_int_equal(db_column_int(held, 0), 2);
	assert_int_equal(db_step(held), DB_DONE);
	/* Evicted statements were finalised: the cache stays at its size. */
	assert_int_equal(c->used, STORE_STMT_SLOTS);

	/* A statement fetched and bound but not yet stepped survives the
	 * fetches of many others. */
	static const char bound[] = "SELECT ? * 2";
	db_stmt *b = store_stmt(c, bound);
	db_bind_int(b, 1, 21);
	for (int i = 0; i < STORE_STMT_SLOTS / 2 - 1; i++)
		assert_non_null(store_stmt(c, sql[i]));
	assert_int_equal(db_step(b), DB_ROW);
	assert_int_equal(db_column_int(b, 0), 42);
	db_reset(b);
}

static void test_health_reports_a_broken_file(void **state)
{
	struct store_fixture *f = *state;
	struct mc_error err;
	int schema = -1;
	assert_int_equal(store_health(f->st, &schema, &err), MC_OK);
	assert_int_equal(schema, store_schema_version(f->st));
	/* Page 1 overwritten behind the store's back. */
	FILE *fp = fopen(f->path, "r+b");
	assert_non_null(fp);
	static const char junk[100] = "this is not a database";
	assert_int_equal(fwrite(junk, 1, sizeof junk, fp), sizeof junk);
	fclose(fp);
	assert_int_equal(store_health(f->st, &schema, &err), MC_ERR_UNAVAILABLE);
	assert_string_equal(err.code, "db_corrupt");
	/* Replaced by another file. */
	char other[128];
	snprintf(other, sizeof other, "%s/other", f->dir);
	fp = fopen(other, "wb");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(rename(other, f->path), 0);
	assert_int_equal(store_health(f->st, &schema, &err), MC_ERR_UNAVAILABLE);
	assert_string_equal(err.code, "db_replaced");
}

/* A thread's first read after the file was removed: its reader cannot open.
 * The read reports an error (the old code aborted the whole server). */
static void *read_health(void *arg)
{
	struct store_fixture *f = arg;
	struct mc_error err;
	int schema;
	enum mc_err rc = store_health(f->st, &schema, &err);
	char *v = store_setting_get(f->st, "office");
	free(v);
	/* A read that reports its failed prepare (store_sql_error on a reader
	 * with no connection) reports it too. */
	struct store_conn *c = store_read_conn(f->st);
	int64_t one;
	enum mc_err read_rc = store_one_int64(c, store_stmt(c, "SELECT 1"), 0, &one, "probe", &err);
	return (void *)(intptr_t)(rc != MC_OK && read_rc != MC_OK && one == 0 ? MC_ERR_INTERNAL
	                                                                      : MC_OK);
}

static void test_reader_that_cannot_open_reports_an_error(void **state)
{
	struct store_fixture *f = *state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char p[160];
		unlink(f->path);
		snprintf(p, sizeof p, "%s-wal", f->path);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", f->path);
		unlink(p);
		pthread_t t;
		void *rc = NULL;
		if (pthread_create(&t, NULL, read_health, f) != 0 || pthread_join(t, &rc) != 0)
			_exit(3);
		_exit((intptr_t)rc != MC_OK ? 0 : 2);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status)); /* not killed by abort() */
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* The people ahead a citizen's ticket shows are counted in SQL through the
 * lanes' indexes (store_ticket_public); the same line given to the policy
 * (queue_people_ahead over the waiting tickets in line order, from the
 * counter's runs) gives the same answer for every ticket, on a line of
 * priority and ordinary tickets after some calls. */
static void test_people_ahead_sql_matches_policy(void **state)
{
	struct store_fixture *f = *state;
	struct mc_error err;
	assert_int_equal(
	    store_counter_set_state(f->st, &admin, &any_hall, 1, COUNTER_OPEN, NULL, &err), MC_OK);
	for (int i = 0; i < 14; i++)
		assert_int_equal(store_ticket_issue(f->st, &admin, 0, "CT",
		                                    i % 3 == 1 || i % 5 == 0 ? "elderly" : NULL,
		                                    NULL, &err),
		                 MC_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(store_counter_call(f->st, &admin, &any_hall, 1,
		                                    &(struct queue_call_cmd){i > 0, VISIT_SERVED},
		                                    NULL, &err),
		                 MC_OK);
	struct queue_candidate line[32];
	size_t n = 0;
	struct queue_policy policy;
	queue_policy_of(f->st, &policy);
	struct queue_runs runs = {(int)count(f, "SELECT priority_streak FROM counters"),
	                          (int)count(f, "SELECT booked_streak FROM counters")};
	sqlite3 *db;
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT id, priority IS NOT NULL, queue_key,"
	                                    " booking_id IS NOT NULL FROM tickets"
	                                    " WHERE state = 'waiting' ORDER BY queue_key, id",
	                                    -1, &s, NULL),
	                 SQLITE_OK);
	while (n < 32 && sqlite3_step(s) == SQLITE_ROW)
		line[n++] = (struct queue_candidate){
		    sqlite3_column_int64(s, 0), sqlite3_column_int(s, 1) != 0,
		    sqlite3_column_int64(s, 2), sqlite3_column_int(s, 3) != 0};
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_int_equal(n, 10);
	for (size_t i = 0; i < n; i++) {
		struct queue_public_ticket t;
		assert_int_equal(
		    store_ticket_public(f->st, line[i].ticket_id, clock_now(), &t, &err), MC_OK);
		assert_true(t.waiting);
		assert_int_equal(t.people_ahead, queue_people_ahead(line, n, i, &policy, runs, 0));
		queue_public_ticket_clear(&t);
	}
}

/* A counter action resolves its hall inside its own transaction, before the
 * counter: an unknown centre is office_not_found even for a counter that
 * does not exist either, and changes nothing; the hall found, the counter's
 * own errors follow. */
static void test_counter_action_resolves_hall_first(void **state)
{
	struct store_fixture *f = *state;
	struct mc_error err;
	int64_t events = count(f, "SELECT count(*) FROM events");
	const struct queue_hall_req nope = {.code = "NOPE", .scoped = true};
	assert_int_equal(
	    store_counter_call(f->st, &admin, &nope, 99, &(struct queue_call_cmd){0}, NULL, &err),
	    MC_ERR_NOT_FOUND);
	assert_string_equal(err.code, "office_not_found");
	assert_int_equal(store_counter_set_state(f->st, &admin, &nope, 1, COUNTER_OPEN, NULL, &err),
	                 MC_ERR_NOT_FOUND);
	assert_string_equal(err.code, "office_not_found");
	assert_int_equal(count(f, "SELECT count(*) FROM events"), events);
	assert_int_equal(count(f, "SELECT count(*) FROM counters WHERE state = 'open'"), 0);
	assert_int_equal(
	    store_counter_finish(f->st, &admin, &any_hall, 99, VISIT_SERVED, NULL, &err),
	    MC_ERR_NOT_FOUND);
	assert_string_equal(err.code, "counter_not_found");
	assert_int_equal(store_counter_recall(f->st, &admin, &any_hall, 1, NULL, &err),
	                 MC_ERR_CONFLICT);
	assert_string_equal(err.code, "no_ticket_at_counter");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_schema_is_current, setup, store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_inner_rollback_dooms_outer, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_chain_verifies_and_detects_edits, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_commit_hook_sees_events_in_order_once, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_numbering_gap_free_under_threads, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_people_ahead_sql_matches_policy, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_counter_action_resolves_hall_first, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_setup_is_all_or_nothing, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot_shape, setup, store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_writer_only_inside_own_transaction, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_begin_on_other_thread_waits, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_rolled_back_event_is_not_the_tip, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_group_commit_shares_one_commit_and_fails_alone,
	                                    setup, store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_every_statement_prepares_on_one_connection, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_more_statements_than_slots, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_health_reports_a_broken_file, setup,
	                                    store_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_reader_that_cannot_open_reports_an_error, setup,
	                                    store_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
