/* Citizens' feedback (PAKN): the requests read into typed commands
 * (api/parse_feedback.h). Nothing here logs a body or a secret. */
#include "api/parse_feedback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api/parse_notify.h"
#include "domain/applicant.h"
#include "store/notify.h"
#include "util/xmalloc.h"

#define FB_TEXT_MAX_CHARS 4000
#define FB_TEXT_MAX 4000
#define FB_ANSWER_MAX 8000
#define FB_TARGET_MAX 300

/* The first member of object o (in its order) that is not in known (a
 * NULL-terminated list), or NULL when every member is known. */
static const char *fb_unknown_member(json_t *o, const char *const *known)
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

/* err for a request member, naming it (mc_error_field). */
static enum mc_err fb_field_error(struct mc_error *err, enum mc_err kind, const char *field,
                                  const char *code, const char *vi, const char *en)
{
	mc_fail(err, kind, code, vi, en);
	return mc_error_field(err, field);
}

static enum mc_err fb_invalid(struct mc_error *err, const char *field)
{
	char vi[160], en[160];
	snprintf(vi, sizeof vi, "Giá trị ô %s không hợp lệ", field);
	snprintf(en, sizeof en, "The field %s is not valid", field);
	return fb_field_error(err, MC_ERR_INVALID, field, "invalid_field", vi, en);
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
                              const char *too_long_code, char **val, struct mc_error *err)
{
	*val = NULL;
	json_t *v = json_object_get(o, key);
	if (v == NULL || json_is_null(v))
		return MC_OK;
	if (!json_is_string(v))
		return fb_invalid(err, field);
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (memchr(s, '\0', len))
		return fb_invalid(err, field);
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
		return fb_field_error(err, MC_ERR_INVALID, field, too_long_code, vi, en);
	}
	*val = xstrndup(s, len);
	return MC_OK;
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

static enum mc_err fb_read_files(json_t *list, struct feedback_create_cmd *in, struct mc_error *err)
{
	if (list == NULL || json_is_null(list))
		return MC_OK;
	if (!json_is_array(list))
		return fb_invalid(err, "attachments");
	if (json_array_size(list) > FEEDBACK_MAX_FILES)
		return fb_field_error(err, MC_ERR_INVALID, "attachments", "too_many_files",
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
			return fb_invalid(err, field);
		json_object_foreach(f, key, v)
		{
			if (strcmp(key, "name") && strcmp(key, "type") && strcmp(key, "data"))
				return fb_field_error(err, MC_ERR_INVALID, field, "unknown_field",
				                      "Tệp đính kèm có mục không xác định",
				                      "An attachment takes name, type and data");
		}
		json_t *data = json_object_get(f, "data");
		json_t *name = json_object_get(f, "name");
		json_t *type = json_object_get(f, "type");
		if (!json_is_string(data) || json_string_length(data) == 0)
			return fb_field_error(err, MC_ERR_INVALID, field, "missing_field",
			                      "Tệp đính kèm không có nội dung",
			                      "An attachment has no data");
		if ((name && !json_is_string(name)) || (type && !json_is_string(type)) ||
		    (name && json_string_length(name) > 200))
			return fb_invalid(err, field);
		const char *b64 = json_string_value(data);
		size_t b64len = json_string_length(data);
		/* A data: URL's head ("data:image/png;base64,") is not the file. */
		if (strncmp(b64, "data:", 5) == 0) {
			const char *comma = strchr(b64, ',');
			if (comma == NULL)
				return fb_invalid(err, field);
			b64len -= (size_t)(comma + 1 - b64);
			b64 = comma + 1;
		}
		/* Anything decoding to more than the limit is refused before the
		 * bytes are decoded. */
		if (b64len / 4 * 3 > FEEDBACK_MAX_FILE_BYTES + 3 + b64len / 50)
			return fb_field_error(err, MC_ERR_INVALID, field, "file_too_large",
			                      "Mỗi tệp đính kèm không quá 1 MB",
			                      "Each attachment may be at most 1 MiB");
		size_t cap = b64len / 4 * 3 + 3;
		unsigned char *bin = xmalloc(cap ? cap : 1);
		size_t n = 0;
		if (sodium_base642bin(bin, cap, b64, b64len, " \t\r\n", &n, NULL,
		                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    n == 0) {
			free(bin);
			return fb_invalid(err, field);
		}
		if (n > FEEDBACK_MAX_FILE_BYTES) {
			free(bin);
			return fb_field_error(err, MC_ERR_INVALID, field, "file_too_large",
			                      "Mỗi tệp đính kèm không quá 1 MB",
			                      "Each attachment may be at most 1 MiB");
		}
		total += n;
		if (total > FEEDBACK_MAX_TOTAL_BYTES) {
			free(bin);
			return fb_field_error(err, MC_ERR_INVALID, "attachments", "files_too_large",
			                      "Các tệp đính kèm cộng lại không quá 3 MB",
			                      "The attachments together may be at most 3 MiB");
		}
		const char *mime = fb_magic(bin, n);
		if (mime == NULL) {
			free(bin);
			return fb_field_error(err, MC_ERR_INVALID, field, "file_type_not_allowed",
			                      "Chỉ nhận tệp ảnh JPEG, PNG hoặc tệp PDF",
			                      "Only JPEG or PNG images and PDF files are accepted");
		}
		struct feedback_file_in *ff = &in->files[in->nfiles++];
		ff->data = bin;
		ff->size = n;
		ff->mime = mime;
		const char *nm = name ? json_string_value(name) : "";
		ff->name = xstrdup(nm[0]                                  ? nm
		                   : strcmp(mime, "application/pdf") == 0 ? "tep.pdf"
		                   : strcmp(mime, "image/png") == 0       ? "anh.png"
		                                                          : "anh.jpg");
		unsigned char h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(h, bin, n);
		sodium_bin2hex(ff->sha256, sizeof ff->sha256, h, sizeof h);
	}
	return MC_OK;
}

/* The sender's fields of a filing with identity: each checked, and the
 * identity complete (name, address, and a phone or an e-mail). */
static enum mc_err fb_read_sender(json_t *sender, struct feedback_create_cmd *in,
                                  struct mc_error *err)
{
	enum mc_err rc;
	static const char *const sender_known[] = {"name", "address", "phone", "email", NULL};
	if (sender && fb_unknown_member(sender, sender_known))
		return fb_field_error(err, MC_ERR_INVALID, "sender", "unknown_field",
		                      "Thông tin người gửi có mục không xác định",
		                      "sender takes name, address, phone and email");
	char *phone = NULL;
	if ((rc =
	         fb_trimmed(sender, "name", "sender.name", 200, "invalid_field", &in->name, err)) ||
	    (rc = fb_trimmed(sender, "address", "sender.address", 500, "invalid_field",
	                     &in->address, err)) ||
	    (rc = fb_trimmed(sender, "phone", "sender.phone", 40, "invalid_field", &phone, err)) ||
	    (rc = fb_trimmed(sender, "email", "sender.email", 254, "invalid_field", &in->email,
	                     err)))
		return rc;
	if (in->name && !applicant_name_valid(in->name, strlen(in->name))) {
		free(phone);
		return fb_field_error(err, MC_ERR_INVALID, "sender.name", "invalid_field",
		                      "Họ và tên người gửi có ký tự không hợp lệ",
		                      "The sender's name has control, bidirectional or "
		                      "line separator characters");
	}
	bool phone_ok = phone == NULL || applicant_phone_normalize(phone, in->phone);
	free(phone);
	if (!phone_ok)
		return fb_field_error(err, MC_ERR_INVALID, "sender.phone", "invalid_phone",
		                      "Số điện thoại không đúng (số di động hoặc cố định Việt "
		                      "Nam)",
		                      "The phone number must be a Vietnamese number");
	if (in->email && !applicant_email_valid(in->email))
		return fb_field_error(err, MC_ERR_INVALID, "sender.email", "invalid_email",
		                      "Địa chỉ thư điện tử không đúng",
		                      "The e-mail address is not valid");
	static const struct {
		const char *field, *vi, *en;
	} need[] = {
	    {"sender.name", "Chưa nhập họ và tên người gửi (hoặc chọn gửi không danh tính)",
	     "Enter the sender's full name (or choose to send without identity)"},
	    {"sender.address", "Chưa nhập địa chỉ người gửi (hoặc chọn gửi không danh tính)",
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
		return fb_field_error(err, MC_ERR_INVALID, need[missing].field,
		                      "sender_identity_required", need[missing].vi,
		                      need[missing].en);
	return MC_OK;
}

/* Reads and checks req (no database): everything but the references to
 * offices, counters and dossiers. */
static enum mc_err fb_read(const struct principal *who, json_t *req, struct feedback_create_cmd *in,
                           struct mc_error *err)
{
	static const char *const known[] = {
	    "class",  "text",   "dossier_code", "dossier_secret", "counter", "subject_name",
	    "office", "sender", "anonymous",    "attachments",    "channel", "notify",
	    NULL};
	if (!json_is_object(req))
		return mc_fail(err, MC_ERR_INVALID, "invalid_body", "Nội dung yêu cầu không hợp lệ",
		               "The body must be a JSON object");
	const char *key = fb_unknown_member(req, known);
	if (key) {
		char en[160];
		snprintf(en, sizeof en, "Unknown member '%.40s'", key);
		return fb_field_error(err, MC_ERR_INVALID, key, "unknown_field",
		                      "Yêu cầu có mục không xác định", en);
	}
	/* The channel: the page's, a kiosk's, or the one staff name. */
	json_t *ch = json_object_get(req, "channel");
	if (ch && !json_is_null(ch) && !json_is_string(ch))
		return fb_invalid(err, "channel");
	const char *channel = json_is_string(ch) ? json_string_value(ch) : NULL;
	if (channel && !feedback_channel_valid(channel))
		return fb_field_error(err, MC_ERR_INVALID, "channel", "invalid_channel",
		                      "Kênh tiếp nhận không hợp lệ", "Unknown channel");
	bool staff = who != NULL && who->user_id > 0;
	bool kiosk = who != NULL && who->role == ROLE_KIOSK;
	if (staff) {
		if (channel == NULL)
			return fb_field_error(
			    err, MC_ERR_INVALID, "channel", "missing_field",
			    "Chưa chọn kênh tiếp nhận (điện thoại, thư, hòm thư, "
			    "tại quầy)",
			    "Choose the channel: hotline, letter, box or counter");
		if (!feedback_staff_channel(channel))
			return fb_field_error(
			    err, MC_ERR_INVALID, "channel", "invalid_channel",
			    "Kênh tiếp nhận không hợp lệ",
			    "Staff enter feedback received by hotline, letter, box "
			    "or counter");
		in->channel = channel;
	} else {
		const char *mine = kiosk ? "kiosk" : "web";
		if (channel && strcmp(channel, mine) != 0)
			return fb_field_error(err, MC_ERR_FORBIDDEN, "channel",
			                      "channel_not_allowed",
			                      "Kênh tiếp nhận không được phép",
			                      "This caller may not file on that channel");
		in->channel = mine;
	}
	json_t *cl = json_object_get(req, "class");
	if (cl == NULL || json_is_null(cl))
		return fb_field_error(err, MC_ERR_INVALID, "class", "missing_field",
		                      "Chưa chọn loại phản ánh, kiến nghị", "Choose the class");
	if (!json_is_string(cl) || !feedback_class_valid(json_string_value(cl)))
		return fb_field_error(err, MC_ERR_INVALID, "class", "invalid_class",
		                      "Loại phản ánh, kiến nghị không hợp lệ", "Unknown class");
	in->class = json_string_value(cl);

	enum mc_err rc;
	if ((rc = fb_trimmed(req, "text", "text", FB_TEXT_MAX_CHARS, "text_too_long", &in->text,
	                     err)))
		return rc;
	if (in->text == NULL)
		return fb_field_error(err, MC_ERR_INVALID, "text", "missing_field",
		                      "Chưa nhập nội dung phản ánh, kiến nghị", "Enter the text");
	if ((rc = fb_trimmed(req, "subject_name", "subject_name", 200, "invalid_field",
	                     &in->subject_name, err)) ||
	    (rc = fb_trimmed(req, "office", "office", 64, "invalid_field", &in->office, err)) ||
	    (rc = fb_trimmed(req, "dossier_code", "dossier_code", 64, "invalid_field",
	                     &in->dossier_code, err)) ||
	    (rc = fb_trimmed(req, "dossier_secret", "dossier_secret", 64, "invalid_field",
	                     &in->dossier_secret, err)))
		return rc;
	json_t *counter = json_object_get(req, "counter");
	if (counter && !json_is_null(counter)) {
		if (!json_is_integer(counter) || json_integer_value(counter) < 1 ||
		    json_integer_value(counter) > 9999)
			return fb_invalid(err, "counter");
		in->counter = json_integer_value(counter);
	}
	json_t *anon = json_object_get(req, "anonymous");
	if (anon && !json_is_null(anon) && !json_is_boolean(anon))
		return fb_invalid(err, "anonymous");
	in->anonymous = json_is_true(anon);

	json_t *sender = json_object_get(req, "sender");
	if (sender && !json_is_null(sender) && !json_is_object(sender))
		return fb_invalid(err, "sender");
	if (!in->anonymous && (rc = fb_read_sender(sender, in, err)))
		return rc;
	/* The channels the sender accepts the answer on (kept in
	 * feedback.notify); an anonymous report gives no contact to name. */
	json_t *notify = json_object_get(req, "notify");
	if (notify &&
	    (rc = notify_consent_parse(notify, in->anonymous ? NULL : in->phone,
	                               in->anonymous ? NULL : in->email, &in->consent, err))) {
		return mc_error_field(err, "notify");
	}
	return fb_read_files(json_object_get(req, "attachments"), in, err);
}

enum mc_err feedback_parse_create(const struct principal *who, json_t *req,
                                  struct feedback_create_cmd *cmd, struct mc_error *err)
{
	memset(cmd, 0, sizeof *cmd);
	return fb_read(who, req, cmd, err);
}

/* Checks the members of a sender's request: only secret and want. */
static enum mc_err fb_sender_req(json_t *req, const char *want, const char **secret,
                                 struct mc_error *err)
{
	if (!json_is_object(req))
		return mc_fail(err, MC_ERR_INVALID, "invalid_body", "Nội dung yêu cầu không hợp lệ",
		               "The body must be a JSON object");
	const char *const known[] = {"secret", want, NULL};
	if (fb_unknown_member(req, known))
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

enum mc_err feedback_parse_reply(json_t *req, const char **secret, char **text,
                                 struct mc_error *err)
{
	*text = NULL;
	enum mc_err rc = fb_sender_req(req, "text", secret, err);
	if (rc)
		return rc;
	if ((rc = fb_trimmed(req, "text", "text", FB_TEXT_MAX_CHARS, "text_too_long", text, err))) {
		err->field[0] = '\0'; /* the reply names no field */
		return rc;
	}
	if (*text == NULL)
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Chưa nhập nội dung trả lời",
		               "Enter the reply");
	return MC_OK;
}

enum mc_err feedback_parse_react(json_t *req, const char **secret, const char **reaction,
                                 struct mc_error *err)
{
	enum mc_err rc = fb_sender_req(req, "reaction", secret, err);
	if (rc)
		return rc;
	json_t *rv = json_object_get(req, "reaction");
	*reaction = json_string_value(rv);
	if (rv == NULL)
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Chưa chọn mức hài lòng",
		               "Choose satisfied or not satisfied");
	if (*reaction == NULL ||
	    (strcmp(*reaction, "satisfied") != 0 && strcmp(*reaction, "not_satisfied") != 0))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Mức hài lòng không hợp lệ",
		               "reaction is satisfied or not_satisfied");
	return MC_OK;
}

/* ---- staff actions ---------------------------------------------------------- */

/* A text member of req: required (1..max bytes), or optional (NULL when
 * absent, null or only blanks). Texts are kept as typed: every screen shows
 * them as text. */
static enum mc_err fb_text(json_t *req, const char *key, bool required, size_t max,
                           const char **out, struct mc_error *err)
{
	json_t *v = json_object_get(req, key);
	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return mc_failf(err, MC_ERR_INVALID, "missing_field",
			                "Thiếu trường bắt buộc", "%s is required", key);
		return MC_OK;
	}
	if (!json_is_string(v))
		return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "%s must be text", key);
	const char *t = json_string_value(v);
	size_t n = strlen(t);
	/* Only blanks is no text. */
	size_t blank = strspn(t, " \t\r\n");
	if (n == 0 || blank == n) {
		if (required)
			return mc_failf(err, MC_ERR_INVALID, "missing_field",
			                "Thiếu trường bắt buộc", "%s is required", key);
		return MC_OK;
	}
	if (n > max)
		return mc_failf(err, MC_ERR_INVALID, "text_too_long", "Nội dung quá dài",
		                "%s is at most %zu bytes", key, max);
	*out = t;
	return MC_OK;
}

/* Refuses members of req other than allowed ("action" and the action's). */
static enum mc_err fb_members(json_t *req, const char *const *allowed, struct mc_error *err)
{
	const char *key = fb_unknown_member(req, allowed);
	if (key)
		return mc_failf(err, MC_ERR_INVALID, "unknown_field", "Trường không được hỗ trợ",
		                "unknown field '%.40s'", key);
	return MC_OK;
}

static enum mc_err fb_parse_classify(json_t *req, struct feedback_action_cmd *cmd,
                                     struct mc_error *err)
{
	static const char *const members[] = {"action", "decision", "reason", "to", NULL};
	const char *decision;
	enum mc_err rc;
	if ((rc = fb_members(req, members, err)) ||
	    (rc = fb_text(req, "decision", true, 16, &decision, err)))
		return rc;
	cmd->decision = feedback_decision_of(decision);
	if (cmd->decision == FEEDBACK_DECISION_NONE)
		return mc_fail(err, MC_ERR_INVALID, "invalid_decision", "Quyết định không hợp lệ",
		               "decision is accept, reject or forward");
	if ((rc = fb_text(req, "reason", cmd->decision == FEEDBACK_REJECT, FB_TEXT_MAX,
	                  &cmd->reason, err)))
		return rc;
	return fb_text(req, "to", cmd->decision == FEEDBACK_FORWARD, FB_TARGET_MAX, &cmd->to, err);
}

/* user_id of assign (a user's id) and set_subject (or null: none). */
static enum mc_err fb_parse_user(json_t *req, bool nullable, struct feedback_action_cmd *cmd,
                                 struct mc_error *err)
{
	static const char *const members[] = {"action", "user_id", NULL};
	enum mc_err rc = fb_members(req, members, err);
	if (rc)
		return rc;
	json_t *v = json_object_get(req, "user_id");
	if (v == NULL)
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		               nullable ? "user_id is required (null: none)"
		                        : "user_id is required");
	if (nullable && json_is_null(v))
		return MC_OK;
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               nullable ? "user_id is a user's id or null"
		                        : "user_id is a user's id");
	cmd->user_id = json_integer_value(v);
	return MC_OK;
}

/* The members of cmd->action, read. */
static enum mc_err fb_parse_members(json_t *req, struct feedback_action_cmd *cmd,
                                    struct mc_error *err)
{
	static const char *const text[] = {"action", "text", NULL};
	static const char *const publish[] = {"action", "question", "answer", NULL};
	static const char *const close[] = {"action", "note", NULL};
	static const char *const repeat[] = {"action", "of", NULL};
	enum mc_err rc;
	switch (cmd->action) {
	case FEEDBACK_CLASSIFY: return fb_parse_classify(req, cmd, err);
	case FEEDBACK_ASSIGN: return fb_parse_user(req, false, cmd, err);
	case FEEDBACK_SET_SUBJECT: return fb_parse_user(req, true, cmd, err);
	case FEEDBACK_REQUEST_INFO:
	case FEEDBACK_ANSWER:
		if ((rc = fb_members(req, text, err)))
			return rc;
		return fb_text(req, "text", true,
		               cmd->action == FEEDBACK_REQUEST_INFO ? FB_TEXT_MAX : FB_ANSWER_MAX,
		               &cmd->text, err);
	case FEEDBACK_APPROVE:
		if ((rc = fb_members(req, text, err)))
			return rc;
		return fb_text(req, "text", false, FB_ANSWER_MAX, &cmd->text, err);
	case FEEDBACK_PUBLISH:
		if ((rc = fb_members(req, publish, err)) ||
		    (rc = fb_text(req, "question", false, FB_TEXT_MAX, &cmd->question, err)))
			return rc;
		return fb_text(req, "answer", false, FB_ANSWER_MAX, &cmd->answer, err);
	case FEEDBACK_CLOSE:
		if ((rc = fb_members(req, close, err)))
			return rc;
		return fb_text(req, "note", false, FB_TEXT_MAX, &cmd->note, err);
	case FEEDBACK_LINK_REPEAT:
		if ((rc = fb_members(req, repeat, err)))
			return rc;
		return fb_text(req, "of", true, 31, &cmd->of, err);
	default: return MC_OK; /* unknown: the rules refuse it (invalid_action) */
	}
}

enum mc_err feedback_parse_action(json_t *req, struct feedback_action_cmd *cmd,
                                  struct mc_error *err)
{
	memset(cmd, 0, sizeof *cmd);
	json_t *a = json_object_get(req, "action");
	if (a == NULL)
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		               "action is required");
	if (!json_is_string(a))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "action is text");
	cmd->action = feedback_action_of(json_string_value(a));
	cmd->parse_rc = fb_parse_members(req, cmd, &cmd->parse_err);
	return MC_OK;
}
