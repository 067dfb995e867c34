// tsan: yes
// The SMS gateway down for a while (docs/notifications.md): messages wait
// and are retried with back-off (30 s, then 60 s, 120 s… on the test
// clock), nothing blocks the counter meanwhile, and when the gateway is
// back every queued message is sent once, a phone's messages in the order
// they were written (a later one never overtakes an earlier one still
// waiting for its retry), another phone's independently.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setClock, ok } from './lib/steps.mjs';
import { startServerWithFakes, stopAll, waitUntil as waitFor } from './lib/fakes.mjs';

// Office time (UTC+7) to epoch seconds (ahead of the real clock).
const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const P1 = '0912345678';
const P2 = '0987654321';

let s, fakes;
before(async () => {
  ({ s, fakes } = await startServerWithFakes({
    fakes: { only: ['sms'] }, notifications: { channels: ['sms'] },
    args: ['--test-clock', '--logins-per-minute', '1000'],
  }));
});
after(() => stopAll(s, fakes));

const row = (id) => s.sql(`SELECT * FROM notifications WHERE id = ${id}`)[0];
const send = async (to) => ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'sms', to } })).notification.id;

test('down for three tries: every message sent once when back, in order per phone', async () => {
  const t0 = at(2027, 3, 1, 9);
  await setClock(s, t0);
  await fakes.sms.setMode('down');
  const a = [await send(P1), await send(P1), await send(P1)];
  const b = await send(P2);
  await waitFor(() => row(a[0]).attempts === 1 && row(b).attempts === 1
    && row(a[0]).state === 'queued' && row(b).state === 'queued', 'the first tries failed');
  // Only the first of each phone was tried: the later ones wait behind it.
  assert.equal(row(a[1]).attempts, 0);
  assert.equal(row(a[2]).attempts, 0);
  assert.equal(row(a[0]).not_before, t0 + 30);
  // The back-off doubles: 30 s, 60 s, 120 s.
  await setClock(s, t0 + 30);
  await waitFor(() => row(a[0]).attempts === 2 && row(a[0]).state === 'queued', 'the second try');
  assert.equal(row(a[0]).not_before, t0 + 30 + 60);
  await setClock(s, t0 + 90);
  await waitFor(() => row(a[0]).attempts === 3 && row(b).attempts === 3 && row(a[0]).state === 'queued', 'the third try');
  assert.equal(row(a[0]).not_before, t0 + 90 + 120);
  assert.equal(row(a[1]).attempts, 0, 'still waiting behind the first');
  // Meanwhile the counter works: an intake with consent answers at once.
  const started = Date.now();
  ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', confirm_duplicate: true,
    applicant: { name: 'Trần Thị Mai', id_number: '045090002222', address: 'Khe Sanh', phone: '0905123456',
      notify: { channels: ['sms'], any_hour: true } } } }));
  assert.ok(Date.now() - started < 3000, 'the intake did not wait for the gateway');
  // Back.
  await fakes.sms.setMode('ok');
  await setClock(s, t0 + 210);
  for (const id of [...a, b]) await waitFor(() => row(id).state === 'sent', `message ${id} sent`);
  const got = (await fakes.sms.got()).filter((m) => [...a, b].map(String).includes(m.json?.ma_yc));
  const p1 = got.filter((m) => m.json.so_dt === '84912345678').map((m) => Number(m.json.ma_yc));
  assert.deepEqual(p1, a, "the phone's messages arrived once each, in the order written");
  assert.deepEqual(got.filter((m) => m.json.so_dt === '84987654321').map((m) => Number(m.json.ma_yc)), [b]);
  assert.equal(row(a[0]).attempts, 4);
  assert.equal(row(a[1]).attempts, 1);
  assert.equal(row(a[0]).sent_at, t0 + 210);
  assert.equal(row(a[0]).last_error, null, 'a sent message keeps no error');
  // The chain holds one event per try, none naming the phone.
  const ev = s.sql(`SELECT action, details FROM events WHERE entity = 'notification' AND entity_id = '${a[0]}' ORDER BY id`);
  assert.deepEqual(ev.map((e) => e.action), ['notification.queued', 'notification.retry', 'notification.retry',
    'notification.retry', 'notification.sent']);
  assert.ok(ev.every((e) => !e.details.includes('912345678')));
});
