// tsan: yes
// A counter's day: call, recall, finish; no-show and rejoin; transfer; the
// priority lane and its anti-starvation cap; counters belong to their clerk.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openCounter } from './lib/harness.mjs';

let s;
before(async () => {
  s = await startServer();
  await openCounter(s, 'clerk1', 1);
  await openCounter(s, 'clerk2', 3);
});
after(async () => { await s.stop(); s.cleanup(); });

const issue = async (group, priority) => {
  const r = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: priority ? { group, priority } : { group } });
  assert.equal(r.status, 201, r.text);
  return r.json.ticket;
};
const act = (who, no, action, body) => s.as(who, 'POST', `/api/v1/counters/${no}/${action}`, body ? { body } : {});

// Drains whatever a test left at counters 1 and 3 and in their lines.
beforeEach(async () => {
  for (const [who, no] of [['clerk1', 1], ['clerk2', 3]]) {
    await act(who, no, 'finish');
    for (;;) {
      const r = await act(who, no, 'call', { finish_current: 'removed' });
      if (r.status !== 200) break;
    }
    await act(who, no, 'finish', { outcome: 'removed' });
  }
});

test('a full visit: issue, call, recall, finish', async () => {
  const t = await issue('CT');
  const call = await act('clerk1', 1, 'call');
  assert.equal(call.status, 200, call.text);
  assert.equal(call.json.ticket.id, t.id);
  assert.equal(call.json.ticket.state, 'called');
  assert.equal(call.json.ticket.counter, 1);
  // The board sees it being served.
  const q = await s.req('GET', '/api/v1/queue');
  assert.equal(q.json.counters.find((c) => c.no === 1).serving.label, t.label);
  const busy = await act('clerk1', 1, 'call');
  assert.equal(busy.status, 409);
  assert.equal(busy.json.error.code, 'counter_busy');
  const re = await act('clerk1', 1, 'recall');
  assert.equal(re.status, 200);
  const re2 = await act('clerk1', 1, 'recall');
  assert.equal(re2.status, 200);
  const fin = await act('clerk1', 1, 'finish');
  assert.equal(fin.status, 200);
  assert.equal(fin.json.ticket.state, 'done');
  assert.equal(fin.json.ticket.outcome, 'served');
  const visit = s.sql(`SELECT recalls, outcome, finished_at >= called_at AS ok FROM visits WHERE ticket_id = ${t.id}`);
  assert.deepEqual(visit, [{ recalls: 2, outcome: 'served', ok: 1 }]);
  const again = await act('clerk1', 1, 'finish');
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'no_ticket_at_counter');
});

test('no-show, then rejoin at the end of the line', async () => {
  const a = await issue('CT');
  const b = await issue('CT');
  assert.equal((await act('clerk1', 1, 'call')).json.ticket.id, a.id);
  const ns = await act('clerk1', 1, 'no-show');
  assert.equal(ns.status, 200);
  assert.equal(ns.json.ticket.state, 'no_show');
  const rejoin = await s.as('clerk1', 'POST', `/api/v1/tickets/${a.id}/rejoin`);
  assert.equal(rejoin.status, 200, rejoin.text);
  assert.equal(rejoin.json.ticket.state, 'waiting');
  assert.equal(rejoin.json.ticket.label, a.label, 'keeps its number');
  const twice = await s.as('clerk1', 'POST', `/api/v1/tickets/${a.id}/rejoin`);
  assert.equal(twice.status, 409);
  // b waited while a was away: b first, then a.
  assert.equal((await act('clerk1', 1, 'call', { finish_current: 'served' })).json.ticket.id, b.id);
  assert.equal((await act('clerk1', 1, 'call', { finish_current: 'served' })).json.ticket.id, a.id);
  const outcomes = s.sql(`SELECT outcome FROM visits WHERE ticket_id = ${a.id} ORDER BY id`).map((r) => r.outcome);
  assert.deepEqual(outcomes, ['no_show', null]);
});

test('transfer keeps the number and goes ahead of later arrivals', async () => {
  const a = await issue('CT');
  const b1 = await issue('HT'); // arrived after a
  assert.equal((await act('clerk1', 1, 'call')).json.ticket.id, a.id);
  const tr = await act('clerk1', 1, 'transfer', { group: 'HT' });
  assert.equal(tr.status, 200, tr.text);
  assert.equal(tr.json.ticket.group, 'HT');
  assert.equal(tr.json.ticket.label, a.label);
  // Counter 3 serves HT: a (issued before b1) comes first.
  assert.equal((await act('clerk2', 3, 'call')).json.ticket.id, a.id);
  assert.equal((await act('clerk2', 3, 'call', { finish_current: 'served' })).json.ticket.id, b1.id);
  const v = s.sql(`SELECT outcome FROM visits WHERE ticket_id = ${a.id} ORDER BY id`).map((r) => r.outcome);
  assert.deepEqual(v, ['transferred', 'served']);
});

test('transfer to a counter: only that counter calls it', async () => {
  const a = await issue('CT');
  assert.equal((await act('clerk1', 1, 'call')).json.ticket.id, a.id);
  const tr = await act('clerk1', 1, 'transfer', { counter: 3 });
  assert.equal(tr.status, 200, tr.text);
  assert.equal(tr.json.ticket.target_counter, 3);
  const none = await act('clerk1', 1, 'call');
  assert.equal(none.status, 409);
  assert.equal(none.json.error.code, 'queue_empty');
  assert.equal((await act('clerk2', 3, 'call')).json.ticket.id, a.id);
  const bad = await act('clerk2', 3, 'transfer', { group: 'CT', counter: 1 });
  assert.equal(bad.status, 400);
});

test('priority first, but never more than the cap in a row while others wait', async () => {
  // priority_cap is 2 in the test office.
  const o1 = await issue('CT');
  const o2 = await issue('CT');
  const p1 = await issue('CT', 'elderly');
  const p2 = await issue('CT', 'pregnant');
  const p3 = await issue('CT', 'disability');
  const order = [];
  for (let i = 0; i < 5; i++) order.push((await act('clerk1', 1, 'call', { finish_current: 'served' })).json.ticket.id);
  assert.deepEqual(order, [p1.id, p2.id, o1.id, p3.id, o2.id]);
});

test('a clerk works only at the counter they opened', async () => {
  await issue('CT');
  const other = await act('clerk2', 1, 'call');
  assert.equal(other.status, 403);
  assert.equal(other.json.error.code, 'counter_not_yours');
  const take = await s.as('clerk2', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } });
  assert.equal(take.status, 403);
  // A supervisor may act anywhere.
  const sup = await act('sup', 1, 'call');
  assert.equal(sup.status, 200, sup.text);
  await act('sup', 1, 'finish');
});

test('a paused counter cannot call; a busy one cannot close', async () => {
  await issue('HT');
  assert.equal((await s.as('clerk2', 'POST', '/api/v1/counters/3/state', { body: { state: 'paused' } })).status, 200);
  const r = await act('clerk2', 3, 'call');
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'counter_not_open');
  await openCounter(s, 'clerk2', 3);
  assert.equal((await act('clerk2', 3, 'call')).status, 200);
  const close = await s.as('clerk2', 'POST', '/api/v1/counters/3/state', { body: { state: 'closed' } });
  assert.equal(close.status, 409);
  assert.equal(close.json.error.code, 'counter_busy');
});

test('audit-verify passes after the whole day', async () => {
  const { cli } = await import('./lib/harness.mjs');
  const r = cli(['audit-verify', '--db', s.db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ok: \d+ events/);
});
