// Dossiers from intake to return on the real server, on a test clock:
// on time; late with and without an apology; a supplement pause that moves the
// due instant across a holiday; inter-agency with the control sheet;
// withdrawn; refused at intake; concurrent intake with gap-free codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';

// Office time (UTC+7) to epoch seconds.
const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;

const APPLICANT = { name: 'Nguyễn Thị Hường', id_number: '045187001234', address: 'Khối 2, thị trấn Khe Sanh',
  phone: '0912345678', email: 'huong@example.vn' };

// Every move of the clock ends the sessions (idle and absolute timeouts), so
// this file logs in again far more often than a person could.
const RELOGIN = ['--logins-per-minute', '1000'];
let s;
before(async () => { s = await startServer({ bundle: DOSSIER_BUNDLE, args: ['--test-clock', ...RELOGIN] }); });
after(async () => { await s.stop(); s.cleanup(); });

// Moves the server's clock. Sessions expire with time, so everyone logs in
// again afterwards.
const clock = (t) => setClock(s, t);
const intake = async (procedure, extra = {}, who = 'clerk1') => {
  const r = await s.as(who, 'POST', '/api/v1/dossiers', { body: { procedure, applicant: APPLICANT, outcome: 'received', confirm_duplicate: true, ...extra } });
  return r;
};
const act = async (who, code, action, extra = {}) => s.as(who, 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/actions`, { body: { action, ...extra } });

test('received on time: code, appointment, hand-overs marked against their budget, return', async () => {
  await clock(at(2026, 3, 2, 10)); // Monday 10:00
  const r = ok(await intake('P3', { documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }] }));
  assert.equal(r.form, 'mau-01');
  assert.match(r.dossier.code, /^000\.00\.19\.H47-260302-\d{4}$/);
  assert.match(r.secret, /^[A-HJ-NP-Z2-9]{10}$/);
  assert.equal(r.dossier.status, 'received');
  assert.equal(r.dossier.due_at, at(2026, 3, 5, 10), 'Monday 10:00 + 3 working days = Thursday 10:00');
  const code = r.dossier.code;
  ok(await act('clerk1', code, 'handover', { to_office: 'TP', to_person: 'spec' }));
  await clock(at(2026, 3, 3, 9)); // Tuesday
  const ready = ok(await act('spec', code, 'result_ready'));
  assert.equal(ready.dossier.status, 'result_ready');
  assert.equal(ready.dossier.timing.late, false);
  assert.equal(ready.dossier.timing.result, 'early');
  const sheet = ok(await s.as('sup', 'GET', `/api/v1/dossiers/${code}/control-sheet`));
  assert.equal(sheet.rows.length, 1);
  assert.equal(sheet.rows[0].office, 'TP');
  assert.equal(sheet.rows[0].giver, 'clerk1');
  assert.equal(sheet.rows[0].receiver, 'spec');
  assert.equal(sheet.rows[0].result, 'early', 'TP used 6 of its 15 working hours');
  const bad = await act('clerk1', code, 'return_result', { collected_by: 'Nguyễn Thị Hường' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'identity_not_checked');
  const done = ok(await act('clerk1', code, 'return_result', { collected_by: 'Nguyễn Thị Hường', id_checked: true }));
  assert.equal(done.dossier.status, 'returned');
  const full = ok(await s.as('sup', 'GET', `/api/v1/dossiers/${code}`));
  assert.deepEqual(full.history.map((h) => h.action), ['dossier.received', 'dossier.handover', 'dossier.result_ready', 'dossier.return_result']);
  // Nothing more may happen to a returned dossier.
  const after = await act('sup', code, 'withdraw', { reason: 'x' });
  assert.equal(after.status, 409);
  assert.equal(after.json.error.code, 'action_not_allowed');
});

test('late with an apology: once, before the due instant, by the head of the office', async () => {
  await clock(at(2026, 3, 9, 8)); // Monday 08:00
  const code = ok(await intake('P3')).dossier.code;
  ok(await act('clerk1', code, 'handover', { to_office: 'TP' }));
  await clock(at(2026, 3, 11, 16)); // Wednesday 16:00, due Thursday 08:00
  const clerk = await act('clerk1', code, 'apologize', { reason: 'Chờ xác minh', new_due: '2026-03-16T08:00+07:00' });
  assert.equal(clerk.status, 403, 'a counter clerk cannot issue the apology');
  const sorry = ok(await act('sup', code, 'apologize', { reason: 'Cần xác minh thêm tại địa phương', new_due: '2026-03-16T08:00+07:00' }));
  assert.equal(sorry.dossier.apology.new_due_at, at(2026, 3, 16, 8));
  assert.equal(sorry.dossier.due_at, at(2026, 3, 12, 8), 'an apology never moves the legal due instant');
  const twice = await act('sup', code, 'apologize', { reason: 'lần hai', new_due: '2026-03-20T08:00+07:00' });
  assert.equal(twice.status, 409);
  assert.equal(twice.json.error.code, 'apology_once');
  await clock(at(2026, 3, 13, 10)); // Friday 10:00: past due
  const late = ok(await s.as('sup', 'GET', '/api/v1/dossiers?late=true'));
  assert.ok(late.items.some((d) => d.code === code));
  const ready = ok(await act('spec', code, 'result_ready'));
  assert.equal(ready.dossier.timing.late, true);
  // Thursday 08:00-11:30 and 13:30-17:00 (7 h), Friday 07:30-10:00 (2.5 h).
  assert.equal(ready.dossier.timing.late_seconds, 9.5 * 3600);
  assert.equal(ready.dossier.timing.late_working_hours, 9.5);
  const pub = await s.req('GET', `/api/v1/public/dossiers/${code}?secret=WRONG`);
  assert.equal(pub.status, 404);
});

test('late without an apology: too late to apologise, the dossier stays late', async () => {
  await clock(at(2026, 3, 16, 10));
  const code = ok(await intake('P3')).dossier.code;
  await clock(at(2026, 3, 20, 10)); // Friday, due was Thursday 10:00
  const r = await act('sup', code, 'apologize', { reason: 'muộn', new_due: '2026-03-25T10:00+07:00' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'apology_after_due');
  const v = ok(await s.as('sup', 'GET', `/api/v1/dossiers/${code}`));
  assert.equal(v.timing.late, true);
  assert.equal(v.apology, null);
});

test('a supplement pause moves the due instant across the Hùng Kings holiday', async () => {
  await clock(at(2026, 4, 20, 10)); // Monday 20 April
  const code = ok(await intake('P5')).dossier.code;
  let v = ok(await s.as('sup', 'GET', `/api/v1/dossiers/${code}`));
  // 5 working days: Tue 21 .. Fri 24, then Mon 27 is the day off for Giỗ Tổ (Sunday 26): Tue 28.
  assert.equal(v.due_at, at(2026, 4, 28, 10));
  ok(await act('clerk1', code, 'handover', { to_office: 'TNMT' }));
  await clock(at(2026, 4, 22, 9));
  const items = [{ item: 'Bản sao giấy chứng nhận', reason: 'Bản sao mờ' }, { item: 'Sơ đồ thửa đất', reason: 'Thiếu' }];
  const paused = ok(await act('spec', code, 'request_supplement', { items }));
  assert.equal(paused.dossier.status, 'supplement_requested');
  assert.equal(paused.dossier.paused, true);
  await clock(at(2026, 4, 28, 9)); // supplement arrives a week later
  const back = ok(await act('clerk1', code, 'supplement_received'));
  // Paused Wed 22 09:00 -> Tue 28 09:00 = 3 working days (Mon 27 off):
  // Tue 28 10:00 + 3 = Wed 29, (Thu 30 and Fri 1 May off), Mon 4, Tue 5 May 10:00.
  assert.equal(back.dossier.paused_seconds, 3 * 7.5 * 3600);
  assert.equal(back.dossier.due_at, at(2026, 5, 5, 10));
  assert.equal(back.dossier.first_due_at, at(2026, 4, 28, 10));
  assert.equal(back.dossier.status, 'in_process');
  assert.equal(back.dossier.supplements, 1);
  assert.equal(back.dossier.timing.late, false);
});

test('inter-agency: each office on the control sheet with its own budget', async () => {
  await clock(at(2026, 6, 1, 8)); // Monday 08:00
  const code = ok(await intake('PI')).dossier.code;
  ok(await act('clerk1', code, 'handover', { to_office: 'TP', to_person: 'spec' }));
  await clock(at(2026, 6, 2, 8)); // a full working day later
  const notPartner = await act('spec', code, 'send_interagency', { partner: 'TNMT' });
  assert.equal(notPartner.status, 400);
  assert.equal(notPartner.json.error.code, 'not_a_partner');
  const sent = ok(await act('spec', code, 'send_interagency', { partner: 'CA' }));
  assert.equal(sent.dossier.status, 'interagency');
  assert.equal(sent.dossier.holder.office, 'CA');
  await clock(at(2026, 6, 4, 15)); // 2 days and 7 h later: over CA's 2 days
  ok(await act('spec', code, 'partner_returned'));
  const done = ok(await act('spec', code, 'result_ready'));
  const rows = done.dossier.steps;
  assert.deepEqual(rows.map((x) => [x.office, x.result]), [['TP', 'on_time'], ['CA', 'late']]);
  assert.equal(done.dossier.timing.late, true, 'Thursday 15:00 is past Thursday 08:00');
});

test('withdrawn at the citizen\'s request; refused at intake; completed after an intake supplement', async () => {
  await clock(at(2026, 7, 6, 9));
  const w = ok(await intake('P5')).dossier.code;
  const noReason = await act('clerk1', w, 'withdraw');
  assert.equal(noReason.status, 400);
  const wd = ok(await act('clerk1', w, 'withdraw', { reason: 'Công dân xin rút hồ sơ' }));
  assert.equal(wd.dossier.status, 'withdrawn');

  const refusedNoReason = await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', applicant: APPLICANT, outcome: 'refused' } });
  assert.equal(refusedNoReason.status, 400);
  assert.equal(refusedNoReason.json.error.code, 'reason_required');
  const refused = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', applicant: APPLICANT, confirm_duplicate: true, outcome: 'refused', reason: 'Không thuộc thẩm quyền' } }));
  assert.equal(refused.form, 'mau-03');
  assert.equal(refused.dossier.status, 'rejected_at_intake');
  assert.equal(refused.secret, undefined);

  const noItems = await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', applicant: APPLICANT, outcome: 'supplement' } });
  assert.equal(noItems.status, 400);
  assert.equal(noItems.json.error.code, 'missing_items');
  const sup = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', applicant: APPLICANT, confirm_duplicate: true, outcome: 'supplement', missing: [{ item: 'Đơn đăng ký', reason: 'Chưa ký' }] } }));
  assert.equal(sup.form, 'mau-02');
  assert.equal(sup.dossier.received_at, null, 'no clock runs before the dossier is complete');
  assert.equal(sup.dossier.due_at, null);
  const pub = ok(await s.req('GET', `/api/v1/public/dossiers/${sup.dossier.code}?secret=${sup.secret}`));
  assert.deepEqual(pub.still_needed, [{ item: 'Đơn đăng ký', reason: 'Chưa ký' }]);
  await clock(at(2026, 7, 8, 10)); // Wednesday
  const complete = ok(await act('clerk1', sup.dossier.code, 'supplement_received'));
  assert.equal(complete.dossier.status, 'received');
  assert.equal(complete.dossier.received_at, at(2026, 7, 8, 10));
  assert.equal(complete.dossier.due_at, at(2026, 7, 15, 10));
  const cancelled = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P5', applicant: APPLICANT, confirm_duplicate: true, outcome: 'supplement', missing: [{ item: 'Đơn' }] } }));
  const c = ok(await act('clerk1', cancelled.dossier.code, 'cancel', { reason: 'Quá hạn bổ sung' }));
  assert.equal(c.dossier.status, 'cancelled');
});

test('same-day procedures: before the cutoff, due at the end of the day; after it, the next day', async () => {
  await clock(at(2026, 7, 10, 14, 30)); // Friday 14:30
  assert.equal(ok(await intake('PS')).dossier.due_at, at(2026, 7, 10, 17));
  await clock(at(2026, 7, 10, 15, 30)); // after 15:00
  assert.equal(ok(await intake('PS')).dossier.due_at, at(2026, 7, 13, 17), 'Monday 17:00');
});

test('200 concurrent intakes get unique, gap-free codes', async () => {
  await clock(at(2026, 8, 3, 9));
  await s.login('clerk2');
  const codes = [];
  await Promise.all(['clerk1', 'clerk2', 'sup', 'clerk1', 'clerk2', 'sup', 'clerk1', 'clerk2'].map(async (who, i) => {
    for (let k = 0; k < 25; k++) codes.push(ok(await intake('P5', {}, who)).dossier.code);
  }));
  assert.equal(codes.length, 200);
  assert.equal(new Set(codes).size, 200);
  const seq = codes.map((c) => Number(c.slice(-4))).sort((a, b) => a - b);
  assert.deepEqual(seq, Array.from({ length: 200 }, (_, i) => i + 1));
  assert.ok(codes.every((c) => c.startsWith('000.00.19.H47-260803-')));
});

test('lists filter and page; the ledger is CSV', async () => {
  const page = ok(await s.as('sup', 'GET', '/api/v1/dossiers?procedure=P5&limit=7&offset=7'));
  assert.equal(page.items.length, 7);
  assert.ok(page.total >= 200);
  assert.ok(page.items.every((d) => d.procedure.code === 'P5'));
  const byPhone = ok(await s.as('clerk1', 'GET', `/api/v1/dossiers?q=${APPLICANT.phone}&limit=1`));
  assert.ok(byPhone.total > 200);
  const status = ok(await s.as('sup', 'GET', '/api/v1/dossiers?status=withdrawn'));
  assert.equal(status.total, 1);
  const bad = await s.as('sup', 'GET', '/api/v1/dossiers?status=sleeping');
  assert.equal(bad.status, 400);
  const csv = await s.as('sup', 'GET', '/api/v1/ledger.csv?from=2026-03-01&to=2026-03-31');
  assert.equal(csv.status, 200);
  assert.match(csv.headers['content-type'], /^text\/csv/);
  const lines = csv.text.trim().split('\r\n');
  assert.match(lines[0], /^line,code,procedure,sets,applicant/);
  assert.equal(lines.length, 1 + 3, 'the three March dossiers');
  assert.match(lines[1], /"Nguyễn Thị Hường"/);
  const badPeriod = await s.as('sup', 'GET', '/api/v1/ledger.csv?from=2026-03-31&to=2026-03-01');
  assert.equal(badPeriod.status, 400);
});

test('procedures: versioned on change; found with or without diacritics', async () => {
  const found = ok(await s.req('GET', '/api/v1/public/procedures?q=ket%20hon'));
  assert.deepEqual(found.items.map((p) => p.code), ['P3']);
  const changed = { ...DOSSIER_BUNDLE.procedures[0], fee_vnd: 10000 };
  const r = ok(await s.as('admin', 'POST', '/api/v1/import', { body: { procedures: [changed] } }));
  assert.equal(r.procedures, 1);
  assert.equal(ok(await s.req('GET', '/api/v1/public/procedures?q=P3')).items[0].version, 2);
  // A dossier received earlier keeps the version in force at its intake.
  const old = ok(await s.as('sup', 'GET', '/api/v1/dossiers?procedure=P3&limit=1&offset=0')).items.at(-1);
  assert.equal(old.procedure.version, 1);
  const same = ok(await s.as('admin', 'POST', '/api/v1/import', { body: { procedures: [changed] } }));
  assert.equal(same.procedures, 0, 'an unchanged procedure is not a new version');
  const over = await s.as('admin', 'POST', '/api/v1/import', { body: { procedures: [{ ...changed, steps: [{ office: 'TP', days: 4 }] }] } });
  assert.equal(over.status, 400);
  assert.equal(over.json.error.code, 'steps_over_total');
  // The legal time is read by the one amount parser, in thousandths: up to three
  // decimals as written; more is refused, never rounded through a double (1.0005
  // became 1.000 days that way, not 1.001).
  for (const amount of [1.0005, 0.00001, -1, 1000.5, '2']) {
    const bad = await s.as('admin', 'POST', '/api/v1/import', { body: { procedures: [{ ...changed, processing: { unit: 'working_days', amount } }] } });
    assert.equal(bad.status, 400, `amount ${amount}`);
    assert.equal(bad.json.error.code, 'invalid_processing', `amount ${amount}`);
  }
  assert.equal(ok(await s.req('GET', '/api/v1/public/procedures?q=P3')).items[0].version, 2, 'nothing changed');
  for (const amount of [2.5, 1e3, 0.125]) {
    const r = ok(await s.as('admin', 'POST', '/api/v1/import', { body: { procedures: [{ ...changed, steps: [], processing: { unit: 'working_days', amount } }] } }));
    assert.equal(r.procedures, 1, `amount ${amount}`);
  }
});
