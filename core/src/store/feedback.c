/* Citizens' feedback (PAKN) and anonymous reports: the intake (the public
 * page, a kiosk, staff typing in a call, a letter or the box), the sender's
 * own view with the code and secret, the sender's reply to a request for
 * information and reaction to the answer, and the attachments
 * (store/feedback.h, docs/api.md "Feedback"). The staff handling lives in
 * store/feedback_flow.c; the helpers both use in store/feedback_internal.h.
 *
 * Nothing here writes a sender field or a text into an event or a log
 * line; the sender's view never carries a sender field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/applicant.h"
#include "store/calendar.h"
#include "store/feedback.h"
#include "store/feedback_internal.h"
#include "store/notify.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/log.h"

#define FB_TEXT_MAX_CHARS 4000

/* ---- shared helpers (feedback_internal.h) -------------------------------- */

const char *feedback_unknown_member(json_t *o, const char *const *known)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		bool ok = false;
		for (size_t i = 0; !ok && known[i]; i++)
			ok = strcmp(known[i], key) == 0;
		if (!ok)
			return key;
	}
	return NULL;
}

enum mc_err feedback_event(struct store *st, const char *who_actor, const char *code,
                           int64_t office_id, const char *step, const char *status,
                           struct mc_error *err)
{
	char action[48];
	snprintf(action, sizeof action, "feedback.%s", step);
	json_t *d = json_pack("{s:s, s:s, s:s}", "code", code, "step", step, "status", status);
	char *text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	store_event_office(st, office_id);
	int64_t ev = store_event_append(st, who_actor, "feedback", code, action, text, false, err);
	free(text);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

void feedback_times_of_row(sqlite3_stmt *s, int col, struct feedback_times *t, char *decision,
                           size_t decision_len)
{
	memset(t, 0, sizeof *t);
	t->received_at = sqlite3_column_int64(s, col + 0);
	t->classified_at = sqlite3_column_int64(s, col + 1);
	snprintf(decision, decision_len, "%s", store_col_text(s, col + 2));
	t->decision = decision[0] ? decision : NULL;
	t->info_requested_at = sqlite3_column_int64(s, col + 3);
	t->answered_at = sqlite3_column_int64(s, col + 4);
	t->published_at = sqlite3_column_int64(s, col + 5);
	t->closed_at = sqlite3_column_int64(s, col + 6);
	t->reject_due_at = sqlite3_column_int64(s, col + 7);
	t->forward_due_at = sqlite3_column_int64(s, col + 8);
	t->info_due_at = sqlite3_column_int64(s, col + 9);
	t->answer_due_at = sqlite3_column_int64(s, col + 10);
	t->publish_due_at = sqlite3_column_int64(s, col + 11);
}

enum mc_err feedback_due(struct store *st, int64_t from, int days, int64_t *due,
                         struct mc_error *err)
{
	return store_calendar_due(st, from, STORE_CALENDAR_DAYS, (int64_t)days * 1000, due, err);
}

/* ---- limits and heads ------------------------------------------------------ */

void store_feedback_limits(struct store *st, struct feedback_limits *out)
{
	feedback_limits_default(out);
	char *text = store_setting_get(st, "feedback_limits");
	if (text == NULL)
		return;
	json_t *v = json_loads(text, 0, NULL);
	free(text);
	if (!json_is_object(v)) {
		log_warn("setting feedback_limits is not a JSON object: the defaults apply");
		json_decref(v);
		return;
	}
	struct {
		const char *key;
		int *slot;
	} keys[] = {{"reject", &out->reject},
	            {"forward", &out->forward},
	            {"info", &out->info},
	            {"answer", &out->answer},
	            {"publish", &out->publish}};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		json_t *n = json_object_get(v, keys[i].key);
		if (n == NULL)
			continue;
		if (json_is_integer(n) && json_integer_value(n) >= 1 && json_integer_value(n) <= 60)
			*keys[i].slot = (int)json_integer_value(n);
		else
			log_warn("setting feedback_limits.%s is not 1-60 working days: ignored",
			         keys[i].key);
	}
	json_decref(v);
}

void store_feedback_public_limits(struct store *st, struct feedback_public_limits *out)
{
	out->per_minute = FEEDBACK_PUBLIC_PER_MINUTE;
	out->attachment_bytes_per_day = FEEDBACK_PUBLIC_ATTACHMENT_BYTES_PER_DAY;
	char *text = store_setting_get(st, "feedback_public_limits");
	if (text == NULL)
		return;
	json_t *v = json_loads(text, 0, NULL);
	free(text);
	if (!json_is_object(v)) {
		log_warn("setting feedback_public_limits is not a JSON object: the defaults apply");
		json_decref(v);
		return;
	}
	json_t *n = json_object_get(v, "per_minute");
	if (json_is_integer(n) && json_integer_value(n) >= 1 && json_integer_value(n) <= 100000)
		out->per_minute = (int)json_integer_value(n);
	else if (n)
		log_warn("setting feedback_public_limits.per_minute is not 1-100000: ignored");
	n = json_object_get(v, "attachment_bytes_per_day");
	if (json_is_integer(n) && json_integer_value(n) >= 0 &&
	    json_integer_value(n) <= (1LL << 40))
		out->attachment_bytes_per_day = json_integer_value(n);
	else if (n)
		log_warn("setting feedback_public_limits.attachment_bytes_per_day is not "
		         "0-2^40: ignored");
	json_decref(v);
}

bool feedback_user_is_head(struct store_conn *c, int64_t user_id)
{
	if (user_id <= 0)
		return false;
	sqlite3_stmt *s = store_stmt(c, "SELECT head FROM users WHERE id = ? AND active = 1");
	if (s == NULL)
		return false;
	sqlite3_bind_int64(s, 1, user_id);
	bool head = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 1;
	sqlite3_reset(s);
	return head;
}

bool store_user_is_head(struct store *st, int64_t user_id)
{
	return feedback_user_is_head(store_read_conn(st), user_id);
}

/* ---- intake ---------------------------------------------------------------- */

static const char fb_secret_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/* err and *out ({"field"}) for a request member. */
static enum mc_err fb_field_error(json_t **out, struct mc_error *err, enum mc_err kind,
                                  const char *field, const char *code, const char *vi,
                                  const char *en)
{
	*out = json_pack("{s:s}", "field", field);
	return mc_fail(err, kind, code, vi, en);
}

static enum mc_err fb_invalid(json_t **out, struct mc_error *err, const char *field)
{
	char vi[160], en[160];
	snprintf(vi, sizeof vi, "Giá trị ô %s không hợp lệ", field);
	snprintf(en, sizeof en, "The field %s is not valid", field);
	return fb_field_error(out, err, MC_ERR_INVALID, field, "invalid_field", vi, en);
}

/* Unicode characters of the UTF-8 text s (jansson strings are valid UTF-8). */
static size_t fb_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* The text of member key of o, trimmed of ASCII white space, into a new
 * string (*val, NULL when absent or empty after trimming). Errors: not a
 * string (invalid_field), over max characters (too_long_code). */
static enum mc_err fb_trimmed(json_t *o, const char *key, const char *field, size_t max,
                              const char *too_long_code, char **val, json_t **out,
                              struct mc_error *err)
{
	*val = NULL;
	json_t *v = json_object_get(o, key);
	if (v == NULL || json_is_null(v))
		return MC_OK;
	if (!json_is_string(v))
		return fb_invalid(out, err, field);
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (memchr(s, '\0', len))
		return fb_invalid(out, err, field);
	while (len > 0 && strchr(" \t\r\n\f\v", *s)) {
		s++;
		len--;
	}
	while (len > 0 && strchr(" \t\r\n\f\v", s[len - 1]))
		len--;
	if (len == 0)
		return MC_OK;
	if (fb_chars(s, len) > max) {
		char vi[160], en[160];
		snprintf(vi, sizeof vi, "Ô %s dài quá %zu ký tự", field, max);
		snprintf(en, sizeof en, "The field %s is over %zu characters", field, max);
		return fb_field_error(out, err, MC_ERR_INVALID, field, too_long_code, vi, en);
	}
	*val = strndup(s, len);
	return MC_OK;
}

/* One attachment, decoded and checked. */
struct fb_file {
	char *name;
	const char *mime;
	unsigned char *data;
	size_t size;
	char sha256[65];
};

/* What a feedback's request says, checked. */
struct fb_in {
	const char *class, *channel;
	char *text, *subject_name, *office, *dossier_code, *dossier_secret;
	char *name, *address, *email;
	char phone[APPLICANT_PHONE_MAX];
	char *consent; /* feedback.notify (store_notify_consent's), or NULL */
	bool anonymous;
	int64_t counter; /* 0: none */
	struct fb_file files[FEEDBACK_MAX_FILES];
	int nfiles;
};

static void fb_in_free(struct fb_in *in)
{
	free(in->text);
	free(in->subject_name);
	free(in->office);
	free(in->dossier_code);
	free(in->dossier_secret);
	free(in->name);
	free(in->address);
	free(in->email);
	free(in->consent);
	for (int i = 0; i < in->nfiles; i++) {
		free(in->files[i].name);
		free(in->files[i].data);
	}
}

/* The type of data by its first bytes: NULL when none allowed. */
static const char *fb_magic(const unsigned char *d, size_t n)
{
	if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return "image/jpeg";
	if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 5 && memcmp(d, "%PDF-", 5) == 0)
		return "application/pdf";
	return NULL;
}

static enum mc_err fb_read_files(json_t *list, struct fb_in *in, json_t **out, struct mc_error *err)
{
	if (list == NULL || json_is_null(list))
		return MC_OK;
	if (!json_is_array(list))
		return fb_invalid(out, err, "attachments");
	if (json_array_size(list) > FEEDBACK_MAX_FILES)
		return fb_field_error(out, err, MC_ERR_INVALID, "attachments", "too_many_files",
		                      "Chỉ được gửi tối đa 3 tệp đính kèm",
		                      "At most 3 attachments may be sent");
	size_t total = 0;
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *f = json_array_get(list, i);
		char field[40];
		snprintf(field, sizeof field, "attachments[%zu]", i);
		const char *key;
		json_t *v;
		if (!json_is_object(f))
			return fb_invalid(out, err, field);
		json_object_foreach(f, key, v)
		{
			if (strcmp(key, "name") && strcmp(key, "type") && strcmp(key, "data"))
				return fb_field_error(out, err, MC_ERR_INVALID, field,
				                      "unknown_field",
				                      "Tệp đính kèm có mục không xác định",
				                      "An attachment takes name, type and data");
		}
		json_t *data = json_object_get(f, "data");
		json_t *name = json_object_get(f, "name");
		json_t *type = json_object_get(f, "type");
		if (!json_is_string(data) || json_string_length(data) == 0)
			return fb_field_error(out, err, MC_ERR_INVALID, field, "missing_field",
			                      "Tệp đính kèm không có nội dung",
			                      "An attachment has no data");
		if ((name && !json_is_string(name)) || (type && !json_is_string(type)) ||
		    (name && json_string_length(name) > 200))
			return fb_invalid(out, err, field);
		const char *b64 = json_string_value(data);
		size_t b64len = json_string_length(data);
		/* A data: URL's head ("data:image/png;base64,") is not the file. */
		if (strncmp(b64, "data:", 5) == 0) {
			const char *comma = strchr(b64, ',');
			if (comma == NULL)
				return fb_invalid(out, err, field);
			b64len -= (size_t)(comma + 1 - b64);
			b64 = comma + 1;
		}
		/* Anything decoding to more than the limit is refused before the
		 * bytes are decoded. */
		if (b64len / 4 * 3 > FEEDBACK_MAX_FILE_BYTES + 3 + b64len / 50)
			return fb_field_error(out, err, MC_ERR_INVALID, field, "file_too_large",
			                      "Mỗi tệp đính kèm không quá 1 MB",
			                      "Each attachment may be at most 1 MiB");
		size_t cap = b64len / 4 * 3 + 3;
		unsigned char *bin = malloc(cap ? cap : 1);
		size_t n = 0;
		if (bin == NULL ||
		    sodium_base642bin(bin, cap, b64, b64len, " \t\r\n", &n, NULL,
		                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    n == 0) {
			free(bin);
			return fb_invalid(out, err, field);
		}
		if (n > FEEDBACK_MAX_FILE_BYTES) {
			free(bin);
			return fb_field_error(out, err, MC_ERR_INVALID, field, "file_too_large",
			                      "Mỗi tệp đính kèm không quá 1 MB",
			                      "Each attachment may be at most 1 MiB");
		}
		total += n;
		if (total > FEEDBACK_MAX_TOTAL_BYTES) {
			free(bin);
			return fb_field_error(out, err, MC_ERR_INVALID, "attachments",
			                      "files_too_large",
			                      "Các tệp đính kèm cộng lại không quá 3 MB",
			                      "The attachments together may be at most 3 MiB");
		}
		const char *mime = fb_magic(bin, n);
		if (mime == NULL) {
			free(bin);
			return fb_field_error(out, err, MC_ERR_INVALID, field,
			                      "file_type_not_allowed",
			                      "Chỉ nhận tệp ảnh JPEG, PNG hoặc tệp PDF",
			                      "Only JPEG or PNG images and PDF files are accepted");
		}
		struct fb_file *ff = &in->files[in->nfiles++];
		ff->data = bin;
		ff->size = n;
		ff->mime = mime;
		const char *nm = name ? json_string_value(name) : "";
		ff->name = strdup(nm[0]                                  ? nm
		                  : strcmp(mime, "application/pdf") == 0 ? "tep.pdf"
		                  : strcmp(mime, "image/png") == 0       ? "anh.png"
		                                                         : "anh.jpg");
		unsigned char h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(h, bin, n);
		sodium_bin2hex(ff->sha256, sizeof ff->sha256, h, sizeof h);
	}
	return MC_OK;
}

/* Reads and checks req (no database): everything but the references to
 * offices, counters and dossiers. */
static enum mc_err fb_read(const struct principal *who, json_t *req, struct fb_in *in, json_t **out,
                           struct mc_error *err)
{
	static const char *const known[] = {
	    "class",  "text",   "dossier_code", "dossier_secret", "counter", "subject_name",
	    "office", "sender", "anonymous",    "attachments",    "channel", "notify",
	    NULL};
	if (!json_is_object(req))
		return mc_fail(err, MC_ERR_INVALID, "invalid_body", "Nội dung yêu cầu không hợp lệ",
		               "The body must be a JSON object");
	const char *key = feedback_unknown_member(req, known);
	if (key) {
		char en[160];
		snprintf(en, sizeof en, "Unknown member '%.40s'", key);
		return fb_field_error(out, err, MC_ERR_INVALID, key, "unknown_field",
		                      "Yêu cầu có mục không xác định", en);
	}
	/* The channel: the page's, a kiosk's, or the one staff name. */
	json_t *ch = json_object_get(req, "channel");
	if (ch && !json_is_null(ch) && !json_is_string(ch))
		return fb_invalid(out, err, "channel");
	const char *channel = json_is_string(ch) ? json_string_value(ch) : NULL;
	if (channel && !feedback_channel_valid(channel))
		return fb_field_error(out, err, MC_ERR_INVALID, "channel", "invalid_channel",
		                      "Kênh tiếp nhận không hợp lệ", "Unknown channel");
	bool staff = who != NULL && who->user_id > 0;
	bool kiosk = who != NULL && who->role == ROLE_KIOSK;
	if (staff) {
		if (channel == NULL)
			return fb_field_error(
			    out, err, MC_ERR_INVALID, "channel", "missing_field",
			    "Chưa chọn kênh tiếp nhận (điện thoại, thư, hòm thư, "
			    "tại quầy)",
			    "Choose the channel: hotline, letter, box or counter");
		if (!feedback_staff_channel(channel))
			return fb_field_error(
			    out, err, MC_ERR_INVALID, "channel", "invalid_channel",
			    "Kênh tiếp nhận không hợp lệ",
			    "Staff enter feedback received by hotline, letter, box "
			    "or counter");
		in->channel = channel;
	} else {
		const char *mine = kiosk ? "kiosk" : "web";
		if (channel && strcmp(channel, mine) != 0)
			return fb_field_error(out, err, MC_ERR_FORBIDDEN, "channel",
			                      "channel_not_allowed",
			                      "Kênh tiếp nhận không được phép",
			                      "This caller may not file on that channel");
		in->channel = mine;
	}
	json_t *cl = json_object_get(req, "class");
	if (cl == NULL || json_is_null(cl))
		return fb_field_error(out, err, MC_ERR_INVALID, "class", "missing_field",
		                      "Chưa chọn loại phản ánh, kiến nghị", "Choose the class");
	if (!json_is_string(cl) || !feedback_class_valid(json_string_value(cl)))
		return fb_field_error(out, err, MC_ERR_INVALID, "class", "invalid_class",
		                      "Loại phản ánh, kiến nghị không hợp lệ", "Unknown class");
	in->class = json_string_value(cl);

	enum mc_err rc;
	if ((rc = fb_trimmed(req, "text", "text", FB_TEXT_MAX_CHARS, "text_too_long", &in->text,
	                     out, err)))
		return rc;
	if (in->text == NULL)
		return fb_field_error(out, err, MC_ERR_INVALID, "text", "missing_field",
		                      "Chưa nhập nội dung phản ánh, kiến nghị", "Enter the text");
	if ((rc = fb_trimmed(req, "subject_name", "subject_name", 200, "invalid_field",
	                     &in->subject_name, out, err)) ||
	    (rc =
	         fb_trimmed(req, "office", "office", 64, "invalid_field", &in->office, out, err)) ||
	    (rc = fb_trimmed(req, "dossier_code", "dossier_code", 64, "invalid_field",
	                     &in->dossier_code, out, err)) ||
	    (rc = fb_trimmed(req, "dossier_secret", "dossier_secret", 64, "invalid_field",
	                     &in->dossier_secret, out, err)))
		return rc;
	json_t *counter = json_object_get(req, "counter");
	if (counter && !json_is_null(counter)) {
		if (!json_is_integer(counter) || json_integer_value(counter) < 1 ||
		    json_integer_value(counter) > 9999)
			return fb_invalid(out, err, "counter");
		in->counter = json_integer_value(counter);
	}
	json_t *anon = json_object_get(req, "anonymous");
	if (anon && !json_is_null(anon) && !json_is_boolean(anon))
		return fb_invalid(out, err, "anonymous");
	in->anonymous = json_is_true(anon);

	json_t *sender = json_object_get(req, "sender");
	if (sender && !json_is_null(sender) && !json_is_object(sender))
		return fb_invalid(out, err, "sender");
	if (!in->anonymous) {
		static const char *const sender_known[] = {"name", "address", "phone", "email",
		                                           NULL};
		if (sender && feedback_unknown_member(sender, sender_known))
			return fb_field_error(out, err, MC_ERR_INVALID, "sender", "unknown_field",
			                      "Thông tin người gửi có mục không xác định",
			                      "sender takes name, address, phone and email");
		char *phone = NULL;
		if ((rc = fb_trimmed(sender, "name", "sender.name", 200, "invalid_field", &in->name,
		                     out, err)) ||
		    (rc = fb_trimmed(sender, "address", "sender.address", 500, "invalid_field",
		                     &in->address, out, err)) ||
		    (rc = fb_trimmed(sender, "phone", "sender.phone", 40, "invalid_field", &phone,
		                     out, err)) ||
		    (rc = fb_trimmed(sender, "email", "sender.email", 254, "invalid_field",
		                     &in->email, out, err)))
			return rc;
		if (in->name && !applicant_name_valid(in->name, strlen(in->name))) {
			free(phone);
			return fb_field_error(out, err, MC_ERR_INVALID, "sender.name",
			                      "invalid_field",
			                      "Họ và tên người gửi có ký tự không hợp lệ",
			                      "The sender's name has control, bidirectional or "
			                      "line separator characters");
		}
		bool phone_ok = phone == NULL || applicant_phone_normalize(phone, in->phone);
		free(phone);
		if (!phone_ok)
			return fb_field_error(
			    out, err, MC_ERR_INVALID, "sender.phone", "invalid_phone",
			    "Số điện thoại không đúng (số di động hoặc cố định Việt "
			    "Nam)",
			    "The phone number must be a Vietnamese number");
		if (in->email && !applicant_email_valid(in->email))
			return fb_field_error(out, err, MC_ERR_INVALID, "sender.email",
			                      "invalid_email", "Địa chỉ thư điện tử không đúng",
			                      "The e-mail address is not valid");
		static const struct {
			const char *field, *vi, *en;
		} need[] = {
		    {"sender.name", "Chưa nhập họ và tên người gửi (hoặc chọn gửi không danh tính)",
		     "Enter the sender's full name (or choose to send without identity)"},
		    {"sender.address",
		     "Chưa nhập địa chỉ người gửi (hoặc chọn gửi không danh tính)",
		     "Enter the sender's address (or choose to send without identity)"},
		    {"sender.phone",
		     "Chưa nhập số điện thoại hoặc thư điện tử của người gửi (hoặc chọn gửi không "
		     "danh tính)",
		     "Enter the sender's phone or e-mail (or choose to send without identity)"},
		};
		int missing = in->name == NULL                       ? 0
		              : in->address == NULL                  ? 1
		              : (!in->phone[0] && in->email == NULL) ? 2
		                                                     : -1;
		if (missing >= 0)
			return fb_field_error(out, err, MC_ERR_INVALID, need[missing].field,
			                      "sender_identity_required", need[missing].vi,
			                      need[missing].en);
	}
	/* The channels the sender accepts the answer on (kept in
	 * feedback.notify); an anonymous report gives no contact to name. */
	json_t *notify = json_object_get(req, "notify");
	if (notify &&
	    (rc = store_notify_consent(notify, in->anonymous ? NULL : in->phone,
	                               in->anonymous ? NULL : in->email, &in->consent, err))) {
		*out = json_pack("{s:s}", "field", "notify");
		return rc;
	}
	return fb_read_files(json_object_get(req, "attachments"), in, out, err);
}

/* The dossier the feedback is about, resolved in the transaction. */
struct fb_dossier {
	int64_t id, return_office_id, clerk_id;
};

static enum mc_err fb_dossier_not_found(struct mc_error *err, json_t **out)
{
	return fb_field_error(out, err, MC_ERR_NOT_FOUND, "dossier_code", "dossier_not_found",
	                      "Không tìm thấy hồ sơ với mã và mã tra cứu này",
	                      "No dossier with this code and secret");
}

/* Finds the dossier of in (code, and its secret unless who is staff whose
 * scope covers it). */
static enum mc_err fb_find_dossier(struct store_conn *c, const struct principal *who,
                                   const struct fb_in *in, struct fb_dossier *d, json_t **out,
                                   struct mc_error *err)
{
	bool staff = who != NULL && who->user_id > 0;
	sqlite3_stmt *s = store_stmt(
	    c,
	    "SELECT d.id, d.secret_hash, coalesce(d.return_office_id, d.intake_office_id, 0),"
	    " coalesce((SELECT u.id FROM users u WHERE 'user:' || u.id = d.intake_by), 0),"
	    " (:staff AND (" SCOPE_SQL("d.intake_office_id") " OR " SCOPE_SQL(
	        "d.authority_id") " OR " SCOPE_SQL("d.return_office_id") "))"
	                                                                 " FROM dossiers d WHERE "
	                                                                 "d.code = :code");
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":code"), in->dossier_code, -1,
	                  SQLITE_STATIC);
	sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":staff"), staff);
	store_bind_scope(s, staff ? who : NULL);
	int step;
	bool found = store_next(s, &step), match = false;
	if (found) {
		d->id = sqlite3_column_int64(s, 0);
		d->return_office_id = sqlite3_column_int64(s, 2);
		d->clerk_id = sqlite3_column_int64(s, 3);
		char got[65];
		const char *want = store_col_text(s, 1);
		if (sqlite3_column_int(s, 4)) {
			match = true;
		} else if (in->dossier_secret && strlen(want) == 64) {
			store_secret_hash(in->dossier_code, in->dossier_secret, got);
			match = sodium_memcmp(want, got, 64) == 0;
		}
	}
	enum mc_err rc = store_scan_end(c, s, step, "dossier", err);
	if (rc)
		return rc;
	return match ? MC_OK : fb_dossier_not_found(err, out);
}

/* The office the feedback belongs to. */
static enum mc_err fb_find_office(struct store_conn *c, const struct principal *who,
                                  const struct fb_in *in, const struct fb_dossier *d,
                                  int64_t *office, json_t **out, struct mc_error *err)
{
	sqlite3_stmt *s;
	int step;
	*office = 0;
	if (in->office) {
		s = store_stmt(c, "SELECT id FROM offices WHERE code = ? AND active = 1"
		                  " AND kind IN ('centre','point')");
		if (s == NULL)
			return store_sql_error(c, "office", err);
		sqlite3_bind_text(s, 1, in->office, -1, SQLITE_STATIC);
		if (store_next(s, &step))
			*office = sqlite3_column_int64(s, 0);
		enum mc_err rc = store_scan_end(c, s, step, "office", err);
		if (rc)
			return rc;
		if (*office == 0)
			return fb_field_error(out, err, MC_ERR_NOT_FOUND, "office",
			                      "office_not_found", "Không có trung tâm này",
			                      "No such centre");
		return MC_OK;
	}
	if (d->id && d->return_office_id) {
		*office = d->return_office_id;
		return MC_OK;
	}
	/* A kiosk or a clerk files for the centre it stands in. */
	if (who && who->office_id > 0) {
		s = store_stmt(
		    c, "SELECT id FROM offices WHERE id = ? AND kind IN ('centre','point')");
		if (s == NULL)
			return store_sql_error(c, "office", err);
		sqlite3_bind_int64(s, 1, who->office_id);
		if (store_next(s, &step))
			*office = sqlite3_column_int64(s, 0);
		enum mc_err rc = store_scan_end(c, s, step, "office", err);
		if (rc || *office)
			return rc;
	}
	/* Else the only centre there is: for staff, the only one in their
	 * scope (a commune's supervisor files for the commune's centre). */
	s = store_stmt(c, "SELECT id FROM offices WHERE kind = 'centre' AND active = 1"
	                  " AND " SCOPE_SQL("id") " LIMIT 2");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	store_bind_scope(s, who);
	int n = 0;
	while (store_next(s, &step)) {
		*office = sqlite3_column_int64(s, 0);
		n++;
	}
	enum mc_err rc = store_scan_end(c, s, step, "office", err);
	if (rc)
		return rc;
	if (n != 1) {
		*office = 0;
		return fb_field_error(out, err, MC_ERR_INVALID, "office", "office_required",
		                      "Chọn trung tâm mà phản ánh, kiến nghị nói đến",
		                      "Choose the centre the feedback is about");
	}
	return MC_OK;
}

/* The official who last served at counter no of office before now (the
 * visits history: the user who called the latest ticket there that was
 * served or is being served), 0 when nobody did: not whoever holds the
 * counter now, who may not be the one the sender met. */
static enum mc_err fb_counter_user(struct store_conn *c, int64_t office, int64_t no, int64_t now,
                                   int64_t *user, json_t **out, struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(
	    c,
	    "SELECT coalesce((SELECT u.id FROM visits v JOIN users u ON v.actor = 'user:' || u.id"
	    " WHERE v.counter_id = c.id AND v.called_at <= ?3"
	    " AND (v.outcome IS NULL OR v.outcome = 'served')"
	    " ORDER BY v.called_at DESC, v.id DESC LIMIT 1), 0)"
	    " FROM counters c WHERE c.office_id = ?1 AND c.no = ?2");
	if (s == NULL)
		return store_sql_error(c, "counter", err);
	sqlite3_bind_int64(s, 1, office);
	sqlite3_bind_int64(s, 2, no);
	sqlite3_bind_int64(s, 3, now);
	int step;
	bool found = store_next(s, &step);
	if (found)
		*user = sqlite3_column_int64(s, 0);
	enum mc_err rc = store_scan_end(c, s, step, "counter", err);
	if (rc)
		return rc;
	if (!found)
		return fb_field_error(out, err, MC_ERR_INVALID, "counter", "counter_not_found",
		                      "Trung tâm không có quầy số này",
		                      "The centre has no counter with this number");
	return MC_OK;
}

/* The next tracking code of the office date of now: PA-yymmdd-NNNN,
 * gap-free because the number and the feedback are written in one commit.
 * No daily cap: past 9999 the number simply has more digits
 * (PA-yymmdd-10000), so a flood of filings cannot close the intake. */
static enum mc_err fb_next_code(struct store_conn *c, int64_t now, char out[32],
                                struct mc_error *err)
{
	char day[11];
	clock_office_date(now, day);
	sqlite3_stmt *s = store_stmt(c, "INSERT INTO feedback_numbers (day, last) VALUES (?, 1)"
	                                " ON CONFLICT (day) DO UPDATE SET last = last + 1"
	                                " RETURNING last");
	if (s == NULL)
		return store_sql_error(c, "feedback number", err);
	sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
	int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_reset(s);
	if (n == 0)
		return store_sql_error(c, "feedback number", err);
	snprintf(out, 32, "PA-%.2s%.2s%.2s-%04d", day + 2, day + 5, day + 8, n);
	return MC_OK;
}

/* Refuses a public filing whose attachments (bytes in all) would take the
 * attachments stored from public filings this office day past lim's
 * ceiling: 429 attachments_quota_full until the next office day. On c,
 * inside the insert's transaction (the day's codes share the prefix
 * PA-yymmdd-, read through the code's index). */
static enum mc_err fb_public_quota(struct store_conn *c, const struct feedback_public_limits *lim,
                                   int64_t now, int64_t bytes, json_t **out, struct mc_error *err)
{
	char day[11], from[16], to[16];
	clock_office_date(now, day);
	snprintf(from, sizeof from, "PA-%.2s%.2s%.2s-", day + 2, day + 5, day + 8);
	snprintf(to, sizeof to, "PA-%.2s%.2s%.2s.", day + 2, day + 5, day + 8);
	sqlite3_stmt *s = store_stmt(c, "SELECT coalesce(sum(ff.size), 0) FROM feedback f"
	                                " JOIN feedback_files ff ON ff.feedback_id = f.id"
	                                " WHERE f.code >= ? AND f.code < ?"
	                                " AND f.channel IN ('web', 'kiosk')");
	if (s == NULL)
		return store_sql_error(c, "feedback quota", err);
	sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
	int step;
	int64_t used = store_next(s, &step) ? sqlite3_column_int64(s, 0) : 0;
	enum mc_err rc = store_scan_end(c, s, step, "feedback quota", err);
	if (rc)
		return rc;
	if (used + bytes <= lim->attachment_bytes_per_day)
		return MC_OK;
	int64_t local = now + CLOCK_OFFICE_UTC_OFFSET;
	int64_t next_day = (local / 86400 + 1) * 86400 - CLOCK_OFFICE_UTC_OFFSET;
	fb_field_error(out, err, MC_ERR_RATE_LIMITED, "attachments", "attachments_quota_full",
	               "Hôm nay hệ thống đã nhận đủ tệp đính kèm; vui lòng gửi phản ánh, "
	               "kiến nghị không kèm tệp hoặc gửi tệp vào ngày mai",
	               "Today's room for attachments is full: file the feedback without "
	               "attachments, or send them tomorrow");
	err->retry_after = (int)(next_day - now);
	return MC_ERR_RATE_LIMITED;
}

static void fb_bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v && v[0])
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static void fb_bind_opt_int(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
}

enum mc_err store_feedback_create(struct store *st, const struct principal *who, json_t *req,
                                  int64_t now, json_t **out, struct mc_error *err)
{
	struct fb_in in = {0};
	*out = NULL;
	enum mc_err rc = fb_read(who, req, &in, out, err);
	if (rc) {
		fb_in_free(&in);
		return rc;
	}
	bool anonymous = in.anonymous;
	struct feedback_limits lim;
	store_feedback_limits(st, &lim);
	struct feedback_public_limits plim;
	store_feedback_public_limits(st, &plim);
	int64_t due[4] = {0}; /* reject, forward, info, answer */
	if (!anonymous) {
		int days[4] = {lim.reject, lim.forward, lim.info, lim.answer};
		for (int i = 0; i < 4; i++)
			if ((rc = feedback_due(st, now, days[i], &due[i], err))) {
				fb_in_free(&in);
				return rc;
			}
	}
	if ((rc = store_begin(st, err))) {
		fb_in_free(&in);
		return rc;
	}
	struct store_conn *c = store_write_conn(st);
	struct fb_dossier d = {0};
	int64_t office = 0, subject = 0, id = 0;
	char code[32], secret[FEEDBACK_SECRET_LEN + 1], hash[65];
	bool staff = who != NULL && who->user_id > 0;
	if (in.dossier_code && (rc = fb_find_dossier(c, who, &in, &d, out, err)))
		goto fail;
	if ((rc = fb_find_office(c, who, &in, &d, &office, out, err)))
		goto fail;
	if (staff) {
		int64_t in_scope = 0;
		sqlite3_stmt *s = store_stmt(c, "SELECT code FROM offices WHERE id = ?");
		char ocode[64] = "";
		if (s == NULL) {
			rc = store_sql_error(c, "office", err);
			goto fail;
		}
		sqlite3_bind_int64(s, 1, office);
		if (sqlite3_step(s) == SQLITE_ROW)
			snprintf(ocode, sizeof ocode, "%s", store_col_text(s, 0));
		sqlite3_reset(s);
		if ((rc = store_office_in_scope(c, who, ocode, &in_scope, err))) {
			*out = json_pack("{s:s}", "field", "office");
			goto fail;
		}
	}
	if (in.counter && (rc = fb_counter_user(c, office, in.counter, now, &subject, out, err)))
		goto fail;
	if (!in.counter && d.id && !anonymous && strcmp(in.class, "conduct") == 0)
		subject = d.clerk_id;
	/* An anonymous report keeps no dossier link: the dossier names the
	 * applicant. The dossier only chose the centre above. */
	if (anonymous)
		d.id = 0;
	if (!staff && in.nfiles > 0) {
		int64_t bytes = 0;
		for (int i = 0; i < in.nfiles; i++)
			bytes += (int64_t)in.files[i].size;
		if ((rc = fb_public_quota(c, &plim, now, bytes, out, err)))
			goto fail;
	}
	if ((rc = fb_next_code(c, now, code, err)))
		goto fail;
	for (int i = 0; i < FEEDBACK_SECRET_LEN; i++)
		secret[i] = fb_secret_alphabet[randombytes_uniform(sizeof fb_secret_alphabet - 1)];
	secret[FEEDBACK_SECRET_LEN] = '\0';
	store_secret_hash(code, secret, hash);

	sqlite3_stmt *s = store_stmt(
	    c, "INSERT INTO feedback (code, secret_hash, kind, class, channel, text, office_id,"
	       " dossier_id, subject_counter_no, subject_name, subject_user_id, sender_name,"
	       " sender_address, sender_phone, sender_email, entered_by, status, received_at,"
	       " reject_due_at, forward_due_at, info_due_at, answer_due_at, notify)"
	       " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,'received',?17,"
	       " ?18,?19,?20,?21,?22) RETURNING id");
	if (s == NULL) {
		rc = store_sql_error(c, "feedback", err);
		goto fail;
	}
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, anonymous ? "anonymous" : "pakn", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, in.class, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, in.channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, in.text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, office);
	fb_bind_opt_int(s, 8, d.id);
	fb_bind_opt_int(s, 9, in.counter);
	fb_bind_opt(s, 10, in.subject_name);
	fb_bind_opt_int(s, 11, subject);
	if (!anonymous) {
		fb_bind_opt(s, 12, in.name);
		fb_bind_opt(s, 13, in.address);
		fb_bind_opt(s, 14, in.phone);
		fb_bind_opt(s, 15, in.email);
		fb_bind_opt(s, 22, in.consent);
	}
	if (staff)
		sqlite3_bind_text(s, 16, who->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 17, now);
	for (int i = 0; i < 4; i++)
		fb_bind_opt_int(s, 18 + i, due[i]);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (id == 0) {
		rc = store_sql_error(c, "feedback", err);
		goto fail;
	}
	for (int i = 0; i < in.nfiles; i++) {
		s = store_stmt(c, "INSERT INTO feedback_files (feedback_id, n, name, mime, size,"
		                  " sha256, data) VALUES (?, ?, ?, ?, ?, ?, ?)");
		if (s == NULL) {
			rc = store_sql_error(c, "feedback file", err);
			goto fail;
		}
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int(s, 2, i + 1);
		sqlite3_bind_text(s, 3, in.files[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, in.files[i].mime, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, (int64_t)in.files[i].size);
		sqlite3_bind_text(s, 6, in.files[i].sha256, -1, SQLITE_STATIC);
		sqlite3_bind_blob(s, 7, in.files[i].data, (int)in.files[i].size, SQLITE_STATIC);
		if ((rc = store_step(c, s, "feedback file", err)))
			goto fail;
	}
	if ((rc = feedback_event(st, who ? who->actor : "public", code, office, "received",
	                         "received", err)))
		goto fail;
	if ((rc = store_commit(st, err))) {
		fb_in_free(&in);
		return rc;
	}
	fb_in_free(&in);
	char url[96];
	snprintf(url, sizeof url, "/status?code=%s&secret=%s", code, secret);
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s}", "code", code, "secret", secret,
	                 "kind", anonymous ? "anonymous" : "pakn", "status", "received",
	                 "status_text", feedback_status_text("received"), "received_at",
	                 (json_int_t)now, "answer_due_at",
	                 anonymous ? json_null() : json_integer(due[3]), "status_url", url);
	return MC_OK;
fail:
	fb_in_free(&in);
	store_rollback(st);
	return rc;
}

/* ---- the sender's routes ---------------------------------------------------- */

static enum mc_err fb_public_not_found(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_NOT_FOUND, "feedback_not_found",
	               "Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu này",
	               "No feedback with this code and secret");
}

/* The row of code when secret is its own, on c: id, status, kind,
 * office_id, info_asked_at, answer_due_at, reaction, answered_at. */
struct fb_row {
	int64_t id, office_id, info_asked_at, answer_due_at, answered_at;
	char status[20], kind[16], reaction[16];
};

static enum mc_err fb_load_secret(struct store_conn *c, const char *code, const char *secret,
                                  struct fb_row *f, struct mc_error *err)
{
	char got[65], want[65] = "";
	if (code == NULL || secret == NULL || strlen(code) > 31 || strlen(secret) > 64)
		return fb_public_not_found(err);
	/* Hashed even when the code is unknown, compared in constant time. */
	store_secret_hash(code, secret, got);
	sqlite3_stmt *s = store_stmt(c, "SELECT id, secret_hash, status, kind, office_id,"
	                                " coalesce(info_asked_at, info_requested_at, 0),"
	                                " coalesce(answer_due_at, 0), coalesce(reaction, ''),"
	                                " coalesce(answered_at, 0) FROM feedback WHERE code = ?");
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	int step;
	bool found = store_next(s, &step);
	if (found) {
		memset(f, 0, sizeof *f);
		snprintf(want, sizeof want, "%s", store_col_text(s, 1));
		f->id = sqlite3_column_int64(s, 0);
		snprintf(f->status, sizeof f->status, "%s", store_col_text(s, 2));
		snprintf(f->kind, sizeof f->kind, "%s", store_col_text(s, 3));
		f->office_id = sqlite3_column_int64(s, 4);
		f->info_asked_at = sqlite3_column_int64(s, 5);
		f->answer_due_at = sqlite3_column_int64(s, 6);
		snprintf(f->reaction, sizeof f->reaction, "%s", store_col_text(s, 7));
		f->answered_at = sqlite3_column_int64(s, 8);
	}
	enum mc_err rc = store_scan_end(c, s, step, "feedback", err);
	if (rc)
		return rc;
	bool match = found && strlen(want) == 64 && sodium_memcmp(want, got, 64) == 0;
	return match ? MC_OK : fb_public_not_found(err);
}

/* Whether the sender may react now: a PAKN answered (published, or closed
 * after its answer) not yet reacted to. */
static bool fb_can_react(const struct fb_row *f)
{
	return strcmp(f->kind, "pakn") == 0 && f->reaction[0] == '\0' && f->answered_at != 0 &&
	       (strcmp(f->status, "answered") == 0 || strcmp(f->status, "published") == 0 ||
	        strcmp(f->status, "closed") == 0);
}

/* The sender's view of f on c (never a sender field). */
static enum mc_err fb_public_view(struct store_conn *c, const char *code, const struct fb_row *f,
                                  json_t **out, struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT f.class, f.received_at, coalesce(f.answer_due_at, 0),"
	       " CASE WHEN f.status IN ('answered','published','closed') THEN f.answer END,"
	       " coalesce(f.answered_at, 0), coalesce(f.published_at, 0), o.code, o.name,"
	       " coalesce(f.reacted_at, 0)"
	       " FROM feedback f JOIN offices o ON o.id = f.office_id WHERE f.id = ?");
	if (s == NULL)
		return store_sql_error(c, "feedback", err);
	sqlite3_bind_int64(s, 1, f->id);
	int step;
	json_t *v = NULL;
	if (store_next(s, &step)) {
		const char *class = store_col_text(s, 0);
		bool pakn = strcmp(f->kind, "pakn") == 0;
		int64_t answer_due = sqlite3_column_int64(s, 2);
		v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:{s:s, s:s}}", "code",
		              code, "kind", f->kind, "class", class, "class_text",
		              feedback_class_text(class), "status", f->status, "status_text",
		              feedback_status_text(f->status), "received_at",
		              (json_int_t)sqlite3_column_int64(s, 1), "answer_due_at",
		              pakn && answer_due ? json_integer(answer_due) : json_null(), "office",
		              "code", store_col_text(s, 6), "name", store_col_text(s, 7));
		if (sqlite3_column_type(s, 3) != SQLITE_NULL) {
			json_object_set_new(v, "answer", json_string(store_col_text(s, 3)));
			json_object_set_new(v, "answered_at",
			                    json_integer(sqlite3_column_int64(s, 4)));
		}
		if (sqlite3_column_int64(s, 5))
			json_object_set_new(v, "published_at",
			                    json_integer(sqlite3_column_int64(s, 5)));
		json_object_set_new(v, "steps",
		                    json_pack("[{s:I, s:s}]", "at",
		                              (json_int_t)sqlite3_column_int64(s, 1), "step",
		                              "received"));
		json_object_set_new(v, "reaction",
		                    f->reaction[0] ? json_string(f->reaction) : json_null());
		if (f->reaction[0])
			json_object_set_new(v, "reacted_at",
			                    json_integer(sqlite3_column_int64(s, 8)));
	}
	enum mc_err rc = store_scan_end(c, s, step, "feedback", err);
	if (rc || v == NULL) {
		json_decref(v);
		return rc ? rc : fb_public_not_found(err);
	}
	/* The public notes: a rejection's reason, a forward's target, a
	 * request for information and the sender's replies. */
	s = store_stmt(c, "SELECT at, step, text FROM feedback_notes"
	                  " WHERE feedback_id = ? AND public = 1 ORDER BY id");
	if (s == NULL) {
		json_decref(v);
		return store_sql_error(c, "feedback notes", err);
	}
	sqlite3_bind_int64(s, 1, f->id);
	json_t *steps = json_object_get(v, "steps");
	const char *last_request = NULL;
	while (store_next(s, &step)) {
		const char *st = store_col_text(s, 1);
		json_array_append_new(steps, json_pack("{s:I, s:s, s:s}", "at",
		                                       (json_int_t)sqlite3_column_int64(s, 0),
		                                       "step", st, "text", store_col_text(s, 2)));
		if (strcmp(st, "info_request") == 0)
			last_request = json_string_value(json_object_get(
			    json_array_get(steps, json_array_size(steps) - 1), "text"));
	}
	if ((rc = store_scan_end(c, s, step, "feedback notes", err))) {
		json_decref(v);
		return rc;
	}
	bool asking = strcmp(f->status, "info_requested") == 0;
	if (asking && last_request)
		json_object_set_new(v, "info_request", json_string(last_request));
	json_object_set_new(v, "can_reply", json_boolean(asking));
	json_object_set_new(v, "can_react", json_boolean(fb_can_react(f)));
	*out = v;
	return MC_OK;
}

enum mc_err store_feedback_public(struct store *st, const char *code, const char *secret,
                                  int64_t now, json_t **out, struct mc_error *err)
{
	(void)now;
	struct store_conn *c = store_read_conn(st);
	struct fb_row f;
	enum mc_err rc = fb_load_secret(c, code, secret, &f, err);
	if (rc)
		return rc;
	return fb_public_view(c, code, &f, out, err);
}

/* Checks the members of a sender's request: only secret and want. */
static enum mc_err fb_sender_req(json_t *req, const char *want, const char **secret,
                                 struct mc_error *err)
{
	if (!json_is_object(req))
		return mc_fail(err, MC_ERR_INVALID, "invalid_body", "Nội dung yêu cầu không hợp lệ",
		               "The body must be a JSON object");
	const char *const known[] = {"secret", want, NULL};
	if (feedback_unknown_member(req, known))
		return mc_failf(err, MC_ERR_INVALID, "unknown_field",
		                "Yêu cầu có mục không xác định", "This request takes secret and %s",
		                want);
	json_t *v = json_object_get(req, "secret");
	if (!json_is_string(v))
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Thiếu mã tra cứu",
		               "The secret is missing");
	*secret = json_string_value(v);
	return MC_OK;
}

/* Ends a sender's change: commits, then answers the sender's view. */
static enum mc_err fb_sender_done(struct store *st, const char *code, const char *secret,
                                  int64_t now, json_t **out, struct mc_error *err)
{
	enum mc_err rc = store_commit(st, err);
	if (rc)
		return rc;
	return store_feedback_public(st, code, secret, now, out, err);
}

enum mc_err store_feedback_reply(struct store *st, const char *code, json_t *req, int64_t now,
                                 json_t **out, struct mc_error *err)
{
	const char *secret = NULL;
	char *text = NULL;
	json_t *field = NULL;
	enum mc_err rc = fb_sender_req(req, "text", &secret, err);
	if (rc)
		return rc;
	if ((rc = fb_trimmed(req, "text", "text", FB_TEXT_MAX_CHARS, "text_too_long", &text, &field,
	                     err))) {
		json_decref(field);
		return rc;
	}
	if (text == NULL)
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Chưa nhập nội dung trả lời",
		               "Enter the reply");
	if ((rc = store_begin(st, err))) {
		free(text);
		return rc;
	}
	struct store_conn *c = store_write_conn(st);
	struct fb_row f;
	int64_t waited = 0, moved = 0;
	if ((rc = fb_load_secret(c, code, secret, &f, err)))
		goto fail;
	if (strcmp(f.status, "info_requested") != 0) {
		rc = mc_failf(err, MC_ERR_CONFLICT, "feedback_wrong_state",
		              "Phản ánh, kiến nghị không đang chờ bổ sung thông tin",
		              "The feedback is %s, not waiting for information", f.status);
		goto fail;
	}
	/* The answer's clock paused while the request waited, unless the
	 * answer was already overdue when the request was made (a late request
	 * does not buy time; domain/feedback.h feedback_timing judges it so,
	 * and store/indicators.c ind_fb_due_at takes such moves back by the
	 * same test). */
	moved = f.answer_due_at;
	if (f.info_asked_at && f.answer_due_at && f.answer_due_at >= f.info_asked_at) {
		if ((rc = store_calendar_between(st, f.info_asked_at, now, &waited, err)))
			goto fail;
		if (waited > 0 &&
		    (rc = store_calendar_add(st, f.answer_due_at, waited, &moved, err)))
			goto fail;
	}
	sqlite3_stmt *s = store_stmt(c, "UPDATE feedback SET status = 'info_received',"
	                                " info_received_at = ?1, info_asked_at = NULL,"
	                                " answer_due_at = ?2 WHERE id = ?3");
	if (s == NULL) {
		rc = store_sql_error(c, "feedback", err);
		goto fail;
	}
	sqlite3_bind_int64(s, 1, now);
	fb_bind_opt_int(s, 2, moved);
	sqlite3_bind_int64(s, 3, f.id);
	if ((rc = store_step(c, s, "feedback", err)))
		goto fail;
	s = store_stmt(c, "INSERT INTO feedback_notes (feedback_id, at, actor, step, text, public)"
	                  " VALUES (?, ?, 'public', 'info_reply', ?, 1)");
	if (s == NULL) {
		rc = store_sql_error(c, "feedback note", err);
		goto fail;
	}
	sqlite3_bind_int64(s, 1, f.id);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
	if ((rc = store_step(c, s, "feedback note", err)) ||
	    (rc = feedback_event(st, "public", code, f.office_id, "info_reply", "info_received",
	                         err)))
		goto fail;
	free(text);
	return fb_sender_done(st, code, secret, now, out, err);
fail:
	free(text);
	store_rollback(st);
	return rc;
}

enum mc_err store_feedback_react(struct store *st, const char *code, json_t *req, int64_t now,
                                 json_t **out, struct mc_error *err)
{
	const char *secret = NULL;
	enum mc_err rc = fb_sender_req(req, "reaction", &secret, err);
	if (rc)
		return rc;
	json_t *rv = json_object_get(req, "reaction");
	const char *reaction = json_string_value(rv);
	if (rv == NULL)
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Chưa chọn mức hài lòng",
		               "Choose satisfied or not satisfied");
	if (reaction == NULL ||
	    (strcmp(reaction, "satisfied") != 0 && strcmp(reaction, "not_satisfied") != 0))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Mức hài lòng không hợp lệ",
		               "reaction is satisfied or not_satisfied");
	if ((rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	struct fb_row f;
	if ((rc = fb_load_secret(c, code, secret, &f, err)))
		goto fail;
	if (f.reaction[0]) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "already_reacted",
		             "Ông/bà đã cho biết mức hài lòng với câu trả lời này",
		             "The answer was already rated");
		goto fail;
	}
	if (!fb_can_react(&f)) {
		rc = mc_failf(err, MC_ERR_CONFLICT, "feedback_wrong_state",
		              "Phản ánh, kiến nghị chưa được trả lời",
		              "The feedback is %s: not answered yet", f.status);
		goto fail;
	}
	sqlite3_stmt *s = store_stmt(c, "UPDATE feedback SET reaction = ?1, reacted_at = ?2"
	                                " WHERE id = ?3 AND reaction IS NULL");
	if (s == NULL) {
		rc = store_sql_error(c, "feedback", err);
		goto fail;
	}
	sqlite3_bind_text(s, 1, reaction, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, f.id);
	if ((rc = store_step(c, s, "feedback", err)) ||
	    (rc = feedback_event(st, "public", code, f.office_id, "reaction", f.status, err)))
		goto fail;
	return fb_sender_done(st, code, secret, now, out, err);
fail:
	store_rollback(st);
	return rc;
}

/* ---- attachments ------------------------------------------------------------- */

enum mc_err store_feedback_file(struct store *st, const struct principal *who, const char *code,
                                int n, void **data, size_t *size, char mime[32], char name[201],
                                struct mc_error *err)
{
	*data = NULL;
	*size = 0;
	if (who == NULL || who->user_id <= 0 || code == NULL || strlen(code) > 31)
		return fb_public_not_found(err);
	struct store_conn *c = store_read_conn(st);
	/* The privacy rule (store/feedback.h): an anonymous report's files
	 * reach a head in scope; a PAKN's those who may read its sender, never
	 * the official it is about; a conduct report's only admins, supervisors
	 * and heads (its subject may be unknown or wrong). */
	bool head = store_user_is_head(st, who->user_id);
	bool sup = who->role == ROLE_ADMIN || who->role == ROLE_SUPERVISOR || head;
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT ff.name, ff.mime, ff.data FROM feedback f"
	                  " JOIN feedback_files ff ON ff.feedback_id = f.id AND ff.n = :n"
	                  " WHERE f.code = :code AND " SCOPE_SQL(
	                      "f.office_id") " AND CASE f.kind"
	                                     " WHEN 'anonymous' THEN :head"
	                                     " ELSE coalesce(f.subject_user_id, "
	                                     "0) != :user"
	                                     " AND (:sup OR (f.class != 'conduct'"
	                                     " AND f.assigned_user_id = :user)) END");
	if (s == NULL)
		return store_sql_error(c, "feedback file", err);
	sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":n"), n);
	sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":code"), code, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":head"), head);
	sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":sup"), sup);
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":user"), who->user_id);
	store_bind_scope(s, who);
	int step;
	if (store_next(s, &step)) {
		snprintf(name, 201, "%s", store_col_text(s, 0));
		snprintf(mime, 32, "%s", store_col_text(s, 1));
		*size = (size_t)sqlite3_column_bytes(s, 2);
		*data = malloc(*size ? *size : 1);
		if (*data && *size)
			memcpy(*data, sqlite3_column_blob(s, 2), *size);
	}
	enum mc_err rc = store_scan_end(c, s, step, "feedback file", err);
	if (rc || *data == NULL) {
		free(*data);
		*data = NULL;
		return rc ? rc
		          : mc_fail(err, MC_ERR_NOT_FOUND, "file_not_found",
		                    "Không có tệp đính kèm này", "No such attachment");
	}
	return MC_OK;
}
