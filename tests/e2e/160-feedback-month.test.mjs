// A hand-built April 2026 of feedback (PAKN) worked out by hand: the
// indicators' "feedback" counts and the 766 satisfaction group (dossier
// satisfaction 6 + PAKN on time 6 + PAKN satisfaction 6) equal the figures
// below exactly (docs/feedback.md, "The 766 parts").
//
// The office calendar of April 2026: weekends, Sunday 26 (Giỗ Tổ Hùng Vương)
// and its compensatory Monday 27, Thursday 30 (Ngày Chiến thắng) are days
// off. Working days: 1-3, 6-10, 13-17, 20-24, 28, 29. Everything happens at
// 10:00 office time, so a working day from 10:00 ends at 10:00 of the next
// one. Limits (working days): reject 2, forward 5, first request for
// information 5, answer 15 (the sender's pause not counted), publish 2
// after the answer.
//
// Received Wed 1 Apr 10:00 (dues: reject Fri 3, forward and information
// Wed 8, answer Wed 22 — 2,3,6,7,8,9,10,13,14,15,16,17,20,21,22):
//   B rejected Mon 6 (due Fri 3)                      → ended late (reject)
//   C forwarded Wed 8 (due Wed 8)                     → ended on time
//   D forwarded Thu 9 (due Wed 8)                     → ended late (forward)
//   E accepted; information asked Wed 8 (due Wed 8); the sender replies
//     Fri 10: the answer clock stood still 2 working days (Wed 8 10:00 →
//     Fri 10 10:00), so its due moves from Wed 22 to Fri 24; answered Fri 24
//     (exactly at the moved limit), publish due Wed 29 (Tue 28, Wed 29),
//     published Wed 29; the sender says satisfied  → ended on time, satisfied
//   F accepted; information asked Thu 9 (due Wed 8), reply Mon 13 (pause
//     2 days: answer due Fri 24); answered Tue 21, publish due Thu 23,
//     published Wed 22                               → ended late (info)
//   G accepted; answered Thu 23 (due Wed 22); publish due Tue 28 (Fri 24,
//     Tue 28), published Tue 28                      → ended late (answer)
//   H accepted; answered Mon 20; publish due Wed 22, published Thu 23
//                                                    → ended late (publish)
//   I accepted; answered Mon 20, published Tue 21; the sender says
//     not_satisfied                                  → ended on time, not satisfied
//   J1 accepted; answered Mon 20, published Tue 21; J2 (received Fri 24) is
//     linked as a repeat of it                       → ended on time, repeated
//   L accepted, never answered: at the month's end past its answer due
//                                                    → open and late (answer)
// Received Thu 23 Apr 10:00:
//   A rejected Tue 28 10:00: its limit exactly (Fri 24, then Sat, Sun, Mon 27
//     off, Tue 28)                                   → ended on time, satisfied
// Received Fri 24: J2 (accepted, answer due in May: not counted).
// Received Mon 6 in the feedback box: K, an anonymous report: a count only.
//
// Counts: received 12 PAKN (hotline 10, letter 2 — C, D; procedure 10,
// conduct 2 — I, L), anonymous 1. Ended 10 (rejected 2, forwarded 2,
// published 6); on time 5 (A, C, E, I, J1), late 5 (B, D, F, G, H); open and
// late 1 (L); counted = 10 + 1 = 11. Satisfied = ended, on time, not
// not_satisfied, not repeated = 3 (A, C, E); not_satisfied 1 (I); repeated 1
// (J1). Late per step: reject 1 (B), forward 1 (D), info 1 (F), answer 2 (G,
// L), publish 1 (H).
// 766: PAKN on time = 6 × 5/11 = 2.7272… → 2.73; PAKN satisfaction = 6 × 3/11
// = 1.6363… → 1.64. Dossier satisfaction: 4 ratings in April, 3 satisfied:
// 75 % < 90 %, so 6 × 0.75 / 0.90 = 5.00. The group: 5 + 30/11 + 18/11 =
// 9.3636… → 9.36 of 18 (summed before rounding, not 2.73 + 1.64 + 5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';

// The instant of an April 2026 office day at 10:00 (or hour h).
const apr = (d, h = 10) => Date.parse(`2026-04-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00+07:00`) / 1000;
const SENDER = { name: 'Hoàng Thị Phản Ánh', address: 'Khối 3, thị trấn Khe Sanh', phone: '0912000222' };
const APPLICANT = { name: 'Trần Văn Bình', phone: '0912000111' };

let s;
const fb = {}; // name -> {code, secret}

before(async () => {
  s = await startServer({ bundle: DOSSIER_BUNDLE, args: ['--test-clock', '--logins-per-minute', '1000'] });
});
after(async () => { if (s) { if (process.env.MOTCUA_DEBUG) console.error(s.stderr); await s.stop(); s.cleanup(); } });

const file = async (name, body = {}) => {
  fb[name] = ok(await s.as('clerk1', 'POST', '/api/v1/feedback', { body: {
    channel: 'hotline', class: 'procedure', sender: SENDER,
    text: `Thủ tục chứng thực phải chờ lâu, đề nghị xem xét (${name}).`, ...body } }));
};
const act = async (name, body) => ok(await s.as('sup', 'POST', `/api/v1/feedback/${fb[name].code}/actions`, { body }));
const answer = async (name) => {
  await act(name, { action: 'answer', text: `Trung tâm đã bố trí thêm cán bộ chứng thực (${name}).` });
  return act(name, { action: 'approve' });
};
const publicPost = async (name, what, body) => {
  const r = await s.req('POST', `/api/v1/public/feedback/${fb[name].code}/${what}`, { body: { secret: fb[name].secret, ...body } });
  assert.equal(r.status, 200, r.text);
};
const ind = async (who = 'sup') => ok(await s.as(who, 'GET', '/api/v1/indicators?from=2026-04-01&to=2026-04-30'));
const part = (j, name) => j.score_766.parts.find((p) => p.part === name);

test('a hand-built April of feedback: the counts and the 766 satisfaction group as worked out by hand', async () => {
  await setClock(s, apr(1));
  for (const n of ['B', 'E', 'F', 'G', 'H', 'J1']) await file(n);
  for (const n of ['C', 'D']) await file(n, { channel: 'letter' });
  for (const n of ['I', 'L']) await file(n, { class: 'conduct' });
  for (const n of ['E', 'F', 'G', 'H', 'I', 'J1', 'L']) await act(n, { action: 'classify', decision: 'accept' });
  const e = ok(await s.as('sup', 'GET', `/api/v1/feedback/${fb.E.code}`));
  assert.equal(e.dues.answer, apr(22), 'answer due Wed 22 before any pause');

  // Mon 6: four dossiers rated (3 satisfied, 1 not), the anonymous report, B rejected late.
  await setClock(s, apr(6, 9));
  for (let i = 0; i < 4; i++) {
    const code = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', applicant: APPLICANT, outcome: 'received' } })).dossier.code;
    const token = ok(await s.as('clerk1', 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/rating-link`)).token;
    ok(await s.req('POST', '/api/v1/public/ratings', { body: { token, level: i < 3 ? 'satisfied' : 'not_satisfied', courteous: true, visits: 1 } }));
  }
  await setClock(s, apr(6));
  fb.K = ok(await s.as('clerk1', 'POST', '/api/v1/feedback', { body: {
    channel: 'box', class: 'conduct', anonymous: true, text: 'Cán bộ quầy 2 gợi ý nộp thêm tiền để nhanh.' } }));
  assert.equal(fb.K.kind, 'anonymous');
  await act('B', { action: 'classify', decision: 'reject', reason: 'Nội dung không thuộc phạm vi tiếp nhận.' });

  await setClock(s, apr(8));
  await act('C', { action: 'classify', decision: 'forward', to: 'Sở Tư pháp tỉnh Quảng Trị' });
  await act('E', { action: 'request_info', text: 'Đề nghị bà cho biết ngày nộp hồ sơ.' });
  await setClock(s, apr(9));
  await act('D', { action: 'classify', decision: 'forward', to: 'Sở Tư pháp tỉnh Quảng Trị' });
  await act('F', { action: 'request_info', text: 'Đề nghị bà cho biết số biên nhận.' });
  await setClock(s, apr(10));
  await publicPost('E', 'reply', { text: 'Tôi nộp ngày 30/3/2026.' });
  assert.equal(ok(await s.as('sup', 'GET', `/api/v1/feedback/${fb.E.code}`)).dues.answer, apr(24), 'two working days of pause');
  await setClock(s, apr(13));
  await publicPost('F', 'reply', { text: 'Biên nhận số 0003.' });

  await setClock(s, apr(20));
  for (const n of ['H', 'I', 'J1']) await answer(n);
  await setClock(s, apr(21));
  await answer('F');
  await act('I', { action: 'publish', question: 'Câu hỏi công khai về thủ tục.' });
  await act('J1', { action: 'publish', question: 'Câu hỏi công khai về thủ tục.' });
  await publicPost('I', 'reaction', { reaction: 'not_satisfied' });
  await setClock(s, apr(22));
  await act('F', { action: 'publish', question: 'Câu hỏi công khai về thủ tục.' });

  await setClock(s, apr(23));
  await file('A');
  assert.equal(fb.A.answer_due_at > apr(23), true);
  await answer('G');
  await act('H', { action: 'publish', question: 'Câu hỏi công khai về thủ tục.' });
  await setClock(s, apr(24));
  await answer('E');
  await file('J2');
  await act('J2', { action: 'classify', decision: 'accept' });
  await act('J2', { action: 'link_repeat', of: fb.J1.code });

  await setClock(s, apr(28));
  const a = ok(await s.as('sup', 'GET', `/api/v1/feedback/${fb.A.code}`));
  assert.equal(a.dues.reject, apr(28), 'two working days over the weekend and the holidays');
  await act('A', { action: 'classify', decision: 'reject', reason: 'Đã được trả lời tại văn bản trước.' });
  await act('G', { action: 'publish', question: 'Câu hỏi công khai về thủ tục.' });
  await setClock(s, apr(29));
  await act('E', { action: 'publish', question: 'Câu hỏi công khai về thủ tục.' });
  await publicPost('E', 'reaction', { reaction: 'satisfied' });

  // Read in May: the month's figures as they stood at its end.
  await setClock(s, Date.parse('2026-05-04T10:00:00+07:00') / 1000);
  const m = await ind();
  const f = m.feedback;
  assert.equal(f.received, 12);
  assert.equal(f.anonymous, 1, 'the anonymous report: a count only');
  assert.deepEqual(f.by_channel, { web: 0, kiosk: 0, hotline: 10, letter: 2, box: 0, counter: 0 });
  assert.deepEqual(f.by_class, { procedure: 10, conduct: 2, dossier: 0, other: 0 });
  assert.deepEqual({ ended: f.ended, rejected: f.rejected, forwarded: f.forwarded, published: f.published, answered: f.answered },
    { ended: 10, rejected: 2, forwarded: 2, published: 6, answered: 0 });
  assert.deepEqual({ on_time: f.on_time, late: f.late, open_late: f.open_late, counted: f.counted },
    { on_time: 5, late: 5, open_late: 1, counted: 11 });
  assert.deepEqual({ satisfied: f.satisfied, not_satisfied: f.not_satisfied, repeated: f.repeated },
    { satisfied: 3, not_satisfied: 1, repeated: 1 });
  assert.deepEqual(f.late_by_step, { reject: 1, forward: 1, info: 1, answer: 2, publish: 1 });
  assert.equal(f.on_time_share, 0.4545);
  assert.equal(f.satisfied_share, 0.2727);

  const onTime = part(m, 'feedback_on_time');
  assert.equal(onTime.points, 2.73);
  assert.equal(onTime.maximum, 6);
  assert.deepEqual(onTime.inputs, { on_time: 5, late: 5, ended: 10, open_late: 1, counted: 11 });
  const sat = part(m, 'feedback_satisfaction');
  assert.equal(sat.points, 1.64);
  assert.equal(sat.maximum, 6);
  assert.equal(part(m, 'satisfaction').points, 5);
  assert.equal(m.satisfaction.rated, 4);
  const group = m.score_766.groups.find((g) => g.group === 'satisfaction');
  assert.deepEqual(group.parts, ['satisfaction', 'feedback_on_time', 'feedback_satisfaction']);
  assert.equal(group.points, 9.36);
  assert.equal(group.maximum, 18);
  assert.ok(!m.score_766.missing.some((x) => /feedback/.test(x.part)), 'feedback no longer missing');
  // One office without authorities: the by=office rows are processing
  // offices, which feedback (about the centre) does not belong to.
  const tp = m.dossiers.groups.find((g) => g.key === 'TP').score_766;
  assert.deepEqual([tp.parts.feedback_on_time, tp.parts.feedback_satisfaction, tp.maximum], [null, null, 30]);
  const complaints = m.plan.papi_dim5.find((x) => x.item === 'complaints');
  assert.equal(complaints.count, 12);
  assert.equal(complaints.conduct, 2);
  assert.equal(complaints.on_time_share, 0.4545);
  // SIPAS' feedback element: the satisfied share of the counted PAKN.
  assert.equal(m.plan.sipas.find((x) => x.element.startsWith('access')).share, 0.2727);

  // The head reads the conduct counts per official (none named here); an
  // admin who is not the head does not; nobody's answer names a sender.
  assert.ok(Array.isArray(f.officials));
  const adm = await ind('admin');
  assert.equal(adm.feedback.officials, undefined);
  assert.equal(adm.feedback.counted, 11);
  for (const j of [m, adm]) assert.doesNotMatch(JSON.stringify(j), /Phản Ánh|0912000222|Khe Sanh, đề nghị|quầy 2 gợi ý/);

  // The report carries the same: the CSV's group line and the PAKN counts.
  const csv = await s.as('sup', 'GET', '/api/v1/reports/2026-04.csv');
  assert.equal(csv.status, 200);
  assert.match(csv.text, /"Quyết định 766","Nhóm mức độ hài lòng","Cộng nhóm \(tối đa 18\)","9,36","9.36","score_766.groups","satisfaction","points"/);
  assert.match(csv.text, /"Phản ánh, kiến nghị","Tổng","Được tính điểm \(xong \+ đang quá hạn\)","11","11","feedback","total","counted"/);
  assert.match(csv.text, /"Quyết định 766","Xử lý phản ánh, kiến nghị đúng hạn","Điểm","2,73","2.73"/);
  assert.doesNotMatch(csv.text, /Phản Ánh|0912000222|gợi ý nộp thêm/);
  // The PDF: the group's line, the PAKN parts and the counts; no text, no sender.
  const res = await fetch(`${s.base}/api/v1/reports/2026-04.pdf`, { headers: { Authorization: `Bearer ${s.tokens.sup}` } });
  assert.equal(res.status, 200);
  const pdfFile = path.join(s.dir, 'april.pdf');
  const raw = Buffer.from(await res.arrayBuffer());
  writeFileSync(pdfFile, raw);
  if (process.env.MOTCUA_BUILD) writeFileSync(path.join(process.env.MOTCUA_BUILD, 'report-2026-04-feedback.pdf'), raw);
  const text = spawnSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' }).stdout;
  assert.match(text, /Nhóm mức độ hài lòng\s+9,36\s+18\s/);
  // (the part's names wrap in their column)
  assert.match(text, /Xử lý phản ánh, kiến nghị đúng\s+2,73\s+6\s/);
  assert.match(text, /Hài lòng với việc xử lý phản ánh,\s+1,64\s+6\s/);
  assert.match(text, /Được tính điểm \(xong \+ đang quá hạn\)\s+11\b/);
  assert.match(text, /Tin báo không rõ danh tính \(không tính điểm\)\s+1\b/);
  assert.doesNotMatch(text, /Phản Ánh|0912000222|gợi ý nộp thêm/);
});
