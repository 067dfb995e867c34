// The booking page /dat-lich on a phone (360×740): choose the centre, the
// service, a day and a free slot; a slot taken meanwhile refreshes the list
// and says so; then the confirmation shows the code large and its QR
// (zbarimg reads the code from it), and "Hủy lịch hẹn" cancels it. A
// procedure found by name books its group and lists its documents; the
// English switch gives English. Screenshots in $MOTCUA_BUILD/screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { launch, openPage, shot, SHOTS, SKIP } from './lib/browser.mjs';
import { CENTRE_A, at, booking, startBookingServer } from './lib/booking-province.mjs';

const PHONE = { width: 360, height: 740 };
let s;
let browser;
before(async () => {
  if (SKIP) return;
  s = await startBookingServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); s?.cleanup(); });

const visible = (page, sel) => page.locator(sel).evaluate((e) => !e.closest('[hidden]') && e.offsetParent !== null);

test('book on a phone: a slot taken meanwhile, then the code, its QR, and cancel', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/dat-lich`, PHONE);
  await page.waitForSelector('body[data-ready="1"]');
  await page.selectOption('#centre', CENTRE_A);
  await page.getByRole('button', { name: /^Chứng thực/ }).click();
  const tue = page.locator('#days button[data-date="2026-12-08"]');
  await tue.waitFor();
  assert.match(await tue.innerText(), /Thứ Ba, 08\/12\/2026/);
  // The weekend is there, disabled, named.
  assert.equal(await page.locator('#days button[data-date="2026-12-13"]').isDisabled(), true);
  assert.match(await page.locator('#days button[data-date="2026-12-13"]').innerText(), /Chủ nhật/);
  await tue.click();
  const start = at('2026-12-08', '08:00');
  const slot = page.locator(`#slots button[data-start="${start}"]`);
  assert.match(await slot.innerText(), /08:00–08:30\s*còn 2 chỗ/);
  await slot.click();
  await page.fill('#name', 'Phạm Thị Lan');
  await page.fill('#phone', '0912 345 678');
  await page.check('#n-sms');
  await shot(page, '215-booking-form-phone');
  // Meanwhile two others take the slot.
  for (const phone of ['0911000001', '0911000002']) {
    const r = await s.req('POST', '/api/v1/public/bookings', { body: booking(start, { phone }) });
    assert.equal(r.status, 201, r.text);
  }
  await page.click('#submit');
  await page.locator('#slot-notice').waitFor({ state: 'visible' });
  assert.match(await page.locator('#slot-notice').innerText(), /vừa có người đặt hết/);
  assert.equal(await slot.isDisabled(), true);
  assert.match(await slot.innerText(), /hết chỗ/);
  await shot(page, '215-booking-slot-taken');
  assert.equal(s.sql("SELECT count(*) AS n FROM bookings WHERE name = 'Phạm Thị Lan'")[0].n, 0);

  await page.locator(`#slots button[data-start="${at('2026-12-08', '08:30')}"]`).click();
  await page.click('#submit');
  await page.waitForSelector('body[data-state="done"]');
  const code = (await page.locator('#done-code').innerText()).trim();
  assert.match(code, /^DL[2-9A-HJKMNP-Z]{6}$/);
  const row = s.sql(`SELECT name, phone, state, slot_start, notify FROM bookings WHERE code = '${code}'`)[0];
  assert.equal(row.name, 'Phạm Thị Lan');
  assert.equal(row.phone, '0912345678');
  assert.equal(row.slot_start, at('2026-12-08', '08:30'));
  assert.deepEqual(JSON.parse(row.notify).channels, ['sms']);
  const text = await page.locator('#done').innerText();
  assert.match(text, /Đã đặt lịch hẹn thành công/);
  assert.match(text, /08:30–09:00, Thứ Ba, 08\/12\/2026/);
  assert.match(text, /Trung tâm Phục vụ hành chính công xã Khe Sanh/);
  assert.match(text, /từ 08:15 đến 08:40/);
  assert.match(text, /Căn cước/);
  assert.doesNotMatch(text, /booked|slot|undefined|null/);
  // The QR on the screen reads as the code.
  await page.waitForFunction(() => document.getElementById('done-qr').complete && document.getElementById('done-qr').naturalWidth > 0);
  const png = path.join(SHOTS, '215-booking-qr.png');
  await page.locator('#done-qr').screenshot({ path: png });
  const z = spawnSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' });
  assert.equal(z.stdout.trim(), code);
  assert.ok(await visible(page, '#cancel'));
  await shot(page, '215-booking-done-phone');
  // The whole confirmation fits the phone's width.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));

  await page.click('#cancel');
  await page.click('#cancel-yes');
  await page.locator('#done-status.cancelled').waitFor();
  assert.match(await page.locator('#done').innerText(), /Lịch hẹn đã hủy/);
  assert.equal(s.sql(`SELECT state FROM bookings WHERE code = '${code}'`)[0].state, 'cancelled');
  await shot(page, '215-booking-cancelled-phone');
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.consoleErrors.filter((m) => /Content Security Policy/i.test(m)), []);
});

test('a procedure found by name books its group; the code opens the booking again; English', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/dat-lich?office=${CENTRE_A}`, PHONE);
  await page.waitForSelector('body[data-ready="1"]');
  await page.fill('#proc-q', 'ket hon');
  await page.getByRole('button', { name: /Đăng ký kết hôn/ }).click();
  await page.locator('#slots button:not(:disabled)').first().click();
  await page.fill('#name', 'Trần Văn Nam');
  await page.fill('#phone', '0987654321');
  await page.fill('#id-number', '045187001234');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-state="done"]');
  const code = (await page.locator('#done-code').innerText()).trim();
  const row = s.sql(`SELECT g.code AS g, p.code AS p, b.id_number FROM bookings b JOIN service_groups g ON g.id = b.group_id JOIN procedures p ON p.id = b.procedure_id WHERE b.code = '${code}'`)[0];
  assert.deepEqual(row, { g: 'HT', p: 'P3', id_number: '045187001234' });
  assert.match(await page.locator('#done-bring').innerText(), /Tờ khai đăng ký kết hôn/);

  // Typed back later with spaces and small letters.
  const again = await openPage(browser, `${s.base}/dat-lich`, PHONE);
  await again.waitForSelector('body[data-ready="1"]');
  await again.click('#lookup summary');
  await again.fill('#lookup-code', `${code.slice(0, 2).toLowerCase()} ${code.slice(2, 5)}-${code.slice(5).toLowerCase()}`);
  await again.click('#lookup-form button');
  await again.waitForSelector('body[data-state="done"]');
  assert.equal((await again.locator('#done-code').innerText()).trim(), code);
  await again.click('#lang-toggle');
  await again.waitForFunction(() => document.documentElement.lang === 'en');
  const en = await again.locator('#done').innerText();
  assert.match(en, /Appointment valid/);
  assert.match(en, /Civil status|Hộ tịch/);
  assert.match(en, /Cancel appointment/);
  await shot(again, '215-booking-english-phone');
  // A code that is none.
  const none = await openPage(browser, `${s.base}/dat-lich?ma=DL2222222`, PHONE);
  await none.waitForSelector('body[data-ready="1"]');
  assert.match(await none.locator('#lookup-error').innerText(), /Không tìm thấy lịch hẹn/);
  assert.deepEqual([...page.errors, ...again.errors, ...none.errors], []);
});
