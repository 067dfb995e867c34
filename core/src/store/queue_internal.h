/* Shared between the queue files of the store (store/queue.c, the hall,
 * the policy and a ticket's event; store/ticket.c, the tickets;
 * store/counter.c, the counters). Nothing outside core/src/store may
 * include it. */
#ifndef MOTCUA_STORE_QUEUE_INTERNAL_H
#define MOTCUA_STORE_QUEUE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "domain/principal.h"
#include "domain/queue.h"
#include "store/db.h"
#include "store/queue.h"
#include "store/store_internal.h"
#include "util/error.h"

struct counter_row {
	int64_t id;
	int64_t office_id; /* the hall the counter stands in */
	int no;
	enum counter_state state;
	int64_t user_id;
	int priority_streak;
	int booked_streak;
};

struct ticket_row {
	int64_t id;
	enum ticket_state state;
	int64_t queued_at;
	int64_t counter_id;
	int64_t visit_id;
};

/* One more member of a ticket event's details: key with a text (str not
 * NULL) or a number. */
struct queue_extra {
	const char *key;
	const char *str;
	int64_t num;
};

/* Binds the named int64 parameter name of s (which must have it). */
void queue_bind(db_stmt *s, const char *name, int64_t v);

/* Copies src (NULL: "") into dst of len bytes. */
void queue_copy(char *dst, size_t len, const char *src);

/* Appends the event of a ticket change with the ticket's public view and
 * gives that view in *view (when not NULL). */
enum mc_err queue_event(struct store *st, const struct principal *who, int64_t ticket_id,
                        const char *action, int counter_no, const struct queue_extra *extra,
                        struct queue_ticket *view, struct mc_error *err);

/* Ticket id as who may see it (another centre's is not found). */
enum mc_err queue_ticket_load(struct store_conn *c, const struct principal *who, int64_t id,
                              struct ticket_row *out, int64_t *no_show_at, struct mc_error *err);

/* The hall the caller means, read on c (store_hall_resolve's rule and
 * errors); scope is who when the choice is limited to who's subtree, NULL
 * when not. On error *office is untouched. */
enum mc_err queue_hall_on(struct store_conn *c, const struct principal *scope,
                          const struct principal *who, const char *code, int64_t *office,
                          struct mc_error *err);

/* Runs one UPDATE/INSERT with int64 parameters; MC_OK when it changed a row. */
enum mc_err queue_exec(struct store_conn *c, const char *sql, const int64_t *args, size_t n,
                       struct mc_error *err);

#endif
