/* The queue's operations on the store: each runs in one write transaction,
 * applies the policy of domain/queue.h, appends its event to the chain, and
 * returns the affected ticket as a struct queue_ticket (the API presents it,
 * api/present_queue.h). Every failure leaves the database unchanged. The
 * read side loads the board's snapshot and a citizen's ticket as structs. */
#ifndef MOTCUA_STORE_QUEUE_H
#define MOTCUA_STORE_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/principal.h"
#include "domain/queue.h"
#include "store/store.h"

#define QUEUE_LABEL_LEN 32 /* "A001": a group prefix and the number */
#define QUEUE_CODE_LEN 65  /* a group, priority class or office code and its NUL */

/* One ticket as the audit chain, the live stream and the API show it (no
 * personal data: a ticket has none). Plain data, nothing to free. */
struct queue_ticket {
	int64_t id;
	char label[QUEUE_LABEL_LEN];
	int number;
	char group[QUEUE_CODE_LEN];    /* the group it waits in now */
	char series[QUEUE_CODE_LEN];   /* the group whose series numbered it */
	char priority[QUEUE_CODE_LEN]; /* priority class code, "" none (null) */
	char state[16];                /* ticket_state_name */
	int64_t issued_at;
	int counter; /* the counter calling it, 0 none (null) */
	char service_day[11];
	char outcome[16];   /* "" none yet (null) */
	int target_counter; /* a transfer addressed to one counter, 0 none (null) */
	int64_t queued_at;
	bool booked;    /* issued at a check-in in time for a booking (đặt lịch) */
	int64_t office; /* its hall (not shown) */
	/* store_ticket_issue and store_ticket_checkin only: */
	bool has_figures;
	int people_ahead; /* at most 999, meaning "999 or more" */
	struct queue_wait_range wait;
	/* store_ticket_checkin only: */
	bool checkin;
	bool late;
	char booking_code[QUEUE_CODE_LEN];
	int64_t booking_start, booking_end;
};

/* Hall office's hours at now as the queue screens show them (queue_hours_of). */
struct queue_hours {
	bool open_now;
	int64_t next_open;  /* the next session's start while closed; 0 unknown (null) */
	bool reopens_today; /* that start is on now's service day (a lunch break) */
};

/* A waiting ticket a transfer addressed to one counter. */
struct queue_addressed {
	char label[QUEUE_LABEL_LEN];
	int counter;
	bool priority;
	bool booked;
};

#define QUEUE_NEXT_PER_GROUP 5
#define QUEUE_ADDRESSED_PER_GROUP 20 /* transfers to one counter are few */
#define QUEUE_RECENT_CALLS 10

/* One active service group of a hall as the board shows it. next: the first
 * labels in the order the counters will call them (queue_call_order);
 * booked_next and priority_next: those of them booked / priority. */
struct queue_group_view {
	char *code, *prefix, *name, *name_en; /* owned */
	int waiting, priority_waiting, booked_waiting, open_counters;
	char next[QUEUE_NEXT_PER_GROUP][QUEUE_LABEL_LEN];
	size_t n_next;
	char booked_next[QUEUE_NEXT_PER_GROUP][QUEUE_LABEL_LEN];
	size_t n_booked_next;
	char priority_next[QUEUE_NEXT_PER_GROUP][QUEUE_LABEL_LEN];
	size_t n_priority_next;
	struct queue_addressed addressed[QUEUE_ADDRESSED_PER_GROUP];
	size_t n_addressed;
	struct queue_wait_range wait;
	bool has_oldest;          /* someone waits */
	int64_t oldest_queued_at; /* since when the longest-waiting ticket is in line */
};

/* The ticket a counter is serving. */
struct queue_serving {
	int64_t id;
	char label[QUEUE_LABEL_LEN];
	char group[QUEUE_CODE_LEN];
	int64_t called_at;
	int recalls;
	bool priority;     /* public: whether, never which class */
	int64_t queued_at; /* when this visit entered the line */
	bool booked;
};

struct queue_counter_view {
	int no;
	char *name; /* owned */
	char state[16];
	char **groups; /* owned: the codes of the groups it serves */
	size_t n_groups;
	bool busy; /* serving holds the ticket it serves */
	struct queue_serving serving;
};

struct queue_call_view {
	char label[QUEUE_LABEL_LEN];
	int counter;
	int64_t at;
	int recalls;
	bool booked;
};

/* The queue of a hall at one moment (store_queue_snapshot_load). Free its
 * members with queue_snapshot_clear. */
struct queue_snapshot {
	int64_t event_id; /* the hall's last stream event it includes */
	int64_t at;
	char service_day[11];
	struct queue_group_view *groups; /* by sort */
	size_t n_groups;
	struct queue_counter_view *counters; /* by number */
	size_t n_counters;
	struct queue_call_view calls[QUEUE_RECENT_CALLS]; /* newest first */
	size_t n_calls;
	char *priority_classes; /* JSON text of the setting (or the default list) */
	struct queue_hours hours;
	bool bookable; /* the hall takes bookings: the kiosk offers the check-in */
};
void queue_snapshot_clear(struct queue_snapshot *s);

/* One of today's tickets as its citizen sees it (store_ticket_public). */
struct queue_public_ticket {
	char label[QUEUE_LABEL_LEN];
	char group[QUEUE_CODE_LEN];
	char *group_name, *group_name_en; /* owned */
	char state[16];
	bool priority;
	int counter;      /* 0 none (null) */
	char outcome[16]; /* "" none (null) */
	bool booked;
	int64_t office;                   /* its centre, 0 none */
	char office_code[QUEUE_CODE_LEN]; /* "" none */
	bool waiting;                     /* then hours, people_ahead and wait are set */
	struct queue_hours hours;
	int people_ahead;
	struct queue_wait_range wait;
};
void queue_public_ticket_clear(struct queue_public_ticket *t);

/* What a change of a counter's state did: the counter's number and new
 * state, and the numbers of the clerk's other counters it closed (owned). */
struct queue_counter_change {
	int no;
	enum counter_state state;
	int *closed;
	size_t n_closed;
};
void queue_counter_change_clear(struct queue_counter_change *c);

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
 * per hall, per group, per day. *ticket (when not NULL) gets the ticket with
 * its figures (has_figures: people_ahead and wait). priority is a configured priority
 * class code (see setting "priority_classes") or NULL. */
enum mc_err store_ticket_issue(struct store *st, const struct principal *who, int64_t office,
                               const char *group_code, const char *priority,
                               struct queue_ticket *ticket, struct mc_error *err);
/* The check-in of a booking (POST /tickets {"booking"}, docs/
 * appointments.md) at hall office, one write transaction: the booking of
 * code (booking_code_parse: any case, spaces and dashes ignored) must be
 * this hall's and 'booked'. Its check-in window (store_booking_settings,
 * booking_checkin_verdict) decides: in time, a ticket in the booking's
 * group with tickets.booking_id (called by the booked lane, domain/queue.h)
 * and the booking 'checked_in'; late, an ordinary ticket in that group and
 * the booking 'late'. Either way bookings.ticket_id names the ticket and an
 * event "booking.checked_in" / "booking.late" (not streamed) is appended.
 * *ticket: as store_ticket_issue, plus checkin, late and the booking's
 * code, start and end. Errors, nothing changed: 404 booking_not_found
 * (malformed, unknown, another centre's), 409 booking_cancelled (this
 * centre's, cancelled), 409 booking_used
 * (checked in or late already), 409 booking_too_early (the message says
 * from when, HH:MM, with the date when not today), those of
 * store_ticket_issue (centre_closed for a kiosk, unknown_priority_class),
 * 404 group_not_found when the booking's group was deactivated. */
enum mc_err store_ticket_checkin(struct store *st, const struct principal *who, int64_t office,
                                 const char *code, const char *priority,
                                 struct queue_ticket *ticket, struct mc_error *err);
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
                                struct queue_ticket *ticket, struct mc_error *err);

/* A counter's call as the API parsed it: finish_current, the ticket now
 * at the counter is first finished with outcome finish (VISIT_SERVED or
 * VISIT_REMOVED). */
struct queue_call_cmd {
	bool finish_current;
	enum visit_outcome finish;
};

/* A transfer as the API parsed it: exactly one of to_group (a group code,
 * "" none) or to_counter (> 0, 0 none). */
struct queue_transfer_cmd {
	char to_group[QUEUE_CODE_LEN];
	int to_counter;
};

/* The hall a counter action means, as the request names it (the arguments
 * of store_hall_resolve but its principal, which is the action's who): code
 * an office code (NULL: who's own hall, else the only one), scoped when the
 * choice is limited to who's subtree. Resolved inside the action's write
 * transaction, so the request enters the store once. */
struct queue_hall_req {
	const char *code;
	bool scoped;
};

/* Counter actions on counter counter_no of the hall hall means, one write
 * transaction each, which first resolves the hall as store_hall_resolve
 * does (its errors, office_not_found and office_required, come before any
 * of the counter's). *ticket (when not NULL) gets the ticket acted on.
 * Every ticket, counter and group is looked up inside who's scope: another
 * centre's is not found (404), and nothing changes. The call loads the
 * counter's candidates and lets the policy choose (queue_pick_next). */
enum mc_err store_counter_call(struct store *st, const struct principal *who,
                               const struct queue_hall_req *hall, int counter_no,
                               const struct queue_call_cmd *cmd, struct queue_ticket *ticket,
                               struct mc_error *err);
enum mc_err store_counter_recall(struct store *st, const struct principal *who,
                                 const struct queue_hall_req *hall, int counter_no,
                                 struct queue_ticket *ticket, struct mc_error *err);
enum mc_err store_counter_no_show(struct store *st, const struct principal *who,
                                  const struct queue_hall_req *hall, int counter_no,
                                  struct queue_ticket *ticket, struct mc_error *err);
enum mc_err store_counter_transfer(struct store *st, const struct principal *who,
                                   const struct queue_hall_req *hall, int counter_no,
                                   const struct queue_transfer_cmd *cmd,
                                   struct queue_ticket *ticket, struct mc_error *err);
enum mc_err store_counter_finish(struct store *st, const struct principal *who,
                                 const struct queue_hall_req *hall, int counter_no,
                                 enum visit_outcome outcome, struct queue_ticket *ticket,
                                 struct mc_error *err);
/* *counter (when not NULL) gets what changed (queue_counter_change_clear). */
enum mc_err store_counter_set_state(struct store *st, const struct principal *who,
                                    const struct queue_hall_req *hall, int counter_no,
                                    enum counter_state state, struct queue_counter_change *counter,
                                    struct mc_error *err);

/* The queue of hall office as the board, kiosk and clients see it, into
 * *out (zeroed first; queue_snapshot_clear frees it): its groups with
 * waiting counts, next labels and wait ranges, counters with the ticket
 * being served, the last calls, the priority classes, the hours and whether
 * it takes bookings, all read in one read transaction; event_id is the id of
 * the hall's last stream event it includes. No personal data. On a database
 * error returns it (err filled, logged) and *out holds nothing. The office's
 * own heading and the JSON text are the API's (api/present_queue.h). */
enum mc_err store_queue_snapshot_load(struct store *st, int64_t office, int64_t now,
                                      struct queue_snapshot *out, struct mc_error *err);

/* Today's tickets of one service group in one state or outcome. */
struct queue_figures_tickets {
	char *group, *outcome, *office; /* group code, outcome (or state), centre code ("" none) */
	int count;
};
/* The tickets waiting now in one service group. */
struct queue_figures_waiting {
	char *group, *office; /* group code, its centre's code ("" none) */
	int count;
};

/* The counts behind the queue's /metrics series (their text is
 * api/present_ops.c's). */
struct queue_figures {
	/* Service groups belong to more than one centre: two centres may both
	 * have group CT, so each series also names its centre. */
	bool several_centres;
	size_t ntickets; /* today's tickets, by centre code, group code, outcome */
	struct queue_figures_tickets *tickets;
	size_t nwaiting; /* every service group, by centre, sort, id */
	struct queue_figures_waiting *waiting;
};

/* Reads the queue's figures for the office day of now into *out (zeroed
 * first; queue_figures_clear frees it), through this thread's reader. On a
 * database error returns it (err filled) and *out holds nothing. */
enum mc_err store_queue_figures_load(struct store *st, int64_t now, struct queue_figures *out,
                                     struct mc_error *err);
void queue_figures_clear(struct queue_figures *f);

/* A citizen's view of one of today's tickets (the QR code on the ticket
 * opens /queue?t=ID): label, group, its centre (office id and code), state,
 * the counter calling it, and while it waits the people ahead (of its own
 * centre's line), the wait range and the hours, into *out (zeroed first;
 * queue_public_ticket_clear frees it). MC_ERR_NOT_FOUND
 * ("ticket_not_found") when there is no such ticket today, or a database
 * error; *out then holds nothing. No personal data: a ticket has none. */
enum mc_err store_ticket_public(struct store *st, int64_t id, int64_t now,
                                struct queue_public_ticket *out, struct mc_error *err);

/* Hall office's hours at now as the queue screens show them, into *out:
 * open_now, next_open (the next session's start while closed, else 0) and
 * reopens_today (that start is on now's service day: a lunch break, today's
 * numbers still stand) (store_calendar_centre_hours). In the queue snapshot
 * and the citizen's ticket, so the kiosk, the board and /queue say "closed"
 * by the same rule that refuses a kiosk's number. Any thread. */
void queue_hours_of(struct store *st, int64_t office, int64_t now, struct queue_hours *out);
/* The queue's one rule of "is hall office open at now": within one of its
 * sessions (store_calendar_centre_hours), *next_open the next session's
 * start while not (0 when unknown). Setting queue_any_hour = 1 makes the
 * queue ignore the hours: always open (kiosks issue at any hour, no screen
 * says closed; test set-ups on the real clock). Any thread. */
bool queue_centre_open(struct store *st, int64_t office, int64_t now, int64_t *next_open);

#endif
