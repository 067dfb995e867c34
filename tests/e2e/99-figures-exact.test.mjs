// The maintained figures (docs/indicators.md "Maintained figures") give the
// same indicators as counting the rows themselves (source=scan), for every
// unit, grouping and period a supervisor asks: on a simulated history of
// two centres, after each kind of action on tickets and dossiers, over a
// busy day whose tokens span many chunks, after a restore, and after the
// migration of an old database. audit-verify
// compares the maintained rows with a recomputation, catches one edited by
// hand, and with --rebuild-figures repairs it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { cli, Server, SOURCE, startServer, sqlite, sqliteOnly } from './lib/harness.mjs';
import { copyDb } from './lib/pg.mjs';
import { ok, setClock } from './lib/steps.mjs';
import { PROVINCE_BUNDLE, CENTRE_A } from './lib/province-bundle.mjs';

let s;
const dirs = [];
before(async () => {
  // The test clock stands still between moves: both answers of a
  // comparison are counted at the same instant.
  s = await startServer({ bundle: PROVINCE_BUNDLE, args: ['--test-clock', '--logins-per-minute', '1000'] });
  await s.stop();
  const sim = cli(['simulate', '--db', s.db, '--days', '12', '--seed', '7']);
  assert.equal(sim.status, 0, sim.stderr);
  s.checked = false;
  await s.start();
  s.tokens = {};
  // The cases move the clock on by hours: start at the next 07:00 office
  // time (UTC+7), never before the simulated history, so that every case
  // stays within one office day whatever the hour the suite runs at.
  const day = 86400, ict = 7 * 3600, at7 = 7 * 3600;
  const real = Math.floor(Date.now() / 1000);
  now = Math.floor((real + ict) / day) * day - ict + at7;
  if (now < real) now += day;
  await setClock(s, now);
});
after(async () => {
  await s?.stop();
  s?.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let now;
const day = (offset) => new Date(Date.now() + 7 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);

// Every unit, grouping and period: the figures' answer equals the scans'.
async function same(server, what, { units = ['', 'TT-KS', 'TT-LB', 'UB-KS', 'UB-LB'], who = 'admin' } = {}) {
  const periods = [[day(-13), day(0)], [day(0), day(0)], [day(-3), day(-1)], [day(-400), day(30)]];
  let n = 0;
  for (const by of ['office', 'procedure', 'field', 'counter']) {
    for (const unit of units) {
      for (const [from, to] of periods) {
        const q = `/api/v1/indicators?from=${from}&to=${to}&by=${by}${unit ? `&office=${unit}` : ''}`;
        const a = ok(await server.as(who, 'GET', q));
        const b = ok(await server.as(who, 'GET', `${q}&source=scan`));
        assert.deepEqual(a, b, `${what}: ${q}`);
        n++;
      }
    }
  }
  return n;
}

function verify(db, what) {
  const v = cli(['audit-verify', '--db', db]);
  assert.equal(v.status, 0, `${what}: ${v.stderr}`);
  assert.match(v.stdout, /rows of maintained figures equal a recomputation/);
  return v.stdout;
}

test('a simulated history: the figures equal the scans for every unit, grouping and period', async () => {
  const n = await same(s, 'simulated history');
  assert.ok(n >= 80);
  // In a narrower scope: a commune's supervisor, a centre's.
  await same(s, 'as a.sup', { who: 'a.sup', units: ['', 'UB-KS', 'TT-KS'] });
  await same(s, 'as b.centre.sup', { who: 'b.centre.sup', units: ['', 'TT-LB'] });
  const total = ok(await s.as('admin', 'GET', `/api/v1/indicators?from=${day(-13)}&to=${day(0)}`));
  assert.ok(total.dossiers.total.received > 20, 'the history has dossiers');
  assert.ok(total.queue.visits > 50, 'and visits');
  assert.ok(total.dossiers.total.finished.total > 5, 'and finished dossiers');
});

test('after each kind of action the figures still equal the scans', async () => {
  const act = async (what, who, p, body) => {
    now += 97; // every action a little later: waits and services are not 0
    await setClock(s, now);
    const r = await s.as(who, 'POST', p, { body });
    assert.ok(r.status < 300, `${what}: ${r.status} ${r.text}`);
    await same(s, what, { units: ['', CENTRE_A, 'UB-KS'] });
    return r.json;
  };
  // The queue: issue, call, recall, finish, no-show, transfer. Numbers are
  // issued by a clerk: a kiosk issues none outside the centre's hours, and
  // the test runs at any hour.
  await act('ticket issued', 'a.clerk', '/api/v1/tickets', { group: 'CT' });
  await act('ticket issued', 'a.clerk', '/api/v1/tickets', { group: 'CT' });
  await act('ticket issued', 'a.clerk', '/api/v1/tickets', { group: 'CT' });
  await act('counter opened', 'a.clerk', '/api/v1/counters/1/state', { state: 'open' });
  await act('called', 'a.clerk', '/api/v1/counters/1/call', {});
  await act('recalled', 'a.clerk', '/api/v1/counters/1/recall', {});
  await act('finished', 'a.clerk', '/api/v1/counters/1/finish', {});
  await act('called', 'a.clerk', '/api/v1/counters/1/call', {});
  await act('no-show', 'a.clerk', '/api/v1/counters/1/no-show', {});
  await act('called', 'a.clerk', '/api/v1/counters/1/call', {});
  await act('transferred', 'a.clerk', '/api/v1/counters/1/transfer', { group: 'HT' });

  // A dossier through intake, hand-over, a supplement pause and its end,
  // an apology, its result and its return; others withdrawn.
  const intake = async () => (await act('intake', 'a.clerk', '/api/v1/dossiers', {
    procedure: 'P3', applicant: { name: 'Trần Văn Bình', phone: '0912000111' },
    outcome: 'received', authority: 'UB-KS', confirm_duplicate: true,
  })).dossier.code;
  const code = await intake();
  const on = (c) => `/api/v1/dossiers/${encodeURIComponent(c)}/actions`;
  await act('hand-over', 'a.clerk', on(code), { action: 'handover', to_office: 'TP-KS' });
  await act('supplement requested', 'a.spec', on(code),
    { action: 'request_supplement', items: [{ item: 'Giấy xác nhận', reason: 'Thiếu' }] });
  await act('supplement received', 'a.clerk', on(code), { action: 'supplement_received' });
  await act('apology', 'a.sup', on(code),
    { action: 'apologize', reason: 'Chờ xác minh', new_due: '2099-01-05T10:00+07:00' });
  await act('result ready', 'a.spec', on(code), { action: 'result_ready' });
  await act('returned', 'a.clerk', on(code), { action: 'return_result', collected_by: 'A', id_checked: true });
  const other = await intake();
  await act('withdrawn', 'a.clerk', on(other), { action: 'withdraw', reason: 'Công dân rút hồ sơ' });

  // A rating of the returned dossier.
  const link = ok(await s.as('a.clerk', 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/rating-link`));
  const r = await s.req('POST', '/api/v1/public/ratings', { body: { token: link.token, level: 'satisfied', visits: 1 } });
  assert.equal(r.status, 201, r.text);
  await same(s, 'rating', { units: ['', CENTRE_A, 'UB-KS'] });
});

test('audit-verify: the figures equal a recomputation, and a row edited by hand is caught', async () => {
  await s.stop();
  verify(s.db, 'after the actions');
  const copy = copyDb(s.db, s.dir, 'tampered.db');
  // One more visit in the first maintained row (by key: PostgreSQL keeps
  // no row order), none in the visits table.
  sqlite(copy, "UPDATE fig_visit_days SET items = items || '<1,20,1,0,60,300>'"
    + ' WHERE (day, office_id) IN (SELECT day, office_id FROM fig_visit_days ORDER BY day, office_id LIMIT 1)', { json: false });
  const v = cli(['audit-verify', '--db', copy]);
  assert.notEqual(v.status, 0, 'a tampered row fails audit-verify');
  assert.match(v.stderr, /figures_mismatch/);
  assert.match(v.stderr, /fig_visit_days/);
  // It names the office day as a reader would: its date and the office's code.
  const [first] = sqlite(copy, 'SELECT day, (SELECT code FROM offices WHERE id = office_id) AS code'
    + ' FROM fig_visit_days ORDER BY day, office_id LIMIT 1');
  const date = new Date(first.day * 86400e3);
  const dmy = [date.getUTCDate(), date.getUTCMonth() + 1].map((n) => String(n).padStart(2, '0')).join('/');
  const row = `${dmy}/${date.getUTCFullYear()}, ${first.code}`;
  assert.match(row, /^\d\d\/\d\d\/\d{4}, \S+$/);
  assert.ok(v.stderr.includes(`the row of ${row} differs`), v.stderr);
  // The repair: rebuilt from the rows, the copy verifies again.
  const fixed = cli(['audit-verify', '--db', copy, '--rebuild-figures']);
  assert.equal(fixed.status, 0, fixed.stderr);
  verify(copy, 'rebuilt');
  s.checked = false;
  await s.start();
  await setClock(s, now);
});

// An office day's tokens are kept in chunks of under 1 kB (store/figures.h):
// a busy day spans many, and a change must take its token out of the one
// chunk that holds it, once, even when other chunks hold the same token.
test('a busy day over many chunks: issuing, calling, finishing, moving and deleting keep the figures exact', async () => {
  const sql = (q) => sqlite(s.db, q);
  const chunks = (table) => sql(`SELECT count(*) AS n FROM ${table}`
    + ` WHERE (day, office_id) = (SELECT day, office_id FROM ${table} GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1)`)[0].n;
  // 300 tickets at one centre on one day, many with the same token (the
  // same group and half hour): a ticket's token is about 8 bytes.
  for (let i = 0; i < 300; i++) {
    if (i % 25 === 0) {
      now += 131;
      await setClock(s, now);
    }
    const r = await s.as('a.clerk', 'POST', '/api/v1/tickets', { body: { group: i % 3 ? 'CT' : 'HT' } });
    assert.equal(r.status, 201, r.text);
  }
  // 80 visits called and finished or not shown at counter 1 (a visit's
  // token, about 20 bytes, changes at each step).
  const c = (a) => s.as('a.clerk', 'POST', `/api/v1/counters/1/${a}`, { body: {} });
  await s.as('a.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } });
  for (let i = 0; i < 80; i++) {
    now += 37;
    await setClock(s, now);
    const r = await c('call');
    assert.ok(r.status < 300, `call: ${r.status} ${r.text}`);
    now += 41;
    await setClock(s, now);
    const f = await c(i % 4 === 3 ? 'no-show' : 'finish');
    assert.ok(f.status < 300, `finish: ${f.status} ${f.text}`);
  }
  await same(s, 'a busy day', { units: ['', CENTRE_A, 'TT-LB'] });
  await s.stop();
  assert.ok(chunks('fig_ticket_days') >= 2, 'the tickets of the day span several chunks');
  assert.ok(chunks('fig_visit_days') >= 2, 'the visits of the day span several chunks');
  verify(s.db, 'a busy day');
  // Written outside the API: tickets moved to the day before and back,
  // others deleted (the first, in the day's first chunk, and recent ones);
  // visits deleted; a visit's outcome changed.
  const today = sql('SELECT max(issued_at) AS t FROM tickets')[0].t;
  sql('DELETE FROM tickets WHERE id IN (SELECT t.id FROM tickets t WHERE NOT EXISTS'
    + ` (SELECT 1 FROM visits v WHERE v.ticket_id = t.id) AND t.issued_at > ${today} - 4000`
    + ' ORDER BY t.id LIMIT 40)');
  sql('DELETE FROM tickets WHERE id IN (SELECT t.id FROM tickets t WHERE NOT EXISTS'
    + ` (SELECT 1 FROM visits v WHERE v.ticket_id = t.id) ORDER BY t.id DESC LIMIT 30)`);
  sql(`UPDATE tickets SET issued_at = issued_at - 86400 WHERE id IN (SELECT id FROM tickets`
    + ` WHERE issued_at > ${today} - 4000 ORDER BY id LIMIT 100 OFFSET 20)`);
  sql(`UPDATE tickets SET issued_at = issued_at + 86400 WHERE id IN (SELECT id FROM tickets`
    + ` WHERE issued_at > ${today} - 90400 AND issued_at < ${today} - 82400 ORDER BY id LIMIT 50)`);
  sql('DELETE FROM visits WHERE id IN (SELECT id FROM visits ORDER BY id DESC LIMIT 25)');
  sql("UPDATE visits SET outcome = 'no_show' WHERE id IN"
    + " (SELECT id FROM visits WHERE outcome = 'served' ORDER BY id DESC LIMIT 10)");
  verify(s.db, 'moved and deleted');
  s.checked = false;
  await s.start();
  await setClock(s, now);
  await same(s, 'moved and deleted', { units: ['', CENTRE_A] });

  // Kiosk tickets voided because their print failed (store/ticket.c: state done,
  // outcome voided) were never handed out: not issued, counted apart.
  const wide = `/api/v1/indicators?from=${day(-400)}&to=${day(30)}`;
  const q0 = ok(await s.as('admin', 'GET', wide)).queue;
  await s.stop();
  const n = sql("UPDATE tickets SET state = 'done', outcome = 'voided' WHERE id IN"
    + " (SELECT id FROM tickets WHERE state = 'waiting' ORDER BY id DESC LIMIT 12) RETURNING id").length;
  assert.ok(n >= 10, `tickets voided: ${n}`);
  // One voided by mistake and set back (its token moves back).
  sql("UPDATE tickets SET state = 'waiting', outcome = NULL WHERE id ="
    + " (SELECT max(id) FROM tickets WHERE outcome = 'voided')");
  verify(s.db, 'voided');
  s.checked = false;
  await s.start();
  await setClock(s, now);
  const q1 = ok(await s.as('admin', 'GET', wide)).queue;
  assert.equal(q1.tickets, q0.tickets - (n - 1), 'voided tickets are not issued ones');
  assert.equal(q1.tickets_voided, q0.tickets_voided + n - 1, 'they are counted apart');
  assert.equal(ok(await s.as('admin', 'GET', `${wide}&source=scan`)).queue.tickets, q1.tickets);
  await same(s, 'voided', { units: ['', CENTRE_A] });
});

test('a restored backup has the same figures',
  sqliteOnly('a backup of the file restored to another file'), async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
  dirs.push(dir);
  const gz = path.join(dir, 'b.gz');
  const b = cli(['backup', '--db', s.db, gz]);
  assert.equal(b.status, 0, b.stderr);
  const db = path.join(dir, 'restored.db');
  const r = cli(['restore', '--db', db, gz]);
  assert.equal(r.status, 0, r.stderr);
  verify(db, 'restored');
  const t = new Server(dir, db);
  t.extraArgs = ['--test-clock'];
  t.devices = {};
  await t.start();
  try {
    await setClock(t, now);
    await same(t, 'restored', { units: ['', CENTRE_A] });
    const here = ok(await s.as('admin', 'GET', `/api/v1/indicators?from=${day(-13)}&to=${day(0)}`));
    const there = ok(await t.as('admin', 'GET', `/api/v1/indicators?from=${day(-13)}&to=${day(0)}`));
    assert.deepEqual(there.dossiers, here.dossiers);
    assert.deepEqual(there.queue, here.queue);
  } finally {
    await t.stop();
  }
});

test('the migration of a schema 7 database builds the figures from its rows',
  sqliteOnly('a schema 7 file (tests/fixtures/single-office-v7.sql.gz) upgraded'), async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-'));
  dirs.push(dir);
  const db = path.join(dir, 'office.db');
  const sql = gunzipSync(readFileSync(path.join(SOURCE, 'tests/fixtures/single-office-v7.sql.gz'))).toString('utf8');
  sqlite(db, sql, { json: false });
  // The server migrates at start (audit-verify refuses an older schema).
  const t = new Server(dir, db);
  t.extraArgs = ['--test-clock'];
  t.devices = {};
  await t.start();
  await t.stop();
  const v = verify(db, 'migrated'); // the figures built by the migration equal a recomputation
  const rows = Number(v.match(/(\d+) rows of maintained figures/)[1]);
  assert.ok(rows > 0, `the old rows are in the figures: ${v}`);
  await t.start();
  try {
    await setClock(t, now);
    // The old rows span months: a wide period.
    for (const by of ['office', 'procedure', 'counter']) {
      const q = `/api/v1/indicators?from=${day(-1000)}&to=${day(30)}&by=${by}`;
      assert.deepEqual(ok(await t.as('admin', 'GET', q)), ok(await t.as('admin', 'GET', `${q}&source=scan`)), q);
    }
  } finally {
    await t.stop();
  }
});
