// Upgrade from every earlier schema (docs/upgrade.md): each database in
// tests/fixtures/schema/vN.sql.gz was made by the program of the last commit
// of main with schema N, with simulated history (tests/fixtures/README.md,
// tests/fixtures/schema/make). Every fixture found there is refused by
// today's audit-verify (no migration outside the server) and migrated by
// today's server at its start: it reaches today's schema, no table loses a row,
// the history (dossiers, tickets, the audit chain) is unchanged, audit-verify
// passes, and the server issues a ticket and looks a dossier up on it. The
// folder must hold a fixture for every schema from its oldest to today's − 1
// (versions that never reached main are listed in tests/fixtures/schema/
// never-on-main with their reason).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ADMIN_PASSWORD, cli, Server, SOURCE, sqlite, tableCounts, sqliteOnly } from './lib/harness.mjs';

const FIXTURES = path.join(SOURCE, 'tests/fixtures/schema');
const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');

// Rows a migration step adds to a table that already existed: the root and
// the centre of step 8 (a single office becomes a province of one centre),
// settings of steps 8 and 9 (the province's public_url, the first event of
// hash version 2). Any other table keeps exactly its rows.
const MAY_GAIN = new Set(['offices', 'settings']);

const fixtures = readdirSync(FIXTURES)
  .map((f) => /^v(\d+)\.sql\.gz$/.exec(f))
  .filter(Boolean)
  .map((m) => ({ version: Number(m[1]), file: path.join(FIXTURES, m[0]) }))
  .sort((a, b) => a.version - b.version);

// Versions of no commit of main (made and changed within one change), each
// "N reason" on a line of tests/fixtures/schema/never-on-main.
function neverOnMain() {
  const f = path.join(FIXTURES, 'never-on-main');
  if (!existsSync(f)) return new Set();
  return new Set(readFileSync(f, 'utf8').split('\n')
    .map((l) => l.replace(/#.*/, '').trim()).filter(Boolean)
    .map((l) => Number(l.split(/\s+/)[0])));
}

// Today's schema: the user_version of a database init makes.
function currentSchema() {
  const dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
  try {
    const db = path.join(dir, 'new.db');
    const r = cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
    assert.equal(r.status, 0, r.stderr);
    return sqlite(db, 'PRAGMA user_version')[0].user_version;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CURRENT = currentSchema();

test('the fixture folder holds every schema from its oldest to today\'s − 1', () => {
  assert.ok(fixtures.length > 0, `no vN.sql.gz in ${FIXTURES}`);
  const have = new Set(fixtures.map((f) => f.version));
  const skip = neverOnMain();
  const missing = [];
  for (let v = fixtures[0].version; v < CURRENT; v++) {
    if (!have.has(v) && !skip.has(v)) missing.push(v);
  }
  assert.deepEqual(missing, [], `schemas without a fixture (run tests/fixtures/schema/make ${missing.join(' ')})`);
  assert.ok(fixtures.every((f) => f.version < CURRENT),
    `a fixture is of today's schema ${CURRENT} or newer: ${fixtures.map((f) => f.version)}`);
});

for (const { version, file } of fixtures) {
  test(`schema ${version} upgrades to today's with its history`,
    sqliteOnly('SQLite databases of every earlier schema (tests/fixtures/schema) upgraded'), async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
    const db = path.join(dir, 'office.db');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    sqlite(db, gunzipSync(readFileSync(file)).toString('utf8'), { json: false });
    assert.equal(sqlite(db, 'PRAGMA user_version')[0].user_version, version, `${file} is schema ${version}`);

    const before = tableCounts(db);
    const oldDossiers = sqlite(db, 'SELECT id, code, status, received_at FROM dossiers ORDER BY id');
    const oldTickets = sqlite(db, 'SELECT id, label, service_day, state FROM tickets ORDER BY id');
    const oldEvents = sqlite(db, 'SELECT id, at, action, hash FROM events ORDER BY id');
    assert.ok(oldDossiers.length > 50 && oldTickets.length > 50 && oldEvents.length > 100,
      `the fixture has history: ${oldDossiers.length} dossiers, ${oldTickets.length} tickets`);

    // audit-verify does not migrate (a newly unpacked program must not
    // upgrade the database under the old server still running): it refuses
    // and leaves every byte.
    const hash = sha(db);
    const refused = cli(['audit-verify', '--db', db]);
    assert.equal(refused.status, 1, `audit-verify refuses an older schema: ${refused.stdout} ${refused.stderr}`);
    assert.match(refused.stderr, /\[schema_too_old\]/);
    assert.match(refused.stderr, /Start the new server/);
    assert.equal(sha(db), hash, 'audit-verify left the file as it was');

    // Starting the new server migrates it; then audit-verify checks the
    // chain and every maintained figure.
    const m = new Server(dir, db);
    m.extraArgs = [];
    m.devices = {};
    await m.start();
    await m.stop();
    assert.match(m.stderr, new RegExp(`migrated schema ${version} -> ${CURRENT}`), 'the migration is logged');
    const v = cli(['audit-verify', '--db', db], { timeout: 120000 });
    assert.equal(v.status, 0, `audit-verify: ${v.stdout} ${v.stderr}`);
    assert.match(v.stdout, /hash chain intact/);
    assert.equal(sqlite(db, 'PRAGMA user_version')[0].user_version, CURRENT, 'today\'s schema');
    assert.deepEqual(sqlite(db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    assert.deepEqual(sqlite(db, 'PRAGMA foreign_key_check'), []);

    // No table lost a row or a column's worth of history.
    const after = tableCounts(db);
    for (const [table, n] of Object.entries(before)) {
      assert.ok(table in after, `table ${table} is still there`);
      if (MAY_GAIN.has(table)) assert.ok(after[table] >= n, `rows of ${table}: ${after[table]} < ${n}`);
      else assert.equal(after[table], n, `rows of ${table}`);
    }
    assert.deepEqual(sqlite(db, 'SELECT id, code, status, received_at FROM dossiers ORDER BY id'), oldDossiers,
      'every dossier keeps its code, status and receipt');
    assert.deepEqual(sqlite(db, 'SELECT id, label, service_day, state FROM tickets ORDER BY id'), oldTickets,
      'every ticket keeps its number, day and state');
    assert.deepEqual(sqlite(db, `SELECT id, at, action, hash FROM events WHERE id <= ${oldEvents.at(-1).id}`
      + ' ORDER BY id'), oldEvents, 'the audit chain\'s old events are untouched');

    // The upgraded database serves: the old administrator logs in, issues a
    // ticket at a centre and looks up an old dossier.
    const s = new Server(dir, db);
    s.extraArgs = [];
    s.devices = {};
    await s.start();
    t.after(() => s.stop());
    assert.equal(sqlite(db, 'PRAGMA user_version')[0].user_version, CURRENT);
    const [hall] = s.sql("SELECT o.code AS office, g.code AS grp FROM service_groups g"
      + " JOIN offices o ON o.id = g.office_id WHERE o.kind = 'centre' ORDER BY g.id LIMIT 1");
    assert.ok(hall, 'the upgraded database has a centre with a group');
    const ticket = await s.as('admin', 'POST', `/api/v1/tickets?office=${encodeURIComponent(hall.office)}`,
      { body: { group: hall.grp } });
    assert.equal(ticket.status, 201, ticket.text);
    assert.equal(ticket.json.ticket.state, 'waiting');
    const old = oldDossiers[Math.floor(oldDossiers.length / 2)];
    const look = await s.as('admin', 'GET', `/api/v1/dossiers/${encodeURIComponent(old.code)}`);
    assert.equal(look.status, 200, look.text);
    assert.equal(look.json.code, old.code);
    assert.equal(look.json.status, old.status, 'the old dossier reads as it was');
    const list = await s.as('admin', 'GET', '/api/v1/dossiers?limit=1');
    assert.equal(list.json.total, oldDossiers.length, 'the administrator sees every old dossier');
    await s.stop();

    // The chain still verifies with the new ticket's events on top.
    const v2 = cli(['audit-verify', '--db', db], { timeout: 120000 });
    assert.equal(v2.status, 0, `audit-verify after serving: ${v2.stdout} ${v2.stderr}`);
  });
}
