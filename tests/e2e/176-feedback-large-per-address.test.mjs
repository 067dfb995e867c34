// tsan: yes
// One address cannot hold every large-body slot of the feedback intake
// (docs/api.md "Limits"): it may send 2 large bodies at once, the third is
// refused at once with 429 too_many_requests and Retry-After, while citizens
// at other addresses still file feedback with a photo; when one of its
// uploads ends (its client leaves), the address may send another. The
// server-wide bound (16) still holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';
import { holdLarge, waitLargeBodies } from './lib/large-bodies.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const png = (n) => ({ name: 'anh.png', type: 'image/png', data: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(n - 8, 7)]).toString('base64') });
// A feedback with a 150 KB photo: its body passes the ordinary 64 KiB bound.
const withPhoto = (n) => ({ class: 'procedure', text: `Xin hướng dẫn thủ tục (${n}).`, anonymous: true, attachments: [png(150000)] });
// The same size of body, refused for its content (nothing stored, nothing
// counted) when the server reads it: probes the slot without filing.
const probe = { class: 'procedure', text: 'x', anonymous: true, attachments: [png(150000)], junk: true };
// A client that leaves mid-upload gives its slot back within seconds (the
// server sees its FIN, or its sweeper sees CLOSE-WAIT), well before the 30 s
// body deadline that would otherwise close it.
const GONE_MS = 10000;
const file = (addr, body) => request(s.base, 'POST', '/api/v1/public/feedback', { body, localAddress: addr });

test('an address holds two large uploads at once; the third is 429, other citizens file photos', async () => {
  const port = new URL(s.base).port;
  const A = '127.0.0.66';
  const held = [await holdLarge(port, A), await holdLarge(port, A)];
  // Both heads read (the server's own count), else the third could be read
  // first and take the second's place.
  await waitLargeBodies(s, 2, held);
  const third = await file(A, probe);
  assert.deepEqual([third.status, third.json?.error?.code], [429, 'too_many_requests'], third.text);
  assert.ok(Number(third.headers['retry-after']) >= 1, `Retry-After ${third.headers['retry-after']}`);
  assert.doesNotMatch(third.json.error.message, /[a-z]+_[a-z]+/);
  // Nothing from A was stored; a citizen elsewhere files a photo.
  assert.equal(s.sql('SELECT count(*) AS n FROM feedback')[0].n, 0);
  const other = ok(await file('127.0.1.1', withPhoto(1)));
  assert.equal(s.sql(`SELECT count(*) AS n FROM feedback_files ff JOIN feedback f ON f.id = ff.feedback_id WHERE f.code = '${other.code}'`)[0].n, 1);
  // A small feedback from A is not held back.
  ok(await file(A, { class: 'other', text: 'Không kèm ảnh.', anonymous: true }));
  // One upload ends: A may send its photo.
  held[0].destroy();
  await waitLargeBodies(s, 1, [held[1]], GONE_MS);
  const after1 = await file(A, withPhoto(2));
  assert.equal(after1.status, 201, after1.text);
  held[1].destroy();
  await waitLargeBodies(s, 0);
});

test('the server-wide bound stays: 16 large uploads from 8 addresses, the 17th is 503', async () => {
  const port = new URL(s.base).port;
  const held = [];
  for (let i = 0; i < 16; i++) held.push(await holdLarge(port, `127.0.2.${1 + (i >> 1)}`));
  await waitLargeBodies(s, 16, held);
  const r = await file('127.0.3.1', probe);
  assert.deepEqual([r.status, r.json?.error?.code], [503, 'server_busy'], r.text);
  for (const sock of held) sock.destroy();
  await waitLargeBodies(s, 0, [], GONE_MS);
  const back = await file('127.0.3.1', withPhoto(3));
  assert.equal(back.status, 201, back.text);
});
