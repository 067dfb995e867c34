// The rating code on the slip can be typed: /rate alone has a box for it, a
// dashed or lower-case code is the same code (on the page and on the server),
// and the slip prints its title on one line and the short address /rate with
// the code, never a long link broken across lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startCounterOffice } from './lib/counter.mjs';
import { SKIP, SIZES, launch, openPage } from './lib/browser.mjs';

let office;
let s;
let printer;
let clerk;
let browser;
before(async () => {
  office = await startCounterOffice({ printer: { name: 'quay-1', paper: '58mm' } });
  ({ s, printer, clerk } = office);
  assert.equal((await clerk.run(['counter', 'open', '1'])).status, 0);
  if (!SKIP) browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  await office?.stop();
});

// A returned dossier; its rating slip's text (layout kept) and printed code.
let applicants = 0;
async function returnedWithSlip(name) {
  applicants++;
  const intake = await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', outcome: 'received',
    applicant: { name, id_number: `04518000222${applicants}`, phone: '0914000222' } } });
  assert.equal(intake.status, 201, intake.text);
  const code = intake.json.dossier.code;
  assert.equal((await s.as('clerk1', 'POST', `/api/v1/dossiers/${code}/actions`, { body: { action: 'handover', to_office: 'TP' } })).status, 200);
  assert.equal((await s.as('spec', 'POST', `/api/v1/dossiers/${code}/actions`, { body: { action: 'result_ready' } })).status, 200);
  const before = printer.pdfs().length;
  const r = await clerk.run(['return', code, '--collected-by', name, '--id-checked']);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const files = printer.pdfs().slice(before);
  assert.equal(files.length, 1, 'one slip');
  const text = spawnSync('pdftotext', ['-layout', files[0].path, '-'], { encoding: 'utf8' }).stdout;
  const printed = text.match(/\b[0-9A-Z]{4}(?:-[0-9A-Z]{1,4}){3,}\b/);
  assert.ok(printed, `a grouped code on the slip:\n${text}`);
  return { text, printed: printed[0] };
}

test('the slip: title on one line, the short address /rate and the code', async () => {
  const { text, printed } = await returnedWithSlip('Lê Văn Hải');
  const lines = text.split('\n').map((l) => l.trim());
  assert.ok(lines.includes('PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG'), `the title on one line:\n${text}`);
  assert.doesNotMatch(text, /rate\?|\?t=/, `no long link:\n${text}`);
  assert.match(text.replace(/\s+/g, ' '), new RegExp(`${s.base.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/rate\\b`));
  assert.equal((await s.req('GET', `/api/v1/public/ratings/${printed}`)).status, 200, 'the printed code works as printed');
});

test('the server takes the code with dashes and in lower case', async () => {
  const { printed } = await returnedWithSlip('Hồ Thị Na');
  const r = await s.req('GET', `/api/v1/public/ratings/${printed.toLowerCase()}`);
  assert.equal(r.status, 200, r.text);
  const wrong = await s.req('GET', `/api/v1/public/ratings/${printed.replace(/[0-9A-Z]$/, (c) => (c === 'A' ? 'B' : 'A'))}`);
  assert.equal(wrong.status, 404);
});

test('/rate with no link has a box to type the code; a typed code opens the form', { skip: SKIP }, async () => {
  const { printed } = await returnedWithSlip('Trần Văn Ba');
  const p = await openPage(browser, `${s.base}/rate`, SIZES.phone);
  await p.locator('body[data-state="code"]').waitFor({ timeout: 5000 });
  assert.doesNotMatch(await p.locator('main').innerText(), /không đúng/);
  await p.locator('#code').fill(` ${printed.toLowerCase()} `);
  await p.locator('#code-submit').click();
  await p.locator('body[data-state="form"]').waitFor({ timeout: 5000 });
  await p.locator('label[for="level-satisfied"]').click();
  await p.locator('#submit').click();
  await p.locator('body[data-state="thanks"]').waitFor({ timeout: 5000 });
  assert.equal(s.sql("SELECT count(*) AS n FROM ratings WHERE level = 'satisfied'")[0].n, 1);

  // The dashed code in the link works too; a wrong one can be typed again.
  const { printed: other } = await returnedWithSlip('Phan Thị Bốn');
  await p.goto(`${s.base}/rate?t=${other}`);
  await p.locator('body[data-state="form"]').waitFor({ timeout: 5000 });
  await p.goto(`${s.base}/rate?t=NOSUCH-CODE`);
  await p.locator('body[data-state="invalid"]').waitFor({ timeout: 5000 });
  assert.ok(await p.locator('#code').isVisible(), 'the box to type the code again');
  assert.deepEqual(p.errors, []);
  await p.context().close();
});
