#include "util/jsontext.h"

#include <inttypes.h>
#include <stdlib.h>

#include "util/enforce.h"

/* The comma and key before a member of the innermost container. */
static void member(struct jsontext *j, const char *key)
{
	ENFORCE(j->depth > 0, "jsontext: a member outside any object");
	if (!j->empty[j->depth - 1])
		strbuf_append(&j->sb, ",", 1);
	j->empty[j->depth - 1] = false;
	if (key) {
		strbuf_json_string(&j->sb, key);
		strbuf_append(&j->sb, ":", 1);
	}
}

static void push(struct jsontext *j, char opener, char closer)
{
	ENFORCE(j->depth < JSONTEXT_DEPTH, "jsontext: nested too deep");
	strbuf_append(&j->sb, &opener, 1);
	j->empty[j->depth] = true;
	j->closer[j->depth] = closer;
	j->depth++;
}

void jt_begin(struct jsontext *j)
{
	ENFORCE(j->depth == 0 && j->sb.len == 0, "jsontext: begun twice");
	push(j, '{', '}');
}

void jt_object(struct jsontext *j, const char *key)
{
	member(j, key);
	push(j, '{', '}');
}

void jt_array(struct jsontext *j, const char *key)
{
	member(j, key);
	push(j, '[', ']');
}

void jt_end(struct jsontext *j)
{
	ENFORCE(j->depth > 0, "jsontext: end without an open container");
	j->depth--;
	strbuf_append(&j->sb, &j->closer[j->depth], 1);
}

void jt_str(struct jsontext *j, const char *key, const char *value)
{
	member(j, key);
	if (value)
		strbuf_json_string(&j->sb, value);
	else
		strbuf_puts(&j->sb, "null");
}

void jt_int(struct jsontext *j, const char *key, int64_t value)
{
	member(j, key);
	strbuf_printf(&j->sb, "%" PRId64, value);
}

void jt_bool(struct jsontext *j, const char *key, bool value)
{
	member(j, key);
	strbuf_puts(&j->sb, value ? "true" : "false");
}

void jt_null(struct jsontext *j, const char *key)
{
	member(j, key);
	strbuf_puts(&j->sb, "null");
}

void jt_raw(struct jsontext *j, const char *key, const char *json)
{
	member(j, key);
	strbuf_puts(&j->sb, json);
}

char *jt_finish(struct jsontext *j)
{
	ENFORCE(j->depth == 0 && j->sb.len > 0, "jsontext: finished with a container open");
	return strbuf_detach(&j->sb, NULL);
}
