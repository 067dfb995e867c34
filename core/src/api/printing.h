/* Printing in the server: the kiosk's confirmed ticket print and the spool
 * worker. Built on the printer/ library (render, submit, track) and the
 * store's print tables (store/print.h).
 *
 * - A kiosk set to print (devices.prints) gets its ticket only once the print
 *   is confirmed: printing_kiosk_ticket issues the ticket, renders it, sends it
 *   to the kiosk's destination and waits for completion within
 *   PRINTING_KIOSK_DEADLINE_MS; when the printer fails, the ticket is voided
 *   (the number stays used, nobody waits for it) and the caller is told why.
 * - Every other print goes through the spool: a job is stored with its bytes
 *   and answered at once; one worker thread sends queued jobs in order,
 *   follows them until the printer reports them completed, and while a
 *   printer is away waits for it with back-off (domain/print_policy.h).
 * - The worker also keeps each destination's last known state (reachable,
 *   printer-state-reasons), refreshed every PRINTING_REFRESH_MS, for staff.
 * - Several servers on one PostgreSQL database each run a worker: a job the
 *   worker claimed (store_print_job_claim) belongs to that server's worker
 *   thread until it records the outcome, a kiosk's job to the request that
 *   added it; a server's start recovers only its own jobs (and those past the
 *   claim's lease: store/store.h), so each job is printed once. */
#ifndef MOTCUA_API_PRINTING_H
#define MOTCUA_API_PRINTING_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/principal.h"
#include "store/store.h"

/* The kiosk waits at most this long for its print (send + completion). */
#define PRINTING_KIOSK_DEADLINE_MS 4000
/* Below this much time left, a kiosk's ticket is not issued at all: a print
 * (render, send, completion) cannot be confirmed in less. */
#define PRINTING_KIOSK_MIN_MS 1000
/* The worker's bounds per exchange with a printer. */
#define PRINTING_SUBMIT_MS 10000
#define PRINTING_WAIT_MS 10000
#define PRINTING_QUERY_MS 1500
#define PRINTING_REFRESH_MS 10000

struct printing;
struct printer_ticket;

/* Starts the worker on st; NULL when no thread can be made. Jobs left
 * unfinished by a previous run of this server are recovered first
 * (store_print_recover). Call after store_instance_set. */
struct printing *printing_start(struct store *st);
/* The server's own address (e.g. "http://127.0.0.1:8080"): the ticket's QR
 * link starts with it when the office has no "public_url". */
void printing_set_base_url(struct printing *p, const char *base_url);
/* Stops the worker (an exchange in progress ends within its timeout) and
 * frees everything. NULL is a no-op. */
void printing_stop(struct printing *p);
/* Tells the worker a job was queued (or retried) so it looks at once. */
void printing_wake(struct printing *p);

/* Issues a ticket for a printing kiosk (who) and prints it, as described
 * above. MC_OK: *ticket is the ticket (as store_ticket_issue) and *print
 * {"state":"done","job":ID,"printer":NAME}. Otherwise nothing waits in the
 * queue: MC_ERR_UNAVAILABLE with code "printer_unavailable" (the print
 * failed: the ticket was voided) or "printer_not_configured" (nothing was
 * issued), and *print (when not NULL) says what the printer reported:
 * {"state":"failed","job":ID,"printer":NAME,"reasons":"offline-report",
 * "error":"…"}. Errors of the issue itself are passed on unchanged.
 * deadline_ms (clock_mono_ms) is when the kiosk's answer is due: the
 * request's arrival + PRINTING_KIOSK_DEADLINE_MS, so a job that waited for a
 * pool thread gets only what remains. When less than PRINTING_KIOSK_MIN_MS
 * remains, nothing is issued (the numbering keeps no gap): MC_ERR_UNAVAILABLE
 * "printer_unavailable" at once, *print NULL. Returns by deadline_ms (plus
 * at most a few hundred ms to record a failure): call it on an offload pool
 * (api/offload.h), never on an HTTP worker. */
enum mc_err printing_kiosk_ticket(struct printing *p, const struct principal *who, int64_t office,
                                  const char *group, const char *priority, int64_t deadline_ms,
                                  json_t **ticket, json_t **print, struct mc_error *err);
/* The same for the check-in of booking code (store_ticket_checkin) instead
 * of a group: the ticket prints like any other, with the mark "ĐẶT LỊCH"
 * when it was checked in in time; a failed print undoes the check-in. */
enum mc_err printing_kiosk_checkin(struct printing *p, const struct principal *who, int64_t office,
                                   const char *booking, const char *priority, int64_t deadline_ms,
                                   json_t **ticket, json_t **print, struct mc_error *err);

/* Spools a test ticket (kind "test") for the destination named printer.
 * *job gets the job's view. */
enum mc_err printing_test_job(struct printing *p, const struct principal *who, const char *printer,
                              json_t **job, struct mc_error *err);

/* A page of destinations (store_printers_list: in who's scope, of the
 * office with code office when not NULL) with each one's last known
 * state: "status":{"reachable":…,"state":"idle","accepting_jobs":…,
 * "reasons":"none","message":"","checked_at":…} (null before the first check),
 * into *out (the caller frees it). On a database error returns it, *out
 * untouched. */
enum mc_err printing_printers(struct printing *p, const struct principal *who, const char *office,
                              int offset, int limit, json_t **out, struct mc_error *err);

/* Renders t for a destination's format ("pdf", "escpos") and paper ("80mm",
 * "58mm"; sheet paper gets the 80 mm layout). Serialized: the font machinery
 * is shared. Returns PRINTER_OK and malloc'd bytes, or a printer status. */
int printing_render_ticket(const struct printer_ticket *t, const char *format, const char *paper,
                           uint8_t **out, size_t *len, char *err, size_t err_size);

/* Renders form ("mau-01".."mau-06") of dossier `code` and spools `copies`
 * jobs (1-5) on the printer of counter_no (0: the office default). Returns at
 * once: the worker prints, retries while the printer is away, and staff see the
 * jobs in GET /print-jobs. *out: {"dossier","form","printer","jobs":[ids]}.
 * secret (NULL: none) is the dossier's lookup secret as given at intake: when it
 * matches, Mẫu 01 carries the status QR code and "Mã tra cứu: <secret>";
 * when it does not, MC_ERR_INVALID wrong_secret and nothing is spooled. */
enum mc_err printing_dossier_form(struct printing *p, const struct principal *who, const char *code,
                                  const char *form, int copies, int counter_no, const char *secret,
                                  json_t **out, struct mc_error *err);

/* The same form of dossier `code` rendered exactly as printing_dossier_form
 * spools it, without the secret (Mẫu 01 carries the code, no QR), for a
 * preview: *pdf (malloc'd, the caller frees it) and *len. MC_ERR_INVALID
 * unknown_form; MC_ERR_NOT_FOUND dossier_not_found, also for a dossier
 * outside who's scope; render_failed. Slow (a render, serialized with
 * every other): call it on an offload pool, outside any transaction. */
enum mc_err printing_dossier_form_pdf(struct printing *p, const struct principal *who,
                                      const char *code, const char *form, uint8_t **pdf,
                                      size_t *len, struct mc_error *err);

/* A new rating link for the dossier `ref` (kind "dossier") or today's queue
 * ticket id `ref` (kind "ticket"), printed as a rating slip
 * (printer/rating_slip.h) and spooled (job kind "slip") on counter
 * counter_no's printer of who's hall (for a principal of several halls: the
 * dossier's return centre, the ticket's centre), else that hall's default
 * (counter_no 0: the default). The QR code opens <public_url or the server's
 * address>/rate?t=TOKEN. The link and the job are saved in one transaction,
 * after the render: either both exist or neither. *out:
 * {"link":{"token","url","expires_at"},"print":{"printer":NAME,"jobs":[ID]}}.
 * Errors: those of store_rating_link (404 dossier_not_found /
 * ticket_not_found also outside who's scope, 409 already_rated,
 * ticket_not_served); MC_ERR_UNAVAILABLE printer_not_configured when neither
 * the counter nor the hall has a printer (nothing made). Renders: call it on
 * an offload pool (api/offload.h), outside any transaction. */
enum mc_err printing_rating_slip(struct printing *p, const struct principal *who, const char *kind,
                                 const char *ref, int counter_no, json_t **out,
                                 struct mc_error *err);

#endif
