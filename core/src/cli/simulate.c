#include "cli/simulate.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/auth.h"
#include "store/calendar.h"
#include "store/dossier.h"
#include "store/queue.h"
#include "store/rating.h"
#include "store/setup.h"
#include "util/clock.h"
#include "util/fold.h"
#include "util/xmalloc.h"

#define SIM_MAX_COUNTERS 32
#define SIM_MAX_STAFF 32
#define SIM_MAX_GROUPS 16

/* xorshift64*: small, fast, deterministic. */
struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ull;
}

static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) / (double)(1ull << 53);
}

static int rng_int(struct rng *r, int lo, int hi) /* inclusive */
{
	return lo + (int)(rng_unit(r) * (double)(hi - lo + 1));
}

/* Invented names for demo applicants (họ, đệm, tên). */
static const char *const sim_family[] = {"Nguyễn", "Trần", "Lê",   "Phạm", "Hồ",     "Võ",
                                         "Hoàng",  "Phan", "Đặng", "Bùi",  "Hồ Văn", "Pả"};
static const char *const sim_middle[] = {"Văn", "Thị", "Đức", "Thị Thu", "Minh", "Quốc", "Ngọc"};
static const char *const sim_given[] = {"An",    "Bình", "Cường", "Dung", "Hà",   "Hương",
                                        "Khánh", "Lan",  "Mai",   "Nam",  "Phúc", "Quang",
                                        "Sơn",   "Thảo", "Trang", "Vân",  "Xuân", "Y Blúp"};
static const char *const sim_places[] = {
    "Thị trấn Khe Sanh", "Thị trấn Lao Bảo", "Xã Tân Hợp", "Xã Hướng Tân",
    "Xã Tân Long",       "Xã A Dơi",         "Xã Húc"};

#define PICK(r, a) (a)[rng_int((r), 0, (int)(sizeof(a) / sizeof((a)[0])) - 1)]

struct sim_counter {
	int no;
	struct principal clerk;
	json_t *groups; /* codes */
	int64_t free_at;
	bool serving;
	int64_t ticket_id;
	char group[17];
};

/* A future dossier action, played when the clock reaches it. */
struct sim_action {
	int64_t at;
	char code[64];
	char action[24];
	json_t *body; /* owned */
	int actor;    /* 0 clerk, 1 specialist, 2 supervisor */
};

struct sim {
	struct store *st;
	struct rng rng;
	struct sim_counter counters[SIM_MAX_COUNTERS];
	int ncounters;
	struct principal specialists[SIM_MAX_STAFF], clerks[SIM_MAX_STAFF], supervisor;
	int nspec, nclerks;
	bool have_supervisor;
	json_t *groups;     /* [{code, name}] */
	json_t *procedures; /* by group code: {code: [procedure, …]} */
	struct sim_action *pending;
	size_t npending, cap;
	struct simulate_report *rep;
	int64_t end; /* the real now: nothing is played after it */
};

static void sim_at(struct sim *s, int64_t t)
{
	clock_set(t);
}

/* The next working instant at or after t. */
static int64_t sim_working(struct sim *s, int64_t t)
{
	int64_t out = t;
	if (store_calendar_add(s->st, t, 0, &out, NULL) != MC_OK)
		return t;
	return out;
}

static int64_t sim_add(struct sim *s, int64_t t, int64_t work)
{
	int64_t out = t;
	if (store_calendar_add(s->st, t, work, &out, NULL) != MC_OK)
		return t + work;
	return out;
}

static void sim_plan(struct sim *s, int64_t at, const char *code, const char *action, json_t *body,
                     int actor)
{
	if (s->npending == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->pending = xreallocarray(s->pending, s->cap, sizeof *s->pending);
	}
	struct sim_action *a = &s->pending[s->npending++];
	a->at = at;
	snprintf(a->code, sizeof a->code, "%s", code);
	snprintf(a->action, sizeof a->action, "%s", action);
	a->body = body ? body : json_object();
	a->actor = actor;
}

static const struct principal *sim_actor(struct sim *s, int actor)
{
	if (actor == 2 && s->have_supervisor)
		return &s->supervisor;
	if (actor == 1 && s->nspec > 0)
		return &s->specialists[rng_int(&s->rng, 0, s->nspec - 1)];
	return &s->clerks[rng_int(&s->rng, 0, s->nclerks - 1)];
}

/* Share of returned dossiers and of served tickets whose citizen rates the
 * visit (the survey slips of real offices come back for about a third). */
#define SIM_RATE_DOSSIER 0.35
#define SIM_RATE_TICKET 0.30

/* A citizen rates the dossier (kind "dossier", ref its code) or the queue
 * visit (kind "ticket", ref its id) at t (on the counter's tablet, so that
 * the clock never steps back between operations), through a link
 * the clerk hands out: mostly satisfied, as offices' surveys find, a few
 * not. Counts the rating in the report; a refusal counts as a refused step. */
static void sim_rate(struct sim *s, const struct principal *clerk, const char *kind,
                     const char *ref, int64_t t)
{
	json_t *link = NULL, *out = NULL, *req = NULL;
	struct mc_error err;
	sim_at(s, t);
	if (store_rating_link(s->st, clerk, kind, ref, &link, &err) != MC_OK) {
		s->rep->refused_steps++;
		goto out;
	}
	double u = rng_unit(&s->rng);
	const char *level = u < 0.42   ? "very_satisfied"
	                    : u < 0.86 ? "satisfied"
	                    : u < 0.96 ? "neutral"
	                               : "not_satisfied";
	bool happy = u < 0.86;
	req = json_pack("{s:s, s:s, s:b, s:b, s:i, s:b}", "token",
	                json_string_value(json_object_get(link, "token")), "level", level,
	                "on_time", rng_unit(&s->rng) < (happy ? 0.95 : 0.6), "courteous",
	                rng_unit(&s->rng) < (happy ? 0.97 : 0.7), "visits",
	                rng_unit(&s->rng) < 0.8 ? 1 : rng_int(&s->rng, 2, 3),
	                "unofficial_payment_asked", rng_unit(&s->rng) < 0.01);
	if (store_rating_submit(s->st, req, &out, &err) == MC_OK)
		s->rep->ratings++;
	else
		s->rep->refused_steps++;
out:
	json_decref(req);
	json_decref(out);
	json_decref(link);
}

static int sim_cmp_action(const void *a, const void *b)
{
	const struct sim_action *x = a, *y = b;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* Plays every planned action due by t, in time order. */
static void sim_play_until(struct sim *s, int64_t t)
{
	if (s->npending == 0)
		return;
	qsort(s->pending, s->npending, sizeof *s->pending, sim_cmp_action);
	size_t done = 0;
	while (done < s->npending && s->pending[done].at <= t) {
		struct sim_action *a = &s->pending[done++];
		json_t *out = NULL;
		struct mc_error err;
		sim_at(s, a->at);
		json_object_set_new(a->body, "action", json_string(a->action));
		const struct principal *who = sim_actor(s, a->actor);
		if (store_dossier_act(s->st, who, a->code, a->body, &out, &err) == MC_OK) {
			s->rep->actions++;
			if (strcmp(a->action, "return_result") == 0 &&
			    rng_unit(&s->rng) < SIM_RATE_DOSSIER)
				sim_rate(s, who, "dossier", a->code, a->at);
		} else {
			s->rep->refused_steps++;
		}
		json_decref(out);
		json_decref(a->body);
	}
	memmove(s->pending, s->pending + done, (s->npending - done) * sizeof *s->pending);
	s->npending -= done;
}

/* Plans the life of a dossier just received at t: hand-over, perhaps a
 * supplement, inter-agency, the result early / on time / late (some late ones
 * with an apology first), and the citizen collecting it. */
static void sim_plan_dossier(struct sim *s, json_t *dossier, json_t *procedure, int64_t t)
{
	const char *code = json_string_value(json_object_get(dossier, "code"));
	int64_t due = json_integer_value(json_object_get(dossier, "due_at"));
	const char *office = json_string_value(json_object_get(procedure, "office"));
	json_t *partners = json_object_get(procedure, "partners");
	int64_t total = 0;
	if (store_calendar_between(s->st, t, due, &total, NULL) != MC_OK || total <= 0)
		total = 3600;
	int64_t handover = sim_working(s, t + rng_int(&s->rng, 10, 90) * 60);
	sim_plan(s, handover, code, "handover",
	         json_pack("{s:s}", "to_office", office ? office : "one-stop"), 0);
	double u = rng_unit(&s->rng);
	double frac = u < 0.40   ? 0.3 + 0.4 * rng_unit(&s->rng)   /* early */
	              : u < 0.85 ? 0.7 + 0.29 * rng_unit(&s->rng)  /* on time */
	                         : 1.05 + 0.6 * rng_unit(&s->rng); /* late */
	int64_t result = sim_add(s, t, (int64_t)(frac * (double)total));
	if (result <= handover)
		result = handover + 600;
	if (rng_unit(&s->rng) < 0.08) {
		/* The office finds something missing: the clock pauses. */
		int64_t ask = sim_add(s, t, total / 4);
		int64_t back = sim_add(s, ask, rng_int(&s->rng, 1, 4) * 27000);
		sim_plan(s, ask > handover ? ask : handover + 60, code, "request_supplement",
		         json_pack("{s:[{s:s, s:s}]}", "items", "item", "Bản sao giấy tờ tùy thân",
		                   "reason", "Bản sao không rõ"),
		         1);
		sim_plan(s, back, code, "supplement_received", NULL, 0);
		int64_t paused = 0;
		store_calendar_between(s->st, ask, back, &paused, NULL);
		result = sim_add(s, result, paused);
		due = sim_add(s, due, paused);
	}
	if (json_array_size(partners) > 0) {
		int64_t send = sim_add(s, handover, total / 5);
		sim_plan(
		    s, send, code, "send_interagency",
		    json_pack("{s:s}", "partner", json_string_value(json_array_get(partners, 0))),
		    1);
		sim_plan(s, result - 300, code, "partner_returned", NULL, 1);
	}
	if (result > due && rng_unit(&s->rng) < 0.5) {
		int64_t sorry = due - 3600;
		char iso[26];
		clock_office_iso(sim_add(s, due, 2 * 27000), iso);
		if (sorry > handover)
			sim_plan(s, sorry, code, "apologize",
			         json_pack("{s:s, s:s}", "reason",
			                   "Cần thêm thời gian xác minh tại địa phương", "new_due",
			                   iso),
			         2);
	}
	if (rng_unit(&s->rng) < 0.03) {
		sim_plan(s, sim_add(s, t, total / 3), code, "withdraw",
		         json_pack("{s:s}", "reason", "Công dân đề nghị rút hồ sơ"), 0);
		return;
	}
	sim_plan(s, result, code, "result_ready", NULL, 1);
	if (rng_unit(&s->rng) < 0.85)
		sim_plan(
		    s, sim_add(s, result, rng_int(&s->rng, 1, 3 * 27000)), code, "return_result",
		    json_pack("{s:s, s:b}", "collected_by", "Người nộp hồ sơ", "id_checked", 1), 0);
}

/* The counter clerk at the counter receives a dossier for the ticket served. */
static void sim_intake(struct sim *s, struct sim_counter *co, int64_t t)
{
	json_t *list = json_object_get(s->procedures, co->group);
	if (json_array_size(list) == 0 || rng_unit(&s->rng) > 0.7)
		return;
	json_t *p =
	    json_array_get(list, (size_t)rng_int(&s->rng, 0, (int)json_array_size(list) - 1));
	char name[96], phone[16], idn[16];
	snprintf(name, sizeof name, "%s %s %s", PICK(&s->rng, sim_family),
	         PICK(&s->rng, sim_middle), PICK(&s->rng, sim_given));
	snprintf(phone, sizeof phone, "09%08d", rng_int(&s->rng, 0, 99999999));
	snprintf(idn, sizeof idn, "0451%08d", rng_int(&s->rng, 0, 99999999));
	double u = rng_unit(&s->rng);
	const char *outcome = u < 0.85 ? "received" : u < 0.95 ? "supplement" : "refused";
	json_t *docs = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(p, "documents"), i, d) json_array_append_new(
	    docs, json_pack("{s:O, s:s, s:i}", "name", json_object_get(d, "name"), "kind",
	                    "original", "count", 1));
	json_t *req =
	    json_pack("{s:O, s:{s:s, s:s, s:s, s:s}, s:s, s:o, s:I}", "procedure",
	              json_object_get(p, "code"), "applicant", "name", name, "phone", phone,
	              "id_number", idn, "address", PICK(&s->rng, sim_places), "outcome", outcome,
	              "documents", docs, "ticket_id", (json_int_t)co->ticket_id);
	if (strcmp(outcome, "supplement") == 0)
		json_object_set_new(req, "missing",
		                    json_pack("[{s:s, s:s}]", "item", "Tờ khai có chữ ký", "reason",
		                              "Tờ khai chưa ký"));
	if (strcmp(outcome, "refused") == 0)
		json_object_set_new(req, "reason",
		                    json_string("Thủ tục không thuộc thẩm quyền giải quyết"));
	json_t *out = NULL;
	struct mc_error err;
	sim_at(s, t);
	if (store_dossier_intake(s->st, &co->clerk, req, &out, &err) == MC_OK) {
		s->rep->dossiers++;
		json_t *dossier = json_object_get(out, "dossier");
		if (strcmp(outcome, "received") == 0)
			sim_plan_dossier(s, dossier, p, t);
		else if (strcmp(outcome, "supplement") == 0 && rng_unit(&s->rng) < 0.7)
			sim_plan(s, sim_add(s, t, rng_int(&s->rng, 1, 3) * 27000),
			         json_string_value(json_object_get(dossier, "code")),
			         "supplement_received", NULL, 0);
	} else {
		s->rep->refused_steps++;
	}
	json_decref(out);
	json_decref(req);
}

/* Counter co acts at its free instant: finishes its ticket, calls the next. */
static void sim_counter_step(struct sim *s, struct sim_counter *co, int64_t next_arrival)
{
	int64_t t = co->free_at;
	json_t *ticket = NULL;
	struct mc_error err;
	sim_at(s, t);
	if (co->serving) {
		if (store_counter_finish(s->st, &co->clerk, co->no, "served", NULL, &err) !=
		    MC_OK) {
			s->rep->refused_steps++;
		} else if (rng_unit(&s->rng) < SIM_RATE_TICKET) {
			char ref[24];
			snprintf(ref, sizeof ref, "%lld", (long long)co->ticket_id);
			sim_rate(s, &co->clerk, "ticket", ref, t);
		}
		co->serving = false;
	}
	if (store_counter_call(s->st, &co->clerk, co->no, NULL, &ticket, &err) != MC_OK) {
		/* Nobody waiting for this counter: wait for the next arrival. */
		co->free_at = next_arrival + 1;
		return;
	}
	co->ticket_id = json_integer_value(json_object_get(ticket, "id"));
	snprintf(co->group, sizeof co->group, "%s",
	         json_string_value(json_object_get(ticket, "group")));
	json_decref(ticket);
	if (rng_unit(&s->rng) < 0.05) {
		/* Called twice, nobody came. */
		sim_at(s, t + 60);
		store_counter_recall(s->st, &co->clerk, co->no, NULL, &err);
		sim_at(s, t + 150);
		store_counter_no_show(s->st, &co->clerk, co->no, NULL, &err);
		co->free_at = t + 180;
		return;
	}
	int64_t service =
	    (int64_t)(120 + rng_unit(&s->rng) * (strcmp(co->group, "TK") == 0 ? 240 : 720));
	co->serving = true;
	co->free_at = t + service;
	sim_intake(s, co, t + service / 2);
}

/* An arrival instant of a working day: peaks after opening and after lunch. */
static int64_t sim_arrival(struct sim *s, int64_t day0)
{
	double u = rng_unit(&s->rng);
	int minute = u < 0.35   ? rng_int(&s->rng, 7 * 60 + 25, 8 * 60 + 30)
	             : u < 0.55 ? rng_int(&s->rng, 8 * 60 + 30, 11 * 60)
	             : u < 0.85 ? rng_int(&s->rng, 13 * 60 + 25, 14 * 60 + 30)
	                        : rng_int(&s->rng, 14 * 60 + 30, 16 * 60 + 30);
	return day0 + minute * 60 + rng_int(&s->rng, 0, 59);
}

static int sim_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void sim_day(struct sim *s, int64_t day0)
{
	struct mc_error err;
	int64_t open = day0 + 7 * 3600 + 30 * 60, lunch = day0 + 11 * 3600 + 30 * 60;
	int64_t afternoon = day0 + 13 * 3600 + 30 * 60, close = day0 + 17 * 3600;
	int n = rng_int(&s->rng, 50, 130);
	int64_t *arrivals = xcalloc((size_t)n + 1, sizeof *arrivals);
	for (int i = 0; i < n; i++)
		arrivals[i] = sim_arrival(s, day0);
	qsort(arrivals, (size_t)n, sizeof *arrivals, sim_cmp_i64);
	arrivals[n] = close;

	sim_at(s, open);
	for (int c = 0; c < s->ncounters; c++) {
		struct sim_counter *co = &s->counters[c];
		store_counter_set_state(s->st, &co->clerk, co->no, "open", NULL, &err);
		co->free_at = open;
		co->serving = false;
	}
	size_t ngroups = json_array_size(s->groups);
	for (int i = 0; i <= n; i++) {
		int64_t a = arrivals[i];
		/* Counters act up to this arrival. */
		for (;;) {
			struct sim_counter *next = NULL;
			for (int c = 0; c < s->ncounters; c++)
				if (s->counters[c].free_at <= a &&
				    (next == NULL || s->counters[c].free_at < next->free_at))
					next = &s->counters[c];
			if (next == NULL || next->free_at >= close)
				break;
			if (next->free_at >= lunch && next->free_at < afternoon && !next->serving) {
				next->free_at = afternoon;
				continue;
			}
			sim_play_until(s, next->free_at);
			sim_counter_step(s, next, i < n ? a : close);
		}
		if (i == n)
			break;
		sim_play_until(s, a);
		sim_at(s, a);
		json_t *g =
		    json_array_get(s->groups, (size_t)rng_int(&s->rng, 0, (int)ngroups - 1));
		json_t *ticket = NULL;
		const char *priority = rng_unit(&s->rng) < 0.08 ? "elderly" : NULL;
		if (store_ticket_issue(s->st, &s->clerks[0],
		                       json_string_value(json_object_get(g, "code")), priority,
		                       &ticket, &err) == MC_OK)
			s->rep->tickets++;
		json_decref(ticket);
	}
	sim_at(s, close);
	for (int c = 0; c < s->ncounters; c++) {
		struct sim_counter *co = &s->counters[c];
		if (co->serving)
			store_counter_finish(s->st, &co->clerk, co->no, "served", NULL, &err);
		co->serving = false;
		store_counter_set_state(s->st, &co->clerk, co->no, "closed", NULL, &err);
	}
	sim_play_until(s, close);
	free(arrivals);
}

/* Which procedures each service group receives: those whose field matches
 * the group's name (with or without diacritics); procedures no group takes
 * go to the groups that matched none. *out gets an object of group code →
 * array of procedures (the caller frees it); on a store error returns it
 * and leaves *out untouched. */
static enum mc_err sim_procedures_by_group(struct store *st, json_t *groups, json_t **out,
                                           struct mc_error *err)
{
	json_t *page = NULL;
	enum mc_err rc = store_procedures_list(st, NULL, NULL, 0, 500, &page, err);
	if (rc)
		return rc;
	json_t *all = json_object_get(page, "items");
	json_t *by = json_object();
	json_t *unmatched = json_array();
	size_t i, k;
	json_t *g, *p;
	json_array_foreach(groups, k, g)
	    json_object_set_new(by, json_string_value(json_object_get(g, "code")), json_array());
	json_array_foreach(all, i, p)
	{
		const char *field = json_string_value(json_object_get(p, "field"));
		bool taken = false;
		json_array_foreach(groups, k, g)
		{
			const char *name = json_string_value(json_object_get(g, "name"));
			if (field && name && fold_vi_contains(field, name)) {
				json_array_append(
				    json_object_get(by,
				                    json_string_value(json_object_get(g, "code"))),
				    p);
				taken = true;
			}
		}
		if (!taken)
			json_array_append(unmatched, p);
	}
	const char *code;
	json_t *list;
	json_object_foreach(by, code, list)
	{
		if (json_array_size(list) == 0 && strcmp(code, "TK") != 0)
			json_array_extend(list, unmatched);
	}
	json_decref(unmatched);
	json_decref(page);
	*out = by;
	return MC_OK;
}

enum mc_err simulate_office(struct store *st, int days, uint64_t seed,
                            struct simulate_report *report, struct mc_error *err)
{
	struct sim s = {.st = st, .rng = {seed ? seed : 0x9e3779b97f4a7c15ull}, .rep = report};
	memset(report, 0, sizeof *report);
	s.end = clock_now();

	json_t *upage = NULL;
	enum mc_err rc = store_setup_list(st, SETUP_USERS, 0, 500, &upage, err);
	if (rc)
		return rc;
	json_t *ulist = json_incref(json_object_get(upage, "items"));
	json_decref(upage);
	size_t i;
	json_t *u;
	json_array_foreach(ulist, i, u)
	{
		const char *name = json_string_value(json_object_get(u, "username"));
		const char *role = json_string_value(json_object_get(u, "role"));
		struct principal who;
		if (!json_is_true(json_object_get(u, "active")) ||
		    !store_user_principal(st, name, &who))
			continue;
		if (strcmp(role, "counter") == 0 && s.nclerks < SIM_MAX_STAFF)
			s.clerks[s.nclerks++] = who;
		else if (strcmp(role, "specialist") == 0 && s.nspec < SIM_MAX_STAFF)
			s.specialists[s.nspec++] = who;
		else if (strcmp(role, "supervisor") == 0 && !s.have_supervisor) {
			s.supervisor = who;
			s.have_supervisor = true;
		}
	}
	json_decref(ulist);
	json_t *gpage = NULL;
	if ((rc = store_setup_list(st, SETUP_SERVICE_GROUPS, 0, SIM_MAX_GROUPS, &gpage, err)))
		goto out;
	s.groups = json_incref(json_object_get(gpage, "items"));
	json_decref(gpage);
	json_t *cpage = NULL;
	if ((rc = store_setup_list(st, SETUP_COUNTERS, 0, SIM_MAX_COUNTERS, &cpage, err)))
		goto out;
	json_t *c;
	json_array_foreach(json_object_get(cpage, "items"), i, c)
	{
		if (s.nclerks == 0)
			break;
		struct sim_counter *co = &s.counters[s.ncounters];
		co->no = (int)json_integer_value(json_object_get(c, "no"));
		co->clerk = s.clerks[s.ncounters % s.nclerks];
		co->groups = json_incref(json_object_get(c, "groups"));
		s.ncounters++;
	}
	json_decref(cpage);
	if (s.nclerks == 0 || s.ncounters == 0 || json_array_size(s.groups) == 0) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "office_incomplete",
		             "Cơ quan chưa có đủ nhóm dịch vụ, quầy và cán bộ",
		             "The office needs service groups, counters and counter clerks");
		goto out;
	}
	if ((rc = sim_procedures_by_group(st, s.groups, &s.procedures, err)))
		goto out;
	bool was_test = clock_is_test_mode();
	clock_enable_test_mode();
	store_bulk_mode(st, true);
	int64_t today0 =
	    (s.end + CLOCK_OFFICE_UTC_OFFSET) / 86400 * 86400 - CLOCK_OFFICE_UTC_OFFSET;
	for (int d = days; d >= 1; d--) {
		int64_t day0 = today0 - (int64_t)d * 86400;
		int64_t work = 0;
		if (store_calendar_between(st, day0, day0 + 86400, &work, NULL) != MC_OK ||
		    work <= 0)
			continue;
		sim_day(&s, day0);
		report->days++;
	}
	sim_play_until(&s, s.end);
	store_bulk_mode(st, false);
	if (!was_test)
		clock_use_real();
out:
	for (size_t k = 0; k < s.npending; k++)
		json_decref(s.pending[k].body);
	free(s.pending);
	for (int k = 0; k < s.ncounters; k++)
		json_decref(s.counters[k].groups);
	json_decref(s.groups);
	json_decref(s.procedures);
	return rc;
}
