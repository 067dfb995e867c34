/* Fuzz target: the legal form templates (printer/src/form.c, data/forms/).
 * Two modes, picked by the first byte: (0) the input is a template's JSON,
 * parsed and, when it parses, rendered with a few fields set; (1) one of the
 * real templates of data/forms, rendered with field values and table rows
 * taken from the input (NUL-separated). For any input: no memory error, no
 * undefined behaviour; a render either succeeds with a PDF or fails with a
 * message, never half of each. */
#include <dirent.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_util.h"
#include "printer/render.h"

#define FUZZ_MAX_FORMS 16

static struct printer_form *forms[FUZZ_MAX_FORMS];
static int n_forms;

/* Every scalar field the templates of data/forms/README.md name. */
static const char *const field_names[] = {
    "agency_parent",
    "agency",
    "unit",
    "doc_number",
    "place",
    "day",
    "month",
    "year",
    "dossier_code",
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "applicant_email",
    "procedure",
    "sets",
    "legal_time",
    "received_at",
    "appointment_at",
    "collect_at",
    "fees",
    "ledger_book",
    "ledger_line",
    "receiver_name",
    "status_url",
    "contact_person",
    "contact_phone",
    "officer_name",
    "agency_name",
    "reason",
    "new_appointment_at",
    "head_name",
    "stopped_at",
    "lead_agency",
    "partner_agencies",
    "page",
};
static const char *const list_names[] = {"documents", "items", "reasons", "handovers", "rows"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/data/forms", FUZZ_SOURCE_DIR);
	DIR *d = opendir(dir);
	FUZZ_ASSERT(d != NULL, "cannot open %s", dir);
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n_forms < FUZZ_MAX_FORMS) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		char path[8192], err[256];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FUZZ_ASSERT(printer_form_load(path, &forms[n_forms], err, sizeof err) == PRINTER_OK,
		            "%s: %s", path, err);
		n_forms++;
	}
	closedir(d);
	FUZZ_ASSERT(n_forms > 0, "no templates in %s", dir);
	return 0;
}

/* Renders form with fields; checks the renderer's contract. */
static void fuzz_render(const struct printer_form *form, const struct printer_fields *fields)
{
	uint8_t *pdf = NULL;
	size_t len = 0;
	char err[256] = "";
	int rc = printer_form_pdf(form, fields, &pdf, &len, err, sizeof err);
	if (rc == PRINTER_OK) {
		FUZZ_ASSERT(pdf != NULL && len > 4 && memcmp(pdf, "%PDF", 4) == 0,
		            "OK without a PDF");
	} else {
		FUZZ_ASSERT(pdf == NULL, "failed (%d: %s) but returned bytes", rc, err);
		FUZZ_ASSERT(err[0] != '\0', "failed (%d) without a message", rc);
	}
	free(pdf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 16384)
		return 0;
	struct printer_fields *fields = printer_fields_new();
	if (data[0] & 1) {
		/* A real template, fuzzed values: NUL-separated strings in turn. */
		const struct printer_form *form = forms[data[1] % n_forms];
		char *text = fuzz_cstr(data + 2, size - 2);
		const char *end = text + (size - 2), *s = text;
		size_t k = 0;
		while (s <= end && k < 64) {
			size_t n = strlen(s);
			if (k < sizeof field_names / sizeof field_names[0]) {
				printer_fields_set(fields, field_names[k], s);
			} else {
				const char *cells[4] = {s, s, s, s};
				printer_fields_add_row(fields, list_names[k % 5], cells, 1 + k % 4);
			}
			s += n + 1;
			k++;
		}
		fuzz_render(form, fields);
		free(text);
	} else {
		/* A fuzzed template, plain values. */
		struct printer_form *form = NULL;
		char err[256] = "";
		if (printer_form_parse((const char *)data + 1, size - 1, &form, err, sizeof err) ==
		    PRINTER_OK) {
			FUZZ_ASSERT(form != NULL, "parsed without a template");
			for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++)
				printer_fields_set(fields, field_names[i],
				                   "Nguyễn Văn A <b>&amp;</b>");
			const char *cells[3] = {"Tờ khai", "Bản chính", "1"};
			for (size_t i = 0; i < sizeof list_names / sizeof list_names[0]; i++)
				printer_fields_add_row(fields, list_names[i], cells, 3);
			fuzz_render(form, fields);
			printer_form_free(form);
		} else {
			FUZZ_ASSERT(form == NULL, "refused (%s) but returned a template", err);
		}
	}
	printer_fields_free(fields);
	return 0;
}
