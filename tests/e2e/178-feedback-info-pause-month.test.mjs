// While the sender is asked for information the answer clock stands still
// (docs/feedback.md "The pause"), judged as at the instant read: a PAKN
// waiting for the sender at a month's end is not late in that month, and the
// sender's reply in the next month does not change the closed month.
// Worked out by hand; everything at 10:00 office time, March 2026 has no
// holiday:
//   F received Mon 2 Mar, accepted; answer due Mon 23 Mar. Information asked
//     Thu 5 Mar (on time: due Mon 9); the sender replies Fri 3 Apr, 21
//     working days later, so the answer's due moves to Tue 21 Apr.
//     March: the request is open at the end: the answer pending, not counted.
//   G received Mon 2 Mar, answered and published the same day: March: ended
//     on time.
//   H received Mon 2 Mar, accepted; information asked Wed 25 Mar, after the
//     answer's due (Mon 23): the answer stays overdue (and the first request
//     is late). The reply on Fri 3 Apr (7 working days) moves the stored due
//     to Wed 1 Apr 10:00, after March's end: March still judges the due as
//     it stood then.
// March: counted 2 (G ended, H open late), on time 1: 6 × 1/2 = 3.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';

const at = (s) => Date.parse(`${s}T10:00:00+07:00`) / 1000;
const SENDER = { name: 'Hoàng Thị Bổ Sung', address: 'Thôn 3, xã Tân Hợp', phone: '0912000478' };

let s;
const fb = {};
before(async () => {
  s = await startServer({ args: ['--test-clock', '--logins-per-minute', '1000'] });
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const file = async (name) => {
  fb[name] = ok(await s.as('clerk1', 'POST', '/api/v1/feedback', {
    body: { channel: 'hotline', class: 'procedure', sender: SENDER, text: `Hồ sơ chậm trả kết quả (${name}).` },
  }));
};
const act = async (name, body) => ok(await s.as('sup', 'POST', `/api/v1/feedback/${fb[name].code}/actions`, { body }));
const reply = async (name) => {
  const r = await s.req('POST', `/api/v1/public/feedback/${fb[name].code}/reply`, { body: { secret: fb[name].secret, text: 'Biên nhận số 123' } });
  assert.equal(r.status, 200, r.text);
};
const march = async () => ok(await s.as('sup', 'GET', '/api/v1/indicators?from=2026-03-01&to=2026-03-31'));
const figures = (j) => {
  const f = j.feedback;
  const pts = (part) => j.score_766.parts.find((p) => p.part === part).points;
  return {
    counted: f.counted, ended: f.ended, on_time: f.on_time, open_late: f.open_late,
    late_by_step: f.late_by_step,
    on_time_points: pts('feedback_on_time'), satisfaction_points: pts('feedback_satisfaction'),
  };
};

test('a PAKN waiting for the sender is not late meanwhile, and the reply does not move the closed month', async () => {
  await setClock(s, at('2026-03-02'));
  for (const n of ['F', 'G', 'H']) await file(n);
  for (const n of ['F', 'G', 'H']) await act(n, { action: 'classify', decision: 'accept' });
  await act('G', { action: 'answer', text: 'Trung tâm đã trả kết quả.' });
  await act('G', { action: 'approve' });
  await act('G', { action: 'publish', question: 'Hồ sơ chậm trả kết quả.' });
  await setClock(s, at('2026-03-05'));
  await act('F', { action: 'request_info', text: 'Xin số biên nhận.' });
  await setClock(s, at('2026-03-25'));
  await act('H', { action: 'request_info', text: 'Xin số biên nhận.' });

  // 2 April: nobody has replied yet.
  await setClock(s, at('2026-04-02'));
  const want = {
    counted: 2, ended: 1, on_time: 1, open_late: 1,
    late_by_step: { reject: 0, forward: 0, info: 1, answer: 1, publish: 0 },
    on_time_points: 3, satisfaction_points: 3,
  };
  assert.deepEqual(figures(await march()), want);

  // F, waiting for its sender long after its unmoved due: not late, its
  // answer pending; H asked after its due: late on the answer.
  const list = ok(await s.as('sup', 'GET', '/api/v1/feedback?status=info_requested'));
  const row = (name) => list.items.find((r) => r.code === fb[name].code);
  assert.equal(row('F').late, false, JSON.stringify(row('F')));
  assert.ok(row('H').late && row('H').late_steps.includes('answer'), JSON.stringify(row('H')));
  const detail = ok(await s.as('sup', 'GET', `/api/v1/feedback/${fb.F.code}`));
  assert.equal(detail.timing.find((t) => t.step === 'answer').result, 'pending');

  // 3 April: both senders reply; F's due moves by its wait, H's does not:
  // a request made after the answer's due buys no time.
  await setClock(s, at('2026-04-03'));
  await reply('F');
  await reply('H');
  const dues = async (name) => ok(await s.as('sup', 'GET', `/api/v1/feedback/${fb[name].code}`)).dues.answer;
  assert.equal(await dues('F'), at('2026-04-21'));
  assert.equal(await dues('H'), at('2026-03-23'));

  // March read again: the same figures, the same points.
  assert.deepEqual(figures(await march()), want);
});
