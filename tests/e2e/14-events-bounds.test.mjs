// tsan: yes
// The event stream's bounds: what one stream, one token, one address and all
// streams together may cost the server, and what the public may see of a
// priority ticket (that it is one, never its class).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startServer, openCounter, subscribe, TEST_BUNDLE } from './lib/harness.mjs';

// Sixteen display devices: enough tokens to reach the per-address cap.
const BOARDS = Array.from({ length: 16 }, (_, i) => `wall-${i + 1}`);
const PER_TOKEN = 8;
const PER_ADDRESS = 64;

let s;
before(async () => {
  const bundle = { ...TEST_BUNDLE, devices: [...TEST_BUNDLE.devices, ...BOARDS.map((name) => ({ kind: 'display', name }))] };
  s = await startServer({ bundle, args: ['--heartbeat-ms', '300'] });
  await openCounter(s, 'clerk1', 1);
  await openCounter(s, 'clerk2', 3);
});
after(async () => { await s.stop(); s.cleanup(); });

const deltas = (evs) => evs.filter((e) => e.event !== 'snapshot');
const until = async (pred, what, ms = 20000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const subscribers = async () => (await s.req('GET', '/healthz')).json.subscribers;
const noStreams = () => until(async () => (await subscribers()) === 0, 'every stream closed');

// An event stream opened from a given loopback address (Linux routes all of
// 127/8 to lo). Resolves the status and headers; the stream stays open until
// close(). A refused one is read to its end.
function rawStream(token, { localAddress = '127.0.0.1', lastEventId } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { Authorization: `Bearer ${token}` };
    if (lastEventId !== undefined) headers['Last-Event-ID'] = String(lastEventId);
    let body = '';
    let snapshot = false;
    const req = http.request(new URL('/api/v1/events', s.base), { headers, agent: false, localAddress }, (res) => {
      res.setEncoding('utf8');
      const out = { status: res.statusCode, headers: res.headers, close: () => req.destroy() };
      if (res.statusCode !== 200) {
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve({ ...out, json: JSON.parse(body) }));
        return;
      }
      res.on('data', (c) => {
        if (snapshot) return;
        body += c;
        if (/event: snapshot\n/.test(body)) { snapshot = true; body = ''; resolve(out); }
      });
      res.on('error', () => {});
    });
    req.on('error', reject);
    req.end();
  });
}

// Issues n tickets at the kiosk, ten requests at a time.
async function issue(n, body = { group: 'CT' }) {
  for (let done = 0; done < n; done += 10) {
    const rs = await Promise.all(Array.from({ length: Math.min(10, n - done) }, () => s.as('kiosk-1', 'POST', '/api/v1/tickets', { body })));
    assert.ok(rs.every((r) => r.status === 201), 'tickets issued');
  }
}

// The queue JSON without the office's catalogue of priority classes (the
// kiosk offers them; naming a class there says nothing about anybody).
const withoutCatalogue = (snap) => { const c = { ...snap }; delete c.priority_classes; return JSON.stringify(c); };

test('the public and the devices see that a ticket is a priority one, never its class', async () => {
  const board = subscribe(s, s.devices['board-1']);
  await board.until((e) => e.length >= 1);
  const issued = await s.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'HT', priority: 'disability' } });
  assert.equal(issued.status, 201);
  const id = issued.json.ticket.id;
  const call = await s.as('clerk2', 'POST', '/api/v1/counters/3/call');
  assert.equal(call.status, 200);
  assert.equal(call.json.ticket.id, id);
  assert.equal(call.json.ticket.priority, 'disability', 'the clerk still sees the class');
  await board.until((e) => deltas(e).some((x) => x.event === 'ticket.called'));
  for (const e of board.events) {
    const text = e.event === 'snapshot' ? withoutCatalogue(e.json) : e.data;
    assert.doesNotMatch(text, /disability/, `${e.event} shows the class`);
  }
  const calledDelta = deltas(board.events).find((x) => x.event === 'ticket.called');
  assert.equal(calledDelta.json.ticket.priority, true);
  board.close();

  // A board connecting now: the snapshot shows counter 3 serving a priority ticket.
  const late = subscribe(s, s.devices['board-1']);
  await late.until((e) => e.length >= 1);
  const serving = late.events[0].json.counters.find((c) => c.no === 3).serving;
  assert.equal(serving.id, id);
  assert.equal(serving.priority, true);
  assert.doesNotMatch(withoutCatalogue(late.events[0].json), /disability/);
  late.close();

  // Anonymous: the queue, the public ticket, and no stream at all.
  const q = await s.req('GET', '/api/v1/queue');
  assert.equal(q.status, 200);
  assert.equal(q.json.counters.find((c) => c.no === 3).serving.priority, true);
  assert.doesNotMatch(withoutCatalogue(q.json), /disability/);
  const pub = await s.req('GET', `/api/v1/public/tickets/${id}`);
  assert.equal(pub.status, 200);
  assert.equal(pub.json.priority, true);
  assert.doesNotMatch(pub.text, /disability/);
  const anon = await s.req('GET', '/api/v1/events');
  assert.equal(anon.status, 401);
  assert.doesNotMatch(anon.text, /disability/);
  await s.as('clerk2', 'POST', '/api/v1/counters/3/finish');
  await noStreams();
});

test('a reconnect far behind gets a snapshot, not a long replay', async () => {
  const first = subscribe(s, s.devices['board-1']);
  await first.until((e) => e.length >= 1);
  const before = first.events[0].id;
  first.close();
  await issue(250);
  const late = subscribe(s, s.devices['board-1'], { lastEventId: before });
  await late.until((e) => e.some((x) => x.event === 'snapshot'));
  assert.equal(late.events[0].event, 'snapshot', `replayed ${deltas(late.events).length} events first`);
  assert.ok(late.events[0].id >= before + 250);
  assert.equal(late.events[0].json.groups.find((g) => g.code === 'CT').waiting >= 250, true);
  late.close();
  // A few events behind is still a replay without loss.
  const mid = subscribe(s, s.devices['board-1']);
  await mid.until((e) => e.length >= 1);
  const at = mid.events[0].id;
  mid.close();
  await issue(3);
  const near = subscribe(s, s.devices['board-1'], { lastEventId: at });
  await near.until((e) => e.some((x) => x.event === 'snapshot'));
  assert.deepEqual(near.events.map((e) => e.event), ['ticket.issued', 'ticket.issued', 'ticket.issued', 'snapshot']);
  near.close();
  await noStreams();
});

test('streams per token and per address are capped with 429 and Retry-After', async () => {
  const open = [];
  for (let i = 0; i < PER_TOKEN; i++) open.push(await rawStream(s.devices['wall-1']));
  assert.ok(open.every((o) => o.status === 200));
  const over = await rawStream(s.devices['wall-1']);
  assert.equal(over.status, 429);
  assert.equal(over.json.error.code, 'too_many_streams');
  assert.ok(Number(over.headers['retry-after']) > 0);
  // Another token from the same address is still served...
  for (let t = 2; t <= PER_ADDRESS / PER_TOKEN; t++) {
    for (let i = 0; i < PER_TOKEN; i++) open.push(await rawStream(s.devices[`wall-${t}`]));
  }
  assert.equal(open.length, PER_ADDRESS);
  assert.ok(open.every((o) => o.status === 200));
  // ...until the address has its fill: then even a fresh token waits,
  const full = await rawStream(s.devices['wall-9']);
  assert.equal(full.status, 429);
  assert.equal(full.json.error.code, 'too_many_streams');
  // while another address is served.
  const other = await rawStream(s.devices['wall-9'], { localAddress: '127.0.0.2' });
  assert.equal(other.status, 200);
  other.close();
  for (const o of open) o.close();
  await noStreams();
  const again = await rawStream(s.devices['wall-1']);
  assert.equal(again.status, 200, 'closed streams free their places');
  again.close();
  await noStreams();
});

test('a stream that never reads is dropped while the others keep receiving', async () => {
  const reader = subscribe(s, s.devices['board-1']);
  await reader.until((e) => e.length >= 1);
  // A raw socket that sends its request and then never reads a byte.
  const stuck = net.connect({ host: '127.0.0.1', port: s.port });
  await new Promise((r) => stuck.once('connect', r));
  stuck.write(`GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${s.devices['wall-2']}\r\n\r\n`);
  stuck.pause();
  await until(async () => (await subscribers()) === 2, 'both streams open');
  // Events until the server lets the stuck one go (bounded: 4,000 tickets).
  let sent = 0;
  while ((await subscribers()) === 2) {
    assert.ok(sent < 4000, 'the stuck stream was never dropped');
    await issue(50);
    sent += 50;
  }
  assert.equal(await subscribers(), 1);
  const firstId = reader.events[0].id;
  await reader.until((e) => deltas(e).length >= sent, 20000);
  const ids = deltas(reader.events).map((e) => e.id);
  assert.equal(ids.length, sent, 'the reading stream lost nothing');
  assert.ok(ids.every((id, i) => id > (i ? ids[i - 1] : firstId)));
  stuck.destroy();
  reader.close();
  await noStreams();
});

// The server's resident memory, in MB.
const rss = () => Number(readFileSync(`/proc/${s.proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
// Sanitizer runtimes keep freed memory in quarantine: no RSS figure there.
const sanitized = () => /lib(asan|tsan)/.test(readFileSync(`/proc/${s.proc.pid}/maps`, 'utf8'));

test('memory comes back after many replaying streams close', async (t) => {
  if (sanitized()) { t.skip('sanitizer build: freed memory sits in quarantine'); return; }
  // Over a thousand stream events in the store: a replay from 0 would be
  // hundreds of kilobytes per stream.
  const have = s.sql('SELECT count(*) AS n FROM events WHERE stream = 1')[0].n;
  if (have < 1200) await issue(1200 - have);
  // Streams come and go all day: one has come and gone already.
  const one = await rawStream(s.devices['wall-1'], { lastEventId: 0 });
  one.close();
  await noStreams();
  const start = rss();
  const bound = 24; // MB, for 128 streams: a fifth of a megabyte each
  const streams = [];
  // Sixteen tokens, eight streams each, from two addresses.
  for (let a = 0; a < 2; a++) {
    for (let i = 0; i < PER_ADDRESS; i++) {
      const token = s.devices[BOARDS[a * 8 + Math.floor(i / PER_TOKEN)]];
      streams.push(rawStream(token, { localAddress: `127.0.0.${a + 2}`, lastEventId: 0 }));
    }
  }
  const opened = await Promise.all(streams);
  assert.ok(opened.every((o) => o.status === 200), 'every stream opened');
  const during = rss();
  t.diagnostic(`RSS start ${start.toFixed(1)} MB, with ${opened.length} streams ${during.toFixed(1)} MB`);
  assert.ok(during <= start + bound, `RSS ${during.toFixed(1)} MB with ${opened.length} streams, from ${start.toFixed(1)} MB`);
  for (const o of opened) o.close();
  await noStreams();
  // Freed buffers go back to the system within a few heartbeats.
  let after;
  await until(() => { after = rss(); return after <= start + bound; }, `RSS back within ${bound} MB of ${start.toFixed(1)} MB (now ${after?.toFixed(1)} MB)`, 15000);
  t.diagnostic(`RSS after they closed ${after.toFixed(1)} MB`);
});

// A server whose heartbeat is far away: what happens here does not wait for it.
async function quietServer() {
  const bundle = { ...TEST_BUNDLE, devices: [...TEST_BUNDLE.devices, ...BOARDS.map((name) => ({ kind: 'display', name }))] };
  const q = await startServer({ bundle, args: ['--heartbeat-ms', '600000'] });
  const open = (token) => new Promise((resolve, reject) => {
    const req = http.request(new URL('/api/v1/events', q.base), { headers: { Authorization: `Bearer ${token}` }, agent: false }, (res) => {
      res.resume();
      res.on('error', () => {});
      resolve({ status: res.statusCode, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
  const count = async () => (await q.req('GET', '/healthz')).json.subscribers;
  return { q, open, count };
}

test('a closed stream gives its place back at once, not at the next heartbeat', async () => {
  const { q, open, count } = await quietServer();
  try {
    const board = q.devices['board-1'];
    // A hall board reloaded eight times: each reload closed its stream.
    for (let i = 0; i < PER_TOKEN; i++) {
      const o = await open(board);
      assert.equal(o.status, 200);
      o.close();
    }
    // Its next stream is accepted within two seconds (the heartbeat is ten minutes off).
    const t0 = Date.now();
    let next;
    await until(async () => { next = await open(board); if (next.status !== 200) next.close(); return next.status === 200; }, 'the board\'s next stream accepted', 2000);
    next.close();
    // And the server forgets the closed ones by itself.
    await until(async () => (await count()) === 0, '/healthz subscribers back to 0', 5000);
    assert.ok(Date.now() - t0 < 10000);
  } finally {
    await q.stop();
    q.cleanup();
  }
});

test('many streams closed together are all forgotten within seconds', async () => {
  const { q, open, count } = await quietServer();
  try {
    const opened = [];
    for (let t = 1; t <= 4; t++) {
      for (let i = 0; i < PER_TOKEN; i++) opened.push(await open(q.devices[`wall-${t}`]));
    }
    assert.ok(opened.every((o) => o.status === 200));
    assert.equal(await count(), opened.length);
    for (const o of opened) o.close();
    await until(async () => (await count()) === 0, '/healthz subscribers back to 0', 5000);
    for (let t = 1; t <= 4; t++) {
      const o = await open(q.devices[`wall-${t}`]);
      assert.equal(o.status, 200, 'each token may stream again');
      o.close();
    }
  } finally {
    await q.stop();
    q.cleanup();
  }
});

test('a staff stream ends at its next event once its session has idled out', async () => {
  const q = await startServer({ args: ['--test-clock', '--heartbeat-ms', '600000'] });
  try {
    const t0 = Math.floor(Date.now() / 1000);
    const setClock = async (t) => {
      delete q.tokens.admin; // the admin's own session idles too
      const r = await q.as('admin', 'PUT', '/api/v1/test/clock', { body: { now: t } });
      assert.equal(r.status, 200, r.text);
      delete q.tokens.admin;
    };
    await setClock(t0);
    const sup = subscribe(q, await q.login('sup'));
    await sup.until((e) => e.length >= 1);
    const board = subscribe(q, q.devices['board-1']);
    await board.until((e) => e.length >= 1);
    // An event while the session is live reaches the supervisor.
    assert.equal((await q.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).status, 201);
    await sup.until((e) => deltas(e).length >= 1);
    // Thirty-one idle minutes later the session has ended: the next event ends its stream.
    await setClock(t0 + 31 * 60);
    const late = async () => {
      assert.equal((await q.as('kiosk-1', 'POST', '/api/v1/tickets', { body: { group: 'CT' } })).status, 201);
      return Promise.race([sup.ended.then(() => true), new Promise((r) => setTimeout(r, 500, false))]);
    };
    await until(late, 'the idled-out session\'s stream ended', 5000);
    assert.ok(deltas(sup.events).length <= 3, `the ended session still got ${deltas(sup.events).length} events`);
    // A board never idles: it got every event.
    await board.until((e) => deltas(e).length >= 2);
    board.close();
  } finally {
    await q.stop();
    q.cleanup();
  }
});
