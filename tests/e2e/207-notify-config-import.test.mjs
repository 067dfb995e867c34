// Importing the "notifications" section (docs/notifications.md "Changing
// the configuration"): it is merged at the top level into what is
// configured (a channel or key absent keeps its value, one set to null is
// removed) and the import's answer names the channels configured now;
// settings a channel's adapter cannot send with are refused at import
// (400 invalid_setting naming the key) and change nothing; the templates'
// example carries no status link while the office has no public_url and
// the link once it has one, with a dossier code in the office's own form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, TEST_BUNDLE } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';
import { startFakes } from './lib/fakes.mjs';

let s, fakes, full;
before(async () => {
  fakes = await startFakes({ only: ['smtp', 'sms', 'zns'] });
  full = fakes.config();
  s = await startServer({ bundle: { ...TEST_BUNDLE, notifications: full } });
});
after(async () => { await s?.stop(); s?.cleanup(); await fakes?.stop(); });

const stored = () => JSON.parse(s.sql("SELECT value FROM settings WHERE key = 'notify_config'")[0].value);
const imp = (notifications) => s.as('admin', 'POST', '/api/v1/import', { body: { notifications } });

test('a section naming one channel keeps the others; null removes a channel; the answer names the channels', async () => {
  assert.deepEqual(Object.keys(stored()).filter((k) => ['email', 'sms', 'zalo'].includes(k)).sort(), ['email', 'sms', 'zalo']);
  const r = ok(await imp({ email: { ...full.email, timeout_s: 7 }, max_attempts: 5 }));
  assert.deepEqual(r.notification_channels, ['email', 'sms', 'zalo']);
  let cfg = stored();
  assert.equal(cfg.email.timeout_s, 7, 'the channel given replaced');
  assert.equal(cfg.max_attempts, 5);
  assert.equal(cfg.sms.url, full.sms.url, 'sms kept');
  assert.equal(cfg.sms.token, full.sms.token, 'its secret kept');
  assert.equal(cfg.zalo.app_id, full.zalo.app_id, 'zalo kept');
  const r2 = ok(await imp({ zalo: null }));
  assert.deepEqual(r2.notification_channels, ['email', 'sms']);
  cfg = stored();
  assert.equal(cfg.zalo, undefined, 'zalo removed');
  assert.equal(cfg.email.timeout_s, 7);
  assert.equal(cfg.max_attempts, 5, 'a key absent keeps its value');
  const t = ok(await s.as('admin', 'GET', '/api/v1/notifications/templates'));
  assert.deepEqual(t.channels, ['email', 'sms']);
});

test('settings the adapter cannot send with are refused at import, naming the key; nothing changes', async () => {
  const before = s.sql("SELECT value FROM settings WHERE key = 'notify_config'")[0].value;
  const cases = [
    [{ email: { url: full.email.url } }, 'email.from'],
    [{ email: { url: full.email.url, from: 'Trung tâm thử nghiệm' } }, 'email.from'],
    [{ email: { url: full.email.url, from: 'Trung tâm <khongtraloi>' } }, 'email.from'],
    [{ email: { from: full.email.from } }, 'email.url'],
    [{ sms: { token: 'x' } }, 'sms.url'],
    [{ zalo: { url: full.zalo.url, app_id: 'a', secret_key: 'k', refresh_token: 'r' } }, 'zalo.token_url'],
    [{ zalo: { url: full.zalo.url, token_url: full.zalo.token_url, secret_key: 'k', refresh_token: 'r' } }, 'zalo.app_id'],
    [{ zalo: { url: full.zalo.url, token_url: full.zalo.token_url, app_id: 'a', refresh_token: 'r' } }, 'zalo.secret_key'],
  ];
  for (const [section, key] of cases) {
    const r = await imp(section);
    assert.equal(r.status, 400, `${JSON.stringify(section)}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_setting', r.text);
    assert.ok(r.text.includes(`notifications.${key}`), `${key} named: ${r.text}`);
  }
  assert.equal(s.sql("SELECT value FROM settings WHERE key = 'notify_config'")[0].value, before, 'nothing changed');
  // "Name <address>" and a bare address are both an address.
  ok(await imp({ email: { ...full.email, from: 'khongtraloi@motcua.test' } }));
  ok(await imp({ email: { ...full.email } }));
});

test('zalo without a refresh token: accepted only when one is stored already', async () => {
  const { refresh_token: _, ...noRefresh } = full.zalo;
  // The bundle seeded one at start: a zalo section without it is accepted.
  const r = ok(await imp({ zalo: noRefresh }));
  assert.deepEqual(r.notification_channels, ['email', 'sms', 'zalo']);
  // A fresh database without any stored refresh token refuses it.
  const t = await startServer({ bundle: { ...TEST_BUNDLE } });
  try {
    const x = await t.as('admin', 'POST', '/api/v1/import', { body: { notifications: { zalo: noRefresh } } });
    assert.equal(x.status, 400, x.text);
    assert.ok(x.text.includes('notifications.zalo.refresh_token'), x.text);
  } finally { await t.stop(); t.cleanup(); }
});

test("the templates' example: no link without public_url, the link with it; the office's dossier code form", async () => {
  const day = new Date(Date.now() + 7 * 3600e3).toISOString();
  const code = `${TEST_BUNDLE.office.code}-${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}-0001`;
  let t = ok(await s.as('admin', 'GET', '/api/v1/notifications/templates'));
  let received = t.triggers.find((x) => x.trigger === 'received');
  assert.ok(received.example.includes(code), received.example);
  assert.doesNotMatch(received.example, /Tra cứu|status\?code/, `no link: ${received.example}`);
  ok(await s.as('admin', 'POST', '/api/v1/import', { body: { settings: { public_url: 'https://dichvucong.example.vn' } } }));
  t = ok(await s.as('admin', 'GET', '/api/v1/notifications/templates'));
  received = t.triggers.find((x) => x.trigger === 'received');
  assert.ok(received.example.includes(`Tra cứu: https://dichvucong.example.vn/status?code=${encodeURIComponent(code)}`), received.example);
});
