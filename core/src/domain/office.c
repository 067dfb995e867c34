#include "domain/office.h"

#include <stddef.h>
#include <string.h>

/* kind names in the order of enum office_kind's bits */
static const char *const office_kinds[] = {"province",  "centre",   "point",
                                           "authority", "internal", "partner"};
#define OFFICE_KIND_COUNT (sizeof office_kinds / sizeof office_kinds[0])

unsigned office_kind_bit(const char *kind)
{
	for (size_t i = 0; kind && i < OFFICE_KIND_COUNT; i++)
		if (strcmp(kind, office_kinds[i]) == 0)
			return 1u << i;
	return 0;
}

const char *office_kind_name(unsigned bit)
{
	for (size_t i = 0; i < OFFICE_KIND_COUNT; i++)
		if (bit == 1u << i)
			return office_kinds[i];
	return "?";
}

unsigned office_parent_kinds(unsigned bit)
{
	switch (bit) {
	case OFFICE_CENTRE: return OFFICE_PROVINCE | OFFICE_AUTHORITY;
	case OFFICE_POINT: return OFFICE_CENTRE;
	case OFFICE_AUTHORITY: return OFFICE_PROVINCE | OFFICE_AUTHORITY;
	case OFFICE_INTERNAL:
		return OFFICE_PROVINCE | OFFICE_AUTHORITY | OFFICE_CENTRE | OFFICE_INTERNAL;
	case OFFICE_PARTNER: return OFFICE_PROVINCE | OFFICE_AUTHORITY | OFFICE_CENTRE;
	default: return 0; /* the province has no parent */
	}
}

unsigned office_role_kinds(enum role role)
{
	switch (role) {
	case ROLE_ADMIN: return OFFICE_PROVINCE;
	case ROLE_SUPERVISOR: return OFFICE_PROVINCE | OFFICE_HALL | OFFICE_AUTHORITY;
	case ROLE_COUNTER: return OFFICE_HALL;
	default: return OFFICE_AUTHORITY | OFFICE_INTERNAL | OFFICE_HALL; /* specialist */
	}
}
