// The supervisor's province overview in headless Chromium (docs/province.md
// "Indicators by unit"): the province supervisor chooses the period, sees a
// table of the centres and authorities with Vietnamese figures, sorts it by
// a column, and opens one unit's own view; a commune supervisor's selector
// holds only its commune. Screenshots at 1920×1080 and 390×844.
//
// March 2026 (P3: 3 working days):
//  UBND xã Khe Sanh, received at its centre: K1 Mon 2/3 10:00 ready Tue 3/3 (early),
//    K2 Mon 2/3 ready Thu 5/3 10:00 (on time), K3 Mon 9/3 ready Fri 13/3 (late):
//    on-time rate 2/3 = 66,7 %; 766 processing 20 × 2/3 = 13,33.
//  UBND xã Lao Bảo, received at its centre: L1 Mon 2/3 ready Thu 5/3 10:00 (on time):
//    100,0 %; 20,00.
//  X1, received at Khe Sanh's centre Mon 16/3 for UBND xã Lao Bảo (boundary-free),
//    due Thu 19/3, still open: late at the end of March and now (1/4). So
//    UBND xã Lao Bảo: received 2, 1 late, 100,0 %, 766 20 × 1/(1 + 1) = 10,00;
//    Khe Sanh's centre (what it received): 4, 1 late, 66,7 %, 20 × 2/(3 + 1) = 10,00.
//  Province: 5 received, 3 of 4 on time, 75,0 %; 766 20 × 3/(4 + 1) = 12,00.
// Queue, Mon 2/3: one ticket at each centre at 08:00; Khe Sanh calls it at 08:05
// (within the 15-minute standard: 100,0 %), Lao Bảo at 08:30 (0,0 %); province 50,0 %.
// The overview has two parts that each add up to their sum row: the
// authorities (dossiers they are competent for) and the centres (dossiers
// they received, their queue). The late list (open and past due now, every
// dossier the unit touches) says how many of its rows are the unit's own
// figure: Khe Sanh's supervisor sees X1 (received at its centre) but its
// commune's own "late" figure is 0.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, sqlite } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { PROVINCE_BUNDLE, PROVINCE_PASSWORDS, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';
import { SKIP, launch, openPage, shot, SIZES } from './lib/browser.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
let s, browser;
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE, args: ['--test-clock', '--logins-per-minute', '1000'] });
  if (!SKIP) browser = await launch();
  await history();
});
after(async () => { await browser?.close(); await s.stop(); s.cleanup(); });

const clock = (t) => setClock(s, t);
// Received at a centre for its commune (written as intake records them,
// docs/province.md, so that the figures do not hang on intake's defaults).
const intake = async (clerk, centre, authority) => {
  const d = ok(await s.as(clerk, 'POST', '/api/v1/dossiers', {
    body: { procedure: 'P3', applicant: { name: 'Lê Thị Hoa' }, outcome: 'received', authority, confirm_duplicate: true },
  })).dossier;
  sqlite(s.db, `UPDATE dossiers SET intake_office_id = (SELECT id FROM offices WHERE code = '${centre}'),`
    + ` authority_id = (SELECT id FROM offices WHERE code = '${authority}') WHERE code = '${d.code}'`, { json: false });
  return d.code;
};
const ready = async (code) => ok(await s.as('prov.sup', 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/actions`,
  { body: { action: 'result_ready' } }));

async function history() {
  await clock(at(2026, 3, 2, 8));
  ok(await s.as('a-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } }));
  ok(await s.as('b-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } }));
  ok(await s.as('a.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } }));
  ok(await s.as('b.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } }));
  await clock(at(2026, 3, 2, 8, 5));
  ok(await s.as('a.clerk', 'POST', '/api/v1/counters/1/call'));
  await clock(at(2026, 3, 2, 8, 30));
  ok(await s.as('b.clerk', 'POST', '/api/v1/counters/1/call'));
  await clock(at(2026, 3, 2, 10));
  const k1 = await intake('a.clerk', CENTRE_A, 'UB-KS');
  const k2 = await intake('a.clerk', CENTRE_A, 'UB-KS');
  const l1 = await intake('b.clerk', CENTRE_B, 'UB-LB');
  await clock(at(2026, 3, 3, 10));
  await ready(k1);
  await clock(at(2026, 3, 5, 10));
  await ready(k2);
  await ready(l1);
  await clock(at(2026, 3, 9, 10));
  const k3 = await intake('a.clerk', CENTRE_A, 'UB-KS');
  await clock(at(2026, 3, 13, 10));
  await ready(k3);
  await clock(at(2026, 3, 16, 10));
  await intake('a.clerk', CENTRE_A, 'UB-LB');
  await clock(at(2026, 4, 1, 10));
}

// Logs in on the page and shows March 2026.
async function march(page, user) {
  await page.waitForSelector('#login:not([hidden])');
  await page.fill('#username', user);
  await page.fill('#password', PROVINCE_PASSWORDS[user]);
  await page.click('#login-form button');
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  await page.fill('#from', '01/03/2026');
  await page.fill('#to', '31/03/2026');
  await page.click('#period button[type="submit"]');
}

const names = (page) => page.$$eval('#overview tbody tr .unit-link', (b) => b.map((x) => x.textContent));
const rowText = (page, name) => page.locator('#overview tbody tr', { hasText: name }).innerText();
// Each part of the overview: its title, its rows' cells and its sum row's.
const parts = (page) => page.$$eval('#overview tbody', (bodies) => bodies.map((b) => ({
  title: b.querySelector('tr.part').textContent,
  rows: [...b.querySelectorAll('tr:not(.part):not(.sum)')].map((r) => [...r.cells].map((c) => c.textContent)),
  sum: [...b.querySelector('tr.sum').cells].map((c) => c.textContent),
})));
const num = (t) => Number(t.replace(/\./g, '').replace(',', '.'));
// The rows of a part add up to its sum row: received and late.
function addsUp(part) {
  for (const col of [1, 2]) {
    assert.equal(part.rows.reduce((a, r) => a + num(r[col]), 0), num(part.sum[col]), `${part.title}: column ${col} adds up`);
  }
}

for (const [label, size] of [['tv', SIZES.tv], ['phone', SIZES.phone]]) {
  test(`the province overview on a ${label} (${size.width}×${size.height}): units, figures, sorting, drill-down`, { skip: SKIP }, async () => {
    const page = await openPage(browser, `${s.base}/supervisor`, size);
    await march(page, 'prov.sup');
    await page.waitForFunction(() => document.querySelector('#overview tbody')?.textContent.includes('66,7'));
    assert.equal(await page.isVisible('#overview-card'), true);
    assert.equal(await page.isVisible('#unit'), true, 'a province supervisor chooses the unit');
    assert.equal(await page.textContent('#office'), 'Tỉnh Quảng Trị');
    // Every authority, then every centre, by full name in Vietnamese order.
    const first = await names(page);
    assert.deepEqual(first, ['Sở Nông nghiệp và Môi trường', 'UBND xã Khe Sanh', 'UBND xã Lao Bảo',
      'Trung tâm Phục vụ hành chính công xã Khe Sanh', 'Trung tâm Phục vụ hành chính công xã Lao Bảo']);
    const [byAuthority, byCentre] = await parts(page);
    assert.match(byAuthority.title, /Cơ quan có thẩm quyền: hồ sơ thuộc thẩm quyền/);
    assert.match(byCentre.title, /Trung tâm: hồ sơ mỗi trung tâm tiếp nhận; hàng đợi/);
    // Each part adds up to its own sum row, and both to the province.
    addsUp(byAuthority);
    addsUp(byCentre);
    assert.deepEqual(byAuthority.sum.slice(0, 5), ['Tỉnh Quảng Trị: cộng 3 cơ quan', '5', '1', '75,0 %', '12,00']);
    assert.deepEqual(byCentre.sum, ['Tỉnh Quảng Trị: cộng 2 trung tâm', '5', '1', '75,0 %', '12,00', '50,0 %']);
    // A period already ended counts its open dossiers at its end, and says so.
    assert.equal(await page.textContent('#overview th[data-key="late"] button'), 'Quá hạn chưa xong cuối kỳ');
    const ks = await rowText(page, 'UBND xã Khe Sanh');
    assert.match(ks, /\b3\b/, 'received');
    assert.match(ks, /66,7 %/);
    assert.match(ks, /13,33/);
    assert.match(await rowText(page, 'UBND xã Lao Bảo'), /100,0 %[\s\S]*10,00/);
    // A centre's 766 on the dossiers it received: a figure, not "—".
    const ksCentre = byCentre.rows.find((r) => r[0].startsWith('Trung tâm Phục vụ hành chính công xã Khe Sanh'));
    assert.deepEqual(ksCentre.slice(1), ['4', '1', '66,7 %', '10,00', '100,0 %']);
    assert.match(await rowText(page, 'Trung tâm Phục vụ hành chính công xã Lao Bảo'), /100,0 %[\s\S]*20,00[\s\S]*0,0 %/);
    // An authority has no hall: its queue cell is empty, not "—".
    for (const r of byAuthority.rows) assert.equal(r[5], '', `${r[0]}: no queue figure`);
    // No machine codes or English on the table; "%" after a space.
    const table = await page.innerText('#overview');
    assert.doesNotMatch(table, /UB-KS|UB-LB|TT-KS|TT-LB|SO-TNMT|null|NaN|undefined|\d\.\d|\d%/);
    // The province's late list is exactly the dossiers late now: no note.
    assert.equal(await page.textContent('#late-count'), '(1)');
    assert.equal(await page.textContent('#late-note'), '');
    // The page never scrolls sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    await page.locator('#overview-card').scrollIntoViewIfNeeded();
    await shot(page, `province-overview-${label}`);

    // Sorted by on-time rate: the best first, then the other way round.
    await page.click('#overview th[data-key="rate"] button');
    const byRate = await names(page);
    assert.notDeepEqual(byRate, first, 'a header click changes the order');
    assert.deepEqual(byRate, ['UBND xã Lao Bảo', 'UBND xã Khe Sanh', 'Sở Nông nghiệp và Môi trường',
      'Trung tâm Phục vụ hành chính công xã Lao Bảo', 'Trung tâm Phục vụ hành chính công xã Khe Sanh'], 'inside each part');
    assert.equal(await page.getAttribute('#overview th[data-key="rate"]', 'aria-sort'), 'descending');
    await page.click('#overview th[data-key="rate"] button');
    const rates = (await parts(page)).map((p) => p.rows.map((r) => r[3]));
    assert.deepEqual(rates, [['66,7 %', '100,0 %', '—'], ['66,7 %', '100,0 %']], 'lowest first; no figure last');
    await shot(page, `province-overview-sorted-${label}`);

    // A row opens that unit's own view.
    await page.click('#overview .unit-link:text-is("UBND xã Lao Bảo")');
    await page.waitForFunction(() => document.getElementById('office').textContent === 'UBND xã Lao Bảo');
    assert.equal(await page.inputValue('#unit'), 'UB-LB');
    await page.waitForFunction(() => /10,00/.test(document.querySelector('#s766 tbody')?.textContent ?? ''));
    // Lao Bảo's dossiers by where they were received: X1 at Khe Sanh's
    // centre (no rate yet: last, in the order still chosen).
    assert.deepEqual(await names(page), ['UBND xã Lao Bảo', 'Trung tâm Phục vụ hành chính công xã Lao Bảo',
      'Trung tâm Phục vụ hành chính công xã Khe Sanh']);
    for (const p of await parts(page)) addsUp(p);
    assert.match(await rowText(page, 'Trung tâm Phục vụ hành chính công xã Khe Sanh'), /hồ sơ của đơn vị tiếp nhận tại đây/);
    // The late list holds X1, the commune's own: the figures agree.
    await page.waitForFunction(() => document.getElementById('late-note').textContent !== '');
    assert.equal(await page.textContent('#late-count'), '(1)');
    assert.equal(await page.textContent('#late-note'), 'Cả 1 hồ sơ đều thuộc thẩm quyền của UBND xã Lao Bảo.');
    assert.match(await page.getAttribute('#reports a[href$=".csv?office=UB-LB"]', 'href'), /office=UB-LB/);
    await shot(page, `province-unit-${label}`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('a commune supervisor chooses only within its commune', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/supervisor`, SIZES.tv);
  await march(page, 'a.sup');
  await page.waitForFunction(() => document.querySelector('#overview tbody')?.textContent.includes('66,7'));
  assert.equal(await page.textContent('#office'), 'UBND xã Khe Sanh');
  const options = await page.$$eval('#unit option', (o) => o.map((x) => x.textContent));
  assert.deepEqual(options, ['UBND xã Khe Sanh', 'Trung tâm Phục vụ hành chính công xã Khe Sanh']);
  assert.deepEqual(await names(page), ['UBND xã Khe Sanh', 'Trung tâm Phục vụ hành chính công xã Khe Sanh']);
  // The commune's own dossiers: its rows and sums agree (the total does
  // not take its centre's intake for another commune).
  const [byAuthority, byCentre] = await parts(page);
  addsUp(byAuthority);
  addsUp(byCentre);
  assert.deepEqual(byAuthority.sum.slice(1, 5), ['3', '0', '66,7 %', '13,33']);
  assert.deepEqual(byCentre.sum, ['UBND xã Khe Sanh: cộng 1 trung tâm', '3', '0', '66,7 %', '13,33', '100,0 %']);
  assert.doesNotMatch(await page.innerText('#overview-card'), /Lao Bảo/);
  // The late list holds X1 (received at its centre for Lao Bảo), which is
  // not the commune's own late figure: the note says so, in numbers.
  await page.waitForFunction(() => document.getElementById('late-note').textContent !== '');
  assert.equal(await page.textContent('#late-count'), '(1)');
  const note = await page.textContent('#late-note');
  assert.match(note, /^Trong 1 hồ sơ này, 0 hồ sơ thuộc thẩm quyền của UBND xã Khe Sanh .*; 1 hồ sơ còn lại do trung tâm của đơn vị tiếp nhận/);
  assert.doesNotMatch(await page.innerText('#main'), /\d%/, 'a space before every %');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
