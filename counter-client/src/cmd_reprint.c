/* reprint JOB: the server's spool prints a job again, byte for byte. */
#include <stdio.h>
#include <stdlib.h>

#include "counter.h"
#include "util/xmalloc.h"

static int cmd_reprint(struct cc *c, int argc, char **argv)
{
	char *end;
	long id = argc == 2 ? strtol(argv[1], &end, 10) : 0;
	if (argc != 2 || *end || id < 1)
		return cc_usage(c, &cmd_reprint_entry);
	int rc;
	json_t *ans;
	if ((rc = cc_need_login(c)))
		return rc;
	char *path = xasprintf("/api/v1/print-jobs/%ld/reprint", id);
	rc = cc_api(c, "POST", path, NULL, &ans);
	free(path);
	if (rc)
		return rc;
	json_t *job = json_object_get(ans, "job");
	if (c->json)
		cc_print_json(ans);
	else
		printf(T(c, "Đã gửi in lại lệnh in %ld: lệnh mới %lld trên %s (%s).\n",
		         "Job %ld sent again: new job %lld on %s (%s).\n"),
		       id, (long long)json_integer_value(json_object_get(job, "id")),
		       cc_str(job, "printer", "?"), cc_str(job, "state", "?"));
	json_decref(ans);
	return CC_OK;
}

const struct cc_command cmd_reprint_entry = {
    "reprint", "JOB", "In lại một lệnh in của máy chủ (phiếu, mẫu) y hệt bản cũ.",
    "Reprint a server print job (ticket, form), byte for byte.", cmd_reprint};
