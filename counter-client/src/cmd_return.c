/* return CODE|QR-URL: hands the result to the citizen (trả kết quả): shows the
 * dossier, records who collected it after the ID was checked, and prints the
 * rating slip (QR code and short code) on the counter's ticket printer. A
 * dossier already returned is said so: when, and to whom. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "dossier_show.h"
#include "util/xmalloc.h"

/* What the clerk does next with a dossier of status that has no result yet,
 * one sentence in c's language. Static string. */
static const char *return_next_step(struct cc *c, const char *status)
{
	if (strcmp(status, "received") == 0)
		return T(c,
		         "Bước tiếp theo: chuyển hồ sơ cho phòng chuyên môn: motcua-counter "
		         "handover MÃ-HỒ-SƠ PHÒNG (mã hoặc tên phòng).",
		         "Next: hand it over to the processing office: motcua-counter handover "
		         "CODE OFFICE (its code or name).");
	if (strcmp(status, "in_process") == 0 || strcmp(status, "interagency") == 0)
		return T(
		    c,
		    "Hồ sơ đang được phòng chuyên môn giải quyết; khi xong, chuyên viên ghi có "
		    "kết quả (motcua-counter result-ready MÃ-HỒ-SƠ) rồi mới trả được.",
		    "The office is processing it; when done, the specialist records the result "
		    "(motcua-counter result-ready CODE), then it can be handed over.");
	if (strcmp(status, "supplement_requested") == 0)
		return T(c, "Đang chờ người dân bổ sung giấy tờ.",
		         "Waiting for the applicant's missing documents.");
	if (strcmp(status, "awaiting_payment") == 0)
		return T(c, "Đang chờ người dân nộp phí, lệ phí.",
		         "Waiting for the fees to be paid.");
	return T(c, "Hồ sơ này không còn kết quả để trả.", "This dossier has no result to return.");
}

static int cmd_return(struct cc *c, int argc, char **argv)
{
	static const struct option opts[] = {{"collected-by", required_argument, NULL, 'b'},
	                                     {"id-checked", no_argument, NULL, 'i'},
	                                     {"rating-link", no_argument, NULL, 'r'},
	                                     {"no-rating-link", no_argument, NULL, 'R'},
	                                     {"rating-slip", no_argument, NULL, 'r'},
	                                     {"no-rating-slip", no_argument, NULL, 'R'},
	                                     {NULL, 0, NULL, 0}};
	const char *by = NULL;
	bool id_checked = false;
	int rating = -1, o, rc;
	optind = 0; /* a fresh scan: main read the global options with getopt_long */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'b': by = optarg; break;
		case 'i': id_checked = true; break;
		case 'r': rating = 1; break;
		case 'R': rating = 0; break;
		default: return cc_usage(c, &cmd_return_entry);
		}
	}
	if (optind + 1 != argc)
		return cc_usage(c, &cmd_return_entry);
	if ((rc = cc_need_login(c)))
		return rc;
	char *code = cc_dossier_code_arg(argv[optind]), *who = NULL;
	json_t *got = NULL, *ans = NULL, *body = NULL;
	if ((rc = cc_dossier_get(c, code, &got)))
		goto out;
	json_t *d = json_object_get(got, "dossier") ? json_object_get(got, "dossier") : got;
	if (!c->json)
		cc_dossier_show(c, d);
	const char *status = cc_str(d, "status", "");
	if (strcmp(status, "returned") == 0) {
		char when[32];
		rc = cc_fail(
		    c, CC_REFUSED,
		    T(c,
		      "Hồ sơ %s đã trả kết quả lúc %s cho %s. Phiếu đánh giá: motcua-counter "
		      "rating-slip %s",
		      "Dossier %s was already returned on %s to %s. A rating slip: motcua-counter "
		      "rating-slip %s"),
		    code,
		    cc_date_time(json_integer_value(json_object_get(d, "returned_at")), when,
		                 sizeof when),
		    cc_str(d, "returned_to", "?"), code);
		goto out;
	}
	if (strcmp(status, "result_ready") != 0) {
		rc = cc_fail(c, CC_REFUSED,
		             T(c, "Hồ sơ %s chưa có kết quả để trả (trạng thái: %s). %s",
		               "Dossier %s has no result to hand over (status: %s). %s"),
		             code, cc_str(d, "status_text", status), return_next_step(c, status));
		goto out;
	}
	const char *applicant = cc_str(json_object_get(d, "applicant"), "name", "");
	if (by)
		who = xstrdup(by);
	else if (cc_interactive())
		who = cc_prompt(T(c, "Người nhận kết quả", "Collected by"), applicant);
	if (who == NULL || *who == '\0') {
		rc = cc_fail(c, CC_USAGE, "%s",
		             T(c, "Cần tên người nhận: --collected-by TÊN --id-checked",
		               "Who collected it is needed: --collected-by NAME --id-checked"));
		goto out;
	}
	if (!id_checked && cc_interactive())
		id_checked = cc_confirm(c,
		                        T(c, "Đã kiểm tra giấy tờ tùy thân của người nhận?",
		                          "Was the collector's ID checked?"),
		                        false);
	if (!id_checked) {
		rc = cc_fail(c, CC_USAGE, "%s",
		             T(c, "Phải kiểm tra giấy tờ tùy thân trước khi trả (--id-checked).",
		               "The collector's ID must be checked first (--id-checked)."));
		goto out;
	}
	char *enc = cc_urlencode(code), *path = xasprintf("/api/v1/dossiers/%s/actions", enc);
	body = json_pack("{s:s, s:s, s:b}", "action", "return_result", "collected_by", who,
	                 "id_checked", 1);
	rc = cc_api(c, "POST", path, body, &ans);
	free(path);
	if (rc) {
		free(enc);
		goto out;
	}
	if (c->json) {
		cc_print_json(ans);
	} else {
		char t[32];
		json_t *nd = json_object_get(ans, "dossier");
		printf(
		    T(c, "Đã trả kết quả hồ sơ %s cho %s lúc %s.\n",
		      "Result of dossier %s handed to %s at %s.\n"),
		    code, who,
		    cc_time(json_integer_value(json_object_get(nd, "returned_at")), t, sizeof t));
	}
	if (rating < 0)
		rating = cc_interactive() ? cc_confirm(c,
		                                       T(c, "In phiếu đánh giá cho người dân?",
		                                         "Print a rating slip for the citizen?"),
		                                       true)
		                          : 1;
	/* The rating slip: the link as a QR code and a short code, printed on
	 * the counter's ticket printer for the citizen to take away. */
	if (rating) {
		int lrc = cc_rating_slip(c, json_object_get(ans, "dossier"));
		if (lrc == CC_NOT_PRINTED)
			rc = lrc;
		else if (lrc != CC_OK)
			fprintf(stderr,
			        T(c,
			          "(Kết quả đã được trả; chỉ phiếu đánh giá chưa tạo được: "
			          "motcua-counter rating-slip %s)\n",
			          "(The result was handed over; only the rating slip failed: "
			          "motcua-counter rating-slip %s)\n"),
			        code);
	}
	free(enc);
out:
	json_decref(body);
	json_decref(ans);
	json_decref(got);
	free(who);
	free(code);
	return rc;
}

const struct cc_command cmd_return_entry = {
    "return", "CODE|QR-URL [--collected-by NAME --id-checked] [--rating-slip|--no-rating-slip]",
    "Trả kết quả: xem hồ sơ, ghi người nhận (đã kiểm tra giấy tờ tùy thân), in phiếu đánh "
    "giá.",
    "Hand over a result: show the dossier, record who collected it (ID checked), print the "
    "rating slip.",
    cmd_return};
