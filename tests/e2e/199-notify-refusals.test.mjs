// Refusals for good and for now (docs/notifications.md): the SMS gateway
// answering 400 (an invalid number) makes the message dead at its first try,
// the gateway's raw answer kept and shown to the centre's supervisor with
// our reason; a 429 (too many requests) is only a wait. Zalo answering
// -108 (phone invalid) is dead at once too. Nothing is sent again by itself.
// A 401 (the office's token wrong) only waits: fixed, the message goes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setClock, ok } from './lib/steps.mjs';
import { startServerWithFakes, stopAll, waitNotification } from './lib/fakes.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const T0 = at(2027, 3, 2, 10); // a Tuesday, 10:00 office time
const APPLICANT = { name: 'Lê Thị Hồng', id_number: '045090005555', address: 'Thôn 1, xã Hướng Tân' };

let s, fakes;
before(async () => {
  ({ s, fakes } = await startServerWithFakes({
    fakes: { only: ['sms', 'zns'] }, notifications: { channels: ['sms', 'zalo'] },
    args: ['--test-clock', '--logins-per-minute', '1000'],
  }));
  await setClock(s, T0);
});
after(() => stopAll(s, fakes));

const waitRow = (id, pred, what, ms) => waitNotification(s, id, pred, what, ms);
// A dossier received with consent on channels; its message row on channel.
const intake = async (phone, channels, channel) => {
  const code = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'PS', outcome: 'received', confirm_duplicate: true,
    applicant: { ...APPLICANT, phone, notify: { channels, any_hour: true } } } })).dossier.code;
  const [row] = s.sql(`SELECT n.id FROM notifications n JOIN dossiers d ON n.ref_kind = 'dossier' AND n.ref_id = d.id
    WHERE d.code = '${code}' AND n.channel = '${channel}'`);
  assert.ok(row, `a ${channel} row for ${code}`);
  return row.id;
};

test('SMS 400: dead at the first try, the raw answer kept and shown to the supervisor', async () => {
  await fakes.sms.setMode('400');
  const id = await intake('0912000001', ['sms'], 'sms');
  const r = await waitRow(id, (x) => x.state === 'dead', 'dead');
  await fakes.sms.setMode('ok');
  assert.equal(r.attempts, 1);
  assert.equal(r.last_error, 'http_status: the gateway refused the message (HTTP 400)');
  assert.equal(r.provider_answer, 'HTTP 400\n{"code":"16","message":"Invalid phone number"}');
  assert.equal(r.sent_at, null);
  const seen = (await fakes.sms.seen()).filter((q) => q.json?.ma_yc === String(id));
  assert.equal(seen.length, 1, 'tried once');
  // The centre's supervisor reads the same on the message's view.
  const v = ok(await s.as('sup', 'GET', `/api/v1/notifications/${id}`));
  const m = v.notification ?? v;
  assert.equal(m.state, 'dead');
  assert.match(m.provider_answer, /Invalid phone number/);
  assert.match(m.last_error, /HTTP 400/);
  // Not tried again by itself: an hour later a new message to the same
  // phone goes (the dead one does not hold it) and the dead one stays put.
  await setClock(s, T0 + 3600);
  const later = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'sms', to: '0912000001' } })).notification.id;
  await waitRow(later, (x) => x.state === 'sent', 'the later message sent');
  assert.equal((await fakes.sms.seen()).filter((q) => q.json?.ma_yc === String(id)).length, 1);
  assert.equal((await waitRow(id, () => true, '')).state, 'dead');
  await setClock(s, T0);
});

test('SMS 429: a wait, not a refusal', async () => {
  await fakes.sms.setMode('429', { next: 1 });
  const id = await intake('0912000002', ['sms'], 'sms');
  const r = await waitRow(id, (x) => x.attempts === 1 && x.state === 'queued', 'queued again');
  assert.equal(r.last_error, 'http_status: HTTP 429 from the gateway');
  assert.match(r.provider_answer, /^HTTP 429\n/);
});

test('Zalo -108 (phone invalid): dead at once with Zalo\'s words', async () => {
  await fakes.zns.setMode('bad-phone');
  const id = await intake('0912000003', ['zalo'], 'zalo');
  const r = await waitRow(id, (x) => x.state === 'dead', 'dead');
  await fakes.zns.setMode('ok');
  assert.equal(r.attempts, 1);
  assert.equal(r.last_error, 'refused: Zalo error -108 (Phone number is invalid)');
  assert.match(r.provider_answer, /"error":-108/);
  assert.equal((await fakes.zns.got()).filter((m) => m.json?.tracking_id === String(id)).length, 0);
});

test("SMS 401 (the office's token is wrong): the message waits, 'auth:', and goes once the token is fixed", async () => {
  const sms = fakes.config({ channels: ['sms'] }).sms;
  ok(await s.as('admin', 'POST', '/api/v1/import', { body: { notifications: { sms: { ...sms, token: 'wrong-token' } } } }));
  const id = await intake('0912000004', ['sms'], 'sms');
  const r = await waitRow(id, (x) => x.attempts >= 1 && x.last_error, 'tried with the wrong token');
  assert.equal(r.state, 'queued', 'not dead: the credentials, not the message');
  assert.match(r.last_error, /^auth: .*HTTP 401/);
  ok(await s.as('admin', 'POST', '/api/v1/import', { body: { notifications: { sms } } }));
  await setClock(s, T0 + 3600);
  const done = await waitRow(id, (x) => x.state === 'sent', 'sent once the token is fixed');
  assert.ok(done.attempts >= 2);
  assert.equal((await fakes.sms.got()).filter((m) => m.json?.ma_yc === String(id)).length, 1);
  await setClock(s, T0);
});
