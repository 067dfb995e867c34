// A month's feedback figures are those of the month's end (docs/feedback.md,
// "The 766 parts"): a step, a reaction done in the next month does not
// change the closed month, and counts in the month it happened. Worked out
// by hand; everything at 10:00 office time (Thu 30 Apr and Fri 1 May 2026
// are days off):
//   P1 received Wed 1 Apr, accepted; answer due Wed 22 Apr; answered Mon 4
//      May (late), published Tue 5 May (due Wed 6: on time).
//      April: open and late at the end. May: ended late.
//   P2 received Wed 29 Apr; reject due Tue 5 May (Mon 4, Tue 5); rejected
//      Mon 4 May. April: pending, not counted. May: ended on time.
//   P3 received Wed 1 Apr, accepted, answered Mon 20 Apr, published Tue 21
//      Apr; the sender says not_satisfied on Mon 4 May. April: ended on time
//      and satisfied (the reaction came after the end). May: not counted.
// April: counted 2 (P3 ended + P1 open late), on time 1, satisfied 1:
//   6 × 1/2 = 3 each. May (read while it runs): counted 2 (P1, P2 ended),
//   on time 1 (P2), satisfied 1 (P2): 3 each.
// P2's text carries markup: no report shows a feedback's text at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';

const at = (s) => Date.parse(`${s}T10:00:00+07:00`) / 1000;
const SENDER = { name: 'Vũ Văn Kiến Nghị', address: 'Tổ 5, thị trấn Lao Bảo', phone: '0912000333' };

let s;
const fb = {};
before(async () => {
  s = await startServer({ args: ['--test-clock', '--logins-per-minute', '1000'] });
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const file = async (name, text = `Đề nghị rút ngắn thời gian chờ (${name}).`) => {
  fb[name] = ok(await s.as('clerk1', 'POST', '/api/v1/feedback', { body: { channel: 'letter', class: 'procedure', sender: SENDER, text } }));
};
const act = async (name, body) => ok(await s.as('sup', 'POST', `/api/v1/feedback/${fb[name].code}/actions`, { body }));
const answer = async (name) => {
  await act(name, { action: 'answer', text: 'Trung tâm đã bố trí thêm quầy.' });
  await act(name, { action: 'approve' });
};
const month = async (m) => ok(await s.as('sup', 'GET', `/api/v1/indicators?from=2026-0${m}-01&to=2026-0${m}-${m === 4 ? 30 : 31}`));
const pts = (j, part) => j.score_766.parts.find((p) => p.part === part).points;
const counts = (j) => {
  const f = j.feedback;
  return { counted: f.counted, ended: f.ended, on_time: f.on_time, late: f.late, open_late: f.open_late,
    satisfied: f.satisfied, not_satisfied: f.not_satisfied };
};

test('a closed month keeps its figures; what happens after its end counts in the next', async () => {
  await setClock(s, at('2026-04-01'));
  await file('P1');
  await file('P3');
  await act('P1', { action: 'classify', decision: 'accept' });
  await act('P3', { action: 'classify', decision: 'accept' });
  await setClock(s, at('2026-04-20'));
  await answer('P3');
  await setClock(s, at('2026-04-21'));
  await act('P3', { action: 'publish', question: 'Câu hỏi công khai về thủ tục.' });
  await setClock(s, at('2026-04-29'));
  await file('P2', 'Tôi thấy <b>bảng giá</b> <script>alert(1)</script> bị che khuất.');

  // Read on the first of May, before anything else happens.
  await setClock(s, Date.parse('2026-05-01T08:00:00+07:00') / 1000);
  const before = await month(4);
  const aprilWant = { counted: 2, ended: 1, on_time: 1, late: 0, open_late: 1, satisfied: 1, not_satisfied: 0 };
  assert.deepEqual(counts(before), aprilWant);
  assert.deepEqual(before.feedback.late_by_step, { reject: 0, forward: 0, info: 0, answer: 1, publish: 0 });

  await setClock(s, at('2026-05-04'));
  await answer('P1');
  await act('P2', { action: 'classify', decision: 'reject', reason: 'Đã được xử lý.' });
  const r = await s.req('POST', `/api/v1/public/feedback/${fb.P3.code}/reaction`, { body: { secret: fb.P3.secret, reaction: 'not_satisfied' } });
  assert.equal(r.status, 200, r.text);
  await setClock(s, at('2026-05-05'));
  await act('P1', { action: 'publish', question: 'Câu hỏi công khai về thủ tục.' });
  await setClock(s, at('2026-05-08'));

  // April again: the same figures, the same points.
  const after = await month(4);
  assert.deepEqual(counts(after), aprilWant);
  assert.equal(pts(after, 'feedback_on_time'), 3);
  assert.equal(pts(after, 'feedback_satisfaction'), 3);
  assert.equal(after.score_766.groups[0].points, 6, 'no ratings (0) + 3 + 3');

  // May, still running: P1 ended late, P2 on time; P3 is April's.
  const may = await month(5);
  assert.equal(may.period.running, true);
  assert.deepEqual(counts(may), { counted: 2, ended: 2, on_time: 1, late: 1, open_late: 0, satisfied: 1, not_satisfied: 0 });
  assert.deepEqual([may.feedback.rejected, may.feedback.published], [1, 1]);
  assert.equal(pts(may, 'feedback_on_time'), 3);
  assert.equal(pts(may, 'feedback_satisfaction'), 3);

  // The reports carry counts only: no feedback text, markup or sender.
  const csv = await s.as('sup', 'GET', '/api/v1/reports/2026-05.csv');
  assert.equal(csv.status, 200);
  assert.match(csv.text, /"Phản ánh, kiến nghị","Tổng","Xong quá hạn","1","1","feedback","total","late"/);
  assert.doesNotMatch(csv.text, /<b>|<script|bảng giá|Kiến Nghị|0912000333/);
});
