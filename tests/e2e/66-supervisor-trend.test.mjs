// The supervisor's monthly trend labels only months that have a point: an
// office whose history starts this month shows one month and its point, not
// six month names beside a single dot. A median wait of seconds reads
// "dưới 1 phút" beside the mean, not "0,0 phút".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openCounter } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { SKIP, launch, openPage, SIZES } from './lib/browser.mjs';

let s, browser;
before(async () => {
  s = await startServer({ bundle: DOSSIER_BUNDLE });
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); s?.cleanup(); });

test('one month of data: one month label, one point', { skip: SKIP }, async () => {
  const done = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', applicant: { name: 'Lê Thị Hoa' }, outcome: 'received' } })).dossier.code;
  ok(await s.as('sup', 'POST', `/api/v1/dossiers/${done}/actions`, { body: { action: 'result_ready' } }));
  // Two people called at once, served.
  await openCounter(s, 'clerk1', 1);
  for (let i = 0; i < 2; i++) {
    ok(await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } }));
    ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/call', { body: { finish_current: 'served' } }));
  }
  const page = await openPage(browser, `${s.base}/supervisor`, SIZES.tv);
  await page.waitForSelector('#login:not([hidden])');
  await page.fill('#username', 'sup');
  await page.fill('#password', 'sup-pass-0001');
  await page.click('#login-form button');
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  await page.locator('#trend svg').waitFor();
  const points = await page.locator('#trend svg circle').count();
  const labels = await page.locator('#trend svg text').evaluateAll((ts) => ts.map((t) => t.textContent).filter((x) => /^\d{2}\/\d{4}$/.test(x)));
  assert.equal(points, 1);
  assert.equal(labels.length, 1, `month labels: ${labels.join(', ')}`);
  const sum = await page.textContent('#queue-sum');
  assert.match(sum, /chờ trung vị dưới 1 phút, trung bình 0(,0)? phút/, sum);
  assert.deepEqual(page.errors, []);
});
