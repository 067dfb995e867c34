// Who acts on a dossier in a province (docs/province.md, "Who acts on a
// dossier"), on the two-centre test province and the test clock. Reading is
// the four offices of a dossier; acting is narrower: processing is the
// holder's, the citizen's own returns (a supplement, a fee, a withdrawal)
// are the receiving centre's or the holder's, the result is handed over at
// the return centre. A visible dossier that the caller's office does not
// hold is 409 not_holder; an invisible one 404; nothing changes either way.
// Also: a hand-over names a person of the receiving office only; the
// boundary-free hand-over at intake puts the dossier in process and is
// budgeted (the legal time left when the procedure names no step) so the control
// sheet judges it; the holder's person is a full name, never an office
// code; the simulated history acts by the holder's own staff.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, cli, SOURCE, ADMIN_PASSWORD, newDb, sqlite } from './lib/harness.mjs';
import { setClock } from './lib/steps.mjs';
import { PROVINCE_BUNDLE } from './lib/province-bundle.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const APPLICANT = { name: 'Hồ Thị Lan', id_number: '045190001122', address: 'Khóm 3, Lao Bảo', phone: '0905123456' };

let s;
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE, args: ['--test-clock', '--logins-per-minute', '1000'] });
});
after(async () => { await s?.stop(); s?.cleanup(); });

const clock = (t) => setClock(s, t);
const ok = (r, status = 200) => { assert.equal(r.status, status, r.text); return r.json; };
let nth = 0;
const intake = async (who, extra = {}) => ok(await s.as(who, 'POST', '/api/v1/dossiers', {
  body: { procedure: 'P3', applicant: { ...APPLICANT, id_number: `04519000${String(++nth).padStart(4, '0')}` }, outcome: 'received', ...extra } }), 201).dossier;
const boundaryFree = () => intake('a.clerk', { authority: 'UB-LB', return_at: 'TT-LB' });
const act = (who, code, action, extra = {}) => s.as(who, 'POST', `/api/v1/dossiers/${code}/actions`, { body: { action, ...extra } });
const snapshot = (code) => JSON.stringify([
  s.sql(`SELECT status, holder_office, holder, pending, paused_at, finished_at, due_at FROM dossiers WHERE code = '${code}'`),
  s.sql(`SELECT s.* FROM dossier_steps s JOIN dossiers d ON d.id = s.dossier_id WHERE d.code = '${code}' ORDER BY s.id`),
  s.sql(`SELECT count(*) AS n FROM events WHERE entity = 'dossier' AND entity_id = '${code}'`),
]);

test('processing is the holder\'s: the receiving and the return centre see the dossier but may not process it', async () => {
  await clock(at(2026, 3, 2, 9));
  const d = await boundaryFree();
  assert.equal(d.holder.office, 'TP-LB');
  const before = snapshot(d.code);
  const refused = [
    ['a.clerk', 'handover', { to_office: 'TP-KS' }],
    ['a.sup', 'result_ready', {}],
    ['a.sup', 'request_supplement', { items: [{ item: 'Giấy xác nhận', reason: 'Thiếu' }] }],
    ['a.sup', 'return_ineligible', { reason: 'Không đủ điều kiện' }],
    ['b.centre.sup', 'result_ready', {}],
    ['b.centre.sup', 'handover', { to_office: 'TP-KS' }],
    ['b.clerk', 'withdraw', { reason: 'Công dân đề nghị rút' }],
  ];
  for (const [who, action, body] of refused) {
    const r = await act(who, d.code, action, body);
    assert.equal(r.status, 409, `${action} by ${who}: ${r.text}`);
    assert.equal(r.json.error.code, 'not_holder', `${action} by ${who}`);
    // Still visible to each of them: reading is the four offices.
    ok(await s.as(who, 'GET', `/api/v1/dossiers/${d.code}`));
  }
  // Outside every one of the four offices: not found, as before.
  const hidden = await act('a.spec', d.code, 'result_ready');
  assert.equal(hidden.status, 404, hidden.text);
  assert.equal(hidden.json.error.code, 'dossier_not_found');
  assert.equal(snapshot(d.code), before, 'nothing changed');

  // The holder processes; the citizen's supplement comes back at the centre
  // that received it, not at the return centre.
  await clock(at(2026, 3, 2, 10));
  assert.equal(ok(await act('b.spec', d.code, 'request_supplement', { items: [{ item: 'Giấy xác nhận', reason: 'Thiếu' }] })).dossier.status, 'supplement_requested');
  const notHere = await act('b.clerk', d.code, 'supplement_received');
  assert.equal(notHere.status, 409, notHere.text);
  assert.equal(notHere.json.error.code, 'not_holder');
  ok(await act('a.clerk', d.code, 'supplement_received'));
  // The commune that is competent (its supervisor's scope holds TP-LB) may.
  const ready = ok(await act('b.sup', d.code, 'result_ready')).dossier;
  assert.equal(ready.status, 'result_ready');
  assert.equal(ready.holder.office, 'TT-LB');
  const elsewhere = await act('a.clerk', d.code, 'return_result', { collected_by: APPLICANT.name, id_checked: true });
  assert.equal(elsewhere.status, 409, elsewhere.text);
  assert.equal(elsewhere.json.error.code, 'return_elsewhere');
  assert.equal(ok(await act('b.clerk', d.code, 'return_result', { collected_by: APPLICANT.name, id_checked: true })).dossier.status, 'returned');
});

test('the receiving centre acts while it holds the dossier, and may take a withdrawal the citizen asks for there', async () => {
  await clock(at(2026, 3, 3, 9));
  const local = await intake('a.clerk');
  assert.equal(local.holder.office, 'TT-KS');
  const moved = ok(await act('a.clerk', local.code, 'handover', { to_office: 'TP-KS' })).dossier;
  assert.equal(moved.status, 'in_process');
  // Now TP-KS holds it: the clerk may not hand it on, the citizen may still withdraw at the counter.
  const r = await act('a.clerk', local.code, 'handover', { to_office: 'TP-LB' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'not_holder');
  const bf = await boundaryFree();
  assert.equal(ok(await act('a.clerk', bf.code, 'withdraw', { reason: 'Công dân đề nghị rút' })).dossier.status, 'withdrawn');
});

test('a hand-over names a person of the office it goes to, or nobody', async () => {
  await clock(at(2026, 3, 4, 9));
  const d = await intake('a.clerk');
  const before = snapshot(d.code);
  const bad = [];
  for (const person of ['b.spec', 'no.such.user', 'a.clerk2', 'prov.sup', 'admin']) {
    const r = await act('a.clerk', d.code, 'handover', { to_office: 'TP-KS', to_person: person });
    assert.equal(r.status, 400, `${person}: ${r.text}`);
    assert.equal(r.json.error.field, 'to_person');
    assert.ok(!r.text.includes(person), 'the name is not echoed');
    assert.ok(!r.text.includes('Chuyên viên Lao Bảo'));
    bad.push(r.json.error);
  }
  assert.deepEqual(bad[0], bad[1], 'an unknown name and another office\'s user answer alike');
  assert.equal(snapshot(d.code), before, 'nothing changed');
  const done = ok(await act('a.clerk', d.code, 'handover', { to_office: 'TP-KS', to_person: 'a.spec' })).dossier;
  assert.deepEqual(done.holder, { office: 'TP-KS', person: 'Chuyên viên Khe Sanh', username: 'a.spec' });
  const sheet = ok(await s.as('a.clerk', 'GET', `/api/v1/dossiers/${d.code}/control-sheet`));
  assert.ok(JSON.stringify(sheet).includes('Chuyên viên Khe Sanh'));
});

test('the boundary-free hand-over at intake puts the dossier in process, and its holder is an office, not a person', async () => {
  await clock(at(2026, 3, 5, 9));
  const d = await boundaryFree();
  assert.equal(d.status, 'in_process');
  assert.equal(d.status_text, 'Đang giải quyết');
  assert.deepEqual(d.holder, { office: 'TP-LB', person: null, username: null });
  assert.equal(s.sql(`SELECT status FROM dossiers WHERE code = '${d.code}'`)[0].status, 'in_process');
  // The status a user would read back, and the chain agrees with the row.
  const got = ok(await s.as('b.spec', 'GET', `/api/v1/dossiers/${d.code}`));
  assert.equal((got.dossier ?? got).status, 'in_process');
  // A supplement at intake then completed: the same hand-over, the same status.
  const sup = ok(await s.as('a.clerk', 'POST', '/api/v1/dossiers', {
    body: { procedure: 'P3', applicant: { ...APPLICANT, id_number: '045190009999' }, outcome: 'supplement', authority: 'UB-LB',
      missing: [{ item: 'Giấy xác nhận tình trạng hôn nhân', reason: 'Chưa có' }] } }), 201).dossier;
  assert.equal(sup.status, 'supplement_requested');
  const complete = ok(await act('a.clerk', sup.code, 'supplement_received')).dossier;
  assert.equal(complete.status, 'in_process');
  assert.equal(complete.holder.office, 'TP-LB');
});

test('the hand-over between centres is budgeted with the legal time left', async () => {
  // P3 is 3 working days: received Monday 09:00, due Thursday 09:00. A
  // working day here is 07:30–11:30 and 13:30–17:00: 7 h 30.
  const DAY = 7.5 * 3600;
  await clock(at(2026, 3, 9, 9));
  const early = await boundaryFree();
  assert.equal(early.steps[0].budget_seconds, 3 * DAY, 'the three working days the office answers for');
  const onTime = await boundaryFree();
  const late = await boundaryFree();
  // Monday 15:00: 4 h of 22 h 30 spent, more than a day to spare: early.
  await clock(at(2026, 3, 9, 15));
  let sheet = ok(await act('b.spec', early.code, 'result_ready')).dossier;
  assert.equal(sheet.steps[0].spent_seconds, 4 * 3600);
  assert.equal(sheet.steps[0].result, 'early');
  // Wednesday 15:00: 6 h + 7 h 30 + 5 h 30 = 19 h of 22 h 30: on time.
  await clock(at(2026, 3, 11, 15));
  sheet = ok(await act('b.spec', onTime.code, 'result_ready')).dossier;
  assert.equal(sheet.steps[0].spent_seconds, 19 * 3600);
  assert.equal(sheet.steps[0].result, 'on_time');
  // Thursday 15:00: 22 h 30 + 4 h = 26 h 30: late, as the dossier is.
  await clock(at(2026, 3, 12, 15));
  sheet = ok(await act('b.spec', late.code, 'result_ready')).dossier;
  assert.equal(sheet.steps[0].spent_seconds, 26.5 * 3600);
  assert.equal(sheet.steps[0].result, 'late');
  assert.equal(sheet.timing.result, 'late');
  const cs = ok(await s.as('b.sup', 'GET', `/api/v1/dossiers/${late.code}/control-sheet`));
  assert.match(JSON.stringify(cs), /"late"/);
  // A hand-over inside one commune keeps no budget unless the procedure names one.
  const local = await intake('a.clerk');
  assert.equal(ok(await act('a.clerk', local.code, 'handover', { to_office: 'TP-KS' })).dossier.steps[0].budget_seconds, null);
});

test('the simulated history acts on each dossier by the staff of the office that holds it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'motcua-drules-'));
  try {
    const db = newDb(dir, 'sim.db');
    assert.equal(cli(['init', '--db', db, '--password-stdin'], { input: `${ADMIN_PASSWORD}\n` }).status, 0);
    let r = cli(['import', '--db', db, path.join(SOURCE, 'data/demo-bundle.json')]);
    assert.equal(r.status, 0, r.stderr);
    r = cli(['simulate', '--db', db, '--days', '4', '--seed', '7']);
    assert.equal(r.status, 0, r.stderr);
    // Each hand-over's giver belongs to (the subtree of) the office that held
    // the dossier just before: the previous step's office that is no partner,
    // else the receiving centre.
    const sql = `WITH st AS (
        SELECT s.id, s.dossier_id, s.giver, s.office,
          coalesce((SELECT p.office FROM dossier_steps p JOIN offices po ON po.code = p.office
                    WHERE p.dossier_id = s.dossier_id AND p.id < s.id AND po.kind <> 'partner'
                    ORDER BY p.id DESC LIMIT 1),
                   (SELECT io.code FROM dossiers d JOIN offices io ON io.id = d.intake_office_id WHERE d.id = s.dossier_id)) AS held
        FROM dossier_steps s)
      SELECT st.giver || ' ' || st.held || '->' || st.office AS step FROM st JOIN users u ON u.username = st.giver
      WHERE u.office_id IS NOT NULL AND (SELECT kind FROM offices WHERE id = u.office_id) <> 'province'
        AND NOT EXISTS (SELECT 1 FROM office_paths op JOIN offices h ON h.id = op.office_id
                        WHERE h.code = st.held AND op.ancestor_id = u.office_id)`;
    assert.deepEqual(sqlite(db, sql).map((r) => r.step), [], 'hand-overs given by staff outside the holding office');
    const [{ n }] = sqlite(db, 'SELECT count(*) AS n FROM dossier_steps');
    assert.ok(n > 20, `${n} hand-overs`);
    assert.equal(cli(['audit-verify', '--db', db]).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
