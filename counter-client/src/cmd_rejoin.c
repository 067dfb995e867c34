/* rejoin: a no-show who came back is put at the end of their line again,
 * keeping their number (POST /tickets/{number}/rejoin), within the day's
 * rejoin window. The number is the one on the ticket ("A003") or its id. */
#include <stdio.h>
#include <stdlib.h>

#include "counter.h"
#include "util/xmalloc.h"

static int cmd_rejoin(struct cc *c, int argc, char **argv)
{
	int rc;
	if (argc != 2 || *argv[1] == '\0')
		return cc_usage(c, &cmd_rejoin_entry);
	if ((rc = cc_need_login(c)))
		return rc;
	char *number = cc_urlencode(argv[1]);
	char *path = xasprintf("/api/v1/tickets/%s/rejoin", number);
	json_t *ans;
	rc = cc_api(c, "POST", path, NULL, &ans);
	free(path);
	free(number);
	if (rc)
		return rc;
	if (c->json) {
		cc_print_json(ans);
	} else {
		/* The group by its name (the hall's groups); without it, no group. */
		json_t *t = json_object_get(ans, "ticket"), *queue = NULL;
		const char *group = NULL;
		if (cc_api_quiet(c, "GET", "/api/v1/queue", &queue) == CC_OK)
			group = cc_group_name(queue, cc_str(t, "group", NULL));
		if (group)
			printf(
			    T(c, "Số %s đã được xếp lại cuối hàng nhóm %s, giữ nguyên số.\n",
			      "%s is back in line at the end of group %s, with the same number.\n"),
			    cc_str(t, "label", argv[1]), group);
		else
			printf(T(c, "Số %s đã được xếp lại cuối hàng, giữ nguyên số.\n",
			         "%s is back in line at the end, with the same number.\n"),
			       cc_str(t, "label", argv[1]));
		json_decref(queue);
	}
	json_decref(ans);
	return CC_OK;
}

const struct cc_command cmd_rejoin_entry = {
    "rejoin", "NUMBER",
    "Xếp lại số vắng mặt (vd A003) vào cuối hàng, giữ nguyên số, trong thời gian cho phép.",
    "Put a no-show number (e.g. A003) back at the end of its line, keeping the number, "
    "within the rejoin window.",
    cmd_rejoin};
