/* rating-slip CODE|QR-URL: a new rating link for a returned dossier, printed
 * as a slip (QR code and short code) on the counter's ticket printer — for a
 * citizen whose slip was skipped or lost at the return. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "dossier_show.h"
#include "util/xmalloc.h"

int cc_rating_slip(struct cc *c, json_t *dossier)
{
	const char *code = cc_str(dossier, "code", "?");
	char *enc = cc_urlencode(code), *path = xasprintf("/api/v1/dossiers/%s/rating-link", enc);
	json_t *link = NULL;
	int rc = cc_api(c, "POST", path, NULL, &link);
	free(path);
	free(enc);
	if (rc == CC_OK) {
		if (c->json)
			cc_print_json(link);
		else
			printf(T(c, "Đường dẫn đánh giá: %s%s\n", "Rating link: %s%s\n"),
			       cc_server(c), cc_str(link, "url", ""));
		rc = cc_print_rating_slip(c, dossier, link);
	}
	json_decref(link);
	return rc;
}

static int cmd_rating_slip(struct cc *c, int argc, char **argv)
{
	if (argc != 2)
		return cc_usage(c, &cmd_rating_slip_entry);
	int rc;
	if ((rc = cc_need_login(c)))
		return rc;
	char *code = cc_dossier_code_arg(argv[1]);
	json_t *got = NULL;
	if ((rc = cc_dossier_get(c, code, &got)))
		goto out;
	json_t *d = json_object_get(got, "dossier") ? json_object_get(got, "dossier") : got;
	if (strcmp(cc_str(d, "status", ""), "returned") != 0) {
		rc = cc_fail(c, CC_REFUSED,
		             T(c,
		               "Hồ sơ %s chưa trả kết quả (trạng thái: %s): phiếu đánh giá in khi "
		               "trả kết quả.",
		               "Dossier %s has not been returned (status: %s): the rating slip "
		               "prints when the result is handed over."),
		             code, cc_str(d, "status_text", cc_str(d, "status", "?")));
		goto out;
	}
	rc = cc_rating_slip(c, d);
out:
	json_decref(got);
	free(code);
	return rc;
}

const struct cc_command cmd_rating_slip_entry = {
    "rating-slip", "CODE|QR-URL",
    "In phiếu đánh giá (mã QR và mã đánh giá) cho hồ sơ đã trả kết quả.",
    "Print a rating slip (QR code and short code) for a returned dossier.", cmd_rating_slip};
