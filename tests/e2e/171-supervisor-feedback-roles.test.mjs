// The PAKN tab for a supervisor who is not the office head: no anonymous
// box, no conduct counts, no "Duyệt" on a drafted answer (the head's alone),
// while the head sees all three on the same feedback; the English switch
// turns the tab's words and marks to English. 1366×768.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, TEST_BUNDLE, PASSWORDS } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { SKIP, launch, openPage, shot } from './lib/browser.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const NOW = at(2026, 11, 17, 10);
const SIZE = { width: 1366, height: 768 };
const BUNDLE = { ...TEST_BUNDLE, users: [...TEST_BUNDLE.users,
  { username: 'sup2', full_name: 'Phó Giám sát', role: 'supervisor', password: 'sup2-pass-0001' }] };
PASSWORDS.sup2 = 'sup2-pass-0001';
let s, browser, drafted, late;
before(async () => {
  s = await startServer({ bundle: BUNDLE, args: ['--test-clock'] });
  if (!SKIP) browser = await launch();
  const sender = { name: 'Trần Văn Bình', address: 'Lao Bảo', email: 'binh@example.vn' };
  await setClock(s, NOW - 30 * 86400);
  late = ok(await s.as('sup', 'POST', '/api/v1/feedback', { body: { channel: 'letter', class: 'other', text: 'Đề nghị mở thêm quầy', sender } })).code;
  await setClock(s, NOW - 86400);
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n').toString('base64');
  drafted = ok(await s.as('sup', 'POST', '/api/v1/feedback', { body: { channel: 'hotline', class: 'procedure', text: 'Phí chứng thực niêm yết chưa rõ', sender,
    attachments: [{ name: 'bang-phi.pdf', type: 'application/pdf', data: pdf }] } })).code;
  ok(await s.as('sup', 'POST', '/api/v1/feedback', { body: { channel: 'box', class: 'conduct', text: 'Tin báo không tên', anonymous: true } }));
  await setClock(s, NOW);
  for (const body of [{ action: 'classify', decision: 'accept' }, { action: 'answer', text: 'Trung tâm đã niêm yết lại mức phí.' }]) {
    ok(await s.as('sup2', 'POST', `/api/v1/feedback/${drafted}/actions`, { body }));
  }
});
after(async () => { await browser?.close(); await s.stop(); s.cleanup(); });

async function login(username, password) {
  const page = await openPage(browser, `${s.base}/supervisor`, SIZE);
  await page.waitForSelector('#login:not([hidden])');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#login-form button');
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  await page.click('#tab-fb');
  await page.locator('#fb-list tbody tr', { hasText: drafted }).waitFor();
  await page.click(`#fb-list .fb-open >> text=${drafted}`);
  await page.locator('#fb-detail-title', { hasText: drafted }).waitFor();
  return page;
}

test('a supervisor who is not the head: no anonymous box, no conduct counts, no approval', { skip: SKIP }, async () => {
  const page = await login('sup2', 'sup2-pass-0001');
  assert.equal(await page.locator('#fb-box').count(), 0, 'no box choice');
  assert.equal(await page.locator('#fb-conduct').count(), 0, 'no conduct counts');
  assert.equal(await page.locator('#fb-act-approve').count(), 0, 'no approval form');
  assert.equal(await page.locator('#fb-detail button', { hasText: 'Duyệt' }).count(), 0);
  // The draft and the other steps are there.
  await page.locator('#fb-act-answer').waitFor();
  assert.match(await page.locator('#fb-detail').textContent(), /Trung tâm đã niêm yết lại mức phí/);
  // The attachment, a link to its route; the file itself.
  const link = page.locator('#fb-detail .fb-files a', { hasText: 'bang-phi.pdf' });
  assert.equal(await link.getAttribute('href'), `/api/v1/feedback/${drafted}/files/1`);
  const file = await page.evaluate(async (h) => { const r = await fetch(h); return [r.status, r.headers.get('content-type'), (await r.text()).slice(0, 5)]; }, await link.getAttribute('href'));
  assert.deepEqual(file, [200, 'application/pdf', '%PDF-']);
  // The late filter keeps the late one only.
  await page.check('#fb-late');
  await page.click('#fb-filters button[type="submit"]');
  await page.locator('#fb-list tbody tr', { hasText: drafted }).waitFor({ state: 'detached' });
  assert.deepEqual(await page.locator('#fb-list .fb-open').allTextContents(), [late]);
  await shot(page, 'supervisor-feedback-not-head');
  // The server refuses the approval too (the page only hides it).
  const r = await s.as('sup2', 'POST', `/api/v1/feedback/${drafted}/actions`, { body: { action: 'approve' } });
  assert.equal(r.status, 403, r.text);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the head sees the approval and the box; English gives English', { skip: SKIP }, async () => {
  const page = await login('sup', 'sup-pass-0001');
  await page.locator('#fb-act-approve').waitFor();
  assert.equal(await page.locator('#fb-box').count(), 1);
  assert.equal(await page.locator('#fb-conduct').count(), 1);
  await page.click('#fb-lang');
  await page.locator('#fb-title', { hasText: 'Citizens' }).waitFor();
  await page.locator('#fb-detail-title', { hasText: `${drafted} — Being handled` }).waitFor();
  const lateDue = await page.locator('#fb-list tbody tr', { hasText: late }).locator('.fb-due').textContent();
  assert.match(lateDue, /Late/);
  const panel = await page.locator('#fb-panel').textContent();
  for (const vi of ['Quá hạn', 'Phân loại', 'Trạng thái', 'Duyệt']) assert.ok(!panel.includes(vi), `"${vi}" on the English tab`);
  assert.match(await page.locator('#fb-act-approve button[type="submit"]').textContent(), /Approve/);
  await shot(page, 'supervisor-feedback-en');
  await page.click('#fb-lang');
  await page.locator('#fb-title', { hasText: 'Phản ánh, kiến nghị của người dân' }).waitFor();
  // A desk screen of 1920×1080 too.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await shot(page, 'supervisor-feedback-1920');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
