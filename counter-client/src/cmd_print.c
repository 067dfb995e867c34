/* print CODE FORM [--copies N]: prints Mẫu 01/02/03 of a dossier again at this
 * counter. The receipt's QR carries the secret only when this computer took
 * the dossier in (the server keeps the secret only as a hash). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "counter.h"
#include "dossier_show.h"

static int cmd_print(struct cc *c, int argc, char **argv)
{
	static const struct option opts[] = {{"copies", required_argument, NULL, 'c'},
	                                     {NULL, 0, NULL, 0}};
	int copies = 1, o, rc;
	optind = 0; /* a fresh scan: main read the global options with getopt_long */
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o != 'c' || (copies = atoi(optarg)) < 1 || copies > 10)
			return cc_usage(c, &cmd_print_entry);
	}
	if (optind + 2 != argc)
		return cc_usage(c, &cmd_print_entry);
	const char *form = cc_form_name(argv[optind + 1]);
	if (form == NULL)
		return cc_fail(c, CC_USAGE, "%s",
		               T(c, "Mẫu in được: mau-01, mau-02, mau-03.",
		                 "Forms that print here: mau-01, mau-02, mau-03."));
	if ((rc = cc_need_login(c)))
		return rc;
	char *code = cc_dossier_code_arg(argv[optind]);
	json_t *got;
	if ((rc = cc_dossier_get(c, code, &got)) == CC_OK) {
		json_t *d = json_object_get(got, "dossier") ? json_object_get(got, "dossier") : got;
		const char *secret = cc_str(c->cfg.secrets, code, NULL);
		rc = cc_print_form(c, d, form, secret, copies);
		json_decref(got);
	}
	free(code);
	return rc;
}

const struct cc_command cmd_print_entry = {
    "print", "CODE mau-01|mau-02|mau-03 [--copies N]",
    "In lại một mẫu của hồ sơ trên máy in của quầy.",
    "Print a form of a dossier again on this counter's printer.", cmd_print};
