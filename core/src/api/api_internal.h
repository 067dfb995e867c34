/* Shared by the files of core/src/api only. */
#ifndef MOTCUA_API_INTERNAL_H
#define MOTCUA_API_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "api/api.h"
#include "api/http.h"

struct api_guard;
struct bus;
struct offload;
struct printing;
struct ratelimit;
struct throttle;
struct idem_seal;

#define API_LATENCY_BUCKETS 10
/* Logins (Argon2id each) one client address may attempt per minute, unless
 * serve --logins-per-minute says otherwise. */
#define API_LOGINS_PER_MINUTE 30
/* The offload pools (api/offload.h): threads and waiting jobs beyond them. */
/* The password check (Argon2id) has its own pool, so no other work (a
 * clerk's renders) can make logins wait: logins from many addresses at once
 * wait their turn rather than being refused at once; one that waited
 * API_LOGIN_POOL_MAX_WAIT_MS gets 503. */
#define API_LOGIN_POOL_THREADS 2
#define API_LOGIN_POOL_QUEUE 128
#define API_LOGIN_POOL_MAX_WAIT_MS 5000
/* Renders (a form's print or preview, a rating slip, a printer test). */
#define API_CPU_POOL_THREADS 2
#define API_CPU_POOL_QUEUE 128
#define API_CPU_POOL_MAX_WAIT_MS 5000
#define API_IO_POOL_THREADS 8
#define API_IO_POOL_QUEUE 16
/* Jobs one principal may hold at once in the shared pools (running or
 * waiting; offload_set_per_principal), beyond them 429 too_many_requests
 * (too_many_changes for a change): one clerk's flood of previews, or one
 * kiosk's of tickets, cannot take a pool every centre shares. Logins are
 * anonymous: their pool has no share. */
#define API_CPU_PER_PRINCIPAL 16
#define API_IO_PER_PRINCIPAL 8
/* Changes (every ROUTE_MUTATES route that is not ROUTE_SLOW): enough threads
 * that the callers waiting for one durable commit can share it (group
 * commit, store.h), and a queue for bursts; beyond it 503 server_busy. */
#define API_WRITE_POOL_THREADS 16
#define API_WRITE_POOL_QUEUE 512
/* One principal's changes at once (running or queued, on the write pool or
 * a ROUTE_SLOW route's own): one token (a kiosk's sits in a public hall)
 * cannot fill the pool and turn every other centre's changes into 503.
 * Counted per bucket of a hash of the actor (a collision only shares a
 * bucket's allowance). */
#define API_WRITE_PER_PRINCIPAL 32
#define API_WRITE_SHARE_BUCKETS 4096
/* ROUTE_LARGE_BODY: the body bound (3 MiB of attachments are 4 MiB in
 * base64, and the form around them), and how many such bodies over
 * cfg.body_limit the server buffers at once. */
#define API_LARGE_BODY_LIMIT (4u * 1024 * 1024 + 64u * 1024)
#define API_LARGE_BODIES 16
/* Of those, how many one client address may hold at once (beyond: 429
 * too_many_requests), so one address cannot take them all with slow
 * uploads. Counted by the exact address (api.large). */
#define API_LARGE_PER_ADDRESS 2
/* Feedbacks one client address may file per window through the public page
 * (429 too_many_feedback beyond; mobile networks put many phones behind
 * one address), and one kiosk device through its screen, whatever its
 * address. The province-wide ceilings on public filings are settings
 * (store_feedback_public_limits). */
#define API_FEEDBACK_PER_WINDOW 10
#define API_FEEDBACK_KIOSK_PER_WINDOW 60
#define API_FEEDBACK_WINDOW_S 600
/* Bookings one client address may make per window through the public page
 * (only a booking made counts), and reads of the options and slots
 * (routes_booking_public.c; api->booking_rate). */
#define API_BOOKING_PER_WINDOW 20
#define API_BOOKING_READS_PER_WINDOW 600
/* Booking attempts refused (full slot, limit, bad form) one address may make
 * per window before it is answered 429 (routes_booking_public.c). */
#define API_BOOKING_REFUSED_PER_WINDOW 100
#define API_BOOKING_WINDOW_S 3600

struct api_metrics {
	_Atomic uint64_t requests[600];                   /* per status code (100..599) */
	_Atomic uint64_t latency_le[API_LATENCY_BUCKETS]; /* cumulative on read */
	_Atomic uint64_t latency_count;
	_Atomic uint64_t latency_sum_us;
};

struct api {
	struct MHD_Daemon *daemon;
	/* Any thread may call the store: it enforces its own rules (the writer
	 * only inside the caller's transaction, one reader per thread; see
	 * store/store.h). Never hold its transaction across a wait on a device. */
	struct store *st;
	struct bus *bus;
	struct printing *printing;    /* api/printing.h: kiosk prints, the spool worker */
	struct notify_worker *notify; /* api/notify_worker.h: messages to citizens */
	/* Failure throttles (api/throttle.h); each guards itself with its own
	 * mutex, any thread may call them. */
	struct throttle *login_throttle; /* per account: a few tries */
	struct throttle *ip_throttle;    /* per address: an office behind one NAT shares it */
	/* Seals stored Idempotency-Key answers; read-only after api_start, any
	 * thread may use it. */
	struct idem_seal *idem_seal;
	/* Slow work off the HTTP workers (api/offload.h), each pool its own
	 * lock (which also guards its per-principal counts): login_pool for
	 * Argon2id (logins) alone, cpu_pool for renders, io_pool for waits on
	 * devices (a kiosk's print). */
	struct offload *login_pool;
	struct offload *cpu_pool;
	struct offload *io_pool;
	struct offload *write_pool; /* every other change (api_dispatch) */
	/* Changes of each principal (hashed) running or waiting, whichever pool
	 * runs them (write_pool, or a ROUTE_SLOW route's own): api_dispatch takes
	 * one for every ROUTE_MUTATES request, api_completed gives it back;
	 * atomics, any HTTP worker. */
	_Atomic int write_share[API_WRITE_SHARE_BUCKETS];
	/* Login attempts per client address and minute (api/ratelimit.h,
	 * cfg.logins_per_minute), its own lock. */
	struct ratelimit *login_rate;
	/* Feedbacks filed per client address and per kiosk device
	 * (routes_feedback_public.c), its own lock. */
	struct ratelimit *feedback_rate;
	/* Public feedbacks filed across the province per minute (one key;
	 * routes_feedback_public.c), its own lock. */
	struct ratelimit *feedback_public_rate;
	/* Bookings made and slot reads per client address
	 * (routes_booking_public.c), its own lock. */
	struct ratelimit *booking_rate;
	/* Requests holding a body over cfg.body_limit (ROUTE_LARGE_BODY) right
	 * now (server.c), in all and per exact client address. Owned by
	 * large.lock, taken by any HTTP worker: held is the sum of the
	 * holders' counts, and as no more than API_LARGE_BODIES requests hold
	 * one, API_LARGE_BODIES entries hold every address that does (an entry
	 * with held 0 is free). */
	struct {
		pthread_mutex_t lock;
		int held;
		struct {
			char ip[64];
			int held;
		} by_address[API_LARGE_BODIES];
	} large;
	struct api_metrics metrics;
	/* Deadlines of request heads and bodies, live stream count (server.c);
	 * its own lock, see struct api_guard. */
	struct api_guard *guard;
	struct api_config cfg;
	bool tls;
	int port;
	char *tls_cert_pem, *tls_key_pem;
};

/* How many requests hold a large-body slot right now (api->large.held), for
 * /metrics: what decides whether the next large body is 503 server_busy.
 * Takes large.lock; any thread. */
int api_large_bodies_held(struct api *api);

/* Sets r's answer: 429 too_many_changes with Retry-After, for a change its
 * principal may not start now (its share of changes, or of the pool that
 * would run it, is full). */
void api_reply_too_many_changes(struct http_request *r);

/* The per-address throttle of failed look-ups (api->ip_throttle): writes
 * "<prefix>:<r's address>" into key (for throttle_fail/throttle_reset after
 * the look-up) and returns true when r may go on; while the address must wait
 * it answers 429 (throttle_full when the table is full, else
 * too_many_attempts with the Vietnamese vi and the English "<en>; retry in
 * N s", Retry-After N) and returns false. */
bool api_address_throttle_ok(struct api *api, struct http_request *r, const char *prefix, char *key,
                             size_t keylen, const char *vi, const char *en);

typedef void (*route_handler)(struct api *api, struct http_request *r);

enum route_flags {
	ROUTE_MUTATES = 1 << 0, /* changes state: Idempotency-Key honoured */
	/* May wait on a device outside the store (a kiosk's print) or render a
	 * print (a PDF): its Idempotency-Key is reserved in a short transaction,
	 * not held in one open across the handler, so the writer lock is never
	 * held while rendering or talking to CUPS. Only such a route may hand
	 * its work to an offload pool (api/offload.h) itself; every other
	 * ROUTE_MUTATES route runs on the write pool (api_dispatch). */
	ROUTE_SLOW = 1 << 1,
	/* ROUTE_SLOW only for a kiosk that prints (its ticket waits for the
	 * printer); for everyone else an ordinary change on the write pool. */
	ROUTE_SLOW_IF_PRINTS = 1 << 2,
	/* Takes a body up to API_LARGE_BODY_LIMIT instead of cfg.body_limit (a
	 * feedback with its attachments); at most API_LARGE_BODIES such bodies
	 * are buffered at once, beyond that 503 server_busy. */
	ROUTE_LARGE_BODY = 1 << 3,
};

struct route {
	const char *method;
	const char *pattern; /* "/api/v1/counters/{}/call": {} matches one segment */
	route_handler handler;
	unsigned roles; /* enum role bits allowed; 0: public */
	unsigned flags;
};

extern const struct route api_routes[];
extern const size_t api_routes_count;

/* Finds the route for method and path. Returns its index and fills params
 * (pointing into buf, which must hold strlen(path)+1 bytes); -1 when no
 * pattern matches, -2 when a pattern matches but not the method. */
int routes_match(const char *method, const char *path, char *buf, const char *params[]);

/* Handlers, one file per resource. */
void route_session_create(struct api *api, struct http_request *r);
void route_session_delete(struct api *api, struct http_request *r);
void route_session_get(struct api *api, struct http_request *r);
void route_tickets_create(struct api *api, struct http_request *r);
void route_ticket_rejoin(struct api *api, struct http_request *r);
void route_counter_call(struct api *api, struct http_request *r);
void route_counter_recall(struct api *api, struct http_request *r);
void route_counter_no_show(struct api *api, struct http_request *r);
void route_counter_transfer(struct api *api, struct http_request *r);
void route_counter_finish(struct api *api, struct http_request *r);
void route_counter_state(struct api *api, struct http_request *r);
void route_queue_get(struct api *api, struct http_request *r);
void route_public_ticket(struct api *api, struct http_request *r);
void route_page_queue(struct api *api, struct http_request *r);
void route_page_favicon(struct api *api, struct http_request *r);
void route_events_get(struct api *api, struct http_request *r);
void route_import(struct api *api, struct http_request *r);
void route_groups_list(struct api *api, struct http_request *r);
void route_groups_put(struct api *api, struct http_request *r);
void route_counters_list(struct api *api, struct http_request *r);
void route_counters_put(struct api *api, struct http_request *r);
void route_users_list(struct api *api, struct http_request *r);
void route_users_put(struct api *api, struct http_request *r);
void route_devices_list(struct api *api, struct http_request *r);
void route_devices_put(struct api *api, struct http_request *r);
void route_healthz(struct api *api, struct http_request *r);
void route_metrics(struct api *api, struct http_request *r);
void route_test_clock(struct api *api, struct http_request *r);

/* Calendar (routes_calendar.c). */
void route_calendar_year(struct api *api, struct http_request *r);
void route_calendar_due(struct api *api, struct http_request *r);
void route_calendar_config_get(struct api *api, struct http_request *r);
void route_calendar_config_put(struct api *api, struct http_request *r);
void route_calendar_day_put(struct api *api, struct http_request *r);
void route_calendar_day_delete(struct api *api, struct http_request *r);

/* The screens (routes_pages.c). */
void route_page_board(struct api *api, struct http_request *r);
void route_page_kiosk(struct api *api, struct http_request *r);
void route_static(struct api *api, struct http_request *r);

/* Dossiers (routes_dossiers.c). */
void route_dossiers_create(struct api *api, struct http_request *r);
void route_dossiers_check(struct api *api, struct http_request *r);
void route_dossier_form_pdf(struct api *api, struct http_request *r);
void route_dossiers_list(struct api *api, struct http_request *r);
void route_dossier_get(struct api *api, struct http_request *r);
void route_dossier_actions(struct api *api, struct http_request *r);
void route_dossier_control_sheet(struct api *api, struct http_request *r);
void route_dossier_print(struct api *api, struct http_request *r);
void route_ledger_csv(struct api *api, struct http_request *r);
void route_public_dossier(struct api *api, struct http_request *r);
void route_procedures_list(struct api *api, struct http_request *r);
void route_offices_list(struct api *api, struct http_request *r);
void route_public_offices(struct api *api, struct http_request *r); /* routes_setup.c */
void route_procedures_put(struct api *api, struct http_request *r);
void route_offices_put(struct api *api, struct http_request *r);

/* Printing (routes_print.c). */
void route_print_jobs_list(struct api *api, struct http_request *r);
void route_print_job_get(struct api *api, struct http_request *r);
void route_print_job_retry(struct api *api, struct http_request *r);
void route_print_job_reprint(struct api *api, struct http_request *r);
void route_printers_list(struct api *api, struct http_request *r);
void route_printer_test(struct api *api, struct http_request *r);
void route_printers_put(struct api *api, struct http_request *r); /* routes_setup.c */

/* Messages to citizens (routes_notify.c). */
void route_notifications_list(struct api *api, struct http_request *r);
void route_notification_get(struct api *api, struct http_request *r);
void route_notification_resend(struct api *api, struct http_request *r);
void route_notification_templates(struct api *api, struct http_request *r);
void route_notification_test(struct api *api, struct http_request *r);

/* Ratings and transparency (routes_ratings.c). */
void route_dossier_rating_link(struct api *api, struct http_request *r);
void route_ticket_rating_link(struct api *api, struct http_request *r);
void route_dossier_rating_slip(struct api *api, struct http_request *r);
void route_ticket_rating_slip(struct api *api, struct http_request *r);
void route_public_rating_get(struct api *api, struct http_request *r);
void route_public_rating_create(struct api *api, struct http_request *r);
void route_public_transparency(struct api *api, struct http_request *r);

/* Feedback handling (routes_feedback.c). */
void route_feedback_list(struct api *api, struct http_request *r);
void route_feedback_conduct(struct api *api, struct http_request *r);
void route_feedback_get(struct api *api, struct http_request *r);
void route_feedback_actions(struct api *api, struct http_request *r);
void route_public_feedback_answers(struct api *api, struct http_request *r);
/* Feedback intake and the sender's routes (routes_feedback_public.c). */
void route_public_feedback_create(struct api *api, struct http_request *r);
void route_public_feedback_get(struct api *api, struct http_request *r);
void route_public_feedback_reply(struct api *api, struct http_request *r);
void route_public_feedback_reaction(struct api *api, struct http_request *r);
void route_feedback_create(struct api *api, struct http_request *r);
void route_feedback_file(struct api *api, struct http_request *r);

/* Appointments (routes_booking_public.c, routes_booking.c); the page
 * /dat-lich (routes_pages.c). */
void route_public_booking_options(struct api *api, struct http_request *r);
void route_public_booking_slots(struct api *api, struct http_request *r);
void route_public_booking_create(struct api *api, struct http_request *r);
void route_public_booking_get(struct api *api, struct http_request *r);
void route_public_booking_cancel(struct api *api, struct http_request *r);
void route_page_booking_qr(struct api *api, struct http_request *r);
void route_page_booking(struct api *api, struct http_request *r);
void route_bookings_list(struct api *api, struct http_request *r);
void route_bookings_create(struct api *api, struct http_request *r);
void route_booking_get(struct api *api, struct http_request *r);
void route_booking_cancel(struct api *api, struct http_request *r);
/* Replies err, with "field" beside its code when field is not NULL (a
 * booking's invalid_field; routes_booking_public.c). */
void booking_reply_error(struct http_request *r, const struct mc_error *err, const char *field);

/* The citizen pages (routes_pages.c). */
void route_page_status(struct api *api, struct http_request *r);
void route_page_rate(struct api *api, struct http_request *r);
void route_page_public(struct api *api, struct http_request *r);
void route_page_feedback(struct api *api, struct http_request *r);
void route_page_feedback_qr(struct api *api, struct http_request *r);

/* Indicators and reports (routes_indicators.c); the supervisor's page
 * (routes_pages.c). */
void route_indicators_get(struct api *api, struct http_request *r);
void route_indicators_staffing(struct api *api, struct http_request *r);
void route_report_get(struct api *api, struct http_request *r);
void route_page_supervisor(struct api *api, struct http_request *r);
void route_page_counter(struct api *api, struct http_request *r);

#endif
