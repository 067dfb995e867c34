/* recall: calls the ticket at the counter again. */
#include "counter.h"

static int cmd_recall(struct cc *c, int argc, char **argv)
{
	if (argc > 1)
		return cc_usage(c, &cmd_recall_entry);
	return cc_counter_action(c, "recall", NULL);
}

const struct cc_command cmd_recall_entry = {"recall", "", "Gọi lại số đang ở quầy.",
                                            "Call the ticket at the counter again.", cmd_recall};
