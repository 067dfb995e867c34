// Two servers on one PostgreSQL database (store/feed.h): two `serve` on the
// same database, on two ports. A board's stream on either server gets the
// events of a ticket issued and called through the other, each once and in
// id order; the queue snapshot of one reflects a call made on the other
// within a second; numbering stays gap-free when both issue at once; a
// message of the outbox leaves once though both servers run its worker, and
// a print job prints once though both run the spool; a server that restarts
// takes back only its own message or job in flight (or one past the claim's
// lease), never the other's (store/store.h, "Claims of the background
// workers").
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
import { TestPrinter } from './lib/printer.mjs';

const DB = 'shared';
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const deltas = (evs) => evs.filter((e) => e.event !== 'snapshot');

let pg;
let printer;
let fakes;
let dir;
let a;
let b;

before(async () => {
  if (PG_MISSING) return;
  dir = mkdtempSync(path.join(tmpdir(), 'motcua-e2e-pg2-'));
  fakes = await startFakes({ only: ['sms'] });
  printer = new TestPrinter();
  pg = await PgCluster.start();
  const uri = pg.createDb(DB);
  let r = cli(['init', '--db', uri, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` });
  if (r.status !== 0) throw new Error(`init: ${r.stderr}`);
  const bundle = path.join(dir, 'bundle.json');
  writeFileSync(bundle, JSON.stringify({
    ...DOSSIER_BUNDLE,
    settings: { ...DOSSIER_BUNDLE.settings, queue_any_hour: 1 },
    notifications: fakes.config({ channels: ['sms'], sms: { ascii: 'never' } }),
    printers: [{ name: 'shared', target: printer.uri, format: 'pdf', paper: '80mm' }],
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
    if (printer) printer.stop();
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

test('an outbox message leaves once though both servers run the worker', opts, async () => {
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
    assert.equal(r.status, 201, `intake on PostgreSQL: ${r.text.slice(0, 300)}\n${pgErrors(srv.stderr)}`);
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

// This server's name in its claims, as it logged it at its (last) start.
const instanceOf = (srv) => [...srv.stderr.matchAll(/name in its claims of print jobs and messages: (\S+)/g)].pop()?.[1];
const nowS = () => Math.floor(Date.now() / 1000);

test("a restarted server does not take back the other's message in flight, only its own", opts, async () => {
  const ia = instanceOf(a);
  const ib = instanceOf(b);
  assert.ok(ia && ib && ia !== ib, `two instance names: ${ia} ${ib}`);
  const row = pg.rows('primary', DB, "SELECT id FROM notifications WHERE channel = 'sms' AND state = 'sent' ORDER BY id LIMIT 1")[0];
  assert.ok(row, 'a message sent by the test before');
  const state = () => pg.rows('primary', DB, `SELECT state, claimed_by FROM notifications WHERE id = ${row.id}`)[0];
  const gotFor = async () => (await fakes.sms.got()).length;
  // A crashed between its claim and the gateway's answer, as far as the
  // table says: the row is A's, sending, claimed just now.
  pg.psql(pg.uriOf(DB), `UPDATE notifications SET state = 'sending', claimed_by = '${ia}', claimed_at = ${nowS()} WHERE id = ${row.id}`);
  const before = await gotFor();
  await b.restart();
  await sleep(2000); // B's worker recovered and polled meanwhile
  assert.deepEqual(state(), { state: 'sending', claimed_by: ia }, "B's start leaves A's message in flight to A");
  assert.equal(await gotFor(), before, 'nothing sent again');
  // A's own restart takes it back (at-least-once after its own crash).
  await a.restart();
  const t0 = Date.now();
  while (state().state !== 'sent' && Date.now() - t0 < 15000) await sleep(200);
  assert.deepEqual(state(), { state: 'sent', claimed_by: null }, "A's start took back its own message");
  // A claim older than the lease is taken back by any server's start.
  pg.psql(pg.uriOf(DB), `UPDATE notifications SET state = 'sending', claimed_by = 'a-server-gone:1', claimed_at = ${nowS() - 601} WHERE id = ${row.id}`);
  await b.restart();
  const t1 = Date.now();
  while (state().state !== 'sent' && Date.now() - t1 < 15000) await sleep(200);
  assert.deepEqual(state(), { state: 'sent', claimed_by: null }, 'a claim past the lease is taken back');
});

test('a print job is printed once with two servers', opts, async () => {
  // Both servers run the spool against one real IPP printer (ippeveprinter,
  // tests/fixtures/ipp-printer): many test prints queued through both, each
  // printed once, counted at the printer.
  const jobs = () => pg.rows('primary', DB, "SELECT id, state, claimed_by, cups_job_id FROM print_jobs WHERE printer_id = (SELECT id FROM printers WHERE name = 'shared') ORDER BY id");
  const from = printer.pdfs().length;
  const ids = [];
  for (let i = 0; i < 16; i++) {
    const srv = i % 2 ? b : a;
    const r = await srv.as('sup', 'POST', '/api/v1/printers/shared/test');
    assert.equal(r.status, 202, `test print through ${i % 2 ? 'B' : 'A'}: ${r.text}\n${pgErrors(srv.stderr)}`);
    ids.push(r.json.job.id);
  }
  const t0 = Date.now();
  while (jobs().some((j) => j.state !== 'done') && Date.now() - t0 < 60000) await sleep(250);
  assert.deepEqual(jobs().filter((j) => j.state !== 'done'), [], 'every job done');
  await sleep(1500); // a second print would come now
  assert.equal(printer.pdfs().length - from, ids.length, 'the printer got each job once');
  const cups = jobs().map((j) => Number(j.cups_job_id));
  assert.equal(new Set(cups).size, cups.length, 'one printer job per print job');

  // A job in flight on one server (the printer stalls: its send waits for
  // the answer) while the other restarts: the other leaves it alone.
  printer.pause();
  let resumed = false;
  try {
    const r = await a.as('sup', 'POST', '/api/v1/printers/shared/test');
    assert.equal(r.status, 202, r.text);
    const id = r.json.job.id;
    const row = () => pg.rows('primary', DB, `SELECT state, claimed_by FROM print_jobs WHERE id = ${id}`)[0];
    const t1 = Date.now();
    while (row().state === 'queued' && Date.now() - t1 < 5000) await sleep(50);
    const held = row();
    assert.equal(held.state, 'sending', 'claimed and being sent');
    const [owner, other] = held.claimed_by === instanceOf(a) ? [a, b] : [b, a];
    assert.equal(held.claimed_by, instanceOf(owner), `claimed by a server's instance: ${held.claimed_by}`);
    await other.restart();
    await sleep(1000); // the restarted spool recovered and polled meanwhile
    assert.deepEqual(row(), held, "the other server's start left the job to its owner");
    printer.resume();
    resumed = true;
    const t2 = Date.now();
    while (row().state !== 'done' && Date.now() - t2 < 30000) await sleep(200);
    assert.equal(row().state, 'done', 'the owner finished it');
    await sleep(1500);
    assert.equal(printer.pdfs().length - from, ids.length + 1, 'printed once');
  } finally {
    if (!resumed) printer.resume();
  }
});
