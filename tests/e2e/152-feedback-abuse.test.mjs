// tsan: yes
// The public feedback routes against abuse (docs/api.md "Feedback"): one
// address files at most 10 feedbacks in 10 minutes (429 too_many_feedback
// with Retry-After; a form refused for a missing field does not use one up;
// another address and staff typing in a call are not held back); guessing
// secrets is throttled like the dossier look-up, even for the right secret
// afterwards; the large bodies the filing route takes are bounded (16 at
// once, 2 per address, beyond that 503 server_busy; the slots come back).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request } from './lib/harness.mjs';
import { ok, setClock } from './lib/steps.mjs';
import { holdLarge, waitLargeBodies } from './lib/large-bodies.mjs';

let s;
// The test clock runs real time until the guessing test stops it.
before(async () => { s = await startServer({ args: ['--test-clock'] }); });
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const from = (addr, method, p, opts = {}) => request(s.base, method, p, { ...opts, localAddress: addr });
const report = (n) => ({ class: 'other', text: `Sảnh chờ thiếu ghế ngồi (${n}).`, anonymous: true });
const count = () => s.sql('SELECT count(*) AS n FROM feedback')[0].n;

test('one address files ten feedbacks in ten minutes, then 429', async () => {
  const A = '127.0.0.2';
  // Refused forms do not count.
  for (let i = 0; i < 3; i++) {
    const bad = await from(A, 'POST', '/api/v1/public/feedback', { body: { class: 'other', text: 'Thiếu ghế.' } });
    assert.deepEqual([bad.status, bad.json.error.code], [400, 'sender_identity_required']);
  }
  for (let i = 1; i <= 10; i++) {
    const r = await from(A, 'POST', '/api/v1/public/feedback', { body: report(i) });
    assert.equal(r.status, 201, `filing ${i}: ${r.text}`);
  }
  const n = count();
  const eleventh = await from(A, 'POST', '/api/v1/public/feedback', { body: report(11) });
  assert.deepEqual([eleventh.status, eleventh.json.error.code], [429, 'too_many_feedback']);
  const wait = Number(eleventh.headers['retry-after']);
  assert.ok(wait > 500 && wait <= 600, `Retry-After ${eleventh.headers['retry-after']}`);
  assert.equal(count(), n, 'the refused filing was stored');
  // Another address, and the clerk taking a call, file as usual.
  assert.equal((await from('127.0.0.3', 'POST', '/api/v1/public/feedback', { body: report(7) })).status, 201);
  for (let i = 0; i < 6; i++) {
    ok(await s.as('clerk1', 'POST', '/api/v1/feedback', { body: { ...report(8 + i), channel: 'hotline' } }));
  }
});

test('guessing secrets is throttled, then even the right secret waits', async () => {
  // The clock stands still: the first wait (1 s, counted in whole seconds)
  // cannot run out between the refused guess and the right secret.
  await setClock(s, Math.floor(Date.now() / 1000));
  const B = '127.0.0.4';
  const f = ok(await from('127.0.0.5', 'POST', '/api/v1/public/feedback', { body: report(20) }));
  let r;
  let tries = 0;
  do {
    tries++;
    r = await from(B, 'GET', `/api/v1/public/feedback/${f.code}?secret=WRONG${tries}`);
    assert.ok([404, 429].includes(r.status), r.text);
  } while (r.status === 404 && tries < 100);
  assert.deepEqual([r.status, r.json.error.code], [429, 'too_many_attempts']);
  assert.ok(Number(r.headers['retry-after']) >= 1);
  assert.ok(tries > 5, `throttled after ${tries} tries`);
  const right = await from(B, 'GET', `/api/v1/public/feedback/${f.code}?secret=${f.secret}`);
  assert.equal(right.status, 429);
  // The sender's changes count against the same address.
  const reply = await from(B, 'POST', `/api/v1/public/feedback/${f.code}/reaction`, { body: { secret: 'X', reaction: 'satisfied' } });
  assert.equal(reply.status, 429);
  // From the sender's own address the right secret reads it.
  assert.equal((await from('127.0.0.5', 'GET', `/api/v1/public/feedback/${f.code}?secret=${f.secret}`)).status, 200);
});

test('at most 16 large bodies are buffered at once: the 17th gets 503, and the slots come back', async () => {
  const port = new URL(s.base).port;
  // Each address holds at most 2 (e2e 176): the 16 come from 8 addresses.
  const held = [];
  for (let i = 0; i < 16; i++) held.push(await holdLarge(port, `127.0.6.${1 + (i >> 1)}`));
  // The server reads their heads in its own time; a filing whose head it
  // read first would take a slot and leave one upload refused.
  await waitLargeBodies(s, 16, held);
  const big = { ...report(30), attachments: [{ name: 'a.png', type: 'image/png', data: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(200000, 1)]).toString('base64') }] };
  let r = await from('127.0.7.1', 'POST', '/api/v1/public/feedback', { body: big });
  assert.deepEqual([r.status, r.json?.error?.code], [503, 'server_busy'], r.text);
  assert.ok(Number(r.headers['retry-after']) >= 1);
  // A small filing is not held back.
  assert.equal((await from('127.0.0.8', 'POST', '/api/v1/public/feedback', { body: report(31) })).status, 201);
  for (const sock of held) sock.destroy();
  await waitLargeBodies(s, 0);
  r = await from('127.0.9.1', 'POST', '/api/v1/public/feedback', { body: big });
  assert.equal(r.status, 201, r.text);
});
