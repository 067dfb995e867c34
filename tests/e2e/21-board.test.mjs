// The hall board (/board) in headless Chromium: a call shows and is spoken
// (the voice plan), a recall speaks again, two boards agree, and a server
// restart shows "Mất kết nối" then recovers the state. Every wait is on a
// condition with a generous bound (a loaded machine is slow, not wrong); how
// fast a call reaches the boards is measured in tests/bench (sse-fanout).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openCounter } from './lib/harness.mjs';
import { SKIP, SIZES, launch, openPage, shot } from './lib/browser.mjs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const SOURCE = process.env.MOTCUA_SOURCE ?? path.resolve('.');
const { voicePlan } = await import(pathToFileURL(path.join(SOURCE, 'display', 'voice-vi.js')).href);

let s;
let browser;
let board; // the first board page
const pages = [];

const boardUrl = (q = '') => `${s.base}/board?access_token=${s.devices['board-1']}${q}`;

async function issue(group, n = 1) {
  for (let i = 0; i < n; i++) {
    const r = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group } });
    assert.equal(r.status, 201, r.text);
  }
}

async function call(clerk, no, what = 'call') {
  const r = await s.as(clerk, 'POST', `/api/v1/counters/${no}/${what}`);
  assert.equal(r.status, 200, r.text);
  return r.json.ticket;
}

// The bound of every wait: reached only when something is broken.
const WAIT = 10000;

const serving = (page, no) => page.locator(`.counter[data-counter="${no}"] .number`);
const online = (page, on, timeout = 10000) =>
  page.waitForSelector(`body[data-online="${on}"]`, { state: 'attached', timeout });

// What two boards must agree on: the numbers served and the last calls.
const boardText = (page) => page.evaluate(() => JSON.stringify({
  counters: [...document.querySelectorAll('.counter')].map((c) => c.innerText),
  calls: [...document.querySelectorAll('#calls li')].map((c) => c.innerText),
}));

before(async () => {
  if (SKIP) return;
  s = await startServer({ args: ['--heartbeat-ms', '1000'] });
  await openCounter(s, 'clerk1', 1);
  await openCounter(s, 'clerk2', 2);
  await issue('CT', 6);
  await issue('HT', 3);
  browser = await launch();
  board = await openPage(browser, boardUrl(), SIZES.tv);
  pages.push(board);
  await online(board, true);
});

after(async () => {
  if (browser) await browser.close();
  if (s) { await s.stop(); s.cleanup(); }
});

test('a call is on the board, and spoken', { skip: SKIP }, async () => {
  const ticket = await call('clerk1', 1);
  await serving(board, 1).filter({ hasText: ticket.label }).waitFor({ timeout: WAIT });
  await board.locator('#call-banner:not([hidden])').waitFor({ timeout: WAIT });
  assert.equal(await board.locator('#call-number').innerText(), ticket.label);
  assert.equal(await board.locator('#calls li').first().getAttribute('data-label'), ticket.label);

  const plan = await board.evaluate(() => window.motcuaBoard.lastVoicePlan);
  assert.equal(ticket.label, 'A001');
  assert.deepEqual(plan, ['chime', 'moi-cong-dan', 'chu-a', 'mot', 'den-quay-so', 'mot']);
  assert.equal(await board.getAttribute('body', 'data-voice-plan'), plan.join(' '));
  // The clips load and decode in the browser, and the audio runs.
  const audio = await board.evaluate(async (ids) => {
    const p = window.motcuaBoard.player;
    const bufs = await Promise.all(ids.map((id) => p.clip(id)));
    return { state: p.ctx.state, durations: bufs.map((b) => (b ? b.duration : 0)) };
  }, plan);
  assert.equal(audio.state, 'running');
  assert.ok(audio.durations.every((d) => d > 0.1), JSON.stringify(audio.durations));
  // Every clip of the plan is served.
  for (const id of plan) {
    const r = await s.req('GET', `/static/voice/${id}.wav`);
    assert.equal(r.status, 200, id);
    assert.equal(r.headers['content-type'], 'audio/wav');
  }
  // The waiting count follows from the server's snapshot.
  await board.locator('.group[data-group="CT"] .waiting').filter({ hasText: /^5$/ }).waitFor({ timeout: WAIT });
  // The banner's entrance animation has run its course (finite animations
  // only: a pulsing mark never ends).
  await board.waitForFunction(() => document.getAnimations().every((a) =>
    a.effect?.getTiming().iterations === Infinity || a.playState !== 'running'), null, { timeout: WAIT });
  await shot(board, 'board-tv-call');
});

test('a recall is announced again', { skip: SKIP }, async () => {
  const before = await board.evaluate(() => window.motcuaBoard.voiceLog.length);
  const ticket = await call('clerk1', 1, 'recall');
  await board.waitForFunction((n) => window.motcuaBoard.voiceLog.length === n + 1, before, { timeout: WAIT });
  const plan = await board.evaluate(() => window.motcuaBoard.lastVoicePlan);
  assert.deepEqual(plan, ['chime', 'moi-cong-dan', 'chu-a', 'mot', 'den-quay-so', 'mot']);
  assert.equal(await board.locator('#call-number').innerText(), ticket.label);
  assert.ok(await board.locator('#call-banner').isVisible());
});

test('a second counter is read with its own number', { skip: SKIP }, async () => {
  const ticket = await call('clerk2', 2);
  await serving(board, 2).filter({ hasText: ticket.label }).waitFor({ timeout: WAIT });
  const plan = await board.evaluate(() => window.motcuaBoard.lastVoicePlan);
  assert.deepEqual(plan, voicePlan(ticket.label, 2));
  assert.equal(plan.at(-1), 'hai');
});

test('two boards stay identical', { skip: SKIP }, async () => {
  const second = await openPage(browser, boardUrl(), SIZES.tv);
  pages.push(second);
  await online(second, true);
  await call('clerk1', 1, 'finish');
  await call('clerk1', 1);
  await call('clerk2', 2, 'finish');
  const last = await call('clerk2', 2);
  for (const p of [board, second]) await serving(p, 2).filter({ hasText: last.label }).waitFor({ timeout: WAIT });
  // Both settle on the server's snapshot.
  let a, b;
  for (const deadline = Date.now() + WAIT; ;) {
    [a, b] = [await boardText(board), await boardText(second)];
    if (a === b || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(a, b);
  const calls = JSON.parse(a).calls;
  assert.ok(calls.length >= 4, a);
  assert.match(calls[0], new RegExp(last.label));
  await second.context().close();
  pages.pop();
});

test('a server restart shows offline, then the board recovers its state', { skip: SKIP }, async () => {
  const current = await serving(board, 2).innerText();
  await s.stop();
  await online(board, false, WAIT);
  assert.ok(await board.locator('#offline').isVisible(), 'the offline mark is shown');
  assert.match(await board.locator('#offline').innerText(), /Mất kết nối/);
  // The last state stays on screen while away.
  assert.equal(await serving(board, 2).innerText(), current);
  await shot(board, 'board-tv-offline');

  await s.start();
  // A call made as soon as the server is back reaches the board, by the
  // resumed stream or by its first snapshot.
  await call('clerk1', 1, 'finish');
  const ticket = await call('clerk1', 1);
  await online(board, true, 15000);
  await serving(board, 1).filter({ hasText: ticket.label }).waitFor({ timeout: WAIT });
  assert.equal(await serving(board, 2).innerText(), current, 'the state is recovered');
  assert.ok(!(await board.locator('#offline').isVisible()));
  // After the restart, live calls are still announced.
  const n = await board.evaluate(() => window.motcuaBoard.voiceLog.length);
  await call('clerk1', 1, 'recall');
  await board.waitForFunction((k) => window.motcuaBoard.voiceLog.length > k, n, { timeout: WAIT });
});

test('English, voice off, and the screens at TV, tablet and phone sizes', { skip: SKIP }, async () => {
  // A third counter open, so the screens show a fuller hall.
  await openCounter(s, 'sup', 3);
  await call('sup', 3);
  const en = await openPage(browser, boardUrl('&lang=en&voice=off'), SIZES.tv);
  await online(en, true);
  assert.equal(await en.locator('#serving-title').innerText(), 'NOW SERVING');
  const ticket = await call('clerk2', 2, 'recall');
  await en.waitForFunction(() => window.motcuaBoard.voiceLog.length > 0, null, { timeout: WAIT });
  assert.deepEqual(await en.evaluate(() => window.motcuaBoard.lastVoicePlan), ['chime'], 'voice off keeps the chime');
  assert.equal(await en.locator('#call-number').innerText(), ticket.label);
  await en.locator('#lang-toggle').click();
  assert.equal(await en.locator('#serving-title').innerText(), 'ĐANG PHỤC VỤ');
  await en.context().close();

  for (const [name, size] of Object.entries(SIZES)) {
    const p = await openPage(browser, boardUrl(), size);
    await online(p, true);
    await p.locator('.counter').first().waitFor();
    // No horizontal overflow: nothing wider than the screen.
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: ${overflow}px wider than the screen`);
    await shot(p, `board-${name}`);
    assert.deepEqual(p.errors, [], `${name}: script errors`);
    await p.context().close();
  }
  assert.deepEqual(board.errors, [], 'no script errors on the first board');
});

test('a board that is still connecting does not say "Mất kết nối"; silence past 5 s does', { skip: SKIP }, async (t) => {
  // The event stream and the snapshot poll are held unanswered: the page
  // loads and waits for its first state.
  const context = await browser.newContext({ viewport: SIZES.tv, locale: 'vi-VN' });
  t.after(() => context.close());
  const page = await context.newPage();
  const held = [];
  await page.route(/\/api\/v1\/(events|queue)/, (route) => { held.push(route); });
  const t0 = Date.now();
  await page.goto(boardUrl());
  assert.equal(await page.getAttribute('body', 'data-online'), 'connecting');
  assert.equal(await page.locator('#offline').isVisible(), false, 'nothing said while connecting');
  await online(page, false, WAIT);
  assert.ok(Date.now() - t0 >= 4500, `offline said after the grace, not at once (${Date.now() - t0} ms)`);
  assert.equal(await page.locator('#offline').isVisible(), true);
  for (const r of held) r.abort().catch(() => {});
});
