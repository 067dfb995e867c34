// Check-in of a booking at the kiosk (docs/appointments.md, "Check-in"):
// POST /api/v1/tickets {"booking":"CODE"} within the window around the slot
// (checkin_before_minutes 15, checkin_after_minutes 10) issues a ticket in
// the booking's group marked booked; before it, 409 booking_too_early says
// from when (HH:MM); after it, an ordinary ticket and the booking 'late'
// ("late": true). Used, cancelled, unknown and malformed codes are refused
// and change nothing. On the test clock, Tuesday 01/12/2026.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { BOOKING_BUNDLE, BOOKING_OFFICE, at } from './lib/booking-office.mjs';
import { setClock, ok } from './lib/steps.mjs';

const OFFICE = BOOKING_OFFICE;
let s;
before(async () => {
  s = await startServer({ bundle: BOOKING_BUNDLE, args: ['--test-clock', '--logins-per-minute', '1000'] });
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const kiosk = (booking) => s.req('POST', '/api/v1/tickets', { token: s.devices['kiosk-1'], body: { booking } });
const book = async (hhmm, name, phone) => ok(await s.req('POST', '/api/v1/public/bookings', {
  body: { office: OFFICE, group: 'CT', start: at(`2026-12-01T${hhmm}:00+07:00`), name, phone },
})).booking.code;
const booking = (code) => s.sql(`SELECT state, ticket_id, checked_in_at FROM bookings WHERE code = '${code}'`)[0];
const tickets = () => s.sql('SELECT count(*) AS n FROM tickets')[0].n;

let early, onTime, late, cancelled;
test('citizens book 09:00 and 09:30 at 07:00', async () => {
  await setClock(s, at('2026-12-01T07:00:00+07:00'));
  early = await book('09:00', 'Nguyễn Văn An', '0912345001');
  onTime = early;
  late = await book('09:30', 'Trần Thị Bình', '0912345002');
  cancelled = await book('09:30', 'Lê Văn Cường', '0912345003');
  ok(await s.req('POST', `/api/v1/public/bookings/${cancelled}/cancel`, { body: {} }));
  assert.match(early, /^DL[2-9A-HJKMNP-Z]{6}$/);
});

test('08:30, half an hour early: 409 booking_too_early from 08:45, nothing issued', async () => {
  await setClock(s, at('2026-12-01T08:30:00+07:00'));
  const n = tickets();
  const r = await kiosk(early);
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'booking_too_early');
  assert.match(r.json.error.message, /quay lại từ 08:45/);
  assert.equal(tickets(), n);
  assert.equal(booking(early).state, 'booked');
});

test('08:50, in the window: a ticket of CT marked booked, the booking checked in', async () => {
  await setClock(s, at('2026-12-01T08:50:00+07:00'));
  // Typed as a citizen may: lower case, a space and a dash.
  const typed = `${onTime.slice(0, 4).toLowerCase()} ${onTime.slice(4, 6)}-${onTime.slice(6)}`;
  const r = await kiosk(typed);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.late, false);
  assert.equal(r.json.ticket.booked, true);
  assert.equal(r.json.ticket.group, 'CT');
  assert.equal(r.json.ticket.label, 'A001');
  assert.equal(r.json.ticket.booking.code, onTime);
  const b = booking(onTime);
  assert.equal(b.state, 'checked_in');
  assert.equal(b.ticket_id, r.json.ticket.id);
  assert.equal(b.checked_in_at, at('2026-12-01T08:50:00+07:00'));
  assert.equal(s.sql(`SELECT booking_id IS NOT NULL AS b FROM tickets WHERE id = ${r.json.ticket.id}`)[0].b, 1);
  // The citizen's own view of the ticket says booked too.
  const pub = ok(await s.req('GET', `/api/v1/public/tickets/${r.json.ticket.id}`));
  assert.equal(pub.booked, true);
  // Used once: 409 booking_used, nothing more issued.
  const n = tickets();
  const again = await kiosk(onTime);
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error.code, 'booking_used');
  assert.equal(tickets(), n);
});

test('09:45, after the window (09:40): an ordinary ticket, the booking late', async () => {
  await setClock(s, at('2026-12-01T09:45:00+07:00'));
  const r = await kiosk(late);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.late, true);
  assert.equal(r.json.ticket.booked, false);
  assert.equal(r.json.ticket.group, 'CT');
  const b = booking(late);
  assert.equal(b.state, 'late');
  assert.equal(b.ticket_id, r.json.ticket.id);
  assert.equal(s.sql(`SELECT booking_id FROM tickets WHERE id = ${r.json.ticket.id}`)[0].booking_id, null);
  const again = await kiosk(late);
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error.code, 'booking_used');
});

test('cancelled: 409 booking_cancelled; unknown and malformed codes: 404 booking_not_found; no group and booking together', async () => {
  const n = tickets();
  const c = await kiosk(cancelled);
  assert.equal(c.status, 409, c.text);
  assert.equal(c.json.error.code, 'booking_cancelled');
  assert.match(c.json.error.message, /đã bị hủy/);
  for (const code of ['DL2222222', 'DL222222', 'hello', 'DL0O1IL2']) {
    const r = await kiosk(code);
    assert.equal(r.status, 404, `${code}: ${r.text}`);
    assert.equal(r.json.error.code, 'booking_not_found');
  }
  const both = await s.req('POST', '/api/v1/tickets', { token: s.devices['kiosk-1'], body: { booking: late, group: 'CT' } });
  assert.equal(both.status, 400, both.text);
  const bad = await s.req('POST', '/api/v1/tickets', { token: s.devices['kiosk-1'], body: { booking: 7 } });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(tickets(), n);
  assert.equal(booking(cancelled).state, 'cancelled');
});

test('staff check a caller in too: the clerk gives the code', async () => {
  const code = await book('10:30', 'Phạm Thị Dung', '0912345004');
  await setClock(s, at('2026-12-01T10:20:00+07:00'));
  const r = await s.as('clerk1', 'POST', '/api/v1/tickets', { body: { booking: code } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.ticket.booked, true);
  assert.equal(booking(code).state, 'checked_in');
});
