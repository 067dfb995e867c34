#include "api/parse_dossier.h"

#include <stdlib.h>
#include <string.h>

#include "api/parse_notify.h"
#include "domain/applicant.h"
#include "domain/civil_date.h"
#include "store/notify.h"
#include "util/clock.h"
#include "util/xmalloc.h"

#define DOSSIER_MAX_ITEMS 50

/* A string member: absent (NULL, MC_OK) when optional; an error when of the
 * wrong type, empty, over max characters, or holding characters a message
 * must not carry (applicant_text_valid: controls but the line feed, bidi
 * controls, line separators). */
static enum mc_err dossier_str(json_t *obj, const char *key, bool required, size_t max,
                               const char **out, struct mc_error *err)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return MC_OK;
		return mc_failf(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		                "'%s' is required", key);
	}
	const char *s = json_string_value(v);
	if (s == NULL || *s == '\0' || strlen(s) != json_string_length(v))
		return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "'%s' must be a string of 1-%zu characters", key, max);
	if (!applicant_text_valid(s, strlen(s), max, true))
		return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "'%s' is over %zu characters or has control, bidirectional or line"
		                " separator characters",
		                key, max);
	*out = s;
	return MC_OK;
}

/* A list of {"item","reason"} (Mẫu 02) or of documents, min items at least:
 * *out its compact JSON text (the caller frees it), NULL when absent and
 * optional. */
static enum mc_err dossier_items(json_t *req, const char *key, const char *k1, const char *k2,
                                 size_t min, char **out, struct mc_error *err)
{
	json_t *arr = json_object_get(req, key);
	size_t i;
	json_t *v;
	*out = NULL;
	if (arr == NULL && min == 0)
		return MC_OK;
	if (!json_is_array(arr) || json_array_size(arr) < min ||
	    json_array_size(arr) > DOSSIER_MAX_ITEMS)
		return mc_failf(err, MC_ERR_INVALID, min ? "missing_items" : "invalid_field",
		                min ? "Phải liệt kê đủ các mục cần bổ sung" : "Trường không hợp lệ",
		                "'%s' must be an array of %zu-%d items", key, min,
		                DOSSIER_MAX_ITEMS);
	json_array_foreach(arr, i, v)
	{
		const char *a, *b;
		enum mc_err rc;
		if (!json_is_object(v))
			return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			                "'%s' items must be objects", key);
		if ((rc = dossier_str(v, k1, true, 500, &a, err)) ||
		    (rc = dossier_str(v, k2, false, 500, &b, err)))
			return rc;
	}
	*out = json_dumps(arr, JSON_COMPACT);
	return MC_OK;
}

/* The request as JSON text for the audit record, without the members the
 * store writes there itself (dropped: those are the store's to say). */
static char *dossier_echo(json_t *req)
{
	static const char *const store_keys[] = {"from", "status",      "due_at",
	                                         "code", "handover_to", "procedure_version"};
	json_t *copy = json_deep_copy(req);
	for (size_t i = 0; i < sizeof store_keys / sizeof store_keys[0]; i++)
		json_object_del(copy, store_keys[i]);
	char *text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);
	return text;
}

/* An instant given as epoch seconds or as ISO 8601 (civil_parse_instant:
 * office time when no offset is given), within 2000-2100. */
static bool dossier_instant(json_t *v, int64_t *out)
{
	int year = 0;
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return *out > 0;
	}
	return civil_parse_instant(json_string_value(v), CLOCK_OFFICE_UTC_OFFSET, out, &year) ==
	           CIVIL_INSTANT_OK &&
	       year >= 2000 && year <= 2100;
}

/* Each action's own input, checked before anything is locked. */
static enum mc_err dossier_action_input(json_t *req, struct dossier_action_cmd *cmd,
                                        struct mc_error *err)
{
	switch (cmd->action) {
	case DA_HANDOVER:
		if (dossier_str(req, "to_office", true, 32, &cmd->to_office, err))
			return MC_ERR_INVALID;
		return dossier_str(req, "to_person", false, 64, &cmd->to_person, err);
	case DA_REQUEST_SUPPLEMENT:
		return dossier_items(req, "items", "item", "reason", 1, &cmd->items, err);
	case DA_SEND_INTERAGENCY: return dossier_str(req, "partner", true, 32, &cmd->partner, err);
	case DA_APOLOGIZE:
		if (cmd->reason == NULL)
			return mc_fail(err, MC_ERR_INVALID, "reason_required",
			               "Văn bản xin lỗi phải nêu lý do",
			               "An apology needs a reason");
		if (!dossier_instant(json_object_get(req, "new_due"), &cmd->new_due))
			return mc_fail(err, MC_ERR_INVALID, "invalid_new_due",
			               "Ngày hẹn mới không hợp lệ",
			               "'new_due' must be epoch seconds or YYYY-MM-DDTHH:MM+07:00");
		return MC_OK;
	case DA_RETURN_INELIGIBLE:
	case DA_WITHDRAW:
	case DA_CANCEL:
		if (cmd->reason == NULL)
			return mc_fail(err, MC_ERR_INVALID, "reason_required", "Phải nêu rõ lý do",
			               "This action needs a reason");
		return MC_OK;
	case DA_RETURN_RESULT: {
		enum mc_err rc =
		    dossier_str(req, "collected_by", true, 200, &cmd->collected_by, err);
		if (rc)
			return rc;
		if (!json_is_true(json_object_get(req, "id_checked")))
			return mc_fail(
			    err, MC_ERR_INVALID, "identity_not_checked",
			    "Phải kiểm tra giấy tờ tùy thân người nhận",
			    "The collector's identity must be checked (id_checked: true)");
		return MC_OK;
	}
	default: return MC_OK;
	}
}

enum mc_err parse_dossier_action(json_t *req, struct dossier_action_cmd *cmd, struct mc_error *err)
{
	const char *action;
	enum mc_err rc;
	memset(cmd, 0, sizeof *cmd);
	if ((rc = dossier_str(req, "action", true, 32, &action, err)))
		return rc;
	if (!dossier_action_parse(action, &cmd->action))
		return mc_failf(err, MC_ERR_INVALID, "unknown_action", "Thao tác không hợp lệ",
		                "Unknown action '%.32s'", action);
	if ((rc = dossier_str(req, "note", false, 1000, &cmd->note, err)) ||
	    (rc = dossier_str(req, "reason", false, 1000, &cmd->reason, err)) ||
	    (rc = dossier_action_input(req, cmd, err))) {
		dossier_action_cmd_clear(cmd);
		return rc;
	}
	cmd->echo = dossier_echo(req);
	return MC_OK;
}

/* ---- intake ---------------------------------------------------------------- */

/* The applicant's member key read by dossier_str, its error naming the
 * field for people: err->field "applicant.<key>" and both messages in
 * words ("Chưa nhập họ và tên người nộp"), as the clerk's page shows them
 * beside the field. */
static enum mc_err dossier_applicant_str(json_t *applicant, const char *key, bool required,
                                         size_t max, const char **val, struct mc_error *err)
{
	static const struct {
		const char *key, *vi, *en;
	} labels[] = {
	    {"name", "họ và tên người nộp", "the applicant's full name"},
	    {"id_number", "số định danh (căn cước) hoặc hộ chiếu", "the ID or passport number"},
	    {"address", "địa chỉ", "the address"},
	    {"phone", "số điện thoại", "the phone number"},
	    {"email", "thư điện tử", "the e-mail address"},
	};
	enum mc_err rc = dossier_str(applicant, key, required, max, val, err);
	/* The applicant's details are each one line (the name in a message's
	 * subject above all). */
	if (rc == MC_OK && *val && !applicant_text_valid(*val, strlen(*val), max, false))
		rc = mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		              "'%s' must be one line", key);
	if (rc == MC_OK)
		return rc;
	const char *vi = key, *en = key;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].key, key) == 0) {
			vi = labels[i].vi;
			en = labels[i].en;
		}
	bool missing = strcmp(err->code, "missing_field") == 0;
	snprintf(err->message_vi, sizeof err->message_vi,
	         missing ? "Chưa nhập %s" : "Giá trị ô %s không hợp lệ (quá dài hoặc có ký tự lạ)",
	         vi);
	snprintf(err->message_en, sizeof err->message_en,
	         missing ? "Enter %s" : "Check %s: too long or odd characters", en);
	char field[32];
	snprintf(field, sizeof field, "applicant.%s", key);
	return mc_error_field(err, field);
}

/* A bad field: err filled with code and messages and the field named.
 * Returns MC_ERR_INVALID. */
static enum mc_err dossier_field_error(struct mc_error *err, const char *field, const char *code,
                                       const char *vi, const char *en)
{
	mc_fail(err, MC_ERR_INVALID, code, vi, en);
	return mc_error_field(err, field);
}

/* The applicant object: its members, then no member beyond them. */
static enum mc_err dossier_applicant(json_t *applicant, struct dossier_intake_cmd *in,
                                     struct mc_error *err)
{
	enum mc_err rc;
	if ((rc = dossier_applicant_str(applicant, "name", true, APPLICANT_NAME_MAX, &in->name,
	                                err)) ||
	    (rc = dossier_applicant_str(applicant, "id_number", false, 20, &in->id_number, err)) ||
	    (rc = dossier_applicant_str(applicant, "address", false, 300, &in->address, err)) ||
	    (rc = dossier_applicant_str(applicant, "phone", false, 20, &in->phone, err)) ||
	    (rc = dossier_applicant_str(applicant, "email", false, 200, &in->email, err)))
		return rc;
	const char *key;
	json_t *value;
	json_object_foreach(applicant, key, value)
	{
		static const char *const known[] = {"name",  "id_number", "address",
		                                    "phone", "email",     "notify"};
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok = ok || strcmp(known[i], key) == 0;
		if (!ok)
			return mc_fail(
			    err, MC_ERR_INVALID, "unknown_field",
			    "Thông tin người nộp có trường lạ",
			    "applicant takes name, id_number, address, phone, email, notify");
	}
	/* The applicant's ID, phone (kept in its normal form 0xxxxxxxxx) and
	 * e-mail by the rules of domain/applicant.h; the field is named. */
	char phone_norm[APPLICANT_PHONE_MAX];
	if (in->id_number && !applicant_id_number_valid(in->id_number))
		return dossier_field_error(err, "applicant.id_number", "invalid_id_number",
		                           "Số định danh (căn cước) phải gồm 12 chữ số, hoặc là số "
		                           "hộ chiếu (1-2 chữ cái in hoa và 6-8 chữ số, ví dụ "
		                           "C1234567)",
		                           "The ID number must be 12 digits (căn cước) or a "
		                           "passport number (1-2 capital letters and 6-8 digits, "
		                           "e.g. C1234567)");
	if (in->phone && !applicant_phone_normalize(in->phone, phone_norm))
		return dossier_field_error(err, "applicant.phone", "invalid_phone",
		                           "Số điện thoại không hợp lệ (ví dụ 0912345678 hoặc "
		                           "+84 912 345 678)",
		                           "The phone number must be a Vietnamese number "
		                           "(0912345678, +84 912 345 678)");
	if (in->email && !applicant_email_valid(in->email))
		return dossier_field_error(err, "applicant.email", "invalid_email",
		                           "Địa chỉ thư điện tử không hợp lệ",
		                           "The e-mail address is not valid");
	if (in->phone) {
		json_object_set_new(applicant, "phone", json_string(phone_norm));
		in->phone = json_string_value(json_object_get(applicant, "phone"));
	}
	return MC_OK;
}

/* The members after the applicant: the outcome and what it needs, sets,
 * the ticket. */
static enum mc_err dossier_intake_rest(json_t *req, const char *outcome,
                                       struct dossier_intake_cmd *in, struct mc_error *err)
{
	enum mc_err rc;
	json_t *confirm = json_object_get(req, "confirm_duplicate");
	if (confirm && !json_is_boolean(confirm))
		return dossier_field_error(err, "confirm_duplicate", "invalid_field",
		                           "Trường không hợp lệ",
		                           "confirm_duplicate must be true or false");
	in->confirm_duplicate = json_is_true(confirm);
	if (strcmp(outcome, "received") == 0)
		in->outcome = DOSSIER_OUTCOME_RECEIVED;
	else if (strcmp(outcome, "supplement") == 0)
		in->outcome = DOSSIER_OUTCOME_SUPPLEMENT;
	else if (strcmp(outcome, "refused") == 0)
		in->outcome = DOSSIER_OUTCOME_REFUSED;
	else
		return mc_fail(err, MC_ERR_INVALID, "invalid_outcome",
		               "Kết quả tiếp nhận phải là received, supplement hoặc refused",
		               "outcome must be received, supplement or refused");
	if ((rc = dossier_items(req, "documents", "name", "kind", 0, &in->documents, err)) ||
	    (rc = dossier_items(req, "missing", "item", "reason",
	                        in->outcome == DOSSIER_OUTCOME_SUPPLEMENT ? 1 : 0, &in->missing,
	                        err)))
		return rc;
	if (in->documents == NULL)
		in->documents = xstrdup("[]");
	if (in->outcome == DOSSIER_OUTCOME_REFUSED && in->reason == NULL)
		return mc_fail(err, MC_ERR_INVALID, "reason_required",
		               "Từ chối tiếp nhận phải nêu rõ lý do", "A refusal needs a reason");
	json_t *sets = json_object_get(req, "sets");
	if (sets && (!json_is_integer(sets) || json_integer_value(sets) < 1 ||
	             json_integer_value(sets) > 100))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Số bộ hồ sơ không hợp lệ",
		               "'sets' must be 1-100");
	in->sets = sets ? json_integer_value(sets) : 1;
	json_t *ticket = json_object_get(req, "ticket_id");
	if (ticket && !json_is_null(ticket) &&
	    (!json_is_integer(ticket) || json_integer_value(ticket) < 1))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Số phiếu không hợp lệ",
		               "'ticket_id' must be a ticket id");
	in->ticket_id = json_is_integer(ticket) ? json_integer_value(ticket) : 0;
	return MC_OK;
}

enum mc_err parse_dossier_intake(json_t *req, struct dossier_intake_cmd *in, struct mc_error *err)
{
	const char *outcome;
	enum mc_err rc;
	memset(in, 0, sizeof *in);
	json_t *applicant = json_object_get(req, "applicant");
	if ((rc = dossier_str(req, "procedure", true, 32, &in->procedure, err)) ||
	    (rc = dossier_str(req, "outcome", true, 16, &outcome, err)) ||
	    (rc = dossier_str(req, "reason", false, 1000, &in->reason, err)))
		return rc;
	if (!json_is_object(applicant))
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Thiếu thông tin người nộp",
		               "'applicant' (an object) is required");
	if ((rc = dossier_applicant(applicant, in, err)) ||
	    (rc = dossier_intake_rest(req, outcome, in, err)))
		goto fail;
	/* The channels the applicant accepts messages on; kept in
	 * dossiers.notify, not in the applicant's object. */
	json_t *notify = json_object_get(applicant, "notify");
	if (notify) {
		if ((rc = notify_consent_parse(notify, in->phone, in->email, &in->consent, err))) {
			mc_error_field(err, "applicant.notify");
			goto fail;
		}
		json_object_del(applicant, "notify");
	}
	if ((rc = dossier_str(req, "office", false, 32, &in->office, err)) ||
	    (rc = dossier_str(req, "authority", false, 32, &in->authority, err)) ||
	    (rc = dossier_str(req, "return_at", false, 32, &in->return_at, err)))
		goto fail;
	in->applicant = json_dumps(applicant, JSON_COMPACT | JSON_SORT_KEYS);
	in->echo = dossier_echo(req);
	return MC_OK;
fail:
	dossier_intake_cmd_clear(in);
	return rc;
}
