// The ticket kiosk (/kiosk) in headless Chromium: a press issues a ticket
// (with a fresh Idempotency-Key) that is in the database and on screen; a
// failed answer (the printer is out) says so and shows no number.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openCounter } from './lib/harness.mjs';
import { SKIP, SIZES, launch, openPage, shot } from './lib/browser.mjs';

let s;
let browser;
let page;
const keys = []; // Idempotency-Key of every POST /api/v1/tickets the page sent

const kioskUrl = (q = '') => `${s.base}/kiosk?access_token=${s.devices['kiosk-1']}${q}`;
const ticketCount = () => s.sql('SELECT count(*) AS n FROM tickets')[0].n;

before(async () => {
  if (SKIP) return;
  s = await startServer();
  await openCounter(s, 'clerk1', 1);
  browser = await launch();
  page = await openPage(browser, kioskUrl(), SIZES.tablet);
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/tickets')) keys.push(r.headers()['idempotency-key']);
  });
  await page.locator('button.group[data-group="CT"]').waitFor();
});

after(async () => {
  if (browser) await browser.close();
  if (s) { await s.stop(); s.cleanup(); }
});

test('the home screen lists the groups with their queues', { skip: SKIP }, async () => {
  const codes = await page.locator('button.group').evaluateAll((bs) => bs.map((b) => b.dataset.group));
  assert.deepEqual(codes, ['CT', 'HT', 'TK']);
  assert.match(await page.locator('button.group[data-group="CT"] .name').innerText(), /Chứng thực/);
  assert.equal(await page.locator('button.group[data-group="CT"] .waiting').innerText(), '0');
  assert.equal(await page.locator('h1').innerText(), 'Xin mời chọn dịch vụ');
  await shot(page, 'kiosk-tablet-home');
});

test('pressing a group issues a ticket and shows its number', { skip: SKIP }, async () => {
  await page.locator('button.group[data-group="CT"]').click();
  await page.locator('#ticket:not([hidden])').waitFor({ timeout: 5000 });
  const label = await page.locator('#ticket-number').innerText();
  assert.match(label, /^A\d{3,}$/);
  const rows = s.sql(`SELECT t.label, t.state, g.code FROM tickets t JOIN service_groups g ON g.id = t.group_id WHERE t.label = '${label}'`);
  assert.deepEqual(rows, [{ label, state: 'waiting', code: 'CT' }]);
  assert.equal(await page.locator('#ticket-ahead').innerText(), '0');
  assert.match(await page.locator('#ticket-group').innerText(), /Chứng thực/);
  assert.ok((await page.locator('#ticket-print').innerText()).length > 10, 'a word on the print result');
  assert.equal(keys.length, 1);
  assert.match(keys[0], /^[0-9a-f]{32}$/);
  await shot(page, 'kiosk-tablet-ticket');

  // Back home; the second press has its own key and its own ticket.
  await page.locator('#ticket-done').click();
  await page.locator('button.group[data-group="CT"]').click();
  await page.locator('#ticket:not([hidden])').waitFor({ timeout: 5000 });
  const second = await page.locator('#ticket-number').innerText();
  assert.notEqual(second, label);
  assert.equal(await page.locator('#ticket-ahead').innerText(), '1');
  assert.equal(keys.length, 2);
  assert.notEqual(keys[0], keys[1]);
  await page.locator('#ticket-done').click();
});

test('a priority class goes with the ticket', { skip: SKIP }, async () => {
  await page.locator('#priority-toggle').click();
  await page.locator('button.priority[data-priority="elderly"]').click();
  assert.match(await page.locator('#priority-chosen-name').innerText(), /Người cao tuổi/);
  await page.locator('button.group[data-group="HT"]').click();
  await page.locator('#ticket:not([hidden])').waitFor({ timeout: 5000 });
  const label = await page.locator('#ticket-number').innerText();
  assert.deepEqual(s.sql(`SELECT priority FROM tickets WHERE label = '${label}'`), [{ priority: 'elderly' }]);
  assert.ok(await page.locator('#ticket-priority').isVisible());
  // The hall sees the screen: a priority ticket, not which class.
  const line = await page.locator('#ticket-priority').innerText();
  assert.match(line, /Diện ưu tiên/);
  assert.doesNotMatch(line, /cao tuổi/i);
  await page.locator('#ticket-done').click();
  assert.ok(await page.locator('#priority-chosen').isHidden(), 'the choice is for one ticket');
});

test('a printer failure says what to do and shows no number', { skip: SKIP }, async () => {
  const before = ticketCount();
  await page.route('**/api/v1/tickets', (route) => route.fulfill({
    status: 503,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({ error: { code: 'printer_unavailable', message: 'Máy in không sẵn sàng', message_en: 'The printer is unavailable' } }),
  }));
  await page.locator('button.group[data-group="CT"]').click();
  await page.locator('#error:not([hidden])').waitFor({ timeout: 5000 });
  const text = await page.locator('#error').innerText();
  assert.match(text, /Máy in đang gặp sự cố/);
  assert.match(text, /liên hệ cán bộ hướng dẫn/);
  assert.ok(await page.locator('#ticket').isHidden());
  assert.equal(await page.locator('#ticket-number').innerText(), '');
  assert.doesNotMatch(text, /[A-Z]\d{3}/, 'no ticket number anywhere');
  assert.equal(ticketCount(), before);
  await shot(page, 'kiosk-tablet-error');

  // Any other failure: the server unreachable.
  await page.unroute('**/api/v1/tickets');
  await page.route('**/api/v1/tickets', (route) => route.abort('connectionrefused'));
  await page.locator('#error-done').click();
  await page.locator('button.group[data-group="HT"]').click();
  await page.locator('#error:not([hidden])').waitFor({ timeout: 10000 });
  assert.match(await page.locator('#error-message').innerText(), /Không kết nối được với máy chủ/);
  assert.equal(await page.locator('#ticket-number').innerText(), '');
  await page.unroute('**/api/v1/tickets');
  await page.locator('#error-done').click();
});

test('English, and the screens at kiosk, TV, tablet and phone sizes', { skip: SKIP }, async () => {
  const en = await openPage(browser, kioskUrl('&lang=en'), SIZES.kiosk);
  await en.locator('button.group').first().waitFor();
  assert.equal(await en.locator('h1').innerText(), 'Please choose a service');
  await en.route('**/api/v1/tickets', (route) => route.fulfill({
    status: 503, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'printer_unavailable', message: 'x', message_en: 'x' } }),
  }));
  await en.locator('button.group[data-group="TK"]').click();
  await en.locator('#error:not([hidden])').waitFor();
  assert.match(await en.locator('#error-message').innerText(), /printer is out of order/);
  await en.context().close();

  for (const [name, size] of Object.entries(SIZES)) {
    const p = await openPage(browser, kioskUrl(), size);
    await p.locator('button.group').first().waitFor();
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: ${overflow}px wider than the screen`);
    await shot(p, `kiosk-${name}-home`);
    await p.locator('button.group[data-group="TK"]').click();
    await p.locator('#ticket:not([hidden])').waitFor({ timeout: 5000 });
    const o2 = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(o2 <= 0, `${name} ticket: ${o2}px wider than the screen`);
    await shot(p, `kiosk-${name}-ticket`);
    assert.deepEqual(p.errors, [], `${name}: script errors`);
    await p.context().close();
  }
  assert.deepEqual(page.errors, []);
});
