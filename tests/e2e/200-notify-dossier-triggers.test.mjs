// Telling the citizen, the dossier's triggers (docs/notifications.md), on a
// test clock with e-mail and SMS configured (the fakes) and Zalo not: the
// intake's consent (applicant.notify) is checked and kept in dossiers.notify;
// each change plans exactly one message per consented configured channel in
// its own transaction, with the text the citizen reads: the centre's name,
// the code, the procedure, the appointment dd/mm/yyyy HH:MM office time,
// every missing item "; "-joined, the apology's reason and new appointment,
// and the status link (with the secret only at intake). No consent, or only
// a channel not configured: nothing. What is checked is the outbox's rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/harness.mjs';
import { setClock, ok } from './lib/steps.mjs';
import { DOSSIER_BUNDLE } from './lib/dossier-bundle.mjs';
import { startFakes } from './lib/fakes.mjs';

// Office time (UTC+7) to epoch seconds, and back to dd/mm/yyyy HH:MM.
const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const office = (t) => {
  const d = new Date((t + 7 * 3600) * 1000).toISOString();
  return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)} ${d.slice(11, 16)}`;
};
const PUBLIC = 'https://dichvucong.example.vn';
const APPLICANT = { name: 'Lê Văn Thành', id_number: '045090001111', address: 'Khóm 3, thị trấn Khe Sanh',
  phone: '0912 345 678', email: 'thanh@example.vn' };
const BOTH = { channels: ['sms', 'email'], any_hour: false };

let s, fakes, centre;
before(async () => {
  fakes = await startFakes();
  s = await startServer({
    bundle: {
      ...DOSSIER_BUNDLE,
      settings: { ...DOSSIER_BUNDLE.settings, public_url: `${PUBLIC}/` },
      // SMS in Unicode whatever its length: the text is compared as written.
      notifications: fakes.config({ channels: ['sms', 'email'], sms: { ascii: 'never' } }),
    },
    args: ['--test-clock', '--logins-per-minute', '1000'],
  });
  centre = s.sql("SELECT name FROM offices WHERE code = '000.00.19.H47'")[0].name;
});
after(async () => { await s?.stop(); s?.cleanup(); await fakes?.stop(); });

const intake = (extra = {}, applicant = {}) => s.as('clerk1', 'POST', '/api/v1/dossiers',
  { body: { procedure: 'P3', applicant: { ...APPLICANT, ...applicant }, outcome: 'received', confirm_duplicate: true, ...extra } });
const act = (who, code, action, extra = {}) => s.as(who, 'POST', `/api/v1/dossiers/${encodeURIComponent(code)}/actions`, { body: { action, ...extra } });
// The dossier's messages in the order they were planned.
const messages = (code) => s.sql(`SELECT n.id, n.trigger, n.channel, n.recipient, n.body, n.subject, n.office_id, n.created_by
  FROM notifications n JOIN dossiers d ON n.ref_kind = 'dossier' AND n.ref_id = d.id WHERE d.code = '${code}' ORDER BY n.id`);
const ofTrigger = (code, trigger) => messages(code).filter((m) => m.trigger === trigger);
// One message per consented channel, each with the same text: returns it.
function onePerChannel(list, trigger) {
  assert.deepEqual(list.map((m) => [m.trigger, m.channel, m.recipient]).sort(),
    [[trigger, 'email', 'thanh@example.vn'], [trigger, 'sms', '84912345678']], JSON.stringify(list));
  assert.equal(list[0].body, list[1].body);
  return list[0].body;
}

test('received at intake: one SMS and one e-mail with the centre, code, procedure, appointment and the link with the secret', async () => {
  await setClock(s, at(2026, 3, 2, 10)); // Monday 10:00
  const r = ok(await intake({ applicant: { ...APPLICANT, notify: BOTH } }));
  const code = r.dossier.code;
  const [row] = s.sql(`SELECT notify, applicant FROM dossiers WHERE code = '${code}'`);
  assert.deepEqual(JSON.parse(row.notify), { channels: ['email', 'sms'], any_hour: false });
  assert.equal(JSON.parse(row.applicant).notify, undefined, 'the consent is kept apart from the applicant');
  const body = onePerChannel(messages(code), 'received');
  assert.equal(r.dossier.due_at, at(2026, 3, 5, 10));
  assert.equal(body, `${centre}: đã tiếp nhận hồ sơ ${code} (Đăng ký kết hôn). Hẹn trả kết quả 05/03/2026 10:00. `
    + `Tra cứu: ${PUBLIC}/status?code=${code}&secret=${r.secret}`);
  const mail = messages(code).find((m) => m.channel === 'email');
  assert.equal(mail.subject, `Đã tiếp nhận hồ sơ ${code}`);
  assert.ok(messages(code).every((m) => m.created_by === 'user:' + s.sql("SELECT id FROM users WHERE username = 'clerk1'")[0].id));
  // The secret is not kept in the row's fields (only in the text sent).
  const data = s.sql(`SELECT data FROM notifications WHERE id = ${mail.id}`)[0].data;
  assert.equal(JSON.parse(data).secret, undefined);
});

test('no consent, or only a channel not configured: no message, the consent still kept', async () => {
  const none = ok(await intake()).dossier.code;
  assert.deepEqual(messages(none), []);
  assert.equal(s.sql(`SELECT notify FROM dossiers WHERE code = '${none}'`)[0].notify, null);
  const empty = ok(await intake({ applicant: { ...APPLICANT, notify: { channels: [], any_hour: false } } })).dossier.code;
  assert.deepEqual(messages(empty), []);
  const zalo = ok(await intake({ applicant: { ...APPLICANT, notify: { channels: ['zalo'], any_hour: false } } })).dossier.code;
  assert.deepEqual(messages(zalo), [], 'Zalo is not configured here');
  assert.deepEqual(JSON.parse(s.sql(`SELECT notify FROM dossiers WHERE code = '${zalo}'`)[0].notify).channels, ['zalo']);
  // Only the e-mail consented: only the e-mail.
  const mail = ok(await intake({ applicant: { ...APPLICANT, notify: { channels: ['email'] } } })).dossier.code;
  assert.deepEqual(messages(mail).map((m) => [m.trigger, m.channel]), [['received', 'email']]);
});

test('a consent that cannot hold is refused at intake, naming the field, and nothing is stored', async () => {
  const before = s.sql('SELECT (SELECT count(*) FROM dossiers) AS d, (SELECT count(*) FROM notifications) AS n')[0];
  const cases = [
    [{ ...APPLICANT, notify: { channels: ['fax'] } }],
    [{ ...APPLICANT, notify: 'yes' }],
    [{ ...APPLICANT, notify: { channels: 'sms' } }],
    [{ ...APPLICANT, email: undefined, notify: { channels: ['email'] } }],
    [{ ...APPLICANT, phone: undefined, notify: { channels: ['sms'] } }],
  ];
  for (const [applicant] of cases) {
    const r = await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: { procedure: 'P3', applicant, outcome: 'received', confirm_duplicate: true } });
    assert.equal(r.status, 400, JSON.stringify(applicant.notify) + r.text);
    assert.equal(r.json.error.code, 'invalid_field');
    assert.equal(r.json.error.field, 'applicant.notify', r.text);
  }
  // The check route says the same before saving.
  const chk = await s.as('clerk1', 'POST', '/api/v1/dossiers/check',
    { body: { procedure: 'P3', applicant: { ...APPLICANT, phone: undefined, notify: { channels: ['zalo'] } }, outcome: 'received' } });
  assert.equal(chk.status, 400);
  assert.equal(chk.json.error.field, 'applicant.notify');
  assert.deepEqual(s.sql('SELECT (SELECT count(*) FROM dossiers) AS d, (SELECT count(*) FROM notifications) AS n')[0], before);
});

test('supplement at intake lists every item; the supplement completing it says received with the appointment, without the secret', async () => {
  await setClock(s, at(2026, 3, 9, 9)); // Monday 09:00
  const missing = [{ item: 'Tờ khai đăng ký kết hôn', reason: 'Chưa ký' }, { item: 'Bản sao căn cước', reason: 'Mờ' },
    { item: 'Giấy xác nhận tình trạng hôn nhân' }];
  const r = ok(await intake({ outcome: 'supplement', missing, applicant: { ...APPLICANT, notify: BOTH } }));
  const code = r.dossier.code;
  const sup = onePerChannel(messages(code), 'supplement');
  assert.equal(sup, `${centre}: hồ sơ ${code} cần bổ sung: Tờ khai đăng ký kết hôn; Bản sao căn cước; `
    + `Giấy xác nhận tình trạng hôn nhân. Tra cứu: ${PUBLIC}/status?code=${code}&secret=${r.secret}`);
  await setClock(s, at(2026, 3, 10, 14)); // Tuesday 14:00: complete at last, the clock starts
  const back = ok(await act('clerk1', code, 'supplement_received'));
  assert.equal(back.dossier.due_at, at(2026, 3, 13, 14));
  const rec = onePerChannel(ofTrigger(code, 'received'), 'received');
  assert.equal(rec, `${centre}: đã tiếp nhận hồ sơ ${code} (Đăng ký kết hôn). Hẹn trả kết quả ${office(back.dossier.due_at)}. `
    + `Tra cứu: ${PUBLIC}/status?code=${code}`);
  assert.equal(messages(code).length, 4);
});

test('in processing: a supplement request, its return (nothing), the apology and the result ready, each once per channel', async () => {
  await setClock(s, at(2026, 3, 16, 10)); // Monday
  const code = ok(await intake({ applicant: { ...APPLICANT, notify: BOTH } })).dossier.code;
  ok(await act('clerk1', code, 'handover', { to_office: 'TP', to_person: 'spec' }));
  await setClock(s, at(2026, 3, 17, 9));
  const items = [{ item: 'Bản sao giấy khai sinh', reason: 'Thiếu' }, { item: 'Ảnh 4x6' }];
  ok(await act('spec', code, 'request_supplement', { items }));
  assert.equal(onePerChannel(ofTrigger(code, 'supplement'), 'supplement'),
    `${centre}: hồ sơ ${code} cần bổ sung: Bản sao giấy khai sinh; Ảnh 4x6. Tra cứu: ${PUBLIC}/status?code=${code}`);
  await setClock(s, at(2026, 3, 18, 9));
  ok(await act('clerk1', code, 'supplement_received'));
  assert.equal(ofTrigger(code, 'received').length, 2, 'the clock restarting is no new receipt');
  const sorry = ok(await act('sup', code, 'apologize', { reason: 'Cần xác minh thêm tại địa phương', new_due: '2026-03-27T15:30+07:00' }));
  assert.ok(sorry.dossier);
  assert.equal(onePerChannel(ofTrigger(code, 'apology'), 'apology'),
    `${centre} xin lỗi: hồ sơ ${code} chưa giải quyết kịp hạn. Lý do: Cần xác minh thêm tại địa phương. Hẹn lại: 27/03/2026 15:30.`);
  ok(await act('spec', code, 'result_ready'));
  assert.equal(onePerChannel(ofTrigger(code, 'result_ready'), 'result_ready'),
    `${centre}: hồ sơ ${code} đã có kết quả, mời ông/bà đến nhận. Tra cứu: ${PUBLIC}/status?code=${code}`);
  ok(await act('clerk1', code, 'return_result', { collected_by: APPLICANT.name, id_checked: true }));
  assert.deepEqual(messages(code).map((m) => m.trigger), ['received', 'received', 'supplement', 'supplement',
    'apology', 'apology', 'result_ready', 'result_ready'], 'returning the result sends nothing');
  // Each planned message has its event in the chain, naming no recipient.
  for (const m of messages(code)) {
    const ev = s.sql(`SELECT action, details FROM events WHERE entity = 'notification' AND entity_id = '${m.id}'`);
    assert.equal(ev.length >= 1, true);
    assert.equal(ev[0].action, 'notification.queued');
    assert.ok(!ev[0].details.includes('thanh@example.vn') && !ev[0].details.includes('912345678'));
  }
});

test('a refused intake sends nothing, even with consent', async () => {
  const r = ok(await intake({ outcome: 'refused', reason: 'Không thuộc thẩm quyền', applicant: { ...APPLICANT, notify: BOTH } }));
  assert.deepEqual(messages(r.dossier.code), []);
});
