/* Messages, usage and small formatting helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "counter.h"

int cc_fail(struct cc *c, int code, const char *fmt, ...)
{
	va_list ap;
	(void)c;
	fflush(stdout);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int cc_help(struct cc *c, const struct cc_command *cmd)
{
	printf("%s: motcua-counter %s %s\n%s\n", T(c, "Cách dùng", "Usage"), cmd->name, cmd->usage,
	       T(c, cmd->summary_vi, cmd->summary_en));
	printf(
	    "%s",
	    T(c,
	      "Tùy chọn chung: --server URL, --json, --lang vi|en, --config-dir DIR.\n"
	      "Mã thoát: 0 xong, 2 sai cách dùng, 3 không kết nối được máy chủ, 4 chưa đăng nhập/"
	      "phiên hết hạn, 5 không được phép, 6 máy chủ từ chối, 7 đã lưu nhưng chưa in, "
	      "1 lỗi khác.\n",
	      "Global options: --server URL, --json, --lang vi|en, --config-dir DIR.\n"
	      "Exit codes: 0 ok, 2 usage, 3 server unreachable, 4 not logged in/session expired, "
	      "5 forbidden, 6 refused by the server, 7 saved but not printed, 1 other.\n"));
	return CC_OK;
}

int cc_usage(struct cc *c, const struct cc_command *cmd)
{
	return cc_fail(c, CC_USAGE, "%s: motcua-counter %s %s", T(c, "Cách dùng", "Usage"),
	               cmd->name, cmd->usage);
}

void cc_print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s) {
		puts(s);
		free(s);
	}
}

/* t (Unix seconds) as office time (UTC+7), "HH:MM dd/mm/yyyy" or with
 * date_first "dd/mm/yyyy HH:MM"; buf empty when t is not set. Returns buf. */
static const char *output_local_time(int64_t t, bool date_first, char *buf, size_t size)
{
	struct tm tm;
	time_t local = (time_t)(t + 7 * 3600);
	if (t <= 0 || gmtime_r(&local, &tm) == NULL) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	strftime(buf, size, date_first ? "%d/%m/%Y %H:%M" : "%H:%M %d/%m/%Y", &tm);
	return buf;
}

const char *cc_time(int64_t t, char *buf, size_t size)
{
	return output_local_time(t, false, buf, size);
}

const char *cc_date_time(int64_t t, char *buf, size_t size)
{
	return output_local_time(t, true, buf, size);
}

const char *cc_str(json_t *o, const char *key, const char *dflt)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : dflt;
}

json_t *cc_office_in(json_t *items, const char *code)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		if (code && strcmp(cc_str(o, "code", ""), code) == 0)
			return o;
	}
	return NULL;
}

bool cc_works_at_counter(const char *role)
{
	return role == NULL || strcmp(role, "specialist") != 0;
}

bool cc_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

/* One machine word and what a clerk reads for it, in each language. */
struct output_word {
	const char *key, *vi, *en;
};

/* The entry of words whose key is key, or key itself when unknown. */
static const char *output_word(struct cc *c, const struct output_word *words, size_t n,
                               const char *key)
{
	for (size_t i = 0; key && i < n; i++)
		if (strcmp(words[i].key, key) == 0)
			return T(c, words[i].vi, words[i].en);
	return key ? key : "";
}

const char *cc_role_text(struct cc *c, const char *role)
{
	static const struct output_word words[] = {
	    {"admin", "quản trị hệ thống", "administrator"},
	    {"supervisor", "lãnh đạo, giám sát", "supervisor"},
	    {"counter", "cán bộ một cửa", "counter clerk"},
	    {"specialist", "chuyên viên phòng chuyên môn", "specialist"},
	};
	return output_word(c, words, sizeof words / sizeof words[0], role);
}

const char *cc_doc_kind_text(struct cc *c, const char *kind)
{
	static const struct output_word words[] = {
	    {"original", "bản chính", "original"},
	    {"copy", "bản sao", "copy"},
	    {"certified_copy", "bản sao chứng thực", "certified copy"},
	    {"either", "bản chính hoặc bản sao", "original or copy"},
	};
	return output_word(c, words, sizeof words / sizeof words[0], kind);
}

const char *cc_form_text(const char *form)
{
	static const char *const names[][2] = {
	    {"mau-01", "Mẫu 01"}, {"mau-02", "Mẫu 02"}, {"mau-03", "Mẫu 03"},
	    {"mau-04", "Mẫu 04"}, {"mau-05", "Mẫu 05"}, {"mau-06", "Mẫu 06"},
	};
	for (size_t i = 0; form && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i][0], form) == 0)
			return names[i][1];
	return form ? form : "";
}

const char *cc_printer_state_text(struct cc *c, const char *state)
{
	static const struct output_word words[] = {
	    {"idle", "sẵn sàng", "idle"},
	    {"processing", "đang in", "printing"},
	    {"stopped", "đã dừng", "stopped"},
	    {"unknown", "không rõ", "unknown"},
	};
	return output_word(c, words, sizeof words / sizeof words[0], state);
}

const char *cc_printer_reason_text(struct cc *c, const char *reason)
{
	static const struct output_word words[] = {
	    {"none", "không có cảnh báo", "no warnings"},
	    {"offline-report", "mất kết nối", "offline"},
	    {"media-empty", "hết giấy", "out of paper"},
	    {"media-empty-error", "hết giấy", "out of paper"},
	    {"media-empty-report", "hết giấy", "out of paper"},
	    {"media-jam", "kẹt giấy", "paper jam"},
	    {"media-jam-error", "kẹt giấy", "paper jam"},
	    {"paused", "tạm dừng", "paused"},
	    {"door-open", "nắp máy đang mở", "a door is open"},
	    {"door-open-error", "nắp máy đang mở", "a door is open"},
	    {"toner-low", "sắp hết mực", "toner low"},
	    {"toner-low-report", "sắp hết mực", "toner low"},
	    {"toner-empty", "hết mực", "out of toner"},
	    {"toner-empty-error", "hết mực", "out of toner"},
	};
	return output_word(c, words, sizeof words / sizeof words[0], reason);
}
