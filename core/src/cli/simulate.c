#include "cli/simulate.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/parse_dossier.h"
#include "api/present_dossier.h"
#include "api/present_office.h"
#include "api/parse_rating.h"
#include "api/present_setup.h"
#include "store/auth.h"
#include "store/calendar.h"
#include "store/dossier.h"
#include "store/hall_plan.h"
#include "store/notify.h"
#include "store/office.h"
#include "store/queue.h"
#include "store/rating.h"
#include "store/setup.h"
#include "util/clock.h"
#include "util/fold.h"
#include "util/xmalloc.h"

#define SIM_MAX_CENTRES 16
#define SIM_MAX_COUNTERS 32 /* per centre */
#define SIM_MAX_STAFF 64    /* clerks per centre; specialists and supervisors in all */
#define SIM_MAX_GROUPS 16   /* per centre */
#define SIM_CODE 33         /* an office code and its NUL */

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
static const char *const sim_places[] = {"Xã Khe Sanh",  "Xã Lao Bảo",     "Xã Hướng Phùng",
                                         "Xã Tân Lập",   "Xã A Dơi",       "Xã Lìa",
                                         "Xã Hướng Lập", "Phường Đồng Hới"};

#define PICK(r, a) (a)[rng_int((r), 0, (int)(sizeof(a) / sizeof((a)[0])) - 1)]

struct sim_centre;

struct sim_counter {
	struct sim_centre *centre;
	int no;
	struct principal clerk;
	int64_t free_at;
	bool serving;
	int64_t ticket_id;
	char group[17];
};

/* A centre (or reception point) and its hall. */
struct sim_centre {
	int64_t id;
	char code[SIM_CODE];
	struct queue_hall_req hall; /* its hall as its clerks' counter actions name it */
	char authority[SIM_CODE];   /* the commune authority above it; "" for none */
	struct sim_counter counters[SIM_MAX_COUNTERS];
	int ncounters;
	struct principal clerks[SIM_MAX_STAFF];
	int nclerks;
	struct principal kiosk; /* its kiosk, when it has one: tickets come from it */
	bool have_kiosk;
	json_t *groups;     /* [{code, name}] */
	json_t *procedures; /* by group code: {code: [procedure, …]} */
	int64_t *arrivals;  /* the day's, in order; arrivals[narrivals] is closing time */
	int narrivals, next;
};

/* A member of staff outside the halls, with the office it belongs to. */
struct sim_staff {
	char office[SIM_CODE];
	struct principal who;
};

/* A future dossier action, played when the clock reaches it, by who. */
struct sim_action {
	int64_t at;
	char code[64];
	char action[24];
	json_t *body; /* owned */
	struct principal who;
};

struct sim {
	struct store *st;
	struct rng rng;
	struct sim_centre centres[SIM_MAX_CENTRES];
	int ncentres;
	struct sim_staff specialists[SIM_MAX_STAFF], supervisors[SIM_MAX_STAFF];
	int nspec, nsup;
	json_t *offices; /* the tree: [{id, code, name, kind, level, parent}] */
	struct sim_action *pending;
	size_t npending, cap;
	struct simulate_report *rep;
	int64_t end; /* the real now: nothing is played after it */
};

static void sim_at(struct sim *s, int64_t t)
{
	(void)s;
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

/* Plans action on dossier code at instant at, by who; takes body. */
static void sim_plan(struct sim *s, int64_t at, const char *code, const char *action, json_t *body,
                     const struct principal *who)
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
	a->who = *who;
}

/* The office of the tree with code, or NULL. Borrowed from s->offices. */
static json_t *sim_office(struct sim *s, const char *code)
{
	size_t i;
	json_t *o;
	json_array_foreach(s->offices, i, o)
	{
		const char *c = json_string_value(json_object_get(o, "code"));
		if (code && c && strcmp(c, code) == 0)
			return o;
	}
	return NULL;
}

static const char *sim_office_str(struct sim *s, const char *code, const char *key)
{
	return json_string_value(json_object_get(sim_office(s, code), key));
}

/* The authority an office belongs to: itself or the nearest authority
 * above it; NULL when there is none. Borrowed from s->offices. */
static const char *sim_authority_of(struct sim *s, const char *code)
{
	for (int depth = 0; code && depth < 16; depth++) {
		const char *kind = sim_office_str(s, code, "kind");
		if (kind && strcmp(kind, "authority") == 0)
			return code;
		code = sim_office_str(s, code, "parent");
	}
	return NULL;
}

/* A random member of list (n long) whose office is code; NULL when none. */
static const struct principal *sim_staff_of(struct sim *s, struct sim_staff *list, int n,
                                            const char *code)
{
	int found = 0, pick = -1;
	for (int i = 0; i < n; i++)
		if (strcmp(list[i].office, code) == 0 && rng_int(&s->rng, 0, found++) == 0)
			pick = i;
	return pick < 0 ? NULL : &list[pick].who;
}

/* Who processes at office code: its specialist, else a specialist of its
 * authority's offices, else any specialist, else the province supervisor. */
static const struct principal *sim_specialist(struct sim *s, const char *code)
{
	const struct principal *p = sim_staff_of(s, s->specialists, s->nspec, code);
	const char *auth = sim_authority_of(s, code);
	for (int i = 0; p == NULL && i < s->nspec; i++)
		if (auth && sim_authority_of(s, s->specialists[i].office) == auth)
			p = &s->specialists[i].who;
	if (p == NULL && s->nspec > 0)
		p = &s->specialists[0].who;
	return p ? p : &s->supervisors[0].who;
}

/* Who answers for a dossier of authority auth: its supervisor, else one of
 * the province (the first supervisor found). */
static const struct principal *sim_supervisor(struct sim *s, const char *auth)
{
	const struct principal *p = auth ? sim_staff_of(s, s->supervisors, s->nsup, auth) : NULL;
	for (int i = 0; p == NULL && i < s->nsup; i++)
		if (s->supervisors[i].who.office_id == 0 ||
		    sim_authority_of(s, s->supervisors[i].office) == NULL)
			p = &s->supervisors[i].who;
	return p ? p : &s->supervisors[0].who;
}

static const struct principal *sim_clerk(struct sim *s, struct sim_centre *c)
{
	return &c->clerks[rng_int(&s->rng, 0, c->nclerks - 1)];
}

static struct sim_centre *sim_centre_of(struct sim *s, const char *code)
{
	for (int i = 0; code && i < s->ncentres; i++)
		if (strcmp(s->centres[i].code, code) == 0)
			return &s->centres[i];
	return NULL;
}

/* The centre of commune authority auth (the first centre below it), or NULL. */
static struct sim_centre *sim_centre_below(struct sim *s, const char *auth)
{
	for (int i = 0; auth && i < s->ncentres; i++)
		if (strcmp(s->centres[i].authority, auth) == 0)
			return &s->centres[i];
	return NULL;
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
	json_t *req = NULL;
	struct rating_link link;
	struct rating_submit_cmd cmd;
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
	req = json_pack("{s:s, s:s, s:b, s:b, s:i, s:b}", "token", link.token, "level", level,
	                "on_time", rng_unit(&s->rng) < (happy ? 0.95 : 0.6), "courteous",
	                rng_unit(&s->rng) < (happy ? 0.97 : 0.7), "visits",
	                rng_unit(&s->rng) < 0.8 ? 1 : rng_int(&s->rng, 2, 3),
	                "unofficial_payment_asked", rng_unit(&s->rng) < 0.01);
	if (rating_submit_parse(req, &cmd, &err) == MC_OK &&
	    store_rating_submit(s->st, &cmd, &err) == MC_OK)
		s->rep->ratings++;
	else
		s->rep->refused_steps++;
	rating_submit_cmd_clear(&cmd);
out:
	json_decref(req);
}

static int sim_cmp_action(const void *a, const void *b)
{
	const struct sim_action *x = a, *y = b;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* The office answering for dossier view d now (docs/province.md): its
 * holder, or while at a partner agency the last office of its steps that is
 * no partner (else the receiving centre). Borrowed from d; NULL if none. */
static const char *sim_answering_office(struct sim *s, json_t *d)
{
	const char *h = json_string_value(json_object_get(json_object_get(d, "holder"), "office"));
	const char *kind = sim_office_str(s, h, "kind");
	if (kind == NULL || strcmp(kind, "partner") != 0)
		return h;
	json_t *steps = json_object_get(d, "steps");
	for (size_t i = json_array_size(steps); i-- > 0;) {
		const char *o =
		    json_string_value(json_object_get(json_array_get(steps, i), "office"));
		const char *k = sim_office_str(s, o, "kind");
		if (k && strcmp(k, "partner") != 0)
			return o;
	}
	return json_string_value(json_object_get(json_object_get(d, "intake_office"), "code"));
}

/* Who takes a processing action planned for role on the dossier held by
 * office h (the store lets only the holder's scope act, docs/province.md
 * "Who acts on a dossier"): a clerk of h when h is a centre and a clerk was
 * planned; else a specialist of h itself; else the supervisor of h's
 * authority, else of the province. planned when h is unknown. */
static const struct principal *sim_holder_principal(struct sim *s, const char *h,
                                                    const struct principal *planned)
{
	if (h == NULL)
		return planned;
	struct sim_centre *c = sim_centre_of(s, h);
	if (planned->role == ROLE_COUNTER && c && c->nclerks > 0)
		return sim_clerk(s, c);
	const struct principal *p = NULL;
	if (planned->role != ROLE_SUPERVISOR)
		p = sim_staff_of(s, s->specialists, s->nspec, h);
	return p ? p : sim_supervisor(s, sim_authority_of(s, h));
}

/* Plays every planned action due by t, in time order. A processing action
 * is taken by a principal of the office holding the dossier at that moment
 * (a hand-over to the office that holds it already is dropped). */
/* An action as the API takes it (api/parse_dossier.h), on the store. */
static enum mc_err sim_act(struct sim *s, const struct principal *who, const char *code,
                           json_t *body, struct mc_error *err)
{
	struct dossier_action_cmd cmd;
	enum mc_err rc = parse_dossier_action(body, &cmd, err);
	struct dossier_act_result res = {0};
	if (rc == MC_OK)
		rc = store_dossier_act(s->st, who, code, &cmd, &res, err);
	if (rc == MC_OK && res.refusal != DR_NONE)
		rc = present_dossier_refusal(cmd.action, &res, err);
	dossier_act_result_clear(&res);
	dossier_action_cmd_clear(&cmd);
	return rc;
}

/* An intake as the API takes it: *out the API's answer {"dossier", "form",
 * "secret"} on MC_OK (the caller frees it). */
static enum mc_err sim_take_in(struct sim *s, const struct principal *who, json_t *req,
                               json_t **out, struct mc_error *err)
{
	struct dossier_intake_cmd cmd;
	enum mc_err rc = parse_dossier_intake(req, &cmd, err);
	if (rc)
		return rc;
	char code[96], secret[16];
	struct dossier_duplicate dup;
	struct dossier_record view;
	struct notify_planned_list planned;
	rc = store_dossier_intake(s->st, who, &cmd, code, secret, &dup, &view, &planned, err);
	if (rc == MC_OK)
		*out = present_dossier_intake(present_dossier(&view, true), cmd.outcome, secret);
	dossier_record_clear(&view);
	notify_planned_free(&planned);
	dossier_intake_cmd_clear(&cmd);
	return rc;
}

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
		enum dossier_action act = DA_HANDOVER;
		json_t *view = NULL;
		if (dossier_action_parse(a->action, &act) &&
		    dossier_action_place(act) == DP_HOLDER &&
		    present_dossier_get(s->st, NULL, a->code, true, &view, &err) == MC_OK) {
			const char *h = sim_answering_office(s, view);
			const char *to = json_string_value(json_object_get(a->body, "to_office"));
			bool moot = act == DA_HANDOVER && h && to && strcmp(h, to) == 0;
			a->who = *sim_holder_principal(s, h, &a->who);
			json_decref(view);
			if (moot) {
				json_decref(a->body);
				continue;
			}
		}
		if (sim_act(s, &a->who, a->code, a->body, &err) == MC_OK) {
			s->rep->actions++;
			if (strcmp(a->action, "return_result") == 0 &&
			    rng_unit(&s->rng) < SIM_RATE_DOSSIER)
				sim_rate(s, &a->who, "dossier", a->code, a->at);
		} else {
			s->rep->refused_steps++;
		}
		json_decref(out);
		json_decref(a->body);
	}
	memmove(s->pending, s->pending + done, (s->npending - done) * sizeof *s->pending);
	s->npending -= done;
}

/* The processing office of authority auth for a procedure of field: the
 * internal office below it whose name speaks of the field's kind of work
 * (economy for land, building and business; culture and society for social
 * protection; else the first, the People's Committee's own office). NULL
 * when the authority has none. Borrowed from s->offices. */
static const char *sim_processing_office(struct sim *s, const char *auth, const char *field)
{
	static const struct {
		const char *field, *office;
	} kinds[] = {{"Đất đai", "Kinh tế"},       {"Xây dựng", "Kinh tế"},
	             {"kinh doanh", "Kinh tế"},    {"Bảo trợ", "Văn hóa"},
	             {"Người có công", "Văn hóa"}, {"Giảm nghèo", "Văn hóa"}};
	const char *want = NULL, *first = NULL;
	for (size_t k = 0; field && k < sizeof kinds / sizeof kinds[0]; k++)
		if (want == NULL && fold_vi_contains(field, kinds[k].field))
			want = kinds[k].office;
	size_t i;
	json_t *o;
	json_array_foreach(s->offices, i, o)
	{
		const char *parent = json_string_value(json_object_get(o, "parent"));
		const char *kind = json_string_value(json_object_get(o, "kind"));
		if (!parent || !kind || strcmp(parent, auth) != 0 || strcmp(kind, "internal") != 0)
			continue;
		const char *code = json_string_value(json_object_get(o, "code"));
		if (first == NULL)
			first = code;
		if (want && fold_vi_contains(json_string_value(json_object_get(o, "name")), want))
			return code;
	}
	return first;
}

/* Where a dossier goes, decided at intake: the competent authority (the
 * procedure's office's authority; for a commune procedure, the receiving
 * centre's commune, or now and then another commune of the province: the
 * citizen files where it suits them), the processing office there, and the
 * centre where the result is collected. */
struct sim_route {
	const char *authority, *office; /* borrowed from s->offices */
	struct sim_centre *returns;
};

static struct sim_route sim_route(struct sim *s, struct sim_centre *c, json_t *procedure)
{
	struct sim_route r = {.returns = c};
	const char *office = json_string_value(json_object_get(procedure, "office"));
	const char *field = json_string_value(json_object_get(procedure, "field"));
	if (office && sim_office(s, office)) {
		r.authority = sim_authority_of(s, office);
		r.office = office;
		return r;
	}
	r.authority = c->authority[0] ? sim_office_str(s, c->authority, "code") : NULL;
	if (r.authority == NULL || rng_unit(&s->rng) < 0.12) {
		/* Another commune's: any commune with a centre. */
		struct sim_centre *other = &s->centres[rng_int(&s->rng, 0, s->ncentres - 1)];
		for (int k = 0; k < s->ncentres && other->authority[0] == '\0'; k++)
			other = &s->centres[(other - s->centres + 1) % s->ncentres];
		if (other->authority[0])
			r.authority = sim_office_str(s, other->authority, "code");
	}
	if (r.authority == NULL)
		return r;
	r.office = sim_processing_office(s, r.authority, field);
	if (strcmp(r.authority, c->authority) != 0 && rng_unit(&s->rng) < 0.4) {
		struct sim_centre *home = sim_centre_below(s, r.authority);
		if (home)
			r.returns = home;
	}
	return r;
}

/* Plans the life of a dossier received at centre c at t for route r:
 * hand-over to the processing office (across the province when the
 * authority is another's), perhaps a supplement, inter-agency, the result
 * early / on time / late (some late ones with an apology first), and the
 * citizen collecting it at the centre chosen at intake. */
static void sim_plan_dossier(struct sim *s, struct sim_centre *c, const struct sim_route *r,
                             json_t *dossier, json_t *procedure, int64_t t)
{
	const char *code = json_string_value(json_object_get(dossier, "code"));
	int64_t due = json_integer_value(json_object_get(dossier, "due_at"));
	json_t *partners = json_object_get(procedure, "partners");
	const struct principal *spec = sim_specialist(s, r->office ? r->office : "");
	int64_t total = 0;
	if (store_calendar_between(s->st, t, due, &total, NULL) != MC_OK || total <= 0)
		total = 3600;
	int64_t handover = sim_working(s, t + rng_int(&s->rng, 10, 90) * 60);
	if (r->office)
		sim_plan(s, handover, code, "handover", json_pack("{s:s}", "to_office", r->office),
		         sim_clerk(s, c));
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
		         spec);
		sim_plan(s, back, code, "supplement_received", NULL, sim_clerk(s, c));
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
		    spec);
		sim_plan(s, result - 300, code, "partner_returned", NULL, spec);
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
			         sim_supervisor(s, r->authority));
	}
	if (rng_unit(&s->rng) < 0.03) {
		sim_plan(s, sim_add(s, t, total / 3), code, "withdraw",
		         json_pack("{s:s}", "reason", "Công dân đề nghị rút hồ sơ"),
		         sim_clerk(s, c));
		return;
	}
	sim_plan(s, result, code, "result_ready", NULL, spec);
	if (rng_unit(&s->rng) < 0.85)
		sim_plan(
		    s, sim_add(s, result, rng_int(&s->rng, 1, 3 * 27000)), code, "return_result",
		    json_pack("{s:s, s:b}", "collected_by", "Người nộp hồ sơ", "id_checked", 1),
		    sim_clerk(s, r->returns));
}

/* Keeps code and secret as centre c's example dossier (the latest one it
 * received wins). */
static void sim_example(struct sim *s, const struct sim_centre *c, const char *code,
                        const char *secret)
{
	struct simulate_report *r = s->rep;
	int k = 0;
	if (code == NULL || secret == NULL)
		return;
	while (k < r->nexamples && strcmp(r->examples[k].centre, c->code) != 0)
		k++;
	if (k == SIMULATE_MAX_EXAMPLES)
		return;
	if (k == r->nexamples)
		r->nexamples++;
	snprintf(r->examples[k].centre, sizeof r->examples[k].centre, "%s", c->code);
	snprintf(r->examples[k].code, sizeof r->examples[k].code, "%s", code);
	snprintf(r->examples[k].secret, sizeof r->examples[k].secret, "%s", secret);
}

/* The counter clerk at the counter receives a dossier for the ticket served. */
static void sim_intake(struct sim *s, struct sim_counter *co, int64_t t)
{
	struct sim_centre *c = co->centre;
	json_t *list = json_object_get(c->procedures, co->group);
	if (json_array_size(list) == 0 || rng_unit(&s->rng) > 0.7)
		return;
	json_t *p =
	    json_array_get(list, (size_t)rng_int(&s->rng, 0, (int)json_array_size(list) - 1));
	struct sim_route route = sim_route(s, c, p);
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
	json_t *req = json_pack("{s:O, s:{s:s, s:s, s:s, s:s}, s:s, s:o, s:I, s:s}", "procedure",
	                        json_object_get(p, "code"), "applicant", "name", name, "phone",
	                        phone, "id_number", idn, "address", PICK(&s->rng, sim_places),
	                        "outcome", outcome, "documents", docs, "ticket_id",
	                        (json_int_t)co->ticket_id, "return_at", route.returns->code);
	if (route.authority)
		json_object_set_new(req, "authority", json_string(route.authority));
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
	if (sim_take_in(s, &co->clerk, req, &out, &err) == MC_OK) {
		s->rep->dossiers++;
		if (route.authority && strcmp(route.authority, c->authority) != 0)
			s->rep->boundary_free++;
		json_t *dossier = json_object_get(out, "dossier");
		if (strcmp(outcome, "refused") != 0)
			sim_example(s, c, json_string_value(json_object_get(dossier, "code")),
			            json_string_value(json_object_get(out, "secret")));
		if (strcmp(outcome, "received") == 0)
			sim_plan_dossier(s, c, &route, dossier, p, t);
		else if (strcmp(outcome, "supplement") == 0 && rng_unit(&s->rng) < 0.7)
			sim_plan(s, sim_add(s, t, rng_int(&s->rng, 1, 3) * 27000),
			         json_string_value(json_object_get(dossier, "code")),
			         "supplement_received", NULL, &co->clerk);
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
	struct queue_ticket ticket;
	struct mc_error err;
	sim_at(s, t);
	if (co->serving) {
		if (store_counter_finish(s->st, &co->clerk, &co->centre->hall, co->no, VISIT_SERVED,
		                         NULL, &err) != MC_OK) {
			s->rep->refused_steps++;
		} else if (rng_unit(&s->rng) < SIM_RATE_TICKET) {
			char ref[24];
			snprintf(ref, sizeof ref, "%lld", (long long)co->ticket_id);
			sim_rate(s, &co->clerk, "ticket", ref, t);
		}
		co->serving = false;
	}
	if (store_counter_call(s->st, &co->clerk, &co->centre->hall, co->no,
	                       &(struct queue_call_cmd){0}, &ticket, &err) != MC_OK) {
		/* Nobody waiting for this counter: wait for the next arrival. */
		co->free_at = next_arrival + 1;
		return;
	}
	co->ticket_id = ticket.id;
	snprintf(co->group, sizeof co->group, "%.16s", ticket.group);
	if (rng_unit(&s->rng) < 0.05) {
		/* Called twice, nobody came. */
		sim_at(s, t + 60);
		store_counter_recall(s->st, &co->clerk, &co->centre->hall, co->no, NULL, &err);
		sim_at(s, t + 150);
		store_counter_no_show(s->st, &co->clerk, &co->centre->hall, co->no, NULL, &err);
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

/* A citizen takes a number at centre c at instant a: at its kiosk when it
 * has one, else from a clerk. */
static void sim_ticket(struct sim *s, struct sim_centre *c, int64_t a)
{
	struct mc_error err;
	sim_play_until(s, a);
	sim_at(s, a);
	json_t *g = json_array_get(
	    c->groups, (size_t)rng_int(&s->rng, 0, (int)json_array_size(c->groups) - 1));
	const char *priority = rng_unit(&s->rng) < 0.08 ? "elderly" : NULL;
	if (store_ticket_issue(s->st, c->have_kiosk ? &c->kiosk : &c->clerks[0], c->id,
	                       json_string_value(json_object_get(g, "code")), priority, NULL,
	                       &err) == MC_OK)
		s->rep->tickets++;
	else
		s->rep->refused_steps++;
}

/* One working day of every centre, in time order across the province: the
 * clock never steps back between two operations. */
static void sim_day(struct sim *s, int64_t day0)
{
	struct mc_error err;
	int64_t open = day0 + 7 * 3600 + 30 * 60, lunch = day0 + 11 * 3600 + 30 * 60;
	int64_t afternoon = day0 + 13 * 3600 + 30 * 60, close = day0 + 17 * 3600;
	/* Citizens come in proportion to a centre's counters (ten to twenty
	 * a counter a day). */
	for (int k = 0; k < s->ncentres; k++) {
		struct sim_centre *c = &s->centres[k];
		int n = rng_int(&s->rng, 10 * c->ncounters, 20 * c->ncounters);
		c->arrivals = xcalloc((size_t)n + 1, sizeof *c->arrivals);
		for (int i = 0; i < n; i++)
			c->arrivals[i] = sim_arrival(s, day0);
		qsort(c->arrivals, (size_t)n, sizeof *c->arrivals, sim_cmp_i64);
		c->arrivals[n] = close;
		c->narrivals = n;
		c->next = 0;
	}
	sim_at(s, open);
	for (int k = 0; k < s->ncentres; k++)
		for (int i = 0; i < s->centres[k].ncounters; i++) {
			struct sim_counter *co = &s->centres[k].counters[i];
			store_counter_set_state(s->st, &co->clerk, &co->centre->hall, co->no,
			                        COUNTER_OPEN, NULL, &err);
			co->free_at = open;
			co->serving = false;
		}
	for (;;) {
		/* The earliest of: a counter free before its centre's next
		 * arrival, and the next arrival anywhere. */
		struct sim_counter *next = NULL;
		struct sim_centre *arrive = NULL;
		for (int k = 0; k < s->ncentres; k++) {
			struct sim_centre *c = &s->centres[k];
			int64_t a = c->arrivals[c->next];
			for (int i = 0; i < c->ncounters; i++) {
				struct sim_counter *co = &c->counters[i];
				if (co->free_at <= a && co->free_at < close &&
				    (next == NULL || co->free_at < next->free_at))
					next = co;
			}
			if (c->next < c->narrivals &&
			    (arrive == NULL || a < arrive->arrivals[arrive->next]))
				arrive = c;
		}
		if (next && (arrive == NULL || next->free_at <= arrive->arrivals[arrive->next])) {
			if (next->free_at >= lunch && next->free_at < afternoon && !next->serving) {
				next->free_at = afternoon;
				continue;
			}
			struct sim_centre *c = next->centre;
			sim_play_until(s, next->free_at);
			sim_counter_step(s, next, c->arrivals[c->next]);
			continue;
		}
		if (arrive == NULL)
			break;
		sim_ticket(s, arrive, arrive->arrivals[arrive->next]);
		arrive->next++;
	}
	sim_at(s, close);
	for (int k = 0; k < s->ncentres; k++) {
		for (int i = 0; i < s->centres[k].ncounters; i++) {
			struct sim_counter *co = &s->centres[k].counters[i];
			if (co->serving)
				store_counter_finish(s->st, &co->clerk, &co->centre->hall, co->no,
				                     VISIT_SERVED, NULL, &err);
			co->serving = false;
			store_counter_set_state(s->st, &co->clerk, &co->centre->hall, co->no,
			                        COUNTER_CLOSED, NULL, &err);
		}
		free(s->centres[k].arrivals);
		s->centres[k].arrivals = NULL;
	}
	sim_play_until(s, close);
}

/* Which procedures each service group of a centre receives: those whose
 * field matches the group's name (with or without diacritics); procedures
 * no group takes go to the groups that matched none (not the one for
 * collecting results). Returns an object of group code → array of
 * procedures (the caller frees it). */
static json_t *sim_procedures_by_group(json_t *all, json_t *groups)
{
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
	return by;
}

/* Fills s's centres, staff and devices from the plan (store_hall_plan). */
static void sim_load(struct sim *s, json_t *plan)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(plan, "offices"), i, o)
	{
		const char *kind = json_string_value(json_object_get(o, "kind"));
		if (s->ncentres == SIM_MAX_CENTRES ||
		    (strcmp(kind, "centre") != 0 && strcmp(kind, "point") != 0))
			continue;
		struct sim_centre *c = &s->centres[s->ncentres++];
		c->id = json_integer_value(json_object_get(o, "id"));
		snprintf(c->code, sizeof c->code, "%s",
		         json_string_value(json_object_get(o, "code")));
		c->hall = (struct queue_hall_req){.code = c->code, .scoped = true};
		const char *auth = sim_authority_of(s, c->code);
		snprintf(c->authority, sizeof c->authority, "%s", auth ? auth : "");
		c->groups = json_array();
	}
	json_array_foreach(json_object_get(plan, "groups"), i, o)
	{
		struct sim_centre *c =
		    sim_centre_of(s, json_string_value(json_object_get(o, "office")));
		if (c && json_array_size(c->groups) < SIM_MAX_GROUPS)
			json_array_append(c->groups, o);
	}
	json_array_foreach(json_object_get(plan, "users"), i, o)
	{
		const char *name = json_string_value(json_object_get(o, "username"));
		const char *role = json_string_value(json_object_get(o, "role"));
		const char *office = json_string_value(json_object_get(o, "office"));
		struct principal who;
		if (!store_user_principal(s->st, name, &who))
			continue;
		struct sim_centre *c = office ? sim_centre_of(s, office) : NULL;
		struct sim_staff *staff = NULL;
		if (strcmp(role, "counter") == 0 && c && c->nclerks < SIM_MAX_STAFF)
			c->clerks[c->nclerks++] = who;
		else if (strcmp(role, "specialist") == 0 && s->nspec < SIM_MAX_STAFF)
			staff = &s->specialists[s->nspec++];
		else if (strcmp(role, "supervisor") == 0 && s->nsup < SIM_MAX_STAFF)
			staff = &s->supervisors[s->nsup++];
		if (staff) {
			snprintf(staff->office, sizeof staff->office, "%s", office ? office : "");
			staff->who = who;
		}
	}
	json_array_foreach(json_object_get(plan, "devices"), i, o)
	{
		const char *office = json_string_value(json_object_get(o, "office"));
		struct sim_centre *c = office ? sim_centre_of(s, office) : NULL;
		if (c == NULL || c->have_kiosk ||
		    strcmp(json_string_value(json_object_get(o, "kind")), "kiosk") != 0)
			continue;
		/* The kiosk as it acts, but its tickets need no paper here: the
		 * history is played, not printed. */
		c->kiosk =
		    (struct principal){.role = ROLE_KIOSK,
		                       .device_id = json_integer_value(json_object_get(o, "id")),
		                       .office_id = c->id};
		snprintf(c->kiosk.actor, sizeof c->kiosk.actor, "device:%lld",
		         (long long)c->kiosk.device_id);
		snprintf(c->kiosk.username, sizeof c->kiosk.username, "%s",
		         json_string_value(json_object_get(o, "name")));
		c->have_kiosk = true;
	}
	json_array_foreach(json_object_get(plan, "counters"), i, o)
	{
		const char *office = json_string_value(json_object_get(o, "office"));
		struct sim_centre *c = office ? sim_centre_of(s, office) : NULL;
		if (c == NULL || c->nclerks == 0 || c->ncounters == SIM_MAX_COUNTERS)
			continue;
		struct sim_counter *co = &c->counters[c->ncounters];
		co->centre = c;
		co->no = (int)json_integer_value(json_object_get(o, "no"));
		co->clerk = c->clerks[c->ncounters % c->nclerks];
		c->ncounters++;
	}
}

enum mc_err simulate_province(struct store *st, int days, uint64_t seed,
                              struct simulate_report *report, struct mc_error *err)
{
	struct sim s = {.st = st, .rng = {seed ? seed : 0x9e3779b97f4a7c15ull}, .rep = report};
	memset(report, 0, sizeof *report);
	s.end = clock_now();

	json_t *plan = NULL, *page = NULL;
	struct hall_plan hp;
	enum mc_err rc = store_hall_plan(st, &hp, err);
	if (rc)
		return rc;
	plan = present_hall_plan(&hp);
	hall_plan_clear(&hp);
	if (plan == NULL)
		return mc_fail(err, MC_ERR_INTERNAL, "hall_plan", "Không đọc được sơ đồ trung tâm",
		               "The hall plan could not be read");
	s.offices = json_incref(json_object_get(plan, "offices"));
	sim_load(&s, plan);
	json_decref(plan);
	/* Only centres that can work: groups, counters and their clerks. */
	int keep = 0;
	for (int k = 0; k < s.ncentres; k++) {
		struct sim_centre *c = &s.centres[k];
		if (c->ncounters > 0 && json_array_size(c->groups) > 0) {
			if (keep != k) {
				s.centres[keep] = *c;
				c->groups = NULL;
				for (int i = 0; i < s.centres[keep].ncounters; i++)
					s.centres[keep].counters[i].centre = &s.centres[keep];
			}
			keep++;
		} else {
			json_decref(c->groups);
			c->groups = NULL;
		}
	}
	s.ncentres = keep;
	if (s.ncentres == 0 || (s.nspec == 0 && s.nsup == 0)) {
		rc = mc_fail(err, MC_ERR_CONFLICT, "office_incomplete",
		             "Cơ quan chưa có đủ nhóm dịch vụ, quầy và cán bộ",
		             "The office needs service groups, counters and counter clerks");
		goto out;
	}
	if ((rc = procedures_list_json(st, NULL, NULL, 0, 500, &page, err)))
		goto out;
	for (int k = 0; k < s.ncentres; k++)
		s.centres[k].procedures =
		    sim_procedures_by_group(json_object_get(page, "items"), s.centres[k].groups);
	report->centres = s.ncentres;
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
	for (int k = 0; k < s.ncentres; k++) {
		json_decref(s.centres[k].groups);
		json_decref(s.centres[k].procedures);
	}
	json_decref(page);
	json_decref(s.offices);
	return rc;
}
