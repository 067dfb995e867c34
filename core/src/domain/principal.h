/* Who is acting: a staff member with one role, or a device with its own. */
#ifndef MOTCUA_PRINCIPAL_H
#define MOTCUA_PRINCIPAL_H

#include <stdbool.h>
#include <stdint.h>

/* Roles as bits so a route can allow several. */
enum role {
	ROLE_NONE = 0,
	ROLE_ADMIN = 1 << 0,
	ROLE_SUPERVISOR = 1 << 1,
	ROLE_COUNTER = 1 << 2,    /* one-stop clerk (cán bộ một cửa) */
	ROLE_SPECIALIST = 1 << 3, /* processing office (phòng chuyên môn) */
	ROLE_KIOSK = 1 << 4,      /* ticket kiosk device */
	ROLE_DISPLAY = 1 << 5,    /* hall board device */
};

#define ROLE_STAFF (ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_COUNTER | ROLE_SPECIALIST)
#define ROLE_ANY (ROLE_STAFF | ROLE_KIOSK | ROLE_DISPLAY)

struct principal {
	enum role role;
	int64_t user_id;    /* staff: users.id; 0 for devices */
	int64_t device_id;  /* devices: devices.id; 0 for staff */
	bool device_prints; /* kiosk: hands out tickets only once printed */
	/* The office the principal belongs to, whose subtree of the office tree
	 * is all it may see or touch (docs/province.md, "Scopes"): a centre
	 * for a clerk, a device or a centre supervisor; an authority or a
	 * processing office for a specialist. 0 is the whole province: the
	 * province admin and supervisors (users of the root, or of no office,
	 * which set-up allows only for them). */
	int64_t office_id;
	char actor[32]; /* "user:7", "device:2": what the audit chain records */
	char username[64];
};

/* "admin", "supervisor", ... for one role bit; NULL for an unknown value. */
static inline const char *role_name(enum role r)
{
	switch (r) {
	case ROLE_ADMIN: return "admin";
	case ROLE_SUPERVISOR: return "supervisor";
	case ROLE_COUNTER: return "counter";
	case ROLE_SPECIALIST: return "specialist";
	case ROLE_KIOSK: return "kiosk";
	case ROLE_DISPLAY: return "display";
	default: return 0;
	}
}

#endif
