// Telling the citizen in a province of two centres (docs/notifications.md):
// the sender of a feedback who accepted messages (notify, kept in
// feedback.notify) gets the approved answer once (publishing sends nothing
// more); without consent nothing; a consent naming a channel without its
// contact, or on an anonymous report, is refused naming "notify". A
// trigger switched off for an office (or an office above it) sends nothing
// there and still sends at the other centre. What is checked is the
// outbox's rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';
import { startFakes } from './lib/fakes.mjs';

const PUBLIC = 'https://dichvucong.quangtri.example.vn';
const SENDER = { name: 'Hồ Thị Lan', address: 'Thôn Tân Hòa, xã Khe Sanh', phone: '0905 111 222', email: 'lan@example.vn' };
const APPLICANT = { name: 'Phan Văn Dũng', id_number: '045090002222', address: 'Khối 4, Lao Bảo', phone: '0977000111', email: 'dung@example.vn' };
const BOTH = { channels: ['sms', 'email'], any_hour: false };

let s, fakes, names;
before(async () => {
  fakes = await startFakes({ only: ['smtp', 'sms'] });
  s = await startServer({
    bundle: {
      ...PROVINCE_BUNDLE,
      settings: { ...PROVINCE_BUNDLE.settings, public_url: PUBLIC },
      notifications: fakes.config({
        sms: { ascii: 'never' },
        // Lao Bảo's commune (above its centre) sends no receipt; Khe Sanh's
        // centre sends no result_ready, Lao Bảo's centre no feedback answer.
        triggers_off: { 'UB-LB': ['received'], [CENTRE_A]: ['result_ready'], [CENTRE_B]: ['feedback_answered'] },
      }),
    },
    args: ['--logins-per-minute', '1000'],
  });
  names = Object.fromEntries(s.sql('SELECT code, name FROM offices').map((o) => [o.code, o.name]));
});
after(async () => { await s?.stop(); s?.cleanup(); await fakes?.stop(); });

const rows = (kind, code) => s.sql(`SELECT n.trigger, n.channel, n.recipient, n.body, o.code AS office FROM notifications n
  JOIN offices o ON o.id = n.office_id JOIN ${kind === 'feedback' ? 'feedback' : 'dossiers'} x ON x.id = n.ref_id
  WHERE n.ref_kind = '${kind}' AND x.code = '${code}' ORDER BY n.id`);
const file = (body) => s.req('POST', '/api/v1/public/feedback', { body: { class: 'other', text: 'Nhà chờ thiếu ghế ngồi cho người cao tuổi.', ...body } });
const fbAct = (who, code, body) => s.as(who, 'POST', `/api/v1/feedback/${code}/actions`, { body });

test('the approved answer reaches the consenting sender once; publishing sends nothing more', async () => {
  const f = ok(await file({ office: CENTRE_A, sender: SENDER, notify: BOTH }));
  assert.deepEqual(JSON.parse(s.sql(`SELECT notify FROM feedback WHERE code = '${f.code}'`)[0].notify),
    { channels: ['email', 'sms'], any_hour: false });
  assert.deepEqual(rows('feedback', f.code), [], 'nothing on filing');
  ok(await fbAct('a.sup', f.code, { action: 'classify', decision: 'accept' }));
  ok(await fbAct('a.sup', f.code, { action: 'approve', text: 'Trung tâm đã bổ sung 10 ghế chờ.' }));
  const got = rows('feedback', f.code);
  assert.deepEqual(got.map((m) => [m.trigger, m.channel, m.recipient, m.office]).sort(),
    [['feedback_answered', 'email', 'lan@example.vn', CENTRE_A], ['feedback_answered', 'sms', '84905111222', CENTRE_A]]);
  for (const m of got) {
    assert.equal(m.body, `${names[CENTRE_A]}: phản ánh, kiến nghị ${f.code} đã có trả lời. Tra cứu: ${PUBLIC}/status?code=${f.code}`);
  }
  ok(await fbAct('a.sup', f.code, { action: 'publish', question: 'Đề nghị bổ sung ghế ngồi tại nhà chờ.' }));
  assert.equal(rows('feedback', f.code).length, 2);
});

test('a sender without consent gets nothing; a consent that cannot hold is refused naming notify', async () => {
  const f = ok(await file({ office: CENTRE_A, sender: SENDER }));
  ok(await fbAct('a.sup', f.code, { action: 'classify', decision: 'accept' }));
  ok(await fbAct('a.sup', f.code, { action: 'approve', text: 'Đã ghi nhận.' }));
  assert.deepEqual(rows('feedback', f.code), []);
  const count = s.sql('SELECT count(*) AS n FROM feedback')[0].n;
  for (const body of [
    { office: CENTRE_A, sender: { ...SENDER, email: undefined }, notify: { channels: ['email'] } },
    { office: CENTRE_A, sender: SENDER, notify: { channels: ['pigeon'] } },
    { office: CENTRE_A, sender: SENDER, notify: ['sms'] },
    { office: CENTRE_A, anonymous: true, notify: { channels: ['sms'] } },
  ]) {
    const r = await file(body);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'invalid_field');
    assert.equal(r.json.error.field, 'notify');
  }
  assert.equal(s.sql('SELECT count(*) AS n FROM feedback')[0].n, count, 'nothing filed');
});

test('a trigger switched off for an office sends nothing there, and still sends at the other centre', async () => {
  // Lao Bảo: received off (at its commune, above the centre); result_ready on.
  const lb = ok(await s.as('b.clerk', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', outcome: 'received',
    confirm_duplicate: true, applicant: { ...APPLICANT, notify: BOTH } } })).dossier.code;
  assert.deepEqual(rows('dossier', lb), []);
  ok(await s.as('b.clerk', 'POST', `/api/v1/dossiers/${lb}/actions`, { body: { action: 'handover', to_office: 'TP-LB' } }));
  ok(await s.as('b.spec', 'POST', `/api/v1/dossiers/${lb}/actions`, { body: { action: 'result_ready' } }));
  assert.deepEqual(rows('dossier', lb).map((m) => [m.trigger, m.channel, m.office]).sort(),
    [['result_ready', 'email', CENTRE_B], ['result_ready', 'sms', CENTRE_B]]);
  // Khe Sanh: received on, result_ready off.
  const ks = ok(await s.as('a.clerk', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', outcome: 'received',
    confirm_duplicate: true, applicant: { ...APPLICANT, id_number: '045090003333', notify: BOTH } } })).dossier.code;
  assert.deepEqual(rows('dossier', ks).map((m) => [m.trigger, m.channel, m.office]).sort(),
    [['received', 'email', CENTRE_A], ['received', 'sms', CENTRE_A]]);
  assert.ok(rows('dossier', ks)[0].body.startsWith(`${names[CENTRE_A]}: đã tiếp nhận hồ sơ ${ks} (Đăng ký kết hôn).`));
  ok(await s.as('a.clerk', 'POST', `/api/v1/dossiers/${ks}/actions`, { body: { action: 'handover', to_office: 'TP-KS' } }));
  ok(await s.as('a.spec', 'POST', `/api/v1/dossiers/${ks}/actions`, { body: { action: 'result_ready' } }));
  assert.equal(rows('dossier', ks).length, 2, 'no result_ready at Khe Sanh');
  // Lao Bảo's centre answers feedback without a message.
  const f = ok(await file({ office: CENTRE_B, sender: SENDER, notify: BOTH }));
  ok(await fbAct('b.centre.sup', f.code, { action: 'classify', decision: 'accept' }));
  ok(await fbAct('b.centre.sup', f.code, { action: 'approve', text: 'Đã khắc phục.' }));
  assert.deepEqual(rows('feedback', f.code), []);
});
