// The supervisor's page in headless Chromium: log in, a late dossier created
// through the API appears with the office and person holding it (by name),
// its history opens in one click under its row; indicators, scorecards and
// report buttons show.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { SKIP, launch, openPage, shot, SIZES } from './lib/browser.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
let s, browser;
before(async () => {
  s = await startServer({ bundle: DOSSIER_BUNDLE, args: ['--test-clock'] });
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s.stop(); s.cleanup(); });

const clock = (t) => setClock(s, t);

test('a late dossier shows with its holder; history one click away', { skip: SKIP }, async () => {
  const now = Math.floor(Date.now() / 1000);
  await clock(now - 20 * 86400);
  const late = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', applicant: { name: 'Hồ Văn Nam' }, outcome: 'received' } })).dossier.code;
  ok(await s.as('clerk1', 'POST', `/api/v1/dossiers/${late}/actions`, { body: { action: 'handover', to_office: 'TP', to_person: 'spec' } }));
  const done = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', applicant: { name: 'Lê Thị Hoa' }, outcome: 'received' } })).dossier.code;
  ok(await s.as('sup', 'POST', `/api/v1/dossiers/${done}/actions`, { body: { action: 'result_ready' } }));
  await clock(now);

  const page = await openPage(browser, `${s.base}/supervisor`, SIZES.tv);
  await page.waitForSelector('#login:not([hidden])');
  await shot(page, 'supervisor-login');
  await page.fill('#username', 'sup');
  await page.fill('#password', 'sup-pass-0001');
  await page.click('#login-form button');
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  const row = page.locator('#late tbody tr', { hasText: late });
  await row.waitFor();
  assert.equal(await row.locator('.holder-office').textContent(), 'Phòng Tư pháp');
  assert.equal(await row.locator('.holder-person').textContent(), 'Chuyên viên');
  await shot(page, 'supervisor');
  await row.locator('button').click();
  await page.waitForSelector('#late tr.history-row');
  const hist = await page.textContent('#late tr.history-row');
  assert.ok(hist.includes(late) && hist.includes('Chuyển giao'), hist);
  assert.ok(hist.includes('Cán bộ một') && hist.includes('Chuyên viên'), 'the Mẫu 06 hand-over names both people');
  // The history names who acted by full name (the server's actor_name).
  const handover = await page.locator('#late tr.history-row ol').nth(1).locator('li', { hasText: 'Chuyển giao' }).textContent();
  assert.match(handover, /· Cán bộ một$/, handover);
  assert.equal(await page.textContent('#who'), 'Giám sát', 'the supervisor by full name');
  await shot(page, 'supervisor-history');
  // Indicators of this month: the finished P5 dossier counts; reports listed.
  const groups = await page.textContent('#groups');
  assert.match(groups, /Tổng/);
  assert.ok(await page.locator('#s766 tbody tr').count() >= 3);
  assert.ok(await page.locator('#reports a[href$=".pdf"]').count() >= 7);
  assert.ok(await page.locator('#heat svg rect').count() > 0);
  assert.ok(await page.locator('#trend svg').count() === 1);
  assert.deepEqual(page.errors, []);
});

// What a supervisor sees on a phone and a desk screen: the office's name, a
// styled login with no period fields before it, no page wider than the
// screen (tables scroll in their box), the late list's first ten rows with
// "Xem thêm", and figures ("100,0 %") on one line.
for (const [label, size] of [['phone', SIZES.phone], ['tv', SIZES.tv]]) {
  test(`the page fits a ${label} (${size.width}×${size.height}): office named, login styled, lists short`, { skip: SKIP }, async () => {
    // More than ten open late dossiers.
    const late = ok(await s.as('sup', 'GET', '/api/v1/dossiers?late=true&open=true&limit=1')).total;
    if (late <= 10) {
      const now = Math.floor(Date.now() / 1000);
      await clock(now - 20 * 86400);
      for (let i = 0; i < 11; i++) {
        ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', applicant: { name: `Người thứ ${i}` }, outcome: 'received', confirm_duplicate: true } }));
      }
      await clock(now);
    }
    const total = ok(await s.as('sup', 'GET', '/api/v1/dossiers?late=true&open=true&limit=1')).total;
    assert.ok(total > 10, `${total} late dossiers`);

    const page = await openPage(browser, `${s.base}/supervisor`, size);
    await page.waitForSelector('#login:not([hidden])');
    await page.waitForFunction(() => document.getElementById('office').textContent.length > 0);
    assert.equal(await page.textContent('#office'), 'Bộ phận Một cửa thử nghiệm', 'the office by name');
    assert.equal(await page.isVisible('#from'), false, 'no period fields before login');
    // A styled form: roomy fields and a coloured button, side by side with the card.
    const input = await page.locator('#username').boundingBox();
    const button = await page.locator('#login-form button').boundingBox();
    const card = await page.locator('#login').boundingBox();
    assert.ok(input.height >= 34, `field height ${input.height}`);
    assert.ok(input.width >= card.width - 60, `field spans the card (${input.width} of ${card.width})`);
    assert.ok(button.width >= card.width - 60 && button.height >= 36, `button ${button.width}×${button.height}`);
    const bg = await page.locator('#login-form button').evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.notEqual(bg, 'rgb(239, 239, 239)', 'not the browser\'s grey button');
    assert.ok(card.x >= 0 && card.x + card.width <= size.width, 'the card is on screen');
    await shot(page, `supervisor-login-${label}`);

    await page.fill('#username', 'sup');
    await page.fill('#password', 'sup-pass-0001');
    await page.click('#login-form button');
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
    assert.equal(await page.isVisible('#from'), true, 'the period after login');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    assert.equal(await page.locator('#late tbody tr').count(), 10, 'the first ten late dossiers');
    assert.match(await page.textContent('#late-more'), /Xem thêm \(còn \d+\)/);
    // Every figure of the on-time table on one line.
    const broken = await page.$$eval('#groups td.n', (tds) => tds.filter((td) => {
      const r = document.createRange();
      r.selectNodeContents(td);
      const lines = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
      return lines.size > 1;
    }).map((td) => td.textContent));
    assert.deepEqual(broken, [], 'figures on one line');
    await shot(page, `supervisor-fit-${label}`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}
