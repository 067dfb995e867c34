/* Shared by the store's files of messages to citizens (notify.c writes,
 * notify_outbox.c is the worker's side, notify_staff.c answers staff,
 * notify_config.c keeps the configuration). Not for other modules. */
#ifndef MOTCUA_STORE_NOTIFY_INTERNAL_H
#define MOTCUA_STORE_NOTIFY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/notify.h"
#include "store/notify.h"
#include "store/store_internal.h"

/* A message's template fields: the trigger's fields without "secret", the
 * office's name and the status link. f's names and values point into the
 * caller's fields or into office/link: keep both alive while using f. */
#define NOTIFY_DATA_MAX 32
struct notify_data {
	struct notify_field f[NOTIFY_DATA_MAX];
	size_t n;
	char office[400];
	char link[600];
};

/* Fills *d from fields[0..n) (NULL values skipped; a later field replaces
 * an earlier one of the same name), office_id's name as "office", and when
 * fields give no "link" but a "code" and the office has a public address,
 * link = public_url + "/status?code=CODE" (+ "&secret=S" when fields have
 * a non-empty "secret"). On c. */
void notify_data_fill(struct store *st, struct store_conn *c, int64_t office_id,
                      const struct notify_field *fields, size_t n, struct notify_data *d);

/* d as the JSON object kept in notifications.data, members sorted by
 * name. The caller frees it. */
char *notify_data_text(const struct notify_data *d);

/* trigger's text and subject under cfg rendered with d into body and
 * subject (NOTIFY_TEXT_BYTES each; the subject cut at NOTIFY_SUBJECT_MAX
 * characters). */
void notify_data_render(const struct notify_config *cfg, const char *trigger,
                        const struct notify_data *d, char *body, char *subject);

/* A row to insert (strings borrowed). */
struct notify_new_row {
	int64_t office_id;
	const char *trigger, *channel, *recipient, *ref_kind;
	int64_t ref_id;      /* 0: none */
	const char *subject; /* NULL: none */
	const char *body;
	const char *data; /* the fields as a JSON object's text */
	int64_t not_before, now;
	const char *actor;  /* NULL: "system" */
	int64_t resend_of;  /* 0: none */
	const char *action; /* the event: "notification.queued" | "notification.resent" */
};
/* Inserts r on the writer (inside the caller's transaction) and appends its
 * event on r's office (details {"channel","ref_kind","resend_of"?,
 * "trigger"}). *id gets the row's id. */
enum mc_err notify_insert_row(struct store *st, const struct notify_new_row *r, int64_t *id,
                              struct mc_error *err);

/* Whether the citizen behind (ref_kind, ref_id) accepted messages at any
 * hour (a test message: yes). On c. */
bool notify_row_any_hour(struct store_conn *c, const char *ref_kind, int64_t ref_id);

#endif
