/* Telling the citizen (docs/notifications.md), the pure part: the built-in
 * Vietnamese message of each trigger and its {placeholders}, the phone in
 * the 84… form providers take, the diacritics-free form of a text and the
 * SMS parts it needs, quiet hours and the retry back-off. No I/O, no
 * clock: every instant is an argument. */
#ifndef MOTCUA_DOMAIN_NOTIFY_H
#define MOTCUA_DOMAIN_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A rendered text is at most this many characters (code points); the
 * buffer for it NOTIFY_TEXT_BYTES (4 bytes a character and the NUL). */
#define NOTIFY_TEXT_MAX 1000
#define NOTIFY_TEXT_BYTES (4 * NOTIFY_TEXT_MAX + 1)
/* An e-mail subject: at most this many characters. */
#define NOTIFY_SUBJECT_MAX 200

/* The triggers, NULL-terminated, in the order the templates route lists
 * them ("test" last: the office's check of its configuration). */
extern const char *const notify_triggers[];
/* The placeholders a template may use, NULL-terminated. */
extern const char *const notify_placeholders[];

/* Whether trigger is one of notify_triggers. NULL: no. */
bool notify_trigger_valid(const char *trigger);

/* The built-in Vietnamese text and e-mail subject of trigger, NULL for an
 * unknown one. Static strings. */
const char *notify_template_text(const char *trigger);
const char *notify_template_subject(const char *trigger);

/* One placeholder's value (value NULL: renders as nothing). */
struct notify_field {
	const char *name;
	const char *value;
};

/* Whether tmpl is a template: every '{' opens a known placeholder closed by
 * '}', no stray '}', every '[' closed by ']' before the next '[' (an
 * optional part, not nested), at most NOTIFY_TEXT_MAX characters, not
 * empty. On false
 * *bad (when not NULL) points at the first offending byte. */
bool notify_template_check(const char *tmpl, const char **bad);

/* Renders tmpl into out (outlen bytes, NOTIFY_TEXT_BYTES is enough), each
 * {name} replaced by the value of the first field so named in fields[0..n)
 * (absent or NULL: nothing); an unknown or unclosed brace is copied as it
 * is. An optional part "[…]" is rendered (without its brackets) only when
 * every placeholder in it has a value that is not empty: "[ Tra cứu:
 * {link}]" says nothing when the office has no public address. The result is cut (at a character
 * boundary) at NOTIFY_TEXT_MAX characters and at outlen - 1 bytes. Returns false when it was cut.
 * Example: "{office}: hồ sơ {code}" with office "TTHCC Khe Sanh", code
 * "000.00.01.H56-261130-0001" → "TTHCC Khe Sanh: hồ sơ 000.00.01.H56-261130-0001". */
bool notify_render(const char *tmpl, const struct notify_field *fields, size_t n, char *out,
                   size_t outlen);

/* The international form providers take: "0912345678" → "84912345678".
 * phone must be the normalised 0 + 9..10 digits (domain/applicant.h);
 * anything else → false and out "". out holds 16 bytes. */
bool notify_phone_international(const char *phone, char out[16]);

/* The diacritics-free form of utf8 into out (outlen bytes, always
 * NUL-terminated, cut at a character boundary): Vietnamese letters to their
 * base letter keeping the case ("Đ" → "D", "đ" → "d", "ướ" → "uo"),
 * combining marks dropped, "–" and "—" to "-", "…" to "...", curly quotes
 * to straight ones; other characters kept. "Hồ sơ đã có kết quả" → "Ho so
 * da co ket qua". */
void notify_ascii(const char *utf8, char *out, size_t outlen);

/* Whether utf8 holds any character outside ASCII. */
bool notify_has_non_ascii(const char *utf8);

/* How an SMS of utf8 is sent: *gsm true when every character is in the GSM
 * 7-bit alphabet (then 160 septets in one part, 153 a part when split;
 * ^ { } \ [ ] ~ | € take two), else Unicode (UCS-2: 70 characters in one
 * part, 67 a part when split; a character beyond U+FFFF takes two).
 * Returns the parts (0 for an empty text); *units (when not NULL) gets the
 * septets or UTF-16 units. */
int notify_sms_parts(const char *utf8, bool *gsm, int *units);

/* Quiet hours: the earliest instant ≥ t outside [from, to) of office time
 * (minutes after midnight, 0..1439; from > to spans midnight, e.g. 21:00 to
 * 07:00; from == to: no quiet hours). utc_offset: the office's offset in
 * seconds (+7 h). Example: 22:00 with 21:00–07:00 → 07:00 the next day;
 * 20:59 → 20:59. */
int64_t notify_quiet_next(int64_t t, int from_min, int to_min, int utc_offset);

/* Parses "HH:MM" (00:00..23:59) into minutes after midnight; -1 otherwise:
 * civil_parse_hhmm without 24:00 (a quiet hour is a time within the day). */
int notify_hhmm(const char *s);

/* The wait before another try after `attempts` failed ones (≥ 1): 30 s
 * doubled at each try, at most one hour: 1 → 30, 2 → 60, 3 → 120, …,
 * 7 → 1920, 8 and more → 3600. */
int64_t notify_backoff_seconds(int attempts);

/* ---- The configuration in force, typed (the setting "notify_config" as
 * the store reads it; docs/notifications.md). */

/* The channels, in the order consent lists them. */
enum notify_channel { NOTIFY_EMAIL, NOTIFY_SMS, NOTIFY_ZALO, NOTIFY_CHANNELS };
/* "email", "sms", "zalo", NULL. */
extern const char *const notify_channel_names[];
/* The channel called name, or -1 (NULL: -1). */
int notify_channel_of(const char *name);

/* The triggers' count (notify_triggers without its NULL) and the index of
 * trigger in notify_triggers, or -1. */
#define NOTIFY_TRIGGER_COUNT 10
int notify_trigger_index(const char *trigger);

/* sms.ascii: when an SMS goes without diacritics. */
enum notify_sms_ascii {
	NOTIFY_ASCII_AUTO,   /* absent or "auto": when Unicode needs more than 2 parts */
	NOTIFY_ASCII_ALWAYS, /* "always" */
	NOTIFY_ASCII_NEVER,  /* "never" (or anything else) */
};

/* One office's triggers switched off (triggers_off). */
struct notify_trigger_off {
	char *office;      /* the office's code; owned (malloc) */
	uint32_t triggers; /* bit i: notify_triggers[i] is off */
};

/* The defaults are NOTIFY_DEFAULT_* (notify_config_init). Strings and the
 * off array are owned by the struct (malloc'd by whoever fills it) and
 * freed by notify_config_clear. */
struct notify_config {
	int quiet_from, quiet_to;         /* minutes after midnight, office time */
	int max_attempts;                 /* as configured (any integer) */
	int reminder_days;                /* 1..60 */
	bool configured[NOTIFY_CHANNELS]; /* the channel's object has a url */
	enum notify_sms_ascii sms_ascii;
	bool zalo_template[NOTIFY_TRIGGER_COUNT]; /* zalo.templates names the trigger */
	char *text[NOTIFY_TRIGGER_COUNT];         /* the setting's text, NULL: built-in */
	char *subject[NOTIFY_TRIGGER_COUNT];      /* the setting's subject, NULL: built-in */
	struct notify_trigger_off *off;           /* in the setting's order */
	size_t n_off;
};

/* Defaults when the configuration says nothing. */
#define NOTIFY_DEFAULT_QUIET_FROM (21 * 60)
#define NOTIFY_DEFAULT_QUIET_TO (7 * 60)
#define NOTIFY_DEFAULT_MAX_ATTEMPTS 8
#define NOTIFY_DEFAULT_REMINDER_DAYS 3

/* *cfg = nothing configured: every default, no channel, no custom text. */
void notify_config_init(struct notify_config *cfg);
/* Frees what cfg owns and leaves it as notify_config_init does. */
void notify_config_clear(struct notify_config *cfg);

/* The text (or subject) of trigger: the setting's, else the built-in one;
 * NULL for an unknown trigger. *custom (when not NULL) gets whether it is
 * the setting's. */
const char *notify_config_text(const struct notify_config *cfg, const char *trigger, bool *custom);
const char *notify_config_subject(const struct notify_config *cfg, const char *trigger,
                                  bool *custom);

/* Whether trigger is switched off for the office of code office. */
bool notify_config_trigger_off(const struct notify_config *cfg, const char *office,
                               const char *trigger);

/* The earliest instant ≥ t outside cfg's quiet hours (notify_quiet_next). */
int64_t notify_config_quiet_next(const struct notify_config *cfg, int64_t t, int utc_offset);

/* Whether the SMS of text goes in its diacritics-free form: never for a
 * text all ASCII; always with "always"; with "auto" when the text is not
 * GSM and needs more than 2 parts. */
bool notify_sms_use_ascii(enum notify_sms_ascii mode, const char *text);

/* What a failed try leads to. */
enum notify_next {
	NOTIFY_NEXT_QUEUED, /* *not_before: after the back-off, out of quiet hours
	                       unless any_hour */
	NOTIFY_NEXT_DEAD,   /* a permanent failure, or attempts ≥ max_attempts */
};
/* After try number attempts (≥ 1) failed at now: permanent (the provider
 * refused the message itself) or not. */
enum notify_next notify_after_failure(const struct notify_config *cfg, bool permanent, int attempts,
                                      bool any_hour, int64_t now, int utc_offset,
                                      int64_t *not_before);

/* ---- A dossier's message: what it says and who speaks. */

/* The facts of a dossier a message may quote (borrowed strings, NULL or ""
 * when none). */
struct notify_dossier_facts {
	const char *code, *name, *procedure;
	int64_t due_at, apology_due_at;
	const char *apology_reason;
	const char *pending_items; /* the missing items, "; "-joined */
	int64_t intake_office_id, return_office_id;
};

/* The centre that speaks in trigger's message: the returning one for
 * "result_ready" and "reminder" (the receiving one when none is set), the
 * receiving one otherwise. */
int64_t notify_dossier_office(const char *trigger, const struct notify_dossier_facts *f);

/* The instant the message gives as the appointment: the apology's new one
 * for "apology", the due instant otherwise. */
int64_t notify_dossier_appointment(const char *trigger, const struct notify_dossier_facts *f);

/* The fields of trigger's message into out (at most 6; returns how many):
 * code, name, procedure, appointment (the text the caller formatted from
 * notify_dossier_appointment), and reason for "apology" only, items for
 * "supplement" only. Values NULL or "" are left out. */
size_t notify_dossier_fields(const char *trigger, const struct notify_dossier_facts *f,
                             const char *appointment, struct notify_field out[6]);

#endif
