/* printers [--set URI|QUEUE | --unset]: this counter's destination and its
 * state as the printer reports it now. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "printer/submit.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

static int cmd_printers(struct cc *c, int argc, char **argv)
{
	static const struct option opts[] = {{"set", required_argument, NULL, 's'},
	                                     {"unset", no_argument, NULL, 'u'},
	                                     {NULL, 0, NULL, 0}};
	const char *set = NULL;
	bool unset = false;
	int o, rc = CC_OK;
	optind = 0; /* a fresh scan: main read the global options with getopt_long */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 's' && *optarg)
			set = optarg;
		else if (o == 'u')
			unset = true;
		else
			return cc_usage(c, &cmd_printers_entry);
	}
	if (optind != argc || (set && unset))
		return cc_usage(c, &cmd_printers_entry);
	if (set || unset) {
		free(c->cfg.printer);
		c->cfg.printer = set ? xstrdup(set) : NULL;
		if ((rc = cc_config_save(c)))
			return rc;
	}
	enum cc_printer_source source;
	char why[512];
	char *dest = cc_printer_dest(c, &source, why, sizeof why);
	if (dest == NULL) {
		if (c->json) {
			json_t *j = json_pack("{s:n, s:s}", "destination", "reason", why);
			cc_print_json(j);
			json_decref(j);
		}
		return cc_fail(c, CC_ERR, T(c, "Chưa có máy in: %s", "No printer: %s"), why);
	}
	struct printer_state st;
	char err[256] = "";
	/* Named as the office names it; the address only when it has no name. */
	char *name = cc_printer_name(c, dest);
	printer_query_state(dest, 5000, &st, err, sizeof err);
	if (c->json) {
		json_t *j = json_pack(
		    "{s:s, s:s, s:{s:b, s:s, s:b, s:s, s:s}}", "destination", dest, "source",
		    source == CC_PRINTER_CONFIG    ? "config"
		    : source == CC_PRINTER_COUNTER ? "server"
		                                   : "office_default",
		    "state", "reachable", st.reachable, "state",
		    printer_device_state_name(st.state), "accepting_jobs", st.accepting_jobs,
		    "reasons", st.reasons, "message", st.message);
		cc_print_json(j);
		json_decref(j);
	} else {
		printf(
		    T(c, "Quầy này in trên %s (%s)\n", "This counter prints on %s (%s)\n"), name,
		    source == CC_PRINTER_CONFIG ? T(c, "đặt trên máy này", "set on this computer")
		    : source == CC_PRINTER_COUNTER
		        ? T(c, "do máy chủ gán cho quầy", "assigned to the counter by the server")
		        : T(c, "máy in mặc định của cơ quan", "the office's default printer"));
		if (st.reachable) {
			/* In words: the state, then each printer-state-reason. */
			struct strbuf words = STRBUF_INIT;
			char *reasons = xstrdup(st.reasons), *save = NULL;
			for (char *r = strtok_r(reasons, ",", &save); r;
			     r = strtok_r(NULL, ",", &save))
				strbuf_printf(&words, "%s%s", words.len ? ", " : "",
				              cc_printer_reason_text(c, r));
			free(reasons);
			printf(
			    T(c, "Trạng thái: %s, %s lệnh in; %s.\n", "State: %s, %s jobs; %s.\n"),
			    cc_printer_state_text(c, printer_device_state_name(st.state)),
			    st.accepting_jobs ? T(c, "đang nhận", "accepting")
			                      : T(c, "không nhận", "not accepting"),
			    words.len ? words.data : cc_printer_reason_text(c, "none"));
			strbuf_free(&words);
		}
	}
	if (!st.reachable)
		rc = cc_fail(
		    c, CC_ERR,
		    T(c, "Không kết nối được %s%s%s%s: kiểm tra nguồn điện và cáp mạng.",
		      "The printer %s cannot be reached%s%s%s: check its power and network."),
		    name, c->lang == CC_EN || c->verbose ? " (" : "",
		    c->lang == CC_EN || c->verbose ? err : "",
		    c->lang == CC_EN || c->verbose ? ")" : "");
	free(name);
	free(dest);
	return rc;
}

const struct cc_command cmd_printers_entry = {
    "printers", "[--set URI|QUEUE | --unset]",
    "Máy in của quầy và trạng thái; --set đặt máy in cho máy này.",
    "This counter's printer and its state; --set chooses it on this computer.", cmd_printers};
