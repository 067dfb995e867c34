// The SMS channel end to end (docs/notifications.md "SMS"): the real
// server's worker posts one JSON object per message to the fake brandname
// gateway with the member names the configuration gives (so_dt, noi_dung,
// thuong_hieu, ma_yc here), the phone in the 84… form, the brandname, the
// outbox row's id as the request id and the bearer token. The text keeps its
// diacritics when it fits in 2 Unicode parts and goes without them when it
// needs more (ascii "auto"): the citizen's phone shows it readable either
// way. Success needs the answer's code "00"; the gateway's id is kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ok } from './lib/steps.mjs';
import { startServerWithFakes, stopAll, waitNotification } from './lib/fakes.mjs';

const APPLICANT = { name: 'Hồ Văn Đức', id_number: '045090003333', address: 'Thôn Tân Hòa, xã Tân Lập',
  phone: '0987 654 321', email: 'duc@example.vn' };

let s, fakes;
before(async () => {
  ({ s, fakes } = await startServerWithFakes({
    fakes: { only: ['sms'] },
    settings: { public_url: 'https://dichvucong.example.vn' },
    notifications: { channels: ['sms'], quiet_hours: { from: '00:00', to: '00:00' } },
    args: ['--logins-per-minute', '1000'],
  }));
});
after(() => stopAll(s, fakes));

const waitRow = (id, pred, what, ms) => waitNotification(s, id, pred, what, ms);
// Vietnamese letters without their marks, as a phone without Unicode shows them.
const fold = (t) => t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

test('received: the long text goes without diacritics, to 84…, with the configured field names, brand and request id', async () => {
  const r = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', confirm_duplicate: true,
    applicant: { ...APPLICANT, notify: { channels: ['sms'], any_hour: false } } } }));
  const code = r.dossier.code;
  const [row] = s.sql(`SELECT n.* FROM notifications n JOIN dossiers d ON n.ref_kind = 'dossier' AND n.ref_id = d.id
    WHERE d.code = '${code}' AND n.channel = 'sms'`);
  assert.ok(row, 'an SMS row was written with the intake');
  assert.equal(row.recipient, '84987654321');

  const sms = await fakes.sms.waitFor((m) => m.json?.ma_yc === String(row.id), { what: 'the SMS' });
  assert.deepEqual(Object.keys(sms.json).sort(), ['ma_yc', 'noi_dung', 'so_dt', 'thuong_hieu']);
  assert.equal(sms.json.so_dt, '84987654321');
  assert.equal(sms.json.thuong_hieu, 'TTHCC THU');
  assert.equal(sms.headers.authorization, 'Bearer sms-token-1');
  assert.match(sms.headers['content-type'], /^application\/json/);
  const text = sms.json.noi_dung;
  // Over 2 Unicode parts (134 characters): sent without diacritics, whole.
  assert.ok(text.length > 134, `a long text: ${text.length}`);
  assert.match(text, /^[\x20-\x7e]+$/, `plain ASCII: ${text}`);
  assert.match(text, new RegExp(`da tiep nhan ho so ${code.replace(/\./g, '\\.')} \\(Dang ky ket hon\\)`));
  assert.ok(text.startsWith(fold('Bộ phận Một cửa thử nghiệm')), text);
  assert.ok(text.includes(`secret=${r.secret}`), 'the link with the secret');
  const sent = await waitRow(row.id, (x) => x.state === 'sent', 'the row sent');
  assert.equal(sent.provider_id, sms.smsId);
  assert.match(sent.provider_answer, /^HTTP 200\n\{"code":"00"/);
  assert.equal((await fakes.sms.got()).filter((m) => m.json?.ma_yc === String(row.id)).length, 1, 'sent once');
});

test('a text of 2 Unicode parts keeps its diacritics', async () => {
  const id = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'sms', to: '0912345678' } })).notification.id;
  const sms = await fakes.sms.waitFor((m) => m.json?.ma_yc === String(id), { what: 'the test SMS' });
  assert.equal(sms.json.so_dt, '84912345678');
  assert.ok(sms.json.noi_dung.length <= 134);
  // The admin's check speaks for the province's root office.
  assert.match(sms.json.noi_dung, /^.+: tin nhắn thử của hệ thống một cửa\. Cấu hình kênh gửi đã đúng\.$/);
  assert.equal(sms.json.noi_dung, s.sql(`SELECT body FROM notifications WHERE id = ${id}`)[0].body);
  await waitRow(id, (x) => x.state === 'sent', 'the test row sent');
});

test('a 2xx whose code is not "00" is not a success: the message waits with the gateway\'s words', async () => {
  await fakes.sms.setMode('refused', { next: 1 });
  const id = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'sms', to: '0911111111' } })).notification.id;
  const row = await waitRow(id, (x) => x.attempts === 1 && x.state === 'queued', 'the refused try');
  assert.equal(row.last_error, 'refused: the gateway answered code="05", not "00"');
  assert.match(row.provider_answer, /Brandname not registered/);
  assert.equal((await fakes.sms.got()).filter((m) => m.json?.ma_yc === String(id)).length, 0);
});

test('a gateway url with credentials in it: the audit event of the configuration masks them', async () => {
  const other = await startServerWithFakes({ fakes: { only: ['sms'] }, notifications: { channels: ['sms'], quiet_hours: { from: '00:00', to: '00:00' } } });
  try {
    const url = other.fakes.sms.url.replace('http://', 'http://gw-user:GW-PASS-SECRET@');
    const bundle = { notifications: { sms: { url } } };
    ok(await other.s.as('admin', 'POST', '/api/v1/import', { body: bundle }));
    const events = other.s.sql("SELECT details FROM events WHERE action = 'settings.set' AND entity_id = 'notifications'");
    assert.ok(events.length >= 2, 'the start and the import were recorded');
    const text = JSON.stringify(events);
    assert.doesNotMatch(text, /GW-PASS-SECRET|gw-user/, text);
    assert.equal(JSON.parse(events.at(-1).details).sms.url, url.replace('gw-user:GW-PASS-SECRET', '***'));
    const [cfg] = other.s.sql("SELECT value FROM settings WHERE key = 'notify_config'");
    assert.equal(JSON.parse(cfg.value).sms.url, url, 'the configuration itself keeps the url whole');
  } finally { await stopAll(other.s, other.fakes); }
});
