// Telling the citizen on all three channels at once (e-mail, SMS, Zalo ZNS
// through the fakes): a dossier whose applicant accepted all three plans
// exactly three messages per trigger, and each reaches its provider: the
// relay the e-mail with its subject, the gateway the SMS to 84…, and Zalo the
// trigger's template with the facts as template data (code, procedure,
// appointment, items, reason) and the row as tracking id. An applicant who
// accepted Zalo alone gets only Zalo. Quiet hours are none here; the
// server's clock is the real one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { startFakes, SMS_FIELDS, ZALO_TEMPLATES } from './lib/fakes.mjs';

const APPLICANT = { name: 'Hoàng Thị Yến', id_number: '045090006666', address: 'Thôn Xuân Phước, xã Hướng Phùng',
  phone: '0935 666 777', email: 'yen@example.vn', notify: { channels: ['zalo', 'sms', 'email'], any_hour: true } };
let s, fakes, secret;
before(async () => {
  fakes = await startFakes();
  s = await startServer({ bundle: { ...DOSSIER_BUNDLE, settings: { ...DOSSIER_BUNDLE.settings, public_url: 'https://dvc.example.vn' },
    notifications: fakes.config({ sms: { ascii: 'never' } }) } });
});
after(async () => { await s?.stop(); s?.cleanup(); await fakes?.stop(); });

const act = (who, code, action, extra = {}) => s.as(who, 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/actions`, { body: { action, ...extra } });
const rows = (code, trigger) => s.sql(`SELECT n.id, n.channel, n.recipient, n.body, n.subject FROM notifications n JOIN dossiers d
  ON n.ref_kind = 'dossier' AND n.ref_id = d.id WHERE d.code = '${code}' AND n.trigger = '${trigger}' ORDER BY n.channel`);
const office = (t) => { const d = new Date((t + 7 * 3600) * 1000).toISOString(); return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)} ${d.slice(11, 16)}`; };

// The three messages of trigger for code reached their providers; resolves the ZNS request.
async function delivered(code, trigger) {
  const got = rows(code, trigger);
  assert.deepEqual(got.map((m) => [m.channel, m.recipient]), [['email', 'yen@example.vn'], ['sms', '84935666777'], ['zalo', '84935666777']]);
  const byChannel = Object.fromEntries(got.map((m) => [m.channel, m]));
  const mail = await fakes.smtp.waitFor((m) => m.subject === byChannel.email.subject, { what: `the ${trigger} e-mail` });
  assert.deepEqual(mail.rcptTo, ['yen@example.vn']);
  assert.equal(mail.body.trim(), byChannel.email.body.trim());
  const sms = await fakes.sms.waitFor((m) => m.json[SMS_FIELDS.request_id] === String(byChannel.sms.id), { what: `the ${trigger} SMS` });
  assert.equal(sms.json[SMS_FIELDS.text], byChannel.sms.body);
  const zns = await fakes.zns.waitFor((m) => m.json.tracking_id === String(byChannel.zalo.id), { what: `the ${trigger} ZNS` });
  assert.equal(zns.json.phone, '84935666777');
  assert.equal(zns.json.template_id, ZALO_TEMPLATES[trigger]);
  assert.equal(zns.json.template_data.code, code);
  if (trigger !== 'apology') assert.equal(zns.json.template_data.link, `https://dvc.example.vn/status?code=${code}${trigger === 'received' ? '&secret=' + secret : ''}`);
  return zns.json.template_data;
}

test('received and supplement at intake, apology and result ready: three messages each, each delivered with its facts', async () => {
  const r = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', outcome: 'received', confirm_duplicate: true, applicant: APPLICANT } }));
  const code = r.dossier.code;
  secret = r.secret;
  const rec = await delivered(code, 'received');
  assert.equal(rec.procedure, 'Đăng ký kết hôn');
  assert.equal(rec.appointment, office(r.dossier.due_at));
  assert.equal(rec.name, APPLICANT.name);
  ok(await act('clerk1', code, 'handover', { to_office: 'TP', to_person: 'spec' }));
  ok(await act('spec', code, 'request_supplement', { items: [{ item: 'Bản sao sổ hộ khẩu' }, { item: 'Ảnh 3x4', reason: 'Thiếu' }] }));
  assert.equal((await delivered(code, 'supplement')).items, 'Bản sao sổ hộ khẩu; Ảnh 3x4');
  ok(await act('clerk1', code, 'supplement_received'));
  const due = s.sql(`SELECT due_at FROM dossiers WHERE code = '${code}'`)[0].due_at;
  const newDue = due + 3 * 86400;
  ok(await act('sup', code, 'apologize', { reason: 'Chờ ý kiến cơ quan phối hợp', new_due: newDue }));
  const sorry = await delivered(code, 'apology');
  assert.equal(sorry.reason, 'Chờ ý kiến cơ quan phối hợp');
  assert.equal(sorry.appointment, office(newDue));
  ok(await act('spec', code, 'result_ready'));
  await delivered(code, 'result_ready');
  assert.equal(s.sql(`SELECT count(*) AS n FROM notifications n JOIN dossiers d ON n.ref_id = d.id AND n.ref_kind = 'dossier' WHERE d.code = '${code}'`)[0].n, 12);
});

test('Zalo alone: only the ZNS message', async () => {
  const r = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', outcome: 'received', confirm_duplicate: true,
    applicant: { ...APPLICANT, id_number: '045090006667', email: undefined, notify: { channels: ['zalo'], any_hour: true } } } }));
  const got = s.sql(`SELECT id, channel FROM notifications n WHERE n.ref_kind = 'dossier' AND n.ref_id = (SELECT id FROM dossiers WHERE code = '${r.dossier.code}')`);
  assert.deepEqual(got.map((m) => m.channel), ['zalo']);
  await fakes.zns.waitFor((m) => m.json.tracking_id === String(got[0].id), { what: 'the ZNS of the Zalo-only applicant' });
});
