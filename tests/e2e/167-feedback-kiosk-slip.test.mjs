// The other ways to the feedback page (góp ý, phản ánh) in a province of two
// centres: the hall kiosk's "Góp ý, phản ánh" shows a QR code (decoded with
// zbarimg from the kiosk's own screen) that opens /gop-y for that centre, and
// the centre's phone as the hotline; a phone opening it files the feedback
// to that centre (its name in the bar, chosen in the list); the rating slip
// printed with a result carries a second, small QR code to /gop-y with the
// dossier's code and no secret. Screenshots: $MOTCUA_BUILD/screenshots/167-*.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';
import { SKIP, SIZES, SHOTS, launch, openPage, shot } from './lib/browser.mjs';

const HOTLINE = '0233 3877 123';
const PHONE = { width: 360, height: 740 };

let s;
let pa;
let browser;
let work;

before(async () => {
  pa = new TestPrinter();
  work = mkdtempSync(path.join(tmpdir(), 'motcua-167-'));
  s = await startServer({
    bundle: {
      ...PROVINCE_BUNDLE,
      offices: PROVINCE_BUNDLE.offices.map((o) => (o.code === CENTRE_B ? { ...o, phone: HOTLINE } : o)),
      printers: [{ office: CENTRE_A, name: 'ks-sanh', target: pa.uri, format: 'pdf', paper: '80mm', default: true }],
    },
  });
  if (!SKIP) browser = await launch();
});
after(async () => {
  await browser?.close();
  await s?.stop();
  s?.cleanup();
  pa?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const zbar = (png) => spawnSync('zbarimg', ['--raw', '-q', png], { encoding: 'utf8' }).stdout
  .split('\n').map((x) => x.trim()).filter(Boolean);

test('the kiosk\'s "Góp ý, phản ánh": a QR code to this centre\'s feedback page and its hotline; the phone files there', { skip: SKIP }, async () => {
  const kiosk = await openPage(browser, `${s.base}/kiosk?access_token=${s.devices['b-kiosk']}`, SIZES.kiosk);
  await kiosk.waitForSelector('#groups button');
  assert.equal((await kiosk.textContent('#feedback-open')).trim(), 'Góp ý, phản ánh');
  await kiosk.click('#feedback-open');
  await kiosk.waitForFunction(() => document.body.dataset.screen === 'feedback' && document.getElementById('feedback-qr').naturalWidth > 0);
  assert.equal((await kiosk.textContent('#feedback-phone')).trim(), `Đường dây nóng: ${HOTLINE}`);
  await shot(kiosk, '167-kiosk-feedback');
  const urls = zbar(path.join(SHOTS, '167-kiosk-feedback.png'));
  assert.deepEqual(urls, [`${s.base}/gop-y?office=${CENTRE_B}`], 'the kiosk\'s QR code opens its centre\'s page');
  await kiosk.keyboard.press('Escape');
  await kiosk.waitForFunction(() => document.body.dataset.screen === 'home');
  // Landscape, at 1366×768, the entry fits beside the language button.
  await kiosk.setViewportSize({ width: 1366, height: 768 });
  const bar = await kiosk.evaluate(() => {
    const r = (id) => document.getElementById(id).getBoundingClientRect();
    return { entry: r('feedback-open'), lang: r('lang-toggle'), width: innerWidth };
  });
  assert.ok(bar.entry.right <= bar.lang.left && bar.lang.right <= bar.width, JSON.stringify(bar));
  await kiosk.click('#feedback-open');
  await kiosk.waitForFunction(() => document.getElementById('feedback-qr').naturalWidth > 0);
  await shot(kiosk, '167-kiosk-feedback-1366');
  await kiosk.context().close();

  // The phone opening it: the centre named and chosen.
  const page = await openPage(browser, urls[0], PHONE);
  await page.waitForFunction((c) => document.getElementById('office')?.value === c, CENTRE_B);
  assert.ok(await page.locator('#office-field').isVisible(), 'a province of two centres shows the choice');
  assert.equal((await page.textContent('#office-name')).trim(), 'Trung tâm Phục vụ hành chính công xã Lao Bảo');
  await page.click('label[for="class-procedure"]');
  await page.fill('#text', 'Đề nghị bố trí thêm ghế chờ ở sảnh.');
  await page.fill('#sender-name', 'Phan Văn Hải');
  await page.fill('#sender-address', 'Khối 2, Lao Bảo');
  await page.fill('#sender-phone', '0977111222');
  await page.click('#submit');
  await page.waitForSelector('body[data-state="done"]');
  const code = (await page.textContent('#done-code')).trim();
  const row = s.sql(`SELECT o.code AS office, f.channel FROM feedback f JOIN offices o ON o.id = f.office_id WHERE f.code = '${code}'`)[0];
  assert.deepEqual(row, { office: CENTRE_B, channel: 'web' });
  await page.context().close();
});

test('the rating slip carries a second, small QR code to /gop-y with the dossier code and no secret', async () => {
  const r = await s.as('a.clerk', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', office: CENTRE_A, outcome: 'received',
    applicant: { name: 'Lê Văn Sanh', id_number: '045191008899', address: 'Khe Sanh', phone: '0916888999' },
    documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }], sets: 1 } });
  assert.equal(r.status, 201, r.text);
  const code = r.json.dossier.code;
  const before0 = pa.pdfs().length;
  const slip = await s.as('a.clerk', 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/rating-slip`, { body: { counter: 1 } });
  assert.equal(slip.status, 201, slip.text);
  const file = (await waitFor(() => { const f = pa.pdfs().slice(before0); return f.length ? f : null; }, 20000, 'the slip printed'))[0];
  const text = spawnSync('pdftotext', [file.path, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
  assert.match(text, /Góp ý, phản ánh/);
  const png = path.join(work, 'slip');
  assert.equal(spawnSync('pdftoppm', ['-png', '-r', '200', '-singlefile', file.path, png]).status, 0);
  const urls = zbar(`${png}.png`);
  assert.equal(urls.length, 2, JSON.stringify(urls));
  assert.ok(urls.some((u) => u.startsWith(`${s.base}/rate?t=`)), 'the rating code still there');
  assert.ok(urls.includes(`${s.base}/gop-y?d=${code}`), `the feedback code: ${JSON.stringify(urls)}`);
  spawnSync('cp', [`${png}.png`, path.join(SHOTS, '167-rating-slip.png')]);
});
