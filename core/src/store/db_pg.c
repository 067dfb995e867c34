/* PostgreSQL behind store/db.h, through libpq. A statement keeps its SQL
 * (parameters rewritten as $N once, at prepare) and its binds as text; its
 * first step sends both with PQsendQueryParams (parse, bind and execute in one
 * round trip) and keeps the result, whose rows the next steps walk.
 *
 * A statement sent a second time (the store keeps its statements per
 * connection and sends them again and again) is prepared on the server
 * under a name of its own, with the parameter types of that send; its sends
 * with the same types then skip the parse and the planning (PQsendQueryPrepared).
 * Prepared statements belong to the connection: a reconnection (a new
 * generation) forgets them, and a statement prepared on an older one is
 * prepared again. */
#include "store/db_pg.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "store/db.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* A server that goes silent (its process stopped or hung, its machine gone
 * without a reset, a network that drops packets) breaks no connection: TCP
 * waits, and so would every command, holding the writer's lock and the
 * HTTP workers. So no command waits for ever, and a server found silent
 * costs the commands after it milliseconds, not seconds each:
 * - a command with no answer for PGDB_QUIET_MS makes the server be asked,
 *   on a connection of its own (PQpingParams, PGDB_PROBE_TIMEOUT), whether
 *   it still takes connections; one that does (a long query, a busy server)
 *   is waited for, and asked again after the next quiet spell; one that
 *   does not has the command's connection dropped (pgdb_await), which
 *   fails the command as a lost connection (a failover's 503);
 * - a connection string without connect_timeout gets PGDB_CONNECT_TIMEOUT
 *   (libpq's default is to wait for ever), so a reconnection ends too;
 * - a server found silent, or that a reconnection failed to reach, is
 *   "down" for PGDB_DOWN_MS for every connection of the process to the
 *   same --db (pgdb_down): a connection or reconnection is not tried, a
 *   command outside a transaction is not sent, and a command that gets no
 *   answer is dropped at its first quiet spell without asking again. A
 *   reconnection does not hold the others back: once the server answers,
 *   each connection finds it at its next use. */
#define PGDB_QUIET_MS 1500
#define PGDB_PROBE_TIMEOUT "2"
#define PGDB_CONNECT_TIMEOUT "3"
#define PGDB_DOWN_MS 1000

/* Type oids of pg_type (catalog/pg_type.dat): stable across versions. */
enum {
	OID_BOOL = 16,
	OID_BYTEA = 17,
	OID_INT8 = 20,
	OID_INT2 = 21,
	OID_INT4 = 23,
	OID_OID = 26,
	OID_FLOAT4 = 700,
	OID_FLOAT8 = 701,
	OID_NUMERIC = 1700,
};

/* One connection, with what it remembers of the server (its prepared
 * statements): one thread at a time uses it (store/db.h, "Threads"). */
struct pgdb {
	PGconn *conn;
	char err[512]; /* the last error's message */
	char state[6]; /* its SQLSTATE, "" for none */
	int errcode;   /* its DB_* code */
	bool lost;     /* the connection broke during the last command */
	/* The last command's connection was dropped after this many ms without
	 * an answer from a server that takes no connection (pgdb_await), or -1
	 * when it was not sent to a server that is down (pgdb_down); 0 when
	 * neither. */
	int64_t silent_ms;
	uint64_t target; /* pgdb_down's key: a hash of the connection string */
	bool readonly;   /* every transaction read-only (a reader) */
	int changes;     /* rows changed by the last command */
	/* Counts the connections made (1 at open, +1 per reconnection): the
	 * server's prepared statements are those of this generation. */
	unsigned generation;
	unsigned prepared; /* names given out: statement "m<n>" */
	/* "DEALLOCATE m<n>;" of each statement finalized since the last flush
	 * (pgdb_deallocate_flush), sent once the connection is outside a
	 * transaction: a command refused inside one would abort it. */
	char *dealloc;
	size_t dealloc_len;
};

struct pg_param {
	char *value;  /* NULL: SQL NULL */
	int len;      /* bytes of a blob */
	bool owned;   /* value is ours to free */
	bool blob;    /* sent in binary as bytea */
	Oid type;     /* 0: let the server infer it from the statement */
	char num[32]; /* an integer's or double's text */
};

struct pgdb_stmt {
	struct pgdb *db;
	char *sql; /* with $N parameters */
	int nparams;
	char **names; /* names[n-1]: the name of parameter n, or NULL */
	struct pg_param *params;
	PGresult *res;         /* the rows of the last step's command */
	int row;               /* the current row of res */
	bool stepped;          /* stepped since the last reset */
	unsigned char **blobs; /* unescaped bytea per column of the current row */
	size_t *blob_len;
	int sends;           /* sends since made */
	char name[16];       /* its prepared statement on the server, "" for none */
	unsigned generation; /* the db->generation it was prepared on */
	Oid *prepared_types; /* the parameter types it was prepared with */
};

/* The servers found down (see above), by pgdb's target: a slot is free
 * once its until has passed. Guarded by pgdb_down_lock; any thread. */
static pthread_mutex_t pgdb_down_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	uint64_t target;
	int64_t until; /* clock_mono_ms */
} pgdb_down_table[16];

/* Until when db's server counts as down: 0 when it does not. */
static int64_t pgdb_down(const struct pgdb *db)
{
	int64_t now = clock_mono_ms(), until = 0;
	pthread_mutex_lock(&pgdb_down_lock);
	for (size_t i = 0; i < sizeof pgdb_down_table / sizeof *pgdb_down_table; i++)
		if (pgdb_down_table[i].target == db->target && pgdb_down_table[i].until > now)
			until = pgdb_down_table[i].until;
	pthread_mutex_unlock(&pgdb_down_lock);
	return until;
}

/* db's server counts as down until clock_mono_ms reaches until (0: not). */
static void pgdb_down_set(const struct pgdb *db, int64_t until)
{
	int64_t now = clock_mono_ms();
	size_t n = sizeof pgdb_down_table / sizeof *pgdb_down_table, slot = n;
	pthread_mutex_lock(&pgdb_down_lock);
	for (size_t i = 0; i < n; i++) {
		if (pgdb_down_table[i].target == db->target) {
			slot = i;
			break;
		}
		if (slot == n && pgdb_down_table[i].until <= now)
			slot = i;
	}
	if (slot < n && (until > now || pgdb_down_table[slot].target == db->target)) {
		pgdb_down_table[slot].target = db->target;
		pgdb_down_table[slot].until = until;
	}
	pthread_mutex_unlock(&pgdb_down_lock);
}

/* Records the error of res (or of the connection when res is NULL) as db's
 * last, for db_errmsg and db_errcode. The statement's text goes to the log at
 * warning level: a caller that goes on after an error would otherwise show
 * only the next statement's "transaction is aborted". */
static void pgdb_fail(struct pgdb *db, const PGresult *res, const char *sql)
{
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (db->silent_ms > 0) {
		snprintf(db->err, sizeof db->err,
		         "PostgreSQL at %s:%s gave no answer for %" PRId64
		         " ms and takes no new connection: connection dropped",
		         PQhost(db->conn) ? PQhost(db->conn) : "?",
		         PQport(db->conn) ? PQport(db->conn) : "?", db->silent_ms);
		state = "08006"; /* connection_failure */
	} else if (db->silent_ms < 0) {
		snprintf(db->err, sizeof db->err,
		         "PostgreSQL was found not answering a moment ago: not tried again yet");
		state = "08006";
	} else {
		snprintf(db->err, sizeof db->err, "%s", msg && *msg ? msg : "PostgreSQL error");
	}
	size_t n = strlen(db->err);
	while (n > 0 && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
		db->err[--n] = '\0';
	snprintf(db->state, sizeof db->state, "%s", state ? state : "");
	db->lost = PQstatus(db->conn) != CONNECTION_OK || db->silent_ms != 0;
	if (strncmp(db->state, "23", 2) == 0)
		db->errcode = DB_CONSTRAINT;
	else if (strcmp(db->state, "53100") == 0)
		db->errcode = DB_FULL;
	else if (strcmp(db->state, "40001") == 0 || strcmp(db->state, "40P01") == 0 ||
	         strcmp(db->state, "55P03") == 0)
		db->errcode = DB_BUSY;
	else
		db->errcode = DB_ERROR;
	/* Not logged: the transaction's earlier error, and each command not
	 * sent while the server is down (its finding was). */
	if (strcmp(db->state, "25P02") != 0 && db->silent_ms >= 0)
		log_warn("postgresql: %s [%s]%s%.300s", db->err, db->state, sql ? " in: " : "",
		         sql ? sql : "");
}

bool pgdb_target_database(const char *conninfo, char *out, size_t len)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	if (opts == NULL)
		return false;
	const char *name = NULL, *user = NULL;
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (strcmp(o->keyword, "dbname") == 0)
			name = o->val;
		else if (strcmp(o->keyword, "user") == 0)
			user = o->val;
	}
	/* libpq's defaults, in its order: PGDATABASE, then the user's name. */
	const char *fallback[] = {getenv("PGDATABASE"), user, getenv("PGUSER"), getenv("USER")};
	for (size_t i = 0; i < sizeof fallback / sizeof *fallback; i++)
		if (name == NULL || *name == '\0')
			name = fallback[i];
	bool ok = name && *name && (size_t)snprintf(out, len, "%s", name) < len;
	PQconninfoFree(opts);
	return ok;
}

/* Whether the server of db's connection still takes connections: asked on
 * a connection of its own to the same host and port (a server that is up
 * but refuses, starting or shutting down, counts as taking them). */
static bool pgdb_server_answers(struct pgdb *db)
{
	const char *keys[] = {"host", "port", "connect_timeout", NULL};
	const char *values[] = {PQhost(db->conn), PQport(db->conn), PGDB_PROBE_TIMEOUT, NULL};
	PGPing ping = PQpingParams(keys, values, 0);
	return ping == PQPING_OK || ping == PQPING_REJECT;
}

/* Waits until the answer to the command sent on db can be read without
 * blocking. While none comes for PGDB_QUIET_MS, the server is asked whether
 * it takes connections (pgdb_server_answers), unless it is down already;
 * when it does not, it is down, the connection is shut down (shutdown():
 * libpq then sees it end and fails the command) and db->silent_ms says
 * why, for pgdb_fail. */
static void pgdb_await(struct pgdb *db)
{
	int64_t since = clock_mono_ms();
	while (PQisBusy(db->conn)) {
		int fd = PQsocket(db->conn);
		if (fd < 0)
			return; /* broken: PQgetResult says so */
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int n = poll(&p, 1, PGDB_QUIET_MS);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 && (pgdb_down(db) != 0 || !pgdb_server_answers(db))) {
			db->silent_ms = clock_mono_ms() - since;
			pgdb_down_set(db, clock_mono_ms() + PGDB_DOWN_MS);
			shutdown(fd, SHUT_RDWR);
		}
		if (n != 0 || db->silent_ms > 0) {
			if (PQconsumeInput(db->conn) == 0)
				return;
			since = clock_mono_ms();
		}
	}
}

/* The answer to the command just sent on db (sent: what PQsend* returned),
 * as PQexec gives it: the last result of the command's, NULL when none
 * (the error is the connection's). Never waits for a silent server for
 * ever (pgdb_await). */
static PGresult *pgdb_result(struct pgdb *db, int sent)
{
	if (!sent)
		return NULL;
	PGresult *last = NULL;
	for (;;) {
		pgdb_await(db);
		PGresult *r = PQgetResult(db->conn);
		if (r == NULL)
			return last;
		PQclear(last);
		last = r;
	}
}

/* Whether a command may be sent on db now; every send asks first. Not when
 * its server is down and the connection is outside a transaction or broken
 * (see above): the command then fails as a lost connection (db->silent_ms
 * -1, not logged: the finding was). Inside a transaction it is sent: its
 * ROLLBACK or COMMIT must be tried, and it fails soon enough when the
 * server is silent (pgdb_await). */
static bool pgdb_may_send(struct pgdb *db)
{
	db->silent_ms = 0;
	PGTransactionStatusType t = PQtransactionStatus(db->conn);
	if ((t != PQTRANS_IDLE && t != PQTRANS_UNKNOWN) || pgdb_down(db) == 0)
		return true;
	db->silent_ms = -1;
	return false;
}

/* PQexec that never waits for a silent server for ever. Every command of
 * this file goes through here or pgdb_result: a bare PQexec (or PQprepare,
 * PQexecParams…) would wait for ever (e2e 241 looks for one). */
static PGresult *pgdb_run(struct pgdb *db, const char *sql)
{
	return pgdb_result(db, pgdb_may_send(db) && PQsendQuery(db->conn, sql));
}

/* The session's settings, after each connection: messages in English for
 * the log whatever the server's locale; no JIT compilation (the store's
 * statements take milliseconds, and a correlated subquery's cost, counted
 * per row, crosses jit_above_cost: compiling then cost 25-55 ms of the
 * indicators' 100); a reader never writes. */
static int pgdb_setup(struct pgdb *db)
{
	const char *setup = db->readonly ? "SET lc_messages TO 'C'; SET jit = off;"
	                                   " SET default_transaction_read_only = on"
	                                 : "SET lc_messages TO 'C'; SET jit = off";
	PGresult *r = pgdb_run(db, setup);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		pgdb_fail(db, r, NULL);
	PQclear(r);
	return ok ? DB_OK : DB_ERROR;
}

/* Connects with conninfo, adding connect_timeout=PGDB_CONNECT_TIMEOUT when
 * neither it nor PGCONNECT_TIMEOUT sets one (PQreset keeps it). */
static PGconn *pgdb_connect(const char *conninfo)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	bool has_timeout = getenv("PGCONNECT_TIMEOUT") != NULL;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "connect_timeout") == 0 && o->val && *o->val)
			has_timeout = true;
	PQconninfoFree(opts);
	if (has_timeout)
		return PQconnectdb(conninfo);
	const char *keys[] = {"connect_timeout", "dbname", NULL};
	const char *values[] = {PGDB_CONNECT_TIMEOUT, conninfo, NULL};
	return PQconnectdbParams(keys, values, 1);
}

int pgdb_open(const char *conninfo, bool readonly, struct pgdb **out)
{
	struct pgdb *db = xcalloc(1, sizeof *db);
	*out = db;
	db->readonly = readonly;
	db->target = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *c = (const unsigned char *)conninfo; *c; c++)
		db->target = (db->target ^ *c) * 1099511628211ULL;
	db->generation = 1;
	if (pgdb_down(db) != 0) { /* not tried: see above */
		db->silent_ms = -1;
		pgdb_fail(db, NULL, NULL);
		return DB_ERROR;
	}
	db->conn = pgdb_connect(conninfo);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		pgdb_fail(db, NULL, NULL);
		return DB_ERROR;
	}
	return pgdb_setup(db);
}

bool pgdb_connection_ok(struct pgdb *db)
{
	return PQstatus(db->conn) == CONNECTION_OK && !db->lost;
}

int pgdb_reconnect(struct pgdb *db)
{
	if (pgdb_down(db) != 0) {
		db->silent_ms = -1;
		pgdb_fail(db, NULL, NULL);
		return DB_ERROR;
	}
	/* The same connection string again: with several hosts and
	 * target_session_attrs=read-write, libpq finds the one that is
	 * primary now. */
	PQreset(db->conn);
	db->lost = false;
	db->silent_ms = 0;
	db->generation++; /* the prepared statements went with the old one */
	db->dealloc_len = 0;
	if (PQstatus(db->conn) != CONNECTION_OK) {
		pgdb_fail(db, NULL, NULL);
		pgdb_down_set(db, clock_mono_ms() + PGDB_DOWN_MS);
		return DB_ERROR;
	}
	pgdb_down_set(db, 0);
	log_info("postgresql: connected again (%s:%s)", PQhost(db->conn), PQport(db->conn));
	return pgdb_setup(db);
}

int pgdb_wait_notify(struct pgdb *db, int timeout_ms)
{
	int fd = PQsocket(db->conn);
	if (fd < 0) {
		db->lost = true;
		return -1;
	}
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n = poll(&p, 1, timeout_ms);
	if (n < 0)
		return 0; /* a signal: the caller looks again */
	if (n > 0 && PQconsumeInput(db->conn) == 0) {
		pgdb_fail(db, NULL, NULL);
		return -1;
	}
	int got = 0;
	for (PGnotify *note; (note = PQnotifies(db->conn)) != NULL; got = 1)
		PQfreemem(note);
	return got;
}

void pgdb_close(struct pgdb *db)
{
	if (db == NULL)
		return;
	PQfinish(db->conn); /* its prepared statements go with it */
	free(db->dealloc);
	free(db);
}

/* Deallocates the statements finalized since the last time, when the
 * connection is outside a transaction (else they wait for the next call).
 * Their answer does not matter: a failure leaves one statement on the
 * server until the connection closes. */
static void pgdb_deallocate_flush(struct pgdb *db)
{
	if (db->dealloc_len == 0 || PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		return;
	PQclear(pgdb_run(db, db->dealloc));
	db->dealloc_len = 0;
	db->dealloc[0] = '\0';
}

struct pg_conn *pgdb_conn(struct pgdb *db)
{
	return db->conn;
}

const char *pgdb_errmsg(struct pgdb *db)
{
	return db->err[0] ? db->err : "no error";
}

int pgdb_errcode(struct pgdb *db)
{
	return db->errcode;
}

bool pgdb_error_is_failover(struct pgdb *db)
{
	/* 25006: read_only_sql_transaction (the server is a standby now);
	 * 57P01/57P02/57P03: the server shuts down or cannot take us yet;
	 * class 08: the connection failed. */
	return db->lost || strcmp(db->state, "25006") == 0 || strncmp(db->state, "57P0", 4) == 0 ||
	       strncmp(db->state, "08", 2) == 0;
}

/* Runs a command without parameters: DB_OK when it succeeded. */
int pgdb_exec(struct pgdb *db, const char *sql)
{
	pgdb_deallocate_flush(db);
	PGresult *r = pgdb_run(db, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
	if (ok)
		db->changes = atoi(PQcmdTuples(r));
	else
		pgdb_fail(db, r, NULL);
	PQclear(r);
	return ok ? DB_OK : db->errcode;
}

int pgdb_exec_row(struct pgdb *db, const char *sql, int n, char **vals, size_t cap, bool *has_row)
{
	pgdb_deallocate_flush(db);
	PGresult *r = pgdb_run(db, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
	*has_row = ok && st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) >= n;
	for (int i = 0; *has_row && i < n; i++)
		snprintf(vals[i], cap, "%s", PQgetisnull(r, 0, i) ? "" : PQgetvalue(r, 0, i));
	if (!ok)
		pgdb_fail(db, r, NULL);
	PQclear(r);
	return ok ? DB_OK : db->errcode;
}

bool pgdb_in_transaction(struct pgdb *db)
{
	PGTransactionStatusType t = PQtransactionStatus(db->conn);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

bool pgdb_transaction_failed(struct pgdb *db)
{
	return PQtransactionStatus(db->conn) == PQTRANS_INERROR;
}

int pgdb_changes(struct pgdb *db)
{
	return db->changes;
}

int64_t pgdb_last_insert_id(struct pgdb *db)
{
	PGresult *r = pgdb_run(db, "SELECT lastval()");
	int64_t id = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else
		pgdb_fail(db, r, NULL);
	PQclear(r);
	return id;
}

/* Whether c can continue an SQLite parameter name. */
static bool param_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* Whether p (inside the text from start) starts SQLite's "INDEXED BY name"
 * hint as a word of its own; *end gets the text after the name. */
static bool indexed_by(const char *start, const char *p, const char **end)
{
	static const char kw[] = "INDEXED BY ";
	if (strncmp(p, kw, sizeof kw - 1) != 0 || (p > start && param_char(p[-1])))
		return false;
	const char *q = p + sizeof kw - 1;
	while (*q == ' ')
		q++;
	if (!param_char(*q))
		return false;
	while (param_char(*q))
		q++;
	*end = q;
	return true;
}

char *pgdb_params(const char *sql, int *count, char ***names)
{
	size_t cap = strlen(sql) * 2 + 16;
	char *out = xmalloc(cap);
	size_t o = 0;
	int max = 0, names_cap = 8;
	char **nm = xcalloc((size_t)names_cap, sizeof *nm);
	for (const char *p = sql; *p;) {
		if (o + 16 > cap)
			out = xrealloc(out, cap *= 2);
		char c = *p;
		if (c == '\'' || c == '"') { /* a literal or a quoted name: copy */
			out[o++] = *p++;
			while (*p) {
				if (o + 4 > cap)
					out = xrealloc(out, cap *= 2);
				if (*p == c && p[1] == c) {
					out[o++] = *p++;
					out[o++] = *p++;
					continue;
				}
				if (*p == c) {
					out[o++] = *p++;
					break;
				}
				out[o++] = *p++;
			}
			continue;
		}
		if (indexed_by(sql, p, &p))
			continue;              /* SQLite's index hint: PostgreSQL plans alone */
		if (c == '-' && p[1] == '-') { /* a comment to the end of the line */
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (c == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			p = end ? end + 2 : p + strlen(p);
			continue;
		}
		int n = 0;
		if (c == '?') {
			p++;
			if (isdigit((unsigned char)*p)) {
				n = (int)strtol(p, (char **)&p, 10);
			} else {
				n = max + 1;
			}
		} else if ((c == ':' || c == '@' || c == '$') && param_char(p[1]) &&
		           !isdigit((unsigned char)p[1]) && !(o > 0 && out[o - 1] == ':')) {
			const char *start = p;
			p++;
			while (param_char(*p))
				p++;
			size_t len = (size_t)(p - start);
			for (int k = 0; k < max && n == 0; k++)
				if (nm[k] && strlen(nm[k]) == len && memcmp(nm[k], start, len) == 0)
					n = k + 1;
			if (n == 0) {
				n = max + 1;
				if (n > names_cap) {
					nm = xreallocarray(nm, (size_t)n * 2, sizeof *nm);
					memset(nm + names_cap, 0,
					       ((size_t)n * 2 - (size_t)names_cap) * sizeof *nm);
					names_cap = n * 2;
				}
				nm[n - 1] = xstrndup(start, len);
			}
		} else {
			out[o++] = *p++;
			continue;
		}
		if (n > names_cap) {
			nm = xreallocarray(nm, (size_t)n * 2, sizeof *nm);
			memset(nm + names_cap, 0, ((size_t)n * 2 - (size_t)names_cap) * sizeof *nm);
			names_cap = n * 2;
		}
		if (n > max)
			max = n;
		o += (size_t)snprintf(out + o, cap - o, "$%d", n);
	}
	out[o] = '\0';
	*count = max;
	*names = nm;
	return out;
}

int pgdb_prepare(struct pgdb *db, const char *sql, struct pgdb_stmt **out)
{
	struct pgdb_stmt *s = xcalloc(1, sizeof *s);
	s->db = db;
	s->sql = pgdb_params(sql, &s->nparams, &s->names);
	s->params = xcalloc((size_t)s->nparams + 1, sizeof *s->params);
	s->row = -1;
	*out = s;
	return DB_OK;
}

/* The server parses, analyses and plans sql as the unnamed statement,
 * which the next unnamed prepare or unprepared send replaces: nothing is left to
 * deallocate. */
int pgdb_check(struct pgdb *db, const char *sql)
{
	int n;
	char **names;
	char *text = pgdb_params(sql, &n, &names);
	PGresult *r =
	    pgdb_result(db, pgdb_may_send(db) && PQsendPrepare(db->conn, "", text, 0, NULL));
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (ok) {
		db->err[0] = '\0';
		db->state[0] = '\0';
	} else {
		pgdb_fail(db, r, NULL);
	}
	PQclear(r);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(text);
	return ok ? DB_OK : db->errcode;
}

static void pgdb_blobs_clear(struct pgdb_stmt *s)
{
	if (s->blobs == NULL)
		return;
	int n = s->res ? PQnfields(s->res) : 0;
	for (int i = 0; i < n; i++)
		PQfreemem(s->blobs[i]);
	free(s->blobs);
	free(s->blob_len);
	s->blobs = NULL;
	s->blob_len = NULL;
}

static void param_clear(struct pg_param *p)
{
	if (p->owned)
		free(p->value);
	memset(p, 0, sizeof *p);
}

int pgdb_reset(struct pgdb_stmt *s)
{
	pgdb_blobs_clear(s);
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->stepped = false;
	return DB_OK;
}

int pgdb_clear_bindings(struct pgdb_stmt *s)
{
	for (int i = 0; i < s->nparams; i++)
		param_clear(&s->params[i]);
	return DB_OK;
}

/* Whether s is prepared on its connection as it is now. */
static bool pgdb_stmt_prepared(const struct pgdb_stmt *s)
{
	return s->name[0] != '\0' && s->generation == s->db->generation;
}

void pgdb_finalize(struct pgdb_stmt *s)
{
	if (s == NULL)
		return;
	if (pgdb_stmt_prepared(s)) {
		/* Not now: a statement is finalized inside transactions too (the
		 * store's cache makes room), and at a connection's close. */
		char cmd[32];
		int n = snprintf(cmd, sizeof cmd, "DEALLOCATE %s;", s->name);
		struct pgdb *db = s->db;
		db->dealloc = xrealloc(db->dealloc, db->dealloc_len + (size_t)n + 1);
		memcpy(db->dealloc + db->dealloc_len, cmd, (size_t)n + 1);
		db->dealloc_len += (size_t)n;
	}
	free(s->prepared_types);
	pgdb_reset(s);
	pgdb_clear_bindings(s);
	for (int i = 0; i < s->nparams; i++)
		free(s->names[i]);
	free(s->names);
	free(s->params);
	free(s->sql);
	free(s);
}

bool pgdb_stmt_busy(struct pgdb_stmt *s)
{
	return s->stepped;
}

/* The parameter i (1-based) of s, cleared; NULL when out of range. */
static struct pg_param *param_at(struct pgdb_stmt *s, int i)
{
	if (i < 1 || i > s->nparams)
		return NULL;
	struct pg_param *p = &s->params[i - 1];
	param_clear(p);
	return p;
}

int pgdb_bind_int64(struct pgdb_stmt *s, int i, int64_t v)
{
	struct pg_param *p = param_at(s, i);
	if (p == NULL)
		return DB_ERROR;
	snprintf(p->num, sizeof p->num, "%" PRId64, v);
	p->value = p->num;
	p->type = OID_INT8;
	return DB_OK;
}

int pgdb_bind_double(struct pgdb_stmt *s, int i, double v)
{
	struct pg_param *p = param_at(s, i);
	if (p == NULL)
		return DB_ERROR;
	snprintf(p->num, sizeof p->num, "%.17g", v);
	p->value = p->num;
	p->type = OID_FLOAT8;
	return DB_OK;
}

/* The length of the well-formed UTF-8 sequence at v (n bytes left), as
 * PostgreSQL checks it (no overlong form, no surrogate, at most U+10FFFF,
 * no NUL); 0 when it is not one. */
static size_t utf8_seq(const unsigned char *v, size_t n)
{
	if (v[0] >= 0x01 && v[0] < 0x80)
		return 1;
	size_t len = v[0] >= 0xC2 && v[0] <= 0xDF   ? 2
	             : (v[0] & 0xF0) == 0xE0        ? 3
	             : v[0] >= 0xF0 && v[0] <= 0xF4 ? 4
	                                            : 0;
	if (len == 0 || len > n)
		return 0;
	for (size_t k = 1; k < len; k++)
		if ((v[k] & 0xC0) != 0x80)
			return 0;
	if ((v[0] == 0xE0 && v[1] < 0xA0) || (v[0] == 0xED && v[1] >= 0xA0) ||
	    (v[0] == 0xF0 && v[1] < 0x90) || (v[0] == 0xF4 && v[1] >= 0x90))
		return 0;
	return len;
}

/* store/db_pg.h */
char *pgdb_utf8_mended(const char *v, size_t n)
{
	const unsigned char *u = (const unsigned char *)v;
	size_t at = 0, k;
	while (at < n && (k = utf8_seq(u + at, n - at)) > 0)
		at += k;
	if (at == n)
		return NULL;
	char *out = xmalloc(n * 3 + 1), *o = out;
	for (at = 0; at < n; at += k) {
		if ((k = utf8_seq(u + at, n - at)) > 0) {
			memcpy(o, v + at, k);
			o += k;
		} else {
			k = 1;
			memcpy(o, "\xEF\xBF\xBD", 3);
			o += 3;
		}
	}
	*o = '\0';
	return out;
}

int pgdb_bind_text(struct pgdb_stmt *s, int i, const char *v, int len, bool copy)
{
	struct pg_param *p = param_at(s, i);
	if (p == NULL)
		return DB_ERROR;
	if (v == NULL)
		return DB_OK;
	char *mended = pgdb_utf8_mended(v, len >= 0 ? (size_t)len : strlen(v));
	if (mended) {
		p->value = mended;
		p->owned = true;
		return DB_OK;
	}
	/* Text goes as text: a length shorter than the string (SQLite's n)
	 * needs a copy ending there. */
	if (len >= 0 && (copy || v[len] != '\0')) {
		p->value = xstrndup(v, (size_t)len);
		p->owned = true;
	} else if (copy) {
		p->value = xstrdup(v);
		p->owned = true;
	} else {
		p->value = (char *)v;
	}
	return DB_OK;
}

int pgdb_bind_blob(struct pgdb_stmt *s, int i, const void *v, size_t len, bool copy)
{
	struct pg_param *p = param_at(s, i);
	if (p == NULL)
		return DB_ERROR;
	if (copy) {
		p->value = xmalloc(len ? len : 1);
		memcpy(p->value, v, len);
		p->owned = true;
	} else {
		p->value = (char *)v;
	}
	p->len = (int)len;
	p->blob = true;
	p->type = OID_BYTEA;
	return DB_OK;
}

int pgdb_bind_null(struct pgdb_stmt *s, int i)
{
	return param_at(s, i) ? DB_OK : DB_ERROR;
}

int pgdb_bind_parameter_index(struct pgdb_stmt *s, const char *name)
{
	for (int i = 0; i < s->nparams; i++)
		if (s->names[i] && strcmp(s->names[i], name) == 0)
			return i + 1;
	return 0;
}

/* Prepares s on the server under a new name with the parameter types
 * types (n of them); false when the server refused it, the error recorded
 * as the send's (the same text and types sent unprepared fail alike). */
static bool pgdb_stmt_prepare(struct pgdb_stmt *s, const Oid *types, int n)
{
	char name[sizeof s->name];
	snprintf(name, sizeof name, "m%u", ++s->db->prepared);
	PGresult *r = pgdb_result(s->db, pgdb_may_send(s->db) &&
	                                     PQsendPrepare(s->db->conn, name, s->sql, n, types));
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		pgdb_fail(s->db, r, s->sql);
	PQclear(r);
	if (!ok)
		return false;
	memcpy(s->name, name, sizeof name);
	s->generation = s->db->generation;
	free(s->prepared_types);
	s->prepared_types = xcalloc((size_t)n + 1, sizeof *types);
	memcpy(s->prepared_types, types, (size_t)n * sizeof *types);
	return true;
}

/* Sends s with its binds; DB_OK with s->res holding the rows, or an error. */
static int pgdb_send(struct pgdb_stmt *s)
{
	pgdb_deallocate_flush(s->db);
	int n = s->nparams;
	const char **values = xcalloc((size_t)n + 1, sizeof *values);
	int *lengths = xcalloc((size_t)n + 1, sizeof *lengths);
	int *formats = xcalloc((size_t)n + 1, sizeof *formats);
	Oid *types = xcalloc((size_t)n + 1, sizeof *types);
	for (int i = 0; i < n; i++) {
		values[i] = s->params[i].value;
		lengths[i] = s->params[i].len;
		formats[i] = s->params[i].blob;
		types[i] = s->params[i].type;
	}
	/* Prepared from its second send on; sent prepared while its parameter
	 * types are those it was prepared with (a NULL bound where a number
	 * was goes unprepared). */
	bool prepared = pgdb_stmt_prepared(s), refused = false;
	if (!prepared && ++s->sends >= 2)
		refused = !(prepared = pgdb_stmt_prepare(s, types, n));
	if (refused || !pgdb_may_send(s->db))
		s->res = NULL;
	else if (prepared && memcmp(types, s->prepared_types, (size_t)n * sizeof *types) == 0)
		s->res = pgdb_result(s->db, PQsendQueryPrepared(s->db->conn, s->name, n, values,
		                                                lengths, formats, 0));
	else
		s->res = pgdb_result(s->db, PQsendQueryParams(s->db->conn, s->sql, n, types, values,
		                                              lengths, formats, 0));
	free(values);
	free(lengths);
	free(formats);
	free(types);
	if (refused)
		return s->db->errcode;
	ExecStatusType st = PQresultStatus(s->res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		pgdb_fail(s->db, s->res, s->sql);
		PQclear(s->res);
		s->res = NULL;
		return s->db->errcode;
	}
	s->db->changes = atoi(PQcmdTuples(s->res));
	s->db->err[0] = '\0';
	s->db->state[0] = '\0';
	return DB_OK;
}

int pgdb_step(struct pgdb_stmt *s)
{
	if (!s->stepped) {
		s->stepped = true;
		int rc = pgdb_send(s);
		if (rc != DB_OK)
			return rc;
	}
	if (s->res == NULL)
		return DB_ERROR;
	pgdb_blobs_clear(s);
	s->row++;
	return s->row < PQntuples(s->res) ? DB_ROW : DB_DONE;
}

/* Whether s is on a row and col is one of its columns. */
static bool on_row(struct pgdb_stmt *s, int col)
{
	return s->res && s->row >= 0 && s->row < PQntuples(s->res) && col >= 0 &&
	       col < PQnfields(s->res);
}

int pgdb_column_count(struct pgdb_stmt *s)
{
	return s->res ? PQnfields(s->res) : 0;
}

int pgdb_column_type(struct pgdb_stmt *s, int col)
{
	if (!on_row(s, col) || PQgetisnull(s->res, s->row, col))
		return DB_NULL;
	switch (PQftype(s->res, col)) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID: return DB_INTEGER;
	case OID_FLOAT4:
	case OID_FLOAT8: return DB_FLOAT;
	case OID_NUMERIC: /* sum() of integers: an integer when it has no point */
		return strchr(PQgetvalue(s->res, s->row, col), '.') ? DB_FLOAT : DB_INTEGER;
	case OID_BYTEA: return DB_BLOB;
	default: return DB_TEXT;
	}
}

int64_t pgdb_column_int64(struct pgdb_stmt *s, int col)
{
	if (!on_row(s, col) || PQgetisnull(s->res, s->row, col))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) == OID_BOOL)
		return v[0] == 't';
	if (PQftype(s->res, col) == OID_FLOAT8 || PQftype(s->res, col) == OID_FLOAT4 ||
	    PQftype(s->res, col) == OID_NUMERIC)
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

double pgdb_column_double(struct pgdb_stmt *s, int col)
{
	if (!on_row(s, col) || PQgetisnull(s->res, s->row, col))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) == OID_BOOL)
		return v[0] == 't';
	return strtod(v, NULL);
}

const char *pgdb_column_text(struct pgdb_stmt *s, int col)
{
	if (!on_row(s, col) || PQgetisnull(s->res, s->row, col))
		return NULL;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) == OID_BOOL)
		return v[0] == 't' ? "1" : "0";
	if (PQftype(s->res, col) == OID_BYTEA)
		return pgdb_column_blob(s, col);
	return v;
}

/* The bytea column col of the current row, unescaped once per row. */
const void *pgdb_column_blob(struct pgdb_stmt *s, int col)
{
	if (!on_row(s, col) || PQgetisnull(s->res, s->row, col))
		return NULL;
	if (PQftype(s->res, col) != OID_BYTEA)
		return PQgetvalue(s->res, s->row, col);
	if (s->blobs == NULL) {
		s->blobs = xcalloc((size_t)PQnfields(s->res), sizeof *s->blobs);
		s->blob_len = xcalloc((size_t)PQnfields(s->res), sizeof *s->blob_len);
	}
	if (s->blobs[col] == NULL)
		s->blobs[col] = PQunescapeBytea(
		    (const unsigned char *)PQgetvalue(s->res, s->row, col), &s->blob_len[col]);
	return s->blobs[col];
}

int pgdb_column_bytes(struct pgdb_stmt *s, int col)
{
	if (!on_row(s, col) || PQgetisnull(s->res, s->row, col))
		return 0;
	if (PQftype(s->res, col) == OID_BYTEA) {
		pgdb_column_blob(s, col);
		return (int)s->blob_len[col];
	}
	if (PQftype(s->res, col) == OID_BOOL)
		return 1;
	return PQgetlength(s->res, s->row, col);
}
