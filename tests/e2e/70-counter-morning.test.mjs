// motcua-counter: a clerk's whole morning on the real server and a real IPP
// printer — login, open the counter, call, take a dossier in (Mẫu 01 printed
// twice with the right code), call, refuse one (Mẫu 03), call, no-show,
// return a dossier with its rating link, log out. Then a print that fails:
// the dossier is saved, the exit code says "not printed", print reprints it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PASSWORDS } from './lib/harness.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { TestPrinter, waitFor } from './lib/printer.mjs';
import { Clerk } from './lib/counter.mjs';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

let s;
let printer;
let clerk;

before(async () => {
  printer = new TestPrinter();
  const bundle = {
    ...DOSSIER_BUNDLE,
    printers: [{ name: 'quay-1', target: printer.uri, format: 'pdf', paper: 'a5' }],
    counters: DOSSIER_BUNDLE.counters.map((c) => (c.no === 1 ? { ...c, printer: 'quay-1' } : c)),
  };
  s = await startServer({ bundle });
  clerk = new Clerk(s.base);
});

after(async () => {
  await s?.stop();
  s?.cleanup();
  printer?.stop();
  clerk?.cleanup();
});

const ok = (r) => { assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`); return r; };
const pdfsWith = (re) => printer.pdfs().filter((f) => re.test(printer.text(f)));

test('a clerk\'s morning', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } });
    assert.equal(r.status, 201, r.text);
  }

  let r = ok(await clerk.login('clerk1', PASSWORDS.clerk1));
  assert.match(r.stdout, /Đã đăng nhập clerk1/);
  assert.equal(clerk.configMode(), 0o600, 'the token file is private');
  const cfg = clerk.config();
  assert.equal(cfg.server, s.base);
  assert.ok(cfg.token.length > 10);

  r = ok(await clerk.run(['counter', 'open', '1']));
  assert.match(r.stdout, /Quầy 1 đã mở/);
  assert.equal(clerk.config().counter, 1, 'the counter is remembered');

  r = ok(await clerk.run(['next']));
  assert.match(r.stdout, /Mời số A001 đến quầy 1/);
  r = ok(await clerk.run(['status']));
  assert.match(r.stdout, /Quầy 1 \(đang mở\) · đang phục vụ: A001 · Chứng thực: 2 người chờ \[A002 A003\]/);

  // Intake, received: the procedure found without diacritics; Mẫu 01 twice.
  const before = printer.pdfs().length;
  r = ok(await clerk.run(['intake', '--procedure', 'ket hon', '--name', 'Nguyễn Thị Hường',
    '--id-number', '045187001234', '--address', 'Khe Sanh', '--phone', '0912345678',
    '--docs', 'all', '--outcome', 'received']));
  const code = r.stdout.match(/Đã tiếp nhận hồ sơ (\S+)\./)[1];
  assert.match(code, /^000\.00\.19\.H47-\d{6}-0001$/);
  assert.match(r.stdout, /Đã in Mẫu 01 của hồ sơ .* \(2 bản\)/);
  const files = printer.pdfs();
  assert.equal(files.length, before + 2, 'two copies reached the printer');
  for (const f of files.slice(before)) {
    const text = printer.text(f);
    assert.ok(text.includes(code), 'the receipt carries the dossier code');
    assert.match(text, /GIẤY TIẾP NHẬN HỒ SƠ/);
    assert.match(text, /Nguyễn Thị Hường/);
    assert.match(text, /Tờ khai đăng ký kết hôn/);
  }
  const row = s.sql(`SELECT d.code, t.label FROM dossiers d JOIN tickets t ON t.id = d.ticket_id WHERE d.code = '${code}'`);
  assert.deepEqual(row, [{ code, label: 'A001' }], 'linked to the visit being served');
  const secret = clerk.config().secrets[code];
  assert.match(secret, /^[A-Z0-9]{10}$/);

  r = ok(await clerk.run(['next']));
  assert.match(r.stdout, /Số A001 đã kết thúc \(đã phục vụ\)/);
  assert.match(r.stdout, /Mời số A002/);

  // Intake, refused, from a JSON file: Mẫu 03 with the reason.
  const file = path.join(clerk.dir, 'intake.json');
  writeFileSync(file, JSON.stringify({ procedure: 'P5', applicant: { name: 'Lê Văn Tám', phone: '0987000111' },
    outcome: 'refused', reason: 'Không thuộc thẩm quyền giải quyết' }));
  r = ok(await clerk.run(['intake', '--from-file', file]));
  const refused = r.stdout.match(/Hồ sơ (\S+): từ chối tiếp nhận/)[1];
  const m03 = await waitFor(() => pdfsWith(/Không thuộc thẩm quyền/).at(0), 5000, 'Mẫu 03');
  assert.match(printer.text(m03), /TỪ CHỐI/i);
  assert.equal(s.sql(`SELECT status FROM dossiers WHERE code = '${refused}'`)[0].status, 'rejected_at_intake');

  r = ok(await clerk.run(['next']));
  assert.match(r.stdout, /Mời số A003/);
  r = ok(await clerk.run(['no-show']));
  assert.match(r.stdout, /Số A003 vắng mặt/);
  assert.deepEqual(s.sql("SELECT label, state FROM tickets ORDER BY id").map((t) => `${t.label}:${t.state}`),
    ['A001:done', 'A002:done', 'A003:no_show']);

  // The result comes back from the office; the citizen scans the receipt's QR.
  assert.equal((await s.as('clerk1', 'POST', `/api/v1/dossiers/${code}/actions`, { body: { action: 'handover', to_office: 'TP' } })).status, 200);
  assert.equal((await s.as('spec', 'POST', `/api/v1/dossiers/${code}/actions`, { body: { action: 'result_ready' } })).status, 200);
  const qr = `${s.base}/status?code=${code}&secret=${secret}`;
  r = ok(await clerk.run(['return', qr, '--collected-by', 'Nguyễn Thị Hường', '--id-checked']));
  assert.match(r.stdout, new RegExp(`Đã trả kết quả hồ sơ ${code.replace(/\./g, '\\.')} cho Nguyễn Thị Hường`));
  const link = r.stdout.match(/Đường dẫn đánh giá: (\S+)/)[1];
  assert.match(link, new RegExp(`^${s.base}/rate\\?t=\\w+$`));
  const rating = await s.req('GET', `/api/v1/public/ratings/${new URL(link).searchParams.get('t')}`);
  assert.equal(rating.status, 200, 'the link works');
  assert.equal(s.sql(`SELECT status, returned_to FROM dossiers WHERE code = '${code}'`)[0].status, 'returned');

  r = ok(await clerk.run(['lookup', '0912345678']));
  assert.ok(r.stdout.includes(code));

  r = ok(await clerk.run(['logout']));
  assert.match(r.stdout, /Đã đăng xuất/);
  assert.equal(clerk.config().token, undefined);
  r = await clerk.run(['status']);
  assert.equal(r.status, 4);
  assert.match(r.stderr, /Chưa đăng nhập/);
});

test('printer away: saved, exit 7, the message says how to reprint; print reprints', async () => {
  ok(await clerk.login('clerk1', PASSWORDS.clerk1));
  ok(await clerk.run(['printers']));
  printer.off();
  let off = true;
  let r;
  try {
    r = await clerk.run(['intake', '--procedure', 'P3', '--name', 'Trần Văn Bình', '--phone', '0900000001',
      '--doc', 'Tờ khai đăng ký kết hôn']);
    assert.equal(r.status, 7, `${r.stdout}\n${r.stderr}`);
    const code = r.stdout.match(/Đã tiếp nhận hồ sơ (\S+)\./)[1];
    assert.match(r.stderr, /ĐÃ LƯU trên máy chủ nhưng CHƯA IN/);
    assert.ok(r.stderr.includes(`motcua-counter print ${code} mau-01`), r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.equal(s.sql(`SELECT count(*) AS n FROM dossiers WHERE code = '${code}'`)[0].n, 1, 'saved');
    const st = await clerk.run(['printers']);
    assert.equal(st.status, 1);
    assert.match(st.stderr, /Không kết nối được máy in "quay-1": kiểm tra nguồn điện/);
    assert.doesNotMatch(st.stderr, /ipp:\/\/|[Cc]onnect/, 'the name, in Vietnamese only');
    printer.on();
    off = false;
    const n = printer.pdfs().length;
    r = ok(await clerk.run(['print', code, 'mau-01']));
    assert.equal(printer.pdfs().length, n + 1);
    // The printer restarted, so its job ids (file names) repeat: find it by text.
    const mine = pdfsWith(/Trần Văn Bình/);
    assert.equal(mine.length, 1);
    assert.ok(printer.text(mine[0]).includes(code));
  } finally {
    if (off) printer.on();
  }
});

test('a procedure by a name several share: the list, exit 2, nothing saved', async () => {
  const n = s.sql('SELECT count(*) AS n FROM dossiers')[0].n;
  const r = await clerk.run(['intake', '--procedure', 'dang ky', '--name', 'X']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /P3 +Đăng ký kết hôn/);
  assert.match(r.stderr, /P5 +Đăng ký biến động đất đai/);
  assert.equal(s.sql('SELECT count(*) AS n FROM dossiers')[0].n, n);
});

test('a locally set destination wins, and supplements print Mẫu 02', async () => {
  let r = ok(await clerk.run(['printers', '--set', printer.uri]));
  assert.match(r.stdout, /đặt trên máy này/);
  assert.equal(clerk.config().printer, printer.uri);
  const json = JSON.parse((ok(await clerk.run(['--json', 'printers']))).stdout);
  assert.equal(json.source, 'config');
  assert.equal(json.state.reachable, true);
  r = ok(await clerk.run(['--lang', 'en', 'intake', '--procedure', 'P3', '--name', 'Hồ Thị Na',
    '--outcome', 'supplement', '--missing', 'Giấy xác nhận tình trạng hôn nhân:Chưa nộp']));
  assert.match(r.stdout, /supplements requested/);
  const m02 = await waitFor(() => pdfsWith(/Giấy xác nhận tình trạng hôn nhân/).at(0), 5000, 'Mẫu 02');
  assert.match(printer.text(m02), /Hồ Thị Na/);
});
