// tsan: yes
// The feedback intake's per-client limits (docs/api.md "Feedback"):
// - the form's dossier code and secret are throttled like the dossier
//   look-up: wrong secrets count against the address, and a throttled
//   address is refused before the secret is tested (the right one too);
// - a kiosk is limited per device (60 in 10 minutes), not by the hall's
//   address, which keeps its own 10 for the phones behind it;
// - junk from thousands of addresses leaves the limit tables usable: a
//   refused form takes no room, and fresh addresses are never refused
//   because the tables are full (no throttle_full, even for a dossier
//   look-up).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request, sqlite } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A } from './lib/province-bundle.mjs';
import { ok, setClock } from './lib/steps.mjs';

let s;
let dossier;
before(async () => {
  // The test clock runs real time until the guessing test stops it.
  s = await startServer({ bundle: PROVINCE_BUNDLE, args: ['--test-clock'] });
  // Many filings in a minute here: the province-wide ceiling is e2e 175's.
  sqlite(s.db, `INSERT INTO settings (key, value) VALUES ('feedback_public_limits', '{"per_minute":100000}')`, { json: false });
  const r = ok(await s.as('a.clerk', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received',
    applicant: { name: 'Lê Thị Thu Trang', id_number: '045191007788', phone: '0987654321' },
    documents: [{ name: 'Tờ khai', kind: 'original', count: 1 }] } }));
  dossier = { code: r.dossier.code, secret: r.secret };
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const file = (addr, body) => request(s.base, 'POST', '/api/v1/public/feedback', { body, localAddress: addr });
const about = (secret) => ({ class: 'dossier', text: 'Hồ sơ chậm trả.', anonymous: true, dossier_code: dossier.code, dossier_secret: secret });
const report = (n) => ({ class: 'other', text: `Sảnh chờ thiếu ghế (${n}).`, anonymous: true, office: CENTRE_A });
const rows = () => s.sql('SELECT count(*) AS n FROM feedback')[0].n;

test('guessing a dossier secret through the feedback form is throttled like the dossier look-up', async () => {
  // The clock stands still: the first wait (1 s, counted in whole seconds)
  // cannot run out between the refused guess and the right secret.
  await setClock(s, Math.floor(Date.now() / 1000));
  const A = '127.0.5.5';
  let r;
  let tries = 0;
  do {
    tries++;
    r = await file(A, about(`GUESS${tries}`));
    assert.ok([404, 429].includes(r.status), r.text);
  } while (r.status === 404 && tries < 100);
  assert.deepEqual([r.status, r.json.error.code], [429, 'too_many_attempts']);
  assert.ok(Number(r.headers['retry-after']) >= 1);
  assert.equal(tries, 31, 'the free tries are the dossier look-up\'s 30');
  // Refused before the secret is tested: the right one waits too, on both routes.
  const right = await file(A, about(dossier.secret));
  assert.deepEqual([right.status, right.json.error.code], [429, 'too_many_attempts']);
  const look = await request(s.base, 'GET', `/api/v1/public/dossiers/${dossier.code}?secret=${dossier.secret}`, { localAddress: A });
  assert.equal(look.status, 429);
  assert.equal(rows(), 0);
  // The applicant at their own address links the feedback to the dossier.
  const mine = ok(await file('127.0.5.6', { ...about(dossier.secret), anonymous: undefined,
    sender: { name: 'Lê Thị Thu Trang', address: 'Khe Sanh', phone: '0987654321' } }));
  assert.equal(s.sql(`SELECT d.code FROM feedback f JOIN dossiers d ON d.id = f.dossier_id WHERE f.code = '${mine.code}'`)[0].code, dossier.code);
  // Failed look-ups of the dossier route count against the form too.
  const B = '127.0.5.7';
  for (let i = 0; i < 29; i++) {
    const g = await request(s.base, 'GET', `/api/v1/public/dossiers/${dossier.code}?secret=G${i}`, { localAddress: B });
    assert.equal(g.status, 404);
  }
  assert.equal((await file(B, about('G29'))).status, 404);
  assert.equal((await file(B, about(dossier.secret))).status, 429);
});

test('a kiosk is limited per device, not by the hall\'s address', async () => {
  const before = rows();
  for (let i = 1; i <= 12; i++) {
    const r = await s.as('a-kiosk', 'POST', '/api/v1/public/feedback', { body: report(i) });
    assert.equal(r.status, 201, `citizen ${i} at the kiosk: ${r.text}`);
  }
  // A phone at the kiosk's address (127.0.0.1) keeps its own 10.
  for (let i = 1; i <= 10; i++) ok(await file('127.0.0.1', report(100 + i)));
  const phone = await file('127.0.0.1', report(111));
  assert.deepEqual([phone.status, phone.json?.error?.code], [429, 'too_many_feedback']);
  // The kiosk itself may take 60 in ten minutes; the other centre's kiosk has its own.
  for (let i = 13; i <= 60; i++) ok(await s.as('a-kiosk', 'POST', '/api/v1/public/feedback', { body: report(i) }));
  const more = await s.as('a-kiosk', 'POST', '/api/v1/public/feedback', { body: report(61) });
  assert.deepEqual([more.status, more.json?.error?.code], [429, 'too_many_feedback']);
  ok(await s.as('b-kiosk', 'POST', '/api/v1/public/feedback', { body: { ...report(62), office: undefined } }));
  assert.equal(rows() - before, 60 + 10 + 1);
  assert.equal(s.sql(`SELECT count(*) AS n FROM feedback WHERE channel = 'kiosk'`)[0].n, 61);
});

// Runs fn(k) for k < n, conc at a time; counts the answers by status.
async function pool(n, conc, fn) {
  let i = 0;
  const st = {};
  await Promise.all([...Array(conc)].map(async () => {
    while (i < n) {
      const r = await fn(i++);
      st[r.status] = (st[r.status] ?? 0) + 1;
    }
  }));
  return st;
}
const addr = (n) => `127.${100 + (n >> 16)}.${(n >> 8) & 255}.${(n & 255) || 1}`;

test('junk from thousands of addresses leaves the limit tables usable', async () => {
  // One junk form from each of 4600 addresses (the filing table has 4096
  // places): refused, and nothing kept.
  const junk = await pool(4600, 32, (k) => request(s.base, 'POST', '/api/v1/public/feedback',
    { raw: '{}', headers: { 'Content-Type': 'application/json' }, localAddress: addr(k + 1) }));
  assert.deepEqual(junk, { 400: 4600 });
  const fresh = await pool(20, 4, (k) => file(`127.0.7.${k + 1}`, report(200 + k)));
  assert.deepEqual(fresh, { 201: 20 });
  // One wrong secret from each of 9000 addresses (the throttle has 8192).
  const f = ok(await file('127.0.8.1', report(300)));
  const wrong = await pool(9000, 32, (k) => request(s.base, 'GET', `/api/v1/public/feedback/${f.code}?secret=WRONG${k}`, { localAddress: addr(k + 20000) }));
  assert.deepEqual(wrong, { 404: 9000 });
  const right = await pool(20, 4, (k) => request(s.base, 'GET', `/api/v1/public/feedback/${f.code}?secret=${f.secret}`, { localAddress: `127.0.9.${k + 1}` }));
  assert.deepEqual(right, { 200: 20 });
  const d = await request(s.base, 'GET', `/api/v1/public/dossiers/${dossier.code}?secret=${dossier.secret}`, { localAddress: '127.0.9.200' });
  assert.equal(d.status, 200, d.text);
});
