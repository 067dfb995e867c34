// The e-mail channel end to end (docs/notifications.md "E-mail"): a dossier
// received with the applicant's consent by e-mail leaves through the real
// server's worker to the fake SMTP relay, logged in with the configured
// account; the relay gets one message to the applicant, from the centre's
// address, whose decoded Subject and body are the Vietnamese texts of the
// outbox row (RFC 2047 subject, base64 UTF-8 body), with Date, MIME headers
// and the Message-ID <notify-ROW@domain> kept as the row's provider id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ok } from './lib/steps.mjs';
import { startServerWithFakes, stopAll, waitNotification } from './lib/fakes.mjs';

const APPLICANT = { name: 'Nguyễn Thị Ánh Tuyết', id_number: '045090002222', address: 'Khóm 2, thị trấn Khe Sanh',
  phone: '0912 345 678', email: 'anh.tuyet@example.vn' };

let s, fakes;
before(async () => {
  ({ s, fakes } = await startServerWithFakes({
    fakes: { only: ['smtp'] },
    settings: { public_url: 'https://dichvucong.example.vn' },
    // No quiet hours (from = to): the test runs at any hour of the real clock.
    notifications: { channels: ['email'], quiet_hours: { from: '00:00', to: '00:00' } },
    args: ['--logins-per-minute', '1000'],
  }));
});
after(() => stopAll(s, fakes));

const waitRow = (id, pred, what, ms) => waitNotification(s, id, pred, what, ms);

test('received: one e-mail to the applicant with the Vietnamese subject and text, decoded as sent', async () => {
  const r = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', confirm_duplicate: true,
    applicant: { ...APPLICANT, notify: { channels: ['email'], any_hour: false } } } }));
  const code = r.dossier.code;
  const [row] = s.sql(`SELECT n.* FROM notifications n JOIN dossiers d ON n.ref_kind = 'dossier' AND n.ref_id = d.id
    WHERE d.code = '${code}' AND n.channel = 'email'`);
  assert.ok(row, 'an e-mail row was written with the intake');
  assert.equal(row.recipient, APPLICANT.email);
  assert.match(row.subject, /[ĐđÃãếệ]|hồ sơ/i, 'the subject is Vietnamese');
  assert.match(row.body, /đã tiếp nhận hồ sơ/);

  const mail = await fakes.smtp.waitFor((m) => m.messageId === `<notify-${row.id}@motcua.test>`, { what: 'the e-mail' });
  // The envelope and the login.
  assert.equal(mail.mailFrom, 'khongtraloi@motcua.test');
  assert.deepEqual(mail.rcptTo, [APPLICANT.email]);
  assert.equal(mail.auth, null, 'no login configured: none sent (a login needs STARTTLS)');
  // The headers, decoded: the citizen's mail program shows these.
  assert.equal(mail.subject, row.subject);
  assert.match(mail.rawHeaders.Subject, /^=\?UTF-8\?B\?/, 'the subject is RFC 2047 encoded');
  assert.equal(mail.to, `<${APPLICANT.email}>`);
  assert.equal(mail.from, 'Trung tâm Phục vụ hành chính công thử nghiệm <khongtraloi@motcua.test>');
  assert.equal(mail.headers['mime-version'], '1.0');
  assert.equal(mail.headers['content-type'], 'text/plain; charset=UTF-8');
  assert.equal(mail.headers['content-transfer-encoding'], 'base64');
  assert.ok(Math.abs(Date.parse(mail.date) - Date.now()) < 120000, `a current Date: ${mail.date}`);
  // The body: the row's text, with its link and the secret given at intake.
  assert.equal(mail.body.replace(/\r\n/g, '\n').trimEnd(), row.body);
  assert.ok(mail.body.includes(code));
  assert.ok(mail.body.includes(`secret=${r.secret}`));
  // Recorded as sent with the Message-ID and the relay's answer.
  const sent = await waitRow(row.id, (x) => x.state === 'sent', 'the row sent');
  assert.equal(sent.provider_id, `<notify-${row.id}@motcua.test>`);
  assert.match(sent.provider_answer, /^SMTP 250/);
  assert.match(sent.provider_answer, /queued as Q\d+/);
  assert.equal(sent.attempts, 1);
  assert.equal((await fakes.smtp.got()).filter((m) => m.messageId === sent.provider_id).length, 1, 'sent once');
});

test('the relay answers 451 at the end of the message: it waits and is tried again; a 550 for the recipient: dead at once', async () => {
  await fakes.smtp.setMode('451');
  const a = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'email', to: 'kiem.tra@example.vn' } })).notification.id;
  const ra = await waitRow(a, (x) => x.attempts === 1 && x.state === 'queued', 'the first try refused for now');
  assert.match(ra.last_error, /^smtp: the relay answered 451/);
  assert.match(ra.provider_answer, /451 4\.3\.0 Try again later/);
  assert.ok(ra.not_before >= Math.floor(Date.now() / 1000) + 20, 'a back-off of about 30 s before the next try');

  await fakes.smtp.setMode('500');
  const b = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'email', to: 'khong.co@example.vn' } })).notification.id;
  const rb = await waitRow(b, (x) => x.state === 'dead', 'the refused recipient dead');
  assert.equal(rb.attempts, 1);
  assert.match(rb.last_error, /^bad_recipient: the relay refused the recipient \(550\)/);
  assert.match(rb.provider_answer, /550 5\.1\.1 Mailbox unavailable/);
  await fakes.smtp.setMode('ok');
  assert.equal((await fakes.smtp.got()).filter((m) => /kiem\.tra|khong\.co/.test(m.rcptTo.join())).length, 0);
});

test('a login configured and a relay offering no STARTTLS: the password is never sent, the row waits with tls_required', async () => {
  const other = await startServerWithFakes({
    fakes: { only: ['smtp'], smtp: { username: 'relay-user', password: 'RELAY-PASS-SECRET' } },
    notifications: { channels: ['email'], quiet_hours: { from: '00:00', to: '00:00' } },
  });
  try {
    const id = ok(await other.s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'email', to: 'a@example.vn' } })).notification.id;
    const row = await waitNotification(other.s, id, (x) => x.attempts >= 1 && x.state !== 'sending', 'the try');
    assert.equal(row.state, 'queued', 'it waits (the relay may be fixed)');
    assert.match(row.last_error, /^tls_required:/);
    const sessions = other.fakes.smtp.fake.sessions;
    assert.ok(sessions.length >= 1, 'the relay was reached');
    assert.ok(!sessions.some((x) => (x.lines ?? []).some((l) => /^AUTH/i.test(l))), `no AUTH reached the relay: ${JSON.stringify(sessions)}`);
    assert.equal(other.fakes.smtp.messages?.length ?? 0, 0);
    assert.doesNotMatch(JSON.stringify(row), /RELAY-PASS-SECRET/);
  } finally { await stopAll(other.s, other.fakes); }
});
