/* Operations figures as Prometheus text (see present_ops.h). */
#include "api/present_ops.h"

#include "util/strbuf.h"

/* A label value as the exposition format wants it: \ " and newline escaped. */
static void present_label(struct strbuf *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			strbuf_printf(out, "\\%c", *v);
		else if (*v == '\n')
			strbuf_puts(out, "\\n");
		else
			strbuf_printf(out, "%c", *v);
	}
}

/* The centre's label of a queue series, when there are several centres.
 * The queue's labels are written as stored (group codes and outcomes are
 * plain words), as they always were. */
static void present_queue_office(struct strbuf *out, bool several, const char *office)
{
	if (several)
		strbuf_printf(out, ",office=\"%s\"", office);
}

void present_queue_metrics(const struct queue_figures *f, struct strbuf *out)
{
	strbuf_puts(out, "# HELP motcua_tickets_today Tickets issued today by group and state or "
	                 "outcome.\n# TYPE motcua_tickets_today gauge\n");
	for (size_t i = 0; i < f->ntickets; i++) {
		const struct queue_figures_tickets *t = &f->tickets[i];
		strbuf_printf(out, "motcua_tickets_today{group=\"%s\",outcome=\"%s\"", t->group,
		              t->outcome);
		present_queue_office(out, f->several_centres, t->office);
		strbuf_printf(out, "} %d\n", t->count);
	}
	strbuf_puts(out, "# HELP motcua_waiting Tickets waiting now by group.\n"
	                 "# TYPE motcua_waiting gauge\n");
	for (size_t i = 0; i < f->nwaiting; i++) {
		const struct queue_figures_waiting *w = &f->waiting[i];
		strbuf_printf(out, "motcua_waiting{group=\"%s\"", w->group);
		present_queue_office(out, f->several_centres, w->office);
		strbuf_printf(out, "} %d\n", w->count);
	}
}

/* One print series: name{office="…"} value for each centre. */
static void present_print_series(struct strbuf *out, const struct store_ops_figures *f,
                                 const char *name, bool age)
{
	for (size_t i = 0; i < f->nprint; i++) {
		const struct store_ops_print *p = &f->print[i];
		int64_t v = p->pending;
		if (age)
			v = p->pending > 0 && f->at > p->oldest_at ? f->at - p->oldest_at : 0;
		strbuf_printf(out, "%s{office=\"", name);
		present_label(out, p->office);
		strbuf_printf(out, "\"} %lld\n", (long long)v);
	}
}

void present_ops_metrics(const struct store_ops_figures *f, struct strbuf *out)
{
	strbuf_puts(out, "# HELP motcua_print_jobs_pending Print jobs not done yet (queued, "
	                 "sending or printing) by centre.\n"
	                 "# TYPE motcua_print_jobs_pending gauge\n");
	present_print_series(out, f, "motcua_print_jobs_pending", false);
	strbuf_puts(out, "# HELP motcua_print_jobs_oldest_pending_seconds Age of the oldest "
	                 "print job not done yet by centre, 0 when none.\n"
	                 "# TYPE motcua_print_jobs_oldest_pending_seconds gauge\n");
	present_print_series(out, f, "motcua_print_jobs_oldest_pending_seconds", true);
	strbuf_printf(out,
	              "# HELP motcua_dossiers_open Dossiers open now (received, not finished, "
	              "with a due instant).\n"
	              "# TYPE motcua_dossiers_open gauge\nmotcua_dossiers_open %lld\n"
	              "# HELP motcua_dossiers_late Open dossiers past their due instant (as the "
	              "indicators count them).\n"
	              "# TYPE motcua_dossiers_late gauge\nmotcua_dossiers_late %lld\n",
	              (long long)f->dossiers_open, (long long)f->dossiers_late);
	strbuf_printf(out,
	              "# HELP motcua_notifications Notification messages to citizens by state: "
	              "queued (waiting or retrying), sending, dead (given up).\n"
	              "# TYPE motcua_notifications gauge\n"
	              "motcua_notifications{state=\"queued\"} %lld\n"
	              "motcua_notifications{state=\"sending\"} %lld\n"
	              "motcua_notifications{state=\"dead\"} %lld\n",
	              (long long)f->notify_queued, (long long)f->notify_sending,
	              (long long)f->notify_dead);
}
