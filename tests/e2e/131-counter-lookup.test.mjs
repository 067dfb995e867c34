// The look-up pane of the clerk's workstation (/counter, tra cứu) in
// headless Chromium at 1366×768 with a real IPP printer: a clerk finds a
// dossier by phone and by ID number (the list shows code, applicant,
// procedure, status and appointment), opens it (its history in Vietnamese
// action words, its control sheet with offices and people by full name),
// records fees paid, is refused a withdrawal without a reason in the
// server's own words (nothing changes), then withdraws it with a reason and
// the withdrawal notice (Mẫu 05) with that reason reaches the printer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORDS } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { ok } from './lib/steps.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';
import { SKIP, launch, openPage, shot } from './lib/browser.mjs';
import { login, chooseCounter, visibleText, waitText } from './lib/counter-page.mjs';

const OFFICE = { width: 1366, height: 768 };
const HUONG = { name: 'Nguyễn Thị Hường', address: 'Khối 3, Khe Sanh', phone: '0912000111', id_number: '045199001122' };
const NAM = { name: 'Hồ Văn Nam', address: 'Thôn Tân Hào, Tân Lập', phone: '0987654321', id_number: '045088009988' };
let s, printer, browser;

before(async () => {
  printer = new TestPrinter();
  s = await startServer({
    bundle: { ...DOSSIER_BUNDLE, printers: [{ name: 'a5', target: printer.uri, format: 'pdf', paper: 'a5', default: true }] },
  });
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); s?.cleanup(); printer?.stop(); });

const intake = async (applicant, procedure = 'P3') => ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', {
  body: { procedure, applicant, outcome: 'received', confirm_duplicate: true,
    documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }] } })).dossier;
const act = async (who, code, body) => ok(await s.as(who, 'POST', `/api/v1/dossiers/${code}/actions`, { body }));
const row = (code) => s.sql(`SELECT status, reason FROM dossiers WHERE code = '${code}'`)[0];

test('find by phone and by ID number, history and control sheet, fees paid, withdraw with Mẫu 05', { skip: SKIP }, async () => {
  // Mrs Hường's dossier went to the justice office, which waits for her fees.
  const d = await intake(HUONG);
  await act('clerk1', d.code, { action: 'handover', to_office: 'TP', to_person: 'spec' });
  await act('spec', d.code, { action: 'await_payment' });
  const other = await intake(NAM, 'P5');

  const page = await openPage(browser, `${s.base}/counter`, OFFICE);
  await login(page, 'clerk1', PASSWORDS.clerk1);
  await chooseCounter(page, 2);
  await page.keyboard.press('Alt+3');
  await page.locator('#pane-lookup:not([hidden])').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'lookup-q', 'Alt+3 puts the cursor in the search field');

  // By phone, typed with spaces as it is read out: only her dossier, opened.
  await page.keyboard.type('0912 000 111');
  await page.keyboard.press('Enter');
  await waitText(page, 'lookup-count', /Tìm thấy 1 hồ sơ/);
  const list = await visibleText(page, 'lookup-results');
  assert.ok(list.includes(d.code) && list.includes('Nguyễn Thị Hường') && list.includes('Đăng ký kết hôn'), list);
  assert.ok(list.includes('Chờ thực hiện nghĩa vụ tài chính'), `status in Vietnamese: ${list}`);
  assert.ok(!list.includes(other.code), 'not the other applicant');
  const due = new Date((d.due_at + 7 * 3600) * 1000);
  const p2 = (n) => String(n).padStart(2, '0');
  const dueText = `${p2(due.getUTCDate())}/${p2(due.getUTCMonth() + 1)}/${due.getUTCFullYear()} ${p2(due.getUTCHours())}:${p2(due.getUTCMinutes())}`;
  assert.ok(list.includes(dueText), `appointment ${dueText} in ${list}`);

  // Opened: the history in words, the control sheet by full names.
  await waitText(page, 'lookup-title', new RegExp(d.code.replace(/\./g, '\\.')));
  const hist = await visibleText(page, 'lookup-history');
  for (const w of ['Tiếp nhận', 'Chuyển giao', 'Chờ nộp nghĩa vụ tài chính']) assert.ok(hist.includes(w), `history has "${w}": ${hist}`);
  assert.ok(!/dossier\.|await_payment|handover|user:/.test(hist), `no machine words: ${hist}`);
  assert.match(hist, /Chờ nộp nghĩa vụ tài chính · bởi Chuyên viên/, 'the specialist by full name');
  const sheet = await visibleText(page, 'lookup-sheet');
  for (const w of ['Bộ phận Một cửa thử nghiệm', 'Phòng Tư pháp', 'Cán bộ một', 'Chuyên viên']) assert.ok(sheet.includes(w), `sheet has "${w}": ${sheet}`);
  assert.equal(await page.locator('#act-supplement-received').count(), 0, 'no supplement action for a dossier waiting for fees');
  assert.equal(await page.locator('#act-return').count(), 0, 'nothing to return yet');
  await shot(page, '131-lookup-1366');

  // Fees paid, recorded from the page.
  await page.click('#act-payment-received');
  await waitText(page, 'lookup-action-done', /nộp nghĩa vụ tài chính/);
  assert.equal(row(d.code).status, 'in_process');
  await waitText(page, 'lookup-history', /Đã nộp nghĩa vụ tài chính/);
  assert.equal(await page.locator('#act-payment-received').count(), 0, 'the action is gone with its status');

  // By ID number: Mr Nam's dossier, just received.
  await page.fill('#lookup-q', NAM.id_number);
  await page.press('#lookup-q', 'Enter');
  await waitText(page, 'lookup-title', new RegExp(other.code.replace(/\./g, '\\.')));
  assert.match(await visibleText(page, 'lookup-results'), /Hồ Văn Nam/);
  assert.match(await page.textContent('#lookup-facts'), /045088009988/);

  // Withdraw without a reason: the server's words, nothing changes, nothing printed.
  const before = printer.pdfs().length;
  await page.click('#act-withdraw');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'withdraw-reason');
  await page.keyboard.press('Enter'); // Enter submits, as the button does
  await waitText(page, 'lookup-action-error', /Phải nêu rõ lý do/);
  const err = await visibleText(page, 'lookup-action-error');
  assert.ok(!/reason_required/.test(err), `no machine code in the message: ${err}`);
  assert.match(await visibleText(page, 'lookup-action-error', { withDetails: true }), /reason_required/, 'the code in the details line');
  assert.equal(row(other.code).status, 'received', 'nothing changed');

  // With a reason: withdrawn, and Mẫu 05 with the reason reaches the printer.
  await page.fill('#withdraw-reason', 'Công dân xin rút để bổ sung giấy tờ');
  await page.click('#withdraw-submit');
  await page.locator('#withdraw-form').waitFor({ state: 'hidden' });
  assert.equal(await page.locator('#act-withdraw').count(), 0, 'no second withdrawal');
  await waitText(page, 'lookup-action-done', /Đã rút hồ sơ/);
  assert.deepEqual(row(other.code), { status: 'withdrawn', reason: 'Công dân xin rút để bổ sung giấy tờ' });
  await waitText(page, 'lookup-print-status', /đã in xong/, 30000);
  const files = printer.pdfs().slice(before);
  assert.equal(files.length, 1, 'one Mẫu 05');
  const text = printer.text(files[0]);
  assert.ok(text.includes(other.code), 'the code on the notice');
  assert.ok(text.includes('Công dân xin rút để bổ sung giấy tờ'), `the reason on the notice:\n${text}`);
  assert.match(text, /Mẫu (số )?05/i, `the form's number:\n${text}`);
  await waitText(page, 'lookup-history', /Rút hồ sơ/);
  assert.match(await page.textContent('#lookup-history'), /Lý do: Công dân xin rút/);

  // English switch: the same dossier in English words.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.click('#btn-lang');
  await waitText(page, 'lookup-history', /Withdrawn/);
  assert.match(await page.textContent('#lookup-facts'), /Withdrawn/);
  assert.match(await page.textContent('#lookup-sheet-box'), /Not handed over yet/);
  assert.match(await page.textContent('#lookup-print-status'), /has printed it/);
  assert.match(await page.textContent('#lookup-count'), /^1 dossier found\.$/);
  assert.equal(await page.locator('#lookup-timing').count(), 0, 'no lateness for a withdrawn dossier');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll at 1920×1080');
  await shot(page, '131-lookup-1920-en');
  assert.deepEqual(page.errors, [], 'no script errors');
});

test('a result that waits: look-up hands it to the return pane; a supplement received from the list', { skip: SKIP }, async () => {
  const ready = await intake({ ...HUONG, id_number: '045199001144' });
  await act('clerk1', ready.code, { action: 'handover', to_office: 'TP', to_person: 'spec' });
  await act('spec', ready.code, { action: 'result_ready' });
  const waiting = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', {
    body: { procedure: 'P5', applicant: { ...NAM, id_number: '045088009977' }, outcome: 'supplement', confirm_duplicate: true,
      missing: [{ item: 'Sơ đồ thửa đất', reason: 'Còn thiếu' }] } })).dossier;

  const page = await openPage(browser, `${s.base}/counter`, OFFICE);
  await login(page, 'clerk1', PASSWORDS.clerk1);
  await chooseCounter(page, 2);
  await page.click('#tab-lookup');
  // Nothing typed: the newest dossiers; the one awaiting a supplement opened from the list.
  await page.click('#lookup-submit');
  await waitText(page, 'lookup-count', /Tìm thấy \d+ hồ sơ/);
  await page.click(`#lookup-rows button[data-code="${waiting.code}"]`);
  await waitText(page, 'lookup-title', new RegExp(waiting.code.replace(/\./g, '\\.')));
  assert.equal(await page.locator('#act-payment-received').count(), 0);
  await page.click('#act-supplement-received');
  await waitText(page, 'lookup-action-done', /Đã ghi nhận hồ sơ bổ sung/);
  assert.equal(row(waiting.code).status, 'received', 'taken in: the clock starts');
  await waitText(page, 'lookup-history', /Nhận bổ sung/);

  await page.fill('#lookup-q', ready.code);
  await page.press('#lookup-q', 'Enter');
  await waitText(page, 'lookup-title', new RegExp(ready.code.replace(/\./g, '\\.')));
  assert.equal(await page.locator('#act-withdraw').count(), 0, 'a result that waits is not withdrawn');
  await page.click('#act-return');
  await page.locator('#pane-return:not([hidden])').waitFor();
  await waitText(page, 'return-title', new RegExp(ready.code.replace(/\./g, '\\.')));
  await page.locator('#return-collect:not([hidden])').waitFor();
  assert.equal(await page.inputValue('#return-collected-by'), 'Nguyễn Thị Hường');
  assert.deepEqual(page.errors, [], 'no script errors');
  await page.context().close();
});

test('after a reload: the intake form printed again from the look-up; the control sheet says a step ended and an office without a person', { skip: SKIP }, async () => {
  // Mr Nam's land dossier: received, handed to the specialist of the justice
  // office (no time limit of its own there), then on to the land office
  // without naming anybody.
  const d = await intake({ ...NAM, id_number: '045088009955' }, 'P5');
  await act('clerk1', d.code, { action: 'handover', to_office: 'TP', to_person: 'spec' });
  await act('spec', d.code, { action: 'handover', to_office: 'TNMT' });
  const sheetApi = ok(await s.as('clerk1', 'GET', `/api/v1/dossiers/${d.code}/control-sheet`)).rows;
  assert.equal(sheetApi.length, 2);
  assert.ok(sheetApi[0].ended_at && sheetApi[0].result === null, 'the first step ended, no verdict (no budget)');
  assert.equal(sheetApi[1].receiver, 'TNMT', 'the second step went to the office');
  const waiting = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', {
    body: { procedure: 'P5', applicant: { ...HUONG, id_number: '045199001177' }, outcome: 'supplement', confirm_duplicate: true,
      missing: [{ item: 'Sơ đồ thửa đất', reason: 'Còn thiếu' }] } })).dossier;

  const page = await openPage(browser, `${s.base}/counter`, OFFICE);
  await login(page, 'clerk1', PASSWORDS.clerk1);
  await chooseCounter(page, 2);
  await page.reload(); // the morning after: nothing of the intake is left in the page
  await page.locator('#tab-lookup').waitFor();
  await page.keyboard.press('Alt+3');
  await page.locator('#pane-lookup:not([hidden])').waitFor();
  await page.fill('#lookup-q', d.code);
  await page.press('#lookup-q', 'Enter');
  await waitText(page, 'lookup-title', new RegExp(d.code.replace(/\./g, '\\.')));

  // The control sheet: the justice office's step ended (not "in progress"),
  // the specialist by full name; the land office's step says plainly nobody
  // was named instead of repeating the office's name.
  const rows = await page.locator('#lookup-sheet tbody tr').allInnerTexts();
  assert.equal(rows.length, 2, rows.join('\n'));
  assert.match(rows[0], /Chuyên viên/);
  assert.match(rows[0], /Đã xong/, `an ended step is not in progress: ${rows[0]}`);
  assert.ok(!rows[0].includes('Đang giải quyết'), rows[0]);
  assert.match(rows[1], /Đang giải quyết/);
  assert.match(rows[1], /chưa giao cho người cụ thể/, rows[1]);
  assert.equal(rows[1].split('Phòng Tài nguyên và Môi trường').length - 1, 1, `the office named once: ${rows[1]}`);

  // Mẫu 01 again, at this counter, followed to "printed".
  const before = printer.pdfs().length;
  assert.equal(await page.textContent('#act-print-mau01'), 'In lại giấy tiếp nhận (Mẫu 01)');
  await page.focus('#act-print-mau01');
  await page.keyboard.press('Enter');
  await waitText(page, 'lookup-print-status', /đã in xong/, 30000);
  await waitFor(() => printer.pdfs().length > before, 30000);
  const files = printer.pdfs().slice(before);
  assert.equal(files.length, 1, 'one Mẫu 01');
  const text = printer.text(files[0]);
  assert.ok(text.includes(d.code) && text.includes('Hồ Văn Nam'), `the receipt of this dossier:\n${text}`);
  assert.match(text, /Mẫu (số )?01/i, `the form's number:\n${text}`);
  assert.equal(await page.locator('#act-print-mau02').count(), 0);

  // A dossier taken in for a supplement: its Mẫu 02 instead.
  await page.fill('#lookup-q', waiting.code);
  await page.press('#lookup-q', 'Enter');
  await waitText(page, 'lookup-title', new RegExp(waiting.code.replace(/\./g, '\\.')));
  await page.locator('#act-print-mau02').waitFor();
  assert.equal(await page.textContent('#act-print-mau02'), 'In lại phiếu yêu cầu bổ sung (Mẫu 02)');
  assert.equal(await page.locator('#act-print-mau01').count(), 0);
  await shot(page, '131-lookup-reprint-1366');
  assert.deepEqual(page.errors, [], 'no script errors');
  await page.context().close();
});
