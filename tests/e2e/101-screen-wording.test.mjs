// What a newcomer noticed on the screens of a province: /supervisor asks
// nothing that fails before login (the plain queue address answers 400
// office_required in a province), a board over its stream limit is told in
// words that fit a device, and /status gives an example dossier code of the
// form this server issues (<centre code>-<YYMMDD>-<NNNN>).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, subscribe } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A } from './lib/province-bundle.mjs';
import { SKIP, SIZES, launch, openPage } from './lib/browser.mjs';

let s;
let browser;
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE, args: ['--streams-per-token', '1'] });
  if (!SKIP) browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (s) { await s.stop(); s.cleanup(); }
});

test('/supervisor before login makes no failing request in a province', { skip: SKIP }, async () => {
  const context = await browser.newContext({ viewport: SIZES.tablet, locale: 'vi-VN' });
  const page = await context.newPage();
  const asked = [];
  page.on('response', (r) => asked.push({ url: new URL(r.url()).pathname + new URL(r.url()).search, status: r.status() }));
  const listed = page.waitForResponse((r) => r.url().includes('/api/v1/public/offices'));
  await page.goto(`${s.base}/supervisor`);
  await page.locator('#login:not([hidden])').waitFor();
  // The page's start has asked for its office's name.
  await listed;
  assert.deepEqual(asked.filter((a) => a.url.startsWith('/api/v1/queue')), [], 'no queue read without office=');
  assert.deepEqual(asked.filter((a) => a.status === 400), []);
  assert.ok(asked.some((a) => a.url.startsWith('/api/v1/public/offices')), 'the centres were listed');
  await context.close();
});

test('a board over its stream limit is told "Thiết bị hoặc tài khoản"', async () => {
  const token = s.devices['a-board'];
  const first = subscribe(s, token);
  await first.until((e) => e.some((x) => x.event === 'snapshot'));
  const over = await s.req('GET', '/api/v1/events', { token, headers: { Accept: 'text/event-stream' } });
  first.close();
  assert.equal(over.status, 429, over.text);
  assert.equal(over.json.error.code, 'too_many_streams');
  assert.equal(over.json.error.message, 'Thiết bị hoặc tài khoản này đã mở quá nhiều luồng sự kiện');
});

test('/status gives an example code of the centre named, as this server forms codes', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/status?office=${CENTRE_A}`, SIZES.phone);
  const hint = page.locator('#code-hint');
  await page.waitForFunction((code) => document.getElementById('code-hint').textContent.includes(code), CENTRE_A);
  assert.match(await hint.innerText(), new RegExp(`^Ví dụ: ${CENTRE_A}-\\d{6}-0001$`));
  // Without a centre, an example of the same form, never the old national one.
  const plain = await openPage(browser, `${s.base}/status`, SIZES.phone);
  assert.match(await plain.locator('#code-hint').innerText(), /^Ví dụ: [A-Z]+-[A-Z]+-\d{6}-\d{4}$/);
  assert.deepEqual(page.errors, []);
});
