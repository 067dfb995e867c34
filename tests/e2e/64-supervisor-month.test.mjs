// The supervisor's page over a simulated month of the demo office, read as a
// supervisor reads it in headless Chromium: the late list counts every open
// late dossier (the API's own count) with the most overdue first, pages
// through all of them; a dossier's history opens under its row, in sight;
// the rendered text is Vietnamese (no raw keys, no office codes or logins
// where names belong), dates dd/mm/yyyy with 24-hour times, numbers with a
// decimal comma; the month's ratings fill the satisfaction section.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, cli, SOURCE, PASSWORDS } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';
import { SKIP, SHOTS, launch, openPage, shot, SIZES } from './lib/browser.mjs';

const DEMO = JSON.parse(readFileSync(path.join(SOURCE, 'data/demo-bundle.json'), 'utf8'));
const SUP = DEMO.users.find((u) => u.role === 'supervisor');
const FINISHED = ['result_ready', 'returned', 'returned_ineligible', 'withdrawn', 'cancelled', 'rejected_at_intake'];
let s, browser;

before(async () => {
  s = await startServer({ bundle: DEMO });
  await s.stop();
  const r = cli(['simulate', '--db', s.db, '--days', '30', '--seed', '12']);
  assert.equal(r.status, 0, r.stderr);
  await s.start();
  PASSWORDS[SUP.username] = SUP.password;
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); s?.cleanup(); });


// The truth from the plain list (every late dossier, any state), filtered
// here: the open late ones, and the largest working time past due.
async function openLate() {
  const items = [];
  for (let offset = 0; ; offset += 500) {
    const page = ok(await s.as(SUP.username, 'GET', `/api/v1/dossiers?late=true&limit=500&offset=${offset}`));
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) break;
  }
  return items.filter((d) => !FINISHED.includes(d.status));
}

async function login(size) {
  const page = await openPage(browser, `${s.base}/supervisor`, size);
  await page.waitForSelector('#login:not([hidden])');
  await page.fill('#username', SUP.username);
  await page.fill('#password', SUP.password);
  await page.click('#login-form button');
  await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
  return page;
}

test('a month: the late list is every open late dossier, most overdue first', { skip: SKIP }, async () => {
  const late = await openLate();
  assert.ok(late.length > 50, `a month leaves more open late files than one page (${late.length})`);
  const worst = Math.max(...late.map((d) => d.timing.late_seconds));

  const page = await login(SIZES.tv);
  await shot(page, 'supervisor-month-1920');
  const count = (await page.textContent('#late-count')).replace(/[().]/g, '');
  assert.equal(Number(count), late.length, 'the count is the API\'s count of open late dossiers');
  const first = await page.locator('#late tbody tr').first().locator('a[data-code]').textContent();
  const firstDossier = late.find((d) => d.code === first);
  assert.ok(firstDossier, `the first row ${first} is open and late`);
  assert.equal(firstDossier.timing.late_seconds, worst, 'the first row is the most overdue');
  // Rows go down in lateness.
  const amounts = (await page.locator('#late tbody td.amount').allTextContents()).map((t) => Number(t.replace(/\./g, '').replace(',', '.')));
  for (let i = 1; i < amounts.length; i++) assert.ok(amounts[i] <= amounts[i - 1], `row ${i}: ${amounts[i]} after ${amounts[i - 1]}`);
  // "Xem thêm" brings the rest, each dossier once.
  for (let i = 0; i < 20 && await page.isVisible('#late-more'); i++) {
    const before = await page.locator('#late tbody tr').count();
    await page.click('#late-more');
    await page.waitForFunction((n) => document.querySelectorAll('#late tbody tr').length > n, before);
  }
  const codes = await page.locator('#late tbody a[data-code]').allTextContents();
  assert.equal(codes.length, late.length);
  assert.deepEqual([...new Set(codes)].sort(), late.map((d) => d.code).sort());
  // The at-risk list: open, soonest due first.
  const risk = ok(await s.as(SUP.username, 'GET', '/api/v1/dossiers?at_risk=true&open=true&sort=due&limit=500'));
  assert.equal(Number((await page.textContent('#risk-count')).replace(/[().]/g, '')), risk.total);
  const dues = risk.items.map((d) => d.due_at);
  assert.deepEqual(dues, [...dues].sort((a, b) => a - b));
  assert.deepEqual(page.errors, []);
});

test('history opens under its row, in sight', { skip: SKIP }, async () => {
  const page = await login(SIZES.tablet);
  const row = page.locator('#late tbody tr').nth(2);
  await row.locator('button').click();
  const hist = page.locator('#late tbody tr.history-row');
  await hist.waitFor();
  assert.equal(await row.evaluate((r) => r.nextElementSibling?.classList.contains('history-row')), true,
    'the history is the row right under the dossier');
  const box = await hist.boundingBox();
  const rowBox = await row.boundingBox();
  assert.ok(box.y >= rowBox.y + rowBox.height - 1 && box.y < rowBox.y + rowBox.height + 40, 'right under the row');
  const text = await hist.textContent();
  assert.match(text, /Phiếu kiểm soát \(Mẫu 06\)/);
  assert.match(text, /Tiếp nhận/);
  assert.doesNotMatch(text, /\b(received|handover|result_ready|user:\d+)\b/);
  await shot(page, 'supervisor-month-history-1280');
  await row.locator('button').click();
  await hist.waitFor({ state: 'detached' });
  assert.deepEqual(page.errors, []);
});

test('Vietnamese on screen: names, words, dates and numbers', { skip: SKIP }, async () => {
  const page = await login(SIZES.tv);
  // The period of the simulated month (the 30 days before now), as a
  // supervisor picks it: on the first of a month the default period (this
  // month so far) holds no finished dossier yet, hence no rate to read.
  const start = new Date(Date.now() + 7 * 3600 * 1000 - 29 * 86400 * 1000);
  const p2 = (n) => String(n).padStart(2, '0');
  await page.fill('#from', `${p2(start.getUTCDate())}/${p2(start.getUTCMonth() + 1)}/${start.getUTCFullYear()}`);
  await page.click('#period button[type=submit]');
  await page.waitForFunction(() => /\d+,\d %/.test(document.querySelector('main').innerText), null, { timeout: 30000 });
  const offices = ok(await s.as(SUP.username, 'GET', '/api/v1/offices?limit=500')).items;
  const users = ok(await s.as(SUP.username, 'GET', '/api/v1/users?limit=500')).items;
  const text = await page.evaluate(() => document.querySelector('main').innerText);
  const word = (w) => new RegExp(`(^|[^\\p{L}\\p{N}_:-])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}_-])`, 'u');
  for (const o of offices) assert.doesNotMatch(text, word(o.code), `office code "${o.code}" where its name belongs`);
  for (const u of users) assert.doesNotMatch(text, word(u.username), `login "${u.username}" where a name belongs`);
  assert.doesNotMatch(text, /\b[a-z]+_[a-z_]+\b/, 'no snake_case key');
  assert.doesNotMatch(text, /\b(SIPAS procedure|officer|overall|access|no ratings|one-stop)\b/);
  // The page's own words for the server's keys: none of the keys may show.
  const keys = await page.evaluate(async () => {
    const m = await import('/static/supervisor.js');
    return Object.values(m.TEXTS ?? {}).flatMap((o) => Object.keys(o));
  });
  assert.ok(keys.length > 20, 'the page names every key it shows');
  for (const k of keys) assert.doesNotMatch(text, word(k), `raw key "${k}" on screen`);
  assert.match(text, /Bộ phận Một cửa|Phòng /, 'holders by name');
  // Dates dd/mm/yyyy with 24-hour times; never ISO dates.
  assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}/);
  const dues = await page.locator('#late tbody tr:not(.history-row) td:nth-child(3)').allTextContents();
  assert.ok(dues.length > 0);
  for (const d of dues) assert.match(d, /^\d{2}\/\d{2}\/\d{4} ([01]\d|2[0-3]):[0-5]\d$/);
  // Decimal comma, a space before %, counts without ".0".
  assert.doesNotMatch(text, /\d\.\d+\s?%/);
  assert.doesNotMatch(text, /\d%/);
  assert.match(text, /\d+,\d %/);
  assert.doesNotMatch(text, /\b\d+\.0\b/);
  // The simulated month's ratings fill the satisfaction section.
  assert.match(await page.inputValue('#to'), /^\d{2}\/\d{2}\/\d{4}$/, 'the period in dd/mm/yyyy');
  const from = new Date(Date.now() + 7 * 3600e3 - 30 * 86400e3).toISOString().slice(0, 10);
  await page.fill('#from', from.split('-').reverse().join('/'));
  await page.click('#period button');
  await page.waitForFunction(() => !/Chưa có đánh giá/.test(document.querySelector('#ratings').textContent), null, { timeout: 20000 });
  const rating = await page.textContent('#ratings');
  assert.doesNotMatch(rating, /Chưa có đánh giá/);
  assert.match(rating, /\d+ đánh giá · hài lòng \d+,\d %/);
  await page.screenshot({ path: path.join(SHOTS, 'supervisor-month-full.png'), fullPage: true });
  await page.setViewportSize(SIZES.tablet);
  await shot(page, 'supervisor-month-1280');
  assert.deepEqual(page.errors, []);
});

test('the list API: open, sort and paging; bad values are 400', async () => {
  const late = await openLate();
  const q = (extra) => s.as(SUP.username, 'GET', `/api/v1/dossiers?late=true&open=true&sort=overdue&${extra}`);
  const first = ok(await q('limit=7'));
  assert.equal(first.total, late.length);
  const second = ok(await q('limit=7&offset=7'));
  assert.equal(second.total, late.length);
  const both = [...first.items, ...second.items].map((d) => d.timing.late_seconds);
  assert.deepEqual(both, [...both].sort((a, b) => b - a), 'pages continue the order');
  assert.equal(new Set([...first.items, ...second.items].map((d) => d.code)).size, 14);
  const due = ok(await s.as(SUP.username, 'GET', '/api/v1/dossiers?open=true&sort=due&limit=500')).items.map((d) => d.due_at);
  const dated = due.filter((t) => t !== null);
  assert.deepEqual(dated, [...dated].sort((a, b) => a - b));
  assert.deepEqual(due.slice(dated.length), due.filter((t) => t === null), 'no due instant last');
  for (const [extra, code] of [['sort=worst', 'invalid_sort'], ['open=maybe', 'invalid_filter']]) {
    const r = await s.as(SUP.username, 'GET', `/api/v1/dossiers?${extra}`);
    assert.equal(r.status, 400, extra);
    assert.equal(r.json.error.code, code);
  }
});
