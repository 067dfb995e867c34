#include "store/dossier.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/applicant.h"
#include "domain/civil_date.h"
#include "store/calendar.h"
#include "store/notify.h"
#include "store/notify_scan.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/enforce.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define DOSSIER_MAX_ITEMS 50
#define DOSSIER_SECRET_LEN 10
/* Letters and digits that cannot be misread on paper (no 0/O, 1/I/L). */
static const char dossier_secret_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/* ---- input checks ------------------------------------------------------ */

/* A string member: absent (NULL, MC_OK) when optional; an error when of the
 * wrong type, empty, over max characters, or holding characters a message
 * must not carry (applicant_text_valid: controls but the line feed, bidi
 * controls, line separators). */
static enum mc_err dossier_str(json_t *obj, const char *key, bool required, size_t max,
                               const char **out, struct mc_error *err)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return MC_OK;
		return mc_failf(err, MC_ERR_INVALID, "missing_field", "Thiếu trường bắt buộc",
		                "'%s' is required", key);
	}
	const char *s = json_string_value(v);
	if (s == NULL || *s == '\0' || strlen(s) != json_string_length(v))
		return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "'%s' must be a string of 1-%zu characters", key, max);
	if (!applicant_text_valid(s, strlen(s), max, true))
		return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		                "'%s' is over %zu characters or has control, bidirectional or line"
		                " separator characters",
		                key, max);
	*out = s;
	return MC_OK;
}

/* A list of {"item","reason"} (Mẫu 02) or of documents; min items at least. */
static enum mc_err dossier_items(json_t *req, const char *key, const char *k1, const char *k2,
                                 size_t min, json_t **out, struct mc_error *err)
{
	json_t *arr = json_object_get(req, key);
	size_t i;
	json_t *v;
	*out = NULL;
	if (arr == NULL && min == 0)
		return MC_OK;
	if (!json_is_array(arr) || json_array_size(arr) < min ||
	    json_array_size(arr) > DOSSIER_MAX_ITEMS)
		return mc_failf(err, MC_ERR_INVALID, min ? "missing_items" : "invalid_field",
		                min ? "Phải liệt kê đủ các mục cần bổ sung" : "Trường không hợp lệ",
		                "'%s' must be an array of %zu-%d items", key, min,
		                DOSSIER_MAX_ITEMS);
	json_array_foreach(arr, i, v)
	{
		const char *a, *b;
		enum mc_err rc;
		if (!json_is_object(v))
			return mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
			                "'%s' items must be objects", key);
		if ((rc = dossier_str(v, k1, true, 500, &a, err)) ||
		    (rc = dossier_str(v, k2, false, 500, &b, err)))
			return rc;
	}
	*out = arr;
	return MC_OK;
}

/* ---- shared pieces ------------------------------------------------------ */

void store_dossier_bind_scope(sqlite3_stmt *s, const struct principal *who)
{
	store_bind_scope(s, who);
	int i = sqlite3_bind_parameter_index(s, ":spec");
	ENFORCE(i > 0, "a dossier scope has a :spec parameter");
	sqlite3_bind_int(s, i, who != NULL && who->role == ROLE_SPECIALIST);
}

struct dossier_row {
	int64_t id;
	char code[64];
	int64_t procedure_id;
	enum dossier_status status;
	int64_t received_at, due_at, paused_at, apology_at, finished_at;
	int64_t paused_seconds;
	int64_t intake_office_id, authority_id;
	bool return_here; /* the return centre lies in the caller's scope */
	bool holder_here; /* the office answering for it now lies in the caller's scope */
	bool intake_here; /* the receiving centre lies in the caller's scope */
	char return_name[300];
	char holder_office[64];
};

/* The dossier `code` as the actions see it, when it lies in who's scope (NULL
 * who: any). MC_ERR_NOT_FOUND (dossier_not_found) when there is none or it is
 * outside the scope; a database error otherwise. */
static enum mc_err dossier_load(struct store_conn *c, const struct principal *who, const char *code,
                                struct dossier_row *d, struct mc_error *err)
{
	// clang-format off
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT d.id, d.code, d.procedure_id, d.status, d.received_at, d.due_at,"
	       " d.paused_at, d.apology_at, d.finished_at, d.paused_seconds,"
	       " d.intake_office_id, d.authority_id,"
	       " d.return_office_id IS NULL OR " SCOPE_SQL("d.return_office_id") ","
	       " (SELECT name FROM offices WHERE id = d.return_office_id),"
	       " " SCOPE_SQL(DOSSIER_HOLDER_SQL) ", " SCOPE_SQL("d.intake_office_id") ","
	       " d.holder_office"
	       " FROM dossiers d WHERE d.code = :code AND " DOSSIER_SCOPE_SQL);
	// clang-format on
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":code"), code, -1, SQLITE_STATIC);
	store_dossier_bind_scope(s, who);
	enum mc_err rc = MC_OK;
	int step;
	if (store_next(s, &step)) {
		memset(d, 0, sizeof *d);
		d->id = sqlite3_column_int64(s, 0);
		snprintf(d->code, sizeof d->code, "%s", store_col_text(s, 1));
		d->procedure_id = sqlite3_column_int64(s, 2);
		dossier_status_parse(store_col_text(s, 3), &d->status);
		d->received_at = sqlite3_column_int64(s, 4);
		d->due_at = sqlite3_column_int64(s, 5);
		d->paused_at = sqlite3_column_int64(s, 6);
		d->apology_at = sqlite3_column_int64(s, 7);
		d->finished_at = sqlite3_column_int64(s, 8);
		d->paused_seconds = sqlite3_column_int64(s, 9);
		d->intake_office_id = sqlite3_column_int64(s, 10);
		d->authority_id = sqlite3_column_int64(s, 11);
		d->return_here = sqlite3_column_int(s, 12) != 0;
		snprintf(d->return_name, sizeof d->return_name, "%s", store_col_text(s, 13));
		d->holder_here = sqlite3_column_int(s, 14) != 0;
		d->intake_here = sqlite3_column_int(s, 15) != 0;
		snprintf(d->holder_office, sizeof d->holder_office, "%s", store_col_text(s, 16));
	} else if (step == SQLITE_DONE) {
		rc = mc_fail(err, MC_ERR_NOT_FOUND, "dossier_not_found", "Không có hồ sơ này",
		             "No such dossier");
	}
	enum mc_err src = store_scan_end(c, s, step, "dossier", err);
	return src ? src : rc;
}

/* Appends the dossier's event "dossier.<action>" to the chain, recorded as
 * the receiving centre's (office_id; never on the live stream). Inside the
 * caller's write transaction; MC_OK or the error (err filled). */
static enum mc_err dossier_event(struct store *st, const struct principal *who, const char *code,
                                 int64_t office_id, const char *action, json_t *details,
                                 struct mc_error *err)
{
	char name[64];
	snprintf(name, sizeof name, "dossier.%s", action);
	char *text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
	store_event_office(st, office_id);
	int64_t ev = store_event_append(st, who->actor, "dossier", code, name, text, false, err);
	free(text);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

/* Declared in store_internal.h: the one secret hash of dossiers and feedback. */
void store_secret_hash(const char *code, const char *secret, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)code, strlen(code));
	crypto_hash_sha256_update(&h, (const unsigned char *)"\x1f", 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)secret, strlen(secret));
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof d);
}

/* The due instant of a procedure received at `from`. */
static enum mc_err dossier_due(struct store *st, const char *unit, int64_t milli, int64_t from,
                               int64_t *due, struct mc_error *err)
{
	enum store_calendar_limit u = strcmp(unit, "working_hours") == 0 ? STORE_CALENDAR_HOURS
	                              : strcmp(unit, "same_day") == 0    ? STORE_CALENDAR_SAME_DAY
	                                                                 : STORE_CALENDAR_DAYS;
	return store_calendar_due(st, from, u, milli, due, err);
}

/* ---- intake -------------------------------------------------------------- */

struct procedure_row {
	int64_t id;
	int64_t version;
	char unit[16];
	int64_t milli;
	json_t *body;
	char office[64]; /* the procedure's own office code, "" when none */
};

static enum mc_err dossier_procedure(struct store_conn *c, const char *code,
                                     struct procedure_row *p, struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(c, "SELECT id, time_unit, time_milli, body, office, version"
	                                " FROM procedures WHERE code = ? AND current = 1");
	if (s == NULL)
		return store_sql_error(c, "procedure", err);
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	enum mc_err rc = MC_OK;
	int step;
	if (store_next(s, &step)) {
		p->id = sqlite3_column_int64(s, 0);
		snprintf(p->unit, sizeof p->unit, "%s", store_col_text(s, 1));
		p->milli = sqlite3_column_int64(s, 2);
		p->body = json_loads(store_col_text(s, 3), 0, NULL);
		snprintf(p->office, sizeof p->office, "%s", store_col_text(s, 4));
		p->version = sqlite3_column_int64(s, 5);
	} else if (step == SQLITE_DONE) {
		rc = mc_failf(err, MC_ERR_NOT_FOUND, "procedure_not_found", "Không có thủ tục này",
		              "No procedure '%.40s'", code);
	}
	enum mc_err src = store_scan_end(c, s, step, "procedure", err);
	return src ? src : rc;
}

/* The next code of agency for the office date of now: gap-free because the
 * counter row and the dossier are written in one commit. */
static enum mc_err dossier_next_code(struct store_conn *c, const char *agency, int64_t now,
                                     char *out, size_t outlen, struct mc_error *err)
{
	char day[11];
	clock_office_date(now, day);
	sqlite3_stmt *s = store_stmt(c, "INSERT INTO dossier_numbers (agency, day, last)"
	                                " VALUES (?, ?, 1) ON CONFLICT (agency, day)"
	                                " DO UPDATE SET last = last + 1 RETURNING last");
	if (s == NULL)
		return store_sql_error(c, "dossier number", err);
	sqlite3_bind_text(s, 1, agency, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
	int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_reset(s);
	if (n == 0)
		return store_sql_error(c, "dossier number", err);
	if (n > 9999)
		return mc_fail(err, MC_ERR_CONFLICT, "daily_limit", "Quá 9999 hồ sơ trong ngày",
		               "More than 9999 dossiers in one day");
	/* YYMMDD from YYYY-MM-DD. */
	snprintf(out, outlen, "%s-%.2s%.2s%.2s-%04d", agency, day + 2, day + 5, day + 8, n);
	return MC_OK;
}

/* The offices of a new dossier (docs/province.md, "Boundary-free intake"). */
struct dossier_offices {
	int64_t intake_id, authority_id, return_id;
	char agency[64]; /* the receiving centre's code: the dossier code's */
};

/* Looks up office code on c: *id and *kind (kind up to klen bytes), *id = 0
 * when there is none; within who's scope only when scoped. Returns MC_OK or
 * the database error. */
static enum mc_err dossier_office_find(struct store_conn *c, const struct principal *who,
                                       bool scoped, const char *code, int64_t *id, char *kind,
                                       size_t klen, struct mc_error *err)
{
	sqlite3_stmt *s =
	    scoped ? store_stmt(c, "SELECT o.id, o.kind FROM offices o WHERE o.code = :code"
	                           " AND " SCOPE_SQL("o.id"))
	           : store_stmt(c, "SELECT o.id, o.kind FROM offices o WHERE o.code = :code");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":code"), code, -1, SQLITE_STATIC);
	if (scoped)
		store_bind_scope(s, who);
	int step;
	*id = 0;
	if (store_next(s, &step)) {
		*id = sqlite3_column_int64(s, 0);
		snprintf(kind, klen, "%s", store_col_text(s, 1));
	}
	return store_scan_end(c, s, step, "office", err);
}

static enum mc_err dossier_office_not_found(struct mc_error *err, const char *what,
                                            const char *code)
{
	return mc_failf(err, MC_ERR_NOT_FOUND, "office_not_found", "Không có đơn vị này",
	                "%s: no office '%.40s'", what, code);
}

/* The receiving office of an intake by who: req's "office" (a centre or
 * point inside who's scope), else who's own office when it is one, else the
 * only centre of who's scope. */
static enum mc_err dossier_intake_office(struct store_conn *c, const struct principal *who,
                                         const char *office, int64_t *id, struct mc_error *err)
{
	char kind[16] = "";
	enum mc_err rc;
	if (office) {
		if ((rc = dossier_office_find(c, who, true, office, id, kind, sizeof kind, err)))
			return rc;
		if (*id == 0)
			return dossier_office_not_found(err, "office", office);
		if (strcmp(kind, "centre") != 0 && strcmp(kind, "point") != 0)
			return mc_failf(
			    err, MC_ERR_INVALID, "not_a_centre",
			    "Đơn vị tiếp nhận phải là một trung tâm hoặc điểm tiếp nhận",
			    "office '%.40s' is not a centre or reception point", office);
		return MC_OK;
	}
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT CASE WHEN (SELECT kind FROM offices WHERE id = :scope) IN ('centre','point')"
	       " THEN :scope END, count(*), min(o.id) FROM offices o"
	       " WHERE o.kind = 'centre' AND o.active = 1 AND " SCOPE_SQL("o.id"));
	if (s == NULL)
		return store_sql_error(c, "office", err);
	store_bind_scope(s, who);
	int step;
	int64_t own = 0, n = 0, only = 0;
	if (store_next(s, &step)) {
		own = sqlite3_column_int64(s, 0);
		n = sqlite3_column_int64(s, 1);
		only = sqlite3_column_int64(s, 2);
	}
	if ((rc = store_scan_end(c, s, step, "office", err)))
		return rc;
	*id = own ? own : n == 1 ? only : 0;
	if (*id == 0 && n == 0 && who->office_id == 0)
		return mc_fail(err, MC_ERR_CONFLICT, "office_not_configured",
		               "Chưa khai báo mã cơ quan tiếp nhận",
		               "No centre is set up (import an office first)");
	if (*id == 0)
		return mc_fail(err, MC_ERR_INVALID, "office_required",
		               "Hãy chọn trung tâm tiếp nhận hồ sơ",
		               "Name the receiving centre: 'office'");
	return MC_OK;
}

/* Fills o for an intake by who of a procedure whose own office is
 * proc_office (a code, or NULL): the receiving office and its centre's code,
 * the competent authority and the return centre (see store_dossier_intake).
 * Reads only, on c: the intake's writer inside its transaction, or a check's
 * reader. */
static enum mc_err dossier_intake_offices(struct store_conn *c, const struct principal *who,
                                          json_t *req, const char *proc_office,
                                          struct dossier_offices *o, struct mc_error *err)
{
	const char *office, *authority, *return_at;
	char kind[16] = "";
	enum mc_err rc;
	memset(o, 0, sizeof *o);
	if ((rc = dossier_str(req, "office", false, 32, &office, err)) ||
	    (rc = dossier_str(req, "authority", false, 32, &authority, err)) ||
	    (rc = dossier_str(req, "return_at", false, 32, &return_at, err)) ||
	    (rc = dossier_intake_office(c, who, office, &o->intake_id, err)))
		return rc;
	if (authority) {
		if ((rc = dossier_office_find(c, who, false, authority, &o->authority_id, kind,
		                              sizeof kind, err)))
			return rc;
		if (o->authority_id == 0)
			return dossier_office_not_found(err, "authority", authority);
		if (strcmp(kind, "authority") != 0)
			return mc_failf(err, MC_ERR_INVALID, "not_an_authority",
			                "Cơ quan có thẩm quyền không hợp lệ",
			                "'%.40s' is not an authority", authority);
	}
	if (return_at) {
		if ((rc = dossier_office_find(c, who, false, return_at, &o->return_id, kind,
		                              sizeof kind, err)))
			return rc;
		if (o->return_id == 0)
			return dossier_office_not_found(err, "return_at", return_at);
		if (strcmp(kind, "centre") != 0 && strcmp(kind, "point") != 0)
			return mc_failf(err, MC_ERR_INVALID, "not_a_centre",
			                "Nơi trả kết quả phải là một trung tâm hoặc điểm tiếp nhận",
			                "return_at '%.40s' is not a centre or reception point",
			                return_at);
	} else {
		o->return_id = o->intake_id;
	}
	/* The agency code: the nearest centre at or above the receiving office;
	 * the authority by default: the procedure's office's, else the one above
	 * the receiving centre, else (a single office with no authority in its
	 * tree) the procedure's office, else the receiving centre. */
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT (SELECT a.code FROM office_paths p JOIN offices a ON a.id = p.ancestor_id"
	       "  WHERE p.office_id = ?2 AND a.kind = 'centre' ORDER BY p.depth LIMIT 1),"
	       " coalesce((SELECT a.id FROM offices po JOIN office_paths p ON p.office_id = po.id"
	       "  JOIN offices a ON a.id = p.ancestor_id WHERE po.code = ?1"
	       "  AND a.kind = 'authority' ORDER BY p.depth LIMIT 1),"
	       " (SELECT a.id FROM office_paths p JOIN offices a ON a.id = p.ancestor_id"
	       "  WHERE p.office_id = ?2 AND a.kind = 'authority' ORDER BY p.depth LIMIT 1),"
	       " (SELECT id FROM offices WHERE code = ?1), ?2)");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	if (proc_office)
		sqlite3_bind_text(s, 1, proc_office, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, o->intake_id);
	int step;
	int64_t by_default = 0;
	if (store_next(s, &step)) {
		snprintf(o->agency, sizeof o->agency, "%s", store_col_text(s, 0));
		by_default = sqlite3_column_int64(s, 1);
	}
	if ((rc = store_scan_end(c, s, step, "office", err)))
		return rc;
	if (o->authority_id == 0)
		o->authority_id = by_default;
	if (o->agency[0] == '\0')
		return mc_fail(err, MC_ERR_CONFLICT, "office_not_configured",
		               "Chưa khai báo mã cơ quan tiếp nhận",
		               "The receiving centre is not set up (import an office first)");
	return MC_OK;
}

static enum mc_err dossier_view(struct store *st, struct store_conn *c, const struct principal *who,
                                const char *code, bool history, json_t **out, struct mc_error *err);
static enum mc_err dossier_boundary_handover(struct store *st, struct store_conn *c,
                                             const struct principal *who, const char *code,
                                             int64_t now, enum dossier_status *status, char *to,
                                             size_t tolen, struct mc_error *err);

/* Gives the dossier `code` its entry in the ledger (Sổ theo dõi hồ sơ) of
 * the centre that received it (a reception point writes in its centre's
 * book): book = the office year of now, line = one past the last line of
 * that centre's book. It runs on the writer inside the transaction that
 * receives the dossier, so lines are gap-free (a rollback takes the line
 * back with the receipt). A dossier that already has its entry keeps it.
 * Returns MC_OK or the database error (err filled). */
static enum mc_err dossier_ledger_assign(struct store_conn *c, const char *code, int64_t now,
                                         struct mc_error *err)
{
	char day[11];
	clock_office_date(now, day);
	sqlite3_stmt *s = store_stmt(
	    c,
	    "WITH centre (id) AS (SELECT coalesce((SELECT a.id FROM dossiers x"
	    "  JOIN office_paths q ON q.office_id = x.intake_office_id"
	    "  JOIN offices a ON a.id = q.ancestor_id WHERE x.code = ?2 AND a.kind = 'centre'"
	    "  ORDER BY q.depth LIMIT 1), (SELECT intake_office_id FROM dossiers WHERE code = ?2)))"
	    " UPDATE dossiers SET ledger_book = ?1, ledger_line = (SELECT"
	    " coalesce(max(b.ledger_line), 0) + 1 FROM dossiers b WHERE b.ledger_book = ?1"
	    " AND b.intake_office_id IN (SELECT p.office_id FROM office_paths p, centre"
	    "  WHERE p.ancestor_id = centre.id))"
	    " WHERE code = ?2 AND ledger_book IS NULL");
	if (s == NULL)
		return store_sql_error(c, "ledger", err);
	sqlite3_bind_int(s, 1, atoi(day));
	sqlite3_bind_text(s, 2, code, -1, SQLITE_STATIC);
	return store_step(c, s, "ledger", err);
}

/* A bad applicant field: err filled with code and messages, *out set to
 * {"field": field} for the error answer. Returns MC_ERR_INVALID. */
static enum mc_err dossier_field_error(json_t **out, struct mc_error *err, const char *field,
                                       const char *code, const char *vi, const char *en)
{
	*out = json_pack("{s:s}", "field", field);
	return mc_fail(err, MC_ERR_INVALID, code, vi, en);
}

/* The applicant's member key read by dossier_str, its error naming the
 * field for people: *out {"field":"applicant.<key>"} and both messages in
 * words ("Chưa nhập họ và tên người nộp"), as the clerk's page shows them
 * beside the field. */
static enum mc_err dossier_applicant_str(json_t *applicant, const char *key, bool required,
                                         size_t max, const char **val, json_t **out,
                                         struct mc_error *err)
{
	static const struct {
		const char *key, *vi, *en;
	} labels[] = {
	    {"name", "họ và tên người nộp", "the applicant's full name"},
	    {"id_number", "số định danh (căn cước) hoặc hộ chiếu", "the ID or passport number"},
	    {"address", "địa chỉ", "the address"},
	    {"phone", "số điện thoại", "the phone number"},
	    {"email", "thư điện tử", "the e-mail address"},
	};
	enum mc_err rc = dossier_str(applicant, key, required, max, val, err);
	/* The applicant's details are each one line (the name in a message's
	 * subject above all). */
	if (rc == MC_OK && *val && !applicant_text_valid(*val, strlen(*val), max, false))
		rc = mc_failf(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		              "'%s' must be one line", key);
	if (rc == MC_OK)
		return rc;
	const char *vi = key, *en = key;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].key, key) == 0) {
			vi = labels[i].vi;
			en = labels[i].en;
		}
	bool missing = strcmp(err->code, "missing_field") == 0;
	snprintf(err->message_vi, sizeof err->message_vi,
	         missing ? "Chưa nhập %s" : "Giá trị ô %s không hợp lệ (quá dài hoặc có ký tự lạ)",
	         vi);
	snprintf(err->message_en, sizeof err->message_en,
	         missing ? "Enter %s" : "Check %s: too long or odd characters", en);
	char field[32];
	snprintf(field, sizeof field, "applicant.%s", key);
	*out = json_pack("{s:s}", "field", field);
	return rc;
}

/* A probable duplicate: the latest dossier inside who's scope of the same ID
 * number and procedure taken in (not refused) within
 * APPLICANT_DUPLICATE_DAYS before now. MC_OK with *dup set to {"code",
 * "intake_at", "status", "status_text"} when there is one (the caller frees
 * it), NULL when none; or the database error. On c, the intake's writer or
 * a check's reader. */
static enum mc_err dossier_duplicate_find(struct store_conn *c, const struct principal *who,
                                          const char *id_number, const char *procedure, int64_t now,
                                          json_t **dup, struct mc_error *err)
{
	/* Only the dossiers the clerk may see: another centre's is not named. */
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT d.code, d.intake_at, d.status FROM dossiers d"
	                  " JOIN procedures p ON p.id = d.procedure_id"
	                  " WHERE d.applicant_id_number = ?1 AND p.code = ?2 AND d.intake_at >= ?3"
	                  " AND d.status <> 'rejected_at_intake' AND " DOSSIER_SCOPE_SQL
	                  " ORDER BY d.intake_at DESC, d.id DESC LIMIT 1");
	*dup = NULL;
	if (s == NULL)
		return store_sql_error(c, "duplicate", err);
	store_dossier_bind_scope(s, who);
	sqlite3_bind_text(s, 1, id_number, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, procedure, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now - (int64_t)APPLICANT_DUPLICATE_DAYS * 86400);
	int step;
	if (store_next(s, &step)) {
		enum dossier_status status = DS_RECEIVED;
		dossier_status_parse(store_col_text(s, 2), &status);
		*dup =
		    json_pack("{s:s, s:I, s:s, s:s}", "code", store_col_text(s, 0), "intake_at",
		              (json_int_t)sqlite3_column_int64(s, 1), "status",
		              store_col_text(s, 2), "status_text", dossier_status_text_vi(status));
	}
	enum mc_err rc = store_scan_end(c, s, step, "duplicate", err);
	if (rc) {
		json_decref(*dup);
		*dup = NULL;
	}
	return rc;
}

/* The words of a probable duplicate of dup (dossier_duplicate_find's): err
 * filled with MC_ERR_CONFLICT probable_duplicate, which is returned. The
 * intake's refusal and the check's warning alike. */
static enum mc_err dossier_duplicate_error(const json_t *dup, struct mc_error *err)
{
	const char *code = json_string_value(json_object_get(dup, "code"));
	char vi[256];
	snprintf(vi, sizeof vi,
	         "Có thể trùng hồ sơ %s (cùng số định danh và thủ tục trong 30 ngày); "
	         "xác nhận để tiếp nhận",
	         code ? code : "");
	return mc_failf(err, MC_ERR_CONFLICT, "probable_duplicate", vi,
	                "Probably the same as dossier %s (same ID number and procedure within 30 "
	                "days); send confirm_duplicate: true to take it in",
	                code ? code : "");
}

/* An intake's request as dossier_intake_read checked it, then as
 * dossier_intake_resolve found it in the database: every rule of intake
 * lives in those two, shared by the intake and its check. The strings and
 * members point into the request, which must outlive it; the rest is freed
 * with dossier_intake_free. */
struct dossier_intake {
	const char *procedure, *outcome, *reason, *name, *id_number, *address, *phone, *email;
	json_t *applicant, *documents, *missing, *sets, *ticket, *confirm;
	char *consent; /* dossiers.notify (store_notify_consent's), or NULL; owned */
	bool received, supplement, refused;
	/* dossier_intake_resolve: */
	int64_t now;                    /* the instant of intake */
	struct procedure_row p;         /* p.body owned */
	struct dossier_offices offices; /* receiving centre, authority, return centre */
	int64_t due;                    /* the appointment (received only; else 0) */
	json_t *duplicate;              /* dossier_duplicate_find's, or NULL (owned) */
};

static void dossier_intake_free(struct dossier_intake *in)
{
	json_decref(in->p.body);
	json_decref(in->duplicate);
	in->p.body = in->duplicate = NULL;
	free(in->consent);
	in->consent = NULL;
}

/* The checks of req that need no database, in the order of their errors
 * (see store_dossier_intake); normalizes req's applicant.phone to
 * 0xxxxxxxxx. MC_OK with in filled, or MC_ERR_INVALID with err (and *out
 * {"field"} for the errors that name one). */
static enum mc_err dossier_intake_read(json_t *req, struct dossier_intake *in, json_t **out,
                                       struct mc_error *err)
{
	enum mc_err rc;
	in->applicant = json_object_get(req, "applicant");
	if ((rc = dossier_str(req, "procedure", true, 32, &in->procedure, err)) ||
	    (rc = dossier_str(req, "outcome", true, 16, &in->outcome, err)) ||
	    (rc = dossier_str(req, "reason", false, 1000, &in->reason, err)))
		return rc;
	if (!json_is_object(in->applicant))
		return mc_fail(err, MC_ERR_INVALID, "missing_field", "Thiếu thông tin người nộp",
		               "'applicant' (an object) is required");
	json_t *applicant = in->applicant;
	if ((rc = dossier_applicant_str(applicant, "name", true, APPLICANT_NAME_MAX, &in->name, out,
	                                err)) ||
	    (rc = dossier_applicant_str(applicant, "id_number", false, 20, &in->id_number, out,
	                                err)) ||
	    (rc =
	         dossier_applicant_str(applicant, "address", false, 300, &in->address, out, err)) ||
	    (rc = dossier_applicant_str(applicant, "phone", false, 20, &in->phone, out, err)) ||
	    (rc = dossier_applicant_str(applicant, "email", false, 200, &in->email, out, err)))
		return rc;
	const char *key;
	json_t *value;
	json_object_foreach(applicant, key, value)
	{
		static const char *const known[] = {"name",  "id_number", "address",
		                                    "phone", "email",     "notify"};
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok = ok || strcmp(known[i], key) == 0;
		if (!ok)
			return mc_fail(
			    err, MC_ERR_INVALID, "unknown_field",
			    "Thông tin người nộp có trường lạ",
			    "applicant takes name, id_number, address, phone, email, notify");
	}
	/* The applicant's ID, phone (kept in its normal form 0xxxxxxxxx) and
	 * e-mail by the rules of domain/applicant.h; the field is named. */
	char phone_norm[APPLICANT_PHONE_MAX];
	if (in->id_number && !applicant_id_number_valid(in->id_number))
		return dossier_field_error(out, err, "applicant.id_number", "invalid_id_number",
		                           "Số định danh (căn cước) phải gồm 12 chữ số, hoặc là số "
		                           "hộ chiếu (1-2 chữ cái in hoa và 6-8 chữ số, ví dụ "
		                           "C1234567)",
		                           "The ID number must be 12 digits (căn cước) or a "
		                           "passport number (1-2 capital letters and 6-8 digits, "
		                           "e.g. C1234567)");
	if (in->phone && !applicant_phone_normalize(in->phone, phone_norm))
		return dossier_field_error(out, err, "applicant.phone", "invalid_phone",
		                           "Số điện thoại không hợp lệ (ví dụ 0912345678 hoặc "
		                           "+84 912 345 678)",
		                           "The phone number must be a Vietnamese number "
		                           "(0912345678, +84 912 345 678)");
	if (in->email && !applicant_email_valid(in->email))
		return dossier_field_error(out, err, "applicant.email", "invalid_email",
		                           "Địa chỉ thư điện tử không hợp lệ",
		                           "The e-mail address is not valid");
	if (in->phone) {
		json_object_set_new(applicant, "phone", json_string(phone_norm));
		in->phone = json_string_value(json_object_get(applicant, "phone"));
	}
	in->confirm = json_object_get(req, "confirm_duplicate");
	if (in->confirm && !json_is_boolean(in->confirm))
		return dossier_field_error(out, err, "confirm_duplicate", "invalid_field",
		                           "Trường không hợp lệ",
		                           "confirm_duplicate must be true or false");
	in->received = strcmp(in->outcome, "received") == 0;
	in->supplement = strcmp(in->outcome, "supplement") == 0;
	in->refused = strcmp(in->outcome, "refused") == 0;
	if (!in->received && !in->supplement && !in->refused)
		return mc_fail(err, MC_ERR_INVALID, "invalid_outcome",
		               "Kết quả tiếp nhận phải là received, supplement hoặc refused",
		               "outcome must be received, supplement or refused");
	if ((rc = dossier_items(req, "documents", "name", "kind", 0, &in->documents, err)) ||
	    (rc = dossier_items(req, "missing", "item", "reason", in->supplement ? 1 : 0,
	                        &in->missing, err)))
		return rc;
	if (in->refused && in->reason == NULL)
		return mc_fail(err, MC_ERR_INVALID, "reason_required",
		               "Từ chối tiếp nhận phải nêu rõ lý do", "A refusal needs a reason");
	in->sets = json_object_get(req, "sets");
	if (in->sets && (!json_is_integer(in->sets) || json_integer_value(in->sets) < 1 ||
	                 json_integer_value(in->sets) > 100))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Số bộ hồ sơ không hợp lệ",
		               "'sets' must be 1-100");
	in->ticket = json_object_get(req, "ticket_id");
	if (in->ticket && !json_is_null(in->ticket) &&
	    (!json_is_integer(in->ticket) || json_integer_value(in->ticket) < 1))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Số phiếu không hợp lệ",
		               "'ticket_id' must be a ticket id");
	/* The channels the applicant accepts messages on (last: nothing to
	 * free on the errors above); kept in dossiers.notify, not in the
	 * applicant's object. */
	json_t *notify = json_object_get(applicant, "notify");
	if (notify) {
		if ((rc = store_notify_consent(notify, in->phone, in->email, &in->consent, err))) {
			*out = json_pack("{s:s}", "field", "applicant.notify");
			return rc;
		}
		json_object_del(applicant, "notify");
	}
	return MC_OK;
}

/* The checks of in (dossier_intake_read's) against the database on c (the
 * intake's writer inside its transaction, or a check's reader), reading
 * only: the procedure in force, the offices (dossier_intake_offices), the
 * ticket (a visit of who's own hall: another centre's is not found), the
 * appointment of a received dossier at this instant, and a probable
 * duplicate (in->duplicate, not an error here). MC_OK or the error. */
static enum mc_err dossier_intake_resolve(struct store *st, struct store_conn *c,
                                          const struct principal *who, json_t *req,
                                          struct dossier_intake *in, struct mc_error *err)
{
	enum mc_err rc;
	in->now = clock_now();
	if ((rc = dossier_procedure(c, in->procedure, &in->p, err)) ||
	    (rc = dossier_intake_offices(c, who, req, in->p.office[0] ? in->p.office : NULL,
	                                 &in->offices, err)))
		return rc;
	if (json_is_integer(in->ticket)) {
		sqlite3_stmt *s = store_stmt(c, "SELECT 1 FROM tickets t WHERE t.id = :id"
		                                " AND " SCOPE_SQL("t.office_id"));
		if (s == NULL)
			return store_sql_error(c, "ticket", err);
		sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":id"),
		                   json_integer_value(in->ticket));
		store_bind_scope(s, who);
		int step;
		bool found = store_next(s, &step);
		if ((rc = store_scan_end(c, s, step, "ticket", err)))
			return rc;
		if (!found)
			return mc_fail(err, MC_ERR_NOT_FOUND, "ticket_not_found",
			               "Không có phiếu này", "No such ticket");
	}
	if (in->received && (rc = dossier_due(st, in->p.unit, in->p.milli, in->now, &in->due, err)))
		return rc;
	if (in->id_number)
		return dossier_duplicate_find(c, who, in->id_number, in->procedure, in->now,
		                              &in->duplicate, err);
	return MC_OK;
}

enum mc_err store_dossier_intake_check(struct store *st, const struct principal *who, json_t *req,
                                       json_t **out, struct mc_error *err)
{
	struct dossier_intake in = {0};
	enum mc_err rc = dossier_intake_read(req, &in, out, err);
	if (rc)
		return rc;
	if ((rc = dossier_intake_resolve(st, store_read_conn(st), who, req, &in, err))) {
		dossier_intake_free(&in);
		return rc;
	}
	json_t *proc = json_is_object(in.p.body) ? json_deep_copy(in.p.body) : json_object();
	json_object_set_new(proc, "code", json_string(in.procedure));
	json_object_set_new(proc, "version", json_integer(in.p.version));
	json_t *warnings = json_array();
	if (in.duplicate) {
		struct mc_error w;
		dossier_duplicate_error(in.duplicate, &w);
		json_array_append_new(warnings,
		                      json_pack("{s:s, s:s, s:s, s:O}", "code", w.code, "message",
		                                w.message_vi, "message_en", w.message_en,
		                                "duplicate_of", in.duplicate));
	}
	char due_text[32];
	if (in.received)
		clock_office_text(in.due, due_text);
	*out = json_pack("{s:o, s:o, s:o, s:o, s:o}", "procedure", proc, "form",
	                 json_string(in.received     ? "mau-01"
	                             : in.supplement ? "mau-02"
	                                             : "mau-03"),
	                 "due_at", in.received ? json_integer(in.due) : json_null(), "due_text",
	                 in.received ? json_string(due_text) : json_null(), "warnings", warnings);
	dossier_intake_free(&in);
	return MC_OK;
}

enum mc_err store_dossier_intake(struct store *st, const struct principal *who, json_t *req,
                                 json_t **out, struct mc_error *err)
{
	struct dossier_intake in = {0};
	enum mc_err rc = dossier_intake_read(req, &in, out, err);
	if (rc)
		return rc;
	if ((rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	char code[96], secret[DOSSIER_SECRET_LEN + 1] = "", secret_hash[65] = "";
	bool received = in.received, supplement = in.supplement, refused = in.refused;
	int64_t now = 0, due = 0;

	if ((rc = dossier_intake_resolve(st, c, who, req, &in, err)))
		goto fail;
	now = in.now;
	due = in.due;
	if (in.duplicate && !json_is_true(in.confirm)) {
		*out = json_pack("{s:O}", "duplicate_of", in.duplicate);
		rc = dossier_duplicate_error(in.duplicate, err);
		goto fail;
	}
	if ((rc = dossier_next_code(c, in.offices.agency, now, code, sizeof code, err)))
		goto fail;
	if (!refused) {
		for (int i = 0; i < DOSSIER_SECRET_LEN; i++)
			secret[i] = dossier_secret_alphabet[randombytes_uniform(
			    sizeof dossier_secret_alphabet - 1)];
		secret[DOSSIER_SECRET_LEN] = '\0';
		store_secret_hash(code, secret, secret_hash);
	}
	enum dossier_status status = received     ? DS_RECEIVED
	                             : supplement ? DS_SUPPLEMENT_REQUESTED
	                                          : DS_REJECTED_AT_INTAKE;
	char *applicant_text = json_dumps(in.applicant, JSON_COMPACT | JSON_SORT_KEYS);
	json_t *no_docs = json_array();
	char *docs_text = json_dumps(in.documents ? in.documents : no_docs, JSON_COMPACT);
	json_decref(no_docs);
	char *pending_text = in.missing ? json_dumps(in.missing, JSON_COMPACT) : NULL;
	sqlite3_stmt *s = store_stmt(
	    c, "INSERT INTO dossiers (code, procedure_id, status, applicant, applicant_name,"
	       " applicant_phone, applicant_id_number, documents, sets, pending, reason,"
	       " intake_at, intake_by, received_at, due_at, first_due_at, finished_at,"
	       " secret_hash, ticket_id, holder_office, holder, intake_office_id, authority_id,"
	       " return_office_id, notify)"
	       " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?15,?16,?17,?18,"
	       " (SELECT code FROM offices WHERE id = ?20), ?19, ?20, ?21, ?22, ?23)");
	if (s == NULL) {
		rc = store_sql_error(c, "dossier", err);
	} else {
		sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, in.p.id);
		sqlite3_bind_text(s, 3, dossier_status_name(status), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, applicant_text, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, in.name, -1, SQLITE_STATIC);
		if (in.phone)
			sqlite3_bind_text(s, 6, in.phone, -1, SQLITE_STATIC);
		if (in.id_number)
			sqlite3_bind_text(s, 7, in.id_number, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 8, docs_text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 9, in.sets ? json_integer_value(in.sets) : 1);
		if (pending_text)
			sqlite3_bind_text(s, 10, pending_text, -1, SQLITE_STATIC);
		if (in.reason)
			sqlite3_bind_text(s, 11, in.reason, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 12, now);
		sqlite3_bind_text(s, 13, who->actor, -1, SQLITE_STATIC);
		if (received) {
			sqlite3_bind_int64(s, 14, now);
			sqlite3_bind_int64(s, 15, due);
		}
		if (refused)
			sqlite3_bind_int64(s, 16, now);
		if (!refused)
			sqlite3_bind_text(s, 17, secret_hash, -1, SQLITE_STATIC);
		if (json_is_integer(in.ticket))
			sqlite3_bind_int64(s, 18, json_integer_value(in.ticket));
		sqlite3_bind_text(s, 19, who->username, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 20, in.offices.intake_id);
		sqlite3_bind_int64(s, 21, in.offices.authority_id);
		sqlite3_bind_int64(s, 22, in.offices.return_id);
		if (in.consent)
			sqlite3_bind_text(s, 23, in.consent, -1, SQLITE_STATIC);
		rc = store_step(c, s, "dossier", err);
	}
	free(applicant_text);
	free(docs_text);
	free(pending_text);
	if (rc == MC_OK && received)
		rc = dossier_ledger_assign(c, code, now, err);
	char handover[64] = "";
	if (rc == MC_OK && received)
		rc = dossier_boundary_handover(st, c, who, code, now, &status, handover,
		                               sizeof handover, err);
	if (rc)
		goto fail;
	json_t *details = json_deep_copy(req);
	json_object_set_new(details, "code", json_string(code));
	if (handover[0])
		json_object_set_new(details, "handover_to", json_string(handover));
	json_object_set_new(details, "procedure_version", json_integer(in.p.id));
	json_object_set_new(details, "status", json_string(dossier_status_name(status)));
	json_object_set_new(details, "due_at", received ? json_integer(due) : json_null());
	rc = dossier_event(st, who, code, in.offices.intake_id,
	                   refused      ? "refused"
	                   : supplement ? "intake_supplement"
	                                : "received",
	                   details, err);
	json_decref(details);
	/* Telling the applicant who consented: received (with the secret,
	 * known only now) or every missing item. */
	if (rc == MC_OK && !refused)
		rc = store_notify_dossier(st, code, received ? "received" : "supplement", secret,
		                          who->actor, err);
	if (rc)
		goto fail;
	json_t *view = NULL;
	if ((rc = dossier_view(st, c, NULL, code, false, &view, err)))
		goto fail;
	dossier_intake_free(&in);
	if ((rc = store_commit(st, err))) {
		json_decref(view);
		return rc;
	}
	*out = json_pack("{s:o, s:s}", "dossier", view, "form",
	                 received     ? "mau-01"
	                 : supplement ? "mau-02"
	                              : "mau-03");
	if (!refused)
		json_object_set_new(*out, "secret", json_string(secret));
	return MC_OK;
fail:
	dossier_intake_free(&in);
	store_rollback(st);
	return rc;
}

/* ---- processing ---------------------------------------------------------- */

/* The budget in working seconds of office's step, from the procedure's
 * "steps" ([{"office","days"}]); -1 when the procedure sets none. */
static int64_t dossier_step_budget(struct store *st, struct store_conn *c, int64_t procedure_id,
                                   const char *office)
{
	int64_t budget = -1;
	sqlite3_stmt *s = store_stmt(c, "SELECT body FROM procedures WHERE id = ?");
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, procedure_id);
	json_t *body = NULL;
	if (sqlite3_step(s) == SQLITE_ROW)
		body = json_loads(store_col_text(s, 0), 0, NULL);
	sqlite3_reset(s);
	size_t i;
	json_t *step;
	json_array_foreach(json_object_get(body, "steps"), i, step)
	{
		const char *o = json_string_value(json_object_get(step, "office"));
		json_t *days = json_object_get(step, "days");
		if (o && strcmp(o, office) == 0 && json_is_number(days))
			budget = (int64_t)(json_number_value(days) *
			                   (double)store_calendar_day_seconds(st));
	}
	json_decref(body);
	return budget;
}

/* Ends the open step of dossier d at now: the working time spent, and early /
 * on time / late against the step's budget. */
static enum mc_err dossier_end_step(struct store *st, struct store_conn *c,
                                    const struct dossier_row *d, int64_t now, struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(c, "SELECT id, given_at, budget_seconds FROM dossier_steps"
	                                " WHERE dossier_id = ? AND ended_at IS NULL");
	if (s == NULL)
		return store_sql_error(c, "step", err);
	sqlite3_bind_int64(s, 1, d->id);
	int64_t id = 0, given = 0, budget = -1;
	int step;
	if (store_next(s, &step)) {
		id = sqlite3_column_int64(s, 0);
		given = sqlite3_column_int64(s, 1);
		budget = sqlite3_column_type(s, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 2);
	}
	enum mc_err rc = store_scan_end(c, s, step, "step", err);
	if (rc || id == 0)
		return rc;
	int64_t spent = 0;
	rc = store_calendar_between(st, given, now, &spent, err);
	if (rc)
		return rc;
	s = store_stmt(c, "UPDATE dossier_steps SET ended_at = ?1, spent_seconds = ?2, result = ?3"
	                  " WHERE id = ?4");
	if (s == NULL)
		return store_sql_error(c, "step", err);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, spent);
	if (budget >= 0)
		sqlite3_bind_text(s, 3,
		                  dossier_timing_name(dossier_timing_of(
		                      spent, budget, store_calendar_day_seconds(st))),
		                  -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, id);
	return store_step(c, s, "step", err);
}

/* Starts the step of office (receiver: a person of it, else the office)
 * for dossier d at now and makes it the holder. The step's budget is the
 * procedure's for office, else fallback (working seconds; -1: none).
 * Writer connection, inside the caller's transaction. */
static enum mc_err dossier_start_step(struct store *st, struct store_conn *c,
                                      const struct dossier_row *d, const struct principal *who,
                                      const char *office, const char *receiver, const char *note,
                                      int64_t fallback, int64_t now, struct mc_error *err)
{
	int64_t budget = dossier_step_budget(st, c, d->procedure_id, office);
	if (budget < 0)
		budget = fallback;
	sqlite3_stmt *s = store_stmt(c, "INSERT INTO dossier_steps (dossier_id, office, giver,"
	                                " receiver, given_at, budget_seconds, note)"
	                                " VALUES (?,?,?,?,?,?,?)");
	if (s == NULL)
		return store_sql_error(c, "step", err);
	sqlite3_bind_int64(s, 1, d->id);
	sqlite3_bind_text(s, 2, office, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, who->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, receiver ? receiver : office, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, now);
	if (budget >= 0)
		sqlite3_bind_int64(s, 6, budget);
	if (note)
		sqlite3_bind_text(s, 7, note, -1, SQLITE_STATIC);
	enum mc_err rc = store_step(c, s, "step", err);
	if (rc)
		return rc;
	s = store_stmt(c, "UPDATE dossiers SET holder_office = ?, holder = ? WHERE id = ?");
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	sqlite3_bind_text(s, 1, office, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, receiver ? receiver : office, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, d->id);
	return store_step(c, s, "dossier", err);
}

/* The budget of the competent office's row after a hand-over between
 * centres, when the procedure names no step for it: the working time left
 * from now to the dossier's due instant (the office answers for the rest of
 * the legal time); -1 (no budget) while the dossier has no due instant. */
static int64_t dossier_handover_budget(struct store *st, const struct dossier_row *d, int64_t now)
{
	int64_t left = 0;
	if (d->due_at <= 0 || store_calendar_between(st, now, d->due_at, &left, NULL) != MC_OK)
		return -1;
	return left > 0 ? left : 0;
}

/* Boundary-free intake (docs/province.md): a dossier received for an
 * authority that the receiving office does not belong to is handed over at
 * once to the authority's processing office (the procedure's own office when
 * it lies below the authority, else the authority's first processing office,
 * else the authority), a control-sheet step budgeted like any other (the
 * procedure's step, else the legal time left: dossier_handover_budget). The hand-over moves the
 * status as a handover action does: *status (the status the dossier is
 * written with) becomes in_process when it was received, and the row
 * follows. Nothing when the authority is the receiving centre's own or the
 * dossier has a step already. to gets the office code handed to ("" when
 * none). Writer connection, inside the caller's transaction. */
static enum mc_err dossier_boundary_handover(struct store *st, struct store_conn *c,
                                             const struct principal *who, const char *code,
                                             int64_t now, enum dossier_status *status, char *to,
                                             size_t tolen, struct mc_error *err)
{
	struct dossier_row d;
	enum mc_err rc = dossier_load(c, NULL, code, &d, err);
	if (rc)
		return rc;
	to[0] = '\0';
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT coalesce((SELECT po.code FROM procedures p JOIN offices po"
	                  "  ON po.code = p.office JOIN office_paths op ON op.office_id = po.id"
	                  "  WHERE p.id = ?3 AND op.ancestor_id = ?1),"
	                  " (SELECT code FROM offices WHERE parent_id = ?1 AND kind = 'internal'"
	                  "  AND active = 1 ORDER BY sort, id LIMIT 1), a.code)"
	                  " FROM offices a WHERE a.id = ?1 AND a.kind = 'authority'"
	                  " AND NOT EXISTS (SELECT 1 FROM office_paths WHERE ancestor_id = ?1"
	                  "  AND office_id = ?2)"
	                  " AND NOT EXISTS (SELECT 1 FROM dossier_steps WHERE dossier_id = ?4)");
	if (s == NULL)
		return store_sql_error(c, "step", err);
	sqlite3_bind_int64(s, 1, d.authority_id);
	sqlite3_bind_int64(s, 2, d.intake_office_id);
	sqlite3_bind_int64(s, 3, d.procedure_id);
	sqlite3_bind_int64(s, 4, d.id);
	int step;
	if (store_next(s, &step))
		snprintf(to, tolen, "%s", store_col_text(s, 0));
	if ((rc = store_scan_end(c, s, step, "step", err)) || to[0] == '\0')
		return rc;
	if ((rc = dossier_start_step(st, c, &d, who, to, NULL, NULL,
	                             dossier_handover_budget(st, &d, now), now, err)))
		return rc;
	if (*status != DS_RECEIVED)
		return MC_OK;
	*status = DS_IN_PROCESS;
	s = store_stmt(c, "UPDATE dossiers SET status = ? WHERE id = ?");
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	sqlite3_bind_text(s, 1, dossier_status_name(*status), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, d.id);
	return store_step(c, s, "dossier", err);
}

static enum mc_err dossier_office_known(struct store_conn *c, const char *code, bool partner,
                                        struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(c, "SELECT kind FROM offices WHERE code = ?");
	if (s == NULL)
		return store_sql_error(c, "office", err);
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	bool found = false, is_partner = false;
	int step;
	if (store_next(s, &step)) {
		found = true;
		is_partner = strcmp(store_col_text(s, 0), "partner") == 0;
	}
	enum mc_err rc = store_scan_end(c, s, step, "office", err);
	if (rc)
		return rc;
	if (!found)
		return mc_failf(err, MC_ERR_NOT_FOUND, "office_not_found", "Không có cơ quan này",
		                "No office '%.40s'", code);
	if (partner && !is_partner)
		return mc_failf(err, MC_ERR_INVALID, "not_a_partner",
		                "Đây không phải cơ quan phối hợp liên thông",
		                "'%.40s' is not a partner agency", code);
	return MC_OK;
}

/* Whether person may be named as the receiver of a hand-over to office: an
 * active user (not an administrator) of office, of an office below it, or
 * of an office above it short of the province (e.g. the specialists of a
 * single centre, whose processing offices hang below it; a commune's
 * supervisor). MC_OK when so; MC_ERR_INVALID invalid_field with *out =
 * {"field":"to_person"} when not (an unknown username and another office's
 * user alike: nothing tells which); a database error. */
static enum mc_err dossier_person_of(struct store_conn *c, const char *office, const char *person,
                                     json_t **out, struct mc_error *err)
{
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT 1 FROM users u JOIN offices uo ON uo.id = u.office_id"
	                  " JOIN offices o ON o.code = ?2"
	                  " WHERE u.username = ?1 AND u.active = 1 AND u.role <> 'admin'"
	                  " AND uo.kind <> 'province'"
	                  " AND (EXISTS (SELECT 1 FROM office_paths WHERE office_id = uo.id AND "
	                  "ancestor_id = o.id)"
	                  " OR EXISTS (SELECT 1 FROM office_paths WHERE office_id = o.id AND "
	                  "ancestor_id = uo.id))");
	if (s == NULL)
		return store_sql_error(c, "user", err);
	sqlite3_bind_text(s, 1, person, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, office, -1, SQLITE_STATIC);
	int step;
	bool found = store_next(s, &step);
	enum mc_err rc = store_scan_end(c, s, step, "user", err);
	if (rc || found)
		return rc;
	return dossier_field_error(out, err, "to_person", "invalid_field",
	                           "Người nhận không phải cán bộ của đơn vị nhận hồ sơ",
	                           "to_person must be an active user of to_office");
}

/* An instant given as epoch seconds or as ISO 8601 (civil_parse_instant:
 * office time when no offset is given), within 2000-2100. */
static bool dossier_instant(json_t *v, int64_t *out)
{
	int year = 0;
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return *out > 0;
	}
	return civil_parse_instant(json_string_value(v), CLOCK_OFFICE_UTC_OFFSET, out, &year) ==
	           CIVIL_INSTANT_OK &&
	       year >= 2000 && year <= 2100;
}

/* When processing ends at now, keeps what the indicators read
 * (store/indicators.c): the working seconds of processing, pauses excluded,
 * and the timing against the due instant (late past it, else
 * dossier_timing_of: the same rule as the staff view's "timing"). Nothing
 * for a dossier whose clock never started. */
static enum mc_err dossier_keep_timing(struct store *st, struct store_conn *c,
                                       const struct dossier_row *d, int64_t now,
                                       struct mc_error *err)
{
	if (d->received_at == 0 || d->due_at == 0)
		return MC_OK;
	int64_t spent = 0, budget = 0, paused = d->paused_seconds, open_pause = 0;
	enum mc_err rc;
	if ((rc = store_calendar_between(st, d->received_at, now, &spent, err)) ||
	    (rc = store_calendar_between(st, d->received_at, d->due_at, &budget, err)))
		return rc;
	if (d->paused_at && (rc = store_calendar_between(st, d->paused_at, now, &open_pause, err)))
		return rc;
	paused += open_pause;
	enum dossier_timing t =
	    now > d->due_at ? DT_LATE
	                    : dossier_timing_of(spent, budget, store_calendar_day_seconds(st));
	sqlite3_stmt *s = store_stmt(c, "UPDATE dossiers SET work_seconds = ?1, timing = ?2"
	                                " WHERE id = ?3");
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	sqlite3_bind_int64(s, 1, spent - paused > 0 ? spent - paused : 0);
	sqlite3_bind_text(s, 2, dossier_timing_name(t), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, d->id);
	return store_step(c, s, "dossier", err);
}

enum mc_err store_dossier_act(struct store *st, const struct principal *who, const char *code,
                              json_t *req, json_t **out, struct mc_error *err)
{
	const char *action_s, *office = NULL, *person = NULL, *note = NULL, *reason = NULL;
	const char *partner = NULL, *collected_by = NULL;
	json_t *items = NULL;
	int64_t new_due = 0;
	/* The office a supplement completing an intake hands the dossier to at
	 * once (another authority's dossier), named in its event; "" when none. */
	char handover[64] = "";
	enum dossier_action action;
	enum mc_err rc;

	if ((rc = dossier_str(req, "action", true, 32, &action_s, err)))
		return rc;
	if (!dossier_action_parse(action_s, &action))
		return mc_failf(err, MC_ERR_INVALID, "unknown_action", "Thao tác không hợp lệ",
		                "Unknown action '%.32s'", action_s);
	if ((rc = dossier_str(req, "note", false, 1000, &note, err)) ||
	    (rc = dossier_str(req, "reason", false, 1000, &reason, err)))
		return rc;
	/* Each action's own input, checked before anything is locked. */
	switch (action) {
	case DA_HANDOVER:
		if ((rc = dossier_str(req, "to_office", true, 32, &office, err)) ||
		    (rc = dossier_str(req, "to_person", false, 64, &person, err)))
			return rc;
		break;
	case DA_REQUEST_SUPPLEMENT:
		if ((rc = dossier_items(req, "items", "item", "reason", 1, &items, err)))
			return rc;
		break;
	case DA_SEND_INTERAGENCY:
		if ((rc = dossier_str(req, "partner", true, 32, &partner, err)))
			return rc;
		break;
	case DA_APOLOGIZE:
		if (reason == NULL)
			return mc_fail(err, MC_ERR_INVALID, "reason_required",
			               "Văn bản xin lỗi phải nêu lý do",
			               "An apology needs a reason");
		if (!dossier_instant(json_object_get(req, "new_due"), &new_due))
			return mc_fail(err, MC_ERR_INVALID, "invalid_new_due",
			               "Ngày hẹn mới không hợp lệ",
			               "'new_due' must be epoch seconds or YYYY-MM-DDTHH:MM+07:00");
		break;
	case DA_RETURN_INELIGIBLE:
	case DA_WITHDRAW:
	case DA_CANCEL:
		if (reason == NULL)
			return mc_fail(err, MC_ERR_INVALID, "reason_required", "Phải nêu rõ lý do",
			               "This action needs a reason");
		break;
	case DA_RETURN_RESULT:
		if ((rc = dossier_str(req, "collected_by", true, 200, &collected_by, err)))
			return rc;
		if (!json_is_true(json_object_get(req, "id_checked")))
			return mc_fail(
			    err, MC_ERR_INVALID, "identity_not_checked",
			    "Phải kiểm tra giấy tờ tùy thân người nhận",
			    "The collector's identity must be checked (id_checked: true)");
		break;
	default: break;
	}

	if ((rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	struct dossier_row d;
	int64_t now = clock_now();
	enum dossier_status next;
	const char *why;
	if ((rc = dossier_load(c, who, code, &d, err)))
		goto fail;
	struct dossier_state state = {.status = d.status,
	                              .clock_started = d.received_at != 0,
	                              .apologized = d.apology_at != 0,
	                              .due_at = d.due_at};
	if (!dossier_transition(&state, action, who->role, now, &next, &why)) {
		if (strcmp(why, "forbidden_role") == 0)
			rc = mc_failf(err, MC_ERR_FORBIDDEN, "forbidden",
			              "Vai trò của bạn không được làm việc này",
			              "Your role may not %s", action_s);
		else if (strcmp(why, "apology_once") == 0)
			rc = mc_fail(err, MC_ERR_CONFLICT, why,
			             "Chỉ được xin lỗi và hẹn lại một lần",
			             "An apology was already issued");
		else if (strcmp(why, "apology_after_due") == 0)
			rc = mc_fail(err, MC_ERR_CONFLICT, why,
			             "Đã quá hạn: văn bản xin lỗi phải gửi trước ngày hẹn",
			             "Too late: an apology must come before the due instant");
		else
			rc = mc_failf(err, MC_ERR_CONFLICT, "action_not_allowed",
			              "Trạng thái hồ sơ không cho phép thao tác này",
			              "'%s' is not allowed while the dossier is %s", action_s,
			              dossier_status_name(d.status));
		goto fail;
	}
	enum dossier_place place = dossier_action_place(action);
	if ((place == DP_HOLDER && !d.holder_here) ||
	    (place == DP_INTAKE_OR_HOLDER && !d.holder_here && !d.intake_here)) {
		/* Visible (one of its four offices is the caller's) but another
		 * office holds it: processing is the holder's (docs/province.md,
		 * "Who acts on a dossier"). */
		rc = mc_failf(err, MC_ERR_CONFLICT, "not_holder",
		              "Hồ sơ đang do đơn vị khác giải quyết, bạn không thể thao tác",
		              "The dossier is held by another office (%.40s)", d.holder_office);
		goto fail;
	}
	if (action == DA_RETURN_RESULT && !d.return_here) {
		/* The result waits where the citizen chose to collect it. */
		char vi[400];
		snprintf(vi, sizeof vi, "Kết quả được trả tại %s", d.return_name);
		rc = mc_failf(err, MC_ERR_CONFLICT, "return_elsewhere", vi,
		              "The result is returned at another centre (%s)", d.return_name);
		goto fail;
	}
	if (action == DA_APOLOGIZE && new_due <= d.due_at) {
		rc = mc_fail(err, MC_ERR_INVALID, "invalid_new_due",
		             "Ngày hẹn mới phải sau ngày hẹn cũ",
		             "The new appointment must be after the current one");
		goto fail;
	}

	/* What each action changes besides the status. */
	const char *extra_sql = NULL;
	switch (action) {
	case DA_HANDOVER:
		if ((rc = dossier_office_known(c, office, false, err)) ||
		    (person && (rc = dossier_person_of(c, office, person, out, err))) ||
		    (rc = dossier_end_step(st, c, &d, now, err)) ||
		    (rc = dossier_start_step(st, c, &d, who, office, person, note, -1, now, err)))
			goto fail;
		break;
	case DA_SEND_INTERAGENCY:
		if ((rc = dossier_office_known(c, partner, true, err)) ||
		    (rc = dossier_end_step(st, c, &d, now, err)) ||
		    (rc = dossier_start_step(st, c, &d, who, partner, NULL, note, -1, now, err)))
			goto fail;
		break;
	case DA_PARTNER_RETURNED:
		if ((rc = dossier_end_step(st, c, &d, now, err)))
			goto fail;
		break;
	case DA_REQUEST_SUPPLEMENT: {
		char *text = json_dumps(items, JSON_COMPACT);
		sqlite3_stmt *s = store_stmt(c, "UPDATE dossiers SET pending = ?1, paused_at = ?2,"
		                                " supplements = supplements + 1 WHERE id = ?3");
		if (s == NULL) {
			free(text);
			rc = store_sql_error(c, "dossier", err);
			goto fail;
		}
		sqlite3_bind_text(s, 1, text, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 2, now);
		sqlite3_bind_int64(s, 3, d.id);
		rc = store_step(c, s, "dossier", err);
		free(text);
		if (rc)
			goto fail;
		break;
	}
	case DA_SUPPLEMENT_RECEIVED: {
		int64_t due = d.due_at, paused = 0, received = d.received_at;
		if (d.received_at == 0) {
			/* Complete at intake at last: the clock starts now. */
			struct procedure_row p = {0};
			sqlite3_stmt *q =
			    store_stmt(c, "SELECT time_unit, time_milli FROM procedures"
			                  " WHERE id = ?");
			if (q == NULL) {
				rc = store_sql_error(c, "procedure", err);
				goto fail;
			}
			sqlite3_bind_int64(q, 1, d.procedure_id);
			int step;
			if (store_next(q, &step)) {
				snprintf(p.unit, sizeof p.unit, "%s", store_col_text(q, 0));
				p.milli = sqlite3_column_int64(q, 1);
			}
			if ((rc = store_scan_end(c, q, step, "procedure", err)))
				goto fail;
			received = now;
			if ((rc = dossier_due(st, p.unit, p.milli, now, &due, err)))
				goto fail;
		} else {
			/* The due instant moves by the working time paused. */
			if ((rc = store_calendar_between(st, d.paused_at, now, &paused, err)) ||
			    (rc = store_calendar_add(st, d.due_at, paused, &due, err)))
				goto fail;
		}
		sqlite3_stmt *s = store_stmt(
		    c, "UPDATE dossiers SET pending = NULL, paused_at = NULL,"
		       " paused_seconds = paused_seconds + ?1, due_at = ?2, received_at = ?3,"
		       " first_due_at = coalesce(first_due_at, ?2) WHERE id = ?4");
		if (s == NULL) {
			rc = store_sql_error(c, "dossier", err);
			goto fail;
		}
		sqlite3_bind_int64(s, 1, paused);
		sqlite3_bind_int64(s, 2, due);
		sqlite3_bind_int64(s, 3, received);
		sqlite3_bind_int64(s, 4, d.id);
		if ((rc = store_step(c, s, "dossier", err)) ||
		    (rc = dossier_ledger_assign(c, code, received, err)) ||
		    (d.received_at == 0 &&
		     (rc = dossier_boundary_handover(st, c, who, code, now, &next, handover,
		                                     sizeof handover, err))))
			goto fail;
		break;
	}
	case DA_APOLOGIZE: {
		sqlite3_stmt *s =
		    store_stmt(c, "UPDATE dossiers SET apology_at = ?1,"
		                  " apology_due_at = ?2, apology_reason = ?3 WHERE id = ?4");
		if (s == NULL) {
			rc = store_sql_error(c, "dossier", err);
			goto fail;
		}
		sqlite3_bind_int64(s, 1, now);
		sqlite3_bind_int64(s, 2, new_due);
		sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, d.id);
		if ((rc = store_step(c, s, "dossier", err)))
			goto fail;
		break;
	}
	case DA_RESULT_READY:
	case DA_RETURN_INELIGIBLE:
	case DA_WITHDRAW:
	case DA_CANCEL:
		if ((rc = dossier_end_step(st, c, &d, now, err)) ||
		    (rc = dossier_keep_timing(st, c, &d, now, err)))
			goto fail;
		extra_sql = "UPDATE dossiers SET finished_at = ?1, reason = coalesce(?2, reason),"
		            " paused_at = NULL, holder = NULL, holder_office = coalesce((SELECT"
		            " code FROM offices WHERE id = return_office_id), holder_office)"
		            " WHERE id = ?3";
		break;
	case DA_RETURN_RESULT:
		extra_sql = "UPDATE dossiers SET returned_at = ?1, returned_to = ?2 WHERE id = ?3";
		break;
	default: break;
	}
	if (extra_sql) {
		sqlite3_stmt *s = store_stmt(c, extra_sql);
		if (s == NULL) {
			rc = store_sql_error(c, "dossier", err);
			goto fail;
		}
		sqlite3_bind_int64(s, 1, now);
		const char *text = action == DA_RETURN_RESULT ? collected_by : reason;
		if (text)
			sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, d.id);
		if ((rc = store_step(c, s, "dossier", err)))
			goto fail;
	}
	sqlite3_stmt *s = store_stmt(c, "UPDATE dossiers SET status = ? WHERE id = ?");
	if (s == NULL) {
		rc = store_sql_error(c, "dossier", err);
		goto fail;
	}
	sqlite3_bind_text(s, 1, dossier_status_name(next), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, d.id);
	if ((rc = store_step(c, s, "dossier", err)))
		goto fail;
	/* The event carries the state it leaves behind, so audit-verify can
	 * tell a row edited behind the chain's back. */
	int64_t due_after = 0;
	sqlite3_stmt *q = store_stmt(c, "SELECT due_at FROM dossiers WHERE id = ?");
	if (q == NULL) {
		rc = store_sql_error(c, "dossier", err);
		goto fail;
	}
	int qstep;
	sqlite3_bind_int64(q, 1, d.id);
	if (store_next(q, &qstep))
		due_after = sqlite3_column_int64(q, 0);
	if ((rc = store_scan_end(c, q, qstep, "dossier", err)))
		goto fail;
	json_t *details = json_deep_copy(req);
	json_object_set_new(details, "from", json_string(dossier_status_name(d.status)));
	json_object_set_new(details, "status", json_string(dossier_status_name(next)));
	json_object_set_new(details, "due_at", due_after ? json_integer(due_after) : json_null());
	if (handover[0])
		json_object_set_new(details, "handover_to", json_string(handover));
	rc = dossier_event(st, who, code, d.intake_office_id, action_s, details, err);
	json_decref(details);
	if (rc)
		goto fail;
	/* Telling the applicant who consented (store/notify_scan.h): received
	 * when a supplement completes the intake (the clock starts), every item
	 * asked for, the apology with its new appointment, the result ready. */
	const char *trigger = action == DA_SUPPLEMENT_RECEIVED
	                          ? (d.received_at == 0 ? "received" : NULL)
	                      : action == DA_REQUEST_SUPPLEMENT ? "supplement"
	                      : action == DA_APOLOGIZE          ? "apology"
	                      : action == DA_RESULT_READY       ? "result_ready"
	                                                        : NULL;
	if (trigger && (rc = store_notify_dossier(st, d.code, trigger, NULL, who->actor, err)))
		goto fail;
	/* The view after the action, unscoped: a hand-over may just have taken
	 * the dossier out of the actor's scope. */
	json_t *view = NULL;
	if ((rc = dossier_view(st, c, NULL, code, false, &view, err)))
		goto fail;
	if ((rc = store_commit(st, err))) {
		json_decref(view);
		return rc;
	}
	*out = json_pack("{s:o}", "dossier", view);
	return MC_OK;
fail:
	store_rollback(st);
	return rc;
}

/* The instant an office date YYYY-MM-DD begins. */
static bool dossier_day_start(const char *date, int64_t *out)
{
	return date != NULL && strlen(date) == 10 &&
	       civil_parse_instant(date, CLOCK_OFFICE_UTC_OFFSET, out, NULL) == CIVIL_INSTANT_OK;
}

/* ---- views --------------------------------------------------------------- */

static json_t *opt_int(sqlite3_stmt *s, int col)
{
	return sqlite3_column_type(s, col) == SQLITE_NULL
	           ? json_null()
	           : json_integer(sqlite3_column_int64(s, col));
}

static json_t *opt_text(sqlite3_stmt *s, int col)
{
	return sqlite3_column_type(s, col) == SQLITE_NULL ? json_null()
	                                                  : json_string(store_col_text(s, col));
}

static json_t *opt_json(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return json_null();
	json_t *j = json_loads(store_col_text(s, col), 0, NULL);
	return j ? j : json_null();
}

/* Lateness is derived from times, never typed in. The clock stops when the
 * result is ready or processing ends (finished_at), and while a supplement is
 * awaited (paused_at); otherwise it runs to now. */
static json_t *dossier_timing(struct store *st, enum dossier_status status, int64_t received,
                              int64_t due, int64_t paused_at, int64_t finished, int64_t now)
{
	if (received == 0 || due == 0)
		return json_null();
	int64_t ref = finished ? finished : paused_at ? paused_at : now;
	int64_t over = 0, day = store_calendar_day_seconds(st);
	bool late = ref > due;
	if (late && store_calendar_between(st, due, ref, &over, NULL) != MC_OK)
		over = 0;
	json_t *t = json_pack("{s:b, s:I, s:f, s:f}", "late", late, "late_seconds",
	                      (json_int_t)over, "late_working_days", (double)over / (double)day,
	                      "late_working_hours", (double)over / 3600.0);
	bool open = !dossier_status_final(status) && status != DS_RESULT_READY;
	bool risk = false;
	if (open && !late && dossier_status_clock_runs(status)) {
		int64_t remaining = 0, total = 0;
		if (store_calendar_between(st, now, due, &remaining, NULL) == MC_OK &&
		    store_calendar_between(st, received, due, &total, NULL) == MC_OK) {
			int share = (int)store_setting_int(st, "at_risk_permille", 200);
			risk = dossier_at_risk(remaining, total, share);
			json_object_set_new(t, "remaining_seconds", json_integer(remaining));
		}
	}
	json_object_set_new(t, "at_risk", json_boolean(risk));
	if (finished && !late) {
		int64_t spent = 0, budget = 0;
		if (store_calendar_between(st, received, finished, &spent, NULL) == MC_OK &&
		    store_calendar_between(st, received, due, &budget, NULL) == MC_OK)
			json_object_set_new(t, "result",
			                    json_string(dossier_timing_name(
			                        dossier_timing_of(spent, budget, day))));
	} else if (finished) {
		json_object_set_new(t, "result", json_string("late"));
	}
	return t;
}

// clang-format off
#define DOSSIER_COLUMNS                                                                            \
	"d.code, p.code, p.version, p.name, p.field, d.status, d.applicant, d.documents,"          \
	" d.sets, d.pending, d.reason, d.intake_at, d.received_at, d.due_at, d.first_due_at,"      \
	" d.paused_at, d.paused_seconds, d.supplements, d.apology_at, d.apology_due_at,"           \
	" d.apology_reason, d.finished_at, d.returned_at, d.returned_to, d.holder_office,"         \
	" d.holder, d.ticket_id, d.intake_by, d.id, d.channel, d.ledger_book, d.ledger_line,"      \
	" (SELECT json_object('username', u.username, 'full_name', u.full_name, 'title',"          \
	" u.title) FROM users u WHERE d.intake_by = 'user:' || u.id),"                             \
	" " DOSSIER_OFFICE_JSON("d.intake_office_id") ","                                          \
	" " DOSSIER_OFFICE_JSON("d.authority_id") ","                                              \
	" " DOSSIER_OFFICE_JSON("d.return_office_id") ","                                         \
	" (SELECT full_name FROM users WHERE username = d.holder)"
// clang-format on

/* The office of id column col as {code, name, address, hours}, or NULL. */
#define DOSSIER_OFFICE_JSON(col)                                                                   \
	"(SELECT json_object('code', o.code, 'name', o.name, 'address', o.address, 'hours',"       \
	" o.hours) FROM offices o WHERE o.id = " col ")"

/* One row of DOSSIER_COLUMNS as the staff view. */
static json_t *dossier_row_json(struct store *st, sqlite3_stmt *s, int64_t now)
{
	enum dossier_status status = DS_RECEIVED;
	dossier_status_parse(store_col_text(s, 5), &status);
	json_t *apology =
	    sqlite3_column_type(s, 18) == SQLITE_NULL
	        ? json_null()
	        : json_pack("{s:I, s:I, s:s}", "at", (json_int_t)sqlite3_column_int64(s, 18),
	                    "new_due_at", (json_int_t)sqlite3_column_int64(s, 19), "reason",
	                    store_col_text(s, 20));
	json_t *v = json_pack(
	    "{s:s, s:{s:s, s:i, s:s, s:s}, s:s, s:s, s:o, s:o, s:I, s:o, s:o, s:I, s:o,"
	    " s:o, s:o, s:b, s:I, s:I, s:o, s:o, s:o, s:o}",
	    "code", store_col_text(s, 0), "procedure", "code", store_col_text(s, 1), "version",
	    sqlite3_column_int(s, 2), "name", store_col_text(s, 3), "field", store_col_text(s, 4),
	    "status", store_col_text(s, 5), "status_text", dossier_status_text_vi(status),
	    "applicant", opt_json(s, 6), "documents", opt_json(s, 7), "sets",
	    (json_int_t)sqlite3_column_int64(s, 8), "pending", opt_json(s, 9), "reason",
	    opt_text(s, 10), "intake_at", (json_int_t)sqlite3_column_int64(s, 11), "received_at",
	    opt_int(s, 12), "due_at", opt_int(s, 13), "first_due_at", opt_int(s, 14), "paused",
	    sqlite3_column_type(s, 15) != SQLITE_NULL, "paused_seconds",
	    (json_int_t)sqlite3_column_int64(s, 16), "supplements",
	    (json_int_t)sqlite3_column_int64(s, 17), "apology", apology, "finished_at",
	    opt_int(s, 21), "returned_at", opt_int(s, 22), "holder",
	    json_pack("{s:o, s:o, s:o}", "office", opt_text(s, 24), "person", opt_text(s, 36),
	              "username",
	              sqlite3_column_type(s, 36) == SQLITE_NULL ? json_null() : opt_text(s, 25)));
	json_object_set_new(v, "returned_to", opt_text(s, 23));
	json_object_set_new(v, "ticket_id", opt_int(s, 26));
	json_object_set_new(v, "received_by", json_string(store_col_text(s, 27)));
	json_object_set_new(v, "channel", json_string(store_col_text(s, 29)));
	json_object_set_new(v, "ledger",
	                    sqlite3_column_type(s, 30) == SQLITE_NULL
	                        ? json_null()
	                        : json_pack("{s:I, s:I}", "book",
	                                    (json_int_t)sqlite3_column_int64(s, 30), "line",
	                                    (json_int_t)sqlite3_column_int64(s, 31)));
	json_object_set_new(v, "received_by_user", opt_json(s, 32));
	json_object_set_new(v, "intake_office", opt_json(s, 33));
	json_object_set_new(v, "authority", opt_json(s, 34));
	json_object_set_new(v, "return_office", opt_json(s, 35));
	json_object_set_new(v, "timing",
	                    dossier_timing(st, status, sqlite3_column_int64(s, 12),
	                                   sqlite3_column_int64(s, 13), sqlite3_column_int64(s, 15),
	                                   sqlite3_column_int64(s, 21), now));
	return v;
}

/* The dossier's events, oldest first: *out gets a new array, each event with
 * actor_name, the full name of the member of staff who acted (null for a
 * device, the public or a user since removed). On a database error returns
 * it (err filled) and leaves *out untouched. */
static enum mc_err dossier_history(struct store_conn *c, const char *code, json_t **out,
                                   struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT e.id, e.at, e.actor, e.action, e.details,"
	       " (SELECT u.full_name FROM users u WHERE e.actor GLOB 'user:[0-9]*'"
	       "  AND u.id = CAST(substr(e.actor, 6) AS INTEGER))"
	       " FROM events e WHERE e.entity = 'dossier' AND e.entity_id = ? ORDER BY e.id");
	if (s == NULL)
		return store_sql_error(c, "dossier history", err);
	json_t *h = json_array();
	int step;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	while (store_next(s, &step))
		json_array_append_new(h, json_pack("{s:I, s:I, s:s, s:o, s:s, s:o}", "event",
		                                   (json_int_t)sqlite3_column_int64(s, 0), "at",
		                                   (json_int_t)sqlite3_column_int64(s, 1), "actor",
		                                   store_col_text(s, 2), "actor_name",
		                                   opt_text(s, 5), "action", store_col_text(s, 3),
		                                   "details", opt_json(s, 4)));
	enum mc_err rc = store_scan_end(c, s, step, "dossier history", err);
	if (rc)
		json_decref(h);
	else
		*out = h;
	return rc;
}

/* The dossier's hand-overs (the control sheet's rows), in order: *out gets a
 * new array. On a database error returns it (err filled), *out untouched. */
static enum mc_err dossier_steps(struct store_conn *c, int64_t dossier_id, json_t **out,
                                 struct mc_error *err)
{
	/* The giving side of a row is the office of the row before it; of the
	 * first row, the centre that received the dossier. */
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT s.office, coalesce(o.name, s.office), s.giver,"
	       " s.receiver, s.given_at, s.budget_seconds, s.ended_at,"
	       " s.spent_seconds, s.result, s.note,"
	       " coalesce(lag(s.office) OVER w, io.code),"
	       " coalesce(lag(coalesce(o.name, s.office)) OVER w, io.name),"
	       " coalesce((SELECT full_name FROM users WHERE username = s.giver), s.giver),"
	       " coalesce((SELECT full_name FROM users WHERE username = s.receiver),"
	       "  (SELECT name FROM offices WHERE code = s.receiver), s.receiver)"
	       " FROM dossier_steps s JOIN dossiers d ON d.id = s.dossier_id"
	       " LEFT JOIN offices o ON o.code = s.office"
	       " LEFT JOIN offices io ON io.id = d.intake_office_id"
	       " WHERE s.dossier_id = ? WINDOW w AS (ORDER BY s.id) ORDER BY s.id");
	if (s == NULL)
		return store_sql_error(c, "dossier steps", err);
	json_t *rows = json_array();
	int step;
	sqlite3_bind_int64(s, 1, dossier_id);
	while (store_next(s, &step)) {
		json_t *row =
		    json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o}", "office",
		              store_col_text(s, 0), "office_name", store_col_text(s, 1), "giver",
		              store_col_text(s, 2), "receiver", store_col_text(s, 3), "given_at",
		              (json_int_t)sqlite3_column_int64(s, 4), "budget_seconds",
		              opt_int(s, 5), "ended_at", opt_int(s, 6), "spent_seconds",
		              opt_int(s, 7), "result", opt_text(s, 8), "note", opt_text(s, 9));
		json_object_set_new(row, "from_office", opt_text(s, 10));
		json_object_set_new(row, "from_office_name", opt_text(s, 11));
		json_object_set_new(row, "giver_name", opt_text(s, 12));
		json_object_set_new(row, "receiver_name", opt_text(s, 13));
		json_array_append_new(rows, row);
	}
	enum mc_err rc = store_scan_end(c, s, step, "dossier steps", err);
	if (rc)
		json_decref(rows);
	else
		*out = rows;
	return rc;
}

/* The staff view of dossier code (with its history when asked) as who may
 * see it (NULL who: the server, no scope): *out gets a new object.
 * MC_ERR_NOT_FOUND when there is no such dossier or it lies outside who's
 * scope, or a database error; err filled and *out untouched either way. */
static enum mc_err dossier_view(struct store *st, struct store_conn *c, const struct principal *who,
                                const char *code, bool history, json_t **out, struct mc_error *err)
{
	sqlite3_stmt *s = store_stmt(c, "SELECT " DOSSIER_COLUMNS " FROM dossiers d"
	                                " JOIN procedures p ON p.id = d.procedure_id"
	                                " WHERE d.code = :code AND " DOSSIER_SCOPE_SQL);
	json_t *v = NULL, *part = NULL;
	int64_t id = 0;
	int step;
	enum mc_err rc;
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":code"), code, -1, SQLITE_STATIC);
	store_dossier_bind_scope(s, who);
	if (store_next(s, &step)) {
		v = dossier_row_json(st, s, clock_now());
		id = sqlite3_column_int64(s, 28);
	}
	if ((rc = store_scan_end(c, s, step, "dossier", err)))
		goto out;
	if (v == NULL) {
		rc = mc_fail(err, MC_ERR_NOT_FOUND, "dossier_not_found", "Không có hồ sơ này",
		             "No such dossier");
		goto out;
	}
	if ((rc = dossier_steps(c, id, &part, err)))
		goto out;
	json_object_set_new(v, "steps", part);
	if (history) {
		if ((rc = dossier_history(c, code, &part, err)))
			goto out;
		json_object_set_new(v, "history", part);
	}
	*out = v;
	v = NULL;
out:
	json_decref(v);
	return rc;
}

enum mc_err store_dossier_get_as(struct store *st, const struct principal *who, const char *code,
                                 json_t **out, struct mc_error *err)
{
	return dossier_view(st, store_read_conn(st), who, code, true, out, err);
}

enum mc_err store_dossier_get(struct store *st, const char *code, json_t **out,
                              struct mc_error *err)
{
	return dossier_view(st, store_read_conn(st), NULL, code, true, out, err);
}

enum mc_err store_dossier_control_sheet(struct store *st, const struct principal *who,
                                        const char *code, json_t **out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	struct dossier_row d;
	enum mc_err rc = dossier_load(c, who, code, &d, err);
	if (rc)
		return rc;
	json_t *rows = NULL;
	if ((rc = dossier_steps(c, d.id, &rows, err)))
		return rc;
	*out = json_pack("{s:s, s:s, s:o}", "code", code, "form", "mau-06", "rows", rows);
	return MC_OK;
}

static double dossier_late_seconds(const json_t *v)
{
	return json_number_value(json_object_get(json_object_get(v, "timing"), "late_seconds"));
}

/* qsort order of staff views: most working time past due first; ties keep
 * the due order (soonest first), then the code. */
static int dossier_cmp_overdue(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	double lx = dossier_late_seconds(x), ly = dossier_late_seconds(y);
	if (lx != ly)
		return lx > ly ? -1 : 1;
	json_int_t dx = json_integer_value(json_object_get(x, "due_at"));
	json_int_t dy = json_integer_value(json_object_get(y, "due_at"));
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "code")),
	              json_string_value(json_object_get(y, "code")));
}

/* Sorts the staff views of all most overdue first, keeps only the at-risk
 * ones when at_risk, and appends the page [offset, offset+limit) to items
 * (new references). Returns how many were kept. all is not changed. */
static int64_t dossier_page_overdue(json_t *all, bool at_risk, int offset, int limit, json_t *items)
{
	size_t n = json_array_size(all), kept = 0;
	json_t **v = xmalloc((n ? n : 1) * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		json_t *d = json_array_get(all, i);
		if (!at_risk ||
		    json_is_true(json_object_get(json_object_get(d, "timing"), "at_risk")))
			v[kept++] = d;
	}
	qsort(v, kept, sizeof *v, dossier_cmp_overdue);
	for (size_t i = (size_t)offset; i < kept && json_array_size(items) < (size_t)limit; i++)
		json_array_append(items, v[i]);
	free(v);
	return (int64_t)kept;
}

/* A unit filter (the office :unit): the dossier's holder, receiving centre,
 * authority or return centre lies in :unit's subtree. */
// clang-format off
#define DOSSIER_IN_UNIT(col)                                                                       \
	col " IN (SELECT office_id FROM office_paths WHERE ancestor_id = :unit)"
#define DOSSIER_UNIT_SQL                                                                           \
	"(" DOSSIER_IN_UNIT("(SELECT ho.id FROM offices ho WHERE ho.code = d.holder_office)")      \
	" OR " DOSSIER_IN_UNIT("d.intake_office_id")                                               \
	" OR " DOSSIER_IN_UNIT("d.authority_id")                                                   \
	" OR " DOSSIER_IN_UNIT("d.return_office_id") ")"
// clang-format on

/* The id of office code when it lies in who's scope: *id, or
 * MC_ERR_NOT_FOUND office_not_found (unknown and outside alike). */
static enum mc_err dossier_unit(struct store_conn *c, const struct principal *who, const char *code,
                                int64_t *id, struct mc_error *err)
{
	char kind[16];
	enum mc_err rc = dossier_office_find(c, who, true, code, id, kind, sizeof kind, err);
	if (rc == MC_OK && *id == 0)
		rc = dossier_office_not_found(err, "office", code);
	return rc;
}

enum mc_err store_dossier_list(struct store *st, const struct dossier_filter *f, int offset,
                               int limit, json_t **out, struct mc_error *err)
{
	/* One statement with every filter optional: NULL parameters match all. */
	static const char page_sql[] =
	    "SELECT " DOSSIER_COLUMNS " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id"
	    " WHERE (?1 IS NULL OR d.status = ?1) AND (?2 IS NULL OR p.code = ?2)"
	    " AND (?3 IS NULL OR p.field = ?3) AND (?4 IS NULL OR d.holder_office = ?4)"
	    " AND (?5 IS NULL OR d.holder = ?5) AND (?6 IS NULL OR d.received_at >= ?6)"
	    " AND (?7 IS NULL OR d.received_at < ?7) AND (?8 IS NULL OR d.due_at < ?8)"
	    " AND (?9 IS NULL OR (d.due_at IS NOT NULL AND"
	    "  (coalesce(d.finished_at, d.paused_at, ?10) > d.due_at) = ?9))"
	    " AND (?11 IS NULL OR d.code = ?11 OR d.applicant_phone = coalesce(?13, ?11)"
	    "  OR d.applicant_id_number = ?11)"
	    " AND (?12 IS NULL OR d.status NOT IN ('result_ready', 'returned',"
	    "  'returned_ineligible', 'withdrawn', 'cancelled', 'rejected_at_intake'))"
	    " AND " DOSSIER_SCOPE_SQL " AND (:unit IS NULL OR " DOSSIER_UNIT_SQL ")"
	    " ORDER BY CASE WHEN :by_due IS NOT NULL THEN d.due_at END ASC NULLS LAST,"
	    " d.intake_at DESC, d.id DESC";
	int64_t from = 0, to = 0;
	const char *bad = NULL;
	if (f->received_from && !dossier_day_start(f->received_from, &from))
		bad = "received_from";
	else if (f->received_to && !dossier_day_start(f->received_to, &to))
		bad = "received_to";
	if (bad)
		return mc_failf(err, MC_ERR_INVALID, "invalid_date",
		                "Ngày lọc phải là ngày có thật, dạng YYYY-MM-DD",
		                "%s must be a real date YYYY-MM-DD", bad);
	struct store_conn *c = store_read_conn(st);
	int64_t now = clock_now();
	int64_t total = 0, unit = 0;
	int step;
	enum mc_err urc;
	if (f->office && (urc = dossier_unit(c, f->who, f->office, &unit, err)))
		return urc;
	sqlite3_stmt *s = store_stmt(c, page_sql);
	if (s == NULL)
		return store_sql_error(c, "dossier list", err);
	store_dossier_bind_scope(s, f->who);
	if (unit)
		sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":unit"), unit);
	json_t *items = json_array(), *all = NULL;
	const char *texts[] = {f->status, f->procedure, f->field, f->holder_office, f->holder};
	for (int i = 0; i < 5; i++)
		if (texts[i])
			sqlite3_bind_text(s, i + 1, texts[i], -1, SQLITE_STATIC);
	if (f->received_from)
		sqlite3_bind_int64(s, 6, from);
	if (f->received_to)
		sqlite3_bind_int64(s, 7, to + 86400);
	if (f->due_before)
		sqlite3_bind_int64(s, 8, f->due_before);
	if (f->late >= 0)
		sqlite3_bind_int(s, 9, f->late);
	sqlite3_bind_int64(s, 10, now);
	/* A q that reads as a Vietnamese phone ("+84 912 345 678",
	 * "0912.345.678") matches the phone in the form intake stored it in;
	 * the code and the ID number are matched as typed. */
	char q_phone[APPLICANT_PHONE_MAX];
	if (f->q)
		sqlite3_bind_text(s, 11, f->q, -1, SQLITE_STATIC);
	if (f->q && applicant_phone_normalize(f->q, q_phone))
		sqlite3_bind_text(s, 13, q_phone, -1, SQLITE_STATIC);
	if (f->open)
		sqlite3_bind_int(s, 12, 1);
	/* Named, as every parameter after the scope's: a ?N there would be
	 * the scope's own number (store_internal.h, SCOPE_SQL). */
	if (f->sort != DOSSIER_SORT_NEWEST)
		sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":by_due"), 1);
	/* Paging in C: at_risk needs the calendar, so it filters here; the
	 * overdue order needs each row's working time past due, so every match
	 * is kept, sorted, then cut to the page. */
	while (store_next(s, &step)) {
		if (f->sort == DOSSIER_SORT_OVERDUE) {
			if (all == NULL)
				all = json_array();
			json_array_append_new(all, dossier_row_json(st, s, now));
			continue;
		}
		if (f->at_risk) {
			json_t *v = dossier_row_json(st, s, now);
			if (!json_is_true(
			        json_object_get(json_object_get(v, "timing"), "at_risk"))) {
				json_decref(v);
				continue;
			}
			if (total >= offset && json_array_size(items) < (size_t)limit)
				json_array_append_new(items, v);
			else
				json_decref(v);
		} else if (total >= offset && json_array_size(items) < (size_t)limit) {
			json_array_append_new(items, dossier_row_json(st, s, now));
		}
		total++;
	}
	enum mc_err rc = store_scan_end(c, s, step, "dossier list", err);
	if (rc) {
		json_decref(all);
		json_decref(items);
		return rc;
	}
	if (all) {
		total = dossier_page_overdue(all, f->at_risk, offset, limit, items);
		json_decref(all);
	}
	*out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total,
	                 "offset", offset, "limit", limit);
	return MC_OK;
}

/* The one answer for an unknown code and a wrong secret alike. */
static enum mc_err dossier_public_not_found(struct mc_error *err)
{
	return mc_fail(err, MC_ERR_NOT_FOUND, "dossier_not_found",
	               "Không tìm thấy hồ sơ với mã và mã tra cứu này",
	               "No dossier with this code and secret");
}

enum mc_err store_dossier_public(struct store *st, const char *code, const char *secret,
                                 json_t **out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char want[65] = "", got[65];
	json_t *v = NULL;
	int step;
	if (code == NULL || secret == NULL || strlen(code) > 64 || strlen(secret) > 64)
		return dossier_public_not_found(err);
	store_secret_hash(code, secret, got);
	sqlite3_stmt *s =
	    store_stmt(c, "SELECT d.secret_hash, d.status, p.name, p.code,"
	                  " d.received_at, d.due_at, d.pending, d.apology_due_at,"
	                  " d.finished_at, d.paused_at, d.returned_at,"
	                  " (SELECT json_object('name', o.name, 'address', o.address,"
	                  " 'hours', o.hours) FROM offices o WHERE o.id = d.return_office_id)"
	                  " FROM dossiers d"
	                  " JOIN procedures p ON p.id = d.procedure_id WHERE d.code = ?");
	if (s == NULL)
		return store_sql_error(c, "public dossier", err);
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	bool found = store_next(s, &step);
	if (found)
		snprintf(want, sizeof want, "%s", store_col_text(s, 0));
	/* Compared in constant time, and hashed even when the code is unknown,
	 * so neither the answer nor its timing tells the two cases apart. */
	bool match = found && strlen(want) == 64 && sodium_memcmp(want, got, 64) == 0;
	if (match) {
		enum dossier_status status = DS_RECEIVED;
		dossier_status_parse(store_col_text(s, 1), &status);
		int64_t due = sqlite3_column_int64(s, 5);
		json_t *t = dossier_timing(st, status, sqlite3_column_int64(s, 4), due,
		                           sqlite3_column_int64(s, 9), sqlite3_column_int64(s, 8),
		                           clock_now());
		v = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:o, s:o, s:o, s:b, s:o, s:o}", "code",
		              code, "status", store_col_text(s, 1), "status_text",
		              dossier_status_text_vi(status), "procedure", "code",
		              store_col_text(s, 3), "name", store_col_text(s, 2), "received_at",
		              opt_int(s, 4), "appointment_at", opt_int(s, 5), "still_needed",
		              status == DS_SUPPLEMENT_REQUESTED ? opt_json(s, 6) : json_null(),
		              "late", json_is_true(json_object_get(t, "late")), "apology",
		              sqlite3_column_type(s, 7) == SQLITE_NULL
		                  ? json_null()
		                  : json_pack("{s:I}", "new_appointment_at",
		                              (json_int_t)sqlite3_column_int64(s, 7)),
		              "returned_at", opt_int(s, 10));
		json_object_set_new(v, "return_office", opt_json(s, 11));
		json_decref(t);
	}
	enum mc_err rc = store_scan_end(c, s, step, "public dossier", err);
	if (rc) {
		json_decref(v);
		return rc;
	}
	if (v == NULL)
		return dossier_public_not_found(err);
	*out = v;
	return MC_OK;
}

static void csv_time(struct strbuf *out, sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL) {
		strbuf_puts(out, "\"\"");
		return;
	}
	char iso[26];
	clock_office_iso(sqlite3_column_int64(s, col), iso);
	csv_cell(out, iso);
}

enum mc_err store_dossier_ledger_csv(struct store *st, const struct principal *who,
                                     const char *office, const char *from, const char *to,
                                     struct strbuf *out, struct mc_error *err)
{
	int64_t a = 0, b = 0;
	bool ok = dossier_day_start(from, &a) && dossier_day_start(to, &b) && a <= b;
	if (!ok)
		return mc_fail(err, MC_ERR_INVALID, "invalid_period",
		               "Kỳ phải có from và to dạng YYYY-MM-DD, from ≤ to",
		               "from and to must be YYYY-MM-DD with from <= to");
	struct store_conn *c = store_read_conn(st);
	int64_t unit = 0;
	enum mc_err urc;
	if (office && (urc = dossier_unit(c, who, office, &unit, err)))
		return urc;
	/* Each receiving centre's own book: its lines in order, centre by centre. */
	sqlite3_stmt *s = store_stmt(
	    c, "SELECT d.code, p.name, d.sets, d.applicant_name,"
	       " json_extract(d.applicant, '$.address'), d.applicant_phone,"
	       " coalesce(p.office, (SELECT code FROM offices WHERE id = d.authority_id)),"
	       " d.received_at, d.due_at,"
	       " (SELECT min(given_at) FROM dossier_steps s WHERE s.dossier_id = d.id),"
	       " d.finished_at, d.returned_at, d.returned_to, d.status, d.apology_due_at,"
	       " d.ledger_book, d.ledger_line"
	       " FROM dossiers d JOIN procedures p ON p.id = d.procedure_id"
	       " WHERE d.received_at >= ?1 AND d.received_at < ?2"
	       " AND " SCOPE_SQL(
	           "d.intake_office_id") " AND (:unit IS NULL OR"
	                                 " d.intake_office_id IN (SELECT office_id FROM "
	                                 "office_paths WHERE ancestor_id = :unit))"
	                                 " ORDER BY d.intake_office_id, d.received_at, d.id");
	if (s == NULL)
		return store_sql_error(c, "ledger", err);
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b + 86400);
	store_bind_scope(s, who);
	if (unit)
		sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, ":unit"), unit);
	strbuf_puts(out, "line,code,procedure,sets,applicant,address,phone,lead_office,received,"
	                 "appointment,sent_to_office,result_back,returned,returned_to,status,"
	                 "new_appointment,book\r\n");
	int line = 0, step;
	while (store_next(s, &step)) {
		/* The ledger's own line (Số thứ tự) given at receipt; rows received
		 * before ledger lines existed are numbered in order. */
		++line;
		if (sqlite3_column_type(s, 16) != SQLITE_NULL)
			strbuf_printf(out, "%lld,", (long long)sqlite3_column_int64(s, 16));
		else
			strbuf_printf(out, "%d,", line);
		csv_cell(out, store_col_text(s, 0));
		strbuf_puts(out, ",");
		csv_cell(out, store_col_text(s, 1));
		strbuf_printf(out, ",%d,", sqlite3_column_int(s, 2));
		for (int col = 3; col <= 6; col++) {
			csv_cell(out, store_col_text(s, col));
			strbuf_puts(out, ",");
		}
		for (int col = 7; col <= 11; col++) {
			csv_time(out, s, col);
			strbuf_puts(out, ",");
		}
		csv_cell(out, store_col_text(s, 12));
		strbuf_puts(out, ",");
		csv_cell(out, store_col_text(s, 13));
		strbuf_puts(out, ",");
		csv_time(out, s, 14);
		if (sqlite3_column_type(s, 15) != SQLITE_NULL)
			strbuf_printf(out, ",%lld\r\n", (long long)sqlite3_column_int64(s, 15));
		else
			strbuf_puts(out, ",\"\"\r\n");
	}
	return store_scan_end(c, s, step, "ledger", err);
}

enum mc_err store_dossier_audit(struct store *st, int64_t *checked, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	sqlite3_stmt *s = NULL;
	enum mc_err rc = MC_OK;
	int64_t n = 0;
	/* Not cached: runs once per audit. The newest event of each dossier
	 * states its status and due instant after that event. */
	if (sqlite3_prepare_v2(
	        c->db,
	        "SELECT d.code, d.status, d.due_at, json_extract(e.details, '$.status'),"
	        " json_extract(e.details, '$.due_at') FROM dossiers d"
	        " LEFT JOIN events e ON e.id = (SELECT max(id) FROM events"
	        "  WHERE entity = 'dossier' AND entity_id = d.code)",
	        -1, &s, NULL) != SQLITE_OK)
		return store_sql_error(c, "dossier audit", err);
	int step;
	while (store_next(s, &step)) {
		bool same_status = sqlite3_column_type(s, 3) != SQLITE_NULL &&
		                   strcmp(store_col_text(s, 1), store_col_text(s, 3)) == 0;
		bool same_due = sqlite3_column_int64(s, 2) == sqlite3_column_int64(s, 4) &&
		                (sqlite3_column_type(s, 2) == SQLITE_NULL) ==
		                    (sqlite3_column_type(s, 4) == SQLITE_NULL);
		if (!same_status || !same_due) {
			rc = mc_failf(err, MC_ERR_CONFLICT, "audit_state_mismatch",
			              "Hồ sơ bị sửa ngoài nhật ký",
			              "dossier %s differs from its last event (%s)",
			              store_col_text(s, 0), same_status ? "due_at" : "status");
			break;
		}
		n++;
	}
	if (rc == MC_OK)
		rc = store_scan_end(c, s, step, "dossier audit", err);
	sqlite3_finalize(s);
	if (checked)
		*checked = n;
	return rc;
}
