// Messages to citizens, the staff's routes in a province of two centres
// (docs/api.md "Notifications"): each centre's messages are its own (a
// supervisor of Khe Sanh lists, reads and resends Khe Sanh's, and Lao Bảo's
// are "not found" for him, whatever the filter); the province's supervisor
// sees both; the list filters by state, trigger, channel and the dossier's
// code; the templates route shows each trigger's text and an example with
// the caller's centre, and the channels configured by name only (no secret
// anywhere in any answer); the admin's test message goes out by the channel
// asked and reaches the fake gateway. Bad filters are 400 and change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PROVINCE_BUNDLE, CENTRE_A, CENTRE_B } from './lib/province-bundle.mjs';
import { startServerWithFakes, stopAll, waitUntil as waitFor } from './lib/fakes.mjs';

const PUBLIC = 'https://dichvucong.quangtri.example.vn';
const enc = encodeURIComponent;
let s, fakes;
const made = {};

const applicant = (name, phone, email) => ({ name, id_number: `04519${phone.slice(-7)}`, address: 'Quảng Trị', phone, email,
  notify: { channels: ['sms'], any_hour: true } });
async function intake(clerk, centre, authority, a) {
  const r = await s.as(clerk, 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', office: centre, authority, return_at: centre, applicant: a,
    documents: [{ name: 'Tờ khai đăng ký kết hôn', kind: 'original', count: 1 }], sets: 1, outcome: 'received' } });
  assert.equal(r.status, 201, r.text);
  return r.json.dossier.code;
}
const rowsOf = (code) => s.sql(`SELECT n.id, n.channel, n.state FROM notifications n JOIN dossiers d
  ON n.ref_kind = 'dossier' AND n.ref_id = d.id WHERE d.code = '${code}' ORDER BY n.id`);

before(async () => {
  ({ s, fakes } = await startServerWithFakes({
    bundle: PROVINCE_BUNDLE, settings: { public_url: PUBLIC },
    fakes: { only: ['smtp', 'sms'] }, notifications: { channels: ['sms', 'email'] },
    args: ['--logins-per-minute', '1000'],
  }));
  made.a = await intake('a.clerk', CENTRE_A, 'UB-KS', applicant('Lê Văn Sanh', '0916888999', 'sanh@example.vn'));
  made.b = await intake('b.clerk', CENTRE_B, 'UB-LB', applicant('Hồ Thị Lao', '0915777888', 'lao@example.vn'));
  // Every message sent (both channels up): nothing changes under the test.
  await waitFor(() => [...rowsOf(made.a), ...rowsOf(made.b)].every((m) => m.state === 'sent')
    && rowsOf(made.a).length === 1 && rowsOf(made.b).length === 1, 'the two messages sent');
  // And a test message of the province (no centre's).
  const t = await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'sms', to: '0903000999' } });
  assert.equal(t.status, 201, t.text);
  made.provinceRow = t.json.notification.id;
  await waitFor(() => s.sql(`SELECT state FROM notifications WHERE id = ${made.provinceRow}`)[0].state === 'sent', 'the test message sent');
  made.aRows = rowsOf(made.a).map((m) => m.id);
  made.bRows = rowsOf(made.b).map((m) => m.id);
});
after(() => stopAll(s, fakes));

test("a centre's supervisor lists his centre's messages only; the province's sees both", async () => {
  const mine = await s.as('a.sup', 'GET', '/api/v1/notifications?limit=200');
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(mine.json.items.map((m) => m.id).sort(), [...made.aRows].sort());
  assert.equal(mine.json.total, 1);
  const m = mine.json.items.find((x) => x.channel === 'sms');
  assert.equal(m.office.code, CENTRE_A);
  assert.equal(m.trigger, 'received');
  assert.deepEqual(m.ref, { kind: 'dossier', code: made.a });
  assert.equal(m.recipient, '84916888999');
  assert.equal(m.state, 'sent');
  assert.equal(m.attempts, 1);
  assert.ok(m.provider_answer.includes('00'), m.provider_answer);
  assert.match(m.body, /^Trung tam Phuc vu hanh chinh cong xa Khe Sanh: da tiep nhan ho so /);
  // Filters, and B's office or B's dossier code find nothing.
  for (const [q, n] of [['channel=sms', 1], ['channel=email', 0], ['state=sent', 1], ['state=dead', 0], ['trigger=received', 1],
    ['trigger=test', 0], [`ref=${enc(made.a)}`, 1], [`ref=${enc(made.b)}`, 0], ['limit=1', 1]]) {
    const r = await s.as('a.sup', 'GET', `/api/v1/notifications?${q}`);
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    assert.equal(r.json.total, n, q);
    assert.ok(r.json.items.every((x) => made.aRows.includes(x.id)), q);
  }
  const other = await s.as('a.sup', 'GET', `/api/v1/notifications?office=${CENTRE_B}`);
  assert.equal(other.status, 404, other.text);
  assert.equal(other.json.error.code, 'office_not_found');
  const all = await s.as('prov.sup', 'GET', '/api/v1/notifications?limit=200');
  assert.deepEqual(all.json.items.map((x) => x.id).sort((x, y) => x - y),
    [...made.aRows, ...made.bRows, made.provinceRow].sort((x, y) => x - y));
  assert.deepEqual(all.json.items.map((x) => x.id), [...all.json.items.map((x) => x.id)].sort((x, y) => y - x), 'newest first');
  const onlyB = await s.as('prov.sup', 'GET', `/api/v1/notifications?office=${CENTRE_B}`);
  assert.deepEqual(onlyB.json.items.map((x) => x.id).sort(), [...made.bRows].sort());
});

test("another centre's message is not found: read, resend", async () => {
  const before = s.sql('SELECT count(*) AS n FROM notifications')[0].n;
  for (const id of made.bRows) {
    const g = await s.as('a.sup', 'GET', `/api/v1/notifications/${id}`);
    assert.equal(g.status, 404, g.text);
    assert.equal(g.json.error.code, 'notification_not_found');
    const r = await s.as('a.sup', 'POST', `/api/v1/notifications/${id}/resend`, { body: {} });
    assert.equal(r.status, 404, r.text);
  }
  // A clerk may not read the outbox at all.
  assert.equal((await s.as('a.clerk', 'GET', '/api/v1/notifications')).status, 403);
  assert.equal((await s.as('a.clerk', 'GET', `/api/v1/notifications/${made.aRows[0]}`)).status, 403);
  assert.equal(s.sql('SELECT count(*) AS n FROM notifications')[0].n, before, 'nothing was queued');
  // His own: read, and resent (a new row, sent again).
  const own = await s.as('a.sup', 'GET', `/api/v1/notifications/${made.aRows[0]}`);
  assert.equal(own.status, 200, own.text);
  assert.equal(own.json.notification.id, made.aRows[0]);
  // The province's test message is not his either.
  assert.equal((await s.as('a.sup', 'GET', `/api/v1/notifications/${made.provinceRow}`)).status, 404);
  const r = await s.as('a.sup', 'POST', `/api/v1/notifications/${made.aRows[0]}/resend`, { body: {} });
  assert.equal(r.status, 201, r.text);
  const again = r.json.notification;
  assert.equal(again.resend_of, made.aRows[0]);
  assert.equal(again.body, own.json.notification.body);
  assert.equal(again.recipient, own.json.notification.recipient);
  assert.equal(again.created_by, 'user:' + s.sql("SELECT id FROM users WHERE username = 'a.sup'")[0].id);
  await waitFor(() => s.sql(`SELECT state FROM notifications WHERE id = ${again.id}`)[0].state === 'sent', 'the resent message sent');
  const twice = await s.as('a.sup', 'POST', `/api/v1/notifications/${again.id}/resend`, { body: {} });
  assert.equal(twice.status, 201, 'a sent message may be resent again');
});

test('bad filters and ids: 400, nothing changes', async () => {
  for (const q of ['state=lost', 'trigger=birthday', 'channel=fax', 'limit=0', 'limit=1000', 'offset=-1', 'limit=abc']) {
    const r = await s.as('a.sup', 'GET', `/api/v1/notifications?${q}`);
    assert.equal(r.status, 400, `${q}: ${r.text}`);
  }
  for (const id of ['0', 'abc', '-3', '99999999999999999999']) {
    const r = await s.as('a.sup', 'GET', `/api/v1/notifications/${id}`);
    assert.equal(r.status, 400, `${id}: ${r.text}`);
  }
  assert.equal((await s.as('a.sup', 'GET', '/api/v1/notifications/999999')).status, 404);
});

test("templates: each trigger's text and an example in the caller's centre; channels by name, no secret", async () => {
  const r = await s.as('a.clerk', 'GET', '/api/v1/notifications/templates');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.channels, ['email', 'sms']);
  assert.deepEqual(r.json.quiet_hours, { from: '21:00', to: '07:00' });
  const received = r.json.triggers.find((t) => t.trigger === 'received');
  assert.equal(received.text, '{office}: đã tiếp nhận hồ sơ {code} ({procedure}). Hẹn trả kết quả {appointment}.[ Tra cứu: {link}]');
  assert.match(received.example, /^Trung tâm Phục vụ hành chính công xã Khe Sanh: đã tiếp nhận hồ sơ /);
  assert.ok(received.example.includes(`${PUBLIC}/status?code=`), received.example);
  const b = await s.as('b.clerk', 'GET', '/api/v1/notifications/templates');
  assert.match(b.json.triggers[0].example, /^Trung tâm Phục vụ hành chính công xã Lao Bảo/);
  assert.deepEqual(r.json.triggers.map((t) => t.trigger), ['received', 'supplement', 'apology', 'result_ready', 'reminder',
    'booking_confirmed', 'booking_reminder', 'booking_cancelled', 'feedback_answered', 'test']);
  for (const t of r.json.triggers) assert.ok(t.example && !t.example.includes('{'), `${t.trigger}: ${t.example}`);
  // No secret of the configuration in any answer a staff member gets.
  for (const who of ['admin', 'prov.sup', 'a.sup', 'a.clerk']) {
    for (const p of ['/api/v1/notifications/templates', '/api/v1/notifications?limit=200']) {
      const x = await s.as(who, 'GET', p);
      for (const secret of ['relay-pass', 'sms-token-1']) assert.ok(!x.text.includes(secret), `${who} ${p} shows ${secret}`);
    }
  }
});

test("the admin's test message goes out by the channel asked; a channel not configured is refused", async () => {
  const r = await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'sms', to: '0903 111 222' } });
  assert.equal(r.status, 201, r.text);
  const n = r.json.notification;
  assert.equal(n.trigger, 'test');
  assert.equal(n.recipient, '84903111222');
  assert.equal(n.ref, null);
  const sms = await fakes.sms.waitFor((x) => x.json?.ma_yc === String(n.id), { what: 'the test SMS' });
  assert.equal(sms.json.so_dt, '84903111222');
  assert.match(sms.json.noi_dung, /^Tỉnh Quảng Trị: tin nhắn thử/);
  const mail = await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'email', to: 'kiemtra@example.vn' } });
  assert.equal(mail.status, 201, mail.text);
  await fakes.smtp.waitFor((x) => x.rcptTo?.includes('kiemtra@example.vn'), { what: 'the test e-mail' });
  const before = s.sql('SELECT count(*) AS n FROM notifications')[0].n;
  for (const [body, status, code] of [
    [{ channel: 'zalo', to: '0903111222' }, 409, 'channel_not_configured'],
    [{ channel: 'fax', to: '0903111222' }, 400, 'invalid_field'],
    [{ channel: 'sms', to: '12345' }, 400, 'invalid_field'],
    [{ channel: 'email', to: 'not-an-address' }, 400, 'invalid_field'],
    [{ channel: 'sms' }, 400, 'invalid_field'],
    [{ channel: 'sms', to: '0903111222', extra: 1 }, 400, 'unknown_field'],
  ]) {
    const x = await s.as('admin', 'POST', '/api/v1/notifications/test', { body });
    assert.equal(x.status, status, `${JSON.stringify(body)}: ${x.text}`);
    assert.equal(x.json.error.code, code);
  }
  assert.equal((await s.as('a.sup', 'POST', '/api/v1/notifications/test', { body: { channel: 'sms', to: '0903111222' } })).status, 403);
  assert.equal(s.sql('SELECT count(*) AS n FROM notifications')[0].n, before, 'the refusals queued nothing');
});
