/* no-show: the called person did not come; the visit ends as no_show. */
#include "counter.h"

static int cmd_no_show(struct cc *c, int argc, char **argv)
{
	if (argc > 1)
		return cc_usage(c, &cmd_no_show_entry);
	return cc_counter_action(c, "no-show", NULL);
}

const struct cc_command cmd_no_show_entry = {
    "no-show", "", "Người được gọi không đến: kết thúc lượt là vắng mặt.",
    "The person called did not come: end the visit as a no-show.", cmd_no_show};
