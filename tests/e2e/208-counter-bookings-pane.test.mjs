// The counter's "Lịch hẹn" pane (/counter, headless Chromium at 1366×768
// and 1920×1080): reached by Alt+4, it lists a day's bookings of the clerk's
// centre (time, code, name, phone, group, state in words), books for a
// caller on the phone with the public page's fields (group, day, a free
// slot, name, phone, consent) through POST /api/v1/bookings by keyboard
// alone, and cancels a booking; English names it in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORDS, startServer } from './lib/harness.mjs';
import { BOOKING_BUNDLE } from './lib/booking-office.mjs';
import { SKIP, SIZES, launch, openPage, shot } from './lib/browser.mjs';
import { login, chooseCounter, visibleText } from './lib/counter-page.mjs';

let s, browser, page, other;
before(async () => {
  s = await startServer({ bundle: BOOKING_BUNDLE });
  if (SKIP) return;
  browser = await launch();
  page = await openPage(browser, `${s.base}/counter`, { width: 1366, height: 768 });
  await login(page, 'clerk1', PASSWORDS.clerk1);
  await chooseCounter(page, 1);
});
after(async () => { await browser?.close(); await s?.stop(); s?.cleanup(); });

const rows = () => page.locator('#bk-rows tr').count();

test('Alt+4 opens the pane; a booking made by keyboard for a caller; the day lists it in words', { skip: SKIP }, async () => {
  await page.keyboard.press('Alt+4');
  await page.locator('#pane-booking:not([hidden]) #bk-count:not(:empty)').waitFor({ timeout: 20000 });
  await page.waitForFunction(() => document.querySelectorAll('#bk-slot option[value]:not([value=""])').length > 0, null, { timeout: 20000 });
  assert.match(await visibleText(page, 'pane-booking'), /Lịch hẹn của trung tâm.*Đặt lịch cho người gọi điện.*Chứng thực/s);
  const day = await page.locator('#bk-new-day').inputValue();
  const start = Number(await page.locator('#bk-slot').inputValue());
  // Keyboard only: the fields in order, Enter books.
  await page.focus('#bk-name');
  await page.keyboard.type('Trần Thị Mai');
  await page.keyboard.press('Tab');
  await page.keyboard.type('0912 345 678');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space'); // SMS
  await page.focus('#bk-name');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Đã đặt lịch DL[2-9A-Z]{6}/.test(document.getElementById('bk-made').textContent), null, { timeout: 20000 });
  const code = /DL[2-9A-Z]{6}/.exec(await page.textContent('#bk-made'))[0];
  const [b] = s.sql(`SELECT name, phone, state, slot_start, notify FROM bookings WHERE code = '${code}'`);
  assert.equal(b.name, 'Trần Thị Mai');
  assert.equal(b.phone, '0912345678');
  assert.equal((await s.as('clerk1', 'GET', `/api/v1/bookings/${code}`)).json.booking.channel, 'staff');
  assert.equal(b.state, 'booked');
  assert.equal(b.slot_start, start);
  assert.deepEqual(JSON.parse(b.notify).channels, ['sms']);
  // Another booking through the API, then the chosen day's list.
  const r = await s.as('clerk1', 'POST', '/api/v1/bookings', { body: { office: BOOKING_BUNDLE.office.code, group: 'CT', start, name: 'Lê Văn Bình', phone: '0987654321' } });
  assert.equal(r.status, 201, r.text);
  other = r.json.booking.code;
  const [y, m, d] = day.split('-');
  await page.fill('#bk-day', `${d}/${m}/${y}`);
  await page.click('#bk-show');
  await page.waitForFunction(() => document.querySelectorAll('#bk-rows tr').length === 2, null, { timeout: 20000 });
  const row = await page.locator('#bk-rows tr', { hasText: code }).innerText();
  const time = new Date((start + 7 * 3600) * 1000).toISOString().slice(11, 16);
  assert.match(row, new RegExp(`^${time}\\s+${code}\\s+Trần Thị Mai\\s+0912345678\\s+Chứng thực\\s+Đã đặt\\s+Hủy lịch$`));
  assert.match(await page.textContent('#bk-count'), new RegExp(`2 lịch hẹn ngày ${d}/${m}/${y}`));
  const text = await visibleText(page, 'pane-booking');
  assert.doesNotMatch(text, /\b(booked|staff|CT)\b/, 'no machine words');
  await shot(page, '208-bookings-1366');
  assert.equal(await rows(), 2);
  // The day is written dd/mm/yyyy; a wrong one says so in words.
  await page.fill('#bk-day', '31/02/2026');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Ngày không hợp lệ/.test(document.getElementById('bk-error').textContent));
  await page.fill('#bk-day', `${d}/${m}/${y}`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('bk-error').textContent === '');
});

test('cancel: asked, then the booking reads "Đã hủy" and its place is free again', { skip: SKIP }, async () => {
  page.once('dialog', (dl) => dl.accept());
  await page.locator('#bk-rows tr', { hasText: other }).locator('button.bk-cancel').click();
  await page.waitForFunction((c) => /Đã hủy lịch hẹn/.test(document.getElementById('bk-count').textContent)
    && /Đã hủy/.test([...document.querySelectorAll('#bk-rows tr')].find((tr) => tr.dataset.code === c)?.textContent ?? ''), other, { timeout: 20000 });
  assert.equal(s.sql(`SELECT state FROM bookings WHERE code = '${other}'`)[0].state, 'cancelled');
  assert.equal(await page.locator('#bk-rows tr', { hasText: other }).locator('button').count(), 0);
});

test('1920×1080 and English', { skip: SKIP }, async () => {
  await page.setViewportSize(SIZES.tv);
  await shot(page, '208-bookings-1920');
  await page.click('#btn-lang');
  await page.waitForFunction(() => /The centre's bookings/.test(document.getElementById('pane-booking').textContent));
  assert.match(await visibleText(page, 'pane-booking'), /Book for a caller on the phone/);
  assert.match(await page.locator('#bk-rows').innerText(), /Cancelled/);
  await page.click('#btn-lang');
  assert.deepEqual(page.errors, []);
});
