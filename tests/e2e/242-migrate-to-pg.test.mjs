// motcua-server migrate-to (docs/postgresql.md "Moving an office to
// PostgreSQL"): an office's SQLite database with real content (the test
// office, a citizen's feedback with a PDF attached, three days simulated)
// copied into a PostgreSQL database of a throwaway cluster
// (tests/pg/cluster): every table's rows, a sample of rows column by
// column (bytes and Vietnamese text), the hash chain verified on arrival,
// ids and sequences, a second copy and a target with data refused with
// nothing changed, and a tampered source caught after the copy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_PASSWORD, cli, Server, SOURCE, sqlite, tableCounts } from './lib/harness.mjs';
import { ON_POSTGRES } from './lib/pg.mjs';

const PG_BIN = (() => {
  try {
    const v = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)).pop();
    const bin = v && `/usr/lib/postgresql/${v}/bin`;
    return bin && existsSync(`${bin}/initdb`) ? bin : null;
  } catch { return null; }
})();
// The source is an SQLite file and the test starts its own cluster: it runs
// in the SQLite pass of scripts/test, not again in the PostgreSQL one.
const SKIP = ON_POSTGRES ? 'migrate-to copies an SQLite file: runs in the SQLite pass'
  : PG_BIN ? false : 'PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb; scripts/deps test)';

const PDF = Buffer.from(`%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
trailer << /Root 1 0 R >>
%%EOF
\u0000\u00ff\u0001 bytes past the end: not text`, 'latin1');
const TEXT = 'Phản ánh: cán bộ hướng dẫn chưa rõ thủ tục đăng ký khai sinh — “thiếu tờ khai”.';

const sha = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
let dir, cluster, base, db;

// Runs SQL on the PostgreSQL database named name; returns the rows' text.
function psql(name, sql) {
  const r = spawnSync(`${PG_BIN}/psql`, [uriOf(name), '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', sql],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}
const uriOf = (name) => base.replace('/postgres?', `/${name}?`);
const createDb = (name) => psql('postgres', `CREATE DATABASE ${name}`);
function pgCounts(name) {
  const rows = psql(name, "SELECT tablename, (xpath('/row/n/text()', query_to_xml("
    + "format('SELECT count(*) AS n FROM %I', tablename), false, true, '')))[1]::text"
    + " FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'motcua_schema' ORDER BY 1");
  return Object.fromEntries(rows.split('\n').filter(Boolean).map((l) => {
    const [t, n] = l.split('|');
    return [t, Number(n)];
  }));
}
const sorted = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

before(async () => {
  if (SKIP) return;
  dir = mkdtempSync(path.join(tmpdir(), 'motcua-migrate-'));
  // Run as root, the cluster belongs to postgres, who must reach it.
  chmodSync(dir, 0o755);
  cluster = path.join(dir, 'pg');
  const r = spawnSync(path.join(SOURCE, 'tests/pg/cluster'), ['start', cluster], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cluster start: ${r.stderr}`);
  base = r.stdout.trim();

  // The demo province with a few days of queue and dossiers, then a
  // citizen's feedback with its PDF and Vietnamese text through the server.
  db = path.join(dir, 'office.db');
  let c = cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  assert.equal(c.status, 0, c.stderr);
  c = cli(['import', '--db', db, path.join(SOURCE, 'data/demo-bundle.json')]);
  assert.equal(c.status, 0, c.stderr);
  c = cli(['simulate', '--db', db, '--days', '6', '--seed', '5']);
  assert.equal(c.status, 0, c.stderr);
  const s = new Server(dir, db);
  s.extraArgs = [];
  await s.start();
  const f = await s.req('POST', '/api/v1/public/feedback', { body: {
    class: 'conduct', office: 'TTHCC-QTR', text: TEXT,
    sender: { name: 'Võ Thị Hồng Nhung', address: 'Thôn Xuân Phước, Hướng Hóa', email: 'nhung@example.vn' },
    attachments: [{ name: 'biên-lai.pdf', type: 'application/pdf', data: PDF.toString('base64') }] } });
  await s.stop();
  assert.equal(f.status, 201, f.text);
});

after(() => {
  if (cluster) spawnSync(path.join(SOURCE, 'tests/pg/cluster'), ['stop', cluster]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('every table, row and byte arrives, the chain verifies there, ids go on after the copied ones', { skip: SKIP }, () => {
  const before = sha(db);
  const counts = tableCounts(db);
  for (const t of ['events', 'tickets', 'visits', 'dossiers', 'feedback', 'feedback_files', 'ratings']) {
    assert.ok(counts[t] > 0, `the source has ${t}`);
  }
  createDb('office');
  const r = cli(['migrate-to', '--db', db, uriOf('office')], { timeout: 300000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.equal(sha(db), before, 'the source is only read');

  // Rows per table, figures included, motcua_schema apart.
  assert.deepEqual(sorted(pgCounts('office')), sorted(counts));
  assert.match(r.stdout, new RegExp(`ok: ${counts.events} events, hash chain intact on PostgreSQL`));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  assert.match(r.stdout, new RegExp(`ok: ${Object.keys(counts).length} tables, ${total} rows copied`));
  assert.equal(psql('office', 'SELECT version FROM motcua_schema'),
    String(sqlite(db, 'PRAGMA user_version')[0].user_version));

  // A sample, column by column: blobs as hex, everything else as JSON.
  for (const t of ['events', 'feedback', 'feedback_files', 'dossiers', 'users', 'offices', 'settings', 'fig_span']) {
    const cols = sqlite(db, `SELECT name, type FROM pragma_table_info('${t}') ORDER BY cid`);
    const pick = (hex) => cols.map((c) => (c.type === 'BLOB' ? `${hex(c.name)} AS "${c.name}"` : `"${c.name}"`)).join(', ');
    const order = cols.some((c) => c.name === 'id') ? 'id' : cols[0].name;
    const lite = sqlite(db, `SELECT ${pick((c) => `hex("${c}")`)} FROM "${t}" ORDER BY ${order} LIMIT 300`);
    const pg = JSON.parse(psql('office', `SELECT coalesce(json_agg(r), '[]') FROM (SELECT`
      + ` ${pick((c) => `upper(encode("${c}", 'hex'))`)} FROM "${t}" ORDER BY ${order} LIMIT 300) r`));
    assert.equal(pg.length, lite.length, t);
    for (let i = 0; i < lite.length; i++) assert.deepEqual(pg[i], lite[i], `${t} row ${i}`);
  }
  // The attachment's bytes and the feedback's text exactly.
  assert.equal(psql('office', 'SELECT encode(data, \'hex\') FROM feedback_files ORDER BY id LIMIT 1'),
    PDF.toString('hex'));
  assert.equal(psql('office', 'SELECT text FROM feedback ORDER BY id LIMIT 1'), TEXT);

  // Each identity sequence is past the largest id copied.
  for (const t of ['events', 'tickets', 'dossiers', 'feedback']) {
    const max = Number(psql('office', `SELECT max(id) FROM ${t}`));
    const seq = Number(psql('office', `SELECT nextval(pg_get_serial_sequence('${t}', 'id'))`));
    assert.equal(seq, max + 1, `${t}'s sequence`);
  }

  // The target's own audit-verify: its chain at least (the rest of its
  // checks run once their SQL is on PostgreSQL).
  const v = cli(['audit-verify', '--db', uriOf('office')]);
  if (v.status === 0) assert.match(v.stdout, new RegExp(`ok: ${counts.events} events`));
});

test('a second copy into the same database is refused, nothing changed', { skip: SKIP }, () => {
  const countsBefore = pgCounts('office');
  const last = psql('office', 'SELECT max(id) || hash FROM events GROUP BY hash ORDER BY max(id) DESC LIMIT 1');
  const r = cli(['migrate-to', '--db', db, uriOf('office')]);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /\[target_not_empty\]/);
  assert.deepEqual(pgCounts('office'), countsBefore);
  assert.equal(psql('office', 'SELECT max(id) || hash FROM events GROUP BY hash ORDER BY max(id) DESC LIMIT 1'), last);
});

test('a database holding another program\'s data is refused, nothing created', { skip: SKIP }, () => {
  createDb('other');
  psql('other', 'CREATE TABLE notes (a int); INSERT INTO notes VALUES (1)');
  const r = cli(['migrate-to', '--db', db, uriOf('other')]);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /\[target_not_empty\]/);
  assert.equal(psql('other', "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'"), 'notes');
});

test('bad input: clear refusals with their codes', { skip: SKIP }, () => {
  assert.equal(cli(['migrate-to', '--help']).status, 0);
  assert.match(cli(['migrate-to', '--help']).stdout, /usage: motcua-server migrate-to --db FILE TARGET/);
  assert.equal(cli(['migrate-to', '--db', db]).status, 2);
  assert.equal(cli(['migrate-to', uriOf('x')]).status, 2);
  assert.equal(cli(['migrate-to', '--db', db, path.join(dir, 'x.db')]).status, 2);
  assert.equal(cli(['migrate-to', '--db', path.join(dir, 'none.db'), uriOf('x')]).status, 2);
  const junk = path.join(dir, 'junk.db');
  sqlite(junk, 'CREATE TABLE notes (a); INSERT INTO notes VALUES (1);', { json: false });
  createDb('fresh');
  let r = cli(['migrate-to', '--db', junk, uriOf('fresh')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\[not_a_motcua_database\]/);
  r = cli(['migrate-to', '--db', db, 'postgresql://motcua@127.0.0.1:1/x?connect_timeout=3']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\[target_unreachable\]/);
  // A role the server does not know is a refused login, not an unreachable server.
  r = cli(['migrate-to', '--db', db, uriOf('fresh').replace('motcua@', 'unknownrole@')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /role "unknownrole" does not exist.*\[target_auth_failed\]/, r.stderr);
  // Nothing was written to the fresh database by the refused source.
  assert.equal(psql('fresh', "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), '0');
});

test('an empty PostgreSQL database is not a motcua database, named without the URI\'s password', { skip: SKIP }, () => {
  createDb('emptydb');
  const uri = uriOf('emptydb').replace('motcua@', 'motcua:s3cr3t-pw@');
  for (const args of [['audit-verify', '--db', uri], ['serve', '--db', uri, '--port', '0']]) {
    const r = cli(args);
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, /The PostgreSQL database emptydb is not a motcua database \(no motcua tables.*motcua-server init \[not_a_motcua_database\]/, r.stderr);
    assert.ok(!r.stderr.includes('s3cr3t'), `no password: ${r.stderr}`);
    assert.ok(!/SQLite|file/.test(r.stderr), `no file on PostgreSQL: ${r.stderr}`);
  }
  assert.equal(psql('emptydb', "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), '0', 'nothing created');
});

test('a table one engine\'s schema lacks is refused loudly, never skipped', { skip: SKIP }, () => {
  const extra = path.join(dir, 'extra.db');
  copyFileSync(db, extra);
  sqlite(extra, 'CREATE TABLE later_table (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO later_table VALUES (1, \'x\');', { json: false });
  createDb('extra');
  const r = cli(['migrate-to', '--db', extra, uriOf('extra')]);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /table later_table of the SQLite database has no PostgreSQL table.*\[migrate_schema\]/);
  assert.equal(psql('extra', 'SELECT count(*) FROM events'), '0', 'nothing copied');
});

test('a source event edited behind the chain\'s back fails the check after the copy', { skip: SKIP }, () => {
  const bad = path.join(dir, 'tampered.db');
  copyFileSync(db, bad);
  sqlite(bad, "UPDATE events SET details = '{\"note\":\"sửa\"}' WHERE id = 20;", { json: false });
  createDb('tampered');
  const r = cli(['migrate-to', '--db', bad, uriOf('tampered')], { timeout: 300000 });
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /committed but does not verify: event 20 does not match its hash \[audit_mismatch\]/);
});
