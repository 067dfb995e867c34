// tsan: yes
// Tickets: numbering per group per day, the answer a kiosk prints, and
// concurrent issuing that stays unique and gap-free.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); s.cleanup(); });

test('a kiosk issues numbered tickets per service group', async () => {
  const a1 = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  assert.equal(a1.status, 201, a1.text);
  assert.equal(a1.json.ticket.label, 'A001');
  assert.equal(a1.json.ticket.state, 'waiting');
  assert.equal(a1.json.ticket.people_ahead, 0);
  const b1 = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'HT' } });
  assert.equal(b1.json.ticket.label, 'B001');
  const a2 = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT', priority: 'elderly' } });
  assert.equal(a2.json.ticket.label, 'A002');
  assert.equal(a2.json.ticket.priority, 'elderly');
  // The priority lane is called first (within its cap): nobody is ahead of
  // A002 though A001 came earlier.
  assert.equal(a2.json.ticket.people_ahead, 0);
});

test('the wait estimate falls back to queue length over open counters', async () => {
  // No counter open, no call today: no estimate can be made.
  const none = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'HT' } });
  assert.equal(none.json.ticket.wait, null);
  const open = await s.as('clerk1', 'POST', '/api/v1/counters/3/state', { body: { state: 'open' } });
  assert.equal(open.status, 200);
  const t = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'HT' } });
  // 2 ahead, 1 open counter, 6 min default service: 12 min, shown +-20 %.
  assert.equal(t.json.ticket.people_ahead, 2);
  assert.deepEqual(t.json.ticket.wait, { low_min: 10, high_min: 14, from_history: false });
  const close = await s.as('clerk1', 'POST', '/api/v1/counters/3/state', { body: { state: 'closed' } });
  assert.equal(close.status, 200);
});

test('unknown group or priority class is refused and issues nothing', async () => {
  const before = s.sql('SELECT count(*) AS n FROM tickets')[0].n;
  const g = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'ZZ' } });
  assert.equal(g.status, 404);
  assert.equal(g.json.error.code, 'group_not_found');
  const p = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT', priority: 'vip' } });
  assert.equal(p.status, 400);
  assert.equal(p.json.error.code, 'unknown_priority_class');
  assert.equal(s.sql('SELECT count(*) AS n FROM tickets')[0].n, before);
});

test('8 clients issuing 500 tickets at once get unique, gap-free numbers', async () => {
  const clients = ['kiosk-1', 'clerk1', 'clerk2', 'sup', 'admin', 'kiosk-1', 'clerk1', 'sup'];
  const perClient = [63, 63, 63, 63, 62, 62, 62, 62]; // 500 in all
  const start = s.sql("SELECT coalesce(max(number), 0) AS n FROM tickets WHERE label LIKE 'B%'")[0].n;
  for (const c of new Set(clients)) if (!s.devices[c]) await s.login(c);
  const labels = [];
  await Promise.all(clients.map(async (who, i) => {
    for (let k = 0; k < perClient[i]; k++) {
      const r = await s.as(who, 'POST', '/api/v1/tickets', { body: { group: 'HT' } });
      assert.equal(r.status, 201, r.text);
      labels.push(r.json.ticket.number);
    }
  }));
  assert.equal(labels.length, 500);
  assert.equal(new Set(labels).size, 500, 'numbers are unique');
  const sorted = [...labels].sort((a, b) => a - b);
  assert.equal(sorted[0], start + 1);
  assert.equal(sorted[499], start + 500, 'no gaps');
  // The database agrees, and the audit chain holds every issue.
  const rows = s.sql("SELECT count(*) AS n, count(DISTINCT number) AS d FROM tickets WHERE label LIKE 'B%'")[0];
  assert.equal(rows.n, rows.d);
  assert.equal(s.sql("SELECT count(*) AS n FROM events WHERE action = 'ticket.issued'")[0].n,
    s.sql('SELECT count(*) AS n FROM tickets')[0].n);
});

test('the queue snapshot counts what waits', async () => {
  const q = await s.req('GET', '/api/v1/queue');
  assert.equal(q.status, 200);
  const ht = q.json.groups.find((g) => g.code === 'HT');
  const waiting = s.sql("SELECT count(*) AS n FROM tickets t JOIN service_groups g ON g.id = t.group_id WHERE g.code = 'HT' AND state = 'waiting'")[0].n;
  assert.equal(ht.waiting, waiting);
  assert.equal(ht.next.length, 5);
  assert.equal(q.json.office.name, 'Bộ phận Một cửa thử nghiệm');
  assert.ok(q.json.priority_classes.some((p) => p.code === 'elderly'));
});
