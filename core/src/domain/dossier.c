#include "domain/dossier.h"

#include <string.h>

static const char *const status_names[DS_STATUS_COUNT] = {
    "supplement_requested", "received",     "in_process", "interagency",
    "awaiting_payment",     "result_ready", "returned",   "rejected_at_intake",
    "returned_ineligible",  "withdrawn",    "cancelled",
};

static const char *const status_text_vi[DS_STATUS_COUNT] = {
    "Chờ bổ sung hồ sơ",
    "Đã tiếp nhận",
    "Đang giải quyết",
    "Đang xử lý liên thông",
    "Chờ thực hiện nghĩa vụ tài chính",
    "Đã có kết quả, mời đến nhận",
    "Đã trả kết quả",
    "Từ chối tiếp nhận",
    "Trả lại hồ sơ (không đủ điều kiện)",
    "Đã rút hồ sơ",
    "Đã hủy",
};

static const char *const action_names[DA_ACTION_COUNT] = {
    "handover",         "request_supplement", "supplement_received",
    "send_interagency", "partner_returned",   "await_payment",
    "payment_received", "result_ready",       "return_ineligible",
    "apologize",        "withdraw",           "cancel",
    "return_result",
};

#define SUP ROLE_SUPERVISOR
#define CLK ROLE_COUNTER
#define SPEC ROLE_SPECIALIST

/* Who may act: the one-stop clerk at the counter, the specialist in the
 * processing office, the supervisor (head of unit) for everything; only the
 * head signs an apology (Mẫu 04). */
static const unsigned action_roles[DA_ACTION_COUNT] = {
    [DA_HANDOVER] = CLK | SPEC | SUP,
    [DA_REQUEST_SUPPLEMENT] = SPEC | SUP,
    [DA_SUPPLEMENT_RECEIVED] = CLK | SUP,
    [DA_SEND_INTERAGENCY] = SPEC | SUP,
    [DA_PARTNER_RETURNED] = SPEC | SUP,
    [DA_AWAIT_PAYMENT] = SPEC | SUP,
    [DA_PAYMENT_RECEIVED] = CLK | SPEC | SUP,
    [DA_RESULT_READY] = SPEC | SUP,
    [DA_RETURN_INELIGIBLE] = SPEC | SUP,
    [DA_APOLOGIZE] = SUP,
    [DA_WITHDRAW] = CLK | SUP,
    [DA_CANCEL] = CLK | SUP,
    [DA_RETURN_RESULT] = CLK | SUP,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum dossier_place dossier_action_place(enum dossier_action a)
{
	switch (a) {
	/* The citizen comes back to the counter where the dossier was filed
	 * (a supplement, a fee, a request to withdraw; an overdue supplement
	 * cancelled there), or the holder takes it. */
	case DA_SUPPLEMENT_RECEIVED:
	case DA_PAYMENT_RECEIVED:
	case DA_WITHDRAW:
	case DA_CANCEL: return DP_INTAKE_OR_HOLDER;
	/* The result is handed over where it waits. */
	case DA_RETURN_RESULT: return DP_RETURN;
	/* Processing: whoever holds the dossier now. */
	default: return DP_HOLDER;
	}
}

const char *dossier_status_name(enum dossier_status s)
{
	return s < DS_STATUS_COUNT ? status_names[s] : "unknown";
}

bool dossier_status_parse(const char *s, enum dossier_status *out)
{
	for (size_t i = 0; s && i < COUNT(status_names); i++)
		if (strcmp(status_names[i], s) == 0) {
			*out = (enum dossier_status)i;
			return true;
		}
	return false;
}

const char *dossier_action_name(enum dossier_action a)
{
	return a < DA_ACTION_COUNT ? action_names[a] : "unknown";
}

bool dossier_action_parse(const char *s, enum dossier_action *out)
{
	for (size_t i = 0; s && i < COUNT(action_names); i++)
		if (strcmp(action_names[i], s) == 0) {
			*out = (enum dossier_action)i;
			return true;
		}
	return false;
}

bool dossier_status_final(enum dossier_status s)
{
	return s == DS_RETURNED || s == DS_REJECTED_AT_INTAKE || s == DS_RETURNED_INELIGIBLE ||
	       s == DS_WITHDRAWN || s == DS_CANCELLED;
}

bool dossier_status_clock_runs(enum dossier_status s)
{
	return s == DS_RECEIVED || s == DS_IN_PROCESS || s == DS_INTERAGENCY ||
	       s == DS_AWAITING_PAYMENT;
}

const char *dossier_status_text_vi(enum dossier_status s)
{
	return s < DS_STATUS_COUNT ? status_text_vi[s] : "";
}

unsigned dossier_action_roles(enum dossier_action a)
{
	return a < DA_ACTION_COUNT ? action_roles[a] : 0;
}

static bool fail(const char **code, const char *why)
{
	*code = why;
	return false;
}

bool dossier_transition(const struct dossier_state *st, enum dossier_action a, enum role role,
                        int64_t now, enum dossier_status *next, const char **code)
{
	enum dossier_status s = st->status;
	if (a >= DA_ACTION_COUNT)
		return fail(code, "unknown_action");
	if (!(action_roles[a] & role))
		return fail(code, "forbidden_role");
	if (dossier_status_final(s))
		return fail(code, "action_not_allowed");

	*next = s;
	switch (a) {
	case DA_HANDOVER:
		if (s != DS_RECEIVED && s != DS_IN_PROCESS)
			return fail(code, "action_not_allowed");
		*next = DS_IN_PROCESS;
		return true;
	case DA_REQUEST_SUPPLEMENT:
		if (s != DS_RECEIVED && s != DS_IN_PROCESS)
			return fail(code, "action_not_allowed");
		*next = DS_SUPPLEMENT_REQUESTED;
		return true;
	case DA_SUPPLEMENT_RECEIVED:
		if (s != DS_SUPPLEMENT_REQUESTED)
			return fail(code, "action_not_allowed");
		/* Complete at last: at intake it is now received; in
		 * processing it goes back to the office. */
		*next = st->clock_started ? DS_IN_PROCESS : DS_RECEIVED;
		return true;
	case DA_SEND_INTERAGENCY:
		if (s != DS_RECEIVED && s != DS_IN_PROCESS)
			return fail(code, "action_not_allowed");
		*next = DS_INTERAGENCY;
		return true;
	case DA_PARTNER_RETURNED:
		if (s != DS_INTERAGENCY)
			return fail(code, "action_not_allowed");
		*next = DS_IN_PROCESS;
		return true;
	case DA_AWAIT_PAYMENT:
		if (s != DS_IN_PROCESS && s != DS_INTERAGENCY)
			return fail(code, "action_not_allowed");
		*next = DS_AWAITING_PAYMENT;
		return true;
	case DA_PAYMENT_RECEIVED:
		if (s != DS_AWAITING_PAYMENT)
			return fail(code, "action_not_allowed");
		*next = DS_IN_PROCESS;
		return true;
	case DA_RESULT_READY:
		if (s != DS_RECEIVED && s != DS_IN_PROCESS)
			return fail(code, "action_not_allowed");
		*next = DS_RESULT_READY;
		return true;
	case DA_RETURN_INELIGIBLE:
		if (!dossier_status_clock_runs(s))
			return fail(code, "action_not_allowed");
		*next = DS_RETURNED_INELIGIBLE;
		return true;
	case DA_APOLOGIZE:
		if (!st->clock_started || s == DS_RESULT_READY)
			return fail(code, "action_not_allowed");
		if (st->apologized)
			return fail(code, "apology_once");
		if (now > st->due_at)
			return fail(code, "apology_after_due");
		return true; /* status unchanged: apology is an attribute */
	case DA_WITHDRAW:
		if (s == DS_RESULT_READY)
			return fail(code, "action_not_allowed");
		*next = DS_WITHDRAWN;
		return true;
	case DA_CANCEL:
		if (s != DS_SUPPLEMENT_REQUESTED)
			return fail(code, "action_not_allowed");
		*next = DS_CANCELLED;
		return true;
	case DA_RETURN_RESULT:
		if (s != DS_RESULT_READY)
			return fail(code, "action_not_allowed");
		*next = DS_RETURNED;
		return true;
	case DA_ACTION_COUNT: break;
	}
	return fail(code, "unknown_action");
}

const char *dossier_timing_name(enum dossier_timing t)
{
	static const char *const names[] = {"early", "on_time", "late"};
	return names[t];
}

enum dossier_timing dossier_timing_of(int64_t spent, int64_t budget, int64_t day_seconds)
{
	if (spent > budget)
		return DT_LATE;
	if (budget - spent >= day_seconds)
		return DT_EARLY;
	return DT_ON_TIME;
}

bool dossier_at_risk(int64_t remaining, int64_t total, int share_permille)
{
	if (total <= 0)
		return remaining <= 0;
	return remaining * 1000 < total * share_permille;
}
