// A booking checked in at the kiosk, and its mark on the board and the
// counter bar, in headless Chromium (docs/appointments.md). On the test
// clock, Tuesday 01/12/2026 08:50: a citizen presses "Tôi đã đặt lịch",
// types the code on the screen's keys and gets a number marked "Đặt lịch";
// a second one holds the QR code to the scanner (which types the code and
// Enter on the home screen); a third comes for 10:00 and is told plainly
// from when. The board counts the booked numbers waiting and marks the one
// called; the clerk's bar marks the booked next numbers and the one served.
// Screenshots: booking-kiosk-*, booking-board, booking-counter-bar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORDS } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { SKIP, SIZES, launch, openPage, shot } from './lib/browser.mjs';
import { login, chooseCounter, waitText } from './lib/counter-page.mjs';
import { BOOKING_BUNDLE, BOOKING_OFFICE, at } from './lib/booking-office.mjs';

let s, browser, kiosk;
const codes = [];
before(async () => {
  s = await startServer({ bundle: BOOKING_BUNDLE, args: ['--test-clock', '--logins-per-minute', '1000'] });
  await setClock(s, at('2026-12-01T07:00:00+07:00'));
  for (const [i, [hhmm, name]] of [['09:00', 'Nguyễn Văn An'], ['09:00', 'Trần Thị Bình'], ['10:00', 'Lê Văn Cường']].entries()) {
    codes.push(ok(await s.req('POST', '/api/v1/public/bookings', {
      body: { office: BOOKING_OFFICE, group: 'CT', start: at(`2026-12-01T${hhmm}:00+07:00`), name, phone: `09123452${i}0` },
    })).booking.code);
  }
  await setClock(s, at('2026-12-01T08:50:00+07:00'));
  ok(await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })); // A001, a walk-in
  if (SKIP) return;
  browser = await launch();
  kiosk = await openPage(browser, `${s.base}/kiosk?access_token=${s.devices['kiosk-1']}`, SIZES.tablet);
  await kiosk.locator('#booking-open:not([hidden])').waitFor({ timeout: 15000 });
});
after(async () => { await browser?.close(); if (s) { await s.stop(); s.cleanup(); } });

const booking = (code) => s.sql(`SELECT b.state, t.label, t.booking_id IS NOT NULL AS booked
  FROM bookings b LEFT JOIN tickets t ON t.id = b.ticket_id WHERE b.code = '${code}'`)[0];

test('"Tôi đã đặt lịch", the code on the screen keys: a number marked Đặt lịch', { skip: SKIP }, async () => {
  assert.match(await kiosk.locator('#booking-open').innerText(), /✓\s*Tôi đã đặt lịch/);
  await kiosk.click('#booking-open');
  await kiosk.locator('#booking:not([hidden])').waitFor();
  assert.equal(await kiosk.inputValue('#booking-code'), 'DL', 'the code starts typed');
  await shot(kiosk, 'booking-kiosk-code-empty');
  for (const ch of codes[0].slice(2)) await kiosk.click(`#booking-keys .key:text-is("${ch}")`);
  assert.equal(await kiosk.inputValue('#booking-code'), codes[0]);
  await shot(kiosk, 'booking-kiosk-code');
  await kiosk.click('#booking-submit');
  await kiosk.locator('#ticket:not([hidden])').waitFor({ timeout: 10000 });
  assert.equal(await kiosk.innerText('#ticket-number'), 'A002');
  assert.match(await kiosk.innerText('#ticket-booked'), /✓ Đặt lịch/);
  assert.equal(await kiosk.locator('#ticket-late').isHidden(), true);
  // Booked and walk-ins: the booked one goes first.
  assert.equal(await kiosk.innerText('#ticket-ahead'), '0');
  await shot(kiosk, 'booking-kiosk-ticket');
  assert.deepEqual(booking(codes[0]), { state: 'checked_in', label: 'A002', booked: 1 });
  await kiosk.click('#ticket-done');
});

test('a scanner types the code and Enter on the home screen: the next number', { skip: SKIP }, async () => {
  await kiosk.locator('#home:not([hidden])').waitFor();
  await kiosk.keyboard.type(codes[1].toLowerCase(), { delay: 15 });
  await kiosk.keyboard.press('Enter');
  await kiosk.locator('#ticket:not([hidden])').waitFor({ timeout: 10000 });
  assert.equal(await kiosk.innerText('#ticket-number'), 'A003');
  assert.match(await kiosk.innerText('#ticket-booked'), /Đặt lịch/);
  assert.deepEqual(booking(codes[1]), { state: 'checked_in', label: 'A003', booked: 1 });
  await kiosk.click('#ticket-done');
});

test('too early and a wrong code are said on the booking screen, nothing issued', { skip: SKIP }, async () => {
  const n = s.sql('SELECT count(*) AS n FROM tickets')[0].n;
  await kiosk.click('#booking-open');
  await kiosk.fill('#booking-code', codes[2]);
  await kiosk.press('#booking-code', 'Enter');
  await kiosk.locator('#booking-error').filter({ hasText: /quay lại từ 09:45/ }).waitFor({ timeout: 10000 });
  assert.equal(await kiosk.getAttribute('body', 'data-screen'), 'booking');
  await shot(kiosk, 'booking-kiosk-too-early');
  await kiosk.fill('#booking-code', 'DL2345ZZ');
  await kiosk.press('#booking-code', 'Enter');
  await kiosk.locator('#booking-error').filter({ hasText: /Không tìm thấy lịch hẹn/ }).waitFor({ timeout: 10000 });
  assert.match(await kiosk.innerText('#booking-error'), /tại trung tâm này/);
  // A cancelled booking is said to be cancelled, not taken for a mistyped code.
  const gone = ok(await s.req('POST', '/api/v1/public/bookings', {
    body: { office: BOOKING_OFFICE, group: 'CT', start: at('2026-12-01T11:00:00+07:00'), name: 'Hoàng Văn Đức', phone: '0912345290' },
  })).booking.code;
  ok(await s.req('POST', `/api/v1/public/bookings/${gone}/cancel`, { body: {} }));
  await kiosk.fill('#booking-code', gone);
  await kiosk.press('#booking-code', 'Enter');
  await kiosk.locator('#booking-error').filter({ hasText: /Lịch hẹn này đã bị hủy/ }).waitFor({ timeout: 10000 });
  assert.doesNotMatch(await kiosk.innerText('#booking-error'), /Không tìm thấy|booking_/);
  await shot(kiosk, 'booking-kiosk-cancelled');
  await kiosk.fill('#booking-code', 'DL23');
  await kiosk.press('#booking-code', 'Enter');
  await kiosk.locator('#booking-error').filter({ hasText: /DL và 6 ký tự/ }).waitFor();
  assert.equal(s.sql('SELECT count(*) AS n FROM tickets')[0].n, n);
  assert.equal(booking(codes[2]).state, 'booked');
  await kiosk.keyboard.press('Escape');
  await kiosk.locator('#home:not([hidden])').waitFor();
  assert.deepEqual(kiosk.errors, []);
});

test('the board and the clerk\'s bar mark the booked numbers', { skip: SKIP }, async () => {
  const board = await openPage(browser, `${s.base}/board?access_token=${s.devices['board-1']}`, SIZES.tv);
  const tile = board.locator('.group[data-group="CT"] .booked-waiting');
  await tile.waitFor({ timeout: 15000 });
  assert.match(await tile.innerText(), /✓ Đặt lịch: 2/);

  const bar = await openPage(browser, `${s.base}/counter`, { width: 1366, height: 768 });
  await login(bar, 'clerk1', PASSWORDS.clerk1);
  await chooseCounter(bar, 1);
  await bar.click('#btn-open');
  await waitText(bar, 'counter-state', /^Đang mở$/);
  const group = bar.locator('#queue-groups .qg[data-group="CT"]');
  await group.locator('.booked').first().waitFor({ timeout: 15000 });
  assert.match(await group.locator('.qg-line').innerText(), /✓ 2 đặt lịch/);
  const tags = await group.locator('.qg-next .tk').allInnerTexts();
  assert.deepEqual(tags, ['✓ A002', '✓ A003', 'A001'], 'in calling order, booked ones marked');

  await bar.click('#btn-next');
  await waitText(bar, 'serving-number', /^A002$/);
  await waitText(bar, 'serving-wait', /✓ Đặt lịch/);
  await shot(bar, 'booking-counter-bar');

  const card = board.locator('.counter[data-counter="1"]');
  await card.locator('.booked-mark').waitFor({ timeout: 15000 });
  assert.equal(await card.locator('.number').innerText(), 'A002');
  assert.match(await card.locator('.booked-mark').innerText(), /✓\s*Đặt lịch/);
  await board.locator('#calls li[data-label="A002"] .booked-mark').waitFor({ timeout: 15000 });
  await shot(board, 'booking-board');
  assert.deepEqual(board.errors, []);
  assert.deepEqual(bar.errors, []);
});
