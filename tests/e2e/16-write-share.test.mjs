// The write pool is shared by every centre: one token (a kiosk's sits in a
// public hall) flooding it from three addresses must not turn another
// centre's changes into 503 server_busy. Beyond its share of the pool a
// principal gets 429 too_many_changes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE } from './lib/province-bundle.mjs';

let s;
after(async () => { await s?.stop(); s?.cleanup(); });

test("one kiosk's flood of changes leaves another centre's kiosk its tickets", async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE });
  let stop = false;
  const flood = {};
  const addrs = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
  const agents = addrs.map((a) => new http.Agent({ keepAlive: true, maxSockets: 200, localAddress: a }));
  const ws = [];
  for (const agent of agents) for (let i = 0; i < 200; i++) ws.push((async () => {
    while (!stop) {
      const r = await s.req('POST', '/api/v1/tickets', { token: s.devices['a-kiosk'], body: { group: 'CT' }, agent })
        .catch(() => ({ status: 'error' }));
      flood[r.status] = (flood[r.status] ?? 0) + 1;
    }
  })());
  await new Promise((r) => setTimeout(r, 1000));
  const b = {};
  for (let i = 0; i < 10; i++) {
    const r = await s.req('POST', '/api/v1/tickets', { token: s.devices['b-kiosk'], body: { group: 'CT' } });
    b[r.status] = (b[r.status] ?? 0) + 1;
  }
  stop = true;
  await Promise.all(ws);
  for (const a of agents) a.destroy();
  assert.ok(flood[201] > 0, JSON.stringify(flood));
  assert.deepEqual(b, { 201: 10 }, `centre B's kiosk while centre A's floods: ${JSON.stringify(b)}; flood ${JSON.stringify(flood)}`);
  assert.equal(flood[503] ?? 0, 0, `the flood filled the write pool: ${JSON.stringify(flood)}`);
});
