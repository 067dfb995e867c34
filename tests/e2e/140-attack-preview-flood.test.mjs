// Attack (wave 15): one counter clerk's flood of form previews
// (GET /api/v1/dossiers/{code}/forms/{form}.pdf) takes the whole CPU pool,
// which the province's logins share (the password check runs there). The
// preview has no per-caller bound (it is a GET, so the 32-changes share does
// not apply), so a single clerk with a few hundred parallel previews makes
// every other member of staff's login answer 503 server_busy, in every
// centre of the province, for as long as the flood goes on.
// Expected: another user's login during the flood still succeeds (a
// caller's previews are bounded, or logins do not wait behind them).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, PROVINCE_PASSWORDS, centrePrinters } from './lib/province-bundle.mjs';
import { setClock, ok } from './lib/steps.mjs';

// Monday 2 March 2026, 09:00 office time (UTC+7).
const MONDAY_9 = Date.UTC(2026, 2, 2, 2, 0, 0) / 1000;

let s;
let code;
before(async () => {
  const bundle = { ...PROVINCE_BUNDLE,
    printers: centrePrinters('a5', ['a5-ks', 'ipp://127.0.0.1:9/ipp/print'], ['a5-lb', 'ipp://127.0.0.1:9/ipp/print']) };
  s = await startServer({ bundle, args: ['--test-clock', '--logins-per-minute', '1000'] });
  await setClock(s, MONDAY_9);
  code = ok(await s.as('a.clerk', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received',
    applicant: { name: 'Hồ Thị Minh Nguyệt', id_number: '045191003344' } } })).dossier.code;
});
after(async () => { await s?.stop(); s?.cleanup(); });

test('a clerk flooding previews does not lock the rest of the province out of logging in', async () => {
  const token = await s.login('a.clerk');
  const flood = Array.from({ length: 200 }, (_, i) =>
    s.req('GET', `/api/v1/dossiers/${code}/forms/mau-0${1 + (i % 6)}.pdf`, { token, timeout: 60000 })
      .catch((e) => ({ status: `error ${e.message}` })));
  await new Promise((r) => setTimeout(r, 150));
  // Clerks of the other centre, and a colleague, log in meanwhile.
  const logins = await Promise.all(['b.clerk', 'b.clerk2', 'a.clerk2'].map((username) =>
    s.req('POST', '/api/v1/session', { body: { username, password: PROVINCE_PASSWORDS[username] } })));
  const answers = await Promise.all(flood);
  const previews = answers.filter((r) => r.status === 200).length;
  for (const [i, l] of logins.entries()) {
    assert.equal(l.status, 201,
      `login ${i} during one clerk's preview flood (${previews}/200 previews answered): ${l.status} ${l.text}`);
  }
  assert.ok(s.running, 'the server is still up');
});

test("one clerk's previews beyond 16 at once are refused 429, another clerk's preview still renders", async () => {
  const token = await s.login('a.clerk');
  const mine = Array.from({ length: 60 }, (_, i) =>
    s.req('GET', `/api/v1/dossiers/${code}/forms/mau-0${1 + (i % 6)}.pdf`, { token, timeout: 60000 }));
  // A colleague at the same centre previews the same dossier meanwhile.
  const other = await s.req('GET', `/api/v1/dossiers/${code}/forms/mau-01.pdf`,
    { token: await s.login('a.clerk2'), timeout: 60000 });
  const answers = await Promise.all(mine);
  assert.equal(other.status, 200, `the colleague's preview: ${other.status} ${other.text}`);
  assert.match(other.headers['content-type'], /application\/pdf/);
  const refused = answers.filter((r) => r.status === 429);
  const rendered = answers.filter((r) => r.status === 200).length;
  assert.ok(refused.length > 0 && rendered > 0 && rendered + refused.length === 60,
    `one clerk's 60 previews at once: ${rendered} rendered, ${refused.length} refused, `
    + `others ${answers.filter((r) => r.status !== 200 && r.status !== 429).map((r) => r.status)}`);
  for (const r of refused) {
    assert.equal(r.json?.error?.code, 'too_many_requests', r.text);
    assert.equal(r.headers['retry-after'], '1');
    assert.match(r.json.error.message, /quá nhiều yêu cầu/);
  }
  // Once the flood is answered the clerk's preview renders again.
  assert.equal((await s.req('GET', `/api/v1/dossiers/${code}/forms/mau-02.pdf`, { token })).status, 200);
});

test('renders of many users filling the render pool do not make logins wait or fail', async () => {
  // Nine members of staff preview without pause (each up to its share): the
  // render pool is full for as long as the logins below take.
  const flooders = ['a.clerk', 'b.clerk2', 'prov.sup', 'a.sup', 'a.spec', 'b.sup', 'b.centre.sup', 'b.spec', 'so.spec'];
  const tokens = await Promise.all(flooders.map((u) => s.login(u)));
  let stop = false;
  const seen = {};
  const flood = tokens.flatMap((token) => Array.from({ length: 16 }, async (_, i) => {
    while (!stop) {
      const r = await s.req('GET', `/api/v1/dossiers/${code}/forms/mau-0${1 + (i % 6)}.pdf`, { token, timeout: 60000 })
        .catch((e) => ({ status: `error ${e.message}` }));
      const k = `${r.status} ${r.json?.error?.code ?? ''}`.trim();
      seen[k] = (seen[k] ?? 0) + 1;
    }
  }));
  // Wait (bounded) until the pool refuses renders: it is full.
  const deadline = Date.now() + 20000;
  while (!seen['503 server_busy'] && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  try {
    assert.ok(seen['503 server_busy'] > 0, `the render pool never filled: ${JSON.stringify(seen)}`);
    for (const username of ['b.clerk', 'a.clerk2', 'b.clerk', 'a.clerk2']) {
      const l = await s.req('POST', '/api/v1/session', { body: { username, password: PROVINCE_PASSWORDS[username] } });
      assert.equal(l.status, 201, `${username}'s login while the render pool is full (${JSON.stringify(seen)}): ${l.status} ${l.text}`);
      assert.ok(l.ms < 3000, `${username}'s login took ${l.ms.toFixed(0)} ms`);
    }
  } finally {
    stop = true;
    await Promise.all(flood);
  }
  assert.ok(s.running, 'the server is still up');
});
