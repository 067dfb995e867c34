/* transfer GROUP|COUNTER: sends the ticket at the counter to another line (a
 * group code) or to one counter (a number); it keeps its place. */
#include <stdlib.h>

#include "counter.h"

static int cmd_transfer(struct cc *c, int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '\0')
		return cc_usage(c, &cmd_transfer_entry);
	json_t *body;
	int rc = cc_need_login(c);
	if (rc || (rc = cc_transfer_body(c, argv[1], &body)))
		return rc;
	rc = cc_counter_action(c, "transfer", body);
	json_decref(body);
	return rc;
}

const struct cc_command cmd_transfer_entry = {
    "transfer", "GROUP|COUNTER",
    "Chuyển số đang ở quầy sang nhóm khác (tên hoặc mã nhóm) hoặc sang một quầy (số quầy).",
    "Transfer the ticket at the counter to another group (its name or code) or counter (its "
    "number).",
    cmd_transfer};
