// POST /api/v1/dossiers/check: the counter page asks the server before it
// saves. It runs the intake's own checks (the same code: the same error codes
// and fields for every bad body, the same scope rules), gives the appointment
// the intake would give at that instant, and turns a probable duplicate into
// a warning, while writing nothing: no dossier, no event, no daily number.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { PROVINCE_BUNDLE } from './lib/province-bundle.mjs';
import { setClock, ok } from './lib/steps.mjs';

// Monday 2 March 2026, 09:00 office time (UTC+7).
const MONDAY_9 = Date.UTC(2026, 2, 2, 2, 0, 0) / 1000;
const APPLICANT = { name: 'Lê Thị Thu Hà', id_number: '045190001122', address: 'Khóm 3, Khe Sanh', phone: '0912 345 678' };
const GOOD = { procedure: 'P3', outcome: 'received', applicant: APPLICANT, office: 'TT-KS',
  documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }] };

let s;
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE, args: ['--test-clock', '--logins-per-minute', '1000'] });
  await setClock(s, MONDAY_9);
});
after(async () => { await s?.stop(); s?.cleanup(); });

const check = (who, body) => s.as(who, 'POST', '/api/v1/dossiers/check', { body });
const intake = (who, body) => s.as(who, 'POST', '/api/v1/dossiers', { body });
// Every row an intake writes, counted.
const written = () => s.sql("SELECT (SELECT count(*) FROM dossiers) AS dossiers,"
  + " (SELECT count(*) FROM events) AS events,"
  + " (SELECT coalesce(sum(last), 0) FROM dossier_numbers) AS numbers,"
  + " (SELECT count(*) FROM dossier_steps) AS steps")[0];
// dd/mm/yyyy HH:MM of epoch t in office time.
const officeText = (t) => {
  const d = new Date((t + 7 * 3600) * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
};

test('every bad body gets from the check exactly the refusal the intake gives; the check writes nothing', async () => {
  const bTicket = ok(await s.as('b-kiosk', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).ticket.id;
  const { applicant: _, ...noApplicant } = GOOD;
  const cases = [
    ['an empty body', 'a.clerk', {}],
    ['no applicant', 'a.clerk', noApplicant],
    ['no name', 'a.clerk', { ...GOOD, applicant: { id_number: '045190001122' } }],
    ['an ID number of 11 digits', 'a.clerk', { ...GOOD, applicant: { ...APPLICANT, id_number: '04519000112' } }],
    ['a phone that is no Vietnamese number', 'a.clerk', { ...GOOD, applicant: { ...APPLICANT, phone: '+1 202 555 0100' } }],
    ['an e-mail without @', 'a.clerk', { ...GOOD, applicant: { ...APPLICANT, email: 'thuha' } }],
    ['a field the applicant has not', 'a.clerk', { ...GOOD, applicant: { ...APPLICANT, age: 40 } }],
    ['an unknown procedure', 'a.clerk', { ...GOOD, procedure: 'P404' }],
    ['an unknown outcome', 'a.clerk', { ...GOOD, outcome: 'maybe' }],
    ['a supplement with no missing item', 'a.clerk', { ...GOOD, outcome: 'supplement' }],
    ['a refusal without a reason', 'a.clerk', { ...GOOD, outcome: 'refused' }],
    ['zero sets', 'a.clerk', { ...GOOD, sets: 0 }],
    ['confirm_duplicate as text', 'a.clerk', { ...GOOD, confirm_duplicate: 'yes' }],
    ['a ticket that does not exist', 'a.clerk', { ...GOOD, ticket_id: 999999 }],
    ["another centre's ticket", 'a.clerk', { ...GOOD, ticket_id: bTicket }],
    ["another centre as the receiving office", 'a.clerk', { ...GOOD, office: 'TT-LB' }],
    ['a centre as the authority', 'a.clerk', { ...GOOD, authority: 'TT-KS' }],
    ['an authority as the return centre', 'a.clerk', { ...GOOD, return_at: 'UB-KS' }],
    ['a province supervisor naming no centre', 'prov.sup', { ...GOOD, office: undefined }],
  ];
  const before = written();
  for (const [what, who, body] of cases) {
    const c = await check(who, body);
    const i = await intake(who, body);
    assert.ok(i.status >= 400 && i.status < 500, `${what}: the intake refuses (${i.status} ${i.text})`);
    assert.equal(c.status, i.status, `${what}: the same status (check ${c.text}, intake ${i.text})`);
    assert.equal(c.json.error.code, i.json.error.code, `${what}: the same code`);
    assert.equal(c.json.error.field, i.json.error.field, `${what}: the same field`);
    assert.equal(c.json.error.message, i.json.error.message, `${what}: the same words`);
  }
  assert.deepEqual(written(), before, 'nothing written by the checks nor by the refused intakes');
  // The bad field is named for the form to mark.
  const phone = await check('a.clerk', cases[4][2]);
  assert.equal(phone.json.error.code, 'invalid_phone');
  assert.equal(phone.json.error.field, 'applicant.phone');
  assert.match(phone.json.error.message, /Số điện thoại/);
  // Neither a specialist nor a kiosk may ask.
  assert.equal((await check('a.spec', GOOD)).status, 403);
  assert.equal((await s.as('a-kiosk', 'POST', '/api/v1/dossiers/check', { body: GOOD })).status, 403);
});

test("the check's appointment is the intake's at the same instant; a good check takes no number", async () => {
  await setClock(s, MONDAY_9 + 86400); // Tuesday 09:00
  const before = written();
  const c = ok(await check('a.clerk', GOOD));
  assert.equal(c.procedure.code, 'P3');
  assert.equal(c.procedure.name, 'Đăng ký kết hôn');
  assert.deepEqual(c.procedure.processing, { unit: 'working_days', amount: 3 });
  assert.equal(c.form, 'mau-01');
  assert.ok(Number.isInteger(c.due_at) && c.due_at > MONDAY_9 + 86400, `due_at ${c.due_at}`);
  assert.equal(c.due_text, officeText(c.due_at));
  assert.deepEqual(c.warnings, []);
  // Same-day procedure: today, by the office's clock.
  const same = ok(await check('a.clerk', { ...GOOD, procedure: 'PS' }));
  assert.match(same.due_text, /^03\/03\/2026 /);
  // No clock yet for a supplement or a refusal.
  const sup = ok(await check('a.clerk', { ...GOOD, outcome: 'supplement', missing: [{ item: 'Giấy xác nhận tình trạng hôn nhân', reason: 'Chưa có' }] }));
  assert.equal(sup.due_at, null);
  assert.equal(sup.due_text, null);
  assert.equal(sup.form, 'mau-02');
  assert.deepEqual(written(), before, 'the good checks wrote nothing');

  const d = ok(await intake('a.clerk', GOOD)).dossier;
  assert.equal(d.due_at, c.due_at, 'the intake right after gives the appointment the check said');
  assert.match(d.code, /^TT-KS-260303-0001$/, 'the checks took no daily number');
  // Three working days after Tuesday 09:00 is Friday 09:00 at the latest.
  assert.ok(c.due_at <= MONDAY_9 + 4 * 86400, c.due_text);
});

test('a probable duplicate within 30 days is a warning from the check, the same dossier the intake names', async () => {
  const first = ok(await intake('a.clerk', { ...GOOD, applicant: { ...APPLICANT, id_number: '045190009988' } })).dossier;
  const body = { ...GOOD, applicant: { ...APPLICANT, id_number: '045190009988', name: 'Lê Thị Hà' } };
  const before = written();
  const c = ok(await check('a.clerk', body));
  assert.equal(c.warnings.length, 1, JSON.stringify(c.warnings));
  const w = c.warnings[0];
  assert.equal(w.code, 'probable_duplicate');
  assert.equal(w.duplicate_of.code, first.code);
  assert.equal(w.duplicate_of.status, 'received');
  assert.equal(w.duplicate_of.status_text, 'Đã tiếp nhận');
  assert.equal(w.duplicate_of.intake_at, first.intake_at);
  assert.ok(w.message.includes(first.code) && w.message_en.includes(first.code));
  assert.ok(Number.isInteger(c.due_at), 'the appointment is given all the same');
  const refused = await intake('a.clerk', body);
  assert.equal(refused.status, 409);
  assert.deepEqual(refused.json.error.duplicate_of, w.duplicate_of, 'the intake names the same dossier');
  assert.equal(refused.json.error.message, w.message, 'in the same words');
  assert.deepEqual(written(), before);
  // Another centre's clerk is not told of Khe Sanh's dossier.
  const other = ok(await check('b.clerk', { ...body, office: undefined }));
  assert.deepEqual(other.warnings, []);
  // Another procedure is no duplicate; 31 days later neither.
  assert.deepEqual(ok(await check('a.clerk', { ...body, procedure: 'P5' })).warnings, []);
  await setClock(s, MONDAY_9 + 32 * 86400);
  assert.deepEqual(ok(await check('a.clerk', body)).warnings, []);
});
