// The database engine the end-to-end tests run on. SQLite unless the
// environment says otherwise:
//   MOTCUA_TEST_ENGINE=postgres   every database a test makes is a fresh
//   MOTCUA_TEST_PG=<libpq URI>    PostgreSQL database of that cluster
//                                 (tests/pg/cluster start prints one)
//   MOTCUA_TEST_PG_KEEP=1         the databases are left for a look after the
//                                 run (dropped at the process's exit otherwise)
//   MOTCUA_TEST_SQL_LOG=FILE      the SQL the tests run themselves is logged
// scripts/test runs the suite once on each engine.
//
// newDb(dir, name) is where a test gets a database: a file path in dir for
// SQLite, the URI of a new database for PostgreSQL. runSql(db, sql) runs SQL
// on either (sqlite3 or psql) and answers rows the same way. sqliteOnly(what)
// marks a test that is about the SQLite file itself: it is skipped, with
// that reason, on PostgreSQL.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ENGINE = process.env.MOTCUA_TEST_ENGINE || 'sqlite';
if (ENGINE !== 'sqlite' && ENGINE !== 'postgres') {
  throw new Error(`MOTCUA_TEST_ENGINE=${ENGINE}: sqlite or postgres`);
}
export const ON_POSTGRES = ENGINE === 'postgres';
// MOTCUA_TEST_SQL_LOG=FILE: every statement runSql is given is appended to
// FILE (a JSON object a line), to check the tests' own SQL on the other
// engine (tests/pg/check-test-sql).
const SQL_LOG = process.env.MOTCUA_TEST_SQL_LOG;
const CLUSTER = process.env.MOTCUA_TEST_PG ?? '';
if (ON_POSTGRES && !CLUSTER) {
  throw new Error('MOTCUA_TEST_ENGINE=postgres needs MOTCUA_TEST_PG, a libpq URI of a cluster (tests/pg/cluster start DIR)');
}

// Whether db (a --db value) names a PostgreSQL database.
export function isPostgres(db) {
  return /^postgres(ql)?:\/\//.test(db) || /(^|\s)(dbname|host|port)\s*=/.test(db);
}

// The options of a test (or describe) that only means something on SQLite's
// file: the WAL, a file replaced or damaged, a file copied as a backup, the
// sqlite_master catalogue, what kill -9 leaves in the file. On PostgreSQL the
// test is reported as skipped with this reason. Use: test(name,
// sqliteOnly('why'), fn), or { timeout, ...sqliteOnly('why') }.
export function sqliteOnly(what) {
  return { skip: ON_POSTGRES ? `the SQLite file itself: ${what}` : false };
}

// The same URI naming another database of its cluster.
function withDatabase(uri, name) {
  if (/^postgres(ql)?:\/\//.test(uri)) {
    const m = uri.match(/^(postgres(?:ql)?:\/\/[^/?#]*)(\/[^?#]*)?(.*)$/);
    return `${m[1]}/${name}${m[3]}`;
  }
  return `${uri} dbname=${name}`;
}

const made = []; // the databases this process created (dropped at exit)
let seq = 0;

// psql on target with sql as its input; returns stdout. Throws on an error.
function psql(target, sql, { readonly = false } = {}) {
  // Read-only by a SET, not PGOPTIONS: a session read-only from its start
  // is refused by target_session_attrs=read-write.
  const r = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', target], {
    input: readonly ? `SET default_transaction_read_only = on;\n${sql}` : sql,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning', PGCONNECT_TIMEOUT: '10' },
  });
  if (r.error) throw new Error(`psql: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`psql (status ${r.status}): ${r.stderr}`);
  return r.stdout;
}

const quoteIdent = (name) => `"${name.replace(/"/g, '""')}"`;

// A database name of the cluster no other test takes: e2e_office_PID_N_RAND
// for 'office.db' (the test's name for it, then who made it).
function uniqueName(name) {
  const base = name.replace(/\.db$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 20);
  const rand = Math.random().toString(36).slice(2, 8);
  return `e2e_${base}_${process.pid}_${++seq}_${rand}`;
}

// A database for a test, named after name ('office.db'): SQLite, the file
// path in dir (not created: `init` makes it); PostgreSQL, a new empty
// database of the cluster (`init` makes the schema). create: false gives
// one that does not exist (a target that must be refused).
export function newDb(dir, name, { create = true } = {}) {
  if (!ON_POSTGRES) return path.join(dir, name);
  const db = uniqueName(name);
  if (create) {
    psql(CLUSTER, `CREATE DATABASE ${quoteIdent(db)}`);
    made.push(db);
  }
  return withDatabase(CLUSTER, db);
}

// Drops the databases this process made, at its exit (servers still
// connected or not), in a psql of its own left running: a drop waits for a
// checkpoint, about a second each, which the test need not wait for.
function dropMade() {
  if (!made.length || process.env.MOTCUA_TEST_PG_KEEP === '1') return;
  const drops = made.flatMap((db) => ['-c', `DROP DATABASE IF EXISTS ${quoteIdent(db)} WITH (FORCE)`]);
  spawn('psql', ['-X', '-q', '-d', CLUSTER, ...drops], {
    detached: true, stdio: 'ignore', env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  }).unref();
  made.length = 0;
}
if (ON_POSTGRES) process.on('exit', dropMade);

// A PostgreSQL database has no file beside which the server keeps its
// Idempotency-Key key: it goes to $STATE_DIRECTORY, else the current folder
// (idem_seal_default_path). Every server and command this process starts
// inherits a state folder of its own, removed at exit, so a run leaves no
// key file in the folder it ran from.
if (ON_POSTGRES && !process.env.STATE_DIRECTORY) {
  const state = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-state-'));
  process.env.STATE_DIRECTORY = state;
  process.on('exit', () => rmSync(state, { recursive: true, force: true }));
}

// The statements of an SQL script, split at the semicolons outside quotes,
// dollar quotes and comments.
export function splitSql(sql) {
  const out = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      i = end < 0 ? sql.length : end + 1; // '' inside is two quoted runs
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      const tag = sql.slice(i).match(/^\$[A-Za-z_]*\$/)[0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
    } else if (c === ';') {
      out.push(sql.slice(start, i));
      start = ++i;
    } else {
      i++;
    }
  }
  out.push(sql.slice(start));
  return out.map((s) => s.trim()).filter((s) => s && !/^(--[^\n]*\n?\s*)*$/.test(s));
}

const MARK = 'motcua-rows:';

// Rows of a statement as sqlite3 -json gives them: an array of objects by
// column name; a boolean reads 1/0 as SQLite's integers do.
function asRows(json) {
  const rows = JSON.parse(json);
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) if (typeof v === 'boolean') row[k] = v ? 1 : 0;
  }
  return rows;
}

// The SELECT that hands a statement's rows to asRows, or null when the
// statement gives none. The rows' alias is one no test names a column
// (json_agg(t) of a column t would aggregate that column, not the rows).
function rowsQuery(stmt) {
  const head = stmt.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '').slice(0, 12).toUpperCase();
  const agg = `SELECT '${MARK}' || coalesce(json_agg(e2e_rows), '[]')::text FROM`;
  if (/^(SELECT|WITH|VALUES|TABLE)\b/.test(head)) return `${agg} (${stmt}) e2e_rows;`;
  if (/^(INSERT|UPDATE|DELETE)\b/.test(head) && /\bRETURNING\b/i.test(stmt)) {
    return `WITH e2e_rows AS (${stmt}) ${agg} e2e_rows;`;
  }
  return null;
}

// Runs sql (one statement or a script) on db, SQLite file or PostgreSQL URI,
// each statement on its own as the sqlite3 shell does. json: the rows of the
// last statement, or [] when it gives none; json false: [] (a fixture's
// load, an edit). readonly: the connection may not write. Throws on any
// error of the engine.
export function runSql(db, sql, { json = true, readonly = false } = {}) {
  if (SQL_LOG) appendFileSync(SQL_LOG, `${JSON.stringify({ file: process.argv[1], postgres: isPostgres(db), sql })}\n`);
  if (!isPostgres(db)) {
    // A write waits for the server's (5 s), as an operator's shell would.
    const args = ['-cmd', '.timeout 5000', ...(readonly ? ['-readonly'] : []), ...(json ? ['-json'] : []), db];
    const r = spawnSync('sqlite3', args, { input: sql, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    if (r.error) throw new Error(`sqlite3: ${r.error.message}`);
    // A read/write script fails on any message; a read-only query on its status.
    if (r.status !== 0 || (r.stderr && !readonly)) throw new Error(`sqlite3: ${r.stderr}`);
    return json && r.stdout.trim() ? JSON.parse(r.stdout) : [];
  }
  if (!json) {
    psql(db, sql, { readonly });
    return [];
  }
  const stmts = splitSql(sql);
  const last = stmts.length ? rowsQuery(stmts.at(-1)) : null;
  if (!last) {
    psql(db, sql, { readonly });
    return [];
  }
  const script = [...stmts.slice(0, -1).map((s) => `${s};`), last].join('\n');
  const out = psql(db, script, { readonly });
  const at = out.lastIndexOf(MARK);
  if (at < 0) throw new Error(`psql: no rows in ${JSON.stringify(out.slice(-200))}`);
  return asRows(out.slice(at + MARK.length));
}

// The tables of db by name, the engine's own left out.
export function tableNames(db) {
  const sql = isPostgres(db)
    ? 'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename'
    : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
  return runSql(db, sql, { readonly: true }).map((r) => r.name);
}

// 'ok' when db's structure is sound, else what is wrong. SQLite: PRAGMA
// integrity_check. PostgreSQL: amcheck's checks of every table and btree
// index of the schema, in a transaction rolled back (the extension is not
// left behind).
export function integrityCheck(db) {
  if (!isPostgres(db)) {
    return runSql(db, 'PRAGMA integrity_check', { readonly: true }).map((r) => r.integrity_check).join('\n');
  }
  const out = psql(db, `BEGIN;
CREATE SCHEMA motcua_check;
CREATE EXTENSION amcheck SCHEMA motcua_check;
SELECT count(motcua_check.bt_index_check(i.oid, true)) FROM pg_class i JOIN pg_am am ON am.oid = i.relam
  WHERE i.relkind = 'i' AND am.amname = 'btree' AND i.relnamespace = current_schema()::regnamespace;
SELECT '${MARK}' || coalesce(json_agg(t), '[]')::text FROM (
  SELECT c.relname, v.blkno, v.msg FROM pg_class c, motcua_check.verify_heapam(c.oid) v
  WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace) t;
ROLLBACK;`);
  const problems = JSON.parse(out.slice(out.lastIndexOf(MARK) + MARK.length));
  return problems.length ? problems.map((p) => `${p.relname} block ${p.blkno}: ${p.msg}`).join('\n') : 'ok';
}

// Whether something was made at db: SQLite, the file exists; PostgreSQL,
// the database exists and holds a table (what a refused `init` or `restore`
// must not leave behind).
export function dbMade(db) {
  if (!isPostgres(db)) return existsSync(db);
  try {
    return runSql(db, 'SELECT count(*) AS n FROM pg_tables WHERE schemaname = current_schema()')[0].n > 0;
  } catch (e) {
    if (/does not exist/.test(e.message)) return false;
    throw e;
  }
}

// A copy of db (no server on it) named after name: SQLite, a copy of the
// file in dir; PostgreSQL, a new database made with db as its template.
export function copyDb(db, dir, name) {
  if (!isPostgres(db)) {
    const to = path.join(dir, name);
    copyFileSync(db, to);
    return to;
  }
  const to = uniqueName(name);
  psql(CLUSTER, `CREATE DATABASE ${quoteIdent(to)} TEMPLATE ${quoteIdent(databaseOf(db))}`);
  made.push(to);
  return withDatabase(CLUSTER, to);
}

// The name of the PostgreSQL database db names.
export function databaseOf(db) {
  const m = db.match(/^postgres(?:ql)?:\/\/[^/?#]*\/([^?#]+)/) ?? db.match(/(?:^|\s)dbname\s*=\s*(\S+)/);
  if (!m) throw new Error(`no database name in ${db}`);
  return decodeURIComponent(m[1]);
}

// The columns of table in db, in their order.
export function columnNames(db, table) {
  const sql = isPostgres(db)
    ? `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema()
       AND table_name = '${table}' ORDER BY ordinal_position`
    : `SELECT name FROM pragma_table_info('${table}') ORDER BY cid`;
  return runSql(db, sql, { readonly: true }).map((r) => r.name);
}

// The rows of several queries at once, read-only, each as one string to
// compare with a later call's (equal strings: the same rows; the form is
// the engine's own). queries: {name: SELECT}; returns {name: text}.
export function rowsText(db, queries) {
  const names = Object.keys(queries);
  if (isPostgres(db)) {
    const parts = names.map((n) => `SELECT '${n}' AS name, coalesce((SELECT json_agg(r)::text FROM (${queries[n]}) r), '[]') AS v`);
    const rows = runSql(db, parts.join(' UNION ALL '), { readonly: true });
    return Object.fromEntries(rows.map((r) => [r.name, r.v]));
  }
  if (SQL_LOG) for (const n of names) appendFileSync(SQL_LOG, `${JSON.stringify({ file: process.argv[1], postgres: false, sql: queries[n] })}\n`);
  const script = names.map((n) => `SELECT '#${n}'; ${queries[n]};`).join('\n');
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', '-readonly', db, script], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  const out = {};
  for (const chunk of r.stdout.split(/^#/m).filter(Boolean)) {
    const i = chunk.indexOf('\n');
    out[chunk.slice(0, i)] = chunk.slice(i + 1);
  }
  return out;
}

// SQL for the bytes of a blob expression as upper-case hex, in db's dialect
// (SQLite hex(), PostgreSQL encode()).
export function hexSql(db, expr) {
  return isPostgres(db) ? `upper(encode(${expr}, 'hex'))` : `hex(${expr})`;
}
