// Changing the slots of a centre that already has bookings
// (docs/appointments.md, "Changing the slots"): the same centre and group
// twice in "slots" is refused (400 invalid_setting, nothing changed); a
// re-import that changes the minutes, lowers the capacity or leaves a
// group out keeps the bookings but its answer lists each one the new slots
// no longer hold (code, centre, group, time, why; nothing personal);
// naming a centre replaces all its groups' slots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CENTRE_A, CENTRE_B, at, booking, startBookingServer } from './lib/booking-province.mjs';

let s;
const codes = {};
before(async () => {
  s = await startBookingServer();
  for (const [k, body] of Object.entries({
    ct1: booking(at('2026-12-08', '08:00'), { phone: '0911000001' }),
    ct2: booking(at('2026-12-08', '08:00'), { phone: '0911000002' }),
    ht: booking(at('2026-12-08', '08:30'), { group: 'HT', phone: '0911000003' }),
    b: booking(at('2026-12-08', '08:00'), { office: CENTRE_B, phone: '0911000004' }),
  })) {
    const r = await s.req('POST', '/api/v1/public/bookings', { body });
    assert.equal(r.status, 201, r.text);
    codes[k] = r.json.booking.code;
  }
});
after(async () => { await s?.stop(); s?.cleanup(); });

const slots = () => s.sql('SELECT o.code AS o, g.code AS g, b.minutes, b.capacity FROM booking_slots b'
  + ' JOIN offices o ON o.id = b.office_id JOIN service_groups g ON g.id = b.group_id ORDER BY o.code, g.code');

test('the same centre and group twice: 400, nothing changed', async () => {
  const before = slots();
  const r = await s.as('admin', 'POST', '/api/v1/import', { body: { appointments: { slots: [
    { office: CENTRE_A, group: 'CT', minutes: 30, capacity: 2 },
    { office: CENTRE_A, group: 'CT', minutes: 60, capacity: 5 },
  ] } } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'invalid_setting');
  assert.match(r.json.error.message_en, /CT is given twice/);
  assert.deepEqual(slots(), before);
});

test('a re-import lists the bookings the new slots no longer hold, and keeps them', async () => {
  // Same slots: nothing listed.
  const same = await s.as('admin', 'POST', '/api/v1/import', { body: { appointments: { slots: [
    { office: CENTRE_A, group: 'CT', minutes: 30, capacity: 2 },
    { office: CENTRE_A, group: 'HT', minutes: 60, capacity: 1 },
  ] } } });
  assert.equal(same.status, 200, same.text);
  assert.deepEqual(same.json.bookings_off_grid, []);
  // CT capacity 1 (two booked 08:00), HT left out: A's HT slots are gone.
  const r = await s.as('admin', 'POST', '/api/v1/import', { body: { appointments: { slots: [
    { office: CENTRE_A, group: 'CT', minutes: 30, capacity: 1 },
  ] } } });
  assert.equal(r.status, 200, r.text);
  const off = r.json.bookings_off_grid;
  assert.deepEqual(off.map((x) => [x.code, x.office, x.group, x.why]).sort(), [
    [codes.ct1, CENTRE_A, 'CT', 'over_capacity'],
    [codes.ct2, CENTRE_A, 'CT', 'over_capacity'],
    [codes.ht, CENTRE_A, 'HT', 'closed'],
  ].sort());
  assert.ok(off.every((x) => x.start === at('2026-12-08', x.group === 'HT' ? '08:30' : '08:00')));
  assert.doesNotMatch(JSON.stringify(off), /Nguyễn|0911/);
  assert.deepEqual(slots(), [{ o: CENTRE_A, g: 'CT', minutes: 30, capacity: 1 }, { o: CENTRE_B, g: 'CT', minutes: 30, capacity: 2 }]);
  // Minutes changed: every booking of the group listed.
  const m = await s.as('admin', 'POST', '/api/v1/import', { body: { appointments: { slots: [
    { office: CENTRE_A, group: 'CT', minutes: 60, capacity: 5 },
  ] } } });
  const offM = m.json.bookings_off_grid;
  assert.deepEqual(offM.filter((x) => x.group === 'CT').map((x) => [x.code, x.why]).sort(),
    [[codes.ct1, 'minutes'], [codes.ct2, 'minutes']].sort());
  // The bookings are kept.
  assert.deepEqual(s.sql(`SELECT state FROM bookings WHERE code IN ('${codes.ct1}', '${codes.ht}', '${codes.b}')`).map((x) => x.state),
    ['booked', 'booked', 'booked']);
});
