// /public of the demo province, as a citizen reads it in headless Chromium:
// the province's page lists every centre (address, hours, today's queue,
// this month's on-time rate) and links to each centre's page
// (/public?office=<code>), which shows that centre's queue only: its
// numbers waiting and being served, by service, none of another centre's.
// The public JSON behind it (GET /api/v1/public/transparency) gives every
// centre's figures and, with office=, one centre's; another code is 404.
// Screenshots at 1920×1080 and 390×844 in $MOTCUA_BUILD/screenshots: the
// text is Vietnamese, shows no office code, dates dd/mm/yyyy, numbers with a
// decimal comma.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, cli, SOURCE, PASSWORDS } from './lib/harness.mjs';
import { ok, setClock } from './lib/steps.mjs';
import { SKIP, SIZES, launch, openPage, shot } from './lib/browser.mjs';

const BUNDLE = JSON.parse(readFileSync(path.join(SOURCE, 'data/demo-bundle.json'), 'utf8'));
// No paper in this test: the kiosks hand out numbers without printing.
for (const d of BUNDLE.devices) if (d.kind === 'kiosk') { d.prints = false; delete d.printer; }
for (const u of BUNDLE.users) PASSWORDS[u.username] = u.password;
const CENTRES = BUNDLE.offices.filter((o) => o.kind === 'centre');
const KS = CENTRES.find((c) => c.name.endsWith('xã Khe Sanh'));
const LB = CENTRES.find((c) => c.name.endsWith('xã Lao Bảo'));
const kioskOf = (c) => BUNDLE.devices.find((d) => d.office === c.code && d.kind === 'kiosk').name;
const clerkOf = (c) => BUNDLE.users.find((u) => u.office === c.code && u.role === 'counter').username;
let s, browser;


before(async () => {
  s = await startServer({ bundle: BUNDLE, args: ['--test-clock'] });
  // A short history, so every centre has an on-time rate this month.
  await s.stop();
  const r = cli(['simulate', '--db', s.db, '--days', '6', '--seed', '92']);
  assert.equal(r.status, 0, r.stderr);
  await s.start();
  // On the first of a month (office time) "this month" holds none of that
  // history yet: the server's clock goes back to the last minute of the
  // month before, which the history ends in.
  const office = new Date(Date.now() + 7 * 3600 * 1000);
  if (office.getUTCDate() === 1) {
    const midnight = Date.UTC(office.getUTCFullYear(), office.getUTCMonth(), 1) / 1000 - 7 * 3600;
    await setClock(s, midnight - 60);
  }
  // Today at Khe Sanh: three numbers, one called to counter 1; at Lao Bảo,
  // one number waiting. No other centre has anyone.
  for (let i = 0; i < 3; i++) ok(await s.as(kioskOf(KS), 'POST', '/api/v1/tickets', { body: { group: 'CT' } }));
  ok(await s.as(kioskOf(LB), 'POST', '/api/v1/tickets', { body: { group: 'HT' } }));
  ok(await s.as(clerkOf(KS), 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } }));
  ok(await s.as(clerkOf(KS), 'POST', '/api/v1/counters/1/call'));
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s?.stop(); s?.cleanup(); });

test('the public figures: every centre with its queue and rate; one centre with office=; another code is 404', async () => {
  const all = ok(await s.req('GET', '/api/v1/public/transparency'));
  assert.equal(all.province, 'Tỉnh Quảng Trị');
  assert.equal(all.office, null);
  assert.deepEqual(all.centres.map((c) => c.code).sort(), CENTRES.map((c) => c.code).sort());
  const fig = Object.fromEntries(all.centres.map((c) => [c.code, c]));
  assert.deepEqual(fig[KS.code].queue, { waiting: 2, serving: 1, counters_open: 1 });
  assert.deepEqual(fig[LB.code].queue, { waiting: 1, serving: 0, counters_open: 0 });
  for (const c of CENTRES) {
    assert.equal(fig[c.code].address, c.address);
    assert.equal(fig[c.code].hours, c.hours);
    assert.ok(fig[c.code].on_time.month.finished > 0, `${c.code} finished dossiers this month`);
    if (c !== KS && c !== LB) assert.deepEqual(fig[c.code].queue, { waiting: 0, serving: 0, counters_open: 0 });
  }
  // The province's figure adds up the centres'.
  const sum = (k) => all.centres.reduce((a, c) => a + c.on_time.month[k], 0);
  assert.equal(all.on_time.month.finished, sum('finished'));
  assert.equal(all.on_time.month.on_time, sum('on_time'));

  const ks = ok(await s.req('GET', `/api/v1/public/transparency?office=${KS.code}`));
  assert.equal(ks.office.code, KS.code);
  assert.equal(ks.office.name, KS.name);
  assert.deepEqual(ks.on_time.month, fig[KS.code].on_time.month);
  assert.equal(ks.late_total, fig[KS.code].late_total);
  for (const d of ks.late_now) assert.equal(d.office, KS.code, `${d.code} was received at ${KS.code}`);
  for (const bad of ['UBND-KS', 'QTR', 'KHONG-CO']) {
    const r = await s.req('GET', `/api/v1/public/transparency?office=${bad}`);
    assert.equal(r.status, 404, `${bad}: ${r.text}`);
    assert.equal(r.json.error.code, 'office_not_found');
  }
});

// What a citizen must never see: codes, English, dates or numbers the
// foreign way. text is the page's visible text.
function assertVietnamese(shown, where) {
  // A dossier's number starts with its centre's agency code: the citizen's
  // reference, not a code shown in place of a name.
  const text = shown.replace(/\S+-\d{6}-\d{4}/g, '');
  for (const o of BUNDLE.offices) assert.ok(!text.includes(o.code) || o.code.length < 3, `${where}: office code ${o.code} shown`);
  for (const w of ['undefined', 'null', 'NaN', 'waiting', 'centre', 'office', 'Centre']) assert.ok(!text.includes(w), `${where}: "${w}" shown`);
  for (const d of text.match(/\d+[/.-]\d+[/.-]\d+/g) ?? []) assert.match(d, /^\d{2}\/\d{2}\/\d{4}$/, `${where}: date ${d}`);
  assert.doesNotMatch(text, /\d\.\d+\s?%/, `${where}: a decimal point in a rate`);
  assert.doesNotMatch(text, /\d%/, `${where}: a percentage without the space before % ("92,4 %")`);
  assert.doesNotMatch(text, /(^|[^\d:])\d:\d\d/, `${where}: a time of one digit ("7:30", not "07:30")`);
}
// A centre's hours as the page writes them: 24-hour, two digits ("07:30").
const hhmm = (t) => t.replace(/(^|[^\d:])(\d):(\d\d)(?!\d)/g, '$10$2:$3');

test('/public lists every centre of the province, each with its address, hours, queue and rate', { skip: SKIP }, async () => {
  for (const [size, name] of [[SIZES.tv, 'public-province-tv'], [SIZES.phone, 'public-province-phone']]) {
    const page = await openPage(browser, `${s.base}/public`, size);
    await page.waitForSelector('body[data-state=ready]');
    assert.equal(await page.textContent('#office-name'), 'Tỉnh Quảng Trị');
    const cards = await page.$$eval('#centres li.centre', (lis) => lis.map((li) => ({
      office: li.dataset.office, name: li.querySelector('h3').textContent, href: li.querySelector('h3 a').getAttribute('href'),
      text: li.textContent, waiting: li.querySelector('.waiting').textContent,
    })));
    assert.deepEqual(cards.map((c) => c.name).sort(), CENTRES.map((c) => c.name).sort());
    for (const c of CENTRES) {
      const card = cards.find((x) => x.name === c.name);
      assert.equal(card.href, `/public?office=${encodeURIComponent(c.code)}`);
      assert.ok(card.text.includes(c.address) && card.text.includes(hhmm(c.hours)), `${c.name}: address and hours`);
      assert.match(card.text, /Đúng hạn tháng này\d+(,\d)? %/, `${c.name}: this month's rate`);
      // Today's sessions by the centre's own hours (GET /api/v1/public/offices).
      assert.match(card.text, /Hôm nay(\d\d:\d\d–\d\d:\d\d.*(Đang mở cửa|Ngoài giờ làm việc)|Nghỉ)/, `${c.name}: open today?`);
    }
    assert.equal(cards.find((x) => x.name === KS.name).waiting, '2 người đang chờ');
    assert.match(cards.find((x) => x.name === KS.name).text, /1 người đang được phục vụ · 1 quầy đang mở/);
    assert.equal(cards.find((x) => x.name === LB.name).waiting, '1 người đang chờ');
    assertVietnamese(await page.innerText('body'), name);
    assert.deepEqual(page.errors, []);
    await shot(page, name);
    await page.context().close();
  }
});

test('a centre\'s page shows that centre and its queue only', { skip: SKIP }, async () => {
  for (const [size, name] of [[SIZES.tv, 'public-centre-tv'], [SIZES.phone, 'public-centre-phone']]) {
    const page = await openPage(browser, `${s.base}/public`, size);
    await page.waitForSelector('body[data-state=ready]');
    // Followed from the province's list, as a citizen would.
    await page.click(`#centres li[data-office="${KS.code}"] h3 a`);
    await page.waitForURL(`**/public?office=${KS.code}`);
    await page.waitForSelector('body[data-state=ready]');
    await page.waitForSelector('#groups-now');
    assert.equal(await page.textContent('#office-name'), KS.name);
    assert.equal(await page.isVisible('#centres-section'), false, 'no list of the other centres');
    const here = await page.innerText('#here');
    assert.ok(here.includes(KS.address) && here.includes(hhmm(KS.hours)));
    assert.equal(await page.textContent('#here .centre .waiting'), '2 người đang chờ');
    // By service: Khe Sanh's groups, its two numbers waiting in Chứng thực,
    // Lao Bảo's number in none of them.
    const groups = await page.$$eval('#groups-now li', (lis) => lis.map((li) => [li.querySelector('.name').textContent, li.querySelector('.waiting').textContent]));
    const ksGroups = BUNDLE.service_groups.filter((g) => g.office === KS.code).map((g) => g.name);
    assert.deepEqual(groups.map((g) => g[0]), ksGroups);
    assert.deepEqual(Object.fromEntries(groups.filter((g) => g[1] !== '0 người đang chờ')), { 'Chứng thực': '2 người đang chờ' });
    for (const other of CENTRES.filter((c) => c !== KS)) assert.ok(!(await page.innerText('body')).includes(other.name), `${other.name} on Khe Sanh's page`);
    assertVietnamese(await page.innerText('body'), name);
    assert.deepEqual(page.errors, []);
    await shot(page, name);
    // Back to the province.
    await page.click('#back-link');
    await page.waitForURL('**/public');
    await page.waitForSelector('#centres li.centre');
    await page.context().close();
  }
});
