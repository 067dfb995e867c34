/* The fields of the legal forms (data/forms/mau-0N.json) for one dossier, as
 * the server's staff view gives it (docs/api.md, "Dossiers"). One mapping,
 * used by the server (forms printed through the spool) and by motcua-counter
 * (forms printed at the counter). */
#ifndef PRINTER_DOSSIER_FORMS_H
#define PRINTER_DOSSIER_FORMS_H

#include <jansson.h>

#include "printer/fields.h"

struct printer_dossier_context {
	const char *agency;        /* the office's name (cơ quan) */
	const char *agency_parent; /* its parent body, or NULL */
	const char *locality;      /* the place before ", ngày … tháng …" (office.locality) */
	const char *officer;       /* the officer printing (cán bộ): a full name; the dossier's
	                              received_by_user is preferred where the receiver signs */
	const char *status_url; /* Mẫu 01's QR: <server>/status?code=…&secret=…; NULL: none.
	                           Also its small feedback QR, <server>/gop-y?d=…&s=…
	                           (field feedback_url), made from it */
	const char *secret;     /* Mẫu 01's lookup secret, printed labelled; NULL: none */
	json_t *procedure;      /* the procedure as imported (processing, fees), or NULL */
	int utc_offset_minutes; /* office time, 420 for Vietnam */
};

/* Whether form names one of the forms a dossier prints ("mau-01".."mau-06"). */
int printer_dossier_form_known(const char *form);

/* The fields of form for dossier; never NULL (the caller frees with
 * printer_fields_free). Missing values print as blanks to fill by hand. */
struct printer_fields *printer_dossier_fields(json_t *dossier, const char *form,
                                              const struct printer_dossier_context *ctx);

#endif
