// tsan: yes
// The public queue of a province, centre by centre (docs/province.md,
// "Scopes"; docs/api.md, GET /api/v1/queue): a centre's answer moves with its
// own changes at once and not with another centre's (its event_id stays the
// last of its own events, so its boards see no missed event); a centre that
// becomes something other than a hall stops answering at once, however often
// its code was read; people ahead stay exact in a long line with priority
// tickets (counted, not read).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';

let s;
before(async () => { s = await startServer({ bundle: PROVINCE_BUNDLE }); });
after(async () => { await s?.stop(); s?.cleanup(); });

const queue = async (code) => {
  const r = await s.req('GET', `/api/v1/queue?office=${code}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const waiting = (snap, group) => snap.groups.find((g) => g.code === group).waiting;
const issue = async (kiosk, body = { group: 'CT' }) => {
  const r = await s.as(kiosk, 'POST', '/api/v1/tickets', { body });
  assert.equal(r.status, 201, r.text);
  return r.json.ticket;
};

test("a centre's queue shows its own tickets at once and never another's", async () => {
  const a0 = await queue(CENTRE_A);
  const b0 = await queue(CENTRE_B);
  for (let i = 1; i <= 5; i++) {
    await issue('b-kiosk');
    // B's next read has it; A's answer is the same as before, event_id too.
    assert.equal(waiting(await queue(CENTRE_B), 'CT'), waiting(b0, 'CT') + i);
    const a = await queue(CENTRE_A);
    assert.equal(waiting(a, 'CT'), waiting(a0, 'CT'));
    assert.equal(a.event_id, a0.event_id, "B's tickets do not move A's event_id");
  }
  await issue('a-kiosk');
  const a1 = await queue(CENTRE_A);
  assert.equal(waiting(a1, 'CT'), waiting(a0, 'CT') + 1);
  const last = s.sql(`SELECT max(id) AS id FROM events WHERE stream = 1 AND office_id =
    (SELECT id FROM offices WHERE code = '${CENTRE_A}')`)[0].id;
  assert.equal(a1.event_id, last, "A's event_id is its own last event");
  assert.ok((await queue(CENTRE_B)).event_id < a1.event_id);
});

test('a hall whose office is no longer a centre is not found at once', async () => {
  const centre = { code: 'TT-MOI', name: 'Trung tâm Phục vụ hành chính công xã Mới', kind: 'centre', parent: 'UB-KS' };
  assert.equal((await s.req('GET', '/api/v1/queue?office=TT-MOI')).status, 404);
  let r = await s.as('admin', 'POST', '/api/v1/import', { body: { offices: [centre] } });
  assert.equal(r.status, 200, r.text);
  for (let i = 0; i < 3; i++) assert.equal((await queue('TT-MOI')).office.code, 'TT-MOI');
  r = await s.as('admin', 'POST', '/api/v1/import',
    { body: { offices: [{ ...centre, kind: 'internal' }] } });
  assert.equal(r.status, 200, r.text);
  r = await s.req('GET', '/api/v1/queue?office=TT-MOI');
  assert.equal(r.status, 404, r.text);
  // An empty code is still refused, whatever was read before without one.
  await s.req('GET', '/api/v1/queue');
  assert.equal((await s.req('GET', '/api/v1/queue?office=')).status, 400);
});

test('people ahead stay exact in a long line with priority tickets', async () => {
  // B's HT line: 40 ordinary, then 5 priority; the province's cap is 2
  // priority calls in a row while an ordinary ticket waits.
  for (let i = 0; i < 40; i++) await issue('b-kiosk', { group: 'HT' });
  const pri = [];
  for (let i = 0; i < 5; i++) pri.push(await issue('b-kiosk', { group: 'HT', priority: 'elderly' }));
  // Each priority ticket: the priority ones before it, and one ordinary
  // ticket after every 2 priority calls.
  assert.deepEqual(pri.map((t) => t.people_ahead), [0, 1, 3, 4, 6]);
  // The next ordinary ticket waits for all 45.
  assert.equal((await issue('b-kiosk', { group: 'HT' })).people_ahead, 45);
  // The citizen's page says the same as the kiosk did.
  const r = await s.req('GET', `/api/v1/public/tickets/${pri[2].id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.people_ahead, 3);
});
