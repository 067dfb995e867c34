// A board screen that closes its event stream is a normal event: the server's
// log stays free of libmicrohttpd's "Failed to send…" warnings for it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, subscribe } from './lib/harness.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s?.stop(); s?.cleanup(); });

const subscribers = async () => (await s.req('GET', '/healthz')).json.subscribers;

test('closing board streams leaves no warning in the log', async () => {
  for (let round = 0; round < 3; round++) {
    const sub = subscribe(s, s.devices['board-1']);
    let deadline = Date.now() + 10000;
    while ((await subscribers()) < 1) {
      assert.ok(Date.now() < deadline, 'the stream is open');
      await new Promise((r) => setImmediate(r));
    }
    sub.close();
    // Events go out until the server notices the closed stream.
    deadline = Date.now() + 20000;
    while ((await subscribers()) > 0) {
      assert.ok(Date.now() < deadline, 'the server notices the closed stream');
      const r = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
      assert.equal(r.status, 201, r.text);
    }
  }
  assert.doesNotMatch(s.stderr, /Failed to send/);
});
