// The event hash chain covers where an event belongs (docs/api.md, "Audit
// chain"): an event moved to another centre (whose screens, stream and
// ledger it then feeds) or with its live-stream flag flipped fails
// `motcua-server audit-verify`, naming the event. A database migrated from
// the single-office version keeps verifying: its old events with the hash
// they were written with, the events written since with office and stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cli, PASSWORDS, Server, SOURCE, startServer, sqlite as runSql, sqliteOnly } from './lib/harness.mjs';
import { PROVINCE_BUNDLE } from './lib/province-bundle.mjs';

const FIXTURE = path.join(SOURCE, 'tests/fixtures/single-office-v7.sql.gz');
Object.assign(PASSWORDS, { motcua1: 'motcua1-demo' });

// Runs SQL on db, read/write (the tampering).
const sqlite = (db, sql) => runSql(db, sql, { json: false });

// audit-verify passes on db.
function assertIntact(db, why) {
  const v = cli(['audit-verify', '--db', db]);
  assert.equal(v.status, 0, `${why}: ${v.stdout} ${v.stderr}`);
  assert.match(v.stdout, /hash chain intact/);
}

// audit-verify fails on db, naming event id as the first one that does not
// match its hash.
function assertCaught(db, id, why) {
  const v = cli(['audit-verify', '--db', db]);
  assert.notEqual(v.status, 0, `${why}: audit-verify passed: ${v.stdout}`);
  assert.match(v.stderr, new RegExp(`event ${id} does not match its hash \\[audit_mismatch\\]`), why);
}

test('an event moved to another centre, or its stream flag flipped, fails audit-verify', async (t) => {
  const s = await startServer({ bundle: PROVINCE_BUNDLE });
  t.after(() => s.cleanup());
  const r = await s.req('POST', '/api/v1/tickets', { token: s.devices['a-kiosk'], body: { group: 'CT' } });
  assert.equal(r.status, 201, r.text);
  await s.stop();

  const [ev] = s.sql("SELECT id, office_id, stream FROM events WHERE action = 'ticket.issued'");
  const [a] = s.sql("SELECT id FROM offices WHERE code = 'TT-KS'");
  const [b] = s.sql("SELECT id FROM offices WHERE code = 'TT-LB'");
  assert.deepEqual({ office: ev.office_id, stream: ev.stream }, { office: a.id, stream: 1 },
    'the ticket is the Khe Sanh centre\'s and on its live stream');
  assertIntact(s.db, 'untouched');

  sqlite(s.db, `UPDATE events SET office_id = ${b.id} WHERE id = ${ev.id}`);
  assertCaught(s.db, ev.id, 'moved to the Lao Bảo centre');
  sqlite(s.db, `UPDATE events SET office_id = NULL WHERE id = ${ev.id}`);
  assertCaught(s.db, ev.id, 'taken from every centre');
  sqlite(s.db, `UPDATE events SET office_id = ${a.id} WHERE id = ${ev.id}`);
  assertIntact(s.db, 'put back');

  sqlite(s.db, `UPDATE events SET stream = 0 WHERE id = ${ev.id}`);
  assertCaught(s.db, ev.id, 'taken off the live stream');
  sqlite(s.db, `UPDATE events SET stream = 1 WHERE id = ${ev.id}`);
  assertIntact(s.db, 'stream put back');

  // An event of no centre (an import's) given one.
  const [plain] = s.sql('SELECT id FROM events WHERE office_id IS NULL AND stream = 0 ORDER BY id LIMIT 1');
  assert.ok(plain, 'the import wrote events of no centre');
  sqlite(s.db, `UPDATE events SET office_id = ${b.id} WHERE id = ${plain.id}`);
  assertCaught(s.db, plain.id, 'an event of no centre given one');
  sqlite(s.db, `UPDATE events SET office_id = NULL, stream = 1 WHERE id = ${plain.id}`);
  assertCaught(s.db, plain.id, 'an event off the stream put on it');
});

test('a database migrated from the single-office version verifies, and so do the events written since',
  sqliteOnly('a schema 7 file (tests/fixtures/single-office-v7.sql.gz) upgraded'), async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
  const db = path.join(dir, 'office.db');
  sqlite(db, gunzipSync(readFileSync(FIXTURE)).toString('utf8'));
  const s = new Server(dir, db);
  s.extraArgs = ['--test-clock'];
  s.devices = {};
  t.after(() => s.cleanup());
  const [{ last }] = s.sql('SELECT max(id) AS last FROM events');
  assert.ok(last > 100, 'the fixture has history');

  await s.start();
  await s.stop();
  assertIntact(db, 'just migrated');

  // New events of the centre, on its stream: a clerk opens and closes a counter.
  await s.start();
  const counters = await s.as('motcua1', 'GET', '/api/v1/counters?limit=100');
  assert.equal(counters.status, 200, counters.text);
  const no = counters.json.items[0].no;
  for (const state of ['open', 'closed']) {
    const r = await s.as('motcua1', 'POST', `/api/v1/counters/${no}/state`, { body: { state } });
    assert.equal(r.status, 200, r.text);
  }
  await s.stop();
  assertIntact(db, 'events written after the migration');

  const [ev] = s.sql(`SELECT id, office_id FROM events WHERE id > ${last} AND stream = 1`
    + ' AND office_id IS NOT NULL ORDER BY id LIMIT 1');
  assert.ok(ev, 'a counter event of the centre was written');
  sqlite(db, `UPDATE events SET office_id = NULL WHERE id = ${ev.id}`);
  assertCaught(db, ev.id, 'a new event taken from its centre');
  sqlite(db, `UPDATE events SET office_id = ${ev.office_id} WHERE id = ${ev.id}`);
  assertIntact(db, 'put back');

  // The old events are still checked (with the hash they were written with).
  sqlite(db, `UPDATE events SET actor = 'mallory' WHERE id = ${last - 1}`);
  assertCaught(db, last - 1, 'an old event edited');
});
