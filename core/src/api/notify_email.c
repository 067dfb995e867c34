/* The e-mail channel: one message over SMTP to the configured relay
 * (docs/notifications.md "E-mail"). smtps:// speaks TLS from the start
 * (port 465); smtp:// upgrades with STARTTLS when the relay offers it
 * (port 587 or 25). The message: From (the configuration's "from", its
 * name RFC 2047 encoded), To, Subject (RFC 2047, UTF-8, base64 words),
 * Date, Message-ID <notify-ROW@domain of from>, MIME-Version 1.0,
 * Content-Type text/plain; charset=UTF-8, Content-Transfer-Encoding base64.
 * A 5xx for the recipient or the message is a refusal for good; a 4xx, a
 * refused login, a timeout or a relay away is tried again later. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/notify_adapter.h"
#include "api/notify_curl.h"
#include "domain/applicant.h"
#include "util/clock.h"
#include "util/strbuf.h"

/* Splits "Name <addr>" (or "addr") into the name (trimmed, quotes
 * dropped; may be empty) and the address. false when no valid address. */
static bool split_from(const char *from, char *name, size_t namelen, char *addr, size_t addrlen)
{
	name[0] = addr[0] = '\0';
	const char *lt = strrchr(from, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	const char *a = from;
	size_t an = strlen(from);
	if (lt != NULL && gt != NULL) {
		a = lt + 1;
		an = (size_t)(gt - a);
		const char *s = from;
		const char *e = lt;
		while (s < e && (*s == ' ' || *s == '"'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '"'))
			e--;
		size_t nn = (size_t)(e - s);
		if (nn >= namelen)
			nn = namelen - 1;
		memcpy(name, s, nn);
		name[nn] = '\0';
	} else {
		while (an > 0 && a[an - 1] == ' ')
			an--;
		while (an > 0 && *a == ' ') {
			a++;
			an--;
		}
	}
	if (an >= addrlen)
		return false;
	memcpy(addr, a, an);
	addr[an] = '\0';
	return applicant_email_valid(addr); /* the one rule intake checks too */
}

/* Appends text as RFC 2047 encoded words (UTF-8, base64), each at most 75
 * characters, cut at character boundaries, folded with CRLF SPACE. Plain
 * printable ASCII without "=?" goes as it is. */
static void put_encoded(struct strbuf *sb, const char *text)
{
	bool plain = strstr(text, "=?") == NULL;
	for (const unsigned char *p = (const unsigned char *)text; *p && plain; p++)
		if (*p < 0x20 || *p >= 0x7F)
			plain = false;
	if (plain && strlen(text) < 900) {
		strbuf_puts(sb, text);
		return;
	}
	size_t n = strlen(text);
	size_t i = 0;
	bool first = true;
	while (i < n) {
		/* 45 bytes → 60 base64 characters + 12 = 72 ≤ 75. */
		size_t take = n - i < 45 ? n - i : 45;
		while (take > 0 && i + take < n && (((unsigned char)text[i + take]) & 0xC0) == 0x80)
			take--;
		if (take == 0)
			take = n - i < 45 ? n - i : 45;
		char b64[128];
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)text + i, take,
		                  sodium_base64_VARIANT_ORIGINAL);
		if (!first)
			strbuf_puts(sb, "\r\n ");
		strbuf_printf(sb, "=?UTF-8?B?%s?=", b64);
		first = false;
		i += take;
	}
}

/* Appends the body: text with its line ends made CRLF, in base64 lines of
 * 76 characters. */
static void put_body(struct strbuf *sb, const char *text)
{
	struct strbuf crlf = STRBUF_INIT;
	for (const char *p = text; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n')
			strbuf_puts(&crlf, "\r\n");
		else
			strbuf_append(&crlf, p, 1);
	}
	strbuf_puts(&crlf, "\r\n");
	for (size_t i = 0; i < crlf.len; i += 57) {
		size_t take = crlf.len - i < 57 ? crlf.len - i : 57;
		char b64[96];
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)crlf.data + i, take,
		                  sodium_base64_VARIANT_ORIGINAL);
		strbuf_printf(sb, "%s\r\n", b64);
	}
	strbuf_free(&crlf);
}

/* RFC 5322 date of t (UTC, English names whatever the locale). */
static void rfc5322_date(int64_t t, char out[40])
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
	         months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The message being uploaded: CURLOPT_READFUNCTION's cursor. */
struct upload {
	const char *data;
	size_t len;
	size_t off;
};

static size_t read_upload(char *buf, size_t size, size_t nitems, void *user)
{
	struct upload *u = user;
	size_t room = size * nitems;
	size_t left = u->len - u->off;
	size_t n = left < room ? left : room;
	memcpy(buf, u->data + u->off, n);
	u->off += n;
	return n;
}

/* CURLOPT_HEADERFUNCTION: for SMTP, the relay's reply lines; kept, capped. */
static size_t keep_reply(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct strbuf *sb = user;
	size_t n = size * nmemb;
	if (sb->len < 3000)
		strbuf_append(sb, ptr, n < 3000 - sb->len ? n : 3000 - sb->len);
	return n;
}

/* The whole message m from (from_name, from_addr) into msg: headers, then
 * the base64 body. msgid: its Message-ID. */
static void build_message(struct strbuf *msg, const struct notify_message *m, const char *from_name,
                          const char *from_addr, const char *msgid)
{
	char date[40];
	rfc5322_date(clock_now(), date);
	strbuf_puts(msg, "From: ");
	if (from_name[0]) {
		put_encoded(msg, from_name);
		strbuf_puts(msg, " ");
	}
	strbuf_printf(msg, "<%s>\r\n", from_addr);
	strbuf_printf(msg, "To: <%s>\r\n", m->recipient);
	strbuf_puts(msg, "Subject: ");
	put_encoded(msg, m->subject && *m->subject ? m->subject : "Thông báo");
	strbuf_puts(msg, "\r\n");
	strbuf_printf(msg, "Date: %s\r\n", date);
	strbuf_printf(msg, "Message-ID: %s\r\n", msgid);
	strbuf_puts(msg, "MIME-Version: 1.0\r\n"
	                 "Content-Type: text/plain; charset=UTF-8\r\n"
	                 "Content-Transfer-Encoding: base64\r\n"
	                 "Auto-Submitted: auto-generated\r\n"
	                 "\r\n");
	put_body(msg, m->body ? m->body : "");
}

/* The login of cfg on h: smtp:// uses STARTTLS, required with a login (a
 * relay, or anyone in the path, not offering it must not get the password
 * in clear), tried when offered without one. */
static void set_login(CURL *h, const json_t *cfg, const char *url)
{
	const char *user = notify_cfg_str(cfg, "username");
	const char *pass = notify_cfg_str(cfg, "password");
	bool login = user != NULL && *user;
	if (strncmp(url, "smtp://", 7) == 0)
		curl_easy_setopt(h, CURLOPT_USE_SSL,
		                 login ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	if (login) {
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, pass ? pass : "");
	}
}

/* What the relay's answer means: code the transfer's result, reply the last
 * SMTP reply code, replies the reply lines, errbuf libcurl's error. Fills
 * *r (answer, provider_id = msgid when sent, error). */
static enum notify_outcome email_outcome(CURLcode code, long reply, const struct strbuf *replies,
                                         const char *errbuf, const char *msgid, int timeout_s,
                                         struct notify_result *r)
{
	struct notify_answer said = {replies->data, replies->len, false};
	char line[48];
	snprintf(line, sizeof line, "SMTP %ld", reply);
	if (code == CURLE_OK) {
		notify_keep_answer(r, line, &said);
		notify_clean_text(r->provider_id, sizeof r->provider_id, msgid, strlen(msgid),
		                  true);
		return NOTIFY_SENT;
	}
	if (code == CURLE_USE_SSL_FAILED) {
		if (replies->len)
			notify_keep_answer(r, line, &said);
		notify_set_error(
		    r, "tls_required: the relay offers no STARTTLS (or it failed); the "
		       "login is never sent in clear: use a relay with STARTTLS or smtps://");
		return NOTIFY_RETRY;
	}
	if (code == CURLE_LOGIN_DENIED) {
		notify_keep_answer(r, line, &said);
		notify_set_error(r, "smtp: the relay refused the login (%ld)", reply);
		return NOTIFY_RETRY;
	}
	if (reply >= 500 && reply < 600 && strstr(errbuf, "RCPT") != NULL) {
		notify_keep_answer(r, line, &said);
		notify_set_error(r, "bad_recipient: the relay refused the recipient (%ld)", reply);
		return NOTIFY_PERMANENT;
	}
	if (reply >= 500 && reply < 600 && code == CURLE_WEIRD_SERVER_REPLY) {
		notify_keep_answer(r, line, &said);
		notify_set_error(r, "refused: the relay refused the message (%ld)", reply);
		return NOTIFY_PERMANENT;
	}
	if (reply >= 400 && reply < 600) {
		notify_keep_answer(r, line, &said);
		notify_set_error(r, "smtp: the relay answered %ld (%s)", reply,
		                 errbuf[0] ? errbuf : curl_easy_strerror(code));
		return NOTIFY_RETRY;
	}
	if (replies->len)
		notify_keep_answer(r, line, &said);
	return notify_transport_failed(r, code, errbuf, timeout_s);
}

enum notify_outcome notify_email_send(const json_t *cfg, const struct notify_message *m,
                                      struct notify_result *r)
{
	memset(r, 0, sizeof *r);
	const char *url = notify_cfg_url(cfg, "url", false);
	const char *from = notify_cfg_str(cfg, "from");
	char from_name[400];
	char from_addr[256];
	if (url == NULL || from == NULL ||
	    !split_from(from, from_name, sizeof from_name, from_addr, sizeof from_addr)) {
		notify_set_error(r, "not_configured: the email configuration needs a url "
		                    "(smtp:// or smtps://) and a from address");
		return NOTIFY_RETRY;
	}
	if (m->recipient == NULL || !applicant_email_valid(m->recipient)) {
		notify_set_error(r, "bad_recipient: not an e-mail address a relay takes");
		return NOTIFY_PERMANENT;
	}
	char msgid[400];
	snprintf(msgid, sizeof msgid, "<notify-%lld@%s>", (long long)m->id,
	         strchr(from_addr, '@') + 1);
	struct strbuf msg = STRBUF_INIT;
	build_message(&msg, m, from_name, from_addr, msgid);

	int timeout_s = notify_timeout_s(cfg, 15);
	struct notify_answer a = {0};
	char errbuf[CURL_ERROR_SIZE];
	CURL *h = notify_curl_new(timeout_s, &a, errbuf);
	if (h == NULL) {
		strbuf_free(&msg);
		notify_set_error(r, "unreachable: libcurl could not start a transfer");
		return NOTIFY_RETRY;
	}
	char mail_from[300], rcpt_addr[300];
	snprintf(mail_from, sizeof mail_from, "<%s>", from_addr);
	snprintf(rcpt_addr, sizeof rcpt_addr, "<%s>", m->recipient);
	struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_addr);
	struct upload up = {msg.data, msg.len, 0};
	struct strbuf replies = STRBUF_INIT;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, keep_reply);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &replies);
	set_login(h, cfg, url);

	CURLcode code = curl_easy_perform(h);
	long reply = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
	enum notify_outcome out = email_outcome(code, reply, &replies, errbuf, msgid, timeout_s, r);
	curl_easy_cleanup(h);
	curl_slist_free_all(rcpt);
	strbuf_free(&replies);
	strbuf_free(&msg);
	notify_answer_free(&a);
	return out;
}
