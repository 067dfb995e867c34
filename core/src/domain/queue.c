#include "domain/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ticket_state_names[] = {"waiting", "called", "done", "no_show"};
static const char *const visit_outcome_names[] = {"served", "no_show", "transferred", "removed"};
static const char *const counter_state_names[] = {"open", "paused", "closed"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

const char *ticket_state_name(enum ticket_state s)
{
	return ticket_state_names[s];
}

bool ticket_state_parse(const char *s, enum ticket_state *out)
{
	int i = name_index(ticket_state_names, COUNT(ticket_state_names), s);
	if (i < 0)
		return false;
	*out = (enum ticket_state)i;
	return true;
}

const char *visit_outcome_name(enum visit_outcome o)
{
	return visit_outcome_names[o];
}

bool visit_outcome_parse_finish(const char *s, enum visit_outcome *out)
{
	if (s && strcmp(s, "served") == 0)
		*out = VISIT_SERVED;
	else if (s && strcmp(s, "removed") == 0)
		*out = VISIT_REMOVED;
	else
		return false;
	return true;
}

const char *counter_state_name(enum counter_state s)
{
	return counter_state_names[s];
}

bool counter_state_parse(const char *s, enum counter_state *out)
{
	int i = name_index(counter_state_names, COUNT(counter_state_names), s);
	if (i < 0)
		return false;
	*out = (enum counter_state)i;
	return true;
}

bool queue_action_allowed(enum queue_action action, enum ticket_state s)
{
	switch (action) {
	case QA_CALL: return s == TICKET_WAITING;
	case QA_RECALL:
	case QA_NO_SHOW:
	case QA_TRANSFER:
	case QA_FINISH: return s == TICKET_CALLED;
	case QA_REJOIN: return s == TICKET_NO_SHOW;
	}
	return false;
}

void queue_label(const char *prefix, int number, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%03d", prefix, number);
}

enum queue_lane queue_lane_of(const struct queue_candidate *c)
{
	if (c->priority)
		return QUEUE_LANE_PRIORITY;
	return c->booked ? QUEUE_LANE_BOOKED : QUEUE_LANE_WALK_IN;
}

/* The lane the policy calls from when lane l has a ticket waiting exactly
 * when has[l]; -1 when none has. *runs gets the runs after that call. */
static int queue_pick_lane(const bool has[QUEUE_LANES], const struct queue_policy *p,
                           struct queue_runs *runs)
{
	bool ordinary = has[QUEUE_LANE_WALK_IN] || has[QUEUE_LANE_BOOKED];
	if (has[QUEUE_LANE_PRIORITY] &&
	    (!ordinary || p->priority_cap <= 0 || runs->priority < p->priority_cap)) {
		/* Nobody passed over: the run does not grow. */
		runs->priority = ordinary ? runs->priority + 1 : 0;
		return QUEUE_LANE_PRIORITY;
	}
	if (!ordinary)
		return -1;
	runs->priority = 0;
	bool walk_in = has[QUEUE_LANE_WALK_IN];
	if (has[QUEUE_LANE_BOOKED] &&
	    (!walk_in || p->booked_in_a_row <= 0 || runs->booked < p->booked_in_a_row)) {
		runs->booked = walk_in ? runs->booked + 1 : 0;
		return QUEUE_LANE_BOOKED;
	}
	runs->booked = 0;
	return QUEUE_LANE_WALK_IN;
}

static bool queue_before(const struct queue_candidate *a, const struct queue_candidate *b)
{
	return a->queue_key < b->queue_key ||
	       (a->queue_key == b->queue_key && a->ticket_id < b->ticket_id);
}

int queue_pick_next(const struct queue_candidate *c, size_t n, const struct queue_policy *policy,
                    struct queue_runs *runs)
{
	int oldest[QUEUE_LANES] = {-1, -1, -1};
	bool has[QUEUE_LANES] = {false, false, false};
	for (size_t i = 0; i < n; i++) {
		int *slot = &oldest[queue_lane_of(&c[i])];
		if (*slot < 0 || queue_before(&c[i], &c[*slot]))
			*slot = (int)i;
	}
	for (int l = 0; l < QUEUE_LANES; l++)
		has[l] = oldest[l] >= 0;
	struct queue_runs after = *runs;
	int lane = queue_pick_lane(has, policy, &after);
	if (lane < 0)
		return -1;
	*runs = after;
	return oldest[lane];
}

int queue_people_ahead(const struct queue_candidate *c, size_t n, size_t target,
                       const struct queue_policy *policy, struct queue_runs runs, int max)
{
	if (target >= n)
		return -1;
	/* Walk the three lanes in line order, asking the policy to choose
	 * between their heads: the same policy as a real call, in O(n). */
	size_t head[QUEUE_LANES] = {0, 0, 0};
	int ahead = 0;
	for (;;) {
		bool has[QUEUE_LANES];
		for (int l = 0; l < QUEUE_LANES; l++) {
			while (head[l] < n && (int)queue_lane_of(&c[head[l]]) != l)
				head[l]++;
			has[l] = head[l] < n;
		}
		int lane = queue_pick_lane(has, policy, &runs);
		if (lane < 0 || head[lane] == target)
			return ahead;
		ahead++;
		if (max > 0 && ahead >= max)
			return ahead;
		head[lane]++;
	}
}

int queue_people_ahead_counts(enum queue_lane lane, int before, const int count[QUEUE_LANES],
                              const struct queue_policy *policy, struct queue_runs runs, int max)
{
	int left[QUEUE_LANES];
	for (int l = 0; l < QUEUE_LANES; l++)
		left[l] = l == (int)lane ? before : (count[l] > 0 ? count[l] : 0);
	int ahead = 0;
	for (;;) {
		bool has[QUEUE_LANES];
		for (int l = 0; l < QUEUE_LANES; l++)
			has[l] = left[l] > 0 || l == (int)lane; /* the target itself */
		int pick = queue_pick_lane(has, policy, &runs);
		if (pick == (int)lane && left[lane] == 0)
			return ahead;
		left[pick]--;
		ahead++;
		if (max > 0 && ahead >= max)
			return ahead;
	}
}

static int minutes_round(int64_t seconds)
{
	return (int)((seconds + 30) / 60);
}

struct queue_wait_range queue_wait_estimate(const struct queue_wait_input *in)
{
	struct queue_wait_range r = {0};
	int64_t lo, hi;

	/* A closed group's line does not move: a figure from this morning's
	 * history would promise a wait nobody is serving. */
	if (in->open_counters <= 0) {
		r.no_counter = true;
		return r;
	}
	/* History exists once someone of the group was called today; the head
	 * of the line's elapsed wait then widens the band. Before the first
	 * call the line has not moved, so only the fallback can say anything. */
	if (in->last_called_wait >= 0) {
		lo = hi = in->last_called_wait;
		if (in->head_elapsed_wait >= 0) {
			if (in->head_elapsed_wait < lo)
				lo = in->head_elapsed_wait;
			if (in->head_elapsed_wait > hi)
				hi = in->head_elapsed_wait;
		}
		r.from_history = true;
	} else {
		int rounds = (in->people_ahead + in->open_counters - 1) / in->open_counters;
		lo = hi = (int64_t)rounds * in->service_seconds;
	}
	/* A single figure is shown as a band of +-20 %. */
	if (lo == hi) {
		lo = lo * 8 / 10;
		hi = hi * 12 / 10;
	}
	r.known = true;
	r.low_min = minutes_round(lo);
	r.high_min = minutes_round(hi);
	if (r.high_min < r.low_min)
		r.high_min = r.low_min;
	return r;
}

size_t queue_call_order(const struct queue_candidate *c, size_t n,
                        const struct queue_policy *policy, struct queue_runs runs, size_t *order,
                        size_t max)
{
	/* A working copy the picks are taken out of, with each one's place in c. */
	struct queue_candidate *left = malloc((n ? n : 1) * sizeof *left);
	size_t *map = malloc((n ? n : 1) * sizeof *map);
	size_t k = 0;
	if (left == NULL || map == NULL)
		abort(); /* the domain has no allocator of its own: out of memory is fatal */
	for (size_t i = 0; i < n; i++) {
		left[i] = c[i];
		map[i] = i;
	}
	for (size_t m = n; m > 0 && k < max; m--) {
		int p = queue_pick_next(left, m, policy, &runs);
		order[k++] = map[p];
		for (size_t j = (size_t)p; j + 1 < m; j++) {
			left[j] = left[j + 1];
			map[j] = map[j + 1];
		}
	}
	free(left);
	free(map);
	return k;
}
