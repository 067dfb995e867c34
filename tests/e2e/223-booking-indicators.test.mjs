// The indicators' "appointments" section (docs/indicators.md,
// "Appointments") for a day worked out by hand, and the supervisor page's
// card. Tuesday 01/12/2026 on the test clock; bookings made at 07:00:
//   b1 09:00, checked in 08:50 (on time)  → A002, booked
//   b2 09:00, checked in 08:55 (on time)  → A003, booked
//   b3 09:30, cancelled
//   b4 09:30, checked in 09:45 (window closed 09:40: late) → A004, ordinary
//   b5 10:00, never came (window closed 10:10: a no-show at 17:00)
//   b6 Wednesday 02/12 09:00 (not in the day; in the month, still to come)
// A001 is a walk-in taken at 08:40. Counter 1 (CT) calls, finishing each:
//   09:00 A002 (booked first)      wait 10 min
//   09:05 A003 (booked)            wait 10 min
//   09:10 A001 (two booked in a row while it waited) wait 30 min
//   09:50 A004 (late: an ordinary ticket)            wait  5 min
// So on 01/12: booked 5, cancelled 1, on time 2, late 1, no-show 1,
// pending 0, punctuality 2 / (5 − 1) = 0.5; the wait of booked citizens
// (10 + 10) / 2 = 10 minutes, of the others (30 + 5) / 2 = 17.5 minutes.
// The month (December) adds b6: booked 6, pending 1, punctuality 2/5 = 0.4.
// The supervisor page (the month to date, 01/12) shows 50,0 %.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORDS, startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { SKIP, launch, openPage, shot, SIZES } from './lib/browser.mjs';
import { BOOKING_BUNDLE, BOOKING_OFFICE, at } from './lib/booking-office.mjs';
import { login, chooseCounter } from './lib/counter-page.mjs';

let s;
before(async () => {
  s = await startServer({ bundle: BOOKING_BUNDLE, args: ['--test-clock', '--logins-per-minute', '1000'] });
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const t = (hhmm, day = '01') => at(`2026-12-${day}T${hhmm}:00+07:00`);
const clock = (hhmm) => setClock(s, t(hhmm));
const kiosk = async (body) => ok(await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body }));
const call = async () => ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/call', { body: { finish_current: 'served' } })).ticket.label;

test('the day of the worked example', async () => {
  await clock('07:00');
  const b = [];
  for (const [i, [hhmm, day]] of [['09:00'], ['09:00'], ['09:30'], ['09:30'], ['10:00'], ['09:00', '02']].entries()) {
    b.push(ok(await s.req('POST', '/api/v1/public/bookings', {
      body: { office: BOOKING_OFFICE, group: 'CT', start: t(hhmm, day), name: `Công dân ${i + 1}`, phone: `09123453${i}0` },
    })).booking.code);
  }
  ok(await s.req('POST', `/api/v1/public/bookings/${b[2]}/cancel`, { body: {} }));
  await clock('08:40');
  assert.equal((await kiosk({ group: 'CT' })).ticket.label, 'A001');
  await clock('08:50');
  assert.equal((await kiosk({ booking: b[0] })).ticket.booked, true);
  await clock('08:55');
  assert.equal((await kiosk({ booking: b[1] })).ticket.booked, true);
  await clock('09:00');
  ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } }));
  assert.equal(await call(), 'A002');
  await clock('09:05');
  assert.equal(await call(), 'A003');
  await clock('09:10');
  assert.equal(await call(), 'A001');
  await clock('09:45');
  const late = await kiosk({ booking: b[3] });
  assert.equal(late.late, true);
  assert.equal(late.ticket.label, 'A004');
  await clock('09:50');
  assert.equal(await call(), 'A004');
  await clock('17:00');
});

test('GET /indicators for 01/12: the appointments figures worked out by hand', async () => {
  const ind = ok(await s.as('sup', 'GET', '/api/v1/indicators?from=2026-12-01&to=2026-12-01'));
  assert.deepEqual(ind.appointments, {
    booked: 5, cancelled: 1, checked_in_on_time: 2, late: 1, no_show: 1, pending: 0,
    punctuality: 0.5,
    wait_booked: { visits: 2, mean_minutes: 10 },
    wait_walk_in: { visits: 2, mean_minutes: 17.5 },
  });
  // Another day: nothing booked, no share.
  const other = ok(await s.as('sup', 'GET', '/api/v1/indicators?from=2026-11-30&to=2026-11-30'));
  assert.equal(other.appointments.booked, 0);
  assert.equal(other.appointments.punctuality, null);
  assert.equal(other.appointments.wait_booked.mean_minutes, null);
});

test('the whole month counts b6 still to come; the supervisor page shows the figures with a decimal comma', { skip: SKIP }, async () => {
  const month = ok(await s.as('sup', 'GET', '/api/v1/indicators?from=2026-12-01&to=2026-12-31'));
  assert.equal(month.appointments.booked, 6);
  assert.equal(month.appointments.pending, 1);
  assert.equal(month.appointments.punctuality, 0.4);
  const browser = await launch();
  try {
    const page = await openPage(browser, `${s.base}/supervisor`, SIZES.tv);
    await page.waitForSelector('#login:not([hidden])');
    await page.fill('#username', 'sup');
    await page.fill('#password', 'sup-pass-0001');
    await page.click('#login-form button');
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
    const table = page.locator('#appointments-table');
    await table.waitFor({ timeout: 20000 });
    const rows = Object.fromEntries((await table.locator('tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())))));
    // The page opens on the month to date: 01/12 alone.
    assert.equal(rows['Lịch đã đặt'], '5');
    assert.equal(rows['Đã hủy'], '1');
    assert.equal(rows['Đến đúng giờ, nhận số theo lịch'], '2');
    assert.equal(rows['Đến muộn, nhận số thường'], '1');
    assert.equal(rows['Không đến'], '1');
    assert.equal(rows['Chưa đến giờ hẹn'], '0');
    assert.equal(rows['Tỷ lệ đến đúng giờ'], '50,0 %');
    assert.equal(rows['Chờ trung bình: có đặt lịch'], '10,0 phút (2 lượt)');
    assert.equal(rows['Chờ trung bình: không đặt lịch'], '17,5 phút (2 lượt)');
    await table.scrollIntoViewIfNeeded();
    await shot(page, 'booking-supervisor-indicators');
    assert.deepEqual(page.errors, []);
    // The period fields say so, by the server's clock, not the PC's.
    assert.deepEqual([await page.inputValue('#from'), await page.inputValue('#to')], ['01/12/2026', '01/12/2026']);
  } finally {
    await browser.close();
  }
});

test("the counter's bookings pane opens on the office's day by the server's clock, b6 not in it", { skip: SKIP }, async () => {
  const browser = await launch();
  try {
    const page = await openPage(browser, `${s.base}/counter`, { width: 1366, height: 768 });
    await login(page, 'clerk1', PASSWORDS.clerk1);
    await chooseCounter(page, 1);
    await page.keyboard.press('Alt+4');
    await page.locator('#pane-booking:not([hidden]) #bk-count:not(:empty)').waitFor({ timeout: 20000 });
    assert.equal(await page.inputValue('#bk-day'), '01/12/2026');
    // The day's five bookings; b6 (02/12) is not among them.
    await page.waitForFunction(() => document.querySelectorAll('#bk-rows tr').length === 5, null, { timeout: 20000 });
    assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
  }
});
