// The feedback intake cannot be closed by a flood (docs/feedback.md "Spam
// and floods"): the day's tracking numbers go past 9999 (the code gets a
// fifth digit) instead of refusing every filing until midnight; the public
// page and the kiosks together file at most the setting's per_minute across
// the province (429 feedback_busy with Retry-After; a refused form uses none
// of it); attachments from public filings have a daily ceiling of stored
// bytes (429 attachments_quota_full; the same feedback without them is
// taken). Staff entering a call, a letter or the box are held back by
// neither.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request, sqlite } from './lib/harness.mjs';
import { ok } from './lib/steps.mjs';

const servers = [];
after(async () => { for (const s of servers) { await s.stop(); s.cleanup(); } });
const start = async () => { const s = await startServer(); servers.push(s); return s; };

// Writes to the server's database as an operator would with sqlite3 (the
// server reads the setting on each filing).
const write = (s, sql) => sqlite(s.db, sql, { json: false });
const setLimits = (s, v) => write(s, `INSERT INTO settings (key, value) VALUES ('feedback_public_limits', '${JSON.stringify(v)}') ON CONFLICT (key) DO UPDATE SET value = excluded.value`);

const from = (s, addr, body) => request(s.base, 'POST', '/api/v1/public/feedback', { body, localAddress: addr });
const report = (n) => ({ class: 'other', text: `Sảnh chờ thiếu ghế ngồi (${n}).`, anonymous: true });
const png = (n) => ({ name: 'anh.png', type: 'image/png', data: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(n - 8, 7)]).toString('base64') });
const hotline = (n, extra = {}) => ({ class: 'procedure', text: `Gọi đường dây nóng (${n}).`, channel: 'hotline',
  sender: { name: 'Trần Văn Gọi', address: 'Thôn 3, Hướng Tân', phone: '0912345678' }, ...extra });

let s;
before(async () => { s = await start(); });

test('the day numbers past 9999: PA-yymmdd-10000 is filed, followed and found', async () => {
  const first = ok(await from(s, '127.0.0.2', report(1)));
  const m = first.code.match(/^PA-(\d{2})(\d{2})(\d{2})-0001$/);
  assert.ok(m, first.code);
  const day = `20${m[1]}-${m[2]}-${m[3]}`;
  write(s, `UPDATE feedback_numbers SET last = 9998 WHERE day = '${day}'`);
  const a = ok(await from(s, '127.0.0.3', report(2)));
  assert.equal(a.code, `PA-${m[1]}${m[2]}${m[3]}-9999`);
  const b = await from(s, '127.0.0.4', report(3));
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.code, `PA-${m[1]}${m[2]}${m[3]}-10000`);
  const c = ok(await s.as('clerk1', 'POST', '/api/v1/feedback', { body: hotline(4) }));
  assert.equal(c.code, `PA-${m[1]}${m[2]}${m[3]}-10001`);
  // The sender follows it with the code and secret; the supervisor finds it.
  const seen = ok(await request(s.base, 'GET', `/api/v1/public/feedback/${b.json.code}?secret=${b.json.secret}`, { localAddress: '127.0.0.4' }));
  assert.equal(seen.code, b.json.code);
  const staff = ok(await s.as('sup', 'GET', `/api/v1/feedback/${c.code}`));
  assert.equal(staff.code, c.code);
  assert.deepEqual(s.sql(`SELECT code FROM feedback WHERE code LIKE 'PA-%-1000_' ORDER BY id`).map((r) => r.code),
    [b.json.code, c.code]);
});

test('public attachments have a daily ceiling; the feedback without them, and staff entries, are taken', async () => {
  setLimits(s, { per_minute: 1000, attachment_bytes_per_day: 400000 });
  ok(await from(s, '127.0.1.1', { ...report(10), attachments: [png(150000)] }));
  ok(await s.as('kiosk-1', 'POST', '/api/v1/public/feedback', { body: { ...report(11), attachments: [png(200000)] } }));
  const rows = s.sql('SELECT count(*) AS n FROM feedback')[0].n;
  const over = await from(s, '127.0.1.2', { ...report(12), attachments: [png(100000)] });
  assert.deepEqual([over.status, over.json?.error?.code, over.json?.error?.field], [429, 'attachments_quota_full', 'attachments'], over.text);
  const wait = Number(over.headers['retry-after']);
  assert.ok(wait >= 1 && wait <= 86400, `Retry-After ${over.headers['retry-after']}`);
  assert.match(over.json.error.message, /tệp đính kèm/);
  const atKiosk = await s.as('kiosk-1', 'POST', '/api/v1/public/feedback', { body: { ...report(13), attachments: [png(100000)] } });
  assert.deepEqual([atKiosk.status, atKiosk.json?.error?.code], [429, 'attachments_quota_full']);
  assert.equal(s.sql('SELECT count(*) AS n FROM feedback')[0].n, rows, 'a refused filing was stored');
  // The same citizen files without the photo; a clerk keeps a letter's scan.
  ok(await from(s, '127.0.1.2', report(12)));
  const letter = ok(await s.as('clerk1', 'POST', '/api/v1/feedback', { body: hotline(14, { channel: 'letter', attachments: [png(300000)] }) }));
  const stored = s.sql(`SELECT f.channel, sum(ff.size) AS bytes FROM feedback f JOIN feedback_files ff ON ff.feedback_id = f.id GROUP BY f.channel ORDER BY f.channel`);
  assert.deepEqual(stored, [{ channel: 'kiosk', bytes: 200000 }, { channel: 'letter', bytes: 300000 }, { channel: 'web', bytes: 150000 }]);
  assert.equal(s.sql(`SELECT count(*) AS n FROM feedback_files ff JOIN feedback f ON f.id = ff.feedback_id WHERE f.code = '${letter.code}'`)[0].n, 1);
});

test('public filings have a province-wide ceiling per minute; refused forms and staff entries are not counted', async () => {
  const t = await start();
  setLimits(t, { per_minute: 5 });
  // A form refused for a missing identity uses none of the minute's room.
  for (let i = 0; i < 3; i++) {
    const bad = await from(t, `127.0.2.${i + 1}`, { class: 'other', text: 'Thiếu ghế.' });
    assert.deepEqual([bad.status, bad.json.error.code], [400, 'sender_identity_required']);
  }
  for (let i = 1; i <= 4; i++) ok(await from(t, `127.0.3.${i}`, report(20 + i)));
  ok(await t.as('kiosk-1', 'POST', '/api/v1/public/feedback', { body: report(25) }));
  const busy = await from(t, '127.0.3.9', report(26));
  assert.deepEqual([busy.status, busy.json?.error?.code], [429, 'feedback_busy'], busy.text);
  const wait = Number(busy.headers['retry-after']);
  assert.ok(wait >= 1 && wait <= 60, `Retry-After ${busy.headers['retry-after']}`);
  assert.doesNotMatch(busy.json.error.message, /[a-z]+_[a-z]+/, 'a machine word in the Vietnamese message');
  const kiosk = await t.as('kiosk-1', 'POST', '/api/v1/public/feedback', { body: report(27) });
  assert.deepEqual([kiosk.status, kiosk.json?.error?.code], [429, 'feedback_busy']);
  // The clerk taking calls is not held back.
  for (let i = 0; i < 3; i++) ok(await t.as('clerk1', 'POST', '/api/v1/feedback', { body: hotline(30 + i) }));
  assert.deepEqual(t.sql(`SELECT channel, count(*) AS n FROM feedback GROUP BY channel ORDER BY channel`),
    [{ channel: 'hotline', n: 3 }, { channel: 'kiosk', n: 1 }, { channel: 'web', n: 4 }]);
});
