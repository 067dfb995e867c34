// People ahead follow the call policy (priority lane first, with its cap)
// everywhere a citizen reads them: the kiosk's answer, the printed ticket and
// the public ticket page; and the printed ticket speaks Vietnamese only, in
// the ông/bà register.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openCounter } from './lib/harness.mjs';
import { startWithPrinter, kioskPrinter } from './lib/printer.mjs';

let office;
let s;
let printer;
before(async () => {
  office = await startWithPrinter((uri) => kioskPrinter(uri));
  ({ s, printer } = office);
  await openCounter(s, 'clerk2', 3); // the only open counter of Hộ tịch (HT)
});
after(async () => { await office?.stop(); });

const issue = async (who, group, priority) => {
  const r = await s.as(who, 'POST', '/api/v1/tickets', { body: priority ? { group, priority } : { group } });
  assert.equal(r.status, 201, r.text);
  return r.json.ticket;
};
const call = async () => {
  const r = await s.as('clerk2', 'POST', '/api/v1/counters/3/call', { body: { finish_current: 'served' } });
  assert.equal(r.status, 200, r.text);
  return r.json.ticket;
};
const publicAhead = async (id) => {
  const r = await s.req('GET', `/api/v1/public/tickets/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json.people_ahead;
};

test('the kiosk answer and the printed ticket count the priority lane first', async () => {
  // The newcomer's morning: B001 ordinary, then B002 and B003 with priority.
  const b1 = await issue('kiosk-p', 'HT');
  const b2 = await issue('kiosk-p', 'HT', 'pregnant');
  const b3 = await issue('kiosk-p', 'HT', 'elderly');
  assert.deepEqual([b1.people_ahead, b2.people_ahead, b3.people_ahead], [0, 0, 1]);
  const text = printer.text(printer.pdfs().at(-1));
  assert.match(text, /B003/);
  assert.match(text, /trước ông\/bà: 1\b/, text);
  // The printed ticket: no English, and the register of every other screen.
  assert.doesNotMatch(text, /Thank you|Your number|Please|number/i, text);
  assert.doesNotMatch(text, /\bbạn\b/i, text);
  assert.match(text, /ông\/bà/i);

  assert.deepEqual([await publicAhead(b1.id), await publicAhead(b2.id), await publicAhead(b3.id)], [2, 0, 1]);
  const order = [(await call()).id, (await call()).id, (await call()).id];
  assert.deepEqual(order, [b2.id, b3.id, b1.id]);
  await s.as('clerk2', 'POST', '/api/v1/counters/3/finish', { body: { outcome: 'served' } });
});

test('with a mix beyond the cap, each ticket\'s people ahead is its place in the calls', async () => {
  // priority_cap is 2: after two priority calls while others wait, one ordinary.
  const mix = [null, 'elderly', null, 'pregnant', 'disability', 'elderly', null, 'pregnant', null];
  const tickets = [];
  for (const p of mix) tickets.push(await issue('kiosk-1', 'HT', p));
  // The last one's answer is its place as the line stood.
  const expected = new Map();
  for (const t of tickets) expected.set(t.id, await publicAhead(t.id));
  const order = [];
  for (let i = 0; i < tickets.length; i++) order.push((await call()).id);
  for (const [k, id] of order.entries())
    assert.equal(expected.get(id), k, `ticket ${tickets.find((t) => t.id === id).label} was called at place ${k}`);
  assert.equal(tickets.at(-1).people_ahead, order.indexOf(tickets.at(-1).id));
  await s.as('clerk2', 'POST', '/api/v1/counters/3/finish', { body: { outcome: 'served' } });
});
