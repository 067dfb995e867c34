// tsan: yes
// The hall of each centre (docs/province.md, "Scopes"): two centres of one
// province both have counters 1-3 and a group with prefix A. A clerk of A
// calling counter 1 calls A's counter; each kiosk numbers its own centre's
// series; the public queue names its centre; the routes of the queue, the
// counters, the tickets and the print spool answer 404 to a principal of A
// for B's objects, and change nothing; a board of A never hears B's calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, subscribe } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B, centrePrinters } from './lib/province-bundle.mjs';

// B has a printer nobody listens to: its jobs stay in the spool.
const BUNDLE = {
  ...PROVINCE_BUNDLE,
  printers: centrePrinters('80mm', ['a-printer', 'ipp://127.0.0.1:9/ipp/print'], ['b-printer', 'ipp://127.0.0.1:9/ipp/print']),
};

let s;
let A;
let B; // office ids
before(async () => {
  s = await startServer({ bundle: BUNDLE });
  A = s.sql(`SELECT id FROM offices WHERE code = '${CENTRE_A}'`)[0].id;
  B = s.sql(`SELECT id FROM offices WHERE code = '${CENTRE_B}'`)[0].id;
});
after(async () => { await s?.stop(); s?.cleanup(); });

const issue = async (kiosk, group = 'CT') => {
  const r = await s.as(kiosk, 'POST', '/api/v1/tickets', { body: { group } });
  assert.equal(r.status, 201, r.text);
  return r.json.ticket;
};

// Everything of B's hall, as rows: compared before and after A's attempts.
function hallRows(office) {
  return JSON.stringify({
    tickets: s.sql(`SELECT * FROM tickets WHERE office_id = ${office} ORDER BY id`),
    visits: s.sql(`SELECT v.* FROM visits v JOIN tickets t ON t.id = v.ticket_id WHERE t.office_id = ${office} ORDER BY v.id`),
    counters: s.sql(`SELECT * FROM counters WHERE office_id = ${office} ORDER BY id`),
    // The worker keeps trying B's unreachable printer (state, attempts):
    // what A could change is which jobs exist, and where.
    jobs: s.sql(`SELECT id, printer_id, reprint_of, office_id FROM print_jobs ORDER BY id`),
    events: s.sql('SELECT count(*) AS n FROM events')[0].n,
  });
}

test('each kiosk numbers its own centre: A001 at A and A001 at B, two independent series', async () => {
  const a1 = await issue('a-kiosk');
  const b1 = await issue('b-kiosk');
  assert.equal(a1.label, 'A001');
  assert.equal(b1.label, 'A001');
  const a2 = await issue('a-kiosk');
  const a3 = await issue('a-kiosk');
  const b2 = await issue('b-kiosk');
  assert.deepEqual([a2.label, a3.label, b2.label], ['A002', 'A003', 'A002']);
  const rows = s.sql(`SELECT t.id, t.label, t.office_id, g.office_id AS group_office FROM tickets t
    JOIN service_groups g ON g.id = t.group_id ORDER BY t.id`);
  const at = (id) => rows.find((r) => r.id === id);
  for (const t of [a1, a2, a3]) assert.deepEqual([at(t.id).office_id, at(t.id).group_office], [A, A]);
  for (const t of [b1, b2]) assert.deepEqual([at(t.id).office_id, at(t.id).group_office], [B, B]);
  // A kiosk cannot issue at the other centre: its scope is its own.
  const r = await s.as('a-kiosk', 'POST', `/api/v1/tickets?office=${CENTRE_B}`, { body: { group: 'CT' } });
  assert.equal(r.status, 404, r.text);
  assert.equal(s.sql(`SELECT count(*) AS n FROM tickets WHERE office_id = ${B}`)[0].n, 2);
});

test('two centres issuing at once: each centre\'s series stays gap-free, whatever the other\'s load', async () => {
  // 4 clients per centre, 20 tickets each, all at once, in group HT (prefix B).
  const clients = [];
  for (const kiosk of ['a-kiosk', 'b-kiosk']) {
    for (let c = 0; c < 4; c++) {
      clients.push((async () => {
        for (let i = 0; i < 20; i++) await issue(kiosk, 'HT');
      })());
    }
  }
  await Promise.all(clients);
  for (const office of [A, B]) {
    const rows = s.sql(`SELECT number, label FROM tickets t JOIN service_groups g ON g.id = t.series_group_id
      WHERE t.office_id = ${office} AND g.code = 'HT' ORDER BY number`);
    assert.deepEqual(rows.map((r) => r.number), Array.from({ length: 80 }, (_, i) => i + 1));
    assert.equal(rows[79].label, 'B080');
  }
});

test('a clerk of A calling counter 1 calls at A: B\'s counter 1 and its line do not move', async () => {
  const before = hallRows(B);
  let r = await s.as('a.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } });
  assert.equal(r.status, 200, r.text);
  r = await s.as('a.clerk', 'POST', '/api/v1/counters/1/call');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ticket.label, 'A001');
  const called = s.sql(`SELECT t.office_id, co.office_id AS counter_office, co.no FROM tickets t
    JOIN counters co ON co.id = t.counter_id WHERE t.id = ${r.json.ticket.id}`)[0];
  assert.deepEqual(called, { office_id: A, counter_office: A, no: 1 });
  assert.equal(s.sql(`SELECT state FROM counters WHERE office_id = ${A} AND no = 1`)[0].state, 'open');
  assert.equal(s.sql(`SELECT state FROM counters WHERE office_id = ${B} AND no = 1`)[0].state, 'closed');
  assert.equal(hallRows(B).replace(/"events":\d+/, ''), before.replace(/"events":\d+/, ''));
});

test('GET /api/v1/queue names its centre: office=TT-LB shows B only; a device sees its own; several centres need office=', async () => {
  const q = await s.req('GET', `/api/v1/queue?office=${CENTRE_B}`);
  assert.equal(q.status, 200, q.text);
  assert.equal(q.json.office.code, CENTRE_B);
  assert.equal(q.json.office.name, 'Trung tâm Phục vụ hành chính công xã Lao Bảo');
  // The body it belongs to, by name (as forms head it) and by code.
  assert.equal(q.json.office.parent, 'UBND xã Lao Bảo');
  assert.equal(q.json.office.parent_code, 'UB-LB');
  const ct = q.json.groups.find((g) => g.code === 'CT');
  assert.equal(ct.waiting, s.sql(`SELECT count(*) AS n FROM tickets t JOIN service_groups g ON g.id = t.group_id
    WHERE t.office_id = ${B} AND g.code = 'CT' AND t.state = 'waiting'`)[0].n);
  assert.equal(q.json.groups.find((g) => g.code === 'HT').waiting, 80);
  assert.deepEqual(ct.next, ['A001', 'A002']);
  assert.ok(q.json.counters.every((c) => c.state === 'closed' && c.serving === null), 'A\'s open counter is not on B\'s board');
  assert.deepEqual(q.json.recent_calls, []);
  // A's board, by its token, gets A's queue: the call shows.
  const a = await s.as('a-board', 'GET', '/api/v1/queue');
  assert.equal(a.json.office.code, CENTRE_A);
  assert.equal(a.json.counters.find((c) => c.no === 1).serving.label, 'A001');
  assert.deepEqual(a.json.recent_calls.map((c) => c.label), ['A001']);
  // A commune supervisor's scope holds one centre: that one.
  assert.equal((await s.as('a.sup', 'GET', '/api/v1/queue')).json.office.code, CENTRE_A);
  // Anonymous, with two centres and no office=: told to choose.
  const anon = await s.req('GET', '/api/v1/queue');
  assert.equal(anon.status, 400, anon.text);
  assert.equal(anon.json.error.code, 'office_required');
  assert.match(anon.json.error.message, /trung tâm/);
  const unknown = await s.req('GET', '/api/v1/queue?office=NOPE');
  assert.equal(unknown.status, 404, unknown.text);
  // The metrics tell the two CT lines apart by centre.
  const m = await s.req('GET', '/metrics');
  assert.match(m.text, new RegExp(`motcua_waiting\\{group="CT",office="${CENTRE_B}"\\} 2\n`));
  assert.match(m.text, new RegExp(`motcua_waiting\\{group="CT",office="${CENTRE_A}"\\} 2\n`));
  assert.match(m.text, new RegExp(`motcua_tickets_today\\{group="CT",outcome="called",office="${CENTRE_A}"\\} 1\n`));
});

test('the citizen\'s page of a ticket follows its centre: name, and people ahead only there', async () => {
  const bt = s.sql(`SELECT id FROM tickets WHERE office_id = ${B} AND label = 'A002'`)[0].id;
  const r = await s.req('GET', `/api/v1/public/tickets/${bt}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.office.code, CENTRE_B);
  assert.equal(r.json.office.name, 'Trung tâm Phục vụ hành chính công xã Lao Bảo');
  // B's A001 is ahead; A's waiting A002 and A003 are not.
  assert.equal(r.json.people_ahead, 1);
});

test('every queue, counter, ticket and print-job route of A against B\'s objects is 404 and changes nothing', async () => {
  // B's objects: a called ticket at B's counter 1, a waiting one, a print job.
  let r = await s.as('b.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } });
  assert.equal(r.status, 200, r.text);
  r = await s.as('b.clerk', 'POST', '/api/v1/counters/1/call');
  assert.equal(r.status, 200, r.text);
  const bCalled = r.json.ticket.id;
  const bWaiting = s.sql(`SELECT id FROM tickets WHERE office_id = ${B} AND state = 'waiting' ORDER BY id LIMIT 1`)[0].id;
  r = await s.as('b.sup', 'POST', '/api/v1/printers/b-printer/test');
  assert.equal(r.status, 202, r.text);
  const bJob = r.json.job.id;
  assert.equal(s.sql(`SELECT office_id FROM print_jobs WHERE id = ${bJob}`)[0].office_id, B);
  // An A ticket no-show, so A's rejoin is exercised on B's no-show below.
  const q = `office=${CENTRE_B}`;
  const cells = [
    ['POST', `/api/v1/counters/1/call?${q}`, {}],
    ['POST', `/api/v1/counters/1/recall?${q}`, {}],
    ['POST', `/api/v1/counters/1/no-show?${q}`, {}],
    ['POST', `/api/v1/counters/1/finish?${q}`, {}],
    ['POST', `/api/v1/counters/1/transfer?${q}`, { group: 'HT' }],
    ['POST', `/api/v1/counters/1/state?${q}`, { state: 'closed' }],
    ['POST', `/api/v1/counters/2/state?${q}`, { state: 'open' }],
    ['POST', `/api/v1/tickets/${bCalled}/rejoin`, {}],
    ['POST', `/api/v1/tickets/${bWaiting}/rejoin`, {}],
    ['POST', `/api/v1/tickets/A001/rejoin?${q}`, {}],
    ['POST', `/api/v1/tickets?${q}`, { group: 'CT' }],
    ['GET', `/api/v1/print-jobs/${bJob}`, null],
    ['POST', `/api/v1/print-jobs/${bJob}/retry`, {}],
    ['POST', `/api/v1/print-jobs/${bJob}/reprint`, {}],
    ['POST', '/api/v1/printers/b-printer/test', {}],
  ];
  const before = hallRows(B);
  const eventsBefore = s.sql('SELECT count(*) AS n FROM events')[0].n;
  for (const who of ['a.clerk', 'a.clerk2', 'a.sup']) {
    for (const [method, path, body] of cells) {
      const res = await s.as(who, method, path, body ? { body } : {});
      // The printer test is for supervisors and admins: a clerk may not use it at all.
      const want = path.endsWith('/test') && who !== 'a.sup' ? 403 : 404;
      assert.equal(res.status, want, `${who} ${method} ${path}: ${res.status} ${res.text}`);
    }
  }
  assert.equal(hallRows(B), before, 'B\'s hall and spool did not change');
  assert.equal(s.sql('SELECT count(*) AS n FROM events')[0].n, eventsBefore, 'no event was written');
  // Lists: A sees none of B's jobs or printers; the province admin sees both.
  const jobs = await s.as('a.sup', 'GET', '/api/v1/print-jobs');
  assert.equal(jobs.status, 200, jobs.text);
  assert.ok(!jobs.json.items.some((j) => j.id === bJob), 'B\'s job is not in A\'s list');
  const printers = await s.as('a.sup', 'GET', '/api/v1/printers');
  assert.deepEqual(printers.json.items.map((p) => p.name), ['a-printer']);
  assert.equal(printers.json.total, 1);
  const all = await s.as('admin', 'GET', '/api/v1/print-jobs');
  assert.ok(all.json.items.some((j) => j.id === bJob && j.office === CENTRE_B));
  // The province admin names the centre: without office= it must choose.
  r = await s.as('admin', 'POST', '/api/v1/counters/2/state', { body: { state: 'open' } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'office_required');
  r = await s.as('admin', 'POST', `/api/v1/counters/2/state?${q}`, { body: { state: 'open' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(s.sql(`SELECT state FROM counters WHERE office_id = ${B} AND no = 2`)[0].state, 'open');
  assert.equal(s.sql(`SELECT state FROM counters WHERE office_id = ${A} AND no = 2`)[0].state, 'closed');
  r = await s.as('admin', 'POST', `/api/v1/counters/2/state?${q}`, { body: { state: 'closed' } });
  assert.equal(r.status, 200, r.text);
  // B's own clerk finishes at B's counter 1 as usual.
  r = await s.as('b.clerk', 'POST', '/api/v1/counters/1/finish');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ticket.id, bCalled);
});

test('a board of A hears none of B\'s 20 calls, and hears A\'s own call', async () => {
  const aBoard = subscribe(s, s.devices['a-board']);
  const bBoard = subscribe(s, s.devices['b-board']);
  try {
    await aBoard.until((evs) => evs.some((e) => e.event === 'snapshot'));
    await bBoard.until((evs) => evs.some((e) => e.event === 'snapshot'));
    const snap = aBoard.events.find((e) => e.event === 'snapshot').json;
    assert.equal(snap.office.code, CENTRE_A);
    const firstId = aBoard.events.at(-1).id;
    // B: 20 numbers issued and called, one after the other.
    const bIds = new Set(s.sql(`SELECT id FROM tickets WHERE office_id = ${B}`).map((r) => r.id));
    for (let i = 0; i < 20; i++) bIds.add((await issue('b-kiosk')).id);
    for (let i = 0; i < 20; i++) {
      const r = await s.as('b.clerk', 'POST', '/api/v1/counters/1/call', { body: { finish_current: 'served' } });
      assert.equal(r.status, 200, r.text);
      bIds.add(r.json.ticket.id);
    }
    // B's board gets every call (the stream works) ...
    await bBoard.until((evs) => evs.filter((e) => e.event === 'ticket.called').length >= 20);
    // ... while A's gets none of B's events for 2 s.
    await assert.rejects(aBoard.until((evs) => evs.some((e) => e.id > firstId), 2000), /timed out/);
    // A's own call reaches A's board.
    const r = await s.as('a.clerk', 'POST', '/api/v1/counters/1/call', { body: { finish_current: 'served' } });
    assert.equal(r.status, 200, r.text);
    await aBoard.until((evs) => evs.some((e) => e.event === 'ticket.called' && e.json.ticket.id === r.json.ticket.id));
    const heard = aBoard.events.filter((e) => e.id > firstId);
    assert.ok(heard.every((e) => !bIds.has(e.json.ticket?.id)), `A's board heard B: ${heard.map((e) => e.event).join(' ')}`);
    assert.ok(!bBoard.events.some((e) => e.json.ticket?.id === r.json.ticket.id), 'B\'s board did not hear A');
    // A reconnect of A's board from before B's calls replays A's events only.
    const again = subscribe(s, s.devices['a-board'], { lastEventId: firstId });
    try {
      await again.until((evs) => evs.some((e) => e.event === 'snapshot'));
      const replay = again.events.filter((e) => e.event !== 'snapshot');
      assert.ok(replay.some((e) => e.json.ticket?.id === r.json.ticket.id), 'A\'s call is replayed');
      assert.ok(replay.every((e) => !bIds.has(e.json.ticket?.id)), 'no event of B is replayed to A');
    } finally {
      again.close();
    }
  } finally {
    aBoard.close();
    bBoard.close();
  }
});
