// Indicators from a small hand-built history on a test clock, each figure
// worked out by hand (docs/indicators.md): March 2026, procedures P3 (3
// working days, Phòng Tư pháp) and P5 (5 days, Phòng TN&MT); a working day is
// 7.5 h = 27000 s (07:30-11:30, 13:30-17:00).
//
//  D1 P3 Mon 2/3 10:00 → due Thu 5/3 10:00; result ready exactly then: on time, 3.0 days
//  D2 P3 Mon 9/3 10:00 → due Thu 12/3; supplement asked Tue 10/3 10:00, back Wed 11/3 10:00
//     (1 day paused: due Fri 13/3 10:00); ready Fri 13/3 09:00: on time, 4 d − 1 h − 1 d = 2.8667 days
//  D3 P3 Mon 16/3 10:00 → due Thu 19/3; ready Fri 20/3 10:00, no apology: late, 4.0 days
//  D4 P3 Mon 23/3 10:00 → due Thu 26/3; apology Wed 25/3 (new date Fri 27/3); ready Fri 27/3
//     10:00: still late (an apology never moves the due instant), 4.0 days
//  D5 P5 Mon 2/3 10:00 → due Mon 9/3; ready Tue 3/3 10:00: early, 1.0 day
//  D6 P5 Tue 24/3 10:00 → due Tue 31/3 10:00; open at the end of March: open late
//  D7 P5 Fri 27/3 10:00 → due Fri 3/4 10:00: open on time
//  D8 P3 refused at intake Tue 3/3; D9 P3 received Tue 3/3, withdrawn Wed 4/3
//
// Finished: early 1, on time 2, late 2 → on-time rate 3/5 = 0.6; 766 processing:
// 20 × 3 / (5 + 1 open late) = 10. Days [1, 2.8667, 3, 4, 4]: mean 2.97, median 3,
// p90 4. No supplement 4/5; supplements per dossier 1/5.
// Queue Mon 2/3: A issued 08:00, called 08:10, recalled 08:12, served to 08:20;
// B issued 08:00, called 08:30, no-show 08:35. Waits 12 and 30 min (last call):
// median 21, p90 12 + 0.9 × 18 = 28.2; service level (15 min) 1/2; no-show 1/2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, openCounter, sqlite } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const APPLICANT = { name: 'Trần Văn Bình', phone: '0912000111' };

// Every move of the clock ends the sessions (idle and absolute timeouts), so
// this file logs in again far more often than a person could.
const RELOGIN = ['--logins-per-minute', '1000'];
let s;
before(async () => { s = await startServer({ bundle: DOSSIER_BUNDLE, args: ['--test-clock', ...RELOGIN] }); });
after(async () => { if (process.env.MOTCUA_DEBUG) console.error(s.stderr); await s.stop(); s.cleanup(); });

const clock = (t) => setClock(s, t);
const intake = async (procedure, outcome = 'received', extra = {}) =>
  ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure, applicant: APPLICANT, outcome, ...extra } })).dossier.code;
const act = async (code, action, extra = {}) =>
  ok(await s.as('sup', 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/actions`, { body: { action, ...extra } }));
const ind = async (q) => ok(await s.as('sup', 'GET', `/api/v1/indicators?${q}`));

test('a hand-built March: every dossier and queue figure as worked out by hand', async () => {
  // D1, D5 on Monday 2 March; the queue that morning.
  await clock(at(2026, 3, 2, 8));
  const tA = ok(await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).ticket;
  const tB = ok(await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).ticket;
  await openCounter(s, 'clerk1', 1);
  await clock(at(2026, 3, 2, 8, 10));
  assert.equal(ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/call')).ticket.id, tA.id);
  await clock(at(2026, 3, 2, 8, 12));
  ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/recall'));
  await clock(at(2026, 3, 2, 8, 20));
  ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/finish'));
  await clock(at(2026, 3, 2, 8, 30));
  assert.equal(ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/call')).ticket.id, tB.id);
  await clock(at(2026, 3, 2, 8, 35));
  ok(await s.as('clerk1', 'POST', '/api/v1/counters/1/no-show'));

  await clock(at(2026, 3, 2, 10));
  const d1 = await intake('P3');
  const d5 = await intake('P5');
  await clock(at(2026, 3, 3, 10));
  await act(d5, 'result_ready');
  const d8 = await intake('P3', 'refused', { reason: 'Không thuộc thẩm quyền' });
  const d9 = await intake('P3');
  await clock(at(2026, 3, 4, 10));
  await act(d9, 'withdraw', { reason: 'Công dân xin rút' });
  await clock(at(2026, 3, 5, 10));
  const r1 = await act(d1, 'result_ready');
  assert.equal(r1.dossier.timing.result, 'on_time', 'exactly at the due instant is on time');

  await clock(at(2026, 3, 9, 10));
  const d2 = await intake('P3');
  await clock(at(2026, 3, 10, 10));
  await act(d2, 'request_supplement', { items: [{ item: 'Bản sao giấy khai sinh', reason: 'thiếu' }] });
  await clock(at(2026, 3, 11, 10));
  const back = await act(d2, 'supplement_received');
  assert.equal(back.dossier.due_at, at(2026, 3, 13, 10), 'one working day paused moves the due instant a day');
  await clock(at(2026, 3, 13, 9));
  await act(d2, 'result_ready');

  await clock(at(2026, 3, 16, 10));
  const d3 = await intake('P3');
  await clock(at(2026, 3, 20, 10));
  await act(d3, 'result_ready');

  await clock(at(2026, 3, 23, 10));
  const d4 = await intake('P3');
  await clock(at(2026, 3, 24, 10));
  const d6 = await intake('P5');
  await clock(at(2026, 3, 25, 10));
  await act(d4, 'apologize', { reason: 'Cần xác minh thêm', new_due: at(2026, 3, 27, 10) });
  await clock(at(2026, 3, 27, 10));
  const r4 = await act(d4, 'result_ready');
  assert.equal(r4.dossier.timing.late, true, 'an apology does not make a late file on time');
  await clock(at(2026, 3, 27, 11));
  const d7 = await intake('P5');
  assert.ok(d6 && d7 && d8);

  await clock(at(2026, 4, 1, 10));
  const m = await ind('from=2026-03-01&to=2026-03-31&by=office');
  const t = m.dossiers.total;
  assert.equal(t.received, 8);
  assert.deepEqual(t.finished, { total: 5, early: 1, on_time: 2, late: 2, ineligible: 0 });
  assert.deepEqual(t.open, { on_time: 1, late: 1 });
  assert.equal(t.on_time_rate, 0.6);
  assert.deepEqual(t.processing_days, { n: 5, mean: 2.97, median: 3, p90: 4 });
  assert.equal(t.no_supplement_share, 0.8);
  assert.equal(t.supplements_per_dossier, 0.2);
  assert.equal(t.apologies, 1);
  assert.equal(t.refusals, 1);
  assert.equal(t.withdrawals, 1);
  const tp = m.dossiers.groups.find((g) => g.key === 'TP');
  const tn = m.dossiers.groups.find((g) => g.key === 'TNMT');
  assert.equal(tp.name, 'Phòng Tư pháp');
  assert.equal(tp.received, 5);
  assert.deepEqual(tp.finished, { total: 4, early: 0, on_time: 2, late: 2, ineligible: 0 });
  assert.equal(tp.on_time_rate, 0.5);
  assert.equal(tn.received, 3);
  assert.deepEqual(tn.open, { on_time: 1, late: 1 });
  assert.equal(tn.on_time_rate, 1);

  const p766 = m.score_766.parts.find((p) => p.part === 'processing_on_time');
  assert.equal(p766.points, 10);
  assert.equal(p766.maximum, 20);
  const sat = m.score_766.parts.find((p) => p.part === 'satisfaction');
  assert.equal(sat.points, null, 'no ratings at all: no score, not zero');
  assert.ok(m.score_766.missing.some((x) => x.part === 'satisfaction'));
  const online = m.score_766.parts.find((p) => p.part === 'online_share');
  assert.equal(online.points, 0, 'no online submission: 0 of the online part');

  const q = m.queue;
  assert.equal(q.tickets, 2);
  assert.equal(q.visits, 2);
  assert.deepEqual(q.outcomes, { served: 1, no_show: 1, transferred: 0, removed: 0, open: 0 });
  assert.equal(q.recalls, 1);
  assert.deepEqual(q.wait_minutes, { n: 2, mean: 21, median: 21, p90: 28.2 });
  assert.deepEqual(q.service_minutes, { n: 1, mean: 8, median: 8, p90: 8 });
  assert.equal(q.service_level, 0.5);
  assert.equal(q.service_level_minutes, 15);
  assert.equal(q.no_show_rate, 0.5);
  const slot8 = q.by_half_hour.find((x) => x.start === '08:00');
  assert.equal(slot8.arrivals, 2);
  assert.equal(slot8.visits, 1, 'A called at 08:12 (last call) in the 08:00 slot');
  assert.equal(q.by_half_hour.find((x) => x.start === '08:30').visits, 1);
  assert.equal(q.heat.arrivals[0][q.heat.slots.indexOf('08:00')], 2, 'Monday 08:00');

  // Grouped by procedure and by clerk: the same totals.
  const byp = await ind('from=2026-03-01&to=2026-03-31&by=procedure');
  assert.deepEqual(byp.dossiers.total, t);
  assert.equal(byp.dossiers.groups.find((g) => g.key === 'P3').refusals, 1);
  const byc = await ind('from=2026-03-01&to=2026-03-31&by=clerk');
  assert.equal(byc.dossiers.groups.length, 1);
  assert.equal(byc.dossiers.groups[0].name, 'Cán bộ một');
  assert.equal(byc.dossiers.groups[0].received, 8);
  assert.equal(byc.queue.groups[0].name, 'Cán bộ một');

  // Staffing of 2 March: two arrivals 08:00-08:30, one served in 8 minutes.
  const st = ok(await s.as('sup', 'GET', '/api/v1/indicators/staffing?date=2026-03-02'));
  const s8 = st.slots.find((x) => x.start === '08:00');
  assert.equal(s8.arrivals, 2);
  assert.equal(s8.counters_open, 1);
  assert.ok(s8.counters_needed >= 1);
});

test('satisfaction at exactly 90 % scores the full 6; online share bounds', async () => {
  await clock(at(2026, 4, 6, 9)); // Monday
  const links = [];
  for (let i = 0; i < 10; i++) {
    const code = await intake('P3');
    links.push(ok(await s.as('clerk1', 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/rating-link`)).token);
  }
  for (let i = 0; i < 10; i++) {
    const level = i < 9 ? (i % 2 ? 'satisfied' : 'very_satisfied') : 'not_satisfied';
    ok(await s.req('POST', '/api/v1/public/ratings', { body: { token: links[i], level, courteous: true, visits: 1 } }));
  }
  const a = await ind('from=2026-04-01&to=2026-04-30');
  const sat = a.score_766.parts.find((p) => p.part === 'satisfaction');
  assert.equal(a.satisfaction.rated, 10);
  assert.equal(a.satisfaction.satisfied_share, 0.9);
  assert.equal(sat.points, 6, 'exactly 90 % satisfied: full marks');
  assert.equal(a.satisfaction.criteria.courteous, 1);
  assert.equal(a.satisfaction.criteria.one_visit, 1);
  // Half the dossiers online: the online part's full marks.
  // (No intake channel other than the counter yet: mark five as online in the file.)
  sqlite(s.db, `UPDATE dossiers SET channel = 'online' WHERE id IN (SELECT id FROM dossiers WHERE received_at >= ${at(2026, 4, 1, 0)} ORDER BY id LIMIT 5)`, { json: false });
  const b = await ind('from=2026-04-01&to=2026-04-30');
  const on = b.score_766.parts.find((p) => p.part === 'online_share');
  assert.equal(b.dossiers.total.online, 5);
  assert.equal(on.points, on.maximum, 'exactly 50 % online: full marks');
  // Nothing at all in a period: no score anywhere, not zero.
  const empty = await ind('from=2025-01-01&to=2025-01-31');
  assert.equal(empty.dossiers.total.received, 0);
  assert.equal(empty.dossiers.total.on_time_rate, null);
  // … except the feedback (PAKN) parts: no PAKN to count is full marks (docs/feedback.md).
  const fbPart = (p) => p.part.startsWith('feedback_');
  assert.ok(empty.score_766.parts.filter((p) => !fbPart(p)).every((p) => p.points === null));
  assert.deepEqual(empty.score_766.parts.filter(fbPart).map((p) => p.points), [6, 6]);
});

test('bad input: period, grouping, roles', async () => {
  for (const q of ['from=2026-03-01', 'from=2026-3-1&to=2026-03-31', 'from=2026-04-01&to=2026-03-01',
    'from=2020-01-01&to=2026-01-01']) {
    const r = await s.as('sup', 'GET', `/api/v1/indicators?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error.code, 'invalid_period');
  }
  const by = await s.as('sup', 'GET', '/api/v1/indicators?from=2026-03-01&to=2026-03-31&by=colour');
  assert.equal(by.json.error.code, 'invalid_by');
  // source= is figures (the default) or scan: anything else is refused.
  const src = await s.as('sup', 'GET', '/api/v1/indicators?from=2026-03-01&to=2026-03-31&source=foo');
  assert.equal(src.status, 400);
  assert.equal(src.json.error.code, 'invalid_source');
  assert.equal((await s.as('sup', 'GET', '/api/v1/indicators?from=2026-03-01&to=2026-03-31&source=figures')).status, 200);
  assert.equal((await s.as('clerk1', 'GET', '/api/v1/indicators?from=2026-03-01&to=2026-03-31')).status, 403);
  assert.equal((await s.req('GET', '/api/v1/indicators?from=2026-03-01&to=2026-03-31')).status, 401);
  assert.equal((await s.as('sup', 'GET', '/api/v1/indicators/staffing?date=nope')).json.error.code, 'invalid_date');
  assert.equal((await s.as('sup', 'GET', '/api/v1/reports/2026-Q5.csv')).status, 400);
  assert.equal((await s.as('sup', 'GET', '/api/v1/reports/2026-Q1.doc')).status, 404);
});
