// The demo province (data/demo-bundle.json) takes bookings at every centre
// for its main groups; a procedure of the catalogue books its field's
// group; the page on a desktop (1366×768) from a centre's link. Screenshot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, SOURCE } from './lib/harness.mjs';
import { setClock } from './lib/steps.mjs';
import { launch, openPage, shot, SKIP } from './lib/browser.mjs';
import { MONDAY_8AM } from './lib/booking-province.mjs';

const DEMO = JSON.parse(readFileSync(path.join(SOURCE, 'data/demo-bundle.json'), 'utf8'));
let s;
let browser;
before(async () => {
  s = await startServer({ bundle: DEMO, args: ['--test-clock', '--logins-per-minute', '1000'] });
  await setClock(s, MONDAY_8AM);
});
after(async () => { await browser?.close(); await s?.stop(); s?.cleanup(); });

test('every centre of the demo takes bookings for its main groups; procedures book their field\'s group', async () => {
  const r = await s.req('GET', '/api/v1/public/booking/options');
  assert.equal(r.status, 200, r.text);
  const centres = Object.fromEntries(r.json.centres.map((c) => [c.code, c.groups.map((g) => g.code)]));
  const demoCentres = DEMO.offices.filter((o) => o.kind === 'centre').map((o) => o.code);
  assert.deepEqual(Object.keys(centres).sort(), demoCentres.sort());
  for (const c of ['TTHCC-KS', 'TTHCC-LB', 'TTHCC-HP', 'TTHCC-TL']) assert.deepEqual(centres[c], ['CT', 'HT', 'DD', 'KD']);
  const birth = r.json.procedures.find((p) => /khai sinh/i.test(p.name));
  assert.equal(birth.groups['TTHCC-KS'], 'HT');
  const business = r.json.procedures.find((p) => /hộ kinh doanh/i.test(p.name));
  assert.equal(business?.groups['TTHCC-KS'], 'KD');
  const sl = await s.req('GET', '/api/v1/public/booking/slots?office=TTHCC-KS&group=CT');
  assert.equal(sl.status, 200);
  assert.equal(sl.json.capacity, 3);
  assert.equal(sl.json.days[1].slots.length, 15);
});

test('the page from a centre\'s link on a desktop', { skip: SKIP }, async () => {
  browser = await launch();
  const page = await openPage(browser, `${s.base}/dat-lich?office=TTHCC-KS`, { width: 1366, height: 768 });
  await page.waitForSelector('body[data-ready="1"]');
  assert.equal(await page.locator('#centre').inputValue(), 'TTHCC-KS');
  await page.fill('#proc-q', 'khai sinh');
  await page.locator('#procs button').first().click();
  await page.locator('#slots button:not(:disabled)').first().waitFor();
  assert.match(await page.locator('#days').innerText(), /Thứ Ba, 08\/12\/2026/);
  await shot(page, '214-booking-desktop');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  assert.deepEqual(page.errors, []);
});
