/* counter open|pause|close [N]: sets the counter's state and remembers N as
 * this counter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "util/xmalloc.h"

static int cmd_counter(struct cc *c, int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		return cc_usage(c, &cmd_counter_entry);
	const char *state = strcmp(argv[1], "open") == 0    ? "open"
	                    : strcmp(argv[1], "pause") == 0 ? "paused"
	                    : strcmp(argv[1], "close") == 0 ? "closed"
	                                                    : NULL;
	if (state == NULL)
		return cc_usage(c, &cmd_counter_entry);
	int no = c->cfg.counter;
	if (argc == 3) {
		char *end;
		long v = strtol(argv[2], &end, 10);
		if (*end || v < 1 || v > 9999)
			return cc_usage(c, &cmd_counter_entry);
		no = (int)v;
	}
	int rc;
	if ((rc = cc_need_login(c)))
		return rc;
	if (no < 1)
		return cc_need_counter(c);
	char *path = xasprintf("/api/v1/counters/%d/state", no);
	json_t *body = json_pack("{s:s}", "state", state), *ans;
	rc = cc_api(c, "POST", path, body, &ans);
	free(path);
	json_decref(body);
	if (rc != CC_OK)
		return rc;
	if (c->cfg.counter != no) {
		c->cfg.counter = no;
		rc = cc_config_save(c);
	}
	if (c->json)
		cc_print_json(ans);
	else if (strcmp(state, "open") == 0)
		printf(T(c, "Quầy %d đã mở.\n", "Counter %d is open.\n"), no);
	else if (strcmp(state, "paused") == 0)
		printf(T(c, "Quầy %d tạm dừng.\n", "Counter %d is paused.\n"), no);
	else
		printf(T(c, "Quầy %d đã đóng.\n", "Counter %d is closed.\n"), no);
	/* A clerk works at one counter at a time: the server closed the one
	 * they had open (docs/api.md, POST /counters/{no}/state). */
	size_t i;
	json_t *other;
	json_array_foreach(json_object_get(json_object_get(ans, "counter"), "closed"), i, other)
	{
		if (!c->json)
			printf(
			    T(c, "Quầy %lld đã đóng: mỗi cán bộ làm việc tại một quầy.\n",
			      "Counter %lld is closed: a clerk works at one counter at a time.\n"),
			    (long long)json_integer_value(other));
	}
	json_decref(ans);
	return rc;
}

const struct cc_command cmd_counter_entry = {
    "counter", "open|pause|close [N]", "Mở, tạm dừng hoặc đóng quầy N (nhớ N là quầy của máy này).",
    "Open, pause or close counter N (remembers N as this computer's counter).", cmd_counter};
