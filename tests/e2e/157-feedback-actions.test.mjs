// The feedback workflow's guards (docs/api.md "Feedback handling"): each
// action only from its states (409 feedback_wrong_state, no_draft), only by
// its roles (403), bad bodies refused (400) — and a refused action changes
// no row; a repeat linked to the earlier feedback; closing; a script typed
// into a feedback comes back as the same text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { rowsText } from './lib/pg.mjs';
import { ok } from './lib/steps.mjs';

const SENDER = { name: 'Đinh Thị Lan', address: 'Khe Sanh', phone: '0905333444' };
let s;

before(async () => { s = await startServer(); });
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

// What an action could change: the feedback rows, their notes, the events.
const rows = () => JSON.stringify(rowsText(s.db, {
  feedback: 'SELECT * FROM feedback ORDER BY id',
  notes: 'SELECT * FROM feedback_notes ORDER BY id',
  events: 'SELECT count(*) FROM events',
}));
const file = async (text) => ok(await s.as('clerk2', 'POST', '/api/v1/feedback',
  { body: { channel: 'letter', class: 'procedure', text, sender: SENDER } })).code;
const act = (who, code, body) => s.as(who, 'POST', `/api/v1/feedback/${code}/actions`, { body });

test('refused actions say why and change nothing', async () => {
  const code = await file('Đề nghị niêm yết rõ phí chứng thực tại sảnh.');
  const refusals = [
    ['sup', { action: 'request_info', text: 'Xin bổ sung.' }, 409, 'feedback_wrong_state'],
    ['sup', { action: 'answer', text: 'Đã niêm yết.' }, 409, 'feedback_wrong_state'],
    ['sup', { action: 'publish' }, 409, 'feedback_wrong_state'],
    ['sup', { action: 'close' }, 409, 'feedback_wrong_state'],
    ['sup', { action: 'classify', decision: 'reject' }, 400, 'missing_field'],
    ['sup', { action: 'classify', decision: 'forward' }, 400, 'missing_field'],
    ['sup', { action: 'classify', decision: 'maybe' }, 400, 'invalid_decision'],
    ['sup', { action: 'classify', decision: 'accept', extra: 1 }, 400, 'unknown_field'],
    ['sup', { action: 'fly' }, 400, 'invalid_action'],
    ['sup', { decision: 'accept' }, 400, 'missing_field'],
    ['sup', { action: 'classify', decision: 'reject', reason: 'x'.repeat(4001) }, 400, 'text_too_long'],
    // The clerk who typed it in reads it, but does not classify it.
    ['clerk2', { action: 'classify', decision: 'accept' }, 403, 'action_not_allowed'],
    ['clerk1', { action: 'classify', decision: 'accept' }, 404, 'feedback_not_found'],
    ['spec', { action: 'classify', decision: 'accept' }, 404, 'feedback_not_found'],
  ];
  const before0 = rows();
  for (const [who, body, status, code2] of refusals) {
    const r = await act(who, code, body);
    assert.deepEqual([r.status, r.json?.error?.code], [status, code2], `${who} ${JSON.stringify(body).slice(0, 80)}`);
  }
  assert.equal((await act('sup', 'PA-990101-0001', { action: 'classify', decision: 'accept' })).status, 404);
  assert.equal(rows(), before0, 'refused actions changed the database');

  ok(await act('sup', code, { action: 'classify', decision: 'accept' }));
  const again = await act('sup', code, { action: 'classify', decision: 'reject', reason: 'Nhầm.' });
  assert.deepEqual([again.status, again.json.error.code], [409, 'feedback_wrong_state']);
  const noDraft = await act('sup', code, { action: 'approve' });
  assert.deepEqual([noDraft.status, noDraft.json.error.code], [409, 'no_draft']);
  const users = ok(await s.as('admin', 'GET', '/api/v1/users?limit=50')).items;
  const nobody = await act('sup', code, { action: 'assign', user_id: 999999 });
  assert.deepEqual([nobody.status, nobody.json.error.code], [404, 'user_not_found']);
  const admin = await act('sup', code, { action: 'assign', user_id: users.find((u) => u.username === 'admin').id });
  assert.deepEqual([admin.status, admin.json.error.code], [404, 'user_not_found']);
  // Not assigned: a clerk cannot draft it.
  const draft = await act('clerk2', code, { action: 'answer', text: 'Đã niêm yết.' });
  assert.deepEqual([draft.status, draft.json.error.code], [403, 'action_not_allowed']);
  const d = ok(await s.as('sup', 'GET', `/api/v1/feedback/${code}`));
  assert.deepEqual([d.status, d.answer_draft, d.assigned], ['accepted', null, null]);

  // The office head is set on the account: true or false, nothing else.
  const badHead = await s.as('admin', 'PATCH', '/api/v1/users/clerk2', { body: { head: 'yes' } });
  assert.deepEqual([badHead.status, badHead.json.error.code], [400, 'invalid_field']);
  ok(await s.as('admin', 'PATCH', '/api/v1/users/clerk2', { body: { head: true } }));
  const heads = () => s.sql('SELECT username FROM users WHERE head = 1 ORDER BY username').map((u) => u.username);
  assert.deepEqual(heads(), ['clerk2', 'sup']);
  // The session says so: the pages show the head's parts by it.
  assert.equal(ok(await s.as('clerk2', 'GET', '/api/v1/session')).head, true);
  assert.equal(ok(await s.as('clerk1', 'GET', '/api/v1/session')).head, false);
  ok(await s.as('admin', 'PATCH', '/api/v1/users/clerk2', { body: { head: false } }));
  assert.deepEqual(heads(), ['sup']);
});

test('a repeat points at the earlier feedback; answered ones close; a script stays text', async () => {
  const script = '<script>alert("x")</script> Phí chứng thực thu sai?';
  const first = await file(script);
  const second = await file('Lại hỏi về phí chứng thực thu sai.');
  const bad = await act('sup', first, { action: 'link_repeat', of: second });
  assert.deepEqual([bad.status, bad.json.error.code], [400, 'invalid_field'], 'the earlier one cannot repeat the later');
  const linked = ok(await act('sup', second, { action: 'link_repeat', of: first }));
  assert.equal(linked.repeat_of, first);
  const earlier = ok(await s.as('sup', 'GET', `/api/v1/feedback/${first}`));
  assert.equal(earlier.repeated, 1);
  assert.equal(earlier.text, script);

  ok(await act('sup', first, { action: 'classify', decision: 'accept' }));
  ok(await act('sup', first, { action: 'answer', text: 'Phí chứng thực là 2.000 đồng/trang.' }));
  const answered = ok(await act('sup', first, { action: 'approve', text: 'Phí chứng thực bản sao là 2.000 đồng/trang (Thông tư 226/2016/TT-BTC).' }));
  assert.equal(answered.answer, 'Phí chứng thực bản sao là 2.000 đồng/trang (Thông tư 226/2016/TT-BTC).');
  assert.equal(answered.answered_by.full_name, 'Giám sát');
  assert.ok(answered.notes.some((n) => n.step === 'answer' && n.public && n.text === answered.answer));
  const closed = ok(await act('sup', first, { action: 'close', note: 'Không công khai: trùng câu hỏi đã đăng.' }));
  assert.equal(closed.status, 'closed');
  // Every step is an event of the chain, with the actor's name.
  const steps = closed.events.slice(-4);
  assert.deepEqual(steps.map((e) => e.action), ['feedback.classify', 'feedback.answer', 'feedback.approve', 'feedback.close']);
  assert.ok(steps.every((e) => e.actor_name === 'Giám sát' && e.details.code === first));
  // Closed unpublished: not on the public list.
  assert.equal(ok(await s.req('GET', '/api/v1/public/feedback-answers')).total, 0);
});
