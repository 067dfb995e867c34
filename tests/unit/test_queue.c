/* Unit tests of the queue policy: labels, who is called next, wait ranges,
 * which actions a ticket's state allows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/queue.h"

/* The two-lane policy of the tests written before appointments (no ticket
 * booked): the priority run and cap only. */
static int pick2(const struct queue_candidate *c, size_t n, int streak, int cap, int *new_streak)
{
	struct queue_policy p = {.priority_cap = cap, .booked_in_a_row = 2};
	struct queue_runs r = {.priority = streak};
	int i = queue_pick_next(c, n, &p, &r);
	*new_streak = i < 0 ? 0 : r.priority;
	return i;
}

static int ahead2(const struct queue_candidate *c, size_t n, size_t target, int streak, int cap,
                  int max)
{
	struct queue_policy p = {.priority_cap = cap, .booked_in_a_row = 2};
	return queue_people_ahead(c, n, target, &p, (struct queue_runs){.priority = streak}, max);
}

static int counts2(bool priority, int before, int others, int streak, int cap, int max)
{
	struct queue_policy p = {.priority_cap = cap, .booked_in_a_row = 2};
	int count[QUEUE_LANES] = {0};
	count[priority ? QUEUE_LANE_WALK_IN : QUEUE_LANE_PRIORITY] = others;
	return queue_people_ahead_counts(priority ? QUEUE_LANE_PRIORITY : QUEUE_LANE_WALK_IN,
	                                 before, count, &p, (struct queue_runs){.priority = streak},
	                                 max);
}

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
		int p = pick2(left, m, streak, cap, &streak);
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
	struct queue_candidate c[] = {
	    {1, false, 1, false}, {2, true, 2, false}, {3, true, 3, false}};
	assert_int_equal(ahead2(c, 3, 0, 0, 3, 0), 2);
	assert_int_equal(ahead2(c, 3, 1, 0, 3, 0), 0);
	assert_int_equal(ahead2(c, 3, 2, 0, 3, 0), 1);
	assert_int_equal(ahead2(c, 3, 3, 0, 3, 0), -1);
	/* At the cap the ordinary ticket goes first. */
	assert_int_equal(ahead2(c, 3, 0, 3, 3, 0), 0);
	assert_int_equal(ahead2(c, 3, 2, 3, 3, 0), 2);
	/* Counting stops at max. */
	assert_int_equal(ahead2(c, 3, 0, 0, 3, 1), 1);
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
						c[i] = (struct queue_candidate){
						    (int64_t)i + 1, (mask >> i) & 1u,
						    (int64_t)i + 1, false};
					people_simulate(c, n, streak, cap, order);
					check(c, n, streak, cap, order);
				}
}

static void people_check_calls(const struct queue_candidate *c, size_t n, int streak, int cap,
                               const int *order)
{
	for (size_t k = 0; k < n; k++)
		assert_int_equal(ahead2(c, n, (size_t)order[k], streak, cap, 0), (int)k);
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
		assert_int_equal(counts2(c[t].priority, before, others, streak, cap, 0), (int)k);
		for (int max = 1; max <= 4; max++)
			assert_int_equal(counts2(c[t].priority, before < max ? before : max,
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
	assert_int_equal(pick2(NULL, 0, 0, 3, &streak), -1);
}

static void test_pick_oldest_ordinary(void **state)
{
	struct queue_candidate c[] = {
	    {10, false, 30, false}, {11, false, 20, false}, {12, false, 25, false}};
	int streak;
	assert_int_equal(pick2(c, 3, 0, 3, &streak), 1);
	assert_int_equal(streak, 0);
}

static void test_pick_ties_by_id(void **state)
{
	struct queue_candidate c[] = {{12, false, 5, false}, {11, false, 5, false}};
	int streak;
	assert_int_equal(pick2(c, 2, 0, 3, &streak), 1);
}

static void test_pick_priority_first(void **state)
{
	struct queue_candidate c[] = {{1, false, 1, false}, {2, true, 9, false}};
	int streak;
	assert_int_equal(pick2(c, 2, 0, 3, &streak), 1);
	assert_int_equal(streak, 1);
}

/* Simulates a counter calling until the line is empty and returns the order
 * of ticket ids. */
static void simulate(struct queue_candidate *c, size_t n, int cap, int64_t *order)
{
	int streak = 0;
	for (size_t k = 0; k < n; k++) {
		int next;
		int i = pick2(c, n - k, streak, cap, &next);
		assert_true(i >= 0);
		order[k] = c[i].ticket_id;
		streak = next;
		c[i] = c[n - k - 1]; /* remove i */
	}
}

static void test_cap_keeps_ordinary_moving(void **state)
{
	/* Two ordinary, five priority; cap 2: P P O P P O P. */
	struct queue_candidate c[] = {
	    {1, false, 1, false}, {2, false, 2, false}, {3, true, 3, false}, {4, true, 4, false},
	    {5, true, 5, false},  {6, true, 6, false},  {7, true, 7, false}};
	int64_t order[7];
	simulate(c, 7, 2, order);
	int64_t want[] = {3, 4, 1, 5, 6, 2, 7};
	for (int i = 0; i < 7; i++)
		assert_int_equal(order[i], want[i]);
}

static void test_no_cap_serves_all_priority_first(void **state)
{
	struct queue_candidate c[] = {
	    {1, false, 1, false}, {2, true, 2, false}, {3, true, 3, false}, {4, true, 4, false}};
	int64_t order[4];
	simulate(c, 4, 0, order);
	int64_t want[] = {2, 3, 4, 1};
	for (int i = 0; i < 4; i++)
		assert_int_equal(order[i], want[i]);
}

static void test_streak_not_grown_when_nobody_passed_over(void **state)
{
	struct queue_candidate c[] = {{1, true, 1, false}};
	int streak;
	assert_int_equal(pick2(c, 1, 5, 2, &streak), 0);
	assert_int_equal(streak, 0);
}

/* Calls a counter makes until the line c[0..n) is empty, from runs {0, 0}:
 * the ticket ids in call order into order. */
static void simulate3(const struct queue_candidate *c, size_t n, const struct queue_policy *p,
                      int64_t *order)
{
	struct queue_candidate left[16];
	struct queue_runs runs = {0, 0};
	for (size_t i = 0; i < n; i++)
		left[i] = c[i];
	for (size_t k = 0; k < n; k++) {
		int i = queue_pick_next(left, n - k, p, &runs);
		assert_true(i >= 0);
		order[k] = left[i].ticket_id;
		for (size_t j = (size_t)i; j + 1 < n - k; j++)
			left[j] = left[j + 1];
	}
}

#define W(id)                                                                                      \
	{                                                                                          \
		(id), false, (id), false                                                           \
	}
#define B(id)                                                                                      \
	{                                                                                          \
		(id), false, (id), true                                                            \
	}
#define P(id)                                                                                      \
	{                                                                                          \
		(id), true, (id), false                                                            \
	}

/* booked_in_a_row 2, no priority. In line: W1 W2 B3 B4 B5 W6 B7 (W walk-in,
 * B booked; the number is the order of arrival). Runs {0, 0}.
 *   call 1: booked first: B3 (a walk-in waits: booked run 1)
 *   call 2: B4 (run 2)
 *   call 3: the run reached 2 while W1 waited: W1 (run 0)
 *   call 4: B5 (run 1)
 *   call 5: B7 (run 2)
 *   call 6: no booked ticket left: W2
 *   call 7: W6
 * Order: B3 B4 W1 B5 B7 W2 W6. */
static void test_booked_first_two_in_a_row(void **state)
{
	struct queue_candidate c[] = {W(1), W(2), B(3), B(4), B(5), W(6), B(7)};
	struct queue_policy p = {.priority_cap = 3, .booked_in_a_row = 2};
	int64_t order[7], want[] = {3, 4, 1, 5, 7, 2, 6};
	simulate3(c, 7, &p, order);
	for (int i = 0; i < 7; i++)
		assert_int_equal(order[i], want[i]);
	/* People ahead is the place in that order: W6 is called last. */
	assert_int_equal(queue_people_ahead(c, 7, 5, &p, (struct queue_runs){0, 0}, 0), 6);
	assert_int_equal(queue_people_ahead(c, 7, 0, &p, (struct queue_runs){0, 0}, 0), 2);
	assert_int_equal(queue_people_ahead(c, 7, 6, &p, (struct queue_runs){0, 0}, 0), 4);
	/* A counter whose run is already 2 calls W1 first. */
	assert_int_equal(queue_people_ahead(c, 7, 0, &p, (struct queue_runs){0, 2}, 0), 0);
}

/* priority_cap 2, booked_in_a_row 2. In line: P1 W2 B3 P4 P5 B6 W7 B8
 * (P priority). Runs {priority 0, booked 0}.
 *   call 1: priority first: P1 (ordinary tickets wait: priority run 1)
 *   call 2: P4 (priority run 2)
 *   call 3: the priority cap lets a non-priority ticket through (priority
 *           run 0); among them booked first: B3 (booked run 1)
 *   call 4: P5 (priority run 1)
 *   call 5: no priority ticket left (priority run 0): B6 (booked run 2)
 *   call 6: the booked run reached 2 while W2 waited: W2 (booked run 0)
 *   call 7: B8 (booked run 1)
 *   call 8: W7
 * Order: P1 P4 B3 P5 B6 W2 B8 W7. */
static void test_priority_then_booked_then_walk_in(void **state)
{
	struct queue_candidate c[] = {P(1), W(2), B(3), P(4), P(5), B(6), W(7), B(8)};
	struct queue_policy p = {.priority_cap = 2, .booked_in_a_row = 2};
	int64_t order[8], want[] = {1, 4, 3, 5, 6, 2, 8, 7};
	simulate3(c, 8, &p, order);
	for (int i = 0; i < 8; i++)
		assert_int_equal(order[i], want[i]);
	/* The runs a counter stores after the first three calls. */
	struct queue_runs r = {0, 0};
	struct queue_candidate left[] = {W(2), B(3), P(5), B(6), W(7), B(8)};
	assert_int_equal(queue_pick_next(left, 6, &p, &r), 2); /* P5 */
	assert_int_equal(r.priority, 1);
	assert_int_equal(r.booked, 0);
}

/* A booked ticket with a priority class is in the priority lane; with no
 * walk-in waiting the booked run does not grow. */
static void test_booked_lanes_and_runs(void **state)
{
	struct queue_candidate pb = {1, true, 1, true};
	assert_int_equal(queue_lane_of(&pb), QUEUE_LANE_PRIORITY);
	struct queue_candidate c[] = {B(5), B(6)};
	struct queue_policy p = {.priority_cap = 3, .booked_in_a_row = 1};
	struct queue_runs r = {0, 7};
	assert_int_equal(queue_pick_next(c, 2, &p, &r), 0);
	assert_int_equal(r.booked, 0);
	/* booked_in_a_row 1 alternates: B W B W. */
	struct queue_candidate alt[] = {W(1), W(2), B(3), B(4)};
	int64_t order[4], want[] = {3, 1, 4, 2};
	simulate3(alt, 4, &p, order);
	for (int i = 0; i < 4; i++)
		assert_int_equal(order[i], want[i]);
	/* Empty line: -1 and the runs untouched. */
	r = (struct queue_runs){2, 2};
	assert_int_equal(queue_pick_next(NULL, 0, &p, &r), -1);
	assert_int_equal(r.priority, 2);
	assert_int_equal(r.booked, 2);
}

/* For every line of up to 7 tickets, each walk-in, booked or priority, every
 * pair of caps (0-2) and every pair of runs within them: each ticket's
 * people ahead, from the whole line and from counts alone (also capped at
 * max), is its place in the order the calls take. */
static void test_people_ahead_three_lanes(void **state)
{
	struct queue_candidate c[7];
	for (size_t n = 1; n <= 7; n++) {
		unsigned mixes = 1;
		for (size_t i = 0; i < n; i++)
			mixes *= 3;
		for (unsigned mix = 0; mix < mixes; mix++) {
			unsigned m = mix;
			for (size_t i = 0; i < n; i++, m /= 3)
				c[i] = (struct queue_candidate){(int64_t)i + 1, m % 3 == 2,
				                                (int64_t)i + 1, m % 3 == 1};
			for (int pc = 0; pc <= 2; pc++)
				for (int bc = 0; bc <= 2; bc++)
					for (int pr = 0; pr <= pc; pr++)
						for (int br = 0; br <= bc; br++) {
							struct queue_policy p = {pc, bc};
							struct queue_runs runs = {pr, br};
							struct queue_candidate left[7];
							int map[7];
							for (size_t i = 0; i < n; i++)
								left[i] = c[i], map[i] = (int)i;
							struct queue_runs r = runs;
							for (size_t k = 0; k < n; k++) {
								int i = queue_pick_next(left, n - k,
								                        &p, &r);
								size_t t = (size_t)map[i];
								assert_int_equal(
								    queue_people_ahead(c, n, t, &p,
								                       runs, 0),
								    (int)k);
								enum queue_lane lane =
								    queue_lane_of(&c[t]);
								int count[QUEUE_LANES] = {0},
								    before = 0;
								for (size_t j = 0; j < n; j++) {
									if (queue_lane_of(&c[j]) !=
									    lane)
										count[queue_lane_of(
										    &c[j])]++;
									else if (j < t)
										before++;
								}
								assert_int_equal(
								    queue_people_ahead_counts(
								        lane, before, count, &p,
								        runs, 0),
								    (int)k);
								int cc[QUEUE_LANES];
								for (int l = 0; l < QUEUE_LANES;
								     l++)
									cc[l] = count[l] < 2
									            ? count[l]
									            : 2;
								assert_int_equal(
								    queue_people_ahead_counts(
								        lane,
								        before < 2 ? before : 2, cc,
								        &p, runs, 2),
								    (int)k < 2 ? (int)k : 2);
								for (size_t j = (size_t)i;
								     j + 1 < n - k; j++)
									left[j] = left[j + 1],
									map[j] = map[j + 1];
							}
						}
		}
	}
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

/* The board's "next" list is the call order: each ticket's place in
 * queue_call_order is its people ahead (queue_people_ahead), on lines of
 * every mix of lanes, runs and caps. */
static void test_call_order_matches_people_ahead(void **state)
{
	(void)state;
	unsigned seed = 12345;
	for (int round = 0; round < 300; round++) {
		struct queue_candidate c[12];
		size_t n = (size_t)(round % 12) + 1;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			c[i] = (struct queue_candidate){.ticket_id = (int64_t)i + 1,
			                                .priority = (seed >> 16) % 4 == 0,
			                                .queue_key = (int64_t)i + 1,
			                                .booked = (seed >> 20) % 3 == 0};
		}
		struct queue_policy p = {.priority_cap = round % 4, .booked_in_a_row = round % 3};
		struct queue_runs runs = {.priority = round % 3, .booked = round % 2};
		size_t order[12];
		size_t k = queue_call_order(c, n, &p, runs, order, 12);
		assert_int_equal(k, n);
		for (size_t place = 0; place < k; place++)
			assert_int_equal(queue_people_ahead(c, n, order[place], &p, runs, 0),
			                 (int)place);
	}
}

static void test_call_order_stops_at_max(void **state)
{
	(void)state;
	/* Walk-in 1, priority 2, booked 3, walk-in 4: priority first, then the
	 * booked one, then the walk-ins in line order. */
	struct queue_candidate c[] = {
	    {1, false, 1, false}, {2, true, 2, false}, {3, false, 3, true}, {4, false, 4, false}};
	struct queue_policy p = {.priority_cap = 3, .booked_in_a_row = 2};
	size_t order[4];
	assert_int_equal(queue_call_order(c, 4, &p, (struct queue_runs){0, 0}, order, 2), 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	assert_int_equal(queue_call_order(c, 4, &p, (struct queue_runs){0, 0}, order, 4), 4);
	assert_int_equal(order[2], 0);
	assert_int_equal(order[3], 3);
	assert_int_equal(queue_call_order(c, 0, &p, (struct queue_runs){0, 0}, order, 4), 0);
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
	    cmocka_unit_test(test_booked_first_two_in_a_row),
	    cmocka_unit_test(test_priority_then_booked_then_walk_in),
	    cmocka_unit_test(test_booked_lanes_and_runs),
	    cmocka_unit_test(test_people_ahead_three_lanes),
	    cmocka_unit_test(test_actions_by_state),
	    cmocka_unit_test(test_names_round_trip),
	    cmocka_unit_test(test_call_order_matches_people_ahead),
	    cmocka_unit_test(test_call_order_stops_at_max),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
