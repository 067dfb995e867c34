/* Dossier helpers shared by return, lookup and print. */
#ifndef MOTCUA_COUNTER_DOSSIER_SHOW_H
#define MOTCUA_COUNTER_DOSSIER_SHOW_H

#include "counter.h"

/* Prints the dossier (a staff view) in four lines on stdout. */
void cc_dossier_show(struct cc *c, json_t *dossier);
/* The dossier code in arg: arg itself, or the code= of a scanned receipt URL
 * (…/status?code=…&secret=…). Caller frees. */
char *cc_dossier_code_arg(const char *arg);
/* GET /dossiers/{code} into *out ({"dossier"…} or the view; see api.md). */
int cc_dossier_get(struct cc *c, const char *code, json_t **out);

#endif
