/* next: calls the next ticket; the one being served is first finished as served. */
#include "counter.h"

static int cmd_next(struct cc *c, int argc, char **argv)
{
	if (argc > 1)
		return cc_usage(c, &cmd_next_entry);
	return cc_call_next(c);
}

const struct cc_command cmd_next_entry = {
    "next", "", "Gọi số tiếp theo (số đang phục vụ được kết thúc là đã phục vụ).",
    "Call the next ticket (the one being served is finished as served).", cmd_next};
