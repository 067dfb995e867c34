// "Nhận cả ngoài giờ hành chính (21:00–07:00)": the consent to messages
// at any hour (README, the supervisor's templates panel) is a box under the
// channel boxes of the feedback page (/gop-y, a phone) and of the clerk's
// intake form (/counter, 1366×768); ticked, the kept consent says
// any_hour: true, not ticked false. (The booking page: e2e 227.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORDS, startServer, TEST_BUNDLE } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { SKIP, SIZES, launch, openPage } from './lib/browser.mjs';
import { login, chooseCounter, visibleText, waitText } from './lib/counter-page.mjs';

let fb, desk, browser;
before(async () => {
  if (SKIP) return;
  fb = await startServer({ bundle: TEST_BUNDLE });
  desk = await startServer({ bundle: DOSSIER_BUNDLE });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  for (const s of [fb, desk]) { await s?.stop(); s?.cleanup(); }
});

test('feedback page: the any-hour box is sent as any_hour', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${fb.base}/gop-y`, SIZES.phone);
  await page.waitForSelector('body[data-state="idle"]');
  assert.match(await page.locator('#notify').innerText(), /Nhận cả ngoài giờ hành chính \(21:00–07:00\)/);
  await page.click('label[for="class-other"]');
  await page.fill('#text', 'Đề nghị bố trí thêm chỗ để xe cho người đến làm thủ tục.');
  await page.fill('#sender-name', 'Nguyễn Hữu Phước');
  await page.fill('#sender-address', 'Thôn Ka Tăng, xã Hướng Lập');
  await page.fill('#sender-phone', '0905 222 333');
  await page.check('#notify-sms');
  await page.check('#notify-any-hour');
  await page.click('#submit');
  await page.waitForSelector('body[data-state="done"]', { timeout: 20000 });
  const code = (await page.textContent('#done-code')).trim();
  const [row] = fb.sql(`SELECT notify FROM feedback WHERE code = '${code}'`);
  assert.deepEqual(JSON.parse(row.notify), { channels: ['sms'], any_hour: true });
  assert.deepEqual(page.errors, []);
});

test('intake form: the any-hour box is sent as any_hour', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${desk.base}/counter`, { width: 1366, height: 768 });
  await login(page, 'clerk1', PASSWORDS.clerk1);
  await chooseCounter(page, 1);
  await page.fill('#intake-procedure', 'ket hon');
  await page.locator('#intake-procedure-list [role=option]').first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('#in-proc').waitFor();
  await page.check('#in-doc-0');
  assert.match(await visibleText(page, 'in-notify'), /Nhận cả ngoài giờ hành chính \(21:00–07:00\)/);
  await page.fill('#applicant-name', 'Đoàn Thị Thu Hà');
  await page.fill('#applicant-id', '045190007777');
  await page.fill('#applicant-address', 'Thôn Vây, xã Tân Hợp');
  await page.fill('#applicant-phone', '0912 345 678');
  await page.check('#in-notify-sms');
  await page.check('#in-notify-any-hour');
  await page.click('#intake-save');
  await waitText(page, 'intake-code', /-\d{6}-\d{4}$/, 20000);
  const code = (await page.textContent('#intake-code')).trim();
  const [d] = desk.sql(`SELECT notify FROM dossiers WHERE code = '${code}'`);
  assert.deepEqual(JSON.parse(d.notify), { channels: ['sms'], any_hour: true });
  assert.deepEqual(page.errors, []);
});
