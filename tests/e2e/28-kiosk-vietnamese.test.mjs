// The kiosk in Vietnamese speaks Vietnamese only: no group's English name on
// its cards; the English names appear only once the English switch is on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openCounter, TEST_BUNDLE } from './lib/harness.mjs';
import { SKIP, SIZES, launch, openPage } from './lib/browser.mjs';

const EN = { CT: 'Certification', HT: 'Civil status', TK: 'Results' };
let s;
let browser;
let page;

before(async () => {
  if (SKIP) return;
  const bundle = {
    ...TEST_BUNDLE,
    service_groups: TEST_BUNDLE.service_groups.map((g) => ({ ...g, name_en: EN[g.code] })),
  };
  s = await startServer({ bundle });
  await openCounter(s, 'clerk1', 1);
  browser = await launch();
  page = await openPage(browser, `${s.base}/kiosk?access_token=${s.devices['kiosk-1']}&lang=vi`, SIZES.tablet);
  await page.locator('button.group[data-group="CT"]').waitFor();
});

after(async () => {
  if (browser) await browser.close();
  if (s) { await s.stop(); s.cleanup(); }
});

test('in Vietnamese the group cards show no English name', { skip: SKIP }, async () => {
  const text = await page.locator('body').innerText();
  assert.match(text, /Chứng thực/);
  for (const en of Object.values(EN)) assert.doesNotMatch(text, new RegExp(en), `"${en}" on the Vietnamese kiosk`);
});

test('with the English switch on the cards show the English names', { skip: SKIP }, async () => {
  await page.locator('#lang-toggle').click();
  await page.locator('button.group[data-group="HT"] .name', { hasText: 'Civil status' }).waitFor({ timeout: 5000 });
  assert.match(await page.locator('button.group[data-group="CT"] .name').innerText(), /Certification/);
  await page.locator('#lang-toggle').click();
  await page.locator('button.group[data-group="HT"] .name', { hasText: 'Hộ tịch' }).waitFor({ timeout: 5000 });
});
