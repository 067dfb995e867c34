/* The queue's JSON views: what the store loads (store/queue.h) as the
 * board, the kiosk, the counter desk and the citizen's page read it. Each
 * present_* returns a new reference the caller owns. */
#ifndef MOTCUA_API_PRESENT_QUEUE_H
#define MOTCUA_API_PRESENT_QUEUE_H

#include <jansson.h>

#include "store/queue.h"

/* A ticket: {id, label, number, group, series, priority (code|null), state,
 * issued_at, counter (no|null), service_day, outcome (|null),
 * target_counter (no|null), queued_at, booked}, with people_ahead and wait
 * (present_queue_wait) when it was just issued, and late and booking {code,
 * start, end} after a check-in. */
json_t *present_queue_ticket(const struct queue_ticket *t);

/* Sets obj's "wait" to the estimate {low_min, high_min, from_history}, or
 * to null with "wait_reason": "no_counter_open" when no counter of the
 * group is open. */
void present_queue_wait(json_t *obj, const struct queue_wait_range *r);

/* {open_now, next_open (epoch seconds|null), reopens_today}. */
json_t *present_queue_hours(const struct queue_hours *h);

/* A counter's change of state: {no, state} and "closed" (the clerk's other
 * counters it closed) when there were any. */
json_t *present_queue_counter_change(const struct queue_counter_change *c);

/* A citizen's ticket (GET /api/v1/tickets/{id}/public): label, group,
 * group_name, group_name_en, state, priority (bool), counter, outcome,
 * booked, office ({code, name, address, hours} of its centre, or null), and
 * while it waits hours, people_ahead and wait. Reads the centre's heading
 * from st. */
json_t *present_queue_public_ticket(struct store *st, const struct queue_public_ticket *t);

/* The queue of hall office at now as compact JSON text (GET /api/v1/queue,
 * the bus's cached snapshot): {event_id, at, service_day, office (the
 * hall's heading with "parent" its parent's name and "parent_code"; {}
 * for none), priority_classes, groups, counters, recent_calls, hours,
 * bookable}. *out gets newly allocated text (the caller frees it) and
 * *event_id (when not NULL) the id of the last stream event it includes.
 * On a database error returns it (err filled, logged) and touches
 * neither. */
enum mc_err present_queue_snapshot_text(struct store *st, int64_t office, int64_t now, char **out,
                                        int64_t *event_id, struct mc_error *err);

#endif
