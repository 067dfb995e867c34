// motcua-counter's loose ends, as a clerk meets them: calling at a closed
// counter says to open it (409 counter_not_open, not "another officer's");
// a no-show is put back in line by number (rejoin A001, also `j` in the
// shell); returning a result prints a rating slip (QR code and short code) on
// the counter's ticket printer, rating-slip makes one later, and a second
// return says when and to whom it was returned; the shell's clock is office
// time whatever the computer's zone; and the words are Vietnamese (roles,
// document kinds, printer states, form names).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PASSWORDS } from './lib/harness.mjs';
import { Clerk, startCounterOffice } from './lib/counter.mjs';

let office;
let s;
let printer;
let clerk;

before(async () => {
  // The counter's own ticket printer (80 mm, PDF); no office default.
  office = await startCounterOffice({ printer: { name: 'quay-1', paper: '80mm' } });
  ({ s, printer, clerk } = office);
});
after(async () => { await office?.stop(); });

const ok = (r) => { assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`); return r; };
const esc = (x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pdfText = (file) => spawnSync('pdftotext', [file.path, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
const qrOf = (file) => {
  const png = path.join(path.dirname(file.path), `${path.basename(file.path, '.pdf')}-qr`);
  assert.equal(spawnSync('pdftoppm', ['-png', '-r', '200', '-singlefile', file.path, png]).status, 0);
  return spawnSync('zbarimg', ['--raw', '-q', `${png}.png`], { encoding: 'utf8' }).stdout
    .split('\n').map((x) => x.trim()).find((x) => x.includes('/rate?')) ?? ''; // (the small feedback QR beside it)
};

test('a clerk calling at a closed counter is told to open it: 409 counter_not_open', async () => {
  const api = await s.as('clerk1', 'POST', '/api/v1/counters/1/call');
  assert.equal(api.status, 409, api.text);
  assert.equal(api.json.error.code, 'counter_not_open');
  ok(await clerk.run(['counter', 'close', '1']));
  const r = await clerk.run(['--verbose', 'next']);
  assert.equal(r.status, 6, r.stderr);
  assert.match(r.stderr, /\(counter_not_open\)/);
  assert.doesNotMatch(r.stderr, /counter_not_yours|cán bộ khác/);
  // Another clerk's open counter stays 403 counter_not_yours.
  const other = new Clerk(s.base);
  try {
    ok(await other.login('clerk2', PASSWORDS.clerk2));
    ok(await other.run(['counter', 'open', '2']));
    const mine = await s.as('clerk1', 'POST', '/api/v1/counters/2/call');
    assert.equal(mine.status, 403);
    assert.equal(mine.json.error.code, 'counter_not_yours');
  } finally { other.cleanup(); }
});

test('rejoin: a no-show goes back in line by its number, from the command and the shell', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).status, 201);
  ok(await clerk.run(['counter', 'open', '1']));
  assert.match(ok(await clerk.run(['next'])).stdout, /Mời số A001/);
  ok(await clerk.run(['no-show']));
  let r = ok(await clerk.run(['rejoin', 'A001']));
  assert.match(r.stdout, /Số A001 đã được xếp lại cuối hàng nhóm Chứng thực/);
  const q = (await s.req('GET', '/api/v1/queue')).json;
  assert.deepEqual(q.groups.find((g) => g.code === 'CT').next, ['A002', 'A003', 'A001'], 'at the end of its line');
  r = await clerk.run(['--verbose', 'rejoin', 'A001']);
  assert.equal(r.status, 6, r.stderr);
  assert.match(r.stderr, /\(ticket_not_no_show\)/);
  r = await clerk.run(['--verbose', 'rejoin', 'A999']);
  assert.equal(r.status, 6, r.stderr);
  assert.match(r.stderr, /\(ticket_not_found\)/);

  assert.match(ok(await clerk.run(['next'])).stdout, /Mời số A002/);
  ok(await clerk.run(['no-show']));
  const sh = await clerk.onTerminal(['shell'], 'j A002\nq\n');
  assert.equal(sh.status, 0, sh.out);
  assert.match(sh.out, /Số A002 đã được xếp lại cuối hàng/);
  assert.equal(s.sql("SELECT state FROM tickets WHERE label = 'A002'")[0].state, 'waiting');
});

test('the shell\'s clock is office time (UTC+7), whatever the computer\'s time zone', async () => {
  const sh = await clerk.onTerminal(['shell'], 'q\n', { TZ: 'America/Los_Angeles' });
  assert.equal(sh.status, 0, sh.out);
  const shown = sh.out.match(/\[(\d\d):(\d\d):\d\d\] Quầy 1/);
  assert.ok(shown, sh.out);
  const office = new Date(Date.now() + 7 * 3600e3);
  const minutes = (Number(shown[1]) * 60 + Number(shown[2]));
  const want = office.getUTCHours() * 60 + office.getUTCMinutes();
  const diff = Math.min(Math.abs(minutes - want), 1440 - Math.abs(minutes - want));
  assert.ok(diff <= 1, `shown ${shown[1]}:${shown[2]}, office time ${office.toISOString().slice(11, 16)}`);
});

test('return prints a rating slip; rating-slip makes another; a second return says when and to whom', async () => {
  const intake = await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', outcome: 'received',
    applicant: { name: 'Lê Văn Hải', id_number: '045180002222', phone: '0914000222' } } });
  assert.equal(intake.status, 201, intake.text);
  const code = intake.json.dossier.code;
  assert.equal((await s.as('clerk1', 'POST', `/api/v1/dossiers/${code}/actions`, { body: { action: 'handover', to_office: 'TP' } })).status, 200);
  assert.equal((await s.as('spec', 'POST', `/api/v1/dossiers/${code}/actions`, { body: { action: 'result_ready' } })).status, 200);

  let before = printer.pdfs().length;
  let r = ok(await clerk.run(['return', code, '--collected-by', 'Lê Văn Hải', '--id-checked']));
  assert.match(r.stdout, /Đã in phiếu đánh giá của hồ sơ/);
  let files = printer.pdfs().slice(before);
  assert.equal(files.length, 1, 'one slip on the counter\'s printer');
  let text = pdfText(files[0]);
  assert.match(text, /PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG/);
  assert.ok(text.includes(code), 'the dossier code');
  const token = new URL(qrOf(files[0])).searchParams.get('t');
  assert.ok(token && token.length >= 16, 'the QR code is the rating link');
  assert.ok(text.includes(token.match(/.{1,4}/g).join('-')), `the short code, grouped:\n${text}`);
  assert.equal((await s.req('GET', `/api/v1/public/ratings/${token}`)).status, 200, 'the link works');

  r = await clerk.run(['return', code, '--collected-by', 'Ai đó', '--id-checked']);
  assert.equal(r.status, 6, r.stderr);
  const d = (await s.as('clerk1', 'GET', `/api/v1/dossiers/${code}`)).json;
  const at = new Date(((d.dossier ?? d).returned_at + 7 * 3600) * 1000).toISOString();
  const when = `${at.slice(8, 10)}/${at.slice(5, 7)}/${at.slice(0, 4)} ${at.slice(11, 16)}`;
  assert.match(r.stderr, new RegExp(`Hồ sơ ${esc(code)} đã trả kết quả lúc ${esc(when)} cho Lê Văn Hải\\.`));
  assert.doesNotMatch(r.stderr, /chưa có kết quả/);

  before = printer.pdfs().length;
  r = ok(await clerk.run(['rating-slip', code]));
  files = printer.pdfs().slice(before);
  assert.equal(files.length, 1);
  const again = new URL(qrOf(files[0])).searchParams.get('t');
  assert.notEqual(again, token, 'a new link');
  assert.equal((await s.req('GET', `/api/v1/public/ratings/${again}`)).status, 200);

  const open = await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', outcome: 'received', applicant: { name: 'Hồ Thị Na' } } });
  r = await clerk.run(['rating-slip', open.json.dossier.code]);
  assert.equal(r.status, 6);
  assert.match(r.stderr, /chưa trả kết quả/);
});

test('Vietnamese words: the role, document kinds, the printer\'s state, form names', async () => {
  const other = new Clerk(s.base);
  try {
    const l = ok(await other.login('clerk2', PASSWORDS.clerk2));
    assert.match(l.stdout, /Đã đăng nhập clerk2 \(cán bộ một cửa\) tại/);
  } finally { other.cleanup(); }
  let r = ok(await clerk.run(['status']));
  assert.match(r.stdout, /người dùng: clerk1 \(cán bộ một cửa\)/);
  assert.doesNotMatch(r.stdout, /\(counter\)/);
  r = ok(await clerk.run(['printers']));
  assert.match(r.stdout, /Trạng thái: sẵn sàng, đang nhận lệnh in; không có cảnh báo\./);
  assert.match(r.stdout, /\(do máy chủ gán cho quầy\)/);
  assert.doesNotMatch(r.stdout, /idle|none|Idle/);
  // The documents listed for ticking, on a terminal.
  const t = await clerk.onTerminal(['intake', '--procedure', 'P3', '--name', 'Trần Thị Mơ', '--id-number', '045185003333',
    '--address', 'Khe Sanh', '--phone', '0915000333', '--email', 'mo@example.vn', '--outcome', 'received', '--copies', '1'], 'a\n');
  assert.equal(t.status, 0, t.out);
  assert.match(t.out, /1\. Tờ khai đăng ký kết hôn \(bản chính, 1\)/);
  assert.doesNotMatch(t.out, /\(original/);
  assert.match(t.out, /Đã in Mẫu 01 của hồ sơ/);
  assert.doesNotMatch(t.out, /mau-01 của/);
});
