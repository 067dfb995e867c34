// Feedback in a province of two centres (docs/api.md "Feedback"): the
// centre it belongs to is the one named, else the return centre of the
// dossier it is about, else a kiosk's or clerk's own centre; with neither,
// the page must name one (office_required). A dossier is linked by its code
// and secret (a wrong secret is not found, as an unknown code); staff whose
// scope covers the dossier need no secret, others are refused. A conduct
// report linked to a dossier names the clerk who received it. The tracking
// code is numbered across the province, one day's numbers without a gap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, serveOne } from './lib/harness.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';
import { ok } from './lib/steps.mjs';

const SENDER = { name: 'Lê Thị Thu Trang', address: 'Khu phố 4, Lao Bảo', phone: '0987654321' };
const APPLICANT = { name: 'Lê Thị Thu Trang', id_number: '045191007788', phone: '0987654321' };

let s;
let dossier;
before(async () => {
  s = await startServer({ bundle: PROVINCE_BUNDLE, args: ['--logins-per-minute', '1000'] });
  const r = ok(await s.as('a.clerk', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', applicant: APPLICANT,
    documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }] } }));
  dossier = { code: r.dossier.code, secret: r.secret };
});
after(async () => { if (s) { await s.stop(); s.cleanup(); } });

const pub = (body) => s.req('POST', '/api/v1/public/feedback', { body });
const staff = (who, body) => s.as(who, 'POST', '/api/v1/feedback', { body: { channel: 'counter', ...body } });
const placeOf = (code) => s.sql(`SELECT o.code AS office, u.username AS subject FROM feedback f
  JOIN offices o ON o.id = f.office_id LEFT JOIN users u ON u.id = f.subject_user_id WHERE f.code = '${code}'`)[0];
const count = () => s.sql('SELECT count(*) AS n FROM feedback')[0].n;
const TEXT = 'Cán bộ tiếp nhận yêu cầu bổ sung giấy tờ nhiều lần.';

test('the centre: named, else the dossier\'s, else the caller\'s own, else asked for', async () => {
  const none = await pub({ class: 'other', text: TEXT, sender: SENDER });
  assert.deepEqual([none.status, none.json.error.code, none.json.error.field], [400, 'office_required', 'office']);
  const named = ok(await pub({ class: 'other', text: TEXT, sender: SENDER, office: CENTRE_B }));
  assert.equal(placeOf(named.code).office, CENTRE_B);
  const byKiosk = ok(await s.as('b-kiosk', 'POST', '/api/v1/public/feedback', { body: { class: 'other', text: TEXT, anonymous: true } }));
  assert.equal(placeOf(byKiosk.code).office, CENTRE_B);
  const byClerk = ok(await staff('a.clerk', { class: 'other', text: TEXT, sender: SENDER }));
  assert.equal(placeOf(byClerk.code).office, CENTRE_A);
  // A commune's supervisor types in a phone call: the commune's only centre.
  const bySup = ok(await staff('a.sup', { channel: 'hotline', class: 'other', text: TEXT, sender: SENDER }));
  assert.equal(placeOf(bySup.code).office, CENTRE_A);
  // The province's supervisor sees two centres: asked which.
  const byProv = await staff('prov.sup', { channel: 'hotline', class: 'other', text: TEXT, sender: SENDER });
  assert.equal(byProv.status, 400);
  assert.equal(byProv.json.error.code, 'office_required');
  // Another centre's office is not found for a clerk.
  const other = await staff('b.clerk', { class: 'other', text: TEXT, sender: SENDER, office: CENTRE_A });
  assert.deepEqual([other.status, other.json.error.code], [404, 'office_not_found']);
  // One day's codes across the province, in order, no gap.
  const codes = [named, byKiosk, byClerk].map((f) => f.code);
  assert.deepEqual(codes.map((c) => c.slice(-4)), ['0001', '0002', '0003']);
});

test('a conduct report about a dossier names its receiving clerk; a wrong secret is not found', async () => {
  const n = count();
  const wrong = await pub({ class: 'conduct', text: TEXT, sender: SENDER, dossier_code: dossier.code, dossier_secret: 'WRONGWRONG' });
  assert.deepEqual([wrong.status, wrong.json.error.code], [404, 'dossier_not_found']);
  const noSecret = await pub({ class: 'conduct', text: TEXT, sender: SENDER, dossier_code: dossier.code });
  assert.deepEqual([noSecret.status, noSecret.json.error.code], [404, 'dossier_not_found']);
  // A clerk of the other centre cannot link it without the secret.
  const outside = await staff('b.clerk', { class: 'conduct', text: TEXT, sender: SENDER, dossier_code: dossier.code });
  assert.deepEqual([outside.status, outside.json.error.code], [404, 'dossier_not_found']);
  assert.equal(count(), n, 'a refused link stored a feedback');

  const f = ok(await pub({ class: 'conduct', text: TEXT, sender: SENDER, dossier_code: dossier.code, dossier_secret: dossier.secret }));
  assert.deepEqual(placeOf(f.code), { office: CENTRE_A, subject: 'a.clerk' });
  assert.equal(s.sql(`SELECT d.code FROM feedback f JOIN dossiers d ON d.id = f.dossier_id WHERE f.code = '${f.code}'`)[0].code, dossier.code);
  // Staff of the dossier's centre need no secret; a counter named wins.
  await serveOne(s, 'a.clerk2', 2, 'HT', 'a-kiosk');
  const g = ok(await staff('a.sup', { class: 'conduct', text: TEXT, sender: SENDER, dossier_code: dossier.code, counter: 2 }));
  assert.deepEqual(placeOf(g.code), { office: CENTRE_A, subject: 'a.clerk2' });
  // A procedure question about the dossier names nobody.
  const h = ok(await pub({ class: 'dossier', text: 'Hồ sơ đã quá hẹn chưa trả.', sender: SENDER, dossier_code: dossier.code, dossier_secret: dossier.secret }));
  assert.deepEqual(placeOf(h.code), { office: CENTRE_A, subject: null });
});
