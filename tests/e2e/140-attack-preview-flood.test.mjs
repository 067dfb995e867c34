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
