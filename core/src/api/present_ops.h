/* The store's operations figures as /metrics shows them: Prometheus text
 * (HELP, TYPE, samples), the names, labels and order of docs/monitoring.md.
 * Each appends to *out; the figures are borrowed. */
#ifndef MOTCUA_API_PRESENT_OPS_H
#define MOTCUA_API_PRESENT_OPS_H

#include "store/ops_figures.h"
#include "store/queue.h"

struct strbuf;

/* motcua_tickets_today{group,outcome} and motcua_waiting{group}, with
 * office="…" too when the groups belong to several centres. */
void present_queue_metrics(const struct queue_figures *f, struct strbuf *out);

/* motcua_print_jobs_pending{office}, motcua_print_jobs_oldest_pending_seconds
 * {office} (f->at - the oldest job's creation, 0 when none), motcua_dossiers_open,
 * motcua_dossiers_late, motcua_notifications{state} (queued, sending, dead:
 * each printed, 0 when none). */
void present_ops_metrics(const struct store_ops_figures *f, struct strbuf *out);

#endif
