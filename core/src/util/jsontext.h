/* A small writer of JSON text, for what the store keeps as JSON (an audit
 * event's details, a stored list) without a JSON library: the store writes
 * text, the API parses and presents. Compact output (no spaces), members in
 * the order written; strings escaped by strbuf_json_string (the caller hands
 * valid UTF-8, as every request is checked on entry).
 *
 *   struct jsontext j = JSONTEXT_INIT;
 *   jt_begin(&j);                       // {
 *   jt_str(&j, "to_office", "UB-LB");   // "to_office":"UB-LB"
 *   jt_int(&j, "due_at", due);
 *   jt_object(&j, "step"); … jt_end(&j);
 *   jt_array(&j, "missing"); jt_str(&j, NULL, "CCCD"); jt_end(&j);
 *   jt_end(&j);                         // }
 *   char *text = jt_finish(&j);         // the caller frees it
 *
 * A NULL key writes a bare value (an array's item). Nesting is bounded by
 * JSONTEXT_DEPTH; deeper, or an unbalanced jt_end/jt_finish, aborts
 * (ENFORCE): it is a bug of the caller, never of the data. */
#ifndef MOTCUA_JSONTEXT_H
#define MOTCUA_JSONTEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/strbuf.h"

#define JSONTEXT_DEPTH 8

struct jsontext {
	struct strbuf sb;
	int depth;                   /* containers open */
	bool empty[JSONTEXT_DEPTH];  /* no member written yet at that depth */
	char closer[JSONTEXT_DEPTH]; /* '}' or ']' */
};

#define JSONTEXT_INIT                                                                              \
	{                                                                                          \
		STRBUF_INIT, 0, {0},                                                               \
		{                                                                                  \
			0                                                                          \
		}                                                                                  \
	}

/* Opens the outermost object. */
void jt_begin(struct jsontext *j);
/* Opens an object or array as member key (or item, key NULL). */
void jt_object(struct jsontext *j, const char *key);
void jt_array(struct jsontext *j, const char *key);
/* Closes the innermost object or array. */
void jt_end(struct jsontext *j);
/* Members: a NULL string writes null. */
void jt_str(struct jsontext *j, const char *key, const char *value);
void jt_int(struct jsontext *j, const char *key, int64_t value);
void jt_bool(struct jsontext *j, const char *key, bool value);
void jt_null(struct jsontext *j, const char *key);
/* A value that is already JSON text (e.g. a stored list), written as is. */
void jt_raw(struct jsontext *j, const char *key, const char *json);
/* Closes nothing: every container must be closed. Returns the text (the
 * caller frees it) and leaves j empty. */
char *jt_finish(struct jsontext *j);

#endif
