// A citizen's name and the free text that go into messages take no control
// characters (C0, DEL, C1), no bidirectional controls (U+200E/F,
// U+202A-202E, U+2066-2069) and no line or paragraph separators
// (U+2028/2029): intake, booking and the feedback's sender answer 400
// invalid_field naming the field, nothing saved. The 200 limit of a name
// counts characters (100 "ệ" is a name). An e-mail address the e-mail
// channel could never send to is refused where it is typed (intake 400
// invalid_email, booking 400 invalid_field "email"), not left to die as a
// message later.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock } from './lib/steps.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { at, booking, startBookingServer } from './lib/booking-province.mjs';

const BAD_NAMES = {
  'line feed': 'Lê Văn Thành\nBcc: spy@evil.vn',
  'CR LF': 'Lê Văn Thành\r\nBcc: spy@evil.vn',
  tab: 'Lê Văn\tThành',
  DEL: 'Lê Văn Thành\u007f',
  'C1 NEL': 'Lê Văn\u0085Thành',
  'U+202E': 'Lê Văn \u202eThành',
  'U+200F': 'Lê Văn \u200fThành',
  'U+2066': 'Lê Văn \u2066Thành\u2069',
  'U+2028': 'Lê Văn Thành\u2028Bcc: spy@evil.vn',
  'U+2029': 'Lê Văn Thành\u2029X',
  '201 characters': 'a'.repeat(201),
};
const LONG_OK = 'ệ'.repeat(100); // 300 bytes, 100 characters
const BAD_EMAILS = ['a>b@example.vn', 'a>b,c"d@b.vn', 'ab@bé.vn', 'thành@example.vn', 'a(b)@example.vn'];

let d; // intake and feedback
let b; // booking
before(async () => {
  d = await startServer({ bundle: DOSSIER_BUNDLE, args: ['--test-clock', '--logins-per-minute', '1000'] });
  await setClock(d, Date.UTC(2027, 2, 1, 2) / 1000); // Monday 1 March 2027, 09:00
  b = await startBookingServer();
});
after(async () => {
  await d?.stop(); d?.cleanup();
  await b?.stop(); b?.cleanup();
});

const APPLICANT = { name: 'Lê Văn Thành', id_number: '045090001111', address: 'Khóm 3', phone: '0912 345 678', email: 'thanh@example.vn' };
const intake = (over) => d.as('clerk1', 'POST', '/api/v1/dossiers',
  { body: { procedure: 'P3', outcome: 'received', confirm_duplicate: true, applicant: { ...APPLICANT, ...over } } });
const count = (s, table) => s.sql(`SELECT count(*) AS n FROM ${table}`)[0].n;

test('intake: a name with control, bidi or separator characters is refused naming applicant.name; 100 "ệ" is a name', async () => {
  const before = count(d, 'dossiers');
  for (const [what, name] of Object.entries(BAD_NAMES)) {
    const r = await intake({ name });
    assert.equal(r.status, 400, `${what}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_field', what);
    assert.equal(r.json.error.field, 'applicant.name', what);
  }
  const reason = await d.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', outcome: 'refused',
    reason: 'Thiếu giấy tờ\u202e', confirm_duplicate: true, applicant: APPLICANT } });
  assert.equal(reason.status, 400, reason.text);
  assert.equal(reason.json.error.code, 'invalid_field');
  assert.equal(count(d, 'dossiers'), before, 'nothing saved');
  const r = await intake({ name: LONG_OK });
  assert.equal(r.status, 201, r.text);
  assert.equal(d.sql(`SELECT applicant_name FROM dossiers WHERE code = '${r.json.dossier.code}'`)[0].applicant_name, LONG_OK);
});

test('intake: an e-mail address the e-mail channel cannot send to is refused at once', async () => {
  const before = count(d, 'dossiers');
  for (const email of BAD_EMAILS) {
    const r = await intake({ email });
    assert.equal(r.status, 400, `${email}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_email', email);
    assert.equal(r.json.error.field, 'applicant.email', email);
  }
  assert.equal(count(d, 'dossiers'), before, 'nothing saved');
  assert.equal((await intake({ email: 'thanh.lv+hs@mail.quangtri.gov.vn' })).status, 201);
});

test('feedback: the sender\'s name takes no control, bidi or separator characters', async () => {
  const before = count(d, 'feedback');
  const sender = { name: 'Nguyễn Văn Bình', address: 'Khóm 3, Khe Sanh', phone: '0914555666' };
  for (const [what, name] of Object.entries(BAD_NAMES)) {
    const r = await d.req('POST', '/api/v1/public/feedback', { body: { class: 'other', text: 'Nhà vệ sinh hỏng.', sender: { ...sender, name } } });
    assert.equal(r.status, 400, `${what}: ${r.text}`);
    assert.equal(r.json.error.field, 'sender.name', what);
  }
  assert.equal(count(d, 'feedback'), before, 'nothing saved');
  const r = await d.req('POST', '/api/v1/public/feedback', { body: { class: 'other', text: 'Nhà vệ sinh hỏng.', sender: { ...sender, name: LONG_OK } } });
  assert.equal(r.status, 201, r.text);
});

test('booking: the same names and e-mail addresses are refused naming the field; 100 "ệ" books', async () => {
  const start = at('2026-12-08', '09:00');
  let i = 0;
  for (const [what, name] of Object.entries(BAD_NAMES)) {
    const r = await b.req('POST', '/api/v1/public/bookings', { body: booking(start, { name, phone: `09160000${String(i++).padStart(2, '0')}` }) });
    assert.equal(r.status, 400, `${what}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_field', what);
    assert.equal(r.json.error.field, 'name', what);
  }
  for (const email of BAD_EMAILS) {
    const r = await b.req('POST', '/api/v1/public/bookings', { body: booking(start, { email, phone: `09170000${String(i++).padStart(2, '0')}` }) });
    assert.equal(r.status, 400, `${email}: ${r.text}`);
    assert.equal(r.json.error.field, 'email', email);
  }
  assert.equal(count(b, 'bookings'), 0, 'nothing saved');
  const r = await b.req('POST', '/api/v1/public/bookings', { body: booking(start, { name: LONG_OK }) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.booking.name, LONG_OK);
});
