/* Booking requests: JSON bodies into typed commands. */
#include "api/parse_booking.h"

#include <stdio.h>
#include <string.h>

#include "api/parse_notify.h"
#include "domain/applicant.h"
#include "domain/booking.h"
#include "util/xmalloc.h"
#include "store/notify.h"

static enum mc_err bk_bad_field(struct mc_error *err, const char **field, const char *name,
                                const char *vi, const char *en)
{
	if (field)
		*field = name;
	return mc_failf(err, MC_ERR_INVALID, "invalid_field", vi, "%s: %s", name, en);
}

enum mc_err booking_create_parse(json_t *body, struct booking_create_cmd *a, const char **field,
                                 struct mc_error *err)
{
	static const char *const keys[] = {"office", "group",     "procedure", "start", "name",
	                                   "phone",  "id_number", "email",     "notify"};
	const char *k;
	json_t *v;
	*a = (struct booking_create_cmd){0};
	if (field)
		*field = NULL;
	if (!json_is_object(body))
		return mc_fail(err, MC_ERR_INVALID, "expected_object", "Dữ liệu không hợp lệ",
		               "the body must be a JSON object");
	json_object_foreach(body, k, v)
	{
		size_t i;
		for (i = 0; i < sizeof keys / sizeof keys[0] && strcmp(keys[i], k) != 0; i++)
			;
		if (i == sizeof keys / sizeof keys[0]) {
			if (field)
				*field = NULL;
			return mc_failf(err, MC_ERR_INVALID, "unknown_field",
			                "Dữ liệu có trường lạ", "unknown field '%.40s'", k);
		}
	}
	const char *office = json_string_value(json_object_get(body, "office"));
	if (office == NULL || strlen(office) > 40)
		return bk_bad_field(err, field, "office", "Hãy chọn trung tâm",
		                    "the centre's code is required");
	snprintf(a->office, sizeof a->office, "%s", office);
	const char *group = json_string_value(json_object_get(body, "group"));
	const char *procedure = json_string_value(json_object_get(body, "procedure"));
	bool bad_group = json_object_get(body, "group") && (group == NULL || strlen(group) > 40);
	bool bad_proc =
	    json_object_get(body, "procedure") && (procedure == NULL || strlen(procedure) > 40);
	if (bad_group || bad_proc || (group == NULL && procedure == NULL))
		return bk_bad_field(err, field, bad_proc && !bad_group ? "procedure" : "group",
		                    "Hãy chọn lĩnh vực hoặc thủ tục",
		                    "a group code or a procedure code (strings) is required");
	a->has_group = group != NULL;
	a->has_procedure = procedure != NULL;
	snprintf(a->group, sizeof a->group, "%s", group ? group : "");
	snprintf(a->procedure, sizeof a->procedure, "%s", procedure ? procedure : "");
	json_t *start = json_object_get(body, "start");
	if (!json_is_integer(start) || json_integer_value(start) <= 0 ||
	    json_integer_value(start) > 4102444800LL)
		return bk_bad_field(err, field, "start", "Hãy chọn giờ hẹn",
		                    "the slot's start (epoch seconds) is required");
	a->start = json_integer_value(start);
	const char *name = json_string_value(json_object_get(body, "name"));
	while (name && (*name == ' ' || *name == '\t'))
		name++;
	size_t nl = name ? strlen(name) : 0;
	while (nl > 0 && (name[nl - 1] == ' ' || name[nl - 1] == '\t'))
		nl--;
	/* A full name has at least 2 characters (the booking page says so
	 * before sending): "A" is no one to call at the counter. */
	size_t chars = 0;
	for (size_t i = 0; i < nl; i++)
		chars += ((unsigned char)name[i] & 0xc0) != 0x80;
	if (!applicant_name_valid(name, nl) || nl >= sizeof a->name || chars < 2)
		return bk_bad_field(
		    err, field, "name", "Hãy nhập họ và tên (2 đến 200 ký tự, không có ký tự lạ)",
		    "the full name is required (2-200 characters, no control, bidirectional or"
		    " line separator characters)");
	memcpy(a->name, name, nl);
	a->name[nl] = '\0';
	if (!applicant_phone_normalize(json_string_value(json_object_get(body, "phone")), a->phone))
		return bk_bad_field(err, field, "phone", "Số điện thoại không hợp lệ",
		                    "a Vietnamese phone number is required");
	json_t *idn = json_object_get(body, "id_number");
	if (idn && !json_is_null(idn) && !(json_is_string(idn) && json_string_length(idn) == 0)) {
		const char *s = json_string_value(idn);
		size_t n = 0;
		for (; s && *s && n < sizeof a->id_number - 1; s++)
			if (*s != ' ')
				a->id_number[n++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
		a->id_number[n] = '\0';
		if (s == NULL || *s || !applicant_id_number_valid(a->id_number) || n > 12)
			return bk_bad_field(err, field, "id_number",
			                    "Số căn cước (12 chữ số) hoặc hộ chiếu không hợp lệ",
			                    "a CCCD of 12 digits or a passport number");
	}
	json_t *em = json_object_get(body, "email");
	if (em && !json_is_null(em) && !(json_is_string(em) && json_string_length(em) == 0)) {
		if (!json_is_string(em) || !applicant_email_valid(json_string_value(em)))
			return bk_bad_field(err, field, "email", "Địa chỉ thư điện tử không hợp lệ",
			                    "not an e-mail address");
		snprintf(a->email, sizeof a->email, "%s", json_string_value(em));
	}
	json_t *notify = json_object_get(body, "notify");
	if (notify && !json_is_null(notify)) {
		enum mc_err rc = notify_consent_parse(
		    notify, a->phone, a->email[0] ? a->email : NULL, &a->consent, err);
		if (rc) {
			if (field)
				*field = "notify";
			return rc;
		}
	}
	return MC_OK;
}

static enum mc_err bk_bad_setting(struct mc_error *err, const char *key, const char *what)
{
	return mc_failf(err, MC_ERR_INVALID, "invalid_setting", "Giá trị thiết lập không hợp lệ",
	                "appointments.%s: %s", key, what);
}

/* One slot row {office, group, minutes, capacity} into *r. */
static enum mc_err bk_slot_row_parse(json_t *v, struct booking_slot_row *r, struct mc_error *err)
{
	static const char *const keys[] = {"office", "group", "minutes", "capacity"};
	const char *k;
	json_t *m;
	if (!json_is_object(v))
		return bk_bad_setting(err, "slots",
		                      "each slot is {office, group, minutes, capacity}");
	json_object_foreach(v, k, m)
	{
		size_t j;
		for (j = 0; j < 4 && strcmp(keys[j], k) != 0; j++)
			;
		if (j == 4)
			return mc_failf(err, MC_ERR_INVALID, "unknown_setting",
			                "Thiết lập không được hỗ trợ",
			                "unknown setting 'appointments.slots.%.40s'", k);
	}
	const char *office = json_string_value(json_object_get(v, "office"));
	const char *group = json_string_value(json_object_get(v, "group"));
	json_t *minutes = json_object_get(v, "minutes");
	json_t *capacity = json_object_get(v, "capacity");
	if (office == NULL || group == NULL)
		return bk_bad_setting(err, "slots",
		                      "each slot names its office and group (strings)");
	if (!json_is_integer(minutes) || !booking_minutes_ok((int)json_integer_value(minutes)))
		return bk_bad_setting(err, "slots.minutes", "15, 20, 30 or 60");
	if (!json_is_integer(capacity) || json_integer_value(capacity) < 0 ||
	    json_integer_value(capacity) > 100)
		return bk_bad_setting(err, "slots.capacity", "an integer 0..100");
	snprintf(r->office, sizeof r->office, "%s", office);
	snprintf(r->group, sizeof r->group, "%s", group);
	r->minutes = (int)json_integer_value(minutes);
	r->capacity = (int)json_integer_value(capacity);
	return MC_OK;
}

enum mc_err booking_config_parse(json_t *section, struct booking_config_cmd *cmd,
                                 struct mc_error *err)
{
	const char *key;
	json_t *v;
	enum mc_err rc;
	*cmd = (struct booking_config_cmd){.given = section != NULL};
	if (section == NULL)
		return MC_OK;
	if (!json_is_object(section))
		return bk_bad_setting(err, "", "the section is an object");
	json_object_foreach(section, key, v)
	{
		if (strcmp(key, "slots") == 0)
			continue;
		int i = booking_setting_find(key);
		if (i < 0)
			return mc_failf(err, MC_ERR_INVALID, "unknown_setting",
			                "Thiết lập không được hỗ trợ",
			                "unknown setting 'appointments.%.60s'", key);
		if (!json_is_integer(v) || json_integer_value(v) < -1000000 ||
		    json_integer_value(v) > 1000000)
			return bk_bad_setting(err, key, "an integer");
		cmd->scalars |= 1u << i;
		cmd->value[i] = (int)json_integer_value(v);
	}
	json_t *slots = json_object_get(section, "slots");
	if (slots) {
		size_t i;
		if (!json_is_array(slots) || json_array_size(slots) > 1000)
			return bk_bad_setting(err, "slots",
			                      "an array of at most 1000 {office, group,"
			                      " minutes, capacity}");
		cmd->has_slots = true;
		cmd->slots = xcalloc(json_array_size(slots) + 1, sizeof *cmd->slots);
		json_array_foreach(slots, i, v)
		{
			if ((rc = bk_slot_row_parse(v, &cmd->slots[i], err)))
				return rc;
			cmd->n_slots++;
		}
	}
	cmd->details = json_dumps(section, JSON_COMPACT | JSON_SORT_KEYS);
	return MC_OK;
}
