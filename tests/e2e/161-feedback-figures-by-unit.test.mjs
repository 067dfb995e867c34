// Feedback (PAKN) figures in a province of two centres (lib/province-bundle):
// each feedback counts for the centre it names and the commune above it,
// inside the caller's scope; the units' 766 PAKN parts are worked out by
// hand and agree between by=office rows and the per-unit calls; the
// per-official conduct counts reach an office head only (docs/feedback.md,
// "Where each number comes from").
//
// April 2026, everything at 10:00 office time, received Wed 1 Apr (reject
// due Fri 3 Apr, answer due Wed 22 Apr):
//   KS1 at Khe Sanh's centre, rejected Thu 2        → ended on time
//   KS2 at Khe Sanh's centre, accepted, never answered → open and late at the end
//   LB1 at Lao Bảo's centre, rejected Mon 6          → ended late
// Khe Sanh (UB-KS, TT-KS): counted 2, on time 1, satisfied 1: 6 × 1/2 = 3 each.
// Lao Bảo (UB-LB, TT-LB): counted 1, on time 0: 0 each.
// The department (SO-TNMT): nothing counted: 6 each.
// The province: counted 3, on time 1, satisfied 1: 6 × 1/3 = 2 each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';

const apr = (d) => Date.parse(`2026-04-${String(d).padStart(2, '0')}T10:00:00+07:00`) / 1000;
const SENDER = { name: 'Lê Thị Góp Ý', address: 'Thôn 1, xã Lao Bảo', email: 'gopy@example.vn' };

let s;
const fb = {};
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE, args: ['--test-clock', '--logins-per-minute', '1000'] });
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const file = async (name, clerk, office) => {
  fb[name] = ok(await s.as(clerk, 'POST', '/api/v1/feedback', { body: {
    channel: 'hotline', class: 'procedure', office, sender: SENDER, text: `Đề nghị niêm yết rõ lệ phí (${name}).` } }));
};
const act = async (who, name, body) => ok(await s.as(who, 'POST', `/api/v1/feedback/${fb[name].code}/actions`, { body }));
const ind = async (who, q = '') => ok(await s.as(who, 'GET', `/api/v1/indicators?from=2026-04-01&to=2026-04-30${q}`));
const pts = (j, part) => j.score_766.parts.find((p) => p.part === part).points;
const row = (rows, key) => rows.find((g) => g.key === key);

test('feedback counts for its centre and commune, inside the caller\'s scope; the conduct counts for a head only', async () => {
  await setClock(s, apr(1));
  await file('KS1', 'a.clerk', CENTRE_A);
  await file('KS2', 'a.clerk', CENTRE_A);
  await file('LB1', 'b.clerk', CENTRE_B);
  await act('a.sup', 'KS2', { action: 'classify', decision: 'accept' });
  await setClock(s, apr(2));
  await act('a.sup', 'KS1', { action: 'classify', decision: 'reject', reason: 'Đã niêm yết tại quầy.' });
  await setClock(s, apr(6));
  await act('b.sup', 'LB1', { action: 'classify', decision: 'reject', reason: 'Không thuộc phạm vi.' });
  await setClock(s, Date.parse('2026-05-04T10:00:00+07:00') / 1000);

  // The province, by unit.
  const prov = await ind('prov.sup', '&by=office');
  assert.deepEqual([prov.feedback.received, prov.feedback.counted, prov.feedback.on_time, prov.feedback.open_late],
    [3, 3, 1, 1]);
  assert.equal(pts(prov, 'feedback_on_time'), 2);
  assert.equal(pts(prov, 'feedback_satisfaction'), 2);
  const ks = row(prov.dossiers.groups, 'UB-KS').score_766.parts;
  const lb = row(prov.dossiers.groups, 'UB-LB').score_766.parts;
  const so = row(prov.dossiers.groups, 'SO-TNMT').score_766.parts;
  assert.deepEqual([ks.feedback_on_time, ks.feedback_satisfaction], [3, 3]);
  assert.deepEqual([lb.feedback_on_time, lb.feedback_satisfaction], [0, 0]);
  assert.deepEqual([so.feedback_on_time, so.feedback_satisfaction], [6, 6], 'no feedback: full marks');
  const tks = row(prov.dossiers.centres, CENTRE_A).score_766;
  const tlb = row(prov.dossiers.centres, CENTRE_B).score_766;
  assert.deepEqual([tks.parts.feedback_on_time, tlb.parts.feedback_on_time], [3, 0]);
  // The satisfaction group of a unit: no ratings (0) + its two PAKN parts.
  assert.deepEqual(row(prov.dossiers.groups, 'UB-KS').score_766.satisfaction_group, { points: 6, maximum: 18 });

  // The per-unit calls agree with the rows.
  const uks = await ind('prov.sup', '&office=UB-KS');
  assert.equal(uks.feedback.received, 2);
  assert.equal(pts(uks, 'feedback_on_time'), 3);
  assert.equal(pts(uks, 'feedback_satisfaction'), 3);
  const ulb = await ind('prov.sup', `&office=${CENTRE_B}`);
  assert.deepEqual([ulb.feedback.received, ulb.feedback.late, ulb.feedback.late_by_step.reject], [1, 1, 1]);
  assert.equal(pts(ulb, 'feedback_on_time'), 0);

  // A commune supervisor sees their commune's feedback only; another
  // centre is not found.
  const aks = await ind('a.sup');
  assert.equal(aks.feedback.received, 2);
  assert.equal(aks.feedback.open_late, 1);
  const other = await s.as('a.sup', 'GET', `/api/v1/indicators?from=2026-04-01&to=2026-04-30&office=${CENTRE_B}`);
  assert.equal(other.status, 404);
  assert.equal(other.json.error.code, 'office_not_found');
  const blb = await ind('b.sup');
  assert.equal(blb.feedback.received, 1);

  // The conduct counts per official: a.sup is Khe Sanh's head, b.sup is not.
  assert.ok(Array.isArray(aks.feedback.officials), 'the head reads the per-official counts');
  assert.equal(blb.feedback.officials, undefined, 'not a head: no per-official counts');
  for (const j of [prov, aks, blb]) assert.doesNotMatch(JSON.stringify(j), /Góp Ý|gopy@example|lệ phí \(/);

  // The report by unit: each commune's PAKN parts.
  const csv = await s.as('prov.sup', 'GET', '/api/v1/reports/2026-04.csv?by=office');
  assert.equal(csv.status, 200);
  assert.match(csv.text, /"Quyết định 766 theo đơn vị","UBND xã Khe Sanh","Phản ánh, kiến nghị đúng hạn","3,00","3\.0","score_766\.units","UB-KS","feedback_on_time"/);
  assert.match(csv.text, /"Quyết định 766 theo đơn vị","UBND xã Lao Bảo","Hài lòng với xử lý phản ánh","0,00","0\.0","score_766\.units","UB-LB","feedback_satisfaction"/);
});
