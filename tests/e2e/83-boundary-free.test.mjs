// Boundary-free intake in a province of two centres (docs/province.md,
// "Boundary-free intake"), worked out by hand on the test clock:
//
// Monday 02/03/2026 09:00 (office time) a.clerk at Khe Sanh (TT-KS) receives
// a marriage registration (P3, 3 working days) whose competent authority is
// the People's Committee of Lao Bảo (UB-LB), result to collect at Lao Bảo
// (TT-LB). Expected:
//   code TT-KS-260302-0001 (Khe Sanh's agency code, first of the day);
//   ledger book 2026, line 1 of Khe Sanh's own book;
//   due Thursday 05/03 09:00 (3 working days, the authority's clock);
//   control sheet row 1: TT-KS → TP-LB (Lao Bảo's processing office), given
//   by a.clerk, held by TP-LB.
// The same morning a.clerk receives a Khe Sanh dossier (TT-KS-260302-0002,
// line 2) and b.clerk one at Lao Bảo (TT-LB-260302-0001, line 1 of Lao
// Bảo's book: the numbering and the books are each centre's own).
// Tuesday 03/03 10:00 b.spec marks the result ready: early (more than a
// working day before Thursday 09:00). a.clerk cannot hand the result over
// (it waits at Lao Bảo: 409 return_elsewhere); b.clerk does. The receipt,
// the public lookup and /status name the Lao Bảo centre and its address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORDS } from './lib/harness.mjs';
import { setClock } from './lib/steps.mjs';
import { PROVINCE_BUNDLE } from './lib/province-bundle.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';
import { SKIP, launch, openPage, shot } from './lib/browser.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const LB_NAME = 'Trung tâm Phục vụ hành chính công xã Lao Bảo';
const APPLICANT = { name: 'Hồ Thị Lan', id_number: '045190001122', address: 'Khóm 3, Lao Bảo', phone: '0905123456' };
const LOCAL = { name: 'Lê Văn Sơn', id_number: '045188003344', address: 'Khe Sanh', phone: '0914000111' };
const B_LOCAL = { name: 'Pả Kay', id_number: '045177005566', address: 'Lao Bảo', phone: '0935000222' };

let s;
let printer;
before(async () => {
  printer = new TestPrinter();
  s = await startServer({
    bundle: { ...PROVINCE_BUNDLE, printers: [{ office: 'TT-KS', name: 'ks-a5', target: printer.uri, format: 'pdf', paper: 'a5', default: true }] },
    args: ['--test-clock', '--logins-per-minute', '1000'],
  });
});
after(async () => { await s?.stop(); s?.cleanup(); printer?.stop(); });

const clock = (t) => setClock(s, t);
const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };
const intake = (who, applicant, extra = {}) => s.as(who, 'POST', '/api/v1/dossiers', {
  body: { procedure: 'P3', applicant, outcome: 'received', documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }], ...extra } });
const act = (who, code, action, extra = {}) => s.as(who, 'POST', `/api/v1/dossiers/${code}/actions`, { body: { action, ...extra } });
const codes = async (who, query = '') => ok(await s.as(who, 'GET', `/api/v1/dossiers?limit=100${query}`)).items.map((d) => d.code).sort();
const row = (code) => s.sql(`SELECT status, holder_office, holder, returned_at FROM dossiers WHERE code = '${code}'`)[0];

let bf; // the boundary-free dossier's intake answer
const KS1 = 'TT-KS-260302-0001';
const KS2 = 'TT-KS-260302-0002';
const LB1 = 'TT-LB-260302-0001';

test('intake at Khe Sanh for Lao Bảo: Khe Sanh code and ledger, hand-over to Lao Bảo', async () => {
  await clock(at(2026, 3, 2, 9));
  bf = ok(await intake('a.clerk', APPLICANT, { authority: 'UB-LB', return_at: 'TT-LB' }), 201);
  const d = bf.dossier;
  assert.equal(d.code, KS1);
  assert.deepEqual(d.ledger, { book: 2026, line: 1 });
  assert.equal(d.due_at, at(2026, 3, 5, 9), 'Monday 09:00 + 3 working days');
  assert.equal(d.intake_office.code, 'TT-KS');
  assert.equal(d.authority.code, 'UB-LB');
  assert.deepEqual([d.return_office.code, d.return_office.name, d.return_office.address], ['TT-LB', LB_NAME, 'Lao Bảo, Quảng Trị']);
  assert.deepEqual(d.holder, { office: 'TP-LB', person: null, username: null }, 'held by the office, no person named');
  assert.equal(d.status, 'in_process', 'the hand-over puts it in process');
  assert.equal(d.steps.length, 1);
  assert.deepEqual([d.steps[0].from_office, d.steps[0].office, d.steps[0].giver], ['TT-KS', 'TP-LB', 'a.clerk']);

  const local = ok(await intake('a.clerk', LOCAL), 201).dossier;
  assert.equal(local.code, KS2);
  assert.deepEqual(local.ledger, { book: 2026, line: 2 });
  assert.equal(local.authority.code, 'UB-KS', 'by default the authority above the receiving centre');
  assert.deepEqual(local.steps, [], 'its own authority: no hand-over between centres');
  const b = ok(await intake('b.clerk', B_LOCAL), 201).dossier;
  assert.equal(b.code, LB1, "Lao Bảo's own numbering");
  assert.deepEqual(b.ledger, { book: 2026, line: 1 }, "line 1 of Lao Bảo's own book");

  const sheet = ok(await s.as('b.spec', 'GET', `/api/v1/dossiers/${KS1}/control-sheet`));
  assert.equal(sheet.rows.length, 1);
  assert.deepEqual([sheet.rows[0].from_office_name, sheet.rows[0].office_name],
    ['Trung tâm Phục vụ hành chính công xã Khe Sanh', 'Văn phòng HĐND và UBND xã Lao Bảo']);

  // Bad intake input changes nothing.
  const n = s.sql('SELECT count(*) AS n FROM dossiers')[0].n;
  const bad = [
    [{ authority: 'TT-LB' }, 400, 'not_an_authority'],
    [{ authority: 'UB-XX' }, 404, 'office_not_found'],
    [{ return_at: 'UB-LB' }, 400, 'not_a_centre'],
    [{ office: 'TT-LB' }, 404, 'office_not_found'], // another centre's hall: not a.clerk's
  ];
  for (const [extra, status, code] of bad) {
    const r = await intake('a.clerk', LOCAL, { confirm_duplicate: true, ...extra });
    assert.equal(r.status, status, `${JSON.stringify(extra)}: ${r.text}`);
    assert.equal(r.json.error.code, code);
  }
  const prov = await intake('prov.sup', LOCAL, { confirm_duplicate: true });
  assert.equal(prov.status, 400, 'a province supervisor names the receiving centre');
  assert.equal(prov.json.error.code, 'office_required');
  assert.equal(s.sql('SELECT count(*) AS n FROM dossiers')[0].n, n);
});

test('both communes list it; the other specialist cannot see or touch it', async () => {
  assert.deepEqual(await codes('a.sup'), [KS1, KS2], 'Khe Sanh: the dossiers it received');
  assert.deepEqual(await codes('b.sup'), [KS1, LB1], 'Lao Bảo: competent for it, holds it, returns it');
  assert.deepEqual(await codes('b.centre.sup'), [KS1, LB1], 'the Lao Bảo centre returns it');
  assert.deepEqual(await codes('prov.sup'), [KS1, KS2, LB1]);
  assert.deepEqual(await codes('prov.sup', '&office=UB-LB'), [KS1, LB1], 'one unit of the province');
  assert.deepEqual(await codes('prov.sup', '&office=TT-KS'), [KS1, KS2]);
  assert.equal((await s.as('a.sup', 'GET', '/api/v1/dossiers?office=TT-LB')).status, 404, 'a unit outside the scope');
  assert.deepEqual(await codes('a.spec'), [], 'Khe Sanh holds none of them');
  assert.deepEqual(await codes('b.spec'), [KS1], 'Lao Bảo processes the hand-over');

  const before = row(KS1);
  assert.equal((await s.as('a.spec', 'GET', `/api/v1/dossiers/${KS1}`)).status, 404);
  assert.equal((await s.as('a.spec', 'GET', `/api/v1/dossiers/${KS1}/control-sheet`)).status, 404);
  assert.equal((await act('a.spec', KS1, 'result_ready')).status, 404);
  assert.deepEqual(row(KS1), before, 'nothing changed');
});

test('Lao Bảo finishes it; the result is handed over at Lao Bảo only', async () => {
  await clock(at(2026, 3, 3, 10));
  const ready = ok(await act('b.spec', KS1, 'result_ready')).dossier;
  assert.equal(ready.status, 'result_ready');
  assert.equal(ready.timing.result, 'early');
  assert.equal(ready.steps[0].budget_seconds, 3 * 7.5 * 3600, 'the hand-over between centres: the legal time left, 3 working days');
  assert.equal(ready.steps[0].result, 'early', 'Monday 09:00 to Tuesday 10:00 is 8 h 30 of 22 h 30, as the dossier is early');
  assert.equal(ready.holder.office, 'TT-LB', 'the result waits at the centre that returns it');
  assert.equal((await s.as('b.spec', 'GET', `/api/v1/dossiers/${KS1}`)).status, 404, 'at the Lao Bảo desk: no longer held by TP-LB');

  const before = row(KS1);
  const there = await act('a.clerk', KS1, 'return_result', { collected_by: APPLICANT.name, id_checked: true });
  assert.equal(there.status, 409, there.text);
  assert.equal(there.json.error.code, 'return_elsewhere');
  assert.match(there.json.error.message, /Lao Bảo/);
  assert.deepEqual(row(KS1), before, 'nothing changed');

  // The citizen's lookup and /status say where to collect it.
  const pub = ok(await s.req('GET', `/api/v1/public/dossiers/${KS1}?secret=${bf.secret}`));
  assert.deepEqual(pub.return_office, { name: LB_NAME, address: 'Lao Bảo, Quảng Trị', hours: 'Thứ Hai – Thứ Sáu, 7:30–11:30, 13:30–17:00' });
  if (!SKIP) {
    const browser = await launch();
    try {
      const page = await openPage(browser, `${s.base}/status?code=${KS1}&secret=${bf.secret}`, { width: 390, height: 844 });
      await page.waitForSelector('body[data-state="found"]', { timeout: 10000 });
      assert.equal(await page.locator('#office-name').innerText(), LB_NAME, 'the bar names the centre to go to');
      const where = await page.locator('#collect-at').innerText();
      assert.match(where, new RegExp(`${LB_NAME}\\s+Lao Bảo, Quảng Trị`));
      assert.match(await page.locator('.notice.ok').innerText(), new RegExp(`đến ${LB_NAME} để nhận kết quả`));
      await shot(page, '83-status-boundary-free');
      assert.deepEqual(page.errors, []);
    } finally {
      await browser.close();
    }
  }

  const done = ok(await act('b.clerk', KS1, 'return_result', { collected_by: APPLICANT.name, id_checked: true })).dossier;
  assert.equal(done.status, 'returned');
  assert.equal(done.returned_to, APPLICANT.name);
});

test('the receipt names the centre where the result is collected', async () => {
  const r = await s.as('a.clerk', 'POST', `/api/v1/dossiers/${KS1}/print`, { body: { form: 'mau-01', secret: bf.secret } });
  assert.equal(r.status, 202, r.text);
  const file = await waitFor(() => printer.pdfs().at(-1), 20000, 'the receipt');
  const text = await waitFor(() => { try { return printer.text(file).replace(/\s+/g, ' '); } catch { return null; } }, 5000, 'its text');
  assert.ok(text.includes(KS1));
  assert.match(text, new RegExp(`nhận kết quả tại: ${LB_NAME}, Lao Bảo, Quảng Trị`), text);
  assert.match(text, /Quyển số: 2026, Số thứ tự: 1\b/);
  // The control sheet (Mẫu 06): Lao Bảo decides; the hand-over row to its office.
  const n = printer.pdfs().length;
  const sheet = await s.as('a.clerk', 'POST', `/api/v1/dossiers/${KS1}/print`, { body: { form: 'mau-06' } });
  assert.equal(sheet.status, 202, sheet.text);
  const file6 = await waitFor(() => printer.pdfs()[n], 20000, 'the control sheet');
  const text6 = await waitFor(() => { try { return printer.text(file6).replace(/\s+/g, ' '); } catch { return null; } }, 5000, 'its text');
  assert.match(text6, /giải quyết hồ sơ: UBND xã Lao Bảo/, text6);
  assert.match(text6, /Văn phòng HĐND/, 'the office it was handed to, by name');
  assert.doesNotMatch(text6, /TP-LB|TT-KS(?!-)/, 'no office code');
  assert.match(text6, /Cán bộ Khe/, 'the clerk who handed it over, by name (the cell wraps)');
  assert.doesNotMatch(text6, /a\.clerk/, 'never the login');
  assert.match(text6, /Trung tâm Phục vụ hành chính/, 'the receiving centre heads it');
  assert.doesNotMatch(text6, /Bộ phận Tiếp nhận/, 'the centre is the unit itself');
});

test("each centre's ledger holds the dossiers it received", async () => {
  const lines = async (who, q = '') => {
    const r = await s.as(who, 'GET', `/api/v1/ledger.csv?from=2026-03-01&to=2026-03-31${q}`);
    assert.equal(r.status, 200, r.text);
    return r.text.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((l) => l.split(',').slice(0, 2).join(',').replace(/"/g, ''));
  };
  assert.deepEqual(await lines('a.clerk'), [`1,${KS1}`, `2,${KS2}`]);
  assert.deepEqual(await lines('b.clerk'), [`1,${LB1}`], 'the boundary-free dossier is in the book of the centre that received it');
  assert.deepEqual(await lines('prov.sup', '&office=TT-LB'), [`1,${LB1}`]);
  assert.equal((await s.as('b.clerk', 'GET', '/api/v1/ledger.csv?from=2026-03-01&to=2026-03-31&office=TT-KS')).status, 404);
});

test('the indicators of both centres, both communes and the province agree, worked out by hand', async () => {
  // Now (Tuesday 03/03 10:00): KS1 finished early (Lao Bảo competent,
  // received at Khe Sanh); KS2 (Khe Sanh's own) and LB1 (Lao Bảo's own)
  // open, due Thursday 09:00, so on time.
  const ind = async (q) => ok(await s.as('prov.sup', 'GET', `/api/v1/indicators?from=2026-03-01&to=2026-03-31&${q}`));
  const fig = (j) => {
    const t = j.dossiers.total;
    return { received: t.received, early: t.finished.early, on_time: t.finished.on_time, late: t.finished.late, open: t.open };
  };
  const want = (received, early, open) => ({ received, early, on_time: 0, late: 0, open: { on_time: open, late: 0 } });
  // The authorities answer for what they are competent for: KS1 is Lao Bảo's.
  assert.deepEqual(fig(await ind('office=UB-LB')), want(2, 1, 1), 'UB-LB: KS1 (finished early) and LB1');
  assert.deepEqual(fig(await ind('office=UB-KS')), want(1, 0, 1), 'UB-KS: KS2 only');
  // The centres answer for what they received: KS1 is Khe Sanh's intake.
  assert.deepEqual(fig(await ind('office=TT-KS')), want(2, 1, 1), 'TT-KS: KS1 and KS2');
  assert.deepEqual(fig(await ind('office=TT-LB')), want(1, 0, 1), 'TT-LB: LB1');
  // The province counts each dossier once, by authority and by receiving centre alike.
  const prov = await ind('by=office');
  assert.deepEqual(fig(prov), want(3, 1, 2));
  const sum = (rows) => rows.reduce((n, g) => n + g.received, 0);
  assert.equal(sum(prov.dossiers.groups), 3, 'the authorities add up to the province');
  assert.equal(sum(prov.dossiers.centres), 3, 'the receiving centres add up to the province');
  assert.equal(prov.dossiers.groups.find((g) => g.key === 'UB-LB').finished.early, 1);
  assert.equal(prov.dossiers.groups.find((g) => g.key === 'UB-KS').finished.early, 0, 'KS1 is never Khe Sanh\'s to answer for');
});

test('a rating of the dossier belongs to the centre that returned it', async () => {
  const link = ok(await s.as('b.clerk', 'POST', `/api/v1/dossiers/${KS1}/rating-link`), 201);
  ok(await s.req('POST', '/api/v1/public/ratings', { body: { token: link.token, level: 'satisfied' } }), 201);
  const [r] = s.sql(`SELECT o.code FROM ratings r JOIN offices o ON o.id = r.office_id WHERE r.subject = 'dossier:${KS1}'`);
  assert.equal(r.code, 'TT-LB');
  assert.equal((await s.as('b.clerk', 'POST', `/api/v1/dossiers/${KS2}/rating-link`)).status, 404, "Khe Sanh's own dossier");
  // The chain records each event as its centre's: the dossier's, Khe Sanh that received it.
  const offices = (where) => s.sql(`SELECT DISTINCT o.code FROM events e JOIN offices o ON o.id = e.office_id WHERE ${where}`).map((x) => x.code);
  assert.deepEqual(offices(`e.entity = 'dossier' AND e.entity_id = '${KS1}'`), ['TT-KS']);
  assert.deepEqual(offices(`e.entity IN ('rating', 'rating_link') AND e.id >= (SELECT min(id) FROM events WHERE entity = 'rating_link')`), ['TT-LB']);
});

test('taken in for supplements: the hand-over to Lao Bảo comes when the dossier is complete', async () => {
  const extra = { authority: 'UB-LB', outcome: 'supplement', missing: [{ item: 'Giấy xác nhận tình trạng hôn nhân', reason: 'Thiếu' }] };
  const d = ok(await intake('a.clerk', { ...APPLICANT, id_number: '045190001123' }, extra), 201).dossier;
  assert.deepEqual([d.steps.length, d.ledger, d.holder.office], [0, null, 'TT-KS'], 'no clock, no ledger line, still at the Khe Sanh desk');
  assert.equal((await s.as('b.spec', 'GET', `/api/v1/dossiers/${d.code}`)).status, 404);
  const done = ok(await act('a.clerk', d.code, 'supplement_received')).dossier;
  assert.equal(done.status, 'in_process', 'handed over to Lao Bảo at once');
  assert.deepEqual(done.ledger, { book: 2026, line: 3 }, "the next line of Khe Sanh's book");
  assert.deepEqual([done.steps.length, done.steps[0].from_office, done.steps[0].office, done.holder.office], [1, 'TT-KS', 'TP-LB', 'TP-LB']);
  assert.equal(done.return_office.code, 'TT-KS', 'returned where received unless the citizen chose otherwise');
  ok(await s.as('b.spec', 'GET', `/api/v1/dossiers/${d.code}`));
});

test("a probable duplicate is told only from the clerk's own scope", async () => {
  // b.clerk's dossier of 02/03 (LB1) has B_LOCAL's ID number: Khe Sanh is not told of it.
  const a = await intake('a.clerk', B_LOCAL);
  assert.equal(a.status, 201, a.text);
  const b = await intake('b.clerk', B_LOCAL);
  assert.equal(b.status, 409, b.text);
  assert.equal(b.json.error.code, 'probable_duplicate');
});

test("a reception point numbers and writes its dossiers in its centre's series and book", async () => {
  const imp = await s.as('admin', 'POST', '/api/v1/import', { body: {
    offices: [{ code: 'DTN-KS', name: 'Điểm tiếp nhận thôn Khe Sanh', kind: 'point', parent: 'TT-KS' }],
    users: [{ username: 'a.point', office: 'DTN-KS', role: 'counter', full_name: 'Cán bộ Điểm tiếp nhận', password: 'a-point-pass-01' }],
  } });
  assert.equal(imp.status, 200, imp.text);
  PASSWORDS['a.point'] = 'a-point-pass-01';
  // Tuesday so far at Khe Sanh: TT-KS-260303-0001 (the supplement, line 3)
  // and -0002 (line 4): the point's dossier is the third of the day, line 5.
  const d = ok(await intake('a.point', { ...LOCAL, id_number: '045188003345' }), 201).dossier;
  assert.equal(d.code, 'TT-KS-260303-0003');
  assert.deepEqual(d.ledger, { book: 2026, line: 5 });
  assert.equal(d.intake_office.code, 'DTN-KS');
  assert.equal(d.authority.code, 'UB-KS');
  ok(await s.as('a.sup', 'GET', `/api/v1/dossiers/${d.code}`));
  assert.equal((await s.as('b.sup', 'GET', `/api/v1/dossiers/${d.code}`)).status, 404);
});
