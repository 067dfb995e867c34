/* The route table: every HTTP endpoint, its handler and who may call it.
 * docs/api.md documents each one. */
#include <string.h>

#include "api/api_internal.h"

#define STAFF_QUEUE (ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_COUNTER)

const struct route api_routes[] = {
	{"GET", "/healthz", route_healthz, 0, 0},
	{"GET", "/metrics", route_metrics, 0, 0},

	{"POST", "/api/v1/session", route_session_create, 0, 0},
	{"GET", "/api/v1/session", route_session_get, ROLE_ANY, 0},
	{"DELETE", "/api/v1/session", route_session_delete, ROLE_STAFF, 0},

	{"POST", "/api/v1/tickets", route_tickets_create, STAFF_QUEUE | ROLE_KIOSK, ROUTE_MUTATES},
	{"POST", "/api/v1/tickets/{}/rejoin", route_ticket_rejoin, STAFF_QUEUE, ROUTE_MUTATES},
	{"POST", "/api/v1/counters/{}/call", route_counter_call, STAFF_QUEUE, ROUTE_MUTATES},
	{"POST", "/api/v1/counters/{}/recall", route_counter_recall, STAFF_QUEUE, ROUTE_MUTATES},
	{"POST", "/api/v1/counters/{}/no-show", route_counter_no_show, STAFF_QUEUE, ROUTE_MUTATES},
	{"POST", "/api/v1/counters/{}/transfer", route_counter_transfer, STAFF_QUEUE, ROUTE_MUTATES},
	{"POST", "/api/v1/counters/{}/finish", route_counter_finish, STAFF_QUEUE, ROUTE_MUTATES},
	{"POST", "/api/v1/counters/{}/state", route_counter_state, STAFF_QUEUE, ROUTE_MUTATES},
	{"GET", "/api/v1/queue", route_queue_get, 0, 0},
	{"GET", "/api/v1/events", route_events_get, ROLE_ANY, 0},

	{"POST", "/api/v1/import", route_import, ROLE_ADMIN, ROUTE_MUTATES},
	{"GET", "/api/v1/service-groups", route_groups_list, ROLE_STAFF, 0},
	{"POST", "/api/v1/service-groups", route_groups_put, ROLE_ADMIN, ROUTE_MUTATES},
	{"PATCH", "/api/v1/service-groups/{}", route_groups_put, ROLE_ADMIN, ROUTE_MUTATES},
	{"GET", "/api/v1/counters", route_counters_list, ROLE_STAFF, 0},
	{"POST", "/api/v1/counters", route_counters_put, ROLE_ADMIN, ROUTE_MUTATES},
	{"PATCH", "/api/v1/counters/{}", route_counters_put, ROLE_ADMIN, ROUTE_MUTATES},
	{"GET", "/api/v1/users", route_users_list, ROLE_ADMIN | ROLE_SUPERVISOR, 0},
	{"POST", "/api/v1/users", route_users_put, ROLE_ADMIN, ROUTE_MUTATES},
	{"PATCH", "/api/v1/users/{}", route_users_put, ROLE_ADMIN, ROUTE_MUTATES},
	{"GET", "/api/v1/devices", route_devices_list, ROLE_ADMIN, 0},
	{"POST", "/api/v1/devices", route_devices_put, ROLE_ADMIN, ROUTE_MUTATES},
	{"PATCH", "/api/v1/devices/{}", route_devices_put, ROLE_ADMIN, ROUTE_MUTATES},

	{"PUT", "/api/v1/test/clock", route_test_clock, ROLE_ADMIN, 0},

	/* Calendar: the fixed paths before /calendar/{year}. */
	{"GET", "/api/v1/calendar/due", route_calendar_due, ROLE_STAFF, 0},
	{"GET", "/api/v1/calendar/config", route_calendar_config_get, ROLE_STAFF, 0},
	{"PUT", "/api/v1/calendar/config", route_calendar_config_put, ROLE_ADMIN, ROUTE_MUTATES},
	{"GET", "/api/v1/calendar/{}", route_calendar_year, ROLE_STAFF, 0},
	{"PUT", "/api/v1/calendar/days/{}", route_calendar_day_put, ROLE_ADMIN, ROUTE_MUTATES},
	{"DELETE", "/api/v1/calendar/days/{}", route_calendar_day_delete, ROLE_ADMIN, ROUTE_MUTATES},

	/* The screens (routes_pages.c): public, the data comes from the API. */
	{"GET", "/board", route_page_board, 0, 0},
	{"GET", "/kiosk", route_page_kiosk, 0, 0},
	{"GET", "/static/{}", route_static, 0, 0},
	{"GET", "/static/{}/{}", route_static, 0, 0},
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];

/* Matches path against pattern segment by segment; {} takes one non-empty
 * segment. Copies path into buf and cuts it into params on success. */
static bool routes_match_one(const char *pattern, const char *path, char *buf,
			     const char *params[])
{
	const char *p = pattern, *s = path;
	int n = 0;
	size_t off = 0;

	while (*p && *s) {
		if (p[0] == '{' && p[1] == '}') {
			const char *end = strchr(s, '/');
			size_t len = end ? (size_t)(end - s) : strlen(s);
			if (len == 0 || n == HTTP_MAX_PARAMS)
				return false;
			memcpy(buf + off, s, len);
			buf[off + len] = '\0';
			params[n++] = buf + off;
			off += len + 1;
			s += len;
			p += 2;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

int routes_match(const char *method, const char *path, char *buf, const char *params[])
{
	bool path_seen = false;
	for (size_t i = 0; i < api_routes_count; i++) {
		if (!routes_match_one(api_routes[i].pattern, path, buf, params))
			continue;
		if (strcmp(api_routes[i].method, method) == 0)
			return (int)i;
		path_seen = true;
	}
	return path_seen ? -2 : -1;
}
