/* The legal lifecycle of a dossier (hồ sơ): statuses, actions, who may take
 * each action, and which status it leads to (Decree 118/2025, Circular
 * 03/2025; DOMAIN.md "The flow of a dossier"). Pure logic: no I/O, no clock.
 * Lateness is not a status: it is derived from times (see dossier_lateness). */
#ifndef MOTCUA_DOSSIER_H
#define MOTCUA_DOSSIER_H

#include <stdbool.h>
#include <stddef.h>
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

/* Why an action is refused. Each reason has its error code, kind and words
 * in one table (dossier_refusal_text / dossier_refusal_words). */
enum dossier_refusal {
	DR_NONE = 0,
	DR_UNKNOWN_ACTION,    /* not an action of the machine */
	DR_FORBIDDEN_ROLE,    /* 403 forbidden: the role may not take it */
	DR_NOT_ALLOWED,       /* 409 action_not_allowed: the status forbids it */
	DR_APOLOGY_ONCE,      /* 409: a second Mẫu 04 */
	DR_APOLOGY_AFTER_DUE, /* 409: too late to apologise, the dossier stays late */
	DR_NOT_HOLDER,        /* 409: another office holds the dossier */
	DR_RETURN_ELSEWHERE,  /* 409: the result waits at another centre */
	DR_NEW_DUE_NOT_LATER, /* 400 invalid_new_due: not after the current appointment */
	DR_COUNT
};

/* How a refusal answers: the kind of error (as util/error.h's mc_err:
 * invalid 400, forbidden 403, conflict 409), its stable code, and its
 * messages (dossier_refusal_words adds what they name). */
enum dossier_refusal_kind { DRK_INVALID, DRK_FORBIDDEN, DRK_CONFLICT };
struct dossier_refusal_text {
	enum dossier_refusal_kind kind;
	const char *code, *vi, *en;
};
const struct dossier_refusal_text *dossier_refusal_text(enum dossier_refusal r);
/* The messages of r written into vi and en (NUL-terminated, truncated):
 * action is the action's name, status the dossier's status name, place the
 * holder office (DR_NOT_HOLDER) or the return centre's name
 * (DR_RETURN_ELSEWHERE); each may be NULL when r does not use it. */
void dossier_refusal_words(enum dossier_refusal r, const char *action, const char *status,
                           const char *place, char *vi, size_t vilen, char *en, size_t enlen);

/* The state machine alone: action a taken at `now` by role on st. DR_NONE
 * with *next set, or the reason (DR_FORBIDDEN_ROLE, DR_NOT_ALLOWED,
 * DR_APOLOGY_ONCE, DR_APOLOGY_AFTER_DUE, DR_UNKNOWN_ACTION). */
enum dossier_refusal dossier_transition_check(const struct dossier_state *st, enum dossier_action a,
                                              enum role role, int64_t now,
                                              enum dossier_status *next);

/* As dossier_transition_check, the reason as its code text: true and *next;
 * otherwise false with *code "forbidden_role", "action_not_allowed",
 * "apology_once", "apology_after_due" or "unknown_action". */
bool dossier_transition(const struct dossier_state *st, enum dossier_action a, enum role role,
                        int64_t now, enum dossier_status *next, const char **code);

/* A dossier as an action finds it: its times and where the caller stands
 * (docs/province.md, "Who acts on a dossier"). */
struct dossier_facts {
	enum dossier_status status;
	int64_t received_at; /* 0: the clock never started */
	int64_t due_at;      /* 0: none */
	int64_t apology_at;  /* 0: no Mẫu 04 yet */
	bool holder_here;    /* the office answering for it lies in the caller's scope */
	bool intake_here;    /* the receiving centre does */
	bool return_here;    /* the return centre does (or there is none) */
};

/* Whether action a by role at now may be taken on d, in the order the
 * answer tells them apart: the state machine (dossier_transition_check), then
 * the place (DR_NOT_HOLDER by dossier_action_place), then the return centre
 * for return_result (DR_RETURN_ELSEWHERE), then an apology's new_due, which
 * must come after the current appointment (DR_NEW_DUE_NOT_LATER). DR_NONE with
 * *next the status after it. */
enum dossier_refusal dossier_decide(const struct dossier_facts *d, enum dossier_action a,
                                    enum role role, int64_t new_due, int64_t now,
                                    enum dossier_status *next);

/* The outcome an intake at the counter gives (docs/api.md). */
enum dossier_outcome {
	DOSSIER_OUTCOME_RECEIVED,   /* complete: tiếp nhận, the clock starts (Mẫu 01) */
	DOSSIER_OUTCOME_SUPPLEMENT, /* incomplete: every missing item at once (Mẫu 02) */
	DOSSIER_OUTCOME_REFUSED,    /* refused at intake, with a reason (Mẫu 03) */
};
/* The status a new dossier starts in after an intake of outcome o (before
 * any hand-over of a boundary-free intake). */
enum dossier_status dossier_intake_status(enum dossier_outcome o);

/* The applicant's message a change of a dossier sends to who consented
 * (the notify templates' triggers). */
enum dossier_notify {
	DN_NONE,         /* nothing to tell */
	DN_RECEIVED,     /* received: the clock starts */
	DN_SUPPLEMENT,   /* every item asked for */
	DN_APOLOGY,      /* Mẫu 04 with its new appointment */
	DN_RESULT_READY, /* the result waits to be collected */
};
/* The trigger's name as domain/notify.h knows it ("received",
 * "supplement", "apology", "result_ready"); NULL for DN_NONE. */
const char *dossier_notify_name(enum dossier_notify n);
/* The message an intake of outcome o sends: received or the missing items;
 * none for a refusal (the applicant is at the counter with the Mẫu 03). */
enum dossier_notify dossier_intake_notify(enum dossier_outcome o);
/* The message action a sends on a dossier whose clock had started or not
 * (clock_started: received_at before the action): received when a
 * supplement completes the intake (the clock starts now), every item asked
 * for, the apology, the result ready; nothing for the others. */
enum dossier_notify dossier_notify_trigger(enum dossier_action a, bool clock_started);

/* The offices a dossier names, and the kinds each may be (docs/province.md). */
enum dossier_office_use {
	DOU_INTAKE,    /* the receiving office of an intake */
	DOU_RETURN,    /* the office that returns the result */
	DOU_AUTHORITY, /* the competent authority */
	DOU_PARTNER,   /* the partner agency of send_interagency (liên thông) */
	DOU_HANDOVER,  /* the office a hand-over gives the dossier to */
};
/* Why an office may not serve a use. */
enum dossier_office_refusal {
	DOR_NONE = 0,
	DOR_NOT_A_CENTRE,     /* intake, return: a centre or a reception point only */
	DOR_NOT_AN_AUTHORITY, /* the competent authority must be one */
	DOR_NOT_A_PARTNER,    /* interagency work goes to a partner agency */
};
/* Whether an office of kind (one bit of domain/office.h's enum office_kind,
 * office_kind_bit's; 0 for an unknown kind) may serve use: DOR_NONE, or the
 * reason. A hand-over may go to any office. */
enum dossier_office_refusal dossier_office_permit(enum dossier_office_use use, unsigned kind);

/* ---- a probable duplicate at intake ------------------------------------ */

/* Days within which the same ID number asking for the same procedure is a
 * probable duplicate that intake asks to confirm. */
#define DOSSIER_DUPLICATE_DAYS 30

/* The earliest intake instant of a probable duplicate of an intake at now:
 * DOSSIER_DUPLICATE_DAYS days of 24 hours before it. */
int64_t dossier_duplicate_since(int64_t now);

/* Whether an earlier dossier of the same ID number and the same procedure,
 * taken in at intake_at and now in status, makes an intake at now a
 * probable duplicate: taken in at or after dossier_duplicate_since(now), and
 * not refused at intake (a refused one was never taken in). */
bool dossier_is_duplicate_of(int64_t intake_at, enum dossier_status status, int64_t now);

/* Whether intake refuses to take a dossier in: it has a probable duplicate
 * (dossier_is_duplicate_of) and the clerk did not confirm it
 * (confirm_duplicate). The answer is then 409 probable_duplicate, naming
 * the duplicate. */
bool dossier_intake_refuses_duplicate(bool has_duplicate, bool confirmed);

/* The result of a step or of the whole dossier against its budget: finished
 * early (before the due instant, by at least a working day), on time, or late. */
enum dossier_timing { DT_EARLY, DT_ON_TIME, DT_LATE };
/* "early", "on_time", "late" (dossiers.timing, steps' results); and back:
 * true and *out set for one of those names, false (*out untouched) for any
 * other text, "" (no result kept) or NULL. */
const char *dossier_timing_name(enum dossier_timing t);
bool dossier_timing_parse(const char *s, enum dossier_timing *out);
/* spent and budget are working seconds; day_seconds is one working day.
 * Early: at least one working day left; late: over the budget. */
enum dossier_timing dossier_timing_of(int64_t spent, int64_t budget, int64_t day_seconds);

/* Whether an open dossier is at risk: less than share_permille/1000 of its
 * working time left (remaining and total in working seconds). */
bool dossier_at_risk(int64_t remaining, int64_t total, int share_permille);

/* The working-time arithmetic the rules need, from the office calendar: in
 * the server store/calendar.h's shared calendar, in tests a domain/workcal.h
 * calendar (dossier_calendar_workcal). between: working seconds in
 * [from, to) (negative when to < from); add: the instant secs of working
 * time after from. Each returns false when it cannot answer (outside the
 * calendar's years); the rules below say what they do then. */
struct dossier_calendar {
	void *ctx;
	bool (*between)(void *ctx, int64_t from, int64_t to, int64_t *secs);
	bool (*add)(void *ctx, int64_t from, int64_t secs, int64_t *out);
	int64_t day_seconds; /* one working day */
};
struct workcal;
/* c answering from w (which must outlive c). */
void dossier_calendar_workcal(struct dossier_calendar *c, const struct workcal *w);

/* The times lateness is derived from (0: absent). */
struct dossier_times {
	enum dossier_status status;
	int64_t received_at, due_at, paused_at, finished_at;
};

/* A dossier's lateness at now: the one rule of the staff view's "timing",
 * the public view's "late", the at_risk filter and the overdue order.
 * Lateness is derived from times, never typed in: the clock stops when the
 * result is ready or processing ends (finished_at), and while a supplement
 * is awaited (paused_at); otherwise it runs to now. */
struct dossier_lateness {
	bool known;                 /* false: no clock (never received, no due instant) */
	bool late;                  /* the clock's stop (or now) is past the due instant */
	int64_t late_seconds;       /* working seconds past due (0 when the calendar cannot tell) */
	bool has_remaining;         /* open, on time and running: remaining_seconds is set */
	int64_t remaining_seconds;  /* working seconds left to the due instant */
	bool at_risk;               /* has_remaining and dossier_at_risk */
	bool has_result;            /* finished: result is set */
	enum dossier_timing result; /* late when late, else dossier_timing_of the whole */
};
void dossier_lateness_of(const struct dossier_calendar *cal, const struct dossier_times *t,
                         int64_t now, int at_risk_permille, struct dossier_lateness *out);

/* The late=true list filter's rule without the calendar (what SQL can
 * say): a due instant and the clock's stop (finished, else paused, else now)
 * past it. Agrees with dossier_lateness_of's late. */
bool dossier_is_late(const struct dossier_times *t, int64_t now);

/* When processing ends at now (result ready, returned ineligible, withdrawn,
 * cancelled): the working seconds of processing, pauses excluded (the
 * paused_seconds already kept plus an open pause from paused_at), never
 * below 0, and the timing: late past the due instant, else
 * dossier_timing_of against the budget received..due. False (nothing to
 * keep) when the clock never started; false also when the calendar cannot
 * answer (the caller then fails as its calendar says). */
bool dossier_finish_timing(const struct dossier_calendar *cal, int64_t received_at, int64_t due_at,
                           int64_t paused_seconds, int64_t paused_at, int64_t now,
                           int64_t *work_seconds, enum dossier_timing *timing);

/* A supplement brought during processing ends the pause begun at paused_at:
 * *paused the working seconds of the pause, *new_due the due instant moved
 * by them. False when the calendar cannot answer. */
bool dossier_resume(const struct dossier_calendar *cal, int64_t due_at, int64_t paused_at,
                    int64_t now, int64_t *paused, int64_t *new_due);

/* A step (a control-sheet row) given at given_at and ended at now with a
 * budget in working seconds (-1: none): *spent its working seconds and,
 * when there is a budget, *has_result and *result (dossier_timing_of).
 * False when the calendar cannot answer. */
bool dossier_step_close(const struct dossier_calendar *cal, int64_t given_at, int64_t budget,
                        int64_t now, int64_t *spent, bool *has_result, enum dossier_timing *result);

/* The budget of a step the procedure sets in working days (may be
 * fractional): working seconds. */
int64_t dossier_step_budget_of(double days, int64_t day_seconds);

/* The budget of the competent office's row after a hand-over between
 * centres when the procedure names no step for it: the working time left
 * from now to due_at, at least 0; -1 (no budget) when there is no due
 * instant or the calendar cannot tell. */
int64_t dossier_handover_budget(const struct dossier_calendar *cal, int64_t due_at, int64_t now);

#endif
