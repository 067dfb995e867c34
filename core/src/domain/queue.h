/* Queue policy (xếp hàng): numbering, who is called next, wait estimates, and
 * which counter actions a ticket's state allows. Pure logic: no I/O, no clock. */
#ifndef MOTCUA_QUEUE_H
#define MOTCUA_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ticket_state {
	TICKET_WAITING, /* in line (chờ) */
	TICKET_CALLED,  /* called to a counter and being served */
	TICKET_DONE,    /* finished: served, or removed */
	TICKET_NO_SHOW, /* did not come when called; may rejoin within a window */
};

enum visit_outcome { VISIT_SERVED, VISIT_NO_SHOW, VISIT_TRANSFERRED, VISIT_REMOVED };

enum counter_state { COUNTER_OPEN, COUNTER_PAUSED, COUNTER_CLOSED };

enum queue_action { QA_CALL, QA_RECALL, QA_NO_SHOW, QA_TRANSFER, QA_FINISH, QA_REJOIN };

const char *ticket_state_name(enum ticket_state s);
bool ticket_state_parse(const char *s, enum ticket_state *out);
const char *visit_outcome_name(enum visit_outcome o);
/* Parses an outcome a clerk may give when finishing: "served" or "removed". */
bool visit_outcome_parse_finish(const char *s, enum visit_outcome *out);
const char *counter_state_name(enum counter_state s);
bool counter_state_parse(const char *s, enum counter_state *out);

/* Whether action is allowed on a ticket in state s. */
bool queue_action_allowed(enum queue_action action, enum ticket_state s);

/* The printed label of a number: prefix and at least three digits ("A001",
 * "B1023"). Writes at most outlen bytes, NUL-terminated. */
void queue_label(const char *prefix, int number, char *out, size_t outlen);

/* One waiting ticket a counter could call. */
struct queue_candidate {
	int64_t ticket_id;
	bool priority;     /* has a priority class (ưu tiên) */
	int64_t queue_key; /* order in line: smaller is earlier */
	bool booked;       /* issued at a check-in in time for a booking (đặt lịch):
	                    * tickets.booking_id */
};

/* The three lanes of a line: a priority ticket is in the priority lane
 * whether booked or not; the others are booked or walk-ins (vãng lai). */
enum queue_lane { QUEUE_LANE_WALK_IN, QUEUE_LANE_BOOKED, QUEUE_LANE_PRIORITY };
#define QUEUE_LANES 3

enum queue_lane queue_lane_of(const struct queue_candidate *c);

/* The policy's two caps: priority_cap (setting "priority_cap": consecutive
 * priority calls while a non-priority ticket waits; <= 0: no cap) and
 * booked_in_a_row (setting "appointments": consecutive booked calls while a
 * walk-in waits; <= 0: no cap). */
struct queue_policy {
	int priority_cap;
	int booked_in_a_row;
};

/* A counter's runs (counters.priority_streak, counters.booked_streak): the
 * priority calls made in a row while a non-priority ticket waited, and the
 * booked calls made in a row (priority calls between them do not count nor
 * break the run) while a walk-in waited. */
struct queue_runs {
	int priority;
	int booked;
};

/* Chooses whom a counter calls next among its candidates (docs/
 * appointments.md, "The call order"):
 * 1. the priority lane first, oldest first, except that after
 *    priority_cap consecutive priority calls made while a non-priority
 *    ticket waited, a non-priority ticket is called;
 * 2. among the non-priority tickets, booked ones first, oldest first,
 *    except that after booked_in_a_row consecutive booked calls made while a
 *    walk-in waited, the oldest walk-in is called.
 * So neither walk-ins nor ordinary tickets are ever starved. Oldest: the
 * smallest queue_key, then the smallest ticket_id. *runs is the counter's
 * runs before the call and gets those to store after it (a run grows only
 * when someone was passed over; a call of the other kind resets it).
 * Returns the index chosen, or -1 when there are no candidates (*runs
 * unchanged). */
int queue_pick_next(const struct queue_candidate *c, size_t n, const struct queue_policy *policy,
                    struct queue_runs *runs);

/* The first max tickets of c (in line order, as queue_pick_next sees them)
 * in the order the counters will call them if nobody new arrives: calls
 * follow queue_pick_next from the runs `runs`. order[] gets indices into c
 * (room for max). Returns how many were written: min(n, max). */
size_t queue_call_order(const struct queue_candidate *c, size_t n,
                        const struct queue_policy *policy, struct queue_runs runs, size_t *order,
                        size_t max);

/* How many waiting tickets are called before c[target] if calls follow
 * queue_pick_next from the runs `runs` and nobody new arrives: the ticket's
 * place in the call order, 0 when it is next. c must be in line order
 * (queue_key, then ticket_id, ascending), as queue_pick_next would see them.
 * Counting stops at `max` (max <= 0: no limit). Returns -1 when
 * target >= n. */
int queue_people_ahead(const struct queue_candidate *c, size_t n, size_t target,
                       const struct queue_policy *policy, struct queue_runs runs, int max);

/* queue_people_ahead from counts alone, for a line too long to read: a
 * target in lane `lane` with `before` tickets of its own lane ahead of it in
 * line order, and count[l] tickets in each other lane l (all of them: the
 * other lanes' order against the target's does not matter to the policy;
 * count[lane] is ignored). Same answer as queue_people_ahead over the whole
 * line; counting stops at `max` (max <= 0: no limit), so counts capped at
 * max give the same answer. Never fails. */
int queue_people_ahead_counts(enum queue_lane lane, int before, const int count[QUEUE_LANES],
                              const struct queue_policy *policy, struct queue_runs runs, int max);

/* What the estimate is built from. Times in seconds; -1 when unknown. */
struct queue_wait_input {
	int people_ahead;
	int open_counters;         /* open counters serving the group */
	int64_t last_called_wait;  /* wait of the last ticket called today */
	int64_t head_elapsed_wait; /* how long the head of the line has waited */
	int64_t service_seconds;   /* fallback service time per ticket */
};

struct queue_wait_range {
	bool known;      /* false: no counter of the group is open */
	bool no_counter; /* unknown because no counter of the group is open */
	int low_min;     /* minutes */
	int high_min;    /* minutes, >= low_min */
	bool from_history;
};

/* A wait estimate as a range: from today's history once someone of the group
 * was called today (the band between the wait of the last person called and
 * the elapsed wait of the head of the line), otherwise queue length / open
 * counters x service time. A single figure becomes a band of +-20 %. With no
 * counter of the group open nobody is being served, so there is no estimate
 * whatever the history says: known is false and no_counter true. */
struct queue_wait_range queue_wait_estimate(const struct queue_wait_input *in);

#endif
