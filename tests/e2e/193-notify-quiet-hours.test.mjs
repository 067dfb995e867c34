// Quiet hours (docs/notifications.md; 21:00–07:00 office time unless the
// configuration says otherwise): a dossier received at 22:00 from a citizen
// who did not accept messages at any hour gets its SMS at 07:00 the next
// morning, not before; one who did gets it at once. The clock is the
// server's test clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setClock, ok } from './lib/steps.mjs';
import { startServerWithFakes, stopAll, waitUntil as waitFor } from './lib/fakes.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;

let s, fakes;
before(async () => {
  ({ s, fakes } = await startServerWithFakes({
    fakes: { only: ['sms'] }, notifications: { channels: ['sms'] },
    args: ['--test-clock', '--logins-per-minute', '1000'],
  }));
});
after(() => stopAll(s, fakes));

const row = (id) => s.sql(`SELECT * FROM notifications WHERE id = ${id}`)[0];
async function intake(phone, idNumber, anyHour) {
  const r = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', confirm_duplicate: true,
    applicant: { name: 'Nguyễn Văn Đêm', id_number: idNumber, address: 'Khe Sanh', phone,
      notify: { channels: ['sms'], any_hour: anyHour } } } }));
  return s.sql(`SELECT n.id FROM notifications n JOIN dossiers d ON n.ref_kind = 'dossier' AND n.ref_id = d.id
    WHERE d.code = '${r.dossier.code}'`)[0].id;
}
const accepted = async (id) => (await fakes.sms.got()).filter((m) => m.json?.ma_yc === String(id));

test('queued at 22:00: not sent during the night, sent at 07:00; any hour: at once', async () => {
  await setClock(s, at(2027, 3, 1, 22)); // Monday 22:00
  const night = await intake('0912345678', '045090003333', false);
  const anyHour = await intake('0987654321', '045090004444', true);
  assert.equal(row(night).not_before, at(2027, 3, 2, 7));
  await fakes.sms.waitFor((m) => m.json?.ma_yc === String(anyHour), { what: 'the any-hour SMS at 22:00' });
  assert.equal(row(anyHour).sent_at, at(2027, 3, 1, 22));
  await setClock(s, at(2027, 3, 2, 6, 59));
  // A later message to another phone goes through: the worker looked, and
  // the night's message is still not due.
  const probe = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'sms', to: '0905000111' } }));
  await fakes.sms.waitFor((m) => m.json?.ma_yc === String(probe.notification.id), { what: 'the probe at 06:59' });
  assert.equal(row(night).state, 'queued');
  assert.equal(row(night).attempts, 0);
  assert.deepEqual(await accepted(night), []);
  await setClock(s, at(2027, 3, 2, 7));
  const sms = await fakes.sms.waitFor((m) => m.json?.ma_yc === String(night), { what: 'the SMS at 07:00' });
  assert.equal(sms.json.so_dt, '84912345678');
  await waitFor(() => row(night).state === 'sent', 'recorded sent');
  assert.equal(row(night).sent_at, at(2027, 3, 2, 7));
});
