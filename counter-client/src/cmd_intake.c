/* intake: receives a dossier at the counter (tiếp nhận hồ sơ). The procedure
 * is chosen by code or by searching its name (accents optional), the applicant
 * entered, the documents received ticked against the procedure's list; then
 * the dossier is received (Mẫu 01, two copies), sent back for supplements
 * (Mẫu 02) or refused (Mẫu 03). Everything may come from prompts, from flags,
 * or from a JSON file (--from-file) with the fields of POST /dossiers plus
 * "documents" as names or "all". The dossier is saved before anything prints. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "counter.h"
#include "domain/applicant.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Chooses the procedure that query names: an exact code, the only match, or
 * the clerk's choice. Returns CC_OK with *out (a new reference). */
static int intake_procedure(struct cc *c, const char *query, json_t **out)
{
	char *q = cc_urlencode(query), *path = xasprintf("/api/v1/procedures?q=%s&limit=50", q);
	json_t *list, *p;
	size_t i, n;
	int rc;
	free(q);
	*out = NULL;
	rc = cc_api(c, "GET", path, NULL, &list);
	free(path);
	if (rc)
		return rc;
	json_t *items = json_object_get(list, "items");
	json_array_foreach(items, i, p)
	{
		if (strcmp(cc_str(p, "code", ""), query) == 0) {
			*out = json_incref(p);
			json_decref(list);
			return CC_OK;
		}
	}
	n = json_array_size(items);
	if (n == 1) {
		*out = json_incref(json_array_get(items, 0));
		json_decref(list);
		return CC_OK;
	}
	if (n == 0) {
		json_decref(list);
		return cc_fail(
		    c, CC_USAGE,
		    T(c, "Không có thủ tục nào khớp '%s'.", "No procedure matches '%s'."), query);
	}
	FILE *f = stderr;
	fprintf(f, T(c, "Có %zu thủ tục khớp '%s':\n", "%zu procedures match '%s':\n"), n, query);
	json_array_foreach(items, i, p)
	{
		fprintf(f, "  %zu. %s  %s (%s)\n", i + 1, cc_str(p, "code", "?"),
		        cc_str(p, "name", "?"), cc_str(p, "field", ""));
	}
	if (!cc_interactive()) {
		json_decref(list);
		return cc_fail(c, CC_USAGE, "%s",
		               T(c, "Hãy chọn bằng mã: --procedure MÃ",
		                 "Choose one by its code: --procedure CODE"));
	}
	char *a = cc_prompt(T(c, "Chọn số", "Choose a number"), NULL);
	long k = a ? strtol(a, NULL, 10) : 0;
	free(a);
	if (k < 1 || (size_t)k > n) {
		json_decref(list);
		return cc_fail(c, CC_USAGE, "%s",
		               T(c, "Chưa chọn thủ tục.", "No procedure chosen."));
	}
	*out = json_incref(json_array_get(items, (size_t)k - 1));
	json_decref(list);
	return CC_OK;
}

/* The procedure's entry for a document name, or NULL. */
static json_t *intake_doc_by_name(json_t *proc, const char *name)
{
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(proc, "documents"), i, d)
	{
		if (strcmp(cc_str(d, "name", ""), name) == 0)
			return d;
	}
	return NULL;
}

static json_t *intake_doc(json_t *d)
{
	json_t *count = json_object_get(d, "count");
	return json_pack("{s:s, s:s, s:I}", "name", cc_str(d, "name", ""), "kind",
	                 cc_str(d, "kind", "original"), "count",
	                 json_is_integer(count) ? json_integer_value(count) : (json_int_t)1);
}

/* Turns spec (names, objects, "all", or "1,3" numbers into the procedure's
 * list) into the documents of POST /dossiers. NULL when spec is malformed. */
static json_t *intake_documents(json_t *proc, json_t *spec)
{
	json_t *docs = json_array(), *listed = json_object_get(proc, "documents");
	size_t i;
	json_t *d;
	if (json_is_string(spec)) {
		const char *s = json_string_value(spec);
		if (strcmp(s, "all") == 0 || strcmp(s, "a") == 0) {
			json_array_foreach(listed, i, d) json_array_append_new(docs, intake_doc(d));
			return docs;
		}
		if (strcmp(s, "none") == 0 || *s == '\0')
			return docs;
		char *copy = xstrdup(s), *save = NULL;
		for (char *tok = strtok_r(copy, ", ", &save); tok;
		     tok = strtok_r(NULL, ", ", &save)) {
			char *end;
			long k = strtol(tok, &end, 10);
			json_t *e = json_array_get(listed, (size_t)k - 1);
			if (*end || k < 1 || e == NULL) {
				free(copy);
				json_decref(docs);
				return NULL;
			}
			json_array_append_new(docs, intake_doc(e));
		}
		free(copy);
		return docs;
	}
	json_array_foreach(spec, i, d)
	{
		if (json_is_string(d)) {
			json_t *e = intake_doc_by_name(proc, json_string_value(d));
			json_array_append_new(docs, e ? intake_doc(e)
			                              : json_pack("{s:s, s:s, s:i}", "name",
			                                          json_string_value(d), "kind",
			                                          "original", "count", 1));
		} else if (json_is_object(d)) {
			json_array_append(docs, d);
		} else {
			json_decref(docs);
			return NULL;
		}
	}
	return docs;
}

/* Required documents of proc not among docs, as Mẫu 02 items. */
static json_t *intake_missing_required(struct cc *c, json_t *proc, json_t *docs)
{
	json_t *missing = json_array(), *d, *g;
	size_t i, j;
	json_array_foreach(json_object_get(proc, "documents"), i, d)
	{
		if (!json_is_true(json_object_get(d, "required")))
			continue;
		bool have = false;
		json_array_foreach(docs, j, g)
		{
			if (strcmp(cc_str(g, "name", ""), cc_str(d, "name", "-")) == 0)
				have = true;
		}
		if (!have)
			json_array_append_new(missing, json_pack("{s:s, s:s}", "item",
			                                         cc_str(d, "name", ""), "reason",
			                                         T(c, "Chưa nộp", "Not provided")));
	}
	return missing;
}

/* "ITEM[:REASON]" as a Mẫu 02 item. */
static json_t *intake_missing_item(struct cc *c, const char *s)
{
	const char *colon = strchr(s, ':');
	char *item = colon ? xstrndup(s, (size_t)(colon - s)) : xstrdup(s);
	json_t *it = json_pack("{s:s, s:s}", "item", item, "reason",
	                       colon && colon[1] ? colon + 1 : T(c, "Chưa nộp", "Not provided"));
	free(item);
	return it;
}

/* Asks for a string member of obj when it is absent (interactive only). */
static void intake_ask(json_t *obj, const char *key, const char *question)
{
	if (json_object_get(obj, key) || !cc_interactive())
		return;
	char *a = cc_prompt(question, NULL);
	if (a && *a)
		json_object_set_new(obj, key, json_string(a));
	free(a);
}

/* Checks the applicant's ID number, phone (put in its normal form) and e-mail
 * by the server's rules (domain/applicant.h). At a terminal a bad value is
 * asked again (Enter leaves it out); otherwise the first bad one fails with
 * CC_USAGE naming the field. Returns CC_OK or CC_USAGE. */
static int intake_check_applicant(struct cc *c, json_t *applicant)
{
	static const struct {
		const char *key, *flag, *vi, *en;
	} fields[] = {
	    {"id_number", "--id-number",
	     "Số định danh phải gồm 12 chữ số (căn cước) hoặc là số hộ chiếu (vd C1234567)",
	     "the ID number must be 12 digits (CCCD) or a passport number (e.g. C1234567)"},
	    {"phone", "--phone", "Số điện thoại không hợp lệ (vd 0912345678 hoặc +84 912 345 678)",
	     "the phone number is not valid (e.g. 0912345678 or +84 912 345 678)"},
	    {"email", "--email", "Địa chỉ thư điện tử không hợp lệ",
	     "the e-mail address is not valid"},
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		for (;;) {
			const char *v = cc_str(applicant, fields[i].key, NULL);
			char norm[APPLICANT_PHONE_MAX];
			bool ok = v == NULL || (i == 0   ? applicant_id_number_valid(v)
			                        : i == 1 ? applicant_phone_normalize(v, norm)
			                                 : applicant_email_valid(v));
			if (ok) {
				if (v && i == 1)
					json_object_set_new(applicant, "phone", json_string(norm));
				break;
			}
			if (!cc_interactive())
				return cc_fail(c, CC_USAGE, "%s %s: '%s'. %s", fields[i].flag,
				               T(c, fields[i].vi, fields[i].en), v,
				               T(c, "Chưa có gì được lưu.", "Nothing was saved."));
			fprintf(stderr, "%s: '%s'\n", T(c, fields[i].vi, fields[i].en), v);
			char *a = cc_prompt(T(c, "Nhập lại (Enter: bỏ trống)",
			                      "Enter it again (Enter: leave it out)"),
			                    NULL);
			if (a && *a)
				json_object_set_new(applicant, fields[i].key, json_string(a));
			else
				json_object_del(applicant, fields[i].key);
			free(a);
		}
	}
	return CC_OK;
}

/* POST /dossiers with spec. A probable duplicate (409 probable_duplicate) is
 * said with the earlier dossier; at a terminal the clerk is asked whether to
 * take it in all the same (then sent again with confirm_duplicate under a
 * new key), otherwise it fails (CC_REFUSED) saying how to confirm. Returns
 * CC_OK with *ans (caller decrefs) or the failure's code. */
static int intake_post(struct cc *c, json_t *spec, json_t **ans)
{
	for (;;) {
		struct cc_response resp;
		*ans = NULL;
		cc_request(c, "POST", "/api/v1/dossiers", spec, &resp);
		if (resp.status >= 200 && resp.status < 300) {
			*ans = resp.json ? resp.json : json_object();
			resp.json = NULL;
			cc_response_free(&resp);
			return CC_OK;
		}
		if (resp.status != 409 || strcmp(cc_error_code(&resp), "probable_duplicate") != 0) {
			int rc = cc_report(c, &resp);
			cc_response_free(&resp);
			return rc;
		}
		json_t *dup = json_object_get(json_object_get(resp.json, "error"), "duplicate_of");
		char when[32];
		char *earlier =
		    xasprintf(T(c, "hồ sơ %s (tiếp nhận %s, %s)", "dossier %s (taken in %s, %s)"),
		              cc_str(dup, "code", "?"),
		              cc_time(json_integer_value(json_object_get(dup, "intake_at")), when,
		                      sizeof when),
		              cc_str(dup, "status_text", cc_str(dup, "status", "?")));
		cc_response_free(&resp);
		if (!cc_interactive()) {
			int rc =
			    cc_fail(c, CC_REFUSED,
			            T(c,
			              "Có thể trùng với %s: cùng số định danh và thủ tục trong 30 "
			              "ngày. Chưa có gì được lưu. Nếu đúng là hồ sơ mới: thêm "
			              "--confirm-duplicate",
			              "Probably the same as %s: same ID number and procedure "
			              "within 30 days. Nothing was saved. If it is a new one: add "
			              "--confirm-duplicate"),
			            earlier);
			free(earlier);
			return rc;
		}
		fprintf(
		    stderr,
		    T(c, "Có thể trùng với %s: cùng số định danh và thủ tục trong 30 ngày.\n",
		      "Probably the same as %s: same ID number and procedure within 30 days.\n"),
		    earlier);
		free(earlier);
		if (!cc_confirm(
		        c, T(c, "Vẫn tiếp nhận hồ sơ mới?", "Take in a new dossier all the same?"),
		        false))
			return cc_fail(c, CC_REFUSED, "%s",
			               T(c, "Đã không tiếp nhận. Chưa có gì được lưu.",
			                 "Not taken in. Nothing was saved."));
		json_object_set_new(spec, "confirm_duplicate", json_true());
		cc_new_action(c);
	}
}

/* The nearest office at or above code (itself included) of kind, or NULL.
 * Borrowed. */
static json_t *intake_office_up(json_t *items, const char *code, const char *kind)
{
	json_t *o = cc_office_in(items, code);
	for (int depth = 0; o && depth < 64; depth++) {
		if (strcmp(cc_str(o, "kind", ""), kind) == 0)
			return o;
		o = cc_office_in(items, cc_str(o, "parent", NULL));
	}
	return NULL;
}

/* Whether office o may be chosen as an authority (centres false) or as the
 * centre where the result is collected (centres true). */
static bool intake_office_fits(json_t *o, bool centres)
{
	const char *kind = cc_str(o, "kind", "");
	if (json_is_false(json_object_get(o, "active")))
		return false;
	return centres ? strcmp(kind, "centre") == 0 || strcmp(kind, "point") == 0
	               : strcmp(kind, "authority") == 0;
}

/* Chooses spec's key ("authority" or "return_at": centres) among the
 * province's offices (items of GET /offices), when there is a choice (two or
 * more): a value already in spec (flag or file) is a code (any case) or
 * names an office (its words in order, accents and case optional:
 * cc_name_matches) and becomes the code; else,
 * at a terminal, the offices are listed by name and the clerk picks a number
 * (Enter: dflt, the clerk's own); else spec is left without it (the server's
 * default, the same). No match: the offices are listed; several: the
 * matching ones (CC_USAGE).
 * Returns CC_OK or CC_USAGE. */
static int intake_choose_office(struct cc *c, json_t *spec, const char *key, json_t *items,
                                bool centres, json_t *dflt)
{
	const char *what =
	    centres ? T(c, "Nơi trả kết quả", "Where the result is collected")
	            : T(c, "Cơ quan có thẩm quyền giải quyết", "The competent authority");
	json_t *o, *hit = NULL;
	size_t i, n = 0;
	int hits = 0;
	json_array_foreach(items, i, o) n += intake_office_fits(o, centres);
	const char *arg = cc_str(spec, key, NULL);
	if (arg == NULL && (n < 2 || !cc_interactive()))
		return CC_OK;
	if (arg) {
		/* By code, else by name: its words in order (cc_name_matches); of
		 * several, the one whose whole name was typed. */
		int whole = 0;
		json_t *whole_hit = NULL;
		json_array_foreach(items, i, o)
		{
			if (!intake_office_fits(o, centres))
				continue;
			if (strcasecmp(cc_str(o, "code", ""), arg) == 0) {
				hit = o, hits = 1, whole = 0;
				break;
			}
			if (cc_name_matches(cc_str(o, "name", ""), arg)) {
				hit = o, hits++;
				if (cc_name_is(cc_str(o, "name", ""), arg))
					whole_hit = o, whole++;
			}
		}
		if (hits > 1 && whole == 1)
			hit = whole_hit, hits = 1;
		if (hits == 1) {
			json_object_set_new(spec, key, json_string(cc_str(hit, "code", "")));
			return CC_OK;
		}
		/* No match: every choice; several: only the matches. */
		struct strbuf sb = STRBUF_INIT;
		strbuf_puts(&sb, "");
		json_array_foreach(items, i, o)
		{
			if (intake_office_fits(o, centres) &&
			    (hits == 0 || cc_name_matches(cc_str(o, "name", ""), arg)))
				strbuf_printf(&sb, "%s%s — %s", sb.len ? "; " : "",
				              cc_str(o, "code", "?"), cc_str(o, "name", "?"));
		}
		int rc =
		    cc_fail(c, CC_USAGE,
		            hits == 0 ? T(c, "%s: không có nơi nào tên '%s'. Chọn một trong: %s",
		                          "%s: nothing is called '%s'. Choose one of: %s")
		                      : T(c, "%s: '%s' khớp nhiều nơi. Ghi rõ hơn, một trong: %s",
		                          "%s: '%s' matches several. Be more precise, one of: %s"),
		            what, arg, sb.data);
		strbuf_free(&sb);
		return rc;
	}
	fprintf(stderr, "%s:\n", what);
	size_t k = 0, pick = 0;
	json_array_foreach(items, i, o)
	{
		if (!intake_office_fits(o, centres))
			continue;
		k++;
		if (o == dflt)
			pick = k;
		fprintf(stderr, "  %zu. %s%s\n", k, cc_str(o, "name", "?"),
		        o == dflt ? T(c, " (mặc định)", " (default)") : "");
	}
	char *dnum = pick ? xasprintf("%zu", pick) : NULL;
	char *a = cc_prompt(T(c, "Chọn số", "Choose a number"), dnum);
	long want = a && *a ? strtol(a, NULL, 10) : 0;
	free(a);
	free(dnum);
	if (want < 1 || (size_t)want > k)
		return cc_fail(
		    c, CC_USAGE, "%s: %s", what,
		    T(c, "chưa chọn. Chưa có gì được lưu.", "none chosen. Nothing was saved."));
	k = 0;
	json_array_foreach(items, i, o)
	{
		if (intake_office_fits(o, centres) && ++k == (size_t)want)
			json_object_set_new(spec, key, json_string(cc_str(o, "code", "")));
	}
	return CC_OK;
}

/* In a province, the competent authority and the centre where the citizen
 * collects the result (docs/province.md, "Boundary-free intake"), each by
 * default the clerk's own: the authority of the procedure's office, else the
 * one the clerk's centre hangs below; the clerk's centre. Returns CC_OK (also
 * when the tree cannot be read: the server's defaults) or CC_USAGE. */
static int intake_offices(struct cc *c, json_t *spec, json_t *proc)
{
	json_t *tree = NULL, *queue = NULL;
	if (cc_api_quiet(c, "GET", "/api/v1/offices?limit=500", &tree) != CC_OK)
		return CC_OK;
	json_t *items = json_object_get(tree, "items");
	const char *own = NULL;
	if (cc_interactive() && cc_queue(c, &queue) == CC_OK)
		own = cc_str(json_object_get(queue, "office"), "code", NULL);
	json_t *authority = intake_office_up(items, cc_str(proc, "office", NULL), "authority");
	if (authority == NULL)
		authority = intake_office_up(items, own, "authority");
	int rc = intake_choose_office(c, spec, "authority", items, false, authority);
	if (rc == CC_OK)
		rc = intake_choose_office(c, spec, "return_at", items, true,
		                          cc_office_in(items, own));
	json_decref(queue);
	json_decref(tree);
	return rc;
}

static int intake_usage_missing(struct cc *c, const char *what)
{
	return cc_fail(c, CC_USAGE,
	               T(c, "Thiếu %s (xem: motcua-counter intake --help).",
	                 "Missing %s (see: motcua-counter intake --help)."),
	               what);
}

static int cmd_intake(struct cc *c, int argc, char **argv)
{
	static const struct option opts[] = {{"procedure", required_argument, NULL, 'P'},
	                                     {"name", required_argument, NULL, 'N'},
	                                     {"id-number", required_argument, NULL, 'I'},
	                                     {"address", required_argument, NULL, 'A'},
	                                     {"phone", required_argument, NULL, 'T'},
	                                     {"email", required_argument, NULL, 'E'},
	                                     {"doc", required_argument, NULL, 'd'},
	                                     {"docs", required_argument, NULL, 'D'},
	                                     {"sets", required_argument, NULL, 's'},
	                                     {"outcome", required_argument, NULL, 'o'},
	                                     {"missing", required_argument, NULL, 'm'},
	                                     {"reason", required_argument, NULL, 'r'},
	                                     {"ticket", required_argument, NULL, 't'},
	                                     {"from-file", required_argument, NULL, 'f'},
	                                     {"no-print", no_argument, NULL, 'n'},
	                                     {"copies", required_argument, NULL, 'c'},
	                                     {"confirm-duplicate", no_argument, NULL, 'C'},
	                                     {"authority", required_argument, NULL, 'U'},
	                                     {"return-at", required_argument, NULL, 'R'},
	                                     {NULL, 0, NULL, 0}};
	json_t *spec = NULL, *applicant, *flag_docs = NULL, *flag_missing = NULL;
	json_t *proc = NULL, *docs = NULL, *ans = NULL;
	bool no_print = false;
	int copies = 0, o, rc = CC_OK;

	/* The file first, then the flags over it: a first pass of the same
	 * options takes only --from-file (silently: the second pass reports
	 * what is wrong). */
	int saved_opterr = opterr;
	opterr = 0;
	optind = 0; /* a fresh scan: main read the global options with getopt_long */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'f')
			continue;
		json_error_t jerr;
		json_decref(spec);
		spec = json_load_file(optarg, 0, &jerr);
		if (!json_is_object(spec)) {
			json_decref(spec);
			opterr = saved_opterr;
			return cc_fail(c, CC_USAGE,
			               T(c, "Tệp %s không đọc được hoặc không phải JSON: %s",
			                 "%s is unreadable or not a JSON object: %s"),
			               optarg, jerr.text);
		}
	}
	opterr = saved_opterr;
	if (spec == NULL)
		spec = json_object();
	applicant = json_object_get(spec, "applicant");
	if (!json_is_object(applicant)) {
		applicant = json_object();
		json_object_set_new(spec, "applicant", applicant);
	}
	optind = 0; /* a fresh scan: main read the global options with getopt_long */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'P': json_object_set_new(spec, "procedure", json_string(optarg)); break;
		case 'N': json_object_set_new(applicant, "name", json_string(optarg)); break;
		case 'I': json_object_set_new(applicant, "id_number", json_string(optarg)); break;
		case 'A': json_object_set_new(applicant, "address", json_string(optarg)); break;
		case 'T': json_object_set_new(applicant, "phone", json_string(optarg)); break;
		case 'E': json_object_set_new(applicant, "email", json_string(optarg)); break;
		case 'd':
			if (!flag_docs || !json_is_array(flag_docs)) {
				json_decref(flag_docs);
				flag_docs = json_array();
			}
			json_array_append_new(flag_docs, json_string(optarg));
			break;
		case 'D':
			json_decref(flag_docs);
			flag_docs = json_string(optarg);
			break;
		case 's': json_object_set_new(spec, "sets", json_integer(atoi(optarg))); break;
		case 'o': json_object_set_new(spec, "outcome", json_string(optarg)); break;
		case 'm':
			if (!flag_missing)
				flag_missing = json_array();
			json_array_append_new(flag_missing, intake_missing_item(c, optarg));
			break;
		case 'r': json_object_set_new(spec, "reason", json_string(optarg)); break;
		case 't':
			json_object_set_new(spec, "ticket_id", json_integer(atoll(optarg)));
			break;
		case 'f': break;
		case 'n': no_print = true; break;
		case 'C': json_object_set_new(spec, "confirm_duplicate", json_true()); break;
		case 'U': json_object_set_new(spec, "authority", json_string(optarg)); break;
		case 'R': json_object_set_new(spec, "return_at", json_string(optarg)); break;
		case 'c':
			copies = atoi(optarg);
			if (copies < 1 || copies > 10)
				rc = cc_usage(c, &cmd_intake_entry);
			break;
		default: rc = cc_usage(c, &cmd_intake_entry);
		}
	}
	if (rc == CC_OK && optind < argc)
		rc = cc_usage(c, &cmd_intake_entry);
	if (flag_docs)
		json_object_set_new(spec, "documents", flag_docs);
	if (flag_missing)
		json_object_set_new(spec, "missing", flag_missing);
	/* Values given as flags or in the file are checked before anything else. */
	if (rc == CC_OK && !cc_interactive())
		rc = intake_check_applicant(c, applicant);
	if (rc || (rc = cc_need_login(c)))
		goto out;

	/* The procedure. */
	intake_ask(spec, "procedure",
	           T(c, "Thủ tục (mã hoặc tên, không dấu cũng được)",
	             "Procedure (code or name, accents optional)"));
	const char *pq = cc_str(spec, "procedure", NULL);
	if (pq == NULL || *pq == '\0') {
		rc = intake_usage_missing(c, "--procedure");
		goto out;
	}
	if ((rc = intake_procedure(c, pq, &proc)))
		goto out;
	if (!c->json)
		printf(T(c, "Thủ tục: %s  %s\n", "Procedure: %s  %s\n"), cc_str(proc, "code", "?"),
		       cc_str(proc, "name", "?"));
	if ((rc = intake_offices(c, spec, proc)))
		goto out;

	/* The applicant. */
	intake_ask(applicant, "name", T(c, "Họ tên người nộp", "Applicant's full name"));
	intake_ask(applicant, "id_number", T(c, "Số định danh / CCCD", "ID number"));
	intake_ask(applicant, "address", T(c, "Địa chỉ", "Address"));
	intake_ask(applicant, "phone", T(c, "Số điện thoại", "Phone"));
	intake_ask(applicant, "email", T(c, "Thư điện tử", "E-mail"));
	if (cc_str(applicant, "name", NULL) == NULL) {
		rc = intake_usage_missing(c, "--name");
		goto out;
	}
	if ((rc = intake_check_applicant(c, applicant)))
		goto out;

	/* The documents received, ticked against the procedure's list. */
	json_t *dspec = json_object_get(spec, "documents");
	if (dspec == NULL && cc_interactive() &&
	    json_array_size(json_object_get(proc, "documents"))) {
		size_t i;
		json_t *d;
		fprintf(stderr, "%s\n", T(c, "Thành phần hồ sơ:", "Documents of the procedure:"));
		json_array_foreach(json_object_get(proc, "documents"), i, d)
		{
			fprintf(stderr, "  %zu. %s (%s, %lld)%s\n", i + 1, cc_str(d, "name", "?"),
			        cc_doc_kind_text(c, cc_str(d, "kind", "?")),
			        (long long)json_integer_value(json_object_get(d, "count")),
			        json_is_true(json_object_get(d, "required"))
			            ? T(c, " — bắt buộc", " — required")
			            : "");
		}
		char *a = cc_prompt(T(c, "Đã nhận (vd 1,3; a = tất cả; Enter = không có)",
		                      "Received (e.g. 1,3; a = all; Enter = none)"),
		                    "");
		json_object_set_new(spec, "documents", json_string(a ? a : ""));
		free(a);
		dspec = json_object_get(spec, "documents");
	}
	docs = dspec ? intake_documents(proc, dspec) : json_array();
	if (docs == NULL) {
		rc = cc_fail(c, CC_USAGE, "%s",
		             T(c, "Danh sách giấy tờ không hợp lệ (tên, số thứ tự 1,2… hoặc all).",
		               "Bad document list (names, numbers 1,2… or all)."));
		goto out;
	}
	json_object_set(spec, "documents", docs);

	/* The outcome. */
	json_t *missing_required = intake_missing_required(c, proc, docs);
	if (!json_object_get(spec, "outcome") && cc_interactive()) {
		if (json_array_size(missing_required))
			fprintf(
			    stderr, "%s\n",
			    T(c, "Còn thiếu giấy tờ bắt buộc.", "Required documents are missing."));
		char *a = cc_prompt(T(c, "Kết quả: 1 tiếp nhận, 2 yêu cầu bổ sung, 3 từ chối",
		                      "Outcome: 1 receive, 2 ask for supplements, 3 refuse"),
		                    json_array_size(missing_required) ? "2" : "1");
		const char *out = a && a[0] == '2'   ? "supplement"
		                  : a && a[0] == '3' ? "refused"
		                                     : "received";
		json_object_set_new(spec, "outcome", json_string(out));
		free(a);
	}
	if (!json_object_get(spec, "outcome"))
		json_object_set_new(spec, "outcome", json_string("received"));
	const char *outcome = cc_str(spec, "outcome", "");
	if (strcmp(outcome, "supplement") == 0 && !json_object_get(spec, "missing")) {
		if (json_array_size(missing_required) == 0 && cc_interactive()) {
			char *a = cc_prompt(
			    T(c, "Cần bổ sung (GIẤY TỜ[:LÝ DO])", "To add (ITEM[:REASON])"), NULL);
			if (a && *a)
				json_array_append_new(missing_required, intake_missing_item(c, a));
			free(a);
		}
		json_object_set(spec, "missing", missing_required);
	}
	json_decref(missing_required);
	if (strcmp(outcome, "supplement") == 0 &&
	    json_array_size(json_object_get(spec, "missing")) == 0) {
		rc = intake_usage_missing(c, "--missing ITEM[:REASON]");
		goto out;
	}
	if (strcmp(outcome, "refused") == 0) {
		intake_ask(spec, "reason", T(c, "Lý do từ chối", "Reason for refusing"));
		if (!json_object_get(spec, "reason")) {
			rc = intake_usage_missing(c, "--reason");
			goto out;
		}
	}

	/* The visit being served at this counter, linked to the dossier. */
	if (!json_object_get(spec, "ticket_id") && c->cfg.counter > 0) {
		json_t *queue;
		if (cc_queue(c, &queue) == CC_OK) {
			json_t *s =
			    json_object_get(cc_queue_counter(queue, c->cfg.counter), "serving");
			if (json_is_integer(json_object_get(s, "id")))
				json_object_set(spec, "ticket_id", json_object_get(s, "id"));
			json_decref(queue);
		}
	}
	json_object_set_new(spec, "procedure", json_string(cc_str(proc, "code", "")));
	if (!json_object_get(spec, "sets"))
		json_object_set_new(spec, "sets", json_integer(1));

	if ((rc = intake_post(c, spec, &ans)))
		goto out;
	json_t *dossier = json_object_get(ans, "dossier");
	const char *code = cc_str(dossier, "code", "?"), *form = cc_str(ans, "form", "mau-01");
	const char *secret = cc_str(ans, "secret", NULL);
	if (secret) {
		json_object_set_new(c->cfg.secrets, code, json_string(secret));
		cc_config_save(c);
	}
	if (c->json) {
		cc_print_json(ans);
	} else {
		char due[32];
		json_t *ret = json_object_get(dossier, "return_office");
		json_t *auth = json_object_get(dossier, "authority");
		if (strcmp(form, "mau-01") == 0) {
			printf(T(c, "Đã tiếp nhận hồ sơ %s. Hẹn trả kết quả: %s.\n",
			         "Dossier %s received. Result due: %s.\n"),
			       code,
			       cc_time(json_integer_value(json_object_get(dossier, "due_at")), due,
			               sizeof due));
			if (cc_str(auth, "name", NULL))
				printf(
				    T(c, "Cơ quan giải quyết: %s.\n", "Competent authority: %s.\n"),
				    cc_str(auth, "name", ""));
			if (cc_str(ret, "name", NULL))
				printf(T(c, "Nhận kết quả tại: %s%s%s.\n",
				         "The result is collected at: %s%s%s.\n"),
				       cc_str(ret, "name", ""),
				       *cc_str(ret, "address", "") ? ", " : "",
				       cc_str(ret, "address", ""));
		} else if (strcmp(form, "mau-02") == 0)
			printf(T(c, "Hồ sơ %s: yêu cầu bổ sung (Mẫu 02).\n",
			         "Dossier %s: supplements requested (Mẫu 02).\n"),
			       code);
		else
			printf(T(c, "Hồ sơ %s: từ chối tiếp nhận (Mẫu 03).\n",
			         "Dossier %s: refused at intake (Mẫu 03).\n"),
			       code);
	}
	if (!no_print)
		rc = cc_print_form(c, dossier, form, secret,
		                   copies                        ? copies
		                   : strcmp(form, "mau-01") == 0 ? 2
		                                                 : 1);
out:
	json_decref(ans);
	json_decref(docs);
	json_decref(proc);
	json_decref(spec);
	return rc;
}

const struct cc_command cmd_intake_entry = {
    "intake",
    "[--procedure CODE|NAME] [--name N] [--id-number N] [--address A] [--phone P] "
    "[--email E]\n"
    "       [--doc NAME]… [--docs all|none|1,2…] [--sets N] "
    "[--outcome received|supplement|refused]\n"
    "       [--missing ITEM[:REASON]]… [--reason TEXT] [--ticket ID] [--from-file FILE.json] "
    "[--no-print] [--copies N] [--confirm-duplicate]\n"
    "       [--authority CODE|NAME] [--return-at CODE|NAME]",
    "Tiếp nhận hồ sơ: tiếp nhận (in Mẫu 01, 2 bản), yêu cầu bổ sung (Mẫu 02) hoặc từ chối "
    "(Mẫu 03). Hỏi từng bước, hoặc lấy hết từ tùy chọn / tệp JSON. Trong một tỉnh: cơ quan có "
    "thẩm quyền và nơi trả kết quả (mặc định: của trung tâm mình).",
    "Take in a dossier: receive (prints Mẫu 01, two copies), ask for supplements (Mẫu 02) or "
    "refuse (Mẫu 03). Asks step by step, or takes everything from flags / a JSON file. In a "
    "province: the competent authority and where the result is collected (default: the "
    "clerk's own).",
    cmd_intake};
