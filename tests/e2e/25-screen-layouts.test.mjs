// The kiosk and the hall board of the demo office (7 groups, 7 counters, long
// Vietnamese names), checked by element boxes at the sizes they run at: every
// group on the kiosk without scrolling at 1080×1920 (floor kiosk, portrait)
// and 1280×800 (tablet); the board at 1920×1080 with all 7 counters open and
// a full "Vừa gọi" list. Nothing outside the viewport or its box, no text
// wider than its element, no ellipsis. A group with no counter open shows
// "Chưa có quầy mở" and no wait range. Screenshots in $MOTCUA_BUILD/screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoOffice, DEMO_KIOSK, DEMO_BOARD } from './lib/demo-office.mjs';
import { SKIP, SIZES, launch, openPage, shot } from './lib/browser.mjs';

let s;
let browser;
const as = (...a) => s.asDemo(...a);
const GROUPS = ['CT', 'HT', 'DD', 'XD', 'KD', 'LD', 'TK'];

before(async () => {
  if (SKIP) return;
  s = await startDemoOffice();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (s) { await s.stop(); s.cleanup(); }
});

const ok = (r) => { assert.ok(r.status >= 200 && r.status < 300, `${r.status} ${r.text}`); return r.json; };
const counter = (no, what, body) => as(`motcua${no}`, 'POST', `/api/v1/counters/${no}/${what}`, body ? { body } : {});

// What is wrong with the layout of the page now, as readable lines: the
// page scrolling, text elements outside the viewport or outside their box
// (`boxes`: the selector of the boxes that hold them), text wider or taller
// than its element where the element clips, an ellipsis anywhere.
async function layoutProblems(page, textSelector, boxes) {
  return page.evaluate(([sel, boxSel]) => {
    const out = [];
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const doc = document.scrollingElement;
    if (doc.scrollHeight > vh + 1) out.push(`the page scrolls: ${doc.scrollHeight}px tall in ${vh}`);
    if (doc.scrollWidth > vw + 1) out.push(`the page scrolls sideways: ${doc.scrollWidth}px in ${vw}`);
    const name = (e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}${e.id ? `#${e.id}` : ''} "${e.textContent.trim().slice(0, 40)}"`;
    for (const e of document.querySelectorAll(sel)) {
      if (!e.checkVisibility() || !e.textContent.trim() || e.closest('.visually-hidden')) continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) {
        out.push(`${name(e)} outside the screen: ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`);
      }
      const cs = getComputedStyle(e);
      if (cs.textOverflow === 'ellipsis') out.push(`${name(e)} has text-overflow: ellipsis`);
      if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) out.push(`${name(e)} text ${e.scrollWidth}px wide in ${e.clientWidth}`);
      if (cs.overflowY !== 'visible' && e.clientHeight > 0 && e.scrollHeight > e.clientHeight + 1) {
        out.push(`${name(e)} text ${e.scrollHeight}px tall in ${e.clientHeight}, clipped`);
      }
      const box = boxSel ? e.parentElement?.closest(boxSel) : null;
      if (box) {
        const b = box.getBoundingClientRect();
        if (r.left < b.left - 0.5 || r.top < b.top - 0.5 || r.right > b.right + 0.5 || r.bottom > b.bottom + 0.5) {
          out.push(`${name(e)} outside its ${name(box)}: ${Math.round(r.top)}–${Math.round(r.bottom)} in ${Math.round(b.top)}–${Math.round(b.bottom)}`);
        }
      }
    }
    return out;
  }, [textSelector, boxes]);
}

const KIOSK_TEXT = '.kbar *, h1, .priority-row *, .priority-panel *, button.group, button.group *';
const BOARD_TEXT = '.bar *, h2, .counter, .counter *, .calls li, .calls li *, .group, .group *';

test('a group whose counters have all closed: "Chưa có quầy mở", no wait range (kiosk, ticket, board)', { skip: SKIP }, async () => {
  // This morning counter 1 served a CT ticket, then closed.
  ok(await counter(1, 'state', { state: 'open' }));
  ok(await as(DEMO_KIOSK, 'POST', '/api/v1/tickets', { body: { group: 'CT' } }));
  ok(await counter(1, 'call'));
  ok(await counter(1, 'finish', { outcome: 'served' }));
  ok(await counter(1, 'state', { state: 'closed' }));
  ok(await as(DEMO_KIOSK, 'POST', '/api/v1/tickets', { body: { group: 'CT' } }));

  const page = await openPage(browser, `${s.base}/kiosk?access_token=${s.devices[DEMO_KIOSK]}`, SIZES.tablet);
  const ct = page.locator('button.group[data-group="CT"]');
  await ct.waitFor({ timeout: 10000 });
  const text = await ct.innerText();
  assert.match(text, /Chưa có quầy mở/);
  assert.doesNotMatch(text, /phút|\d+\s*–\s*\d+/, `no wait range on the button: ${text}`);
  await ct.click();
  await page.locator('#ticket:not([hidden])').waitFor({ timeout: 10000 });
  assert.equal(await page.locator('#ticket-wait').innerText(), 'Chưa có quầy mở');
  assert.doesNotMatch(await page.locator('#ticket').innerText(), /bạn/);
  await shot(page, 'kiosk-tablet-ticket-no-counter');
  await page.context().close();

  const board = await openPage(browser, `${s.base}/board?access_token=${s.devices[DEMO_BOARD]}`, SIZES.tv);
  const tile = board.locator('.group[data-group="CT"]');
  await tile.waitFor({ timeout: 10000 });
  const line = await tile.innerText();
  assert.match(line, /Chưa có quầy mở/);
  assert.doesNotMatch(line, /phút|Dự kiến/, `no wait range on the board: ${line}`);
  await board.context().close();
});

for (const [label, size, lang] of [['1080x1920', SIZES.kiosk, 'vi'], ['1280x800', SIZES.tablet, 'vi'], ['1280x800-en', SIZES.tablet, 'en']]) {
  test(`kiosk ${label}: all 7 groups on one screen, every word inside its button`, { skip: SKIP }, async () => {
    const page = await openPage(browser, `${s.base}/kiosk?lang=${lang}&access_token=${s.devices[DEMO_KIOSK]}`, size);
    await page.locator('button.group').nth(6).waitFor({ timeout: 10000 });
    assert.deepEqual(await page.locator('button.group').evaluateAll((bs) => bs.map((b) => b.dataset.group)), GROUPS);
    // No counter open yet this morning: every group carries its note, the longest state.
    assert.equal(await page.locator('.closed-note').count(), 7);
    const problems = await layoutProblems(page, KIOSK_TEXT, 'button.group');
    await shot(page, `kiosk-${label}-demo`);
    assert.deepEqual(problems, []);
    // The priority panel open takes room from the groups; still one screen.
    await page.locator('#priority-toggle').click();
    await page.locator('#priority-panel:not([hidden])').waitFor();
    const withPanel = await layoutProblems(page, KIOSK_TEXT, 'button.group');
    await shot(page, `kiosk-${label}-demo-priority`);
    assert.deepEqual(withPanel, [], 'with the priority choices open');
    await page.context().close();
  });
}

test('board 1920x1080, 7 counters open: names whole, every "Vừa gọi" row whole', { skip: SKIP }, async () => {
  for (let no = 1; no <= 7; no++) ok(await counter(no, 'state', { state: 'open' }));
  for (const g of GROUPS) for (let i = 0; i < 3; i++) ok(await as(DEMO_KIOSK, 'POST', '/api/v1/tickets', { body: { group: g } }));
  for (let no = 1; no <= 7; no++) ok(await counter(no, 'call'));
  for (let no = 1; no <= 3; no++) ok(await counter(no, 'call', { finish_current: 'served' }));
  const snap = (await s.req('GET', '/api/v1/queue')).json;
  assert.ok(snap.recent_calls.length >= 8, `${snap.recent_calls.length} recent calls`);

  const page = await openPage(browser, `${s.base}/board?access_token=${s.devices[DEMO_BOARD]}`, SIZES.tv);
  await page.locator('.counter').nth(6).waitFor({ timeout: 10000 });
  await page.locator('#calls li').first().waitFor({ timeout: 10000 });
  await page.locator('body[data-online="true"]').waitFor({ timeout: 10000 });
  // Names as the office wrote them, whole.
  const names = await page.locator('.group-name').allInnerTexts();
  assert.ok(names.some((n) => n.replace(/\s+/g, ' ').includes('Lao động - Thương binh - Xã hội')), names.join(' | '));
  assert.ok(names.some((n) => n.includes('Đăng ký kinh doanh')));
  assert.equal((await page.locator('#office-name').innerText()).replace(/\s+/g, ' '),
    'Bộ phận Tiếp nhận và Trả kết quả - UBND huyện Hướng Hóa');
  const problems = await layoutProblems(page, BOARD_TEXT, '.counter, .calls, .group, .bar');
  await shot(page, 'board-tv-demo-7-counters');
  assert.deepEqual(problems, []);
  // The calls shown are the newest, in order, each row whole.
  const shown = await page.locator('#calls li').evaluateAll((ls) => ls.map((l) => l.dataset.label));
  assert.ok(shown.length >= 3, `${shown.length} calls shown`);
  assert.deepEqual(shown, snap.recent_calls.slice(0, shown.length).map((c) => c.label));
  await page.context().close();
});
