// A citizen's feedback (phản ánh, kiến nghị) from the receipt to the
// published answer, on a phone (360×740) in headless Chromium: the receipt
// (Mẫu 01) the real IPP printer received carries a second QR code; decoded
// with zbarimg it opens /gop-y with the dossier's code and secret filled in;
// she files a conduct report with a phone photo (3000 px, over 1 MiB: the
// page makes it ≤ 1600 px and ≤ 1 MiB before sending), gets a code and a
// secret shown large, follows it on /status; the staff (through the API)
// accept, draft, approve (the office head), publish; she reads the answer on
// /status and says she is satisfied (the row says so); /public shows the
// published answer and never her name, address or phone. Screenshots of each
// step land in $MOTCUA_BUILD/screenshots/165-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from './lib/printer.mjs';
import { startCounterOffice } from './lib/counter.mjs';
import { SKIP, launch, openPage, shot } from './lib/browser.mjs';

const PHONE = { width: 360, height: 740 };
const SENDER = { name: 'Hồ Thị Thanh Xuân', address: 'Thôn Tân Hợp, xã Tân Hợp', phone: '0934567890' };

let office;
let s;
let printer;
let browser;
let work;

before(async () => {
  office = await startCounterOffice({ printer: { name: 'a5', paper: 'a5', default: true }, login: false });
  ({ s, printer } = office);
  work = mkdtempSync(path.join(tmpdir(), 'motcua-165-'));
  if (!SKIP) browser = await launch();
});
after(async () => {
  await browser?.close();
  await office?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };

// Every QR code on a printed PDF's first page, as zbarimg reads them.
function qrCodes(file) {
  const png = path.join(work, `${path.basename(file.path, '.pdf')}-qr`);
  assert.equal(spawnSync('pdftoppm', ['-png', '-r', '200', '-singlefile', file.path, png]).status, 0);
  return spawnSync('zbarimg', ['--raw', '-q', `${png}.png`], { encoding: 'utf8' }).stdout
    .split('\n').map((x) => x.trim()).filter(Boolean);
}

// The width and height in a JPEG's SOF header.
function jpegSize(buf) {
  assert.deepEqual([...buf.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
  for (let i = 2; i < buf.length - 9;) {
    if (buf[i] !== 0xff) { i++; continue; }
    const m = buf[i + 1];
    if (m >= 0xc0 && m <= 0xc3) return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    i += 2 + buf.readUInt16BE(i + 2);
  }
  throw new Error('no SOF in the JPEG');
}

// A 3000×2250 JPEG like a phone's: colour gradients, shapes and grain;
// base64. Runs in the page.
async function phonePhoto() {
  const c = document.createElement('canvas');
  c.width = 3000;
  c.height = 2250;
  const g = c.getContext('2d');
  const grad = g.createLinearGradient(0, 0, 3000, 2250);
  grad.addColorStop(0, '#8fb3d9');
  grad.addColorStop(1, '#d9c38f');
  g.fillStyle = grad;
  g.fillRect(0, 0, 3000, 2250);
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  for (let i = 0; i < 400; i++) {
    g.fillStyle = `hsl(${Math.floor(rnd() * 360)} 50% ${30 + Math.floor(rnd() * 40)}%)`;
    g.fillRect(rnd() * 3000, rnd() * 2250, 40 + rnd() * 300, 40 + rnd() * 300);
  }
  const img = g.getImageData(0, 0, 3000, 2250);
  for (let i = 0; i < img.data.length; i += 4) {
    const n = (rnd() - 0.5) * 40;
    img.data[i] += n; img.data[i + 1] += n; img.data[i + 2] += n;
  }
  g.putImageData(img, 0, 0);
  const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.95));
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

const act = async (code, body) => ok(await s.as('sup', 'POST', `/api/v1/feedback/${encodeURIComponent(code)}/actions`, { body }));

test('from the receipt QR on a phone to the published answer, satisfied, the sender never public', { skip: SKIP }, async () => {
  // Her dossier, received; the receipt printed with its secret.
  const a = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', confirm_duplicate: true,
    applicant: { name: SENDER.name, id_number: '045190004321', address: SENDER.address, phone: SENDER.phone },
  } }), 201);
  const code = a.dossier.code;
  const before0 = printer.pdfs().length;
  ok(await s.as('clerk1', 'POST', `/api/v1/dossiers/${code}/print`, { body: { form: 'mau-01', secret: a.secret } }), 202);
  const receipt = (await waitFor(() => { const f = printer.pdfs().slice(before0); return f.length ? f : null; }, 20000, 'the receipt printed'))[0];
  const text = spawnSync('pdftotext', [receipt.path, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
  assert.match(text, /Góp ý, phản ánh/, 'the second code is labelled');
  const codes = qrCodes(receipt);
  const fbUrl = codes.find((x) => x.includes('/gop-y'));
  assert.ok(fbUrl, `a feedback QR code among ${JSON.stringify(codes)}`);
  assert.equal(fbUrl, `${s.base}/gop-y?d=${code}&s=${a.secret}`);

  const page = await openPage(browser, fbUrl, PHONE);
  // A phone photo: 3000×2250, well over 1 MiB (drawn by the browser).
  const photo = path.join(work, 'anh-quay.jpg');
  writeFileSync(photo, Buffer.from(await page.evaluate(phonePhoto), 'base64'));
  assert.ok(statSync(photo).size > 1024 * 1024, `the photo is over 1 MiB (${statSync(photo).size})`);
  await page.waitForSelector('#class-conduct', { state: 'attached' });
  assert.equal(await page.inputValue('#dossier-code'), code, 'the dossier code filled in');
  assert.equal(await page.inputValue('#dossier-secret'), a.secret, 'and its secret');
  assert.ok(!new URL(page.url()).searchParams.has('s'), 'the secret taken out of the address bar');
  await shot(page, '165-phone-form-top');

  await page.click('label[for="class-conduct"]');
  await page.fill('#text', 'Cán bộ quầy 1 yêu cầu nộp thêm bản sao sổ hộ khẩu, giấy tờ không có trong quy định.\nĐề nghị cơ quan xem xét.');
  await page.fill('#counter', '1');
  await page.fill('#subject-name', 'Cán bộ một');
  await page.fill('#sender-name', SENDER.name);
  await page.fill('#sender-address', SENDER.address);
  await page.fill('#sender-phone', SENDER.phone);
  await page.setInputFiles('#files', photo);
  await page.waitForSelector('body[data-files="1"]', { timeout: 20000 });
  const fileLine = await page.textContent('#file-list');
  assert.match(fileLine, /Đã thu nhỏ, sẵn sàng gửi/, fileLine);
  await page.locator('#file-list').scrollIntoViewIfNeeded();
  await shot(page, '165-phone-form-filled');

  await page.click('#submit');
  await page.waitForSelector('body[data-state="done"]', { timeout: 20000 });
  const fbCode = (await page.textContent('#done-code')).trim();
  const fbSecret = (await page.textContent('#done-secret')).trim();
  assert.match(fbCode, /^PA-\d{6}-\d{4}$/);
  assert.match(fbSecret, /^[A-Z0-9]{10}$/);
  assert.match(await page.textContent('#done'), /Ghi lại mã này/);
  await shot(page, '165-phone-done');

  // What the office holds: a PAKN about counter 1, linked to her dossier,
  // her identity kept for the handlers, the photo shrunk.
  const row = s.sql(`SELECT f.kind, f.class, f.channel, f.sender_name, f.sender_phone, f.subject_counter_no,
    d.code AS dossier FROM feedback f LEFT JOIN dossiers d ON d.id = f.dossier_id WHERE f.code = '${fbCode}'`)[0];
  assert.deepEqual(row, { kind: 'pakn', class: 'conduct', channel: 'web', sender_name: SENDER.name,
    sender_phone: SENDER.phone, subject_counter_no: 1, dossier: code });
  const files = s.sql(`SELECT ff.mime, ff.size FROM feedback_files ff JOIN feedback f ON f.id = ff.feedback_id WHERE f.code = '${fbCode}'`);
  assert.equal(files.length, 1);
  assert.equal(files[0].mime, 'image/jpeg');
  assert.ok(files[0].size <= 1024 * 1024, `stored ≤ 1 MiB (${files[0].size})`);
  const res = await fetch(`${s.base}/api/v1/feedback/${fbCode}/files/1`, { headers: { Authorization: `Bearer ${await s.login('sup')}` } });
  assert.equal(res.status, 200);
  const dims = jpegSize(Buffer.from(await res.arrayBuffer()));
  assert.ok(Math.max(dims.width, dims.height) <= 1600 && dims.width === 1600, `downscaled to 1600 px: ${JSON.stringify(dims)}`);

  // She follows it on /status.
  await page.click('#done-link');
  await page.waitForSelector('#feedback #status-text');
  assert.equal((await page.textContent('#status-text')).trim(), 'Đã tiếp nhận');
  assert.ok((await page.textContent('#feedback')).includes(fbCode));
  await shot(page, '165-phone-status-received');

  // The office accepts, drafts, the head approves, it is published.
  await act(fbCode, { action: 'classify', decision: 'accept' });
  await act(fbCode, { action: 'answer', text: 'Bộ phận Một cửa xin lỗi ông/bà. Bản sao sổ hộ khẩu không còn là thành phần hồ sơ; cán bộ đã được nhắc nhở.' });
  await act(fbCode, { action: 'approve' });
  await act(fbCode, { action: 'publish', question: 'Cán bộ yêu cầu nộp bản sao sổ hộ khẩu khi đăng ký kết hôn có đúng quy định không?' });

  await page.goto(`${s.base}/status?code=${fbCode}&secret=${fbSecret}`);
  await page.waitForSelector('#answer-text');
  assert.match(await page.textContent('#answer-text'), /cán bộ đã được nhắc nhở/);
  assert.equal((await page.textContent('#status-text')).trim(), 'Đã trả lời và công khai');
  await page.locator('#reaction').scrollIntoViewIfNeeded();
  await shot(page, '165-phone-status-answered');
  await page.click('#react-satisfied');
  await page.waitForFunction(() => /đã đánh giá: hài lòng/.test(document.getElementById('reaction')?.textContent ?? ''));
  assert.equal(s.sql(`SELECT reaction FROM feedback WHERE code = '${fbCode}'`)[0].reaction, 'satisfied');
  assert.equal(await page.locator('#react-satisfied').count(), 0, 'asked once only');
  await shot(page, '165-phone-status-reacted');

  // /public: the answer, published, without the sender.
  await page.goto(`${s.base}/public`);
  await page.waitForSelector(`#answers li[data-code="${fbCode}"]`);
  const item = await page.textContent(`#answers li[data-code="${fbCode}"]`);
  assert.match(item, /sổ hộ khẩu khi đăng ký kết hôn có đúng quy định không/);
  assert.match(item, /cán bộ đã được nhắc nhở/);
  const all = await page.evaluate(() => document.body.innerText);
  for (const x of [SENDER.name, SENDER.phone, SENDER.address, 'Hồ Thị']) assert.ok(!all.includes(x), `/public never shows ${x}`);
  await page.fill('#answers-q', 'so ho khau');
  await page.waitForSelector('#answers-section[data-q="so ho khau"]');
  assert.equal(await page.locator('#answers li').count(), 1, 'found without the marks');
  await page.fill('#answers-q', 'khong co gi nhu vay');
  await page.waitForSelector('#answers-section[data-q="khong co gi nhu vay"]');
  assert.equal(await page.locator('#answers li').count(), 0);
  assert.match(await page.textContent('#answers-count'), /Không tìm thấy/);
  await page.fill('#answers-q', '');
  await page.waitForSelector('#answers-section[data-q=""]');
  await page.locator('#answers-section').scrollIntoViewIfNeeded();
  await shot(page, '165-phone-public-answers');
  assert.deepEqual(page.errors, [], 'no script error');
  await page.context().close();
});
