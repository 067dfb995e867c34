// The Zalo ZNS channel end to end (docs/notifications.md "Zalo ZNS"): the
// real server's worker sends a template message to the fake ZNS — phone in
// the 84… form, the trigger's template id, the message's fields as template
// data, the outbox row's id as tracking id — with the access token in its
// header. The token: got with the bundle's refresh token at the first send;
// when Zalo answers -124 (expired), refreshed with the stored refresh token
// and the message sent once more; Zalo's refresh token changes at every
// refresh and an old one is refused, so the new one must be in
// notify_tokens, and still be there after a restart (the next refresh uses
// it, not the bundle's).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ok } from './lib/steps.mjs';
import { startServerWithFakes, stopAll, waitNotification, ZALO_TEMPLATES } from './lib/fakes.mjs';

const APPLICANT = { name: 'Trần Thị Mỹ Lệ', id_number: '045090004444', address: 'Khóm 5, thị trấn Lao Bảo',
  phone: '0905 123 456' };

let s, fakes, zns;
before(async () => {
  ({ s, fakes } = await startServerWithFakes({
    fakes: { only: ['zns'], zns: { refreshToken: 'rt-bundle' } },
    settings: { public_url: 'https://dichvucong.example.vn' },
    notifications: { channels: ['zalo'], quiet_hours: { from: '00:00', to: '00:00' } },
    args: ['--logins-per-minute', '1000'],
  }));
  zns = fakes.zns.fake;
});
after(() => stopAll(s, fakes));

const waitRow = (id, pred, what, ms) => waitNotification(s, id, pred, what, ms);
const stored = () => s.sql("SELECT access_token, refresh_token FROM notify_tokens WHERE provider = 'zalo'")[0];
const sendsOf = (id) => zns.requests.filter((q) => q.json?.tracking_id === String(id));
// A refresh asked straight from the fake, as the server would.
const tryRefresh = async (rt) => {
  const r = await fetch(zns.tokenUrl, { method: 'POST', headers: { secret_key: 'zalo-secret', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ app_id: 'app-1', grant_type: 'refresh_token', refresh_token: rt }) });
  return r.json();
};

test('received: the template message with its data and tracking id; the first token from the bundle\'s refresh token', async () => {
  assert.equal(stored().refresh_token, 'rt-bundle', 'the bundle seeded the refresh token');
  const r = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', confirm_duplicate: true,
    applicant: { ...APPLICANT, notify: { channels: ['zalo'], any_hour: true } } } }));
  const code = r.dossier.code;
  const [row] = s.sql(`SELECT n.* FROM notifications n JOIN dossiers d ON n.ref_kind = 'dossier' AND n.ref_id = d.id
    WHERE d.code = '${code}' AND n.channel = 'zalo'`);
  assert.ok(row, 'a Zalo row was written with the intake');
  const msg = await fakes.zns.waitFor((m) => m.json.tracking_id === String(row.id), { what: 'the ZNS message' });
  assert.deepEqual(Object.keys(msg.json).sort(), ['phone', 'template_data', 'template_id', 'tracking_id']);
  assert.equal(msg.json.phone, '84905123456');
  assert.equal(msg.json.template_id, ZALO_TEMPLATES.received);
  assert.equal(msg.json.template_data.code, code);
  assert.equal(msg.json.template_data.name, APPLICANT.name);
  assert.equal(msg.json.template_data.procedure, 'Đăng ký kết hôn');
  assert.equal(msg.json.template_data.secret, undefined, 'the secret is not a template field');
  // One refresh, with the bundle's token, before the first send.
  assert.equal(zns.refreshes.length, 1);
  assert.equal(zns.refreshes[0].form.refresh_token, 'rt-bundle');
  assert.equal(zns.refreshes[0].headers.secret_key, 'zalo-secret');
  assert.equal(zns.refreshes[0].form.app_id, 'app-1');
  assert.equal(msg.accessToken, zns.refreshes[0].accessToken);
  const sent = await waitRow(row.id, (x) => x.state === 'sent', 'the row sent');
  assert.equal(sent.provider_id, msg.msgId);
  // Both new tokens stored: the spent refresh token is refused by Zalo now.
  assert.deepEqual(stored(), { access_token: zns.accessTokens[0], refresh_token: zns.refreshToken });
  assert.notEqual(zns.refreshToken, 'rt-bundle');
  assert.equal((await tryRefresh('rt-bundle')).error, -14014);
});

test('an expired access token: -124, refreshed with the stored refresh token, sent once more; the new tokens stored', async () => {
  const before1 = stored();
  const sentBefore = (await fakes.zns.got()).length;
  await fakes.zns.expire();
  const id = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'zalo', to: '0905123456' } })).notification.id;
  await waitRow(id, (x) => x.state === 'sent', 'sent after the refresh');
  const tries = sendsOf(id);
  assert.equal(tries.length, 2, 'the expired try and the one after the refresh');
  assert.equal(tries[0].accessToken, before1.access_token);
  assert.match(tries[0].answer, /"error":-124/);
  assert.equal(tries[1].status, 200);
  assert.equal(tries[1].json.template_id, ZALO_TEMPLATES.test);
  const last = zns.refreshes.at(-1);
  assert.equal(last.form.refresh_token, before1.refresh_token, 'the refresh used the stored token');
  assert.ok(last.ok);
  assert.equal(tries[1].accessToken, last.accessToken);
  assert.deepEqual(stored(), { access_token: last.accessToken, refresh_token: last.refreshToken });
  assert.equal((await fakes.zns.got()).length, sentBefore + 1, 'one message more');
});

test('after a restart the stored refresh token is the one used (the fake refuses any other)', async () => {
  const kept = stored();
  await s.restart();
  assert.deepEqual(stored(), kept, 'the tokens survive the restart');
  await fakes.zns.expire();
  const refreshesBefore = zns.refreshes.length;
  const id = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'zalo', to: '0905123456' } })).notification.id;
  await waitRow(id, (x) => x.state === 'sent', 'sent after the restart and a refresh');
  const used = zns.refreshes.slice(refreshesBefore);
  assert.deepEqual(used.map((x) => [x.form.refresh_token, x.ok]), [[kept.refresh_token, true]]);
  assert.equal(stored().refresh_token, zns.refreshToken);
});

test('a token endpoint answering tokens with a fault: no token shown back to anyone, the new refresh token kept', async () => {
  // A recipient each: an earlier message still queued to the same phone goes first.
  for (const [quirk, to] of [['empty-refresh', '0905123461'], ['500-with-tokens', '0905123462'], ['crlf-access', '0905123463']]) {
    await fakes.zns.expire();
    zns.setTokenQuirk(quirk);
    const refreshesBefore = zns.refreshes.length;
    const id = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'zalo', to } })).notification.id;
    const row = await waitRow(id, (x) => x.attempts >= 1 && x.state !== 'sending' && zns.refreshes.length > refreshesBefore, `the try after ${quirk}`);
    assert.notEqual(row.state, 'sent', quirk);
    assert.match(row.last_error, /^token_refresh:/, quirk);
    assert.match(row.provider_answer, /token: HTTP (200|500)/, quirk);
    const seen = [JSON.stringify(row), (await s.as('admin', 'GET', `/api/v1/notifications/${id}`)).text,
      (await s.as('admin', 'GET', '/api/v1/notifications')).text,
      JSON.stringify(s.sql('SELECT action, details FROM events'))].join('\n');
    assert.doesNotMatch(seen, /SECRET/, `${quirk}: a token shows in a row, an answer or an event`);
    // The refresh token Zalo answered with is the one stored (the old one is spent).
    assert.equal(stored().refresh_token, zns.refreshToken, quirk);
    assert.doesNotMatch(stored().access_token, /[\r\n]/, quirk);
  }
  // And the next refresh, with the kept token, works.
  await fakes.zns.expire();
  const id = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'zalo', to: '0905123464' } })).notification.id;
  await waitRow(id, (x) => x.state === 'sent', 'sent after the faults with the kept refresh token');
});
