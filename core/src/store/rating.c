#include "store/rating.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/dossier.h"
#include "store/scan.h"
#include "store/store_internal.h"
#include "util/clock.h"
#include "util/jsontext.h"
#include "util/xmalloc.h"

/* Letters and digits that cannot be misread (no 0/O, 1/I/L), as the dossier
 * secret: the token may be typed from a printed slip. */
static const char rating_token_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

static void rating_token_hash(const char *token, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, d, sizeof d);
}

/* The error of a refusal (domain/rating.h's table). */
static enum mc_err rating_refuse(enum rating_refusal why, struct mc_error *err)
{
	const char *code, *vi, *en;
	rating_refusal_text(why, &code, &vi, &en);
	return mc_fail(err, rating_refusal_is_conflict(why) ? MC_ERR_CONFLICT : MC_ERR_NOT_FOUND,
	               code, vi, en);
}

/* Appends an event (never on the live stream) recorded as office_id's (the
 * ticket's centre or the dossier's return centre; 0: none). Takes details
 * (JSON text) and frees it. */
static enum mc_err rating_event(struct store *st, const char *actor, int64_t office_id,
                                const char *entity, const char *entity_id, const char *action,
                                char *details, struct mc_error *err)
{
	store_event_office(st, office_id);
	int64_t ev = store_event_append(st, actor, entity, entity_id, action, details, false, err);
	free(details);
	return ev ? MC_OK : (err ? err->kind : MC_ERR_INTERNAL);
}

/* Whether subject has a rating already, into *rated. */
static enum mc_err rating_exists(struct store_conn *c, const char *subject, bool *rated,
                                 struct mc_error *err)
{
	db_stmt *s = store_stmt(c, "SELECT 1 FROM ratings WHERE subject = ?");
	if (s == NULL)
		return store_sql_error(c, "rating", err);
	db_bind_text(s, 1, subject, -1, DB_STATIC);
	int step;
	*rated = store_next(s, &step);
	return store_scan_end(c, s, step, "rating", err);
}

/* What subject names: its kind, and the procedure or service group code and
 * name (code/name may stay empty when the row is gone). */
struct rating_subject {
	enum rating_kind kind;
	char ref[72]; /* the dossier code or the ticket id */
	char code[40];
	char name[300];
	int64_t office_id; /* the ticket's centre, the dossier's return centre; 0 when gone */
};

static enum mc_err rating_subject_load(struct store_conn *c, const char *subject,
                                       struct rating_subject *out, struct mc_error *err)
{
	const char *colon = strchr(subject, ':');
	char kind[8];
	memset(out, 0, sizeof *out);
	if (colon == NULL || (size_t)(colon - subject) >= sizeof kind)
		return rating_refuse(RATING_LINK_NOT_FOUND, err);
	memcpy(kind, subject, (size_t)(colon - subject));
	kind[colon - subject] = '\0';
	/* A stored subject is "dossier:…" or "ticket:…"; anything else reads
	 * as a ticket, as it always did. */
	if (!rating_kind_parse(kind, &out->kind))
		out->kind = RATING_KIND_TICKET;
	snprintf(out->ref, sizeof out->ref, "%s", colon + 1);
	bool dossier = out->kind == RATING_KIND_DOSSIER;
	db_stmt *s =
	    dossier ? store_stmt(c, "SELECT p.code, p.name, d.return_office_id FROM dossiers d"
	                            " JOIN procedures p ON p.id = d.procedure_id WHERE d.code = ?")
	            : store_stmt(c, "SELECT g.code, g.name, t.office_id FROM tickets t"
	                            " JOIN service_groups g ON g.id = t.group_id WHERE t.id = ?");
	if (s == NULL)
		return store_sql_error(c, "rating subject", err);
	if (dossier)
		db_bind_text(s, 1, out->ref, -1, DB_STATIC);
	else
		db_bind_int64(s, 1, strtoll(out->ref, NULL, 10));
	int step;
	if (store_next(s, &step)) {
		snprintf(out->code, sizeof out->code, "%s", store_col_text(s, 0));
		snprintf(out->name, sizeof out->name, "%s", store_col_text(s, 1));
		out->office_id = db_column_int64(s, 2);
	}
	return store_scan_end(c, s, step, "rating subject", err);
}

/* ---- links --------------------------------------------------------------- */

/* Whether the dossier `code` exists inside who's scope, into *found. */
static enum mc_err rating_dossier_state(struct store_conn *c, const struct principal *who,
                                        const char *code, struct rating_subject_state *st,
                                        struct mc_error *err)
{
	if (strlen(code) > 64)
		return MC_OK;
	db_stmt *s = store_stmt(c, "SELECT 1 FROM dossiers d WHERE d.code = :code"
	                           " AND " DOSSIER_SCOPE_SQL);
	if (s == NULL)
		return store_sql_error(c, "dossier", err);
	db_bind_text(s, db_bind_parameter_index(s, ":code"), code, -1, DB_STATIC);
	store_dossier_bind_scope(s, who);
	int step;
	st->found = store_next(s, &step);
	return store_scan_end(c, s, step, "dossier", err);
}

/* Whether the ticket id exists inside who's scope and was served. */
static enum mc_err rating_ticket_state(struct store_conn *c, const struct principal *who,
                                       long long id, struct rating_subject_state *st,
                                       struct mc_error *err)
{
	db_stmt *s =
	    store_stmt(c, "SELECT t.state = 'called' OR EXISTS (SELECT 1 FROM visits v"
	                  " WHERE v.ticket_id = t.id AND v.outcome = 'served')"
	                  " FROM tickets t WHERE t.id = :id AND " SCOPE_SQL("t.office_id"));
	if (s == NULL)
		return store_sql_error(c, "ticket", err);
	db_bind_int64(s, db_bind_parameter_index(s, ":id"), id);
	store_bind_scope(s, who);
	int step;
	if ((st->found = store_next(s, &step)))
		st->served = db_column_int(s, 0) != 0;
	return store_scan_end(c, s, step, "ticket", err);
}

/* Loads what the rules need of the dossier or ticket ref as who sees it (in
 * scope, served, rated), asks the domain whether a link may be issued, and
 * writes its subject text. */
static enum mc_err rating_subject_of(struct store_conn *c, const struct principal *who,
                                     enum rating_kind kind, const char *ref, char *subject,
                                     size_t len, struct mc_error *err)
{
	struct rating_subject_state state = {.kind = kind};
	enum mc_err rc;
	if (kind == RATING_KIND_DOSSIER) {
		if ((rc = rating_dossier_state(c, who, ref, &state, err)))
			return rc;
		snprintf(subject, len, "dossier:%s", ref);
	} else {
		char *end = NULL;
		long long id = strtoll(ref, &end, 10);
		if (end != ref && *end == '\0' && id >= 1 &&
		    (rc = rating_ticket_state(c, who, id, &state, err)))
			return rc;
		snprintf(subject, len, "ticket:%lld", id);
	}
	if (state.found && (state.kind == RATING_KIND_DOSSIER || state.served) &&
	    (rc = rating_exists(c, subject, &state.rated, err)))
		return rc;
	enum rating_refusal why = rating_may_issue(&state);
	return why ? rating_refuse(why, err) : MC_OK;
}

void store_rating_token_new(char token[STORE_RATING_TOKEN_LEN + 1])
{
	for (int i = 0; i < STORE_RATING_TOKEN_LEN; i++)
		token[i] =
		    rating_token_alphabet[randombytes_uniform(sizeof rating_token_alphabet - 1)];
	token[STORE_RATING_TOKEN_LEN] = '\0';
}

enum mc_err store_rating_link(struct store *st, const struct principal *who, const char *kind,
                              const char *ref, struct rating_link *out, struct mc_error *err)
{
	char token[STORE_RATING_TOKEN_LEN + 1];
	store_rating_token_new(token);
	return store_rating_link_issue(st, who, kind, ref, token, clock_now(), out, err);
}

/* Saves the link row and its event (the token itself never enters the
 * chain), inside the caller's transaction. */
static enum mc_err rating_link_save(struct store *st, struct store_conn *c,
                                    const struct principal *who, const char *subject,
                                    const char *token, int64_t now, struct mc_error *err)
{
	char hash[65];
	rating_token_hash(token, hash);
	db_stmt *s = store_stmt(c, "INSERT INTO rating_links (token_hash, subject, created_by,"
	                           " created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
	if (s == NULL)
		return store_sql_error(c, "rating link", err);
	db_bind_text(s, 1, hash, -1, DB_STATIC);
	db_bind_text(s, 2, subject, -1, DB_STATIC);
	db_bind_text(s, 3, who->actor, -1, DB_STATIC);
	db_bind_int64(s, 4, now);
	db_bind_int64(s, 5, rating_link_expiry(now));
	int step = db_step(s);
	db_reset(s);
	if (step != DB_DONE)
		return store_sql_error(c, "rating link", err);
	struct rating_subject sub;
	enum mc_err rc = rating_subject_load(c, subject, &sub, err);
	if (rc)
		return rc;
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	jt_int(&j, "expires_at", rating_link_expiry(now));
	jt_str(&j, "subject", subject);
	jt_end(&j);
	return rating_event(st, who->actor, sub.office_id, "rating_link", subject,
	                    "rating_link.created", jt_finish(&j), err);
}

enum mc_err store_rating_link_issue(struct store *st, const struct principal *who, const char *kind,
                                    const char *ref, const char *token, int64_t now,
                                    struct rating_link *out, struct mc_error *err)
{
	enum rating_kind k;
	if (!rating_kind_parse(kind, &k))
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "kind is dossier or ticket");
	if (token == NULL || strlen(token) != STORE_RATING_TOKEN_LEN)
		return mc_fail(err, MC_ERR_INVALID, "invalid_field", "Trường không hợp lệ",
		               "a rating token is made by store_rating_token_new");
	enum mc_err rc = store_begin(st, err);
	if (rc)
		return rc;
	struct store_conn *c = store_write_conn(st);
	char subject[96];
	if ((rc = rating_subject_of(c, who, k, ref, subject, sizeof subject, err)) ||
	    (rc = rating_link_save(st, c, who, subject, token, now, err))) {
		store_rollback(st);
		return rc;
	}
	if ((rc = store_commit(st, err)))
		return rc;
	snprintf(out->token, sizeof out->token, "%s", token);
	snprintf(out->url, sizeof out->url, "/rate?t=%s", token);
	out->expires_at = rating_link_expiry(now);
	return MC_OK;
}

/* The subject of the link `token` (as typed), its expiry into *expires_at,
 * or *found false. */
static enum mc_err rating_link_load(struct store_conn *c, const char *token, char *subject,
                                    size_t len, bool *found, int64_t *expires_at,
                                    struct mc_error *err)
{
	char hash[65], norm[65];
	*found = false;
	if (!rating_token_normalise(token, norm, sizeof norm))
		return MC_OK;
	rating_token_hash(norm, hash);
	db_stmt *s =
	    store_stmt(c, "SELECT subject, expires_at FROM rating_links WHERE token_hash = ?");
	if (s == NULL)
		return store_sql_error(c, "rating link", err);
	db_bind_text(s, 1, hash, -1, DB_STATIC);
	int step;
	if (store_next(s, &step)) {
		snprintf(subject, len, "%s", store_col_text(s, 0));
		*expires_at = db_column_int64(s, 1);
		*found = true;
	}
	return store_scan_end(c, s, step, "rating link", err);
}

/* The subject of a live link, or rating_link_not_found. */
static enum mc_err rating_link_find(struct store_conn *c, const char *token, int64_t now,
                                    char *subject, size_t len, struct mc_error *err)
{
	bool found;
	int64_t expires_at = 0;
	enum mc_err rc = rating_link_load(c, token, subject, len, &found, &expires_at, err);
	if (rc)
		return rc;
	/* Rated or not is the caller's question: this is only the link's. */
	enum rating_refusal why = rating_may_submit(found, expires_at, now, false);
	return why ? rating_refuse(why, err) : MC_OK;
}

void rating_link_info_clear(struct rating_link_info *info)
{
	free(info->what);
	free(info->office_code);
	free(info->office_name);
	memset(info, 0, sizeof *info);
}

/* The code and name of the centre office_id into info (NULLs when gone). */
static void rating_office_load(struct store_conn *c, int64_t office_id,
                               struct rating_link_info *info)
{
	db_stmt *s = store_stmt(c, "SELECT code, name FROM offices WHERE id = ?");
	if (s == NULL)
		return;
	db_bind_int64(s, 1, office_id);
	if (db_step(s) == DB_ROW) {
		info->office_code = xstrdup(store_col_text(s, 0));
		info->office_name = xstrdup(store_col_text(s, 1));
	}
	db_reset(s);
}

enum mc_err store_rating_link_info(struct store *st, const char *token,
                                   struct rating_link_info *out, struct mc_error *err)
{
	struct store_conn *c = store_read_conn(st);
	char subject[96];
	struct rating_subject sub;
	enum mc_err rc;
	if ((rc = rating_link_find(c, token, clock_now(), subject, sizeof subject, err)) ||
	    (rc = rating_subject_load(c, subject, &sub, err)))
		return rc;
	bool rated = false;
	if ((rc = rating_exists(c, subject, &rated, err)))
		return rc;
	memset(out, 0, sizeof *out);
	out->kind = sub.kind;
	out->what = xstrdup(sub.name);
	out->rated = rated;
	/* The centre the rating belongs to (the page's heading). */
	if (sub.office_id)
		rating_office_load(c, sub.office_id, out);
	return MC_OK;
}

/* ---- ratings ------------------------------------------------------------- */

void rating_submit_cmd_clear(struct rating_submit_cmd *cmd)
{
	free(cmd->token);
	free(cmd->comment);
	memset(cmd, 0, sizeof *cmd);
}

/* An optional answer into the event's details: null when absent (-1). */
static void rating_jt_answer(struct jsontext *j, const char *key, int v)
{
	if (v < 0)
		jt_null(j, key);
	else
		jt_bool(j, key, v != 0);
}

/* The rating's event details: the answers, not the comment's words (a
 * citizen may write a name there). Keys in sorted order, as the chain's
 * older records. */
static char *rating_details(const struct rating_subject *sub, const struct rating_submit_cmd *cmd)
{
	struct jsontext j = JSONTEXT_INIT;
	jt_begin(&j);
	if (sub->kind == RATING_KIND_DOSSIER)
		jt_str(&j, "code", sub->ref);
	jt_bool(&j, "comment", cmd->comment != NULL);
	rating_jt_answer(&j, "courteous", cmd->courteous);
	jt_str(&j, "kind", rating_kind_name(sub->kind));
	jt_str(&j, "level", rating_level_name(cmd->level));
	rating_jt_answer(&j, "on_time", cmd->on_time);
	if (sub->kind != RATING_KIND_DOSSIER)
		jt_int(&j, "ticket_id", strtoll(sub->ref, NULL, 10));
	rating_jt_answer(&j, "unofficial_payment_asked", cmd->unofficial_payment_asked);
	if (cmd->visits > 0)
		jt_int(&j, "visits", cmd->visits);
	else
		jt_null(&j, "visits");
	jt_end(&j);
	return jt_finish(&j);
}

/* Inserts the ratings row; its id into id. */
static enum mc_err rating_insert(struct store_conn *c, const char *subject,
                                 const struct rating_subject *sub,
                                 const struct rating_submit_cmd *cmd, int64_t now, char id[24],
                                 struct mc_error *err)
{
	db_stmt *s = store_stmt(
	    c, "INSERT INTO ratings (subject, kind, procedure_code, group_code, level, on_time,"
	       " courteous, visits, unofficial_payment_asked, comment, rated_at, office_id)"
	       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
	if (s == NULL)
		return store_sql_error(c, "rating", err);
	db_bind_text(s, 1, subject, -1, DB_STATIC);
	db_bind_text(s, 2, rating_kind_name(sub->kind), -1, DB_STATIC);
	if (*sub->code)
		db_bind_text(s, sub->kind == RATING_KIND_DOSSIER ? 3 : 4, sub->code, -1, DB_STATIC);
	db_bind_text(s, 5, rating_level_name(cmd->level), -1, DB_STATIC);
	if (cmd->on_time >= 0)
		db_bind_int(s, 6, cmd->on_time);
	if (cmd->courteous >= 0)
		db_bind_int(s, 7, cmd->courteous);
	if (cmd->visits > 0)
		db_bind_int(s, 8, cmd->visits);
	if (cmd->unofficial_payment_asked >= 0)
		db_bind_int(s, 9, cmd->unofficial_payment_asked);
	if (cmd->comment)
		db_bind_text(s, 10, cmd->comment, -1, DB_STATIC);
	db_bind_int64(s, 11, now);
	if (sub->office_id)
		db_bind_int64(s, 12, sub->office_id);
	int step = db_step(s);
	db_reset(s);
	if (step != DB_DONE)
		return store_sql_error(c, "rating", err);
	snprintf(id, 24, "%lld", (long long)db_last_insert_id(c->db));
	return MC_OK;
}

enum mc_err store_rating_submit(struct store *st, const struct rating_submit_cmd *cmd,
                                struct mc_error *err)
{
	enum mc_err rc;
	if ((rc = store_begin(st, err)))
		return rc;
	struct store_conn *c = store_write_conn(st);
	int64_t now = clock_now();
	char subject[96], id[24];
	struct rating_subject sub;
	if ((rc = rating_link_find(c, cmd->token, now, subject, sizeof subject, err)) ||
	    (rc = rating_subject_load(c, subject, &sub, err)))
		goto fail;
	bool rated = false;
	if ((rc = rating_exists(c, subject, &rated, err)))
		goto fail;
	if (rated) {
		rc = rating_refuse(RATING_ALREADY_RATED, err);
		goto fail;
	}
	if ((rc = rating_insert(c, subject, &sub, cmd, now, id, err)))
		goto fail;
	/* No actor: "public". */
	if ((rc = rating_event(st, "public", sub.office_id, "rating", id, "rating.created",
	                       rating_details(&sub, cmd), err)))
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}
