/* finish [served|removed]: ends the visit of the ticket at the counter. */
#include <string.h>

#include "counter.h"

static int cmd_finish(struct cc *c, int argc, char **argv)
{
	if (argc > 2)
		return cc_usage(c, &cmd_finish_entry);
	const char *outcome = argc == 2 ? argv[1] : "served";
	if (strcmp(outcome, "served") != 0 && strcmp(outcome, "removed") != 0)
		return cc_usage(c, &cmd_finish_entry);
	json_t *body = json_pack("{s:s}", "outcome", outcome);
	int rc = cc_counter_action(c, "finish", body);
	json_decref(body);
	return rc;
}

const struct cc_command cmd_finish_entry = {
    "finish", "[served|removed]", "Kết thúc lượt của số đang ở quầy (mặc định: đã phục vụ).",
    "Finish the visit of the ticket at the counter (default: served).", cmd_finish};
