// The outbox across a crash (docs/notifications.md): a message is a row
// written in the transaction of its change, sent afterwards by the worker,
// so a kill -9 between the commit and the send loses nothing and invents
// nothing. Three ways to be between the commit and the send, each ended by
// kill -9 and a restart:
//   - the message waits for the end of quiet hours (queued at 22:00, the
//     server killed at once, restarted; at 07:00 it goes: one SMS);
//   - the gateway was down at its first try (queued for a retry with back-off,
//     killed, restarted with the gateway up: one SMS, attempts 2);
//   - the server is killed while the gateway holds the request (the row is
//     'sending'): at restart it is queued again and sent; the gateway saw the
//     same request id twice, so a provider can drop the duplicate
//     (at-least-once, the row id is the request id).
// "Exactly once" is checked after a later message to the same phone came
// through: the worker sends a phone's messages in order, so every earlier
// send was over by then.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setClock, ok } from './lib/steps.mjs';
import { startServerWithFakes, stopAll, waitUntil as waitFor } from './lib/fakes.mjs';

// Office time (UTC+7) to epoch seconds. The instants lie ahead of the real
// clock, which the server runs on between a restart and the next setClock.
const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const PHONE = '0912 345 678';
const INTL = '84912345678';

let s, fakes;
before(async () => {
  ({ s, fakes } = await startServerWithFakes({
    fakes: { only: ['sms'] }, notifications: { channels: ['sms'] },
    args: ['--test-clock', '--logins-per-minute', '1000'],
  }));
});
after(() => stopAll(s, fakes));

const row = (id) => s.sql(`SELECT * FROM notifications WHERE id = ${id}`)[0];
// The SMS the gateway accepted for row id, and every request it saw for it.
const accepted = async (id) => (await fakes.sms.got()).filter((m) => m.json?.ma_yc === String(id));
const requested = async (id) => (await fakes.sms.seen()).filter((m) => m.json?.ma_yc === String(id));

// A dossier received with consent to SMS: its "received" message's row id.
async function intake(anyHour) {
  const r = ok(await s.as('clerk1', 'POST', '/api/v1/dossiers', { body: {
    procedure: 'P3', outcome: 'received', confirm_duplicate: true,
    applicant: { name: 'Lê Văn Thành', id_number: '045090001111', address: 'Khe Sanh', phone: PHONE,
      notify: { channels: ['sms'], any_hour: anyHour } } } }));
  const rows = s.sql(`SELECT n.id FROM notifications n JOIN dossiers d ON n.ref_kind = 'dossier'
    AND n.ref_id = d.id WHERE d.code = '${r.dossier.code}' AND n.trigger = 'received'`);
  assert.equal(rows.length, 1, 'one SMS planned in the intake');
  return { id: rows[0].id, code: r.dossier.code };
}
// Sends a later message to the same phone and waits until it went: every
// earlier message of the phone is over by then (per-recipient order).
async function barrier() {
  const t = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'sms', to: PHONE } }));
  await fakes.sms.waitFor((m) => m.json?.ma_yc === String(t.notification.id), { what: 'the later test SMS' });
}
async function restart(t) {
  await s.start();
  s.tokens = {};
  await setClock(s, t);
}

test('queued for the end of quiet hours, kill -9, restart: at 07:00 exactly one SMS', async () => {
  await setClock(s, at(2027, 3, 1, 22)); // Monday 22:00
  const { id, code } = await intake(false);
  assert.equal(row(id).not_before, at(2027, 3, 2, 7));
  await s.kill9();
  assert.equal(row(id).state, 'queued', 'the row survived the crash');
  await restart(at(2027, 3, 2, 6, 59));
  // A test message to another phone goes through at once: the worker
  // looked, and this phone's message is not due yet. (One to the same phone
  // would wait behind it.)
  const probe = ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel: 'sms', to: '0905000111' } }));
  await fakes.sms.waitFor((m) => m.json?.ma_yc === String(probe.notification.id), { what: 'the probe at 06:59' });
  assert.equal(row(id).state, 'queued');
  assert.deepEqual(await accepted(id), []);
  await setClock(s, at(2027, 3, 2, 7));
  const sms = await fakes.sms.waitFor((m) => m.json?.ma_yc === String(id), { what: 'the received SMS at 07:00' });
  assert.equal(sms.json.so_dt, INTL);
  assert.ok(sms.json.noi_dung.includes(code), sms.json.noi_dung);
  await barrier();
  assert.equal((await accepted(id)).length, 1, 'sent exactly once');
  assert.equal(row(id).state, 'sent');
  assert.equal(row(id).attempts, 1);
  assert.equal(row(id).sent_at, at(2027, 3, 2, 7));
});

test('the gateway down at the first try, kill -9, restart with it up: exactly one SMS after the back-off', async () => {
  const t0 = at(2027, 3, 2, 9);
  await setClock(s, t0);
  await fakes.sms.setMode('down');
  const { id } = await intake(false);
  await waitFor(() => row(id).attempts === 1 && row(id).state === 'queued', 'the first try failed');
  assert.equal(row(id).not_before, t0 + 30, 'retried after 30 s');
  assert.ok(row(id).last_error, 'the failure is recorded');
  await s.kill9();
  await fakes.sms.setMode('ok');
  await restart(t0 + 29);
  assert.equal(row(id).state, 'queued');
  await setClock(s, t0 + 30);
  await fakes.sms.waitFor((m) => m.json?.ma_yc === String(id), { what: 'the SMS after restart' });
  await barrier();
  assert.equal((await accepted(id)).length, 1, 'sent exactly once');
  assert.equal(row(id).state, 'sent');
  assert.equal(row(id).attempts, 2);
});

test('killed while the gateway holds the request: queued again at start and sent; the same request id both times', async () => {
  const t0 = at(2027, 3, 2, 10);
  await setClock(s, t0);
  await fakes.sms.setMode('slow', { seconds: 60 });
  const { id } = await intake(true);
  await waitFor(() => row(id).state === 'sending', 'the row is sending');
  await waitFor(async () => (await requested(id)).length === 1, 'the gateway holds the request');
  await s.kill9();
  assert.equal(row(id).state, 'sending', 'the crash left it sending');
  await fakes.sms.setMode('ok');
  await restart(t0 + 5);
  await fakes.sms.waitFor((m) => m.json?.ma_yc === String(id), { what: 'the SMS sent again after restart' });
  await barrier();
  assert.equal(row(id).state, 'sent');
  assert.equal(row(id).attempts, 2);
  const seen = await requested(id);
  assert.equal(seen.length, 2, 'one request before the crash, one after');
  assert.equal(seen[0].json.ma_yc, seen[1].json.ma_yc);
  assert.equal(seen[0].json.noi_dung, seen[1].json.noi_dung);
  const recovered = s.sql("SELECT details FROM events WHERE action = 'notification.recovered' ORDER BY id DESC LIMIT 1");
  assert.deepEqual(JSON.parse(recovered[0].details), { count: 1 });
});
