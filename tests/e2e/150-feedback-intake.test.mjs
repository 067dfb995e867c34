// Filing citizens' feedback (docs/api.md "Feedback"): a PAKN names its
// sender (name, address, phone or e-mail) or the sender confirms sending
// without identity ("anonymous": true), which keeps no sender field at all;
// a refused filing stores nothing (no row, no number, no event); the text is
// kept exactly as typed, HTML and all; the sender's own view never carries
// the sender's name, address, phone or e-mail; staff type in a call with its
// channel; a kiosk files as a kiosk; and the server's log never holds the
// sender's name or phone, nor a secret.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, serveOne } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';

const SENDER = { name: 'Trương Thị Mỹ Hạnh', address: 'Số 12 đường Lê Duẩn, Khe Sanh', phone: '+84 905 111 222', email: 'myhanh@example.vn' };
const TEXT = 'Hồ sơ chứng thực của tôi bị yêu cầu nộp thêm bản sao không có trong quy định.';

let s;
const secrets = [];

before(async () => { s = await startServer(); });
after(async () => {
  if (!s) return;
  await s.stop();
  // The log (the server's stderr) of everything this file did.
  for (const x of [SENDER.name, '0905111222', SENDER.email, SENDER.address, ...secrets]) {
    assert.ok(!s.stderr.includes(x), `the server's log holds ${x}`);
  }
  s.cleanup();
});

const file = (body, who = null) => (who === null ? s.req('POST', '/api/v1/public/feedback', { body })
  : s.as(who, 'POST', who === 'kiosk-1' ? '/api/v1/public/feedback' : '/api/v1/feedback', { body }));
// Everything a filing could leave behind.
const footprint = () => JSON.stringify([
  s.sql('SELECT count(*) AS n FROM feedback'), s.sql('SELECT count(*) AS n FROM feedback_files'),
  s.sql('SELECT * FROM feedback_numbers'), s.sql("SELECT count(*) AS n FROM events WHERE entity = 'feedback'")]);

test('a PAKN is filed with its code, secret and dues; its event holds no sender field', async () => {
  const r = await file({ class: 'procedure', text: `  ${TEXT}\n`, sender: SENDER });
  assert.equal(r.status, 201, r.text);
  const f = r.json;
  secrets.push(f.secret);
  assert.match(f.code, /^PA-\d{6}-0001$/);
  assert.match(f.secret, /^[A-Z2-9]{10}$/);
  assert.deepEqual([f.kind, f.status, f.status_url], ['pakn', 'received', `/status?code=${f.code}&secret=${f.secret}`]);
  assert.ok(f.answer_due_at > f.received_at);
  const [row] = s.sql(`SELECT * FROM feedback WHERE code = '${f.code}'`);
  assert.equal(row.text, TEXT, 'the text is trimmed, nothing else');
  assert.deepEqual([row.kind, row.class, row.channel, row.entered_by, row.status],
    ['pakn', 'procedure', 'web', null, 'received']);
  // The phone in its normal form, as an applicant's.
  assert.deepEqual([row.sender_name, row.sender_address, row.sender_phone, row.sender_email],
    [SENDER.name, SENDER.address, '0905111222', SENDER.email]);
  for (const k of ['reject_due_at', 'forward_due_at', 'info_due_at', 'answer_due_at']) assert.ok(row[k] > row.received_at, k);
  assert.equal(row.answer_due_at, f.answer_due_at);
  assert.notEqual(row.secret_hash, f.secret);
  const ev = s.sql(`SELECT action, details FROM events WHERE entity = 'feedback' AND entity_id = '${f.code}'`);
  assert.deepEqual(ev.map((e) => e.action), ['feedback.received']);
  for (const x of [SENDER.name, '0905111222', SENDER.email, TEXT]) assert.ok(!ev[0].details.includes(x));

  // The sender's view: the status and dates, never who sent it.
  const view = await s.req('GET', `/api/v1/public/feedback/${f.code}?secret=${f.secret}`);
  assert.equal(view.status, 200, view.text);
  assert.deepEqual([view.json.code, view.json.status_text, view.json.class_text, view.json.can_reply, view.json.can_react],
    [f.code, 'Đã tiếp nhận', view.json.class_text, false, false]);
  for (const x of [SENDER.name, SENDER.address, '0905111222', SENDER.phone, SENDER.email]) {
    assert.ok(!view.text.includes(x), `the sender's view shows ${x}`);
  }
  const wrong = await s.req('GET', `/api/v1/public/feedback/${f.code}?secret=AAAAAAAAAA`);
  assert.deepEqual([wrong.status, wrong.json.error.code], [404, 'feedback_not_found']);
});

test('without identity and without the confirmation nothing is stored; with it no sender field is kept', async () => {
  const before0 = footprint();
  const cases = [
    [{ class: 'conduct', text: TEXT }, 'sender.name'],
    [{ class: 'conduct', text: TEXT, sender: { name: SENDER.name } }, 'sender.address'],
    [{ class: 'conduct', text: TEXT, sender: { name: SENDER.name, address: SENDER.address } }, 'sender.phone'],
    [{ class: 'conduct', text: TEXT, anonymous: false, sender: { name: SENDER.name, phone: SENDER.phone } }, 'sender.address'],
  ];
  for (const [body, field] of cases) {
    const r = await file(body);
    assert.deepEqual([r.status, r.json.error.code, r.json.error.field], [400, 'sender_identity_required', field], r.text);
    assert.match(r.json.error.message, /không danh tính/);
  }
  // Other refusals: each leaves nothing behind either.
  const refusals = [
    [{ class: 'rumour', text: TEXT, anonymous: true }, 400, 'invalid_class'],
    [{ class: 'other', text: '   ', anonymous: true }, 400, 'missing_field'],
    [{ class: 'other', text: 'ạ'.repeat(4001), anonymous: true }, 400, 'text_too_long'],
    [{ class: 'other', text: TEXT, sender: { ...SENDER, phone: '12345' } }, 400, 'invalid_phone'],
    [{ class: 'other', text: TEXT, sender: { ...SENDER, email: 'not-an-address' } }, 400, 'invalid_email'],
    [{ class: 'other', text: TEXT, anonymous: true, channel: 'hotline' }, 403, 'channel_not_allowed'],
    [{ class: 'other', text: TEXT, anonymous: true, office: 'NOWHERE' }, 404, 'office_not_found'],
    [{ class: 'other', text: TEXT, anonymous: true, counter: 99 }, 400, 'counter_not_found'],
    [{ class: 'other', text: TEXT, anonymous: true, dossier_code: 'X-260101-0001', dossier_secret: 'ABC' }, 404, 'dossier_not_found'],
    [{ class: 'other', text: TEXT, anonymous: true, colour: 'red' }, 400, 'unknown_field'],
  ];
  for (const [body, status, code] of refusals) {
    const r = await file(body);
    assert.deepEqual([r.status, r.json?.error?.code], [status, code], JSON.stringify(body).slice(0, 80));
  }
  assert.equal(footprint(), before0, 'a refused filing changed the database');

  // Confirmed: an anonymous report, the identity given is not kept.
  const r = await file({ class: 'conduct', text: TEXT, anonymous: true, counter: 2, sender: SENDER });
  assert.equal(r.status, 201, r.text);
  secrets.push(r.json.secret);
  assert.deepEqual([r.json.kind, r.json.answer_due_at], ['anonymous', null]);
  const [row] = s.sql(`SELECT * FROM feedback WHERE code = '${r.json.code}'`);
  assert.deepEqual([row.kind, row.sender_name, row.sender_address, row.sender_phone, row.sender_email, row.answer_due_at],
    ['anonymous', null, null, null, null, null]);
  assert.equal(row.subject_counter_no, 2);
  // The next code of the day: numbered without a gap after the refusals.
  assert.match(r.json.code, /^PA-\d{6}-0002$/);
});

test('a script typed in is kept and shown as the same text', async () => {
  const html = '<script>alert("x")</script><img src=x onerror=alert(1)> Phí & "lệ phí" <b>sai</b>';
  const f = ok(await file({ class: 'other', text: html, sender: SENDER }));
  secrets.push(f.secret);
  assert.equal(s.sql(`SELECT text FROM feedback WHERE code = '${f.code}'`)[0].text, html);
  const d = ok(await s.as('sup', 'GET', `/api/v1/feedback/${f.code}`));
  assert.equal(d.text, html);
});

test('staff type in a call with its channel; a kiosk files as a kiosk', async () => {
  const noChannel = await file({ class: 'procedure', text: TEXT, sender: SENDER }, 'clerk1');
  assert.deepEqual([noChannel.status, noChannel.json.error.code, noChannel.json.error.field], [400, 'missing_field', 'channel']);
  const web = await file({ class: 'procedure', text: TEXT, sender: SENDER, channel: 'web' }, 'clerk1');
  assert.deepEqual([web.status, web.json.error.code], [400, 'invalid_channel']);
  const f = ok(await file({ class: 'procedure', text: TEXT, sender: SENDER, channel: 'hotline' }, 'clerk1'));
  secrets.push(f.secret);
  const users = ok(await s.as('admin', 'GET', '/api/v1/users?limit=50')).items;
  const clerk1 = users.find((u) => u.username === 'clerk1');
  const [row] = s.sql(`SELECT channel, entered_by FROM feedback WHERE code = '${f.code}'`);
  assert.deepEqual([row.channel, row.entered_by], ['hotline', `user:${clerk1.id}`]);
  // The display cannot file as staff.
  assert.equal((await s.as('board-1', 'POST', '/api/v1/feedback', { body: { class: 'other', text: TEXT, anonymous: true, channel: 'box' } })).status, 403);

  const k = ok(await file({ class: 'other', text: 'Máy lấy số in mờ.', anonymous: true }, 'kiosk-1'));
  secrets.push(k.secret);
  assert.equal(s.sql(`SELECT channel FROM feedback WHERE code = '${k.code}'`)[0].channel, 'kiosk');
  const kw = await file({ class: 'other', text: 'Máy lấy số in mờ.', anonymous: true, channel: 'web' }, 'kiosk-1');
  assert.deepEqual([kw.status, kw.json.error.code], [403, 'channel_not_allowed']);
});

test('a conduct report names the official who last served at the counter', async () => {
  await serveOne(s, 'clerk2', 3, 'HT');
  const f = ok(await file({ class: 'conduct', counter: 3, text: 'Cán bộ quầy 3 không hướng dẫn.', sender: SENDER }));
  secrets.push(f.secret);
  const [row] = s.sql(`SELECT u.username FROM feedback f JOIN users u ON u.id = f.subject_user_id WHERE f.code = '${f.code}'`);
  assert.equal(row.username, 'clerk2');
});
