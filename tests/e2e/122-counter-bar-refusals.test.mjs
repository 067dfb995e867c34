// The counter bar's refusals and keyboard: every refusal is the server's
// Vietnamese sentence in the bar (the machine code only in its details
// line) and changes nothing: another clerk's counter (counter_not_yours),
// an empty queue (queue_empty), closing while serving (counter_busy),
// moving to another counter while serving (serving_elsewhere). With the
// keyboard only: a transfer to a group through the dialog (Tab, arrows,
// Enter), Esc closes a dialog doing nothing, a key held down calls once,
// and the focused control shows a ring.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORDS } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';
import { SKIP, launch, openPage, shot } from './lib/browser.mjs';
import { login, chooseCounter, visibleText, waitText } from './lib/counter-page.mjs';

const OFFICE = { width: 1366, height: 768 };
let s, browser;
before(async () => {
  s = await startServer();
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s.stop(); s.cleanup(); });

const counter = (no) => s.sql(`SELECT c.state, u.username AS user FROM counters c
  LEFT JOIN users u ON u.id = c.user_id WHERE c.no = ${no}`)[0];
const ticket = (label) => s.sql(`SELECT t.state, g.code AS grp, co.no AS counter FROM tickets t
  JOIN service_groups g ON g.id = t.group_id LEFT JOIN counters co ON co.id = t.counter_id
  WHERE t.label = '${label}'`)[0];
const issue = async (group) => ok(await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group } })).ticket.label;

async function clerkPage(user, no) {
  const page = await openPage(browser, `${s.base}/counter`, OFFICE);
  await login(page, user, PASSWORDS[user]);
  await chooseCounter(page, no);
  return page;
}

// The bar's refusal: its plain sentence (what a clerk reads) and its code.
async function refusal(page, code) {
  await page.waitForFunction((c) => document.querySelector('#bar-msg .details')?.textContent.includes(c),
    code, { timeout: 15000 });
  const said = await visibleText(page, 'bar-msg');
  assert.doesNotMatch(said, /[a-z]+_[a-z]+|HTTP/, `no machine words in "${said}"`);
  return said;
}

test('refusals in the server\'s words, changing nothing', { skip: SKIP }, async () => {
  const one = await clerkPage('clerk1', 1);
  await one.click('#btn-open');
  await waitText(one, 'counter-state', /^Đang mở$/);

  // Another clerk at the same counter.
  const two = await clerkPage('clerk2', 1);
  await waitText(two, 'counter-state', /^Đang mở$/);
  await two.click('#btn-close');
  assert.match(await refusal(two, 'counter_not_yours'), /Quầy này đang do cán bộ khác phụ trách/);
  assert.deepEqual({ ...counter(1) }, { state: 'open', user: 'clerk1' });
  await two.context().close();

  // Nobody waiting.
  await one.keyboard.press('F1');
  assert.match(await refusal(one, 'queue_empty'), /Không còn ai chờ/);

  // Closing while serving.
  const label = await issue('CT');
  await waitText(one, 'queue-groups', new RegExp(label));
  await one.keyboard.press('F1');
  await waitText(one, 'serving-number', new RegExp(`^${label}$`));
  await one.click('#btn-close');
  assert.match(await refusal(one, 'counter_busy'), /hãy kết thúc trước/);
  assert.equal(counter(1).state, 'open');

  // Moving to counter 2 while serving at 1: chosen in the page, refused by
  // the server when opened; counter 1 keeps its ticket.
  await one.click('#btn-setup');
  await one.locator('#setup-dialog[open]').waitFor();
  await one.selectOption('#setup-counter', '2');
  await one.click('#setup-submit');
  await waitText(one, 'counter-label', /Quầy 2/);
  await waitText(one, 'counter-state', /^Đã đóng$/);
  await one.click('#btn-open');
  const said = await refusal(one, 'serving_elsewhere');
  assert.match(said, new RegExp(label), said);
  assert.equal(counter(2).state, 'closed');
  assert.deepEqual({ ...ticket(label) }, { state: 'called', grp: 'CT', counter: 1 });
  await shot(one, 'counter-bar-refusal-1366');
  assert.deepEqual(one.errors, []);
  await one.context().close();
});

test('keyboard only: transfer to a group, Esc, a held key calls once, focus ring', { skip: SKIP }, async () => {
  const page = await clerkPage('clerk1', 2);
  // From the bar's setup in the test before, counter 1 still serves:
  // finish it there first (the API), then open counter 2 by keyboard.
  ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/finish', { body: {} }));
  // From the counter's name, the next stop of Tab is the bar's first button.
  await page.click('#counter-label');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id || document.activeElement.outerHTML.slice(0, 80)), 'btn-open');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  await page.keyboard.press('Enter');
  await waitText(page, 'counter-state', /^Đang mở$/);
  assert.equal(counter(2).user, 'clerk1');

  // A key held down: one call (the second ticket still waits).
  const a = await issue('CT');
  const b = await issue('CT');
  await waitText(page, 'queue-groups', new RegExp(b));
  const calls = [];
  page.on('request', (r) => { if (r.method() === 'POST' && /\/call\b/.test(r.url())) calls.push(r.url()); });
  await page.keyboard.down('F1');
  await waitText(page, 'serving-number', new RegExp(`^${a}$`));
  await page.waitForFunction(() => !document.getElementById('btn-next').disabled);
  // Still held after the call: the key repeats.
  await page.keyboard.down('F1');
  await page.keyboard.down('F1');
  await page.keyboard.up('F1');
  assert.equal(await page.getAttribute('#bar-msg', 'class'), 'bar-msg', 'no refusal said');
  await page.keyboard.press('F2');
  await waitText(page, 'bar-msg', new RegExp(`Đã gọi lại số ${a}`));
  assert.equal(calls.length, 1, `one call sent: ${calls.join(', ')}`);
  await waitText(page, 'queue-groups', new RegExp(`Tiếp theo: ${b}`));
  assert.equal(ticket(b).state, 'waiting');

  // A closed counter may be chosen, with a line saying the number waits
  // until it opens; an open one says nothing more.
  await page.keyboard.press('F4');
  await page.locator('#transfer-dialog[open]').waitFor();
  assert.equal(await page.isHidden('#transfer-warn'), true);
  await page.selectOption('#transfer-counter', '3');
  await waitText(page, 'transfer-warn', /^Quầy 3 đang đóng: số sẽ chờ đến khi quầy mở\.$/);
  await shot(page, 'counter-bar-transfer-closed-1366');
  await page.selectOption('#transfer-counter', '');
  assert.equal(await page.isHidden('#transfer-warn'), true);
  // Esc closes the transfer dialog and nothing moves.
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.getElementById('transfer-dialog').open);
  assert.deepEqual({ ...ticket(a) }, { state: 'called', grp: 'CT', counter: 2 });

  // F4, the group list has the focus: arrows to Hộ tịch, Enter.
  await page.keyboard.press('F4');
  await page.locator('#transfer-dialog[open]').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'transfer-group');
  const options = await page.locator('#transfer-group option').allTextContents();
  const steps = options.indexOf('Hộ tịch');
  assert.ok(steps > 0, JSON.stringify(options));
  for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await page.inputValue('#transfer-group'), 'HT');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.getElementById('transfer-dialog').open);
  await waitText(page, 'bar-msg', new RegExp(`Đã chuyển số ${a} sang nhóm Hộ tịch`));
  assert.deepEqual({ ...ticket(a) }, { state: 'waiting', grp: 'HT', counter: null });
  // Counter 2 serves Hộ tịch too: the panel shows it there.
  await waitText(page, 'queue-groups', new RegExp(a));
  assert.notEqual(ring, 'none', 'the focused button shows a ring');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
