// The public booking routes' limits: one phone makes at most 5 bookings a
// day (cancelled ones count; 429 too_many_bookings with Retry-After until
// midnight), one client address at most 20 an hour (only a booking made
// counts: a refused form or a full slot gives its attempt back; 429
// too_many_bookings_address); staff bookings for callers are not limited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock } from './lib/steps.mjs';
import { bookingBundle, CENTRE_A, MONDAY_8AM, at, booking } from './lib/booking-province.mjs';

let s;
before(async () => {
  s = await startServer({
    bundle: bookingBundle({ per_person_per_day: 10, slots: [{ office: CENTRE_A, group: 'CT', minutes: 30, capacity: 50 }] }),
    args: ['--test-clock', '--logins-per-minute', '1000'],
  });
  await setClock(s, MONDAY_8AM);
});
after(async () => { await s?.stop(); s?.cleanup(); });

const book = (body) => s.req('POST', '/api/v1/public/bookings', { body });
const slot = (i) => at(i < 14 ? '2026-12-08' : '2026-12-10', ['07:30', '08:00', '08:30', '09:00', '09:30', '10:00', '10:30',
  '11:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00'][i % 14]);

test('five bookings a day per phone, cancelled ones counted', async () => {
  const phone = '0912000001';
  for (let i = 0; i < 5; i++) {
    const r = await book(booking(slot(i), { phone }));
    assert.equal(r.status, 201, r.text);
    if (i === 0) assert.equal((await s.req('POST', `/api/v1/public/bookings/${r.json.booking.code}/cancel`)).status, 200);
  }
  const r = await book(booking(slot(5), { phone }));
  assert.equal(r.status, 429, r.text);
  assert.equal(r.json.error.code, 'too_many_bookings');
  // Until midnight, office time (16 hours after 08:00).
  assert.equal(Number(r.headers['retry-after']), 16 * 3600);
  // A clerk books for the same caller on the phone.
  const staff = await s.as('a.clerk', 'POST', '/api/v1/bookings', { body: booking(slot(5), { phone }) });
  assert.equal(staff.status, 201, staff.text);
  // The next day the phone may book again.
  await setClock(s, MONDAY_8AM + 86400);
  assert.equal((await book(booking(slot(20), { phone }))).status, 201);
  await setClock(s, MONDAY_8AM);
});

test('twenty bookings an hour per address; refused ones do not count', async () => {
  // Six made above from this address (the clerk's aside).
  let made = 6;
  for (let i = 0; made < 20; i++) {
    if (i % 5 === 0) {
      const bad = await book(booking(slot(1), { phone: 'sai số' }));
      assert.equal(bad.status, 400);
    }
    const r = await book(booking(slot(i % 14 + 14), { phone: `09130000${String(i).padStart(2, '0')}` }));
    assert.equal(r.status, 201, r.text);
    made++;
  }
  const r = await book(booking(slot(3), { phone: '0914000000' }));
  assert.equal(r.status, 429, r.text);
  assert.equal(r.json.error.code, 'too_many_bookings_address');
  assert.ok(Number(r.headers['retry-after']) > 0);
  assert.equal(s.sql("SELECT count(*) AS n FROM bookings WHERE phone = '0914000000'")[0].n, 0);
  // Reads go on.
  assert.equal((await s.req('GET', `/api/v1/public/booking/slots?office=${CENTRE_A}&group=CT`)).status, 200);
});

test('a look-up with codes that are no booking is throttled', async () => {
  let last;
  for (let i = 0; i < 40; i++) {
    last = await s.req('GET', `/api/v1/public/bookings/DL${'23456789ABCDEFGHJKMNPQRSTUVWXYZ'[i % 31]}ZZZZZ`);
    if (last.status === 429) break;
    assert.equal(last.status, 404);
  }
  assert.equal(last.status, 429, 'refused after repeated wrong codes');
  assert.equal(last.json.error.code, 'too_many_attempts');
});
