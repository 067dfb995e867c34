// Who may read and handle citizens' feedback (docs/api.md "Feedback
// handling"): the sender's name, address and phone reach only those handling
// it (the supervisors, the assigned clerk), never the official it is about,
// never a public answer, the board's event stream, the audit chain's details
// or the server's log; the official it is about cannot be assigned it nor
// answer it; an anonymous report is seen by the office head alone; only the
// head approves an answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, subscribe, serveOne, TEST_BUNDLE, PASSWORDS } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';

// A second supervisor of the same office who is not its head.
PASSWORDS.sup2 = 'sup2-pass-0001';
const BUNDLE = { ...TEST_BUNDLE, users: [...TEST_BUNDLE.users,
  { username: 'sup2', full_name: 'Phó Giám sát', role: 'supervisor', password: PASSWORDS.sup2 }] };

// The sender's identity: none of these may leak.
const SENDER = { name: 'Hoàng Thị Kín Đáo', address: 'Số 7 ngõ Riêng Tư, Khe Sanh', phone: '0977123456', email: 'kindao@example.vn' };
const SECRETS = [SENDER.name, SENDER.address, SENDER.phone, SENDER.email];
const leaks = (text) => SECRETS.filter((x) => text.includes(x));

let s;
let board;
const fb = {};

before(async () => {
  s = await startServer({ bundle: BUNDLE });
  // clerk1 serves at counter 1, sup2 at counter 2: the officials the
  // conduct reports below are about.
  await serveOne(s, 'clerk1', 1, 'CT');
  await serveOne(s, 'sup2', 2, 'HT');
  board = subscribe(s, s.devices['board-1']);
  const file = async (body) => {
    const r = await s.req('POST', '/api/v1/public/feedback', { body });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  fb.counter1 = await file({ class: 'conduct', counter: 1, sender: SENDER,
    text: 'Cán bộ quầy 1 yêu cầu nộp thêm giấy xác nhận không có trong quy định.' });
  fb.counter2 = await file({ class: 'conduct', counter: 2, sender: SENDER,
    text: 'Cán bộ quầy 2 không hướng dẫn, bảo tôi tự tìm hiểu.' });
  fb.anonymous = await file({ class: 'conduct', counter: 1, anonymous: true, sender: SENDER,
    text: 'Cán bộ quầy 1 gợi ý đưa tiền để được giải quyết nhanh.' });
});

after(async () => {
  board?.close();
  if (s) { await s.stop(); s.cleanup(); }
});

const get = (who, code) => s.as(who, 'GET', `/api/v1/feedback/${code}`);
const act = (who, code, body) => s.as(who, 'POST', `/api/v1/feedback/${code}/actions`, { body });
const code = (r) => r.json?.error?.code;

test('the official a report is about: cannot be assigned it, cannot read it, cannot see who sent it', async () => {
  const c1 = fb.counter1.code;
  const seen = ok(await get('sup', c1));
  assert.equal(seen.subject.user.full_name, 'Cán bộ một');
  assert.deepEqual(seen.sender, { name: SENDER.name, address: SENDER.address, phone: SENDER.phone, email: SENDER.email });
  ok(await act('sup', c1, { action: 'classify', decision: 'accept' }));
  const users = ok(await s.as('sup', 'GET', '/api/v1/users?limit=50')).items;
  const id = (u) => users.find((x) => x.username === u).id;
  // The bundle's "head": true shows in the users list.
  assert.deepEqual(users.filter((u) => u.head).map((u) => u.username), ['sup']);
  const refused = await act('sup', c1, { action: 'assign', user_id: id('clerk1') });
  assert.deepEqual([refused.status, code(refused)], [409, 'subject_cannot_handle']);
  assert.deepEqual(s.sql(`SELECT assigned_user_id FROM feedback WHERE code = '${c1}'`), [{ assigned_user_id: null }]);
  // Not assigned, not typed in by them: the clerk it is about finds nothing.
  assert.equal((await get('clerk1', c1)).status, 404);
  assert.equal(ok(await s.as('clerk1', 'GET', '/api/v1/feedback')).total, 0);
  assert.equal((await get('spec', c1)).status, 404);
  // The colleague it is assigned to drafts; a conduct report's sender stays
  // with the supervisors and the head (its subject may be wrong).
  const assigned = ok(await act('sup', c1, { action: 'assign', user_id: id('clerk2') }));
  assert.equal(assigned.assigned.full_name, 'Cán bộ hai');
  assert.equal(ok(await get('clerk2', c1)).sender_hidden, true);
  assert.deepEqual(ok(await s.as('clerk2', 'GET', '/api/v1/feedback')).items.map((i) => i.code), [c1]);
  ok(await act('clerk2', c1, { action: 'answer', text: 'Trung tâm đã nhắc nhở cán bộ quầy 1 và xin lỗi bà.' }));
  // Only the head approves.
  for (const who of ['clerk2', 'sup2']) {
    const r = await act(who, c1, { action: 'approve' });
    assert.deepEqual([r.status, code(r)], [403, 'not_office_head'], who);
  }
  assert.equal(ok(await get('sup', c1)).status, 'accepted');
  assert.equal(ok(await act('sup', c1, { action: 'approve' })).status, 'answered');
  assert.equal(ok(await act('sup2', c1, { action: 'publish', question: 'Cán bộ yêu cầu giấy tờ ngoài quy định.' })).status, 'published');

  // A supervisor who is the official of a report reads it without its sender.
  const c2 = fb.counter2.code;
  const own = ok(await get('sup2', c2));
  assert.equal(own.subject.user.full_name, 'Phó Giám sát');
  assert.equal(own.sender_hidden, true);
  assert.equal(own.sender, undefined);
  assert.deepEqual(leaks(JSON.stringify(own)), []);
  const row = ok(await s.as('sup2', 'GET', '/api/v1/feedback')).items.find((i) => i.code === c2);
  assert.equal(row.sender_hidden, true);
  assert.deepEqual(leaks(JSON.stringify(row)), []);
  ok(await act('sup', c2, { action: 'classify', decision: 'accept' }));
  const self = await act('sup2', c2, { action: 'answer', text: 'Tôi đã hướng dẫn đầy đủ.' });
  assert.deepEqual([self.status, code(self)], [409, 'subject_cannot_handle']);
  const assign = await act('sup', c2, { action: 'assign', user_id: id('sup2') });
  assert.deepEqual([assign.status, code(assign)], [409, 'subject_cannot_handle']);
  assert.equal(ok(await get('sup', c2)).answer_draft, null);
});

test('an anonymous report: the office head alone sees it and closes it with a note', async () => {
  const a = fb.anonymous.code;
  assert.equal(fb.anonymous.kind, 'anonymous');
  // The identity it came with was not kept.
  assert.deepEqual(s.sql(`SELECT sender_name, sender_phone, sender_address FROM feedback WHERE code = '${a}'`),
    [{ sender_name: null, sender_phone: null, sender_address: null }]);
  const head = ok(await get('sup', a));
  assert.equal(head.kind, 'anonymous');
  assert.equal(head.subject.user.full_name, 'Cán bộ một');
  assert.deepEqual(ok(await s.as('sup', 'GET', '/api/v1/feedback?box=anonymous')).items.map((i) => i.code), [a]);
  assert.ok(!ok(await s.as('sup', 'GET', '/api/v1/feedback')).items.some((i) => i.code === a), 'not among the PAKN');
  for (const who of ['sup2', 'clerk1', 'clerk2', 'spec', 'admin']) {
    assert.equal((await get(who, a)).status, 404, who);
    assert.equal((await act(who, a, { action: 'close', note: 'Đã kiểm tra.' })).status, 404, who);
  }
  const box = await s.as('sup2', 'GET', '/api/v1/feedback?box=anonymous');
  assert.deepEqual([box.status, code(box)], [403, 'not_office_head']);
  // Per official, for the head: one PAKN and one anonymous report about clerk1.
  const conduct = ok(await s.as('sup', 'GET', '/api/v1/feedback/conduct'));
  const clerk1 = conduct.officials.find((o) => o.full_name === 'Cán bộ một');
  assert.deepEqual([clerk1.pakn, clerk1.anonymous, clerk1.total], [1, 1, 2]);
  assert.equal((await s.as('sup2', 'GET', '/api/v1/feedback/conduct')).status, 403);
  // Not a PAKN: no classification; closed with the head's note only.
  const wrong = await act('sup', a, { action: 'classify', decision: 'accept' });
  assert.deepEqual([wrong.status, code(wrong)], [409, 'feedback_wrong_state']);
  const bare = await act('sup', a, { action: 'close' });
  assert.deepEqual([bare.status, code(bare)], [400, 'missing_field']);
  const closed = ok(await act('sup', a, { action: 'close', note: 'Đã xác minh với camera: không có căn cứ.' }));
  assert.equal(closed.status, 'closed');
  assert.equal(closed.notes.at(-1).text, 'Đã xác minh với camera: không có căn cứ.');
});

test("the sender's identity is in no public answer, no board stream, no event, no log line", async () => {
  // A ticket called after the feedback's steps: once the board has it, it
  // has had everything the stream sent before.
  const t = ok(await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } }));
  ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/call', { body: {} }));
  await board.until((evs) => evs.some((e) => JSON.stringify(e.json).includes(t.ticket.label)), 10000);
  const stream = board.events.map((e) => e.data).join('\n');
  assert.deepEqual(leaks(stream), [], 'the board stream');
  assert.ok(!stream.includes(fb.counter1.code), 'no feedback on the board stream');

  const answers = await s.req('GET', '/api/v1/public/feedback-answers');
  assert.deepEqual(ok(answers).items.map((i) => i.code), [fb.counter1.code]);
  assert.deepEqual(leaks(answers.text), [], 'the published answers');
  const mine = await s.req('GET', `/api/v1/public/feedback/${fb.counter1.code}?secret=${fb.counter1.secret}`);
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(leaks(mine.text), [], "the sender's own status view");
  const transparency = await s.req('GET', '/api/v1/public/transparency');
  assert.deepEqual(leaks(transparency.text), [], 'transparency');

  const events = s.sql("SELECT action, details, stream FROM events WHERE entity = 'feedback'");
  assert.ok(events.length >= 8, `${events.length} feedback events`);
  assert.deepEqual(leaks(JSON.stringify(events)), [], 'the audit chain');
  assert.ok(events.every((e) => e.stream === 0), 'none on the live stream');
  assert.ok(!JSON.stringify(events).includes('giấy xác nhận'), "no feedback's text in an event");
  assert.deepEqual(leaks(s.stderr), [], 'the server log');
});
