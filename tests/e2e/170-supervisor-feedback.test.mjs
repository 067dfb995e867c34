// The supervisor page's PAKN tab in headless Chromium at 1366×768, as the
// office head: the list marks a feedback past its answer's limit "Quá hạn"
// and one whose answer is due within two days "Sắp đến hạn"; the head
// enters a feedback that came by the hotline (the citizen's HTML shown as
// text), classifies it, assigns it, drafts and approves the answer (the
// mark changes to "Sắp đến hạn" for the publication) and publishes it (the
// mark goes); the anonymous box and the conduct counts per official show.
// The server's clock is frozen on a Tuesday morning so the marks are exact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, serveOne, TEST_BUNDLE } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { SKIP, launch, openPage, shot } from './lib/browser.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
// Tuesday 17/11/2026 10:00 office time: a working day, no holiday near.
const NOW = at(2026, 11, 17, 10);
const SIZE = { width: 1366, height: 768 };
const SENDER = { name: 'Nguyễn Thị Mai', address: 'Thôn 3, xã Khe Sanh', phone: '0912345678' };
let s, browser;
before(async () => {
  s = await startServer({ bundle: TEST_BUNDLE, args: ['--test-clock'] });
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s.stop(); s.cleanup(); });

const file = async (t, body) => {
  await setClock(s, t);
  return ok(await s.as('sup', 'POST', '/api/v1/feedback', { body: { channel: 'letter', class: 'procedure', sender: SENDER, ...body } }));
};

// A receipt instant whose 15-working-day answer falls within the next two
// days of NOW (the calendar's own arithmetic, GET /api/v1/calendar/due).
async function dueSoonFrom() {
  for (let back = 14; back <= 26; back++) {
    for (const hour of [8, 9, 10, 11, 13, 14]) {
      const d = new Date((NOW - back * 86400 + 7 * 3600) * 1000);
      const from = at(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), hour);
      const iso = new Date((from + 7 * 3600) * 1000).toISOString().slice(0, 16);
      const due = ok(await s.as('sup', 'GET', `/api/v1/calendar/due?from=${iso}%2B07:00&days=15`));
      const dueAt = due.due_epoch;
      if (dueAt > NOW + 3600 && dueAt <= NOW + 2 * 86400 - 3600) return from;
    }
  }
  throw new Error('no receipt instant found for a due within two days');
}

const rowOf = (page, code) => page.locator('#fb-list tbody tr', { hasText: code });
const dueText = async (page, code) => (await rowOf(page, code).locator('.fb-due').textContent()).trim();
// Polls until the row's due cell matches re (bounded).
async function waitDue(page, code, re, ms = 10000) {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    last = (await rowOf(page, code).locator('.fb-due').textContent({ timeout: ms }).catch(() => '')).trim();
    if (re.test(last)) return last;
    await page.waitForTimeout(100);
  }
  assert.fail(`${code}: due cell "${last}" does not match ${re}`);
}

test('the head runs a hotline feedback from entry to publication; late and due-soon marks', { skip: SKIP }, async () => {
  const late = (await file(NOW - 30 * 86400, { text: 'Thủ tục chứng thực phải đi lại nhiều lần' })).code;
  const soon = (await file(await dueSoonFrom(), { text: 'Niêm yết phí chưa rõ' })).code;
  const anon = (await file(NOW - 86400, { channel: 'box', class: 'conduct', text: 'Tin báo: cán bộ gợi ý chi thêm tiền', sender: undefined, anonymous: true })).code;
  await setClock(s, NOW);
  // clerk1 served at counter 1: a conduct report about counter 1 names him.
  await serveOne(s, 'clerk1', 1, 'CT');

  const page = await openPage(browser, `${s.base}/supervisor`, SIZE);
  await page.waitForSelector('#login:not([hidden])');
  await page.fill('#username', 'sup');
  await page.fill('#password', 'sup-pass-0001');
  await page.click('#login-form button');
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  await page.click('#tab-fb');
  await rowOf(page, late).waitFor();
  assert.match(await dueText(page, late), /Quá hạn/);
  assert.match(await dueText(page, soon), /Sắp đến hạn/);
  assert.doesNotMatch(await dueText(page, soon), /Quá hạn/);
  assert.equal(await rowOf(page, anon).count(), 0, 'an anonymous report stays out of the PAKN list');
  await shot(page, 'supervisor-feedback-list');

  // The hotline entry.
  await page.click('#fb-new-open');
  await page.selectOption('#fb-n-channel', 'hotline');
  await page.selectOption('#fb-n-class', 'conduct');
  const text = 'Cán bộ quầy 1 bắt chờ lâu <script>alert(1)</script> và nói trống không';
  await page.fill('#fb-n-text', text);
  await page.fill('#fb-n-counter', '1');
  await page.fill('#fb-n-name', 'Hồ Văn Nam');
  await page.fill('#fb-n-address', 'Khối 2, thị trấn Khe Sanh');
  await page.fill('#fb-n-phone', '0987654321');
  await shot(page, 'supervisor-feedback-entry');
  await page.click('#fb-n-save');
  const done = await page.locator('#fb-n-done').textContent();
  const code = /PA-\d{6}-\d{4}/.exec(done)?.[0];
  assert.ok(code, done);
  await page.keyboard.press('Escape');
  await page.waitForSelector('#fb-new', { state: 'hidden' });
  const [row] = s.sql(`SELECT channel, entered_by, sender_name, status, subject_user_id FROM feedback WHERE code = '${code}'`);
  assert.equal(row.channel, 'hotline');
  assert.equal(row.sender_name, 'Hồ Văn Nam');
  assert.ok(row.entered_by, 'the staff member who typed it in is recorded');
  await page.locator('#fb-detail-title', { hasText: code }).waitFor();
  // The citizen's markup is text: shown as typed, no element made of it.
  assert.ok((await page.locator('#fb-detail').textContent()).includes('<script>alert(1)</script>'));
  assert.equal(await page.locator('#fb-detail script').count(), 0);
  assert.match(await page.locator('#fb-detail').textContent(), /Hồ Văn Nam/);
  assert.doesNotMatch(await dueText(page, code), /Quá hạn|Sắp đến hạn/, 'fifteen working days ahead: no mark');

  // Classify, assign, draft.
  await page.selectOption('#fb-decision', 'accept');
  await page.click('#fb-act-classify button[type="submit"]');
  await page.locator('#fb-detail-title', { hasText: 'Đang xử lý' }).waitFor();
  // Each official as "full name — unit".
  await page.selectOption('#fb-assign-to', { label: 'Chuyên viên — Bộ phận Một cửa thử nghiệm' });
  await page.click('#fb-act-assign button[type="submit"]');
  await page.locator('#fb-detail .fb-field', { hasText: 'Người xử lý' }).filter({ hasText: 'Chuyên viên' }).waitFor();
  await page.fill('#fb-answer-text', 'Trung tâm đã nhắc nhở cán bộ quầy 1 và xin lỗi ông.');
  await page.click('#fb-act-answer button[type="submit"]');
  await page.locator('#fb-act-approve').waitFor();
  await shot(page, 'supervisor-feedback-draft');
  // The head approves: answered on time; the publication is due in two working days.
  await page.click('#fb-act-approve button[type="submit"]');
  await page.locator('#fb-detail-title', { hasText: 'Đã trả lời' }).waitFor();
  await waitDue(page, code, /Sắp đến hạn/);
  const steps = await page.locator('#fb-detail .fb-steps').textContent();
  assert.match(steps, /Trả lời.*Đúng hạn/s, steps);
  assert.match(steps, /Công khai kết quả.*Chưa đến hạn/s, steps);
  await shot(page, 'supervisor-feedback-answered');
  // Published without the sender's name: the mark goes.
  await page.fill('#fb-question', 'Cán bộ quầy 1 để người dân chờ lâu và nói trống không.');
  await page.click('#fb-act-publish button[type="submit"]');
  await page.locator('#fb-detail-title', { hasText: 'Đã trả lời và công khai' }).waitFor();
  await waitDue(page, code, /^—$/);
  const [pub] = s.sql(`SELECT status, public_question, answer, answered_by IS NOT NULL AS by FROM feedback WHERE code = '${code}'`);
  assert.deepEqual(pub, { status: 'published', public_question: 'Cán bộ quầy 1 để người dân chờ lâu và nói trống không.',
    answer: 'Trung tâm đã nhắc nhở cán bộ quầy 1 và xin lỗi ông.', by: 1 });

  // The late one: its answer step overdue, in words.
  await page.click(`#fb-list .fb-open >> text=${late}`);
  await page.locator('#fb-detail-title', { hasText: late }).waitFor();
  assert.match(await page.locator('#fb-detail .fb-steps').textContent(), /Quá hạn, chưa thực hiện/);

  // The anonymous box and the conduct counts (the head only).
  await page.selectOption('#fb-box', 'anonymous');
  await rowOf(page, anon).waitFor();
  assert.equal(await rowOf(page, late).count(), 0);
  await page.fill('#from', '01/11/2026');
  await page.fill('#to', '30/11/2026');
  await page.click('#period button[type="submit"]');
  await page.locator('#fb-conduct tbody tr', { hasText: 'Cán bộ một' }).waitFor();
  const conduct = await page.locator('#fb-conduct tbody tr', { hasText: 'Cán bộ một' }).locator('td').allTextContents();
  assert.equal(conduct.at(-1), '1', conduct.join(' | '));
  await page.locator('#fb-conduct').scrollIntoViewIfNeeded();
  await shot(page, 'supervisor-feedback-box');

  // The 766 satisfaction group of November: two PAKN counted (the published
  // one, on time; the late one, open and overdue), one on time and not
  // disliked: 6 × 1/2 each; no rating of a dossier (0 of 6).
  await page.click('#tab-main');
  const group = page.locator('#s766-group-table');
  await group.locator('tr[data-part="feedback_on_time"] td.n').first().filter({ hasText: '3,00' }).waitFor();
  const cells = async (part) => (await group.locator(`tr[data-part="${part}"] td`).allTextContents()).map((x) => x.trim());
  const onTime = await cells('feedback_on_time');
  assert.deepEqual(onTime.slice(1, 3), ['3,00', '6'], onTime.join(' | '));
  assert.match(onTime[3], /đúng hạn 1 .*đã xử lý xong 1 .*đang quá hạn 1 .*được tính 2/, onTime[3]);
  assert.deepEqual((await cells('feedback_satisfaction')).slice(1, 3), ['3,00', '6']);
  const sum = (await group.locator('tr.sum td').allTextContents()).map((x) => x.trim());
  assert.deepEqual(sum.slice(0, 3), ['Cộng nhóm', '6,00', '18'], sum.join(' | '));
  await group.scrollIntoViewIfNeeded();
  await shot(page, 'supervisor-feedback-766');
  assert.deepEqual(page.errors, []);
});
