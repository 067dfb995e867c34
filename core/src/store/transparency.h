/* The public transparency figures (công khai): how many dossiers were
 * finished on time today and this month, which dossiers are late right now
 * (codes and procedures only: no personal field), how many procedures are
 * posted, and for each centre of the province its address, hours, today's
 * queue and on-time rate. Read-only; no personal data leaves this module.
 * api/present_transparency.h turns the figures into the JSON of
 * GET /api/v1/public/transparency. */
#ifndef MOTCUA_STORE_TRANSPARENCY_H
#define MOTCUA_STORE_TRANSPARENCY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Dossiers finished in a period and how many of them on time. */
struct transparency_count {
	int64_t finished, on_time;
};

/* An active centre or reception point. Strings are owned (NULL: the
 * column was NULL; code and name are never NULL). */
struct transparency_centre {
	int64_t id;
	char *code, *name, *address, *hours, *phone;
	char *parent;                            /* the parent office's name */
	int64_t waiting, serving, counters_open; /* today's queue */
	struct transparency_count today, month;  /* the dossiers it received */
	int64_t late_total;
};

/* A dossier late right now (no personal field). */
struct transparency_late {
	char *code, *procedure, *procedure_code;
	int64_t due_at;
	bool apology;
	bool has_new_appointment;
	int64_t new_appointment_at;
	char *office; /* the receiving centre's code, NULL none */
};

struct transparency {
	int64_t at;     /* now */
	char *province; /* the province's name, NULL none */
	int office;     /* index in centres of the centre asked for, -1: the province */
	struct transparency_count today, month;
	struct transparency_late *late; /* oldest due first, at most 500 */
	size_t n_late;
	int64_t late_total;
	int64_t procedures_posted;
	struct transparency_centre *centres; /* by sort, name */
	size_t n_centres;
};

/* At instant now, for the whole province (office NULL) or for the dossiers
 * received at one centre or reception point (office its code, with the
 * points below it), fills *out; the caller frees it with
 * transparency_free (also after an error: then it holds nothing or part).
 * "centres" lists every active centre and point of the province (by sort,
 * name) whatever office says: the province's directory. "Finished" counts
 * dossiers whose result was ready (result_ready, returned,
 * returned_ineligible) with finished_at in the office day / month of now;
 * "on time" those of them with finished_at <= due_at. "Late now": open
 * dossiers whose clock runs (received, in_process, interagency,
 * awaiting_payment) with due_at < now, and dossiers paused for a supplement
 * after their due instant had passed. A centre's figures count the
 * dossiers it received; its queue is today's tickets waiting and being
 * served and its open counters. An office that is not an active centre or
 * point is MC_ERR_NOT_FOUND office_not_found; on a database failure
 * returns it (err filled). */
enum mc_err store_transparency(struct store *st, int64_t now, const char *office,
                               struct transparency *out, struct mc_error *err);
void transparency_free(struct transparency *t);

#endif
