// tsan: yes
// The live stream: a snapshot on every connect, then ordered deltas with ids;
// Last-Event-ID resumes without loss, also across a server restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openCounter, subscribe } from './lib/harness.mjs';

let s;
before(async () => { s = await startServer({ args: ['--heartbeat-ms', '500'] }); await openCounter(s, 'clerk1', 1); });
after(async () => { await s.stop(); s.cleanup(); });

const deltas = (evs) => evs.filter((e) => e.event !== 'snapshot');

test('two subscribers see the same ordered events', async () => {
  const board = s.devices['board-1'];
  const a = subscribe(s, board);
  const b = subscribe(s, board);
  await a.until((e) => e.length >= 1);
  await b.until((e) => e.length >= 1);
  assert.equal(a.events[0].event, 'snapshot');
  assert.equal(a.events[0].json.counters.length, 4);
  for (let i = 0; i < 5; i++) await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  const call = await s.as('clerk1', 'POST', '/api/v1/counters/1/call');
  assert.equal(call.status, 200);
  await a.until((e) => deltas(e).length >= 6);
  await b.until((e) => deltas(e).length >= 6);
  const ida = deltas(a.events).map((e) => e.id);
  const idb = deltas(b.events).map((e) => e.id);
  assert.deepEqual(ida, idb);
  assert.deepEqual(ida, [...ida].sort((x, y) => x - y), 'ids rise');
  assert.deepEqual(deltas(a.events).map((e) => e.event), [...Array(5).fill('ticket.issued'), 'ticket.called']);
  const called = deltas(a.events)[5].json;
  assert.equal(called.counter, 1);
  assert.equal(called.ticket.label, call.json.ticket.label);
  a.close(); b.close();
});

test('a snapshot includes every change acknowledged before it was asked for', async () => {
  // Readers arriving together right after a change: none may get the
  // snapshot from before it (one rebuilds while the others wait for it).
  const waiting = async () => (await s.req('GET', '/api/v1/queue')).json.groups.find((g) => g.code === 'TK').waiting;
  const start = await waiting();
  for (let i = 1; i <= 100; i++) {
    const r = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'TK' } });
    assert.equal(r.status, 201);
    const seen = await Promise.all(Array.from({ length: 6 }, waiting));
    assert.deepEqual(seen, Array(6).fill(start + i), `after ticket ${i}`);
  }
});

test('heartbeats keep an idle stream open', async () => {
  // Three heartbeat comments (500 ms apart here) arrive on an idle stream,
  // and it still delivers afterwards: they do not end it.
  const c = subscribe(s, s.devices['board-1']);
  await c.until((e) => e.length >= 1);
  await c.until(() => c.comments >= 3, 15000);
  assert.equal(deltas(c.events).length, 0, 'nothing but heartbeats while idle');
  await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'HT' } });
  await c.until((e) => deltas(e).length >= 1);
  c.close();
});

test('a subscriber reconnecting with Last-Event-ID misses nothing', async () => {
  const a = subscribe(s, s.devices['board-1']);
  await a.until((e) => e.length >= 1);
  await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  await a.until((e) => deltas(e).length >= 1);
  const last = a.events.at(-1).id;
  a.close();
  // While it is away, three things happen.
  await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  await s.as('clerk1', 'POST', '/api/v1/counters/1/finish');
  await s.as('clerk1', 'POST', '/api/v1/counters/1/call');
  const b = subscribe(s, s.devices['board-1'], { lastEventId: last });
  await b.until((e) => e.some((x) => x.event === 'snapshot'));
  const missed = deltas(b.events);
  assert.deepEqual(missed.map((e) => e.event), ['ticket.issued', 'ticket.finished', 'ticket.called']);
  assert.ok(missed.every((e) => e.id > last));
  const snap = b.events.find((e) => e.event === 'snapshot');
  assert.equal(snap.id, missed.at(-1).id, 'the snapshot is as of the last event');
  b.close();
});

test('a server restart is survived: the stream resumes from its last id', async () => {
  const a = subscribe(s, s.devices['board-1']);
  await a.until((e) => e.length >= 1);
  await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'HT' } });
  await a.until((e) => deltas(e).length >= 1);
  const last = a.events.at(-1).id;
  await s.restart(); // same port, same database
  await a.ended; // the old stream ended with the server
  await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'HT' } });
  const b = subscribe(s, s.devices['board-1'], { lastEventId: last });
  await b.until((e) => e.some((x) => x.event === 'snapshot'));
  const missed = deltas(b.events);
  assert.equal(missed.length, 1);
  assert.equal(missed[0].event, 'ticket.issued');
  assert.ok(missed[0].id > last);
  b.close();
});

test('the stream needs a device or staff token', async () => {
  const r = await s.req('GET', '/api/v1/events');
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, 'unauthorized');
});

test('a retired board, a changed role or a logout ends the stream; the token is refused after', async () => {
  const created = await s.as('admin', 'POST', '/api/v1/devices', { body: { kind: 'display', name: 'board-old' } });
  assert.equal(created.status, 201, created.text);
  const token = created.json.devices_created.find((d) => d.name === 'board-old').token;
  const board = subscribe(s, token);
  await board.until((e) => e.length >= 1);
  const other = subscribe(s, s.devices['board-1']);
  await other.until((e) => e.length >= 1);
  const retired = await s.as('admin', 'PATCH', '/api/v1/devices/board-old', { body: { active: false } });
  assert.equal(retired.status, 200, retired.text);
  const ended = await Promise.race([board.ended.then(() => true), new Promise((r) => setTimeout(r, 5000, false))]);
  assert.ok(ended, 'the retired board\'s stream still open 5 s after');
  const again = subscribe(s, token);
  await again.ended;
  assert.equal(again.status, 401, 'a reconnect with the retired token');
  // The other board keeps its stream and its events.
  await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  await other.until((e) => deltas(e).some((x) => x.event === 'ticket.issued'));
  other.close();

  // A clerk whose role changes: the stream opened under the old role ends.
  const clerkToken = await s.login('clerk2');
  const clerk = subscribe(s, clerkToken);
  await clerk.until((e) => e.length >= 1);
  const changed = await s.as('admin', 'PATCH', '/api/v1/users/clerk2', { body: { role: 'specialist' } });
  assert.equal(changed.status, 200, changed.text);
  assert.ok(await Promise.race([clerk.ended.then(() => true), new Promise((r) => setTimeout(r, 5000, false))]),
    'the stream of the old role still open 5 s after');

  // A supervisor who logs out: the stream of that session ends.
  const supToken = await s.login('sup');
  const sup = subscribe(s, supToken);
  await sup.until((e) => e.length >= 1);
  const out = await s.req('DELETE', '/api/v1/session', { token: supToken });
  assert.equal(out.status, 200);
  delete s.tokens.sup;
  assert.ok(await Promise.race([sup.ended.then(() => true), new Promise((r) => setTimeout(r, 5000, false))]),
    'the stream of the closed session still open 5 s after');
});
