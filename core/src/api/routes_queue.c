/* The queue: tickets, counter actions, the snapshot and the live stream. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/bus.h"
#include "api/offload.h"
#include "api/present_queue.h"
#include "api/printing.h"
#include "store/queue.h"
#include "util/clock.h"
#include "util/xmalloc.h"

/* Optional string member: NULL when absent or null; *bad set when present
 * with the wrong type or over max bytes. */
static const char *queue_opt_str(json_t *body, const char *key, size_t max, bool *bad)
{
	json_t *v = json_object_get(body, key);
	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max) {
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

/* A body is optional for these routes: absent means {}. */
static json_t *queue_body(struct http_request *r)
{
	if (r->body.len == 0)
		return json_object();
	return http_body_object(r);
}

/* The office code the request names (office=<code>, *code NULL when
 * absent). On a malformed code (empty, over 64 bytes) replies 400
 * invalid_office and returns false. */
static bool queue_office_code(struct http_request *r, const char **code)
{
	*code = http_query(r, "office");
	if (*code && ((*code)[0] == '\0' || strlen(*code) > 64)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_office", "Mã trung tâm không hợp lệ",
		                "office must be a centre code of 1-64 bytes");
		return false;
	}
	return true;
}

/* The hall the request means (store_hall_resolve: office=<code>, else the
 * principal's own centre, else the only one in its scope); scoped: only
 * inside the principal's scope (another centre is 404). On error replies
 * and returns false. */
static bool queue_hall(struct api *api, struct http_request *r, bool scoped, int64_t *office)
{
	struct mc_error err;
	const char *code;
	if (!queue_office_code(r, &code))
		return false;
	if (store_hall_resolve(api->st, r->authed ? &r->who : NULL, code, scoped, office, &err) ==
	    MC_OK)
		return true;
	http_reply_error(r, &err);
	return false;
}

/* The hall a counter route means, unresolved: the store resolves it inside
 * the action's transaction (store/queue.h), within the caller's scope. On
 * a malformed office code replies and returns false. */
static bool queue_counter_hall(struct http_request *r, struct queue_hall_req *hall)
{
	hall->scoped = true;
	return queue_office_code(r, &hall->code);
}

static bool queue_counter_no(struct http_request *r, int *no)
{
	int64_t v;
	if (!http_parse_int(r->params[0], 1, 999, &v)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_counter_no",
		                "Số quầy phải là số nguyên 1–999", "Counter number must be 1-999");
		return false;
	}
	*no = (int)v;
	return true;
}

/* {"ticket": the ticket's view} with status, or the error. */
static void queue_reply(struct http_request *r, enum mc_err rc, const struct mc_error *err,
                        int status, const struct queue_ticket *t)
{
	if (rc != MC_OK) {
		http_reply_error(r, err);
		return;
	}
	http_reply_json(r, status, json_pack("{s:o}", "ticket", present_queue_ticket(t)));
}

static void queue_bad_field(struct http_request *r, const char *what)
{
	struct mc_error err;
	mc_failf(&err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ", "%s", what);
	http_reply_error(r, &err);
}

/* A printing kiosk's request, copied off the connection for the pool. */
struct queue_kiosk_job {
	int64_t office; /* the kiosk's hall */
	char group[24];
	char booking[40]; /* a check-in (POST /tickets {"booking"}), or "" */
	char priority[40];
	bool has_priority;
};

/* On a pool thread (api->io_pool): issue, render, print and wait for the
 * printer's confirmation (printing_kiosk_ticket) while no HTTP worker waits.
 * The kiosk's deadline counts from the request's arrival, not from when the
 * job got a thread: a job that waited in the queue gets only what remains,
 * and one left too little answers 503 at once without issuing a number. */
static void queue_kiosk_run(struct api *api, struct http_request *r, void *arg)
{
	struct queue_kiosk_job *k = arg;
	struct mc_error err;
	json_t *ticket = NULL, *print = NULL;
	int64_t deadline = r->started_ms + PRINTING_KIOSK_DEADLINE_MS;
	const char *priority = k->has_priority ? k->priority : NULL;
	enum mc_err rc = k->booking[0]
	                     ? printing_kiosk_checkin(api->printing, &r->who, k->office, k->booking,
	                                              priority, deadline, &ticket, &print, &err)
	                     : printing_kiosk_ticket(api->printing, &r->who, k->office, k->group,
	                                             priority, deadline, &ticket, &print, &err);
	if (rc == MC_OK) {
		json_t *answer = json_pack("{s:o, s:o}", "ticket", ticket, "print", print);
		if (k->booking[0])
			json_object_set(answer, "late", json_object_get(ticket, "late"));
		http_reply_json(r, 201, answer);
		return;
	}
	json_t *e = json_pack("{s:s, s:s, s:s}", "code", err.code, "message", err.message_vi,
	                      "message_en", err.message_en);
	if (print)
		json_object_set_new(e, "print", print);
	http_reply_json(r, http_status_of(err.kind), json_pack("{s:o}", "error", e));
}

void route_tickets_create(struct api *api, struct http_request *r)
{
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	bool bad = false;
	const char *group = queue_opt_str(body, "group", 16, &bad);
	const char *priority = queue_opt_str(body, "priority", 32, &bad);
	/* A check-in (docs/appointments.md): the booking's code instead of a
	 * group, typed or scanned at the kiosk, or given by staff. */
	const char *booking = queue_opt_str(body, "booking", 32, &bad);
	if (bad || (group == NULL) == (booking == NULL)) {
		queue_bad_field(r, "exactly one of 'group' (a service group code) or 'booking' (a "
		                   "booking code) is required; 'priority' is an optional priority "
		                   "class code");
		json_decref(body);
		return;
	}
	int64_t office;
	if (!queue_hall(api, r, true, &office)) {
		json_decref(body);
		return;
	}
	if (r->slow) {
		/* A printing kiosk (ROUTE_SLOW_IF_PRINTS): the ticket counts only
		 * once printed, which may take the printer's whole deadline: the
		 * pool waits for it. */
		struct queue_kiosk_job *k = xcalloc(1, sizeof *k);
		k->office = office;
		snprintf(k->group, sizeof k->group, "%s", group ? group : "");
		snprintf(k->booking, sizeof k->booking, "%s", booking ? booking : "");
		if (priority) {
			snprintf(k->priority, sizeof k->priority, "%s", priority);
			k->has_priority = true;
		}
		json_decref(body);
		offload_request(api->io_pool, r, queue_kiosk_run, k, free);
		return;
	}
	struct mc_error err;
	struct queue_ticket ticket;
	enum mc_err rc =
	    booking
	        ? store_ticket_checkin(api->st, &r->who, office, booking, priority, &ticket, &err)
	        : store_ticket_issue(api->st, &r->who, office, group, priority, &ticket, &err);
	if (rc == MC_OK && booking) {
		/* The answer says plainly whether the booking came too late. */
		http_reply_json(r, 201,
		                json_pack("{s:o, s:b}", "ticket", present_queue_ticket(&ticket),
		                          "late", ticket.late));
		json_decref(body);
		return;
	}
	queue_reply(r, rc, &err, 201, &ticket);
	json_decref(body);
}

void route_ticket_rejoin(struct api *api, struct http_request *r)
{
	int64_t id;
	struct mc_error err;
	struct queue_ticket ticket;
	/* The ticket's id, or today's number as the citizen holds it ("A003"). */
	const char *p = r->params[0];
	bool label = strlen(p) >= 2 && strlen(p) <= 16 && p[0] >= 'A' && p[0] <= 'Z';
	for (size_t i = 1; label && p[i]; i++)
		label = (p[i] >= '0' && p[i] <= '9') || (p[i] >= 'A' && p[i] <= 'Z');
	if (!label && !http_parse_int(p, 1, INT64_MAX, &id)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_ticket_id", "Mã phiếu không hợp lệ",
		                "Ticket must be an id or today's number (A003)");
		return;
	}
	/* A number is the hall's own: A003 of the caller's centre (office=). */
	int64_t office = 0;
	if (label && !queue_hall(api, r, true, &office))
		return;
	enum mc_err rc =
	    label ? store_ticket_today_by_label(api->st, &r->who, office, p, &id, &err) : MC_OK;
	if (rc == MC_OK)
		rc = store_ticket_rejoin(api->st, &r->who, id, &ticket, &err);
	queue_reply(r, rc, &err, 200, &ticket);
}

/* The counter actions share one shape: counter number in the path, an
 * optional JSON body, one store operation. */
enum counter_op { OP_CALL, OP_RECALL, OP_NO_SHOW, OP_TRANSFER, OP_FINISH };

/* A clerk's outcome ("served" or "removed"; absent: served) into *out;
 * false with err filled (400 invalid_outcome, naming field) otherwise. */
static bool queue_outcome_parse(const char *s, const char *field, enum visit_outcome *out,
                                struct mc_error *err)
{
	*out = VISIT_SERVED;
	if (s == NULL || visit_outcome_parse_finish(s, out))
		return true;
	mc_failf(err, MC_ERR_INVALID, "invalid_outcome",
	         "Kết quả phục vụ phải là served hoặc removed", "%s must be served or removed",
	         field);
	mc_error_field(err, field);
	return false;
}

/* A transfer's body into *cmd: exactly one of "group" or "counter" (1-999).
 * *bad on a wrong type or size; false with err filled (400
 * invalid_transfer) when neither or both are given. */
static bool queue_transfer_parse(json_t *body, struct queue_transfer_cmd *cmd, bool *bad,
                                 struct mc_error *err)
{
	const char *group = queue_opt_str(body, "group", 16, bad);
	json_t *to = json_object_get(body, "counter");
	if (to &&
	    (!json_is_integer(to) || json_integer_value(to) < 1 || json_integer_value(to) > 999))
		*bad = true;
	if (*bad)
		return false;
	memset(cmd, 0, sizeof *cmd);
	snprintf(cmd->to_group, sizeof cmd->to_group, "%s", group ? group : "");
	cmd->to_counter = to ? (int)json_integer_value(to) : 0;
	if ((group == NULL) == (cmd->to_counter <= 0)) {
		mc_fail(err, MC_ERR_INVALID, "invalid_transfer",
		        "Chọn một nhóm dịch vụ hoặc một quầy để chuyển",
		        "Give exactly one of group or counter");
		return false;
	}
	return true;
}

/* Runs op on counter no of the hall hall means with the request's body;
 * *bad when a field has the wrong type or size (nothing run). */
static enum mc_err queue_counter_run(struct api *api, struct http_request *r, enum counter_op op,
                                     const struct queue_hall_req *hall, int no, json_t *body,
                                     bool *bad, struct queue_ticket *ticket, struct mc_error *err)
{
	switch (op) {
	case OP_CALL: {
		const char *finish = queue_opt_str(body, "finish_current", 16, bad);
		struct queue_call_cmd cmd = {.finish_current = finish != NULL};
		if (*bad)
			return MC_OK;
		if (!queue_outcome_parse(finish, "finish_current", &cmd.finish, err))
			return err->kind;
		return store_counter_call(api->st, &r->who, hall, no, &cmd, ticket, err);
	}
	case OP_RECALL: return store_counter_recall(api->st, &r->who, hall, no, ticket, err);
	case OP_NO_SHOW: return store_counter_no_show(api->st, &r->who, hall, no, ticket, err);
	case OP_TRANSFER: {
		struct queue_transfer_cmd cmd;
		if (!queue_transfer_parse(body, &cmd, bad, err))
			return *bad ? MC_OK : err->kind;
		return store_counter_transfer(api->st, &r->who, hall, no, &cmd, ticket, err);
	}
	case OP_FINISH:
	default: {
		const char *outcome = queue_opt_str(body, "outcome", 16, bad);
		enum visit_outcome o;
		if (*bad)
			return MC_OK;
		if (!queue_outcome_parse(outcome, "outcome", &o, err))
			return err->kind;
		return store_counter_finish(api->st, &r->who, hall, no, o, ticket, err);
	}
	}
}

static void queue_counter_action(struct api *api, struct http_request *r, enum counter_op op)
{
	int no;
	struct queue_hall_req hall;
	if (!queue_counter_no(r, &no) || !queue_counter_hall(r, &hall))
		return;
	json_t *body = queue_body(r);
	if (body == NULL)
		return;
	struct mc_error err;
	struct queue_ticket ticket;
	bool bad = false;
	enum mc_err rc = queue_counter_run(api, r, op, &hall, no, body, &bad, &ticket, &err);
	json_decref(body);
	if (bad) {
		queue_bad_field(r, "a field has the wrong type or size");
		return;
	}
	queue_reply(r, rc, &err, 200, &ticket);
}

void route_counter_call(struct api *api, struct http_request *r)
{
	queue_counter_action(api, r, OP_CALL);
}

void route_counter_recall(struct api *api, struct http_request *r)
{
	queue_counter_action(api, r, OP_RECALL);
}

void route_counter_no_show(struct api *api, struct http_request *r)
{
	queue_counter_action(api, r, OP_NO_SHOW);
}

void route_counter_transfer(struct api *api, struct http_request *r)
{
	queue_counter_action(api, r, OP_TRANSFER);
}

void route_counter_finish(struct api *api, struct http_request *r)
{
	queue_counter_action(api, r, OP_FINISH);
}

void route_counter_state(struct api *api, struct http_request *r)
{
	int no;
	struct queue_hall_req hall;
	if (!queue_counter_no(r, &no) || !queue_counter_hall(r, &hall))
		return;
	json_t *body = http_body_object(r);
	if (body == NULL)
		return;
	bool bad = false;
	const char *state = queue_opt_str(body, "state", 16, &bad);
	enum counter_state want;
	struct mc_error err;
	struct queue_counter_change counter;
	enum mc_err rc;
	if (bad || !counter_state_parse(state, &want)) {
		mc_fail(&err, MC_ERR_INVALID, "invalid_counter_state",
		        "Trạng thái quầy phải là open, paused hoặc closed",
		        "state must be open, paused or closed");
		rc = mc_error_field(&err, "state");
	} else {
		rc = store_counter_set_state(api->st, &r->who, &hall, no, want, &counter, &err);
	}
	json_decref(body);
	if (rc != MC_OK) {
		http_reply_error(r, &err);
		return;
	}
	http_reply_json(r, 200,
	                json_pack("{s:o}", "counter", present_queue_counter_change(&counter)));
	queue_counter_change_clear(&counter);
}

/* Public: any centre's queue by office=<code>; without it the caller's own
 * centre (a device's, a clerk's), else the only one. */
void route_queue_get(struct api *api, struct http_request *r)
{
	size_t len;
	int64_t office;
	/* A board polls this: a hall named by a valid code (or an anonymous
	 * caller's only one) is remembered by the bus, so a fresh snapshot
	 * costs no database read. */
	const char *code = http_query(r, "office");
	const char *key = code ? code : (r->authed ? NULL : "");
	uint64_t epoch = 0;
	bool valid = key && (code == NULL || (code[0] && strlen(code) <= 64));
	if (!valid || !bus_hall_lookup(api->bus, key, &office, &epoch)) {
		if (!queue_hall(api, r, false, &office))
			return;
		if (valid)
			bus_hall_remember(api->bus, key, office, epoch);
	}
	char *snap = bus_snapshot(api->bus, office, &len);
	free(r->resp);
	r->status = 200;
	r->resp = snap;
	r->resp_len = len;
	r->content_type = "application/json; charset=utf-8";
}

void route_events_get(struct api *api, struct http_request *r)
{
	int64_t last = -1;
	const char *h = http_header(r, "Last-Event-ID");
	if (h == NULL)
		h = http_query(r, "last_event_id");
	if (h && !http_parse_int(h, 0, INT64_MAX, &last)) {
		http_reply_fail(r, MC_ERR_INVALID, "invalid_last_event_id",
		                "Last-Event-ID không hợp lệ", "Last-Event-ID must be an integer");
		return;
	}
	struct mc_error err;
	int64_t office;
	if (!queue_hall(api, r, true, &office))
		return;
	r->stream_ctx =
	    bus_subscribe(api->bus, r->conn, &r->who, office, r->token, r->client_ip, last, &err);
	if (r->stream_ctx == NULL) {
		http_reply_error(r, &err);
		return;
	}
	r->stream = true;
}

void route_public_ticket(struct api *api, struct http_request *r)
{
	int64_t id;
	struct queue_public_ticket t;
	struct mc_error err;
	if (!http_parse_int(r->params[0], 1, INT64_MAX, &id))
		mc_fail(&err, MC_ERR_NOT_FOUND, "ticket_not_found",
		        "Không có số thứ tự này trong ngày hôm nay", "No such ticket today");
	else if (store_ticket_public(api->st, id, clock_now(), &t, &err) == MC_OK) {
		http_reply_json(r, 200, present_queue_public_ticket(api->st, &t));
		queue_public_ticket_clear(&t);
		return;
	}
	http_reply_error(r, &err);
}
