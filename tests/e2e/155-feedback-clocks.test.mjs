// A month of feedback (PAKN) handled on the test clock, each step's verdict
// worked out by hand on the office calendar (docs/feedback.md, "The
// clocks"): 2 working days to reject, 5 to forward, 5 to the first request
// for more information, 15 to answer (the days the sender takes to reply not
// counted), 2 to publish after the answer. Everything is received on Monday
// 2 March 2026 at 10:00; a working day from 10:00 ends at 10:00 of the next
// one (docs/calendar.md, "Deadline rules"); the weekends count as days off,
// and so does Wednesday 11 March, made a day off for this test before the
// filings. Each step is done once exactly at its limit (on time) and once
// one working day after it (late); the detail's timing and the list's late
// marks say so, and the published answers reach the public list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';

// Office time (UTC+7) of an instant, "YYYY-MM-DD HH:MM".
const office = (t) => new Date((t + 7 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ');
// The instant of an office time "YYYY-MM-DD HH:MM".
const at = (s) => Date.parse(`${s.replace(' ', 'T')}:00+07:00`) / 1000;

const T0 = at('2026-03-02 10:00'); // Monday
const SENDER = { name: 'Phan Văn Khiếu', address: 'Thôn Tân Hòa, xã Khe Sanh', phone: '0912000111' };

let s;
const fb = {}; // name -> {code, secret}

before(async () => {
  s = await startServer({ args: ['--test-clock', '--logins-per-minute', '1000'] });
  await setClock(s, T0 - 3600);
  ok(await s.as('admin', 'PUT', '/api/v1/calendar/days/2026-03-11', { body: { kind: 'day_off', name: 'Nghỉ thử' } }));
  await setClock(s, T0);
  // Taken in by phone at the one-stop counter (no per-address limit).
  for (const name of ['rejectOnTime', 'rejectLate', 'forwardOnTime', 'forwardLate', 'infoOnTime', 'infoLate',
    'answerOnTime', 'answerLate', 'untouched']) {
    const r = ok(await s.as('clerk1', 'POST', '/api/v1/feedback', { body: {
      channel: 'hotline', class: 'procedure', sender: SENDER,
      text: `Thủ tục chứng thực chậm, hồ sơ phải nộp lại nhiều lần (${name}).` } }));
    fb[name] = r;
  }
});

after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const act = async (who, name, body) => ok(await s.as(who, 'POST', `/api/v1/feedback/${fb[name].code}/actions`, { body }));
const detail = async (name) => ok(await s.as('sup', 'GET', `/api/v1/feedback/${fb[name].code}`));
const step = (d, name) => d.timing.find((t) => t.step === name);

test('the dues fixed at receipt follow the office calendar', async () => {
  const d = await detail('untouched');
  assert.equal(d.received_at, T0);
  // Two working days: Tue 3, Wed 4.
  assert.equal(office(d.dues.reject), '2026-03-04 10:00');
  // Five: Tue 3 … Fri 6 and Mon 9 (the weekend skipped).
  assert.equal(office(d.dues.forward), '2026-03-09 10:00');
  assert.equal(office(d.dues.info), '2026-03-09 10:00');
  // Fifteen: 3-6, 9, 10, (11 off) 12, 13, 16-20, 23, 24.
  assert.equal(office(d.dues.answer), '2026-03-24 10:00');
  assert.equal(d.dues.publish, null);
  // The calendar's own arithmetic agrees.
  const due = ok(await s.as('sup', 'GET', `/api/v1/calendar/due?from=2026-03-02T10:00%2B07:00&days=15`));
  assert.equal(due.due_epoch, d.dues.answer);
});

test('each step on time at its limit, late one working day past it', async () => {
  // Accepted at once: their answer and information clocks run.
  for (const name of ['infoOnTime', 'infoLate', 'answerOnTime', 'answerLate']) {
    await act('sup', name, { action: 'classify', decision: 'accept' });
  }
  await act('sup', 'answerOnTime', { action: 'answer', text: 'Trung tâm đã bố trí thêm một quầy chứng thực từ ngày 01/4.' });
  await act('sup', 'answerLate', { action: 'answer', text: 'Trung tâm đã rà soát và hướng dẫn lại thành phần hồ sơ.' });

  await setClock(s, at('2026-03-04 10:00')); // the rejection's limit
  await act('sup', 'rejectOnTime', { action: 'classify', decision: 'reject', reason: 'Nội dung không thuộc phạm vi phản ánh, kiến nghị.' });
  await setClock(s, at('2026-03-05 10:00'));
  await act('sup', 'rejectLate', { action: 'classify', decision: 'reject', reason: 'Trùng nội dung đã trả lời.' });

  await setClock(s, at('2026-03-09 10:00')); // the forward's and the request's limit
  await act('sup', 'forwardOnTime', { action: 'classify', decision: 'forward', to: 'Sở Tư pháp tỉnh Quảng Trị' });
  await act('sup', 'infoOnTime', { action: 'request_info', text: 'Đề nghị ông cho biết ngày nộp hồ sơ và số biên nhận.' });
  await setClock(s, at('2026-03-10 10:00'));
  await act('sup', 'forwardLate', { action: 'classify', decision: 'forward', to: 'Sở Tư pháp tỉnh Quảng Trị' });
  await act('sup', 'infoLate', { action: 'request_info', text: 'Đề nghị ông gửi bản chụp giấy tiếp nhận.' });

  // The sender of infoOnTime replies on Thursday 12 (Wed 11 is off): the
  // answer's clock stood still for two working days (Mon 9 10:00 → Thu 12
  // 10:00: Tue 10, Thu 12), so its due moves from Tue 24 to Thu 26.
  await setClock(s, at('2026-03-12 10:00'));
  const reply = await s.req('POST', `/api/v1/public/feedback/${fb.infoOnTime.code}/reply`,
    { body: { secret: fb.infoOnTime.secret, text: 'Tôi nộp ngày 25/02/2026, biên nhận số 000.00.19.H47-260225-0003.' } });
  assert.equal(reply.status, 200, reply.text);
  const replied = await detail('infoOnTime');
  assert.equal(replied.status, 'info_received');
  assert.equal(office(replied.dues.answer), '2026-03-26 10:00');

  await setClock(s, at('2026-03-24 10:00')); // the answer's limit
  const a1 = await act('sup', 'answerOnTime', { action: 'approve' });
  assert.equal(a1.status, 'answered');
  assert.equal(office(a1.dues.publish), '2026-03-26 10:00');
  await setClock(s, at('2026-03-25 10:00'));
  const a2 = await act('sup', 'answerLate', { action: 'approve' });
  // Thu 26, Fri 27.
  assert.equal(office(a2.dues.publish), '2026-03-27 10:00');
  // At Wed 25: the replied one is still within its moved limit, the one
  // nobody touched is past its own (Tue 24).
  assert.equal(step(await detail('infoOnTime'), 'answer').result, 'pending');
  assert.equal(office((await detail('infoOnTime')).next_due_at), '2026-03-26 10:00');
  assert.equal(step(await detail('untouched'), 'answer').result, 'overdue');
  await setClock(s, at('2026-03-26 10:00')); // the first publication's limit
  await act('sup', 'answerOnTime', { action: 'publish', question: 'Vì sao chứng thực phải chờ lâu?' });
  await setClock(s, at('2026-03-30 10:00')); // Monday: one working day past Fri 27
  await act('sup', 'answerLate', { action: 'publish', question: 'Câu hỏi công khai về thủ tục.' });

  // infoLate's sender never replied: its answer's clock stands still
  // (pending past Tue 24), the late first request alone makes it late.
  const want = {
    rejectOnTime: { reject: 'on_time' }, rejectLate: { reject: 'late' },
    forwardOnTime: { forward: 'on_time' }, forwardLate: { forward: 'late' },
    infoOnTime: { info: 'on_time', answer: 'overdue' }, infoLate: { info: 'late', answer: 'pending' },
    answerOnTime: { answer: 'on_time', publish: 'on_time' }, answerLate: { answer: 'late', publish: 'late' },
    untouched: { answer: 'overdue' },
  };
  for (const [name, steps] of Object.entries(want)) {
    const d = await detail(name);
    const got = Object.fromEntries(d.timing.map((t) => [t.step, t.result]));
    assert.deepEqual(got, steps, `${name}: ${JSON.stringify(d.timing)}`);
    assert.equal(d.late, Object.values(steps).some((r) => r === 'late' || r === 'overdue'), `${name} late`);
  }
  // Done at the instants the steps happened.
  assert.equal(office(step(await detail('rejectOnTime'), 'reject').done_at), '2026-03-04 10:00');
  assert.equal(office(step(await detail('forwardLate'), 'forward').done_at), '2026-03-10 10:00');
  assert.equal(office(step(await detail('infoOnTime'), 'info').done_at), '2026-03-09 10:00');
  assert.equal(office(step(await detail('answerLate'), 'publish').done_at), '2026-03-30 10:00');

  // The list's late marks: late=1 holds exactly the late ones.
  const late = ok(await s.as('sup', 'GET', '/api/v1/feedback?late=1'));
  const lateNames = Object.keys(fb).filter((n) => late.items.some((i) => i.code === fb[n].code)).sort();
  assert.deepEqual(lateNames, ['answerLate', 'forwardLate', 'infoLate', 'infoOnTime', 'rejectLate', 'untouched']);
  assert.equal(late.total, 6);
  const all = ok(await s.as('sup', 'GET', '/api/v1/feedback'));
  assert.equal(all.total, 9);
  const row = all.items.find((i) => i.code === fb.untouched.code);
  assert.deepEqual([row.late, row.late_steps, row.status], [true, ['answer'], 'received']);
  const onTime = all.items.find((i) => i.code === fb.answerOnTime.code);
  assert.deepEqual([onTime.late, onTime.status, onTime.next_due_at], [false, 'published', null]);

  // Both answers are public, newest first, found without diacritics.
  const pub = ok(await s.req('GET', '/api/v1/public/feedback-answers'));
  assert.deepEqual(pub.items.map((i) => i.code), [fb.answerLate.code, fb.answerOnTime.code]);
  assert.equal(pub.items[1].question, 'Vì sao chứng thực phải chờ lâu?');
  assert.equal(pub.items[1].answer, 'Trung tâm đã bố trí thêm một quầy chứng thực từ ngày 01/4.');
  // The question as staff wrote it, never the text as sent.
  assert.equal(pub.items[0].question, 'Câu hỏi công khai về thủ tục.');
  const found = ok(await s.req('GET', `/api/v1/public/feedback-answers?q=${encodeURIComponent('bo tri them')}`));
  assert.deepEqual(found.items.map((i) => i.code), [fb.answerOnTime.code]);
});
