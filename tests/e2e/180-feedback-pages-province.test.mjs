// The citizen's feedback pages in a province of two centres, on a phone
// (360×740) and a laptop (1366×768): /gop-y opened from a receipt's link
// names the dossier's centre and does not ask for one (the server files it
// there); the missing-name question marks the empty name field; an
// anonymous report's confirmation says no answer comes; /status says, for a
// PA- code with a wrong secret, to check the codes given when sending; an
// empty reply is said under its button. A commune's supervisor files a
// hotline feedback without a centre field; the province's is asked which.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A } from './lib/province-bundle.mjs';
import { ok } from './lib/steps.mjs';
import { SKIP, launch, openPage, shot } from './lib/browser.mjs';

const PHONE = { width: 360, height: 740 };
const LAPTOP = { width: 1366, height: 768 };
const CENTRE_A_NAME = 'Trung tâm Phục vụ hành chính công xã Khe Sanh';
let s, browser;

before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE });
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s.stop(); s.cleanup(); });

test('from the receipt link: the dossier\u2019s centre named, no centre asked; the name field marked', { skip: SKIP }, async () => {
  const r = await s.as('a.clerk', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', office: CENTRE_A,
    applicant: { name: 'Lê Văn Sanh', id_number: '045191008801', address: 'Khe Sanh', phone: '0916888999' },
    documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }], sets: 1, outcome: 'received' } });
  assert.equal(r.status, 201, r.text);
  const { dossier, secret } = r.json;
  const page = await openPage(browser, `${s.base}/gop-y?d=${dossier.code}&s=${secret}`, PHONE);
  await page.locator('#office-name', { hasText: CENTRE_A_NAME }).waitFor();
  assert.equal(await page.locator('#office-field').isVisible(), false, 'no centre asked');
  await page.click('label[for="class-dossier"]');
  await page.fill('#text', 'Hồ sơ của tôi chưa được hẹn ngày trả.');
  await page.fill('#sender-address', 'Khe Sanh');
  await page.fill('#sender-phone', '0916888999');
  await page.click('#submit');
  await page.waitForSelector('body[data-state="confirm"]');
  assert.equal(await page.getAttribute('#sender-name', 'aria-invalid'), 'true', 'the missing name is marked');
  assert.notEqual(await page.getAttribute('#sender-address', 'aria-invalid'), 'true');
  await shot(page, '180-phone-missing-name');
  await page.click('#anon-back');
  await page.fill('#sender-name', 'Lê Văn Sanh');
  assert.equal(await page.getAttribute('#sender-name', 'aria-invalid'), 'false');
  await page.click('#submit');
  await page.waitForSelector('body[data-state="done"]');
  const code = (await page.textContent('#done-code')).trim();
  const row = s.sql(`SELECT o.code AS office, d.code AS dossier FROM feedback f JOIN offices o ON o.id = f.office_id
    LEFT JOIN dossiers d ON d.id = f.dossier_id WHERE f.code = '${code}'`)[0];
  assert.deepEqual(row, { office: CENTRE_A, dossier: dossier.code });
  await shot(page, '180-phone-from-receipt-done');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an anonymous report: recorded for the office head, no answer; /status wrong secret and empty reply', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/gop-y?office=${CENTRE_A}`, PHONE);
  await page.waitForSelector('#class-conduct', { state: 'attached' });
  await page.click('label[for="class-conduct"]');
  await page.fill('#text', 'Có người hướng dẫn nộp tiền ngoài quy định ở sảnh.');
  await page.click('#submit');
  await page.waitForSelector('body[data-state="confirm"]');
  await page.click('#anon-send');
  await page.waitForSelector('body[data-state="done"]');
  const done = await page.locator('#done').innerText();
  assert.match(done, /trưởng đơn vị/);
  assert.match(done, /không được trả lời/);
  assert.doesNotMatch(done, /theo dõi kết quả trả lời/);
  await shot(page, '180-phone-anonymous-done');
  const anon = (await page.textContent('#done-code')).trim();

  // /status: the code with a wrong secret.
  await page.goto(`${s.base}/status`);
  assert.equal(await page.locator('label[for="code"]').innerText(), 'Mã hồ sơ hoặc mã phản ánh');
  await page.fill('#code', anon);
  await page.fill('#secret', 'AAAAAAAAAA');
  await page.click('#submit');
  const err = await page.locator('#lookup-error').innerText();
  assert.match(err, /mã phản ánh và mã tra cứu được cấp khi gửi phản ánh/);
  assert.doesNotMatch(err, /Giấy tiếp nhận/);
  await shot(page, '180-phone-status-wrong-secret');
  await page.context().close();

  // A PAKN waiting for the sender: an empty reply is said under its button.
  const sender = { name: 'Hồ Thị Mai', address: 'Khe Sanh', phone: '0916777888' };
  const f = ok(await s.as(null, 'POST', '/api/v1/public/feedback', { body: { class: 'procedure', text: 'Lệ phí chưa niêm yết', office: CENTRE_A, sender } }));
  for (const body of [{ action: 'classify', decision: 'accept' }, { action: 'request_info', text: 'Xin cho biết thủ tục nào.' }]) {
    ok(await s.as('a.sup', 'POST', `/api/v1/feedback/${f.code}/actions`, { body }));
  }
  const p2 = await openPage(browser, `${s.base}/status?code=${f.code}&secret=${f.secret}`, PHONE);
  await p2.locator('#reply-send').waitFor();
  await p2.click('#reply-send');
  await p2.locator('.fb-reply #feedback-message').waitFor();
  const gap = await p2.evaluate(() => document.getElementById('feedback-message').getBoundingClientRect().top
    - document.getElementById('reply-send').getBoundingClientRect().bottom);
  assert.ok(gap >= 0 && gap < 60, `the message right under the button (${gap}px)`);
  assert.equal(await p2.getAttribute('#reply-text', 'aria-invalid'), 'true');
  await shot(p2, '180-phone-reply-empty');
  assert.deepEqual(p2.errors, []);
  await p2.context().close();
});

test('staff entry: a commune\u2019s supervisor is not asked the centre, the province\u2019s is', { skip: SKIP }, async () => {
  const body = { channel: 'hotline', class: 'other', text: 'Đề nghị thêm ghế chờ', sender: { name: 'Lê Thị Hoa', address: 'Khe Sanh', phone: '0916111222' } };
  const r = ok(await s.as('a.sup', 'POST', '/api/v1/feedback', { body }));
  assert.equal(s.sql(`SELECT o.code FROM feedback f JOIN offices o ON o.id = f.office_id WHERE f.code = '${r.code}'`)[0].code, CENTRE_A);
  assert.equal((await s.as('prov.sup', 'POST', '/api/v1/feedback', { body })).status, 400);
  for (const [who, asked] of [['a.sup', false], ['prov.sup', true]]) {
    const page = await openPage(browser, `${s.base}/supervisor`, LAPTOP);
    await page.waitForSelector('#login:not([hidden])');
    await page.fill('#username', who);
    await page.fill('#password', (await import('./lib/province-bundle.mjs')).PROVINCE_PASSWORDS[who]);
    await page.click('#login-form button');
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
    await page.click('#tab-fb');
    await page.click('#fb-panel .fb-primary');
    await page.locator('#fb-new[open]').waitFor();
    assert.equal(await page.locator('#fb-n-office').count(), asked ? 1 : 0, who);
    await page.context().close();
  }
});

test('the assign list offers only staff who read the feedback (its centre or above), never a processing office beside it', { skip: SKIP }, async () => {
  const body = { channel: 'hotline', class: 'procedure', text: 'Hỏi thời hạn cấp bản sao', sender: { name: 'Lê Thị Hoa', address: 'Khe Sanh', phone: '0916111222' } };
  const f = ok(await s.as('a.sup', 'POST', '/api/v1/feedback', { body }));
  ok(await s.as('a.sup', 'POST', `/api/v1/feedback/${f.code}/actions`, { body: { action: 'classify', decision: 'accept' } }));
  const page = await openPage(browser, `${s.base}/supervisor`, LAPTOP);
  await page.waitForSelector('#login:not([hidden])');
  await page.fill('#username', 'a.sup');
  await page.fill('#password', (await import('./lib/province-bundle.mjs')).PROVINCE_PASSWORDS['a.sup']);
  await page.click('#login-form button');
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  await page.click('#tab-fb');
  await page.click(`#fb-list .fb-open >> text=${f.code}`);
  await page.locator('#fb-assign-to').waitFor();
  const offered = await page.locator('#fb-assign-to option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  const names = await page.locator('#fb-assign-to option').allTextContents();
  assert.ok(offered.length > 0, names.join(' | '));
  assert.ok(!names.some((n) => /Chuyên viên Khe Sanh/.test(n)), `the commune's specialist is not offered: ${names.join(' | ')}`);
  // Every one offered is taken by the server.
  for (const id of offered) {
    const r = await s.as('a.sup', 'POST', `/api/v1/feedback/${f.code}/actions`, { body: { action: 'assign', user_id: Number(id) } });
    assert.equal(r.status, 200, `${id}: ${r.text}`);
  }
  await page.context().close();
});
