/* The office tree's rules (docs/province.md): the kinds of office, which
 * kind may hang below which, and which kinds a staff role may belong to.
 * Pure: the store keeps the tree (store/office.h) and asks these. */
#ifndef MOTCUA_DOMAIN_OFFICE_H
#define MOTCUA_DOMAIN_OFFICE_H

#include "domain/principal.h"

/* Kinds of office an item may belong to, as bits. */
enum office_kind {
	OFFICE_PROVINCE = 1 << 0,
	OFFICE_CENTRE = 1 << 1,
	OFFICE_POINT = 1 << 2, /* reception point of a centre */
	OFFICE_AUTHORITY = 1 << 3,
	OFFICE_INTERNAL = 1 << 4, /* processing office inside an authority or centre */
	OFFICE_PARTNER = 1 << 5,
};
/* Where a hall (groups, counters, kiosks, boards, printers) can be. */
#define OFFICE_HALL (OFFICE_CENTRE | OFFICE_POINT)

/* The bit of the kind named kind ("province", "centre", "point",
 * "authority", "internal", "partner"); 0 for NULL or any other name. */
unsigned office_kind_bit(const char *kind);

/* The name of kind bit (one bit of enum office_kind), "?" for none. */
const char *office_kind_name(unsigned bit);

/* The kinds an office of kind bit may hang below; 0 for the province (it
 * has no parent) and for anything not a kind. */
unsigned office_parent_kinds(unsigned bit);

/* The kinds of office a staff account of role may belong to: an
 * administrator the province, a supervisor the province, a hall or an
 * authority, a clerk a hall, a specialist an authority, a processing
 * office or a hall. */
unsigned office_role_kinds(enum role role);

#endif
