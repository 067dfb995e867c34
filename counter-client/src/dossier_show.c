/* A dossier in a few lines, and the code out of a scanned receipt QR. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "dossier_show.h"
#include "util/xmalloc.h"

void cc_dossier_show(struct cc *c, json_t *d)
{
	json_t *app = json_object_get(d, "applicant"), *proc = json_object_get(d, "procedure");
	char t1[32], t2[32];
	printf("%s  %s\n", cc_str(d, "code", "?"),
	       cc_str(d, "status_text", cc_str(d, "status", "?")));
	printf("  %s: %s (%s)\n", T(c, "Thủ tục", "Procedure"), cc_str(proc, "name", "?"),
	       cc_str(proc, "code", "?"));
	printf("  %s: %s · %s: %s · %s: %s\n", T(c, "Người nộp", "Applicant"),
	       cc_str(app, "name", "?"), T(c, "CCCD", "ID"), cc_str(app, "id_number", "—"),
	       T(c, "ĐT", "phone"), cc_str(app, "phone", "—"));
	printf("  %s: %s · %s: %s\n", T(c, "Tiếp nhận", "Received"),
	       cc_time(json_integer_value(json_object_get(d, "intake_at")), t1, sizeof t1),
	       T(c, "Hẹn trả", "Due"),
	       cc_time(json_integer_value(json_object_get(d, "due_at")), t2, sizeof t2));
}

char *cc_dossier_code_arg(const char *arg)
{
	const char *p = strstr(arg, "code=");
	if (p == NULL || (p != arg && p[-1] != '?' && p[-1] != '&'))
		return xstrdup(arg);
	p += 5;
	/* A query's value: '+' is a space (a literal '+' comes as %2B), then
	 * libcurl's percent-decoding; a '%' not followed by two hex digits stays
	 * as it is, and the server finds no dossier by that code. */
	char *form = xstrndup(p, strcspn(p, "&#"));
	for (char *q = form; *q; q++)
		if (*q == '+')
			*q = ' ';
	int n = 0;
	char *dec = curl_easy_unescape(NULL, form, 0, &n);
	free(form);
	if (dec == NULL) {
		fprintf(stderr, "motcua-counter: out of memory\n");
		abort();
	}
	char *code = xstrdup(dec); /* a %00 ends the code, as it always has */
	curl_free(dec);
	return code;
}

int cc_dossier_get(struct cc *c, const char *code, json_t **out)
{
	char *enc = cc_urlencode(code), *path = xasprintf("/api/v1/dossiers/%s", enc);
	int rc = cc_api(c, "GET", path, NULL, out);
	free(path);
	free(enc);
	return rc;
}
