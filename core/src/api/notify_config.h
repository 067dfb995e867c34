/* The configuration of messages to citizens in JSON, for the API: the
 * bundle's "notifications" section (docs/notifications.md: quiet_hours,
 * max_attempts, reminder_days, triggers_off, templates, email, sms, zalo)
 * validated and merged before the store keeps its text
 * (store_notify_config_save), and the configuration as the worker's
 * adapters and staff read it. */
#ifndef MOTCUA_API_NOTIFY_CONFIG_H
#define MOTCUA_API_NOTIFY_CONFIG_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/principal.h"
#include "store/notify.h"

/* Validates cfg (the whole section; NULL or JSON null clears it) and has
 * the store write it, inside the caller's write transaction (the bundle's).
 * Errors, nothing written then: MC_ERR_INVALID "unknown_setting" (a key
 * not in the spec, named in the English message as notifications.<path>),
 * "invalid_setting" (wrong type or range: urls http(s):// or smtp(s)://,
 * brand ≤ 11 characters, ascii auto|always|never, times HH:MM,
 * max_attempts 1..50, reminder_days 1..60, timeout_s 1..120, a template
 * with an unknown {placeholder} or over 1000 characters, a trigger or an
 * office code unknown in triggers_off). zalo.refresh_token, when given and
 * different from the one the bundle gave last, seeds notify_tokens('zalo');
 * otherwise the stored one (refreshed by the adapter) wins. */
enum mc_err notify_config_set(struct store *st, json_t *cfg, struct mc_error *err);

/* The bundle's "notifications" section (the set-up's apply, inside its
 * transaction): absent, nothing changes; null clears the configuration;
 * an object is merged at the top level into the stored one (a key or
 * channel absent keeps its value, one set to null is removed, one given
 * replaces it whole), then notify_config_set and an event
 * ("settings", "notifications", "settings.set") whose details are the
 * configuration with every secret replaced by true. */
enum mc_err notify_config_setup(struct store *st, const struct principal *who, json_t *bundle,
                                struct mc_error *err);

/* The configuration in force, secrets included: for the worker and the
 * adapters only. Never NULL ({} when none or unreadable). Caller decrefs. */
json_t *notify_config_load(struct store *st);

/* The configuration as staff may see it: every secret member replaced by
 * true (set) — never its value — and credentials in urls masked. Caller
 * decrefs. */
json_t *notify_config_public(struct store *st);

/* Whether channel ("email", "sms", "zalo") is configured in cfg (its
 * object with a url). */
bool notify_channel_configured(const json_t *cfg, const char *channel);

#endif
