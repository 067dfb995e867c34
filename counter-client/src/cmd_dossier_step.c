/* handover CODE OFFICE, result-ready CODE: the steps that move a dossier on
 * between intake and return (POST /dossiers/CODE/actions). The office is
 * given by its code or its name (accents optional). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "counter.h"
#include "dossier_show.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* The office meant by arg: any office by its code (any case), else the
 * processing office whose name arg names (its words in order, accents and
 * case optional: cc_name_matches; of several, the one whose whole name was
 * typed). Returns a malloc'd code with *name its name (malloc'd), or NULL
 * after listing the processing offices (no match) or only the matching ones
 * (several), CC_USAGE in *rc, or after saying why the list failed. */
static char *step_office(struct cc *c, const char *arg, char **name, int *rc)
{
	json_t *list = NULL, *o, *hit = NULL;
	size_t i;
	int hits = 0, whole = 0;
	char *code = NULL;
	*name = NULL;
	if ((*rc = cc_api(c, "GET", "/api/v1/offices?limit=500", NULL, &list)))
		return NULL;
	json_t *items = json_object_get(list, "items"), *matches = json_array();
	json_array_foreach(items, i, o)
	{
		if (strcasecmp(cc_str(o, "code", ""), arg) == 0) {
			hit = o, hits = 1;
			break;
		}
	}
	json_array_foreach(items, i, o)
	{
		if (hit || strcmp(cc_str(o, "kind", ""), "internal") != 0 ||
		    json_is_false(json_object_get(o, "active")) ||
		    !cc_name_matches(cc_str(o, "name", ""), arg))
			continue;
		json_array_append(matches, o);
		if (cc_name_is(cc_str(o, "name", ""), arg))
			whole++;
	}
	if (!hit && (json_array_size(matches) == 1 || whole == 1)) {
		json_array_foreach(matches, i, o)
		{
			if (json_array_size(matches) == 1 || cc_name_is(cc_str(o, "name", ""), arg))
				hit = o;
		}
		hits = 1;
	}
	if (hits == 1) {
		code = xstrdup(cc_str(hit, "code", ""));
		*name = xstrdup(cc_str(hit, "name", code));
		goto out;
	}
	hits = (int)json_array_size(matches);
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "");
	json_array_foreach(hits ? matches : items, i, o)
	{
		if (strcmp(cc_str(o, "kind", "internal"), "internal") != 0 ||
		    json_is_false(json_object_get(o, "active")))
			continue;
		strbuf_printf(&sb, "%s%s — %s", sb.len ? "; " : "", cc_str(o, "code", "?"),
		              cc_str(o, "name", "?"));
	}
	*rc = cc_fail(c, CC_USAGE,
	              hits == 0 ? T(c, "Không có phòng nào tên '%s'. Chọn một trong: %s",
	                            "No office is called '%s'. Choose one of: %s")
	                        : T(c, "'%s' khớp nhiều phòng. Ghi rõ hơn, một trong: %s",
	                            "'%s' matches several offices. Be more precise, one of: %s"),
	              arg, sb.data);
	strbuf_free(&sb);
out:
	json_decref(matches);
	json_decref(list);
	return code;
}

/* POSTs the action body for code. On success prints the answer (--json), or
 * "Hồ sơ CODE: status." followed by what done (may be NULL) writes for the
 * answer's dossier. Returns an enum cc_exit. A 403 says who may (who_vi,
 * who_en; NULL: the server's reason). */
static int step_post(struct cc *c, const char *code, json_t *body,
                     void (*done)(struct cc *c, const char *code, json_t *dossier, void *arg),
                     void *arg, const char *who_vi, const char *who_en)
{
	char *enc = cc_urlencode(code), *path = xasprintf("/api/v1/dossiers/%s/actions", enc);
	struct cc_response resp;
	int rc = CC_OK;
	cc_request(c, "POST", path, body, &resp);
	if (resp.status >= 200 && resp.status < 300) {
		json_t *d = json_object_get(resp.json, "dossier");
		if (c->json) {
			cc_print_json(resp.json);
		} else {
			printf("%s %s: %s.", T(c, "Hồ sơ", "Dossier"), code,
			       cc_str(d, "status_text", ""));
			if (done)
				done(c, code, d, arg);
			putchar('\n');
		}
	} else if (resp.status == 403 && who_vi) {
		rc = cc_fail(c, CC_FORBIDDEN, "%s", T(c, who_vi, who_en));
	} else {
		rc = cc_report(c, &resp);
	}
	cc_response_free(&resp);
	free(path);
	free(enc);
	return rc;
}

/* After a hand-over: to whom (arg: the office's name), and what comes next. */
static void step_handed_over(struct cc *c, const char *code, json_t *dossier, void *arg)
{
	(void)dossier;
	printf(T(c,
	         " Đã chuyển cho %s. Khi có kết quả, chuyên viên của phòng ghi: motcua-counter "
	         "result-ready %s",
	         " Handed over to %s. When the result is ready, the office's specialist records: "
	         "motcua-counter result-ready %s"),
	       (const char *)arg, code);
}

/* After the result is recorded as ready: who hands it to the citizen, and
 * where (the dossier's return centre, by name). A specialist cannot return
 * it: the counter clerks of that centre do. */
static void step_result_ready(struct cc *c, const char *code, json_t *dossier, void *arg)
{
	(void)arg;
	json_t *at = json_object_get(dossier, "return_office");
	if (!json_is_object(at))
		at = json_object_get(dossier, "intake_office");
	const char *where = cc_str(at, "name", NULL);
	if (where)
		printf(T(c,
		         " Cán bộ một cửa của %s trả kết quả cho người dân tại đó (ở quầy: "
		         "motcua-counter return %s).",
		         " The counter clerks of %s hand the result to the citizen there (at a "
		         "counter: motcua-counter return %s)."),
		       where, code);
	else
		printf(T(c,
		         " Cán bộ một cửa trả kết quả cho người dân (ở quầy: motcua-counter return "
		         "%s).",
		         " The counter clerks hand the result to the citizen (at a counter: "
		         "motcua-counter return %s)."),
		       code);
}

static int cmd_handover(struct cc *c, int argc, char **argv)
{
	static const struct option opts[] = {{"to-person", required_argument, NULL, 'p'},
	                                     {"note", required_argument, NULL, 'n'},
	                                     {NULL, 0, NULL, 0}};
	const char *person = NULL, *note = NULL;
	int o, rc;
	optind = 0; /* a fresh scan: main read the global options with getopt_long */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'p': person = optarg; break;
		case 'n': note = optarg; break;
		default: return cc_usage(c, &cmd_handover_entry);
		}
	}
	if (optind + 2 != argc || argv[optind + 1][0] == '\0')
		return cc_usage(c, &cmd_handover_entry);
	if ((rc = cc_need_login(c)))
		return rc;
	char *code = cc_dossier_code_arg(argv[optind]), *name = NULL;
	char *office = step_office(c, argv[optind + 1], &name, &rc);
	json_t *body = NULL;
	if (office == NULL)
		goto out;
	body = json_pack("{s:s, s:s}", "action", "handover", "to_office", office);
	if (person)
		json_object_set_new(body, "to_person", json_string(person));
	if (note)
		json_object_set_new(body, "note", json_string(note));
	rc = step_post(c, code, body, step_handed_over, name, NULL, NULL);
out:
	json_decref(body);
	free(office);
	free(name);
	free(code);
	return rc;
}

static int cmd_result_ready(struct cc *c, int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '\0')
		return cc_usage(c, &cmd_result_ready_entry);
	int rc;
	if ((rc = cc_need_login(c)))
		return rc;
	char *code = cc_dossier_code_arg(argv[1]);
	json_t *body = json_pack("{s:s}", "action", "result_ready");
	rc = step_post(
	    c, code, body, step_result_ready, NULL,
	    "Chỉ chuyên viên xử lý hoặc người giám sát được ghi hồ sơ đã có kết quả; cán bộ một "
	    "cửa chờ phòng chuyên môn báo rồi trả bằng: motcua-counter return MÃ",
	    "Only the processing specialist or a supervisor may record the result as ready; the "
	    "counter waits for the office, then hands it over: motcua-counter return CODE");
	json_decref(body);
	free(code);
	return rc;
}

const struct cc_command cmd_handover_entry = {
    "handover", "CODE|QR-URL OFFICE [--to-person NAME] [--note TEXT]",
    "Chuyển hồ sơ cho phòng chuyên môn giải quyết (mã hoặc tên phòng).",
    "Hand a dossier over to the processing office (its code or name).", cmd_handover};

const struct cc_command cmd_result_ready_entry = {
    "result-ready", "CODE|QR-URL",
    "Ghi hồ sơ đã có kết quả (chuyên viên, giám sát); cán bộ một cửa nơi trả kết quả trả "
    "cho người dân.",
    "Record a dossier's result as ready (specialist, supervisor); the counter clerks where "
    "the result is collected hand it over.",
    cmd_result_ready};
