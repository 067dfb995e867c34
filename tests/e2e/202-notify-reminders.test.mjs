// Telling the citizen, the periodic scans (docs/notifications.md) on a test
// clock: a result ready and not collected is reminded once, after exactly
// reminder_days working days (here 2: over a weekend-free week, Monday
// 10:00 → Wednesday 10:00), never before nor twice, and never once
// collected; a booking is reminded reminder_minutes (120) before its slot,
// once, and not when it was made less than that ahead. The scan runs about
// once a minute of the server's clock; each step waits for a witness
// booking's reminder to know a scan has run since the clock moved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { startFakes } from './lib/fakes.mjs';

// Office time (UTC+7) of March 2026 to epoch seconds.
const at = (d, h, mi = 0) => Date.UTC(2026, 2, d, h - 7, mi) / 1000;
const OFFICE = DOSSIER_BUNDLE.office.code;
const APPLICANT = { name: 'Trần Thị Mai', id_number: '045090004444', address: 'Khóm 1, Khe Sanh', phone: '0913000444',
  email: 'mai@example.vn', notify: { channels: ['sms', 'email'], any_hour: false } };

let s, fakes, centre;
before(async () => {
  fakes = await startFakes({ only: ['smtp', 'sms'] });
  s = await startServer({
    bundle: {
      ...DOSSIER_BUNDLE,
      appointments: { reminder_minutes: 120, days_ahead: 6, slots: [{ office: OFFICE, group: 'CT', minutes: 30, capacity: 3 }] },
      notifications: fakes.config({ reminder_days: 2, sms: { ascii: 'never' }, quiet_hours: { from: '21:00', to: '07:00' } }),
    },
    args: ['--test-clock', '--logins-per-minute', '1000'],
  });
  centre = s.sql(`SELECT name FROM offices WHERE code = '${OFFICE}'`)[0].name;
});
after(async () => { await s?.stop(); s?.cleanup(); await fakes?.stop(); });

const act = (who, code, action, extra = {}) => s.as(who, 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/actions`, { body: { action, ...extra } });
const reminders = (code) => s.sql(`SELECT n.channel, n.recipient, n.body, n.created_by FROM notifications n JOIN dossiers d
  ON n.ref_kind = 'dossier' AND n.ref_id = d.id WHERE d.code = '${code}' AND n.trigger = 'reminder' ORDER BY n.id`);
const bookingReminders = (code) => s.sql(`SELECT n.channel, n.recipient, n.body, b.reminded_at FROM notifications n
  JOIN bookings b ON n.ref_kind = 'booking' AND n.ref_id = b.id WHERE b.code = '${code}' AND n.trigger = 'booking_reminder' ORDER BY n.id`);
// Books slot start (office time) with phone; resolves the booking's code.
const book = async (start, phone) => ok(await s.req('POST', '/api/v1/public/bookings', { body: { office: OFFICE, group: 'CT', start,
  name: 'Võ Văn Hùng', phone, email: `h${phone.slice(-3)}@example.vn`, notify: { channels: ['sms'], any_hour: false } } })).booking.code;
// Waits (bounded) until f() is true: the scan runs about once a minute.
async function until(f, what, ms = 90000) {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let ready, collected, early, late, witness2, witness3;
test('set-up: two results ready Monday 10:00 (one collected at once), and bookings made ahead', async () => {
  await setClock(s, at(2, 9)); // Monday 2 March 09:00
  ready = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', outcome: 'received', confirm_duplicate: true, applicant: APPLICANT } })).dossier.code;
  collected = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', outcome: 'received', confirm_duplicate: true,
    applicant: { ...APPLICANT, id_number: '045090005555', name: 'Trần Văn Toàn' } } })).dossier.code;
  for (const code of [ready, collected]) ok(await act('clerk1', code, 'handover', { to_office: 'TP', to_person: 'spec' }));
  await setClock(s, at(2, 10));
  for (const code of [ready, collected]) ok(await act('spec', code, 'result_ready'));
  ok(await act('clerk1', collected, 'return_result', { collected_by: 'Trần Văn Toàn', id_checked: true }));
  early = await book(at(3, 14), '0981000001'); // Tuesday 14:00, booked a day ahead
  assert.deepEqual(bookingReminders(early), []);
});

test('120 minutes before its slot a booking made ahead is reminded once; the result ready one working day is not', async () => {
  await setClock(s, at(3, 12, 5)); // Tuesday 12:05: within 120 minutes of 14:00
  await until(() => bookingReminders(early).length > 0, 'booking reminder');
  const [m, ...more] = bookingReminders(early);
  assert.deepEqual(more, []);
  assert.equal(m.channel, 'sms');
  assert.equal(m.recipient, '84981000001');
  assert.equal(m.body, `${centre}: nhắc lịch hẹn Chứng thực lúc 03/03/2026 14:00, mã ${early}. Vui lòng đến đúng giờ.`);
  assert.equal(m.reminded_at, at(3, 12, 5));
  assert.deepEqual(reminders(ready), [], 'one working day only');
  // Made 90 minutes ahead: never reminded. The next witness: Wednesday 10:30, made now.
  await setClock(s, at(3, 13));
  late = await book(at(3, 14, 30), '0981000002');
  witness2 = await book(at(4, 10, 30), '0981000003');
});

test('a minute before reminder_days working days: nothing; at the instant after: the reminder, once per channel', async () => {
  await setClock(s, at(4, 9, 59)); // Wednesday 09:59: 2 working days less a minute
  await until(() => bookingReminders(witness2).length > 0, 'witness reminder');
  assert.deepEqual(reminders(ready), []);
  assert.deepEqual(bookingReminders(late), [], 'made less than 120 minutes ahead');
  assert.equal(bookingReminders(early).length, 1);
  await setClock(s, at(4, 10, 1));
  await until(() => reminders(ready).length >= 2, 'result reminder');
  const got = reminders(ready);
  assert.deepEqual(got.map((m) => [m.channel, m.recipient]).sort(), [['email', 'mai@example.vn'], ['sms', '84913000444']]);
  for (const m of got) {
    assert.equal(m.body, `${centre}: kết quả hồ sơ ${ready} đang chờ ông/bà đến nhận.`);
    assert.equal(m.created_by, 'system');
  }
  assert.deepEqual(reminders(collected), [], 'a collected result is not reminded');
  witness3 = await book(at(5, 11), '0981000004');
});

test('a day later the reminder is not sent again', async () => {
  await setClock(s, at(5, 10)); // Thursday 10:00: within 120 minutes of 11:00
  await until(() => bookingReminders(witness3).length > 0, 'witness reminder');
  assert.equal(reminders(ready).length, 2, 'once per dossier');
  assert.equal(bookingReminders(early).length, 1);
  assert.deepEqual(reminders(collected), []);
  assert.equal(s.sql(`SELECT count(*) AS n FROM events WHERE entity = 'dossier_reminder' AND entity_id = '${ready}'`)[0].n, 1);
});
