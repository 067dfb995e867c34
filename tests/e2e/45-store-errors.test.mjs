// Store error discipline: every list shows all its rows with the right total,
// and a read the database cannot finish answers the error shape (5xx, a
// stable code), never a short or empty 200.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, cli } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';

// Twelve processing offices: more than one page of five, more than the
// four kinds of list the set-up table once had.
const OFFICES = Array.from({ length: 12 }, (_, i) => ({
  code: `PB${String(i + 1).padStart(2, '0')}`, name: `Phòng ban số ${i + 1}`, kind: i % 4 === 3 ? 'partner' : 'internal',
}));
const BUNDLE = { ...DOSSIER_BUNDLE, offices: [...DOSSIER_BUNDLE.offices, ...OFFICES] };

// Runs SQL read-write on the database file with the sqlite3 shell, as an
// operator (or a failing disk) might change it under the running server.
function sqlWrite(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
}

// Makes row `id` of `table` unreadable: the table becomes a view that fails
// ("integer overflow") when any column of that row is read, so a scan gets
// its first rows and then an error, as with a bad sector mid-table.
function breakRow(s, table, id) {
  const cols = s.sql(`PRAGMA table_info(${table})`).map((c) => c.name);
  const sel = cols.map((c) => (c === 'id' ? 'id'
    : `CASE WHEN id = ${id} THEN abs(id - ${id} - 9223372036854775807 - 1) ELSE "${c}" END AS "${c}"`));
  sqlWrite(s.db, `ALTER TABLE ${table} RENAME TO ${table}_intact;`
    + ` CREATE VIEW ${table} AS SELECT ${sel.join(', ')} FROM ${table}_intact;`);
}

function assertServerError(r, what) {
  assert.ok(r.status >= 500 && r.status < 600, `${what}: expected 5xx, got ${r.status} ${r.text.slice(0, 300)}`);
  assert.equal(typeof r.json?.error?.code, 'string', `${what}: error shape: ${r.text.slice(0, 300)}`);
  assert.equal(r.json.error.code, 'store_error', what);
}

let s;
before(async () => { s = await startServer({ bundle: BUNDLE }); });
after(async () => { await s.stop(); s.cleanup(); });

test('GET /api/v1/offices lists every imported office with the right total, page by page', async () => {
  const all = await s.as('admin', 'GET', '/api/v1/offices?limit=100');
  assert.equal(all.status, 200, all.text);
  assert.equal(all.json.total, BUNDLE.offices.length);
  assert.deepEqual(all.json.items.map((o) => o.code), BUNDLE.offices.map((o) => o.code));
  for (const o of BUNDLE.offices) {
    const got = all.json.items.find((i) => i.code === o.code);
    assert.equal(got.name, o.name);
    assert.equal(got.kind, o.kind ?? 'internal');
  }
  const last = await s.as('sup', 'GET', '/api/v1/offices?offset=15&limit=5');
  assert.equal(last.status, 200, last.text);
  assert.equal(last.json.total, BUNDLE.offices.length);
  assert.deepEqual(last.json.items.map((o) => o.code), BUNDLE.offices.slice(15).map((o) => o.code));
});

test('each set-up list route shows all its rows and a total that agrees', async () => {
  const lists = [
    ['/api/v1/service-groups', BUNDLE.service_groups.map((g) => g.code), (i) => i.code],
    ['/api/v1/counters', BUNDLE.counters.map((c) => c.no), (i) => i.no],
    ['/api/v1/users', ['admin', ...BUNDLE.users.map((u) => u.username)], (i) => i.username],
    ['/api/v1/devices', BUNDLE.devices.map((d) => d.name), (i) => i.name],
    ['/api/v1/offices', BUNDLE.offices.map((o) => o.code), (i) => i.code],
    ['/api/v1/procedures', BUNDLE.procedures.map((p) => p.code), (i) => i.code],
  ];
  for (const [path, want, key] of lists) {
    const r = await s.as('admin', 'GET', `${path}?limit=100`);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    assert.equal(r.json.total, want.length, `${path} total`);
    assert.deepEqual(r.json.items.map(key).sort(), [...want].sort(), `${path} items`);
  }
});
