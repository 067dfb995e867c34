#include "api/present_transparency.h"

#include "domain/indicators.h"

/* A string or null. */
static json_t *present_opt(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* {"finished","on_time","rate"}: the rate to four decimals, truncated. */
static json_t *present_count(struct transparency_count n)
{
	double r;
	return json_pack("{s:I, s:I, s:o}", "finished", (json_int_t)n.finished, "on_time",
	                 (json_int_t)n.on_time, "rate",
	                 indicators_on_time_share_truncated(n.on_time, n.finished, &r)
	                     ? json_real(r)
	                     : json_null());
}

/* The office members of a centre: code, name, address, hours, phone, parent. */
static json_t *present_place(const struct transparency_centre *ce)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "code", ce->code, "name", ce->name,
	                 "address", present_opt(ce->address), "hours", present_opt(ce->hours),
	                 "phone", present_opt(ce->phone), "parent", present_opt(ce->parent));
}

static json_t *present_centre(const struct transparency_centre *ce)
{
	json_t *o = present_place(ce);
	json_object_set_new(o, "queue",
	                    json_pack("{s:I, s:I, s:I}", "waiting", (json_int_t)ce->waiting,
	                              "serving", (json_int_t)ce->serving, "counters_open",
	                              (json_int_t)ce->counters_open));
	json_object_set_new(o, "on_time",
	                    json_pack("{s:o, s:o}", "today", present_count(ce->today), "month",
	                              present_count(ce->month)));
	json_object_set_new(o, "late_total", json_integer(ce->late_total));
	return o;
}

static json_t *present_late(const struct transparency_late *l)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:b, s:o, s:o}", "code", l->code, "procedure",
	                 l->procedure, "procedure_code", l->procedure_code, "due_at",
	                 (json_int_t)l->due_at, "apology", l->apology, "new_appointment_at",
	                 l->has_new_appointment ? json_integer(l->new_appointment_at) : json_null(),
	                 "office", present_opt(l->office));
}

json_t *present_transparency(const struct transparency *t)
{
	json_t *late = json_array(), *centres = json_array();
	for (size_t i = 0; i < t->n_late; i++)
		json_array_append_new(late, present_late(&t->late[i]));
	for (size_t i = 0; i < t->n_centres; i++)
		json_array_append_new(centres, present_centre(&t->centres[i]));
	return json_pack("{s:I, s:o, s:o, s:{s:o, s:o}, s:o, s:I, s:I, s:o}", "at",
	                 (json_int_t)t->at, "province", present_opt(t->province), "office",
	                 t->office >= 0 ? present_place(&t->centres[t->office]) : json_null(),
	                 "on_time", "today", present_count(t->today), "month",
	                 present_count(t->month), "late_now", late, "late_total",
	                 (json_int_t)t->late_total, "procedures_posted",
	                 (json_int_t)t->procedures_posted, "centres", centres);
}
