// The booking page with the keyboard alone at 1366×768: the centre chosen
// with the arrow keys, the service, the day and the slot with Tab and
// Enter, the form sent with Enter; on the confirmation Esc closes the
// cancel question and Enter on "Hủy lịch hẹn" cancels. Screenshot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, SKIP } from './lib/browser.mjs';
import { startBookingServer } from './lib/booking-province.mjs';

let s;
let browser;
before(async () => {
  if (SKIP) return;
  s = await startBookingServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); s?.cleanup(); });

const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return `${e.id || e.tagName}:${(e.textContent || '').trim().slice(0, 30)}`;
});

// Presses Tab until the focused element's text matches re (at most 60 times).
async function tabTo(page, re) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    if (re.test(await focused(page))) return;
  }
  throw new Error(`no focus on ${re} (last: ${await focused(page)})`);
}

test('book and cancel with the keyboard alone', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/dat-lich`, { width: 1366, height: 768 });
  await page.waitForSelector('body[data-ready="1"]');
  await tabTo(page, /^centre:/);
  await page.keyboard.press('ArrowDown');
  await page.locator('#groups button').first().waitFor();
  assert.equal(await page.locator('#centre').inputValue(), 'TT-KS');
  await tabTo(page, /Chứng thực/);
  await page.keyboard.press('Enter');
  await page.locator('#slots button').first().waitFor();
  // The first day with free slots is chosen; its first slot by keyboard.
  await tabTo(page, /^BUTTON:08:30–09:00/);
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), 'name:');
  await page.keyboard.type('Lê Thị Bàn Phím');
  await page.keyboard.press('Tab');
  await page.keyboard.type('0905111222');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-state="done"]');
  const code = (await page.locator('#done-code').innerText()).trim();
  assert.equal(s.sql(`SELECT name FROM bookings WHERE code = '${code}'`)[0].name, 'Lê Thị Bàn Phím');
  await shot(page, '216-booking-keyboard-done');
  await tabTo(page, /^cancel:/);
  await page.keyboard.press('Enter');
  assert.match(await focused(page), /^cancel-yes:/);
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#cancel-confirm').isHidden(), true);
  assert.match(await focused(page), /^cancel:/);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.locator('#done-status.cancelled').waitFor();
  assert.equal(s.sql(`SELECT state FROM bookings WHERE code = '${code}'`)[0].state, 'cancelled');
  assert.deepEqual(page.errors, []);
});
