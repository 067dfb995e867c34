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
//  Province: 3 of 4 on time, 75,0 %; 15,00.
// Queue, Mon 2/3: one ticket at each centre at 08:00; Khe Sanh calls it at 08:05
// (within the 15-minute standard: 100,0 %), Lao Bảo at 08:30 (0,0 %); province 50,0 %.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer } from './lib/harness.mjs';
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

const clock = async (t) => {
  s.tokens = {};
  assert.equal((await s.as('admin', 'PUT', '/api/v1/test/clock', { body: { now: t } })).status, 200);
  s.tokens = {};
};
const ok = (r) => { assert.ok(r.status >= 200 && r.status < 300, `${r.status} ${r.text}`); return r.json; };
// Received at a centre for its commune (written as intake records them,
// docs/province.md, so that the figures do not hang on intake's defaults).
const intake = async (clerk, centre, authority) => {
  const d = ok(await s.as(clerk, 'POST', '/api/v1/dossiers', {
    body: { procedure: 'P3', applicant: { name: 'Lê Thị Hoa' }, outcome: 'received', authority, confirm_duplicate: true },
  })).dossier;
  const w = spawnSync('sqlite3', [s.db, `UPDATE dossiers SET intake_office_id = (SELECT id FROM offices WHERE code = '${centre}'),`
    + ` authority_id = (SELECT id FROM offices WHERE code = '${authority}') WHERE code = '${d.code}'`]);
  assert.equal(w.status, 0, String(w.stderr));
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

for (const [label, size] of [['tv', SIZES.tv], ['phone', SIZES.phone]]) {
  test(`the province overview on a ${label} (${size.width}×${size.height}): units, figures, sorting, drill-down`, { skip: SKIP }, async () => {
    const page = await openPage(browser, `${s.base}/supervisor`, size);
    await march(page, 'prov.sup');
    await page.waitForFunction(() => document.querySelector('#overview tbody')?.textContent.includes('66,7'));
    assert.equal(await page.isVisible('#overview-card'), true);
    assert.equal(await page.isVisible('#unit'), true, 'a province supervisor chooses the unit');
    assert.equal(await page.textContent('#office'), 'Tỉnh Quảng Trị');
    // Every centre and authority by its full name, in Vietnamese order.
    const first = await names(page);
    assert.deepEqual(first, ['Sở Nông nghiệp và Môi trường', 'Trung tâm Phục vụ hành chính công xã Khe Sanh',
      'Trung tâm Phục vụ hành chính công xã Lao Bảo', 'UBND xã Khe Sanh', 'UBND xã Lao Bảo']);
    const ks = await rowText(page, 'UBND xã Khe Sanh');
    assert.match(ks, /\b3\b/, 'received');
    assert.match(ks, /66,7 %/);
    assert.match(ks, /13,33/);
    assert.match(await rowText(page, 'UBND xã Lao Bảo'), /100,0 %[\s\S]*20,00/);
    assert.match(await rowText(page, 'Trung tâm Phục vụ hành chính công xã Khe Sanh'), /Trung tâm: hồ sơ tiếp nhận, hàng đợi[\s\S]*66,7 %[\s\S]*100,0 %/);
    assert.match(await rowText(page, 'Trung tâm Phục vụ hành chính công xã Lao Bảo'), /0,0 %/);
    const foot = await page.textContent('#overview tfoot');
    assert.match(foot, /Toàn tỉnh/);
    assert.match(foot, /75,0 %/);
    assert.match(foot, /15,00[\s\S]*50,0 %/);
    // No machine codes or English on the table.
    const table = await page.innerText('#overview');
    assert.doesNotMatch(table, /UB-KS|UB-LB|TT-KS|TT-LB|SO-TNMT|null|NaN|undefined|\d\.\d/);
    // The page never scrolls sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    await page.locator('#overview-card').scrollIntoViewIfNeeded();
    await shot(page, `province-overview-${label}`);

    // Sorted by on-time rate: the best first, then the other way round.
    await page.click('#overview th[data-key="rate"] button');
    const byRate = await names(page);
    assert.notDeepEqual(byRate, first, 'a header click changes the order');
    assert.equal(byRate[0], 'Trung tâm Phục vụ hành chính công xã Lao Bảo');
    assert.equal(await page.getAttribute('#overview th[data-key="rate"]', 'aria-sort'), 'descending');
    await page.click('#overview th[data-key="rate"] button');
    const rates = await page.$$eval('#overview tbody tr td:nth-child(4)', (t) => t.map((x) => x.textContent));
    assert.deepEqual(rates.slice(0, 2), ['66,7 %', '66,7 %'], 'lowest first; no figure last');
    assert.equal(rates.at(-1), '—');
    await shot(page, `province-overview-sorted-${label}`);

    // A row opens that unit's own view.
    await page.click('#overview .unit-link:text-is("UBND xã Lao Bảo")');
    await page.waitForFunction(() => document.getElementById('office').textContent === 'UBND xã Lao Bảo');
    assert.equal(await page.inputValue('#unit'), 'UB-LB');
    await page.waitForFunction(() => /20,00/.test(document.querySelector('#s766 tbody')?.textContent ?? ''));
    assert.deepEqual(await names(page), ['Trung tâm Phục vụ hành chính công xã Lao Bảo', 'UBND xã Lao Bảo']);
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
  assert.deepEqual(await names(page), ['Trung tâm Phục vụ hành chính công xã Khe Sanh', 'UBND xã Khe Sanh']);
  assert.doesNotMatch(await page.innerText('#main'), /Lao Bảo/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
