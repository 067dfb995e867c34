// Appointments: the slots a centre offers (the office calendar's sessions on
// working days, none on a holiday or a weekend, a make-up Saturday's too),
// the window of today and the next days_ahead working days, each slot's
// capacity, the two-a-person-a-day rule by phone and by ID number, cancel
// freeing a place, and a no-show once its check-in window has passed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setClock } from './lib/steps.mjs';
import { CENTRE_A, MONDAY_8AM, at, booking, startBookingServer } from './lib/booking-province.mjs';

let s;
before(async () => {
  s = await startBookingServer();
  // The yearly notice: Wednesday 9 December off, Saturday 12 worked.
  let r = await s.as('admin', 'PUT', '/api/v1/calendar/days/2026-12-09', { body: { kind: 'day_off', name: 'Nghỉ theo thông báo' } });
  assert.equal(r.status, 200, r.text);
  r = await s.as('admin', 'PUT', '/api/v1/calendar/days/2026-12-12', { body: { kind: 'workday', name: 'Làm bù' } });
  assert.equal(r.status, 200, r.text);
});
after(async () => { await s?.stop(); s?.cleanup(); });

const slots = async (group = 'CT', from) => {
  const r = await s.req('GET', `/api/v1/public/booking/slots?office=${CENTRE_A}&group=${group}${from ? `&from=${from}` : ''}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const book = (body) => s.req('POST', '/api/v1/public/bookings', { body });
const free = (j, date, start) => j.days.find((d) => d.date === date).slots.find((x) => x.start === start)?.free;

test('the options list the centres that take bookings and their groups', async () => {
  const r = await s.req('GET', '/api/v1/public/booking/options');
  assert.equal(r.status, 200, r.text);
  const a = r.json.centres.find((c) => c.code === CENTRE_A);
  assert.deepEqual(a.groups.map((g) => [g.code, g.minutes, g.capacity]), [['CT', 30, 2], ['HT', 60, 1]]);
  assert.equal(r.json.days_ahead, 6);
});

test('slots: today from now on, six working days ahead, none on the day off or Sunday, the make-up Saturday has them', async () => {
  const j = await slots();
  assert.equal(j.today, '2026-12-07');
  assert.equal(j.last_day, '2026-12-15');
  assert.deepEqual(j.days.map((d) => [d.date, d.slots.length]), [
    ['2026-12-07', 13], // 07:30 and 08:00 have begun: 08:30 … 16:30
    ['2026-12-08', 15], ['2026-12-09', 0], ['2026-12-10', 15], ['2026-12-11', 15],
    ['2026-12-12', 15], ['2026-12-13', 0], ['2026-12-14', 15], ['2026-12-15', 15],
  ]);
  const tue = j.days[1].slots;
  assert.equal(tue[0].start, at('2026-12-08', '07:30'));
  assert.equal(tue[0].end, at('2026-12-08', '08:00'));
  assert.equal(tue[8].start, at('2026-12-08', '13:30'));
  assert.equal(j.days[2].day_name, 'Nghỉ theo thông báo');
  assert.ok(j.days.every((d) => d.slots.every((x) => x.free === 2)));
  // Hộ tịch in hours: 4 in the morning, 3 in the afternoon.
  assert.equal((await slots('HT')).days[1].slots.length, 7);
  // from: a later day of the window; beyond it is refused.
  assert.deepEqual((await slots('CT', '2026-12-15')).days.map((d) => d.date), ['2026-12-15']);
  const r = await s.req('GET', `/api/v1/public/booking/slots?office=${CENTRE_A}&group=CT&from=2026-12-16`);
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_date');
});

test('a slot that is not one is refused: past, beyond the window, a day off, a Sunday, not a slot start', async () => {
  const before = s.sql('SELECT count(*) AS n FROM bookings')[0].n;
  for (const start of [at('2026-12-07', '07:30'), at('2026-12-16', '08:00'), at('2026-12-09', '08:00'),
    at('2026-12-13', '08:00'), at('2026-12-08', '08:15'), at('2026-12-08', '12:00')]) {
    const r = await book(booking(start));
    assert.equal(r.status, 400, `${start}: ${r.text}`);
    assert.equal(r.json.error.code, 'slot_invalid');
  }
  assert.equal(s.sql('SELECT count(*) AS n FROM bookings')[0].n, before);
  // The make-up Saturday and the window's last day are bookable.
  let r = await book(booking(at('2026-12-12', '07:30'), { phone: '0987000001' }));
  assert.equal(r.status, 201, r.text);
  r = await book(booking(at('2026-12-15', '16:30'), { phone: '0987000001' }));
  assert.equal(r.status, 201, r.text);
});

test('capacity: the third booking of a slot of two is slot_full; cancel frees the place', async () => {
  const start = at('2026-12-08', '08:00');
  const r1 = await book(booking(start, { phone: '0911000001' }));
  assert.equal(r1.status, 201, r1.text);
  assert.match(r1.json.booking.code, /^DL[2-9A-HJKMNP-Z]{6}$/);
  assert.equal(r1.json.booking.phone, '*******001');
  assert.equal(free(await slots(), '2026-12-08', start), 1);
  const r2 = await book(booking(start, { phone: '0911000002' }));
  assert.equal(r2.status, 201, r2.text);
  assert.equal(free(await slots(), '2026-12-08', start), 0);
  const r3 = await book(booking(start, { phone: '0911000003' }));
  assert.equal(r3.status, 409, r3.text);
  assert.equal(r3.json.error.code, 'slot_full');
  assert.equal(s.sql(`SELECT count(*) AS n FROM bookings WHERE slot_start = ${start}`)[0].n, 2);

  // Cancel by the code, typed any way.
  const code = r1.json.booking.code;
  const typed = `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`;
  let c = await s.req('POST', `/api/v1/public/bookings/${encodeURIComponent(typed)}/cancel`);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.booking.state, 'cancelled');
  assert.equal(free(await slots(), '2026-12-08', start), 1);
  c = await s.req('POST', `/api/v1/public/bookings/${code}/cancel`);
  assert.equal(c.status, 409);
  assert.equal(c.json.error.code, 'booking_not_cancellable');
  const r4 = await book(booking(start, { phone: '0911000003' }));
  assert.equal(r4.status, 201, r4.text);
  const ev = s.sql(`SELECT action, stream FROM events WHERE entity = 'booking' AND entity_id = '${code}' ORDER BY id`);
  assert.deepEqual(ev.map((e) => [e.action, e.stream]), [['booking.made', 0], ['booking.cancelled', 0]]);
});

test('two bookings a person a day, by phone and by ID number', async () => {
  const thu = (hhmm) => at('2026-12-10', hhmm);
  assert.equal((await book(booking(thu('07:30'), { phone: '0933000001' }))).status, 201);
  assert.equal((await book(booking(thu('08:30'), { phone: '0933000001', group: 'HT' }))).status, 201);
  let r = await book(booking(thu('09:00'), { phone: '0933000001' }));
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'booking_limit');
  // Another day is another day.
  assert.equal((await book(booking(at('2026-12-11', '09:00'), { phone: '0933000001' }))).status, 201);
  // The same ID number with other phones.
  const id = '045187001234';
  assert.equal((await book(booking(thu('10:00'), { phone: '0944000001', id_number: id }))).status, 201);
  assert.equal((await book(booking(thu('10:30'), { phone: '0944000002', id_number: id }))).status, 201);
  r = await book(booking(thu('11:00'), { phone: '0944000003', id_number: id }));
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'booking_limit');
  // A cancelled booking no longer counts.
  const code = s.sql(`SELECT code FROM bookings WHERE phone = '0944000002'`)[0].code;
  assert.equal((await s.req('POST', `/api/v1/public/bookings/${code}/cancel`)).status, 200);
  assert.equal((await book(booking(thu('11:00'), { phone: '0944000003', id_number: id }))).status, 201);
});

test('a booking not checked in by the end of its window is a no-show; it can no longer be cancelled once its slot ended', async () => {
  const start = at('2026-12-07', '09:00');
  const r = await book(booking(start, { phone: '0955000001' }));
  assert.equal(r.status, 201, r.text);
  const code = r.json.booking.code;
  assert.equal(r.json.booking.checkin_from, '08:45 07/12/2026');
  assert.equal(r.json.booking.checkin_until, '09:10 07/12/2026');
  await setClock(s, start + 600);
  let g = await s.req('GET', `/api/v1/public/bookings/${code}`);
  assert.equal(g.json.booking.no_show, false);
  await setClock(s, start + 601);
  g = await s.req('GET', `/api/v1/public/bookings/${code}`);
  assert.equal(g.json.booking.no_show, true);
  assert.equal(g.json.booking.cancellable, true);
  const list = await s.as('a.clerk', 'GET', '/api/v1/bookings?day=2026-12-07');
  assert.equal(list.status, 200, list.text);
  const mine = list.json.items.find((b) => b.code === code);
  assert.equal(mine.no_show, true);
  assert.equal(mine.phone, '0955000001');
  assert.equal(mine.channel, 'public');
  await setClock(s, start + 1800);
  const c = await s.req('POST', `/api/v1/public/bookings/${code}/cancel`);
  assert.equal(c.status, 409);
  assert.equal(c.json.error.code, 'booking_not_cancellable');
  await setClock(s, MONDAY_8AM);
});

test('staff book for a caller on the phone; another centre\'s staff see none of it', async () => {
  const r = await s.as('a.clerk', 'POST', '/api/v1/bookings',
    { body: booking(at('2026-12-14', '14:00'), { phone: '0966000001', name: 'Trần Văn Nam' }) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.booking.channel, 'staff');
  assert.equal(r.json.booking.phone, '0966000001');
  const code = r.json.booking.code;
  assert.equal((await s.as('b.clerk', 'GET', `/api/v1/bookings/${code}`)).status, 404);
  const lb = await s.as('b.clerk', 'GET', '/api/v1/bookings?day=2026-12-14');
  assert.equal(lb.status, 200);
  assert.equal(lb.json.items.length, 0);
  const other = await s.as('b.clerk', 'POST', '/api/v1/bookings',
    { body: booking(at('2026-12-14', '14:30'), { phone: '0966000002' }) });
  assert.equal(other.status, 404, other.text);
  assert.equal(other.json.error.code, 'office_not_found');
});
