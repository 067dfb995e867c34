#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum mc_err mc_fail(struct mc_error *err, enum mc_err kind, const char *code, const char *vi,
                    const char *en)
{
	if (err) {
		memset(err, 0, sizeof *err);
		err->kind = kind;
		snprintf(err->code, sizeof err->code, "%s", code);
		snprintf(err->message_vi, sizeof err->message_vi, "%s", vi);
		snprintf(err->message_en, sizeof err->message_en, "%s", en);
	}
	return kind;
}

enum mc_err mc_failf(struct mc_error *err, enum mc_err kind, const char *code, const char *vi,
                     const char *en_fmt, ...)
{
	char en[256];
	va_list ap;

	va_start(ap, en_fmt);
	vsnprintf(en, sizeof en, en_fmt, ap);
	va_end(ap);
	return mc_fail(err, kind, code, vi, en);
}

enum mc_err mc_error_field(struct mc_error *err, const char *field)
{
	if (err == NULL)
		return MC_ERR_INVALID;
	snprintf(err->field, sizeof err->field, "%s", field);
	return err->kind;
}
