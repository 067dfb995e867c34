// The booking page /dat-lich on a 360×740 phone, as a newcomer found it:
// the centres are told apart by their place (every name starts "Trung tâm
// Phục vụ hành chính công…"); every wrong field is shown at once before
// anything is sent, without a machine code in the sentence; the e-mail
// field looks like the others; "Nhận cả ngoài giờ hành chính" is sent as
// any_hour; in English the Vietnamese-only list of papers is left out with
// a sentence; a failed look-up's error does not stay under a later form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, shot, SKIP } from './lib/browser.mjs';
import { CENTRE_A, startBookingServer } from './lib/booking-province.mjs';

const PHONE = { width: 360, height: 740 };
let s;
let browser;
before(async () => {
  if (SKIP) return;
  s = await startBookingServer();
  browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); s?.cleanup(); });

const shown = (page, sel) => page.locator(sel).evaluate((e) => !e.closest('[hidden]') && e.offsetParent !== null);

test('centres told apart on a phone; every wrong field at once; any hour sent; e-mail styled', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/dat-lich`, PHONE);
  await page.waitForSelector('body[data-ready="1"]');
  // Each option is led by its place; the chosen one's full name under it.
  const options = await page.locator('#centre option').allInnerTexts();
  assert.ok(options.some((o) => /^Khe Sanh\b/.test(o)), options.join(' | '));
  assert.ok(options.some((o) => /^Lao Bảo\b/.test(o)), options.join(' | '));
  await page.selectOption('#centre', CENTRE_A);
  await shot(page, '227-booking-centre-phone');
  assert.equal(await shown(page, '#centre-full'), true);
  assert.match(await page.locator('#centre-full').innerText(), /Trung tâm Phục vụ hành chính công xã Khe Sanh/);
  // What the closed select shows at 360 px starts with the place.
  const selText = await page.locator('#centre').evaluate((e) => e.options[e.selectedIndex].text);
  assert.match(selText, /^Khe Sanh/);

  await page.getByRole('button', { name: /^Chứng thực/ }).click();
  await page.locator('#slots button:not(:disabled)').first().click();

  // The e-mail field is styled like the name field.
  const look = (sel) => page.locator(sel).evaluate((e) => {
    const c = getComputedStyle(e);
    return [c.minHeight, c.borderTopWidth, c.borderTopStyle, c.width];
  });
  assert.deepEqual(await look('#email'), await look('#name'));

  // Everything wrong at once: nothing is sent.
  let posts = 0;
  page.on('request', (rq) => { if (rq.method() === 'POST' && rq.url().includes('/public/bookings')) posts++; });
  await page.fill('#name', 'A');
  await page.fill('#phone', '12345');
  await page.fill('#id-number', '12');
  await page.fill('#email', 'abc');
  await page.click('#submit');
  for (const id of ['name-error', 'phone-error', 'id-number-error', 'email-error', 'form-error']) {
    assert.equal(await shown(page, `#${id}`), true, `#${id} shown`);
  }
  assert.match(await page.locator('#name-error').innerText(), /từ 2 đến 200 ký tự/);
  assert.match(await page.locator('#phone-error').innerText(), /Số điện thoại không đúng/);
  assert.match(await page.locator('#id-number-error').innerText(), /12 chữ số/);
  assert.match(await page.locator('#email-error').innerText(), /thư điện tử không đúng/);
  const form = await page.locator('#bk').innerText();
  assert.doesNotMatch(form, /invalid_field|Mã lỗi|Chi tiết|undefined/);
  assert.equal(posts, 0);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'name');
  await shot(page, '227-booking-all-errors-phone');
  // E-mail as a channel without an address.
  await page.fill('#name', 'Lê Văn Tám');
  await page.fill('#phone', '0912 345 678');
  await page.fill('#id-number', '');
  await page.fill('#email', '');
  await page.check('#n-email');
  await page.click('#submit');
  assert.equal(await shown(page, '#notify-error'), true);
  assert.equal(posts, 0);
  // Corrected: booked, with the consent to any hour.
  await page.fill('#email', 'tam@example.vn');
  await page.check('#n-any-hour');
  assert.match(await page.locator('#who-box').innerText(), /Nhận cả ngoài giờ hành chính \(21:00–07:00\)/);
  await page.click('#submit');
  await page.waitForSelector('body[data-state="done"]');
  const code = (await page.locator('#done-code').innerText()).trim();
  const row = s.sql(`SELECT notify, email FROM bookings WHERE code = '${code}'`)[0];
  assert.equal(row.email, 'tam@example.vn');
  assert.deepEqual(JSON.parse(row.notify), { channels: ['email'], any_hour: true });
  assert.deepEqual(page.errors, []);
});

test('the server refuses a one-letter name too', { skip: SKIP }, async () => {
  const sl = await s.req('GET', `/api/v1/public/booking/slots?office=${CENTRE_A}&group=CT`);
  const start = sl.json.days.flatMap((d) => d.slots).find((x) => x.free > 0).start;
  const r = await s.req('POST', '/api/v1/public/bookings', { body: { office: CENTRE_A, group: 'CT', start, name: 'A', phone: '0912000111' } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'invalid_field');
  assert.equal(r.json.error.field, 'name');
  assert.equal(s.sql("SELECT count(*) AS n FROM bookings WHERE phone = '0912000111'")[0].n, 0);
});

test('the server\'s refusal is shown without its code in the sentence', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/dat-lich?office=${CENTRE_A}`, PHONE);
  await page.waitForSelector('body[data-ready="1"]');
  await page.getByRole('button', { name: /^Chứng thực/ }).click();
  await page.locator('#slots button:not(:disabled)').first().click();
  await page.fill('#name', 'Lê Văn Tám');
  await page.fill('#phone', '0912345678');
  // The page passes it, the server refuses (a control character).
  await page.locator('#name').evaluate((e) => { e.value = 'Lê\u0007Văn Tám'; });
  await page.click('#submit');
  await page.locator('#name-error').waitFor({ state: 'visible' });
  const err = await page.locator('#name-error').innerText();
  assert.match(err, /họ và tên/);
  assert.doesNotMatch(err, /invalid_field|Mã lỗi/);
});

test('English: the Vietnamese list of papers left out with a sentence; a failed look-up does not stay', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/dat-lich?office=${CENTRE_A}`, PHONE);
  await page.waitForSelector('body[data-ready="1"]');
  await page.click('#lookup summary');
  await page.fill('#lookup-code', 'DL222222');
  await page.click('#lookup-form button');
  await page.locator('#lookup-error').waitFor({ state: 'visible' });
  assert.doesNotMatch(await page.locator('#lookup-error').innerText(), /not_found|Mã lỗi/);
  // Said again in English, then gone once the booking form is used.
  await page.click('#lang-toggle');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.match(await page.locator('#lookup-error').innerText(), /No appointment has this code/);
  await page.click('#lang-toggle');
  await page.waitForFunction(() => document.documentElement.lang === 'vi');
  await page.selectOption('#centre', '');
  await page.selectOption('#centre', CENTRE_A);
  assert.equal(await shown(page, '#lookup-error'), false);
  await page.fill('#lookup-code', 'DL333333');
  await page.click('#lookup-form button');
  await page.locator('#lookup-error').waitFor({ state: 'visible' });
  // Then a booking is made through the form.
  await page.fill('#proc-q', 'ket hon');
  await page.getByRole('button', { name: /Đăng ký kết hôn/ }).click();
  await page.locator('#slots button:not(:disabled)').first().click();
  await page.fill('#name', 'Trần Văn Nam');
  await page.fill('#phone', '0987654321');
  await page.click('#submit');
  await page.waitForSelector('body[data-state="done"]');
  assert.match(await page.locator('#done-bring').innerText(), /Tờ khai đăng ký kết hôn/);
  await page.click('#lang-toggle');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  const en = await page.locator('#done').innerText();
  assert.doesNotMatch(en, /Tờ khai/);
  assert.match(en, /in Vietnamese only/);
  await shot(page, '227-booking-english-bring');
  // Book another: the old look-up error is gone.
  await page.click('#again');
  await page.waitForSelector('body[data-state="idle"]');
  assert.equal(await shown(page, '#lookup-error'), false);
  assert.deepEqual(page.errors, []);
});
