// The PAKN tab by keyboard alone at 1366×768: the tab bar (arrow keys),
// the entry form (Enter opens it, Tab moves through it, Enter records, Esc
// closes it), a feedback opened from the list with Enter (the focus goes to
// its heading) and classified without a mouse. A sender identity left out
// is said in words, with its code only in the small details line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, TEST_BUNDLE } from './lib/harness.mjs';
import { setClock } from './lib/steps.mjs';
import { SKIP, launch, openPage, shot } from './lib/browser.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const NOW = at(2026, 11, 17, 10);
let s, browser;
before(async () => {
  s = await startServer({ bundle: TEST_BUNDLE, args: ['--test-clock'] });
  await setClock(s, NOW);
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s.stop(); s.cleanup(); });

// Presses Tab until the focused element matches sel (at most n times).
async function tabTo(page, sel, n = 40) {
  for (let i = 0; i < n; i++) {
    if (await page.evaluate((q) => document.activeElement?.matches(q), sel)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`${sel} not reached by Tab`);
}

test('keyboard only: tab bar, entry form, list, detail, classification', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/supervisor`, { width: 1366, height: 768 });
  await page.waitForSelector('#login:not([hidden])');
  await page.focus('#username');
  await page.keyboard.type('sup');
  await page.keyboard.press('Tab');
  await page.keyboard.type('sup-pass-0001');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });

  await tabTo(page, '#tab-main');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('#fb-panel:not([hidden])');
  assert.equal(await page.getAttribute('#tab-fb', 'aria-selected'), 'true');
  await tabTo(page, '#fb-new-open');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#fb-new[open]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'fb-n-channel');
  // Letter, class as is, the text; the sender's name only.
  await page.keyboard.press('ArrowDown');
  await tabTo(page, '#fb-n-text', 5);
  await page.keyboard.type('Đề nghị niêm yết rõ lệ phí cấp bản sao');
  await tabTo(page, '#fb-n-name', 8);
  await page.keyboard.type('Lê Văn Cường');
  await page.keyboard.press('Enter');
  const err = page.locator('#fb-new-msg .fb-error');
  await err.waitFor();
  const said = await err.locator('span').textContent();
  assert.ok(said && !/_/.test(said), `the error in words: ${said}`);
  assert.match(await err.locator('.fb-code').textContent(), /sender_identity_required|missing_field|invalid_field/);
  await shot(page, 'supervisor-feedback-keys-error');
  // Address and phone, then Enter records it.
  await tabTo(page, '#fb-n-address', 6);
  await page.keyboard.type('Thôn Tân Hiệp, xã Tân Lập');
  await page.keyboard.press('Tab');
  await page.keyboard.type('0905111222');
  await page.keyboard.press('Enter');
  const done = await page.locator('#fb-n-done').textContent();
  const code = /PA-\d{6}-\d{4}/.exec(done)?.[0];
  assert.ok(code, done);
  const [row] = s.sql(`SELECT channel, sender_address FROM feedback WHERE code = '${code}'`);
  assert.deepEqual(row, { channel: 'letter', sender_address: 'Thôn Tân Hiệp, xã Tân Lập' });
  await page.keyboard.press('Escape');
  await page.waitForSelector('#fb-new', { state: 'hidden' });

  // From the list by Enter; the focus lands on the detail's heading.
  await tabTo(page, `#fb-list tr[data-fb="${code}"] .fb-open`, 60);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'fb-detail-title');
  await tabTo(page, '#fb-decision', 30);
  await tabTo(page, '#fb-act-classify button[type="submit"]', 5);
  await page.keyboard.press('Enter');
  await page.locator('#fb-detail-title', { hasText: 'Đang xử lý' }).waitFor();
  await shot(page, 'supervisor-feedback-keys');
  assert.deepEqual(page.errors, []);
});
