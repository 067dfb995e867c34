// The citizen pages of a province of two centres, in headless Chromium. A
// citizen of centre B (Lao Bảo) follows a ticket (/queue?t=), looks a
// dossier up (/status), rates a dossier and a visit (/rate?t=) and opens
// B's public page (/public?office=): each page names B's centre and shows
// no error, and no request the page makes answers 4xx/5xx (in a province the
// plain GET /api/v1/queue is 400 office_required: a page must name its
// centre). The pages without a subject (/status, /rate, /public with no
// link) make no failing request either.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openCounter } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_B } from './lib/province-bundle.mjs';
import { SKIP, SIZES, launch } from './lib/browser.mjs';

const NAME_A = 'Trung tâm Phục vụ hành chính công xã Khe Sanh';
const NAME_B = 'Trung tâm Phục vụ hành chính công xã Lao Bảo';
const WAIT = 5000;
const APPLICANT = { name: 'Hồ Văn Nam', id_number: '045190007788', phone: '0905777888' };

let s;
let browser;
const b = {}; // B's ticket, dossiers and rating links

const ok = (r, status = [200, 201]) => {
  assert.ok(status.includes(r.status), `${r.status} ${r.text}`);
  return r.json;
};
const intake = async (who, extra = {}) => ok(await s.as(who, 'POST', '/api/v1/dossiers', {
  body: { procedure: 'P3', applicant: APPLICANT, outcome: 'received', confirm_duplicate: true, ...extra },
}));

before(async () => {
  if (SKIP) return;
  s = await startServer({ bundle: PROVINCE_BUNDLE });
  // A waiting ticket at B; a served one with its rating link.
  await openCounter(s, 'b.clerk', 1);
  const served = ok(await s.as('b-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).ticket;
  ok(await s.as('b.clerk', 'POST', '/api/v1/counters/1/call'));
  ok(await s.as('b.clerk', 'POST', '/api/v1/counters/1/finish'));
  b.visitLink = ok(await s.as('b.clerk', 'POST', `/api/v1/tickets/${served.id}/rating-link`)).token;
  b.ticket = ok(await s.as('b-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'HT' } })).ticket;
  // A dossier received at B; one received at A whose result waits at B.
  const own = await intake('b.clerk');
  b.own = { code: own.dossier.code, secret: own.secret };
  const away = await intake('a.clerk', { authority: 'UB-LB', return_at: CENTRE_B });
  b.away = { code: away.dossier.code, secret: away.secret };
  b.dossierLink = ok(await s.as('b.clerk', 'POST', `/api/v1/dossiers/${encodeURIComponent(b.own.code)}/rating-link`)).token;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (s) { await s.stop(); s.cleanup(); }
});

// Opens url on a phone and records every API answer of 400 or more (and the
// console's errors) from the first request on.
async function open(url) {
  const context = await browser.newContext({ viewport: SIZES.phone, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  page.failed = [];
  page.consoleErrors = [];
  page.on('response', (r) => {
    if (r.status() >= 400 && new URL(r.url()).pathname.startsWith('/api/')) page.failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
  await page.goto(url);
  return page;
}

// The page has settled: its state, then the heading naming name (polled).
async function settled(page, state, name) {
  await page.locator(`body[data-state="${state}"]`).waitFor({ timeout: WAIT });
  if (name) await page.locator('#office-name').filter({ hasText: name }).waitFor({ timeout: WAIT });
  // Every request the page started has answered.
  await page.waitForLoadState('networkidle', { timeout: WAIT });
}

function clean(page, what) {
  const queue = page.failed.filter((f) => f.includes('/api/v1/queue'));
  assert.deepEqual(queue, [], `${what}: a failed request to the public queue`);
  assert.deepEqual(page.failed, [], `${what}: failed requests`);
  assert.deepEqual(page.consoleErrors, [], `${what}: console errors`);
}

test('/queue?t= of a ticket of B names B, says the place in line, and asks nothing that fails', { skip: SKIP }, async () => {
  const p = await open(`${s.base}/queue?t=${b.ticket.id}`);
  await settled(p, 'waiting', NAME_B);
  assert.equal(await p.locator('#office-name').innerText(), NAME_B);
  assert.match(await p.locator('#result').innerText(), new RegExp(b.ticket.label));
  clean(p, '/queue');
  await p.context().close();
});

test('/status of dossiers whose result waits at B names B, with no error', { skip: SKIP }, async () => {
  for (const [what, d] of [['received at B', b.own], ['received at A, returned at B', b.away]]) {
    const p = await open(`${s.base}/status?code=${encodeURIComponent(d.code)}&secret=${encodeURIComponent(d.secret)}`);
    await settled(p, 'found', NAME_B);
    assert.equal(await p.locator('#office-name').innerText(), NAME_B, what);
    assert.match(await p.locator('#dossier').innerText(), new RegExp(d.code.replace(/[.-]/g, '\\$&')), what);
    assert.equal(await p.locator('#lookup-error').count(), 0, what);
    assert.doesNotMatch(await p.locator('body').innerText(), new RegExp(NAME_A), what);
    clean(p, `/status ${what}`);
    await p.context().close();
  }
});

test('/rate of a dossier and of a visit of B names B and offers the form', { skip: SKIP }, async () => {
  for (const [what, token] of [['dossier', b.dossierLink], ['visit', b.visitLink]]) {
    const p = await open(`${s.base}/rate?t=${encodeURIComponent(token)}`);
    await settled(p, 'form', NAME_B);
    assert.equal(await p.locator('#office-name').innerText(), NAME_B, what);
    assert.equal(await p.locator('#rate-form').isVisible(), true, what);
    assert.equal(await p.locator('#outcome .error').count(), 0, what);
    clean(p, `/rate ${what}`);
    await p.context().close();
  }
  // The public answer names the centre by code and name only.
  const info = ok(await s.req('GET', `/api/v1/public/ratings/${b.dossierLink}`));
  assert.deepEqual(info.office, { code: CENTRE_B, name: NAME_B });
});

test("/public?office=B is B's page; /public lists both centres", { skip: SKIP }, async () => {
  const p = await open(`${s.base}/public?office=${CENTRE_B}`);
  await settled(p, 'ready', NAME_B);
  assert.equal(await p.locator('#office-name').innerText(), NAME_B);
  clean(p, '/public?office=');
  await p.context().close();
  const all = await open(`${s.base}/public`);
  await settled(all, 'ready');
  const text = await all.locator('body').innerText();
  assert.match(text, new RegExp(NAME_A));
  assert.match(text, new RegExp(NAME_B));
  clean(all, '/public');
  await all.context().close();
});

test('/status and /rate with no code yet ask nothing that fails in a province', { skip: SKIP }, async () => {
  const st = await open(`${s.base}/status`);
  await settled(st, 'idle');
  clean(st, '/status');
  await st.context().close();
  const rate = await open(`${s.base}/rate`);
  await settled(rate, 'code');
  assert.equal(await rate.locator('#code-form').isVisible(), true);
  clean(rate, '/rate');
  await rate.context().close();
});
