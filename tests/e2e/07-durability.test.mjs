// tsan: yes
// kill -9 during a burst of ticket issuing: after restart every acknowledged
// ticket is there, the file is intact and the audit chain verifies.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, cli } from './lib/harness.mjs';

let s;
after(async () => { await s?.stop(); s?.cleanup(); });

test('every acknowledged ticket survives kill -9', async () => {
  s = await startServer();
  const acked = [];
  let stop = false;
  const worker = async (who) => {
    while (!stop) {
      try {
        const r = await s.as(who, 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
        if (r.status === 201) acked.push(r.json.ticket.id);
      } catch { return; } // the server is gone
    }
  };
  await s.login('clerk1');
  await s.login('sup');
  const workers = ['kiosk-1', 'clerk1', 'sup', 'kiosk-1'].map(worker);
  // Kill once a burst is in flight: a number of tickets acknowledged (polled,
  // bounded), whatever the speed of the machine.
  const deadline = Date.now() + 60000;
  while (acked.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.ok(acked.length >= 40, `only ${acked.length} tickets were acknowledged in 60 s`);
  await s.kill9();
  stop = true;
  await Promise.all(workers);

  const integrity = s.integrity();
  assert.equal(integrity, 'ok');
  const ids = new Set(s.sql('SELECT id FROM tickets').map((r) => r.id));
  const lost = acked.filter((id) => !ids.has(id));
  assert.deepEqual(lost, [], 'acknowledged tickets lost');
  const verify = cli(['audit-verify', '--db', s.db]);
  assert.equal(verify.status, 0, verify.stderr);

  // The server comes back on the same file and numbering goes on gap-free.
  await s.start();
  const next = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  assert.equal(next.status, 201);
  const numbers = s.sql("SELECT number FROM tickets WHERE label LIKE 'A%' ORDER BY number").map((r) => r.number);
  assert.deepEqual(numbers, numbers.map((_, i) => i + 1));
});
