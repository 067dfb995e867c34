// Bad input to the booking routes and the bundle section "appointments":
// each a 400 (or 404 for a thing that does not exist) with its stable code
// and, for a booking, the field; nothing stored, no event written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CENTRE_A, at, booking, startBookingServer } from './lib/booking-province.mjs';

let s;
before(async () => {
  s = await startBookingServer();
});
after(async () => { await s?.stop(); s?.cleanup(); });

const counts = () => s.sql("SELECT (SELECT count(*) FROM bookings) AS b, (SELECT count(*) FROM events) AS e,"
  + " (SELECT count(*) FROM booking_slots) AS sl, (SELECT value FROM settings WHERE key = 'appointments') AS v")[0];
const start = at('2026-12-08', '09:00');
const name201 = 'Nguyễn '.repeat(30);

test('every bad booking is refused with its code and field, nothing stored', async () => {
  const cases = [
    ['not JSON', { raw: '{"office":' }, 400, 'invalid_json'],
    ['an array', { raw: '[1]' }, 400, 'expected_object'],
    ['an unknown field', { body: { ...booking(start), seat: 3 } }, 400, 'unknown_field'],
    ['no office', { body: { ...booking(start), office: undefined } }, 400, 'invalid_field', 'office'],
    ['office a number', { body: booking(start, { office: 7 }) }, 400, 'invalid_field', 'office'],
    ['neither group nor procedure', { body: { ...booking(start), group: undefined } }, 400, 'invalid_field', 'group'],
    ['group a number', { body: booking(start, { group: 1 }) }, 400, 'invalid_field', 'group'],
    ['procedure a number', { body: { ...booking(start), group: undefined, procedure: 5 } }, 400, 'invalid_field', 'procedure'],
    ['no start', { body: { ...booking(start), start: undefined } }, 400, 'invalid_field', 'start'],
    ['start a string', { body: booking(String(start)) }, 400, 'invalid_field', 'start'],
    ['start negative', { body: booking(-5) }, 400, 'invalid_field', 'start'],
    ['no name', { body: { ...booking(start), name: undefined } }, 400, 'invalid_field', 'name'],
    ['a blank name', { body: booking(start, { name: '   ' }) }, 400, 'invalid_field', 'name'],
    ['a name too long', { body: booking(start, { name: name201 }) }, 400, 'invalid_field', 'name'],
    ['a control character in the name', { body: booking(start, { name: 'Lê\u0007Văn' }) }, 400, 'invalid_field', 'name'],
    ['no phone', { body: { ...booking(start), phone: undefined } }, 400, 'invalid_field', 'phone'],
    ['a short phone', { body: booking(start, { phone: '09123' }) }, 400, 'invalid_field', 'phone'],
    ['letters for a phone', { body: booking(start, { phone: 'không có' }) }, 400, 'invalid_field', 'phone'],
    ['a bad ID number', { body: booking(start, { id_number: '12345' }) }, 400, 'invalid_field', 'id_number'],
    ['an ID number of 13 digits', { body: booking(start, { id_number: '0451870012345' }) }, 400, 'invalid_field', 'id_number'],
    ['a bad e-mail', { body: booking(start, { email: 'hoa@' }) }, 400, 'invalid_field', 'email'],
    ['an unknown channel', { body: booking(start, { notify: { channels: ['fax'] } }) }, 400, 'invalid_field', 'notify'],
    ['e-mail consent without an address', { body: booking(start, { notify: { channels: ['email'] } }) }, 400, 'invalid_field', 'notify'],
    ['not a slot start', { body: booking(start + 60) }, 400, 'slot_invalid', 'start'],
    ['a slot begun', { body: booking(at('2026-12-07', '08:00')) }, 400, 'slot_invalid', 'start'],
    ['an unknown centre', { body: booking(start, { office: 'XX' }) }, 404, 'office_not_found'],
    ['an authority, not a centre', { body: booking(start, { office: 'UB-KS' }) }, 404, 'office_not_found'],
    ['a group not bookable', { body: booking(start, { group: 'TK' }) }, 404, 'group_not_found'],
    ['an unknown procedure', { body: { ...booking(start), group: undefined, procedure: 'P404' } }, 404, 'procedure_not_found'],
  ];
  const before = counts();
  for (const [what, opts, status, code, field] of cases) {
    const r = await s.req('POST', '/api/v1/public/bookings', opts.raw
      ? { raw: opts.raw, headers: { 'Content-Type': 'application/json' } } : { body: opts.body });
    assert.equal(r.status, status, `${what}: ${r.text}`);
    assert.equal(r.json?.error?.code, code, `${what}: ${r.text}`);
    if (field) assert.equal(r.json.error.field, field, `${what}: ${r.text}`);
    assert.ok(r.json.error.message && r.json.error.message_en, what);
  }
  assert.deepEqual(counts(), before);
});

test('bad look-ups and queries', async () => {
  const cases = [
    ['GET', '/api/v1/public/booking/slots?office=TT-KS', 400, 'invalid_field'],
    ['GET', `/api/v1/public/booking/slots?office=${CENTRE_A}&group=CT&from=2026-13-01`, 400, 'invalid_date'],
    ['GET', `/api/v1/public/booking/slots?office=${CENTRE_A}&group=CT&from=08/12/2026`, 400, 'invalid_date'],
    ['GET', `/api/v1/public/booking/slots?office=${CENTRE_A}&group=ZZ`, 404, 'group_not_found'],
    ['GET', '/api/v1/public/booking/slots?office=NOPE&group=CT', 404, 'office_not_found'],
    ['GET', '/api/v1/public/bookings/DL2222222', 404, 'booking_not_found'],
    ['GET', '/api/v1/public/bookings/DL000000', 404, 'booking_not_found'],
    ['POST', '/api/v1/public/bookings/DL22222222/cancel', 404, 'booking_not_found'],
    ['GET', '/dat-lich/qr.svg?code=DL0', 400, 'invalid_code'],
    ['GET', '/dat-lich/qr.svg', 400, 'invalid_code'],
  ];
  const before = counts();
  for (const [m, p, status, code] of cases) {
    const r = await s.req(m, p);
    assert.equal(r.status, status, `${m} ${p}: ${r.text}`);
    assert.equal(r.json?.error?.code, code, `${m} ${p}`);
  }
  const day = await s.as('a.clerk', 'GET', '/api/v1/bookings?day=2026-02-30');
  assert.equal(day.status, 400);
  assert.equal(day.json.error.code, 'invalid_date');
  assert.deepEqual(counts(), before);
});

test('the bundle section: unknown keys and bad values refused, nothing changed', async () => {
  const cases = [
    [{ days_ahed: 6 }, 'unknown_setting', /appointments\.days_ahed/],
    [{ days_ahead: 31 }, 'invalid_setting', /days_ahead/],
    [{ days_ahead: '6' }, 'invalid_setting', /days_ahead/],
    [{ per_person_per_day: 0 }, 'invalid_setting', /per_person_per_day/],
    [{ checkin_after_minutes: -1 }, 'invalid_setting', /checkin_after_minutes/],
    [{ slots: {} }, 'invalid_setting', /slots/],
    [{ slots: [{ office: CENTRE_A, group: 'CT', minutes: 25, capacity: 2 }] }, 'invalid_setting', /minutes/],
    [{ slots: [{ office: CENTRE_A, group: 'CT', minutes: 30, capacity: 101 }] }, 'invalid_setting', /capacity/],
    [{ slots: [{ office: CENTRE_A, group: 'CT', minutes: 30, capacity: 2, seats: 1 }] }, 'unknown_setting', /slots\.seats/],
    [{ slots: [{ office: 'XX', group: 'CT', minutes: 30, capacity: 2 }] }, 'invalid_setting', /XX/],
    [{ slots: [{ office: CENTRE_A, group: 'NOPE', minutes: 30, capacity: 2 }] }, 'invalid_setting', /NOPE/],
    [{ slots: [{ office: 'UB-KS', group: 'CT', minutes: 30, capacity: 2 }] }, 'invalid_setting', /UB-KS/],
    ['on', 'invalid_setting', /appointments/],
  ];
  const before = counts();
  for (const [section, code, en] of cases) {
    const r = await s.as('admin', 'POST', '/api/v1/import', { body: { appointments: section } });
    assert.equal(r.status, 400, `${JSON.stringify(section)}: ${r.text}`);
    assert.equal(r.json.error.code, code, JSON.stringify(section));
    assert.match(r.json.error.message_en, en);
  }
  assert.deepEqual(counts(), before);
  // A good one replaces the slots of the centres it names, keeps the others.
  const r = await s.as('admin', 'POST', '/api/v1/import',
    { body: { appointments: { days_ahead: 3, slots: [{ office: CENTRE_A, group: 'HT', minutes: 20, capacity: 4 }] } } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(s.sql('SELECT o.code AS o, g.code AS g, b.minutes, b.capacity FROM booking_slots b JOIN offices o ON o.id = b.office_id'
    + ' JOIN service_groups g ON g.id = b.group_id ORDER BY o.code, g.code'),
  [{ o: 'TT-KS', g: 'HT', minutes: 20, capacity: 4 }, { o: 'TT-LB', g: 'CT', minutes: 30, capacity: 2 }]);
  const sl = await s.req('GET', `/api/v1/public/booking/slots?office=${CENTRE_A}&group=HT`);
  assert.equal(sl.json.last_day, '2026-12-10');
  assert.equal(JSON.parse(counts().v).per_person_per_day, 2);
});
