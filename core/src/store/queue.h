/* The queue's operations on the store: each runs in one write transaction,
 * applies the policy of domain/queue.h, appends its event to the chain, and
 * returns the affected ticket as a JSON object (caller json_decref's it).
 * Every failure leaves the database unchanged. */
#ifndef MOTCUA_STORE_QUEUE_H
#define MOTCUA_STORE_QUEUE_H

#include <jansson.h>

#include "domain/principal.h"
#include "domain/queue.h"
#include "store/store.h"

/* The hall (a centre or a reception point, docs/province.md) a request
 * means, into *office: the one whose code is code (when not NULL; with
 * scoped, only inside who's subtree: MC_ERR_NOT_FOUND office_not_found
 * otherwise, as for an unknown code), else who's own hall (its office, or
 * the nearest hall above it), else the only hall in who's subtree (the province's for NULL, or
 * when not scoped and who's subtree has none);
 * MC_ERR_INVALID office_required when there are several, or when scoped
 * and who's subtree (below the root) has none; 0 when there is none yet.
 * who may be NULL (anonymous). On error *office is untouched. */
enum mc_err store_hall_resolve(struct store *st, const struct principal *who, const char *code,
                               bool scoped, int64_t *office, struct mc_error *err);

/* Issues the next number of the group's series for today, in a group of
 * hall office (another centre's group is group_not_found, 404): numbering is
 * per hall, per group, per day. The view also carries people_ahead (at most
 * 999, meaning "999 or more") and wait. priority is a configured priority
 * class code (see setting "priority_classes") or NULL. */
enum mc_err store_ticket_issue(struct store *st, const struct principal *who, int64_t office,
                               const char *group_code, const char *priority, json_t **ticket,
                               struct mc_error *err);
/* The check-in of a booking (POST /tickets {"booking"}, docs/
 * appointments.md) at hall office, one write transaction: the booking of
 * code (booking_code_parse: any case, spaces and dashes ignored) must be
 * this hall's and 'booked'. Its check-in window (store_booking_settings,
 * booking_checkin_verdict) decides: in time, a ticket in the booking's
 * group with tickets.booking_id (called by the booked lane, domain/queue.h)
 * and the booking 'checked_in'; late, an ordinary ticket in that group and
 * the booking 'late'. Either way bookings.ticket_id names the ticket and an
 * event "booking.checked_in" / "booking.late" (not streamed) is appended.
 * *ticket: as store_ticket_issue, plus "late" (bool) and "booking"
 * {"code","start","end"}. Errors, nothing changed: 404 booking_not_found
 * (malformed, unknown, another centre's), 409 booking_cancelled (this
 * centre's, cancelled), 409 booking_used
 * (checked in or late already), 409 booking_too_early (the message says
 * from when, HH:MM, with the date when not today), those of
 * store_ticket_issue (centre_closed for a kiosk, unknown_priority_class),
 * 404 group_not_found when the booking's group was deactivated. */
enum mc_err store_ticket_checkin(struct store *st, const struct principal *who, int64_t office,
                                 const char *code, const char *priority, json_t **ticket,
                                 struct mc_error *err);
/* Takes a just-issued ticket out of the line because its print failed: the
 * number stays used (numbering stays gap-free) but it is not waiting; a
 * booking checked in with it is 'booked' again (its check-in undone). */
enum mc_err store_ticket_void(struct store *st, const struct principal *who, int64_t ticket_id,
                              const char *reason, struct mc_error *err);
/* The id of today's ticket numbered label ("A003") at hall office, as who
 * may see it, into *id. Returns MC_OK, MC_ERR_NOT_FOUND ticket_not_found, or
 * the database error (err filled). */
enum mc_err store_ticket_today_by_label(struct store *st, const struct principal *who,
                                        int64_t office, const char *label, int64_t *id,
                                        struct mc_error *err);
/* Puts a no-show ticket back at the end of its line, within the rejoin window. */
enum mc_err store_ticket_rejoin(struct store *st, const struct principal *who, int64_t ticket_id,
                                json_t **ticket, struct mc_error *err);

/* Counter actions on counter counter_no of hall office (store_hall_resolve).
 * Every ticket, counter and group is looked up inside who's scope: another
 * centre's is not found (404), and nothing changes. finish_current (call
 * only): when not NULL, the ticket now at the counter is first finished
 * with that outcome. */
enum mc_err store_counter_call(struct store *st, const struct principal *who, int64_t office,
                               int counter_no, const char *finish_current, json_t **ticket,
                               struct mc_error *err);
enum mc_err store_counter_recall(struct store *st, const struct principal *who, int64_t office,
                                 int counter_no, json_t **ticket, struct mc_error *err);
enum mc_err store_counter_no_show(struct store *st, const struct principal *who, int64_t office,
                                  int counter_no, json_t **ticket, struct mc_error *err);
/* Exactly one of to_group (a group code) or to_counter (> 0) is given. */
enum mc_err store_counter_transfer(struct store *st, const struct principal *who, int64_t office,
                                   int counter_no, const char *to_group, int to_counter,
                                   json_t **ticket, struct mc_error *err);
enum mc_err store_counter_finish(struct store *st, const struct principal *who, int64_t office,
                                 int counter_no, const char *outcome, json_t **ticket,
                                 struct mc_error *err);
enum mc_err store_counter_set_state(struct store *st, const struct principal *who, int64_t office,
                                    int counter_no, const char *state, json_t **counter,
                                    struct mc_error *err);

/* The queue of hall office as the board, kiosk and clients see it: the
 * office (code, name, address, hours), its groups with waiting counts and wait ranges, counters
 * with the ticket being served, the next tickets, the last calls and "hours" (queue_hours_json:
 * whether the centre is open, its next opening). No personal data. *out gets
 * newly allocated text (the caller frees it) and *event_id (when not NULL) the id of the last
 * stream event it includes. On a database error returns it (err filled, logged) and touches
 * neither. */
enum mc_err store_queue_snapshot(struct store *st, int64_t office, int64_t now, char **out,
                                 int64_t *event_id, struct mc_error *err);

/* Metrics: counts of today's tickets by group and outcome, and waiting now.
 * Appends Prometheus text to *out (a struct strbuf). On a database error
 * returns it (err filled); out may then hold a partial text to discard. */
struct strbuf;
enum mc_err store_queue_metrics(struct store *st, int64_t now, struct strbuf *out,
                                struct mc_error *err);

/* A citizen's view of one of today's tickets (the QR code on the ticket
 * opens /queue?t=ID): label, group, its centre (office: code, name, address,
 * hours), state, the counter calling it, and while it waits the people ahead
 * (of its own centre's line), the wait range and "hours" (queue_hours_json)
 * into *out (the caller frees it). MC_ERR_NOT_FOUND ("ticket_not_found")
 * when there is no such ticket today, or a database error; *out untouched on
 * error. No personal data: a ticket has none. */
enum mc_err store_ticket_public(struct store *st, int64_t id, int64_t now, json_t **out,
                                struct mc_error *err);

/* Hall office's hours at now as the queue screens show them: {"open_now",
 * "next_open" (epoch seconds of the next session's start while closed, else
 * null), "reopens_today" (that start is on now's service day: a lunch break,
 * today's numbers still stand)} (store_calendar_centre_hours), a new reference. In the queue
 * snapshot and the citizen's ticket, so the kiosk, the board and /queue say
 * "closed" by the same rule that refuses a kiosk's number. Any thread. */
json_t *queue_hours_json(struct store *st, int64_t office, int64_t now);
/* The queue's one rule of "is hall office open at now": within one of its
 * sessions (store_calendar_centre_hours), *next_open the next session's
 * start while not (0 when unknown). Setting queue_any_hour = 1 makes the
 * queue ignore the hours: always open (kiosks issue at any hour, no screen
 * says closed; test set-ups on the real clock). Any thread. */
bool queue_centre_open(struct store *st, int64_t office, int64_t now, int64_t *next_open);

#endif
