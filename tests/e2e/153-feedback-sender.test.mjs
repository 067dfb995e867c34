// The sender's side of a PAKN with the code and secret (docs/api.md
// "Feedback"): the view shows the request for information and lets the
// sender reply while it is open; the reply moves the answer's due by the
// working days the request waited; once answered, the sender says whether
// they are satisfied, once. Every state says no to what it does not allow,
// and a refusal changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';

const office = (t) => new Date((t + 7 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ');
const at = (x) => Date.parse(`${x.replace(' ', 'T')}:00+07:00`) / 1000;
const SENDER = { name: 'Nguyễn Văn Bình', address: 'Khóm 3, Khe Sanh', phone: '0914555666' };

let s;
let f;
before(async () => {
  s = await startServer({ args: ['--test-clock'] });
  await setClock(s, at('2026-03-02 10:00')); // a Monday
  f = ok(await s.req('POST', '/api/v1/public/feedback', { body: { class: 'procedure', sender: SENDER,
    text: 'Đề nghị niêm yết thời gian trả kết quả hồ sơ hộ tịch tại sảnh.' } }));
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const view = async () => ok(await s.req('GET', `/api/v1/public/feedback/${f.code}?secret=${f.secret}`));
const send = (what, body) => s.req('POST', `/api/v1/public/feedback/${f.code}/${what}`, { body: { secret: f.secret, ...body } });
const act = async (body) => ok(await s.as('sup', 'POST', `/api/v1/feedback/${f.code}/actions`, { body }));
const row = () => s.sql(`SELECT status, answer_due_at, info_received_at, reaction, reacted_at FROM feedback WHERE code = '${f.code}'`)[0];

test('the sender replies to a request for information; the answer is due later by the wait', async () => {
  // Fifteen working days from Monday 2 March: Monday 23 March.
  assert.equal(office(f.answer_due_at), '2026-03-23 10:00');
  const early = await send('reply', { text: 'Thông tin thêm.' });
  assert.deepEqual([early.status, early.json.error.code], [409, 'feedback_wrong_state']);
  await act({ action: 'classify', decision: 'accept' });
  await setClock(s, at('2026-03-03 10:00'));
  await act({ action: 'request_info', text: 'Đề nghị ông cho biết thủ tục hộ tịch cụ thể.' });
  let v = await view();
  assert.deepEqual([v.status, v.status_text, v.info_request, v.can_reply, v.can_react],
    ['info_requested', v.status_text, 'Đề nghị ông cho biết thủ tục hộ tịch cụ thể.', true, false]);

  // Two working days later (Thursday 5) the sender answers.
  await setClock(s, at('2026-03-05 10:00'));
  const before0 = JSON.stringify(row());
  for (const [body, status, code] of [
    [{ text: '   ' }, 400, 'missing_field'],
    [{ text: 'x', extra: 1 }, 400, 'unknown_field'],
    [{ text: 'x'.repeat(4001) }, 400, 'text_too_long'],
  ]) {
    const r = await send('reply', body);
    assert.deepEqual([r.status, r.json.error.code], [status, code]);
  }
  const wrong = await s.req('POST', `/api/v1/public/feedback/${f.code}/reply`, { body: { secret: 'ABCDEFGHJK', text: 'Tôi là người gửi.' } });
  assert.deepEqual([wrong.status, wrong.json.error.code], [404, 'feedback_not_found']);
  assert.equal(JSON.stringify(row()), before0, 'a refused reply changed the feedback');

  const r = await send('reply', { text: 'Đăng ký khai sinh, nộp ngày 25/02/2026.' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.status, r.json.can_reply], ['info_received', false]);
  assert.deepEqual(r.json.steps.map((x) => [x.step, x.text]), [
    ['received', undefined], ['info_request', 'Đề nghị ông cho biết thủ tục hộ tịch cụ thể.'],
    ['info_reply', 'Đăng ký khai sinh, nộp ngày 25/02/2026.']]);
  // Tuesday 3 → Thursday 5 is two working days: 23 March → 25 March.
  assert.equal(office(row().answer_due_at), '2026-03-25 10:00');
  assert.equal(office(r.json.answer_due_at), '2026-03-25 10:00');
  assert.equal(row().info_received_at, at('2026-03-05 10:00'));
  const again = await send('reply', { text: 'Thêm nữa.' });
  assert.deepEqual([again.status, again.json.error.code], [409, 'feedback_wrong_state']);
  // The sender's view never names them.
  for (const x of Object.values(SENDER)) assert.ok(!JSON.stringify(r.json).includes(x));
});

test('the sender reacts to the answer once', async () => {
  const early = await send('reaction', { reaction: 'satisfied' });
  assert.deepEqual([early.status, early.json.error.code], [409, 'feedback_wrong_state']);
  await act({ action: 'answer', text: 'Trung tâm đã niêm yết thời gian trả kết quả tại sảnh từ ngày 10/3.' });
  await setClock(s, at('2026-03-10 10:00'));
  await act({ action: 'approve' });
  let v = await view();
  assert.deepEqual([v.status, v.answer, v.can_react, v.reaction],
    ['answered', 'Trung tâm đã niêm yết thời gian trả kết quả tại sảnh từ ngày 10/3.', true, null]);
  const bad = await send('reaction', { reaction: 'meh' });
  assert.deepEqual([bad.status, bad.json.error.code], [400, 'invalid_field']);
  const r = await send('reaction', { reaction: 'not_satisfied' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.reaction, r.json.can_react], ['not_satisfied', false]);
  assert.deepEqual(row().reaction, 'not_satisfied');
  assert.equal(row().reacted_at, at('2026-03-10 10:00'));
  const twice = await send('reaction', { reaction: 'satisfied' });
  assert.deepEqual([twice.status, twice.json.error.code], [409, 'already_reacted']);
  assert.equal(row().reaction, 'not_satisfied');
  const ev = s.sql(`SELECT action, details FROM events WHERE entity_id = '${f.code}' ORDER BY id`);
  assert.ok(ev.some((e) => e.action === 'feedback.reaction'));
  assert.ok(ev.some((e) => e.action === 'feedback.info_reply'));
  for (const e of ev) assert.ok(!e.details.includes('Đăng ký khai sinh') && !e.details.includes(SENDER.phone), e.details);
});

test('an anonymous report has nothing to react to', async () => {
  const a = ok(await s.req('POST', '/api/v1/public/feedback', { body: { class: 'other', text: 'Nhà vệ sinh hỏng.', anonymous: true } }));
  const v = ok(await s.req('GET', `/api/v1/public/feedback/${a.code}?secret=${a.secret}`));
  assert.deepEqual([v.kind, v.answer_due_at, v.can_react, v.can_reply], ['anonymous', null, false, false]);
  const r = await s.req('POST', `/api/v1/public/feedback/${a.code}/reaction`, { body: { secret: a.secret, reaction: 'satisfied' } });
  assert.deepEqual([r.status, r.json.error.code], [409, 'feedback_wrong_state']);
});
