// tsan: yes
// One address cannot hold every large-body slot of the feedback intake
// (docs/api.md "Limits"): it may send 2 large bodies at once, the third is
// refused at once with 429 too_many_requests and Retry-After, while citizens
// at other addresses still file feedback with a photo; when one of its
// uploads ends, the address may send another. The server-wide bound (16)
// still holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, request } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';

let s;
before(async () => { s = await startServer(); });
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const png = (n) => ({ name: 'anh.png', type: 'image/png', data: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(n - 8, 7)]).toString('base64') });
// A feedback with a 150 KB photo: its body passes the ordinary 64 KiB bound.
const withPhoto = (n) => ({ class: 'procedure', text: `Xin hướng dẫn thủ tục (${n}).`, anonymous: true, attachments: [png(150000)] });
// The same size of body, refused for its content (nothing stored, nothing
// counted) when the server reads it: probes the slot without filing.
const probe = { class: 'procedure', text: 'x', anonymous: true, attachments: [png(150000)], junk: true };
const file = (addr, body) => request(s.base, 'POST', '/api/v1/public/feedback', { body, localAddress: addr });

// A slow upload: announces 2 MiB and sends part of it, then nothing.
const holdLarge = (port, addr) => new Promise((resolve, reject) => {
  const sock = net.connect({ host: '127.0.0.1', port, localAddress: addr }, () => {
    sock.write('POST /api/v1/public/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
      + `Content-Length: ${2 * 1024 * 1024}\r\n\r\n{"class":"other","text":"`);
    sock.write('a'.repeat(100000));
    resolve(sock);
  });
  sock.on('error', reject);
});

// Sends body from addr until the answer is not `while_status` (the server
// takes the slow uploads' heads in its own time), at most 10 s.
const until = async (addr, body, whileStatus) => {
  const deadline = Date.now() + 10000;
  let r;
  do r = await file(addr, body); while (r.status === whileStatus && Date.now() < deadline);
  return r;
};

test('an address holds two large uploads at once; the third is 429, other citizens file photos', async () => {
  const port = new URL(s.base).port;
  const A = '127.0.0.66';
  const held = [await holdLarge(port, A), await holdLarge(port, A)];
  const third = await until(A, probe, 400);
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
  const after1 = await until(A, withPhoto(2), 429);
  assert.equal(after1.status, 201, after1.text);
  held[1].destroy();
});

test('the server-wide bound stays: 16 large uploads from 8 addresses, the 17th is 503', async () => {
  const port = new URL(s.base).port;
  const held = [];
  for (let i = 0; i < 16; i++) held.push(await holdLarge(port, `127.0.2.${1 + (i >> 1)}`));
  const r = await until('127.0.3.1', probe, 400);
  assert.deepEqual([r.status, r.json?.error?.code], [503, 'server_busy'], r.text);
  for (const sock of held) sock.destroy();
  const back = await until('127.0.3.1', withPhoto(3), 503);
  assert.equal(back.status, 201, back.text);
});
