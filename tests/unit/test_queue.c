/* Unit tests of the queue policy: labels, who is called next, wait ranges,
 * which actions a ticket's state allows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/queue.h"

static void test_labels(void **state)
{
	char buf[16];
	queue_label("A", 1, buf, sizeof buf);
	assert_string_equal(buf, "A001");
	queue_label("B", 42, buf, sizeof buf);
	assert_string_equal(buf, "B042");
	queue_label("C", 1023, buf, sizeof buf);
	assert_string_equal(buf, "C1023");
	queue_label("AB", 7, buf, sizeof buf);
	assert_string_equal(buf, "AB007");
}

/* The call order made by repeated queue_pick_next calls: order[i] is the
 * index of the i-th ticket called. */
static void people_simulate(const struct queue_candidate *c, size_t n, int streak, int cap,
                            int *order)
{
	struct queue_candidate left[32];
	int map[32];
	size_t m = n;
	for (size_t i = 0; i < n; i++)
		left[i] = c[i], map[i] = (int)i;
	for (size_t k = 0; k < n; k++) {
		int p = queue_pick_next(left, m, streak, cap, &streak);
		order[k] = map[p];
		for (size_t j = (size_t)p; j + 1 < m; j++)
			left[j] = left[j + 1], map[j] = map[j + 1];
		m--;
	}
}

/* The kiosk's example: B001 ordinary, B002 and B003 priority, called B002,
 * B003, B001: 2 ahead of B001, none ahead of B002, 1 ahead of B003. */
static void test_people_ahead_priority_first(void **state)
{
	struct queue_candidate c[] = {{1, false, 1}, {2, true, 2}, {3, true, 3}};
	assert_int_equal(queue_people_ahead(c, 3, 0, 0, 3, 0), 2);
	assert_int_equal(queue_people_ahead(c, 3, 1, 0, 3, 0), 0);
	assert_int_equal(queue_people_ahead(c, 3, 2, 0, 3, 0), 1);
	assert_int_equal(queue_people_ahead(c, 3, 3, 0, 3, 0), -1);
	/* At the cap the ordinary ticket goes first. */
	assert_int_equal(queue_people_ahead(c, 3, 0, 3, 3, 0), 0);
	assert_int_equal(queue_people_ahead(c, 3, 2, 3, 3, 0), 2);
	/* Counting stops at max. */
	assert_int_equal(queue_people_ahead(c, 3, 0, 0, 3, 1), 1);
}

/* Calls check for every mix of up to 10 tickets (each priority or not, in
 * ticket order), every cap of the priority run (0-3) and every run so far
 * within it, with the order the calls take (people_simulate). */
static void people_every_mix(void (*check)(const struct queue_candidate *c, size_t n, int streak,
                                           int cap, const int *order))
{
	struct queue_candidate c[10];
	int order[10];
	for (size_t n = 1; n <= 10; n++)
		for (unsigned mask = 0; mask < (1u << n); mask++)
			for (int cap = 0; cap <= 3; cap++)
				for (int streak = 0; streak <= cap; streak++) {
					for (size_t i = 0; i < n; i++)
						c[i] = (struct queue_candidate){(int64_t)i + 1,
						                                (mask >> i) & 1u,
						                                (int64_t)i + 1};
					people_simulate(c, n, streak, cap, order);
					check(c, n, streak, cap, order);
				}
}

static void people_check_calls(const struct queue_candidate *c, size_t n, int streak, int cap,
                               const int *order)
{
	for (size_t k = 0; k < n; k++)
		assert_int_equal(queue_people_ahead(c, n, (size_t)order[k], streak, cap, 0),
		                 (int)k);
}

/* Every ticket's people ahead is its place in the order the calls take, for
 * every mix of up to 10 tickets, every run and cap. */
static void test_people_ahead_matches_calls(void **state)
{
	people_every_mix(people_check_calls);
}

static void people_check_counts(const struct queue_candidate *c, size_t n, int streak, int cap,
                                const int *order)
{
	for (size_t k = 0; k < n; k++) {
		size_t t = (size_t)order[k];
		int before = 0, others = 0;
		for (size_t i = 0; i < n; i++) {
			if (c[i].priority != c[t].priority)
				others++;
			else if (i < t)
				before++;
		}
		assert_int_equal(
		    queue_people_ahead_counts(c[t].priority, before, others, streak, cap, 0),
		    (int)k);
		for (int max = 1; max <= 4; max++)
			assert_int_equal(queue_people_ahead_counts(
			                     c[t].priority, before < max ? before : max,
			                     others < max ? others : max, streak, cap, max),
			                 (int)k < max ? (int)k : max);
	}
}

/* From counts alone (the tickets of its own lane ahead of it, all of the
 * other lane) a ticket's people ahead is still its place in the call order,
 * for every mix of up to 10 tickets, every run and cap; and counts capped at
 * max give the same capped answer. */
static void test_people_ahead_counts_match_calls(void **state)
{
	people_every_mix(people_check_counts);
}

static void test_pick_empty(void **state)
{
	int streak = 9;
	assert_int_equal(queue_pick_next(NULL, 0, 0, 3, &streak), -1);
}

static void test_pick_oldest_ordinary(void **state)
{
	struct queue_candidate c[] = {{10, false, 30}, {11, false, 20}, {12, false, 25}};
	int streak;
	assert_int_equal(queue_pick_next(c, 3, 0, 3, &streak), 1);
	assert_int_equal(streak, 0);
}

static void test_pick_ties_by_id(void **state)
{
	struct queue_candidate c[] = {{12, false, 5}, {11, false, 5}};
	int streak;
	assert_int_equal(queue_pick_next(c, 2, 0, 3, &streak), 1);
}

static void test_pick_priority_first(void **state)
{
	struct queue_candidate c[] = {{1, false, 1}, {2, true, 9}};
	int streak;
	assert_int_equal(queue_pick_next(c, 2, 0, 3, &streak), 1);
	assert_int_equal(streak, 1);
}

/* Simulates a counter calling until the line is empty and returns the order
 * of ticket ids. */
static void simulate(struct queue_candidate *c, size_t n, int cap, int64_t *order)
{
	int streak = 0;
	for (size_t k = 0; k < n; k++) {
		int next;
		int i = queue_pick_next(c, n - k, streak, cap, &next);
		assert_true(i >= 0);
		order[k] = c[i].ticket_id;
		streak = next;
		c[i] = c[n - k - 1]; /* remove i */
	}
}

static void test_cap_keeps_ordinary_moving(void **state)
{
	/* Two ordinary, five priority; cap 2: P P O P P O P. */
	struct queue_candidate c[] = {{1, false, 1}, {2, false, 2}, {3, true, 3}, {4, true, 4},
	                              {5, true, 5},  {6, true, 6},  {7, true, 7}};
	int64_t order[7];
	simulate(c, 7, 2, order);
	int64_t want[] = {3, 4, 1, 5, 6, 2, 7};
	for (int i = 0; i < 7; i++)
		assert_int_equal(order[i], want[i]);
}

static void test_no_cap_serves_all_priority_first(void **state)
{
	struct queue_candidate c[] = {{1, false, 1}, {2, true, 2}, {3, true, 3}, {4, true, 4}};
	int64_t order[4];
	simulate(c, 4, 0, order);
	int64_t want[] = {2, 3, 4, 1};
	for (int i = 0; i < 4; i++)
		assert_int_equal(order[i], want[i]);
}

static void test_streak_not_grown_when_nobody_passed_over(void **state)
{
	struct queue_candidate c[] = {{1, true, 1}};
	int streak;
	assert_int_equal(queue_pick_next(c, 1, 5, 2, &streak), 0);
	assert_int_equal(streak, 0);
}

static void test_wait_fallback(void **state)
{
	struct queue_wait_input in = {.people_ahead = 5,
	                              .open_counters = 2,
	                              .last_called_wait = -1,
	                              .head_elapsed_wait = 600,
	                              .service_seconds = 360};
	struct queue_wait_range r = queue_wait_estimate(&in);
	/* ceil(5/2) = 3 rounds of 6 min = 18 min, +-20 %: 14..22 (rounded). */
	assert_true(r.known);
	assert_false(r.from_history);
	assert_int_equal(r.low_min, 14);
	assert_int_equal(r.high_min, 22);
}

static void test_wait_history_band(void **state)
{
	struct queue_wait_input in = {.people_ahead = 3,
	                              .open_counters = 1,
	                              .last_called_wait = 8 * 60,
	                              .head_elapsed_wait = 13 * 60,
	                              .service_seconds = 360};
	struct queue_wait_range r = queue_wait_estimate(&in);
	assert_true(r.known);
	assert_true(r.from_history);
	assert_int_equal(r.low_min, 8);
	assert_int_equal(r.high_min, 13);
}

static void test_wait_history_single_value(void **state)
{
	struct queue_wait_input in = {.people_ahead = 0,
	                              .open_counters = 1,
	                              .last_called_wait = 10 * 60,
	                              .head_elapsed_wait = -1,
	                              .service_seconds = 360};
	struct queue_wait_range r = queue_wait_estimate(&in);
	assert_int_equal(r.low_min, 8);
	assert_int_equal(r.high_min, 12);
}

static void test_wait_unknown(void **state)
{
	struct queue_wait_input in = {.people_ahead = 4,
	                              .open_counters = 0,
	                              .last_called_wait = -1,
	                              .head_elapsed_wait = 100,
	                              .service_seconds = 360};
	assert_false(queue_wait_estimate(&in).known);
	assert_true(queue_wait_estimate(&in).no_counter);
}

/* This morning's history says nothing once every counter of the group has
 * closed: no range, and the reason is that no counter is open. */
static void test_wait_history_but_no_counter(void **state)
{
	struct queue_wait_input in = {.people_ahead = 2,
	                              .open_counters = 0,
	                              .last_called_wait = 5 * 60,
	                              .head_elapsed_wait = 9 * 60,
	                              .service_seconds = 360};
	struct queue_wait_range r = queue_wait_estimate(&in);
	assert_false(r.known);
	assert_true(r.no_counter);
	in.open_counters = 1;
	r = queue_wait_estimate(&in);
	assert_true(r.known);
	assert_false(r.no_counter);
}

static void test_actions_by_state(void **state)
{
	assert_true(queue_action_allowed(QA_CALL, TICKET_WAITING));
	assert_false(queue_action_allowed(QA_CALL, TICKET_CALLED));
	for (int a = QA_RECALL; a <= QA_FINISH; a++) {
		assert_true(queue_action_allowed(a, TICKET_CALLED));
		assert_false(queue_action_allowed(a, TICKET_WAITING));
		assert_false(queue_action_allowed(a, TICKET_DONE));
	}
	assert_true(queue_action_allowed(QA_REJOIN, TICKET_NO_SHOW));
	assert_false(queue_action_allowed(QA_REJOIN, TICKET_DONE));
}

static void test_names_round_trip(void **state)
{
	for (int s = TICKET_WAITING; s <= TICKET_NO_SHOW; s++) {
		enum ticket_state back;
		assert_true(ticket_state_parse(ticket_state_name(s), &back));
		assert_int_equal(back, s);
	}
	enum ticket_state t;
	assert_false(ticket_state_parse("asleep", &t));
	assert_false(ticket_state_parse(NULL, &t));
	enum visit_outcome o;
	assert_true(visit_outcome_parse_finish("served", &o));
	assert_int_equal(o, VISIT_SERVED);
	assert_false(visit_outcome_parse_finish("no_show", &o));
	enum counter_state c;
	assert_true(counter_state_parse("paused", &c));
	assert_int_equal(c, COUNTER_PAUSED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_labels),
	    cmocka_unit_test(test_pick_empty),
	    cmocka_unit_test(test_pick_oldest_ordinary),
	    cmocka_unit_test(test_pick_ties_by_id),
	    cmocka_unit_test(test_pick_priority_first),
	    cmocka_unit_test(test_cap_keeps_ordinary_moving),
	    cmocka_unit_test(test_no_cap_serves_all_priority_first),
	    cmocka_unit_test(test_streak_not_grown_when_nobody_passed_over),
	    cmocka_unit_test(test_wait_fallback),
	    cmocka_unit_test(test_wait_history_band),
	    cmocka_unit_test(test_wait_history_single_value),
	    cmocka_unit_test(test_wait_unknown),
	    cmocka_unit_test(test_wait_history_but_no_counter),
	    cmocka_unit_test(test_people_ahead_priority_first),
	    cmocka_unit_test(test_people_ahead_matches_calls),
	    cmocka_unit_test(test_people_ahead_counts_match_calls),
	    cmocka_unit_test(test_actions_by_state),
	    cmocka_unit_test(test_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
