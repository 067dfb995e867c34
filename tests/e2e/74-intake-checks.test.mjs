// Intake checks what a clerk types: the ID number (12-digit căn cước or a
// passport number), a Vietnamese phone number (kept as 0xxxxxxxxx, +84
// accepted), an e-mail address — on the server (400 naming the field, with a
// stable code, nothing saved) and in motcua-counter before it sends anything;
// and the same ID number asking for the same procedure within 30 days is a
// probable duplicate: 409 probable_duplicate naming the earlier dossier until
// the request confirms it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORDS } from './lib/harness.mjs';
import { startCounterOffice } from './lib/counter.mjs';

let office;
let s;
let clerk;

before(async () => {
  office = await startCounterOffice({ login: false });
  ({ s, clerk } = office);
});
after(async () => { await office?.stop(); });

const ok = (r) => { assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`); return r; };
const count = () => s.sql('SELECT count(*) AS n FROM dossiers')[0].n;
const intake = (applicant, extra = {}) => s.as('clerk1', 'POST', '/api/v1/dossiers',
  { body: { procedure: 'P5', outcome: 'received', applicant: { name: 'Phan Văn Tâm', ...applicant }, ...extra } });

test('the server refuses a bad ID number, phone or e-mail, naming the field; nothing is saved', async () => {
  const before = count();
  const cases = [
    [{ id_number: 'abc' }, 'invalid_id_number', 'applicant.id_number'],
    [{ id_number: '04518700123' }, 'invalid_id_number', 'applicant.id_number'],
    [{ phone: 'xyz' }, 'invalid_phone', 'applicant.phone'],
    [{ phone: '091234567' }, 'invalid_phone', 'applicant.phone'],
    [{ phone: '+1 202 555 0100' }, 'invalid_phone', 'applicant.phone'],
    [{ email: 'tam' }, 'invalid_email', 'applicant.email'],
  ];
  for (const [applicant, code, field] of cases) {
    const r = await intake(applicant);
    assert.equal(r.status, 400, `${JSON.stringify(applicant)}: ${r.text}`);
    assert.equal(r.json.error.code, code);
    assert.equal(r.json.error.field, field);
    // Both messages are for people (the clerk's page shows them): the field
    // is named by `field`, never by its machine name in the words.
    assert.ok(r.json.error.message.length > 0 && r.json.error.message_en.length > 0);
    assert.ok(!r.json.error.message_en.includes(field), r.json.error.message_en);
  }
  assert.equal(count(), before, 'nothing saved');
});

test('a phone is kept in its normal form; a passport number is an ID', async () => {
  const r = await intake({ id_number: 'C1234567', phone: '+84 912 345 678', email: 'tam.pv@example.vn' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.dossier.applicant.phone, '0912345678');
  const code = r.json.dossier.code;
  const codes = async (q) => {
    const found = await s.as('clerk1', 'GET', `/api/v1/dossiers?q=${encodeURIComponent(q)}`);
    assert.equal(found.status, 200, found.text);
    return found.json.items.map((d) => d.code);
  };
  // The phone as a clerk copies it from anywhere finds the dossier: the
  // search puts it in the form intake kept.
  for (const q of ['0912345678', '+84 912 345 678', '0912.345.678', '0912 345 678', '84912345678',
    '(091) 234-5678']) {
    assert.ok((await codes(q)).includes(code), `found by the phone written ${q}`);
  }
  // Anything that is not a phone is matched as typed.
  assert.deepEqual(await codes(code), [code], 'by its code');
  assert.ok((await codes('C1234567')).includes(code), 'by the passport number');
  assert.deepEqual(await codes('0912 345 67'), [], 'a number one digit short is no phone');
});

test('the same ID and procedure within 30 days: 409 probable_duplicate with the earlier code, until confirmed', async () => {
  const first = await intake({ id_number: '045187004321' });
  assert.equal(first.status, 201, first.text);
  const before = count();
  const again = await intake({ id_number: '045187004321' });
  assert.equal(again.status, 409, again.text);
  assert.equal(again.json.error.code, 'probable_duplicate');
  assert.equal(again.json.error.duplicate_of.code, first.json.dossier.code);
  assert.ok(again.json.error.message.includes(first.json.dossier.code), 'the message names it');
  assert.equal(count(), before, 'nothing saved');
  const other = await s.as('clerk1', 'POST', '/api/v1/dossiers',
    { body: { procedure: 'P3', outcome: 'received', applicant: { name: 'Phan Văn Tâm', id_number: '045187004321' } } });
  assert.equal(other.status, 201, 'another procedure is no duplicate');
  const bad = await intake({ id_number: '045187004321' }, { confirm_duplicate: 'yes' });
  assert.equal(bad.status, 400, 'confirm_duplicate is a boolean');
  const confirmed = await intake({ id_number: '045187004321' }, { confirm_duplicate: true });
  assert.equal(confirmed.status, 201, confirmed.text);
  assert.notEqual(confirmed.json.dossier.code, first.json.dossier.code);
});

test('motcua-counter checks before sending, and says a probable duplicate with the way to confirm', async () => {
  assert.equal((await clerk.login('clerk1', PASSWORDS.clerk1)).status, 0);
  const before = count();
  const args = (...extra) => ['intake', '--procedure', 'P5', '--name', 'Đỗ Thị Lan', '--docs', 'none',
    '--outcome', 'received', '--no-print', ...extra];
  let r = await clerk.run(args('--id-number', 'abc', '--phone', 'xyz'));
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--id-number Số định danh phải gồm 12 chữ số .*: 'abc'\. Chưa có gì được lưu\./);
  r = await clerk.run(args('--id-number', '045190007777', '--phone', 'xyz'));
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--phone Số điện thoại không hợp lệ/);
  r = await clerk.run(['--lang', 'en', ...args('--email', 'lan@')]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--email the e-mail address is not valid: 'lan@'/);
  assert.equal(count(), before, 'nothing reached the server');

  r = await clerk.run(args('--id-number', '045190007777', '--phone', '+84 905 111 222'));
  assert.equal(r.status, 0, r.stderr);
  const code = r.stdout.match(/Đã tiếp nhận hồ sơ (\S+)\./)[1];
  const d = (await s.as('clerk1', 'GET', `/api/v1/dossiers/${code}`)).json;
  assert.equal((d.dossier ?? d).applicant.phone, '0905111222');
  r = ok(await clerk.run(['lookup', '+84 905 111 222']));
  assert.ok(r.stdout.includes(code), 'looked up by the phone written another way');
  r = await clerk.run(args('--id-number', '045190007777'));
  assert.equal(r.status, 6, r.stderr);
  assert.match(r.stderr, new RegExp(`Có thể trùng với hồ sơ ${code.replace(/\./g, '\\.')} \\(tiếp nhận \\d\\d:\\d\\d \\d\\d/\\d\\d/\\d{4}, .+\\).*--confirm-duplicate`));
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  r = await clerk.run(args('--id-number', '045190007777', '--confirm-duplicate'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Đã tiếp nhận hồ sơ/);
});

test('at a terminal: a bad phone is asked again, a probable duplicate is asked about', async () => {
  const before = count();
  const args = ['intake', '--procedure', 'P5', '--name', 'Đỗ Thị Lan', '--id-number', '045190007777',
    '--address', 'Khe Sanh', '--email', 'lan@example.vn', '--docs', 'none', '--outcome', 'received', '--no-print'];
  // Declined: nothing saved.
  let r = await clerk.onTerminal([...args, '--phone', 'xyz'], '0905 222 333\nk\n');
  assert.equal(r.status, 6, r.out);
  assert.match(r.out, /Số điện thoại không hợp lệ .*: 'xyz'/);
  assert.match(r.out, /Có thể trùng với hồ sơ \S+ \(tiếp nhận/);
  assert.match(r.out, /Vẫn tiếp nhận hồ sơ mới\?/);
  assert.match(r.out, /Đã không tiếp nhận\. Chưa có gì được lưu\./);
  assert.equal(count(), before);
  // Confirmed: saved once, with the phone as typed again.
  r = await clerk.onTerminal([...args, '--phone', 'xyz'], '0905 222 333\nc\n');
  assert.equal(r.status, 0, r.out);
  const code = r.out.match(/Đã tiếp nhận hồ sơ (\S+)\./)[1];
  assert.equal(count(), before + 1);
  assert.equal(s.sql(`SELECT applicant_phone AS p FROM dossiers WHERE code = '${code}'`)[0].p, '0905222333');
});
