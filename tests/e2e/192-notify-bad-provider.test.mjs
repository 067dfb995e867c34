// A gateway that answers badly (docs/notifications.md): a 500, bytes that
// are not JSON, or no answer within the timeout are retried with back-off;
// after max_attempts (3 here) the message is dead, with the gateway's raw
// answer and our reason kept for staff; a refusal for good (400: a bad
// number) is dead at once. A supervisor resends a dead message from the
// route: a new row, sent once the gateway is fine; the dead one stays dead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setClock, ok } from './lib/steps.mjs';
import { startServerWithFakes, stopAll, waitUntil as waitFor } from './lib/fakes.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;

let s, fakes;
before(async () => {
  ({ s, fakes } = await startServerWithFakes({
    fakes: { only: ['sms'] }, notifications: { channels: ['sms'], max_attempts: 3 },
    args: ['--test-clock', '--logins-per-minute', '1000'],
  }));
});
after(() => stopAll(s, fakes));

const row = (id) => s.sql(`SELECT * FROM notifications WHERE id = ${id}`)[0];
const send = async (to) => ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'sms', to } })).notification.id;

test('500, garbage, 500: retried after 30 s and 60 s, then dead with the raw answer; resent from the route', async () => {
  const t0 = at(2027, 3, 1, 9);
  await setClock(s, t0);
  await fakes.sms.setMode('500');
  const id = await send('0912345678');
  await waitFor(() => row(id).attempts === 1 && row(id).state === 'queued', 'the first try failed');
  assert.equal(row(id).not_before, t0 + 30);
  assert.match(row(id).provider_answer, /99/, 'the 500 answer is kept');
  assert.ok(row(id).last_error);
  await fakes.sms.setMode('garbage');
  await setClock(s, t0 + 30);
  await waitFor(() => row(id).attempts === 2 && row(id).state === 'queued', 'the second try failed');
  assert.equal(row(id).not_before, t0 + 90);
  assert.ok(row(id).last_error, 'the reason is kept');
  await fakes.sms.setMode('500');
  await setClock(s, t0 + 90);
  await waitFor(() => row(id).state === 'dead', 'dead after three tries');
  assert.equal(row(id).attempts, 3);
  assert.match(row(id).provider_answer, /99/);
  const view = ok(await s.as('sup', 'GET', `/api/v1/notifications/${id}`)).notification;
  assert.equal(view.state, 'dead');
  assert.equal(view.provider_answer, row(id).provider_answer);
  assert.equal(view.last_error, row(id).last_error);
  assert.deepEqual((await fakes.sms.got()).filter((m) => m.json?.ma_yc === String(id)), [], 'nothing accepted');
  // The dead one is resent by the supervisor once the gateway is fine.
  await fakes.sms.setMode('ok');
  const r = await s.as('sup', 'POST', `/api/v1/notifications/${id}/resend`, { body: {} });
  assert.equal(r.status, 201, r.text);
  const again = r.json.notification;
  assert.equal(again.resend_of, id);
  assert.equal(again.state, 'queued');
  const sms = await fakes.sms.waitFor((m) => m.json?.ma_yc === String(again.id), { what: 'the resent SMS' });
  assert.equal(sms.json.so_dt, '84912345678');
  await waitFor(() => row(again.id).state === 'sent', 'the resent message sent');
  assert.equal(row(id).state, 'dead', 'the dead row stays as it was');
  // A counter clerk may not resend.
  assert.equal((await s.as('clerk1', 'POST', `/api/v1/notifications/${id}/resend`, { body: {} })).status, 403);
});

test('no answer within the timeout: retried, the reason says so; the next try goes when the gateway answers', async () => {
  const t0 = at(2027, 3, 1, 10);
  await setClock(s, t0);
  await fakes.sms.setMode('slow', { seconds: 30 });
  const id = await send('0987654321');
  const started = Date.now();
  await waitFor(() => row(id).attempts === 1 && row(id).state === 'queued', 'the slow try given up', 15000);
  assert.ok(Date.now() - started < 10000, 'given up after about the 3 s timeout');
  assert.match(row(id).last_error, /time/i);
  assert.equal(row(id).not_before, t0 + 30);
  await fakes.sms.setMode('ok');
  await setClock(s, t0 + 30);
  await waitFor(() => row(id).state === 'sent', 'sent on the second try');
  assert.equal(row(id).attempts, 2);
});

test('a refusal for good (400, a bad number): dead at once, not retried', async () => {
  await setClock(s, at(2027, 3, 1, 11));
  await fakes.sms.setMode('400');
  const id = await send('0905111222');
  await waitFor(() => row(id).state === 'dead', 'dead at once');
  assert.equal(row(id).attempts, 1);
  assert.match(row(id).provider_answer, /16|Invalid phone/);
  await fakes.sms.setMode('ok');
  const r = await s.as('sup', 'POST', `/api/v1/notifications/${id}/resend`, { body: {} });
  assert.equal(r.status, 201, r.text);
  const pending = await s.as('sup', 'POST', `/api/v1/notifications/${r.json.notification.id}/resend`, { body: {} });
  assert.ok(pending.status === 409 || pending.status === 201, pending.text);
});
