// The hall screens of a province (real browser): the board, the kiosk and
// the citizen's /queue?t= page each show their own centre: its name in the
// header, its groups and counters, its calls; never another centre's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE } from './lib/province-bundle.mjs';
import { launch, openPage, shot, SIZES, SKIP } from './lib/browser.mjs';

const NAME_A = 'Trung tâm Phục vụ hành chính công xã Khe Sanh';
const NAME_B = 'Trung tâm Phục vụ hành chính công xã Lao Bảo';
const WAIT = 5000;

let s;
let browser;
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE });
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); s?.cleanup(); });

const post = async (who, path, body) => {
  const r = await s.as(who, 'POST', path, { body });
  assert.ok(r.status === 200 || r.status === 201, `${who} ${path}: ${r.status} ${r.text}`);
  return r.json;
};

test('A\'s board shows A\'s name and A\'s call, B\'s board B\'s; the kiosk and the ticket page name their centre', { skip: SKIP }, async () => {
  // Two waiting at B, one called at A's counter 1 (both centres have one).
  const b1 = (await post('b-kiosk', '/api/v1/tickets', { group: 'CT' })).ticket;
  const b2 = (await post('b-kiosk', '/api/v1/tickets', { group: 'CT' })).ticket;
  const a1 = (await post('a-kiosk', '/api/v1/tickets', { group: 'CT' })).ticket;
  assert.deepEqual([a1.label, b1.label], ['A001', 'A001']);
  await post('a.clerk', '/api/v1/counters/1/state', { state: 'open' });
  await post('a.clerk', '/api/v1/counters/1/call', {});

  const boardA = await openPage(browser, `${s.base}/board?access_token=${encodeURIComponent(s.devices['a-board'])}`, SIZES.tv);
  const boardB = await openPage(browser, `${s.base}/board?access_token=${encodeURIComponent(s.devices['b-board'])}`, SIZES.tv);
  await boardA.locator('.counter[data-counter="1"] .number').filter({ hasText: 'A001' }).waitFor({ timeout: WAIT });
  assert.equal(await boardA.locator('#office-name').innerText(), NAME_A);
  await boardB.locator('.group[data-group="CT"] .waiting').filter({ hasText: /^2$/ }).waitFor({ timeout: WAIT });
  assert.equal(await boardB.locator('#office-name').innerText(), NAME_B);
  // A's call is not on B's board: no calls there, no counter serving.
  assert.deepEqual(await boardB.locator('#calls li').evaluateAll((ls) => ls.map((l) => l.dataset.label)), []);
  assert.equal(await boardB.locator('.counter .number').filter({ hasText: 'A001' }).count(), 0);
  await shot(boardA, 'centre-board-a');

  // B calls: B's board shows it, A's board keeps its own.
  await post('b.clerk', '/api/v1/counters/1/state', { state: 'open' });
  await post('b.clerk', '/api/v1/counters/1/call', {});
  await boardB.locator('.counter[data-counter="1"] .number').filter({ hasText: 'A001' }).waitFor({ timeout: WAIT });
  await boardB.locator('.group[data-group="CT"] .waiting').filter({ hasText: /^1$/ }).waitFor({ timeout: WAIT });
  assert.equal(await boardA.locator('.group[data-group="CT"] .waiting').innerText(), '0');
  assert.deepEqual(await boardA.locator('#calls li').evaluateAll((ls) => ls.map((l) => l.dataset.label)), ['A001']);

  const kiosk = await openPage(browser, `${s.base}/kiosk?access_token=${encodeURIComponent(s.devices['b-kiosk'])}`, SIZES.kiosk);
  await kiosk.locator('button.group[data-group="CT"] .waiting').filter({ hasText: /^1$/ }).waitFor({ timeout: WAIT });
  assert.equal(await kiosk.locator('#office-name').innerText(), NAME_B);

  const page = await openPage(browser, `${s.base}/queue?t=${b2.id}`, SIZES.phone);
  await page.locator('body[data-state="waiting"]').waitFor({ timeout: WAIT });
  await page.locator('#office-name').filter({ hasText: NAME_B }).waitFor({ timeout: WAIT });
  assert.match(await page.locator('#result').innerText(), /Ông\/bà là người tiếp theo/);
  await shot(page, 'centre-queue-phone');
  for (const p of [boardA, boardB, kiosk, page]) assert.deepEqual(p.errors, []);
});
