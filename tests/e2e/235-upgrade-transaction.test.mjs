// The upgrade is all or nothing (docs/upgrade.md): a database newer than the
// program is refused and left byte for byte as it was; a migration killed
// half-way (MOTCUA_FAULT=migrate_step:N, a power cut inside the transaction)
// or a step that fails (MOTCUA_FAULT=migrate_fail:N) leaves the database at
// its old schema with its old rows, and the next normal start migrates it
// fully.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ADMIN_PASSWORD, BIN, cli, Server, SOURCE, sqlite, tableCounts, sqliteOnly } from './lib/harness.mjs';

const FIXTURES = path.join(SOURCE, 'tests/fixtures/schema');

const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');
const version = (db) => sqlite(db, 'PRAGMA user_version')[0].user_version;

// What a user would compare: the tables with their rows, the schema's
// objects, the dossiers as they stand.
function state(db) {
  return {
    version: version(db),
    schema: sqlite(db, 'SELECT type, name, sql FROM sqlite_master ORDER BY type, name'),
    rows: tableCounts(db),
    dossiers: sqlite(db, 'SELECT id, code, status FROM dossiers ORDER BY id'),
  };
}

function tempDir(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// A database of today's schema made by init; its schema number.
function freshDb(dir) {
  const db = path.join(dir, 'office.db');
  const r = cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  assert.equal(r.status, 0, r.stderr);
  return db;
}

// The oldest schema fixture, loaded: the migration with the most steps.
const oldest = readdirSync(FIXTURES).map((f) => /^v(\d+)\.sql\.gz$/.exec(f)).filter(Boolean)
  .map((m) => ({ version: Number(m[1]), file: path.join(FIXTURES, m[0]) }))
  .sort((a, b) => a.version - b.version)[0];

function loadOldest(dir) {
  const db = path.join(dir, 'old.db');
  sqlite(db, gunzipSync(readFileSync(oldest.file)).toString('utf8'), { json: false });
  assert.equal(version(db), oldest.version);
  return db;
}

// motcua-server args with env added; {status, signal, stdout, stderr}.
function run(args, env = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 120000, env: { ...process.env, ...env } });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// serve on db until it exits (it should not get to listen); {status, stderr}.
function serveOnce(db, env = {}) {
  return run(['serve', '--db', db, '--port', '0'], env);
}

let CURRENT;
test('today\'s schema',
  sqliteOnly('the user_version of a file init made'), () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
  try {
    CURRENT = version(freshDb(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(oldest && oldest.version < CURRENT, 'an older schema fixture exists');
});

for (const mode of ['wal', 'delete']) {
  test(`a newer database (journal ${mode}) is refused and left byte for byte`,
    sqliteOnly('a file of a newer schema, its journal modes and bytes'), (t) => {
    const dir = tempDir(t);
    const db = freshDb(dir);
    sqlite(db, `PRAGMA journal_mode=${mode}; PRAGMA user_version=${CURRENT + 1};`, { json: false });
    assert.equal(version(db), CURRENT + 1);
    const hash = sha(db);

    const s = serveOnce(db);
    assert.notEqual(s.status, 0, `serve exits non-zero: ${s.stdout} ${s.stderr}`);
    assert.equal(s.signal, null, 'serve exits by itself');
    assert.match(s.stderr, /schema_too_new/);
    assert.match(s.stderr, new RegExp(`schema ${CURRENT + 1} is newer than this program \\(${CURRENT}\\)`));
    assert.doesNotMatch(s.stdout, /listening on/);

    const v = cli(['audit-verify', '--db', db]);
    assert.notEqual(v.status, 0, `audit-verify exits non-zero: ${v.stdout}`);
    assert.match(v.stderr, /schema_too_new/);

    const b = cli(['backup', '--db', db, path.join(dir, 'b.db.gz')]);
    assert.notEqual(b.status, 0, 'backup refuses it too');

    assert.equal(sha(db), hash, 'the file\'s bytes are unchanged');
    assert.equal(version(db), CURRENT + 1);
    assert.ok(!existsSync(`${db}-wal`) || readFileSync(`${db}-wal`).length === 0, 'no write left in a WAL');
  });
}

test('a migration killed inside its transaction leaves the old database; the next start migrates',
  sqliteOnly('SQLite databases of an earlier schema (tests/fixtures/schema) upgraded'), async (t) => {
  // The first step, one in the middle and the last one (all steps done and
  // user_version at today's, but no COMMIT).
  const steps = [...new Set([oldest.version + 1, Math.ceil((oldest.version + 1 + CURRENT) / 2), CURRENT])];
  for (const n of steps) {
    const dir = tempDir(t);
    const db = loadOldest(dir);
    const before = state(db);

    const k = serveOnce(db, { MOTCUA_FAULT: `migrate_step:${n}` });
    assert.equal(k.status, 86, `killed after step ${n}: ${k.status} ${k.signal} ${k.stderr}`);
    assert.match(k.stderr, new RegExp(`killed after schema step ${n}\\b`));
    assert.doesNotMatch(k.stdout, /listening on/);
    assert.ok(existsSync(`${db}-wal`), 'the process died with its write-ahead log open');
    assert.deepEqual(state(db), before, `after a kill at step ${n}: the old schema, tables and rows`);

    // A normal start migrates fully and serves the old history.
    const s = new Server(dir, db);
    s.extraArgs = [];
    s.devices = {};
    await s.start();
    assert.equal(version(db), CURRENT, 'migrated at the next start');
    const d = before.dossiers.at(-1);
    const look = await s.as('admin', 'GET', `/api/v1/dossiers/${encodeURIComponent(d.code)}`);
    assert.equal(look.status, 200, look.text);
    assert.equal(look.json.status, d.status);
    await s.stop();
    assert.deepEqual(sqlite(db, 'SELECT id, code, status FROM dossiers ORDER BY id'), before.dossiers);
    const v = cli(['audit-verify', '--db', db], { timeout: 120000 });
    assert.equal(v.status, 0, `audit-verify: ${v.stdout} ${v.stderr}`);
  }
});

test('a step that fails leaves the old database and says which step, then a start migrates',
  sqliteOnly('SQLite databases of an earlier schema (tests/fixtures/schema) upgraded'), async (t) => {
  const n = Math.min(oldest.version + 2, CURRENT);
  const dir = tempDir(t);
  const db = loadOldest(dir);
  const before = state(db);

  // audit-verify never migrates: an older schema is refused as it is.
  const f = run(['audit-verify', '--db', db], { MOTCUA_FAULT: `migrate_fail:${n}` });
  assert.notEqual(f.status, 0, `audit-verify fails: ${f.stdout}`);
  assert.match(f.stderr, /\[schema_too_old\]/);
  assert.match(f.stderr, new RegExp(`schema ${oldest.version} is older than this program \\(${CURRENT}\\)`));
  assert.deepEqual(state(db), before, 'nothing changed');

  const s = serveOnce(db, { MOTCUA_FAULT: `migrate_fail:${n}` });
  assert.notEqual(s.status, 0);
  assert.equal(s.signal, null, 'serve exits by itself, no crash');
  assert.match(s.stderr, /\[migration_failed\]/);
  assert.match(s.stderr, new RegExp(`from schema ${oldest.version} to ${CURRENT} failed at step ${n}\\b`));
  assert.match(s.stderr, new RegExp(`still schema ${oldest.version}\\b`));
  assert.deepEqual(state(db), before, 'nothing changed');

  // A normal start migrates.
  const m = new Server(dir, db);
  m.extraArgs = [];
  m.devices = {};
  await m.start();
  await m.stop();
  const v = cli(['audit-verify', '--db', db], { timeout: 120000 });
  assert.equal(v.status, 0, `audit-verify: ${v.stdout} ${v.stderr}`);
  assert.equal(version(db), CURRENT);
  assert.deepEqual(sqlite(db, 'SELECT id, code, status FROM dossiers ORDER BY id'), before.dossiers);
});
