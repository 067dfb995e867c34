/* status: who I am (and my office), my counter, the ticket I am serving, the
 * queue for my groups; a specialist, who has no counter, only the first. */
#include <stdio.h>
#include <stdlib.h>

#include "counter.h"

static int cmd_status(struct cc *c, int argc, char **argv)
{
	if (argc > 1)
		return cc_usage(c, &cmd_status_entry);
	int rc;
	json_t *session, *queue;
	if ((rc = cc_need_login(c)) || (rc = cc_api(c, "GET", "/api/v1/session", NULL, &session)))
		return rc;
	/* A specialist works at no counter: no counter, no hall's queue. */
	bool at_counter = cc_works_at_counter(cc_str(session, "role", ""));
	queue = NULL;
	if (at_counter && (rc = cc_queue(c, &queue))) {
		json_decref(session);
		return rc;
	}
	if (c->json) {
		json_t *all = at_counter ? json_pack("{s:O, s:i, s:O}", "session", session,
		                                     "counter", c->cfg.counter, "queue", queue)
		                         : json_pack("{s:O}", "session", session);
		cc_print_json(all);
		json_decref(all);
	} else {
		printf(T(c, "Máy chủ: %s · người dùng: %s (%s)", "Server: %s · user: %s (%s)"),
		       cc_server(c), cc_str(session, "username", "?"),
		       cc_role_text(c, cc_str(session, "role", "?")));
		const char *office = cc_str(json_object_get(session, "office"), "name", NULL);
		if (office)
			printf(" · %s", office);
		putchar('\n');
		if (at_counter && c->cfg.counter > 0) {
			char *line = cc_queue_line(c, queue, c->cfg.counter);
			printf("%s\n", line);
			free(line);
		} else if (at_counter) {
			printf("%s\n", T(c, "Chưa chọn quầy: motcua-counter counter open SỐ",
			                 "No counter yet: motcua-counter counter open N"));
		}
	}
	json_decref(session);
	json_decref(queue);
	return CC_OK;
}

const struct cc_command cmd_status_entry = {
    "status", "", "Quầy của tôi, số đang phục vụ, hàng chờ các nhóm của quầy.",
    "My counter, the ticket I am serving, the queue for my groups.", cmd_status};
