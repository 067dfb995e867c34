/* Print destinations and the persistent print spool (schema step 3).
 *
 * A destination ("printer") is named by the office: a CUPS queue name or a
 * printer URI (target), the format it takes (pdf, or escpos for a raw thermal
 * queue) and its paper (80mm, 58mm, a5, a4). At most one is the office's
 * default; a kiosk device or a counter may name its own (the set-up bundle's
 * "printers" list and "printer" field, see docs/api.md).
 *
 * A job holds its rendered bytes until it is done. Its states: queued (the
 * worker will send it when next_try_ms is due), sending (being submitted),
 * printing (the printer took it: followed until completed), done, failed
 * (for staff to retry). Sync jobs are the kiosk's own tickets: the HTTP answer
 * waits on them, the worker never takes them.
 *
 * Who owns a job in flight: the server whose instance is in its claimed_by
 * (store/store.h, "Claims of the background workers"): the spool worker that
 * claimed it (store_print_job_claim) or the kiosk request that added it
 * (sync); nobody else sends, follows or takes it back until the claim ends
 * or its lease runs out. */
#ifndef MOTCUA_STORE_PRINT_H
#define MOTCUA_STORE_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/principal.h"
#include "store/office.h"
#include "store/store.h"

#define STORE_PRINTER_NAME_MAX 100
#define STORE_PRINTER_TARGET_MAX 512

struct store_printer {
	int64_t id;
	char name[STORE_PRINTER_NAME_MAX + 1];
	char target[STORE_PRINTER_TARGET_MAX + 1];
	char format[8]; /* "pdf", "escpos" */
	char paper[8];  /* "80mm", "58mm", "a5", "a4" */
	bool is_default;
	bool active;
	int64_t office_id; /* its centre (store_printer_by_name only; else 0) */
};

/* The destination of a device (its own, else its centre's default, else a
 * default of no centre such as serve --printer makes), of
 * counter counter_no of hall office (the same rule), or by name as who may
 * see it (another centre's printer is not found). MC_ERR_NOT_FOUND with code
 * "printer_not_configured" (device, counter) or "printer_not_found" (name). */
enum mc_err store_printer_for_device(struct store *st, int64_t device_id, struct store_printer *out,
                                     struct mc_error *err);
enum mc_err store_printer_for_counter(struct store *st, int64_t office, int counter_no,
                                      struct store_printer *out, struct mc_error *err);
enum mc_err store_printer_by_name(struct store *st, const struct principal *who, const char *name,
                                  struct store_printer *out, struct mc_error *err);
enum mc_err store_printer_by_id(struct store *st, int64_t id, struct store_printer *out,
                                struct mc_error *err);

/* Points the office's default destination at target (a queue name or URI, pdf
 * on 80 mm roll unless the default already says otherwise), creating a
 * destination named "default" when the office has none. For `serve --printer`. */
enum mc_err store_printer_set_default(struct store *st, const struct principal *who,
                                      const char *target, struct mc_error *err);

/* Every active destination (id order), up to max, into out; *n gets the
 * count. MC_OK, or a database error (err filled; *n then counts the
 * destinations read before it). */
enum mc_err store_printers_active(struct store *st, struct store_printer *out, size_t max,
                                  size_t *n, struct mc_error *err);
/* A destination as the printers list shows it (api/present_print.c).
 * Strings are the store's copies; office is its centre's code, NULL for
 * none. */
struct printer_view {
	int64_t id; /* internal: for the API to add the printer's status */
	char *name, *target, *format, *paper;
	bool is_default, active;
	char *office;
	int64_t jobs_queued; /* jobs queued, sending or printing */
	int64_t jobs_failed;
	char **devices; /* the names of the devices that print on it, by id */
	size_t ndevices;
	int64_t *counters; /* the numbers of the counters that print on it, by id */
	size_t ncounters;
};
struct printer_page {
	struct printer_view *items;
	size_t n;
	int64_t total; /* every row of the filter, not only the page */
};
void printer_page_free(struct printer_page *p);

/* A page of the destinations in who's scope (and, when office is not NULL,
 * in the subtree of the office with that code) into *out, by id.
 * MC_ERR_NOT_FOUND office_not_found for an office unknown or outside the
 * scope; on a database error returns it, *out untouched. */
enum mc_err store_printers_list(struct store *st, const struct principal *who, const char *office,
                                int offset, int limit, struct printer_page *out,
                                struct mc_error *err);

/* A destination of the set-up bundle's "printers" list, checked by the API
 * (api/setup_import.c); saved inside the import's write transaction. A new
 * one needs a target; strings are borrowed for the call. */
struct setup_printer {
	const char *name;                    /* the key */
	const char *target, *format, *paper; /* NULL keeps (or the defaults pdf, 80mm) */
	enum setup_flag is_default, active;
	bool must_exist;
	struct setup_office_ref office;
	const char *details; /* the audit event's JSON text */
};
enum mc_err store_setup_printer_save(struct store *st, const struct principal *who,
                                     const struct setup_printer *p, struct mc_error *err);

/* The "printer" of one devices or counters item (after all of them are
 * saved): a destination of the item's own centre, or NULL for the office's
 * default. */
struct setup_printer_link {
	const char *list;               /* "devices" or "counters", for errors */
	const char *device;             /* the device's name; NULL for a counter */
	int64_t counter_no;             /* the counter's no */
	struct setup_office_ref office; /* the counter item's office */
	const char *printer;            /* the destination's name, NULL: the default */
};
enum mc_err store_setup_printer_link(struct store *st, const struct setup_printer_link *l,
                                     struct mc_error *err);

/* A new job. */
struct store_print_job_new {
	int64_t printer_id;
	const char *format; /* "pdf" or "escpos" */
	const char *kind;   /* "ticket", "form", "test", "slip" (a rating slip) */
	const char *ref;    /* ticket id, dossier code; may be NULL */
	const char *title;
	const uint8_t *data;
	size_t len;
	bool sync;         /* a kiosk waits: starts as "sending", never taken by the worker */
	int64_t office_id; /* the centre it prints for (its ticket's, counter's or printer's) */
};
/* Adds a job (queued, due now; or sending when sync) in its own transaction.
 * *id gets its id. */
enum mc_err store_print_job_add(struct store *st, const struct principal *who,
                                const struct store_print_job_new *job, int64_t *id,
                                struct mc_error *err);

/* A job as the worker handles it; data is malloc'd (store_print_job_release). */
struct store_print_job {
	int64_t id;
	struct store_printer printer;
	char format[8];
	char kind[8];
	char title[128];
	char state[12];
	int attempts;
	int cups_job_id;
	uint8_t *data;
	size_t len;
};
void store_print_job_release(struct store_print_job *job);

/* Claims the next job the worker should handle at now_ms: a queued job to
 * send or a printing one to follow up, due first, oldest first, that no
 * server has claimed within STORE_CLAIM_LEASE_SECONDS, of a printer none of
 * whose other jobs is so claimed (a printer's jobs leave in order). The
 * select and the mark are one write transaction (on PostgreSQL under the
 * event lock, with the row locked: store/dialect.h), so two servers never
 * claim the same job. The claim stamps the row with this server
 * (store_instance) and now: the job is then this server's alone (its
 * worker's thread) until store_print_job_update records an outcome without
 * keep_claim. A queued job becomes sending with one attempt more; *job holds
 * it as it was before (state queued, attempts not yet counted). MC_OK with
 * *found true and *job filled (store_print_job_release), or *found false
 * with *next_due_ms the earliest due time of a waiting job (0: none waits,
 * or only jobs another server holds); a database error (logged), *found
 * false. Outside any transaction of the caller's. */
enum mc_err store_print_job_claim(struct store *st, int64_t now_ms, struct store_print_job *job,
                                  bool *found, int64_t *next_due_ms, struct mc_error *err);

/* One change of a job's state, applied in one transaction. */
struct store_print_update {
	const char *state;      /* new state */
	bool count_attempt;     /* attempts + 1 */
	int cups_job_id;        /* > 0: record it; 0: keep; -1: clear */
	int64_t next_try_ms;    /* for queued/printing: when due again */
	const char *last_error; /* NULL keeps, "" clears */
	const char *reasons;    /* printer-state-reasons; NULL keeps */
	bool whole_printer;     /* also defer the printer's other queued jobs to
	                           next_try_ms and give them last_error/reasons: a
	                           printer that is away is waited for once, in order */
	bool keep_claim;        /* the job stays this server's (printing, waited on
	                           now); otherwise the claim ends with this update */
};
enum mc_err store_print_job_update(struct store *st, int64_t id, const struct store_print_update *u,
                                   struct mc_error *err);

/* After a restart, before the worker claims anything: a kiosk's sync job
 * left sending is failed and its ticket voided (the kiosk never got its
 * answer); other jobs left sending go back to the queue (at-least-once: the
 * printer may have taken it before the restart); jobs left printing are
 * followed up by their CUPS job id, so one the printer completed is not
 * printed twice. Only the jobs this server owns: claimed by its own instance
 * (cut off by its restart), by nobody (left by an older program), or longer
 * ago than STORE_CLAIM_LEASE_SECONDS by anyone (a server that died); another
 * server's job in flight stays its own. A sync job is claimed by the server
 * that added it. Returns the jobs recovered. */
int store_print_recover(struct store *st, struct mc_error *err);

/* The public view of one job (never its bytes). Strings are the store's
 * copies (NULL: null); office is its centre's code. print_job_view_clear
 * frees them. */
struct print_job_view {
	int64_t id;
	char *printer, *format, *kind, *ref, *title, *state;
	int64_t attempts;
	char *last_error, *printer_reasons;
	bool has_cups_job_id;
	int64_t cups_job_id;
	int64_t size;
	char *sha256;
	bool sync;
	bool has_reprint_of;
	int64_t reprint_of;
	char *created_by;
	int64_t created_at, updated_at;
	bool has_done_at;
	int64_t done_at;
	bool has_next_try_at; /* while queued or printing: when it is due (seconds) */
	int64_t next_try_at;
	char *office;
};
void print_job_view_clear(struct print_job_view *v);

/* Job id as who may see it into *out (print_job_view_clear).
 * MC_ERR_NOT_FOUND ("print_job_not_found") when absent or outside who's
 * scope, or a database error; *out untouched on error. */
enum mc_err store_print_job_view(struct store *st, const struct principal *who, int64_t id,
                                 struct print_job_view *out, struct mc_error *err);

struct print_job_page {
	struct print_job_view *items;
	size_t n;
	int64_t total; /* every row of the filter, not only the page */
};
void print_job_page_free(struct print_job_page *p);

/* A page of the jobs in who's scope, newest first, filtered by state,
 * destination name, kind, ref and office (the subtree of the office with
 * that code; each NULL for any) into *out (print_job_page_free).
 * MC_ERR_NOT_FOUND office_not_found for an office unknown or outside the
 * scope; on a database error returns it, *out untouched. */
enum mc_err store_print_jobs_list(struct store *st, const struct principal *who, const char *state,
                                  const char *printer, const char *kind, const char *ref,
                                  const char *office, int offset, int limit,
                                  struct print_job_page *out, struct mc_error *err);

/* Staff actions on a job in who's scope (another centre's is
 * print_job_not_found, nothing changes). retry: a failed job back to the queue, due now, attempts
 * from zero (409 job_not_failed otherwise). reprint: a new queued job with
 * the same bytes, destination and format (reprint_of set). Both refuse a
 * ticket the kiosk voided (409 ticket_voided). *job gets the job's view
 * (as store_print_job_view; the caller clears it after MC_OK; after an
 * error there is nothing to clear). */
enum mc_err store_print_job_retry(struct store *st, const struct principal *who, int64_t id,
                                  struct print_job_view *job, struct mc_error *err);
enum mc_err store_print_job_reprint(struct store *st, const struct principal *who, int64_t id,
                                    struct print_job_view *job, struct mc_error *err);

/* The province's public address (setting public_url; a migrated database
 * gets its old office's there), an http(s) URL the links
 * printed on tickets and receipts start with, or NULL when there is none.
 * Newly allocated (the caller frees it). Any thread. */
char *store_public_url(struct store *st);

/* What a printed ticket of hall office shows besides the ticket itself:
 * the store's copies, print_ticket_context_clear frees them. */
struct print_ticket_context {
	char *office;     /* the centre's name (offices.name), "" when none */
	char *group;      /* the group's name, else its code */
	char *priority;   /* the priority class's name, NULL when none */
	char *public_url; /* the province's public_url setting, NULL when none */
};
void print_ticket_context_clear(struct print_ticket_context *ctx);
/* Fills *out (untouched on a database error, which it returns). */
enum mc_err store_print_ticket_context(struct store *st, int64_t office, const char *group_code,
                                       const char *priority, struct print_ticket_context *out,
                                       struct mc_error *err);

#endif
