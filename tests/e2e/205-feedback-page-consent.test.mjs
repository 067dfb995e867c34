// The consent on the citizens' feedback page (/gop-y, headless Chromium on a
// phone and at 1920×1080): "Nhận câu trả lời qua" SMS / Zalo / Thư điện tử,
// each box offered only with the phone or e-mail it needs; the filing keeps
// the consent (feedback.notify), and when the office head approves the
// answer the sender's phone gets the SMS through the fake gateway. Without a
// box ticked, no consent is kept. English names the boxes in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, TEST_BUNDLE } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';
import { startFakes, SMS_FIELDS } from './lib/fakes.mjs';
import { SKIP, SIZES, launch, openPage, shot } from './lib/browser.mjs';

let s, fakes, browser;
before(async () => {
  fakes = await startFakes({ only: ['sms'] });
  s = await startServer({
    bundle: { ...TEST_BUNDLE, notifications: fakes.config({ quiet_hours: { from: '00:00', to: '00:00' }, sms: { ascii: 'never' } }) },
  });
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); s?.cleanup(); await fakes?.stop(); });

async function fill(page, sender) {
  await page.click('label[for="class-other"]');
  await page.fill('#text', 'Đề nghị bố trí thêm chỗ để xe cho người đến làm thủ tục.');
  await page.fill('#sender-name', sender.name);
  await page.fill('#sender-address', sender.address);
  if (sender.phone) await page.fill('#sender-phone', sender.phone);
  if (sender.email) await page.fill('#sender-email', sender.email);
}
const state = (page, ids) => Promise.all(ids.map((id) => page.locator(`#notify-${id}`).isDisabled()));

test('on a phone: the boxes follow the contacts; the consent is kept and the approved answer reaches the phone', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/gop-y`, SIZES.phone);
  await page.waitForSelector('body[data-state="idle"]');
  assert.deepEqual(await state(page, ['sms', 'zalo', 'email']), [true, true, true]);
  await fill(page, { name: 'Nguyễn Hữu Phước', address: 'Thôn Ka Tăng, xã Hướng Lập', phone: '0905 222 333' });
  assert.deepEqual(await state(page, ['sms', 'zalo', 'email']), [false, false, true]);
  assert.match(await page.locator('#notify').innerText(), /Nhận câu trả lời qua/);
  await page.check('#notify-sms');
  await page.locator('#notify').scrollIntoViewIfNeeded();
  await shot(page, '205-feedback-consent-phone');
  await page.click('#submit');
  await page.waitForSelector('body[data-state="done"]', { timeout: 20000 });
  const code = (await page.textContent('#done-code')).trim();
  const [row] = s.sql(`SELECT notify FROM feedback WHERE code = '${code}'`);
  assert.deepEqual(JSON.parse(row.notify), { channels: ['sms'], any_hour: false });
  assert.deepEqual(page.errors, []);
  const act = (body) => s.as('sup', 'POST', `/api/v1/feedback/${code}/actions`, { body });
  ok(await act({ action: 'classify', decision: 'accept' }));
  ok(await act({ action: 'approve', text: 'Trung tâm đã bố trí thêm bãi xe phía sau.' }));
  const sms = await fakes.sms.waitFor((m) => String(m.json?.[SMS_FIELDS.text] ?? '').includes(code), { timeout: 20000, what: `the SMS of ${code}` });
  assert.equal(sms.json[SMS_FIELDS.phone], '84905222333');
  assert.match(sms.json[SMS_FIELDS.text], new RegExp(`phản ánh, kiến nghị ${code} đã có trả lời`));
  await page.context().close();
});

test('at 1920×1080 without a box ticked no consent is kept; English names the boxes', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/gop-y`, SIZES.tv);
  await page.waitForSelector('body[data-state="idle"]');
  await fill(page, { name: 'Lê Thị Hoa', address: 'Khối 5, Khe Sanh', email: 'hoa@example.vn' });
  assert.deepEqual(await state(page, ['sms', 'zalo', 'email']), [true, true, false]);
  await page.click('#lang-toggle');
  await page.waitForFunction(() => /Send me the answer by/.test(document.getElementById('notify').textContent));
  assert.match(await page.locator('#notify').innerText(), /Send me the answer by\s+SMS\s+Zalo\s+E-mail/);
  await page.locator('#notify').scrollIntoViewIfNeeded();
  await shot(page, '205-feedback-consent-en-1920');
  await page.click('#submit');
  await page.waitForSelector('body[data-state="done"]', { timeout: 20000 });
  const code = (await page.textContent('#done-code')).trim();
  assert.equal(s.sql(`SELECT notify FROM feedback WHERE code = '${code}'`)[0].notify, null);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
