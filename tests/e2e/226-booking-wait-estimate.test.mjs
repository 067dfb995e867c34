// People ahead and the wait estimate of booked and walk-in tickets follow
// the call order (docs/appointments.md, "Check-in and the call order"): a
// booked citizen's estimate comes from the booked tickets' history, a
// walk-in's from the others', since the counters serve them apart.
//
// Worked out by hand, Tuesday 01/12/2026 on the test clock, counter 1 (CT):
//   08:00 A001, A002 walk-ins; 08:50 A003 booked (checked in for 09:00)
//   A003 on the kiosk: 0 ahead (booked first); nobody called yet: the
//   fallback, 0 rounds of 6 minutes: 0–0 minutes
//   08:51 A004 walk-in: A003, A001, A002 ahead = 3; 3 rounds × 6 min = 18,
//   ±20 %: 14–22 minutes
//   09:00 call A003 (waited 10 min; booked run 1); 09:05 call A001 (65 min)
//   09:20 A005 booked (checked in for 09:30): next (booked run 0): 0 ahead;
//   the booked history: the last booked wait 10 min, the head of the booked
//   line (A005 itself) 0 min: 0–10 minutes (not the walk-ins' 65–80)
//   A004 (walk-in) at 09:20: A005, A002 ahead = 2; the walk-ins' history:
//   the last walk-in wait 65 min (A001), the head of the walk-ins A002,
//   waiting since 08:00: 80 min: 65–80 minutes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { BOOKING_BUNDLE, BOOKING_OFFICE, at } from './lib/booking-office.mjs';

let s;
const codes = [];
before(async () => {
  s = await startServer({
    bundle: { ...BOOKING_BUNDLE, counters: [{ no: 1, name: 'Quầy 1', groups: ['CT'] }] },
    args: ['--test-clock', '--logins-per-minute', '1000'],
  });
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const t = (hhmm) => at(`2026-12-01T${hhmm}:00+07:00`);
const kiosk = async (body) => ok(await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body })).ticket;
const view = async (id) => ok(await s.req('GET', `/api/v1/public/tickets/${id}`));
const band = (v) => [v.people_ahead, v.wait?.low_min, v.wait?.high_min];

test('before any call: places and the fallback estimate', async () => {
  await setClock(s, t('07:00'));
  for (const [i, hhmm] of ['09:00', '09:30'].entries()) {
    codes.push(ok(await s.req('POST', '/api/v1/public/bookings', {
      body: { office: BOOKING_OFFICE, group: 'CT', start: t(hhmm), name: `Công dân ${i + 1}`, phone: `09123455${i}0` },
    })).booking.code);
  }
  await setClock(s, t('08:00'));
  ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } }));
  await kiosk({ group: 'CT' });
  await kiosk({ group: 'CT' });
  await setClock(s, t('08:50'));
  const a3 = await kiosk({ booking: codes[0] });
  assert.equal(a3.label, 'A003');
  assert.deepEqual(band(a3), [0, 0, 0]);
  await setClock(s, t('08:51'));
  const a4 = await kiosk({ group: 'CT' });
  assert.equal(a4.label, 'A004');
  assert.deepEqual(band(a4), [3, 14, 22]);
});

test('after two calls: each lane\'s own history', async () => {
  await setClock(s, t('09:00'));
  assert.equal(ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/call', { body: {} })).ticket.label, 'A003');
  await setClock(s, t('09:05'));
  assert.equal(ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/call', { body: { finish_current: 'served' } })).ticket.label, 'A001');
  await setClock(s, t('09:20'));
  const a5 = await kiosk({ booking: codes[1] });
  assert.equal(a5.label, 'A005');
  assert.deepEqual(band(a5), [0, 0, 10]);
  assert.equal(a5.wait.from_history, true);
  assert.deepEqual(band(await view(a5.id)), [0, 0, 10]);
  const a4 = s.sql("SELECT id FROM tickets WHERE label = 'A004'")[0].id;
  assert.deepEqual(band(await view(a4)), [2, 65, 80]);
});
