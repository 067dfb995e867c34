// A throwaway PostgreSQL cluster of a test's own (tests/pg/cluster): a
// primary, optionally with a synchronous standby, in a fresh temporary
// folder, and what a failover test does to it (kill the primary's
// postmaster, promote the standby) and reads from it (psql).
//
//   import { PG_MISSING, PgCluster } from './lib/pg-cluster.mjs';
//   describe('…', { skip: PG_MISSING }, () => { … });   // the reason, or false
//   const pg = await PgCluster.start({ standby: true });
//   const uri = pg.createDb('office');      // the URI naming every host
//   pg.rows('standby', 'office', 'SELECT …') // rows as objects, one node
//   pg.killPrimary(); await pg.promote();
//   pg.freeze('primary'); …; pg.thaw();      // SIGSTOP / SIGCONT
//   pg.stop();                               // in an after hook
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, ADMIN_PASSWORD, Server, SOURCE } from './harness.mjs';
import { DOSSIER_BUNDLE } from './dossier-bundle.mjs';

const CLUSTER = path.join(SOURCE, 'tests/pg/cluster');

// The newest installed server's bin folder (Debian's layout), or null.
function pgBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin/initdb')))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length ? path.join(root, versions.at(-1), 'bin') : null;
}

export const PG_BIN = pgBin();
// false when the tests can run; else why they are skipped.
export const PG_MISSING = PG_BIN ? false
  : 'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; scripts/deps test installs it)';

// As root, pg_ctl runs as the cluster's owner, postgres (tests/pg/cluster's as_owner).
const asRoot = process.getuid?.() === 0;

// Runs cmd asynchronously; resolves {status, stdout, stderr}.
function run(cmd, args) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

const MARK = 'motcua-rows:';

export class PgCluster {
  constructor(dir, uri) { this.dir = dir; this.uri = uri; }

  // Starts a cluster (with a synchronous standby when standby is true);
  // initdb and a base backup take 10-30 s on a busy machine.
  static async start({ standby = false } = {}) {
    // The folder itself: the script hands it to the postgres user.
    const dir = mkdtempSync(path.join(tmpdir(), 'motcua-pg-'));
    const r = await run(CLUSTER, ['start', dir, ...(standby ? ['--standby'] : [])]);
    if (r.status !== 0) throw new Error(`tests/pg/cluster start: ${r.status} ${r.stderr}`);
    return new PgCluster(dir, r.stdout.trim().split('\n').pop());
  }

  // The port of 'primary' or 'standby'.
  port(node) { return Number(readFileSync(path.join(this.dir, `${node}.port`), 'utf8').trim()); }

  // The cluster's URI (every host) naming database db.
  uriOf(db) { return this.uri.replace('@/postgres?', `@/${db}?`); }

  // A URI of one node alone.
  nodeUri(node, db) { return `postgresql://motcua@127.0.0.1:${this.port(node)}/${db}?connect_timeout=5`; }

  // Creates database db on the primary (the standby replays it); returns
  // the URI naming every host.
  createDb(db) {
    this.psql(this.uri, `CREATE DATABASE "${db}"`);
    return this.uriOf(db);
  }

  // psql on target with sql as its input; returns stdout; throws on error.
  psql(target, sql) {
    const r = spawnSync(path.join(PG_BIN, 'psql'), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', target], {
      input: sql, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
    });
    if (r.error) throw new Error(`psql: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`psql (status ${r.status}): ${r.stderr}`);
    return r.stdout;
  }

  // The rows of one SELECT on node's database db, as objects by column.
  rows(node, db, select) {
    const out = this.psql(this.nodeUri(node, db),
      `SELECT '${MARK}' || coalesce(json_agg(t), '[]')::text FROM (${select}) t;`);
    return JSON.parse(out.slice(out.lastIndexOf(MARK) + MARK.length));
  }

  // The pid of node's postmaster: the first line of its postmaster.pid.
  postmasterPid(node) {
    return Number(readFileSync(path.join(this.dir, node, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  // kill -9 of the primary's postmaster (its backends notice and end).
  killPrimary() { process.kill(this.postmasterPid('primary'), 'SIGKILL'); }

  // Promotes the standby and waits until it takes writes; resolves the
  // milliseconds pg_ctl took.
  async promote() {
    const t0 = performance.now();
    const args = ['-D', path.join(this.dir, 'standby'), '-w', '-t', '60', 'promote'];
    const r = asRoot ? await run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, 'pg_ctl'), ...args])
      : await run(path.join(PG_BIN, 'pg_ctl'), args);
    if (r.status !== 0) throw new Error(`pg_ctl promote: ${r.status} ${r.stderr}`);
    return performance.now() - t0;
  }

  // SIGSTOP to node's postmaster, then to its children (backends, workers):
  // the kernel still answers TCP for them, PostgreSQL answers nothing (a
  // hung server on a live machine). thaw() sends SIGCONT; stop() does too.
  freeze(node) {
    const pm = this.postmasterPid(node);
    process.kill(pm, 'SIGSTOP');
    const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pm)], { encoding: 'utf8' });
    const children = r.stdout.split('\n').map((l) => Number(l.trim())).filter(Boolean);
    for (const p of children) process.kill(p, 'SIGSTOP');
    this.frozen = [pm, ...children];
    return this.frozen.length;
  }

  thaw() {
    for (const p of this.frozen ?? []) {
      try { process.kill(p, 'SIGCONT'); } catch { /* gone */ }
    }
    this.frozen = [];
  }

  // Stops what start started and removes the folder.
  stop() {
    this.thaw();
    const r = spawnSync(CLUSTER, ['stop', this.dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tests/pg/cluster stop: ${r.stderr}`);
  }
}

// The distinct PostgreSQL errors a server logged (`postgresql: ERROR …
// in: <sql>`, a record of several lines), each as its first line and its
// statement, for a failure's message: which statement the port still owes.
export function pgErrors(stderr) {
  const records = (stderr ?? '').split(/\n(?=\d{4}-\d\d-\d\dT)/).filter((r) => /postgresql: ERROR/.test(r));
  const lines = records.map((r) => {
    const first = r.split('\n')[0].replace(/^\S+ \w+ /, '');
    const sql = r.match(/ in: ([\s\S]*)$/);
    return sql ? `${first} in: ${sql[1].replace(/\s+/g, ' ').slice(0, 400)}` : first;
  });
  return [...new Set(lines)].slice(0, 5).join('\n');
}

// The audit chain of database db on node, checked here as store.c's
// store_audit_verify does (ids 1..N, each prev_hash the hash before, each
// hash SHA-256 over its fields joined by US, version 2 from the setting
// event_hash_v2_from): null when sound, else what is wrong.
export function chainProblem(pg, node, db) {
  const v2 = pg.rows(node, db, "SELECT value FROM settings WHERE key = 'event_hash_v2_from'");
  const v2From = v2.length ? Number(v2[0].value) : 1;
  const rows = pg.rows(node, db, 'SELECT id, at, actor, entity, entity_id, action, details, prev_hash, hash,'
    + ' office_id, stream FROM events ORDER BY id');
  let prev = '0'.repeat(64);
  for (let i = 0; i < rows.length; i++) {
    const e = rows[i];
    if (Number(e.id) !== i + 1) return `event ${i + 1} is missing (found ${e.id} next)`;
    const h = createHash('sha256');
    if (Number(e.id) >= v2From) h.update('v2\x1f');
    h.update(`${e.prev_hash}\x1f${e.id}\x1f${e.at}\x1f`);
    for (const part of [e.actor, e.entity, e.entity_id, e.action, e.details]) h.update(`${part}\x1f`);
    if (Number(e.id) >= v2From) h.update(`${e.office_id ?? ''}\x1f${Number(e.stream)}\x1f`);
    if (e.prev_hash !== prev || h.digest('hex') !== e.hash) return `event ${e.id} does not match its hash`;
    prev = e.hash;
  }
  return null;
}

// `motcua-server audit-verify` on uri; where it cannot run on PostgreSQL
// yet (a statement of the port missing, not a broken chain), the chain is
// checked by chainProblem on node instead. Returns {ok, how}.
export function auditVerify(pg, uri, node, db) {
  const v = cli(['audit-verify', '--db', uri]);
  if (v.status === 0) return { ok: true, how: 'audit-verify' };
  if (/audit_(gap|mismatch)/.test(v.stderr + v.stdout)) return { ok: false, how: `audit-verify: ${v.stderr}` };
  const problem = chainProblem(pg, node, db);
  return {
    ok: problem === null,
    how: `audit-verify fails on PostgreSQL (${pgErrors(v.stderr).split('\n')[0]}); the chain checked by the test: ${problem ?? 'sound'}`,
  };
}

// A demo office on database db of pg (made here): init, then DOSSIER_BUNDLE
// imported with the queue open at any hour; returns its Server in dir (not
// started), with the imported devices' tokens.
export function officeServer(pg, db, dir) {
  const uri = pg.createDb(db);
  let r = cli(['init', '--db', uri, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  if (r.status !== 0) throw new Error(`init: ${r.stderr}`);
  const bundle = path.join(dir, 'bundle.json');
  writeFileSync(bundle, JSON.stringify({ ...DOSSIER_BUNDLE, settings: { ...DOSSIER_BUNDLE.settings, queue_any_hour: 1 } }));
  r = cli(['import', '--db', uri, bundle]);
  if (r.status !== 0) throw new Error(`import on PostgreSQL: ${r.stderr.slice(-3000)}`);
  const s = new Server(dir, uri);
  s.devices = Object.fromEntries(JSON.parse(r.stdout).devices_created.map((d) => [d.name, d.token]));
  return s;
}
