/* lookup CODE|phone|ID-number: finds dossiers (GET /dossiers?q=); a phone
 * number may be written any way intake accepts (+84 912 345 678). */
#include <stdio.h>
#include <stdlib.h>

#include "counter.h"
#include "domain/applicant.h"
#include "dossier_show.h"
#include "util/xmalloc.h"

static int cmd_lookup(struct cc *c, int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '\0')
		return cc_usage(c, &cmd_lookup_entry);
	int rc;
	if ((rc = cc_need_login(c)))
		return rc;
	char *code = cc_dossier_code_arg(argv[1]), phone[APPLICANT_PHONE_MAX];
	/* A phone number is looked up in the form intake keeps it in. */
	char *q = cc_urlencode(applicant_phone_normalize(code, phone) ? phone : code);
	char *path = xasprintf("/api/v1/dossiers?q=%s&limit=20", q);
	json_t *list;
	rc = cc_api(c, "GET", path, NULL, &list);
	free(path);
	free(q);
	if (rc == CC_OK) {
		json_t *items = json_object_get(list, "items"), *d;
		size_t i;
		if (c->json) {
			cc_print_json(list);
		} else if (json_array_size(items) == 0) {
			printf(T(c, "Không tìm thấy hồ sơ nào cho '%s'.\n",
			         "No dossier found for '%s'.\n"),
			       code);
		} else {
			json_array_foreach(items, i, d) cc_dossier_show(c, d);
			long long total = json_integer_value(json_object_get(list, "total"));
			if (total > (long long)json_array_size(items))
				printf(T(c, "(%zu / %lld hồ sơ)\n", "(%zu of %lld dossiers)\n"),
				       json_array_size(items), total);
		}
		json_decref(list);
	}
	free(code);
	return rc;
}

const struct cc_command cmd_lookup_entry = {
    "lookup", "CODE|PHONE|ID-NUMBER", "Tra cứu hồ sơ theo mã, số điện thoại hoặc số CCCD.",
    "Look dossiers up by code, phone or ID number.", cmd_lookup};
