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

test('resend: quiet hours kept unless any hour was accepted; 20 clicks at once make one resend, refused while it waits', async () => {
  const night = s.sql("SELECT id FROM notifications WHERE recipient = '84912345678' AND state = 'sent' AND resend_of IS NULL")[0].id;
  const anyHour = s.sql("SELECT id FROM notifications WHERE recipient = '84987654321' AND state = 'sent' AND resend_of IS NULL")[0].id;
  await setClock(s, at(2027, 3, 2, 22, 30));
  const rs = await Promise.all(Array.from({ length: 20 }, () => s.as('admin', 'POST', `/api/v1/notifications/${night}/resend`)));
  const codes = rs.map((r) => (r.status === 201 ? 201 : `${r.status}:${r.json?.error?.code}`));
  assert.equal(codes.filter((c) => c === 201).length, 1, `one resend of 20 clicks: ${JSON.stringify(codes)}`);
  assert.ok(codes.every((c) => c === 201 || c === '409:resend_pending'), JSON.stringify(codes));
  const refused = rs.find((r) => r.status === 409);
  assert.match(refused.json.error.message, /gửi lại/, 'the refusal speaks Vietnamese');
  const again = await s.as('admin', 'POST', `/api/v1/notifications/${night}/resend`);
  assert.equal(again.status, 409, 'a later click while it waits: refused too');
  const resent = s.sql(`SELECT * FROM notifications WHERE resend_of = ${night}`);
  assert.equal(resent.length, 1);
  assert.equal(resent[0].not_before, at(2027, 3, 3, 7), 'the resend waits for the morning like any message');
  // The citizen who accepted any hour: the resend goes at once.
  const now = ok(await s.as('admin', 'POST', `/api/v1/notifications/${anyHour}/resend`)).notification.id;
  assert.equal(row(now).not_before, at(2027, 3, 2, 22, 30));
  await waitFor(() => row(now).state === 'sent', 'the any-hour resend sent at 22:30');
});
