// The call order with appointments (docs/appointments.md, "The call
// order"), through the real routes: the priority lane first with its cap
// (priority_cap 2), then tickets checked in in time for a booking before
// walk-ins, at most booked_in_a_row (2) in a row while a walk-in waits.
//
// Worked out by hand. Counter 1 serves CT alone; at 09:00 on Tuesday
// 01/12/2026 the line is, in the order the numbers were taken
// (W walk-in, B booked, P priority):
//   A001 W, A002 W, A003 B, A004 P, A005 B, A006 W, A007 B, A008 P, A009 P
// Runs start at {priority 0, booked 0} (the counter was just opened).
//   call 1: A004 (priority first; ordinary tickets wait: priority run 1)
//   call 2: A008 (priority run 2)
//   call 3: the cap lets a non-priority ticket through (priority run 0):
//           booked first, A003 (booked run 1)
//   call 4: A009 (priority run 1)
//   call 5: no priority ticket left (priority run 0): A005 (booked run 2)
//   call 6: two booked calls in a row while A001 waited: A001 (booked run 0)
//   call 7: A007 (booked run 1)
//   call 8: no booked ticket left: A002
//   call 9: A006
// So before any call each ticket's people ahead is its place in that
// order, and the queue snapshot's next five are A004 A008 A003 A009 A005.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openCounter } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { BOOKING_BUNDLE, BOOKING_OFFICE as OFFICE, at } from './lib/booking-office.mjs';

const ORDER = ['A004', 'A008', 'A003', 'A009', 'A005', 'A001', 'A007', 'A002', 'A006'];
let s;
before(async () => {
  const bundle = {
    ...BOOKING_BUNDLE,
    counters: [{ no: 1, name: 'Quầy 1', groups: ['CT'] }, { no: 3, name: 'Quầy 3', groups: ['HT'] }],
  };
  s = await startServer({ bundle, args: ['--test-clock', '--logins-per-minute', '1000'] });
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const kiosk = (body) => s.req('POST', '/api/v1/tickets', { token: s.devices['kiosk-1'], body });

const ids = {};
test('the line of the worked example, taken at the kiosk', async () => {
  await setClock(s, at('2026-12-01T07:00:00+07:00'));
  const codes = [];
  for (const [i, name] of ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường'].entries()) {
    codes.push(ok(await s.req('POST', '/api/v1/public/bookings', {
      body: { office: OFFICE, group: 'CT', start: at('2026-12-01T09:00:00+07:00'), name, phone: `091234510${i}` },
    })).booking.code);
  }
  await setClock(s, at('2026-12-01T09:00:00+07:00'));
  await openCounter(s, 'clerk1', 1);
  const steps = [
    { group: 'CT' }, { group: 'CT' }, { booking: codes[0] }, { group: 'CT', priority: 'elderly' },
    { booking: codes[1] }, { group: 'CT' }, { booking: codes[2] }, { group: 'CT', priority: 'pregnant' },
    { group: 'CT', priority: 'disability' },
  ];
  for (const [i, body] of steps.entries()) {
    const r = ok(await kiosk(body));
    assert.equal(r.ticket.label, `A00${i + 1}`);
    assert.equal(r.ticket.booked, !!body.booking, r.ticket.label);
    ids[r.ticket.label] = r.ticket.id;
  }
});

test('before any call: people ahead and the next five follow the worked order', async () => {
  for (const [place, label] of ORDER.entries()) {
    const v = ok(await s.req('GET', `/api/v1/public/tickets/${ids[label]}`));
    assert.equal(v.people_ahead, place, `${label} is called ${place + 1}th`);
  }
  const snap = ok(await s.req('GET', '/api/v1/queue', { token: s.devices['kiosk-1'] }));
  const ct = snap.groups.find((g) => g.code === 'CT');
  assert.deepEqual(ct.next, ORDER.slice(0, 5));
  assert.deepEqual(ct.booked_next, ['A003', 'A005']);
  assert.equal(ct.booked_waiting, 3);
  assert.equal(ct.priority_waiting, 3);
});

test('counter 1 calls them in the worked order, keeping its runs', async () => {
  const runs = [];
  for (const want of ORDER) {
    const r = ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/call', { body: { finish_current: 'served' } }));
    assert.equal(r.ticket.label, want);
    assert.equal(r.ticket.booked, ['A003', 'A005', 'A007'].includes(want), want);
    const c = s.sql('SELECT priority_streak AS p, booked_streak AS b FROM counters WHERE no = 1')[0];
    runs.push([c.p, c.b]);
  }
  assert.deepEqual(runs, [[1, 0], [2, 0], [0, 1], [1, 1], [0, 2], [0, 0], [0, 1], [0, 0], [0, 0]]);
  // The board's view of the counter marks the booked one being served.
  const snap = ok(await s.req('GET', '/api/v1/queue', { token: s.devices['kiosk-1'] }));
  const calls = snap.recent_calls.filter((c) => c.booked).map((c) => c.label).sort();
  assert.deepEqual(calls, ['A003', 'A005', 'A007']);
});
