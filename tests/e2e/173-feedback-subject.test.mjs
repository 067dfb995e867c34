// The official a feedback is about (docs/feedback.md "Privacy"): a counter
// named by the citizen stands for the official who last served there before
// the filing, not whoever holds the counter now; a counter nobody served at
// names nobody. The handler corrects the subject (set_subject), which
// unassigns a subject who was handling it. A conduct report's sender and
// attachments reach only supervisors, admins and heads, never a clerk even
// assigned (the subject may be unknown or wrong). An assignee must be able to
// read the feedback: their office covers its centre.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A } from './lib/province-bundle.mjs';
import { ok } from './lib/steps.mjs';

const SENDER = { name: 'Hoàng Thị Kín Đáo', address: 'Số 7 ngõ Riêng Tư', phone: '0977123456', email: 'kindao@example.vn' };
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(100, 0x41)]).toString('base64');

let s;
let n = 1;
before(async () => { s = await startServer({ bundle: PROVINCE_BUNDLE, args: ['--logins-per-minute', '1000'] }); });
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const file = async (body) => ok(await s.req('POST', '/api/v1/public/feedback', { body, localAddress: `127.0.7.${n++}` }));
const act = (who, code, body) => s.as(who, 'POST', `/api/v1/feedback/${code}/actions`, { body });
const uid = (u) => s.sql(`SELECT id FROM users WHERE username = '${u}'`)[0].id;
const row = (code) => s.sql(`SELECT (SELECT username FROM users WHERE id = subject_user_id) AS subject,
  (SELECT username FROM users WHERE id = assigned_user_id) AS assigned FROM feedback WHERE code = '${code}'`)[0];
const leaks = (t) => [SENDER.name, SENDER.address, SENDER.phone, SENDER.email].filter((x) => t.includes(x));

test('a named counter stands for the official who last served there, not the one holding it now', async () => {
  ok(await s.as('a.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } }));
  ok(await s.as('a-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } }));
  ok(await s.as('a.clerk', 'POST', '/api/v1/counters/1/call', { body: {} }));
  ok(await s.as('a.clerk', 'POST', '/api/v1/counters/1/finish', { body: { outcome: 'served' } }));
  ok(await s.as('a.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'closed' } }));
  ok(await s.as('a.clerk2', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } }));
  const f = await file({ class: 'conduct', counter: 1, office: CENTRE_A, sender: SENDER, text: 'Cán bộ quầy 1 sáng nay quát tháo tôi' });
  assert.equal(row(f.code).subject, 'a.clerk');
  // Counter 3: open now, nobody ever served there: no subject.
  ok(await s.as('a.clerk', 'POST', '/api/v1/counters/3/state', { body: { state: 'open' } }));
  const g = await file({ class: 'conduct', counter: 3, office: CENTRE_A, sender: SENDER, text: 'Cán bộ quầy 3 đòi tiền' });
  assert.equal(row(g.code).subject, null);
  ok(await s.as('a.clerk', 'POST', '/api/v1/counters/3/state', { body: { state: 'closed' } }));
});

test('a conduct report\'s sender and files never reach a clerk, even assigned; a procedure one\'s do', async () => {
  const conduct = await file({ class: 'conduct', office: CENTRE_A, subject_name: 'Anh Một', sender: SENDER,
    text: 'Anh Một hạch sách', attachments: [{ name: 'anh.png', type: 'image/png', data: PNG }] });
  const proc = await file({ class: 'procedure', office: CENTRE_A, sender: SENDER, text: 'Thủ tục rườm rà',
    attachments: [{ name: 'anh.png', type: 'image/png', data: PNG }] });
  for (const f of [conduct, proc]) {
    ok(await act('a.sup', f.code, { action: 'classify', decision: 'accept' }));
    ok(await act('a.sup', f.code, { action: 'assign', user_id: uid('a.clerk') }));
  }
  const d = ok(await s.as('a.clerk', 'GET', `/api/v1/feedback/${conduct.code}`));
  assert.equal(d.sender_hidden, true);
  assert.deepEqual(leaks(JSON.stringify(d)), []);
  assert.deepEqual(d.files, []);
  assert.equal((await s.as('a.clerk', 'GET', `/api/v1/feedback/${conduct.code}/files/1`)).status, 404);
  const list = ok(await s.as('a.clerk', 'GET', '/api/v1/feedback'));
  const item = list.items.find((i) => i.code === conduct.code);
  assert.equal(item.sender_hidden, true);
  assert.deepEqual(leaks(JSON.stringify(item)), []);
  // The supervisor and the head read it.
  assert.equal(ok(await s.as('a.sup', 'GET', `/api/v1/feedback/${conduct.code}`)).sender.name, SENDER.name);
  assert.equal((await s.as('a.sup', 'GET', `/api/v1/feedback/${conduct.code}/files/1`)).status, 200);
  // A procedure report: the assigned clerk handles the sender.
  const p = ok(await s.as('a.clerk', 'GET', `/api/v1/feedback/${proc.code}`));
  assert.equal(p.sender.phone, SENDER.phone);
  assert.equal((await s.as('a.clerk', 'GET', `/api/v1/feedback/${proc.code}/files/1`)).status, 200);
});

test('set_subject: the handler corrects the subject, who stops handling it; only staff of the centre', async () => {
  const f = await file({ class: 'conduct', office: CENTRE_A, subject_name: 'Anh Hai', sender: SENDER, text: 'Anh Hai gây khó dễ' });
  ok(await act('a.sup', f.code, { action: 'classify', decision: 'accept' }));
  ok(await act('a.sup', f.code, { action: 'assign', user_id: uid('a.clerk2') }));
  assert.equal((await act('a.clerk2', f.code, { action: 'set_subject', user_id: uid('a.clerk') })).json.error.code, 'action_not_allowed');
  const wrong = await act('a.sup', f.code, { action: 'set_subject', user_id: uid('b.clerk') });
  assert.deepEqual([wrong.status, wrong.json.error.code], [404, 'user_not_found']);
  const d = ok(await act('a.sup', f.code, { action: 'set_subject', user_id: uid('a.clerk2') }));
  assert.equal(d.subject.user.full_name, 'Cán bộ Khe Sanh Hai');
  assert.deepEqual(row(f.code), { subject: 'a.clerk2', assigned: null });
  // The subject now reads nothing of it; reassigning them is refused.
  assert.equal((await s.as('a.clerk2', 'GET', `/api/v1/feedback/${f.code}`)).status, 404);
  assert.equal((await act('a.sup', f.code, { action: 'assign', user_id: uid('a.clerk2') })).json.error.code, 'subject_cannot_handle');
  ok(await act('a.sup', f.code, { action: 'set_subject', user_id: null }));
  assert.equal(row(f.code).subject, null);
  const ev = s.sql(`SELECT count(*) AS n FROM events WHERE entity = 'feedback' AND entity_id = '${f.code}' AND action = 'feedback.set_subject'`)[0].n;
  assert.equal(ev, 2);
});

test('a report about the commune\'s own supervisor: the province head names them, and they neither read the sender nor take a step', async () => {
  const f = await file({ class: 'conduct', office: CENTRE_A, subject_name: 'Giám sát xã', sender: SENDER, text: 'Lãnh đạo xã gây khó dễ khi ký hồ sơ' });
  ok(await act('prov.sup', f.code, { action: 'set_subject', user_id: uid('a.sup') }));
  // The commune's specialist, in an office beside the centre, can be named too.
  ok(await act('a.sup', (await file({ class: 'conduct', office: CENTRE_A, sender: SENDER, text: 'Chuyên viên hẹn lại nhiều lần' })).code,
    { action: 'set_subject', user_id: uid('a.spec') }));
  const seen = await s.as('a.sup', 'GET', `/api/v1/feedback/${f.code}`);
  assert.ok(seen.status === 404 || (seen.json.sender_hidden === true && !seen.text.includes(SENDER.phone)), seen.text);
  const rej = await act('a.sup', f.code, { action: 'classify', decision: 'reject', reason: 'Không có căn cứ' });
  assert.ok([403, 404, 409].includes(rej.status), rej.text);
  assert.equal(s.sql(`SELECT status FROM feedback WHERE code = '${f.code}'`)[0].status, 'received');
});

test('an assignee must read the feedback: the province head cannot give centre A\'s feedback to a clerk of B', async () => {
  const f = await file({ class: 'procedure', office: CENTRE_A, sender: SENDER, text: 'Thủ tục rườm rà' });
  ok(await act('prov.sup', f.code, { action: 'classify', decision: 'accept' }));
  const r = await act('prov.sup', f.code, { action: 'assign', user_id: uid('b.clerk') });
  assert.deepEqual([r.status, r.json.error.code], [409, 'assignee_out_of_scope']);
  assert.equal(row(f.code).assigned, null);
  // A clerk of centre A is fine, and reads it.
  ok(await act('prov.sup', f.code, { action: 'assign', user_id: uid('a.clerk2') }));
  assert.equal(ok(await s.as('a.clerk2', 'GET', `/api/v1/feedback/${f.code}`)).code, f.code);
});
