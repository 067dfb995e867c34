/* The JSON views of messages to citizens (api/present_notify.h). */
#include "api/present_notify.h"

#include <stdio.h>
#include <string.h>

/* A string or null. */
static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *present_notification(const struct notify_row *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "office",
	                    json_pack("{s:o, s:o}", "code", str_or_null(r->office_code), "name",
	                              str_or_null(r->office_name)));
	json_object_set_new(o, "trigger", str_or_null(r->trigger));
	json_object_set_new(o, "channel", str_or_null(r->channel));
	json_object_set_new(o, "recipient", str_or_null(r->recipient));
	if (r->ref_kind == NULL || strcmp(r->ref_kind, "none") == 0)
		json_object_set_new(o, "ref", json_null());
	else
		json_object_set_new(
		    o, "ref",
		    json_pack("{s:s, s:o}", "kind", r->ref_kind, "code", str_or_null(r->ref_code)));
	json_object_set_new(o, "subject", str_or_null(r->subject));
	json_object_set_new(o, "body", str_or_null(r->body));
	json_object_set_new(o, "state", str_or_null(r->state));
	json_object_set_new(o, "attempts", json_integer(r->attempts));
	json_object_set_new(o, "not_before", json_integer(r->not_before));
	json_object_set_new(o, "created_at", json_integer(r->created_at));
	json_object_set_new(o, "created_by", str_or_null(r->created_by));
	json_object_set_new(o, "sent_at", r->has_sent_at ? json_integer(r->sent_at) : json_null());
	json_object_set_new(o, "last_error", str_or_null(r->last_error));
	json_object_set_new(o, "provider_answer", str_or_null(r->provider_answer));
	json_object_set_new(o, "provider_id", str_or_null(r->provider_id));
	json_object_set_new(o, "resend_of",
	                    r->resend_of ? json_integer(r->resend_of) : json_null());
	return o;
}

json_t *present_notification_list(const struct notify_list *l)
{
	json_t *items = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(items, present_notification(&l->items[i]));
	return json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)l->total,
	                 "offset", (json_int_t)l->offset, "limit", (json_int_t)l->limit);
}

json_t *present_notify_planned(const struct notify_planned_list *p)
{
	json_t *list = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:s}", "channel", p->items[i].channel, "trigger",
		                    p->items[i].trigger, "recipient", p->items[i].recipient));
	return list;
}

json_t *present_notify_templates(const struct notify_templates *t)
{
	json_t *triggers = json_array();
	for (size_t i = 0; i < t->n; i++) {
		const struct notify_template_view *it = &t->items[i];
		json_t *off = json_array();
		for (size_t k = 0; k < it->n_off; k++)
			json_array_append_new(off, json_string(it->off[k]));
		json_array_append_new(triggers,
		                      json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:i, s:o}",
		                                "trigger", it->trigger, "text", it->text, "subject",
		                                it->subject, "custom", it->custom, "example",
		                                it->example, "example_subject", it->example_subject,
		                                "sms_parts", it->sms_parts, "off", off));
	}
	json_t *channels = json_array();
	for (int i = 0; i < NOTIFY_CHANNELS; i++)
		if (t->cfg.configured[i])
			json_array_append_new(channels, json_string(notify_channel_names[i]));
	char from[16], to[16];
	snprintf(from, sizeof from, "%02d:%02d", t->cfg.quiet_from / 60, t->cfg.quiet_from % 60);
	snprintf(to, sizeof to, "%02d:%02d", t->cfg.quiet_to / 60, t->cfg.quiet_to % 60);
	return json_pack("{s:o, s:o, s:{s:s, s:s}, s:I}", "triggers", triggers, "channels",
	                 channels, "quiet_hours", "from", from, "to", to, "max_attempts",
	                 (json_int_t)t->cfg.max_attempts);
}
