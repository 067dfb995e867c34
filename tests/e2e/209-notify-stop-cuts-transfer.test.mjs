// Stopping the server while a provider holds a message (docs/notifications.md):
// the exchange in progress is cut, not waited for — the server exits within a
// few seconds of SIGTERM even with a 60 s channel timeout — and the message
// is not lost: after the restart it is queued again (or sent), never dead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ok } from './lib/steps.mjs';
import { startServerWithFakes, stopAll, waitUntil } from './lib/fakes.mjs';

let s, fakes;
before(async () => {
  ({ s, fakes } = await startServerWithFakes({
    fakes: { only: ['sms'] },
    notifications: { channels: ['sms'], quiet_hours: { from: '00:00', to: '00:00' }, sms: { timeout_s: 60 } },
    args: ['--logins-per-minute', '1000'],
  }));
});
after(() => stopAll(s, fakes));

test('SIGTERM while the SMS gateway holds the request: exit within seconds, the message queued after the restart', async () => {
  await fakes.sms.setMode('slow', { seconds: 100 });
  const id = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'sms', to: '0912345678' } })).notification.id;
  await waitUntil(async () => (await fakes.sms.seen()).some((m) => m.json?.ma_yc === String(id)), 'the gateway holds the request');
  const t0 = Date.now();
  await s.stop(); // SIGTERM; throws unless the exit is clean
  const took = (Date.now() - t0) / 1000;
  assert.ok(took < 5, `the server exited ${took.toFixed(1)} s after SIGTERM (timeout_s 60)`);
  await fakes.sms.setMode('ok');
  await s.start();
  s.tokens = {};
  const [row] = s.sql(`SELECT state, attempts, last_error FROM notifications WHERE id = ${id}`);
  assert.ok(row.state === 'queued' || row.state === 'sent', `not lost: ${JSON.stringify(row)}`);
});
