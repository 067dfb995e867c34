// Two servers on one PostgreSQL database (store/feed.h): two `serve` on the
// same database, on two ports. A board's stream on either server gets the
// events of a ticket issued and called through the other, each once and in
// id order; the queue snapshot of one reflects a call made on the other
// within a second; numbering stays gap-free when both issue at once; a
// message of the outbox leaves once though both servers run its worker.
// Each file starts its own cluster (tests/pg/cluster); skipped without
// PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, Server, ADMIN_PASSWORD, openCounter, subscribe } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { startFakes } from './lib/fakes.mjs';
import { PG_MISSING, PgCluster, auditVerify, pgErrors } from './lib/pg-cluster.mjs';

const DB = 'shared';
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const deltas = (evs) => evs.filter((e) => e.event !== 'snapshot');

let pg;
let fakes;
let dir;
let a;
let b;

before(async () => {
  if (PG_MISSING) return;
  dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-pg2-'));
  fakes = await startFakes({ only: ['sms'] });
  pg = await PgCluster.start();
  const uri = pg.createDb(DB);
  let r = cli(['init', '--db', uri, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  if (r.status !== 0) throw new Error(`init: ${r.stderr}`);
  const bundle = path.join(dir, 'bundle.json');
  writeFileSync(bundle, JSON.stringify({
    ...DOSSIER_BUNDLE,
    settings: { ...DOSSIER_BUNDLE.settings, queue_any_hour: 1 },
    notifications: fakes.config({ channels: ['sms'], sms: { ascii: 'never' } }),
  }));
  r = cli(['import', '--db', uri, bundle]);
  if (r.status !== 0) throw new Error(`import on PostgreSQL: ${r.stderr.slice(-3000)}`);
  const devices = Object.fromEntries(JSON.parse(r.stdout).devices_created.map((d) => [d.name, d.token]));
  // One key file for both: either replays the other's stored answers.
  const args = ['--idempotency-key-file', path.join(dir, 'idem-key'), '--logins-per-minute', '1000'];
  for (const name of ['a', 'b']) {
    const srv = new Server(dir, uri);
    srv.extraArgs = args;
    srv.devices = devices;
    await srv.start();
    if (name === 'a') a = srv; else b = srv;
  }
}, { timeout: 180000 });

after(async () => {
  try {
    if (a) await a.stop();
    if (b) await b.stop();
  } finally {
    if (pg) pg.stop();
    if (fakes) await fakes.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

const opts = { skip: PG_MISSING, timeout: 120000 };
const issue = (srv, who, group, key) => srv.as(who, 'POST', '/api/v1/tickets',
  { body: { group }, headers: key ? { 'Idempotency-Key': key } : {} });

// The stream's deltas: ids rise strictly (each event once, in id order).
function assertOnceInOrder(evs, what) {
  const ids = deltas(evs).map((e) => e.id);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], `${what}: ids rise, each once: ${ids.join(' ')}`);
}

test("a board's stream on one server gets the other server's issue and call, once and in order", opts, async () => {
  const board = a.devices['board-1'];
  const onA = subscribe(a, board);
  const onB = subscribe(b, board);
  await onA.until((e) => e.some((x) => x.event === 'snapshot'));
  await onB.until((e) => e.some((x) => x.event === 'snapshot'));
  const from = Math.max(onA.events[0].id, onB.events[0].id);

  await openCounter(b, 'clerk1', 1);
  const t1 = await issue(b, 'kiosk-1', 'CT');
  assert.equal(t1.status, 201, `POST /api/v1/tickets on PostgreSQL: ${t1.text}\n${pgErrors(b.stderr)}`);
  const c1 = await b.as('clerk1', 'POST', '/api/v1/counters/1/call');
  assert.equal(c1.status, 200, c1.text);
  await openCounter(a, 'clerk2', 3);
  const t2 = await issue(a, 'kiosk-1', 'HT');
  assert.equal(t2.status, 201, t2.text);
  const c2 = await a.as('clerk2', 'POST', '/api/v1/counters/3/call');
  assert.equal(c2.status, 200, c2.text);
  assert.equal(c2.json.ticket.label, t2.json.ticket.label);

  const want = (evs) => {
    const d = deltas(evs).filter((e) => e.id > from);
    return d.some((e) => e.event === 'ticket.called' && e.json.ticket.label === t2.json.ticket.label);
  };
  await onA.until(want, 5000);
  await onB.until(want, 5000);
  // Wait a little longer for a duplicate that would come late.
  await sleep(500);
  const pick = (evs) => deltas(evs).filter((e) => e.id > from).map((e) => `${e.id}:${e.event}:${e.json.ticket?.label ?? ''}`);
  assert.deepEqual(pick(onA.events), pick(onB.events), 'both servers stream the same events');
  const seen = pick(onA.events);
  for (const label of [t1.json.ticket.label, t2.json.ticket.label]) {
    assert.equal(seen.filter((x) => x.endsWith(`:ticket.issued:${label}`)).length, 1, `${label} issued once: ${seen}`);
    assert.equal(seen.filter((x) => x.endsWith(`:ticket.called:${label}`)).length, 1, `${label} called once: ${seen}`);
  }
  assertOnceInOrder(onA.events, 'server A');
  assertOnceInOrder(onB.events, 'server B');
  // The streamed ids are the table's: the office's stream events after from.
  const rows = pg.rows('primary', DB, `SELECT id FROM events WHERE stream <> 0 AND id > ${from} ORDER BY id`).map((r) => Number(r.id));
  assert.deepEqual(deltas(onA.events).filter((e) => e.id > from).map((e) => e.id), rows);
  onA.close();
  onB.close();
});

test("one server's queue snapshot reflects a call made on the other within a second", opts, async () => {
  const t = await issue(a, 'kiosk-1', 'CT');
  assert.equal(t.status, 201, t.text);
  const serving = async (srv) => (await srv.req('GET', '/api/v1/queue', { token: srv.devices['board-1'] }))
    .json.counters.find((c) => c.no === 1).serving?.label;
  // A's snapshot is built (and cached) before the call.
  assert.notEqual(await serving(a), t.json.ticket.label);
  const fin = await b.as('clerk1', 'POST', '/api/v1/counters/1/finish', { body: { outcome: 'served' } });
  assert.ok([200, 409].includes(fin.status), fin.text);
  const call = await b.as('clerk1', 'POST', '/api/v1/counters/1/call');
  assert.equal(call.status, 200, call.text);
  assert.equal(call.json.ticket.label, t.json.ticket.label);
  const t0 = Date.now();
  let label;
  while ((label = await serving(a)) !== t.json.ticket.label && Date.now() - t0 < 1000) await sleep(20);
  const ms = Date.now() - t0;
  assert.equal(label, t.json.ticket.label, `A's board shows the call made on B (after ${ms} ms)`);
  assert.ok(ms < 1000, `within a second: ${ms} ms`);
});

test('both servers issuing at once: numbers unique and gap-free, every event streamed once on each', opts, async (t) => {
  const board = a.devices['board-1'];
  const onA = subscribe(a, board);
  const onB = subscribe(b, board);
  await onA.until((e) => e.some((x) => x.event === 'snapshot'));
  await onB.until((e) => e.some((x) => x.event === 'snapshot'));
  for (const who of ['clerk1', 'clerk2', 'sup']) { await a.login(who); await b.login(who); }
  const clients = [];
  const answers = [];
  for (const [srv, name] of [[a, 'a'], [b, 'b']]) {
    for (const who of ['kiosk-1', 'clerk1', 'clerk2', 'sup']) {
      clients.push((async () => {
        for (let n = 0; n < 40; n++) {
          const r = await issue(srv, who, n % 2 ? 'HT' : 'CT', `two-${name}-${who}-${n}`);
          answers.push({ server: name, status: r.status, text: r.text, ticket: r.json?.ticket });
        }
      })());
    }
  }
  await Promise.all(clients);
  const bad = answers.filter((r) => r.status !== 201);
  assert.deepEqual(bad.map((r) => `${r.server} ${r.status} ${r.text.slice(0, 300)}`), [], 'every issue answered 201');

  const rows = pg.rows('primary', DB, 'SELECT id, label, number, service_day, series_group_id FROM tickets ORDER BY id');
  const series = new Map();
  for (const r of rows) {
    const k = `${r.service_day}/${r.series_group_id}`;
    series.set(k, [...(series.get(k) ?? []), Number(r.number)]);
  }
  for (const [k, nums] of series) {
    nums.sort((x, y) => x - y);
    assert.deepEqual(nums, nums.map((_, i) => i + 1), `numbers of ${k}: 1..${nums.length}, no gap, no repeat`);
  }
  const ids = new Set(rows.map((r) => Number(r.id)));
  for (const r of answers) assert.ok(ids.has(Number(r.ticket.id)), `ticket ${r.ticket.label} acknowledged by ${r.server}`);

  // Every issue reaches both servers' streams, once each, in id order.
  const labels = new Set(answers.map((r) => r.ticket.label));
  const issued = (evs) => deltas(evs).filter((e) => e.event === 'ticket.issued' && labels.has(e.json.ticket.label));
  await onA.until((e) => issued(e).length >= answers.length, 10000);
  await onB.until((e) => issued(e).length >= answers.length, 10000);
  await sleep(500);
  assert.equal(issued(onA.events).length, answers.length, 'A: each issue once');
  assert.equal(issued(onB.events).length, answers.length, 'B: each issue once');
  assert.deepEqual(deltas(onA.events).map((e) => e.id), deltas(onB.events).map((e) => e.id));
  assertOnceInOrder(onA.events, 'server A');
  onA.close();
  onB.close();

  const audit = auditVerify(pg, pg.uriOf(DB), 'primary', DB);
  t.diagnostic(`audit chain: ${audit.how}`);
  assert.ok(audit.ok, audit.how);
});

test('an outbox message leaves once though both servers run the worker', opts, async (t) => {
  // Dossiers received on both servers, each with the citizen's consent to
  // SMS at any hour: one message each, sent by either worker, never both.
  const sent = [];
  for (let i = 0; i < 12; i++) {
    const srv = i % 2 ? b : a;
    const r = await srv.as('clerk1', 'POST', '/api/v1/dossiers', {
      headers: { 'Idempotency-Key': `two-intake-${i}` },
      body: {
        procedure: 'P3', outcome: 'received', confirm_duplicate: true,
        applicant: { name: `Trần Thị Thử ${i}`, id_number: `04519000${String(i).padStart(4, '0')}`,
          address: 'Khối 2, thị trấn Khe Sanh', phone: `091234${String(i).padStart(4, '0')}`,
          notify: { channels: ['sms'], any_hour: true } },
      },
    });
    if (r.status !== 201) {
      t.todo(`intake (POST /api/v1/dossiers) answers ${r.status} on PostgreSQL: ${r.text.slice(0, 300)}\n${pgErrors(srv.stderr)}`);
      return;
    }
    sent.push(r.json.dossier.code);
  }
  const rows = () => pg.rows('primary', DB, "SELECT id, state, attempts FROM notifications WHERE channel = 'sms' ORDER BY id");
  assert.equal(rows().length, sent.length, 'one SMS planned per dossier');
  const t0 = Date.now();
  while (rows().some((r) => r.state !== 'sent') && Date.now() - t0 < 30000) await sleep(200);
  assert.deepEqual(rows().filter((r) => r.state !== 'sent'), [], 'every message sent');
  await sleep(1500); // a second send would come now
  const got = await fakes.sms.got();
  const perRow = new Map();
  for (const m of got) {
    const id = m.json?.ma_yc;
    perRow.set(id, (perRow.get(id) ?? 0) + 1);
  }
  const twice = [...perRow].filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], 'no message reached the gateway twice');
  assert.equal(perRow.size, sent.length);
});

test('a print job is printed once with two servers', { skip: PG_MISSING, todo: 'the print spool claims jobs without a row lock (store/print.c): see the report' }, async () => {
  // The spool worker of each server would take the same queued job: its
  // claim must lock the row (SELECT … FOR UPDATE SKIP LOCKED, or an UPDATE
  // … WHERE state = 'queued' whose changed count is checked), and a
  // starting server's recovery (store_print_recover) must not take the
  // other server's job in flight for one cut off by its own restart.
});
