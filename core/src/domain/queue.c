#include "domain/queue.h"

#include <stdio.h>
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

int queue_pick_next(const struct queue_candidate *c, size_t n, int streak, int cap, int *new_streak)
{
	int oldest_priority = -1, oldest_ordinary = -1;

	for (size_t i = 0; i < n; i++) {
		int *slot = c[i].priority ? &oldest_priority : &oldest_ordinary;
		if (*slot < 0 || c[i].queue_key < c[*slot].queue_key ||
		    (c[i].queue_key == c[*slot].queue_key && c[i].ticket_id < c[*slot].ticket_id))
			*slot = (int)i;
	}
	if (oldest_priority < 0) {
		*new_streak = 0;
		return oldest_ordinary;
	}
	if (oldest_ordinary < 0) {
		/* Nobody is passed over, so the run does not grow. */
		*new_streak = 0;
		return oldest_priority;
	}
	if (cap > 0 && streak >= cap) {
		*new_streak = 0;
		return oldest_ordinary;
	}
	*new_streak = streak + 1;
	return oldest_priority;
}

int queue_people_ahead(const struct queue_candidate *c, size_t n, size_t target, int streak,
                       int cap, int max)
{
	if (target >= n)
		return -1;
	/* Walk both lanes in line order, asking queue_pick_next to choose
	 * between their heads: the same policy as a real call, in O(n). */
	size_t head[2] = {0, 0}; /* [0] ordinary lane, [1] priority lane */
	int ahead = 0;
	for (;;) {
		struct queue_candidate two[2];
		size_t idx[2];
		size_t k = 0;
		for (int lane = 0; lane < 2; lane++) {
			while (head[lane] < n && c[head[lane]].priority != (lane == 1))
				head[lane]++;
			if (head[lane] < n) {
				idx[k] = head[lane];
				two[k++] = c[head[lane]];
			}
		}
		int pick = queue_pick_next(two, k, streak, cap, &streak);
		if (pick < 0 || idx[pick] == target)
			return ahead;
		ahead++;
		if (max > 0 && ahead >= max)
			return ahead;
		head[c[idx[pick]].priority ? 1 : 0] = idx[pick] + 1;
	}
}

int queue_people_ahead_counts(bool priority, int before, int others, int streak, int cap, int max)
{
	/* The lanes' heads as queue_pick_next sees them: [0] the target's lane
	 * (the target itself once `before` is used up), [1] the other one. */
	int ahead = 0;
	for (;;) {
		struct queue_candidate two[2] = {
		    {.ticket_id = 1, .priority = priority, .queue_key = 1},
		    {.ticket_id = 2, .priority = !priority, .queue_key = 2}};
		size_t k = others > 0 ? 2 : 1;
		int pick = queue_pick_next(two, k, streak, cap, &streak);
		if (pick == 0 && before == 0)
			return ahead;
		if (pick == 0)
			before--;
		else
			others--;
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
