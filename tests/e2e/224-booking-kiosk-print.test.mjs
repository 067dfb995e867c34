// A printing kiosk checks a booking in like any ticket (docs/appointments.md,
// "Check-in and the call order"): the number is handed out once the real
// IPP printer confirms it, and the slip says "ĐẶT LỊCH" in a frame under
// the group. With the printer off the kiosk answers 503 and nothing is
// left behind: the ticket is voided and the booking is 'booked' again, so
// the citizen checks in once the printer is back. A late check-in prints
// an ordinary slip (no mark). Tuesday 01/12/2026 on the test clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { TestPrinter, kioskPrinter } from './lib/printer.mjs';
import { BOOKING_BUNDLE, BOOKING_OFFICE, at } from './lib/booking-office.mjs';

let s, printer;
const codes = [];
before(async () => {
  printer = new TestPrinter();
  s = await startServer({
    bundle: { ...BOOKING_BUNDLE, ...kioskPrinter(printer.uri) },
    args: ['--test-clock', '--logins-per-minute', '1000'],
  });
  await setClock(s, at('2026-12-01T07:00:00+07:00'));
  for (const [i, hhmm] of ['09:00', '09:00', '08:00'].entries()) {
    codes.push(ok(await s.req('POST', '/api/v1/public/bookings', {
      body: { office: BOOKING_OFFICE, group: 'CT', start: at(`2026-12-01T${hhmm}:00+07:00`), name: `Công dân ${i + 1}`, phone: `09123454${i}0` },
    })).booking.code);
  }
  await setClock(s, at('2026-12-01T08:50:00+07:00'));
});
after(async () => { await s?.stop(); s?.cleanup(); printer?.stop(); });

const checkIn = (code) => s.as('kiosk-p', 'POST', '/api/v1/tickets', { body: { booking: code } });
const booking = (code) => s.sql(`SELECT state, ticket_id FROM bookings WHERE code = '${code}'`)[0];

test('in time: the printed slip carries the number and "ĐẶT LỊCH"', async () => {
  const before = printer.pdfs().length;
  const r = await checkIn(codes[0]);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.print.state, 'done');
  assert.equal(r.json.ticket.booked, true);
  assert.equal(r.json.late, false);
  const files = printer.pdfs();
  assert.equal(files.length, before + 1, 'one PDF reached the printer');
  const text = printer.text(files.at(-1));
  assert.match(text, /A001/);
  assert.match(text, /Chứng thực/);
  assert.match(text, /ĐẶT LỊCH/);
  assert.equal(booking(codes[0]).state, 'checked_in');
});

test('the printer off: 503, the ticket voided, the booking booked again; then it prints', async () => {
  printer.off();
  try {
    const r = await checkIn(codes[1]);
    assert.equal(r.status, 503, r.text);
    assert.equal(r.json.error.code, 'printer_unavailable');
    assert.deepEqual(booking(codes[1]), { state: 'booked', ticket_id: null });
    const voided = s.sql("SELECT label, outcome, booking_id IS NOT NULL AS b FROM tickets WHERE label = 'A002'")[0];
    assert.equal(voided.outcome, 'voided', 'the number stays used, nobody waits for it');
  } finally {
    printer.on();
  }
  const again = await checkIn(codes[1]);
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.ticket.label, 'A003');
  assert.equal(again.json.ticket.booked, true);
  assert.match(printer.text(printer.pdfs().at(-1)), /ĐẶT LỊCH/);
  assert.equal(booking(codes[1]).state, 'checked_in');
});

test('late (08:00 slot at 08:50): an ordinary slip, no mark', async () => {
  const r = await checkIn(codes[2]);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.late, true);
  assert.equal(r.json.ticket.booked, false);
  const text = printer.text(printer.pdfs().at(-1));
  assert.match(text, /A004/);
  assert.doesNotMatch(text, /ĐẶT LỊCH/);
  assert.equal(booking(codes[2]).state, 'late');
});
