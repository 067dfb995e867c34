/* The feedback requests read into commands (api/parse_feedback.c), without a
 * database: the codes and fields of the refusals, and an action's reading
 * kept for the store to report in the order of the rules. */
/* The asserts are the test: kept in every build type. */
#undef NDEBUG
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/parse_feedback.h"

static json_t *body(const char *text)
{
	json_t *j = json_loads(text, 0, NULL);
	assert(j != NULL);
	return j;
}

static void test_create(void)
{
	struct feedback_create_cmd cmd;
	struct mc_error err;
	json_t *b = body("{\"class\":\"procedure\",\"text\":\"  Xin hỏi thủ tục  \","
	                 "\"sender\":{\"name\":\"Nguyễn Văn An\",\"address\":\"Lạc Sơn\","
	                 "\"phone\":\"0977 123 456\"}}");
	assert(feedback_parse_create(NULL, b, &cmd, &err) == MC_OK);
	assert(strcmp(cmd.channel, "web") == 0 && strcmp(cmd.class, "procedure") == 0);
	assert(strcmp(cmd.text, "Xin hỏi thủ tục") == 0 && strcmp(cmd.phone, "0977123456") == 0);
	assert(!cmd.anonymous && cmd.nfiles == 0);
	feedback_create_cmd_clear(&cmd);
	json_decref(b);

	b = body("{\"class\":\"procedure\",\"text\":\"x\",\"sender\":{\"name\":\"An\"}}");
	assert(feedback_parse_create(NULL, b, &cmd, &err) == MC_ERR_INVALID);
	assert(strcmp(err.code, "sender_identity_required") == 0);
	assert(strcmp(err.field, "sender.address") == 0);
	feedback_create_cmd_clear(&cmd);
	json_decref(b);

	b = body("{\"class\":\"procedure\",\"text\":\"x\",\"anonymous\":true,\"channel\":\"box\"}");
	assert(feedback_parse_create(NULL, b, &cmd, &err) == MC_ERR_FORBIDDEN);
	assert(strcmp(err.code, "channel_not_allowed") == 0 && strcmp(err.field, "channel") == 0);
	feedback_create_cmd_clear(&cmd);
	json_decref(b);

	b = body("{\"class\":\"x\",\"text\":\"x\",\"wat\":1}");
	assert(feedback_parse_create(NULL, b, &cmd, &err) == MC_ERR_INVALID);
	assert(strcmp(err.code, "unknown_field") == 0 && strcmp(err.field, "wat") == 0);
	feedback_create_cmd_clear(&cmd);
	json_decref(b);
}

static void test_sender(void)
{
	const char *secret, *reaction;
	char *text;
	struct mc_error err;
	json_t *b = body("{\"secret\":\"ABC\",\"text\":\"  more  \"}");
	assert(feedback_parse_reply(b, &secret, &text, &err) == MC_OK);
	assert(strcmp(secret, "ABC") == 0 && strcmp(text, "more") == 0);
	free(text);
	json_decref(b);
	b = body("{\"secret\":\"ABC\",\"text\":7}");
	assert(feedback_parse_reply(b, &secret, &text, &err) == MC_ERR_INVALID);
	assert(strcmp(err.code, "invalid_field") == 0 && err.field[0] == '\0');
	json_decref(b);
	b = body("{\"secret\":\"ABC\",\"reaction\":\"meh\"}");
	assert(feedback_parse_react(b, &secret, &reaction, &err) == MC_ERR_INVALID);
	assert(strcmp(err.code, "invalid_field") == 0);
	json_decref(b);
}

static void test_action(void)
{
	struct feedback_action_cmd cmd;
	struct mc_error err;
	json_t *b = body("{}");
	assert(feedback_parse_action(b, &cmd, &err) == MC_ERR_INVALID);
	assert(strcmp(err.code, "missing_field") == 0);
	json_decref(b);
	/* A malformed member is kept for the store, after the first rule. */
	b = body("{\"action\":\"classify\",\"decision\":\"maybe\"}");
	assert(feedback_parse_action(b, &cmd, &err) == MC_OK);
	assert(cmd.action == FEEDBACK_CLASSIFY && cmd.parse_rc == MC_ERR_INVALID);
	assert(strcmp(cmd.parse_err.code, "invalid_decision") == 0);
	json_decref(b);
	b = body("{\"action\":\"classify\",\"decision\":\"forward\",\"to\":\"Sở Tư pháp\"}");
	assert(feedback_parse_action(b, &cmd, &err) == MC_OK && cmd.parse_rc == MC_OK);
	assert(cmd.decision == FEEDBACK_FORWARD && strcmp(cmd.to, "Sở Tư pháp") == 0);
	json_decref(b);
	b = body("{\"action\":\"set_subject\",\"user_id\":null}");
	assert(feedback_parse_action(b, &cmd, &err) == MC_OK && cmd.parse_rc == MC_OK);
	assert(cmd.action == FEEDBACK_SET_SUBJECT && cmd.user_id == 0);
	json_decref(b);
	b = body("{\"action\":\"assign\",\"user_id\":null}");
	assert(feedback_parse_action(b, &cmd, &err) == MC_OK);
	assert(cmd.parse_rc == MC_ERR_INVALID && strcmp(cmd.parse_err.code, "invalid_field") == 0);
	json_decref(b);
	b = body("{\"action\":\"close\",\"note\":\"   \",\"x\":1}");
	assert(feedback_parse_action(b, &cmd, &err) == MC_OK);
	assert(cmd.parse_rc == MC_ERR_INVALID && strcmp(cmd.parse_err.code, "unknown_field") == 0);
	json_decref(b);
	/* An unknown action: the rules refuse it (invalid_action). */
	b = body("{\"action\":\"dance\",\"x\":1}");
	assert(feedback_parse_action(b, &cmd, &err) == MC_OK);
	assert(cmd.action == FEEDBACK_ACTIONS && cmd.parse_rc == MC_OK);
	json_decref(b);
}

int main(void)
{
	test_create();
	test_sender();
	test_action();
	puts("parse_feedback: ok");
	return 0;
}
