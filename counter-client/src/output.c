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

const char *cc_time(int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t local = (time_t)(t + 7 * 3600);
	if (t <= 0 || gmtime_r(&local, &tm) == NULL) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	strftime(buf, size, "%H:%M %d/%m/%Y", &tm);
	return buf;
}

const char *cc_str(json_t *o, const char *key, const char *dflt)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : dflt;
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
