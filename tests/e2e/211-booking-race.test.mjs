// tsan: yes
// The last place of a slot, asked for by 20 citizens at once: exactly one
// gets it (201), the 19 others 409 slot_full, and the slot holds its
// capacity, no more. A booking with consent writes its booking_confirmed
// message in the same transaction, a cancel its booking_cancelled one; the
// events of both are in the hash chain (audit-verify) and not on the stream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, startServer } from './lib/harness.mjs';
import { setClock } from './lib/steps.mjs';
import { bookingBundle, MONDAY_8AM, at, booking } from './lib/booking-province.mjs';

let s;
before(async () => {
  s = await startServer({
    bundle: { ...bookingBundle(), notifications: { sms: { url: 'http://127.0.0.1:9/send', brand: 'TTHCC TINH' } } },
    args: ['--test-clock', '--logins-per-minute', '1000'],
  });
  await setClock(s, MONDAY_8AM);
});
after(async () => { await s?.stop(); s?.cleanup(); });

test('20 clients on the last place: exactly one 201, 19 slot_full', async () => {
  const start = at('2026-12-08', '09:00');
  // The first place, taken by a clerk for a caller on the phone.
  const first = await s.as('a.clerk', 'POST', '/api/v1/bookings', { body: booking(start, { phone: '0900000000' }) });
  assert.equal(first.status, 201, first.text);
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    s.req('POST', '/api/v1/public/bookings', { body: booking(start, { phone: `09100000${String(i).padStart(2, '0')}` }) })));
  const won = answers.filter((r) => r.status === 201);
  const full = answers.filter((r) => r.status === 409 && r.json?.error?.code === 'slot_full');
  assert.equal(won.length, 1, answers.map((r) => `${r.status} ${r.json?.error?.code ?? ''}`).join(', '));
  assert.equal(full.length, 19);
  assert.equal(s.sql(`SELECT count(*) AS n FROM bookings WHERE slot_start = ${start} AND state = 'booked'`)[0].n, 2);
  const slots = await s.req('GET', '/api/v1/public/booking/slots?office=TT-KS&group=CT&from=2026-12-08');
  assert.equal(slots.json.days[0].slots.find((x) => x.start === start).free, 0);
});

test('a booking with consent queues booking_confirmed in its transaction; a cancel booking_cancelled', async () => {
  const r = await s.req('POST', '/api/v1/public/bookings', { body: booking(at('2026-12-10', '14:00'),
    { phone: '0987123456', notify: { channels: ['sms'], any_hour: true } }) });
  assert.equal(r.status, 201, r.text);
  const code = r.json.booking.code;
  const id = s.sql(`SELECT id FROM bookings WHERE code = '${code}'`)[0].id;
  let rows = s.sql(`SELECT trigger, channel, recipient, body FROM notifications WHERE ref_kind = 'booking' AND ref_id = ${id} ORDER BY id`);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].trigger, 'booking_confirmed');
  assert.equal(rows[0].channel, 'sms');
  assert.equal(rows[0].recipient, '84987123456');
  assert.ok(rows[0].body.includes(code), rows[0].body);
  assert.match(rows[0].body, /14:00 10\/12\/2026/);
  const c = await s.req('POST', `/api/v1/public/bookings/${code}/cancel`);
  assert.equal(c.status, 200, c.text);
  rows = s.sql(`SELECT trigger FROM notifications WHERE ref_kind = 'booking' AND ref_id = ${id} ORDER BY id`);
  assert.deepEqual(rows.map((x) => x.trigger), ['booking_confirmed', 'booking_cancelled']);
  // Without consent: no message.
  const quiet = await s.req('POST', '/api/v1/public/bookings', { body: booking(at('2026-12-10', '14:30'), { phone: '0987123457' }) });
  assert.equal(quiet.status, 201);
  const qid = s.sql(`SELECT id FROM bookings WHERE code = '${quiet.json.booking.code}'`)[0].id;
  assert.equal(s.sql(`SELECT count(*) AS n FROM notifications WHERE ref_kind = 'booking' AND ref_id = ${qid}`)[0].n, 0);
  // The events: in the chain, never on the live stream.
  const ev = s.sql("SELECT count(*) AS n, sum(stream) AS st FROM events WHERE entity = 'booking'")[0];
  assert.ok(ev.n >= 5);
  assert.equal(ev.st, 0);
  await s.stop();
  const v = cli(['audit-verify', '--db', s.db]);
  assert.equal(v.status, 0, v.stderr);
  await s.start();
});
