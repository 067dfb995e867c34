// Check-in in a province of two centres (docs/province.md): a booking is its
// centre's. Only centre A (Khe Sanh) takes bookings here: its kiosk offers
// the check-in (the snapshot's "bookable"), centre B's does not. A's code
// at B's kiosk, or given by B's clerk, is 404 booking_not_found and changes
// nothing; at A's kiosk it is A's booked number, counted in A's line only.
// Monday 07/12/2026 on the test clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { bookingBundle, CENTRE_A, CENTRE_B, at } from './lib/booking-province.mjs';

let s, code;
before(async () => {
  const bundle = bookingBundle({ slots: [{ office: CENTRE_A, group: 'CT', minutes: 30, capacity: 2 }] });
  s = await startServer({ bundle, args: ['--test-clock', '--logins-per-minute', '1000'] });
  await setClock(s, at('2026-12-07', '07:00'));
  code = ok(await s.req('POST', '/api/v1/public/bookings', {
    body: { office: CENTRE_A, group: 'CT', start: at('2026-12-07', '09:00'), name: 'Nguyễn Thị Hoa', phone: '0912345678' },
  })).booking.code;
  await setClock(s, at('2026-12-07', '08:50'));
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const state = () => s.sql(`SELECT state, ticket_id FROM bookings WHERE code = '${code}'`)[0];
const tickets = () => s.sql('SELECT count(*) AS n FROM tickets')[0].n;
const snapshot = async (kiosk) => ok(await s.as(kiosk, 'GET', '/api/v1/queue'));

test('only the centre that takes bookings offers the check-in', async () => {
  assert.equal((await snapshot('a-kiosk')).bookable, true);
  assert.equal((await snapshot('b-kiosk')).bookable, false);
});

test('centre A\'s code at centre B: 404 booking_not_found, nothing changes', async () => {
  const n = tickets();
  for (const [who, body] of [['b-kiosk', { booking: code }], ['b.clerk', { booking: code }]]) {
    const r = await s.as(who, 'POST', '/api/v1/tickets', { body });
    assert.equal(r.status, 404, `${who}: ${r.text}`);
    assert.equal(r.json.error.code, 'booking_not_found');
  }
  // A province supervisor naming centre B is refused the same way.
  const named = await s.as('prov.sup', 'POST', `/api/v1/tickets?office=${CENTRE_B}`, { body: { booking: code } });
  assert.equal(named.status, 404, named.text);
  assert.equal(tickets(), n);
  assert.deepEqual(state(), { state: 'booked', ticket_id: null });
});

test('at centre A\'s kiosk: A\'s booked number, in A\'s line only', async () => {
  const r = ok(await s.as('a-kiosk', 'POST', '/api/v1/tickets', { body: { booking: code } }));
  assert.equal(r.ticket.booked, true);
  assert.equal(r.ticket.label, 'A001');
  assert.equal(state().state, 'checked_in');
  assert.equal(s.sql(`SELECT o.code FROM tickets t JOIN offices o ON o.id = t.office_id WHERE t.id = ${r.ticket.id}`)[0].code, CENTRE_A);
  const a = (await snapshot('a-kiosk')).groups.find((g) => g.code === 'CT');
  const b = (await snapshot('b-kiosk')).groups.find((g) => g.code === 'CT');
  assert.deepEqual([a.booked_waiting, a.booked_next], [1, ['A001']]);
  assert.deepEqual([b.booked_waiting, b.waiting, b.booked_next], [0, 0, []]);
  const used = await s.as('a-kiosk', 'POST', '/api/v1/tickets', { body: { booking: code } });
  assert.equal(used.status, 409, used.text);
  assert.equal(used.json.error.code, 'booking_used');
});
