// The legal receipt (Mẫu 01) as the citizen gets it, read back from the PDFs
// a real IPP printer received: the receiving clerk's full name and title (not
// the login), the office's place before the date, the lookup secret labelled
// beside the QR code, the ledger book and line (per year, 1, 2, 3… with no
// gap, also in GET /dossiers/{code} and the ledger CSV), the unit named once,
// and one A5 page a copy — printed by motcua-counter at a counter that has no
// printer of its own (the office default) and through POST /dossiers/{code}/print
// (given the secret back, it carries the QR code and the labelled secret too).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PASSWORDS } from './lib/harness.mjs';
import { waitFor } from './lib/printer.mjs';
import { startCounterOffice } from './lib/counter.mjs';

let office;
let s;
let printer;
let clerk;

before(async () => {
  // One printer, the office default; no counter names its own.
  office = await startCounterOffice({
    printer: { name: 'a5', paper: 'a5', default: true },
    // Named as a district's office is: the unit is already in the name.
    office: { name: 'Bộ phận Tiếp nhận và Trả kết quả - UBND huyện Hướng Hóa', parent: 'UBND huyện Hướng Hóa' },
    login: false,
  });
  ({ s, printer, clerk } = office);
});
after(async () => { await office?.stop(); });

const ok = (r) => { assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`); return r; };
const pages = (file) => {
  const r = spawnSync('pdfinfo', [file.path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.match(/^Pages:\s+(\d+)/m)[1]);
};
// The PDF's text in reading order, runs of white space made one space (wrapped lines).
const flat = (file) => {
  const r = spawnSync('pdftotext', [file.path, '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.replace(/\s+/g, ' ');
};
const yearOf = (epoch) => new Date((epoch + 7 * 3600) * 1000).getUTCFullYear();
const spoolIdle = async () => {
  for (const state of ['queued', 'sending', 'printing']) {
    const r = await s.as('sup', 'GET', `/api/v1/print-jobs?printer=a5&state=${state}`);
    if (r.status !== 200 || r.json.total !== 0) return false;
  }
  return true;
};

function checkReceipt(text, { code, line, year, secret }) {
  assert.ok(text.includes(code), 'the dossier code');
  assert.match(text, /Cán bộ một/, `the clerk's full name signs:\n${text}`);
  assert.match(text, /Công chức Tư pháp - Hộ tịch/, 'and the title');
  assert.doesNotMatch(text, /clerk1/, 'never the login');
  assert.match(text, /Hướng Hóa, ngày \d\d tháng \d\d năm \d{4}/, 'the place before the date');
  assert.match(text, new RegExp(`Quyển số: ${year}, Số thứ tự: ${line}\\b`), 'the ledger book and line');
  assert.equal(text.split('Bộ phận Tiếp nhận và Trả kết quả').length - 1, 2, `the unit once in the header (and once as where to collect):\n${text}`);
  assert.match(text, /UBND huyện Hướng Hóa Bộ phận Tiếp nhận và Trả kết quả CỘNG HÒA/, 'the parent, then the unit');
  if (secret) assert.match(text, new RegExp(`Mã tra cứu: ${secret}`), 'the lookup secret, labelled');
}

test('motcua-counter: Mẫu 01 on the office default printer, two copies on two sheets, every field filled', async () => {
  ok(await clerk.login('clerk1', PASSWORDS.clerk1));
  ok(await clerk.run(['counter', 'open', '1']));
  const before = printer.pdfs().length;
  const r = ok(await clerk.run(['intake', '--procedure', 'P3', '--name', 'Nguyễn Thị Hường',
    '--id-number', '045187001234', '--address', 'Khe Sanh', '--phone', '0912345678',
    '--docs', 'all', '--outcome', 'received']));
  const code = r.stdout.match(/Đã tiếp nhận hồ sơ (\S+)\./)[1];
  assert.match(ok(await clerk.run(['printers'])).stdout, /Quầy này in trên .+ \(máy in mặc định của cơ quan\)/);
  const secret = clerk.config().secrets[code];
  assert.match(secret, /^[A-Z0-9]{10}$/);
  const got = await s.as('clerk1', 'GET', `/api/v1/dossiers/${encodeURIComponent(code)}`);
  const d = got.json.dossier ?? got.json;
  const year = yearOf(d.received_at);
  assert.deepEqual(d.ledger, { book: year, line: 1 }, 'the first line of the year\'s book');
  assert.equal(d.received_by_user.full_name, 'Cán bộ một');
  const files = printer.pdfs().slice(before);
  assert.equal(files.length, 2, 'two copies');
  for (const f of files) {
    assert.equal(pages(f), 1, 'one A5 sheet a copy');
    checkReceipt(flat(f), { code, line: 1, year, secret });
  }
});

test('the ledger: lines 2, 3… at receipt only, shown in the dossier and the CSV; API prints carry them', async () => {
  const body = (outcome, extra = {}) => ({ procedure: 'P5', outcome, ...extra,
    applicant: { name: 'Trần Văn Nam', id_number: '045090001111', phone: '0905111222' } });
  // Six documents: the receipt that ran onto a second sheet for its note.
  const documents = ['Đơn đăng ký biến động', 'Giấy chứng nhận quyền sử dụng đất', 'Hợp đồng chuyển nhượng',
    'Căn cước của bên chuyển nhượng', 'Căn cước của bên nhận chuyển nhượng', 'Văn bản ủy quyền']
    .map((name, i) => ({ name, kind: i % 2 ? 'copy' : 'original', count: 1 }));
  const a = await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: body('received', { confirm_duplicate: true, documents }) });
  assert.equal(a.status, 201, a.text);
  const sup = await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: body('supplement', {
    missing: [{ item: 'Sơ đồ thửa đất', reason: 'Còn thiếu' }], confirm_duplicate: true }) });
  assert.equal(sup.status, 201, sup.text);
  assert.equal(sup.json.dossier.ledger, null, 'not received yet: no ledger line');
  const refused = await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: body('refused', { reason: 'Không thuộc thẩm quyền', confirm_duplicate: true }) });
  assert.equal(refused.status, 201, refused.text);
  assert.equal(refused.json.dossier.ledger, null);
  const year = yearOf(a.json.dossier.received_at);
  assert.deepEqual(a.json.dossier.ledger, { book: year, line: 2 });
  const done = await s.as('clerk1', 'POST', `/api/v1/dossiers/${sup.json.dossier.code}/actions`, { body: { action: 'supplement_received' } });
  assert.equal(done.status, 200, done.text);
  assert.deepEqual(done.json.dossier.ledger, { book: year, line: 3 }, 'the next line once complete');

  const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  const csv = await s.as('sup', 'GET', `/api/v1/ledger.csv?from=${year}-01-01&to=${today}`);
  assert.equal(csv.status, 200);
  const rows = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.match(rows[0], /^line,code,.*,book$/);
  const byCode = Object.fromEntries(rows.slice(1).map((l) => [l.split(',')[1].replace(/"/g, ''), l]));
  assert.match(byCode[a.json.dossier.code], new RegExp(`^2,.*,${year}$`));
  assert.match(byCode[sup.json.dossier.code], new RegExp(`^3,.*,${year}$`));

  const jobs = () => s.sql('SELECT count(*) AS n FROM print_jobs')[0].n;
  const n0 = jobs();
  const wrong = await s.as('clerk1', 'POST', `/api/v1/dossiers/${a.json.dossier.code}/print`, { body: { form: 'mau-01', secret: 'AAAAAAAAAA' } });
  assert.equal(wrong.status, 400, wrong.text);
  assert.equal(wrong.json.error.code, 'wrong_secret');
  assert.equal(jobs(), n0, 'nothing spooled');
  const before = printer.pdfs().length;
  const p = await s.as('clerk1', 'POST', `/api/v1/dossiers/${a.json.dossier.code}/print`, { body: { form: 'mau-01', copies: 2, secret: a.json.secret } });
  assert.equal(p.status, 202, p.text);
  await waitFor(async () => printer.pdfs().length >= before + 2 && spoolIdle(), 20000, 'two copies printed');
  const files = printer.pdfs().slice(before);
  assert.equal(files.length, 2);
  for (const f of files) {
    assert.equal(pages(f), 1, 'one sheet a copy: two copies, two sheets');
    checkReceipt(flat(f), { code: a.json.dossier.code, line: 2, year, secret: a.json.secret });
  }
  const png = `${files[0].path}.qr`;
  assert.equal(spawnSync('pdftoppm', ['-png', '-r', '200', '-singlefile', files[0].path, png]).status, 0);
  const qr = spawnSync('zbarimg', ['--raw', '-q', `${png}.png`], { encoding: 'utf8' }).stdout
    .split('\n').map((x) => x.trim()).find((x) => x.includes('/status?')) ?? ''; // (the small feedback QR beside it)
  assert.equal(qr, `${s.base}/status?code=${a.json.dossier.code}&secret=${a.json.secret}`, 'the QR code opens the status page');
  const fb = spawnSync('zbarimg', ['--raw', '-q', `${png}.png`], { encoding: 'utf8' }).stdout.split('\n').map((x) => x.trim()).find((x) => x.includes('/gop-y'));
  assert.equal(fb, `${s.base}/gop-y?d=${a.json.dossier.code}&s=${a.json.secret}`, 'the small QR code opens the feedback page for this dossier');
});

test('a user\'s title is set and cleared through the users API; the office keeps its locality', async () => {
  let r = await s.as('admin', 'PATCH', '/api/v1/users/clerk2', { body: { title: 'Phó Trưởng bộ phận' } });
  assert.equal(r.status, 200, r.text);
  let users = (await s.as('admin', 'GET', '/api/v1/users')).json.items;
  assert.equal(users.find((u) => u.username === 'clerk2').title, 'Phó Trưởng bộ phận');
  r = await s.as('admin', 'PATCH', '/api/v1/users/clerk2', { body: { title: 'x'.repeat(201) } });
  assert.equal(r.status, 400, 'at most 200 bytes');
  users = (await s.as('admin', 'GET', '/api/v1/users')).json.items;
  assert.equal(users.find((u) => u.username === 'clerk2').title, 'Phó Trưởng bộ phận', 'unchanged');
  const q = (await s.req('GET', '/api/v1/queue')).json;
  assert.equal(q.office.locality, 'Hướng Hóa');
});
