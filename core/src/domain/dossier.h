/* The legal lifecycle of a dossier (hồ sơ): statuses, actions, who may take
 * each action, and which status it leads to (Decree 118/2025, Circular
 * 03/2025; DOMAIN.md "The flow of a dossier"). Pure logic: no I/O, no clock.
 * Lateness is not a status: it is derived from times (see dossier_lateness). */
#ifndef MOTCUA_DOSSIER_H
#define MOTCUA_DOSSIER_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/principal.h"

enum dossier_status {
	DS_SUPPLEMENT_REQUESTED, /* bổ sung: at intake (no clock yet) or in processing (paused) */
	DS_RECEIVED,             /* tiếp nhận: the clock runs */
	DS_IN_PROCESS,           /* đang giải quyết */
	DS_INTERAGENCY,          /* liên thông: at a partner agency */
	DS_AWAITING_PAYMENT,     /* chờ thực hiện nghĩa vụ tài chính */
	DS_RESULT_READY,         /* có kết quả, chờ trả */
	DS_RETURNED,             /* đã trả kết quả */
	DS_REJECTED_AT_INTAKE,   /* từ chối tiếp nhận (Mẫu 03) */
	DS_RETURNED_INELIGIBLE,  /* trả lại hồ sơ không đủ điều kiện */
	DS_WITHDRAWN,            /* rút hồ sơ theo đề nghị (Mẫu 05) */
	DS_CANCELLED,            /* hủy: yêu cầu bổ sung quá hạn */
	DS_STATUS_COUNT
};

enum dossier_action {
	DA_HANDOVER,            /* giao / nhận: a Mẫu 06 row */
	DA_REQUEST_SUPPLEMENT,  /* the office asks for more: clock pauses */
	DA_SUPPLEMENT_RECEIVED, /* the citizen brought it: clock (re)starts */
	DA_SEND_INTERAGENCY,
	DA_PARTNER_RETURNED,
	DA_AWAIT_PAYMENT,
	DA_PAYMENT_RECEIVED,
	DA_RESULT_READY,
	DA_RETURN_INELIGIBLE,
	DA_APOLOGIZE, /* Mẫu 04: apology and a new appointment */
	DA_WITHDRAW,
	DA_CANCEL,
	DA_RETURN_RESULT, /* trả kết quả: the citizen collects it */
	DA_ACTION_COUNT
};

const char *dossier_status_name(enum dossier_status s);
bool dossier_status_parse(const char *s, enum dossier_status *out);
const char *dossier_action_name(enum dossier_action a);
bool dossier_action_parse(const char *s, enum dossier_action *out);
/* Whether s ends the dossier's life (no action is allowed any more). */
bool dossier_status_final(enum dossier_status s);
/* Whether the processing clock runs in s (received and not paused or ended). */
bool dossier_status_clock_runs(enum dossier_status s);
/* Vietnamese words for a status, as a citizen reads them. */
const char *dossier_status_text_vi(enum dossier_status s);

/* The roles allowed to take action a (enum role bits). */
unsigned dossier_action_roles(enum dossier_action a);

/* Where an action may be taken from (docs/province.md, "Who acts on a
 * dossier"): reading is the four offices of a dossier, acting is narrower. */
enum dossier_place {
	DP_HOLDER,           /* the office answering for it now (its subtree) */
	DP_INTAKE_OR_HOLDER, /* the receiving centre, or the holder */
	DP_RETURN,           /* the centre that returns the result */
};
/* The place from which action a may be taken. */
enum dossier_place dossier_action_place(enum dossier_action a);

/* What a dossier looks like to the state machine. */
struct dossier_state {
	enum dossier_status status;
	bool clock_started; /* received: there is a due instant */
	bool apologized;    /* a Mẫu 04 was issued already */
	int64_t due_at;     /* the due instant (moved by pauses) */
};

/* Applies action a taken at `now` by role to st. Returns true and sets *next;
 * otherwise false with *code set to a stable reason: "forbidden_role",
 * "action_not_allowed" (the status forbids it), "apology_once" (a second
 * Mẫu 04), "apology_after_due" (too late to apologise: the dossier stays
 * late). */
bool dossier_transition(const struct dossier_state *st, enum dossier_action a, enum role role,
                        int64_t now, enum dossier_status *next, const char **code);

/* The result of a step or of the whole dossier against its budget: finished
 * early (before the due instant, by at least a working day), on time, or late. */
enum dossier_timing { DT_EARLY, DT_ON_TIME, DT_LATE };
const char *dossier_timing_name(enum dossier_timing t);
/* spent and budget are working seconds; day_seconds is one working day.
 * Early: at least one working day left; late: over the budget. */
enum dossier_timing dossier_timing_of(int64_t spent, int64_t budget, int64_t day_seconds);

/* Whether an open dossier is at risk: less than share_permille/1000 of its
 * working time left (remaining and total in working seconds). */
bool dossier_at_risk(int64_t remaining, int64_t total, int share_permille);

#endif
