// tsan: yes
// Providers that fail, on every channel (docs/notifications.md "How a
// message travels"): the fake SMTP relay, SMS gateway and ZNS each down
// (connection reset), slow (no answer within timeout_s, 3 s here), answering
// garbage or an error status. Each message stays queued with its reason
// (the stable code staff read) and a back-off of 30 s, nothing is sent,
// and meanwhile the counter works at its usual speed: a ticket issued,
// called and finished answer fast while all three providers hold the
// worker's threads. When the providers are fine again, every message goes
// once at its next try.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setClock, ok } from './lib/steps.mjs';
import { startServerWithFakes, stopAll, waitNotification } from './lib/fakes.mjs';

const at = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h - 7, mi) / 1000;
const T0 = at(2027, 3, 1, 9); // a Monday, 09:00 office time

let s, fakes;
before(async () => {
  ({ s, fakes } = await startServerWithFakes({ args: ['--test-clock', '--logins-per-minute', '1000'] }));
  await setClock(s, T0);
});
after(() => stopAll(s, fakes));

const row = (id) => s.sql(`SELECT * FROM notifications WHERE id = ${id}`)[0];
const waitRow = (id, pred, what, ms) => waitNotification(s, id, pred, what, ms);
const fakeOf = { email: () => fakes.smtp, sms: () => fakes.sms, zalo: () => fakes.zns };
let n = 0;
// A test message on channel to a recipient of its own (a recipient's
// messages go in order: one waiting must not hold the next case's).
const send = async (channel) => {
  n++;
  const to = channel === 'email' ? `thu${n}@example.vn` : `09120000${String(n).padStart(2, '0')}`;
  return ok(await s.as('admin', 'POST', '/api/v1/notifications/test', { body: { channel, to } })).notification.id;
};
const received = async (channel, id) => {
  const got = await fakeOf[channel]().got();
  if (channel === 'email') return got.filter((m) => m.messageId === `<notify-${id}@motcua.test>`);
  if (channel === 'sms') return got.filter((m) => m.json?.ma_yc === String(id));
  return got.filter((m) => m.json?.tracking_id === String(id));
};

// What each fault leaves in last_error, per channel (the relay's 5xx would be
// a refusal for good: its temporary failure is a 451).
const CASES = [
  ['email', 'down', /^unreachable: /], ['email', 'garbage', /^(unreachable|bad_answer): /], ['email', '451', /^smtp: the relay answered 451/],
  ['sms', 'down', /^unreachable: /], ['sms', 'garbage', /^bad_answer: /], ['sms', '500', /^http_status: HTTP 500/],
  // 2 MB of answer: only the first 64 KiB are read, so its end (and its JSON) is not.
  ['sms', 'huge', /^bad_answer: /],
  ['zalo', 'down', /^unreachable: /], ['zalo', 'garbage', /^bad_answer: /], ['zalo', '500', /^http_status: HTTP 500/],
];
const queued = [];

for (const [channel, mode, error] of CASES) {
  test(`${channel} ${mode}: queued with its reason and a 30 s back-off, nothing sent`, async () => {
    await fakeOf[channel]().setMode(mode);
    const id = await send(channel);
    const r = await waitRow(id, (x) => x.attempts === 1 && x.state === 'queued', `${channel} ${mode} tried`);
    await fakeOf[channel]().setMode('ok');
    assert.match(r.last_error, error);
    assert.equal(r.not_before, T0 + 30);
    assert.ok(r.provider_answer, 'what was heard is kept');
    assert.ok([...r.provider_answer].length <= 4000, 'cut to the column');
    assert.equal((await received(channel, id)).length, 0);
    queued.push([channel, id]);
  });
}

test('all three providers slow: each message times out after 3 s; the counter answers fast meanwhile', async () => {
  for (const f of [fakes.smtp, fakes.sms, fakes.zns]) await f.setMode('slow', { seconds: 30 });
  const ids = { email: await send('email'), sms: await send('sms'), zalo: await send('zalo') };
  // The worker's three threads are held by the providers now.
  await waitRow(ids.sms, (x) => x.state === 'sending', 'the SMS being sent');
  const ms = [];
  for (const [who, url, body] of [
    ['clerk1', '/api/v1/counters/1/state', { state: 'open' }],
    ['kiosk-1', '/api/v1/tickets', { group: 'CT' }],
    ['clerk1', '/api/v1/counters/1/call', {}],
    ['clerk1', '/api/v1/counters/1/finish', { outcome: 'served' }],
  ]) {
    const r = await s.as(who, 'POST', url, { body });
    assert.ok(r.status === 200 || r.status === 201, `${url}: ${r.status} ${r.text}`);
    ms.push(r.ms);
  }
  assert.ok(Math.max(...ms) < 1000, `the counter answered in ${ms.map(Math.round).join(', ')} ms`);
  for (const [channel, id] of Object.entries(ids)) {
    const r = await waitRow(id, (x) => x.attempts === 1 && x.state === 'queued', `${channel} timed out`, 15000);
    assert.match(r.last_error, /^timeout: no answer within 3 s/, channel);
    assert.ok(r.not_before >= T0 + 30);
    queued.push([channel, id]);
  }
  for (const f of [fakes.smtp, fakes.sms, fakes.zns]) await f.setMode('ok');
});

test('the providers fine again: at the next try every waiting message goes once', async () => {
  assert.equal(queued.length, CASES.length + 3);
  await setClock(s, T0 + 31);
  for (const [channel, id] of queued) {
    const r = await waitRow(id, (x) => x.state === 'sent', `${channel} ${id} sent`);
    assert.equal(r.attempts, 2);
  }
  for (const [channel, id] of queued) assert.equal((await received(channel, id)).length, 1, `${channel} ${id} once`);
});
