// The counter bar in a province of two centres (both have counter 2 and
// prefix A): the province supervisor chooses the centre and the counter in
// the setup dialog, works the Lao Bảo hall (its tickets only, priority ones
// marked, the call made there and not in Khe Sanh), then "Chọn quầy" moves
// the bar to Khe Sanh, whose queue it then follows live. The Vietnamese
// bar shows no English word or machine code; the English switch gives
// the queue panel in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORDS } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';
import { SKIP, launch, openPage, shot } from './lib/browser.mjs';
import { login, chooseCounter, visibleText, waitText } from './lib/counter-page.mjs';

let s, browser;
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE });
  if (!SKIP) browser = await launch();
});
after(async () => { await browser?.close(); await s.stop(); s.cleanup(); });

const issue = async (kiosk, group, priority) =>
  ok(await s.as(kiosk, 'POST', '/api/v1/tickets', { body: { group, ...(priority ? { priority } : {}) } })).ticket;
// Where a ticket is, as the database says: its centre, state and counter.
const where = (id) => s.sql(`SELECT o.code AS office, t.state, co.no AS counter FROM tickets t
  JOIN offices o ON o.id = t.office_id LEFT JOIN counters co ON co.id = t.counter_id WHERE t.id = ${id}`)[0];

test('a province supervisor chooses the centre, works its hall, then moves', { skip: SKIP }, async () => {
  const page = await openPage(browser, `${s.base}/counter`, { width: 1366, height: 768 });
  await login(page, 'prov.sup', PASSWORDS['prov.sup']);
  await page.locator('#setup-dialog[open]').waitFor();
  assert.equal(await page.locator('#setup-office-row').isVisible(), true, 'several centres: the row shows');
  const offices = await page.locator('#setup-office option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  assert.deepEqual(offices.map(([v]) => v).sort(), [CENTRE_A, CENTRE_B].sort());
  assert.ok(offices.every(([, name]) => /^Trung tâm Phục vụ hành chính công xã /.test(name)), JSON.stringify(offices));
  // Esc does not leave the first choice unmade.
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.getElementById('setup-dialog').open), true);
  await page.selectOption('#setup-office', CENTRE_B);
  await page.locator('#setup-counter option[value="2"]').waitFor({ state: 'attached' });
  await shot(page, 'counter-bar-setup-1366');
  await chooseCounter(page, 2);
  await waitText(page, 'office-name', /Lao Bảo/);
  await page.click('#btn-open');
  await waitText(page, 'counter-state', /^Đang mở$/);

  // Lao Bảo's tickets only: an ordinary one, then a priority one, which the
  // panel lists first with its mark; Khe Sanh's ticket is not there.
  const plain = await issue('b-kiosk', 'CT');
  const elder = await issue('b-kiosk', 'CT', 'elderly');
  const other = await issue('a-kiosk', 'HT');
  await waitText(page, 'queue-groups', new RegExp(`★ ${elder.label}`));
  const panel = await visibleText(page, 'queue-groups');
  assert.match(panel, new RegExp(`Chứng thực 2 2 người chờ · ★ 1 ưu tiên Tiếp theo: (Ưu tiên )?★ ${elder.label} ${plain.label}`), panel);
  assert.match(panel, /Hộ tịch 0 Không có ai chờ/, panel);
  assert.doesNotMatch(panel, new RegExp(other.label), 'no ticket of Khe Sanh');
  const bar = await visibleText(page, 'cbar');
  assert.doesNotMatch(bar.replace('English', ''), /\b(open|closed|paused|serving|queue|null|undefined|[a-z]+_[a-z]+)\b/i, bar);

  await page.keyboard.press('F1');
  await waitText(page, 'serving-number', new RegExp(`^${elder.label}$`));
  assert.deepEqual({ ...where(elder.id) }, { office: CENTRE_B, state: 'called', counter: 2 });
  assert.equal(s.sql(`SELECT count(*) AS n FROM tickets t JOIN offices o ON o.id = t.office_id
    WHERE o.code = '${CENTRE_A}' AND t.state = 'called'`)[0].n, 0, 'nothing called in Khe Sanh');
  await page.keyboard.press('F5');
  await waitText(page, 'serving-number', /^—$/);
  assert.equal(where(elder.id).state, 'done');

  // English.
  await page.click('#btn-lang');
  await waitText(page, 'queue-groups', /1 waiting/);
  assert.match(await visibleText(page, 'queue-groups'), /Next: /);
  await page.click('#btn-lang');
  await waitText(page, 'queue-groups', /1 người chờ/);

  // "Chọn quầy" again: Khe Sanh's counter 3; the panel follows its hall.
  await page.click('#btn-setup');
  await page.locator('#setup-dialog[open]').waitFor();
  await page.selectOption('#setup-office', CENTRE_A);
  await page.locator('#setup-counter option[value="3"]').waitFor({ state: 'attached' });
  await page.selectOption('#setup-counter', '3');
  await page.click('#setup-submit');
  await waitText(page, 'office-name', /Khe Sanh/);
  await waitText(page, 'counter-label', /Quầy 3/);
  await waitText(page, 'queue-groups', new RegExp(other.label));
  const later = await issue('a-kiosk', 'HT');
  await waitText(page, 'queue-groups', new RegExp(later.label));
  // Remembered: a reload comes back to Khe Sanh's counter 3.
  await page.reload();
  await waitText(page, 'counter-label', /Quầy 3/);
  await waitText(page, 'office-name', /Khe Sanh/);
  assert.equal(await page.evaluate(() => document.getElementById('setup-dialog').open), false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
