/* Appointments as stored (docs/appointments.md): the setting "appointments"
 * (the rules of domain/booking.h), the bookable slots per centre and service
 * group (table booking_slots, from the bundle section "appointments") and
 * the citizens' bookings (table bookings).
 *
 * Every booking change is one write transaction with its event in the hash
 * chain (entity "booking", not on the live stream: it names a citizen) and
 * the citizen's messages (store_notify_enqueue: booking_confirmed,
 * booking_cancelled) in the same transaction. A place is taken inside the
 * transaction that checks the slot's capacity and the per-person rule, so
 * of many callers racing for the last place exactly one wins.
 *
 * Any thread may call these; none holds a lock across a return. */
#ifndef MOTCUA_STORE_BOOKING_H
#define MOTCUA_STORE_BOOKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/applicant.h"
#include "domain/booking.h"
#include "domain/principal.h"
#include "store/store.h"

/* Bookings one phone may make a day through the public page (cancelled
 * ones count): beyond it 429 too_many_bookings. */
#define STORE_BOOKING_PER_PHONE_DAY 5

/* The setting "appointments" into *out: each member stored, else its
 * default (booking_settings_default); a malformed stored value gives the
 * defaults. Never fails. Any thread (B2's check-in and call order read it). */
void store_booking_settings(struct store *st, struct booking_settings *out);

/* One slot row of the bundle section "appointments": a centre's group, its
 * slot length (booking_minutes_ok) and places (0..100). */
struct booking_slot_row {
	char office[128], group[128];
	int minutes, capacity;
};

/* The bundle section "appointments" as parsed by the API
 * (booking_config_parse): the scalar members given (bit i of scalars:
 * booking_setting_key(i), value[i]), the slot rows when "slots" is given,
 * and the section as the audit records it (JSON text, keys sorted). Owned:
 * booking_config_cmd_clear frees slots and details. */
struct booking_config_cmd {
	bool given; /* the section was in the bundle */
	unsigned scalars;
	int value[BOOKING_SETTINGS_N];
	bool has_slots;
	struct booking_slot_row *slots;
	size_t n_slots;
	char *details;
};
void booking_config_cmd_clear(struct booking_config_cmd *cmd);

/* Applies the bundle section "appointments" inside the caller's write
 * transaction (setup_import): the scalar members replace theirs in the
 * setting (absent ones keep their value); the slots, when given, replace
 * every slot row of the centres they name (a centre not named keeps its
 * slots). Nothing when the section was not given. Errors, the caller
 * rolling back: MC_ERR_INVALID "invalid_setting" (a member out of range,
 * the key named in the English message; a slot whose office is no centre
 * or point, or whose group is not an active group of that centre, or a
 * centre and group given twice). Audited "appointments.set". */
enum mc_err store_booking_config_set(struct store *st, const struct principal *who,
                                     const struct booking_config_cmd *cmd, struct mc_error *err);

/* The bookings still to come that the slots as they stand now no longer
 * hold, for the import's answer (setup_import, inside its write
 * transaction, after store_booking_config_set): 'booked' bookings whose
 * slot has not ended and whose centre and group have no slot row or
 * capacity 0, whose slot length is not the group's minutes any more, or
 * whose slot holds more bookings than the capacity. They are kept (the
 * kiosk still checks them in by their own time): the centre tells the
 * citizens. Nothing personal. Owned: booking_off_grid_clear. */
struct booking_off_grid {
	char code[BOOKING_CODE_LEN + 1], office[64], group[64];
	int64_t start, end;
	char why[16]; /* closed | minutes | over_capacity */
};
struct booking_off_grid_list {
	struct booking_off_grid *items;
	size_t n;
};
void booking_off_grid_clear(struct booking_off_grid_list *l);
enum mc_err store_booking_off_grid(struct store *st, int64_t now, struct booking_off_grid_list *out,
                                   struct mc_error *err);

/* GET /public/booking/options: the centres with a slot row of capacity > 0
 * for an active group (their groups in groups[first_group ..
 * first_group + n_groups)), the procedures that book at one of them (their
 * picks in picks[first_pick ..]: a procedure books the group of each
 * centre whose name its field starts with, folded, docs/appointments.md),
 * and the settings. Owned: booking_options_clear frees it. */
struct booking_option_group {
	char code[64], name[256], name_en[256];
	int minutes, capacity;
};
struct booking_option_centre {
	char code[64], name[256], address[256];
	size_t first_group, n_groups;
};
struct booking_option_pick {
	size_t centre; /* index in centres */
	char group[64];
};
struct booking_option_procedure {
	char code[64];
	char *name;
	size_t first_pick, n_picks;
};
struct booking_options {
	struct booking_option_centre *centres;
	size_t n_centres;
	struct booking_option_group *groups;
	size_t n_groups;
	struct booking_option_procedure *procedures;
	size_t n_procedures;
	struct booking_option_pick *picks;
	size_t n_picks;
	struct booking_settings settings;
};
void booking_options_clear(struct booking_options *o);
enum mc_err store_booking_options(struct store *st, struct booking_options *out,
                                  struct mc_error *err);

#define BOOKING_MAX_DAY_SLOTS 96 /* a day's slots: 24 h of 15 minutes */

/* GET /public/booking/slots: the bookable days of centre `office`'s group
 * `group` from date `from` (YYYY-MM-DD, NULL: today; before today: today)
 * to the last day of the window (today + days_ahead working days); a slot
 * is listed while now < start, with its free places. Owned:
 * booking_slots_clear frees days. Errors: MC_ERR_NOT_FOUND
 * "office_not_found", "group_not_found" (not bookable there either);
 * MC_ERR_INVALID "invalid_date" (from malformed or beyond the window). */
struct booking_free_slot {
	int64_t start, end;
	int free;
};
struct booking_slots_day {
	char date[11];
	int weekday;
	bool working;
	char day_name[WORKCAL_NAME_MAX]; /* "" when no named day */
	int n_slots;
	struct booking_free_slot slots[BOOKING_MAX_DAY_SLOTS];
};
struct booking_slots {
	char office[41], group[41], group_name[201], group_name_en[201];
	int minutes, capacity;
	char today[11], last_day[11];
	struct booking_slots_day *days;
	int n_days;
};
void booking_slots_clear(struct booking_slots *s);
enum mc_err store_booking_slots(struct store *st, const char *office, const char *group,
                                const char *from, int64_t now, struct booking_slots *out,
                                struct mc_error *err);

/* A booking asked for, checked by the API (api/parse_booking.c): the
 * centre, the group and/or the procedure (codes), the slot's start (epoch
 * seconds), the citizen's name, phone (normalised), ID number and e-mail
 * ("" when not given) and the consent to messages (notify_consent_parse's
 * text, or NULL; owned: booking_create_cmd_clear frees it). */
struct booking_create_cmd {
	char office[41];
	bool has_group, has_procedure;
	char group[41], procedure[41];
	int64_t start;
	char name[APPLICANT_NAME_MAX * 4 + 1];
	char phone[APPLICANT_PHONE_MAX];
	char id_number[16];
	char email[255];
	char *consent;
};
void booking_create_cmd_clear(struct booking_create_cmd *cmd);

/* A booking as stored, with what its views show (api/present_booking.c
 * masks the phone for its holder and adds the staff's members). Owns
 * procedure_body: booking_view_clear frees it. */
struct booking_view {
	int64_t id, office_id;
	char code[BOOKING_CODE_LEN + 1];
	char state[16]; /* booked | checked_in | late | cancelled */
	char office[64], office_name[256], office_address[256];
	char group[64], group_name[256], group_name_en[256];
	char day[11];
	int64_t start, end;
	char name[APPLICANT_NAME_MAX * 4 + 1];
	char phone[16];     /* in full */
	char id_number[16]; /* "" when none */
	char email[255];    /* "" when none */
	char created_by[64];
	int64_t created_at;
	bool has_procedure;
	char procedure[64], procedure_name[512];
	char *procedure_body; /* the procedure's JSON text (its documents), or NULL */
	int64_t checkin_from, checkin_until; /* the check-in window (booking_window_*) */
	bool no_show;                        /* booked, and no longer holding its place */
	bool cancellable;                    /* booked, and its slot not ended */
};
void booking_view_clear(struct booking_view *v);

/* Why store_booking_create refused a booking (the domain's
 * booking_refusal_of), unworded, with the figures its words name: why
 * BOOKING_OK when it was not refused. */
struct booking_refused {
	enum booking_refusal why;
	int phone_day_max;      /* STORE_BOOKING_PER_PHONE_DAY (BOOKING_TOO_MANY_TODAY) */
	int per_person_per_day; /* the setting (BOOKING_PERSON_LIMIT) */
	int64_t retry_after;    /* seconds until the office's next day (BOOKING_TOO_MANY_TODAY) */
};

/* Books a place as cmd asks at now. who NULL: the public page (channel
 * "public", at most STORE_BOOKING_PER_PHONE_DAY bookings a phone a day); a
 * staff member of the centre: channel "staff". MC_OK with why->why
 * BOOKING_OK: *out gets the booking as store_booking_get gives it (the
 * caller clears it). MC_OK with why->why set: the domain refused it
 * (too many bookings of the phone today, the person's limit, the slot
 * full; api/present_booking.c words it), nothing stored, *out empty.
 * Errors, nothing stored: MC_ERR_INVALID "slot_invalid" (not a slot of that
 * day, in the past, beyond the window, a day off; *field "start");
 * MC_ERR_NOT_FOUND "office_not_found", "group_not_found",
 * "procedure_not_found". *field (when not NULL) gets the field an error
 * names (static string) or NULL. */
enum mc_err store_booking_create(struct store *st, const struct principal *who,
                                 const struct booking_create_cmd *cmd, int64_t now,
                                 struct booking_view *out, struct booking_refused *why,
                                 const char **field, struct mc_error *err);

/* A booking (by code, parsed by booking_code_parse) into *out (the caller
 * clears it). MC_ERR_NOT_FOUND "booking_not_found" for a code that is
 * malformed or unknown. who NULL: public; staff of another centre get
 * booking_not_found too. */
enum mc_err store_booking_get(struct store *st, const struct principal *who, const char *code,
                              int64_t now, struct booking_view *out, struct mc_error *err);

/* Cancels a booking not yet checked in, before its slot ends: state
 * 'cancelled', cancelled_at now, event "booking.cancelled", message
 * booking_cancelled. *out as store_booking_get. Errors: MC_ERR_NOT_FOUND
 * "booking_not_found"; MC_ERR_CONFLICT "booking_not_cancellable" (already
 * cancelled, checked in, late, or its slot has ended). */
enum mc_err store_booking_cancel(struct store *st, const struct principal *who, const char *code,
                                 int64_t now, struct booking_view *out, struct mc_error *err);

/* One page of a centre's bookings of a day: items (n of them, owned;
 * booking_list_clear frees them), total (all that day), the day. */
struct booking_list {
	struct booking_view *items;
	size_t n;
	int64_t total;
	char day[11];
};
void booking_list_clear(struct booking_list *l);

/* GET /api/v1/bookings?office=&day=: the bookings of one centre's day
 * (office: a code within who's scope, default who's own centre; day
 * YYYY-MM-DD, default today) in slot order, one page (offset, limit as
 * http_page reads them). Errors: "office_not_found", "invalid_date". */
enum mc_err store_booking_list(struct store *st, const struct principal *who, const char *office,
                               const char *day, int offset, int limit, int64_t now,
                               struct booking_list *out, struct mc_error *err);

/* "HH:MM dd/mm/yyyy" of instant t, office time: how a booking's times are
 * written to its holder (its view, its messages). */
void store_booking_when(int64_t t, char out[32]);

/* One booking's row for the check-in (B2): what the kiosk needs to judge
 * it. Read through the writer when inside a transaction (the caller's),
 * else this thread's reader. */
struct store_booking_row {
	int64_t id, office_id, group_id;
	int64_t slot_start, slot_end;
	char code[BOOKING_CODE_LEN + 1];
	enum booking_state state;
};
/* Finds the booking of code (any case, spaces and dashes ignored):
 * MC_OK and *out filled, or MC_ERR_NOT_FOUND "booking_not_found". */
enum mc_err store_booking_find(struct store *st, const char *code, struct store_booking_row *out,
                               struct mc_error *err);

#endif
