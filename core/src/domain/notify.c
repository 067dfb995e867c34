/* Telling the citizen, the pure part (domain/notify.h). */
#include "domain/notify.h"

#include <stdlib.h>
#include <string.h>

#include "domain/civil_date.h"

const char *const notify_triggers[] = {
    "received",
    "supplement",
    "apology",
    "result_ready",
    "reminder",
    "booking_confirmed",
    "booking_reminder",
    "booking_cancelled",
    "feedback_answered",
    "test",
    NULL,
};

const char *const notify_placeholders[] = {
    "office", "code", "name", "procedure", "appointment", "items",
    "reason", "link", "slot", "group",     "answer",      NULL,
};

/* The built-in texts: short enough that the usual case fits two Unicode
 * SMS parts; every fact the citizen needs in the text itself (the link is
 * a convenience). */
static const struct {
	const char *trigger, *text, *subject;
} templates[] = {
    {"received",
     "{office}: đã tiếp nhận hồ sơ {code} ({procedure}). Hẹn trả kết quả {appointment}."
     "[ Tra cứu: {link}]",
     "Đã tiếp nhận hồ sơ {code}"},
    {"supplement", "{office}: hồ sơ {code} cần bổ sung: {items}.[ Tra cứu: {link}]",
     "Hồ sơ {code} cần bổ sung"},
    {"apology",
     "{office} xin lỗi: hồ sơ {code} chưa giải quyết kịp hạn. Lý do: {reason}. "
     "Hẹn lại: {appointment}.",
     "Thư xin lỗi về hồ sơ {code}"},
    {"result_ready", "{office}: hồ sơ {code} đã có kết quả, mời ông/bà đến nhận.[ Tra cứu: {link}]",
     "Hồ sơ {code} đã có kết quả"},
    {"reminder", "{office}: kết quả hồ sơ {code} đang chờ ông/bà đến nhận.",
     "Nhắc nhận kết quả hồ sơ {code}"},
    {"booking_confirmed", "{office}: đã đặt lịch {group} lúc {slot}. Mã đặt lịch {code}.",
     "Đã đặt lịch hẹn {code}"},
    {"booking_reminder",
     "{office}: nhắc lịch hẹn {group} lúc {slot}, mã {code}. Vui lòng đến đúng giờ.",
     "Nhắc lịch hẹn {code}"},
    {"booking_cancelled", "{office}: đã hủy lịch hẹn {code} ({group} lúc {slot}).",
     "Đã hủy lịch hẹn {code}"},
    {"feedback_answered", "{office}: phản ánh, kiến nghị {code} đã có trả lời.[ Tra cứu: {link}]",
     "Trả lời phản ánh, kiến nghị {code}"},
    {"test", "{office}: tin nhắn thử của hệ thống một cửa. Cấu hình kênh gửi đã đúng.",
     "Tin nhắn thử"},
};

bool notify_trigger_valid(const char *trigger)
{
	if (trigger == NULL)
		return false;
	for (size_t i = 0; notify_triggers[i]; i++)
		if (strcmp(notify_triggers[i], trigger) == 0)
			return true;
	return false;
}

const char *notify_template_text(const char *trigger)
{
	for (size_t i = 0; trigger && i < sizeof templates / sizeof templates[0]; i++)
		if (strcmp(templates[i].trigger, trigger) == 0)
			return templates[i].text;
	return NULL;
}

const char *notify_template_subject(const char *trigger)
{
	for (size_t i = 0; trigger && i < sizeof templates / sizeof templates[0]; i++)
		if (strcmp(templates[i].trigger, trigger) == 0)
			return templates[i].subject;
	return NULL;
}

/* The placeholder whose name is the len bytes at s, NULL when none. */
static const char *placeholder(const char *s, size_t len)
{
	for (size_t i = 0; notify_placeholders[i]; i++)
		if (strlen(notify_placeholders[i]) == len &&
		    memcmp(notify_placeholders[i], s, len) == 0)
			return notify_placeholders[i];
	return NULL;
}

/* Characters (code points) in the UTF-8 text s. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

bool notify_template_check(const char *tmpl, const char **bad)
{
	const char *p = tmpl;
	if (tmpl == NULL || *tmpl == '\0' || utf8_chars(tmpl) > NOTIFY_TEXT_MAX) {
		if (bad)
			*bad = tmpl;
		return false;
	}
	const char *optional = NULL; /* the open '[' */
	for (; *p; p++) {
		if (*p == '[') {
			if (optional)
				goto fail;
			optional = p;
			continue;
		}
		if (*p == ']') {
			if (optional == NULL)
				goto fail;
			optional = NULL;
			continue;
		}
		if (*p == '}')
			goto fail;
		if (*p != '{')
			continue;
		const char *close = strchr(p + 1, '}');
		if (close == NULL || placeholder(p + 1, (size_t)(close - p - 1)) == NULL)
			goto fail;
		p = close;
	}
	if (optional) {
		p = optional;
		goto fail;
	}
	return true;
fail:
	if (bad)
		*bad = p;
	return false;
}

/* Appends the len bytes of s to out at *pos, counting characters in *chars;
 * stops at a character boundary before NOTIFY_TEXT_MAX characters or
 * outlen - 1 bytes. Returns false when it stopped early. */
static bool append(char *out, size_t outlen, size_t *pos, size_t *chars, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t clen = 1;
		unsigned char c = (unsigned char)s[i];
		if (c >= 0xF0)
			clen = 4;
		else if (c >= 0xE0)
			clen = 3;
		else if (c >= 0xC0)
			clen = 2;
		if (i + clen > len)
			clen = len - i;
		if (*chars >= NOTIFY_TEXT_MAX || *pos + clen >= outlen)
			return false;
		memcpy(out + *pos, s + i, clen);
		*pos += clen;
		(*chars)++;
		i += clen;
	}
	return true;
}

/* The value of the placeholder name in fields[0..n): NULL when absent. */
static const char *field_value(const struct notify_field *fields, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (fields[i].name && strcmp(fields[i].name, name) == 0)
			return fields[i].value;
	return NULL;
}

/* Whether every placeholder in [p, end) has a value that is not empty. */
static bool span_filled(const char *p, const char *end, const struct notify_field *fields, size_t n)
{
	for (; p < end; p++) {
		const char *close = *p == '{' ? memchr(p, '}', (size_t)(end - p)) : NULL;
		const char *name = close ? placeholder(p + 1, (size_t)(close - p - 1)) : NULL;
		if (name == NULL)
			continue;
		const char *v = field_value(fields, n, name);
		if (v == NULL || *v == '\0')
			return false;
		p = close;
	}
	return true;
}

/* Renders the template bytes [p, end) (notify_render); false when cut. */
static bool render_span(const char *p, const char *end, const struct notify_field *fields, size_t n,
                        char *out, size_t outlen, size_t *pos, size_t *chars)
{
	while (p < end) {
		const char *open = p;
		while (open < end && *open != '{' && *open != '[')
			open++;
		if (!append(out, outlen, pos, chars, p, (size_t)(open - p)))
			return false;
		if (open == end)
			break;
		if (*open == '[') {
			const char *close = memchr(open, ']', (size_t)(end - open));
			if (close == NULL) { /* unclosed: copied as it is */
				if (!append(out, outlen, pos, chars, open, 1))
					return false;
				p = open + 1;
				continue;
			}
			if (span_filled(open + 1, close, fields, n) &&
			    !render_span(open + 1, close, fields, n, out, outlen, pos, chars))
				return false;
			p = close + 1;
			continue;
		}
		const char *close = memchr(open, '}', (size_t)(end - open));
		const char *name = close ? placeholder(open + 1, (size_t)(close - open - 1)) : NULL;
		if (name == NULL) {
			if (!append(out, outlen, pos, chars, open, 1))
				return false;
			p = open + 1;
			continue;
		}
		const char *v = field_value(fields, n, name);
		if (v && !append(out, outlen, pos, chars, v, strlen(v)))
			return false;
		p = close + 1;
	}
	return true;
}

bool notify_render(const char *tmpl, const struct notify_field *fields, size_t n, char *out,
                   size_t outlen)
{
	size_t pos = 0, chars = 0;
	if (outlen == 0)
		return false;
	bool whole = render_span(tmpl, tmpl + strlen(tmpl), fields, n, out, outlen, &pos, &chars);
	out[pos] = '\0';
	return whole;
}

bool notify_phone_international(const char *phone, char out[16])
{
	size_t len = phone ? strlen(phone) : 0;
	out[0] = '\0';
	if (len < 10 || len > 11 || phone[0] != '0')
		return false;
	for (size_t i = 0; i < len; i++)
		if (phone[i] < '0' || phone[i] > '9')
			return false;
	out[0] = '8';
	out[1] = '4';
	memcpy(out + 2, phone + 1, len); /* with the NUL */
	return true;
}

/* Decodes one UTF-8 character at s: its code point, *len its bytes (1 for
 * a malformed byte, returned as itself). */
static unsigned decode(const unsigned char *s, size_t *len)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
	if (n == 0) {
		*len = 1;
		return c;
	}
	unsigned cp = c & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*len = 1;
			return c;
		}
		cp = cp << 6 | (s[i] & 0x3F);
	}
	*len = n;
	return cp;
}

/* U+00C0..U+00FF; '*' keeps the character. */
static const char latin1[] = "AAAAAA*CEEEEIIIIDNOOOOO*OUUUUY**aaaaaa*ceeeeiiiidnooooo*ouuuuy*y";
/* U+1EA0..U+1EF9 (Vietnamese letters with two marks, or with a dot below). */
static const char viet[] = "AaAaAaAaAaAaAaAaAaAaAaAa"
                           "EeEeEeEeEeEeEeEe"
                           "IiIi"
                           "OoOoOoOoOoOoOoOoOoOoOoOo"
                           "UuUuUuUuUuUuUu"
                           "YyYyYyYy";

/* The ASCII text standing for code point cp, NULL to keep it, "" to drop. */
static const char *ascii_of(unsigned cp, char one[2])
{
	one[1] = '\0';
	if (cp >= 0xC0 && cp <= 0xFF && latin1[cp - 0xC0] != '*') {
		one[0] = latin1[cp - 0xC0];
		return one;
	}
	if (cp >= 0x1EA0 && cp <= 0x1EF9) {
		one[0] = viet[cp - 0x1EA0];
		return one;
	}
	if (cp >= 0x300 && cp <= 0x36F)
		return "";
	switch (cp) {
	case 0x102: return "A";
	case 0x103: return "a";
	case 0x110: return "D";
	case 0x111: return "d";
	case 0x128: return "I";
	case 0x129: return "i";
	case 0x168: return "U";
	case 0x169: return "u";
	case 0x1A0: return "O";
	case 0x1A1: return "o";
	case 0x1AF: return "U";
	case 0x1B0: return "u";
	case 0x2013:
	case 0x2014: return "-";
	case 0x2018:
	case 0x2019: return "'";
	case 0x201C:
	case 0x201D: return "\"";
	case 0x2026: return "...";
	case 0xA0: return " ";
	default: return NULL;
	}
}

void notify_ascii(const char *utf8, char *out, size_t outlen)
{
	size_t pos = 0;
	const unsigned char *s = (const unsigned char *)utf8;
	if (outlen == 0)
		return;
	while (*s) {
		size_t len;
		char one[2];
		unsigned cp = decode(s, &len);
		const char *rep = ascii_of(cp, one);
		const char *src = rep ? rep : (const char *)s;
		size_t n = rep ? strlen(rep) : len;
		if (pos + n >= outlen)
			break;
		memcpy(out + pos, src, n);
		pos += n;
		s += len;
	}
	out[pos] = '\0';
}

bool notify_has_non_ascii(const char *utf8)
{
	for (const unsigned char *s = (const unsigned char *)utf8; *s; s++)
		if (*s >= 0x80)
			return true;
	return false;
}

/* Septets of cp in the GSM 7-bit alphabet (basic: 1, extension: 2), 0 when
 * it has none. */
static int gsm_septets(unsigned cp)
{
	static const unsigned basic_high[] = {
	    0xA3,  0xA5,  0xE8,  0xE9,  0xF9,  0xEC,  0xF2,  0xC7,  0xD8,  0xF8, 0xC5, 0xE5, 0x394,
	    0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0xC6, 0xE6, 0xDF, 0xC9,
	    0xA4,  0xA1,  0xC4,  0xD6,  0xD1,  0xDC,  0xA7,  0xBF,  0xE4,  0xF6, 0xF1, 0xFC, 0xE0};
	if (cp == '\n' || cp == '\r')
		return 1;
	if (cp == '^' || cp == '{' || cp == '}' || cp == '\\' || cp == '[' || cp == ']' ||
	    cp == '~' || cp == '|' || cp == 0x20AC)
		return 2;
	if (cp >= 0x20 && cp < 0x7F && cp != '`')
		return 1;
	for (size_t i = 0; i < sizeof basic_high / sizeof basic_high[0]; i++)
		if (basic_high[i] == cp)
			return 1;
	return 0;
}

int notify_sms_parts(const char *utf8, bool *gsm, int *units)
{
	const unsigned char *s = (const unsigned char *)utf8;
	int septets = 0, utf16 = 0;
	bool is_gsm = true;
	while (*s) {
		size_t len;
		unsigned cp = decode(s, &len);
		int g = gsm_septets(cp);
		if (g == 0)
			is_gsm = false;
		septets += g;
		utf16 += cp > 0xFFFF ? 2 : 1;
		s += len;
	}
	if (gsm)
		*gsm = is_gsm;
	int n = is_gsm ? septets : utf16;
	if (units)
		*units = n;
	if (n == 0)
		return 0;
	int single = is_gsm ? 160 : 70, part = is_gsm ? 153 : 67;
	return n <= single ? 1 : (n + part - 1) / part;
}

int64_t notify_quiet_next(int64_t t, int from_min, int to_min, int utc_offset)
{
	if (from_min == to_min)
		return t;
	int64_t local = t + utc_offset;
	int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int64_t sec = local - day * 86400; /* seconds into the office day */
	int64_t from = (int64_t)from_min * 60, to = (int64_t)to_min * 60;
	if (from < to) { /* within one day, e.g. 12:00–13:30 */
		if (sec >= from && sec < to)
			return t + (to - sec);
		return t;
	}
	/* spanning midnight, e.g. 21:00–07:00 */
	if (sec >= from)
		return t + (86400 - sec) + to;
	if (sec < to)
		return t + (to - sec);
	return t;
}

int notify_hhmm(const char *s)
{
	return civil_parse_hhmm(s, false);
}

int64_t notify_backoff_seconds(int attempts)
{
	if (attempts < 1)
		attempts = 1;
	if (attempts > 8)
		return 3600;
	int64_t s = 30LL << (attempts - 1);
	return s > 3600 ? 3600 : s;
}

/* ---- The configuration ---------------------------------------------------- */

const char *const notify_channel_names[] = {"email", "sms", "zalo", NULL};

int notify_channel_of(const char *name)
{
	for (int i = 0; name && notify_channel_names[i]; i++)
		if (strcmp(notify_channel_names[i], name) == 0)
			return i;
	return -1;
}

int notify_trigger_index(const char *trigger)
{
	for (int i = 0; trigger && notify_triggers[i]; i++)
		if (strcmp(notify_triggers[i], trigger) == 0)
			return i;
	return -1;
}

void notify_config_init(struct notify_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->quiet_from = NOTIFY_DEFAULT_QUIET_FROM;
	cfg->quiet_to = NOTIFY_DEFAULT_QUIET_TO;
	cfg->max_attempts = NOTIFY_DEFAULT_MAX_ATTEMPTS;
	cfg->reminder_days = NOTIFY_DEFAULT_REMINDER_DAYS;
	cfg->sms_ascii = NOTIFY_ASCII_AUTO;
}

void notify_config_clear(struct notify_config *cfg)
{
	for (size_t i = 0; i < NOTIFY_TRIGGER_COUNT; i++) {
		free(cfg->text[i]);
		free(cfg->subject[i]);
	}
	for (size_t i = 0; i < cfg->n_off; i++)
		free(cfg->off[i].office);
	free(cfg->off);
	notify_config_init(cfg);
}

const char *notify_config_text(const struct notify_config *cfg, const char *trigger, bool *custom)
{
	int i = notify_trigger_index(trigger);
	if (custom)
		*custom = i >= 0 && cfg->text[i] != NULL;
	return i < 0 ? NULL : cfg->text[i] ? cfg->text[i] : notify_template_text(trigger);
}

const char *notify_config_subject(const struct notify_config *cfg, const char *trigger,
                                  bool *custom)
{
	int i = notify_trigger_index(trigger);
	if (custom)
		*custom = i >= 0 && cfg->subject[i] != NULL;
	return i < 0 ? NULL : cfg->subject[i] ? cfg->subject[i] : notify_template_subject(trigger);
}

bool notify_config_trigger_off(const struct notify_config *cfg, const char *office,
                               const char *trigger)
{
	int t = notify_trigger_index(trigger);
	if (t < 0 || office == NULL)
		return false;
	for (size_t i = 0; i < cfg->n_off; i++)
		if (strcmp(cfg->off[i].office, office) == 0 && (cfg->off[i].triggers >> t & 1u))
			return true;
	return false;
}

int64_t notify_config_quiet_next(const struct notify_config *cfg, int64_t t, int utc_offset)
{
	return notify_quiet_next(t, cfg->quiet_from, cfg->quiet_to, utc_offset);
}

bool notify_sms_use_ascii(enum notify_sms_ascii mode, const char *text)
{
	if (!notify_has_non_ascii(text))
		return false;
	if (mode == NOTIFY_ASCII_ALWAYS)
		return true;
	bool gsm;
	int parts = notify_sms_parts(text, &gsm, NULL);
	return mode == NOTIFY_ASCII_AUTO && !gsm && parts > 2;
}

enum notify_next notify_after_failure(const struct notify_config *cfg, bool permanent, int attempts,
                                      bool any_hour, int64_t now, int utc_offset,
                                      int64_t *not_before)
{
	*not_before = now;
	if (permanent || attempts >= cfg->max_attempts)
		return NOTIFY_NEXT_DEAD;
	*not_before = now + notify_backoff_seconds(attempts);
	if (!any_hour)
		*not_before = notify_config_quiet_next(cfg, *not_before, utc_offset);
	return NOTIFY_NEXT_QUEUED;
}

/* ---- A dossier's message -------------------------------------------------- */

int64_t notify_dossier_office(const char *trigger, const struct notify_dossier_facts *f)
{
	bool returning =
	    trigger && (strcmp(trigger, "result_ready") == 0 || strcmp(trigger, "reminder") == 0);
	return returning && f->return_office_id ? f->return_office_id : f->intake_office_id;
}

int64_t notify_dossier_appointment(const char *trigger, const struct notify_dossier_facts *f)
{
	return trigger && strcmp(trigger, "apology") == 0 ? f->apology_due_at : f->due_at;
}

/* Adds (name, value) to out when value says something. */
static void dossier_field(struct notify_field *out, size_t *n, const char *name, const char *value)
{
	if (value && *value)
		out[(*n)++] = (struct notify_field){name, value};
}

size_t notify_dossier_fields(const char *trigger, const struct notify_dossier_facts *f,
                             const char *appointment, struct notify_field out[6])
{
	size_t n = 0;
	dossier_field(out, &n, "code", f->code);
	dossier_field(out, &n, "name", f->name);
	dossier_field(out, &n, "procedure", f->procedure);
	dossier_field(out, &n, "appointment", appointment);
	if (trigger && strcmp(trigger, "apology") == 0)
		dossier_field(out, &n, "reason", f->apology_reason);
	if (trigger && strcmp(trigger, "supplement") == 0)
		dossier_field(out, &n, "items", f->pending_items);
	return n;
}
