#include "domain/dossier.h"

#include <stdio.h>
#include <string.h>

#include "domain/office.h"
#include "domain/workcal.h"

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

enum dossier_refusal dossier_transition_check(const struct dossier_state *st, enum dossier_action a,
                                              enum role role, int64_t now,
                                              enum dossier_status *next)
{
	enum dossier_status s = st->status;
	if (a >= DA_ACTION_COUNT)
		return DR_UNKNOWN_ACTION;
	if (!(action_roles[a] & role))
		return DR_FORBIDDEN_ROLE;
	if (dossier_status_final(s))
		return DR_NOT_ALLOWED;

	*next = s;
	switch (a) {
	case DA_HANDOVER:
		if (s != DS_RECEIVED && s != DS_IN_PROCESS)
			return DR_NOT_ALLOWED;
		*next = DS_IN_PROCESS;
		return DR_NONE;
	case DA_REQUEST_SUPPLEMENT:
		if (s != DS_RECEIVED && s != DS_IN_PROCESS)
			return DR_NOT_ALLOWED;
		*next = DS_SUPPLEMENT_REQUESTED;
		return DR_NONE;
	case DA_SUPPLEMENT_RECEIVED:
		if (s != DS_SUPPLEMENT_REQUESTED)
			return DR_NOT_ALLOWED;
		/* Complete at last: at intake it is now received; in
		 * processing it goes back to the office. */
		*next = st->clock_started ? DS_IN_PROCESS : DS_RECEIVED;
		return DR_NONE;
	case DA_SEND_INTERAGENCY:
		if (s != DS_RECEIVED && s != DS_IN_PROCESS)
			return DR_NOT_ALLOWED;
		*next = DS_INTERAGENCY;
		return DR_NONE;
	case DA_PARTNER_RETURNED:
		if (s != DS_INTERAGENCY)
			return DR_NOT_ALLOWED;
		*next = DS_IN_PROCESS;
		return DR_NONE;
	case DA_AWAIT_PAYMENT:
		if (s != DS_IN_PROCESS && s != DS_INTERAGENCY)
			return DR_NOT_ALLOWED;
		*next = DS_AWAITING_PAYMENT;
		return DR_NONE;
	case DA_PAYMENT_RECEIVED:
		if (s != DS_AWAITING_PAYMENT)
			return DR_NOT_ALLOWED;
		*next = DS_IN_PROCESS;
		return DR_NONE;
	case DA_RESULT_READY:
		if (s != DS_RECEIVED && s != DS_IN_PROCESS)
			return DR_NOT_ALLOWED;
		*next = DS_RESULT_READY;
		return DR_NONE;
	case DA_RETURN_INELIGIBLE:
		if (!dossier_status_clock_runs(s))
			return DR_NOT_ALLOWED;
		*next = DS_RETURNED_INELIGIBLE;
		return DR_NONE;
	case DA_APOLOGIZE:
		if (!st->clock_started || s == DS_RESULT_READY)
			return DR_NOT_ALLOWED;
		if (st->apologized)
			return DR_APOLOGY_ONCE;
		if (now > st->due_at)
			return DR_APOLOGY_AFTER_DUE;
		return DR_NONE; /* status unchanged: apology is an attribute */
	case DA_WITHDRAW:
		if (s == DS_RESULT_READY)
			return DR_NOT_ALLOWED;
		*next = DS_WITHDRAWN;
		return DR_NONE;
	case DA_CANCEL:
		if (s != DS_SUPPLEMENT_REQUESTED)
			return DR_NOT_ALLOWED;
		*next = DS_CANCELLED;
		return DR_NONE;
	case DA_RETURN_RESULT:
		if (s != DS_RESULT_READY)
			return DR_NOT_ALLOWED;
		*next = DS_RETURNED;
		return DR_NONE;
	case DA_ACTION_COUNT: break;
	}
	return DR_UNKNOWN_ACTION;
}

static const char *const timing_names[] = {"early", "on_time", "late"};

const char *dossier_timing_name(enum dossier_timing t)
{
	return timing_names[t];
}

bool dossier_timing_parse(const char *s, enum dossier_timing *out)
{
	for (size_t i = 0; s && i < COUNT(timing_names); i++)
		if (strcmp(timing_names[i], s) == 0) {
			*out = (enum dossier_timing)i;
			return true;
		}
	return false;
}

enum dossier_timing dossier_timing_of(int64_t spent, int64_t budget, int64_t day_seconds)
{
	if (spent > budget)
		return DT_LATE;
	if (budget - spent >= day_seconds)
		return DT_EARLY;
	return DT_ON_TIME;
}

int64_t dossier_duplicate_since(int64_t now)
{
	return now - (int64_t)DOSSIER_DUPLICATE_DAYS * 86400;
}

bool dossier_is_duplicate_of(int64_t intake_at, enum dossier_status status, int64_t now)
{
	return intake_at >= dossier_duplicate_since(now) && status != DS_REJECTED_AT_INTAKE;
}

bool dossier_intake_refuses_duplicate(bool has_duplicate, bool confirmed)
{
	return has_duplicate && !confirmed;
}

bool dossier_at_risk(int64_t remaining, int64_t total, int share_permille)
{
	if (total <= 0)
		return remaining <= 0;
	return remaining * 1000 < total * share_permille;
}

/* ---- refusals ------------------------------------------------------------ */

static const struct dossier_refusal_text refusal_texts[DR_COUNT] = {
    [DR_NONE] = {DRK_INVALID, "ok", "", ""},
    [DR_UNKNOWN_ACTION] = {DRK_INVALID, "unknown_action", "Thao tác không hợp lệ",
                           "Unknown action"},
    [DR_FORBIDDEN_ROLE] = {DRK_FORBIDDEN, "forbidden", "Vai trò của bạn không được làm việc này",
                           "Your role may not"},
    [DR_NOT_ALLOWED] = {DRK_CONFLICT, "action_not_allowed",
                        "Trạng thái hồ sơ không cho phép thao tác này",
                        "is not allowed while the dossier is"},
    [DR_APOLOGY_ONCE] = {DRK_CONFLICT, "apology_once", "Chỉ được xin lỗi và hẹn lại một lần",
                         "An apology was already issued"},
    [DR_APOLOGY_AFTER_DUE] = {DRK_CONFLICT, "apology_after_due",
                              "Đã quá hạn: văn bản xin lỗi phải gửi trước ngày hẹn",
                              "Too late: an apology must come before the due instant"},
    [DR_NOT_HOLDER] = {DRK_CONFLICT, "not_holder",
                       "Hồ sơ đang do đơn vị khác giải quyết, bạn không thể thao tác",
                       "The dossier is held by another office"},
    [DR_RETURN_ELSEWHERE] = {DRK_CONFLICT, "return_elsewhere", "Kết quả được trả tại",
                             "The result is returned at another centre"},
    [DR_NEW_DUE_NOT_LATER] = {DRK_INVALID, "invalid_new_due", "Ngày hẹn mới phải sau ngày hẹn cũ",
                              "The new appointment must be after the current one"},
};

/* The transition's reasons by their old code texts (dossier_transition). */
static const char *const refusal_reason[DR_COUNT] = {
    [DR_UNKNOWN_ACTION] = "unknown_action",       [DR_FORBIDDEN_ROLE] = "forbidden_role",
    [DR_NOT_ALLOWED] = "action_not_allowed",      [DR_APOLOGY_ONCE] = "apology_once",
    [DR_APOLOGY_AFTER_DUE] = "apology_after_due",
};

const struct dossier_refusal_text *dossier_refusal_text(enum dossier_refusal r)
{
	return &refusal_texts[r < DR_COUNT ? r : DR_UNKNOWN_ACTION];
}

void dossier_refusal_words(enum dossier_refusal r, const char *action, const char *status,
                           const char *place, char *vi, size_t vilen, char *en, size_t enlen)
{
	const struct dossier_refusal_text *t = dossier_refusal_text(r);
	action = action ? action : "";
	status = status ? status : "";
	place = place ? place : "";
	/* The words with what they name: the action, the status, the place. */
	snprintf(vi, vilen, "%s", t->vi);
	switch (r) {
	case DR_UNKNOWN_ACTION: snprintf(en, enlen, "%s '%.32s'", t->en, action); break;
	case DR_FORBIDDEN_ROLE: snprintf(en, enlen, "%s %s", t->en, action); break;
	case DR_NOT_ALLOWED: snprintf(en, enlen, "'%s' %s %s", action, t->en, status); break;
	case DR_NOT_HOLDER: snprintf(en, enlen, "%s (%.40s)", t->en, place); break;
	case DR_RETURN_ELSEWHERE:
		snprintf(vi, vilen, "%s %s", t->vi, place);
		snprintf(en, enlen, "%s (%s)", t->en, place);
		break;
	default: snprintf(en, enlen, "%s", t->en); break;
	}
}

bool dossier_transition(const struct dossier_state *st, enum dossier_action a, enum role role,
                        int64_t now, enum dossier_status *next, const char **code)
{
	enum dossier_refusal r = dossier_transition_check(st, a, role, now, next);
	if (r != DR_NONE)
		*code = refusal_reason[r] ? refusal_reason[r] : "action_not_allowed";
	return r == DR_NONE;
}

enum dossier_refusal dossier_decide(const struct dossier_facts *d, enum dossier_action a,
                                    enum role role, int64_t new_due, int64_t now,
                                    enum dossier_status *next)
{
	struct dossier_state st = {.status = d->status,
	                           .clock_started = d->received_at != 0,
	                           .apologized = d->apology_at != 0,
	                           .due_at = d->due_at};
	enum dossier_refusal r = dossier_transition_check(&st, a, role, now, next);
	if (r != DR_NONE)
		return r;
	enum dossier_place place = dossier_action_place(a);
	/* Visible (one of its four offices is the caller's) but another office
	 * holds it: processing is the holder's. */
	if ((place == DP_HOLDER && !d->holder_here) ||
	    (place == DP_INTAKE_OR_HOLDER && !d->holder_here && !d->intake_here))
		return DR_NOT_HOLDER;
	/* The result waits where the citizen chose to collect it. */
	if (a == DA_RETURN_RESULT && !d->return_here)
		return DR_RETURN_ELSEWHERE;
	if (a == DA_APOLOGIZE && new_due <= d->due_at)
		return DR_NEW_DUE_NOT_LATER;
	return DR_NONE;
}

/* ---- intake, messages, offices --------------------------------------------- */

enum dossier_status dossier_intake_status(enum dossier_outcome o)
{
	switch (o) {
	case DOSSIER_OUTCOME_RECEIVED: return DS_RECEIVED;
	case DOSSIER_OUTCOME_SUPPLEMENT: return DS_SUPPLEMENT_REQUESTED;
	case DOSSIER_OUTCOME_REFUSED:
	default: return DS_REJECTED_AT_INTAKE;
	}
}

const char *dossier_notify_name(enum dossier_notify n)
{
	switch (n) {
	case DN_RECEIVED: return "received";
	case DN_SUPPLEMENT: return "supplement";
	case DN_APOLOGY: return "apology";
	case DN_RESULT_READY: return "result_ready";
	case DN_NONE:
	default: return NULL;
	}
}

enum dossier_notify dossier_intake_notify(enum dossier_outcome o)
{
	return o == DOSSIER_OUTCOME_RECEIVED     ? DN_RECEIVED
	       : o == DOSSIER_OUTCOME_SUPPLEMENT ? DN_SUPPLEMENT
	                                         : DN_NONE;
}

enum dossier_notify dossier_notify_trigger(enum dossier_action a, bool clock_started)
{
	switch (a) {
	case DA_SUPPLEMENT_RECEIVED: return clock_started ? DN_NONE : DN_RECEIVED;
	case DA_REQUEST_SUPPLEMENT: return DN_SUPPLEMENT;
	case DA_APOLOGIZE: return DN_APOLOGY;
	case DA_RESULT_READY: return DN_RESULT_READY;
	default: return DN_NONE;
	}
}

enum dossier_office_refusal dossier_office_permit(enum dossier_office_use use, unsigned kind)
{
	switch (use) {
	case DOU_INTAKE:
	case DOU_RETURN: return kind & OFFICE_HALL ? DOR_NONE : DOR_NOT_A_CENTRE;
	case DOU_AUTHORITY: return kind == OFFICE_AUTHORITY ? DOR_NONE : DOR_NOT_AN_AUTHORITY;
	case DOU_PARTNER: return kind == OFFICE_PARTNER ? DOR_NONE : DOR_NOT_A_PARTNER;
	case DOU_HANDOVER:
	default: return DOR_NONE;
	}
}

/* ---- working time ---------------------------------------------------------- */

static bool wc_between(void *ctx, int64_t from, int64_t to, int64_t *secs)
{
	return workcal_between(ctx, from, to, secs);
}

static bool wc_add(void *ctx, int64_t from, int64_t secs, int64_t *out)
{
	return workcal_add(ctx, from, secs, out);
}

void dossier_calendar_workcal(struct dossier_calendar *c, const struct workcal *w)
{
	c->ctx = (void *)w;
	c->between = wc_between;
	c->add = wc_add;
	c->day_seconds = workcal_day_seconds(w);
}

void dossier_lateness_of(const struct dossier_calendar *cal, const struct dossier_times *t,
                         int64_t now, int at_risk_permille, struct dossier_lateness *out)
{
	memset(out, 0, sizeof *out);
	if (t->received_at == 0 || t->due_at == 0)
		return;
	out->known = true;
	int64_t ref = t->finished_at ? t->finished_at : t->paused_at ? t->paused_at : now;
	out->late = ref > t->due_at;
	if (out->late && !cal->between(cal->ctx, t->due_at, ref, &out->late_seconds))
		out->late_seconds = 0;
	bool open = !dossier_status_final(t->status) && t->status != DS_RESULT_READY;
	if (open && !out->late && dossier_status_clock_runs(t->status)) {
		int64_t remaining = 0, total = 0;
		if (cal->between(cal->ctx, now, t->due_at, &remaining) &&
		    cal->between(cal->ctx, t->received_at, t->due_at, &total)) {
			out->at_risk = dossier_at_risk(remaining, total, at_risk_permille);
			out->has_remaining = true;
			out->remaining_seconds = remaining;
		}
	}
	if (t->finished_at && !out->late) {
		int64_t spent = 0, budget = 0;
		if (cal->between(cal->ctx, t->received_at, t->finished_at, &spent) &&
		    cal->between(cal->ctx, t->received_at, t->due_at, &budget)) {
			out->has_result = true;
			out->result = dossier_timing_of(spent, budget, cal->day_seconds);
		}
	} else if (t->finished_at) {
		out->has_result = true;
		out->result = DT_LATE;
	}
}

bool dossier_is_late(const struct dossier_times *t, int64_t now)
{
	int64_t ref = t->finished_at ? t->finished_at : t->paused_at ? t->paused_at : now;
	return t->due_at != 0 && ref > t->due_at;
}

bool dossier_finish_timing(const struct dossier_calendar *cal, int64_t received_at, int64_t due_at,
                           int64_t paused_seconds, int64_t paused_at, int64_t now,
                           int64_t *work_seconds, enum dossier_timing *timing)
{
	if (received_at == 0 || due_at == 0)
		return false;
	int64_t spent = 0, budget = 0, open_pause = 0;
	if (!cal->between(cal->ctx, received_at, now, &spent) ||
	    !cal->between(cal->ctx, received_at, due_at, &budget))
		return false;
	if (paused_at && !cal->between(cal->ctx, paused_at, now, &open_pause))
		return false;
	int64_t paused = paused_seconds + open_pause;
	*timing = now > due_at ? DT_LATE : dossier_timing_of(spent, budget, cal->day_seconds);
	*work_seconds = spent - paused > 0 ? spent - paused : 0;
	return true;
}

bool dossier_resume(const struct dossier_calendar *cal, int64_t due_at, int64_t paused_at,
                    int64_t now, int64_t *paused, int64_t *new_due)
{
	return cal->between(cal->ctx, paused_at, now, paused) &&
	       cal->add(cal->ctx, due_at, *paused, new_due);
}

bool dossier_step_close(const struct dossier_calendar *cal, int64_t given_at, int64_t budget,
                        int64_t now, int64_t *spent, bool *has_result, enum dossier_timing *result)
{
	*has_result = false;
	if (!cal->between(cal->ctx, given_at, now, spent))
		return false;
	if (budget >= 0) {
		*has_result = true;
		*result = dossier_timing_of(*spent, budget, cal->day_seconds);
	}
	return true;
}

int64_t dossier_step_budget_of(double days, int64_t day_seconds)
{
	return (int64_t)(days * (double)day_seconds);
}

int64_t dossier_handover_budget(const struct dossier_calendar *cal, int64_t due_at, int64_t now)
{
	int64_t left = 0;
	if (due_at <= 0 || !cal->between(cal->ctx, now, due_at, &left))
		return -1;
	return left > 0 ? left : 0;
}
