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

    {"POST", "/api/v1/tickets", route_tickets_create, STAFF_QUEUE | ROLE_KIOSK,
     ROUTE_MUTATES | ROUTE_SLOW_IF_PRINTS},
    {"POST", "/api/v1/tickets/{}/rejoin", route_ticket_rejoin, STAFF_QUEUE, ROUTE_MUTATES},
    {"POST", "/api/v1/counters/{}/call", route_counter_call, STAFF_QUEUE, ROUTE_MUTATES},
    {"POST", "/api/v1/counters/{}/recall", route_counter_recall, STAFF_QUEUE, ROUTE_MUTATES},
    {"POST", "/api/v1/counters/{}/no-show", route_counter_no_show, STAFF_QUEUE, ROUTE_MUTATES},
    {"POST", "/api/v1/counters/{}/transfer", route_counter_transfer, STAFF_QUEUE, ROUTE_MUTATES},
    {"POST", "/api/v1/counters/{}/finish", route_counter_finish, STAFF_QUEUE, ROUTE_MUTATES},
    {"POST", "/api/v1/counters/{}/state", route_counter_state, STAFF_QUEUE, ROUTE_MUTATES},
    {"GET", "/api/v1/queue", route_queue_get, 0, 0},
    {"GET", "/api/v1/public/tickets/{}", route_public_ticket, 0, 0},
    {"GET", "/queue", route_page_queue, 0, 0},
    {"GET", "/favicon.ico", route_page_favicon, 0, 0},
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

    /* Dossiers. Each action's role is checked by the domain's table too. */
    {"POST", "/api/v1/dossiers", route_dossiers_create, ROLE_COUNTER | ROLE_SUPERVISOR,
     ROUTE_MUTATES},
    /* The intake's checks and appointment, saving nothing. */
    {"POST", "/api/v1/dossiers/check", route_dossiers_check, ROLE_COUNTER | ROLE_SUPERVISOR, 0},
    {"GET", "/api/v1/dossiers", route_dossiers_list, ROLE_STAFF, 0},
    {"GET", "/api/v1/dossiers/{}", route_dossier_get, ROLE_STAFF, 0},
    {"POST", "/api/v1/dossiers/{}/actions", route_dossier_actions,
     ROLE_COUNTER | ROLE_SPECIALIST | ROLE_SUPERVISOR, ROUTE_MUTATES},
    {"GET", "/api/v1/dossiers/{}/control-sheet", route_dossier_control_sheet, ROLE_STAFF, 0},
    {"POST", "/api/v1/dossiers/{}/print", route_dossier_print,
     ROLE_COUNTER | ROLE_SPECIALIST | ROLE_SUPERVISOR, ROUTE_MUTATES | ROUTE_SLOW},
    /* A form as the printer gets it, for a preview: renders on a pool. */
    {"GET", "/api/v1/dossiers/{}/forms/{}", route_dossier_form_pdf,
     ROLE_COUNTER | ROLE_SPECIALIST | ROLE_SUPERVISOR, ROUTE_SLOW},
    {"GET", "/api/v1/ledger.csv", route_ledger_csv, ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_COUNTER, 0},
    {"GET", "/api/v1/public/dossiers/{}", route_public_dossier, 0, 0},
    {"GET", "/api/v1/procedures", route_procedures_list, ROLE_STAFF, 0},
    {"GET", "/api/v1/public/procedures", route_procedures_list, 0, 0},
    {"GET", "/api/v1/offices", route_offices_list, ROLE_STAFF, 0},
    {"GET", "/api/v1/public/offices", route_public_offices, 0, 0},
    {"POST", "/api/v1/procedures", route_procedures_put, ROLE_ADMIN, ROUTE_MUTATES},
    {"POST", "/api/v1/offices", route_offices_put, ROLE_ADMIN, ROUTE_MUTATES},

    /* Messages to citizens (routes_notify.c): the fixed paths before
     * /notifications/{id}. */
    {"GET", "/api/v1/notifications", route_notifications_list, ROLE_SUPERVISOR | ROLE_ADMIN, 0},
    {"GET", "/api/v1/notifications/templates", route_notification_templates, ROLE_STAFF, 0},
    {"POST", "/api/v1/notifications/test", route_notification_test, ROLE_ADMIN, ROUTE_MUTATES},
    {"GET", "/api/v1/notifications/{}", route_notification_get, ROLE_SUPERVISOR | ROLE_ADMIN, 0},
    {"POST", "/api/v1/notifications/{}/resend", route_notification_resend,
     ROLE_SUPERVISOR | ROLE_ADMIN, ROUTE_MUTATES},

    /* Printing (routes_print.c): the spool and the destinations. */
    {"GET", "/api/v1/print-jobs", route_print_jobs_list, ROLE_STAFF, 0},
    {"GET", "/api/v1/print-jobs/{}", route_print_job_get, ROLE_STAFF, 0},
    {"POST", "/api/v1/print-jobs/{}/retry", route_print_job_retry, STAFF_QUEUE, ROUTE_MUTATES},
    {"POST", "/api/v1/print-jobs/{}/reprint", route_print_job_reprint, STAFF_QUEUE, ROUTE_MUTATES},
    {"GET", "/api/v1/printers", route_printers_list, ROLE_STAFF, 0},
    {"POST", "/api/v1/printers", route_printers_put, ROLE_ADMIN, ROUTE_MUTATES},
    {"PATCH", "/api/v1/printers/{}", route_printers_put, ROLE_ADMIN, ROUTE_MUTATES},
    {"POST", "/api/v1/printers/{}/test", route_printer_test, ROLE_ADMIN | ROLE_SUPERVISOR,
     ROUTE_MUTATES | ROUTE_SLOW},

    /* Ratings (routes_ratings.c): the counter's one-time link, the citizen's
     * anonymous rating (public: the token is the only key), transparency. */
    {"POST", "/api/v1/dossiers/{}/rating-link", route_dossier_rating_link,
     ROLE_COUNTER | ROLE_SUPERVISOR, ROUTE_MUTATES},
    {"POST", "/api/v1/tickets/{}/rating-link", route_ticket_rating_link,
     ROLE_COUNTER | ROLE_SUPERVISOR, ROUTE_MUTATES},
    /* The same link printed as a slip on the counter's printer (spooled). */
    {"POST", "/api/v1/dossiers/{}/rating-slip", route_dossier_rating_slip,
     ROLE_COUNTER | ROLE_SUPERVISOR, ROUTE_MUTATES | ROUTE_SLOW},
    {"POST", "/api/v1/tickets/{}/rating-slip", route_ticket_rating_slip,
     ROLE_COUNTER | ROLE_SUPERVISOR, ROUTE_MUTATES | ROUTE_SLOW},
    {"GET", "/api/v1/public/ratings/{}", route_public_rating_get, 0, 0},
    {"POST", "/api/v1/public/ratings", route_public_rating_create, 0, 0},
    {"GET", "/api/v1/public/transparency", route_public_transparency, 0, 0},

    /* Feedback handling (routes_feedback.c): the fixed paths before
     * /feedback/{code}. The store answers each caller by the privacy rule. */
    {"GET", "/api/v1/feedback", route_feedback_list, ROLE_STAFF, 0},
    {"POST", "/api/v1/feedback", route_feedback_create, ROLE_COUNTER | ROLE_SUPERVISOR | ROLE_ADMIN,
     ROUTE_MUTATES | ROUTE_LARGE_BODY},
    {"GET", "/api/v1/feedback/conduct", route_feedback_conduct, ROLE_SUPERVISOR, 0},
    {"GET", "/api/v1/feedback/{}", route_feedback_get, ROLE_STAFF, 0},
    {"POST", "/api/v1/feedback/{}/actions", route_feedback_actions, ROLE_STAFF, ROUTE_MUTATES},
    {"GET", "/api/v1/feedback/{}/files/{}", route_feedback_file, ROLE_STAFF, 0},
    /* Feedback intake and the sender's routes (routes_feedback_public.c):
     * public, a kiosk files as itself; the code and secret are the key. */
    {"POST", "/api/v1/public/feedback", route_public_feedback_create, 0, ROUTE_LARGE_BODY},
    {"GET", "/api/v1/public/feedback/{}", route_public_feedback_get, 0, 0},
    {"POST", "/api/v1/public/feedback/{}/reply", route_public_feedback_reply, 0, 0},
    {"POST", "/api/v1/public/feedback/{}/reaction", route_public_feedback_reaction, 0, 0},
    {"GET", "/api/v1/public/feedback-answers", route_public_feedback_answers, 0, 0},

    /* The citizen pages (routes_pages.c). */
    {"GET", "/status", route_page_status, 0, 0},
    {"GET", "/rate", route_page_rate, 0, 0},
    {"GET", "/public", route_page_public, 0, 0},
    {"GET", "/gop-y", route_page_feedback, 0, 0},
    {"GET", "/feedback", route_page_feedback, 0, 0},
    {"GET", "/gop-y/qr.svg", route_page_feedback_qr, 0, 0},
    {"GET", "/dat-lich", route_page_booking, 0, 0},
    {"GET", "/booking", route_page_booking, 0, 0},
    {"GET", "/dat-lich/qr.svg", route_page_booking_qr, 0, 0},

    /* Appointments (routes_booking_public.c: public, the code is the key;
     * routes_booking.c: staff of the centre). */
    {"GET", "/api/v1/public/booking/options", route_public_booking_options, 0, 0},
    {"GET", "/api/v1/public/booking/slots", route_public_booking_slots, 0, 0},
    {"POST", "/api/v1/public/bookings", route_public_booking_create, 0, 0},
    {"GET", "/api/v1/public/bookings/{}", route_public_booking_get, 0, 0},
    {"POST", "/api/v1/public/bookings/{}/cancel", route_public_booking_cancel, 0, 0},
    {"GET", "/api/v1/bookings", route_bookings_list, ROLE_STAFF, 0},
    {"POST", "/api/v1/bookings", route_bookings_create, ROLE_COUNTER | ROLE_SUPERVISOR | ROLE_ADMIN,
     ROUTE_MUTATES},
    {"GET", "/api/v1/bookings/{}", route_booking_get, ROLE_STAFF, 0},
    {"POST", "/api/v1/bookings/{}/cancel", route_booking_cancel,
     ROLE_COUNTER | ROLE_SUPERVISOR | ROLE_ADMIN, ROUTE_MUTATES},

    /* Indicators and reports (routes_indicators.c). */
    {"GET", "/api/v1/indicators", route_indicators_get, ROLE_ADMIN | ROLE_SUPERVISOR, 0},
    {"GET", "/api/v1/indicators/staffing", route_indicators_staffing, ROLE_ADMIN | ROLE_SUPERVISOR,
     0},
    {"GET", "/api/v1/reports/{}", route_report_get, ROLE_ADMIN | ROLE_SUPERVISOR, 0},
    {"GET", "/supervisor", route_page_supervisor, 0, 0},
    {"GET", "/counter", route_page_counter, 0, 0},
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];

/* Matches path against pattern segment by segment; {} takes one non-empty
 * segment. Copies path into buf and cuts it into params on success. */
static bool routes_match_one(const char *pattern, const char *path, char *buf, const char *params[])
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
