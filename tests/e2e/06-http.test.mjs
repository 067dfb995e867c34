// HTTP behaviour: keep-alive, Idempotency-Key, login throttling, cookies,
// /healthz and /metrics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './lib/harness.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { await s.stop(); s.cleanup(); });

test('a plain GET keeps the connection alive', async () => {
  const answers = await new Promise((resolve, reject) => {
    const sock = net.connect(s.port, '127.0.0.1');
    let text = '';
    sock.on('data', (d) => {
      text += d;
      if ((text.match(/HTTP\/1\.1 200/g) ?? []).length === 2 && text.trimEnd().endsWith('}')) {
        sock.destroy();
        resolve(text);
      }
    });
    sock.on('error', reject);
    sock.setTimeout(5000, () => { sock.destroy(); reject(new Error(`no second answer: ${text}`)); });
    sock.write('GET /api/v1/queue HTTP/1.1\r\nHost: x\r\n\r\n');
    // The second request on the same socket only after the first answer.
    setTimeout(() => sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'), 200);
  });
  assert.doesNotMatch(answers, /Connection: close/i);
  assert.equal((answers.match(/HTTP\/1\.1 200/g) ?? []).length, 2);
});

test('a retry with the same Idempotency-Key returns the first answer and changes nothing more', async () => {
  const headers = { 'Idempotency-Key': 'kiosk-press-0001' };
  const first = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' }, headers });
  assert.equal(first.status, 201);
  const count = s.sql('SELECT count(*) AS n FROM tickets')[0].n;
  const events = s.sql('SELECT count(*) AS n FROM events')[0].n;
  const again = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' }, headers });
  assert.equal(again.status, 201);
  assert.deepEqual(again.json, first.json);
  assert.equal(s.sql('SELECT count(*) AS n FROM tickets')[0].n, count);
  assert.equal(s.sql('SELECT count(*) AS n FROM events')[0].n, events);
  // The same key for another request is a client bug, said plainly.
  const other = await s.as('kiosk-1', 'POST', '/api/v1/tickets/1/rejoin', { headers });
  assert.ok([403, 409].includes(other.status));
  // Keys are per principal: another client's same key is its own.
  const mine = await s.as('clerk1', 'POST', '/api/v1/tickets', { body: { group: 'CT' }, headers });
  assert.equal(mine.status, 201);
  assert.notEqual(mine.json.ticket.id, first.json.ticket.id);
});

test('a counter call retried with its key takes one ticket off the queue, not two', async () => {
  await s.as('clerk1', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } });
  await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
  const headers = { 'Idempotency-Key': 'call-42' };
  const a = await s.as('clerk1', 'POST', '/api/v1/counters/1/call', { body: { finish_current: 'served' }, headers });
  const b = await s.as('clerk1', 'POST', '/api/v1/counters/1/call', { body: { finish_current: 'served' }, headers });
  assert.equal(a.status, 200);
  assert.deepEqual(b.json, a.json);
  assert.equal(s.sql("SELECT count(*) AS n FROM tickets WHERE state = 'called'")[0].n, 1);
});

test('a failed request under a key is not remembered: the retry is tried afresh', async () => {
  const headers = { 'Idempotency-Key': 'try-again-1' };
  const bad = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'NOPE' }, headers });
  assert.equal(bad.status, 404);
  assert.equal(s.sql("SELECT count(*) AS n FROM idempotency WHERE key = 'try-again-1'")[0].n, 0);
});

test('repeated failed logins are slowed down', async () => {
  const tries = [];
  for (let i = 0; i < 5; i++) {
    tries.push(await s.req('POST', '/api/v1/session', { body: { username: 'spec', password: `wrong-${i}` } }));
  }
  assert.deepEqual(tries.map((r) => r.status), [401, 401, 401, 401, 401], 'five free tries');
  // Then each try must wait, doubling from 1 s. A slow machine (ASan) may
  // come back after a wait ran out, so keep trying: the waits grow until
  // one is longer than a try takes.
  let limited = null;
  for (let i = 5; i < 15 && !limited; i++) {
    const r = await s.req('POST', '/api/v1/session', { body: { username: 'spec', password: `wrong-${i}` } });
    assert.ok([401, 429].includes(r.status), r.text);
    if (r.status === 429) limited = r;
  }
  assert.ok(limited, 'slowed down within ten more tries');
  assert.equal(limited.json.error.code, 'too_many_attempts');
  assert.ok(Number(limited.headers['retry-after']) >= 1);
  // Even the right password waits until the pause is over.
  const right = await s.req('POST', '/api/v1/session', { body: { username: 'spec', password: 'spec-pass-0001' } });
  assert.equal(right.status, 429);
  // A wrong user and a wrong password are told apart by nothing.
  const nouser = await s.req('POST', '/api/v1/session', { body: { username: 'ghost', password: 'whatever-1' } });
  assert.ok([401, 429].includes(nouser.status));
});

test('login sets an HttpOnly session cookie that pages can use', async () => {
  const r = await s.req('POST', '/api/v1/session', { body: { username: 'sup', password: 'sup-pass-0001' } });
  assert.equal(r.status, 201);
  const cookie = r.headers['set-cookie'][0];
  assert.match(cookie, /^motcua_session=[A-Za-z0-9_-]{43};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const who = await s.req('GET', '/api/v1/session', { headers: { Cookie: cookie.split(';')[0] } });
  assert.equal(who.status, 200);
  assert.equal(who.json.role, 'supervisor');
  // The token is stored hashed: not findable in the database.
  assert.equal(s.sql(`SELECT count(*) AS n FROM sessions WHERE token_hash = '${r.json.token}'`)[0].n, 0);
});

test('/healthz and /metrics', async () => {
  const h = await s.req('GET', '/healthz');
  assert.equal(h.status, 200);
  assert.equal(h.json.status, 'ok');
  assert.equal(h.json.clock, 'real');
  const m = await s.req('GET', '/metrics');
  assert.equal(m.status, 200);
  assert.match(m.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  assert.match(m.text, /motcua_tickets_today\{group="CT",outcome="waiting"\} \d+/);
  assert.match(m.text, /motcua_waiting\{group="HT"\} 0/);
  assert.match(m.text, /motcua_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+/);
  assert.match(m.text, /motcua_http_requests_total\{code="201"\} \d+/);
});

test('the test clock exists only when asked for', async () => {
  const r = await s.as('admin', 'PUT', '/api/v1/test/clock', { body: { now: 1800000000 } });
  assert.equal(r.status, 404);
});
