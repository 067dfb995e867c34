// Indicators by unit in a province of two communes (docs/province.md
// "Indicators by unit", docs/indicators.md "By unit"): a hand-built March
// 2026 on the test clock, every figure worked out by hand. P3 takes 3
// working days; a working day is 07:30-11:30, 13:30-17:00.
//
// UBND xã Khe Sanh (UB-KS), received at its centre TT-KS by a.clerk:
//  K1 Mon 2/3 10:00 → due Thu 5/3 10:00; ready Tue 3/3 10:00: early (2 days left)
//  K2 Mon 2/3 10:00; ready Thu 5/3 10:00, exactly at the due instant: on time
//  K5 Mon 2/3 10:00; ready Thu 5/3 10:00: on time
//  K3 Mon 9/3 10:00 → due Thu 12/3 10:00; ready Fri 13/3 10:00: late
//  K4 Mon 23/3 10:00 → due Thu 26/3 10:00; still open at the end of March: open late
// UBND xã Lao Bảo (UB-LB):
//  L1 at TT-LB Mon 2/3 10:00; ready Tue 3/3 10:00: early
//  L2 at TT-LB Mon 9/3 10:00 → due Thu 12/3 10:00; ready Thu 12/3 09:00: on time
//  L3 at TT-LB Mon 16/3 10:00 → due Thu 19/3 10:00; ready then: on time
//  L4 at TT-KS (boundary-free, by a.clerk) Tue 24/3 10:00 → due Fri 27/3 10:00;
//     ready Mon 30/3 10:00: late (Lao Bảo answers for it, Khe Sanh received it)
//
// Per authority (766 processing on time = 20 × (early + on time) / (finished + open late)):
//  UB-KS: received 5; early 1, on time 2, late 1, open late 1 → 20 × 3/5 = 12; rate 3/4 = 0.75
//  UB-LB: received 4; early 1, on time 2, late 1            → 20 × 3/4 = 15; rate 0.75
//  Province (all its dossiers pooled, as the national portal scores a province):
//         received 9; early 2, on time 4, late 2, open late 1 → 20 × 6/9 = 13.33 —
//         not the mean of the units' points (13.5).
// No ratings: no satisfaction score; nothing online: 0 of the online part.
// Per receiving centre: TT-KS received K1-K5 and L4 = 6 (finished early 1, on time 2,
// late 2; open late 1); TT-LB received L1-L3 = 3.
// Queue, Mon 2/3: at TT-KS two tickets 08:00, the first called 08:05 (wait 5 min),
// the second 08:25 (wait 25: past the 15-minute standard) → service level 1/2; at
// TT-LB one ticket 08:00 called 08:02 → 1/1. Province: 2/3.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, sqlite } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const APPLICANT = { name: 'Trần Văn Bình', phone: '0912000111' };
const MARCH = 'from=2026-03-01&to=2026-03-31';

let s;
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE, args: ['--test-clock', '--logins-per-minute', '1000'] });
});
after(async () => { if (process.env.MOTCUA_DEBUG) console.error(s.stderr); await s.stop(); s.cleanup(); });

const clock = (t) => setClock(s, t);
const write = (sql) => sqlite(s.db, sql, { json: false });
// A dossier received at a centre for an authority. The receiving centre and
// the competent authority are written as intake records them
// (docs/province.md "Boundary-free intake"), so that this file tests the
// indicators whatever the intake's defaults.
const intake = async (clerk, centre, authority) => {
  const d = ok(await s.as(clerk, 'POST', '/api/v1/dossiers', {
    body: { procedure: 'P3', applicant: APPLICANT, outcome: 'received', authority, confirm_duplicate: true },
  })).dossier;
  write(`UPDATE dossiers SET intake_office_id = (SELECT id FROM offices WHERE code = '${centre}'),`
    + ` authority_id = (SELECT id FROM offices WHERE code = '${authority}') WHERE code = '${d.code}'`);
  return d.code;
};
const ready = async (code) => ok(await s.as('prov.sup', 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/actions`,
  { body: { action: 'result_ready' } }));
const ind = async (who, q) => ok(await s.as(who, 'GET', `/api/v1/indicators?${MARCH}&${q}`));
const onTime = (j) => j.score_766.parts.find((p) => p.part === 'processing_on_time').points;

test('a hand-built March of two communes: every unit as worked out by hand', async () => {
  // The queue of Monday 2 March at both centres.
  await clock(at(2026, 3, 2, 8));
  const a1 = ok(await s.as('a-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).ticket;
  const a2 = ok(await s.as('a-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).ticket;
  const b1 = ok(await s.as('b-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).ticket;
  ok(await s.as('a.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } }));
  ok(await s.as('b.clerk', 'POST', '/api/v1/counters/1/state', { body: { state: 'open' } }));
  await clock(at(2026, 3, 2, 8, 2));
  assert.equal(ok(await s.as('b.clerk', 'POST', '/api/v1/counters/1/call')).ticket.id, b1.id);
  await clock(at(2026, 3, 2, 8, 5));
  assert.equal(ok(await s.as('a.clerk', 'POST', '/api/v1/counters/1/call')).ticket.id, a1.id);
  await clock(at(2026, 3, 2, 8, 10));
  ok(await s.as('a.clerk', 'POST', '/api/v1/counters/1/finish'));
  ok(await s.as('b.clerk', 'POST', '/api/v1/counters/1/finish'));
  await clock(at(2026, 3, 2, 8, 25));
  assert.equal(ok(await s.as('a.clerk', 'POST', '/api/v1/counters/1/call')).ticket.id, a2.id);
  await clock(at(2026, 3, 2, 8, 30));
  ok(await s.as('a.clerk', 'POST', '/api/v1/counters/1/finish'));

  await clock(at(2026, 3, 2, 10));
  const k1 = await intake('a.clerk', CENTRE_A, 'UB-KS');
  const k2 = await intake('a.clerk', CENTRE_A, 'UB-KS');
  const k5 = await intake('a.clerk', CENTRE_A, 'UB-KS');
  const l1 = await intake('b.clerk', CENTRE_B, 'UB-LB');
  await clock(at(2026, 3, 3, 10));
  await ready(k1);
  await ready(l1);
  await clock(at(2026, 3, 5, 10));
  await ready(k2);
  await ready(k5);
  await clock(at(2026, 3, 9, 10));
  const k3 = await intake('a.clerk', CENTRE_A, 'UB-KS');
  const l2 = await intake('b.clerk', CENTRE_B, 'UB-LB');
  await clock(at(2026, 3, 12, 9));
  await ready(l2);
  await clock(at(2026, 3, 13, 10));
  await ready(k3);
  await clock(at(2026, 3, 16, 10));
  const l3 = await intake('b.clerk', CENTRE_B, 'UB-LB');
  await clock(at(2026, 3, 19, 10));
  await ready(l3);
  await clock(at(2026, 3, 23, 10));
  await intake('a.clerk', CENTRE_A, 'UB-KS'); // K4, open late at the end of March
  await clock(at(2026, 3, 24, 10));
  const l4 = await intake('a.clerk', CENTRE_A, 'UB-LB');
  await clock(at(2026, 3, 30, 10));
  await ready(l4);
  await clock(at(2026, 4, 1, 10));

  // Each authority on the dossiers it is competent for.
  const ks = await ind('prov.sup', 'office=UB-KS');
  assert.equal(ks.office.code, 'UB-KS');
  assert.equal(ks.dossiers.total.received, 5);
  assert.deepEqual(ks.dossiers.total.finished, { total: 4, early: 1, on_time: 2, late: 1, ineligible: 0 });
  assert.deepEqual(ks.dossiers.total.open, { on_time: 0, late: 1 });
  assert.equal(ks.dossiers.total.on_time_rate, 0.75);
  assert.equal(onTime(ks), 12);
  const lb = await ind('prov.sup', 'office=UB-LB');
  assert.equal(lb.dossiers.total.received, 4);
  assert.deepEqual(lb.dossiers.total.finished, { total: 4, early: 1, on_time: 2, late: 1, ineligible: 0 });
  assert.deepEqual(lb.dossiers.total.open, { on_time: 0, late: 0 });
  assert.equal(onTime(lb), 15);
  for (const u of [ks, lb]) {
    assert.equal(u.score_766.parts.find((p) => p.part === 'satisfaction').points, null, 'no ratings: no score');
    assert.equal(u.score_766.parts.find((p) => p.part === 'online_share').points, 0);
  }

  // The province: all its dossiers pooled, not the mean of the units.
  const prov = await ind('prov.sup', 'by=office');
  const t = prov.dossiers.total;
  assert.equal(prov.office.code, 'QT');
  assert.equal(t.received, 9);
  assert.deepEqual(t.finished, { total: 8, early: 2, on_time: 4, late: 2, ineligible: 0 });
  assert.deepEqual(t.open, { on_time: 0, late: 1 });
  assert.equal(onTime(prov), 13.33);
  // + 6 + 6: no feedback (PAKN) counted is full marks on both its parts.
  assert.equal(prov.score_766.points, 25.33);

  // by=office: one row per authority (with its 766 parts), one per centre.
  const row = (rows, key) => rows.find((g) => g.key === key);
  const rks = row(prov.dossiers.groups, 'UB-KS');
  const rlb = row(prov.dossiers.groups, 'UB-LB');
  assert.equal(rks.name, 'UBND xã Khe Sanh');
  assert.equal(rks.kind, 'authority');
  assert.equal(rks.score_766.parts.processing_on_time, 12);
  assert.equal(rlb.score_766.parts.processing_on_time, 15);
  assert.equal(rks.score_766.parts.satisfaction, null);
  // The rows agree with the per-office calls …
  for (const [r, u] of [[rks, ks], [rlb, lb]]) {
    for (const k of ['received', 'finished', 'open', 'on_time_rate', 'processing_days']) {
      assert.deepEqual(r[k], u.dossiers.total[k], `${r.key} ${k}`);
    }
    assert.equal(r.score_766.points, u.score_766.points, r.key);
  }
  // … and sum to the province (the department has no dossier: a row of zeros).
  assert.deepEqual(row(prov.dossiers.groups, 'SO-TNMT').received, 0);
  const sum = (rows, f) => rows.reduce((n, g) => n + f(g), 0);
  for (const f of [(g) => g.received, (g) => g.finished.early, (g) => g.finished.on_time,
    (g) => g.finished.late, (g) => g.open.late]) {
    assert.equal(sum(prov.dossiers.groups, f), f(t));
    assert.equal(sum(prov.dossiers.centres, f), f(t), 'the receiving centres add up too');
  }

  // Each centre: the dossiers it received, and its own queue.
  const cks = row(prov.dossiers.centres, CENTRE_A);
  assert.equal(cks.name, 'Trung tâm Phục vụ hành chính công xã Khe Sanh');
  assert.equal(cks.received, 6);
  assert.deepEqual(cks.finished, { total: 5, early: 1, on_time: 2, late: 2, ineligible: 0 });
  assert.deepEqual(cks.open, { on_time: 0, late: 1 });
  assert.equal(row(prov.dossiers.centres, CENTRE_B).received, 3);
  const centreA = await ind('prov.sup', `office=${CENTRE_A}`);
  for (const k of ['received', 'finished', 'open', 'on_time_rate']) {
    assert.deepEqual(cks[k], centreA.dossiers.total[k], `${CENTRE_A} ${k}`);
  }
  assert.equal(centreA.queue.tickets, 2);
  assert.equal(centreA.queue.visits, 2);
  assert.equal(centreA.queue.service_level, 0.5);
  const centreB = await ind('prov.sup', `office=${CENTRE_B}`);
  assert.equal(centreB.queue.tickets, 1);
  assert.equal(centreB.queue.service_level, 1);
  assert.equal(prov.queue.group_by, 'office');
  const qa = row(prov.queue.groups, CENTRE_A);
  const qb = row(prov.queue.groups, CENTRE_B);
  assert.equal(qa.service_level, 0.5);
  assert.equal(qa.tickets, 2);
  assert.equal(qb.service_level, 1);
  assert.equal(qb.tickets, 1);
  assert.equal(prov.queue.tickets, 3);
  assert.equal(prov.queue.service_level, 0.6667);
  // By counter: both centres have a counter 1; over the province each is its own.
  const byc = await ind('prov.sup', 'by=counter');
  assert.deepEqual(byc.queue.groups.map((g) => [g.key, g.name, g.visits]).sort(), [
    [`${CENTRE_A} 1`, 'Quầy 1 · Trung tâm Phục vụ hành chính công xã Khe Sanh', 2],
    [`${CENTRE_B} 1`, 'Quầy 1 · Trung tâm Phục vụ hành chính công xã Lao Bảo', 1]]);
  const bycA = await ind('prov.sup', `by=counter&office=${CENTRE_A}`);
  assert.deepEqual(bycA.queue.groups.map((g) => [g.key, g.name, g.visits]), [['1', 'Quầy 1', 2]]);

  // The province's report: each centre's intake and each unit's points too.
  const pcsv = await s.as('prov.sup', 'GET', '/api/v1/reports/2026-03.csv');
  assert.match(pcsv.text, /"Hồ sơ theo trung tâm tiếp nhận","Trung tâm Phục vụ hành chính công xã Khe Sanh","Tiếp nhận mới","6","6","dossiers.centres","TT-KS","received"/);
  assert.match(pcsv.text, /"Quyết định 766 theo đơn vị","UBND xã Khe Sanh","Tiến độ giải quyết","12,00","12.0","score_766.units","UB-KS","processing_on_time"/);
  assert.match(pcsv.text, /"Quyết định 766 theo đơn vị","UBND xã Lao Bảo","Tiến độ giải quyết","15,00","15.0","score_766.units","UB-LB","processing_on_time"/);

  // The periodic report of a centre names that centre under its commune.
  const csv = await s.as('prov.sup', 'GET', `/api/v1/reports/2026-03.csv?office=${CENTRE_A}`);
  assert.equal(csv.status, 200);
  assert.match(csv.text, /"Tiếp nhận mới","6","6","dossiers","total","received"/);
  const pdf = await fetch(`${s.base}/api/v1/reports/2026-03.pdf?office=${CENTRE_A}`,
    { headers: { Authorization: `Bearer ${s.tokens['prov.sup']}` } });
  if (pdf.status !== 503) { // 503: a server built without the printer library
    assert.equal(pdf.status, 200);
    const file = path.join(s.dir, 'ks.pdf');
    writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    assert.match(text, /UBND XÃ KHE SANH/);
    assert.match(text, /TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG\s+(\S.*\n\s*)?XÃ KHE SANH/, 'the centre, on one or two lines');
    assert.match(text, /Khe Sanh, ngày 01 tháng 4 năm 2026/);
    // Its columns: the authorities of the dossiers it received.
    assert.match(text, /UBND xã Khe Sanh\s+UBND xã Lao Bảo/);
    assert.doesNotMatch(text, /Theo trung tâm tiếp nhận hồ sơ/, 'one receiving centre: no table of centres');
    assert.match(text, /Điểm của từng cơ quan, đơn vị/);
    // Of what Khe Sanh received: its own five (12 points as above) and L4 for
    // Lao Bảo, late: 20 × 0 / 1 = 0.
    // Progress, satisfaction, feedback on time and satisfaction (no PAKN: 6 each), online.
    assert.match(text, /UBND xã Khe Sanh\s+12,00\s+—\s+6,00\s+6,00\s+0,00\s+24,00 \/ 42/);
    assert.match(text, /UBND xã Lao Bảo\s+0,00\s+—\s+6,00\s+6,00\s+0,00\s+12,00 \/ 42/);
  }
});

test('scope: another centre or commune is not found; a principal sees its own unit', async () => {
  // The centre supervisor of Lao Bảo: its centre by default, nothing of Khe Sanh.
  const own = await ind('b.centre.sup', '');
  assert.equal(own.office.code, CENTRE_B);
  assert.equal(own.dossiers.total.received, 3);
  assert.equal(own.queue.tickets, 1);
  for (const q of [`office=${CENTRE_A}`, 'office=UB-KS', 'office=UB-LB', 'office=QT', 'office=NOPE']) {
    const r = await s.as('b.centre.sup', 'GET', `/api/v1/indicators?${MARCH}&${q}`);
    assert.equal(r.status, 404, q);
    assert.equal(r.json.error.code, 'office_not_found');
  }
  assert.equal((await s.as('b.centre.sup', 'GET', `/api/v1/indicators/staffing?date=2026-03-02&office=${CENTRE_A}`)).status, 404);
  assert.equal((await s.as('b.centre.sup', 'GET', `/api/v1/reports/2026-03.csv?office=${CENTRE_A}`)).status, 404);
  // Its staffing: its own hall only (one arrival 08:00-08:30).
  const st = ok(await s.as('b.centre.sup', 'GET', '/api/v1/indicators/staffing?date=2026-03-02'));
  assert.equal(st.slots.find((x) => x.start === '08:00').arrivals, 1);
  assert.equal(st.office.code, CENTRE_B);

  // The commune supervisor of Khe Sanh: its authority by default, its centre
  // inside, Lao Bảo not; by=office lists only what is below it.
  const ks = await ind('a.sup', 'by=office');
  assert.equal(ks.office.code, 'UB-KS');
  assert.equal(ks.dossiers.total.received, 5);
  assert.deepEqual(ks.dossiers.groups.map((g) => g.key), ['UB-KS']);
  assert.deepEqual(ks.dossiers.centres.map((g) => g.key), [CENTRE_A]);
  assert.equal((await ind('a.sup', `office=${CENTRE_A}`)).dossiers.total.received, 6);
  assert.equal((await s.as('a.sup', 'GET', `/api/v1/indicators?${MARCH}&office=${CENTRE_B}`)).status, 404);
  // A clerk may not use the route at all.
  assert.equal((await s.as('a.clerk', 'GET', `/api/v1/indicators?${MARCH}`)).status, 403);
  assert.equal((await s.as('a.clerk', 'GET', `/api/v1/indicators?${MARCH}&office=${CENTRE_B}`)).status, 403);
});
