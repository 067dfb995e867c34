// Where the QR code on a printed ticket leads: /queue?t=ID shows the number,
// the people ahead and the wait, then which counter calls it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openCounter } from './lib/harness.mjs';
import { launch, openPage, shot, SIZES, SKIP } from './lib/browser.mjs';

let s;
let browser;
before(async () => {
  s = await startServer();
  await openCounter(s, 'clerk1', 1);
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s.stop(); s.cleanup(); });

const issue = async (body) => (await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body })).json.ticket;

test('the public ticket view: place in line, then the counter; nothing else', async () => {
  const a = await issue({ group: 'CT' });
  const b = await issue({ group: 'CT' });
  const p = await issue({ group: 'CT', priority: 'elderly' });
  let v = (await s.req('GET', `/api/v1/public/tickets/${b.id}`)).json;
  assert.equal(v.label, b.label);
  assert.equal(v.state, 'waiting');
  assert.equal(v.people_ahead, 2, 'A001 before it, and the priority ticket called first');
  assert.ok('wait' in v);
  v = (await s.req('GET', `/api/v1/public/tickets/${p.id}`)).json;
  assert.equal(v.people_ahead, 0, 'priority goes first');
  await s.as('clerk1', 'POST', '/api/v1/counters/1/call'); // the priority ticket
  await s.as('clerk1', 'POST', '/api/v1/counters/1/call', { body: { finish_current: 'served' } }); // a
  v = (await s.req('GET', `/api/v1/public/tickets/${a.id}`)).json;
  assert.equal(v.state, 'called');
  assert.equal(v.counter, 1);
  assert.deepEqual(Object.keys(v).sort(), ['booked', 'counter', 'group', 'group_name', 'group_name_en', 'label', 'office', 'outcome', 'priority', 'state'].sort());
  // The ticket's centre (public: its name and where it is), nothing personal.
  assert.deepEqual(Object.keys(v.office).sort(), ['address', 'code', 'hours', 'name']);
  assert.equal(v.office.name, 'Bộ phận Một cửa thử nghiệm');
  for (const bad of ['999999', '0', 'abc', '-1']) {
    const r = await s.req('GET', `/api/v1/public/tickets/${bad}`);
    assert.equal(r.status, 404, bad);
    assert.equal(r.json.error.code, 'ticket_not_found');
  }
});

test('the page a citizen opens from the ticket', { skip: SKIP }, async () => {
  const t = await issue({ group: 'HT' });
  await issue({ group: 'HT' });
  const mine = await issue({ group: 'HT' });
  const page = await openPage(browser, `${s.base}/queue?t=${mine.id}`, SIZES.phone);
  await page.locator('body[data-state="waiting"]').waitFor({ timeout: 5000 });
  const text = await page.locator('#result').innerText();
  assert.ok(text.includes(mine.label), text);
  assert.ok(text.includes('Còn 2 người phía trước'), text);
  await shot(page, 'queue-phone');
  // Counter 3 serves HT only: it calls t, then the next, then mine.
  await openCounter(s, 'clerk2', 3);
  for (let i = 0; i < 3; i++) await s.as('clerk2', 'POST', '/api/v1/counters/3/call', { body: { finish_current: 'served' } });
  await page.reload();
  await page.locator('body[data-state="called"]').waitFor({ timeout: 5000 });
  assert.ok((await page.locator('#result').innerText()).includes('Mời ông/bà đến quầy số 3'));
  const unknown = await openPage(browser, `${s.base}/queue?t=424242`, SIZES.phone);
  await unknown.locator('body[data-state="not_found"]').waitFor({ timeout: 5000 });
  assert.deepEqual(page.errors, []);
  void t;
});
